"""The shipped .docx templates: catalog, layout (GB/T 9704-2012), tags, QR part, rendering."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from archive.errors import UsageError
from archive.i18n import catalog, set_language
from archive.letters.catalog import (
    COMMON_VARIABLES,
    DATE_LINE,
    FORM_LABELS,
    LEVELS,
    MONTHLY_REPORT_TOPICS,
    SECTION_SUBMISSION_COLUMNS,
    SIGNATURE_BLOCKS,
    SIGNATURE_QR_LEFT_MM,
    TEMPLATES,
    get_template_info,
    required_variables,
)
from templates import TEMPLATES_DIR, template_path

docx = pytest.importorskip("docx")
docxtpl = pytest.importorskip("docxtpl")
jinja2 = pytest.importorskip("jinja2")

from docx.shared import Mm, Pt  # noqa: E402

NAMES = list(TEMPLATES)
QR_PART = "word/media/credit_qr.png"
SIGN_QR_PART = "word/media/credit_qr_sign.png"
SERIAL = "蓝应急诺〔2026〕0007号"
CODE = "91431127MA4L8A1B2C"
NAME = "蓝山县塔峰镇示例矿业有限公司"
SECTION = "非煤矿山股"


def _context(name: str, *, enterprise_name: str = NAME) -> dict:
    """A full sample context: the common variables, the addressee and every kind's facts."""
    return {
        "bureau": "蓝山县应急管理局",
        "county": "蓝山县",
        "serial": SERIAL,
        "year": 2026,
        "issue_date": "2026年11月30日",
        "enterprise": SimpleNamespace(
            name=enterprise_name,
            credit_code=CODE,
            legal_representative="张某某",
            address="蓝山县塔峰镇工业园一路8号",
            industry="非煤矿山",
            section=SECTION,
            town="塔峰镇",
        ),
        "section": SECTION,
        "basis": "《蓝山县应急管理局关于创建全国社会信用体系建设示范县城的实施方案》第三部分第（三）项",
        "steps": "信息采集—信息告知—信息交换—信息公布—信息移出",
        "record_basis": "《蓝山县应急管理局关于创建全国社会信用体系建设示范县城的实施方案》第三部分第（二）项",
        "criterion": "第五项",
        "criterion_text": "隐患排查不如实记录和上报隐患排查治理情况，期限内未完成治理整改的",
        "facts": "2026年9月12日检查发现的3项隐患，至整改期限届满仍有2项未整改。",
        "evidence": "《现场检查记录》（湘永蓝应急检记〔2026〕31号）、《整改复查意见书》",
        "term_years": 1,
        "start_date": "2026年12月1日",
        "end_date": "2027年11月30日",
        "statement_deadline": "2026年12月7日",
        "listed_on": "2025年11月20日",
        "removed_on": "2026年11月20日",
        "reason": "管理期限届满，期间未再发生列入情形，相关问题已整改到位",
        "interview_time": "2026年12月3日上午9时",
        "interview_place": "蓝山县应急管理局三楼会议室",
        "attendees": "法定代表人、主要负责人、安全管理负责人",
        "topics": "事故隐患整改不到位问题及下一步整改措施",
        "materials": "整改情况报告、隐患排查治理台账",
        "order_number": "（湘永蓝）应急责改〔2026〕18号",
        "problems": ["井下通风设施不完好", "应急救援预案未按期演练"],
        "original_deadline": "2026年10月15日",
        "new_deadline": "2026年12月15日",
        "period": "2026年11月",
        "missing": ["安全生产诚信履行情况报告表", "隐患排查治理台账"],
        "deadline": "2026年11月30日",
        "paragraphs": ["截至2026年11月18日，2026年10月应报送月度资料 5 项。"],
        "rows": [
            {"section": SECTION, "owed": 3, "on_time": 1, "late": 1, "incomplete": 0}
            | {"missing": 1, "rate": "66.7"}
        ],
    }


def _open(name: str):
    return docx.Document(str(template_path(name)))


def _all_text(document) -> str:
    """Paragraphs, table cells, headers and footers, one per line."""
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    for section in document.sections:
        lines.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(lines)


