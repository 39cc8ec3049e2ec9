"""The blacklist: proposals from confirmed records, terms, stage deadlines, notices, removal."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import blacklist as bl
from archive.errors import CreditError, UsageError
from archive.store import Archive
from tests.conftest import invoke
from tests.helpers import index_bytes, make_code

CODE = make_code(7)
OTHER = make_code(8)
ROOT = Path(__file__).resolve().parents[1]

# A 2027 the way a clerk writes it from the State Council's notice (test data, not the real one).
HOLIDAYS_2027 = """\
[2027]
notice = "国务院办公厅关于2027年部分节假日安排的通知（测试）"
holidays = [
  { name = "元旦", from = 2027-01-01, to = 2027-01-03 },
  { name = "春节", from = 2027-02-05, to = 2027-02-12 },
  { name = "劳动节", from = 2027-05-01, to = 2027-05-05 },
  { name = "国庆节", from = 2027-10-01, to = 2027-10-07 },
]
workdays = [2027-02-20, 2027-10-09]
"""
HOLIDAYS_2028 = """\
[2028]
holidays = [
  { name = "元旦", from = 2028-01-01, to = 2028-01-03 },
  { name = "春节", from = 2028-01-25, to = 2028-02-01 },
  { name = "国庆节", from = 2028-10-01, to = 2028-10-07 },
]
"""


# -- helpers -----------------------------------------------------------------------------------


def record(
    criterion: str,
    n: int,
    *,
    code: str = CODE,
    day: str = "2025-09-01",
    grade: str | None = None,
    kind: str = "penalty_decision",
    status: str = "confirmed",
    regime: str | None = None,
    rule: str = "penalty_major_hazard",
) -> dict[str, Any]:
    """A records-table row in the spec's shape, decided under ``regime`` (default: the one
    the archive decides under when the row is put)."""
    document = hashlib.sha256(f"doc{n}".encode()).hexdigest()
    facts: dict[str, Any] = {"grade": grade, "accident": f"A-{n:010x}"} if grade else {}
    return {
        "id": f"R-{n:012x}",
        "credit_code": code,
        "criterion": criterion,
        "criterion_text": "执法检查发现存在重大安全生产隐患的",
        "rule": rule,
        "evidence": [
            {
                "document": document,
                "doc_number": f"（湘蓝）应急罚〔2025〕{n}号",
                "kind": kind,
                "accident": None,
                "rectification": None,
            }
        ],
        "facts": facts,
        "date": day,
        "regime": {"id": regime, "version": "x"} if regime else None,
        "status": status,
    }


def put_records(root: Path, *rows: dict[str, Any]) -> None:
    """Records as archive.records makes them: ``record.proposed``, then ``record.confirmed``
    or ``record.rejected`` (the row's status)."""
    archive = Archive.open(root, actor="测试")
    current = {"id": archive.settings["rules.regime"], "version": "x"}
    rows = tuple({**row, "regime": row["regime"] or current} for row in rows)
    with archive.transaction() as tx:
        for row in rows:
            tx.emit(
                "record.proposed", {key: value for key, value in row.items() if key != "status"}
            )
            if row["status"] != "proposed":
                decided = {"id": row["id"], "credit_code": row["credit_code"]}
                decided.update(reason="测试", regime=row["regime"])
                tx.emit(f"record.{row['status']}", decided)


def set_regime(root: Path, regime: str) -> None:
    path = root / "credit.toml"
    text = path.read_text(encoding="utf-8")
    for known in ("county-2019", "national-2023"):
        text = text.replace(f'regime = "{known}"', f'regime = "{regime}"')
    path.write_text(text, encoding="utf-8")


def open_(root: Path, actor: str = "甲") -> Archive:
    return Archive.open(root, actor=actor)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    from archive.enterprises import add_enterprise
    from archive.store import init_archive

    archive = init_archive(tmp_path / "档案", actor="测试")
    add_enterprise(archive, {"credit_code": CODE, "name": "蓝山县某某矿业有限公司"})
    add_enterprise(archive, {"credit_code": OTHER, "name": "蓝山县某某化工有限公司"})
    return archive.root


def propose_one(root: Path, as_of: date, **kwargs: Any) -> dict[str, Any]:
    found = bl.propose(open_(root), as_of=as_of, **kwargs)
    proposed = [p for p in found if p.action == "proposed"]
    assert len(proposed) == 1, [p.as_dict() for p in found]
    return bl.get_entry(open_(root), proposed[0].id or "")


def drive(root: Path, entry_id: str, *days: str) -> dict[str, Any]:
    """Advance ``entry_id`` one stage per date."""
    entry: dict[str, Any] = {}
    for day in days:
        at_notify = bl.get_entry(open_(root), entry_id)["stage"] == "notify"
        entry = bl.advance(
            open_(root),
            entry_id,
            date=date.fromisoformat(day),
            statement_done=at_notify,  # the periods are tested on their own
            reason="单位书面放弃陈述申辩" if at_notify else None,
        )
    return entry


# -- terms -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regime", "criterion", "grade", "years", "reason"),
    [
        ("county-2019", "3", None, 1, "default"),  # 重大隐患 → county criterion 1
        ("county-2019", "1", "general", 1, "default"),
        ("county-2019", "1", "larger", 1, "grade:larger"),
        ("county-2019", "1", "major", 2, "grade:major"),
        ("county-2019", "1", "especially_major", 3, "grade:especially_major"),
        ("national-2023", "1", "major", 3, "default"),
        ("national-2023", "8", None, 3, "default"),
    ],
)
def test_the_term_follows_the_regime_and_the_highest_accident_grade(
    root: Path, regime: str, criterion: str, grade: str | None, years: int, reason: str
) -> None:
    set_regime(root, regime)
    put_records(root, record(criterion, 1, grade=grade))
    entry = propose_one(root, date(2025, 9, 2))
    assert (entry["term_years"], entry["term_reason"]) == (years, reason)
    assert entry["regime"]["id"] == regime
    assert entry["basis"] == ["R-000000000001"]
    assert entry["stage"] == "collect" and entry["status"] == "in_progress"


def test_the_highest_grade_among_the_basis_decides(root: Path) -> None:
    put_records(
        root,
        record("1", 1, grade="larger"),
        record("1", 2, grade="especially_major", day="2025-08-01"),
        record("1", 3, grade="major", day="2025-07-01"),
    )
    entry = propose_one(root, date(2025, 9, 2))
    assert (entry["term_years"], entry["term_reason"]) == (3, "grade:especially_major")
    assert entry["basis"] == ["R-000000000001", "R-000000000002", "R-000000000003"]


@pytest.mark.parametrize(
    ("listed_on", "grade", "rolls", "ends_on"),
    [
        ("2025-10-01", None, True, "2026-10-08"),  # 2026-10-01…07: National Day
        ("2025-10-01", None, False, "2026-10-01"),
        ("2024-02-29", None, True, "2025-02-28"),  # 29 February → 28 February
        ("2024-02-29", "major", True, "2026-02-28"),  # a make-up working Saturday stays
        ("2025-02-01", None, True, "2026-02-02"),  # a Sunday moves to Monday
    ],
)
def test_the_term_counts_from_publication_and_ends_as_the_regime_says(
    root: Path, listed_on: str, grade: str | None, rolls: bool, ends_on: str
) -> None:
    if not rolls:  # the archive's own version of the county regime
        source = ROOT / "archive" / "data" / "regimes" / "county-2019.toml"
        (root / "regimes").mkdir()
        (root / "regimes" / "county-2019.toml").write_text(
            source.read_text(encoding="utf-8").replace("rolls = true", "rolls = false"),
            encoding="utf-8",
        )
    start = date.fromisoformat(listed_on) - timedelta(days=20)
    put_records(root, record("1", 1, grade=grade, day=start.isoformat()))
    entry = propose_one(root, start)
    steps = (start + timedelta(days=1), start + timedelta(days=2))
    entry = drive(root, entry["id"], *(day.isoformat() for day in steps), listed_on)
    assert entry["status"] == "listed"
    assert (entry["listed_on"], entry["ends_on"]) == (listed_on, ends_on)


