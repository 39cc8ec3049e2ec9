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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive import events, faults
from archive.errors import ArchiveError, CreditError, JournalCorrupt, LockTimeout, UsageError
from archive.fsutil import atomic_write, fsync_dir
from archive.i18n import N_, _, describe_error
from archive.index import (
    Index,
    Signature,
    Stamp,
    digest,
    parse_index,
    read_stamps,
    signature,
    stamp,
    stamps_bytes,
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
INDEX_FILE = "index.json"
INDEX_HEAD_FILE = "index.head.json"  # which index.json credit wrote last (archive.index)
LOCK_FILE = ".credit.lock"
FOLDERS = ("files", "inbox/unmatched", "out", "templates")


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


@dataclass
class IndexFile:
    """What is on disk as index.json (:meth:`Archive.read_index_file`)."""

    # written: a file credit wrote (index.head.json names it, or its SHA-256);
    # missing; damaged: unreadable; altered: readable, but not a file credit wrote;
    # unstamped: readable, but there is no index.head.json to check it against
    state: str
    index: Index | None = None
    error: str | None = None
    stamp: Stamp | None = None  # with "written"
    named: bool = False  # the head names this very file (inode, size, mtime), not only its content


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
        self.index_path = root / INDEX_FILE
        self.head_path = root / INDEX_HEAD_FILE
        self.warnings: list[str] = []
        # Those of the warnings that say index.json could not be written (the journal holds all).
        self.index_write_warnings: list[str] = []
        self._index: Index | None = None
        # The stamp of index.json when self._index was read from or written to it (only a file
        # index.head.json names): a transaction reuses the index in memory while the file is
        # still that one (same inode, size, mtime).
        self._index_stamp: Stamp | None = None
        self._unstamped = False  # index.json was read with no index.head.json beside it
        self._locked = False  # this object holds the write lock

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
        """The index brought up to date with the journal (read-only use; no lock taken)."""
        if self._index is None:
            index, why = self._load_index()
            self._catch_up(index, why)
            self._index = index
            if why is not None and self._unstamped and not self._locked:
                self._stamp_old_archive()
        return self._index

    def _stamp_old_archive(self) -> None:
        """An archive written before index.head.json existed: write the index just rebuilt from
        the checked journal, with its head, once, so later reads trust it instead of rebuilding
        every time.  Another writer holding the lock only puts this off to the next write."""
        with contextlib.suppress(LockTimeout, OSError), self.transaction():
            pass

    def _index_signature(self) -> Signature | None:
        try:
            return signature(self.index_path.stat())
        except OSError:
            return None

    def read_index_file(self) -> IndexFile:
        """``index.json`` as it is on disk, and whether it is a file credit wrote.

        Whether it is one is decided by ``index.head.json``: by the file's identity (inode, size,
        mtime), and only when that differs, by the SHA-256 of its content.  A file replaced
        while it is read (a writer racing this reader) is read again.
        """
        for _attempt in range(3):
            try:
                with open(self.index_path, "rb") as handle:
                    identity = signature(os.fstat(handle.fileno()))
                    raw = handle.read()
            except FileNotFoundError:
                return IndexFile("missing")
            except OSError as exc:
                return IndexFile("damaged", error=describe_error(exc))
            stamps = read_stamps(self.head_path)
            if stamps is None:
                state, found, named = "unstamped", None, False
                break
            found = next((item for item in stamps if item.signature == identity), None)
            named = found is not None
            if found is None:
                content = digest(raw)
                if any(item.sha256 == content for item in stamps):
                    inode, size, mtime_ns = identity
                    found = Stamp(content, size, inode, mtime_ns)
            if found is not None:
                state = "written"
                break
            if self._index_signature() == identity:  # not replaced meanwhile: not ours
                state = "altered"
                break
        else:
            state, found, named = "altered", None, False
        try:
            index = parse_index(raw)
        except (ValueError, TypeError, RecursionError) as exc:
            return IndexFile("damaged", error=describe_error(exc))
        return IndexFile(state, index, stamp=found, named=named)

    def _load_index(self) -> tuple[Index, str | None]:
        """The index in index.json if credit wrote that file; else an empty index, to be rebuilt
        from the whole journal by :meth:`_catch_up` (every line checked), and why."""
        found = self.read_index_file()
        self._unstamped = found.state == "unstamped"
        # Only a file the head names may be reused by a transaction and named as the previous
        # file by the next write; anything else is written anew by the next transaction.
        self._index_stamp = found.stamp if found.named else None
        if found.state == "written":
            assert found.index is not None
            return found.index, None
        if found.state == "missing":
            has_events = self.journal.path.exists() and self.journal.path.stat().st_size > 0
            why = _("索引文件不存在") if has_events else None
        elif found.state == "damaged":
            why = _("索引文件 {path} 已损坏（{error}）", path=self.index_path, error=found.error)
        elif found.state == "unstamped":
            why = _(
                "索引文件 {path} 没有可用的校验记录（{head} 缺失或损坏），无法确认未被改动",
                path=self.index_path,
                head=self.head_path.name,
            )
        else:
            why = _(
                "索引文件 {path} 不是 credit 最后写入的文件（被改动或替换）", path=self.index_path
            )
        return Index(), why

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def _read_tail(self, index: Index) -> tuple[list[tuple[dict[str, Any], int]], TornTail | None]:
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
        return self.journal.read(index.journal_offset, first_line=index.last_seq + 1)

    def _catch_up(self, index: Index, why: str | None = None) -> tuple[int, TornTail | None]:
        """Replay the journal after what ``index`` holds; returns how many events, and a torn tail.

        The one way events get from the journal into an index — a tail after the last write, an
        automatic rebuild of a missing or untrusted index.json (``why`` says what was wrong with
        it; it becomes a warning once the rebuild is done), ``credit reindex``: every line is
        checked (sequence, link to the line before, its own hash) before it is applied, and the
        first that does not fit stops it (exit 4, naming the line).
        """
        rebuilding = index.last_seq == 0
        events_, torn = self._read_tail(index)
        for entry, end in events_:
            problem = check_entry(entry, index.last_seq + 1, index.head_hash)
            if problem is not None:
                _reason, message = problem
                if why:
                    raise JournalCorrupt(
                        _("{why}，须根据日志重建，但日志有误：{message}", why=why, message=message),
                        _("运行 credit audit verify 查看详情；从备份恢复日志后再重建"),
                    )
                if rebuilding:
                    raise JournalCorrupt(
                        _("日志有误，不能据此重建索引：{message}", message=message),
                        _("运行 credit audit verify 查看详情；从备份恢复日志后再重建"),
                    )
                raise JournalCorrupt(
                    _("日志有误，不能据此更新索引：{message}", message=message),
                    _("运行 credit audit verify 找出出错的行"),
                )
            events.apply(index, entry)
            index.advance(entry["seq"], entry["hash"], end)
        if why:
            self._warn(_("{why}，已根据日志重建", why=why))
        return len(events_), torn

    # -- writing ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the archive's write lock (released by the OS if this process dies)."""
        from filelock import FileLock, Timeout

        timeout = self.settings.lock_timeout
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

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Lock, bring the index up to date, collect events; on success journal then index.

        Once the journal holds the transaction, it is done: a failure to write index.json
        afterwards (a full disk) is a warning, and the next open replays the journal's tail.
        """
        with self.lock():
            self._clean_temp_files()
            current = self._index_signature()
            # nobody has written index.json since self._index was read from or written to it
            reusable = (
                self._index is not None
                and self._index_stamp is not None
                and current == self._index_stamp.signature
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
            # index.json is behind the journal, missing, or not a file credit wrote
            stale = bool(replayed) or self._index_stamp is None or torn is not None
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
                            "更改已记入日志，但索引文件 {path} 未能更新（{error}）；"
                            "下次打开档案时会根据日志补上",
                            path=self.index_path,
                            error=describe_error(exc),
                        )
                    else:  # nothing changed now: only an earlier change is still to be indexed
                        warning = _(
                            "索引文件 {path} 未能更新（{error}）；下次打开档案时会根据日志补上",
                            path=self.index_path,
                            error=describe_error(exc),
                        )
                    self._warn(warning)
                    self.index_write_warnings.append(warning)
            self._index = index

    def _write_index(self, index: Index) -> None:
        """Replace index.json with ``index``, stamping it in index.head.json first (lock held).

        The head names the new file and the one in place, so a crash between the two writes
        leaves a file the head still names.  On failure index.json is left as it was.
        """
        data = index.to_bytes()
        previous = self._index_stamp
        if previous is not None and self._index_signature() != previous.signature:
            previous = None
        written: list[Stamp] = []

        def stamp_head(stat: os.stat_result) -> None:
            new = stamp(data, stat)
            stamps = [new] if previous is None else [new, previous]
            atomic_write(self.head_path, stamps_bytes(stamps))
            faults.crash_point("index.head_written")
            written.append(new)

        atomic_write(self.index_path, data, fault_prefix="index", before_replace=stamp_head)
        self._index_stamp = written[0]

    def _clean_temp_files(self) -> None:
        for name in (INDEX_FILE, INDEX_HEAD_FILE):
            for temp in self.root.glob(f".{name}.*.tmp"):
                with contextlib.suppress(OSError):
                    temp.unlink()

    def rebuild_index(self) -> Index:
        """Rebuild ``index.json`` from the journal alone (``credit reindex``).

        The same path as the automatic rebuild of a missing or untrusted index: every line of
        the journal is checked before it is applied.
        """
        with self.lock():
            self._clean_temp_files()
            index = Index()
            self._catch_up(index)
            try:
                self._write_index(index)
            except OSError as exc:
                raise ArchiveError(
                    _(
                        "无法写入索引文件 {path}（{error}），原来的索引文件未被改动",
                        path=self.index_path,
                        error=describe_error(exc),
                    ),
                    _("腾出磁盘空间或改正权限后重试"),
                ) from exc
            self._index = index
            return index


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
