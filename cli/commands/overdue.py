"""credit overdue"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from archive.i18n import N_, _
from cli.base import Command, DateType, XlsxPath, exit_with, get_env, option
from cli.output import info, output_options, render_rows

COLUMNS = [
    ("what_label", N_("事项")),
    ("credit_code", N_("统一社会信用代码")),
    ("name", N_("单位名称")),
    ("since", N_("应办日期")),
    ("days_label", N_("逾期")),
    ("source_text", N_("来源")),
    ("detail", N_("说明")),
]
# What scripts get in CSV: the row's own keys.
CSV_COLUMNS = [
    ("what", N_("事项")),
    ("status", N_("状态")),
    ("credit_code", N_("统一社会信用代码")),
    ("name", N_("单位名称")),
    ("section", N_("负责股室")),
    ("since", N_("应办日期")),
    ("days_overdue", N_("逾期天数")),
    ("days_counted", N_("计数方式")),
    ("source_text", N_("来源")),
    ("detail", N_("说明")),
]


def _decorate(row: dict[str, Any]) -> dict[str, Any]:
    from archive.overdue import source_text

    row = dict(row)
    row["source_text"] = source_text(row.get("source") or {})
    if row["status"] != "overdue":
        row["days_label"] = _(row["status_label"])
    elif row["days_counted"] == "workdays":
        row["days_label"] = _("{days} 个工作日", days=row["days_overdue"])
    else:
        row["days_label"] = _("{days} 天", days=row["days_overdue"])
    return row


@click.command(cls=Command)
@option("--as-of", type=DateType(), help="按这一天判断是否逾期（默认今天）。")
@option("--section", metavar="SECTION", help="只列出这个股室（大队）负责的事项。")
@option(
    "--xlsx",
    type=XlsxPath(),
    help="另写一份 Excel 工作簿：逾期事项一页，按股室合计一页。",
)
@output_options
def overdue(as_of: datetime | None, section: str | None, xlsx: Path | None, fmt: str) -> None:
    """列出截至某日所有逾期事项，按股室分组：整改、承诺书、月报、黑名单阶段、罚款。

    每行写明事项、单位、应办日期、逾期天数（工作日或自然日，按规则计）和来源文书或条目。
    有逾期事项时退出码为 10，没有时为 0；有事项因缺少节假日数据等无法判断时为 3。

    \b
    示例：
      credit overdue
      credit overdue --as-of 2026-10-31 --section 执法大队
      credit overdue --json
      credit overdue --xlsx 逾期事项.xlsx
    """
    from archive.overdue import overdue as find_overdue
    from archive.overdue import write_xlsx

    env = get_env()
    archive = env.open_archive()
    day = as_of.date() if as_of else date.today()
    report = find_overdue(archive, day, section=section)
    if xlsx is not None:
        written = write_xlsx(report, xlsx)
        info(env, _("已写入 {path}", path=written))
    rows = [_decorate(row) for row in report.rows]
    if fmt in ("json", "nl"):
        render_rows(env, report.rows, CSV_COLUMNS, fmt)
    elif fmt == "csv":
        render_rows(env, rows, CSV_COLUMNS, fmt)
    elif not rows:
        info(env, _("截至 {date} 没有逾期事项", date=day.isoformat()))
    else:
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault(row["section"], []).append(row)
        for name, members in groups.items():
            title = _("{section}（{count} 项）", section=name or _("未分股室"), count=len(members))
            render_rows(env, members, COLUMNS, fmt, title=title)
        counts = report.counts()
        info(
            env,
            _(
                "截至 {date}：逾期 {overdue} 项，无法判断 {failed} 项",
                date=day.isoformat(),
                overdue=counts.get("overdue", 0),
                failed=counts.get("failed", 0),
            ),
        )
    exit_with(report)
