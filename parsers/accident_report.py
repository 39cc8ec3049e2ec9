"""事故调查报告 (accident investigation report): the accident it investigates, and its finding.

Fields: ``accident_date``, ``deaths``, ``serious_injuries``, ``direct_loss_yuan``,
``accident_description``, ``concealed`` and ``accident_liable`` (``责任事故`` / ``非责任事故``:
the report's 事故性质) — see :mod:`parsers.fields.accidents`; ``doc_number`` when the report
carries one; ``document_date`` (the 落款 date, ISO); ``authority`` (the bureau or government
that issued it, :mod:`parsers.authority`).  The unit where the accident happened (事故发生单位)
and its code are ``enterprises``.
"""

from __future__ import annotations

from parsers.authority import find_authority
from parsers.base import Document, ParsedDocument
from parsers.fields import (
    add_enterprises,
    find_signature_date,
    put_doc_numbers,
    put_found,
    title_reason,
)
from parsers.fields.accidents import put_accident

NAME = "accident_report"
KIND = "accident_report"
TITLES = ("事故调查报告", "事故调查处理报告", "事故调查结案报告")
FIELDS = (
    "doc_number",
    "doc_number_raw",
    "references",
    "authority",
    "document_date",
    "accident_date",
    "deaths",
    "serious_injuries",
    "direct_loss_yuan",
    "accident_description",
    "concealed",
    "accident_liable",
)
UNIT_LABELS = (
    "事故发生单位名称",
    "事故发生单位",
    "单位名称",
    "企业名称",
    "生产经营单位",
)


def accepts(doc: Document) -> str | None:
    return title_reason(doc, TITLES)


def parse(doc: Document) -> ParsedDocument:
    parsed = ParsedDocument(kind=KIND, parser=NAME, reason=accepts(doc) or "")
    put_doc_numbers(parsed, doc)
    add_enterprises(parsed, doc, UNIT_LABELS, addressee=False)
    put_accident(parsed, doc, findings=True)
    put_found(parsed, "document_date", find_signature_date(doc), lambda value: value.isoformat())
    put_found(parsed, "authority", find_authority(doc))
    return parsed
