"""credit accident add / list / show / correct"""

from __future__ import annotations

import click

from archive.i18n import N_, _
from cli.base import Command, DateType, Group, get_env, option
from cli.output import info, output_options, render_object, render_rows, short_time

LIST_COLUMNS = [
    ("id", N_("事故编号")),
    ("credit_code", N_("统一社会信用代码")),
    ("date", N_("事故日期")),
    ("deaths", N_("死亡")),
    ("serious_injuries", N_("重伤")),
    ("direct_loss_yuan", N_("直接经济损失（元）")),
    ("grade_text", N_("等级")),
    ("liable_text", N_("责任事故")),
    ("concealed", N_("瞒报")),
    ("source_text", N_("来源")),
]
SHOW_FIELDS = [
    ("id", N_("事故编号")),
    ("credit_code", N_("统一社会信用代码")),
    ("date", N_("事故日期")),
    ("deaths", N_("死亡")),
    ("serious_injuries", N_("重伤")),
    ("direct_loss_yuan", N_("直接经济损失（元）")),
    ("grade_text", N_("等级")),
    ("liable_text", N_("责任事故")),
    ("concealed", N_("瞒报")),
    ("description", N_("事故经过")),
    ("source_text", N_("来源")),
    ("recorded_at", N_("登记时间")),
    ("recorded_by", N_("登记人")),
]


FIELD_LABELS = {
    "date": N_("事故日期"),
    "deaths": N_("死亡"),
    "serious_injuries": N_("重伤"),
    "direct_loss_yuan": N_("直接经济损失（元）"),
    "liable": N_("责任事故"),
    "concealed": N_("瞒报"),
    "description": N_("事故经过"),
}


def _value(value) -> str:
    if value is None:
        return _("未认定")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def for_people(record: dict, *, table: bool = True) -> dict:
    """A record with the labels people read (grade with its axis, liability, source); the
    loss grouped by thousands in a table only (a CSV keeps the number)."""
    from archive.accidents import grade_text

    row = dict(record)
    row["grade_text"] = grade_text(record)
    row["liable_text"] = {True: _("是"), False: _("否")}.get(record.get("liable"), _("未认定"))
    source = record.get("source") or {}
    if source.get("document"):
        row["source_text"] = source.get("doc_number") or source["document"][:12]
    else:
        row["source_text"] = _("手工登记")
    if table:
        row["direct_loss_yuan"] = f"{record.get('direct_loss_yuan', 0):,}"
    row["recorded_at"] = short_time(record.get("recorded_at"))
    return row


@click.group(cls=Group)
def accident() -> None:
    """生产安全事故：登记、列出、查看、更正（等级按死亡、重伤、直接经济损失自动划分）。

    \b
    示例：
      credit accident add 91431127MA4L8R2K77 --date 2026-03-05 --deaths 1 \\
          --serious-injuries 0 --direct-loss 120万 --liable
      credit accident list --grade larger --json
    """


@accident.command(cls=Command)
@click.argument("code")
@option("--date", "on", type=DateType(), required=True, metavar="YYYY-MM-DD", help="事故发生日期。")
@option("--deaths", required=True, metavar="N", help="死亡人数（不小于 0 的整数）。")
@option("--serious-injuries", required=True, metavar="N", help="重伤人数（不小于 0 的整数）。")
@option(
    "--direct-loss",
    required=True,
    metavar="YUAN",
    help="直接经济损失：整数元（如 1200000），或万元、亿元（如 120万、1.2亿）。",
)
@option(
    "--liable/--not-liable",
    default=None,
    help="是否责任事故（不写则为未认定）。",
)
@option("--concealed", is_flag=True, help="存在瞒报、谎报或迟报。")
@option("--description", metavar="TEXT", help="事故经过（一句话，如“物体打击事故”）。")
def add(code, on, deaths, serious_injuries, direct_loss, liable, concealed, description) -> None:
    """登记一起生产安全事故；同一单位同一天同样经过的事故不会重复登记。

    \b
    示例：
      credit accident add 91431127MA4L8R2K77 --date 2026-03-05 --deaths 1 \\
          --serious-injuries 0 --direct-loss 1200000 --liable --description 物体打击事故
    """
    from archive.accidents import add_accident, grade_text

    env = get_env()
    archive = env.open_archive()
    record = add_accident(
        archive,
        code,
        on=on.date(),
        deaths=deaths,
        serious_injuries=serious_injuries,
        direct_loss=direct_loss,
        liable=liable,
        concealed=concealed,
        description=description,
    )
    info(
        env,
        _(
            "已登记事故 {id}：{code} {date}，{grade}",
            id=record["id"],
            code=record["credit_code"],
            date=record["date"],
            grade=grade_text(record),
        ),
    )


