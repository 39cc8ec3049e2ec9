"""The index: a TinyDB view of the journal, for fast look-ups.

``index.json`` is in TinyDB's format (``{"table": {"doc_id": {...}}}``), UTF-8 with
``ensure_ascii=False``.  Tables are keyed by what users look up — enterprises by credit code —
so every table uses :class:`KeyedTable` (string document ids); open the file only through
:func:`open_db`, since a plain ``TinyDB`` would try ``int()`` on a code.

TinyDB writes the whole file on every change and has no locking, so TinyDB here only ever
talks to :class:`MemoryStorage`; the archive loads and saves the file itself, once per
command or batch, atomically, under its lock (:mod:`archive.store`).

The ``_meta`` table remembers the last journal sequence the index contains, the hash of
that event and the journal offset after it, so a newer journal tail can be replayed.

``index.head.json`` beside it says which ``index.json`` credit wrote last: the file's SHA-256
(of the bytes written anyway, so it costs nothing to read) and its identity — inode, size and
mtime — plus the one before it (a write is cut off between the two files by a crash)::

    {"index":[{"inode":…,"mtime_ns":…,"sha256":"…","size":…}, {…the file before…}],"schema":1}

Opening the archive compares only the identity; the content is hashed only when that changed
(a restored backup, a copy, a hand edit).  An index.json that is not one credit wrote is never
trusted: the archive rebuilds the index from the journal instead (:mod:`archive.store`).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from archive.journal import GENESIS

SCHEMA = 1
META_TABLE = "_meta"
META_ID = "index"


class KeyedTable(Table):
    """A TinyDB table whose document ids are strings (credit codes, SHA-256 …)."""

    document_id_class = str

    def _get_next_id(self) -> str:  # pragma: no cover - guarded by a clear error
        raise TypeError("KeyedTable needs an explicit doc_id: use put()")

    def put(self, key: str, record: dict[str, Any]) -> None:
        """Insert or replace the record stored under ``key``.

        Written straight into the table's dict: TinyDB's own ``upsert`` copies the whole
        table on every call, which makes replaying 10,000 events quadratic.
        """
        self._storage.read().setdefault(self.name, {})[key] = record
        self.clear_cache()

    def delete(self, key: str) -> None:
        """Remove the record under ``key`` if there is one."""
        self._storage.read().get(self.name, {}).pop(key, None)
        self.clear_cache()

    def record(self, key: str) -> dict[str, Any] | None:
        """The record stored under ``key`` (the live dict: copy before changing it)."""
        return self._storage.read().get(self.name, {}).get(key)

    def ids(self) -> list[str]:
        """The keys of all records (not `keys()`: iterating a table yields documents)."""
        return list(self._storage.read().get(self.name, {}))


class MemoryStorage(Storage):
    """Holds the index in memory; the archive decides when it reaches the disk."""

    def __init__(self, data: dict[str, Any] | None = None):
        self.data: dict[str, Any] = data if data is not None else {}

    def read(self) -> dict[str, Any]:
        return self.data

    def write(self, data: dict[str, Any]) -> None:
        self.data = data


class Index:
    """The in-memory index of one archive, with its position in the journal."""

    def __init__(self, data: dict[str, Any] | None = None):
        self.storage = MemoryStorage(data)
        self.db = TinyDB(storage=lambda: self.storage)
        self.db.table_class = KeyedTable
        meta = self.table(META_TABLE).get(doc_id=META_ID)
        self.meta: dict[str, Any] = dict(meta) if meta else {}
        self.meta.setdefault("schema", SCHEMA)
        self.meta.setdefault("last_seq", 0)
        self.meta.setdefault("head_hash", GENESIS)
        self.meta.setdefault("journal_offset", 0)

    def table(self, name: str) -> KeyedTable:
        table = self.db.table(name, cache_size=0)
        assert isinstance(table, KeyedTable)
        return table

    @property
    def last_seq(self) -> int:
        return int(self.meta["last_seq"])

    @property
    def head_hash(self) -> str:
        return str(self.meta["head_hash"])

    @property
    def journal_offset(self) -> int:
        return int(self.meta["journal_offset"])

    def advance(self, seq: int, head_hash: str, journal_offset: int) -> None:
        self.meta.update(last_seq=seq, head_hash=head_hash, journal_offset=journal_offset)

    def to_bytes(self) -> bytes:
        """Deterministic bytes of the whole index (reindex twice → identical files)."""
        self.table(META_TABLE).put(META_ID, self.meta)
        return dumps(self.storage.read())


def loads(data: bytes) -> Any:
    """Parse index JSON: orjson when installed (3–4× faster on a 75 MB index), else json."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency; json is the fallback
        return json.loads(data.decode("utf-8"))
    return orjson.loads(data)


def dumps(value: Any) -> bytes:
    """Serialise the index deterministically: sorted keys, UTF-8, no spaces."""
    try:
        import orjson
    except ImportError:  # pragma: no cover
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
            "utf-8"
        )
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def load_index(path: Path) -> Index:
    """Read ``index.json``; raises ``ValueError`` (or ``OSError``) when it is unusable."""
    with open(path, "rb") as handle:
        return parse_index(handle.read())


def parse_index(raw: bytes) -> Index:
    """The index in ``raw`` (the bytes of an index.json); ``ValueError`` when it is unusable."""
    data = loads(raw)
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ValueError("index.json is not a TinyDB document")
    index = Index(data)
    if index.meta.get("schema") != SCHEMA:
        raise ValueError(f"index schema {index.meta.get('schema')} is not {SCHEMA}")
    meta = index.meta
    if not (
        isinstance(meta["last_seq"], int)
        and isinstance(meta["journal_offset"], int)
        and isinstance(meta["head_hash"], str)
    ):
        raise ValueError("index _meta has values of the wrong type")
    return index


def open_db(path: Path) -> TinyDB:
    """Open ``index.json`` read-only with TinyDB itself (for admins' scripts)."""
    index = load_index(path)
    return index.db


# -- which index.json credit wrote (index.head.json) ---------------------------------------------

HEAD_SCHEMA = 1
Signature = tuple[int, int, int]  # (inode, size, mtime in ns) of a file


@dataclass(frozen=True)
class Stamp:
    """One index.json as credit wrote it: the SHA-256 of its bytes and the file's identity."""

    sha256: str
    size: int
    inode: int
    mtime_ns: int

    @property
    def signature(self) -> Signature:
        return (self.inode, self.size, self.mtime_ns)


def signature(stat: os.stat_result) -> Signature:
    """A file's identity: replaced, rewritten or touched, it changes."""
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stamp(data: bytes, stat: os.stat_result) -> Stamp:
    """The stamp of a file written with ``data`` whose ``stat`` is given."""
    return Stamp(digest(data), stat.st_size, stat.st_ino, stat.st_mtime_ns)


def read_stamps(path: Path) -> list[Stamp] | None:
    """The stamps in the head file at ``path``, newest first; ``None`` when there is none usable."""
    try:
        data = json.loads(path.read_bytes())
        if data.get("schema") != HEAD_SCHEMA:
            return None
        return [
            Stamp(str(item["sha256"]), int(item["size"]), int(item["inode"]), int(item["mtime_ns"]))
            for item in data["index"]
        ]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def stamps_bytes(stamps: list[Stamp]) -> bytes:
    """The head file's content for ``stamps`` (newest first)."""
    return dumps({"schema": HEAD_SCHEMA, "index": [asdict(item) for item in stamps]})
