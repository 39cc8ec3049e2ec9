"""The second reader of a scan: PP-OCR (PaddleOCR's text detection and recognition models, run
by onnxruntime through the ``rapidocr`` package, whose wheel carries the models: nothing is
downloaded).

Tesseract (:mod:`parsers.scan.ocr`) reads every page first: it is fast, and its per-word
confidences tell which fields were read surely.  Where its reading leaves the document's
credit code, 文号 or kind unread or unsure, the same prepared page (straightened, turned
upright) is read again by PP-OCR, whose models read faint photocopies, faxes and low-resolution
scans far better; :func:`parsers.scan.ocr.ocr_document` then takes from that reading what the
first one lacks, and a credit code the two read differently is taken from neither.

:func:`read_lines` gives the detected text boxes grouped into lines (top to bottom, each line
left to right) with their recognition scores (0–100); :mod:`parsers.scan.ocr` makes a page of
them as of tesseract's words, every character with its box's score as its confidence.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

__all__ = ["ENGINE", "available", "read_lines"]

ENGINE = "PP-OCRv6 (rapidocr, onnxruntime)"
# Recognition scores below this are left out (rapidocr's own default is 0.5).
MIN_SCORE = 0.5
DETECT_SIDE = 1600  # px, the longer side of the page as text is detected on it


def _no_telemetry() -> None:
    """onnxruntime's official builds (1.2x on) start Microsoft's telemetry on import: a device
    id and an event cache under ~/.cache, a session file in TMPDIR, events sent out.  A bureau's
    documents stay on its machine: ``ORT_DISABLE_TELEMETRY=1`` (set before the import) turns all
    of it off, unless the user has set that variable otherwise."""
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")


@lru_cache(maxsize=1)
def available() -> bool:
    """Whether rapidocr and onnxruntime can be imported (both are dependencies; a broken
    install leaves tesseract to read alone)."""
    _no_telemetry()
    try:
        import onnxruntime  # noqa: F401
        import rapidocr  # noqa: F401
    except Exception:  # ImportError, or a native library that fails to load
        return False
    return True


@lru_cache(maxsize=1)
def _engine() -> Any:
    import logging

    _no_telemetry()
    from rapidocr import RapidOCR

    engine = RapidOCR(
        params={
            "Global.log_level": "critical",
            # one thread: ingest runs a process per core (--jobs)
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            # Text found on the page scaled to at most DETECT_SIDE (the boxes are read at the
            # page's own size): a page's full size costs detection gigabytes and seconds,
            # for nothing on a document's print.
            "Det.limit_type": "max",
            "Det.limit_side_len": DETECT_SIDE,
        }
    )
    logging.getLogger("RapidOCR").setLevel(logging.CRITICAL)
    return engine


def _lines(boxes: list[tuple[float, float, float, float, str, float]]):
    """Boxes (left, top, right, bottom, text, score) grouped into lines: a box belongs to the
    line whose vertical extent holds its middle; lines top to bottom, boxes left to right."""
    lines: list[list[tuple[float, float, float, float, str, float]]] = []
    for box in sorted(boxes, key=lambda item: (item[1] + item[3]) / 2):
        middle = (box[1] + box[3]) / 2
        for line in lines:
            top = min(item[1] for item in line)
            bottom = max(item[3] for item in line)
            if top <= middle <= bottom and middle - top > 0.2 * (bottom - top):
                line.append(box)
                break
        else:
            lines.append([box])
    return [sorted(line, key=lambda item: item[0]) for line in lines]


def read_lines(grey: Any) -> list[list[tuple[str, float, tuple[int, int, int, int]]]]:
    """Read one prepared page (grey or RGB numpy array, upright) with PP-OCR: its lines, top to
    bottom, each the detected boxes left to right as (text, score 0–100, box (left, top, width,
    height) in ``grey``'s pixels)."""
    import numpy as np

    image = np.asarray(grey)
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    result = _engine()(np.ascontiguousarray(image))
    boxes = []
    for corners, text, score in zip(
        result.boxes if result.boxes is not None else [],
        result.txts or (),
        result.scores or (),
        strict=False,
    ):
        text = (text or "").strip()
        if not text or score < MIN_SCORE:
            continue
        xs = [point[0] for point in corners]
        ys = [point[1] for point in corners]
        boxes.append((min(xs), min(ys), max(xs), max(ys), text, float(score)))
    return [
        [
            (
                text,
                round(score * 100, 1),
                (int(left), int(top), int(right - left), int(bottom - top)),
            )
            for left, top, right, bottom, text, score in line
        ]
        for line in _lines(boxes)
    ]
