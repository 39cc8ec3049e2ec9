"""Paper for the demo: returned letters as scans and phone photographs, and a scanned
enforcement document -- drawn here, so that the demo needs neither LibreOffice nor a printer.

A letter's pages are laid out from the issued .docx: its text in GB/T 9704's grid (28
characters a line, 22 lines a page), its two QR codes taken from the file itself, and the
signature block exactly where the template puts it beside its QR code (the numbers of
:mod:`archive.letters.catalog`).  Text is drawn with a Chinese font when the system has one
(Noto CJK, WenQuanYi …); without one, each character is a few print-like strokes, which is
all the QR matching and the signature check look at.  A signed page gets a red seal, a
signature and the date in pen; a photograph is turned, tilted, unevenly lit, noisy and saved
as JPEG.  Everything follows from a seed.
"""

from __future__ import annotations

import io
import math
import random
import zipfile
from pathlib import Path
from typing import Any

from archive.fonts import cjk_font
from archive.letters.catalog import (
    BODY_CHAR_MM,
    BODY_INDENT_CHAR_MM,
    BODY_LINE_MM,
    DATE_LINE,
    SIGNATURE_INDENT_CHARS,
    SIGNATURE_QR_LEFT_MM,
    SIGNATURE_QR_MM,
)

__all__ = ["letter_pages", "photograph", "sign_page", "text_page", "write_scan"]

PAGE_MM = (210.0, 297.0)
MARGIN_TOP_MM, MARGIN_LEFT_MM = 37.0, 28.0
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
GLYPH_TOP_MM = 2.5  # the glyphs' top below the top of their 28.95 pt line
QR_MEDIA = "word/media/credit_qr.png"
SIGN_QR_MEDIA = "word/media/credit_qr_sign.png"
PRINT = (24, 24, 24)
PEN = (28, 40, 120)
SEAL_RED = (200, 36, 44)


class _Paper:
    """A white A4 page at ``dpi``, drawn on in millimetres."""

    def __init__(self, dpi: int, rng: random.Random) -> None:
        from PIL import Image, ImageDraw

        self.dpi = dpi
        self.scale = dpi / 25.4
        self.rng = rng
        size = (round(PAGE_MM[0] * self.scale), round(PAGE_MM[1] * self.scale))
        self.image = Image.new("RGB", size, (252, 252, 250))
        self.draw = ImageDraw.Draw(self.image)

    def px(self, x: float, y: float) -> tuple[int, int]:
        return round(x * self.scale), round(y * self.scale)

    def font(self, size_pt: float) -> Any:
        return cjk_font(round(size_pt * 25.4 / 72 * self.scale))

    def text(self, x: float, y: float, text: str, *, size_pt: float = 16, fill=PRINT) -> None:
        """``text`` from (x, y) mm, the top of its glyphs at y, one character a grid cell."""
        font = self.font(size_pt)
        pitch = BODY_CHAR_MM * size_pt / 16
        left = x
        for char in text:  # a full-width character fills a cell, a half-width one its own width
            advance = pitch
            if char.isascii():
                advance = font.getlength(char) / self.scale if font is not None else pitch / 2
            if char not in " 　":
                if font is not None:
                    self.draw.text(self.px(left, y), char, font=font, fill=fill)
                else:
                    self._strokes(left, y, advance, fill)
            left += advance

    def _strokes(self, x: float, y: float, pitch: float, fill) -> None:
        """A character as print-like strokes (no Chinese font on this system)."""
        width = max(1, round(0.45 * self.scale))
        for _ in range(3):
            top = y + self.rng.uniform(0.3, 5.0)
            self.draw.line(
                [
                    self.px(x + 0.6, top),
                    self.px(x + pitch - 0.9, top + self.rng.uniform(-0.3, 0.3)),
                ],
                fill=fill,
                width=width,
            )
        for _ in range(2):
            left = x + self.rng.uniform(0.9, pitch - 1.2)
            self.draw.line([self.px(left, y + 0.2), self.px(left, y + 5.2)], fill=fill, width=width)

    def picture(self, png: bytes, x: float, y: float, size_mm: float) -> None:
        from PIL import Image

        picture = Image.open(io.BytesIO(png)).convert("RGB")
        side = round(size_mm * self.scale)
        self.image.paste(picture.resize((side, side), Image.Resampling.NEAREST), self.px(x, y))


