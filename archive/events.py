"""Event types and how each one changes the index.

Every change to the archive is an event in the journal; the index is what you get by
applying them in order.  Domain modules register a reducer per event type with
:func:`reducer`; :func:`apply` looks it up.  The list of modules that hold reducers is
explicit, so replaying never depends on what happened to be imported.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from archive.errors import ArchiveError
from archive.i18n import _
from archive.index import Index

Reducer = Callable[[Index, dict[str, Any]], None]

_REDUCERS: dict[str, Reducer] = {}
# Modules whose reducers make up the index, in no particular order (each owns its types).
REDUCER_MODULES = (
    "archive.store",
    "archive.enterprises",
    "archive.letters.issue",
    "archive.ingest",
)
_loaded = False


def reducer(event_type: str) -> Callable[[Reducer], Reducer]:
    """Register ``function(index, entry)`` as the reducer of ``event_type``."""

    def register(function: Reducer) -> Reducer:
        if event_type in _REDUCERS:
            raise RuntimeError(f"two reducers for {event_type}")
        _REDUCERS[event_type] = function
        return function

    return register


def _load() -> None:
    global _loaded
    if not _loaded:
        for name in REDUCER_MODULES:
            importlib.import_module(name)
        _loaded = True


def known_types() -> list[str]:
    _load()
    return sorted(_REDUCERS)


def apply(index: Index, entry: dict[str, Any]) -> None:
    """Apply one journal entry to ``index``."""
    _load()
    function = _REDUCERS.get(entry.get("type", ""))
    if function is None:
        raise ArchiveError(
            _(
                "日志第 {seq} 条的事件类型 {type} 本版本不认识",
                seq=entry.get("seq"),
                type=entry.get("type"),
            ),
            _("该档案可能由更新版本的 credit 写入：请升级 credit"),
        )
    function(index, entry)
