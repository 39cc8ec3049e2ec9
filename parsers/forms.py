"""Helpers shared by the parsers of the forms credit issues and gets back filled in
(:mod:`parsers.commitment_letter`, :mod:`parsers.monthly_report`,
:mod:`parsers.section_submission`): canonical text, blank values, numbers and dates (through
:mod:`archive.cnnum`), serials and document properties, the enterprise, label/value scanning of
tables and text, signature blocks and titles.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from archive import cnnum, uscc
from archive.i18n import _
from parsers.base import CODE_ABSENT, Document, NamedEnterprise, ParsedDocument

# A digit of a year (2026, 二〇二六, 贰零贰陆): :mod:`archive.cnnum`, as everywhere.
YEAR_DIGIT = f"[0-9{cnnum.YEAR_CHARS}]"

SPACE_CHARS = " \t\u3000\xa0"
MAX_PROPERTY = 1_000  # characters of a document property looked at (Word keeps 255)
MAX_SERIAL_LINE = 300  # characters of a ``编号：`` line looked at
MAX_LABEL_LINE = 300  # characters of a signature or header line looked at
# A value made of these only is blank: underlines, dashes, slashes, dots.
EMPTY_MARKS = frozenset("_＿-－—–―‐/／\\、.。…·•﹍﹎ \t\u3000\xa0\n")
_PAGE_NUMBER = re.compile(r"^\s*[—–\-－―]+\s*\d{1,4}\s*[—–\-－―]+\s*$")
_SERIAL_LINE = re.compile(r"^\s*编\s*号\s*[:：]\s*(?P<value>\S.*?)\s*$")
_KEYWORD_SERIAL = re.compile(
    r"credit-serial\s*[:,]\s*(?P<serial>[^;,]+?)\s*"
    r"(?:[;,]\s*uscc\s*[:,]?\s*(?P<code>[0-9A-Za-z*×]*)\s*)?(?:[;,]|$)"
)


def canonical(text: str) -> str:
    """NFKC (full-width → half-width) and ``\\n`` line breaks; the line count is kept.

    The text layer has normalised already; this makes hand-made documents safe too.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFKC", text)


def canonical_lines(text: str) -> list[str]:
    return canonical(text).split("\n")


def compact(text: str) -> str:
    """NFKC without any whitespace: for comparing labels and titles."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def bare_label(label: str) -> str:
    """A label without whitespace, brackets and colons: ``车间（部门）负责人`` → ``车间部门负责人``."""
    return re.sub(r"[\s()（）:：]", "", unicodedata.normalize("NFKC", label))


def probe(line: str) -> str:
    """A line stripped and cut to :data:`MAX_LABEL_LINE` characters, for the patterns of
    short label lines (a hostile line of a million spaces must not make them backtrack)."""
    return line.strip()[:MAX_LABEL_LINE]


def is_page_number(line: str) -> bool:
    """``— 2 —``: the page number LibreOffice prints into the PDF's text."""
    return bool(_PAGE_NUMBER.match(line))


def is_blank(text: str | None) -> bool:
    """Nothing written: empty, or only underlines, dashes, slashes and dots.

    >>> is_blank(" ／ "), is_blank("——"), is_blank("无"), is_blank("")
    (True, True, False, True)
    """
    return not text or all(char in EMPTY_MARKS for char in text)


def clean_value(text: str | None) -> str | None:
    """A written value without surrounding space and underlines; None when blank."""
    if text is None:
        return None
    value = text.strip(SPACE_CHARS + "_＿\n")
    return None if is_blank(value) else value


# -- numbers and dates ------------------------------------------------------------------------


def chinese_number(text: str, *, digits: bool = False) -> int | None:
    """An integer from Arabic digits or Chinese numerals (:func:`archive.cnnum.number`).

    ``digits=True`` reads digit by digit, as years are written (二〇二六 → 2026).

    >>> chinese_number("十二"), chinese_number("二十一"), chinese_number("廿三"), chinese_number("十")
    (12, 21, 23, 10)
    >>> chinese_number("二〇二六", digits=True), chinese_number("07"), chinese_number("一百零五")
    (2026, 7, 105)
    >>> chinese_number("三月") is None
    True
    """
    return cnnum.digits_value(text) if digits else cnnum.number(text)


