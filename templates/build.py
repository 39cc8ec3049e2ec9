"""Build the shipped .docx templates: ``python -m templates.build [--out DIR]``.

The templates are generated rather than edited by hand so that

* every Jinja tag sits inside one run (Word splits runs at will; docxtpl then has to guess),
* the layout follows GB/T 9704-2012 (A4; margins 37/35/28/26 mm; body 仿宋_GB2312 16 pt at
  a fixed 28.95 pt line = 22 lines a page, condensed 0.25 pt so that 28 characters fill a
  line in Word, WPS and LibreOffice alike; title 方正小标宋简体 22 pt; headings 黑体 16 pt;
  page number ``— 1 —`` in 宋体 14 pt),
* the QR placeholder is always the part ``word/media/credit_qr.png`` (the renderer swaps its
  bytes for each letter's code),
* the output is byte-for-byte reproducible (fixed zip timestamps and document dates), so a
  test can check that the shipped files are what this script builds.

The catalog (names, titles, variables, form labels) is ``archive.letters.catalog``; the
wording of every letter is below.  Wording follows the county programme
(《……关于创建全国社会信用体系建设示范县城的实施方案》, sections 三(一)–(七) and 四(三)).
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.enum.table import WD_ALIGN_VERTICAL, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.packuri import PackURI
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from archive.letters.catalog import (
    DATE_LINE,
    FORM_LABELS,
    MONTHLY_REPORT_TOPICS,
    SECTION_SUBMISSION_COLUMNS,
    SECTION_SUBMISSION_ROWS,
    SIGNATURE_BLOCKS,
    SIGNATURE_INDENT_CHARS,
    SIGNATURE_QR_LEFT_MM,
    SIGNATURE_QR_MM,
    TEMPLATES,
    TemplateInfo,
)
from templates import TEMPLATES_DIR

# --- layout (GB/T 9704-2012) ------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
HEADER_DISTANCE, FOOTER_DISTANCE = Mm(15), Mm(22)  # puts the page number ~7 mm below the text
TEXT_WIDTH_MM = 210 - 28 - 26  # 156 mm

LATIN = "Times New Roman"
BODY_FONT, TITLE_FONT, HEADING_FONT, PAGE_FONT = "仿宋_GB2312", "方正小标宋简体", "黑体", "宋体"
BODY_PT, TITLE_PT, PAGE_PT, TABLE_PT = 16, 22, 14, 14
LINE_TWIPS = 579  # 28.95 pt: 22 lines in the 225 mm text block
TITLE_LINE_TWIPS = 700  # 35 pt for the 22 pt title
TABLE_LINE_TWIPS = 440  # 22 pt inside table cells
CHAR_TWIPS = BODY_PT * 20  # one body character = 320 twips
# 28 characters in the 156 mm (442.2 pt) line: 28 × 16 pt does not fit, so body text is
# condensed by 0.25 pt (28 × 15.75 = 441 pt).  Word's own way, a character grid
# (w:docGrid w:type="linesAndChars" with a negative w:charSpace), is rendered by LibreOffice
# -- our PDF converter -- with huge gaps (16 characters a line), so no character grid.
CHAR_CONDENSE = -5  # w:spacing in twentieths of a point

QR_PARTNAME = "/word/media/credit_qr.png"
QR_NAME = "credit_qr"
QR_SIZE = Mm(20)
QR_PLACEHOLDER = "credit:serial=待生成;code=待生成"
# The signature block's QR code: floating (in front of the text, which never reaches it), its
# top at the top of the block's first line, left of the labels; the numbers are the catalog's
# (SIGNATURE_QR_LEFT_MM …), from which a scan's signature and date areas are found.
SIGN_QR_PARTNAME = "/word/media/credit_qr_sign.png"
SIGN_QR_NAME = "credit_qr_sign"
SIGN_QR_PLACEHOLDER = "credit:signature=待生成"
BUILD_TIME = datetime(2026, 1, 1, tzinfo=UTC)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

LABEL_VALUE_COLUMNS = ((56, "center"), (TEXT_WIDTH_MM - 56, "left"))  # forms: mm, alignment

STYLE_TITLE = "公文标题"
STYLE_TABLE = "表格文字"
STYLE_NOTE = "填表说明"

PROGRAMME = "《{{ bureau }}关于创建全国社会信用体系建设示范县城的实施方案》"
BLANK = "　" * 8  # full-width spaces, underlined: a line to write on
DATE_BLANK = "　　　　年　　月　　日"


# --- low-level XML helpers ----------------------------------------------------------------


def _set_fonts(rpr, east_asia: str, latin: str = LATIN) -> None:
    """Set the run fonts of ``rpr`` (a w:rPr), dropping theme fonts that would override them."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _rpr_xml(
    east_asia: str,
    size_pt: float,
    latin: str = LATIN,
    extra: str = "",
    tail: str = "",
    condense: int = 0,
) -> str:
    """A w:rPr: fonts, ``extra`` (b, color …), spacing, size, ``tail`` (lang): schema order."""
    half_points = round(size_pt * 2)
    return (
        f'<w:rPr {nsdecls("w")}><w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" '
        f'w:cs="{latin}" w:eastAsia="{east_asia}" w:hint="eastAsia"/>{extra}'
        f'<w:spacing w:val="{condense}"/>'
        f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>{tail}</w:rPr>'
    )


def _replace_child(parent, tag: str, xml: str) -> None:
    old = parent.find(qn(tag))
    new = parse_xml(xml)
    if old is None:
        parent.append(new)
    else:
        old.addprevious(new)
        parent.remove(old)