@accident.command(name="list", cls=Command)
@click.argument("code", required=False)
@option(
    "--grade",
    "grades",
    multiple=True,
    metavar="GRADE",
    help="只列这一等级（可重复）：一般、较大、重大、特别重大（也可写“较大事故”），"
    "或 general、larger、major、especially_major。",
)
@output_options
def list_(code, grades, fmt) -> None:
    """列出登记的事故（一家单位的，或全部），按日期排列。

    \b
    示例：
      credit accident list
      credit accident list 91431127MA4L8R2K77 --json
      credit accident list --grade 较大 --grade 重大 --csv > 较大以上事故.csv
      credit accident list --grade larger --json
    """
    from archive.accidents import find_accidents

    env = get_env()
    archive = env.open_archive()
    rows = find_accidents(archive, code, grades=list(grades) or None)
    if fmt in ("table", "csv"):
        rows = [for_people(row, table=fmt == "table") for row in rows]
    render_rows(env, rows, LIST_COLUMNS, fmt, empty=_("没有符合条件的事故。"))
    if fmt == "table" and rows:
        info(env, _("共 {count} 起。", count=len(rows)))


@accident.command(cls=Command)
@click.argument("accident_id", metavar="ID")
@output_options
def show(accident_id: str, fmt: str) -> None:
    """显示一起事故的全部信息和更正记录。

    \b
    示例：
      credit accident show A-1a2b3c4d5e
      credit accident show A-1a2b3c4d5e --json
    """
    from archive.accidents import get_accident

    env = get_env()
    archive = env.open_archive()
    record = get_accident(archive, accident_id)
    if fmt != "table":
        render_object(env, record, SHOW_FIELDS, fmt)
        return
    row = for_people(record)
    render_object(
        env, row, [(k, label) for k, label in SHOW_FIELDS if row.get(k) not in (None, "")], fmt
    )
    if record["corrections"]:
        render_rows(
            env,
            [
                {
                    "at": short_time(item["at"]),
                    "by": item["by"],
                    "reason": item["reason"],
                    "changes": _("；").join(
                        _(
                            "{field}：{old} → {new}",
                            field=_(FIELD_LABELS.get(key, key)),
                            old=_value(change["old"]),
                            new=_value(change["new"]),
                        )
                        for key, change in item["changes"].items()
                    ),
                }
                for item in record["corrections"]
            ],
            [
                ("at", N_("时间")),
                ("by", N_("操作人")),
                ("changes", N_("改动")),
                ("reason", N_("更正原因")),
            ],
            "table",
            title=_("更正记录"),
        )


@accident.command(cls=Command)
@click.argument("accident_id", metavar="ID")
@option("--reason", required=True, metavar="TEXT", help="更正原因（必填）。")
@option("--date", "on", type=DateType(), metavar="YYYY-MM-DD", help="正确的事故日期。")
@option("--deaths", metavar="N", help="正确的死亡人数。")
@option("--serious-injuries", metavar="N", help="正确的重伤人数。")
@option("--direct-loss", metavar="YUAN", help="正确的直接经济损失（元，或 120万 这样的写法）。")
@option("--liable/--not-liable", default=None, help="是否责任事故。")
@option("--concealed/--not-concealed", default=None, help="是否存在瞒报、谎报或迟报。")
@option("--description", metavar="TEXT", help="正确的事故经过。")
def correct(
    accident_id, reason, on, deaths, serious_injuries, direct_loss, liable, concealed, description
) -> None:
    """更正一起事故登记的数值（原值保留在更正记录中，不删除）。

    \b
    示例：
      credit accident correct A-1a2b3c4d5e --deaths 3 --reason 调查报告核定死亡3人
    """
    from archive.accidents import correct_accident, grade_text

    env = get_env()
    archive = env.open_archive()
    record = correct_accident(
        archive,
        accident_id,
        {
            "date": on.date() if on else None,
            "deaths": deaths,
            "serious_injuries": serious_injuries,
            "direct_loss_yuan": direct_loss,
            "liable": liable,
            "concealed": concealed,
            "description": description,
        },
        reason=reason,
    )
    info(env, _("已更正事故 {id}：{grade}", id=record["id"], grade=grade_text(record)))