_NUM = f"[0-9{cnnum.LOOKALIKE_ZEROS}{cnnum.SMALL_CHARS}]"
_DATE_PATTERNS = (
    re.compile(
        rf"(?P<y>{YEAR_DIGIT}{{4}})\s*年\s*(?P<m>{_NUM}{{1,3}}|元)\s*月\s*(?P<d>{_NUM}{{1,4}})\s*[日号]?"
    ),
    re.compile(r"(?P<y>\d{4})\s*[.\-/．]\s*(?P<m>\d{1,2})\s*[.\-/．]\s*(?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?!\d)"),
)


def parse_date(text: str | None) -> date | None:
    """A written date: ``2026年12月1日``, ``2026.12.1``, ``2026-12-01``, ``二〇二六年十二月一日``,
    ``贰零贰陆年壹拾贰月壹日``.

    None when blank (``年　月　日``), partial or impossible.

    >>> parse_date("2026 年 12 月 1 日"), parse_date("二〇二六年十二月三十一日")
    (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
    >>> parse_date("2026.12.1"), parse_date("2026/2/30"), parse_date("　　年　月　日")
    (datetime.date(2026, 12, 1), None, None)
    """
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text)
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        year = cnnum.digits_value(match["y"])
        month = cnnum.month_number(match["m"])
        day = cnnum.number(match["d"])
        if year is None or month is None or day is None:
            continue
        return cnnum.make_date(year, month, day)
    return None


def is_blank_date(text: str | None) -> bool:
    """A date line still as printed: ``　　年　　月　　日`` (or nothing at all)."""
    if not text:
        return True
    rest = re.sub(r"[年月日号]", "", unicodedata.normalize("NFKC", text))
    return is_blank(rest)


def parse_period(text: str | None) -> str | None:
    """``YYYY-MM`` from ``2026年11月``, ``2026-11``, ``2026.11``, ``二〇二六年十一月``.

    >>> parse_period("2026 年 11 月"), parse_period("2026-11"), parse_period("二〇二六年十一月份")
    ('2026-11', '2026-11', '2026-11')
    >>> parse_period("2026年13月") is None, parse_period("十一月") is None
    (True, True)
    """
    if not text:
        return None
    month = cnnum.parse_month(unicodedata.normalize("NFKC", text))
    return f"{month[0]:04d}-{month[1]:02d}" if month else None


def date_problem(text: str | None) -> str | None:
    """A warning for a date line that is filled in but cannot be read."""
    if is_blank_date(text) or parse_date(text) is not None:
        return None
    return _("日期“{text}”无法识别", text=(text or "").strip())


# -- serials, properties, enterprise ---------------------------------------------------------


def _properties(properties: dict[str, str] | None) -> dict[str, str]:
    return {str(key).lower(): str(value) for key, value in (properties or {}).items() if value}


def properties_serial(properties: dict[str, str] | None) -> tuple[str | None, str | None]:
    """``(serial, credit_code)`` from the document properties credit wrote.

    The keywords hold ``credit-serial:<serial>;uscc:<code>`` (a PDF printed by LibreOffice
    turns the separators into commas), the identifier the serial alone.

    >>> properties_serial({"keywords": "commitment_unit; credit-serial:蓝应急诺〔2026〕0001号;uscc:91110000600037341L"})
    ('蓝应急诺〔2026〕0001号', '91110000600037341L')
    >>> properties_serial({"Keywords": "form_section_submission, credit-serial, X〔2026〕7号, uscc, "})
    ('X〔2026〕7号', None)
    >>> properties_serial({"identifier": "X〔2026〕8号"}), properties_serial({})
    (('X〔2026〕8号', None), (None, None))
    """
    props = _properties(properties)
    match = _KEYWORD_SERIAL.search(props.get("keywords", "")[:MAX_PROPERTY])
    if match and match["serial"].strip():
        return match["serial"].strip(), (match["code"] or None)
    identifier = props.get("identifier", "")[:MAX_PROPERTY].strip()
    return (identifier or None), None


