"""Enforcement documents end to end: file → text → kind → fields; hostile files → ParseError.

The cases are a folder of ``<case>.pdf|docx`` + ``<case>.expected.json`` pairs, written by
``tests/parsers_fixtures.py``.  Every expected field must come out exactly, and no other
field may appear: a field the text does not state is absent, never guessed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import (
    inspection_record,
    no_penalty_decision,
    penalty_decision,
    penalty_notice,
    rectification_order,
    reinspection_opinion,
    unknown,
)
from parsers.base import KINDS, Document, ParsedDocument, ParseError
from parsers.normalise import normalise_text
from parsers.registry import PARSERS, parse_document, parse_path
from parsers.text import load_document, usable_text
from tests.helpers import make_code
from tests.parsers_fixtures import (
    CASES,
    PARTY,
    penalty_document,
    write_billion_laughs_docx,
    write_case,
    write_docx,
    write_external_entity_docx,
    write_pdf,
    write_pdf_without_tounicode,
    write_zip_bomb_docx,
)

ROOT = Path(__file__).resolve().parents[1]
FIELDS = {
    module.KIND: set(module.FIELDS)
    for module in (
        inspection_record,
        rectification_order,
        reinspection_opinion,
        penalty_notice,
        penalty_decision,
        no_penalty_decision,
        unknown,
    )
}


@pytest.fixture(scope="module")
def case_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cases")
    for case in CASES:
        write_case(case, folder)
    return folder


def _document(folder: Path, name: str) -> Path:
    [path] = [p for p in folder.glob(f"{name}.*") if not p.name.endswith(".expected.json")]
    return path


@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_case(case_folder: Path, name: str) -> None:
    expected = json.loads((case_folder / f"{name}.expected.json").read_text(encoding="utf-8"))
    parsed = parse_path(_document(case_folder, name))
    assert isinstance(parsed, ParsedDocument)
    assert parsed.kind == expected["kind"]
    assert parsed.kind in KINDS
    assert parsed.reason
    assert parsed.values() == expected["fields"]  # every field, and nothing guessed
    assert set(parsed.fields) <= FIELDS[parsed.kind]
    got = [[e.name, e.credit_code, e.credit_code_status] for e in parsed.enterprises]
    assert got == expected["enterprises"]
    assert len(parsed.warnings) == expected["warnings"]
    for found in parsed.fields.values():
        assert found.line is not None and found.source


def test_every_kind_and_variant_is_covered() -> None:
    kinds = {case.kind for case in CASES}
    assert kinds >= set(FIELDS)
    assert {case.media for case in CASES} == {"pdf", "docx"}


def test_fields_point_at_their_lines(case_folder: Path) -> None:
    doc = load_document(_document(case_folder, "decision_prose"))
    parsed = parse_document(doc)
    for name in ("doc_number", "legal_representative", "document_date"):
        found = parsed.fields[name]
        assert found.source in doc.text
        assert found.source == doc.lines[found.line - 1]
    assert "125号" in doc.lines[parsed.fields["doc_number"].line - 1]


def test_no_penalty_decision_is_never_a_penalty_decision(case_folder: Path) -> None:
    for name in ("no_penalty", "no_penalty_labelled"):
        doc = load_document(_document(case_folder, name))
        assert penalty_decision.accepts(doc) is None
        assert no_penalty_decision.accepts(doc)
        assert "fine_yuan" not in parse_document(doc).fields


def test_registry_order() -> None:
    names = [module.NAME for module in PARSERS]
    assert names[-1] == "unknown"
    assert names.index("no_penalty_decision") < names.index("penalty_decision")
    assert names.index("reinspection_opinion") < names.index("rectification_order")
    own = [
        name
        for name in names
        if name in ("commitment_letter", "monthly_report", "section_submission")
    ]
    assert names[: len(own)] == own
    for module in PARSERS:
        assert callable(module.accepts) and callable(module.parse)
        assert module.KIND in KINDS


def test_parsers_never_print(case_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for case in CASES:
        parse_path(_document(case_folder, case.name))
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_english_reasons(case_folder: Path) -> None:
    from archive.i18n import set_language

    set_language("en")
    parsed = parse_path(_document(case_folder, "decision_prose"))
    assert parsed.reason.startswith("Titled “行政处罚决定书”")


def test_heavy_libraries_load_lazily() -> None:
    code = (
        "import sys\n"
        "import parsers.registry, parsers.fields, parsers.text\n"
        "print([m for m in ('pypdfium2', 'pdfplumber', 'docx', 'lxml') if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


# --------------------------------------------------------------------------------------------
# Extraction


def test_pdfplumber_fallback_and_fake_bold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When pypdfium2 gives no text, pdfplumber reads it; its doubled bold title is undone."""
    import pypdfium2

    document = penalty_document(
        {
            **PARTY,
            "doc_number_printed": "（湘株醴）应急罚〔2023〕125号",
            "facts": "你单位未按规定开展隐患排查",
            "provisions_violated_article": "第四十一条",
            "legal_basis_article": "第一百零二条",
        }
    )
    path = write_pdf(
        tmp_path / "bold.pdf", document["blocks"], title=document["title"], bold_title="overdraw"
    )
    assert load_document(path).raw_text.startswith("行政处罚决定书")  # pypdfium2 merges the two
    monkeypatch.setattr(pypdfium2.PdfTextPage, "get_text_range", lambda self, *a, **k: "")
    doc = load_document(path)
    assert doc.extractor == "pdfplumber"
    assert doc.raw_text.startswith("行行政政处处罚罚")
    assert doc.text.startswith("行政处罚决定书")
    parsed = parse_document(doc)
    assert parsed.kind == "penalty_decision"
    assert parsed.get("fine_yuan") == 20000


