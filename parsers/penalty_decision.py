"""行政处罚决定书 (administrative penalty decision): see :mod:`parsers.penalty`.

Never takes a 不予行政处罚决定书 (whose title contains 行政处罚决定书): that is
:mod:`parsers.no_penalty_decision`, and is excluded here as well as ordered first.
"""

from __future__ import annotations

from parsers.base import Document, ParsedDocument
from parsers.penalty import DECISION, FIELDS

NAME = DECISION.name
KIND = DECISION.kind
TITLES = DECISION.titles
__all__ = ["FIELDS", "KIND", "NAME", "TITLES", "accepts", "parse"]


def accepts(doc: Document) -> str | None:
    return DECISION.accepts(doc)


def parse(doc: Document) -> ParsedDocument:
    return DECISION.parse(doc)
