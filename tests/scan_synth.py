"""Synthetic paper round trip: commitment letters printed, signed (or not), scanned and photographed.

The independent measure of issue 13's must-hold for letters.  Nothing here reads or imports the
scan detector (``parsers.scan``); the truth comes from what this module drew.

1. An archive made with the real command line (``credit init``, ``credit enterprise import`` of an
   invented roster, ``credit gen-commitment``), and the letters' .docx printed to PDF by LibreOffice
   in one ``soffice --convert-to pdf`` run.
2. The signature block located from each PDF's text layer (pdfplumber characters with positions):
   ``单位（盖章）：``, every ``…（签字）：`` and every ``日期：　　　　年　　月　　日`` line, on whichever
   page they are.
3. Pages rendered with pypdfium2 at a dpi drawn from 150–300.
4. About half the letters signed: a red seal (circle or oval, 38–42 mm, ring + star + arcs of
   character-like strokes, semi-transparent ink, slightly rotated) over or near ``单位（盖章）``, a
   handwritten-like signature after each ``（签字）：`` and handwritten-like digits in the date blanks.
   The rest unsigned, some of them hard negatives: a stray pen mark far from the signature block, or a
   red highlighter line across the text (no seal).
5. Distorted like a phone photo or a scan: any rotation 0–360°, skew up to 5°, a 3-D tilt up to 15°
   on a third, uneven light, noise, blur, JPEG quality 50–85; written as .jpg (most), .png, .tif
   (multi-page: both pages) and PDF of images (Pillow).

Everything is drawn from ``seed`` (one generator per letter, so ``jobs`` changes nothing).  The truth
goes to ``truth.json``: file → serial, credit code, template, signed, and what was done to it.

    from tests.scan_synth import make_set
    truth = make_set(Path("scans"), letters=200, seed=13, jobs=2)
"""

from __future__ import annotations

import collections
import csv
import json
import math
import os
import random
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

MM_PER_INCH = 25.4
PT_PER_INCH = 72.0
LEVEL_WEIGHTS = {"unit": 0.55, "workshop": 0.15, "team": 0.15, "post": 0.15}
LEVEL_NAMES = {  # template → how gen-commitment's file name says it
    "commitment_unit": "（单位）",
    "commitment_workshop": "（车间_部门）",
    "commitment_team": "（班组）",
    "commitment_post": "（岗位）",
}
FORMAT_WEIGHTS = {"jpg": 0.55, "png": 0.10, "tif": 0.15, "pdf": 0.20}
SEAL_LABEL = "（盖章）："
SIGN_LABEL = "（签字）："
DATE_LABEL = "日期："
YEAR = 2026


class SynthUnavailable(RuntimeError):
    """A tool the set needs is missing (LibreOffice); the message says which."""


# ---------------------------------------------------------------------------------------------
# 1. Letters through the command line, printed by LibreOffice


@dataclass
class Letter:
    serial: str
    credit_code: str
    template: str
    level: str
    docx: Path
    pdf: Path | None = None


def credit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``credit ARGS`` in a new process (the installed package's ``python -m cli``)."""
    env = dict(os.environ, CREDIT_NO_PROGRESS="1", CREDIT_USER="扫描测试")
    for name in ("CREDIT_ARCHIVE", "CREDIT_LANG", "CREDIT_FAULT"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=cwd or ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"credit {' '.join(args)} → {result.returncode}: {result.stderr[-2000:]}"
        )
    return result


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def issue_letters(
    work: Path, count: int, seed: int, levels: list[str] | None = None
) -> tuple[Path, list[Letter]]:
    """An archive with enough enterprises and ``count`` commitment letters of mixed levels.

    ``levels``: the letters' levels in turn (default: drawn by :data:`LEVEL_WEIGHTS`).
    """
    from archive.demo import ROSTER_HEADERS, demo_roster

    rng = random.Random(f"letters:{seed}")
    if levels:
        levels = [levels[i % len(levels)] for i in range(count)]
    else:
        levels = rng.choices(list(LEVEL_WEIGHTS), weights=list(LEVEL_WEIGHTS.values()), k=count)
    per_level = {level: levels.count(level) for level in LEVEL_WEIGHTS}
    enterprises = max(per_level.values()) if count else 0
    rows = demo_roster(max(enterprises, 1), seed=seed)
    archive = work / "archive"
    credit("init", str(archive))
    roster = work / "roster.csv"
    with roster.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([header for _key, header in ROSTER_HEADERS])
        for row in rows:
            writer.writerow([row[key] for key, _header in ROSTER_HEADERS])
    credit("--archive", str(archive), "enterprise", "import", str(roster))
    out = work / "letters"
    letters: list[Letter] = []
    for level, wanted in per_level.items():
        if not wanted:
            continue
        codes = [row["credit_code"] for row in rows[:wanted]]
        result = credit(
            "--archive", str(archive), "gen-commitment", *codes, "--level", level,
            "--year", str(YEAR), "--date", f"{YEAR}-11-20", "--out", str(out), "--json",
        )  # fmt: skip
        for row in json.loads(result.stdout)["letters"]:
            assert row["status"] == "issued", row
            file = Path(row["file"])
            letters.append(
                Letter(
                    serial=row["serial"],
                    credit_code=row["credit_code"],
                    template=row["template"],
                    level=level,
                    docx=file if file.is_absolute() else ROOT / file,
                )
            )
    letters.sort(key=lambda letter: letter.serial)
    random.Random(f"order:{seed}").shuffle(letters)
    return archive, letters


def print_letters(letters: list[Letter], folder: Path, profile: Path) -> None:
    """Every .docx to PDF in ONE LibreOffice run (its own profile); sets ``letter.pdf``."""
    soffice = find_soffice()
    if soffice is None:
        raise SynthUnavailable("LibreOffice (soffice) is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
            "--norestore", "--convert-to", "pdf", "--outdir", str(folder),
            *(str(letter.docx) for letter in letters),
        ],
        capture_output=True, text=True, timeout=60 + 3 * len(letters), check=False,
    )  # fmt: skip
    for letter in letters:
        pdf = folder / f"{letter.docx.stem}.pdf"
        if not pdf.is_file():
            raise SynthUnavailable(
                f"LibreOffice did not print {letter.docx.name}: {result.stderr[-500:]}"
            )
        letter.pdf = pdf


