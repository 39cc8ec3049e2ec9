"""责令限期整改指令书 (order to rectify within a time limit), and any bureau's
责令改正违法行为决定书 (decision ordering an unlawful act corrected: 生态环境局, 市场监督管理局 …).

Fields: ``doc_number``, ``problems`` (the numbered list of 存在问题/事故隐患),
``rectification_deadline`` (整改期限, ISO date: after a 整改期限 label, or the date in
``于2026年11月30日前整改完毕``; with several deadlines, the latest — the day by which the
whole order must be carried out; a decision writes it ``于2026年4月7日前改正``),
``authority`` (:mod:`parsers.authority`), ``document_date`` (the 落款 date, ISO).  The numbered
problems end where the order's closing text begins: the order itself (``现责令你单位于…前整改
完毕``), the closing sentences (``整改期间…``, ``如不服…``) or the 落款 (the issuing bureau, the
date) — on a line of its own or after the last item's full stop.  The unit and its code are ``enterprises`` (a labelled
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
    "document_date",
)
UNIT_LABELS = ("被检查单位名称", "被检查单位", "单位名称", "企业名称", "当事人")
PROBLEM_LABELS = ("存在问题", "存在的问题", "主要问题", "事故隐患", "存在的事故隐患", "发现问题")
# 存在下列问题: — also with what they were found in: 存在下列问题(见现场检查记录(…号)):
PROBLEMS_PROSE = re.compile(
    r"(?:存在|发现)(?:以下|下列|如下)?(?:安全生产)?(?:问题|事故隐患|隐患|违法行为)"
    r"(?:\([^:\n]{0,80}?\))?[:]"
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


# Where the closing text of an order begins (at a line's start, or after a full stop): the
# order (现责令…, 上述问题责令…, 依据…责令…), the closing sentences, the 落款's bureau or date.
_CN_YEAR = r"(?:\d{4}|[〇○零一二三四五六七八九]{4})年"
_CLOSING = re.compile(
    r"(?:现|特|并|故|为此|据此|对此|以上|上述|针对上述|对上述)[^。;]{0,40}?责令"
    r"|(?:依据|根据|依照|按照)[^。]{0,80}?责令"
    r"|责令"
    r"|(?:整改期间|整改期限|如不服|如果不服|如对本指令不服|请你单位|限你单位|你单位(?:应|须|必须|要)|特此)"
    r"|[\u4e00-\u9fff]{2,30}(?:局|委员会|政府|大队|中队|中心|办公室)\s*"
    r"(?:\((?:印章|公章|盖章|章)\))?\s*(?:$|" + _CN_YEAR + r")"
    r"|"
    + _CN_YEAR
    + r"[\d〇○零一二三四五六七八九十]{1,3}月[\d〇○零一二三四五六七八九十]{1,3}日\s*[。.]?\s*$"
)
# An item of the list: 1. / 1、/ (1) / (一) / 一、/ ①
_ITEM = re.compile(
    r"^\s*(?:\d{1,2}\s*[.、]|\(\s*[\d一二三四五六七八九十]{1,3}\s*\)|[一二三四五六七八九十]{1,3}、|[①-⑳])"
)


def _closing_at(line: str) -> int | None:
    """Where the order's closing text begins in ``line`` (0: the whole line), or None."""
    if not _ITEM.match(line) and _CLOSING.match(line.strip()):
        return 0
    for stop in re.finditer(r"[。;]", line):
        rest = line[stop.end() :]
        if rest.strip() and _CLOSING.match(rest.strip()):
            return stop.end()
    return None


def _unwrapped(text: str) -> str:
    """``text`` with a line whose parenthesis the page wrapped joined to the next one (that
    line left empty, so the line numbers stay): 存在下列问题(见现场检查记录(… / …号)):"""
    lines = text.split("\n")
    for index in range(len(lines) - 1):
        line = lines[index]
        if re.search(r"存在|发现", line) and line.count("(") > line.count(")"):
            lines[index], lines[index + 1] = line + lines[index + 1], ""
    return "\n".join(lines)


def find_problems(doc: Document) -> Found | None:
    """The numbered problems (存在问题), up to where the order's closing text begins."""
    text = doc.text
    found = find_list(text, PROBLEM_LABELS, prose=PROBLEMS_PROSE)
    if found is None:
        text = _unwrapped(text)
        found = find_list(text, PROBLEM_LABELS, prose=PROBLEMS_PROSE)
    if found is None or found.line is None:
        return found
    lines = text.split("\n")
    first = found.line  # the label's line (1-based): the items follow it
    for index in range(first, len(lines)):
        at = _closing_at(lines[index])
        if at is None:
            continue
        kept = [*lines[:index], lines[index][:at]] if at else lines[:index]
        return find_list("\n".join(kept), PROBLEM_LABELS, prose=PROBLEMS_PROSE) or found
    return found


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
    put_found(parsed, "problems", find_problems(doc))
    put_found(parsed, "rectification_deadline", _deadline(doc))
    put_found(parsed, "authority", find_authority(doc))
    put_found(parsed, "document_date", find_signature_date(doc), lambda value: value.isoformat())
    return parsed
