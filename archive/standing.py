"""An enterprise's standing (守信 / 一般 / 失信 / 黑名单): computed from the archive, never stored.

At a day ``as_of``, in this order (the first that holds decides):

``blacklisted`` (黑名单)
    an entry of the blacklist's table with status ``listed`` (or ``removed`` after ``as_of``),
    listed on or before ``as_of`` and ending on or after it.  The table is read by name (:func:`active_blacklist`), so standing
    does not depend on the blacklist module; an archive without the table has nobody listed.
``untrustworthy`` (失信)
    a confirmed bad-credit record dated within the regime's record window (一年内: from the same
    date a year earlier to ``as_of``).
``trustworthy`` (守信)
    this year's unit-level commitment returned signed (the letter we issued, or the
    enterprise's own text), complete monthly reports for the last N months whose deadlines have
    passed (the regime's ``green_channel_months``; a late report counts, a missing or
    incomplete one does not; months before the archive's start or the enterprise's ``since``
    are not owed), and neither of the above: the programme's green channel (绿色通道).
    When the calendar cannot count those months' due dates, the months cannot be judged and
    the enterprise is ``general`` with the rule saying so (never a guess).
``general`` (一般)
    otherwise.

Each row names the rule that decided it and its evidence, so a clerk can check it; ``standing``
and ``rule`` are codes for scripts (the same in every language), ``label`` is for people, in the
language of the messages (守信 …, ``--lang en``: trustworthy …).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from archive import blacklist, dossier, records, uscc, workdays
from archive.enterprises import ACTIVE, get_enterprise, log_of
from archive.enterprises import TABLE as ENTERPRISES
from archive.i18n import N_, _
from archive.index import Index
from archive.letters.issue import LETTERS_TABLE
from archive.letters.returns import COMMITMENTS, commitment_signed
from archive.regimes import load_regime
from archive.store import Archive

BLACKLIST_TABLE = "blacklist"
LISTED = "listed"
REMOVED = "removed"

TRUSTWORTHY = "trustworthy"
GENERAL = "general"
UNTRUSTWORTHY = "untrustworthy"
BLACKLISTED = "blacklisted"
LABELS = {
    TRUSTWORTHY: N_("守信"),
    GENERAL: N_("一般"),
    UNTRUSTWORTHY: N_("失信"),
    BLACKLISTED: N_("黑名单"),
}
# the rule that decided a standing
RULE_BLACKLIST = "blacklist_listed"
RULE_RECORD = "confirmed_record_in_window"
RULE_COMMITMENT = "commitment_signed_no_record"
RULE_NO_COMMITMENT = "no_signed_commitment"
RULE_MONTHLY = "monthly_reports_incomplete"
RULE_MONTHLY_UNKNOWN = "monthly_reports_unknown"
RULE_LABELS = {
    RULE_BLACKLIST: N_("列入黑名单，期限未满"),
    RULE_RECORD: N_("记录期内有已确认的不良信用记录"),
    RULE_COMMITMENT: N_("本年度单位承诺书已签字退回，记录期内无不良信用记录"),
    RULE_NO_COMMITMENT: N_("本年度单位承诺书未签字退回"),
    RULE_MONTHLY: N_("本年度单位承诺书已签字退回，但近几个月的月度报告未提交或不完整"),
    RULE_MONTHLY_UNKNOWN: N_("本年度单位承诺书已签字退回，但工作日历缺年份，无法核对月度报告"),
}


def active_blacklist(
    index: Index, as_of: date, calendar: Any = None
) -> dict[str, list[dict[str, Any]]]:
    """Blacklist entries in force at ``as_of``, by credit code: listed (published) on or before
    it, the term ending on or after it, and not removed by then (status ``listed``, or
    ``removed`` on a later day).  Read from the table by name: none when the archive has no
    blacklist table."""
    from archive.workdays import WorkCalendar

    calendar = calendar if calendar is not None else WorkCalendar()
    table = index.table(BLACKLIST_TABLE)
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    day = as_of.isoformat()
    for key in table.ids():
        entry = table.record(key) or {}
        removed_later = entry.get("status") == REMOVED and str(entry.get("removed_on") or "") > day
        if not (entry.get("status") == LISTED or removed_later) or not entry.get("credit_code"):
            continue
        listed_on = entry.get("listed_on")
        if listed_on and str(listed_on) > day:
            continue
        # The term's end as archive.blacklist reads it: a provisional end (a year the holiday
        # data lacked when it was published) is rolled now if it can be; while the data cannot
        # tell whether the term is over, the entry stays in force.
        end = blacklist.resolve_end(calendar, entry)
        if end is None or blacklist.term_over(calendar, end, as_of - timedelta(days=1)):
            continue
        found[entry["credit_code"]].append(dict(entry, id=entry.get("id") or key))
    return found


def _signed_commitments(
    index: Index, year: int, codes: list[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Unit-level commitments for ``year`` returned signed, by credit code: the letter we
    issued, or the enterprise's own text (:func:`archive.letters.returns.commitment_signed`).
    ``codes``: of those enterprises only (their own letters are read, not all)."""
    found: dict[str, dict[str, Any]] = {}
    letters = index.table(LETTERS_TABLE)
    if codes is None:
        serials = letters.ids()
    else:
        serials = [serial for code in codes for serial in log_of(index, code).get("letters", [])]
    for serial in sorted(serials):
        letter = letters.record(serial) or {}
        if (
            letter.get("category") == "commitment"
            and letter.get("level") == "unit"
            and letter.get("year") == year
            and letter.get("status") == "returned"
            and letter.get("signed")
            and letter.get("credit_code")
        ):
            found.setdefault(
                letter["credit_code"],
                {
                    "commitment": serial,
                    "year": year,
                    "document": letter.get("returned_document"),
                    "sign_date": letter.get("sign_date"),
                },
            )
    suffix = f"|{year}|unit"
    for key in index.table(COMMITMENTS).ids():
        code = key.partition("|")[0]
        if (
            (codes is None or code in codes)
            and key.endswith(suffix)
            and code not in found
            and commitment_signed(index, code, year, "unit")
        ):
            own = index.table(COMMITMENTS).record(key) or {}
            found[code] = {
                "commitment": None,
                "year": year,
                "document": own.get("returned_document"),
                "sign_date": own.get("sign_date"),
            }
    return found