# -- stage deadlines ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regime", "collect", "notify", "exchange", "deadlines"),
    [
        # county: notify within 5 working days, exchange 10, publish 7
        ("county-2019", "2025-09-29", "2025-10-13", "2025-10-14", ["2025-10-13", "2025-10-27"]),
        ("county-2019", "2026-02-12", "2026-02-26", "2026-02-27", ["2026-02-26", "2026-03-11"]),
        # national: notify 5, exchange 10, publish 20 working days
        ("national-2023", "2025-09-29", "2025-09-30", "2025-10-09", ["2025-10-13", "2025-10-21"]),
    ],
)
def test_stage_deadlines_count_working_days_across_the_holidays(
    root: Path,
    regime: str,
    collect: str,
    notify: str,
    exchange: str,
    deadlines: list[str],
) -> None:
    set_regime(root, regime)
    # the notice foresees the end of a term that reaches into 2027/2028
    (root / "holidays.toml").write_text(HOLIDAYS_2027 + HOLIDAYS_2028, encoding="utf-8")
    put_records(root, record("1", 1, grade="major", day=collect))
    entry = propose_one(root, date.fromisoformat(collect))
    listed = bl.list_entries(open_(root), as_of=date.fromisoformat(collect))[0]
    assert (listed["next_stage"], listed["next_deadline"]) == ("notify", deadlines[0])
    entry = drive(root, entry["id"], notify, exchange)
    assert [s["deadline"] for s in entry["stages"]] == [None, *deadlines]
    assert not any(s["late"] for s in bl.show_entry(open_(root), entry["id"])["stages"])


def test_a_stage_past_its_deadline_is_overdue(root: Path, runner) -> None:
    put_records(root, record("3", 1, day="2025-09-20"))
    entry = propose_one(root, date(2025, 9, 29))
    rows = bl.list_entries(open_(root), as_of=date(2025, 10, 14))
    assert rows[0]["overdue"] and rows[0]["days_overdue"] == 1  # deadline 10-13
    assert bl.list_entries(open_(root), as_of=date(2025, 10, 13))[0]["overdue"] is False
    result = invoke(runner, "blacklist", "list", "--as-of", "2025-10-14", archive=root)
    assert "逾期 1 天" in result.stdout
    result = invoke(runner, "blacklist", "expiring", "--as-of", "2025-10-14", archive=root)
    assert result.exit_code == 10 and "阶段逾期" in result.stdout
    late = drive(root, entry["id"], "2025-10-15")
    assert bl.show_entry(open_(root), late["id"], date(2025, 10, 15))["stages"][1]["late"]
    result = invoke(
        runner, "blacklist", "list", "--status", "overdue", "--as-of", "2025-10-15", archive=root
    )
    assert entry["id"] not in result.stdout  # the next stage (exchange) is not late yet


def test_a_deadline_in_2027_needs_holidays_toml(root: Path, runner, monkeypatch) -> None:
    monkeypatch.setattr(bl, "_today", lambda: date(2026, 12, 31))
    put_records(root, record("3", 1, day="2026-12-20"))
    entry = propose_one(root, date(2026, 12, 28))
    # Listing still works: the deadline it cannot count is said, not guessed.
    result = invoke(runner, "blacklist", "list", "--as-of", "2026-12-28", archive=root)
    assert result.exit_code == 0
    assert "2027" in result.stderr and "holidays.toml" in result.stderr
    result = invoke(
        runner, "blacklist", "advance", entry["id"], "--date", "2026-12-29", archive=root
    )
    assert result.exit_code == 1
    assert "2027" in result.stderr and str(root / "holidays.toml") in result.stderr
    assert bl.get_entry(open_(root), entry["id"])["stage"] == "collect"
    assert not list((root / "out").rglob("*.docx"))  # nothing issued
    (root / "holidays.toml").write_text(HOLIDAYS_2027, encoding="utf-8")
    result = invoke(
        runner, "blacklist", "advance", entry["id"], "--date", "2026-12-29", archive=root
    )
    # The notice states the term from publication in words (a date it cannot know), so the
    # end of the term, in 2028, never holds it up.
    assert result.exit_code == 0, result.stderr
    entry = bl.get_entry(open_(root), entry["id"])
    assert entry["stages"][1]["deadline"] == "2027-01-05"  # 12-29,30,31, (1-1…3 off) 1-4, 1-5
    facts = _letter(root, entry["stages"][1]["notice"])["facts"]
    assert (facts["start_date"], facts["end_date"]) == (
        "信息公布之日",
        "管理期满之日（遇法定节假日顺延）",
    )
    assert facts["statement_deadline"] == "2027年1月6日"  # 5 working days after 12-29


# -- notices -----------------------------------------------------------------------------------


def _letter(root: Path, serial: str) -> dict[str, Any]:
    return open_(root).index().table("letters").record(serial) or {}


def test_notify_issues_the_notice_and_remove_the_removal_notice(root: Path, runner) -> None:
    put_records(root, record("3", 1, day="2025-09-20"))
    entry = propose_one(root, date(2025, 9, 22))
    result = invoke(
        runner, "blacklist", "advance", entry["id"], "--date", "2025-09-23", archive=root
    )
    assert result.exit_code == 0, result.stderr
    entry = bl.get_entry(open_(root), entry["id"])
    notify = entry["stages"][1]
    assert notify["stage"] == "notify" and notify["notice"]
    assert (root / notify["file"]).is_file() and notify["file"].endswith(".docx")
    letter = _letter(root, notify["notice"])
    assert letter["template"] == "notice_blacklist"
    facts = letter["facts"]
    assert facts["criterion"] == "第一项"
    assert facts["term_years"] == "1"
    assert facts["statement_deadline"] == "2025年9月29日"  # 5 working days (9-28 is worked)
    assert "（湘蓝）应急罚〔2025〕1号" in facts["evidence"]
    # no decision on file to quote: the criterion, as what happened, with the 文号
    assert (
        facts["facts"]
        == "2025年9月20日，执法检查发现存在重大安全生产隐患（（湘蓝）应急罚〔2025〕1号）"
    )
    assert "R-" not in facts["facts"]
    assert facts["start_date"] and facts["end_date"]
    # listed 2025-10-10; 2026-10-10 is a Saturday worked after National Day: it stays
    entry = drive(root, entry["id"], "2025-09-30", "2025-10-10")
    assert entry["ends_on"] == "2026-10-10"
    result = invoke(
        runner,
        "blacklist",
        "remove",
        entry["id"],
        "--reason",
        "管理期满，问题已整改",
        "--date",
        "2026-10-10",
        archive=root,
    )
    assert result.exit_code == 0, result.stderr
    entry = bl.get_entry(open_(root), entry["id"])
    assert (entry["status"], entry["stage"], entry["removed_on"]) == (
        "removed",
        "remove",
        "2026-10-10",
    )
    removal = entry["stages"][-1]
    assert removal["notice"] and (root / removal["file"]).is_file()
    letter = _letter(root, removal["notice"])
    assert letter["template"] == "notice_blacklist_removal"
    assert letter["facts"]["reason"] == "管理期满，问题已整改"
    assert letter["facts"]["listed_on"] == "2025年10月10日"


def test_stages_cannot_be_skipped_or_gone_back(root: Path, runner) -> None:
    put_records(root, record("3", 1, day="2025-09-20"))
    entry = propose_one(root, date(2025, 9, 22))
    result = invoke(
        runner,
        "blacklist",
        "advance",
        entry["id"],
        "--to",
        "publish",
        "--date",
        "2025-09-23",
        archive=root,
    )
    assert result.exit_code == 1
    assert "信息采集" in result.stderr and "信息告知" in result.stderr
    drive(root, entry["id"], "2025-09-23")
    result = invoke(runner, "blacklist", "advance", entry["id"], "--to", "collect", archive=root)
    assert result.exit_code == 1 and "现处于“信息告知”阶段，不能回到" in result.stderr
    with pytest.raises(UsageError, match="早于上一阶段"):
        bl.advance(open_(root), entry["id"], date=date(2025, 9, 22))
    # Removing a listed entry before its term ends is refused in the county regime.
    entry = drive(root, entry["id"], "2025-09-24", "2025-09-25")
    with pytest.raises(CreditError, match="才届满"):
        bl.advance(open_(root), entry["id"], date=date(2026, 1, 5), reason="x")


def test_an_entry_is_withdrawn_before_publication(root: Path, runner) -> None:
    put_records(root, record("3", 1, day="2025-09-20"))
    entry = propose_one(root, date(2025, 9, 22))
    drive(root, entry["id"], "2025-09-23")
    result = invoke(
        runner,
        "blacklist",
        "remove",
        entry["id"],
        "--reason",
        "陈述申辩理由成立",
        "--date",
        "2025-09-26",
        archive=root,
    )
    assert result.exit_code == 0, result.stderr
    assert "已撤回" in result.stderr
    entry = bl.get_entry(open_(root), entry["id"])
    assert (entry["status"], entry["removal_reason"]) == ("withdrawn", "陈述申辩理由成立")
    assert entry["stage"] == "notify"  # withdrawn where it was; no removal notice
    assert len(list((root / "out").rglob("*.docx"))) == 1
    result = invoke(runner, "blacklist", "advance", entry["id"], archive=root)
    assert result.exit_code == 1 and "已撤回" in result.stderr
    # Withdrawn on the same records: proposing again adds nothing.
    assert [p.action for p in bl.propose(open_(root), as_of=date(2025, 9, 27))] == ["exists"]


