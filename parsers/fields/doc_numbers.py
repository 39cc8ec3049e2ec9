"""Document numbers (文号): 永环责改〔2026〕4号 and its printed forms."""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from archive.i18n import _
from parsers.base import Document, Found, ParsedDocument
from parsers.fields.labels import _CJK, Flat, _top_lines

# --------------------------------------------------------------------------------------------
# Document numbers (文号)

_NOT_ORG = "的了据依按照经于对在和与及并已将该为是由向"
_ORG_CHAR = rf"[^\W_{_NOT_ORG}]"  # a character of the org part: CJK, digits, letters
_DOC_NUMBER_RE = re.compile(
    # (not a title's (单位)/(个人) that a line run together puts in front)
    r"(?P<prefix>(?![(〔\[【](?:单位|个人|法人|正本|副本)[)〕\]】])"
    r"[(〔\[【][^()〔〕\[\]【】\d\n]{1,10}[)〕\]】])?"
    # The org part starts with an ideograph; digits and letters may follow (湘1127环罚决字),
    # and one place in parentheses (惠市环(龙门)罚).
    rf"(?P<org>[^\W\d_{_NOT_ORG}a-zA-Z](?:{_ORG_CHAR}|\({_CJK}{{1,6}}\)){{0,16}}?)"
    r"[ \t]*(?P<open>[〔\[【(])[ \t]*(?P<year>(?:19|20)\d{2})[ \t]*[〕\]】)][ \t]*"
    # The serial: digits, after letters or a unit and a hyphen (k-7, 执法一中队-3, 塔峰-5).
    rf"(?P<first>第)?[ \t]*(?P<serial>(?:(?:[A-Za-z]{{1,4}}|{_CJK}{{1,8}}|\d{{1,6}})[ \t]*[-－—–][ \t]*"
    r"|[A-Za-z]{1,4})?\d{1,6})[ \t]*号"
)
# The year first, as some bureaus number their enforcement documents: 〔2026〕松应急责改第3号.
_YEAR_FIRST_RE = re.compile(
    r"(?P<open>[〔\[【(（])[ \t]*(?P<year>(?:19|20)\d{2})[ \t]*[〕\]】)）][ \t]*"
    # ideographs only: a court's case number, year first, has digits ((2021)湘1127行初91号)
    rf"(?P<org>[^\W\d_{_NOT_ORG}a-zA-Z][^\W\d_a-zA-Z]{{1,11}}?)[ \t]*"
    r"(?P<first>第)?[ \t]*(?P<serial>\d{1,6})[ \t]*号"
)
_SERIAL_NUMBER_RE = re.compile(
    rf"(?P<org>{_CJK}{{2,12}})[ \t]*[-－—–][ \t]*(?P<serial>\d{{1,6}})(?P<hao>号)?"
)
_TITLE_NOTE = re.compile(r"[(（](?:单位|个人|法人|正本|副本)[)）]\s*")
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
        note = _TITLE_NOTE.match(text, start)
        if note and note.end() < match.start("open"):  # 决定书(单位): a title's note, no place
            start = note.end()
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
    for match in _YEAR_FIRST_RE.finditer(text):
        if any(number.start < match.end() and match.start() < number.end for number in found):
            continue  # the year of an org-first 文号 (…罚〔2026〕3号) read from its bracket
        printed = match.group()
        found.append(
            _NumberMatch(normalise_doc_number(printed), match.start(), match.end(), printed)
        )
    found.sort(key=lambda number: number.start)
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


_STRAY_MARKS = " \t、,，.。;；:：'\"“”‘’`·|"
# A 签发人 printed on the number's line (红头 layout): the number still stands alone.
_SIGNER_BESIDE = re.compile(rf"签发人[:]?{_CJK}{{2,4}}")
_NUMBER_LABEL_END = re.compile(
    r"(?:文号|编号|文书编号|文书号|案号|No\.?|NO\.?)[ \t]*[:|]?[ \t“”\"']*$"  # “: OCR's stray mark
)
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
        # (永环责改〔2026〕4号) alone; a stray mark beside it (OCR's 、 or ,) is no text
        rest = re.sub(r"[()]", "", before + after).strip(_STRAY_MARKS)
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
# The place abbreviation of an OCR'd 文号

