"""The index: a TinyDB view of the journal, kept as a folder of parts.

::

    <archive>/index/
      head.json                      the journal position and each part's SHA-256
      parts/<part>.<sha16>.json      one part, in TinyDB's table format ({key: record})

Tables are keyed by what users look up — enterprises by credit code, documents by SHA-256 —
so every table is a :class:`KeyedTable` (string document ids).  A small table is one part,
named after it (``enterprises``).  A table that grows with the years is split into **slices**
(:data:`SLICED`): ``documents~3f`` holds the documents of the enterprises whose code falls in
bucket ``3f`` (one of 256), so ``enterprise show`` reads one slice, not 300,000 documents.
Where the slice follows from the record rather than the key, a **locator** split by the key's
bucket (``documents@a7``: SHA-256 → slice) finds a record by its key alone; the documents'
locator is also the compact hash list duplicate detection reads.

Parts are read only when a command touches them (:class:`Index` loads lazily) and every part
read is checked against the SHA-256 the head gives for it.  A part's file name carries its
hash, so a write never changes a file a reader may be reading: a transaction writes the parts
whose content changed as new files, then replaces ``head.json`` (the one commit point), then
removes files no head names any more (after an hour, so a reader of the previous head still
finds them).  A crash anywhere before the head is replaced leaves the previous head and its
files intact; the journal's newer lines are replayed on the next open.

TinyDB here only ever talks to :class:`PartStorage`; the archive decides what reaches the disk
(:mod:`archive.store`).  The head also records the last journal sequence the index contains,
the hash of that event and the journal offset after it, so a newer journal tail is replayed.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from archive.i18n import _
from archive.journal import GENESIS

SCHEMA = 2
INDEX_DIR = "index"
HEAD_FILE = "head.json"
PARTS_DIR = "parts"
SLICE_MARK = "~"  # documents~3f: a slice of a table
LOCATOR_MARK = "@"  # documents@a7: which slice holds each key of one key bucket


def bucket(text: str) -> str:
    """One of 256 buckets (two hex digits) for ``text``: the same on every machine and run."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=1).hexdigest()


def _first_code(record: dict[str, Any]) -> str:
    codes = record.get("credit_codes") or ()
    return str(codes[0] if codes else record.get("section") or "")


def _period_year(record: dict[str, Any]) -> str:
    """``2026-3``: the year a monthly submission reports on and the first digit of its owner's
    bucket (``none-3`` when it names no period)."""
    period = str(record.get("period") or "")
    year = period[:4] if len(period) >= 4 and period[:4].isdigit() else "none"
    return f"{year}-{owner_bucket(str(record.get('owner') or ''))}"


def owner_bucket(owner: str) -> str:
    """One of 16 buckets for the owner of a monthly submission (a credit code or a section)."""
    return bucket(owner)[0]


@dataclass(frozen=True)
class Slicing:
    """How a table is split: by its key alone, or by its record (then a locator finds a key)."""

    of_key: Callable[[str], str] | None = None
    of_record: Callable[[dict[str, Any]], str] | None = None


# The tables that grow with the years, and how each is split.  Documents and letters by the
# bucket of the enterprise they belong to (``enterprise show`` reads one slice of each); the
# enterprises' histories likewise; the monthly submissions' summaries by the year they report on
# and a sixteenth of their owners (``monthly-check`` reads the years around one month, an
# enterprise's monthly history one sixteenth of them).  Every other table is one part.
SLICED: dict[str, Slicing] = {
    "documents": Slicing(of_record=lambda record: bucket(_first_code(record))),
    "letters": Slicing(of_record=lambda record: bucket(str(record.get("credit_code") or ""))),
    "enterprise_log": Slicing(of_key=bucket),
    "submissions": Slicing(of_record=_period_year),
    "issued_copies": Slicing(of_key=bucket),
    "letter_files": Slicing(of_key=bucket),
    "letter_keys": Slicing(of_key=bucket),  # a letter's key (enterprise, template, year) → serial
    "rectifications": Slicing(of_key=lambda key: bucket(key.partition("|")[0])),  # code|order
}


# Tables whose records a rebuild holds as their JSON bytes between events (a document takes a
# third of the memory that way): reindexing 300,000 documents stays well under 1 GB.
FROZEN_TABLES = frozenset({"documents", "submissions", "letters"})


