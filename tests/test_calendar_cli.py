"""credit calendar DATE … / credit calendar check YEAR, with and without an archive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.i18n import set_language
from archive.workdays import HOLIDAYS_TEMPLATE, calendar_from_file
from tests.conftest import invoke
from tests.test_workdays import HOLIDAYS_2027


@pytest.fixture
def nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A current folder with no archive in it or above it."""
    folder = tmp_path / "别处"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def archive_2027(archive_dir: Path) -> Path:
    (archive_dir / "holidays.toml").write_text(HOLIDAYS_2027, encoding="utf-8")
    return archive_dir


# (arguments, exit code, words in stdout) — without an archive: the package's data only.
RUNS = [
    (
        ["2026-09-30", "--add", "5", "--workdays"],
        0,
        ["2026-10-13", "只数工作日", "chinesecalendar"],
    ),
    (["2026-09-30", "--add", "3", "--workdays"], 0, ["2026-10-10", "调休上班"]),
    (["2026-09-30", "--add", "7"], 0, ["2026-10-08", "顺延：2026-10-07", "国庆节"]),
    (["date", "2026-02-10", "--add", "5"], 0, ["2026-02-24", "顺延：2026-02-15", "春节"]),
    (["2026-11-20", "--add", "3"], 0, ["2026-11-23", "未顺延"]),
    (["2024-02-29", "--years", "1"], 0, ["2025-02-28", "2 月 29 日按 2 月 28 日"]),
    (["2025-10-01", "--years", "1"], 0, ["2026-10-08", "顺延：2026-10-01"]),
    (["2025-10-01", "--years", "1", "--no-roll"], 0, ["2026-10-01", "不顺延"]),
    (["2025-08-31", "--months", "1"], 0, ["2025-09-30"]),
    (["2026-10-01"], 0, ["休息日（国庆节）"]),
    (["2026-10-10"], 0, ["工作日（调休上班）"]),
    (["2026-11-21"], 0, ["休息日（周末）"]),
    (["--add", "1", "2026-09-30"], 0, ["2026-10-08"]),  # options before the date
    (
        ["check", "2026"],
        0,
        ["chinesecalendar", "7 个节日", "国庆节  2026-10-01 至 2026-10-07", "2026-10-10"],
    ),
    # no data for 2027: exit 1, never a guess
    (["2026-12-31", "--add", "1", "--workdays"], 1, []),
    (["2026-12-20", "--add", "15"], 1, []),
    (["2027-03-01"], 1, []),
    (["check", "2027"], 1, []),
    (["check", "2003"], 1, []),
    # bad values: exit 2
    (["2026-02-30"], 2, []),
    (["2026/10/01"], 2, []),
    (["2026-10-01", "--add", "-1"], 2, []),
    (["2026-10-01", "--add", "x"], 2, []),
    (["2026-10-01", "--years", "-1"], 2, []),
    (["2026-10-01", "--workdays"], 2, []),
    (["2026-10-01", "--add", "1", "--years", "1"], 2, []),
    (["2026-10-01", "--years", "1", "--months", "1"], 2, []),
    (["2026-10-01", "--add", "1", "--no-roll"], 2, []),
    (["check", "0"], 2, []),
    (["check", "二〇二七"], 2, []),
    (["chek", "2027"], 2, []),
    ([], 2, []),
]


@pytest.mark.parametrize(("args", "code", "words"), RUNS)
def test_calendar_without_an_archive(
    runner, nowhere: Path, args: list[str], code: int, words: list[str]
) -> None:
    result = invoke(runner, "calendar", *args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    for word in words:
        assert word in result.stdout, (word, result.stdout)
    if code == 1:
        assert "2027" in result.stderr or "2003" in result.stderr
        assert "holidays.toml" in result.stderr
        assert "--archive" in result.stderr  # no archive: say how to get one
    if code == 2 and args:
        assert "错误：" in result.stderr


def test_bad_values_are_named_in_chinese(runner, nowhere: Path) -> None:
    result = invoke(runner, "calendar", "2026-02-30")
    assert "2026-02-30" in result.stderr and "不是有效的日期" in result.stderr
    assert "2026 年 2 月只有 28 天" in result.stderr
    leap = invoke(runner, "calendar", "2024-02-30")
    assert leap.exit_code == 2 and "2024 年 2 月只有 29 天" in leap.stderr
    result = invoke(runner, "calendar", "2026-10-01", "--add", "-1")
    assert "--add" in result.stderr and "不小于 0" in result.stderr
    result = invoke(runner, "calendar", "2026-10-01", "--workdays")
    assert "--workdays 要与 --add N 同用" in result.stderr


def test_json_says_how_it_was_counted(runner, nowhere: Path) -> None:
    result = invoke(runner, "calendar", "2026-09-30", "--add", "7", "--json")
    answer = json.loads(result.stdout)
    assert answer["start"] == "2026-09-30"
    assert answer["count"] == {"n": 7, "unit": "days", "roll": True}
    assert answer["unadjusted"] == "2026-10-07"
    assert answer["result"]["date"] == "2026-10-08"
    assert answer["result"]["workday"] is True
    assert answer["moved"] is True
    assert answer["moved_from"]["holiday"] == "国庆节"
    assert [(s["year"], s["source"]) for s in answer["sources"]] == [(2026, "package")]
    result = invoke(runner, "calendar", "2026-09-30", "--add", "3", "--workdays", "--json")
    answer = json.loads(result.stdout)
    assert answer["count"]["unit"] == "workdays"
    assert answer["moved"] is False and answer["moved_from"] is None
    assert answer["result"]["make_up_workday"] is True


def test_check_json(runner, nowhere: Path) -> None:
    report = json.loads(invoke(runner, "calendar", "check", "2026", "--json").stdout)
    assert report["source"] == "package"
    assert report["package_version"]
    assert report["file"] is None
    assert [h["name"] for h in report["holidays"]][-1] == "国庆节"
    assert report["workdays"] == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]
    assert report["warnings"] == []


