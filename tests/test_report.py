"""The one report shape of batch commands: outcome counts → exit code (archive/report.py)."""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from archive.enterprises import ImportReport, RowOutcome
from archive.errors import ExitCode
from archive.ingest import ENCRYPTED, FAILED, FileResult, IngestReport
from archive.letters.issue import IssueReport, LetterRequest
from archive.report import Report, exit_code_for
from cli.base import exit_with

ROOT = Path(__file__).resolve().parents[1]
counts = st.integers(min_value=0, max_value=10_000)


@dataclass
class Batch(Report):
    """A batch of the shape the checks will have: failures, findings and neutral outcomes."""

    FAILURES = frozenset({"failed", "unreadable"})
    FINDINGS = frozenset({"overdue", "missing"})

    seen: list[str] = field(default_factory=list)

    def outcomes(self) -> list[str]:
        return self.seen


OUTCOMES = ["failed", "unreadable", "overdue", "missing", "ok", "duplicate", "skipped"]
batches = st.lists(st.sampled_from(OUTCOMES), max_size=60)


def expected_code(failures: int, findings: int) -> ExitCode:
    """The rule as README states it, written out independently of the code under test."""
    if failures > 0:
        return ExitCode.INPUT_FAILED
    if findings > 0:
        return ExitCode.FINDINGS
    return ExitCode.OK


# -- the rule ------------------------------------------------------------------------------------


@given(counts, counts)
def test_rule_failures_then_findings_then_ok(failures, findings):
    assert exit_code_for(failures, findings) == expected_code(failures, findings)
    assert int(exit_code_for(failures, findings)) in (0, 3, 10)


@given(st.integers(min_value=1), counts)
def test_any_failure_is_3_whatever_the_findings(failures, findings):
    assert exit_code_for(failures, findings) is ExitCode.INPUT_FAILED


def test_the_documented_numbers():
    assert exit_code_for(0) == 0
    assert exit_code_for(0, 0) == 0
    assert exit_code_for(1) == 3
    assert exit_code_for(0, 1) == 10
    assert exit_code_for(2, 5) == 3


@given(st.integers(max_value=-1), counts)
def test_negative_counts_are_refused(negative, other):
    with pytest.raises(ValueError):
        exit_code_for(negative, other)
    with pytest.raises(ValueError):
        exit_code_for(other, negative)


# -- the base class ------------------------------------------------------------------------------


@given(batches)
def test_counts_and_code_follow_the_outcomes(seen):
    report = Batch(list(seen))
    tally = Counter(seen)
    assert report.counts() == tally
    for outcome in OUTCOMES:
        assert report.count(outcome) == tally[outcome]
    failures = tally["failed"] + tally["unreadable"]
    findings = tally["overdue"] + tally["missing"]
    assert report.failure_count == failures
    assert report.finding_count == findings
    assert report.failed is (failures > 0)
    assert report.exit_code == expected_code(failures, findings)


@given(batches, st.randoms())
def test_order_does_not_matter(seen, random):
    shuffled = list(seen)
    random.shuffle(shuffled)
    assert Batch(shuffled).exit_code == Batch(list(seen)).exit_code
    assert Batch(shuffled).counts() == Batch(list(seen)).counts()


@given(batches, st.lists(st.sampled_from(["ok", "duplicate", "skipped"]), min_size=1))
def test_neutral_outcomes_never_change_the_code(seen, neutral):
    assert Batch(seen + neutral).exit_code == Batch(list(seen)).exit_code


@given(batches, st.sampled_from(["failed", "unreadable"]))
def test_one_more_failure_always_gives_3(seen, failure):
    assert Batch([*seen, failure]).exit_code is ExitCode.INPUT_FAILED


@given(st.lists(st.sampled_from(["overdue", "missing", "ok", "skipped"]), max_size=40))
def test_findings_without_failures_give_10(seen):
    code = Batch(list(seen)).exit_code
    assert code == (ExitCode.FINDINGS if {"overdue", "missing"} & set(seen) else ExitCode.OK)


def test_a_report_must_say_its_outcomes():
    with pytest.raises(NotImplementedError):
        Report().exit_code  # noqa: B018


# -- the three batch reports ---------------------------------------------------------------------

INGEST = ["ingested", "duplicate", "unmatched", FAILED, ENCRYPTED, "needs-ocr", "skipped"]


@given(st.lists(st.sampled_from(INGEST), max_size=40))
def test_ingest_report_fails_on_failed_and_encrypted_files(statuses):
    report = IngestReport([FileResult(path=f"f{i}.pdf", status=s) for i, s in enumerate(statuses)])
    failures = statuses.count(FAILED) + statuses.count(ENCRYPTED)
    assert report.failure_count == failures
    assert report.finding_count == 0
    assert report.exit_code == expected_code(failures, 0)
    for status in INGEST:
        assert report.count(status) == statuses.count(status)


ISSUE = ["issued", "already_issued", "in_progress", "planned", "failed", "skipped"]


@given(st.lists(st.sampled_from(ISSUE), max_size=40))
def test_issue_report_fails_on_failed_letters(statuses):
    letters = [
        LetterRequest(template="commitment", addressee="x", name="x", year=2026, status=status)
        for status in statuses
    ]
    report = IssueReport(letters=letters, out_dir=Path("out"), dry_run=False)
    # A letter another batch is still making is not issued yet: not done, exit 3 as a failure.
    not_done = statuses.count("failed") + statuses.count("in_progress")
    assert report.exit_code == expected_code(not_done, 0)
    assert report.failed is (not_done > 0)
    for status in ISSUE:
        assert report.count(status) == statuses.count(status)


IMPORT = ["add", "update", "unchanged", "error"]


@given(st.lists(st.sampled_from(IMPORT), max_size=40), st.integers(min_value=0, max_value=3))
def test_import_report_fails_on_error_rows_and_file_problems(actions, file_problems):
    report = ImportReport(
        path=Path("名册.csv"),
        mapping={},
        ignored_columns=[],
        rows=[
            RowOutcome(row=i + 2, credit_code=None, name=None, action=action)
            for i, action in enumerate(actions)
        ],
        file_problems=[{"row": None, "reason": "no_header"}] * file_problems,
        dry_run=True,
    )
    failures = actions.count("error") + file_problems
    assert report.failure_count == failures
    assert report.ok is (failures == 0)
    assert report.exit_code == expected_code(failures, 0)
    # file problems belong to no row: the row counts (JSON "counts") stay the rows'
    assert report.count("error") == actions.count("error")


# -- the commands take the code from the report ---------------------------------------------------


@given(batches)
def test_exit_with_ends_the_command_with_the_reports_code(seen):
    @click.command()
    def batch() -> None:
        click.echo("done")
        exit_with(Batch(list(seen)))

    result = CliRunner().invoke(batch, [])
    assert result.exit_code == int(Batch(list(seen)).exit_code)
    assert result.output == "done\n"


BATCH_COMMANDS = ["ingest.py", "letters.py", "enterprise.py"]


@pytest.mark.parametrize("module", BATCH_COMMANDS)
def test_batch_commands_do_not_pick_their_own_exit_code(module):
    """3 and 10 come from the report (``exit_with``, ``report.exit_code``), never from the command."""
    tree = ast.parse((ROOT / "cli" / "commands" / module).read_text(encoding="utf-8"))
    named = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "ExitCode"
    }
    assert not named & {"INPUT_FAILED", "FINDINGS"}
    source = ast.unparse(tree)
    assert "exit_with(report)" in source or "exit_code=report.exit_code" in source
