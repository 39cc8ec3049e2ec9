"""credit record propose / list / show / add / confirm / reject"""

from __future__ import annotations

import click

from archive.i18n import N_, _, join_items
from cli.base import Command, DateType, Group, exit_with, get_env, option
from cli.output import dumps, info, output_options, render_object, render_rows, short_time

LIST_COLUMNS = [
    ("id", N_("记录编号")),
    ("credit_code", N_("统一社会信用代码")),
    ("name", N_("单位名称")),
    ("criterion", N_("条件")),
    ("rule_label", N_("规则")),
    ("evidence_text", N_("证据")),
    ("date", N_("日期")),
    ("status_label", N_("状态")),
]
# A CSV is for scripts as well: the codes (the same in every language) beside the labels.
CSV_COLUMNS = [
    *LIST_COLUMNS[:4],
    ("rule", N_("规则代码")),
    *LIST_COLUMNS[4:],
    ("status", N_("状态代码")),
]
SHOW_FIELDS = [
    ("id", N_("记录编号")),
    ("credit_code", N_("统一社会信用代码")),
    ("name", N_("单位名称")),
    ("criterion_label", N_("条件")),
    ("rule_label", N_("规则")),
    ("evidence_text", N_("证据")),
    ("facts_text", N_("事实")),
    ("date", N_("日期")),
    ("regime_text", N_("规则体系")),
    ("status_label", N_("状态")),
    ("proposed", N_("提出")),
    ("decided", N_("决定")),
    ("reason", N_("理由")),
    ("notice", N_("告知书编号")),
]
ROWS_SHOWN = 100  # a table of thousands of proposals helps nobody and takes seconds to print
PROPOSAL_COLUMNS = [
    ("outcome_label", N_("结果")),
    ("record_id", N_("记录编号")),
    ("credit_code", N_("统一社会信用代码")),
    ("criterion", N_("条件")),
    ("rule_label", N_("规则")),
    ("evidence_text", N_("证据")),
    ("message", N_("说明")),
]


def _evidence_text(evidence: list[dict]) -> str:
    parts = []
    for item in evidence or []:
        if item.get("note"):
            parts.append(item["note"])
            continue
        words = []
        if item.get("doc_number"):
            words.append(item["doc_number"])
        if item.get("document"):
            words.append(str(item["document"])[:8])
        if item.get("accident"):
            words.append(_("事故 {id}", id=item["accident"]))
        parts.append(" ".join(words))
    return join_items(parts)


def _rule_label(rule: str | None) -> str:
    from archive.records import RULE_LABELS

    return _(RULE_LABELS[rule]) if rule in RULE_LABELS else str(rule or "")


def _row(record: dict) -> dict:
    from archive.records import STATUS_LABELS

    return {
        **record,
        "rule_label": _rule_label(record.get("rule")),
        "evidence_text": _evidence_text(record.get("evidence") or []),
        "status_label": _(STATUS_LABELS.get(record.get("status"), record.get("status") or "")),
    }


def show_in_dossier(env, detail: dict) -> None:
    """``credit enterprise show``: the enterprise's standing and its bad-credit records."""
    from cli.commands.standing import standing_for_people

    if detail.get("standing"):
        row = standing_for_people(detail["standing"])
        if row["evidence_text"]:
            text = _(
                "信用状况：{label}（{rule}）：{evidence}",
                label=row["label"],
                rule=row["rule_label"],
                evidence=row["evidence_text"],
            )
        else:
            text = _("信用状况：{label}（{rule}）", label=row["label"], rule=row["rule_label"])
        click.echo(text, file=env.stdout)
    if detail.get("records"):
        render_rows(
            env,
            [_row(record) for record in detail["records"]],
            [column for column in LIST_COLUMNS if column[0] not in ("credit_code", "name")],
            "table",
            title=_("不良信用记录"),
        )


@click.group(cls=Group)
def record() -> None:
    """不良信用记录：由档案中的事实提出，经人员确认或驳回；也可人工登记。

    \b
    示例：
      credit record propose --dry-run
      credit record list --status proposed
      credit record confirm R-3f2a9c01b7e4 --reason 经核实属实
      credit record reject R-3f2a9c01b7e4 --reason 已在期限内整改，复查意见书未归档
    """


