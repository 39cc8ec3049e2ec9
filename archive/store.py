"""The archive folder: one writer at a time, the journal first, the index as its view.

::

    archive = Archive.open()               # finds the archive as git finds .git
    with archive.transaction() as tx:      # takes the lock, brings the index up to date
        tx.emit("enterprise.added", {...})  # applied to the index at once
    # leaving the block appends + fsyncs the journal, then replaces index.json once

Long work (parsing, rendering) happens before ``transaction()``; only the commit holds the lock.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive import events, faults
from archive.errors import ArchiveError, CreditError, JournalCorrupt, LockTimeout, UsageError
from archive.fsutil import atomic_write, fsync_dir
from archive.i18n import N_, _, describe_error
from archive.index import (
    HEAD_FILE,
    INDEX_DIR,
    LAYOUT,
    PARTS_DIR,
    Head,
    Index,
    PartBad,
    PartSource,
    digest,
    parse_head,
    part_file,
)
from archive.journal import Journal, TornTail, canonical, check_entry, make_entry, now_iso, seal
from archive.settings import (
    SETTINGS_FILE,
    Settings,
    default_actor,
    find_archive,
    load_settings,
    render_template,
)

JOURNAL_FILE = "journal.jsonl"
INDEX_FILE = f"{INDEX_DIR}/{HEAD_FILE}"  # the index's head: what names every part
OLD_INDEX_FILE = "index.json"  # the one-file index of credit before issue 14, upgraded on open
OLD_HEAD_FILE = "index.head.json"
LOCK_FILE = ".credit.lock"
FOLDERS = ("files", "inbox/unmatched", "out", "templates")
# How long a part file no head names any more is kept, for a reader of an older head.
RETIRED_SECONDS = 3600.0
MAX_RETIRED = 2000  # files kept for late readers, at most
PART_FILE = re.compile(r"[A-Za-z0-9_]+(?:[~@][A-Za-z0-9_-]+)?\.[0-9a-f]{16}\.json")  # what may go
FREEZE_EVERY = 1000  # events a rebuild applies between two Index.freeze()
LONG_REBUILD_BYTES = 20 * 2**20  # a journal this long takes seconds to rebuild from: say so first
Signature = tuple[int, int, int]  # (inode, size, mtime in ns) of a file


def signature(stat: os.stat_result) -> Signature:
    """A file's identity: replaced, rewritten or touched, it changes."""
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


