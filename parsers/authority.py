"""The issuing authority of an enforcement document or a publicity record (``authority``).

Any bureau's documents: 应急管理局, 生态环境局, 市场监督管理局, 消防救援大队, 综合行政执法局 …
The name as written, read from (first found wins):

1. a labelled line: ``处罚机关:``, ``作出处罚决定的机关:``, ``决定机关:``, ``执法机关:`` …
   (a publicity list's column is read per row by :mod:`parsers.penalty_publicity`);
2. the title area: the first lines, a line that is the authority's name alone or the name
   run into the title (``永州市生态环境局行政处罚决定书``);
3. the 落款: the authority's name alone on one of the last lines (perhaps with its date or
   ``(印章)``);
4. with ``prose=True`` (publicity): ``近日,永州市生态环境局对…`` / ``…局依法对…作出…``.

Absent when the document names none, never guessed from the 文号.

>>> find_authority("永州市生态环境局\\n行政处罚决定书\\n当事人:某某有限公司").value
'永州市生态环境局'
>>> find_authority("责令改正违法行为决定书\\n某公司:\\n…\\n某某县市场监督管理局\\n2026年3月1日").value
'某某县市场监督管理局'
>>> find_authority("行政处罚决定书\\n当事人:蓝山县某某有限公司") is None
True
"""

from __future__ import annotations

import re

from parsers.base import Document, Found

__all__ = ["AUTHORITY_LABELS", "find_authority", "is_signature_line", "looks_like_authority"]

AUTHORITY_LABELS = (
    "作出处罚决定的机关名称",
    "作出处罚决定的机关",
    "作出行政处罚决定机关",
    "作出处罚决定机关",
    "处罚决定机关",
    "行政处罚机关",
    "处罚机关名称",
    "处罚机关",
    "决定机关",
    "执法机关",
    "实施机关",
    "作出决定的机关",
    "发布机关",
    "公示机关",
    "作出机关",
    "执法部门",
)
_CJK = "\u3400-\u9fff"
# What an authority's name ends with (the longest first).
_SUFFIXES = (
    "综合行政执法局",
    "消防救援支队",
    "消防救援大队",
    "管理委员会",
    "人民政府",
    "执法大队",
    "执法支队",
    "执法中队",
    "办公室",
    "救援大队",
    "救援支队",
    "委员会",
    "分局",
    "大队",
    "支队",
    "中队",
    "局",
)
_SUFFIX = "|".join(_SUFFIXES)
_NAME = rf"[{_CJK}()]{{2,30}}?(?:{_SUFFIX})"
_NAME_RE = re.compile(rf"{_NAME}")
# Words that make a run of characters an organisation other than a bureau, or a sentence.
_NOT_AUTHORITY = re.compile(r"公司|厂|店|合作社|个体|单位|企业|中心校|学校|医院|你|我|本|该|对|的")
_TITLE_WORDS = re.compile(
    r"(?:决定书|告知书|指令书|意见书|通知书|记录|公示|公告|信息公开|通报|决定|通知)"
    r"(?:[(（][^()（）]{1,40}[)）])?$"
)
_TITLE_WORD = re.compile(r"决定书|告知书|指令书|意见书|通知书|记录|公示|公告|信息公开|通报")
_DATE_TAIL = re.compile(
    r"[ \t]*(?:[0-9〇○零O一二三四五六七八九]{4}年[0-9一二三四五六七八九十]{1,3}月"
    r"[0-9一二三四五六七八九十]{1,3}日)?[ \t]*(?:\((?:印章|公章|盖章|章)\))?[ \t]*$"
)
_PROSE = re.compile(
    rf"(?:^|[。;,:]|近日|日前|近期)(?P<name>[{_CJK}]{{2,30}}?(?:{_SUFFIX}))(?:依法)?(?:对|向|作出|于)"
)
_TOP_LINES = 6
_BOTTOM_LINES = 12


def looks_like_authority(name: str) -> bool:
    """A bureau's name: ends like one, and is not a company or a sentence.

    >>> looks_like_authority("蓝山县应急管理局"), looks_like_authority("某某县消防救援大队")
    (True, True)
    >>> looks_like_authority("蓝山县某某建材有限公司"), looks_like_authority("本局")
    (False, False)
    >>> looks_like_authority("处罚机关双牌县应急管理局")
    False
    """
    name = name.strip()
    if not 4 <= len(name) <= 30 or not _NAME_RE.fullmatch(name):
        return False
    if name.startswith(AUTHORITY_LABELS):
        return False  # a label run into its value (处罚机关双牌县应急管理局)
    return _NOT_AUTHORITY.search(name) is None


