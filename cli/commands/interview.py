"""credit interview add / list / show"""

from __future__ import annotations

import click

from archive.i18n import N_, _
from cli.base import Command, DateType, Group, get_env, option
from cli.output import info, output_options, render_object, render_rows, short_time

LIST_COLUMNS = [
    ("id", N_("约谈编号")),
    ("credit_code", N_("统一社会信用代码")),
    ("date", N_("约谈日期")),
    ("time", N_("时间")),
    ("place", N_("约谈地点")),
    ("reason", N_("约谈事由")),
    ("attendees", N_("参加人员")),
    ("notice", N_("通知书编号")),
]
SHOW_FIELDS = [
    *LIST_COLUMNS,
    ("materials", N_("需携带材料")),
    ("recorded_at", N_("登记时间")),
    ("recorded_by", N_("登记人")),
]


@click.group(cls=Group)
def interview() -> None:
    """约谈：登记、列出、查看（约谈通知书用 credit gen-notice notice_interview --interview 生成）。

    \b
    示例：
      credit interview add 91431127MA4L8R2K77 --date 2026-12-08 --time 09:30 \\
          --reason 整改逾期未完成 --attendees 张三（法定代表人） --attendees 李四（安全负责人）
      credit interview list 91431127MA4L8R2K77
      credit gen-notice notice_interview 91431127MA4L8R2K77 --interview I-1a2b3c4d5e
    """


@interview.command(cls=Command)
@click.argument("code")
@option("--date", "on", type=DateType(), required=True, metavar="YYYY-MM-DD", help="约谈日期。")
@option("--reason", required=True, metavar="TEXT", help="约谈事由（即通知书的约谈内容）。")
@option(
    "--attendees",
    multiple=True,
    required=True,
    metavar="NAME",
    help="参加人员（如 张三（法定代表人））：可重复给出，或用分号分隔。",
)
@option("--time", metavar="HH:MM", help="约谈时刻，如 09:30。")
@option("--place", metavar="TEXT", help="约谈地点。")
@option("--materials", metavar="TEXT", help="需携带的材料。")
def add(code, on, reason, attendees, time, place, materials) -> None:
    """登记一次约谈；同一单位同一天同一事由的约谈不会重复登记。

    \b
    示例：
      credit interview add 91431127MA4L8R2K77 --date 2026-12-08 --time 09:30 \\
          --place 县应急管理局三楼会议室 --reason 整改逾期未完成 \\
          --attendees "张三（法定代表人）；李四（安全负责人）" --materials 整改报告
    """
    from archive.interviews import add_interview

    env = get_env()
    archive = env.open_archive()
    record = add_interview(
        archive,
        code,
        on=on.date(),
        reason=reason,
        attendees=attendees,
        time=time,
        place=place,
        materials=materials,
    )
    info(
        env,
        _(
            "已登记约谈 {id}：{code} {date}",
            id=record["id"],
            code=record["credit_code"],
            date=record["date"],
        ),
    )
    info(
        env,
        _(
            "生成约谈通知书：credit gen-notice notice_interview {code} --interview {id}",
            code=record["credit_code"],
            id=record["id"],
        ),
    )


@interview.command(name="list", cls=Command)
@click.argument("code", required=False)
@output_options
def list_(code, fmt) -> None:
    """列出登记的约谈（一家单位的，或全部），按日期排列。

    \b
    示例：
      credit interview list
      credit interview list 91431127MA4L8R2K77 --json
    """
    from archive.interviews import find_interviews

    env = get_env()
    archive = env.open_archive()
    rows = find_interviews(archive, code)
    render_rows(env, rows, LIST_COLUMNS, fmt, empty=_("没有登记的约谈。"))
    if fmt == "table" and rows:
        info(env, _("共 {count} 次。", count=len(rows)))


@interview.command(cls=Command)
@click.argument("interview_id", metavar="ID")
@output_options
def show(interview_id: str, fmt: str) -> None:
    """显示一次约谈的全部信息。

    \b
    示例：
      credit interview show I-1a2b3c4d5e
    """
    from archive.interviews import get_interview

    env = get_env()
    archive = env.open_archive()
    record = get_interview(archive, interview_id)
    if fmt == "table":
        record["recorded_at"] = short_time(record.get("recorded_at"))
        fields = [(key, label) for key, label in SHOW_FIELDS if record.get(key)]
        render_object(env, record, fields, fmt)
        return
    render_object(env, record, SHOW_FIELDS, fmt)
