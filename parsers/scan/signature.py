"""Signed or not, on paper: the seal and the ink in the signature and date areas of a scan.

A letter that comes back signed carries a second QR code beside its signature block
(``CREDIT-SIG|layout|serial|code``, :mod:`archive.letters.render.qr`), at a fixed place from the
block's first line (:data:`archive.letters.catalog.SIGNATURE_BLOCKS` and the numbers beside it).
From the code's four corners a homography maps the block's frame -- millimetres from the top
left corner of the QR picture -- onto the page, so the areas are found whatever the page's
rotation, skew, perspective or resolution:

1. The block is cut out of the page and straightened (:data:`PX_PER_MM` pixels a millimetre).
2. The printed labels (``单位（盖章）：``, ``法定代表人（签字）：``, the 日期 line's 日 期 ： 年 月 日)
   are looked for around their expected places, which corrects what the small QR code's corners
   cannot give exactly far from it; labels not found mean the page could not be aligned:
   *uncertain*, never a guess.
3. Ink is what is dark on the page's own background (the light is evened out first) and not red;
   in each signature area (after a ``（签字）：`` label) and in the date's blanks, the ink in
   pieces large enough not to be noise is measured in mm².
4. A seal, where a block has ``（盖章）``, is a red shape (HSV colour mask) round or oval and of a
   seal's size (:data:`SEAL_MM`), near the block.

Each element is *present*, *absent* or *unsure* (between the thresholds).  The letter is
``signed`` when every element is present, ``unsigned`` when one is clearly absent (the
programme counts a letter signed only when the signer and the date are filled and, on a scan,
the seal is there), and ``uncertain`` otherwise: a clerk decides (``credit ingest --review``).
An unsigned page is never counted signed by a guess: every doubt goes to ``uncertain``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from archive.i18n import _
from archive.letters.catalog import (
    BODY_CHAR_MM,
    BODY_INDENT_CHAR_MM,
    BODY_LINE_MM,
    DATE_LINE,
    SIGNATURE_BLOCKS,
    SIGNATURE_INDENT_CHARS,
    SIGNATURE_QR_LEFT_MM,
    SIGNATURE_QR_MM,
    TEXT_WIDTH_MM,
)

__all__ = [
    "SIGNED",
    "UNCERTAIN",
    "UNSIGNED",
    "Region",
    "SignatureCheck",
    "block_geometry",
    "check_signature",
]

SIGNED, UNSIGNED, UNCERTAIN = "signed", "unsigned", "uncertain"

PX_PER_MM = 8.0
"""Resolution of the straightened block (about 200 dpi)."""

QUIET_ZONE = 4  # modules of white around the symbol in the QR picture

# The glyphs of a body line sit between these offsets from the line's top (measured on
# LibreOffice's rendering of the shipped templates; Word's differs by well under a millimetre).
GLYPH_TOP_MM, GLYPH_BOTTOM_MM = 2.5, 8.3

SIGNATURE_INK_MM2 = (3.0, 9.0)
"""Ink in a signature area: at most the first is absent, at least the second present (mm²)."""

DATE_INK_MM2 = (1.5, 4.0)
"""Ink in the date's three blanks together: absent / present thresholds (mm²)."""

SEAL_MM = (22.0, 60.0)
"""The size of a seal's outline (its longer axis), in mm: 38–42 mm is usual for an enterprise's
official seal, an oval one 40 × 30 mm; generous for a stamp pressed unevenly or half on the page."""

SEAL_RED_MM2 = 40.0
"""Red ink a seal leaves at least (its ring alone is ~ 120 mm²)."""

RED_NOISE_MM2 = 6.0
"""Red ink below this near the block means no seal at all (not an unsure shape)."""

ALIGN_SEARCH_MM = 7.0
"""How far from the expected place the printed labels are looked for."""

ALIGN_MIN_INK = 0.10
"""Share of the label cells' area that must be dark where the labels are found (print covers
~ 0.2–0.35 of a character's cell); below it the block is not where the QR code says."""

SPECK_MM2 = 0.25
"""Ink pieces smaller than this are noise, not writing."""


