"""The working-day calendar: which days are working days, and how periods are counted.

Two sources, year by year:

- the ``chinesecalendar`` package (``import chinese_calendar``), which holds the State
  Council's holiday arrangements for 2004 up to its last year (2026 in version 1.11);
- ``<archive>/holidays.toml``, written by a clerk from the State Council's notice
  (国务院办公厅关于XXXX年部分节假日安排的通知), for the years the package lacks.  A year
  the file lists wins over the package's data for that year (an override).

A year neither gives is a :class:`CalendarGap` (exit 1) naming the year and the file to fill:
never a guess.  A counting that stays inside covered years never raises.

Counting follows domain.md §6: it starts the day after the event; a calendar-day period
ending on a rest day moves to the next working day; a working-day period counts working
days; a year-long term ends on the same date a year later (29 February → 28 February).

holidays.toml, in the notice's terms (放假 with 调休上班)::

    [2027]
    notice = "国务院办公厅关于2027年部分节假日安排的通知"
    holidays = [
      { name = "元旦", from = 2027-01-01, to = 2027-01-01 },
      { name = "春节", from = 2027-02-06, to = 2027-02-13 },
    ]
    workdays = [2027-02-20]      # 调休上班：these weekend days are working days

Weekends are rest days unless listed under ``workdays``; the days of each holiday are rest
days.  ``to`` may be left out for a one-day holiday.  ``add_to_package = true`` in a year the
package covers adds the section's days to the package's instead of replacing them (a notice
naming a make-up working day in the December before).
"""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from archive.errors import CreditError, UsageError
from archive.i18n import N_, _, describe_error, join_items

HOLIDAYS_FILE = "holidays.toml"


class _ArchiveLike(Protocol):
    """What the calendar needs of an :class:`archive.store.Archive`: its folder.  (Not the
    class itself: ``archive.store`` imports this module to write the template at init.)"""

    root: Path


# The seven statutory festivals (全国年节及纪念日放假办法), in the notice's order.
FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
# chinesecalendar's names → the notice's names.
_PACKAGE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
WEEKDAYS = (
    N_("星期一"),
    N_("星期二"),
    N_("星期三"),
    N_("星期四"),
    N_("星期五"),
    N_("星期六"),
    N_("星期日"),
)

SOURCE_ARCHIVE = "archive"
SOURCE_PACKAGE = "package"


class CalendarGap(CreditError):
    """A year whose holidays neither chinesecalendar nor holidays.toml gives (exit 1)."""

    def __init__(self, year: int, path: Path | None):
        self.year = year
        self.path = path
        last = package_years()
        covered = _("chinesecalendar 只有 {first}–{last} 年的数据", first=last[0], last=last[-1])
        if path is not None:
            message = _(
                "没有 {year} 年的节假日安排（{covered}，{path} 中也没有 [{year}]），无法计算工作日",
                year=year,
                covered=covered,
                path=path,
            )
            hint = _(
                "按国务院办公厅关于 {year} 年部分节假日安排的通知，在 {path} 中写入 [{year}] 的放假和调休上班日期（格式见 README“工作日与节假日”）",
                year=year,
                path=path,
            )
        else:
            message = _(
                "没有 {year} 年的节假日安排（{covered}），无法计算工作日",
                year=year,
                covered=covered,
            )
            hint = _(
                "用 --archive 指定档案（或先 credit init 新建一个），再按国务院办公厅的通知在档案的 {file} 中写入 [{year}]",
                file=HOLIDAYS_FILE,
                year=year,
            )
        super().__init__(message, hint)

    def __reduce__(self):  # picklable across processes (the pool), rebuilt from year and path
        return (type(self), (self.year, self.path))


class HolidaysFileError(CreditError):
    """holidays.toml cannot be read or says something impossible (exit 1)."""


@dataclass(frozen=True)
class Holiday:
    """One holiday of a notice: its name and its first and last rest day."""

    name: str
    start: date
    end: date

    def days(self) -> list[date]:
        return [self.start + timedelta(n) for n in range((self.end - self.start).days + 1)]


