"""A returned 安全生产承诺书 that credit issued (``commitment_letter``), as .docx or PDF.

The four levels of ``templates/build.py``: 单位 (``unit``: 法定代表人 signs), 车间（部门）
(``workshop``), 班组 (``team``), 岗位 (``post``).  The lower three are two-way letters with two
signature blocks: the first is the party that commits (车间（部门）负责人, 班组长, 岗位员工),
the second the party that commits in return (单位主要负责人 + seal, 车间（部门）负责人, 班组长).

Fields:

``serial``
    the letter's serial: the ``credit-serial:`` entry of the document properties (keywords,
    then ``identifier``), else the printed ``编号：…``;
``level``
    ``unit``/``workshop``/``team``/``post`` from the title (``车间（部门）…双向承诺书``,
    ``（班组）`` …; a plain ``安全生产承诺书`` is the unit letter), else from the template
    named in the properties, else from the first signature label;
``year``
    from ``YYYY年度`` in the title (Arabic or Chinese numerals), else ``有效期为YYYY年``;
``signer``, ``sign_date``
    the name written after the committing party's ``…（签字）：`` label, and the date of its
    block's ``日期：`` line (ISO); absent while blank (``年　月　日``);
``signed``
    True when both ``signer`` and ``sign_date`` are there (domain §7), else False;
``counter_signer``, ``counter_sign_date``, ``counter_signed``
    the same for the second block of a two-way letter (``signed`` does not depend on it);
``department``, ``team``, ``post``, ``person``
    the header lines of the lower levels (车间（部门）名称, 班组名称, 岗位名称, and the person the
    header names: 车间（部门）负责人 / 班组长 / 员工姓名), when filled in;

and the enterprise (承诺单位 or 单位名称, and 统一社会信用代码; the code in the properties when the
text has none).

The helpers in the second half of this module (dates, serials, label/value scanning) are
shared by :mod:`parsers.monthly_report` and :mod:`parsers.section_submission`.

>>> from pathlib import Path
>>> from parsers.base import Document
>>> text = "\\n".join([
...     "编号:蓝应急诺〔2026〕0001号",
...     "2026年度安全生产承诺书",
...     "承诺单位:蓝山县甲化工有限公司",
...     "统一社会信用代码:91110000600037341L",
...     "单位(盖章):",
...     "法定代表人(签字):张三",
...     "日期:二〇二六年十二月一日",
... ])
>>> doc = Document(Path("a.pdf"), "pdf", text)
>>> accepts(doc)
'标题为“2026年度安全生产承诺书”，编号 蓝应急诺〔2026〕0001号'
>>> parsed = parse(doc)
>>> parsed.get("level"), parsed.get("year"), parsed.get("signer"), parsed.get("sign_date")
('unit', 2026, '张三', '2026-12-01')
>>> parsed.get("signed"), parsed.credit_code_status, parsed.fields["signer"].line
(True, 'valid', 6)
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
_YEAR_DIGIT = f"[0-9{cnnum.YEAR_CHARS}]"

NAME = "commitment_letter"
KIND = "commitment_letter"

LEVELS = ("unit", "workshop", "team", "post")

# Title wording → level, checked in this order (the unit letter's title names no level).
_TITLE_LEVELS: tuple[tuple[str, str], ...] = (
    ("岗位", "post"),
    ("班组", "team"),
    ("车间", "workshop"),
    ("部门", "workshop"),
    ("单位", "unit"),
)

# Signature labels of the committing party, per level (compact, without brackets).
_COMMITTERS: dict[str, tuple[str, ...]] = {
    "unit": ("法定代表人", "主要负责人", "负责人"),
    "workshop": ("车间部门负责人", "部门负责人", "车间负责人", "车间主任"),
    "team": ("班组长",),
    "post": ("岗位员工", "员工", "承诺人"),
}

# Header lines of the lower levels: label (compact) → field.
_HEADER_FIELDS: dict[str, str] = {
    "车间部门名称": "department",
    "车间部门": "department",
    "班组名称": "team",
    "班组": "team",
    "岗位名称": "post",
    "车间部门负责人": "person",
    "班组长": "person",
    "员工姓名": "person",
}

_TITLE = re.compile(r"^.{0,40}承诺书\s*(?:[(（][^()（）]{1,10}[)）])?$")


def accepts(doc: Document) -> str | None:
    """The reason this is a commitment letter: its title and our serial, or a work-safety
    commitment title on an enterprise's own template (no serial)."""
    try:
        lines = canonical_lines(doc.text)
        title = _title(lines)
        if title is None:
            return None
        serial = properties_serial(doc.properties)[0] or printed_serial(lines)[0]
        if not serial:
            if _OWN_TITLE.match(title[1]):
                return _("标题为“{title}”（单位自拟的承诺书，没有编号）", title=title[1])
            return None
        return _("标题为“{title}”，编号 {serial}", title=title[1], serial=serial)
    except Exception:  # accepts() never raises
        return None


