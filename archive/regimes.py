"""Regimes: the programme's rules as data — criteria, terms, stages, early removal.

A regime is a TOML file.  Two ship with the tool (``archive/data/regimes/``): ``county-2019``,
the county programme (三（二）不良信用记录, 三（三）“黑名单”), the default; and ``national-2023``,
应急管理部令第11号.  An archive may ship its own, or its own version of a shipped one, as
``<archive>/regimes/<id>.toml``: the archive's file wins.  ``credit.toml``'s ``[rules] regime``
chooses which one the archive decides under.

A regime's *version* is the first twelve hex digits of its file's SHA-256.  Every record and
blacklist entry stores the regime's ``stamp()`` (id and version) it was decided under, so a
regime changed later never rewrites an old decision: the stamp says what the rule was.

The criteria are data; the automatic rules that propose records are code (``archive.records``),
each with an id (``rectification_overdue``, ``penalty_major_hazard`` …).  A record criterion
lists the rules that propose under it; a rule no criterion lists proposes nothing under that
regime (the national regime lists only what it makes a ground for listing).
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive.errors import InputError, UsageError
from archive.i18n import N_, _, describe_error, join_items

if TYPE_CHECKING:
    from archive.store import Archive

BUILTIN = Path(__file__).resolve().parent / "data" / "regimes"
ARCHIVE_FOLDER = "regimes"
DEFAULT_REGIME = "county-2019"
# The green channel's default: complete monthly reports for the last 3 months (the programme
# names no number; a regime file sets its own with ``green_channel_months``, 0 = not required).
GREEN_CHANNEL_MONTHS = 3
STAGE_KEYS = ("collect", "notify", "exchange", "publish", "remove")
GRADES = ("general", "larger", "major", "especially_major")
# Accident grades (生产安全事故报告和调查处理条例 第三条), lowest first, as people say them.
GRADE_LABELS = {
    "general": N_("一般事故"),
    "larger": N_("较大事故"),
    "major": N_("重大事故"),
    "especially_major": N_("特别重大事故"),
}
# The same, short, for table cells (一般 / 较大 / 重大 / 特别重大).
GRADE_SHORT_LABELS = {
    "general": N_("一般"),
    "larger": N_("较大"),
    "major": N_("重大"),
    "especially_major": N_("特别重大"),
}
# The stage labels of the shipped regimes (data, but shown translated: `_(stage.label)`).
STAGE_LABELS = (
    N_("信息采集"),
    N_("信息告知"),
    N_("信息交换"),
    N_("信息公布"),
    N_("信息移出"),
    N_("列入前告知"),
    N_("作出列入决定并共享"),
    N_("信息公示"),
    N_("移出名单"),
)
RULES = (
    "accident_fatal_liable",
    "accident_concealed",
    "rectification_overdue",
    "penalty_illegal_production",
    "penalty_major_hazard",
    "penalty_dual_prevention",
    "penalty_hazard_records",
    "penalty_refused_order",
    "penalty_unpaid",
    "penalty_accident_report",
    "penalty_other",
)


@dataclass(frozen=True)
class Criterion:
    """One numbered ground of a list (bad-credit record or blacklist), as the regime words it."""

    number: str
    text: str
    short: str
    rules: tuple[str, ...] = ()
    from_records: tuple[str, ...] = ()  # blacklist criteria: record criteria that support it
    other: bool = False  # the catch-all ground
    min_grade: str | None = None  # an accident rule counts only from this grade up

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "short": self.short,
            "text": self.text,
            "rules": list(self.rules),
            "from_records": list(self.from_records),
            "other": self.other,
            "min_grade": self.min_grade,
        }


@dataclass(frozen=True)
class Stage:
    """One step of a blacklist entry: its deadline counts from the previous step's date."""

    key: str
    label: str
    days: int | None = None
    workdays: bool = True
    notice: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "days": self.days,
            "workdays": self.workdays,
            "notice": self.notice,
        }


