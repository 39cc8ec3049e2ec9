"""OCR of scanned pages without our QR code: tesseract (chi_sim), then the normal parsers.

The ``tesseract`` command is run in a subprocess (TSV output, a time limit), never through a
Python binding.  Each page is prepared first: a photographed page cut out of the picture and
its perspective undone (:func:`flatten_page`), grey, uneven light flattened, a small skew (up
to ±8°) measured from the rows of text and straightened, a page lying on its side turned
upright, text smaller than tesseract reads well scaled up; then read with ``--psm 4`` (one
column of lines: a label and its value in a table row stay on one line, which the automatic
layout of ``--psm 3`` splits into columns; on the 50-document set 文号 92 % against 90 %).  A
reading of low confidence is tried again the other way up (tesseract's orientation detection
``--psm 0`` with the ``osd`` data when installed, else 180°), and the better reading kept.

Tesseract returns Chinese text with a space between characters; the words are joined back
(spaces stay only between two Latin letters or digits) and every character keeps the
confidence of the word it came from, so each field the parsers find is given the mean
confidence of the words its value was read from: ``parsed.fields["ocr_confidence"]``
(credit code, 文号, enterprise name, dates, fine; 0–100).  A field read below
:data:`FIELD_FLOOR` is dropped (null) with a note in ``warnings``.  A credit code is taken
only as the parsers take any code: it must pass its GB 32100 check character; one that fails
stays ``invalid`` and is never matched (ingest may suggest the registered code one character
off it, never file by it).

Where that reading leaves the document's kind, its credit code, its 文号 or its party unread or
below :data:`SURE_FIELD`, the prepared first page (where those stand) is read again by PP-OCR
(:mod:`parsers.scan.ppocr`), the other pages kept as tesseract read them, and the two readings
made one (:func:`_combined`): what the first lacks is taken from the second;
a code the two read differently is taken from neither.

Without tesseract, or without its Chinese data, :func:`tesseract_status` gives the install
hint and the scan stays ``needs-ocr``.  ``CREDIT_TESSERACT`` names another tesseract binary
(an empty or missing path means none).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from archive.i18n import _
from parsers.base import (
    CODE_ABSENT,
    CODE_INVALID,
    CODE_VALID,
    Document,
    NamedEnterprise,
    ParsedDocument,
    ParseError,
)
from parsers.normalise import normalise_text
from parsers.scan import ppocr

__all__ = [
    "FIELD_FLOOR",
    "INSTALL_HINT",
    "OcrPage",
    "OcrWord",
    "ocr_document",
    "ocr_page",
    "tesseract_status",
]

LANGUAGE = "chi_sim"
TIMEOUT = 90.0  # seconds for one tesseract run
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-chi-sim"
# A reading whose mean word confidence is at least this is taken as it is (no other
# orientation tried).
GOOD_PAGE = 70.0
# A field whose words' mean confidence is below this is not used.  (chi_sim gives a
# character it reads right 85–95, but a 文号 read right has scored 49: word confidences
# tell garbage from text, not one wrong character from the right one.)
FIELD_FLOOR = 40.0
# The text line height (px) tesseract reads best at; smaller text is scaled up to it.
TARGET_LINE = 44
MIN_LINE = 30
MAX_SCALE = 3.0
MAX_SKEW = 8.0  # degrees

# The fields given a confidence; dates are every field named *_date, plus these.
_SCORED = ("doc_number", "fine_yuan", "rectification_deadline", "inspection_time")
_FOLLOWERS = {"doc_number": ("doc_number_raw",)}


@dataclass
class OcrWord:
    """One word of tesseract's TSV: its text, confidence (0–100), line (1-based, in the
    page's text) and box (left, top, width, height) in the prepared image's pixels."""

    text: str
    conf: float
    line: int
    box: tuple[int, int, int, int]


@dataclass
class OcrPage:
    """What tesseract read on one page: ``text`` (lines joined by ``\\n``, CJK spaces
    removed), its words, and how the page was prepared."""

    text: str
    words: list[OcrWord] = field(default_factory=list)
    rotation: int = 0  # degrees turned (counter-clockwise) before reading: 0, 90, 180, 270
    skew: float = 0.0  # degrees straightened
    scale: float = 1.0
    # per line of ``text``: the confidence of each character (the word's)
    char_conf: list[list[float]] = field(default_factory=list, repr=False)
    prepared: Any = field(default=None, repr=False)  # the grey image the words' boxes are in

    @property
    def confidence(self) -> float:
        """Mean confidence of the page's words (0 when nothing was read)."""
        scored = [word.conf for word in self.words if word.text.strip()]
        return sum(scored) / len(scored) if scored else 0.0


# --------------------------------------------------------------------------------------------
# Is tesseract there?


def _binary() -> str | None:
    configured = os.environ.get("CREDIT_TESSERACT")
    if configured is not None:
        return configured if configured and Path(configured).is_file() else None
    return shutil.which("tesseract")


@lru_cache(maxsize=4)
def _languages(binary: str) -> frozenset[str]:
    try:
        listed = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    lines = (listed.stdout + "\n" + listed.stderr).splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and " " not in line.strip())


def tesseract_status() -> str | None:
    """None when tesseract with Simplified Chinese (chi_sim) can be used; else why not and
    how to install it (Chinese)."""
    binary = _binary()
    configured = os.environ.get("CREDIT_TESSERACT")
    if configured and binary is None:
        return _(
            "环境变量 CREDIT_TESSERACT 指向的 {path} 不是文件：改成 tesseract 程序的路径，"
            "或删去这个变量",
            path=configured,
        )
    if binary is None:
        return _("未安装文字识别程序 tesseract：{command}", command=INSTALL_HINT)
    if configured and not _languages(binary):
        return _(
            "环境变量 CREDIT_TESSERACT 指向的 {path} 不是能运行的 tesseract 程序",
            path=configured,
        )
    if LANGUAGE not in _languages(binary):
        return _("tesseract 缺少简体中文识别数据（chi_sim）：{command}", command=INSTALL_HINT)
    return None


def _has_osd(binary: str) -> bool:
    return "osd" in _languages(binary)


# --------------------------------------------------------------------------------------------
# Preparing a page


def _grey(image):
    import cv2
    import numpy as np

    array = np.asarray(image)
    if array.ndim == 2:
        return array.astype(np.uint8, copy=False)
    if array.shape[2] == 4:
        array = array[:, :, :3]
    return cv2.cvtColor(array.astype(np.uint8, copy=False), cv2.COLOR_RGB2GRAY)


def _flatten_light(grey):
    """Divide by the page's background (a wide closing): shadows and uneven light go."""
    import cv2

    small = cv2.resize(grey, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15))
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    background = cv2.resize(background, (grey.shape[1], grey.shape[0]))
    return cv2.divide(grey, background, scale=255)


FAINT_INK = 60  # a page whose ink (its darkest 5 % of what is not paper) is lighter: faint


def _is_faint(grey) -> bool:
    """Whether a page's ink (the darkest 5 % of what is not paper) is lighter than
    :data:`FAINT_INK`."""
    import numpy as np

    ink = grey[grey < 200]
    return ink.size >= grey.size // 1000 and float(np.percentile(ink, 5)) > FAINT_INK


def _stretch_faint(grey):
    """A faint page (a pale photocopy: its darkest ink mid-grey, speckled) made to read: its
    speckle smoothed (median of 3 × 3) and its greys stretched so the darkest ink is black.
    A page with black ink is returned as it is.  Used only on a page read poorly as it was
    (:func:`ocr_page`)."""
    import cv2
    import numpy as np

    if not _is_faint(grey):
        return grey  # black ink (or no ink at all)
    smooth = cv2.medianBlur(grey, 3)
    low = float(np.percentile(smooth[smooth < 200], 5))
    scale = 255.0 / max(1.0, 250.0 - low)
    return np.clip((smooth.astype(np.float32) - low) * scale, 0, 255).astype(np.uint8)


def _ink(grey, width: int = 1000):
    """A small binary image of the ink (1 = ink), at most ``width`` pixels wide, and its scale."""
    import cv2

    scale = min(1.0, width / max(grey.shape[1], 1))
    small = (
        grey
        if scale == 1.0
        else cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    )
    _threshold, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink, scale