def parse(doc: Document) -> ParsedDocument:
    """The serial, level, year, enterprise and signatures of a returned commitment letter."""
    lines = canonical_lines(doc.text)
    if not (properties_serial(doc.properties)[0] or printed_serial(lines)[0]):
        return parse_own_template(doc)
    parsed = ParsedDocument(kind=KIND, parser=NAME, reason=accepts(doc) or "")
    put_serial(parsed, doc, lines)
    title = _title(lines)

    level = None
    if title is not None:
        index, text = title
        level = _level_from_title(text)
        if level is not None:
            parsed.put("level", level, index + 1, text)
        year = _year(text)
        if year is not None:
            parsed.put("year", year, index + 1, text)
    if "year" not in parsed.fields:
        for index, line in enumerate(lines):
            match = re.search(r"有效期为\s*(\d{4})\s*年", line)
            if match:
                parsed.put("year", int(match[1]), index + 1, line.strip())
                break
    if level is None:
        template = properties_template(doc.properties)
        if template and template.startswith("commitment_"):
            level = template.removeprefix("commitment_")
            if level in LEVELS:
                parsed.put("level", level, None, "properties")
            else:
                level = None

    blocks = signature_blocks(lines)
    if level is None and blocks and blocks[0].signatures:
        level = _level_from_label(blocks[0].signatures[0].label)
        if level is not None:
            first = blocks[0].signatures[0]
            parsed.put("level", level, first.line, first.source)

    committer, counter = _split_blocks(blocks, level)
    _put_block(parsed, committer, "signer", "sign_date", "signed")
    if level in ("workshop", "team", "post") or counter is not None:
        _put_block(parsed, counter, "counter_signer", "counter_sign_date", "counter_signed")
        if parsed.get("signed") and not parsed.get("counter_signed"):
            parsed.warnings.append(_("双向承诺书的另一方尚未签字或未填日期"))
    for block in blocks:
        for problem in block.problems:
            parsed.warnings.append(problem)

    _put_header_lines(parsed, lines)
    name = label_line_value(lines, ("承诺单位", "单位名称"), continue_until=("统一社会信用代码",))
    code = label_line_value(lines, ("统一社会信用代码",))
    put_enterprise(parsed, doc, name, code)
    return parsed


def _title(lines: Sequence[str]) -> tuple[int, str] | None:
    """(index, text) of the title, a short text ending in 承诺书 (see :func:`title_candidates`)."""
    for index, text in title_candidates(lines):
        if _TITLE.match(text):
            return index, text
    return None


def _level_from_title(title: str) -> str | None:
    if "承诺书" not in title:
        return None
    for word, level in _TITLE_LEVELS:
        if word in title:
            return level
    if "双向" in title:
        return None  # a two-way letter that does not say which level
    return "unit"


def _level_from_label(label: str) -> str | None:
    bare = bare_label(label)
    for level in ("post", "team", "workshop", "unit"):
        if any(bare.endswith(word) for word in _COMMITTERS[level]):
            return level
    return None


def _year(title: str) -> int | None:
    match = re.search(rf"({_YEAR_DIGIT}{{4}})\s*年度", title)
    if not match:
        return None
    year = cnnum.digits_value(match[1])
    return year if cnnum.year_in_range(year) else None


