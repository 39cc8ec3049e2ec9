"""Scans through ingest, QR path: pages per second with ``--jobs 2``, against rendering alone.

In a folder (temporary unless ``--out``): ``--n`` commitment letters (default 100) made into scans
and phone photos by ``tests/scan_synth.py`` (150–300 dpi, any rotation, a third tilted, .jpg /
.png / multi-page .tif / PDF of images; half signed).  Then, in the same run:

- **ingest**: ``credit ingest SCANS --nl --jobs N`` in a new process into a fresh copy of the
  archive (median of ``--runs``); CPU of the children gives the cores used.  Every file goes the
  QR path (pages → QR → signature check); the rows' statuses are counted, so a run where the scan
  path is missing (everything ``needs-ocr``) shows as such instead of as a speed;
- **A**: pypdfium2 rendering the same pages from the printed letters' PDFs at each file's dpi,
  one process — what producing those page images costs, the floor of any page-image pipeline;
- **B**: decoding the scan files alone (Pillow for images, every frame; pypdfium2 rendering the
  PDFs of images at their dpi), one process.

    python bench/bench_scans.py                      # 100 letters (≈ 5 min to build on 2 cores)
    python bench/bench_scans.py --n 40 --runs 3 --out /tmp/scans --keep
    python bench/bench_scans.py --out /tmp/scans --reuse
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.scan_synth import PT_PER_INCH, SynthUnavailable, make_set  # noqa: E402


def ingest_once(truth: dict, jobs: int, work: Path) -> tuple[float, float, list[dict]]:
    """One ``credit ingest`` into a fresh copy of the archive: seconds, child CPU s, rows."""
    archive = work / "archive-run"
    shutil.rmtree(archive, ignore_errors=True)
    pristine = Path(truth.get("pristine") or Path(truth["archive"]).with_name("archive.pristine"))
    shutil.copytree(pristine, archive)
    env = dict(os.environ, CREDIT_NO_PROGRESS="1", CREDIT_USER="bench")
    env.pop("CREDIT_ARCHIVE", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "cli", "--archive", str(archive), "ingest", truth["scans"],
         "--nl", "--jobs", str(jobs)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 3):
        raise SystemExit(f"credit ingest → {result.returncode}: {result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return seconds, cpu, rows


def render_alone(truth: dict) -> float:
    """A: the same pages rendered from the printed letters by pypdfium2, at each file's dpi."""
    import pypdfium2

    printed = Path(truth["archive"]).parent / "printed"
    pdf_of = {}
    for row in truth["files"]:
        pdf_of[row["file"]] = next(printed.glob(f"*{row['credit_code']}*{_level(row)}*.pdf"))
    started = time.perf_counter()
    for row in truth["files"]:
        document = pypdfium2.PdfDocument(str(pdf_of[row["file"]]))
        for number in row["pages"]:
            bitmap = document[number - 1].render(scale=row["dpi"] / PT_PER_INCH)
            bitmap.to_numpy()
        document.close()
    return time.perf_counter() - started


def _level(row: dict) -> str:
    from tests.scan_synth import LEVEL_NAMES

    return LEVEL_NAMES[row["template"]]


def decode_alone(truth: dict) -> float:
    """B: every scan file decoded (all frames; PDFs of images rendered at their dpi)."""
    import numpy as np
    import pypdfium2
    from PIL import Image

    scans = Path(truth["scans"])
    started = time.perf_counter()
    for row in truth["files"]:
        path = scans / row["file"]
        if row["format"] == "pdf":
            document = pypdfium2.PdfDocument(str(path))
            for index in range(len(document)):
                document[index].render(scale=row["dpi"] / PT_PER_INCH).to_numpy()
            document.close()
        else:
            with Image.open(path) as image:
                for frame in range(getattr(image, "n_frames", 1)):
                    image.seek(frame)
                    np.asarray(image.convert("RGB"))
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="letters (default 100)")
    parser.add_argument("--seed", type=int, default=13, help="seed of the set (default 13)")
    parser.add_argument("--jobs", type=int, default=2, help="ingest processes (default 2)")
    parser.add_argument("--runs", type=int, default=1, help="ingest runs, median (default 1)")
    parser.add_argument("--out", type=Path, help="folder for the set (default: temporary)")
    parser.add_argument("--reuse", action="store_true", help="use the set already in --out")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if min(args.n, args.jobs, args.runs) < 1:
        parser.error("--n, --jobs and --runs must be at least 1")
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-scans-"))
    try:
        truth_file = out / "truth.json"
        if args.reuse and truth_file.is_file():
            truth = json.loads(truth_file.read_text("utf-8"))
        else:
            try:
                truth = make_set(out, letters=args.n, seed=args.seed, jobs=args.jobs)
            except SynthUnavailable as error:
                print(f"cannot build the set: {error}", file=sys.stderr)
                return 2
        files = len(truth["files"])
        pages = sum(len(row["pages"]) for row in truth["files"])
        formats = collections.Counter(row["format"] for row in truth["files"])
        print(f"{files} files, {pages} pages ({dict(formats)}), dpi 150–300")

        runs = [ingest_once(truth, args.jobs, out) for _ in range(args.runs)]
        seconds = statistics.median(run[0] for run in runs)
        cpu = statistics.median(run[1] for run in runs)
        statuses = collections.Counter(row["status"] for row in runs[-1][2])
        matched = sum(1 for row in runs[-1][2] if row["status"] == "ingested" and row.get("serial"))
        a = render_alone(truth)
        b = decode_alone(truth)

        print(f"\n| {files} files, {pages} pages | seconds | pages/s | ratio |")
        print("|---|---|---|---|")
        print(
            f"| `credit ingest --jobs {args.jobs}` (new process) | {seconds:.2f} | "
            f"{pages / seconds:.1f} | **{seconds / a:.1f}× A** |"
        )
        print(f"| A: pypdfium2 renders the same pages, 1 process | {a:.2f} | {pages / a:.1f} | |")
        print(
            f"| B: decode the scan files, 1 process | {b:.2f} | {pages / b:.1f} | {b / a:.1f}× A |"
        )
        print(f"\ningest used {cpu / seconds:.2f} cores on average ({cpu:.1f} s CPU in children)")
        print(f"statuses: {dict(statuses)}; matched by serial: {matched} of {files}")
        if matched < files * 0.5:
            print("NOTE: most files did not go the QR path — the speed is not the QR path's.")
        return 0
    finally:
        if args.out is None and not args.keep:
            shutil.rmtree(out, ignore_errors=True)
        elif args.out is None:
            print(f"kept: {out}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