# -- with an archive -------------------------------------------------------------------------


def test_2027_without_holidays_toml_names_the_archive_s_file(runner, archive_dir: Path) -> None:
    (archive_dir / "holidays.toml").unlink()
    for args in (["2026-12-31", "--add", "1", "--workdays"], ["check", "2027"]):
        result = invoke(runner, "calendar", *args, archive=archive_dir)
        assert result.exit_code == 1
        assert str(archive_dir / "holidays.toml") in result.stderr
        assert "[2027]" in result.stderr


def test_the_template_init_writes_adds_nothing_until_filled(runner, archive_dir: Path) -> None:
    path = archive_dir / "holidays.toml"
    assert path.read_text(encoding="utf-8") == HOLIDAYS_TEMPLATE
    assert calendar_from_file(path).overrides == {}
    result = invoke(runner, "calendar", "check", "2027", archive=archive_dir)
    assert result.exit_code == 1
    # the example in the template, uncommented, is a valid year with every festival
    lines = [
        line[2:] if line.startswith("# ") else line[1:]
        for line in HOLIDAYS_TEMPLATE.splitlines()
        if line.startswith("#")
    ]
    start = lines.index("[2027]")
    path.write_text("\n".join(lines[start:]) + "\n", encoding="utf-8")
    result = invoke(runner, "calendar", "check", "2027", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""


def test_2027_with_holidays_toml(runner, archive_2027: Path) -> None:
    result = invoke(
        runner, "calendar", "2026-12-30", "--add", "2", "--workdays", "--json", archive=archive_2027
    )
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["result"]["date"] == "2027-01-04"
    assert [(s["year"], s["source"]) for s in answer["sources"]] == [
        (2026, "package"),
        (2027, "archive"),
    ]
    assert answer["sources"][1]["file"] == str(archive_2027 / "holidays.toml")
    assert answer["sources"][1]["notice"] == "国务院办公厅关于2027年部分节假日安排的通知"
    result = invoke(runner, "calendar", "2026-10-01", "--years", "1", archive=archive_2027)
    assert "2027-10-08" in result.stdout
    assert "顺延：2027-10-01 是休息日（国庆节）" in result.stdout
    assert "holidays.toml（国务院办公厅关于2027年部分节假日安排的通知）" in result.stdout


def test_the_archive_is_found_from_the_current_folder(
    runner, archive_2027: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(archive_2027)
    result = invoke(runner, "calendar", "2027-02-05", "--add", "1", "--workdays")
    assert result.exit_code == 0
    assert "2027-02-15" in result.stdout


def test_a_named_archive_must_exist(runner, tmp_path: Path) -> None:
    result = invoke(runner, "calendar", "2026-10-01", archive=tmp_path / "没有")
    assert result.exit_code == 4


def test_check_an_archive_year(runner, archive_2027: Path) -> None:
    result = invoke(runner, "calendar", "check", "2027", archive=archive_2027)
    assert result.exit_code == 0
    assert str(archive_2027 / "holidays.toml") in result.stdout
    assert "通知：国务院办公厅关于2027年部分节假日安排的通知" in result.stdout
    assert "7 个节日，共 31 天" in result.stdout
    assert "调休上班：4 天" in result.stdout
    assert result.stderr == ""
    report = json.loads(
        invoke(runner, "calendar", "check", "2027", "--json", archive=archive_2027).stdout
    )
    assert report["source"] == "archive"
    assert report["overrides_package"] is False
    assert report["holiday_days"] == 31
    assert report["workdays"] == ["2027-02-20", "2027-04-25", "2027-09-26", "2027-10-09"]


def test_check_warns_of_a_missing_festival_and_a_weekday_make_up_day(
    runner, archive_dir: Path
) -> None:
    (archive_dir / "holidays.toml").write_text(
        "[2027]\n"
        'holidays = [{ name = "春节", from = 2027-02-06, to = 2027-02-12 },'
        ' { name = "国庆", from = 2027-10-01, to = 2027-10-07 }]\n'
        "workdays = [2027-02-20, 2027-02-22]\n",
        encoding="utf-8",
    )
    result = invoke(runner, "calendar", "check", "2027", "--json", archive=archive_dir)
    assert result.exit_code == 0
    warnings = json.loads(result.stdout)["warnings"]
    assert len(warnings) == 2
    assert "元旦、清明节、劳动节、端午节、中秋节、国庆节" in warnings[0]
    assert "2027-02-22" in warnings[1] and "星期一" in warnings[1]
    assert result.stderr.count("警告：") == 2


def test_the_archive_overrides_a_package_year(runner, archive_dir: Path) -> None:
    (archive_dir / "holidays.toml").write_text(
        '[2026]\nholidays = [{ name = "国庆节", from = 2026-10-01, to = 2026-10-03 }]\n',
        encoding="utf-8",
    )
    result = invoke(
        runner, "calendar", "2026-09-30", "--add", "1", "--workdays", archive=archive_dir
    )
    assert "2026-10-05" in result.stdout
    assert "holidays.toml" in result.stdout
    report = json.loads(
        invoke(runner, "calendar", "check", "2026", "--json", archive=archive_dir).stdout
    )
    assert report["source"] == "archive"
    assert report["overrides_package"] is True
    assert any("取代了 chinesecalendar" in warning for warning in report["warnings"])


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[2027\n", ["TOML", "第 1 行"]),
        (
            '[2027]\nholidays = [{ name = "春节", from = 2027-02-14, to = 2027-02-06 }]\n',
            ["开始晚于结束"],
        ),
        ("[2027]\nworkday = [2027-02-20]\n", ["workday", "不认识"]),
    ],
)
def test_a_bad_holidays_file_is_exit_1_naming_it(
    runner, archive_dir: Path, text: str, words: list[str]
) -> None:
    (archive_dir / "holidays.toml").write_text(text, encoding="utf-8")
    result = invoke(runner, "calendar", "2026-10-01", archive=archive_dir)
    assert result.exit_code == 1
    assert str(archive_dir / "holidays.toml") in result.stderr
    for word in words:
        assert word in result.stderr


def test_english(runner, nowhere: Path) -> None:
    result = invoke(runner, "--lang", "en", "calendar", "2026-09-30", "--add", "7")
    set_language("zh")
    assert result.exit_code == 0
    assert "7 days after 2026-09-30 (Wednesday): 2026-10-08 (Thursday)" in result.stdout
    assert "Moved: 2026-10-07 is a rest day (国庆节)" in result.stdout


def test_help_shows_both_forms(runner) -> None:
    result = invoke(runner, "calendar", "--help")
    assert result.exit_code == 0
    assert "credit calendar 日期" in result.stdout
    assert "credit calendar check 年份" in result.stdout
    assert "示例" in result.stdout


def test_check_a_year_added_to_the_package(runner, archive_dir: Path) -> None:
    (archive_dir / "holidays.toml").write_text(
        "[2026]\nadd_to_package = true\nworkdays = [2026-12-26]\n", encoding="utf-8"
    )
    result = invoke(runner, "calendar", "check", "2026", archive=archive_dir)
    assert result.exit_code == 0
    assert "补充" in result.stdout
    assert "调休上班：7 天" in result.stdout
    assert result.stderr == ""  # no warning of replacing the package's year
    report = json.loads(
        invoke(runner, "calendar", "check", "2026", "--json", archive=archive_dir).stdout
    )
    assert report["adds_to_package"] is True and report["overrides_package"] is False
    assert len(report["holidays"]) == 7


@pytest.mark.parametrize(
    "args",
    [
        ["9999-12-31", "--add", "1"],
        ["2026-12-31", "--add", "99999999"],
        ["2026-12-31", "--years", "9000"],
    ],
)
def test_dates_past_9999_are_exit_2(runner, nowhere: Path, args: list[str]) -> None:
    result = invoke(runner, "calendar", *args)
    assert result.exit_code == 2
    assert "超出了可以计算的范围" in result.stderr