# ---------------------------------------------------------------------------------------------
# 2. Where the signature block is, from the text layer


@dataclass
class Block:
    """One place to sign: ``seal``, ``sign`` or ``date``; boxes in PDF points from the top left."""

    kind: str
    page: int  # 0-based
    label: tuple[float, float, float, float]  # x0, top, x1, bottom of the label
    blanks: list[tuple[float, float, float, float]] = field(default_factory=list)  # date: y, m, d


def _lines(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Characters grouped into lines (by their vertical centre), left to right."""
    lines: list[list[dict[str, Any]]] = []
    for char in sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"])):
        middle = (char["top"] + char["bottom"]) / 2
        if lines:
            last = lines[-1]
            last_middle = sum((c["top"] + c["bottom"]) / 2 for c in last) / len(last)
            if abs(middle - last_middle) < 0.45 * (char["bottom"] - char["top"]):
                last.append(char)
                continue
        lines.append([char])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def _box(chars: list[dict[str, Any]]) -> tuple[float, float, float, float]:
    return (
        min(c["x0"] for c in chars),
        min(c["top"] for c in chars),
        max(c["x1"] for c in chars),
        max(c["bottom"] for c in chars),
    )


def find_blocks(pdf: Path) -> tuple[list[Block], list[tuple[float, float]]]:
    """The signature labels of a printed letter, and each page's size in points."""
    import pdfplumber

    blocks: list[Block] = []
    sizes: list[tuple[float, float]] = []
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages):
            sizes.append((float(page.width), float(page.height)))
            for line in _lines(page.chars):
                visible = [c for c in line if c["text"].strip() and c["text"] != "\u3000"]
                text = "".join(c["text"] for c in visible)
                if not text:
                    continue
                if text.endswith(SEAL_LABEL):
                    blocks.append(Block("seal", number, _box(visible)))
                elif text.endswith(SIGN_LABEL):
                    blocks.append(Block("sign", number, _box(visible)))
                elif text.startswith(DATE_LABEL) and text.endswith("年月日"):
                    colon, year, month, day = (visible[i] for i in (2, 3, 4, 5))
                    blanks = [
                        (colon["x1"], year["top"], year["x0"], year["bottom"]),
                        (year["x1"], month["top"], month["x0"], month["bottom"]),
                        (month["x1"], day["top"], day["x0"], day["bottom"]),
                    ]
                    blocks.append(Block("date", number, _box(visible), blanks))
    return blocks, sizes


# ---------------------------------------------------------------------------------------------
# 3–4. Render and sign


def render(pdf: Path, dpi: float) -> list[Any]:
    """Every page as an RGB uint8 array at ``dpi``."""
    import numpy as np
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        pages = []
        for index in range(len(document)):
            bitmap = document[index].render(scale=dpi / PT_PER_INCH)
            pages.append(np.asarray(bitmap.to_pil().convert("RGB")).copy())
        return pages
    finally:
        document.close()


def _ink(image: Any, mask: Any, colour: tuple[int, int, int], x: int, y: int) -> None:
    """Lay ``mask`` (float 0–1, opacity) of ink ``colour`` on ``image`` at (x, y), multiplying.

    Ink absorbs light: a red seal over black print stays black, over white paper turns red.
    """
    import numpy as np

    height, width = mask.shape
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + width, image.shape[1]), min(y + height, image.shape[0])
    if x0 >= x1 or y0 >= y1:
        return
    part = mask[y0 - y : y1 - y, x0 - x : x1 - x, None]
    tint = np.array(colour, dtype=np.float32) / 255.0
    region = image[y0:y1, x0:x1].astype(np.float32)
    region *= 1.0 - part * (1.0 - tint)
    image[y0:y1, x0:x1] = np.clip(region, 0, 255).astype(np.uint8)


def _smooth(points: Any, steps: int = 12) -> Any:
    """A Catmull-Rom curve through ``points`` (N×2), as a dense polyline."""
    import numpy as np

    points = np.asarray(points, dtype=np.float64)
    if len(points) < 3:
        return points
    padded = np.vstack([points[0], points, points[-1]])
    out = []
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1], padded[i], padded[i + 1], padded[i + 2]
        for t in np.linspace(0, 1, steps, endpoint=False):
            t2, t3 = t * t, t * t * t
            out.append(
                0.5
                * (
                    2 * p1
                    + (-p0 + p2) * t
                    + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2
                    + (-p0 + 3 * p1 - 3 * p2 + p3) * t3
                )
            )
    out.append(points[-1])
    return np.array(out)


def _stroke(mask: Any, points: Any, width: float, scale: int = 4) -> None:
    """Draw a polyline into ``mask`` anti-aliased (sub-pixel by ``scale``)."""
    import cv2
    import numpy as np

    pts = np.round(np.asarray(points) * scale).astype(np.int32).reshape(-1, 1, 2)
    cv2.polylines(mask, [pts], False, 1.0, max(1, round(width)), cv2.LINE_AA, shift=2)


