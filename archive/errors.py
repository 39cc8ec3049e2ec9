"""One family of errors for everything the library refuses to do.

Each error carries a message for people, a hint they can act on and the exit code the
command line ends with.  The command line prints ``错误：…`` and ``提示：…`` on stderr; the
library never prints.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Documented exit codes of ``credit`` (README, "退出码")."""

    OK = 0
    ERROR = 1
    USAGE = 2
    INPUT_FAILED = 3  # some input files failed
    ARCHIVE = 4  # lock timeout, corrupt journal, no archive
    TEMPLATE = 5
    FINDINGS = 10  # findings that need action
    INTERRUPTED = 130
    BROKEN_PIPE = 141  # stdout closed by its reader (128 + SIGPIPE), as `| head` expects


class CreditError(Exception):
    """Base of all errors ``credit`` reports to its users."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, hint: str | None = None, *, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        if exit_code is not None:
            self.exit_code = ExitCode(exit_code)

    def __str__(self) -> str:
        return self.message


class UsageError(CreditError):
    """Options or arguments that do not fit together."""

    exit_code = ExitCode.USAGE


class InputError(CreditError):
    """A file or value given by the user cannot be used (bad roster, bad code …)."""

    exit_code = ExitCode.ERROR


class ArchiveError(CreditError):
    """The archive cannot be found, locked, read or trusted."""

    exit_code = ExitCode.ARCHIVE


class ArchiveNotFound(ArchiveError):
    pass


class LockTimeout(ArchiveError):
    pass


class JournalCorrupt(ArchiveError):
    pass


class NotFound(CreditError):
    """A looked-up thing (an enterprise, an event) does not exist."""

    exit_code = ExitCode.ERROR


class TemplateError(CreditError):
    exit_code = ExitCode.TEMPLATE
