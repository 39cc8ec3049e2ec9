"""不予行政处罚决定书 (decision not to impose a penalty): see :mod:`parsers.penalty`.

Same fields as a penalty decision except ``fine_yuan``, which a decision not to punish
never has (amounts in it are the law's, not a fine).
"""

from __future__ import annotations

from parsers.base import Document, ParsedDocument
from parsers.penalty import FIELDS as PENALTY_FIELDS
from parsers.penalty import NO_PENALTY

NAME = NO_PENALTY.name
KIND = NO_PENALTY.kind
TITLES = NO_PENALTY.titles
FIELDS = tuple(name for name in PENALTY_FIELDS if name != "fine_yuan")
__all__ = ["FIELDS", "KIND", "NAME", "TITLES", "accepts", "parse"]


def accepts(doc: Document) -> str | None:
    return NO_PENALTY.accepts(doc)


def parse(doc: Document) -> ParsedDocument:
    return NO_PENALTY.parse(doc)
