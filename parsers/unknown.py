"""Any document no other parser takes (kind ``unknown``), last in the registry.

It still looks for the enterprises the document names (labelled names, the addressee,
credit codes) and its own 文号, so that an archived unknown document can be linked to its
enterprise.  Fields: ``doc_number``.
"""

from __future__ import annotations

from archive.i18n import _
from parsers.base import Document, ParsedDocument
from parsers.fields import UNIT_LABELS, add_enterprises, put_doc_numbers

NAME = "unknown"
KIND = "unknown"
FIELDS = (
    "doc_number",
    "doc_number_raw",
    "references",
)


def accepts(doc: Document) -> str | None:
    return _("没有其他解析器认出这份文书")


def parse(doc: Document) -> ParsedDocument:
    parsed = ParsedDocument(kind=KIND, parser=NAME, reason=accepts(doc) or "")
    put_doc_numbers(parsed, doc)
    add_enterprises(parsed, doc, UNIT_LABELS)
    return parsed
