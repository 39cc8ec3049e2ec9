"""What the parsers saw in one file, for ``credit explain``: text, the parser chosen and why,
each field with the line it came from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parsers.registry import PARSERS, parse_path
from parsers.text import load_document


def explain_path(path: Path) -> dict[str, Any]:
    """A JSON-ready account of how ``path`` is read; raises ParseError like ingest would.

    A scan (an image, a PDF without text) is read as ingest reads it: its QR codes and the
    signature check, or OCR (:func:`explain_scan`)."""
    from parsers.base import ParseError
    from parsers.detect import detect_type

    try:
        doc = load_document(path)
    except ParseError as exc:
        media = detect_type(path)
        if exc.reason == "no_text" and media in ("image", "pdf"):
            return explain_scan(Path(path), media)
        raise
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


def explain_scan(path: Path, media: str) -> dict[str, Any]:
    """How a scan is read: the pages, our QR codes and the signature check; or, without a code
    of ours, the OCR'd text and the fields found in it with their confidence."""
    from parsers.scan import parse_scan

    parsed = parse_scan(path, media)
    scan = parsed.get("scan") or {}
    ocr = parsed.get("ocr") or {}
    return {
        "path": str(path),
        "media": media,
        "extractor": (
            ("tesseract + PP-OCR" if ocr.get("second_engine") else "tesseract") if ocr else "qr"
        ),
        "pages": scan.get("pages") or len(ocr.get("pages") or []) or 1,
        "lines": parsed.lines,
        # key lines read a second time where that reading differs (a witness for ingest)
        "reread": {str(number): text for number, text in sorted(parsed.reread.items())},
        # the second engine's reading, where the first left fields unsure (ocr.taken: what
        # was taken from it)
        "second_lines": parsed.second_lines,
        "kind": parsed.kind,
        "parser": parsed.parser,
        "reason": parsed.reason,
        "parsers": [],
        "enterprises": [vars(named) for named in parsed.enterprises],
        "fields": {
            name: {"value": found.value, "line": found.line, "source": found.source}
            for name, found in parsed.fields.items()
            if name not in ("scan", "ocr")
        },
        "scan": scan,
        "ocr": ocr,
        "candidates": {name: list(seen) for name, seen in parsed.candidates.items()},
        "warnings": list(parsed.warnings),
    }
