"""Checking the journal and reading it back."""

from __future__ import annotations

from typing import Any

from archive import events
from archive.errors import CreditError
from archive.i18n import N_, _, join_items
from archive.index import Index, PartBad, PartSource, part_file
from archive.journal import VerifyReport
from archive.store import Archive, HeadFile, part_problem


def verify_archive(archive: Archive) -> dict[str, Any]:
    """Check the archive: walk the journal's chain, then compare the index with a rebuild.

    The journal is read once: its checked events rebuild the index in memory, and the index's
    parts on disk (brought up to date with any newer events) must equal that rebuild, record
    for record, every part checked against the hash its head gives.  A hand-edited index is
    caught whatever its journal position says, and the records that differ are named.
    ``summary`` is the one sentence to show; ``ok`` is false for a problem in the journal or in
    the index (``reason`` says which, ``message`` what).  A missing index is not a problem: the
    next open rebuilds it from the journal.
    """
    found = archive.read_head()
    index = None
    if found.state == "written" and found.head is not None:
        index = Index(PartSource(archive.parts_dir, found.head.parts), found.head.meta)
    report = archive.journal.verify(remember=index.last_seq if index else None, collect=True)
    result: dict[str, Any] = {
        "ok": report.ok,
        "events": report.events,
        "line": report.line,
        "reason": report.reason,
        "message": report.message,
        "hint": None,
        "head_hash": report.head_hash,
        "index": {"state": "not_checked", "behind": 0, "differences": []},
        "summary": "",
        "warnings": [],
    }
    if report.torn is not None:
        result["warnings"].append(
            _(
                "日志末尾有 {size} 字节未写完的内容（中断的写入），下次写入时会移到 journal.torn/",
                size=len(report.torn.data),
            )
        )
    if report.ok and index is not None:
        _check_journal_against_index(result, report, index)
    rebuilt = None
    if result["ok"]:
        rebuilt = _rebuild(result, report.entries or [])
    if not result["ok"]:
        result["summary"] = _("日志有问题：{message}", message=result["message"])
        result["hint"] = _("从备份恢复日志（journal.jsonl）后再运行 credit audit verify")
        return result
    assert rebuilt is not None
    _compare_index(archive, result, found, rebuilt, report.entries or [])
    _warn_leftover_files(archive, result, rebuilt)
    return result


def _warn_leftover_files(archive: Archive, result: dict[str, Any], rebuilt: Index) -> None:
    """A warning (not a failure) naming files in ``files/`` that no event records: partial
    copies and uncommitted copies of a killed ingest.  The next ``credit ingest`` removes the
    partial copies whose process is gone; a whole copy is reused when its file is ingested."""
    from archive.ingest import leftover_files

    leftover = leftover_files(archive, rebuilt)
    result["leftover_files"] = leftover
    if leftover:
        shown = leftover[:10]
        result["warnings"].append(
            _(
                "档案中有 {count} 个文件没有任何日志事件记录（中断的归档留下的）：{files}",
                count=len(leftover),
                files=join_items(shown) + ("…" if len(leftover) > len(shown) else ""),
            )
        )


def _check_journal_against_index(
    result: dict[str, Any], report: VerifyReport, index: Index
) -> None:
    """What only the index (a file credit wrote) can show: a cut or rewritten journal end."""
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
    elif index.last_seq and report.remembered_hash != index.head_hash:
        result.update(
            ok=False,
            reason="index_mismatch",
            line=index.last_seq,
            message=_(
                "日志第 {line} 行与索引记录的哈希不符：该行或之前的行被替换",
                line=index.last_seq,
            ),
        )


def _rebuild(result: dict[str, Any], entries: list[tuple[dict[str, Any], int]]) -> Index | None:
    """The index the journal's checked events give, or ``None`` (and a problem) if one cannot
    be applied."""
    rebuilt = Index()
    if not _apply(rebuilt, entries, result):
        return None
    return rebuilt


