"""约谈: recording interviews, the notice filled from one, its serial recorded on it."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from archive.errors import CreditError, NotFound, UsageError
from archive.interviews import (
    add_interview,
    check_time,
    get_interview,
    interview_facts,
    interview_id,
    list_interviews,
    split_attendees,
)
from archive.store import Archive
from tests.conftest import invoke
from tests.helpers import index_bytes, index_tables, make_code, new_archive

CODE = make_code(1)
OTHER = make_code(2)


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    from archive.enterprises import add_enterprise

    made = new_archive(tmp_path)
    add_enterprise(made, {"credit_code": CODE, "name": "蓝山县甲矿业有限公司"})
    add_enterprise(made, {"credit_code": OTHER, "name": "蓝山县乙化工有限公司"})
    return made


def _add(archive: Archive, **changes):
    values = dict(
        on=date(2026, 12, 8),
        reason="整改逾期未完成",
        attendees=["张三（法定代表人）；李四（安全负责人）"],
        time="9:30",
        place="县应急管理局三楼会议室",
        materials="整改报告",
    )
    values.update(changes)
    return add_interview(archive, CODE, **values)


def test_add_records_the_spec_shape(archive: Archive) -> None:
    record = _add(archive)
    assert record["id"] == interview_id(CODE, "2026-12-08", "整改逾期未完成")
    assert {k: v for k, v in record.items() if k != "recorded_at"} == {
        "id": record["id"],
        "credit_code": CODE,
        "date": "2026-12-08",
        "time": "09:30",
        "place": "县应急管理局三楼会议室",
        "reason": "整改逾期未完成",
        "attendees": ["张三（法定代表人）", "李四（安全负责人）"],
        "materials": "整改报告",
        "notice": None,
        "recorded_by": "测试",
    }
    assert list_interviews(archive) == [record]
    assert list_interviews(archive, OTHER) == []
    with pytest.raises(CreditError, match="已登记"):
        _add(archive, attendees=["别人"])
    assert len(list_interviews(archive)) == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [("09:30", "09:30"), ("9:30", "09:30"), ("１４：００", "14:00"), (None, None), ("", None)],
)
def test_times(value, expected) -> None:
    assert check_time(value) == expected


@pytest.mark.parametrize("value", ["24:00", "9:60", "930", "上午", "9:3"])
def test_bad_times(value) -> None:
    with pytest.raises(UsageError, match="时刻"):
        check_time(value)


def test_attendees_split_and_deduplicated() -> None:
    assert split_attendees(["甲；乙", "丙、甲", " ", "丁;戊"]) == ["甲", "乙", "丙", "丁", "戊"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": "  "}, "约谈事由"),
        ({"attendees": ["；"]}, "--attendees"),
        ({"on": date.today() + timedelta(days=400)}, "不在"),
        ({"on": date(1999, 1, 1)}, "不在"),
        ({"time": "25:00"}, "时刻"),
        ({"place": "a\nb"}, "控制字符"),
        ({"materials": "长" * 501}, "超过"),
    ],
)
def test_bad_values(archive: Archive, changes, message) -> None:
    with pytest.raises(UsageError, match=message):
        _add(archive, **changes)
    assert list_interviews(archive) == []


def test_unregistered_code_is_not_found(runner, archive: Archive) -> None:
    with pytest.raises(NotFound, match="名册中没有"):
        add_interview(archive, make_code(77), on=date(2026, 12, 8), reason="x", attendees="甲")
    result = invoke(
        runner,
        "interview",
        "add",
        make_code(77),
        "--date",
        "2026-12-08",
        "--reason",
        "x",
        "--attendees",
        "甲",
        archive=archive.root,
    )
    assert result.exit_code == 1 and "名册中没有" in result.stderr


def test_facts_for_the_notice(archive: Archive) -> None:
    facts = interview_facts(_add(archive))
    assert facts == {
        "interview_time": "2026年12月8日9时30分",
        "interview_place": "县应急管理局三楼会议室",
        "attendees": "张三（法定代表人）、李四（安全负责人）",
        "topics": "整改逾期未完成",
        "materials": "整改报告",
    }
    bare = interview_facts(_add(archive, reason="其他", time=None, place=None, materials=None))
    assert bare == {
        "interview_time": "2026年12月8日",
        "attendees": bare["attendees"],
        "topics": "其他",
    }


def _paragraphs(path: Path) -> list[str]:
    import docx

    return [p.text for p in docx.Document(str(path)).paragraphs]


def test_gen_notice_from_an_interview_records_its_serial(runner, archive: Archive) -> None:
    root = archive.root
    record = _add(archive)
    result = invoke(
        runner,
        "gen-notice",
        "notice_interview",
        "--interview",
        record["id"].upper().replace("I-", "i-"),
        "--fact",
        "materials=整改报告、隐患台账",
        "--json",
        archive=root,
    )
    assert result.exit_code == 0, result.stderr
    (letter,) = json.loads(result.stdout)["letters"]
    assert letter["status"] == "issued" and letter["credit_code"] == CODE
    text = "\n".join(_paragraphs(root / letter["file"]))
    assert "一、约谈时间：2026年12月8日9时30分" in text
    assert "二、约谈地点：县应急管理局三楼会议室" in text
    assert "三、参加人员：张三（法定代表人）、李四（安全负责人）" in text
    assert "四、约谈内容：整改逾期未完成" in text
    assert "五、需携带材料：整改报告、隐患台账" in text  # the explicit --fact wins
    reopened = Archive.open(root)
    assert get_interview(reopened, record["id"])["notice"] == letter["serial"]
    types = [e["type"] for e in reopened.journal.iter_entries()]
    assert types.index("interview.notified") == types.index("letter.issued") + 1
    shown = json.loads(
        invoke(runner, "interview", "show", record["id"], "--json", archive=root).stdout
    )
    assert shown["notice"] == letter["serial"]
    # the same notice again is already issued: no second serial, no second notified event
    again = invoke(
        runner,
        "gen-notice",
        "notice_interview",
        "--interview",
        record["id"],
        "--fact",
        "materials=整改报告、隐患台账",
        archive=root,
    )
    assert again.exit_code == 0
    types = [e["type"] for e in Archive.open(root).journal.iter_entries()]
    assert types.count("interview.notified") == 1
    # reindex reproduces it byte for byte
    before = index_bytes(root)
    assert invoke(runner, "reindex", archive=root).exit_code == 0
    once = index_bytes(root)
    invoke(runner, "reindex", archive=root)
    assert index_bytes(root) == once
    assert once == before  # what the writers left is what the journal gives


def test_gen_notice_needs_what_the_interview_lacks(runner, archive: Archive) -> None:
    record = _add(archive, place=None)
    missing = invoke(
        runner, "gen-notice", "notice_interview", "--interview", record["id"], archive=archive.root
    )
    assert missing.exit_code == 2
    assert "interview_place" in missing.stderr
    given = invoke(
        runner,
        "gen-notice",
        "notice_interview",
        CODE,
        "--interview",
        record["id"],
        "--fact",
        "interview_place=会议室",
        archive=archive.root,
    )
    assert given.exit_code == 0, given.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["notice_interview", "--interview", "I-0000000000"], 1, "I-0000000000"),
        (["notice_interview", OTHER, "--interview", "{id}"], 2, "不是"),
        (["notice_bad_record", CODE, "--interview", "{id}"], 2, "--interview"),
    ],
)
def test_gen_notice_interview_errors(runner, archive: Archive, args, code, message) -> None:
    record = _add(archive)
    args = [arg.replace("{id}", record["id"]) for arg in args]
    result = invoke(runner, "gen-notice", *args, archive=archive.root)
    assert result.exit_code == code, result.stderr
    assert message in result.stderr
    assert get_interview(Archive.open(archive.root), record["id"])["notice"] is None


def test_cli_add_list_show(runner, archive: Archive) -> None:
    root = archive.root
    result = invoke(
        runner,
        "interview",
        "add",
        CODE,
        "--date",
        "2026-12-08",
        "--reason",
        "发生一般事故",
        "--attendees",
        "张三（法定代表人）",
        "--attendees",
        "李四；王五",
        "--time",
        "14:00",
        archive=root,
    )
    assert result.exit_code == 0, result.stderr
    assert "gen-notice notice_interview" in result.stderr
    (row,) = json.loads(invoke(runner, "interview", "list", "--json", archive=root).stdout)
    assert row["attendees"] == ["张三（法定代表人）", "李四", "王五"]
    table = invoke(runner, "interview", "list", CODE, archive=root)
    assert "发生一般事故" in table.stdout and "共 1 次" in table.stderr
    csv = invoke(runner, "interview", "list", "--csv", archive=root)
    assert csv.stdout.startswith("id,credit_code,date")
    shown = invoke(runner, "interview", "show", row["id"], archive=root)
    assert "14:00" in shown.stdout
    detail = json.loads(invoke(runner, "enterprise", "show", CODE, "--json", archive=root).stdout)
    assert [item["id"] for item in detail["interviews"]] == [row["id"]]
    assert "约谈" in invoke(runner, "enterprise", "show", CODE, archive=root).stdout


@pytest.mark.parametrize(
    ("option", "value", "code", "message"),
    [
        ("--date", "2026-13-01", 2, "不是有效的日期"),
        ("--time", "7点", 2, "时刻"),
        ("--reason", "", 2, "约谈事由"),
        ("--attendees", ";", 2, "--attendees"),
    ],
)
def test_cli_bad_values(runner, archive: Archive, option, value, code, message) -> None:
    args = {"--date": "2026-12-08", "--reason": "事由", "--attendees": "甲"}
    args[option] = value
    flat = [item for pair in args.items() for item in pair]
    result = invoke(runner, "interview", "add", CODE, *flat, archive=archive.root)
    assert result.exit_code == code, result.stderr
    assert message in result.stderr


def test_cli_unknown_id(runner, archive: Archive) -> None:
    result = invoke(runner, "interview", "show", "I-123", archive=archive.root)
    assert result.exit_code == 1 and "I-123" in result.stderr
    with pytest.raises(NotFound):
        get_interview(archive, "I-123")


# -- what the notice still lacks; corrections ------------------------------------------------------


def _cli_add(runner, root: Path, *extra: str):
    return invoke(
        runner,
        "interview",
        "add",
        CODE,
        "--date",
        "2026-12-08",
        "--reason",
        "整改逾期未完成",
        "--attendees",
        "张三",
        *extra,
        archive=root,
    )


@pytest.mark.parametrize(
    ("extra", "lacking", "not_lacking"),
    [
        ((), ["约谈地点", "需携带材料", "--place …", "--materials …"], []),
        (("--place", "会议室"), ["需携带材料", "--materials …"], ["约谈地点", "--place"]),
        (("--materials", "整改报告"), ["约谈地点", "--place …"], ["需携带材料", "--materials"]),
    ],
)
def test_add_tells_what_the_notice_still_lacks(
    runner, archive: Archive, extra, lacking, not_lacking
) -> None:
    result = _cli_add(runner, archive.root, *extra)
    assert result.exit_code == 0, result.stderr
    (record,) = list_interviews(Archive.open(archive.root))
    assert "约谈通知书还缺少" in result.stderr
    assert f"credit interview correct {record['id']}" in result.stderr
    for text in lacking:
        assert text in result.stderr
    hint = result.stderr.split("约谈通知书还缺少", 1)[1]
    for text in not_lacking:
        assert text not in hint


def test_add_with_everything_points_to_the_notice(runner, archive: Archive) -> None:
    result = _cli_add(runner, archive.root, "--place", "会议室", "--materials", "整改报告")
    assert "约谈通知书还缺少" not in result.stderr
    assert "credit gen-notice notice_interview" in result.stderr


def test_correct_completes_the_notice_and_keeps_the_old_values(runner, archive: Archive) -> None:
    from archive.interviews import correct_interview, missing_notice_facts

    record = _add(archive, place=None, materials=None)
    assert [fact for fact, _o, _n in missing_notice_facts(record)] == [
        "interview_place",
        "materials",
    ]
    fixed = correct_interview(
        archive,
        record["id"].upper().replace("I-", "i-"),
        {"place": "三楼会议室", "materials": "整改报告", "time": "14：30", "attendees": []},
        reason="补登地点和材料",
    )
    assert (fixed["place"], fixed["materials"], fixed["time"]) == (
        "三楼会议室",
        "整改报告",
        "14:30",
    )
    assert fixed["id"] == record["id"] and missing_notice_facts(fixed) == []
    (item,) = fixed["corrections"]
    assert item["reason"] == "补登地点和材料" and item["by"] == "测试"
    assert item["changes"]["place"] == {"old": None, "new": "三楼会议室"}
    assert item["changes"]["time"] == {"old": "09:30", "new": "14:30"}
    again = correct_interview(
        archive, record["id"], {"attendees": ["王五；赵六"]}, reason="参加人员调整"
    )
    assert again["attendees"] == ["王五", "赵六"] and len(again["corrections"]) == 2
    assert again["corrections"][1]["changes"]["attendees"]["old"] == [
        "张三（法定代表人）",
        "李四（安全负责人）",
    ]
    # now the notice needs nothing by hand
    result = invoke(
        runner, "gen-notice", "notice_interview", "--interview", record["id"], archive=archive.root
    )
    assert result.exit_code == 0, result.stderr
    # reindex reproduces it byte for byte
    root = archive.root
    assert invoke(runner, "reindex", archive=root).exit_code == 0
    once = index_bytes(root)
    assert invoke(runner, "reindex", archive=root).exit_code == 0
    assert index_bytes(root) == once
    held = index_tables(root)["interviews"][record["id"]]
    assert held["place"] == "三楼会议室" and len(held["corrections"]) == 2


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--place", "会议室"], 2, "--reason"),
        (["--reason", "x"], 2, "没有要更正的项"),
        (["--place", "县应急管理局三楼会议室", "--reason", "x"], 2, "没有变化"),
        (["--time", "25:00", "--reason", "x"], 2, "25:00"),
        (["--place", " ", "--reason", "x"], 2, "--place"),
        (["--attendees", "；", "--reason", "x"], 2, "--attendees"),
        (["--place", "a", "--reason", " "], 2, "更正原因"),
        (["--materials", "长" * 501, "--reason", "x"], 2, "超过"),
    ],
)
def test_cli_correct_refuses_bad_values_by_name(runner, archive: Archive, args, code, message):
    record = _add(archive)
    result = invoke(runner, "interview", "correct", record["id"], *args, archive=archive.root)
    assert result.exit_code == code, result.stderr
    assert message in result.stderr
    assert "corrections" not in get_interview(Archive.open(archive.root), record["id"])


def test_cli_correct_after_the_notice_says_to_make_it_again(runner, archive: Archive) -> None:
    record = _add(archive)
    issued = invoke(
        runner,
        "gen-notice",
        "notice_interview",
        "--interview",
        record["id"],
        "--json",
        archive=archive.root,
    )
    serial = json.loads(issued.stdout)["letters"][0]["serial"]
    result = invoke(
        runner,
        "interview",
        "correct",
        record["id"],
        "--time",
        "15:00",
        "--reason",
        "改期到下午",
        archive=archive.root,
    )
    assert result.exit_code == 0, result.stderr
    assert f"已更正约谈 {record['id']}" in result.stderr and serial in result.stderr
    shown = invoke(runner, "interview", "show", record["id"], archive=archive.root).stdout
    assert "09:30 → 15:00" in shown and "改期到下午" in shown
    unknown = invoke(
        runner,
        "interview",
        "correct",
        "I-0000000000",
        "--time",
        "9:00",
        "--reason",
        "x",
        archive=archive.root,
    )
    assert unknown.exit_code == 1 and "I-0000000000" in unknown.stderr
