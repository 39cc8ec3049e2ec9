"""Scans through ingest: an issued letter scanned or photographed comes back matched by its QR
code; a QR code the archive did not issue, or whose code differs, is unmatched with that
reason; broken and huge images fail alone; --review and explain --png."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from archive import enterprises
from archive.store import Archive
from tests.conftest import invoke
from tests.helpers import make_code
from tests.scan_fixtures import Distortion, blank_page, distort, encode, paste, qr_picture
from tests.test_scan_pages import huge_png

NAME = "蓝山县甲矿业有限公司"


@pytest.fixture
def issued(runner, archive_dir: Path, tmp_path: Path) -> dict:
    """One commitment letter issued to one enterprise; its QR picture as the letter has it."""
    archive = Archive.open(archive_dir)
    code = make_code(100)
    enterprises.add_enterprise(archive, {"credit_code": code, "name": NAME, "industry": "非煤矿山"})
    result = invoke(
        runner, "gen-commitment", code, "--year", "2026", "--out", str(tmp_path / "out"),
        "--json", archive=archive_dir,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    letter = json.loads(result.stdout)["letters"][0]
    with zipfile.ZipFile(letter["file"]) as docx:
        png = docx.read("word/media/credit_qr.png")
    qr = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    return {"serial": letter["serial"], "code": code, "qr": qr}


def scanned(qr, how: Distortion, seed: int = 0):
    """A page with ``qr`` where the letter has it, as a scanner or phone gives it back."""
    page = paste(blank_page(how.dpi, seed), qr, how.dpi, x_mm=170, y_mm=15, size_mm=20)
    return distort(page, how, seed)


def nl(stdout: str) -> dict[str, dict]:
    rows = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    return {Path(row["path"]).name: row for row in rows}


def test_a_scanned_letter_is_matched_by_its_qr_code_in_every_format(
    runner, archive_dir: Path, tmp_path: Path, issued: dict
) -> None:
    folder = tmp_path / "收件"
    folder.mkdir()
    image = scanned(issued["qr"], Distortion(dpi=200, angle=-3, blur=0.6, noise=3), 1)
    (folder / "扫描.jpg").write_bytes(encode(image, ".jpg", quality=60))
    (folder / "扫描.png").write_bytes(encode(scanned(issued["qr"], Distortion(dpi=150), 2), ".png"))
    tilted = scanned(issued["qr"], Distortion(dpi=300, angle=181, tilt=10), 3)
    (folder / "扫描.tif").write_bytes(encode(tilted, ".tif", dpi=300))
    blank = Image.fromarray(blank_page(150, 4))
    Image.fromarray(scanned(issued["qr"], Distortion(dpi=150, angle=90), 5)).save(
        folder / "扫描件.pdf", "PDF", resolution=150, save_all=True, append_images=[blank]
    )  # a PDF of two scanned pages, no text layer: the QR is on page 1

    result = invoke(runner, "ingest", str(folder), "--nl", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    rows = nl(result.stdout)
    assert set(rows) == {"扫描.jpg", "扫描.png", "扫描.tif", "扫描件.pdf"}
    for name, row in rows.items():
        assert row["status"] == "ingested", (name, row["reason"])
        assert row["kind"] == "commitment_letter" and row["matched_by"] == "qr"
        assert row["serial"] == issued["serial"] and row["credit_codes"] == [issued["code"]]
        assert row["signed"] is None  # no signature check yet: uncertain, never signed
    assert rows["扫描.jpg"]["stored"].endswith(".jpg") and rows["扫描件.pdf"]["stored"].endswith(
        ".pdf"
    )
    assert rows["扫描.tif"]["stored"].endswith(".tif")
    archive = Archive.open(archive_dir)
    letter = archive.index().table("letters").record(issued["serial"])
    assert letter["status"] == "returned", letter
    stored = archive.index().table("documents").record(rows["扫描件.pdf"]["sha256"])
    assert stored["fields"]["scan"]["pages"] == 2 and stored["fields"]["parser"] == "scan"

    review = invoke(runner, "ingest", "--review", "--json", archive=archive_dir)
    assert review.exit_code == 0, review.stderr
    listed = json.loads(review.stdout)
    assert {Path(row["original"]).name for row in listed} == set(rows)
    assert {(row["status"], row["credit_code"], row["name"], row["serial"]) for row in listed} == {
        ("uncertain", issued["code"], NAME, issued["serial"])
    }
    assert all(row["page"] == 1 and row["reason"] for row in listed)


def test_an_exif_rotated_photo_is_matched(
    runner, archive_dir: Path, tmp_path: Path, issued: dict
) -> None:
    image = scanned(issued["qr"], Distortion(dpi=200, tilt=8, light=0.2, quality=70), 6)
    stored = np.ascontiguousarray(np.rot90(image, k=1))  # as the phone's sensor wrote it
    exif = Image.Exif()
    exif[0x0112] = 6
    folder = tmp_path / "手机"
    folder.mkdir()
    Image.fromarray(stored).save(folder / "IMG_0001.jpg", exif=exif, quality=80)
    result = invoke(runner, "ingest", str(folder), "--nl", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    (row,) = nl(result.stdout).values()
    assert (row["status"], row["serial"]) == ("ingested", issued["serial"])


def test_a_qr_code_never_issued_or_with_another_code_is_unmatched(
    runner, archive_dir: Path, tmp_path: Path, issued: dict
) -> None:
    folder = tmp_path / "收件"
    folder.mkdir()
    unknown = "蓝应急诺〔2026〕9999号"
    other_code = make_code(101)
    wrong = {
        "未发过.png": f"CREDIT|{unknown}|{issued['code']}",
        "代码不符.png": f"CREDIT|{issued['serial']}|{other_code}",
    }
    for name, payload in wrong.items():
        image = scanned(qr_picture(payload), Distortion(dpi=200, angle=12), 7)
        (folder / name).write_bytes(encode(image, ".png"))
    # The enterprise named in the QR code is registered: still never filed by that code.
    enterprises.add_enterprise(
        Archive.open(archive_dir), {"credit_code": other_code, "name": "乙公司"}
    )
    result = invoke(runner, "ingest", str(folder), "--nl", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    rows = nl(result.stdout)
    assert {name: row["status"] for name, row in rows.items()} == dict.fromkeys(wrong, "unmatched")
    assert (
        unknown in rows["未发过.png"]["reason"] and "不是本档案发出" in rows["未发过.png"]["reason"]
    )
    reason = rows["代码不符.png"]["reason"]
    assert other_code in reason and issued["code"] in reason and issued["serial"] in reason
    assert rows["代码不符.png"]["kind"] == "commitment_letter"  # the letter is known
    archive = Archive.open(archive_dir)
    assert archive.index().table("letters").record(issued["serial"])["status"] != "returned"
    assert len(list((archive_dir / "inbox" / "unmatched").glob("*.png"))) == 2

    review = invoke(runner, "ingest", "--review", "--csv", archive=archive_dir)
    assert review.exit_code == 0
    lines = review.stdout.splitlines()
    assert lines[0] == "status,credit_code,name,serial,file,page,reason,confidence"
    assert len(lines) == 3 and all(line.startswith("unmatched,") for line in lines[1:])
    table = invoke(runner, "ingest", "--review", archive=archive_dir)
    assert table.exit_code == 0 and "未匹配" in table.stdout and unknown in table.stdout


def test_huge_and_broken_images_fail_alone(
    runner, archive_dir: Path, tmp_path: Path, issued: dict
) -> None:
    folder = tmp_path / "收件"
    folder.mkdir()
    huge_png(folder / "巨图.png")
    (folder / "坏图.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(3000))
    good = scanned(issued["qr"], Distortion(dpi=150, angle=45), 8)
    (folder / "好图.jpg").write_bytes(encode(good, ".jpg"))
    result = invoke(runner, "ingest", str(folder), "--nl", archive=archive_dir)
    assert result.exit_code == 3, result.stderr
    rows = nl(result.stdout)
    assert rows["好图.jpg"]["status"] == "ingested"
    assert rows["巨图.png"]["status"] == "failed"
    assert (
        "巨图.png" in rows["巨图.png"]["reason"] and "30000 × 30000" in rows["巨图.png"]["reason"]
    )
    assert rows["坏图.jpg"]["status"] == "failed" and "坏图.jpg" in rows["坏图.jpg"]["reason"]


def test_a_scan_without_our_code_and_without_ocr_needs_ocr(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("CREDIT_TESSERACT", "")  # as without tesseract
    folder = tmp_path / "收件"
    folder.mkdir()
    (folder / "执法文书.jpg").write_bytes(encode(blank_page(150, 9), ".jpg"))
    result = invoke(runner, "ingest", str(folder), "--nl", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    (row,) = nl(result.stdout).values()
    assert row["status"] == "needs-ocr"
    assert "tesseract-ocr-chi-sim" in row["reason"] and "执法文书.jpg" in row["reason"]


def test_images_are_parsed_in_the_worker_under_its_time_limit(
    archive_dir: Path, tmp_path: Path, issued: dict, monkeypatch
) -> None:
    """The worker is forked after this patch: a slow page load is stopped by the time limit,
    so the scan path runs inside archive.pool's worker, not in the parent."""
    import time

    import parsers.scan.pages
    from archive.ingest import ingest

    def slow(*args, **kwargs):
        time.sleep(30)

    monkeypatch.setattr(parsers.scan.pages, "load_pages", slow)
    folder = tmp_path / "收件"
    folder.mkdir()
    (folder / "慢.png").write_bytes(encode(scanned(issued["qr"], Distortion(dpi=150)), ".png"))
    started = time.monotonic()
    report = ingest(Archive.open(archive_dir), [folder], jobs=1, timeout=1.0)
    assert time.monotonic() - started < 15
    (result,) = report.results
    assert result.status == "failed" and "超时" in result.reason


