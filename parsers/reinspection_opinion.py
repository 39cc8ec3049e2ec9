"""整改复查意见书 (re-inspection opinion): was the order carried out?

Fields: ``doc_number``; ``follows_order`` (the 文号 of the 整改指令书 it follows up, when the
text quotes it); ``document_date`` (the 落款 date, ISO); ``rectified`` — ``True`` when the
opinion says the problems are rectified (已整改完毕, 已完成整改, 整改到位), ``False`` when any
is not (未整改, 部分整改, 仍存在…, 逾期未改正), absent when it says neither.
``rectification_deadline``: a new time limit the opinion sets for what is not rectified
(``限于2026年6月15日前整改完毕``, ISO), not the quoted order's deadline.  With tick
boxes (``☑已整改完毕 □未整改``) only the ticked option counts.  ``authority``: the bureau
(title area or 落款, :mod:`parsers.authority`).  The unit and its code are ``enterprises``.
"""

from __future__ import annotations

import re

from parsers.authority import find_authority
from parsers.base import Document, Found, ParsedDocument
from parsers.fields import (
    Flat,
    add_enterprises,
    find_doc_numbers,
    find_section,
    find_signature_date,
    put_doc_numbers,
    put_found,
    title_reason,
)
from parsers.rectification_order import find_deadline

NAME = "reinspection_opinion"
KIND = "reinspection_opinion"
TITLES = ("整改复查意见书", "复查意见书", "隐患整改复查意见书")
FIELDS = (
    "doc_number",
    "doc_number_raw",
    "references",
    "authority",
    "follows_order",
    "document_date",
    "rectified",
    "rectification_deadline",
)
UNIT_LABELS = ("被复查单位", "被检查单位名称", "被检查单位", "单位名称", "企业名称", "当事人")
OPINION_LABELS = ("复查意见", "复查情况", "复查结论", "复查结果")

# Said of the problems when any of them is not rectified.  Checked first: "第1项已整改完毕，
# 第2项仍存在" is not rectified.  未发现…仍存在 is a positive finding, hence the look-behind.
NOT_RECTIFIED = re.compile(
    r"(?<!未发现)(?<!没有)(?:未整改|未按(?:要求|期|规定)?(?:完成)?整改|部分整改|仍(?:然)?存在"
    r"|尚未(?:完成)?整改|尚未整改到位|未完成整改|未全部整改|未整改到位|整改不到位|没有整改|逾期未(?:改正|整改)"
    r"|未改正|未消除|仍未(?:整改|改正|消除))"
)
RECTIFIED = re.compile(
    r"已(?:全部|按要求|按期)?整改(?:完毕|到位|完成)?|已(?:全部|按要求|按期)?完成整改|整改完毕|整改到位"
    r"|已(?:全部)?改正|已(?:全部)?消除|符合(?:整改)?要求"
)
_TICKED = "☑☒■√✓✔▣"
_BOXES = "□☐" + _TICKED
# An order's 文号 has 责改 (or 改) as its type code.
_ORDER_NUMBER = re.compile(r"责改|整改|改〔|现决")


def accepts(doc: Document) -> str | None:
    return title_reason(doc, TITLES)


def _rectified(doc: Document) -> Found | None:
    section = find_section(doc, OPINION_LABELS)
    if section is not None:
        text, line, source = section.value, section.line, section.source
    else:
        text, line, source = Flat(doc.text).text, None, None
    if any(box in text for box in _BOXES):
        # Tick boxes: keep only what follows a ticked box, up to the next box.
        ticked = re.findall(rf"[{_TICKED}]([^{_BOXES}]*)", text)
        text = " ".join(ticked)
        if not text:
            return None
    negative = NOT_RECTIFIED.search(text)
    if negative:
        return Found(False, line, source or negative.group())
    positive = RECTIFIED.search(text)
    if positive:
        return Found(True, line, source or positive.group())
    return None


def _follows_order(doc: Document, own: Found | None) -> Found | None:
    others = [
        found for found in find_doc_numbers(doc.text) if own is None or found.value != own.value
    ]
    if not others:
        return None
    orders = [found for found in others if _ORDER_NUMBER.search(found.value)]
    return (orders or others)[0]


def parse(doc: Document) -> ParsedDocument:
    parsed = ParsedDocument(kind=KIND, parser=NAME, reason=accepts(doc) or "")
    own = put_doc_numbers(parsed, doc)
    add_enterprises(parsed, doc, UNIT_LABELS)
    put_found(parsed, "follows_order", _follows_order(doc, own))
    put_found(parsed, "document_date", find_signature_date(doc), lambda value: value.isoformat())
    put_found(parsed, "rectified", _rectified(doc))
    put_found(parsed, "rectification_deadline", find_deadline(doc, new_only=True))
    put_found(parsed, "authority", find_authority(doc))
    return parsed