def test_pdf_tables_on_request(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "t.pdf", ["被检查单位：醴陵市某某陶瓷有限公司"], title="现场检查记录"
    )
    assert load_document(path).tables == []
    assert load_document(path, tables=True).tables == []  # no ruled table in this one


def test_docx_tables_merged_cells_read_once(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "merged.docx",
        [[["被检查单位", "醴陵市某某陶瓷有限公司"], ["检查情况", "1.甲；2.乙"], ["备注"]]],
        title="现场检查记录",
    )
    doc = load_document(path)
    assert "被检查单位 | 醴陵市某某陶瓷有限公司" in doc.text
    assert doc.tables[0][0] == ["被检查单位", "醴陵市某某陶瓷有限公司"]
    assert doc.tables[0][2] == ["备注"]  # one merged cell, not two copies


def test_docx_properties(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "p.docx",
        ["正文"],
        properties={
            "identifier": "CN-2026-0001",
            "keywords": "credit-serial:CN-2026-0001;uscc:x",
            "title": "承诺书",
        },
    )
    properties = load_document(path).properties
    assert properties["identifier"] == "CN-2026-0001"
    assert properties["keywords"].startswith("credit-serial:")
    assert properties["title"] == "承诺书"


def test_usable_text() -> None:
    assert usable_text("行政处罚决定书（湘株醴）应急罚〔2023〕125号")
    assert not usable_text("")
    assert not usable_text("\x01\x02\x03" * 20 + "ab")
    assert not usable_text("\ufffd" * 40 + "行政处罚决定书")
    assert not usable_text("\ue001\ue002" * 30)  # private-use glyph codes, no ToUnicode map


# --------------------------------------------------------------------------------------------
# Files that must fail cleanly


def _reason(path: Path, **kwargs) -> str:
    with pytest.raises(ParseError) as caught:
        load_document(path, **kwargs)
    assert path.name in caught.value.message  # the message names the file
    assert caught.value.hint
    return caught.value.reason


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "加密.pdf", ["被检查单位：某公司"], title="现场检查记录", encrypt="secret"
    )
    assert _reason(path) == "encrypted"


