"""Production-safety accidents (生产安全事故) of the enterprises in the register.

Owns the ``accidents`` table.  An accident is recorded by a clerk (``credit accident add``) or
follows from an ingested document that states it (an accident investigation report, or a
penalty decision whose 违法事实 tells of one): ingest emits ``accident.recorded`` after the
document.  A wrong record is never deleted or overwritten: ``accident.corrected`` records the
changed values with a reason, and the record keeps every correction.

The grade (生产安全事故报告和调查处理条例 第三条, domain.md §3) is computed from the deaths,
serious injuries and direct economic loss: each axis has lower bounds, inclusive ("以上"); the
highest grade reached on any axis decides, and the record names that axis.  When two axes reach
the same highest grade, the first in the order deaths > serious injuries > direct loss is named.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from archive import dossier, regimes, uscc
from archive.enterprises import TABLE as ENTERPRISES
from archive.enterprises import get_enterprise, keep_text, note_event
from archive.errors import CreditError, NotFound, UsageError
from archive.events import event
from archive.i18n import N_, _, join_items
from archive.index import Index
from archive.store import Archive
from archive.validation import check_date

TABLE = "accidents"

# Grades, lowest first (the JSON values), and their Chinese names.
GENERAL = "general"
LARGER = "larger"
MAJOR = "major"
ESPECIALLY_MAJOR = "especially_major"
GRADES = regimes.GRADES  # (GENERAL, LARGER, MAJOR, ESPECIALLY_MAJOR)
GRADE_LABELS = regimes.GRADE_SHORT_LABELS
# The axes, in the order that breaks a tie between two axes reaching the same grade.
AXES = ("deaths", "serious_injuries", "direct_loss_yuan")
AXIS_LABELS = {
    "deaths": N_("死亡人数"),
    "serious_injuries": N_("重伤人数"),
    "direct_loss_yuan": N_("直接经济损失"),
}
# Lower bounds (inclusive) of 较大, 重大 and 特别重大 on each axis (条例 第三条).
THRESHOLDS: dict[str, tuple[int, int, int]] = {
    "deaths": (3, 10, 30),
    "serious_injuries": (10, 50, 100),
    "direct_loss_yuan": (10_000_000, 50_000_000, 100_000_000),
}
# Largest plausible values: a typing mistake beyond these is refused, not recorded.
LIMITS = {"deaths": 100_000, "serious_injuries": 100_000, "direct_loss_yuan": 10**13}
# Fields a correction may change.
CORRECTABLE = (
    "date",
    "deaths",
    "serious_injuries",
    "direct_loss_yuan",
    "liable",
    "concealed",
    "description",
)
MAX_DESCRIPTION = 500


def _axis_grade(axis: str, value: int) -> int:
    """The grade's position in :data:`GRADES` one axis reaches."""
    return sum(1 for bound in THRESHOLDS[axis] if value >= bound)


def grade(deaths: int, serious_injuries: int, direct_loss_yuan: int) -> tuple[str, str | None]:
    """The accident grade and the axis that decided it (``None`` for a 一般 accident: no axis
    reached 较大).  The highest grade on any axis wins; on a tie the axis first in
    deaths > serious_injuries > direct_loss_yuan is named.

    >>> grade(3, 0, 0)
    ('larger', 'deaths')
    >>> grade(2, 9, 9_999_999)
    ('general', None)
    >>> grade(3, 50, 0)
    ('major', 'serious_injuries')
    >>> grade(10, 50, 0)
    ('major', 'deaths')
    """
    values = {
        "deaths": deaths,
        "serious_injuries": serious_injuries,
        "direct_loss_yuan": direct_loss_yuan,
    }
    best, best_axis = 0, None
    for axis in AXES:
        value = values[axis]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{axis} must be a non-negative integer, not {value!r}")
        reached = _axis_grade(axis, value)
        if reached > best:
            best, best_axis = reached, axis
    return GRADES[best], best_axis


