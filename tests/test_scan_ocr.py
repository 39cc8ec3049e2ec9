"""OCR of scanned enforcement documents (parsers/scan/ocr.py) and its suggestions at ingest.

The pieces that need no tesseract (joining tesseract's words, confidences, dropped fields,
the install hint, the suggestion of a registered code one character off) run everywhere;
reading rendered pages needs tesseract with chi_sim and a CJK font, and skips without them.
The must-hold (50 documents: credit code and 文号 right ≥ 90 %, no wrong code accepted) is
marked slow.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive import uscc
from parsers.base import Document, ParsedDocument
from parsers.registry import parse_document
from parsers.scan import ocr
from tests.conftest import invoke
from tests.helpers import make_code
from tests.parsers_fixtures import write_pdf
from tests.scan_docs import find_cjk_font, make_documents, render_pages, scanned_pages

CODE = "91110000600037341L"  # real (tests/data/uscc_valid_real.txt)


def _tesseract_missing() -> str | None:
    return ocr.tesseract_status()


needs_ocr = pytest.mark.skipif(
    _tesseract_missing() is not None or find_cjk_font() is None,
    reason="needs tesseract with chi_sim and a CJK font "
    "(apt-get install tesseract-ocr tesseract-ocr-chi-sim fonts-wqy-zenhei)",
)
needs_font = pytest.mark.skipif(
    find_cjk_font() is None, reason="needs a CJK font (apt-get install fonts-wqy-zenhei)"
)


def tsv(lines: list[list[tuple[str, float]]]) -> str:
    """tesseract's TSV for lines of (word, confidence), one block."""
    rows = [
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    ]
    for number, words in enumerate(lines, start=1):
        rows.append(f"4\t1\t1\t1\t{number}\t0\t0\t{number * 40}\t800\t30\t-1\t")
        for index, (text, conf) in enumerate(words, start=1):
            rows.append(
                f"5\t1\t1\t1\t{number}\t{index}\t{index * 40}\t{number * 40}\t30\t30\t{conf}\t{text}"
            )
    return "\n".join(rows) + "\n"


def read_tsv(lines: list[list[tuple[str, float]]]) -> ParsedDocument:
    """What ocr_document does after tesseract: join, align, parse, score."""
    page = ocr._page_from_tsv(tsv(lines))
    raw, confs = ocr._joined([page])
    text, aligned = ocr._aligned(raw, confs)
    text, notes = ocr.repair_titles(text)
    text, label_notes = ocr.repair_labels(text)
    notes += label_notes
    parsed = parse_document(Document(Path("scan.jpg"), "image", text, raw_text=raw))
    parsed.warnings.extend(notes)
    ocr.score_fields(parsed, text, aligned, [page])
    return parsed


def chars(text: str, conf: float = 92.0) -> list[tuple[str, float]]:
    """Each CJK character a word of its own, as chi_sim gives them."""
    return [(char, conf) for char in text]


def order_lines(code: str, *, number_conf: float = 90.0, code_conf: float = 90.0):
    return [
        chars("责令限期整改指令书"),
        [
            *chars("蓝应急责改", number_conf),
            ("〔2026]】", number_conf),
            ("3", number_conf),
            *chars("号", number_conf),
        ],
        [*chars("蓝山县宏达矿业有限公司"), (":", 90)],
        [*chars("统一社会信用代码"), (":", 90), (code, code_conf)],
        [*chars("经查，你单位存在下列问题："), ("1.", 90), *chars("未建立事故隐患排查治理制度；")],
        [
            *chars("责令你单位于"),
            ("2026", 90),
            *chars("年"),
            ("11", 90),
            *chars("月"),
            ("30", 90),
            *chars("日前整改完毕。"),
        ],
        chars("蓝山县应急管理局"),
        [("2026", 90), *chars("年"), ("11", 90), *chars("月"), ("3", 90), *chars("日")],
    ]


# -- joining tesseract's words --------------------------------------------------------------


def test_words_are_joined_without_the_spaces_tesseract_puts_between_chinese() -> None:
    page = ocr._page_from_tsv(
        tsv([[("统一", 95), ("社会", 90), ("信用", 90), ("代码", 90), (":", 80), ("9111", 70),
              ("0000", 60)], [("Page", 90), ("2", 50), ("共", 90), ("2", 91), ("页", 92)]])
    )  # fmt: skip
    assert page.text == "统一社会信用代码:9111 0000\nPage 2共2页"
    assert page.char_conf[0][:2] == [95, 95] and page.char_conf[0][-4:] == [60] * 4
    assert len(page.char_conf[1]) == len(page.text.split("\n")[1])
    assert [word.line for word in page.words][-1] == 2


def test_a_doc_number_s_ocr_misreadings_are_undone() -> None:
    def repair(line: str) -> str:
        fixed, confs = ocr._repair(line, [80.0] * len(line))
        assert len(confs) == len(fixed)
        return fixed

    assert repair("蓝应急罚[2024]】137号") == "蓝应急罚〔2024〕137号"
    assert repair("(湘株醴)应急检记【〔2024]188号") == "(湘株醴)应急检记〔2024〕188号"
    assert repair("蓝应急罚决(2024]18]号") == "蓝应急罚决〔2024〕181号"  # a 1 read as ]
    assert repair("茶应急检记【〔2024]]号") == "茶应急检记〔2024〕1号"  # the serial's 1 as a ]
    assert repair("〈湘株醴)应急罚【2025]129号") == "(湘株醴)应急罚〔2025〕129号"
    assert repair("本机关于(2023)年度") == "本机关于(2023)年度"  # not a 文号
    assert repair("〈附件〉") == "〈附件〉"


# -- fields and their confidence ------------------------------------------------------------


def test_an_ocr_read_order_gives_its_fields_and_their_confidence() -> None:
    parsed = read_tsv(order_lines(CODE))
    assert parsed.kind == "rectification_order"
    assert parsed.credit_code == CODE and parsed.credit_code_status == "valid"
    assert parsed.get("doc_number") == "蓝应急责改〔2026〕3号"
    assert parsed.get("rectification_deadline") == "2026-11-30"
    confidence = parsed.get("ocr_confidence")
    assert set(confidence) >= {"credit_code", "doc_number", "enterprise_name", "document_date"}
    assert confidence["credit_code"] == 90.0 and confidence["doc_number"] == 90.0
    assert all(0 <= value <= 100 for value in confidence.values())


def test_a_field_read_too_unsurely_is_null_with_a_note() -> None:
    parsed = read_tsv(order_lines(CODE, number_conf=31.0))
    assert parsed.get("doc_number") is None and parsed.get("doc_number_raw") is None
    assert parsed.get("ocr_confidence")["doc_number"] == 31.0
    assert any("doc_number" in warning and "31" in warning for warning in parsed.warnings)
    assert parsed.credit_code == CODE  # the other fields stay


def test_an_unsure_code_without_a_second_reading_is_not_taken() -> None:
    parsed = read_tsv(order_lines(CODE, code_conf=30.0))  # no image to read again
    assert parsed.credit_code is None and parsed.credit_code_status == "absent"
    assert any(CODE in warning for warning in parsed.warnings)


def test_an_ocr_code_failing_its_check_is_invalid_never_corrected() -> None:
    """A code read with a character that fails its check stays invalid (never matched); a
    letter no code has (O) is read as the digit it looks like only when the check then passes
    (test_letters_no_code_has_are_read_as_the_digits_they_look_like)."""
    at = next(i for i in range(2, 17) if CODE[i] not in "0")
    misread = CODE[:at] + "O" + CODE[at + 1 :]  # not a 0 there: O read as 0 fails the check
    assert uscc.status(misread) == "invalid"
    parsed = read_tsv(order_lines(misread))
    assert parsed.credit_code == misread and parsed.credit_code_status == "invalid"
    wrong_check = CODE[:-1] + "M"
    parsed = read_tsv(order_lines(wrong_check))
    assert parsed.credit_code_status == "invalid"


