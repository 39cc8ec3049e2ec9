"""Field finders shared by the parsers, over normalised text (:mod:`parsers.normalise`).

Each finder returns a :class:`~parsers.base.Found` (value, 1-based line, the text it was read
from) or ``None``: a field the text does not state is absent, never guessed.  Labels and
patterns are data (tuples, compiled patterns) at the top of the module.

Remember what normalisation did: ``：`` is ``:``, ``（）`` are ``()``, ``，`` is ``,``,
``﹝﹞`` are ``〔〕``; spaces between Chinese characters are gone.  ``\\b`` is never used:
it does not match between Chinese characters.

Two views of a document are used:

* its **lines** — for labels (``被处罚单位:…``), titles, numbered lists, the 落款 date;
* its **flat text** (:class:`Flat`, the lines joined without separators) — for sentences,
  which PDF extraction wraps anywhere, even inside a date (``2023年5月20`` / ``日前``).
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from archive import cnnum, resident_id, uscc
from archive.i18n import _
from parsers.base import (
    CODE_ABSENT,
    CODE_INVALID,
    CODE_MASKED,
    CODE_VALID,
    Document,
    Found,
    NamedEnterprise,
    ParsedDocument,
)
from parsers.normalise import CJK_IDEOGRAPH

__all__ = [
    "ADDRESS_LABELS",
    "ALL_LABELS",
    "CODE_LABELS",
    "INSPECTION_TIME_LABELS",
    "LEGAL_REPRESENTATIVE_LABELS",
    "ORGANISATION_SUFFIXES",
    "OTHER_LABELS",
    "PLACE_LABELS",
    "SECTION_LABELS",
    "UNIT_LABELS",
    "Candidate",
    "CodeCandidate",
    "Flat",
    "add_enterprises",
    "chinese_to_int",
    "date_spans",
    "doc_number_candidates",
    "examine_fine",
    "find_addressee",
    "find_credit_codes",
    "find_dates",
    "find_doc_number",
    "find_doc_numbers",
    "find_enterprises",
    "find_fine",
    "find_label_value",
    "find_label_values",
    "find_list",
    "find_numbered_items",
    "find_section",
    "find_signature_date",
    "find_title",
    "fine_candidates",
    "iso_minute",
    "looks_like_organisation",
    "looks_like_person",
    "normalise_doc_number",
    "parse_chinese_date",
    "parse_chinese_datetime",
    "parse_fine",
    "printed_form",
    "put_doc_numbers",
    "put_fine",
    "put_found",
    "title_reason",
    "value_after_label",
]

# --------------------------------------------------------------------------------------------
# Labels (normalised: no spaces, ASCII colon and parentheses)

UNIT_LABELS = (
    "被检查单位名称",
    "被检查单位",
    "被复查单位",
    "被处罚单位",
    "被处罚人",
    "当事人名称",
    "当事人",
    "单位名称",
    "企业名称",
    "生产经营单位名称",
    "生产经营单位",
)
CODE_LABELS = (
    "统一社会信用代码",
    "社会信用代码",
    "信用代码",
    "统一代码",
)
ADDRESS_LABELS = (
    "地址",
    "单位地址",
    "注册地址",
    "经营地址",
    "生产经营地址",
    "住所",
    "住所地",
)
LEGAL_REPRESENTATIVE_LABELS = (
    "法定代表人",
    "经营者",  # 个体工商户
    "投资人",  # 个人独资企业
    "法定代表人或主要负责人",
    "主要负责人",
    "负责人",
    "法人代表",
)
PLACE_LABELS = ("检查场所", "检查地点", "检查部位")
INSPECTION_TIME_LABELS = ("检查时间",)
# Labels that only end another label's value (or, being longer, keep a shorter label from
# matching inside them: 被检查单位现场负责人 is not 被检查单位).
OTHER_LABELS = (
    "被检查单位现场负责人",
    "被检查单位负责人",
    "被检查单位主要负责人",
    "被检查单位签收",
    "被复查单位负责人",
    "当事人签收",
    "当事人签名",
    "当事人签字",
    "职务",
    "联系电话",
    "电话",
    "手机",
    "邮政编码",
    "邮编",
    "身份证号码",
    "身份证号",
    "检查人员",
    "执法人员",
    "记录人",
    "执法证号",
    "证件号码",
    "检查情况",
    "复查意见",
    "整改期限",
    "违法事实",
    "处罚依据",
    "处罚内容",
    "文号",
    "编号",
)
ALL_LABELS = tuple(
    dict.fromkeys(
        UNIT_LABELS
        + CODE_LABELS
        + ADDRESS_LABELS
        + LEGAL_REPRESENTATIVE_LABELS
        + PLACE_LABELS
        + INSPECTION_TIME_LABELS
        + OTHER_LABELS
    )
)

# What ends the name of an organisation (a value that looks like an enterprise).
ORGANISATION_SUFFIXES = (
    "公司",
    "厂",
    "店",
    "合作社",
    "矿",
    "场",
    "站",
    "中心",
    "经营部",
    "门市部",
    "部",
    "院",
    "所",
    "行",
    "馆",
    "社",
    "队",
    "处",
    "基地",
    "集团",
    "工作室",
    "超市",
    "学校",
    "医院",
    "酒店",
    "宾馆",
    "油库",
    "仓库",
    "作坊",
    "窑",
    "个体工商户",
)
_ORGANISATION = re.compile(
    "(?:" + "|".join(sorted(map(re.escape, ORGANISATION_SUFFIXES), key=len, reverse=True)) + r")"
    r"(?:\([^()]{1,20}\))?$"
)
# Text around a value that is not part of it.
_VALUE_TAIL = re.compile(r"[\s,;。、.:|]+$|\((?:盖章|公章|签章|签字|签名|印章|章)\)$")
_VALUE_HEAD = re.compile(r"^[\s:|,;]+")
_ALIAS = re.compile(r"\((?:以下简称|下称|简称)[^()]*\)")

_CJK = f"[{CJK_IDEOGRAPH}]"


def _alternation(labels: Iterable[str]) -> str:
    """Labels as a regex alternation, longest first (so 被检查单位 wins over 检查单位)."""
    return "|".join(re.escape(label) for label in sorted(set(labels), key=len, reverse=True))


_ALL_LABELS_RE = re.compile(
    rf"(?P<label>{_alternation(ALL_LABELS)})(?P<paren>\([^()\n]{{1,12}}\))?[ \t]*(?P<sep>[:|])?"
)


def looks_like_organisation(value: str) -> bool:
    """Whether ``value`` looks like the name of an enterprise or other organisation.

    >>> looks_like_organisation("醴陵市某某陶瓷有限公司"), looks_like_organisation("应当于")
    (True, False)
    >>> looks_like_organisation("醴陵市某某烟花爆竹厂(普通合伙)"), looks_like_organisation("现场")
    (True, False)
    """
    value = value.strip()
    if not 4 <= len(value) <= 60 or not re.search(_CJK, value):
        return False  # real names have a place or trade name before the suffix: not 现场
    return bool(_ORGANISATION.search(value))


def _looks_like_name(value: str) -> bool:
    """An organisation, or a short name (a person: 张三, 黄某某) without sentence marks."""
    return looks_like_organisation(value) or looks_like_person(value)


# --------------------------------------------------------------------------------------------
# Flat text: the lines joined, with a map back to lines


class Flat:
    """A document's lines joined without separators, and the line of every offset."""

    def __init__(self, text: str):
        self.lines = text.split("\n")
        self.starts: list[int] = []
        parts = []
        offset = 0
        for line in self.lines:
            self.starts.append(offset)
            parts.append(line)
            offset += len(line)
        self.text = "".join(parts)

    def line_at(self, offset: int) -> int:
        """1-based line of an offset in the flat text."""
        return max(bisect.bisect_right(self.starts, offset), 1)

    def source(self, start: int, end: int) -> str:
        """The original lines that the flat span covers, joined by ``\\n``."""
        first, last = self.line_at(start), self.line_at(max(end - 1, start))
        return "\n".join(self.lines[first - 1 : last])


# --------------------------------------------------------------------------------------------
# Labels and values


def _clean_value(value: str) -> str:
    value = _VALUE_HEAD.sub("", value)
    value = _ALIAS.sub("", value)
    previous = None
    while previous != value:
        previous = value
        value = _VALUE_TAIL.sub("", value).strip()
    return value


def _cut_at_labels(value: str, accept: Callable[[str], bool] | None) -> str:
    """Cut a value where the next label, table cell or clause starts
    (``某公司法定代表人:张三`` → ``某公司``; ``某公司,系…`` → ``某公司``).

    A label followed by a colon always ends the value.  A bare label (table rows extracted
    as ``单位某公司法定代表人张三``) ends it only where the text before it is acceptable to
    ``accept`` (so ``某某地址勘察有限公司`` is not cut at 地址); without ``accept``, only a
    bare label of four characters or more (邮政编码, 法定代表人) ends it.
    """
    value = re.split(r"[|,;。]", value, maxsplit=1)[0]
    bare = []
    for match in _ALL_LABELS_RE.finditer(value):
        if match.start() == 0:
            continue
        if match.group("sep") or match.group("paren"):
            value = value[: match.start()]
            break
        bare.append((match.start(), match.group("label")))
    for position, label in bare:
        if position >= len(value):
            break
        head = _clean_value(value[:position])
        if not head:
            continue
        if (accept is None and len(label) >= 4) or (accept is not None and accept(head)):
            return value[:position]
    return value