def test_explain_png_draws_the_pages(runner, tmp_path: Path, issued: dict) -> None:
    image = scanned(issued["qr"], Distortion(dpi=150, angle=30), 10)
    path = tmp_path / "扫描.pdf"
    Image.fromarray(image).save(
        path, "PDF", resolution=150, save_all=True, append_images=[Image.fromarray(image)]
    )
    out = tmp_path / "看" / "图.png"
    result = invoke(runner, "explain", str(path), "--png", str(out))
    assert result.exit_code == 0, result.stderr
    second = out.with_name("图-p2.png")
    assert out.is_file() and second.is_file()
    assert "第 1 页" in result.stdout and str(out) in result.stdout and str(second) in result.stdout
    assert issued["serial"] in result.stdout
    drawn = np.asarray(Image.open(out).convert("RGB")).astype(int)
    blue = (drawn[:, :, 2] > 200) & (drawn[:, :, 0] < 60) & (drawn[:, :, 1] < 140)
    assert blue.sum() > 100  # the QR code's outline
    as_json = invoke(runner, "explain", str(path), "--png", str(out), "--json")
    pages = json.loads(as_json.stdout)
    assert [page["page"] for page in pages] == [1, 2]
    assert pages[0]["codes"][0]["serial"] == issued["serial"]

    docx = tmp_path / "x.txt"
    docx.write_text("不是图片", encoding="utf-8")
    refused = invoke(runner, "explain", str(docx), "--png", str(out))
    assert refused.exit_code == 1 and "x.txt" in refused.stderr


