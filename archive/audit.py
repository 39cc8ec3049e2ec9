"""Checking the journal and reading it back."""

from __future__ import annotations

from typing import Any

from archive.i18n import N_, _, join_items
from archive.index import load_index
from archive.store import Archive


def verify_archive(archive: Archive) -> dict[str, Any]:
    """Walk the journal's chain and compare its head with what the index remembers."""
    try:
        index = load_index(archive.index_path)
    except (ValueError, TypeError, OSError, RecursionError):
        index = None
    report = archive.journal.verify(remember=index.last_seq if index else None)
    result: dict[str, Any] = {
        "ok": report.ok,
        "events": report.events,
        "line": report.line,
        "reason": report.reason,
        "message": report.message,
        "head_hash": report.head_hash,
        "warnings": [],
    }
    if report.torn is not None:
        result["warnings"].append(
            _(
                "日志末尾有 {size} 字节未写完的内容（中断的写入），下次写入时会移到 journal.torn/",
                size=len(report.torn.data),
            )
        )
    if not report.ok:
        return result
    if index is None:
        result["warnings"].append(_("索引文件缺失或损坏；运行 credit reindex 重建"))
        return result
    if index.last_seq > report.events:
        result.update(
            ok=False,
            reason="truncated",
            line=report.events + 1,
            message=_(
                "日志只有 {events} 条，而索引已包含 {seq} 条：日志末尾从第 {line} 行起被删除",
                events=report.events,
                seq=index.last_seq,
                line=report.events + 1,
            ),
        )
        return result
    if index.last_seq and report.remembered_hash != index.head_hash:
        result.update(
            ok=False,
            reason="index_mismatch",
            line=index.last_seq,
            message=_(
                "日志第 {line} 行与索引记录的哈希不符：该行或之前的行被替换",
                line=index.last_seq,
            ),
        )
    return result


# What each event type is called in tables for people.
EVENT_LABELS = {
    "archive.created": N_("建立档案"),
    "enterprise.added": N_("登记"),
    "enterprise.updated": N_("修改"),
    "enterprise.closed": N_("注销"),
    "enterprise.reopened": N_("恢复在册"),
    "serials.reserved": N_("预留编号"),
    "letter.issued": N_("发出文书"),
    "letters.released": N_("释放预留编号"),
    "document.ingested": N_("归档文书"),
    "document.unmatched": N_("文书未匹配"),
}


def event_label(event_type: str) -> str:
    """The translated name of an event type (the type itself when it has none)."""
    label = EVENT_LABELS.get(event_type)
    return _(label) if label else event_type


def summarise(entry: dict[str, Any]) -> str:
    """One short line saying what an event did."""
    data = entry.get("data", {})
    code = data.get("credit_code")
    if entry["type"] == "enterprise.added":
        return f"{code} {data.get('name', '')}"
    if entry["type"] == "enterprise.updated":
        fields = join_items(data.get("changes", {}))
        return f"{code} {fields}"
    if entry["type"] == "enterprise.closed":
        return f"{code} {data.get('date', '')} {data.get('reason', '')}"
    if code:
        return str(code)
    if entry["type"] == "archive.created":
        return str(data.get("bureau", ""))
    return ""


def list_events(
    archive: Archive,
    *,
    event_type: str | None = None,
    code: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Events of the journal, oldest first, filtered; ``limit`` keeps the newest."""
    from archive import uscc
    from archive.errors import UsageError
    from archive.events import known_types

    # A mistyped filter must say so, not look like "no events".
    if event_type and event_type not in known_types():
        raise UsageError(
            _("没有“{value}”这类事件", value=event_type),
            _("可选的事件类型：{allowed}", allowed=join_items(known_types())),
        )
    try:
        wanted_code = uscc.validate(code) if code else None
    except uscc.InvalidCode as exc:
        raise UsageError(_("--code：{message}", message=exc.message), exc.hint) from exc
    rows = []
    for entry in archive.journal.iter_entries():
        if event_type and entry["type"] != event_type:
            continue
        if wanted_code and entry.get("data", {}).get("credit_code") != wanted_code:
            continue
        rows.append(
            {
                "seq": entry["seq"],
                "time": entry["time"],
                "actor": entry["actor"],
                "type": entry["type"],
                "summary": summarise(entry),
                "data": entry["data"],
            }
        )
    if limit:
        rows = rows[-limit:]
    return rows
