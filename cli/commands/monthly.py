"""credit monthly-check"""

from __future__ import annotations

from pathlib import Path

import click

from archive.i18n import N_, _, join_items
from cli.base import Command, DateType, XlsxPath, exit_with, get_env, option
from cli.output import dumps, info, output_options, render_rows

COLUMNS = [
    ("month", N_("月份")),
    ("kind_label", N_("报送方")),
    ("credit_code", N_("统一社会信用代码")),
    ("name", N_("单位名称")),
    ("section", N_("负责股室")),
    ("industry", N_("行业")),
    ("requirement", N_("应报资料")),
    ("status_text", N_("状态")),
    ("due", N_("截止日")),
    ("received_on", N_("收到日期")),
    ("days_late_text", N_("逾期")),
    ("document_text", N_("计入的文书")),
    ("reason", N_("说明")),
]
# --csv: the English keys, one value per cell (lists joined with |)
CSV_COLUMNS = [
    ("month", "month"),
    ("kind", "kind"),
    ("credit_code", "credit_code"),
    ("name", "name"),
    ("section", "section"),
    ("industry", "industry"),
    ("town", "town"),
    ("requirement", "requirement"),
    ("status", "status"),
    ("status_label", "status_label"),
    ("due", "due"),
    ("deadline", "deadline"),
    ("received_on", "received_on"),
    ("days_late", "days_late"),
    ("days_counted", "days_counted"),
    ("topics_missing", "topics_missing"),
    ("signed", "signed"),
    ("document_sha256", "document_sha256"),
    ("document_file", "document_file"),
    ("reason", "reason"),
    ("duplicates", "duplicates"),
]
TOTAL_COLUMNS = [
    ("by_label", N_("分组")),
    ("name", N_("单位名称")),
    ("owed", N_("应报")),
    ("on_time", N_("按时")),
    ("late", N_("逾期提交")),
    ("incomplete", N_("不完整")),
    ("missing", N_("未提交")),
    ("unregistered", N_("未登记单位")),
    ("not_due", N_("未到期")),
    ("uncounted", N_("无法计算")),
    ("not_owed", N_("无需报送")),
    ("needs_action", N_("需处理")),
    ("submission_label", N_("股室资料")),
]
# The table for people: the month is in its title, a section row has no credit code.
TABLE_COLUMNS = [column for column in COLUMNS if column[0] not in ("month", "kind_label")]
BY_LABELS = {"section": N_("负责股室"), "industry": N_("行业"), "all": N_("合计")}
KIND_LABELS = {"enterprise": N_("单位"), "section": N_("股室")}
FILLS = {  # status → fill colour in --xlsx
    "on_time": "C6EFCE",
    "late": "FFEB9C",
    "incomplete": "F8CBAD",
    "missing": "FFC7CE",
    "unregistered": "D9D2E9",
    "not_due": "EDEDED",
    "not_owed": "EDEDED",
    "uncounted": "BDD7EE",
}


def _for_people(row: dict) -> dict:
    from archive.monthly import STATUS_LABELS

    document = row.get("document") or {}
    days = row.get("days_late")
    if row.get("days_counted") == "workdays":
        late = _("{days} 个工作日", days=days)
    else:
        late = _("{days} 天", days=days)
    return {
        **row,
        "status_text": _(STATUS_LABELS[row["status"]]),
        "kind_label": _(KIND_LABELS.get(row["kind"], row["kind"])),
        "days_late_text": late if days is not None else "",
        "document_text": document.get("file") or "",
        "document_sha256": document.get("sha256"),
        "document_file": document.get("file"),
    }


def _total_for_people(total: dict) -> dict:
    from archive.monthly import STATUS_LABELS

    submission = total.get("submission")
    return {
        **total,
        "by_label": _(BY_LABELS.get(total["by"], total["by"])),
        "name": total["name"] or ("" if total["by"] == "all" else _("（未填）")),
        "submission_label": _(STATUS_LABELS[submission]) if submission else "",
    }


def _csv_row(row: dict) -> dict:
    """One CSV line: the same in every language (``signed`` true/false, ``status_label`` the
    Chinese label as in --json)."""
    flat = _for_people(row)
    for key in ("topics_missing", "duplicates"):
        flat[key] = "|".join(row.get(key) or [])
    signed = row.get("signed")
    flat["signed"] = "" if signed is None else ("true" if signed else "false")
    return flat