def test_owner_password_pdf_is_read(tmp_path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    encryption = StandardEncryption("", ownerPassword="owner", canPrint=0, canCopy=0)
    path = write_pdf(
        tmp_path / "owner.pdf",
        ["被检查单位：醴陵市某某陶瓷有限公司"],
        title="现场检查记录",
        encrypt=encryption,
    )
    assert "被检查单位:醴陵市某某陶瓷有限公司" in load_document(path).text


def test_garbage_pdf(tmp_path: Path) -> None:
    path = tmp_path / "坏的.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    assert _reason(path) == "damaged"


def test_truncated_pdf_fails_cleanly_or_reads(tmp_path: Path) -> None:
    """A cut PDF is refused as damaged (or without text), or read with what it says."""
    good = write_pdf(
        tmp_path / "good.pdf", ["被检查单位：醴陵市某某陶瓷有限公司"] * 5, title="现场检查记录"
    )
    data = good.read_bytes()
    assert data.endswith(b"%%EOF\n")
    for cut in (len(data) // 3, len(data) // 2, len(data) - 40, len(data) - len(b"%%EOF\n")):
        path = tmp_path / f"cut{cut}.pdf"
        path.write_bytes(data[:cut])
        try:
            doc = load_document(path)
        except ParseError as error:
            assert error.reason in ("damaged", "no_text"), (cut, error.reason)
        else:
            assert "醴陵市某某陶瓷有限公司" in doc.text, (cut, doc.text)


def test_too_many_pages(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "长.pdf", ["一行字"] * 120, title="现场检查记录")
    assert load_document(path, max_pages=5).pages <= 5
    assert _reason(path, max_pages=2) == "too_many_pages"


def test_pdf_without_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page with no text objects (a scan) is no_text at once: pdfplumber is not tried."""
    from reportlab.pdfgen import canvas

    from parsers import text

    def fail(path: Path) -> None:
        raise AssertionError("pdfplumber should not run for a scan")

    monkeypatch.setattr(text, "_pdfplumber_text", fail)

    path = tmp_path / "扫描.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(100, 100, 300, 300, fill=1)
    pdf.showPage()
    pdf.save()
    assert _reason(path) == "no_text"


def test_pdf_font_without_tounicode_map(tmp_path: Path) -> None:
    """pypdfium2 gives control characters, pdfplumber "(cid:N)": neither is text."""
    import pdfplumber

    path = write_pdf_without_tounicode(tmp_path / "无编码表.pdf")
    with pdfplumber.open(path) as pdf:
        assert "(cid:" in pdf.pages[0].extract_text()
    assert _reason(path) == "no_text"


def test_other_types(tmp_path: Path) -> None:
    samples = {
        "scan.jpg": (b"\xff\xd8\xff\xe0" + bytes(64), "no_text"),
        "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "unsupported"),
        "locked.docx": (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + bytes(600)
            + "EncryptedPackage".encode("utf-16-le"),
            "encrypted",
        ),
        "random.pdf": (bytes(range(256)), "damaged"),
        "empty.docx": (b"", "damaged"),
        "text.docx": ("不是 zip 的 docx".encode(), "damaged"),
        "broken_zip.docx": (b"PK\x03\x04" + bytes(100), "damaged"),
        "notes.txt": ("随便什么".encode(), "unsupported"),
        "folder.zip": (b"PK\x05\x06" + bytes(18), "unsupported"),
    }
    for name, (content, reason) in samples.items():
        (tmp_path / name).write_bytes(content)
        assert _reason(tmp_path / name) == reason, name


def test_damaged_docx(tmp_path: Path) -> None:
    import zipfile

    good = write_docx(tmp_path / "good.docx", ["正文"])
    # A zip that claims to be a .docx but misses [Content_Types].xml (python-docx: KeyError).
    no_types = tmp_path / "no_types.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(no_types, "w") as target:
        for member in source.infolist():
            if member.filename != "[Content_Types].xml":
                target.writestr(member.filename, source.read(member.filename))
    assert _reason(no_types) == "damaged"
    # Broken XML in the main part.
    broken = tmp_path / "broken_xml.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "word/document.xml":
                data = data[: len(data) // 2]
            target.writestr(member.filename, data)
    assert _reason(broken) == "damaged"
    # A truncated file.
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(good.read_bytes()[:600])
    assert _reason(truncated) == "damaged"


def test_docx_zip_bomb_fails_fast_in_bounded_memory(tmp_path: Path) -> None:
    path = write_zip_bomb_docx(tmp_path / "炸弹.docx", megabytes=110)
    assert path.stat().st_size < 2 * 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    try:
        assert _reason(path) == "bomb"
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert time.perf_counter() - started < 2
    assert peak < 20 * 1024 * 1024


def test_docx_ratio_bomb(tmp_path: Path) -> None:
    path = write_zip_bomb_docx(tmp_path / "ratio.docx", megabytes=30)  # under 100 MB, ratio ~1000
    assert _reason(path) == "bomb"


def test_billion_laughs(tmp_path: Path) -> None:
    path = write_billion_laughs_docx(tmp_path / "laughs.docx")
    tracemalloc.start()
    started = time.perf_counter()
    try:
        assert _reason(path) == "bomb"
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert time.perf_counter() - started < 2
    assert peak < 20 * 1024 * 1024


def test_billion_laughs_past_the_scanned_head_is_stopped_by_the_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a DTD beyond the scanned head never expands: lxml refuses (amplification)."""
    from parsers import text

    path = write_billion_laughs_docx(tmp_path / "deep.docx")
    monkeypatch.setattr(text, "XML_HEAD", 4)  # see nothing
    with pytest.raises(ParseError) as caught:
        load_document(path)
    assert caught.value.reason in ("bomb", "damaged")


def test_external_entities_are_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    path = write_external_entity_docx(tmp_path / "xxe.docx", secret)
    with pytest.raises(ParseError) as caught:
        load_document(path)
    assert "TOP-SECRET-CONTENT" not in str(caught.value)
    # And past the DTD check, python-docx's parser does not resolve them either.
    from parsers import text

    monkeypatch.setattr(text, "XML_HEAD", 4)
    try:
        doc = load_document(path)
    except ParseError as error:
        assert "TOP-SECRET-CONTENT" not in str(error)
    else:
        assert "TOP-SECRET-CONTENT" not in doc.text


# --------------------------------------------------------------------------------------------
# Robustness: junk made of the words documents use never crashes a parser

_WORDS = [
    "行政处罚决定书",
    "不予行政处罚决定书",
    "行政处罚告知书",
    "现场检查记录",
    "责令限期整改指令书",
    "整改复查意见书",
    "当事人",
    "被检查单位",
    "统一社会信用代码",
    "法定代表人",
    "(负责人)",
    "检查时间",
    "检查情况",
    "存在下列问题",
    "整改期限",
    "复查意见",
    "违法事实",
    "处罚依据",
    "违反了",
    "依据",
    "《中华人民共和国安全生产法》",
    "的规定",
    "经查",
    "罚款",
    "人民币",
    "贰万",
    "壹拾",
    "万元",
    "元整",
    "以上",
    "以下",
    "¥",
    "年",
    "月",
    "日",
    "时",
    "分",
    "二〇二六",
    "十一",
    "〔2023〕",
    "(湘株醴)",
    "应急罚",
    "号",
    "有限公司",
    "已整改完毕",
    "仍存在",
    "☑",
    "□",
    "1.",
    "①",
    ":",
    "|",
    ",",
    "。",
    "\n",
    " ",
    "9143",
    "xxxx",
    "O",
    "20000",
    "5.0",
    "-",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=80))
def test_parsers_never_crash_on_junk(words: list[str]) -> None:
    text = normalise_text("".join(words))
    doc = Document(path=Path("junk.pdf"), media="pdf", text=text, raw_text=text)
    for module in PARSERS:
        reason = module.accepts(doc)
        assert reason is None or isinstance(reason, str)
    parsed = parse_document(doc)
    assert parsed.kind in KINDS
    if parsed.kind in FIELDS:
        assert set(parsed.fields) <= FIELDS[parsed.kind]
    fine = parsed.get("fine_yuan")
    assert fine is None or (isinstance(fine, int) and fine > 0)


# --------------------------------------------------------------------------------------------
# Texts as published (prose layouts the file fixtures do not produce)


def _parse_text(raw: str) -> ParsedDocument:
    text = normalise_text(raw)
    return parse_document(Document(path=Path("x.pdf"), media="pdf", text=text, raw_text=raw))


def test_order_number_quoted_in_parentheses_after_its_title() -> None:
    parsed = _parse_text(
        "整改复查意见书\n醴应急复查〔2026〕9号\n醴陵市某某烟花爆竹有限公司：\n"
        "本局于2026年11月10日作出了《责令限期整改指令书》（醴应急责改〔2026〕15号），"
        "经对你单位整改情况进行复查，提出如下意见：\n"
        "经复查，你单位已按要求完成整改，未发现仍存在上述问题。\n醴陵市应急管理局\n2026年11月25日"
    )
    assert parsed.values() == {
        "doc_number": "醴应急复查〔2026〕9号",
        "doc_number_raw": "醴应急复查〔2026〕9号",
        "references": ["醴应急责改〔2026〕15号"],
        "follows_order": "醴应急责改〔2026〕15号",
        "authority": "醴陵市应急管理局",
        "document_date": "2026-11-25",
        "rectified": True,
    }


def test_individual_business_without_a_fine() -> None:
    code = "92430281MA4L0C0X1K"
    parsed = _parse_text(
        f"不予行政处罚决定书\n醴应急不罚〔2026〕1号\n当事人：醴陵市某某五金店（个体工商户）\n"
        f"统一社会信用代码：{code}\n经营者：张某\n"
        "经查，你店于2026年10月8日未按规定储存烟花爆竹。上述事实有现场检查记录为证。\n"
        "你店的上述行为违反了《烟花爆竹安全管理条例》第二十条的规定。鉴于你店系初次违法且危害后果轻微"
        "并及时改正，依据《中华人民共和国行政处罚法》第三十三条第一款的规定，本局决定不予行政处罚。"
        "（该条规定：处一万元以上五万元以下的罚款）\n醴陵市应急管理局\n二〇二六年十月二十日"
    )
    assert parsed.kind == "no_penalty_decision"
    assert parsed.get("legal_representative") == "张某"
    assert parsed.get("legal_basis") == "《中华人民共和国行政处罚法》第三十三条第一款"
    assert "fine_yuan" not in parsed.fields
    assert parsed.enterprises[0].credit_code == code


def test_two_parties_inline() -> None:
    first, second = make_code(11), make_code(22)
    parsed = _parse_text(
        "行政处罚决定书\n（湘株醴）应急罚〔2024〕12号\n"
        f"当事人：醴陵市甲陶瓷有限公司，统一社会信用代码：{first}，住所：醴陵市某路1号，法定代表人：李某。\n"
        f"当事人：醴陵市乙烟花厂，统一社会信用代码：{second}，住所：醴陵市某路2号，法定代表人：王某。\n"
        "经查，上述两单位未签订安全生产管理协议。以上事实有询问笔录为证。\n"
        "上述行为违反了《中华人民共和国安全生产法》第四十八条第一款的规定，依据《中华人民共和国"
        "安全生产法》第一百零四条的规定，本局决定对两单位各处罚款人民币壹万元整。\n"
        "醴陵市应急管理局\n2024年3月1日"
    )
    assert [(e.name, e.credit_code) for e in parsed.enterprises] == [
        ("醴陵市甲陶瓷有限公司", first),
        ("醴陵市乙烟花厂", second),
    ]
    assert parsed.get("fine_yuan") == 10000


def test_signature_lines_are_not_units() -> None:
    parsed = _parse_text(
        "现场检查记录\n被检查单位：醴陵市某某陶瓷有限公司\n检查情况：经检查，发现你单位存在以下问题："
        "1.配电箱未设置安全警示标志；2.安全出口被堵塞。\n（以下空白）\n检查人员（签名）：\n"
        "被检查单位现场负责人（签名）："
    )
    assert [e.name for e in parsed.enterprises] == ["醴陵市某某陶瓷有限公司"]
    assert parsed.get("findings") == ["配电箱未设置安全警示标志", "安全出口被堵塞"]


def test_pdf_table_cells_recover_a_wrapped_name(tmp_path: Path) -> None:
    """A name wrapped inside its table cell: plain text loses it, pdfplumber's cells keep it."""
    from reportlab.pdfgen import canvas

    from tests.parsers_fixtures import FONT, _register_font

    _register_font()
    path = tmp_path / "表格.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont(FONT, 18)
    pdf.drawString(200, 780, "现场检查记录")
    pdf.setFont(FONT, 12)
    for y in (740, 700, 670):
        pdf.line(72, y, 400, y)
    for x in (72, 180, 400):
        pdf.line(x, 670, x, 740)
    pdf.drawString(80, 722, "被检查单位")
    pdf.drawString(190, 725, "醴陵市某某陶瓷")
    pdf.drawString(190, 708, "有限公司")
    pdf.drawString(80, 682, "检查场所")
    pdf.drawString(190, 682, "一号车间")
    pdf.showPage()
    pdf.save()
    assert parse_document(load_document(path)).enterprises == []
    parsed = parse_path(path)
    assert [e.name for e in parsed.enterprises] == ["醴陵市某某陶瓷有限公司"]
    assert parsed.get("inspection_place") == "一号车间"


def test_docx_content_controls_are_read(tmp_path: Path) -> None:
    """Text inside a content control (w:sdt) is part of the document."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("现场检查记录")
    sdt = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtContent><w:p><w:r><w:t>被检查单位：醴陵市某某陶瓷有限公司"
        "</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    document.element.body.insert(1, sdt)
    document.add_paragraph("检查场所：一号车间")
    path = tmp_path / "sdt.docx"
    document.save(str(path))
    doc = load_document(path)
    assert doc.lines[:3] == [
        "现场检查记录",
        "被检查单位:醴陵市某某陶瓷有限公司",
        "检查场所:一号车间",
    ]


def test_file_names_in_any_encoding(tmp_path: Path) -> None:
    """A GBK file name (from a Windows zip) is read, and shown readably in messages."""
    import os

    name = os.fsdecode("决定书.pdf".encode("gbk"))
    path = tmp_path / name
    write_pdf(path, ["当事人：醴陵市某某陶瓷有限公司"], title="行政处罚决定书")
    assert load_document(path).text.startswith("行政处罚决定书")
    broken = tmp_path / os.fsdecode("坏文件.docx".encode("gbk"))
    broken.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(ParseError) as caught:
        load_document(broken)
    assert "坏文件.docx" in caught.value.message
    caught.value.message.encode("utf-8")  # printable