@dataclass
class YearData:
    """One year's arrangement: holidays (rest days) and make-up working days (调休上班)."""

    year: int
    source: str  # SOURCE_ARCHIVE or SOURCE_PACKAGE
    holidays: tuple[Holiday, ...]
    workdays: frozenset[date]
    notice: str | None = None
    path: Path | None = None
    adds_to_package: bool = False  # holidays.toml's add_to_package = true
    _rest: dict[date, str] = field(default_factory=dict, repr=False)
    _work: list[int] | None = field(default=None, repr=False)  # ordinals of working days

    def __post_init__(self) -> None:
        for holiday in self.holidays:
            for day in holiday.days():
                self._rest[day] = holiday.name

    def holiday_name(self, day: date) -> str | None:
        return self._rest.get(day)

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self._rest:
            return False
        return day.weekday() < 5

    def working_ordinals(self) -> list[int]:
        """The year's working days as ordinals, sorted (built once)."""
        if self._work is None:
            first = date(self.year, 1, 1).toordinal()
            last = date(self.year, 12, 31).toordinal()
            self._work = [n for n in range(first, last + 1) if self.is_workday(date.fromordinal(n))]
        return self._work


# -- the package's data ----------------------------------------------------------------------


_PACKAGE: dict[int, YearData] | None = None


def _package() -> dict[int, YearData]:
    """chinesecalendar's years, read once (imported here: ``credit --help`` never loads it)."""
    global _PACKAGE
    if _PACKAGE is None:
        from chinese_calendar import constants

        rest: dict[int, dict[date, str]] = {}
        for day, name in constants.holidays.items():
            rest.setdefault(day.year, {})[day] = _PACKAGE_NAMES.get(name, name)
        work: dict[int, set[date]] = {}
        for day in constants.workdays:
            work.setdefault(day.year, set()).add(day)
        years = range(min(rest), max(rest) + 1)
        _PACKAGE = {
            year: YearData(
                year,
                SOURCE_PACKAGE,
                _runs(rest.get(year, {}), work.get(year, set())),
                frozenset(work.get(year, ())),
            )
            for year in years
        }
    return _PACKAGE


def _runs(days: dict[date, str], workdays: set[date]) -> tuple[Holiday, ...]:
    """Rest days of one name, as the notice's holidays: consecutive days, and days apart by a
    weekend only (chinesecalendar lists some years' holidays without their Saturday or
    Sunday: 端午节 2015 is 06-20 and 06-22)."""
    holidays: list[Holiday] = []
    for day in sorted(days):
        name = days[day]
        last = holidays[-1] if holidays else None
        if last and last.name == name and _only_weekend_between(last.end, day, workdays):
            holidays[-1] = Holiday(name, last.start, day)
        else:
            holidays.append(Holiday(name, day, day))
    return tuple(holidays)


def _only_weekend_between(first: date, last: date, workdays: set[date]) -> bool:
    day = first + timedelta(1)
    while day < last:
        if day.weekday() < 5 or day in workdays:
            return False
        day += timedelta(1)
    return True


def package_years() -> tuple[int, int]:
    """The first and last year chinesecalendar covers."""
    years = _package()
    return min(years), max(years)


# -- holidays.toml ---------------------------------------------------------------------------

_YEAR_KEYS = {"notice", "holidays", "workdays", "add_to_package"}
_HOLIDAY_KEYS = {"name", "from", "to"}
_YEAR = re.compile(r"[12][0-9]{3}")