@dataclass(frozen=True)
class Regime:
    """A regime as read from its file (see the module's docstring)."""

    id: str
    title: str
    version: str
    source: str  # "builtin" or the file's path
    basis: str
    record_criteria: tuple[Criterion, ...]
    blacklist_criteria: tuple[Criterion, ...]
    record_window_months: int
    term_years: int
    term_by_grade: dict[str, int]
    term_starts: str
    term_rolls: bool
    stages: tuple[Stage, ...]
    early_removal: bool
    early_after_months: int
    early_needs_evidence: bool
    early_reason: str
    statement_days: int
    statement_workdays: bool
    requires_penalty: bool = False
    # what the 黑名单列入告知书 cites as the ground for listing (``notice_basis``; default: basis)
    notice_basis: str = ""
    # what the 不良信用记录告知书 cites (``record_notice_basis``; default: basis)
    record_notice_basis: str = ""
    # 绿色通道：近 N 个月的月度报告须按时、完整（0：不看月度报告）
    green_channel_months: int = GREEN_CHANNEL_MONTHS
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def stamp(self) -> dict[str, str]:
        """What a decision stores of the regime it was made under."""
        return {"id": self.id, "version": self.version}

    def record_criterion(self, number: str) -> Criterion:
        return self._criterion(self.record_criteria, number, _("不良信用记录"))

    def blacklist_criterion(self, number: str) -> Criterion:
        return self._criterion(self.blacklist_criteria, number, _("黑名单"))

    def _criterion(self, criteria: tuple[Criterion, ...], number: str, what: str) -> Criterion:
        wanted = str(number).strip()
        for criterion in criteria:
            if criterion.number == wanted:
                return criterion
        raise UsageError(
            _(
                "{regime} 没有第 {number} 项{what}情形",
                regime=self.title,
                number=wanted,
                what=what,
            ),
            _(
                "可选：{choices}",
                choices=join_items(f"{c.number} {c.short}" for c in criteria),
            ),
        )

    def criterion_for_rule(self, rule: str, grade: str | None = None) -> Criterion | None:
        """The record criterion under which ``rule`` proposes (``grade``: the accident's grade,
        for a criterion that counts only from a grade up); ``None`` when the regime makes
        nothing of it."""
        for criterion in self.record_criteria:
            if rule not in criterion.rules:
                continue
            if criterion.min_grade and not grade_at_least(grade, criterion.min_grade):
                continue
            return criterion
        return None

    def blacklist_criteria_for(self, record_criterion: str) -> list[Criterion]:
        """The blacklist criteria a confirmed record of ``record_criterion`` supports."""
        return [c for c in self.blacklist_criteria if record_criterion in c.from_records]

    def stage(self, key: str) -> Stage:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise UsageError(
            _("没有“{stage}”这一步", stage=key),
            _("可选：{choices}", choices=join_items(f"{s.key} {s.label}" for s in self.stages)),
        )

    def term_for(self, grade: str | None) -> tuple[int, str | None]:
        """The term in years of an entry whose basis includes an accident of ``grade`` (the
        highest), and the grade that decided it (``None``: the regime's usual term)."""
        if grade and grade in self.term_by_grade:
            return self.term_by_grade[grade], grade
        return self.term_years, None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "version": self.version,
            "source": self.source,
            "basis": self.basis,
            "notice_basis": self.notice_basis,
            "record_notice_basis": self.record_notice_basis,
            "record_window_months": self.record_window_months,
            "green_channel_months": self.green_channel_months,
            "term": {
                "years": self.term_years,
                "by_grade": dict(self.term_by_grade),
                "starts": self.term_starts,
                "rolls": self.term_rolls,
            },
            "early_removal": {
                "allowed": self.early_removal,
                "after_months": self.early_after_months,
                "needs_evidence": self.early_needs_evidence,
                "reason": self.early_reason,
            },
            "statement": {"days": self.statement_days, "workdays": self.statement_workdays},
            "requires_penalty": self.requires_penalty,
            "stages": [stage.as_dict() for stage in self.stages],
            "record_criteria": [c.as_dict() for c in self.record_criteria],
            "blacklist_criteria": [c.as_dict() for c in self.blacklist_criteria],
        }


def grade_at_least(grade: str | None, floor: str) -> bool:
    """Whether accident ``grade`` is ``floor`` or higher (an unknown grade is not)."""
    if grade not in GRADES:
        return False
    return GRADES.index(grade) >= GRADES.index(floor)


# -- reading ---------------------------------------------------------------------------------


def _archive_file(archive: Archive | None, regime_id: str) -> Path | None:
    if archive is None:
        return None
    path = Path(archive.root) / ARCHIVE_FOLDER / f"{regime_id}.toml"
    return path if path.is_file() else None


def _builtin_ids() -> list[str]:
    return sorted(path.stem for path in BUILTIN.glob("*.toml"))


def _archive_ids(archive: Archive | None) -> list[str]:
    if archive is None:
        return []
    folder = Path(archive.root) / ARCHIVE_FOLDER
    return sorted(path.stem for path in folder.glob("*.toml")) if folder.is_dir() else []


def available(archive: Archive | None) -> list[str]:
    """Ids of the regimes the archive can choose: the shipped ones and its own."""
    return sorted(set(_builtin_ids()) | set(_archive_ids(archive)))