def grade_text(record: dict[str, Any]) -> str:
    """The grade with the axis that decided it, for people: ``较大（死亡 3 人 ≥ 3）``."""
    code = record.get("grade") or GENERAL
    label = _(GRADE_LABELS.get(code, code))
    axis = record.get("grade_axis")
    if axis is None:
        return _("{grade}（未达较大事故标准）", grade=label)
    bound = THRESHOLDS[axis][GRADES.index(code) - 1]
    value = record.get(axis) or 0
    if axis == "deaths":
        reason = _("死亡 {value} 人 ≥ {bound}", value=value, bound=bound)
    elif axis == "serious_injuries":
        reason = _("重伤 {value} 人 ≥ {bound}", value=value, bound=bound)
    else:
        reason = _("直接经济损失 {value} 元 ≥ {bound} 元", value=f"{value:,}", bound=f"{bound:,}")
    return _("{grade}（{reason}）", grade=label, reason=reason)


# -- checking values ---------------------------------------------------------------------------


def parse_grade(value: str) -> str:
    """A grade as a clerk types it — the code (``larger``), the table's label (``较大``), the
    full name (``较大事故``), or their English (``larger accident``) — as its code; UsageError
    naming the value and the choices otherwise.

    >>> [parse_grade(v) for v in ("larger", "较大", "较大事故", " Especially-Major ", "重大 事故")]
    ['larger', 'larger', 'larger', 'especially_major', 'major']
    """
    from archive.regimes import GRADE_LABELS as FULL_LABELS

    text = "".join(unicodedata.normalize("NFKC", str(value)).split()).lower()
    for code in GRADES:
        names = {code, code.replace("_", "-"), code.replace("_", "")}
        for label in (GRADE_LABELS[code], FULL_LABELS[code]):
            names.update({label, _(label)})
        if text in {"".join(name.split()).lower() for name in names}:
            return code
    raise UsageError(
        _("{value} 不是事故等级", value=repr(str(value))),
        _(
            "可选：{choices}",
            choices=join_items(
                _("{label}（{code}）", label=_(GRADE_LABELS[code]), code=code) for code in GRADES
            ),
        ),
    )


def check_count(value: Any, *, what: str, limit: int | None = None) -> int:
    """A non-negative whole number (a count of people, an amount of yuan), else UsageError."""
    if isinstance(value, bool):
        raise UsageError(
            _("{what} 应为不小于 0 的整数，不是 {value}", what=what, value=repr(value))
        )
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if not re.fullmatch(r"\d+", text):
            raise UsageError(
                _("{what} 应为不小于 0 的整数，不是 {value}", what=what, value=repr(value))
            )
        value = int(text)
    if not isinstance(value, int) or value < 0:
        raise UsageError(
            _("{what} 应为不小于 0 的整数，不是 {value}", what=what, value=repr(value))
        )
    if limit is not None and value > limit:
        raise UsageError(_("{what} 的值 {value} 大得不合常理，请核对", what=what, value=value))
    return value


_AMOUNT = re.compile(r"(?P<number>\d+(?:\.\d+)?)(?P<unit>万|亿)?元?")


def parse_amount(value: str | int) -> int:
    """An amount of money in whole yuan: ``1200000``, ``1,200,000``, ``1200000元``, ``120万``,
    ``120万元``, ``1.2亿`` (全角 digits too); UsageError for anything else, a negative amount
    or a fraction of a yuan.

    >>> [parse_amount(v) for v in ("1200000", "1,200,000元", "120万", "1.25亿元", "０")]
    [1200000, 1200000, 1200000, 125000000, 0]
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return check_count(value, what=_("直接经济损失"), limit=LIMITS["direct_loss_yuan"])
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = re.sub(r"(?<=\d)[,\s](?=\d{3})", "", text).replace("人民币", "").strip()
    match = _AMOUNT.fullmatch(text)
    hint = _("写成整数元（如 1200000）或万元、亿元（如 120万、1.2亿）")
    if match is None:
        raise UsageError(_("直接经济损失 {value} 不是有效的金额", value=repr(str(value))), hint)
    try:
        amount = Decimal(match.group("number"))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise UsageError(
            _("直接经济损失 {value} 不是有效的金额", value=repr(str(value))), hint
        ) from exc
    amount *= {"万": 10_000, "亿": 100_000_000}.get(match.group("unit") or "", 1)
    if amount != amount.to_integral_value():
        raise UsageError(_("直接经济损失 {value} 不是整数元", value=repr(str(value))), hint)
    return check_count(int(amount), what=_("直接经济损失"), limit=LIMITS["direct_loss_yuan"])


def _check_description(value: str | None, what: str | None = None) -> str:
    """A one-line text (a description, a reason) as written, or UsageError naming ``what``."""
    what = what or _("事故经过")
    text = keep_text(value or "")
    if any(unicodedata.category(char) == "Cc" for char in text):
        raise UsageError(
            _("{what} 含有换行符或其他控制字符", what=what),
            _("只写一行文字，不要粘贴换行"),
        )
    if len(text) > MAX_DESCRIPTION:
        raise UsageError(_("{what} 超过 {limit} 个字符", what=what, limit=MAX_DESCRIPTION))
    return text


def _description_key(description: str) -> str:
    """The form descriptions are compared in: NFKC, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", description).split())


