"""The journal: an append-only, hash-chained record of every change — the archive's truth.

One event a line, canonical JSON (sorted keys, UTF-8, no spaces)::

    {"actor":"张三","data":{…},"hash":"…","prev":"…","seq":12,"time":"2026-11-29T09:30:00+08:00",
     "type":"enterprise.added"}

``hash`` is the SHA-256 of the line's canonical JSON without ``hash``; ``prev`` is the hash
of the line before (64 zeros for the first).  Changing, removing or swapping a line breaks the
chain at that line; the index remembers the head hash, so a cut tail is noticed too.

The events of one command (a transaction) are appended in one write and fsynced before the
change is reported done; the last of them carries ``"end": true``.  Lines after the last
``end`` are an unfinished transaction — a process killed in the middle of an append leaves a
torn last line, or whole lines of a batch without its end — and count as not written: readers
ignore them, and the next writer moves them aside to ``journal.torn/`` and says so.  Earlier
lines are never touched.  So a roster import is in the archive entirely or not at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from archive import faults
from archive.errors import ArchiveError, JournalCorrupt
from archive.fsutil import fsync_dir
from archive.i18n import _, describe_error

GENESIS = "0" * 64


def canonical(obj: Any) -> bytes:
    """The one serialisation used for hashing and storing events."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def entry_hash(entry: dict[str, Any]) -> str:
    body = {key: value for key, value in entry.items() if key != "hash"}
    return hashlib.sha256(canonical(body)).hexdigest()


def make_entry(
    *, seq: int, prev: str, type: str, data: dict[str, Any], actor: str, time: str
) -> dict[str, Any]:
    entry = {"seq": seq, "time": time, "actor": actor, "type": type, "data": data, "prev": prev}
    entry["hash"] = entry_hash(entry)
    return entry


