"""Overdue rectifications at the edge of the calendar's data: 2026 (the package's last year)
and 2027 (only from the archive's holidays.toml)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from archive import records
from archive.store import Archive
from tests.helpers import new_archive
from tests.test_records import CODE, add_enterprises, new_items, order

HOLIDAYS_2027 = """\
[2027]
notice = "国务院办公厅关于2027年部分节假日安排的通知"
holidays = [
  { name = "元旦", from = 2027-01-01, to = 2027-01-03 },
]
workdays = []
"""

EDGE = [
    # deadline, as_of, holidays.toml?, outcome, due, days overdue
    ("2026-12-31", "2027-01-05", False, records.NEW, "2026-12-31", 5),  # 2026 data suffices
    ("2027-01-01", "2027-01-05", False, records.FAILED, None, None),  # 2027: no data, no guess
    ("2027-01-01", "2027-01-05", True, records.NEW, "2027-01-04", 1),  # 元旦 → Monday 01-04
    ("2027-01-01", "2027-01-04", True, None, None, None),  # due that day: not overdue yet
]


@pytest.mark.parametrize(("deadline", "as_of", "holidays", "outcome", "due", "days"), EDGE)
def test_deadlines_at_the_edge_of_the_calendar(
    tmp_path: Path, deadline, as_of, holidays, outcome, due, days
) -> None:
    archive = new_archive(tmp_path)
    add_enterprises(archive, CODE)
    if holidays:
        (archive.root / "holidays.toml").write_text(HOLIDAYS_2027, encoding="utf-8")
    order(archive, "蓝应急责改〔2026〕99号", deadline)
    report = records.propose(Archive.open(archive.root), date.fromisoformat(as_of))
    if outcome is None:
        assert report.items == []
        return
    (item,) = report.items
    assert item.outcome == outcome
    if outcome == records.FAILED:
        assert "2027" in item.message and "holidays.toml" in item.message
        assert report.exit_code == 3
    else:
        assert item.record["facts"]["due"] == due
        assert item.record["facts"]["days_overdue"] == days
        assert new_items(report) == [item]
