"""责令限期整改指令书 (order to rectify within a time limit), and any bureau's
责令改正违法行为决定书 (decision ordering an unlawful act corrected: 生态环境局, 市场监督管理局 …).

Fields: ``doc_number``, ``problems`` (the numbered list of 存在问题/事故隐患),
``rectification_deadline`` (整改期限, ISO date: after a 整改期限 label, or the date in
``于2026年11月30日前整改完毕``; with several deadlines, the latest — the day by which the
whole order must be carried out; a decision writes it ``于2026年4月7日前改正``),
``authority`` (:mod:`parsers.authority`).  The unit and its code are ``enterprises`` (a labelled
被检查单位, else the addressee line ``某某有限公司:``).
"""

from __future__ import annotations

import re

from parsers.authority import find_authority
from parsers.base import Document, Found, ParsedDocument
from parsers.fields import (
    Flat,
    add_enterprises,
    date_spans,
    find_dates,
    find_list,
    find_signature_date,
    put_doc_numbers,
    put_found,
    title_reason,
    value_after_label,
)

NAME = "rectification_order"
KIND = "rectification_order"
TITLES = (
    "责令改正违法行为决定书",  # ecology-environment, market supervision …
    "责令限期改正违法行为决定书",
    "责令改正决定书",
    "责令限期改正决定书",
    "责令限期整改指令书",
    "责令限期改正指令书",
    "责令改正指令书",
    "整改指令书",
    "限期整改指令书",
    # Other bureaus' orders (市场监督管理局 责令改正通知书, 消防 责令限期改正通知书 …).
    "责令改正违法行为通知书",
    "责令限期改正通知书",
    "责令限期整改通知书",
    "责令改正通知书",
    "责令整改通知书",
    "限期整改通知书",
    "限期改正通知书",
    "隐患整改通知书",
    "整改通知书",
)
FIELDS = (
    "doc_number",
    "doc_number_raw",
    "references",
    "problems",
    "rectification_deadline",
    "authority",
)
UNIT_LABELS = ("被检查单位名称", "被检查单位", "单位名称", "企业名称", "当事人")
PROBLEM_LABELS = ("存在问题", "存在的问题", "主要问题", "事故隐患", "存在的事故隐患", "发现问题")
PROBLEMS_PROSE = re.compile(
    r"(?:存在|发现)(?:以下|下列|如下)?(?:安全生产)?(?:问题|事故隐患|隐患|违法行为)[:]"
)
DEADLINE_LABELS = ("整改期限", "整改时限", "限期整改期限", "整改完成期限")
# A date followed by one of these is a deadline: 于2026年11月30日前整改完毕.
_DEADLINE_AFTER = re.compile(
    r"^(?:之前|以前|前)?[^,;。]{0,8}?(?:整改完毕|完成整改|整改到位|改正|整改|消除)"
)
_DEADLINE_BEFORE = re.compile(r"(?:整改期限|整改时限|限期至|限于|期限为|期限至|截止)[^,;。]{0,4}$")
# An order's date with another verb (责令…并于2026年6月30日之前,取得…审批手续; 须于…前补办…):
# 于 after an order's word, 前 after the date, and something to be done after it.
_ORDERED_BEFORE = re.compile(r"(?:责令|要求|并|应当?|须|必须|务必|请|限)[^,;。]{0,12}?于$")
_ORDERED_AFTER = re.compile(r"^(?:之前|以前|前(?![往后夕来]))[,]?[\u3400-\u9fff]")


def accepts(doc: Document) -> str | None:
    return title_reason(doc, TITLES)


# A new time limit set after a re-inspection: 限于/限期至/责令…于2026年6月15日前整改完毕 — not
# 已于…前整改完毕 (done), nor the deadline of the order the opinion quotes (…作出…《…指令书》).
_NEW_DEADLINE_BEFORE = re.compile(
    r"(?:限于|限期至|限期在|期限至|期限为|延长至|延期至|截止|重新限期|"
    r"(?:责令|要求|请)[^,;。已]{0,12}?于)[^,;。]{0,4}$"
)
_QUOTED_ORDER = re.compile(r"《|作出|下达|送达|已")


def find_deadline(doc: Document, *, new_only: bool = False) -> Found | None:
    """The rectification deadline (ISO date): after a 整改期限 label, else the latest date
    written as a deadline (``于2026年11月30日前整改完毕``), never the signature's date.

    ``new_only`` (a re-inspection opinion): only a deadline set by this document (``限于…前
    整改完毕``, ``责令你单位于…前改正``), not one quoted from the order it follows up nor a
    date by which the work was done.
    """
    return _deadline(doc, new_only=new_only)


def _deadline(doc: Document, *, new_only: bool = False) -> Found | None:
    labelled = value_after_label(doc, DEADLINE_LABELS, length=30)
    if labelled is not None and new_only and re.search(r"原(?:定)?整改", labelled.source or ""):
        labelled = None  # the order's own deadline, quoted
    if labelled is not None:
        dates = find_dates(labelled.value)
        if dates:
            return Found(dates[0].value.isoformat(), labelled.line, labelled.source)
    flat = Flat(doc.text)
    signed = find_signature_date(doc)
    candidates = []
    for value, start, end in date_spans(flat.text):
        after = flat.text[end : end + 16]
        before = flat.text[max(0, start - 12) : start]
        if new_only:
            sentence = flat.text[max(0, start - 40) : start]
            sentence = re.split(r"[。;；]", sentence)[-1]
            if not (
                _NEW_DEADLINE_BEFORE.search(before)
                and (_DEADLINE_AFTER.match(after) or "限" in before)
                and not _QUOTED_ORDER.search(sentence)
            ):
                continue
        ordered = _ORDERED_BEFORE.search(before) and _ORDERED_AFTER.match(after)
        if _DEADLINE_AFTER.match(after) or _DEADLINE_BEFORE.search(before) or ordered:
            line = flat.line_at(start)
            if signed is None or signed.line != line:
                candidates.append((value, line, flat.source(start, end)))
    if not candidates:
        return None
    value, line, source = max(candidates, key=lambda candidate: candidate[0])
    return Found(value.isoformat(), line, source)


def parse(doc: Document) -> ParsedDocument:
    parsed = ParsedDocument(kind=KIND, parser=NAME, reason=accepts(doc) or "")
    put_doc_numbers(parsed, doc)
    add_enterprises(parsed, doc, UNIT_LABELS)
    put_found(parsed, "problems", find_list(doc, PROBLEM_LABELS, prose=PROBLEMS_PROSE))
    put_found(parsed, "rectification_deadline", _deadline(doc))
    put_found(parsed, "authority", find_authority(doc))
    return parsed
