"""The monthly check against an archive whose truth is known (issue 11, "Must hold").

Six enterprises of three industries under four sections, and those four sections, over the 14
months 2025-10 … 2026-11 (crossing New Year, inside chinesecalendar's data).  Every report is a
filled-in form (tests/monthly_fixtures.py), ingested with ``credit ingest --received DATE``.
Who sent what, when, is written out below; so are the due dates (hand-counted from the State
Council's arrangements, not by the code under test):

- enterprises owe the 诚信履行情况报告表 by the 5th working day of the next month;
- sections owe their material to 政策法规股 by the month's last working day;
- the due dates cross New Year (2026-01-04, a Sunday, is a make-up working day), the Spring
  Festival (2026-02-15 … 23 off; Saturdays 02-14 and 02-28 are working days: the sections' due
  date for February is Saturday 02-28) and National Day (2026-10-01 … 07 off; Saturday 10-10
  works: September's reports are due 10-13).

Each check compares every row of ``credit monthly-check --json`` with the truth: no more rows,
no fewer, and for each its status, received date, days late, document and reason.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import invoke
from tests.helpers import make_code
from tests.monthly_fixtures import write_monthly_report, write_section_submission

pytestmark = pytest.mark.slow

START = "2025-10"
MONTHS = [
    "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04",
    "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11",
]  # fmt: skip
# Hand-counted due dates: month → (enterprises: 5th working day of the next month,
# sections: last working day of the month).
DUE = {
    "2025-10": ("2025-11-07", "2025-10-31"),
    "2025-11": ("2025-12-05", "2025-11-28"),
    "2025-12": ("2026-01-08", "2025-12-31"),  # 01-01…03 off, Sunday 01-04 works
    "2026-01": ("2026-02-06", "2026-01-30"),
    "2026-02": ("2026-03-06", "2026-02-28"),  # Saturday 02-28 is a make-up working day
    "2026-03": ("2026-04-08", "2026-03-31"),  # 清明 04-04…06
    "2026-04": ("2026-05-11", "2026-04-30"),  # 05-01…05 off, Saturday 05-09 works
    "2026-05": ("2026-06-05", "2026-05-29"),
    "2026-06": ("2026-07-07", "2026-06-30"),
    "2026-07": ("2026-08-07", "2026-07-31"),
    "2026-08": ("2026-09-07", "2026-08-31"),
    "2026-09": ("2026-10-13", "2026-09-30"),  # 10-01…07 off, Saturday 10-10 works
    "2026-10": ("2026-11-06", "2026-10-30"),
    "2026-11": ("2026-12-07", "2026-11-30"),
}
SECTIONS = ("非煤矿山股", "危化股", "烟花爆竹股", "工贸股")
TOWN_A, TOWN_B = "塔峰镇", "新圩镇"
# key → (code, name, industry, section, town)
ENTERPRISES = {
    "A1": (make_code(101), "蓝山县甲矿业有限公司", "非煤矿山", "非煤矿山股", TOWN_A),
    "A2": (make_code(102), "蓝山县乙矿业有限公司", "非煤矿山", "非煤矿山股", TOWN_A),
    "B1": (make_code(201), "蓝山县丙化工有限公司", "危险化学品", "危化股", TOWN_B),
    "B2": (make_code(202), "蓝山县丁化工有限公司", "危险化学品", "工贸股", TOWN_B),
    "C1": (make_code(301), "蓝山县戊花炮有限公司", "烟花爆竹", "烟花爆竹股", TOWN_B),
    "C2": (make_code(302), "蓝山县己花炮有限公司", "烟花爆竹", "烟花爆竹股", TOWN_B),
}
B2_CLOSED = "2026-06-15"  # closed mid-year: owes up to 2026-05 (June's due date is after it)
C1_SINCE = "2026-03-16"  # registered mid-month: owes from 2026-04
UNREGISTERED = make_code(999)
EMPTY_TOPIC = "安全投入"


def owes(key: str, month: str) -> bool:
    if key == "B2":
        return month <= "2026-05"
    if key == "C1":
        return month >= "2026-04"
    return True


# What was sent, beyond "every owing enterprise's report of each month, received on its due
# date" and "every section's material, received on its due date":
# (who, period written on the form, received, options); "skip" replaces the ordinary one.
SPECIAL: list[tuple[str, str, str, dict[str, Any]]] = [
    # B1 sends November incomplete, then complete (late: 12-08, 09, 10 → 3 working days)
    ("B1", "2025-11", "2025-12-03", {"empty": (EMPTY_TOPIC,), "skip": True, "tag": "b1-nov-1"}),
    ("B1", "2025-11", "2025-12-10", {"tag": "b1-nov-2"}),
    # A2 writes 2025年12月 on January's report: January stays missing, December has a duplicate
    ("A2", "2025-12", "2026-02-04", {"skip_month": "2026-01", "tag": "a2-wrong", "note": "二"}),
    # C2's January report comes after the Spring Festival: 8 working days late
    ("C2", "2026-01", "2026-02-25", {"skip": True, "tag": "c2-jan"}),
    # A1 sends March twice (the earlier complete one counts)
    ("A1", "2026-03", "2026-04-02", {"tag": "a1-mar-early", "note": "补"}),
    # B1's April report is never signed
    ("B1", "2026-04", "2026-05-11", {"signed": False, "skip": True, "tag": "b1-apr"}),
    # B1 sends August a day late, September the day before the due date
    ("B1", "2026-08", "2026-09-08", {"skip": True, "tag": "b1-aug"}),
    ("B1", "2026-09", "2026-10-12", {"skip": True, "tag": "b1-sep"}),
    # C2 sends September on the make-up Saturday, A2 a working day after the due date
    ("C2", "2026-09", "2026-10-10", {"skip": True, "tag": "c2-sep"}),
    ("A2", "2026-09", "2026-10-14", {"skip": True, "tag": "a2-sep"}),
    # A1 sends November early; November is not due yet on 2026-12-01
    ("A1", "2026-11", "2026-11-30", {"skip": True, "tag": "a1-nov"}),
    # a report of a code that is not in the register
    ("X", "2026-02", "2026-03-02", {"tag": "unregistered"}),
    # sections in February: 非煤矿山股 early, 危化股 on the make-up Saturday, 工贸股 on Monday
    # 03-02 (1 working day late), 烟花爆竹股 never
    ("非煤矿山股", "2026-02", "2026-02-27", {"skip": True, "tag": "s-mine-feb"}),
    ("危化股", "2026-02", "2026-02-28", {"skip": True, "tag": "s-chem-feb"}),
    ("工贸股", "2026-02", "2026-03-02", {"skip": True, "tag": "s-trade-feb"}),
    ("烟花爆竹股", "2026-02", "", {"skip": True}),
]


def _skipped() -> set[tuple[str, str]]:
    skipped = set()
    for who, period, _received, options in SPECIAL:
        if options.get("skip"):
            skipped.add((who, period))
        if options.get("skip_month"):
            skipped.add((who, options["skip_month"]))
    return skipped


def _sent() -> list[tuple[str, str, str, dict[str, Any]]]:
    """Every document sent: (who, period, received, options)."""
    skipped = _skipped()
    sent = []
    for month in MONTHS[:-1]:  # November is not due on the last as-of date
        for key in ENTERPRISES:
            if owes(key, month) and (key, month) not in skipped:
                sent.append((key, month, DUE[month][0], {"tag": f"{key}-{month}"}))
    for month in MONTHS:
        for section in SECTIONS:
            if (section, month) not in skipped:
                sent.append((section, month, DUE[month][1], {"tag": f"{section}-{month}"}))
    sent += [item for item in SPECIAL if item[2]]
    return sent


@pytest.fixture(scope="module")
def truth_archive(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The archive, and each document's tag → SHA-256."""
    import hashlib

    from click.testing import CliRunner

    root = tmp_path_factory.mktemp("truth")
    archive = root / "档案"
    runner = CliRunner()
    assert invoke(runner, "init", str(archive), "--start", START).exit_code == 0
    settings = archive / "credit.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        + '\n[[monthly.requirements]]\nname = "诚信履行情况报告表"\nwho = "enterprise"\n'
        '\n[[monthly.requirements]]\nname = "诚信体系建设资料"\nwho = "section"\n'
        f"sections = {json.dumps(list(SECTIONS), ensure_ascii=False)}\n",
        encoding="utf-8",
    )
    for key, (code, name, industry, section, town) in ENTERPRISES.items():
        args = ["enterprise", "add", code, "--name", name, "--industry", industry]
        args += ["--section", section, "--town", town]
        if key == "C1":
            args += ["--since", C1_SINCE]
        result = invoke(runner, *args, archive=archive)
        assert result.exit_code == 0, result.stderr
    shas: dict[str, str] = {}
    by_date: dict[str, list[Path]] = {}
    for number, (who, period, received, options) in enumerate(_sent()):
        folder = root / "收件" / received
        name = f"{number:03d}.docx"
        if who in SECTIONS:
            path = write_section_submission(folder / name, section=who, period=period)
        else:
            code, company = (UNREGISTERED, "蓝山县无名公司") if who == "X" else ENTERPRISES[who][:2]
            path = write_monthly_report(
                folder / name,
                code=code,
                name=company,
                period=period,
                empty=options.get("empty", ()),
                signed=options.get("signed", True),
                note=options.get("note", ""),
            )
        shas[options["tag"]] = hashlib.sha256(path.read_bytes()).hexdigest()
        by_date.setdefault(received, []).append(path)
    for received in sorted(by_date):
        result = invoke(
            runner, "ingest", str(root / "收件" / received), "--received", received,
            "--jobs", "1", "--nl", archive=archive,
        )  # fmt: skip
        assert result.exit_code in (0, 10), result.stdout + result.stderr
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        statuses = {row["status"] for row in rows}
        assert statuses <= {"ingested", "unmatched"}, rows
    result = invoke(
        runner, "enterprise", "close", ENTERPRISES["B2"][0], "--reason", "停产关闭",
        "--date", B2_CLOSED, archive=archive,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return archive, shas


def _check(archive: Path, *args: str) -> tuple[int, dict[str, Any]]:
    from click.testing import CliRunner

    result = invoke(CliRunner(), "monthly-check", *args, "--json", archive=archive)
    assert result.exit_code in (0, 10), result.stderr
    return result.exit_code, json.loads(result.stdout)


def _who(row: dict[str, Any]) -> str:
    if row["kind"] == "section":
        return row["section"]
    for key, (code, *_rest) in ENTERPRISES.items():
        if code == row["credit_code"]:
            return key
    assert row["credit_code"] == UNREGISTERED, row
    return "X"


def _expected(month: str, as_of: str, **exceptions: Any) -> dict[str, dict[str, Any]]:
    """Every row of ``month`` at ``as_of``: on time on the due date unless ``exceptions`` says
    otherwise (who → the row's fields, or None: no row at all)."""
    truth: dict[str, dict[str, Any]] = {}
    due_e, due_s = DUE[month]
    for key in ENTERPRISES:
        if owes(key, month) and as_of >= due_e:
            truth[key] = {"status": "on_time", "received_on": due_e, "tag": f"{key}-{month}"}
        elif owes(key, month):
            truth[key] = {"status": "not_due"}
    for section in SECTIONS:
        if as_of >= due_s:
            truth[section] = {
                "status": "on_time",
                "received_on": due_s,
                "tag": f"{section}-{month}",
            }
        else:
            truth[section] = {"status": "not_due"}
    for who, row in exceptions.items():
        who = {"S_MINE": "非煤矿山股", "S_CHEM": "危化股", "S_FIRE": "烟花爆竹股"}.get(who, who)
        who = {"S_TRADE": "工贸股"}.get(who, who)
        if row is None:
            truth.pop(who, None)
        else:
            truth[who] = row
    return truth


def _compare(
    report: dict[str, Any], truth: dict[str, dict[str, Any]], shas: dict[str, str]
) -> None:
    seen = {}
    for row in report["rows"]:
        who = _who(row)
        assert who not in seen, f"two rows for {who}"
        seen[who] = row
    assert set(seen) == set(truth), (sorted(seen), sorted(truth))
    for who, want in truth.items():
        row = seen[who]
        assert row["status"] == want["status"], (who, row)
        assert row["received_on"] == want.get("received_on"), (who, row)
        assert row["days_late"] == want.get("days_late"), (who, row)
        tag = want.get("tag")
        if want["status"] in ("on_time", "late", "incomplete", "unregistered"):
            assert row["document"]["sha256"] == shas[tag], (who, row)
        else:
            assert row["document"] is None, (who, row)
        assert row["duplicates"] == [shas[t] for t in want.get("duplicates", [])], (who, row)
        for text in want.get("reason", ()):
            assert text in row["reason"], (who, row["reason"], text)
        # a report for another month is named only where the truth says (exactly: A2's
        # mislabelled January report on January's row, nowhere else -- not C2's late January
        # report on February's, not the ordinary reports of the month before)
        if "报告期间为" in row["reason"]:
            assert any("报告期间为" in text for text in want.get("reason", ())), (who, row)
        if "topics_missing" in want:
            assert row["topics_missing"] == want["topics_missing"], (who, row)
        if "signed" in want:
            assert row["signed"] is want["signed"], (who, row)
        if row["kind"] == "enterprise" and who != "X":
            _code, name, industry, section, town = ENTERPRISES[who]
            assert (row["name"], row["industry"], row["section"], row["town"]) == (
                name,
                industry,
                section,
                town,
            )
        if want["status"] not in ("not_owed", "unregistered"):
            due_e, due_s = DUE[report["month"]]
            assert row["due"] == (due_s if who in SECTIONS else due_e), (who, row)


CHECKS = [
    # the start month: everybody on time
    pytest.param("2025-10", "2025-11-20", {}, 0, id="start-month"),
    # B1's November: only the incomplete one is in on 12-08 (1 working day after 12-05)
    pytest.param(
        "2025-11",
        "2025-12-08",
        {
            "B1": {
                "status": "incomplete",
                "received_on": "2025-12-03",
                "days_late": 1,
                "tag": "b1-nov-1",
                "topics_missing": [EMPTY_TOPIC],
                "reason": ("栏目未填：安全投入",),
            }
        },
        10,
        id="incomplete",
    ),
    # … and the complete one came on 12-10: late by 3 working days; the first is a duplicate
    pytest.param(
        "2025-11",
        "2025-12-31",
        {
            "B1": {
                "status": "late",
                "received_on": "2025-12-10",
                "days_late": 3,
                "tag": "b1-nov-2",
                "duplicates": ["b1-nov-1"],
                "topics_missing": [],
                "reason": ("晚 3 个工作日",),
            }
        },
        0,
        id="late-after-incomplete",
    ),
    # New Year: due 01-08 (Sunday 01-04 worked); A2's mislabelled report not yet received
    pytest.param("2025-12", "2026-01-20", {}, 0, id="new-year"),
    pytest.param(
        "2025-12",
        "2026-03-01",
        {
            "A2": {
                "status": "on_time",
                "received_on": "2026-01-08",
                "tag": "A2-2025-12",
                "duplicates": ["a2-wrong"],
                "reason": ("重复",),
            }
        },
        0,
        id="duplicate-of-wrong-month",
    ),
    # Spring Festival: on 02-20, 6 working days after 02-06 (02-09…13 and Saturday 02-14)
    pytest.param(
        "2026-01",
        "2026-02-20",
        {
            "C2": {"status": "missing", "days_late": 6},
            "A2": {"status": "missing", "days_late": 6, "reason": ("报告期间为 2025-12",)},
        },
        10,
        id="spring-festival-missing",
    ),
    pytest.param(
        "2026-01",
        "2026-03-01",
        {
            "C2": {
                "status": "late",
                "received_on": "2026-02-25",
                "days_late": 8,
                "tag": "c2-jan",
            },
            "A2": {"status": "missing", "days_late": 11, "reason": ("报告期间为 2025-12",)},
        },
        10,
        id="spring-festival-late-and-wrong-month",
    ),
    # February: the sections' due date is the make-up Saturday 02-28; an unregistered code
    pytest.param(
        "2026-02",
        "2026-03-10",
        {
            "S_MINE": {"status": "on_time", "received_on": "2026-02-27", "tag": "s-mine-feb"},
            "S_CHEM": {"status": "on_time", "received_on": "2026-02-28", "tag": "s-chem-feb"},
            "S_TRADE": {
                "status": "late",
                "received_on": "2026-03-02",
                "days_late": 1,
                "tag": "s-trade-feb",
            },
            "S_FIRE": {"status": "missing", "days_late": 7},
            "X": {
                "status": "unregistered",
                "received_on": "2026-03-02",
                "tag": "unregistered",
                "reason": ("不在名册中",),
            },
        },
        10,
        id="make-up-saturday-and-unregistered",
    ),
    # March: A1's duplicate; C1 came under supervision on 03-16
    pytest.param(
        "2026-03",
        "2026-04-20",
        {
            "A1": {
                "status": "on_time",
                "received_on": "2026-04-02",
                "tag": "a1-mar-early",
                "duplicates": ["A1-2026-03"],
            },
            "C1": {"status": "not_owed", "reason": ("2026-03-16 纳入监管", "2026-04")},
        },
        0,
        id="duplicate-and-registered-mid-month",
    ),
    pytest.param(
        "2026-04",
        "2026-06-01",
        {
            "B1": {
                "status": "incomplete",
                "received_on": "2026-05-11",
                "days_late": 15,
                "tag": "b1-apr",
                "signed": False,
                "topics_missing": [],
                "reason": ("未签字",),
            }
        },
        10,
        id="unsigned",
    ),
    pytest.param(
        "2026-06",
        "2026-07-10",
        {"B2": {"status": "not_owed", "reason": ("2026-06-15 注销",)}},
        0,
        id="closed-mid-year",
    ),
    pytest.param("2026-07", "2026-08-20", {}, 0, id="after-closing"),
    pytest.param(
        "2026-08",
        "2026-09-20",
        {"B1": {"status": "late", "received_on": "2026-09-08", "days_late": 1, "tag": "b1-aug"}},
        0,
        id="late-one-day",
    ),
    # National Day: on 10-09 September's reports are not due yet (10-13); the sections' are
    pytest.param("2026-09", "2026-10-09", {}, 0, id="national-day-not-due"),
    pytest.param(
        "2026-09",
        "2026-10-20",
        {
            "B1": {"status": "on_time", "received_on": "2026-10-12", "tag": "b1-sep"},
            "C2": {"status": "on_time", "received_on": "2026-10-10", "tag": "c2-sep"},
            "A2": {"status": "late", "received_on": "2026-10-14", "days_late": 1, "tag": "a2-sep"},
        },
        0,
        id="national-day-make-up-saturday",
    ),
    pytest.param(
        "2026-11",
        "2026-12-01",
        {"A1": {"status": "on_time", "received_on": "2026-11-30", "tag": "a1-nov"}},
        0,
        id="not-due-yet",
    ),
]


@pytest.mark.parametrize(("month", "as_of", "exceptions", "code"), CHECKS)
def test_monthly_check_reports_exactly_the_known_truth(
    truth_archive, month: str, as_of: str, exceptions: dict, code: int
) -> None:
    archive, shas = truth_archive
    exit_code, report = _check(archive, "--month", month, "--as-of", as_of)
    assert (report["month"], report["as_of"], report["start"]) == (month, as_of, START)
    truth = _expected(month, as_of, **exceptions)
    _compare(report, truth, shas)
    assert exit_code == code
    # the totals add up to the rows
    everything = report["totals"][-1]
    assert everything["by"] == "all"
    for status in ("on_time", "late", "missing", "incomplete", "not_due", "not_owed"):
        assert everything[status] == sum(1 for r in truth.values() if r["status"] == status)


def test_default_month_filters_and_totals(truth_archive) -> None:
    archive, _shas = truth_archive
    # on 12-01 November's reports are not due (12-07): the default is October
    _code, report = _check(archive, "--as-of", "2026-12-01")
    assert report["month"] == "2026-10"
    _code, report = _check(archive, "--month", "2026-01", "--as-of", "2026-03-01")
    totals = {(t["by"], t["name"]): t for t in report["totals"]}
    assert totals[("industry", "非煤矿山")]["missing"] == 1  # A2
    assert totals[("industry", "烟花爆竹")]["late"] == 1  # C2
    assert totals[("section", "非煤矿山股")]["submission"] == "on_time"
    assert totals[("all", None)]["needs_action"] == 1
    _code, report = _check(
        archive, "--month", "2026-01", "--as-of", "2026-03-01", "--section", "危化股"
    )
    assert sorted(_who(row) for row in report["rows"]) == ["B1", "危化股"]
    _code, report = _check(
        archive, "--month", "2026-01", "--as-of", "2026-03-01", "--industry", "烟花爆竹"
    )
    assert sorted(_who(row) for row in report["rows"]) == ["C2"]  # C1 owes from April
    code, report = _check(archive, "--month", "2026-01", "--as-of", "2026-03-01", "--town", TOWN_A)
    assert sorted(_who(row) for row in report["rows"]) == ["A1", "A2"]
    assert code == 10


def test_outstanding_and_history_agree_with_the_truth(truth_archive) -> None:
    from archive import monthly
    from archive.store import Archive

    archive, _shas = truth_archive
    opened = Archive.open(archive)
    gaps = {
        (_who(row), row["month"], row["status"])
        for row in monthly.outstanding(opened, date(2026, 12, 1))
    }
    assert gaps == {
        ("A2", "2026-01", "missing"),
        ("B1", "2026-04", "incomplete"),
        ("烟花爆竹股", "2026-02", "missing"),
    }
    history = monthly.history(opened, ENTERPRISES["C1"][0], date(2026, 12, 1))
    assert [item["month"] for item in history][:2] == ["2026-01", "2026-02"]
    assert [item["status"] for item in history] == [
        *["not_owed"] * 3,  # 2026-01 … 2026-03
        *["on_time"] * 7,  # 2026-04 … 2026-10
        *["not_due"] * 2,  # 2026-11, 2026-12
    ]
    history = monthly.history(opened, ENTERPRISES["B2"][0], date(2026, 12, 1), months=16)
    assert [item["status"] for item in history] == [
        "not_owed",  # 2025-09: before the start
        *["on_time"] * 8,  # 2025-10 … 2026-05
        *["not_owed"] * 7,  # 2026-06 (closed on 06-15, before the due date) … 2026-12
    ]
