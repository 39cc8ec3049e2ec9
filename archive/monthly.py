"""The monthly check: who owes which monthly document, and who sent it, late, incomplete or not.

What is owed is data (``[[monthly.requirements]]`` in credit.toml, :mod:`archive.settings`):
by default every enterprise owes the 安全生产诚信履行情况报告表 (三(四): the seven topics filled
in, signed) by the 5th working day of the next month, and every section (股室、大队) owes its
monthly material to 政策法规股 by the month's last working day (四(三)).

**Who owes a month.**  An enterprise owes the months from the archive's start month
(``archive.start``, ``credit init --start``; else the month the archive was made) -- or, when
the register has its 纳入监管日期 (``since``), from the first whole month under supervision (a
``since`` on the 1st owes that month, a ``since`` on the 16th owes from the next month) --
until it is closed: a month whose due date falls on or after the day it closed is not owed
(it closed before it had to report).  Such borderline months are listed as ``not_owed`` with
the reason; months long before or after are not listed at all.

**Which document counts.**  A report names its month (``period``) and counts for that month
only.  It counts from the day it was received (``received_on``: ``credit ingest --received``,
else the day it was ingested; a document received after the as-of date is not seen).  Of
several reports for one month the earliest complete one counts; without a complete one, the
latest incomplete one is shown; the others are listed as ``duplicates``.  A complete report
received on or before the deadline (the due date plus the grace period) is ``on_time``, after it
``late`` (it still counts); only incomplete reports: ``incomplete``; none: ``missing`` once the
deadline has passed, ``not_due`` before.  A monthly report of a code not in the register waits
in the inbox (``credit ingest`` could not file it) and is listed as ``unregistered``.

**Never a guess.**  A due date or a count of working days the calendar cannot make (a year
neither chinesecalendar nor holidays.toml has) makes the row ``uncounted`` with the reason (a
failure: exit 3; the whole check fails with exit 1 when no row could be judged) -- except what
is certain without it: a known due date is judged (only ``days_late`` stays None when counting
it needs the year), and a due date in the missing year cannot be before
:func:`earliest_deadline` (``not_due`` before it; a complete report received by it ``on_time``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from archive import dossier
from archive.enterprises import CLOSED, check_filters
from archive.enterprises import TABLE as ENTERPRISES
from archive.errors import UsageError
from archive.i18n import N_, _, join_items
from archive.index import owner_bucket
from archive.ingest import SUBMISSIONS, UNMATCHED_TABLE
from archive.report import Report
from archive.settings import (
    COUNT_WORKDAYS,
    DUE_DAY,
    DUE_LAST_WORKDAY,
    DUE_WORKDAY,
    WHO_ENTERPRISE,
    WHO_SECTION,
    check_month,
)
from archive.store import Archive
from archive.workdays import CalendarGap, WorkCalendar, calendar_for

ON_TIME = "on_time"
LATE = "late"
MISSING = "missing"
INCOMPLETE = "incomplete"
NOT_DUE = "not_due"
NOT_OWED = "not_owed"
UNREGISTERED = "unregistered"
UNCOUNTED = "uncounted"  # a date the working-day calendar cannot count (holidays.toml lacks a year)
STATUSES = (ON_TIME, LATE, INCOMPLETE, MISSING, NOT_DUE, NOT_OWED, UNREGISTERED, UNCOUNTED)
STATUS_LABELS = {
    ON_TIME: N_("按时"),
    LATE: N_("逾期提交"),
    MISSING: N_("未提交"),
    INCOMPLETE: N_("不完整"),
    NOT_DUE: N_("未到期"),
    NOT_OWED: N_("无需报送"),
    UNREGISTERED: N_("未登记单位"),
    UNCOUNTED: N_("无法计算"),
}
# Each status's one-character mark (``enterprise show``'s 12-month row).
STATUS_MARKS = {
    ON_TIME: "✓",
    LATE: "!",
    MISSING: "✗",
    INCOMPLETE: "◐",
    NOT_DUE: "·",
    NOT_OWED: " ",
    UNREGISTERED: "?",
    UNCOUNTED: "?",
}
KIND_ENTERPRISE = "enterprise"
KIND_SECTION = "section"
COUNTED = (ON_TIME, LATE, INCOMPLETE, MISSING, NOT_DUE, UNCOUNTED)  # statuses of an owed item


# -- requirements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """One monthly requirement of ``[[monthly.requirements]]`` (see archive.settings)."""

    name: str
    who: str  # "enterprise" | "section"
    document: str  # the document kind that meets it
    topics: tuple[str, ...] = ()
    signed: bool = False
    industries: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    towns: tuple[str, ...] = ()
    to: str = ""
    min_items: int = 0
    due: str = DUE_WORKDAY
    day: int = 5
    grace_days: int = 0
    count: str = COUNT_WORKDAYS

    @classmethod
    def from_settings(cls, item: dict[str, Any]) -> Requirement:
        return cls(
            name=item["name"],
            who=item["who"],
            document=item["document"],
            topics=tuple(item.get("topics", ())),
            signed=bool(item.get("signed", False)),
            industries=tuple(item.get("industries", ())),
            sections=tuple(item.get("sections", ())),
            towns=tuple(item.get("towns", ())),
            to=item.get("to", ""),
            min_items=int(item.get("min_items", 0)),
            due=item["due"],
            day=int(item.get("day", 0)),
            grace_days=int(item.get("grace_days", 0)),
            count=item.get("count", COUNT_WORKDAYS),
        )

    @property
    def workdays(self) -> bool:
        """Whether grace and lateness count working days (else calendar days)."""
        return self.count == COUNT_WORKDAYS

    @property
    def days_counted(self) -> str:
        return "workdays" if self.workdays else "calendar"

    def applies_to(self, record: dict[str, Any]) -> bool:
        """Whether an enterprise (a register record) falls under this requirement."""
        return (
            (not self.industries or record.get("industry") in self.industries)
            and (not self.sections or record.get("section") in self.sections)
            and (not self.towns or record.get("town") in self.towns)
        )

    def owing_sections(self, sections: Iterable[str]) -> list[str]:
        """The sections a section requirement applies to (all but the receiving one)."""
        return [s for s in sections if (s in self.sections if self.sections else s != self.to)]


def requirements(archive: Archive) -> list[Requirement]:
    """The archive's monthly requirements, in credit.toml's order."""
    return [Requirement.from_settings(item) for item in archive.settings.requirements]


# -- months ------------------------------------------------------------------------------------


def parse_month(text: str, *, what: str = "--month") -> str:
    """``"YYYY-MM"`` checked, or :class:`UsageError` naming the value."""
    found = check_month(text) if isinstance(text, str) else None
    if found is None:
        raise UsageError(
            _("{what} 的值 {value!r} 不是月份", what=what, value=text),
            _("月份写成 YYYY-MM，如 2026-11"),
        )
    return f"{found[0]:04d}-{found[1]:02d}"


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def last_day(month: str) -> date:
    return next_first(month) - timedelta(1)


def next_first(month: str) -> date:
    year, number = int(month[:4]), int(month[5:7])
    return date(year + number // 12, number % 12 + 1, 1)


def add_months(month: str, n: int) -> str:
    total = int(month[:4]) * 12 + int(month[5:7]) - 1 + n
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last``, both included."""
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def start_month(archive: Archive) -> str:
    """The first month owed: ``archive.start``, else the month the archive was made (its
    ``archive.created`` event; an archive without one: the journal's first event)."""
    if archive.settings.start:
        return archive.settings.start
    info = archive.index().table("archive").record("info") or {}
    created = info.get("created_at")
    if not created:
        for entry in archive.journal.iter_entries():
            created = entry.get("time")
            break
    return str(created)[:7] if created else month_of(date.today())


