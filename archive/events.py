"""Event types and how each one changes the index.

Every change to the archive is an event in the journal; the index is what you get by
applying them in order.  Each event type is declared once, by the module that owns the
tables it changes, with :func:`event`: its reducer, its label for people and its one-line
summary for ``audit log``::

    @event("enterprise.closed", label=N_("注销"), summary=lambda data: ...)
    def _closed(index, entry): ...

:func:`apply` looks the reducer up.  The modules that declare event types are listed in
:data:`DOMAINS` by name — the one place the bottom layer names a domain module, and only
as a string, the way a plugin list does — so replaying never depends on what happened to
be imported.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from archive.errors import ArchiveError
from archive.i18n import _
from archive.index import Index

Reducer = Callable[[Index, dict[str, Any]], None]
Summary = Callable[[dict[str, Any]], str]

# Modules that declare event types (and add to an enterprise's dossier), in no particular
# order: each owns its types.  A new domain module adds its name here.
DOMAINS = (
    "archive.store",
    "archive.enterprises",
    "archive.letters.issue",
    "archive.letters.returns",
    "archive.rectifications",
    "archive.accidents",
    "archive.interviews",
    "archive.ingest",
    "archive.records",
    "archive.monthly",
    "archive.blacklist",
    "archive.standing",
    "archive.penalties",
    "archive.publish",
)


def code_summary(data: dict[str, Any]) -> str:
    """The summary of an event about one enterprise: its credit code."""
    return str(data.get("credit_code") or "")


@dataclass(frozen=True)
class EventType:
    """One kind of event: how it changes the index and how people see it."""

    name: str
    reducer: Reducer
    label: str  # the Chinese label, marked with N_() where it is declared
    summary: Summary = code_summary


_TYPES: dict[str, EventType] = {}
_loaded = False


def event(
    name: str, *, label: str, summary: Summary = code_summary
) -> Callable[[Reducer], Reducer]:
    """Declare the event type ``name`` with ``function(index, entry)`` as its reducer."""

    def register(function: Reducer) -> Reducer:
        if name in _TYPES:
            raise RuntimeError(f"two declarations of {name}")
        _TYPES[name] = EventType(name, function, label, summary)
        return function

    return register


def load() -> None:
    """Import every domain module, so that every event type is declared."""
    global _loaded
    if not _loaded:
        for module in DOMAINS:
            importlib.import_module(module)
        _loaded = True


def known_types() -> list[str]:
    load()
    return sorted(_TYPES)


def event_type(name: str) -> EventType | None:
    load()
    return _TYPES.get(name)


def label(name: str) -> str:
    """The translated label of an event type (the type itself when it has none)."""
    found = event_type(name)
    return _(found.label) if found else name


def summarise(entry: dict[str, Any]) -> str:
    """One short line saying what an event did."""
    found = event_type(entry.get("type", ""))
    if found is None:
        return code_summary(entry.get("data", {}))
    return found.summary(entry.get("data", {}))


def apply(index: Index, entry: dict[str, Any]) -> None:
    """Apply one journal entry to ``index``."""
    found = event_type(entry.get("type", ""))
    if found is None:
        raise ArchiveError(
            _(
                "日志第 {seq} 条的事件类型 {type} 本版本不认识",
                seq=entry.get("seq"),
                type=entry.get("type"),
            ),
            _("该档案可能由更新版本的 credit 写入：请升级 credit"),
        )
    found.reducer(index, entry)
