"""Texts are stored as written; only comparing and matching normalise (issue 8, items 4 and 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive import enterprises
from archive.store import Archive
from tests.conftest import invoke
from tests.helpers import make_code
from tests.test_ingest import nl_lines, penalty

FULL = "ＡＢＣ全角矿业有限公司"
HALF = "ABC全角矿业有限公司"


def _show(runner, archive_dir: Path, code: str) -> dict:
    result = invoke(runner, "enterprise", "show", code, "--json", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    return payload.get("enterprise", payload)


def test_enterprise_add_keeps_the_name_as_written(runner, archive_dir: Path) -> None:
    code = make_code(41)
    added = invoke(
        runner, "enterprise", "add", code, "--name", f"　{FULL} ", "--industry", "非煤矿山",
        "--address", "塔峰镇（工业园）１号", archive=archive_dir,
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    record = _show(runner, archive_dir, code)
    assert record["name"] == FULL  # surrounding spaces go, the full-width letters stay
    assert record["address"] == "塔峰镇（工业园）１号"
    # Comparing normalises: the half-width search finds it, and so does a spaced one.
    for search in (HALF, "ABC 全角", "ＡＢＣ"):
        listed = invoke(
            runner, "enterprise", "list", "--search", search, "--json", archive=archive_dir
        )
        assert listed.exit_code == 0, listed.stderr
        assert [row["credit_code"] for row in json.loads(listed.stdout)] == [code], search
    # Updating to the same text is no change; to the half-width form is one, kept as written.
    same = enterprises.update_enterprise(Archive.open(archive_dir), code, {"name": FULL})
    assert same == {}
    changed = enterprises.update_enterprise(Archive.open(archive_dir), code, {"name": HALF})
    assert changed == {"name": {"old": FULL, "new": HALF}}


def test_import_keeps_names_as_written(runner, archive_dir: Path, tmp_path: Path) -> None:
    code = make_code(42)
    roster = tmp_path / "花名册.csv"
    roster.write_text(
        f"统一社会信用代码,单位名称,行业,负责股室\n{code},{FULL},非煤,非煤矿山股\n",
        encoding="utf-8",
    )
    result = invoke(runner, "enterprise", "import", str(roster), archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    record = _show(runner, archive_dir, code)
    assert record["name"] == FULL
    assert record["industry"] == "非煤矿山"  # an alias still resolves
    again = enterprises.import_roster(Archive.open(archive_dir), roster)
    assert again.count("unchanged") == 1 and again.count("update") == 0


def test_choices_are_matched_in_normalised_form(archive_dir: Path) -> None:
    """A section typed with a full-width space or letters still names the configured one."""
    archive = Archive.open(archive_dir)
    record = enterprises.add_enterprise(
        archive,
        {"credit_code": make_code(43), "name": FULL, "section": "危化股 ", "industry": "危化"},
    )
    assert record["section"] == "危化股" and record["industry"] == "危险化学品"
    assert record["name"] == FULL


@pytest.mark.parametrize(("stored", "printed"), [(FULL, HALF), (HALF, FULL)])
def test_ingest_matches_names_across_full_and_half_width(
    runner, archive_dir: Path, tmp_path: Path, stored: str, printed: str
) -> None:
    code = make_code(44)
    enterprises.add_enterprise(Archive.open(archive_dir), {"credit_code": code, "name": stored})
    inbox = tmp_path / "收件"
    inbox.mkdir()
    penalty(
        inbox / "只有名称.docx", None, printed, "蓝应急罚告〔2026〕6号",
        kind="notice", media="docx", addressee=True,
    )  # fmt: skip
    result = invoke(runner, "ingest", str(inbox), "--nl", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    [row] = nl_lines(result.stdout)
    assert row["status"] == "ingested", row
    assert row["credit_codes"] == [code]
    assert _show(runner, archive_dir, code)["name"] == stored  # matching changed nothing


# -- 5. serial formats -------------------------------------------------------------------------


def _set_serial_format(archive_dir: Path, pattern: str) -> None:
    settings = archive_dir / "credit.toml"
    text = settings.read_text(encoding="utf-8")
    start = text.index("serial_format = ")
    end = text.index("\n", start)
    value = json.dumps(pattern, ensure_ascii=False)
    settings.write_text(text[:start] + f"serial_format = {value}" + text[end:], encoding="utf-8")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("{prefix}", "{number}"),
        ("{prefix}〔{year}〕号", "{number}"),
        ("{prefix}-{serial}-{number}", "{serial}"),
        ("{prefix}{number:04x", "{number:04x"),
        ("{number:abc}", "{number:abc}"),
    ],
)
def test_a_serial_format_that_cannot_number_letters_is_refused(
    runner, archive_dir: Path, tmp_path: Path, pattern: str, expected: str
) -> None:
    enterprises.add_enterprise(
        Archive.open(archive_dir), {"credit_code": make_code(45), "name": "甲"}
    )
    _set_serial_format(archive_dir, pattern)
    result = invoke(
        runner, "gen-commitment", "--all", "--out", str(tmp_path / "o"), archive=archive_dir
    )
    assert result.exit_code == 4, result.stderr
    assert expected in result.stderr and "credit.toml" in result.stderr
    # The hint shows the placeholders as they are written: single braces.
    assert "{prefix}〔{year}〕{number:04d}号" in result.stderr
    assert "{{" not in result.stderr
    assert not (tmp_path / "o").exists()


def test_a_good_serial_format_numbers_each_letter(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    for n in range(2):
        enterprises.add_enterprise(
            Archive.open(archive_dir), {"credit_code": make_code(46 + n), "name": f"甲{n}"}
        )
    _set_serial_format(archive_dir, "{prefix}-{year}-{number}")
    result = invoke(
        runner, "gen-commitment", "--all", "--year", "2026", "--out", str(tmp_path / "o"),
        "--json", archive=archive_dir,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    serials = [row["serial"] for row in json.loads(result.stdout)["letters"]]
    assert serials == ["蓝应急诺-2026-1", "蓝应急诺-2026-2"]