def accident_id(code: str, day: str, description: str) -> str:
    """The id of a manually recorded accident: ``A-`` + 10 hex of SHA-256 of code|date|description."""
    key = f"{code}|{day}|{_description_key(description)}"
    return "A-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


def document_accident_id(sha: str) -> str:
    """The id of the accident a document states: ``A-`` + the first 10 hex of its SHA-256."""
    return "A-" + sha[:10]


def _registered(index: Index, code: str, archive: Archive) -> str:
    """The credit code in its standard form, if the register knows it; NotFound (exit 1, as
    every command gives for a code the register lacks) otherwise."""
    compact = uscc.compact(code)
    if index.table(ENTERPRISES).record(compact) is None:
        get_enterprise(archive, compact)
    return compact


# -- reading -----------------------------------------------------------------------------------


def _index_of(index_or_archive: Index | Archive) -> Index:
    if isinstance(index_or_archive, Archive):
        return index_or_archive.index()
    return index_or_archive


def list_accidents(
    index_or_archive: Index | Archive, code: str | None = None, *, grades: list[str] | None = None
) -> list[dict[str, Any]]:
    """Accidents (of one enterprise, or all; of the given grades, or all), by date then id.
    Each row is a copy of the table's record."""
    table = _index_of(index_or_archive).table(TABLE)
    wanted = uscc.compact(code) if code else None
    rows = []
    for key in table.ids():
        record = table.record(key) or {}
        if wanted and record.get("credit_code") != wanted:
            continue
        if grades and record.get("grade") not in grades:
            continue
        rows.append(_copy(record))
    return sorted(rows, key=lambda row: (row.get("date") or "", row["id"]))


def find_accidents(
    archive: Archive, code: str | None = None, *, grades: list[str] | None = None
) -> list[dict[str, Any]]:
    """:func:`list_accidents` for a clerk: a code the register does not know is NotFound,
    not an empty list; ``grades`` as typed (codes or Chinese labels, :func:`parse_grade`)."""
    if code:
        get_enterprise(archive, code)
    wanted = [parse_grade(value) for value in grades] if grades else None
    return list_accidents(archive, code, grades=wanted)


def _copy(record: dict[str, Any]) -> dict[str, Any]:
    row = dict(record)
    row["source"] = dict(record.get("source") or {})
    row["corrections"] = [dict(item) for item in record.get("corrections", [])]
    return row


def get_accident(index_or_archive: Index | Archive, accident: str) -> dict[str, Any]:
    """One accident by id (``A-…``, any case), or NotFound naming it."""
    key = accident.strip()
    if key[:2].lower() == "a-":
        key = "A-" + key[2:].lower()
    record = _index_of(index_or_archive).table(TABLE).record(key)
    if record is None:
        raise NotFound(
            _("档案中没有编号为 {id} 的事故", id=accident),
            _("用 credit accident list 查看事故编号"),
        )
    return _copy(record)


def find_same(index: Index, code: str, day: str, description: str | None = None) -> dict | None:
    """An accident of ``code`` on ``day`` already recorded (with the same description, when
    one is given)."""
    table = index.table(TABLE)
    for key in table.ids():
        record = table.record(key) or {}
        if record.get("credit_code") != code or record.get("date") != day:
            continue
        if description is None or _description_key(record.get("description") or "") == (
            _description_key(description)
        ):
            return record
    return None