@dataclass
class Transaction:
    """Events of one command or batch, applied to the index as they are emitted."""

    index: Index
    actor: str
    time: str
    offset: int
    entries: list[dict[str, Any]] = field(default_factory=list)

    def emit(self, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
        """Record one change; it reaches the disk when the transaction ends without error."""
        entry = make_entry(
            seq=self.index.last_seq + 1,
            prev=self.index.head_hash,
            type=event_type,
            data=data,
            actor=self.actor,
            time=self.time,
        )
        events.apply(self.index, entry)
        self.entries.append(entry)
        self.index.advance(entry["seq"], entry["hash"], self.offset)
        return entry

    def seal(self) -> None:
        """Close the batch: mark its last event, and move the index to the journal's new end."""
        seal(self.entries)
        end = self.offset + sum(len(canonical(entry)) + 1 for entry in self.entries)
        last = self.entries[-1]
        self.index.advance(last["seq"], last["hash"], end)


def part_problem(bad: PartBad) -> str:
    """Why a part of the index cannot be used, for people."""
    if bad.reason == "missing":
        return _("文件缺失")
    if bad.reason == "altered":
        return _("内容与索引头记录的哈希不符（被改动）")
    if bad.reason == "unreadable":
        return _("无法读取（{error}）", error=describe_error(bad.error or OSError()))
    if bad.error is not None:
        return _("文件已损坏（{error}）", error=describe_error(bad.error))
    return _("文件已损坏")


@dataclass
class HeadFile:
    """What is on disk as the index's head (:meth:`Archive.read_head`)."""

    # written: a head credit wrote; missing; damaged: unreadable or not what credit wrote;
    # old: no head, but the one-file index.json of an older credit
    state: str
    head: Head | None = None
    error: str | None = None
    signature: Signature | None = None


class Archive:
    """An archive folder: settings, journal, index, stored files."""

    def __init__(
        self, root: Path, settings: Settings, *, actor: str | None = None, found_by: str = "flag"
    ):
        self.root = root
        self.found_by = found_by  # flag, env or search: how the folder was found
        self.settings = settings
        self.actor = actor or default_actor()
        self.journal = Journal(root / JOURNAL_FILE)
        self.index_dir = root / INDEX_DIR
        self.head_path = self.index_dir / HEAD_FILE
        self.parts_dir = self.index_dir / PARTS_DIR
        self.index_path = self.head_path  # what messages name as "the index"
        self.warnings: list[str] = []
        # Those of the warnings that say the index could not be written (the journal holds all).
        self.index_write_warnings: list[str] = []
        self._index: Index | None = None
        # The head's identity when self._index was read from or written to it: a transaction
        # reuses the index in memory while head.json is still that file.
        self._head_signature: Signature | None = None
        self._head: Head | None = None
        self._upgrading = False  # the index was rebuilt because it was in the old layout
        self._from_journal = False  # self._index was built from the journal, not read from a head
        self._from_journal_signature: Signature | None = None  # the head file there was then
        self._locked = False  # this object holds the write lock
        self._scratch: Index | None = None  # a rebuild from the journal, for bad parts
        self._repairs: list[PartBad] = []  # the parts rebuilt (one warning says so)
        self._repair_written: tuple[int, str | None] = (0, None)
        self._repair_warning: str | None = None
        # Told before a long rebuild from the journal begins (the CLI prints it on a terminal)
        self.on_rebuild: Callable[[str], None] | None = None

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        *,
        actor: str | None = None,
        lock_timeout: float | None = None,
        start: Path | None = None,
    ) -> Archive:
        """Find the archive (``path``, ``CREDIT_ARCHIVE``, or walking up) and read its settings."""
        root, found_by = find_archive(path, start)
        flags = {"archive.lock_timeout": lock_timeout}
        settings = load_settings(root, flags)
        return cls(root, settings, actor=actor, found_by=found_by)

    # -- reading ---------------------------------------------------------------------------

    def index(self) -> Index:
        """The index brought up to date with the journal (read-only use; no lock taken).

        Parts are read as they are used.  An index that had to be rebuilt from the whole journal
        (missing, a damaged head, the old one-file layout, another split) is written at once when
        no other process holds the lock, so that the next command reads parts again."""
        if self._index is None:
            index, why = self._load_index()
            self._catch_up(index, why)
            self._index = index
            if self._upgrading and not self._locked:
                self._upgrade_old_archive()
        return self._index

    def _upgrade_old_archive(self) -> None:
        """Write the index just rebuilt from the checked journal as parts, once, so later
        commands read parts.  Another writer holding the lock only puts this off (a read does
        not wait for the lock); what could not be written is a warning of the transaction."""
        old = (self.root / OLD_INDEX_FILE).exists()
        try:
            with self.transaction(wait=0):
                pass
        except LockTimeout:
            return  # another process is writing: the next command writes it
        except OSError as exc:  # a folder this user cannot write in (the lock file)
            self._warn(
                _(
                    "根据日志重建的索引未能写回（{error}）：每个命令都要重建，"
                    "请在可写的档案上运行 credit reindex",
                    error=describe_error(exc),
                )
            )
            return
        if old and not (self.root / OLD_INDEX_FILE).exists():
            self._warn(_("旧版索引已升级为分片索引（{path}）", path=self.index_dir))

    def read_head(self) -> HeadFile:
        """The index's head as it is on disk, and whether it is one credit wrote."""
        try:
            with open(self.head_path, "rb") as handle:
                identity = signature(os.fstat(handle.fileno()))
                raw = handle.read()
        except FileNotFoundError:
            if (self.root / OLD_INDEX_FILE).exists():
                return HeadFile("old")
            return HeadFile("missing")
        except OSError as exc:
            return HeadFile("damaged", error=describe_error(exc))
        try:
            head = parse_head(raw)
        except (ValueError, TypeError, RecursionError) as exc:
            return HeadFile("damaged", error=describe_error(exc), signature=identity)
        if head.layout != LAYOUT:
            return HeadFile("relayout", head, signature=identity)
        return HeadFile("written", head, signature=identity)

    def _load_index(self) -> tuple[Index, str | None]:
        """The index the head names (parts read as used); else an empty index, to be rebuilt
        from the whole journal by :meth:`_catch_up` (every line checked), and why."""
        found = self.read_head()
        # rebuilt from the whole journal: written at once, even by a read (see index())
        has_events = self.journal.path.exists() and self.journal.path.stat().st_size > 0
        self._upgrading = found.state != "written" and has_events
        # built from the journal (no head to read parts from), and which head file was there
        self._from_journal = found.state != "written"
        self._from_journal_signature = found.signature
        self._head_signature = found.signature if found.state == "written" else None
        self._head = found.head
        self._scratch = None
        self._repairs, self._repair_warning = [], None
        if found.state == "written":
            assert found.head is not None
            head = found.head
            source = PartSource(self.parts_dir, head.parts)
            index = Index(source, head.meta)
            index.repair = lambda bad: self._repair_part(head, bad)
            return index, None
        if found.state == "missing" and not has_events:
            why = None
        elif found.state == "missing" and self.parts_dir.is_dir():
            why = _("索引头文件 {path} 缺失", path=self.head_path)
        elif found.state == "missing":
            why = _("索引 {path} 不存在", path=self.index_dir)
        elif found.state == "old":
            why = _("索引为旧版格式（{path}）", path=self.root / OLD_INDEX_FILE)
        elif found.state == "relayout":
            why = _("索引 {path} 由分片方式不同的另一版本 credit 写入", path=self.index_dir)
        else:
            why = _(
                "索引头文件 {path} 已损坏或被改动（{error}）",
                path=self.head_path,
                error=found.error,
            )
        return Index(), why

    def _repair_part(self, head: Head, bad: PartBad) -> dict[str, Any]:
        """A part the head names that cannot be used: rebuilt from the journal up to the head's
        position (the parts read so far are what the same rebuild gives), and a warning."""
        part = bad.part
        if self._scratch is None or self._scratch.last_seq != head.last_seq:
            scratch = Index()
            events_, _torn = self.journal.stream(0)

            def refuse(message: str) -> JournalCorrupt:
                return JournalCorrupt(
                    _(
                        "索引分片 {part} 须根据日志重建，但日志有误：{message}",
                        part=part,
                        message=message,
                    ),
                    _("运行 credit audit verify 查看详情；从备份恢复日志后再重建"),
                )

            self._replay(scratch, events_, refuse, upto=head.last_seq)
            scratch.settle()
            self._scratch = scratch
            self._repair_written = self._rewrite_parts(head, scratch)
        self._repairs.append(bad)
        self._warn_repairs(head)
        return self._scratch.parts.pop(part, None) or {}

    def _rewrite_parts(self, head: Head, scratch: Index) -> tuple[int, str | None]:
        """Write back every part file of ``head`` whose content is not what the head says, from
        the rebuild ``scratch`` at the head's position: (files written, why it failed).  A file
        is named by its content, so a rewrite gives it the content every reader expects: no
        lock and no new head are needed.  A part the journal gives otherwise than the head
        says is left for ``audit verify`` to name and the next write to replace."""
        fixed = 0
        error = None
        try:
            self.parts_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return 0, describe_error(exc)
        for part, data in scratch.all_parts():
            expected = head.parts.get(part)
            if expected is None or digest(data) != expected:
                continue
            path = self.parts_dir / part_file(part, expected)
            try:
                sound = path.stat().st_size == len(data) and digest(path.read_bytes()) == expected
            except OSError:
                sound = False
            if sound:
                continue
            try:
                _clear_folder(path)
                atomic_write(path, data, sync_dir=False)
                fixed += 1
            except OSError as exc:  # the others are still written back
                error = error or describe_error(exc)
        with contextlib.suppress(OSError):
            fsync_dir(self.parts_dir)
        return fixed, error

    def _warn_repairs(self, head: Head) -> None:
        """One warning for the parts of this command that had to be rebuilt."""
        first = self._repairs[0]
        path = self.parts_dir / part_file(first.part, head.parts[first.part])
        fixed, error = self._repair_written
        count = max(len(self._repairs), fixed)  # (those written back were all bad)
        if count == 1:
            what = _(
                "索引分片 {part}（{path}）不可用：{reason}",
                part=first.part,
                path=path,
                reason=part_problem(first),
            )
        else:
            what = _(
                "索引有 {count} 个分片不可用（{path} 等）：{reason}",
                count=count,
                path=path,
                reason=part_problem(first),
            )
        if error is not None:
            done = _("已根据日志重建，但未能写回（{error}）：运行 credit reindex 修复", error=error)
        elif fixed:
            done = _("已根据日志重建，并写回了 {count} 个分片文件", count=fixed)
        else:  # (another process wrote them back meanwhile)
            done = _("已根据日志重建")
        message = _("{what}；{done}", what=what, done=done)
        if self._repair_warning is not None and self._repair_warning in self.warnings:
            self.warnings[self.warnings.index(self._repair_warning)] = message
        else:
            self.warnings.append(message)
        self._repair_warning = message

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def _catch_up(self, index: Index, why: str | None = None) -> tuple[int, TornTail | None]:
        """Replay the journal after what ``index`` holds; returns how many events, and a torn tail.

        The one way events get from the journal into an index — a tail after the last write, an
        automatic rebuild of a missing or untrusted index, ``credit reindex``: every line is
        checked (sequence, link to the line before, its own hash) before it is applied, and the
        first that does not fit stops it (exit 4, naming the line).  The journal is read one
        line at a time, so a rebuild of a long journal holds only the index in memory.
        """
        rebuilding = index.last_seq == 0
        try:
            size = self.journal.path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size < index.journal_offset:
            raise JournalCorrupt(
                _(
                    "日志比索引记录的短（{size} < {offset} 字节）：日志可能被截断或替换",
                    size=size,
                    offset=index.journal_offset,
                ),
                _("运行 credit audit verify 检查日志；如日志无误，运行 credit reindex 重建索引"),
            )
        if rebuilding and self.on_rebuild is not None and size > LONG_REBUILD_BYTES:
            self.on_rebuild(
                _(
                    "正在根据日志（{size} MB）重建索引，可能需要一两分钟……",
                    size=round(size / 2**20),
                )
            )
        events_, torn = self.journal.stream(index.journal_offset, first_line=index.last_seq + 1)

        def refuse(message: str) -> JournalCorrupt:
            if why:
                return JournalCorrupt(
                    _("{why}，须根据日志重建，但日志有误：{message}", why=why, message=message),
                    _("运行 credit audit verify 查看详情；从备份恢复日志后再重建"),
                )
            if rebuilding:
                return JournalCorrupt(
                    _("日志有误，不能据此重建索引：{message}", message=message),
                    _("运行 credit audit verify 查看详情；从备份恢复日志后再重建"),
                )
            return JournalCorrupt(
                _("日志有误，不能据此更新索引：{message}", message=message),
                _("运行 credit audit verify 找出出错的行"),
            )

        count = self._replay(index, events_, refuse)
        if why:
            self._warn(_("{why}，已根据日志重建", why=why))
        return count, torn

    @staticmethod
    def _replay(
        index: Index,
        events_: Iterator[tuple[dict[str, Any], int]],
        refuse: Callable[[str], JournalCorrupt],
        *,
        upto: int | None = None,
    ) -> int:
        """Apply ``events_`` (up to sequence ``upto``) to ``index``, each line checked first (the
        first that does not fit raises ``refuse(message)``); returns how many.  A rebuild (an
        empty ``index``) keeps big tables' records as JSON bytes between events."""
        rebuilding = index.last_seq == 0
        index.freezing = rebuilding
        count = 0
        for entry, end in events_:
            if upto is not None and entry["seq"] > upto:
                break
            problem = check_entry(entry, index.last_seq + 1, index.head_hash)
            if problem is not None:
                raise refuse(problem[1])
            events.apply(index, entry)
            index.advance(entry["seq"], entry["hash"], end)
            count += 1
            if rebuilding and count % FREEZE_EVERY == 0:
                index.freeze()
        index.freeze()
        index.freezing = False
        return count

    # -- writing ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, *, wait: float | None = None) -> Iterator[None]:
        """Hold the archive's write lock (released by the OS if this process dies); ``wait``:
        seconds to wait for it instead of the configured lock timeout."""
        from filelock import FileLock, Timeout

        timeout = self.settings.lock_timeout if wait is None else wait
        lock = FileLock(str(self.root / LOCK_FILE), timeout=timeout)
        try:
            lock.acquire()
        except Timeout as exc:
            raise LockTimeout(
                _("档案正被另一个 credit 进程写入，等待 {seconds} 秒后放弃", seconds=timeout),
                _("稍后再试，或用 --lock-timeout 等得更久；检查是否有卡住的 credit 进程"),
            ) from exc
        self._locked = True
        try:
            yield
        finally:
            self._locked = False
            lock.release()

    def _current_head_signature(self) -> Signature | None:
        try:
            return signature(self.head_path.stat())
        except OSError:
            return None

    @contextlib.contextmanager
    def transaction(self, *, wait: float | None = None) -> Iterator[Transaction]:
        """Lock, bring the index up to date, collect events; on success journal then index.

        Once the journal holds the transaction, it is done: a failure to write the index
        afterwards (a full disk) is a warning, and the next open replays the journal's tail.
        Only the parts whose content the events changed are written.  ``wait``: see
        :meth:`lock`.
        """
        with self.lock(wait=wait):
            self._clean_temp_files()
            # nobody has written the index since self._index was read from or written to it (or
            # built from the journal when there was no head, and there is none still)
            current = self._current_head_signature()
            reusable = self._index is not None and (
                (self._head_signature is not None and current == self._head_signature)
                or (
                    self._head_signature is None
                    and self._from_journal
                    and current == self._from_journal_signature
                )
            )
            index, why = (self._index, None) if reusable else self._load_index()
            assert index is not None
            self._index = None  # until this transaction ends well, the copy in memory is suspect
            replayed, torn = self._catch_up(index, why)
            if torn is not None:
                moved = self.journal.set_aside_torn_tail(torn)
                self._warn(
                    _(
                        "日志末尾有一行未写完（上次写入时进程中断，该操作未完成），已移到 {path}",
                        path=moved.moved_to,
                    )
                )
            # the index is behind the journal, missing, not one credit wrote, or had a bad part
            stale = (
                bool(replayed)
                or self._head_signature is None
                or torn is not None
                or self._scratch is not None
            )
            tx = Transaction(
                index=index, actor=self.actor, time=now_iso(), offset=index.journal_offset
            )
            yield tx
            if tx.entries:
                tx.seal()
                self.journal.append(tx.entries)
            if tx.entries or stale:
                try:
                    self._write_index(index)
                except OSError as exc:
                    if tx.entries:
                        warning = _(
                            "更改已记入日志，但索引 {path} 未能更新（{error}）；"
                            "下次打开档案时会根据日志补上",
                            path=self.index_dir,
                            error=describe_error(exc),
                        )
                    else:  # nothing changed now: only an earlier change is still to be indexed
                        warning = _(
                            "索引 {path} 未能更新（{error}）；下次打开档案时会根据日志补上",
                            path=self.index_dir,
                            error=describe_error(exc),
                        )
                    self._warn(warning)
                    self.index_write_warnings.append(warning)
                    self._head_signature = None  # the index in memory is ahead of the head
            self._index = index

    def _write_index(self, index: Index, *, everything: bool = False) -> None:
        """Write the parts of ``index`` whose content changed (``everything``: every part, as
        a rebuild does), each as a new file, then replace head.json (lock held).

        Until the head is replaced, the previous head and every file it names are untouched: a
        crash between two part files leaves the index as it was, and the journal's tail is
        replayed on the next open.  Files no head names any more are removed an hour later.
        """
        changes = index.all_parts() if everything else index.changed_parts()
        self.parts_dir.mkdir(parents=True, exist_ok=True)
        written: dict[str, str] = {}
        first = True
        for part, data in changes:
            if data is None:
                continue
            sha = digest(data)
            path = self.parts_dir / part_file(part, sha)
            _clear_folder(path)
            # (a file of that name is written again: it may be one a hand damaged.)  The first
            # part's write carries the crash points: a crash there, or between it and the next
            # part, leaves the previous head and the files it names as they were
            atomic_write(path, data, fault_prefix="index" if first else None, sync_dir=False)
            first = False
            written[part] = sha
        fsync_dir(self.parts_dir)
        faults.crash_point("index.parts_written")
        parts = dict(sorted(written.items())) if everything else index.head_parts(written)
        previous = self._head if self._head_signature is not None else None
        head = Head(
            last_seq=index.last_seq,
            head_hash=index.head_hash,
            journal_offset=index.journal_offset,
            parts=parts,
            retired=self._retired(previous, parts),
        )
        atomic_write(self.head_path, head.to_bytes(), fault_prefix="index.head")
        self._head = head
        self._head_signature = self._current_head_signature()
        index.source = PartSource(self.parts_dir, parts)
        for part in [part for part, records in index.parts.items() if not records]:
            del index.parts[part]
        index.read_digests = {part: parts[part] for part in index.parts if part in parts}
        index.exposed = set()
        self._scratch = None
        self._from_journal = self._upgrading = False
        self._remove_unnamed(head)
        for old in (OLD_INDEX_FILE, OLD_HEAD_FILE):
            with contextlib.suppress(OSError):
                (self.root / old).unlink()

    def _retired(self, previous: Head | None, parts: dict[str, str]) -> dict[str, float]:
        """Files the previous head named that the new one does not, kept for an hour — at most
        MAX_RETIRED, the newest (a long batch of writes would grow the head and the folder; a
        reader of a head older than those finds its part gone and rebuilds it from the journal)."""
        import time

        now = time.time()
        named = {part_file(part, sha) for part, sha in parts.items()}
        retired = {}
        if previous is not None:
            for name, since in previous.retired.items():
                if name not in named and now - since < RETIRED_SECONDS:
                    retired[name] = since
            for part, sha in previous.parts.items():
                name = part_file(part, sha)
                if name not in named:
                    retired.setdefault(name, now)
        if len(retired) > MAX_RETIRED:
            newest = sorted(retired.items(), key=lambda item: (-item[1], item[0]))[:MAX_RETIRED]
            retired = dict(newest)
        return dict(sorted(retired.items()))

    def _remove_unnamed(self, head: Head) -> None:
        """Remove part files neither named by ``head`` nor kept for late readers (lock held)."""
        keep = {part_file(part, sha) for part, sha in head.parts.items()} | set(head.retired)
        with contextlib.suppress(OSError):
            for path in self.parts_dir.iterdir():
                if path.name not in keep and PART_FILE.fullmatch(path.name) and path.is_file():
                    with contextlib.suppress(OSError):
                        path.unlink()

    def _clean_temp_files(self) -> None:
        """Temp files of an index write a crash cut short (lock held: no other write is running
        — but a reader may be writing a part back, without the lock: its temp file stays while
        its process lives, and ten minutes at most)."""
        import time

        patterns = [(self.index_dir, ".*.tmp"), (self.parts_dir, ".*.tmp")]
        patterns += [(self.root, f".{name}.*.tmp") for name in (OLD_INDEX_FILE, OLD_HEAD_FILE)]
        for folder, pattern in patterns:
            with contextlib.suppress(OSError):
                for temp in folder.glob(pattern):
                    with contextlib.suppress(OSError):
                        if _writer_alive(temp) and time.time() - temp.stat().st_mtime < 600:
                            continue
                        temp.unlink()

    def rebuild_index(self) -> Index:
        """Rebuild the index from the journal alone (``credit reindex``), every part written.

        The same path as the automatic rebuild of a missing or untrusted index: every line of
        the journal is checked before it is applied; the journal is streamed.
        """
        with self.lock():
            self._clean_temp_files()
            found = self.read_head()
            self._head = found.head if found.state == "written" else None
            self._head_signature = found.signature if found.state == "written" else None
            index = Index()
            self._catch_up(index)
            try:
                self._write_index(index, everything=True)
            except OSError as exc:
                raise ArchiveError(
                    _(
                        "无法写入索引 {path}（{error}），原来的索引未被改动",
                        path=self.index_dir,
                        error=describe_error(exc),
                    ),
                    _("腾出磁盘空间或改正权限后重试"),
                ) from exc
            self._index = index
            return index


