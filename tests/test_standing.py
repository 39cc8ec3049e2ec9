"""Standing (守信 / 一般 / 失信 / 黑名单): each decided by one rule, with its evidence."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from archive import records, standing
from archive.index import Index
from archive.store import Archive
from tests.conftest import invoke
from tests.helpers import make_code, new_archive
from tests.test_records import CODE, OTHER, add_enterprises, penalty

AS_OF = date(2026, 12, 1)


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    made = new_archive(tmp_path)
    add_enterprises(made, CODE, OTHER)
    return made


def signed_commitment(archive: Archive, code: str, year: int, *, signed: bool = True) -> None:
    with archive.transaction() as tx:
        tx.emit(
            "commitment.returned",
            {
                "credit_code": code,
                "year": year,
                "level": "unit",
                "document": "a" * 64,
                "signed": signed,
                "signer": "张三",
                "sign_date": f"{year}-03-01",
            },
        )


def manual(archive: Archive, code: str, on: date) -> str:
    return records.add_record(archive, code, "8", notes=["通报"], on=on).record["id"]


def of(archive: Archive, code: str = CODE, as_of: date = AS_OF) -> dict:
    (row,) = standing.standing(archive, code, as_of)
    return row


def test_nothing_known_is_general(archive: Archive) -> None:
    row = of(archive)
    assert (row["standing"], row["label"], row["rule"], row["evidence"]) == (
        "general",
        "一般",
        "no_signed_commitment",
        [],
    )


def test_a_signed_commitment_of_this_year_is_trustworthy(archive: Archive) -> None:
    signed_commitment(archive, CODE, 2026)
    signed_commitment(archive, OTHER, 2025)  # last year's does not count
    row = of(archive)
    assert (row["standing"], row["rule"]) == ("trustworthy", "commitment_signed_no_record")
    assert row["evidence"] == [
        {"commitment": None, "year": 2026, "document": "a" * 64, "sign_date": "2026-03-01"}
    ]
    assert of(archive, OTHER)["standing"] == "general"
    assert [r["credit_code"] for r in standing.green_channel(archive, AS_OF)] == [CODE]


def test_an_unsigned_commitment_is_not_enough(archive: Archive) -> None:
    signed_commitment(archive, CODE, 2026, signed=False)
    assert of(archive)["standing"] == "general"


WINDOW = [
    ("2026-12-01", True),  # as_of itself
    ("2025-12-01", True),  # the same date a year earlier: still 一年内
    ("2025-11-30", False),
]


@pytest.mark.parametrize(("on", "counts"), WINDOW)
def test_a_confirmed_record_within_the_window_is_untrustworthy(
    archive: Archive, on: str, counts: bool
) -> None:
    signed_commitment(archive, CODE, 2026)
    record_id = manual(archive, CODE, date.fromisoformat(on))
    row = of(archive)
    if counts:
        assert (row["standing"], row["label"], row["rule"]) == (
            "untrustworthy",
            "失信",
            "confirmed_record_in_window",
        )
        assert row["evidence"][0]["record"] == record_id
        assert row["evidence"][0]["criterion"] == "8"
        assert standing.green_channel(archive, AS_OF) == []
    else:
        assert row["standing"] == "trustworthy"


def test_a_record_after_as_of_does_not_count_yet(archive: Archive) -> None:
    manual(archive, CODE, date(2026, 11, 20))
    assert of(archive, as_of=date(2026, 11, 19))["standing"] == "general"


def test_proposed_and_rejected_records_do_not_count(archive: Archive) -> None:
    signed_commitment(archive, CODE, 2026)
    penalty(archive, "拒不执行")
    penalty(archive, "超层越界开采", number="罚2号")
    report = records.propose(archive, AS_OF)
    first = next(item.record["id"] for item in report.items if item.outcome == "proposed")
    records.reject(archive, first, "不属实")
    assert of(archive)["standing"] == "trustworthy"


BLACKLIST = [
    # status, listed_on, ends_on, blacklisted at AS_OF?
    ("listed", "2026-03-01", "2027-03-01", True),
    ("listed", "2025-12-01", "2026-12-01", True),  # the last day of the term
    ("listed", "2025-11-30", "2026-11-30", False),  # the term is over
    ("listed", "2026-12-02", "2027-12-02", False),  # not listed yet at AS_OF
    ("in_progress", None, None, False),
    ("removed", "2026-03-01", "2027-03-01", False),  # removed on 2026-11-01
    ("removed", "2026-03-01", "2027-03-01", True),  # removed on 2026-12-15, after AS_OF
]


@pytest.mark.parametrize(("status", "listed_on", "ends_on", "listed"), BLACKLIST)
def test_an_active_blacklist_entry_outranks_everything(
    archive: Archive, status, listed_on, ends_on, listed
) -> None:
    manual(archive, CODE, date(2026, 11, 1))
    archive.index().table("blacklist").put(
        "B-0123456789ab",
        {
            "id": "B-0123456789ab",
            "credit_code": CODE,
            "criterion": "2",
            "status": status,
            "listed_on": listed_on,
            "ends_on": ends_on,
            "basis": ["M-x"],
            "removed_on": "2026-12-15" if listed else "2026-11-01",
        },
    )
    row = of(archive)
    if listed:
        assert (row["standing"], row["label"], row["rule"]) == (
            "blacklisted",
            "黑名单",
            "blacklist_listed",
        )
        assert row["evidence"][0]["blacklist"] == "B-0123456789ab"
        assert row["evidence"][0]["ends_on"] == ends_on
    else:
        assert row["standing"] == "untrustworthy"


def test_no_blacklist_table_means_nobody_is_listed() -> None:
    assert standing.active_blacklist(Index(), AS_OF) == {}


def test_a_letter_we_issued_returned_signed_counts() -> None:
    index = Index()
    index.table("letters").put(
        "蓝应诺〔2026〕0001号",
        {
            "credit_code": CODE,
            "category": "commitment",
            "level": "unit",
            "year": 2026,
            "status": "returned",
            "signed": True,
            "returned_document": "b" * 64,
        },
    )
    index.table("letters").put(
        "蓝应诺〔2026〕0002号",
        {
            "credit_code": OTHER,
            "category": "commitment",
            "level": "workshop",
            "year": 2026,
            "status": "returned",
            "signed": True,
        },
    )
    found = standing._signed_commitments(index, 2026)
    assert list(found) == [CODE] and found[CODE]["commitment"] == "蓝应诺〔2026〕0001号"


def test_closed_enterprises_are_left_out_of_the_list(runner, archive: Archive) -> None:
    assert (
        invoke(
            runner, "enterprise", "close", OTHER, "--reason", "关闭", archive=archive.root
        ).exit_code
        == 0
    )
    codes = [
        row["credit_code"] for row in standing.standing(Archive.open(archive.root), None, AS_OF)
    ]
    assert codes == [CODE]


def test_the_command(runner, archive: Archive) -> None:
    signed_commitment(archive, CODE, 2026)
    record_id = manual(archive, OTHER, date(2026, 11, 2))
    root = archive.root
    table = invoke(runner, "standing", "--as-of", "2026-12-01", archive=root)
    assert table.exit_code == 0
    assert "守信" in table.stdout and "失信" in table.stdout and record_id in table.stdout
    assert "共 2 家" in table.stderr
    rows = json.loads(
        invoke(runner, "standing", "--json", "--as-of", "2026-12-01", archive=root).stdout
    )
    assert [(r["credit_code"], r["standing"]) for r in rows] == [
        (CODE, "trustworthy"),
        (OTHER, "untrustworthy"),
    ]
    assert rows[1]["rule"] == "confirmed_record_in_window"
    assert rows[1]["evidence"][0]["record"] == record_id
    assert rows[0]["regime"]["id"] == "county-2019"
    green = json.loads(
        invoke(
            runner, "standing", "--green-channel", "--nl", "--as-of", "2026-12-01", archive=root
        ).stdout
    )
    assert green["credit_code"] == CODE
    out = invoke(runner, "standing", OTHER, "--csv", "--as-of", "2026-12-01", archive=root).stdout
    (row,) = csv.DictReader(io.StringIO(out))
    assert row["label"] == "失信" and record_id in row["evidence_text"]
    english = invoke(runner, "--lang", "en", "standing", "--as-of", "2026-12-01", archive=root)
    assert "trustworthy" in english.stdout
    assert invoke(runner, "standing", make_code(9), archive=root).exit_code == 1


def test_reindex_gives_the_same_standing(runner, archive: Archive) -> None:
    signed_commitment(archive, CODE, 2026)
    manual(archive, OTHER, date(2026, 11, 2))
    argv = ["standing", "--json", "--as-of", "2026-12-01"]
    before = invoke(runner, *argv, archive=archive.root).stdout
    assert invoke(runner, "reindex", archive=archive.root).exit_code == 0
    assert invoke(runner, *argv, archive=archive.root).stdout == before
    assert json.loads(before)[1]["standing"] == "untrustworthy"


def test_every_format_carries_the_code_and_the_label_follows_the_language(
    runner, archive: Archive
) -> None:
    signed_commitment(archive, CODE, 2026)
    record_id = manual(archive, OTHER, date(2026, 11, 2))
    root, day = archive.root, ("--as-of", "2026-12-01")
    for lang, labels in (("zh", ["守信", "失信"]), ("en", ["trustworthy", "untrustworthy"])):
        out = invoke(runner, "--lang", lang, "standing", "--csv", *day, archive=root).stdout
        rows = list(csv.DictReader(io.StringIO(out)))
        assert [row["standing"] for row in rows] == ["trustworthy", "untrustworthy"]
        assert [row["label"] for row in rows] == labels
        assert [row["rule"] for row in rows] == [
            "commitment_signed_no_record",
            "confirmed_record_in_window",
        ]
        for fmt in ("--json", "--nl"):
            out = invoke(runner, "--lang", lang, "standing", fmt, *day, archive=root).stdout
            found = (
                json.loads(out)
                if fmt == "--json"
                else [json.loads(line) for line in out.split("\n") if line]
            )
            assert [(r["standing"], r["label"]) for r in found] == list(
                zip(["trustworthy", "untrustworthy"], labels, strict=True)
            )
    shown = invoke(runner, "--lang", "en", "enterprise", "show", OTHER, archive=root).stdout
    (line,) = [line for line in shown.splitlines() if line.startswith("Standing:")]
    assert line.startswith("Standing: untrustworthy (A confirmed bad-credit record")
    assert f"): record {record_id} (ground 8, 2026-11-02)" in line
    assert not any(char in line for char in "（）：、")
    as_json = invoke(runner, "--lang", "en", "enterprise", "show", OTHER, "--json", archive=root)
    standing_row = json.loads(as_json.stdout)["standing"]
    assert (standing_row["standing"], standing_row["label"]) == ("untrustworthy", "untrustworthy")
    chinese = invoke(runner, "--lang", "zh", "enterprise", "show", OTHER, archive=root).stdout
    assert f"信用状况：失信（记录期内有已确认的不良信用记录）：记录 {record_id}" in chinese


def test_ids_are_headed_by_what_they_are_not_serial(runner, archive: Archive) -> None:
    manual(archive, OTHER, date(2026, 11, 2))
    listed = invoke(runner, "--lang", "en", "record", "list", archive=archive.root).stdout
    assert "Record ID" in listed and "Serial" not in listed
    assert (
        "记录编号" in invoke(runner, "--lang", "zh", "record", "list", archive=archive.root).stdout
    )
    out = invoke(runner, "--lang", "zh", "record", "list", "--csv", archive=archive.root).stdout
    (row,) = csv.DictReader(io.StringIO(out))
    assert (row["rule"], row["status"], row["status_label"]) == ("manual", "confirmed", "已确认")