def seal_mask(rng: random.Random, px_per_mm: float) -> Any:
    """A round or oval official seal 38–42 mm across, as an ink opacity mask (float 0–1)."""
    import cv2
    import numpy as np

    diameter = rng.uniform(38, 42) * px_per_mm
    oval = rng.random() < 0.3
    rx = diameter / 2
    ry = rx * (rng.uniform(0.68, 0.8) if oval else 1.0)
    size = int(diameter * 1.25) | 1
    centre = np.array([size / 2, size / 2])
    mask = np.zeros((size, size), np.float32)
    ring = max(2, round(rng.uniform(1.0, 1.5) * px_per_mm))
    cv2.ellipse(
        mask, (round(centre[0] * 4), round(centre[1] * 4)), (round(rx * 4), round(ry * 4)),
        0, 0, 360, 1.0, ring, cv2.LINE_AA, shift=2,
    )  # fmt: skip
    # Star in the middle (oval seals often have none).
    if not oval or rng.random() < 0.5:
        star_r = min(rx, ry) * rng.uniform(0.22, 0.28)
        points = []
        for k in range(10):
            radius = star_r if k % 2 == 0 else star_r * 0.38
            angle = -math.pi / 2 + k * math.pi / 5
            points.append(centre + radius * np.array([math.cos(angle), math.sin(angle)]))
        cv2.fillPoly(mask, [np.round(np.array(points) * 4).astype(np.int32)], 1.0, cv2.LINE_AA, 2)
    # Characters along the upper arc: each a few short strokes in a box turned to the tangent.
    pen = max(1.5, rng.uniform(0.45, 0.65) * px_per_mm)
    count = rng.randint(9, 16)
    span = rng.uniform(200, 240)
    char_size = min(rx, ry) * 0.28
    for k in range(count):
        angle = math.radians(270 - span / 2 + span * (k + 0.5) / count)
        arc = centre + np.array([(rx - ring - char_size * 0.75) * math.cos(angle),
                                 (ry - ring - char_size * 0.75) * math.sin(angle)])  # fmt: skip
        turn = angle + math.pi / 2
        rotation = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
        for _ in range(rng.randint(3, 6)):
            a = np.array([rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5)]) * char_size
            if rng.random() < 0.5:
                b = a + np.array([rng.uniform(-0.6, 0.6), 0]) * char_size
            else:
                b = a + np.array([0, rng.uniform(-0.6, 0.6)]) * char_size
            _stroke(mask, [arc + rotation @ a, arc + rotation @ b], pen)
    # A line of characters under the star.
    if rng.random() < 0.7:
        n = rng.randint(3, 6)
        width = n * char_size * 0.9
        y = centre[1] + min(rx, ry) * rng.uniform(0.38, 0.48)
        for k in range(n):
            cx = centre[0] - width / 2 + (k + 0.5) * width / n
            for _ in range(rng.randint(3, 5)):
                a = (
                    np.array([cx, y])
                    + np.array([rng.uniform(-0.4, 0.4), rng.uniform(-0.4, 0.4)]) * char_size
                )
                b = a + (np.array([rng.uniform(-0.5, 0.5), 0]) if rng.random() < 0.5
                         else np.array([0, rng.uniform(-0.5, 0.5)])) * char_size  # fmt: skip
                _stroke(mask, [a, b], pen * 0.85)
    # A stamp never inks evenly: blotches, thin spots, a slightly blurred edge; then turned a bit.
    nprng = np.random.default_rng(rng.getrandbits(64))
    low = cv2.resize(
        nprng.uniform(0.65, 1.0, (8, 8)).astype(np.float32), (size, size),
        interpolation=cv2.INTER_CUBIC,
    )  # fmt: skip
    speckle = (nprng.random((size, size)) > rng.uniform(0.02, 0.08)).astype(np.float32)
    mask = cv2.GaussianBlur(mask, (0, 0), max(0.5, 0.12 * px_per_mm)) * low * speckle
    turn = rng.uniform(-20, 20)
    matrix = cv2.getRotationMatrix2D((size / 2, size / 2), turn, 1.0)
    mask = cv2.warpAffine(mask, matrix, (size, size), flags=cv2.INTER_LINEAR)
    return np.clip(mask * rng.uniform(0.8, 1.0), 0, 1)


def signature_mask(
    rng: random.Random, px_per_mm: float, pen: float, width_mm: float, height_mm: float
) -> Any:
    """A handwritten-like signature: 2–4 clusters of smooth strokes, sometimes joined."""
    import numpy as np

    w, h = width_mm * px_per_mm, height_mm * px_per_mm
    pad = 3 * pen
    mask = np.zeros((int(h + 2 * pad) + 1, int(w + 2 * pad) + 1), np.float32)
    n = rng.randint(2, 4)
    cell = w / n
    slant = math.tan(math.radians(rng.uniform(-5, 25)))
    for k in range(n):
        x0 = pad + k * cell
        for _ in range(rng.randint(1, 3)):
            count = rng.randint(5, 9)
            # a pen moving mostly left to right within the character, up and down freely
            xs = sorted(rng.uniform(0.0, 1.0) for _ in range(count))
            if rng.random() < 0.3:
                xs.reverse()
            points = []
            for fx in xs:
                y = rng.uniform(0.0, 1.0) * h
                points.append((x0 + (0.05 + 0.9 * fx) * cell + slant * (h / 2 - y), pad + y))
            _stroke(mask, _smooth(points), pen * rng.uniform(0.8, 1.2))
        if k + 1 < n and rng.random() < 0.5:  # a flourish into the next character
            y = pad + rng.uniform(0.4, 0.9) * h
            _stroke(
                mask,
                _smooth([(x0 + 0.8 * cell, y), (x0 + cell, y - 0.2 * h), (x0 + 1.2 * cell, y)]),
                pen * 0.8,
            )
    return np.clip(mask, 0, 1)


