"""The monthly check: requirements as data, due dates, start month, --since, --received, the
statuses and their reasons, the command's options and outputs (the 14-month archive of known
truth is tests/test_monthly_truth.py, marked slow; the fast cases are here)."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import monthly
from archive.letters.catalog import MONTHLY_REPORT_TOPICS
from archive.settings import DEFAULTS
from archive.store import Archive, init_archive
from archive.workdays import WorkCalendar
from tests.conftest import invoke
from tests.helpers import make_code
from tests.monthly_fixtures import write_monthly_report

CODES = [make_code(n) for n in range(1, 6)]
REPORT, SUBMISSION = (
    monthly.Requirement.from_settings(r) for r in DEFAULTS["monthly.requirements"][0]
)


def _archive(tmp_path: Path, start: str = "2025-10", extra: str = "") -> Archive:
    archive = init_archive(tmp_path / "档案", actor="测试", start=start)
    if extra:
        path = archive.root / "credit.toml"
        path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return Archive.open(archive.root)


def _add(archive: Archive, n: int, **fields: str) -> str:
    from archive.enterprises import add_enterprise

    values = {"name": f"蓝山县{n}号有限公司", "industry": "非煤矿山", "section": "非煤矿山股"}
    add_enterprise(archive, {"credit_code": CODES[n], **values, **fields})
    return CODES[n]


def _report(
    archive: Archive, code: str, period: str | None, received: str, *, empty=(), signed=True
) -> str:
    """A monthly report filed straight as an event (what ingest emits), without a file."""
    sha = hashlib.sha256(f"{code}{period}{received}{empty}{signed}".encode()).hexdigest()
    fields: dict[str, Any] = {
        "topics": {t: {"filled": t not in empty, "text": "无"} for t in MONTHLY_REPORT_TOPICS},
        "signed": signed,
    }
    if period:
        fields["period"] = period
    with archive.transaction() as tx:
        tx.emit(
            "document.ingested",
            {
                "sha256": sha,
                "kind": "monthly_report",
                "original_name": f"{sha[:6]}.docx",
                "stored": f"files/{code}/monthly_report/{sha[:6]}.docx",
                "credit_codes": [code],
                "section": None,
                "matched_by": "code",
                "fields": fields,
                "enterprises": [],
                "received_on": received,
                "fact_events": True,
            },
        )
    return sha


def _rows(report: monthly.MonthlyReport, kind: str = "enterprise") -> dict[str, dict]:
    return {row["credit_code"] or row["section"]: row for row in report.rows if row["kind"] == kind}


# -- due dates -----------------------------------------------------------------------------------


def test_due_dates_follow_the_rules_and_the_calendar(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    # the 5th working day of the next month: New Year (Sunday 2026-01-04 is worked)
    assert monthly.due_date(archive, REPORT, "2025-12") == date(2026, 1, 8)
    # Labour Day 05-01…05, Saturday 05-09 worked
    assert monthly.due_date(archive, REPORT, "2026-04") == date(2026, 5, 11)
    # National Day 10-01…07, Saturday 10-10 worked
    assert monthly.due_date(archive, REPORT, "2026-09") == date(2026, 10, 13)
    # the month's last working day: the make-up Saturday 2026-02-28; 2026-01-31 is a Saturday
    assert monthly.due_date(archive, SUBMISSION, "2026-02") == date(2026, 2, 28)
    assert monthly.due_date(archive, SUBMISSION, "2026-01") == date(2026, 1, 30)
    # a fixed day of the next month, moved off a rest day: 10-05 (National Day) → 10-08
    fixed = monthly.Requirement(name="x", who="enterprise", document="monthly_report", due="day")
    fixed = monthly.Requirement(**{**fixed.__dict__, "day": 5})
    assert monthly.due_date(archive, fixed, "2025-09") == date(2025, 10, 9)
    assert monthly.due_date(archive, fixed, "2026-09") == date(2026, 10, 8)
    # a grace period of 3 working days after 2026-02-06: 02-09, 10, 11
    grace = monthly.Requirement(**{**REPORT.__dict__, "grace_days": 3})
    assert monthly.deadline_date(archive, grace, "2026-01") == date(2026, 2, 11)
    calendar = monthly.Requirement(**{**REPORT.__dict__, "grace_days": 3, "count": "calendar"})
    assert monthly.deadline_date(archive, calendar, "2026-01") == date(2026, 2, 9)  # 02-09 Mon


def test_a_due_date_the_calendar_cannot_count_says_so(tmp_path: Path) -> None:
    from archive.workdays import CalendarGap

    archive = _archive(tmp_path)
    with pytest.raises(CalendarGap):
        monthly.due_date(archive, REPORT, "2026-12")  # January 2027: no data


@settings(max_examples=60, deadline=None)
@given(
    month=st.sampled_from(monthly.months_between("2020-01", "2026-11")),
    n=st.integers(min_value=1, max_value=20),
)
def test_the_nth_working_day_has_n_working_days_after_the_month(month: str, n: int) -> None:
    calendar = WorkCalendar()
    rule = monthly.Requirement(**{**REPORT.__dict__, "day": n})
    due = monthly._due(calendar, rule, month)
    assert calendar.is_workday(due)
    assert calendar.days_between(monthly.last_day(month), due, workdays=True) == n
    last = monthly._due(calendar, SUBMISSION, month)
    assert calendar.is_workday(last) and monthly.month_of(last) == month
    later = [last + timedelta(d) for d in range(1, (monthly.last_day(month) - last).days + 1)]
    assert not any(calendar.is_workday(day) for day in later)


# -- requirements as data --------------------------------------------------------------------------


def test_requirements_from_credit_toml_and_config(runner, tmp_path: Path) -> None:
    archive = _archive(
        tmp_path,
        extra='\n[[monthly.requirements]]\nname = "月报"\nwho = "enterprise"\n'
        'industries = ["烟花爆竹"]\ndue = "day"\nday = 10\ngrace_days = 2\n',
    )
    (only,) = monthly.requirements(archive)
    assert (only.name, only.due, only.day, only.grace_days, only.signed) == (
        "月报",
        "day",
        10,
        2,
        True,  # the rest from the defaults of an enterprise requirement
    )
    assert only.topics == MONTHLY_REPORT_TOPICS
    shown = json.loads(invoke(runner, "config", "--json", archive=archive.root).stdout)
    by_key = {row["key"]: row for row in shown}
    assert by_key["monthly.requirements"]["source"] == "file"
    assert by_key["monthly.requirements"]["value"][0]["name"] == "月报"
    assert by_key["archive.start"]["value"] == "2025-10"
    table = invoke(runner, "config", archive=archive.root).stdout
    assert "monthly.requirements[1]" in table


@pytest.mark.parametrize(
    ("entry", "named"),
    [
        ('who = "company"', "who"),
        ('due = "eventually"', "due"),
        ('due = "workday"\nday = 0', "day"),
        ('topics = ["安全文化"]', "topics"),
        ('industries = ["渔业"]', "industries"),
        ("grace_days = -1", "grace_days"),
        ('count = "hours"', "count"),
        ("colour = 1", "colour"),
        ('who = "section"\nto = "财务股"', "to"),
    ],
)
def test_a_bad_requirement_is_named_with_the_file(runner, tmp_path: Path, entry, named) -> None:
    root = init_archive(tmp_path / "档案", actor="测试").root
    with open(root / "credit.toml", "a", encoding="utf-8") as handle:
        handle.write(f'\n[[monthly.requirements]]\nname = "月报"\n{entry}\n')
    result = invoke(runner, "config", archive=root)
    assert result.exit_code == 4, result.stderr
    assert "credit.toml" in result.stderr and named in result.stderr
    assert "第 1 项" in result.stderr


def test_init_writes_start_and_the_requirements_commented(runner, tmp_path: Path) -> None:
    import tomllib

    folder = tmp_path / "档案"
    result = invoke(runner, "init", str(folder), "--start", "2025-10")
    assert result.exit_code == 0, result.stderr
    text = (folder / "credit.toml").read_text(encoding="utf-8")
    assert 'start = "2025-10"' in text
    assert "# [[monthly.requirements]]" in text
    # uncommenting the written defaults gives the defaults
    uncommented = text.replace("# [[monthly.requirements]]", "[[monthly.requirements]]")
    lines = [
        line[2:] if line.startswith("# ") and " = " in line and line[2:3].isalpha() else line
        for line in uncommented.splitlines()
    ]
    table = tomllib.loads("\n".join(lines))
    assert table["monthly"]["requirements"] == [
        {k: v for k, v in item.items() if not (k == "day" and item["due"] == "last_workday")}
        for item in DEFAULTS["monthly.requirements"][0]
    ]
    archive = Archive.open(folder)
    assert monthly.start_month(archive) == "2025-10"
    for bad in ("2025-13", "25-10", "2099-01"):
        result = invoke(runner, "init", str(tmp_path / bad), "--start", bad)
        assert result.exit_code == 2 and bad in result.stderr, result.stderr
        assert not (tmp_path / bad).exists()


def test_the_start_month_defaults_to_the_month_the_archive_was_made(tmp_path: Path) -> None:
    archive = init_archive(tmp_path / "档案", actor="测试")
    assert monthly.start_month(archive) == date.today().strftime("%Y-%m")
    path = archive.root / "credit.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('start = ""', 'start = "2026-13"'),
        encoding="utf-8",
    )
    from archive.errors import ArchiveError

    with pytest.raises(ArchiveError, match=r"archive\.start"):
        Archive.open(archive.root)


# -- --since, the roster's 纳入监管日期, --received -------------------------------------------------


def test_since_by_option_and_by_roster(runner, tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    root = archive.root
    args = ("--name", "甲公司", "--industry", "非煤矿山", "--section", "非煤矿山股")
    assert invoke(runner, "enterprise", "add", CODES[0], *args, "--since", "2026-03-16", archive=root).exit_code == 0  # fmt: skip
    result = invoke(runner, "enterprise", "add", CODES[1], *args, "--since", "2099-01-01", archive=root)  # fmt: skip
    assert result.exit_code != 0 and "2099-01-01" in result.stderr
    result = invoke(runner, "enterprise", "update", CODES[0], "--since", "2026-04-01", archive=root)
    assert result.exit_code == 0, result.stderr
    shown = json.loads(
        invoke(runner, "enterprise", "show", CODES[0], "--json", archive=root).stdout
    )
    assert shown["since"] == "2026-04-01"
    roster = tmp_path / "名册.csv"
    roster.write_text(
        "单位名称,统一社会信用代码,行业,负责股室,纳入监管日期\n"
        f"乙公司,{CODES[2]},非煤矿山,非煤矿山股,2026年5月1日\n"
        f"丙公司,{CODES[3]},非煤矿山,非煤矿山股,\n"
        f"丁公司,{CODES[4]},非煤矿山,非煤矿山股,五月\n",
        encoding="utf-8",
    )
    result = invoke(runner, "enterprise", "import", str(roster), "--json", archive=root)
    assert result.exit_code == 3  # 丁公司's date cannot be read: nothing imported
    assert "五月" in result.stdout
    roster.write_text(roster.read_text(encoding="utf-8").replace(",五月", ",2026/6/2"), "utf-8")
    assert invoke(runner, "enterprise", "import", str(roster), archive=root).exit_code == 0
    index = Archive.open(root).index().table("enterprises")
    assert index.record(CODES[2])["since"] == "2026-05-01"
    assert "since" not in index.record(CODES[3])  # not given: the record is as it always was
    assert index.record(CODES[4])["since"] == "2026-06-02"
    report = monthly.check(Archive.open(root), "2026-05", date(2026, 7, 1))
    rows = _rows(report)
    assert rows[CODES[2]]["status"] == "missing"  # since May 1st: owes May
    assert rows[CODES[0]]["status"] == "missing"  # since April 1st
    assert rows[CODES[3]]["status"] == "missing"  # no date: from the start
    assert CODES[4] not in rows  # since June 2nd: owes from July


def test_ingest_records_the_received_date(runner, tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    code = _add(archive, 0)
    inbox = tmp_path / "收件"
    write_monthly_report(inbox / "a.docx", code=code, name="蓝山县0号有限公司", period="2026-01")
    tomorrow = (date.today() + timedelta(1)).isoformat()
    result = invoke(runner, "ingest", str(inbox), "--received", tomorrow, archive=archive.root)
    assert result.exit_code == 2 and tomorrow in result.stderr
    result = invoke(
        runner,
        "ingest",
        str(inbox),
        "--received",
        "2026-02-25",
        "--jobs",
        "1",
        archive=archive.root,
    )
    assert result.exit_code == 0, result.stderr
    (document,) = Archive.open(archive.root).index().table("documents").ids()
    record = Archive.open(archive.root).index().table("documents").record(document)
    assert record["received_on"] == "2026-02-25"
    report = monthly.check(Archive.open(archive.root), "2026-01", date(2026, 3, 1))
    row = _rows(report)[code]
    # due 02-06; 02-09…13, Saturday 02-14, 02-24, 25 are working days: 8 late
    assert (row["status"], row["days_late"], row["days_counted"]) == ("late", 8, "workdays")
    assert row["document"]["sha256"] == document and row["topics_missing"] == []


def test_an_old_document_counts_from_the_day_it_was_ingested(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    code = _add(archive, 0)
    sha = _report(archive, code, "2026-01", "2026-02-03")
    index = archive.index()
    for table in ("documents", "submissions"):
        record = index.table(table).record(sha)
        del record["received_on"]  # a document filed before --received existed
        record["ingested_at"] = "2026-02-10T09:30:00+08:00"
    report = monthly.check(archive, "2026-01", date(2026, 3, 1))
    assert _rows(report)[code]["received_on"] == "2026-02-10"
    assert _rows(report)[code]["status"] == "late"


# -- statuses ------------------------------------------------------------------------------------


def test_statuses_and_reasons(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    on_time, late, incomplete, missing, wrong = (_add(archive, n) for n in range(5))
    good = _report(archive, on_time, "2026-05", "2026-06-05")  # on the due date
    again = _report(archive, on_time, "2026-05", "2026-06-08")
    _report(archive, late, "2026-05", "2026-06-08")
    first = _report(archive, incomplete, "2026-05", "2026-06-01", empty=("安全投入",))
    second = _report(archive, incomplete, "2026-05", "2026-06-03", signed=False)
    _report(archive, wrong, "2026-04", "2026-06-02")  # a second April report, sent for May
    _report(archive, wrong, "2026-04", "2026-05-08")
    _report(archive, missing, None, "2026-06-04")  # no month written on it
    report = monthly.check(archive, "2026-05", date(2026, 6, 10), industry="非煤矿山")
    rows = _rows(report)
    assert rows[on_time]["status"] == "on_time" and rows[on_time]["document"]["sha256"] == good
    assert rows[on_time]["duplicates"] == [again] and "重复" in rows[on_time]["reason"]
    assert (rows[late]["status"], rows[late]["days_late"]) == ("late", 1)
    row = rows[incomplete]
    # the latest incomplete one is shown, the other is a duplicate
    assert (row["status"], row["document"]["sha256"], row["duplicates"]) == (
        "incomplete",
        second,
        [first],
    )
    assert row["signed"] is False and "未签字" in row["reason"]
    assert row["days_late"] == 3  # 06-08, 09, 10
    assert rows[wrong]["status"] == "missing" and "报告期间为 2026-04" in rows[wrong]["reason"]
    assert "看不出报告期间" in rows[missing]["reason"]
    assert report.exit_code == 10
    assert report.counts()["missing"] == 2
    # before the due date nothing is missing yet
    report = monthly.check(archive, "2026-05", date(2026, 6, 4), industry="非煤矿山")
    assert {row["status"] for row in report.rows} == {"not_due", "incomplete"}


def test_closing_and_the_due_date(tmp_path: Path) -> None:
    from archive.enterprises import close_enterprise

    archive = _archive(tmp_path)
    before, on_due, after = (_add(archive, n) for n in range(3))
    close_enterprise(archive, before, reason="关闭", on=date(2026, 6, 4))
    close_enterprise(archive, on_due, reason="关闭", on=date(2026, 6, 5))
    close_enterprise(archive, after, reason="关闭", on=date(2026, 6, 8))
    rows = _rows(monthly.check(archive, "2026-05", date(2026, 6, 10), industry="非煤矿山"))
    assert rows[before]["status"] == rows[on_due]["status"] == "not_owed"
    assert "2026-06-04 注销" in rows[before]["reason"]
    assert rows[after]["status"] == "missing"  # closed after the due date: still owed
    rows = _rows(monthly.check(archive, "2026-07", date(2026, 8, 20), industry="非煤矿山"))
    assert rows == {}  # closed before July: not listed


def test_a_grace_period_is_on_time(tmp_path: Path) -> None:
    extra = (
        '\n[[monthly.requirements]]\nname = "月报"\nwho = "enterprise"\ngrace_days = 2\n'
        'count = "calendar"\n'
    )
    archive = _archive(tmp_path, extra=extra)
    code = _add(archive, 0)
    _report(archive, code, "2026-05", "2026-06-07")  # due 06-05 + 2 calendar days
    (row,) = monthly.check(archive, "2026-05", date(2026, 6, 20)).rows
    # 06-07 is a Sunday: the period ends on the next working day
    assert (row["status"], row["due"], row["deadline"]) == ("on_time", "2026-06-05", "2026-06-08")
    _report(archive, code, "2026-06", "2026-07-10")  # due 07-07, deadline 07-09
    (row,) = monthly.check(archive, "2026-06", date(2026, 7, 20)).rows
    assert (row["status"], row["days_late"], row["days_counted"]) == ("late", 1, "calendar")


def test_default_month(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    # on 12-01 the sections' November (11-30) has passed but not the enterprises' (12-07)
    assert monthly.default_month(archive, date(2026, 12, 1)) == "2026-10"
    assert monthly.default_month(archive, date(2026, 12, 8)) == "2026-11"
    from archive.errors import UsageError

    with pytest.raises(UsageError):
        monthly.default_month(archive, date(2025, 10, 20))  # nothing due since the start yet


# -- the command ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--month", "2026-13"), "2026-13"),
        (("--month", "2026-1"), "2026-1"),
        (("--month", "2025-09"), "2025-10"),  # before the start
        (("--month", "2026-08", "--as-of", "2026-07-31"), "2026-07-31"),  # after as-of
        (("--as-of", "2026-02-30"), "2026-02-30"),
        (("--section", "财务股"), "政策法规股"),
        (("--industry", "渔业"), "非煤矿山"),
        (("--town", "月球镇"), "月球镇"),
        (("--xlsx", "核对.txt", "--month", "2026-05"), ".xlsx"),
    ],
)
def test_bad_options_exit_2_naming_the_choices(runner, tmp_path: Path, args, named) -> None:
    archive = _archive(tmp_path)
    _add(archive, 0)
    result = invoke(runner, "monthly-check", *args, archive=archive.root)
    assert result.exit_code in (1, 2), result.stderr
    assert result.exit_code == 2 or args[0] == "--xlsx"
    assert named in result.stderr


def test_outputs_and_exit_codes(runner, tmp_path: Path) -> None:
    archive = _archive(tmp_path, extra='\n[[monthly.requirements]]\nname = "月报"\n')
    sent, silent = _add(archive, 0, town="塔峰镇"), _add(archive, 1)
    _report(archive, sent, "2026-05", "2026-06-01")
    root = archive.root
    common = ("--month", "2026-05", "--as-of", "2026-06-10")
    result = invoke(runner, "monthly-check", *common, "--json", archive=root)
    assert result.exit_code == 10
    data = json.loads(result.stdout)
    assert set(data) == {"month", "as_of", "start", "rows", "totals"}
    assert set(data["rows"][0]) == set(ROW_KEYS)
    result = invoke(runner, "monthly-check", *common, "--nl", archive=root)
    assert [json.loads(line)["credit_code"] for line in result.stdout.splitlines()] == [
        sent,
        silent,
    ]
    result = invoke(runner, "monthly-check", *common, "--csv", archive=root)
    assert result.stdout.splitlines()[0].startswith("month,kind,credit_code")
    result = invoke(runner, "monthly-check", *common, archive=root)
    assert "未提交" in result.stdout and "按时" in result.stdout
    result = invoke(runner, "monthly-check", *common, "--town", "塔峰镇", archive=root)
    assert result.exit_code == 0, result.stdout  # nothing needs action


ROW_KEYS = [
    "month",
    "kind",
    "credit_code",
    "name",
    "section",
    "industry",
    "town",
    "requirement",
    "status",
    "status_label",
    "due",
    "deadline",
    "received_on",
    "days_late",
    "days_counted",
    "topics_missing",
    "signed",
    "document",
    "reason",
    "duplicates",
]


def test_the_readme_documents_every_json_key() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Monthly check") :]
    for key in (*ROW_KEYS, "as_of", "start", "totals", "needs_action", "submission", "owed"):
        assert f"`{key}`" in section, key


def test_xlsx_reads_back(runner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    archive = _archive(tmp_path)
    sent, _silent = _add(archive, 0), _add(archive, 1)
    _report(archive, sent, "2026-05", "2026-06-08")
    out = tmp_path / "核对.xlsx"
    result = invoke(
        runner, "monthly-check", "--month", "2026-05", "--as-of", "2026-06-10", "--xlsx", str(out),
        archive=archive.root,
    )  # fmt: skip
    assert result.exit_code == 10, result.stderr
    book = load_workbook(out)
    rows_sheet, totals_sheet = book.worksheets
    assert rows_sheet.freeze_panes == "A2" and totals_sheet.freeze_panes == "A2"
    header = [cell.value for cell in rows_sheet[1]]
    values = [
        dict(zip(header, (c.value for c in row), strict=True))
        for row in rows_sheet.iter_rows(min_row=2)
    ]
    by_code = {row["统一社会信用代码"]: row for row in values if row["统一社会信用代码"]}
    assert by_code[sent]["状态"] == "逾期提交" and by_code[sent]["收到日期"] == "2026-06-08"
    assert by_code[_silent]["状态"] == "未提交"
    assert len(values) == 2 + 7  # two enterprises, seven sections
    # widths fit Chinese: the name column is at least twice its characters wide
    name_column = rows_sheet.column_dimensions["D"].width
    assert name_column >= 2 * len("蓝山县0号有限公司")
    rules = [rule for area in rows_sheet.conditional_formatting for rule in area.rules]
    assert any('"未提交"' in rule.formula[0] for rule in rules)
    assert any('"逾期提交"' in rule.formula[0] for rule in rules)
    # days late is a number, its unit beside it
    assert by_code[sent]["逾期天数"] == 1 and by_code[sent]["天数单位"] == "按工作日"
    totals = [[cell.value for cell in row] for row in totals_sheet.iter_rows(min_row=2)]
    assert totals[-1][0] == "合计"
    total_header = [cell.value for cell in totals_sheet[1]]
    assert "未登记单位" in total_header and "无需报送" in total_header


def test_xlsx_widths_count_cjk_twice() -> None:
    from archive.xlsx import Sheet, display_width, workbook_bytes

    assert display_width("按时ab") == 6
    import io

    from openpyxl import load_workbook

    data = workbook_bytes([Sheet("表", [("a", "名称"), ("b", "x")], [{"a": "长" * 10, "b": 1}])])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.column_dimensions["A"].width == 22 and sheet.column_dimensions["B"].width == 8


def test_an_unregistered_report_keeps_its_received_date_when_assigned(runner, tmp_path) -> None:
    archive = _archive(tmp_path)
    code = CODES[0]
    inbox = tmp_path / "收件"
    write_monthly_report(inbox / "r.docx", code=code, name="蓝山县新公司", period="2026-02")
    root = archive.root
    result = invoke(
        runner, "ingest", str(inbox), "--received", "2026-03-02", "--jobs", "1", archive=root
    )
    assert "unmatched" in result.stdout or result.exit_code in (0, 10), result.stderr
    report = monthly.check(Archive.open(root), "2026-02", date(2026, 3, 10))
    (row,) = [row for row in report.rows if row["status"] == "unregistered"]
    assert (row["credit_code"], row["received_on"]) == (code, "2026-03-02")
    assert "不在名册中" in row["reason"] and report.exit_code == 10
    _add(Archive.open(root), 0)
    (waiting,) = [p for p in (root / "inbox" / "unmatched").iterdir() if p.suffix == ".docx"]
    result = invoke(runner, "ingest", "--assign", str(waiting), code, "--jobs", "1", archive=root)
    assert result.exit_code == 0, result.stderr
    report = monthly.check(Archive.open(root), "2026-02", date(2026, 3, 10), industry="非煤矿山")
    (row,) = report.rows
    assert (row["status"], row["received_on"]) == ("on_time", "2026-03-02")  # due 03-06


def test_a_date_the_calendar_cannot_count_is_said_in_its_row(runner, tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    code = _add(archive, 0)
    root = archive.root
    with archive.transaction() as tx:
        tx.emit(
            "document.ingested",
            {
                "sha256": "ab" * 32,
                "kind": "section_submission",
                "original_name": "s.docx",
                "stored": "files/sections/危化股/section_submission/s.docx",
                "credit_codes": [],
                "section": "危化股",
                "matched_by": "section",
                "fields": {"period": "2026-12", "items": [{"name": "记录"}]},
                "enterprises": [],
                "received_on": "2026-12-30",
                "fact_events": True,
            },
        )
    # December's reports are due in January 2027, which chinesecalendar lacks: not due yet on
    # 12-31 whatever the day
    report = monthly.check(Archive.open(root), "2026-12", date(2026, 12, 31))
    row = _rows(report)[code]
    assert (row["status"], row["due"]) == ("not_due", None) and "2027" in row["reason"]
    assert _rows(report, "section")["危化股"]["status"] == "on_time"
    assert _rows(report, "section")["工贸股"]["status"] == "not_due"  # due 12-31 itself
    # in January 2027 the enterprise's due date cannot be counted (exit 3); the sections' due
    # date 12-31 is known: the slip on time, the others surely missing -- only how many
    # working days late needs 2027, and that is left empty, never guessed
    result = invoke(
        runner, "monthly-check", "--month", "2026-12", "--as-of", "2027-01-20", "--json",
        archive=root,
    )  # fmt: skip
    assert result.exit_code == 3, result.stderr
    rows = json.loads(result.stdout)["rows"]
    assert {row["status"] for row in rows} == {"uncounted", "on_time", "missing"}
    assert all("holidays.toml" in row["reason"] for row in rows if row["status"] == "uncounted")
    missing = [row for row in rows if row["status"] == "missing"]
    assert missing and all(row["kind"] == "section" for row in missing)
    assert all(row["days_late"] is None and row["due"] == "2026-12-31" for row in missing)
    assert all("holidays.toml" in row["reason"] for row in missing)
    # the enterprise alone: nothing can be judged, exit 1 naming the year and the file
    result = invoke(
        runner, "monthly-check", "--month", "2026-12", "--as-of", "2027-01-20", "--industry",
        "非煤矿山", archive=root,
    )  # fmt: skip
    assert result.exit_code == 1 and "2027" in result.stderr and "holidays.toml" in result.stderr
    # outstanding lists what cannot be counted too
    gaps = monthly.outstanding(Archive.open(root), date(2027, 1, 20))
    assert {row["status"] for row in gaps if row["month"] == "2026-12"} == {"uncounted", "missing"}


# -- the second stranger's findings (wrong month, registered later, early reports, calendar,
#    English, totals, conflicting formats) -----------------------------------------------------


def test_a_wrong_month_report_is_named_where_it_was_expected_and_nowhere_else(
    tmp_path: Path,
) -> None:
    archive = _archive(tmp_path)
    code = _add(archive, 0)
    _report(archive, code, "2026-08", "2026-09-07")  # August, on time
    _report(archive, code, "2026-08", "2026-10-09")  # meant for September, says August
    _report(archive, code, "2026-10", "2026-11-03")  # October, on time
    september = _rows(monthly.check(Archive.open(archive.root), "2026-09", date(2026, 10, 20)))
    assert september[code]["status"] == "missing"
    assert "2026-10-09" in september[code]["reason"] and "2026-08" in september[code]["reason"]
    # October's report, received in November, is not a hint about November
    november = _rows(monthly.check(Archive.open(archive.root), "2026-11", date(2026, 11, 30)))
    assert november[code]["status"] == "not_due"
    assert "2026-10" not in november[code]["reason"]
    august = _rows(monthly.check(Archive.open(archive.root), "2026-08", date(2026, 10, 20)))
    assert august[code]["status"] == "on_time"  # the second August report is a duplicate
    assert len(august[code]["duplicates"]) == 1


def test_a_report_received_before_its_month_began_does_not_count(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    code = _add(archive, 0)
    _report(archive, code, "2026-11", "2026-10-01")
    report = monthly.check(Archive.open(archive.root), "2026-11", date(2026, 12, 31))
    row = _rows(report)[code]
    assert (row["status"], row["document"]) == ("missing", None)
    assert "2026-10-01" in row["reason"] and "还没开始" in row["reason"]
    # received on the month's first day: it counts (an odd date, but the month has begun)
    _report(archive, code, "2026-11", "2026-11-01")
    row = _rows(monthly.check(Archive.open(archive.root), "2026-11", date(2026, 12, 31)))[code]
    assert (row["status"], row["received_on"]) == ("on_time", "2026-11-01")


def test_a_code_registered_after_its_report_came_has_one_row_pointing_at_the_inbox(
    runner, tmp_path: Path
) -> None:
    archive = _archive(tmp_path)
    code = CODES[0]
    write_monthly_report(tmp_path / "收件" / "r.docx", code=code, name="蓝山县新公司",
                         period="2026-09")  # fmt: skip
    root = archive.root
    invoke(runner, "ingest", str(tmp_path / "收件"), "--received", "2026-10-09", "--jobs", "1",
           archive=root)  # fmt: skip
    _add(Archive.open(root), 0)
    report = monthly.check(Archive.open(root), "2026-09", date(2026, 10, 20))
    rows = [row for row in report.rows if row["credit_code"] == code]
    assert [row["status"] for row in rows] == ["missing"]
    assert "credit ingest --assign" in rows[0]["reason"] and code in rows[0]["reason"]
    assert "不在名册中" not in rows[0]["reason"]


def test_statuses_certain_without_the_missing_year_are_given(runner, tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    late, silent, early = _add(archive, 0), _add(archive, 1), _add(archive, 2)
    _report(archive, late, "2026-11", "2026-12-30")
    _report(archive, early, "2026-12", "2026-12-31")
    root = archive.root
    # every November due date is in 2026; only how many working days late needs 2027
    report = monthly.check(Archive.open(root), "2026-11", date(2027, 1, 5))
    rows = _rows(report)
    assert rows[late]["status"] == "late" and rows[late]["days_late"] == 17  # 12-08 … 12-30
    assert (rows[silent]["status"], rows[silent]["days_late"]) == ("missing", None)
    assert "2027" in rows[silent]["reason"] and report.exit_code == 10
    # December: the sections' due date 12-31 is known; the enterprises' (January 2027) cannot
    # be before 01-07 (the 5th working day is at the earliest the 5th): not due on 12-01 …
    result = invoke(runner, "monthly-check", "--month", "2026-12", "--as-of", "2026-12-01",
                    "--section", "危化股", "--json", archive=root)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert {row["status"] for row in json.loads(result.stdout)["rows"]} == {"not_due"}
    # … a report in before that earliest day is on time whatever the day; the others need 2027
    report = monthly.check(Archive.open(root), "2026-12", date(2027, 1, 20))
    rows = _rows(report)
    assert rows[early]["status"] == "on_time" and rows[early]["due"] is None
    assert rows[silent]["status"] == "uncounted" and report.exit_code == 3
    assert monthly.earliest_deadline(REPORT, "2026-12") == date(2027, 1, 5)
    # the default month as of 2027-01-05: December cannot be due yet, November is
    assert monthly.default_month(Archive.open(root), date(2027, 1, 5)) == "2026-11"


def test_closed_before_any_possible_due_date_in_a_missing_year_is_not_owed(
    tmp_path: Path,
) -> None:
    from archive.enterprises import close_enterprise

    archive = _archive(tmp_path)
    closed, open_ = _add(archive, 0), _add(archive, 1)
    close_enterprise(archive, closed, reason="停产", on=date(2026, 12, 1))
    # December's due date is in January 2027 (not in the calendar): at the earliest 01-05,
    # so closing on 12-01 surely comes before it -- not owed, whatever the day
    report = monthly.check(Archive.open(archive.root), "2026-12", date(2027, 1, 20))
    rows = _rows(report)
    assert (rows[closed]["status"], rows[closed]["due"]) == ("not_owed", None)
    assert "2027-01-05" in rows[closed]["reason"]
    assert rows[open_]["status"] == "uncounted"


@given(month=st.integers(0, 34))  # 2024-01 … 2026-11: every due date inside the data
@settings(max_examples=40, deadline=None)
def test_the_earliest_deadline_is_never_after_the_real_one(month: int) -> None:
    calendar = WorkCalendar()
    name = monthly.add_months("2024-01", month)
    for requirement in (REPORT, SUBMISSION):
        real = monthly._deadline(calendar, requirement, monthly._due(calendar, requirement, name))
        assert monthly.earliest_deadline(requirement, name) <= real


def test_english_wording_and_language_free_csv(runner, tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    late, _silent = _add(archive, 0), _add(archive, 1)
    _report(archive, late, "2026-05", "2026-06-08")
    root = archive.root
    common = ("--month", "2026-05", "--as-of", "2026-06-10")
    result = invoke(runner, "--lang", "en", "monthly-check", *common, archive=root)
    text = result.stdout + result.stderr
    assert "1 working day" in text or "1 working days" in text
    for wrong in ("a working day late", "  working", "Title", "section ", "more reports"):
        assert wrong not in text, wrong
    csv_en = invoke(runner, "--lang", "en", "monthly-check", *common, "--csv", archive=root)
    csv_zh = invoke(runner, "monthly-check", *common, "--csv", archive=root)
    lines_en, lines_zh = csv_en.stdout.splitlines(), csv_zh.stdout.splitlines()
    header = lines_zh[0].split(",")
    for key in ("status", "status_label", "signed", "days_late", "days_counted"):
        column = header.index(key)
        assert [line.split(",")[column] for line in lines_en] == [
            line.split(",")[column] for line in lines_zh
        ], key
    assert ",true," in csv_zh.stdout


def test_totals_add_up_and_zero_working_days_late_is_explained(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    _add(archive, 0)
    # February's section material is due Saturday 02-28 (a make-up working day); on Sunday
    # 03-01 it is missing, though no working day has passed since
    report = monthly.check(Archive.open(archive.root), "2026-02", date(2026, 3, 1))
    sections = _rows(report, "section")
    row = next(iter(sections.values()))
    assert (row["status"], row["days_late"]) == ("missing", 0)
    assert "还没有过一个工作日" in row["reason"]
    for total in report.totals:
        assert (
            total["needs_action"] == total["incomplete"] + total["missing"] + total["unregistered"]
        )
        assert total["owed"] + total["not_owed"] + total["unregistered"] == sum(
            total[status] for status in monthly.STATUSES
        )


@pytest.mark.parametrize(
    "args",
    [
        # (as of a day the calendar covers, whatever day the tests run on)
        ("monthly-check", "--as-of", "2026-12-01", "--csv", "--json"),
        ("monthly-check", "--as-of", "2026-12-01", "--nl", "--csv"),
        ("enterprise", "list", "--json", "--nl"),
    ],
)
def test_two_output_formats_are_a_usage_error(runner, tmp_path: Path, args) -> None:
    archive = _archive(tmp_path)
    _add(archive, 0)
    result = invoke(runner, *args, archive=archive.root)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "不能同时使用" in result.stderr and args[-1] in result.stderr
    # one format, even given twice, is fine
    result = invoke(runner, *args[:-1], args[-2], archive=archive.root)
    assert result.exit_code in (0, 10), result.stderr


def test_a_month_s_last_working_day_is_never_before_the_calendar_free_bound() -> None:
    """earliest_due's bound for a month's last working day (LONGEST_REST days before its last
    day) holds on every month chinesecalendar knows."""
    import calendar as months

    from archive.settings import DEFAULTS
    from archive.workdays import calendar_for, package_years

    calendar = calendar_for(None)
    first, last = package_years()
    requirement = monthly.Requirement.from_settings(DEFAULTS["monthly.requirements"][0][1])
    assert requirement.due == "last_workday"
    for year in range(first, last + 1):
        for number in range(1, 13):
            month = f"{year}-{number:02d}"
            day = date(year, number, months.monthrange(year, number)[1])
            while not calendar.is_workday(day):
                day -= timedelta(1)
            assert monthly.earliest_due(requirement, month) <= day, month
