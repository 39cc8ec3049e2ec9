"""Accidents: grades on each axis and its boundaries, recording, correcting, listing, two clerks."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive import accidents
from archive.accidents import add_accident, correct_accident, grade, list_accidents, parse_amount
from archive.errors import CreditError, NotFound, UsageError
from archive.store import Archive
from tests.conftest import invoke
from tests.helpers import index_bytes, make_code, new_archive

CODE = make_code(1)
OTHER = make_code(2)

# (deaths, serious injuries, direct loss in yuan) → (grade, deciding axis)
GRADE_TABLE = [
    # deaths: 2/3, 9/10, 29/30
    ((2, 0, 0), ("general", None)),
    ((3, 0, 0), ("larger", "deaths")),
    ((9, 0, 0), ("larger", "deaths")),
    ((10, 0, 0), ("major", "deaths")),
    ((29, 0, 0), ("major", "deaths")),
    ((30, 0, 0), ("especially_major", "deaths")),
    # serious injuries: 9/10, 49/50, 99/100
    ((0, 9, 0), ("general", None)),
    ((0, 10, 0), ("larger", "serious_injuries")),
    ((0, 49, 0), ("larger", "serious_injuries")),
    ((0, 50, 0), ("major", "serious_injuries")),
    ((0, 99, 0), ("major", "serious_injuries")),
    ((0, 100, 0), ("especially_major", "serious_injuries")),
    # direct loss: 9,999,999/10,000,000, 49,999,999/50,000,000, 99,999,999/100,000,000
    ((0, 0, 9_999_999), ("general", None)),
    ((0, 0, 10_000_000), ("larger", "direct_loss_yuan")),
    ((0, 0, 49_999_999), ("larger", "direct_loss_yuan")),
    ((0, 0, 50_000_000), ("major", "direct_loss_yuan")),
    ((0, 0, 99_999_999), ("major", "direct_loss_yuan")),
    ((0, 0, 100_000_000), ("especially_major", "direct_loss_yuan")),
    # every axis just below 较大 is still 一般
    ((2, 9, 9_999_999), ("general", None)),
    ((0, 0, 0), ("general", None)),
    # the highest axis wins, whichever it is
    ((1, 50, 0), ("major", "serious_injuries")),
    ((3, 0, 100_000_000), ("especially_major", "direct_loss_yuan")),
    ((30, 10, 10_000_000), ("especially_major", "deaths")),
    ((2, 12, 60_000_000), ("major", "direct_loss_yuan")),
    # a tie names the first axis in deaths > serious injuries > direct loss
    ((3, 10, 10_000_000), ("larger", "deaths")),
    ((0, 50, 50_000_000), ("major", "serious_injuries")),
    ((10, 0, 50_000_000), ("major", "deaths")),
]


@pytest.mark.parametrize(("values", "expected"), GRADE_TABLE)
def test_grade_boundaries_and_deciding_axis(values, expected) -> None:
    assert grade(*values) == expected


@given(
    st.integers(0, 200),
    st.integers(0, 300),
    st.integers(0, 300_000_000),
)
def test_grade_is_the_highest_axis(deaths: int, injuries: int, loss: int) -> None:
    code, axis = grade(deaths, injuries, loss)
    per_axis = [
        grade(deaths, 0, 0)[0],
        grade(0, injuries, 0)[0],
        grade(0, 0, loss)[0],
    ]
    assert code == max(per_axis, key=accidents.GRADES.index)
    if axis is None:
        assert code == "general"
    else:
        # the named axis alone reaches the grade, and no earlier axis does
        position = accidents.AXES.index(axis)
        assert per_axis[position] == code
        assert all(per_axis[i] != code for i in range(position))


@pytest.mark.parametrize("bad", [-1, True, 1.5, "3"])
def test_grade_refuses_what_is_not_a_count(bad) -> None:
    with pytest.raises(ValueError):
        grade(bad, 0, 0)


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("0", 0),
        ("1200000", 1_200_000),
        ("1,200,000", 1_200_000),
        ("1200000元", 1_200_000),
        ("120万", 1_200_000),
        ("120万元", 1_200_000),
        ("1200.5万", 12_005_000),
        ("1.2亿", 120_000_000),
        ("１２０万元", 1_200_000),
        ("人民币120万元", 1_200_000),
        ("9,999,999", 9_999_999),
    ],
)
def test_direct_loss_amounts(text: str, yuan: int) -> None:
    assert parse_amount(text) == yuan


@pytest.mark.parametrize("text", ["", "abc", "-5", "1.5", "1.23456万", "万", "12万美元", "1e6"])
def test_direct_loss_refused(text: str) -> None:
    with pytest.raises(UsageError):
        parse_amount(text)


def grade_text_of(values: tuple[int, int, int]) -> str:
    deaths, injuries, loss = values
    code, axis = grade(deaths, injuries, loss)
    record = {
        "grade": code,
        "grade_axis": axis,
        "deaths": deaths,
        "serious_injuries": injuries,
        "direct_loss_yuan": loss,
    }
    return accidents.grade_text(record)


def test_grade_text_names_the_axis() -> None:
    assert grade_text_of((3, 0, 0)) == "较大（死亡 3 人 ≥ 3）"
    assert grade_text_of((0, 55, 0)) == "重大（重伤 55 人 ≥ 50）"
    assert grade_text_of((0, 0, 100_000_000)) == (
        "特别重大（直接经济损失 100,000,000 元 ≥ 100,000,000 元）"
    )
    assert grade_text_of((1, 0, 0)) == "一般（未达较大事故标准）"


# -- the archive -------------------------------------------------------------------------------


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    from archive.enterprises import add_enterprise

    made = new_archive(tmp_path)
    add_enterprise(made, {"credit_code": CODE, "name": "蓝山县甲矿业有限公司"})
    add_enterprise(made, {"credit_code": OTHER, "name": "蓝山县乙化工有限公司"})
    return made


def _add(archive: Archive, **changes):
    values = dict(
        on=date(2026, 3, 5),
        deaths=1,
        serious_injuries=0,
        direct_loss="120万",
        liable=True,
        description="物体打击事故",
    )
    values.update(changes)
    return add_accident(archive, CODE, **values)


def test_add_records_the_spec_shape(archive: Archive) -> None:
    record = _add(archive)
    assert record["id"] == accidents.accident_id(CODE, "2026-03-05", "物体打击事故")
    assert record["id"].startswith("A-") and len(record["id"]) == 12
    assert {key: record[key] for key in record if key not in ("recorded_at",)} == {
        "id": record["id"],
        "credit_code": CODE,
        "date": "2026-03-05",
        "deaths": 1,
        "serious_injuries": 0,
        "direct_loss_yuan": 1_200_000,
        "liable": True,
        "concealed": False,
        "description": "物体打击事故",
        "grade": "general",
        "grade_axis": None,
        "source": {"document": None, "doc_number": None},
        "recorded_by": "测试",
        "corrections": [],
    }
    assert list_accidents(archive) == [record]
    assert list_accidents(archive.index(), OTHER) == []
    assert list_accidents(archive, CODE, grades=["larger"]) == []


def test_the_same_accident_twice_is_not_added_again(archive: Archive) -> None:
    first = _add(archive)
    with pytest.raises(CreditError, match="已登记") as caught:
        _add(archive, description=" 物体打击事故 ")  # spacing does not make another accident
    assert first["id"] in caught.value.message
    assert len(list_accidents(archive)) == 1
    # another description, another date, another enterprise: other accidents
    _add(archive, description="高处坠落事故")
    _add(archive, on=date(2026, 3, 6))
    add_accident(archive, OTHER, on=date(2026, 3, 5), deaths=0, serious_injuries=0, direct_loss=0)
    assert len(list_accidents(archive)) == 4


def test_the_check_is_inside_the_transaction(archive: Archive) -> None:
    """A second clerk whose archive was opened before the first one added is still refused."""
    second = Archive.open(archive.root, actor="乙")
    second.index()  # read before the first clerk writes
    _add(archive)
    with pytest.raises(CreditError, match="已登记"):
        _add(second)
    assert len(list_accidents(Archive.open(archive.root))) == 1


ADDER = r"""
import sys, time
from datetime import date
from pathlib import Path
from archive.store import Archive
from archive.accidents import add_accident
from archive.errors import CreditError

