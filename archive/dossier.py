"""An enterprise's dossier: what ``credit enterprise show`` tells about one enterprise.

The view composes it from what each domain offers: the enterprises module gives the register
record and its history, and every other domain module registers the key it adds with
:func:`section` (letters, documents, open rectifications, commitments …).  So the view knows
no domain, and no domain knows another's part of the dossier::

    @dossier.section("letters", order=10)
    def _letters(archive, code):
        return letters_for(archive, code)

The domain modules are found through :data:`archive.events.DOMAINS`, like their events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from archive import events
from archive.errors import CreditError

if TYPE_CHECKING:
    from archive.store import Archive

Part = Callable[["Archive", str], Any]
# The register record: the one part every dossier starts from (NotFound when there is none).
Record = Callable[["Archive", str], dict[str, Any]]


@dataclass(frozen=True)
class Section:
    key: str
    order: int
    part: Part


_SECTIONS: dict[str, Section] = {}
_record: list[Record] = []
Full = Callable[["Archive", Any], Any]
_FULL: dict[str, Full] = {}


def full(key: str) -> Callable[[Full], Full]:
    """Register ``function(archive, part)`` giving the part under ``key`` with what the index
    leaves to the journal (``enterprise show --full``)."""

    def register(function: Full) -> Full:
        if key in _FULL:
            raise RuntimeError(f"two full forms for {key}")
        _FULL[key] = function
        return function

    return register


def record(function: Record) -> Record:
    """Register the function giving the register record of an enterprise (the enterprises
    module does, once)."""
    if _record:
        raise RuntimeError("two register records for the dossier")
    _record.append(function)
    return function


def section(key: str, *, order: int) -> Callable[[Part], Part]:
    """Register ``function(archive, code)`` as the part of the dossier under ``key``;
    parts follow the record in ascending ``order``."""

    def register(function: Part) -> Part:
        if key in _SECTIONS:
            raise RuntimeError(f"two dossier sections for {key}")
        _SECTIONS[key] = Section(key, order, function)
        return function

    return register


def enterprise_detail(archive: Archive, code: str, *, full: bool = False) -> dict[str, Any]:
    """Everything the archive holds about one enterprise: register fields, status, history,
    and what every domain adds (``NotFound`` when the register does not know ``code``).
    ``full``: each part also with what its index entries leave to the journal."""
    events.load()
    (get_record,) = _record
    detail = get_record(archive, code)
    found = detail["credit_code"]
    for item in sorted(_SECTIONS.values(), key=lambda item: (item.order, item.key)):
        try:
            detail[item.key] = item.part(archive, found)
        except CreditError as exc:
            # One part that cannot be worked out (a holidays.toml with a mistake, a year the
            # calendar lacks) does not hide the rest of the dossier: the part is left out and
            # the reason is a warning the command prints.
            detail[item.key] = None
            if exc.message not in archive.warnings:
                archive.warnings.append(exc.message)
            continue
        if full and item.key in _FULL:  # (what the journal cannot give stays as indexed)
            detail[item.key] = _FULL[item.key](archive, detail[item.key])
    return detail
