"""Durable file writes: temp file, fsync, atomic replace, fsync of the folder."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from archive import faults


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (no-op where unsupported)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(
    path: Path,
    data: bytes,
    *,
    fault_prefix: str | None = None,
    before_replace: Callable[[os.stat_result], None] | None = None,
    sync_dir: bool = True,
) -> os.stat_result:
    """Replace ``path`` with ``data`` so that readers see the old or the new file, never half.

    ``fault_prefix`` names the crash points of this write (``index`` →
    ``index.temp_half``, ``index.temp_written``, ``index.replaced``).  ``before_replace`` is
    called with the complete temp file's ``stat`` (inode, size and mtime stay the same after the
    rename) just before it replaces ``path``.  When anything fails (a full disk, Ctrl-C) the temp
    file is removed and ``path`` is left as it was.  Returns the new file's ``stat``.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            if fault_prefix and faults.armed(f"{fault_prefix}.temp_half"):
                handle.write(data[: len(data) // 2])
                handle.flush()
                os.fsync(handle.fileno())
                faults.crash_point(f"{fault_prefix}.temp_half")
            if fault_prefix and faults.armed(f"{fault_prefix}.disk_full"):
                handle.write(data[: len(data) // 2])
                handle.flush()
                faults.disk_full(f"{fault_prefix}.disk_full")
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            stat = os.fstat(handle.fileno())
        if fault_prefix:
            faults.crash_point(f"{fault_prefix}.temp_written")
        if before_replace is not None:
            before_replace(stat)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if sync_dir:  # else the caller fsyncs the folder once after several files
        fsync_dir(path.parent)
    if fault_prefix:
        faults.crash_point(f"{fault_prefix}.replaced")
    return stat
