"""Issue 7 through the CLI: an enterprise's own commitment letter marks that year's
commitment returned (``credit ingest`` + ``credit enterprise show``); publicity and other
bureaus' documents are archived with their kind; only real .zip files are opened as archives.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from archive.enterprises import add_enterprise
from archive.store import Archive
from parsers.base import ParseError
from parsers.text import load_document
from tests.conftest import invoke
from tests.helpers import make_code
from tests.parsers_fixtures import write_docx, write_pdf

CODE, NAME = make_code(9101), "蓝山县某某建材有限公司"
OTHER_CODE, OTHER_NAME = make_code(9102), "蓝山县乙矿业有限公司"
BODY = [
    "蓝山县应急管理局：",
    "本单位郑重承诺：严格遵守安全生产法律法规，落实全员安全生产责任制，不违章指挥。",
]


def own_letter(
    path: Path,
    *,
    signer: str = "张三",
    day: str = "2026年3月1日",
    title: str = "2026年度安全生产承诺书",
) -> Path:
    blocks = [
        *BODY,
        f"承诺单位（盖章）：{NAME}",
        f"统一社会信用代码：{CODE}",
        f"法定代表人（签字）：{signer}",
        day,
    ]
    writer = write_pdf if path.suffix == ".pdf" else write_docx
    return writer(path, blocks, title=title)


def register(root: Path, *pairs: tuple[str, str]) -> None:
    archive = Archive.open(root)
    for code, name in pairs:
        add_enterprise(archive, {"credit_code": code, "name": name})


def ingest(runner, archive_dir: Path, folder: Path) -> list[dict]:
    result = invoke(runner, "ingest", str(folder), "--nl", archive=archive_dir)
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def show(runner, archive_dir: Path, code: str = CODE) -> dict:
    return json.loads(
        invoke(runner, "enterprise", "show", code, "--json", archive=archive_dir).stdout
    )


# -- commitment letters on the enterprise's own template -------------------------------------


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_own_letter_marks_the_year_returned(
    runner, archive_dir: Path, tmp_path: Path, suffix: str
) -> None:
    register(archive_dir, (CODE, NAME))
    inbox = tmp_path / "收件"
    inbox.mkdir()
    own_letter(inbox / f"承诺书{suffix}")
    (row,) = ingest(runner, archive_dir, inbox)
    assert row["status"] == "ingested" and row["kind"] == "commitment_letter", row
    assert row["signed"] is True and row["serial"] is None and row["matched_by"] == "code"
    detail = show(runner, archive_dir)
    (commitment,) = detail["commitments"]
    assert commitment["year"] == 2026 and commitment["level"] == "unit"
    assert commitment["status"] == "returned" and commitment["serial"] is None
    assert (commitment["signed"], commitment["signer"], commitment["sign_date"]) == (
        True,
        "张三",
        "2026-03-01",
    )
    assert commitment["returned_document"] == row["sha256"]
    table = invoke(runner, "enterprise", "show", CODE, archive=archive_dir)
    assert "（无编号）" in table.stdout and "已退回（单位自拟文本）" in table.stdout
    assert "已签" in table.stdout


def test_own_letter_returns_the_letter_we_issued_for_that_year(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    register(archive_dir, (CODE, NAME))
    out = tmp_path / "发出"
    issued = invoke(
        runner, "gen-commitment", CODE, "--year", "2026", "--out", str(out), "--json",
        archive=archive_dir,
    )  # fmt: skip
    (letter,) = json.loads(issued.stdout)["letters"]
    inbox = tmp_path / "收件"
    inbox.mkdir()
    own_letter(inbox / "自拟承诺书.docx")
    (row,) = ingest(runner, archive_dir, inbox)
    assert row["status"] == "ingested"
    detail = show(runner, archive_dir)
    (returned,) = detail["letters"]
    assert returned["serial"] == letter["serial"]
    assert returned["status"] == "returned" and returned["signed"] is True
    assert returned["returned_without_serial"] is True
    assert returned["returned_document"] == row["sha256"]
    assert detail["commitments"] == []


def test_another_year_is_not_this_year_s_letter(runner, archive_dir: Path, tmp_path: Path) -> None:
    register(archive_dir, (CODE, NAME))
    invoke(
        runner, "gen-commitment", CODE, "--year", "2026", "--out", str(tmp_path / "发出"),
        archive=archive_dir,
    )  # fmt: skip
    inbox = tmp_path / "收件"
    inbox.mkdir()
    own_letter(inbox / "2025.pdf", title="2025年度安全生产承诺书", day="2025年1月3日")
    ingest(runner, archive_dir, inbox)
    detail = show(runner, archive_dir)
    assert detail["letters"][0]["status"] == "issued"
    assert [(c["year"], c["signed"]) for c in detail["commitments"]] == [(2025, True)]


def test_a_signed_copy_is_not_undone_by_a_blank_one(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    register(archive_dir, (CODE, NAME))
    first, second = tmp_path / "一", tmp_path / "二"
    first.mkdir()
    second.mkdir()
    own_letter(first / "空白.docx", signer="", day="年  月  日")
    ingest(runner, archive_dir, first)
    (blank,) = show(runner, archive_dir)["commitments"]
    assert blank["signed"] is False and blank["signer"] is None
    # Without a year in the title, the year is the one it was signed in.
    own_letter(second / "签字.pdf", title="安全生产承诺书")
    ingest(runner, archive_dir, second)
    (signed,) = show(runner, archive_dir)["commitments"]
    assert signed["signed"] is True and signed["year"] == 2026
    third = tmp_path / "三"
    third.mkdir()
    own_letter(third / "又一份空白.pdf", signer="", day="年  月  日")
    ingest(runner, archive_dir, third)
    (still,) = show(runner, archive_dir)["commitments"]
    assert still["signed"] is True and still["returned_document"] == signed["returned_document"]
    before = show(runner, archive_dir)
    invoke(runner, "reindex", archive=archive_dir)
    assert show(runner, archive_dir)["commitments"] == before["commitments"]


def test_publicity_list_is_archived_for_each_enterprise(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    register(archive_dir, (CODE, NAME), (OTHER_CODE, OTHER_NAME))
    inbox = tmp_path / "收件"
    inbox.mkdir()
    rows = [
        ["序号", "行政相对人名称", "统一社会信用代码", "处罚决定书文号", "罚款金额（元）"],
        ["1", NAME, CODE, "（湘永蓝）应急罚〔2026〕7号", "20000"],
        ["2", OTHER_NAME, OTHER_CODE[:14] + "****", "（湘永蓝）应急罚〔2026〕8号", "3000"],
    ]
    write_docx(inbox / "公示.docx", ["公示如下：", rows, "特此公示。"], title="行政处罚信息公示")
    (row,) = ingest(runner, archive_dir, inbox)
    assert row["status"] == "ingested" and row["kind"] == "penalty_publicity", row
    assert row["credit_codes"] == [CODE, OTHER_CODE]
    documents = show(runner, archive_dir, OTHER_CODE)["documents"]
    assert [d["fields"]["entries"][1]["fine_yuan"] for d in documents] == [3000]
    table = invoke(runner, "enterprise", "show", OTHER_CODE, archive=archive_dir)
    assert "行政处罚信息公示" in table.stdout


# -- zips ------------------------------------------------------------------------------------


def test_docx_that_is_a_zip_without_word_content_fails_with_that_reason(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    register(archive_dir, (CODE, NAME))
    inbox = tmp_path / "收件"
    inbox.mkdir()
    letter = own_letter(tmp_path / "letter.pdf")
    # A zip holding a perfectly good PDF, but named .docx: not opened as a folder of files.
    with zipfile.ZipFile(inbox / "决定书.docx", "w") as packed:
        packed.write(letter, "里面的承诺书.pdf")
    with zipfile.ZipFile(inbox / "台账.xlsx", "w") as packed:
        packed.write(letter, "xl/承诺书.pdf")
    with zipfile.ZipFile(inbox / "打包.zip", "w") as packed:
        packed.write(letter, "承诺书.pdf")
    rows = {Path(row["path"]).name: row for row in ingest(runner, archive_dir, inbox)}
    assert set(rows) == {"决定书.docx", "台账.xlsx", "打包.zip!承诺书.pdf"}, rows
    assert rows["决定书.docx"]["status"] == "failed"
    assert "压缩包" in rows["决定书.docx"]["reason"]
    assert "word/document.xml" in rows["决定书.docx"]["reason"]
    assert rows["台账.xlsx"]["status"] == "skipped"
    assert rows["打包.zip!承诺书.pdf"]["status"] == "ingested"


def test_load_document_names_the_missing_word_content(tmp_path: Path) -> None:
    path = tmp_path / "回执.docx"
    with zipfile.ZipFile(path, "w") as packed:
        packed.writestr("readme.txt", "not word")
    with pytest.raises(ParseError) as caught:
        load_document(path)
    assert caught.value.reason == "damaged"
    assert "word/document.xml" in str(caught.value) and "回执.docx" in str(caught.value)
