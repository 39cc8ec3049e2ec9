"""``credit overdue``: everything past its deadline at a date, one row each, by section.

Composes every domain that has deadlines (the top layer: it imports any of them):

``rectification``
    an order's 整改期限 passed, rolled off a rest day, with no re-inspection that found it
    rectified by ``as_of`` (:func:`archive.records.rectifications_past_deadline`, the rule of
    ``rectification_overdue``); calendar days.
``commitment``
    a commitment letter issued and not returned signed within ``letters.return_days`` calendar
    days (default 30; counted from the day after the issue date, a last day on a rest day moved
    to the next working day).  A letter reissued by a later one counts no more; a commitment of
    the same year and level returned signed on the enterprise's own template counts as returned.
``monthly_report`` / ``section_submission``
    what :func:`archive.monthly.outstanding` says is owed and missing (or only incomplete) after
    its deadline at ``as_of``; ``since`` is that deadline (the due date plus any grace), days as
    the requirement counts them.  A month the calendar cannot count is a ``failed`` row.
``blacklist_stage``
    an entry whose next stage is past its deadline (:func:`archive.blacklist.list_entries`'
    ``overdue``); working or calendar days, as the regime counts the stage.
``fine``
    a penalty decision with a fine and no ``credit penalty paid`` by ``as_of``, 15 calendar days
    after the decision (:mod:`archive.penalties`).

Rectifications and commitment letters of an enterprise closed (注销) on or before ``as_of`` are
left out: there is no one left to act.  Fines and blacklist entries stay.

A due date the calendar cannot compute (a year without holiday data), or a fact that lacks the
date its deadline runs from, is a row of its own with ``status`` ``failed`` and the reason in
``detail``: the report's exit code is then 3, never a guess.  When nothing at all could be
judged, :func:`overdue` raises the first of those problems (exit 1).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from archive import blacklist, penalties, records, workdays
from archive.enterprises import CLOSED, check_filters
from archive.enterprises import TABLE as ENTERPRISES
from archive.errors import CreditError
from archive.i18n import N_, _
from archive.index import Index
from archive.ingest import DOCUMENTS
from archive.letters.issue import LETTERS_TABLE
from archive.letters.returns import COMMITMENTS, RETURNED
from archive.report import Report
from archive.store import Archive
from archive.validation import parse_day

RECTIFICATION = "rectification"
COMMITMENT = "commitment"
MONTHLY_REPORT = "monthly_report"
SECTION_SUBMISSION = "section_submission"
BLACKLIST_STAGE = "blacklist_stage"
FINE = "fine"
# A monthly row says which of the two it is.
INCOMPLETE_LABELS = {
    "monthly_report": (N_("月度诚信报告未报送"), N_("月度诚信报告不完整")),
    "section_submission": (N_("股室资料未报送"), N_("股室资料不齐")),
}
WHAT = (RECTIFICATION, COMMITMENT, MONTHLY_REPORT, SECTION_SUBMISSION, BLACKLIST_STAGE, FINE)
WHAT_LABELS = {
    RECTIFICATION: N_("整改逾期"),
    COMMITMENT: N_("承诺书未签回"),
    MONTHLY_REPORT: N_("月度诚信报告未报送或不完整"),
    SECTION_SUBMISSION: N_("股室资料未报送或不齐"),
    BLACKLIST_STAGE: N_("黑名单阶段逾期"),
    FINE: N_("罚款逾期未缴纳"),
}
OVERDUE = "overdue"  # a finding: past its deadline
FAILED = "failed"  # cannot be judged: the calendar lacks a year, or the fact lacks its date
STATUS_LABELS = {OVERDUE: N_("逾期"), FAILED: N_("无法判断")}
CALENDAR = "calendar"
WORKDAYS = "workdays"
RETURN_DAYS = "letters.return_days"


@dataclass
class OverdueReport(Report):
    """One row per item past its deadline (a finding, exit 10) or that cannot be judged (a
    failure, exit 3); ``judged`` counts the items whose deadline could be told, overdue or not."""

    FAILURES = frozenset({FAILED})
    FINDINGS = frozenset({OVERDUE})

    as_of: date
    section: str | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    judged: int = 0

    def outcomes(self) -> Iterator[str]:
        return (row["status"] for row in self.rows)

    def totals(self) -> list[dict[str, Any]]:
        """Per section (and ``all``): how many rows of each kind, and how many in all."""
        counts: dict[str, Counter[str]] = {}
        for row in self.rows:
            counts.setdefault(row["section"] or "", Counter())[row["what"]] += 1
        found = []
        everything: Counter[str] = Counter()
        for section, counted in counts.items():
            everything.update(counted)
            found.append(_total_row(section, counted))
        found.append(_total_row("all", everything))
        return found

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "section": self.section,
            "counts": dict(sorted(self.counts().items())),
            "exit_code": int(self.exit_code),
            "rows": self.rows,
            "totals": self.totals(),
        }


def _total_row(section: str, counted: Counter[str]) -> dict[str, Any]:
    return {"section": section, **{what: counted.get(what, 0) for what in WHAT}} | {
        "total": sum(counted.values())
    }


# -- the rows ------------------------------------------------------------------------------------


def _enterprise(index: Index, code: str | None) -> dict[str, Any]:
    if not code:
        return {}
    return index.table(ENTERPRISES).record(code) or {}


def _closed_by(enterprise: dict[str, Any], as_of: date) -> bool:
    closed_on = str(enterprise.get("closed_on") or "")
    return enterprise.get("status") == CLOSED and bool(closed_on) and closed_on <= as_of.isoformat()


def make_row(
    what: str,
    *,
    code: str | None,
    enterprise: dict[str, Any],
    since: date | None,
    days_overdue: int | None,
    days_counted: str | None,
    source: dict[str, Any],
    detail: str,
    status: str = OVERDUE,
    section: str | None = None,
    name: str | None = None,
    label: str | None = None,
) -> dict[str, Any]:
    """One row of the report (README "credit overdue" lists the keys)."""
    return {
        "what": what,
        "what_label": _(label or WHAT_LABELS[what]),
        "status": status,
        "status_label": _(STATUS_LABELS[status]),
        "credit_code": code,
        "name": name if name is not None else (enterprise.get("name") or ""),
        "section": section if section is not None else (enterprise.get("section") or ""),
        "industry": enterprise.get("industry") or "",
        "town": enterprise.get("town") or "",
        "since": since.isoformat() if since else None,
        "days_overdue": days_overdue,
        "days_counted": days_counted,
        "source": source,
        "detail": detail,
    }


def rectification_rows(
    index: Index, calendar: workdays.WorkCalendar, as_of: date
) -> tuple[list[dict[str, Any]], int]:
    """Open rectifications past their deadline at ``as_of`` (and those that cannot be judged)."""
    rows, judged = [], 0
    for found in records.rectifications_past_deadline(index, calendar, as_of):
        code = found.row["credit_code"]
        enterprise = _enterprise(index, code)
        if _closed_by(enterprise, as_of):
            continue
        source = {
            "document": found.row.get("opened_by"),
            "doc_number": found.row.get("order_number"),
        }
        if found.outcome != records.NEW:
            rows.append(
                make_row(
                    RECTIFICATION,
                    code=code,
                    enterprise=enterprise,
                    since=None,
                    days_overdue=None,
                    days_counted=None,
                    source=source,
                    detail=str(found.message),
                    status=FAILED,
                )
            )
            continue
        judged += 1
        if found.rectified_on is not None:
            continue  # rectified late, but rectified: nothing left to do (a record's business)
        assert found.deadline is not None and found.due is not None
        problems = found.row.get("problems") or []
        detail = _("整改期限 {deadline}", deadline=found.deadline.isoformat())
        if found.due != found.deadline:
            detail += _("（遇休息日顺延至 {due}）", due=found.due.isoformat())
        if problems:
            detail += _("；{count} 项问题", count=len(problems))
        rows.append(
            make_row(
                RECTIFICATION,
                code=code,
                enterprise=enterprise,
                since=found.due,
                days_overdue=found.days_overdue,
                days_counted=CALENDAR,
                source=source,
                detail=detail,
            )
        )
    return rows, judged


def _received_on(index: Index, sha: str | None, fallback: Any) -> date | None:
    """The day a returned document came in: its ``received_on``, else the day it was filed."""
    document = index.table(DOCUMENTS).record(sha) if sha else None
    if document:
        return parse_day(document.get("received_on")) or parse_day(document.get("ingested_at"))
    return parse_day(fallback)


def commitment_rows(
    index: Index, calendar: workdays.WorkCalendar, as_of: date, return_days: int
) -> tuple[list[dict[str, Any]], int]:
    """Commitment letters issued on or before ``as_of`` and not back signed ``return_days``
    calendar days after (rolled off a rest day)."""
    letters = index.table(LETTERS_TABLE)
    own = index.table(COMMITMENTS)
    issued = [(serial, letters.record(serial) or {}) for serial in letters.ids()]
    day = as_of.isoformat()
    reissued = {
        str(letter["reissue_of"])
        for _serial, letter in issued
        if letter.get("reissue_of") and str(letter.get("issue_date") or "") <= day
    }
    rows, judged = [], 0
    for serial, letter in sorted(issued, key=lambda item: str(item[0])):
        if letter.get("category") != "commitment" or serial in reissued:
            continue
        issue_date = parse_day(letter.get("issue_date"))
        if issue_date is None or issue_date > as_of:
            continue
        code = letter.get("credit_code")
        enterprise = _enterprise(index, code)
        if _closed_by(enterprise, as_of):
            continue
        if letter.get("status") == RETURNED and letter.get("signed"):
            back = _received_on(index, letter.get("returned_document"), letter.get("returned_at"))
            if back is None or back <= as_of:
                continue
        mine = own.record(f"{code}|{letter.get('year')}|{letter.get('level')}")
        if mine and mine.get("signed"):
            back = _received_on(index, mine.get("returned_document"), mine.get("returned_at"))
            if back is None or back <= as_of:
                continue
        source = {"document": letter.get("sha256"), "doc_number": serial}
        try:  # only the days up to as_of: a period ending in a year not covered has not run out
            due = calendar.deadline_before(issue_date, return_days, as_of, workdays=False)
        except workdays.CalendarGap as exc:
            rows.append(
                make_row(
                    COMMITMENT,
                    code=code,
                    enterprise=enterprise,
                    since=None,
                    days_overdue=None,
                    days_counted=None,
                    source=source,
                    detail=exc.message,
                    status=FAILED,
                    name=letter.get("name"),
                )
            )
            continue
        judged += 1
        if due is None:
            continue
        state = (
            (_("已退回但未签字") if letter.get("signed") is False else _("已退回，签字待核对"))
            if letter.get("status") == RETURNED
            else _("未退回")
        )
        detail = _(
            "{issued} 发出，{days} 日内应签回；{state}",
            issued=issue_date.isoformat(),
            days=return_days,
            state=state,
        )
        rows.append(
            make_row(
                COMMITMENT,
                code=code,
                enterprise=enterprise,
                since=due,
                days_overdue=(as_of - due).days,
                days_counted=CALENDAR,
                source=source,
                detail=detail,
                name=enterprise.get("name") or letter.get("name"),
            )
        )
    return rows, judged


def blacklist_rows(archive: Archive, as_of: date) -> tuple[list[dict[str, Any]], int]:
    """Blacklist entries whose next stage is past its deadline at ``as_of``."""
    index = archive.index()
    rows, judged = [], 0
    for entry in blacklist.list_entries(archive, as_of=as_of):
        following = entry.get("next_stage")
        if not following:
            continue
        enterprise = _enterprise(index, entry["credit_code"])
        stage = next((item for item in entry["plan"]["stages"] if item["stage"] == following), {})
        label = _(blacklist.STAGE_LABELS.get(following, following))
        source = {"entry": entry["id"]}
        problem = None
        if entry.get("calendar_gap"):
            problem = _("{stage}：{problem}", stage=label, problem=entry["calendar_gap"])
        elif entry.get("removal_pending_year"):
            # the term's nominal end has passed; the real one waits for a year's holiday data
            problem = _(
                "{stage}：管理期限名义上于 {nominal} 届满，实际届满日取决于 {year} 年的"
                "节假日数据（档案的 holidays.toml），无法判断是否逾期",
                stage=label,
                nominal=entry.get("ends_on_nominal") or entry.get("ends_on"),
                year=entry["removal_pending_year"],
            )
        if problem is not None:
            rows.append(
                make_row(
                    BLACKLIST_STAGE,
                    code=entry["credit_code"],
                    enterprise=enterprise,
                    since=None,
                    days_overdue=None,
                    days_counted=None,
                    source=source,
                    detail=problem,
                    status=FAILED,
                )
            )
            continue
        if entry.get("next_deadline") is None:
            continue  # a stage without a day count has no deadline
        judged += 1
        if not entry.get("overdue"):
            continue
        rows.append(
            make_row(
                BLACKLIST_STAGE,
                code=entry["credit_code"],
                enterprise=enterprise,
                since=parse_day(entry["next_deadline"]),
                days_overdue=entry.get("days_overdue"),
                days_counted=WORKDAYS if stage.get("workdays") else CALENDAR,
                source=source,
                detail=_(
                    "第{criterion}项情形，{stage}应于 {deadline} 前办理",
                    criterion=entry.get("criterion"),
                    stage=label,
                    deadline=entry["next_deadline"],
                ),
            )
        )
    return rows, judged


def fine_rows(
    index: Index, calendar: workdays.WorkCalendar, as_of: date
) -> tuple[list[dict[str, Any]], int]:
    """Fines not paid by ``as_of`` 15 calendar days after the decision (:mod:`archive.penalties`)."""
    rows, judged = [], 0
    for decision in penalties.decision_rows(index, calendar, as_of):
        status = decision["status"]
        if status in (penalties.NO_FINE,):
            continue
        enterprise = _enterprise(index, decision["credit_code"])
        source = {"document": decision["document"], "doc_number": decision["doc_number"]}
        if status in (penalties.NO_DATE, penalties.CALENDAR_GAP):
            rows.append(
                make_row(
                    FINE,
                    code=decision["credit_code"],
                    enterprise=enterprise,
                    since=None,
                    days_overdue=None,
                    days_counted=None,
                    source=source,
                    detail=str(decision["detail"]),
                    status=FAILED,
                )
            )
            continue
        judged += 1
        if status != penalties.OVERDUE:
            continue
        rows.append(
            make_row(
                FINE,
                code=decision["credit_code"],
                enterprise=enterprise,
                since=parse_day(decision["payment_due"]),
                days_overdue=decision["days_overdue"],
                days_counted=CALENDAR,
                source=source,
                detail=_(
                    "{decided} 决定罚款 {fine} 元，未登记缴纳",
                    decided=decision["decision_date"],
                    fine=decision["fine_yuan"],
                ),
            )
        )
    return rows, judged


def monthly_rows(
    archive: Archive, as_of: date, section: str | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Monthly reports and section submissions owed and missing (or only incomplete) after their
    deadline at ``as_of`` (:func:`archive.monthly.outstanding`); ``since`` is the deadline (the
    due date plus any grace period), ``days_overdue`` the days late the requirement counts."""
    from archive import monthly

    try:
        found = monthly.outstanding(archive, as_of, section=section)
    except workdays.CalendarGap as exc:
        row = make_row(
            MONTHLY_REPORT,
            code=None,
            enterprise={},
            since=None,
            days_overdue=None,
            days_counted=None,
            source={},
            detail=exc.message,
            status=FAILED,
        )
        return [row], 0
    # outstanding lists only what is overdue (or cannot be counted): the counted rows are what
    # it shows was judged (months all on time leave no trace here)
    rows, judged = [], 0
    for item in found:
        what = MONTHLY_REPORT if item["kind"] == monthly.KIND_ENTERPRISE else SECTION_SUBMISSION
        document = item.get("document") or {}
        detail = _(
            "{month} {requirement}：{status}",
            month=item["month"],
            requirement=item["requirement"],
            status=_(monthly.STATUS_LABELS.get(item["status"], item["status_label"])),
        )
        if item.get("reason"):
            detail += _("；{reason}", reason=item["reason"])
        # a row whose deadline the calendar cannot place (``uncounted``) is a failure that says
        # so; one past a known deadline is overdue even when counting its days needs a year the
        # calendar lacks (``days_late`` null, the reason says why): never a guess either way
        counted = item["status"] != "uncounted"
        rows.append(
            make_row(
                what,
                code=item.get("credit_code"),
                enterprise=item,
                since=parse_day(item.get("deadline")) if counted else None,
                days_overdue=item.get("days_late") if counted else None,
                days_counted=item.get("days_counted") if counted else None,
                source={
                    "month": item["month"],
                    "requirement": item["requirement"],
                    "document": document.get("sha256"),
                },
                detail=detail,
                status=OVERDUE if counted else FAILED,
                label=INCOMPLETE_LABELS[what][item["status"] == "incomplete"],
            )
        )
        judged += counted
    return rows, judged