# -- removal -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regime", "day", "early", "evidence", "outcome"),
    [
        ("national-2023", "2024-11-01", True, ["复查意见书〔2024〕3号"], "removed"),
        ("national-2023", "2024-10-31", True, ["复查意见书〔2024〕3号"], "满 12 个月"),
        ("national-2023", "2024-11-01", True, [], "须附证据"),
        ("national-2023", "2024-11-01", False, [], "才届满"),
        ("county-2019", "2024-11-01", True, ["复查意见书〔2024〕3号"], "不允许提前移出"),
    ],
)
def test_early_removal_only_where_the_regime_allows_it(
    root: Path, regime: str, day: str, early: bool, evidence: list[str], outcome: str
) -> None:
    set_regime(root, regime)
    put_records(root, record("1", 1, grade="major", day="2023-10-02"))
    entry = propose_one(root, date(2023, 10, 9))
    entry = drive(root, entry["id"], "2023-10-10", "2023-10-20", "2023-11-01")
    assert entry["listed_on"] == "2023-11-01"
    archive = open_(root)
    if outcome == "removed":
        entry = bl.remove(
            archive,
            entry["id"],
            date=date.fromisoformat(day),
            reason="信用修复",
            early=early,
            evidence=evidence,
        )
        assert (entry["status"], entry["early"]) == ("removed", True)
        assert entry["evidence_removal"] == evidence
        assert entry["stages"][-1]["notice"]
        return
    with pytest.raises(CreditError) as caught:
        bl.remove(
            archive,
            entry["id"],
            date=date.fromisoformat(day),
            reason="信用修复",
            early=early,
            evidence=evidence,
        )
    text = caught.value.message + (caught.value.hint or "")
    assert outcome in text
    if regime == "county-2019":
        assert "县实施方案未规定提前移出" in text  # the regime's own reason
    assert bl.get_entry(open_(root), entry["id"])["status"] == "listed"


def test_an_expired_term_is_due_for_removal(root: Path, runner) -> None:
    put_records(root, record("3", 1, day="2025-09-20"))
    entry = propose_one(root, date(2025, 9, 22))
    entry = drive(root, entry["id"], "2025-09-23", "2025-09-24", "2025-09-25")
    assert entry["ends_on"] == "2026-09-28"  # 2026-09-25: Mid-Autumn Festival
    assert not bl.list_entries(open_(root), as_of=date(2026, 9, 27))[0]["due_for_removal"]
    row = bl.list_entries(open_(root), as_of=date(2026, 9, 28))[0]
    assert row["due_for_removal"] and not row["overdue"]
    assert bl.list_entries(open_(root), as_of=date(2026, 9, 29))[0]["overdue"]
    found = bl.propose(open_(root), as_of=date(2026, 9, 28), dry_run=True)
    assert [(p.action, p.id) for p in found] == [("removal_due", entry["id"])]
    result = invoke(
        runner, "blacklist", "expiring", "--as-of", "2026-09-28", "--json", archive=root
    )
    assert result.exit_code == 10
    assert [row["why"] for row in json.loads(result.stdout)] == ["due_for_removal"]
    result = invoke(
        runner, "blacklist", "expiring", "--as-of", "2026-09-01", "--within", "30", archive=root
    )
    assert result.exit_code == 0 and "即将期满" in result.stdout
    assert bl.active_entries(open_(root).index(), CODE, date(2026, 9, 28))  # its last day
    assert not bl.active_entries(open_(root).index(), CODE, date(2026, 9, 29))  # term over
    bl.remove(open_(root), entry["id"], date=date(2026, 9, 29), reason="期满")
    assert not bl.active_entries(open_(root).index(), CODE, date(2026, 9, 29))
    assert bl.active_entries(open_(root).index(), CODE, date(2026, 9, 28))  # before removal
    assert not bl.active_entries(open_(root).index(), CODE, date(2025, 9, 24))  # before listing


# -- proposing ---------------------------------------------------------------------------------


def test_proposing_twice_adds_nothing(root: Path, runner) -> None:
    put_records(
        root,
        record("3", 1, day="2025-09-01"),
        record("3", 2, day="2025-09-10"),
        record("6", 3, day="2025-09-12"),
        record("3", 4, code=OTHER, day="2025-09-12"),
        record("3", 5, day="2024-09-19"),  # outside the 12-month window (from 2024-09-20)
        record("3", 8, day="2024-09-20"),  # its first day
        record("3", 6, day="2025-09-12", status="proposed"),  # not confirmed
    )
    result = invoke(runner, "blacklist", "propose", "--as-of", "2025-09-20", archive=root)
    assert result.exit_code == 10, result.stderr  # new entries wait for a clerk
    entries = bl.list_entries(open_(root))
    assert sorted((e["credit_code"], e["criterion"], tuple(e["basis"])) for e in entries) == sorted(
        [
            (CODE, "1", ("R-000000000001", "R-000000000002", "R-000000000008")),
            (CODE, "2", ("R-000000000003",)),
            (OTHER, "1", ("R-000000000004",)),
        ]
    )
    journal = (root / "journal.jsonl").read_bytes()
    result = invoke(runner, "blacklist", "propose", "--as-of", "2025-09-20", archive=root)
    assert result.exit_code == 0
    assert (root / "journal.jsonl").read_bytes() == journal
    assert "已有" in result.stdout
    # A new record under the same criterion while the entry is in progress: not a second one.
    put_records(root, record("3", 7, day="2025-09-25"))
    journal = (root / "journal.jsonl").read_bytes()
    found = bl.propose(open_(root), CODE, as_of=date(2025, 9, 26))
    assert sorted((p.criterion, p.action) for p in found) == [("1", "skipped"), ("2", "exists")]
    assert "R-000000000007" in found[0].basis or "R-000000000007" in found[1].basis
    assert (root / "journal.jsonl").read_bytes() == journal


def test_a_manual_proposal_needs_confirmed_records_of_the_enterprise(root: Path, runner) -> None:
    put_records(
        root,
        record("5", 1),
        record("5", 2, code=OTHER),
        record("5", 3, status="proposed"),
    )
    base = ["blacklist", "propose", CODE, "--criterion", "1", "--as-of", "2025-09-02"]
    result = invoke(runner, *base, "--record", "R-000000000002", archive=root)
    assert result.exit_code == 2 and OTHER in result.stderr
    result = invoke(runner, *base, "--record", "R-000000000003", archive=root)
    assert result.exit_code == 2 and "尚未确认" in result.stderr
    result = invoke(runner, *base, "--record", "R-00000000dead", archive=root)
    assert result.exit_code == 1 and "R-00000000dead" in result.stderr
    result = invoke(
        runner, *base[:3], "--criterion", "9", "--record", "R-000000000001", archive=root
    )
    assert result.exit_code == 2 and "没有第 9 项" in result.stderr
    unknown = make_code(99)
    result = invoke(
        runner, *base[:2], unknown, *base[3:], "--record", "R-000000000001", archive=root
    )
    assert result.exit_code == 1 and unknown in result.stderr
    result = invoke(runner, *base, "--evidence-note", "经认定…", archive=root)
    assert result.exit_code == 2 and "其他" in result.stderr
    result = invoke(runner, *base, "--record", "R-000000000001", "--json", archive=root)
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert (row["action"], row["rule"], row["basis"]) == ("proposed", "manual", ["R-000000000001"])
    result = invoke(runner, *base, "--record", "R-000000000001", "--json", archive=root)
    assert json.loads(result.stdout)[0]["action"] == "exists"
    # The county's "other" criterion (5) may stand on a finding written down.
    result = invoke(
        runner,
        "blacklist",
        "propose",
        CODE,
        "--criterion",
        "5",
        "--as-of",
        "2025-09-02",
        "--evidence-note",
        "经县安委会认定严重威胁安全生产",
        "--json",
        archive=root,
    )
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)
    entry = bl.get_entry(open_(root), row["id"])
    assert entry["basis"] == [] and entry["evidence_note"] == "经县安委会认定严重威胁安全生产"


def test_the_national_regime_lists_only_on_a_penalty_decision(root: Path, runner) -> None:
    set_regime(root, "national-2023")
    put_records(root, record("8", 1, kind="rectification_order"))
    found = bl.propose(open_(root), as_of=date(2025, 9, 2))
    assert [p.action for p in found] == ["skipped"]
    assert "行政处罚决定" in found[0].reason
    result = invoke(
        runner,
        "blacklist",
        "propose",
        CODE,
        "--criterion",
        "8",
        "--record",
        "R-000000000001",
        "--as-of",
        "2025-09-02",
        archive=root,
    )
    assert result.exit_code == 1 and "行政处罚决定" in result.stderr
    result = invoke(
        runner,
        "blacklist",
        "propose",
        CODE,
        "--criterion",
        "9",
        "--evidence-note",
        "情节严重",
        "--as-of",
        "2025-09-02",
        archive=root,
    )
    assert result.exit_code == 1 and "行政处罚决定" in result.stderr
    put_records(root, record("8", 2))
    assert [p.action for p in bl.propose(open_(root), as_of=date(2025, 9, 2))] == ["proposed"]