def test_an_invalid_ocr_code_is_read_again_on_its_own_and_taken_only_if_it_passes(
    monkeypatch,
) -> None:
    """A letter read as a Chinese character (K → 开) leaves 17 code characters: the code's box
    read again as code characters only gives the whole code, taken because it passes its check;
    a second reading that fails its check (or is short) leaves the first invalid."""
    misread = CODE[:-1] + "开"
    monkeypatch.setattr(ocr, "reread_code", lambda page, code: (CODE, 84.0))
    parsed = read_tsv(order_lines(misread))
    assert (parsed.credit_code, parsed.credit_code_status) == (CODE, "valid")
    assert parsed.get("ocr_confidence")["credit_code"] == 84.0
    assert any("单独重读为" in warning and CODE in warning for warning in parsed.warnings)
    for second in (CODE[:-1] + ("X" if CODE[-1] != "X" else "Y"), CODE[:-1]):
        monkeypatch.setattr(ocr, "reread_code", lambda page, code, second=second: (second, 90.0))
        parsed = read_tsv(order_lines(misread))
        assert parsed.credit_code_status == "invalid" and parsed.credit_code != CODE


# -- without tesseract ------------------------------------------------------------------------


def test_without_tesseract_the_hint_says_how_to_install_it(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CREDIT_TESSERACT", "")
    hint = ocr.tesseract_status()
    assert "tesseract" in hint and "apt-get install tesseract-ocr tesseract-ocr-chi-sim" in hint
    with pytest.raises(ocr.ParseError) as raised:
        ocr.ocr_document([object()])
    assert raised.value.reason == "no_text" and "tesseract" in raised.value.message

    fake = tmp_path / "tesseract"  # a tesseract with English only
    fake.write_text("#!/bin/sh\necho 'List of available languages (2):'\necho eng\necho osd\n")
    fake.chmod(0o755)
    monkeypatch.setenv("CREDIT_TESSERACT", str(fake))
    assert "chi_sim" in ocr.tesseract_status()


# -- preparing a page -------------------------------------------------------------------------


@needs_font
def test_skew_and_a_page_on_its_side_are_measured() -> None:
    import numpy as np

    doc = make_documents(1)[0]
    page = np.asarray(render_pages(doc, 150)[0])
    for angle in (-2.5, 0.0, 1.5):
        skew, across = ocr.measure_skew(ocr._rotate(page, angle))
        assert across and abs(skew + angle) <= 0.3, (angle, skew)
    _skew, across = ocr.measure_skew(ocr._rotate(page, 90))
    assert not across
    height = ocr.line_height(page)
    assert 15 <= height <= 40  # 12 pt at 150 dpi


# -- reading pages ----------------------------------------------------------------------------


@needs_ocr
def test_a_scanned_page_is_read() -> None:
    doc = make_documents(4)[3]
    pages, _dpi = scanned_pages(doc, random.Random(3), dpi=200)
    parsed = ocr.ocr_document(pages)
    assert parsed.kind == doc.kind
    assert parsed.credit_code == doc.credit_code and parsed.credit_code_status == "valid"
    assert parsed.get("doc_number") == doc.doc_number
    assert parsed.get("ocr_confidence")["credit_code"] >= ocr.FIELD_FLOOR
    assert parsed.get("ocr")["pages"][0]["rotation"] == 0


@needs_ocr
@pytest.mark.slow
def test_an_upside_down_and_a_sideways_page_are_turned() -> None:
    import numpy as np

    doc = make_documents(5)[4]
    page = np.asarray(render_pages(doc, 200)[0].convert("RGB"))
    for turn in (180, 90):
        parsed = ocr.ocr_document([ocr._rotate(page, turn)])
        assert parsed.credit_code == doc.credit_code, turn
        assert parsed.get("doc_number") == doc.doc_number, turn
        assert (parsed.get("ocr")["pages"][0]["rotation"] + turn) % 360 == 0, turn


@needs_ocr
@pytest.mark.slow
def test_fifty_scanned_enforcement_documents() -> None:
    """Must hold: credit code and 文号 right ≥ 90 %, no wrong code accepted."""
    rng = random.Random(2026)
    documents = make_documents(50)
    codes = numbers = both = wrong = 0
    misses = []
    for doc in documents:
        pages, dpi = scanned_pages(doc, rng)
        parsed = ocr.ocr_document(pages)
        code_right = parsed.credit_code == doc.credit_code
        number_right = parsed.get("doc_number") == doc.doc_number
        accepted = parsed.credit_code_status == "valid"
        codes += code_right and accepted
        numbers += number_right
        both += code_right and accepted and number_right
        wrong += accepted and not code_right
        if not (code_right and number_right):
            misses.append((doc.name, dpi, parsed.credit_code, parsed.credit_code_status,
                           parsed.get("doc_number"), doc.doc_number))  # fmt: skip
    count = len(documents)
    print(f"\nOCR of {count} scanned documents: credit code {codes / count:.0%}, "
          f"文号 {numbers / count:.0%}, both {both / count:.0%}, wrong codes accepted {wrong}")  # fmt: skip
    for miss in misses:
        print("  miss:", *miss)
    assert wrong == 0
    assert codes / count >= 0.9 and numbers / count >= 0.9, misses


# -- ingest: a code one character off a registered one ----------------------------------------


def test_ingest_suggests_the_registered_code_an_invalid_ocr_code_is_one_off(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    from archive.enterprises import add_enterprise
    from archive.store import Archive

    archive = Archive.open(archive_dir)
    near, other = make_code(4242), make_code(77)
    add_enterprise(archive, {"credit_code": near, "name": "蓝山县甲矿业有限公司"})
    add_enterprise(archive, {"credit_code": other, "name": "蓝山县乙矿业有限公司"})
    misread = near[:9] + ("8" if near[9] != "8" else "6") + near[10:]
    assert uscc.status(misread) == "invalid" and uscc.one_off(misread, near)
    inbox = tmp_path / "收件"
    inbox.mkdir()
    write_pdf(inbox / "扫描.pdf", ["扫描件"], title="责令限期整改指令书")
    # What OCR read stands in for the file's text (workers are forked: they see the patch).
    monkeypatch.setattr(
        "parsers.registry.parse_path", lambda path, **_options: read_tsv(order_lines(misread))
    )

    result = invoke(runner, "ingest", str(inbox), "--nl", "--jobs", "1", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout.splitlines()[0])
    assert row["status"] == "unmatched" and row["credit_codes"] == []
    assert f"OCR 识别的代码与已登记的 {near} 只差一位，请核对" in row["reason"]
    suggested = [item for item in row["candidates"] if item.get("why") == "ocr_near"]
    assert suggested == [
        {
            "name": "蓝山县甲矿业有限公司",
            "credit_code": near,
            "why": "ocr_near",
            "reason": f"OCR 识别的代码与已登记的 {near} 只差一位，请核对",
        }
    ]
    assert row["ocr_confidence"]["credit_code"] == 90.0
    assert not list((archive_dir / "files").rglob("*.pdf"))  # never filed by it


# -- through ingest: a scanned enforcement document ----------------------------------------------


def _scan_file(folder: Path, index: int = 3) -> tuple[Path, object]:
    from PIL import Image

    doc = make_documents(index + 1)[index]
    pages, dpi = scanned_pages(doc, random.Random(3), dpi=200)
    folder.mkdir(exist_ok=True)
    path = folder / "整改指令书扫描.jpg"
    Image.fromarray(pages[0]).save(path, "JPEG", quality=90, dpi=(dpi, dpi))
    return path, doc


@needs_font
def test_without_tesseract_a_scan_stays_needs_ocr_with_the_install_hint(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    _path, _doc = _scan_file(tmp_path / "收件")
    monkeypatch.setenv("CREDIT_TESSERACT", "")
    result = invoke(runner, "ingest", str(tmp_path / "收件"), "--nl", archive=archive_dir)
    row = json.loads(result.stdout.splitlines()[0])
    assert row["status"] == "needs-ocr"
    assert "apt-get install tesseract-ocr tesseract-ocr-chi-sim" in result.stdout


@needs_ocr
def test_an_ocr_read_code_never_registers_a_new_enterprise(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    """--register-new registers the enterprises of typed documents; a code read by OCR must be
    checked by a clerk first: the scan waits in the inbox, the register is unchanged."""
    _scan_file(tmp_path / "收件")
    result = invoke(
        runner, "ingest", str(tmp_path / "收件"), "--nl", "--register-new", archive=archive_dir
    )
    row = json.loads(result.stdout.splitlines()[0])
    assert row["status"] == "unmatched", row
    assert "文字识别读出的代码不用于登记新单位" in row["reason"]
    listed = invoke(runner, "enterprise", "list", "--json", archive=archive_dir)
    assert json.loads(listed.stdout) == []


@needs_ocr
@pytest.mark.slow
def test_a_scanned_order_is_ingested_by_its_ocr_read_code(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    from archive.enterprises import add_enterprise
    from archive.store import Archive

    _path, doc = _scan_file(tmp_path / "收件")
    add_enterprise(Archive.open(archive_dir), {"credit_code": doc.credit_code, "name": "某单位"})
    result = invoke(runner, "ingest", str(tmp_path / "收件"), "--nl", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout.splitlines()[0])
    assert (row["status"], row["kind"], row["matched_by"]) == ("ingested", doc.kind, "code")
    assert row["credit_codes"] == [doc.credit_code] and row["doc_number"] == doc.doc_number
    assert row["ocr_confidence"]["credit_code"] >= ocr.FIELD_FLOOR


def test_a_title_ocr_misread_is_put_right_when_one_title_is_that_close() -> None:
    """责令限期束改指兮书 is an order all the same (its deadline must not be lost); a line far
    from every title is left as read."""
    lines = order_lines(CODE)
    lines[0] = chars("责令限期束改指兮书")
    parsed = read_tsv(lines)
    assert parsed.kind == "rectification_order"
    assert parsed.get("rectification_deadline") == "2026-11-30"
    assert any("按“责令限期整改指令书”处理" in warning for warning in parsed.warnings)
    lines[0] = chars("关于某某事项的函")
    assert read_tsv(lines).kind != "rectification_order"


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("(蓝)应急责改〔【20251]第30号", "(蓝)应急责改〔2025〕第30号"),  # 〕 read as 1]
        ("湘永蓝应急责改字【2026j 053握", "湘永蓝应急责改字〔2026〕053号"),  # 〕 as j, 号 as 握
        ("蓝应急现检【2025]j 17号", "蓝应急现检〔2025〕17号"),
        ("蓝应急罚〔2026〕12号", "蓝应急罚〔2026〕12号"),  # read right: left alone
        ("蓝应急责改2026]40号", "蓝应急责改〔2026〕40号"),  # the opening bracket lost
        ("(蓝)应急检记【2026j 1工亏", "(蓝)应急检记〔2026〕1号"),  # 号 read as two characters
        ("永应急责改〈2026]】55号", "永应急责改〔2026〕55号"),  # 〔 read as 〈
        (
            "（〈蓝）应急检记〔2026〕62号",
            "（蓝）应急检记〔2026〕62号",
        ),  # a stray mark in the place's
        ("(蓝)应急复查2026]46号", "(蓝)应急复查〔2026〕46号"),
        # a year no 文号 has, one digit off the one it can be (0 read as 6 or 9; a digit doubled)
        ("(湘永蓝)应急责改〔2626]28号", "(湘永蓝)应急责改〔2026〕28号"),
        ("湘应急罚告字[2925]第28号", "湘应急罚告字〔2025〕第28号"),
        ("嘉应急检记[26025]33号", "嘉应急检记〔2025〕33号"),
        ("蓝应急罚〔2088〕12号", "蓝应急罚〔2088〕12号"),  # 2008 or 2018: left as read
        ("(湘永蓝)应急现决(20261 14号", "(湘永蓝)应急现决〔2026〕14号"),  # 〕 read as 1
        ("永应急责改〔2025 41号", "永应急责改〔2025〕41号"),  # 〕 lost, a gap in its place
        ("株应总南改〔2026〕145号", "株应急南改〔2026〕145号"),  # 急 read as 总 (a fax)
        ("蓝山县应总管理局", "蓝山县应急管理局"),
        ("总应急", "总应急"),
        # what OCR made of a code label's colon
        ("社会信用代码”|92340604MA2UK0015N", "社会信用代码:92340604MA2UK0015N"),
        ("统一社会信用代码;:92340604MA2UK0015N", "统一社会信用代码:92340604MA2UK0015N"),
        # a mark read for one of a code's characters: the one of 1 and J that passes the check
        ("统一社会信用代码:91340600MA2U]Y987H", "统一社会信用代码:91340600MA2UJY987H"),
        ("统一社会信用代码:9111000060003734]L", "统一社会信用代码:91110000600037341L"),
        ("统一社会信用代码:9111000060003]341L", "统一社会信用代码:9111000060003]341L"),  # neither
        (
            "蓝山县华瑶矿产品有限公司〈社会信用代码;92340604MA2UK0GC73):",
            "蓝山县华瑶矿产品有限公司(社会信用代码:92340604MA2UK0GC73):",
        ),
        # an addressee's colon read as a semicolon; a sentence's semicolon stays
        ("蓝山县佳美陶瓷有限公司;", "蓝山县佳美陶瓷有限公司:"),
        ("经查,你单位存在下列问题;", "经查,你单位存在下列问题;"),
        (
            "2.未在有较大危险因素的作业场所设置警示标志的生产经营场所;",
            "2.未在有较大危险因素的作业场所设置警示标志的生产经营场所;",
        ),
        ("仓库未设置防雷设施的作业场;", "仓库未设置防雷设施的作业场;"),
        ("本机关于2026年2月5日", "本机关于2026年2月5日"),  # a date: no bracket after the year
        ("依据〔2026〕3号文件", "依据〔2026〕3号文件"),
    ],
)
def test_more_doc_number_misreadings_are_undone(read: str, printed: str) -> None:
    assert ocr._repair(read, [90.0] * len(read))[0] == printed


def test_a_title_s_unit_note_is_no_place_in_a_doc_number() -> None:
    from parsers.fields.doc_numbers import find_doc_numbers

    # the parsers see normalised text: half-width parentheses
    found = [f.value for f in find_doc_numbers("(单位)湘应急罚决字〔2026〕第48号")]
    assert found == ["湘应急罚决字〔2026〕第48号"]
    kept = [f.value for f in find_doc_numbers("(湘永蓝)应急检〔2025〕52号")]
    assert kept == ["（湘永蓝）应急检〔2025〕52号"]
    # the title's note on the line above the number (a typed decision reads the same)
    title = "蓝山县应急管理局\n行政处罚决定书(单位)\n蓝应急罚决〔2026〕43号\n被处罚单位"
    assert [f.value for f in find_doc_numbers(title)] == ["蓝应急罚决〔2026〕43号"]


# -- the bureau's own places: a 文号's abbreviation, an enterprise's county ------------------------


def _ocr_read(lines: list[list[tuple[str, float]]]) -> ParsedDocument:
    """read_tsv, and what ocr_document adds: the text's lines and the OCR record."""
    parsed = read_tsv(lines)
    page = ocr._page_from_tsv(tsv(lines))
    parsed.lines = ocr._aligned(*ocr._joined([page]))[0].split("\n")
    parsed.put("ocr", {"engine": "tesseract", "pages": [{"confidence": 80.0}]})
    return parsed


def _misread_order(
    heading: str, number: str, name: str, code: str | None, sign_off: str | None = None
) -> list:
    lines = order_lines(code or "")
    lines[-2] = chars(sign_off or heading)  # the 落款: the heading's bureau, as OCR read it
    lines.insert(0, chars(heading))
    lines[2] = [*chars(number[:-8]), (number[-8:-2], 70.0), (number[-2], 70.0), *chars("号")]
    # a name not registered as read: its characters unlike a registered one's read unsurely
    registered = (NAME_42, "蓝山县宏远矿业有限公司", "蓝山县正大石材有限公司")
    lines[3] = [
        (char, 92.0 if any(char in known for known in registered) else 30.0) for char in name
    ] + [(":", 90)]
    if code is None:
        del lines[4]
    return lines


def _ingest_read(runner, archive_dir: Path, folder: Path, monkeypatch, read, register=True) -> dict:
    """Ingest one stand-in file whose OCR reading is ``read`` (lines, or a function of the
    file's path), 蓝山县宏达矿业有限公司 registered under make_code(4242) first: its row."""
    from archive.enterprises import add_enterprise
    from archive.store import Archive

    if register:
        add_enterprise(Archive.open(archive_dir), {"credit_code": CODE_42, "name": NAME_42})
    folder.mkdir()
    write_pdf(folder / f"{folder.name}.pdf", [folder.name], title="责令限期整改指令书")
    parse = read if callable(read) else (lambda path, **_o: _ocr_read(read))
    monkeypatch.setattr("parsers.registry.parse_path", lambda path, **_o: parse(path))
    result = invoke(runner, "ingest", str(folder), "--nl", "--jobs", "1", archive=archive_dir)
    assert result.exit_code in (0, 10), result.stderr
    return json.loads(result.stdout.splitlines()[0])


CODE_42, NAME_42 = make_code(4242), "蓝山县宏达矿业有限公司"


@pytest.mark.parametrize(
    ("heading", "number", "filed_number"),
    [
        ("蓝山县应急管理局", "赣应急责改〔2026〕3号", "蓝应急责改〔2026〕3号"),
        ("蓝山县应急管理局", "(酒永蓝)应急责改〔2026〕3号", "（湘永蓝）应急责改〔2026〕3号"),
        # a neighbouring county's own document (under our province's name too), a heading
        # that does not name the county the abbreviation stands for, one OCR could not read
        ("宁远县应急管理局", "(湘永宁)应急责改〔2026〕3号", "（湘永宁）应急责改〔2026〕3号"),
        ("湖南省宁远县应急管理局", "(湘永宁)应急责改〔2026〕3号", "（湘永宁）应急责改〔2026〕3号"),
        ("永州市应急管理局", "(酒永蓝)应急责改〔2026〕3号", "（酒永蓝）应急责改〔2026〕3号"),
        ("蓝山具应急管理局", "赣应急责改〔2026〕3号", "赣应急责改〔2026〕3号"),
        # the heading misread as the 文号 was (监 for 蓝), the 落款 read right: put right
        ("监山县应急管理局/蓝山县应急管理局", "监应急责改〔2026〕3号", "蓝应急责改〔2026〕3号"),
        # a neighbour's document signed off by its own bureau: as read
        (
            "宁远县应急管理局/宁远县应急管理局",
            "(湘永宁)应急责改〔2026〕3号",
            "（湘永宁）应急责改〔2026〕3号",
        ),
    ],
)
def test_an_ocr_read_doc_number_s_place_is_put_right_only_for_the_bureau_s_own(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch, heading, number, filed_number
) -> None:
    heading, _slash, sign_off = heading.partition("/")
    lines = _misread_order(heading, number, NAME_42, CODE_42, sign_off or None)
    row = _ingest_read(runner, archive_dir, tmp_path / "收件", monkeypatch, lines)
    assert (row["status"], row["credit_codes"]) == ("ingested", [CODE_42])
    assert row["doc_number"] == filed_number
    if filed_number.replace("（", "(").replace("）", ")") != number:
        assert "地名简称有误" in row["reason"] and "bureau.places" in row["reason"]
    elif "宁远县" in heading:  # another county's bureau's document: its own 文号, no doubt
        assert "文号" not in (row["reason"] or "")
    else:  # kept as read, one character off ours: the clerk is asked to check
        assert "页眉无法确认是否读错：请核对" in row["reason"]


def test_an_ocr_read_name_with_the_county_one_character_off_is_filed_under_that_name(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    from archive.enterprises import add_enterprise
    from archive.store import Archive

    add_enterprise(
        Archive.open(archive_dir), {"credit_code": make_code(7), "name": "蓝山县宏远矿业有限公司"}
    )

    def parse(path):  # (workers are forked: what they read comes from the path)
        heading, name = {
            "二": ("蓝山县应急管理局", "宁远县宏达矿业有限公司"),
            "三": ("蓝田县应急管理局", "蓝田县宏达矿业有限公司"),
        }.get(Path(path).stem, ("蓝山县应急管理局", "监山县宏达矿业有限公司"))
        return _ocr_read(_misread_order(heading, "蓝应急责改〔2026〕3号", name, None))

    row = _ingest_read(runner, archive_dir, tmp_path / "一", monkeypatch, parse)
    assert (row["status"], row["credit_codes"]) == ("ingested", [CODE_42])
    assert "“监山县宏达矿业有限公司”地名有误，按“蓝山县宏达矿业有限公司”归档" in row["reason"]
    # two characters off the county: another county's enterprise, never filed by guess
    row = _ingest_read(runner, archive_dir, tmp_path / "二", monkeypatch, parse, register=False)
    assert row["status"] == "unmatched" and "宁远县宏达矿业有限公司" in row["reason"], row
    # one character off, but the heading names that other county (蓝田县): as read
    row = _ingest_read(runner, archive_dir, tmp_path / "三", monkeypatch, parse, register=False)
    assert row["status"] == "unmatched" and "蓝田县宏达矿业有限公司" in row["reason"], row


def test_bad_places_in_credit_toml_are_refused_naming_the_file(archive_dir: Path) -> None:
    from archive.errors import ArchiveError
    from archive.settings import load_settings

    settings = archive_dir / "credit.toml"
    text = settings.read_text("utf-8")
    assert 'places = { "湘" = "湖南省", "永" = "永州市", "蓝" = "蓝山县" }' in text
    bad_values = (
        '{ "湘永" = "湖南省永州市" }',
        '{ "x" = "湖南省" }',
        '{ "湘" = " " }',
        '["湘"]',
        '{ "宁" = "宁远县" }',  # another county's: would put a neighbour's 文号 "right"
    )
    for bad in bad_values:
        settings.write_text(text.replace(text[text.index("places = ") :].split("\n")[0],
                                         f"places = {bad}"), "utf-8")  # fmt: skip
        with pytest.raises(ArchiveError) as caught:
            load_settings(archive_dir)
        assert "credit.toml" in caught.value.message and "bureau.places" in caught.value.message


# -- a code in a photographed table: read again without the table's rules -------------------------


def _table_page(ruled: bool):
    import numpy as np

    page = np.full((1200, 1000), 255, dtype=np.uint8)
    page[300:310, 100:125] = 0  # a few strokes of text, shorter than a rule
    page[305:340, 200:204] = 0
    if ruled:
        for y in (250, 350, 450):
            page[y : y + 3, 80:920] = 0
        for x in (80, 500, 917):
            page[250:453, x : x + 3] = 0
    return page


def test_table_rules_are_painted_out_and_text_stays() -> None:
    cleaned, ruled = ocr.without_rules(_table_page(True))
    assert ruled and cleaned[250:253, 80:920].min() == 255 and cleaned[250:453, 500].min() == 255
    assert cleaned[300:310, 100:125].max() == 0 and cleaned[305:340, 200:204].max() == 0
    assert not ocr.without_rules(_table_page(False))[1]


def test_a_code_missed_in_a_table_is_taken_from_a_second_reading_only_if_it_is_the_only_one(
    monkeypatch,
) -> None:
    other = make_code(31)
    readings: list[list[str]] = []

    def run(binary, grey, arguments):
        words = readings.pop(0) if readings else []
        return tsv([chars("统一社会信用代码") + [(word, 88.0) for word in words]])

    monkeypatch.setattr(ocr, "_binary", lambda: "tesseract")
    monkeypatch.setattr(ocr, "_run", run)
    monkeypatch.setattr(ocr, "reread_code", lambda page, code: None)

    def hunted(first: list[str], second: list[str], *, table: bool = True):
        readings[:] = [first, second]
        parsed = ParsedDocument("rectification_order", "test", "test")
        page = ocr.OcrPage(text="", prepared=_table_page(table))
        return ocr._hunt_code(parsed, [page]), parsed

    conf, parsed = hunted([CODE], [])
    assert (conf, parsed.credit_code, parsed.credit_code_status) == (88.0, CODE, "valid")
    assert any("去掉表格线后重读出" in warning for warning in parsed.warnings)
    conf, parsed = hunted([], [CODE])  # sparse text finds nothing; one block does
    assert parsed.credit_code == CODE
    misread = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")
    for first, second in (([misread], [misread]), ([CODE, " ", other], [])):
        conf, parsed = hunted(first, second)  # fails its check; two codes: neither taken
        assert conf is None and parsed.credit_code is None
    conf, parsed = hunted([CODE], [], table=False)  # no table: the first reading stands
    assert conf is None and parsed.credit_code is None


def test_an_order_a_review_s_body_names_does_not_make_the_review_an_order() -> None:
    """整改复查意见书 whose own title OCR could not read: the order its first sentence names
    (作出了责令限期整改指令书) is not its title — never filed as a new order with a deadline."""
    text = "\n".join(
        [
            "蓝山县应急管理局",
            "整改复碍辣见书",
            "蓝应急复〔2026〕36号",
            "蓝山县湘南加油站:",
            "",
            "本机关于2026年5月23日作出了责令限期整改指令书(蓝应急责改",
            "〔2026〕20号),经对你单位整改情况进行复查,提出如下意见:",
            "复查结论:上述问题已全部整改到位,同意销号。",
        ]
    )
    parsed = parse_document(Document(Path("scan.jpg"), "image", text, raw_text=text))
    assert parsed.kind != "rectification_order"
    assert parsed.get("rectification_deadline") is None


def test_an_unmatched_file_says_its_doc_number_was_put_right(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    lines = _misread_order("蓝山县应急管理局", "赣应急责改〔2026〕3号", "某某有限公司", None)
    row = _ingest_read(runner, archive_dir, tmp_path / "收件", monkeypatch, lines, register=False)
    assert row["status"] == "unmatched" and row["doc_number"] == "蓝应急责改〔2026〕3号"
    assert "名册中没有名为“某某有限公司”" in row["reason"] and "地名简称有误" in row["reason"]
    (sidecar,) = (archive_dir / "inbox" / "unmatched").glob("*.json")
    assert "地名简称有误" in sidecar.read_text("utf-8")


def test_a_file_filed_by_name_says_the_code_it_printed_failed_its_check(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    misread = CODE_42[:9] + ("8" if CODE_42[9] != "8" else "6") + CODE_42[10:]
    row = _ingest_read(runner, archive_dir, tmp_path / "收件", monkeypatch, order_lines(misread))
    assert (row["status"], row["credit_codes"], row["matched_by"]) == (
        "ingested",
        [CODE_42],
        "name",
    )
    assert f"文中的代码 {misread} 校验不通过，已按单位名称归档" in row["reason"]


def test_both_places_put_right_are_said(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    lines = _misread_order(
        "蓝山县应急管理局", "赣应急责改〔2026〕3号", "监山县宏达矿业有限公司", None
    )
    row = _ingest_read(runner, archive_dir, tmp_path / "收件", monkeypatch, lines)
    assert (row["status"], row["credit_codes"], row["doc_number"]) == (
        "ingested",
        [CODE_42],
        "蓝应急责改〔2026〕3号",
    )
    assert (
        "地名简称有误" in row["reason"]
        and "地名有误，按“蓝山县宏达矿业有限公司”归档" in row["reason"]
    )


def test_a_label_ocr_read_one_character_off_still_gives_its_field() -> None:
    """被检查单位 read as 做检查单位 in a table row: the inspected enterprise is still found (and
    filed by name when its code was not read); a line two characters off a label is left."""
    lines = [
        chars("现场检查记录"),
        [*chars("蓝应急现检"), ("〔2025〕", 90.0), ("27", 90.0), *chars("号")],
        [("|", 60.0), *chars("做检查单位", 55.0), ("|", 60.0), *chars("蓝山县正大矿业有限公司")],
        [*chars("丛查时间", 50.0), ("2025", 90), *chars("年"), ("11", 90), *chars("月"),
         ("8", 90), *chars("日")],
    ]  # fmt: skip
    parsed = read_tsv(lines)
    assert parsed.kind == "inspection_record"
    assert parsed.enterprise_name == "蓝山县正大矿业有限公司"
    assert any("按“被检查单位”处理" in warning for warning in parsed.warnings)
    assert ocr.repair_labels("检查发现问题三项")[0] == "检查发现问题三项"


def test_a_photographed_page_is_cut_out_and_its_perspective_undone() -> None:
    """A white page on a dark table, photographed at an angle: its four corners are found and
    it comes out a rectangle of about its size; a scan (the page fills the picture) is left."""
    import cv2
    import numpy as np

    page = np.full((1000, 700, 3), 245, dtype=np.uint8)
    cv2.rectangle(page, (100, 120), (600, 160), (20, 20, 20), -1)  # a line of "text"
    corners = np.float32([[180, 90], [900, 160], [860, 1150], [120, 1080]])
    matrix = cv2.getPerspectiveTransform(
        np.float32([[0, 0], [699, 0], [699, 999], [0, 999]]), corners
    )
    photo = cv2.warpPerspective(page, matrix, (1100, 1300), borderValue=(50, 45, 40))
    found = ocr.page_quad(photo)
    assert found is not None and np.abs(found - corners).max() < 15
    flat = ocr.flatten_page(photo)
    assert abs(flat.shape[0] / flat.shape[1] - 1000 / 700) < 0.12
    band = flat[int(flat.shape[0] * 0.12) : int(flat.shape[0] * 0.16), flat.shape[1] // 2]
    assert band.mean() < 100  # the "text" line lies across the page, where it was printed
    assert ocr.page_quad(page) is None and ocr.flatten_page(page) is page


# -- key lines read a second time: a witness, used only where it names something known -----------


def _with_second_reading(lines: list, again: dict[int, str]):
    """A parse function for _ingest_read: ``lines`` as OCR read them, and ``again`` as the
    second reading of some of them ({line of the parsers' text: text})."""

    def parse(path):
        parsed = _ocr_read(lines)
        parsed.reread = dict(again)
        return parsed

    return parse


@pytest.mark.parametrize(
    ("number", "again", "filed_number", "note"),
    [
        # the heading (蓝山具) confirms nothing; read again, the place is ours, the rest the same
        ("赣应急责改〔2026〕3号", "蓝应急责改〔2026〕3号", "蓝应急责改〔2026〕3号", "单独重读为"),
        (
            "(湘永宁)应急责改〔2026〕3号",
            "(湘永蓝)应急责改〔2026〕3号",
            "（湘永蓝）应急责改〔2026〕3号",
            "单独重读为",
        ),
        # read again, the serial differs too: neither reading is taken over the other
        ("赣应急责改〔2026〕3号", "蓝应急责改〔2026〕8号", "赣应急责改〔2026〕3号", "请核对"),
        # read again the same, or as another place not ours: as read, for the clerk
        ("赣应急责改〔2026〕3号", "赣应急责改〔2026〕3号", "赣应急责改〔2026〕3号", "请核对"),
        (
            "(湘永宁)应急责改〔2026〕3号",
            "(湘永宇)应急责改〔2026〕3号",
            "（湘永宁）应急责改〔2026〕3号",
            "请核对",
        ),
    ],
)
def test_a_doc_number_s_place_read_again_as_ours_is_taken_only_when_all_else_agrees(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch, number, again, filed_number, note
) -> None:
    lines = _misread_order("蓝山具应急管理局", number, NAME_42, CODE_42)
    at = next(i for i, line in enumerate(_ocr_read(lines).lines, 1) if "〔2026〕" in line)
    parse = _with_second_reading(lines, {at: again})
    row = _ingest_read(runner, archive_dir, tmp_path / "收件", monkeypatch, parse)
    assert (row["status"], row["credit_codes"]) == ("ingested", [CODE_42])
    assert row["doc_number"] == filed_number
    assert note in row["reason"], row["reason"]


def test_a_name_read_again_as_exactly_one_registered_name_is_filed_under_it(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    from archive.enterprises import add_enterprise
    from archive.store import Archive

    add_enterprise(
        Archive.open(archive_dir), {"credit_code": make_code(7), "name": "蓝山县宏远矿业有限公司"}
    )
    misread = "蓝山县宏达矿业有眼公司"
    lines = _misread_order("蓝山县应急管理局", "蓝应急责改〔2026〕3号", misread, None)
    at = next(i for i, line in enumerate(_ocr_read(lines).lines, 1) if misread in line)

    def parse(path):  # (workers are forked: what they read comes from the path)
        again = {
            "一": "蓝山县宏达矿业有限公司:",
            "二": "蓝山县宏达矿业有眼公司:",  # read the same again
            "三": "蓝山县宏运矿业有限公司:",  # read again as a name nobody registered
            "四": "蓝山县宏达矿业有限公司",  # not the same length as the line: no witness
        }[Path(path).stem]
        return _with_second_reading(lines, {at: again})(path)

    row = _ingest_read(runner, archive_dir, tmp_path / "一", monkeypatch, parse)
    assert (row["status"], row["credit_codes"], row["matched_by"]) == (
        "ingested",
        [CODE_42],
        "name",
    )
    assert f"“{misread}”不在名册中，该行单独重读为“{NAME_42}”，按此归档" in row["reason"]
    for folder in ("二", "三", "四"):
        row = _ingest_read(
            runner, archive_dir, tmp_path / folder, monkeypatch, parse, register=False
        )
        assert row["status"] == "unmatched" and misread in row["reason"], (folder, row)


def test_votes_of_the_second_reading() -> None:
    base = "(湘永昌)应急列告〔2026]第22号"
    confs = [90.0] * len(base)
    # two crops agree on 蓝 and 罚 against the page's one reading: taken; a bracket never
    fixed = "(湘永蓝)应急罚告〔2026】第22号"
    assert ocr._vote(base, confs, [(fixed, confs), (fixed, confs)])[0] == (
        "(湘永蓝)应急罚告〔2026]第22号"
    )
    # one crop alone, or one against another and the page: the page's reading stays
    assert ocr._vote(base, confs, [(fixed, confs)])[0] == base
    assert ocr._vote(base, confs, [(fixed, confs), (base, confs)])[0] == base
    # a crop read with a character more is aligned around it, not shifted
    longer = "(湘永蓝)应急罚告书〔2026]第22号"
    assert ocr._vote(base, confs, [(longer, confs), (fixed, confs)])[0] == (
        "(湘永蓝)应急罚告〔2026]第22号"
    )


CJK_OR_NOT = st.text(alphabet="蓝监罚列应急(〔2026]号:公司", max_size=14)


@given(base=CJK_OR_NOT, others=st.lists(CJK_OR_NOT, max_size=4))
def test_the_vote_keeps_the_line_s_length_and_changes_only_chinese_characters(
    base: str, others: list[str]
) -> None:
    confs = [50.0] * len(base)
    voted, voted_confs = ocr._vote(base, confs, [(text, [80.0] * len(text)) for text in others])
    assert len(voted) == len(base) == len(voted_confs)
    for before, after in zip(base, voted, strict=True):
        assert before == after or ("\u4e00" <= after <= "\u9fff" and "\u4e00" <= before <= "\u9fff")
    assert ocr._vote(base, confs, [(base, confs)] * 3)[0] == base


@needs_ocr
def test_a_key_line_read_unsurely_is_read_again_from_the_page_itself() -> None:
    """The second reading comes from the page's pixels: a 文号 line whose reading is made wrong
    (and unsure) is read again right from its crops; a sure line is not read again."""
    doc = make_documents(4)[3]
    pages, _dpi = scanned_pages(doc, random.Random(3), dpi=200)
    page = ocr.ocr_page(pages[0])
    lines = page.text.split("\n")
    at = next(i for i, line in enumerate(lines) if "〔" in line or "[" in line)
    assert ocr.reread_key_lines(page) == page.text or min(page.char_conf[at]) < ocr.UNSURE_CHAR
    right = lines[at]
    spot = next(i for i, char in enumerate(right) if "\u4e00" <= char <= "\u9fff" and char != "应")
    wrong = "监" if right[spot] != "监" else "赣"
    lines[at] = right[:spot] + wrong + right[spot + 1 :]
    page.text = "\n".join(lines)
    page.char_conf[at] = [*page.char_conf[at][:spot], 0.0, *page.char_conf[at][spot + 1 :]]
    again = ocr.reread_key_lines(page).split("\n")
    assert again[at][spot] == right[spot], (right, again[at])
    assert len(again) == len(lines) and page.text.split("\n")[at][spot] == wrong  # page kept


@pytest.mark.parametrize(
    ("heading", "number", "register", "filed_number"),
    [
        # 蓝 read as 监 in the heading and in the 文号 alike: one misreading explains both
        ("监山县应急管理局", "监应急责改〔2026〕3号", True, "蓝应急责改〔2026〕3号"),
        ("监山县应总管理局", "(湘永监)应急责改〔2026〕3号", True, "（湘永蓝）应急责改〔2026〕3号"),
        # misread otherwise in the two: nothing explains both, as read
        ("监山县应急管理局", "赣应急责改〔2026〕3号", True, "赣应急责改〔2026〕3号"),
        # an enterprise not of our register: 监山县 might be a real county's, as read
        ("监山县应急管理局", "监应急责改〔2026〕3号", False, "监应急责改〔2026〕3号"),
    ],
)
def test_a_place_misread_alike_in_the_heading_and_the_doc_number_is_put_right_for_our_own(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch, heading, number, register, filed_number
) -> None:
    lines = _misread_order(heading, number, NAME_42, CODE_42)
    row = _ingest_read(runner, archive_dir, tmp_path / "收件", monkeypatch, lines, register)
    assert row["doc_number"] == filed_number, row
    if filed_number.replace("（", "(").replace("）", ")") != number:
        assert row["credit_codes"] == [CODE_42]
        assert "页眉的县名也读错成同一个字" in row["reason"] and "请核对" in row["reason"]
    else:
        assert "页眉的县名也读错成同一个字" not in row["reason"]


def test_a_registered_name_the_parsers_could_not_place_is_found_in_the_text(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    """The addressee read without its colon (or a table cell whose label was lost): no name
    field, but the text carries one registered name whole — filed under it, with a note; two
    registered names in the text, or none, leave the file unmatched."""
    from archive.enterprises import add_enterprise
    from archive.store import Archive

    archive = Archive.open(archive_dir)
    add_enterprise(archive, {"credit_code": make_code(7), "name": "蓝山县宏达矿业有限公司二分公司"})
    add_enterprise(archive, {"credit_code": make_code(8), "name": "蓝山县正大石材有限公司"})

    def parse(path):  # (workers are forked: what they read comes from the path)
        name = {
            "一": NAME_42,
            "二": "蓝山县宏达矿业有限公司二分公司",  # holds NAME_42: the longer one
            "三": f"{NAME_42}蓝山县正大石材有限公司",  # two enterprises: which?
            "四": "蓝山县宏远矿业有限公司",  # nobody registered
        }[Path(path).stem]
        lines = _misread_order("蓝山县应急管理局", "蓝应急责改〔2026〕3号", NAME_42, None)
        lines[3] = chars(name)  # no colon: not an addressee to the parsers
        parsed = _ocr_read(lines)
        assert not any(named.name for named in parsed.enterprises)
        return parsed

    row = _ingest_read(runner, archive_dir, tmp_path / "一", monkeypatch, parse)
    assert (row["status"], row["credit_codes"], row["matched_by"]) == (
        "ingested",
        [CODE_42],
        "name",
    )
    assert f"文中有名册中的单位全称“{NAME_42}”，按此归档" in row["reason"]
    row = _ingest_read(runner, archive_dir, tmp_path / "二", monkeypatch, parse, register=False)
    assert (row["status"], row["credit_codes"]) == ("ingested", [make_code(7)])
    for folder in ("三", "四"):
        row = _ingest_read(
            runner, archive_dir, tmp_path / folder, monkeypatch, parse, register=False
        )
        assert row["status"] == "unmatched", (folder, row)


@pytest.mark.parametrize(
    ("read", "kind"),
    [
        ("当场行政处罚决定书", "penalty_decision"),
        ("当场处罚决定书", "penalty_decision"),
        ("行政处罚事先竺知书", "penalty_notice"),  # one character off: put right
        ("强制措施决定书", "unknown"),  # known, not ours: never made another title
    ],
)
def test_more_titles_are_known(read: str, kind: str) -> None:
    lines = [chars("蓝山县应急管理局"), chars(read), *order_lines(CODE_42)[1:]]
    lines[-1] = chars("以上事实有现场检查记录等证据为证。")
    assert read_tsv(lines).kind == kind


def test_letters_no_code_has_are_read_as_the_digits_they_look_like() -> None:
    code = next(make_code(n) for n in range(1, 200) if make_code(n)[8:17].count("0") >= 1)
    misread = code[:8] + code[8:17].replace("0", "O") + code[17]
    lines = [*order_lines(misread)]
    parsed = read_tsv(lines)
    assert (parsed.credit_code, parsed.credit_code_status) == (code, "valid")
    assert any("按形近的数字读作" in warning for warning in parsed.warnings)
    # letters that, read as digits, still fail the check: left invalid, never matched
    wrong = misread[:-1] + ("A" if misread[-1] != "A" else "B")
    assert read_tsv(order_lines(wrong)).credit_code_status != "valid"


def test_a_name_close_to_a_registered_one_is_filed_only_with_a_second_witness(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    """One character off a registered name, and the document carries that enterprise's phone,
    legal representative, address or a code one character off its code: filed, with a note.
    Without such a witness, or two names as close, the file waits."""
    from archive.enterprises import add_enterprise
    from archive.store import Archive

    archive = Archive.open(archive_dir)
    entry = {
        "credit_code": CODE_42,
        "name": NAME_42,
        "legal_representative": "韩玉国",
        "phone": "0746-2287052",
        "address": "湖南省永州市蓝山县楠市镇新村29号",
    }
    add_enterprise(archive, entry)
    add_enterprise(archive, {"credit_code": make_code(9), "name": "蓝山县正大石材有限公司"})
    code_off = CODE_42[:5] + ("8" if CODE_42[5] != "8" else "6") + CODE_42[6:]
    far = make_code(99)[:-1] + ("A" if make_code(99)[-1] != "A" else "B")  # fails its check

    def parse(path):  # (workers are forked: what they read comes from the path)
        name, extra = {
            "一": ("蓝山县宏达矿亚有限公司", "法定代表人:韩玉国"),
            "二": ("蓝山县宏达矿亚有限公司", "联系电话:0746 2287052"),
            "三": ("蓝山县宏达矿亚有限公司", "地址:湖南省永州市蓝山县楠市镇新村29号"),
            "四": ("蓝山县宏达矿亚有限公司", f"统一社会信用代码:{code_off}"),
            "五": ("蓝山县宏达矿亚有限公司", "法定代表人:李四"),  # no witness
            "六": ("蓝山县正大矿亚有限公司", "法定代表人:韩玉国"),  # two names one-two off
            "七": ("蓝山县宏达矿亚有限公司", "检查人员:韩玉国"),  # the name, not as legal rep
            # a sister company's own code (misread, far from ours) speaks against it
            "八": ("蓝山县宏达矿亚有限公司", f"法定代表人:韩玉国 统一社会信用代码:{far}"),
        }[Path(path).stem]
        lines = _misread_order("蓝山县应急管理局", "蓝应急责改〔2026〕3号", name, None)
        lines.insert(4, chars(extra))
        return _ocr_read(lines)

    for folder, witness in (
        ("一", "法定代表人"),
        ("二", "联系电话"),
        ("三", "地址"),
        ("四", "代码"),
    ):
        row = _ingest_read(
            runner, archive_dir, tmp_path / folder, monkeypatch, parse, register=False
        )
        assert (row["status"], row["credit_codes"]) == ("ingested", [CODE_42]), (folder, row)
        assert f"与“{NAME_42}”相近，且文中的{witness}" in row["reason"], row["reason"]
    for folder in ("五", "六", "七", "八"):
        row = _ingest_read(
            runner, archive_dir, tmp_path / folder, monkeypatch, parse, register=False
        )
        assert row["status"] == "unmatched", (folder, row)


def test_a_label_s_colon_read_as_another_mark_is_a_colon() -> None:
    text, _notes = ocr.repair_labels(
        "被处罚单位;蓝山县易盛化工有限公司\n单位名称”蓝山县正大\n被检查单位:x"
    )
    assert text.split("\n") == [
        "被处罚单位:蓝山县易盛化工有限公司",
        "单位名称:蓝山县正大",
        "被检查单位:x",
    ]
    assert ocr.repair_labels("单位名称、地址")[0] == "单位名称、地址"  # not a colon's misreading


def test_no_misread_name_rule_files_another_enterprise_s_document_under_ours(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    """A stranger's attacks (each truly another enterprise's document): a neighbour county's
    firm sharing our enterprise's trade name and legal representative; a name read surely
    one character off ours; a branch (二分公司) of a registered one; another legal
    representative named; our name only in a sentence, or followed by more of a name."""
    from archive.enterprises import add_enterprise
    from archive.store import Archive

    archive = Archive.open(archive_dir)
    entry = {"credit_code": CODE_42, "name": NAME_42, "legal_representative": "陈静"}
    add_enterprise(archive, {**entry, "phone": "0746-2287052"})
    add_enterprise(
        archive,
        {
            "credit_code": make_code(5),
            "name": "蓝山县华兴化工有限公司一分公司",
            "phone": "0746-7221002",
        },
    )

    def order(heading, name, extra, sure=False):
        lines = _misread_order(heading, "蓝应急责改〔2026〕3号", name, None)
        if sure:
            lines[3] = [*chars(name), (":", 90)]
        lines.insert(4, chars(extra))
        return lines

    attacks = {
        "一": order("宁远县应急管理局", "宁远县宏达矿业有限公司", "法定代表人:陈静"),
        "二": order("蓝山县应急管理局", "蓝山县宏大矿业有限公司", "法定代表人:陈静", sure=True),
        "三": order("蓝山县应急管理局", "蓝山县华兴化工有限公司二分公司", "联系电话:0746-7221002"),
        "四": order(
            "蓝山县应急管理局", "蓝山县宏达矿亚有限公司", "法定代表人:吴刚 电话0746-2287052"
        ),
    }
    nameless = order("蓝山县应急管理局", NAME_42, "x")
    nameless[3] = chars(f"与{NAME_42}相邻的仓库")  # named in a sentence only
    attacks["五"] = nameless
    branch = order("蓝山县应急管理局", NAME_42, "x")
    branch[3] = chars(f"{NAME_42}二分公司")  # ours, and more of a name after it
    attacks["六"] = branch

    def parse(path):  # (workers are forked: what they read comes from the path)
        return _ocr_read(attacks[Path(path).stem])

    for folder in attacks:
        row = _ingest_read(
            runner, archive_dir, tmp_path / folder, monkeypatch, parse, register=False
        )
        assert row["status"] == "unmatched", (folder, row)


def test_a_file_filed_on_an_inference_is_shown_to_the_clerk(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    """Not only in --nl: the ingest's own lines show the 请核对 note of a file filed on an
    inference, and a closing line counts them."""
    from archive.enterprises import add_enterprise
    from archive.store import Archive

    add_enterprise(Archive.open(archive_dir), {"credit_code": CODE_42, "name": NAME_42})
    lines = _misread_order("监山县应急管理局", "监应急责改〔2026〕3号", NAME_42, CODE_42)
    monkeypatch.setattr("parsers.registry.parse_path", lambda path, **_o: _ocr_read(lines))
    folder = tmp_path / "收件"
    folder.mkdir()
    write_pdf(folder / "一.pdf", ["一"], title="责令限期整改指令书")
    result = invoke(runner, "ingest", str(folder), "--jobs", "1", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    assert "页眉的县名也读错成同一个字" in result.stderr
    assert "1 份文件是按文字识别结果推断归档的" in result.stderr


@needs_ocr
def test_a_faxed_page_is_read(tmp_path: Path) -> None:
    """A fax's standard resolution (204 × 98 dpi): the page squashed to half its height, as a
    fax machine stores it, is read once its pixels are made square."""
    from PIL import Image

    from parsers.scan.pages import load_pages

    doc = make_documents(4)[3]
    page = render_pages(doc, 204)[0].convert("L")
    squashed = page.resize((page.width, round(page.height * 98 / 204)))
    path = tmp_path / "传真.tif"
    squashed.point(lambda value: 255 if value > 160 else 0).convert("1").save(
        path, dpi=(204, 98), compression="group4"
    )
    assert Image.open(path).info["dpi"] == (204, 98)
    parsed = ocr.ocr_document(load_pages(path, "image"), path)
    assert (parsed.kind, parsed.credit_code) == (doc.kind, doc.credit_code)


def test_a_title_and_its_doc_number_on_one_line_as_ocr_reads_them() -> None:
    """A gap read as 。 between a title and its 文号, the title a character off before it;
    a form's number at its foot after 文书编号 with a stray mark."""
    from parsers.fields.doc_numbers import find_doc_number

    fixed, notes = ocr.repair_titles(
        "蓝山县应急管理局\n整改复查意见间。(湘永蓝)应急复查〔2026〕3号"
    )
    assert fixed.split("\n")[1] == "整改复查意见书。(湘永蓝)应急复查〔2026〕3号" and notes
    number = [("〔2026〕", 90.0), *chars("第"), ("11", 90.0), *chars("号")]
    lines = [chars("蓝山县应急管理局"), [*chars("行政处罚决定书。(湘永蓝)应急罚"), *number]]
    lines += order_lines(CODE_42)[2:]
    parsed = read_tsv(lines)
    assert parsed.kind == "penalty_decision"
    assert parsed.get("doc_number") == "（湘永蓝）应急罚〔2026〕第11号"
    foot = "\n".join(["蓝山县应急管理局", "现场检查记录", *["检查情况"] * 20])
    found = find_doc_number(foot + "\n文书编号:“(蓝)应急检记〔2026〕56号第1页共1页")
    assert found is not None and found.value == "（蓝）应急检记〔2026〕56号"


@needs_ocr
def test_a_faint_photocopy_is_read() -> None:
    """A pale copy (ink mid-grey on a speckled page) is stretched to black ink before it is
    read; a page with black ink is left as it is."""
    import numpy as np

    doc = make_documents(4)[3]
    page = np.asarray(render_pages(doc, 200)[0].convert("L"), dtype=np.float32)
    faint = 255 - (255 - page) * 0.35  # ink at ~165 of 255 (read as nothing as it is)
    speckle = np.random.default_rng(5).normal(0, 20, faint.shape)
    faint = np.clip(faint + speckle, 0, 255).astype(np.uint8)
    assert np.percentile(faint[faint < 200], 5) > ocr.FAINT_INK
    parsed = ocr.ocr_document([np.stack([faint] * 3, axis=2)])
    assert (parsed.kind, parsed.credit_code) == (doc.kind, doc.credit_code)
    black = page.astype(np.uint8)
    assert ocr._stretch_faint(black) is black


def test_a_code_read_unsurely_files_only_under_a_registered_enterprise(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    """A code that passes its check but was read too unsurely is no field of the document;
    when it is a registered enterprise's, ingest files by it with 请核对; else the file waits."""
    from archive.enterprises import add_enterprise
    from archive.store import Archive

    add_enterprise(Archive.open(archive_dir), {"credit_code": CODE, "name": "蓝山县某某公司"})
    other = next(code for code in (make_code(n) for n in range(300, 400)) if code != CODE)

    def parse(path):  # (workers are forked: what they read comes from the path)
        code = {"一": CODE, "二": other}[Path(path).stem]
        lines = order_lines(code, code_conf=30.0)
        lines[2] = [*chars("蓝山县宏达矿亚有限公司", 30.0), (":", 90)]  # a name nobody has
        parsed = _ocr_read(lines)
        assert parsed.credit_code is None and parsed.unsure_code == code
        return parsed

    row = _ingest_read(runner, archive_dir, tmp_path / "一", monkeypatch, parse, register=False)
    assert (row["status"], row["credit_codes"]) == ("ingested", [CODE])
    assert "把握不足，但校验通过且是名册中的单位" in row["reason"]
    row = _ingest_read(runner, archive_dir, tmp_path / "二", monkeypatch, parse, register=False)
    assert row["status"] == "unmatched", row


def test_a_table_s_second_reading_never_takes_a_code_another_organisation_s() -> None:
    """The table read again without its rules finds only the contractor's code (in brackets
    after its name, or one the first reading saw so): it is not taken as the party's."""
    other = make_code(77)
    line = f"将检修作业发包给蓝山县乙建筑有限公司(统一社会信用代码:{other})的施工人员"
    page = ocr._page_from_lines([[(line, 95.0, (0, 0, 10, 10))]], None)
    found: dict = {}
    ocr._codes_of(page, found, set())
    assert found == {}
    plain = ocr._page_from_lines([[(f"统一社会信用代码:{other}", 95.0, (0, 0, 10, 10))]], None)
    ocr._codes_of(plain, found, {other})
    assert found == {}
    ocr._codes_of(plain, found, set())
    assert list(found) == [other]


# -- the other engine's reading as a witness at ingest -------------------------------------------


def _with_other(lines: list, doc_number: str | None, names: list[str]):
    def read(path):
        parsed = _ocr_read(lines)
        parsed.second_reading = {"doc_number": doc_number, "names": names}
        return parsed

    return read


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (
            "（湘永蓝）应急责改〔2026〕5号",
            "（湘永蓝）应急责改〔2026〕5号",
        ),  # only the place differs
        ("（湘永蓝）应急责改〔2026〕6号", "（ll永蓝）应急责改〔2026〕5号"),  # the serial too: no
    ],
)
def test_a_doc_number_s_place_the_other_engine_read_as_ours_is_taken(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch, other: str, expected: str
) -> None:
    """湘 read as two letters (ll) by tesseract, our own by PP-OCR: filed with our place only
    when all else of the two readings agrees."""
    lines = _misread_order("蓝山县应急管理局", "(ll永蓝)应急责改〔2026〕5号", NAME_42, CODE_42)
    row = _ingest_read(runner, archive_dir, tmp_path / "收件", monkeypatch,
                       _with_other(lines, other, []))  # fmt: skip
    assert row["doc_number"] == expected
    assert ("另一识别引擎读为" in (row["reason"] or "")) is (expected == other)


def test_a_name_the_other_engine_read_as_a_registered_one_files_the_document(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    lines = _misread_order(
        "蓝山县应急管理局", "蓝应急责改〔2026〕5号", "蓝山县宏达矿叶有限公司", None
    )
    row = _ingest_read(runner, archive_dir, tmp_path / "一", monkeypatch,
                       _with_other(lines, None, [NAME_42]))  # fmt: skip
    assert (row["status"], row["credit_codes"]) == ("ingested", [CODE_42])
    assert "另一识别引擎读为“蓝山县宏达矿业有限公司”" in row["reason"]
    # the other engine's name also unregistered: nothing is filed
    row = _ingest_read(runner, archive_dir, tmp_path / "二", monkeypatch,
                       _with_other(lines, None, ["蓝山县宏达矿夜有限公司"]), register=False)  # fmt: skip
    assert row["status"] == "unmatched"


def test_a_name_tesseract_read_surely_is_not_taken_for_the_other_engine_s(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    """An unregistered enterprise's name read surely stays its own, whatever registered name
    the other engine read (a misreading of its own cannot file the document elsewhere)."""
    lines = _misread_order(
        "蓝山县应急管理局", "蓝应急责改〔2026〕5号", "蓝山县宏远矿业有限公司", None
    )
    lines[3] = [(char, 92.0) for char in "蓝山县宏远矿业有限公司"] + [(":", 90)]
    row = _ingest_read(runner, archive_dir, tmp_path / "收件", monkeypatch,
                       _with_other(lines, None, [NAME_42]))  # fmt: skip
    assert row["status"] == "unmatched" and row["credit_codes"] == []
