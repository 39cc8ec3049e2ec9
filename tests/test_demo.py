"""credit demo: the sample roster, the library function and the command's walk-through."""

from __future__ import annotations

import hashlib
import json
import shlex
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import blacklist, records, uscc
from archive import standing as standing_
from archive.demo import (
    CURRENT_INDUSTRY,
    MONTHLY_EMPTY,
    MONTHLY_EMPTY_TOPICS,
    MONTHLY_LATE,
    MONTHLY_MISSING,
    MONTHLY_SECTION_MISSING,
    MONTHLY_UNSIGNED,
    ROSTER_NAME,
    SAMPLES_FOLDER,
    TOWNS,
    DemoResult,
    build_demo,
    demo_roster,
    demo_summary,
    monthly_story,
    story_dates,
    write_demo_roster,
)
from archive.dossier import enterprise_detail
from archive.enterprises import CLOSED, get_enterprise, list_enterprises
from archive.errors import CreditError
from archive.regimes import load_regime
from archive.roster import read_roster
from archive.settings import DEFAULT_INDUSTRIES
from archive.store import Archive
from archive.workdays import CalendarGap, WorkCalendar, package_years
from cli.main import cli
from tests.conftest import clean_environment, invoke
from tests.helpers import index_bytes

DEMO_BUDGET_SECONDS = 60  # credit demo must stay under a minute

SECTION_OF = {
    "非煤矿山": "非煤矿山股",
    "危险化学品": "危化股",
    "烟花爆竹": "烟花爆竹股",
    "冶金": "工贸股",
    "其他工贸": "工贸股",
}


# -- the roster ------------------------------------------------------------------------------


def test_roster_is_deterministic_for_a_seed() -> None:
    assert demo_roster() == demo_roster()
    assert demo_roster(seed=7) == demo_roster(seed=7)
    assert demo_roster(seed=7) != demo_roster()


def test_roster_is_a_plausible_county() -> None:
    rows = demo_roster()
    assert len(rows) == 60
    codes = [row["credit_code"] for row in rows]
    assert len(set(codes)) == 60
    assert len({row["name"] for row in rows}) == 60
    for row in rows:
        code = row["credit_code"]
        assert uscc.validate(code) == code
        assert code.startswith("91431127")
        assert uscc.warnings(code) == []  # organisation code check right too
        assert row["section"] == SECTION_OF[row["industry"]]
        assert row["town"] in TOWNS
        assert row["name"].startswith("蓝山县")
        assert row["address"]
        assert row["legal_representative"]
        assert row["phone"].startswith("0746-22") and len(row["phone"]) == 12
    per_industry = Counter(row["industry"] for row in rows)
    assert set(per_industry) == set(DEFAULT_INDUSTRIES)
    assert all(count >= 5 for count in per_industry.values())


@pytest.mark.parametrize("count", [1, 7, 3000])
def test_roster_size_follows_count(count: int) -> None:
    rows = demo_roster(count)
    assert len(rows) == count
    assert len({row["credit_code"] for row in rows}) == count
    assert len({row["name"] for row in rows}) == count


def test_written_roster_reads_back(tmp_path: Path) -> None:
    rows = demo_roster(12)
    path = write_demo_roster(tmp_path / "sub" / "名册.xlsx", rows)
    roster = read_roster(path)
    assert roster.ok, roster.problems
    assert roster.header_row == 2  # the title row is above the headers
    assert roster.ignored_columns == []
    assert [row.values for row in roster.rows] == rows


# -- one build of each kind, shared ----------------------------------------------------------
# A build takes 10-20 s. The tests that only read one (or check that what they run leaves it as
# it was) share it: built once per test process (each pytest-xdist worker), when a test first
# asks. A test that builds otherwise (twice in one folder, into an empty or the default folder,
# on a given day, in English) builds its own.


@dataclass(frozen=True)
class BuiltDemo:
    """``build_demo(folder)``, timed, and the real today when it began (the day it acts on)."""

    folder: Path
    result: DemoResult
    seconds: float
    today: date


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> BuiltDemo:
    folder = tmp_path_factory.mktemp("demo") / "演示"
    with clean_environment():
        today = date.today()
        started = time.perf_counter()
        result = build_demo(folder)
        seconds = time.perf_counter() - started
    return BuiltDemo(folder=folder, result=result, seconds=seconds, today=today)


