"""The enterprise register through the command line (CliRunner) and the library."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from archive import enterprises
from archive.errors import InputError
from archive.store import Archive
from tests.conftest import invoke

CODE_A = "91110000600037341L"
CODE_B = "91110000710926094P"
HEADER = "单位名称,统一社会信用代码,行业,监管股室,法定代表人,联系电话,地址,所属乡镇\n"


def _roster(path: Path, rows: list[str], encoding: str = "utf-8-sig") -> Path:
    path.write_bytes((HEADER + "".join(row + "\n" for row in rows)).encode(encoding))
    return path


def _journal_lines(archive_dir: Path) -> int:
    return len((archive_dir / "journal.jsonl").read_bytes().splitlines())


def test_add_list_show(runner, archive_dir: Path) -> None:
    result = invoke(
        runner, "enterprise", "add", CODE_A, "--name", "蓝山县甲矿业有限公司",
        "--industry", "非煤", "--section", "非煤矿山股", "--town", "塔峰镇",
        archive=archive_dir,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "已登记" in result.stderr
    listed = json.loads(invoke(runner, "enterprise", "list", "--json", archive=archive_dir).stdout)
    assert [r["credit_code"] for r in listed] == [CODE_A]
    assert listed[0]["industry"] == "非煤矿山"  # alias resolved
    shown = json.loads(
        invoke(runner, "enterprise", "show", CODE_A, "--json", archive=archive_dir).stdout
    )
    assert shown["name"] == "蓝山县甲矿业有限公司"
    assert [h["type"] for h in shown["history"]] == ["enterprise.added"]
    table = invoke(runner, "enterprise", "show", CODE_A, archive=archive_dir).stdout
    assert "蓝山县甲矿业有限公司" in table and "塔峰镇" in table


def test_code_is_normalised_and_full_width_accepted(runner, archive_dir: Path) -> None:
    full_width = "９１１１００００６０００３７３４１Ｌ"
    result = invoke(runner, "enterprise", "add", full_width, "--name", "甲", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    assert (
        invoke(
            runner, "enterprise", "show", "9111 0000-6000 3734 1l", archive=archive_dir
        ).exit_code
        == 0
    )


def test_invalid_code_is_refused_with_reason_and_suggestion(runner, archive_dir: Path) -> None:
    before = _journal_lines(archive_dir)
    typo = CODE_A.replace("0", "O", 1)
    result = invoke(runner, "enterprise", "add", typo, "--name", "甲", archive=archive_dir)
    assert result.exit_code == 1
    assert "错误：" in result.stderr and CODE_A in result.stderr
    result = invoke(
        runner, "enterprise", "add", CODE_A[:-1] + "0", "--name", "甲", archive=archive_dir
    )
    assert result.exit_code == 1 and "校验" in result.stderr
    assert _journal_lines(archive_dir) == before


def test_duplicate_add_and_unknown_choices(runner, archive_dir: Path) -> None:
    assert (
        invoke(runner, "enterprise", "add", CODE_A, "--name", "甲", archive=archive_dir).exit_code
        == 0
    )
    again = invoke(runner, "enterprise", "add", CODE_A, "--name", "甲", archive=archive_dir)
    assert again.exit_code == 1 and "已在名册中" in again.stderr and "update" in again.stderr
    bad = invoke(
        runner,
        "enterprise",
        "add",
        CODE_B,
        "--name",
        "乙",
        "--industry",
        "餐饮",
        archive=archive_dir,
    )
    assert bad.exit_code == 1 and "餐饮" in bad.stderr and "credit.toml" in bad.stderr
    bad = invoke(
        runner,
        "enterprise",
        "add",
        CODE_B,
        "--name",
        "乙",
        "--section",
        "财务股",
        archive=archive_dir,
    )
    assert bad.exit_code == 1 and "财务股" in bad.stderr


def test_control_characters_are_refused(runner, archive_dir: Path) -> None:
    result = invoke(
        runner, "enterprise", "add", CODE_A, "--name", "甲\x07公司", archive=archive_dir
    )
    assert result.exit_code == 1 and "U+0007" in result.stderr


def test_update_close_reopen_keep_history(runner, archive_dir: Path) -> None:
    invoke(
        runner,
        "enterprise",
        "add",
        CODE_A,
        "--name",
        "甲",
        "--phone",
        "0746-1",
        archive=archive_dir,
    )
    result = invoke(
        runner, "enterprise", "update", CODE_A, "--phone", "0746-2", archive=archive_dir
    )
    assert result.exit_code == 0 and "0746-1 → 0746-2" in result.stderr
    same = invoke(runner, "enterprise", "update", CODE_A, "--phone", "0746-2", archive=archive_dir)
    assert "没有变化" in same.stderr
    closed = invoke(
        runner, "enterprise", "close", CODE_A, "--reason", "已关闭", "--date", "2026-10-31",
        archive=archive_dir,
    )  # fmt: skip
    assert closed.exit_code == 0, closed.stderr
    assert (
        json.loads(invoke(runner, "enterprise", "list", "--json", archive=archive_dir).stdout) == []
    )
    everything = json.loads(
        invoke(
            runner, "enterprise", "list", "--status", "all", "--json", archive=archive_dir
        ).stdout
    )
    assert everything[0]["status"] == "closed" and everything[0]["closed_on"] == "2026-10-31"
    twice = invoke(runner, "enterprise", "close", CODE_A, "--reason", "x", archive=archive_dir)
    assert twice.exit_code == 1
    assert invoke(runner, "enterprise", "reopen", CODE_A, archive=archive_dir).exit_code == 0
    shown = json.loads(
        invoke(runner, "enterprise", "show", CODE_A, "--json", archive=archive_dir).stdout
    )
    assert [h["type"] for h in shown["history"]] == [
        "enterprise.added",
        "enterprise.updated",
        "enterprise.closed",
        "enterprise.reopened",
    ]


def test_show_unknown_code(runner, archive_dir: Path) -> None:
    result = invoke(runner, "enterprise", "show", CODE_B, archive=archive_dir)
    assert result.exit_code == 1 and CODE_B in result.stderr


def test_list_filters_and_formats(runner, archive_dir: Path) -> None:
    archive = Archive.open(archive_dir)
    enterprises.add_enterprise(
        archive,
        {"credit_code": CODE_A, "name": "甲化工", "industry": "危险化学品", "town": "塔峰镇"},
    )
    enterprises.add_enterprise(
        archive, {"credit_code": CODE_B, "name": "乙石场", "industry": "非煤矿山", "town": "总市镇"}
    )

    def codes(*args: str) -> list[str]:
        out = invoke(runner, "enterprise", "list", *args, "--json", archive=archive_dir).stdout
        return [r["credit_code"] for r in json.loads(out)]

    assert codes("--industry", "危化") == [CODE_A]
    assert codes("--town", "总市镇") == [CODE_B]
    assert codes("--search", "石场") == [CODE_B]
    nl = invoke(runner, "enterprise", "list", "--nl", archive=archive_dir).stdout.splitlines()
    assert [json.loads(line)["credit_code"] for line in nl] == [CODE_A, CODE_B]
    rows = list(
        csv.DictReader(
            io.StringIO(invoke(runner, "enterprise", "list", "--csv", archive=archive_dir).stdout)
        )
    )
    assert rows[0]["name"] == "甲化工"


def test_import_csv_all_or_nothing(runner, archive_dir: Path, tmp_path: Path) -> None:
    good = _roster(
        tmp_path / "名册.csv",
        [
            f"甲化工,{CODE_A},危化,危化股,张三,0746-2210001,塔峰镇某路,塔峰镇",
            f"乙石场,{CODE_B},非煤矿山,非煤矿山股,李四,,,",
        ],
    )
    dry = invoke(runner, "enterprise", "import", str(good), "--dry-run", archive=archive_dir)
    assert dry.exit_code == 0, dry.stderr
    assert "试运行" in dry.stderr and "单位名称→" in dry.stderr
    assert enterprises.list_enterprises(Archive.open(archive_dir)) == []

    first = invoke(runner, "enterprise", "import", str(good), archive=archive_dir)
    assert first.exit_code == 0 and "新增 2 家" in first.stderr
    lines = _journal_lines(archive_dir)
    second = invoke(runner, "enterprise", "import", str(good), archive=archive_dir)
    assert second.exit_code == 0 and "2 家无变化" in second.stderr
    assert _journal_lines(archive_dir) == lines  # importing twice changes nothing

    changed = _roster(
        tmp_path / "名册2.csv",
        [f"甲化工,{CODE_A},危化,危化股,王五,0746-2210001,塔峰镇某路,塔峰镇"],
        "gbk",
    )
    third = invoke(runner, "enterprise", "import", str(changed), "--json", archive=archive_dir)
    report = json.loads(third.stdout)
    assert report["counts"]["update"] == 1
    assert report["rows"][0]["changes"] == {"legal_representative": {"old": "张三", "new": "王五"}}
    assert (
        enterprises.get_enterprise(Archive.open(archive_dir), CODE_A)["legal_representative"]
        == "王五"
    )


def test_import_with_problems_writes_nothing(runner, archive_dir: Path, tmp_path: Path) -> None:
    bad = _roster(
        tmp_path / "bad.csv",
        [
            f"甲化工,{CODE_A},危化,危化股,,,,",
            f"甲化工分厂,{CODE_A},危化,危化股,,,,",  # duplicate code
            f",{CODE_B},危化,危化股,,,,",  # no name
            "丙公司,91110000600037341X,危化,危化股,,,,",  # bad check character
            f"丁公司,{CODE_B},餐饮,危化股,,,,",  # unknown industry
        ],
    )
    before = (archive_dir / "journal.jsonl").read_bytes()
    result = invoke(runner, "enterprise", "import", str(bad), archive=archive_dir)
    assert result.exit_code == 3
    assert "未导入任何一行" in result.stderr
    for fragment in ("重复", "单位名称", "校验", "餐饮"):
        assert fragment in result.stdout + result.stderr
    assert (archive_dir / "journal.jsonl").read_bytes() == before
    report = json.loads(
        invoke(runner, "enterprise", "import", str(bad), "--json", archive=archive_dir).stdout
    )
    rows_with_problems = sorted({p["row"] for p in report["problems"]})
    assert rows_with_problems == [3, 4, 5, 6]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"name_only\n\xe7\x94\xb2\n", "统一社会信用代码"),
        (b"\xff\xfe\x00\x00garbage\xff\xff\n", ""),
        (b"", ""),
        (HEADER.encode(), ""),
    ],
)
def test_bad_rosters_exit_3(
    runner, archive_dir: Path, tmp_path: Path, content: bytes, fragment: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    before = (archive_dir / "journal.jsonl").read_bytes()
    result = invoke(runner, "enterprise", "import", str(path), archive=archive_dir)
    assert result.exit_code == 3, result.stderr
    assert "x.csv" in result.stderr and fragment in result.stdout + result.stderr
    assert (archive_dir / "journal.jsonl").read_bytes() == before


def test_missing_roster_file(runner, archive_dir: Path, tmp_path: Path) -> None:
    result = invoke(
        runner, "enterprise", "import", str(tmp_path / "nope.xlsx"), archive=archive_dir
    )
    assert result.exit_code == 2  # a missing input file is a usage error, as for every command
    assert "nope.xlsx" in result.stderr


def test_library_refuses_bad_values(archive_dir: Path) -> None:
    archive = Archive.open(archive_dir)
    with pytest.raises(InputError):
        enterprises.add_enterprise(archive, {"credit_code": "123", "name": "甲"})
    with pytest.raises(InputError):
        enterprises.add_enterprise(archive, {"credit_code": CODE_A, "name": ""})


def test_config_shows_sources(runner, archive_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("CREDIT_LOCK_TIMEOUT", "3")
    rows = json.loads(invoke(runner, "config", "--json", archive=archive_dir).stdout)
    by_key = {row["key"]: row for row in rows}
    assert by_key["archive.lock_timeout"]["source"] == "env"
    assert by_key["bureau.name"]["source"] == "file"
    assert by_key["archive"]["source"] == "flag"
    rows = json.loads(
        invoke(runner, "--lock-timeout", "7", "config", "--json", archive=archive_dir).stdout
    )
    assert {row["key"]: row for row in rows}["archive.lock_timeout"]["value"] == 7


def test_unknown_settings_key_is_reported(runner, archive_dir: Path) -> None:
    with open(archive_dir / "credit.toml", "a", encoding="utf-8") as handle:
        handle.write("\n[extra]\ncolour = 'red'\n")
    result = invoke(runner, "config", archive=archive_dir)
    assert "extra.colour" in result.stderr


def test_archive_found_by_walking_up(runner, archive_dir: Path, monkeypatch) -> None:
    sub = archive_dir / "out" / "deep"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    result = invoke(runner, "enterprise", "list", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_actor_recorded(runner, archive_dir: Path, monkeypatch) -> None:
    invoke(
        runner, "--by", "李文书", "enterprise", "add", CODE_A, "--name", "甲", archive=archive_dir
    )
    monkeypatch.setenv("CREDIT_USER", "王股长")
    invoke(runner, "enterprise", "update", CODE_A, "--name", "甲公司", archive=archive_dir)
    log = json.loads(
        invoke(runner, "audit", "log", "--code", CODE_A, "--json", archive=archive_dir).stdout
    )
    assert [entry["actor"] for entry in log] == ["李文书", "王股长"]


def test_xlsx_with_formula_and_merged_cells(runner, archive_dir: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["单位名称", "统一社会信用代码", "行业"])
    sheet.append(["甲公司", CODE_A, "危化"])
    sheet.append(["乙公司", "=B2", "危化"])
    sheet.merge_cells("C2:C3")
    path = tmp_path / "名册.xlsx"
    workbook.save(path)
    before = (archive_dir / "journal.jsonl").read_bytes()
    result = invoke(runner, "enterprise", "import", str(path), "--json", archive=archive_dir)
    assert result.exit_code == 3
    problems = json.loads(result.stdout)["problems"]
    assert {p["reason"] for p in problems} == {"formula", "merged_cells"}  # no echo as "missing"
    assert {p["column"] for p in problems} == {"B3", "C2:C3"}
    assert (archive_dir / "journal.jsonl").read_bytes() == before


def test_admin_scripts_can_open_the_index_with_tinydb(archive_dir: Path) -> None:
    from archive.index import open_db

    archive = Archive.open(archive_dir)
    enterprises.add_enterprise(archive, {"credit_code": CODE_A, "name": "甲公司"})
    db = open_db(archive_dir)
    assert db.table("enterprises").get(doc_id=CODE_A)["name"] == "甲公司"


def test_open_db_names_what_it_cannot_use(archive_dir: Path) -> None:
    """A script's open_db on an index it cannot read: an ArchiveError naming the file, never a
    bare FileNotFoundError or an internal exception halfway through a table."""
    import shutil

    from archive.errors import ArchiveError
    from archive.index import open_db

    archive = Archive.open(archive_dir)
    enterprises.add_enterprise(archive, {"credit_code": CODE_A, "name": "甲公司"})
    part = next((archive_dir / "index" / "parts").glob("enterprises.*.json"))
    part.write_bytes(part.read_bytes()[:-5])  # cut short
    with pytest.raises(ArchiveError) as caught:
        open_db(archive_dir)
    assert "enterprises" in caught.value.message and "credit" in (caught.value.hint or "")
    Archive.open(archive_dir).index()  # any command repairs it
    enterprises.list_enterprises(Archive.open(archive_dir))
    assert open_db(archive_dir).table("enterprises").get(doc_id=CODE_A)["name"] == "甲公司"
    shutil.rmtree(archive_dir / "index")
    (archive_dir / "index.json").write_text("{}", "utf-8")  # an old archive's index
    with pytest.raises(ArchiveError) as caught:
        open_db(archive_dir)
    assert "index.json" in caught.value.message
