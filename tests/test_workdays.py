"""The working-day calendar: counting (domain.md §6), holidays.toml, gaps, overrides."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.errors import UsageError
from archive.workdays import (
    CalendarGap,
    HolidaysFileError,
    WorkCalendar,
    calendar_for,
    calendar_from_file,
    package_years,
)

D = date.fromisoformat

# An arrangement for 2027 written as a clerk would from the notice (test data: the dates are
# made up for the tests, not the State Council's).
HOLIDAYS_2027 = """\
[2027]
notice = "国务院办公厅关于2027年部分节假日安排的通知"
holidays = [
  { name = "元旦", from = 2027-01-01, to = 2027-01-03 },
  { name = "春节", from = 2027-02-06, to = 2027-02-14 },
  { name = "清明节", from = 2027-04-03, to = 2027-04-05 },
  { name = "劳动节", from = 2027-05-01, to = 2027-05-05 },
  { name = "端午节", from = 2027-06-09 },
  { name = "中秋节", from = 2027-09-15, to = 2027-09-17 },
  { name = "国庆节", from = 2027-10-01, to = 2027-10-07 },
]
workdays = [2027-02-20, 2027-04-25, 2027-09-26, 2027-10-09]
"""


@pytest.fixture
def package() -> WorkCalendar:
    return calendar_for(None)


@pytest.fixture
def with_2027(tmp_path: Path) -> WorkCalendar:
    path = tmp_path / "holidays.toml"
    path.write_text(HOLIDAYS_2027, encoding="utf-8")
    return calendar_from_file(path)


def test_package_data_ends_with_2026() -> None:
    assert package_years() == (2004, 2026)


def test_every_package_day_agrees_with_chinesecalendar(package: WorkCalendar) -> None:
    import chinese_calendar

    day = date(2004, 1, 1)
    while day.year <= 2026:
        assert package.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(1)


def test_package_holidays_read_as_the_notice_states_them(package: WorkCalendar) -> None:
    # chinesecalendar lists 端午节 2015 as 06-20 (Sat) and 06-22 (Mon): one holiday, 06-20…22
    holidays = [h for h in package.year(2015).holidays if h.name == "端午节"]
    assert [(h.start, h.end) for h in holidays] == [(D("2015-06-20"), D("2015-06-22"))]
    assert package.holiday_name(D("2015-06-21")) == "端午节"
    names = [h.name for h in package.year(2026).holidays]
    assert names == ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]


# -- counting within the package's years ------------------------------------------------------

# (start, n, workdays, expected end): National Day 2026 is 10-01…10-07 (+ 中秋 09-25…27) with
# make-up working days 09-20 (Sun) and 10-10 (Sat); Spring Festival 2026 is 02-15…02-23 with
# make-up working days 02-14 and 02-28 (Saturdays).
COUNTS = [
    # working days across the National Day break
    ("2026-09-30", 1, True, "2026-10-08"),
    ("2026-09-30", 3, True, "2026-10-10"),  # the make-up Saturday counts
    ("2026-09-30", 5, True, "2026-10-13"),
    ("2026-09-28", 3, True, "2026-10-08"),
    ("2026-09-18", 1, True, "2026-09-20"),  # a make-up Sunday is a working day
    # calendar days ending in the break move to the next working day
    ("2026-09-30", 1, False, "2026-10-08"),
    ("2026-09-30", 7, False, "2026-10-08"),
    ("2026-09-30", 10, False, "2026-10-10"),  # a make-up Saturday is not moved
    ("2026-09-16", 15, False, "2026-10-08"),  # 15-day fine payment ending on 10-01
    # Spring Festival 2026
    ("2026-02-12", 1, True, "2026-02-13"),
    ("2026-02-12", 2, True, "2026-02-14"),
    ("2026-02-12", 3, True, "2026-02-24"),
    ("2026-02-10", 5, False, "2026-02-24"),
    ("2026-02-10", 3, False, "2026-02-13"),
    # a plain week: a period ending on a Sunday moves to Monday
    ("2026-11-20", 2, False, "2026-11-23"),
    ("2026-11-20", 5, True, "2026-11-27"),
    # 0: the day itself (rolled for calendar days)
    ("2026-10-01", 0, True, "2026-10-01"),
    ("2026-10-01", 0, False, "2026-10-08"),
    # the last days of the package
    ("2026-12-25", 3, True, "2026-12-30"),
    ("2026-12-25", 4, True, "2026-12-31"),
    ("2026-12-01", 30, False, "2026-12-31"),
]


@pytest.mark.parametrize(("start", "n", "workdays", "end"), COUNTS)
def test_add_days(package: WorkCalendar, start: str, n: int, workdays: bool, end: str) -> None:
    assert package.add_days(D(start), n, workdays=workdays) == D(end)


@pytest.mark.parametrize(
    ("start", "years", "roll", "end"),
    [
        ("2024-02-29", 1, True, "2025-02-28"),  # 29 February → 28 February (a Friday)
        ("2024-02-29", 2, True, "2026-02-28"),  # a Saturday, but a make-up working day
        ("2020-02-29", 1, True, "2021-03-01"),  # 2021-02-28 is a Sunday
        ("2025-10-01", 1, True, "2026-10-08"),  # a term ending on National Day
        ("2025-10-01", 1, False, "2026-10-01"),
        ("2025-02-17", 1, True, "2026-02-24"),  # ending in the Spring Festival break
        ("2025-02-17", 1, False, "2026-02-17"),
        ("2023-06-15", 3, True, "2026-06-15"),
        ("2025-11-30", 1, True, "2026-11-30"),
        ("2025-11-29", 1, True, "2026-11-30"),  # a Sunday → Monday
    ],
)
def test_add_years(package: WorkCalendar, start: str, years: int, roll: bool, end: str) -> None:
    assert package.add_years(D(start), years, roll=roll) == D(end)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        ("2026-01-31", 1, "2026-02-28"),  # a Saturday, but a make-up working day
        ("2025-03-31", 2, "2025-06-03"),  # 05-31 端午 (Sat) … 06-02 (Mon)
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2025-09-01", 13, "2026-10-08"),
        ("2025-12-31", 6, "2026-06-30"),
    ],
)
def test_add_months(package: WorkCalendar, start: str, months: int, end: str) -> None:
    assert package.add_months(D(start), months, roll=False) == _unrolled(start, months)
    assert package.add_months(D(start), months) == D(end)


def _unrolled(start: str, months: int) -> date:
    day = D(start)
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    for dom in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, dom)
        except ValueError:
            continue
    raise AssertionError


def test_a_make_up_saturday_is_a_working_day(package: WorkCalendar) -> None:
    assert package.is_workday(D("2026-02-28"))
    assert package.add_months(D("2026-01-28"), 1) == D("2026-02-28")


@pytest.mark.parametrize(
    ("start", "end", "workdays", "days"),
    [
        ("2026-09-30", "2026-10-12", True, 4),  # 10-08, 10-09, 10-10, 10-12
        ("2026-09-30", "2026-10-12", False, 12),
        ("2026-02-13", "2026-02-24", True, 2),  # 02-14, 02-24
        ("2026-10-12", "2026-10-12", True, 0),
        ("2026-10-12", "2026-10-01", True, 0),  # not yet due
        ("2025-12-30", "2026-01-05", True, 3),  # 12-31, 01-04 (make-up), 01-05
    ],
)
def test_days_between(
    package: WorkCalendar, start: str, end: str, workdays: bool, days: int
) -> None:
    assert package.days_between(D(start), D(end), workdays=workdays) == days


def test_holiday_names_and_sources(package: WorkCalendar) -> None:
    assert package.holiday_name(D("2026-10-03")) == "国庆节"
    assert package.holiday_name(D("2026-02-15")) == "春节"
    assert package.holiday_name(D("2026-11-21")) is None  # a plain Saturday
    assert package.source(2026) == "package"
    assert package.source(2027) is None
    assert package.source(2003) is None


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_counts_must_be_non_negative_integers(package: WorkCalendar, bad) -> None:
    with pytest.raises(UsageError):
        package.add_days(D("2026-10-01"), bad, workdays=True)
    with pytest.raises(UsageError):
        package.add_years(D("2026-10-01"), bad)


# -- the last year of the package and the first after it ----------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "workdays"),
    [
        ("2026-12-31", 1, True),
        ("2026-12-25", 5, True),
        ("2026-12-20", 20, False),
        ("2027-03-01", 1, True),
        ("2027-03-01", 1, False),
    ],
)
def test_a_count_reaching_2027_without_holidays_toml_is_a_gap(
    package: WorkCalendar, start: str, n: int, workdays: bool
) -> None:
    with pytest.raises(CalendarGap) as caught:
        package.add_days(D(start), n, workdays=workdays)
    assert caught.value.year == 2027
    assert caught.value.exit_code == 1
    assert "2027" in caught.value.message
    assert "holidays.toml" in (caught.value.hint or "")


def test_the_gap_names_the_archive_s_file(tmp_path: Path) -> None:
    calendar = calendar_from_file(tmp_path / "holidays.toml")  # no such file yet
    with pytest.raises(CalendarGap) as caught:
        calendar.add_days(D("2026-12-31"), 1, workdays=True)
    assert str(tmp_path / "holidays.toml") in caught.value.message
    assert str(tmp_path / "holidays.toml") in caught.value.hint


@pytest.mark.parametrize(
    ("start", "n", "workdays", "end"),
    [
        ("2026-12-31", 1, True, "2027-01-04"),  # across 元旦 2027
        ("2026-12-25", 5, True, "2027-01-04"),
        ("2026-12-20", 20, False, "2027-01-11"),  # 2027-01-09 is a Saturday
        ("2026-12-31", 1, False, "2027-01-04"),
        ("2027-02-05", 1, True, "2027-02-15"),  # after 春节
        ("2027-02-19", 1, True, "2027-02-20"),  # 调休上班
        ("2027-09-30", 2, True, "2027-10-09"),  # 国庆节 + make-up Saturday
        ("2027-09-30", 3, True, "2027-10-11"),
        ("2027-09-24", 7, False, "2027-10-08"),
    ],
)
def test_counts_into_2027_with_holidays_toml(
    with_2027: WorkCalendar, start: str, n: int, workdays: bool, end: str
) -> None:
    assert with_2027.add_days(D(start), n, workdays=workdays) == D(end)
    assert with_2027.source(2027) == "archive"
    assert with_2027.source(2026) == "package"


def test_a_term_of_a_year_from_2026_ends_in_2027(
    package: WorkCalendar, with_2027: WorkCalendar
) -> None:
    with pytest.raises(CalendarGap):
        package.add_years(D("2026-10-01"), 1)
    assert package.add_years(D("2026-10-01"), 1, roll=False) == D("2027-10-01")  # no data needed
    assert with_2027.add_years(D("2026-10-01"), 1) == D("2027-10-08")
    assert with_2027.days_between(D("2026-12-30"), D("2027-01-05"), workdays=True) == 3


def test_2028_is_still_a_gap_with_only_2027(with_2027: WorkCalendar) -> None:
    assert with_2027.add_days(D("2027-12-24"), 5, workdays=True) == D("2027-12-31")
    with pytest.raises(CalendarGap) as caught:
        with_2027.add_days(D("2027-12-24"), 6, workdays=True)
    assert caught.value.year == 2028


def test_counting_inside_covered_years_never_touches_other_years(tmp_path: Path) -> None:
    calendar = calendar_from_file(tmp_path / "holidays.toml")
    assert calendar.add_days(D("2026-12-01"), 20, workdays=True) == D("2026-12-29")
    assert calendar.days_between(D("2026-01-01"), D("2026-12-31"), workdays=True) > 240


# -- the archive overrides a package year -------------------------------------------------------


def test_the_archive_overrides_a_package_year(tmp_path: Path) -> None:
    path = tmp_path / "holidays.toml"
    # an imagined correction of 2026: National Day only 10-01…10-03, no make-up days
    path.write_text(
        '[2026]\nholidays = [{ name = "国庆节", from = 2026-10-01, to = 2026-10-03 }]\n',
        encoding="utf-8",
    )
    calendar = calendar_from_file(path)
    assert calendar.source(2026) == "archive"
    assert calendar.is_workday(D("2026-10-05"))
    assert not calendar.is_workday(D("2026-10-10"))  # no longer a make-up Saturday
    assert calendar.is_workday(D("2026-02-16"))  # the year's other holidays are gone too
    assert calendar.add_days(D("2026-09-30"), 1, workdays=True) == D("2026-10-05")
    assert calendar.source(2025) == "package"


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text(HOLIDAYS_2027, encoding="utf-8")
    assert calendar_from_file(path).source(2027) == "archive"
    path.write_text("# emptied\n", encoding="utf-8")
    assert calendar_from_file(path).source(2027) is None


# -- holidays.toml validation -------------------------------------------------------------------

BAD_FILES = [
    # (file text, words the message must hold, line named or None)
    ("[2027\nholidays = []\n", ["TOML", "第 1 行"], None),
    (
        '[2027]\nholidays = [{ name = "元旦", from = 2026-12-31, to = 2027-01-02 }]\n',
        ["2026-12-31", "2027"],
        2,
    ),
    (
        '[2027]\nholidays = [\n  { name = "春节", from = 2027-02-14, to = 2027-02-06 },\n]\n',
        ["春节", "开始晚于结束"],
        3,
    ),
    (
        '[2027]\nholidays = [{ name = "春节", from = 2027-02-06, to = 2027-02-12 }]\nworkdays = [2027-02-07]\n',
        ["2027-02-07", "春节"],
        3,
    ),
    ("[2027]\nholiday = []\n", ["holiday", "不认识"], 2),
    ("[2027]\n", ["[2027]", "没有列出任何放假日"], 1),
    ("[2027]\nholidays = []\nworkdays = [2027-02-20]\n", ["没有列出任何放假日"], 1),
    (
        '[2027]\nholidays = [{ name = "春节", from = 2027-02-06, until = 2027-02-12 }]\n',
        ["until", "不认识"],
        2,
    ),
    ('notice = "x"\n', ["notice", "年份"], 1),
    ('["二〇二七"]\nholidays = []\n', ["二〇二七"], 1),
    (
        '[2027]\nholidays = [{ name = "春节", from = "2027-02-06" }]\n',
        ["2027-02-06", "不是日期"],
        2,
    ),
    ("[2027]\nworkdays = [2027-02-20, 2027-02-20]\n", ["2027-02-20", "两次"], 2),
    ("[2027]\nworkdays = 2027-02-20\n", ["workdays", "列表"], 2),
    ("[2027]\nholidays = [{ from = 2027-02-06 }]\n", ["name"], None),
    ('[2027]\nholidays = [{ name = "春节" }]\n', ["from", "春节"], 2),
    (
        '[2027]\nholidays = [{ name = "甲", from = 2027-02-06, to = 2027-02-08 }, { name = "乙", from = 2027-02-08 }]\n',
        ["2027-02-08", "甲", "乙"],
        None,
    ),
    ("[2027]\nnotice = 3\n", ["notice"], 2),
    ("[2027]\nholidays = [2027-01-01]\n", ["holidays"], 2),
    ("2027 = 1\n", ["2027"], 1),
    ('[2027]\nholidays = [{ name = "元旦", from = 2027-01-01T08:00:00 }]\n', ["不是日期"], None),
]


@pytest.mark.parametrize(("text", "words", "line"), BAD_FILES)
def test_bad_holidays_files_are_refused_naming_file_and_problem(
    tmp_path: Path, text: str, words: list[str], line: int | None
) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HolidaysFileError) as caught:
        calendar_from_file(path)
    message = caught.value.message
    assert str(path) in message
    for word in words:
        assert word in message, (word, message)
    if line is not None:
        assert f"第 {line} 行" in message, message
    assert caught.value.exit_code == 1


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "holidays.toml"
    path.write_bytes('[2027]\nnotice = "春节"\n'.encode("gbk"))
    with pytest.raises(HolidaysFileError) as caught:
        calendar_from_file(path)
    assert "UTF-8" in caught.value.message


def test_an_empty_or_commented_file_adds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text("# 节假日\n", encoding="utf-8")
    assert calendar_from_file(path).overrides == {}


# -- properties ---------------------------------------------------------------------------------

covered_days = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 10, 31))


@settings(max_examples=300, deadline=None)
@given(start=covered_days, n=st.integers(min_value=1, max_value=40))
def test_add_workdays_and_days_between_agree(start: date, n: int) -> None:
    calendar = calendar_for(None)
    end = calendar.add_days(start, n, workdays=True)
    assert calendar.is_workday(end)
    assert calendar.days_between(start, end, workdays=True) == n
    assert calendar.days_between(start, end - timedelta(1), workdays=True) == n - 1


@settings(max_examples=300, deadline=None)
@given(start=covered_days, n=st.integers(min_value=0, max_value=60))
def test_calendar_days_end_on_the_first_workday_not_before(start: date, n: int) -> None:
    calendar = calendar_for(None)
    end = calendar.add_days(start, n, workdays=False)
    assert end >= start + timedelta(n)
    assert calendar.is_workday(end)
    day = start + timedelta(n)
    while day < end:
        assert not calendar.is_workday(day)
        day += timedelta(1)


# -- add_to_package: a few days added to a package year -----------------------------------------


def test_add_to_package_keeps_the_package_s_year(tmp_path: Path) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text(
        "[2026]\nadd_to_package = true\nworkdays = [2026-12-26]\n"
        'holidays = [{ name = "元旦", from = 2026-12-31 }]\n',
        encoding="utf-8",
    )
    calendar = calendar_from_file(path)
    assert calendar.source(2026) == "archive"
    assert calendar.is_workday(D("2026-12-26"))  # a Saturday made a working day
    assert not calendar.is_workday(D("2026-12-31"))
    assert calendar.holiday_name(D("2026-12-31")) == "元旦"
    assert calendar.holiday_name(D("2026-10-03")) == "国庆节"  # the package's days stay
    assert calendar.is_workday(D("2026-10-10"))
    assert calendar.add_days(D("2026-12-24"), 2, workdays=True) == D("2026-12-26")
    with pytest.raises(CalendarGap):  # 2027 is still missing
        calendar.add_days(D("2026-12-30"), 1, workdays=True)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[2027]\nadd_to_package = true\n", ["add_to_package", "2027"]),
        ('[2026]\nadd_to_package = "yes"\n', ["add_to_package", "true"]),
        ("[2026]\nadd_to_package = true\nworkdays = [2026-10-03]\n", ["2026-10-03", "国庆节"]),
        ("[2026]\nadd_to_package = true\nworkdays = [2026-10-10]\n", ["2026-10-10", "调休上班日"]),
        (
            '[2026]\nadd_to_package = true\nholidays = [{ name = "加", from = 2026-10-09, to = 2026-10-10 }]\n',
            ["2026-10-10", "调休上班日", "第 3 行"],
        ),
    ],
)
def test_add_to_package_refuses_contradictions(tmp_path: Path, text: str, words: list[str]) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HolidaysFileError) as caught:
        calendar_from_file(path)
    for word in words:
        assert word in caught.value.message, caught.value.message


# -- edges ----------------------------------------------------------------------------------------


def test_a_count_needs_only_the_years_it_counts_in(tmp_path: Path) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text('[2028]\nholidays = [{ name = "元旦", from = 2028-01-01, to = 2028-01-03 }]\n')
    calendar = calendar_from_file(path)
    # from the last day of 2027 (no data), every day counted is in 2028
    assert calendar.add_days(D("2027-12-31"), 1, workdays=True) == D("2028-01-04")
    assert calendar.days_between(D("2027-12-31"), D("2028-01-05"), workdays=True) == 2
    assert calendar.add_days(D("2028-03-01"), 5, workdays=True) == D("2028-03-08")
    with pytest.raises(CalendarGap) as caught:
        calendar.add_days(D("2027-12-30"), 1, workdays=True)
    assert caught.value.year == 2027


def test_dates_past_9999_are_a_usage_error(package: WorkCalendar) -> None:
    with pytest.raises(UsageError):
        package.add_days(date(9999, 12, 31), 1, workdays=False)
    with pytest.raises(UsageError):
        package.add_years(date(2026, 1, 1), 8000)


def test_a_gap_survives_pickling(tmp_path: Path) -> None:
    import pickle

    gap = pickle.loads(pickle.dumps(CalendarGap(2027, tmp_path / "holidays.toml")))
    assert gap.year == 2027
    assert str(tmp_path / "holidays.toml") in gap.message


def test_importing_the_calendar_does_not_load_chinesecalendar() -> None:
    import subprocess
    import sys

    code = (
        "import sys, archive.workdays\n"
        "print('chinese_calendar' in sys.modules)\n"
        "archive.workdays.calendar_for(None).is_workday(__import__('datetime').date(2026, 1, 5))\n"
        "print('chinese_calendar' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


spanning_days = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 10, 31))


@settings(max_examples=200, deadline=None)
@given(start=spanning_days, n=st.integers(min_value=1, max_value=40))
def test_counting_across_the_package_s_last_year_with_holidays_toml(
    tmp_path_factory: pytest.TempPathFactory, start: date, n: int
) -> None:
    path = tmp_path_factory.getbasetemp() / "span-holidays.toml"
    if not path.exists():
        path.write_text(HOLIDAYS_2027, encoding="utf-8")
    calendar = calendar_from_file(path)
    end = calendar.add_days(start, n, workdays=True)
    assert calendar.is_workday(end)
    assert calendar.days_between(start, end, workdays=True) == n
    rolled = calendar.add_days(start, n, workdays=False)
    assert calendar.is_workday(rolled) and rolled >= start + timedelta(n)


# -- deadline_before: has a period run out by a day, with only the years up to that day --------


@settings(max_examples=300, deadline=None)
@given(
    start=spanning_days,
    n=st.integers(min_value=0, max_value=40),
    after=st.integers(min_value=-5, max_value=80),
    workdays=st.booleans(),
)
def test_deadline_before_agrees_with_add_days(
    tmp_path_factory: pytest.TempPathFactory, start: date, n: int, after: int, workdays: bool
) -> None:
    path = tmp_path_factory.getbasetemp() / "span-holidays.toml"
    if not path.exists():
        path.write_text(HOLIDAYS_2027, encoding="utf-8")
    full = calendar_from_file(path)  # 2026 and 2027
    without = calendar_for(None)  # the package alone: no 2027
    on = start + timedelta(after)
    end = full.add_days(start, n, workdays=workdays)
    expected = end if end < on else None
    assert full.deadline_before(start, n, on, workdays=workdays) == expected
    if on.year <= 2026:  # a day of a covered year: told without 2027, and the same answer
        assert without.deadline_before(start, n, on, workdays=workdays) == expected
    elif expected is not None and expected.year == 2027 and not (workdays and n == 0):
        with pytest.raises(CalendarGap):
            without.deadline_before(start, n, on, workdays=workdays)


@pytest.mark.parametrize(
    ("start", "n", "workdays", "on", "expected"),
    [
        # a 30-day return period from 2 December ends in 2027: not run out on 31 December
        ("2026-12-02", 30, False, "2026-12-31", None),
        ("2026-12-02", 15, False, "2026-12-31", "2026-12-17"),
        ("2026-12-02", 15, False, "2026-12-17", None),  # due that day: not yet past
        ("2026-12-20", 10, True, "2026-12-31", None),
        ("2026-12-20", 5, True, "2026-12-31", "2026-12-25"),
        ("2026-12-20", 0, True, "2026-12-21", "2026-12-20"),
        ("2026-12-20", 0, True, "2026-12-20", None),
    ],
)
def test_deadline_before_needs_no_later_year(
    package: WorkCalendar, start: str, n: int, workdays: bool, on: str, expected: str | None
) -> None:
    found = package.deadline_before(D(start), n, D(on), workdays=workdays)
    assert found == (D(expected) if expected else None)


def test_deadline_before_says_when_the_year_is_missing(package: WorkCalendar) -> None:
    with pytest.raises(CalendarGap) as caught:
        package.deadline_before(D("2026-12-02"), 30, D("2027-01-15"), workdays=False)
    assert caught.value.year == 2027
    with pytest.raises(UsageError):
        package.deadline_before(D("2026-12-02"), -1, D("2026-12-15"), workdays=True)
