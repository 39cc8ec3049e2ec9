"""A corpus of real-world-shaped documents (issue 7), generated from parts.

What other bureaus and enterprises send, invented in the shapes seen in published documents:
penalty decisions of emergency-management (应急管理局), ecology-environment (生态环境局),
market-supervision (市场监督管理局) and fire (消防救援大队) bureaus in several provinces;
责令改正违法行为决定书 and 责令限期整改指令书; 不予行政处罚决定书; 行政处罚告知书; 信用中国-style
publicity summaries (one enterprise) and lists (several); enterprises' own 安全生产承诺书 in
several title variants, signed and unsigned.  No real document is copied: bureaus, enterprises,
names and facts are invented, and the credit codes are computed (valid check characters) for
invented organisation codes.

Each :class:`Case` is one file (``<case_id>.pdf`` by reportlab with ``STSong-Light``, or
``<case_id>.docx`` by python-docx), the shapes it covers (:data:`SHAPES` tags) and its expected
values, one :class:`Expected` row per document — or per entry of a publicity list.  A field the
text does not state is expected absent (``None``): the corpus checks that nothing is guessed.

The expected table is ``tests/data/realworld_expected.csv``; regenerate it after changing a
case with ``python -m tests.realworld_corpus``.
"""

from __future__ import annotations

import csv
import random
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import check_character, organisation_check
from tests.parsers_fixtures import FONT, PAGE_HEIGHT, PAGE_WIDTH, _register_font

TABLE_PATH = Path(__file__).parent / "data" / "realworld_expected.csv"
COLUMNS = (
    "case_id",
    "entry",  # 1, 2 … for the entries of a publicity list; empty for a whole document
    "media",
    "kind",
    "code",  # the full code, or the masked code as printed (compact, upper-case)
    "code_status",  # valid, masked, absent
    "doc_number",  # normalised: 〔year〕, full-width （）
    "fine_yuan",
    "rectification_deadline",  # ISO date
    "signed",  # true / false, commitment letters only
    "authority",
    "references",  # other documents' 文号 the text cites, normalised, separated by ";"
    "level",  # commitment letters
    "year",  # commitment letters whose title states it
    "tags",  # the shapes the case covers, separated by " "
)

# The shapes of issue 7 ("Build" items 1–5) and of the layouts; the test asserts the corpus
# covers every one.
SHAPES: dict[str, str] = {
    # 1. 文号
    "number_digits_zi": "digits and 字 in the prefix: 湘1127环罚决字〔2026〕12号",
    "number_square_letter": "square or other brackets, a letter in the serial: [2026]k-7号",
    "number_unit_serial": "a unit in the serial: 〔2026〕执法一中队-3号, 〔2026〕塔峰-5号",
    "number_in_title": "inside the title's parentheses: …决定书（永环责改〔2026〕4号）",
    "number_labelled": "after a label in running text: 行政处罚决定书文号：…。",
    "number_cited": "other documents' numbers cited in the body (references, not doc_number)",
    "number_brackets": "﹝﹞ 【】 ［］ () brackets normalised",
    "number_absent": "no 文号 stated: doc_number null",
    # 2. bureaus and kinds
    "bureau_emergency": "应急管理局",
    "bureau_ecology": "生态环境局",
    "bureau_market": "市场监督管理局",
    "bureau_fire": "消防救援大队",
    "kind_penalty_decision": "行政处罚决定书",
    "kind_penalty_notice": "行政处罚告知书",
    "kind_no_penalty": "不予行政处罚决定书",
    "kind_correction_decision": "责令改正违法行为决定书 (a rectification_order)",
    "kind_rectification_order": "责令限期整改指令书",
    "kind_publicity_single": "publicity summary of one penalty (信用中国 prose or fields)",
    "kind_publicity_list": "publicity list naming several enterprises",
    # 3. fines
    "fine_digits_capitals": "罚款人民币：19000.00 元（大写：壹万玖仟圆整）",
    "fine_prose_capitals": "处罚壹万叁仟元 in prose",
    "fine_wan": "0.3万元",
    "fine_digits_paren": "人民币3000元（叁仟元整）",
    "fine_beside_range": "the statutory range beside the decided fine",
    "fine_range_only": "only a statutory range: fine null",
    "fine_disagree": "digits and capitals disagree: fine null",
    "fine_absent": "no fine (警告, orders, letters): fine null",
    "fine_other_amount": "another amount beside the fine (没收违法所得)",
    # 4. codes
    "code_valid": "a valid code",
    "code_masked_tail": "the tail masked (****, xxxx)",
    "code_masked_middle": "the middle masked: 91431****2400",
    "code_masked_other": "other masking characters (×, ＊)",
    "code_across_break": "a code broken across lines, inside parentheses",
    "code_absent": "no code: status absent",
    # deadlines
    "deadline_labelled": "整改期限：2026年4月7日",
    "deadline_prose": "于2026年4月7日前改正 / 整改完毕",
    "deadline_absent": "no deadline (立即, or not an order): null",
    # 5. commitment letters
    "letter_title_plain": "安全生产承诺书",
    "letter_title_duty": "安全生产责任承诺书",
    "letter_title_two_way": "安全生产双向承诺书",
    "letter_title_year": "2026年度安全生产承诺书",
    "letter_title_unit": "安全生产承诺书（单位）",
    "letter_level_lower": "车间/班组/岗位 letters",
    "letter_signed": "signer and date filled in",
    "letter_unsigned_blank": "blank signature lines / underscores",
    "letter_unsigned_date": "a name but the date left 年  月  日",
    # layouts
    "layout_pdf_wrapped": "PDF, lines wrapped anywhere",
    "layout_pdf_spaced_title": "PDF, letter-spaced title",
    "layout_pdf_table": "PDF with a ruled table",
    "layout_pdf_bold_title": "PDF, title in fake bold (drawn twice)",
    "layout_pdf_page_numbers": "PDF, page numbers — 1 — at the foot",
    "layout_docx_paragraphs": ".docx paragraphs",
    "layout_docx_table": ".docx table",
}


# --------------------------------------------------------------------------------------------
# Expected values


@dataclass(frozen=True)
class Expected:
    """One row of the expected table (``None`` = the text does not state it)."""

    kind: str
    code: str | None = None
    code_status: str = "absent"
    doc_number: str | None = None
    fine_yuan: int | None = None
    rectification_deadline: str | None = None
    signed: bool | None = None
    authority: str | None = None
    references: tuple[str, ...] = ()
    level: str | None = None  # commitment letters: unit, workshop, team, post
    year: int | None = None  # commitment letters whose title states the year
    entry: int | None = None


@dataclass
class Case:
    case_id: str
    media: str  # pdf, docx
    tags: frozenset[str]
    build: Callable[[Path], Path]
    rows: list[Expected]

    @property
    def filename(self) -> str:
        return f"{self.case_id}.{self.media}"


# --------------------------------------------------------------------------------------------
# Parts: bureaus, enterprises, codes, amounts, dates


@dataclass(frozen=True)
class Bureau:
    name: str
    kind: str  # emergency, ecology, market, fire
    city: str  # the people's government for 复议
    court: str


BUREAUS = {
    "lanshan_em": Bureau("蓝山县应急管理局", "emergency", "蓝山县人民政府", "蓝山县人民法院"),
    "pingxiang_em": Bureau(
        "萍乡市湘东区应急管理局", "emergency", "萍乡市湘东区人民政府", "萍乡市湘东区人民法院"
    ),
    "suining_em": Bureau(
        "遂宁市船山区应急管理局", "emergency", "遂宁市船山区人民政府", "遂宁市船山区人民法院"
    ),
    "xinxiang_em": Bureau("长垣市应急管理局", "emergency", "长垣市人民政府", "长垣市人民法院"),
    "yongzhou_eco": Bureau("永州市生态环境局", "ecology", "永州市人民政府", "冷水滩区人民法院"),
    "lanshan_eco": Bureau(
        "永州市生态环境局蓝山分局", "ecology", "永州市生态环境局", "蓝山县人民法院"
    ),
    "zhaoqing_eco": Bureau("肇庆市生态环境局", "ecology", "肇庆市人民政府", "肇庆市端州区人民法院"),
    "huzhou_eco": Bureau("湖州市生态环境局", "ecology", "湖州市人民政府", "湖州市吴兴区人民法院"),
    "lanshan_market": Bureau("蓝山县市场监督管理局", "market", "蓝山县人民政府", "蓝山县人民法院"),
    "gaoyao_market": Bureau(
        "肇庆市高要区市场监督管理局", "market", "肇庆市高要区人民政府", "肇庆市高要区人民法院"
    ),
    "lanshan_fire": Bureau("蓝山县消防救援大队", "fire", "永州市消防救援支队", "蓝山县人民法院"),
    "nanxun_fire": Bureau(
        "湖州市南浔区消防救援大队", "fire", "湖州市消防救援支队", "湖州市南浔区人民法院"
    ),
}


@dataclass(frozen=True)
class Enterprise:
    name: str
    code: str
    representative: str
    address: str
    pronoun: str  # 你公司, 你厂, 你单位 …


def make_uscc(region: str, serial: int, *, department: str = "9", category: str = "1") -> str:
    """A valid code: department, category, 6-digit region, an organisation code, check."""
    body = f"{serial:08d}"
    first17 = department + category + region + body + organisation_check(body)
    return first17 + check_character(first17)


def _enterprise(name: str, region: str, serial: int, rep: str, address: str, **kw) -> Enterprise:
    pronoun = kw.pop("pronoun", "你公司")
    return Enterprise(name, make_uscc(region, serial, **kw), rep, address, pronoun)