def _rotate(array, angle: float, *, fill: int = 255):
    """``array`` turned ``angle`` degrees counter-clockwise about its centre, canvas enlarged."""
    import cv2
    import numpy as np

    if angle % 360 == 0:
        return array
    quarter = round(angle / 90) % 4
    if abs(angle - round(angle / 90) * 90) < 1e-9:
        return np.ascontiguousarray(np.rot90(array, quarter))
    height, width = array.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_width, new_height = int(height * sin + width * cos), int(height * cos + width * sin)
    matrix[0, 2] += new_width / 2 - width / 2
    matrix[1, 2] += new_height / 2 - height / 2
    return cv2.warpAffine(
        array,
        matrix,
        (new_width, new_height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=fill,
    )


def _profile_score(ink, angle: float) -> tuple[float, float]:
    """How sharply rows and columns of ink stand out after turning ``angle`` degrees:
    (variance of row sums, variance of column sums), both per ink pixel."""
    rotated = _rotate(ink, angle, fill=0)
    total = float(rotated.sum()) or 1.0
    rows = rotated.sum(axis=1, dtype="float64")
    columns = rotated.sum(axis=0, dtype="float64")
    return float(rows.var()) / total, float(columns.var()) / total


def measure_skew(grey) -> tuple[float, bool]:
    """(skew in degrees to turn counter-clockwise, whether the lines run across the page).

    Text lines make the row profile of ink sharpest when they lie level: the angle is
    searched from -MAX_SKEW to MAX_SKEW, coarse then fine.  When the column profile is the
    sharper one the lines run down the page (a page lying on its side): the angle is then
    measured for the columns.
    """
    ink, _scale = _ink(grey, 800)
    if ink.sum() == 0:
        return 0.0, True
    across = True
    level = _profile_score(ink, 0.0)
    if level[1] > 1.5 * level[0]:
        across = False
        ink = _rotate(ink, 90, fill=0)

    def best(angles) -> float:
        return max(angles, key=lambda angle: _profile_score(ink, angle)[0])

    coarse = best([step * 0.5 for step in range(int(-2 * MAX_SKEW), int(2 * MAX_SKEW) + 1)])
    fine = best([coarse + step * 0.1 for step in range(-5, 6)])
    return round(fine, 2), across


def line_height(grey) -> float | None:
    """The median height (px) of the page's text lines, or None when there is no text."""
    import cv2
    import numpy as np

    ink, scale = _ink(grey, 1600)
    if ink.sum() == 0:
        return None
    # Smear each line of characters into one blob, then take the blobs' heights.
    width = max(3, int(ink.shape[1] / 60))
    smeared = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (width, 1)))
    count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(smeared, connectivity=8)
    heights = [
        stats[index, cv2.CC_STAT_HEIGHT]
        for index in range(1, count)
        if stats[index, cv2.CC_STAT_WIDTH] > 3 * stats[index, cv2.CC_STAT_HEIGHT]
        and stats[index, cv2.CC_STAT_HEIGHT] >= 4
    ]
    if not heights:
        return None
    return float(np.median(heights)) / scale