# -- a letter's pages --------------------------------------------------------------------------


def _paragraphs(docx: Path) -> tuple[list[str], bytes | None, bytes | None]:
    from docx import Document

    document = Document(str(docx))
    texts = [paragraph.text for paragraph in document.paragraphs]
    with zipfile.ZipFile(docx) as package:
        names = set(package.namelist())
        qr = package.read(QR_MEDIA) if QR_MEDIA in names else None
        sign_qr = package.read(SIGN_QR_MEDIA) if SIGN_QR_MEDIA in names else None
    return texts, qr, sign_qr


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` cells, a half-width character taking half a cell."""
    lines, line, used = [], "", 0.0
    for char in text:
        cells = 0.5 if char.isascii() else 1.0
        if used + cells > width:
            lines.append(line)
            line, used = "", 0.0
        line += char
        used += cells
    return [*lines, line] if line or not lines else lines


def letter_pages(docx: Path, *, dpi: int = 200, seed: int = 0) -> tuple[list[Any], Any]:
    """The pages of an issued letter as it prints, and where its signature block landed:
    ``(pages, block)`` with ``block`` = (page index, top of the block's first line in mm) or
    None for a letter without a signature block.  Pages are PIL images."""
    rng = random.Random(seed)
    texts, qr, sign_qr = _paragraphs(docx)
    pages = [_Paper(dpi, rng)]
    row = 0
    block: tuple[int, float] | None = None
    first_label = next(
        (i for i, text in enumerate(texts) if text.endswith(("（签字）：", "（盖章）："))), None
    )
    # the block (from the empty line before it to its last date line) stays on one page
    block_rows = (
        sum(1 for text in texts[first_label:] if text) + texts[first_label:].count("") + 1
        if first_label is not None
        else 0
    )
    for index, text in enumerate(texts):
        if index == first_label and row + block_rows > LINES_PER_PAGE:
            pages.append(_Paper(dpi, rng))
            row = 0
        paper = pages[-1]
        top = MARGIN_TOP_MM + row * BODY_LINE_MM
        if index == 0 and text.startswith("编号"):  # serial, right, with the QR code after it
            if qr is not None:
                paper.picture(qr, 210 - 26 - 20, MARGIN_TOP_MM, 20)
            paper.text(210 - 26 - 20 - (len(text) + 1) * BODY_CHAR_MM, top + 12, text)
            row += 3
            continue
        if index == first_label:
            indent = SIGNATURE_INDENT_CHARS * BODY_INDENT_CHAR_MM
            if sign_qr is not None:
                paper.picture(sign_qr, MARGIN_LEFT_MM + SIGNATURE_QR_LEFT_MM, top, SIGNATURE_QR_MM)
            block = (len(pages) - 1, top)
        if first_label is not None and index >= first_label:
            if index > first_label and texts[index - 1] == DATE_LINE and text:
                row += 1  # the next block: one empty line before it (its space before)
                top = MARGIN_TOP_MM + row * BODY_LINE_MM
            if text:
                paper.text(MARGIN_LEFT_MM + indent, top + GLYPH_TOP_MM, text)
            row += 1
            continue
        if index == 1 and text and "承诺书" in text:  # the title
            paper.text(
                MARGIN_LEFT_MM + (156 - len(text) * BODY_CHAR_MM * 22 / 16) / 2,
                top + 1,
                text,
                size_pt=22,
            )
            row += 2
            continue
        lines = _wrap(("　　" if text and not text.endswith("：") else "") + text, CHARS_PER_LINE)
        for line in lines:
            if row >= LINES_PER_PAGE:
                pages.append(_Paper(dpi, rng))
                row = 0
                paper = pages[-1]
            top = MARGIN_TOP_MM + row * BODY_LINE_MM
            paper.text(MARGIN_LEFT_MM, top + GLYPH_TOP_MM, line)
            row += 1
    return [paper.image for paper in pages], block


def sign_page(
    page: Any, block_top_mm: float, texts: list[str], signer: str, day: str, seed: int = 0
) -> Any:
    """The enterprise signs: a red seal over ``（盖章）``, the signer's name after each
    ``（签字）：`` and the date in the blanks, in pen (``texts`` are the block's lines)."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    scale = page.width / PAGE_MM[0]
    x0 = MARGIN_LEFT_MM + SIGNATURE_INDENT_CHARS * BODY_INDENT_CHAR_MM
    draw = ImageDraw.Draw(page)
    paper = _Paper.__new__(_Paper)
    paper.scale, paper.rng, paper.draw, paper.image = scale, rng, draw, page
    year, _sep, rest = day.partition("年")
    month, _sep, rest = rest.partition("月")
    date_day = rest.rstrip("日")
    row = 0
    for index, text in enumerate(texts):
        if index and texts[index - 1] == DATE_LINE and text:
            row += 1  # the empty line between two blocks
        top = block_top_mm + row * BODY_LINE_MM
        row += 1
        if not text:
            continue
        if text.endswith("（签字）："):
            _handwriting(paper, x0 + len(text) * BODY_CHAR_MM + 4, top + 1.5, signer, 7.5)
        elif text == DATE_LINE:
            for digits, chars in ((year, 3), (month, 8), (date_day, 11)):
                _handwriting(paper, x0 + chars * BODY_CHAR_MM + 1.5, top + 2.0, digits, 5.5)
        elif text.endswith("（盖章）："):
            overlay = Image.new("RGB", page.size, (255, 255, 255))
            _seal(overlay, (x0 + 3.5 * BODY_CHAR_MM) * scale, (top + 4) * scale, 20 * scale, rng)
            page.paste(Image.fromarray(_darker(page, overlay)))
    return page


def _darker(page: Any, overlay: Any) -> Any:
    import numpy as np

    return np.minimum(np.asarray(page), np.asarray(overlay))


def _handwriting(paper: _Paper, x: float, y: float, text: str, size_mm: float) -> None:
    """Pen strokes: the text in a font, slanted and uneven, or looping strokes without one."""
    from PIL import Image, ImageDraw

    scale = paper.scale
    font = cjk_font(round(size_mm * scale))
    if font is not None:
        width = round(size_mm * scale * (len(text) + 1))
        height = round(size_mm * scale * 1.6)
        stamp = Image.new("L", (width, height), 0)
        ImageDraw.Draw(stamp).text((2, 2), text, font=font, fill=255)
        stamp = stamp.transform(
            stamp.size, Image.Transform.AFFINE, (1, 0.25, -0.1 * height, 0, 1, 0)
        )
        stamp = stamp.rotate(paper.rng.uniform(-6, 6), expand=False)
        ink = Image.new("RGB", stamp.size, PEN)
        paper.image.paste(ink, paper.px(x, y), stamp)
        return
    points = []
    length = size_mm * max(len(text), 2) * 0.9
    turns = paper.rng.uniform(3, 6)
    for k in range(50):
        t = k / 49
        points.append(
            paper.px(
                x + length * t,
                y + size_mm / 2 + size_mm / 2 * 0.8 * math.sin(t * turns * math.pi),
            )
        )
    paper.draw.line(points, fill=PEN, width=max(1, round(0.5 * scale)))


def _seal(overlay: Any, cx: float, cy: float, radius: float, rng: random.Random) -> None:
    """A round enterprise seal: ring, star, the name around (as short strokes), slightly turned."""
    from PIL import ImageDraw

    draw = ImageDraw.Draw(overlay)
    ring = max(2, round(radius * 0.06))
    draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], outline=SEAL_RED, width=ring)
    turn = rng.uniform(-0.3, 0.3)
    star = []
    for k in range(10):
        angle = -math.pi / 2 + turn + k * math.pi / 5
        r = radius * (0.26 if k % 2 == 0 else 0.1)
        star.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(star, fill=SEAL_RED)
    for k in range(12):
        angle = math.pi * (0.8 + 1.4 * k / 11) + turn
        x, y = cx + radius * 0.66 * math.cos(angle), cy + radius * 0.66 * math.sin(angle)
        side = radius * 0.08
        draw.rectangle([x - side, y - side, x + side, y + side], outline=SEAL_RED, width=2)


def text_page(lines: list[str], *, dpi: int = 200, seed: int = 0) -> Any:
    """A plain printed page (an enforcement document): a centred title, then the lines."""
    rng = random.Random(seed)
    paper = _Paper(dpi, rng)
    title, *rest = lines
    paper.text(
        MARGIN_LEFT_MM + (156 - len(title) * BODY_CHAR_MM * 22 / 16) / 2,
        MARGIN_TOP_MM,
        title,
        size_pt=22,
    )
    row = 2
    for text in rest:
        for line in _wrap(text, CHARS_PER_LINE):
            paper.text(MARGIN_LEFT_MM, MARGIN_TOP_MM + row * BODY_LINE_MM + GLYPH_TOP_MM, line)
            row += 1
    return paper.image


def photograph(
    page: Any, *, seed: int = 0, angle: float = 0.0, tilt: float = 0.0, quality: int = 80
) -> bytes:
    """The page photographed with a phone: turned by ``angle`` degrees on a dark desk, seen at
    a slant (``tilt``, share of the width), lit unevenly, noisy; JPEG bytes."""
    import numpy as np
    from PIL import Image

    rng = random.Random(seed)
    picture = page.rotate(angle, expand=True, fillcolor=(70, 66, 60), resample=Image.BICUBIC)
    if tilt:
        width, height = picture.size
        d = tilt
        # where the corners go (top left, top right, bottom right, bottom left)
        target = [
            (width * d, height * d * 0.4),
            (width * (1 - d * 0.3), 0),
            (width, height),
            (width * d * 0.5, height * (1 - d * 0.3)),
        ]
        source = [(0, 0), (width, 0), (width, height), (0, height)]
        coefficients = _perspective(target, source)
        picture = picture.transform(
            picture.size,
            Image.Transform.PERSPECTIVE,
            coefficients,
            Image.BICUBIC,
            fillcolor=(70, 66, 60),
        )
    array = np.asarray(picture).astype(np.float32)
    height, width = array.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width]
    light = 0.78 + 0.22 * (xx / width) * (1 - 0.35 * yy / height)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 5, array.shape)
    array = np.clip(array * light[..., None] + noise, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _perspective(
    target: list[tuple[float, float]], source: list[tuple[float, float]]
) -> list[float]:
    """PIL's 8 perspective coefficients mapping ``target`` points back to ``source``."""
    import numpy as np

    rows = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    matrix = np.array(rows, dtype=np.float64)
    values = np.array([c for point in source for c in point], dtype=np.float64)
    return list(np.linalg.solve(matrix, values))


SCAN_KINDS = ("photo", "photo-turned", "scan-tiff")


def write_scan(
    docx: Path,
    target: Path,
    *,
    how: str,
    signer: str | None = None,
    day: str | None = None,
    seed: int = 0,
) -> Path:
    """A returned copy of the issued letter ``docx`` on paper, written to ``target`` (its
    suffix is set by ``how``): signed by ``signer`` on ``day`` (``2026年12月1日``) when given.

    ``photo``: the signature page photographed (.jpg); ``photo-turned``: the same, the phone
    held sideways and at a slant; ``scan-tiff``: every page scanned at 200 dpi, slightly askew,
    one multi-page .tif."""
    from PIL import Image

    if how not in SCAN_KINDS:
        raise ValueError(how)
    pages, block = letter_pages(docx, dpi=200, seed=seed)
    texts, _qr, _sign_qr = _paragraphs(docx)
    if block is not None and signer and day:
        start = next(i for i, t in enumerate(texts) if t.endswith(("（签字）：", "（盖章）：")))
        sign_page(pages[block[0]], block[1], texts[start:], signer, day, seed)
    signature_page = pages[block[0] if block else -1]
    if how == "photo":
        path = target.with_suffix(".jpg")
        path.write_bytes(photograph(signature_page, seed=seed, angle=4, tilt=0.06))
    elif how == "photo-turned":
        path = target.with_suffix(".jpg")
        path.write_bytes(photograph(signature_page, seed=seed, angle=-97, tilt=0.1, quality=70))
    else:
        path = target.with_suffix(".tif")
        scanned = [
            page.rotate(1.5, expand=True, fillcolor=(255, 255, 255), resample=Image.BICUBIC)
            for page in pages
        ]
        scanned[0].save(
            path,
            "TIFF",
            save_all=True,
            append_images=scanned[1:],
            compression="tiff_deflate",
            dpi=(200, 200),
        )
    return path
