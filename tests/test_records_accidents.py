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


# -- one fact, one record per criterion ------------------------------------------------------------


def late_report_decision(archive: Archive, *, number: str = "（蓝）应急罚〔2026〕15号") -> str:
    """A decision stating 迟报 about the accident it punishes: ingest records the accident."""
    from tests.test_records import file_document

    fields = {
        "doc_number": number,
        "document_date": "2026-04-20",
        "facts": "2026年3月5日发生物体打击事故，造成1人死亡，该公司迟报事故",
        "accident_date": "2026-03-05",
        "deaths": 1,
        "direct_loss_yuan": 1_200_000,
        "concealed": True,
        "accident_description": "物体打击事故",
    }
    return file_document(archive, "penalty_decision", fields, name=number)


def test_a_decision_and_its_accident_give_one_criterion_7_record(archive: Archive) -> None:
    sha = late_report_decision(archive)
    (made,) = accidents.list_accidents(archive)
    assert made["concealed"] and made["source"]["document"] == sha
    report = records.propose(archive, AS_OF)
    found = sorted((i.record["criterion"], i.rule) for i in new_items(report))
    # criterion 1 (fatal, liable) and criterion 7 once: the accident's record, not the decision's
    assert found == [("1", "accident_fatal_liable"), ("7", "accident_concealed")]
    (kept,) = [i.record for i in new_items(report) if i.record["criterion"] == "7"]
    # its id is the accident rule's own, as if the decision's rule had not matched
    assert kept["id"] == records.proposal_id("accident_concealed", CODE, kept["evidence"])
    assert kept["evidence"][0]["document"] == sha
    assert kept["evidence"][0]["doc_number"] == "（蓝）应急罚〔2026〕15号"
    assert kept["facts"]["also_rules"] == ["penalty_accident_report"]
    (same,) = [i for i in report.items if i.outcome == records.SAME_FACT]
    assert same.rule == "penalty_accident_report" and same.record["id"] == kept["id"]
    assert kept["id"] in same.message
    again = records.propose(archive, AS_OF)
    assert new_items(again) == []
    assert len(records.list_records(archive, CODE, criterion="7")) == 1


def test_a_record_held_already_keeps_the_fact_whatever_the_preference(archive: Archive) -> None:
    """An archive that proposed the decision's record first (before the accident was known as
    concealed) is not given a second criterion-7 record when the accident is corrected."""
    late_report_decision(archive)
    (made,) = accidents.list_accidents(archive)
    accidents.correct_accident(archive, made["id"], {"concealed": False}, reason="核实")
    (first,) = [
        i for i in new_items(records.propose(archive, AS_OF)) if i.record["criterion"] == "7"
    ]
    assert first.rule == "penalty_accident_report"
    records.reject(archive, first.record["id"], "迟报已另案处理")
    accidents.correct_accident(archive, made["id"], {"concealed": True}, reason="复核")
    report = records.propose(archive, AS_OF)
    assert [i for i in new_items(report) if i.record["criterion"] == "7"] == []
    (same,) = [i for i in report.items if i.outcome == records.SAME_FACT]
    assert same.rule == "accident_concealed" and same.record["id"] == first.record["id"]


def test_one_decision_under_one_criterion_twice_is_one_record(archive: Archive) -> None:
    from tests.test_records import penalty

    penalty(archive, "拒不执行停产指令，且逾期不缴纳罚款")
    report = records.propose(archive, AS_OF)
    (item,) = new_items(report)
    assert (item.record["criterion"], item.rule) == ("6", "penalty_refused_order")
    assert item.record["facts"]["also_rules"] == ["penalty_unpaid"]


def test_two_decisions_of_one_enterprise_are_two_facts(archive: Archive) -> None:
    from tests.test_records import penalty

    penalty(archive, "发生事故后迟报", number="罚1号")
    penalty(archive, "发生事故后瞒报", number="罚2号")
    assert len(new_items(records.propose(archive, AS_OF))) == 2