def properties_template(properties: dict[str, str] | None) -> str | None:
    """The template name credit put first in the keywords (``commitment_unit`` …)."""
    from archive.letters.catalog import TEMPLATES

    keywords = _properties(properties).get("keywords", "")[:MAX_PROPERTY]
    for token in re.split(r"[;,\s]+", keywords):
        if token in TEMPLATES:
            return token
    return None


def printed_serial(lines: Sequence[str], limit: int = 15) -> tuple[str | None, int | None]:
    """``(serial, line index)`` of the printed ``编号：…`` near the top (spaces removed)."""
    for index, line in enumerate(lines[:limit]):
        match = _SERIAL_LINE.match(line[:MAX_SERIAL_LINE])
        if match:
            value = re.sub(r"\s+", "", match["value"])
            if value and re.search(r"\d", value):
                return value, index
    return None, None


def put_serial(parsed: ParsedDocument, doc: Document, lines: Sequence[str]) -> None:
    """``serial`` from the properties, else from the printed 编号; a mismatch is a warning."""
    from_props = properties_serial(doc.properties)[0]
    printed, index = printed_serial(lines)
    if from_props:
        same = printed is not None and compact(printed) == compact(from_props)
        parsed.put(
            "serial",
            from_props,
            index + 1 if same and index is not None else None,
            lines[index].strip() if same and index is not None else "properties",
        )
        if printed is not None and not same:
            parsed.warnings.append(
                _(
                    "文档属性中的编号 {properties} 与正文中的编号 {printed} 不一致",
                    properties=from_props,
                    printed=printed,
                )
            )
    elif printed is not None and index is not None:
        parsed.put("serial", printed, index + 1, lines[index].strip())


def find_code(text: str | None) -> str | None:
    """The credit code at the start of ``text`` (spaces and dashes removed), or None."""
    if not text:
        return None
    match = re.match(r"[0-9A-Z*×]{15,18}", uscc.compact(text))
    return match[0] if match else None


def put_enterprise(
    parsed: ParsedDocument,
    doc: Document,
    name: tuple[str, int | None] | None,
    code: tuple[str, int | None] | None,
) -> None:
    """The enterprise from the name and code found at (value, 1-based line or None); the
    code in the properties stands in when the text has none."""
    enterprise_name = clean_value(name[0]) if name else None
    if enterprise_name is not None and name is not None:
        parsed.put("enterprise_name", enterprise_name, name[1])
    text_code = find_code(code[0]) if code else None
    props_code = properties_serial(doc.properties)[1]
    credit_code = text_code or (uscc.compact(props_code) if props_code else None)
    if credit_code is not None:
        parsed.put("credit_code", credit_code, code[1] if text_code and code else None)
    if text_code and props_code and uscc.compact(props_code) != text_code:
        parsed.warnings.append(
            _(
                "正文中的统一社会信用代码 {text} 与文档属性中的 {properties} 不一致",
                text=text_code,
                properties=props_code,
            )
        )
    if enterprise_name is None and credit_code is None:
        return
    parsed.enterprises.append(
        NamedEnterprise(
            name=enterprise_name,
            credit_code=credit_code,
            credit_code_status=uscc.status(credit_code) if credit_code else CODE_ABSENT,
        )
    )


def label_regex(label: str) -> str:
    """A pattern for a fixed label: any spacing (even line breaks) between its characters,
    full- or half-width brackets and colons."""
    parts = []
    for char in unicodedata.normalize("NFKC", label):
        if char.isspace():
            continue
        if char in "(（":
            parts.append(r"[(（]")
        elif char in ")）":
            parts.append(r"[)）]")
        elif char in ":：":
            parts.append(r"[:：]")
        else:
            parts.append(re.escape(char))
    return r"\s*".join(parts)


