"""The blacklist (安全生产诚信“黑名单”): entries, their stages, terms and removal.

An entry lists one enterprise under one blacklist criterion of the regime, with confirmed
bad-credit records as its basis (programme 三(三)).  It moves through the regime's stages
信息采集 → 信息告知 → 信息交换 → 信息公布 → 信息移出 (``collect`` → ``notify`` → ``exchange`` →
``publish`` → ``remove``), each with its date, actor, deadline and reason; the 告知书 is issued at
``notify``, the 移出通知书 at ``remove``.  Before publication an entry can be withdrawn (陈述申辩
accepted); after it, it is removed at the end of its term, or early where the regime allows.

Owns the ``blacklist`` table, keyed by the entry id ``B-`` + 12 hex digits of
``sha256("code|criterion|basis record ids…")``.  Nothing is deleted: a correction is a new
``blacklist.corrected`` event with a reason.

Every entry keeps the regime it was decided under (``regime``: id and version) and what of the
regime it needs later (``plan``: stages with their day counts, when the term starts and whether
it rolls, early removal): choosing another regime later never changes an old entry.  Dates the
working-day calendar computes (deadlines, the end of the term) are computed before the event is
emitted and travel in it, so replaying the journal never consults the calendar.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from archive import dossier, uscc
from archive.errors import CreditError, NotFound, UsageError
from archive.events import event
from archive.i18n import N_, _, join_items
from archive.index import Index
from archive.regimes import GRADE_SHORT_LABELS as GRADE_LABELS
from archive.regimes import GRADES
from archive.store import Archive

TABLE = "blacklist"
RECORDS_TABLE = "records"
DOCUMENTS_TABLE = "documents"  # archive.ingest's, read by name
ACCIDENTS_TABLE = "accidents"  # archive.accidents', read by name
RECTIFICATIONS_TABLE = "rectifications"  # archive.rectifications', read by name
STAGES = ("collect", "notify", "exchange", "publish", "remove")
STAGE_LABELS = {
    "collect": N_("信息采集"),
    "notify": N_("信息告知"),
    "exchange": N_("信息交换"),
    "publish": N_("信息公布"),
    "remove": N_("信息移出"),
}
IN_PROGRESS = "in_progress"
LISTED = "listed"
REMOVED = "removed"
WITHDRAWN = "withdrawn"
STATUSES = (IN_PROGRESS, LISTED, REMOVED, WITHDRAWN)
STATUS_LABELS = {
    IN_PROGRESS: N_("办理中"),
    LISTED: N_("已列入"),
    REMOVED: N_("已移出"),
    WITHDRAWN: N_("已撤回"),
}
# What was done to a closed entry, for "已{verb}" in messages (the labels already say 已).
STATUS_VERBS = {REMOVED: N_("移出"), WITHDRAWN: N_("撤回")}
# The longest look-ahead of `expiring` (days): ten years.
MAX_WITHIN = 3660
PENALTY_DECISION = "penalty_decision"  # the document kind of 行政处罚决定书
_CN_DIGITS = "零一二三四五六七八九"


# -- reading -----------------------------------------------------------------------------------


def confirmed_records(index: Index, code: str | None = None) -> list[dict[str, Any]]:
    """Confirmed bad-credit records (rows of the ``records`` table), of one enterprise or all.

    The one place this module reads another's table.
    """
    table = index.table(RECORDS_TABLE)
    rows = []
    for key in table.ids():
        row = table.record(key) or {}
        if row.get("status") != "confirmed":
            continue
        if code and row.get("credit_code") != code:
            continue
        rows.append({**row, "id": row.get("id") or key})
    return sorted(rows, key=lambda r: (r.get("credit_code") or "", r.get("date") or "", r["id"]))


def _record(index: Index, record_id: str) -> dict[str, Any] | None:
    row = index.table(RECORDS_TABLE).record(record_id)
    return {**row, "id": row.get("id") or record_id} if row is not None else None


def get_entry(archive_or_index: Archive | Index, entry_id: str) -> dict[str, Any]:
    """The entry ``entry_id`` (a copy), or ``NotFound``."""
    index = archive_or_index.index() if isinstance(archive_or_index, Archive) else archive_or_index
    row = index.table(TABLE).record(entry_id.strip())
    if row is None:
        raise NotFound(
            _("黑名单中没有编号为 {id} 的条目", id=entry_id),
            _("用 credit blacklist list 查看全部条目"),
        )
    return copy.deepcopy(row)


def _entries(index: Index, code: str | None = None) -> list[dict[str, Any]]:
    table = index.table(TABLE)
    rows = [table.record(key) or {} for key in table.ids()]
    if code:
        rows = [row for row in rows if row.get("credit_code") == code]
    return sorted(rows, key=lambda r: (r.get("credit_code") or "", r["stages"][0]["date"], r["id"]))


def list_entries(
    archive: Archive,
    code: str | None = None,
    as_of: date | None = None,
    *,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """Entries (of one enterprise, or all) with what is due at ``as_of`` (default today).

    Each row adds ``name``, ``next_stage``, ``next_deadline``, ``overdue``, ``days_overdue``,
    ``due_for_removal``, ``removal_pending_year`` (the year whose holiday data would tell whether
    the term has ended) and ``ends_on_nominal``; a provisional ``ends_on`` is resolved when the
    data now exists (``ends_on_provisional`` then False: computed, never written).  ``status``
    keeps one status, or ``due`` (term ended or pending, not removed) or ``overdue`` (the next
    stage is past its deadline).
    """
    as_of = as_of or date.today()
    if status is not None and status not in (*STATUSES, "due", "overdue"):
        raise UsageError(
            _(
                "没有“{status}”这种状态：可选 {choices}",
                status=status,
                choices=join_items((*STATUSES, "due", "overdue")),
            )
        )
    index = archive.index()
    code = uscc.compact(code) if code else None
    calendar = _calendar(archive)
    rows = [_with_due(archive, index, calendar, row, as_of) for row in _entries(index, code)]
    if status == "due":  # with those the missing holiday data leaves open (届满待定)
        rows = [row for row in rows if row["due_for_removal"] or row["removal_pending_year"]]
    elif status == "overdue":
        rows = [row for row in rows if row["overdue"]]
    elif status:
        rows = [row for row in rows if row["status"] == status]
    return rows


def show_entry(archive: Archive, entry_id: str, as_of: date | None = None) -> dict[str, Any]:
    """One entry with what is due at ``as_of`` (as :func:`list_entries` gives it)."""
    index = archive.index()
    entry = get_entry(index, entry_id)
    return _with_due(archive, index, _calendar(archive), entry, as_of or date.today())


def active_entries(
    index: Index, code: str, as_of: date, *, calendar: Any = None
) -> list[dict[str, Any]]:
    """Entries of ``code`` in force at ``as_of``: published on or before it, its term not over
    (``ends_on`` is its last day) and not removed by then — the rule archive.standing applies
    to the table.  A provisional end is resolved with ``calendar`` (default: the package's
    data only); while the data cannot tell whether the term is over, the entry stays in force."""
    from archive.workdays import WorkCalendar

    calendar = calendar if calendar is not None else WorkCalendar()
    day = as_of.isoformat()
    found = []
    for row in _entries(index, uscc.compact(code)):
        if row["status"] not in (LISTED, REMOVED):
            continue
        if not row.get("listed_on") or row["listed_on"] > day:
            continue
        end = resolve_end(calendar, row)
        if end is None:
            continue
        if term_over(calendar, end, as_of - timedelta(days=1)):
            continue  # its last day came before as_of (unknown: still in force)
        if row.get("removed_on") and row["removed_on"] <= day:
            continue
        found.append(copy.deepcopy(row))
    return found


def expiring(archive: Archive, *, within: int = 30, as_of: date | None = None) -> list[dict]:
    """Entries that need action within ``within`` days of ``as_of``: terms ending (or ended:
    due for removal) and stages past or near their deadline."""
    if not 0 <= within <= MAX_WITHIN:
        raise UsageError(
            _("--within 应在 0 到 {most} 天之间：{value}", most=MAX_WITHIN, value=within)
        )
    as_of = as_of or date.today()
    horizon = (as_of + timedelta(days=within)).isoformat()
    rows = []
    for row in list_entries(archive, as_of=as_of):
        if row["status"] not in (IN_PROGRESS, LISTED):
            continue
        if row["overdue"]:
            row["why"] = "overdue"
        elif row["due_for_removal"]:
            row["why"] = "due_for_removal"
        elif row.get("removal_pending_year"):
            row["why"] = "removal_pending"
        elif row["status"] == LISTED and row.get("ends_on") and row["ends_on"] <= horizon:
            row["why"] = "term_ending"
        elif row.get("next_deadline") and row["next_deadline"] <= horizon:
            row["why"] = "deadline_near"
        else:
            continue
        rows.append(row)
    return sorted(rows, key=lambda r: (r.get("next_deadline") or r.get("ends_on") or "", r["id"]))


@dossier.section("blacklist", order=60)
def _dossier(archive: Archive, code: str) -> list[dict[str, Any]]:
    return list_entries(archive, code)


# -- the regime and the calendar ---------------------------------------------------------------


def _regime(archive: Archive) -> Any:
    from archive.regimes import load_regime

    return load_regime(archive)


def _calendar(archive: Archive) -> Any:
    from archive.workdays import calendar_for

    return calendar_for(archive)


def plan_of(regime: Any) -> dict[str, Any]:
    """What an entry keeps of the regime it was decided under, for all its later steps."""
    return {
        "stages": [
            {
                "stage": stage.key,
                "label": stage.label,
                "days": stage.days,
                "workdays": stage.workdays,
                "notice": stage.notice,
            }
            for stage in regime.stages
        ],
        "term_starts": regime.term_starts,
        "term_rolls": regime.term_rolls,
        "early_removal": regime.early_removal,
        "early_after_months": regime.early_after_months,
        "early_needs_evidence": regime.early_needs_evidence,
        "early_reason": regime.early_reason,
        "statement_days": regime.statement_days,
        "statement_workdays": regime.statement_workdays,
        "needs_penalty": needs_penalty(regime),
        "title": regime.title,
        "basis": regime.notice_basis or regime.basis or regime.title,
    }


def needs_penalty(regime: Any) -> bool:
    """Whether listing needs an administrative penalty decision as basis (national 2023:
    应急管理部令第11号 lists only who has been punished: the regime's ``requires_penalty``)."""
    return bool(regime.requires_penalty)


def _plan_stage(entry: dict[str, Any], key: str) -> dict[str, Any]:
    for stage in entry["plan"]["stages"]:
        if stage["stage"] == key:
            return stage
    return {"stage": key, "days": None, "workdays": False, "notice": None}


def _stage_order(entry: dict[str, Any]) -> list[str]:
    return [stage["stage"] for stage in entry["plan"]["stages"]]


def next_stage(entry: dict[str, Any]) -> str | None:
    """The stage an entry goes to next (None when it is removed or withdrawn)."""
    if entry["status"] in (REMOVED, WITHDRAWN):
        return None
    order = _stage_order(entry)
    position = order.index(entry["stage"])
    return order[position + 1] if position + 1 < len(order) else None


def _stage_date(entry: dict[str, Any], key: str) -> str | None:
    for stage in entry["stages"]:
        if stage["stage"] == key:
            return stage["date"]
    return None


def term_for(regime: Any, records: list[dict[str, Any]]) -> tuple[int, str]:
    """The term (years) and why: the regime's term for the highest accident grade among the
    basis records (``grade:major``), else its default term (``default``)."""
    grades = [(r.get("facts") or {}).get("grade") for r in records]
    graded = [g for g in grades if g in GRADES and g in regime.term_by_grade]
    if graded:
        top = max(graded, key=GRADES.index)
        return int(regime.term_by_grade[top]), f"grade:{top}"
    return int(regime.term_years), "default"


def term_reason_text(entry: dict[str, Any]) -> str:
    """``term_reason`` in words."""
    reason = str(entry.get("term_reason") or "")
    if reason.startswith("grade:"):
        grade = reason.partition(":")[2]
        return _(
            "发生{grade}事故，管理期限 {years} 年",
            grade=_(GRADE_LABELS.get(grade, grade)),
            years=entry.get("term_years"),
        )
    if reason.startswith("corrected"):
        return _("经更正，管理期限 {years} 年", years=entry.get("term_years"))
    return _("一般管理期限 {years} 年", years=entry.get("term_years"))


# -- the end of the term ------------------------------------------------------------------------
#
# The term's nominal end (the same date ``term_years`` later, 29 February → 28 February) needs
# no holiday data; moving it off a holiday needs that year's.  When the data is missing at
# publication the entry keeps the nominal date with ``ends_on_provisional`` (in the event, so
# replaying the journal gives the same row), and every read resolves it again: once the year's
# data is there the rolled date is shown (computed, never written).  Only removing the entry at
# the end of its term truly needs the answer.


@dataclass(frozen=True)
class TermEnd:
    """The end of an entry's term as far as the calendar can tell."""

    nominal: date  # the same date N years on (before moving off a holiday)
    end: date  # the last day of the term; the nominal date while provisional
    provisional: bool  # True: the year's holiday data is missing, the end may still move
    missing_year: int | None  # the year whose data is missing


def term_end(calendar: Any, start: date, years: int, *, rolls: bool) -> TermEnd:
    """The end of a term of ``years`` from ``start``: rolled forward off a rest day when
    ``rolls`` and the data exists, else the nominal date marked provisional."""
    from archive.workdays import CalendarGap

    nominal = calendar.add_years(start, years, roll=False)
    if not rolls:
        return TermEnd(nominal, nominal, False, None)
    try:
        return TermEnd(nominal, calendar.roll_forward(nominal), False, None)
    except CalendarGap as exc:
        return TermEnd(nominal, nominal, True, exc.year)


def resolve_end(calendar: Any, entry: dict[str, Any]) -> TermEnd | None:
    """An entry's end of term now: a provisional end is rolled when the data now exists."""
    from archive.workdays import CalendarGap

    if not entry.get("ends_on"):
        return None
    stored = date.fromisoformat(entry["ends_on"])
    if not entry.get("ends_on_provisional"):
        return TermEnd(stored, stored, False, None)
    try:
        return TermEnd(stored, calendar.roll_forward(stored), False, None)
    except CalendarGap as exc:
        return TermEnd(stored, stored, True, exc.year)


def term_over(calendar: Any, end: TermEnd, day: date) -> bool | None:
    """Whether the term has reached its last day by ``day`` (removal allowed from that day):
    True/False, or None when the missing holiday data leaves it open — the nominal end has
    passed, and no day from it to ``day`` is known to be a working day."""
    from archive.workdays import CalendarGap

    if day < end.nominal:
        return False
    if not end.provisional:
        return day >= end.end
    current, unknown = end.nominal, False
    while current <= day:
        try:
            if calendar.is_workday(current):
                return True  # the end is this working day or an earlier one
        except CalendarGap:
            unknown = True
            current = date(current.year + 1, 1, 1)  # the whole year is missing
            continue
        current += timedelta(days=1)
    return None if unknown else False


def provisional_warning(calendar: Any, end: TermEnd) -> str:
    """The warning a provisional end comes with: the year and the file to fill."""
    from archive.workdays import HOLIDAYS_FILE

    return _(
        "届满日 {date} 如遇节假日将顺延，待 {year} 年节假日数据补齐后确定（在 {path} 中写入 [{year}]）",
        date=end.nominal.isoformat(),
        year=end.missing_year,
        path=calendar.path or HOLIDAYS_FILE,
    )


def _deadline_after(calendar: Any, stage: dict[str, Any], start: date) -> date | None:
    if stage.get("days") is None:
        return None
    return calendar.add_days(start, int(stage["days"]), workdays=bool(stage.get("workdays")))


def _pending_start(entry: dict[str, Any], key: str) -> date | None:
    """The day the period of stage ``key`` (following the entry's current stage) counts from."""
    if key == "remove":
        return date.fromisoformat(entry["ends_on"]) if entry.get("ends_on") else None
    previous = _stage_date(entry, entry["stage"])
    return date.fromisoformat(previous) if previous else None


def _pending_deadline(calendar: Any, entry: dict[str, Any], key: str) -> date | None:
    """The deadline of stage ``key`` when it follows the entry's current stage."""
    stage = _plan_stage(entry, key)
    start = _pending_start(entry, key)
    if start is None:
        return None
    if key == "remove" and not stage.get("days"):
        return start  # removed on the term's end itself
    return _deadline_after(calendar, stage, start)


def _surely_not_due(calendar: Any, entry: dict[str, Any], key: str, as_of: date) -> bool:
    """Whether stage ``key``'s deadline, in a year the calendar lacks, has surely not passed at
    ``as_of`` (told from the years up to ``as_of`` alone)."""
    from archive.workdays import CalendarGap

    stage = _plan_stage(entry, key)
    start = _pending_start(entry, key)
    if start is None or stage.get("days") is None:
        return False
    try:
        days, workdays = int(stage["days"]), bool(stage.get("workdays"))
        return calendar.deadline_before(start, days, as_of, workdays=workdays) is None
    except CalendarGap:
        return False


def _with_due(
    archive: Archive, index: Index, calendar: Any, row: dict[str, Any], as_of: date
) -> dict[str, Any]:
    from archive.workdays import CalendarGap

    row = copy.deepcopy(row)  # the index's own dicts stay as the journal made them
    enterprise = index.table("enterprises").record(row["credit_code"]) or {}
    row["name"] = enterprise.get("name")
    following = next_stage(row)
    row["next_stage"] = following
    row["next_deadline"] = None
    row["overdue"] = False
    row["days_overdue"] = 0
    row["due_for_removal"] = False
    row["removal_pending_year"] = None
    end = resolve_end(calendar, row)
    if end is not None:
        # A provisional end the data now covers is shown rolled (computed, never written).
        row["ends_on_nominal"] = end.nominal.isoformat()
        row["ends_on"] = end.end.isoformat()
        row["ends_on_provisional"] = end.provisional
        if row["status"] == LISTED:
            over = term_over(calendar, end, as_of)
            row["due_for_removal"] = bool(over)
            if over is None:  # the nominal end has passed; whether the term has is unknown
                row["removal_pending_year"] = end.missing_year
                message = provisional_warning(calendar, end)
                if message not in archive.warnings:
                    archive.warnings.append(message)
    if following == "remove" and end is not None and end.provisional:
        following_known = False  # the removal's deadline is the end, not known yet
    else:
        following_known = bool(following)
    if following_known:
        try:
            deadline = _pending_deadline(calendar, row, following)
            if deadline is not None:
                row["next_deadline"] = deadline.isoformat()
                if as_of > deadline:
                    row["overdue"] = True
                    workdays = bool(_plan_stage(row, following).get("workdays"))
                    try:
                        row["days_overdue"] = calendar.days_between(
                            deadline, as_of, workdays=workdays
                        )
                    except CalendarGap as gap:  # surely overdue; how many working days is not
                        row["days_overdue"] = None
                        row["days_overdue_year_missing"] = gap.year
                        if gap.message not in archive.warnings:
                            archive.warnings.append(gap.message)
        except CalendarGap as exc:
            if _surely_not_due(calendar, row, following, as_of):
                row["next_deadline_year_missing"] = exc.year  # not due yet; the day is unknown
            else:
                row["calendar_gap"] = exc.message
            if exc.message not in archive.warnings:
                archive.warnings.append(exc.message)
    for stage in row["stages"]:
        stage["late"] = bool(stage.get("deadline") and stage["date"] > stage["deadline"])
    return row


# -- proposing ---------------------------------------------------------------------------------


def entry_id(code: str, criterion: str, basis: list[str], note: str | None = None) -> str:
    """``B-`` + 12 hex of sha256(code|criterion|sorted basis); a note-only basis adds the
    note's hash, so two different "other" findings are two entries."""
    keys = sorted(basis)
    if note:
        keys.append("note:" + hashlib.sha256(note.encode("utf-8")).hexdigest()[:16])
    text = "|".join([code, criterion, *keys])
    return "B-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _months_before(day: date, months: int) -> date:
    month0 = day.year * 12 + day.month - 1 - months
    year, month = divmod(month0, 12)
    import calendar

    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _has_penalty(index: Index, records: list[dict[str, Any]]) -> bool:
    """Whether the records rest on a penalty decision: one in their evidence, or the document
    an accident in their evidence was recorded from (the ``documents`` and ``accidents``
    tables, read by name)."""
    documents = index.table(DOCUMENTS_TABLE)
    accidents = index.table(ACCIDENTS_TABLE)

    def is_penalty(sha: Any) -> bool:
        row = documents.record(str(sha)) if sha else None
        return bool(row and row.get("kind") == PENALTY_DECISION)

    for record in records:
        for item in record.get("evidence") or []:
            if item.get("kind") == PENALTY_DECISION or is_penalty(item.get("document")):
                return True
            accident = accidents.record(str(item["accident"])) if item.get("accident") else None
            if accident and is_penalty((accident.get("source") or {}).get("document")):
                return True
    return False


def _evidence(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    found = []
    for record in records:
        for item in record.get("evidence") or []:
            key = repr(sorted(item.items()))
            if key not in seen:
                seen.add(key)
                found.append({**item, "record": record["id"]})
    return found


@dataclass
class Proposal:
    """One outcome of :func:`propose`."""

    action: str  # proposed | exists | skipped | removal_due
    credit_code: str
    criterion: str
    id: str | None
    basis: list[str]
    reason: str
    data: dict[str, Any] | None = None  # the event's data for a proposal

    def as_dict(self) -> dict[str, Any]:
        row = {
            "action": self.action,
            "id": self.id,
            "credit_code": self.credit_code,
            "criterion": self.criterion,
            "basis": self.basis,
            "reason": self.reason,
        }
        if self.data:
            row.update(
                term_years=self.data["term_years"],
                term_reason=self.data["term_reason"],
                evidence=self.data["evidence"],
                regime=self.data["regime"],
                rule=self.data["rule"],
            )
        return row


def _proposal_data(
    regime: Any,
    criterion: Any,
    code: str,
    records: list[dict[str, Any]],
    *,
    as_of: date,
    rule: str,
    note: str | None,
    reason: str,
) -> dict[str, Any]:
    years, why = term_for(regime, records)
    basis = sorted(record["id"] for record in records)
    return {
        "id": entry_id(code, criterion.number, basis, note if not basis else None),
        "credit_code": code,
        "criterion": criterion.number,
        "criterion_text": criterion.text,
        "criterion_short": criterion.short,
        "basis": basis,
        "evidence": _evidence(records),
        "evidence_note": note,
        "rule": rule,
        "regime": regime.stamp(),
        "plan": plan_of(regime),
        "term_years": years,
        "term_reason": why,
        "date": as_of.isoformat(),
        "reason": reason,
    }


LIVE = (IN_PROGRESS, LISTED)


def _live_basis(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Record id → the live entry (in progress or listed) whose basis it is in."""
    found: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if entry["status"] in LIVE:
            for record_id in entry.get("basis") or []:
                found.setdefault(record_id, entry)
    return found


def _in_live_entry(record_ids: list[str], entry: dict[str, Any]) -> str:
    return _(
        "记录 {records} 已是条目 {id}（{status}，第 {number} 项情形）的依据，不再用于另一条目",
        records=join_items(record_ids),
        id=entry["id"],
        status=_(STATUS_LABELS[entry["status"]]),
        number=entry["criterion"],
    )


def record_criterion_under(regime: Any, record: dict[str, Any]) -> tuple[str | None, str | None]:
    """The record criterion ``record`` counts as under ``regime``, and why not when it counts
    as none.  A criterion number belongs to the regime the record was decided under: a record
    of the same regime keeps its number; one of another regime is translated through its rule
    (``regime.criterion_for_rule(rule, grade)``); a manual record of another regime is not
    translated (``"manual"``), nor a rule ``regime`` makes nothing of (``"no_criterion"``).  A
    record without a regime stamp is read as decided under ``regime``."""
    stamp = record.get("regime") or {}
    if not stamp.get("id") or stamp.get("id") == regime.id:
        return record.get("criterion"), None
    rule = str(record.get("rule") or "manual")
    if rule == "manual" or rule not in _rules():
        return None, "manual"
    criterion = regime.criterion_for_rule(rule, (record.get("facts") or {}).get("grade"))
    return (criterion.number, None) if criterion else (None, "no_criterion")


def _rules() -> tuple[str, ...]:
    from archive.regimes import RULES

    return RULES


def _untranslated(regime: Any, record: dict[str, Any], why: str) -> Proposal:
    stamp = record.get("regime") or {}
    if why == "manual":
        reason = _(
            "记录 {id} 是在 {other} 下手工认定的（第 {number} 项），不自动按 {title} 使用："
            "需要时用 --criterion N --record {id} 手工提出",
            id=record["id"],
            other=stamp.get("id"),
            number=record.get("criterion"),
            title=regime.title,
        )
    else:
        reason = _(
            "记录 {id}（{other} 第 {number} 项，规则 {rule}）在 {title} 中不属于任何情形",
            id=record["id"],
            other=stamp.get("id"),
            number=record.get("criterion"),
            rule=record.get("rule"),
            title=regime.title,
        )
    return Proposal("skipped", record["credit_code"], "", None, [record["id"]], reason)


def _automatic(
    index: Index, regime: Any, code: str | None, as_of: date, only: str | None
) -> list[Proposal]:
    """Proposals from confirmed records dated within the regime's record window (from the same
    date ``record_window_months`` earlier, inclusive, as archive.records counts it).

    Each record counts under the criterion it has in ``regime`` (:func:`record_criterion_under`);
    a record already in the basis of a live entry (in progress or listed) of the enterprise —
    under any criterion or regime — starts no other entry, nor one an earlier entry stood on."""
    window_start = _months_before(as_of, int(regime.record_window_months)).isoformat()
    day = as_of.isoformat()
    by_code: dict[str, list[dict[str, Any]]] = {}
    not_counted: list[Proposal] = []
    for record in confirmed_records(index, code):
        if not window_start <= (record.get("date") or "") <= day:  # 一年内: same date inclusive
            continue
        number, why = record_criterion_under(regime, record)
        if number is None:
            if only is None:
                not_counted.append(_untranslated(regime, record, why or "no_criterion"))
            continue
        by_code.setdefault(record["credit_code"], []).append({**record, "criterion": number})
    criteria = [c for c in regime.blacklist_criteria if c.from_records]
    if only is not None:
        criteria = [c for c in criteria if c.number == only]
    found: list[Proposal] = []
    for credit_code in sorted(by_code):
        entries = _entries(index, credit_code)
        live = _live_basis(entries)
        used = {rid for e in entries for rid in e.get("basis", [])}
        for criterion in criteria:
            records = [
                r for r in by_code[credit_code] if r.get("criterion") in criterion.from_records
            ]
            if not records:
                continue
            ids = sorted(r["id"] for r in records)
            same = entry_id(credit_code, criterion.number, ids)
            ours = [
                e
                for e in entries
                if e["criterion"] == criterion.number
                and (e.get("regime") or {}).get("id") == regime.id
            ]
            if any(e["id"] == same for e in ours):
                found.append(
                    Proposal("exists", credit_code, criterion.number, same, ids, _("已有同一条目"))
                )
                continue
            active = [e for e in ours if e["status"] in LIVE]
            if active:
                found.append(
                    Proposal(
                        "skipped",
                        credit_code,
                        criterion.number,
                        active[0]["id"],
                        ids,
                        _(
                            "该单位按此情形已有条目 {id}（{status}）",
                            id=active[0]["id"],
                            status=_(STATUS_LABELS[active[0]["status"]]),
                        ),
                    )
                )
                continue
            held = [r["id"] for r in records if r["id"] in live]
            records = [r for r in records if r["id"] not in used]
            if not records:
                if held:
                    entry = live[held[0]]
                    found.append(
                        Proposal(
                            "skipped",
                            credit_code,
                            criterion.number,
                            entry["id"],
                            held,
                            _in_live_entry(held, entry),
                        )
                    )
                continue
            ids = sorted(r["id"] for r in records)
            if needs_penalty(regime) and not _has_penalty(index, records):
                found.append(
                    Proposal(
                        "skipped",
                        credit_code,
                        criterion.number,
                        None,
                        ids,
                        _(
                            "{title}列入黑名单须以行政处罚决定为依据，这些记录的证据中没有行政处罚决定书",
                            title=regime.title,
                        ),
                    )
                )
                continue
            data = _proposal_data(
                regime,
                criterion,
                credit_code,
                records,
                as_of=as_of,
                rule="records",
                note=None,
                reason=_("由已确认的不良信用记录提出"),
            )
            found.append(
                Proposal(
                    "proposed", credit_code, criterion.number, data["id"], ids, data["reason"], data
                )
            )
    return found + not_counted


def _manual(
    index: Index,
    regime: Any,
    code: str,
    as_of: date,
    number: str,
    record_ids: list[str],
    note: str | None,
) -> Proposal:
    criterion = regime.blacklist_criterion(number)
    records = []
    for record_id in record_ids:
        record = _record(index, record_id.strip())
        if record is None:
            raise NotFound(
                _("没有编号为 {id} 的不良信用记录", id=record_id),
                _("用 credit record list {code} 查看该单位的记录", code=code),
            )
        if record.get("credit_code") != code:
            raise UsageError(
                _(
                    "记录 {id} 属于 {other}，不是 {code}",
                    id=record_id,
                    other=record.get("credit_code"),
                    code=code,
                )
            )
        if record.get("status") != "confirmed":
            from archive.records import not_confirmed_problem

            raise UsageError(*not_confirmed_problem(record))
        records.append(record)
    if not records:
        if not note:
            others = [c.number for c in regime.blacklist_criteria if c.other]
            raise UsageError(
                _("手工提出须用 --record 给出已确认的不良信用记录"),
                _(
                    "“其他”情形（第 {number} 项）也可用 --evidence-note 写明认定的事实和依据",
                    number=others[0],
                )
                if others and not needs_penalty(regime)
                else None,
            )
        if not criterion.other:
            raise UsageError(
                _(
                    "第 {number} 项情形须以不良信用记录为依据，--evidence-note 只用于“其他”情形",
                    number=number,
                ),
                _("用 --record 给出已确认的记录"),
            )
    if needs_penalty(regime) and not _has_penalty(index, records):
        raise CreditError(
            _(
                "{title}列入黑名单须以行政处罚决定为依据，所给依据中没有行政处罚决定书",
                title=regime.title,
            ),
            _("用 --record 给出以行政处罚决定书为证据的已确认记录"),
        )
    data = _proposal_data(
        regime,
        criterion,
        code,
        records,
        as_of=as_of,
        rule="manual",
        note=note,
        reason=note or _("手工提出"),
    )
    ids = data["basis"]
    if index.table(TABLE).record(data["id"]) is not None:
        return Proposal("exists", code, number, data["id"], ids, _("已有同一条目"))
    live = _live_basis(_entries(index, code))
    held = [rid for rid in ids if rid in live]
    if held:
        entry = live[held[0]]
        raise CreditError(
            _in_live_entry(held, entry),
            _(
                "一条记录只作一个条目的依据：条目 {id} 撤回或移出后再提出",
                id=entry["id"],
            ),
        )
    return Proposal("proposed", code, number, data["id"], ids, data["reason"], data)


def _removals_due(index: Index, calendar: Any, code: str | None, as_of: date) -> list[Proposal]:
    found = []
    for entry in _entries(index, code):
        end = resolve_end(calendar, entry) if entry["status"] == LISTED else None
        if end is None:
            continue
        over = term_over(calendar, end, as_of)
        if over:
            found.append(
                Proposal(
                    "removal_due",
                    entry["credit_code"],
                    entry["criterion"],
                    entry["id"],
                    list(entry.get("basis", [])),
                    _(
                        "管理期限已于 {ends_on} 届满，应移出：credit blacklist remove {id} --reason …",
                        ends_on=end.end.isoformat(),
                        id=entry["id"],
                    ),
                )
            )
        elif over is None:
            found.append(
                Proposal(
                    "removal_pending",
                    entry["credit_code"],
                    entry["criterion"],
                    entry["id"],
                    list(entry.get("basis", [])),
                    _(
                        "届满待定（缺 {year} 年数据）：{warning}",
                        year=end.missing_year,
                        warning=provisional_warning(calendar, end),
                    ),
                )
            )
    return found


def propose(
    archive: Archive,
    code: str | None = None,
    *,
    as_of: date,
    criterion: str | None = None,
    records: list[str] | None = None,
    evidence_note: str | None = None,
    dry_run: bool = False,
) -> list[Proposal]:
    """Propose entries (stage ``collect``) and list the removals that are due.

    Without ``records``/``evidence_note``: for every enterprise (or ``code``) whose confirmed
    records dated within the regime's record window support a blacklist criterion (its
    ``from_records``), one entry per criterion with those records as basis — unless an entry of
    that criterion is in progress or listed, and leaving out records an earlier entry of the
    criterion stood on.  With them: a manual proposal of ``code`` under ``criterion``.
    Proposing twice adds nothing (ids follow from code, criterion and basis).
    """
    regime = _regime(archive)
    code = uscc.compact(code) if code else None
    manual = bool(records) or evidence_note is not None
    if evidence_note is not None and not evidence_note.strip():
        raise UsageError(_("--evidence-note 不能为空"))
    if not code and (manual or criterion is not None):
        given = [
            name
            for name, value in (
                ("--criterion", criterion),
                ("--record", records),
                ("--evidence-note", evidence_note),
            )
            if value
        ]
        raise UsageError(
            _("{options} 须与单位代码一起用", options=join_items(given)),
            _(
                "例如 credit blacklist propose 代码 --criterion N --record R-…；自动检查全部单位不加这些选项"
            ),
        )
    if manual and not criterion:
        raise UsageError(_("手工提出须给出 --criterion"))
    if manual and code:
        from archive.enterprises import get_enterprise

        get_enterprise(archive, code)  # NotFound naming the code
    if criterion is not None:
        chosen = regime.blacklist_criterion(criterion)  # a clear error naming the choices
        if not manual and not chosen.from_records:
            raise UsageError(
                _(
                    "第 {number} 项情形不由不良信用记录自动提出",
                    number=criterion,
                ),
                _("手工提出：加 --record（已确认的记录）")
                if not chosen.other or needs_penalty(regime)
                else _(
                    "手工提出：加 --record（已确认的记录）或 --evidence-note（认定的事实和依据）"
                ),
            )

    def plan(index: Index) -> list[Proposal]:
        if manual:
            assert code and criterion
            found = [
                _manual(
                    index,
                    regime,
                    code,
                    as_of,
                    criterion,
                    list(records or []),
                    evidence_note.strip() if evidence_note else None,
                )
            ]
        else:
            found = _automatic(index, regime, code, as_of, criterion)
        return found + _removals_due(index, _calendar(archive), code, as_of)

    if dry_run:
        return plan(archive.index())
    with archive.transaction() as tx:
        found = plan(tx.index)
        for proposal in found:
            if proposal.action == "proposed":
                assert proposal.data is not None
                tx.emit("blacklist.proposed", proposal.data)
    return found


# -- advancing ---------------------------------------------------------------------------------


def _cn_number(number: str) -> str:
    try:
        value = int(number)
    except ValueError:
        return number
    if 0 <= value < 10:
        return _CN_DIGITS[value]
    if value < 20:
        return "十" + (_CN_DIGITS[value - 10] if value > 10 else "")
    return str(value)


def _facts_text(index: Index, entry: dict[str, Any]) -> str:
    """What happened, one sentence per basis record, as the 告知书 states it: the accident, the
    penalty decision's 违法事实, the rectification order not carried out — each with its 文号.
    Document text (the notice is a Chinese document whatever the interface language)."""
    parts = [_record_facts(index, _record(index, rid) or {"id": rid}) for rid in entry["basis"]]
    if entry.get("evidence_note"):
        parts.append(entry["evidence_note"])
    return "；".join(part for part in parts if part) or entry["criterion_text"]


def _short(text: Any, limit: int = 120) -> str:
    """The first sentence of ``text`` (at most ``limit`` characters), without its full stop."""
    text = " ".join(str(text or "").split())
    first = text.split("。")[0].strip("，,；; ")
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _record_facts(index: Index, record: dict[str, Any]) -> str:
    facts = record.get("facts") or {}
    when = _written_date(record.get("date"))
    for item in record.get("evidence") or []:
        if item.get("accident"):
            text = _accident_facts(index, str(item["accident"]), facts, item)
        elif item.get("rectification"):
            text = _rectification_facts(index, str(item["rectification"]), facts, item)
        elif item.get("kind") == PENALTY_DECISION or item.get("document"):
            text = _penalty_facts(index, item, facts, when)
        else:
            continue
        if text:
            return text
    if facts.get("note"):
        return f"{when}，{facts['note']}" if when else str(facts["note"])
    text = str(record.get("criterion_text") or record.get("reason") or "")
    text = text[:-1] if text.endswith("的") else text
    numbers = "、".join(
        dict.fromkeys(
            str(i["doc_number"]) for i in record.get("evidence") or [] if i.get("doc_number")
        )
    )
    text = f"{text}（{numbers}）" if numbers and text else text
    return f"{when}，{text}" if when and text else text


def _accident_facts(
    index: Index, accident_id: str, facts: dict[str, Any], item: dict[str, Any]
) -> str:
    from archive.regimes import GRADE_LABELS as REGIME_GRADES

    row = index.table(ACCIDENTS_TABLE).record(accident_id) or {}
    day = _written_date(row.get("date") or facts.get("accident_date"))
    what = str(row.get("description") or "").strip() or "生产安全事故"
    harm = []
    deaths = row.get("deaths", facts.get("deaths"))
    injuries = row.get("serious_injuries", facts.get("serious_injuries"))
    loss = row.get("direct_loss_yuan", facts.get("direct_loss_yuan"))
    if deaths:
        harm.append(f"{deaths}人死亡")
    if injuries:
        harm.append(f"{injuries}人重伤")
    if loss:
        harm.append(f"直接经济损失{loss}元")
    text = f"{day}发生{what}" if day else f"发生{what}"
    if harm:
        text += "，造成" + "、".join(harm)
    grade = row.get("grade") or facts.get("grade")
    if grade in REGIME_GRADES:
        text += f"，属{REGIME_GRADES[grade]}"  # the Chinese label itself: document text
    if row.get("concealed") or facts.get("concealed"):
        text += "，存在瞒报、谎报或迟报情形"
    number = item.get("doc_number") or (row.get("source") or {}).get("doc_number")
    return f"{text}（{number}）" if number else text


def _rectification_facts(
    index: Index, key: str, facts: dict[str, Any], item: dict[str, Any]
) -> str:
    row = index.table(RECTIFICATIONS_TABLE).record(key) or {}
    number = row.get("order_number") or item.get("doc_number") or facts.get("order_number")
    problems = "；".join(_short(p, 60) for p in row.get("problems") or [] if str(p).strip())
    deadline = _written_date(row.get("deadline") or facts.get("deadline"))
    text = f"{number}责令限期整改" if number else "本局责令限期整改"
    if problems:
        text += f"（{problems}）"
    if deadline:
        text += f"，整改期限为{deadline}"
    rectified = _written_date(facts.get("rectified_on"))
    return text + (f"，至{rectified}才整改完成" if rectified else "，逾期未完成整改")


def _penalty_facts(
    index: Index, item: dict[str, Any], facts: dict[str, Any], when: str | None
) -> str:
    document = index.table(DOCUMENTS_TABLE).record(str(item.get("document") or "")) or {}
    fields = document.get("fields") or {}
    illegal = _short(fields.get("facts") or facts.get("facts"))
    if not illegal:
        return ""
    number = fields.get("doc_number") or item.get("doc_number") or facts.get("doc_number")
    day = _written_date(fields.get("document_date") or facts.get("document_date")) or when
    text = f"{day}，{illegal}" if day else illegal
    return f"{text}（行政处罚决定书{number}）" if number else text


def _written_date(text: str | None) -> str | None:
    """``2025-09-20`` → ``2025年9月20日``, as the notice's other dates are written."""
    try:
        day = date.fromisoformat(str(text))
    except ValueError:
        return text or None
    return f"{day.year}年{day.month}月{day.day}日"


def _evidence_text(entry: dict[str, Any]) -> str:
    items = []
    for item in entry.get("evidence", []):
        items.append(
            item.get("doc_number")
            or item.get("note")
            or (item.get("document") or "")[:12]
            or item.get("accident")
            or item.get("record")
        )
    items = [str(item) for item in dict.fromkeys(items) if item]
    if entry.get("evidence_note") and not items:
        items.append(entry["evidence_note"])
    return "、".join(items) or "、".join(entry.get("basis", []))


def _notice_facts(
    calendar: Any, index: Index, entry: dict[str, Any], template: str, day: date, reason: str | None
) -> dict[str, Any]:
    if template == "notice_blacklist_removal":
        return {
            "listed_on": entry["listed_on"],
            "removed_on": day.isoformat(),
            "reason": reason or "",
        }
    # The statement period is the regime's (statement days after the notice).  The term counts
    # from publication, a date the notice cannot know (hold-out set: a foreseen date is a guess
    # the archive never records), so the notice states the term in words and its length.
    plan = entry["plan"]
    statement = statement_deadline(calendar, plan, day)
    # document text (the notice is a Chinese document), not a message
    starts = _plan_stage(entry, plan["term_starts"]).get("label") or "信息公布"
    start_text, end_text = f"{starts}之日", "管理期满之日（遇法定节假日顺延）"
    return {
        "basis": notice_basis(entry),
        "steps": "—".join(stage.get("label") or stage["stage"] for stage in plan["stages"]),
        "criterion": f"第{_cn_number(entry['criterion'])}项",
        "criterion_text": entry["criterion_text"],
        "facts": _facts_text(index, entry),
        "evidence": _evidence_text(entry),
        "term_years": str(entry["term_years"]),
        "start_date": start_text,
        "end_date": end_text,
        "statement_deadline": statement.isoformat(),
    }


def notice_basis(entry: dict[str, Any]) -> str:
    """What the entry's 告知书 cites as the ground for listing: its regime's (kept in the
    entry's plan; an entry proposed before the plan kept it reads its shipped regime)."""
    plan = entry["plan"]
    if plan.get("basis"):
        return str(plan["basis"])
    from archive.regimes import load_regime

    try:
        regime = load_regime(None, (entry.get("regime") or {}).get("id"))
    except CreditError:
        return str(plan.get("title") or "")
    return regime.notice_basis or regime.basis or regime.title


def _issue_notice(
    archive: Archive,
    entry: dict[str, Any],
    template: str,
    facts: dict[str, Any],
    day: date,
    out_dir: Path | None,
) -> tuple[str, str | None]:
    """Issue the stage's notice through the letters machinery; its serial and file."""
    from archive.letters import issue as letters

    request = letters.notice_request(
        archive, template, credit_code=entry["credit_code"], facts=facts, year=day.year
    )
    report = letters.issue_letters(archive, [request], out_dir=out_dir, issue_date=day)
    letter = report.letters[0]
    if letter.status == letters.IN_PROGRESS:
        raise CreditError(
            _(
                "另一位经办人正在为条目 {id} 生成{stage}文书（编号 {serial}）",
                id=entry["id"],
                stage=_(STAGE_LABELS.get(_notice_stage(entry, template), "")),
                serial=letter.serial,
            ),
            _("稍后用 credit blacklist show {id} 查看", id=entry["id"]),
        )
    if letter.status not in (letters.ISSUED, letters.ALREADY_ISSUED) or not letter.serial:
        raise CreditError(
            _(
                "{template} 没有生成：{reason}",
                template=template,
                reason=letter.reason or letter.status,
            ),
            _("条目未推进；解决后再运行一次"),
        )
    file = None
    if letter.file is not None:
        try:
            file = str(Path(letter.file).resolve().relative_to(archive.root))
        except ValueError:
            file = str(letter.file)
    return letter.serial, file


def _notice_stage(entry: dict[str, Any], template: str) -> str:
    for stage in entry["plan"]["stages"]:
        if stage.get("notice") == template:
            return stage["stage"]
    return ""


def _check_order(entry: dict[str, Any], to_stage: str | None) -> str:
    """The stage to go to: the next one; refuses going back, skipping, or a closed entry."""
    current = entry["stage"]
    label = _(STAGE_LABELS.get(current, current))
    if entry["status"] in (REMOVED, WITHDRAWN):
        raise CreditError(
            _(
                "条目 {id} 已{verb}（{date}），不能再推进",
                id=entry["id"],
                verb=_(STATUS_VERBS[entry["status"]]),
                date=entry.get("removed_on"),
            ),
        )
    following = next_stage(entry)
    if following is None:  # pragma: no cover - remove is the last stage and closes the entry
        raise CreditError(_("条目 {id} 已在最后一个阶段", id=entry["id"]))
    if to_stage is None or to_stage == following:
        return following
    order = _stage_order(entry)
    if to_stage not in order:
        raise UsageError(
            _("没有“{stage}”这个阶段：可选 {choices}", stage=to_stage, choices=join_items(order))
        )
    if order.index(to_stage) <= order.index(current):
        raise CreditError(
            _(
                "条目 {id} 现处于“{current}”阶段，不能回到“{stage}”",
                id=entry["id"],
                current=label,
                stage=_(STAGE_LABELS.get(to_stage, to_stage)),
            ),
            _(
                "阶段的日期录错了，用 credit blacklist correct {id} --stage … --date … --reason … 更正",
                id=entry["id"],
            ),
        )
    raise CreditError(
        _(
            "条目 {id} 现处于“{current}”阶段，下一阶段是“{next}”，不能跳到“{stage}”",
            id=entry["id"],
            current=label,
            next=_(STAGE_LABELS.get(following, following)),
            stage=_(STAGE_LABELS.get(to_stage, to_stage)),
        ),
    )


def _moved_on(now: dict[str, Any], entry: dict[str, Any]) -> CreditError:
    """The error for the clerk whose entry another clerk changed meanwhile."""
    if now["status"] in (REMOVED, WITHDRAWN):
        return CreditError(
            _(
                "条目 {id} 已由另一位经办人{verb}（{date}），本次操作未记入",
                id=now["id"],
                verb=_(STATUS_VERBS[now["status"]]),
                date=now.get("removed_on"),
            ),
            _("用 credit blacklist show {id} 查看当前阶段", id=now["id"]),
        )
    last = now["stages"][-1]
    return CreditError(
        _(
            "条目 {id} 已由 {actor} 推进到“{stage}”（{date}），本次操作未记入",
            id=now["id"],
            actor=last.get("actor"),
            stage=_(STAGE_LABELS.get(now["stage"], now["stage"])),
            date=last.get("date"),
        ),
        _("用 credit blacklist show {id} 查看当前阶段", id=now["id"]),
    )


def _today() -> date:
    """Today (a function, so tests can move it)."""
    return date.today()


def _not_future(day: date, option: str = "--date") -> None:
    """A stage happens on a day that has come: a later date is a typing mistake."""
    today = _today()
    if day > today:
        raise UsageError(
            _(
                "{option} {date} 不能晚于今天（{today}）",
                option=option,
                date=day.isoformat(),
                today=today.isoformat(),
            ),
            _("阶段的日期是办理的那一天；不给 {option} 即为今天", option=option),
        )


def _check_date(entry: dict[str, Any], day: date) -> None:
    _not_future(day)
    previous = entry["stages"][-1]["date"]
    if day.isoformat() < previous:
        raise UsageError(
            _(
                "日期 {date} 早于上一阶段“{stage}”的日期 {previous}",
                date=day.isoformat(),
                stage=_(STAGE_LABELS.get(entry["stage"], entry["stage"])),
                previous=previous,
            )
        )


def advance(
    archive: Archive,
    entry_id: str,
    *,
    to_stage: str | None = None,
    date: date,
    reason: str | None = None,
    out_dir: Path | None = None,
    statement_done: bool = False,
) -> dict[str, Any]:
    """Move an entry to its next stage (``to_stage``, when given, must be that one).

    Past the 告知 stage only when the enterprise's 陈述申辩 period the 告知书 gave has ended
    (the day after its last day), unless ``statement_done``: the clerk records, with a
    ``reason``, that the enterprise waived it or has already made its statement.

    The stage's deadline is the regime's day count after the previous stage's date; at the
    stage the term starts from, the entry is listed and its end computed; a stage with a
    notice issues it (告知书 at notify) and records its serial.  ``remove`` goes through
    :func:`remove`.  Checked again under the lock: a clerk who lost a race is told who won.
    """
    day = date
    entry = get_entry(archive, entry_id)
    following = _check_order(entry, to_stage)
    if following == "remove":
        return remove(archive, entry["id"], date=day, reason=reason or "", out_dir=out_dir)
    _check_date(entry, day)
    calendar = _calendar(archive)
    reason = (reason or "").strip() or None
    _check_statement(calendar, entry, day, statement_done=statement_done, reason=reason)
    plan_stage = _plan_stage(entry, following)
    previous = date_from(entry["stages"][-1]["date"])
    deadline = _deadline_after(calendar, plan_stage, previous)
    data: dict[str, Any] = {
        "id": entry["id"],
        "credit_code": entry["credit_code"],
        "from": entry["stage"],
        "stage": following,
        "date": day.isoformat(),
        "deadline": deadline.isoformat() if deadline else None,
        "reason": reason or None,
        "notice": None,
        "file": None,
    }
    if following == "notify":
        data["statement_deadline"] = statement_deadline(calendar, entry["plan"], day).isoformat()
    if statement_done:
        data["statement_done"] = True
    if following == entry["plan"]["term_starts"]:
        end = term_end(calendar, day, int(entry["term_years"]), rolls=entry["plan"]["term_rolls"])
        data.update(listed_on=day.isoformat(), ends_on=end.end.isoformat())
        if end.provisional:
            data["ends_on_provisional"] = True
    template = plan_stage.get("notice")
    if template:
        facts = _notice_facts(calendar, archive.index(), entry, template, day, reason)
        data["notice"], data["file"] = _issue_notice(archive, entry, template, facts, day, out_dir)
    with archive.transaction() as tx:
        now = get_entry(tx.index, entry["id"])
        if now["stage"] != entry["stage"] or now["status"] != entry["status"]:
            raise _moved_on(now, entry)
        tx.emit("blacklist.advanced", data)
    if data.get("ends_on_provisional"):
        message = provisional_warning(calendar, end)
        if message not in archive.warnings:
            archive.warnings.append(message)
    return get_entry(archive, entry["id"])


def date_from(text: str) -> date:
    return date.fromisoformat(text)


def statement_deadline(calendar: Any, plan: dict[str, Any], notified: date) -> date:
    """The last day of the 陈述申辩 period a 告知书 of ``notified`` gives (the regime's
    statement days, working days where it says so)."""
    return calendar.add_days(
        notified, int(plan["statement_days"]), workdays=bool(plan["statement_workdays"])
    )


def _check_statement(
    calendar: Any, entry: dict[str, Any], day: date, *, statement_done: bool, reason: str | None
) -> None:
    """Refuse leaving the 告知 stage while the 陈述申辩 period runs, unless the clerk records
    (with a reason) that the enterprise waived it or has made its statement."""
    if entry["stage"] != "notify":
        if statement_done:
            raise UsageError(
                _(
                    "--statement-done 只用于从信息告知推进到下一阶段：条目 {id} 现处于“{stage}”阶段",
                    id=entry["id"],
                    stage=_(STAGE_LABELS.get(entry["stage"], entry["stage"])),
                )
            )
        return
    if statement_done:
        if not reason:
            raise UsageError(
                _("记录单位已放弃或已提出陈述申辩（--statement-done）须写明理由（--reason）"),
                _("例如 --reason 单位书面表示放弃陈述申辩"),
            )
        return
    notify = next(s for s in reversed(entry["stages"]) if s["stage"] == "notify")
    stored = notify.get("statement_deadline")
    last = (
        date_from(stored)
        if stored
        else statement_deadline(calendar, entry["plan"], date_from(notify["date"]))
    )
    if day <= last:
        raise CreditError(
            _(
                "条目 {id} 的陈述申辩期限到 {deadline}（告知书所写），{date} 还不能推进到下一阶段",
                id=entry["id"],
                deadline=last.isoformat(),
                date=day.isoformat(),
            ),
            _(
                "期满后（{after} 起）再推进；单位已书面放弃或已提出陈述申辩的，"
                "加 --statement-done --reason 写明情况",
                after=(last + timedelta(days=1)).isoformat(),
            ),
        )


def remove(
    archive: Archive,
    entry_id: str,
    *,
    date: date,
    reason: str,
    early: bool = False,
    evidence: list[str] | None = None,
    out_dir: Path | None = None,
) -> dict[str, Any]:
    """Remove a listed entry (at the end of its term, or early where its regime allows it,
    with evidence), issuing the 移出通知书; an entry not yet published is withdrawn instead.
    Always with a reason."""
    day = date
    reason = (reason or "").strip()
    evidence = [item.strip() for item in evidence or [] if item.strip()]
    if not reason:
        raise UsageError(_("移出或撤回须写明理由（--reason）"))
    entry = get_entry(archive, entry_id)
    if entry["status"] in (REMOVED, WITHDRAWN):
        raise CreditError(
            _(
                "条目 {id} 已{verb}（{date}）",
                id=entry["id"],
                verb=_(STATUS_VERBS[entry["status"]]),
                date=entry.get("removed_on"),
            ),
        )
    _check_date(entry, day)
    data: dict[str, Any] = {
        "id": entry["id"],
        "credit_code": entry["credit_code"],
        "from": entry["stage"],
        "date": day.isoformat(),
        "reason": reason,
        "early": False,
        "evidence": evidence,
        "notice": None,
        "file": None,
        "deadline": None,
    }
    if entry["status"] == IN_PROGRESS:
        if early:
            raise UsageError(
                _("条目 {id} 尚未公布，无须提前移出：不加 --early 即为撤回", id=entry["id"])
            )
        data["status"] = WITHDRAWN
    else:
        from archive.workdays import CalendarGap

        plan = entry["plan"]
        calendar = _calendar(archive)
        end = resolve_end(calendar, entry)
        assert end is not None  # a listed entry has its end
        over = term_over(calendar, end, day)
        if over is None:  # on or after the nominal end, and the rolled end is not known
            gap = CalendarGap(end.missing_year or end.nominal.year, calendar.path)
            gap.message = _(
                "条目 {id} 的届满日 {date} 如遇节假日将顺延，不能判断 {day} 是否已届满：{why}",
                id=entry["id"],
                date=end.nominal.isoformat(),
                day=day.isoformat(),
                why=gap.message,
            )
            raise gap
        ends_on = end.end.isoformat()
        if end.provisional:
            ends_on = _("{date}（顺延待定）", date=ends_on)
        if not over:
            if not early:
                raise CreditError(
                    _("条目 {id} 的管理期限到 {ends_on} 才届满", id=entry["id"], ends_on=ends_on),
                    _("期满前移出须加 --early 并附证据（仅在规则允许时）")
                    if plan["early_removal"]
                    else _("{title}不允许提前移出", title=plan["title"]),
                )
            if not plan["early_removal"]:
                raise CreditError(
                    _(
                        "{title}不允许提前移出：条目 {id} 须到管理期限届满（{ends_on}）后才能移出",
                        title=plan["title"],
                        id=entry["id"],
                        ends_on=ends_on,
                    ),
                    plan.get("early_reason") or None,
                )
            earliest = calendar.add_months(
                date_from(entry["listed_on"]), int(plan["early_after_months"]), roll=False
            )
            if day < earliest:
                raise CreditError(
                    _(
                        "{title}规定列入满 {months} 个月后才能申请提前移出：条目 {id} 最早 {earliest}",
                        title=plan["title"],
                        months=plan["early_after_months"],
                        id=entry["id"],
                        earliest=earliest.isoformat(),
                    ),
                )
            if plan["early_needs_evidence"] and not evidence:
                raise UsageError(_("提前移出须附证据（--evidence，如整改完成的复查意见书文号）"))
            data["early"] = True
        if not end.provisional:
            resolved = {**entry, "ends_on": end.end.isoformat()}
            deadline = _pending_deadline(calendar, resolved, "remove")
            data["deadline"] = deadline.isoformat() if deadline else None
        data["status"] = REMOVED
        template = _plan_stage(entry, "remove").get("notice")
        if template:
            facts = _notice_facts(calendar, archive.index(), entry, template, day, reason)
            data["notice"], data["file"] = _issue_notice(
                archive, entry, template, facts, day, out_dir
            )
    with archive.transaction() as tx:
        now = get_entry(tx.index, entry["id"])
        if now["stage"] != entry["stage"] or now["status"] != entry["status"]:
            raise _moved_on(now, entry)
        tx.emit("blacklist.removed", data)
    return get_entry(archive, entry["id"])


def correct(
    archive: Archive,
    entry_id: str,
    *,
    reason: str,
    term_years: int | None = None,
    stage: str | None = None,
    stage_date: date | None = None,
) -> dict[str, Any]:
    """Correct an entry: its term, or the date of a stage it reached — a new event with a
    reason; what it said before stays in ``corrections``.  A changed publication date or
    term moves the end of the term."""
    reason = (reason or "").strip()
    if not reason:
        raise UsageError(_("更正须写明理由（--reason）"))
    if term_years is None and stage is None:
        raise UsageError(_("没有要更正的内容：用 --term-years，或 --stage 和 --date"))
    if (stage is None) != (stage_date is None):
        raise UsageError(_("更正阶段日期须同时给出 --stage 和 --date"))
    if term_years is not None and not 1 <= term_years <= 10:
        raise UsageError(_("管理期限应为 1 到 10 年：{value}", value=term_years))
    entry = get_entry(archive, entry_id)
    changes: dict[str, Any] = {}
    before: dict[str, Any] = {}
    if stage is not None:
        assert stage_date is not None
        dates = [s["date"] for s in entry["stages"]]
        keys = [s["stage"] for s in entry["stages"]]
        if stage not in keys:
            raise UsageError(
                _(
                    "条目 {id} 没有到过“{stage}”阶段：可更正 {choices}",
                    id=entry["id"],
                    stage=_(STAGE_LABELS.get(stage, stage)),
                    choices=join_items(f"{key}（{_(STAGE_LABELS.get(key, key))}）" for key in keys),
                )
            )
        _not_future(stage_date)
        position = keys.index(stage)
        new = stage_date.isoformat()
        if (position > 0 and new < dates[position - 1]) or (
            position + 1 < len(dates) and new > dates[position + 1]
        ):
            raise UsageError(
                _(
                    "{stage}的日期 {date} 应在前后两个阶段的日期之间",
                    stage=_(STAGE_LABELS[stage]),
                    date=new,
                )
            )
        changes["stage_dates"] = {stage: new}
        before["stage_dates"] = {stage: dates[position]}
    years = term_years if term_years is not None else int(entry["term_years"])
    if term_years is not None:
        changes.update(term_years=term_years, term_reason="corrected")
        before.update(term_years=entry["term_years"], term_reason=entry["term_reason"])
    listed_on = (changes.get("stage_dates") or {}).get(entry["plan"]["term_starts"]) or entry.get(
        "listed_on"
    )
    if listed_on and (listed_on != entry.get("listed_on") or term_years is not None):
        calendar = _calendar(archive)
        end = term_end(calendar, date_from(listed_on), years, rolls=entry["plan"]["term_rolls"])
        changes.update(
            listed_on=listed_on, ends_on=end.end.isoformat(), ends_on_provisional=end.provisional
        )
        before.update(
            listed_on=entry.get("listed_on"),
            ends_on=entry.get("ends_on"),
            ends_on_provisional=bool(entry.get("ends_on_provisional")),
        )
        if end.provisional:
            message = provisional_warning(calendar, end)
            if message not in archive.warnings:
                archive.warnings.append(message)
    with archive.transaction() as tx:
        now = get_entry(tx.index, entry["id"])
        if now != entry:
            raise CreditError(
                _("条目 {id} 刚被另一位经办人改动，本次更正未记入", id=entry["id"]),
                _("用 credit blacklist show {id} 查看后再更正", id=entry["id"]),
            )
        tx.emit(
            "blacklist.corrected",
            {
                "id": entry["id"],
                "credit_code": entry["credit_code"],
                "reason": reason,
                "changes": changes,
                "before": before,
            },
        )
    return get_entry(archive, entry["id"])


# -- events ------------------------------------------------------------------------------------


def _summary(data: dict[str, Any]) -> str:
    stage = data.get("stage") or data.get("status") or ""
    return f"{data.get('credit_code', '')} {data.get('id', '')} {stage}".strip()


def _note(index: Index, entry: dict[str, Any]) -> None:
    from archive.enterprises import note_event

    note_event(index, entry["data"]["credit_code"], entry)


@event("blacklist.proposed", label=N_("提出列入黑名单"), summary=_summary)
def _proposed(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    row = {
        key: data.get(key)
        for key in (
            "id",
            "credit_code",
            "criterion",
            "criterion_text",
            "criterion_short",
            "basis",
            "evidence",
            "evidence_note",
            "rule",
            "regime",
            "plan",
            "term_years",
            "term_reason",
        )
    }
    row.update(
        stage="collect",
        stages=[
            {
                "stage": "collect",
                "date": data["date"],
                "actor": entry["actor"],
                "at": entry["time"],
                "deadline": None,
                "notice": None,
                "file": None,
                "reason": data.get("reason"),
            }
        ],
        listed_on=None,
        ends_on=None,
        ends_on_provisional=False,
        status=IN_PROGRESS,
        removed_on=None,
        removal_reason=None,
        early=False,
        evidence_removal=[],
        corrections=[],
    )
    index.table(TABLE).put(data["id"], row)
    _note(index, entry)


def _stage_row(entry: dict[str, Any], stage: str) -> dict[str, Any]:
    data = entry["data"]
    return {
        "stage": stage,
        "date": data["date"],
        "actor": entry["actor"],
        "at": entry["time"],
        "deadline": data.get("deadline"),
        "notice": data.get("notice"),
        "file": data.get("file"),
        "reason": data.get("reason"),
        **{key: data[key] for key in ("statement_deadline", "statement_done") if data.get(key)},
    }


@event("blacklist.advanced", label=N_("黑名单阶段推进"), summary=_summary)
def _advanced(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    row = index.table(TABLE).record(data["id"])
    if row is None:
        return
    row["stages"].append(_stage_row(entry, data["stage"]))
    row["stage"] = data["stage"]
    if data.get("listed_on"):
        row.update(
            listed_on=data["listed_on"],
            ends_on=data["ends_on"],
            ends_on_provisional=bool(data.get("ends_on_provisional")),
            status=LISTED,
        )
    _note(index, entry)


@event("blacklist.removed", label=N_("移出黑名单"), summary=_summary)
def _removed(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    row = index.table(TABLE).record(data["id"])
    if row is None:
        return
    if data["status"] == REMOVED:
        row["stages"].append(_stage_row(entry, "remove"))
        row["stage"] = "remove"
    row.update(
        status=data["status"],
        removed_on=data["date"],
        removal_reason=data["reason"],
        early=bool(data.get("early")),
        evidence_removal=list(data.get("evidence") or []),
    )
    _note(index, entry)


@event("blacklist.corrected", label=N_("更正黑名单条目"), summary=_summary)
def _corrected(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    row = index.table(TABLE).record(data["id"])
    if row is None:
        return
    changes = data.get("changes") or {}
    for stage, day in (changes.get("stage_dates") or {}).items():
        for item in row["stages"]:
            if item["stage"] == stage:
                item["date"] = day
    if "remove" in (changes.get("stage_dates") or {}):
        row["removed_on"] = changes["stage_dates"]["remove"]
    for key in ("term_years", "term_reason", "listed_on", "ends_on", "ends_on_provisional"):
        if key in changes:
            row[key] = changes[key]
    row["corrections"].append(
        {
            "at": entry["time"],
            "by": entry["actor"],
            "reason": data["reason"],
            "changes": changes,
            "before": data.get("before") or {},
        }
    )
    _note(index, entry)
