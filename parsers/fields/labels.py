"""Labels and their values, flat text, sections and numbered lists."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable

from parsers.base import Document, Found
from parsers.normalise import CJK_IDEOGRAPH

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
    "事故发生单位名称",  # 事故调查报告
    "事故发生单位",
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


_SIGNING = re.compile("签名|签字|签章|盖章|捺印")
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


_PERSON = re.compile(rf"{_CJK}{{2,4}}|{_CJK}{{1,10}}(?:·{_CJK}{{1,10}})+")


def looks_like_person(value: str) -> bool:
    """A person's name as documents print it: 张三, 黄某某, 阿卜杜·热合曼.

    >>> looks_like_person("黄某某"), looks_like_person("醴陵市某某厂"), looks_like_person("张三2")
    (True, False, False)
    """
    return bool(_PERSON.fullmatch(value)) and not looks_like_organisation(value)


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
            if _SIGNING.search(match.group("paren") or ""):
                continue  # 被处罚人(签名): a line to sign on, what follows is no name
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


def _top_lines(doc: Document | str, count: int) -> list[tuple[int, str]]:
    text = doc.text if isinstance(doc, Document) else doc
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            found.append((number, line.strip()))
            if len(found) >= count:
                break
    return found
