"""Enforcement documents for the parser tests, written by the tests themselves.

Writers: :func:`write_pdf` (reportlab, the built-in CID font ``STSong-Light``, which needs no
font file) and :func:`write_docx` (python-docx), both from a list of *blocks*: a string is a
paragraph (wrapped to the page width in a PDF; ``\\n`` forces a break), a list of rows is a
table.  Builders (:func:`penalty_document`, :func:`inspection_record`, …) lay out realistic
1–2 page documents from a dict of fields, with the variants real documents show.

:data:`CASES` is the folder of cases: each has a builder and the expected result
(``kind``, every field, the enterprises) as :func:`write_case` writes it to
``<case>.expected.json`` beside ``<case>.pdf|docx``.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parsers.normalise import normalise_text
from tests.helpers import make_code

Block = str | list[list[str]]

FONT = "STSong-Light"
PAGE_WIDTH, PAGE_HEIGHT = 595.27, 841.89  # A4 in points
MARGIN = 72
LINE_CHARS = 32  # characters of a wrapped PDF line


def fullwidth(text: str) -> str:
    """ASCII letters, digits and punctuation as their full-width forms (Ｏ９：…)."""
    return "".join(
        chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else ("\u3000" if char == " " else char)
        for char in text
    )


def spaced(text: str) -> str:
    """``统一社会信用代码`` → ``统 一 社 会 信 用 代 码`` (letter-spaced layout)."""
    return " ".join(text)


def doubled(text: str) -> str:
    """Fake bold as pdfplumber returns it: every character twice."""
    return "".join(char * 2 for char in text)


# --------------------------------------------------------------------------------------------
# Writers


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _wrap(paragraph: str, width: int) -> list[str]:
    lines = []
    for part in paragraph.split("\n"):
        if not part:
            lines.append("")
        while part:
            lines.append(part[:width])
            part = part[width:]
    return lines


def write_pdf(
    path: Path,
    blocks: list[Block],
    *,
    title: str | None = None,
    bold_title: str = "",
    encrypt: Any = None,
    line_chars: int = LINE_CHARS,
) -> Path:
    """A PDF of ``blocks`` under a centred ``title``.

    ``bold_title="overdraw"`` draws the title twice, 0.4 pt apart (how fake bold is made);
    ``"doubled"`` writes each character twice (what pdfplumber returns for it).
    ``encrypt`` is reportlab's: a user password string or a ``StandardEncryption``.
    """
    from reportlab.pdfgen import canvas

    _register_font()
    pdf = canvas.Canvas(str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), encrypt=encrypt)
    pdf.setTitle(title or "")
    y = PAGE_HEIGHT - MARGIN

    def new_page() -> None:
        nonlocal y
        pdf.showPage()
        y = PAGE_HEIGHT - MARGIN

    if title:
        shown = doubled(title) if bold_title == "doubled" else title
        pdf.setFont(FONT, 20)
        pdf.drawCentredString(PAGE_WIDTH / 2, y, shown)
        if bold_title == "overdraw":
            pdf.drawCentredString(PAGE_WIDTH / 2 + 0.4, y, shown)
        y -= 36
    for block in blocks:
        if isinstance(block, list):
            rows = [" ".join(cell for cell in row if cell) for row in block]
            lines = [line for row in rows for line in _wrap(row, line_chars + 8)]
        else:
            lines = _wrap(block, line_chars)
        for line in lines:
            if y < MARGIN:
                new_page()
            pdf.setFont(FONT, 12)
            pdf.drawString(MARGIN, y, line)
            y -= 20
    pdf.showPage()
    pdf.save()
    return path


def write_docx(
    path: Path, blocks: list[Block], *, title: str | None = None, properties: dict | None = None
) -> Path:
    """A .docx of ``blocks`` (paragraphs and tables) under ``title``."""
    import docx

    document = docx.Document()
    if title:
        document.add_paragraph(title)
    for block in blocks:
        if isinstance(block, list):
            columns = max(len(row) for row in block)
            table = document.add_table(rows=len(block), cols=columns)
            for row_index, row in enumerate(block):
                for column, text in enumerate(row):
                    table.cell(row_index, column).text = text
                if len(row) < columns:  # a last cell spanning the rest of the row
                    merged = table.cell(row_index, len(row) - 1).merge(
                        table.cell(row_index, columns - 1)
                    )
                    merged.text = row[-1]
        else:
            for line in block.split("\n"):
                document.add_paragraph(line)
    for name, value in (properties or {}).items():
        setattr(document.core_properties, name, value)
    document.save(str(path))
    return path


# --------------------------------------------------------------------------------------------
# Hostile files


def write_pdf_without_tounicode(path: Path, glyphs: int = 60) -> Path:
    """A PDF whose only text uses a Type 3 font with made-up glyph names and no ToUnicode
    map: what a scanned-and-vectorised or oddly exported document looks like to extractors.
    pypdfium2 returns control characters for it, pdfminer ``(cid:N)``."""
    names = b" ".join(b"/g%d" % code for code in range(1, 21))
    procs = b" ".join(b"/g%d 6 0 R" % code for code in range(1, 21))
    text = b"".join(b"\\%03o" % (1 + index % 20) for index in range(glyphs))
    content = b"BT /F1 12 Tf 72 700 Td (" + text + b") Tj ET"
    glyph = b"0 0 0 0 10 10 d1 0 0 10 10 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 10 10] /FontMatrix [0.1 0 0 0.1 0 0] "
        b"/CharProcs << "
        + procs
        + b" >> /Encoding << /Type /Encoding /Differences [1 "
        + names
        + b"] >> /FirstChar 1 /LastChar 20 /Widths ["
        + b" ".join([b"10"] * 20)
        + b"] >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(glyph) + glyph + b"\nendstream",
    ]
    path.write_bytes(raw_pdf(objects))
    return path


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF of numbered objects (1 is the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def write_zip_bomb_docx(path: Path, *, megabytes: int = 120) -> Path:
    """A valid .docx plus a member of ``megabytes`` MB of zeros (packs to ~0.1 MB)."""
    write_docx(path, ["正文"])
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/padding.bin", "w", force_zip64=True) as handle,
    ):
        for _index in range(megabytes):
            handle.write(chunk)
    return path


def _replace_document_xml(path: Path, transform: Callable[[str], str]) -> Path:
    source = path.with_suffix(".src.docx")
    path.rename(source)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for member in old.infolist():
            data = old.read(member.filename)
            if member.filename == "word/document.xml":
                data = transform(data.decode("utf-8")).encode("utf-8")
            new.writestr(member.filename, data)
    source.unlink()
    return path


def write_billion_laughs_docx(path: Path) -> Path:
    """A .docx whose document.xml declares nested entities (10⁹ ``lol``)."""
    write_docx(path, ["MARKER"])
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)
    )

    def transform(xml: str) -> str:
        declaration, body = xml.split("?>", 1)
        return f"{declaration}?><!DOCTYPE w:document [{entities}]>" + body.replace(
            "MARKER", "&lol9;"
        )

    return _replace_document_xml(path, transform)


def write_external_entity_docx(path: Path, target: Path) -> Path:
    """A .docx whose text is an external entity pointing at ``target`` (XXE)."""
    write_docx(path, ["MARKER"])

    def transform(xml: str) -> str:
        declaration, body = xml.split("?>", 1)
        doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{target}">]>'
        return f"{declaration}?>{doctype}" + body.replace("MARKER", "&xxe;")

    return _replace_document_xml(path, transform)


# --------------------------------------------------------------------------------------------
# Enforcement documents

BUREAU = "醴陵市应急管理局"
# Kinds whose parsers read the issuing authority (parsers.authority).
AUTHORITY_KINDS = (
    "penalty_notice",
    "penalty_decision",
    "no_penalty_decision",
    "rectification_order",
)
LAW = "《中华人民共和国安全生产法》"


def _unit_block(
    fields: dict[str, Any], *, unit_label: str, style: str = "plain", media: str = "pdf"
) -> list[Block]:
    """The party's particulars: 当事人/被检查单位, code, address, legal representative.

    ``style``: ``plain`` (``label：value`` lines), ``spaced`` (letter-spaced labels),
    ``table`` (label/value cells), ``broken_code`` (the code broken across two lines).
    """
    unit, code = fields["unit"], fields.get("code")
    address, representative = fields.get("address"), fields.get("legal_representative")
    if style == "table":
        rows = [[unit_label, unit]]
        if code:
            rows.append(["统一社会信用代码", code])
        if address:
            rows.append(["地址", address])
        if representative:
            rows.append(["法定代表人（负责人）", representative, "职务", "总经理"])
        return [rows]
    label = spaced if style == "spaced" else (lambda text: text)
    lines = [f"{label(unit_label)}：{unit}"]
    if code and style == "broken_code":
        lines.append(f"{label('统一社会信用代码')}：{code[:12]}")
        lines.append(code[12:])
    elif code:
        lines.append(f"{label('统一社会信用代码')}：{code}")
    if address:
        lines.append(f"{label('地址')}：{address}")
    if representative:
        lines.append(f"{label('法定代表人')}（负责人）：{representative}    职务：总经理")
    lines.append("联系电话：0731-23456789")
    return lines


def penalty_document(fields: dict[str, Any], *, kind: str = "decision", **options: Any) -> dict:
    """A 行政处罚决定书 / 告知书 / 不予行政处罚决定书 as ``{"title", "blocks"}``.

    options: ``style`` (see :func:`_unit_block`), ``labelled`` (sections under labels),
    ``quoted_number`` (the notice's number quoted in the body), ``statutory_range`` (the
    law's fine range beside the decided fine), ``fine_text`` (how the fine is written),
    ``date_text`` (the 落款 date as printed), ``second_party`` (a second 当事人 block).
    """
    title = {
        "decision": "行政处罚决定书",
        "notice": "行政处罚告知书",
        "no_penalty": "不予行政处罚决定书",
    }[kind]
    blocks: list[Block] = [fields["doc_number_printed"], ""]
    unit_label = options.get("unit_label", "当事人")
    if options.get("addressee"):
        blocks.append(f"{fields['unit']}：")
    else:
        blocks += _unit_block(fields, unit_label=unit_label, style=options.get("style", "plain"))
    if options.get("second_party"):
        blocks.append("")
        blocks += _unit_block(options["second_party"], unit_label=unit_label)
    blocks.append("")
    facts = fields["facts"]
    evidence = "以上事实有现场检查记录、询问笔录、现场照片等证据为证。"
    violated = f"{LAW}{fields['provisions_violated_article']}"
    basis = f"{LAW}{fields['legal_basis_article']}"
    law_range = "处一万元以上三万元以下的罚款" if options.get("statutory_range") else ""
    fine_text = options.get("fine_text", "罚款人民币贰万元整（¥20,000）")
    if options.get("quoted_number"):
        blocks.append(
            f"本机关于2023年5月20日向你单位送达了{options['quoted_number']}"
            "《行政处罚告知书》，你单位在法定期限内未提出陈述、申辩。"
        )
    if options.get("labelled"):
        blocks.append(f"违法事实及证据：经查，{facts}。{evidence}")
        blocks.append(f"违反的规定：{violated}")
        blocks.append(f"处罚依据：{basis}" + (f"，该条规定{law_range}" if law_range else ""))
        if kind == "no_penalty":
            blocks.append("处罚内容：不予行政处罚。")
        else:
            blocks.append(f"处罚内容：{fine_text}。")
    else:
        sentence = f"经查，{facts}。{evidence}你单位的上述行为违反了{violated}的规定，"
        if kind == "no_penalty":
            sentence += (
                f"依据{basis}的规定，鉴于你单位违法行为轻微并及时改正，没有造成危害后果，"
                f"本机关决定不予行政处罚。"
            )
        elif kind == "notice":
            sentence += f"依据{basis}的规定，本机关拟对你单位作出如下行政处罚：{fine_text}。"
        else:
            if law_range:
                sentence += f"依据{basis}关于“{law_range}”的规定，"
            else:
                sentence += f"依据{basis}的规定，"
            sentence += f"本机关决定对你单位作出如下行政处罚：{fine_text}。"
        blocks.append(sentence)
    if kind == "notice":
        blocks.append("你单位可在收到本告知书之日起五日内向本机关进行陈述和申辩。")
    else:
        blocks.append(
            "如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，"
            "或者在六个月内依法向人民法院提起行政诉讼。"
        )
    blocks += ["", BUREAU, options.get("date_text", "2023年6月1日"), ""]
    blocks += ["送达回执", "当事人签收：          2023年6月2日"]
    return {"title": title, "blocks": blocks}


def inspection_record(fields: dict[str, Any], **options: Any) -> dict:
    """A 现场检查记录: particulars, place and time, numbered findings, signatures."""
    blocks: list[Block] = [fields["doc_number_printed"], ""]
    blocks += _unit_block(fields, unit_label="被检查单位", style=options.get("style", "plain"))
    blocks.append(f"检查场所：{fields['inspection_place']}")
    blocks.append(f"检查时间：{fields['inspection_time_printed']}")
    findings = fields["findings"]
    if options.get("numbered", True):
        blocks.append("检查情况：")
        blocks += [f"{index}.{item}；" for index, item in enumerate(findings, start=1)]
    else:
        blocks.append("检查情况：" + "".join(findings))
    blocks += ["", "检查人员（签名）：李四、王五    执法证号：43020001、43020002"]
    blocks += ["被检查单位负责人（签名）：          2026年11月3日"]
    return {"title": "现场检查记录", "blocks": blocks}


def rectification_order(fields: dict[str, Any], **options: Any) -> dict:
    """A 责令限期整改指令书: addressee (or labelled unit), numbered problems, deadline."""
    blocks: list[Block] = [fields["doc_number_printed"], ""]
    if options.get("labelled_unit"):
        blocks += _unit_block(fields, unit_label="被检查单位", style=options.get("style", "plain"))
    else:
        blocks.append(f"{fields['unit']}：")
        if fields.get("code"):
            blocks.append(f"统一社会信用代码：{fields['code']}")
    if options.get("problem_label"):
        blocks.append("存在问题：")
        blocks += [f"{'①②③④'[index]}{item}；" for index, item in enumerate(fields["problems"])]
        blocks.append(f"整改期限：{fields['deadline_printed']}")
    else:
        blocks.append("经查，你单位存在下列问题：")
        blocks += [f"{index}.{item}；" for index, item in enumerate(fields["problems"], start=1)]
        blocks.append(fields["deadline_sentence"])
    blocks.append("整改期间，你单位应当采取措施，确保安全。如不服本指令，可依法申请行政复议。")
    blocks += ["", BUREAU, options.get("date_text", "2026年11月3日")]
    return {"title": "责令限期整改指令书", "blocks": blocks}


def reinspection_opinion(fields: dict[str, Any], **options: Any) -> dict:
    """A 整改复查意见书: the order it follows up, the opinion, the 落款 date."""
    blocks: list[Block] = [fields["doc_number_printed"], ""]
    blocks.append(f"{fields['unit']}：")
    if fields.get("code"):
        blocks.append(f"统一社会信用代码：{fields['code']}")
    if fields.get("order_printed"):
        blocks.append(
            f"本机关于2026年11月3日作出了{fields['order_printed']}《责令限期整改指令书》，"
            "经对你单位整改情况进行复查，提出如下意见："
        )
    else:
        blocks.append("经对你单位整改情况进行复查，提出如下意见：")
    blocks.append(f"复查意见：{fields['opinion']}")
    blocks += ["", BUREAU, options.get("date_text", "2026年12月1日")]
    return {"title": "整改复查意见书", "blocks": blocks}


# --------------------------------------------------------------------------------------------
# The folder of cases

CODE_A = make_code(1)  # 9143112700000001…
CODE_B = make_code(20230125)
CODE_C = make_code(777)
MASKED_B = CODE_B[:14] + "xxxx"
O_FOR_ZERO = CODE_A.replace("0", "O", 1)

FACTS = "你单位于2023年4月12日在未对作业人员进行安全生产教育和培训的情况下安排其上岗作业"
PARTY = {
    "unit": "醴陵市某某陶瓷有限公司",
    "code": CODE_A,
    "address": "醴陵市陶瓷工业园8号",
    "legal_representative": "黄某某",
}


FREE_TEXT = (
    "facts",
    "provisions_violated",
    "legal_basis",
    "address",
    "inspection_place",
    "legal_representative",
)


@dataclass
class Case:
    name: str
    media: str  # pdf, docx
    build: Callable[[Path], Path]
    kind: str
    fields: dict[str, Any]
    enterprises: list[list[Any]] = field(default_factory=list)  # [name, code, status]
    warnings: int = 0  # number of warnings expected

    def expected(self) -> dict[str, Any]:
        # Free text comes out normalised (，→ , ...); numbers and dates in one spelling.
        normalised = {
            name: normalise_text(value) if name in FREE_TEXT else value
            for name, value in self.fields.items()
        }
        return {
            "kind": self.kind,
            "fields": normalised,
            "enterprises": self.enterprises,
            "warnings": self.warnings,
        }


def _writer(media: str, document: dict, **kwargs: Any) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        if media == "pdf":
            return write_pdf(path, document["blocks"], title=document["title"], **kwargs)
        title = doubled(document["title"]) if kwargs.get("bold_title") == "doubled" else None
        return write_docx(path, document["blocks"], title=title or document["title"])

    return build


def _penalty(kind: str = "decision", party: dict | None = None, **options: Any) -> dict:
    fields = {
        **(party or PARTY),
        "doc_number_printed": options.pop("number", "（湘株醴）应急罚〔2023〕125号"),
        "facts": FACTS,
        "provisions_violated_article": "第二十八条第一款",
        "legal_basis_article": "第九十七条第三项",
    }
    return penalty_document(fields, kind=kind, **options)


VIOLATED = f"{LAW}第二十八条第一款"
BASIS = f"{LAW}第九十七条第三项"
FINDINGS = [
    "配电箱未设置安全警示标志",
    "二号车间安全出口被杂物堵塞，疏散通道宽度不足一点四米，不符合设计要求",
    "部分灭火器压力不足",
]
PROBLEMS = ["未建立事故隐患排查治理制度", "特种作业人员未持证上岗", "仓库内物品堆放超高"]

CASES: list[Case] = [
    Case(
        "decision_prose",
        "pdf",
        _writer(
            "pdf",
            _penalty(quoted_number="（湘株醴）应急罚告〔2023〕118号"),
        ),
        "penalty_decision",
        {
            "doc_number": "（湘株醴）应急罚〔2023〕125号",
            "doc_number_raw": "（湘株醴）应急罚〔2023〕125号",
            "references": ["（湘株醴）应急罚告〔2023〕118号"],
            "legal_representative": "黄某某",
            "facts": FACTS,
            "provisions_violated": VIOLATED,
            "legal_basis": BASIS,
            "fine_yuan": 20000,
            "document_date": "2023-06-01",
        },
        [[PARTY["unit"], CODE_A, "valid"]],
    ),
    Case(
        "decision_labelled_table",
        "docx",
        _writer(
            "docx",
            _penalty(
                style="table",
                labelled=True,
                unit_label="被处罚单位",
                number="﹝湘株醴﹞应急罚﹝2023﹞7号",
                fine_text="罚款人民币壹拾伍万叁仟元整",
                date_text="二〇二三年十一月三十日",
            ),
        ),
        "penalty_decision",
        {
            "doc_number": "（湘株醴）应急罚〔2023〕7号",
            "doc_number_raw": "﹝湘株醴﹞应急罚﹝2023﹞7号",
            "legal_representative": "黄某某",
            "facts": FACTS,
            "provisions_violated": VIOLATED,
            "legal_basis": BASIS,
            "fine_yuan": 153000,
            "document_date": "2023-11-30",
        },
        [[PARTY["unit"], CODE_A, "valid"]],
    ),
    Case(
        "decision_fullwidth_spaced",
        "pdf",
        lambda path: write_pdf(
            path,
            [
                fullwidth(block) if isinstance(block, str) else block
                for block in _penalty(
                    style="broken_code",
                    number="(湘株醴)应急罚[2023]125号",
                    statutory_range=True,
                    fine_text="罚款2万元",
                )["blocks"]
            ],
            title="行政处罚决定书",
            bold_title="doubled",
        ),
        "penalty_decision",
        {
            "doc_number": "（湘株醴）应急罚〔2023〕125号",
            "doc_number_raw": "（湘株醴）应急罚［２０２３］１２５号",
            "legal_representative": "黄某某",
            "facts": FACTS,
            "provisions_violated": VIOLATED,
            "legal_basis": BASIS,
            "fine_yuan": 20000,
            "document_date": "2023-06-01",
        },
        [[PARTY["unit"], CODE_A, "valid"]],
    ),
    Case(
        "decision_spaced_labels",
        "pdf",
        _writer(
            "pdf",
            _penalty(
                style="spaced",
                statutory_range=True,
                fine_text="罚款人民币叁万元整（¥30,000.00）",
                number="（湘株醴）应急罚【2024】3号",
                date_text="二○二四年一月九日",
            ),
            bold_title="overdraw",
        ),
        "penalty_decision",
        {
            "doc_number": "（湘株醴）应急罚〔2024〕3号",
            "doc_number_raw": "（湘株醴）应急罚【2024】3号",
            "legal_representative": "黄某某",
            "facts": FACTS,
            "provisions_violated": VIOLATED,
            "legal_basis": BASIS,
            "fine_yuan": 30000,
            "document_date": "2024-01-09",
        },
        [[PARTY["unit"], CODE_A, "valid"]],
    ),
    Case(
        "decision_two_parties",
        "pdf",
        _writer(
            "pdf",
            _penalty(
                party={**PARTY, "code": CODE_C},
                second_party={
                    "unit": "株洲某某建筑劳务有限公司",
                    "code": MASKED_B,
                    "address": "株洲市芦淞区某路1号",
                },
            ),
        ),
        "penalty_decision",
        {
            "doc_number": "（湘株醴）应急罚〔2023〕125号",
            "doc_number_raw": "（湘株醴）应急罚〔2023〕125号",
            "legal_representative": "黄某某",
            "facts": FACTS,
            "provisions_violated": VIOLATED,
            "legal_basis": BASIS,
            "fine_yuan": 20000,
            "document_date": "2023-06-01",
        },
        [
            [PARTY["unit"], CODE_C, "valid"],
            ["株洲某某建筑劳务有限公司", MASKED_B.upper(), "masked"],
        ],
    ),
    Case(
        "no_penalty",
        "pdf",
        _writer(
            "pdf",
            _penalty(kind="no_penalty", number="（湘株醴）应急不罚〔2023〕2号"),
        ),
        "no_penalty_decision",
        {
            "doc_number": "（湘株醴）应急不罚〔2023〕2号",
            "doc_number_raw": "（湘株醴）应急不罚〔2023〕2号",
            "legal_representative": "黄某某",
            "facts": FACTS,
            "provisions_violated": VIOLATED,
            "legal_basis": BASIS,
            "document_date": "2023-06-01",
        },
        [[PARTY["unit"], CODE_A, "valid"]],
    ),
    Case(
        "no_penalty_labelled",
        "docx",
        _writer(
            "docx",
            _penalty(
                kind="no_penalty", labelled=True, statutory_range=True, unit_label="被处罚单位"
            ),
        ),
        "no_penalty_decision",
        {
            "doc_number": "（湘株醴）应急罚〔2023〕125号",
            "doc_number_raw": "（湘株醴）应急罚〔2023〕125号",
            "legal_representative": "黄某某",
            "facts": FACTS,
            "provisions_violated": VIOLATED,
            "legal_basis": BASIS + ",该条规定处一万元以上三万元以下的罚款",
            "document_date": "2023-06-01",
        },
        [[PARTY["unit"], CODE_A, "valid"]],
    ),
    Case(
        "notice_addressee",
        "docx",
        _writer(
            "docx",
            _penalty(
                kind="notice",
                addressee=True,
                party={"unit": "醴陵市某某花炮厂"},
                number="(湘株醴)应急罚告[2023]118号",
                fine_text="罚款5.0万元",
            ),
        ),
        "penalty_notice",
        {
            "doc_number": "（湘株醴）应急罚告〔2023〕118号",
            "doc_number_raw": "(湘株醴)应急罚告[2023]118号",
            "facts": FACTS,
            "provisions_violated": VIOLATED,
            "legal_basis": BASIS,
            "fine_yuan": 50000,
            "document_date": "2023-06-01",
        },
        [["醴陵市某某花炮厂", None, "absent"]],
    ),
    Case(
        "inspection_pdf",
        "pdf",
        _writer(
            "pdf",
            inspection_record(
                {
                    **PARTY,
                    "doc_number_printed": "（湘株醴）应急检记〔2026〕7号",
                    "inspection_place": "一号窑炉车间及成品仓库",
                    "inspection_time_printed": "2026年11月3日10时30分至12时00分",
                    "findings": FINDINGS,
                }
            ),
            bold_title="overdraw",
        ),
        "inspection_record",
        {
            "doc_number": "（湘株醴）应急检记〔2026〕7号",
            "doc_number_raw": "（湘株醴）应急检记〔2026〕7号",
            "address": PARTY["address"],
            "legal_representative": "黄某某",
            "inspection_place": "一号窑炉车间及成品仓库",
            "inspection_time": "2026-11-03T10:30",
            "findings": [normalise_text(item) for item in FINDINGS],
        },
        [[PARTY["unit"], CODE_A, "valid"]],
    ),
    Case(
        "inspection_table_letter_o",
        "docx",
        _writer(
            "docx",
            inspection_record(
                {
                    **PARTY,
                    "code": O_FOR_ZERO,
                    "doc_number_printed": "醴应急检记〔2026〕12号",
                    "inspection_place": "厂区",
                    "inspection_time_printed": "二〇二六年十一月五日",
                    "findings": ["现场未发现明显事故隐患。"],
                },
                style="table",
                numbered=False,
            ),
        ),
        "inspection_record",
        {
            "doc_number": "醴应急检记〔2026〕12号",
            "doc_number_raw": "醴应急检记〔2026〕12号",
            "address": PARTY["address"],
            "legal_representative": "黄某某",
            "inspection_place": "厂区",
            "inspection_time": "2026-11-05",
            "findings": ["现场未发现明显事故隐患。"],
        },
        [[PARTY["unit"], O_FOR_ZERO, "invalid"]],
        warnings=1,
    ),
    Case(
        "order_wrapped_deadline",
        "pdf",
        _writer(
            "pdf",
            rectification_order(
                {
                    "unit": "蓝山县某某矿业有限公司",
                    "code": MASKED_B,
                    "doc_number_printed": "蓝应急责改〔2026〕3号",
                    "problems": PROBLEMS,
                    # wrapped by the PDF writer inside the date: …2026年11 / 月30日前…
                    "deadline_sentence": "上述第1项问题立即整改，第2、3项问题责令你单位于2026年11月30日前整改完毕，"
                    "整改完成后及时书面报告本局。",
                },
                date_text="二〇二六年十一月三日",
            ),
        ),
        "rectification_order",
        {
            "doc_number": "蓝应急责改〔2026〕3号",
            "doc_number_raw": "蓝应急责改〔2026〕3号",
            "problems": PROBLEMS,
            "rectification_deadline": "2026-11-30",
            "document_date": "2026-11-03",
        },
        [["蓝山县某某矿业有限公司", MASKED_B.upper(), "masked"]],
    ),
    Case(
        "order_serial_labelled",
        "docx",
        _writer(
            "docx",
            rectification_order(
                {
                    **PARTY,
                    "doc_number_printed": "古港应急办－4",
                    "problems": PROBLEMS,
                    "deadline_printed": "2026年12月15日",
                },
                labelled_unit=True,
                problem_label=True,
            ),
        ),
        "rectification_order",
        {
            "doc_number": "古港应急办-4",
            "doc_number_raw": "古港应急办－4",
            "problems": PROBLEMS,
            "rectification_deadline": "2026-12-15",
            "document_date": "2026-11-03",
        },
        [[PARTY["unit"], CODE_A, "valid"]],
    ),
    Case(
        "reinspection_rectified",
        "pdf",
        _writer(
            "pdf",
            reinspection_opinion(
                {
                    "unit": "蓝山县某某矿业有限公司",
                    "code": CODE_B,
                    "doc_number_printed": "（湘株醴）应急复查〔2026〕5号",
                    "order_printed": "（湘株醴）应急责改〔2026〕3号",
                    "opinion": "经复查，你单位对指令书所列问题已整改完毕，符合要求。",
                },
                date_text="二○二六年十二月一日",
            ),
        ),
        "reinspection_opinion",
        {
            "doc_number": "（湘株醴）应急复查〔2026〕5号",
            "references": ["（湘株醴）应急责改〔2026〕3号"],
            "doc_number_raw": "（湘株醴）应急复查〔2026〕5号",
            "authority": "醴陵市应急管理局",
            "follows_order": "（湘株醴）应急责改〔2026〕3号",
            "document_date": "2026-12-01",
            "rectified": True,
        },
        [["蓝山县某某矿业有限公司", CODE_B, "valid"]],
    ),
    Case(
        "reinspection_partial",
        "docx",
        _writer(
            "docx",
            reinspection_opinion(
                {
                    "unit": "蓝山县某某矿业有限公司",
                    "doc_number_printed": "（湘株醴）应急复查〔2026〕6号",
                    "opinion": "第1项已整改完毕；第2项仍存在，责令继续整改。",
                }
            ),
        ),
        "reinspection_opinion",
        {
            "doc_number": "（湘株醴）应急复查〔2026〕6号",
            "doc_number_raw": "（湘株醴）应急复查〔2026〕6号",
            "authority": "醴陵市应急管理局",
            "document_date": "2026-12-01",
            "rectified": False,
        },
        [["蓝山县某某矿业有限公司", None, "absent"]],
    ),
    Case(
        "reinspection_ticks",
        "docx",
        _writer(
            "docx",
            reinspection_opinion(
                {
                    "unit": "蓝山县某某矿业有限公司",
                    "doc_number_printed": "（湘株醴）应急复查〔2026〕8号",
                    "order_printed": "(湘株醴)应急责改(2026)4号",
                    "opinion": "□已整改完毕  ☑未按期完成整改",
                }
            ),
        ),
        "reinspection_opinion",
        {
            "doc_number": "（湘株醴）应急复查〔2026〕8号",
            "references": ["（湘株醴）应急责改〔2026〕4号"],
            "doc_number_raw": "（湘株醴）应急复查〔2026〕8号",
            "authority": "醴陵市应急管理局",
            "follows_order": "（湘株醴）应急责改〔2026〕4号",
            "document_date": "2026-12-01",
            "rectified": False,
        },
        [["蓝山县某某矿业有限公司", None, "absent"]],
    ),
    Case(
        "unknown_letter",
        "docx",
        lambda path: write_docx(
            path,
            [
                "关于开展安全生产大检查的通知",
                "各有关单位：",
                "为切实做好岁末年初安全生产工作，现将有关事项通知如下。",
                [["单位名称", "醴陵市某某陶瓷有限公司"], ["统一社会信用代码", CODE_A]],
                BUREAU,
                "2026年12月1日",
            ],
        ),
        "unknown",
        {},
        [[PARTY["unit"], CODE_A, "valid"]],
    ),
]

# Every enforcement document above is signed by BUREAU (its 落款): the issuing ``authority``.
for _case in CASES:
    if _case.kind in AUTHORITY_KINDS:
        _case.fields.setdefault("authority", BUREAU)


def write_case(case: Case, folder: Path) -> tuple[Path, Path]:
    """``<case>.pdf|docx`` and ``<case>.expected.json`` in ``folder``."""
    document = case.build(folder / f"{case.name}.{case.media}")
    expected = folder / f"{case.name}.expected.json"
    expected.write_text(json.dumps(case.expected(), ensure_ascii=False, indent=2), encoding="utf-8")
    return document, expected
