"""The signature check on paper (parsers/scan/signature.py).

Most tests draw a signature block themselves -- the QR code where the template puts it, glyph-like
print in the label cells, a seal, pen strokes -- on a white page at 150–300 dpi, then turn, tilt
and photograph it (perspective, noise, JPEG), so they need neither fonts nor LibreOffice.  One
test checks the catalog's geometry against LibreOffice's rendering of the shipped templates.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest

cv2 = pytest.importorskip("cv2")
np = pytest.importorskip("numpy")
zxingcpp = pytest.importorskip("zxingcpp")

from archive.letters.catalog import (  # noqa: E402
    BODY_CHAR_MM,
    BODY_LINE_MM,
    DATE_LINE,
    SIGNATURE_BLOCKS,
    SIGNATURE_QR_MM,
)
from archive.letters.render.qr import signature_payload, signature_qr_png  # noqa: E402
from parsers.scan import signature as S  # noqa: E402

SERIAL, CODE = "蓝应急诺〔2026〕0007号", "91431127MA4L8R2K77"
SIGNATURE_LEVELS = ("unit", "workshop", "team", "post")
INK = (25, 35, 110)  # a blue-black pen
PRINT = (20, 20, 20)
SEAL_RED = (205, 35, 45)


class _Sheet:
    """The lower part of a page with the block drawn in the frame's millimetres (origin: the QR
    picture's top left, at ``ORIGIN`` mm on a sheet of ``SIZE`` mm)."""

    ORIGIN = (30.0, 45.0)
    SIZE = (170, 130)

    def __init__(self, dpi: int, rng) -> None:
        self.scale = dpi / 25.4
        self.rng = rng
        width, height = self.SIZE
        self.image = np.full(
            (round(height * self.scale), round(width * self.scale), 3), 250, np.uint8
        )

    def px(self, x: float, y: float) -> tuple[int, int]:
        return (
            round((self.ORIGIN[0] + x) * self.scale),
            round((self.ORIGIN[1] + y) * self.scale),
        )

    def qr(self, layout: str) -> None:
        png = np.frombuffer(signature_qr_png(layout, SERIAL, CODE), np.uint8)
        symbol = cv2.imdecode(png, cv2.IMREAD_GRAYSCALE)
        size = round(SIGNATURE_QR_MM * self.scale)
        symbol = cv2.resize(symbol, (size, size), interpolation=cv2.INTER_AREA)
        x, y = self.px(0, 0)
        self.image[y : y + size, x : x + size] = symbol[..., None]

    def glyph(self, x: float, y: float) -> None:
        """Print-like strokes filling about a quarter of a character's cell."""
        w = BODY_CHAR_MM
        for _ in range(4):
            x0, y0 = x + self.rng.uniform(0.4, 1.2), y + self.rng.uniform(0.3, 5.2)
            x1, y1 = x + self.rng.uniform(4.0, 5.0), y0 + self.rng.uniform(-0.4, 0.4)
            cv2.line(self.image, self.px(x0, y0), self.px(x1, y1), PRINT, self._pen(0.45))
        for _ in range(2):
            x0 = x + self.rng.uniform(0.8, w - 0.8)
            cv2.line(self.image, self.px(x0, y + 0.2), self.px(x0, y + 5.4), PRINT, self._pen(0.45))

    def _pen(self, mm: float) -> int:
        return max(1, round(mm * self.scale))

    def labels(self, layout: str) -> list[S._Line]:
        lines = S.block_geometry(layout)
        for line in lines:
            for index, char in enumerate(line.text):
                if char != "　":
                    self.glyph(S.LABEL_X_MM + index * BODY_CHAR_MM, line.top + S.GLYPH_TOP_MM)
        return lines

    def scribble(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """A handwriting-like stroke across the box (mm)."""
        points = []
        turns = self.rng.uniform(3, 7)
        for k in range(60):
            t = k / 59
            x = x0 + (x1 - x0) * t
            y = (y0 + y1) / 2 + (y1 - y0) / 2 * 0.8 * math.sin(t * turns * math.pi)
            points.append(self.px(x, y))
        cv2.polylines(self.image, [np.array(points, np.int32)], False, INK, self._pen(0.5))

    def seal(self, x: float, y: float, diameter: float = 40.0) -> None:
        over = self.image.copy()
        centre, radius = self.px(x, y), round(diameter / 2 * self.scale)
        cv2.circle(over, centre, radius, SEAL_RED, self._pen(1.2))
        star = [
            self.px(
                x
                + (0.25 if k % 2 == 0 else 0.1)
                * diameter
                / 2
                * math.cos(-math.pi / 2 + k * 0.2 * math.pi),
                y
                + (0.25 if k % 2 == 0 else 0.1)
                * diameter
                / 2
                * math.sin(-math.pi / 2 + k * 0.2 * math.pi),
            )
            for k in range(10)
        ]
        cv2.fillPoly(over, [np.array(star, np.int32)], SEAL_RED)
        for k in range(12):  # the enterprise's name around the ring
            a = math.pi * (0.8 + 1.4 * k / 11)
            cx, cy = x + 0.33 * diameter * math.cos(a), y + 0.33 * diameter * math.sin(a)
            cv2.rectangle(
                over,
                self.px(cx - 1.6, cy - 1.6),
                self.px(cx + 1.6, cy + 1.6),
                SEAL_RED,
                self._pen(0.5),
            )
        self.image = np.minimum(self.image, over)

    def sign(self, lines: list[S._Line], *, signature=True, date=True, seal=True) -> None:
        for line in lines:
            if line.text.endswith("（签字）：") and signature:
                area = S._signature_area(line)
                self.scribble(area.x0 + 3, line.top + 2, area.x0 + 38, line.top + 9)
            elif line.text == DATE_LINE and date:
                for blank in S._date_blanks(line):
                    self.scribble(blank.x0 + 0.8, line.top + 2.5, blank.x1 - 0.8, line.top + 8)
            elif line.text.endswith("（盖章）：") and seal:
                self.seal(S.LABEL_X_MM + 3.5 * BODY_CHAR_MM, line.top + 4)


def _photograph(image, rng, *, angle: float, perspective: float = 0.0, quality: int = 70):
    """Turn the page by ``angle``, tilt it, light it unevenly, add noise, save as JPEG."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    matrix[0, 2] += nw / 2 - w / 2
    matrix[1, 2] += nh / 2 - h / 2
    image = cv2.warpAffine(image, matrix, (nw, nh), borderValue=(80, 80, 80))
    if perspective:
        h, w = image.shape[:2]
        d = perspective
        source = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
        target = np.float32(
            [[w * d, h * d * 0.5], [w * (1 - d * 0.3), 0], [w, h], [w * d * 0.6, h * (1 - d * 0.4)]]
        )
        image = cv2.warpPerspective(
            image, cv2.getPerspectiveTransform(source, target), (w, h), borderValue=(80, 80, 80)
        )
    yy, xx = np.mgrid[0 : image.shape[0], 0 : image.shape[1]]
    light = 0.72 + 0.28 * (xx / image.shape[1]) * (1 - 0.3 * yy / image.shape[0])
    noisy = image * light[..., None] + rng.normal(0, 6, image.shape)
    image = np.clip(noisy, 0, 255).astype(np.uint8)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def _signature_hit(image):
    for barcode in zxingcpp.read_barcodes(image):
        if barcode.text.startswith("CREDIT-SIG|"):
            p = barcode.position
            corners = [
                [p.top_left.x, p.top_left.y],
                [p.top_right.x, p.top_right.y],
                [p.bottom_right.x, p.bottom_right.y],
                [p.bottom_left.x, p.bottom_left.y],
            ]
            return SimpleNamespace(text=barcode.text, corners=np.array(corners, float))
    raise AssertionError("the signature QR code was not decoded")


def _sheet(layout: str, dpi: int, seed: int, **signed):
    rng = np.random.default_rng(seed)
    sheet = _Sheet(dpi, rng)
    sheet.qr(layout)
    lines = sheet.labels(layout)
    if signed:
        sheet.sign(lines, **signed)
    return sheet, rng


CASES = [
    (layout, dpi, angle, perspective)
    for layout in SIGNATURE_BLOCKS
    for dpi, angle, perspective in (
        (150, 0, 0.0),
        (200, 93, 0.0),
        (300, 181, 0.1),
        (200, 311, 0.12),
    )
]


@pytest.mark.parametrize(("layout", "dpi", "angle", "perspective"), CASES)
def test_signed_and_unsigned_blocks_are_told_apart(layout, dpi, angle, perspective) -> None:
    seed = zlib.crc32(f"{layout}{dpi}{angle}".encode())  # the same pages on every run
    for signed in (True, False):
        arguments = {"signature": True, "date": True, "seal": True} if signed else {}
        sheet, rng = _sheet(layout, dpi, seed, **arguments)
        photo = _photograph(sheet.image, rng, angle=angle, perspective=perspective)
        check = S.check_signature(photo, _signature_hit(photo))
        assert check.layout == layout
        assert check.verdict == (S.SIGNED if signed else S.UNSIGNED), check
        assert check.signed is signed
        assert 0.5 <= check.confidence <= 1.0
        kinds = {region.kind for region in check.regions}
        assert {"signature", "date"} <= kinds
        assert ("seal" in kinds) == any(
            label.endswith("（盖章）：") for block in SIGNATURE_BLOCKS[layout] for label in block
        )
        for region in check.regions:
            assert len(region.polygon) == 4
            assert region.found is signed


@pytest.mark.parametrize("missing", ["signature", "date", "seal"])
def test_a_block_missing_one_part_is_not_signed(missing: str) -> None:
    """The programme counts a letter signed only when signer, date and (on a scan) seal are there."""
    parts = {"signature": True, "date": True, "seal": True, missing: False}
    sheet, rng = _sheet("commitment_unit", 200, 7, **parts)
    photo = _photograph(sheet.image, rng, angle=27)
    check = S.check_signature(photo, _signature_hit(photo))
    assert check.verdict == S.UNSIGNED
    absent = [region.kind for region in check.regions if region.found is False]
    assert absent == [missing]
    assert any("空白" in reason for reason in check.reasons)


def test_red_that_is_no_seal_leaves_the_block_uncertain() -> None:
    """A red highlighter line over the block is red ink, but not round: not a seal, not nothing."""
    sheet, rng = _sheet("commitment_unit", 200, 11, signature=True, date=True, seal=False)
    a, b = sheet.px(S.LABEL_X_MM, 6), sheet.px(S.LABEL_X_MM + 60, 8)
    cv2.line(sheet.image, a, b, SEAL_RED, sheet._pen(3.0))
    photo = _photograph(sheet.image, rng, angle=0)
    check = S.check_signature(photo, _signature_hit(photo))
    assert check.verdict == S.UNCERTAIN
    assert check.signed is None
    (seal,) = [region for region in check.regions if region.kind == "seal"]
    assert seal.found is None and seal.score > S.RED_NOISE_MM2


def test_a_line_printed_elsewhere_is_never_read_as_signed() -> None:
    """A block whose second part sits a line higher than the template says (another program's
    layout, a hand-made copy): its label print falls where a signature would be -- that line is
    unsure, never ink."""
    rng = np.random.default_rng(9)
    sheet = _Sheet(200, rng)
    sheet.qr("commitment_post")
    lines = S.block_geometry("commitment_post")
    moved = [
        S._Line(line.top - (BODY_LINE_MM if line.block else 0), line.text, line.block)
        for line in lines
    ]
    for line in moved:
        for index, char in enumerate(line.text):
            if char != "　":
                sheet.glyph(S.LABEL_X_MM + index * BODY_CHAR_MM, line.top + S.GLYPH_TOP_MM)
    sheet.sign(moved[:2], signature=True, date=True)
    photo = _photograph(sheet.image, rng, angle=12)
    check = S.check_signature(photo, _signature_hit(photo))
    assert check.verdict != S.SIGNED and check.signed is not True
    assert any("不在应在的位置" in reason for reason in check.reasons)


def test_a_stray_mark_away_from_the_block_counts_for_nothing() -> None:
    sheet, rng = _sheet("commitment_post", 200, 5)
    sheet.scribble(-25, 55, 40, 75)  # well below and left of the block
    photo = _photograph(sheet.image, rng, angle=90)
    assert S.check_signature(photo, _signature_hit(photo)).verdict == S.UNSIGNED


def test_a_qr_code_without_its_block_is_uncertain_never_signed() -> None:
    """The code alone (a copy pasted elsewhere, a page cut): the labels are not where it says."""
    rng = np.random.default_rng(3)
    sheet = _Sheet(200, rng)
    sheet.qr("commitment_unit")
    sheet.scribble(30, 2, 120, 30)  # ink where the areas would be, but no print to align on
    photo = _photograph(sheet.image, rng, angle=45)
    check = S.check_signature(photo, _signature_hit(photo))
    assert check.verdict == S.UNCERTAIN and check.confidence == 0.0
    assert "对准失败" in check.reasons[0]


def test_unknown_layout_and_foreign_codes_are_uncertain() -> None:
    corners = np.array([[0, 0], [100, 0], [100, 100], [0, 100]], float)
    image = np.full((400, 400, 3), 255, np.uint8)
    text = signature_payload("someone_elses_template", SERIAL, CODE)
    check = S.check_signature(image, SimpleNamespace(text=text, corners=corners))
    assert check.verdict == S.UNCERTAIN and "someone_elses_template" in check.reasons[0]
    check = S.check_signature(
        image, SimpleNamespace(text=f"CREDIT|{SERIAL}|{CODE}", corners=corners)
    )
    assert check.verdict == S.UNCERTAIN


def test_the_check_travels_as_json() -> None:
    import json

    sheet, _rng = _sheet("commitment_team", 150, 2, signature=True, date=True)
    check = S.check_signature(sheet.image, _signature_hit(sheet.image))
    data = json.loads(json.dumps(check.as_dict()))
    assert data["verdict"] == "signed" and data["layout"] == "commitment_team"
    assert {region["kind"] for region in data["regions"]} == {"signature", "date"}


# -- the catalog's geometry is LibreOffice's rendering of the shipped templates -----------------


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_catalog_geometry_matches_the_rendered_templates(
    tmp_path: Path, runner, archive_dir
) -> None:
    """Where LibreOffice puts the labels relative to the signature QR code is where the check
    looks for them (the shipped templates' numbers are the catalog's)."""
    pdfplumber = pytest.importorskip("pdfplumber")
    from tests.conftest import invoke
    from tests.helpers import make_code

    code = make_code(42)
    assert (
        invoke(
            runner,
            "enterprise",
            "add",
            code,
            "--name",
            "蓝山县测试化工有限公司",
            archive=archive_dir,
        ).exit_code
        == 0
    )
    out = tmp_path / "letters"
    levels = [arg for level in SIGNATURE_LEVELS for arg in ("--level", level)]
    result = invoke(runner, "gen-commitment", code, *levels, "--out", str(out), archive=archive_dir)
    assert result.exit_code == 0, result.output
    docs = sorted(out.glob("*.docx"))
    assert len(docs) == len(SIGNATURE_BLOCKS)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *map(str, docs),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    mm = 25.4 / 72
    checked = 0
    for pdf_path in sorted((tmp_path / "pdf").glob("*.pdf")):
        with pdfplumber.open(pdf_path) as pdf:
            pages = [page for page in pdf.pages if any(i["top"] * mm > 60 for i in page.images)]
            (page,) = pages  # the signature QR code: one, not at the top of the first page
            (qr,) = [image for image in page.images if image["top"] * mm > 60]
            assert abs((qr["x1"] - qr["x0"]) * mm - SIGNATURE_QR_MM) < 0.3
            for line in page.extract_text_lines():
                text = line["text"].replace(" ", "")
                if not text.endswith(("（签字）：", "（盖章）：")) and not text.startswith(
                    "日期："
                ):
                    continue
                x = (line["x0"] - qr["x0"]) * mm
                assert abs(x - S.LABEL_X_MM) < 0.6, (pdf_path.name, text, x)
                y = (line["top"] - qr["top"]) * mm - S.GLYPH_TOP_MM
                row = round(y / BODY_LINE_MM)
                assert abs(y - row * BODY_LINE_MM) < 0.8, (pdf_path.name, text, y)
                checked += 1
    assert checked == sum(
        len(block) + 1 for blocks in SIGNATURE_BLOCKS.values() for block in blocks
    )


def test_a_black_and_white_scan_leaves_the_seal_to_the_clerk() -> None:
    """Greyscale, a red seal is grey: signed and dated, the letter is uncertain (never counted
    signed, never counted unsigned for want of red); without a signature it is still unsigned."""
    for signed, expected in ((True, S.UNCERTAIN), (False, S.UNSIGNED)):
        marks = {"signature": True, "date": True, "seal": True} if signed else {}
        sheet, rng = _sheet("commitment_unit", 200, 21, **marks)
        photo = _photograph(sheet.image, rng, angle=3)
        grey = cv2.cvtColor(cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
        check = S.check_signature(grey, _signature_hit(grey))
        assert check.verdict == expected, check
        (seal,) = [region for region in check.regions if region.kind == "seal"]
        assert seal.found is None
        assert any("黑白扫描件" in reason for reason in check.reasons)


@pytest.mark.parametrize("layout", ["commitment_post", "commitment_unit"])
def test_a_tall_signature_reaching_into_the_empty_date_line_is_no_date(layout: str) -> None:
    """Signed but not dated: the signature's long strokes come down over the date's blanks.
    That ink begins on the line above, so it is not a date -- the letter is not signed."""
    sheet, rng = _sheet(layout, 200, 17)
    lines = S.block_geometry(layout)
    for line in lines:
        if line.text.endswith("（签字）："):
            area = S._signature_area(line)
            # from the signature's line well down into the date line, across its blanks
            sheet.scribble(
                S.LABEL_X_MM + 10, line.top + 2, area.x0 + 30, line.top + BODY_LINE_MM + 8
            )
            sheet.scribble(area.x0 + 2, line.top + 2, area.x0 + 40, line.top + 9)
        elif line.text.endswith("（盖章）："):
            sheet.seal(S.LABEL_X_MM + 3.5 * BODY_CHAR_MM, line.top + 4)
    photo = _photograph(sheet.image, rng, angle=8)
    check = S.check_signature(photo, _signature_hit(photo))
    assert check.verdict != S.SIGNED, check
    dates = [region for region in check.regions if region.kind == "date"]
    assert dates and all(region.found is not True for region in dates)