def load_regime(archive: Archive | None, regime_id: str | None = None) -> Regime:
    """The regime ``regime_id`` (default: the archive's ``rules.regime``): the archive's own
    file when it has one, else the shipped one.  A regime nobody has, or a file that does not
    read, is an error naming the file and the problem."""
    from_settings = regime_id is None
    if regime_id is None:
        regime_id = archive.settings["rules.regime"] if archive is not None else DEFAULT_REGIME
    regime_id = str(regime_id).strip()
    path = _archive_file(archive, regime_id) if _plain(regime_id) else None
    source = str(path) if path else "builtin"
    if path is None:
        builtin = BUILTIN / f"{regime_id}.toml"
        if not _plain(regime_id) or not builtin.is_file():
            hint = _(
                "可选：{choices}；也可把自己的规则文件放在档案的 {folder}/ 文件夹",
                choices=join_items(available(archive)),
                folder=ARCHIVE_FOLDER,
            )
            if from_settings and archive is not None:
                raise InputError(
                    _(
                        "{path} 中 rules.regime 的取值“{regime}”不是已有的规则体系",
                        path=Path(archive.root) / "credit.toml",
                        regime=regime_id,
                    ),
                    hint,
                )
            raise UsageError(_("没有名为“{regime}”的规则体系", regime=regime_id), hint)
        path = builtin
    return read_regime(path, source=source, expected_id=regime_id)


def _plain(regime_id: str) -> bool:
    """Whether ``regime_id`` can name a file: no path separators, no leading dot."""
    return bool(regime_id) and not any(c in regime_id for c in "/\\:") and regime_id[0] != "."


def list_regimes(archive: Archive | None) -> list[Regime]:
    """Every regime the archive can choose, read."""
    return [load_regime(archive, regime_id) for regime_id in available(archive)]


def read_regime(path: Path, *, source: str | None = None, expected_id: str | None = None) -> Regime:
    """Read and check one regime file."""
    try:
        data = path.read_bytes()
        table = tomllib.loads(data.decode("utf-8"))
    except OSError as exc:
        raise InputError(
            _("规则文件 {path} 无法读取：{error}", path=path, error=describe_error(exc))
        ) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            _("规则文件 {path} 格式有误：{error}", path=path, error=describe_error(exc)),
            _("可用 credit regime show county-2019 --toml 导出内置规则作样板"),
        ) from exc
    reader = _Reader(path)
    if not table:
        # `credit regime show … --toml > regimes/<id>.toml` empties the file before it is read
        raise InputError(
            _("规则文件 {path} 是空的", path=path),
            _(
                "先导出到别的文件名（credit regime show county-2019 --toml > 新规则.toml），"
                "改好后再放进档案的 regimes/ 文件夹；或删除这个空文件"
            ),
        )
    version = hashlib.sha256(data).hexdigest()[:12]
    regime_id = reader.text(table, "id")
    if expected_id is not None and regime_id != expected_id:
        reader.fail(_("id 应与文件名相同：{id} ≠ {name}", id=regime_id, name=expected_id), key="id")
    term = reader.table(table, "term")
    early = reader.table(table, "early_removal")
    statement = reader.table(table, "statement")
    by_grade = reader.table(term, "by_grade", required=False)
    for grade, years in by_grade.items():
        if grade not in GRADES:
            reader.fail(_("未知的事故等级 {grade}", grade=grade), key="term.by_grade")
        reader.count(years, f"term.by_grade.{grade}", minimum=1)
    starts = reader.text(term, "starts")
    if starts not in STAGE_KEYS:
        reader.fail(_("未知的步骤 {stage}", stage=starts), key="term.starts")
    regime = Regime(
        id=regime_id,
        title=reader.text(table, "title"),
        version=version,
        source=source or str(path),
        basis=reader.text(table, "basis", required=False) or "",
        record_criteria=reader.criteria(table, "record_criteria"),
        blacklist_criteria=reader.criteria(table, "blacklist_criteria"),
        record_window_months=reader.count(
            table.get("record_window_months", 12), "record_window_months", minimum=1
        ),
        term_years=reader.count(term.get("years"), "term.years", minimum=1),
        term_by_grade={grade: int(years) for grade, years in by_grade.items()},
        term_starts=starts,
        term_rolls=reader.flag(term, "rolls", default=True),
        stages=reader.stages(table),
        early_removal=reader.flag(early, "allowed", default=False),
        early_after_months=reader.count(early.get("after_months", 0), "early_removal.after_months"),
        early_needs_evidence=reader.flag(early, "needs_evidence", default=True),
        early_reason=reader.text(early, "reason", required=False) or "",
        statement_days=reader.count(statement.get("days"), "statement.days", minimum=1),
        statement_workdays=reader.flag(statement, "workdays", default=True),
        requires_penalty=reader.flag(table, "requires_penalty", default=False),
        notice_basis=reader.text(table, "notice_basis", required=False)
        or reader.text(table, "basis", required=False)
        or "",
        record_notice_basis=reader.text(table, "record_notice_basis", required=False)
        or reader.text(table, "basis", required=False)
        or "",
        green_channel_months=reader.count(
            table.get("green_channel_months", GREEN_CHANNEL_MONTHS), "green_channel_months"
        ),
    )
    numbers = {c.number for c in regime.record_criteria}
    for criterion in regime.blacklist_criteria:
        unknown = [n for n in criterion.from_records if n not in numbers]
        if unknown:
            reader.fail(
                _(
                    "黑名单第 {number} 项引用了不存在的不良信用记录情形 {unknown}",
                    number=criterion.number,
                    unknown=join_items(unknown),
                ),
                key="blacklist_criteria",
            )
    return regime


