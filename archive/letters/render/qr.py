"""The QR code of a letter: what it holds (:data:`QR_PAYLOAD_FORMAT`) and its PNG.

The symbol is encoded by segno (imported when a code is made); the mask is chosen here and the
PNG is written here, 1 bit per pixel, without an imaging library.
"""

from __future__ import annotations

import functools
import itertools
import struct
import zlib
from collections.abc import Iterable
from typing import Any

QR_MEDIA = "word/media/credit_qr.png"
"""Zip member of the QR placeholder picture; its bytes are replaced in every letter."""

QR_SIGN_MEDIA = "word/media/credit_qr_sign.png"
"""Zip member of the second QR code, beside the signature block of a letter that comes back
signed (the commitment letters): it holds :data:`SIGNATURE_PAYLOAD_FORMAT`, so that a scan of
the page that carries the signatures is matched too, and the signature and date areas are found
from its corners (:mod:`parsers.scan.signature`)."""

QR_PAYLOAD_PREFIX = "CREDIT"
QR_PAYLOAD_FORMAT = QR_PAYLOAD_PREFIX + "|{serial}|{credit_code}"
"""What the QR code holds: ``CREDIT|<serial>|<credit code>`` (UTF-8, byte mode; the code is
empty for a letter to a section).  The serial never contains ``|`` at its end, the code never
contains ``|``: :func:`parse_qr_payload` splits at the last one."""


QR_SIZE_PIXELS = 236
"""Target width of the QR image: 2 cm at 300 dpi (the picture's size on the page is set by the
template; the pixels only decide how sharp it prints)."""


SIGNATURE_PAYLOAD_PREFIX = "CREDIT-SIG"
SIGNATURE_PAYLOAD_FORMAT = SIGNATURE_PAYLOAD_PREFIX + "|{layout}|{serial}|{credit_code}"
"""What the signature block's QR code holds: the layout of the block (the template's name, a
key of :data:`parsers.scan.layout.SIGNATURE_LAYOUTS`), the serial and the credit code."""


def qr_payload(serial: str, credit_code: str | None) -> str:
    """The text a letter's QR code holds (:data:`QR_PAYLOAD_FORMAT`)."""
    return QR_PAYLOAD_FORMAT.format(serial=serial, credit_code=credit_code or "")


def parse_qr_payload(text: str) -> tuple[str, str | None] | None:
    """``(serial, credit_code)`` from a decoded QR text, or None if it is not one of ours."""
    prefix = QR_PAYLOAD_PREFIX + "|"
    if not text.startswith(prefix):
        return None
    serial, sep, code = text[len(prefix) :].rpartition("|")
    if not sep or not serial:
        return None
    return serial, code or None


def signature_payload(layout: str, serial: str, credit_code: str | None) -> str:
    """The text the signature block's QR code holds (:data:`SIGNATURE_PAYLOAD_FORMAT`)."""
    if "|" in layout:
        raise ValueError(layout)
    return SIGNATURE_PAYLOAD_FORMAT.format(
        layout=layout, serial=serial, credit_code=credit_code or ""
    )


def parse_any_payload(text: str) -> tuple[str, str | None, str, str | None] | None:
    """``(kind, layout, serial, credit_code)`` of one of our QR codes, or None.

    ``kind`` is ``letter`` (the code at the top of the first page, no layout) or ``signature``
    (the code beside the signature block).

    >>> parse_any_payload("CREDIT-SIG|commitment_unit|蓝应急诺〔2026〕0001号|91431127MA4L0X0X0X")
    ('signature', 'commitment_unit', '蓝应急诺〔2026〕0001号', '91431127MA4L0X0X0X')
    >>> parse_any_payload("CREDIT|X-1|9143"), parse_any_payload("CREDIT-SIG|x")
    (('letter', None, 'X-1', '9143'), None)
    """
    prefix = SIGNATURE_PAYLOAD_PREFIX + "|"
    if text.startswith(prefix):
        layout, sep, rest = text[len(prefix) :].partition("|")
        serial, sep2, code = rest.rpartition("|")
        if not (layout and sep and sep2 and serial):
            return None
        return "signature", layout, serial, code or None
    parsed = parse_qr_payload(text)
    if parsed is None:
        return None
    return "letter", None, parsed[0], parsed[1]


def signature_qr_png(layout: str, serial: str, credit_code: str | None) -> bytes:
    """A PNG of the signature block's QR code (:func:`signature_payload`), as :func:`qr_png`."""
    return _png_from_matrix(_qr_matrix(signature_payload(layout, serial, credit_code)), border=4)


def qr_modules(payload: str) -> int:
    """The number of modules across the symbol that :func:`qr_png` draws for ``payload``
    (without the quiet zone of 4 modules each side)."""
    import segno

    return segno.make_qr(payload, error="m").symbol_size(border=0)[0]


def qr_png(serial: str, credit_code: str | None) -> bytes:
    """A PNG of the QR code for a letter: ``CREDIT|<serial>|<code>``, about 2 cm at 300 dpi.

    Error correction at least M (15 %; segno raises it when the data still fits the same
    size), byte mode (UTF-8), the mask with the lowest ISO/IEC 18004 penalty, quiet zone of
    4 modules, black on white, 1 bit per pixel.
    """
    return _png_from_matrix(_qr_matrix(qr_payload(serial, credit_code)), border=4)


