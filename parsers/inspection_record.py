"""现场检查记录 (on-site inspection record): who was inspected, where, when, what was found.

Fields: ``doc_number``, ``address``, ``legal_representative``, ``inspection_place``,
``inspection_time`` (``2026-11-03T10:30``; ``2026-11-03`` when only the day is written; the
start of a range ``10时30分至12时``), ``findings`` (the numbered items of 检查情况, or the
whole paragraph as one item when it is not numbered).  ``authority``: the bureau that inspected
(title area or 落款, :mod:`parsers.authority`).  The inspected unit and its code are
``enterprises``.
"""

from __future__ import annotations

import re

from parsers.authority import find_authority
from parsers.base import Document, Found, ParsedDocument
from parsers.fields import (
    ADDRESS_LABELS,
    INSPECTION_TIME_LABELS,
    LEGAL_REPRESENTATIVE_LABELS,
    PLACE_LABELS,
    add_enterprises,
    find_label_value,
    find_list,
    iso_minute,
    looks_like_person,
    parse_chinese_date,
    parse_chinese_datetime,
    put_doc_numbers,
    put_found,
    title_reason,
    value_after_label,
)

NAME = "inspection_record"
KIND = "inspection_record"
TITLES = ("安全生产现场检查记录", "现场检查记录", "检查记录")
FIELDS = (
    "doc_number",
    "doc_number_raw",
    "references",
    "authority",
    "address",
    "legal_representative",
    "inspection_place",
    "inspection_time",
    "findings",
)
UNIT_LABELS = ("被检查单位名称", "被检查单位", "单位名称", "企业名称", "生产经营单位")
FINDINGS_LABELS = (
    "检查情况",
    "现场检查情况",
    "检查发现的问题",
    "检查发现",
    "发现问题",
    "发现的问题",
    "存在问题",
    "存在的问题",
    "检查内容及发现的问题",
)
# Prose instead of a label: 经检查，发现以下问题：
FINDINGS_PROSE = re.compile(r"(?:发现|存在)(?:以下|下列|如下)(?:问题|事故隐患|隐患|情况)[:]?")


def accepts(doc: Document) -> str | None:
    return title_reason(doc, TITLES)


def _inspection_time(doc: Document) -> Found | None:
    found = value_after_label(doc, INSPECTION_TIME_LABELS, length=40)
    if found is None:
        return None
    moment = parse_chinese_datetime(found.value) or parse_chinese_date(found.value)
    if moment is None:
        return None
    return Found(iso_minute(moment), found.line, found.source)


def parse(doc: Document) -> ParsedDocument:
    parsed = ParsedDocument(kind=KIND, parser=NAME, reason=accepts(doc) or "")
    put_doc_numbers(parsed, doc)
    add_enterprises(parsed, doc, UNIT_LABELS)
    put_found(parsed, "address", find_label_value(doc, ADDRESS_LABELS))
    put_found(
        parsed,
        "legal_representative",
        find_label_value(doc, LEGAL_REPRESENTATIVE_LABELS, accept=looks_like_person),
    )
    put_found(parsed, "inspection_place", find_label_value(doc, PLACE_LABELS))
    put_found(parsed, "inspection_time", _inspection_time(doc))
    put_found(parsed, "findings", find_list(doc, FINDINGS_LABELS, prose=FINDINGS_PROSE))
    put_found(parsed, "authority", find_authority(doc))
    return parsed