def page_quad(image):
    """The four corners of the paper in a photo (paper lighter than the table around it): a
    float32 array (top left, top right, bottom right, bottom left), or None when the page fills
    the picture (a scan) or no four-sided page is seen."""
    import cv2
    import numpy as np

    grey = _grey(image)
    height, width = grey.shape[:2]
    scale = 800 / max(height, width)
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    _threshold, paper = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    paper = cv2.morphologyEx(paper, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _hierarchy = cv2.findContours(paper, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    largest = max(contours, key=cv2.contourArea)
    share = cv2.contourArea(largest) / (small.shape[0] * small.shape[1])
    if not 0.25 <= share <= 0.97:
        return None
    quad = cv2.approxPolyDP(largest, 0.02 * cv2.arcLength(largest, True), True)
    if len(quad) != 4 or not cv2.isContourConvex(quad):
        return None
    points = quad.reshape(4, 2).astype(np.float32) / scale
    sums, differences = points.sum(axis=1), np.diff(points, axis=1).ravel()
    return np.array(
        [
            points[np.argmin(sums)],
            points[np.argmin(differences)],
            points[np.argmax(sums)],
            points[np.argmax(differences)],
        ],
        dtype=np.float32,
    )


def flatten_page(image):
    """A photographed page cut out of the picture and its perspective undone (the paper's
    corners mapped to a rectangle); the picture as it is when no page is found."""
    import cv2
    import numpy as np

    quad = page_quad(image)
    if quad is None:
        return image
    top_left, top_right, bottom_right, bottom_left = quad
    width = int(
        max(np.linalg.norm(top_right - top_left), np.linalg.norm(bottom_right - bottom_left))
    )
    height = int(
        max(np.linalg.norm(bottom_left - top_left), np.linalg.norm(bottom_right - top_right))
    )
    target = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32
    )
    matrix = cv2.getPerspectiveTransform(quad, target)
    return cv2.warpPerspective(np.asarray(image), matrix, (width, height), flags=cv2.INTER_CUBIC)


def prepare(image, *, faint: bool = False) -> tuple[Any, float, bool, float]:
    """(grey page ready for tesseract, skew straightened, lines across, scale applied); with
    ``faint``, a faint copy's ink stretched to black first (:func:`_stretch_faint`)."""
    import cv2

    grey = _flatten_light(_grey(flatten_page(image)))
    if faint:
        grey = _stretch_faint(grey)
    skew, across = measure_skew(grey)
    if not across:
        grey = _rotate(grey, 90)
    if abs(skew) >= 0.2:
        grey = _rotate(grey, skew)
    height = line_height(grey)
    scale = 1.0
    if height is not None and height < MIN_LINE:
        scale = min(MAX_SCALE, TARGET_LINE / height)
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return grey, skew, across, scale


# --------------------------------------------------------------------------------------------
# Running tesseract


def _run(binary: str, grey, arguments: list[str]) -> str:
    import cv2

    ok, encoded = cv2.imencode(".png", grey, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:  # pragma: no cover - a grey uint8 array always encodes
        raise ParseError(_("无法把页面交给文字识别程序"), "unreadable")
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one core per worker process
    try:
        done = subprocess.run(
            [binary, "stdin", "stdout", *arguments],
            input=encoded.tobytes(),
            capture_output=True,
            timeout=TIMEOUT,
            env=environment,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise ParseError(
            _("文字识别超时（超过 {seconds} 秒）", seconds=int(TIMEOUT)), "timeout"
        ) from error
    except OSError as error:
        raise ParseError(
            _("无法运行文字识别程序 tesseract：{detail}", detail=str(error)), "no_text"
        ) from error
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ParseError(
            _("文字识别程序出错：{detail}", detail=detail[-1] if detail else done.returncode),
            "damaged",
        )
    return done.stdout.decode("utf-8", "replace")


def _osd_rotation(binary: str, grey) -> tuple[int, float] | None:
    """(degrees to turn the page counter-clockwise, confidence) from tesseract's OSD."""
    try:
        output = _run(binary, grey, ["-l", "osd", "--psm", "0"])
    except ParseError:
        return None  # too little text for OSD: decided by confidence instead
    rotate = re.search(r"Rotate:\s*(\d+)", output)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", output)
    if rotate is None:
        return None
    # tesseract's "Rotate" is clockwise
    return (-int(rotate.group(1))) % 360, float(confidence.group(1)) if confidence else 0.0


_LATIN = re.compile(r"[0-9A-Za-z]")


def _joins_tight(before: str, after: str) -> bool:
    """Whether two words of a line are written together: anything but two Latin ones."""
    return not (_LATIN.match(before[-1:]) and _LATIN.match(after[:1]))


def _tsv_words(tsv: str):
    """The words of tesseract's TSV (level 5), NFKC, empty ones left out: (line key (block,
    paragraph, line…), box (left, top, width, height), confidence 0–100, text)."""
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        text = unicodedata.normalize("NFKC", cells[11]).strip()
        if text:
            key = tuple(int(cell) for cell in cells[1:5])
            box = tuple(int(cell) for cell in cells[6:10])
            yield key, box, max(0.0, float(cells[10])), text


def _page_from_tsv(tsv: str) -> OcrPage:
    """Words of tesseract's TSV (level 5) grouped into lines, joined, with per-char confidence."""
    lines: dict[tuple[int, int, int, int], list[tuple[str, float, tuple[int, int, int, int]]]] = {}
    for key, box, conf, text in _tsv_words(tsv):
        lines.setdefault(key, []).append((text, conf, box))  # type: ignore[arg-type]
    grouped: list[list[tuple[str, float, tuple[int, int, int, int]]]] = []
    previous_block = None
    for key in sorted(lines):
        if previous_block is not None and key[:2] != previous_block:
            grouped.append([])  # a blank line between blocks, as extracted text has
        previous_block = key[:2]
        grouped.append(lines[key])
    return _page_from_lines(grouped, None)


def _page_from_lines(lines: list, grey) -> OcrPage:
    """A page of lines of words (text, confidence, box): tesseract's, or the second engine's
    (:func:`parsers.scan.ppocr.read_lines`); words joined (spaces only between two Latin
    ones), each character with its word's confidence; an empty line stays blank."""
    texts: list[str] = []
    confs: list[list[float]] = []
    words: list[OcrWord] = []
    for line in lines:
        line_text, line_conf = "", []
        for text, conf, box in line:
            if line_text and not _joins_tight(line_text, text):
                line_text += " "
                line_conf.append(conf)
            line_text += text
            line_conf.extend([conf] * len(text))
            words.append(OcrWord(text, conf, len(texts) + 1, box))
        texts.append(line_text)
        confs.append(line_conf)
    return OcrPage(text="\n".join(texts), words=words, char_conf=confs, prepared=grey)


def _read(binary: str, grey) -> OcrPage:
    page = _page_from_tsv(_run(binary, grey, ["-l", LANGUAGE, "--psm", "4", "tsv"]))
    page.prepared = grey
    return page


_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _code_box(page: OcrPage, code: str) -> tuple[int, int, int, int] | None:
    """The box (left, top, right, bottom) of the words ``code`` was read from on ``page``."""
    by_line: dict[int, list[OcrWord]] = {}
    for word in page.words:
        by_line.setdefault(word.line, []).append(word)
    for words in by_line.values():
        compact = ""
        owners: list[int] = []
        for index, word in enumerate(words):
            for char in word.text.upper():
                if char.isalnum():
                    compact += char
                    owners.append(index)
        start = compact.find(code)
        if start < 0:
            continue
        chosen = [words[index] for index in sorted(set(owners[start : start + len(code)]))]
        left = min(word.box[0] for word in chosen)
        top = min(word.box[1] for word in chosen)
        right = max(word.box[0] + word.box[2] for word in chosen)
        bottom = max(word.box[1] + word.box[3] for word in chosen)
        return left, top, right, bottom
    return None


def reread_code(page: OcrPage, code: str) -> tuple[str, float] | None:
    """A second, independent reading of a credit code: its words' box alone, as one line,
    only code characters allowed (English model when installed).  (code, confidence), or
    None when the code's box is not found or nothing is read."""
    binary = _binary()
    box = _code_box(page, code) if page.prepared is not None else None
    if binary is None or box is None:
        return None
    left, top, right, bottom = box
    pad = max(4, (bottom - top) // 2)
    height, width = page.prepared.shape[:2]
    crop = page.prepared[
        max(0, top - pad) : min(height, bottom + pad), max(0, left - pad) : min(width, right + pad)
    ]
    language = "eng" if "eng" in _languages(binary) else LANGUAGE
    try:
        tsv = _run(
            binary,
            crop,
            [
                "-l",
                language,
                "--psm",
                "7",
                "-c",
                f"tessedit_char_whitelist={_CODE_ALPHABET}",
                "tsv",
            ],
        )
    except ParseError:
        return None
    words = _page_from_tsv(tsv).words
    text = "".join(word.text for word in words).upper()
    if not text:
        return None
    return text, min(word.conf for word in words)


def ocr_page(image) -> OcrPage:
    """Read one page (RGB or grey numpy array): prepared, read, tried the other way up when
    the reading is poor.  Raises ParseError (``no_text``) when tesseract is not usable."""
    status = tesseract_status()
    if status is not None:
        raise ParseError(status, "no_text", INSTALL_HINT)
    binary = _binary()
    assert binary is not None
    grey, skew, across, scale = prepare(image)
    base = 0 if across else 90
    page = _read(binary, grey)
    page.rotation, page.skew, page.scale = base, skew, scale
    if page.confidence >= GOOD_PAGE and len(page.words) >= 5:
        return page
    tries: list[int] = []
    osd = _osd_rotation(binary, grey) if _has_osd(binary) else None
    if osd is not None and osd[0] != 0:
        tries.append(osd[0])
    if 180 not in tries:
        tries.append(180)
    for turn in tries[:2]:
        other = _read(binary, _rotate(grey, turn))
        other.rotation, other.skew, other.scale = (base + turn) % 360, skew, scale
        if other.confidence > page.confidence + 5:
            page = other
        if page.confidence >= GOOD_PAGE:
            break
    if page.confidence < GOOD_PAGE and _is_faint(grey):
        # A faint copy read poorly: prepared and read once more with its ink stretched to
        # black (only then: on a copy read well, the stretch's smoothing can cost characters).
        grey, skew, across, scale = prepare(image, faint=True)
        turn = (page.rotation - (0 if across else 90)) % 360
        other = _read(binary, _rotate(grey, turn) if turn else grey)
        other.rotation, other.skew, other.scale = page.rotation, skew, scale
        if other.confidence > page.confidence + 5:
            page = other
    return page


# --------------------------------------------------------------------------------------------
# Key lines read again


# The lines that decide where a document is filed and under which number: a 文号 (a year in
# brackets), an addressee (a line ending in a colon), a label naming the party.
_KEY_LINE = re.compile(
    r"(?:19|20)\d{2}[ \t]*[〕\]】)）}jJ]|[:：][ \t]*$|^[^:：]{0,6}(?:单位|当事人|名称)[^:：]{0,4}[:：]"
)
_CODE_RUN = re.compile(r"[0-9A-Z]{12,}")  # a credit code's line: read again by its own path
KEY_LINES = 14  # among the page's first lines
REREAD_SCALES = (1.0, 1.25, 1.5)
UNSURE_CHAR = 50.0  # a key line with a character read less surely than this is read again


def _key_lines(page: OcrPage) -> list[int]:
    """1-based numbers of the key lines among the page's first :data:`KEY_LINES` (see
    ``_KEY_LINE``), not a code's line."""
    chosen: list[int] = []
    for number, line in enumerate(page.text.split("\n")[:KEY_LINES], start=1):
        if not _KEY_LINE.search(line) or _CODE_RUN.search(line.upper()) or len(line) < 4:
            continue
        confs = page.char_conf[number - 1] if number - 1 < len(page.char_conf) else []
        if len(confs) != len(line) or min(confs, default=0.0) < UNSURE_CHAR:
            chosen.append(number)
    return chosen


def _line_box(page: OcrPage, number: int) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) of line ``number``'s words with a little margin, not
    reaching into the lines above and below; a word box much taller than the line's small
    ones (tesseract's box for a character can take in ink of the next line) does not set
    the height."""
    words = [word for word in page.words if word.line == number and word.text.strip()]
    if not words:
        return None
    heights = sorted(word.box[3] for word in words)
    low = heights[len(heights) // 4]
    core = [word for word in words if word.box[3] <= 1.3 * low] or words
    left = min(word.box[0] for word in words)
    right = max(word.box[0] + word.box[2] for word in words)
    top = min(word.box[1] for word in core)
    bottom = max(word.box[1] + word.box[3] for word in core)
    middle, pad = (top + bottom) / 2, max(4, (bottom - top) // 4)
    above, below = top - pad, bottom + pad
    for word in page.words:
        if word.line == number or word.box[0] > right or word.box[0] + word.box[2] < left:
            continue
        if word.line < number and word.box[1] + word.box[3] < middle:
            above = max(above, word.box[1] + word.box[3] + 1)
        elif word.line > number and word.box[1] > middle:
            below = min(below, word.box[1] - 1)
    return left - pad, max(0, above), right + pad, below


def _stacked(grey, boxes: list[tuple[int, int, int, int]], scale: float):
    """The boxes cut out of ``grey``, scaled, one under another on white with a line's gap
    between them: (image, each crop's top and bottom in it)."""
    import cv2
    import numpy as np

    height, width = grey.shape[:2]
    crops = []
    for left, top, right, bottom in boxes:
        crop = grey[max(0, top) : min(height, bottom), max(0, left) : min(width, right)]
        if scale != 1.0:
            crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        crops.append(crop)
    gap = max(crop.shape[0] for crop in crops)
    margin = gap // 2
    sheet = np.full(
        (
            sum(crop.shape[0] + gap for crop in crops) + margin,
            max(crop.shape[1] for crop in crops) + 2 * margin,
        ),
        255,
        dtype=np.uint8,
    )
    spans = []
    y = margin
    for crop in crops:
        sheet[y : y + crop.shape[0], margin : margin + crop.shape[1]] = crop
        spans.append((y, y + crop.shape[0]))
        y += crop.shape[0] + gap
    return sheet, spans


def _lines_of_sheet(tsv: str, spans: list[tuple[int, int]]) -> list[tuple[str, list[float]]]:
    """Each crop's reading from the TSV of a stacked sheet: its words (by their box's middle)
    left to right, joined as a page's line is, with per-character confidence."""
    found: list[list[tuple[int, str, float]]] = [[] for _span in spans]
    for _key, (left, top, _width, tall), conf, text in _tsv_words(tsv):
        middle = top + tall / 2
        for index, (start, end) in enumerate(spans):
            if start <= middle <= end:
                found[index].append((left, text, conf))
                break
    readings = []
    for words in found:
        line, confs = "", []
        for _left, text, conf in sorted(words):
            if line and not _joins_tight(line, text):
                line += " "
                confs.append(conf)
            line += text
            confs.extend([conf] * len(text))
        readings.append((line, confs))
    return readings


def _vote(
    base: str, base_conf: list[float], others: list[tuple[str, list[float]]]
) -> tuple[str, list[float]]:
    """``base`` with a Chinese character changed to another where more of the other readings
    agree on that one, at the same place (aligned, the differing run the same length), than read it
    as ``base`` did (``base`` counts as one of them, and wins a tie); at least two must
    agree.  The confidences are kept aligned; the length never changes."""
    from difflib import SequenceMatcher

    votes: list[dict[str, list[float]]] = [{} for _char in base]
    for text, confs in others:
        matcher = SequenceMatcher(None, base, text, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag not in ("equal", "replace") or i2 - i1 != j2 - j1:
                continue
            for offset in range(i2 - i1):
                char = text[j1 + offset]
                conf = confs[j1 + offset] if j1 + offset < len(confs) else 0.0
                votes[i1 + offset].setdefault(char, []).append(conf)
    chars, confs = list(base), list(base_conf)
    for index, by_char in enumerate(votes):
        own = len(by_char.get(base[index], [])) + 1
        best = max(by_char.items(), key=lambda item: len(item[1]), default=None)
        if (
            best is None
            or not "\u4e00" <= base[index] <= "\u9fff"
            or not "\u4e00" <= best[0] <= "\u9fff"
            or len(best[1]) < 2
            or len(best[1]) <= own
        ):
            continue
        chars[index] = best[0]
        if index < len(confs):
            confs[index] = sum(best[1]) / len(best[1])
    return "".join(chars), confs


def reread_key_lines(page: OcrPage) -> str:
    """``page.text`` with its key lines (文号, addressee, party: ``_KEY_LINE``) as a second
    reading gives them: each key line with a character read unsurely is cut out and read
    again alone, stacked with the others, at each of :data:`REREAD_SCALES`; a character that
    more of those readings agree on than the page's reading replaces it (``_vote``: 冶炼 read
    as 冶煤 in the page, as 冶炼 twice alone).  The page's own reading is not changed: the
    second one is only a witness (see ``ParsedDocument.reread``), since the same misreading
    can come back from every crop (罚 read as 昼 three times)."""
    binary = _binary()
    lines = page.text.split("\n")
    if binary is None or page.prepared is None:
        return page.text
    boxed = [(number, box) for number in _key_lines(page) if (box := _line_box(page, number))]
    if not boxed:
        return page.text
    numbers = [number for number, _box in boxed]
    boxes = [box for _number, box in boxed]
    readings: list[list[tuple[str, list[float]]]] = [[] for _number in numbers]
    for scale in REREAD_SCALES:
        sheet, spans = _stacked(page.prepared, boxes, scale)
        try:
            tsv = _run(binary, sheet, ["-l", LANGUAGE, "--psm", "6", "tsv"])
        except ParseError:
            return page.text
        for index, reading in enumerate(_lines_of_sheet(tsv, spans)):
            readings[index].append(reading)
    for index, number in enumerate(numbers):
        confs = page.char_conf[number - 1] if number - 1 < len(page.char_conf) else []
        lines[number - 1] = _vote(lines[number - 1], confs, readings[index])[0]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# From pages to a parsed document


def _joined(pages: list[OcrPage]) -> tuple[str, list[list[float]]]:
    texts: list[str] = []
    confs: list[list[float]] = []
    for page in pages:
        if texts:
            texts.append("")
            confs.append([])
        texts.extend(page.text.split("\n"))
        confs.extend(page.char_conf or [[] for _line in page.text.split("\n")])
    return "\n".join(texts), confs


# A 文号's year and serial as OCR misreads them: doubled brackets (``[2024]】``,
# ``【〔2024]``), a 1 read as ``]`` or ``|`` (``〔2024]18]号``, ``〔2024]]号``: the serial's 1 taken
# for a second bracket), a closing bracket read as ``1]`` or ``j``, 号 read as another
# character at the line's end, an opening （ read as 〈 or {, an opening bracket lost
# between the 文号's last character and the year (``责改2026]40号``).
_YEAR_SERIAL = re.compile(
    r"(?P<open>[〔\[【(（{〈<]{1,2}|(?<=[\u4e00-\u9fff]))[ \t]*(?P<year>(?:19|20)\d{2})[ \t]*"
    # the closing bracket: doubled, read as 1] (〔20251]), as j (【2026j) or ]j
    r"(?P<close>(?:1(?=[〕\]】)）}]))?[〕\]】)）}jJ]{1,3}|1(?=[ \t]+(?:第[ \t]*)?\d{1,4}[ \t]*号))"
    r"[ \t]*(?P<first>第)?[ \t]*(?P<serial>[\d\]|]*)[ \t]*"
    # 号, or at the end of the line one character read in its place (053握), or two (号's
    # 口 and 丂 read apart: 1工亏)
    r"(?:号|(?<=\d)(?P<odd>[\u4e00-\u9fff]{1,2})$)"
)
# A 文号's year with a digit misread (〔2626〕, [2925], 〔26025〕: 0 read as 6 or 9, or a digit
# doubled): before a closing bracket and the serial's 号.
_ODD_YEAR = re.compile(
    r"(?<=[\u4e00-\u9fff])[ \t]*[〔\[【(（{〈<][ \t]*(?P<year>\d{4,5})"
    r"(?=[ \t]*[〕\]】)）}jJ1][ \t]*(?:第[ \t]*)?\d{1,4}[ \t]*号)"
)
FIRST_YEAR = 2000  # a 文号 of this century


def plausible_year(year: str, last: int) -> str | None:
    """A 文号's year as OCR read it (four or five digits), or the one year between
    :data:`FIRST_YEAR` and ``last`` that one digit changed (or, of five, dropped) gives;
    None when there is none or more than one.

    >>> plausible_year("2626", 2027), plausible_year("2925", 2027), plausible_year("26025", 2027)
    ('2026', '2025', '2025')
    >>> plausible_year("2024", 2027), plausible_year("2088", 2027)
    ('2024', None)
    """
    if len(year) == 4 and FIRST_YEAR <= int(year) <= last:
        return year
    digits = "0123456789"
    if len(year) == 4:
        near = {year[:i] + d + year[i + 1 :] for i in range(4) for d in digits if d != year[i]}
    else:
        near = {year[:i] + year[i + 1 :] for i in range(len(year))}
    fits = [other for other in near if FIRST_YEAR <= int(other) <= last]
    return fits[0] if len(fits) == 1 else None


_DOUBLED_YEAR = re.compile(r"([〔\[【(（]{1,2})[ \t]*((?:19|20)\d{2})[ \t]*([〕\]】)）]{1,2})")
_PLACE_OPEN = re.compile(r"^[ \t]*[〈<{《]([^\d()〈<{《》>}]{1,10})\)")


def _replace(line: str, confs: list[float], start: int, end: int, fixed: str):
    spread = confs[start:end]
    mean = sum(spread) / len(spread) if spread else 0.0
    return line[:start] + fixed + line[end:], confs[:start] + [mean] * len(fixed) + confs[end:]


# A credit-code label followed by what OCR made of its colon (”|, ;:, ‘): a colon.
_CODE_LABEL_MARKS = re.compile(
    r"(?P<label>统一社会信用代码|社会信用代码|信用代码)[ \t]*(?P<marks>[”“\"'‘’；;,，.。|:：]{1,3})"
    r"(?=[ \t]*[0-9A-Za-z])"
)


# A code after its label with one character OCR read as a bracket or bar (91340600MA2U]Y987H):
# what that mark may be in a code (1, or J).
_CODE_WITH_MARK = re.compile(
    r"(?<=代码:)[ \t]*(?P<code>(?=[0-9A-Za-z]*[\]\[|!][0-9A-Za-z]*(?:[^0-9A-Za-z\]\[|!]|$))"
    r"[0-9A-Za-z\]\[|!]{18})(?![0-9A-Za-z])"
)
# An addressee line (…公司, …厂: a name alone, no list marker, no sentence) ended with a
# semicolon or comma OCR read for its colon.
_ADDRESSEE_END = re.compile(
    r"^[ \t]*[\u4e00-\u9fff][^,，、。;；:：\d]{2,38}(?:公司|[厂站店矿社]|中心|(?<!作业)场)"
    r"(?P<end>[;；,，]{1,2})[ \t]*$"
)


_LOST_CLOSE = re.compile(
    r"(?<=[\u4e00-\u9fff])[〔\[【(（][ \t]*(?P<year>(?:19|20)\d{2})[ \t]+(?P<serial>第?\d{1,4})[ \t]*号"
)
_NO_SUCH_WORD = re.compile(
    r"应总(?=管理|[\u4e00-\u9fff]{0,6}[ \t]*[〔\[【(（{〈<]?[ \t]*(?:19|20)\d{2})"
)


def _code_mark(line: str, confs: list[float]) -> tuple[str, list[float]]:
    """A code after its label with one mark OCR read for a character (``_CODE_WITH_MARK``):
    the one reading of that mark as 1 or J that passes the code's check, if only one does."""
    found = _CODE_WITH_MARK.search(line)
    if found is None:
        return line, confs
    code = found.group("code").upper()
    at = next(index for index, char in enumerate(code) if char in "][|!")
    fits = [code[:at] + char + code[at + 1 :] for char in "1J"]
    fits = [fit for fit in fits if _whole_code(fit)]
    if len(fits) != 1:
        return line, confs
    start = found.start("code") + at
    return line[:start] + fits[0][at] + line[start + 1 :], confs


def _repair(line: str, confs: list[float]) -> tuple[str, list[float]]:
    """A 文号 as OCR misreads it, made what was printed (see ``_YEAR_SERIAL``); the
    confidences kept aligned with the characters.  Only where nothing else can stand: a
    bracket inside the serial before 号 is a 1, never a guess at a character; a year no
    文号 can have (〔2626〕) is the one year a digit off it that can be (``plausible_year``,
    up to next year)."""
    # 急 read as 总 (thin strokes: a fax, a photocopy): 应总 is no word of a 文号 or a bureau
    for wrong in _NO_SUCH_WORD.finditer(line):
        line = line[: wrong.start()] + "应急" + line[wrong.end() :]
    angle = re.search(r"[〈<{《](?=(?:统一)?社会信用代码)", line)  # （ read as 〈 before the label
    if angle is not None:
        line, confs = _replace(line, confs, angle.start(), angle.end(), "(")
    label = _CODE_LABEL_MARKS.search(line)
    if label is not None and label.group("marks") not in (":", "：", "|"):
        line, confs = _replace(line, confs, label.start("marks"), label.end("marks"), ":")
    line, confs = _code_mark(line, confs)
    end = _ADDRESSEE_END.search(line)
    if end is not None and not _YEAR_SERIAL.search(line):
        line, confs = _replace(line, confs, end.start("end"), end.end("end"), ":")
    lost = _LOST_CLOSE.search(line)  # 〔2025 41号: the closing bracket lost, a gap in its place
    if lost is not None:
        fixed = f"〔{lost.group('year')}〕{lost.group('serial')}号"
        line, confs = _replace(line, confs, lost.start(), lost.end(), fixed)
    odd = _ODD_YEAR.search(line)
    if odd is not None:
        year = plausible_year(odd.group("year"), date.today().year + 1)
        if year is not None and year != odd.group("year"):
            line, confs = _replace(line, confs, odd.start("year"), odd.end("year"), year)
    match = _YEAR_SERIAL.search(line)
    if match is not None:
        close, serial = match.group("close"), match.group("serial")
        if not serial and len(close) >= 2 and close[-1] in "]|":
            serial = close[-1]
        serial = re.sub(r"[\]|]", "1", serial)
        if serial:
            fixed = f"〔{match.group('year')}〕{match.group('first') or ''}{serial}号"
            line, confs = _replace(line, confs, match.start(), match.end(), fixed)
    else:
        match = _DOUBLED_YEAR.search(line)
        if match is not None and len(match.group(1)) + len(match.group(3)) >= 3:
            line, confs = _replace(line, confs, match.start(), match.end(), f"〔{match.group(2)}〕")
    if _YEAR_SERIAL.search(line):  # （〈蓝）: a stray mark read inside the place's bracket
        stray = re.match(r"^([ \t]*[(（])[〈<《{]", line)
        if stray is not None:
            at = stray.end() - 1
            line, confs = line[:at] + line[at + 1 :], confs[:at] + confs[at + 1 :]
    place = _PLACE_OPEN.match(line)
    if place is not None and _YEAR_SERIAL.search(line):
        start = place.start() + len(place.group()) - len(place.group(1)) - 2
        line, confs = _replace(line, confs, start, start + 1, "(")
    return line, confs


def _aligned(text: str, confs: list[list[float]]) -> tuple[str, list[list[float] | None]]:
    """The normalised text, and per line the characters' confidence (None where
    normalising changed a line's length, so characters no longer line up)."""
    lines = text.split("\n")
    repaired = [_repair(line, conf) for line, conf in zip(lines, confs, strict=True)]
    raw = "\n".join(line for line, _conf in repaired)
    normalised = normalise_text(raw)
    result: list[list[float] | None] = []
    for (line, conf), done in zip(repaired, normalised.split("\n"), strict=True):
        if len(done) == len(line) == len(conf):
            result.append(conf)
            continue
        # Spaces between CJK removed: drop their entries; anything else cannot be aligned.
        kept = [value for char, value in zip(line, conf, strict=False) if char not in " \t\u3000"]
        squeezed = "".join(char for char in line if char not in " \t\u3000")
        if len(kept) == len(done) and squeezed == done.replace(" ", ""):
            result.append(_spread(done, line, conf))
        else:
            result.append(None)
    return normalised, result


def _spread(done: str, line: str, conf: list[float]) -> list[float]:
    """Confidence per character of ``done``: ``line`` with some spaces removed."""
    out, index = [], 0
    for char in done:
        while index < len(line) and line[index] != char:
            index += 1
        out.append(conf[index] if index < len(conf) else 0.0)
        index += 1
    return out


def _span_confidence(
    lines: list[str],
    confs: list[list[float] | None],
    line: int | None,
    text: str | None,
    *,
    least: bool = False,
) -> float | None:
    """Mean confidence of ``text`` found on ``line`` (1-based; or anywhere when None); with
    ``least``, its least sure character's."""
    if not text:
        return None
    pattern = re.compile(r"[ \t]*".join(re.escape(char) for char in text if not char.isspace()))
    order = range(len(lines))
    if line is not None and 1 <= line <= len(lines):
        order = [line - 1, *[index for index in range(len(lines)) if index != line - 1]]
    for index in order:
        found = pattern.search(lines[index])
        if found is None:
            continue
        values = confs[index]
        if values is None:
            return None
        span = values[found.start() : found.end()]
        if least:
            return min(span) if span else None
        return round(sum(span) / len(span), 1) if span else None
    if least:
        return None
    if line is not None and 1 <= line <= len(lines) and confs[line - 1]:
        values = confs[line - 1]
        return round(sum(values) / len(values), 1)
    return None


def _code_confidence(lines, confs, code: str) -> float | None:
    """Confidence of a credit code as printed: its characters, spaces or hyphens between."""
    pattern = re.compile(r"[ \t\-]*".join(re.escape(char) for char in code), re.IGNORECASE)
    for index, line in enumerate(lines):
        found = pattern.search(line)
        if found is not None and confs[index] is not None:
            span = confs[index][found.start() : found.end()]
            return round(sum(span) / len(span), 1) if span else None
    # broken across two lines
    for index in range(len(lines) - 1):
        joined = lines[index] + lines[index + 1]
        found = pattern.search(joined)
        if found is not None and confs[index] is not None and confs[index + 1] is not None:
            span = (confs[index] + confs[index + 1])[found.start() : found.end()]
            return round(sum(span) / len(span), 1) if span else None
    return None


def _scored_fields(parsed: ParsedDocument) -> list[str]:
    names = [name for name in parsed.fields if name.endswith("_date") or name in _SCORED]
    return sorted(set(names), key=list(parsed.fields).index)


def _drop(parsed: ParsedDocument, label: str, value: Any, conf: float) -> None:
    parsed.warnings.append(
        _(
            "OCR 识别“{field}”把握不足（置信度 {conf}），未采用：{value}",
            field=label,
            conf=round(conf) if conf is not None else "—",
            value=value,
        )
    )


# Letters a credit code never has (GB 32100 leaves out I, O, S, V, Z) read for the digits they
# look like: in a code OCR read, such a letter can only be a misreading.
_NEVER_IN_CODE = str.maketrans({"O": "0", "I": "1", "Z": "2", "S": "5"})


def _read_lookalikes(parsed: ParsedDocument, main: Any) -> None:
    """A code OCR read with letters no code has (92340604MA2UKOO15N): those letters read as
    the digits they look like; taken only when the whole then passes its check character."""
    first = main.credit_code
    second = first.upper().translate(_NEVER_IN_CODE)
    if second == first.upper() or not _whole_code(second):
        return
    main.credit_code, main.credit_code_status = second, CODE_VALID
    parsed.warnings.append(
        _(
            "OCR 读出的代码 {first} 含代码中不会有的字母，按形近的数字读作 {second}，校验通过",
            first=first,
            second=second,
        )
    )


def _reread_invalid(parsed: ParsedDocument, main: Any, pages: list[OcrPage]) -> float | None:
    """A code read by OCR that fails its check (a letter read as a Chinese character, a
    character lost) is read once more from its own box, as one line of code characters only.
    The second reading is taken only when it is a whole code that passes its check digit;
    otherwise the first stays ``invalid`` (never matched).  Returns the second reading's
    confidence when it was taken."""
    first = main.credit_code
    second = next((found for page in pages if (found := reread_code(page, first))), None)
    if second is None or not _whole_code(second[0]):
        return None
    main.credit_code, main.credit_code_status = second[0], CODE_VALID
    parsed.warnings.append(
        _(
            "OCR 读出的代码 {first} 校验不通过；单独重读为 {second}，校验通过",
            first=first,
            second=second[0],
        )
    )
    return second[1]


def without_rules(grey):
    """The page with its table rules (long thin horizontal and vertical runs of ink) painted
    white — tesseract reads a label/value table in a photo as ruling, not text — and whether
    there were any (more than a page-width of rule in all)."""
    import cv2

    _threshold, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    height, width = grey.shape[:2]
    across = cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, width // 25), 1))
    down = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, height // 25)))
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, across) | cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, down
    )
    rules = cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    cleaned = grey.copy()
    cleaned[rules > 0] = 255
    return cleaned, int((rules > 0).sum()) > width


def _whole_code(code: str) -> bool:
    """A reading that is a whole credit code passing its check character."""
    from archive import uscc

    return len(code) == 18 and uscc.is_valid(code)


def _codes_of(page: OcrPage, found: dict[str, float | None], exclude: set[str]) -> None:
    """The credit codes on ``page`` (a second reading) that pass their check, as read or read
    once more from their own box, and are sure enough (or confirmed by that box): into
    ``found`` with their confidence."""
    from parsers.fields.codes import find_credit_codes

    lines = page.text.split("\n")
    for candidate in find_credit_codes(page.text):
        if candidate.mentioned or candidate.code in exclude:
            continue  # another organisation's, named in the text
        code, conf = candidate.code, None
        if candidate.status == CODE_VALID:
            conf = _code_confidence(lines, page.char_conf, code)
        elif candidate.status == CODE_INVALID:
            again = reread_code(page, code)
            if again is None or not _whole_code(again[0]):
                continue
            code, conf = again
        else:
            continue
        if conf is None or conf < FIELD_FLOOR:  # unsure: confirmed by its box alone
            again = reread_code(page, code)
            if again is None or again[0] != code:
                continue
            conf = max(conf or 0.0, again[1])
        found[code] = conf


def _hunt_code(parsed: ParsedDocument, pages: list[OcrPage]) -> float | None:
    """No credit code at all in the reading (a table photographed: its rules break the lines):
    each page with a table read again with the rules removed, as sparse text (``--psm 11``),
    then as one block (``--psm 6``) while no code is found.  A code found there is taken only
    when it passes its check (as read, or read once more from its own box) and it is the only
    one; its confidence is returned, else None."""
    binary = _binary()
    if binary is None:
        return None
    from parsers.fields.codes import find_credit_codes

    # codes the first reading found standing after another organisation's name
    exclude = {
        code.code for page in pages for code in find_credit_codes(page.text) if code.mentioned
    }
    found: dict[str, float | None] = {}
    for page in pages:
        if page.prepared is None:
            continue
        grey, ruled = without_rules(page.prepared)
        if not ruled:
            continue  # no table: the first reading stands
        for mode in ("11", "6"):
            try:
                second = _page_from_tsv(_run(binary, grey, ["-l", LANGUAGE, "--psm", mode, "tsv"]))
            except ParseError:
                continue
            second.prepared = grey
            before = len(found)
            _codes_of(second, found, exclude)
            if len(found) > before:
                break
    if len(found) != 1:
        return None
    code, conf = next(iter(found.items()))
    if parsed.enterprises:
        main = parsed.enterprises[0]
        main.credit_code, main.credit_code_status = code, CODE_VALID
    else:
        parsed.enterprises.append(NamedEnterprise(None, code, CODE_VALID))
    parsed.warnings.append(_("OCR 没有读出代码；去掉表格线后重读出 {code}，校验通过", code=code))
    return conf


def score_fields(
    parsed: ParsedDocument,
    text: str,
    confs: list[list[float] | None],
    pages: list[OcrPage] = (),  # type: ignore[assignment]
) -> None:
    """``parsed.fields["ocr_confidence"]``, and fields read too unsurely dropped (noted)."""
    lines = text.split("\n")
    scores: dict[str, float | None] = {}
    for name in _scored_fields(parsed):
        found = parsed.fields[name]
        conf = _span_confidence(lines, confs, found.line, found.source or str(found.value))
        scores[name] = conf
        if conf is not None and conf < FIELD_FLOOR:
            _drop(parsed, name, found.value, conf)
            del parsed.fields[name]
            for follower in _FOLLOWERS.get(name, ()):
                parsed.fields.pop(follower, None)
    if parsed.enterprises:
        main = parsed.enterprises[0]
        reread = None
        as_read = main.credit_code  # as the text has it (before look-alike letters are read)
        if main.credit_code and main.credit_code_status == CODE_INVALID:
            reread = _reread_invalid(parsed, main, pages)
            if reread is None:
                _read_lookalikes(parsed, main)
        if reread is not None:  # read again on its own and passes its check: that reading
            scores["credit_code"] = round(reread, 1)
        elif main.credit_code:
            conf = _code_confidence(lines, confs, as_read or main.credit_code)
            if main.credit_code_status == CODE_VALID and (conf is None or conf < FIELD_FLOOR):
                # Word confidences of a long run of letters and digits are low even when it
                # is read right: a second reading of its box alone that agrees confirms it.
                second = next(
                    (found for page in pages if (found := reread_code(page, main.credit_code))),
                    None,
                )
                confirmed = second is not None and second[0] == main.credit_code
                if confirmed:
                    conf = max(conf or 0.0, second[1])
            else:
                confirmed = True
            scores["credit_code"] = conf
            # A code read the same twice is kept whatever the confidences say.
            if not confirmed and (conf is None or conf < FIELD_FLOOR):
                _drop(parsed, "credit_code", main.credit_code, conf)
                if main.credit_code_status == CODE_VALID:  # a witness for ingest, no more
                    parsed.unsure_code = main.credit_code
                main.credit_code, main.credit_code_status = None, CODE_ABSENT
        if main.name:
            conf = _span_confidence(lines, confs, None, main.name)
            scores["enterprise_name"] = conf
            parsed.name_conf_min = _span_confidence(lines, confs, None, main.name, least=True)
            if conf is not None and conf < FIELD_FLOOR:
                _drop(parsed, "enterprise_name", main.name, conf)
                main.name = None
    if (not parsed.enterprises or not parsed.enterprises[0].credit_code) and pages:
        hunted = _hunt_code(parsed, list(pages))
        if hunted is not None:
            scores["credit_code"] = round(hunted, 1)
    parsed.put("ocr_confidence", {name: value for name, value in scores.items()})


TITLES = (
    "责令限期整改指令书",
    "责令限期改正指令书",
    "责令改正违法行为决定书",
    "现场检查记录",
    "安全生产现场检查记录",
    "整改复查意见书",
    "隐患整改复查意见书",
    "行政处罚决定书",
    "当场行政处罚决定书",
    "当场处罚决定书",
    "不予行政处罚决定书",
    "行政处罚告知书",
    "行政处罚事先告知书",
    "行政处罚听证告知书",
    "陈述申辩告知书",
    "强制措施决定书",  # not a kind of ours: known, so nothing else is made of it
    "行政处罚信息公示",
    "事故调查报告",
    "安全生产承诺书",
    "诚信履行情况报告表",
    "资料报送单",
)
"""The titles the parsers recognise documents by: an OCR'd title a character or two off one of
them is read as that title (the parsers need it whole)."""

TITLE_LINES = 6  # a title stands in the first lines


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


_TITLE_HEAD = re.compile(
    r"^(.*?)((?:[。.,，:：\s]*[(（〔\[【〈<{][^\n]*[〔\[【(（]?(?:19|20)\d{2}[^\n]*)?)$"
)


def repair_titles(text: str) -> tuple[str, list[str]]:
    r"""A title line among the first :data:`TITLE_LINES` that OCR read a little wrong (束改 for
    整改, 指兮书 for 指令书) is put right when exactly one known title is that close (two
    characters off a title of eight or more, one off a shorter one): the text and a note.

    >>> repair_titles("责令限期束改指兮书\n蓝应急责改〔2026〕3号")[0].splitlines()[0]
    '责令限期整改指令书'
    >>> repair_titles("整改复碍辣见书")[1]  # two off a title of seven: perhaps another title
    []
    >>> repair_titles("行政处罚告知书")[1], repair_titles("某某公司：")[1]
    ([], [])
    """
    lines = text.split("\n")
    notes: list[str] = []
    seen = 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        seen += 1
        if seen > TITLE_LINES:
            break
        # the title alone, or before its 文号 on the same line (…决定书。(湘永蓝)应急罚〔2026〕…)
        head, tail = _TITLE_HEAD.match(line).group(1, 2)  # type: ignore[union-attr]
        compact = re.sub(r"[\s·•.。:：]", "", head)
        if not compact or compact in TITLES or len(compact) < 5:
            continue
        close = [t for t in TITLES if _distance(compact, t) <= (2 if len(t) >= 8 else 1)]
        if len(close) == 1:
            lines[index] = close[0] + tail
            notes.append(
                _("OCR 读出的标题“{read}”按“{title}”处理", read=line.strip(), title=close[0])
            )
            break
    return "\n".join(lines), notes


_LABEL_LEAD = re.compile(r"^[ \t|]*")
_LABEL_MARKS = re.compile(r"[;；”“\"',，]{1,2}:?(?=[ \t]*[\u4e00-\u9fff0-9A-Za-z])")


# What follows a label: its colon, a table's rule, a space, a date or a number; after a label
# naming the party, the name itself.
_AFTER_LABEL = re.compile(r"$|[ \t|:：0-9(（]")
_PARTY_WORDS = ("单位", "名称", "当事人", "被处罚人")


def _label_goes_on(label: str, after: str) -> bool:
    """Whether ``after`` can follow ``label`` as its value follows a label (not as prose)."""
    if _AFTER_LABEL.match(after):
        return True
    return any(word in label for word in _PARTY_WORDS) and "\u4e00" <= after[:1] <= "\u9fff"


def repair_labels(text: str) -> tuple[str, list[str]]:
    r"""A label at a line's start that OCR read one character off (做检查单位 for 被检查单位,
    丛查时间 for 检查时间) is put right when exactly one known label of four characters or more
    is that close, character for character: the parsers find a field only after its label.

    >>> repair_labels("|做检查单位|蓝山县正大矿业有限公司\nx")[0].splitlines()[0]
    '|被检查单位|蓝山县正大矿业有限公司'
    >>> repair_labels("丛查时间2026年4月1日")[0], repair_labels("检查发现问题三项")[1]
    ('检查时间2026年4月1日', [])
    >>> repair_labels("检查时发现消防通道堵塞")[0], repair_labels("整改期间，停止作业")[0]
    ('检查时发现消防通道堵塞', '整改期间，停止作业')
    """
    from parsers.fields.doc_numbers import one_off
    from parsers.fields.labels import ALL_LABELS

    labels = [label for label in ALL_LABELS if len(label) >= 4]
    sizes = sorted({len(label) for label in labels}, reverse=True)
    lines = text.split("\n")
    notes: list[str] = []
    for index, line in enumerate(lines):
        lead = len(_LABEL_LEAD.match(line).group())  # type: ignore[union-attr]
        body = line[lead:]
        known = next((label for label in sorted(labels, key=len, reverse=True)
                      if body.startswith(label)), None)  # fmt: skip
        if known is not None:
            marks = _LABEL_MARKS.match(body[len(known) :])
            if marks is not None:  # 被处罚单位;蓝山县… : the colon OCR read as ; or ”
                at = lead + len(known)
                lines[index] = line[:at] + ":" + line[at + marks.end() :]
            continue
        if not body:
            continue
        for size in sizes:
            head = body[:size]
            if len(head) < size or not all("\u4e00" <= char <= "\u9fff" for char in head):
                continue
            close = one_off(head, labels)
            if len(close) == 1 and not _label_goes_on(close[0], body[size:]):
                break  # prose that begins like a label: 检查时发现…, 整改期间，…
            if len(close) == 1:
                lines[index] = line[:lead] + close[0] + body[size:]
                notes.append(_("OCR 读出的“{read}”按“{label}”处理", read=head, label=close[0]))
                break
            if close:
                break  # two labels as close: left as read
    return "\n".join(lines), notes


def _second_reading(read: list[OcrPage], again: list[str], lines: list[str]) -> dict[int, str]:
    """The lines (1-based) of the parsers' text that the key lines' second reading (one text
    per page, :func:`reread_key_lines`) gives otherwise, through the same normalising and
    repairs: {line: text}."""
    if all(text == page.text for page, text in zip(read, again, strict=True)):
        return {}
    other = [
        OcrPage(text=text, char_conf=page.char_conf) for page, text in zip(read, again, strict=True)
    ]
    raw, confs = _joined(other)
    text = repair_labels(repair_titles(_aligned(raw, confs)[0])[0])[0].split("\n")
    if len(text) != len(lines):
        return {}
    return {
        number: second
        for number, (first, second) in enumerate(zip(lines, text, strict=True), start=1)
        if first != second and len(first) == len(second)
    }


def _parse_reading(
    read: list[OcrPage], name: Path, *, engine: str, rereads: bool = True
) -> ParsedDocument:
    """One engine's reading of the pages through repairs, the normal parsers and the fields'
    confidences (``rereads``: tesseract reads unsure codes and key lines again from their
    boxes; not for the second engine, whose boxes are its own)."""
    from parsers.registry import parse_document

    raw, confs = _joined(read)
    text, aligned = _aligned(raw, confs)
    text, title_notes = repair_titles(text)
    text, label_notes = repair_labels(text)
    document = Document(
        path=name, media="image", text=text, raw_text=raw, pages=len(read), extractor=engine
    )
    parsed = parse_document(document)
    parsed.warnings.extend(title_notes + label_notes)
    parsed.lines = document.lines
    if rereads:
        again = [reread_key_lines(page) for page in read]
        parsed.reread = _second_reading(read, again, parsed.lines)
    score_fields(parsed, text, aligned, read if rereads else [])
    return parsed


# A field read by tesseract at least this surely is not read again by the second engine.
SURE_FIELD = 80.0


def _unsure(parsed: ParsedDocument) -> list[str]:
    """What the first reading leaves unread or unsure (empty: nothing to read again)."""
    scores = parsed.get("ocr_confidence") or {}
    unsure = []
    if parsed.kind == "unknown":
        unsure.append("kind")
    if parsed.credit_code_status != CODE_VALID or (scores.get("credit_code") or 0) < SURE_FIELD:
        unsure.append("credit_code")
    if parsed.get("doc_number") is None or (scores.get("doc_number") or 0) < SURE_FIELD:
        unsure.append("doc_number")
    if not parsed.enterprise_name:
        unsure.append("enterprise_name")
    if parsed.reread:
        unsure.append("reread")
    return unsure


def _code_read(parsed: ParsedDocument) -> str | None:
    """The code a reading takes (passing its check), or holds unsure."""
    if parsed.credit_code_status == CODE_VALID:
        return parsed.credit_code
    return parsed.unsure_code


def _set_code(parsed: ParsedDocument, code: str | None, status: str, name: str | None) -> None:
    if parsed.enterprises:
        main = parsed.enterprises[0]
        main.credit_code, main.credit_code_status = code, status
        if name and not main.name:
            main.name = name
    elif code or name:
        parsed.enterprises.append(NamedEnterprise(name, code, status))


def _combined(first: ParsedDocument, second: ParsedDocument) -> tuple[ParsedDocument, list[str]]:
    """Tesseract's reading (``first``) and PP-OCR's (``second``) made one: the reading that
    knows the document's kind is the base; what it lacks is taken from the other; a credit
    code they read differently is taken from neither (held for the clerk)."""
    base, other = first, second
    if first.kind == "unknown" and second.kind != "unknown":
        base, other = second, first
    scores = dict(base.get("ocr_confidence") or {})
    theirs = other.get("ocr_confidence") or {}
    taken: list[str] = []

    # The credit code: each reading's code passing its check (or held unsure).
    ours, its = _code_read(base), _code_read(other)
    other_name = other.enterprise_name
    if ours and its and ours != its:
        base.warnings.append(
            _(
                "两次文字识别读出的信用代码不同（{first} / {second}），都未采用，请核对",
                first=ours,
                second=its,
            )
        )
        _set_code(base, None, CODE_ABSENT, None)
        base.unsure_code = None
        scores.pop("credit_code", None)
    elif its and (base.credit_code_status != CODE_VALID):
        agreed = its == base.unsure_code
        if other.credit_code_status == CODE_VALID or agreed:
            _set_code(base, its, CODE_VALID, other_name)
            base.unsure_code = None
            scores["credit_code"] = max(
                theirs.get("credit_code") or 0.0, scores.get("credit_code") or 0.0
            )
            taken.append("credit_code")
        else:
            base.unsure_code = its
    elif ours and its == ours:
        scores["credit_code"] = max(
            scores.get("credit_code") or 0.0, theirs.get("credit_code") or 0.0
        )
    elif (
        not ours
        and base.credit_code_status == CODE_ABSENT
        and other.credit_code_status == CODE_INVALID
    ):
        _set_code(base, other.credit_code, CODE_INVALID, other_name)  # for a suggestion
    if (
        base.enterprises
        and not base.enterprise_name
        and other_name
        and (its is None or its == _code_read(base))
    ):
        base.enterprises[0].name = other_name
        base.name_conf_min = other.name_conf_min
        scores["enterprise_name"] = theirs.get("enterprise_name")
        taken.append("enterprise_name")

    names = {first.enterprise_name, second.enterprise_name}
    if base.enterprise_name and None not in names and len(names) == 2:
        # The engines read the name differently: as sure as the less sure of the two (a name
        # tesseract read surely stays sure whatever the other engine read).
        least = [
            value for value in (first.name_conf_min, second.name_conf_min) if value is not None
        ]
        base.name_conf_min = min(least) if least else None

    # The 文号: taken from the other reading when the base has none, or read it less surely.
    number, its_number = base.get("doc_number"), other.get("doc_number")
    if its_number and number != its_number:
        mine, its_score = scores.get("doc_number") or 0.0, theirs.get("doc_number") or 0.0
        if number is None or (mine < SURE_FIELD and its_score >= SURE_FIELD):
            if number is not None and base.fields["doc_number"].line in base.reread:
                del base.reread[base.fields["doc_number"].line]
            for field_name in ("doc_number", *_FOLLOWERS["doc_number"]):
                found = other.fields.get(field_name)
                if found is not None:
                    base.put(field_name, found.value, None, found.source)
            if "doc_number" in other.candidates:  # explain: the candidates of the reading taken
                base.candidates["doc_number"] = other.candidates["doc_number"]
            scores["doc_number"] = its_score
            taken.append("doc_number")
    if base is second:
        base.reread = {}  # the first reading's lines are not this one's
        taken.insert(0, "kind")
    base.put("ocr_confidence", scores)
    base.second_lines = other.lines
    base.second_reading = {
        "doc_number": other.get("doc_number"),
        "names": [named.name for named in other.enterprises if named.name],
    }
    if "credit_code" in taken:  # how the code was read, as that reading noted it
        base.warnings.extend(note for note in other.warnings if "代码" in note)
    return base, taken


def _unscaled(page: OcrPage):
    """The prepared page (straightened, upright) at the size it was scanned: small text was
    scaled up for tesseract, which PP-OCR's detection does not need."""
    if page.scale <= 1.0:
        return page.prepared
    import cv2

    return cv2.resize(
        page.prepared, None, fx=1 / page.scale, fy=1 / page.scale, interpolation=cv2.INTER_AREA
    )


def ocr_document(pages: list, path: Path | None = None) -> ParsedDocument:
    """OCR every page (``parsers.scan.pages.Page`` or numpy arrays), parse the text with the
    normal parsers, and give each field its OCR confidence (see the module docstring).  Where
    tesseract's reading leaves the kind, the credit code, the 文号 or the enterprise unread or
    unsure, the prepared first page is read again by PP-OCR (:mod:`parsers.scan.ppocr`) and
    the two readings combined (:func:`_combined`).

    Raises ParseError ``no_text`` when tesseract is not usable or nothing could be read.
    """
    read = [ocr_page(getattr(page, "image", page)) for page in pages]
    name = path or Path("scan")
    if not any(word.text.strip() for page in read for word in page.words):
        raise ParseError(
            _("文字识别没有读出任何文字：{name}", name=name.name),
            "no_text",
            _("请重新扫描（200–300 dpi，页面放正、清晰）后再导入"),
        )
    parsed = _parse_reading(read, name, engine="tesseract")
    unsure = _unsure(parsed)
    second_pages: list[OcrPage] = []
    taken: list[str] = []
    if unsure and not ppocr.available():
        parsed.warnings.append(
            _(
                "第二个文字识别引擎（PP-OCR）不可用，{fields} 只有 tesseract 的识别结果："
                "请重新安装 credit（pip install rapidocr onnxruntime）",
                fields="、".join(unsure),
            )
        )
    elif unsure:
        try:
            # The first page holds what is read again (title, 文号, party, code); the rest
            # stand as tesseract read them (a 30-page scan is not read twice).
            first = _unscaled(read[0])
            second_pages = [_page_from_lines(ppocr.read_lines(first), first), *read[1:]]
        except Exception as error:  # out of memory, a broken model: tesseract's reading stands
            parsed.warnings.append(
                _(
                    "第二个文字识别引擎未能读完（{error}），只用 tesseract 的结果",
                    error=(str(error).strip().splitlines() or [type(error).__name__])[-1][:160],
                )
            )
            second_pages = []
        if second_pages and second_pages[0].words:
            other = _parse_reading(second_pages, name, engine="ppocr", rereads=False)
            parsed, taken = _combined(parsed, other)
    parsed.put(
        "ocr",
        {
            "engine": "tesseract",
            "language": LANGUAGE,
            "second_engine": ppocr.ENGINE if second_pages else None,
            "unsure": unsure,
            "taken": taken,
            "pages": [
                {
                    "confidence": round(page.confidence, 1),
                    "rotation": page.rotation,
                    "skew": page.skew,
                    "scale": round(page.scale, 2),
                }
                for page in read
            ],
        },
    )
    return parsed