def _split_blocks(
    blocks: Sequence[SignatureBlock], level: str | None
) -> tuple[SignatureBlock | None, SignatureBlock | None]:
    """The committing party's block, and the other one (two-way letters)."""
    signed = [block for block in blocks if block.signatures]
    if not signed:
        return (blocks[0] if blocks else None), None
    committer = signed[0]
    if level is not None:
        for block in signed:
            if any(_is_committer(sig.label, level) for sig in block.signatures):
                committer = block
                break
    others = [block for block in signed if block is not committer]
    return committer, (others[0] if others else None)


def _is_committer(label: str, level: str) -> bool:
    bare = bare_label(label)
    return any(bare.endswith(word) for word in _COMMITTERS[level])


def _put_block(
    parsed: ParsedDocument,
    block: SignatureBlock | None,
    signer_field: str,
    date_field: str,
    signed_field: str,
) -> None:
    signer = date_found = None
    if block is not None:
        signer = block.signer
        date_found = block.date
        if signer is not None:
            parsed.put(signer_field, signer.value, signer.line, signer.source)
        if date_found is not None:
            parsed.put(date_field, date_found.value, date_found.line, date_found.source)
    signed = signer is not None and date_found is not None
    line = block.date_line if block is not None else None
    parsed.put(signed_field, signed, line)


def _put_header_lines(parsed: ParsedDocument, lines: Sequence[str]) -> None:
    for index, line in enumerate(lines[:30]):
        match = re.match(r"^([^:：]{1,12}?)\s*[:：]\s*(.*)$", probe(line))
        if not match:
            continue
        field_name = _HEADER_FIELDS.get(bare_label(match[1]))
        if field_name is None or field_name in parsed.fields:
            continue
        value = clean_value(match[2])
        if value is not None:
            parsed.put(field_name, value, index + 1, line.strip())


# ============================================================================================
# Letters an enterprise wrote on its own template (no serial)

# 安全生产承诺书, 安全生产责任承诺书, 安全生产双向承诺书, 2026年度安全生产承诺书, 某某公司
# 2026年安全生产目标责任承诺书, 班组安全生产承诺书(双向) …
# The words between 安全(生产) and 承诺书 that a letter's own title uses (企业安全生产主体责任
# 承诺书, 安全生产工作承诺书, 安全生产目标管理责任承诺书, 安全生产诚信承诺书…), never a
# sentence: a title that starts 关于 (a notice about the letters) is not a letter.
_OWN_TITLE = re.compile(
    r"^(?!关于).{0,40}?安全(?:生产)?"
    rf"(?:主体|目标|管理|工作|诚信|双向|责任制?|年度|{_YEAR_DIGIT}{{4}}年度?)*"
    r"承诺书(?:[(（][^()（）]{1,10}[)）])?$"
)
_OWN_YEAR = re.compile(rf"({_YEAR_DIGIT}{{4}})\s*年(?:度)?")
_BODY_YEAR = re.compile(r"([0-9]{4})\s*年度")
# Signature labels of a person (the committing party or the one it commits to).
_PERSON_LABELS = (
    "法定代表人",
    "法人代表",
    "主要负责人",
    "单位主要负责人",
    "单位负责人",
    "第一责任人",
    "车间主任",
    "车间负责人",
    "部门负责人",
    "班组长",
    "岗位员工",
    "员工",
    "职工",
    "承诺人",
    "负责人",
)
_OWN_COMMITTERS: dict[str, tuple[str, ...]] = {
    "unit": (
        "法定代表人",
        "法人代表",
        "主要负责人",
        "单位主要负责人",
        "第一责任人",
        "承诺人",
        "单位负责人",
        "负责人",
    ),
    "workshop": ("车间主任", "车间负责人", "部门负责人", "承诺人"),
    "team": ("班组长", "承诺人"),
    "post": ("岗位员工", "员工", "职工", "承诺人"),
}
_MARK = r"(?:[(（]\s*(?:签\s*[字名章]|签字盖章|签名盖章|盖章)\s*[)）]|签\s*[字名])"
# A signature label ends in a colon, or in a table's cell border (`` | ``, how the text layer
# joins a .docx row's cells); a label closed by its bracketed mark (``法定代表人（签字）``) may
# also stand right before its value, as a PDF table's row reads (``法定代表人（签字）张三``).
_PAREN_MARK = r"[(（]\s*(?:签\s*[字名章]|签字盖章|签名盖章|盖章)\s*[)）]"
# Words a person's label may start with (公司负责人, 企业主要负责人, 甲方代表人…): in a PDF
# table's text the name before it runs into them (``班组长(签字)杨春生公司负责人(签字)何立平``).
# Not the end of the enterprise's own name (``…有限公司主要负责人（签字）``).
_LABEL_PREFIX = (
    r"(?:(?<!有限)(?<!责任)(?<!集团)(?<!分)(?<!总)公司|企业|单位|厂方|甲方|乙方|项目部?|安全|分管)"
)
_LABEL_RE = re.compile(
    rf"(?:{_LABEL_PREFIX}(?=[\u3400-\u9fff]{{2}}))?"
    r"(?P<label>(?:承诺)?单位\s*[(（]\s*(?:盖章|公章|印章)\s*[)）]|"
    + "|".join(sorted(_PERSON_LABELS, key=len, reverse=True))
    + r")\s*(?:[(（]\s*(?P<role>(?!签|盖|公章|印章)[\u3400-\u9fff、/]{2,10})\s*[)）])?"
    + rf"\s*(?:(?P<mark>{_MARK})?\s*[:：|]|(?P<bare>{_PAREN_MARK})|(?<=[)）]))"
)
_DATE_START = rf"[\s_＿]*(?:{_YEAR_DIGIT}{{4}}|年)"
_DATE_LABEL = re.compile(
    r"(?:签\s*[订署字]\s*)?(?:承诺)?(?:日\s*期|时\s*间)\s*(?:[:：|]|(?=" + _DATE_START + r"))"
)
_BLANK_DATE = re.compile(r"^[\s_＿]*年[\s_＿]*月[\s_＿]*日[\s_＿]*$")
_LEVEL_HEADERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\s*(?:岗位|岗位名称|工种)\s*[:：]"), "post"),
    (re.compile(r"^\s*(?:班组|班组名称)\s*[:：]"), "team"),
    (re.compile(r"^\s*(?:车间|部门|车间[(（]部门[)）])(?:名称)?\s*[:：]"), "workshop"),
)


