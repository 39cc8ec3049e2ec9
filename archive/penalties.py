"""Fines: the administrative penalty decisions (行政处罚决定书) the archive holds, and their payment.

The decisions are the ``documents`` table's rows of kind ``penalty_decision`` (filed by ingest);
this module reads them and owns the ``penalty_payments`` table, keyed by the decision's SHA-256:
``credit penalty paid 文号 --date D`` records that the fine was paid (event ``penalty.paid``).

The fine is due within 15 calendar days (行政处罚法 第六十七条; domain.md §6): counting starts the
day after the decision's date, and a last day on a rest day moves to the next working day
(:meth:`WorkCalendar.add_days`).  A decision with a fine and no payment recorded by ``as_of`` is
overdue from the day after that last day (``days_overdue`` counts calendar days).  A decision
without a date cannot be judged (never a guess); a last day the calendar cannot compute (a year
without holiday data) is a :class:`~archive.workdays.CalendarGap` on that decision alone, unless
``as_of`` is a day of a covered year: then the last day has surely not passed (unpaid, not overdue).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from archive import workdays
from archive.enterprises import TABLE as ENTERPRISES
from archive.enterprises import note_event
from archive.errors import CreditError, NotFound, UsageError
from archive.events import event
from archive.i18n import N_, _
from archive.index import Index
from archive.ingest import DOCUMENTS
from archive.store import Archive
from archive.validation import check_date, parse_day

TABLE = "penalty_payments"
KIND = "penalty_decision"
PAYMENT_DAYS = 15  # calendar days (行政处罚法 第六十七条)

# What a decision's payment comes to at ``as_of``.
NO_FINE = "no_fine"  # a decision without a fine (a warning, an order): nothing to pay
PAID = "paid"
UNPAID = "unpaid"  # not paid, not past the last day yet
OVERDUE = "overdue"  # not paid, past the last day
NO_DATE = "no_date"  # not paid, and the decision states no date: cannot be judged
CALENDAR_GAP = "calendar_gap"  # not paid; the last day and as_of fall in years the calendar lacks
STATUSES = (NO_FINE, PAID, UNPAID, OVERDUE, NO_DATE, CALENDAR_GAP)
STATUS_LABELS = {
    NO_FINE: N_("无罚款"),
    PAID: N_("已缴纳"),
    UNPAID: N_("未缴纳（未到期）"),
    OVERDUE: N_("逾期未缴纳"),
    NO_DATE: N_("决定书无日期，无法判断"),
    CALENDAR_GAP: N_("缺节假日数据，无法计算期限"),
}
UNPAID_STATUSES = frozenset({UNPAID, OVERDUE, NO_DATE, CALENDAR_GAP})

_SHA = re.compile(r"[0-9a-fA-F]{8,64}")


def _fine(fields: dict[str, Any]) -> int | None:
    value = fields.get("fine_yuan")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return None
    return int(value)


def payment_due(calendar: workdays.WorkCalendar, decided: date) -> date:
    """The last day to pay a fine decided on ``decided``: 15 calendar days counted from the day
    after, moved off a rest day (:class:`~archive.workdays.CalendarGap` when it cannot be told)."""
    return calendar.add_days(decided, PAYMENT_DAYS, workdays=False)


def decision_rows(
    index: Index, calendar: workdays.WorkCalendar, as_of: date, code: str | None = None
) -> list[dict[str, Any]]:
    """Every penalty decision filed under an enterprise (or ``code``), with its fine, date, last
    day to pay and payment at ``as_of``: ``{document, doc_number, credit_code, name, section,
    industry, town, decision_date, fine_yuan, payment_due, paid_on, paid_amount, status,
    status_label, days_overdue, detail}``; by enterprise, date and 文号."""
    documents = index.table(DOCUMENTS)
    payments = index.table(TABLE)
    enterprises = index.table(ENTERPRISES)
    rows = []
    for sha in documents.ids():
        document = documents.record(sha) or {}
        if document.get("kind") != KIND:
            continue
        codes = document.get("credit_codes") or []
        if not codes or (code and codes[0] != code):
            continue
        owner = codes[0]  # the party punished (archive.records does the same)
        fields = document.get("fields") or {}
        decided = parse_day(fields.get("document_date"))
        fine = _fine(fields)
        enterprise = enterprises.record(owner) or {}
        payment = payments.record(sha)
        row: dict[str, Any] = {
            "document": sha,
            "doc_number": fields.get("doc_number"),
            "credit_code": owner,
            "name": enterprise.get("name") or "",
            "section": enterprise.get("section") or "",
            "industry": enterprise.get("industry") or "",
            "town": enterprise.get("town") or "",
            "decision_date": decided.isoformat() if decided else None,
            "fine_yuan": fine,
            "payment_due": None,
            "paid_on": None,
            "paid_amount": None,
            "paid_by": None,
            "days_overdue": None,
            "detail": None,
        }
        if payment is not None and payment["date"] <= as_of.isoformat():
            row.update(
                paid_on=payment["date"], paid_amount=payment.get("amount"), paid_by=payment["by"]
            )
        _judge(row, calendar, decided, fine, as_of)
        row["status_label"] = _(STATUS_LABELS[row["status"]])
        rows.append(row)
    return sorted(
        rows, key=lambda r: (r["credit_code"], r["decision_date"] or "", r["doc_number"] or "")
    )


def _judge(
    row: dict[str, Any],
    calendar: workdays.WorkCalendar,
    decided: date | None,
    fine: int | None,
    as_of: date,
) -> None:
    if decided is not None and fine is not None:
        try:
            row["payment_due"] = payment_due(calendar, decided).isoformat()
        except workdays.CalendarGap as exc:
            if not row["paid_on"]:
                # the last day falls in a year not covered: on a day of a covered year it has
                # surely not passed (unpaid, the day itself unknown); later, it cannot be told
                try:
                    calendar.deadline_before(decided, PAYMENT_DAYS, as_of, workdays=False)
                    row.update(status=UNPAID, detail=exc.message)
                except workdays.CalendarGap:
                    row.update(status=CALENDAR_GAP, detail=exc.message)
                return
    if row["paid_on"]:
        row["status"] = PAID
    elif fine is None:
        row["status"] = NO_FINE
    elif decided is None:
        row.update(status=NO_DATE, detail=_("处罚决定书没有写明日期，无法计算缴纳期限"))
    elif as_of.isoformat() > row["payment_due"]:
        due = date.fromisoformat(row["payment_due"])
        row.update(status=OVERDUE, days_overdue=(as_of - due).days)
    else:
        row["status"] = UNPAID


def list_penalties(
    archive: Archive, code: str | None = None, *, unpaid: bool = False, as_of: date | None = None
) -> list[dict[str, Any]]:
    """``credit penalty list``: the penalty decisions (of one enterprise: ``NotFound`` when the
    register lacks it), each with its fine and payment at ``as_of`` (default today); ``unpaid``
    keeps the decisions with a fine not paid."""
    from archive.enterprises import get_enterprise

    if code is not None:
        code = get_enterprise(archive, code)["credit_code"]
    as_of = as_of or date.today()
    rows = decision_rows(archive.index(), workdays.calendar_for(archive), as_of, code)
    if unpaid:
        rows = [row for row in rows if row["status"] in UNPAID_STATUSES]
    return rows


# -- recording a payment ---------------------------------------------------------------------------


def normalise_number(text: str) -> str:
    """A 文号 as typed, in the spelling ingest stores (brackets, spaces, full-width digits)."""
    from parsers.fields.doc_numbers import normalise_doc_number

    return normalise_doc_number(unicodedata.normalize("NFKC", text))


def find_decision(index: Index, value: str) -> str:
    """The SHA-256 of the penalty decision ``value`` names: its 文号 (however bracketed), or its
    SHA-256 (a prefix of at least 8 hex digits).  ``NotFound`` when the archive holds none;
    ``UsageError`` listing the SHA-256s when the 文号 names several."""
    text = value.strip()
    if not text:
        raise UsageError(_("文号不能为空"), _("写处罚决定书的文号，如 蓝应急罚〔2026〕1号"))
    documents = index.table(DOCUMENTS)
    decisions = [
        sha for sha in documents.ids() if (documents.record(sha) or {}).get("kind") == KIND
    ]
    found: list[str] = []
    if _SHA.fullmatch(text):
        found = [sha for sha in decisions if sha.startswith(text.lower())]
    if not found:
        wanted = normalise_number(text)
        found = [
            sha
            for sha in decisions
            if normalise_number(
                str(((documents.record(sha) or {}).get("fields") or {}).get("doc_number") or "")
            )
            == wanted
        ]
    if not found:
        raise NotFound(
            _("档案中没有文号为 {value} 的行政处罚决定书", value=text),
            _("用 credit penalty list 查看档案中的处罚决定书及其文号"),
        )
    if len(found) > 1:
        raise UsageError(
            _(
                "文号 {value} 对应 {count} 份处罚决定书，请改用 SHA-256 指明：{shas}",
                value=text,
                count=len(found),
                shas="、".join(sorted(sha[:12] for sha in found)),
            ),
            _("用 credit penalty list --json 查看各决定书的 SHA-256（document）"),
        )
    return found[0]


@dataclass
class Payment:
    """What ``credit penalty paid`` did: the decision's row after it, and whether the same
    payment was recorded already (nothing written)."""

    row: dict[str, Any]
    already: bool = False


def check_amount(amount: int | None) -> int | None:
    if amount is None:
        return None
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise UsageError(_("--amount 应是大于 0 的整数（元），不是 {value!r}", value=amount))
    return amount


def record_payment(
    archive: Archive,
    number: str,
    on: date,
    *,
    amount: int | None = None,
    today: date | None = None,
) -> Payment:
    """Record that the fine of the decision ``number`` (文号 or SHA-256) was paid on ``on``
    (not after ``today``, not before the decision's date), ``amount`` yuan when given.

    Checked under the archive's lock: the same payment twice is ``already`` (nothing written);
    another payment of a decision paid already is an error naming who recorded it.
    """
    today = today or date.today()
    amount = check_amount(amount)
    check_date(on, what="--date", latest=today)
    with archive.transaction() as tx:
        sha = find_decision(tx.index, number)
        document = tx.index.table(DOCUMENTS).record(sha) or {}
        fields = document.get("fields") or {}
        label = fields.get("doc_number") or sha[:12]
        codes = document.get("credit_codes") or []
        if not codes:
            raise CreditError(
                _("处罚决定书 {number} 没有归到任何单位，无法登记缴纳", number=label),
                _("先用 credit ingest 重新归档该文书，使其归到被处罚单位"),
            )
        fine = _fine(fields)
        if fine is None:
            raise CreditError(
                _("处罚决定书 {number} 没有罚款，无需登记缴纳", number=label),
                _("用 credit explain 文件 查看解析出的罚款金额"),
            )
        decided = parse_day(fields.get("document_date"))
        if decided is not None and on < decided:
            raise UsageError(
                _(
                    "缴纳日期 {date} 早于处罚决定日期 {decided}（{number}）",
                    date=on.isoformat(),
                    decided=decided.isoformat(),
                    number=label,
                )
            )
        held = tx.index.table(TABLE).record(sha)
        if held is not None:
            if held["date"] == on.isoformat() and held.get("amount") == amount:
                return Payment(_row_after(archive, tx.index, sha, today), already=True)
            raise CreditError(
                _(
                    "处罚决定书 {number} 的缴纳已由 {actor} 于 {time} 登记（缴纳日期 {date}）",
                    number=label,
                    actor=held["by"],
                    time=str(held["at"])[:16].replace("T", " "),
                    date=held["date"],
                ),
                _("已登记的缴纳不能改变；如有误，请联系档案管理员"),
            )
        tx.emit(
            "penalty.paid",
            {
                "document": sha,
                "doc_number": fields.get("doc_number"),
                "credit_code": codes[0],
                "date": on.isoformat(),
                "amount": amount,
                "fine_yuan": fine,
            },
        )
        return Payment(_row_after(archive, tx.index, sha, today))


def _row_after(archive: Archive, index: Index, sha: str, as_of: date) -> dict[str, Any]:
    document = index.table(DOCUMENTS).record(sha) or {}
    code = (document.get("credit_codes") or [None])[0]
    rows = decision_rows(index, workdays.calendar_for(archive), as_of, code)
    return next(row for row in rows if row["document"] == sha)


# -- events -----------------------------------------------------------------------------------------


def _summary(data: dict[str, Any]) -> str:
    return f"{data.get('credit_code') or ''} {data.get('doc_number') or ''} {data.get('date')}"


@event("penalty.paid", label=N_("罚款缴纳"), summary=_summary)
def _paid(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    table = index.table(TABLE)
    if table.record(data["document"]) is not None:
        return  # recorded once; a second one is refused before it is emitted
    table.put(
        data["document"],
        {
            "document": data["document"],
            "doc_number": data.get("doc_number"),
            "credit_code": data.get("credit_code"),
            "date": data["date"],
            "amount": data.get("amount"),
            "at": entry["time"],
            "by": entry["actor"],
        },
    )
    if data.get("credit_code"):
        note_event(index, data["credit_code"], entry)
