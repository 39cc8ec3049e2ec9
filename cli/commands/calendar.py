"""credit calendar DATE [--add N [--workdays] | --years N | --months N] / credit calendar check YEAR"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import click

from archive.errors import ArchiveNotFound, UsageError
from archive.i18n import _, join_items
from cli.base import Command, DateType, Env, Group, get_env, option
from cli.output import dumps, warn

if TYPE_CHECKING:
    from archive.workdays import WorkCalendar

DEFAULT_COMMAND = "date"


class DateFirstGroup(Group):
    """A group whose first argument may be a date: ``credit calendar 2026-09-30 --add 5`` runs
    the ``date`` subcommand, ``credit calendar check 2027`` the ``check`` one."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and self._is_date_form(ctx, args[0]):
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)

    def _is_date_form(self, ctx: click.Context, first: str) -> bool:
        """Not a subcommand and not ``--help``; a word of Latin letters (``chek``) stays a
        mistyped subcommand, which click names as such."""
        if first in self.list_commands(ctx) or first in ctx.help_option_names:
            return False
        return not (first.isascii() and first.isalpha())


@click.group(
    cls=DateFirstGroup,
    subcommand_metavar="YYYY-MM-DD [OPTIONS] | check YYYY",
)
def calendar() -> None:
    """工作日日历：某日之后 N 个（工作）日是哪天，某年的节假日数据从哪里来。

    法定节假日和调休上班日取自 chinesecalendar 软件包（到 2026 年）和档案的 holidays.toml
    （按国务院办公厅每年的放假通知填写；档案写了的年份以档案为准）。没有数据的年份不猜：
    退出码 1，并说明该填哪个文件。

    \b
    两种用法：
      credit calendar 日期 [--add N [--workdays] | --years N | --months N] [--json]
      credit calendar check 年份 [--json]

    \b
    示例：
      credit calendar 2026-09-30 --add 5 --workdays    5 个工作日后（跨国庆）
      credit calendar 2026-09-16 --add 15              15 日后，逢节假日顺延
      credit calendar 2025-10-01 --years 1             一年期满之日
      credit calendar 2026-10-01                       这一天是否工作日
      credit calendar check 2027                       2027 年的数据从哪里来
    """


def _calendar(env: Env) -> WorkCalendar:
    """The archive's calendar when there is an archive; the package's alone otherwise.

    An archive named by ``--archive`` or ``CREDIT_ARCHIVE`` must exist; one looked for from
    the current folder may be missing."""
    from archive.workdays import calendar_for

    if env.archive_path or os.environ.get("CREDIT_ARCHIVE"):
        return calendar_for(env.open_archive())
    try:
        archive = env.open_archive()
    except ArchiveNotFound:
        archive = None
    return calendar_for(archive)


@calendar.command(name=DEFAULT_COMMAND, cls=Command)
@click.argument("day", metavar="YYYY-MM-DD", type=DateType())
@option(
    "--add",
    "n",
    type=click.IntRange(min=0),
    metavar="N",
    help="往后数 N 日（从次日起算；期末逢休息日顺延到下一个工作日）。",
)
@option("--workdays", is_flag=True, help="与 --add 同用：只数工作日（调休上班日计入）。")
@option(
    "--years",
    type=click.IntRange(min=0),
    metavar="N",
    help="N 年后的同一日（2 月 29 日按 2 月 28 日），逢休息日顺延。",
)
@option(
    "--months",
    type=click.IntRange(min=0),
    metavar="N",
    help="N 个月后的同一日（该月没有这一日时取月末），逢休息日顺延。",
)
@option("--no-roll", is_flag=True, help="与 --years/--months 同用：期末逢休息日不顺延。")
@option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
def date_(
    day: Any,
    n: int | None,
    workdays: bool,
    years: int | None,
    months: int | None,
    no_roll: bool,
    as_json: bool,
) -> None:
    """某日之后 N 个（工作）日、N 年或 N 个月是哪天；不加 --add 等则说明这一天本身。

    从次日起算。按自然日数的期限，最后一天逢法定节假日或周末顺延到下一个工作日；
    --workdays 只数工作日；--years 为 N 年后的同一日。输出说明怎样算的、是否顺延及从哪天
    顺延、用到的每一年的数据来源。N 不能为负数。

    \b
    示例：
      credit calendar 2026-09-30 --add 5 --workdays
      credit calendar date 2026-09-16 --add 15
      credit calendar 2024-02-29 --years 1
      credit calendar 2026-12-31 --add 3 --workdays --json
    """
    from archive.workdays import COUNT_DAYS, COUNT_MONTHS, COUNT_WORKDAYS, COUNT_YEARS, count_from

    given = [
        name
        for name, value in (("--add", n), ("--years", years), ("--months", months))
        if value is not None
    ]
    if len(given) > 1:
        raise UsageError(
            _("{options} 只能用一个", options=join_items(given)),
            _("分开运行，每次算一种期限"),
        )
    if workdays and n is None:
        raise UsageError(
            _("--workdays 要与 --add N 同用"),
            _("如：credit calendar 2026-09-30 --add 5 --workdays"),
        )
    if no_roll and years is None and months is None:
        raise UsageError(
            _("--no-roll 只用于 --years 或 --months"),
            _("按日数的期限末日逢休息日总是顺延"),
        )
    if n is not None:
        count, unit = n, COUNT_WORKDAYS if workdays else COUNT_DAYS
    elif years is not None:
        count, unit = years, COUNT_YEARS
    elif months is not None:
        count, unit = months, COUNT_MONTHS
    else:
        count, unit = None, COUNT_DAYS
    env = get_env()
    answer = count_from(_calendar(env), day.date(), n=count, unit=unit, roll=not no_roll)
    if as_json:
        click.echo(dumps(answer), file=env.stdout)
        return
    for line in _explain(answer):
        click.echo(line, file=env.stdout)