_PLACE_HEAD = re.compile(
    r"^（(?P<bracketed>[\u4e00-\u9fff]{1,6})）|^(?P<bare>[\u4e00-\u9fff]{1,4}?)(?=应急|安监)"
)


def place_chains(places: dict[str, str]) -> list[str]:
    """The place parts a 文号 may carry, from the abbreviations in order (province, city,
    county): each one, and each run of them (湘永, 永蓝, 湘永蓝).

    >>> place_chains({"湘": "湖南省", "永": "永州市", "蓝": "蓝山县"})
    ['湘', '永', '蓝', '湘永', '永蓝', '湘永蓝']
    """
    keys = list(places)
    return [
        "".join(keys[start : start + size])
        for size in range(1, len(keys) + 1)
        for start in range(len(keys) - size + 1)
    ]


def correct_place(number: str, places: dict[str, str], before: str) -> str | None:
    r"""An OCR'd 文号 (normalised) whose place abbreviation is one character off the bureau's
    own (``places``: abbreviation → place, province to county), put right; None when it is
    one of them, or no single one is that close.

    Only where the text ``before`` the 文号 (the heading: 蓝山县应急管理局) names the place
    of the issuing bureau the corrected abbreviation stands for (its last character: 蓝山县
    for （湘永蓝）, 永州市 for 永): a neighbouring county's document (宁远县, （湘永宁）) names
    its own county, even under our province's or city's name, and is left as read, and so is
    a document whose heading OCR could not read.  Never called on text read from a text layer:
    only OCR misreads characters.

    >>> places = {"湘": "湖南省", "永": "永州市", "蓝": "蓝山县"}
    >>> correct_place("（酒永蓝）应急检〔2025〕第52号", places, "蓝山县应急管理局")
    '（湘永蓝）应急检〔2025〕第52号'
    >>> correct_place("赣应急责改〔2026〕26号", places, "蓝山县应急管理局\n责令限期整改指令书")
    '蓝应急责改〔2026〕26号'
    >>> correct_place("（湘永宁）应急罚〔2026〕3号", places, "湖南省宁远县应急管理局") is None
    True
    >>> correct_place("（酒永蓝）应急检〔2025〕第52号", places, "复出县应急管理局") is None
    True
    >>> correct_place("蓝应急罚〔2026〕3号", places, "蓝山县应急管理局") is None
    True
    >>> correct_place("人永应急罚〔2025〕12号", places, "永州市应急管理局") is None  # 人 added?
    True
    >>> correct_place("（〈蓝）应急检记〔2026〕62号", places, "蓝山县应急管理局") is None
    True
    """
    found = _misread_place(number, places)
    if found is None:
        return None
    head, read, chains = found
    near = [chain for chain in one_off(read, chains) if places[chain[-1]] in before]
    return _with_place(number, head, near)


def _place_span(head: re.Match[str]) -> tuple[int, int]:
    """Where a 文号's place part (a ``_PLACE_HEAD`` match) stands: in brackets or bare."""
    return head.span("bracketed") if head.group("bracketed") else head.span("bare")


def _with_place(number: str, head: re.Match[str], near: list[str]) -> str | None:
    """``number`` with its place part (``head``) the one place of ``near``; None unless
    exactly one."""
    if len(near) != 1:
        return None
    start, end = _place_span(head)
    return number[:start] + near[0] + number[end:]


def _misread_place(
    number: str, places: dict[str, str]
) -> tuple[re.Match[str], str, list[str]] | None:
    """A 文号's place part that is not ours and may be ours misread: (its match, the place as
    read, our place chains); None when it is ours, or unbracketed with a character more than
    one of ours (a stray character OCR added, 人永 for 永, is as likely as a misreading)."""
    head = _not_our_place(number, places)
    if head is None:
        return None
    read = head.group("bracketed") or head.group("bare")
    chains = place_chains(places)
    if head.group("bare") and any(read[:i] + read[i + 1 :] in chains for i in range(len(read))):
        return None
    return head, read, chains


