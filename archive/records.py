"""Bad-credit records (不良信用记录): proposed from the archive's facts, decided by a clerk.

Owns the ``records`` table, keyed by the record's id.  The archive *proposes* records from
what it holds (:func:`propose`); a record counts only once a clerk confirms it
(:func:`confirm`), or it is rejected with a reason (:func:`reject`); a clerk may also add a
record by hand (:func:`add_record`), which is a decision at once (status ``confirmed``).
Every record names its criterion, the rule that proposed it and its evidence (documents by
SHA-256 and 文号, accidents, rectifications, or a note), and the regime — id and version — it
was proposed under; every decision in its ``history`` names the regime it was taken under, so
changing the regime in credit.toml never rewrites an old record.

Ids come from the content, never at random: a proposal is ``R-`` + 12 hex of
SHA-256(``rule|code|evidence keys sorted``) — the evidence key of an item is its accident id,
else its rectification key, else its document's SHA-256, else its note — so proposing twice from the same
facts finds the same id and adds nothing, and a rejected proposal is not proposed again.  A
manual record is ``M-`` + 12 hex of SHA-256(``manual|code|criterion|evidence keys sorted|date``).

The automatic rules (``RULES``):

``rectification_overdue``
    an order (责令限期整改指令书) whose 整改期限 has passed at ``as_of`` and that no
    re-inspection found rectified by then.  A deadline on a rest day is due on the next
    working day (:meth:`WorkCalendar.roll_forward`); the record is dated the day after the due
    day; ``days_overdue`` counts calendar days after the due day up to ``as_of`` (or up to the
    re-inspection that found it rectified late: not rectified within the deadline is the
    criterion).  A deadline the calendar cannot judge is a failure of that item (the report
    says which year is missing), never a guess; an order without a deadline is "cannot judge".
``penalty_*``
    a 行政处罚决定书, classified by the keyword rules of :data:`PENALTY_RULES` over its 违法事实,
    违反的规定 and 处罚依据; one proposal for each rule it fits, naming the words that matched;
    ``penalty_other`` when none fits.  A match preceded closely by a phrase of
    :data:`NEGATIONS` (未发现重大事故隐患) does not count.  Dated by the decision's date, else the
    day it was ingested (``facts.date_source`` says which).  A decision with no enterprise code
    is skipped; one naming several is proposed for the first (the party punished).
``accident_fatal_liable`` / ``accident_concealed``
    a liable accident with deaths dated within the regime's record window before ``as_of`` /
    an accident found concealed or falsely reported (瞒报/谎报).

The regime maps each rule to its criterion (:meth:`Regime.criterion_for_rule`); a rule the
regime gives no criterion proposes nothing (``no_criterion`` in the report).

One fact, one record per criterion: two rules that would propose from the same document,
accident or rectification under the same criterion propose once (:data:`PREFERENCE` says
which: a decision stating 迟报 and the accident recorded from it give the ``accident_concealed``
record, not a second one by ``penalty_accident_report``); the other is ``same_fact`` in the
report, and the kept record lists its rule in ``facts.also_rules``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from archive import accidents, dossier, rectifications, uscc, workdays
from archive.enterprises import TABLE as ENTERPRISES
from archive.enterprises import get_enterprise, note_event
from archive.errors import CreditError, NotFound, UsageError
from archive.events import event
from archive.i18n import N_, _
from archive.index import Index
from archive.ingest import DOCUMENTS
from archive.letters.issue import LetterRequest, notice_request
from archive.regimes import Regime, load_regime
from archive.report import Report
from archive.store import Archive
from archive.validation import check_text, parse_day

TABLE = "records"

PROPOSED = "proposed"
CONFIRMED = "confirmed"
REJECTED = "rejected"
STATUSES = (PROPOSED, CONFIRMED, REJECTED)
STATUS_LABELS = {PROPOSED: N_("待确认"), CONFIRMED: N_("已确认"), REJECTED: N_("已驳回")}

MANUAL = "manual"
RECTIFICATION_OVERDUE = "rectification_overdue"
ACCIDENT_FATAL_LIABLE = "accident_fatal_liable"
ACCIDENT_CONCEALED = "accident_concealed"
PENALTY_OTHER = "penalty_other"

RULE_LABELS = {
    ACCIDENT_FATAL_LIABLE: N_("一年内发生死亡责任事故"),
    "penalty_illegal_production": N_("处罚决定：非法违法生产经营"),
    "penalty_major_hazard": N_("处罚决定：重大事故隐患"),
    "penalty_dual_prevention": N_("处罚决定：未建立双重预防体系"),
    RECTIFICATION_OVERDUE: N_("整改逾期"),
    "penalty_hazard_records": N_("处罚决定：隐患排查治理不如实记录"),
    "penalty_refused_order": N_("处罚决定：拒不执行指令"),
    "penalty_unpaid": N_("处罚决定：逾期不履行处罚"),
    "penalty_accident_report": N_("处罚决定：未依法报告事故或组织抢救"),
    ACCIDENT_CONCEALED: N_("事故瞒报、谎报"),
    PENALTY_OTHER: N_("处罚决定：其他违法行为"),
    MANUAL: N_("人工登记"),
}
RULES = tuple(rule for rule in RULE_LABELS if rule != MANUAL)

# -- the keyword rules for penalty decisions ------------------------------------------------------

# Where the words are looked for: the decision's 违法事实, 违反的规定 and 处罚依据.
PENALTY_FIELDS = ("facts", "provisions_violated", "legal_basis")
_CLAUSE = r"[^。；;，,]"  # a character of the same clause


@dataclass(frozen=True)
class KeywordRule:
    """A rule over a penalty decision's text: it fits when one of ``patterns`` (regular
    expressions, each kept within one clause) matches."""

    rule: str
    patterns: tuple[str, ...]

    def compiled(self) -> re.Pattern[str]:
        return _compiled(self.patterns)


# In the order of the county programme's criteria.  Explicit and documented (README, 不良信用记录).
PENALTY_RULES = (
    KeywordRule(
        "penalty_illegal_production",
        (
            r"非法",
            r"无证(?!据|明)",
            rf"未取得{_CLAUSE}{{0,20}}许可",
            rf"擅自{_CLAUSE}{{0,12}}(?:生产|经营|建设|施工|开采|作业|储存)",
            r"超层越界",
            rf"停产整顿期间{_CLAUSE}{{0,15}}(?:生产|经营|作业|施工|开采)",
            r"证照不全",
            # a licence expired, suspended or revoked, and work went on (（七）: 许可证已过期失效)
            rf"(?:许可证?|证照|资质证书?){_CLAUSE}{{0,8}}(?:过期|失效|被?暂扣|被?吊销|被?注销)",
        ),
    ),
    KeywordRule(
        "penalty_major_hazard",
        (r"重大(?:生产安全)?事故隐患", r"重大安全(?:生产)?隐患", r"重大职业病危害隐患"),
    ),
    KeywordRule(
        "penalty_dual_prevention",
        (r"双重预防", r"风险分级管控", r"隐患排查治理体系"),
    ),
    KeywordRule(
        "penalty_hazard_records",
        (
            rf"未如实记录{_CLAUSE}{{0,12}}隐患",
            rf"隐患排查治理情况{_CLAUSE}{{0,8}}(?:未|不)如实",
            rf"未(?:如实)?(?:记录|上报|通报){_CLAUSE}{{0,6}}隐患排查治理情况",
        ),
    ),
    KeywordRule(
        "penalty_refused_order",
        (
            r"拒不执行",
            r"拒不整改",
            r"逾期未(?:整改|改正)",
            rf"拒绝{_CLAUSE}{{0,8}}检查",
            rf"阻挠{_CLAUSE}{{0,8}}检查",
            r"暴力抗法",
        ),
    ),
    KeywordRule(
        "penalty_unpaid",
        (r"逾期(?:不|未)(?:缴纳|履行)", r"(?:未|拒不)缴纳罚款"),
    ),
    KeywordRule(
        "penalty_accident_report",
        (
            r"瞒报",
            r"谎报",
            r"迟报",
            r"隐瞒不报",
            rf"隐瞒{_CLAUSE}{{0,4}}事故",
            rf"未(?:按(?:照)?规定|及时|立即|依法)?(?:如实)?(?:报告|上报){_CLAUSE}{{0,4}}事故",
            rf"(?:未|不){_CLAUSE}{{0,6}}组织(?:抢救|救援|抢险)",
        ),
    ),
)
# A match with one of these just before it (within NEGATION_REACH characters) is a finding that
# something is absent (未发现重大事故隐患), not the thing itself.
NEGATIONS = ("未发现", "不存在", "不属于", "未构成", "不构成", "排除")
NEGATION_REACH = 6


_COMPILED: dict[tuple[str, ...], re.Pattern[str]] = {}


def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    if patterns not in _COMPILED:
        _COMPILED[patterns] = re.compile("|".join(f"(?:{p})" for p in patterns))
    return _COMPILED[patterns]


def classify_penalty(fields: dict[str, Any]) -> list[tuple[str, list[dict[str, str]]]]:
    """The rules a penalty decision's ``fields`` fit, each with the words that matched and the
    field they were found in: ``[(rule, [{"word": …, "field": …}])]``, in the order of
    :data:`PENALTY_RULES`; ``[("penalty_other", [])]`` when none fits.

    >>> classify_penalty({"facts": "该公司未发现重大事故隐患，但在停产整顿期间擅自组织生产"})[0][0]
    'penalty_illegal_production'
    >>> classify_penalty({"facts": "安全警示标志不全"})
    [('penalty_other', [])]
    """
    texts = [(name, re.sub(r"\s+", "", str(fields.get(name) or ""))) for name in PENALTY_FIELDS]
    found: list[tuple[str, list[dict[str, str]]]] = []
    for keyword_rule in PENALTY_RULES:
        pattern = keyword_rule.compiled()
        matched: list[dict[str, str]] = []
        for name, text in texts:
            for match in pattern.finditer(text):
                before = text[max(0, match.start() - NEGATION_REACH) : match.start()]
                if any(negation in before for negation in NEGATIONS):
                    continue
                item = {"word": match.group(0), "field": name}
                if item not in matched:
                    matched.append(item)
        if matched:
            found.append((keyword_rule.rule, matched))
    return found or [(PENALTY_OTHER, [])]


# -- ids and evidence -------------------------------------------------------------------------------

_ID = re.compile(r"[RM]-[0-9a-f]{12}")


def _hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def evidence_key(item: dict[str, Any]) -> str:
    """What one piece of evidence is known by: its document, accident, rectification or note."""
    for key in ("accident", "rectification", "document", "note"):
        if item.get(key):
            return str(item[key])
    raise ValueError(f"evidence without a key: {item!r}")


def proposal_id(rule: str, code: str, evidence: Iterable[dict[str, Any]]) -> str:
    keys = sorted(evidence_key(item) for item in evidence)
    return "R-" + _hex("|".join([rule, code, *keys]))


def manual_id(code: str, criterion: str, evidence: Iterable[dict[str, Any]], on: str) -> str:
    keys = sorted(evidence_key(item) for item in evidence)
    return "M-" + _hex("|".join([MANUAL, code, criterion, *keys, on]))


def evidence_item(
    *,
    kind: str,
    document: str | None = None,
    doc_number: str | None = None,
    accident: str | None = None,
    rectification: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    return {
        "document": document,
        "doc_number": doc_number,
        "kind": kind,
        "accident": accident,
        "rectification": rectification,
        "note": note,
    }


def check_record_id(value: str) -> str:
    """A record id as typed (``r-3F…`` → ``R-3f…``), or ``UsageError`` naming it."""
    text = value.strip()
    normal = text[:2].upper() + text[2:].lower()
    if not _ID.fullmatch(normal):
        raise UsageError(
            _("{value} 不是记录编号：编号为 R- 或 M- 加 12 位十六进制数", value=repr(value)),
            _("用 credit record list 查看记录编号"),
        )
    return normal


# -- proposing --------------------------------------------------------------------------------------

NEW = "proposed"  # a new proposal (a finding: a clerk must decide it)
EXISTS = "exists"  # the table already holds it (proposed, confirmed or rejected)
FAILED = "failed"  # the rule could not judge it for want of data it needs (a calendar year)
CANNOT_JUDGE = "cannot_judge"  # the fact lacks what the rule needs (an order without deadline)
NO_CRITERION = "no_criterion"  # the regime gives the rule no criterion
SKIPPED = "skipped"  # not the rule's business (a decision filed under no enterprise)
SAME_FACT = "same_fact"  # another rule proposes the same fact under the same criterion

# One fact, one record per criterion: when rules would propose twice from the same document,
# accident or rectification under the same criterion (a decision stating 迟报 and the accident
# recorded from it: penalty_accident_report and accident_concealed, both criterion 7; a decision
# both 拒不执行 and 逾期不缴纳: criterion 6 twice), the rule first here is proposed — the
# accident rules first (the record names the accident, whose grade decides a blacklist term,
# and the decision as its evidence), then rectifications, then the penalty rules in order.  The
# kept proposal's id is its own rule's (``R-`` of rule|code|evidence), as if it were alone.
PREFERENCE = (
    ACCIDENT_FATAL_LIABLE,
    ACCIDENT_CONCEALED,
    RECTIFICATION_OVERDUE,
    *(keyword_rule.rule for keyword_rule in PENALTY_RULES),
    PENALTY_OTHER,
)


@dataclass
class ProposalItem:
    """What one rule made of one fact."""

    rule: str
    credit_code: str | None
    subject: str  # the fact looked at: a document's SHA-256, a rectification key, an accident id
    outcome: str
    record: dict[str, Any] | None = None  # the proposal (new or as the table holds it)
    message: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "credit_code": self.credit_code,
            "subject": self.subject,
            "outcome": self.outcome,
            "record_id": (self.record or {}).get("id"),
            "message": self.message,
            "record": self.record,
        }


@dataclass
class ProposalReport(Report):
    """One item per fact a rule looked at; a new proposal is a finding (exit 10: a clerk must
    decide it), a fact the rule could not judge for want of calendar data a failure (exit 3)."""

    FAILURES = frozenset({FAILED})
    FINDINGS = frozenset({NEW})

    as_of: date
    dry_run: bool
    regime: dict[str, str]
    items: list[ProposalItem] = field(default_factory=list)

    def outcomes(self) -> Iterator[str]:
        return (item.outcome for item in self.items)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "regime": self.regime,
            "counts": dict(sorted(self.counts().items())),
            "exit_code": int(self.exit_code),
            "items": [item.as_dict() for item in self.items],
        }


def _proposal(
    regime: Regime,
    rule: str,
    code: str,
    evidence: list[dict[str, Any]],
    facts: dict[str, Any],
    on: date,
) -> dict[str, Any] | None:
    criterion = regime.criterion_for_rule(rule, facts.get("grade"))
    if criterion is None:
        return None
    return {
        "id": proposal_id(rule, code, evidence),
        "credit_code": code,
        "criterion": criterion.number,
        "criterion_text": criterion.text,
        "rule": rule,
        "evidence": evidence,
        "facts": dict(facts),
        "date": on.isoformat(),
        "regime": regime.stamp(),
    }


def _item(
    regime: Regime,
    rule: str,
    code: str,
    subject: str,
    evidence: list[dict[str, Any]],
    facts: dict[str, Any],
    on: date,
) -> ProposalItem:
    record = _proposal(regime, rule, code, evidence, facts, on)
    if record is None:
        message = _("规则体系 {regime} 没有与该规则对应的条件", regime=regime.id)
        return ProposalItem(rule, code, subject, NO_CRITERION, message=message)
    return ProposalItem(rule, code, subject, NEW, record)


@dataclass
class RectificationDue:
    """What the ``rectification_overdue`` rule makes of one rectification at ``as_of``.

    ``outcome``: ``proposed`` (not rectified within the deadline: ``due`` is the deadline rolled
    off a rest day, ``days_overdue`` calendar days after it up to ``as_of`` or to ``rectified_on``,
    the re-inspection that found it rectified late), ``failed`` (the calendar cannot roll the
    deadline) or ``cannot_judge`` (no deadline, or not a date); ``message`` says why for those.
    """

    key: str
    row: dict[str, Any]
    outcome: str
    deadline: date | None = None
    due: date | None = None
    days_overdue: int | None = None
    rectified_on: date | None = None
    message: str | None = None


def rectifications_past_deadline(
    index: Index, calendar: workdays.WorkCalendar, as_of: date
) -> Iterator[RectificationDue]:
    """Rectifications of an enterprise not rectified within their 整改期限 at ``as_of`` (the
    rule ``rectification_overdue``; also what ``credit overdue`` lists while still open)."""
    table = index.table(rectifications.TABLE)
    for key in sorted(table.ids()):
        row = table.record(key) or {}
        if not row.get("credit_code"):
            continue
        if not row.get("deadline"):
            message = _("整改指令书没有写明整改期限，无法判断是否逾期")
            yield RectificationDue(key, row, CANNOT_JUDGE, message=message)
            continue
        deadline = parse_day(row["deadline"])
        if deadline is None:
            message = _("整改期限 {value} 不是日期，无法判断是否逾期", value=row["deadline"])
            yield RectificationDue(key, row, CANNOT_JUDGE, message=message)
            continue
        if deadline >= as_of:  # due on the deadline or later: not past at as_of
            continue
        rectified_on = None
        if row.get("status") == rectifications.CLOSED:
            rectified_on = parse_day(row.get("closed_on"))
            if rectified_on is None or rectified_on <= deadline:
                continue  # found rectified in time (or on a day the review does not state)
        if rectified_on is not None and rectified_on > as_of:
            rectified_on = None  # rectified after as_of: still open at as_of
        end = rectified_on or as_of
        try:  # the deadline rolled off a rest day, when that falls before ``end``
            due = calendar.deadline_before(deadline, 0, end, workdays=False)
        except workdays.CalendarGap as exc:
            yield RectificationDue(key, row, FAILED, deadline=deadline, message=exc.message)
            continue
        if due is None:
            continue
        yield RectificationDue(
            key, row, NEW, deadline, due, (end - due).days, rectified_on=rectified_on
        )


def _rectification_items(
    index: Index, regime: Regime, calendar: workdays.WorkCalendar, as_of: date
) -> Iterator[ProposalItem]:
    rule = RECTIFICATION_OVERDUE
    for found in rectifications_past_deadline(index, calendar, as_of):
        key, row, code = found.key, found.row, found.row["credit_code"]
        if found.outcome != NEW:
            yield ProposalItem(rule, code, key, found.outcome, message=found.message)
            continue
        assert found.deadline is not None and found.due is not None
        evidence = [
            evidence_item(
                kind="rectification_order",
                document=row.get("opened_by"),
                doc_number=row.get("order_number"),
                rectification=key,
            )
        ]
        facts = {
            "deadline": found.deadline.isoformat(),
            "due": found.due.isoformat(),
            "days_overdue": found.days_overdue,
            "days_counted": "calendar",
            "as_of": as_of.isoformat(),
            "order_number": row.get("order_number"),
            "rectified_on": found.rectified_on.isoformat() if found.rectified_on else None,
        }
        yield _item(regime, rule, code, key, evidence, facts, found.due + timedelta(days=1))


def _penalty_items(index: Index, regime: Regime, as_of: date) -> Iterator[ProposalItem]:
    table = index.table(DOCUMENTS)
    for sha in sorted(table.ids()):
        document = table.record(sha) or {}
        if document.get("kind") != "penalty_decision":
            continue
        codes = document.get("credit_codes") or []
        if not codes:
            message = _("处罚决定书没有归到任何单位（没有统一社会信用代码）")
            yield ProposalItem(PENALTY_OTHER, None, sha, SKIPPED, message=message)
            continue
        code = codes[0]
        fields = document.get("fields") or {}
        on, source = parse_day(fields.get("document_date")), "document_date"
        if on is None:
            on, source = parse_day(document.get("ingested_at")), "ingested"
        if on is None or on > as_of:
            continue
        evidence = [
            evidence_item(
                kind="penalty_decision", document=sha, doc_number=fields.get("doc_number")
            )
        ]
        for rule, matched in classify_penalty(fields):
            facts = {
                "matched": matched,
                "doc_number": fields.get("doc_number"),
                "document_date": fields.get("document_date"),
                "date_source": source,
                "fine_yuan": fields.get("fine_yuan"),
                "facts": fields.get("facts"),
                "provisions_violated": fields.get("provisions_violated"),
                "legal_basis": fields.get("legal_basis"),
            }
            yield _item(regime, rule, code, sha, evidence, facts, on)


def months_before(day: date, months: int) -> date:
    """The same date ``months`` earlier (31 March − 1 month → 28/29 February)."""
    import calendar

    month0 = day.year * 12 + day.month - 1 - months
    year, month = divmod(month0, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def window_start(regime: Regime, as_of: date) -> date:
    """The first day of the regime's record window ending at ``as_of`` (一年内: same date a year
    earlier, inclusive)."""
    return months_before(as_of, regime.record_window_months)


def _accident_items(index: Index, regime: Regime, as_of: date) -> Iterator[ProposalItem]:
    start = window_start(regime, as_of)
    for accident in sorted(accidents.list_accidents(index), key=lambda row: str(row.get("id"))):
        code = accident.get("credit_code")
        on = parse_day(accident.get("date"))
        if not code or on is None or on > as_of:
            continue
        source = accident.get("source") or {}
        evidence = [
            evidence_item(
                kind="accident",
                document=source.get("document"),
                doc_number=source.get("doc_number"),
                accident=accident["id"],
            )
        ]
        facts = {
            "accident": accident["id"],
            "grade": accident.get("grade"),
            "deaths": accident.get("deaths"),
            "serious_injuries": accident.get("serious_injuries"),
            "direct_loss_yuan": accident.get("direct_loss_yuan"),
            "liable": accident.get("liable"),
            "concealed": bool(accident.get("concealed")),
            "accident_date": on.isoformat(),
        }
        rules = []
        if accident.get("liable") is True and (accident.get("deaths") or 0) >= 1 and on >= start:
            rules.append(ACCIDENT_FATAL_LIABLE)
        if accident.get("concealed"):
            rules.append(ACCIDENT_CONCEALED)
        for rule in rules:
            yield _item(regime, rule, code, accident["id"], evidence, facts, on)


def candidates(
    index: Index, regime: Regime, calendar: workdays.WorkCalendar, as_of: date
) -> list[ProposalItem]:
    """What every automatic rule makes of the facts in ``index`` at ``as_of`` (nothing written;
    each proposal's outcome is ``proposed`` until compared with the table)."""
    items = [
        *_rectification_items(index, regime, calendar, as_of),
        *_penalty_items(index, regime, as_of),
        *_accident_items(index, regime, as_of),
    ]
    known = index.table(TABLE)
    for item in items:
        if item.outcome == NEW and item.record is not None:
            held = known.record(item.record["id"])
            if held is not None:
                item.outcome = EXISTS
                item.record = dict(held)
    _one_record_per_fact(items)
    return items


def fact_keys(record: dict[str, Any]) -> set[str]:
    """The facts a record rests on: the documents, accidents and rectifications of its
    evidence (an accident recorded from a decision brings the decision's SHA-256 along)."""
    keys = set()
    for item in record.get("evidence") or []:
        for key in ("document", "accident", "rectification"):
            if item.get(key):
                keys.add(f"{key}:{item[key]}")
    return keys


def _preference(rule: str) -> int:
    return PREFERENCE.index(rule) if rule in PREFERENCE else len(PREFERENCE)


def _one_record_per_fact(items: list[ProposalItem]) -> None:
    """One fact, one record per criterion: of the proposals of one enterprise under one
    criterion whose evidence shares a document, accident or rectification, the table's own
    (any status) is kept, else the one whose rule comes first in :data:`PREFERENCE`; the
    others become ``same_fact`` items naming it, and a new kept one lists their rules in
    ``facts.also_rules``."""
    held = [item for item in items if item.outcome == EXISTS and item.record]
    new = [item for item in items if item.outcome == NEW and item.record]
    kept: list[tuple[ProposalItem, set[str]]] = [(item, fact_keys(item.record)) for item in held]
    for item in sorted(new, key=lambda item: _preference(item.rule)):  # stable: order kept
        record = item.record
        keys = fact_keys(record)
        twin = next(
            (
                other
                for other, other_keys in kept
                if other.record["credit_code"] == record["credit_code"]
                and other.record["criterion"] == record["criterion"]
                and keys & other_keys
            ),
            None,
        )
        if twin is None:
            kept.append((item, keys))
            continue
        item.outcome = SAME_FACT
        item.message = _(
            "同一事实已在第{criterion}项提出记录 {id}（{rule}），不再重复提出",
            criterion=record["criterion"],
            id=twin.record["id"],
            rule=_(RULE_LABELS.get(twin.rule, twin.rule)),
        )
        item.record = dict(twin.record)
        if twin.outcome == NEW:
            also = twin.record["facts"].setdefault("also_rules", [])
            if item.rule not in also:
                also.append(item.rule)


def propose(archive: Archive, as_of: date, *, dry_run: bool = False) -> ProposalReport:
    """Run every automatic rule over the archive's facts at ``as_of`` and journal the proposals
    the table does not hold yet (none with ``dry_run``).  Proposing twice adds nothing."""
    regime = load_regime(archive)
    calendar = workdays.calendar_for(archive)
    report = ProposalReport(as_of=as_of, dry_run=dry_run, regime=regime.stamp())
    if dry_run:
        report.items = candidates(archive.index(), regime, calendar, as_of)
        return report
    with archive.transaction() as tx:
        # judged against the index under the lock: two runs at once propose each record once
        report.items = candidates(tx.index, regime, calendar, as_of)
        for item in report.items:
            if item.outcome == NEW and item.record is not None:
                if tx.index.table(TABLE).record(item.record["id"]) is not None:
                    item.outcome = EXISTS  # the same proposal twice in one run
                    continue
                tx.emit("record.proposed", item.record)
                item.record = dict(tx.index.table(TABLE).record(item.record["id"]) or {})
    return report


# -- deciding -----------------------------------------------------------------------------------------


@dataclass
class Decision:
    """What became of a confirm or reject: the record, and whether it was decided so already."""

    record: dict[str, Any]
    already: bool = False


def _decided_message(record: dict[str, Any]) -> str:
    when = str(record.get("decided_at") or "")[:16].replace("T", " ")
    if record.get("status") == CONFIRMED:
        return _(
            "记录 {id} 已由 {actor} 于 {time} 确认",
            id=record["id"],
            actor=record.get("decided_by"),
            time=when,
        )
    return _(
        "记录 {id} 已由 {actor} 于 {time} 驳回",
        id=record["id"],
        actor=record.get("decided_by"),
        time=when,
    )


def _decide(archive: Archive, record_id: str, status: str, reason: str | None) -> Decision:
    record_id = check_record_id(record_id)
    regime = load_regime(archive)
    with archive.transaction() as tx:
        record = tx.index.table(TABLE).record(record_id)
        if record is None:
            raise NotFound(
                _("没有编号为 {id} 的记录", id=record_id),
                _("用 credit record list 查看记录编号"),
            )
        if record.get("status") == status:
            # a second clerk taking the same decision: it holds already; nothing is written
            return Decision(dict(record), already=True)
        if record.get("status") != PROPOSED:
            raise CreditError(
                _decided_message(record),
                _("已作出的决定不能改变；如有误，请登记一条新的记录并说明原因"),
            )
        event_type = "record.confirmed" if status == CONFIRMED else "record.rejected"
        tx.emit(
            event_type,
            {
                "id": record_id,
                "credit_code": record["credit_code"],
                "reason": reason,
                "regime": regime.stamp(),
            },
        )
        return Decision(dict(tx.index.table(TABLE).record(record_id) or {}))


def confirm(archive: Archive, record_id: str, reason: str) -> Decision:
    """Confirm a proposed record with a reason, as a rejection needs one (the actor is the
    archive's).  A record confirmed already is returned with ``already=True`` and nothing is
    written; a rejected one is an error."""
    reason = check_text(reason or "", what="--reason")
    return _decide(archive, record_id, CONFIRMED, reason)


def reject(archive: Archive, record_id: str, reason: str) -> Decision:
    """Reject a proposed record with a reason; a confirmed one cannot be rejected (error)."""
    reason = check_text(reason or "", what="--reason")
    return _decide(archive, record_id, REJECTED, reason)


decided_message = _decided_message


def not_confirmed_problem(record: dict[str, Any]) -> tuple[str, str]:
    """Why a record that is not confirmed cannot be the basis of a blacklist entry, and the
    hint that works: a proposed one can be confirmed; a rejected one cannot (a decision taken
    is not changed), so the hint says so and how to add the fact by hand instead."""
    record_id = record.get("id")
    if record.get("status") == REJECTED:
        when = str(record.get("decided_at") or "")[:16].replace("T", " ")
        return (
            _(
                "记录 {id} 已由 {actor} 于 {time} 驳回，不能作为列入黑名单的依据",
                id=record_id,
                actor=record.get("decided_by"),
                time=when,
            ),
            _(
                "已驳回的记录不能再确认；事实确实成立的，用 credit record add {code} "
                "--criterion {criterion} 人工登记一条记录（写明证据），再以它为依据",
                code=record.get("credit_code"),
                criterion=record.get("criterion"),
            ),
        )
    label = STATUS_LABELS.get(str(record.get("status")), str(record.get("status")))
    return (
        _(
            "记录 {id} 尚未确认（{status}），不能作为列入黑名单的依据",
            id=record_id,
            status=_(label),
        ),
        _("确认后才能作为依据：credit record confirm {id} --reason …", id=record_id),
    )


# -- a record by hand ---------------------------------------------------------------------------------


def _find_document(index: Index, code: str, value: str) -> dict[str, Any]:
    """The document ``value`` names (its SHA-256, a prefix of at least 8 hex digits, or its
    文号), filed under ``code``."""
    table = index.table(DOCUMENTS)
    text = value.strip()
    found: list[str] = []
    if re.fullmatch(r"[0-9a-fA-F]{8,64}", text):
        prefix = text.lower()
        found = [sha for sha in table.ids() if sha.startswith(prefix)]
    if not found:
        found = [
            sha
            for sha in table.ids()
            if ((table.record(sha) or {}).get("fields") or {}).get("doc_number") == text
        ]
    if not found:
        raise NotFound(
            _("档案中没有文书 {value}（按 SHA-256 或文号查找）", value=text),
            _("用 credit enterprise show {code} 查看该单位归档的文书", code=code),
        )
    mine = [sha for sha in found if code in ((table.record(sha) or {}).get("credit_codes") or [])]
    if not mine:
        raise UsageError(
            _("文书 {value} 不是 {code} 的文书", value=text, code=code),
            _("用 credit enterprise show {code} 查看该单位归档的文书", code=code),
        )
    if len(mine) > 1:
        raise UsageError(
            _("文号 {value} 对应 {count} 份文书，请改用 SHA-256 指明", value=text, count=len(mine)),
            _("用 credit enterprise show {code} --json 查看各文书的 SHA-256", code=code),
        )
    sha = mine[0]
    document = table.record(sha) or {}
    return evidence_item(
        kind=str(document.get("kind") or "document"),
        document=sha,
        doc_number=(document.get("fields") or {}).get("doc_number"),
    ) | {"date": (document.get("fields") or {}).get("document_date")}


def _find_accident(index: Index, code: str, value: str) -> dict[str, Any]:
    text = value.strip()
    rows = [row for row in accidents.list_accidents(index) if row.get("id") == text]
    if not rows:
        raise NotFound(
            _("档案中没有编号为 {value} 的事故", value=text),
            _("用 credit accident list {code} 查看该单位的事故", code=code),
        )
    row = rows[0]
    if row.get("credit_code") != code:
        raise UsageError(_("事故 {value} 不是 {code} 的事故", value=text, code=code))
    source = row.get("source") or {}
    return evidence_item(
        kind="accident",
        document=source.get("document"),
        doc_number=source.get("doc_number"),
        accident=text,
    ) | {"date": row.get("date")}


def add_record(
    archive: Archive,
    code: str,
    criterion: str,
    *,
    documents: Iterable[str] = (),
    accident_ids: Iterable[str] = (),
    notes: Iterable[str] = (),
    on: date | None = None,
    note: str | None = None,
    today: date | None = None,
) -> Decision:
    """Add a record by hand under ``criterion`` of the regime in force, with at least one piece
    of evidence: documents (SHA-256 or 文号) filed under the enterprise, its accidents, or
    free-text notes.  Dated ``on``, else by the first dated evidence, else ``today``.  A
    manual record is the clerk's decision: it is ``confirmed`` at once.  The same record twice
    (same enterprise, criterion, evidence and date) is returned with ``already=True``."""
    documents, accident_ids = list(documents), list(accident_ids)
    notes = [check_text(text, what="--evidence-note") for text in notes]
    if not (documents or accident_ids or notes):
        raise UsageError(
            _("人工登记的记录至少要有一项证据"),
            _("用 --document（SHA-256 或文号）、--accident 或 --evidence-note 给出证据"),
        )
    if note is not None:
        note = check_text(note, what="--note")
    regime = load_regime(archive)
    chosen = regime.record_criterion(str(criterion).strip())
    code = get_enterprise(archive, code)["credit_code"]
    with archive.transaction() as tx:
        found = [_find_document(tx.index, code, value) for value in documents]
        found += [_find_accident(tx.index, code, value) for value in accident_ids]
        dates = [parse_day(item.pop("date", None)) for item in found]
        evidence = found + [evidence_item(kind="note", note=text) for text in notes]
        day = on or next((d for d in dates if d), None) or today or date.today()
        record_id = manual_id(code, chosen.number, evidence, day.isoformat())
        held = tx.index.table(TABLE).record(record_id)
        if held is not None:
            return Decision(dict(held), already=True)
        tx.emit(
            "record.added",
            {
                "id": record_id,
                "credit_code": code,
                "criterion": chosen.number,
                "criterion_text": chosen.text,
                "rule": MANUAL,
                "evidence": evidence,
                "facts": {"note": note},
                "date": day.isoformat(),
                "regime": regime.stamp(),
                "reason": note,
            },
        )
        return Decision(dict(tx.index.table(TABLE).record(record_id) or {}))


# -- the notice (安全生产不良信用记录告知书) ------------------------------------------------------------

NOTICE_TEMPLATE = "notice_bad_record"
_CN_DIGITS = "零一二三四五六七八九"


def _cn_number(number: str) -> str:
    """``5`` → ``五``, ``12`` → ``十二`` (a criterion's number as the notice writes it)."""
    try:
        value = int(number)
    except ValueError:
        return number
    if not 0 <= value < 100:
        return number
    if value < 10:
        return _CN_DIGITS[value]
    tens, ones = divmod(value, 10)
    return (_CN_DIGITS[tens] if tens > 1 else "") + "十" + (_CN_DIGITS[ones] if ones else "")


def _written(value: Any) -> str | None:
    """An ISO date as the notice writes dates (``2026年3月5日``); other text as it is."""
    day = parse_day(value)
    if day is None:
        return str(value) if value else None
    return f"{day.year}年{day.month}月{day.day}日"


def _yuan(amount: int) -> str:
    if amount >= 10_000 and amount % 100 == 0:
        return f"{amount / 10_000:g}万元"
    return f"{amount}元"


def _sentence(text: str) -> str:
    text = text.strip().rstrip("。；;，, ")
    return text + "。" if text else ""


def _rectification_fact(index: Index, record: dict[str, Any]) -> str:
    facts = record.get("facts") or {}
    item = next((e for e in record.get("evidence") or [] if e.get("rectification")), {})
    row = index.table(rectifications.TABLE).record(item.get("rectification") or "") or {}
    number = facts.get("order_number") or item.get("doc_number")
    order = f"本局《责令限期整改指令书》（{number}）" if number else "本局《责令限期整改指令书》"
    problems = [str(p).strip().rstrip("。；;") for p in row.get("problems") or [] if str(p).strip()]
    text = f"{order}责令你单位于{_written(facts.get('deadline'))}前完成整改"
    if problems:
        listed = "；".join(f"{n}.{p}" for n, p in enumerate(problems, 1))
        text += f"，整改的问题为：{listed}"
    if facts.get("due") and facts.get("due") != facts.get("deadline"):
        text += f"（期限末日为节假日，顺延至{_written(facts['due'])}）"
    if facts.get("rectified_on"):
        return text + f"。你单位至{_written(facts['rectified_on'])}方整改完毕，未在期限内完成整改"
    return text + "。你单位逾期未完成整改，也未经复查认定整改完毕"


def _penalty_fact(record: dict[str, Any]) -> str:
    facts = record.get("facts") or {}
    number = facts.get("doc_number")
    decision = f"《行政处罚决定书》（{number}）" if number else "《行政处罚决定书》"
    when = _written(facts.get("document_date"))
    head = f"本局{when}作出的{decision}" if when else f"本局作出的{decision}"
    found = re.sub(r"\s+", "", str(facts.get("facts") or "")).rstrip("。；;，,")
    if found:
        return f"{head}认定：{found}"
    return f"{head}认定你单位存在违法行为"


def _accident_fact(index: Index, record: dict[str, Any]) -> str:
    facts = dict(record.get("facts") or {})
    # the accident as the table holds it now (a correction since the proposal counts)
    held = index.table(accidents.TABLE).record(str(facts.get("accident") or "")) or {}
    keys = ("date", "description", "deaths", "serious_injuries", "direct_loss_yuan")
    facts.update({key: held[key] for key in keys if key in held})
    when = _written(facts.get("date") or facts.get("accident_date") or record.get("date"))
    what = str(facts.get("description") or "").strip().rstrip("。") or "生产安全事故"
    if not what.endswith("事故"):
        what = f"{what}事故"
    harm = []
    if facts.get("deaths"):
        harm.append(f"{facts['deaths']}人死亡")
    if facts.get("serious_injuries"):
        harm.append(f"{facts['serious_injuries']}人重伤")
    if facts.get("direct_loss_yuan"):
        harm.append(f"直接经济损失{_yuan(int(facts['direct_loss_yuan']))}")
    text = f"{when}，你单位发生{what}，" + (f"造成{'、'.join(harm)}" if harm else "未造成人员伤亡")
    source = next((e for e in record.get("evidence") or [] if e.get("doc_number")), None)
    if record.get("rule") == ACCIDENT_FATAL_LIABLE:
        text += "，经调查认定为生产安全责任事故"
    if record.get("rule") == ACCIDENT_CONCEALED:
        text += "，事故发生后你单位存在瞒报、谎报或迟报行为"
    if source:
        text += f"（见{source['doc_number']}）"
    return text


def fact_text(index: Index, record: dict[str, Any]) -> str:
    """What happened, as the notices write it (Chinese, the documents' language, whatever the
    language of the messages): the order's 文号, problems and deadline; the decision's 文号 and
    违法事实; the accident's date, description and casualties; a manual record's notes."""
    rule = record.get("rule")
    if rule == RECTIFICATION_OVERDUE:
        return _sentence(_rectification_fact(index, record))
    if str(rule).startswith("penalty_"):
        return _sentence(_penalty_fact(record))
    if rule in (ACCIDENT_FATAL_LIABLE, ACCIDENT_CONCEALED):
        return _sentence(_accident_fact(index, record))
    parts = [str(e["note"]) for e in record.get("evidence") or [] if e.get("note")]
    note = (record.get("facts") or {}).get("note")
    if note and note not in parts:
        parts.append(str(note))
    if not parts:
        parts = [str(record.get("criterion_text") or "").rstrip("。")]
    when = _written(record.get("date"))
    text = "；".join(part.rstrip("。；;") for part in parts if part)
    return _sentence(f"{when}，{text}" if when else text)


def evidence_text(record: dict[str, Any]) -> str:
    """The evidence as the notices list it: each document's 文号 with the first 8 hex of its
    SHA-256, an accident recorded by hand by its id, a note as written."""
    items = []
    for item in record.get("evidence") or []:
        if item.get("note"):
            items.append(str(item["note"]).rstrip("。"))
        elif item.get("document"):
            sha = str(item["document"])[:8]
            number = item.get("doc_number")
            items.append(f"{number}（SHA-256 {sha}）" if number else f"文书 SHA-256 {sha}")
        elif item.get("accident"):
            items.append(f"事故登记 {item['accident']}")
    return _sentence("、".join(dict.fromkeys(items)))


def notice_facts(
    index: Index, record: dict[str, Any], archive: Archive | None = None
) -> dict[str, str]:
    """The facts of the 不良信用记录告知书 a record gives: criterion, criterion_text, facts,
    evidence, and (with ``archive``) the citation of the regime the record was decided under."""
    cited: dict[str, str] = {}
    regime_id = (record.get("regime") or {}).get("id")
    if archive is not None and regime_id:
        regime = load_regime(archive, regime_id)
        cited["record_basis"] = regime.record_notice_basis or regime.basis or regime.title
    return {
        **cited,
        "criterion": f"第{_cn_number(str(record.get('criterion')))}项",
        "criterion_text": str(record.get("criterion_text") or "").rstrip("。"),
        "facts": fact_text(index, record),
        "evidence": evidence_text(record),
    }


def record_notice_request(
    archive: Archive,
    template: str,
    code: str | None,
    record_id: str,
    *,
    facts: dict[str, Any],
    year: int,
) -> LetterRequest:
    """The 不良信用记录告知书 of a confirmed record (``credit gen-notice notice_bad_record
    --record ID``): criterion, criterion_text, facts and evidence from the record, the ``facts``
    given explicitly winning; issuing it records ``record.notified`` with the letter's serial."""
    if template != NOTICE_TEMPLATE:
        raise UsageError(
            _("--record 只用于不良信用记录告知书（{template}）", template=NOTICE_TEMPLATE),
            _("例如：credit gen-notice {template} 代码 --record R-…", template=NOTICE_TEMPLATE),
        )
    record = get_record(archive, record_id)
    if code and uscc.compact(code) != record["credit_code"]:
        raise UsageError(
            _(
                "记录 {id} 是 {owner} 的，不是 {code} 的",
                id=record["id"],
                owner=record["credit_code"],
                code=uscc.compact(code),
            ),
            _("省略代码，或给出记录所属单位的代码"),
        )
    if record.get("status") == REJECTED:
        raise CreditError(
            _("记录 {id} 已驳回，不能据以发出告知书", id=record["id"]),
            _("用 credit record show {id} 查看驳回的理由", id=record["id"]),
        )
    if record.get("status") != CONFIRMED:
        raise CreditError(
            _("记录 {id} 尚未确认，不能据以发出告知书", id=record["id"]),
            _("确认后再生成：credit record confirm {id} --reason …", id=record["id"]),
        )
    request = notice_request(
        archive,
        template,
        credit_code=record["credit_code"],
        facts={**notice_facts(archive.index(), record, archive), **facts},
        year=year,
    )
    request.follow_ups.append(
        ("record.notified", {"id": record["id"], "credit_code": record["credit_code"]})
    )
    return request


# -- reading --------------------------------------------------------------------------------------------


def list_records(
    archive: Archive | Index,
    code: str | None = None,
    status: str | None = None,
    criterion: str | None = None,
) -> list[dict[str, Any]]:
    """Records (of one enterprise, with one status, under one criterion), by enterprise,
    date and id."""
    if status is not None and status not in STATUSES:
        raise UsageError(
            _("状态 {value} 不是 proposed、confirmed 或 rejected 之一", value=repr(status))
        )
    index = archive.index() if isinstance(archive, Archive) else archive
    table = index.table(TABLE)
    wanted = uscc.compact(code) if code else None
    rows = []
    for key in table.ids():
        row = table.record(key) or {}
        if wanted and row.get("credit_code") != wanted:
            continue
        if status and row.get("status") != status:
            continue
        if criterion is not None and row.get("criterion") != str(criterion):
            continue
        rows.append(dict(row))
    return sorted(rows, key=lambda row: (row["credit_code"], row.get("date") or "", row["id"]))


def find_records(
    archive: Archive,
    code: str | None = None,
    status: str | None = None,
    criterion: str | None = None,
) -> list[dict[str, Any]]:
    """``credit record list``: the records as :func:`list_records` gives them, each with the
    enterprise's ``name``; an unknown enterprise or a criterion the regime lacks is an error."""
    if code is not None:
        code = get_enterprise(archive, code)["credit_code"]
    if criterion is not None:
        criterion = load_regime(archive).record_criterion(str(criterion).strip()).number
    rows = list_records(archive, code, status, criterion)
    names = enterprise_names(archive.index())
    return [{**row, "name": names.get(row["credit_code"], "")} for row in rows]


def get_record(archive: Archive, record_id: str) -> dict[str, Any]:
    """One record by id (any case), with the enterprise's ``name``; ``NotFound`` when none."""
    record_id = check_record_id(record_id)
    index = archive.index()
    record = index.table(TABLE).record(record_id)
    if record is None:
        raise NotFound(
            _("没有编号为 {id} 的记录", id=record_id), _("用 credit record list 查看记录编号")
        )
    name = (index.table(ENTERPRISES).record(record["credit_code"]) or {}).get("name")
    return {**record, "name": name}


def confirmed_records(index: Index, code: str) -> list[dict[str, Any]]:
    """The confirmed records of one enterprise, by date."""
    return list_records(index, code, CONFIRMED)


def enterprise_names(index: Index) -> dict[str, str]:
    table = index.table(ENTERPRISES)
    return {code: str((table.record(code) or {}).get("name") or "") for code in table.ids()}


@dossier.section("records", order=50)
def records_for(archive: Archive, code: str) -> list[dict[str, Any]]:
    """An enterprise's records: proposed, confirmed and rejected."""
    return list_records(archive, code)


# -- events -----------------------------------------------------------------------------------------------


def _summary(data: dict[str, Any]) -> str:
    return f"{data.get('credit_code')} {data.get('id')}"


def _new_record(index: Index, entry: dict[str, Any], status: str) -> None:
    data = entry["data"]
    table = index.table(TABLE)
    if table.record(data["id"]) is not None:
        return  # written once; a repeat (never emitted) changes nothing
    record = {
        key: data.get(key)
        for key in (
            "id",
            "credit_code",
            "criterion",
            "criterion_text",
            "rule",
            "evidence",
            "facts",
            "date",
            "regime",
        )
    }
    decided = status != PROPOSED
    record.update(
        status=status,
        proposed_at=entry["time"],
        proposed_by=entry["actor"],
        decided_at=entry["time"] if decided else None,
        decided_by=entry["actor"] if decided else None,
        reason=data.get("reason") if decided else None,
        history=[
            {
                "status": status,
                "at": entry["time"],
                "by": entry["actor"],
                "reason": data.get("reason"),
                "regime": data.get("regime"),
            }
        ],
    )
    table.put(data["id"], record)
    note_event(index, data["credit_code"], entry)


@event("record.proposed", label=N_("提出不良信用记录"), summary=_summary)
def _proposed(index: Index, entry: dict[str, Any]) -> None:
    _new_record(index, entry, PROPOSED)


@event("record.added", label=N_("人工登记不良信用记录"), summary=_summary)
def _added(index: Index, entry: dict[str, Any]) -> None:
    _new_record(index, entry, CONFIRMED)


def _decided(index: Index, entry: dict[str, Any], status: str) -> None:
    data = entry["data"]
    record = index.table(TABLE).record(data["id"])
    if record is None:
        return
    record.update(
        status=status,
        decided_at=entry["time"],
        decided_by=entry["actor"],
        reason=data.get("reason"),
    )
    record.setdefault("history", []).append(
        {
            "status": status,
            "at": entry["time"],
            "by": entry["actor"],
            "reason": data.get("reason"),
            "regime": data.get("regime"),
        }
    )
    note_event(index, record["credit_code"], entry)


@event("record.confirmed", label=N_("确认不良信用记录"), summary=_summary)
def _confirmed(index: Index, entry: dict[str, Any]) -> None:
    _decided(index, entry, CONFIRMED)


@event("record.rejected", label=N_("驳回不良信用记录"), summary=_summary)
def _rejected(index: Index, entry: dict[str, Any]) -> None:
    _decided(index, entry, REJECTED)


def _notified_summary(data: dict[str, Any]) -> str:
    return f"{data.get('credit_code')} {data.get('id')} {data.get('serial', '')}".strip()


@event("record.notified", label=N_("发出不良信用记录告知书"), summary=_notified_summary)
def _notified(index: Index, entry: dict[str, Any]) -> None:
    """The 告知书 of a record was issued: its serial on the record (``notice``: the latest;
    ``notices``: every one, with when and by whom)."""
    data = entry["data"]
    record = index.table(TABLE).record(data["id"])
    if record is None:
        return
    record["notice"] = data["serial"]
    record.setdefault("notices", []).append(
        {"serial": data["serial"], "at": entry["time"], "by": entry["actor"]}
    )
    note_event(index, record["credit_code"], entry)