def test_review_options(runner, archive_dir: Path) -> None:
    empty = invoke(runner, "ingest", "--review", archive=archive_dir)
    assert empty.exit_code == 0 and "没有待核对的扫描件" in empty.stderr
    assert (
        json.loads(invoke(runner, "ingest", "--review", "--json", archive=archive_dir).stdout) == []
    )
    both = invoke(runner, "ingest", "--review", "--json", "--csv", archive=archive_dir)
    assert both.exit_code == 2
    alone = invoke(runner, "ingest", "x", "--json", archive=archive_dir)
    assert alone.exit_code == 2 and "--review" in alone.stderr
    extra = invoke(runner, "ingest", "--review", str(archive_dir), archive=archive_dir)
    assert extra.exit_code == 2


@pytest.mark.parametrize(("signed", "expected"), [({}, False), ({"seal": True}, True)])
def test_the_signature_check_decides_signed(
    runner, archive_dir: Path, tmp_path: Path, issued: dict, monkeypatch, signed, expected
) -> None:
    """The signature block's page (drawn as tests/test_scan_signature.py draws it, with this
    letter's serial and code in its QR code): signed only when signer, date and seal are there."""
    from tests import test_scan_signature as drawn

    monkeypatch.setattr(drawn, "SERIAL", issued["serial"])
    monkeypatch.setattr(drawn, "CODE", issued["code"])
    marks = {"signature": True, "date": True, **signed} if signed else {}
    sheet, _rng = drawn._sheet("commitment_unit", 200, 11, **marks)
    folder = tmp_path / "收件"
    folder.mkdir()
    (folder / "签字页.png").write_bytes(encode(sheet.image, ".png"))
    result = invoke(runner, "ingest", str(folder), "--nl", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    (row,) = nl(result.stdout).values()
    assert (row["status"], row["serial"], row["signed"]) == ("ingested", issued["serial"], expected)
    letter = Archive.open(archive_dir).index().table("letters").record(issued["serial"])
    assert letter["status"] == "returned" and bool(letter.get("signed")) is expected
    review = invoke(runner, "ingest", "--review", "--json", archive=archive_dir)
    assert json.loads(review.stdout) == []  # decided: nothing for the clerk
    out = tmp_path / "看.png"
    shown = invoke(runner, "explain", str(folder / "签字页.png"), "--png", str(out))
    assert shown.exit_code == 0 and ("已签字盖章" if expected else "未签字盖章") in shown.stdout
    picture = np.asarray(Image.open(out).convert("RGB")).astype(int)
    colour = (0, 170, 0) if expected else (220, 0, 0)
    assert (np.abs(picture - colour).sum(axis=2) < 30).sum() > 100  # the regions drawn


def test_explain_without_png_reads_a_scan_as_ingest_does(
    runner, archive_dir: Path, tmp_path: Path, issued: dict, monkeypatch
) -> None:
    """`credit explain` of a photo: its QR codes and the signature check, as text and JSON."""
    from tests import test_scan_signature as drawn

    monkeypatch.setattr(drawn, "SERIAL", issued["serial"])
    monkeypatch.setattr(drawn, "CODE", issued["code"])
    sheet, _rng = drawn._sheet("commitment_unit", 200, 4, signature=True, date=True, seal=False)
    photo = tmp_path / "签字页.jpg"
    photo.write_bytes(encode(sheet.image, ".jpg"))
    result = invoke(runner, "explain", str(photo))
    assert result.exit_code == 0, result.stderr
    assert issued["serial"] in result.stdout and "签字盖章" in result.stdout
    assert "未签字盖章" in result.stdout and "印章" in result.stdout  # no seal: not signed
    data = json.loads(invoke(runner, "explain", str(photo), "--json").stdout)
    assert data["extractor"] == "qr" and data["fields"]["serial"]["value"] == issued["serial"]
    assert data["scan"]["signature"]["verdict"] == "unsigned"
    assert data["fields"]["signed"]["value"] is False


def test_heic_photos_and_files_named_as_images_fail_with_what_to_do(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "收件"
    folder.mkdir()
    (folder / "IMG_0001.HEIC").write_bytes(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 200)
    (folder / "回执.jpg").write_text("这不是照片", encoding="utf-8")
    result = invoke(runner, "ingest", str(folder), "--nl", archive=archive_dir)
    assert result.exit_code == 3
    rows = nl(result.stdout)
    assert rows["IMG_0001.HEIC"]["status"] == "failed"
    assert "HEIC" in rows["IMG_0001.HEIC"]["reason"] and "JPEG" in rows["IMG_0001.HEIC"]["reason"]
    assert rows["回执.jpg"]["status"] == "failed"
    assert "内容不是图片" in rows["回执.jpg"]["reason"]


def _signed_page(issued: dict, monkeypatch, **marks) -> bytes:
    from tests import test_scan_signature as drawn

    monkeypatch.setattr(drawn, "SERIAL", issued["serial"])
    monkeypatch.setattr(drawn, "CODE", issued["code"])
    sheet, _rng = drawn._sheet("commitment_unit", 200, 8, **marks)
    return encode(sheet.image, ".jpg")


def test_a_signed_letter_stays_signed_when_page_one_comes_alone_later(
    runner, archive_dir: Path, tmp_path: Path, issued: dict, monkeypatch
) -> None:
    """Page 2 photographed signed, then page 1 on its own (uncertain: no signature block on
    it): the letter stays signed, and nothing waits for review."""
    first, second = tmp_path / "一", tmp_path / "二"
    first.mkdir()
    second.mkdir()
    marks = {"signature": True, "date": True, "seal": True}
    (first / "签字页.jpg").write_bytes(_signed_page(issued, monkeypatch, **marks))
    (second / "第1页.jpg").write_bytes(encode(scanned(issued["qr"], Distortion(dpi=200)), ".jpg"))
    for folder in (first, second):
        assert invoke(runner, "ingest", str(folder), archive=archive_dir).exit_code == 0
    letter = Archive.open(archive_dir).index().table("letters").record(issued["serial"])
    assert letter["signed"] is True and len(letter["later_copies"]) == 1
    review = invoke(runner, "ingest", "--review", "--json", archive=archive_dir)
    assert json.loads(review.stdout) == []


def test_an_uncertain_scan_waits_for_the_clerk_who_decides(
    runner, archive_dir: Path, tmp_path: Path, issued: dict
) -> None:
    folder = tmp_path / "收件"
    folder.mkdir()
    (folder / "第1页.jpg").write_bytes(encode(scanned(issued["qr"], Distortion(dpi=200)), ".jpg"))
    result = invoke(runner, "ingest", str(folder), archive=archive_dir)
    assert result.exit_code == 0
    assert "签字盖章待核对" in result.stderr and "credit ingest --review" in result.stderr
    letter = Archive.open(archive_dir).index().table("letters").record(issued["serial"])
    assert letter["status"] == "returned" and letter["signed"] is None  # not False: undecided
    shown = invoke(runner, "enterprise", "show", issued["code"], archive=archive_dir)
    assert "签字待核对" in shown.stdout
    (row,) = json.loads(invoke(runner, "ingest", "--review", "--json", archive=archive_dir).stdout)
    assert row["serial"] == issued["serial"] and row["status"] == "uncertain"

    no_reason = invoke(
        runner, "letter", "signed", issued["serial"], "--reason", " ", archive=archive_dir
    )
    assert no_reason.exit_code == 2 and "--reason" in no_reason.stderr
    unknown = invoke(
        runner, "letter", "signed", "蓝应急诺〔1999〕9999号", "--reason", "x", archive=archive_dir
    )
    assert unknown.exit_code == 1 and "9999" in unknown.stderr
    decided = invoke(
        runner, "letter", "signed", issued["serial"], "--reason", "已核对原件，有签字和公章",
        "--json", archive=archive_dir,
    )  # fmt: skip
    assert decided.exit_code == 0, decided.stderr
    assert json.loads(decided.stdout)["signed"] is True
    assert (
        json.loads(invoke(runner, "ingest", "--review", "--json", archive=archive_dir).stdout) == []
    )
    entries = [
        e
        for e in Archive.open(archive_dir).journal.iter_entries()
        if e["type"] == "letter.signature_decided"
    ]
    assert [e["data"]["reason"] for e in entries] == ["已核对原件，有签字和公章"]
    undone = invoke(
        runner, "letter", "unsigned", issued["serial"], "--reason", "公章不符", archive=archive_dir
    )
    assert undone.exit_code == 0
    letter = Archive.open(archive_dir).index().table("letters").record(issued["serial"])
    assert letter["signed"] is False and letter["signature_decided"]["reason"] == "公章不符"


def test_review_refuses_the_options_of_a_filing_run(runner, archive_dir: Path) -> None:
    for extra in (["--dry-run"], ["--move"], ["--received", "2026-11-30"], ["--jobs", "2"]):
        result = invoke(runner, "ingest", "--review", *extra, archive=archive_dir)
        assert result.exit_code == 2 and extra[0] in result.stderr, extra


def test_a_scanner_s_searchable_pdf_is_judged_by_its_codes_and_ink(
    runner, archive_dir: Path, tmp_path: Path, issued: dict, monkeypatch
) -> None:
    """A bureau's scanner puts its own OCR text under the picture: the signature page's text
    layer names the letter but not the handwriting; the QR code and the ink decide."""
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from parsers.scan.pages import is_scanned_pdf

    marks = {"signature": True, "date": True, "seal": True}
    picture = Image.open(io.BytesIO(_signed_page(issued, monkeypatch, **marks)))
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    folder = tmp_path / "收件"
    folder.mkdir()
    path = folder / "扫描仪.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawImage(ImageReader(picture), 0, 0, width=A4[0], height=A4[1])
    text = pdf.beginText(60, 700)
    text.setTextRenderMode(3)  # invisible, as a scanner's OCR layer is
    text.setFont("STSong-Light", 12)
    for line in (
        "安全生产承诺书",
        f"编号：{issued['serial']}",
        "单位（盖章）：",
        "法定代表人（签字）：",
    ):
        text.textLine(line)
    pdf.drawText(text)
    pdf.save()
    assert is_scanned_pdf(path)
    result = invoke(runner, "ingest", str(folder), "--nl", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    (row,) = nl(result.stdout).values()
    assert (row["status"], row["matched_by"], row["signed"]) == ("ingested", "qr", True)