def _not_our_place(number: str, places: dict[str, str]) -> re.Match[str] | None:
    """The place part of a 文号 (its match) when it has a character not among ``places``."""
    head = _PLACE_HEAD.match(number)
    if head is None or not places:
        return None
    read = head.group("bracketed") or head.group("bare")
    return None if all(char in places for char in read) else head


def one_off(read: str, known: list[str]) -> list[str]:
    """The words of ``known`` as long as ``read`` that differ from it in exactly one character
    (a place chain, a label: what OCR misread one character of).

    >>> one_off("监山县", ["蓝山县", "宁远县", "蓝山"])
    ['蓝山县']
    """
    return [
        word
        for word in known
        if len(word) == len(read) and sum(a != b for a, b in zip(word, read, strict=True)) == 1
    ]


def doubtful_place(number: str, places: dict[str, str]) -> bool:
    """Whether a 文号's place abbreviation is not the bureau's but one character off it (监应急…,
    （湘永监）…): OCR may have misread it where the heading could not confirm which.

    >>> places = {"湘": "湖南省", "永": "永州市", "蓝": "蓝山县"}
    >>> doubtful_place("监应急责改〔2026〕3号", places), doubtful_place("蓝应急罚〔2026〕3号", places)
    (True, False)
    >>> doubtful_place("（湘永宁）应急罚〔2026〕3号", places)  # a neighbour's, or 蓝 misread
    True
    """
    head = _not_our_place(number, places)
    read = head.group("bracketed") or head.group("bare") if head is not None else ""
    return bool(read) and bool(one_off(read, place_chains(places)))


def correct_place_alike(number: str, places: dict[str, str], before: str) -> str | None:
    r"""An OCR'd 文号 (normalised) whose place abbreviation is one character off the bureau's
    own, put right when the issuer's line (in ``before``: a line with 管理, as in 应急管理局)
    names our county with the same character misread the same way (监山县应急管理局 above
    监应急…: one misreading of 蓝 explains both); None otherwise.  A real county of that
    name is possible, so ingest takes this only for an enterprise of our register.

    >>> places = {"湘": "湖南省", "永": "永州市", "蓝": "蓝山县"}
    >>> correct_place_alike("监应急责改字〔2026〕第33号", places, "监山县应急管理局")
    '蓝应急责改字〔2026〕第33号'
    >>> correct_place_alike("赣应急复查〔2026〕21号", places, "监山县应急管理局") is None
    True
    >>> correct_place_alike("（湘永宁）应急罚〔2026〕3号", places, "宁远县应急管理局") is None
    True
    """
    found = _misread_place(number, places)
    if found is None:
        return None
    head, read, chains = found
    issuers = [line for line in before.split("\n") if "管理" in line]
    near = []
    for chain in one_off(read, chains):
        at = next(i for i, (a, b) in enumerate(zip(chain, read, strict=True)) if a != b)
        county = places.get(chain[at], "")
        if chain[at] not in county:
            continue  # 湘 is not in 湖南省: no name to be misread alike
        misread = county.replace(chain[at], read[at])
        if any(misread in line for line in issuers):
            near.append(chain)
    return _with_place(number, head, near)