def label_line_value(
    lines: Sequence[str],
    labels: Iterable[str],
    *,
    continue_until: Sequence[str] = (),
    max_continuation: int = 3,
) -> tuple[str, int] | None:
    """``(value, 1-based line)`` of the first line ``label：value`` for any of ``labels``.

    With ``continue_until``, the following lines up to a line starting with one of those
    labels are part of the value (a long name wrapped in a PDF).
    """
    patterns = [
        re.compile(rf"^[ \t]*{label_regex(label)}[ \t]*[:：][ \t]*(.*)$") for label in labels
    ]
    stops = [re.compile(rf"^[ \t]*{label_regex(label)}") for label in continue_until]
    for index, line in enumerate(lines):
        for pattern in patterns:
            match = pattern.match(line)
            if not match:
                continue
            value = match[1].strip()
            if stops:
                extras: list[str] = []
                for extra in lines[index + 1 : index + 1 + max_continuation]:
                    if any(stop.match(extra) for stop in stops):
                        value = join_wrapped([value, *extras])
                        break
                    if not extra.strip() or is_page_number(extra):
                        break
                    extras.append(extra.strip())
            return value, index + 1
    return None


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def join_wrapped(pieces: Iterable[str]) -> str:
    """Join the pieces of a line wrapped by the PDF: a space only between Latin words.

    >>> join_wrapped(["本月投入 12", "万元，用于", "", "Safety", "first"])
    '本月投入 12万元，用于Safety first'
    """
    parts: list[str] = []
    last = ""
    for piece in pieces:
        if not piece:
            continue
        if last and _latin(last[-1]) and _latin(piece[0]):
            parts.append(" ")
        parts.append(piece)
        last = piece
    return "".join(parts)


# -- signature blocks -------------------------------------------------------------------------

_SIGNATURE = re.compile(
    r"^\s*(?P<label>.{0,20}?)\s*(?:[(（]\s*签\s*[字名]\s*[)）]\s*[:：]?|签\s*[字名]\s*[:：])"
    r"\s*(?P<value>.*)$"
)
_SEAL = re.compile(r"^\s*(?P<label>.{0,12}?)\s*[(（]\s*盖\s*章\s*[)）]\s*[:：]?\s*(?P<value>.*)$")
_DATE_LINE = re.compile(r"^\s*(?:签\s*[字订署]\s*)?日\s*期\s*[:：]\s*(?P<value>.*)$")
PERSON_NAME = re.compile(r"^[\u3400-\u9fff·•]{2,8}$")


@dataclass
class Signature:
    label: str
    value: str | None
    line: int  # 1-based
    source: str


@dataclass
class _Found:
    value: str
    line: int
    source: str


@dataclass
class SignatureBlock:
    """Signature lines (``…（签字）：``) and seal lines, closed by a ``日期：`` line."""

    signatures: list[Signature]
    date: _Found | None = None
    date_line: int | None = None
    problems: tuple[str, ...] = ()

    @property
    def signer(self) -> _Found | None:
        for signature in self.signatures:
            if signature.value is not None:
                return _Found(signature.value, signature.line, signature.source)
        return None