def test_changing_the_regime_never_rewrites_an_old_entry(root: Path) -> None:
    put_records(root, record("3", 1, day="2025-09-20"))
    entry = propose_one(root, date(2025, 9, 22))
    before = bl.get_entry(open_(root), entry["id"])
    set_regime(root, "national-2023")
    assert bl.get_entry(open_(root), entry["id"]) == before
    # Later steps follow the regime the entry was decided under (county: 1 year, no early
    # removal), not the one chosen now (national: 3 years, early removal after 12 months).
    entry = drive(root, entry["id"], "2025-09-23", "2025-09-24", "2025-09-25")
    assert (entry["regime"]["id"], entry["term_years"], entry["ends_on"]) == (
        "county-2019",
        1,
        "2026-09-28",
    )
    assert entry["stages"][2]["deadline"] == "2025-10-13"  # county: exchange within 10 days
    with pytest.raises(CreditError, match="不允许提前移出"):
        bl.remove(
            open_(root), entry["id"], date=date(2026, 9, 1), reason="x", early=True, evidence=["y"]
        )
    # New proposals are decided under the new regime.
    put_records(root, record("1", 2, grade="major", day="2025-09-20"))
    new = propose_one(root, date(2025, 9, 22))
    assert (new["regime"]["id"], new["term_years"]) == ("national-2023", 3)


# -- the journal -------------------------------------------------------------------------------


def test_reindex_reproduces_every_entry_byte_for_byte(root: Path, runner) -> None:
    put_records(
        root, record("3", 1, day="2025-09-20"), record("3", 2, code=OTHER, day="2025-09-20")
    )
    bl.propose(open_(root), as_of=date(2025, 9, 22))
    first, second = (e["id"] for e in bl.list_entries(open_(root)))
    drive(root, first, "2025-09-23", "2025-09-24", "2025-09-25")
    bl.correct(
        open_(root), first, reason="公布日期录入有误", stage="publish", stage_date=date(2025, 9, 26)
    )
    bl.remove(open_(root), second, date=date(2025, 9, 24), reason="陈述申辩理由成立")
    table = json.dumps(open_(root).index().storage.read()["blacklist"], sort_keys=True)
    kept = index_bytes(root)
    assert invoke(runner, "reindex", archive=root).exit_code == 0
    once = index_bytes(root)
    assert once == kept  # the index the commands kept is the one the journal gives
    assert invoke(runner, "reindex", archive=root).exit_code == 0
    assert index_bytes(root) == once
    again = json.dumps(open_(root).index().storage.read()["blacklist"], sort_keys=True)
    assert again == table
    corrected = bl.get_entry(open_(root), first)
    assert (corrected["listed_on"], corrected["ends_on"]) == ("2025-09-26", "2026-09-28")
    assert corrected["corrections"][0]["before"]["listed_on"] == "2025-09-25"


def test_a_correction_keeps_what_it_corrected(root: Path, runner) -> None:
    (root / "holidays.toml").write_text(HOLIDAYS_2027, encoding="utf-8")
    put_records(root, record("3", 1, day="2025-09-20"))
    entry = propose_one(root, date(2025, 9, 22))
    drive(root, entry["id"], "2025-09-23", "2025-09-24", "2025-09-25")
    result = invoke(
        runner,
        "blacklist",
        "correct",
        entry["id"],
        "--term-years",
        "2",
        "--reason",
        "事故等级经调查认定为重大",
        "--json",
        archive=root,
    )
    assert result.exit_code == 0, result.stderr
    entry = json.loads(result.stdout)
    assert (entry["term_years"], entry["ends_on"]) == (2, "2027-09-27")  # Sat → Mon (2027 data)
    assert entry["corrections"][0]["before"]["term_years"] == 1
    result = invoke(runner, "blacklist", "correct", entry["id"], "--reason", "x", archive=root)
    assert result.exit_code == 2


# -- two clerks --------------------------------------------------------------------------------


def test_two_clerks_advancing_at_once_one_wins(root: Path, monkeypatch) -> None:
    put_records(root, record("3", 1, day="2025-09-20"))
    entry = propose_one(root, date(2025, 9, 22))
    drive(root, entry["id"], "2025-09-23")
    real = bl._calendar
    raced: list[dict[str, Any]] = []

    def calendar_after_the_other_clerk(archive: Archive) -> Any:
        # Clerk 乙 has checked the entry; clerk 甲 advances it before 乙 commits.
        if not raced:
            raced.append({})
            raced.append(
                bl.advance(
                    open_(root, "甲"),
                    entry["id"],
                    date=date(2025, 9, 24),
                    statement_done=True,
                    reason="单位放弃陈述申辩",
                )
            )
        return real(archive)

    monkeypatch.setattr(bl, "_calendar", calendar_after_the_other_clerk)
    with pytest.raises(CreditError) as caught:
        bl.advance(
            open_(root, "乙"),
            entry["id"],
            date=date(2025, 9, 25),
            statement_done=True,
            reason="单位放弃陈述申辩",
        )
    assert "已由 甲 推进到“信息交换”" in caught.value.message
    final = bl.get_entry(open_(root), entry["id"])
    assert [s["stage"] for s in final["stages"]] == ["collect", "notify", "exchange"]
    assert final["stages"][-1]["actor"] == "甲"


def test_two_processes_advancing_at_once_one_wins(root: Path) -> None:
    put_records(root, record("3", 1, day="2025-09-20"))
    entry = propose_one(root, date(2025, 9, 22))
    command = [sys.executable, "-m", "cli", "--archive", str(root)]
    processes = [
        subprocess.Popen(
            [*command, "--by", user, "blacklist", "advance", entry["id"], "--date", "2025-09-23"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for user in ("甲", "乙")
    ]
    results = [(p.wait(timeout=60), p.stderr.read() if p.stderr else "") for p in processes]
    codes = sorted(code for code, _err in results)
    assert codes == [0, 1], results
    loser = next(err for code, err in results if code == 1)
    # told who won, or (still rendering) that another clerk is making the notice
    assert ("已由" in loser and "信息告知" in loser) or "另一位经办人正在" in loser
    final = bl.get_entry(open_(root), entry["id"])
    assert [s["stage"] for s in final["stages"]] == ["collect", "notify"]
    # one notice, recorded on the entry
    assert len(open_(root).index().table("letters").ids()) == 1
    assert final["stages"][1]["notice"] in open_(root).index().table("letters").ids()


# -- output ------------------------------------------------------------------------------------


def test_list_and_show_carry_everything_in_json(root: Path, runner) -> None:
    (root / "holidays.toml").write_text(HOLIDAYS_2027, encoding="utf-8")
    put_records(root, record("1", 1, grade="major", day="2025-09-20"))
    entry = propose_one(root, date(2025, 9, 22))
    drive(root, entry["id"], "2025-09-23")
    result = invoke(
        runner, "blacklist", "list", CODE, "--json", "--as-of", "2025-09-24", archive=root
    )
    (row,) = json.loads(result.stdout)
    for key in (
        "id",
        "credit_code",
        "criterion",
        "criterion_text",
        "basis",
        "evidence",
        "regime",
        "term_years",
        "term_reason",
        "stage",
        "stages",
        "listed_on",
        "ends_on",
        "status",
        "next_stage",
        "next_deadline",
        "overdue",
        "due_for_removal",
        "rule",
    ):
        assert key in row, key
    assert row["term_reason"] == "grade:major" and row["next_stage"] == "exchange"
    result = invoke(runner, "blacklist", "show", entry["id"], archive=root)
    assert result.exit_code == 0
    assert "发生重大事故，管理期限 2 年" in result.stdout and "信息告知" in result.stdout
    result = invoke(runner, "blacklist", "show", "B-000000000000", archive=root)
    assert result.exit_code == 1 and "B-000000000000" in result.stderr
    detail = invoke(runner, "enterprise", "show", CODE, "--json", archive=root)
    assert json.loads(detail.stdout)["blacklist"][0]["id"] == entry["id"]
    detail = invoke(runner, "enterprise", "show", CODE, archive=root)
    assert "黑名单" in detail.stdout and entry["id"] in detail.stdout
    english = invoke(runner, "--lang", "en", "blacklist", "show", entry["id"], archive=root)
    assert "Stage" in english.stdout or "stage" in english.stdout


# -- any set of records ------------------------------------------------------------------------

_RECORDS = st.lists(
    st.tuples(
        st.sampled_from([CODE, OTHER]),
        st.sampled_from(["1", "2", "3", "5", "6", "7", "8"]),
        st.dates(min_value=date(2024, 6, 1), max_value=date(2025, 9, 20)),
        st.sampled_from([None, "general", "larger", "major", "especially_major"]),
        st.sampled_from(["confirmed", "confirmed", "proposed", "rejected"]),
    ),
    max_size=8,
)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_RECORDS)
def test_any_records_give_one_entry_per_ground_and_proposing_again_adds_nothing(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple]
) -> None:
    from archive.enterprises import add_enterprise
    from archive.regimes import load_regime
    from archive.store import init_archive

    archive = init_archive(tmp_path_factory.mktemp("a") / "档案", actor="测试")
    add_enterprise(archive, {"credit_code": CODE, "name": "甲公司"})
    add_enterprise(archive, {"credit_code": OTHER, "name": "乙公司"})
    made = [
        record(criterion, n, code=code, day=day.isoformat(), grade=grade, status=status)
        for n, (code, criterion, day, grade, status) in enumerate(rows, 1)
    ]
    put_records(archive.root, *made)
    as_of = date(2025, 9, 21)
    bl.propose(open_(archive.root), as_of=as_of)
    journal = (archive.root / "journal.jsonl").read_bytes()
    again = bl.propose(open_(archive.root), as_of=as_of)
    assert (archive.root / "journal.jsonl").read_bytes() == journal
    assert all(p.action == "exists" for p in again)
    regime = load_regime(None, "county-2019")
    entries = bl.list_entries(open_(archive.root), as_of=as_of)
    expected = {}
    for row in made:
        if row["status"] != "confirmed" or row["date"] < "2024-09-21":
            continue
        for ground in regime.blacklist_criteria_for(row["criterion"]):
            expected.setdefault((row["credit_code"], ground.number), set()).add(row["id"])
    assert {(e["credit_code"], e["criterion"]): set(e["basis"]) for e in entries} == expected
    for entry in entries:
        years, _why = bl.term_for(regime, [r for r in made if r["id"] in entry["basis"]])
        assert entry["term_years"] == years
        assert entry["id"] == bl.entry_id(
            entry["credit_code"], entry["criterion"], list(reversed(entry["basis"]))
        )


