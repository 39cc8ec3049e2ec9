"""The monthly check at county scale: 3,000 enterprises × 12 months = 36,000 monthly reports.

In a temporary folder, an archive built straight from synthetic events (no files are parsed),
as bench_rules.py does: ``--n`` enterprises (default 3,000) of three industries and four
sections, and a monthly report for each of them for each of the ``--months`` months (default 12)
from the archive's start (2025-12 … 2026-11), emitted as ``document.ingested`` events in batches;
most received by the due date, some late, some incomplete or unsigned, about 3 % with the next
month written on them (so that month has a duplicate and this one a gap); the sections' slips.

Measured (median of ``--runs``), each on the index already in memory:

- **check**: ``monthly.check`` of one month (what ``credit monthly-check --json`` computes);
- **outstanding**: ``monthly.outstanding`` — every month from the start judged (what
  ``credit overdue`` takes its monthly rows from);
- **A (baseline)**: loading the index alone (``Archive.open(...).index()``).

Goal: each < 1 s; the ratio to A is printed.  Then, for information, ``credit monthly-check
--json`` in a new process.

    python bench/bench_monthly.py
    python bench/bench_monthly.py --n 3000 --months 12 --runs 5 --keep
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive import monthly  # noqa: E402
from archive.letters.catalog import MONTHLY_REPORT_TOPICS  # noqa: E402
from archive.store import Archive, init_archive  # noqa: E402
from archive.workdays import calendar_for  # noqa: E402
from tests.helpers import make_code  # noqa: E402

GOAL = 1.0
START = "2025-12"
AS_OF = date(2026, 12, 1)
INDUSTRIES = ("非煤矿山", "危险化学品", "烟花爆竹")
SECTIONS = ("非煤矿山股", "危化股", "烟花爆竹股", "工贸股")
BATCH = 4000


def timed(function, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def median_call(function, runs: int) -> float:
    function()  # warm-up
    return statistics.median(timed(function)[0] for _ in range(runs))


def report_event(
    code: str, month: str, received: date, rng: random.Random, *, period: str | None = None
) -> dict:
    empty = {rng.choice(MONTHLY_REPORT_TOPICS)} if rng.random() < 0.03 else set()
    signed = rng.random() > 0.02
    sha = hashlib.sha256(f"bench|{code}|{month}".encode()).hexdigest()
    return {
        "sha256": sha,
        "kind": "monthly_report",
        "original_name": f"{code}-{month}.docx",
        "stored": f"files/{code}/monthly_report/{sha[:8]}.docx",
        "credit_codes": [code],
        "section": None,
        "matched_by": "code",
        "fields": {
            "period": period or month,
            "topics": {t: {"filled": t not in empty, "text": "无"} for t in MONTHLY_REPORT_TOPICS},
            "topics_missing": sorted(empty),
            "signed": signed,
        },
        "enterprises": [],
        "received_on": received.isoformat(),
        "fact_events": True,
    }


def slip_event(section: str, month: str, received: date) -> dict:
    sha = hashlib.sha256(f"bench|{section}|{month}".encode()).hexdigest()
    return {
        "sha256": sha,
        "kind": "section_submission",
        "original_name": f"{section}-{month}.docx",
        "stored": f"files/sections/{section}/section_submission/{sha[:8]}.docx",
        "credit_codes": [],
        "section": section,
        "matched_by": "section",
        "fields": {"period": month, "items": [{"name": "检查记录", "copies": 3, "note": None}]},
        "enterprises": [],
        "received_on": received.isoformat(),
        "fact_events": True,
    }


def build(root: Path, n: int, months: int) -> tuple[Archive, int]:
    rng = random.Random(11)
    archive = init_archive(root, actor="bench", start=START)
    codes = [make_code(i) for i in range(n)]
    with archive.transaction() as tx:
        for i, code in enumerate(codes):
            tx.emit(
                "enterprise.added",
                {
                    "credit_code": code,
                    "name": f"蓝山县第{i}号有限公司",
                    "industry": INDUSTRIES[i % 3],
                    "section": SECTIONS[i % 4],
                    "town": "塔峰镇" if i % 2 else "新圩镇",
                },
            )
    calendar = calendar_for(archive)
    report, slip = monthly.requirements(archive)
    events = []
    for month in monthly.months_between(START, monthly.add_months(START, months - 1)):
        due = monthly._due(calendar, report, month)
        for code in codes:
            roll = rng.random()
            late = calendar.add_days(due, rng.randint(1, 9), workdays=True)
            received = due if roll < 0.9 else late
            period = monthly.add_months(month, 1) if roll < 0.03 else None  # the wrong month
            events.append(report_event(code, month, received, rng, period=period))
        last = monthly._due(calendar, slip, month)
        for section in SECTIONS:
            events.append(slip_event(section, month, last))
    for start in range(0, len(events), BATCH):
        with archive.transaction() as tx:
            for data in events[start : start + BATCH]:
                tx.emit("document.ingested", data)
    return archive, len(events)


def run_process(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="enterprises (default 3000)")
    parser.add_argument("--months", type=int, default=12, help="months (default 12)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement (default 5)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    temp = Path(tempfile.mkdtemp(prefix="credit-bench-monthly-"))
    root = temp / "archive"
    seconds, (_archive, documents) = timed(build, root, args.n, args.months)
    size = (root / "index.json").stat().st_size / 1e6
    print(
        f"{args.n} enterprises × {args.months} months: {documents} documents in {temp} "
        f"(python {sys.version.split()[0]})"
    )
    print(f"setup: built from events in {seconds:.1f} s; index.json {size:.1f} MB")

    archive = Archive.open(root, actor="bench")
    archive.index()
    month = monthly.default_month(archive, AS_OF)
    result = monthly.check(archive, month, AS_OF)
    gaps = monthly.outstanding(archive, AS_OF)
    print(f"check {month}: {dict(sorted(result.counts().items()))}; outstanding: {len(gaps)} rows")

    gc.collect()
    check = median_call(lambda: monthly.check(archive, month, AS_OF), args.runs)
    outstanding = median_call(lambda: monthly.outstanding(archive, AS_OF), args.runs)
    base = median_call(lambda: Archive.open(root).index(), args.runs)
    cli = [sys.executable, "-m", "cli", "--archive", str(root)]
    check_cli = statistics.median(
        run_process([*cli, "monthly-check", "--json", "--as-of", AS_OF.isoformat()])
        for _ in range(3)
    )

    print()
    print(f"A  load the index alone (Archive.open + index())   {base * 1000:8.1f} ms")
    print()
    print(f"{'measurement':48} {'seconds':>8} {'×A':>6}")
    met = check < GOAL and outstanding < GOAL
    for what, value, goal in (
        (f"monthly.check of {month}", check, True),
        (f"monthly.outstanding ({args.months} months)", outstanding, True),
        ("credit monthly-check --json (process)", check_cli, False),
    ):
        verdict = f"   goal < {GOAL:.0f} s: " + ("met" if value < GOAL else "NOT met")
        print(f"{what:48} {value:8.3f} {value / base:6.2f}" + (verdict if goal else ""))
    if args.keep:
        print(f"kept {temp}")
    else:
        import shutil

        shutil.rmtree(temp, ignore_errors=True)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