def digits_mask(
    rng: random.Random, text: str, px_per_mm: float, pen: float, height_mm: float
) -> Any:
    """Handwritten-like digits: Hershey script glyphs, each jittered, sheared and scaled."""
    import cv2
    import numpy as np

    height = height_mm * px_per_mm
    scale = height / 22.0
    glyphs = []
    for ch in text:
        font = rng.choice([cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, cv2.FONT_HERSHEY_SCRIPT_COMPLEX])
        s = scale * rng.uniform(0.85, 1.15)
        (gw, gh), base = cv2.getTextSize(ch, font, s, max(1, round(pen)))
        glyph = np.zeros((gh + base + 2 * round(pen) + 4, gw + 2 * round(pen) + 4), np.uint8)
        cv2.putText(
            glyph, ch, (round(pen) + 2, gh + round(pen) + 2), font, s, 255, max(1, round(pen)),
            cv2.LINE_AA,
        )  # fmt: skip
        glyph = glyph.astype(np.float32) / 255.0
        shear = math.tan(math.radians(rng.uniform(-5, 20)))
        matrix = np.float32([[1, -shear, shear * glyph.shape[0]], [0, 1, 0]])
        glyph = cv2.warpAffine(
            glyph, matrix, (glyph.shape[1] + int(abs(shear) * glyph.shape[0]), glyph.shape[0])
        )
        glyphs.append((glyph, round(rng.uniform(-0.08, 0.08) * height)))
    total_w = sum(g.shape[1] for g, _ in glyphs) + 4
    total_h = max(g.shape[0] for g, _ in glyphs) + round(0.2 * height) + 4
    mask = np.zeros((total_h, total_w), np.float32)
    x = 0
    for glyph, dy in glyphs:
        y = max(0, round(0.1 * height) + dy)
        h, w = glyph.shape
        h = min(h, total_h - y)
        mask[y : y + h, x : x + w] = np.maximum(mask[y : y + h, x : x + w], glyph[:h])
        x += int(w * rng.uniform(0.78, 0.95))
    return mask


def _fit(mask: Any, width: float) -> Any:
    """``mask`` shrunk to at most ``width`` pixels wide (digits that would run into 年/月/日)."""
    import cv2

    if mask.shape[1] <= width or width < 4:
        return mask
    factor = width / mask.shape[1]
    size = (max(1, round(mask.shape[1] * factor)), max(1, round(mask.shape[0] * factor)))
    return cv2.resize(mask, size, interpolation=cv2.INTER_AREA)


PEN_COLOURS = [(22, 28, 110), (30, 40, 140), (20, 20, 28), (40, 40, 48), (15, 35, 90)]
SEAL_COLOURS = [(205, 30, 40), (220, 45, 55), (190, 25, 45), (225, 60, 70), (200, 40, 30)]


def sign_pages(pages: list[Any], blocks: list[Block], dpi: float, rng: random.Random) -> None:
    """Seal, signatures and date digits on every block, drawn on the rendered pages in place."""
    px_per_pt = dpi / PT_PER_INCH
    px_per_mm = dpi / MM_PER_INCH
    pen_colour = rng.choice(PEN_COLOURS)
    pen = rng.uniform(2, 4) * dpi / 200
    for block in blocks:
        page = pages[block.page]
        _x0, top, x1, bottom = (v * px_per_pt for v in block.label)
        if block.kind == "seal":
            mask = seal_mask(rng, px_per_mm)
            # centre: on the label's right end or just past it, up to ~1 cm off the line
            cx = x1 + rng.uniform(-15, 20) * px_per_mm
            cy = (top + bottom) / 2 + rng.uniform(-8, 8) * px_per_mm
            _ink(page, mask, rng.choice(SEAL_COLOURS),
                 round(cx - mask.shape[1] / 2), round(cy - mask.shape[0] / 2))  # fmt: skip
        elif block.kind == "sign":
            mask = signature_mask(rng, px_per_mm, pen, rng.uniform(25, 45), rng.uniform(8, 14))
            x = x1 + rng.uniform(1, 6) * px_per_mm
            y = bottom - mask.shape[0] + rng.uniform(-1, 3) * px_per_mm
            _ink(page, mask, pen_colour, round(x), round(y))
        else:
            month, day = rng.randint(11, 12), rng.randint(1, 28)
            for text, (bx0, _btop, bx1, bbottom) in zip(
                (str(YEAR), str(month), str(day)), block.blanks, strict=True
            ):
                room = (bx1 - bx0) * px_per_pt
                mask = digits_mask(rng, text, px_per_mm, pen * 0.8, rng.uniform(4, 6))
                mask = _fit(mask, room * rng.uniform(0.85, 1.0))
                x = (
                    bx0 * px_per_pt
                    + max(0.0, (room - mask.shape[1]) / 2)
                    + rng.uniform(-1, 1) * px_per_mm
                )
                y = bbottom * px_per_pt - mask.shape[0] + rng.uniform(0, 2) * px_per_mm
                _ink(page, mask, pen_colour, round(x), round(y))


def _far_region(
    blocks: list[Block], page_index: int, size: tuple[float, float], dpi: float
) -> tuple[float, float, float, float]:
    """A stretch of the page ≥ 45 mm above (or below) the signature block, in pixels."""
    px_per_pt = dpi / PT_PER_INCH
    on_page = [b for b in blocks if b.page == page_index]
    margin = 45 / MM_PER_INCH * PT_PER_INCH
    width, height = size
    if not on_page:
        return 70 * px_per_pt, 90 * px_per_pt, (width - 70) * px_per_pt, (height - 90) * px_per_pt
    top = min(b.label[1] for b in on_page)
    bottom = max(b.label[3] for b in on_page)
    if top - margin > 120:
        return 70 * px_per_pt, 90 * px_per_pt, (width - 70) * px_per_pt, (top - margin) * px_per_pt
    return (
        70 * px_per_pt,
        (bottom + margin) * px_per_pt,
        (width - 70) * px_per_pt,
        (height - 50) * px_per_pt,
    )


