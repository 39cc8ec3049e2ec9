"""催报 in one batch: `credit monthly-check --remind` issues one reminder per gap through the
letters machinery, never twice for the same gap without --reissue."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import reminders
from archive.letters.catalog import MONTHLY_REPORT_TOPICS
from archive.letters.issue import LETTERS_TABLE
from archive.store import Archive
from tests.conftest import invoke
from tests.helpers import index_bytes, index_tables
from tests.test_monthly import _add, _report
from tests.test_monthly import _archive as monthly_archive

MONTH = "2026-05"
AS_OF = date(2026, 6, 10)
COMMON = ("--month", MONTH, "--as-of", AS_OF.isoformat())
SECTIONS = ["危化股", "非煤矿山股", "政策法规股"]  # two owe material: a small batch


def _archive(tmp_path: Path, extra: str = "") -> Archive:
    made = monthly_archive(tmp_path, extra=extra)
    path = made.root / "credit.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("sections = [")
    end = text.index("\n", start)
    sections = json.dumps(SECTIONS, ensure_ascii=False)
    path.write_text(f"{text[:start]}sections = {sections}{text[end:]}", encoding="utf-8")
    return Archive.open(made.root)


def _submission(archive: Archive, section: str, period: str, received: str, items=("台账",)):
    sha = hashlib.sha256(f"{section}{period}{received}{items}".encode()).hexdigest()
    with archive.transaction() as tx:
        tx.emit(
            "document.ingested",
            {
                "sha256": sha,
                "kind": "section_submission",
                "original_name": f"{sha[:6]}.docx",
                "stored": f"files/sections/{sha[:6]}.docx",
                "credit_codes": [],
                "section": section,
                "matched_by": "section",
                "fields": {"period": period, "items": list(items), "section": section},
                "enterprises": [],
                "received_on": received,
                "fact_events": True,
            },
        )


@pytest.fixture
def gaps(tmp_path: Path) -> tuple[Archive, dict[str, str]]:
    """Five enterprises for May 2026: on time, late, missing, two topics empty, unsigned; the
    危化股 sent its material, the 非煤矿山股 did not."""
    archive = _archive(tmp_path)
    codes = {
        name: _add(archive, n)
        for n, name in enumerate(("on_time", "late", "missing", "empty", "unsigned"))
    }
    _report(archive, codes["on_time"], MONTH, "2026-06-01")
    _report(archive, codes["late"], MONTH, "2026-06-09")
    _report(archive, codes["empty"], MONTH, "2026-06-02", empty=("安全投入", "应急管理"))
    _report(archive, codes["unsigned"], MONTH, "2026-06-02", signed=False)
    _submission(archive, "危化股", MONTH, "2026-05-29")
    return Archive.open(archive.root), codes


def _letters(archive: Archive) -> list[dict]:
    table = Archive.open(archive.root).index().table(LETTERS_TABLE)
    return [table.record(serial) for serial in sorted(table.ids())]


def test_the_requests_name_what_is_missing(gaps) -> None:
    archive, codes = gaps
    from archive.monthly import check

    requests = reminders.reminder_requests(archive, check(archive, MONTH, AS_OF), year=2026)
    by_owner = {r.credit_code or r.section: r for r in requests}
    assert set(by_owner) == {codes["missing"], codes["empty"], codes["unsigned"], "非煤矿山股"}
    assert by_owner[codes["missing"]].facts["missing"] == ["安全生产诚信履行情况报告表（未报送）"]
    assert by_owner[codes["empty"]].facts["missing"] == [
        "安全生产诚信履行情况报告表：“安全投入”栏目未填写",
        "安全生产诚信履行情况报告表：“应急管理”栏目未填写",
    ]
    assert by_owner[codes["unsigned"]].facts["missing"] == [
        "安全生产诚信履行情况报告表：未签字（或未填日期）"
    ]
    section = by_owner["非煤矿山股"]
    assert section.template == "notice_monthly_reminder_section"
    assert section.facts["missing"] == ["诚信体系建设资料（未报送）"]
    # the period as the notice prints it; the deadline 5 working days after 06-10 (Wed)
    assert section.facts["period"] == "2026年5月"
    assert section.facts["deadline"] == "2026年6月17日"
    # the deadline is not part of what makes the letter the same
    later = reminders.reminder_requests(
        archive, check(archive, MONTH, date(2026, 6, 12)), year=2026
    )
    assert [r.key for r in later] == [r.key for r in requests]
    assert later[0].facts["deadline"] != requests[0].facts["deadline"]


def test_an_incomplete_section_submission_names_the_shortfall(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    _submission(archive, "危化股", MONTH, "2026-05-29", items=())
    _submission(archive, "非煤矿山股", MONTH, "2026-05-29")
    from archive.monthly import check

    archive = Archive.open(archive.root)
    (request,) = reminders.reminder_requests(archive, check(archive, MONTH, AS_OF), year=2026)
    assert request.section == "危化股"
    assert request.facts["missing"] == ["诚信体系建设资料：所列资料不足 1 项"]


def test_remind_issues_once_then_nothing_then_again_with_reissue(runner, gaps) -> None:
    archive, codes = gaps
    root = archive.root
    out = root / "催报"
    dry = invoke(
        runner, "monthly-check", *COMMON, "--remind", "--dry-run", "--out", str(out), archive=root
    )
    assert dry.exit_code == 10, dry.output
    assert "将生成" in dry.stdout and "未报送" in dry.stdout and "安全投入" in dry.stdout
    assert not out.exists() and _letters(archive) == []

    first = invoke(
        runner, "monthly-check", *COMMON, "--remind", "--json", "--out", str(out), archive=root
    )
    assert first.exit_code == 10, first.output  # issued; the gaps are still there
    data = json.loads(first.stdout)
    assert data["check"]["month"] == MONTH
    issued = [row for row in data["letters"] if row["status"] == "issued"]
    assert len(issued) == 4
    assert {row["credit_code"] for row in issued} == {
        codes["missing"],
        codes["empty"],
        codes["unsigned"],
        None,
    }
    assert all((root / row["file"]).exists() for row in issued)
    assert (out / "manifest.json").exists()
    letters = _letters(archive)
    assert {letter["template"] for letter in letters} == {
        "notice_monthly_reminder_enterprise",
        "notice_monthly_reminder_section",
    }
    before = index_tables(root)
    assert invoke(runner, "reindex", archive=root).exit_code == 0
    once = index_bytes(root)
    assert invoke(runner, "reindex", archive=root).exit_code == 0
    assert index_bytes(root) == once
    for table in (LETTERS_TABLE, "letter_keys", "serial_counters"):
        assert index_tables(root)[table] == before[table]

    # two days later: the same gaps, a later deadline -- nothing new
    later = ("--month", MONTH, "--as-of", "2026-06-12")
    second = invoke(runner, "monthly-check", *later, "--remind", "--json", archive=root)
    assert second.exit_code == 10
    rows = json.loads(second.stdout)["letters"]
    assert {row["status"] for row in rows} == {"already_issued"}
    assert {row["serial"] for row in rows} == {row["serial"] for row in issued}
    assert len(_letters(archive)) == 4
    # the rows show the deadline the issued letters give, not one counted from today
    assert {row["deadline"] for row in rows} == {row["deadline"] for row in issued}

    again = invoke(runner, "monthly-check", *later, "--remind", "--reissue", "--json", archive=root)
    assert again.exit_code == 10
    rows = json.loads(again.stdout)["letters"]
    assert {row["status"] for row in rows} == {"issued"}
    assert {row["reissue_of"] for row in rows} == {row["serial"] for row in issued}
    assert len(_letters(archive)) == 8
    assert {letter["facts"]["deadline"] for letter in _letters(archive)} == {
        "2026年6月17日",
        "2026年6月22日",  # from Friday 06-12: 15, 16, 17, 18 and (19 is 端午节) 22
    }


def test_a_changed_gap_is_a_new_notice(runner, gaps) -> None:
    archive, codes = gaps
    root = archive.root
    assert invoke(runner, "monthly-check", *COMMON, "--remind", archive=root).exit_code == 10
    # the missing report arrives, but incomplete: a different gap
    _report(archive, codes["missing"], MONTH, "2026-06-10", empty=("安全培训",))
    result = invoke(runner, "monthly-check", *COMMON, "--remind", "--json", archive=root)
    rows = {row["credit_code"]: row for row in json.loads(result.stdout)["letters"]}
    assert rows[codes["missing"]]["status"] == "issued"
    assert rows[codes["missing"]]["missing"] == ["安全生产诚信履行情况报告表：“安全培训”栏目未填写"]
    assert rows[codes["empty"]]["status"] == "already_issued"


def test_nothing_to_remind_exits_0(runner, tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    code = _add(archive, 0)
    _report(archive, code, MONTH, "2026-06-01")
    _submission(archive, "危化股", MONTH, "2026-05-29")
    _submission(archive, "非煤矿山股", MONTH, "2026-05-29")
    result = invoke(runner, "monthly-check", *COMMON, "--remind", archive=archive.root)
    assert result.exit_code == 0, result.output
    assert "没有需要催报" in result.stderr
    assert _letters(archive) == []


def test_a_failed_letter_exits_3(runner, gaps, monkeypatch) -> None:
    archive, _codes = gaps
    from archive.letters import issue

    real = issue._render_to_file

    def broken(args):
        return ("磁头坏了", False) if "非煤矿山股" in str(args) else real(args)

    monkeypatch.setattr(issue, "_render_to_file", broken)
    result = invoke(runner, "monthly-check", *COMMON, "--remind", "--json", archive=archive.root)
    statuses = [row["status"] for row in json.loads(result.stdout)["letters"]]
    assert "failed" in statuses, statuses
    assert result.exit_code == 3


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--dry-run",), "--remind"),
        (("--reissue",), "--remind"),
        (("--remind", "--csv"), "--json"),
        (("--remind", "--date", "2026-13-01"), "2026-13-01"),
        # a reminder dated before the check it follows (hold-out: it also dodged "once a gap")
        (("--remind", "--dry-run", "--date", "2020-01-01"), "不早于核对日期"),
    ],
)
def test_bad_option_combinations(runner, gaps, args, named) -> None:
    archive, _codes = gaps
    result = invoke(runner, "monthly-check", *COMMON, *args, archive=archive.root)
    assert result.exit_code == 2 and named in result.output


def test_the_remind_deadline_is_configurable(tmp_path: Path) -> None:
    archive = _archive(tmp_path, extra="\n[monthly]\nremind_workdays = 1\n")
    assert reminders.reminder_deadline(archive, AS_OF) == date(2026, 6, 11)
    from archive.errors import CreditError

    with pytest.raises(CreditError, match="remind_workdays"):
        _archive(tmp_path / "bad", extra="\n[monthly]\nremind_workdays = 0\n")


KINDS = st.sampled_from(["on_time", "late", "missing", "unsigned", "empty"])
TOPICS = st.sets(st.sampled_from(MONTHLY_REPORT_TOPICS), min_size=1, max_size=3)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cases=st.lists(st.tuples(KINDS, TOPICS), min_size=1, max_size=4))
def test_one_reminder_per_gap_naming_exactly_what_is_missing(tmp_path_factory, cases) -> None:
    archive = _archive(tmp_path_factory.mktemp("a"))
    _submission(archive, "危化股", MONTH, "2026-05-29")
    _submission(archive, "非煤矿山股", MONTH, "2026-05-29")
    expected = {}
    for n, (kind, topics) in enumerate(cases):
        code = _add(archive, n)
        name = "安全生产诚信履行情况报告表"
        if kind == "missing":
            expected[code] = [f"{name}（未报送）"]
            continue
        empty = tuple(t for t in MONTHLY_REPORT_TOPICS if t in topics) if kind == "empty" else ()
        received = "2026-06-09" if kind == "late" else "2026-06-02"
        _report(archive, code, MONTH, received, empty=empty, signed=kind != "unsigned")
        if kind == "empty":
            expected[code] = [f"{name}：“{topic}”栏目未填写" for topic in empty]
        elif kind == "unsigned":
            expected[code] = [f"{name}：未签字（或未填日期）"]
    from archive.monthly import check

    archive = Archive.open(archive.root)
    requests = reminders.reminder_requests(archive, check(archive, MONTH, AS_OF), year=2026)
    assert {r.credit_code: r.facts["missing"] for r in requests} == expected
    assert len({r.key for r in requests}) == len(requests)