def signature_blocks(lines: Sequence[str]) -> list[SignatureBlock]:
    """The signature blocks of a letter, in order.

    A signature's value is what follows its label on the line; when that is blank and the
    next line holds nothing but a name (2–8 ideographs), that name.  A name and a date
    written on one line (``法定代表人（签字）：张三　日期：2026年12月1日``) are split.
    """
    blocks: list[SignatureBlock] = []
    current = SignatureBlock([])
    started = False
    for index, full_line in enumerate(lines):
        line = probe(full_line)
        date_match = _DATE_LINE.match(line)
        signature = _SIGNATURE.match(line)
        if signature and not date_match:
            started = True
            raw = signature["value"]
            inline_date = None
            split = re.search(r"日\s*期\s*[:：]", raw)
            if split:
                raw, inline_date = raw[: split.start()], raw[split.end() :]
            value = clean_value(raw)
            if value is None and inline_date is None:
                value = name_on_next_line(lines, index)
            current.signatures.append(
                Signature(signature["label"].strip(), value, index + 1, line.strip())
            )
            if inline_date is not None:
                _close(current, inline_date, index, line)
                blocks.append(current)
                current = SignatureBlock([])
            continue
        if _SEAL.match(line) and not date_match:
            started = True
            continue
        if date_match and started:
            _close(current, date_match["value"], index, line)
            blocks.append(current)
            current = SignatureBlock([])
    if current.signatures:
        blocks.append(current)
    return blocks


def _close(block: SignatureBlock, value: str, index: int, line: str) -> None:
    block.date_line = index + 1
    day = parse_date(value)
    if day is not None:
        block.date = _Found(day.isoformat(), index + 1, line.strip())
    problem = date_problem(value)
    if problem:
        block.problems = (problem,)


def name_on_next_line(lines: Sequence[str], index: int) -> str | None:
    if index + 1 >= len(lines):
        return None
    candidate = probe(lines[index + 1])
    if not candidate or is_page_number(candidate) or ":" in candidate or "：" in candidate:
        return None
    if _SIGNATURE.match(candidate) or _SEAL.match(candidate) or _DATE_LINE.match(candidate):
        return None
    compacted = compact(candidate)
    return compacted if PERSON_NAME.match(compacted) else None


# -- label/value forms ------------------------------------------------------------------------


@dataclass
class FormValue:
    """What one label of a form holds: the written text and the 1-based line it is on."""

    text: str
    line: int | None
    source: str | None = None
    from_table: bool = False


def _dedupe(cells: Sequence[str]) -> list[str]:
    """Cells of a row without the repeats python-docx gives for merged cells."""
    out: list[str] = []
    for cell in cells:
        if not out or cell != out[-1]:
            out.append(cell)
    return out


def unwrap(text: str) -> str:
    """A PDF table cell's text as one line: its line breaks are where the cell wrapped."""
    return join_wrapped(piece.strip() for piece in text.split("\n"))


def table_values(
    tables: Sequence[Sequence[Sequence[str]]], labels: Sequence[str], *, wrapped: bool = False
) -> dict[str, str]:
    """label → value cell of label/value rows (``[label, value]``) in the tables.

    ``wrapped``: the cells come from a PDF, where a line break is only the cell's width.
    """
    wanted = {bare_label(label): label for label in labels}
    found: dict[str, str] = {}
    for table in tables:
        for row in table:
            cells = _dedupe([canonical(cell or "") for cell in row])
            if len(cells) < 2:
                continue
            label = wanted.get(bare_label(cells[0]))
            if label is None or label in found:
                continue
            found[label] = unwrap(cells[1]) if wrapped else cells[1].strip()
    return found


def text_values(lines: Sequence[str], labels: Sequence[str]) -> dict[str, FormValue]:
    """label → value from the text: each label (in document order) begins a line -- it may be
    spaced out or wrapped over several lines -- and its value runs to the next label found.
    The last label's value is the rest of its own line."""
    text = "\n".join(lines)
    found: list[tuple[str, re.Match[str]]] = []
    position = 0
    for label in labels:
        # python-docx text: a table row is one line, ``label | value``.
        pattern = re.compile(rf"(?m)^[ \t]*{label_regex(label)}[ \t]*[:：|]?[ \t]*")
        match = pattern.search(text, position)
        if match is None:
            continue
        found.append((label, match))
        position = match.end()
    values: dict[str, FormValue] = {}
    for number, (label, match) in enumerate(found):
        if number + 1 < len(found):
            end = found[number + 1][1].start()
        else:
            newline = text.find("\n", match.end())
            end = len(text) if newline < 0 else newline
        chunk = text[match.end() : end]
        pieces = [piece.strip() for piece in chunk.split("\n")]
        label_line = text.count("\n", 0, match.start()) + 1
        line = label_line
        kept: list[str] = []
        first_piece = text.count("\n", 0, match.end()) + 1  # the line the value starts on
        for offset, piece in enumerate(pieces):
            if not piece or is_page_number(piece):
                continue
            if not kept:
                line = first_piece + offset
            kept.append(piece)
        values[label] = FormValue(join_wrapped(kept), line, lines[line - 1].strip())
    return values


