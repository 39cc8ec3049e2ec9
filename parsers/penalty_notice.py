"""行政处罚告知书 (notice of an intended penalty; also 听证告知书): see :mod:`parsers.penalty`.

``fine_yuan`` is the intended fine (拟…罚款).
"""

from __future__ import annotations

from parsers.base import Document, ParsedDocument
from parsers.penalty import FIELDS, NOTICE

NAME = NOTICE.name
KIND = NOTICE.kind
TITLES = NOTICE.titles
__all__ = ["FIELDS", "KIND", "NAME", "TITLES", "accepts", "parse"]


def accepts(doc: Document) -> str | None:
    return NOTICE.accepts(doc)


def parse(doc: Document) -> ParsedDocument:
    return NOTICE.parse(doc)
