"""What the parsers saw in one file, for ``credit explain``: text, the parser chosen and why,
each field with the line it came from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parsers.registry import PARSERS, parse_path
from parsers.text import load_document


def explain_path(path: Path) -> dict[str, Any]:
    """A JSON-ready account of how ``path`` is read; raises ParseError like ingest would."""
    doc = load_document(path)
    parsed = parse_path(path)
    candidates = []
    for parser in PARSERS:
        try:
            reason = parser.accepts(doc)
        except Exception as exc:  # explain shows a broken parser instead of dying with it
            reason = f"{type(exc).__name__}: {exc}"
        candidates.append(
            {"name": parser.NAME, "reason": reason, "chosen": parsed.parser == parser.NAME}
        )
    return {
        "path": str(path),
        "media": doc.media,
        "extractor": doc.extractor,
        "pages": doc.pages,
        "lines": doc.lines,
        "kind": parsed.kind,
        "parser": parsed.parser,
        "reason": parsed.reason,
        "parsers": candidates,
        "enterprises": [vars(named) for named in parsed.enterprises],
        "fields": {
            name: {"value": found.value, "line": found.line, "source": found.source}
            for name, found in parsed.fields.items()
        },
        "candidates": {name: list(seen) for name, seen in parsed.candidates.items()},
        "warnings": list(parsed.warnings),
    }