def _render(name: str, context: dict, **kwargs):
    template = docxtpl.DocxTemplate(str(template_path(name)))
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    template.render(context, jinja_env=env, **kwargs)
    buffer = io.BytesIO()
    template.save(buffer)
    buffer.seek(0)
    return docx.Document(buffer), buffer.getvalue()


def _document_xml(name: str) -> str:
    with zipfile.ZipFile(template_path(name)) as package:
        return package.read("word/document.xml").decode("utf-8")


# --- the catalog --------------------------------------------------------------------------


def test_catalog_and_files_match() -> None:
    shipped = {path.stem for path in TEMPLATES_DIR.glob("*.docx")}
    assert shipped == set(TEMPLATES)
    assert [info.category for info in TEMPLATES.values()] == sorted(
        (info.category for info in TEMPLATES.values()),
        key=("commitment", "notice", "form", "report").index,
    )


def test_catalog_entries_are_consistent() -> None:
    for name, info in TEMPLATES.items():
        assert info.name == name
        assert info.category in ("commitment", "notice", "form", "report")
        assert info.addressee in ("enterprise", "section")
        assert (info.level is not None) == (info.category == "commitment")
        assert not set(info.variables) & set(COMMON_VARIABLES)
        assert ("section" in info.variables) == (info.addressee == "section")
        assert re.search(r"[\u4e00-\u9fff]", info.title)
        assert "\n" not in info.description
    assert {get_template_info(name).level: name for name in LEVELS.values()} == LEVELS


def test_unknown_template_is_a_usage_error_listing_the_known_ones() -> None:
    with pytest.raises(UsageError) as raised:
        get_template_info("notice_nonsense")
    assert "notice_nonsense" in raised.value.message
    assert "commitment_unit" in raised.value.message
    assert raised.value.hint
    assert raised.value.exit_code == 2  # a mistyped name, not a broken template


def test_catalog_speaks_english() -> None:
    english = catalog("en")
    for info in TEMPLATES.values():
        assert info.title in english and info.description in english
    set_language("en")
    with pytest.raises(UsageError) as raised:
        get_template_info("nope")
    assert raised.value.message.startswith("There is no template named")


def test_required_variables() -> None:
    assert required_variables("commitment_unit") == (*COMMON_VARIABLES, "enterprise")
    assert "enterprise" not in required_variables("form_section_submission")


def test_template_path_rejects_paths() -> None:
    assert template_path("commitment_unit.docx") == TEMPLATES_DIR / "commitment_unit.docx"
    for bad in ("../x", "a/b", "", ".hidden"):
        with pytest.raises(ValueError):
            template_path(bad)


# --- each template ------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_layout_follows_gbt_9704(name: str) -> None:
    document = _open(name)
    section = document.sections[0]

    def close(actual, expected_mm: float) -> bool:
        return abs(actual - Mm(expected_mm)) <= Mm(0.5)

    assert close(section.page_width, 210) and close(section.page_height, 297)
    assert close(section.top_margin, 37) and close(section.bottom_margin, 35)
    assert close(section.left_margin, 28) and close(section.right_margin, 26)

    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)
    fonts = normal.element.rPr.rFonts
    assert fonts.get(docx.oxml.ns.qn("w:eastAsia")) == "仿宋_GB2312"
    assert fonts.get(docx.oxml.ns.qn("w:ascii")) == "Times New Roman"
    assert normal.paragraph_format.line_spacing == Pt(28.95)
    ind = normal.element.pPr.find(docx.oxml.ns.qn("w:ind"))
    assert ind.get(docx.oxml.ns.qn("w:firstLineChars")) == "200"

    title = next(p for p in document.paragraphs if p.style.name == "公文标题")
    assert title.style.font.size == Pt(22)
    assert title.style.paragraph_format.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    title_fonts = title.style.element.rPr.rFonts
    assert title_fonts.get(docx.oxml.ns.qn("w:eastAsia")) == "方正小标宋简体"

    footer = section.footer.paragraphs[0]
    assert footer.text == "— 1 —"
    assert "<w:instrText" in footer._p.xml and " PAGE " in footer._p.xml

    props = document.core_properties
    assert props.title == TEMPLATES[name].title and props.subject


