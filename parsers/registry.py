"""The ordered list of parsers, and the two entry points ingest uses.

:func:`parse_document` asks each parser in :data:`PARSERS` in turn whether it accepts the
document; the first that gives a reason parses it.  The order is the rule when titles
overlap, most specific first:

1. Our own forms (commitment letter, monthly report, section submission) come first: they
   are recognised by their title together with the serial this tool wrote (in the document
   properties or printed) or, for the two forms, enough of their labels, which is surer than
   a title alone; and a returned letter may quote enforcement document titles in its text.
   A commitment letter on an enterprise's own template has no serial: its title decides.
2. ``penalty_publicity`` before the decisions: a publicity title (行政处罚决定信息公示) names
   the decision it publishes, and a summary opening ``近日…作出行政处罚`` has no title at all.
3. ``no_penalty_decision`` before ``penalty_decision``: 不予行政处罚决定书 contains
   行政处罚决定书.  (penalty_decision also excludes it, so the order is a second guard.)
4. ``penalty_decision`` before ``penalty_notice``: a decision quotes the notice it follows
   (…于…送达了《行政处罚告知书》), though only titles in the first lines count.
5. ``reinspection_opinion`` before ``rectification_order``: a 复查意见书 names the
   整改指令书 it follows up.
6. ``rectification_order`` before ``inspection_record``: an order refers to the
   检查记录 and 检查 is in both titles.
7. ``accident_report`` after the penalty documents and before the inspection documents: a
   decision about an accident quotes the 《…事故调查报告》 (quoted titles do not count, and
   its own title comes first), and a report may name the orders and records it read.
8. ``unknown`` last: it accepts everything.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from parsers import (
    accident_report,
    commitment_letter,
    inspection_record,
    monthly_report,
    no_penalty_decision,
    penalty_decision,
    penalty_notice,
    penalty_publicity,
    rectification_order,
    reinspection_opinion,
    section_submission,
    unknown,
)
from parsers.base import Document, ParsedDocument
from parsers.text import load_document, pdf_tables

__all__ = ["PARSERS", "parse_document", "parse_path"]

# In the order the module docstring gives, with the reason for each place.
PARSERS: list[ModuleType] = [
    commitment_letter,
    monthly_report,
    section_submission,
    penalty_publicity,
    no_penalty_decision,
    penalty_decision,
    penalty_notice,
    accident_report,
    reinspection_opinion,
    rectification_order,
    inspection_record,
    unknown,
]


def parse_document(doc: Document) -> ParsedDocument:
    """The first parser that accepts ``doc`` parses it (``unknown`` takes anything)."""
    for parser in PARSERS:
        reason = parser.accepts(doc)
        if reason:
            parsed = parser.parse(doc)
            if not parsed.reason:
                parsed.reason = reason
            return parsed
    raise AssertionError("the unknown parser accepts every document")  # pragma: no cover


def parse_path(path: str | Path, *, max_pages: int = 200) -> ParsedDocument:
    """Load and parse one file (what a worker process runs); raises ParseError.

    A PDF whose text names no enterprise is looked at again with pdfplumber's table cells,
    which recovers label/value tables that plain text runs together.
    """
    doc = load_document(path, max_pages=max_pages)
    parsed = parse_document(doc)
    if doc.media == "pdf" and not any(enterprise.name for enterprise in parsed.enterprises):
        doc.tables = pdf_tables(doc.path)
        if doc.tables:
            again = parse_document(doc)
            if any(enterprise.name for enterprise in again.enterprises):
                return again
    # A commitment letter whose signature is a table (labels over their values, a label cell
    # beside its value): the cells, read again, may hold the signer and date the text runs together.
    if doc.media == "pdf" and parsed.kind == "commitment_letter" and parsed.get("signed") is False:
        if not doc.tables:
            doc.tables = pdf_tables(doc.path)
        if doc.tables:
            again = parse_document(doc)
            if again.get("signed"):
                return again
    return parsed