def _next_content_line(lines: list[str], index: int) -> int | None:
    for following in range(index + 1, min(index + 3, len(lines))):
        if lines[following].strip():
            return following
    return None


def _starts_with_label(line: str) -> bool:
    match = _ALL_LABELS_RE.match(line.strip())
    return bool(match and (match.group("sep") or match.end() == len(line.strip())))


def find_label_values(
    doc: Document | str,
    labels: Iterable[str],
    *,
    accept: Callable[[str], bool] | None = None,
    bare_accept: Callable[[str], bool] | None = None,
) -> list[Found]:
    """Every value given after one of ``labels``, in order of appearance.

    Forms understood (after normalisation):

    * ``被处罚单位:某公司`` and ``法定代表人(负责人):张三`` — the value up to the next label;
    * ``被处罚单位:`` or ``被处罚单位`` alone on a line — the value on the next line;
    * ``被检查单位 | 某公司 | 法定代表人 | 张三`` — table cells of a .docx;
    * ``被检查单位某公司法定代表人张三`` — a PDF table row, label at the start of the line
      (taken only if ``accept`` takes the value).

    Labels spelled with a space between each character, or full-width, are found as well,
    since normalisation removed the spaces.  ``accept`` filters values (e.g. names only);
    ``bare_accept`` (default ``accept``) filters values after a label without a colon.
    """
    if bare_accept is None:
        bare_accept = accept
    wanted = set(labels)
    text = doc.text if isinstance(doc, Document) else doc
    lines = text.split("\n")
    found: list[Found] = []
    seen: set[tuple[int, str]] = set()
    for index, line in enumerate(lines):
        for match in _ALL_LABELS_RE.finditer(line):
            if match.group("label") not in wanted:
                continue
            before = line[: match.start()].rstrip()
            at_start = not before or before.endswith(("|", ",", ";", "。"))
            rest = line[match.end() :]
            separated = bool(match.group("sep"))
            if not separated and not at_start and bare_accept is None:
                # A bare label inside a line (``…有限公司法定代表人张三``, a PDF table row):
                # only when ``accept`` can vouch for the value.
                continue
            line_number = index + 1
            source = line
            if not _clean_value(rest):
                # The value is on the next line, unless that line starts another label.
                if not (separated or at_start):
                    continue
                following = _next_content_line(lines, index)
                if following is None or _starts_with_label(lines[following]):
                    continue
                rest = lines[following]
                line_number = following + 1
                source = lines[following]
            elif not separated and bare_accept is None and not rest.startswith((" ", "\t")):
                # ``被检查单位应当…`` is a sentence, not a label: without a separator,
                # only a value that ``accept`` vouches for is taken.
                continue
            check = accept if separated else bare_accept
            value = _clean_value(_cut_at_labels(rest, check))
            if not value or (check is not None and not check(value)):
                continue
            key = (line_number, value)
            if key not in seen:
                seen.add(key)
                found.append(Found(value, line_number, source))
    return found


def find_label_value(
    doc: Document | str,
    labels: Iterable[str],
    *,
    accept: Callable[[str], bool] | None = None,
) -> Found | None:
    """The first value given after one of ``labels`` (see :func:`find_label_values`).

    Falls back to the document's tables (a label cell, the value in the next cell of the row
    or the cell below) when the text has no such label.

    >>> find_label_value("被处罚单位:醴陵市某某陶瓷有限公司 法定代表人:张三", UNIT_LABELS).value
    '醴陵市某某陶瓷有限公司'
    >>> find_label_value("当事人:\\n醴陵市某某陶瓷有限公司\\n地址:醴陵市", UNIT_LABELS).line
    2
    """
    labels = tuple(labels)
    values = find_label_values(doc, labels, accept=accept)
    if values:
        return values[0]
    if isinstance(doc, Document):
        return _find_in_tables(doc, labels, accept)
    return None


def _find_in_tables(
    doc: Document, labels: tuple[str, ...], accept: Callable[[str], bool] | None
) -> Found | None:
    wanted = set(labels)
    for table in doc.tables:
        for row_index, row in enumerate(table):
            for column, cell in enumerate(row):
                match = _ALL_LABELS_RE.fullmatch(cell.strip())
                if not match or match.group("label") not in wanted:
                    continue
                candidates = [text for text in row[column + 1 :] if text.strip()][:1]
                if row_index + 1 < len(table) and column < len(table[row_index + 1]):
                    candidates.append(table[row_index + 1][column])
                for candidate in candidates:
                    if _ALL_LABELS_RE.fullmatch(candidate.strip()):
                        continue
                    value = _clean_value(candidate.replace("\n", ""))
                    if value and (accept is None or accept(value)):
                        line = _line_of(doc.text, value)
                        return Found(value, line, doc.lines[line - 1] if line else candidate)
    return None


def _line_of(text: str, value: str) -> int | None:
    position = text.find(value)
    return text.count("\n", 0, position) + 1 if position >= 0 else None


# --------------------------------------------------------------------------------------------
# Sections (违法事实:…, 检查情况:…) and numbered lists

_NUMBERED = re.compile(
    r"^\s*(?:"
    r"\(?\d{1,2}\)[.、]?"  # (1) 1)
    r"|\d{1,2}(?:[.、](?!\d)|\s)"  # 1. 1、
    r"|[\u2460-\u2473]"  # ①
    r"|\(?[一二三四五六七八九十]{1,3}\)|[一二三四五六七八九十]{1,3}、"  # (一) 一、
    r")\s*"
)


def find_section(
    doc: Document | str,
    labels: Iterable[str],
    *,
    ends: Iterable[str] = (),
    max_lines: int = 60,
) -> Found | None:
    """The text after ``label:`` (or a label alone on its line) up to the next label line or
    one of ``ends``.

    The section's lines are joined (PDF lines wrap anywhere); ``ends`` are phrases that
    close the section (``以上事实``), themselves excluded.  ``Found.line`` is its first line.
    """
    text = doc.text if isinstance(doc, Document) else doc
    lines = text.split("\n")
    alternation = _alternation(labels)
    pattern = re.compile(rf"^\s*(?:{alternation})(?:\([^()\n]{{1,12}}\))?\s*(?P<sep>[:|])?\s*")
    end_pattern = re.compile(_alternation(ends)) if ends else None
    for index, line in enumerate(lines):
        match = pattern.match(line)
        if not match or not (match.group("sep") or match.end() == len(line)):
            continue  # 违法事实清楚，… is a sentence, not a section
        collected = [line[match.end() :]]
        for following in lines[index + 1 : index + 1 + max_lines]:
            if _starts_with_section_label(following):
                break
            collected.append(following)
        body = "\n".join(collected)
        if end_pattern is not None:
            end = end_pattern.search(body.replace("\n", ""))
            if end is not None:
                body = _cut_flat(body, end.start())
        value = "".join(part.strip() for part in body.split("\n")).strip()
        value = value.strip(":|,; ")
        if value:
            first = index + 1 if collected[0].strip() else index + 2
            return Found(value, first, "\n".join(lines[index : index + len(collected)]))
    return None


# Lines that start a new section of an enforcement document.
SECTION_LABELS = (
    "违法事实及证据",
    "违法事实和证据",
    "违法事实",
    "主要违法事实",
    "违反的规定",
    "违反规定",
    "违反的法律规定",
    "处罚依据",
    "行政处罚依据",
    "处罚的依据",
    "处罚内容",
    "处罚决定",
    "行政处罚内容",
    "拟作出的行政处罚",
    "拟处罚内容",
    "履行方式和期限",
    "履行方式",
    "救济途径",
    "检查情况",
    "检查发现",
    "发现问题",
    "存在问题",
    "存在的问题",
    "主要问题",
    "复查意见",
    "复查情况",
    "整改期限",
    "整改要求",
    "检查人员",
    "执法人员",
    "记录人",
    "被检查单位负责人",
    "被检查单位现场负责人",
    "当事人签收",
    "备注",
)
_SECTION_START = re.compile(
    rf"^\s*(?:{_alternation(SECTION_LABELS + ALL_LABELS)})(?:\([^()\n]{{1,12}}\))?\s*[:|]"
)


def _starts_with_section_label(line: str) -> bool:
    return bool(_SECTION_START.match(line))


def _cut_flat(body: str, flat_offset: int) -> str:
    """``body`` cut at an offset counted in the body without its line breaks."""
    count = 0
    for position, char in enumerate(body):
        if char == "\n":
            continue
        if count == flat_offset:
            return body[:position]
        count += 1
    return body


def find_numbered_items(text: str) -> list[str]:
    """The items of a numbered list (``1.`` ``1、`` ``(1)`` ``①`` ``一、``), continuation
    lines joined to their item; empty if the text is not numbered.

    >>> find_numbered_items("1.未设置安全警示标志;\\n2.安全出口被堵\\n塞。\\n")
    ['未设置安全警示标志', '安全出口被堵塞']
    >>> find_numbered_items("①灭火器过期;②消防通道堵塞。")
    ['灭火器过期', '消防通道堵塞']
    """
    # Inline lists (``①…;②…`` or ``1.…;2.…`` on one line) are split first.
    text = re.sub(
        r"(?<=[;。,:；，：])\s*(?=[\u2460-\u2473]|\d{1,2}[.、](?!\d)|\(\d{1,2}\))", "\n", text
    )
    items: list[str] = []
    current: list[str] | None = None
    for line in text.split("\n"):
        match = _NUMBERED.match(line)
        if match:
            if current is not None:
                items.append("".join(current))
            current = [line[match.end() :].strip()]
        elif current is not None and line.strip():
            current.append(line.strip())
    if current is not None:
        items.append("".join(current))
    cleaned = [item.strip().rstrip(";,。.、；，") for item in items]
    return [item for item in cleaned if item]