def stray_pen(
    page: Any, region: tuple[float, float, float, float], dpi: float, rng: random.Random
) -> None:
    """A doodle, tick or underline in the body text, far from the signature block."""
    px_per_mm = dpi / MM_PER_INCH
    x0, y0, x1, y1 = region
    pen = rng.uniform(2, 4) * dpi / 200
    kind = rng.choice(["scribble", "tick", "underline"])
    if kind == "underline":
        w, h = rng.uniform(40, 90), 3
    elif kind == "tick":
        w, h = 8, 8
    else:
        w, h = rng.uniform(15, 30), rng.uniform(6, 10)
    mask = signature_mask(rng, px_per_mm, pen, w, h) if kind == "scribble" else None
    if mask is None:
        import numpy as np

        mask = np.zeros((int((h + 4) * px_per_mm), int((w + 4) * px_per_mm)), np.float32)
        p = 2 * px_per_mm
        if kind == "tick":
            points = [(p, p + 0.5 * h * px_per_mm), (p + 0.35 * w * px_per_mm, p + h * px_per_mm),
                      (p + w * px_per_mm, p)]  # fmt: skip
        else:
            points = [(p + t * w * px_per_mm, p + (1.5 + rng.uniform(-0.6, 0.6)) * px_per_mm)
                      for t in (0, 0.3, 0.6, 1.0)]  # fmt: skip
        _stroke(mask, _smooth(points), pen)
    x = rng.uniform(x0, max(x0 + 1, x1 - mask.shape[1]))
    y = rng.uniform(y0, max(y0 + 1, y1 - mask.shape[0]))
    _ink(page, mask, rng.choice(PEN_COLOURS), round(x), round(y))


def red_highlight(
    page: Any, region: tuple[float, float, float, float], dpi: float, rng: random.Random
) -> None:
    """A red/pink highlighter stroke across a line of text (no seal anywhere)."""
    import numpy as np

    px_per_mm = dpi / MM_PER_INCH
    x0, y0, x1, y1 = region
    w, h = rng.uniform(60, 130) * px_per_mm, rng.uniform(4, 6) * px_per_mm
    mask = np.zeros((int(h) + 8, int(w) + 8), np.float32)
    mask[4 : 4 + int(h), 4 : 4 + int(w)] = rng.uniform(0.35, 0.6)
    x = rng.uniform(x0, max(x0 + 1, x1 - mask.shape[1]))
    y = rng.uniform(y0, max(y0 + 1, y1 - mask.shape[0]))
    colour = rng.choice([(235, 80, 110), (240, 100, 120), (225, 60, 70)])
    _ink(page, mask, colour, round(x), round(y))


# ---------------------------------------------------------------------------------------------
# 5. Distort like a scanner or a phone


