"""credit report at county scale: 3,000 enterprises, the archive of bench/bench_overdue.py.

Builds that archive (3,000 enterprises × 11 months of monthly reports, rectifications, commitment
letters, fines, blacklist entries) in a temporary folder, then measures (median of ``--runs``):

- **figures**: ``archive.report_monthly.figures(archive, 2026-11, 2026-12-01)`` — monthly-check,
  overdue, blacklist summary, records and commitments for the month;
- **report**: ``write_report`` — the figures, the .xlsx (a sheet per topic, charts) and the .docx;
- the whole command in a new process: ``credit report --month 2026-11 --as-of 2026-12-01``.

Goal (issue 12): the report under 3 s on this machine.

    python bench/bench_report.py
    python bench/bench_report.py --n 3000 --runs 3
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_overdue import AS_OF, build, median_call, run_process, timed  # noqa: E402

from archive.report_monthly import figures, write_report  # noqa: E402
from archive.store import Archive  # noqa: E402

GOAL = 3.0
MONTH = "2026-11"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="enterprises (default 3000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement (default 3)")
    args = parser.parse_args()

    temp = Path(tempfile.mkdtemp(prefix="credit-bench-report-"))
    root = temp / "archive"
    seconds, _archive = timed(build, root, args.n)
    print(f"{args.n} enterprises in {temp}: built from events in {seconds:.1f} s")
    archive = Archive.open(root, actor="bench")
    archive.index()
    out = temp / "out"
    found = median_call(lambda: figures(archive, MONTH, AS_OF), args.runs)
    written = median_call(lambda: write_report(archive, MONTH, AS_OF, out), args.runs)
    cli = [sys.executable, "-m", "cli", "--archive", str(root), "report"]
    argv = [*cli, "--month", MONTH, "--as-of", AS_OF.isoformat(), "--out", str(out)]
    process = statistics.median(run_process(argv) for _ in range(args.runs))
    print(f"{'figures (index loaded)':40} {found:8.3f} s")
    print(f"{'report: figures, .xlsx, .docx':40} {written:8.3f} s")
    verdict = "met" if process < GOAL else "NOT met"
    print(f"{'credit report (process)':40} {process:8.3f} s   goal < {GOAL:.0f} s: {verdict}")
    shutil.rmtree(temp, ignore_errors=True)
    return 0 if process < GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