root, code, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
archive = Archive.open(root, actor=sys.argv[4])
archive.index()
while not go.exists():
    time.sleep(0.002)
try:
    add_accident(archive, code, on=date(2026, 3, 5), deaths=1, serious_injuries=0,
                 direct_loss="120万", description="物体打击事故")
except CreditError as exc:
    print("refused", exc.message)
else:
    print("added")
"""


def test_two_clerks_adding_at_once_one_wins(archive: Archive, tmp_path: Path) -> None:
    go = tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", ADDER, str(archive.root), CODE, str(go), actor],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=Path(__file__).parent.parent,
        )
        for actor in ("甲", "乙")
    ]
    go.touch()
    outputs = []
    for child in children:
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        outputs.append(out.strip())
    assert sorted(line.split()[0] for line in outputs) == ["added", "refused"]
    assert any("已登记" in line for line in outputs)
    reopened = Archive.open(archive.root)
    assert len(list_accidents(reopened)) == 1
    assert reopened.journal.verify().ok


def test_correction_keeps_the_old_values(archive: Archive) -> None:
    record = _add(archive)
    corrected = correct_accident(
        archive, record["id"].upper().replace("A-", "a-"), {"deaths": "3"}, reason="调查报告核定"
    )
    assert corrected["deaths"] == 3
    assert (corrected["grade"], corrected["grade_axis"]) == ("larger", "deaths")
    assert corrected["id"] == record["id"]
    (item,) = corrected["corrections"]
    assert item["changes"] == {"deaths": {"old": 1, "new": 3}}
    assert item["reason"] == "调查报告核定"
    assert item["by"] == "测试"
    again = correct_accident(
        archive,
        record["id"],
        {"direct_loss_yuan": "1亿", "liable": False, "date": date(2026, 3, 4)},
        reason="复核",
    )
    assert (again["grade"], again["grade_axis"]) == ("especially_major", "direct_loss_yuan")
    assert again["liable"] is False and again["date"] == "2026-03-04"
    assert len(again["corrections"]) == 2
    types = [entry["type"] for entry in archive.journal.iter_entries()]
    assert types.count("accident.recorded") == 1 and types.count("accident.corrected") == 2


@pytest.mark.parametrize(
    ("changes", "reason", "message"),
    [
        ({"deaths": "1"}, "复核", "没有变化"),
        ({}, "复核", "没有要更正的项"),
        ({"deaths": "3"}, "  ", "--reason"),
        ({"deaths": "-3"}, "复核", "不小于 0"),
        ({"date": date.today() + timedelta(days=1)}, "复核", "不在"),
        ({"direct_loss_yuan": "很多"}, "复核", "不是有效的金额"),
    ],
)
def test_bad_corrections_are_refused(archive: Archive, changes, reason, message) -> None:
    record = _add(archive)
    with pytest.raises(UsageError, match=message):
        correct_accident(archive, record["id"], changes, reason=reason)
    assert accidents.get_accident(archive, record["id"])["corrections"] == []


@pytest.mark.parametrize(
    ("first", "second", "changes"),
    [
        # (date, description) of the accident already there, of the one corrected → changes
        (
            ("2026-04-02", "b"),
            ("2026-03-05", "物体打击事故"),
            {"date": "2026-04-02", "description": "b"},
        ),
        (
            ("2026-03-05", "高处坠落"),
            ("2026-03-05", "物体打击事故"),
            {"description": " 高处 坠落 "},
        ),
        (("2026-04-02", "物体打击事故"), ("2026-03-05", "物体打击事故"), {"date": "2026-04-02"}),
    ],
)
def test_a_correction_making_it_another_accident_is_refused(
    runner, archive: Archive, first, second, changes
) -> None:
    there = _add(archive, on=date.fromisoformat(first[0]), description=first[1])
    corrected = _add(archive, on=date.fromisoformat(second[0]), description=second[1])
    values = {
        key: date.fromisoformat(value) if key == "date" else value for key, value in changes.items()
    }
    with pytest.raises(CreditError, match=there["id"]) as caught:
        correct_accident(archive, corrected["id"], values, reason="复核")
    assert not isinstance(caught.value, UsageError) and corrected["id"] in caught.value.message
    assert accidents.get_accident(archive, corrected["id"])["corrections"] == []
    args = [f"--{key}={value}" for key, value in changes.items()]
    result = invoke(
        runner,
        "accident",
        "correct",
        corrected["id"],
        *args,
        "--reason",
        "复核",
        archive=archive.root,
    )
    assert result.exit_code == 1 and there["id"] in result.stderr, result.stderr


def test_a_correction_to_a_date_with_another_accident_of_other_kind_is_fine(
    archive: Archive,
) -> None:
    _add(archive, on=date(2026, 4, 2), description="高处坠落")
    second = _add(archive)
    moved = correct_accident(archive, second["id"], {"date": date(2026, 4, 2)}, reason="复核")
    assert moved["date"] == "2026-04-02"


def test_unknown_accident(archive: Archive) -> None:
    with pytest.raises(NotFound, match="A-0000000000"):
        correct_accident(archive, "A-0000000000", {"deaths": 1}, reason="x")


# -- the command line --------------------------------------------------------------------------


def _cli_add(runner, root: Path, *extra: str, code: str = CODE):
    args = [
        "accident",
        "add",
        code,
        "--date",
        "2026-03-05",
        "--deaths",
        "3",
        "--serious-injuries",
        "0",
        "--direct-loss",
        "1200000",
    ]
    return invoke(runner, *args, *extra, archive=root)


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("larger", 1),
        ("较大", 1),
        ("较大事故", 1),
        ("Larger", 1),
        ("较大 事故", 1),
        ("重大", 0),
        ("especially-major", 0),
    ],
)
def test_cli_list_by_grade_as_clerks_write_it(runner, archive: Archive, typed, found) -> None:
    _cli_add(runner, archive.root)  # 3 deaths: 较大
    result = invoke(runner, "accident", "list", "--grade", typed, "--json", archive=archive.root)
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)) == found


@pytest.mark.parametrize("typed", ["大", "larg", "较大事件", ""])
def test_cli_list_by_an_unknown_grade_names_it_and_the_choices(
    runner, archive: Archive, typed
) -> None:
    result = invoke(runner, "accident", "list", "--grade", typed, archive=archive.root)
    assert result.exit_code == 2
    assert repr(typed) in result.stderr and "较大（larger）" in result.stderr


def test_english_grade_names_under_lang_en(runner, archive: Archive) -> None:
    _cli_add(runner, archive.root)
    result = invoke(
        runner,
        "--lang",
        "en",
        "accident",
        "list",
        "--grade",
        "larger accident",
        "--json",
        archive=archive.root,
    )
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 1
    wrong = invoke(runner, "--lang", "en", "accident", "list", "--grade", "x", archive=archive.root)
    assert "larger (larger)" in wrong.stderr and "（" not in wrong.stderr


def test_cli_add_list_show_correct(runner, archive: Archive) -> None:
    root = archive.root
    result = _cli_add(runner, root, "--liable", "--description", "物体打击事故")
    assert result.exit_code == 0, result.stderr
    assert "较大（死亡 3 人 ≥ 3）" in result.stderr
    listed = invoke(runner, "accident", "list", "--json", archive=root)
    (row,) = json.loads(listed.stdout)
    assert (row["grade"], row["grade_axis"], row["liable"]) == ("larger", "deaths", True)
    table = invoke(runner, "accident", "list", CODE, archive=root)
    assert "较大（死亡 3 人 ≥ 3）" in table.stdout and "共 1 起" in table.stderr
    csv = invoke(runner, "accident", "list", "--csv", archive=root)
    assert csv.stdout.splitlines()[0].startswith("id,credit_code,date")
    nl = invoke(runner, "accident", "list", "--nl", archive=root)
    assert json.loads(nl.stdout)["id"] == row["id"]
    assert (
        json.loads(
            invoke(runner, "accident", "list", "--grade", "major", "--json", archive=root).stdout
        )
        == []
    )
    shown = invoke(runner, "accident", "show", row["id"], "--json", archive=root)
    assert json.loads(shown.stdout)["id"] == row["id"]
    corrected = invoke(
        runner,
        "accident",
        "correct",
        row["id"],
        "--serious-injuries",
        "50",
        "--reason",
        "调查报告",
        archive=root,
    )
    assert corrected.exit_code == 0, corrected.stderr
    assert "重大（重伤 50 人 ≥ 50）" in corrected.stderr
    shown = invoke(runner, "accident", "show", row["id"], archive=root)
    assert "更正记录" in shown.stdout and "调查报告" in shown.stdout
    detail = json.loads(invoke(runner, "enterprise", "show", CODE, "--json", archive=root).stdout)
    assert [item["id"] for item in detail["accidents"]] == [row["id"]]


def test_cli_same_accident_twice(runner, archive: Archive) -> None:
    assert _cli_add(runner, archive.root).exit_code == 0
    again = _cli_add(runner, archive.root)
    assert again.exit_code == 1
    assert "已登记" in again.stderr
    assert len(list_accidents(Archive.open(archive.root))) == 1


TOMORROW = (date.today() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--deaths", "-1", "死亡人数"),
        ("--deaths", "1.5", "死亡人数"),
        ("--deaths", "三", "死亡人数"),
        ("--deaths", "999999999", "不合常理"),
        ("--serious-injuries", "-2", "重伤人数"),
        ("--serious-injuries", "x", "重伤人数"),
        ("--direct-loss", "-100", "直接经济损失"),
        ("--direct-loss", "100.5", "不是整数元"),
        ("--direct-loss", "一百元", "直接经济损失"),
        ("--date", TOMORROW, "不在"),
        ("--date", "2026-02-30", "不是有效的日期"),
        ("--date", "1999-12-31", "不在"),
        ("--description", "a\nb", "控制字符"),
    ],
)
def test_cli_bad_values(runner, archive: Archive, option: str, value: str, message: str) -> None:
    result = _cli_add(runner, archive.root, option, value)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert list_accidents(Archive.open(archive.root)) == []


def test_cli_unregistered_code(runner, archive: Archive) -> None:
    """Exit 1, as record add, standing and enterprise show give (README, 退出码)."""
    result = _cli_add(runner, archive.root, code=make_code(99))
    assert result.exit_code == 1
    assert make_code(99) in result.stderr and "名册中没有" in result.stderr


def test_cli_list_of_an_unregistered_code(runner, archive: Archive) -> None:
    result = invoke(runner, "accident", "list", make_code(98), archive=archive.root)
    assert result.exit_code == 1 and "名册中没有" in result.stderr
    result = invoke(runner, "interview", "list", make_code(98), archive=archive.root)
    assert result.exit_code == 1 and "名册中没有" in result.stderr


def test_cli_unknown_id(runner, archive: Archive) -> None:
    result = invoke(runner, "accident", "show", "A-ffffffffff", archive=archive.root)
    assert result.exit_code == 1
    assert "A-ffffffffff" in result.stderr


def test_reindex_reproduces_accidents(runner, archive: Archive) -> None:
    root = archive.root
    _cli_add(runner, root, "--liable")
    _cli_add(runner, root, "--description", "另一起", "--concealed")
    (first, _second) = list_accidents(Archive.open(root))
    invoke(
        runner,
        "accident",
        "correct",
        first["id"],
        "--deaths",
        "30",
        "--reason",
        "核定",
        archive=root,
    )
    before = index_bytes(root)
    assert invoke(runner, "reindex", archive=root).exit_code == 0
    once = index_bytes(root)
    assert invoke(runner, "reindex", archive=root).exit_code == 0
    assert index_bytes(root) == once
    assert once == before  # what the writers left is what the journal gives


@given(st.integers(0, 10**12))
def test_any_whole_amount_reads_back(yuan: int) -> None:
    assert parse_amount(str(yuan)) == yuan
    assert parse_amount(f"{yuan:,}元") == yuan
    assert parse_amount(yuan) == yuan
    if yuan % 10_000 == 0:
        assert parse_amount(f"{yuan // 10_000}万元") == yuan


def test_csv_keeps_the_number(runner, archive: Archive) -> None:
    _cli_add(runner, archive.root, "--direct-loss", "1.2亿")
    csv = invoke(runner, "accident", "list", "--csv", archive=archive.root).stdout.splitlines()
    header, row = csv[0].split(","), csv[1].split(",")
    assert row[header.index("direct_loss_yuan")] == "120000000"
    assert "特别重大" in row[header.index("grade_text")]


@pytest.mark.parametrize(
    ("reason", "message"), [("核定\n死亡", "更正原因 含有换行符"), ("长" * 501, "更正原因 超过")]
)
def test_bad_reasons_are_named(archive: Archive, reason: str, message: str) -> None:
    record = _add(archive)
    with pytest.raises(UsageError, match=message):
        correct_accident(archive, record["id"], {"deaths": 3}, reason=reason)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--deaths", "-1", "--reason", "复核"], 2, "死亡人数"),
        (["--serious-injuries", "两", "--reason", "复核"], 2, "重伤人数"),
        (["--direct-loss", "1.5", "--reason", "复核"], 2, "不是整数元"),
        (["--date", TOMORROW, "--reason", "复核"], 2, "不在"),
        (["--reason", "复核"], 2, "没有要更正的项"),
        (["--deaths", "3", "--reason", " "], 2, "--reason"),
        (["--deaths", "3"], 2, "--reason"),
        (["--deaths", "3", "--reason", "复核"], 0, "较大（死亡 3 人 ≥ 3）"),
    ],
)
def test_cli_correct_values(runner, archive: Archive, args, code: int, message: str) -> None:
    _cli_add(runner, archive.root, "--deaths", "1")
    (record,) = list_accidents(Archive.open(archive.root))
    result = invoke(runner, "accident", "correct", record["id"], *args, archive=archive.root)
    assert result.exit_code == code, result.stderr
    assert message in result.stderr
    corrections = list_accidents(Archive.open(archive.root))[0]["corrections"]
    assert len(corrections) == (1 if code == 0 else 0)
