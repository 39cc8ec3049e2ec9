"""The rules at county scale: proposing records and computing standing for 3,000 enterprises
with 20,000 documents.

In a temporary folder, an archive built straight from synthetic events (no files are parsed):
``--n`` enterprises (default 3,000) and ``--documents`` documents (default 20,000) filed under
them — monthly reports, inspection records, commitment letters returned signed (the
enterprise's own text), rectification orders with deadlines (half of them past, some on
holidays), re-inspections that close some of them, and penalty decisions whose facts fit the
keyword rules or none — emitted through ``archive.transaction()`` in batches, as ingest commits.

Measured (median of ``--runs``), each on the index already in memory:

- **propose**: ``records.candidates`` — every automatic rule over every fact, compared with the
  table (what ``credit record propose --dry-run`` computes; nothing written);
- **standing**: ``standing.standing`` of every enterprise;
- **A (baseline)**: loading the index alone (``Archive.open(...).index()``: read and parse
  index.json, as every command does first).

Goal: propose + standing < 2 s; the ratio to A is printed.  Then, for information, the whole
commands in a new process: ``credit record propose --dry-run`` and ``credit standing --json``.

    python bench/bench_rules.py
    python bench/bench_rules.py --n 3000 --documents 20000 --runs 5 --keep
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
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive import records, standing, workdays  # noqa: E402
from archive.ingest import document_facts  # noqa: E402
from archive.regimes import load_regime  # noqa: E402
from archive.store import Archive, init_archive  # noqa: E402
from tests.helpers import make_code  # noqa: E402

GOAL = 2.0
AS_OF = date(2026, 12, 1)
FACTS = [
    "未取得安全生产许可证擅自从事生产活动",
    "存在重大事故隐患未及时消除",
    "未建立安全风险分级管控和隐患排查治理双重预防机制",
    "未如实记录事故隐患排查治理情况",
    "拒不执行责令停产整顿指令",
    "发生生产安全事故后迟报",
    "特种作业人员未持证上岗作业",
    "安全警示标志设置不全，未按规定佩戴劳动防护用品",
]
KINDS = (
    ["monthly_report"] * 60
    + ["inspection_record"] * 12
    + ["commitment_letter"] * 10
    + ["rectification_order"] * 10
    + ["reinspection_opinion"] * 4
    + ["penalty_decision"] * 4
)
BATCH = 2000


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


def document(n: int, code: str, rng: random.Random) -> dict:
    kind = rng.choice(KINDS)
    day = date(2026, 1, 1) + timedelta(days=rng.randrange(330))
    fields: dict = {"document_date": day.isoformat()}
    if kind == "rectification_order":
        fields["doc_number"] = f"蓝应急责改〔2026〕{n}号"
        fields["rectification_deadline"] = (
            day + timedelta(days=rng.choice([7, 15, 30]))
        ).isoformat()
    elif kind == "reinspection_opinion":
        fields["rectified"] = rng.random() < 0.7
    elif kind == "penalty_decision":
        fields.update(
            doc_number=f"蓝应急罚〔2026〕{n}号",
            facts="经查，该单位" + rng.choice(FACTS) + "。",
            provisions_violated="《中华人民共和国安全生产法》第四十一条",
            legal_basis="《中华人民共和国安全生产法》第一百零一条",
            fine_yuan=rng.choice([5000, 20000, 50000]),
        )
    elif kind == "commitment_letter":
        fields.update(year=2026, level="unit", signed=True, signer="张三", sign_date="2026-03-01")
    sha = hashlib.sha256(f"bench|{n}".encode()).hexdigest()
    return {
        "sha256": sha,
        "kind": kind,
        "original_name": f"{n}.pdf",
        "stored": f"files/{code}/{kind}/{sha[:8]}.pdf",
        "credit_codes": [code],
        "section": None,
        "matched_by": "code",
        "fields": fields,
        "enterprises": [],
        "fact_events": True,
    }


def build(root: Path, n: int, documents: int) -> Archive:
    rng = random.Random(10)
    archive = init_archive(root, actor="bench")
    codes = [make_code(i) for i in range(n)]
    with archive.transaction() as tx:
        for i, code in enumerate(codes):
            tx.emit("enterprise.added", {"credit_code": code, "name": f"蓝山县第{i}号有限公司"})
    for start in range(0, documents, BATCH):
        with archive.transaction() as tx:
            for number in range(start, min(documents, start + BATCH)):
                filed = tx.emit("document.ingested", document(number, rng.choice(codes), rng))
                for fact_type, fact in document_facts(tx.index, filed["data"]):
                    tx.emit(fact_type, fact)
    return archive


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="enterprises (default 3000)")
    parser.add_argument("--documents", type=int, default=20_000, help="documents (default 20000)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement (default 5)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    temp = Path(tempfile.mkdtemp(prefix="credit-bench-rules-"))
    root = temp / "archive"
    seconds, _archive = timed(build, root, args.n, args.documents)
    size = (root / "index.json").stat().st_size / 1e6
    print(
        f"{args.n} enterprises, {args.documents} documents in {temp} (python {sys.version.split()[0]})"
    )
    print(f"setup: built from events in {seconds:.1f} s; index.json {size:.1f} MB")

    archive = Archive.open(root, actor="bench")
    index = archive.index()
    regime = load_regime(archive)
    calendar = workdays.calendar_for(archive)
    gc.collect()
    first = median_call(lambda: records.candidates(index, regime, calendar, AS_OF), args.runs)

    # The archive a month later: every proposal made, a third of them confirmed, a tenth rejected.
    report = records.propose(archive, AS_OF)
    made = [item.record["id"] for item in report.items if item.outcome == records.NEW]
    with archive.transaction() as tx:
        for number, record_id in enumerate(made):
            if number % 3 == 0:
                tx.emit(
                    "record.confirmed",
                    {"id": record_id, "reason": "bench", "regime": regime.stamp()},
                )
            elif number % 10 == 1:
                tx.emit(
                    "record.rejected",
                    {"id": record_id, "reason": "bench", "regime": regime.stamp()},
                )
    archive = Archive.open(root, actor="bench")
    index = archive.index()
    counts: dict[str, int] = {}
    for item in records.candidates(index, regime, calendar, AS_OF):
        counts[item.outcome] = counts.get(item.outcome, 0) + 1
    kinds: dict[str, int] = {}
    for row in standing.standing(archive, None, AS_OF):
        kinds[row["standing"]] = kinds.get(row["standing"], 0) + 1
    print(f"first run proposed {len(made)}; then rules: {dict(sorted(counts.items()))}")
    print(f"standing: {dict(sorted(kinds.items()))}")

    gc.collect()
    propose = median_call(lambda: records.candidates(index, regime, calendar, AS_OF), args.runs)
    standing_all = median_call(lambda: standing.standing(archive, None, AS_OF), args.runs)
    base = median_call(lambda: Archive.open(root).index(), args.runs)
    cli = [sys.executable, "-m", "cli", "--archive", str(root)]
    as_of = ["--as-of", AS_OF.isoformat()]
    propose_cli = statistics.median(
        run_process([*cli, "record", "propose", "--dry-run", *as_of]) for _ in range(3)
    )
    standing_cli = statistics.median(
        run_process([*cli, "standing", "--json", *as_of]) for _ in range(3)
    )

    total = propose + standing_all
    print()
    print(f"A  load the index alone (Archive.open + index())   {base * 1000:8.1f} ms")
    print()
    print(f"{'measurement':48} {'seconds':>8} {'×A':>6}")
    rows = [
        ("propose, first run (nothing proposed yet)", first),
        ("propose (dry run, computation only)", propose),
        ("standing of every enterprise", standing_all),
        ("propose + standing", total),
        ("credit record propose --dry-run (process)", propose_cli),
        ("credit standing --json (process)", standing_cli),
    ]
    for what, seconds in rows:
        goal = f"   goal < {GOAL:.0f} s: " + ("met" if total < GOAL else "NOT met")
        print(
            f"{what:48} {seconds:8.3f} {seconds / base:6.2f}"
            + (goal if what == "propose + standing" else "")
        )
    if args.keep:
        print(f"kept {temp}")
    else:
        import shutil

        shutil.rmtree(temp, ignore_errors=True)
    return 0 if total < GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