def _same_as(index: Index, record: dict[str, Any], day: str, description: str) -> dict | None:
    """Another accident of ``record``'s enterprise on ``day`` with the same description."""
    table = index.table(TABLE)
    for key in sorted(table.ids()):
        other = table.record(key) or {}
        if (
            key != record["id"]
            and other.get("credit_code") == record["credit_code"]
            and other.get("date") == day
            and _description_key(other.get("description") or "") == _description_key(description)
        ):
            return other
    return None


@dossier.section("accidents", order=40)
def _dossier_accidents(archive: Archive, code: str) -> list[dict[str, Any]]:
    return list_accidents(archive, code)


# -- changing ----------------------------------------------------------------------------------


def add_accident(
    archive: Archive,
    code: str,
    *,
    on: date,
    deaths: Any,
    serious_injuries: Any,
    direct_loss: Any,
    liable: bool | None = None,
    concealed: bool = False,
    description: str | None = None,
) -> dict[str, Any]:
    """Record an accident of a registered enterprise; CreditError when the same accident
    (same enterprise, date and description) is already recorded."""
    check_date(on, what=_("事故日期"))
    values = {
        "deaths": check_count(deaths, what=_("死亡人数"), limit=LIMITS["deaths"]),
        "serious_injuries": check_count(
            serious_injuries, what=_("重伤人数"), limit=LIMITS["serious_injuries"]
        ),
        "direct_loss_yuan": parse_amount(direct_loss),
    }
    text = _check_description(description)
    day = on.isoformat()
    with archive.transaction() as tx:
        compact = _registered(tx.index, code, archive)
        identifier = accident_id(compact, day, text)
        same = tx.index.table(TABLE).record(identifier) or find_same(tx.index, compact, day, text)
        if same is not None:
            raise CreditError(
                _(
                    "{code} 在 {date} 的这起事故已登记（编号 {id}），未重复登记",
                    code=compact,
                    date=day,
                    id=same["id"],
                ),
                _(
                    "查看：credit accident show {id}；数值有误请用 credit accident correct",
                    id=same["id"],
                ),
            )
        data = {
            "id": identifier,
            "credit_code": compact,
            "date": day,
            **values,
            "liable": liable,
            "concealed": bool(concealed),
            "description": text,
            "source": {"document": None, "doc_number": None},
        }
        tx.emit("accident.recorded", data)
        return _copy(tx.index.table(TABLE).record(identifier) or {})


def correct_accident(
    archive: Archive, accident: str, changes: dict[str, Any], *, reason: str
) -> dict[str, Any]:
    """Correct fields of a recorded accident with a reason; the old values stay in its
    corrections.  Returns the corrected record; UsageError when nothing would change;
    CreditError naming the other accident when the correction would make it identical
    (enterprise, date and description) to another one."""
    reason = _check_description(reason, _("更正原因")) if reason else ""
    if not reason:
        raise UsageError(_("请用 --reason 写明更正原因"))
    clean: dict[str, Any] = {}
    for key, value in changes.items():
        if value is None:
            continue
        if key not in CORRECTABLE:
            raise UsageError(_("未知字段：{field}", field=key))
        if key == "date":
            clean[key] = check_date(value, what=_("事故日期")).isoformat()
        elif key == "direct_loss_yuan":
            clean[key] = parse_amount(value)
        elif key in ("deaths", "serious_injuries"):
            clean[key] = check_count(value, what=_(AXIS_LABELS[key]), limit=LIMITS[key])
        elif key == "description":
            clean[key] = _check_description(value)
        else:
            clean[key] = value
    if not clean:
        raise UsageError(_("没有要更正的项：用 --deaths、--date 等选项给出正确的值"))
    with archive.transaction() as tx:
        record = get_accident(tx.index, accident)
        diff = {key: value for key, value in clean.items() if record.get(key) != value}
        if not diff:
            raise UsageError(_("事故 {id} 已是这些值，没有变化", id=record["id"]))
        if "date" in diff or "description" in diff:
            day = diff.get("date", record["date"])
            text = diff.get("description", record.get("description") or "")
            other = _same_as(tx.index, record, day, text)
            if other is not None:
                raise CreditError(
                    _(
                        "更正后事故 {id} 将与已登记的事故 {other} 相同（同一单位、日期 {date} "
                        "和事故经过），未更正",
                        id=record["id"],
                        other=other["id"],
                        date=day,
                    ),
                    _(
                        "是同一起事故则不必更正，查看：credit accident show {other}；"
                        "不是同一起，请写明不同的事故经过（--description）",
                        other=other["id"],
                    ),
                )
        tx.emit(
            "accident.corrected",
            {
                "id": record["id"],
                "credit_code": record["credit_code"],
                "changes": diff,
                "reason": reason,
            },
        )
        return _copy(tx.index.table(TABLE).record(record["id"]) or {})


