"""credit audit verify / log, credit reindex"""

from __future__ import annotations

import click

from archive.errors import ExitCode
from archive.i18n import N_, _
from cli.base import Command, Group, get_env, option
from cli.output import info, output_options, render_rows, short_time


@click.group(cls=Group)
def audit() -> None:
    """检查和查看档案日志（journal.jsonl）。

    \b
    示例：
      credit audit verify
      credit audit log --type enterprise.added --limit 20
    """


@audit.command(cls=Command)
@option("--json", "as_json", is_flag=True, help="以 JSON 输出检查结果。")
def verify(as_json: bool) -> None:
    """核对日志的哈希链，并把索引与根据日志重建的结果逐条比较。

    指出日志中第一处被改动、删除或调换的行，或索引中与日志不符的记录。
    日志和索引都完好（或索引文件不存在）退出码为 0，有问题为 4。

    \b
    示例：
      credit audit verify
      credit audit verify --json
    """
    from archive.audit import verify_archive

    env = get_env()
    archive = env.open_archive()
    result = verify_archive(archive)
    if as_json:
        from cli.output import dumps

        click.echo(dumps(result), file=env.stdout)
    else:
        info(env, result["summary"])
        if result["hint"]:
            info(env, _("提示：{hint}", hint=result["hint"]))
    for warning in result["warnings"]:
        info(env, _("警告：{message}", message=warning))
    if not result["ok"]:
        click.get_current_context().exit(int(ExitCode.ARCHIVE))


@audit.command(cls=Command)
@option("--type", "event_type", metavar="TYPE", help="只看这一类事件，如 enterprise.added。")
@option("--code", metavar="CODE", help="只看与这家单位有关的事件。")
@option("--limit", type=click.IntRange(min=1), help="只看最近的若干条。")
@output_options
def log(event_type: str | None, code: str | None, limit: int | None, fmt: str) -> None:
    """列出日志中的事件（谁在何时做了什么）。

    \b
    示例：
      credit audit log --limit 20
      credit audit log --code 91431127MA4L8R2K77 --json
    """
    from archive.audit import list_events

    env = get_env()
    archive = env.open_archive()
    rows = list_events(archive, event_type=event_type, code=code, limit=limit)
    columns = [
        ("seq", N_("序号")),
        ("time", N_("时间")),
        ("actor", N_("操作人")),
        ("type", N_("事件")),
        ("summary", N_("内容")),
    ]
    if fmt == "table":
        from archive.audit import event_label

        rows = [
            {**row, "time": short_time(row["time"]), "type": event_label(row["type"])}
            for row in rows
        ]
    render_rows(env, rows, columns, fmt, empty=_("没有符合条件的事件。"))


@click.command(cls=Command)
def reindex() -> None:
    """根据日志重建索引 index/（索引损坏、被删除或为旧版格式时使用）。

    重建前先核对日志；同一日志重建两次得到完全相同的文件。

    \b
    示例：
      credit reindex
    """
    env = get_env()
    archive = env.open_archive()
    index = archive.rebuild_index()
    info(env, _("索引已重建：{count} 条事件。", count=index.last_seq))