ENTERPRISES = [
    _enterprise("蓝山县恒信矿业有限公司", "431127", 39251846, "黄某某", "蓝山县塔峰镇工业园3号"),
    _enterprise(
        "蓝山县瑞丰化工有限责任公司", "431127", 58120473, "李某某", "蓝山县祠堂圩镇化工路8号"
    ),
    _enterprise("蓝山县金盛烟花爆竹批发有限公司", "431127", 20617395, "邓某", "蓝山县新圩镇桂竹村"),
    _enterprise(
        "蓝山县宏达石材加工厂", "431127", 71846203, "雷某某", "蓝山县所城镇", pronoun="你厂"
    ),
    _enterprise("永州市潇湘建材有限公司", "431102", 83527160, "唐某某", "永州市零陵区南津路12号"),
    _enterprise("萍乡市安源花炮制造有限公司", "360302", 14729058, "刘某", "萍乡市湘东区下埠镇"),
    _enterprise("萍乡市湘东区兴达陶瓷有限公司", "360313", 66391027, "周某某", "萍乡市湘东区峡山口"),
    _enterprise(
        "遂宁市船山区永兴食品加工厂",
        "510903",
        40981736,
        "何某某",
        "遂宁市船山区桂花镇",
        pronoun="你厂",
    ),
    _enterprise("长垣市宏远起重机械有限公司", "410783", 92174658, "王某某", "长垣市魏庄街道"),
    _enterprise(
        "肇庆市高要区金利五金制品有限公司", "441204", 37408215, "陈某某", "肇庆市高要区金利镇"
    ),
    _enterprise("湖州市南浔区立达木业有限公司", "330503", 51692734, "沈某某", "湖州市南浔区练市镇"),
    _enterprise(
        "蓝山县塔峰镇顺发加油站",
        "431127",
        87016342,
        "赵某某",
        "蓝山县塔峰镇舜水路",
        category="2",
        pronoun="你站",
    ),
    _enterprise(
        "蓝山县绿源中药材种植专业合作社",
        "431127",
        46208517,
        "钟某某",
        "蓝山县毛俊镇",
        category="3",
        pronoun="你合作社",
    ),
    _enterprise("湖州市练市铝材有限公司", "330503", 28736190, "吴某某", "湖州市南浔区练市工业区"),
    _enterprise("肇庆市端州区华美印刷有限公司", "441202", 63019842, "梁某某", "肇庆市端州区信安路"),
    _enterprise("长垣市恒泰医用材料有限公司", "410783", 15936048, "张某某", "长垣市丁栾镇"),
]


def mask(code: str, style: str) -> tuple[str, str]:
    """(the code as printed, the expected compact form) for a masking style."""
    printed = {
        "tail_star": code[:14] + "****",
        "tail_x": code[:14] + "xxxx",
        "middle": code[:5] + "****" + code[-4:],
        "middle_long": code[:6] + "********" + code[-4:],
        "times": code[:10] + "××××××××",
        "fullwidth_star": code[:12] + "＊＊＊＊＊＊",
    }[style]
    expected = printed.replace("＊", "*").upper()
    return printed, expected


DIGITS = "零壹贰叁肆伍陆柒捌玖"


def capitals(amount: int) -> str:
    """Integer yuan in financial capitals: 19000 → 壹万玖仟, 20500 → 贰万零伍佰."""

    def four(value: int) -> str:
        out, zero = "", False
        for unit, place in (("仟", 1000), ("佰", 100), ("拾", 10), ("", 1)):
            digit = value // place % 10
            if digit:
                out += ("零" if zero else "") + DIGITS[digit] + unit
                zero = False
            elif out:
                zero = True
        return out

    high, low = divmod(amount, 10000)
    text = four(high) + "万" if high else ""
    if low:
        text += ("零" if high and low < 1000 else "") + four(low)
    return text


def wan(amount: int) -> str:
    """19000 → 1.9, 3000 → 0.3, 20000 → 2."""
    value = amount / 10000
    return f"{value:g}"


def chinese_date(year: int, month: int, day: int) -> str:
    """2026, 4, 7 → 二〇二六年四月七日."""
    numerals = "〇一二三四五六七八九"

    def small(value: int) -> str:
        if value < 10:
            return numerals[value]
        tens, ones = divmod(value, 10)
        return ("" if tens == 1 else numerals[tens]) + "十" + (numerals[ones] if ones else "")

    return "".join(numerals[int(c)] for c in str(year)) + f"年{small(month)}月{small(day)}日"


LAW = "《中华人民共和国安全生产法》"
FIRE_LAW = "《中华人民共和国消防法》"
EIA_LAW = "《中华人民共和国环境影响评价法》"
AIR_LAW = "《中华人民共和国大气污染防治法》"
QUALITY_LAW = "《中华人民共和国产品质量法》"
SPECIAL_LAW = "《中华人民共和国特种设备安全法》"


# --------------------------------------------------------------------------------------------
# Layout: a document is a list of blocks, written as PDF or .docx
#
#   ("title", text)          centred, large            ("spaced", text)  letter-spaced title
#   ("center", text)         centred, body size         ("right", text)   right-aligned (落款)
#   ("para", text)           indented paragraph, wrapped ("line", text)   unindented line
#   ("table", rows)          ruled table of cell texts   ("blank", "")


Block = tuple[str, object]


