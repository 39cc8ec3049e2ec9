"""A scan's pages with what was seen on them drawn (``credit explain FILE --png OUT``): the QR
codes outlined in blue with their text, the signature check's regions in green (found), red
(not found) or yellow (unsure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.i18n import N_, _

__all__ = ["DrawnPage", "draw_scan"]

BLUE = (0, 90, 255)
GREEN = (0, 170, 0)
RED = (220, 0, 0)
YELLOW = (230, 180, 0)
_VERDICTS = {"signed": N_("已签字盖章"), "unsigned": N_("未签字"), "uncertain": N_("待人工核对")}


@dataclass
class DrawnPage:
    number: int
    png: bytes
    codes: list[dict[str, Any]] = field(default_factory=list)
    regions: list[dict[str, Any]] = field(default_factory=list)
    verdict: str | None = None


def draw_scan(path: Path, media: str, *, max_pages: int = 50) -> list[DrawnPage]:
    """Every page of the scan ``path`` as a PNG with its codes and regions drawn."""
    import cv2
    import numpy as np

    from parsers.scan import check_signature, scan_codes
    from parsers.scan.qr import OTHER, SIGNATURE

    pages, codes = scan_codes(Path(path), media, max_pages=max_pages)
    ours = [(page, hit) for page, hits in zip(pages, codes, strict=True) for hit in hits]
    ours = [(page, hit) for page, hit in ours if hit.kind != OTHER]
    checked: dict[int, dict[str, Any]] = {}
    if ours:
        page, hit = next(((p, h) for p, h in ours if h.kind == SIGNATURE), (ours[0][0], None))
        checked[page.number] = check_signature(page.image, hit)
    drawn = []
    for page, hits in zip(pages, codes, strict=True):
        image = np.ascontiguousarray(page.image[:, :, ::-1])  # BGR for cv2
        thick = max(2, round(max(image.shape[:2]) / 600))
        labels: list[tuple[tuple[int, int], str, tuple[int, int, int]]] = []
        for hit in hits:
            points = np.round(hit.corners).astype(np.int32)
            cv2.polylines(image, [points], True, BLUE[::-1], thick)
            cv2.circle(image, tuple(int(v) for v in points[0]), thick * 3, BLUE[::-1], -1)
            corner = (int(points[:, 0].min()), int(points[:, 1].min()))
            labels.append((corner, hit.serial or hit.text[:24], BLUE))
        check = checked.get(page.number) or {}
        verdict = check.get("verdict")
        for region in check.get("regions") or []:
            found = region.get("found")
            colour = GREEN if found else RED if found is False else YELLOW
            polygon = np.round(np.array(region.get("polygon") or [], dtype=float)).astype(np.int32)
            if polygon.size:
                cv2.polylines(image, [polygon], True, colour[::-1], thick)
                corner = (int(polygon[:, 0].min()), int(polygon[:, 1].min()))
                mark = "✓" if found else "✗" if found is False else "?"
                labels.append((corner, f"{region.get('name', '')} {mark}", colour))
        if verdict:
            headline = _(_VERDICTS[verdict]) if verdict in _VERDICTS else verdict
            labels.append(
                ((thick * 4, thick * 4), f"{headline} {check.get('confidence', 0):.2f}", BLUE)
            )
        image = _write_labels(image, labels, thick)
        ok, data = cv2.imencode(".png", image)
        if not ok:  # pragma: no cover - a PNG of a valid array always encodes
            raise ValueError("png")
        drawn.append(
            DrawnPage(
                page.number,
                data.tobytes(),
                [hit.as_dict() for hit in hits],
                list(check.get("regions") or []),
                verdict,
            )
        )
    return drawn


def _write_labels(image: Any, labels: list[tuple[tuple[int, int], str, Any]], thick: int) -> Any:
    """The labels above their points, in Chinese when the system has a font for it (else the
    characters a plain font has, the rest as ?)."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from archive.fonts import cjk_font

    size = max(14, thick * 9)
    font = cjk_font(size)
    chinese = font is not None
    if font is None:
        try:
            font = ImageFont.load_default(size)
        except (OSError, TypeError):  # an older Pillow: the small bitmap font
            font = ImageFont.load_default()
    picture = Image.fromarray(image[:, :, ::-1])
    draw = ImageDraw.Draw(picture)
    for (x, y), text, colour in labels:
        if not chinese:
            text = text.encode("ascii", "replace").decode()
        top = max(0, y - size - 2 * thick)
        box = draw.textbbox((x, top), text, font=font)
        draw.rectangle(box, fill=(255, 255, 255))
        draw.text((x, top), text, font=font, fill=tuple(colour))
    return np.ascontiguousarray(np.asarray(picture)[:, :, ::-1])