# --------------------------------------------------------------------------------------------
# Titles


def _top_lines(doc: Document | str, count: int) -> list[tuple[int, str]]:
    text = doc.text if isinstance(doc, Document) else doc
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            found.append((number, line.strip()))
            if len(found) >= count:
                break
    return found


# What a title line may carry in brackets at its end, not counted in its length: the
# document's own 文号 (…决定书（永环责改〔2026〕4号）), 副本, 第二联.
_TITLE_NOTE = re.compile(r"[(（][^()（）]{1,30}[)）]$")


# A word in brackets inside a title, not at its end: 行政处罚事先（听证）告知书, 行政处罚（陈述申辩）
# 告知书.
_TITLE_INNER_NOTE = re.compile(r"[(（][\u3400-\u9fff、]{1,6}[)）](?=[\u3400-\u9fff])")
# A case file's cover page (行政执法案卷（封面）, 卷宗, 卷内目录), and how many lines it may have.
_COVER = re.compile(r"案卷|卷宗|卷内目录|封面")
_COVER_LINES = 16


def _title_without_number(line: str) -> str:
    """The line without a 文号 in parentheses at its end (…决定书（永环责改〔2026〕4号）)."""
    for match in _DOC_NUMBER_RE.finditer(line):
        before, after = line[: match.start()], line[match.end() :]
        if before.endswith("(") and after in ("", ")"):
            return before[:-1]
    return line


def find_title(
    doc: Document | str,
    titles: Iterable[str],
    *,
    exclude: Iterable[str] = (),
    top: int = 8,
) -> Found | None:
    """Which of ``titles`` the document carries as its title (within its first lines).

    A title quoted in 《》 does not count, nor a long line (a sentence naming the title; a
    bracketed note at the line's end, such as the 文号, is not counted), nor a line that
    contains one of ``exclude`` (不予行政处罚决定书 for 行政处罚决定书).

    >>> find_title("醴陵市应急管理局\\n不予行政处罚决定书", ["行政处罚决定书"],
    ...            exclude=["不予行政处罚决定书"]) is None
    True
    """
    titles = sorted(set(titles), key=len, reverse=True)
    exclude = tuple(exclude)
    lines = _top_lines(doc, top)
    # A case file's cover (行政执法案卷（封面）: 案由, 当事人, 立案日期 …) before the document:
    # its lines do not count towards the window.
    if any(_COVER.search(line) for _number, line in lines[:3]):
        lines = _top_lines(doc, top + _COVER_LINES)
    candidates = [(number, line) for number, line in lines]
    # A title broken over two lines (醴陵市应急管理局行政处罚 / 决定书).
    candidates += [(first[0], first[1] + second[1]) for first, second in itertools.pairwise(lines)]
    # A word in brackets inside the title (行政处罚事先（听证）告知书): the title without it.
    candidates += [
        (number, _TITLE_INNER_NOTE.sub("", line))
        for number, line in list(candidates)
        if _TITLE_INNER_NOTE.search(line)
    ]
    for number, line in candidates:
        if exclude and any(word in line for word in exclude):
            continue
        for title in titles:
            position = line.find(title)
            # A 文号 printed on the title line (…决定书（永环责改〔2026〕蓝山-6号）) or a note in
            # brackets (副本) is not part of a sentence: it does not count towards the length.
            bare = _TITLE_NOTE.sub("", _title_without_number(line))
            if position < 0 or len(bare) > len(title) + 24:
                continue
            if "《" in line[:position] and "》" in line[position:]:
                continue
            return Found(title, number, line)
    return None


# --------------------------------------------------------------------------------------------
# Credit codes

_CODE_CHARS = "0-9A-Za-z*×"
_CODE_TOKEN = re.compile(f"[{_CODE_CHARS}]+")
_CODE_LABEL_RE = re.compile(
    rf"(?:{_alternation(CODE_LABELS)})(?:\([^()\n]{{1,16}}\))?[ \t]*[:|]?[ \t]*\n?[ \t]*"
)
_JOIN_GAP = re.compile(r"[ \t]*\n?[ \t]*|[ \t]*-[ \t]*")
_CODE_GAP = re.compile(r"[ \t]*(?:-[ \t]*|\n[ \t]*)?|[ \t]+")
_MASK_MARK = re.compile("[*×]")  # a code shorter than 18 is a mask only with these


class CodeCandidate(tuple):
    """A credit code found in text: ``(code, status, line)``, plus ``suggestion`` (the valid
    code one look-alike fix gives, e.g. O → 0: offered, never applied), ``labelled`` (it
    followed a 统一社会信用代码 label) and ``problem`` (why it is invalid, for people)."""

    suggestion: str | None
    labelled: bool
    problem: str | None

    def __new__(
        cls,
        code: str,
        status: str,
        line: int,
        *,
        suggestion: str | None = None,
        labelled: bool = False,
        problem: str | None = None,
    ):
        self = super().__new__(cls, (code, status, line))
        self.suggestion = suggestion
        self.labelled = labelled
        self.problem = problem
        return self

    @property
    def code(self) -> str:
        return self[0]

    @property
    def status(self) -> str:
        return self[1]

    @property
    def line(self) -> int:
        return self[2]

    def __repr__(self) -> str:
        return f"CodeCandidate{tuple(self)!r}"


# Province codes (positions 1–2 of 行政区划码): 10 is a code registered nationally.
_PROVINCES = frozenset(
    f"{number}"
    for number in (10, *range(11, 16), 21, 22, 23, *range(31, 38), *range(41, 47), *range(50, 55))
) | frozenset(f"{number}" for number in (*range(61, 66), 71, 81, 82))
# Labels of numbers that are not codes, masked the same way (430521********1234).
_NOT_CODE_LABEL = re.compile(
    r"(?:身份证|身份号码|证件号|公民身份|账号|账户|卡号|银行|电话|手机|联系方式)[^\n]{0,12}$"
)


def _could_be_masked_code(code: str, before: str) -> bool:
    """Whether a masked code found without a 统一社会信用代码 label can be one: not after a
    身份证 or 账号 label, its first two characters a known department and category, and its region
    code (positions 3–4, when shown) a province.  A masked resident ID number
    (``430521********1234``) fails these: its first six characters are a region code."""
    if _NOT_CODE_LABEL.search(before):
        return False
    if code[1] not in uscc.KNOWN_CATEGORIES.get(code[0], ""):
        return False
    province = code[2:4]
    return not (len(province) == 2 and province.isdigit() and province not in _PROVINCES)


# What ends a code printed in text: a closing bracket, punctuation, a cell, the line.
_CODE_END = re.compile(r"[ \t]*(?:[)\]）】,，。;；|]|\n|$)")


def _collect_code(text: str, position: int) -> tuple[str, int]:
    """Code characters from ``position``, across spaces, hyphens and one line break."""
    parts: list[str] = []
    total = 0
    breaks = 0
    while True:
        token = _CODE_TOKEN.match(text, position)
        if token is None:
            break
        parts.append(token.group())
        total += len(token.group())
        position = token.end()
        joined = "".join(parts)
        # A masked code may print longer than 18 (9143112*********0817): read on.
        masked = _MASK_MARK.search(joined) is not None
        if total >= 18 and (not masked or total >= 36):
            break
        gap = _CODE_GAP.match(text, position)
        if gap is None or not gap.group():
            break
        breaks += gap.group().count("\n")
        following = _CODE_TOKEN.match(text, gap.end())
        if breaks > 1 or not following:
            break
        if total >= 18 and uscc.is_masked(joined) and not _CODE_END.match(text, following.end()):
            break  # a whole masked code already; what follows is not the rest of it
        position = gap.end()
    if total > 18 and len(parts) > 1 and not uscc.is_masked("".join(parts)):
        # The last part overshot: it belongs to what follows (unless the whole is a code
        # printed with more masking characters than it hides: 9143112*****⏎****0817).
        joined = "".join(parts[:-1])
        return (joined if len(joined) >= 15 else parts[0]), position
    return "".join(parts), position


def _candidate(code: str, line: int, labelled: bool) -> CodeCandidate:
    code = uscc.compact(code)
    try:
        uscc.validate(code)
    except uscc.InvalidCode as error:
        if error.reason == "masked":
            return CodeCandidate(code, CODE_MASKED, line, labelled=labelled)
        return CodeCandidate(
            code,
            CODE_INVALID,
            line,
            labelled=labelled,
            suggestion=error.suggestion,
            problem=error.message,
        )
    return CodeCandidate(code, CODE_VALID, line, labelled=labelled)