def write_pdf(
    path: Path,
    blocks: list[Block],
    *,
    width: int = 34,
    char_space: bool = False,
    bold: bool = False,
    page_numbers: bool = False,
) -> Path:
    """A PDF of ``blocks``: paragraphs wrapped at ``width`` characters, wherever that falls.

    ``char_space``: letter-spaced titles drawn with character spacing instead of spaces;
    ``bold``: titles in fake bold (drawn twice, 0.4 pt apart); ``page_numbers``: ``— 1 —``
    centred at the foot of each page (GB/T 9704).
    """
    from reportlab.pdfgen import canvas

    _register_font()
    margin, size, leading = 64, 12, 19
    # A wide table (a publicity list) is printed on a landscape page, as bureaus do.
    wide = any(style == "table" and max(map(len, content)) >= 5 for style, content in blocks)
    page_width, page_height = (PAGE_HEIGHT, PAGE_WIDTH) if wide else (PAGE_WIDTH, PAGE_HEIGHT)
    pdf = canvas.Canvas(str(path), pagesize=(page_width, page_height))
    y = page_height - margin
    page = 1

    def end_page() -> None:
        nonlocal page
        if page_numbers:
            pdf.setFont(FONT, 11)
            pdf.drawCentredString(page_width / 2, margin / 2, f"— {page} —")
        pdf.showPage()
        page += 1

    def need(height: float) -> None:
        nonlocal y
        if y - height < margin:
            end_page()
            y = page_height - margin

    for style, content in blocks:
        if style in ("title", "spaced"):
            text = str(content)
            need(30)
            if style == "spaced" and char_space:
                shown = pdf.beginText()
                shown.setFont(FONT, 20)
                shown.setCharSpace(10)
                shown.setTextOrigin(page_width / 2 - len(text) * 15, y)
                shown.textOut(text)
                pdf.drawText(shown)
                y -= 34
                continue
            shown_text = " ".join(text) if style == "spaced" else text
            for line in _title_lines(shown_text, int((page_width - 2 * margin) // 20)):
                need(30)
                pdf.setFont(FONT, 20)
                pdf.drawCentredString(page_width / 2, y, line)
                if bold:
                    pdf.drawCentredString(page_width / 2 + 0.4, y, line)
                y -= 30
            y -= 4
        elif style == "center":
            need(leading)
            pdf.setFont(FONT, size)
            pdf.drawCentredString(page_width / 2, y, str(content))
            y -= leading
        elif style == "right":
            need(leading)
            pdf.setFont(FONT, size)
            pdf.drawRightString(page_width - margin - 24, y, str(content))
            y -= leading
        elif style == "blank":
            y -= leading / 2
        elif style in ("para", "line"):
            indent = 2 if style == "para" else 0
            for number, line in enumerate(_wrap(str(content), width, indent)):
                need(leading)
                pdf.setFont(FONT, size)
                x = margin + (indent * size if number == 0 and indent else 0)
                pdf.drawString(x, y, line)
                y -= leading
        elif style == "table":
            y = _pdf_table(pdf, content, y, margin, size, leading, need, page_width, page_height)  # type: ignore[arg-type]
    end_page()
    pdf.save()
    return path


def _title_lines(title: str, width: int) -> list[str]:
    """A long title on two lines, as typeset: the number in its parentheses goes below."""
    if len(title) <= width:
        return [title]
    head, parenthesis, number = title.partition("（")
    if parenthesis and len(head) <= width and len(number) < width:
        return [head, parenthesis + number]
    return _wrap(title, width)


def _wrap(text: str, width: int, indent: int = 0) -> list[str]:
    lines: list[str] = []
    for part in text.split("\n"):
        first = width - indent if not lines else width
        if not part:
            lines.append("")
        while part:
            lines.append(part[:first])
            part = part[first:]
            first = width
    return lines


def _pdf_table(
    pdf, rows: list[list[str]], y: float, margin, size, leading, need, page_width, page_height
) -> float:
    """A ruled table; a cell's text wraps inside its column.  Returns the next baseline."""
    columns = max(len(row) for row in rows)
    total = page_width - 2 * margin
    longest = [max(len(row[c]) if c < len(row) else 0 for row in rows) for c in range(columns)]
    weights = [min(max(length, 3), 20) for length in longest]
    widths = [total * weight / sum(weights) for weight in weights]
    small = size - 2 if columns < 5 else size - 3
    step = small + 5
    top = y + size
    for row in rows:
        cells = []
        for c in range(columns):
            text = row[c] if c < len(row) else ""
            cells.append(_wrap(text, max(int((widths[c] - 6) // small), 1)))
        height = max(len(lines) for lines in cells) * step + 6
        if top - height < margin:
            need(page_height)  # a new page
            top = page_height - margin + size
        x = margin
        for c, lines in enumerate(cells):
            pdf.rect(x, top - height, widths[c], height, stroke=1, fill=0)
            pdf.setFont(FONT, small)
            for number, line in enumerate(lines):
                pdf.drawString(x + 3, top - small - 3 - number * step, line)
            x += widths[c]
        top -= height
    return top - size - 8


def write_docx(path: Path, blocks: list[Block]) -> Path:
    """A .docx of ``blocks``: centred titles, paragraphs, right-aligned 落款, tables."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx.Document()
    for style, content in blocks:
        if style == "table":
            rows: list[list[str]] = content  # type: ignore[assignment]
            columns = max(len(row) for row in rows)
            table = document.add_table(rows=len(rows), cols=columns)
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
                if len(row) < columns:
                    merged = table.cell(r, len(row) - 1).merge(table.cell(r, columns - 1))
                    merged.text = row[-1]
            continue
        text = str(content)
        if style == "spaced":
            text = "　".join(text)
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text)
        if style in ("title", "spaced"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.font.size = Pt(22)
            run.bold = True
        elif style == "center":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif style == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif style == "para":
            paragraph.paragraph_format.first_line_indent = Pt(24)
    document.save(str(path))
    return path


def writer(media: str, blocks: list[Block], **options) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        if media == "pdf":
            return write_pdf(path, blocks, **options)
        return write_docx(path, blocks)

    return build


def layout_tags(media: str, blocks: list[Block], options: dict) -> set[str]:
    styles = {style for style, _content in blocks}
    tags = set()
    if media == "pdf":
        tags.add("layout_pdf_wrapped")
        if options.get("bold"):
            tags.add("layout_pdf_bold_title")
        if options.get("page_numbers"):
            tags.add("layout_pdf_page_numbers")
        if "spaced" in styles:
            tags.add("layout_pdf_spaced_title")
        if "table" in styles:
            tags.add("layout_pdf_table")
    else:
        tags.add("layout_docx_table" if "table" in styles else "layout_docx_paragraphs")
    return tags


# --------------------------------------------------------------------------------------------
# The party's particulars


def party_block(
    unit: Enterprise,
    *,
    label: str = "当事人",
    code: str | None = "plain",
    table: bool = False,
    addressee: bool = False,
) -> tuple[list[Block], str | None, str]:
    """(blocks, expected code, expected status) for the 当事人 lines.

    ``code``: ``plain``, ``None`` (not stated), ``broken`` (the full code split over two
    lines), or a masking style of :func:`mask`.
    """
    printed: str | None
    expected: str | None
    status = "absent"
    if code is None:
        printed = expected = None
    elif code in ("plain", "broken"):
        printed = expected = unit.code
        status = "valid"
    else:
        printed, expected = mask(unit.code, code)
        status = "masked"
    if table:
        rows = [[label, unit.name]]
        if printed:
            rows.append(["统一社会信用代码", printed])
        rows.append(["法定代表人（负责人）", unit.representative, "职务", "负责人"])
        rows.append(["地址", unit.address])
        return [("table", rows)], expected, status
    lines: list[Block] = []
    lines.append(("line", f"{unit.name}：" if addressee else f"{label}：{unit.name}"))
    if printed and code == "broken":
        lines.append(("line", f"统一社会信用代码：{printed[:9]}"))
        lines.append(("line", printed[9:]))
    elif printed:
        lines.append(("line", f"统一社会信用代码：{printed}"))
    lines.append(("line", f"法定代表人（负责人）：{unit.representative}"))
    lines.append(("line", f"地址：{unit.address}"))
    return lines, expected, status


def code_tags(code: str | None) -> set[str]:
    if code is None:
        return {"code_absent"}
    if code in ("plain",):
        return {"code_valid"}
    if code == "broken":
        return {"code_valid", "code_across_break"}
    if code in ("tail_star", "tail_x"):
        return {"code_masked_tail"}
    if code in ("middle", "middle_long"):
        return {"code_masked_middle"}
    return {"code_masked_other"}


def fine_phrase(amount: int, style: str, *, lead: str = "罚款") -> str:
    """The decided fine, written one of the ways real decisions write it."""
    return {
        "digits_capitals": f"{lead}人民币：{amount}.00 元（大写：{capitals(amount)}圆整）",
        "prose_capitals": f"处罚{capitals(amount)}元",
        "capitals_only": f"{lead}人民币{capitals(amount)}元整",
        "wan": f"{lead}{wan(amount)}万元",
        "digits_paren": f"{lead}人民币{amount}元（{capitals(amount)}元整）",
        "digits": f"{lead}{amount}元",
        "comma": f"{lead}人民币{amount:,}元",
    }[style]


FINE_TAGS = {
    "digits_capitals": "fine_digits_capitals",
    "prose_capitals": "fine_prose_capitals",
    "capitals_only": "fine_prose_capitals",
    "wan": "fine_wan",
    "digits_paren": "fine_digits_paren",
    "digits": "fine_digits_paren",
    "comma": "fine_digits_paren",
}


def signature(bureau: Bureau, when: tuple[int, int, int], *, chinese: bool = False) -> list[Block]:
    year, month, day = when
    date_text = chinese_date(year, month, day) if chinese else f"{year}年{month}月{day}日"
    return [("blank", ""), ("right", bureau.name), ("right", date_text)]


def heading(
    bureau: Bureau,
    title: str,
    number: str | None,
    *,
    place: str = "below",
    spaced: bool = False,
) -> list[Block]:
    """The title area: the bureau, the title, the number.

    ``place``: ``below`` (the number centred under the title), ``right`` (right-aligned),
    ``in_title`` (in the title's parentheses after the bureau's name), ``label`` (文号：…),
    ``none`` (no number in the title area).
    """
    title_style = "spaced" if spaced else "title"
    if place == "in_title":
        return [("title", f"{bureau.name}{title}（{number}）")]
    blocks: list[Block] = [("center", bureau.name), (title_style, title)]
    if number and place == "below":
        blocks.append(("center", number))
    elif number and place == "right":
        blocks.append(("right", number))
    elif number and place == "label":
        blocks.append(("right", f"文号：{number}"))
    elif number and place == "running":
        blocks.append(("line", f"{title}文号：{number}。"))
    return blocks


# --------------------------------------------------------------------------------------------
# Builders: each returns (blocks, Expected, tags)


@dataclass
class Spec:
    """What varies between documents of one family."""

    bureau: str
    unit: int
    number: str | None  # as printed
    expected_number: str | None
    place: str = "below"
    code: str | None = "plain"
    fine: int | None = None
    fine_style: str = "digits"
    fine_disagree: int | None = None  # capitals of another amount
    statutory: str | None = None  # a statutory range sentence beside the fine
    cited: tuple[tuple[str, str], ...] = ()  # (printed, normalised) numbers cited in the body
    deadline: tuple[int, int, int] | None = None
    deadline_style: str = "prose"
    spaced: bool = False
    table: bool = False
    chinese_date: bool = False
    extra_tags: frozenset[str] = frozenset()
    other_amount: int | None = None  # 没收违法所得
    when: tuple[int, int, int] = (2026, 3, 16)
    media: str | None = None  # pdf or docx when the family's alternation would not do


def _fine_sentence(spec: Spec) -> str:
    if spec.fine_disagree is not None:
        return (
            f"罚款人民币{spec.fine}元（大写：{capitals(spec.fine_disagree)}元整）"
            if spec.fine is not None
            else ""
        )
    if spec.fine is None:
        return ""
    return fine_phrase(spec.fine, spec.fine_style)


def _fine_expected(spec: Spec) -> int | None:
    return None if spec.fine_disagree is not None else spec.fine


def _fine_tags(spec: Spec) -> set[str]:
    tags = set()
    if spec.fine_disagree is not None:
        tags.add("fine_disagree")
    elif spec.fine is not None:
        tags.add(FINE_TAGS[spec.fine_style])
    elif spec.statutory:
        tags.add("fine_range_only")
    else:
        tags.add("fine_absent")
    if spec.fine is not None and spec.statutory:
        tags.add("fine_beside_range")
    if spec.other_amount:
        tags.add("fine_other_amount")
    return tags


def _number_tags(spec: Spec) -> set[str]:
    tags = set()
    if spec.number is None:
        tags.add("number_absent")
    elif spec.place == "in_title":
        tags.add("number_in_title")
    elif spec.place in ("label", "running"):
        tags.add("number_labelled")
    if spec.cited:
        tags.add("number_cited")
    return tags


BUREAU_TAG = {
    "emergency": "bureau_emergency",
    "ecology": "bureau_ecology",
    "market": "bureau_market",
    "fire": "bureau_fire",
}

FACTS = {
    "emergency": [
        "未按照规定对从业人员进行安全生产教育和培训，三名作业人员未经培训即上岗作业",
        "未在有较大危险因素的生产经营场所和有关设施、设备上设置明显的安全警示标志",
        "未按照规定如实记录安全生产教育和培训情况",
        "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业",
        "未建立事故隐患排查治理制度，未如实记录事故隐患排查治理情况",
    ],
    "ecology": [
        "喷漆工序产生的挥发性有机废气未经收集处理直接排放",
        "建设项目未依法报批环境影响评价文件，擅自开工建设并投入生产",
        "危险废物贮存场所未设置危险废物识别标志",
    ],
    "market": [
        "销售不符合保障人体健康和人身、财产安全的国家标准的电线电缆",
        "使用未经定期检验的起重机械",
    ],
    "fire": [
        "消防设施、器材未保持完好有效，二层疏散指示标志损坏",
        "占用、堵塞疏散通道，安全出口上锁",
    ],
}

ARTICLES = {
    "emergency": (
        f"{LAW}第二十八条第一款",
        f"{LAW}第九十七条第三项",
        "处十万元以下的罚款",
    ),
    "ecology": (
        f"{AIR_LAW}第四十五条",
        f"{AIR_LAW}第一百零八条第一项",
        "处二万元以上二十万元以下的罚款",
    ),
    "market": (
        f"{QUALITY_LAW}第十三条",
        f"{QUALITY_LAW}第四十九条",
        "并处违法生产、销售产品货值金额等值以上三倍以下的罚款",
    ),
    "fire": (
        f"{FIRE_LAW}第十六条第一款第二项",
        f"{FIRE_LAW}第六十条第一款第一项",
        "处五千元以上五万元以下罚款",
    ),
}


def penalty_decision(
    spec: Spec, *, title: str = "行政处罚决定书"
) -> tuple[list[Block], Expected, set[str]]:
    """A 行政处罚决定书 of any bureau."""
    bureau, unit = BUREAUS[spec.bureau], ENTERPRISES[spec.unit]
    blocks = heading(bureau, title, spec.number, place=spec.place, spaced=spec.spaced)
    party, code, status = party_block(unit, code=spec.code, table=spec.table)
    blocks += party
    facts = FACTS[bureau.kind][spec.unit % len(FACTS[bureau.kind])]
    violated, basis, statutory = ARTICLES[bureau.kind]
    body = (
        f"本机关于2026年1月{5 + spec.unit}日对{unit.pronoun}进行检查时发现，{unit.pronoun}{facts}。"
    )
    for printed, _normalised in spec.cited:
        body += f"参见执法文书{printed}《责令限期整改指令书》。"
    blocks.append(("para", body))
    blocks.append(("para", "以上事实有现场检查记录、询问笔录、现场照片等证据为证。"))
    blocks.append(("para", f"{unit.pronoun}的上述行为违反了{violated}的规定。"))
    notice = ""
    if spec.cited:
        notice = f"本机关已于2026年2月{spec.unit + 3}日依法告知{unit.pronoun}拟作出行政处罚的事实、理由、依据及依法享有的权利，{unit.pronoun}在法定期限内未提出陈述、申辩。"
        blocks.append(("para", notice))
    statutory_text = f"该条规定{spec.statutory or statutory}；" if spec.statutory else ""
    fine = _fine_sentence(spec)
    decided = fine or "给予警告"
    if spec.other_amount:
        decided = f"没收违法所得{spec.other_amount}元，并处{fine}"
    blocks.append(
        (
            "para",
            f"依据{basis}的规定，{statutory_text}本机关决定对{unit.pronoun}作出如下行政处罚：{decided}。",
        )
    )
    if fine:
        blocks.append(
            (
                "para",
                f"{unit.pronoun}应当自收到本决定书之日起十五日内将罚款缴至指定银行。到期不缴纳罚款的，"
                "每日按罚款数额的百分之三加处罚款。",
            )
        )
    blocks.append(
        (
            "para",
            f"{unit.pronoun}如不服本决定，可以在收到本决定书之日起六十日内向{bureau.city}申请行政复议，"
            f"或者在六个月内依法向{bureau.court}提起行政诉讼。",
        )
    )
    blocks += signature(bureau, spec.when, chinese=spec.chinese_date)
    kind = "no_penalty_decision" if "不予" in title else "penalty_decision"
    expected = Expected(
        kind=kind,
        code=code,
        code_status=status,
        doc_number=spec.expected_number,
        fine_yuan=_fine_expected(spec),
        authority=bureau.name,
        references=tuple(normalised for _printed, normalised in spec.cited),
    )
    tags = {BUREAU_TAG[bureau.kind], "kind_penalty_decision", "deadline_absent"}
    tags |= code_tags(spec.code) | _fine_tags(spec) | _number_tags(spec) | set(spec.extra_tags)
    return blocks, expected, tags


def no_penalty_decision(spec: Spec) -> tuple[list[Block], Expected, set[str]]:
    """A 不予行政处罚决定书: the law's range is quoted, no fine is decided."""
    bureau, unit = BUREAUS[spec.bureau], ENTERPRISES[spec.unit]
    blocks = heading(
        bureau, "不予行政处罚决定书", spec.number, place=spec.place, spaced=spec.spaced
    )
    party, code, status = party_block(unit, code=spec.code, table=spec.table)
    blocks += party
    facts = FACTS[bureau.kind][spec.unit % len(FACTS[bureau.kind])]
    violated, basis, statutory = ARTICLES[bureau.kind]
    blocks.append(("para", f"经查，{unit.pronoun}{facts}。以上事实有现场检查笔录等证据为证。"))
    blocks.append(
        (
            "para",
            f"{unit.pronoun}的上述行为违反了{violated}的规定，依据{basis}的规定，应{statutory}。"
            f"鉴于{unit.pronoun}系初次违法且危害后果轻微并及时改正，依据《中华人民共和国行政处罚法》"
            f"第三十三条第一款的规定，本机关决定对{unit.pronoun}不予行政处罚。",
        )
    )
    blocks += signature(bureau, spec.when, chinese=spec.chinese_date)
    expected = Expected(
        kind="no_penalty_decision",
        code=code,
        code_status=status,
        doc_number=spec.expected_number,
        authority=bureau.name,
    )
    tags = {BUREAU_TAG[bureau.kind], "kind_no_penalty", "fine_range_only", "deadline_absent"}
    tags |= code_tags(spec.code) | _number_tags(spec) | set(spec.extra_tags)
    return blocks, expected, tags


def penalty_notice(spec: Spec) -> tuple[list[Block], Expected, set[str]]:
    """A 行政处罚告知书: the intended fine, the right to be heard; it cites the order."""
    bureau, unit = BUREAUS[spec.bureau], ENTERPRISES[spec.unit]
    blocks = heading(bureau, "行政处罚告知书", spec.number, place=spec.place, spaced=spec.spaced)
    party, code, status = party_block(unit, code=spec.code, addressee=True)
    blocks += party
    facts = FACTS[bureau.kind][spec.unit % len(FACTS[bureau.kind])]
    violated, basis, statutory = ARTICLES[bureau.kind]
    cited = "".join(
        f"本机关于2026年1月8日作出{printed}《责令限期整改指令书》，" for printed, _n in spec.cited
    )
    blocks.append(
        (
            "para",
            f"{cited}经查，{unit.pronoun}{facts}。{unit.pronoun}的上述行为违反了{violated}的规定。"
            f"依据{basis}的规定（{statutory}），本机关拟对{unit.pronoun}作出{_fine_sentence(spec)}的行政处罚。",
        )
    )
    blocks.append(
        (
            "para",
            "根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你单位可在收到本告知书之日起五日内"
            "向本机关进行陈述和申辩。逾期不陈述、申辩的，视为放弃上述权利。",
        )
    )
    blocks += signature(bureau, spec.when, chinese=spec.chinese_date)
    expected = Expected(
        kind="penalty_notice",
        code=code,
        code_status=status,
        doc_number=spec.expected_number,
        fine_yuan=_fine_expected(spec),
        authority=bureau.name,
        references=tuple(normalised for _printed, normalised in spec.cited),
    )
    tags = {BUREAU_TAG[bureau.kind], "kind_penalty_notice", "deadline_absent", "fine_beside_range"}
    tags |= code_tags(spec.code) | _fine_tags(spec) | _number_tags(spec) | set(spec.extra_tags)
    return blocks, expected, tags


def correction_decision(spec: Spec) -> tuple[list[Block], Expected, set[str]]:
    """An ecology bureau's 责令改正违法行为决定书 (a rectification order, no fine)."""
    bureau, unit = BUREAUS[spec.bureau], ENTERPRISES[spec.unit]
    blocks = heading(
        bureau, "责令改正违法行为决定书", spec.number, place=spec.place, spaced=spec.spaced
    )
    party, code, status = party_block(unit, code=spec.code, table=spec.table, addressee=True)
    blocks += party
    facts = FACTS["ecology"][1]  # the EIA case the decision cites
    blocks.append(("line", "一、环境违法事实和证据"))
    blocks.append(
        (
            "para",
            f"2026年1月{10 + spec.unit}日，我局执法人员对{unit.pronoun}进行现场检查，发现{unit.pronoun}{facts}。"
            "以上事实，有现场检查（勘察）笔录、调查询问笔录、现场照片等证据为凭。",
        )
    )
    blocks.append(("para", f"{unit.pronoun}上述行为违反了{EIA_LAW}第二十五条的规定。"))
    blocks.append(("line", "二、责令改正的依据和种类"))
    rule = (
        f"依据《中华人民共和国行政处罚法》第二十八条第一款和{EIA_LAW}第三十一条第一款"
        "“……由县级以上生态环境主管部门责令停止建设，根据违法情节和危害后果，处建设项目总投资额"
        "百分之一以上百分之五以下的罚款……”的规定，"
    )
    if spec.deadline and spec.deadline_style == "prose":
        y, m, d = spec.deadline
        order = f"现责令{unit.pronoun}立即停止建设，并于{y}年{m}月{d}日前改正上述环境违法行为。"
    elif spec.deadline:
        y, m, d = spec.deadline
        order = f"现责令{unit.pronoun}立即停止建设，依法补办环境影响评价手续。"
    else:
        order = f"现责令{unit.pronoun}在收到本决定书之日起立即停止违法行为。"
    blocks.append(("para", rule + order))
    if spec.deadline and spec.deadline_style == "labelled":
        y, m, d = spec.deadline
        date_text = chinese_date(y, m, d) if spec.chinese_date else f"{y}年{m}月{d}日"
        blocks.append(("line", f"整改期限：{date_text}"))
    blocks.append(("line", "三、申请行政复议或者提起行政诉讼的途径和期限"))
    blocks.append(
        (
            "para",
            f"{unit.pronoun}如对本决定不服，可在收到本决定书之日起六十日内向{bureau.city}申请行政复议，"
            f"也可在收到本决定书之日起六个月内向{bureau.court}提起行政诉讼。",
        )
    )
    blocks += signature(bureau, spec.when)
    expected = Expected(
        kind="rectification_order",
        code=code,
        code_status=status,
        doc_number=spec.expected_number,
        rectification_deadline=_iso(spec.deadline),
        authority=bureau.name,
    )
    tags = {BUREAU_TAG[bureau.kind], "kind_correction_decision", "fine_range_only"}
    tags |= _deadline_tags(spec) | code_tags(spec.code) | _number_tags(spec) | set(spec.extra_tags)
    return blocks, expected, tags


PROBLEMS = [
    "配电箱未设置安全警示标志",
    "成品仓库安全出口被杂物堵塞",
    "部分灭火器压力不足",
    "未建立事故隐患排查治理台账",
    "特种作业人员未持证上岗",
]


def rectification_order(spec: Spec) -> tuple[list[Block], Expected, set[str]]:
    """An emergency bureau's 责令限期整改指令书: numbered problems, the deadline."""
    bureau, unit = BUREAUS[spec.bureau], ENTERPRISES[spec.unit]
    blocks = heading(
        bureau, "责令限期整改指令书", spec.number, place=spec.place, spaced=spec.spaced
    )
    party, code, status = party_block(
        unit, code=spec.code, table=spec.table, addressee=not spec.table
    )
    blocks += party
    cited = "".join(f"（{printed}）" for printed, _n in spec.cited)
    blocks.append(
        (
            "para",
            f"经查，{unit.pronoun}存在下列问题（见现场检查记录{cited}）：",
        )
    )
    for index, problem in enumerate(PROBLEMS[spec.unit % 3 : spec.unit % 3 + 3], start=1):
        blocks.append(("line", f"{index}.{problem}；"))
    if spec.deadline and spec.deadline_style == "labelled":
        y, m, d = spec.deadline
        date_text = chinese_date(y, m, d) if spec.chinese_date else f"{y}年{m}月{d}日"
        blocks.append(("line", f"整改期限：{date_text}"))
        blocks.append(("para", "上述问题应当在整改期限内整改完毕，并书面报告本局。"))
    elif spec.deadline:
        y, m, d = spec.deadline
        blocks.append(
            (
                "para",
                f"上述第1项问题立即整改，第2、3项问题责令{unit.pronoun}于{y}年{m}月{d}日前整改完毕，"
                "整改完成后及时书面报告本局。",
            )
        )
    else:
        blocks.append(("para", "上述问题责令立即整改，整改完成后及时书面报告本局。"))
    blocks.append(
        (
            "para",
            "整改期间，你单位应当采取措施，确保安全。如果不服本指令，可以依法申请行政复议或者提起行政诉讼。",
        )
    )
    blocks += signature(bureau, spec.when, chinese=spec.chinese_date)
    expected = Expected(
        kind="rectification_order",
        code=code,
        code_status=status,
        doc_number=spec.expected_number,
        rectification_deadline=_iso(spec.deadline),
        authority=bureau.name,
        references=tuple(normalised for _printed, normalised in spec.cited),
    )
    tags = {BUREAU_TAG[bureau.kind], "kind_rectification_order", "fine_absent"}
    tags |= _deadline_tags(spec) | code_tags(spec.code) | _number_tags(spec) | set(spec.extra_tags)
    return blocks, expected, tags


def _iso(when: tuple[int, int, int] | None) -> str | None:
    return f"{when[0]:04d}-{when[1]:02d}-{when[2]:02d}" if when else None


def _deadline_tags(spec: Spec) -> set[str]:
    if not spec.deadline:
        return {"deadline_absent"}
    return {"deadline_labelled" if spec.deadline_style == "labelled" else "deadline_prose"}


def publicity_single(spec: Spec, *, style: str = "prose") -> tuple[list[Block], Expected, set[str]]:
    """One penalty made public: 信用中国-style prose (近日，…作出行政处罚) or labelled fields."""
    bureau, unit = BUREAUS[spec.bureau], ENTERPRISES[spec.unit]
    facts = FACTS[bureau.kind][spec.unit % len(FACTS[bureau.kind])]
    violated, basis, _statutory = ARTICLES[bureau.kind]
    code, status, printed = None, "absent", None
    if spec.code in ("plain", "broken"):
        printed = code = unit.code
        status = "valid"
    elif spec.code:
        printed, code = mask(unit.code, spec.code)
        status = "masked"
    fine = _fine_sentence(spec)
    blocks: list[Block]
    if style == "prose":
        blocks = [("title", "行政处罚信息公示")]
        who = unit.name
        if printed:
            split = "\n" if spec.code == "broken" or "across" in spec.extra_tags else ""
            who += f"（统一社会信用代码：{split}{printed}）"
        text = (
            f"近日，{bureau.name}对{who}作出行政处罚。经查，该单位{facts}，违反了{violated}的规定。"
            f"依据{basis}的规定，{bureau.name}对该单位{fine or '给予警告'}。"
        )
        if spec.number:
            text += f"（行政处罚决定书文号：{spec.number}）"
        blocks.append(("para", text))
        blocks += [("blank", ""), ("right", f"{bureau.name}"), ("right", "2026年3月20日")]
    else:
        rows = [
            ["行政相对人名称", unit.name],
            ["统一社会信用代码", printed or ""],
            ["法定代表人", unit.representative],
        ]
        if spec.number:
            rows.append(["行政处罚决定书文号", spec.number])
        rows += [
            ["违法行为类型", facts],
            ["处罚依据", basis],
            ["处罚类别", "罚款" if fine else "警告"],
            ["处罚内容", fine or "警告"],
        ]
        if spec.fine is not None and spec.fine_disagree is None and spec.fine_style == "wan":
            rows.append(["罚款金额（万元）", wan(spec.fine)])
        rows += [
            ["处罚决定日期", "2026/03/16"],
            ["处罚机关", bureau.name],
            ["公示截止期", "2029/03/16"],
        ]
        blocks = [("title", f"{bureau.name}行政处罚信息公示"), ("table", rows)]
    expected = Expected(
        kind="penalty_publicity",
        code=code,
        code_status=status,
        doc_number=spec.expected_number,
        fine_yuan=_fine_expected(spec),
        authority=bureau.name,
    )
    tags = {BUREAU_TAG[bureau.kind], "kind_publicity_single", "deadline_absent"}
    if spec.number and style == "prose":
        tags.add("number_labelled")
    tags |= code_tags(spec.code) | _fine_tags(spec) | _number_tags(spec) | set(spec.extra_tags)
    if "across" in spec.extra_tags:
        tags.discard("across")
        tags.add("code_across_break")
    return blocks, expected, tags


@dataclass
class Entry:
    unit: int
    code: str | None
    number: str | None
    expected_number: str | None
    fine: int | None
    fine_style: str = "wan"
    bureau: str = "lanshan_em"


def publicity_list(
    entries: list[Entry], *, style: str = "table", title_bureau: str = "lanshan_em"
) -> tuple[list[Block], list[Expected], set[str]]:
    """Several enterprises' penalties in one list: a table, or numbered prose paragraphs."""
    head = BUREAUS[title_bureau]
    if len({entry.bureau for entry in entries}) == 1:
        title = f"{head.name}2026年第一季度行政处罚案件信息公示表"
    else:  # a credit platform's list of several authorities' decisions
        title = "行政处罚信息公示汇总表（2026年3月）"
    blocks: list[Block] = [("title", title)]
    tags = {"kind_publicity_list", "deadline_absent"}
    rows = [
        ["序号", "行政相对人名称", "统一社会信用代码", "行政处罚决定书文号", "处罚内容", "处罚机关"]
    ]
    expected: list[Expected] = []
    for index, entry in enumerate(entries, start=1):
        unit, bureau = ENTERPRISES[entry.unit], BUREAUS[entry.bureau]
        tags |= code_tags(entry.code) | {BUREAU_TAG[bureau.kind]}
        if entry.code in ("plain", None):
            printed = code = unit.code if entry.code else None
            status = "valid" if entry.code else "absent"
        else:
            printed, code = mask(unit.code, entry.code)
            status = "masked"
        content = fine_phrase(entry.fine, entry.fine_style) if entry.fine else "警告"
        tags.add(FINE_TAGS[entry.fine_style] if entry.fine else "fine_absent")
        if entry.number is None:
            tags.add("number_absent")
        if style == "table":
            rows.append(
                [str(index), unit.name, printed or "", entry.number or "", content, bureau.name]
            )
        else:
            sentence = f"{'一二三四五六七八'[index - 1]}、{unit.name}"
            if printed:
                sentence += f"（统一社会信用代码：{printed}）"
            sentence += f"，因{FACTS[bureau.kind][entry.unit % len(FACTS[bureau.kind])]}，被{bureau.name}处以{content}"
            if entry.number:
                sentence += f"，行政处罚决定书文号：{entry.number}"
                tags.add("number_labelled")
            blocks.append(("para", sentence + "。"))
        expected.append(
            Expected(
                kind="penalty_publicity",
                code=code,
                code_status=status,
                doc_number=entry.expected_number,
                fine_yuan=entry.fine,
                authority=bureau.name,
                entry=index,
            )
        )
    if style == "table":
        blocks.append(("table", rows))
        blocks.append(("line", "注：以上信息自作出行政处罚决定之日起7个工作日内公示，公示期三年。"))
    return blocks, expected, tags


# --------------------------------------------------------------------------------------------
# Commitment letters written by enterprises on their own templates

PROMISES = [
    "严格遵守《中华人民共和国安全生产法》等法律法规和国家标准、行业标准，依法依规组织生产经营。",
    "建立健全全员安全生产责任制和安全生产规章制度，保证安全生产投入，加强从业人员教育培训。",
    "不违章指挥、不强令冒险作业，坚决杜绝负有责任的生产安全事故。",
    "构建安全风险分级管控和隐患排查治理双重预防体系，及时发现并消除事故隐患。",
    "自觉接受应急管理部门的监督检查，认真执行执法指令，如有违反，愿承担相应责任。",
]
POST_PROMISES = [
    "做到“三不伤害”：不伤害自己，不伤害他人，不被他人伤害。",
    "不违章作业，动火、受限空间、高处作业按规定办理作业许可。",
    "按规定佩戴劳动防护用品，参加安全教育培训，持证上岗。",
]


@dataclass
class Letter:
    unit: int
    title: str
    title_tag: str
    level: str = "unit"  # unit, workshop, team, post
    signer: str | None = "张某某"
    date: str | None = "2026年1月10日"
    blank: str = "line"  # how an empty signature looks: line, underscores, spaces
    code: str | None = "plain"
    table: bool = False
    two_way: bool = False
    subtitle: str | None = None


SIGNER_LABEL = {
    "unit": "法定代表人（签字）",
    "workshop": "车间负责人（签字）",
    "team": "班组长（签字）",
    "post": "承诺人（签字）",
}


def commitment_letter(letter: Letter) -> tuple[list[Block], Expected, set[str]]:
    unit = ENTERPRISES[letter.unit]
    blocks: list[Block] = [("title", letter.title)]
    if letter.subtitle:
        blocks.append(("center", letter.subtitle))
    if letter.level == "unit":
        blocks.append(("line", "致全体员工及社会各界："))
        blocks.append(
            (
                "para",
                f"为切实落实企业安全生产主体责任，{unit.name}向社会和全体员工郑重承诺：",
            )
        )
        promises = PROMISES
    else:
        label, place = {
            "workshop": ("车间（部门）", "生产车间"),
            "team": ("班组", "包装班组"),
            "post": ("岗位", "叉车司机岗位"),
        }[letter.level]
        blocks.append(("line", f"单位名称：{unit.name}"))
        if letter.code:
            blocks.append(("line", f"统一社会信用代码：{unit.code}"))
        blocks.append(("line", f"{label}：{place}"))
        blocks.append(("para", "为落实全员安全生产责任制，本人郑重承诺："))
        promises = POST_PROMISES
    for index, promise in enumerate(promises, start=1):
        blocks.append(("para", f"{'一二三四五六七'[index - 1]}、{promise}"))
    blank = {"line": "", "underscores": "__________", "spaces": "　　　　"}[letter.blank]
    signer = letter.signer or blank
    date = letter.date or "　　年　　月　　日"
    code, status = (unit.code, "valid") if letter.code else (None, "absent")
    rows: list[list[str]] = []
    if letter.level == "unit":
        rows.append(["承诺单位（盖章）", unit.name])
        if code:
            rows.append(["统一社会信用代码", code])
    rows.append([SIGNER_LABEL[letter.level], signer])
    rows.append(["日期", date])
    if letter.two_way:
        counter = "李某" if letter.signer else blank  # the party committed to signs too
        rows += [["被承诺人（签字）", counter], ["日期", date]]
    if letter.table:
        blocks.append(("table", rows))
    else:
        blocks.append(("blank", ""))
        for label, value in rows:
            # Without a table the date stands alone under the signature, as letters print it.
            blocks.append(("line", value if label == "日期" else f"{label}：{value}"))
    signed = bool(letter.signer and letter.date)
    expected = Expected(
        kind="commitment_letter",
        code=code,
        code_status=status,
        signed=signed,
        level=letter.level,
        year=2026 if letter.title_tag == "letter_title_year" else None,
    )
    tags = {letter.title_tag, "fine_absent", "deadline_absent", "number_absent"}
    tags |= code_tags(letter.code)
    if letter.level != "unit":
        tags.add("letter_level_lower")
    if signed:
        tags.add("letter_signed")
    elif letter.signer:
        tags.add("letter_unsigned_date")
    else:
        tags.add("letter_unsigned_blank")
    return blocks, expected, tags


# --------------------------------------------------------------------------------------------
# The cases


def _n(printed: str, normalised: str) -> tuple[str, str]:
    return printed, normalised


def _cases() -> list[Case]:
    rng = random.Random(7)
    cases: list[Case] = []

    def add(
        case_id: str,
        media: str,
        built: tuple[list[Block], Expected | list[Expected], set[str]],
        **options,
    ) -> None:
        blocks, expected, tags = built
        if media == "pdf":
            options.setdefault("width", rng.choice((28, 30, 31, 33, 34, 35)))
            options.setdefault("bold", rng.random() < 0.35)
            options.setdefault("page_numbers", rng.random() < 0.5)
        rows = expected if isinstance(expected, list) else [expected]
        tags = set(tags) | layout_tags(media, blocks, options)
        cases.append(Case(case_id, media, frozenset(tags), writer(media, blocks, **options), rows))

    # ---- emergency penalty decisions -------------------------------------------------------
    em = [
        Spec(
            "lanshan_em",
            0,
            "（湘永蓝）应急罚〔2026〕执法一中队-3号",
            "（湘永蓝）应急罚〔2026〕执法一中队-3号",
            fine=19000,
            fine_style="digits_capitals",
            cited=(
                _n(
                    "（湘永蓝）应急责改〔2026〕执法一中队-1号",
                    "（湘永蓝）应急责改〔2026〕执法一中队-1号",
                ),
            ),
            extra_tags=frozenset({"number_unit_serial"}),
        ),
        Spec(
            "lanshan_em",
            1,
            "(湘永蓝)应急罚[2026]k-7号",
            "（湘永蓝）应急罚〔2026〕k-7号",
            fine=13000,
            fine_style="prose_capitals",
            code="tail_star",
            extra_tags=frozenset({"number_square_letter", "number_brackets"}),
        ),
        Spec(
            "lanshan_em",
            2,
            "（湘永蓝）应急罚﹝2026﹞12号",
            "（湘永蓝）应急罚〔2026〕12号",
            fine=3000,
            fine_style="wan",
            statutory="处五千元以上二万元以下的罚款",
            code="middle",
            extra_tags=frozenset({"number_brackets"}),
        ),
        Spec(
            "lanshan_em",
            3,
            "（湘永蓝）应急罚【2026】15号",
            "（湘永蓝）应急罚〔2026〕15号",
            fine=3000,
            fine_style="digits_paren",
            code="broken",
            spaced=True,
            extra_tags=frozenset({"number_brackets"}),
        ),
        Spec(
            "pingxiang_em",
            5,
            "（赣萍湘）应急罚〔2026〕21号",
            "（赣萍湘）应急罚〔2026〕21号",
            fine=20000,
            fine_style="capitals_only",
            statutory="处十万元以下的罚款",
            table=True,
        ),
        Spec(
            "pingxiang_em",
            6,
            "［赣萍湘］应急罚［2026］22号",
            "（赣萍湘）应急罚〔2026〕22号",
            fine=50000,
            fine_style="wan",
            place="right",
            code="tail_x",
            extra_tags=frozenset({"number_brackets"}),
        ),
        Spec(
            "suining_em",
            7,
            "（川遂船）应急罚〔2026〕执法二中队-9号",
            "（川遂船）应急罚〔2026〕执法二中队-9号",
            fine=15000,
            fine_disagree=13000,
            chinese_date=True,
            extra_tags=frozenset({"number_unit_serial"}),
        ),
        Spec(
            "suining_em",
            7,
            "（川遂船）应急罚〔2026〕执法二中队-10号",
            "（川遂船）应急罚〔2026〕执法二中队-10号",
            fine=None,
            statutory="处二万元以上五万元以下的罚款",
            code="middle_long",
            extra_tags=frozenset({"number_unit_serial"}),
        ),
        Spec(
            "xinxiang_em",
            8,
            "（豫新长）应急罚〔2026〕K-31号",
            "（豫新长）应急罚〔2026〕K-31号",
            fine=25000,
            fine_style="comma",
            statutory="处十万元以下的罚款",
            cited=(_n("(豫新长)应急罚告[2026]K-27号", "（豫新长）应急罚告〔2026〕K-27号"),),
            extra_tags=frozenset({"number_square_letter"}),
        ),
        Spec(
            "xinxiang_em",
            15,
            "长应急罚〔2026〕4号",
            "长应急罚〔2026〕4号",
            fine=8000,
            fine_style="digits_capitals",
            place="label",
            code=None,
        ),
        Spec(
            "lanshan_em",
            11,
            "蓝应急罚〔2026〕18号",
            "蓝应急罚〔2026〕18号",
            fine=10000,
            fine_style="digits",
            table=True,
            code="times",
        ),
        # No number of its own, but the order's number cited in the body: doc_number null.
        Spec(
            "lanshan_em",
            0,
            None,
            None,
            fine=6000,
            fine_style="digits_paren",
            cited=(_n("蓝应急责改〔2026〕5号", "蓝应急责改〔2026〕5号"),),
        ),
        Spec(
            "suining_em",
            7,
            "（川遂船）应急罚〔2026〕14号",
            "（川遂船）应急罚〔2026〕14号",
            place="running",
            fine=9000,
            fine_style="digits_capitals",
            code="tail_star",
        ),
        Spec(
            "xinxiang_em",
            15,
            None,
            None,
            fine=20000,
            fine_style="wan",
            cited=(_n("(豫新长)应急责改[2026]K-22号", "（豫新长）应急责改〔2026〕K-22号"),),
            media="pdf",
        ),
    ]
    media_cycle = ["pdf", "docx"]
    for index, spec in enumerate(em):
        media = spec.media or media_cycle[index % 2]
        if spec.spaced:
            media = "pdf"
        add(
            f"em_decision_{index + 1:02d}", media, penalty_decision(spec), char_space=index % 4 == 3
        )

    # ---- ecology penalty decisions ---------------------------------------------------------
    eco = [
        Spec(
            "yongzhou_eco",
            4,
            "湘1127环罚决字〔2026〕12号",
            "湘1127环罚决字〔2026〕12号",
            fine=40000,
            fine_style="digits_capitals",
            statutory="处二万元以上二十万元以下的罚款",
            extra_tags=frozenset({"number_digits_zi"}),
        ),
        Spec(
            "lanshan_eco",
            1,
            "湘1127环罚决字[2026]13号",
            "湘1127环罚决字〔2026〕13号",
            fine=20000,
            fine_style="wan",
            code="tail_x",
            spaced=True,
            extra_tags=frozenset({"number_digits_zi", "number_brackets"}),
        ),
        Spec(
            "zhaoqing_eco",
            9,
            "肇环高罚字〔2026〕31号",
            "肇环高罚字〔2026〕31号",
            fine=52000,
            fine_style="prose_capitals",
            table=True,
            cited=(_n("肇环高违改字〔2026〕27号", "肇环高违改字〔2026〕27号"),),
        ),
        Spec(
            "huzhou_eco",
            10,
            "湖环罚字〔2026〕0045号",
            "湖环罚字〔2026〕0045号",
            fine=100000,
            fine_style="digits_paren",
            code="middle",
            statutory="处二万元以上二十万元以下的罚款",
        ),
        Spec(
            "huzhou_eco",
            13,
            "湖环罚字〔2026〕0046号",
            "湖环罚字〔2026〕0046号",
            fine=32000,
            fine_disagree=23000,
        ),
        Spec(
            "yongzhou_eco",
            14 % 16,
            "永环罚〔2026〕塔峰-2号",
            "永环罚〔2026〕塔峰-2号",
            fine=21000,
            fine_style="capitals_only",
            code="fullwidth_star",
            extra_tags=frozenset({"number_unit_serial"}),
        ),
    ]
    for index, spec in enumerate(eco):
        media = "pdf" if spec.spaced else spec.media or media_cycle[(index + 1) % 2]
        add(f"eco_decision_{index + 1:02d}", media, penalty_decision(spec))

    # ---- market supervision and fire -------------------------------------------------------
    market = [
        Spec(
            "lanshan_market",
            2,
            "蓝市监处罚〔2026〕15号",
            "蓝市监处罚〔2026〕15号",
            fine=5000,
            fine_style="digits",
            other_amount=1200,
            media="docx",
        ),
        Spec(
            "gaoyao_market",
            14,
            "高市监处罚〔2026〕108号",
            "高市监处罚〔2026〕108号",
            fine=3000,
            fine_style="wan",
            code="tail_star",
            table=True,
        ),
        Spec(
            "lanshan_market",
            12,
            "蓝市监处罚﹝2026﹞16号",
            "蓝市监处罚〔2026〕16号",
            fine=None,
            code="plain",
            extra_tags=frozenset({"number_brackets"}),
        ),
        Spec(
            "gaoyao_market",
            9,
            "高市监处罚〔2026〕112号",
            "高市监处罚〔2026〕112号",
            fine=30000,
            fine_style="digits_capitals",
            other_amount=8600,
            spaced=True,
        ),
        Spec(
            "lanshan_market",
            3,
            "蓝市监处罚〔2026〕19号",
            "蓝市监处罚〔2026〕19号",
            fine=6000,
            fine_disagree=9000,
            code="tail_x",
        ),
    ]
    for index, spec in enumerate(market):
        media = "pdf" if spec.spaced else spec.media or media_cycle[index % 2]
        add(f"market_decision_{index + 1:02d}", media, penalty_decision(spec))
    fire = [
        Spec(
            "lanshan_fire",
            11,
            "蓝消行罚决字〔2026〕0021号",
            "蓝消行罚决字〔2026〕0021号",
            fine=5000,
            fine_style="digits_capitals",
            statutory="处五千元以上五万元以下罚款",
            extra_tags=frozenset({"number_digits_zi"}),
        ),
        Spec(
            "nanxun_fire",
            10,
            "浔消行罚决字[2026]0107号",
            "浔消行罚决字〔2026〕0107号",
            fine=12000,
            fine_style="prose_capitals",
            code="middle",
            table=True,
            extra_tags=frozenset({"number_digits_zi", "number_brackets"}),
        ),
        Spec(
            "nanxun_fire",
            13,
            "浔消行罚决字〔2026〕0110号",
            "浔消行罚决字〔2026〕0110号",
            fine=8000,
            fine_style="wan",
            place="right",
            statutory="处五千元以上五万元以下罚款",
        ),
        Spec(
            "lanshan_fire",
            2,
            "蓝消行罚决字〔2026〕0025号",
            "蓝消行罚决字〔2026〕0025号",
            fine=None,
            statutory="处五千元以上五万元以下罚款",
            code="tail_star",
            spaced=True,
        ),
        Spec(
            "lanshan_fire",
            0,
            "蓝消行罚决字〔2026〕0030号",
            "蓝消行罚决字〔2026〕0030号",
            fine=7000,
            fine_style="digits_paren",
            code=None,
            chinese_date=True,
        ),
    ]
    for index, spec in enumerate(fire):
        media = "pdf" if spec.spaced else spec.media or media_cycle[(index + 1) % 2]
        add(f"fire_decision_{index + 1:02d}", media, penalty_decision(spec))

    # ---- 不予行政处罚 ------------------------------------------------------------------------
    no_penalty = [
        Spec(
            "yongzhou_eco",
            4,
            "永环不罚决〔2026〕塔峰-5号",
            "永环不罚决〔2026〕塔峰-5号",
            extra_tags=frozenset({"number_unit_serial"}),
        ),
        Spec(
            "lanshan_em",
            1,
            "（湘永蓝）应急不罚〔2026〕执法一中队-2号",
            "（湘永蓝）应急不罚〔2026〕执法一中队-2号",
            code="tail_star",
            spaced=True,
            extra_tags=frozenset({"number_unit_serial"}),
        ),
        Spec(
            "pingxiang_em",
            6,
            "(赣萍湘)应急不罚[2026]3号",
            "（赣萍湘）应急不罚〔2026〕3号",
            table=True,
            extra_tags=frozenset({"number_brackets"}),
        ),
        Spec("lanshan_market", 12, "蓝市监不罚〔2026〕2号", "蓝市监不罚〔2026〕2号", code="middle"),
        Spec(
            "nanxun_fire",
            13,
            "浔消不罚决字〔2026〕0003号",
            "浔消不罚决字〔2026〕0003号",
            chinese_date=True,
            extra_tags=frozenset({"number_digits_zi"}),
        ),
    ]
    for index, spec in enumerate(no_penalty):
        media = "pdf" if spec.spaced else spec.media or media_cycle[index % 2]
        add(f"no_penalty_{index + 1:02d}", media, no_penalty_decision(spec))

    # ---- 行政处罚告知书 ------------------------------------------------------------------------
    notices = [
        Spec(
            "lanshan_em",
            0,
            "（湘永蓝）应急罚告〔2026〕执法一中队-2号",
            "（湘永蓝）应急罚告〔2026〕执法一中队-2号",
            fine=19000,
            fine_style="digits_paren",
            cited=(
                _n(
                    "（湘永蓝）应急责改〔2026〕执法一中队-1号",
                    "（湘永蓝）应急责改〔2026〕执法一中队-1号",
                ),
            ),
            extra_tags=frozenset({"number_unit_serial"}),
        ),
        Spec(
            "xinxiang_em",
            8,
            "(豫新长)应急罚告[2026]K-27号",
            "（豫新长）应急罚告〔2026〕K-27号",
            fine=25000,
            fine_style="wan",
            code=None,
            cited=(_n("（豫新长）应急责改〔2026〕K-20号", "（豫新长）应急责改〔2026〕K-20号"),),
            extra_tags=frozenset({"number_square_letter", "number_brackets"}),
        ),
        Spec(
            "suining_em",
            7,
            "（川遂船）应急罚告〔2026〕8号",
            "（川遂船）应急罚告〔2026〕8号",
            fine=10000,
            fine_style="prose_capitals",
            code="tail_x",
            spaced=True,
        ),
        Spec(
            "pingxiang_em",
            5,
            "（赣萍湘）应急罚告〔2026〕19号",
            "（赣萍湘）应急罚告〔2026〕19号",
            fine=20000,
            fine_style="digits_capitals",
            code=None,
        ),
    ]
    for index, spec in enumerate(notices):
        media = "pdf" if spec.spaced else spec.media or media_cycle[(index + 1) % 2]
        add(f"notice_{index + 1:02d}", media, penalty_notice(spec))

    # ---- 责令改正违法行为决定书 (ecology) ----------------------------------------------------------
    corrections = [
        Spec(
            "yongzhou_eco",
            4,
            "永环责改〔2026〕4号",
            "永环责改〔2026〕4号",
            place="in_title",
            deadline=(2026, 4, 7),
        ),
        Spec(
            "lanshan_eco",
            12,
            "永环责改〔2026〕蓝山-6号",
            "永环责改〔2026〕蓝山-6号",
            place="in_title",
            deadline=(2026, 5, 20),
            code="middle",
            extra_tags=frozenset({"number_unit_serial"}),
        ),
        Spec(
            "zhaoqing_eco",
            14,
            "肇环高违改字〔2026〕27号",
            "肇环高违改字〔2026〕27号",
            deadline=(2026, 4, 30),
            deadline_style="labelled",
            table=True,
            extra_tags=frozenset({"number_digits_zi"}),
        ),
        Spec(
            "huzhou_eco",
            10,
            "湖环改字[2026]18号",
            "湖环改字〔2026〕18号",
            deadline=None,
            code="tail_star",
            extra_tags=frozenset({"number_brackets"}),
        ),
        Spec(
            "yongzhou_eco",
            1,
            "永环责改〔2026〕9号",
            "永环责改〔2026〕9号",
            place="in_title",
            deadline=(2026, 6, 1),
            deadline_style="labelled",
            chinese_date=True,
        ),
        Spec(
            "huzhou_eco",
            13,
            "湖环改字〔2026〕21号",
            "湖环改字〔2026〕21号",
            deadline=(2026, 3, 31),
            spaced=True,
        ),
        Spec("zhaoqing_eco", 9, None, None, deadline=(2026, 4, 15), code="tail_x"),
    ]
    for index, spec in enumerate(corrections):
        media = "pdf" if spec.spaced else spec.media or media_cycle[index % 2]
        add(f"eco_correction_{index + 1:02d}", media, correction_decision(spec))

    # ---- 责令限期整改指令书 (emergency) -------------------------------------------------------------
    orders = [
        Spec(
            "lanshan_em",
            0,
            "（湘永蓝）应急责改〔2026〕执法一中队-1号",
            "（湘永蓝）应急责改〔2026〕执法一中队-1号",
            deadline=(2026, 4, 7),
            deadline_style="labelled",
            cited=(
                _n(
                    "（湘永蓝）应急检记〔2026〕执法一中队-1号",
                    "（湘永蓝）应急检记〔2026〕执法一中队-1号",
                ),
            ),
            extra_tags=frozenset({"number_unit_serial"}),
        ),
        Spec(
            "lanshan_em",
            3,
            "(湘永蓝)应急责改[2026]k-4号",
            "（湘永蓝）应急责改〔2026〕k-4号",
            deadline=(2026, 2, 28),
            code="tail_star",
            extra_tags=frozenset({"number_square_letter", "number_brackets"}),
        ),
        Spec(
            "pingxiang_em",
            6,
            "（赣萍湘）应急责改〔2026〕11号",
            "（赣萍湘）应急责改〔2026〕11号",
            deadline=(2026, 3, 15),
            deadline_style="labelled",
            table=True,
        ),
        Spec(
            "suining_em",
            7,
            "（川遂船）应急责改〔2026〕执法二中队-4号",
            "（川遂船）应急责改〔2026〕执法二中队-4号",
            deadline=None,
            code="middle",
            extra_tags=frozenset({"number_unit_serial"}),
        ),
        Spec(
            "xinxiang_em",
            15,
            "（豫新长）应急责改〔2026〕K-20号",
            "（豫新长）应急责改〔2026〕K-20号",
            deadline=(2026, 1, 31),
            spaced=True,
            deadline_style="labelled",
            chinese_date=True,
            cited=(_n("（豫新长）应急检记〔2026〕K-18号", "（豫新长）应急检记〔2026〕K-18号"),),
            extra_tags=frozenset({"number_square_letter"}),
        ),
        Spec(
            "lanshan_em",
            11,
            "蓝应急责改【2026】7号",
            "蓝应急责改〔2026〕7号",
            place="right",
            deadline=(2026, 3, 10),
            code=None,
            extra_tags=frozenset({"number_brackets"}),
        ),
        Spec(
            "lanshan_em",
            2,
            None,
            None,
            deadline=(2026, 2, 20),
            deadline_style="labelled",
            cited=(_n("蓝应急检记〔2026〕9号", "蓝应急检记〔2026〕9号"),),
        ),
        Spec(
            "pingxiang_em",
            5,
            "（赣萍湘）应急责改〔2026〕12号",
            "（赣萍湘）应急责改〔2026〕12号",
            deadline=(2026, 12, 31),
            code="times",
            media="docx",
        ),
    ]
    for index, spec in enumerate(orders):
        media = "pdf" if spec.spaced else spec.media or media_cycle[(index + 1) % 2]
        add(f"em_order_{index + 1:02d}", media, rectification_order(spec))

    # ---- publicity, one enterprise --------------------------------------------------------
    singles = [
        (
            Spec(
                "lanshan_em",
                0,
                "（湘永蓝）应急罚〔2026〕89号",
                "（湘永蓝）应急罚〔2026〕89号",
                fine=13000,
                fine_style="prose_capitals",
                code="middle",
                extra_tags=frozenset({"across"}),
            ),
            "prose",
            "pdf",
        ),
        (
            Spec(
                "lanshan_em",
                1,
                "（湘永蓝）应急罚〔2026〕90号",
                "（湘永蓝）应急罚〔2026〕90号",
                fine=3000,
                fine_style="wan",
                code="tail_star",
            ),
            "fields",
            "docx",
        ),
        (
            Spec(
                "yongzhou_eco",
                4,
                "湘1127环罚决字〔2026〕12号",
                "湘1127环罚决字〔2026〕12号",
                fine=40000,
                fine_style="digits_paren",
                extra_tags=frozenset({"number_digits_zi"}),
            ),
            "prose",
            "docx",
        ),
        (
            Spec(
                "gaoyao_market",
                14,
                "高市监处罚〔2026〕108号",
                "高市监处罚〔2026〕108号",
                fine=3000,
                fine_style="wan",
            ),
            "fields",
            "pdf",
        ),
        (
            Spec(
                "nanxun_fire",
                10,
                None,
                None,
                fine=12000,
                fine_style="prose_capitals",
                code="tail_x",
            ),
            "prose",
            "pdf",
        ),
        (
            Spec(
                "xinxiang_em",
                8,
                "(豫新长)应急罚[2026]K-31号",
                "（豫新长）应急罚〔2026〕K-31号",
                fine=25000,
                fine_style="digits_capitals",
                code=None,
                extra_tags=frozenset({"number_square_letter", "number_brackets"}),
            ),
            "prose",
            "docx",
        ),
        (
            Spec(
                "pingxiang_em",
                6,
                "（赣萍湘）应急罚〔2026〕22号",
                "（赣萍湘）应急罚〔2026〕22号",
                fine=50000,
                fine_style="wan",
                code="broken",
            ),
            "prose",
            "docx",
        ),
        (
            Spec(
                "huzhou_eco",
                13,
                "湖环罚字〔2026〕0046号",
                "湖环罚字〔2026〕0046号",
                fine=32000,
                fine_disagree=23000,
                code="middle",
            ),
            "fields",
            "docx",
        ),
        (
            Spec(
                "lanshan_market", 12, "蓝市监处罚〔2026〕20号", "蓝市监处罚〔2026〕20号", fine=None
            ),
            "fields",
            "pdf",
        ),
    ]
    for index, (spec, style, media) in enumerate(singles):
        add(f"publicity_{index + 1:02d}", media, publicity_single(spec, style=style))

    # ---- publicity lists -------------------------------------------------------------------
    lists = [
        (
            [
                Entry(
                    0,
                    "tail_star",
                    "（湘永蓝）应急罚〔2026〕89号",
                    "（湘永蓝）应急罚〔2026〕89号",
                    13000,
                ),
                Entry(
                    1, "plain", "(湘永蓝)应急罚[2026]k-7号", "（湘永蓝）应急罚〔2026〕k-7号", 3000
                ),
                Entry(
                    2,
                    "middle",
                    "（湘永蓝）应急罚〔2026〕执法一中队-3号",
                    "（湘永蓝）应急罚〔2026〕执法一中队-3号",
                    19000,
                    "digits",
                ),
                Entry(11, None, None, None, None),
            ],
            "table",
            "docx",
        ),
        (
            [
                Entry(3, "tail_x", "蓝应急罚〔2026〕18号", "蓝应急罚〔2026〕18号", 10000, "digits"),
                Entry(
                    12,
                    "plain",
                    "蓝市监处罚〔2026〕16号",
                    "蓝市监处罚〔2026〕16号",
                    5000,
                    "capitals_only",
                    bureau="lanshan_market",
                ),
                Entry(
                    0,
                    "middle",
                    "蓝消行罚决字〔2026〕0021号",
                    "蓝消行罚决字〔2026〕0021号",
                    5000,
                    bureau="lanshan_fire",
                ),
            ],
            "table",
            "pdf",
        ),
        (
            [
                Entry(
                    5,
                    "tail_star",
                    "（赣萍湘）应急罚〔2026〕21号",
                    "（赣萍湘）应急罚〔2026〕21号",
                    20000,
                    "digits_paren",
                    bureau="pingxiang_em",
                ),
                Entry(
                    6,
                    "tail_star",
                    "［赣萍湘］应急罚［2026］22号",
                    "（赣萍湘）应急罚〔2026〕22号",
                    50000,
                    bureau="pingxiang_em",
                ),
                Entry(7, "plain", None, None, 15000, "digits", bureau="suining_em"),
            ],
            "prose",
            "pdf",
        ),
        (
            [
                Entry(
                    9,
                    "middle",
                    "肇环高罚字〔2026〕31号",
                    "肇环高罚字〔2026〕31号",
                    52000,
                    "digits",
                    bureau="zhaoqing_eco",
                ),
                Entry(
                    14,
                    "plain",
                    "高市监处罚〔2026〕108号",
                    "高市监处罚〔2026〕108号",
                    3000,
                    bureau="gaoyao_market",
                ),
                Entry(
                    10,
                    "tail_x",
                    "浔消行罚决字〔2026〕0107号",
                    "浔消行罚决字〔2026〕0107号",
                    None,
                    bureau="nanxun_fire",
                ),
                Entry(
                    13,
                    None,
                    "湖环罚字〔2026〕0045号",
                    "湖环罚字〔2026〕0045号",
                    100000,
                    "digits_capitals",
                    bureau="huzhou_eco",
                ),
            ],
            "prose",
            "docx",
        ),
        (
            [
                Entry(
                    8,
                    "plain",
                    "（豫新长）应急罚〔2026〕K-31号",
                    "（豫新长）应急罚〔2026〕K-31号",
                    25000,
                    bureau="xinxiang_em",
                ),
                Entry(
                    15,
                    "tail_star",
                    "长应急罚〔2026〕4号",
                    "长应急罚〔2026〕4号",
                    8000,
                    "digits",
                    bureau="xinxiang_em",
                ),
            ],
            "table",
            "docx",
        ),
    ]
    for index, (entries, style, media) in enumerate(lists):
        add(
            f"publicity_list_{index + 1:02d}",
            media,
            publicity_list(entries, style=style, title_bureau=entries[0].bureau),
        )

    # ---- commitment letters ---------------------------------------------------------------
    letters = [
        Letter(0, "安全生产承诺书", "letter_title_plain"),
        Letter(
            1, "安全生产承诺书", "letter_title_plain", signer=None, date=None, blank="underscores"
        ),
        Letter(2, "安全生产责任承诺书", "letter_title_duty", table=True),
        Letter(3, "安全生产责任承诺书", "letter_title_duty", signer=None, date=None, table=True),
        Letter(4, "2026年度安全生产承诺书", "letter_title_year", code=None),
        Letter(5, "二〇二六年度安全生产承诺书", "letter_title_year", date=None),
        Letter(6, "安全生产承诺书（单位）", "letter_title_unit", date="2026年2月3日"),
        Letter(
            7,
            "安全生产承诺书",
            "letter_title_unit",
            subtitle="（单位）",
            signer=None,
            date=None,
            blank="spaces",
        ),
        Letter(
            8,
            "安全生产双向承诺书",
            "letter_title_two_way",
            level="post",
            two_way=True,
            signer="王某",
        ),
        Letter(
            9,
            "安全生产双向承诺书",
            "letter_title_two_way",
            level="team",
            two_way=True,
            signer=None,
            date=None,
            table=True,
        ),
        Letter(10, "车间安全生产承诺书", "letter_title_plain", level="workshop", signer="陈某"),
        Letter(
            11,
            "岗位安全生产承诺书",
            "letter_title_plain",
            level="post",
            signer=None,
            date=None,
            blank="underscores",
            code=None,
        ),
        Letter(
            12, "2026年度安全生产责任承诺书", "letter_title_year", table=True, date="2026年1月6日"
        ),
        Letter(
            13, "班组安全生产承诺书", "letter_title_plain", level="team", signer="吴某某", date=None
        ),
        Letter(14, "安全生产承诺书（2026年度）", "letter_title_year", code=None, signer="梁某某"),
        Letter(15, "企业安全生产承诺书", "letter_title_plain", signer=None, date=None),
    ]
    # signed, unsigned and each title in both media
    letter_media = "d p d p p d p d p d d p d p d d"
    for index, (letter, medium) in enumerate(zip(letters, letter_media.split(), strict=True)):
        media = {"d": "docx", "p": "pdf"}[medium]
        add(f"letter_{index + 1:02d}", media, commitment_letter(letter), char_space=False)
    return cases


CASES: list[Case] = _cases()


# --------------------------------------------------------------------------------------------
# Files and the table


def write_corpus(folder: Path, cases: Iterable[Case] = CASES) -> dict[str, Path]:
    """Every case's file in ``folder``: case id → path."""
    folder.mkdir(parents=True, exist_ok=True)
    return {case.case_id: case.build(folder / case.filename) for case in cases}


def table_rows(cases: Iterable[Case] = CASES) -> list[dict[str, str]]:
    """The expected table as CSV rows (strings; empty = expected absent)."""
    rows = []
    for case in cases:
        for row in case.rows:
            rows.append(
                {
                    "case_id": case.case_id,
                    "entry": "" if row.entry is None else str(row.entry),
                    "media": case.media,
                    "kind": row.kind,
                    "code": row.code or "",
                    "code_status": row.code_status,
                    "doc_number": row.doc_number or "",
                    "fine_yuan": "" if row.fine_yuan is None else str(row.fine_yuan),
                    "rectification_deadline": row.rectification_deadline or "",
                    "signed": "" if row.signed is None else str(row.signed).lower(),
                    "authority": row.authority or "",
                    "references": ";".join(row.references),
                    "level": row.level or "",
                    "year": "" if row.year is None else str(row.year),
                    "tags": " ".join(sorted(case.tags)),
                }
            )
    return rows


def write_table(path: Path = TABLE_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        out.writeheader()
        out.writerows(table_rows())
    return path


def read_table(path: Path = TABLE_PATH) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


if __name__ == "__main__":  # python -m tests.realworld_corpus [folder]
    print(write_table())
    if len(sys.argv) > 1:
        for path in write_corpus(Path(sys.argv[1])).values():
            print(path)
