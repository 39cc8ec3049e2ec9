"""The enterprise register (企业名册), keyed by unified social credit code.

Enterprises are added, updated and closed (注销/停产) — never deleted: a closed enterprise keeps
its archive.  Every change is an event; the ``enterprises`` table of the index is their view.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive import dossier, uscc
from archive.errors import CreditError, ExitCode, InputError, NotFound, UsageError
from archive.events import event
from archive.i18n import N_, _, join_items
from archive.index import Index
from archive.report import Report
from archive.settings import Settings
from archive.store import Archive
from archive.validation import check_date

if TYPE_CHECKING:
    from archive.roster import Roster

TABLE = "enterprises"
LOG_TABLE = "enterprise_log"  # per enterprise: history, documents, letters (archive.index)
# Fields a clerk keeps for each enterprise, in the order tables show them.
FIELDS = (
    "credit_code",
    "name",
    "industry",
    "section",
    "legal_representative",
    "phone",
    "address",
    "town",
)
# Kept only when given (an event without it replays as before): the day the enterprise came
# under supervision (名册“纳入监管日期”, ``--since``), ISO; it owes monthly reports from then.
OPTIONAL_FIELDS = ("since",)
FIELD_LABELS = {
    "since": N_("纳入监管日期"),
    "credit_code": N_("统一社会信用代码"),
    "name": N_("单位名称"),
    "industry": N_("行业"),
    "section": N_("负责股室"),
    "legal_representative": N_("法定代表人"),
    "phone": N_("联系电话"),
    "address": N_("地址"),
    "town": N_("所属乡镇"),
    "status": N_("状态"),
}
ACTIVE = "active"
CLOSED = "closed"
STATUS_LABELS = {ACTIVE: N_("在册"), CLOSED: N_("已注销")}
MAX_FIELD_LENGTH = 500
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


def normalise_text(value: str) -> str:
    """NFKC (full-width → half-width) and trimmed: the form texts are compared in, never stored."""
    return unicodedata.normalize("NFKC", value).strip()


def keep_text(value: str) -> str:
    """A text as written, for storing: only surrounding whitespace and zero-width marks go.

    Spaces inside are kept (``蓝山 矿业有限公司`` stays so) and ``ＡＢＣ全角矿业有限公司``
    stays full-width; comparing uses :func:`normalise_name`.

    >>> keep_text("\u3000蓝山 矿业有限公司\u200b ")
    '蓝山 矿业有限公司'
    """
    return value.strip().strip(_ZERO_WIDTH).strip()


def normalise_name(name: str) -> str:
    """The form names are compared in: NFKC, no whitespace at all."""
    return "".join(normalise_text(name).split())


def xml_unsafe_character(value: str) -> str | None:
    """The first character a .docx (XML 1.0) cannot hold, or None."""
    for char in value:
        code = ord(char)
        if (
            (code < 0x20 and char not in "\t\n\r")
            or code in (0xFFFE, 0xFFFF)
            or (0xD800 <= code <= 0xDFFF)
        ):
            return char
    return None


@dataclass
class FieldProblem:
    field: str
    reason: str
    message: str
    suggestion: str | None = None


def _resolve_choice(
    value: str, allowed: list[str], aliases: dict[str, str] | None = None
) -> str | None:
    """The allowed value ``value`` stands for, compared as :func:`normalise_name` compares
    (全角 = 半角, spaces ignored), in the spelling the settings give."""
    wanted = normalise_name(value)
    for choice in allowed:
        if normalise_name(choice) == wanted:
            return choice
    for alias, target in (aliases or {}).items():
        if normalise_name(alias) == wanted and target in allowed:
            return target
    return None


# One number: +, digits, spaces, hyphens, parentheses; an extension after 转/分机/ext/x/#.
_ONE_PHONE = re.compile(
    r"\+?[\d\s\-()]*\d[\d\s\-()]*(?:(?:转|分机|ext\.?|x|#)\s*\d+)?", re.IGNORECASE
)
# Several numbers in one cell: 0746-2212345/13800000000, or separated by 、，;
_PHONE_SEPARATORS = re.compile(r"\s*[/、,;]\s*")
# Whose number it is, as rosters note it: 13800000000（王经理）, 王经理:13800000000.
_PHONE_NOTE_AFTER = re.compile(r"\s*\([^()\d]{1,12}\)$")
_PHONE_NOTE_BEFORE = re.compile(r"^[^\d+()]{1,12}[:：]\s*")


def is_phone_number(text: str) -> bool:
    """Whether ``text`` looks like one or more phone numbers (全角 digits and brackets too).

    >>> [is_phone_number(t) for t in ("0746-2212345", "(0746) 221 2345 转 8012", "+86 138-0000-0000")]
    [True, True, True]
    >>> [is_phone_number(t) for t in ("13800000000（王经理）", "办公室：0746-2212345")]
    [True, True]
    >>> [is_phone_number(t) for t in ("abc", "!!!", "0746-221234five", "12", "(王经理)")]
    [False, False, False, False, False]
    """
    compact = unicodedata.normalize("NFKC", text).strip()
    numbers = [
        _PHONE_NOTE_BEFORE.sub("", _PHONE_NOTE_AFTER.sub("", number))
        for number in _PHONE_SEPARATORS.split(compact)
    ]
    return all(
        _ONE_PHONE.fullmatch(number) and sum(char.isdigit() for char in number) >= 3
        for number in numbers
    )


def clean_fields(
    values: dict[str, str], settings: Settings, *, partial: bool = False
) -> tuple[dict[str, str], list[FieldProblem]]:
    """Check one enterprise's fields; return the values to store and the problems.

    Texts are kept as written (:func:`keep_text`: only surrounding whitespace and zero-width
    marks go); the credit code is stored in its standard form, industry and section in the
    spelling the settings give, and so is the town when ``register.towns`` is set.
    ``partial`` (for updates) checks only the fields given.  Empty values mean "not given".
    """
    clean: dict[str, str] = {}
    problems: list[FieldProblem] = []
    for key, raw in values.items():
        if key not in FIELDS and key not in OPTIONAL_FIELDS:
            raise UsageError(_("未知字段：{field}", field=key))
        if raw is None:
            continue
        text = keep_text(str(raw))
        bad = xml_unsafe_character(text)
        if bad is not None:
            problems.append(
                FieldProblem(
                    key,
                    "invalid_character",
                    _("含有不能写入文书的控制字符 U+{code:04X}", code=ord(bad)),
                )
            )
            continue
        if len(text) > MAX_FIELD_LENGTH:
            problems.append(
                FieldProblem(key, "too_long", _("超过 {limit} 个字符", limit=MAX_FIELD_LENGTH))
            )
            continue
        if text:
            clean[key] = text
    if "credit_code" in clean:
        try:
            clean["credit_code"] = uscc.validate(clean["credit_code"])
        except uscc.InvalidCode as exc:
            problems.append(
                FieldProblem(
                    "credit_code", exc.reason, exc.message, getattr(exc, "suggestion", None)
                )
            )
            del clean["credit_code"]
    elif not partial and not any(p.field == "credit_code" for p in problems):
        problems.append(FieldProblem("credit_code", "missing_value", _("缺少统一社会信用代码")))
    if "name" not in clean and not partial and not any(p.field == "name" for p in problems):
        problems.append(FieldProblem("name", "missing_value", _("缺少单位名称")))
    if "since" in clean:
        since = parse_since(clean["since"])
        if since is None:
            problems.append(
                FieldProblem(
                    "since",
                    "invalid_date",
                    _("“{value}”不是日期（写成 YYYY-MM-DD，如 2026-03-16）", value=clean["since"]),
                )
            )
            del clean["since"]
        elif since > date.today():
            problems.append(
                FieldProblem(
                    "since",
                    "future_date",
                    _("{value} 晚于今天", value=since.isoformat()),
                )
            )
            del clean["since"]
        else:
            clean["since"] = since.isoformat()
    if "phone" in clean and not is_phone_number(clean["phone"]):
        problems.append(
            FieldProblem(
                "phone",
                "invalid_phone",
                _(
                    "“{value}”不像电话号码：只能有数字、空格、连字符、括号、+ 和分机号"
                    "（如 0746-2212345 转 8012）",
                    value=clean["phone"],
                ),
            )
        )
        del clean["phone"]
    if "industry" in clean:
        resolved = _resolve_choice(
            clean["industry"], settings.industries, settings.industry_aliases
        )
        if resolved is None:
            problems.append(
                FieldProblem(
                    "industry",
                    "unknown_industry",
                    _(
                        "行业“{value}”不在设置的行业中（{allowed}）",
                        value=clean["industry"],
                        allowed=join_items(settings.industries),
                    ),
                )
            )
        else:
            clean["industry"] = resolved
    if "section" in clean and _resolve_choice(clean["section"], settings.sections):
        clean["section"] = _resolve_choice(clean["section"], settings.sections) or ""
    elif "section" in clean:
        problems.append(
            FieldProblem(
                "section",
                "unknown_section",
                _(
                    "股室“{value}”不在设置的股室中（{allowed}）",
                    value=clean["section"],
                    allowed=join_items(settings.sections),
                ),
            )
        )
    if "town" in clean and settings.towns and _resolve_choice(clean["town"], settings.towns):
        clean["town"] = _resolve_choice(clean["town"], settings.towns) or ""
    elif "town" in clean and settings.towns:
        problems.append(
            FieldProblem(
                "town",
                "unknown_town",
                _("乡镇“{value}”不在设置的乡镇中", value=clean["town"]),
            )
        )
    return clean, problems


def parse_since(text: str | date) -> date | None:
    """The date of a 纳入监管日期 as rosters write it (``2026-03-16``, ``2026/3/16``,
    ``2026年3月16日``, a spreadsheet's ``2026-03-16 00:00:00``), or None.

    >>> parse_since("2026/3/16"), parse_since("2026-03-16 00:00:00"), parse_since("三月")
    (datetime.date(2026, 3, 16), datetime.date(2026, 3, 16), None)
    """
    from archive.cnnum import parse_date

    if isinstance(text, date):
        return text
    text = normalise_text(text)
    if text.endswith(" 00:00:00"):
        text = text[: -len(" 00:00:00")]
    found = parse_date(text, whole=True)
    return found if found is not None and found.year >= 1949 else None


def _raise_problems(problems: list[FieldProblem]) -> None:
    first = problems[0]
    label = _(FIELD_LABELS.get(first.field, first.field))
    detail = _("；").join(
        _("{field}：{message}", field=_(FIELD_LABELS.get(p.field, p.field)), message=p.message)
        for p in problems
    )
    hint = None
    if first.suggestion:
        hint = _("是否应为 {code}？", code=first.suggestion)
    elif first.reason == "unknown_industry":
        hint = _("行业和股室可在档案的 credit.toml 中设置")
    single = _("{field}：{message}", field=label, message=first.message)
    raise InputError(detail if len(problems) > 1 else single, hint)


# -- reading ---------------------------------------------------------------------------------


def _table(archive_or_index: Archive | Index):
    index = archive_or_index.index() if isinstance(archive_or_index, Archive) else archive_or_index
    return index.table(TABLE)


def get_enterprise(archive: Archive, code: str) -> dict[str, Any]:
    """The register record of ``code`` (any spacing or width), or ``NotFound``."""
    compact = uscc.compact(code)
    record = _table(archive).record(compact)
    if record is None:
        hint = None
        if not uscc.is_valid(compact):
            try:
                uscc.validate(compact)
            except uscc.InvalidCode as exc:
                hint = exc.message
        raise NotFound(
            _("名册中没有统一社会信用代码为 {code} 的单位", code=compact),
            hint or _("用 credit enterprise list 查看名册，或用 credit enterprise add 添加"),
        )
    return dict(record)


def list_enterprises(
    archive: Archive,
    *,
    industry: str | None = None,
    section: str | None = None,
    town: str | None = None,
    status: str | None = ACTIVE,
    search: str | None = None,
) -> list[dict[str, Any]]:
    """Register records matching every filter given, ordered by credit code.

    ``status=None`` lists all; ``search`` matches part of the name.
    """
    industry, section, town = check_filters(archive, industry=industry, section=section, town=town)
    wanted = {"industry": industry, "section": section, "town": town, "status": status}
    wanted = {key: value for key, value in wanted.items() if value}
    needle = normalise_name(search) if search else None
    table = _table(archive)
    result = []
    for code in sorted(table.ids()):
        record = table.record(code)
        assert record is not None
        if any(record.get(key) != value for key, value in wanted.items()):
            continue
        if needle and needle not in normalise_name(record.get("name", "")):
            continue
        result.append(record)
    return result


def check_filters(
    archive: Archive,
    *,
    industry: str | None = None,
    section: str | None = None,
    town: str | None = None,
) -> tuple[str | None, str | None, str | None]:
    """The filter values as stored (an industry's short form resolved), or ``UsageError``
    naming the allowed values: a mistyped filter must not look like "nothing found".

    Towns are checked against ``register.towns`` when it is set, else against the towns the
    register holds.
    """
    settings = archive.settings
    if industry:
        industry = normalise_text(industry)
        resolved = _resolve_choice(industry, settings.industries, settings.industry_aliases)
        if resolved is None:
            raise UsageError(
                _("行业“{value}”不在设置的行业中", value=industry),
                _("可选行业：{allowed}", allowed=join_items(settings.industries)),
            )
        industry = resolved
    if section:
        section = normalise_text(section)
        if section not in settings.sections:
            raise UsageError(
                _("股室“{value}”不在设置的股室中", value=section),
                _("可选股室：{allowed}", allowed=join_items(settings.sections)),
            )
    if town:
        town = normalise_text(town)
        table = _table(archive)
        towns = settings.towns or sorted(
            {found for code in table.ids() if (found := (table.record(code) or {}).get("town"))}
        )
        if town not in towns:
            raise UsageError(
                _("乡镇“{value}”不在设置的乡镇中", value=town)
                if settings.towns
                else _("名册中没有乡镇“{value}”的单位", value=town),
                _("可选乡镇：{allowed}", allowed=join_items(towns) or _("（无）")),
            )
    return industry, section, town


@dossier.record
def _dossier_record(archive: Archive, code: str) -> dict[str, Any]:
    """The register record and history that start an enterprise's dossier."""
    record = get_enterprise(archive, code)
    record.pop("name_key", None)
    log = log_of(archive.index(), record["credit_code"])
    record["history"] = [dict(item) for item in log.get("history", [])]
    return record


# -- changing ----------------------------------------------------------------------------------


def add_enterprise(archive: Archive, values: dict[str, str], *, source: str = "manual") -> dict:
    """Add one enterprise to the register."""
    clean, problems = clean_fields(values, archive.settings)
    if problems:
        _raise_problems(problems)
    code = clean["credit_code"]
    with archive.transaction() as tx:
        existing = tx.index.table(TABLE).record(code)
        if existing is not None:
            raise CreditError(
                _("{code}（{name}）已在名册中", code=code, name=existing["name"]),
                _("修改请用 credit enterprise update {code}", code=code),
            )
        tx.emit("enterprise.added", {**clean, "source": source})
        return dict(tx.index.table(TABLE).record(code) or {})


def update_enterprise(
    archive: Archive, code: str, changes: dict[str, str], *, source: str = "manual"
) -> dict[str, dict[str, str | None]]:
    """Change fields of one enterprise; returns ``{field: {"old": …, "new": …}}`` (may be empty)."""
    code = uscc.compact(code)
    if "credit_code" in changes:
        raise UsageError(
            _("统一社会信用代码不能修改"),
            _("代码登记错了：先 credit enterprise close 旧代码，再 add 正确的代码"),
        )
    blank = [key for key, value in changes.items() if value is not None and not str(value).strip()]
    if blank:  # an empty value is a mistake, not "no change"
        raise UsageError(
            _("{field}不能为空", field=join_items(_(FIELD_LABELS.get(k, k)) for k in blank)),
            _("只给出要修改的项及其新值"),
        )
    clean, problems = clean_fields(changes, archive.settings, partial=True)
    if problems:
        _raise_problems(problems)
    with archive.transaction() as tx:
        record = tx.index.table(TABLE).record(code)
        if record is None:
            get_enterprise(archive, code)  # raises NotFound with its hint
        assert record is not None
        diff = {
            key: {"old": record.get(key), "new": value}
            for key, value in clean.items()
            if record.get(key) != value
        }
        if diff:
            tx.emit("enterprise.updated", {"credit_code": code, "changes": diff, "source": source})
        return diff


def close_enterprise(
    archive: Archive, code: str, *, reason: str, on: date | None = None
) -> dict[str, Any]:
    """Mark an enterprise closed (注销、关闭、停产); its archive is kept."""
    code = uscc.compact(code)
    reason = keep_text(reason)
    if not reason:
        raise UsageError(_("请用 --reason 写明注销原因"))
    if on is not None:
        check_date(on, what=_("注销日期"))
    with archive.transaction() as tx:
        record = tx.index.table(TABLE).record(code)
        if record is None:
            get_enterprise(archive, code)
        assert record is not None
        if record.get("status") == CLOSED:
            raise CreditError(
                _(
                    "{code}（{name}）已于 {date} 注销",
                    code=code,
                    name=record["name"],
                    date=record.get("closed_on"),
                ),
            )
        day = (on or date.today()).isoformat()
        tx.emit("enterprise.closed", {"credit_code": code, "date": day, "reason": reason})
        return dict(tx.index.table(TABLE).record(code) or {})


def reopen_enterprise(archive: Archive, code: str) -> dict[str, Any]:
    """Put a closed enterprise back in the register."""
    code = uscc.compact(code)
    with archive.transaction() as tx:
        record = tx.index.table(TABLE).record(code)
        if record is None:
            get_enterprise(archive, code)
        assert record is not None
        if record.get("status") != CLOSED:
            raise CreditError(_("{code}（{name}）未注销", code=code, name=record["name"]))
        tx.emit("enterprise.reopened", {"credit_code": code})
        return dict(tx.index.table(TABLE).record(code) or {})


# -- roster import -----------------------------------------------------------------------------


@dataclass
class RowOutcome:
    """What an import does with one row of the roster."""

    row: int
    credit_code: str | None
    name: str | None
    action: str  # add, update, unchanged, error
    changes: dict[str, dict[str, str | None]] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict, repr=False)


@dataclass
class ImportReport(Report):
    """One outcome per row; a row in error or a problem with the file itself fails the import
    (exit 3, nothing imported)."""

    FAILURES = frozenset({"error"})

    path: Path
    mapping: dict[str, str]
    ignored_columns: list[str]
    rows: list[RowOutcome]
    file_problems: list[dict[str, Any]]
    dry_run: bool
    committed: bool = False

    def outcomes(self) -> Iterator[str]:
        return (row.action for row in self.rows)

    @property
    def failure_count(self) -> int:
        return super().failure_count + len(self.file_problems)

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def problems(self) -> list[dict[str, Any]]:
        found = list(self.file_problems)
        for row in self.rows:
            found.extend(row.problems)
        return found


def _problem(row: int | None, column: str | None, reason: str, message: str, **extra: Any) -> dict:
    item = {"row": row, "column": column, "reason": reason, "message": message}
    item.update({key: value for key, value in extra.items() if value is not None})
    return item


def plan_import(
    archive: Archive, path: Path, *, index: Index | None = None, roster: Roster | None = None
) -> ImportReport:
    """Read a roster (unless given) and work out, row by row, what importing it would change."""
    from archive.roster import read_roster

    roster = roster or read_roster(path)
    report = ImportReport(
        path=path,
        mapping=dict(roster.mapping),
        ignored_columns=list(roster.ignored_columns),
        rows=[],
        file_problems=[],
        dry_run=True,
    )
    row_problems: dict[int, list[dict]] = {}
    for problem in roster.problems:
        item = _problem(problem.row, problem.column, problem.reason, problem.message)
        if problem.row is None:
            report.file_problems.append(item)
        else:
            row_problems.setdefault(problem.row, []).append(item)
    table = (index or archive.index()).table(TABLE)
    seen: dict[str, int] = {}
    for roster_row in roster.rows:
        values = {
            key: value
            for key, value in roster_row.values.items()
            if key in FIELDS or key in OPTIONAL_FIELDS
        }
        clean, problems = clean_fields(values, archive.settings)
        outcome = RowOutcome(
            row=roster_row.row,
            credit_code=clean.get("credit_code") or values.get("credit_code") or None,
            name=clean.get("name") or values.get("name") or None,
            action="error",
        )
        outcome.problems.extend(row_problems.pop(roster_row.row, []))
        if outcome.problems:
            # A formula or merged cell reads as empty: the reader's problem already says why.
            problems = [problem for problem in problems if problem.reason != "missing_value"]
        for problem in problems:
            outcome.problems.append(
                _problem(
                    roster_row.row,
                    roster.mapping.get(problem.field, problem.field),
                    problem.reason,
                    problem.message,
                    suggestion=problem.suggestion,
                )
            )
        code = clean.get("credit_code")
        if code and code in seen:
            outcome.problems.append(
                _problem(
                    roster_row.row,
                    roster.mapping.get("credit_code"),
                    "duplicate_in_file",
                    _("与第 {other} 行的统一社会信用代码重复", other=seen[code]),
                )
            )
        elif code:
            seen[code] = roster_row.row
        if not outcome.problems:
            existing = table.record(code) if code else None
            if existing is None:
                outcome.action = "add"
            else:
                outcome.changes = {
                    key: {"old": existing.get(key), "new": value}
                    for key, value in clean.items()
                    if key != "credit_code" and existing.get(key) != value
                }
                outcome.action = "update" if outcome.changes else "unchanged"
            outcome.credit_code = code
            outcome.values = clean
        report.rows.append(outcome)
    for row, problems in sorted(row_problems.items()):
        # problems on rows the reader dropped (formulas, merged cells …)
        report.rows.append(
            RowOutcome(row=row, credit_code=None, name=None, action="error", problems=problems)
        )
    report.rows.sort(key=lambda outcome: outcome.row)
    return report


def import_roster(archive: Archive, path: Path, *, dry_run: bool = False) -> ImportReport:
    """Import a roster file: all rows or none.  Re-importing the same file changes nothing."""
    from archive.roster import read_roster

    path = Path(path)
    roster = read_roster(path)
    # Read and check outside the lock; re-plan under it against the current index.
    report = plan_import(archive, path, roster=roster)
    if dry_run or not report.ok:
        return report
    source = f"roster:{path.name}"
    with archive.transaction() as tx:
        report = plan_import(archive, path, index=tx.index, roster=roster)
        report.dry_run = False
        if not report.ok:
            return report
        for outcome in report.rows:
            clean = outcome.values
            if outcome.action == "add":
                tx.emit("enterprise.added", {**clean, "source": source})
            elif outcome.action == "update":
                tx.emit(
                    "enterprise.updated",
                    {
                        "credit_code": outcome.credit_code,
                        "changes": outcome.changes,
                        "source": source,
                    },
                )
        report.committed = True
    return report


class ImportFailed(CreditError):
    """A roster with problems: nothing was imported."""

    exit_code = ExitCode.INPUT_FAILED


# -- reducers ----------------------------------------------------------------------------------


def _added_summary(data: dict[str, Any]) -> str:
    return f"{data.get('credit_code')} {data.get('name', '')}"


def _updated_summary(data: dict[str, Any]) -> str:
    return f"{data.get('credit_code')} {join_items(data.get('changes', {}))}"


def _closed_summary(data: dict[str, Any]) -> str:
    return f"{data.get('credit_code')} {data.get('date', '')} {data.get('reason', '')}"


def _history_item(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "seq": entry["seq"],
        "time": entry["time"],
        "type": entry["type"],
        "actor": entry["actor"],
    }


def _log(index: Index, code: str) -> dict[str, Any]:
    """The live log record of ``code`` (made when there is none)."""
    table = index.table(LOG_TABLE)
    log = table.record(code)
    if log is None:
        log = {}
        table.put(code, log)
    return log


def log_of(index: Index, code: str) -> dict[str, Any]:
    """What grows with an enterprise's years, kept beside the register so that reading the
    register stays quick: ``history`` (events), ``documents`` (SHA-256), ``letters`` (serials)."""
    return index.table(LOG_TABLE).record(code) or {}


def _touch(index: Index, record: dict[str, Any], entry: dict[str, Any]) -> None:
    record["updated_at"] = entry["time"]
    _log(index, record["credit_code"]).setdefault("history", []).append(_history_item(entry))


def note_event(index: Index, code: str, entry: dict[str, Any]) -> dict[str, Any] | None:
    """Add an event of another part of the archive to an enterprise's history; returns the
    enterprise's log (to add the document or letter to), ``None`` for an unregistered code."""
    if index.table(TABLE).record(code) is None:
        return None
    log = _log(index, code)
    log.setdefault("history", []).append(_history_item(entry))
    return log


@event("enterprise.added", label=N_("登记"), summary=_added_summary)
def _added(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    record: dict[str, Any] = {key: data.get(key, "") for key in FIELDS}
    record.update(status=ACTIVE, created_at=entry["time"], name_key=normalise_name(data["name"]))
    for key in OPTIONAL_FIELDS:
        if data.get(key):
            record[key] = data[key]
    warnings = [warning.reason for warning in uscc.warnings(data["credit_code"])]
    if warnings:
        record["code_warnings"] = warnings
    index.table(TABLE).put(data["credit_code"], record)
    _touch(index, record, entry)


def _existing(index: Index, entry: dict[str, Any]) -> dict[str, Any]:
    code = entry["data"]["credit_code"]
    record = index.table(TABLE).record(code)
    if record is None:
        from archive.errors import JournalCorrupt

        raise JournalCorrupt(
            _("日志第 {seq} 条修改的单位 {code} 此前未登记", seq=entry["seq"], code=code)
        )
    return record


@event("enterprise.updated", label=N_("修改"), summary=_updated_summary)
def _updated(index: Index, entry: dict[str, Any]) -> None:
    record = _existing(index, entry)
    for key, change in entry["data"]["changes"].items():
        record[key] = change["new"]
        if key == "name":
            record["name_key"] = normalise_name(change["new"])
    _touch(index, record, entry)


@event("enterprise.closed", label=N_("注销"), summary=_closed_summary)
def _closed(index: Index, entry: dict[str, Any]) -> None:
    record = _existing(index, entry)
    record.update(
        status=CLOSED, closed_on=entry["data"]["date"], close_reason=entry["data"]["reason"]
    )
    _touch(index, record, entry)


@event("enterprise.reopened", label=N_("恢复在册"))
def _reopened(index: Index, entry: dict[str, Any]) -> None:
    record = _existing(index, entry)
    record["status"] = ACTIVE
    record.pop("closed_on", None)
    record.pop("close_reason", None)
    _touch(index, record, entry)