def find_credit_codes(text: str) -> list[CodeCandidate]:
    """Unified social credit codes in ``text``, in order, each once.

    Each is ``(code, status, line)`` — compact, upper-case; status ``valid``, ``masked``
    or ``invalid`` (:func:`archive.uscc.status`) — with ``suggestion`` for a code that one
    look-alike fix (letter O for zero …) makes valid.  A code is never corrected here.

    After a 统一社会信用代码 label, what follows is read as the code even when broken by
    spaces, hyphens or a line break, and reported even if invalid (length 16–20).
    Elsewhere, an 18-character run (or two parts split by a line break) counts only if it is
    valid, properly masked, or has a suggestion, and is not a resident ID number.

    >>> [tuple(c) for c in find_credit_codes("统一社会信用代码:914302816918\\n28123B")]
    [('91430281691828123B', 'valid', 1)]
    >>> c = find_credit_codes("信用代码:9143O281MA4L12345R")[0]  # a letter O for a zero
    >>> c.status, c.suggestion
    ('invalid', '91430281MA4L12345R')
    >>> [tuple(c) for c in find_credit_codes("代码:91430281691828xxxx")]
    [('91430281691828XXXX', 'masked', 1)]
    """
    found: list[CodeCandidate] = []
    breaks = [position for position, char in enumerate(text) if char == "\n"]

    def line_of(position: int) -> int:
        return bisect.bisect_left(breaks, position) + 1

    spans: list[tuple[int, int]] = []  # what labelled codes cover, in order
    for label in _CODE_LABEL_RE.finditer(text):
        if "身份" in label.group():  # 信用代码(身份证号码): a person's number, not a code
            continue
        code, end = _collect_code(text, label.end())
        if 16 <= len(code) <= 20 or (len(code) >= 8 and uscc.is_masked(code)):
            found.append(_candidate(code, line_of(label.end()), labelled=True))
            spans.append((label.end(), end))
    span_starts = [start for start, _end in spans]

    def taken(position: int) -> bool:
        index = bisect.bisect_right(span_starts, position) - 1
        return index >= 0 and position < spans[index][1]

    tokens = list(_CODE_TOKEN.finditer(text))
    skip_until = -1  # the end of the last unlabelled code found
    for index, token in enumerate(tokens):
        if token.start() < skip_until or taken(token.start()):
            continue
        options = [(token.group(), token.end())]
        # Groups split by spaces or one line break: 9143 0281 6918 2812 3X, or 914302816918\n28123X.
        joined, end = token.group(), token.end()
        for following in tokens[index + 1 : index + 6]:
            gap = text[end : following.start()]
            if not _JOIN_GAP.fullmatch(gap) or len(joined) >= 18:
                break
            joined += following.group()
            end = following.end()
            options.append((joined, end))
        for code, end in options:
            if len(code) != 18 and not (_MASK_MARK.search(code) and uscc.is_masked(code)):
                continue
            candidate = _candidate(code, line_of(token.start()), labelled=False)
            if resident_id.is_valid(candidate.code):
                break
            acceptable = candidate.status == CODE_VALID or candidate.suggestion is not None
            if candidate.status == CODE_MASKED:
                line_start = text.rfind("\n", 0, token.start()) + 1
                acceptable = uscc.masked_parts(candidate.code) is not None and (
                    _could_be_masked_code(candidate.code, text[line_start : token.start()])
                )
            if acceptable:
                found.append(candidate)
                skip_until = end
                break
    found.sort(key=lambda candidate: candidate.line)
    unique: dict[str, CodeCandidate] = {}
    for candidate in found:
        unique.setdefault(candidate.code, candidate)
    return list(unique.values())


# --------------------------------------------------------------------------------------------
# Document numbers (文号)

_NOT_ORG = "的了据依按照经于对在和与及并已将该为是由向"
_ORG_CHAR = rf"[^\W_{_NOT_ORG}]"  # a character of the org part: CJK, digits, letters
_DOC_NUMBER_RE = re.compile(
    r"(?P<prefix>[(〔\[【][^()〔〕\[\]【】\d\n]{1,10}[)〕\]】])?"
    # The org part starts with an ideograph; digits and letters may follow (湘1127环罚决字),
    # and one place in parentheses (惠市环(龙门)罚).
    rf"(?P<org>[^\W\d_{_NOT_ORG}a-zA-Z](?:{_ORG_CHAR}|\({_CJK}{{1,6}}\)){{0,16}}?)"
    r"[ \t]*(?P<open>[〔\[【(])[ \t]*(?P<year>(?:19|20)\d{2})[ \t]*[〕\]】)][ \t]*"
    # The serial: digits, after letters or a unit and a hyphen (k-7, 执法一中队-3, 塔峰-5).
    rf"(?P<first>第)?[ \t]*(?P<serial>(?:(?:[A-Za-z]{{1,4}}|{_CJK}{{1,8}}|\d{{1,6}})[ \t]*[-－—–][ \t]*"
    r"|[A-Za-z]{1,4})?\d{1,6})[ \t]*号"
)
_SERIAL_NUMBER_RE = re.compile(
    rf"(?P<org>{_CJK}{{2,12}})[ \t]*[-－—–][ \t]*(?P<serial>\d{{1,6}})(?P<hao>号)?"
)
_NUMBER_LABEL = re.compile(r"^(?:文号|编号|文书编号|文书号|案号|No\.?|NO\.?)[:]?$")


def normalise_doc_number(number: str) -> str:
    """A 文号 in one spelling: the year in 〔〕, the place abbreviation before the type code
    in full-width （）, hyphens as ``-``, no spaces — whatever brackets were printed.

    >>> normalise_doc_number("(湘株醴)应急罚[2023] 125号")
    '（湘株醴）应急罚〔2023〕125号'
    >>> normalise_doc_number("〔湘株醴〕应急罚【2023】7号"), normalise_doc_number("古港应急办－4")
    ('（湘株醴）应急罚〔2023〕7号', '古港应急办-4')
    """
    number = re.sub(r"\s+", "", number)
    number = re.sub(r"[\[【〔(（](\d{4})[\]】〕)）]", r"〔\1〕", number)
    number = re.sub(r"^[\[【〔(（]([^\d\[\]【】〔〕()（）]{1,10})[\]】〕)）]", r"(\1)", number)
    number = number.replace("(", "（").replace(")", "）")
    return re.sub("[－—–]", "-", number)


@dataclass
class Candidate:
    """One value a finder saw for a field, whether it took it, and why (for ``credit explain``)."""

    value: Any
    line: int | None
    source: str | None
    reason: str  # why it was taken or left, for people (Chinese)
    chosen: bool = False
    raw: str | None = None  # the text as printed, when it differs from the value

    def found(self) -> Found:
        return Found(self.value, self.line, self.source)

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "line": self.line,
            "source": self.source,
            "reason": self.reason,
            "chosen": self.chosen,
        }


@dataclass
class _NumberMatch:
    value: str
    start: int  # in the flat text
    end: int
    printed: str  # the flat text of the number


# Words before a number that its org part would otherwise swallow (本局作出醴应急责改〔2026〕
# 15号, a title run into the number): the org part starts after the last of them.
_PROSE_BEFORE_NUMBER = re.compile(
    r"^.*(?:作出|下达|送达|出具|制发|签发|印发|本局|我局|该局|机关|文书|书|记录|决定|通知|参见|详见|行政处罚|文号|编号|案号)"
)


_PROSE_HEAD = re.compile(r"处罚|行政|决定|作出|书|公司|单位|你|其|罚款")


def _number_matches(text: str, line_starts: list[int] | None = None) -> list[_NumberMatch]:
    """文号 in ``text`` (one line, or a flat text with its ``line_starts``)."""
    found = []
    for match in _DOC_NUMBER_RE.finditer(text):
        start = match.start()
        prose = _PROSE_BEFORE_NUMBER.match(match.group("org"))
        if prose and prose.end() < len(match.group("org")):
            start = match.start("org") + prose.end()
        org = text[start : match.start("open")]
        if "(" in org and match.start("prefix") < 0:
            # A place in parentheses after prose (作出行政处罚(湘永蓝)应急罚…): the number
            # starts at the parenthesis; after an abbreviation (惠市环(龙门)罚) it does not.
            head = org[: org.index("(")]
            if len(head) > 4 or _PROSE_HEAD.search(head):
                start += len(head)
        if line_starts:
            # In flat text the org part must not swallow a whole previous line (the title,
            # the authority); a number wrapped at the end of a longer line is kept whole.
            index = bisect.bisect_right(line_starts, match.start("open")) - 1
            line_start = line_starts[index]
            if start < line_start < match.start("open"):
                previous = line_starts[index - 1] if index > 0 else 0
                if start <= previous:
                    start = line_start
        printed = text[start : match.end()]
        found.append(_NumberMatch(normalise_doc_number(printed), start, match.end(), printed))
    return found


def find_doc_numbers(text: str) -> list[Found]:
    """Every 文号 in the text (the document's own and the ones it quotes), normalised, in
    order; a number wrapped onto the next line is found whole."""
    flat = Flat(text)
    found = []
    for match in _number_matches(flat.text, flat.starts):
        found.append(
            Found(match.value, flat.line_at(match.start), flat.source(match.start, match.end))
        )
    return found