# How tables are split, as the head records it: a head written with another split (another
# version of credit) is not read part by part but rebuilt.  Bump LAYOUT_VERSION when a slicing
# function changes without the set of sliced tables changing.
LAYOUT_VERSION = 1
LAYOUT = f"{LAYOUT_VERSION}:" + ",".join(sorted(SLICED))


def _misplaced(part: str, record: dict[str, Any]) -> bool:
    """Whether ``record``, held in ``part``, belongs to another slice (a reducer changed what
    decides its slice in place)."""
    slicing = SLICED.get(table_of(part))
    if slicing is None or slicing.of_record is None or SLICE_MARK not in part:
        return False
    return slicing.of_record(record) != part.split(SLICE_MARK, 1)[1]


def slice_name(table: str, part: str) -> str:
    return f"{table}{SLICE_MARK}{part}"


def locator_name(table: str, key: str) -> str:
    return f"{table}{LOCATOR_MARK}{bucket(key)}"


def table_of(part: str) -> str:
    """The table a part belongs to (``documents~3f`` → ``documents``)."""
    for mark in (SLICE_MARK, LOCATOR_MARK):
        if mark in part:
            return part.split(mark, 1)[0]
    return part


class PartBad(Exception):
    """A part the head names could not be used (missing, damaged, or not what the head says)."""

    def __init__(self, part: str, reason: str, error: BaseException | None = None):
        super().__init__(part, reason)
        self.part = part
        self.reason = reason  # missing, unreadable, altered or damaged
        self.error = error


class PartSource:
    """The parts of one head on disk: reads one part at a time, checked against its hash."""

    def __init__(self, folder: Path, parts: dict[str, str], *, verify: bool = True):
        self.folder = folder
        self.parts = parts  # part name → SHA-256 of its file
        # verify=False (audit): a part whose content is not what the head says is still read,
        # and named in ``altered``, so that its records can be compared with the journal's
        self.verify = verify
        self.altered: list[str] = []

    def names(self) -> Iterator[str]:
        return iter(self.parts)

    @functools.cached_property
    def by_table(self) -> dict[str, list[str]]:
        """The part names of each table (worked out once)."""
        found: dict[str, list[str]] = {}
        for part in self.parts:
            found.setdefault(table_of(part), []).append(part)
        return found

    def load(self, part: str) -> tuple[dict[str, Any], str]:
        """The records of ``part`` and its hash; ``PartBad`` when it cannot be trusted."""
        expected = self.parts[part]
        path = self.folder / part_file(part, expected)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise PartBad(part, "missing") from None
        except OSError as exc:
            raise PartBad(part, "unreadable", exc) from exc
        altered = digest(raw) != expected
        try:
            data = loads(raw)
        except (ValueError, TypeError, RecursionError) as exc:
            raise PartBad(part, "damaged", exc) from exc  # (cut short, garbage: not an edit)
        if altered:
            if self.verify:
                raise PartBad(part, "altered")
            self.altered.append(part)
        kind = str if LOCATOR_MARK in part else dict  # a locator maps keys to slice names
        if not isinstance(data, dict) or not all(isinstance(v, kind) for v in data.values()):
            raise PartBad(part, "damaged")
        return data, expected


def part_file(part: str, sha256: str) -> str:
    """The file name of ``part`` with content ``sha256`` (content-addressed: never rewritten)."""
    return f"{part}.{sha256[:16]}.json"


