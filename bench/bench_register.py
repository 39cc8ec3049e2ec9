"""The enterprise register at 10,000 enterprises: import, show, list --json.

In a temporary folder: a 10,000-row roster (the demo's invented county, scaled up) as .xlsx
and as .csv; each imported into a fresh archive, once through the library and once through
the command line.  Then ``credit enterprise show CODE`` and ``credit enterprise list --json``
(each a new process, as a clerk or a cron job runs them) against the 10,000-enterprise archive.

Goals: import < 10 s; show < 1 s; list --json < 1 s.
Baselines, measured in the same run: ``json.load`` of the archive's index.json, and of a plain
JSON list of the same 10,000 rows (in this process), and a new Python process that does only
``json.load(index.json)`` (the floor for any command that reads the index).

    python bench/bench_register.py            # 10,000 enterprises
    python bench/bench_register.py --n 3000 --runs 3
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.demo import ROSTER_HEADERS, demo_roster, write_demo_roster  # noqa: E402
from archive.enterprises import import_roster  # noqa: E402
from archive.store import init_archive  # noqa: E402

GOALS = {"import": 10.0, "show": 1.0, "list": 1.0}


def timed(function, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def run_process(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - started


def median_process(argv: list[str], runs: int) -> float:
    run_process(argv)  # warm-up
    return statistics.median(run_process(argv) for _ in range(runs))


def median_call(function, runs: int) -> float:
    return statistics.median(timed(function)[0] for _ in range(runs))


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([header for _key, header in ROSTER_HEADERS])
        for row in rows:
            writer.writerow([row[key] for key, _header in ROSTER_HEADERS])
    return path


def credit(archive: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "cli", "--archive", str(archive), *args]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="enterprises (default 10000)")
    parser.add_argument(
        "--runs", type=int, default=5, help="runs of each short command (default 5)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    temp = Path(tempfile.mkdtemp(prefix="credit-bench-"))
    print(f"{args.n} enterprises in {temp}  (python {sys.version.split()[0]})")
    seconds, rows = timed(demo_roster, args.n)
    xlsx_seconds, xlsx = timed(write_demo_roster, temp / "名册.xlsx", rows)
    csv_path = write_csv(temp / "名册.csv", rows)
    plain = temp / "rows.json"
    plain.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    print(f"setup: roster generated in {seconds:.2f} s, .xlsx written in {xlsx_seconds:.2f} s")

    figures: list[tuple[str, float, float | None]] = []  # (what, seconds, goal)
    for label, path in (("xlsx", xlsx), ("csv", csv_path)):
        archive = init_archive(temp / f"lib-{label}", actor="bench")
        seconds, report = timed(import_roster, archive, path)
        assert report.committed and report.count("add") == args.n, report.problems[:3]
        figures.append((f"import .{label} (library)", seconds, GOALS["import"]))
        init_archive(temp / f"cli-{label}", actor="bench")
        seconds = run_process(credit(temp / f"cli-{label}", "enterprise", "import", str(path)))
        figures.append((f"credit enterprise import .{label}", seconds, GOALS["import"]))

    archive_dir = temp / "cli-xlsx"
    index = archive_dir / "index.json"
    code = rows[len(rows) // 2]["credit_code"]
    figures.append(
        (
            "credit enterprise show CODE",
            median_process(credit(archive_dir, "enterprise", "show", code), args.runs),
            GOALS["show"],
        )
    )
    figures.append(
        (
            "credit enterprise list --json",
            median_process(credit(archive_dir, "enterprise", "list", "--json"), args.runs),
            GOALS["list"],
        )
    )

    def load(path: Path):
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)

    del report
    gc.collect()  # the baselines should not pay for this script's own garbage
    base_index = median_call(lambda: load(index), args.runs)
    base_plain = median_call(lambda: load(plain), args.runs)
    base_process = median_process(
        [sys.executable, "-c", f"import json; json.load(open({str(index)!r}, encoding='utf-8'))"],
        args.runs,
    )
    print(
        f"index.json: {index.stat().st_size / 1e6:.1f} MB; plain list: {plain.stat().st_size / 1e6:.1f} MB"
    )
    print()
    print("baselines (same run):")
    print(f"  A  json.load(index.json), in this process         {base_index * 1000:8.1f} ms")
    print(f"  B  json.load(list of {args.n:>6} dicts), in this process {base_plain * 1000:8.1f} ms")
    print(f"  C  new python process + json.load(index.json)    {base_process * 1000:8.1f} ms")
    print()
    print(f"{'measurement':34} {'seconds':>8} {'goal':>6} {'met':>4} {'×A':>8} {'×B':>8} {'×C':>6}")
    missed = []
    for what, seconds, goal in figures:
        met = goal is None or seconds < goal
        if not met:
            missed.append(what)
        print(
            f"{what:34} {seconds:8.3f} {goal or 0:6.1f} {'yes' if met else 'NO':>4}"
            f" {seconds / base_index:8.1f} {seconds / base_plain:8.1f} {seconds / base_process:6.1f}"
        )
    print()
    print("all goals met" if not missed else "goals NOT met: " + "; ".join(missed))
    if args.keep:
        print(f"kept {temp}")
    else:
        import shutil

        shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