def _qr_matrix(payload: str, mask: int | None = None) -> list[bytes]:
    """Rows of the QR symbol (1 = dark module).

    segno encodes the symbol.  Its own choice of mask evaluates the eight masks module by
    module in Python (~3 ms, most of a letter's time); here the penalties are computed on rows
    held as integers (~0.4 ms) and segno's ``add_format_info`` writes the format bits of the
    chosen mask.  Any mask gives a valid symbol, so should segno's internals change, segno
    chooses the mask itself.
    """
    import segno

    if mask is not None:
        return [bytes(row) for row in segno.make_qr(payload, error="m", mask=mask).matrix]
    symbol = segno.make_qr(payload, error="m", mask=0)
    try:
        return _remask(symbol)
    except Exception:  # segno's internals moved: let it choose the mask (slower, as good)
        return [bytes(row) for row in segno.make_qr(payload, error="m").matrix]


_MODULE_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
_LIGHT_DIGITS = bytes.maketrans(b"\x00\x01", b"10")


@functools.cache
def _qr_data_masks(version: int) -> tuple[int, tuple[tuple[int, ...], ...]]:
    """Width of the symbol and, per mask, per row: the bits the mask flips (data region only)."""
    from segno import encoder

    width = encoder.calc_matrix_size(version)
    function = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(function, width, width)
    encoder.add_alignment_patterns(function, width, width)
    function[-8][8] = 0x1  # the dark module
    masks = []
    for pattern in encoder.get_data_mask_functions(False):
        rows = []
        for i in range(width):
            bits = 0
            for j in range(width):
                if function[i][j] > 0x1 and pattern(i, j):
                    bits |= 1 << (width - 1 - j)
            rows.append(bits)
        masks.append(tuple(rows))
    return width, tuple(masks)


def _remask(symbol: Any) -> list[bytes]:
    from segno import consts, encoder

    width, masks = _qr_data_masks(symbol.version)
    rows = [int(bytes(row).translate(_MODULE_DIGITS), 2) for row in symbol.matrix]
    if len(rows) != width or symbol.mask != 0:
        raise ValueError("unexpected symbol")
    plain = [row ^ flip for row, flip in zip(rows, masks[0], strict=True)]
    candidates = [[row ^ flip for row, flip in zip(plain, mask, strict=True)] for mask in masks]
    scores = [_qr_penalty(candidate, width) for candidate in candidates]
    best = scores.index(min(scores))
    digits = f"0{width}b"
    matrix = [
        bytearray(format(row, digits).encode().translate(bytes.maketrans(b"01", b"\x00\x01")))
        for row in candidates[best]
    ]
    if best != 0:
        level = consts.ERROR_MAPPING[symbol.error]
        encoder.add_format_info(matrix, symbol.version, level, best)
    return [bytes(row) for row in matrix]


def _qr_penalty(rows: list[int], width: int) -> int:
    """ISO/IEC 18004:2015 7.8.3.1 penalty (N1 runs, N2 blocks, N3 finder-like, N4 balance)."""
    full = (1 << width) - 1
    inner = full >> 1
    score = 0
    # N1, rows: ``same`` marks a module equal to its right neighbour; a run of k >= 5 equal
    # modules is k - 1 >= 4 marks in a row and scores k - 2.
    for row in rows:
        same = ~(row ^ (row >> 1)) & inner
        four = same & (same >> 1) & (same >> 2) & (same >> 3)
        if four:
            score += four.bit_count() + 2 * (four & ~(four << 1)).bit_count()
    # N1, columns: the same with rows i..i+4 compared bit by bit.
    same_below = [~(a ^ b) & full for a, b in itertools.pairwise(rows)]
    previous = 0
    for i in range(len(same_below) - 3):
        four = same_below[i] & same_below[i + 1] & same_below[i + 2] & same_below[i + 3]
        score += four.bit_count() + 2 * (four & ~previous).bit_count()
        previous = four
    # N2: 2 x 2 blocks of one colour.
    for a, b in itertools.pairwise(rows):
        dark = a & b
        light = ~(a | b) & full
        score += 3 * ((dark & (dark >> 1) & inner).bit_count() + (light & (light >> 1) & inner).bit_count())  # fmt: skip
    # N3: 1:1:3:1:1 with four light modules before or after (outside the symbol is light).
    digits = f"0{width}b"
    lines = [format(row, digits) for row in rows]
    lines += ["".join(column) for column in zip(*lines, strict=True)]
    text = "0000|0000".join(lines).join(("0000", "0000"))
    score += 40 * (text.count("00001011101") + text.count("10111010000"))
    # N4: 10 points per 5 % away from half dark.
    total = width * width
    dark = sum(row.bit_count() for row in rows)
    return score + 10 * ((abs(dark * 20 - total * 10) + total - 1) // total - 1)


def _png_from_matrix(matrix: Iterable[Iterable[int]], *, border: int) -> bytes:
    """A 1-bit grayscale PNG (dark modules black) scaled to about :data:`QR_SIZE_PIXELS`."""
    rows = [bytes(row) for row in matrix]
    modules = len(rows) + 2 * border
    scale = max(2, round(QR_SIZE_PIXELS / modules))
    width = modules * scale
    pad = (-width) % 8
    light_row = b"\x00" + ((1 << (width + pad)) - 1).to_bytes((width + pad) // 8, "big")
    margin = b"1" * (border * scale)
    raw: list[bytes] = [light_row] * (border * scale)
    for row in rows:
        # 1 = light in a 1-bit grayscale PNG: dark modules become 0, each `scale` pixels wide.
        digits = row.translate(_LIGHT_DIGITS).replace(b"1", b"1" * scale).replace(b"0", b"0" * scale)  # fmt: skip
        bits = margin + digits + margin + b"1" * pad
        raw.extend([b"\x00" + int(bits, 2).to_bytes(len(bits) // 8, "big")] * scale)
    raw.extend([light_row] * (border * scale))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    per_metre = round(300 / 0.0254)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, width, 1, 0, 0, 0, 0)),
            chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            chunk(b"IDAT", zlib.compress(b"".join(raw), 6)),
            chunk(b"IEND", b""),
        )
    )
