"""credit standing"""

from __future__ import annotations

import click

from archive.i18n import N_, _, join_items
from cli.base import Command, DateType, get_env, option
from cli.output import info, output_options, render_rows

COLUMNS = [
    ("credit_code", N_("统一社会信用代码")),
    ("name", N_("单位名称")),
    ("label", N_("信用状况")),
    ("rule_label", N_("依据")),
    ("evidence_text", N_("证据")),
]
# A CSV is for scripts as well: the codes (the same in every language) beside the labels.
CSV_COLUMNS = [
    ("credit_code", N_("统一社会信用代码")),
    ("name", N_("单位名称")),
    ("standing", N_("信用状况代码")),
    ("label", N_("信用状况")),
    ("rule", N_("依据代码")),
    ("rule_label", N_("依据")),
    ("evidence_text", N_("证据")),
]


def _evidence_text(row: dict) -> str:
    from archive.monthly import STATUS_LABELS

    parts = []
    for item in row.get("evidence") or []:
        if item.get("blacklist"):
            parts.append(
                _(
                    "黑名单 {id}（{start} 至 {end}）",
                    id=item["blacklist"],
                    start=item.get("listed_on") or "",
                    end=item.get("ends_on") or "",
                )
            )
        elif item.get("record"):
            parts.append(
                _(
                    "记录 {id}（第{criterion}项，{date}）",
                    id=item["record"],
                    criterion=item.get("criterion"),
                    date=item.get("date"),
                )
            )
        elif item.get("year"):
            parts.append(
                _(
                    "{year} 年度承诺书 {serial}",
                    year=item["year"],
                    serial=item.get("commitment") or _("（单位自拟文本）"),
                )
            )
        elif item.get("monthly_complete"):
            months = item["monthly_complete"]
            parts.append(_("{first} 至 {last} 月报完整", first=months[0], last=months[-1]))
        elif item.get("monthly_status"):
            parts.append(
                _(
                    "{month} 月报{status}",
                    month=item["month"],
                    status=_(STATUS_LABELS.get(item["monthly_status"], item["monthly_status"])),
                )
            )
        elif item.get("calendar_gap"):
            parts.append(item["calendar_gap"])
    return join_items(parts)


def standing_for_people(row: dict) -> dict:
    """A standing row with its label, rule and evidence as text (tables, CSV)."""
    from archive.standing import LABELS, RULE_LABELS

    return {
        **row,
        "label": _(LABELS[row["standing"]]) if row.get("standing") in LABELS else row["label"],
        "rule_label": _(RULE_LABELS.get(row["rule"], row["rule"])),
        "evidence_text": _evidence_text(row),
    }


@click.command(cls=Command)
@click.argument("code", required=False)
@option("--as-of", type=DateType(), metavar="YYYY-MM-DD", help="按这一天判断（默认今天）。")
@option("--green-channel", is_flag=True, help="只列可走“绿色通道”的守信单位。")
@output_options
def standing(code, as_of, green_channel: bool, fmt: str) -> None:
    """显示单位的信用状况：守信、一般、失信或黑名单，以及判定的依据和证据。

    黑名单：列入黑名单且期限未满；失信：一年内有已确认的不良信用记录；守信：本年度单位承诺书
    已签字退回，一年内无不良信用记录，未列入黑名单（可走绿色通道）；其余为一般。
    --json、--nl 和 --csv 在说明文字旁另有代码：standing（trustworthy、general、untrustworthy、
    blacklisted）和 rule。

    \b
    示例：
      credit standing
      credit standing 91431127MA4L8R2K77 --as-of 2026-12-01
      credit standing --green-channel --csv > 绿色通道.csv
    """
    from archive.standing import standing_rows

    env = get_env()
    archive = env.open_archive()
    rows = standing_rows(
        archive, code, as_of.date() if as_of else None, green_channel=green_channel
    )
    if fmt in ("table", "csv"):
        rows = [standing_for_people(row) for row in rows]
    columns = CSV_COLUMNS if fmt == "csv" else COLUMNS
    render_rows(env, rows, columns, fmt, empty=_("没有符合条件的单位。"))
    if fmt == "table" and rows:
        info(env, _("共 {count} 家。", count=len(rows)))
