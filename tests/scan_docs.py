"""Enforcement documents rendered to page images, as a scanner or a copier gives them.

For the OCR tests and ``bench/bench_ocr.py``: :func:`make_documents` lays out 责令限期整改指令书,
行政处罚决定书 and 现场检查记录 with the builders of :mod:`tests.parsers_fixtures` (the shapes the
text fixtures use), naming enterprises with real credit codes (``tests/data/uscc_valid_real.txt``);
:func:`render_pages` draws one with PIL and a CJK TrueType font found on the system
(:func:`find_cjk_font`: Noto Serif CJK SC, else WenQuanYi Zen Hei or Noto Sans CJK SC) on A4 pages at 150–300 dpi, and
:func:`degrade` gives each page what a scan does to it: a small rotation (±3°), grey noise, a
little blur, uneven light and JPEG compression.

Each :class:`ScanDoc` knows what a perfect reading gives: ``expected`` is the parse of its own
text (the same builder's text through :func:`parsers.registry.parse_document`), so a test
measures what OCR loses, not what the parsers do.

``python -m tests.scan_docs OUT [N]`` writes N documents as .jpg pages to OUT (for a look).
"""

from __future__ import annotations

import io
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.parsers_fixtures import inspection_record, penalty_document, rectification_order

CODES_PATH = Path(__file__).parent / "data" / "uscc_valid_real.txt"
A4_MM = (210.0, 297.0)
MARGIN_MM = 25.0

_PLACES = ["醴陵市", "蓝山县", "株洲市", "攸县", "茶陵县", "炎陵县", "宁乡市", "浏阳市"]
_TRADES = [
    ("陶瓷", "有限公司"),
    ("花炮", "厂"),
    ("矿业", "有限公司"),
    ("建材", "有限责任公司"),
    ("化工", "有限公司"),
    ("机械制造", "有限公司"),
    ("物流", "有限公司"),
    ("木业", "加工厂"),
]
_WORDS = [
    "宏达",
    "鑫源",
    "新兴",
    "华瑞",
    "金峰",
    "恒通",
    "顺发",
    "东方",
    "长青",
    "永盛",
    "兴旺",
    "瑞丰",
]
# 文号 prefixes of county bureaus (the kind decides the builder).  Rare place characters
# are part of the test: 醴 (醴陵) is one the fast chi_sim model often reads as 柄.
_PREFIXES = [
    ("（湘株醴）应急罚", "penalty_decision"),
    ("蓝应急罚决", "penalty_decision"),
    ("宁应急罚", "penalty_decision"),
    ("株应急责改", "rectification_order"),
    ("永应急责改", "rectification_order"),
    ("醴应急责改", "rectification_order"),
    ("浏应急检记", "inspection_record"),
    ("茶应急检记", "inspection_record"),
]
_FACTS = [
    "你单位于{date}在未对作业人员进行安全生产教育和培训的情况下安排其上岗作业",
    "你单位于{date}未按规定对安全设备进行经常性维护、保养和定期检测",
    "你单位于{date}未如实记录安全生产教育和培训情况",
    "你单位于{date}特种作业人员未按照规定经专门的安全作业培训并取得相应资格即上岗作业",
]
_FINES = [
    ("罚款人民币贰万元整（¥20,000）", 20000),
    ("罚款人民币叁万元整（¥30,000.00）", 30000),
    ("罚款人民币壹万伍仟元整", 15000),
    ("罚款人民币3000元（叁仟元整）", 3000),
]
_FINDINGS = [
    "配电箱未设置安全警示标志",
    "二号车间安全出口被杂物堵塞",
    "部分灭火器压力不足",
    "仓库内物品堆放超高",
    "现场作业人员未佩戴安全帽",
    "应急照明灯损坏未及时更换",
]
_PROBLEMS = [
    "未建立事故隐患排查治理制度",
    "特种作业人员未持证上岗",
    "仓库内物品堆放超高",
    "消防通道被占用",
    "未按规定开展应急演练",
]


