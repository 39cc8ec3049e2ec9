"""credit publish at county scale: 3,000 enterprises, the archive of bench/bench_overdue.py.

Builds that archive (3,000 enterprises × 11 months of monthly reports, rectifications, commitment
letters, fines, blacklist entries) in a temporary folder, then measures (median of ``--runs``):

- **A (baseline)**: loading the index alone (``Archive.open(...).index()``);
- for each kind (``blacklist``, ``records``, ``commitments``, ``green-channel``):
  ``archive.publish.publish(archive, kind, 2026-12-01)`` with the index loaded — the rows, the
  PII gate over every cell, the .xlsx, .csv and .html, and the ``publication.made`` event;
- the whole command in a new process: ``credit publish KIND --as-of 2026-12-01``.

Goal (issue 12): publish under 3 s on this machine; the ratio to A is printed.

    python bench/bench_publish.py
    python bench/bench_publish.py --n 3000 --runs 3
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

from archive.publish import KINDS, public_rows, publish  # noqa: E402
from archive.store import Archive  # noqa: E402

GOAL = 3.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="enterprises (default 3000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement (default 3)")
    args = parser.parse_args()

    temp = Path(tempfile.mkdtemp(prefix="credit-bench-publish-"))
    root = temp / "archive"
    seconds, _archive = timed(build, root, args.n)
    print(f"{args.n} enterprises in {temp}: built from events in {seconds:.1f} s")
    archive = Archive.open(root, actor="bench")
    archive.index()
    out = temp / "out"
    rows = {kind: len(public_rows(archive, kind, AS_OF)) for kind in KINDS}
    print("rows: " + ", ".join(f"{kind} {count}" for kind, count in rows.items()))
    base = median_call(lambda: Archive.open(root).index(), args.runs)
    made = {
        kind: median_call(lambda kind=kind: publish(archive, kind, AS_OF, out=out), args.runs)
        for kind in KINDS
    }
    cli = [sys.executable, "-m", "cli", "--archive", str(root), "publish"]
    processes = {
        kind: statistics.median(
            run_process([*cli, kind, "--as-of", AS_OF.isoformat(), "--out", str(out)])
            for _ in range(args.runs)
        )
        for kind in KINDS
    }
    print()
    print(f"A  load the index alone (Archive.open + index())   {base * 1000:8.1f} ms")
    print()
    print(f"{'measurement':48} {'seconds':>8} {'×A':>6}")
    for kind in KINDS:
        label = f"publish {kind} (index loaded)"
        print(f"{label:48} {made[kind]:8.3f} {made[kind] / base:6.2f}")
    worst = max(processes.values())
    for kind in KINDS:
        seconds = processes[kind]
        verdict = f"   goal < {GOAL:.0f} s: " + ("met" if seconds < GOAL else "NOT met")
        label = f"credit publish {kind} (process)"
        print(f"{label:48} {seconds:8.3f} {seconds / base:6.2f}{verdict}")
    shutil.rmtree(temp, ignore_errors=True)
    return 0 if worst < GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