class KeyedTable(Table):
    """A TinyDB table whose document ids are strings (credit codes, SHA-256 …).

    Reads through TinyDB's own methods (iteration, ``all``, ``search``, ``len``) see the whole
    table; :meth:`record`, :meth:`put`, :meth:`delete` and :meth:`ids` touch only the parts they
    need.
    """

    document_id_class = str

    def _get_next_id(self) -> str:  # pragma: no cover - guarded by a clear error
        raise TypeError("KeyedTable needs an explicit doc_id: use put()")

    @property
    def _index(self) -> Index:
        storage = self._storage
        assert isinstance(storage, PartStorage)
        return storage.index

    def put(self, key: str, record: dict[str, Any]) -> None:
        """Insert or replace the record stored under ``key`` (only its part is touched)."""
        self._index.put(self.name, key, record)
        self.clear_cache()

    def delete(self, key: str) -> None:
        """Remove the record under ``key`` if there is one."""
        self._index.delete(self.name, key)
        self.clear_cache()

    def record(self, key: str) -> dict[str, Any] | None:
        """The record stored under ``key`` (the live dict: copy before changing it)."""
        return self._index.get(self.name, key)

    def ids(self) -> list[str]:
        """The keys of all records (not `keys()`: iterating a table yields documents)."""
        return self._index.ids(self.name)

    def has(self, key: str) -> bool:
        """Whether a record is stored under ``key`` (a sliced table's locator alone is read)."""
        return self._index.has(self.name, key)

    def whole_records(self) -> Iterator[dict[str, Any]]:
        """Every record of the table (all its parts), live."""
        return iter(self._index.whole(self.name).values())

    def in_slices(self, slices: list[str]) -> dict[str, dict[str, Any]]:
        """The records of the given slices of a sliced table (key → live record)."""
        return self._index.in_slices(self.name, slices)


class PartStorage(Storage):
    """TinyDB's storage: the index's parts, loaded as TinyDB reads them."""

    def __init__(self, index: Index):
        self.index = index

    def read(self) -> Mapping[str, dict[str, Any]]:
        return _Tables(self.index)

    def write(self, data: Any) -> None:  # pragma: no cover - KeyedTable writes through put()
        raise TypeError("the index is written through KeyedTable.put()")


class _Tables(Mapping[str, dict[str, Any]]):
    """The index's tables by name, each read (all its parts) only when asked for."""

    def __init__(self, index: Index):
        self._index = index

    def __getitem__(self, name: str) -> dict[str, Any]:
        if name not in self._index.table_names():
            raise KeyError(name)
        return self._index.whole(name)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._index.table_names()))

    def __len__(self) -> int:
        return len(self._index.table_names())


Repair = Callable[[PartBad], dict[str, Any]]


