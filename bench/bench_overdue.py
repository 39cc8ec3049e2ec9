"""credit overdue at county scale: 3,000 enterprises × 12 months of monthly reports (36,000), with
rectification orders, commitment letters, penalty decisions and blacklist entries beside them.

In a temporary folder, an archive built straight from synthetic events (no files are parsed),
started 2026-01 (``archive.start``): ``--n`` enterprises (default 3,000) spread over the sections
and industries; for each month January–November each enterprise's monthly report (about 3 % never
come, 2 % come with a topic empty) and each section's submission (one section misses a month);
one rectification order per 3 enterprises (deadlines through the year, half re-inspected and
closed); one commitment letter each (issued through the year, 80 % returned signed); one penalty
decision with a fine per 10 enterprises (half paid); a blacklist entry per 300 enterprises.

Measured (median of ``--runs``), on the index already in memory:

- **overdue**: ``archive.overdue.overdue(archive, 2026-12-01)`` — every source, every month;
  then each source alone (rectifications, letters, monthly, blacklist, fines);
- **A (baseline)**: loading the index alone (``Archive.open(...).index()``: read and parse
  index.json, as every command does first).

Goal: overdue < 1 s after the index is loaded; the ratio to A is printed.  Then, for information,
the whole command in a new process: ``credit overdue --json``.

    python bench/bench_overdue.py
    python bench/bench_overdue.py --n 3000 --runs 5 --keep
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
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive import blacklist, monthly, workdays  # noqa: E402
from archive import overdue as od  # noqa: E402
from archive.ingest import document_facts  # noqa: E402
from archive.overdue import overdue  # noqa: E402
from archive.store import Archive, init_archive  # noqa: E402
from tests.helpers import make_code  # noqa: E402

GOAL = 1.0
AS_OF = date(2026, 12, 1)
MONTHS = [f"2026-{m:02d}" for m in range(1, 12)]
BATCH = 4000
INDUSTRIES = ("非煤矿山", "危险化学品", "烟花爆竹", "冶金", "其他工贸")
SECTIONS = ("危化股", "非煤矿山股", "烟花爆竹股", "工贸股", "执法大队")


def timed(function, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def median_call(function, runs: int) -> float:
    function()  # warm-up
    return statistics.median(timed(function)[0] for _ in range(runs))


def run_process(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - started


def sha(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def filed(code: str | None, kind: str, fields: dict, received: str, *, section=None) -> dict:
    key = sha("bench", kind, code or section, fields.get("period"), fields.get("doc_number"))
    return {
        "sha256": key,
        "kind": kind,
        "original_name": f"{key[:8]}.pdf",
        "stored": f"files/{code or 'sections'}/{kind}/{key[:8]}.pdf",
        "credit_codes": [code] if code else [],
        "section": section,
        "matched_by": "code",
        "fields": fields,
        "enterprises": [],
        "fact_events": True,
        "received_on": received,
    }


def events(archive: Archive, n: int, rng: random.Random):
    """(type, data) of the whole archive, in the order a year of work gives them."""
    codes = [make_code(i) for i in range(n)]
    for i, code in enumerate(codes):
        yield (
            "enterprise.added",
            {
                "credit_code": code,
                "name": f"蓝山县第{i}号有限公司",
                "section": SECTIONS[i % len(SECTIONS)],
                "industry": INDUSTRIES[i % len(INDUSTRIES)],
            },
        )
    report = next(r for r in monthly.requirements(archive) if r.document == "monthly_report")
    for month in MONTHS:
        received = (monthly.next_first(month) + timedelta(days=rng.randrange(3))).isoformat()
        for code in codes:
            roll = rng.random()
            if roll < 0.03:
                continue  # never came
            topics = {topic: {"filled": True} for topic in report.topics}
            if roll < 0.05:
                topics[report.topics[0]] = {"filled": False}
            fields = {"period": month, "topics": topics, "signed": True, "signer": "张三"}
            yield "document.ingested", filed(code, "monthly_report", fields, received)
        for number, section in enumerate(SECTIONS):
            if month == "2026-06" and number == 0:
                continue
            fields = {"period": month, "items": ["台账", "报表", "总结"], "section": section}
            yield (
                "document.ingested",
                filed(None, "section_submission", fields, f"{month}-20", section=section),
            )
    for i, code in enumerate(codes):
        day = date(2026, 1, 5) + timedelta(days=rng.randrange(320))
        if i % 3 == 0:
            number = f"蓝应急责改〔2026〕{i}号"
            deadline = (day + timedelta(days=rng.choice([7, 15, 30]))).isoformat()
            fields = {
                "doc_number": number,
                "document_date": day.isoformat(),
                "rectification_deadline": deadline,
                "problems": ["消防通道堵塞"],
            }
            yield "document.ingested", filed(code, "rectification_order", fields, day.isoformat())
            if rng.random() < 0.5:
                on = (day + timedelta(days=rng.randrange(40))).isoformat()
                fields = {"document_date": on, "follows_order": number, "rectified": True}
                yield "document.ingested", filed(code, "reinspection_opinion", fields, on)
        serial = f"蓝应急诺〔2026〕{i:04d}号"
        yield (
            "letter.issued",
            {
                "serial": serial,
                "template": "commitment_unit",
                "category": "commitment",
                "level": "unit",
                "year": 2026,
                "credit_code": code,
                "section": None,
                "name": f"蓝山县第{i}号有限公司",
                "facts": {},
                "key": f"bench|{serial}",
                "issue_date": day.isoformat(),
                "file": f"out/{i}.docx",
                "pdf": None,
                "sha256": sha("letter", serial),
                "pdf_sha256": None,
                "reissue_of": None,
            },
        )
        if rng.random() < 0.8:
            back = (day + timedelta(days=rng.randrange(10, 40))).isoformat()
            fields = {"serial": serial, "signed": True, "signer": "张三", "doc_number": serial}
            yield "document.ingested", filed(code, "commitment_letter", fields, back)
        if i % 10 == 0:
            fields = {
                "doc_number": f"蓝应急罚〔2026〕{i}号",
                "document_date": day.isoformat(),
                "facts": "安全警示标志设置不全",
                "fine_yuan": rng.choice([5000, 20000, 50000]),
            }
            yield "document.ingested", filed(code, "penalty_decision", fields, day.isoformat())
            if rng.random() < 0.5:
                yield (
                    "penalty.paid",
                    {
                        "document": sha(
                            "bench", "penalty_decision", code, None, fields["doc_number"]
                        ),
                        "doc_number": fields["doc_number"],
                        "credit_code": code,
                        "date": (day + timedelta(days=10)).isoformat(),
                        "amount": fields["fine_yuan"],
                        "fine_yuan": fields["fine_yuan"],
                    },
                )
        if i % 300 == 0:
            record = {
                "id": "R-" + sha("record", code)[:12],
                "credit_code": code,
                "criterion": "3",
                "criterion_text": "执法检查发现存在重大安全生产隐患的",
                "rule": "penalty_major_hazard",
                "evidence": [{"document": sha("doc", code), "kind": "penalty_decision"}],
                "facts": {},
                "date": "2026-09-01",
                "regime": {"id": "county-2019", "version": "bench"},
            }
            yield "record.proposed", record
            yield (
                "record.confirmed",
                {
                    "id": record["id"],
                    "credit_code": code,
                    "reason": "bench",
                    "regime": record["regime"],
                },
            )


def build(root: Path, n: int) -> Archive:
    rng = random.Random(11)
    archive = init_archive(root, actor="bench")
    settings = root / "credit.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace('start = ""', 'start = "2026-01"', 1), "utf-8")
    archive = Archive.open(root, actor="bench")
    pending = events(archive, n, rng)
    done = False
    while not done:
        with archive.transaction() as tx:
            for count, (kind, data) in enumerate(pending):
                entry = tx.emit(kind, data)
                if kind == "document.ingested":
                    for fact_type, fact in document_facts(tx.index, entry["data"]):
                        tx.emit(fact_type, fact)
                if count + 1 >= BATCH:
                    break
            else:
                done = True
    blacklist.propose(archive, as_of=date(2026, 9, 10))
    return Archive.open(root, actor="bench")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="enterprises (default 3000)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement (default 5)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    temp = Path(tempfile.mkdtemp(prefix="credit-bench-overdue-"))
    root = temp / "archive"
    seconds, archive = timed(build, root, args.n)
    size = (root / "index.json").stat().st_size / 1e6
    documents = len(archive.index().table("documents").ids())
    print(
        f"{args.n} enterprises, {documents} documents in {temp} (python {sys.version.split()[0]})"
    )
    print(f"setup: built from events in {seconds:.1f} s; index.json {size:.1f} MB")

    archive = Archive.open(root, actor="bench")
    archive.index()
    report = overdue(archive, AS_OF)
    kinds = Counter(row["what"] for row in report.rows)
    print(
        f"overdue rows: {len(report.rows)} {dict(sorted(kinds.items()))}; exit {int(report.exit_code)}"
    )

    gc.collect()
    found = median_call(lambda: overdue(archive, AS_OF), args.runs)
    index = archive.index()
    calendar = workdays.calendar_for(archive)
    sources = [
        ("  rectifications", lambda: od.rectification_rows(index, calendar, AS_OF)),
        ("  commitment letters", lambda: od.commitment_rows(index, calendar, AS_OF, 30)),
        ("  monthly (archive.monthly.outstanding)", lambda: od.monthly_rows(archive, AS_OF)),
        ("  blacklist stages", lambda: od.blacklist_rows(archive, AS_OF)),
        ("  fines", lambda: od.fine_rows(index, calendar, AS_OF)),
    ]
    parts = [(what, median_call(function, args.runs)) for what, function in sources]
    base = median_call(lambda: Archive.open(root).index(), args.runs)
    cli = [sys.executable, "-m", "cli", "--archive", str(root)]
    process = statistics.median(
        run_process([*cli, "overdue", "--json", "--as-of", AS_OF.isoformat()]) for _ in range(3)
    )
    print()
    print(f"A  load the index alone (Archive.open + index())   {base * 1000:8.1f} ms")
    print()
    print(f"{'measurement':48} {'seconds':>8} {'×A':>6}")
    verdict = f"   goal < {GOAL:.0f} s: " + ("met" if found < GOAL else "NOT met")
    print(f"{'overdue (index loaded)':48} {found:8.3f} {found / base:6.2f}{verdict}")
    for what, seconds in parts:
        print(f"{what:48} {seconds:8.3f} {seconds / base:6.2f}")
    print(f"{'credit overdue --json (process)':48} {process:8.3f} {process / base:6.2f}")
    if args.keep:
        print(f"kept {temp}")
    else:
        import shutil

        shutil.rmtree(temp, ignore_errors=True)
    return 0 if found < GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