def form_values(doc: Document, lines: Sequence[str], labels: Sequence[str]) -> dict[str, FormValue]:
    """label → value, from the tables where they hold the label, else from the text lines."""
    from_text = text_values(lines, labels)
    from_tables = table_values(doc.tables, labels, wrapped=doc.media == "pdf")
    values: dict[str, FormValue] = {}
    for label in labels:
        text_value = from_text.get(label)
        if label in from_tables:
            line = text_value.line if text_value is not None else None
            values[label] = FormValue(
                from_tables[label],
                line,
                f"{label} | {from_tables[label]}",
                from_table=True,
            )
        elif text_value is not None:
            values[label] = text_value
    return values


def first_line(text: str | None) -> str:
    """The first non-empty line of a value (short fields: name, phone, date)."""
    for line in (text or "").split("\n"):
        if line.strip():
            return line.strip()
    return ""


def title_candidates(lines: Sequence[str]) -> list[tuple[int, str]]:
    """Where the title can be: the first line of text after the printed 编号 (compact), and
    that line with the next one when the title is printed in two lines.

    >>> title_candidates(["编号:X〔2026〕1号", "", "安全生产诚信“黑名单”", "列入告知书", "正文"])
    [(2, '安全生产诚信“黑名单”'), (2, '安全生产诚信“黑名单”列入告知书')]
    """
    texts: list[tuple[int, str]] = []
    for index, line in enumerate(lines[:15]):
        text = compact(line)
        if not text or is_page_number(text) or _SERIAL_LINE.match(line[:MAX_SERIAL_LINE]):
            continue
        texts.append((index, text))
        if len(texts) == 2:
            break
    if not texts:
        return []
    first = texts[0]
    candidates = [first]
    # A title in two lines: the first line is not a complete title on its own.
    if len(texts) == 2 and not re.search(r"(?:书|表|单|通知|决定|意见)$", first[1]):
        candidates.append((first[0], first[1] + texts[1][1]))
    return candidates


def title_line(lines: Sequence[str], title: str) -> tuple[int, str] | None:
    """(index, text) of the title when it is ``title`` (a prefix such as 安全生产 may be
    missing or different, and a bracketed note may follow)."""
    core = compact(title)
    pattern = re.compile(rf"^.{{0,12}}{re.escape(core)}(?:[(（][^()（）]{{1,12}}[)）])?$")
    for index, text in title_candidates(lines):
        if pattern.match(text):
            return index, text
    return None


def accepts_form(
    doc: Document, *, template: str, title: str, min_labels: int, labels_reason: str
) -> str | None:
    """``accepts()`` of a form this tool issued: its title, then our serial or enough labels.

    Never raises.  The reason names the title and the serial, or says the form's labels were
    found (``labels_reason``, a message marked with ``N_`` taking ``{title}``).
    """
    from archive.letters.catalog import FORM_LABELS

    try:
        lines = canonical_lines(doc.text)
        found_title = title_line(lines, title)
        if found_title is None:
            if properties_template(doc.properties) != template:
                return None
            found_title = (-1, title)
        serial = properties_serial(doc.properties)[0] or printed_serial(lines)[0]
        if serial:
            return _("标题为“{title}”，编号 {serial}", title=found_title[1], serial=serial)
        if len(form_values(doc, lines, FORM_LABELS[template])) >= min_labels:
            return _(labels_reason, title=found_title[1])
        return None
    except Exception:  # accepts() never raises: a form it cannot read is not taken
        return None