class Index:
    """The index of one archive, its parts read as they are needed, with its journal position.

    ``source`` is the head's parts on disk (``None``: an index built in memory only, as a
    rebuild is).  ``repair(problem)`` gives a part the head names but that cannot be used
    (missing, damaged, altered): the archive rebuilds it from the journal.
    """

    def __init__(
        self,
        source: PartSource | None = None,
        meta: dict[str, Any] | None = None,
        repair: Repair | None = None,
    ):
        self.source = source
        self.repair = repair
        self.parts: dict[str, dict[str, Any]] = {}
        self.read_digests: dict[str, str] = {}  # part → hash of the file it was read from
        # Parts whose live records were handed out or written since they were read: only
        # these can differ from their files (a part read for its keys alone cannot)
        self.exposed: set[str] = set()
        self.storage = PartStorage(self)
        self.db = TinyDB(storage=lambda: self.storage)
        self.db.table_class = KeyedTable
        # A rebuild sets ``freezing``: records of FROZEN_TABLES are then kept as JSON bytes
        # between events (:meth:`freeze`), read back into dicts as they are used.
        self.freezing = False
        self._thawed: list[tuple[str, str]] = []  # (part, key) made or read as dicts
        self._thawed_parts: set[str] = set()  # parts read whole as dicts
        self.meta: dict[str, Any] = dict(meta or {})
        self.meta.setdefault("last_seq", 0)
        self.meta.setdefault("head_hash", GENESIS)
        self.meta.setdefault("journal_offset", 0)

    # -- the journal position ----------------------------------------------------------------

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

    # -- parts -------------------------------------------------------------------------------

    def table(self, name: str) -> KeyedTable:
        table = self.db.table(name, cache_size=0)
        assert isinstance(table, KeyedTable)
        return table

    def part_names(self) -> set[str]:
        """Every part the index has: those on disk and those made in memory."""
        names = set(self.parts)
        if self.source is not None:
            names.update(self.source.names())
        return names

    def table_names(self) -> set[str]:
        names = {table_of(part) for part in self.parts}
        if self.source is not None:
            names.update(self.source.by_table)
        return names

    def _part(self, name: str, create: bool = False) -> dict[str, Any] | None:
        found = self.parts.get(name)
        if found is not None:
            return found
        if self.source is not None and name in self.source.parts:
            try:
                data, sha = self.source.load(name)
                self.read_digests[name] = sha
            except PartBad as bad:
                if self.repair is None:
                    raise
                data = self.repair(bad)  # not read from disk: written anew
            self.parts[name] = data
            return data
        if not create:
            return None
        self.parts[name] = {}
        return self.parts[name]

    def _parts_of(self, table: str) -> list[str]:
        prefix = (f"{table}{SLICE_MARK}", f"{table}{LOCATOR_MARK}")
        names = {part for part in self.parts if part == table or part.startswith(prefix)}
        if self.source is not None:
            names.update(self.source.by_table.get(table, ()))
        return sorted(names)

    def _slice_of(self, table: str, key: str) -> str | None:
        """The part holding ``key`` in the sliced ``table`` (``None``: no such key)."""
        slicing = SLICED[table]
        if slicing.of_key is not None:
            return slice_name(table, slicing.of_key(key))
        locator = self._part(locator_name(table, key))
        where = locator.get(key) if locator is not None else None
        return slice_name(table, where) if where is not None else None

    def has(self, table: str, key: str) -> bool:
        slicing = SLICED.get(table)
        if slicing is not None and slicing.of_record is not None:
            return self._slice_of(table, key) is not None
        return self.get(table, key) is not None

    def get(self, table: str, key: str) -> dict[str, Any] | None:
        part = self._slice_of(table, key) if table in SLICED else table
        records = self._part(part) if part is not None else None
        if records is None:
            return None
        record = records.get(key)
        if record is not None:
            assert part is not None
            self.exposed.add(part)
        if isinstance(record, bytes):  # frozen by a rebuild
            assert part is not None
            record = records[key] = loads(record)
            self._thawed.append((part, key))
        return record

    def _thaw(self, name: str) -> dict[str, Any] | None:
        """The part ``name`` with every record a dict (read whole)."""
        records = self._part(name)
        if records is not None:
            self.exposed.add(name)
        if records is not None and table_of(name) in FROZEN_TABLES:
            for key, record in records.items():
                if isinstance(record, bytes):
                    records[key] = loads(record)
            if self.freezing:
                self._thawed_parts.add(name)
        return records

    def freeze(self) -> None:
        """Keep the records of FROZEN_TABLES used since the last call as JSON bytes again (a
        rebuild calls it between events, when nothing holds a record), after moving any whose
        slice changed."""
        if not self.freezing:
            return
        pending = [
            *self._thawed,
            *((p, k) for p in self._thawed_parts for k in self.parts.get(p, {})),
        ]
        self._thawed, self._thawed_parts = [], set()
        while pending:
            part, key = pending.pop()
            records = self.parts.get(part)
            record = records.get(key) if records is not None else None
            if not isinstance(record, dict):
                continue
            assert records is not None
            if _misplaced(part, record):
                del records[key]
                self.put(table_of(part), key, record)
                pending.extend(self._thawed)
                self._thawed = []
                continue
            # (orjson's bytes keep the capacity it grew to, 4 KB and more: copied to size)
            records[key] = memoryview(dumps(record)).tobytes()

    def put(self, table: str, key: str, record: dict[str, Any]) -> None:
        slicing = SLICED.get(table)
        name = table
        if slicing is None:
            part = self._part(table, create=True)
        elif slicing.of_key is not None:
            name = slice_name(table, slicing.of_key(key))
            part = self._part(name, create=True)
        else:
            assert slicing.of_record is not None
            where = slicing.of_record(record)
            locator = self._part(locator_name(table, key), create=True)
            assert locator is not None
            before = locator.get(key)
            if before is not None and before != where:
                (self._part(slice_name(table, before)) or {}).pop(key, None)
                self.exposed.add(slice_name(table, before))
            locator[key] = where
            self.exposed.add(locator_name(table, key))
            name = slice_name(table, where)
            part = self._part(name, create=True)
        assert part is not None
        part[key] = record
        self.exposed.add(name)
        if self.freezing and table in FROZEN_TABLES:
            self._thawed.append((name, key))

    def delete(self, table: str, key: str) -> None:
        slicing = SLICED.get(table)
        if slicing is None:
            (self._part(table) or {}).pop(key, None)
            self.exposed.add(table)
            return
        part = self._slice_of(table, key)
        if part is not None:
            (self._part(part) or {}).pop(key, None)
            self.exposed.add(part)
        if slicing.of_record is not None:
            (self._part(locator_name(table, key)) or {}).pop(key, None)
            self.exposed.add(locator_name(table, key))

    def ids(self, table: str) -> list[str]:
        slicing = SLICED.get(table)
        if slicing is None:
            return list(self._part(table) or {})
        mark = LOCATOR_MARK if slicing.of_record is not None else SLICE_MARK
        keys: list[str] = []
        for part in self._parts_of(table):
            if mark in part:
                keys.extend(self._part(part) or {})
        return keys

    def whole(self, table: str) -> dict[str, Any]:
        """All records of ``table``: the live part itself, or a new dict of its slices' records."""
        if table not in SLICED:
            self._part(table, create=True)
            return self._thaw(table) or {}  # (exposed: the live part itself)
        merged: dict[str, Any] = {}
        for part in self._parts_of(table):
            if SLICE_MARK in part:
                merged.update(self._thaw(part) or {})
        return merged

    def in_slices(self, table: str, slices: list[str]) -> dict[str, dict[str, Any]]:
        merged: dict[str, Any] = {}
        for name in slices:
            merged.update(self._thaw(slice_name(table, name)) or {})
        return merged

    def load_all(self) -> None:
        """Read every part (audit, migration checks)."""
        for part in sorted(self.part_names()):
            self._part(part)

    # -- writing -----------------------------------------------------------------------------

    def settle(self) -> None:
        """Move records whose slice changed in place (a reducer edited the live record) to the
        slice they now belong to, so a slice holds exactly its records."""
        for part in sorted(self.parts):
            slicing = SLICED.get(table_of(part))
            if slicing is None or slicing.of_record is None or SLICE_MARK not in part:
                continue  # its records' keys alone decide where they are
            if part not in self.exposed and part in self.read_digests:
                continue  # as read from its file
            records = self.parts[part]
            moved = [
                key
                for key, record in records.items()
                if isinstance(record, dict) and _misplaced(part, record)
            ]  # (a frozen record was settled when it was frozen)
            for key in moved:
                self.put(table_of(part), key, records.pop(key))

    def changed_parts(self) -> Iterator[tuple[str, bytes | None]]:
        """The parts whose content differs from the file they were read from, one at a time,
        with the bytes to write (``None``: the part is now empty and goes).  Deterministic: the
        same records give the same bytes on every machine."""
        self.settle()
        on_disk = self.source.parts if self.source is not None else {}
        for part in sorted(self.parts):
            if part not in self.exposed and part in self.read_digests:
                continue  # no record of it handed out or written: as read from its file
            records = self.parts[part]
            if not records:
                if part in on_disk:
                    yield part, None
                continue
            data = dump_part(records)
            if self.read_digests.get(part) != digest(data) or part not in on_disk:
                yield part, data

    def head_parts(self, written: dict[str, str]) -> dict[str, str]:
        """The head's part → hash map after writing ``written`` (part → hash; removed parts
        are absent from the result)."""
        parts = dict(self.source.parts) if self.source is not None else {}
        for part, records in self.parts.items():
            if not records:
                parts.pop(part, None)
        parts.update(written)
        return dict(sorted(parts.items()))

    def all_parts(self) -> Iterator[tuple[str, bytes]]:
        """Every non-empty part in memory with its bytes, one at a time: what a rebuild writes."""
        self.settle()
        for part in sorted(self.parts):
            if self.parts[part]:
                yield part, dump_part(self.parts[part])


