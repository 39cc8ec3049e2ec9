"""credit overdue: a known-truth archive (tests/overdue_fixtures.py) gives exactly its overdue items
at several dates, across the 2026 National Day; exit codes; outputs; what cannot be judged."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from archive import overdue as od
from archive.store import Archive
from tests.conftest import invoke
from tests.helpers import index_bytes, new_archive
from tests.overdue_fixtures import (
    E1,
    E2,
    E3,
    add_enterprises,
    decision,
    issue_commitment,
    known_archive,
    order,
    return_letter,
)
from tests.test_cli_conventions import ascii_archive  # noqa: F401  (a fixture)

R1, R3, R4 = "蓝应急责改〔2026〕1号", "蓝应急责改〔2026〕3号", "蓝应急责改〔2026〕4号"
L1, L3 = "蓝应急诺〔2026〕0001号", "蓝应急诺〔2026〕0003号"
F1, F3 = "蓝应急罚〔2026〕1号", "蓝应急罚〔2026〕3号"
BL = "entry"

# as_of → every overdue item: (what, code, 文号 or "entry", since, days overdue, counted in)
KNOWN = {
    # nothing is due yet
    "2026-09-28": set(),
    # R4 (09-29) and R3 (09-30) passed; R1's deadline 10-01 is a holiday: due 10-08, not past;
    # F3 (decided 09-20) is due 10-05 → a National Day holiday → 10-08, not past
    "2026-10-08": {
        ("rectification", E2, R4, "2026-09-29", 9, "calendar"),
        ("rectification", E2, R3, "2026-09-30", 8, "calendar"),
    },
    "2026-10-09": {
        ("rectification", E2, R4, "2026-09-29", 10, "calendar"),
        ("rectification", E2, R3, "2026-09-30", 9, "calendar"),
        ("rectification", E1, R1, "2026-10-08", 1, "calendar"),
        ("fine", E3, F3, "2026-10-08", 1, "calendar"),
    },
    # R4 rectified on 10-12 (late, but done); the blacklist stage due 10-10 (a make-up Saturday)
    # is one working day late on Monday 10-12 (Sunday 10-11 is not a working day)
    "2026-10-12": {
        ("rectification", E2, R3, "2026-09-30", 12, "calendar"),
        ("rectification", E1, R1, "2026-10-08", 4, "calendar"),
        ("fine", E3, F3, "2026-10-08", 4, "calendar"),
        ("blacklist_stage", E3, BL, "2026-10-10", 1, "workdays"),
    },
    # the letters of 10-12 are due back on 11-11 (30 days): not yet past
    "2026-11-11": {
        ("rectification", E2, R3, "2026-09-30", 42, "calendar"),
        ("rectification", E1, R1, "2026-10-08", 34, "calendar"),
        ("fine", E3, F3, "2026-10-08", 34, "calendar"),
        ("blacklist_stage", E3, BL, "2026-10-10", 23, "workdays"),
    },
    # 31 days out: the letter not returned and the one returned unsigned; not the signed one
    "2026-11-12": {
        ("rectification", E2, R3, "2026-09-30", 43, "calendar"),
        ("rectification", E1, R1, "2026-10-08", 35, "calendar"),
        ("fine", E3, F3, "2026-10-08", 35, "calendar"),
        ("blacklist_stage", E3, BL, "2026-10-10", 24, "workdays"),
        ("commitment", E3, L1, "2026-11-11", 1, "calendar"),
        ("commitment", E2, L3, "2026-11-11", 1, "calendar"),
    },
    # F1 and F2, decided 11-02, are due 11-17 (15 days): F2 was paid on 11-10, F1 is not —
    # overdue on 11-18, day 16
    "2026-11-18": {
        ("rectification", E2, R3, "2026-09-30", 49, "calendar"),
        ("rectification", E1, R1, "2026-10-08", 41, "calendar"),
        ("fine", E3, F3, "2026-10-08", 41, "calendar"),
        ("blacklist_stage", E3, BL, "2026-10-10", 28, "workdays"),
        ("commitment", E3, L1, "2026-11-11", 7, "calendar"),
        ("commitment", E2, L3, "2026-11-11", 7, "calendar"),
        ("fine", E1, F1, "2026-11-17", 1, "calendar"),
    },
}


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return known_archive(tmp_path_factory.mktemp("known")).root


def _seen(rows: list[dict]) -> set[tuple]:
    return {
        (
            row["what"],
            row["credit_code"],
            row["source"].get("doc_number") or ("entry" if row["source"].get("entry") else None),
            row["since"],
            row["days_overdue"],
            row["days_counted"],
        )
        for row in rows
    }


@pytest.mark.parametrize("as_of", sorted(KNOWN))
def test_overdue_reports_exactly_the_known_items(known: Path, as_of: str) -> None:
    report = od.overdue(Archive.open(known), date.fromisoformat(as_of))
    assert _seen(report.rows) == KNOWN[as_of]
    assert all(row["status"] == "overdue" for row in report.rows)
    assert int(report.exit_code) == (10 if KNOWN[as_of] else 0)


def test_rows_are_grouped_by_section_in_the_settings_order(known: Path) -> None:
    report = od.overdue(Archive.open(known), date(2026, 11, 18))
    sections = [row["section"] for row in report.rows]
    order_ = Archive.open(known).settings.sections
    assert sections == sorted(sections, key=order_.index)
    assert sections[0] == "危化股" and sections[-1] == "执法大队"
    # within a section: by kind (rectification first, fine last), then due date
    mine = [row["what"] for row in report.rows if row["section"] == "执法大队"]
    assert mine == ["rectification", "fine"]
    totals = {row["section"]: row for row in report.totals()}
    assert totals["all"]["total"] == 7 and totals["烟花爆竹股"]["commitment"] == 1
    assert totals["危化股"]["rectification"] == 1 and totals["危化股"]["commitment"] == 1


def test_a_row_carries_the_spec_keys_and_its_source(known: Path) -> None:
    report = od.overdue(Archive.open(known), date(2026, 11, 18))
    keys = {
        "what",
        "what_label",
        "credit_code",
        "name",
        "section",
        "since",
        "days_overdue",
        "days_counted",
        "source",
        "detail",
    }
    for row in report.rows:
        assert keys <= set(row)
        assert row["what_label"] and row["name"] and row["detail"]
    rectification = next(row for row in report.rows if row["source"].get("doc_number") == R1)
    assert len(rectification["source"]["document"]) == 64
    assert "2026-10-01" in rectification["detail"] and "2026-10-08" in rectification["detail"]
    stage = next(row for row in report.rows if row["what"] == "blacklist_stage")
    assert stage["source"]["entry"].startswith("B-") and "信息告知" in stage["detail"]
    unsigned = next(row for row in report.rows if row["source"].get("doc_number") == L3)
    assert "未签字" in unsigned["detail"]


def test_section_filter(known: Path, runner) -> None:
    report = od.overdue(Archive.open(known), date(2026, 11, 18), section="执法大队")
    assert {row["credit_code"] for row in report.rows} == {E1} and len(report.rows) == 2
    none = invoke(runner, "overdue", "--as-of", "2026-11-18", "--section", "协调股", archive=known)
    assert none.exit_code == 0 and "没有逾期事项" in none.stderr
    bad = invoke(runner, "overdue", "--section", "火箭股", archive=known)
    assert bad.exit_code == 2 and "火箭股" in bad.stderr and "执法大队" in bad.stderr


# -- the command --------------------------------------------------------------------------------


def test_command_exit_codes_and_table(known: Path, runner) -> None:
    found = invoke(runner, "overdue", "--as-of", "2026-11-18", archive=known)
    assert found.exit_code == 10, found.stderr
    for text in ("危化股（2 项）", "执法大队（2 项）", "烟花爆竹股（3 项）", R1, "28 个工作日"):
        assert text in found.stdout or text in found.stderr, text
    assert found.stdout.index("危化股") < found.stdout.index("执法大队")
    assert "逾期 7 项" in found.stderr
    nothing = invoke(runner, "overdue", "--as-of", "2026-09-28", archive=known)
    assert nothing.exit_code == 0 and nothing.stdout == ""
    assert "截至 2026-09-28 没有逾期事项" in nothing.stderr


def test_json_nl_and_csv(known: Path, runner) -> None:
    as_json = invoke(runner, "overdue", "--as-of", "2026-11-18", "--json", archive=known)
    assert as_json.exit_code == 10
    rows = json.loads(as_json.stdout)
    assert _seen(rows) == KNOWN["2026-11-18"]
    assert all(key.isascii() for row in rows for key in row)
    lines = invoke(runner, "overdue", "--as-of", "2026-11-18", "--nl", archive=known)
    assert [json.loads(line) for line in lines.stdout.splitlines()] == rows
    table = invoke(runner, "overdue", "--as-of", "2026-11-18", "--csv", archive=known)
    read = list(csv.DictReader(io.StringIO(table.stdout)))
    assert len(read) == 7 and {"what", "credit_code", "since", "days_overdue"} <= set(read[0])
    assert {row["source_text"] for row in read if row["what"] == "fine"} == {F1, F3}


def test_xlsx_reads_back(known: Path, runner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "逾期事项.xlsx"
    done = invoke(runner, "overdue", "--as-of", "2026-11-18", "--xlsx", str(target), archive=known)
    assert done.exit_code == 10 and target.exists()
    book = load_workbook(target)
    rows_sheet, totals_sheet = book.worksheets
    header = [cell.value for cell in rows_sheet[1]]
    assert header[:2] == ["负责股室", "事项"]
    values = [[cell.value for cell in row] for row in rows_sheet.iter_rows(min_row=2)]
    assert len(values) == 7
    codes = header.index("统一社会信用代码")
    assert sorted(row[codes] for row in values) == sorted([E1, E1, E2, E2, E3, E3, E3])
    assert rows_sheet.freeze_panes == "A2"
    totals = {row[0].value: row[-1].value for row in totals_sheet.iter_rows(min_row=2)}
    assert totals["全部"] == 7 and totals["执法大队"] == 2


def test_xlsx_into_a_missing_folder_is_an_error(known: Path, runner, tmp_path: Path) -> None:
    target = tmp_path / "没有" / "x.xlsx"
    done = invoke(runner, "overdue", "--xlsx", str(target), archive=known)
    assert done.exit_code == 1 and "x.xlsx" in done.stderr


# -- what cannot be judged ----------------------------------------------------------------------

HOLIDAYS_2027 = """\
[2027]
holidays = [
  { name = "元旦", from = 2027-01-01, to = 2027-01-03 },
  { name = "春节", from = 2027-02-05, to = 2027-02-12 },
]
"""


def test_a_deadline_the_calendar_cannot_roll_is_a_row_that_says_so(tmp_path: Path, runner) -> None:
    archive = new_archive(tmp_path, start="2026-12")  # December's reports are owed
    add_enterprises(archive)
    order(archive, E1, "蓝应急责改〔2027〕1号", "2027-01-10")  # 2027: no holiday data
    order(archive, E2, "蓝应急责改〔2026〕9号", "2026-12-01")
    report = od.overdue(archive, date(2027, 1, 20))
    failed = [row for row in report.rows if row["status"] == "failed"]
    # the order, and the monthly reports of 2026-12 (due on the 5th working day of 2027-01)
    assert [row["credit_code"] for row in failed if row["what"] == "rectification"] == [E1]
    assert (
        {"rectification", "monthly_report"}
        <= {row["what"] for row in failed}
        <= {
            "rectification",
            "monthly_report",
            "section_submission",
        }
    )
    for row in failed:
        assert "2027" in row["detail"] and row["since"] is None and row["days_overdue"] is None
    overdue = [row for row in report.rows if row["status"] == "overdue"]
    assert {row["what"] for row in overdue} <= {"rectification", "section_submission"}
    # December's section material was due 2026-12-31: certainly overdue; how many working
    # days needs 2027, so the count is left empty rather than guessed
    for row in overdue:
        if row["what"] == "section_submission":
            assert (row["since"], row["days_overdue"]) == ("2026-12-31", None)
    assert int(report.exit_code) == 3  # a failure outranks the finding beside it
    done = invoke(runner, "overdue", "--as-of", "2027-01-20", archive=archive.root)
    assert done.exit_code == 3 and f"无法判断 {len(failed)} 项" in done.stderr
    # with the year's data, it is judged: 2027-01-10 is a Sunday → due Monday 01-11
    (archive.root / "holidays.toml").write_text(HOLIDAYS_2027, encoding="utf-8")
    report = od.overdue(Archive.open(archive.root), date(2027, 1, 20))
    assert all(row["status"] == "overdue" for row in report.rows)
    judged = next(row for row in report.rows if row["credit_code"] == E1)
    assert (judged["status"], judged["since"], judged["days_overdue"]) == (
        "overdue",
        "2027-01-11",
        9,
    )
    assert int(report.exit_code) == 10


def test_nothing_judgeable_is_an_error(tmp_path: Path, runner) -> None:
    archive = new_archive(tmp_path)
    add_enterprises(archive)
    order(archive, E1, "蓝应急责改〔2027〕1号", "2027-01-10")
    # the archive starts in 2027: no monthly deadline can be placed either
    settings = archive.root / "credit.toml"
    text = settings.read_text(encoding="utf-8")
    assert 'start = ""' in text
    settings.write_text(text.replace('start = ""', 'start = "2027-01"'), encoding="utf-8")
    done = invoke(runner, "overdue", "--as-of", "2027-02-20", archive=archive.root)
    assert done.exit_code == 1
    assert "没有一项期限能够判断" in done.stderr and "holidays.toml" in done.stderr


def test_a_fine_without_a_decision_date_cannot_be_judged(tmp_path: Path) -> None:
    archive = new_archive(tmp_path)
    add_enterprises(archive)
    decision(archive, E1, "蓝应急罚〔2026〕7号", None)
    order(archive, E2, "蓝应急责改〔2026〕9号", "2026-11-01")
    report = od.overdue(archive, date(2026, 11, 20))
    fine = next(row for row in report.rows if row["what"] == "fine")
    assert fine["status"] == "failed" and "没有写明日期" in fine["detail"]
    assert int(report.exit_code) == 3


# -- commitments ---------------------------------------------------------------------------------


def test_return_days_comes_from_the_settings(tmp_path: Path, runner) -> None:
    archive = new_archive(tmp_path)
    add_enterprises(archive)
    issue_commitment(archive, E3, "蓝应急诺〔2026〕0001号", "2026-10-12")
    assert _seen(od.overdue(archive, date(2026, 11, 12)).rows) == {
        ("commitment", E3, L1, "2026-11-11", 1, "calendar")
    }
    path = archive.root / "credit.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[letters]\n", "[letters]\nreturn_days = 40\n"), encoding="utf-8")
    # 10-12 + 40 = 11-21, a Saturday → Monday 11-23
    assert _seen(od.overdue(Archive.open(archive.root), date(2026, 11, 23)).rows) == set()
    assert _seen(od.overdue(Archive.open(archive.root), date(2026, 11, 24)).rows) == {
        ("commitment", E3, L1, "2026-11-23", 1, "calendar")
    }
    shown = invoke(runner, "config", "--json", archive=archive.root)
    assert "letters.return_days" in shown.stdout
    for bad in ("-1", "true", '"30"', "2.5"):
        path.write_text(text.replace("[letters]\n", f"[letters]\nreturn_days = {bad}\n"), "utf-8")
        refused = invoke(runner, "overdue", archive=archive.root)
        assert refused.exit_code == 4, (bad, refused.stderr)
        assert "return_days" in refused.stderr


def test_a_reissued_letter_and_an_own_template_return(tmp_path: Path) -> None:
    archive = new_archive(tmp_path)
    add_enterprises(archive)
    issue_commitment(archive, E1, "蓝应急诺〔2026〕0001号", "2026-09-01")
    issue_commitment(
        archive, E1, "蓝应急诺〔2026〕0009号", "2026-10-12", reissue_of="蓝应急诺〔2026〕0001号"
    )
    # before the reissue the first letter is overdue; after it only the new one counts
    assert {row["source"]["doc_number"] for row in od.overdue(archive, date(2026, 10, 9)).rows} == {
        "蓝应急诺〔2026〕0001号"
    }
    assert od.overdue(archive, date(2026, 11, 11)).rows == []
    later = od.overdue(archive, date(2026, 11, 12)).rows
    assert [row["source"]["doc_number"] for row in later] == ["蓝应急诺〔2026〕0009号"]
    # returned signed on 11-20: overdue until then, not after
    return_letter(archive, E1, "蓝应急诺〔2026〕0009号", "2026-11-20", True)
    assert len(od.overdue(archive, date(2026, 11, 19)).rows) == 1
    assert od.overdue(archive, date(2026, 11, 20)).rows == []


def test_a_closed_enterprise_owes_no_rectification_or_commitment(tmp_path: Path) -> None:
    from archive.enterprises import close_enterprise

    archive = new_archive(tmp_path)
    add_enterprises(archive)
    order(archive, E1, "蓝应急责改〔2026〕1号", "2026-10-01")
    issue_commitment(archive, E1, "蓝应急诺〔2026〕0001号", "2026-09-01")
    decision(archive, E1, "蓝应急罚〔2026〕1号", "2026-09-01")
    assert {row["what"] for row in od.overdue(archive, date(2026, 11, 2)).rows} == {
        "rectification",
        "commitment",
        "fine",
    }
    close_enterprise(archive, E1, reason="注销", on=date(2026, 11, 1))
    assert {row["what"] for row in od.overdue(archive, date(2026, 11, 2)).rows} == {"fine"}
    # before the closing day, all three were overdue
    assert len(od.overdue(archive, date(2026, 10, 31)).rows) == 3


# -- bad option values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["overdue", "--as-of", "2026-13-01"], 2),
        (["overdue", "--as-of", "2026-02-30"], 2),
        (["overdue", "--as-of", "yesterday"], 2),
        (["overdue", "--section", "rocket"], 2),
        (["overdue", "--section", ""], 0),
        (["overdue", "--xlsx", "{tmp}/missing/x.xlsx"], 1),
        (["overdue", "--xlsx", "{tmp}/x.csv"], 2),
        (["overdue", "--xlsx", ""], 2),
        (["overdue", "--xlsx", "{tmp}"], 2),
        (["overdue", "--json", "--nosuch"], 2),
    ],
)
def test_bad_option_values(ascii_archive: Path, tmp_path: Path, runner, argv, code) -> None:  # noqa: F811
    from tests.test_cli_conventions import test_error_paths_exit_code_and_language

    if code == 0:  # an empty section is no filter
        done = invoke(runner, *argv, archive=ascii_archive)
        assert done.exit_code == 0, done.stderr
        return
    test_error_paths_exit_code_and_language(
        runner, ascii_archive, tmp_path, argv[0], argv, code, {}
    )


def test_reindex_keeps_the_index_and_the_report(known: Path, runner, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(known, copy)
    before = od.overdue(Archive.open(copy), date(2026, 11, 18)).rows
    kept = index_bytes(copy)
    assert invoke(runner, "reindex", archive=copy).exit_code == 0
    assert index_bytes(copy) == kept
    assert od.overdue(Archive.open(copy), date(2026, 11, 18)).rows == before


def test_a_blacklist_term_ending_in_a_year_without_data_cannot_be_judged(tmp_path: Path) -> None:
    from archive.penalties import record_payment
    from tests.overdue_fixtures import blacklist_entry, publish

    archive = new_archive(tmp_path)
    add_enterprises(archive)
    entry_id = blacklist_entry(archive, E3, date(2025, 12, 22))
    publish(archive, entry_id, date(2025, 12, 23), date(2026, 1, 5))
    decision(archive, E1, "蓝应急罚〔2026〕8号", "2026-11-02")
    record_payment(archive, "蓝应急罚〔2026〕8号", date(2026, 11, 3))

    def not_monthly(report: od.OverdueReport) -> list[dict]:
        # (the monthly items counted into 2027 cannot be judged either: not the point)
        return [
            row
            for row in report.rows
            if row["what"] not in ("monthly_report", "section_submission")
        ]

    # before its nominal end (2027-01-05) nothing is due; from it, the real end is unknown
    assert not_monthly(od.overdue(archive, date(2027, 1, 4))) == []
    report = od.overdue(archive, date(2027, 1, 20))
    (row,) = not_monthly(report)
    assert (row["what"], row["status"], row["source"]) == (
        "blacklist_stage",
        "failed",
        {"entry": entry_id},
    )
    assert "2027" in row["detail"] and "holidays.toml" in row["detail"]
    assert int(report.exit_code) == 3


# -- monthly reports and section submissions -------------------------------------------------------


def _submission(archive: Archive, section: str, period: str, received: str) -> None:
    from tests.overdue_fixtures import sha_of

    key = sha_of(f"section|{section}|{period}")
    with archive.transaction() as tx:
        tx.emit(
            "document.ingested",
            {
                "sha256": key,
                "kind": "section_submission",
                "original_name": f"{section}{period}.docx",
                "stored": f"files/sections/{key[:8]}.docx",
                "credit_codes": [],
                "section": section,
                "matched_by": "section",
                "fields": {"period": period, "section": section, "items": ["隐患排查台账"]},
                "enterprises": [],
                "fact_events": True,
                "received_on": received,
            },
        )


def test_monthly_reports_and_section_submissions_missing(tmp_path: Path) -> None:
    from archive.letters.catalog import MONTHLY_REPORT_TOPICS
    from tests.overdue_fixtures import file_document

    archive = new_archive(tmp_path)
    path = archive.root / "credit.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('start = ""', 'start = "2026-09"', 1),
        encoding="utf-8",
    )
    archive = Archive.open(archive.root)
    add_enterprises(archive)

    def report(code: str, period: str, received: str, *, empty: bool = False) -> None:
        topics = {topic: {"filled": True} for topic in MONTHLY_REPORT_TOPICS}
        if empty:
            topics[MONTHLY_REPORT_TOPICS[1]] = {"filled": False}
        fields = {"period": period, "topics": topics, "signed": True, "signer": "张三"}
        file_document(archive, "monthly_report", fields, code, received_on=received, name=period)

    report(E1, "2026-09", "2026-10-09")
    report(E1, "2026-10", "2026-11-03")
    report(E2, "2026-09", "2026-10-09")
    report(E2, "2026-10", "2026-11-03", empty=True)  # 安全投入 left empty
    # E3 sends nothing
    for section in archive.settings.sections:
        if section == "政策法规股":
            continue  # it receives the material
        _submission(archive, section, "2026-09", "2026-09-25")
        if section != "危化股":
            _submission(archive, section, "2026-10", "2026-10-28")
    report_ = od.overdue(archive, date(2026, 11, 10))
    monthly_rows = {
        (
            row["what"],
            row["credit_code"],
            row["section"],
            row["source"]["month"],
            row["since"],
            row["days_overdue"],
            row["days_counted"],
        )
        for row in report_.rows
    }
    # September's report was due on the 5th working day of October: 10-08, 09, 10 (a make-up
    # Saturday), 12, 13; October's on 11-06; the sections' October material on 10-30
    assert monthly_rows == {
        ("monthly_report", E3, "烟花爆竹股", "2026-09", "2026-10-13", 20, "workdays"),
        ("monthly_report", E3, "烟花爆竹股", "2026-10", "2026-11-06", 2, "workdays"),
        ("monthly_report", E2, "危化股", "2026-10", "2026-11-06", 2, "workdays"),
        ("section_submission", None, "危化股", "2026-10", "2026-10-30", 7, "workdays"),
    }
    incomplete = next(row for row in report_.rows if row["credit_code"] == E2)
    assert "安全投入" in incomplete["detail"] and len(incomplete["source"]["document"]) == 64
    section_row = next(row for row in report_.rows if row["what"] == "section_submission")
    assert section_row["name"] == "危化股" and section_row["source"]["document"] is None
    only = od.overdue(archive, date(2026, 11, 10), section="危化股")
    assert {row["what"] for row in only.rows} == {"monthly_report", "section_submission"}
    assert {row["section"] for row in only.rows} == {"危化股"}


def test_a_commitment_due_in_a_year_without_holidays_is_judged_before_that_year(
    tmp_path: Path,
) -> None:
    """Issued 2026-12-02, back within 30 days (2027-01-01, a holiday): on 2026-12-31 the period
    surely has not run out — judged, not a failure; in 2027, without its holidays, it is."""
    from tests.overdue_fixtures import issue_commitment

    archive = new_archive(tmp_path, start="2026-12")
    add_enterprises(archive)
    issue_commitment(archive, E1, "蓝应急诺〔2026〕0099号", "2026-12-02")
    report = od.overdue(archive, date(2026, 12, 31))
    assert not [row for row in report.rows if row["what"] == "commitment"]
    later = od.overdue(archive, date(2027, 1, 20))
    failed = [row for row in later.rows if row["what"] == "commitment"]
    assert [row["status"] for row in failed] == ["failed"] and "2027" in failed[0]["detail"]


def test_a_blacklist_stage_due_in_a_year_without_holidays_is_not_overdue_before_it(
    tmp_path: Path, runner
) -> None:
    """Collected 2026-12-28: the 告知 is due 5 working days later, in 2027.  On 2026-12-30 it
    surely is not overdue (judged, the deadline shown as waiting for 2027's holidays); on
    2027-01-20 it cannot be told without them."""
    from archive import blacklist
    from tests.overdue_fixtures import blacklist_entry

    archive = new_archive(tmp_path, start="2026-12")
    add_enterprises(archive)
    entry = blacklist_entry(archive, E1, date(2026, 12, 28))
    (row,) = [
        e for e in blacklist.list_entries(archive, as_of=date(2026, 12, 30)) if e["id"] == entry
    ]
    assert (row["overdue"], row["next_deadline"], row.get("calendar_gap")) == (False, None, None)
    assert row["next_deadline_year_missing"] == 2027
    report = od.overdue(Archive.open(archive.root), date(2026, 12, 30))
    assert not [r for r in report.rows if r["what"] == "blacklist_stage"]
    shown = invoke(
        runner, "blacklist", "list", "--as-of", "2026-12-30", "--json", archive=archive.root
    )
    assert "未到期，期限待定（缺 2027 年数据）" in shown.stdout, shown.stdout
    later = od.overdue(Archive.open(archive.root), date(2027, 1, 20))
    stage = [r for r in later.rows if r["what"] == "blacklist_stage"]
    assert [r["status"] for r in stage] == ["failed"]


def test_a_blacklist_stage_due_in_2026_is_overdue_in_2027_with_its_days_unknown(
    tmp_path: Path, runner
) -> None:
    """Collected 2026-12-24: the 告知 was due 2026-12-31 (5 working days).  On 2027-01-04 it is
    surely overdue; how many working days needs 2027's holidays, so the count is empty."""
    from archive import blacklist
    from tests.overdue_fixtures import blacklist_entry

    archive = new_archive(tmp_path, start="2026-12")
    add_enterprises(archive)
    entry = blacklist_entry(archive, E1, date(2026, 12, 24))
    as_of = date(2027, 1, 4)
    (row,) = [e for e in blacklist.list_entries(archive, as_of=as_of) if e["id"] == entry]
    assert (row["next_deadline"], row["overdue"], row["days_overdue"]) == ("2026-12-31", True, None)
    assert row.get("calendar_gap") is None and row["days_overdue_year_missing"] == 2027
    report = od.overdue(Archive.open(archive.root), as_of)
    (stage,) = [r for r in report.rows if r["what"] == "blacklist_stage"]
    assert (stage["status"], stage["since"], stage["days_overdue"]) == (
        "overdue",
        "2026-12-31",
        None,
    )
    shown = invoke(
        runner, "blacklist", "list", "--as-of", "2027-01-04", "--json", archive=archive.root
    )
    assert "逾期（天数待定，缺 2027 年数据）" in shown.stdout