def printed_form(raw_text: str, normalised: str) -> str | None:
    """Where ``normalised`` (a piece of the normalised text) stands in the text as extracted,
    as printed there (full-width brackets, spaces …); None if it cannot be found.

    >>> printed_form("文号：（湘永蓝）应急罚［2026］ 3 号", "(湘永蓝)应急罚[2026]3号")
    '（湘永蓝）应急罚［2026］ 3 号'
    """
    chars: list[str] = []
    where: list[int] = []
    for index, char in enumerate(raw_text):
        if char.isspace():
            continue
        for part in unicodedata.normalize("NFKC", char):
            if not part.isspace():
                chars.append(part)
                where.append(index)
    target = "".join(char for char in normalised if not char.isspace())
    position = "".join(chars).find(target) if target else -1
    if position < 0:
        return None
    return raw_text[where[position] : where[position + len(target) - 1] + 1]


def _label_before(before: str) -> bool:
    return bool(_NUMBER_LABEL_END.search(before))


# A 签发人 printed on the number's line (红头 layout): the number still stands alone.
_SIGNER_BESIDE = re.compile(rf"签发人[:]?{_CJK}{{2,4}}")
_NUMBER_LABEL_END = re.compile(r"(?:文号|编号|文书编号|文书号|案号|No\.?|NO\.?)[ \t]*[:|]?[ \t]*$")
_QUOTING_ANYWHERE = re.compile(
    r"(?:参见|详见|根据|依据|按照|依照|对照|关于|作出的?|下达的?|送达的?|《)$"
)


def doc_number_candidates(doc: Document | str, *, top: int = 12) -> list[Candidate]:
    """Every 文号 the text shows, each with why it is or is not the document's own; the
    chosen one (if any) has ``chosen=True``.  See :func:`find_doc_number`."""
    text = doc.text if isinstance(doc, Document) else doc
    raw_text = doc.raw_text if isinstance(doc, Document) else ""
    flat = Flat(text)
    top_numbers = {number for number, _line in _top_lines(text, top)}
    candidates: list[Candidate] = []
    own_top: Candidate | None = None
    own_labelled: Candidate | None = None
    for match in _number_matches(flat.text, flat.starts):
        first, last = flat.line_at(match.start), flat.line_at(max(match.end - 1, match.start))
        line_start = flat.starts[first - 1]
        line_end = flat.starts[last] if last < len(flat.starts) else len(flat.text)
        before = flat.text[line_start : match.start].strip()
        after = flat.text[match.end : line_end].strip()
        rest = re.sub(r"[()]", "", before + after).strip()  # (永环责改〔2026〕4号) alone
        title_rest = re.sub(r"[()]", "", before + after).rstrip("。.")
        candidate = Candidate(
            match.value,
            first,
            flat.source(match.start, match.end),
            "",
            raw=match.printed,
        )
        candidates.append(candidate)
        if _QUOTING_ANYWHERE.search(before) or after.startswith("《"):
            candidate.reason = _("正文引用的其他文书文号")
        elif first in top_numbers and (
            not rest or _NUMBER_LABEL.match(rest) or _SIGNER_BESIDE.fullmatch(rest)
        ):
            candidate.reason = _("标题区单独成行的文号")
            own_top = own_top or candidate
        elif (
            first in top_numbers
            and title_rest.endswith(("书", "记录", "单", "表"))
            and len(title_rest) <= 40
        ):
            candidate.reason = _("与标题同行的文号")
            own_top = own_top or candidate
        elif _label_before(before):
            candidate.reason = _("标明为文号")
            own_labelled = own_labelled or candidate
        else:
            candidate.reason = _("正文引用的其他文书文号")
    chosen = own_top or own_labelled
    if chosen is None:
        for index, line in enumerate(flat.lines):
            stripped = line.strip()
            label = re.match(r"^(?:(?:文号|编号|文书编号)[:]?)?\s*", stripped)
            body = stripped[label.end() :] if label else stripped
            match = _SERIAL_NUMBER_RE.fullmatch(body)
            if match and (index + 1 in top_numbers or (label and label.group())):
                chosen = Candidate(
                    normalise_doc_number(body),
                    index + 1,
                    line,
                    _("标题区或标明为文号的无年份编号"),
                    raw=body,
                )
                candidates.append(chosen)
                break
    if chosen is not None:
        chosen.chosen = True
        if raw_text and chosen.raw:  # as printed: only the chosen one is looked up
            chosen.raw = printed_form(raw_text, chosen.raw) or chosen.raw
        chosen.reason = _("{reason}，取为本文书文号", reason=chosen.reason)
        for candidate in candidates:
            if candidate is not chosen and candidate.value == chosen.value:
                candidate.reason = _("与本文书文号相同")
    return candidates


def find_doc_number(doc: Document | str, *, top: int = 12) -> Found | None:
    """The document's own 文号: standing alone on a line near the top, on the title line
    (also in the title's parentheses), or the first after a label (文号:) in the text.

    Numbers of other documents quoted in the body (根据…（湘株醴）应急责改〔2023〕12号…)
    are not taken.  The value is normalised by :func:`normalise_doc_number`: brackets around
    the year become 〔〕, parentheses full-width （）.  Serial numbers without a year
    (``古港应急办-4``) are taken only when they stand alone near the top or after a label.

    >>> find_doc_number("行政处罚决定书\\n(湘株醴)应急罚[2023]125号\\n当事人:某公司").value
    '（湘株醴）应急罚〔2023〕125号'
    >>> find_doc_number("责令限期整改指令书\\n某公司:\\n根据(湘株醴)应急检记〔2023〕3号检查记录") is None
    True
    >>> find_doc_number("某局责令改正违法行为决定书(永环责改〔2026〕4号)\\n某公司:").value
    '永环责改〔2026〕4号'
    """
    chosen = next((c for c in doc_number_candidates(doc, top=top) if c.chosen), None)
    return chosen.found() if chosen is not None else None


def put_doc_numbers(parsed: ParsedDocument, doc: Document | str) -> Found | None:
    """Record ``doc_number`` (normalised), ``doc_number_raw`` (as printed) and
    ``references`` (the other 文号 the text cites, normalised, each once, in order); return
    the document's own number."""
    candidates = doc_number_candidates(doc)
    own = next((candidate for candidate in candidates if candidate.chosen), None)
    if own is not None:
        parsed.put("doc_number", own.value, own.line, own.source)
        parsed.put("doc_number_raw", own.raw or own.value, own.line, own.source)
    references: list[str] = []
    first: Candidate | None = None
    for candidate in candidates:
        if own is not None and candidate.value == own.value:
            continue
        if candidate.value not in references:
            references.append(candidate.value)
            first = first or candidate
    if first is not None:
        parsed.put("references", references, first.line, first.source)
    parsed.candidates["doc_number"] = [candidate.as_dict() for candidate in candidates]
    return own.found() if own is not None else None


# --------------------------------------------------------------------------------------------
# Dates

# One set of digits, patterns and years for every date: :mod:`archive.cnnum`.
_DATE_RE = cnnum.DATE_RE
_date_of = cnnum.date_of
_SMALL_CN = f"[{cnnum.SMALL_CHARS}]{{1,3}}"
_TIME_RE = re.compile(
    rf"[ \t]*(?:上午|下午|晚上|中午)?[ \t]*(?P<h>\d{{1,2}}|{_SMALL_CN})[ \t]*(?:时|点|:)"
    rf"[ \t]*(?:(?P<mi>\d{{1,2}}|{_SMALL_CN}|半)[ \t]*分?)?"
)


def date_spans(text: str) -> list[tuple[date, int, int]]:
    """Every date in ``text`` with its start and end offsets."""
    return cnnum.date_spans(text)


def find_dates(text: str) -> list[Found]:
    """Every date in ``text`` (``Found.value`` a :class:`datetime.date`), in order.

    >>> [f.value.isoformat() for f in find_dates("于2026年11月3日前;二○二六年十一月三十日")]
    ['2026-11-03', '2026-11-30']
    """
    found = []
    for match in _DATE_RE.finditer(text):
        value = _date_of(match)
        if value is not None:
            line = text.count("\n", 0, match.start()) + 1
            found.append(Found(value, line, match.group()))
    return found


def parse_chinese_date(text: str) -> date | None:
    """The first date in ``text``: ``2026年11月3日``, ``2026-11-03``, ``2026.11.3``,
    ``2026/11/3``, ``二〇二六年十一月三日`` (〇, ○ or a letter O for zero), or None.

    >>> parse_chinese_date("二O二六年十一月三十日")
    datetime.date(2026, 11, 30)
    >>> parse_chinese_date("2026年2月30日") is None
    True
    """
    return cnnum.parse_date(text)


def parse_chinese_datetime(text: str) -> datetime | None:
    """The first date with a time of day: ``2026年11月3日10时30分``, ``2026-11-03 10:30``,
    ``2026年11月3日下午3时``; None when no time is given.

    >>> parse_chinese_datetime("2026年11月3日10时30分至12时00分")
    datetime.datetime(2026, 11, 3, 10, 30)
    >>> parse_chinese_datetime("2026年11月3日下午3时半")
    datetime.datetime(2026, 11, 3, 15, 30)
    """
    for match in _DATE_RE.finditer(text):
        day = _date_of(match)
        if day is None:
            continue
        time = _TIME_RE.match(text, match.end())
        if time is None:
            return None
        hour = cnnum.number(time.group("h"))
        minute_text = time.group("mi")
        minute = 30 if minute_text == "半" else (cnnum.number(minute_text) if minute_text else 0)
        if hour is None or minute is None:
            return None
        if re.search("下午|晚上", time.group()) and hour < 12:
            hour += 12
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            return None
        return datetime(day.year, day.month, day.day, hour, minute)
    return None