@dataclass
class _Mark:
    """One label on a signature line, what is written after it, and the date near it."""

    label: str
    seal: bool
    marked: bool  # (签字) or the like: a signature, not a header
    value: str | None
    line: int  # 1-based
    source: str
    date: tuple[str, int, str] | None = None  # (ISO, 1-based line, source)


def _own_level(
    title: str, lines: Sequence[str], marks: Sequence[_Mark]
) -> tuple[str, int | None, str]:
    """unit, unless the title, a header line or a signature label says 车间/部门, 班组, 岗位."""
    level = _level_from_title(title)
    if level is not None and level != "unit":
        return level, None, title
    for index, line in enumerate(lines[:30]):
        for pattern, header_level in _LEVEL_HEADERS:
            if pattern.match(line):
                return header_level, index + 1, line.strip()
    for mark in marks:
        if mark.marked:
            for name in ("post", "team", "workshop"):
                if mark.label in _OWN_COMMITTERS[name] and mark.label != "承诺人":
                    return name, mark.line, mark.source
    return "unit", None, title


def _line_date(text: str) -> str | bool | None:
    """ISO date of a date-only text, False for a blank date (``年  月  日``), None otherwise."""
    text = text.strip(_SPACE_CHARS + "_＿")
    if not text:
        return None
    if _BLANK_DATE.match(text):
        return False
    label = _DATE_LABEL.match(text)
    if label:
        text = text[label.end() :].strip(_SPACE_CHARS + "_＿")
        if is_blank_date(text) or not text:
            return False
    day = parse_date(text)
    if day is None:
        return None
    match = re.fullmatch(
        rf"{_YEAR_DIGIT}{{4}}\s*年\s*\S{{1,3}}\s*月\s*\S{{1,4}}\s*[日号]?"
        r"|\d{4}[.\-/]\d{1,2}[.\-/]\d{1,2}",
        text,
    )
    return day.isoformat() if match else None


def _seal_only(text: str) -> bool:
    """A line that is only seal labels with nothing written (``单位（盖章）``).

    >>> _seal_only("单位(盖章)"), _seal_only("单位(盖章):某某有限公司"), _seal_only("承诺人:")
    (True, False, False)
    """
    found = list(_LABEL_RE.finditer(text))
    if not found or any("章" not in match.group("label") for match in found):
        return False
    return is_blank(_LABEL_RE.sub("", text).strip(_SPACE_CHARS + "|"))


