"""OCR speed: pages per second of the OCR path with two workers, against rendering the pages.

In a temporary folder (removed unless ``--keep``):

1. **Rendering** (the baseline, one process): ``--n`` (default 20) enforcement documents of
   ``tests/scan_docs.py`` (责令限期整改指令书, 行政处罚决定书, 现场检查记录) drawn with PIL and a CJK
   font at 150–300 dpi, given a scan's degradations (rotation ±3°, noise, blur, uneven light)
   and written as JPEG pages — what a scanner hands the bureau.
2. **OCR path** (``--jobs``, default 2, worker processes through ``archive.pool.run_isolated``
   as ingest runs them): each page file opened (PIL, RGB) and read by
   ``parsers.scan.ocr.ocr_document`` — prepare (light, skew, orientation, scale), tesseract
   chi_sim (TSV), join, the normal parsers, per-field confidence, and PP-OCR's second reading
   where tesseract's left a field unsure.  Then the same with one worker.

Printed: pages/s of each, the OCR path's time per page against rendering's (the ratio), the
share of documents whose credit code and 文号 were read right, and the cores used.

Run from the repository root: ``python bench/bench_ocr.py --n 20``.  Needs tesseract with
chi_sim and a CJK font (``apt-get install tesseract-ocr tesseract-ocr-chi-sim fonts-wqy-zenhei``).
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parsers.scan import ocr  # noqa: E402
from tests.scan_docs import degrade, find_cjk_font, make_documents, render_pages  # noqa: E402


def read_page(path: str) -> dict:
    """Run in a worker: one page file through the OCR path."""
    import numpy as np
    from PIL import Image

    with Image.open(path) as image:
        page = np.asarray(image.convert("RGB"))
    parsed = ocr.ocr_document([page], Path(path))
    return {
        "path": path,
        "credit_code": parsed.credit_code,
        "status": parsed.credit_code_status,
        "doc_number": parsed.get("doc_number"),
    }


def render(folder: Path, count: int) -> tuple[float, list[Path], dict[str, tuple[str, str]]]:
    """Render, degrade and write every page; (seconds, page files, truth by file)."""
    rng = random.Random(13)
    documents = make_documents(count)
    files: list[Path] = []
    truth: dict[str, tuple[str, str]] = {}
    started = time.perf_counter()
    for doc in documents:
        dpi = rng.choice([150, 200, 240, 300])
        for number, page in enumerate(render_pages(doc, dpi), start=1):
            path = folder / f"{doc.name}_{number}.jpg"
            degrade(page, rng).save(path, "JPEG", quality=90, dpi=(dpi, dpi))
            files.append(path)
            truth[str(path)] = (doc.credit_code, doc.doc_number)
    return time.perf_counter() - started, files, truth


def run_ocr(files: list[Path], jobs: int) -> tuple[float, float, list[dict]]:
    """(seconds, CPU seconds of the workers and their tesseracts, answers) for the OCR path."""
    from archive.ingest import PARSE_MEMORY_MB
    from archive.pool import run_isolated

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    answers = []
    for outcome in run_isolated(
        read_page, [str(path) for path in files], jobs=jobs, timeout=300, memory_mb=PARSE_MEMORY_MB
    ):
        if outcome.failure:
            raise SystemExit(f"a page failed: {outcome.failure} {outcome.detail}")
        answers.append(outcome.value)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, answers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=20, help="documents (one page each)")
    parser.add_argument("--jobs", type=int, default=2, help="OCR worker processes")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    options = parser.parse_args()
    if ocr.tesseract_status() is not None:
        print(ocr.tesseract_status())
        return 1
    if find_cjk_font() is None:
        print("no CJK font: apt-get install fonts-wqy-zenhei")
        return 1
    folder = Path(tempfile.mkdtemp(prefix="bench_ocr_"))
    try:
        rendering, files, truth = render(folder, options.n)
        pages = len(files)
        print(f"{options.n} documents, {pages} pages (150–300 dpi JPEG), font {find_cjk_font()[0]}")
        rows = [("rendering alone (PIL + degrade + JPEG), 1 process", rendering, None)]
        results = {}
        for jobs in dict.fromkeys([options.jobs, 1]):
            seconds, cpu, answers = run_ocr(files, jobs)
            results[jobs] = answers
            rows.append((f"OCR path, --jobs {jobs}", seconds, cpu))
        print(f"{'':52} {'seconds':>8} {'pages/s':>8} {'× rendering':>12} {'cores':>6}")
        for label, seconds, cpu in rows:
            cores = f"{cpu / seconds:.2f}" if cpu is not None else ""
            print(
                f"{label:52} {seconds:8.2f} {pages / seconds:8.2f} "
                f"{seconds / rendering:12.1f} {cores:>6}"
            )
        answers = results[options.jobs]
        codes = sum(
            answer["credit_code"] == truth[answer["path"]][0] and answer["status"] == "valid"
            for answer in answers
        )
        numbers = sum(answer["doc_number"] == truth[answer["path"]][1] for answer in answers)
        wrong = sum(
            answer["status"] == "valid" and answer["credit_code"] != truth[answer["path"]][0]
            for answer in answers
        )
        print(
            f"read right: credit code {codes}/{pages}, 文号 {numbers}/{pages}; "
            f"wrong codes accepted: {wrong}"
        )
        one, many = rows[-1][1], rows[1][1]
        if options.jobs != 1:
            print(f"--jobs {options.jobs} / 1 worker: {one / many:.2f}×")
    finally:
        if options.keep:
            print(f"kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