@pytest.mark.parametrize("name", NAMES)
def test_tags_are_whole_runs_and_addressee_is_printed(name: str) -> None:
    document = _open(name)
    xml = _document_xml(name)
    assert "编号：{{ serial }}" in xml
    if TEMPLATES[name].addressee == "enterprise":
        assert "{{ enterprise.name }}" in xml
        assert "统一社会信用代码：{{ enterprise.credit_code }}" in xml or (
            "统一社会信用代码" in _all_text(document) and "{{ enterprise.credit_code }}" in xml
        )
    else:
        assert "{{ section }}" in xml
    if TEMPLATES[name].category == "notice":
        assert "{{ bureau }}" in xml and "{{ issue_date }}" in xml
    # every tag opens and closes within one run's text
    for text in re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml):
        assert text.count("{{") == text.count("}}"), text
        assert text.count("{%") == text.count("%}"), text


@pytest.mark.parametrize("name", NAMES)
def test_qr_placeholder_part(name: str) -> None:
    with zipfile.ZipFile(template_path(name)) as package:
        names = package.namelist()
        assert QR_PART in names
        signed = name in SIGNATURE_BLOCKS  # the letters that come back signed have a second QR
        media = [QR_PART, SIGN_QR_PART] if signed else [QR_PART]
        assert sorted(n for n in names if n.startswith("word/media/")) == media
        for part in media:
            assert package.read(part).startswith(b"\x89PNG")
        rels = package.read("word/_rels/document.xml.rels").decode("utf-8")
        assert 'Target="media/credit_qr.png"' in rels
        assert ('Target="media/credit_qr_sign.png"' in rels) == signed
    document = _open(name)
    (shape,) = document.inline_shapes  # the signature QR floats: not an inline shape
    assert abs(shape.width - Mm(20)) <= Mm(0.5) and abs(shape.height - Mm(20)) <= Mm(0.5)
    xml = _document_xml(name)
    assert 'name="credit_qr"' in xml
    assert ('name="credit_qr_sign"' in xml) == signed
    if signed:  # anchored to the block's first line, 30 mm from the margin, no wrapping
        assert xml.count("<wp:anchor ") == 1 and "<wp:wrapNone/>" in xml
        assert '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0<' in xml
        assert f"<wp:posOffset>{round(SIGNATURE_QR_LEFT_MM * 36000)}<" in xml


def test_signature_blocks_are_the_catalog_s() -> None:
    """Each signed template prints its catalog blocks, in order, each ending with the date line,
    with the first label line right after an empty line (the QR code hangs from it)."""
    for name, blocks in SIGNATURE_BLOCKS.items():
        texts = [p.text for p in _open(name).paragraphs]
        expected = [line for block in blocks for line in (*block, DATE_LINE)]
        start = texts.index(blocks[0][0])
        assert texts[start - 1] == ""
        assert [t for t in texts[start:] if t] == expected


@pytest.mark.parametrize("name", NAMES)
def test_renders_with_plain_docxtpl(name: str) -> None:
    rendered, data = _render(name, _context(name))
    text = _all_text(rendered)
    assert SERIAL in text
    if TEMPLATES[name].addressee == "enterprise":
        assert NAME in text and CODE in text
    else:
        assert SECTION in text
    assert "{{" not in text and "{%" not in text and "%}" not in text
    if TEMPLATES[name].category == "notice":
        assert "蓝山县应急管理局" in text and "2026年11月30日" in text
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert QR_PART in package.namelist()


@pytest.mark.parametrize("name", NAMES)
def test_variables_used_match_the_catalog(name: str) -> None:
    info = TEMPLATES[name]
    used = docxtpl.DocxTemplate(str(template_path(name))).get_undeclared_template_variables()
    allowed = set(COMMON_VARIABLES) | {"enterprise", "section"} | set(info.variables)
    assert used <= allowed, f"{name} uses undeclared {used - allowed}"
    assert set(info.variables) <= used, f"{name} declares unused {set(info.variables) - used}"
    assert ("enterprise" in used) == (info.addressee == "enterprise")
    assert "serial" in used


@pytest.mark.parametrize("name", NAMES)
def test_missing_variable_is_an_error(name: str) -> None:
    context = _context(name)
    del context["serial"]
    with pytest.raises(jinja2.UndefinedError):
        _render(name, context)