def distort(
    page: Any, rng: random.Random, *, photo: bool, tilt: bool
) -> tuple[Any, dict[str, Any]]:
    """Rotate (any angle), skew (≤ 5°), tilt in 3-D (≤ 15°, when ``tilt``), light, blur, noise."""
    import cv2
    import numpy as np

    nprng = np.random.default_rng(rng.getrandbits(64))
    h, w = page.shape[:2]
    angle = rng.uniform(0, 360)
    skew = rng.uniform(-5, 5)
    tilt_deg = rng.uniform(5, 15) if tilt else 0.0
    tilt_axis = rng.uniform(0, 2 * math.pi)
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64)
    centred = corners - [w / 2, h / 2]
    centred[:, 0] += math.tan(math.radians(skew)) * centred[:, 1]  # skew (shear)
    if tilt_deg:  # the page's plane turned about an axis in it, seen by a pinhole camera
        axis = np.array([math.cos(tilt_axis), math.sin(tilt_axis), 0.0])
        theta = math.radians(tilt_deg)
        k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
        rot = np.eye(3) + math.sin(theta) * k + (1 - math.cos(theta)) * k @ k
        focal = 1.1 * math.hypot(w, h)
        points3 = np.column_stack([centred, np.zeros(4)]) @ rot.T
        centred = focal * points3[:, :2] / (focal + points3[:, 2:3])
    a = math.radians(angle)
    rotation = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    moved = centred @ rotation.T
    margin = math.hypot(w, h) * (rng.uniform(0.04, 0.12) if photo else rng.uniform(0.01, 0.04))
    moved -= moved.min(axis=0) - margin
    out_w, out_h = (int(v) for v in np.ceil(moved.max(axis=0) + margin))
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), moved.astype(np.float32))
    size = (out_w, out_h)
    warped = cv2.warpPerspective(page, matrix, size, flags=cv2.INTER_LINEAR)
    cover = cv2.warpPerspective(
        np.full((h, w), 255, np.uint8), matrix, size, flags=cv2.INTER_LINEAR
    )
    weight = cover.astype(np.float32) / 255.0
    if photo:  # a desk under the page
        base = rng.choice([(110, 80, 55), (85, 85, 90), (45, 45, 50), (150, 140, 125)])
        texture = nprng.normal(1, 0.12, (12, 12, 1)).astype(np.float32) * np.float32(base)
        ground = cv2.resize(np.clip(texture, 0, 255).astype(np.uint8), size)
    else:  # the scanner's lid
        ground = np.full((out_h, out_w, 3), round(rng.uniform(235, 252)), np.uint8)
    image = cv2.blendLinear(warped, ground, weight, 1.0 - weight)
    del warped, cover, weight, ground
    # Uneven light (a ramp in some direction and a vignette) and the lamp's tint, computed
    # coarsely and stretched over the picture.
    grid = 64
    yy, xx = np.mgrid[0:grid, 0:grid].astype(np.float32) / (grid - 1)
    direction = rng.uniform(0, 2 * math.pi)
    ramp = xx * math.cos(direction) + yy * math.sin(direction)
    ramp = (ramp - ramp.min()) / max(float(ramp.max() - ramp.min()), 1e-6)
    depth = rng.uniform(0.15, 0.4) if photo else rng.uniform(0.0, 0.1)
    radius = ((xx - 0.5) ** 2 + (yy - 0.5) ** 2) / 0.5
    vignette = rng.uniform(0.1, 0.3) if photo else rng.uniform(0.0, 0.08)
    light = (1 - depth * ramp) * (1 - vignette * radius)
    if photo:  # paper is never quite white under a lamp
        tint = [rng.uniform(0.92, 1.0), rng.uniform(0.9, 0.98), rng.uniform(0.82, 0.95)]
    else:
        tint = [1.0, 1.0, 1.0]
    light3 = np.clip(np.dstack([light * t for t in tint]) * 255, 0, 255).astype(np.uint8)
    light3 = cv2.resize(light3, size, interpolation=cv2.INTER_LINEAR)
    image = cv2.multiply(image, light3, scale=1 / 255)
    del light3
    blur = rng.uniform(0.3, 1.1) if photo else rng.uniform(0.0, 0.5)
    if blur > 0.25:
        image = cv2.GaussianBlur(image, (0, 0), blur)
    sigma = rng.uniform(3, 8) if photo else rng.uniform(1.5, 5)
    cv2.setRNGSeed(rng.getrandbits(31))
    tile = np.empty((1024, 1024, 3), np.int16)  # sensor noise, one tile repeated (cheap)
    cv2.randn(tile, 0.0, sigma)
    reps = (out_h // 1024 + 1, out_w // 1024 + 1, 1)
    noise = np.tile(tile, reps)[:out_h, :out_w]
    image = cv2.add(image, noise, dtype=cv2.CV_8U)  # saturating
    del noise
    record = {
        "angle": round(angle, 2), "skew": round(skew, 2), "tilt": round(tilt_deg, 2),
        "blur": round(blur, 2), "noise": round(sigma, 2), "light": round(depth, 2),
        "vignette": round(vignette, 2),
    }  # fmt: skip
    return image, record


def jpeg_round_trip(image: Any, quality: int) -> Any:
    import cv2

    ok, data = cv2.imencode(".jpg", image[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR)[..., ::-1]


# EXIF orientation → how many quarter turns counter-clockwise (np.rot90) the stored pixels are
# from the picture as shown; a phone stores the sensor's pixels and says how to turn them.
EXIF_TURNS = {3: 2, 6: 1, 8: -1}


def write_pages(
    images: list[Any], path: Path, fmt: str, quality: int, dpi: float | None, orientation: int = 1
) -> None:
    """Write the pages; a .jpg with ``orientation`` stores them turned, with the EXIF tag."""
    import numpy as np
    from PIL import Image

    if orientation != 1:
        images = [np.ascontiguousarray(np.rot90(images[0], EXIF_TURNS[orientation]))]
    pictures = [Image.fromarray(image) for image in images]
    extra: dict[str, Any] = {"dpi": (round(dpi), round(dpi))} if dpi else {}
    if fmt == "jpg":
        if orientation != 1:
            exif = Image.Exif()
            exif[0x0112] = orientation
            extra["exif"] = exif
        pictures[0].save(path, quality=quality, **extra)
    elif fmt == "png":
        pictures[0].save(path, **extra)
    elif fmt == "tif":
        pictures[0].save(
            path, save_all=True, append_images=pictures[1:], compression="jpeg",
            quality=quality, **extra,
        )  # fmt: skip
    else:
        pictures[0].save(
            path, "PDF", save_all=True, append_images=pictures[1:], quality=quality,
            resolution=float(dpi or 200),
        )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# QR payloads (read with zxing-cpp here only to check the generator; the detector is not used)


def qr_payloads(image: Any) -> list[str]:
    """The texts of the QR codes zxing-cpp reads on ``image`` as it is (one try)."""
    import zxingcpp

    return [
        hit.text
        for hit in zxingcpp.read_barcodes(image)
        if hit.format == zxingcpp.BarcodeFormat.QRCode
    ]


def our_payloads(texts: list[str], serial: str) -> dict[str, bool]:
    """Which of our codes (letter ``CREDIT|serial|code``, signature ``CREDIT-SIG|…``) are there."""
    return {
        "letter": any(t.startswith("CREDIT|") and f"|{serial}|" in t for t in texts),
        "signature": any(t.startswith("CREDIT-SIG|") and f"|{serial}|" in t for t in texts),
    }


# ---------------------------------------------------------------------------------------------
# One letter → one file


@dataclass
class Plan:
    index: int
    serial: str
    credit_code: str
    template: str
    pdf: str
    signed: bool
    negative: str | None
    fmt: str
    photo: bool
    tilt: bool
    dpi: float
    quality: int


def plan_set(letters: list[Letter], seed: int) -> list[Plan]:
    """What happens to each letter; one generator, so the plan is the same for any ``jobs``."""
    rng = random.Random(f"plan:{seed}")
    plans = []
    n = len(letters)
    signed_flags = [i < round(n / 2) for i in range(n)]
    rng.shuffle(signed_flags)
    tilt_flags = [i < round(n / 3) for i in range(n)]
    rng.shuffle(tilt_flags)
    for index, (letter, signed, tilt) in enumerate(
        zip(letters, signed_flags, tilt_flags, strict=True)
    ):
        negative = None
        if not signed and rng.random() < 0.3:
            negative = rng.choice(["stray_pen", "red_highlight"])
        fmt = rng.choices(list(FORMAT_WEIGHTS), weights=list(FORMAT_WEIGHTS.values()))[0]
        plans.append(
            Plan(
                index=index,
                serial=letter.serial,
                credit_code=letter.credit_code,
                template=letter.template,
                pdf=str(letter.pdf),
                signed=signed,
                negative=negative,
                fmt=fmt,
                photo=tilt or rng.random() < 0.45,  # a tilted page is always a photo
                tilt=tilt,
                dpi=round(rng.uniform(150, 300)),
                quality=rng.randint(50, 85),
            )
        )
    return plans


def make_file(plan: Plan, out: Path, seed: int, check_qr: bool = False) -> dict[str, Any]:
    """Draw, distort and write one letter; the manifest row (truth and what was done)."""
    rng = random.Random(f"letter:{seed}:{plan.index}")
    pdf = Path(plan.pdf)
    blocks, sizes = find_blocks(pdf)
    if not blocks:
        raise RuntimeError(f"no signature labels found in {pdf.name}")
    pages = render(pdf, plan.dpi)
    clean = [our_payloads(qr_payloads(page), plan.serial) for page in pages]
    signature_page = max(b.page for b in blocks)
    if plan.signed:
        sign_pages(pages, blocks, plan.dpi, rng)
    elif plan.negative:
        target = signature_page
        region = _far_region(blocks, target, sizes[target], plan.dpi)
        (stray_pen if plan.negative == "stray_pen" else red_highlight)(
            pages[target], region, plan.dpi, rng
        )
    fmt = plan.fmt
    if fmt in ("jpg", "png") and len({b.page for b in blocks}) > 1:
        fmt = "tif"  # a block over two pages cannot go in one picture
    chosen = [signature_page] if fmt in ("jpg", "png") else list(range(len(pages)))
    images, distortions = [], []
    for number in chosen:
        image, record = distort(pages[number], rng, photo=plan.photo, tilt=plan.tilt)
        if fmt in ("png", "tif", "pdf") and plan.photo:
            image = jpeg_round_trip(image, plan.quality)  # a phone's JPEG, saved again
        images.append(image)
        distortions.append(record)
    name = f"scan_{plan.index:04d}.{fmt}"
    path = out / name
    orientation = 1
    if fmt == "jpg" and plan.photo and rng.random() < 0.3:
        orientation = rng.choice([3, 6, 8])
    write_pages(images, path, fmt, plan.quality, None if plan.photo else plan.dpi, orientation)
    row: dict[str, Any] = {
        "file": name,
        "serial": plan.serial,
        "credit_code": plan.credit_code,
        "template": plan.template,
        "signed": plan.signed,
        "negative": plan.negative,
        "format": fmt,
        "kind": "photo" if plan.photo else "scan",
        "dpi": plan.dpi,
        "jpeg_quality": plan.quality,
        "pages": [n + 1 for n in chosen],
        "exif_orientation": orientation,
        "signature_page": signature_page + 1,
        "blocks": [b.kind for b in blocks],
        "distortion": distortions,
        # our QR codes readable on the clean render of the pages in the file (before distortion):
        "qr_clean": {k: any(clean[n][k] for n in chosen) for k in ("letter", "signature")},
    }
    if check_qr:
        after = [our_payloads(qr_payloads(image), plan.serial) for image in images]
        row["qr_after"] = {k: any(a[k] for a in after) for k in ("letter", "signature")}
    return row


def _make_file(args: tuple[Plan, Path, int, bool]) -> dict[str, Any]:
    return make_file(*args)


def make_set(
    out: Path,
    *,
    letters: int = 200,
    seed: int = 13,
    jobs: int = 2,
    check_qr: bool = False,
    levels: list[str] | None = None,
) -> dict[str, Any]:
    """Build the whole set under ``out``: ``archive/``, ``printed/`` (the PDFs), ``scans/`` and ``truth.json``.

    Raises :class:`SynthUnavailable` when LibreOffice is missing.
    """
    started = time.perf_counter()
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if find_soffice() is None:
        raise SynthUnavailable("LibreOffice (soffice) is not installed")
    archive, issued = issue_letters(out, letters, seed, levels)
    shutil.copytree(archive, out / "archive.pristine")  # before any scan came in
    print_letters(issued, out / "printed", out / "lo-profile")
    printed = time.perf_counter()
    scans = out / "scans"
    scans.mkdir(exist_ok=True)
    plans = plan_set(issued, seed)
    tasks = [(plan, scans, seed, check_qr) for plan in plans]
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            rows = list(pool.map(_make_file, tasks))
    else:
        rows = [_make_file(task) for task in tasks]
    truth = {
        "seed": seed,
        "letters": letters,
        "archive": str(archive),
        "pristine": str(out / "archive.pristine"),
        "scans": str(scans),
        "seconds": {
            "letters_and_print": round(printed - started, 1),
            "images": round(time.perf_counter() - printed, 1),
        },
        "files": rows,
    }
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), "utf-8")
    return truth