@record.command(cls=Command)
@option("--as-of", type=DateType(), metavar="YYYY-MM-DD", help="按这一天判断（默认今天）。")
@option("--dry-run", is_flag=True, help="只显示将提出的记录，不写入档案。")
@option("--json", "as_json", is_flag=True, help="以 JSON 输出每条规则的判断结果。")
def propose(as_of, dry_run: bool, as_json: bool) -> None:
    """按规则从档案中的事实提出不良信用记录，等待确认。

    规则：整改期限（遇节假日顺延到下一个工作日）已过而未经复查整改完毕 → 第5项；行政处罚
    决定书按违法事实中的关键词归入相应条件，都不符合的归入“其他”；一年内发生有责任的死亡
    事故 → 第1项；事故瞒报、谎报 → 第7项。同样的事实再运行一次不会重复提出，已驳回的也
    不会再提出。有新提出的记录时退出码为 10；有期限因缺少节假日数据无法判断时退出码为 3。

    \b
    示例：
      credit record propose --dry-run
      credit record propose --as-of 2026-12-01
    """
    from datetime import date

    from archive.records import FAILED, NEW
    from archive.records import propose as run

    env = get_env()
    archive = env.open_archive()
    day = as_of.date() if as_of else date.today()
    report = run(archive, day, dry_run=dry_run)
    if as_json:
        click.echo(dumps(report.as_dict()), file=env.stdout)
    else:
        _print_proposals(env, report)
    counts = report.counts()
    message = _(
        "新提出 {new} 条，已有 {exists} 条，无法判断 {cannot}，失败 {failed}。",
        new=counts.get(NEW, 0),
        exists=counts.get("exists", 0),
        cannot=counts.get("cannot_judge", 0),
        failed=counts.get(FAILED, 0),
    )
    if dry_run:
        message = _("试运行：{message}未写入档案。", message=message)
    info(env, message)
    exit_with(report)


def _print_proposals(env, report) -> None:
    from archive.records import CANNOT_JUDGE, FAILED, NEW, NO_CRITERION

    labels = {
        NEW: _("将提出") if report.dry_run else _("新提出"),
        FAILED: _("失败"),
        CANNOT_JUDGE: _("无法判断"),
        NO_CRITERION: _("无对应条件"),
    }
    rows = []
    for item in report.items:
        if item.outcome not in labels:
            continue
        record = item.record or {}
        rows.append(
            {
                "outcome_label": labels[item.outcome],
                "record_id": record.get("id"),
                "credit_code": item.credit_code,
                "criterion": record.get("criterion"),
                "rule_label": _rule_label(item.rule),
                "evidence_text": _evidence_text(record.get("evidence") or [])
                or str(item.subject).partition("|")[2]
                or str(item.subject)[:8],
                "message": item.message,
            }
        )
    if rows:
        render_rows(env, rows[:ROWS_SHOWN], PROPOSAL_COLUMNS, "table")
    if len(rows) > ROWS_SHOWN:
        info(env, _("……另有 {count} 条未列出（用 --json 查看全部）", count=len(rows) - ROWS_SHOWN))


@record.command(name="list", cls=Command)
@click.argument("code", required=False)
@option(
    "--status",
    type=click.Choice(["proposed", "confirmed", "rejected"]),
    help="只列这一状态的记录：待确认（proposed）、已确认（confirmed）、已驳回（rejected）。",
)
@option("--criterion", metavar="N", help="只列这一项条件下的记录（如 5）。")
@output_options
def list_(code, status, criterion, fmt) -> None:
    """列出不良信用记录（条件、规则和证据：文号和 SHA-256 前8位）。

    \b
    示例：
      credit record list --status proposed
      credit record list 91431127MA4L8R2K77
      credit record list --criterion 5 --json
    """
    from archive.records import find_records

    env = get_env()
    archive = env.open_archive()
    rows = find_records(archive, code, status, criterion)
    if fmt in ("table", "csv"):
        rows = [_row(row) for row in rows]
    columns = CSV_COLUMNS if fmt == "csv" else LIST_COLUMNS
    render_rows(env, rows, columns, fmt, empty=_("没有符合条件的记录。"))
    if fmt == "table" and rows:
        info(env, _("共 {count} 条。", count=len(rows)))


@record.command(cls=Command)
@click.argument("record_id", metavar="ID")
@output_options
def show(record_id: str, fmt: str) -> None:
    """显示一条记录：条件、规则、证据、事实、规则体系和每一次决定。

    \b
    示例：
      credit record show R-3f2a9c01b7e4
      credit record show R-3f2a9c01b7e4 --json
    """
    from archive.records import STATUS_LABELS, get_record

    env = get_env()
    archive = env.open_archive()
    found = get_record(archive, record_id)
    if fmt != "table":
        render_object(env, found, SHOW_FIELDS, fmt)
        return
    row = _row(found)
    row["criterion_label"] = f"{found.get('criterion')} {found.get('criterion_text') or ''}"
    row["facts_text"] = _facts_text(found.get("facts") or {})
    regime = found.get("regime") or {}
    row["regime_text"] = f"{regime.get('id')} ({regime.get('version')})"
    row["proposed"] = f"{short_time(found.get('proposed_at'))} {found.get('proposed_by') or ''}"
    if found.get("decided_at"):
        row["decided"] = f"{short_time(found.get('decided_at'))} {found.get('decided_by') or ''}"
    render_object(
        env, row, [(key, label) for key, label in SHOW_FIELDS if row.get(key)], fmt, title=row["id"]
    )
    history = [
        {
            **item,
            "at": short_time(item.get("at")),
            "status_label": _(STATUS_LABELS.get(item.get("status"), item.get("status") or "")),
            "regime_text": (item.get("regime") or {}).get("id"),
        }
        for item in found.get("history") or []
    ]
    render_rows(
        env,
        history,
        [
            ("at", N_("时间")),
            ("by", N_("操作人")),
            ("status_label", N_("状态")),
            ("reason", N_("理由")),
            ("regime_text", N_("规则体系")),
        ],
        "table",
        title=_("决定"),
    )