# -- from documents ----------------------------------------------------------------------------


def document_accident(index: Index, data: dict[str, Any]) -> dict[str, Any] | None:
    """The ``accident.recorded`` data for the accident a filed document states, or ``None``:
    the document states no accident date (an old document event, or no accident), names no
    enterprise, or an accident of that enterprise on that date is already recorded."""
    fields = data.get("fields") or {}
    day = fields.get("accident_date")
    codes = data.get("credit_codes") or []
    if not day or not codes:
        return None
    code = codes[0]
    if find_same(index, code, day) is not None:
        return None
    identifier = document_accident_id(data["sha256"])
    if index.table(TABLE).record(identifier) is not None:
        return None
    liable = fields.get("accident_liable")
    if liable is None and data.get("kind") == "penalty_decision":
        liable = True  # a penalty for an accident is a penalty for a liable accident
    return {
        "id": identifier,
        "credit_code": code,
        "date": day,
        "deaths": int(fields.get("deaths") or 0),
        "serious_injuries": int(fields.get("serious_injuries") or 0),
        "direct_loss_yuan": int(fields.get("direct_loss_yuan") or 0),
        "liable": liable,
        "concealed": bool(fields.get("concealed")),
        "description": str(fields.get("accident_description") or ""),
        "source": {"document": data["sha256"], "doc_number": fields.get("doc_number")},
    }


# -- events ------------------------------------------------------------------------------------


def _summary(data: dict[str, Any]) -> str:
    return f"{data.get('credit_code')} {data.get('id')} {data.get('date', '')}".strip()


def _corrected_summary(data: dict[str, Any]) -> str:
    fields = "、".join(data.get("changes", {}))
    return f"{data.get('credit_code')} {data.get('id')} {fields} {data.get('reason', '')}".strip()


def _set_grade(record: dict[str, Any]) -> None:
    record["grade"], record["grade_axis"] = grade(
        record["deaths"], record["serious_injuries"], record["direct_loss_yuan"]
    )


@event("accident.recorded", label=N_("登记事故"), summary=_summary)
def _recorded(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    source = data.get("source") or {}
    record = {
        "id": data["id"],
        "credit_code": data["credit_code"],
        "date": data["date"],
        "deaths": int(data.get("deaths") or 0),
        "serious_injuries": int(data.get("serious_injuries") or 0),
        "direct_loss_yuan": int(data.get("direct_loss_yuan") or 0),
        "liable": data.get("liable"),
        "concealed": bool(data.get("concealed")),
        "description": data.get("description") or "",
        "source": {"document": source.get("document"), "doc_number": source.get("doc_number")},
        "recorded_at": entry["time"],
        "recorded_by": entry["actor"],
        "corrections": [],
    }
    _set_grade(record)
    index.table(TABLE).put(data["id"], record)
    note_event(index, data["credit_code"], entry)


@event("accident.corrected", label=N_("更正事故"), summary=_corrected_summary)
def _corrected(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    record = index.table(TABLE).record(data["id"])
    if record is None:
        from archive.errors import JournalCorrupt

        raise JournalCorrupt(
            _("日志第 {seq} 条更正的事故 {id} 此前未登记", seq=entry["seq"], id=data["id"])
        )
    changes = {}
    for key, value in data["changes"].items():
        changes[key] = {"old": record.get(key), "new": value}
        record[key] = value
    _set_grade(record)
    record["corrections"].append(
        {
            "at": entry["time"],
            "by": entry["actor"],
            "reason": data.get("reason", ""),
            "changes": changes,
        }
    )
    note_event(index, record["credit_code"], entry)