def _labelled(lines: list[str]) -> Found | None:
    labels = "|".join(sorted(map(re.escape, AUTHORITY_LABELS), key=len, reverse=True))
    # At a line's start the label may run into its value, as a PDF table's row reads
    # (处罚机关双牌县应急管理局).
    pattern = re.compile(
        rf"(?:^[ \t]*(?:{labels})[ \t]*[:|]?|[ \t;,。](?:{labels})[ \t]*[:|])"
        r"[ \t]*(?P<name>[^ \t,;。|]+)"
    )
    for number, line in enumerate(lines, start=1):
        match = pattern.search(line)
        if match is None:
            continue
        name = match.group("name").strip()
        if looks_like_authority(name):
            return Found(name, number, line)
    return None


def _title_area(lines: list[tuple[int, str]]) -> Found | None:
    for number, line in lines[:_TOP_LINES]:
        if looks_like_authority(line):
            return Found(line, number, line)
        name = _name_before_title(line)
        if name is not None:
            return Found(name, number, line)
    return None


def _name_before_title(line: str) -> str | None:
    """The authority's name a title line starts with, the longest that reads as one:
    ``永州市生态环境局蓝山分局责令改正违法行为决定书`` is the 分局's, not the 市局's.

    >>> _name_before_title("永州市生态环境局蓝山分局责令改正违法行为决定书(永环责改〔2026〕4号)")
    '永州市生态环境局蓝山分局'
    >>> _name_before_title("蓝山县应急管理局行政处罚决定书")
    '蓝山县应急管理局'
    """
    found = None
    for suffix in re.finditer(_SUFFIX, line[:31]):
        name, rest = line[: suffix.end()], line[suffix.end() :].strip()
        if _TITLE_WORD.search(name) or not rest or not _TITLE_WORDS.search(rest):
            continue
        if looks_like_authority(name):
            found = name
    return found


def _signature_name(line: str) -> str | None:
    tail = _DATE_TAIL.search(line)
    name = line[: tail.start()].strip() if tail else line.strip()
    return name if looks_like_authority(name) else None


def is_signature_line(line: str) -> bool:
    """A 落款 line: the authority's name alone (perhaps with its date or ``(印章)``), or the
    date alone — where a list's last item ends.

    >>> is_signature_line("江永县应急管理局"), is_signature_line("2026年3月31日")
    (True, True)
    >>> is_signature_line("生产管理职责,被处以罚款人民币1.2万元(江应急罚〔2026〕5号)。")
    False
    """
    line = line.strip()
    if not line:
        return False
    if _signature_name(line) is not None:
        return True
    tail = _DATE_TAIL.search(line)
    return tail is not None and tail.start() == 0 and tail.end() > 0


def _signature(lines: list[tuple[int, str]]) -> Found | None:
    for number, line in reversed(lines[-_BOTTOM_LINES:]):
        name = _signature_name(line)
        if name is not None:
            return Found(name, number, line)
    return None


def _prose(text: str) -> Found | None:
    from parsers.fields import Flat

    flat = Flat(text)
    for match in _PROSE.finditer(flat.text):
        name = match.group("name")
        # The run may start with words before the name (近日,经…): keep the shortest tail
        # that still reads as a bureau with a place name.
        if looks_like_authority(name):
            start = match.start("name")
            return Found(name, flat.line_at(start), flat.source(start, match.end("name")))
    return None


def find_authority(
    doc: Document | str, *, prose: bool = False, labelled: bool = True
) -> Found | None:
    """The authority that issued the document, as written (see the module doc); ``prose``
    also reads it from a sentence (publicity summaries have no 落款); ``labelled=False``
    reads only the title area and the 落款 (a list's ``处罚机关:`` lines are its entries')."""
    text = doc.text if isinstance(doc, Document) else doc
    lines = text.split("\n")
    content = [(number, line.strip()) for number, line in enumerate(lines, 1) if line.strip()]
    found = (_labelled(lines) if labelled else None) or _title_area(content) or _signature(content)
    if found is None:
        found = _self_named(text)
    if found is None and prose:
        found = _prose(text)
    return found


# A bureau that names itself in the first sentence: 某某县应急管理局（以下简称本局）于….
_SELF_NAMED = re.compile(
    r"[(（]\s*(?:以下)?简称\s*[“\"'「]?\s*本(?:局|委|机关|队|大队|支队|中队|分局|办|府)"
)


def _self_named(text: str) -> Found | None:
    """The authority before ``（以下简称本局/本委）``, the longest run that reads as a bureau.

    >>> _self_named("蓝山县应急管理局（以下简称本局）于2026年3月5日对你单位检查").value
    '蓝山县应急管理局'
    """
    for number, line in enumerate(text.split("\n"), start=1):
        for match in _SELF_NAMED.finditer(line):
            run = re.search(rf"[{_CJK}]{{2,30}}$", line[: match.start()])
            if run is None:
                continue
            for start in range(run.start(), match.start() - 3):
                name = line[start : match.start()]
                if looks_like_authority(name):
                    return Found(name, number, line.strip())
    return None