def _ppr_xml(
    *,
    line: int | None = LINE_TWIPS,
    first_line_chars: int = 200,
    jc: str = "both",
    before: int = 0,
    after: int = 0,
    extra: str = "",
    tail: str = "",
) -> str:
    """A w:pPr: ``extra`` (keepNext …), spacing, first-line indent, alignment, ``tail``."""
    spacing = (
        f'<w:spacing w:before="{before}" w:after="{after}" w:line="{line}" w:lineRule="exact"/>'
        if line
        else f'<w:spacing w:before="{before}" w:after="{after}" w:line="240" w:lineRule="auto"/>'
    )
    first_line = first_line_chars * CHAR_TWIPS // 100
    return (
        f'<w:pPr {nsdecls("w")}>{extra}<w:widowControl w:val="0"/>{spacing}'
        f'<w:ind w:firstLineChars="{first_line_chars}" w:firstLine="{first_line}"/>'
        f'<w:jc w:val="{jc}"/>{tail}</w:pPr>'
    )


def _indent(
    paragraph: Paragraph,
    *,
    first_line_chars: int = 0,
    left_chars: int = 0,
    right_chars: int = 0,
) -> None:
    """Indents in characters (Word's *Chars attributes, with twips beside for other readers)."""
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    for key, value in {
        "w:firstLineChars": first_line_chars,
        "w:firstLine": first_line_chars * CHAR_TWIPS // 100,
        "w:leftChars": left_chars,
        "w:left": left_chars * CHAR_TWIPS // 100,
        "w:rightChars": right_chars,
        "w:right": right_chars * CHAR_TWIPS // 100,
    }.items():
        ind.set(qn(key), str(value))


def _single_spacing(paragraph: Paragraph, after: int = 0) -> None:
    """Single (auto) line spacing: an exact 28.95 pt line would clip a picture."""
    spacing = paragraph._p.get_or_add_pPr().get_or_add_spacing()
    for key, value in {
        "w:before": 0,
        "w:after": after,
        "w:line": 240,
        "w:lineRule": "auto",
    }.items():
        spacing.set(qn(key), str(value))


# --- the document skeleton ----------------------------------------------------------------


def _setup_styles(document) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    _replace_child(
        rpr_default,
        "w:rPr",
        _rpr_xml(
            BODY_FONT, BODY_PT, tail='<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
        ),
    )
    ppr_default = defaults.find(qn("w:pPrDefault"))
    _replace_child(
        ppr_default,
        "w:pPr",
        f'<w:pPr {nsdecls("w")}><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>',
    )

    normal = styles["Normal"]
    _replace_child(normal.element, "w:pPr", _ppr_xml())
    _replace_child(normal.element, "w:rPr", _rpr_xml(BODY_FONT, BODY_PT, condense=CHAR_CONDENSE))

    heading = styles["Heading 1"]
    _replace_child(
        heading.element,
        "w:pPr",
        _ppr_xml(extra="<w:keepNext/><w:keepLines/>", tail='<w:outlineLvl w:val="0"/>'),
    )
    _replace_child(
        heading.element,
        "w:rPr",
        _rpr_xml(
            HEADING_FONT,
            BODY_PT,
            extra='<w:b w:val="0"/><w:bCs w:val="0"/><w:i w:val="0"/><w:color w:val="000000"/>',
            condense=CHAR_CONDENSE,
        ),
    )

    title = styles.add_style(STYLE_TITLE, 1)
    title.element.set(qn("w:styleId"), "GongwenTitle")
    title.base_style = normal
    title.next_paragraph_style = normal
    title.quick_style = True
    _replace_child(
        title.element,
        "w:pPr",
        _ppr_xml(
            line=TITLE_LINE_TWIPS,
            first_line_chars=0,
            jc="center",
            after=LINE_TWIPS,
            extra="<w:keepNext/>",
        ),
    )
    _replace_child(title.element, "w:rPr", _rpr_xml(TITLE_FONT, TITLE_PT))

    for name, style_id, size in (
        (STYLE_TABLE, "TableText", TABLE_PT),
        (STYLE_NOTE, "FormNote", TABLE_PT),
    ):
        style = styles.add_style(name, 1)
        style.element.set(qn("w:styleId"), style_id)
        style.base_style = normal
        _replace_child(
            style.element,
            "w:pPr",
            _ppr_xml(
                line=TABLE_LINE_TWIPS,
                first_line_chars=0,
                jc="left" if style_id == "FormNote" else "center",
            ),
        )
        _replace_child(style.element, "w:rPr", _rpr_xml(BODY_FONT, size))

    for name in ("Header", "Footer"):
        style = styles[name]
        _replace_child(
            style.element,
            "w:pPr",
            _ppr_xml(line=None, first_line_chars=0, jc="center"),
        )
        _replace_child(style.element, "w:rPr", _rpr_xml(PAGE_FONT, PAGE_PT, latin=PAGE_FONT))