# -- the report ----------------------------------------------------------------------------------


def _order(archive: Archive) -> dict[str, int]:
    return {section: n for n, section in enumerate(archive.settings.sections)}


def overdue(archive: Archive, as_of: date, section: str | None = None) -> OverdueReport:
    """Everything past its deadline at ``as_of`` (of one section), by section, kind and date."""
    _industry, section, _town = check_filters(archive, section=section)
    index = archive.index()
    calendar = workdays.calendar_for(archive)
    return_days = int(archive.settings[RETURN_DAYS])
    report = OverdueReport(as_of=as_of, section=section)
    parts = (
        rectification_rows(index, calendar, as_of),
        commitment_rows(index, calendar, as_of, return_days),
        monthly_rows(archive, as_of, section),
        blacklist_rows(archive, as_of),
        fine_rows(index, calendar, as_of),
    )
    for rows, judged in parts:
        report.rows.extend(rows)
        report.judged += judged
    if section:
        report.rows = [row for row in report.rows if row["section"] == section]
    if report.rows and report.judged == 0 and all(r["status"] == FAILED for r in report.rows):
        first = report.rows[0]
        raise CreditError(
            _(
                "截至 {as_of} 没有一项期限能够判断：{problem}",
                as_of=as_of.isoformat(),
                problem=first["detail"],
            ),
            _("按提示补全数据（如档案的 holidays.toml）后再运行"),
        )
    order = _order(archive)
    report.rows.sort(
        key=lambda row: (
            order.get(row["section"], len(order)),
            row["section"],
            WHAT.index(row["what"]),
            row["since"] or "",
            row["credit_code"] or "",
            str(row["source"]),
        )
    )
    return report