def loads(data: bytes) -> Any:
    """Parse index JSON: orjson when installed (3–4× faster on a big part), else json."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency; json is the fallback
        return json.loads(data.decode("utf-8"))
    return orjson.loads(data)


def dumps(value: Any) -> bytes:
    """Serialise deterministically: sorted keys, UTF-8, no spaces."""
    try:
        import orjson
    except ImportError:  # pragma: no cover
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
            "utf-8"
        )
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def dump_part(records: dict[str, Any]) -> bytes:
    """The bytes of one part: :func:`dumps`, with records frozen as JSON bytes put in as they
    are (the same bytes their dicts give)."""
    if not any(isinstance(record, bytes) for record in records.values()):
        return dumps(records)
    try:
        from orjson import Fragment
    except ImportError:  # pragma: no cover - orjson is a dependency
        return dumps({k: loads(v) if isinstance(v, bytes) else v for k, v in records.items()})
    return dumps({k: Fragment(v) if isinstance(v, bytes) else v for k, v in records.items()})


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- the head ------------------------------------------------------------------------------------


@dataclass
class Head:
    """``index/head.json``: the journal position, the parts, and files kept for late readers."""

    last_seq: int
    head_hash: str
    journal_offset: int
    parts: dict[str, str]
    retired: dict[str, float]  # file name → when it stopped being named (epoch seconds)
    layout: str = LAYOUT  # how the tables were split (LAYOUT of the credit that wrote it)

    @property
    def meta(self) -> dict[str, Any]:
        return {
            "last_seq": self.last_seq,
            "head_hash": self.head_hash,
            "journal_offset": self.journal_offset,
        }

    def to_bytes(self) -> bytes:
        body = {
            "schema": SCHEMA,
            "last_seq": self.last_seq,
            "head_hash": self.head_hash,
            "journal_offset": self.journal_offset,
            "parts": self.parts,
            "retired": self.retired,
            "layout": self.layout,
        }
        return dumps({**body, "sha256": digest(dumps(body))})


def parse_head(raw: bytes) -> Head:
    """The head in ``raw``; ``ValueError`` when it is not a head credit wrote."""
    data = loads(raw)
    if not isinstance(data, dict):
        raise ValueError(_("不是 JSON 对象"))
    if "schema" not in data:
        raise ValueError(_("没有格式版本，不是 credit 写入的索引头"))
    if data.get("schema") != SCHEMA:
        raise ValueError(
            _("格式版本 {found} 不是 {schema}", found=data.get("schema"), schema=SCHEMA)
        )
    sealed = data.pop("sha256", None)
    if sealed != digest(dumps(data)):
        raise ValueError(_("内容与其自身的哈希不符（被改动）"))
    try:
        head = Head(
            last_seq=data["last_seq"],
            head_hash=data["head_hash"],
            journal_offset=data["journal_offset"],
            parts=dict(data["parts"]),
            retired=dict(data.get("retired") or {}),
            layout=str(data.get("layout")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(_("缺少字段 {field}", field=exc)) from exc
    if not (
        isinstance(head.last_seq, int)
        and isinstance(head.journal_offset, int)
        and isinstance(head.head_hash, str)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in head.parts.items())
    ):
        raise ValueError(_("字段的类型不对"))
    return head


def open_db(root: Path | str) -> TinyDB:
    """The index of the archive at ``root``, read-only, with TinyDB itself (for admins' scripts):
    ``open_db(root).table("enterprises").all()``.  It is the index as the last write left it:
    events a failed index write left in the journal alone are not in it (``Archive.open``
    replays them)."""
    from archive.errors import ArchiveError

    folder = Path(root) / INDEX_DIR
    hint = _("运行任一 credit 命令（如 credit enterprise list）或 credit reindex，索引会从日志重建")
    path = folder / HEAD_FILE
    try:
        head = parse_head(path.read_bytes())
    except FileNotFoundError as exc:
        old = Path(root) / "index.json"
        problem = _("是旧版本的 index.json") if old.exists() else _("不存在")
        raise ArchiveError(_("索引头 {path} {problem}", path=path, problem=problem), hint) from exc
    except (OSError, ValueError) as exc:
        raise ArchiveError(
            _("索引头 {path} 无法使用：{error}", path=path, error=exc), hint
        ) from exc
    if head.layout != LAYOUT:
        raise ArchiveError(_("索引由分片方式不同的另一版本 credit 写入：{path}", path=path), hint)
    index = Index(PartSource(folder / PARTS_DIR, head.parts), head.meta)
    try:  # every part read and checked now: a script never meets a bad one midway
        index.load_all()
    except PartBad as exc:
        raise ArchiveError(
            _(
                "索引分片 {part} 不可用（{reason}）：{path}",
                part=exc.part,
                reason=exc.reason,
                path=folder,
            ),
            hint,
        ) from exc
    return index.db
