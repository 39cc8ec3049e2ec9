"""Small helpers shared by tests: valid credit codes, fresh archives, typing into letters."""

from __future__ import annotations

from pathlib import Path

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORGANISATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
PREFIX = "91431127"  # 企业 (9, 1) in 蓝山县 (431127)


def check_character(first17: str) -> str:
    """The 18th character of a unified social credit code (GB 32100-2015)."""
    total = sum(
        ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True)
    )
    return ALPHABET[(31 - total % 31) % 31]


def organisation_check(body: str) -> str:
    """The 9th character of a GB 11714 organisation code over its 8-digit body."""
    total = sum(int(char) * weight for char, weight in zip(body, ORGANISATION_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def make_code(n: int) -> str:
    """A distinct valid code for each ``0 <= n < 10**8``: no warnings either.

    ``"91431127"`` + an organisation code (8 digits from ``n`` + its check) + the check character.
    """
    if not 0 <= n < 10**8:
        raise ValueError(f"make_code: n out of range: {n}")
    body = f"{n:08d}"
    first17 = PREFIX + body + organisation_check(body)
    return first17 + check_character(first17)


def new_archive(tmp_path: Path, name: str = "档案", *, start: str | None = None):
    """A freshly initialised archive in ``tmp_path / name`` (its first month ``start``, else
    the month it is made in)."""
    from archive.store import init_archive

    return init_archive(tmp_path / name, actor="测试", start=start)


def type_after_label(paragraph, value: str) -> None:
    """Click after the label's colon and type, as a clerk does in Word (over the blank)."""
    runs = paragraph.runs
    label, colon, _rest = runs[0].text.partition("：")
    runs[0].text = label + colon
    for run in runs[1:]:
        run._r.getparent().remove(run._r)
    paragraph.add_run(value)


def type_in_cell(cell, paragraphs: list[str]) -> None:
    """Click into a table cell and type (over the printed blanks), Enter between paragraphs."""
    first = cell.paragraphs[0]
    if first.runs:
        first.runs[0].text = paragraphs[0]
        for run in first.runs[1:]:
            run._r.getparent().remove(run._r)
    else:
        first.add_run(paragraphs[0])
    for text in paragraphs[1:]:
        cell.add_paragraph(text, style=first.style)


def index_parts(root: Path) -> dict[str, bytes]:
    """The bytes of every part the archive's index head names, by part name."""
    import json

    from archive.index import part_file

    head = json.loads((root / "index" / "head.json").read_bytes())
    parts = root / "index" / "parts"
    return {
        name: (parts / part_file(name, sha)).read_bytes() for name, sha in head["parts"].items()
    }


def index_bytes(root: Path) -> bytes:
    """The whole index as one byte string (part names and contents, in order): equal exactly
    when every part is byte for byte the same."""
    return b"\n".join(
        name.encode() + b"\0" + data for name, data in sorted(index_parts(root).items())
    )


def index_tables(root: Path) -> dict[str, dict]:
    """The index's tables as plain dicts ({table: {key: record}}), every part read."""
    from archive.store import Archive

    index = Archive.open(root).index()
    return {table: dict(index.whole(table)) for table in sorted(index.table_names())}


def old_layout_tables(path: Path) -> dict[str, dict]:
    """The tables of an index.json credit wrote before the index was split (issue 14), as the
    split index holds them: the same records, but for what grows with an enterprise's years
    (``history``, ``documents``, ``letters``: now in ``enterprise_log``)."""
    import json

    tables = json.loads(path.read_bytes())
    del tables["_meta"]
    for record in tables["enterprises"].values():
        for moved in ("history", "documents", "letters"):
            record.pop(moved, None)
    for record in tables.get("documents", {}).values():  # what stays in the journal only
        record.pop("enterprises", None)
        record.get("fields", {}).pop("topics", None)
    return tables


def without_seq(tables: dict[str, dict]) -> dict[str, dict]:
    """``tables`` without the documents' ``seq`` (an old index.json did not keep it)."""
    documents = {
        key: {k: v for k, v in record.items() if k != "seq"}
        for key, record in tables.get("documents", {}).items()
    }
    return {**tables, "documents": documents} if "documents" in tables else tables