def test_reading_leaves_the_index_as_the_journal_made_it(root: Path) -> None:
    put_records(root, record("3", 1, day="2025-09-20"))
    entry = propose_one(root, date(2025, 9, 22))
    archive = open_(root)
    before = json.dumps(archive.index().storage.read()["blacklist"], sort_keys=True)
    bl.list_entries(archive, as_of=date(2025, 12, 1))
    bl.show_entry(archive, entry["id"], date(2025, 12, 1))
    bl.expiring(archive, as_of=date(2025, 12, 1))
    assert json.dumps(archive.index().storage.read()["blacklist"], sort_keys=True) == before


def test_a_record_added_by_hand_with_a_note_is_a_basis(root: Path, runner) -> None:
    result = invoke(
        runner,
        "record",
        "add",
        CODE,
        "--criterion",
        "3",
        "--evidence-note",
        "检查发现重大隐患",
        "--date",
        "2025-09-20",
        archive=root,
    )
    assert result.exit_code == 0, result.stderr
    entry = propose_one(root, date(2025, 9, 22))
    entry = drive(root, entry["id"], "2025-09-23")
    letter = _letter(root, entry["stages"][1]["notice"])
    assert letter["facts"]["evidence"] == "检查发现重大隐患"
    assert letter["facts"]["facts"].startswith("2025年9月20日，")
    result = invoke(runner, "blacklist", "show", entry["id"], archive=root)
    assert "检查发现重大隐患" in result.stdout


def test_standing_and_active_entries_agree_on_who_is_blacklisted(root: Path) -> None:
    from archive.standing import standing

    put_records(root, record("3", 1, day="2025-09-20"))
    entry = propose_one(root, date(2025, 9, 22))
    drive(root, entry["id"], "2025-09-23", "2025-09-24", "2025-09-25")  # ends 2026-09-28
    for day in ("2025-09-24", "2025-09-25", "2026-09-28", "2026-09-29"):
        as_of = date.fromisoformat(day)
        (row,) = standing(open_(root), CODE, as_of)
        listed = bool(bl.active_entries(open_(root).index(), CODE, as_of))
        assert (row["standing"] == "blacklisted") == listed, day
    (row,) = standing(open_(root), CODE, date(2026, 1, 1))
    assert row["standing"] == "blacklisted"


# -- a term ending in a year without holiday data (stranger's report, item 1) -----------------


def _publish(root: Path, regime: str, monkeypatch) -> dict[str, Any]:
    """An entry published on 2026-10-01 (nominal end: 2027-10-01 county, 2029-10-01 national)."""
    set_regime(root, regime)
    monkeypatch.setattr(bl, "_today", lambda: date(2026, 12, 1))
    put_records(root, record("1", 1, grade="general", day="2026-09-20"))
    entry = propose_one(root, date(2026, 9, 21))
    return entry


@pytest.mark.parametrize(
    ("regime", "nominal", "year"),
    [("county-2019", "2027-10-01", 2027), ("national-2023", "2029-10-01", 2029)],
)
def test_a_term_ending_in_a_year_without_data_is_published_provisionally(
    root: Path, runner, monkeypatch, regime: str, nominal: str, year: int
) -> None:
    entry = _publish(root, regime, monkeypatch)
    for day, more in (("2026-09-22", ()), ("2026-09-23", ("--statement-done", "--reason", "放弃"))):
        result = invoke(
            runner, "blacklist", "advance", entry["id"], "--date", day, *more, archive=root
        )
        assert result.exit_code == 0, result.stderr
    # The 告知书 foresees the end: the nominal date, to be moved off a holiday.
    notice = bl.get_entry(open_(root), entry["id"])["stages"][1]["notice"]
    facts = _letter(root, notice)["facts"]
    assert facts["end_date"] == "管理期满之日（遇法定节假日顺延）"
    result = invoke(
        runner, "blacklist", "advance", entry["id"], "--date", "2026-10-01", archive=root
    )
    assert result.exit_code == 0, result.stderr
    assert f"{nominal}（顺延待定）" in result.stderr
    assert f"待 {year} 年节假日数据补齐后确定" in result.stderr and "holidays.toml" in result.stderr
    entry = bl.get_entry(open_(root), entry["id"])
    assert (entry["ends_on"], entry["ends_on_provisional"]) == (nominal, True)
    result = invoke(runner, "blacklist", "list", "--as-of", "2026-12-01", archive=root)
    assert f"{nominal}（顺延待定）" in result.stdout
    # The data arrives: read again, the end is rolled off the holiday — no new event.
    journal = (root / "journal.jsonl").read_bytes()
    table = json.dumps(open_(root).index().storage.read()["blacklist"], sort_keys=True)
    holidays = HOLIDAYS_2027.replace("2027", str(year))
    (root / "holidays.toml").write_text(holidays, encoding="utf-8")
    result = invoke(runner, "blacklist", "show", entry["id"], "--json", archive=root)
    row = json.loads(result.stdout)
    rolled = f"{year}-10-08"  # {year}-10-01…07: National Day (test data)
    assert (row["ends_on"], row["ends_on_provisional"], row["ends_on_nominal"]) == (
        rolled,
        False,
        nominal,
    )
    assert (root / "journal.jsonl").read_bytes() == journal
    assert json.dumps(open_(root).index().storage.read()["blacklist"], sort_keys=True) == table
    # Replaying the journal gives the same bytes, whatever holidays.toml says now.
    kept = index_bytes(root)
    assert invoke(runner, "reindex", archive=root).exit_code == 0
    assert index_bytes(root) == kept
    assert invoke(runner, "reindex", archive=root).exit_code == 0
    assert index_bytes(root) == kept