# Lines near the end that carry a date that is not the issue date.
_NOT_SIGNATURE = re.compile(r"签收|送达|签名|签字|收到|收件|回执|日期:|时间:|有效期|期限")
_SIGNATURE_LINE = re.compile(
    rf"^(?:{_CJK}{{2,30}}(?:局|委员会|政府|大队|中队|中心|办公室|所|站|办)\s*)?"
    r"(?P<date>.+?)\s*(?:\((?:印章|公章|盖章|章)\))?$"
)


def find_signature_date(doc: Document | str) -> Found | None:
    """The date of the 落款 (issuer and date at the end), as a :class:`datetime.date`.

    The last line, from the end, that holds only a date (perhaps after the issuer's name),
    skipping receipt lines (签收, 送达 …) and blank forms (``年 月 日``).
    """
    text = doc.text if isinstance(doc, Document) else doc
    lines = text.split("\n")
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index].strip()
        if not line or _NOT_SIGNATURE.search(line):
            continue
        match = _SIGNATURE_LINE.match(line)
        if match is None:
            continue
        date_match = _DATE_RE.fullmatch(match.group("date").strip())
        if date_match is None:
            continue
        value = _date_of(date_match)
        if value is not None:
            return Found(value, index + 1, lines[index])
    return None


# --------------------------------------------------------------------------------------------
# Money

_CN_MONEY_CHARS = cnnum.NUMERAL_CHARS
chinese_to_int = cnnum.to_int


_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_AMOUNT_RE = re.compile(
    rf"(?P<cn>[{_CN_MONEY_CHARS}]+)[ \t]*[元圆](?:整|正)?"
    rf"|(?:¥|RMB|CNY)[ \t]*(?P<yen>{_NUMBER})[ \t]*(?P<yenwan>万)?(?:元)?"
    rf"|(?P<ar>{_NUMBER})[ \t]*(?P<wan>万)?[ \t]*元"
    rf"|(?:罚款|处罚)(?:金额|数额)?\((?:人民币)?万元\)[ \t]*[:|]?[ \t]*(?P<wanval>{_NUMBER})"
    rf"|(?:罚款|处罚)(?:金额|数额)?\((?:人民币)?元\)[ \t]*[:|]?[ \t]*(?P<yuanval>{_NUMBER})"
)
_RANGE_AFTER = re.compile(r"^[ \t]*(?:以上|以下|以内|及以上|及以下|左右|至|到|~|-|—|－|起)")
_RANGE_BEFORE = re.compile(
    r"(?:至|到|~|—|不超过|不足|不低于|不少于|最高|最低|超过|低于|高于)[ \t]*$"
)
_NOT_FINE_BEFORE = re.compile(
    r"(?:违法所得|没收|损失|价值|收入|营业额|销售额|货值|投资|成本|费用)[^,;。]{0,8}$"
)
_DECISION = re.compile(
    r"处罚内容|处罚决定:|行政处罚如下|处罚如下|如下行政处罚|如下处罚|决定(?:给予|对你|对其|对该|处以|作出|如下)"
    r"|拟(?:作出|给予|对你|对其|处以|决定)|现决定|本机关决定|本局决定|给予.{0,12}行政处罚"
)
_TOTAL = re.compile(r"(?:合计|共计|总计|合并处罚|合并处)[^,;。]{0,6}$")
_LAW_QUOTE = re.compile(r"规定[:,]?[ \t]*“[^”]*$")


@dataclass
class _Amount:
    yuan: int
    start: int
    end: int
    capitals: bool  # written in Chinese numerals (壹万玖仟)
    printed: str
    other: _Amount | None = None  # the same amount written the other way, beside it
    rejected: str | None = None  # why it cannot be the fine


def _amount_value(match: re.Match[str]) -> int | None:
    try:
        if match.group("cn"):
            return chinese_to_int(match.group("cn"))
        number = (
            match.group("yen")
            or match.group("ar")
            or match.group("wanval")
            or match.group("yuanval")
        )
        value = Decimal(number.replace(",", ""))
        if match.group("wan") or match.group("yenwan") or match.group("wanval"):
            value *= 10_000
        return int(value.to_integral_value())
    except (ValueError, InvalidOperation):
        return None


# Between an amount and the same amount written the other way: 19000.00元(大写:壹万玖仟圆整),
# 人民币3000元(叁仟元整), 贰万元整(¥20,000.00), 19000元,大写:壹万玖仟元整.
_RESTATED = re.compile(
    r"[ \t]*(?:\([ \t]*(?:大写|小写|即)?|,?[ \t]*(?:大写|小写))[ \t]*[:]?[ \t]*(?:人民币)?[ \t]*$"
)


def _amounts(text: str) -> list[_Amount]:
    """Every amount of money in the flat text; ``rejected`` says why one cannot be a fine.
    An amount restated in the other writing right after it is folded into it (``other``)."""
    found: list[_Amount] = []
    for match in _AMOUNT_RE.finditer(text):
        value = _amount_value(match)
        if value is None or value <= 0:
            continue
        amount = _Amount(value, match.start(), match.end(), bool(match.group("cn")), match.group())
        before = text[max(0, match.start() - 40) : match.start()]
        after = text[match.end() : match.end() + 6]
        if _RANGE_AFTER.match(after) or _RANGE_BEFORE.search(before):
            amount.rejected = _("法定罚款幅度，不是决定的罚款")
        elif _NOT_FINE_BEFORE.search(before) and "罚款" not in before[-10:]:
            amount.rejected = _("其他款项（违法所得、损失等），不是罚款")
        elif _LAW_QUOTE.search(text[max(0, match.start() - 200) : match.start()]):
            amount.rejected = _("引用的法律条文中的金额")
        previous = found[-1] if found else None
        if (
            previous is not None
            and previous.other is None
            and previous.capitals != amount.capitals
            and _RESTATED.fullmatch(text[previous.end : amount.start])
        ):
            previous.other = amount
            previous.end = amount.end
            continue
        found.append(amount)
    return found


def _clause(text: str, start: int, end: int) -> str:
    """The clause around a span: from the last , ; 。 before it to the next one after."""
    left = max(text.rfind(mark, 0, start) for mark in ",;。")
    rights = [text.find(mark, end) for mark in ",;。"]
    right = min([position for position in rights if position >= 0], default=len(text))
    return text[left + 1 : right]


# Words right before an amount that make it a fine even without 罚款 in the clause
# (publicity prose: 处罚壹万叁仟元).
_FINE_JUST_BEFORE = re.compile(
    r"(?:处罚|罚款|罚金|处以|并处)(?:金额|数额)?[:]?(?:人民币)?[:]?[ \t]*$"
)


# Who a fine is for, when it is not the party the decision is addressed to: 对主要负责人
# 张三处以罚款…, 对张三(主要负责人)处罚款….  (对你单位主要负责人未履行职责的行为处罚款 is
# the party's fine: the role is followed by what the person did, not by the penalty.)
_ROLES = (
    "主要负责人|法定代表人|实际控制人|直接负责的主管人员|其他直接责任人员|直接责任人员?"
    "|责任人员?|安全管理人员|安全生产管理人员|负责人|个人"
)
_OTHER_PARTY = re.compile(
    rf"对(?:你单位|你公司|该单位|该公司|其|公司|单位)?的?(?:{_ROLES})"
    rf"(?:{_CJK}{{1,4}})?(?:\([^()]{{0,20}}\))?(?:处以?|并处|给予|罚款)"
    rf"|对{_CJK}{{2,4}}\((?:[^()]{{0,10}})?(?:{_ROLES})\)"
)
# A fine of an earlier case the text recalls (你单位曾于2025年因…被处罚款5000元).
_EARLIER = re.compile(r"曾|此前|先前|前次|上次|已被|已受|原处罚|原决定")
# The decided fine said again: where and how to pay it, or 上述罚款.
_RESTATEMENT = re.compile(r"缴|交纳|汇入|账户|账号|银行|逾期|加处|滞纳|上述|前述|该罚款|该笔")
# The fine decided with a verb right before it, in its own clause: 处罚款人民币6000元,
# 处以罚款…, 并处…, 给予罚款…, 处6000元罚款 (not 处罚内容:罚款…, a field of a record).
_DECIDED = re.compile(
    r"(?:处以?|并处|给予)(?:罚款|罚金)?(?:人民币)?[:]?[ \t]*$|(?:处以?|并处|给予)[^,;。罚]{0,6}$"
)
# An item of the decision's list: 如下行政处罚:(一)罚款人民币6000元;(二)罚款….
_ITEM = re.compile(
    r"(?:^|:)[ \t]*(?:\([一二三四五六七八九十\d]{1,2}\)|[一二三四五六七八九十\d]{1,2}[、.])"
    r"[^,;。]{0,12}$"
)
# A total that also counts what is not a fine (罚没款合计: fine and confiscation).
_NOT_FINE_TOTAL = re.compile(r"罚没|没收|违法所得")


def _clause_before(text: str, start: int) -> str:
    """The text of the clause an amount is in, up to the amount."""
    left = max(text.rfind(mark, 0, start) for mark in ",;。")
    return text[left + 1 : start]


def _sentence_before(text: str, start: int) -> str:
    return text[text.rfind("。", 0, start) + 1 : start]


