"""gen-commitment, gen-notice and template commands, end to end through the CLI."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document as DocxDocument

from archive import enterprises
from archive.store import Archive
from tests.conftest import invoke
from tests.helpers import make_code

NAMES = ["蓝山县甲矿业有限公司", "A&B<有限>公司 {{ x }}", "蓝山县丙烟花爆竹经营部"]


@pytest.fixture
def register(archive_dir: Path) -> list[str]:
    archive = Archive.open(archive_dir)
    codes = []
    for n, name in enumerate(NAMES):
        code = make_code(100 + n)
        industry = "烟花爆竹" if "烟花" in name else "非煤矿山"
        enterprises.add_enterprise(
            archive, {"credit_code": code, "name": name, "industry": industry}
        )
        codes.append(code)
    return codes


def _text(path: Path) -> str:
    document = DocxDocument(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def _journal(archive_dir: Path) -> bytes:
    return (archive_dir / "journal.jsonl").read_bytes()


def test_batch_issues_each_letter_once(
    runner, archive_dir: Path, register: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = invoke(
        runner, "gen-commitment", "--all", "--year", "2026", "--out", str(out), "--json",
        archive=archive_dir,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    letters = payload["letters"]
    assert [letter["status"] for letter in letters] == ["issued"] * 3
    serials = [letter["serial"] for letter in letters]
    assert len(set(serials)) == 3 and all(s.startswith("蓝应急诺〔2026〕") for s in serials)
    for letter in letters:
        path = Path(letter["file"])
        assert path.is_file() and path.parent == out
        text = _text(path)
        assert letter["serial"] in text and letter["name"] in text and letter["credit_code"] in text
        assert "{{" not in text.replace(NAMES[1], "") and "{%" not in text
        with zipfile.ZipFile(path) as docx:
            core = docx.read("docProps/core.xml").decode("utf-8")
            assert letter["serial"] in core
            assert docx.read("word/media/credit_qr.png").startswith(b"\x89PNG")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {row["serial"] for row in manifest} == set(serials)
    assert (out / "manifest.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    again = invoke(
        runner,
        "gen-commitment",
        "--all",
        "--year",
        "2026",
        "--out",
        str(out),
        "--json",
        archive=archive_dir,
    )
    assert [letter["status"] for letter in json.loads(again.stdout)["letters"]] == [
        "already_issued"
    ] * 3

    shown = json.loads(
        invoke(runner, "enterprise", "show", register[0], "--json", archive=archive_dir).stdout
    )
    assert [letter["serial"] for letter in shown["letters"]] == [serials[0]]

    reissued = invoke(
        runner, "gen-commitment", register[0], "--year", "2026", "--reissue", "--out", str(out), "--json",
        archive=archive_dir,
    )  # fmt: skip
    (letter,) = json.loads(reissued.stdout)["letters"]
    assert letter["status"] == "issued" and letter["reissue_of"] == serials[0]
    assert letter["serial"] not in serials
    assert Path(letter["file"]).name.endswith("_2.docx")  # the first letter's file is kept


def test_dry_run_takes_no_serial_and_writes_nothing(
    runner, archive_dir: Path, register, tmp_path: Path
) -> None:
    before = _journal(archive_dir)
    result = invoke(
        runner,
        "gen-commitment",
        "--industry",
        "烟花爆竹",
        "--dry-run",
        "--out",
        str(tmp_path / "o"),
        archive=archive_dir,
    )
    assert result.exit_code == 0, result.stderr
    assert "试运行" in result.stderr
    assert _journal(archive_dir) == before
    assert not (tmp_path / "o").exists()


def test_levels_and_selection(runner, archive_dir: Path, register, tmp_path: Path) -> None:
    result = invoke(
        runner, "gen-commitment", "--industry", "烟花爆竹", "--level", "unit", "--level", "post",
        "--out", str(tmp_path), "--json", archive=archive_dir,
    )  # fmt: skip
    letters = json.loads(result.stdout)["letters"]
    assert len(letters) == 2 and {Path(x["file"]).name.split("_")[-1] for x in letters} == {
        "安全生产承诺书（单位）.docx",
        "安全生产双向承诺书（岗位）.docx",
    }
    nothing = invoke(runner, "gen-commitment", archive=archive_dir)
    assert nothing.exit_code == 2


def test_notice_needs_its_facts(runner, archive_dir: Path, register, tmp_path: Path) -> None:
    before = _journal(archive_dir)
    missing = invoke(
        runner,
        "gen-notice",
        "notice_interview",
        register[0],
        "--out",
        str(tmp_path / "none"),
        archive=archive_dir,
    )
    assert missing.exit_code == 2  # facts the command line lacks: usage, not a template problem
    assert "interview_time" in missing.stderr and "--fact" in missing.stderr
    assert _journal(archive_dir) == before and not (tmp_path / "none").exists()

    facts = tmp_path / "facts.json"
    facts.write_text(
        json.dumps(
            {
                "interview_time": "2026年12月3日上午9时",
                "interview_place": "局三楼会议室",
                "attendees": "法定代表人",
                "topics": "隐患整改",
                "materials": "整改报告",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    ok = invoke(
        runner, "gen-notice", "notice_interview", register[0], "--facts-file", str(facts),
        "--fact", "attendees=法定代表人", "--fact", "attendees=安全负责人", "--out", str(tmp_path / "o"), "--json",
        archive=archive_dir,
    )  # fmt: skip
    assert ok.exit_code == 0, ok.stderr
    (letter,) = json.loads(ok.stdout)["letters"]
    text = _text(Path(letter["file"]))
    assert (
        "法定代表人、安全负责人" in text
        and "局三楼会议室" in text
        and letter["serial"].startswith("蓝应急告")
    )


def test_section_notice_with_list_facts(runner, archive_dir: Path, tmp_path: Path) -> None:
    result = invoke(
        runner, "gen-notice", "notice_monthly_reminder_section", "--section", "危化股",
        "--fact", "period=2026-11", "--fact", "missing=隐患排查台账;培训记录", "--out", str(tmp_path), "--json",
        archive=archive_dir,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    (letter,) = json.loads(result.stdout)["letters"]
    text = _text(Path(letter["file"]))
    assert (
        "危化股" in text and "2026年11月" in text and "隐患排查台账" in text and "培训记录" in text
    )
    assert "2026年11月30日" in text  # the deadline follows from the period
    bad = invoke(
        runner,
        "gen-notice",
        "notice_monthly_reminder_section",
        "--section",
        "财务股",
        archive=archive_dir,
    )
    assert bad.exit_code == 2 and "财务股" in bad.stderr


def test_control_characters_in_facts_are_refused(
    runner, archive_dir: Path, register, tmp_path: Path
) -> None:
    result = invoke(
        runner, "gen-notice", "notice_monthly_reminder_enterprise", register[0], "--fact", "period=2026-11",
        "--fact", "missing=台账\x01", "--out", str(tmp_path / "none"), archive=archive_dir,
    )  # fmt: skip
    assert result.exit_code == 1 and "U+0001" in result.stderr
    assert not (tmp_path / "none").exists()


def test_archive_template_overrides_and_hostile_template(
    runner, archive_dir: Path, register, tmp_path: Path
) -> None:
    exported = invoke(
        runner,
        "template",
        "export",
        "commitment_unit",
        str(archive_dir / "templates"),
        archive=archive_dir,
    )
    assert exported.exit_code == 0, exported.stderr
    listed = json.loads(invoke(runner, "template", "list", "--json", archive=archive_dir).stdout)
    assert {row["name"]: row["source"] for row in listed}["commitment_unit"] == "archive"
    again = invoke(
        runner,
        "template",
        "export",
        "commitment_unit",
        str(archive_dir / "templates"),
        archive=archive_dir,
    )
    assert again.exit_code == 1  # never overwrites

    path = archive_dir / "templates" / "commitment_unit.docx"
    document = DocxDocument(str(path))
    document.add_paragraph("{{ cycler.__init__.__globals__.os.popen('id').read() }}")
    document.save(str(path))
    check = invoke(runner, "template", "check", str(path), archive=archive_dir)
    assert check.exit_code in (0, 5)
    before = _journal(archive_dir)
    result = invoke(
        runner, "gen-commitment", register[0], "--out", str(tmp_path), archive=archive_dir
    )
    assert result.exit_code == 5, result.stderr
    assert "错误：" in result.stderr and "uid=" not in result.stdout + result.stderr
    assert not list(tmp_path.glob("*.docx"))
    assert b"letter.issued" not in _journal(archive_dir)[len(before) :]


def test_parallel_jobs(runner, archive_dir: Path, register, tmp_path: Path) -> None:
    result = invoke(
        runner,
        "gen-commitment",
        "--all",
        "--jobs",
        "2",
        "--out",
        str(tmp_path),
        "--json",
        archive=archive_dir,
    )
    assert result.exit_code == 0, result.stderr
    letters = json.loads(result.stdout)["letters"]
    assert all(Path(letter["file"]).is_file() for letter in letters)


def test_pdf_without_libreoffice_is_a_clear_error(
    runner, archive_dir: Path, register, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("CREDIT_SOFFICE", "/nonexistent/soffice")
    monkeypatch.setenv("PATH", str(tmp_path))  # no libreoffice either
    result = invoke(
        runner,
        "gen-commitment",
        "--all",
        "--pdf",
        "--out",
        str(tmp_path / "o"),
        archive=archive_dir,
    )
    assert result.exit_code == 1
    assert "LibreOffice" in result.stderr
    assert not (tmp_path / "o").exists()


def test_unknown_template_name(runner, archive_dir: Path) -> None:
    result = invoke(runner, "gen-notice", "notice_nonexistent", archive=archive_dir)
    assert result.exit_code == 2 and "notice_nonexistent" in result.stderr


def test_template_list_without_an_archive(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(runner, "template", "list", "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 14  # 13 letters and forms, the 通报


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_pdf_through_libreoffice(runner, archive_dir: Path, register, tmp_path: Path) -> None:
    result = invoke(
        runner, "gen-commitment", register[0], "--pdf", "--out", str(tmp_path / "o"), "--json",
        archive=archive_dir,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    (letter,) = json.loads(result.stdout)["letters"]
    pdf = Path(letter["pdf"])
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
