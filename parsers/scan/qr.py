"""Our QR codes on a scanned or photographed page (zxing-cpp).

:func:`find_codes` tries the page several ways until it finds one of our codes: as it is;
scaled to about 150 dpi when large (JPEG noise and blur average out); twice the size when the
modules are small; greyscale with local contrast (CLAHE, for uneven light); binarised by
Otsu and by a local threshold; and finally each dark, square-ish blob of QR size cut out and
enlarged.  zxing-cpp finds a QR code at any angle and under moderate perspective; the tries
cover what it misses alone.  Hits are deduplicated by text and centre; corners are in the
page's pixels, in the symbol's own orientation (top-left, top-right, bottom-right,
bottom-left of the symbol without its quiet zone), so the layout of the letter can be found
from them however the page lies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["LETTER", "OTHER", "SIGNATURE", "QrHit", "find_codes", "parse_payload"]

LETTER = "letter"
SIGNATURE = "signature"
OTHER = "other"

MAX_SIDE = 5000  # pixels: larger pages are searched scaled down to this


@dataclass
class QrHit:
    """One decoded QR code."""

    text: str
    corners: Any  # numpy (4, 2) float: TL, TR, BR, BL of the symbol, page pixels
    kind: str  # letter, signature, other
    serial: str | None = None
    credit_code: str | None = None
    layout: str | None = None
    tries: list[str] = field(default_factory=list)  # which tries found it (for explain)

    @property
    def centre(self) -> tuple[float, float]:
        x, y = self.corners.mean(axis=0)
        return float(x), float(y)

    @property
    def side(self) -> float:
        """The symbol's side in pixels (mean of its four sides)."""
        import numpy as np

        sides = np.linalg.norm(self.corners - np.roll(self.corners, -1, axis=0), axis=1)
        return float(sides.mean())

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "kind": self.kind,
            "serial": self.serial,
            "credit_code": self.credit_code,
            "layout": self.layout,
            "corners": [[round(float(x), 1), round(float(y), 1)] for x, y in self.corners],
        }


def parse_payload(text: str) -> tuple[str, str | None, str | None, str | None]:
    """``(kind, layout, serial, code)`` of a QR text: ``letter`` (``CREDIT|serial|code``),
    ``signature`` (``CREDIT-SIG|layout|serial|code``) as
    :func:`archive.letters.render.qr.parse_any_payload` reads them, else ``other``."""
    from archive.letters.render.qr import parse_any_payload

    parsed = parse_any_payload(text)
    if parsed is None:
        return OTHER, None, None, None
    return parsed


def _read(grey: Any, *, binarizer: str = "LocalAverage", downscale: bool = True) -> list[Any]:
    import zxingcpp

    return zxingcpp.read_barcodes(
        grey,
        formats=zxingcpp.BarcodeFormat.QRCode,
        try_rotate=True,
        try_downscale=downscale,
        try_invert=False,
        binarizer=getattr(zxingcpp.Binarizer, binarizer),
    )


def _corners(result: Any) -> Any:
    import numpy as np

    position = result.position
    return np.array(
        [
            [position.top_left.x, position.top_left.y],
            [position.top_right.x, position.top_right.y],
            [position.bottom_right.x, position.bottom_right.y],
            [position.bottom_left.x, position.bottom_left.y],
        ],
        dtype=np.float64,
    )


def _grey(image: Any) -> Any:
    import cv2

    if image.ndim == 2:
        return image
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def _resize(grey: Any, factor: float) -> Any:
    import cv2

    method = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    return cv2.resize(grey, None, fx=factor, fy=factor, interpolation=method)


def _tries(grey: Any, dpi: float | None):
    """(name, image, factor) — the image to read and how much it is scaled from the page."""
    import cv2

    side = max(grey.shape[:2])
    dpi = dpi or max(100.0, side / 11.7)  # without a stated dpi: an A4 page's long side
    yield "plain", grey, 1.0
    if dpi > 220:
        factor = 150.0 / dpi
        yield "downscaled", _resize(grey, factor), factor
    clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(grey)
    yield "contrast", clahe, 1.0
    if dpi < 260:
        factor = 2.0 if side * 2 <= 8000 else 8000 / side
        if factor > 1.2:
            yield "upscaled", _resize(clahe, factor), factor
    blurred = cv2.GaussianBlur(clahe, (3, 3), 0)
    _, otsu = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    yield "otsu", otsu, 1.0
    block = max(15, round(dpi / 6) | 1)
    local = cv2.adaptiveThreshold(
        blurred, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 10
    )
    yield "adaptive", local, 1.0