def now_iso() -> str:
    """Local time with offset, to the second: when an event happened."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass
class TornTail:
    """Bytes at the end of the journal that are not a complete event."""

    offset: int
    data: bytes
    moved_to: Path | None = None


@dataclass
class VerifyReport:
    ok: bool
    events: int
    line: int | None = None  # 1-based line of the first problem
    reason: str | None = None  # stable English code
    message: str | None = None
    head_hash: str = GENESIS
    torn: TornTail | None = None
    remembered_hash: str | None = None  # hash of the line asked for with verify(remember=…)
    # with verify(collect=True): the events of finished transactions, each with its end offset
    entries: list[tuple[dict[str, Any], int]] | None = None


class Journal:
    """``journal.jsonl`` of one archive.  Writers must hold the archive lock."""

    def __init__(self, path: Path):
        self.path = path

    # -- reading ---------------------------------------------------------------------------

    def read(
        self, offset: int = 0, *, first_line: int | None = None
    ) -> tuple[list[tuple[dict[str, Any], int]], TornTail | None]:
        """Events of finished transactions from byte ``offset`` on, each with its end offset.

        What follows the last finished transaction — an incomplete or unparseable last line,
        lines without their batch's ``end`` — is returned as a ``TornTail`` (a reader may simply
        be racing a writer; only a writer holding the lock treats it as torn).  An unparseable
        line before the last one is corruption; the error names it by its line number when the
        caller says which line ``offset`` starts (``first_line``), else by its byte offset.
        """
        if offset == 0:
            first_line = 1
        try:
            with open(self.path, "rb") as handle:
                handle.seek(offset)
                blob = handle.read()
        except FileNotFoundError:
            return [], None
        events: list[tuple[dict[str, Any], int]] = []
        position = offset
        lines = blob.split(b"\n")
        complete, rest = lines[:-1], lines[-1]
        for number, raw in enumerate(complete):
            end = position + len(raw) + 1
            try:
                entry = _event(raw)
            except ValueError as exc:
                if number == len(complete) - 1 and not rest:
                    return events, TornTail(position, blob[position - offset :])
                if first_line is not None:
                    problem = _(
                        "日志第 {line} 行无法读取：{error}",
                        line=first_line + number,
                        error=describe_error(exc),
                    )
                else:
                    problem = _(
                        "日志第 {offset} 字节处有一行无法读取：{error}",
                        offset=position,
                        error=describe_error(exc),
                    )
                raise JournalCorrupt(
                    problem, _("运行 credit audit verify 查看详情；日志损坏时请从备份恢复")
                ) from exc
            events.append((entry, end))
            position = end
        return _finished(events, blob, offset)

    def stream(
        self, offset: int = 0, *, first_line: int = 1
    ) -> tuple[Iterator[tuple[dict[str, Any], int]], TornTail | None]:
        """:meth:`read`, one event at a time: the events of finished transactions from byte
        ``offset`` on (line ``first_line``), each with its end offset, and what follows them.

        Memory stays flat however long the journal is: the end of the last finished
        transaction is found from the file's end (its last line carries ``"end":true``), and
        the lines before it are parsed as they are yielded.  A line that cannot be parsed
        before that end is corruption (``JournalCorrupt`` naming its line); what follows it is
        the torn tail, as :meth:`read` says.
        """
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return iter(()), None
        boundary = self._finished_end(offset, size)
        torn = None
        if boundary < size:
            with open(self.path, "rb") as handle:
                handle.seek(boundary)
                tail = handle.read()
            self._check_tail(tail, boundary, offset, first_line)
            torn = TornTail(boundary, tail)
        return self._lines(offset, boundary, first_line), torn

    def _lines(
        self, offset: int, boundary: int, first_line: int
    ) -> Iterator[tuple[dict[str, Any], int]]:
        try:
            from orjson import loads
        except ImportError:  # pragma: no cover - orjson is a dependency
            loads = json.loads
        with open(self.path, "rb") as handle:
            handle.seek(offset)
            position, number = offset, first_line
            while position < boundary:
                raw = handle.readline()
                end = position + len(raw)
                try:
                    entry = _event(raw, loads)
                except ValueError as exc:
                    raise JournalCorrupt(
                        _(
                            "日志第 {line} 行无法读取：{error}",
                            line=number,
                            error=describe_error(exc),
                        ),
                        _("运行 credit audit verify 查看详情；日志损坏时请从备份恢复"),
                    ) from exc
                yield entry, end
                position, number = end, number + 1

    def _finished_end(self, offset: int, size: int) -> int:
        """The byte after the last line (at or after ``offset``) that ends a transaction."""
        marker = b',"end":true,"hash":"'
        chunk = 1 << 20
        with open(self.path, "rb") as handle:
            stop = size
            while stop > offset:
                start = max(offset, stop - chunk)
                handle.seek(start)
                blob = handle.read(size - start)
                found = blob.rfind(marker, 0, stop - start)
                while found >= 0:
                    line_end = blob.find(b"\n", found)
                    line_start = blob.rfind(b"\n", 0, found) + 1
                    if line_end >= 0 and (line_start > 0 or start == offset):
                        try:
                            entry = json.loads(blob[line_start:line_end])
                        except ValueError:
                            entry = None
                        if isinstance(entry, dict) and entry.get("end") is True:
                            return start + line_end + 1
                    found = blob.rfind(marker, 0, found)
                if start == offset:
                    break
                chunk *= 4
                stop = start + len(marker)  # a marker cut by the chunk's edge is found next time
                if stop >= size:  # pragma: no cover - chunk grows, so the window always moves
                    break
        return offset

    def _check_tail(self, tail: bytes, boundary: int, offset: int, first_line: int) -> None:
        """What follows the last finished transaction may be torn only at its end."""
        lines = tail.split(b"\n")
        complete, rest = lines[:-1], lines[-1]
        for number, raw in enumerate(complete):
            try:
                _event(raw)
            except ValueError as exc:
                if number == len(complete) - 1 and not rest:
                    return
                with open(self.path, "rb") as handle:
                    handle.seek(offset)
                    before = handle.read(boundary - offset).count(b"\n")
                raise JournalCorrupt(
                    _(
                        "日志第 {line} 行无法读取：{error}",
                        line=first_line + before + number,
                        error=describe_error(exc),
                    ),
                    _("运行 credit audit verify 查看详情；日志损坏时请从备份恢复"),
                ) from exc

    def entry(self, seq: int) -> dict[str, Any] | None:
        """The event numbered ``seq``, found by bisecting the file (its lines are in sequence
        order), so reading one event of a long journal reads a few lines; ``None`` when there is
        none.  ``JournalCorrupt`` when the line found is not what its hash says."""
        if not self.path.exists():
            return None
        with open(self.path, "rb") as handle:
            low, high = 0, os.fstat(handle.fileno()).st_size
            while low < high:
                middle = (low + high) // 2
                start, found = _line_at(handle, middle)
                if found is None or start >= high:
                    high = middle
                    continue
                number = found.get("seq")
                if not isinstance(number, int):  # not an event (a torn tail): look before it
                    high = middle
                    continue
                if number == seq:
                    if found.get("hash") != entry_hash(found):
                        raise JournalCorrupt(
                            _("日志第 {line} 行的内容与其哈希不符（被改动）", line=seq),
                            _("运行 credit audit verify 查看详情"),
                        )
                    return found
                if number < seq:
                    low = handle.tell()
                else:
                    high = middle
        return None

    def iter_entries(self) -> Iterator[dict[str, Any]]:
        events, _torn = self.read(0)
        for entry, _end in events:
            yield entry

    # -- writing (lock held) ---------------------------------------------------------------

    def set_aside_torn_tail(self, torn: TornTail) -> TornTail:
        """Move an incomplete last line to ``journal.torn/`` and cut it from the journal."""
        folder = self.path.parent / "journal.torn"
        folder.mkdir(exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        target = folder / f"{stamp}_{torn.offset}.jsonl"
        with open(target, "wb") as handle:
            handle.write(torn.data)
            handle.flush()
            os.fsync(handle.fileno())
        fsync_dir(folder)
        with open(self.path, "r+b") as handle:
            handle.truncate(torn.offset)
            handle.flush()
            os.fsync(handle.fileno())
        torn.moved_to = target
        return torn

    def append(self, entries: list[dict[str, Any]]) -> int:
        """Append one transaction's ``entries`` in one write and fsync; returns the end offset.

        The last entry must carry ``"end": true`` (:func:`seal`).
        """
        assert entries and entries[-1].get("end") is True, "seal() the batch first"
        payload = b"".join(canonical(entry) + b"\n" for entry in entries)
        created = not self.path.exists()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            start = os.fstat(fd).st_size
            try:
                if faults.armed("journal.half"):
                    _write_all(fd, payload[: max(1, len(payload) // 2)])
                    os.fsync(fd)
                    faults.crash_point("journal.half")
                if faults.armed("journal.disk_full"):
                    _write_all(fd, payload[: max(1, len(payload) // 2)])
                    faults.disk_full("journal.disk_full")
                _write_all(fd, payload)
                os.fsync(fd)
            except BaseException as exc:
                # Disk full, I/O error, Ctrl-C: nothing of this transaction may stay behind
                # (a torn tail would be set aside later anyway, but the error says "not done").
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, start)
                    os.fsync(fd)
                if isinstance(exc, OSError):
                    raise ArchiveError(
                        _(
                            "无法写入日志 {path}（{error}），本次操作没有完成",
                            path=self.path,
                            error=describe_error(exc),
                        ),
                        _("腾出磁盘空间或改正权限后重试"),
                    ) from exc
                raise
            end = start + len(payload)
        finally:
            os.close(fd)
        if created:
            fsync_dir(self.path.parent)
        faults.crash_point("journal.fsynced")
        return end

    # -- checking --------------------------------------------------------------------------

    def verify(self, *, remember: int | None = None, collect: bool = False) -> VerifyReport:
        """Walk the chain; name the first line that does not fit.

        ``remember`` asks for the hash of that line (sequence number) in the report, and
        ``collect`` for the checked events themselves, so a caller can compare the journal
        with the index without reading it twice.
        """
        try:
            with open(self.path, "rb") as handle:
                blob = handle.read()
        except FileNotFoundError:
            return VerifyReport(
                False, 0, None, "missing", _("找不到日志文件 {path}", path=self.path)
            )
        prev = GENESIS
        complete = blob.split(b"\n")[:-1]  # the text after the last newline is torn
        finished = 0  # events up to the last transaction's end
        finished_offset = 0
        head = GENESIS
        remembered: str | None = None
        position = 0
        collected: list[tuple[dict[str, Any], int]] = []
        for number, raw in enumerate(complete, start=1):
            try:
                entry = json.loads(raw)
                if not isinstance(entry, dict):
                    raise ValueError("not an object")
            except ValueError:
                return _bad(
                    number,
                    number - 1,
                    prev,
                    "unreadable",
                    _("第 {line} 行不是有效的事件记录", line=number),
                )
            problem = check_entry(entry, number, prev)
            if problem is not None:
                return _bad(number, number - 1, prev, *problem)
            prev = entry["hash"]
            if number == remember:
                remembered = prev
            position += len(raw) + 1
            if collect:
                collected.append((entry, position))
            if entry.get("end") is True:
                finished, finished_offset, head = number, position, prev
        torn = None
        if finished_offset < len(blob):
            torn = TornTail(finished_offset, blob[finished_offset:])
        return VerifyReport(
            True,
            finished,
            head_hash=head,
            torn=torn,
            remembered_hash=remembered,
            entries=collected[:finished] if collect else None,
        )


def check_entry(entry: dict[str, Any], line: int, prev: str) -> tuple[str, str] | None:
    """Whether ``entry`` may stand at ``line`` after an entry hashed ``prev``.

    Returns ``(reason, message)`` for the first thing that does not fit — its sequence
    number, its link to the line before, or its own hash — or ``None``.  The one check of a
    line, shared by ``audit verify`` and by every replay into the index.
    """
    if entry.get("seq") != line:
        return "sequence", _(
            "第 {line} 行的序号是 {seq}，应为 {expected}（有行被删除、插入或调换）",
            line=line,
            seq=entry.get("seq"),
            expected=line,
        )
    if entry.get("prev") != prev:
        return "chain", _(
            "第 {line} 行与上一行的哈希链接不上（上一行被改动、删除或调换）", line=line
        )
    if entry.get("hash") != entry_hash(entry):
        return "hash", _("第 {line} 行的内容与其哈希不符（被改动）", line=line)
    return None


def _event(raw: bytes, loads: Any = json.loads) -> dict[str, Any]:
    """The event one journal line holds; ``ValueError`` when it is not one."""
    entry = loads(raw)
    if not isinstance(entry, dict):
        raise ValueError("not an object")
    return entry


def _line_at(handle: Any, position: int) -> tuple[int, dict[str, Any] | None]:
    """The first whole line starting at or after byte ``position``: its start and its event
    (``None`` at the end of the file or for a line that is not one)."""
    if position > 0:
        handle.seek(position - 1)
        if handle.read(1) != b"\n":
            handle.readline()  # the rest of the line ``position`` falls in
    else:
        handle.seek(0)
    start = handle.tell()
    raw = handle.readline()
    if not raw.endswith(b"\n"):
        return start, None
    try:
        entry = json.loads(raw)
    except ValueError:
        return start, None
    return start, entry if isinstance(entry, dict) else None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def seal(entries: list[dict[str, Any]]) -> None:
    """Mark the last entry of a transaction with ``"end": true`` and rehash it."""
    last = entries[-1]
    last["end"] = True
    last["hash"] = entry_hash(last)


def _finished(
    events: list[tuple[dict[str, Any], int]], blob: bytes, offset: int
) -> tuple[list[tuple[dict[str, Any], int]], TornTail | None]:
    """Keep the events of finished transactions; the rest of ``blob`` is a torn tail."""
    keep = 0
    for number, (entry, _end) in enumerate(events, start=1):
        if entry.get("end") is True:
            keep = number
    finished = events[:keep]
    boundary = finished[-1][1] if finished else offset
    rest = blob[boundary - offset :]
    return finished, (TornTail(boundary, rest) if rest else None)


def _bad(line: int, count: int, prev: str, reason: str, message: str) -> VerifyReport:
    return VerifyReport(False, count, line, reason, message, head_hash=prev)
