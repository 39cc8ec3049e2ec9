"""credit init"""

from __future__ import annotations

from pathlib import Path

import click

from archive.i18n import _
from cli.base import Command, get_env, option
from cli.output import info


def _folder(ctx: click.Context, param: click.Parameter, value: str) -> Path:
    if not value.strip():  # "" would quietly mean the current folder
        raise click.BadParameter(_("文件夹名不能为空"))
    return Path(value)


@click.command(cls=Command)
@click.argument("folder", type=click.Path(), default=".", required=False, callback=_folder)
@option("--bureau", metavar="NAME", help="局名全称（默认：所属县 + 应急管理局）。")
@option("--county", metavar="COUNTY", help="所属县；文书编号前缀取其首字（默认：蓝山县）。")
@option(
    "--start",
    metavar="YYYY-MM",
    help="档案起始月份：单位从这个月起应按月报送（默认建档当月；以后可在 credit.toml 的 archive.start 修改）。",
)
def init(folder: Path, bureau: str | None, county: str | None, start: str | None) -> None:
    """新建一个诚信档案文件夹。

    建立 credit.toml（带说明的设置文件）、holidays.toml（节假日安排的样板，chinesecalendar
    没有的年份在此按国务院办公厅的通知填写）、journal.jsonl、index/ 和 files/、inbox/、
    out/、templates/ 文件夹。已有档案的文件夹不会被覆盖。

    \b
    示例：
      credit init 诚信档案
      credit init 诚信档案 --county 某某县
      credit init 诚信档案 --start 2025-10
    """
    from archive.store import init_archive

    env = get_env()
    archive = init_archive(folder, bureau=bureau, county=county, actor=env.actor, start=start)
    info(env, _("已在 {path} 建立档案。", path=archive.root))
    info(
        env,
        _(
            "下一步：编辑 {settings} 核对局名、股室和行业，然后导入企业名册：",
            settings=archive.root / "credit.toml",
        ),
    )
    info(env, f"  cd {archive.root}")
    info(env, _("  credit enterprise import 名册.xlsx"))
