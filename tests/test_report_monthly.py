"""credit report: the month's figures equal those of monthly-check, overdue and blacklist summary
for the same month and as-of date; the .docx table and the .xlsx chart hold them."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from archive.store import Archive
from tests.conftest import invoke
from tests.overdue_fixtures import E1, E2, file_document, known_archive, sha_of
from tests.test_cli_conventions import ascii_archive  # noqa: F401  (a fixture)

MONTH, AS_OF = "2026-10", "2026-11-18"


def _submission(archive: Archive, section: str, period: str, received: str) -> None:
    key = sha_of(f"section|{section}|{period}")
    with archive.transaction() as tx:
        tx.emit(
            "document.ingested",
            {
                "sha256": key,
                "kind": "section_submission",
                "original_name": f"{section}{period}.docx",
                "stored": f"files/sections/{key[:8]}.docx",
                "credit_codes": [],
                "section": section,
                "matched_by": "section",
                "fields": {"period": period, "section": section, "items": ["隐患排查台账"]},
                "enterprises": [],
                "fact_events": True,
                "received_on": received,
            },
        )


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from archive.letters.catalog import MONTHLY_REPORT_TOPICS

    archive = known_archive(tmp_path_factory.mktemp("report"))
    path = archive.root / "credit.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('start = ""', 'start = "2026-09"', 1),
        encoding="utf-8",
    )
    archive = Archive.open(archive.root)
    topics = {topic: {"filled": True} for topic in MONTHLY_REPORT_TOPICS}
    fields = {"period": MONTH, "topics": topics, "signed": True, "signer": "张三"}
    file_document(archive, "monthly_report", fields, E1, received_on="2026-11-05", name=MONTH)
    file_document(archive, "monthly_report", fields, E2, received_on="2026-11-10", name="late")
    sections = list(archive.settings["register.sections"] or [])
    assert sections, "the default settings name the sections"
    _submission(archive, sections[0], MONTH, "2026-11-10")  # after the month end: late
    return archive.root


def _json(runner, root: Path, *argv: str):
    result = invoke(runner, *argv, "--as-of", AS_OF, "--json", archive=root)
    assert result.exit_code in (0, 3, 10), result.output + result.stderr
    return json.loads(result.stdout)


def test_figures_equal_the_commands(known: Path, runner, tmp_path: Path) -> None:
    got = _json(runner, known, "report", "--month", MONTH, "--out", str(tmp_path))
    monthly = _json(runner, known, "monthly-check", "--month", MONTH)
    overdue = _json(runner, known, "overdue")
    listed = _json(runner, known, "blacklist", "summary")
    assert got["month"] == MONTH and got["as_of"] == AS_OF
    assert got["monthly"]["totals"] == monthly["totals"]
    # overdue --json prints its rows: the report holds the same rows and counts them
    assert got["overdue"]["rows"] == overdue
    assert got["overdue"]["counts"] == dict(sorted(Counter(r["status"] for r in overdue).items()))
    assert got["blacklist"]["counts"] == listed["counts"]
    assert got["blacklist"]["entering"] == listed["entering"]
    # the fixture's truth: overdue items exist, some enterprise report is owed
    kinds = Counter(r["what"] for r in got["overdue"]["rows"] if r["status"] == "overdue")
    assert kinds["commitment"] == 2 and kinds["rectification"] == 2 and kinds["fine"] == 2
    everything = next(t for t in got["monthly"]["totals"] if t["by"] == "all")
    assert (everything["on_time"], everything["late"]) == (1, 2)  # E1; E2 and one section
    late = {row["section"] for row in got["monthly"]["late_sections"]}
    section_rows = [r for r in monthly["rows"] if r["kind"] == "section"]
    assert late == {
        r["section"] for r in section_rows if r["status"] in ("late", "missing", "incomplete")
    }
    sections = list(Archive.open(known).settings["register.sections"])
    assert {"section": sections[0], "status": "late"}.items() <= next(
        row for row in got["monthly"]["late_sections"] if row["section"] == sections[0]
    ).items()
    assert len(late) == len(sections) - 1  # all but 政策法规股, which receives them
    commitments = next(r for r in got["commitments"] if r["by"] == "all")
    assert commitments["issued"] == 3  # the three letters of 2026-10-12
    assert [Path(p).suffix for p in got["files"]] == [".xlsx", ".docx"]


def test_docx_table_and_prose_hold_the_numbers(known: Path, runner, tmp_path: Path) -> None:
    from docx import Document

    got = _json(runner, known, "report", "--month", MONTH, "--out", str(tmp_path))
    document = Document(next(p for p in got["files"] if p.endswith(".docx")))
    (table,) = document.tables
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    totals = {t["name"]: t for t in got["monthly"]["totals"] if t["by"] == "section"}
    totals["合计"] = next(t for t in got["monthly"]["totals"] if t["by"] == "all")
    assert len(cells) == 1 + len(totals)
    for row in cells[1:]:
        total = totals[row[0]]
        keys = ("owed", "on_time", "late", "incomplete", "missing")
        assert [int(v) for v in row[1:6]] == [total[k] for k in keys]
    text = "\n".join(p.text for p in document.paragraphs)
    for row in got["monthly"]["late_sections"]:
        assert row["section"] in text
    assert "四部分第（三）项" in text
    assert f"应报送月度资料 {totals['合计']['owed']} 项" in text


def test_xlsx_has_a_sheet_per_topic_the_chart_and_print_setup(
    known: Path, runner, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    got = _json(runner, known, "report", "--month", MONTH, "--out", str(tmp_path))
    book = load_workbook(next(p for p in got["files"] if p.endswith(".xlsx")))
    assert len(book.worksheets) == 5
    monthly = book.worksheets[1]
    owed = [row[2] for row in monthly.iter_rows(min_row=2, values_only=True)]
    assert owed == [t["owed"] for t in got["monthly"]["totals"]]
    overdue = book.worksheets[2]
    assert overdue.max_row - 1 == len(got["overdue"]["rows"])
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.print_title_rows == "$1:$1"
        (chart,) = ws._charts  # openpyxl reads the charts back
        assert chart.tagname == "barChart"
        (series,) = chart.series
        assert series.val.numRef.f.startswith("'月度报送完整率'!$H$")


def test_pdf_is_skipped_with_a_hint_without_libreoffice(
    known: Path, runner, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice anywhere
    result = invoke(
        runner,
        "report",
        "--month",
        MONTH,
        "--as-of",
        AS_OF,
        "--out",
        str(tmp_path),
        "--pdf",
        archive=known,
    )
    assert result.exit_code == 0, result.output + result.stderr
    assert "LibreOffice" in result.stderr
    assert not list(tmp_path.glob("*.pdf"))


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["report", "--month", "2026-13"], 2),
        (["report", "--month", "x"], 2),
        (["report", "--as-of", "2026-02-30"], 2),
        (["report", "--month", "2027-01", "--as-of", "2026-11-30"], 2),
        (["report", "--month", "2020-01", "--as-of", "2026-11-30"], 2),
    ],
)
def test_bad_option_values(ascii_archive: Path, tmp_path: Path, runner, argv, code) -> None:  # noqa: F811
    result = invoke(runner, *argv, "--out", str(tmp_path), archive=ascii_archive)
    assert result.exit_code == code, result.output + result.stderr
    assert "错误" in result.stderr or "Error" in result.stderr


def test_an_archive_overrides_the_template(tmp_path: Path, runner) -> None:
    from docx import Document

    archive = known_archive(tmp_path / "a")
    path = archive.root / "credit.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('start = ""', 'start = "2026-09"', 1),
        encoding="utf-8",
    )
    own = Document()
    own.add_paragraph("本局自拟通报 {{ serial }} {{ period }}")
    own.add_paragraph("{% for line in paragraphs %}{{ line }}{% endfor %}")
    (archive.root / "templates").mkdir(exist_ok=True)
    own.save(archive.root / "templates" / "report_monthly.docx")
    out = tmp_path / "out"
    got = _json(runner, archive.root, "report", "--month", MONTH, "--out", str(out))
    text = "\n".join(p.text for p in Document(got["files"][1]).paragraphs)
    assert "本局自拟通报 诚信通报〔2026〕10号 2026年10月" in text
    assert "应报送月度资料" in text


def test_the_default_month_is_the_latest_due(known: Path, runner, tmp_path: Path) -> None:
    from archive.monthly import default_month

    got = _json(runner, known, "report", "--out", str(tmp_path))
    assert got["month"] == default_month(Archive.open(known), date.fromisoformat(AS_OF))


@pytest.mark.slow
def test_pdf_through_libreoffice(known: Path, runner, tmp_path: Path) -> None:
    import shutil

    if not shutil.which("soffice"):
        pytest.skip("LibreOffice is not installed")
    got = _json(runner, known, "report", "--month", MONTH, "--out", str(tmp_path), "--pdf")
    pdf = Path(got["files"][2])
    assert pdf.suffix == ".pdf" and pdf.read_bytes().startswith(b"%PDF")
    assert got["pdf_skipped"] is None


def test_records_proposed_and_confirmed_in_the_month(tmp_path: Path, monkeypatch) -> None:
    from archive import records, store
    from archive.report_monthly import figures

    archive = known_archive(tmp_path)
    path = archive.root / "credit.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('start = ""', 'start = "2026-09"', 1),
        encoding="utf-8",
    )
    archive = Archive.open(archive.root)
    monkeypatch.setattr(store, "now_iso", lambda: "2026-11-10T09:00:00+08:00")
    report = records.propose(archive, date(2026, 11, 10))
    proposed = [i.record["id"] for i in report.items if i.outcome == "proposed" and i.record]
    assert len(proposed) >= 2
    monkeypatch.setattr(store, "now_iso", lambda: "2026-11-20T09:00:00+08:00")
    records.confirm(archive, proposed[0], "经核实属实")
    # (November's reports are not due yet: the records' part is what is looked at here)
    before = figures(archive, "2026-11", date(2026, 11, 18), require_due=False)["records"]
    assert (before["proposed"], before["confirmed"]) == (len(proposed), 0)
    after = figures(archive, "2026-11", date(2026, 11, 30), require_due=False)["records"]
    assert (after["proposed"], after["confirmed"]) == (len(proposed), 1)
    assert [row["id"] for row in after["confirmed_rows"]] == [proposed[0]]
    assert figures(archive, "2026-10", date(2026, 11, 30))["records"]["proposed"] == 0


def test_a_month_not_yet_due_is_refused(tmp_path: Path, runner) -> None:
    archive = known_archive(tmp_path)
    path = archive.root / "credit.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('start = ""', 'start = "2026-09"', 1),
        encoding="utf-8",
    )
    result = invoke(
        runner, "report", "--month", "2026-11", "--as-of", "2026-11-18", archive=archive.root
    )
    assert result.exit_code == 2
    assert "未到报送截止日" in result.stderr and not (archive.root / "out" / "report").exists()