@dataclass
class Region:
    """One area looked at: ``kind`` is ``seal``, ``signature`` or ``date``; ``polygon`` its
    corners on the page (pixels, x right, y down); ``found`` True (present), False (absent) or
    None (unsure); ``score`` the ink or red area measured, in mm²."""

    name: str
    kind: str
    polygon: list[list[float]]
    found: bool | None
    score: float


@dataclass
class SignatureCheck:
    """The verdict on one signature block, with its confidence (0–1), areas and reasons."""

    verdict: str
    confidence: float
    layout: str | None = None
    regions: list[Region] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    qr: list[list[float]] | None = None  # the signature QR code's corners on the page

    @property
    def signed(self) -> bool | None:
        """True / False / None (uncertain): what ingest records as ``signed``."""
        return {SIGNED: True, UNSIGNED: False}.get(self.verdict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- the block's geometry, in the QR picture's frame (mm) ----------------------------------------


@dataclass(frozen=True)
class _Line:
    top: float  # mm below the QR picture's top
    text: str
    block: int


@dataclass(frozen=True)
class _Box:
    x0: float
    y0: float
    x1: float
    y1: float


def block_geometry(layout: str) -> list[_Line] | None:
    """The lines of ``layout``'s signature blocks, top to bottom (None for an unknown layout)."""
    blocks = SIGNATURE_BLOCKS.get(layout)
    if blocks is None:
        return None
    lines: list[_Line] = []
    row = 0
    for number, labels in enumerate(blocks):
        if number:
            row += 1  # an empty line between two blocks
        for text in (*labels, DATE_LINE):
            lines.append(_Line(row * BODY_LINE_MM, text, number))
            row += 1
    return lines


LABEL_X_MM = SIGNATURE_INDENT_CHARS * BODY_INDENT_CHAR_MM - SIGNATURE_QR_LEFT_MM
"""Where the labels start, in mm right of the QR picture's left edge."""

RIGHT_X_MM = TEXT_WIDTH_MM - SIGNATURE_QR_LEFT_MM
"""The text's right margin, in the same frame."""


def _cell(line: _Line, index: int, shrink: float = 0.0) -> _Box:
    x0 = LABEL_X_MM + index * BODY_CHAR_MM
    return _Box(
        x0 + shrink,
        line.top + GLYPH_TOP_MM + shrink,
        x0 + BODY_CHAR_MM - shrink,
        line.top + GLYPH_BOTTOM_MM - shrink,
    )


def _printed_cells(line: _Line) -> list[_Box]:
    """The character cells of ``line`` that hold print (not the blanks)."""
    return [_cell(line, index, 0.5) for index, char in enumerate(line.text) if char != "　"]


def _signature_area(line: _Line) -> _Box:
    """After a ``（签字）：`` label, to the margin: the line and a little above and below
    (a signature is larger than print)."""
    x0 = LABEL_X_MM + len(line.text) * BODY_CHAR_MM + 1.5
    return _Box(x0, line.top - 1.5, RIGHT_X_MM + 4.0, line.top + BODY_LINE_MM + 1.0)


def _date_blanks(line: _Line) -> list[_Box]:
    """The blanks of the date line (year, month, day), between the printed characters."""
    boxes: list[_Box] = []
    start: int | None = None
    for index, char in enumerate((*line.text, "end")):
        if char == "　":
            start = index if start is None else start
        elif start is not None:
            boxes.append(
                _Box(
                    LABEL_X_MM + start * BODY_CHAR_MM + 0.9,
                    line.top + 0.5,
                    LABEL_X_MM + index * BODY_CHAR_MM - 0.9,
                    line.top + BODY_LINE_MM + 0.5,
                )
            )
            start = None
    return boxes


# -- the check ------------------------------------------------------------------------------------


def check_signature(image: Any, hit: Any) -> SignatureCheck:
    """Check the signature block that the signature QR code ``hit`` (``.text``, ``.corners``:
    TL, TR, BR, BL of the symbol on ``image``, an RGB array) sits beside."""
    import numpy as np

    from archive.letters.render.qr import parse_any_payload, qr_modules

    parsed = parse_any_payload(hit.text)
    corners = np.asarray(hit.corners, dtype=np.float64).reshape(4, 2)
    if parsed is None or parsed[0] != "signature":
        return SignatureCheck(UNCERTAIN, 0.0, reasons=[_("不是签字区旁的二维码")])
    layout = parsed[1]
    lines = block_geometry(layout)
    check = SignatureCheck(UNCERTAIN, 0.0, layout=layout, qr=corners.tolist())
    if lines is None:
        check.reasons.append(_("未知的签字区版式“{layout}”：请人工核对", layout=layout))
        return check
    modules = qr_modules(hit.text)
    return _check_block(np.asarray(image), corners, modules, lines, check)


def _homography(corners: Any, modules: int) -> Any:
    """Frame (mm from the QR picture's top left) → page pixels, from the symbol's corners."""
    import cv2
    import numpy as np

    module = SIGNATURE_QR_MM / (modules + 2 * QUIET_ZONE)
    a, b = QUIET_ZONE * module, (QUIET_ZONE + modules) * module
    source = np.array([[a, a], [b, a], [b, b], [a, b]], dtype=np.float32)
    return cv2.getPerspectiveTransform(source, corners.astype(np.float32))


class _Straight:
    """The block cut out of the page and straightened: pixel (u, v) ↔ frame mm."""

    def __init__(self, image: Any, homography: Any, box: _Box) -> None:
        import cv2
        import numpy as np

        self.box = box
        self.homography = homography
        width = round((box.x1 - box.x0) * PX_PER_MM)
        height = round((box.y1 - box.y0) * PX_PER_MM)
        scale = np.array(
            [[1 / PX_PER_MM, 0, box.x0], [0, 1 / PX_PER_MM, box.y0], [0, 0, 1]], dtype=np.float64
        )
        self.image = cv2.warpPerspective(
            image,
            homography @ scale,
            (width, height),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=(255, 255, 255),
        )
        # what lay outside the page (filled white above) is neither ink nor paper
        inside = np.full(image.shape[:2], 255, dtype=np.uint8)
        self.inside = (
            cv2.warpPerspective(
                inside,
                homography @ scale,
                (width, height),
                flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP,
                borderMode=cv2.BORDER_CONSTANT,
                borderValue=0,
            )
            > 0
        )
        self.ink, self.red = _ink_and_red(self.image)
        # A greyscale scan (R = G = B everywhere, JPEG's rounding aside) shows no red at all.
        sample = self.image[::4, ::4].astype(np.int16)
        self.colourless = bool(
            np.abs(sample[..., 0] - sample[..., 1]).max() <= 3
            and np.abs(sample[..., 1] - sample[..., 2]).max() <= 3
        )
        self.ink &= self.inside
        self.red &= self.inside
        self.ink_sum = _integral(self.ink)

    def px(self, box: _Box) -> tuple[int, int, int, int]:
        """Pixel bounds of ``box`` (mm), clipped to the straightened block."""
        height, width = self.ink.shape
        u0 = min(max(round((box.x0 - self.box.x0) * PX_PER_MM), 0), width)
        v0 = min(max(round((box.y0 - self.box.y0) * PX_PER_MM), 0), height)
        u1 = min(max(round((box.x1 - self.box.x0) * PX_PER_MM), 0), width)
        v1 = min(max(round((box.y1 - self.box.y0) * PX_PER_MM), 0), height)
        return u0, v0, u1, v1

    def polygon(self, box: _Box) -> list[list[float]]:
        """``box`` (mm) as its four corners on the page."""
        import numpy as np

        points = np.array(
            [
                [box.x0, box.y0, 1],
                [box.x1, box.y0, 1],
                [box.x1, box.y1, 1],
                [box.x0, box.y1, 1],
            ],
            dtype=np.float64,
        ).T
        mapped = self.homography @ points
        mapped = mapped[:2] / mapped[2]
        return [[round(float(x), 1), round(float(y), 1)] for x, y in mapped.T]


def _integral(mask: Any) -> Any:
    import cv2
    import numpy as np

    return cv2.integral(mask.astype(np.uint8))


def _ink_and_red(image: Any) -> tuple[Any, Any]:
    """Masks of dark non-red ink and of red ink, the light evened out first."""
    import cv2
    import numpy as np

    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    grey = cv2.medianBlur(grey, 3)
    # the paper's own brightness: the largest values around (ink is thin), smoothed
    size = max(3, round(4 * PX_PER_MM) | 1)
    paper = cv2.dilate(grey, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    paper = cv2.GaussianBlur(paper, (0, 0), PX_PER_MM * 2)
    ratio = grey.astype(np.float32) / np.maximum(paper.astype(np.float32), 1.0)
    hsv = cv2.cvtColor(cv2.GaussianBlur(image, (3, 3), 0), cv2.COLOR_RGB2HSV)
    hue, saturation, value = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    red = ((hue <= 10) | (hue >= 160)) & (saturation >= 70) & (value >= 60)
    # Red ink darkens the grey too: dark only where not red, nor red's fringe -- a JPEG keeps
    # colour at half the resolution, so a seal's edges are dark but only a little red: the
    # zone takes faintly red pixels too (bright ones: a dark pixel's hue is noise, and print is
    # dark), widened by about half a millimetre.
    reddish = ((hue <= 12) | (hue >= 155)) & (saturation >= 35) & (value >= 110)
    reach = max(3, round(0.6 * PX_PER_MM) | 1)
    red_zone = cv2.dilate((red | reddish).astype(np.uint8), np.ones((reach, reach), np.uint8)) > 0
    ink = (ratio < 0.62) & ~red_zone
    return ink, red


def _ink_mm2(straight: _Straight, boxes: list[_Box], *, own_line_top: float | None = None) -> float:
    """Ink in ``boxes`` (straightened mm), counting only pieces larger than a speck, in mm².

    With ``own_line_top`` (the date line's top, mm) a piece of ink counts only when it begins
    on that line and ends within 5 mm of the blank: a tall signature from the line above that
    reaches down into the date's blanks, or a long stroke across them (one a seal's red cut in
    two), is not a date written."""
    import cv2
    import numpy as np

    area = 0
    speck = SPECK_MM2 * PX_PER_MM**2
    for box in boxes:
        if own_line_top is None:
            u0, v0, u1, v1 = straight.px(box)
            if u1 <= u0 or v1 <= v0:
                continue
            piece = straight.ink[v0:v1, u0:u1].astype(np.uint8)
            _count, _labels, stats, _centres = cv2.connectedComponentsWithStats(
                piece, connectivity=8
            )
            area += int(stats[1:, cv2.CC_STAT_AREA][stats[1:, cv2.CC_STAT_AREA] >= speck].sum())
            continue
        # the blank and, around it, the line above and a margin either side
        wu0, wv0, wu1, wv1 = straight.px(
            _Box(box.x0 - 5, own_line_top - BODY_LINE_MM, box.x1 + 5, box.y1)
        )
        u0, v0, u1, v1 = straight.px(box)
        if u1 <= u0 or v1 <= v0 or wu1 <= wu0 or wv1 <= wv0:
            continue
        window = straight.ink[wv0:wv1, wu0:wu1].astype(np.uint8)
        _count, labels, stats, _centres = cv2.connectedComponentsWithStats(window, connectivity=8)
        highest = round((own_line_top - 1.0) * PX_PER_MM) - round(straight.box.y0 * PX_PER_MM)
        inside = labels[v0 - wv0 : v1 - wv0, u0 - wu0 : u1 - wu0]
        width = wu1 - wu0
        for label in np.unique(inside):
            left = stats[label, cv2.CC_STAT_LEFT]
            if (
                label == 0
                or stats[label, cv2.CC_STAT_TOP] + wv0 < highest  # comes down from above
                or left == 0  # runs on beyond the blank, 5 mm either side: a long stroke
                or left + stats[label, cv2.CC_STAT_WIDTH] >= width
            ):
                continue
            pixels = int((inside == label).sum())
            if stats[label, cv2.CC_STAT_AREA] >= speck:
                area += pixels
    return area / PX_PER_MM**2


class _Fit:
    """Where the printed labels are on the straightened block: frame mm → straightened mm.

    ``x' = x + dx + a·(x − cx) + b·(y − cy)``, ``y' = y + dy + c·(x − cx) + d·(y − cy)``: a
    shift and a small affine correction (scale, tilt, shear) of what the QR code's corners gave,
    which far from the small code are only approximate (a photograph's perspective, above all).
    """

    def __init__(self, centre: tuple[float, float]) -> None:
        self.cx, self.cy = centre
        self.dx = self.dy = self.a = self.b = self.c = self.d = 0.0
        self.score = -1.0
        self.share = 0.0

    def moved(self, x: Any, y: Any, **params: Any) -> tuple[Any, Any]:
        p = {key: getattr(self, key) for key in ("dx", "dy", "a", "b", "c", "d")} | params
        rx, ry = x - self.cx, y - self.cy
        return (
            x + p["dx"] + p["a"] * rx + p["b"] * ry,
            y + p["dy"] + p["c"] * rx + p["d"] * ry,
        )

    def box(self, box: _Box, ddx: float = 0.0, ddy: float = 0.0) -> _Box:
        """``box`` moved by the fit (by its centre: the correction is small) and by (ddx, ddy)."""
        x, y = self.moved((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)
        w, h = (box.x1 - box.x0) / 2 * (1 + self.a), (box.y1 - box.y0) / 2 * (1 + self.d)
        return _Box(x - w + ddx, y - h + ddy, x + w + ddx, y + h + ddy)


def _guard_cells(lines: list[_Line]) -> list[_Box]:
    """Where the template prints nothing and the fit must find paper: the cell before each
    label and the gap between two lines of print under the labels."""
    boxes: list[_Box] = []
    for line in lines:
        width = len(line.text.rstrip("　")) * BODY_CHAR_MM
        boxes.append(
            _Box(
                LABEL_X_MM - BODY_CHAR_MM + 0.8,
                line.top + GLYPH_TOP_MM,
                LABEL_X_MM - 0.8,
                line.top + GLYPH_BOTTOM_MM,
            )
        )
        boxes.append(
            _Box(
                LABEL_X_MM,
                line.top + GLYPH_BOTTOM_MM + 0.6,
                LABEL_X_MM + min(width, 6 * BODY_CHAR_MM),
                line.top + BODY_LINE_MM + GLYPH_TOP_MM - 0.6,
            )
        )
    return boxes


def _shares(straight: _Straight, boxes: list[_Box], fit: _Fit, grid: dict[str, Any]) -> Any:
    """Dark share of ``boxes`` under every combination of ``grid`` (arrays of equal shape)."""
    import numpy as np

    centres = np.array([[(b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2] for b in boxes])
    half = np.array([[(b.x1 - b.x0) / 2, (b.y1 - b.y0) / 2] for b in boxes])
    shape = next(iter(grid.values())).shape
    params = {key: np.asarray(value)[..., None] for key, value in grid.items()}
    x, y = fit.moved(centres[:, 0], centres[:, 1], **params)
    x = x + np.zeros((*shape, 1))
    y = y + np.zeros((*shape, 1))
    height, width = straight.ink.shape

    def px(value: Any, origin: float, limit: int) -> Any:
        return np.clip(np.rint((value - origin) * PX_PER_MM), 0, limit).astype(np.int64)

    u0 = px(x - half[:, 0], straight.box.x0, width)
    u1 = px(x + half[:, 0], straight.box.x0, width)
    v0 = px(y - half[:, 1], straight.box.y0, height)
    v1 = px(y + half[:, 1], straight.box.y0, height)
    s = straight.ink_sum
    covered = s[v1, u1] - s[v0, u1] - s[v1, u0] + s[v0, u0]
    area = np.maximum((u1 - u0) * (v1 - v0), 1)
    return covered.sum(axis=-1) / area.sum(axis=-1)


def _search(
    straight: _Straight, printed: list[_Box], guard: list[_Box], fit: _Fit, axes: dict[str, Any]
) -> None:
    """Try every combination of ``axes`` (parameter → values) and keep the best in ``fit``."""
    import numpy as np

    keys = list(axes)
    mesh = np.meshgrid(*(np.asarray(axes[key], dtype=np.float64) for key in keys), indexing="ij")
    grid = {key: values.ravel() for key, values in zip(keys, mesh, strict=True)}
    share = _shares(straight, printed, fit, grid)
    score = share - _shares(straight, guard, fit, grid)
    best = int(np.argmax(score))
    if score[best] > fit.score:
        for key in keys:
            setattr(fit, key, float(grid[key][best]))
        fit.score = float(score[best])
        fit.share = float(share[best])


def _align(straight: _Straight, lines: list[_Line]) -> _Fit:
    """Find the printed labels around their expected places, in stages from coarse to fine."""
    import numpy as np

    printed = [cell for line in lines for cell in _printed_cells(line)]
    guard = _guard_cells(lines)
    xs = [c.x0 for c in printed] + [c.x1 for c in printed]
    ys = [c.y0 for c in printed] + [c.y1 for c in printed]
    fit = _Fit(((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2))

    def around(value: float, reach: float, step: float) -> Any:
        return value + np.arange(-reach, reach + 1e-9, step)

    _search(
        straight,
        printed,
        guard,
        fit,
        {"dx": around(0, ALIGN_SEARCH_MM, 0.5), "dy": around(0, ALIGN_SEARCH_MM, 0.5)},
    )
    for scale in (0.08, 0.03):
        _search(
            straight,
            printed,
            guard,
            fit,
            {
                "a": around(fit.a, scale, scale / 4),
                "c": around(fit.c, scale, scale / 4),
                "dx": around(fit.dx, 1.5, 0.5),
                "dy": around(fit.dy, 1.5, 0.5),
            },
        )
        _search(
            straight,
            printed,
            guard,
            fit,
            {
                "b": around(fit.b, scale, scale / 4),
                "d": around(fit.d, scale, scale / 4),
                "dx": around(fit.dx, 1.0, 0.25),
                "dy": around(fit.dy, 1.0, 0.25),
            },
        )
    _search(
        straight,
        printed,
        guard,
        fit,
        {"dx": around(fit.dx, 0.5, 0.125), "dy": around(fit.dy, 0.5, 0.125)},
    )
    return fit


def _line_shift(straight: _Straight, line: _Line, fit: _Fit) -> tuple[float, float, float]:
    """What one line's print adds to the block's fit: a shift within 1.5 mm, and the share of
    the line's print cells that is dark there (low: the line is not where the template says)."""
    import numpy as np

    printed = _printed_cells(line)
    guard = [box for box in _guard_cells([line])]
    local = _Fit((fit.cx, fit.cy))
    for key in ("dx", "dy", "a", "b", "c", "d"):
        setattr(local, key, getattr(fit, key))
    start = (local.dx, local.dy)
    _search(
        straight,
        printed,
        guard,
        local,
        {
            "dx": local.dx + np.arange(-1.5, 1.5 + 1e-9, 0.25),
            "dy": local.dy + np.arange(-1.5, 1.5 + 1e-9, 0.25),
        },
    )
    return local.dx - start[0], local.dy - start[1], local.share


def _state(value: float, thresholds: tuple[float, float]) -> bool | None:
    low, high = thresholds
    if value >= high:
        return True
    if value <= low:
        return False
    return None


def _confidence(value: float, thresholds: tuple[float, float], state: bool | None) -> float:
    """How far ``value`` is past the threshold it crossed, 0.5–1 (0 when unsure)."""
    low, high = thresholds
    if state is None:
        return 0.0
    if state:
        return min(1.0, 0.5 + 0.5 * (value - high) / high)
    return min(1.0, 0.5 + 0.5 * (low - value) / low) if low else 1.0


def _check_block(
    image: Any, corners: Any, modules: int, lines: list[_Line], check: SignatureCheck
) -> SignatureCheck:
    homography = _homography(corners, modules)
    bottom = lines[-1].top + BODY_LINE_MM
    seal_room = SEAL_MM[1] / 2 + 5
    window = _Box(
        -ALIGN_SEARCH_MM - 5,
        -seal_room,
        RIGHT_X_MM + ALIGN_SEARCH_MM + 8,
        bottom + seal_room,
    )
    if image.ndim == 2:
        import cv2

        image = cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    straight = _Straight(image[..., :3], homography, window)
    fit = _align(straight, lines)
    if fit.share < ALIGN_MIN_INK or fit.score < ALIGN_MIN_INK / 2:
        check.reasons.append(
            _("签字区的印刷文字没有出现在二维码所指的位置（对准失败）：请人工核对")
        )
        check.regions = [
            Region(
                _("签字区"), "block", straight.polygon(_Box(0, 0, RIGHT_X_MM, bottom)), None, 0.0
            )
        ]
        return check
    elements: list[tuple[Region, float]] = []
    unaligned: list[str] = []  # lines whose print was not found where the template puts it
    colourless: list[str] = []  # the seal of a black-and-white scan: it cannot be told
    blocks = SIGNATURE_BLOCKS[check.layout or ""]
    for line in lines:
        ldx, ldy, line_share = _line_shift(straight, line, fit)
        if line_share < ALIGN_MIN_INK:  # this line's print is not where it should be
            if line.text == DATE_LINE or line.text.endswith("（签字）："):
                box = fit.box(_Box(LABEL_X_MM, line.top, RIGHT_X_MM, line.top + BODY_LINE_MM))
                if line.text == DATE_LINE:
                    name, kind = _("第 {n} 处日期", n=line.block + 1), "date"
                else:
                    name, kind = line.text.rstrip("："), "signature"
                elements.append((Region(name, kind, straight.polygon(box), None, 0.0), 0.0))
                unaligned.append(name)
            continue
        if line.text == DATE_LINE:
            boxes = [fit.box(box, ldx, ldy) for box in _date_blanks(line)]
            line_top = fit.box(_Box(LABEL_X_MM, line.top, LABEL_X_MM + 1, line.top + 1), ldx, ldy)
            ink = _ink_mm2(straight, boxes, own_line_top=line_top.y0)
            state = _state(ink, DATE_INK_MM2)
            hull = _Box(
                boxes[0].x0, min(b.y0 for b in boxes), boxes[-1].x1, max(b.y1 for b in boxes)
            )
            region = Region(
                _("第 {n} 处日期", n=line.block + 1),
                "date",
                straight.polygon(hull),
                state,
                round(ink, 2),
            )
            elements.append((region, _confidence(ink, DATE_INK_MM2, state)))
        elif line.text.endswith("（签字）："):
            box = fit.box(_signature_area(line), ldx, ldy)
            ink = _ink_mm2(straight, [box])
            state = _state(ink, SIGNATURE_INK_MM2)
            region = Region(
                line.text.rstrip("："),
                "signature",
                straight.polygon(box),
                state,
                round(ink, 2),
            )
            elements.append((region, _confidence(ink, SIGNATURE_INK_MM2, state)))
    for number, labels in enumerate(blocks):
        for label in labels:
            if label.endswith("（盖章）："):
                line = next(x for x in lines if x.text == label and x.block == number)
                if straight.colourless:  # a black-and-white scan: a red seal is grey there
                    box = fit.box(
                        _Box(LABEL_X_MM - 10, line.top - 25, RIGHT_X_MM + 5, line.top + 35)
                    )
                    elements.append(
                        (Region(_("印章"), "seal", straight.polygon(box), None, 0.0), 0.0)
                    )
                    colourless.append(_("印章"))
                else:
                    elements.append(_seal(straight, line, fit))
    check.regions = [region for region, _conf in elements]
    states = [region.found for region in check.regions]
    if all(state is True for state in states):
        check.verdict = SIGNED
        check.confidence = round(min(conf for _region, conf in elements), 3)
    elif any(state is False for state in states):
        check.verdict = UNSIGNED
        check.confidence = round(max(conf for region, conf in elements if region.found is False), 3)
    else:
        check.verdict = UNCERTAIN
        check.confidence = 0.0
    for region in check.regions:
        if region.found is False:
            check.reasons.append(_("{name}：空白", name=region.name))
        elif region.name in colourless:
            check.reasons.append(_("黑白扫描件看不出红色印章：请核对原件"))
        elif region.name in unaligned:
            check.reasons.append(
                _("{name}：这一行的印刷文字不在应在的位置，请人工核对", name=region.name)
            )
        elif region.found is None:
            check.reasons.append(
                _("{name}：看不准（{area} mm²），请人工核对", name=region.name, area=region.score)
            )
    return check


def _seal(straight: _Straight, line: _Line, fit: _Fit) -> tuple[Region, float]:
    """A red seal near the ``（盖章）`` label: the reddest round or oval shape of a seal's size."""
    import cv2
    import numpy as np

    red = straight.red.astype(np.uint8)
    total_red = float(red.sum()) / PX_PER_MM**2
    label_box = fit.box(
        _Box(
            LABEL_X_MM,
            line.top,
            LABEL_X_MM + len(line.text) * BODY_CHAR_MM,
            line.top + BODY_LINE_MM,
        )
    )
    close = max(3, round(3 * PX_PER_MM) | 1)
    joined = cv2.morphologyEx(
        red, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (close, close))
    )
    count, labels, stats, centres = cv2.connectedComponentsWithStats(joined, connectivity=8)
    best: tuple[float, Any, float] | None = None  # (score, index, long axis mm)
    for index in range(1, count):
        width = stats[index, cv2.CC_STAT_WIDTH] / PX_PER_MM
        height = stats[index, cv2.CC_STAT_HEIGHT] / PX_PER_MM
        ink = float(red[labels == index].sum()) / PX_PER_MM**2
        if ink < SEAL_RED_MM2 / 4:
            continue
        mask = (labels == index).astype(np.uint8)
        contours, _hierarchy = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        hull = cv2.convexHull(max(contours, key=cv2.contourArea))
        hull_area = cv2.contourArea(hull) / PX_PER_MM**2
        long_axis, short_axis = max(width, height), min(width, height)
        if len(hull) >= 5:
            (_cx, _cy), (axis_a, axis_b), _angle = cv2.fitEllipse(hull)
            long_axis = max(axis_a, axis_b) / PX_PER_MM
            short_axis = min(axis_a, axis_b) / PX_PER_MM
        ellipse_area = math.pi * long_axis * short_axis / 4
        roundness = hull_area / ellipse_area if ellipse_area else 0.0
        seal_like = (
            SEAL_MM[0] <= long_axis <= SEAL_MM[1]
            and short_axis >= 0.55 * long_axis
            and roundness >= 0.8
            and ink >= SEAL_RED_MM2
        )
        centre_x = centres[index][0] / PX_PER_MM + straight.box.x0
        centre_y = centres[index][1] / PX_PER_MM + straight.box.y0
        near = (
            label_box.x0 - SEAL_MM[1] <= centre_x <= RIGHT_X_MM + 10
            and label_box.y0 - SEAL_MM[1] <= centre_y <= label_box.y1 + SEAL_MM[1]
        )
        if seal_like and near:
            score = ink * roundness
            if best is None or score > best[0]:
                best = (score, index, long_axis)
    if best is not None:
        _score, index, long_axis = best
        x, y, w, h = (stats[best[1], k] for k in range(4))
        box = _Box(
            x / PX_PER_MM + straight.box.x0,
            y / PX_PER_MM + straight.box.y0,
            (x + w) / PX_PER_MM + straight.box.x0,
            (y + h) / PX_PER_MM + straight.box.y0,
        )
        ink = float(red[labels == index].sum()) / PX_PER_MM**2
        confidence = min(1.0, 0.6 + 0.4 * min(ink / (3 * SEAL_RED_MM2), 1.0))
        region = Region(_("印章"), "seal", straight.polygon(box), True, round(ink, 2))
        return region, confidence
    around = _Box(
        label_box.x0 - 10, label_box.y0 - 25, RIGHT_X_MM + 5, label_box.y1 + 25
    )  # where the seal was looked for, drawn when none is found
    if total_red <= RED_NOISE_MM2:
        return Region(_("印章"), "seal", straight.polygon(around), False, round(total_red, 2)), (
            1.0 if total_red < RED_NOISE_MM2 / 2 else 0.6
        )
    return Region(_("印章"), "seal", straight.polygon(around), None, round(total_red, 2)), 0.0