XLSX_COLUMNS = [
    ("section", N_("负责股室")),
    ("what_label", N_("事项")),
    ("status_label", N_("状态")),
    ("credit_code", N_("统一社会信用代码")),
    ("name", N_("单位名称")),
    ("since", N_("应办日期")),
    ("days_overdue", N_("逾期天数")),
    ("days_counted", N_("计数方式")),
    ("source", N_("来源")),
    ("detail", N_("说明")),
]
TOTAL_COLUMNS = [
    ("section", N_("负责股室")),
    *((what, WHAT_LABELS[what]) for what in WHAT),
    ("total", N_("合计")),
]


def write_xlsx(report: OverdueReport, path: Path) -> Path:
    """The report as a workbook: a sheet of rows (逾期事项), one of totals per section (合计)."""
    totals = [
        {**row, "section": _("全部") if row["section"] == "all" else row["section"]}
        for row in report.totals()
    ]
    from archive.xlsx import Sheet, write_workbook

    def headed(columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(key, _(label)) for key, label in columns]

    rows = [{**row, "source": source_text(row["source"])} for row in report.rows]
    fills = {_(STATUS_LABELS[OVERDUE]): "FFC7CE", _(STATUS_LABELS[FAILED]): "FFEB9C"}
    return write_workbook(
        path,
        [
            Sheet(_("逾期事项"), headed(XLSX_COLUMNS), rows, status="status_label", fills=fills),
            Sheet(_("合计"), headed(TOTAL_COLUMNS), totals),
        ],
    )


def source_text(source: dict[str, Any]) -> str:
    """Where a row comes from, in one cell: the entry, the 文号, the document or the month."""
    if source.get("entry"):
        return str(source["entry"])
    if source.get("doc_number"):
        return str(source["doc_number"])
    if source.get("month"):
        return f"{source['month']} {source.get('requirement') or ''}".strip()
    return str(source.get("document") or "")
