"""credit demo: the sample roster, the library function and the command's walk-through."""

from __future__ import annotations

import json
import shlex
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import uscc
from archive.demo import (
    ROSTER_NAME,
    SAMPLES_FOLDER,
    TOWNS,
    DemoResult,
    build_demo,
    demo_roster,
    demo_summary,
    write_demo_roster,
)
from archive.enterprises import CLOSED, get_enterprise, list_enterprises
from archive.errors import CreditError
from archive.roster import read_roster
from archive.settings import DEFAULT_INDUSTRIES
from archive.store import Archive
from cli.main import cli

SECTION_OF = {
    "非煤矿山": "非煤矿山股",
    "危险化学品": "危化股",
    "烟花爆竹": "烟花爆竹股",
    "冶金": "工贸股",
    "其他工贸": "工贸股",
}


# -- the roster ------------------------------------------------------------------------------


def test_roster_is_deterministic_for_a_seed() -> None:
    assert demo_roster() == demo_roster()
    assert demo_roster(seed=7) == demo_roster(seed=7)
    assert demo_roster(seed=7) != demo_roster()


def test_roster_is_a_plausible_county() -> None:
    rows = demo_roster()
    assert len(rows) == 60
    codes = [row["credit_code"] for row in rows]
    assert len(set(codes)) == 60
    assert len({row["name"] for row in rows}) == 60
    for row in rows:
        code = row["credit_code"]
        assert uscc.validate(code) == code
        assert code.startswith("91431127")
        assert uscc.warnings(code) == []  # organisation code check right too
        assert row["section"] == SECTION_OF[row["industry"]]
        assert row["town"] in TOWNS
        assert row["name"].startswith("蓝山县")
        assert row["address"]
        assert row["legal_representative"]
        assert row["phone"].startswith("0746-22") and len(row["phone"]) == 12
    per_industry = Counter(row["industry"] for row in rows)
    assert set(per_industry) == set(DEFAULT_INDUSTRIES)
    assert all(count >= 5 for count in per_industry.values())


@pytest.mark.parametrize("count", [1, 7, 3000])
def test_roster_size_follows_count(count: int) -> None:
    rows = demo_roster(count)
    assert len(rows) == count
    assert len({row["credit_code"] for row in rows}) == count
    assert len({row["name"] for row in rows}) == count


def test_written_roster_reads_back(tmp_path: Path) -> None:
    rows = demo_roster(12)
    path = write_demo_roster(tmp_path / "sub" / "名册.xlsx", rows)
    roster = read_roster(path)
    assert roster.ok, roster.problems
    assert roster.header_row == 2  # the title row is above the headers
    assert roster.ignored_columns == []
    assert [row.values for row in roster.rows] == rows


# -- the library -----------------------------------------------------------------------------


def test_build_demo(tmp_path: Path) -> None:
    result = build_demo(tmp_path / "演示")
    assert isinstance(result, DemoResult)
    assert [step.name for step in result.steps] == [
        "create_archive",
        "write_roster",
        "import_roster",
        "update_phone",
        "close_enterprise",
        "issue_commitments",
        "returned_batch",
        "ingest",
    ]
    assert result.roster_path == result.archive.root / SAMPLES_FOLDER / ROSTER_NAME
    assert result.roster_path.is_file()
    assert result.import_report.committed and result.import_report.count("add") == 60

    archive = Archive.open(tmp_path / "演示")
    records = list_enterprises(archive, status=None)
    assert len(records) == 60
    closed = [record for record in records if record["status"] == CLOSED]
    assert [record["credit_code"] for record in closed] == [result.closed_code]
    assert closed[0]["close_reason"] == "已关闭"
    shown = get_enterprise(archive, result.showcase_code)
    assert shown["industry"] == result.showcase_industry
    assert [item["type"] for item in shown["history"]][:3] == [
        "enterprise.added",
        "enterprise.updated",
        "letter.issued",
    ]
    assert {item["actor"] for item in shown["history"]} == {"演示"}

    summary = demo_summary(result)
    assert summary["enterprises"] == {"total": 60, "active": 59, "closed": 1}
    # created + 60 added + update + close, serials reserved + 14 letters issued,
    # then 9 documents ingested and 1 left unmatched in the inbox; the facts of the 9 are
    # events of their own: 8 letters returned, 1 rectification opened
    assert summary["audit"] == {"ok": True, "events": 63 + 1 + 14 + 9 + 1 + 8 + 1}
    facts = Counter(entry["type"] for entry in result.archive.journal.iter_entries())
    assert (facts["letter.returned"], facts["rectification.opened"]) == (8, 1)
    ingest_step = next(step for step in result.steps if step.name == "ingest")
    assert ingest_step.details["counts"] == {"ingested": 9, "unmatched": 1, "failed": 0}
    letters = [
        letter for letter in get_enterprise(archive, result.showcase_code).get("letters", [])
    ]
    assert letters  # the showcase enterprise was sent a letter
    json.dumps(summary)  # plain data


