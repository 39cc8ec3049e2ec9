"""credit blacklist list / propose / advance / remove / expiring / show / correct"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from archive.errors import ExitCode
from archive.i18n import N_, _, get_language
from cli.base import Command, DateType, Group, XlsxPath, get_env, option
from cli.output import dumps, info, output_options, render_object, render_rows

STAGES = ("collect", "notify", "exchange", "publish", "remove")
STATUSES = ("in_progress", "listed", "removed", "withdrawn", "due", "overdue")
MAX_WITHIN = 3660  # archive.blacklist.MAX_WITHIN (not imported: help must stay light)

LIST_COLUMNS = [
    ("id", N_("条目编号")),
    ("credit_code", N_("统一社会信用代码")),
    ("name", N_("单位名称")),
    ("criterion_label", N_("情形")),
    ("status_label", N_("状态")),
    ("stage_label", N_("当前阶段")),
    ("stage_date", N_("阶段日期")),
    ("next_label", N_("下一阶段")),
    ("next_deadline", N_("期限")),
    ("due_label", N_("提醒")),
    ("term_label", N_("管理期限")),
    ("listed_on", N_("列入日期")),
    ("ends_on_label", N_("届满日期")),
]
EXPIRING_COLUMNS = [("why_label", N_("事由")), *LIST_COLUMNS]
SHOW_FIELDS = [
    ("id", N_("条目编号")),
    ("credit_code", N_("统一社会信用代码")),
    ("name", N_("单位名称")),
    ("criterion_label", N_("情形")),
    ("criterion_text", N_("情形原文")),
    ("rule_label", N_("规则")),
    ("basis_text", N_("依据记录")),
    ("evidence_text", N_("证据")),
    ("evidence_note", N_("认定说明")),
    ("regime_text", N_("规则体系")),
    ("status_label", N_("状态")),
    ("stage_label", N_("当前阶段")),
    ("next_label", N_("下一阶段")),
    ("next_deadline", N_("期限")),
    ("due_label", N_("提醒")),
    ("term_label", N_("管理期限")),
    ("term_reason_text", N_("期限依据")),
    ("listed_on", N_("列入日期")),
    ("ends_on_label", N_("届满日期")),
    ("removed_on", N_("移出/撤回日期")),
    ("removal_reason", N_("移出/撤回理由")),
    ("early", N_("提前移出")),
    ("corrections_text", N_("更正")),
]
STAGE_COLUMNS = [
    ("stage_label", N_("阶段")),
    ("date", N_("日期")),
    ("actor", N_("经办人")),
    ("deadline", N_("期限")),
    ("late_label", N_("逾期")),
    ("notice", N_("文书编号")),
    ("file", N_("文件")),
    ("reason", N_("理由")),
]
PROPOSE_COLUMNS = [
    ("action_label", N_("结果")),
    ("id", N_("条目编号")),
    ("credit_code", N_("统一社会信用代码")),
    ("criterion", N_("情形")),
    ("basis", N_("依据记录")),
    ("term_years", N_("管理期限（年）")),
    ("reason", N_("说明")),
]
RULE_LABELS = {"records": N_("由已确认的不良信用记录提出"), "manual": N_("经办人提出")}
ACTIONS = {
    "proposed": N_("提出"),
    "exists": N_("已有"),
    "skipped": N_("未提出"),
    "removal_due": N_("应移出"),
    "removal_pending": N_("届满待定"),
}
WHY = {
    "overdue": N_("阶段逾期"),
    "due_for_removal": N_("期满应移出"),
    "removal_pending": N_("届满待定"),
    "term_ending": N_("即将期满"),
    "deadline_near": N_("期限将到"),
}


def _day(value: datetime | None) -> date:
    return value.date() if value else date.today()


def _stage_label(entry: dict[str, Any], key: str | None) -> str:
    from archive.blacklist import STAGE_LABELS

    if not key:
        return ""
    if get_language() == "zh":
        for stage in entry.get("plan", {}).get("stages", []):
            if stage["stage"] == key and stage.get("label"):
                return str(stage["label"])
    return _(STAGE_LABELS.get(key, key))


def _decorate(row: dict[str, Any]) -> dict[str, Any]:
    """Labels for people beside the library's row (JSON keeps the row's own keys too)."""
    from archive.blacklist import STATUS_LABELS, term_reason_text

    row = dict(row)
    row["criterion_label"] = f"{row['criterion']} {row.get('criterion_short') or ''}".strip()
    row["status_label"] = _(STATUS_LABELS.get(row["status"], row["status"]))
    row["rule_label"] = (
        _(RULE_LABELS[row["rule"]]) if row.get("rule") in RULE_LABELS else row.get("rule")
    )
    row["stage_label"] = _stage_label(row, row["stage"])
    row["stage_date"] = row["stages"][-1]["date"] if row.get("stages") else None
    row["next_label"] = _stage_label(row, row.get("next_stage"))
    row["term_label"] = _("{years} 年", years=row["term_years"])
    row["term_reason_text"] = term_reason_text(row)
    marks = []
    if row.get("due_for_removal"):
        marks.append(_("期满应移出"))
    if row.get("overdue") and row.get("days_overdue") is None:
        year = row.get("days_overdue_year_missing")
        marks.append(_("逾期（天数待定，缺 {year} 年数据）", year=year))
    elif row.get("overdue"):
        marks.append(_("逾期 {days} 天", days=row.get("days_overdue", 0)))
    if row.get("removal_pending_year"):
        marks.append(_("届满待定（缺 {year} 年数据）", year=row["removal_pending_year"]))
    if row.get("calendar_gap"):
        marks.append(_("期限无法计算（缺节假日数据）"))
    elif row.get("next_deadline_year_missing"):
        marks.append(
            _("未到期，期限待定（缺 {year} 年数据）", year=row["next_deadline_year_missing"])
        )
    row["ends_on_label"] = row.get("ends_on")
    if row.get("ends_on") and row.get("ends_on_provisional"):
        row["ends_on_label"] = _("{date}（顺延待定）", date=row["ends_on"])
    row["due_label"] = _("；").join(marks)
    row["basis_text"] = "、".join(row.get("basis") or [])
    row["evidence_text"] = "、".join(
        str(
            item.get("doc_number")
            or item.get("note")
            or item.get("document")
            or item.get("accident")
            or item.get("record")
        )
        for item in row.get("evidence") or []
    )
    regime = row.get("regime") or {}
    row["regime_text"] = f"{regime.get('id', '')} {regime.get('version', '')}".strip()
    row["corrections_text"] = _("；").join(
        f"{item['at'][:10]} {item['by']}：{item['reason']}" for item in row.get("corrections", [])
    )
    if "why" in row:
        row["why_label"] = _(WHY.get(row["why"], row["why"]))
    return row


def show_in_dossier(env: Any, rows: list[dict[str, Any]]) -> None:
    """The blacklist entries of one enterprise, in ``credit enterprise show``."""
    columns = [column for column in LIST_COLUMNS if column[0] not in ("credit_code", "name")]
    render_rows(env, [_decorate(row) for row in rows], columns, "table", title=_("黑名单"))


@click.group(cls=Group)
def blacklist() -> None:
    """安全生产诚信“黑名单”：提出、推进各阶段、移出、到期提醒。

    条目以已确认的不良信用记录为主要依据，按规则体系的程序推进：信息采集 → 信息告知
    （生成告知书）→ 信息交换 → 信息公布（管理期限从这天起算）→ 信息移出（生成移出通知书）。

    \b
    示例：
      credit blacklist propose --as-of 2026-12-01
      credit blacklist advance B-1a2b3c4d5e6f --date 2026-11-30
      credit blacklist expiring --within 30
    """


@blacklist.command(name="list", cls=Command)
@click.argument("code", required=False)
@option(
    "--status",
    type=click.Choice(STATUSES),
    help="只列出这种状态：in_progress 办理中、listed 已列入、removed 已移出、withdrawn 已撤回、"
    "due 期满应移出（含缺节假日数据而届满待定的）、overdue 阶段逾期。",
)
@option("--as-of", type=DateType(), help="按这一天判断期限和逾期（默认今天）。")
@output_options
def list_(code: str | None, status: str | None, as_of: datetime | None, fmt: str) -> None:
    """列出黑名单条目：当前阶段及日期、下一阶段的期限、逾期标记、管理期限和届满日期。

    \b
    示例：
      credit blacklist list
      credit blacklist list 91431127MA4L8R2K77 --json
      credit blacklist list --status overdue --as-of 2026-12-01
    """
    from archive.blacklist import list_entries

    env = get_env()
    archive = env.open_archive()
    rows = [_decorate(row) for row in list_entries(archive, code, _day(as_of), status=status)]
    render_rows(env, rows, LIST_COLUMNS, fmt, empty=_("没有黑名单条目"))


@blacklist.command(cls=Command)
@click.argument("entry_id", metavar="ID")
@option("--as-of", type=DateType(), help="按这一天判断期限和逾期（默认今天）。")
@output_options
def show(entry_id: str, as_of: datetime | None, fmt: str) -> None:
    """显示一个条目：情形、依据和证据、规则体系、每个阶段的日期/经办人/期限/文书、期限和更正。

    \b
    示例：
      credit blacklist show B-1a2b3c4d5e6f
      credit blacklist show B-1a2b3c4d5e6f --json
    """
    from archive.blacklist import show_entry

    env = get_env()
    archive = env.open_archive()
    row = _decorate(show_entry(archive, entry_id, _day(as_of)))
    if fmt != "table":
        render_object(env, row, SHOW_FIELDS, fmt)
        return
    render_object(env, row, SHOW_FIELDS, fmt)
    stages = []
    for stage in row["stages"]:
        stages.append(
            {
                **stage,
                "stage_label": _stage_label(row, stage["stage"]),
                "late_label": _("逾期") if stage.get("late") else "",
            }
        )
    render_rows(env, stages, STAGE_COLUMNS, "table")


@blacklist.command(cls=Command)
@click.argument("code", required=False)
@option("--criterion", metavar="N", help="黑名单情形的编号（手工提出时必填）。")
@option(
    "--record",
    "records",
    multiple=True,
    metavar="ID",
    help="作为依据的已确认不良信用记录编号（手工提出）；可重复。",
)
@option(
    "--evidence-note",
    metavar="TEXT",
    help="“其他”情形没有记录可依时，写明认定的事实和依据（国家2023规则不可用）。",
)
@option("--as-of", type=DateType(), help="提出日期，也是信息采集阶段的日期（默认今天）。")
@option("--dry-run", is_flag=True, help="只显示将提出的条目，不写入档案。")
@output_options
def propose(
    code: str | None,
    criterion: str | None,
    records: tuple[str, ...],
    evidence_note: str | None,
    as_of: datetime | None,
    dry_run: bool,
    fmt: str,
) -> None:
    """根据已确认的不良信用记录提出列入黑名单（信息采集），并列出期满应移出的条目。

    自动检查提出了新条目、或有期满应移出的条目时退出码为 10（需要处理）。不给 --record 时，自动检查（某一单位或全部单位）规则窗口内已确认的记录：每个单位每项
    黑名单情形提出一个条目。该情形已有办理中或已列入的条目时不再提出；已是某一办理中或
    已列入条目依据的记录不再用于另一条目；运行两次不会重复。记录的情形编号属于作出它的规则
    体系：其他规则体系下的记录按其规则换算为当前规则体系的情形，手工认定的不自动换算。
    给出代码、--criterion 和 --record 时为手工提出。国家2023规则要求依据中有行政处罚决定书。

    \b
    示例：
      credit blacklist propose --dry-run
      credit blacklist propose 91431127MA4L8R2K77 --criterion 1 --record R-0123456789ab
      credit blacklist propose 91431127MA4L8R2K77 --criterion 5 --evidence-note 经认定…
    """
    from archive.blacklist import propose as propose_entries

    env = get_env()
    archive = env.open_archive()
    found = propose_entries(
        archive,
        code,
        as_of=_day(as_of),
        criterion=criterion,
        records=list(records),
        evidence_note=evidence_note,
        dry_run=dry_run,
    )
    rows = []
    for proposal in found:
        row = proposal.as_dict()
        row["action_label"] = _(ACTIONS.get(row["action"], row["action"]))
        rows.append(row)
    render_rows(env, rows, PROPOSE_COLUMNS, fmt, empty=_("没有可提出的条目"))
    if fmt == "table":
        count = sum(1 for proposal in found if proposal.action == "proposed")
        if dry_run:
            info(env, _("试运行：将提出 {count} 个条目，未写入档案", count=count))
        else:
            info(env, _("已提出 {count} 个条目", count=count))
    # New entries found by the check, and terms that ended, wait for a clerk: exit 10, as
    # `record propose` does.  A clerk's own proposal (--record, --evidence-note) is not a finding.
    from archive.report import exit_code_for

    manual = bool(records or evidence_note)
    findings = sum(
        1
        for proposal in found
        if proposal.action in ("removal_due", "removal_pending")
        or (proposal.action == "proposed" and not manual)
    )
    code = exit_code_for(0, findings)
    if code:
        click.get_current_context().exit(int(code))


def _done(env: Any, entry: dict[str, Any], message: str, fmt: str) -> None:
    if fmt in ("json", "nl"):
        click.echo(dumps(entry, indent=2 if fmt == "json" else None), file=env.stdout)
    info(env, message)


@blacklist.command(cls=Command)
@click.argument("entry_id", metavar="ID")
@option(
    "--to",
    "to_stage",
    type=click.Choice(STAGES),
    help="要到的阶段（只能是下一阶段；不给即下一阶段）。",
)
@option("--date", "day", type=DateType(), help="该阶段的日期（默认今天；不能晚于今天）。")
@option("--reason", metavar="TEXT", help="说明（移出、--statement-done 时必填）。")
@option(
    "--statement-done",
    is_flag=True,
    help="陈述申辩期限届满前推进：单位已书面放弃或已提出陈述申辩（须加 --reason 写明）。",
)
@option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="告知书/通知书的输出文件夹（默认 档案/out/日期）。",
)
@option("--json", "fmt", flag_value="json", help="以 JSON 输出推进后的条目。")
@option("--table", "fmt", flag_value="table", default=True, hidden=True)
def advance(
    entry_id: str,
    to_stage: str | None,
    day: datetime | None,
    reason: str | None,
    statement_done: bool,
    out_dir: Path | None,
    fmt: str,
) -> None:
    """把条目推进到下一阶段；到信息告知时生成告知书，到信息移出时生成移出通知书。

    不能跳过阶段，也不能回到前一阶段。期限按规则体系从上一阶段的日期起算（工作日按节假日
    安排）。告知书所写的陈述申辩期限届满前不能推进过信息告知阶段（退出码 1），除非单位已
    书面放弃或已提出陈述申辩：加 --statement-done 和 --reason，记入该阶段。两位经办人同时
    推进同一条目时，只有一人成功，另一人会被告知。

    \b
    示例：
      credit blacklist advance B-1a2b3c4d5e6f --date 2026-11-30
      credit blacklist advance B-1a2b3c4d5e6f --to exchange --reason 已推送信用信息平台
      credit blacklist advance B-1a2b3c4d5e6f --statement-done --reason 单位书面放弃陈述申辩
    """
    from archive.blacklist import advance as advance_entry

    env = get_env()
    archive = env.open_archive()
    entry = advance_entry(
        archive,
        entry_id,
        to_stage=to_stage,
        date=_day(day),
        reason=reason,
        out_dir=out_dir,
        statement_done=statement_done,
    )
    last = entry["stages"][-1]
    message = _(
        "条目 {id} 已到“{stage}”（{date}）",
        id=entry["id"],
        stage=_stage_label(entry, entry["stage"] if entry["status"] != "withdrawn" else None)
        or _("已撤回"),
        date=last["date"] if entry["status"] != "withdrawn" else entry["removed_on"],
    )
    if last.get("notice") and entry["status"] != "withdrawn":
        message += _("；文书编号 {serial}，文件 {file}", serial=last["notice"], file=last["file"])
    if entry.get("ends_on") and entry["stage"] == "publish":
        ends_on = entry["ends_on"]
        if entry.get("ends_on_provisional"):
            ends_on = _("{date}（顺延待定）", date=ends_on)
        message += _("；管理期限至 {ends_on}", ends_on=ends_on)
    _done(env, entry, message, fmt)


@blacklist.command(cls=Command)
@click.argument("entry_id", metavar="ID")
@option("--reason", required=True, metavar="TEXT", help="移出或撤回的理由（必填）。")
@option("--early", is_flag=True, help="管理期限届满前提前移出（仅规则体系允许时，须附证据）。")
@option(
    "--evidence",
    multiple=True,
    metavar="TEXT",
    help="提前移出的证据（如复查意见书文号、信用修复申请）；可重复。",
)
@option("--date", "day", type=DateType(), help="移出日期（默认今天；不能晚于今天）。")
@option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="移出通知书的输出文件夹（默认 档案/out/日期）。",
)
@option("--json", "fmt", flag_value="json", help="以 JSON 输出移出后的条目。")
@option("--table", "fmt", flag_value="table", default=True, hidden=True)
def remove(
    entry_id: str,
    reason: str,
    early: bool,
    evidence: tuple[str, ...],
    day: datetime | None,
    out_dir: Path | None,
    fmt: str,
) -> None:
    """移出黑名单（生成移出通知书）；尚未公布的条目则撤回（如陈述申辩理由成立）。

    管理期限届满后可移出；期满前只有规则体系允许时才能用 --early 提前移出（国家2023规则：
    列入满12个月、附证据；县实施方案不允许）。

    \b
    示例：
      credit blacklist remove B-1a2b3c4d5e6f --reason 管理期满，问题已整改
      credit blacklist remove B-1a2b3c4d5e6f --reason 陈述申辩理由成立
      credit blacklist remove B-1a2b3c4d5e6f --early --evidence 复查意见书〔2027〕3号 \\
          --reason 已完成信用修复
    """
    from archive.blacklist import remove as remove_entry

    env = get_env()
    archive = env.open_archive()
    entry = remove_entry(
        archive,
        entry_id,
        date=_day(day),
        reason=reason,
        early=early,
        evidence=list(evidence),
        out_dir=out_dir,
    )
    if entry["status"] == "withdrawn":
        message = _("条目 {id} 已撤回（{date}）", id=entry["id"], date=entry["removed_on"])
    else:
        last = entry["stages"][-1]
        message = _("条目 {id} 已移出（{date}）", id=entry["id"], date=entry["removed_on"])
        if last.get("notice"):
            message += _(
                "；文书编号 {serial}，文件 {file}", serial=last["notice"], file=last["file"]
            )
    _done(env, entry, message, fmt)


@blacklist.command(cls=Command)
@option(
    "--within",
    type=click.IntRange(min=0, max=MAX_WITHIN),
    default=30,
    show_default=True,
    help="列出这么多天内期满或到期的条目（0 到 3660 天）。",
)
@option("--as-of", type=DateType(), help="从这一天算起（默认今天）。")
@output_options
def expiring(within: int, as_of: datetime | None, fmt: str) -> None:
    """到期提醒：期满应移出、即将期满、阶段逾期或期限将到的条目。

    有期满应移出或阶段逾期的条目时退出码为 10（需要处理）。

    \b
    示例：
      credit blacklist expiring
      credit blacklist expiring --within 60 --as-of 2027-01-01 --json
    """
    from archive.blacklist import expiring as expiring_entries

    env = get_env()
    archive = env.open_archive()
    rows = [_decorate(row) for row in expiring_entries(archive, within=within, as_of=_day(as_of))]
    render_rows(env, rows, EXPIRING_COLUMNS, fmt, empty=_("{days} 天内没有到期的条目", days=within))
    if any(row["why"] in ("overdue", "due_for_removal", "removal_pending") for row in rows):
        click.get_current_context().exit(int(ExitCode.FINDINGS))


@blacklist.command(cls=Command)
@click.argument("entry_id", metavar="ID")
@option("--reason", required=True, metavar="TEXT", help="更正的理由（必填）。")
@option("--term-years", type=click.IntRange(1, 10), help="更正后的管理期限（年）。")
@option("--stage", type=click.Choice(STAGES), help="要更正日期的阶段（与 --date 一起用）。")
@option("--date", "day", type=DateType(), help="该阶段更正后的日期。")
@option("--json", "fmt", flag_value="json", help="以 JSON 输出更正后的条目。")
@option("--table", "fmt", flag_value="table", default=True, hidden=True)
def correct(
    entry_id: str,
    reason: str,
    term_years: int | None,
    stage: str | None,
    day: datetime | None,
    fmt: str,
) -> None:
    """更正条目的管理期限或某一阶段的日期：记为一条新的更正，原来的值保留在更正记录中。

    \b
    示例：
      credit blacklist correct B-1a2b3c4d5e6f --stage publish --date 2026-11-20 \\
          --reason 公布日期录入有误
      credit blacklist correct B-1a2b3c4d5e6f --term-years 2 --reason 事故等级经调查认定为重大
    """
    from archive.blacklist import correct as correct_entry

    env = get_env()
    archive = env.open_archive()
    entry = correct_entry(
        archive,
        entry_id,
        reason=reason,
        term_years=term_years,
        stage=stage,
        stage_date=day.date() if day else None,
    )
    _done(env, entry, _("条目 {id} 已更正", id=entry["id"]), fmt)


SUMMARY_COLUMNS = [
    ("id", N_("编号")),
    ("credit_code", N_("统一社会信用代码")),
    ("name", N_("单位名称")),
    ("industry", N_("行业")),
    ("section", N_("负责股室")),
    ("criterion", N_("情形")),
    ("listed_on", N_("列入日期")),
    ("ends_on", N_("届满日期")),
    ("removed_on", N_("移出日期")),
]


@blacklist.command(cls=Command)
@option(
    "--as-of", type=DateType(), help="按这一天统计（默认今天）；本月、本年指这一天所在的月、年。"
)
@option(
    "--within",
    type=click.IntRange(min=0, max=3660),
    default=30,
    show_default=True,
    help="“即将期满”指这么多天内期满（0 到 3660 天）。",
)
@option("--json", "as_json", is_flag=True, help="以 JSON 输出全部统计和条目。")
@option(
    "--xlsx",
    type=XlsxPath(),
    help="另写一份 Excel 工作簿：统计一页，各类条目各一页。",
)
def summary(within: int, as_of: datetime | None, as_json: bool, xlsx: Path | None) -> None:
    """黑名单汇总：在列条目按行业和股室统计，本月列入和移出、即将期满、期满应移出、本年已移出。

    \b
    示例：
      credit blacklist summary
      credit blacklist summary --as-of 2026-11-30 --within 60
      credit blacklist summary --json
      credit blacklist summary --xlsx 黑名单汇总.xlsx
    """
    from archive.blacklist_summary import HOW_LABELS, PART_LABELS, PARTS, write_xlsx
    from archive.blacklist_summary import summary as blacklist_summary

    env = get_env()
    archive = env.open_archive()
    found = blacklist_summary(archive, _day(as_of), within)
    if xlsx is not None:
        info(env, _("已写入 {path}", path=write_xlsx(found, xlsx)))
    if as_json:
        click.echo(dumps(found), file=env.stdout)
        return
    click.echo(
        _(
            "黑名单汇总（截至 {date}；即将期满指 {days} 天内）",
            date=found["as_of"],
            days=found["within"],
        ),
        file=env.stdout,
    )
    counts = [{"part": _(PART_LABELS[part]), "count": found["counts"][part]} for part in PARTS]
    render_rows(env, counts, [("part", N_("类别")), ("count", N_("条目数"))], "table")
    for key, label in (("industry", N_("行业")), ("section", N_("负责股室"))):
        rows = found[f"current_by_{key}"]
        if rows:
            rows = [{**row, key: row[key] or _("（未填）")} for row in rows]
            render_rows(
                env,
                rows,
                [(key, label), ("count", N_("在列条目数"))],
                "table",
                title=_("在列条目按{what}统计", what=_(label)),
            )
    for part in PARTS:
        rows = found[part]
        if not rows:
            continue
        columns = SUMMARY_COLUMNS
        if part == "leaving":
            rows = [{**row, "how_label": _(HOW_LABELS[row["how"]])} for row in rows]
            columns = [("how_label", N_("事由")), *SUMMARY_COLUMNS]
        render_rows(env, rows, columns, "table", title=_(PART_LABELS[part]))