# -- due dates ---------------------------------------------------------------------------------


def _due(calendar: WorkCalendar, requirement: Requirement, month: str) -> date:
    if requirement.due == DUE_LAST_WORKDAY:
        day = last_day(month)
        while not calendar.is_workday(day):
            day -= timedelta(1)
        return day
    if requirement.due == DUE_DAY:
        first = next_first(month)
        return calendar.roll_forward(first.replace(day=requirement.day))
    # DUE_WORKDAY: the day-th working day of the next month
    return calendar.add_days(last_day(month), requirement.day, workdays=True)


def _deadline(calendar: WorkCalendar, requirement: Requirement, due: date) -> date:
    if not requirement.grace_days:
        return due
    return calendar.add_days(due, requirement.grace_days, workdays=requirement.workdays)


def due_date(archive: Archive, requirement: Requirement, month: str) -> date:
    """The due date of ``requirement`` for ``month`` ("YYYY-MM"), counted with the archive's
    working-day calendar (:class:`archive.workdays.CalendarGap` where it has no data)."""
    return _due(calendar_for(archive), requirement, parse_month(month, what="month"))


def deadline_date(archive: Archive, requirement: Requirement, month: str) -> date:
    """The due date plus the grace period: a report received after it is late."""
    calendar = calendar_for(archive)
    return _deadline(calendar, requirement, _due(calendar, requirement, month))


# More rest days in a row than any holiday arrangement has given (the longest, 春节 or 国庆
# with the weekend beside it, is nine): a month's last working day is at most this many days
# before its last day, whatever a year's holidays.
LONGEST_REST = 12


def earliest_deadline(requirement: Requirement, month: str) -> date:
    """The earliest day the deadline of ``month`` could possibly fall on, whatever the year's
    holidays: the 5th working day of the next month is at the earliest its 5th day, a fixed
    day that day, the month's last working day at the earliest :data:`LONGEST_REST` days
    before the month's last day (a calendar-free bound, used only where the calendar lacks a
    year); plus the grace days."""
    return earliest_due(requirement, month) + timedelta(requirement.grace_days)


def earliest_due(requirement: Requirement, month: str) -> date:
    """The earliest day the due date of ``month`` could fall on (:func:`earliest_deadline`
    without the grace days)."""
    if requirement.due == DUE_WORKDAY:
        return next_first(month) + timedelta(max(requirement.day, 1) - 1)
    if requirement.due == DUE_DAY:
        return next_first(month).replace(day=requirement.day)
    return max(first_day(month), last_day(month) - timedelta(LONGEST_REST))


def _passed(calendar: WorkCalendar, requirement: Requirement, month: str, as_of: date) -> bool:
    """Whether the deadline of ``month`` has passed at ``as_of`` (CalendarGap only when the
    answer truly needs the missing year)."""
    try:
        return _deadline(calendar, requirement, _due(calendar, requirement, month)) < as_of
    except CalendarGap:
        if as_of <= earliest_deadline(requirement, month):
            return False  # it cannot have passed, whatever the missing year's holidays
        raise


