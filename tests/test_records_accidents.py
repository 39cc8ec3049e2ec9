"""Records from accidents: a liable fatal accident within the window, a concealed one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from archive import accidents, records
from archive.store import Archive
from tests.helpers import new_archive
from tests.test_records import CODE, OTHER, add_enterprises, new_items, set_regime

AS_OF = date(2026, 12, 1)


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    made = new_archive(tmp_path)
    add_enterprises(made, CODE, OTHER)
    return made


def accident(archive: Archive, on: str, deaths: int, *, liable=True, concealed=False, loss=0):
    return accidents.add_accident(
        archive,
        CODE,
        on=date.fromisoformat(on),
        deaths=deaths,
        serious_injuries=0,
        direct_loss=loss,
        liable=liable,
        concealed=concealed,
        description=f"{on} 事故 {deaths}",
    )


COUNTY = [
    # date, deaths, liable, concealed → the (criterion, rule) proposed
    ("2026-06-01", 1, True, False, [("1", "accident_fatal_liable")]),
    ("2025-12-01", 1, True, False, [("1", "accident_fatal_liable")]),  # a year before: 一年内
    ("2025-11-30", 1, True, False, []),  # more than a year before
    ("2026-06-01", 0, True, False, []),  # nobody died
    ("2026-06-01", 2, False, False, []),  # not liable
    ("2026-06-01", 2, None, False, []),  # liability not established
    ("2026-06-01", 0, False, True, [("7", "accident_concealed")]),
    ("2024-06-01", 0, None, True, [("7", "accident_concealed")]),  # no window for concealment
    (
        "2026-06-01",
        3,
        True,
        True,
        [("1", "accident_fatal_liable"), ("7", "accident_concealed")],
    ),
]


@pytest.mark.parametrize(("on", "deaths", "liable", "concealed", "expected"), COUNTY)
def test_county_criteria_from_accidents(
    archive: Archive, on, deaths, liable, concealed, expected
) -> None:
    made = accident(archive, on, deaths, liable=liable, concealed=concealed)
    report = records.propose(archive, AS_OF)
    found = [(item.record["criterion"], item.record["rule"]) for item in new_items(report)]
    assert found == expected
    for item in new_items(report):
        record = item.record
        assert record["date"] == on
        assert record["facts"]["accident"] == made["id"]
        assert record["facts"]["grade"] == made["grade"]
        assert record["evidence"][0]["accident"] == made["id"]
        assert record["id"] == records.proposal_id(record["rule"], CODE, record["evidence"])


NATIONAL = [
    # deaths → grade; criterion 1 counts from 重大 up
    (1, "general", None),
    (9, "larger", None),
    (10, "major", "1"),
    (30, "especially_major", "1"),
]


@pytest.mark.parametrize(("deaths", "grade", "criterion"), NATIONAL)
def test_national_2023_counts_accidents_from_major_up(
    archive: Archive, deaths: int, grade: str, criterion: str | None
) -> None:
    accident(archive, "2026-06-01", deaths)
    national = set_regime(archive, "national-2023")
    report = records.propose(national, AS_OF)
    (item,) = report.items
    if criterion is None:
        assert item.outcome == records.NO_CRITERION
    else:
        assert item.outcome == records.NEW
        assert (item.record["criterion"], item.record["facts"]["grade"]) == (criterion, grade)


def test_an_accident_after_as_of_is_not_judged_yet(archive: Archive) -> None:
    accident(archive, "2026-06-01", 1, concealed=True)
    assert records.propose(archive, date(2026, 5, 31)).items == []


def test_national_2023_concealment_is_criterion_4(archive: Archive) -> None:
    accident(archive, "2026-06-01", 0, liable=False, concealed=True)
    (item,) = new_items(records.propose(set_regime(archive, "national-2023"), AS_OF))
    assert (item.record["criterion"], item.record["rule"]) == ("4", "accident_concealed")


def test_a_corrected_accident_is_not_proposed_again(archive: Archive) -> None:
    made = accident(archive, "2026-06-01", 1)
    assert len(new_items(records.propose(archive, AS_OF))) == 1
    accidents.correct_accident(archive, made["id"], {"deaths": 2}, reason="核实后更正")
    again = records.propose(archive, AS_OF)
    assert new_items(again) == [] and [i.outcome for i in again.items] == [records.EXISTS]


def test_a_manual_record_on_an_accident(archive: Archive) -> None:
    made = accident(archive, "2026-05-03", 0, liable=None)
    record = records.add_record(archive, CODE, "7", accident_ids=[made["id"]]).record
    assert record["evidence"][0]["accident"] == made["id"]
    assert record["date"] == "2026-05-03"
    from archive.errors import UsageError

    with pytest.raises(UsageError):
        records.add_record(archive, OTHER, "7", accident_ids=[made["id"]])
