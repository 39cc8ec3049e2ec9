"""Finding the files of an ingest: folders walked safely, junk skipped, zips opened safely.

Links that leave the folder are skipped and listed; a folder reached twice (a link loop)
is walked once.  File names that are not valid UTF-8 are shown with ``\\xNN`` escapes, never
crash the run.  A zip's members are extracted to a private temporary folder — never outside
it — with caps on the number of members, their total size and the compression ratio; a
Windows zip's GBK member names are decoded as GBK.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archive.i18n import N_, _, describe_error

NOT_A_FILE = N_("既不是文件夹，也不是普通文件（设备、管道等），无法归档")

JUNK_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}
JUNK_PATTERNS = ("~$*", ".~lock.*#", "*.tmp", "~*.tmp")

ZIP_MAX_MEMBERS = 2000
ZIP_MAX_TOTAL = 1024 * 1024 * 1024  # 1 GiB uncompressed
ZIP_MAX_RATIO = 100  # uncompressed / compressed, per member
ZIP_MAX_MEMBER = 200 * 1024 * 1024


@dataclass
class Candidate:
    """A file to ingest: where it is on disk now, and how to name it to the user."""

    path: Path  # readable file (a zip member is extracted to a temp folder)
    display: str  # the name shown to the user (zip members: "a.zip!dir/b.pdf")
    source: Path | None  # the original file on disk (None for zip members), for --move
    skipped: str | None = None  # reason, when the file is skipped without reading
    failed: bool = False  # the reason is a failure (unreadable, broken zip), not a skip


def display_name(path: Path | str) -> str:
    """A printable file name: undecodable bytes become ``\\xNN``."""
    text = os.fspath(path)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def opens_as_archive(name: str, media: str) -> bool:
    """Whether a file is opened as a zip of documents: its content is a zip archive (``media``
    from :func:`parsers.detect.detect_type`) *and* its name ends in ``.zip``.  A .docx, .xlsx
    or .ofd is a zip too, but never a folder of documents.

    >>> opens_as_archive("文书.zip", "zip"), opens_as_archive("决定书.docx", "zip")
    (True, False)
    >>> opens_as_archive("打包.ZIP", "zip"), opens_as_archive("打包.zip", "pdf")
    (True, False)
    """
    return media == "zip" and name.lower().endswith(".zip")


def is_junk(name: str) -> bool:
    lowered = name.lower()
    if lowered in JUNK_NAMES or name.startswith("."):
        return True
    return any(fnmatch.fnmatch(name, pattern) for pattern in JUNK_PATTERNS)


def walk(folders: list[Path], *, exclude: Path | None = None) -> Iterator[Candidate]:
    """Every file under ``folders`` (files given directly are taken as they are).

    ``exclude`` (the archive's own folder) is not walked into when a folder holds it.
    """
    for folder in folders:
        folder = Path(folder)
        if folder.is_file():
            yield Candidate(folder, display_name(folder), folder)
            continue
        if not folder.is_dir():  # a device, a pipe, a socket: nothing we can read as a file
            yield Candidate(folder, display_name(folder), None, _(NOT_A_FILE), failed=True)
            continue
        root = folder.resolve()
        seen_dirs: set[tuple[int, int]] = set()
        if exclude is not None and exclude.is_dir() and exclude.resolve() != root:
            excluded = exclude.stat()
            seen_dirs.add((excluded.st_dev, excluded.st_ino))
            if _inside(exclude.resolve(), root):
                shown = display_name(folder / exclude.resolve().relative_to(root))
                yield Candidate(exclude, shown, None, _("这是档案文件夹本身，其中的文件不再归档"))
        yield from _walk_dir(folder, root, seen_dirs)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _walk_dir(folder: Path, root: Path, seen: set[tuple[int, int]]) -> Iterator[Candidate]:
    try:
        stat = folder.stat()
    except OSError as exc:
        reason = _("无法读取文件夹：{error}", error=describe_error(exc))
        yield Candidate(folder, display_name(folder), None, reason, failed=True)
        return
    key = (stat.st_dev, stat.st_ino)
    if key in seen:
        return  # a link loop: this folder was walked already
    seen.add(key)
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        reason = _("无法读取文件夹：{error}", error=describe_error(exc))
        yield Candidate(folder, display_name(folder), None, reason, failed=True)
        return
    for entry in entries:
        path = Path(entry.path)
        if is_junk(entry.name):
            continue
        if entry.is_symlink():
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                yield Candidate(path, display_name(path), None, _("链接指向的文件不存在"))
                continue
            if not _inside(target, root):
                yield Candidate(path, display_name(path), None, _("链接指向所选文件夹之外，已跳过"))
                continue
        try:
            if entry.is_dir():
                yield from _walk_dir(path, root, seen)
            elif entry.is_file():
                yield Candidate(path, display_name(path), path)
            else:  # a pipe, a socket, a device: never opened (reading a pipe would block)
                yield Candidate(path, display_name(path), None, _(NOT_A_FILE), failed=True)
        except OSError as exc:
            reason = _("无法读取：{error}", error=describe_error(exc))
            yield Candidate(path, display_name(path), None, reason, failed=True)


def _member_name(info: zipfile.ZipInfo) -> str:
    """Member name as the zip's author meant it: flag 0x800 is UTF-8, else often GBK."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _unsafe(name: str) -> bool:
    normalised = name.replace("\\", "/")
    parts = normalised.split("/")
    return (
        normalised.startswith("/") or ".." in parts or (len(parts[0]) == 2 and parts[0][1] == ":")
    )


class ZipExpansion:
    """Members of one zip file, extracted into a private temporary folder (removed on close)."""

    def __init__(self, candidate: Candidate):
        self.candidate = candidate
        self.folder = Path(tempfile.mkdtemp(prefix="credit-zip-"))

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def members(self) -> Iterator[Candidate]:
        outer = self.candidate.display
        try:
            archive = zipfile.ZipFile(self.candidate.path)
        except (zipfile.BadZipFile, OSError) as exc:
            reason = _("压缩包已损坏：{error}", error=describe_error(exc))
            yield Candidate(self.candidate.path, outer, None, reason, failed=True)
            return
        with archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
            if len(infos) > ZIP_MAX_MEMBERS:
                yield Candidate(
                    self.candidate.path,
                    outer,
                    None,
                    _(
                        "压缩包内文件过多（{count} 个，上限 {limit}），未解开",
                        count=len(infos),
                        limit=ZIP_MAX_MEMBERS,
                    ),
                )
                return
            total = sum(info.file_size for info in infos)
            if total > ZIP_MAX_TOTAL:
                yield Candidate(self.candidate.path, outer, None, _("压缩包解开后过大，未解开"))
                return
            if not any(
                not is_junk(_member_name(info).replace("\\", "/").rsplit("/", 1)[-1])
                for info in infos
            ):
                # A valid zip with nothing in it: nothing is lost and nothing is broken, so it
                # is skipped (not failed), but said so rather than left out of the counts.
                yield Candidate(self.candidate.path, outer, None, _("压缩包里没有文件"))
                return
            for number, info in enumerate(infos):
                name = _member_name(info)
                shown = f"{outer}!{display_name(name)}"
                base = name.replace("\\", "/").rsplit("/", 1)[-1]
                if _unsafe(name):
                    yield Candidate(
                        self.candidate.path,
                        shown,
                        None,
                        _("压缩包成员的路径不安全（含 .. 或绝对路径），已跳过"),
                    )
                    continue
                if is_junk(base):
                    continue
                ratio = info.file_size / max(1, info.compress_size)
                if info.file_size > ZIP_MAX_MEMBER or (
                    info.file_size > 1024 * 1024 and ratio > ZIP_MAX_RATIO
                ):
                    yield Candidate(
                        self.candidate.path,
                        shown,
                        None,
                        _("压缩包成员解开后过大（疑似压缩炸弹），已跳过"),
                    )
                    continue
                # Extract under a numbered name: the member's own name never reaches the disk.
                target = self.folder / f"{number:05d}{Path(base).suffix[:10]}"
                try:
                    with archive.open(info) as source, open(target, "wb") as sink:
                        remaining = ZIP_MAX_MEMBER + 1
                        while chunk := source.read(min(1024 * 1024, remaining)):
                            sink.write(chunk)
                            remaining -= len(chunk)
                            if remaining <= 0:
                                break
                except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
                    yield Candidate(
                        self.candidate.path,
                        shown,
                        None,
                        _("无法解开压缩包成员：{error}", error=describe_error(exc)),
                        failed=True,
                    )
                    continue
                yield Candidate(target, shown, None)