def _weekday(number: int) -> str:
    from archive.workdays import WEEKDAYS

    return _(WEEKDAYS[number - 1])


def _day(described: dict[str, Any]) -> str:
    weekday = _weekday(described["weekday"])
    if described["make_up_workday"]:
        return _("{date}（{weekday}，调休上班）", date=described["date"], weekday=weekday)
    return _("{date}（{weekday}）", date=described["date"], weekday=weekday)


def _kind(described: dict[str, Any]) -> str:
    if described["holiday"]:
        return _("休息日（{holiday}）", holiday=described["holiday"])
    if described["make_up_workday"]:
        return _("工作日（调休上班）")
    if described["workday"]:
        return _("工作日")
    return _("休息日（周末）")


def _explain(answer: dict[str, Any]) -> list[str]:
    from datetime import date

    start = date.fromisoformat(answer["start"])
    start_text = _(
        "{date}（{weekday}）", date=start.isoformat(), weekday=_weekday(start.isoweekday())
    )
    result = answer["result"]
    count = answer["count"]
    lines = []
    if count is None:
        lines.append(_("{day}：{kind}", day=_day(result), kind=_kind(result)))
    else:
        n, unit = count["n"], count["unit"]
        after = {
            "workdays": _("{n} 个工作日", n=n),
            "days": _("{n} 日", n=n),
            "years": _("{n} 年", n=n),
            "months": _("{n} 个月", n=n),
        }[unit]
        lines.append(
            _("{start}之后 {after}：{result}", start=start_text, after=after, result=_day(result))
        )
        if unit == "workdays":
            how = _("从次日起算，只数工作日（法定节假日和周末不计，调休上班日计入）。")
        elif unit == "days":
            how = _(
                "从次日起算 {n} 个自然日，到 {end}；期末逢法定节假日或周末顺延到下一个工作日。",
                n=n,
                end=answer["unadjusted"],
            )
        else:
            how = _(
                "{after}后的同一日是 {end}（没有这一日的月份取月末，如 2 月 29 日按 2 月 28 日）",
                after=after,
                end=answer["unadjusted"],
            ) + (
                _("；逢法定节假日或周末顺延到下一个工作日。") if count["roll"] else _("；不顺延。")
            )
        lines.append(_("算法：{how}", how=how))
        if answer["moved"]:
            moved = answer["moved_from"]
            lines.append(
                _(
                    "顺延：{day} 是{kind}，顺延到 {result}。",
                    day=moved["date"],
                    kind=_kind(moved),
                    result=result["date"],
                )
            )
        elif unit != "workdays":
            lines.append(_("未顺延：{day} 是{kind}。", day=result["date"], kind=_kind(result)))
    if answer["sources"]:
        lines.append(
            _("数据：{sources}", sources=_("；").join(_source(item) for item in answer["sources"]))
        )
    return lines


def _source(item: dict[str, Any]) -> str:
    if item["source"] == "package":
        return _(
            "{year} 年 chinesecalendar {version}（软件包）",
            year=item["year"],
            version=item["package_version"] or "",
        )
    if item["notice"]:
        return _(
            "{year} 年 {file}（{notice}）",
            year=item["year"],
            file=item["file"],
            notice=item["notice"],
        )
    return _("{year} 年 {file}", year=item["year"], file=item["file"])


@calendar.command(cls=Command)
@click.argument("year", metavar="YYYY", type=click.IntRange(min=1, max=9999))
@option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
def check(year: int, as_json: bool) -> None:
    """说明某年的节假日数据从哪里来：chinesecalendar 软件包、档案的 holidays.toml，或没有。

    并列出该年的节日和调休上班日，以及需要核对的地方（如缺少某个法定节日）。

    没有数据时退出码为 1，并说明该填哪个文件。

    \b
    示例：
      credit calendar check 2026
      credit calendar check 2027 --json
    """
    from archive.workdays import check_year

    env = get_env()
    report = check_year(_calendar(env), year)
    if as_json:
        click.echo(dumps(report), file=env.stdout)
    else:
        for line in _report_lines(report):
            click.echo(line, file=env.stdout)
    for warning in report["warnings"]:
        warn(env, warning)


def _report_lines(report: dict[str, Any]) -> list[str]:
    lines = [_("数据来源：{source}", source=_source(report))]
    if report["adds_to_package"]:
        lines.append(_("（在 chinesecalendar 该年的数据上补充）"))
    if report["notice"]:
        lines.append(_("通知：{notice}", notice=report["notice"]))
    lines.append(
        _(
            "放假：{count} 个节日，共 {days} 天",
            count=len(report["holidays"]),
            days=report["holiday_days"],
        )
    )
    for holiday in report["holidays"]:
        lines.append(
            _(
                "  {name}  {start} 至 {end}  {days} 天",
                name=holiday["name"],
                start=holiday["from"],
                end=holiday["to"],
                days=holiday["days"],
            )
        )
    workdays = report["workdays"]
    lines.append(
        _(
            "调休上班：{count} 天{days}",
            count=len(workdays),
            days=_("：{days}", days=join_items(workdays)) if workdays else "",
        )
    )
    return lines
