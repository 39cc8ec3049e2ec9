"""The 不良信用记录告知书 from a record: ``credit gen-notice notice_bad_record --record ID``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from archive import records
from archive.store import Archive
from tests.conftest import invoke
from tests.helpers import index_bytes, index_tables
from tests.test_records import CODE, OTHER, add_enterprises, file_document, penalty
from tests.test_records_accidents import late_report_decision

AS_OF = date(2026, 12, 1)


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    from tests.helpers import new_archive

    made = new_archive(tmp_path)
    add_enterprises(made, CODE, OTHER)
    return made


def proposed(archive: Archive, rule: str) -> dict:
    records.propose(archive, AS_OF)
    (record,) = [r for r in records.list_records(archive, status="proposed") if r["rule"] == rule]
    return record


def confirmed(archive: Archive, rule: str) -> dict:
    return records.confirm(archive, proposed(archive, rule)["id"], "经核实属实").record


def paragraphs(path: Path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def notice(runner, root: Path, *args: str):
    return invoke(runner, "gen-notice", "notice_bad_record", *args, "--json", archive=root)


def overdue_order(archive: Archive) -> str:
    fields = {
        "doc_number": "蓝应急责改〔2026〕3号",
        "document_date": "2026-01-05",
        "rectification_deadline": "2026-01-31",  # a Saturday: due on Monday 2 February
        "problems": ["消防通道堵塞", "配电箱未接地。"],
    }
    return file_document(archive, "rectification_order", fields, name="责改3号")


def test_an_overdue_order_fills_the_notice(runner, archive: Archive) -> None:
    sha = overdue_order(archive)
    record = confirmed(archive, "rectification_overdue")
    result = notice(runner, archive.root, "--record", record["id"].lower().replace("r-", "R-"))
    assert result.exit_code == 0, result.stderr
    (letter,) = json.loads(result.stdout)["letters"]
    assert letter["status"] == "issued" and letter["credit_code"] == CODE
    text = paragraphs(archive.root / letter["file"])
    assert (
        "经查，你单位存在以下情形：本局《责令限期整改指令书》（蓝应急责改〔2026〕3号）责令你单位于"
        "2026年1月31日前完成整改，整改的问题为：1.消防通道堵塞；2.配电箱未接地"
        "（期限末日为节假日，顺延至2026年2月2日）。你单位逾期未完成整改，也未经复查认定整改完毕。"
    ) in text
    assert f"上述事实有以下证据证明：蓝应急责改〔2026〕3号（SHA-256 {sha[:8]}）。" in text
    assert "属于所列情形中的第五项，即“" in text
    # the citation is the regime the record was decided under
    assert (
        "根据《蓝山县应急管理局关于创建全国社会信用体系建设示范县城的实施方案》第三部分第（二）项的规定"
        in text
    )
    assert record["criterion_text"].rstrip("。") in text
    reopened = Archive.open(archive.root)
    held = records.get_record(reopened, record["id"])
    assert held["notice"] == letter["serial"]
    assert [n["serial"] for n in held["notices"]] == [letter["serial"]]
    types = [entry["type"] for entry in reopened.journal.iter_entries()]
    assert types.index("record.notified") == types.index("letter.issued") + 1
    # the same notice again is issued already: no second serial, no second event
    again = notice(runner, archive.root, "--record", record["id"])
    assert json.loads(again.stdout)["letters"][0]["status"] == "already_issued"
    types = [entry["type"] for entry in Archive.open(archive.root).journal.iter_entries()]
    assert types.count("record.notified") == 1
    # reindex reproduces it byte for byte
    root = archive.root
    assert invoke(runner, "reindex", archive=root).exit_code == 0
    once = index_bytes(root)
    assert invoke(runner, "reindex", archive=root).exit_code == 0
    assert index_bytes(root) == once
    assert index_tables(root)["records"][record["id"]]["notice"] == letter["serial"]


def test_a_decision_fills_the_notice_and_an_explicit_fact_wins(runner, archive: Archive) -> None:
    sha = penalty(archive, "该公司拒不执行  停产整顿指令。", number="（蓝）应急罚〔2026〕12号")
    record = confirmed(archive, "penalty_refused_order")
    facts = records.notice_facts(archive.index(), record)
    assert facts == {
        "criterion": "第六项",
        "criterion_text": record["criterion_text"].rstrip("。"),
        "facts": "本局2026年6月1日作出的《行政处罚决定书》（（蓝）应急罚〔2026〕12号）认定："
        "该公司拒不执行停产整顿指令。",
        "evidence": f"（蓝）应急罚〔2026〕12号（SHA-256 {sha[:8]}）。",
    }
    result = notice(
        runner, archive.root, CODE, "--record", record["id"], "--fact", "facts=另写的事实"
    )
    assert result.exit_code == 0, result.stderr
    (letter,) = json.loads(result.stdout)["letters"]
    text = paragraphs(archive.root / letter["file"])
    assert "经查，你单位存在以下情形：另写的事实" in text
    assert f"（蓝）应急罚〔2026〕12号（SHA-256 {sha[:8]}）" in text


def test_an_accident_fills_the_notice_with_its_casualties(archive: Archive) -> None:
    sha = late_report_decision(archive)
    record = confirmed(archive, "accident_concealed")
    facts = records.notice_facts(archive.index(), record)
    assert facts["criterion"] == "第七项"
    assert facts["facts"] == (
        "2026年3月5日，你单位发生物体打击事故，造成1人死亡、直接经济损失120万元，"
        "事故发生后你单位存在瞒报、谎报或迟报行为（见（蓝）应急罚〔2026〕15号）。"
    )
    assert facts["evidence"] == f"（蓝）应急罚〔2026〕15号（SHA-256 {sha[:8]}）。"
    fatal = confirmed(archive, "accident_fatal_liable")
    assert "经调查认定为生产安全责任事故" in records.notice_facts(archive.index(), fatal)["facts"]


def test_a_manual_record_fills_the_notice_from_its_notes(archive: Archive) -> None:
    record = records.add_record(
        archive, CODE, "8", notes=["县安委会通报：未落实领导带班制度"], on=date(2026, 11, 2)
    ).record
    facts = records.notice_facts(archive.index(), record)
    assert facts["facts"] == "2026年11月2日，县安委会通报：未落实领导带班制度。"
    assert facts["evidence"] == "县安委会通报：未落实领导带班制度。"
    assert facts["criterion"] == "第八项"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["notice_bad_record", "--record", "R-000000000000"], 1, "R-000000000000"),
        (["notice_bad_record", "--record", "R-12"], 2, "R-12"),
        (["notice_bad_record", OTHER, "--record", "{id}"], 2, "不是"),
        (["notice_interview", CODE, "--record", "{id}"], 2, "--record"),
        (["notice_bad_record", "--record", "{id}", "--interview", "I-0000000000"], 2, "--record"),
        (["notice_bad_record", "--record", "{id}", "--fact", "term=1"], 2, "term"),
    ],
)
def test_errors_name_what_is_wrong(runner, archive: Archive, args, code, message) -> None:
    penalty(archive, "拒不执行")
    record = confirmed(archive, "penalty_refused_order")
    argv = [arg.replace("{id}", record["id"]) for arg in args]
    result = invoke(runner, "gen-notice", *argv, archive=archive.root)
    assert result.exit_code == code, result.stderr
    assert message in result.stderr
    assert records.get_record(Archive.open(archive.root), record["id"]).get("notice") is None


def test_only_a_confirmed_record_is_notified(runner, archive: Archive) -> None:
    penalty(archive, "拒不执行", number="罚1号")
    penalty(archive, "重大事故隐患", number="罚2号")
    waiting = proposed(archive, "penalty_refused_order")
    result = invoke(
        runner, "gen-notice", "notice_bad_record", "--record", waiting["id"], archive=archive.root
    )
    assert result.exit_code == 1 and "尚未确认" in result.stderr
    assert f"credit record confirm {waiting['id']} --reason" in result.stderr
    refused = records.reject(archive, proposed(archive, "penalty_major_hazard")["id"], "不实")
    result = invoke(
        runner,
        "gen-notice",
        "notice_bad_record",
        "--record",
        refused.record["id"],
        archive=archive.root,
    )
    assert result.exit_code == 1 and "已驳回" in result.stderr


def test_an_order_rectified_late_says_so() -> None:
    from archive.index import Index

    record = {
        "rule": "rectification_overdue",
        "evidence": [{"rectification": "x|1", "doc_number": "责改1号", "document": "ab" * 32}],
        "facts": {"deadline": "2026-03-02", "due": "2026-03-02", "rectified_on": "2026-03-20"},
    }
    assert records.fact_text(Index(), record) == (
        "本局《责令限期整改指令书》（责改1号）责令你单位于2026年3月2日前完成整改。"
        "你单位至2026年3月20日方整改完毕，未在期限内完成整改。"
    )
    assert records.evidence_text(record) == "责改1号（SHA-256 abababab）。"


def test_a_record_under_the_national_regime_cites_it(runner, archive: Archive) -> None:
    from tests.test_records import set_regime

    archive = set_regime(archive, "national-2023")
    penalty(archive, "该公司在安全生产许可证被暂扣期间仍组织生产")
    record = confirmed(archive, "penalty_illegal_production")
    assert record["regime"]["id"] == "national-2023" and record["criterion"] == "6"
    # Later the archive goes back to the county programme: the record keeps its own citation.
    set_regime(archive, "county-2019")
    result = notice(runner, archive.root, "--record", record["id"])
    assert result.exit_code == 0, result.stderr
    (letter,) = json.loads(result.stdout)["letters"]
    text = paragraphs(archive.root / letter["file"])
    assert "根据《安全生产严重失信主体名单管理办法》（应急管理部令第11号）的规定" in text
    assert "实施方案" not in text
