"""约谈: the bureau's interviews with an enterprise's principals (programme 三(七) 惩戒).

Owns the ``interviews`` table, keyed ``I-`` + 10 hex of SHA-256 of code|date|reason.  A clerk
records an interview (``credit interview add``); the 约谈通知书 is made by ``credit gen-notice
notice_interview CODE --interview ID``, which fills the template's facts from the record
(:func:`interview_notice_request`).  When that letter is issued, the batch also records
``interview.notified`` with the letter's serial, in the same transaction as ``letter.issued``.
A wrong or missing time, place, attendee list or materials is corrected with a reason
(``credit interview correct``, ``interview.corrected``); the old values stay in ``corrections``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, timedelta
from typing import Any

from archive import dossier, uscc
from archive.enterprises import TABLE as ENTERPRISES
from archive.enterprises import get_enterprise, keep_text, note_event
from archive.errors import CreditError, NotFound, UsageError
from archive.events import event
from archive.i18n import N_, _, join_items
from archive.index import Index
from archive.letters.issue import LetterRequest, format_date, notice_request
from archive.store import Archive
from archive.validation import check_date, check_text

TABLE = "interviews"
TEMPLATE = "notice_interview"
MAX_TEXT = 500
# An interview is planned ahead: its date may lie up to a year after today.
AHEAD = timedelta(days=366)
_TIME = re.compile(r"(?P<hour>\d{1,2})[:：](?P<minute>\d{2})")


def interview_id(code: str, day: str, reason: str) -> str:
    """``I-`` + 10 hex of SHA-256 of code|date|reason (the reason compared without spaces)."""
    key = f"{code}|{day}|{''.join(unicodedata.normalize('NFKC', reason).split())}"
    return "I-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


# -- checking values ---------------------------------------------------------------------------


def check_time(value: str | None) -> str | None:
    """``HH:MM`` (``9:30``, ``09：30`` too) in its standard form, or UsageError."""
    if value is None or not str(value).strip():
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _TIME.fullmatch(text)
    if match is None or int(match["hour"]) > 23 or int(match["minute"]) > 59:
        raise UsageError(
            _("约谈时间 {value} 不是有效的时刻", value=repr(str(value))),
            _("写成 时:分，如 09:30 或 14:00"),
        )
    return f"{int(match['hour']):02d}:{match['minute']}"


def _text(value: str | None, what: str, *, required: bool = False) -> str | None:
    if value is None or not keep_text(value):
        if required:
            raise UsageError(_("{what} 不能为空", what=what))
        return None
    text = check_text(keep_text(value), what=what)
    if len(text) > MAX_TEXT:
        raise UsageError(_("{what} 超过 {limit} 个字符", what=what, limit=MAX_TEXT))
    return text


def split_attendees(values: list[str] | tuple[str, ...] | str) -> list[str]:
    """Attendees given one per option or separated by ；;、, in order, each once.

    >>> split_attendees(["张三（法定代表人）；李四", "王五、张三（法定代表人）"])
    ['张三（法定代表人）', '李四', '王五']
    """
    items = [values] if isinstance(values, str) else list(values)
    found: list[str] = []
    for item in items:
        for part in re.split(r"[；;、\n]", item):
            name = keep_text(part)
            if name and name not in found:
                found.append(check_text(name, what=_("参加人员")))
    return found


# -- reading -----------------------------------------------------------------------------------


def _index_of(index_or_archive: Index | Archive) -> Index:
    if isinstance(index_or_archive, Archive):
        return index_or_archive.index()
    return index_or_archive


def _copy(record: dict[str, Any]) -> dict[str, Any]:
    row = {**record, "attendees": list(record.get("attendees", []))}
    if "corrections" in record:
        row["corrections"] = [dict(item) for item in record["corrections"]]
    return row


def list_interviews(
    index_or_archive: Index | Archive, code: str | None = None
) -> list[dict[str, Any]]:
    """Interviews (of one enterprise, or all), by date, time and id."""
    table = _index_of(index_or_archive).table(TABLE)
    wanted = uscc.compact(code) if code else None
    rows = [_copy(table.record(key) or {}) for key in table.ids()]
    if wanted:
        rows = [row for row in rows if row.get("credit_code") == wanted]
    return sorted(rows, key=lambda row: (row["date"], row.get("time") or "", row["id"]))


def find_interviews(archive: Archive, code: str | None = None) -> list[dict[str, Any]]:
    """:func:`list_interviews` for a clerk: a code the register does not know is NotFound."""
    if code:
        get_enterprise(archive, code)
    return list_interviews(archive, code)


def get_interview(index_or_archive: Index | Archive, interview: str) -> dict[str, Any]:
    """One interview by id (``I-…``, any case), or NotFound naming it."""
    key = interview.strip()
    if key[:2].lower() == "i-":
        key = "I-" + key[2:].lower()
    record = _index_of(index_or_archive).table(TABLE).record(key)
    if record is None:
        raise NotFound(
            _("档案中没有编号为 {id} 的约谈", id=interview),
            _("用 credit interview list 查看约谈编号"),
        )
    return _copy(record)


@dossier.section("interviews", order=45)
def _dossier_interviews(archive: Archive, code: str) -> list[dict[str, Any]]:
    return list_interviews(archive, code)


# -- changing ----------------------------------------------------------------------------------


def add_interview(
    archive: Archive,
    code: str,
    *,
    on: date,
    reason: str,
    attendees: list[str] | tuple[str, ...] | str,
    time: str | None = None,
    place: str | None = None,
    materials: str | None = None,
) -> dict[str, Any]:
    """Record an interview with a registered enterprise; CreditError when the same interview
    (enterprise, date and reason) is already recorded."""
    check_date(on, what=_("约谈日期"), latest=date.today() + AHEAD)
    clean_reason = _text(reason, _("约谈事由"), required=True)
    assert clean_reason is not None
    people = split_attendees(attendees)
    if not people:
        raise UsageError(
            _("请用 --attendees 写明参加人员"),
            _("可重复给出，或用分号分隔，如 --attendees '张三（法定代表人）；李四（安全负责人）'"),
        )
    values = {
        "date": on.isoformat(),
        "time": check_time(time),
        "place": _text(place, _("约谈地点")),
        "reason": clean_reason,
        "attendees": people,
        "materials": _text(materials, _("需携带材料")),
    }
    with archive.transaction() as tx:
        compact = uscc.compact(code)
        if tx.index.table(ENTERPRISES).record(compact) is None:
            get_enterprise(archive, compact)  # NotFound, exit 1, as every command
        identifier = interview_id(compact, values["date"], clean_reason)
        same = tx.index.table(TABLE).record(identifier)
        if same is not None:
            raise CreditError(
                _(
                    "{code} 在 {date} 因同一事由的约谈已登记（编号 {id}），未重复登记",
                    code=compact,
                    date=values["date"],
                    id=identifier,
                ),
                _("查看：credit interview show {id}", id=identifier),
            )
        tx.emit("interview.recorded", {"id": identifier, "credit_code": compact, **values})
        return _copy(tx.index.table(TABLE).record(identifier) or {})


# What a correction may change (the date and the 事由 make the interview's id: a different
# interview is recorded anew).
CORRECTABLE = ("time", "place", "attendees", "materials")
# Facts of the 约谈通知书 an interview may lack: (fact, the option that gives it, its name).
NOTICE_FACTS = (
    ("interview_place", "place", N_("约谈地点")),
    ("materials", "materials", N_("需携带材料")),
)


def missing_notice_facts(record: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The facts of the 约谈通知书 the interview does not give yet, as (fact, option, name):
    ``gen-notice`` would refuse the notice without them (or a ``--fact``)."""
    return [item for item in NOTICE_FACTS if not record.get(item[1])]


