"""Fault injection for crash tests.

``CREDIT_FAULT=<point>`` makes the process die (``os._exit``) when it reaches that point,
as a power cut or ``kill -9`` would.  The points, in the order a write passes them:

``journal.half``      half of the new journal lines written, not fsynced
``journal.fsynced``   journal lines written and fsynced, index not yet touched
``index.temp_half``   half of the first changed index part written to its temp file
``index.temp_written`` that temp file complete and fsynced, not yet renamed
``index.replaced``    the first part in place, the others not yet written (between two parts)
``index.parts_written`` every changed part written, head.json not yet replaced
``index.head.temp_written`` the new head.json complete in its temp file, not yet replaced
``index.head.replaced`` head.json replaced, files no head names not yet removed, lock held

``CREDIT_FAULT=<point>`` with one of ``KILL_POINTS`` makes the process send itself SIGKILL
there (a real ``kill -9``, where a test could not time one from outside):

``ingest.copy_half``  half of a document copied into its ``.….part`` file in the archive

``CREDIT_FAULT=<point>`` with one of ``LETTER_POINTS`` makes a batch of letters die there:

``letters.recorded``  the batch's ``letter.issued`` events committed, the files still in its
                      staging folder (not yet moved into ``out/``)

``CREDIT_FAULT=<point>`` with one of ``DISK_FULL_POINTS`` makes the write there fail as on a
full disk instead (half written, then ``OSError(ENOSPC)``):

``journal.disk_full``  appending the new journal lines
``index.disk_full``    writing the first changed index part to its temp file (the journal already holds the change)

Nothing happens unless the variable is set; production code pays one dict lookup.
"""

from __future__ import annotations

import errno
import os

POINTS = (
    "journal.half",
    "journal.fsynced",
    "index.temp_half",
    "index.temp_written",
    "index.replaced",
    "index.parts_written",
    "index.head.temp_written",
    "index.head.replaced",
)
KILL_POINTS = ("ingest.copy_half",)
LETTER_POINTS = ("letters.recorded",)
DISK_FULL_POINTS = ("journal.disk_full", "index.disk_full")
EXIT_STATUS = 86


def armed(point: str) -> bool:
    """True when the process is asked to die at ``point``."""
    return os.environ.get("CREDIT_FAULT") == point


def crash_point(point: str) -> None:
    """Die here if asked to."""
    if armed(point):
        os._exit(EXIT_STATUS)


def kill_point(point: str) -> None:
    """Be killed here (SIGKILL, nothing cleaned up) if asked to."""
    if armed(point):
        import signal

        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def disk_full(point: str) -> None:
    """Fail here as a write to a full disk does, if asked to."""
    if armed(point):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