def test_removal_at_a_provisional_end_needs_the_year_s_data(
    root: Path, runner, monkeypatch
) -> None:
    entry = _publish(root, "county-2019", monkeypatch)
    entry = drive(root, entry["id"], "2026-09-22", "2026-09-23", "2026-10-01")
    assert entry["ends_on_provisional"]
    monkeypatch.setattr(bl, "_today", lambda: date(2027, 10, 20))
    # Before the nominal end: the term is running, whatever 2027 holds.
    result = invoke(
        runner,
        "blacklist",
        "remove",
        entry["id"],
        "--reason",
        "期满",
        "--date",
        "2027-09-30",
        archive=root,
    )
    assert result.exit_code == 1 and "2027-10-01（顺延待定） 才届满" in result.stderr
    # On the nominal end: whether it moves is what 2027's data says: refused, naming the file.
    result = invoke(
        runner,
        "blacklist",
        "remove",
        entry["id"],
        "--reason",
        "期满",
        "--date",
        "2027-10-01",
        archive=root,
    )
    assert result.exit_code == 1
    assert "2027" in result.stderr and str(root / "holidays.toml") in result.stderr
    assert bl.get_entry(open_(root), entry["id"])["status"] == "listed"
    # Listings say so instead of failing.
    result = invoke(runner, "blacklist", "list", "--as-of", "2027-10-02", "--json", archive=root)
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert (row["due_for_removal"], row["removal_pending_year"]) == (False, 2027)
    result = invoke(
        runner,
        "blacklist",
        "list",
        "--status",
        "due",
        "--as-of",
        "2027-10-02",
        "--json",
        archive=root,
    )
    assert [r["id"] for r in json.loads(result.stdout)] == [entry["id"]]
    result = invoke(runner, "blacklist", "show", entry["id"], "--as-of", "2027-10-02", archive=root)
    assert result.exit_code == 0 and "届满待定（缺 2027 年数据）" in result.stdout
    result = invoke(
        runner, "blacklist", "expiring", "--as-of", "2027-10-02", "--json", archive=root
    )
    assert result.exit_code == 10
    assert [r["why"] for r in json.loads(result.stdout)] == ["removal_pending"]
    found = bl.propose(open_(root), as_of=date(2027, 10, 2), dry_run=True)
    assert [p.action for p in found] == ["removal_pending"]
    # Still in force while unknown; before the nominal end certainly.
    assert bl.active_entries(open_(root).index(), CODE, date(2027, 10, 2))
    # With the data: the term ends 2027-10-08 (National Day in the test data).
    (root / "holidays.toml").write_text(HOLIDAYS_2027, encoding="utf-8")
    calendar = bl._calendar(open_(root))
    assert bl.active_entries(open_(root).index(), CODE, date(2027, 10, 8), calendar=calendar)
    assert not bl.active_entries(open_(root).index(), CODE, date(2027, 10, 9), calendar=calendar)
    result = invoke(
        runner,
        "blacklist",
        "remove",
        entry["id"],
        "--reason",
        "期满",
        "--date",
        "2027-10-05",
        archive=root,
    )
    assert result.exit_code == 1 and "2027-10-08 才届满" in result.stderr
    result = invoke(
        runner,
        "blacklist",
        "remove",
        entry["id"],
        "--reason",
        "期满",
        "--date",
        "2027-10-08",
        archive=root,
    )
    assert result.exit_code == 0, result.stderr
    entry = bl.get_entry(open_(root), entry["id"])
    assert (entry["status"], entry["stages"][-1]["deadline"]) == ("removed", "2027-10-08")


def test_a_term_is_corrected_provisionally_too(root: Path, monkeypatch) -> None:
    entry = _publish(root, "county-2019", monkeypatch)
    drive(root, entry["id"], "2026-09-22", "2026-09-23", "2026-10-01")
    (root / "holidays.toml").write_text(HOLIDAYS_2027, encoding="utf-8")
    entry = bl.correct(open_(root), entry["id"], reason="重大事故", term_years=2)
    assert (entry["ends_on"], entry["ends_on_provisional"]) == ("2028-10-01", True)
    assert entry["corrections"][0]["before"]["ends_on_provisional"] is True


# -- dates and bounds (items 2, 5, 20) ---------------------------------------------------------


def test_a_stage_date_after_today_is_refused(root: Path, runner, monkeypatch) -> None:
    monkeypatch.setattr(bl, "_today", lambda: date(2025, 9, 25))
    put_records(root, record("3", 1, day="2025-09-20"))
    entry = propose_one(root, date(2025, 9, 22))
    journal = (root / "journal.jsonl").read_bytes()
    result = invoke(
        runner, "blacklist", "advance", entry["id"], "--date", "2099-12-03", archive=root
    )
    assert result.exit_code == 2
    assert "2099-12-03 不能晚于今天（2025-09-25）" in result.stderr
    result = invoke(
        runner,
        "blacklist",
        "remove",
        entry["id"],
        "--reason",
        "x",
        "--date",
        "2025-09-26",
        archive=root,
    )
    assert result.exit_code == 2 and "不能晚于今天" in result.stderr
    result = invoke(
        runner, "blacklist", "advance", entry["id"], "--date", "2025-09-21", archive=root
    )
    assert result.exit_code == 2 and "早于上一阶段" in result.stderr  # still refused
    with pytest.raises(UsageError, match="不能晚于今天"):
        bl.correct(
            open_(root), entry["id"], reason="x", stage="collect", stage_date=date(2025, 9, 26)
        )
    assert (root / "journal.jsonl").read_bytes() == journal
    assert not (root / "out").exists() or not list((root / "out").rglob("*.docx"))
    result = invoke(
        runner, "blacklist", "advance", entry["id"], "--date", "2025-09-25", archive=root
    )
    assert result.exit_code == 0, result.stderr  # today itself


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_expiring_within_is_bounded(root: Path, runner, lang: str) -> None:
    result = invoke(
        runner, "--lang", lang, "blacklist", "expiring", "--within", "99999999", archive=root
    )
    assert result.exit_code == 2, result.stderr
    assert "99999999" in result.stderr and "Traceback" not in result.stderr
    if lang == "zh":
        assert "超出允许的范围" in result.stderr
    assert invoke(runner, "blacklist", "expiring", "--within", "3660", archive=root).exit_code == 0
    with pytest.raises(UsageError):
        bl.expiring(open_(root), within=3661)


@pytest.mark.parametrize(
    "options",
    [
        ["--criterion", "5"],
        ["--criterion", "1"],
        ["--record", "R-000000000001"],
        ["--evidence-note", "经认定…"],
    ],
)
def test_manual_options_without_a_code_are_a_usage_error(root: Path, runner, options) -> None:
    result = invoke(runner, "blacklist", "propose", *options, archive=root)
    assert result.exit_code == 2 and options[0] in result.stderr
    assert "单位代码" in result.stderr


def test_a_criterion_no_record_supports_is_said_not_ignored(root: Path, runner) -> None:
    result = invoke(runner, "blacklist", "propose", CODE, "--criterion", "5", archive=root)
    assert result.exit_code == 2 and "不由不良信用记录自动提出" in result.stderr
    assert "--evidence-note" in result.stderr  # county: "other" may stand on a finding


# -- messages (item 12) ------------------------------------------------------------------------


def test_messages_say_closed_entries_and_stages_in_chinese(root: Path, runner) -> None:
    put_records(root, record("3", 1, day="2025-09-20"), record("3", 2, status="rejected"))
    entry = propose_one(root, date(2025, 9, 22))
    drive(root, entry["id"], "2025-09-23")
    result = invoke(
        runner,
        "blacklist",
        "correct",
        entry["id"],
        "--stage",
        "publish",
        "--date",
        "2025-09-24",
        "--reason",
        "x",
        archive=root,
    )
    assert result.exit_code == 2 and "没有到过“信息公布”阶段" in result.stderr
    assert "publish”" not in result.stderr and "notify（信息告知）" in result.stderr
    bl.remove(open_(root), entry["id"], date=date(2025, 9, 24), reason="陈述申辩理由成立")
    for args in (["advance", entry["id"]], ["remove", entry["id"], "--reason", "x"]):
        result = invoke(runner, "blacklist", *args, archive=root)
        assert result.exit_code == 1 and "已撤回（2025-09-24）" in result.stderr
        assert "已已" not in result.stderr
    result = invoke(
        runner,
        "blacklist",
        "propose",
        CODE,
        "--criterion",
        "1",
        "--record",
        "R-000000000002",
        archive=root,
    )
    assert result.exit_code == 2 and "已驳回" in result.stderr
    assert "rejected" not in result.stderr and "record confirm" not in result.stderr


def test_english_headers_name_entries_not_serials(root: Path, runner) -> None:
    put_records(root, record("3", 1, day="2025-09-20"))
    propose_one(root, date(2025, 9, 22))
    result = invoke(runner, "--lang", "en", "blacklist", "list", archive=root)
    assert "Entry" in result.stdout and "Serial" not in result.stdout
    result = invoke(
        runner, "--lang", "en", "blacklist", "expiring", "--as-of", "2025-10-14", archive=root
    )
    assert "Why" not in result.stdout and "why" not in result.stdout


# -- the notice states what happened; a penalty inside accident evidence (items 8, 9) ---------

PENALTY_SHA = hashlib.sha256(b"penalty").hexdigest()
ORDER_SHA = hashlib.sha256(b"order").hexdigest()
ACCIDENT = "A-" + PENALTY_SHA[:10]