def correct_interview(
    archive: Archive, interview: str, changes: dict[str, Any], *, reason: str
) -> dict[str, Any]:
    """Correct (or complete) the time, place, attendees or materials of a recorded interview,
    with a reason; the old values stay in its ``corrections``.  UsageError when nothing would
    change.  A notice issued already is not changed: the record keeps its serial."""
    reason = _text(reason, _("更正原因"), required=True) or ""
    clean: dict[str, Any] = {}
    for key, value in changes.items():
        if value is None or value == () or value == []:
            continue
        if key not in CORRECTABLE:
            raise UsageError(_("未知字段：{field}", field=key))
        if key == "time":
            clean[key] = check_time(value)
        elif key == "attendees":
            clean[key] = split_attendees(value)
        elif key == "place":
            clean[key] = _text(value, _("约谈地点"))
        else:
            clean[key] = _text(value, _("需携带材料"))
        if clean[key] in (None, []):
            raise UsageError(_("{what} 不能为空", what=f"--{key}"))
    if not clean:
        raise UsageError(
            _("没有要更正的项：用 --place、--time、--materials 或 --attendees 给出正确的值")
        )
    with archive.transaction() as tx:
        record = get_interview(tx.index, interview)
        diff = {key: value for key, value in clean.items() if record.get(key) != value}
        if not diff:
            raise UsageError(_("约谈 {id} 已是这些值，没有变化", id=record["id"]))
        tx.emit(
            "interview.corrected",
            {
                "id": record["id"],
                "credit_code": record["credit_code"],
                "changes": diff,
                "reason": reason,
            },
        )
        return _copy(tx.index.table(TABLE).record(record["id"]) or {})