def _seals_only(text: str) -> bool:
    """A line of seal labels only, blank or with the enterprise's name written
    (``单位（盖章）：某某有限公司``): part of the signature above it, which shares its date.

    >>> _seals_only("单位(盖章):某某有限公司"), _seals_only("承诺人:张三")
    (True, False)
    """
    found = list(_LABEL_RE.finditer(text))
    return bool(found) and all("章" in match.group("label") for match in found)


def _column_date(text: str, column: int) -> str | bool | None:
    """The date in column ``column`` of a line of dates side by side, as a PDF table's row
    reads (``日期 2026年1月6日日期 2026年1月6日``); None unless every cell is a date.

    >>> _column_date("日期 2026年1月6日日期 2026年1月7日", 1), _column_date("日期:2026年1月6日", 0)
    ('2026-01-07', None)
    """
    starts = [match.start() for match in _DATE_LABEL.finditer(text)]
    if len(starts) >= 2 and starts[0] == 0:
        cells = [
            text[start:end] for start, end in zip(starts, [*starts[1:], len(text)], strict=True)
        ]
    else:
        cells = [cell for cell in re.split(r"\s*\|\s*|[ \t\u3000]{2,}|\u3000", text) if cell]
    cells = [cell.strip(_SPACE_CHARS + "|") for cell in cells]
    if len(cells) < 2:
        return None
    values = [_line_date(cell) for cell in cells]
    if any(value is None for value in values):
        return None
    return values[min(column, len(values) - 1)]


def _own_marks(lines: Sequence[str]) -> list[_Mark]:
    """Every signature, seal and person label with its value, and the date written nearest
    after it (on its line, or on a date-only line within the next four lines)."""
    marks: list[_Mark] = []
    for index, full in enumerate(lines):
        line = probe(full)
        found = list(_LABEL_RE.finditer(line))
        for number, match in enumerate(found):
            end = found[number + 1].start() if number + 1 < len(found) else len(line)
            raw = line[match.end() : end]
            date = None
            split = _DATE_LABEL.search(raw) or re.search(
                rf"{_YEAR_DIGIT}{{4}}\s*年|(?<![^\s_＿])年[\s_＿]*月"
                r"|(?<![0-9])[0-9]{4}[.\-/][0-9]{1,2}[.\-/][0-9]{1,2}(?![0-9])",
                raw,
            )
            if split:
                raw, date_text = raw[: split.start()], raw[split.start() :]
                value = _line_date(date_text)
                if value is not None:
                    date = (value, index + 1, line.strip()) if value else ("", index + 1, line)
            # Its own cell, without the (签字) written after the name (陈国栋（签字）).
            cell = raw.strip(_SPACE_CHARS + "|").split("|")[0]
            cell = re.sub(rf"^\s*{_PAREN_MARK}|{_PAREN_MARK}\s*$", "", cell.strip(_SPACE_CHARS))
            value = clean_value(cell)
            if value is not None:
                value = compact(value)
            seal = "章" in match.group("label")
            next_is_date = (
                index + 1 < len(lines) and _line_date(probe(lines[index + 1])) is not None
            )
            if value is None and not seal and index + 1 < len(lines) and not next_is_date:
                value = _name_on_next_line(lines, index)  # not 年  月  日 on the next line
            if value is not None and not seal and not _PERSON_NAME.match(value):
                value = None  # not a name: a note or a stray word
            # A role in brackets after the label (承诺人（车间主任）): the role is the label.
            role = match.group("role")
            label = role if role in _PERSON_LABELS else bare_label(match.group("label"))
            marks.append(
                _Mark(
                    label=label,
                    seal=seal,
                    marked=match.group("mark") is not None
                    or match.group("bare") is not None
                    or seal,
                    value=value,
                    line=index + 1,
                    source=line.strip(),
                    date=date,
                )
            )
    for mark in marks:
        if mark.date is not None:
            continue
        same_line = [other for other in marks if other.line == mark.line]
        column = next(number for number, other in enumerate(same_line) if other is mark)
        for index in range(mark.line, min(mark.line + 4, len(lines))):
            text = probe(lines[index])
            if _LABEL_RE.search(text) and index + 1 != mark.line and not _seals_only(text):
                break  # another signature; a 单位（盖章） line shares the date below it
            value = _line_date(text)
            if value is None:
                value = _column_date(text, column)
            if value is not None:
                mark.date = (
                    (value, index + 1, lines[index].strip()) if value else ("", index + 1, "")
                )
                break
    return marks