def _record_evidence(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "record": record["id"],
        "criterion": record.get("criterion"),
        "rule": record.get("rule"),
        "date": record.get("date"),
        "evidence": record.get("evidence"),
    }


def standing(
    archive: Archive, code: str | None = None, as_of: date | None = None
) -> list[dict[str, Any]]:
    """The standing of one enterprise (``NotFound`` if the register lacks it), or of every
    enterprise in the register that is not closed, at ``as_of`` (default today), by code."""
    as_of = as_of or date.today()
    index = archive.index()
    regime = load_regime(archive)
    table = index.table(ENTERPRISES)
    if code is not None:
        codes = [get_enterprise(archive, code)["credit_code"]]
    else:
        codes = sorted(
            key for key in table.ids() if (table.record(key) or {}).get("status", ACTIVE) == ACTIVE
        )
    start = records.window_start(regime, as_of).isoformat()
    day = as_of.isoformat()
    wanted = set(codes)
    in_window: dict[str, list[dict[str, Any]]] = defaultdict(list)
    record_table = index.table(records.TABLE)
    for key in record_table.ids():
        record = record_table.record(key) or {}
        if (
            record.get("status") == records.CONFIRMED
            and record.get("credit_code") in wanted
            and start <= str(record.get("date") or "") <= day
        ):
            in_window[record["credit_code"]].append(record)
    listed = active_blacklist(index, as_of, workdays.calendar_for(archive))
    signed = _signed_commitments(index, as_of.year, codes if code is not None else None)
    months, gaps, calendar_gap = _monthly_gaps(archive, as_of, regime.green_channel_months, signed)
    rows = []
    for found in codes:
        if found in listed:
            value, rule = BLACKLISTED, RULE_BLACKLIST
            evidence = [
                {
                    "blacklist": entry["id"],
                    "criterion": entry.get("criterion"),
                    "listed_on": entry.get("listed_on"),
                    "ends_on": entry.get("ends_on"),
                    "basis": entry.get("basis"),
                }
                for entry in sorted(listed[found], key=lambda entry: str(entry["id"]))
            ]
        elif in_window.get(found):
            value, rule = UNTRUSTWORTHY, RULE_RECORD
            evidence = [
                _record_evidence(record)
                for record in sorted(in_window[found], key=lambda r: (r.get("date") or "", r["id"]))
            ]
        elif found in signed and calendar_gap:
            value, rule = GENERAL, RULE_MONTHLY_UNKNOWN
            evidence = [signed[found], {"calendar_gap": calendar_gap}]
        elif found in signed and gaps.get(found):
            value, rule = GENERAL, RULE_MONTHLY
            evidence = [
                signed[found],
                *(
                    {
                        "month": row["month"],
                        "monthly_status": row["status"],
                        "topics_missing": row["topics_missing"],
                        "document": (row["document"] or {}).get("sha256"),
                    }
                    for row in gaps[found]
                ),
            ]
        elif found in signed:
            value, rule, evidence = TRUSTWORTHY, RULE_COMMITMENT, [signed[found]]
            if months:
                evidence.append({"monthly_complete": months})
        else:
            value, rule, evidence = GENERAL, RULE_NO_COMMITMENT, []
        rows.append(
            {
                "credit_code": found,
                "name": (table.record(found) or {}).get("name"),
                "standing": value,  # the code, for scripts
                "label": _(LABELS[value]),  # for people, in the language of the messages
                "rule": rule,
                "evidence": evidence,
                "as_of": day,
                "regime": regime.stamp(),
            }
        )
    return rows


def _monthly_gaps(
    archive: Archive, as_of: date, months: int, codes: Iterable[str]
) -> tuple[list[str], dict[str, list[dict[str, Any]]], str | None]:
    """(months checked, gaps by code, why they cannot be checked) for the green channel."""
    from archive.monthly import recent_gaps

    codes = list(codes)
    if not codes:
        return [], {}, None
    try:
        checked, gaps = recent_gaps(archive, as_of, months, codes)
    except workdays.CalendarGap as gap:
        return [], {}, gap.message
    return checked, gaps, None


def green_channel(archive: Archive, as_of: date | None = None) -> list[dict[str, Any]]:
    """The enterprises that qualify for the green channel (绿色通道): the trustworthy ones."""
    return [row for row in standing(archive, None, as_of) if row["standing"] == TRUSTWORTHY]


def standing_rows(
    archive: Archive,
    code: str | None = None,
    as_of: date | None = None,
    *,
    green_channel: bool = False,
) -> list[dict[str, Any]]:
    """``credit standing``: :func:`standing`, only the green channel's when asked."""
    rows = standing(archive, code, as_of)
    if green_channel:
        rows = [row for row in rows if row["standing"] == TRUSTWORTHY]
    return rows


@dossier.section("standing", order=60)
def standing_for(archive: Archive, code: str) -> dict[str, Any]:
    """An enterprise's standing today, with the rule and evidence that decided it."""
    return standing(archive, uscc.compact(code))[0]
