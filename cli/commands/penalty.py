"""credit penalty list / paid"""

from __future__ import annotations

from datetime import date, datetime

import click

from archive.i18n import N_, _
from cli.base import Command, DateType, Group, get_env, option
from cli.output import info, output_options, render_object, render_rows, warn

COLUMNS = [
    ("doc_number", N_("文号")),
    ("credit_code", N_("统一社会信用代码")),
    ("name", N_("单位名称")),
    ("decision_date", N_("决定日期")),
    ("fine_yuan", N_("罚款（元）")),
    ("payment_due", N_("缴纳期限")),
    ("paid_on", N_("缴纳日期")),
    ("paid_amount", N_("缴纳金额（元）")),
    ("status_label", N_("状态")),
    ("days_overdue", N_("逾期天数")),
]
CSV_COLUMNS = [
    ("document", N_("SHA-256")),
    *COLUMNS[:-2],
    ("status", N_("状态")),
    ("days_overdue", N_("逾期天数")),
]


@click.group(cls=Group)
def penalty() -> None:
    """行政处罚决定书的罚款：列出、登记缴纳（逾期未缴纳的列入 credit overdue）。

    罚款应自处罚决定之日的次日起 15 日内缴纳，最后一日遇休息日顺延；登记了缴纳的不再逾期。

    \b
    示例：
      credit penalty list --unpaid
      credit penalty paid 蓝应急罚〔2026〕12号 --date 2026-11-20
    """


@penalty.command(name="list", cls=Command)
@click.argument("code", required=False)
@option("--unpaid", is_flag=True, help="只列出有罚款而未登记缴纳的决定书。")
@option("--as-of", type=DateType(), help="按这一天判断是否逾期（默认今天）。")
@output_options
def list_(code: str | None, unpaid: bool, as_of: datetime | None, fmt: str) -> None:
    """列出档案中的行政处罚决定书：文号、决定日期、罚款、缴纳期限和缴纳情况。

    \b
    示例：
      credit penalty list
      credit penalty list 91431127MA4L8R2K77
      credit penalty list --unpaid --json
    """
    from archive.penalties import list_penalties

    env = get_env()
    archive = env.open_archive()
    day = as_of.date() if as_of else date.today()
    rows = list_penalties(archive, code, unpaid=unpaid, as_of=day)
    render_rows(
        env,
        rows,
        CSV_COLUMNS if fmt == "csv" else COLUMNS,
        fmt,
        empty=_("没有未缴纳罚款的处罚决定书") if unpaid else _("档案中没有行政处罚决定书"),
    )


@penalty.command(cls=Command)
@click.argument("number", metavar="DOCNO")
@option("--date", "on", type=DateType(), required=True, help="缴纳罚款的日期（不晚于今天）。")
@option(
    "--amount",
    type=click.IntRange(min=1),
    help="缴纳金额（元，整数）；不写则只登记缴纳日期。",
)
@option("--json", "as_json", is_flag=True, help="以 JSON 输出登记后的决定书。")
def paid(number: str, on: datetime, amount: int | None, as_json: bool) -> None:
    """登记一份行政处罚决定书的罚款已缴纳（按文号，文号重复时用 SHA-256）。

    同一缴纳登记两次不会重复记录；已登记的缴纳不能改成别的日期或金额。

    \b
    示例：
      credit penalty paid 蓝应急罚〔2026〕12号 --date 2026-11-20
      credit penalty paid 3f9a1c2b7d4e --date 2026-11-20 --amount 20000
    """
    from archive.penalties import record_payment

    env = get_env()
    archive = env.open_archive()
    done = record_payment(archive, number, on.date(), amount=amount)
    row = done.row
    if done.already:
        info(env, _("这笔缴纳已经登记过，未重复记录"))
    if amount is not None and row.get("fine_yuan") and amount != row["fine_yuan"]:
        warn(
            env,
            _(
                "缴纳金额 {amount} 元与决定书的罚款 {fine} 元不同",
                amount=amount,
                fine=row["fine_yuan"],
            ),
        )
    render_object(env, row, [("document", N_("SHA-256")), *COLUMNS], "json" if as_json else "table")
    if not done.already:
        info(
            env,
            _(
                "已登记 {number} 的罚款于 {date} 缴纳",
                number=row.get("doc_number") or row["document"][:12],
                date=row["paid_on"],
            ),
        )