def _flatten(grey: Any, cm: float) -> Any:
    """``grey`` divided by its background (the paper's brightness, estimated by a closing
    that removes print smaller than about 1.5 cm): uneven light and shadows become white."""
    import cv2
    import numpy as np

    size = max(15, int(cm * 1.5)) | 1
    small = max(1, size // 15)
    reduced = grey[::small, ::small] if small > 1 else grey
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size // small | 1, size // small | 1))
    background = cv2.morphologyEx(reduced, cv2.MORPH_CLOSE, kernel)
    if small > 1:
        background = cv2.resize(
            background, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR
        )
    background = np.maximum(background, 1).astype(np.float32)
    return np.clip(grey.astype(np.float32) * 255.0 / background, 0, 255).astype(np.uint8)


def _blobs(grey: Any, dpi: float | None, limit: int = 12):
    """Square-ish dark regions the size of a QR code (1–4 cm): cut out with a margin and
    enlarged to about 8 px a module.  Yields (name, crop, factor, (x0, y0))."""
    import cv2
    import numpy as np

    side = max(grey.shape[:2])
    dpi = dpi or max(100.0, side / 11.7)
    small = 1.0
    work = grey
    if dpi > 160:
        small = 150.0 / dpi
        work = _resize(grey, small)
    cm = 150.0 / 2.54 if small != 1.0 else dpi / 2.54  # pixels of one cm in ``work``
    _, dark = cv2.threshold(
        cv2.GaussianBlur(_flatten(work, cm), (3, 3), 0),
        0,
        255,
        cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU,
    )
    size = max(3, int(cm * 0.25)) | 1
    closed = cv2.morphologyEx(dark, cv2.MORPH_CLOSE, np.ones((size, size), np.uint8))
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    found = []
    for contour in contours:
        (cx, cy), (w, h), _angle = cv2.minAreaRect(contour)
        if not (0.8 * cm <= min(w, h) and max(w, h) <= 5 * cm):
            continue
        if max(w, h) > 1.6 * min(w, h):
            continue
        area = cv2.contourArea(contour)
        if area < 0.6 * w * h:
            continue
        found.append((abs(min(w, h) - 2 * cm), cx, cy, max(w, h)))
    found.sort()
    for _score, cx, cy, extent in found[:limit]:
        half = extent * 0.85
        x0 = max(0, int((cx - half) / small))
        y0 = max(0, int((cy - half) / small))
        x1 = min(grey.shape[1], int((cx + half) / small))
        y1 = min(grey.shape[0], int((cy + half) / small))
        crop = grey[y0:y1, x0:x1]
        if crop.size == 0:
            continue
        factor = min(6.0, max(1.0, 700.0 / max(crop.shape)))  # about 10 px a module
        yield "blob", _resize(crop, factor) if factor != 1.0 else crop, factor, (x0, y0)


def _crop_variants(crop: Any):
    """A cut-out as it is and sharpened (an unsharp mask undoes some of a phone's blur)."""
    import cv2

    yield crop
    blurred = cv2.GaussianBlur(crop, (0, 0), 3.0)
    yield cv2.addWeighted(crop, 1.8, blurred, -0.8, 0)


def find_codes(image: Any, dpi: float | None = None, *, all_tries: bool = False) -> list[QrHit]:
    """Every QR code found on ``image`` (RGB or grey uint8), ours first.

    Stops after the first try that finds one of ours (a letter's or a signature block's),
    unless ``all_tries``.  ``dpi`` (when the file states it) picks the scales to try.
    """
    grey = _grey(image)
    scale = 1.0
    side = max(grey.shape[:2])
    if side > MAX_SIDE:  # a poster or a 600 dpi scan: a QR code of 2 cm stays large enough
        scale = MAX_SIDE / side
        grey = _resize(grey, scale)
        dpi = dpi * scale if dpi else None
    hits: list[QrHit] = []

    def add(results: list[Any], name: str, factor: float, offset=(0, 0)) -> None:
        for result in results:
            if not result.valid or not result.text:
                continue
            corners = (_corners(result) / factor + offset) / scale
            kind, layout, serial, code = parse_payload(result.text)
            hit = QrHit(result.text, corners, kind, serial, code, layout, [name])
            for other in hits:
                if other.text == hit.text and _near(other, hit):
                    if name not in other.tries:
                        other.tries.append(name)
                    break
            else:
                hits.append(hit)

    def ours() -> bool:
        return any(hit.kind != OTHER for hit in hits)

    for name, picture, factor in _tries(grey, dpi):
        add(_read(picture), name, factor)
        if ours() and not all_tries:
            break
    if not ours() or all_tries:
        for name, crop, factor, offset in _blobs(grey, dpi):
            for variant in _crop_variants(crop):
                for binarizer in ("LocalAverage", "FixedThreshold"):
                    add(_read(variant, binarizer=binarizer), name, factor, offset)
                    if ours() and not all_tries:
                        break
                else:
                    continue
                break
            if ours() and not all_tries:
                break
    hits.sort(key=lambda hit: (hit.kind == OTHER, hit.kind != LETTER))
    return hits


def _near(one: QrHit, other: QrHit) -> bool:
    (x1, y1), (x2, y2) = one.centre, other.centre
    return ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 < max(one.side, 20.0)