def place_read_again(number: str, again: str, places: dict[str, str]) -> str | None:
    r"""An OCR'd 文号 (normalised) whose place abbreviation is one character off the bureau's
    own (:func:`doubtful_place`), as its line read a second time (``again``, the line's text)
    gives it: the same 文号 but for the place, which is one of ours; else None.  Two readings
    that differ only there, the second naming our own place, tell a misread 蓝 from a
    neighbour's 宁 where the heading could not.

    >>> places = {"湘": "湖南省", "永": "永州市", "蓝": "蓝山县"}
    >>> place_read_again("赣应急复查〔2026〕21号", "蓝应急复查〔2026〕21号", places)
    '蓝应急复查〔2026〕21号'
    >>> place_read_again("赣应急复查〔2026〕21号", "蓝应急复查〔2026〕27号", places) is None
    True
    >>> place_read_again("（湘永宁）应急罚〔2026〕3号", "（湘永宁）应急罚〔2026〕3号", places) is None
    True
    """
    head = _not_our_place(number, places)
    if head is None or not doubtful_place(number, places):
        return None
    start, end = _place_span(head)
    for found in find_doc_numbers(again):
        other = str(found.value)
        if len(other) != len(number) or other[:start] != number[:start]:
            continue
        if other[end:] != number[end:] or other[start:end] not in place_chains(places):
            continue
        return other
    return None


# A 文号's place part as OCR may have read it: in brackets, any characters (（II眉洪）: 川 read
# as two letters), or bare before 应急.
_READ_PLACE_HEAD = re.compile(
    r"^（(?P<bracketed>[^（）〔〕\d]{1,8})）|^(?P<bare>[^（）〔〕\d]{1,4}?)(?=应急|安监)"
)


def place_read_otherwise(number: str, other: str, places: dict[str, str]) -> str | None:
    r"""An OCR'd 文号 (normalised) whose place part is not the bureau's, as the second OCR
    engine read it (``other``): the same 文号 but for the place, which is exactly one of ours;
    else None.  Two engines that agree on all but the place, the second reading our own, tell a
    place misread (川 read as II) from a neighbour's.

    >>> places = {"川": "四川省", "眉": "眉山市", "洪": "洪雅县"}
    >>> place_read_otherwise("（II眉洪）应急检记〔2026〕22号", "（川眉洪）应急检记〔2026〕22号", places)
    '（川眉洪）应急检记〔2026〕22号'
    >>> place_read_otherwise("（II眉洪）应急检记〔2026〕22号", "（川眉洪）应急检记〔2026〕23号", places)
    >>> place_read_otherwise("（川眉丹）应急罚〔2026〕3号", "（川眉丹）应急罚〔2026〕3号", places)
    """
    head, second = _READ_PLACE_HEAD.match(number), _PLACE_HEAD.match(other)
    if head is None or second is None or not places:
        return None
    read = head.group("bracketed") or head.group("bare")
    if all(char in places for char in read):
        return None  # ours as read
    start, end = head.span("bracketed") if head.group("bracketed") else head.span("bare")
    at, to = _place_span(second)
    if number[:start] != other[:at] or number[end:] != other[to:]:
        return None
    return other if other[at:to] in place_chains(places) else None


def correct_place_name(name: str, places: dict[str, str], before: str) -> str | None:
    """An OCR'd enterprise name that starts with one of the bureau's places (``places``'
    values: 蓝山县, 永州市) read one character off (监山县), with the place put right; None
    when it starts with one of them already, or not exactly one is that close, or the text
    ``before`` the name (the heading) does not name that place: a document of 蓝田县应急管理局
    to 蓝田县某厂 is another county's, whatever our register holds.

    >>> places = {"湘": "湖南省", "永": "永州市", "蓝": "蓝山县"}
    >>> correct_place_name("监山县湘南加油站", places, "蓝山县应急管理局")
    '蓝山县湘南加油站'
    >>> correct_place_name("蓝田县祥和冶金有限公司", places, "蓝田县应急管理局") is None
    True
    >>> correct_place_name("蓝山县湘南加油站", places, "蓝山县应急管理局") is None
    True
    """
    near = []
    for place in places.values():
        if len(place) < 3 or len(name) <= len(place):
            continue  # a place of two characters is too short to tell a misreading
        if name.startswith(place):
            return None
        if one_off(name[: len(place)], [place]) and place in before:
            near.append(place + name[len(place) :])
    return near[0] if len(near) == 1 else None
