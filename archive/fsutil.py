"""Durable file writes: temp file, fsync, atomic replace, fsync of the folder."""

from __future__ import annotations

import os
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


def atomic_write(path: Path, data: bytes, *, fault_prefix: str | None = None) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new file, never half.

    ``fault_prefix`` names the crash points of this write (``index`` →
    ``index.temp_half``, ``index.temp_written``, ``index.replaced``).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        if fault_prefix and faults.armed(f"{fault_prefix}.temp_half"):
            handle.write(data[: len(data) // 2])
            handle.flush()
            os.fsync(handle.fileno())
            faults.crash_point(f"{fault_prefix}.temp_half")
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    if fault_prefix:
        faults.crash_point(f"{fault_prefix}.temp_written")
    os.replace(tmp, path)
    fsync_dir(path.parent)
    if fault_prefix:
        faults.crash_point(f"{fault_prefix}.replaced")