def _writer_alive(temp: Path) -> bool:
    """Whether the process whose id a temp file's name carries (``.name.<pid>.tmp``) runs here."""
    pid = temp.name.rsplit(".", 2)[-2] if temp.name.count(".") >= 3 else ""
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # (it exists, as another user's)
        return True
    return True


def _clear_folder(path: Path) -> None:
    """A folder where a part's file goes (put there by hand) goes first."""
    if path.is_dir() and not path.is_symlink():
        import shutil

        shutil.rmtree(path)


BUREAU_SUFFIX = "应急管理局"


def bureau_and_county(bureau: str | None, county: str | None) -> tuple[str, str]:
    """The bureau's name and county for a new archive, one derived from the other.

    ``--county 某某县`` alone gives 某某县应急管理局; ``--bureau 某某县应急管理局`` alone gives
    某某县; neither gives the defaults (蓝山县).  The serial prefixes follow the county.

    >>> bureau_and_county(None, "某某县")
    ('某某县应急管理局', '某某县')
    >>> bureau_and_county("江华瑶族自治县应急管理局", None)
    ('江华瑶族自治县应急管理局', '江华瑶族自治县')
    """
    from archive.settings import DEFAULTS
    from archive.validation import check_text

    bureau = check_text(bureau, what="--bureau") if bureau is not None else None
    county = check_text(county, what="--county") if county is not None else None
    if county and not bureau:
        bureau = county + BUREAU_SUFFIX
    if bureau and not county:
        if bureau.endswith(BUREAU_SUFFIX) and len(bureau) > len(BUREAU_SUFFIX):
            county = bureau.removesuffix(BUREAU_SUFFIX)
        else:
            raise UsageError(
                _("无法从局名“{bureau}”看出所属县", bureau=bureau),
                _("用 --county 给出所属县，如 --county 某某县"),
            )
    return bureau or DEFAULTS["bureau.name"][0], county or DEFAULTS["bureau.county"][0]


