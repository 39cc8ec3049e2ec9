"""credit blacklist summary: entries in force by industry and section, entering and leaving this
month, expiring soon, due for removal, removed this year — on an archive whose truth is known."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from archive import blacklist as bl
from archive.blacklist_summary import summary
from archive.errors import UsageError
from archive.store import Archive
from tests.conftest import invoke
from tests.helpers import make_code, new_archive
from tests.overdue_fixtures import add_enterprises, blacklist_entry, publish
from tests.test_cli_conventions import ascii_archive  # noqa: F401  (a fixture)

A, B, C, D, E = (make_code(n) for n in range(601, 606))
ENTERPRISES = {
    A: ("蓝山县甲矿业有限公司", "执法大队", "非煤矿山"),
    B: ("蓝山县乙化工有限公司", "危化股", "危险化学品"),
    C: ("蓝山县丙烟花有限公司", "烟花爆竹股", "烟花爆竹"),
    D: ("蓝山县丁矿业有限公司", "非煤矿山股", "非煤矿山"),
    E: ("蓝山县戊化工有限公司", "危化股", "危险化学品"),
}
# test data shaped like the State Council's notice for 2027 (terms published in late 2026 end then)
HOLIDAYS_2027 = """\
[2027]
holidays = [
  { name = "元旦", from = 2027-01-01, to = 2027-01-03 },
  { name = "春节", from = 2027-02-05, to = 2027-02-12 },
  { name = "国庆节", from = 2027-10-01, to = 2027-10-07 },
]
"""


def listed(archive: Archive, code: str, collected: str, published: str) -> str:
    """An entry collected, notified, exchanged and published (the term counts from publication)."""
    start = date.fromisoformat(collected)
    entry_id = blacklist_entry(archive, code, start)
    publish(archive, entry_id, start + timedelta(days=1), date.fromisoformat(published))
    return entry_id


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    archive = new_archive(tmp_path_factory.mktemp("summary"))
    (archive.root / "holidays.toml").write_text(HOLIDAYS_2027, encoding="utf-8")
    add_enterprises(archive, ENTERPRISES)
    ids = {
        # term 2025-11-03 → 2026-11-03: over, not removed (due for removal; ends this month)
        "A": listed(archive, A, "2025-10-20", "2025-11-03"),
        # published this month: ends 2027-11-10
        "B": listed(archive, B, "2026-10-26", "2026-11-10"),
        # ends 2026-12-15: in force, expiring within 30 days of 11-30
        "C": listed(archive, C, "2025-12-01", "2025-12-15"),
        # ended 2026-06-02, removed 06-05: removed this year
        "D": listed(archive, D, "2025-05-12", "2025-06-02"),
        # ended 2026-11-02, removed 11-05: leaving this month, removed this year
        "E": listed(archive, E, "2025-10-13", "2025-11-03"),
    }
    bl.remove(archive, ids["D"], date=date(2026, 6, 5), reason="管理期限届满")
    bl.remove(archive, ids["E"], date=date(2026, 11, 5), reason="管理期限届满")
    return archive.root, ids


def _ids(rows: list[dict]) -> set[str]:
    return {row["id"] for row in rows}


def test_the_summary_at_the_end_of_november(known) -> None:
    root, ids = known
    found = summary(Archive.open(root), date(2026, 11, 30), within=30)
    assert _ids(found["current"]) == {ids["B"], ids["C"]}
    assert found["current_by_industry"] == [
        {"industry": "危险化学品", "count": 1},
        {"industry": "烟花爆竹", "count": 1},
    ]
    assert found["current_by_section"] == [
        {"section": "危化股", "count": 1},
        {"section": "烟花爆竹股", "count": 1},
    ]
    assert _ids(found["entering"]) == {ids["B"]}
    assert {(row["id"], row["how"]) for row in found["leaving"]} == {
        (ids["E"], "removed"),
        (ids["A"], "term_ends"),
    }
    assert _ids(found["expiring"]) == {ids["C"]}
    assert _ids(found["due_for_removal"]) == {ids["A"]}
    assert _ids(found["removed_this_year"]) == {ids["D"], ids["E"]}
    assert found["counts"] == {
        "current": 2,
        "entering": 1,
        "leaving": 2,
        "expiring": 1,
        "due_for_removal": 1,
        "removed_this_year": 2,
    }


def test_the_summary_moves_with_the_date(known) -> None:
    root, ids = known
    archive = Archive.open(root)
    october = summary(archive, date(2026, 10, 31), within=30)
    # A (ends 11-03) and E (ends 11-02) are in force and end within 30 days; B is not listed yet
    assert _ids(october["current"]) == {ids["A"], ids["C"], ids["E"]}
    assert _ids(october["expiring"]) == {ids["A"], ids["E"]}
    assert october["entering"] == [] and october["leaving"] == []
    assert _ids(october["removed_this_year"]) == {ids["D"]}
    assert summary(archive, date(2026, 10, 31), within=0)["expiring"] == []
    # the day a term ends the entry is still in force (its last day)
    assert ids["A"] in _ids(summary(archive, date(2026, 11, 3))["current"])
    assert ids["A"] not in _ids(summary(archive, date(2026, 11, 4))["current"])


def test_within_is_checked() -> None:
    for bad in (-1, 3661, True):
        with pytest.raises(UsageError):
            summary(None, date(2026, 11, 30), within=bad)  # type: ignore[arg-type]


def test_the_command_json_table_and_xlsx(known, runner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    root, ids = known
    as_json = invoke(
        runner, "blacklist", "summary", "--as-of", "2026-11-30", "--json", archive=root
    )
    assert as_json.exit_code == 0
    found = json.loads(as_json.stdout)
    assert found["counts"]["current"] == 2 and found["month"] == "2026-11"
    table = invoke(runner, "blacklist", "summary", "--as-of", "2026-11-30", archive=root)
    assert table.exit_code == 0
    for text in ("黑名单汇总", "在列条目按行业统计", "危险化学品", "本月期满"):
        assert text in table.stdout, text
    target = tmp_path / "黑名单汇总.xlsx"
    written = invoke(
        runner, "blacklist", "summary", "--as-of", "2026-11-30", "--xlsx", str(target), archive=root
    )
    assert written.exit_code == 0 and target.exists()
    book = load_workbook(target)
    assert book.sheetnames[0] == "统计"
    counts = {row[0].value: row[1].value for row in book["统计"].iter_rows(min_row=2)}
    assert counts["在列条目"] == 2 and counts["在列：危险化学品"] == 1
    removed = book["本年已移出"]
    assert {row[0].value for row in removed.iter_rows(min_row=2)} == {ids["D"], ids["E"]}


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["blacklist", "summary", "--within", "-1"], 2),
        (["blacklist", "summary", "--within", "3661"], 2),
        (["blacklist", "summary", "--within", "x"], 2),
        (["blacklist", "summary", "--as-of", "2026-02-30"], 2),
        (["blacklist", "summary", "--xlsx", "{tmp}/missing/x.xlsx"], 1),
    ],
)
def test_bad_option_values(ascii_archive: Path, tmp_path: Path, runner, argv, code) -> None:  # noqa: F811
    from tests.test_cli_conventions import test_error_paths_exit_code_and_language

    test_error_paths_exit_code_and_language(
        runner, ascii_archive, tmp_path, argv[0], argv, code, {}
    )


def test_a_summary_of_a_past_day_reads_entries_as_they_stood(known) -> None:
    root, ids = known
    # E was removed on 11-05: on 11-01 it was still listed, its term ending this month
    found = summary(Archive.open(root), date(2026, 11, 1), within=30)
    assert {(row["id"], row["how"]) for row in found["leaving"]} == {
        (ids["E"], "term_ends"),
        (ids["A"], "term_ends"),
    }