def load_holidays(path: Path) -> dict[int, YearData]:
    """Read and check holidays.toml; every problem names the file (and the line where known)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise HolidaysFileError(
            _("无法读取节假日文件 {path}：{error}", path=path, error=describe_error(exc)),
            _("检查文件是否存在、是否有权限"),
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
        table = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise HolidaysFileError(
            _("节假日文件 {path} 格式有误：{error}", path=path, error=describe_error(exc)),
            _("用记事本打开该文件改正；格式见 README“工作日与节假日”"),
        ) from exc
    lines = text.splitlines()
    years: dict[int, YearData] = {}
    for key, value in table.items():
        if not _YEAR.fullmatch(key):
            _fail(
                path,
                lines,
                None,
                key,
                _("不认识的项 {key}：每一节应是一个年份，如 [2027]", key=key),
            )
        year = int(key)
        if not isinstance(value, dict):
            _fail(path, lines, year, key, _("{key} 应是一节 [{key}]，不是一个值", key=key))
        years[year] = _read_year(path, lines, year, value)
    return years


def _fail(path: Path, lines: list[str], year: int | None, needle: str, problem: str) -> None:
    line = _line_of(lines, year, needle)
    if line:
        message = _(
            "节假日文件 {path} 第 {line} 行：{problem}", path=path, line=line, problem=problem
        )
    else:
        message = _("节假日文件 {path}：{problem}", path=path, problem=problem)
    raise HolidaysFileError(
        message, _("按国务院办公厅的通知改正该文件；格式见 README“工作日与节假日”")
    )


def _line_of(lines: list[str], year: int | None, needle: str) -> int | None:
    """The line holding ``needle``, looked for from the year's ``[YYYY]`` header on (tomllib
    gives no positions for values that parse well but mean nothing)."""
    start = 0
    if year is not None:
        header = re.compile(rf"^\s*\[\[?\s*[\"']?{year}[\"']?\s*[\].]")
        for number, line in enumerate(lines):
            if header.match(line):
                start = number
                break
    for number in range(start, len(lines)):
        content = lines[number].split("#", 1)[0]
        if needle in content:
            return number + 1
    return None


def _read_year(path: Path, lines: list[str], year: int, table: dict[str, Any]) -> YearData:
    for key in table:
        if key not in _YEAR_KEYS:
            _fail(
                path,
                lines,
                year,
                key,
                _(
                    "[{year}] 中有不认识的项 {key}（可用：{keys}）",
                    year=year,
                    key=key,
                    keys=join_items(sorted(_YEAR_KEYS)),
                ),
            )
    notice = table.get("notice")
    if notice is not None and (not isinstance(notice, str) or not notice.strip()):
        _fail(
            path, lines, year, "notice", _("[{year}] 的 notice 应是通知的标题（文字）", year=year)
        )
    raw_holidays = table.get("holidays", [])
    if not isinstance(raw_holidays, list):
        _fail(path, lines, year, "holidays", _("[{year}] 的 holidays 应是一个列表", year=year))
    holidays: list[Holiday] = []
    rest: dict[date, str] = {}
    for item in raw_holidays:
        holiday = _read_holiday(path, lines, year, item)
        for day in holiday.days():
            if day in rest:
                _fail(
                    path,
                    lines,
                    year,
                    holiday.name,
                    _(
                        "[{year}] 中 {day} 同时属于“{first}”和“{second}”",
                        year=year,
                        day=day.isoformat(),
                        first=rest[day],
                        second=holiday.name,
                    ),
                )
            rest[day] = holiday.name
        holidays.append(holiday)
    raw_workdays = table.get("workdays", [])
    if not isinstance(raw_workdays, list):
        _fail(path, lines, year, "workdays", _("[{year}] 的 workdays 应是日期的列表", year=year))
    workdays: set[date] = set()
    for day in raw_workdays:
        day = _read_date(path, lines, year, "workdays", day)
        if day in rest:
            _fail(
                path,
                lines,
                year,
                day.isoformat(),
                _(
                    "[{year}] 中 {day} 既是调休上班日（workdays），又是“{name}”的放假日",
                    year=year,
                    day=day.isoformat(),
                    name=rest[day],
                ),
            )
        if day in workdays:
            _fail(
                path,
                lines,
                year,
                day.isoformat(),
                _("[{year}] 的 workdays 中 {day} 写了两次", year=year, day=day.isoformat()),
            )
        workdays.add(day)
    add = table.get("add_to_package", False)
    if not isinstance(add, bool):
        _fail(
            path,
            lines,
            year,
            "add_to_package",
            _("[{year}] 的 add_to_package 应是 true 或 false", year=year),
        )
    if not holidays and not add:
        # A bare [2027] (a header uncommented alone) would count Spring Festival as working
        # days: every year has statutory holidays, so a year without any is unfinished.
        _fail(
            path,
            lines,
            year,
            str(year),
            _(
                "[{year}] 没有列出任何放假日（holidays）：每年都有元旦、春节等法定节假日，"
                "请按国务院办公厅的通知写全，或删除这一节",
                year=year,
            ),
        )
    if add:
        holidays, workdays = _add_to_package(path, lines, year, holidays, workdays)
    holidays.sort(key=lambda item: item.start)
    return YearData(
        year,
        SOURCE_ARCHIVE,
        tuple(holidays),
        frozenset(workdays),
        notice=notice.strip() if isinstance(notice, str) else None,
        path=path,
        adds_to_package=add,
    )


def _add_to_package(
    path: Path, lines: list[str], year: int, holidays: list[Holiday], workdays: set[date]
) -> tuple[list[Holiday], set[date]]:
    """``add_to_package = true``: the year's package data plus what the section lists (a notice
    that names a day of the year before, such as a make-up working day in late December)."""
    package = _package().get(year)
    if package is None:
        _fail(
            path,
            lines,
            year,
            "add_to_package",
            _(
                "[{year}] 写了 add_to_package = true，但 chinesecalendar 没有 {year} 年的数据",
                year=year,
            ),
        )
    assert package is not None
    for holiday in holidays:
        for day in holiday.days():
            if day in package.workdays or package.holiday_name(day):
                _fail(
                    path,
                    lines,
                    year,
                    holiday.name,
                    _(
                        "[{year}] 的“{name}”含 {day}，它在 chinesecalendar 中已是{kind}",
                        year=year,
                        name=holiday.name,
                        day=day.isoformat(),
                        kind=_("调休上班日")
                        if day in package.workdays
                        else _("“{name}”的放假日", name=package.holiday_name(day)),
                    ),
                )
    for day in workdays:
        if day in package.workdays or package.holiday_name(day):
            _fail(
                path,
                lines,
                year,
                day.isoformat(),
                _(
                    "[{year}] 的 workdays 中 {day} 在 chinesecalendar 中已是{kind}",
                    year=year,
                    day=day.isoformat(),
                    kind=_("调休上班日")
                    if day in package.workdays
                    else _("“{name}”的放假日", name=package.holiday_name(day)),
                ),
            )
    return [*package.holidays, *holidays], workdays | package.workdays


def _read_holiday(path: Path, lines: list[str], year: int, item: Any) -> Holiday:
    if not isinstance(item, dict):
        _fail(
            path,
            lines,
            year,
            "holidays",
            _(
                '[{year}] 的 holidays 中每一项应写成 {{ name = "春节", from = 日期, to = 日期 }}',
                year=year,
            ),
        )
    for key in item:
        if key not in _HOLIDAY_KEYS:
            _fail(
                path,
                lines,
                year,
                key,
                _(
                    "[{year}] 的 holidays 中有不认识的项 {key}（可用：{keys}）",
                    year=year,
                    key=key,
                    keys="name、from、to",
                ),
            )
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        _fail(
            path,
            lines,
            year,
            "holidays",
            _("[{year}] 的 holidays 中有一项没有 name（节日名称）", year=year),
        )
    name = name.strip()
    if "from" not in item:
        _fail(
            path,
            lines,
            year,
            name,
            _("[{year}] 的“{name}”没有 from（放假的第一天）", year=year, name=name),
        )
    start = _read_date(path, lines, year, name, item["from"])
    end = _read_date(path, lines, year, name, item.get("to", start))
    if start > end:
        _fail(
            path,
            lines,
            year,
            name,
            _(
                "[{year}] 的“{name}”从 {start} 到 {end}：开始晚于结束",
                year=year,
                name=name,
                start=start.isoformat(),
                end=end.isoformat(),
            ),
        )
    return Holiday(name, start, end)


def _read_date(path: Path, lines: list[str], year: int, where: str, value: Any) -> date:
    from datetime import datetime

    if isinstance(value, datetime) or not isinstance(value, date):
        _fail(
            path,
            lines,
            year,
            str(value) if isinstance(value, str) and value else where,
            _(
                "[{year}] 中 {value!r} 不是日期：日期写成 2027-01-01（不加引号）",
                year=year,
                value=value if not isinstance(value, date) else str(value),
            ),
        )
    if value.year != year:
        _fail(
            path,
            lines,
            year,
            value.isoformat(),
            _(
                "{day} 不在 {year} 年：[{year}] 只能写 {year} 年的日期，别的年份的日期写进它自己的一节",
                day=value.isoformat(),
                year=year,
            ),
        )
    return value


# What ``credit init`` writes as <archive>/holidays.toml: comments only, so it adds nothing
# until a clerk writes a year into it.
HOLIDAYS_TEMPLATE = """\
# 节假日安排（TOML 格式）：chinesecalendar 软件包没有的年份（2027 年起），在这里按
# 国务院办公厅每年的通知填写。以 # 开头的行是说明。
#
# 通知的标题是“国务院办公厅关于XXXX年部分节假日安排的通知”，一般在上一年 10–12 月发布，
# 见中国政府网（www.gov.cn）“政策 > 最新”或搜索该标题。
#
# 每年一节 [年份]：
#   notice    通知的标题（可不写）
#   holidays  每个节日的放假日期：name 节日名称，from 放假第一天，to 最后一天（只放一天可不写 to）
#   workdays  调休上班的日期（通知中“X月X日（周六）上班”）
# 周六、周日是休息日，除非写在 workdays 中；节日的每一天都是休息日。日期写成 2027-01-01，不加引号；
# 每一节只能写该年的日期。某年在这里写了，就以这里为准（取代软件包中该年的数据）；
# 若只是给软件包已有的年份补几天（如通知中上一年 12 月的调休上班日），在该年一节写
# add_to_package = true，只列出补充的日期，如：
#   [2026]
#   add_to_package = true
#   workdays = [2026-12-26]
# 写好后运行 credit calendar check 年份 核对。
#
# 格式示例（日期仅为示意，请以通知为准；去掉行首的 # 生效）：
#
# [2027]
# notice = "国务院办公厅关于2027年部分节假日安排的通知"
# holidays = [
#   { name = "元旦", from = 2027-01-01, to = 2027-01-03 },
#   { name = "春节", from = 2027-02-06, to = 2027-02-14 },
#   { name = "清明节", from = 2027-04-03, to = 2027-04-05 },
#   { name = "劳动节", from = 2027-05-01, to = 2027-05-05 },
#   { name = "端午节", from = 2027-06-09 },
#   { name = "中秋节", from = 2027-09-15, to = 2027-09-17 },
#   { name = "国庆节", from = 2027-10-01, to = 2027-10-07 },
# ]
# workdays = [2027-02-20, 2027-04-25, 2027-09-26, 2027-10-09]
"""


# -- the calendar ----------------------------------------------------------------------------


class WorkCalendar:
    """Working days over the package's years and the archive's holidays.toml."""

    def __init__(self, overrides: dict[int, YearData] | None = None, path: Path | None = None):
        self.overrides = dict(overrides or {})
        self.path = path  # the archive's holidays.toml (existing or not); None: no archive

    # -- years ---------------------------------------------------------------------------

    def year(self, year: int) -> YearData:
        """The year's data; :class:`CalendarGap` where none is given."""
        data = self.overrides.get(year) or _package().get(year)
        if data is None:
            raise CalendarGap(year, self.path)
        return data

    def source(self, year: int) -> str | None:
        """``"archive"``, ``"package"`` or ``None`` (no data for the year)."""
        if year in self.overrides:
            return SOURCE_ARCHIVE
        if year in _package():
            return SOURCE_PACKAGE
        return None

    # -- days ----------------------------------------------------------------------------

    def is_workday(self, day: date) -> bool:
        return self.year(day.year).is_workday(day)

    def holiday_name(self, day: date) -> str | None:
        """The holiday ``day`` belongs to, or None (a weekend or a working day)."""
        return self.year(day.year).holiday_name(day)

    def roll_forward(self, day: date) -> date:
        """``day`` if it is a working day, else the next working day."""
        data = self.year(day.year)
        ordinals = data.working_ordinals()
        at = bisect.bisect_left(ordinals, day.toordinal())
        while at == len(ordinals):  # no working day left this year: the next year's first
            data = self.year(data.year + 1)
            ordinals = data.working_ordinals()
            at = 0
        return date.fromordinal(ordinals[at])

    # -- periods -------------------------------------------------------------------------

    def add_days(self, start: date, n: int, *, workdays: bool) -> date:
        """The end of an ``n``-day period from ``start`` (domain.md §6).

        Counting starts the day after ``start``.  ``workdays``: the ``n``-th working day after
        ``start`` (``start`` itself when n is 0); otherwise ``start + n`` calendar days, moved
        to the next working day when that is a rest day.
        """
        _check_count(n, "n")
        if not workdays:
            return self.roll_forward(_shift(start, n))
        if n == 0:
            return start
        first = _shift(start, 1)  # the first day counted: start's own year may be uncovered
        year = first.year
        data = self.year(year)
        ordinals = data.working_ordinals()
        at = bisect.bisect_left(ordinals, first.toordinal())  # working days after start
        left = n
        while at + left > len(ordinals):
            left -= len(ordinals) - at
            year += 1
            data = self.year(year)
            ordinals = data.working_ordinals()
            at = 0
        return date.fromordinal(ordinals[at + left - 1])

    def deadline_before(self, start: date, n: int, on: date, *, workdays: bool) -> date | None:
        """The end of the ``n``-day period from ``start`` (as :meth:`add_days`) when it falls
        before ``on`` — the period has run out by ``on`` — else None.

        Only the years up to ``on`` are consulted: a period that ends in a year the calendar
        lacks has surely not run out on a day of a year it covers, so "not yet" is told without
        that year (:class:`CalendarGap` only when the answer truly needs a missing year).
        """
        _check_count(n, "n")
        if not workdays:
            day = _shift(start, n)  # the end is this day, or the next working day after it
            while day < on:
                if self.is_workday(day):
                    return day
                day += timedelta(1)
            return None
        if n == 0:
            return start if start < on else None
        first = _shift(start, 1)
        left = n
        for year in range(first.year, on.year + 1):
            ordinals = self.year(year).working_ordinals()
            low = bisect.bisect_left(ordinals, first.toordinal()) if year == first.year else 0
            high = bisect.bisect_left(ordinals, on.toordinal())  # working days before ``on``
            if high - low >= left:
                return date.fromordinal(ordinals[low + left - 1])
            left -= max(high - low, 0)
        return None

    def add_years(self, start: date, years: int, *, roll: bool = True) -> date:
        """The same date ``years`` later (29 February → 28 February), rolled forward when ``roll``."""
        _check_count(years, "years")
        return self.add_months(start, 12 * years, roll=roll)

    def add_months(self, start: date, months: int, *, roll: bool = True) -> date:
        """The same day ``months`` later (the month's last day where it is shorter: 31 January →
        28/29 February), rolled forward when ``roll``."""
        _check_count(months, "months")
        total = start.year * 12 + start.month - 1 + months
        year, month = divmod(total, 12)
        month += 1
        if year > 9999:
            raise UsageError(
                _(
                    "{start} 之后 {months} 个月超出了可以计算的范围",
                    start=start.isoformat(),
                    months=months,
                )
            )
        last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(1)).day
        end = date(year, month, min(start.day, last))
        return self.roll_forward(end) if roll else end

    def days_between(self, start: date, end: date, *, workdays: bool) -> int:
        """How many days ``d`` with ``start < d <= end`` (only working days when ``workdays``):
        the days overdue of a deadline ``start`` on ``end``.  0 when ``end <= start``."""
        if end <= start:
            return 0
        if not workdays:
            return (end - start).days
        count = 0
        for year in range(_shift(start, 1).year, end.year + 1):
            ordinals = self.year(year).working_ordinals()
            low = bisect.bisect_right(ordinals, start.toordinal())
            high = bisect.bisect_right(ordinals, end.toordinal())
            count += high - low
        return count


