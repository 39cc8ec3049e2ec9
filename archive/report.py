"""What a batch command reports: how each input came out, and the exit code that follows.

A batch (``ingest``, ``enterprise import``, ``gen-commitment``/``gen-notice`` and the checks
that come next) works through many inputs, keeps going past the bad ones and records one
outcome per input.  Its report counts the outcomes and derives the exit code from the counts,
as black's ``Report`` does; the command takes the code from the report and never decides it
itself.  The rule (README, "退出码"):

==  ===============================================================================
0   every input went through (``ExitCode.OK``)
3   some inputs failed, the rest was done (``ExitCode.INPUT_FAILED``)
10  nothing failed, but there are findings that need action (``ExitCode.FINDINGS``)
==  ===============================================================================

A failure outranks findings: a run in which something failed is not complete, so its
findings may be incomplete too, and a script must see that first.  Outcomes that are neither
failures nor findings (``ingested``, ``duplicate``, ``skipped`` …) never change the code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import ClassVar

from archive.errors import ExitCode


def exit_code_for(failures: int, findings: int = 0) -> ExitCode:
    """The exit code of a batch with ``failures`` failed inputs and ``findings`` findings."""
    if failures < 0 or findings < 0:
        raise ValueError(f"counts cannot be negative: failures={failures}, findings={findings}")
    if failures:
        return ExitCode.INPUT_FAILED
    if findings:
        return ExitCode.FINDINGS
    return ExitCode.OK


class Report:
    """Base of a batch's report: outcome counts → exit code.

    A subclass (usually a dataclass holding its per-input results) implements ``outcomes()``,
    one outcome name per input, and names which outcomes are failures (``FAILURES``) and which
    are findings that need action (``FINDINGS``).  A failure that belongs to no single input
    (a roster whose header cannot be read) is added by overriding ``failure_count``.
    """

    FAILURES: ClassVar[frozenset[str]] = frozenset()
    FINDINGS: ClassVar[frozenset[str]] = frozenset()

    def outcomes(self) -> Iterable[str]:
        """The outcome of each input, in order."""
        raise NotImplementedError

    def counts(self) -> Counter[str]:
        """How many inputs came out each way."""
        return Counter(self.outcomes())

    def count(self, outcome: str) -> int:
        """How many inputs came out as ``outcome``."""
        return sum(1 for seen in self.outcomes() if seen == outcome)

    @property
    def failure_count(self) -> int:
        return sum(1 for outcome in self.outcomes() if outcome in self.FAILURES)

    @property
    def finding_count(self) -> int:
        return sum(1 for outcome in self.outcomes() if outcome in self.FINDINGS)

    @property
    def failed(self) -> bool:
        """Whether some input failed."""
        return self.failure_count > 0

    @property
    def exit_code(self) -> ExitCode:
        """The exit code the command ends with (see the module's docstring)."""
        return exit_code_for(self.failure_count, self.finding_count)
