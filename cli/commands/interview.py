"""credit interview add / list / show / correct"""

from __future__ import annotations

import click

from archive.i18n import N_, _, join_items
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
    """约谈：登记、列出、查看、更正（约谈通知书用 credit gen-notice notice_interview --interview 生成）。

    \b
    示例：
      credit interview add 91431127MA4L8R2K77 --date 2026-12-08 --time 09:30 \\
          --reason 整改逾期未完成 --attendees 张三（法定代表人） --attendees 李四（安全负责人）
      credit interview list 91431127MA4L8R2K77
      credit interview correct I-1a2b3c4d5e --place 县应急管理局三楼会议室 --reason 补登地点
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
    _tell_what_the_notice_needs(env, record)


def _tell_what_the_notice_needs(env, record: dict) -> None:
    """The notice's facts the interview still lacks (gen-notice would refuse the notice without
    them), and the command that makes it."""
    from archive.interviews import missing_notice_facts

    missing = missing_notice_facts(record)
    if missing:
        info(
            env,
            _(
                "约谈通知书还缺少：{names}；生成前用 credit interview correct {id} {options} "
                "--reason … 补上（或生成时用 --fact 给出）",
                names=join_items(_(name) for _fact, _option, name in missing),
                id=record["id"],
                options=" ".join(f"--{option} …" for _fact, option, _name in missing),
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
        if record.get("corrections"):
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
                                field=_(dict(SHOW_FIELDS).get(key, key)),
                                old=join_items(change["old"])
                                if isinstance(change["old"], list)
                                else change["old"] or "",
                                new=join_items(change["new"])
                                if isinstance(change["new"], list)
                                else change["new"],
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
        return
    render_object(env, record, SHOW_FIELDS, fmt)


@interview.command(cls=Command)
@click.argument("interview_id", metavar="ID")
@option("--reason", required=True, metavar="TEXT", help="更正原因（必填）。")
@option("--time", metavar="HH:MM", help="正确的约谈时刻，如 09:30。")
@option("--place", metavar="TEXT", help="正确的约谈地点。")
@option("--materials", metavar="TEXT", help="正确的需携带材料。")
@option(
    "--attendees",
    multiple=True,
    metavar="NAME",
    help="正确的参加人员（全部，取代原来的）：可重复给出，或用分号分隔。",
)
def correct(interview_id, reason, time, place, materials, attendees) -> None:
    """更正或补充一次约谈的时刻、地点、参加人员或需携带材料（原值保留在更正记录中）。

    约谈日期和事由决定约谈的编号，不能更正：另行登记。已发出的约谈通知书不会改变，
    需要时用 credit gen-notice notice_interview --interview ID 重新生成。

    \b
    示例：
      credit interview correct I-1a2b3c4d5e --place 县应急管理局三楼会议室 \\
          --materials 整改报告 --reason 补登地点和材料
      credit interview correct I-1a2b3c4d5e --time 14:30 --reason 改期到下午
    """
    from archive.interviews import correct_interview

    env = get_env()
    archive = env.open_archive()
    record = correct_interview(
        archive,
        interview_id,
        {"time": time, "place": place, "materials": materials, "attendees": list(attendees)},
        reason=reason,
    )
    info(env, _("已更正约谈 {id}", id=record["id"]))
    if record.get("notice"):
        info(
            env,
            _(
                "约谈通知书 {serial} 已按更正前的内容发出；需要时重新生成："
                "credit gen-notice notice_interview --interview {id}",
                serial=record["notice"],
                id=record["id"],
            ),
        )
    _tell_what_the_notice_needs(env, record)