def init_archive(
    folder: Path,
    *,
    bureau: str | None = None,
    county: str | None = None,
    actor: str | None = None,
    start: str | None = None,
) -> Archive:
    """Create an archive in ``folder`` (made if missing); refuse to touch an existing one.

    ``start`` ("YYYY-MM") is the first month enterprises owe their monthly reports
    (``archive.start`` in credit.toml); None: the month the archive is made."""
    from archive.settings import check_month

    if start is not None and (check_month(start) is None or start.strip() != start):
        raise UsageError(
            _("起始月份 {value!r} 无效", value=start),
            _("档案起始月份写成 YYYY-MM，如 2025-10；留空表示建档当月"),
        )
    if start is not None:
        from datetime import date

        if start > date.today().strftime("%Y-%m"):
            raise UsageError(
                _("起始月份 {value} 晚于本月", value=start),
                _("起始月份是档案开始核对按月报送的月份，不能是将来的月份"),
            )
    folder = folder.expanduser()
    if (folder / SETTINGS_FILE).exists() or (folder / JOURNAL_FILE).exists():
        raise CreditError(
            _("{path} 已经是档案文件夹，不会覆盖", path=folder),
            _("换一个文件夹，或直接在该档案上工作"),
        )
    if folder.exists() and not folder.is_dir():
        raise CreditError(_("{path} 不是文件夹", path=folder))
    bureau, county = bureau_and_county(bureau, county)
    existed = folder.exists()
    before = set(folder.iterdir()) if existed else set()
    try:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for name in FOLDERS:
                (folder / name).mkdir(parents=True, exist_ok=True)
            atomic_write(
                folder / SETTINGS_FILE, render_template(bureau, county, start).encode("utf-8")
            )
            from archive.workdays import HOLIDAYS_FILE, HOLIDAYS_TEMPLATE

            if not (folder / HOLIDAYS_FILE).exists():
                atomic_write(folder / HOLIDAYS_FILE, HOLIDAYS_TEMPLATE.encode("utf-8"))
            fsync_dir(folder)
        except OSError as exc:
            raise ArchiveError(
                _("无法在 {path} 建立档案：{error}", path=folder, error=describe_error(exc)),
                _("检查该位置是否可写、磁盘是否已满"),
            ) from exc
        archive = Archive(folder.resolve(), load_settings(folder.resolve()), actor=actor)
        from archive import __version__

        with archive.transaction() as tx:
            tx.emit(
                "archive.created",
                {"bureau": bureau, "county": county, "tool_version": __version__},
            )
    except BaseException:
        _remove_half_built(folder, existed, before)
        raise
    return archive


def _remove_half_built(folder: Path, existed: bool, before: set[Path]) -> None:
    """Undo a failed ``init``: what it made goes, what was there before stays."""
    import shutil

    if not existed:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for path in set(folder.iterdir()) - before if folder.is_dir() else ():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


@events.event(
    "archive.created", label=N_("建立档案"), summary=lambda data: str(data.get("bureau", ""))
)
def _archive_created(index: Index, entry: dict[str, Any]) -> None:
    info = dict(entry["data"])
    info["created_at"] = entry["time"]
    index.table("archive").put("info", info)
