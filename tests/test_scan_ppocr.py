"""The second reader of a scan (parsers/scan/ppocr.py): PP-OCR where tesseract's reading
leaves the kind, the credit code, the 文号 or the enterprise unread or unsure.

How the two readings are made one (:func:`parsers.scan.ocr._combined`) is tested on readings
built from tesseract TSV (no engine needed); the engines themselves read rendered pages only
where tesseract with chi_sim, a CJK font and the PP-OCR models are there (slow).
"""

from __future__ import annotations

import io
import json
import random

import pytest

from parsers.scan import ocr, ppocr
from tests.helpers import make_code
from tests.scan_docs import find_cjk_font, make_documents, render_pages
from tests.test_scan_ocr import CODE, order_lines, read_tsv

needs_engines = pytest.mark.skipif(
    ocr.tesseract_status() is not None or find_cjk_font() is None or not ppocr.available(),
    reason="needs tesseract with chi_sim, a CJK font and rapidocr with onnxruntime",
)


def test_boxes_are_grouped_into_lines_top_to_bottom_left_to_right() -> None:
    boxes = [
        (400, 102, 900, 140, "91110000600037341L", 0.99),
        (100, 100, 380, 138, "统一社会信用代码：", 0.98),
        (300, 20, 700, 70, "责令限期整改指令书", 0.99),
        (100, 160, 600, 200, "地址：蓝山县工业园", 0.97),
    ]
    lines = ppocr._lines(boxes)
    assert [[box[4] for box in line] for line in lines] == [
        ["责令限期整改指令书"],
        ["统一社会信用代码：", "91110000600037341L"],
        ["地址：蓝山县工业园"],
    ]


def _combined(first, second):
    return ocr._combined(first, second)


def test_a_code_the_first_reading_lost_is_taken_from_the_second() -> None:
    first = read_tsv(order_lines(CODE, code_conf=20.0))  # too unsure: dropped
    assert first.credit_code is None and first.unsure_code == CODE
    parsed, taken = _combined(first, read_tsv(order_lines(CODE)))
    assert (parsed.credit_code, parsed.credit_code_status) == (CODE, "valid")
    assert "credit_code" in taken and parsed.unsure_code is None


def test_two_readings_of_different_codes_give_no_code() -> None:
    other = make_code(4242)
    parsed, taken = _combined(read_tsv(order_lines(CODE)), read_tsv(order_lines(other)))
    assert parsed.credit_code is None and parsed.unsure_code is None
    assert "credit_code" not in taken
    assert any(CODE in note and other in note for note in parsed.warnings)


def test_an_unsure_code_the_second_reading_contradicts_is_not_held() -> None:
    other = make_code(4242)
    first = read_tsv(order_lines(CODE, code_conf=20.0))
    parsed, _taken = _combined(first, read_tsv(order_lines(other)))
    assert parsed.credit_code is None and parsed.unsure_code is None


def test_a_doc_number_read_unsurely_is_taken_from_a_surer_second_reading() -> None:
    first = read_tsv(order_lines(CODE, number_conf=30.0))  # dropped as too unsure
    assert first.get("doc_number") is None
    second = read_tsv(order_lines(CODE))
    parsed, taken = _combined(first, second)
    assert parsed.get("doc_number") == second.get("doc_number") == "蓝应急责改〔2026〕3号"
    assert "doc_number" in taken
    chosen = [item for item in parsed.candidates["doc_number"] if item["chosen"]]
    assert [item["value"] for item in chosen] == ["蓝应急责改〔2026〕3号"]
    # a surely read 文号 stays as the first reading has it
    sure = read_tsv(order_lines(CODE))
    again = read_tsv(order_lines(CODE))
    again.fields["doc_number"].value = "蓝应急责改〔2026〕8号"
    parsed, taken = _combined(sure, again)
    assert parsed.get("doc_number") == "蓝应急责改〔2026〕3号" and "doc_number" not in taken


def test_the_reading_that_knows_the_kind_is_the_base() -> None:
    lines = order_lines(CODE)
    first = read_tsv([[("责令限期整改", 40.0), ("X", 40.0)], *lines[1:]])
    assert first.kind == "unknown"
    parsed, taken = _combined(first, read_tsv(lines))
    assert parsed.kind == "rectification_order" and taken[0] == "kind"
    assert parsed.reread == {}


def _photocopy(page, seed: int):
    """A pale, speckled, blurred copy, saved as a poor JPEG."""
    import numpy as np
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    image = page.convert("L").rotate(rng.uniform(-2, 2), expand=True, fillcolor=255)
    array = np.asarray(image, dtype=np.float32)
    array = 255 - (255 - array) * rng.uniform(0.35, 0.5)
    array += np.random.default_rng(seed).normal(0, 14, array.shape)
    array[np.random.default_rng(seed + 1).random(array.shape) < 0.002] = 60
    image = Image.fromarray(np.clip(array, 0, 255).astype(np.uint8))
    image = image.filter(ImageFilter.GaussianBlur(0.9))
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=45)
    buffer.seek(0)
    return np.asarray(Image.open(buffer).convert("RGB"))