def last_month_due(
    calendar: WorkCalendar, reqs: list[Requirement], as_of: date, start: str
) -> str | None:
    """The last month from ``start`` whose every requirement's deadline is before ``as_of``,
    or None (:class:`CalendarGap` only when the answer truly needs a year the calendar lacks)."""
    month = month_of(as_of)
    while month >= start:
        if all(_passed(calendar, req, month, as_of) for req in reqs):
            return month
        month = add_months(month, -1)
    return None


def default_month(archive: Archive, as_of: date) -> str:
    """The last month whose every requirement's deadline has passed at ``as_of`` (no row of
    it is ``not_due``); :class:`UsageError` when no month since the start has."""
    start = start_month(archive)
    found = last_month_due(calendar_for(archive), requirements(archive), as_of, start)
    if found is not None:
        return found
    raise UsageError(
        _(
            "到 {as_of} 为止，档案起始月份 {start} 以来还没有哪个月的报送截止日已过",
            as_of=as_of.isoformat(),
            start=start,
        ),
        _("用 --month 指定月份，或用 --as-of 指定更晚的日期"),
    )


# -- the documents -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Doc:
    sha256: str
    file: str
    serial: str | None
    received_on: str
    period: str | None
    fields: dict[str, Any]

    def public(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "file": self.file, "serial": self.serial}


_ByKind = dict[str, dict[str, dict[str | None, list[_Doc]]]]


def _submissions(
    index: Any, months: Iterable[str] | None, owners: Iterable[str] | None
) -> Iterable[dict[str, Any]]:
    """The monthly submissions that can bear on ``months`` (all when ``None``): those that
    report on a month of their years — and of the year before a January, after a December (a
    report received after a month ended that names the month before or after it is named as a
    hint) — or on no month; of ``owners``' slices only when given."""
    table = index.table(SUBMISSIONS)
    if months is None:
        return table.whole_records()
    years = sorted(
        {month[:4] for month in months}
        | {str(int(month[:4]) - 1) for month in months if month[5:] == "01"}
        | {str(int(month[:4]) + 1) for month in months if month[5:] == "12"}
    )
    buckets = sorted({owner_bucket(owner) for owner in owners}) if owners is not None else None
    slices = [
        f"{year}-{part}"
        for year in [*years, "none"]
        for part in (buckets if buckets is not None else "0123456789abcdef")
    ]
    return table.in_slices(slices).values()