def interview_facts(record: dict[str, Any]) -> dict[str, Any]:
    """The facts of the 约谈通知书 an interview gives (a fact it lacks is left out)."""
    day = date.fromisoformat(record["date"])
    when = format_date(day)
    if record.get("time"):
        hour, minute = record["time"].split(":")
        when += _("{hour}时{minute}分", hour=int(hour), minute=minute)
    facts: dict[str, Any] = {
        "interview_time": when,
        "attendees": join_items(record.get("attendees", [])),
        "topics": record["reason"],
    }
    if record.get("place"):
        facts["interview_place"] = record["place"]
    if record.get("materials"):
        facts["materials"] = record["materials"]
    return facts


def interview_notice_request(
    archive: Archive,
    template: str,
    code: str | None,
    interview: str,
    *,
    facts: dict[str, Any],
    year: int,
) -> LetterRequest:
    """The 约谈通知书 for a recorded interview: its facts from the record, the ``facts`` given
    explicitly winning; issuing it records ``interview.notified`` with the letter's serial."""
    if template != TEMPLATE:
        raise UsageError(
            _("--interview 只用于约谈通知书（{template}）", template=TEMPLATE),
            _("例如：credit gen-notice {template} 代码 --interview I-…", template=TEMPLATE),
        )
    record = get_interview(archive, interview)
    if code and uscc.compact(code) != record["credit_code"]:
        raise UsageError(
            _(
                "约谈 {id} 是 {owner} 的，不是 {code} 的",
                id=record["id"],
                owner=record["credit_code"],
                code=uscc.compact(code),
            ),
            _("省略代码，或给出约谈所属单位的代码"),
        )
    request = notice_request(
        archive,
        template,
        credit_code=record["credit_code"],
        facts={**interview_facts(record), **facts},
        year=year,
    )
    request.follow_ups.append(
        ("interview.notified", {"id": record["id"], "credit_code": record["credit_code"]})
    )
    return request


# -- events ------------------------------------------------------------------------------------


def _summary(data: dict[str, Any]) -> str:
    return f"{data.get('credit_code')} {data.get('id')} {data.get('date', '')}".strip()


def _notified_summary(data: dict[str, Any]) -> str:
    return f"{data.get('credit_code')} {data.get('id')} {data.get('serial', '')}".strip()


@event("interview.recorded", label=N_("登记约谈"), summary=_summary)
def _recorded(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    index.table(TABLE).put(
        data["id"],
        {
            "id": data["id"],
            "credit_code": data["credit_code"],
            "date": data["date"],
            "time": data.get("time"),
            "place": data.get("place"),
            "reason": data["reason"],
            "attendees": list(data.get("attendees", [])),
            "materials": data.get("materials"),
            "notice": None,
            "recorded_at": entry["time"],
            "recorded_by": entry["actor"],
        },
    )
    note_event(index, data["credit_code"], entry)


def _corrected_summary(data: dict[str, Any]) -> str:
    fields = "、".join(data.get("changes", {}))
    return f"{data.get('credit_code')} {data.get('id')} {fields} {data.get('reason', '')}".strip()


@event("interview.corrected", label=N_("更正约谈"), summary=_corrected_summary)
def _corrected(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    record = index.table(TABLE).record(data["id"])
    if record is None:
        from archive.errors import JournalCorrupt

        raise JournalCorrupt(
            _("日志第 {seq} 条更正的约谈 {id} 此前未登记", seq=entry["seq"], id=data["id"])
        )
    changes = {}
    for key, value in data["changes"].items():
        changes[key] = {"old": record.get(key), "new": value}
        record[key] = list(value) if isinstance(value, list) else value
    record.setdefault("corrections", []).append(
        {
            "at": entry["time"],
            "by": entry["actor"],
            "reason": data.get("reason", ""),
            "changes": changes,
        }
    )
    note_event(index, record["credit_code"], entry)


@event("interview.notified", label=N_("发出约谈通知书"), summary=_notified_summary)
def _notified(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    record = index.table(TABLE).record(data["id"])
    if record is not None:
        record["notice"] = data["serial"]
        record["notified_at"] = entry["time"]