def _shift(day: date, n: int) -> date:
    """``day + n`` days, a usage error past the last date Python knows (9999-12-31)."""
    try:
        return day + timedelta(n)
    except OverflowError:
        raise UsageError(
            _("{start} 之后 {n} 日超出了可以计算的范围", start=day.isoformat(), n=n)
        ) from None


def _check_count(n: int, name: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise UsageError(_("{name} 应是不小于 0 的整数，不是 {value!r}", name=name, value=n))


# -- finding the calendar --------------------------------------------------------------------

_CACHE: dict[Path, tuple[tuple[int, int], dict[int, YearData]]] = {}


def calendar_for(archive: _ArchiveLike | None) -> WorkCalendar:
    """chinesecalendar plus ``<archive>/holidays.toml`` (read again only when it changed)."""
    if archive is None:
        return WorkCalendar()
    return calendar_from_file(Path(archive.root) / HOLIDAYS_FILE)


def calendar_from_file(path: Path) -> WorkCalendar:
    """The calendar with ``path`` as the archive's holidays.toml (a missing file adds nothing)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        _CACHE.pop(path, None)
        return WorkCalendar({}, path)
    except OSError as exc:
        raise HolidaysFileError(
            _("无法读取节假日文件 {path}：{error}", path=path, error=describe_error(exc)),
            _("检查文件是否存在、是否有权限"),
        ) from exc
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _CACHE.get(path)
    if cached is None or cached[0] != stamp:
        cached = (stamp, load_holidays(path))
        _CACHE[path] = cached
    return WorkCalendar(cached[1], path)


# -- what ``credit calendar`` shows ----------------------------------------------------------

COUNT_WORKDAYS = "workdays"
COUNT_DAYS = "days"
COUNT_YEARS = "years"
COUNT_MONTHS = "months"


@cache
def package_version() -> str | None:
    """The installed chinesecalendar's version (None if it cannot be told)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chinesecalendar")
    except PackageNotFoundError:
        return None


def describe_source(calendar: WorkCalendar, year: int) -> dict[str, Any]:
    """Where ``year``'s data comes from: ``{year, source, file, notice, package_version}``."""
    source = calendar.source(year)
    data = calendar.year(year) if source else None
    return {
        "year": year,
        "source": source,
        "file": str(data.path) if data is not None and data.path else None,
        "notice": data.notice if data is not None else None,
        "package_version": package_version() if source == SOURCE_PACKAGE else None,
    }


def describe_day(calendar: WorkCalendar, day: date) -> dict[str, Any]:
    """``{date, weekday (1 = Monday … 7), workday, holiday, make_up_workday}``."""
    data = calendar.year(day.year)
    return {
        "date": day.isoformat(),
        "weekday": day.isoweekday(),
        "workday": data.is_workday(day),
        "holiday": data.holiday_name(day),
        "make_up_workday": day in data.workdays,
    }


def count_from(
    calendar: WorkCalendar,
    start: date,
    *,
    n: int | None = None,
    unit: str = COUNT_DAYS,
    roll: bool = True,
) -> dict[str, Any]:
    """Answer "which date is ``n`` (working) days / months / years after ``start``", saying how:

    ``{start, count: {n, unit, roll} | None, unadjusted, result, moved, moved_from, sources}``
    where ``unadjusted`` is the date before moving off a rest day, ``moved_from`` that day
    described (holiday name or weekend) when the result was moved, ``result`` the answer
    described (:func:`describe_day`), ``sources`` each year touched (:func:`describe_source`).
    ``n`` None: ``start`` itself described.
    """
    if unit not in (COUNT_WORKDAYS, COUNT_DAYS, COUNT_YEARS, COUNT_MONTHS):
        raise UsageError(_("不认识的计数单位 {unit}", unit=unit))
    if n is None:
        result = unadjusted = start
        first_year = start.year
    elif unit == COUNT_WORKDAYS:
        result = unadjusted = calendar.add_days(start, n, workdays=True)
        first_year = min(_shift(start, 1).year, result.year)
    else:
        if unit == COUNT_DAYS:
            unadjusted = _shift(start, _checked(n))
        else:
            months = 12 * _checked(n) if unit == COUNT_YEARS else _checked(n)
            unadjusted = calendar.add_months(start, months, roll=False)
        roll = roll or unit == COUNT_DAYS  # a period of days always moves off a rest day
        result = calendar.roll_forward(unadjusted) if roll else unadjusted
        first_year = unadjusted.year
    moved_from = describe_day(calendar, unadjusted) if result != unadjusted else None
    described = describe_day(calendar, result)
    return {
        "start": start.isoformat(),
        "count": None if n is None else {"n": n, "unit": unit, "roll": roll},
        "unadjusted": unadjusted.isoformat(),
        "result": described,
        "moved": moved_from is not None,
        "moved_from": moved_from,
        "sources": [describe_source(calendar, year) for year in range(first_year, result.year + 1)],
    }


def _checked(n: int) -> int:
    _check_count(n, "n")
    return n


def check_year(calendar: WorkCalendar, year: int) -> dict[str, Any]:
    """Where ``year``'s arrangement comes from and what it holds, with warnings:
    ``{year, source, file, notice, package_version, overrides_package, holidays: [{name, from,
    to, days}], holiday_days, workdays: [dates], warnings: [text]}``.  No data: CalendarGap."""
    data = calendar.year(year)
    first, last = package_years()
    overrides = data.source == SOURCE_ARCHIVE and first <= year <= last and not data.adds_to_package
    warnings: list[str] = []
    if data.source == SOURCE_ARCHIVE:
        names = {holiday.name for holiday in data.holidays}
        missing = [name for name in FESTIVALS if name not in names]
        if missing:
            warnings.append(
                _(
                    "{path} 的 [{year}] 中没有法定节日：{names}（核对通知；节日名称应写成 {festivals}）",
                    path=data.path,
                    year=year,
                    names=join_items(missing),
                    festivals=join_items(FESTIVALS),
                )
            )
        for day in sorted(data.workdays):
            if day.weekday() < 5:
                warnings.append(
                    _(
                        "{day} 是{weekday}，本来就是工作日，不必写进 workdays",
                        day=day.isoformat(),
                        weekday=_(WEEKDAYS[day.weekday()]),
                    )
                )
        if overrides:
            warnings.append(
                _(
                    "{path} 的 [{year}] 取代了 chinesecalendar 中该年的全部数据",
                    path=data.path,
                    year=year,
                )
            )
    return {
        **describe_source(calendar, year),
        "overrides_package": overrides,
        "adds_to_package": data.adds_to_package,
        "holidays": [
            {
                "name": holiday.name,
                "from": holiday.start.isoformat(),
                "to": holiday.end.isoformat(),
                "days": (holiday.end - holiday.start).days + 1,
            }
            for holiday in data.holidays
        ],
        "holiday_days": sum((holiday.end - holiday.start).days + 1 for holiday in data.holidays),
        "workdays": [day.isoformat() for day in sorted(data.workdays)],
        "warnings": warnings,
    }
