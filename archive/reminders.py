"""催报 in one batch: the gaps of a monthly check, each turned into a reminder notice.

``credit monthly-check --remind`` checks a month (:func:`archive.monthly.check`) and issues,
through the letters machinery (:func:`archive.letters.issue.issue_letters`: serials, QR code,
manifest), one ``notice_monthly_reminder_enterprise`` to every enterprise whose report for the
month is missing or incomplete, and one ``notice_monthly_reminder_section`` to every section
whose monthly material is.  The notice lists what is missing: the whole report (or material),
the topics left empty, "未签字".

**The same gap.**  A reminder is the same letter when it goes to the same addressee about the
same month with the same missing items (in the same year of issue, as every letter's key has
it).  Its deadline -- ``monthly.remind_workdays`` working days after the check's as-of date --
is printed but is not part of what makes it the same (the letters' ``key_facts``): running the
check again the next day finds the letter already issued; a gap that changed (the missing
report came in, but with two topics empty) is a new gap and gets its own notice.  ``--reissue``
issues again with a new serial and a new deadline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from archive.ingest import DOCUMENTS
from archive.letters.issue import IssueReport, LetterRequest, issue_letters, notice_request
from archive.monthly import (
    INCOMPLETE,
    KIND_SECTION,
    MISSING,
    MonthlyReport,
    Requirement,
    check,
    requirements,
)
from archive.report import Report
from archive.store import Archive
from archive.workdays import calendar_for

ENTERPRISE_TEMPLATE = "notice_monthly_reminder_enterprise"
SECTION_TEMPLATE = "notice_monthly_reminder_section"
KEY_FACTS = ("period", "missing")


def missing_items(
    row: dict[str, Any], requirement: Requirement | None, items_listed: int | None = None
) -> list[str]:
    """What a reminder asks for, from one row of the check (missing or incomplete).

    The items are the notice's own text, in Chinese whatever the language of the messages
    (like the rest of the document), so the same gap is the same letter in any language."""
    name = row["requirement"]
    if row["status"] == MISSING:
        return [f"{name}（未报送）"]
    items = [f"{name}：“{topic}”栏目未填写" for topic in row.get("topics_missing") or []]
    if (
        row["kind"] == KIND_SECTION
        and requirement is not None
        and (items_listed or 0) < requirement.min_items
    ):
        items.append(f"{name}：所列资料不足 {requirement.min_items} 项")
    if requirement is not None and requirement.signed and not row.get("signed"):
        items.append(f"{name}：未签字（或未填日期）")
    if not items:
        items.append(f"{name}：内容不完整")
    return items


def _items_listed(archive: Archive, row: dict[str, Any]) -> int | None:
    """How many items the section submission that counts lists (None: no document)."""
    if row["kind"] != KIND_SECTION or not row.get("document"):
        return None
    record = archive.index().table(DOCUMENTS).record(row["document"]["sha256"]) or {}
    return len((record.get("fields") or {}).get("items") or [])


def reminder_deadline(archive: Archive, as_of: date) -> date:
    """The deadline a reminder gives: ``monthly.remind_workdays`` working days after as-of."""
    days = int(archive.settings["monthly.remind_workdays"])
    return calendar_for(archive).add_days(as_of, days, workdays=True)


def reminder_requests(archive: Archive, report: MonthlyReport, *, year: int) -> list[LetterRequest]:
    """One reminder per enterprise or section with a gap in ``report`` (its rows missing or
    incomplete; an unregistered code has no addressee), in the check's order."""
    gaps: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in report.rows:
        if row["status"] not in (MISSING, INCOMPLETE):
            continue
        owner = (
            (KIND_SECTION, row["section"])
            if row["kind"] == KIND_SECTION
            else ("enterprise", row["credit_code"])
        )
        gaps.setdefault(owner, []).append(row)
    if not gaps:
        return []
    deadline = reminder_deadline(archive, report.as_of)
    by_name = {requirement.name: requirement for requirement in requirements(archive)}
    requests = []
    for (kind, owner), rows in gaps.items():
        facts = {
            "period": report.month,
            "missing": [
                item
                for row in rows
                for item in missing_items(
                    row, by_name.get(row["requirement"]), _items_listed(archive, row)
                )
            ],
            "deadline": deadline,
        }
        if kind == KIND_SECTION:
            request = notice_request(
                archive, SECTION_TEMPLATE, section=owner, facts=facts, year=year
            )
        else:
            request = notice_request(
                archive, ENTERPRISE_TEMPLATE, credit_code=owner, facts=facts, year=year
            )
        request.key_facts = KEY_FACTS
        requests.append(request)
    return requests


@dataclass
class RemindReport(Report):
    """The check and the letters it led to: exit 3 when a letter failed (or another batch is
    still making it), else 10 when the check found gaps, else 0."""

    FAILURES = IssueReport.FAILURES
    FINDINGS = MonthlyReport.FINDINGS

    check: MonthlyReport
    letters: IssueReport

    def outcomes(self) -> Iterator[str]:
        yield from self.check.outcomes()
        yield from self.letters.outcomes()


def remind(
    archive: Archive,
    month: str | None,
    as_of: date,
    *,
    section: str | None = None,
    industry: str | None = None,
    town: str | None = None,
    out_dir: Path | None = None,
    issue_date: date | None = None,
    dry_run: bool = False,
    reissue: bool = False,
    on_progress: Callable[[LetterRequest], None] | None = None,
) -> RemindReport:
    """``credit monthly-check --remind``: check ``month`` at ``as_of`` and issue a reminder for
    each gap found (see the module's docstring)."""
    found = check(archive, month, as_of, section=section, industry=industry, town=town)
    issue_date = issue_date or date.today()
    requests = reminder_requests(archive, found, year=issue_date.year)
    letters = issue_letters(
        archive,
        requests,
        out_dir=out_dir,
        issue_date=issue_date,
        dry_run=dry_run,
        reissue=reissue,
        on_progress=on_progress,
    )
    return RemindReport(check=found, letters=letters)
