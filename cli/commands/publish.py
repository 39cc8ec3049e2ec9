"""credit publish"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from archive.i18n import N_, _
from cli.base import Command, DateType, Group, get_env, option
from cli.output import info, output_options, render_rows

KINDS = ("blacklist", "records", "commitments", "green-channel")
LIST_COLUMNS = [
    ("at", N_("公布时间")),
    ("kind", N_("名单")),
    ("as_of", N_("截至日期")),
    ("rows", N_("条数")),
    ("files_text", N_("文件（SHA-256 前 12 位）")),
]

FILE_COLUMNS = [("format", N_("格式")), ("path", N_("文件")), ("sha256", N_("SHA-256"))]


def _formats(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    from archive.publish import FORMATS

    items = tuple(part.strip().lower() for part in value.split(",") if part.strip())
    bad = [item for item in items if item not in FORMATS]
    if bad or not items:
        raise click.BadParameter(
            _(
                "{value} 不是可用的格式：可选 {choices}",
                value=repr(value),
                choices=",".join(FORMATS),
            )
        )
    return items


@click.group(cls=Group)
def publish() -> None:
    """公布名单：黑名单、不良信用记录、已签承诺书单位、绿色通道（.xlsx、.csv、.html）。

    只公布允许的字段（见 README“公布名单”），个人姓名打码（黄某某），统一社会信用代码完整公布。
    写出任何文件之前逐格检查：含完整身份证号码或手机号码时拒绝公布（退出码 1，指明行和列）。
    每次公布记入日志（名单、截至日期、条数、文件的 SHA-256），可用 credit publish list 查询。

    \b
    示例：
      credit publish blacklist
      credit publish records --as-of 2026-11-30 --format html
      credit publish list --date 2026-03-03
    """


def _kind_command(kind: str) -> click.Command:
    @click.command(kind, cls=Command)
    @option("--as-of", type=DateType(), help="公布截至这一天的名单（默认今天）。")
    @option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        help="写到这个文件夹（默认档案的 out/publish/）。",
    )
    @option(
        "--format",
        "formats",
        default="xlsx,csv,html",
        show_default=True,
        callback=_formats,
        help="要写出的格式，逗号分隔：xlsx、csv、html。",
    )
    @option("--with-address", is_flag=True, help="同时公布单位地址。")
    @output_options
    def command(
        as_of: datetime | None, out: Path | None, formats: tuple, with_address: bool, fmt: str
    ) -> None:
        from archive.publish import publish as make

        env = get_env()
        publication = make(
            env.open_archive(),
            kind,
            as_of.date() if as_of else date.today(),
            out=out,
            formats=formats,
            with_address=with_address,
        )
        if fmt in ("json", "nl"):
            render_rows(env, [publication.as_dict()], [], fmt)
            return
        if fmt == "csv":
            render_rows(env, publication.files, FILE_COLUMNS, fmt)
            return
        info(env, _("已公布 {count} 条：", count=publication.rows))
        for item in publication.files:
            click.echo(item["path"], file=env.stdout)

    command.help = _HELP[kind]
    return command


_HELP = {
    "blacklist": N_(
        "公布截至某日在列的黑名单（已移出、已届满的不公布）。\n\n"
        "\b\n示例：\n  credit publish blacklist\n  credit publish blacklist --with-address"
    ),
    "records": N_(
        "公布截至某日已确认的不良信用记录。\n\n"
        "\b\n示例：\n  credit publish records --as-of 2026-11-30"
    ),
    "commitments": N_(
        "公布截至某日当年已签订安全生产承诺书的单位。\n\n"
        "\b\n示例：\n  credit publish commitments --format xlsx,csv"
    ),
    "green-channel": N_(
        "公布截至某日享受绿色通道的守信单位。\n\n"
        "\b\n示例：\n  credit publish green-channel --out 公示"
    ),
}

for _kind in KINDS:
    publish.add_command(_kind_command(_kind))


@publish.command("list", cls=Command)
@option("--date", "day", type=DateType(), help="只列出这一天做的公布。")
@output_options
def list_(day: datetime | None, fmt: str) -> None:
    """列出做过的公布：何时、哪份名单、截至哪天、几条、文件及其 SHA-256。

    \b
    示例：
      credit publish list
      credit publish list --date 2026-03-03 --json
    """
    from archive.publish import list_publications

    env = get_env()
    rows = list_publications(env.open_archive(), day.date() if day else None)
    for row in rows:
        row["files_text"] = "  ".join(
            f"{Path(item['path']).name} {item['sha256'][:12]}" for item in row["files"]
        )
    render_rows(env, rows, LIST_COLUMNS, fmt, empty=_("没有找到公布记录"))