def put_facts(root: Path) -> None:
    """A penalty decision that states an accident, the accident, a rectification order."""
    archive = Archive.open(root, actor="测试")
    with archive.transaction() as tx:
        tx.emit(
            "document.ingested",
            {
                "sha256": PENALTY_SHA,
                "kind": "penalty_decision",
                "credit_codes": [CODE],
                "fields": {
                    "doc_number": "（蓝）应急罚〔2026〕15号",
                    "document_date": "2026-03-20",
                    "facts": "你单位未对作业现场进行安全检查，导致发生物体打击事故。另查明……",
                },
                "fact_events": True,
            },
        )
        tx.emit(
            "accident.recorded",
            {
                "id": ACCIDENT,
                "credit_code": CODE,
                "date": "2026-03-05",
                "deaths": 1,
                "serious_injuries": 0,
                "direct_loss_yuan": 0,
                "liable": True,
                "description": "物体打击事故",
                "source": {"document": PENALTY_SHA, "doc_number": "（蓝）应急罚〔2026〕15号"},
            },
        )
        tx.emit(
            "rectification.opened",
            {
                "key": f"{CODE}|（蓝）应急责改〔2026〕3号",
                "credit_code": CODE,
                "order_number": "（蓝）应急责改〔2026〕3号",
                "deadline": "2026-04-10",
                "problems": ["消防通道堵塞", "配电箱未接地"],
                "document": ORDER_SHA,
            },
        )


def _row(
    n: int,
    criterion: str,
    item: dict[str, Any],
    facts: dict[str, Any],
    day: str,
    code: str = CODE,
) -> dict:
    row = record(criterion, n, day=day, code=code)
    row.update(
        evidence=[
            {
                "document": None,
                "doc_number": None,
                "kind": None,
                "accident": None,
                "rectification": None,
                **item,
            }
        ],
        facts=facts,
    )
    return row


def test_the_notice_states_what_happened(root: Path) -> None:
    put_facts(root)
    put_records(
        root,
        _row(
            1,
            "1",
            {
                "kind": "accident",
                "document": PENALTY_SHA,
                "accident": ACCIDENT,
                "doc_number": "（蓝）应急罚〔2026〕15号",
            },
            {"grade": "general", "accident": ACCIDENT},
            "2026-03-05",
        ),
        _row(
            2,
            "3",
            {
                "kind": "penalty_decision",
                "document": PENALTY_SHA,
                "doc_number": "（蓝）应急罚〔2026〕15号",
            },
            {},
            "2026-03-20",
        ),
        _row(
            3,
            "5",
            {
                "kind": "rectification_order",
                "document": ORDER_SHA,
                "rectification": f"{CODE}|（蓝）应急责改〔2026〕3号",
                "doc_number": "（蓝）应急责改〔2026〕3号",
            },
            {"deadline": "2026-04-10"},
            "2026-04-11",
        ),
    )
    found = bl.propose(
        open_(root),
        CODE,
        as_of=date(2026, 4, 20),
        criterion="1",
        records=["R-000000000001", "R-000000000002", "R-000000000003"],
    )
    entry = drive(root, found[0].id or "", "2026-04-21")
    text = _letter(root, entry["stages"][1]["notice"])["facts"]["facts"]
    assert (
        "2026年3月5日发生物体打击事故，造成1人死亡，属一般事故（（蓝）应急罚〔2026〕15号）" in text
    )
    assert "2026年3月20日，你单位未对作业现场进行安全检查，导致发生物体打击事故" in text
    assert "另查明" not in text  # the first sentence of the 违法事实
    assert "（蓝）应急责改〔2026〕3号责令限期整改（消防通道堵塞；配电箱未接地）" in text
    assert "整改期限为2026年4月10日，逾期未完成整改" in text
    assert "R-0000" not in text and "生产经营单位一年内" not in text


def test_the_national_regime_sees_a_penalty_behind_an_accident(root: Path) -> None:
    set_regime(root, "national-2023")
    put_facts(root)
    put_records(
        root,
        _row(
            1,
            "1",
            {"kind": "accident", "document": PENALTY_SHA, "accident": ACCIDENT},
            {"grade": "major", "accident": ACCIDENT},
            "2026-03-05",
        ),
    )
    found = bl.propose(open_(root), as_of=date(2026, 4, 20), dry_run=True)
    assert [p.action for p in found] == ["proposed"], [p.reason for p in found]
    # An accident recorded by hand (no document) is no penalty decision.
    put_records(
        root,
        _row(
            2,
            "1",
            {"kind": "accident", "accident": "A-0000000001"},
            {"grade": "major"},
            "2026-03-06",
            code=OTHER,
        ),
    )
    found = bl.propose(open_(root), OTHER, as_of=date(2026, 4, 20), dry_run=True)
    assert [p.action for p in found] == ["skipped"]
    assert "没有行政处罚决定书" in found[0].reason


def test_a_notice_in_december_is_issued_without_next_year_s_data(
    root: Path, runner, monkeypatch
) -> None:
    """The stranger's case: 告知 on 2026-12-09, no 2027 data. The statement period (12-16) is
    counted; the publication the notice foresees (January 2027) and the end are written as
    a clerk would write them by hand."""
    monkeypatch.setattr(bl, "_today", lambda: date(2026, 12, 9))
    put_records(root, record("3", 1, day="2026-12-01"))
    entry = propose_one(root, date(2026, 12, 8))
    result = invoke(
        runner, "blacklist", "advance", entry["id"], "--date", "2026-12-09", archive=root
    )
    assert result.exit_code == 0, result.stderr
    facts = _letter(root, bl.get_entry(open_(root), entry["id"])["stages"][1]["notice"])["facts"]
    assert facts["statement_deadline"] == "2026年12月16日"
    assert (facts["start_date"], facts["end_date"]) == (
        "信息公布之日",
        "管理期满之日（遇法定节假日顺延）",
    )


def test_standing_reads_a_provisional_end_as_the_blacklist_does(root: Path, monkeypatch) -> None:
    from archive.standing import standing

    entry = _publish(root, "county-2019", monkeypatch)
    entry = drive(root, entry["id"], "2026-09-22", "2026-09-23", "2026-10-01")
    assert entry["ends_on_provisional"]  # nominal end 2027-10-01, no 2027 data

    def agree(day: str) -> str:
        as_of = date.fromisoformat(day)
        from archive.workdays import calendar_for

        archive = open_(root)
        (row,) = standing(archive, CODE, as_of)
        listed = bool(
            bl.active_entries(archive.index(), CODE, as_of, calendar=calendar_for(archive))
        )
        assert (row["standing"] == "blacklisted") == listed, day
        return row["standing"]

    # Without 2027's data, whether the term is over after its nominal end is unknown: in force.
    assert agree("2027-10-02") == "blacklisted"
    # With it, the end rolls off National Day (test data: 10-01…07) to 2027-10-08.
    (root / "holidays.toml").write_text(HOLIDAYS_2027, encoding="utf-8")
    assert agree("2027-10-08") == "blacklisted"
    assert agree("2027-10-09") != "blacklisted"


# -- stranger test 2: regimes, the statement period, one record one live entry ----------------


def _docx_text(path: Path) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(str(path)).paragraphs)


@pytest.mark.parametrize(
    ("decided", "current", "rule", "number", "grade", "expected"),
    [
        # county records → national grounds: through the rule, never the number
        ("county-2019", "national-2023", "penalty_illegal_production", "2", None, "6"),
        ("county-2019", "national-2023", "penalty_major_hazard", "3", None, None),
        ("county-2019", "national-2023", "accident_concealed", "7", None, "4"),
        ("county-2019", "national-2023", "accident_fatal_liable", "1", "larger", None),
        ("county-2019", "national-2023", "accident_fatal_liable", "1", "major", "1"),
        # national records → county grounds
        ("national-2023", "county-2019", "penalty_illegal_production", "6", None, "4"),
        ("national-2023", "county-2019", "accident_concealed", "4", None, "3"),
        ("national-2023", "county-2019", "penalty_unpaid", "8", None, "2"),
        # the same regime: the record's own number
        ("national-2023", "national-2023", "penalty_major_hazard", "8", None, "8"),
    ],
)
def test_a_record_counts_under_the_criterion_its_rule_has_in_the_current_regime(
    root: Path,
    decided: str,
    current: str,
    rule: str,
    number: str,
    grade: str | None,
    expected: str | None,
) -> None:
    put_records(root, record(number, 1, grade=grade, regime=decided, rule=rule))
    set_regime(root, current)
    found = bl.propose(open_(root), as_of=date(2025, 9, 2))
    proposed = [p for p in found if p.action == "proposed"]
    if expected is None:
        assert proposed == [] and bl.list_entries(open_(root)) == []
        (skipped,) = found
        assert skipped.action == "skipped" and skipped.basis == ["R-000000000001"]
        assert rule in skipped.reason and "不属于任何情形" in skipped.reason
        return
    (proposal,) = proposed
    entry = bl.get_entry(open_(root), proposal.id or "")
    criterion = open_(root).settings["rules.regime"]
    assert criterion == current and entry["regime"]["id"] == current
    assert entry["criterion"] == expected and entry["basis"] == ["R-000000000001"]
    from archive.regimes import load_regime

    assert entry["criterion_text"] == load_regime(None, current).blacklist_criterion(expected).text


