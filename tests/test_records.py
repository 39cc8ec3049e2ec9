"""Bad-credit records: the rules, proposing, deciding, manual records, the commands."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from archive import records
from archive.ingest import document_facts
from archive.store import Archive
from tests.conftest import invoke
from tests.helpers import index_bytes, make_code, new_archive

CODE = make_code(1)
OTHER = make_code(2)
ROOT = Path(__file__).resolve().parents[1]


def sha_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_enterprises(archive: Archive, *codes: str) -> None:
    with archive.transaction() as tx:
        for n, code in enumerate(codes):
            tx.emit("enterprise.added", {"credit_code": code, "name": f"蓝山县第{n}有限公司"})


def file_document(
    archive: Archive, kind: str, fields: dict, *, codes: tuple[str, ...] = (CODE,), name: str = ""
) -> str:
    """File a document straight into the archive (as ingest commits one), with its facts."""
    sha = sha_of(f"{kind}|{name}|{json.dumps(fields, ensure_ascii=False, sort_keys=True)}")
    with archive.transaction() as tx:
        filed = tx.emit(
            "document.ingested",
            {
                "sha256": sha,
                "kind": kind,
                "original_name": f"{name or kind}.pdf",
                "stored": f"files/{codes[0] if codes else 'x'}/{kind}/{sha[:8]}.pdf",
                "credit_codes": list(codes),
                "section": None,
                "matched_by": "code",
                "fields": fields,
                "enterprises": [],
                "fact_events": True,
            },
        )
        for fact_type, fact in document_facts(tx.index, filed["data"]):
            tx.emit(fact_type, fact)
    return sha


def order(archive: Archive, number: str, deadline: str | None, code: str = CODE) -> str:
    fields = {"doc_number": number, "document_date": "2026-01-05"}
    if deadline is not None:
        fields["rectification_deadline"] = deadline
    return file_document(archive, "rectification_order", fields, codes=(code,), name=number)


def penalty(archive: Archive, facts: str, *, number: str = "蓝应急罚〔2026〕1号", **more) -> str:
    fields = {"doc_number": number, "document_date": "2026-06-01", "facts": facts, **more}
    return file_document(archive, "penalty_decision", fields, name=number)


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    made = new_archive(tmp_path)
    add_enterprises(made, CODE, OTHER)
    return made


def set_regime(archive: Archive, regime_id: str) -> Archive:
    path = archive.root / "credit.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('regime = "county-2019"', f'regime = "{regime_id}"'), encoding="utf-8"
    )
    return Archive.open(archive.root, actor="测试")


def new_items(report) -> list:
    return [item for item in report.items if item.outcome == records.NEW]


# -- the keyword rules ---------------------------------------------------------------------------

CLASSIFY = [
    ("未取得危险化学品经营许可证擅自从事经营活动", {"penalty_illegal_production"}),
    ("在停产整顿期间擅自组织生产", {"penalty_illegal_production"}),
    ("超层越界开采", {"penalty_illegal_production"}),
    ("无证从事烟花爆竹批发", {"penalty_illegal_production"}),
    ("现场无证据表明其改正", {"penalty_other"}),  # 无证据 is not 无证
    ("存在重大事故隐患未采取措施", {"penalty_major_hazard"}),
    ("经检查存在重大职业病危害隐患", {"penalty_major_hazard"}),
    ("检查未发现重大事故隐患，但安全警示标志缺失", {"penalty_other"}),
    ("未建立安全风险分级管控和隐患排查治理双重预防机制", {"penalty_dual_prevention"}),
    ("未如实记录事故隐患排查治理情况", {"penalty_hazard_records"}),
    ("拒不执行责令停产停业整顿的指令", {"penalty_refused_order"}),
    ("逾期未整改", {"penalty_refused_order"}),
    ("拒绝、阻碍监督检查", {"penalty_refused_order"}),
    ("逾期不缴纳罚款", {"penalty_unpaid"}),
    ("发生事故后迟报", {"penalty_accident_report"}),
    ("事故发生后不立即组织抢救", {"penalty_accident_report"}),
    (
        "存在重大事故隐患且拒不整改，并瞒报事故",
        {"penalty_major_hazard", "penalty_refused_order", "penalty_accident_report"},
    ),
    ("特种作业人员未持证上岗", {"penalty_other"}),
]


@pytest.mark.parametrize(("facts", "expected"), CLASSIFY)
def test_penalty_keyword_rules(facts: str, expected: set[str]) -> None:
    found = records.classify_penalty({"facts": facts})
    assert {rule for rule, _matched in found} == expected
    for rule, matched in found:
        if rule != records.PENALTY_OTHER:
            assert matched and all(item["word"] in facts for item in matched)
            assert all(item["field"] == "facts" for item in matched)


def test_the_legal_basis_counts_and_says_where_it_matched() -> None:
    found = records.classify_penalty(
        {"facts": "安全管理制度不健全", "legal_basis": "依据……对拒不执行的，处……"}
    )
    assert found == [("penalty_refused_order", [{"word": "拒不执行", "field": "legal_basis"}])]


# -- county criteria the rules reach ---------------------------------------------------------------

COUNTY = [
    ("未取得安全生产许可证擅自生产", "penalty_illegal_production", "2"),
    ("存在重大事故隐患", "penalty_major_hazard", "3"),
    ("未建立双重预防体系", "penalty_dual_prevention", "4"),
    ("未如实记录隐患排查治理情况", "penalty_hazard_records", "5"),
    ("拒不执行监管指令", "penalty_refused_order", "6"),
    ("逾期不履行罚款处罚", "penalty_unpaid", "6"),
    ("发生事故后谎报", "penalty_accident_report", "7"),
    ("安全警示标志不全", "penalty_other", "8"),
]


@pytest.mark.parametrize(("facts", "rule", "criterion"), COUNTY)
def test_county_criteria_from_penalty_decisions(
    archive: Archive, facts: str, rule: str, criterion: str
) -> None:
    sha = penalty(archive, facts)
    report = records.propose(archive, date(2026, 12, 1))
    (item,) = new_items(report)
    record = item.record
    assert (record["rule"], record["criterion"], record["credit_code"]) == (rule, criterion, CODE)
    assert record["evidence"][0]["document"] == sha
    assert record["evidence"][0]["doc_number"] == "蓝应急罚〔2026〕1号"
    assert record["date"] == "2026-06-01"
    assert record["facts"]["date_source"] == "document_date"
    assert record["regime"]["id"] == "county-2019"
    assert record["status"] == records.PROPOSED and record["proposed_by"] == "测试"
    assert record["id"] == records.proposal_id(rule, CODE, record["evidence"])


NATIONAL = [
    ("未取得安全生产许可证擅自生产", "penalty_illegal_production", "6"),
    ("拒不执行监管指令", "penalty_refused_order", "8"),
    ("逾期不履行罚款处罚", "penalty_unpaid", "8"),
    ("发生事故后谎报", "penalty_accident_report", "4"),
    ("存在重大事故隐患", "penalty_major_hazard", None),
    ("未建立双重预防体系", "penalty_dual_prevention", None),
    ("未如实记录隐患排查治理情况", "penalty_hazard_records", None),
    ("安全警示标志不全", "penalty_other", None),
]


@pytest.mark.parametrize(("facts", "rule", "criterion"), NATIONAL)
def test_national_2023_mapping(
    archive: Archive, facts: str, rule: str, criterion: str | None
) -> None:
    penalty(archive, facts)
    archive = set_regime(archive, "national-2023")
    report = records.propose(archive, date(2026, 12, 1))
    if criterion is None:
        assert [item.outcome for item in report.items] == [records.NO_CRITERION]
        assert records.list_records(archive) == []
    else:
        (item,) = new_items(report)
        assert (item.record["rule"], item.record["criterion"]) == (rule, criterion)
        assert item.record["regime"]["id"] == "national-2023"


def test_national_2023_ignores_overdue_rectifications(archive: Archive) -> None:
    order(archive, "蓝应急责改〔2026〕1号", "2026-03-02")
    archive = set_regime(archive, "national-2023")
    report = records.propose(archive, date(2026, 12, 1))
    assert [item.outcome for item in report.items] == [records.NO_CRITERION]


def test_a_decision_fitting_several_rules_proposes_one_record_each(archive: Archive) -> None:
    penalty(archive, "存在重大事故隐患且拒不整改，并瞒报事故")
    report = records.propose(archive, date(2026, 12, 1))
    got = sorted((item.record["criterion"], item.record["rule"]) for item in new_items(report))
    assert got == [
        ("3", "penalty_major_hazard"),
        ("6", "penalty_refused_order"),
        ("7", "penalty_accident_report"),
    ]
    assert len({item.record["id"] for item in new_items(report)}) == 3
    refused = next(i for i in new_items(report) if i.rule == "penalty_refused_order")
    assert refused.record["facts"]["matched"] == [{"word": "拒不整改", "field": "facts"}]


def test_a_decision_without_date_is_dated_when_ingested_and_says_so(archive: Archive) -> None:
    file_document(archive, "penalty_decision", {"facts": "拒不执行", "doc_number": "罚1号"})
    (item,) = new_items(records.propose(archive, date.today()))
    assert item.record["facts"]["date_source"] == "ingested"
    assert item.record["date"] == date.today().isoformat()


def test_a_decision_with_no_enterprise_is_skipped(archive: Archive) -> None:
    file_document(archive, "penalty_decision", {"facts": "拒不执行"}, codes=())
    report = records.propose(archive, date(2026, 12, 1))
    assert [item.outcome for item in report.items] == [records.SKIPPED]
    assert report.exit_code == 0
    assert records.list_records(archive) == []


def test_a_decision_dated_after_as_of_is_not_judged_yet(archive: Archive) -> None:
    penalty(archive, "拒不执行")
    assert records.propose(archive, date(2026, 5, 31)).items == []


# -- overdue rectifications ------------------------------------------------------------------------

OVERDUE = [
    # deadline, as_of, due (rolled), overdue?, days overdue, record date
    ("2026-10-01", "2026-10-08", "2026-10-08", False, None, None),  # National Day: due 10-08
    ("2026-10-01", "2026-10-09", "2026-10-08", True, 1, "2026-10-09"),
    ("2026-02-15", "2026-02-24", "2026-02-24", False, None, None),  # Spring Festival
    ("2026-02-15", "2026-03-01", "2026-02-24", True, 5, "2026-02-25"),
    ("2026-02-14", "2026-02-15", "2026-02-14", True, 1, "2026-02-15"),  # a make-up Saturday
    ("2026-11-20", "2026-11-20", None, False, None, None),  # the deadline day itself
    ("2026-11-20", "2026-12-01", "2026-11-20", True, 11, "2026-11-21"),
]


@pytest.mark.parametrize(("deadline", "as_of", "due", "overdue", "days", "on"), OVERDUE)
def test_overdue_rectifications_across_holidays(
    archive: Archive, deadline, as_of, due, overdue, days, on
) -> None:
    sha = order(archive, "蓝应急责改〔2026〕7号", deadline)
    report = records.propose(archive, date.fromisoformat(as_of), dry_run=True)
    found = new_items(report)
    if not overdue:
        assert found == []
        return
    (item,) = found
    record = item.record
    assert (record["rule"], record["criterion"]) == ("rectification_overdue", "5")
    assert record["facts"]["deadline"] == deadline
    assert record["facts"]["due"] == due
    assert record["facts"]["days_overdue"] == days
    assert record["facts"]["days_counted"] == "calendar"
    assert record["facts"]["order_number"] == "蓝应急责改〔2026〕7号"
    assert record["date"] == on
    assert record["evidence"] == [
        {
            "document": sha,
            "doc_number": "蓝应急责改〔2026〕7号",
            "kind": "rectification_order",
            "accident": None,
            "rectification": f"{CODE}|蓝应急责改〔2026〕7号",
            "note": None,
        }
    ]
    assert records.list_records(archive) == []  # a dry run writes nothing


def _review(archive: Archive, rectified: bool, on: str) -> None:
    file_document(
        archive,
        "reinspection_opinion",
        {"rectified": rectified, "document_date": on, "follows_order": "蓝应急责改〔2026〕7号"},
        name=f"复查{on}",
    )


def test_rectified_in_time_is_not_overdue(archive: Archive) -> None:
    order(archive, "蓝应急责改〔2026〕7号", "2026-10-01")
    _review(archive, True, "2026-10-08")
    assert new_items(records.propose(archive, date(2026, 12, 1))) == []


def test_a_review_finding_it_not_rectified_leaves_it_overdue(archive: Archive) -> None:
    order(archive, "蓝应急责改〔2026〕7号", "2026-10-01")
    _review(archive, False, "2026-10-08")
    (item,) = new_items(records.propose(archive, date(2026, 12, 1)))
    assert item.record["facts"]["days_overdue"] == 54  # 10-08 → 12-01


def test_rectified_after_the_deadline_is_still_not_rectified_within_it(archive: Archive) -> None:
    order(archive, "蓝应急责改〔2026〕7号", "2026-10-01")
    _review(archive, True, "2026-10-12")
    (item,) = new_items(records.propose(archive, date(2026, 12, 1)))
    assert item.record["facts"]["rectified_on"] == "2026-10-12"
    assert item.record["facts"]["days_overdue"] == 4


def test_an_order_without_deadline_cannot_be_judged(archive: Archive) -> None:
    order(archive, "蓝应急责改〔2026〕8号", None)
    report = records.propose(archive, date(2026, 12, 1))
    (item,) = report.items
    assert item.outcome == records.CANNOT_JUDGE and "整改期限" in item.message
    assert report.exit_code == 0


def test_a_deadline_the_calendar_cannot_judge_fails_that_item_only(archive: Archive) -> None:
    order(archive, "蓝应急责改〔2027〕1号", "2027-01-01")  # no 2027 data, no holidays.toml
    penalty(archive, "拒不执行")
    report = records.propose(archive, date(2027, 3, 1))
    failed = [item for item in report.items if item.outcome == records.FAILED]
    assert len(failed) == 1 and "2027" in failed[0].message
    assert [item.rule for item in new_items(report)] == ["penalty_refused_order"]
    assert report.exit_code == 3
    assert len(records.list_records(archive)) == 1  # the run went on


# -- proposing twice, deciding, reindex ------------------------------------------------------------


def test_proposing_twice_adds_nothing(archive: Archive) -> None:
    order(archive, "蓝应急责改〔2026〕7号", "2026-10-01")
    penalty(archive, "拒不执行")
    first = records.propose(archive, date(2026, 12, 1))
    assert len(new_items(first)) == 2 and first.exit_code == 10
    journal = (archive.root / "journal.jsonl").read_bytes()
    again = records.propose(Archive.open(archive.root), date(2026, 12, 2))
    assert new_items(again) == []
    assert {item.outcome for item in again.items} == {records.EXISTS}
    assert again.exit_code == 0
    assert (archive.root / "journal.jsonl").read_bytes() == journal


def test_a_rejected_proposal_is_not_proposed_again(archive: Archive) -> None:
    penalty(archive, "拒不执行")
    (item,) = new_items(records.propose(archive, date(2026, 12, 1)))
    records.reject(archive, item.record["id"], "处罚已撤销")
    assert new_items(records.propose(archive, date(2026, 12, 1))) == []
    assert records.get_record(archive, item.record["id"])["status"] == records.REJECTED


def test_confirm_and_reject_carry_the_actor_reason_and_regime(archive: Archive) -> None:
    penalty(archive, "拒不执行")
    penalty(archive, "超层越界开采", number="蓝应急罚〔2026〕2号")
    ids = [item.record["id"] for item in new_items(records.propose(archive, date(2026, 12, 1)))]
    clerk = Archive.open(archive.root, actor="李四")
    confirmed = records.confirm(clerk, ids[0], "经核实属实").record
    rejected = records.reject(clerk, ids[1], "文书归错单位").record
    assert confirmed["status"] == "confirmed" and confirmed["decided_by"] == "李四"
    assert confirmed["reason"] == "经核实属实"
    assert rejected["status"] == "rejected" and rejected["reason"] == "文书归错单位"
    assert [h["status"] for h in confirmed["history"]] == ["proposed", "confirmed"]
    assert confirmed["history"][1]["by"] == "李四"
    assert confirmed["history"][1]["regime"]["id"] == "county-2019"
    assert records.confirmed_records(clerk.index(), CODE) == [
        records.list_records(clerk, CODE, "confirmed")[0]
    ]


def test_confirming_needs_a_reason_as_rejecting_does(archive: Archive) -> None:
    from archive.errors import UsageError

    penalty(archive, "拒不执行")
    (item,) = new_items(records.propose(archive, date(2026, 12, 1)))
    for reason in ("", "  ", None):
        with pytest.raises(UsageError, match="--reason"):
            records.confirm(archive, item.record["id"], reason)  # type: ignore[arg-type]
    assert records.get_record(archive, item.record["id"])["status"] == records.PROPOSED
    decided = records.confirm(archive, item.record["id"], " 经核实属实 ").record
    assert decided["reason"] == "经核实属实" and decided["history"][-1]["reason"] == "经核实属实"


def test_confirming_again_is_told_and_writes_nothing(runner, archive: Archive) -> None:
    penalty(archive, "拒不执行")
    (item,) = new_items(records.propose(archive, date(2026, 12, 1)))
    record_id = item.record["id"]
    confirm = ("record", "confirm", record_id, "--reason", "属实")
    first = invoke(runner, "--by", "张三", *confirm, archive=archive.root)
    assert first.exit_code == 0 and "已确认" in first.stderr
    journal = (archive.root / "journal.jsonl").read_bytes()
    second = invoke(runner, "--by", "李四", *confirm, archive=archive.root)
    assert second.exit_code == 0
    assert "已由 张三 于" in second.stderr and "确认" in second.stderr
    assert (archive.root / "journal.jsonl").read_bytes() == journal
    refused = invoke(
        runner, "record", "reject", record_id, "--reason", "不对", archive=archive.root
    )
    assert refused.exit_code == 1 and "已由 张三 于" in refused.stderr


def test_two_clerks_confirming_at_once(archive: Archive) -> None:
    penalty(archive, "拒不执行")
    (item,) = new_items(records.propose(archive, date(2026, 12, 1)))
    argv = [sys.executable, "-m", "cli", "--archive", str(archive.root)]
    clerks = [
        subprocess.Popen(
            [*argv, "--by", name, "record", "confirm", item.record["id"], "--reason", name],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("张三", "李四")
    ]
    results = [(clerk.wait(30), clerk.stderr.read()) for clerk in clerks]
    assert [code for code, _err in results] == [0, 0]
    won = [err for _code, err in results if "已确认：" in err]
    told = [err for _code, err in results if "已由" in err]
    assert len(won) == 1 and len(told) == 1
    lines = (archive.root / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    assert sum('"record.confirmed"' in line for line in lines) == 1
    winner = records.get_record(Archive.open(archive.root), item.record["id"])["decided_by"]
    assert f"已由 {winner} 于" in told[0]


def test_reindex_reproduces_the_records_byte_for_byte(runner, archive: Archive) -> None:
    order(archive, "蓝应急责改〔2026〕7号", "2026-10-01")
    penalty(archive, "存在重大事故隐患且拒不整改")
    ids = [item.record["id"] for item in new_items(records.propose(archive, date(2026, 12, 1)))]
    records.confirm(archive, ids[0], "属实")
    records.reject(archive, ids[1], "不属实")
    records.add_record(archive, OTHER, "8", notes=["县安委会通报"], on=date(2026, 11, 2))
    kept = index_bytes(archive.root)
    assert invoke(runner, "reindex", archive=archive.root).exit_code == 0
    assert index_bytes(archive.root) == kept
    assert invoke(runner, "reindex", archive=archive.root).exit_code == 0
    assert index_bytes(archive.root) == kept
    assert invoke(runner, "audit", "verify", archive=archive.root).exit_code == 0


def test_changing_the_regime_never_rewrites_old_records(runner, archive: Archive) -> None:
    penalty(archive, "拒不执行")
    (item,) = new_items(records.propose(archive, date(2026, 12, 1)))
    before = records.get_record(archive, item.record["id"])
    national = set_regime(archive, "national-2023")
    assert invoke(runner, "reindex", archive=national.root).exit_code == 0
    after = records.get_record(Archive.open(national.root), item.record["id"])
    assert after == before and after["criterion"] == "6"
    assert after["regime"]["id"] == "county-2019"
    assert new_items(records.propose(Archive.open(national.root), date(2026, 12, 1))) == []
    decided = records.confirm(Archive.open(national.root), item.record["id"], "属实").record
    assert decided["regime"]["id"] == "county-2019"
    assert decided["history"][-1]["regime"]["id"] == "national-2023"


# -- manual records -------------------------------------------------------------------------------


def test_a_manual_record_by_doc_number_is_confirmed_at_once(archive: Archive) -> None:
    sha = penalty(archive, "拒不执行")
    decision = records.add_record(
        Archive.open(archive.root, actor="王五"), CODE, "6", documents=["蓝应急罚〔2026〕1号"]
    )
    record = decision.record
    assert record["id"].startswith("M-") and record["rule"] == "manual"
    assert record["status"] == "confirmed" and record["decided_by"] == "王五"
    assert record["evidence"][0]["document"] == sha
    assert record["date"] == "2026-06-01"  # the document's date
    again = records.add_record(archive, CODE, "6", documents=[sha[:10]])
    assert again.already and again.record["id"] == record["id"]


def test_a_manual_record_needs_evidence_and_a_real_criterion(archive: Archive) -> None:
    from archive.errors import NotFound, UsageError

    with pytest.raises(UsageError):
        records.add_record(archive, CODE, "6")
    with pytest.raises(UsageError, match="第 9 项"):
        records.add_record(archive, CODE, "9", notes=["x"])
    with pytest.raises(NotFound):
        records.add_record(archive, CODE, "6", documents=["蓝应急罚〔2099〕1号"])
    sha = penalty(archive, "拒不执行")
    with pytest.raises(UsageError, match="不是"):
        records.add_record(archive, OTHER, "6", documents=[sha])
    with pytest.raises(NotFound):
        records.add_record(archive, make_code(3), "6", notes=["x"])


# -- the commands --------------------------------------------------------------------------------


def test_the_commands_end_to_end(runner, archive: Archive) -> None:
    sha = penalty(archive, "存在重大事故隐患")
    root = archive.root
    dry = invoke(runner, "record", "propose", "--as-of", "2026-12-01", "--dry-run", archive=root)
    assert dry.exit_code == 10 and "试运行" in dry.stderr and "将提出" in dry.stdout
    assert records.list_records(Archive.open(root)) == []
    done = invoke(runner, "record", "propose", "--as-of", "2026-12-01", "--json", archive=root)
    assert done.exit_code == 10
    payload = json.loads(done.stdout)
    (item,) = payload["items"]
    assert item["outcome"] == "proposed" and item["record"]["regime"]["id"] == "county-2019"
    record_id = item["record_id"]
    again = invoke(runner, "record", "propose", "--as-of", "2026-12-01", archive=root)
    assert again.exit_code == 0 and "新提出 0 条，已有 1 条" in again.stderr
    table = invoke(runner, "record", "list", archive=root).stdout
    assert record_id in table and "蓝应急罚〔2026〕1号" in table and sha[:8] in table
    assert "重大事故隐患" in table
    listed = json.loads(invoke(runner, "record", "list", "--json", archive=root).stdout)
    assert (
        listed[0]["rule"] == "penalty_major_hazard" and listed[0]["evidence"][0]["document"] == sha
    )
    assert listed[0]["regime"]["id"] == "county-2019"
    assert (
        json.loads(
            invoke(runner, "record", "list", "--status", "confirmed", "--json", archive=root).stdout
        )
        == []
    )
    assert (
        len(
            json.loads(
                invoke(
                    runner, "record", "list", CODE, "--criterion", "3", "--json", archive=root
                ).stdout
            )
        )
        == 1
    )
    shown = invoke(runner, "record", "show", record_id.lower().replace("r-", "r-"), archive=root)
    assert shown.exit_code == 0 and "county-2019" in shown.stdout and "重大事故隐患" in shown.stdout
    assert (
        invoke(runner, "record", "confirm", record_id, "--reason", "属实", archive=root).exit_code
        == 0
    )
    added = invoke(
        runner,
        "record",
        "add",
        OTHER,
        "--criterion",
        "8",
        "--evidence-note",
        "县安委会通报",
        "--date",
        "2026-11-20",
        "--note",
        "通报",
        archive=root,
    )
    assert added.exit_code == 0 and "已登记：M-" in added.stderr
    table = invoke(runner, "enterprise", "show", CODE, archive=root).stdout
    assert "信用状况：失信" in table and record_id in table and "不良信用记录" in table
    shown = json.loads(invoke(runner, "enterprise", "show", CODE, "--json", archive=root).stdout)
    assert shown["records"][0]["id"] == record_id
    assert shown["standing"]["standing"] == "untrustworthy"


BAD = [
    (["record", "list", "--status", "done"], 2, "done"),
    (["record", "list", "--criterion", "99"], 2, "99"),
    (["record", "list", "91431127XXXXXXXXXX"], 1, "91431127XXXXXXXXXX"),
    (["record", "propose", "--as-of", "2026-13-01"], 2, "2026-13-01"),
    (["record", "show", "R-xyz"], 2, "R-xyz"),
    (["record", "show", "R-000000000000"], 1, "R-000000000000"),
    (["record", "confirm", "R-000000000000", "--reason", "属实"], 1, "R-000000000000"),
    (["record", "confirm", "12", "--reason", "属实"], 2, "12"),
    (["record", "confirm", "R-000000000000", "--reason", "  "], 2, "--reason"),
    (["record", "confirm", "R-000000000000"], 2, "--reason"),  # a reason, as reject needs one
    (["record", "reject", "R-000000000000"], 2, "--reason"),
    (["record", "reject", "R-000000000000", "--reason", ""], 2, "--reason"),
    (["record", "add", CODE, "--criterion", "5"], 2, "证据"),
    (["record", "add", CODE, "--criterion", "0", "--evidence-note", "x"], 2, "0"),
    (["record", "add", CODE, "--criterion", "5", "--document", "abcdef0123"], 1, "abcdef0123"),
    (["record", "add", CODE, "--criterion", "5", "--evidence-note", " "], 2, "--evidence-note"),
    (
        ["record", "add", CODE, "--criterion", "5", "--evidence-note", "x", "--date", "2026-02-30"],
        2,
        "2026-02-30",
    ),
    (
        ["record", "add", CODE, "--criterion", "5", "--evidence-note", "x", "--date", "2099-01-01"],
        2,
        "2099-01-01",
    ),
    (["record", "add", CODE, "--evidence-note", "x"], 2, "--criterion"),
    (["standing", "--as-of", "yesterday"], 2, "yesterday"),
    (["standing", make_code(7)], 1, make_code(7)),
]


@pytest.mark.parametrize(("argv", "code", "named"), BAD)
def test_every_bad_option_value_is_refused_by_name(
    runner, archive: Archive, argv: list[str], code: int, named: str
) -> None:
    result = invoke(runner, *argv, archive=archive.root)
    assert result.exit_code == code, result.stderr
    assert named in result.stderr


# -- the keyword rules on any text ---------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

WORDS = st.sampled_from(
    [
        "非法",
        "无证",
        "未发现",
        "重大事故隐患",
        "双重预防",
        "未如实记录",
        "隐患",
        "拒不整改",
        "瞒报",
        "组织抢救",
        "未",
        "，",
        "。",
        "擅自",
        "生产",
        "许可",
        "逾期不缴纳",
        "检查",
        "拒绝",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(records.PENALTY_FIELDS), st.lists(WORDS | st.text(max_size=5)).map("".join)
    )
)
def test_classify_any_text(fields: dict[str, str]) -> None:
    found = records.classify_penalty(fields)
    rules = [rule for rule, _matched in found]
    order = [keyword.rule for keyword in records.PENALTY_RULES]
    assert rules == [rule for rule in order if rule in rules] or rules == ["penalty_other"]
    for rule, matched in found:
        assert bool(matched) == (rule != "penalty_other")
        for item in matched:
            assert item["word"] in "".join(fields[item["field"]].split())


def test_rectified_after_as_of_is_judged_open_at_as_of(archive: Archive) -> None:
    order(archive, "蓝应急责改〔2026〕7号", "2026-10-01")
    _review(archive, True, "2026-11-20")
    (item,) = new_items(records.propose(archive, date(2026, 11, 1)))
    assert item.record["facts"]["rectified_on"] is None
    assert item.record["facts"]["days_overdue"] == 24  # 10-08 → 11-01


def test_why_a_record_not_confirmed_is_no_basis_and_what_works(archive: Archive) -> None:
    """A proposed record: confirm it.  A rejected one cannot be confirmed (``confirm`` refuses
    it), so the hint must not suggest it: it says so and points to ``record add``."""
    penalty(archive, "拒不执行", number="罚1号")
    penalty(archive, "重大事故隐患", number="罚2号")
    first, second = (
        item.record["id"] for item in new_items(records.propose(archive, date(2026, 12, 1)))
    )
    message, hint = records.not_confirmed_problem(records.get_record(archive, first))
    assert first in message and "待确认" in message and "proposed" not in message
    assert f"credit record confirm {first} --reason" in hint
    rejected = records.reject(archive, second, "证据不足").record
    message, hint = records.not_confirmed_problem(rejected)
    assert second in message and "驳回" in message
    assert "credit record confirm" not in hint and "不能再确认" in hint
    assert f"credit record add {CODE} --criterion {rejected['criterion']}" in hint
    from archive.errors import CreditError

    with pytest.raises(CreditError, match="驳回"):  # what the hint says holds
        records.confirm(archive, second, "属实")