def real_codes() -> list[str]:
    """The real, valid codes of ``tests/data/uscc_valid_real.txt`` (enterprises first)."""
    codes = [
        line.strip()
        for line in CODES_PATH.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return sorted(codes, key=lambda code: (not code.startswith("9"), codes.index(code)))


@dataclass
class ScanDoc:
    """One enforcement document: its text as blocks, and what a perfect reading gives."""

    name: str
    kind: str
    title: str
    blocks: list[str]
    credit_code: str
    doc_number: str  # normalised, as the parser gives it from the text
    enterprise: str
    expected: dict[str, Any] = field(default_factory=dict)  # the clean text's parsed fields

    @property
    def text(self) -> str:
        return "\n".join([self.title, *self.blocks])


def _name(rng: random.Random) -> str:
    place = rng.choice(_PLACES)
    trade, form = rng.choice(_TRADES)
    return f"{place}{rng.choice(_WORDS)}{trade}{form}"


def _date(rng: random.Random, year: int) -> tuple[str, str]:
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    return f"{year}年{month}月{day}日", f"{year}-{month:02d}-{day:02d}"


def make_document(number: int, code: str, rng: random.Random) -> ScanDoc:
    """The ``number``-th document (kinds in turn), naming the enterprise with ``code``."""
    prefix, kind = _PREFIXES[number % len(_PREFIXES)]
    year = rng.choice([2024, 2025, 2026])
    printed = f"{prefix}〔{year}〕{rng.randint(1, 199)}号"
    unit = _name(rng)
    party = {
        "unit": unit,
        "code": code,
        "address": f"{unit[:3]}工业园{rng.randint(1, 40)}号",
        "legal_representative": rng.choice(["黄某某", "李某", "王某某", "刘某"]),
        "doc_number_printed": printed,
    }
    when, _iso = _date(rng, year)
    if kind == "penalty_decision":
        fine_text, _fine = rng.choice(_FINES)
        built = penalty_document(
            {
                **party,
                "facts": rng.choice(_FACTS).format(date=when),
                "provisions_violated_article": "第二十八条第一款",
                "legal_basis_article": "第九十七条第三项",
            },
            fine_text=fine_text,
            date_text=when,
        )
    elif kind == "rectification_order":
        problems = rng.sample(_PROBLEMS, 3)
        deadline, _deadline_iso = _date(rng, year)
        built = rectification_order(
            {
                **party,
                "problems": problems,
                "deadline_sentence": f"责令你单位于{deadline}前整改完毕，整改完成后及时书面报告本局。",
            },
            date_text=when,
        )
    else:
        built = inspection_record(
            {
                **party,
                "inspection_place": rng.choice(["一号车间及成品仓库", "厂区", "生产车间"]),
                "inspection_time_printed": f"{when}{rng.randint(8, 16)}时30分",
                "findings": rng.sample(_FINDINGS, 3),
            }
        )
    blocks = [block for block in built["blocks"] if isinstance(block, str)]
    return ScanDoc(
        name=f"scan_{number:03d}",
        kind=kind,
        title=built["title"],
        blocks=blocks,
        credit_code=code,
        doc_number="",
        enterprise=unit,
    )


def _expect(doc: ScanDoc) -> ScanDoc:
    """Fill ``expected`` and ``doc_number`` from the parse of the document's own text."""
    from parsers.base import Document
    from parsers.normalise import normalise_text
    from parsers.registry import parse_document

    parsed = parse_document(
        Document(path=Path(f"{doc.name}.txt"), media="pdf", text=normalise_text(doc.text))
    )
    assert parsed.kind == doc.kind, (doc.name, parsed.kind)
    assert parsed.credit_code == doc.credit_code, (doc.name, parsed.credit_code)
    doc.doc_number = parsed.get("doc_number")
    doc.expected = {**parsed.values(), "enterprise_name": parsed.enterprise_name}
    return doc


def make_documents(count: int, *, seed: int = 13) -> list[ScanDoc]:
    """``count`` documents, the three kinds in turn, each naming a different real code."""
    rng = random.Random(seed)
    codes = real_codes()
    return [
        _expect(make_document(number, codes[number % len(codes)], rng)) for number in range(count)
    ]


# --------------------------------------------------------------------------------------------
# Rendering


def find_cjk_font() -> tuple[str, int] | None:
    """(path, face index) of a Simplified Chinese face (archive.fonts: Noto Serif CJK SC first,
    else WenQuanYi Zen Hei or Noto Sans CJK SC), or None."""
    from archive.fonts import find_cjk_font as found

    font = found()
    return (str(font[0]), font[1]) if font else None


def _font(size: int):
    from PIL import ImageFont

    found = find_cjk_font()
    if found is None:
        raise RuntimeError("no CJK font on this system (apt-get install fonts-wqy-zenhei)")
    return ImageFont.truetype(found[0], size, index=found[1])


def _wrap(text: str, font, width: float) -> list[str]:
    lines, current = [], ""
    for char in text:
        if current and font.getlength(current + char) > width:
            lines.append(current)
            current = ""
        current += char
    return [*lines, current]


def render_pages(doc: ScanDoc, dpi: int = 200):
    """The document as clean A4 page images (PIL, mode L): title 20 pt, body 12 pt."""
    from PIL import Image, ImageDraw

    px = dpi / 25.4
    width, height = round(A4_MM[0] * px), round(A4_MM[1] * px)
    margin = round(MARGIN_MM * px)
    title_font, body_font = _font(round(20 / 72 * dpi)), _font(round(12 / 72 * dpi))
    step = round(12 / 72 * dpi * 1.7)
    pages = []

    def new_page():
        page = Image.new("L", (width, height), 255)
        pages.append(page)
        return ImageDraw.Draw(page)

    draw = new_page()
    y = margin
    shown = doc.title
    draw.text(((width - title_font.getlength(shown)) / 2, y), shown, font=title_font, fill=0)
    y += round(20 / 72 * dpi * 2)
    for block in doc.blocks:
        lines = _wrap(block, body_font, width - 2 * margin) if block else [""]
        for line in lines:
            if y + step > height - margin:
                draw, y = new_page(), margin
            draw.text((margin, y), line, font=body_font, fill=0)
            y += step
    return pages


def degrade(page, rng: random.Random, *, angle: float | None = None, quality: int | None = None):
    """What a scan does to a page: rotation (±3°), uneven light, noise, blur, JPEG.

    Returns an RGB PIL image (decoded from the JPEG).
    """
    import numpy as np
    from PIL import Image, ImageFilter

    angle = rng.uniform(-3, 3) if angle is None else angle
    image = page.convert("L").rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
    array = np.asarray(image, dtype=np.float32)
    width = array.shape[1]
    # Light falling off towards one side (up to 12 %), paper grey, noise.
    ramp = np.linspace(0, rng.uniform(0.0, 0.12), width, dtype=np.float32)
    if rng.random() < 0.5:
        ramp = ramp[::-1]
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 8, array.shape)
    paper = rng.uniform(225, 250)
    array = array * (paper / 255.0) * (1 - ramp)[None, :] + noise.astype(np.float32)
    image = Image.fromarray(np.clip(array, 0, 255).astype(np.uint8)).convert("RGB")
    if rng.random() < 0.5:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality or rng.randint(55, 90))
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


def scanned_pages(doc: ScanDoc, rng: random.Random, *, dpi: int | None = None) -> list:
    """The document's pages, rendered at a random 150–300 dpi and degraded, as numpy RGB."""
    import numpy as np

    dpi = dpi or rng.choice([150, 200, 240, 300])
    return [np.asarray(degrade(page, rng)) for page in render_pages(doc, dpi)], dpi


def main(argv: list[str]) -> int:
    from PIL import Image

    out = Path(argv[0])
    count = int(argv[1]) if len(argv) > 1 else 5
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(1)
    for doc in make_documents(count):
        pages, dpi = scanned_pages(doc, rng)
        for number, page in enumerate(pages, start=1):
            Image.fromarray(page).save(out / f"{doc.name}_{number}.jpg", quality=90, dpi=(dpi, dpi))
        print(doc.name, doc.kind, doc.credit_code, doc.doc_number, dpi)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