@click.command(cls=Command)
@option("--month", metavar="YYYY-MM", help="核对的月份（默认：截止日已过的最近一个月）。")
@option("--as-of", type=DateType(), metavar="YYYY-MM-DD", help="按这一天的情况核对（默认今天）。")
@option("--section", metavar="SECTION", help="只核对这个股室（它负责的单位和它自己的报送）。")
@option("--industry", metavar="INDUSTRY", help="只核对这个行业的单位。")
@option("--town", metavar="TOWN", help="只核对这个乡镇的单位。")
@option(
    "--xlsx",
    "xlsx",
    type=XlsxPath(),
    metavar="FILE",
    help="另存为 Excel 文件（一张逐项表、一张合计表，按状态着色）。",
)
@option(
    "--remind",
    is_flag=True,
    help="给每个未提交或不完整的单位、股室生成催报通知（编号、二维码、清单），同一缺漏不重复发。",
)
@option(
    "--dry-run", is_flag=True, help="与 --remind 同用：只列出将要发的催报通知，不编号、不写文件。"
)
@option(
    "--reissue", is_flag=True, help="与 --remind 同用：已为同一缺漏发过的也重新发出（取新编号）。"
)
@option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="与 --remind 同用：催报通知的输出文件夹（默认：档案的 out/<日期>/）。",
)
@option(
    "--date",
    "issue_date",
    type=DateType(),
    metavar="YYYY-MM-DD",
    help="与 --remind 同用：催报通知的成文日期（默认今天）。",
)
@output_options
def monthly_check(
    month, as_of, section, industry, town, xlsx, remind, dry_run, reissue, out_dir, issue_date, fmt
) -> None:
    """按月核对报送：每家单位的诚信履行情况报告表、每个股室的资料，按时、逾期、未交或不完整。

    报送要求（谁报、报什么、截止日、宽限期）在 credit.toml 的 [[monthly.requirements]] 中设置，
    credit config 可查看。逾期收到的报告仍计入，记为逾期提交。有未提交、不完整或未登记单位
    的报告时退出码为 10，全部无需处理时为 0。--json 输出 {month, as_of, start, rows, totals}，
    各键的含义见 README。

    加 --remind 时，给当月每个有缺漏的单位发“安全生产诚信履行情况报告催报通知”，给每个
    有缺漏的股室发“安全生产诚信体系建设资料催报通知”，列出所缺（整份报告、未填的栏目、
    未签字），期限为核对日期后 monthly.remind_workdays 个工作日（默认 5）。同一单位、同一
    月份、同样的缺漏已发过的不再发，除非加 --reissue。有文书生成失败时退出码为 3。

    \b
    示例：
      credit monthly-check
      credit monthly-check --month 2026-10 --section 危化股
      credit monthly-check --month 2026-10 --as-of 2026-11-20 --json
      credit monthly-check --xlsx 月报核对.xlsx || echo 有需要催报的单位
      credit monthly-check --month 2026-10 --remind --dry-run
      credit monthly-check --month 2026-10 --remind
    """
    from datetime import date

    from archive.monthly import check

    env = get_env()
    if not remind:
        used = [
            name
            for name, value in (
                ("--dry-run", dry_run),
                ("--reissue", reissue),
                ("--out", out_dir),
                ("--date", issue_date),
            )
            if value
        ]
        if used:
            raise click.UsageError(_("{options} 只能与 --remind 同用", options=join_items(used)))
    elif fmt in ("csv", "nl"):
        raise click.UsageError(_("--remind 的结果只能以表格或 --json 输出"))
    archive = env.open_archive()
    if remind:
        _remind(
            env,
            archive,
            month,
            as_of,
            section,
            industry,
            town,
            xlsx,
            dry_run,
            reissue,
            out_dir,
            issue_date,
            fmt,
        )
        return
    report = check(
        archive,
        month,
        as_of.date() if as_of else date.today(),
        section=section,
        industry=industry,
        town=town,
    )
    if xlsx is not None:
        _write_xlsx(xlsx, report)
    if fmt == "json":
        click.echo(dumps(report.as_dict()), file=env.stdout)
    elif fmt == "csv":
        render_rows(env, [_csv_row(row) for row in report.rows], CSV_COLUMNS, fmt)
    elif fmt == "nl":
        render_rows(env, report.rows, CSV_COLUMNS, fmt)
    else:
        title = _("{month} 月度报送核对（截至 {as_of}）", month=report.month, as_of=report.as_of)
        render_rows(
            env,
            [_for_people(row) for row in report.rows],
            TABLE_COLUMNS,
            fmt,
            title=title,
            empty=_("没有应报送的单位或股室。"),
        )
        render_rows(
            env,
            [_total_for_people(total) for total in report.totals],
            TOTAL_COLUMNS,
            fmt,
            title=_("合计"),
        )
        counts = report.counts()
        info(
            env,
            _(
                "按时 {on_time}，逾期提交 {late}，不完整 {incomplete}，未提交 {missing}，"
                "未到期 {not_due}。",
                on_time=counts["on_time"],
                late=counts["late"],
                incomplete=counts["incomplete"],
                missing=counts["missing"],
                not_due=counts["not_due"],
            ),
        )
        if counts["unregistered"]:
            info(
                env,
                _(
                    "不在名册中的单位的报告：{count} 份（{codes}）",
                    count=counts["unregistered"],
                    codes=join_items(
                        row["credit_code"] or "?"
                        for row in report.rows
                        if row["status"] == "unregistered"
                    ),
                ),
            )
    if xlsx is not None:
        info(env, _("已写入 {path}", path=xlsx))
    exit_with(report)