# Labels of the enterprise's name on an enterprise's own letter, surest first; a seal mark may
# stand between the label and its colon (单位名称（盖章）：), and a table's cell border instead
# of the colon (企业名称 | 某某有限公司).  The bare 单位/店名 labels come after the seal line.
_OWN_NAME_LABELS = ("承诺单位", "单位名称", "企业名称", "公司名称", "企业全称", "单位全称")
_OWN_NAME_LABELS_LOOSE = ("所在单位", "经营单位", "店名", "店铺名称", "商户名称", "单位", "企业")
_NAME_SEAL = r"[(（]\s*(?:盖\s*章|公\s*章|印\s*章|签\s*章|签\s*字|签\s*名)\s*[)）]"
_NAME_STOP = re.compile(
    r"统一社会信用代码|社会信用代码|信用代码|法定代表人|主要负责人|地\s*址|联系"
)


def _own_enterprise_name(lines: Sequence[str], labels: Sequence[str]) -> tuple[str, int] | None:
    """``(name, 1-based line)`` after the first of ``labels`` that has one written, without a
    trailing (盖章): ``承诺单位：某某有限公司（盖章）`` → ``某某有限公司``.

    >>> _own_enterprise_name(["单位名称（盖章）：甲有限公司（盖章）"], ["单位名称"])
    ('甲有限公司', 1)
    >>> _own_enterprise_name(["企业名称 | 乙加油站 | 统一社会信用代码 | X"], ["企业名称"])
    ('乙加油站', 1)
    """
    alternation = "|".join(label_regex(label) for label in sorted(labels, key=len, reverse=True))
    pattern = re.compile(
        rf"^[ \t]*(?:{alternation})[ \t]*(?:{_NAME_SEAL})?[ \t]*(?:[:：]|\|)[ \t]*(?P<value>.*)$"
    )
    for index, full in enumerate(lines):
        match = pattern.match(probe(full))
        if not match:
            continue
        value = match["value"].split("|")[0]
        # A long name wrapped by the PDF: its rest on the lines before the code's line.
        extras: list[str] = []
        for extra in lines[index + 1 : index + 4]:
            if re.match(r"^\s*(?:统一社会信用代码|社会信用代码|信用代码)", extra):
                value = join_wrapped([value, *extras])
                break
            if not extra.strip() or is_page_number(extra) or re.search(r"[:：|]", extra):
                break
            extras.append(extra.strip())
        stop = _NAME_STOP.search(value)
        if stop:
            value = value[: stop.start()]
        value = re.split(r"[ \t\u3000]{2,}|\u3000", value.strip(_SPACE_CHARS))[0]
        while True:  # 某某有限公司（盖章） and 某某有限公司（盖章）（签字）
            stripped = re.sub(rf"{_NAME_SEAL}\s*$", "", value).strip(_SPACE_CHARS + "_＿")
            if stripped == value:
                break
            value = stripped
        value = clean_value(value)
        if value is not None:
            return compact(value), index + 1
    return None


def _table_rows(doc: Document) -> list[str]:
    """The rows of the document's tables (a PDF's ruled cells), as ``cell | cell`` lines."""
    return [
        " | ".join(canonical(cell or "").replace("\n", "") for cell in row)
        for table in doc.tables
        for row in table
    ]