def examine_fine(text: str) -> tuple[Found | None, list[Candidate], str | None]:
    """The decided fine, every amount seen (with why it was or was not taken), and a
    warning when the fine cannot be told (then no fine: do not look for one another way).

    * Digits and capitals of the fine that disagree: no fine, a warning naming both.
    * A total (合计, 共计, 总计, 两项合计…): the total.  A total that does not say 罚款
      (以上合计人民币10000元) is taken when it equals the sum of the fines before it; when
      it does not (and does not say 罚没/没收), no fine and a warning naming both.
    * Several fines and no total: the sum of the decided fines when each is clearly one
      decided for this party (in the decision part, or 处/处以/并处/给予 right before it
      in its own clause); else no fine and a warning.  A fine for another person (对主要负
      责人张三处以罚款…), one of an earlier case (曾…被处罚款…), the fine said again (缴至…,
      上述罚款…) or a part of a total (其中…) is not added — unless nothing else is left.
    """
    flat = Flat(text)
    amounts = _amounts(flat.text)
    candidates: dict[int, Candidate] = {}
    for amount in amounts:
        candidates[id(amount)] = Candidate(
            amount.yuan,
            flat.line_at(amount.start),
            flat.source(amount.start, amount.end),
            amount.rejected or _("未说明是罚款"),
            raw=flat.text[amount.start : amount.end],
        )
    usable = [amount for amount in amounts if amount.rejected is None]
    decision = _DECISION.search(flat.text)

    def is_fine(amount: _Amount) -> bool:
        clause = _clause(flat.text, amount.start, amount.end)
        before = flat.text[max(0, amount.start - 12) : amount.start]
        return "罚款" in clause or "罚金" in clause or bool(_FINE_JUST_BEFORE.search(before))

    def is_total(amount: _Amount) -> bool:
        return bool(_TOTAL.search(flat.text[max(0, amount.start - 20) : amount.start]))

    fines = [amount for amount in usable if is_fine(amount)]
    for amount in fines:
        candidates[id(amount)].reason = _("说明是罚款")
    pool = fines
    from_words = True  # the pool holds amounts said to be fines (not only near 处罚内容)
    if decision is not None:
        after = [amount for amount in usable if amount.start >= decision.start()]
        # After 处罚内容: an amount without the word 罚款 (人民币贰万元整) is still the fine.
        near = [
            amount
            for amount in after
            if amount.start - decision.end() <= 60
            and "。" not in flat.text[decision.end() : amount.start]
        ]
        said = [amount for amount in after if is_fine(amount)]
        pool = said or near or fines
        from_words = bool(said) or not near
        for amount in fines:
            if amount not in pool:
                candidates[id(amount)].reason = _("说明是罚款，但不在处罚决定部分")
    ordered = [candidates[id(amount)] for amount in amounts]
    if not pool:
        return None, ordered, None

    totals = [amount for amount in pool if is_total(amount)]
    chosen = totals[0] if totals else pool[0]
    only = False  # the one fine left when the others are not this party's or said again
    if not totals:
        several = _several_fines(flat, pool, usable, candidates, decision, from_words)
        if isinstance(several, tuple):
            return several[0], ordered, several[1]
        if several is not None:
            chosen, only = several, True
    for amount in pool:
        if amount is not chosen and not only:
            candidates[id(amount)].reason = (
                _("另一笔罚款，取合计") if totals else _("另一笔罚款，取第一笔")
            )
    candidate = candidates[id(chosen)]
    candidate.chosen = True
    if totals:
        candidate.reason = _("处罚决定中的合计罚款")
    elif only:
        candidate.reason = _("处罚决定中的罚款（其余几笔不另计）")
    elif decision is not None and chosen.start >= decision.start():
        candidate.reason = _("处罚决定部分的第一笔罚款")
    else:
        candidate.reason = _("第一笔说明是罚款的金额")
    other = chosen.other
    if other is not None and other.yuan != chosen.yuan:
        digits, capitals = (other, chosen) if chosen.capitals else (chosen, other)
        warning = _(
            "罚款金额的数字与大写不一致：“{digits}”（{digits_yuan} 元）与“{capitals}”"
            "（{capitals_yuan} 元），未取罚款金额，请核对原件",
            digits=digits.printed,
            digits_yuan=digits.yuan,
            capitals=capitals.printed,
            capitals_yuan=capitals.yuan,
        )
        candidate.chosen = False
        candidate.reason = warning
        return None, ordered, warning
    return candidate.found(), ordered, None


def _several_fines(
    flat: Flat,
    pool: list[_Amount],
    usable: list[_Amount],
    candidates: dict[int, Candidate],
    decision: re.Match[str] | None,
    from_words: bool,
) -> _Amount | tuple[Found | None, str | None] | None:
    """The fine when the pool has no total that says 罚款: the one amount to take, or
    (found, warning) when the fine is a sum or cannot be told, or None to take the pool's
    first amount as before (amounts only near 处罚内容, or nothing better to go on)."""
    if not from_words or len(pool) == 1:
        return None
    text = flat.text
    left_out: dict[int, str] = {}
    for index, amount in enumerate(pool):
        clause = _clause_before(text, amount.start)
        sentence_start = text.rfind("。", 0, amount.start) + 1
        earlier = [other for other in pool[:index] if other.start >= sentence_start]
        between = text[earlier[0].end : amount.start] if earlier else ""
        if _OTHER_PARTY.search(clause):
            left_out[id(amount)] = _("对其他人员（主要负责人等）的罚款，不计入")
        elif _EARLIER.search(clause):
            left_out[id(amount)] = _("引述的以往处罚，不计入")
        elif "其中" in between or between.count("(") > between.count(")"):
            left_out[id(amount)] = _("前一笔罚款的组成部分，不另计")
        elif index > 0 and _RESTATEMENT.search(_clause(text, amount.start, amount.end)):
            left_out[id(amount)] = _("重述已决定的罚款（缴纳等），不另计")
    own = [amount for amount in pool if id(amount) not in left_out]
    # A decision recalls the fine its notice proposed (拟对你单位处罚款3万元。…决定…处罚款
    # 2万元): a proposed fine does not count beside a decided one.
    proposed = [amount for amount in own if "拟" in _sentence_before(text, amount.start)]
    if proposed and len(proposed) < len(own):
        for amount in proposed:
            left_out[id(amount)] = _("告知时拟作出的罚款，不计入")
        own = [amount for amount in own if amount not in proposed]
    if not own:  # nothing else: as before, the first
        return None
    for amount in pool:
        if id(amount) in left_out:
            candidates[id(amount)].reason = left_out[id(amount)]
    # A total that does not say 罚款 (以上合计人民币10000元), after the fines.
    for amount in usable:
        if amount in pool or amount.start < own[0].end:
            continue
        if not _TOTAL.search(text[max(0, amount.start - 20) : amount.start]):
            continue
        if _NOT_FINE_TOTAL.search(_clause(text, amount.start, amount.end)):
            candidates[id(amount)].reason = _("罚没款合计，含没收等非罚款金额")
            continue
        added = sum(fine.yuan for fine in own if fine.end <= amount.start)
        if added == amount.yuan:
            for fine in own:
                candidates[id(fine)].reason = _("另一笔罚款，取合计")
            candidate = candidates[id(amount)]
            candidate.chosen = True
            candidate.reason = _("各笔罚款的合计")
            return candidate.found(), None
        warning = _(
            "各笔罚款之和（{added} 元）与合计“{total}”（{total_yuan} 元）不一致，"
            "未取罚款金额，请核对原件",
            added=added,
            total=amount.printed,
            total_yuan=amount.yuan,
        )
        candidates[id(amount)].reason = warning
        return None, warning
    if len(own) == 1:
        return own[0]
    disagreeing = [
        amount for amount in own if amount.other is not None and amount.other.yuan != amount.yuan
    ]
    if disagreeing:
        return disagreeing[0]

    def decided(amount: _Amount) -> bool:
        before = _clause_before(text, amount.start)
        if _DECIDED.search(before):
            return True
        in_decision = decision is not None and amount.start >= decision.start()
        return in_decision and bool(_ITEM.search(before))

    if len({amount.yuan for amount in own}) == 1 and not all(decided(a) for a in own):
        # The same amount in two places (处罚内容 | 罚款0.3万元 and 罚款金额(万元) | 0.3):
        # one fine said twice.
        for amount in own[1:]:
            candidates[id(amount)].reason = _("同一笔罚款再次写出，不另计")
        return own[0]
    if all(decided(amount) for amount in own):
        total = sum(amount.yuan for amount in own)
        for amount in own:
            candidates[id(amount)].chosen = True
            candidates[id(amount)].reason = _(
                "决定的几笔罚款之一，未写明合计，罚款取各笔之和（{total} 元）", total=total
            )
        first, last = own[0], own[-1]
        return Found(total, flat.line_at(first.start), flat.source(first.start, last.end)), None
    warning = _(
        "有几笔罚款（{amounts}）且未写明合计，不能确定都是对本当事人决定的罚款，"
        "未取罚款金额，请核对原件",
        amounts="、".join(amount.printed for amount in own),
    )
    for amount in own:
        candidates[id(amount)].reason = warning
    return None, warning


def find_fine(doc: Document | str) -> Found | None:
    """The decided fine in integer yuan, and where it was read (see :func:`parse_fine`)."""
    text = doc.text if isinstance(doc, Document) else doc
    return examine_fine(text)[0]


