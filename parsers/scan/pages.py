"""A scan's pages as RGB arrays: images (JPEG, PNG, TIFF with several pages, BMP, GIF, WebP)
and PDF pages without a text layer.

An image's size is read from its header before any pixel is decoded: a page of more than
:data:`MAX_PIXELS` pixels is refused (``too_large``), so a 30,000 × 30,000 PNG never reaches
memory.  EXIF orientation is applied (a phone's photo stands as it was taken); palette,
greyscale, CMYK, 16-bit and alpha images become RGB (alpha over white).  PDF pages are rendered
with pypdfium2 at ``dpi`` (lower for a page so large that it would pass the pixel limit).
This runs in ingest's worker process, under its time and memory limit (:mod:`archive.pool`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.i18n import _, describe_error
from parsers.base import ParseError
from parsers.text import display_name

__all__ = ["MAX_PIXELS", "Page", "is_scanned_pdf", "load_pages"]

MAX_PIXELS = 60_000_000
WORK_PIXELS = 12_000_000
"""A larger page (a phone's 24–48 MP photo, a poster-sized PDF page) is reduced to about this
many pixels as it is decoded: a 20 mm QR code and the signature block stay sharp (an A4 page at
300 dpi is 8.7 MP), and a page fits the worker's memory limit with room for the checks."""
"""Pixels of one page at most (A4 at 600 dpi is 35 million)."""


@dataclass
class Page:
    """One page: RGB uint8, height × width × 3; ``dpi`` when the file states it."""

    image: Any  # numpy.ndarray
    number: int  # 1-based
    dpi: float | None = None


def _unreadable(path: Path, detail: object) -> ParseError:
    from PIL import UnidentifiedImageError

    if isinstance(detail, UnidentifiedImageError):
        text = _("不是能识别的图片格式")
    elif isinstance(detail, OSError) and detail.errno is not None:
        text = describe_error(detail)
    else:  # PIL's own words ("image file is truncated"), without the path it may quote
        text = str(detail).replace(str(path), display_name(path)) or type(detail).__name__
    return ParseError(
        _(
            "图片已损坏或格式不对，无法读取：{name}（{detail}）",
            name=display_name(path),
            detail=text.encode("utf-8", "backslashreplace").decode("utf-8"),
        ),
        "unreadable",
        _("重新扫描或拍照，或向来源索取完好的文件"),
    )


def _too_large(path: Path, width: int, height: int, number: int) -> ParseError:
    return ParseError(
        _(
            "图片过大：{name} 第 {page} 页为 {width} × {height} 像素，上限 {limit} 万像素，未读取",
            name=display_name(path),
            page=number,
            width=width,
            height=height,
            limit=MAX_PIXELS // 10_000,
        ),
        "too_large",
        _("以 150–300 dpi 重新扫描，或把图片缩小后再归档"),
    )


def _too_many_pages(path: Path, pages: int, limit: int) -> ParseError:
    return ParseError(
        _(
            "共 {pages} 页，超过上限 {limit} 页：{name}",
            pages=pages,
            limit=limit,
            name=display_name(path),
        ),
        "too_many_pages",
        _("请确认文件是否正确，或拆分后再归档"),
    )


def load_pages(path: Path, media: str, *, max_pages: int = 50, dpi: int = 200) -> list[Page]:
    """The pages of ``path`` (``media`` ``image`` or ``pdf``) as RGB arrays; raises ParseError
    (``too_large``, ``too_many_pages``, ``unreadable``, ``encrypted``)."""
    path = Path(path)
    if media == "pdf":
        return _pdf_pages(path, max_pages=max_pages, dpi=dpi)
    if media == "image":
        return _image_pages(path, max_pages=max_pages)
    raise ValueError(media)


def _image_pages(path: Path, *, max_pages: int) -> list[Page]:
    import warnings

    from PIL import Image

    pages: list[Page] = []
    with warnings.catch_warnings():
        # The size is checked here against MAX_PIXELS, before decoding; PIL's own check would
        # refuse a large page without saying its size, and warns of smaller ones.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None  # checked below instead
        try:
            image = Image.open(path)  # reads the header only
        except (OSError, ValueError, SyntaxError, EOFError) as error:  # "cannot identify"
            raise _unreadable(path, error) from error
        finally:
            Image.MAX_IMAGE_PIXELS = limit
        with image:
            frames = getattr(image, "n_frames", 1) or 1
            if frames > max_pages:
                raise _too_many_pages(path, frames, max_pages)
            for index in range(frames):
                try:
                    if index:
                        image.seek(index)
                except (OSError, ValueError, EOFError) as error:
                    raise _unreadable(path, error) from error
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise _too_large(path, width, height, index + 1)
                if width < 1 or height < 1:
                    raise _unreadable(path, _("没有像素"))
                factor = min(1.0, (WORK_PIXELS / (width * height)) ** 0.5)
                if factor < 1.0 and image.format == "JPEG":  # decoded at 1/2, 1/4 … directly
                    image.draft("RGB", (int(width * factor) + 1, int(height * factor) + 1))
                dpi = _image_dpi(image)
                pixels = _square_pixels(_rgb(path, image), image.info.get("dpi"))
                pages.append(Page(pixels, index + 1, dpi * factor if dpi else None))
    return pages


def _square_pixels(pixels: Any, dpi: Any) -> Any:
    """A page whose pixels are not square (a fax: 204 × 98 dpi, 200 × 100) stretched along its
    coarser axis so that they are: read as it is, every line of text is squashed to half its
    height.  Unchanged when the two resolutions are within 10 % of each other or unknown."""
    try:
        across, down = float(dpi[0]), float(dpi[1])
    except (TypeError, ValueError, IndexError):
        return pixels
    if not (30 <= across <= 2400 and 30 <= down <= 2400) or max(across, down) < 1.1 * min(
        across, down
    ):
        return pixels
    import cv2

    height, width = pixels.shape[:2]
    if across > down:
        size = (width, round(height * across / down))
    else:
        size = (round(width * down / across), height)
    if size[0] * size[1] > WORK_PIXELS:  # kept within the working size (see WORK_PIXELS)
        factor = (WORK_PIXELS / (size[0] * size[1])) ** 0.5
        size = (max(1, round(size[0] * factor)), max(1, round(size[1] * factor)))
    return cv2.resize(pixels, size, interpolation=cv2.INTER_CUBIC)


def _image_dpi(image: Any) -> float | None:
    dpi = image.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else None
    except (TypeError, ValueError, IndexError):
        return None
    return value if value and 30 <= value <= 2400 else None


def _rgb(path: Path, image: Any) -> Any:
    """The current frame as RGB uint8 (EXIF orientation applied; alpha over white)."""
    import numpy as np
    from PIL import Image, ImageOps

    try:
        image.load()
        frame = ImageOps.exif_transpose(image) or image
        mode = frame.mode
        if mode == "P":
            frame = frame.convert("RGBA" if "transparency" in frame.info else "RGB")
        elif mode.startswith("I"):  # 16- or 32-bit greyscale: to 8 bits
            values = np.asarray(frame, dtype=np.float64)
            if float(values.max()) > 255:
                values = values / 257.0
            frame = Image.fromarray(np.clip(values, 0, 255).astype(np.uint8), "L")
        elif mode == "F":
            values = np.asarray(frame, dtype=np.float64)
            low, high = float(values.min()), float(values.max())
            span = (high - low) or 1.0
            frame = Image.fromarray(((values - low) * (255.0 / span)).astype(np.uint8), "L")
        if frame.mode in ("RGBA", "LA", "PA") or (
            frame.mode in ("RGBa", "La") or "transparency" in frame.info
        ):
            rgba = frame.convert("RGBA")
            white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            frame = Image.alpha_composite(white, rgba)
        if frame.mode != "RGB":
            frame = frame.convert("RGB")  # L, 1, CMYK, YCbCr, LAB …
        width, height = frame.size
        if width * height > WORK_PIXELS:  # reduced to the working size (see WORK_PIXELS)
            factor = (WORK_PIXELS / (width * height)) ** 0.5
            size = (max(1, round(width * factor)), max(1, round(height * factor)))
            frame = frame.resize(size, Image.Resampling.BOX)
        return np.asarray(frame, dtype=np.uint8).copy()
    except MemoryError:
        raise
    except (OSError, ValueError, SyntaxError, EOFError, TypeError) as error:
        raise _unreadable(path, error) from error


def _pdf_pages(path: Path, *, max_pages: int, dpi: int) -> list[Page]:
    import numpy as np
    import pypdfium2 as pdfium

    from parsers.text import _damaged, open_pdf

    pdf = open_pdf(path)
    pages: list[Page] = []
    try:
        count = len(pdf)
        if count == 0:
            raise _damaged(path, _("没有页面"))
        if count > max_pages:
            raise _too_many_pages(path, count, max_pages)
        for index in range(count):
            page = pdf[index]
            try:
                width, height = page.get_size()  # points
                scale = dpi / 72.0
                pixels = width * scale * height * scale
                if pixels > WORK_PIXELS:  # a poster-sized page: render it coarser
                    scale *= (WORK_PIXELS / pixels) ** 0.5
                bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255))
                try:
                    image = bitmap.to_numpy()
                    mode = bitmap.mode
                finally:
                    bitmap.close()
            finally:
                page.close()
            if image.ndim == 2:
                image = np.repeat(image[:, :, None], 3, axis=2)
            elif mode in ("BGR", "BGRA", "BGRX"):
                image = image[:, :, 2::-1]
            else:
                image = image[:, :, :3]
            pages.append(Page(np.ascontiguousarray(image, dtype=np.uint8), index + 1, scale * 72))
    except (pdfium.PdfiumError, ValueError, OSError) as error:
        raise _damaged(path, error) from error
    finally:
        pdf.close()
    return pages


def is_scanned_pdf(path: Path, *, pages: int = 3) -> bool:
    """Whether the first ``pages`` pages of a PDF are each mostly one picture: a scanner's PDF,
    whose text layer (if any) is the scanner's own OCR -- its QR codes and the ink on it are what
    tell a returned letter, not that text.  False for anything that cannot be read."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError, ValueError):
        return False
    try:
        count = min(len(pdf), pages)
        if count == 0:
            return False
        for index in range(count):
            page = pdf[index]
            try:
                width, height = page.get_size()
                covered = 0.0
                for item in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
                    bounds = getattr(item, "get_bounds", None) or item.get_pos  # v5 / v4
                    left, bottom, right, top = bounds()
                    covered = max(covered, (right - left) * (top - bottom))
                if not width or not height or covered < 0.6 * width * height:
                    return False
            finally:
                page.close()
        return True
    except (pdfium.PdfiumError, ValueError):
        return False
    finally:
        pdf.close()