def _documents(
    index: Any,
    as_of: date,
    months: Iterable[str] | None = None,
    owners: Iterable[str] | None = None,
) -> tuple[_ByKind, _ByKind]:
    """Documents received by ``as_of``: kind → credit code or section → period → docs (each
    list in the order received); and apart, the same for those received before the month they
    report on began.  ``months``/``owners`` narrow what is read (:func:`_submissions`)."""
    limit = as_of.isoformat()
    found: _ByKind = {
        "monthly_report": {},
        "section_submission": {},
    }
    early: _ByKind = {kind: {} for kind in found}
    wanted = set(owners) if owners is not None else None
    for record in _submissions(index, months, owners):
        kind = record.get("kind")
        if kind not in found:
            continue
        if (
            wanted is not None
            and record.get("owner") not in wanted
            and not wanted.intersection(record.get("credit_codes") or ())
        ):
            continue  # another owner's, in the same slice
        received = record.get("received_on") or str(record.get("ingested_at") or "")[:10]
        if received > limit:
            continue
        fields = record.get("fields") or {}
        period = fields.get("period")
        doc = _Doc(
            record["sha256"],
            record.get("file") or "",
            fields.get("serial"),
            received,
            period,
            fields,
        )
        if kind == "section_submission" and record.get("section"):
            holders = [record["section"]]
        else:
            holders = record.get("credit_codes") or ()
        # received before the month it reports on began: it cannot be that month's report
        # (a wrong month or a wrong --received): it counts for nothing, and is named
        by_owner = (early if period and received < f"{period}-01" else found)[kind]
        for owner in holders:
            periods = by_owner.get(owner)
            if periods is None:
                periods = by_owner[owner] = {}
            same = periods.get(period)
            if same is None:
                periods[period] = [doc]
            else:
                same.append(doc)
    for by_owner in found.values():
        for by_period in by_owner.values():
            for docs in by_period.values():
                if len(docs) > 1:
                    docs.sort(key=lambda doc: (doc.received_on, doc.sha256))
    return found, early


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused: building tens of thousands of small objects would
    otherwise make it walk the whole index (tens of MB) again and again; nothing built here is
    cyclic."""
    import gc

    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _unregistered(index: Any, as_of: date) -> list[dict[str, Any]]:
    """Monthly reports waiting in the inbox because their code is not in the register."""
    limit = as_of.isoformat()
    waiting = []
    for record in index.storage.read().get(UNMATCHED_TABLE, {}).values():
        if record.get("kind") != "monthly_report":
            continue
        received = str(record.get("received_on") or str(record.get("at") or "")[:10])
        if received > limit:
            continue
        waiting.append({**record, "received_on": received})
    return waiting


def _problems(requirement: Requirement, doc: _Doc) -> tuple[list[str], bool | None, list[str]]:
    """(topics missing, signed, what makes it incomplete) of one document."""
    fields = doc.fields
    signed = fields.get("signed")
    signed = bool(signed) if signed is not None else None
    wrong: list[str] = []
    missing: list[str] = []
    if requirement.who == WHO_ENTERPRISE:
        empty = fields.get("topics_missing")
        if isinstance(empty, list):
            missing = [topic for topic in requirement.topics if topic in empty]
        else:
            topics = fields.get("topics") or {}
            missing = [t for t in requirement.topics if not (topics.get(t) or {}).get("filled")]
        if missing:
            wrong.append(_("栏目未填：{topics}", topics=join_items(missing)))
    else:
        items = fields.get("items") or []
        if len(items) < requirement.min_items:
            wrong.append(
                _(
                    "列出的资料 {count} 项，少于 {least} 项",
                    count=len(items),
                    least=requirement.min_items,
                )
            )
    if requirement.signed and not signed:
        wrong.append(_("未签字或未填日期"))
    return missing, signed, wrong


def _complete(requirement: Requirement, doc: _Doc) -> bool:
    """Whether ``doc`` meets ``requirement`` (the quick form of :func:`_problems`)."""
    fields = doc.fields
    if requirement.signed and not fields.get("signed"):
        return False
    if requirement.who == WHO_ENTERPRISE:
        missing = fields.get("topics_missing")  # the parser's list of empty topics
        if isinstance(missing, list):
            return not missing or not any(topic in missing for topic in requirement.topics)
        topics = fields.get("topics") or {}
        return all((topics.get(t) or {}).get("filled") for t in requirement.topics)
    return len(fields.get("items") or []) >= requirement.min_items


# -- judging one owed item ---------------------------------------------------------------------


class _Context:
    """What judging needs, worked out once per run: calendar, due dates, documents."""

    def __init__(
        self,
        archive: Archive,
        as_of: date,
        months: Iterable[str] | None = None,
        owners: Iterable[str] | None = None,
    ):
        """``months``/``owners``: what will be judged (``None``: any), so that only the
        submissions that can bear on them are read."""
        self.archive = archive
        self.as_of = as_of
        self.calendar = calendar_for(archive)
        self.index = archive.index()
        self.start = start_month(archive)
        self.requirements = requirements(archive)
        with _gc_paused():
            self.documents, self.early = _documents(self.index, as_of, months, owners)
        # monthly reports waiting in the inbox: code → period → records
        self.waiting: dict[str, dict[str | None, list[dict[str, Any]]]] = {}
        for record in _unregistered(self.index, as_of):
            named = (record.get("candidates") or [{}])[0].get("credit_code")
            period = (record.get("fields") or {}).get("period")
            if named:
                self.waiting.setdefault(named, {}).setdefault(period, []).append(record)
        self._dues: dict[tuple[str, str], tuple[date, date] | CalendarGap] = {}
        # status_label is the Chinese label in every language (a column scripts may filter on)
        self.labels = dict(STATUS_LABELS)
        self.gaps: list[CalendarGap] = []  # the calendar's gaps met (rows ``uncounted``)
        self._between: dict[tuple[date, date, bool], int] = {}

    def dates(self, requirement: Requirement, month: str) -> tuple[date, date]:
        """(due date, deadline) of ``requirement`` for ``month``."""
        key = (requirement.name, month)
        found = self._dues.get(key)
        if found is None:
            try:
                due = _due(self.calendar, requirement, month)
                found = (due, _deadline(self.calendar, requirement, due))
            except CalendarGap as gap:
                found = gap  # remembered: every row of the month meets it
            self._dues[key] = found
        if isinstance(found, CalendarGap):
            raise found.with_traceback(None)
        return found

    def days(self, start: date, end: date, workdays: bool) -> int:
        key = (start, end, workdays)
        if key not in self._between:
            self._between[key] = self.calendar.days_between(start, end, workdays=workdays)
        return self._between[key]

    def days_or_why(self, start: date, end: date, workdays: bool) -> tuple[int | None, str]:
        """Days from ``start`` to ``end``, or (None, why) when the calendar lacks a year between
        them: the status is certain (the dates are known), only the count is not -- never a
        guess."""
        try:
            return self.days(start, end, workdays), ""
        except CalendarGap as gap:
            return None, _("天数无法计算：{problem}", problem=gap.message)


def _judge(
    ctx: _Context, requirement: Requirement, month: str, owner: str, base: dict[str, Any]
) -> dict[str, Any]:
    """The row of one owed item: ``owner`` (a credit code or a section) for ``month``."""
    due, deadline = ctx.dates(requirement, month)
    docs = ctx.documents[requirement.document].get(owner, {}).get(month, [])
    row = {
        **base,
        "month": month,
        "requirement": requirement.name,
        "status": None,
        "status_label": None,
        "due": due.isoformat(),
        "deadline": deadline.isoformat(),
        "received_on": None,
        "days_late": None,
        "days_counted": requirement.days_counted,
        "topics_missing": [],
        "signed": None,
        "document": None,
        "reason": "",
        "duplicates": [],
    }
    complete = next((doc for doc in docs if _complete(requirement, doc)), None)
    reasons: list[str] = []
    if complete is not None:
        chosen = complete
        missing, signed = [], chosen.fields.get("signed")
        signed = bool(signed) if signed is not None else None
        received = date.fromisoformat(chosen.received_on)
        if received <= deadline:
            status = ON_TIME
        else:
            status = LATE
            row["days_late"], why = ctx.days_or_why(deadline, received, requirement.workdays)
            reasons.append(_late_text(requirement, deadline, chosen.received_on, row["days_late"]))
            if why:
                reasons.append(why)
    elif docs:
        chosen = docs[-1]
        missing, signed, wrong = _problems(requirement, chosen)
        status = INCOMPLETE
        reasons.append(
            _(
                "{received} 收到的报送不完整：{problems}",
                received=chosen.received_on,
                problems=_("；").join(wrong),
            )
        )
        if ctx.as_of > deadline:
            row["days_late"], why = ctx.days_or_why(deadline, ctx.as_of, requirement.workdays)
            if why:
                reasons.append(why)
    else:
        chosen = None
        missing, signed = [], None
        if ctx.as_of > deadline:
            status = MISSING
            row["days_late"], why = ctx.days_or_why(deadline, ctx.as_of, requirement.workdays)
            reasons.append(_("截止 {deadline} 未收到", deadline=deadline.isoformat()))
            if why:
                reasons.append(why)
            elif row["days_late"] == 0:
                # past the deadline, but no working day since (a weekend or a holiday)
                reasons.append(_("截止后还没有过一个工作日"))
        else:
            status = NOT_DUE
            reasons.append(_("截止日 {deadline} 未到", deadline=deadline.isoformat()))
        reasons.extend(_other_months(ctx, requirement, month, owner, deadline))
    if chosen is not None:
        row.update(
            received_on=chosen.received_on,
            topics_missing=missing,
            signed=signed,
            document=chosen.public(),
        )
        others = [doc for doc in docs if doc is not chosen]
        if others:
            row["duplicates"] = [doc.sha256 for doc in others]
            reasons.append(
                _(
                    "同月另有 {count} 份（重复，不另计）：{files}",
                    count=len(others),
                    files=join_items(doc.file for doc in others),
                )
            )
    reasons.extend(_set_apart(ctx, requirement, month, owner, base))
    row["status"] = status
    row["status_label"] = ctx.labels[status]
    row["reason"] = _("；").join(reasons) if reasons else ""
    return row


def _late_text(requirement: Requirement, deadline: date, received: str, days: int | None) -> str:
    if days is None:
        return _(
            "截止 {deadline}，{received} 收到", deadline=deadline.isoformat(), received=received
        )
    if requirement.workdays:
        return _(
            "截止 {deadline}，{received} 收到，晚 {days} 个工作日",
            deadline=deadline.isoformat(),
            received=received,
            days=days,
        )
    return _(
        "截止 {deadline}，{received} 收到，晚 {days} 天",
        deadline=deadline.isoformat(),
        received=received,
        days=days,
    )


def _set_apart(
    ctx: _Context, requirement: Requirement, month: str, owner: str, base: dict[str, Any]
) -> Iterator[str]:
    """What came for ``month`` and does not count: reports received before the month began,
    and (an enterprise) reports of its code still waiting in the inbox, unfiled."""
    for doc in ctx.early[requirement.document].get(owner, {}).get(month, ()):
        yield _(
            "{received} 收到的 {file} 报告期间为 {period}，收到时该月还没开始，不计入"
            "（核对报告上的月份或收件日期 --received）",
            received=doc.received_on,
            file=doc.file,
            period=month,
        )
    if base.get("kind") != KIND_ENTERPRISE or requirement.document != "monthly_report":
        return
    for record in ctx.waiting.get(owner, {}).get(month, ()):
        yield _(
            "收件箱中有该单位的本月报告，{received} 收到，尚未归档："
            "credit ingest --assign {file} {code}",
            received=record["received_on"],
            file=record.get("stored") or record.get("original") or record["sha256"],
            code=owner,
        )


def _other_months(
    ctx: _Context, requirement: Requirement, month: str, owner: str, deadline: date
) -> Iterator[str]:
    """Why nothing counts when something came: reports received when this month's was expected
    -- after the month ended and by its deadline -- that name another month (or none).  Each
    counts for the month it names only (if for any); named here because it may be this month's
    report with the wrong month written on it.  Reports received at other times are not named
    (October's report received in November is October's, not a hint about November)."""
    low, high = next_first(month).isoformat(), deadline.isoformat()
    for period, docs in ctx.documents[requirement.document].get(owner, {}).items():
        if period == month:
            continue
        for doc in docs:
            if low <= doc.received_on <= high:
                if period is None:
                    yield _(
                        "{received} 收到的 {file} 看不出报告期间，不计入任何月份",
                        received=doc.received_on,
                        file=doc.file,
                    )
                else:
                    yield _(
                        "{received} 收到的 {file} 报告期间为 {period}，只计入该月",
                        received=doc.received_on,
                        file=doc.file,
                        period=period,
                    )


def _owed_from(ctx: _Context, record: dict[str, Any]) -> str:
    """The first month an enterprise owes: the start, or its first whole month supervised."""
    since = record.get("since")
    if not since:
        return ctx.start
    day = date.fromisoformat(since)
    first = month_of(day) if day.day == 1 else add_months(month_of(day), 1)
    return max(first, ctx.start)


def _enterprise_base(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": KIND_ENTERPRISE,
        "credit_code": record["credit_code"],
        "name": record.get("name"),
        "section": record.get("section") or None,
        "industry": record.get("industry") or None,
        "town": record.get("town") or None,
    }


def _dates_if_known(
    ctx: _Context, requirement: Requirement, month: str
) -> tuple[date | None, date | None]:
    """(due date, deadline), or (None, None) when the calendar lacks the year."""
    try:
        return ctx.dates(requirement, month)
    except CalendarGap:
        return None, None


def _not_owed(
    ctx: _Context, requirement: Requirement, month: str, record: dict[str, Any]
) -> dict[str, Any] | None:
    """The row saying why ``record`` does not owe ``month`` when that is worth saying (it came
    under supervision during the month, or closed between the month's start and the due date);
    ``{}`` when it has nothing to do with the month (not listed); None when it owes it."""
    reason = None
    owed_from = _owed_from(ctx, record)
    due: date | None
    deadline: date | None
    if month < owed_from:
        since = record.get("since")
        if not (since and month_of(date.fromisoformat(since)) == month):
            return {}  # not under supervision yet: not listed
        due, deadline = _dates_if_known(ctx, requirement, month)
        reason = _("{since} 纳入监管，从 {first} 起报送", since=since, first=owed_from)
    elif record.get("status") == CLOSED and record.get("closed_on"):
        closed = record["closed_on"]
        if closed < first_day(month).isoformat():
            return {}  # closed before the month: not listed
        due, deadline = _dates_if_known(ctx, requirement, month)
        if due is None:
            # the due date needs a year the calendar lacks: closed on or before the earliest
            # day it could be is surely not owed; after that, only the year can tell (CalendarGap)
            if closed > earliest_due(requirement, month).isoformat():
                ctx.dates(requirement, month)  # raises the gap
            reason = _(
                "已于 {closed} 注销，早于截止日最早可能的 {earliest}，不再要求",
                closed=closed,
                earliest=earliest_due(requirement, month).isoformat(),
            )
        elif closed > due.isoformat():
            return None  # owes it
        else:
            reason = _(
                "已于 {closed} 注销（截止日 {due} 当天或之前），不再要求",
                closed=closed,
                due=due.isoformat(),
            )
    else:
        return None
    return {
        **_enterprise_base(record),
        "month": month,
        "requirement": requirement.name,
        "status": NOT_OWED,
        "status_label": ctx.labels[NOT_OWED],
        "due": due.isoformat() if due else None,
        "deadline": deadline.isoformat() if deadline else None,
        "received_on": None,
        "days_late": None,
        "days_counted": requirement.days_counted,
        "topics_missing": [],
        "signed": None,
        "document": None,
        "reason": reason,
        "duplicates": [],
    }


def _rows(
    ctx: _Context,
    months: list[str],
    *,
    section: str | None = None,
    industry: str | None = None,
    town: str | None = None,
    codes: set[str] | None = None,
    sections: bool = True,
    gaps_only: bool = False,
) -> list[dict[str, Any]]:
    """Every row of ``months``: enterprises (by credit code), then sections (``gaps_only``: only
    the rows that may be missing or incomplete past the deadline -- the others are not built)."""
    table = ctx.index.storage.read().get(ENTERPRISES, {})
    wanted = {"section": section, "industry": industry, "town": town}
    wanted = {key: value for key, value in wanted.items() if value}
    records = [
        table[code]
        for code in sorted(codes if codes is not None else table)
        if code in table and all(table[code].get(k) == v for k, v in wanted.items())
    ]
    rows: list[dict[str, Any]] = []
    for month in months:
        for requirement in ctx.requirements:
            if requirement.who != WHO_ENTERPRISE:
                continue
            for record in records:
                if requirement.applies_to(record):
                    found = _row(ctx, requirement, month, record["credit_code"], None, gaps_only,
                                 record=record)  # fmt: skip
                    if found:
                        rows.append(found)
        if not sections or industry or town or codes is not None:
            continue
        for requirement in ctx.requirements:
            if requirement.who != WHO_SECTION:
                continue
            for owner in requirement.owing_sections(ctx.archive.settings.sections):
                if section and owner != section:
                    continue
                base = {
                    "kind": KIND_SECTION,
                    "credit_code": None,
                    "name": owner,
                    "section": owner,
                    "industry": None,
                    "town": None,
                }
                found = _row(ctx, requirement, month, owner, base, gaps_only)
                if found:
                    rows.append(found)
    return rows


def _row(
    ctx: _Context,
    requirement: Requirement,
    month: str,
    owner: str,
    base: dict[str, Any] | None,
    gaps_only: bool,
    *,
    record: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """The row of ``owner`` for ``month``, or None (not listed; ``gaps_only``: surely no gap).
    A date the calendar cannot count makes an ``uncounted`` row saying why -- or ``not_due``
    when the due date lies in a year after as-of's, whatever it is."""
    try:
        if record is not None:
            exempt = _not_owed(ctx, requirement, month, record)
            if exempt is not None:
                return exempt or None
        if gaps_only and _no_gap(ctx, requirement, month, owner):
            return None
        if base is None:
            base = _enterprise_base(record or {})
        return _judge(ctx, requirement, month, owner, base)
    except CalendarGap as gap:
        # the due date itself needs the missing year
        earliest = earliest_deadline(requirement, month)
        if gaps_only and ctx.as_of <= earliest:
            return None  # surely not due yet: no gap
        if base is None:
            base = _enterprise_base(record or {})
        row = {
            **base,
            "month": month,
            "requirement": requirement.name,
            "status": UNCOUNTED,
            "status_label": ctx.labels[UNCOUNTED],
            "due": None,
            "deadline": None,
            "received_on": None,
            "days_late": None,
            "days_counted": requirement.days_counted,
            "topics_missing": [],
            "signed": None,
            "document": None,
            "reason": _("截止日无法确定：{problem}", problem=gap.message),
            "duplicates": [],
        }
        docs = ctx.documents[requirement.document].get(owner, {}).get(month, [])
        complete = next((doc for doc in docs if _complete(requirement, doc)), None)
        if complete is not None and complete.received_on <= earliest.isoformat():
            # in before the earliest day the deadline could be: on time, whatever the day
            signed = complete.fields.get("signed")
            row.update(
                status=ON_TIME,
                status_label=ctx.labels[ON_TIME],
                received_on=complete.received_on,
                signed=bool(signed) if signed is not None else None,
                document=complete.public(),
                duplicates=[doc.sha256 for doc in docs if doc is not complete],
                reason=_(
                    "截止日在 {year} 年，该年的节假日安排还没有；{received} 收到，"
                    "早于截止日最早可能的 {earliest}，按时",
                    year=gap.year,
                    received=complete.received_on,
                    earliest=earliest.isoformat(),
                ),
            )
        elif ctx.as_of <= earliest:
            row.update(
                status=NOT_DUE,
                status_label=ctx.labels[NOT_DUE],
                reason=_(
                    "截止日在 {year} 年，该年的节假日安排还没有，具体日期待定；"
                    "最早也在 {earliest}，尚未到期",
                    year=gap.year,
                    earliest=earliest.isoformat(),
                ),
            )
        else:
            ctx.gaps.append(gap)
        return row


def _no_gap(ctx: _Context, requirement: Requirement, month: str, owner: str) -> bool:
    """Whether ``owner`` surely has no gap in ``month``: a complete document, or a deadline
    still to come."""
    if ctx.as_of <= ctx.dates(requirement, month)[1]:
        return True
    docs = ctx.documents[requirement.document].get(owner, {}).get(month, ())
    return any(_complete(requirement, doc) for doc in docs)


def _unregistered_rows(ctx: _Context, month: str) -> list[dict[str, Any]]:
    rows = []
    report = next((r for r in ctx.requirements if r.document == "monthly_report"), None)
    register = ctx.index.storage.read().get(ENTERPRISES, {})
    for record in sorted(_unregistered(ctx.index, ctx.as_of), key=lambda r: r["sha256"]):
        fields = record.get("fields") or {}
        if fields.get("period") != month:
            continue
        named = (record.get("candidates") or [{}])[0]
        code = named.get("credit_code")
        if code and code in register:
            continue  # registered since: named on its own row (_set_apart)
        rows.append(
            {
                "kind": KIND_ENTERPRISE,
                "credit_code": code,
                "name": named.get("name"),
                "section": None,
                "industry": None,
                "town": None,
                "month": month,
                "requirement": report.name if report else "",
                "status": UNREGISTERED,
                "status_label": ctx.labels[UNREGISTERED],
                "due": None,
                "deadline": None,
                "received_on": record["received_on"],
                "days_late": None,
                "days_counted": None,
                "topics_missing": [],
                "signed": fields.get("signed"),
                "document": {
                    "sha256": record["sha256"],
                    "file": record.get("stored") or record.get("original"),
                    "serial": fields.get("serial"),
                },
                "reason": _(
                    "代码 {code} 不在名册中，报告未归档：登记后用 credit ingest --assign 归档",
                    code=code or "?",
                ),
                "duplicates": [],
            }
        )
    return rows


# -- the report --------------------------------------------------------------------------------


def _totals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Counts per section and per industry (enterprise rows) and for all rows."""

    def blank(by: str, name: str | None) -> dict[str, Any]:
        return {"by": by, "name": name, "owed": 0, **dict.fromkeys(STATUSES, 0), "needs_action": 0}

    groups: dict[tuple[str, str | None], dict[str, Any]] = {}
    everything = blank("all", None)
    submissions: dict[str, str] = {}
    for row in rows:
        keys = []
        if row["kind"] == KIND_SECTION:
            submissions[row["section"]] = row["status"]
        elif row["status"] != UNREGISTERED:
            keys = [("section", row["section"]), ("industry", row["industry"])]
        for key in (*keys, None):
            total = everything if key is None else groups.setdefault(key, blank(*key))
            total[row["status"]] += 1
            total["owed"] += row["status"] in COUNTED
            total["needs_action"] += row["status"] in MonthlyReport.FINDINGS
    for row in rows:
        if row["kind"] == KIND_SECTION:
            groups.setdefault(("section", row["section"]), blank("section", row["section"]))
    result = []
    for by in ("section", "industry"):
        for key in sorted((k for k in groups if k[0] == by), key=lambda k: k[1] or ""):
            total = groups[key]
            if by == "section":
                total["submission"] = submissions.get(key[1])
            result.append(total)
    result.append(everything)
    return result


@dataclass
class MonthlyReport(Report):
    """``credit monthly-check``: one row per owed item; exit 10 when something needs action."""

    FINDINGS = frozenset({MISSING, INCOMPLETE, UNREGISTERED})
    FAILURES = frozenset({UNCOUNTED})

    month: str
    as_of: date
    start: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    totals: list[dict[str, Any]] = field(default_factory=list)

    def outcomes(self) -> Iterator[str]:
        return (row["status"] for row in self.rows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "as_of": self.as_of.isoformat(),
            "start": self.start,
            "rows": self.rows,
            "totals": self.totals,
        }


def check(
    archive: Archive,
    month: str | None,
    as_of: date,
    *,
    section: str | None = None,
    industry: str | None = None,
    town: str | None = None,
) -> MonthlyReport:
    """Who sent what for ``month`` (default :func:`default_month`), as it stood at ``as_of``."""
    industry, section, town = check_filters(archive, industry=industry, section=section, town=town)
    if month is None:
        month = default_month(archive, as_of)
    month = parse_month(month)
    ctx = _Context(archive, as_of, [month])
    if month < ctx.start:
        raise UsageError(
            _("{month} 早于档案起始月份 {start}", month=month, start=ctx.start),
            _("起始月份在 credit.toml 的 archive.start 设置（credit init --start）"),
        )
    if month > month_of(as_of):
        raise UsageError(
            _("{month} 晚于核对日期 {as_of}", month=month, as_of=as_of.isoformat()),
            _("用 --as-of 给出更晚的日期，或核对更早的月份"),
        )
    with _gc_paused():
        rows = _rows(ctx, [month], section=section, industry=industry, town=town)
    if ctx.gaps and all(row["status"] == UNCOUNTED for row in rows):
        raise ctx.gaps[0]  # nothing could be judged (exit 1)
    if not (section or industry or town):
        rows.extend(_unregistered_rows(ctx, month))
    return MonthlyReport(month=month, as_of=as_of, start=ctx.start, rows=rows, totals=_totals(rows))


def outstanding(
    archive: Archive, as_of: date, *, section: str | None = None
) -> list[dict[str, Any]]:
    """Every owed monthly item still missing (or only incomplete) after its deadline at
    ``as_of``, for every month from the start: rows as :func:`check` gives them."""
    ctx = _Context(archive, as_of)
    months = months_between(ctx.start, month_of(as_of))
    with _gc_paused():
        rows = _rows(ctx, months, section=section, gaps_only=True)
    today = as_of.isoformat()
    return [
        row
        for row in rows
        if row["status"] in (MISSING, UNCOUNTED)
        or (row["status"] == INCOMPLETE and row["deadline"] < today)
    ]


def history(archive: Archive, code: str, as_of: date, months: int = 12) -> list[dict[str, Any]]:
    """The last ``months`` months up to ``as_of``'s, oldest first: ``[{month, requirement,
    status}]`` for one enterprise (``not_owed`` for months it did not owe)."""
    from archive import uscc

    code = uscc.compact(code)
    last = month_of(as_of)
    wanted = [add_months(last, -n) for n in range(months - 1, -1, -1)]
    ctx = _Context(archive, as_of, wanted, [code])
    record = ctx.index.table(ENTERPRISES).record(code)
    result = []
    for month in wanted:
        rows = (
            _rows(ctx, [month], codes={code}, sections=False)
            if month >= ctx.start and record is not None
            else []
        )
        if not rows:
            # not owed, or a due date in a year the calendar lacks yet (after as-of's): not due
            owes = (
                record is not None
                and month >= _owed_from(ctx, record)
                and record.get("status") != CLOSED
            )
            for requirement in ctx.requirements:
                if requirement.who == WHO_ENTERPRISE and (
                    record is None or requirement.applies_to(record)
                ):
                    status = NOT_DUE if owes else NOT_OWED
                    rows.append({"requirement": requirement.name, "status": status})
        for row in rows:
            result.append(
                {"month": month, "requirement": row["requirement"], "status": row["status"]}
            )
    return result


def recent_gaps(
    archive: Archive, as_of: date, months: int, codes: Iterable[str]
) -> tuple[list[str], dict[str, list[dict[str, Any]]]]:
    """The green channel's monthly criterion: the last ``months`` months whose deadlines have
    all passed at ``as_of`` (ending with :func:`default_month`; none before the archive's
    start), and, by credit code, the rows of those months that are ``missing`` or
    ``incomplete`` (or ``uncounted``: not known to be complete is no green channel).  A late
    report still counts (it is complete); a month the enterprise did not owe is no gap.  No months when ``months`` is 0 or no month has passed yet;
    :class:`CalendarGap` when the calendar cannot count a due date up to ``as_of``'s year."""
    if months <= 0:
        return [], {}
    try:
        last = default_month(archive, as_of)
    except UsageError:
        return [], {}
    wanted = months_between(max(add_months(last, 1 - months), start_month(archive)), last)
    codes = set(codes)
    ctx = _Context(archive, as_of, wanted, codes)
    gaps: dict[str, list[dict[str, Any]]] = {}
    for row in _rows(ctx, wanted, codes=codes, sections=False, gaps_only=True):
        if row["status"] in (MISSING, INCOMPLETE, UNCOUNTED):
            gaps.setdefault(row["credit_code"], []).append(row)
    return wanted, gaps


def monthly_history(
    archive: Archive, code: str, as_of: date | None = None, months: int = 12
) -> list[dict[str, Any]]:
    """:func:`history` with each status's mark (✓ on time, ! late, ✗ missing, ◐ incomplete,
    · not due, blank not owed): ``[{month, requirement, status, mark}]``, oldest first."""
    return [
        {**row, "mark": STATUS_MARKS.get(row["status"], "?")}
        for row in history(archive, code, as_of or date.today(), months)
    ]


@dossier.section("monthly", order=55)
def _monthly_for(archive: Archive, code: str) -> list[dict[str, Any]]:
    """The last 12 months' monthly reports of one enterprise (``enterprise show``)."""
    return monthly_history(archive, code)
