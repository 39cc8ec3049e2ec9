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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive import events
from archive.errors import ArchiveError, CreditError, JournalCorrupt, LockTimeout, UsageError
from archive.fsutil import atomic_write, fsync_dir
from archive.i18n import _, describe_error
from archive.index import Index, load_index
from archive.journal import Journal, TornTail, canonical, make_entry, now_iso, seal
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
        self.warnings: list[str] = []
        self._index: Index | None = None
        # (inode, size, mtime) of index.json when self._index was read from or written to it:
        # a transaction reuses the index in memory while the file is still that one.
        self._index_file: tuple[int, int, int] | None = None

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
            index = self._load_index()
            events_, _torn = self._read_tail(index)
            for entry, end in events_:
                self._replay(index, entry, end)
            self._index = index
        return self._index

    def _index_signature(self) -> tuple[int, int, int] | None:
        try:
            stat = self.index_path.stat()
        except OSError:
            return None
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def _load_index(self) -> Index:
        self._index_file = self._index_signature()
        if not self.index_path.exists():
            if self.journal.path.exists() and self.journal.path.stat().st_size:
                self.warnings.append(_("索引文件不存在，已根据日志重建"))
            return Index()
        try:
            return load_index(self.index_path)
        except (ValueError, TypeError, OSError, RecursionError) as exc:
            self.warnings.append(
                _(
                    "索引文件 {path} 已损坏（{error}），已根据日志重建",
                    path=self.index_path,
                    error=exc,
                )
            )
            return Index()

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
        return self.journal.read(index.journal_offset)

    def _replay(self, index: Index, entry: dict[str, Any], end: int) -> None:
        if entry.get("seq") != index.last_seq + 1 or entry.get("prev") != index.head_hash:
            raise JournalCorrupt(
                _("日志第 {seq} 条与索引接不上：日志可能被改动", seq=entry.get("seq")),
                _("运行 credit audit verify 找出出错的行"),
            )
        events.apply(index, entry)
        index.advance(entry["seq"], entry["hash"], end)

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
        try:
            yield
        finally:
            lock.release()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Lock, bring the index up to date, collect events; on success journal then index."""
        with self.lock():
            self._clean_temp_files()
            current = self._index_signature()
            if self._index is not None and current is not None and current == self._index_file:
                index = self._index  # nobody has written the index since we read it
            else:
                index = self._load_index()
            self._index = None  # until this transaction ends well, the copy in memory is suspect
            events_, torn = self._read_tail(index)
            for entry, end in events_:
                self._replay(index, entry, end)
            if torn is not None:
                moved = self.journal.set_aside_torn_tail(torn)
                self.warnings.append(
                    _(
                        "日志末尾有一行未写完（上次写入时进程中断，该操作未完成），已移到 {path}",
                        path=moved.moved_to,
                    )
                )
            stale = bool(events_) or not self.index_path.exists() or torn is not None
            tx = Transaction(
                index=index, actor=self.actor, time=now_iso(), offset=index.journal_offset
            )
            yield tx
            if tx.entries:
                tx.seal()
                self.journal.append(tx.entries)
            if tx.entries or stale:
                atomic_write(self.index_path, index.to_bytes(), fault_prefix="index")
                self._index_file = self._index_signature()
            self._index = index

    def _clean_temp_files(self) -> None:
        for temp in self.root.glob(f".{INDEX_FILE}.*.tmp"):
            with contextlib.suppress(OSError):
                temp.unlink()

    def rebuild_index(self) -> Index:
        """Rebuild ``index.json`` from the journal alone (``credit reindex``)."""
        with self.lock():
            report = self.journal.verify()
            if not report.ok:
                raise JournalCorrupt(
                    _("日志有误，不能据此重建索引：{message}", message=report.message),
                    _("运行 credit audit verify 查看详情；从备份恢复日志后再重建"),
                )
            index = Index()
            events_, _torn = self.journal.read(0)
            for entry, end in events_:
                self._replay(index, entry, end)
            atomic_write(self.index_path, index.to_bytes(), fault_prefix="index")
            self._index_file = self._index_signature()
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
    folder: Path, *, bureau: str | None = None, county: str | None = None, actor: str | None = None
) -> Archive:
    """Create an archive in ``folder`` (made if missing); refuse to touch an existing one."""
    folder = folder.expanduser()
    if (folder / SETTINGS_FILE).exists() or (folder / JOURNAL_FILE).exists():
        raise CreditError(
            _("{path} 已经是档案文件夹，不会覆盖", path=folder),
            _("换一个文件夹，或直接在该档案上工作"),
        )
    if folder.exists() and not folder.is_dir():
        raise CreditError(_("{path} 不是文件夹", path=folder))
    bureau, county = bureau_and_county(bureau, county)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name in FOLDERS:
            (folder / name).mkdir(parents=True, exist_ok=True)
        atomic_write(folder / SETTINGS_FILE, render_template(bureau, county).encode("utf-8"))
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
            "archive.created", {"bureau": bureau, "county": county, "tool_version": __version__}
        )
    return archive


@events.reducer("archive.created")
def _archive_created(index: Index, entry: dict[str, Any]) -> None:
    info = dict(entry["data"])
    info["created_at"] = entry["time"]
    index.table("archive").put("info", info)