def plan_as_dict(plan: Plan) -> dict[str, Any]:
    return asdict(plan)


# ---------------------------------------------------------------------------------------------
# The round trip: ingest as a user would, compare with the truth

MUST_MATCH = 0.99
MUST_RIGHT = 0.97


def run_ingest(truth: dict[str, Any], jobs: int = 2) -> tuple[list[dict[str, Any]], float]:
    """``credit --archive A ingest SCANS --nl --jobs N`` in a new process: its rows and seconds."""
    started = time.perf_counter()
    env = dict(os.environ, CREDIT_NO_PROGRESS="1", CREDIT_USER="扫描测试")
    for name in ("CREDIT_ARCHIVE", "CREDIT_LANG", "CREDIT_FAULT"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "cli", "--archive", truth["archive"], "ingest", truth["scans"],
         "--nl", "--jobs", str(jobs)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 3):  # 3: some files failed — that is a result, not a crash
        raise RuntimeError(f"credit ingest → {result.returncode}: {result.stderr[-2000:]}")
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return rows, seconds


def _why(row: dict[str, Any], matched: bool, got: bool | None) -> str:
    if not row:
        return "not in ingest's output"
    if not matched:
        return "not matched"
    if got is None:
        return "uncertain"
    return "UNSIGNED COUNTED SIGNED" if got else "signed counted unsigned"


