"""The 安全生产诚信体系建设资料报送单 a section (股室、大队) returns (``section_submission``).

The slip (``templates/build.py``, ``form_section_submission``) has three tables: 报送股室（大队）
and 报送月份; the item list (``SECTION_SUBMISSION_COLUMNS``: 序号, 资料名称, 份数, 备注, with
``SECTION_SUBMISSION_ROWS`` numbered rows); 报送人, 接收人（政策法规股）, 日期.

Fields: ``serial``; ``section``; ``period`` (``YYYY-MM`` from 报送月份); ``items`` -- one
``{"name", "copies", "note"}`` per row with anything written in it (the printed row number
alone is not an item; ``copies`` is an int, from ``3``, ``3份`` or ``三``, else None);
``submitter`` (报送人); ``receiver`` (接收人); ``sign_date`` (日期, ISO); ``signed``: True when
the submitter and the date are both filled in -- the section's part; whether the 政策法规股
acknowledged receipt is ``receiver``.  The slip goes to a section, not an enterprise: it names
no enterprise.

In a PDF the item table comes out as lines (``1 现场检查记录 12 11月份``): a line starting with
the next row number starts a row; the copies are the first free-standing number in it that is
not part of a date (``11 月``); what comes before is the name, what follows the note.  That is
a best effort: a .docx, or a PDF whose tables the text layer extracted, is read cell by cell.

>>> from pathlib import Path
>>> from parsers.base import Document
>>> text = "\\n".join(["编号:蓝应急表〔2026〕0009号", "安全生产诚信体系建设资料报送单",
...     "报送股室(大队) 危化股", "报送月份 2026 年 11 月", "序号 资料名称 份数 备注",
...     "1 现场检查记录 12 11 月份", "2 责令限期整改指令书 3", "3", "报送人 赵六",
...     "接收人(政策法规股)", "日期 2026 年 11 月 30 日"])
>>> parsed = parse(Document(Path("s.pdf"), "pdf", text))
>>> parsed.get("section"), parsed.get("period"), parsed.get("submitter"), parsed.get("signed")
('危化股', '2026-11', '赵六', True)
>>> parsed.get("items")[0]
{'name': '现场检查记录', 'copies': 12, 'note': '11 月份'}
>>> parsed.get("items")[1], parsed.get("receiver")
({'name': '责令限期整改指令书', 'copies': 3, 'note': None}, None)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from archive.i18n import N_, _
from parsers.base import Document, ParsedDocument
from parsers.forms import (
    accepts_form,
    bare_label,
    canonical,
    canonical_lines,
    chinese_number,
    clean_value,
    compact,
    date_problem,
    first_line,
    form_values,
    is_blank,
    join_wrapped,
    label_regex,
    parse_date,
    parse_period,
    put_serial,
    unwrap,
)

NAME = "section_submission"
KIND = "section_submission"
TEMPLATE = "form_section_submission"
TITLE = "资料报送单"

MIN_LABELS = 4

_COPIES = re.compile(
    r"(?<!\S)(?P<number>\d{1,4}|[一二两三四五六七八九十]{1,3})\s*(?:份|本|册|套|件)?(?!\S)"
)
_NOT_COPIES_AFTER = re.compile(r"\s*[年月日号批次期个项条页]")  # used with match(text, pos)
_ROW = re.compile(r"^\s*(?P<number>\d{1,3})(?!\d)[.、．]?\s*(?P<rest>.*)$")


def _labels() -> tuple[str, ...]:
    from archive.letters.catalog import FORM_LABELS

    return FORM_LABELS[TEMPLATE]


def accepts(doc: Document) -> str | None:
    """The title 资料报送单, and our serial or the slip's labels."""
    return accepts_form(
        doc,
        template=TEMPLATE,
        title=TITLE,
        min_labels=MIN_LABELS,
        labels_reason=N_("标题为“{title}”，有报送单的栏目"),
    )


def parse_copies(text: str | None) -> int | None:
    """``3``, ``3份``, ``三份``, ``十二`` → the number of copies; None otherwise.

    >>> parse_copies("3"), parse_copies(" 12 份"), parse_copies("三"), parse_copies("若干")
    (3, 12, 3, None)
    """
    if not text:
        return None
    text = re.sub(r"\s+", "", canonical(text))
    text = re.sub(r"(份|本|册|套|件)$", "", text)
    if not text:
        return None
    number = chinese_number(text)
    return number if number is not None and 0 <= number < 100_000 else None


def parse(doc: Document) -> ParsedDocument:
    """Serial, section, month, items and signatures of a returned submission slip."""
    lines = canonical_lines(doc.text)
    parsed = ParsedDocument(kind=KIND, parser=NAME, reason=accepts(doc) or "")
    put_serial(parsed, doc, lines)
    labels = _labels()
    values = form_values(doc, lines, labels)
    section_label, month_label, submitter_label, receiver_label, date_label = labels

    section = values.get(section_label)
    if section is not None:
        parsed.put("section", clean_value(first_line(section.text)), section.line, section.source)
    month = values.get(month_label)
    if month is not None:
        period = parse_period(month.text)
        if period is not None:
            parsed.put("period", period, month.line, month.source)
        elif not is_blank(month.text):
            parsed.warnings.append(_("报送月份“{text}”无法识别", text=month.text))

    items, items_line = _items_from_tables(doc.tables, lines, parsed, wrapped=doc.media == "pdf")
    if items is None:
        items, items_line = _items_from_text(lines, parsed)
    parsed.put("items", items or [], items_line)

    submitter = values.get(submitter_label)
    submitter_name = clean_value(first_line(submitter.text)) if submitter is not None else None
    if submitter is not None and submitter_name is not None:
        parsed.put("submitter", submitter_name, submitter.line, submitter.source)
    receiver = values.get(receiver_label)
    if receiver is not None:
        parsed.put(
            "receiver", clean_value(first_line(receiver.text)), receiver.line, receiver.source
        )
    when = values.get(date_label)
    day = None
    if when is not None:
        day = parse_date(first_line(when.text))
        if day is not None:
            parsed.put("sign_date", day.isoformat(), when.line, when.source)
        else:
            problem = date_problem(first_line(when.text))
            if problem:
                parsed.warnings.append(problem)
    parsed.put(
        "signed",
        submitter_name is not None and day is not None,
        submitter.line if submitter is not None else None,
    )
    return parsed