def parse_own_template(doc: Document) -> ParsedDocument:
    """A 安全生产承诺书 an enterprise wrote itself: year, level, enterprise, signer, date.

    ``signed`` is True when a name and a date are written next to 法定代表人（签字）/主要负责人/
    承诺人 (or, when the letter has no person's line, next to 单位（盖章）), False while those
    are blank lines, underscores or ``年  月  日``.
    """
    lines = canonical_lines(doc.text)
    parsed = ParsedDocument(kind=KIND, parser=NAME, reason=accepts(doc) or "")
    title = _title(lines)
    title_text = title[1] if title is not None else ""
    title_line = title[0] + 1 if title is not None else None
    year = _year(title_text)
    if year is None:
        match = _OWN_YEAR.search(title_text)
        if match:
            year = cnnum.digits_value(match[1])
    if cnnum.year_in_range(year):
        parsed.put("year", year, title_line, title_text)
    else:
        for index, line in enumerate(lines[:20]):
            match = _BODY_YEAR.search(line) or re.search(r"有效期为\s*(\d{4})\s*年", line)
            if match and cnnum.year_in_range(int(match[1])):
                parsed.put("year", int(match[1]), index + 1, line.strip())
                break

    marks = _own_marks(lines)
    level, line, source = _own_level(title_text, lines, marks)
    parsed.put("level", level, line or title_line, source or title_text)

    people = [mark for mark in marks if not mark.seal]
    marked = [mark for mark in people if mark.marked] or people
    committers = [mark for mark in marked if mark.label in _OWN_COMMITTERS[level]]
    signer_mark = committers[0] if committers else (marked[0] if marked else None)
    if signer_mark is None:
        seals = [mark for mark in marks if mark.seal]
        signer_mark = seals[0] if seals else None
    signer = date_found = None
    if signer_mark is not None:
        if (signer_mark.value is not None and not signer_mark.seal) or (
            signer_mark.seal and signer_mark.value is not None
        ):
            signer = signer_mark.value
            parsed.put("signer", signer, signer_mark.line, signer_mark.source)
        if signer_mark.date is not None and signer_mark.date[0]:
            date_found = signer_mark.date
            parsed.put("sign_date", date_found[0], date_found[1], date_found[2])
    parsed.put(
        "signed",
        signer is not None and date_found is not None,
        signer_mark.line if signer_mark is not None else None,
        signer_mark.source if signer_mark is not None else None,
    )

    seal_name = next(
        (
            (mark.value, mark.line)
            for mark in marks
            if mark.seal and mark.value is not None and mark.label.startswith(("承诺单位", "单位"))
        ),
        None,
    )
    name = _own_enterprise_name(lines, _OWN_NAME_LABELS)
    if name is None and seal_name is not None:
        name = seal_name
    if name is None:
        name = _own_enterprise_name(lines, _OWN_NAME_LABELS_LOOSE)
    if name is None:
        name = _own_enterprise_name(_table_rows(doc), (*_OWN_NAME_LABELS, *_OWN_NAME_LABELS_LOOSE))
        name = (name[0], None) if name is not None else None  # a cell has no line number
    if name is None and title is not None:
        prefix = re.match(
            r"^(?P<name>.{4,40}?(?:有限责任公司|有限公司|公司|厂|矿|合作社))", title_text
        )
        if prefix:
            name = (prefix["name"], title_line or 1)
    code = label_line_value(lines, ("统一社会信用代码", "社会信用代码", "信用代码"))
    if code is None:
        from parsers.fields import find_credit_codes

        codes = find_credit_codes(canonical(doc.text))
        if codes:
            code = (codes[0].code, codes[0].line)
    put_enterprise(parsed, doc, name, code)
    return parsed


# ============================================================================================
# Helpers shared by the form parsers (monthly_report, section_submission)
# ============================================================================================

_SPACE_CHARS = " \t\u3000\xa0"
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
    value = text.strip(_SPACE_CHARS + "_＿\n")
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
        rf"(?P<y>{_YEAR_DIGIT}{{4}})\s*年\s*(?P<m>{_NUM}{{1,3}}|元)\s*月\s*(?P<d>{_NUM}{{1,4}})\s*[日号]?"
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
_PERSON_NAME = re.compile(r"^[\u3400-\u9fff·•]{2,8}$")


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
                value = _name_on_next_line(lines, index)
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


def _name_on_next_line(lines: Sequence[str], index: int) -> str | None:
    if index + 1 >= len(lines):
        return None
    candidate = probe(lines[index + 1])
    if not candidate or is_page_number(candidate) or ":" in candidate or "：" in candidate:
        return None
    if _SIGNATURE.match(candidate) or _SEAL.match(candidate) or _DATE_LINE.match(candidate):
        return None
    compacted = compact(candidate)
    return compacted if _PERSON_NAME.match(compacted) else None


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