def test_a_manual_record_of_another_regime_is_not_used_automatically(root: Path, runner) -> None:
    put_records(root, record("2", 1, regime="county-2019", rule="manual"))
    set_regime(root, "national-2023")
    (skipped,) = bl.propose(open_(root), as_of=date(2025, 9, 2))
    assert skipped.action == "skipped" and skipped.id is None
    assert "手工认定" in skipped.reason and "county-2019" in skipped.reason
    assert "--record R-000000000001" in skipped.reason
    assert bl.list_entries(open_(root)) == []
    result = invoke(runner, "blacklist", "propose", "--as-of", "2025-09-02", archive=root)
    assert result.exit_code == 0 and "手工认定" in result.stdout
    # the clerk may still decide it by hand, under the ground they name
    result = invoke(
        runner,
        "blacklist",
        "propose",
        CODE,
        "--criterion",
        "6",
        "--record",
        "R-000000000001",
        "--as-of",
        "2025-09-02",
        archive=root,
    )
    assert result.exit_code == 0, result.stderr
    (entry,) = bl.list_entries(open_(root))
    assert (entry["criterion"], entry["regime"]["id"]) == ("6", "national-2023")


def test_a_record_behind_a_live_entry_starts_no_other_entry(root: Path, runner) -> None:
    put_records(root, record("2", 1, rule="penalty_illegal_production"))  # county 2 → ground 4
    county = propose_one(root, date(2025, 9, 2))
    assert (county["criterion"], county["regime"]["id"]) == ("4", "county-2019")
    set_regime(root, "national-2023")  # the same record would be national ground 6
    found = bl.propose(open_(root), as_of=date(2025, 9, 3))
    assert [(p.action, p.criterion, p.id) for p in found] == [("skipped", "6", county["id"])]
    assert county["id"] in found[0].reason and "R-000000000001" in found[0].reason
    assert len(bl.list_entries(open_(root))) == 1
    # named by hand: refused, naming the entry
    result = invoke(
        runner,
        "blacklist",
        "propose",
        CODE,
        "--criterion",
        "6",
        "--record",
        "R-000000000001",
        "--as-of",
        "2025-09-03",
        archive=root,
    )
    assert result.exit_code == 1 and county["id"] in result.stderr, result.stderr
    assert len(bl.list_entries(open_(root))) == 1
    # listed is live too
    drive(root, county["id"], "2025-09-04", "2025-09-15", "2025-09-16")
    assert bl.get_entry(open_(root), county["id"])["status"] == "listed"
    with pytest.raises(CreditError, match=county["id"]):
        bl.propose(
            open_(root), CODE, as_of=date(2025, 9, 17), criterion="6", records=["R-000000000001"]
        )


def test_a_withdrawn_entry_frees_its_records_for_a_manual_proposal(root: Path) -> None:
    put_records(root, record("2", 1, rule="penalty_illegal_production"))
    county = propose_one(root, date(2025, 9, 2))
    bl.remove(open_(root), county["id"], date=date(2025, 9, 3), reason="陈述申辩理由成立")
    set_regime(root, "national-2023")
    # automatically: a record an earlier entry stood on starts nothing
    assert [p.action for p in bl.propose(open_(root), as_of=date(2025, 9, 4))] == []
    (proposal,) = bl.propose(
        open_(root), CODE, as_of=date(2025, 9, 4), criterion="6", records=["R-000000000001"]
    )
    assert proposal.action == "proposed"


def test_the_notice_cites_the_regime_the_entry_is_decided_under(root: Path) -> None:
    set_regime(root, "national-2023")
    put_records(root, record("6", 1, rule="penalty_illegal_production"))
    entry = propose_one(root, date(2025, 9, 22))
    entry = bl.advance(open_(root), entry["id"], date=date(2025, 9, 23))
    notify = entry["stages"][1]
    facts = _letter(root, notify["notice"])["facts"]
    assert facts["basis"] == "《安全生产严重失信主体名单管理办法》（应急管理部令第11号）"
    assert facts["steps"] == "信息采集—列入前告知—作出列入决定并共享—信息公示—移出名单"
    assert facts["start_date"] == "信息公示之日"
    text = _docx_text(root / notify["file"])
    assert "根据《安全生产严重失信主体名单管理办法》（应急管理部令第11号）的规定" in text
    assert "“信息采集—列入前告知—作出列入决定并共享—信息公示—移出名单”的程序" in text
    assert "实施方案" not in text and "信息交换" not in text
    # the county's entry, in the same archive, still cites the county programme
    set_regime(root, "county-2019")
    put_records(root, record("3", 2, code=OTHER))
    county = propose_one(root, date(2025, 9, 22))
    county = bl.advance(open_(root), county["id"], date=date(2025, 9, 23))
    text = _docx_text(root / county["stages"][1]["file"])
    assert "实施方案》第三部分第（三）项的规定" in text
    assert "“信息采集—信息告知—信息交换—信息公布—信息移出”的程序" in text


def test_an_archive_s_own_notice_without_the_new_variables_still_works(root: Path) -> None:
    import zipfile

    from templates import template_path

    shipped = template_path("notice_blacklist")
    own = root / "templates" / "notice_blacklist.docx"
    own.parent.mkdir(exist_ok=True)
    with zipfile.ZipFile(shipped) as source, zipfile.ZipFile(own, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert "{{ basis }}" in text and "{{ steps }}" in text
                text = text.replace("{{ basis }}", "本县实施方案").replace("{{ steps }}", "五步")
                data = text.encode("utf-8")
            target.writestr(item, data)
    put_records(root, record("3", 1))
    entry = propose_one(root, date(2025, 9, 22))
    entry = bl.advance(open_(root), entry["id"], date=date(2025, 9, 23))
    text = _docx_text(root / entry["stages"][1]["file"])
    assert "根据本县实施方案的规定" in text and "“五步”的程序" in text


def test_publication_waits_for_the_statement_period(root: Path, runner) -> None:
    put_records(root, record("3", 1))
    entry = propose_one(root, date(2025, 9, 22))
    result = invoke(
        runner,
        "blacklist",
        "advance",
        entry["id"],
        "--date",
        "2025-09-23",
        "--to",
        "notify",
        archive=root,
    )
    assert result.exit_code == 0, result.stderr
    notify = bl.get_entry(open_(root), entry["id"])["stages"][1]
    assert notify["statement_deadline"] == "2025-09-29"  # the 告知书's date, 5 working days
    assert _letter(root, notify["notice"])["facts"]["statement_deadline"] == "2025年9月29日"
    for day in ("2025-09-23", "2025-09-29"):  # the last day is the enterprise's
        result = invoke(
            runner,
            "blacklist",
            "advance",
            entry["id"],
            "--date",
            day,
            "--to",
            "exchange",
            "--reason",
            "x",
            archive=root,
        )
        assert result.exit_code == 1, result.stderr
        assert "陈述申辩期限到 2025-09-29" in result.stderr and "--statement-done" in result.stderr
    assert bl.get_entry(open_(root), entry["id"])["stage"] == "notify"
    # recording a waiver needs a reason
    result = invoke(
        runner,
        "blacklist",
        "advance",
        entry["id"],
        "--date",
        "2025-09-24",
        "--statement-done",
        archive=root,
    )
    assert result.exit_code == 2 and "--reason" in result.stderr
    result = invoke(
        runner,
        "blacklist",
        "advance",
        entry["id"],
        "--date",
        "2025-09-24",
        "--statement-done",
        "--reason",
        "单位书面放弃陈述申辩",
        archive=root,
    )
    assert result.exit_code == 0, result.stderr
    exchange = bl.get_entry(open_(root), entry["id"])["stages"][2]
    assert (exchange["stage"], exchange["statement_done"], exchange["reason"]) == (
        "exchange",
        True,
        "单位书面放弃陈述申辩",
    )
    # only when leaving the 告知 stage
    result = invoke(
        runner,
        "blacklist",
        "advance",
        entry["id"],
        "--date",
        "2025-09-25",
        "--statement-done",
        "--reason",
        "x",
        archive=root,
    )
    assert result.exit_code == 2 and "--statement-done" in result.stderr


def test_after_the_statement_period_the_entry_moves_on(root: Path) -> None:
    put_records(root, record("3", 1))
    entry = propose_one(root, date(2025, 9, 22))
    bl.advance(open_(root), entry["id"], date=date(2025, 9, 23))
    entry = bl.advance(open_(root), entry["id"], date=date(2025, 9, 30))
    assert entry["stage"] == "exchange" and "statement_done" not in entry["stages"][-1]
