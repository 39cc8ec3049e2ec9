"""Titles: the line that names what a document is (行政处罚决定书, 责令限期整改指令书)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from parsers.base import Document, Found
from parsers.fields.doc_numbers import _DOC_NUMBER_RE
from parsers.fields.labels import _top_lines

# What a title line may carry in brackets at its end, not counted in its length: the
# document's own 文号 (…决定书（永环责改〔2026〕4号）), 副本, 第二联.
_TITLE_NOTE = re.compile(r"[(（][^()（）]{1,30}[)）]$")


# A word in brackets inside a title, not at its end: 行政处罚事先（听证）告知书, 行政处罚（陈述申辩）
# 告知书.
_TITLE_INNER_NOTE = re.compile(r"[(（][\u3400-\u9fff、]{1,6}[)）](?=[\u3400-\u9fff])")
# A case file's cover page (行政执法案卷（封面）, 卷宗, 卷内目录), and how many lines it may have.
_COVER = re.compile(r"案卷|卷宗|卷内目录|封面")
_COVER_LINES = 16
# A title named in a sentence of the body: 本机关于2026年5月23日作出了责令限期整改指令书(…),
# 根据责令限期整改指令书 — the document it names, not this one.
_NAMED_IN_SENTENCE = re.compile(r"(?:作出|下达|送达|签发|根据|依据|依照|按照)了?的?[“\"]?$")
# …or followed by what only a sentence has after a document's name: 现场检查记录等证据为证,
# 现场检查记录、询问笔录.
_SENTENCE_GOES_ON = re.compile(r"^[”\"]?(?:等|、|和|及|为证|中)")  # (。 may be OCR's for a gap)


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
    bracketed note at the line's end, such as the 文号, is not counted), nor a title a sentence
    names (作出了责令限期整改指令书), nor a line that contains one of ``exclude``
    (不予行政处罚决定书 for 行政处罚决定书).

    >>> find_title("醴陵市应急管理局\\n不予行政处罚决定书", ["行政处罚决定书"],
    ...            exclude=["不予行政处罚决定书"]) is None
    True
    >>> find_title("某局\\n某公司：\\n本机关于2026年5月23日作出了责令限期整改指令书(蓝应急责",
    ...            ["责令限期整改指令书"]) is None
    True
    >>> find_title("某局\\n行政处罚事先竺知书\\n以上事实有现场检查记录等证据为证",
    ...            ["现场检查记录"]) is None
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
        named: list[tuple[int, int]] = []  # spans of titles a sentence names (longest first)
        for title in titles:
            position = line.find(title)
            if any(start <= position and position + len(title) <= end for start, end in named):
                continue  # 限期整改指令书 inside the 责令限期整改指令书 a sentence names
            # A 文号 printed on the title line (…决定书（永环责改〔2026〕蓝山-6号）) or a note in
            # brackets (副本) is not part of a sentence: it does not count towards the length.
            bare = _TITLE_NOTE.sub("", _title_without_number(line))
            if position < 0 or len(bare) > len(title) + 24:
                continue
            if "《" in line[:position] and "》" in line[position:]:
                continue
            if _NAMED_IN_SENTENCE.search(line[:position]) or _SENTENCE_GOES_ON.search(
                line[position + len(title) :]
            ):
                named.append((position, position + len(title)))
                continue
            return Found(title, number, line)
    return None