@pytest.mark.slow
@needs_engines
def test_poor_copies_are_read_by_the_second_engine_where_tesseract_fails(monkeypatch) -> None:
    """Faint photocopies whose 文号 tesseract alone does not read: with PP-OCR as the second
    reader the code and the 文号 are right, and no wrong code is taken either way."""
    documents = make_documents(12, seed=77)[:12:3]
    pages = [
        (doc, _photocopy(render_pages(doc, 200)[0], number)) for number, doc in enumerate(documents)
    ]

    def right(parsed, doc) -> bool:
        return parsed.credit_code == doc.credit_code and parsed.get("doc_number") == doc.doc_number

    both = [ocr.ocr_document([page]) for _doc, page in pages]
    with monkeypatch.context() as patch:
        patch.setattr(ppocr, "available", lambda: False)
        alone = [ocr.ocr_document([page]) for _doc, page in pages]
    for parsed, (doc, _page) in zip(both + alone, pages + pages, strict=True):
        assert parsed.credit_code in (None, doc.credit_code)
    right_both = sum(right(parsed, doc) for parsed, (doc, _page) in zip(both, pages, strict=True))
    right_alone = sum(right(parsed, doc) for parsed, (doc, _page) in zip(alone, pages, strict=True))
    assert right_both == len(pages) > right_alone
    assert all(parsed.get("ocr")["second_engine"] is None for parsed in alone)


def test_explain_shows_the_second_reading_and_what_was_taken_from_it(
    runner, tmp_path, monkeypatch
) -> None:
    from PIL import Image

    from tests.conftest import invoke

    first, second = read_tsv(order_lines(CODE, number_conf=30.0)), read_tsv(order_lines(CODE))
    first.lines = ["责令限期整改指令书", "蓝应急责改〔2026〕-号"]
    second.lines = ["责令限期整改指令书", "蓝应急责改〔2026〕3号"]
    parsed, taken = _combined(first, second)
    parsed.put("ocr", {"engine": "tesseract", "second_engine": ppocr.ENGINE, "taken": taken})
    monkeypatch.setattr("parsers.scan.parse_scan", lambda path, media, **options: parsed)
    path = tmp_path / "扫描.png"
    Image.new("RGB", (200, 100), "white").save(path)
    result = invoke(runner, "explain", str(path))
    assert result.exit_code == 0, result.stderr
    assert "tesseract + PP-OCR" in result.stdout
    assert "第二个识别引擎（PP-OCR）读出的文字（取用：doc_number）" in result.stdout
    assert "蓝应急责改〔2026〕3号" in result.stdout
    as_json = invoke(runner, "explain", str(path), "--json")
    assert json.loads(as_json.stdout)["second_lines"] == second.lines


def test_ingest_says_which_engine_read_a_scan_and_when_the_second_is_missing(
    runner, archive_dir, tmp_path, monkeypatch
) -> None:
    """--nl carries ``ocr`` (unsure, taken, second_engine); without PP-OCR, ingest's closing
    lines say how many scans were read by tesseract alone and how to put it right."""
    from archive.enterprises import add_enterprise
    from archive.store import Archive
    from tests.conftest import invoke
    from tests.parsers_fixtures import write_pdf

    add_enterprise(
        Archive.open(archive_dir), {"credit_code": CODE, "name": "蓝山县宏达矿业有限公司"}
    )
    folder = tmp_path / "收件"
    folder.mkdir()
    write_pdf(folder / "扫描.pdf", ["扫描件"], title="责令限期整改指令书")

    def read(path, **_options):
        parsed = read_tsv(order_lines(CODE, number_conf=30.0))
        parsed.put(
            "ocr",
            {"engine": "tesseract", "second_engine": None, "unsure": ["doc_number"], "taken": []},
        )
        return parsed

    monkeypatch.setattr("parsers.registry.parse_path", read)
    monkeypatch.setattr(ppocr, "available", lambda: False)
    result = invoke(runner, "ingest", str(folder), "--nl", "--jobs", "1", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    assert "第二个文字识别引擎（PP-OCR）不可用：1 份扫描件" in result.stderr
    assert "pip install rapidocr onnxruntime" in result.stderr
    row = json.loads(result.stdout.splitlines()[0])
    assert row["status"] == "ingested"
    assert row["ocr"] == {"second_engine": None, "unsure": ["doc_number"], "taken": []}


def test_a_name_the_two_engines_read_differently_is_as_sure_as_the_less_sure() -> None:
    first, second = read_tsv(order_lines(CODE)), read_tsv(order_lines(CODE))
    second.enterprises[0].name = "蓝山县宏远矿业有限公司"
    assert first.name_conf_min is not None and first.name_conf_min > 50
    second.name_conf_min = 30.0
    parsed, _taken = _combined(first, second)
    assert parsed.name_conf_min == 30.0
    first, second = read_tsv(order_lines(CODE)), read_tsv(order_lines(CODE))
    second.enterprises[0].name = "蓝山县宏远矿业有限公司"
    sure, _taken = _combined(first, second)  # tesseract read it surely: it stays sure
    assert sure.name_conf_min is not None and sure.name_conf_min > 50


@pytest.mark.skipif(not ppocr.available(), reason="needs rapidocr with onnxruntime")
def test_the_second_engine_writes_nothing_outside_and_sends_nothing(tmp_path) -> None:
    """onnxruntime's telemetry (a device id under ~/.cache, a session file in TMPDIR) is off."""
    import subprocess
    import sys

    from tests.conftest import child_env

    home, scratch = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    scratch.mkdir()
    code = "from parsers.scan import ppocr; assert ppocr.available(); ppocr._engine()"
    env = child_env(HOME=str(home), TMPDIR=str(scratch), XDG_CACHE_HOME=str(home / ".cache"))
    env.pop("ORT_DISABLE_TELEMETRY", None)
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    assert list(home.rglob("*")) == [] and list(scratch.rglob("*")) == []