def _setup_page(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance, section.footer_distance = HEADER_DISTANCE, FOOTER_DISTANCE
    section.gutter = Mm(0)
    sect_pr = section._sectPr
    _replace_child(
        sect_pr,
        "w:docGrid",
        f'<w:docGrid {nsdecls("w")} w:linePitch="{LINE_TWIPS}"/>',
    )
    # Page number: "— 1 —", centred, 宋体 14 pt (a complex PAGE field between two dashes).
    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = document.styles["Footer"]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    rpr = _rpr_xml(PAGE_FONT, PAGE_PT, latin=PAGE_FONT)
    for content in (
        '<w:t xml:space="preserve">— </w:t>',
        '<w:fldChar w:fldCharType="begin"/>',
        '<w:instrText xml:space="preserve"> PAGE </w:instrText>',
        '<w:fldChar w:fldCharType="separate"/>',
        "<w:t>1</w:t>",
        '<w:fldChar w:fldCharType="end"/>',
        '<w:t xml:space="preserve"> —</w:t>',
    ):
        paragraph._p.append(parse_xml(f"<w:r {nsdecls('w')}>{rpr}{content}</w:r>"))


def _qr_png(payload: str = QR_PLACEHOLDER) -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make_qr(payload, error="m").save(buffer, kind="png", scale=8, border=2, dpi=300)
    return buffer.getvalue()


def _float_picture(inline, *, left_mm: float, top_mm: float = 0) -> None:
    """Turn an inline picture (wp:inline) into one anchored to its paragraph: ``left_mm`` from
    the left margin, ``top_mm`` below the paragraph's top, in front of the text (no wrapping)."""
    emu_per_mm = 36000
    extent = inline.find(qn("wp:extent"))
    doc_pr = inline.find(qn("wp:docPr"))
    graphic = inline.find(qn("a:graphic"))
    anchor = parse_xml(
        f'<wp:anchor {nsdecls("wp", "a")} distT="0" distB="0" distL="0" distR="0" '
        'simplePos="0" relativeHeight="251659264" behindDoc="0" locked="1" layoutInCell="1" '
        'allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="margin"><wp:posOffset>{round(left_mm * emu_per_mm)}'
        "</wp:posOffset></wp:positionH>"
        f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{round(top_mm * emu_per_mm)}'
        "</wp:posOffset></wp:positionV></wp:anchor>"
    )
    anchor.append(extent)
    anchor.append(parse_xml(f'<wp:effectExtent {nsdecls("wp")} l="0" t="0" r="0" b="0"/>'))
    anchor.append(parse_xml(f"<wp:wrapNone {nsdecls('wp')}/>"))
    anchor.append(doc_pr)
    anchor.append(parse_xml(f"<wp:cNvGraphicFramePr {nsdecls('wp')}/>"))
    anchor.append(graphic)
    inline.getparent().replace(inline, anchor)


# --- the letter builder -------------------------------------------------------------------

Part = str | tuple[str, str]
"""A run: plain text, or (text, kind) with kind "heading" (黑体) or "blank" (underlined)."""


class Letter:
    """One template under construction: GB/T 9704 page, styles, serial and QR code."""

    def __init__(self, info: TemplateInfo) -> None:
        self.info = info
        self.document = Document()
        _setup_styles(self.document)
        _setup_page(self.document)

    # paragraphs
    def paragraph(
        self,
        *parts: Part,
        indent: bool = True,
        align: str | None = None,
        style: str | None = None,
        right_chars: int = 0,
        left_chars: int = 0,
        space_before_lines: int = 0,
        keep_with_next: bool = False,
    ) -> Paragraph:
        paragraph = self.document.add_paragraph(style=style)
        if not indent or left_chars or right_chars:
            _indent(
                paragraph,
                first_line_chars=200 if indent else 0,
                left_chars=left_chars,
                right_chars=right_chars,
            )
        if align:
            paragraph.alignment = {
                "left": WD_ALIGN_PARAGRAPH.LEFT,
                "center": WD_ALIGN_PARAGRAPH.CENTER,
                "right": WD_ALIGN_PARAGRAPH.RIGHT,
            }[align]
        if space_before_lines:
            paragraph.paragraph_format.space_before = Pt(LINE_TWIPS / 20 * space_before_lines)
        if keep_with_next:
            paragraph.paragraph_format.keep_with_next = True
        for part in parts:
            self.run(paragraph, part)
        return paragraph

    @staticmethod
    def run(paragraph: Paragraph, part: Part) -> None:
        text, kind = (part, "") if isinstance(part, str) else part
        run = paragraph.add_run(text)
        if kind == "heading":
            rpr = run._r.get_or_add_rPr()
            _set_fonts(rpr, HEADING_FONT)
        elif kind == "blank":
            run.underline = True
        elif kind:
            raise ValueError(kind)

    def control(self, tag: str) -> None:
        """A paragraph holding only a docxtpl ``{%p … %}`` tag (removed when rendered)."""
        assert tag.startswith("{%p ") and tag.endswith(" %}"), tag
        self.paragraph(tag, indent=False)

    def title(self, *lines: str) -> None:
        """The title, centred; a long one in several lines with one line's space after."""
        for number, line in enumerate(lines, 1):
            paragraph = self.paragraph(line, style=STYLE_TITLE)
            if number < len(lines):
                paragraph.paragraph_format.space_after = Pt(0)

    def heading(self, text: str) -> None:
        paragraph = self.document.add_paragraph(text, style="Heading 1")
        paragraph.paragraph_format.keep_with_next = True

    def serial_and_qr(self) -> None:
        """Top right: ``编号：{{ serial }}`` and the 2 cm QR code placeholder."""
        paragraph = self.paragraph("编号：{{ serial }}　", indent=False, align="right")
        _single_spacing(paragraph, after=LINE_TWIPS // 2)
        run = paragraph.add_run()
        shape = run.add_picture(io.BytesIO(_qr_png()), width=QR_SIZE, height=QR_SIZE)
        doc_pr = shape._inline.docPr
        doc_pr.set("name", QR_NAME)
        doc_pr.set("descr", "二维码：编号及统一社会信用代码")
        (r_id,) = shape._inline.xpath(".//a:blip/@r:embed")
        self.document.part.related_parts[r_id].partname = PackURI(QR_PARTNAME)

    def addressee_enterprise(self) -> None:
        self.paragraph(
            "{{ enterprise.name }}",
            "（统一社会信用代码：{{ enterprise.credit_code }}）：",
            indent=False,
            align="left",
        )

    def addressee_section(self) -> None:
        self.paragraph("{{ section }}：", indent=False, align="left")

    def numbered(self, variable: str, item: str) -> None:
        """One paragraph per list item: ``1．…``, ``2．…``."""
        self.control(f"{{%p for {item} in {variable} %}}")
        self.paragraph(f"{{{{ loop.index }}}}．{{{{ {item} }}}}")
        self.control("{%p endfor %}")

    def closing(self) -> None:
        """落款: the bureau and the date, right, with room for the seal above."""
        self.paragraph(
            "{{ bureau }}", indent=False, align="right", right_chars=350, space_before_lines=2
        )
        self.paragraph("{{ issue_date }}", indent=False, align="right", right_chars=400)

    def fill_line(self, label: str, value: str | None = None) -> None:
        """``label：value`` or ``label：`` + an underlined blank, flush left."""
        tail: Part = value if value is not None else (BLANK, "blank")
        self.paragraph(f"{label}：", tail, indent=False, align="left")

    def signatures(self, *blocks: Sequence[str]) -> None:
        """Signature blocks one under the other: label lines, then ``日期：　年　月　日``; one
        empty line before each block, and the signature QR code left of the first block.

        The QR code hangs from the block's first line (its top at that line's top), so the
        first block has no space before it: the empty line is a paragraph of its own."""
        self.paragraph("", indent=False, align="left", keep_with_next=True)  # body's exact line
        for number, lines in enumerate(blocks):
            for index, line in enumerate((*lines, DATE_LINE)):
                paragraph = self.paragraph(
                    line,
                    indent=False,
                    align="left",
                    left_chars=SIGNATURE_INDENT_CHARS * 100,
                    space_before_lines=1 if index == 0 and number else 0,
                    keep_with_next=index < len(lines) or number < len(blocks) - 1,
                )
                if number == 0 and index == 0:
                    self.signature_qr(paragraph)

    def signature_qr(self, paragraph: Paragraph) -> None:
        """The signature block's QR placeholder (``word/media/credit_qr_sign.png``), floating."""
        run = paragraph.add_run()
        size = Mm(SIGNATURE_QR_MM)
        shape = run.add_picture(io.BytesIO(_qr_png(SIGN_QR_PLACEHOLDER)), width=size, height=size)
        doc_pr = shape._inline.docPr
        doc_pr.set("name", SIGN_QR_NAME)
        doc_pr.set("descr", "二维码：编号、统一社会信用代码及签字区位置")
        (r_id,) = shape._inline.xpath(".//a:blip/@r:embed")
        self.document.part.related_parts[r_id].partname = PackURI(SIGN_QR_PARTNAME)
        _float_picture(shape._inline, left_mm=SIGNATURE_QR_LEFT_MM)

    def spacer(self) -> None:
        """A 12 pt gap between two tables (adjacent tables would merge into one)."""
        paragraph = self.document.add_paragraph()
        _indent(paragraph)
        spacing = paragraph._p.get_or_add_pPr().get_or_add_spacing()
        spacing.set(qn("w:line"), "240")
        spacing.set(qn("w:lineRule"), "exact")

    def form_table(
        self,
        rows: Iterable[Sequence[str]],
        columns: Sequence[tuple[float, str]],
        *,
        header: bool = False,
        row_mm: float = 10,
        heights_mm: dict[int, float] | None = None,
    ) -> Table:
        """A bordered table of fixed ``columns`` (width in mm, alignment); label/value cells."""
        rows = [list(row) for row in rows]
        table = self.document.add_table(rows=len(rows), cols=len(columns))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, (width, _align) in zip(table.columns, columns, strict=True):
            column.width = Mm(width)  # w:gridCol, which LibreOffice goes by
        for r, values in enumerate(rows):
            row = table.rows[r]
            row.height = Mm((heights_mm or {}).get(r, row_mm))
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            _cant_split(row)
            for cell, value, (width, align) in zip(row.cells, values, columns, strict=True):
                cell.width = Mm(width)
                cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
                paragraph = cell.paragraphs[0]
                paragraph.style = self.document.styles[STYLE_TABLE]
                is_header = header and r == 0
                paragraph.alignment = (
                    WD_ALIGN_PARAGRAPH.CENTER
                    if is_header or align == "center"
                    else WD_ALIGN_PARAGRAPH.LEFT
                )
                if value:
                    run = paragraph.add_run(value)
                    if is_header:
                        _set_fonts(run._r.get_or_add_rPr(), HEADING_FONT)
        return table

    def note(self, *lines: str) -> None:
        """Small print under a form (表格文字 size, flush left)."""
        for number, line in enumerate(lines):
            paragraph = self.paragraph(line, style=STYLE_NOTE, indent=False)
            if number == 0:
                paragraph.paragraph_format.space_before = Pt(6)

    # output
    def save(self, path: Path) -> None:
        props = self.document.core_properties
        props.title = self.info.title
        props.subject = self.info.description
        props.author = "credit"
        props.last_modified_by = "credit"
        props.comments = f"credit 模板 {self.info.name}（由 python -m templates.build 生成）"
        props.category = self.info.category
        props.keywords = self.info.name
        props.identifier = ""
        props.language = "zh-CN"
        props.revision = 1
        props.created = BUILD_TIME
        props.modified = BUILD_TIME
        _drop_legacy_parts(self.document)
        _describe_fonts(self.document)
        buffer = io.BytesIO()
        self.document.save(buffer)
        path.write_bytes(_normalise_zip(buffer.getvalue()))


_LEGACY_RELTYPES = (
    # Word 2010's copy of the styles: it would still hold python-docx's default styles.
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    # A thumbnail of python-docx's empty default document.
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
)

# Fonts of the layout with the charset (86 = GB2312) and a common fallback, so that Word,
# WPS and LibreOffice substitute sensibly on a machine without the GB2312 fonts.
_FONTS = (
    (BODY_FONT, "仿宋", "modern", "fixed"),
    (TITLE_FONT, "宋体", "script", "variable"),
    (HEADING_FONT, "SimHei", "modern", "fixed"),
    (PAGE_FONT, "SimSun", "auto", "variable"),
)


def _drop_legacy_parts(document) -> None:
    for rels in (document.part.rels, document.part.package.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype in _LEGACY_RELTYPES:
                rels.pop(r_id)


def _describe_fonts(document) -> None:
    from lxml import etree

    (part,) = (
        rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable")
    )
    table = etree.fromstring(part.blob)
    for name, alt, family, pitch in _FONTS:
        for old in table.findall(qn("w:font")):
            if old.get(qn("w:name")) == name:
                table.remove(old)
        table.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>'
                f'<w:charset w:val="86"/><w:family w:val="{family}"/>'
                f'<w:pitch w:val="{pitch}"/></w:font>'
            )
        )
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _cant_split(row) -> None:
    """Keep a table row on one page (w:cantSplit goes before w:trHeight in w:trPr)."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.insert(0, parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))


SIGNED_MEDIA = ["word/media/credit_qr.png", "word/media/credit_qr_sign.png"]


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed timestamps (reproducible) and check the QR part."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    media = sorted(name for name in names if name.startswith("word/media/"))
    if media not in (["word/media/credit_qr.png"], SIGNED_MEDIA):
        raise RuntimeError(f"unexpected media parts: {media}")
    rels = source.read("word/_rels/document.xml.rels").decode("utf-8")
    if 'Target="media/credit_qr.png"' not in rels:
        raise RuntimeError("document.xml.rels does not point at media/credit_qr.png")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()


# --- the templates ------------------------------------------------------------------------


def commitment_unit(letter: Letter) -> None:
    letter.serial_and_qr()
    letter.title("{{ year }}年度安全生产承诺书")
    letter.paragraph("{{ bureau }}、社会各界及本单位全体员工：", indent=False, align="left")
    letter.paragraph(
        "为认真贯彻落实《中华人民共和国安全生产法》等法律法规，严格落实企业安全生产主体责任，"
        "切实保障从业人员生命安全和身体健康，根据",
        PROGRAMME,
        "关于建立健全安全生产承诺制度的要求，本单位郑重承诺：",
    )
    for text in (
        "一、严格执行安全生产各项法律法规、标准规范，绝不非法违法组织生产。",
        "二、建立健全并严格落实全员安全生产责任制度和安全生产管理制度，保障安全生产投入，"
        "按规定开展安全生产教育培训。",
        "三、确保职工生命安全，不违章指挥，不冒险作业，杜绝生产安全责任事故。",
        "四、加强安全生产风险分级管控和隐患排查治理双重预防体系建设，"
        "隐患排查治理情况如实记录和上报，事故隐患按期整改到位。",
        "五、自觉接受安全监管监察和相关部门依法检查，严格执行执法指令。",
    ):
        letter.paragraph(text)
    letter.paragraph(
        "本单位将本承诺书向社会和全体员工公开，接受各方监督，并在本单位各车间（部门）、"
        "班组、岗位逐级签订和公开双向安全承诺书。如有违反上述承诺的行为，本单位愿意接受"
        "有关部门依法依规作出的处理，并依照规定列入安全生产不良信用记录直至安全生产诚信"
        "“黑名单”管理。"
    )
    letter.paragraph(
        "本承诺书有效期为{{ year }}年1月1日至{{ year }}年12月31日。本承诺书一式三份，"
        "一份报{{ bureau }}备案，一份在本单位显著位置公示，一份本单位存档。"
    )
    letter.paragraph(
        "承诺单位：{{ enterprise.name }}",
        indent=False,
        align="left",
        space_before_lines=1,
        keep_with_next=True,
    )
    letter.paragraph(
        "统一社会信用代码：{{ enterprise.credit_code }}",
        indent=False,
        align="left",
        keep_with_next=True,
    )
    letter.signatures(*SIGNATURE_BLOCKS["commitment_unit"])


def _enterprise_lines(letter: Letter, *blanks: str) -> None:
    letter.fill_line("单位名称", "{{ enterprise.name }}")
    letter.fill_line("统一社会信用代码", "{{ enterprise.credit_code }}")
    for label in blanks:
        letter.fill_line(label)


def commitment_workshop(letter: Letter) -> None:
    letter.serial_and_qr()
    letter.title("{{ year }}年度车间（部门）安全生产双向承诺书")
    _enterprise_lines(letter, "车间（部门）名称", "车间（部门）负责人")
    letter.heading("一、车间（部门）负责人向单位主要负责人承诺")
    letter.paragraph(
        "本人作为本车间（部门）安全生产第一责任人，向{{ enterprise.name }}主要负责人郑重承诺："
    )
    for text in (
        "（一）严格遵守安全生产法律法规和本单位安全生产规章制度、操作规程，落实本车间（部门）"
        "全员安全生产责任制，做到管生产必须管安全。",
        "（二）组织开展本车间（部门）安全风险辨识管控和隐患排查治理，如实记录和上报隐患排查"
        "治理情况，发现的隐患按期整改到位；不能立即整改的，落实防范措施。",
        "（三）不违章指挥，不强令冒险作业，及时制止违章作业和违反劳动纪律的行为。",
        "（四）组织本车间（部门）从业人员参加安全生产教育培训，确保特种作业人员持证上岗。",
        "（五）严格执行动火、受限空间、高处作业等危险作业审批制度，督促从业人员正确佩戴和"
        "使用劳动防护用品。",
        "（六）制定并演练本车间（部门）现场处置方案；发生事故立即报告，组织自救，不迟报、"
        "漏报、谎报、瞒报。",
    ):
        letter.paragraph(text)
    letter.heading("二、单位向车间（部门）承诺")
    letter.paragraph("本单位向本车间（部门）承诺：")
    for text in (
        "（一）保障车间（部门）安全生产所需的资金投入、设施设备和劳动防护用品。",
        "（二）明确车间（部门）安全生产职责和权限，支持车间（部门）负责人依法履行安全管理职责。",
        "（三）组织安全生产教育培训，及时协调解决车间（部门）反映的安全问题和事故隐患。",
        "（四）对车间（部门）安全生产工作进行考核，奖惩兑现。",
    ):
        letter.paragraph(text)
    letter.paragraph(
        "本承诺书有效期为{{ year }}年1月1日至{{ year }}年12月31日，一式两份，承诺双方各执一份，"
        "并在车间（部门）公开。"
    )
    letter.signatures(*SIGNATURE_BLOCKS["commitment_workshop"])


def commitment_team(letter: Letter) -> None:
    letter.serial_and_qr()
    letter.title("{{ year }}年度班组安全生产双向承诺书")
    _enterprise_lines(letter, "车间（部门）", "班组名称", "班组长")
    letter.heading("一、班组长向车间（部门）承诺")
    letter.paragraph("本人作为本班组安全生产第一责任人，向车间（部门）郑重承诺：")
    for text in (
        "（一）严格执行本单位安全生产规章制度和岗位安全操作规程，落实班组安全生产责任。",
        "（二）坚持班前安全讲话和交接班制度，每班开展岗位隐患排查，发现隐患立即处置并报告，"
        "如实记录。",
        "（三）杜绝违章指挥、违章作业、违反劳动纪律，不安排未经培训或无证人员上岗。",
        "（四）危险作业按规定办理作业许可手续，落实现场安全措施和监护人员。",
        "（五）督促班组成员正确佩戴和使用劳动防护用品，组织班组安全活动和应急演练。",
        "（六）发生事故或险情时，立即组织人员撤离、报告车间（部门），并按现场处置方案处置。",
    ):
        letter.paragraph(text)
    letter.heading("二、车间（部门）向班组承诺")
    letter.paragraph("本车间（部门）向本班组承诺：")
    for text in (
        "（一）为班组提供符合安全要求的作业条件、设施设备和劳动防护用品。",
        "（二）组织班组人员的安全教育培训和技能培训，及时传达安全生产要求。",
        "（三）及时处理班组报告的事故隐患和安全问题，不违章指挥，不强令冒险作业。",
        "（四）对班组安全生产工作进行检查考核，奖惩兑现。",
    ):
        letter.paragraph(text)
    letter.paragraph(
        "本承诺书有效期为{{ year }}年1月1日至{{ year }}年12月31日，一式两份，承诺双方各执一份，"
        "并在班组公开。"
    )
    letter.signatures(*SIGNATURE_BLOCKS["commitment_team"])


def commitment_post(letter: Letter) -> None:
    letter.serial_and_qr()
    letter.title("{{ year }}年度岗位安全生产双向承诺书")
    _enterprise_lines(letter, "车间（部门）", "班组", "岗位名称", "员工姓名")
    letter.heading("一、岗位员工向班组承诺")
    letter.paragraph("本人向班组郑重承诺：")
    for text in (
        "（一）严格遵守安全生产规章制度和本岗位安全操作规程，做到“三不伤害”：不伤害自己、"
        "不伤害他人、不被他人伤害。",
        "（二）不违章作业，不违反劳动纪律；对违章指挥、强令冒险作业，有权拒绝执行。",
        "（三）动火、受限空间、高处作业等危险作业，先办理作业许可（审批）手续、落实安全措施，"
        "后作业。",
        "（四）上岗时正确佩戴和使用劳动防护用品。",
        "（五）按规定参加安全生产教育培训，掌握本岗位安全知识和技能；特种作业持证上岗，"
        "不无证操作。",
        "（六）发现事故隐患或者其他不安全因素，立即向现场安全管理人员或者班组长报告；"
        "发生事故或险情时，按应急处置措施处置并立即报告。",
    ):
        letter.paragraph(text)
    letter.heading("二、班组向岗位员工承诺")
    letter.paragraph("本班组向岗位员工承诺：")
    for text in (
        "（一）组织班前安全教育和岗位技能培训，如实告知岗位存在的危险因素和防范措施。",
        "（二）按规定发放劳动防护用品并检查使用情况。",
        "（三）及时处理员工报告的事故隐患和安全问题，不违章指挥，不强令冒险作业。",
        "（四）保障员工依法享有的安全生产知情权、建议权、拒绝权和紧急撤离权。",
    ):
        letter.paragraph(text)
    letter.paragraph(
        "本承诺书有效期为{{ year }}年1月1日至{{ year }}年12月31日，一式两份，承诺双方各执一份。"
    )
    letter.signatures(*SIGNATURE_BLOCKS["commitment_post"])


def notice_bad_record(letter: Letter) -> None:
    letter.serial_and_qr()
    letter.title("安全生产不良信用记录告知书")
    letter.addressee_enterprise()
    letter.paragraph("经查，你单位存在以下情形：{{ facts }}")
    letter.paragraph("上述事实有以下证据证明：{{ evidence }}")
    letter.paragraph(
        "根据",
        "{{ record_basis }}",
        "的规定，生产经营单位有违反安全生产承诺及所列情形之一的，"
        "列入安全生产不良信用记录。你单位的上述行为属于所列情形中的",
        "{{ criterion }}",
        "，即“",
        "{{ criterion_text }}",
        "”。本局依规将你单位列入安全生产不良信用记录，记入你单位安全生产诚信档案，"
        "并按照分级管理原则依法纳入相关征信系统。",
    )
    letter.paragraph(
        "不良信用记录是列入安全生产诚信“黑名单”的主要判定依据。请你单位深刻吸取教训，"
        "严格落实安全生产主体责任，对存在的问题立即整改到位，并将整改情况书面报告本局。"
    )
    letter.paragraph(
        "你单位对上述事实及认定有异议的，可自收到本告知书之日起向本局提出书面陈述、申辩意见，"
        "并提交相关证据材料，本局将依法予以复核。"
    )
    letter.paragraph("特此告知。")
    letter.closing()


def notice_blacklist(letter: Letter) -> None:
    letter.serial_and_qr()
    letter.title("安全生产诚信“黑名单”（严重失信主体名单）", "列入告知书")
    letter.addressee_enterprise()
    letter.paragraph("经调查核实，你单位存在以下行为：{{ facts }}")
    letter.paragraph("上述事实有以下证据证明：{{ evidence }}")
    letter.paragraph(
        "根据",
        "{{ basis }}",
        "的规定，你单位的上述行为属于纳入安全生产诚信“黑名单”情形中的",
        "{{ criterion }}",
        "，即“",
        "{{ criterion_text }}",
        "”。本局拟将你单位列入安全生产诚信“黑名单”（严重失信主体名单），管理期限为",
        "{{ term_years }}",
        "年，自",
        "{{ start_date }}",
        "起至",
        "{{ end_date }}",
        "止。",
    )
    letter.paragraph(
        "列入“黑名单”管理期间，本局将按照“",
        "{{ steps }}",
        "”的程序，将你单位失信信息通报有关部门并向社会公布，对你单位实施重点监管监察，在相关"
        "行政审批等事项中予以严格审查，并对你单位法定代表人、主要负责人采取约谈、强制培训等"
        "诫勉措施。",
    )
    letter.paragraph(
        ("你单位依法享有陈述、申辩的权利。", "heading"),
        "如对上述事实、理由、依据及管理期限有异议，可于",
        "{{ statement_deadline }}",
        "前向本局提出书面陈述、申辩意见，并提交相关证据材料。本局将对你单位提出的事实、"
        "理由和证据进行复核；理由成立的，予以采纳。逾期未提出的，视为放弃陈述、申辩权利。",
    )
    letter.paragraph(
        "管理期满，期间未再发生列入“黑名单”情形且相关问题已整改到位的，本局将按程序将你单位"
        "移出“黑名单”。"
    )
    letter.paragraph("特此告知。")
    letter.closing()


def notice_blacklist_removal(letter: Letter) -> None:
    letter.serial_and_qr()
    letter.title("安全生产诚信“黑名单”移出（信用修复）通知书")
    letter.addressee_enterprise()
    letter.paragraph(
        "你单位于",
        "{{ listed_on }}",
        "被列入安全生产诚信“黑名单”（严重失信主体名单）管理。经审核，你单位符合移出条件。",
    )
    letter.paragraph("移出理由：{{ reason }}")
    letter.paragraph(
        "根据",
        PROGRAMME,
        "第三部分第（三）项“信息移出”程序的规定，本局决定自",
        "{{ removed_on }}",
        "起将你单位移出安全生产诚信“黑名单”，停止对你单位实施的相关惩戒和管控措施，"
        "并将移出信息通报有关部门，在原公布范围内予以公布。",
    )
    letter.paragraph(
        "你单位原不良信用记录仍保存于安全生产诚信档案。希望你单位引以为戒，持续落实安全生产"
        "主体责任，严格履行安全生产承诺，依法诚信开展生产经营活动。"
    )
    letter.paragraph("特此通知。")
    letter.closing()


def notice_interview(letter: Letter) -> None:
    letter.serial_and_qr()
    letter.title("安全生产约谈通知书")
    letter.addressee_enterprise()
    letter.paragraph(
        "根据",
        PROGRAMME,
        "第三部分第（七）项关于对安全生产失信企业法定代表人、主要负责人通过约谈、强制培训等"
        "方式予以诫勉的规定，本局决定对你单位进行安全生产约谈。现将有关事项通知如下：",
    )
    for label, variable in (
        ("一、约谈时间：", "interview_time"),
        ("二、约谈地点：", "interview_place"),
        ("三、参加人员：", "attendees"),
        ("四、约谈内容：", "topics"),
        ("五、需携带材料：", "materials"),
    ):
        letter.paragraph((label, "heading"), f"{{{{ {variable} }}}}")
    letter.paragraph(
        "请参加人员携带本人身份证件准时参加，不得委托他人代为参加；确因特殊情况不能按时参加的，"
        "应当提前向本局书面说明理由。无正当理由不参加约谈的，本局将依照有关规定处理，"
        "并记入你单位安全生产诚信档案。"
    )
    letter.paragraph("特此通知。")
    letter.closing()


def notice_rectification_overdue(letter: Letter) -> None:
    letter.serial_and_qr()
    letter.title("安全生产隐患整改逾期催告书")
    letter.addressee_enterprise()
    letter.paragraph(
        "本局以",
        "{{ order_number }}",
        "《责令限期整改指令书》责令你单位于",
        "{{ original_deadline }}",
        "前将下列问题（隐患）整改完毕：",
    )
    letter.numbered("problems", "problem")
    letter.paragraph("经核查，截至整改期限届满，你单位未按要求完成上述问题（隐患）的整改。")
    letter.paragraph(
        "现催告你单位于",
        "{{ new_deadline }}",
        "前整改完毕，并将整改情况书面报告本局。整改完成前，你单位应当采取有效的安全防范措施；"
        "无法保证安全的，应当从危险区域内撤出作业人员，停止使用相关设施、设备。",
    )
    letter.paragraph(
        "根据",
        PROGRAMME,
        "第三部分第（二）项、第（三）项的规定，期限内未完成治理整改的，列入安全生产不良信用"
        "记录；重大安全生产隐患不及时整改或整改不到位的，纳入安全生产诚信“黑名单”管理。"
        "逾期仍未整改的，本局将依法予以处理。",
    )
    letter.paragraph("特此催告。")
    letter.closing()


def notice_monthly_reminder_enterprise(letter: Letter) -> None:
    letter.serial_and_qr()
    letter.title("安全生产诚信履行情况报告催报通知")
    letter.addressee_enterprise()
    letter.paragraph(
        "根据",
        PROGRAMME,
        "第三部分第（四）项的规定，生产经营单位应当定期报告安全生产诚信履行情况。"
        "截至本通知发出之日，本局尚未收到你单位",
        "{{ period }}",
        "的下列资料：",
    )
    letter.numbered("missing", "item")
    letter.paragraph(
        "请你单位于",
        "{{ deadline }}",
        "前，按《安全生产诚信履行情况报告表》的要求，如实填报落实安全生产责任和管理制度、"
        "安全投入、安全培训、安全生产标准化建设、安全生产风险分级管控和隐患排查治理双重预防"
        "体系建设、职业病防治和应急管理等方面的落实情况，连同上述资料一并报送本局，"
        "并注明本通知编号。",
    )
    letter.paragraph("逾期未报送的，本局将记入你单位安全生产诚信档案，作为诚信评价的依据。")
    letter.paragraph("特此通知。")
    letter.closing()


def notice_monthly_reminder_section(letter: Letter) -> None:
    letter.serial_and_qr()
    letter.title("安全生产诚信体系建设资料催报通知")
    letter.addressee_section()
    letter.paragraph(
        "根据",
        PROGRAMME,
        "第四部分第（三）项的要求，各股室（大队）应于每月月底前将本股室（大队）开展安全生产"
        "诚信体系建设的相关资料报送政策法规股备案。经核对，你股室（大队）",
        "{{ period }}",
        "的下列资料尚未报送：",
    )
    letter.numbered("missing", "item")
    letter.paragraph(
        "请于",
        "{{ deadline }}",
        "前将上述资料报送政策法规股，并填写《安全生产诚信体系建设资料报送单》。对工作开展不力、"
        "相关资料报送不及时影响工作的，将视情节予以批评教育；造成严重后果的，将严肃追究相关"
        "工作人员的责任。",
    )
    letter.paragraph("特此通知。")
    letter.closing()


def form_monthly_report(letter: Letter) -> None:
    letter.serial_and_qr()
    letter.title("安全生产诚信履行情况报告表")
    labels = FORM_LABELS["form_monthly_report"]
    values = {
        "单位名称": "{{ enterprise.name }}",
        "统一社会信用代码": "{{ enterprise.credit_code }}",
        "报告期间": "{{ period }}",
        "日期": DATE_BLANK,
    }
    topic_rows = {labels.index(topic) for topic in MONTHLY_REPORT_TOPICS}
    letter.form_table(
        [(label, values.get(label, "")) for label in labels],
        LABEL_VALUE_COLUMNS,
        heights_mm=dict.fromkeys(topic_rows, 22),
    )
    letter.note(
        "填报说明：",
        "1．本表由生产经营单位按月填报，经单位负责人签字并加盖单位公章后报送{{ bureau }}。",
        "2．各项应如实填写本期落实情况，包括开展的主要工作、存在的问题和整改情况；"
        "本期无相关情况的填写“无”，内容较多的可另附页。",
        "3．请勿改动表格中的项目名称和表格结构，以便档案系统自动识别。",
    )


def form_section_submission(letter: Letter) -> None:
    letter.serial_and_qr()
    letter.title("安全生产诚信体系建设资料报送单")
    labels = FORM_LABELS["form_section_submission"]
    head, tail = labels[:2], labels[2:]
    letter.form_table([(head[0], "{{ section }}"), (head[1], "{{ period }}")], LABEL_VALUE_COLUMNS)
    letter.spacer()
    letter.form_table(
        [
            SECTION_SUBMISSION_COLUMNS,
            *([str(n), "", "", ""] for n in range(1, SECTION_SUBMISSION_ROWS + 1)),
        ],
        ((16, "center"), (86, "left"), (18, "center"), (TEXT_WIDTH_MM - 120, "left")),
        header=True,
        row_mm=8.5,
    )
    letter.spacer()
    letter.form_table(
        [(label, DATE_BLANK if label == "日期" else "") for label in tail],
        LABEL_VALUE_COLUMNS,
    )
    letter.note(
        "说明：各股室（大队）于每月月底前将本股室（大队）开展安全生产诚信体系建设的相关资料"
        "连同本单报送{{ bureau }}政策法规股备案。本单一式两份，双方各存一份；请勿改动表格的"
        "项目名称和结构。",
    )


REPORT_COLUMNS = ("负责股室", "应报", "按时", "逾期提交", "不完整", "未提交", "完整率（%）")
REPORT_KEYS = ("section", "owed", "on_time", "late", "incomplete", "missing", "rate")


def report_monthly(letter: Letter) -> None:
    """The month's 通报 (实施方案 四（三）): prose, a table per section, the late ones named."""
    letter.serial_and_qr()
    letter.title("关于{{ period }}安全生产诚信体系建设情况的通报")
    letter.addressee_section()
    letter.control("{%p for line in paragraphs %}")
    letter.paragraph("{{ line }}")
    letter.control("{%p endfor %}")
    widths = (40, 18, 18, 22, 20, 18, TEXT_WIDTH_MM - 136)
    columns = [(width, "center") for width in widths]
    columns[0] = (widths[0], "left")
    blank = [""] * (len(columns) - 1)
    letter.form_table(
        [
            REPORT_COLUMNS,
            ["{%tr for row in rows %}", *blank],
            [f"{{{{ row.{key} }}}}" for key in REPORT_KEYS],
            ["{%tr endfor %}", *blank],
        ],
        columns,
        header=True,
        row_mm=8.5,
    )
    letter.closing()


BUILDERS: dict[str, Callable[[Letter], None]] = {
    "commitment_unit": commitment_unit,
    "commitment_workshop": commitment_workshop,
    "commitment_team": commitment_team,
    "commitment_post": commitment_post,
    "notice_bad_record": notice_bad_record,
    "notice_blacklist": notice_blacklist,
    "notice_blacklist_removal": notice_blacklist_removal,
    "notice_interview": notice_interview,
    "notice_rectification_overdue": notice_rectification_overdue,
    "notice_monthly_reminder_enterprise": notice_monthly_reminder_enterprise,
    "notice_monthly_reminder_section": notice_monthly_reminder_section,
    "form_monthly_report": form_monthly_report,
    "form_section_submission": form_section_submission,
    "report_monthly": report_monthly,
}


def build(name: str, out_dir: Path = TEMPLATES_DIR) -> Path:
    """Build template ``name`` into ``out_dir``; return its path."""
    letter = Letter(TEMPLATES[name])
    BUILDERS[name](letter)
    path = out_dir / TEMPLATES[name].filename
    letter.save(path)
    return path


def build_all(out_dir: Path = TEMPLATES_DIR) -> list[Path]:
    """Build every catalog template into ``out_dir``."""
    if set(BUILDERS) != set(TEMPLATES):
        raise RuntimeError(f"catalog and builders differ: {set(BUILDERS) ^ set(TEMPLATES)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    return [build(name, out_dir) for name in TEMPLATES]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m templates.build", description=__doc__)
    parser.add_argument("--out", type=Path, default=TEMPLATES_DIR, help="output folder")
    parser.add_argument("names", nargs="*", help="templates to build (default: all)")
    args = parser.parse_args(argv)
    paths = [build(name, args.out) for name in args.names] if args.names else build_all(args.out)
    for path in paths:
        print(path, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