def _item(
    parsed: ParsedDocument, number: str, name: str | None, copies: str | None, note: str | None
) -> dict[str, Any] | None:
    name, copies, note = clean_value(name), clean_value(copies), clean_value(note)
    if name is None and copies is None and note is None:
        return None
    count = parse_copies(copies)
    if copies is not None and count is None:
        parsed.warnings.append(_("第{number}行的份数“{text}”不是数字", number=number, text=copies))
    return {"name": name, "copies": count, "note": note}


def _is_header(cells: Sequence[str]) -> bool:
    from archive.letters.catalog import SECTION_SUBMISSION_COLUMNS

    bare = [bare_label(cell) for cell in cells]
    return bare[: len(SECTION_SUBMISSION_COLUMNS)] == list(SECTION_SUBMISSION_COLUMNS) or (
        "资料名称" in bare and "份数" in bare
    )


def _items_from_tables(
    tables: Sequence[Sequence[Sequence[str]]],
    lines: Sequence[str],
    parsed: ParsedDocument,
    *,
    wrapped: bool = False,
) -> tuple[list[dict[str, Any]] | None, int | None]:
    """Items from the item table (None when no table has its header); ``wrapped``: PDF
    cells, whose line breaks are only the cell's width."""
    for table in tables:
        rows = [
            [
                unwrap(canonical(cell or "")) if wrapped else canonical(cell or "").strip()
                for cell in row
            ]
            for row in table
        ]
        for index, row in enumerate(rows):
            if not _is_header(row):
                continue
            header = [bare_label(cell) for cell in row]
            column = {
                key: header.index(key) if key in header else None
                for key in ("序号", "资料名称", "份数", "备注")
            }
            items = []
            for number, cells in enumerate(rows[index + 1 :], 1):
                got = {
                    key: cells[at] if at is not None and at < len(cells) else None
                    for key, at in column.items()
                }
                label = got["序号"] or str(number)
                item = _item(parsed, label, got["资料名称"], got["份数"], got["备注"])
                if item is not None:
                    items.append(item)
            return items, _header_line(lines)
    return None, None


def _header_line(lines: Sequence[str]) -> int | None:
    """1-based line of the item table's header in the text."""
    for index, line in enumerate(lines):
        text = compact(line)
        if "资料名称" in text and ("份数" in text or "序号" in text):
            return index + 1
    return None


def _items_from_text(
    lines: Sequence[str], parsed: ParsedDocument
) -> tuple[list[dict[str, Any]], int | None]:
    """Items from the text lines between the item header and 报送人."""
    start = _header_line(lines)
    if start is None:
        return [], None
    stop = re.compile(rf"^[ \t]*{label_regex(_labels()[2])}")
    rows: list[tuple[str, list[str]]] = []  # row number, its lines
    expected = 1
    for index in range(start, len(lines)):
        line = lines[index]
        if stop.match(line):
            break
        if not line.strip() or _is_page_number(line):
            continue
        match = _ROW.match(line)
        if match and int(match["number"]) == expected:
            rows.append((match["number"], [match["rest"].strip()]))
            expected += 1
        elif rows:
            rows[-1][1].append(line.strip())
    items = []
    for number, pieces in rows:
        name, copies, note = _split_row(join_wrapped(pieces))
        item = _item(parsed, number, name, copies, note)
        if item is not None:
            items.append(item)
    return items, start


def _is_page_number(line: str) -> bool:
    from parsers.forms import is_page_number

    return is_page_number(line)


def _split_row(text: str) -> tuple[str | None, str | None, str | None]:
    """(name, copies, note) of one item line without its row number.

    >>> _split_row("2026 年 11 月检查记录 3"), _split_row("| 台账 | 2份 | 补报")
    (('2026 年 11 月检查记录', '3', None), ('台账', '2份', '补报'))
    """
    text = text.strip()
    if "|" in text:  # python-docx text: the non-empty cells, `` | `` between them
        cells = [cell.strip() for cell in text.strip("| ").split("|")]
        if len(cells) >= 3:
            return cells[0] or None, cells[1] or None, " ".join(cells[2:]) or None
        if len(cells) == 2:
            if parse_copies(cells[1]) is not None:
                return cells[0] or None, cells[1], None
            if parse_copies(cells[0]) is not None:
                return None, cells[0], cells[1] or None
            return cells[0] or None, None, cells[1] or None
        if cells and parse_copies(cells[0]) is not None and cells[0].isdigit():
            return None, cells[0], None
        return (cells[0] or None) if cells else None, None, None
    for match in _COPIES.finditer(text):
        if _NOT_COPIES_AFTER.match(text, match.end()):
            continue
        end = match.start()
        while end and text[end - 1].isspace():
            end -= 1
        if end and text[end - 1] == "第":
            continue
        return text[:end] or None, match["number"], text[match.end() :].strip() or None
    return text or None, None, None