@pytest.mark.slow
def test_build_demo_refuses_an_archive_and_leaves_it_alone(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    build_demo(folder)
    journal = (folder / "journal.jsonl").read_bytes()
    with pytest.raises(CreditError) as caught:
        build_demo(folder)
    assert str(folder) in caught.value.message
    assert caught.value.exit_code == 1
    assert "删除" in (caught.value.hint or "")
    assert (folder / "journal.jsonl").read_bytes() == journal


def test_build_demo_refuses_a_folder_with_other_files(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "报告.docx").write_bytes(b"x")
    with pytest.raises(CreditError) as caught:
        build_demo(folder)
    assert "删除" not in (caught.value.hint or "")  # never suggest deleting someone's files
    assert sorted(path.name for path in folder.iterdir()) == ["报告.docx"]


@pytest.mark.slow
def test_build_demo_accepts_an_empty_folder(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    assert build_demo(folder).import_report.count("add") == 60


# -- the command -----------------------------------------------------------------------------


def test_demo_command_walks_through(tmp_path: Path) -> None:
    runner = CliRunner()
    folder = tmp_path / "d"
    result = runner.invoke(cli, ["demo", str(folder)])
    assert result.exit_code == 0, result.stderr
    root = str(folder.resolve())
    # narration on stderr, tables on stdout
    assert root in result.stderr
    assert "新增 60 家" in result.stderr
    assert "日志完好" in result.stderr
    assert "接下来可以试试：" in result.stderr
    for industry in DEFAULT_INDUSTRIES:
        assert industry in result.stdout
    assert "变动记录" in result.stdout

    archive = Archive.open(folder)
    records = list_enterprises(archive, status=None)
    assert len(records) == 60
    assert all(uscc.is_valid(record["credit_code"]) for record in records)


@pytest.mark.slow
def test_demo_suggests_commands_that_work(tmp_path: Path) -> None:
    runner = CliRunner()
    folder = tmp_path / "演示 档案"  # a space and Chinese: the commands must be quoted
    result = runner.invoke(cli, ["demo", str(folder), "--json"])
    assert result.exit_code == 0, result.stderr
    commands = json.loads(result.stdout)["next_commands"]
    assert 4 <= len(commands) <= 10
    before = (folder / "journal.jsonl").read_bytes()
    for command in commands:
        argv = shlex.split(command)
        assert argv[:3] == ["credit", "--archive", str(folder.resolve())]
        outcome = runner.invoke(cli, argv[1:])
        assert outcome.exit_code == 0, (command, outcome.stderr)
        if "--dry-run" in argv and "import" in argv:
            # the roster still has the old phone number; a dry run shows it and writes nothing
            assert "将新增 0 家，修改 1 家，59 家无变化" in outcome.stderr
    assert (folder / "journal.jsonl").read_bytes() == before  # nothing changed


@pytest.mark.slow
def test_demo_json(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["demo", str(tmp_path / "d"), "--json"])
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["import"] == {"add": 60, "update": 0, "unchanged": 0, "error": 0}
    assert summary["enterprises"]["total"] == 60
    assert summary["audit"]["ok"] is True
    assert sum(row["total"] for row in summary["by_industry"]) == 60
    assert result.stderr == ""


@pytest.mark.slow
def test_demo_twice_is_refused(tmp_path: Path) -> None:
    runner = CliRunner()
    folder = tmp_path / "d"
    assert runner.invoke(cli, ["demo", str(folder)]).exit_code == 0
    again = runner.invoke(cli, ["demo", str(folder)])
    assert again.exit_code == 1
    assert again.stdout == ""
    assert str(folder) in again.stderr
    assert "错误：" in again.stderr and "提示：" in again.stderr
    assert "删除" in again.stderr


@pytest.mark.slow
def test_demo_default_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["demo", "--json"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "credit-demo" / "credit.toml").is_file()


@pytest.mark.slow
def test_demo_in_english(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--lang", "en", "demo", str(tmp_path / "d")])
    assert result.exit_code == 0, result.stderr
    assert "Try next:" in result.stderr
    assert "接下来" not in result.stderr