def _apply(
    index: Index, entries: list[tuple[dict[str, Any], int]], result: dict[str, Any] | None
) -> bool:
    """Apply ``entries`` to ``index``; on an event that cannot be applied, note it in ``result``."""
    for entry, end in entries:
        try:
            events.apply(index, entry)
        except (CreditError, KeyError, TypeError, ValueError) as exc:
            if result is not None:
                result.update(
                    ok=False,
                    reason="replay",
                    line=entry["seq"],
                    message=_(
                        "第 {line} 行的事件无法应用：{error}",
                        line=entry["seq"],
                        error=getattr(exc, "message", None) or repr(exc),
                    ),
                )
            return False
        index.advance(entry["seq"], entry["hash"], end)
    return True


def _compare_index(
    archive: Archive,
    result: dict[str, Any],
    found: HeadFile,
    rebuilt: Index,
    entries: list[tuple[dict[str, Any], int]],
) -> None:
    count = result["events"]
    state = result["index"]
    waiting = {  # no index to compare: the next command builds it from the journal
        "old": (
            N_(
                "日志完好：共 {count} 条事件，哈希链连续；索引为旧版格式（{path}），"
                "下次运行任一命令或 credit reindex 时升级为分片索引。"
            ),
            archive.root / "index.json",
        ),
        "missing": (
            N_(
                "日志完好：共 {count} 条事件，哈希链连续；索引 {path} 不存在，"
                "下次打开档案时会根据日志重建。"
            ),
            archive.index_dir,
        ),
        "relayout": (
            N_(
                "日志完好：共 {count} 条事件，哈希链连续；索引 {path} 由分片方式不同的另一版本 "
                "credit 写入，下次打开档案时会根据日志重建。"
            ),
            archive.index_dir,
        ),
    }
    if found.state in waiting:
        summary, path = waiting[found.state]
        state["state"] = found.state
        result["summary"] = _(summary, count=count, path=path)
        return
    if found.head is None:  # damaged
        state["state"] = "damaged"
        problem = _(
            "索引的头文件 {path} 已损坏或被改动（{error}）",
            path=archive.head_path,
            error=found.error,
        )
        _index_problem(result, "index_damaged", problem)
        return
    source = PartSource(archive.parts_dir, found.head.parts, verify=False)
    index = Index(source, found.head.meta)
    try:
        index.load_all()
    except PartBad as bad:
        state["state"] = "damaged"
        problem = _(
            "索引分片 {part}（{path}）不可用：{reason}",
            part=bad.part,
            path=archive.parts_dir / part_file(bad.part, found.head.parts[bad.part]),
            reason=part_problem(bad),
        )
        _index_problem(result, "index_damaged", problem)
        return
    written = index.last_seq
    # Bring the index up to date with newer events, where it fits the journal at all.
    fits = written <= count and (written == 0 or entries[written - 1][0]["hash"] == index.head_hash)
    if fits and not _apply(index, entries[written:], None):
        fits = False
    differences = _differences(rebuilt, index)
    if differences:
        state.update(state="differs", differences=differences)
        problem = _(
            "索引 {path} 与根据日志重建的索引不一致：{details}",
            path=archive.index_dir,
            details=_describe(differences),
        )
        _index_problem(result, "index_differs", problem)
        return
    state.update(state="consistent", behind=count - written)
    if source.altered:
        result["warnings"].append(
            _(
                "索引分片 {parts} 与索引头记录的哈希不符，但内容与日志一致；下次写入时会重写",
                parts=join_items(source.altered),
            )
        )
    if count > written:
        result["summary"] = _(
            "日志完好：共 {count} 条事件，哈希链连续；索引与日志一致，"
            "只是还没有最后 {behind} 条事件，下次写入时补上。",
            count=count,
            behind=count - written,
        )
    else:
        result["summary"] = _(
            "日志完好：共 {count} 条事件，哈希链连续；索引与日志一致。", count=count
        )


