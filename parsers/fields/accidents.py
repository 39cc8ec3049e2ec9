"""Accidents a document states: ``2026年3月5日…发生一起物体打击事故，造成1人死亡，直接经济损失120万元``.

:func:`put_accident` records, from the sentence that tells of the accident (in the flat,
normalised text; a penalty decision passes its 违法事实):

* ``accident_date`` — the date written before 发生 in that sentence (ISO);
* ``deaths`` and ``serious_injuries`` — ``造成1人死亡、2人重伤``, ``死亡3人``, ``一名工人死亡``
  (0 when the sentence states the accident but not that axis: a report states its casualties);
* ``direct_loss_yuan`` — ``直接经济损失(约)120万元`` in integer yuan (absent when not stated);
* ``accident_description`` — the kind of accident (``物体打击事故``) when short enough;
* ``concealed`` — ``True`` when the text finds the accident 瞒报, 谎报, 迟报 or 隐瞒不报 (not
  when it is denied, ``不存在瞒报``, asked ``是否瞒报``, or quoted from a law in “”);
* ``accident_liable`` — from a report's finding: ``非责任事故`` → False, ``责任事故`` → True.

Nothing is recorded when no sentence states an accident with its date: a document that
merely mentions accidents (a law's wording, 事故隐患) states none.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from archive import cnnum
from parsers.base import Document, ParsedDocument
from parsers.fields.labels import Flat

_N = rf"(?:\d+|[{cnnum.NUMERAL_CHARS}十]+)"
# 发生一起物体打击事故 / 发生了一起…事故 / 发生1起…事故 / 发生…事故
_HAPPENED = re.compile(r"发生(?:了)?(?:一起|1起)?(?P<what>[^。;]{0,40}?事故)")
_DEATHS = (
    re.compile(
        rf"(?P<n>{_N})\s*(?:人|名[^,。;、]{{0,10}}?)(?:\([^()]{{0,20}}\))?\s*(?:死亡|遇难|身亡)"
    ),
    re.compile(rf"(?:死亡|遇难)\s*(?P<n>{_N})\s*(?:人|名)"),
)
_INJURIES = (
    re.compile(rf"(?P<n>{_N})\s*(?:人|名[^,。;、]{{0,10}}?)(?:\([^()]{{0,20}}\))?\s*重伤"),
    re.compile(rf"重伤\s*(?P<n>{_N})\s*(?:人|名)"),
)
_LOSS = re.compile(
    r"直接经济损失(?:约|共计|合计|计|达|为|:|\s)*(?:人民币)?\s*"
    r"(?:(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>万|亿)?"
    rf"|(?P<cn>[{cnnum.NUMERAL_CHARS}]+))\s*元"
)
_CONCEALED = re.compile(r"瞒报|谎报|迟报|隐瞒不报")
_DENIED = re.compile(
    r"(?:不存在|无|未发现|没有|未|不属于|排除|是否|有无|不得|严禁|禁止|防止)[^,。;]{0,4}$"
)
_QUOTED = re.compile(r"“[^”]*”")
_NOT_LIABLE = re.compile(r"非(?:生产安全)?责任事故")
_LIABLE = re.compile(r"(?:是|属于|认定为|定性为)一起[^。,;]{0,20}?责任事故")


def _count(pattern_list: tuple[re.Pattern[str], ...], sentence: str) -> int | None:
    for pattern in pattern_list:
        match = pattern.search(sentence)
        if match:
            return cnnum.number(match.group("n"))
    return None


def _loss(text: str) -> int | None:
    match = _LOSS.search(text)
    if match is None:
        return None
    if match.group("cn"):
        try:
            return cnnum.to_int(match.group("cn"))
        except ValueError:
            return None
    try:
        amount = Decimal(match.group("number").replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None
    amount *= {"万": 10_000, "亿": 100_000_000}.get(match.group("unit") or "", 1)
    return int(amount.to_integral_value())


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``start``…``end``: from after the previous 。 to the next 。."""
    begin = text.rfind("。", 0, start) + 1
    stop = text.find("。", end)
    return begin, (stop if stop >= 0 else len(text))


def concealed(text: str) -> bool:
    """Whether ``text`` finds an accident concealed or falsely or late reported.

    >>> concealed("事故发生后,该公司隐瞒不报"), concealed("不存在瞒报、谎报行为")
    (True, False)
    >>> concealed("依据“对发生生产安全事故瞒报的”规定"), concealed("是否存在迟报")
    (False, False)
    """
    bare = _QUOTED.sub("", text)
    for match in _CONCEALED.finditer(bare):
        before = bare[max(0, match.start() - 12) : match.start()]
        before = re.split(r"[,。;]", before)[-1]
        if _DENIED.search(before):
            continue
        # 瞒报、谎报: each word of a denied list is denied with the first
        if re.search(r"(?:不存在|无|未发现|没有|是否|有无)[^,。;]{0,12}$", before):
            continue
        return True
    return False


def liable(text: str) -> bool | None:
    """A report's finding on liability: False for 非责任事故, True for a 责任事故, else None."""
    if _NOT_LIABLE.search(text):
        return False
    if _LIABLE.search(text) or "生产安全责任事故" in text:
        return True
    return None


def put_accident(
    parsed: ParsedDocument,
    doc: Document,
    text: str | None = None,
    *,
    line: int | None = None,
    findings: bool = False,
) -> bool:
    """Record the accident ``text`` (default: the document's flat text; a section starting on
    ``line``) states; ``findings``: read the report's liability finding too.  Returns whether
    an accident was found."""
    flat = Flat(doc.text)
    body = text if text is not None else flat.text
    for match in _HAPPENED.finditer(body):
        begin, stop = _sentence_bounds(body, match.start(), match.end())
        before = body[begin : match.start()]
        dates = cnnum.date_spans(before)
        if not dates:
            continue
        day = dates[-1][0]
        sentence = body[begin:stop]
        after = body[match.start() : stop]
        deaths = _count(_DEATHS, after)
        injuries = _count(_INJURIES, after)
        loss = _loss(after)
        if deaths is None and injuries is None and loss is None:
            continue  # a hazard that could have caused an accident, not an accident
        at = match.start() if text is None else flat.text.find(body[match.start() : match.end()])
        if at >= 0:
            line, sentence = flat.line_at(at), flat.source(at, at + len(sentence))
        elif line is None:
            line = 1
        parsed.put("accident_date", day.isoformat(), line, sentence)
        parsed.put("deaths", deaths or 0, line, sentence)
        parsed.put("serious_injuries", injuries or 0, line, sentence)
        if loss is None:
            loss = _loss(body)
        parsed.put("direct_loss_yuan", loss, line, sentence)
        what = match.group("what")
        what = re.split(r"[,、()]", what)[-1]
        what = re.sub(r"^(?:的|一起|起)", "", what)
        if 2 < len(what) <= 20:
            parsed.put("accident_description", what, line, sentence)
        if concealed(flat.text if findings else body):
            parsed.put("concealed", True, line, sentence)
        if findings:
            found = liable(flat.text)
            if found is not None:
                parsed.put("accident_liable", found, line, sentence)
        return True
    return False