def _facts_text(facts: dict) -> str:
    parts = []
    for key, value in facts.items():
        if value in (None, "", []):
            continue
        if key == "matched":
            value = join_items(f"{item['word']}（{item['field']}）" for item in value)
        parts.append(f"{key}={value}")
    return _("；").join(parts)


@record.command(cls=Command)
@click.argument("code")
@option("--criterion", required=True, metavar="N", help="记录依据的条件编号（如 5）。")
@option(
    "--document",
    "documents",
    multiple=True,
    metavar="SHA_OR_文号",
    help="证据文书：SHA-256（至少前8位）或文号；可多次给出。",
)
@option(
    "--accident", "accident_ids", multiple=True, metavar="ID", help="证据事故编号；可多次给出。"
)
@option("--evidence-note", "notes", multiple=True, metavar="TEXT", help="文字说明的证据。")
@option(
    "--date",
    "on",
    type=DateType(),
    metavar="YYYY-MM-DD",
    help="事实发生的日期（默认取证据的日期，否则今天）。",
)
@option("--note", metavar="TEXT", help="备注（记为登记理由）。")
def add(code, criterion, documents, accident_ids, notes, on, note) -> None:
    """人工登记一条不良信用记录（须写明条件和至少一项证据），登记即为确认。

    \b
    示例：
      credit record add 91431127MA4L8R2K77 --criterion 6 --document （蓝）应急罚〔2026〕12号
      credit record add 91431127MA4L8R2K77 --criterion 8 --evidence-note 县安委会通报
    """
    from archive.records import add_record
    from archive.validation import check_date

    env = get_env()
    archive = env.open_archive()
    day = check_date(on.date(), what="--date") if on else None
    decision = add_record(
        archive,
        code,
        criterion,
        documents=documents,
        accident_ids=accident_ids,
        notes=notes,
        on=day,
        note=note,
    )
    found = decision.record
    if decision.already:
        info(env, _("已有相同的记录 {id}，未再次登记。", id=found["id"]))
    else:
        info(
            env, _("已登记：{id}（第{criterion}项）", id=found["id"], criterion=found["criterion"])
        )


@record.command(cls=Command)
@click.argument("record_id", metavar="ID")
@option("--reason", required=True, metavar="TEXT", help="确认的理由（必填，记入档案）。")
def confirm(record_id: str, reason: str) -> None:
    """确认一条提出的记录（须写明理由，如同驳回；记下操作人）。

    另一人已确认过的，提示由谁于何时确认，不再重复记录（退出码 0）；已驳回的不能再确认（退出码 1）。

    \b
    示例：
      credit record confirm R-3f2a9c01b7e4 --reason 经核实属实
    """
    from archive.records import confirm as run
    from archive.records import decided_message

    env = get_env()
    archive = env.open_archive()
    decision = run(archive, record_id, reason)
    if decision.already:
        info(env, _("提示：{message}，未再次记录。", message=decided_message(decision.record)))
    else:
        info(env, _("已确认：{id}", id=decision.record["id"]))


@record.command(cls=Command)
@click.argument("record_id", metavar="ID")
@option("--reason", required=True, metavar="TEXT", help="驳回的理由（必填，记入档案）。")
def reject(record_id: str, reason: str) -> None:
    """驳回一条提出的记录（须写明理由）；同样的事实不会再次提出。

    另一人已驳回过的，提示由谁于何时驳回（退出码 0）；已确认的不能再驳回（退出码 1）。

    \b
    示例：
      credit record reject R-3f2a9c01b7e4 --reason 复查意见书显示已按期整改
    """
    from archive.records import decided_message
    from archive.records import reject as run

    env = get_env()
    archive = env.open_archive()
    decision = run(archive, record_id, reason)
    if decision.already:
        info(env, _("提示：{message}，未再次记录。", message=decided_message(decision.record)))
    else:
        info(env, _("已驳回：{id}", id=decision.record["id"]))