def _index_problem(result: dict[str, Any], reason: str, problem: str) -> None:
    result.update(
        ok=False,
        reason=reason,
        message=problem,
        summary=_(
            "日志完好：共 {count} 条事件，哈希链连续；但{problem}。",
            count=result["events"],
            problem=problem,
        ),
        hint=_("运行 credit reindex 根据日志重建索引（命令读到不可用的分片时也会重建并写回）"),
    )


def _differences(rebuilt: Index, index: Index) -> list[dict[str, Any]]:
    """Records of ``index`` that differ from ``rebuilt`` (the journal's view), table by table."""
    expected, actual = _tables(rebuilt), _tables(index)
    if expected == actual:
        return []
    found: list[dict[str, Any]] = []
    for table in sorted(set(expected) | set(actual)):
        want, have = expected.get(table, {}), actual.get(table, {})
        if want == have:
            continue
        for key in sorted(set(want) | set(have)):
            if key not in have:
                found.append({"table": table, "key": key, "change": "missing", "fields": []})
            elif key not in want:
                found.append({"table": table, "key": key, "change": "extra", "fields": []})
            elif want[key] != have[key]:
                fields = _changed_fields(want[key], have[key])
                found.append({"table": table, "key": key, "change": "changed", "fields": fields})
    return found


def _tables(index: Index) -> dict[str, Any]:
    """Every part's records by part name (``documents~3f``), and the journal position."""
    index.settle()
    parts: dict[str, Any] = {part: records for part, records in index.parts.items() if records}
    parts["_meta"] = {"index": dict(index.meta)}
    return parts


def _changed_fields(want: Any, have: Any) -> list[str]:
    if not (isinstance(want, dict) and isinstance(have, dict)):
        return []
    return sorted(key for key in set(want) | set(have) if want.get(key) != have.get(key))


def _describe(differences: list[dict[str, Any]], shown: int = 5) -> str:
    parts = []
    for item in differences[:shown]:
        if item["change"] == "missing":
            parts.append(_("{table} 中缺少 {key}", table=item["table"], key=item["key"]))
        elif item["change"] == "extra":
            parts.append(_("{table} 中多出 {key}", table=item["table"], key=item["key"]))
        elif item["fields"]:
            parts.append(
                _(
                    "{table} 中 {key} 的 {fields} 不同",
                    table=item["table"],
                    key=item["key"],
                    fields=join_items(item["fields"]),
                )
            )
        else:
            parts.append(_("{table} 中 {key} 不同", table=item["table"], key=item["key"]))
    text = _("；").join(parts)
    if len(differences) > shown:
        text = _("{details} 等共 {count} 处", details=text, count=len(differences))
    return text


def event_label(event_type: str) -> str:
    """The translated name of an event type (the type itself when it has none)."""
    return events.label(event_type)


def summarise(entry: dict[str, Any]) -> str:
    """One short line saying what an event did (as its type declares)."""
    return events.summarise(entry)


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

    # A mistyped filter must say so, not look like "no events".
    if event_type and event_type not in events.known_types():
        raise UsageError(
            _("没有“{value}”这类事件", value=event_type),
            _("可选的事件类型：{allowed}", allowed=join_items(events.known_types())),
        )
    try:
        wanted_code = uscc.validate(code) if code else None
    except uscc.InvalidCode as exc:
        raise UsageError(_("--code：{message}", message=exc.message), exc.hint) from exc
    rows = []
    for entry in archive.journal.iter_entries():
        if event_type and entry["type"] != event_type:
            continue
        if wanted_code and not _concerns(entry.get("data", {}), wanted_code):
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


def _concerns(data: dict[str, Any], code: str) -> bool:
    """Whether an event's data is about the enterprise ``code`` (a document may name several)."""
    return data.get("credit_code") == code or code in (data.get("credit_codes") or ())