def evaluate(truth: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Match rate, signed/unsigned right, uncertain, unsigned counted signed, failures.

    A file is *matched* when it was ingested with the letter's serial and filed under its code;
    *right* when matched and ``signed`` is exactly the truth (``None``, uncertain, is not right
    but is counted apart); an unsigned file whose ``signed`` is ``True`` is the one thing that
    must never happen, matched or not.
    """
    by_name = {Path(row["path"]).name: row for row in rows}
    files = truth["files"]
    matched = right = uncertain = unsigned_as_signed = signed_as_unsigned = 0
    failures: list[dict[str, Any]] = []
    groups: dict[str, dict[str, list[int]]] = {}
    scans = Path(truth["scans"])
    for item in files:
        row = by_name.get(item["file"], {})
        ok_match = (
            row.get("status") == "ingested"
            and row.get("serial") == item["serial"]
            and item["credit_code"] in (row.get("credit_codes") or [])
        )
        got = row.get("signed")
        ok_signed = ok_match and got is item["signed"]
        matched += ok_match
        right += ok_signed
        uncertain += ok_match and got is None
        unsigned_as_signed += (not item["signed"]) and got is True
        signed_as_unsigned += item["signed"] and got is False
        for key in (
            f"format={item['format']}",
            f"kind={item['kind']}",
            f"tilted={any(d['tilt'] for d in item['distortion'])}",
            f"template={item['template']}",
            f"truth={'signed' if item['signed'] else item['negative'] or 'unsigned'}",
        ):
            group = groups.setdefault(key, {"files": [0], "matched": [0], "right": [0]})
            group["files"][0] += 1
            group["matched"][0] += ok_match
            group["right"][0] += ok_signed
        if not ok_signed:
            failures.append(
                {
                    "path": str(scans / item["file"]),
                    "why": _why(row, ok_match, got),
                    "truth": {
                        k: item[k]
                        for k in (
                            "serial",
                            "template",
                            "signed",
                            "negative",
                            "format",
                            "kind",
                            "dpi",
                            "qr_clean",
                        )
                    },
                    "angle": [d["angle"] for d in item["distortion"]],
                    "tilt": [d["tilt"] for d in item["distortion"]],
                    "got": {k: row.get(k) for k in ("status", "reason", "serial", "signed")},
                }
            )
    n = len(files) or 1
    summary = {
        "files": len(files),
        "matched": matched,
        "match_rate": matched / n,
        "right": right,
        "right_rate": right / n,
        "uncertain": uncertain,
        "unsigned_counted_signed": unsigned_as_signed,
        "signed_counted_unsigned": signed_as_unsigned,
        "no_qr_before_distortion": sum(
            not (f["qr_clean"]["letter"] or f["qr_clean"]["signature"]) for f in files
        ),
        "groups": {
            key: {k: v[0] for k, v in value.items()} for key, value in sorted(groups.items())
        },
        "failures": failures,
        "why": dict(sorted(collections.Counter(f["why"] for f in failures).items())),
    }
    summary["must_hold"] = {
        f"matched ≥ {MUST_MATCH:.0%}": summary["match_rate"] >= MUST_MATCH,
        f"signed/unsigned right ≥ {MUST_RIGHT:.0%}": summary["right_rate"] >= MUST_RIGHT,
        "no unsigned counted signed": unsigned_as_signed == 0,
    }
    return summary


def report(summary: dict[str, Any], *, limit: int = 60) -> str:
    """The summary for people: rates, groups, the failures with their paths."""
    lines = [
        f"files {summary['files']}: matched by QR {summary['matched']} "
        f"({summary['match_rate']:.1%}); signed/unsigned right {summary['right']} "
        f"({summary['right_rate']:.1%}); uncertain {summary['uncertain']}; "
        f"unsigned counted signed {summary['unsigned_counted_signed']}; "
        f"signed counted unsigned {summary['signed_counted_unsigned']}; "
        f"no QR of ours even before distortion {summary['no_qr_before_distortion']}",
    ]
    for name, ok in summary["must_hold"].items():
        lines.append(f"  must hold: {name}: {'met' if ok else 'FAILED'}")
    if summary["why"]:
        lines.append("failures by why: " + ", ".join(f"{k} {v}" for k, v in summary["why"].items()))
    lines.append("by group (files / matched / right):")
    for key, group in summary["groups"].items():
        lines.append(f"  {key:32} {group['files']:4} {group['matched']:4} {group['right']:4}")
    failures = summary["failures"]
    if failures:
        lines.append(f"failures ({len(failures)}):")
        for failure in failures[:limit]:
            truth, got = failure["truth"], failure["got"]
            lines.append(
                f"  {failure['path']}  {failure['why']}: truth signed={truth['signed']}"
                f"{' (' + truth['negative'] + ')' if truth['negative'] else ''} "
                f"{truth['template']} {truth['kind']} {truth['dpi']} dpi angle={failure['angle']} "
                f"tilt={failure['tilt']}; got status={got['status']} signed={got['signed']} "
                f"reason={got['reason']}"
            )
        if len(failures) > limit:
            lines.append(f"  … and {len(failures) - limit} more (--json for all)")
    return "\n".join(lines)
