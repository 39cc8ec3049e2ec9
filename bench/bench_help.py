"""How long ``credit --help`` takes, against ``python -c "import click"`` in the same run.

Goal: the median of ``credit --help`` is at most 1.6 × the median of importing click alone,
i.e. the command modules, rich, tinydb, openpyxl … are not imported before help prints.

    python bench/bench_help.py            # 15 runs of each
    python bench/bench_help.py --n 40
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_RATIO = 1.6


def run_once(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=15, help="runs of each command (default 15)")
    args = parser.parse_args()

    commands = {
        "credit --help": [sys.executable, "-m", "cli", "--help"],
        'python -c "import click"': [sys.executable, "-c", "import click"],
    }
    for argv in commands.values():  # warm the file cache and .pyc files
        run_once(argv)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.n):  # interleaved, so drift of the machine hits both alike
        for name, argv in commands.items():
            times[name].append(run_once(argv))

    help_median = statistics.median(times["credit --help"])
    base_median = statistics.median(times['python -c "import click"'])
    ratio = help_median / base_median
    print(f"runs of each: {args.n}  (python {sys.version.split()[0]}, {sys.executable})")
    for name, values in times.items():
        print(
            f"{name:28} median {statistics.median(values) * 1000:7.1f} ms"
            f"   min {min(values) * 1000:7.1f} ms   max {max(values) * 1000:7.1f} ms"
        )
    best_ratio = min(times["credit --help"]) / min(times['python -c "import click"'])
    verdict = "met" if ratio <= GOAL_RATIO else "NOT MET"
    print(
        f"ratio of medians credit --help / import click: {ratio:.2f}x   goal <= {GOAL_RATIO}x: {verdict}"
    )
    print(f"ratio of minimums (less sensitive to a busy machine): {best_ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