class _Reader:
    """Checks of a regime file's values; every problem names the file and the key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, problem: str, *, key: str) -> None:
        raise InputError(
            _("规则文件 {path} 的 {key} 有误：{problem}", path=self.path, key=key, problem=problem),
            _("改正该文件；可用 credit regime show county-2019 --toml 导出内置规则作样板"),
        )

    def text(self, table: dict[str, Any], key: str, *, required: bool = True) -> str | None:
        value = table.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(_("应是非空的文字"), key=key)
        return value.strip()

    def table(self, table: dict[str, Any], key: str, *, required: bool = True) -> dict[str, Any]:
        value = table.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            self.fail(_("应是一个表（[{key}]）", key=key), key=key)
        return value

    def count(self, value: Any, key: str, *, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(_("应是不小于 {minimum} 的整数", minimum=minimum), key=key)
        return value

    def flag(self, table: dict[str, Any], key: str, *, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.fail(_("应是 true 或 false"), key=key)
        return value

    def strings(self, value: Any, key: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(_("应是文字的列表"), key=key)
        return tuple(str(item).strip() for item in value)

    def criteria(self, table: dict[str, Any], key: str) -> tuple[Criterion, ...]:
        items = table.get(key)
        if not isinstance(items, list) or not items:
            self.fail(_("至少要有一项（[[{key}]]）", key=key), key=key)
        found: list[Criterion] = []
        for position, item in enumerate(items, 1):
            where = f"{key}[{position}]"
            if not isinstance(item, dict):
                self.fail(_("应是一个表"), key=where)
            number = item.get("number")
            if isinstance(number, int) and not isinstance(number, bool):
                number = str(number)
            if not isinstance(number, str) or not number.strip():
                self.fail(_("缺少编号 number"), key=where)
            rules = self.strings(item.get("rules"), f"{where}.rules")
            unknown = [rule for rule in rules if rule not in RULES]
            if unknown:
                self.fail(
                    _(
                        "未知的规则 {unknown}；可用：{choices}",
                        unknown=join_items(unknown),
                        choices=join_items(RULES),
                    ),
                    key=f"{where}.rules",
                )
            min_grade = item.get("min_grade")
            if min_grade is not None and min_grade not in GRADES:
                self.fail(_("未知的事故等级 {grade}", grade=min_grade), key=f"{where}.min_grade")
            found.append(
                Criterion(
                    number=number.strip(),
                    text=self.text(item, "text"),
                    short=self.text(item, "short"),
                    rules=rules,
                    from_records=self.strings(item.get("from_records"), f"{where}.from_records"),
                    other=self.flag(item, "other", default=False),
                    min_grade=min_grade,
                )
            )
        numbers = [c.number for c in found]
        if len(set(numbers)) != len(numbers):
            self.fail(_("编号重复"), key=key)
        return tuple(found)

    def stages(self, table: dict[str, Any]) -> tuple[Stage, ...]:
        items = table.get("stages")
        if not isinstance(items, list):
            self.fail(_("至少要有一项（[[{key}]]）", key="stages"), key="stages")
        stages: list[Stage] = []
        for position, item in enumerate(items, 1):
            where = f"stages[{position}]"
            if not isinstance(item, dict):
                self.fail(_("应是一个表"), key=where)
            days = item.get("days")
            stages.append(
                Stage(
                    key=self.text(item, "key"),
                    label=self.text(item, "label"),
                    days=None if days is None else self.count(days, f"{where}.days", minimum=1),
                    workdays=self.flag(item, "workdays", default=True),
                    notice=self.text(item, "notice", required=False),
                )
            )
        keys = tuple(stage.key for stage in stages)
        if keys != STAGE_KEYS:
            self.fail(_("步骤应依次为 {expected}", expected=" → ".join(STAGE_KEYS)), key="stages")
        return tuple(stages)