@pytest.fixture(scope="session")
def demo_json(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """``credit demo FOLDER --json``: the folder and what the command printed."""
    folder = tmp_path_factory.mktemp("demo-json") / "演示 档案"  # a space and Chinese
    with clean_environment():
        result = CliRunner().invoke(cli, ["demo", str(folder), "--json"])
    return folder, result


# -- the library -----------------------------------------------------------------------------


def test_build_demo(built_demo: BuiltDemo) -> None:
    result = built_demo.result
    assert built_demo.seconds < DEMO_BUDGET_SECONDS
    assert isinstance(result, DemoResult)
    assert [step.name for step in result.steps] == [
        "create_archive",
        "write_roster",
        "import_roster",
        "update_phone",
        "close_enterprise",
        "issue_commitments",
        "returned_batch",
        "ingest",
        "monthly_batch",
        "propose_overdue",
        "confirm_record",
        "blacklist_propose",
        "blacklist_notify",
        "blacklist_exchange",
        "blacklist_publish",
        "blacklist_remove",
        "propose_today",
        "standing",
        "monthly_check",
        "overdue",
        "blacklist_summary",
        "report",
        "publish",
    ]
    assert result.roster_path == result.archive.root / SAMPLES_FOLDER / ROSTER_NAME
    assert result.roster_path.is_file()
    assert result.import_report.committed and result.import_report.count("add") == 60

    archive = Archive.open(built_demo.folder)
    records = list_enterprises(archive, status=None)
    assert len(records) == 60
    closed = [record for record in records if record["status"] == CLOSED]
    assert [record["credit_code"] for record in closed] == [result.closed_code]
    assert closed[0]["close_reason"] == "已关闭"
    assert "history" not in get_enterprise(archive, result.showcase_code)  # the register is slim
    shown = enterprise_detail(archive, result.showcase_code)
    assert shown["industry"] == result.showcase_industry
    assert [item["type"] for item in shown["history"]][:3] == [
        "enterprise.added",
        "enterprise.updated",
        "letter.issued",
    ]
    assert {item["actor"] for item in shown["history"]} == {"演示"}

    summary = demo_summary(result)
    assert summary["enterprises"] == {"total": 60, "active": 59, "closed": 1}
    # created + 60 added + update + close, serials reserved + 14 letters issued,
    # then 11 documents ingested and 1 left unmatched in the inbox; the facts of the 11 are
    # events of their own: 8 letters returned, 3 rectifications opened; then the rules story:
    # 2 records proposed, 1 confirmed, 1 blacklist entry proposed, advanced 3 times and
    # removed, its 2 notices each with a serial reserved and a letter issued; the month's
    # forms: 59 monthly reports (one never came) and 6 sections' slips (one never came); at
    # the end 2 public lists published (the report writes files, no event)
    # Three of the returned letters came back on paper (two phone photos signed, one scan
    # unsigned) and one inspection record as a scanned image: read by OCR and filed when
    # tesseract is installed (one more event), else left needs-ocr with the install hint.
    from parsers.scan.ocr import tesseract_status

    ocr = tesseract_status() is None
    rules = 2 + 1 + 1 + 3 + 1 + 2 * 2
    monthly_forms = 59 + 6 + 7 * len(result.monthly.later_sections)  # and later months: all 7
    assert summary["audit"] == {
        "ok": True,
        "events": 63 + 1 + 14 + 11 + ocr + 1 + 8 + 3 + rules + monthly_forms + 2,
    }
    facts = Counter(entry["type"] for entry in result.archive.journal.iter_entries())
    assert (facts["letter.returned"], facts["rectification.opened"]) == (8, 3)
    ingest_step = next(step for step in result.steps if step.name == "ingest")
    assert ingest_step.details["counts"] == {
        "ingested": 11 + ocr,
        "unmatched": 1,
        "failed": 0,
        "needs-ocr": 1 - ocr,
    }
    scans = {
        item["file"].split("_")[0] + Path(item["file"]).suffix: item
        for item in ingest_step.details["scans"]
    }
    assert [(scans[name]["status"], scans[name]["signed"]) for name in sorted(scans)] == [
        ("ingested", True),  # 手机拍照 .jpg, twice: one upright, one turned sideways
        ("ingested" if ocr else "needs-ocr", None),  # 扫描件 .png: the inspection record
        ("ingested", False),  # 扫描件 .tif: both pages of an unsigned letter
    ]
    assert sum(item["signed"] is True for item in ingest_step.details["scans"]) == 2
    letters = enterprise_detail(archive, result.showcase_code)["letters"]
    assert letters  # the showcase enterprise was sent a letter
    json.dumps(summary)  # plain data
    _assert_monthly(result, built_demo.today)


def _assert_monthly(result: DemoResult, today: date) -> None:
    """The monthly story: dates in the calendar and in the past; the check finds exactly the
    gaps made on purpose, the overdue items are those gaps, a reminder run would cover them."""
    from archive import monthly, reminders

    archive = Archive.open(result.archive.root)
    story = monthly_story(today)
    assert result.monthly == story
    first, last = package_years()
    assert all(first <= day.year <= last for day in vars(story).values() if isinstance(day, date))
    assert archive.settings.start == story.month
    report_req = monthly.requirements(archive)[0]
    deadline = monthly.deadline_date(archive, report_req, story.month)
    assert story.on_time <= deadline < story.late <= story.as_of <= today
    assert monthly.default_month(archive, story.as_of) == story.month

    rows = demo_roster()
    late, empty, unsigned, missing = (
        [row for row in rows if row["industry"] == industry][n]["credit_code"]
        for industry, n in (MONTHLY_LATE, MONTHLY_EMPTY, MONTHLY_UNSIGNED, MONTHLY_MISSING)
    )
    check = monthly.check(archive, story.month, story.as_of)
    statuses = {(row["credit_code"] or row["section"]): row["status"] for row in check.rows}
    assert {who: s for who, s in statuses.items() if s != "on_time"} == {
        late: "late",
        empty: "incomplete",
        unsigned: "incomplete",
        missing: "missing",
        MONTHLY_SECTION_MISSING: "missing",
    }
    assert len(statuses) == 60 + 7  # every enterprise (the closed one closed after the due
    # date) and every section but 政策法规股, which receives the material
    by_code = {row["credit_code"]: row for row in check.rows if row["credit_code"]}
    assert by_code[empty]["topics_missing"] == list(MONTHLY_EMPTY_TOPICS)
    assert by_code[unsigned]["signed"] is False
    assert by_code[late]["received_on"] == story.late.isoformat()
    assert check.exit_code == 10
    step = _step(result, "monthly_check")
    assert step.details["exit_code"] == 10 and step.details["counts"]["late"] == 1
    owed = {
        (row["credit_code"] or row["section"]) for row in monthly.outstanding(archive, story.as_of)
    }
    assert owed == {empty, unsigned, missing, MONTHLY_SECTION_MISSING}
    from archive import overdue

    summary = overdue.overdue(archive, story.as_of)
    assert {
        (row["credit_code"] or row["section"])
        for row in summary.rows
        if row["what"] in ("monthly_report", "section_submission")
    } == owed
    assert summary.count("failed") == 0 and summary.exit_code == 10
    assert _step(result, "overdue").details["exit_code"] == 10
    try:
        reminders.reminder_deadline(archive, story.as_of)
    except CalendarGap:  # late December: the reminders' deadline needs next year's holidays
        with pytest.raises(CalendarGap):
            reminders.remind(archive, story.month, story.as_of, dry_run=True)
        return
    planned = reminders.remind(archive, story.month, story.as_of, dry_run=True)
    assert {letter.credit_code or letter.section for letter in planned.letters.letters} == owed
    assert {letter.status for letter in planned.letters.letters} == {"planned"}


def test_the_demo_tells_the_rules_story(built_demo: BuiltDemo, runner) -> None:
    # Next to test_build_demo: pytest-xdist hands neighbours to the same worker, which builds
    # once. Its two writes (reindex, propose again) may share the build: each is checked to
    # change nothing.
    result = built_demo.result
    today = date.fromisoformat(result.steps[0].details["today"])  # the day the demo acts on
    assert today == min(built_demo.today, date(package_years()[1], 12, 31))
    _assert_rules_story(result, today)
    _assert_end_of_loop(result)
    archive = Archive.open(built_demo.folder)
    # today's case: one proposal, of an order due two weeks ago, waiting for a clerk
    proposed = records.list_records(archive, status="proposed")
    assert [row["credit_code"] for row in proposed] == [
        next(row for row in demo_roster() if row["industry"] == CURRENT_INDUSTRY)["credit_code"]
    ]
    current = proposed[0]
    assert current["rule"] == "rectification_overdue" and current["criterion"] == "5"
    assert current["facts"]["deadline"] == (today - timedelta(days=14)).isoformat()
    assert current["facts"]["as_of"] == today.isoformat()
    assert current["id"] == _step(result, "propose_today").details["record"]
    # the journal gives the index the demo left, byte for byte
    kept = index_bytes(archive.root)
    assert invoke(runner, "reindex", archive=archive.root).exit_code == 0
    assert index_bytes(archive.root) == kept
    # proposing again as of today adds nothing
    assert records.propose(archive, as_of=today).counts().get("proposed", 0) == 0


@pytest.mark.slow
def test_build_demo_refuses_an_archive_and_leaves_it_alone(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    build_demo(folder)
    journal = (folder / "journal.jsonl").read_bytes()
    with pytest.raises(CreditError) as caught:
        build_demo(folder)
    assert str(folder) in caught.value.message
    assert caught.value.exit_code == 1
    assert "删除" in (caught.value.hint or "")
    assert (folder / "journal.jsonl").read_bytes() == journal


def test_build_demo_refuses_a_folder_with_other_files(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "报告.docx").write_bytes(b"x")
    with pytest.raises(CreditError) as caught:
        build_demo(folder)
    assert "删除" not in (caught.value.hint or "")  # never suggest deleting someone's files
    assert sorted(path.name for path in folder.iterdir()) == ["报告.docx"]


@pytest.mark.slow
def test_build_demo_accepts_an_empty_folder(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    assert build_demo(folder).import_report.count("add") == 60


# -- the command -----------------------------------------------------------------------------


def test_demo_command_walks_through(tmp_path: Path) -> None:
    runner = CliRunner()
    folder = tmp_path / "d"
    result = runner.invoke(cli, ["demo", str(folder)])
    assert result.exit_code == 0, result.stderr
    root = str(folder.resolve())
    # narration on stderr, tables on stdout
    assert root in result.stderr
    assert "新增 60 家" in result.stderr
    assert "日志完好" in result.stderr
    assert "接下来可以试试：" in result.stderr
    assert "提出不良信用记录" in result.stderr and "信息移出" in result.stderr
    for command in ("record list --status proposed", "blacklist list", "standing"):
        assert command in result.stderr, command
    for industry in DEFAULT_INDUSTRIES:
        assert industry in result.stdout
    assert "变动记录" in result.stdout
    # it ends with the archive's path and the three files worth opening
    tail = result.stderr.rstrip().splitlines()[-5:]
    assert tail[0] == f"档案：{root}"
    assert tail[1] == "值得打开的三个文件："
    for line, suffix in zip(tail[2:], (".docx", ".xlsx", ".html"), strict=True):
        path = Path(line.strip().split(suffix)[0] + suffix)
        assert path.is_file() and path.is_relative_to(root), line

    archive = Archive.open(folder)
    records = list_enterprises(archive, status=None)
    assert len(records) == 60
    assert all(uscc.is_valid(record["credit_code"]) for record in records)


@pytest.mark.slow
def test_demo_suggests_commands_that_work(demo_json: tuple[Path, Result]) -> None:
    runner = CliRunner()
    folder, result = demo_json  # a space and Chinese in the folder: the commands must be quoted
    assert result.exit_code == 0, result.stderr
    commands = json.loads(result.stdout)["next_commands"]
    assert 4 <= len(commands) <= 14
    before = (folder / "journal.jsonl").read_bytes()
    for command in commands:
        argv = shlex.split(command)
        assert argv[:3] == ["credit", "--archive", str(folder.resolve())]
        outcome = runner.invoke(cli, argv[1:])
        # the checks find the demo's gaps on purpose: exit 10, "something needs action"
        expected = 10 if argv[3] in ("monthly-check", "overdue") else 0
        assert outcome.exit_code == expected, (command, outcome.stderr)
        if "--dry-run" in argv and "import" in argv:
            # the roster still has the old phone number; a dry run shows it and writes nothing
            assert "将新增 0 家，修改 1 家，59 家无变化" in outcome.stderr
    assert (folder / "journal.jsonl").read_bytes() == before  # nothing changed


@pytest.mark.slow
def test_demo_json(demo_json: tuple[Path, Result]) -> None:
    _, result = demo_json
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["import"] == {"add": 60, "update": 0, "unchanged": 0, "error": 0}
    assert summary["enterprises"]["total"] == 60
    assert summary["audit"]["ok"] is True
    assert sum(row["total"] for row in summary["by_industry"]) == 60
    assert result.stderr == ""
    steps = {step["name"]: step for step in summary["steps"]}
    story = summary["rules_story"]
    assert steps["propose_overdue"]["record"] == story["record"]
    assert steps["propose_overdue"]["rule"] == "rectification_overdue"
    assert steps["confirm_record"]["status"] == "confirmed"
    assert steps["blacklist_propose"]["entry"] == story["blacklist_entry"]
    assert steps["blacklist_notify"]["notice"] and steps["blacklist_remove"]["notice"]
    assert steps["blacklist_publish"]["ends_on"] == steps["blacklist_remove"]["removed_on"]
    assert steps["propose_today"]["record"]
    assert sum(steps["standing"]["counts"].values()) == 59


@pytest.mark.slow
def test_demo_twice_is_refused(tmp_path: Path) -> None:
    runner = CliRunner()
    folder = tmp_path / "d"
    assert runner.invoke(cli, ["demo", str(folder)]).exit_code == 0
    again = runner.invoke(cli, ["demo", str(folder)])
    assert again.exit_code == 1
    assert again.stdout == ""
    assert str(folder) in again.stderr
    assert "错误：" in again.stderr and "提示：" in again.stderr
    assert "删除" in again.stderr


@pytest.mark.slow
def test_demo_default_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["demo", "--json"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "credit-demo" / "credit.toml").is_file()


@pytest.mark.slow
def test_demo_in_english(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--lang", "en", "demo", str(tmp_path / "d")])
    assert result.exit_code == 0, result.stderr
    assert "Try next:" in result.stderr
    assert "接下来" not in result.stderr


# -- the rules story -------------------------------------------------------------------------


def _step(result: DemoResult, name: str):
    return next(step for step in result.steps if step.name == name)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assert_rules_story(result: DemoResult, today: date) -> None:
    archive = Archive.open(result.archive.root)
    root = archive.root
    step = {item.name: item for item in result.steps}
    story = story_dates(WorkCalendar(), load_regime(archive), today)
    first, last = package_years()
    for day in vars(story).values():  # every date of the story is one the package covers
        assert first <= day.year <= last
    assert story.ends_on <= today

    # the old order went overdue: a record under county criterion 5, confirmed with a reason
    order = root / SAMPLES_FOLDER / "收件" / f"责令限期整改指令书_{story.order_date.year}.docx"
    record = records.get_record(archive, result.record_id)
    assert record["rule"] == "rectification_overdue"
    assert record["criterion"] == "5"
    assert record["status"] == "confirmed" and record["reason"]
    assert record["decided_by"] == "演示"
    assert [item["document"] for item in record["evidence"]] == [_sha(order)]
    assert record["evidence"][0]["doc_number"].endswith("23号")
    assert record["facts"]["deadline"] == story.deadline.isoformat()
    assert record["facts"]["as_of"] == story.propose_on.isoformat()

    # … the blacklist entry it supports went through every stage and was removed at the end
    entry = blacklist.get_entry(archive, result.entry_id)
    assert entry["basis"] == [result.record_id]
    assert entry["criterion"] == "2"  # 未按时完成行政执法指令
    assert entry["status"] == "removed"
    assert [item["stage"] for item in entry["stages"]] == [
        "collect",
        "notify",
        "exchange",
        "publish",
        "remove",
    ]
    assert [item["actor"] for item in entry["stages"]] == ["演示"] * 5
    assert not any(item["date"] > (item["deadline"] or "9999") for item in entry["stages"])
    assert (entry["listed_on"], entry["ends_on"], entry["removed_on"]) == (
        story.publish_on.isoformat(),
        story.ends_on.isoformat(),
        story.ends_on.isoformat(),
    )
    notices = [item for item in entry["stages"] if item["notice"]]
    assert [item["stage"] for item in notices] == ["notify", "remove"]
    for item in notices:
        assert (root / item["file"]).is_file()
    assert step["blacklist_notify"].details["notice"] == notices[0]["notice"]
    assert step["blacklist_remove"].details["file"] == notices[1]["file"]

    # nobody is blacklisted today; the standing step counted what standing says
    rows = standing_.standing(archive, as_of=today)
    counted = Counter(row["standing"] for row in rows)
    assert step["standing"].details["counts"] == {
        value: counted.get(value, 0) for value in standing_.LABELS
    }
    assert counted["blacklisted"] == 0
    assert sum(counted.values()) == 59


def _assert_end_of_loop(result: DemoResult) -> None:
    """The report and the public lists: the three files worth opening exist and open, and
    each publication is an event in the journal."""
    import docx
    import openpyxl

    from archive.blacklist_summary import summary

    root = result.archive.root
    story = result.monthly
    assert story is not None
    docx_path, xlsx_path, html_path = result.worth_opening
    assert (docx_path.suffix, xlsx_path.suffix, html_path.suffix) == (".docx", ".xlsx", ".html")
    for path in result.worth_opening:
        assert path.is_file() and root in path.parents, path
    document = docx.Document(str(docx_path))
    assert document.tables and story.month[:4] in "".join(p.text for p in document.paragraphs)
    workbook = openpyxl.load_workbook(xlsx_path)
    assert len(workbook.sheetnames) >= 5
    assert any(sheet._charts for sheet in workbook.worksheets)
    page = html_path.read_text("utf-8")
    green = _step(result, "publish").details["publications"][1]
    assert green["kind"] == "green-channel" and green["rows"] > 0
    assert "<table" in page and page.count("<tr") == green["rows"] + 1  # the header and the rows
    # the blacklist summary step printed the figures of blacklist summary, as the report has them
    counts = summary(result.archive, story.as_of)["counts"]
    assert _step(result, "blacklist_summary").details["counts"] == counts
    assert _step(result, "report").details["blacklist"] == counts
    # one publication.made event per list, with the files' hashes
    lines = (root / "journal.jsonl").read_text("utf-8").splitlines()
    made = [
        entry["data"] for entry in map(json.loads, lines) if entry["type"] == "publication.made"
    ]
    assert [item["kind"] for item in made] == ["records", "green-channel"]
    files = {Path(item["path"]): item["sha256"] for data in made for item in data["files"]}
    assert files[html_path] == _sha(html_path)


@pytest.mark.slow
@pytest.mark.parametrize(
    "today",
    [
        date(2026, 6, 1),  # before the 2025 story's term ends: the story moves a year back
        date(2027, 3, 1),  # a year chinesecalendar lacks: the demo acts on 2026-12-31
    ],
)
def test_the_rules_story_on_other_days(tmp_path: Path, today: date) -> None:
    result = build_demo(tmp_path / "d", today=today)
    acting = min(today, date(package_years()[1], 12, 31))
    assert result.steps[0].details["today"] == acting.isoformat()
    if acting != today:  # said in the first step, never a silent change of day
        assert result.steps[0].details["moved_from"] == today.isoformat()
        assert acting.isoformat() in result.steps[0].message
        assert today.isoformat() in result.steps[0].message
    _assert_rules_story(result, acting)
    _assert_monthly(result, min(acting, date.today()))
    today_step = next(step for step in result.steps if step.name == "propose_today")
    proposed = records.list_records(Archive.open(tmp_path / "d"), status="proposed")
    assert [row["id"] for row in proposed] == [today_step.details["record"]]


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=date(2008, 1, 1), max_value=date(2040, 12, 31)))
def test_story_dates_stay_in_the_calendar_and_in_the_past(today: date) -> None:
    regime = load_regime(None)
    story = story_dates(WorkCalendar(), regime, today)
    first, last = package_years()
    days = list(vars(story).values())
    assert all(first <= day.year <= last for day in days)
    assert story.order_date < story.deadline < story.propose_on < story.notify_on
    assert story.notify_on < story.exchange_on < story.publish_on < story.ends_on
    assert story.ends_on <= today
    assert story.ends_on == WorkCalendar().add_years(story.publish_on, regime.term_years)
    # the latest story that has ended by today: a year later would not have
    if story.deadline.year < last - regime.term_years:
        later = story_dates(WorkCalendar(), regime, story.ends_on.replace(year=last + 5))
        assert later.deadline.year > story.deadline.year