REMIND_COLUMNS = [
    ("status_label", N_("结果")),
    ("serial", N_("编号")),
    ("credit_code", N_("统一社会信用代码")),
    ("name", N_("单位/股室")),
    ("missing_text", N_("所缺")),
    ("deadline", N_("期限")),
    ("file", N_("文件")),
    ("reason", N_("说明")),
]


def _remind(
    env,
    archive,
    month,
    as_of,
    section,
    industry,
    town,
    xlsx,
    dry_run,
    reissue,
    out_dir,
    issue_date,
    fmt,
) -> None:
    from datetime import date

    from archive.reminders import remind
    from archive.validation import check_date
    from cli.commands.letters import show_batch
    from cli.output import progress

    checked_on = as_of.date() if as_of else date.today()
    if issue_date:
        # a reminder follows the check it comes from, and is not dated ahead of today
        check_date(
            issue_date.date(),
            what=_("--date：催报通知的成文日期不早于核对日期（--as-of），不晚于今天"),
            earliest=checked_on,
            latest=max(date.today(), checked_on),
        )
    with progress(env, total=None, description=_("生成催报通知")) as advance:
        report = remind(
            archive,
            month,
            as_of.date() if as_of else date.today(),
            section=section,
            industry=industry,
            town=town,
            out_dir=out_dir,
            issue_date=issue_date.date() if issue_date else None,
            dry_run=dry_run,
            reissue=reissue,
            on_progress=advance,
        )
    if xlsx is not None:
        _write_xlsx(xlsx, report.check)
    checked = report.check
    if fmt != "json":
        counts = checked.counts()
        info(
            env,
            _(
                "{month} 月度报送核对（截至 {as_of}）：未提交 {missing}，不完整 {incomplete}。",
                month=checked.month,
                as_of=checked.as_of,
                missing=counts["missing"],
                incomplete=counts["incomplete"],
            ),
        )
    if not report.letters.letters:
        if fmt == "json":
            click.echo(
                dumps(
                    {
                        "check": checked.as_dict(),
                        "out_dir": None,
                        "dry_run": dry_run,
                        "manifest": None,
                        "letters": [],
                    }
                ),
                file=env.stdout,
            )
        else:
            info(env, _("没有需要催报的单位或股室。"))
    else:
        show_batch(
            env,
            archive,
            report.letters,
            dry_run=dry_run,
            as_json=fmt == "json",
            columns=REMIND_COLUMNS,
            extra_json={"check": checked.as_dict()},
            row_extra=lambda letter: {
                "period": checked.month,
                "missing": list(letter.facts.get("missing") or []),
                "missing_text": "；".join(letter.facts.get("missing") or []),
                "deadline": letter.facts.get("deadline"),
            },
        )
    if xlsx is not None:
        info(env, _("已写入 {path}", path=xlsx))
    exit_with(report)


def _write_xlsx(path: Path, report) -> None:
    from archive.monthly import STATUS_LABELS
    from archive.xlsx import Sheet, write_workbook

    rows = [_for_people(row) for row in report.rows]
    for row in rows:
        row["topics_missing"] = "、".join(row.get("topics_missing") or [])
        row["duplicates"] = "、".join(row.get("duplicates") or [])
        # days late as a number (a sum or a filter works on it), its unit in the next column
        row["days_unit"] = (
            (_("按工作日") if row["days_counted"] == "workdays" else _("按自然日"))
            if row.get("days_late") is not None
            else ""
        )
    late_at = [key for key, _label in COLUMNS].index("days_late_text")
    columns = [
        *COLUMNS[:7],
        ("town", N_("所属乡镇")),
        *COLUMNS[7:late_at],
        ("days_late", N_("逾期天数")),
        ("days_unit", N_("天数单位")),
        *COLUMNS[late_at + 1 :],
        ("topics_missing", N_("未填栏目")),
        ("signed", N_("已签字")),
        ("document_sha256", N_("文书 SHA-256")),
    ]
    write_workbook(
        path,
        [
            Sheet(
                _("{month} 逐项", month=report.month),
                [(key, _(label)) for key, label in columns],
                rows,
                status="status_text",
                fills={_(STATUS_LABELS[status]): colour for status, colour in FILLS.items()},
            ),
            Sheet(
                _("合计"),
                [(key, _(label)) for key, label in TOTAL_COLUMNS],
                [_total_for_people(total) for total in report.totals],
            ),
        ],
    )
