"""credit report"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from archive.i18n import _
from cli.base import Command, DateType, get_env, option
from cli.output import dumps, info


@click.command(cls=Command)
@option("--month", metavar="YYYY-MM", help="通报的月份（默认：截至核对日期最近一个已到期的月份）。")
@option("--as-of", type=DateType(), help="按这一天统计（默认今天）。")
@option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="写入文件的文件夹（默认：档案的 out/report/ 文件夹）。",
)
@option("--pdf", is_flag=True, help="另用 LibreOffice 把通报转为 PDF（找不到时跳过并提示安装）。")
@option("--json", "as_json", is_flag=True, help="以 JSON 输出全部数字和写入的文件。")
def report(
    month: str | None, as_of: datetime | None, out_dir: Path | None, pdf: bool, as_json: bool
) -> None:
    """写出本月通报：Excel 工作簿（每个主题一页，附各股室完整率图表）和 Word 通报。

    数字与同一月份、同一核对日期的 monthly-check、overdue 和 blacklist summary 一致；
    通报点名资料报送不及时的股室（实施方案四（三））。

    \b
    示例：
      credit report
      credit report --month 2026-10 --as-of 2026-11-20
      credit report --month 2026-10 --out 通报 --pdf
      credit report --json
    """
    from archive.report_monthly import write_report

    env = get_env()
    archive = env.open_archive()
    day = as_of.date() if as_of else date.today()
    folder = out_dir if out_dir is not None else archive.root / "out" / "report"
    found = write_report(archive, month, day, folder, pdf=pdf)
    if as_json:
        click.echo(dumps(found), file=env.stdout)
        return
    for path in found["files"]:
        info(env, _("已写入 {path}", path=path))
    if found["pdf_skipped"]:
        info(env, _("未生成 PDF：{reason}", reason=found["pdf_skipped"]))