def fine_candidates(doc: Document | str) -> list[Candidate]:
    """Every amount of money the text shows, each with why it is or is not the fine."""
    text = doc.text if isinstance(doc, Document) else doc
    return examine_fine(text)[1]


def put_fine(parsed: ParsedDocument, doc: Document | str) -> Found | None:
    """Record ``fine_yuan`` (and the amounts seen, for explain); when the fine's digits and
    capitals disagree, no fine and a warning naming both."""
    text = doc.text if isinstance(doc, Document) else doc
    found, candidates, warning = examine_fine(text)
    if found is not None:
        parsed.put("fine_yuan", found.value, found.line, found.source)
    if warning is not None:
        parsed.warnings.append(warning)
    parsed.candidates["fine_yuan"] = [candidate.as_dict() for candidate in candidates]
    return found


def parse_fine(text: str) -> int | None:
    """The fine decided in ``text``, in integer yuan, or None if no fine is decided.

    Understands 人民币贰万元整, 罚款20000元, ¥20,000, 罚款2万元, 5.0万元, 罚款金额(万元):5.0.
    Never a statutory range (处一万元以上三万元以下的罚款 is the law, not the decision)
    nor an amount of another kind (违法所得, 经济损失).  With several fines, those in the
    decision part (处罚内容, 决定…, 拟…); of them a total (合计…) if there is one, else the
    sum of those decided for the party (see :func:`examine_fine`).

    >>> parse_fine("依据…第九十九条规定，处一万元以上三万元以下的罚款。决定给予罚款人民币贰万元整。")
    20000
    >>> parse_fine("处罚内容:罚款5.0万元"), parse_fine("罚款¥20,000"), parse_fine("没有罚款")
    (50000, 20000, None)
    >>> parse_fine("对违法行为1处罚款6000元;对违法行为2处罚款4000元。以上合计人民币10000元。")
    10000
    """
    found = find_fine(text)
    return found.value if found is not None else None


# --------------------------------------------------------------------------------------------
# Enterprises

_ADDRESSEE = re.compile(r"^(?P<name>[^:]{2,60}):$")


def find_addressee(doc: Document | str, *, top: int = 10) -> Found | None:
    """The organisation a letter is addressed to: a line ``某某有限公司:`` near the top."""
    for number, line in _top_lines(doc, top):
        match = _ADDRESSEE.match(line)
        if match and looks_like_organisation(_clean_value(match.group("name"))):
            return Found(_clean_value(match.group("name")), number, line)
    return None


def find_enterprises(
    doc: Document,
    unit_labels: Iterable[str] = UNIT_LABELS,
    *,
    addressee: bool = True,
) -> tuple[list[NamedEnterprise], list[str]]:
    """The enterprises a document names, each with its code, and warnings about the codes.

    Names come from ``unit_labels`` (every occurrence: a document may name several), else
    from the addressee line.  Each code goes to the nearest name above it (within the lines
    before the next name); a code without a name is listed with ``name=None``.
    """
    names = find_label_values(
        doc, unit_labels, accept=_looks_like_name, bare_accept=looks_like_organisation
    )
    if not names:
        table_name = _find_in_tables(doc, tuple(unit_labels), _looks_like_name)
        if table_name is not None:
            names = [table_name]
    if not names and addressee:
        found = find_addressee(doc)
        if found is not None:
            names = [found]
    unique: dict[str, Found] = {}
    for name in names:
        unique.setdefault(name.value, name)
    names = list(unique.values())
    codes = find_credit_codes(doc.text)
    warnings = [_code_warning(code) for code in codes if code.status == CODE_INVALID]

    enterprises: list[NamedEnterprise] = []
    used: set[str] = set()
    if len(names) == 1 and len(codes) == 1:
        pairs = [(names[0], codes[0])]
    else:
        pairs = []
        for position, name in enumerate(names):
            limit = names[position + 1].line if position + 1 < len(names) else None
            match = next(
                (
                    code
                    for code in codes
                    if code.code not in used
                    and (name.line or 0) <= code.line
                    and (limit is None or code.line < (limit or 0))
                ),
                None,
            )
            if match is not None:
                used.add(match.code)
            pairs.append((name, match))
    for name, code in pairs:
        if code is not None:
            used.add(code.code)
        enterprises.append(
            NamedEnterprise(
                name=name.value,
                credit_code=code.code if code is not None else None,
                credit_code_status=code.status if code is not None else CODE_ABSENT,
            )
        )
    for code in codes:
        if code.code not in used:
            enterprises.append(NamedEnterprise(None, code.code, code.status))
    return enterprises, warnings


def _code_warning(code: CodeCandidate) -> str:
    return _(
        "第{line}行的统一社会信用代码 {code} 无效：{problem}",
        line=code.line,
        code=code.code,
        problem=code.problem,
    )


# --------------------------------------------------------------------------------------------
# Helpers for parser modules


def title_reason(
    doc: Document, titles: Iterable[str], *, exclude: Iterable[str] = ()
) -> str | None:
    """A parser's ``accepts()``: the reason (``标题为“…”``) if the document has one of
    ``titles`` as its title, else None.  Never raises."""
    found = find_title(doc, titles, exclude=exclude)
    if found is None:
        return None
    return _("标题为“{title}”（第{line}行）", title=found.value, line=found.line)


def put_found(
    parsed: ParsedDocument,
    name: str,
    found: Found | None,
    convert: Callable[[Any], Any] | None = None,
) -> None:
    """Record a found field (converted, e.g. a date to ISO); nothing if not found."""
    if found is None:
        return
    value = convert(found.value) if convert is not None else found.value
    parsed.put(name, value, found.line, found.source)


def add_enterprises(
    parsed: ParsedDocument,
    doc: Document,
    unit_labels: Iterable[str] = UNIT_LABELS,
    *,
    addressee: bool = True,
) -> None:
    """Fill ``parsed.enterprises`` (and warnings about invalid codes)."""
    enterprises, warnings = find_enterprises(doc, unit_labels, addressee=addressee)
    parsed.enterprises.extend(enterprises)
    parsed.warnings.extend(warnings)


def value_after_label(doc: Document, labels: Iterable[str], *, length: int = 80) -> Found | None:
    """The text after ``label:`` in the flat text (so a value wrapped onto the next line
    is whole), up to ``length`` characters; for values parsed further (dates)."""
    flat = Flat(doc.text)
    pattern = re.compile(rf"(?:{_alternation(labels)})(?:\([^()]{{1,12}}\))?[ \t]*[:|]?[ \t]*")
    match = pattern.search(flat.text)
    if match is None:
        return None
    value = flat.text[match.end() : match.end() + length]
    return Found(value, flat.line_at(match.start()), flat.source(match.start(), match.end() + 1))


def iso_minute(value: datetime | date) -> str:
    """``2026-11-03T10:30`` for a datetime, ``2026-11-03`` for a date."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()


_PERSON = re.compile(rf"{_CJK}{{2,4}}|{_CJK}{{1,10}}(?:·{_CJK}{{1,10}})+")


def looks_like_person(value: str) -> bool:
    """A person's name as documents print it: 张三, 黄某某, 阿卜杜·热合曼.

    >>> looks_like_person("黄某某"), looks_like_person("醴陵市某某厂"), looks_like_person("张三2")
    (True, False, False)
    """
    return bool(_PERSON.fullmatch(value)) and not looks_like_organisation(value)


_LIST_END = re.compile(
    r"^\s*(?:检查人员|执法人员|被检查单位(?:现场)?负责人|被复查单位负责人|记录人|以下空白|\(以下空白\)"
    r"|上述|以上|你单位|请你单位|责令|依据|根据|依照|按照|整改期限|复查意见|特此|此令|如不服)"
)


def find_list(
    doc: Document | str,
    labels: Iterable[str] = (),
    *,
    prose: re.Pattern[str] | None = None,
    max_lines: int = 80,
) -> Found | None:
    """A list under a label (``检查情况:``) or after a phrase (``存在下列问题:``).

    The list runs to the first line that starts another section, a conclusion (``上述…``,
    ``责令…``, ``依据…``) or the signatures.  Its value is the numbered items
    (:func:`find_numbered_items`), or the whole text as one item when it is not numbered.
    """
    text = doc.text if isinstance(doc, Document) else doc
    lines = text.split("\n")
    labels = tuple(labels)
    label_re = (
        re.compile(rf"^\s*(?:{_alternation(labels)})(?:\([^()\n]{{1,12}}\))?\s*(?P<sep>[:|])?\s*")
        if labels
        else None
    )
    for index, line in enumerate(lines):
        match = label_re.match(line) if label_re is not None else None
        if match is not None and not (match.group("sep") or match.end() == len(line)):
            match = None
        if match is None and prose is not None:
            match = prose.search(line)
        if match is None:
            continue
        body = [line[match.end() :]]
        for following in lines[index + 1 : index + 1 + max_lines]:
            if _LIST_END.match(following) or _starts_with_section_label(following):
                break
            body.append(following)
        source = "\n".join(lines[index : index + len(body)])
        items = find_numbered_items("\n".join(body))
        if items:
            return Found(items, index + 1, source)
        whole = "".join(part.strip() for part in body).strip(" :;,")
        if whole:
            return Found([whole], index + 1, source)
    return None