@pytest.mark.parametrize("name", NAMES)
def test_markup_in_names_comes_out_exactly_with_autoescape(name: str) -> None:
    hostile = 'A&B<有限>公司 "{{ x }}" </w:t><w:p>'
    context = _context(name, enterprise_name=hostile)
    context["section"] = hostile
    rendered, _ = _render(name, context, autoescape=True)
    assert hostile in _all_text(rendered)
    if "{%p" not in _document_xml(name):  # paragraph loops change the count by design
        assert len(rendered.paragraphs) == len(_open(name).paragraphs)


def test_lists_become_numbered_paragraphs() -> None:
    rendered, _ = _render("notice_rectification_overdue", _context("x"))
    paragraphs = [p.text for p in rendered.paragraphs]
    assert "1．井下通风设施不完好" in paragraphs
    assert "2．应急救援预案未按期演练" in paragraphs


# --- the content the programme asks for -----------------------------------------------------


def test_unit_commitment_has_the_five_commitments_and_signature_block() -> None:
    text = _all_text(_open("commitment_unit"))
    for phrase in (
        "绝不非法违法组织生产",
        "安全生产责任制度",
        "不违章指挥，不冒险作业，杜绝生产安全责任事故",
        "双重预防体系建设",
        "自觉接受安全监管监察和相关部门依法检查，严格执行执法指令",
        "单位（盖章）",
        "法定代表人（签字）",
        "{{ year }}年度",
        "年　　月　　日",
    ):
        assert phrase in text, phrase


@pytest.mark.parametrize(
    ("name", "signers"),
    [
        ("commitment_workshop", ("车间（部门）负责人（签字）", "单位主要负责人（签字）")),
        ("commitment_team", ("班组长（签字）", "车间（部门）负责人（签字）")),
        ("commitment_post", ("岗位员工（签字）", "班组长（签字）")),
    ],
)
def test_lower_commitments_are_two_way_and_signed_by_both(name: str, signers) -> None:
    text = _all_text(_open(name))
    for signer in signers:
        assert signer in text
    assert text.count("日期：") == 2
    assert "承诺" in text and "{{ year }}年度" in text


def test_post_commitment_has_the_typical_items() -> None:
    text = _all_text(_open("commitment_post"))
    for phrase in ("三不伤害", "违章作业", "动火", "受限空间", "高处作业", "劳动防护用品", "持证"):
        assert phrase in text, phrase


def test_blacklist_notice_states_term_and_right_to_be_heard() -> None:
    text = _all_text(_open("notice_blacklist"))
    for phrase in ("陈述、申辩", "{{ statement_deadline }}", "{{ term_years }}", "证据"):
        assert phrase in text
    # the ground and the steps are the regime's, not one programme's written in
    assert "根据{{ basis }}的规定" in text and "“{{ steps }}”的程序" in text
    assert "实施方案" not in text and "信息交换" not in text


def test_forms_have_label_value_rows() -> None:
    for name, labels in FORM_LABELS.items():
        document = _open(name)
        found = [
            row.cells[0].text
            for table in document.tables
            if len(table.columns) == 2
            for row in table.rows
        ]
        assert found == list(labels)
    report = _open("form_monthly_report")
    (table,) = report.tables
    topics = [row.cells[0].text for row in table.rows if row.cells[0].text in MONTHLY_REPORT_TOPICS]
    assert topics == list(MONTHLY_REPORT_TOPICS)
    for row in table.rows:
        if row.cells[0].text in MONTHLY_REPORT_TOPICS:
            assert row.cells[1].text == ""
    slip = _open("form_section_submission")
    items = next(t for t in slip.tables if len(t.columns) == 4)
    assert tuple(cell.text for cell in items.rows[0].cells) == SECTION_SUBMISSION_COLUMNS


def test_section_reminder_cites_the_month_end_rule() -> None:
    text = _all_text(_open("notice_monthly_reminder_section"))
    assert "月底前" in text and "政策法规股" in text


def test_shipped_templates_are_what_the_build_script_makes(tmp_path: Path) -> None:
    from templates.build import build_all

    for path in build_all(tmp_path):
        assert path.read_bytes() == template_path(path.stem).read_bytes(), (
            f"{path.name} is out of date: run python -m templates.build"
        )
