"""Ingest speed: pages per second against bare text extraction, and ingest into a big archive.

In a temporary folder (removed unless ``--keep``):

1. ``--n`` (default 1,000) two-page 行政处罚决定书 PDFs, written once with reportlab (the tests'
   builders in ``tests/parsers_fixtures.py``), each naming one of 50 registered enterprises.
2. **Ingest** (the library call ``archive.ingest.ingest``, ``jobs=--jobs``, default 2) of the
   folder into a fresh archive: wall time, pages/s, and CPU time of the parent and of the
   workers (``RUSAGE_CHILDREN``) — cores used = CPU / wall.
3. In the same run, the baselines, one process each, on the same files:
   A = pypdfium2's bare text extraction (open, each page's ``get_text_range``), all files;
   B = a plain pdfplumber ``page.extract_text()`` loop over a sample of ``--sample`` files
   (default 100; pdfplumber is slow), scaled to ``--n``.
4. **Big archive**: ``--big`` (default 100,000) ``document.ingested`` events with fake SHA-256
   are emitted in one transaction into a fresh archive holding 1,000 enterprises, then 10 new
   files are ingested: once with the library call (including ``Archive.open``) and ``--runs``
   times (default 3, each with 10 other files) through ``python -m cli ingest`` in a new process.

Goals (issue 4): ingest ≥ 5× faster than B, within 3× of A, using both cores; 10 files into the
100,000-document archive in < 3 s.  A missed goal is profiled with cProfile (top functions by
cumulative time are printed); ``--profile`` profiles both parts anyway.

Run from the repository root: ``python bench/bench_ingest.py --n 1000``.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import pstats
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

from archive.enterprises import clean_fields  # noqa: E402
from archive.ingest import ingest  # noqa: E402
from archive.store import Archive, init_archive  # noqa: E402
from tests.helpers import make_code  # noqa: E402
from tests.parsers_fixtures import FACTS, penalty_document, write_pdf  # noqa: E402

ENTERPRISES = [(make_code(700_000 + n), f"蓝山县第{n}号基准测试有限公司") for n in range(50)]
EVIDENCE = [
    "现场检查记录（2023年4月12日）",
    "询问笔录（当事人法定代表人）",
    "询问笔录（安全管理人员）",
    "现场照片十二张",
    "安全生产教育和培训档案复印件",
    "作业人员名册复印件",
    "营业执照复印件",
    "法定代表人身份证明",
    "授权委托书",
    "行政处罚告知书及送达回证",
    "陈述申辩笔录",
    "案件调查终结报告",
    "案件审核意见书",
    "集体讨论记录",
    "其他证据材料",
]


# -- the files -------------------------------------------------------------------------------


def two_page_decision(path: Path, n: int) -> Path:
    code, name = ENTERPRISES[n % len(ENTERPRISES)]
    fields = {
        "unit": name,
        "code": code,
        "address": f"蓝山县塔峰镇工业园{n}号",
        "legal_representative": "黄某某",
        "doc_number_printed": f"蓝应急罚〔2026〕{n + 1}号",
        "facts": FACTS,
        "provisions_violated_article": "第二十八条第一款",
        "legal_basis_article": "第九十七条第三项",
    }
    document = penalty_document(fields, kind="decision")
    evidence = ["", "附件：证据清单"] + [f"{i}. {item}" for i, item in enumerate(EVIDENCE, 1)]
    return write_pdf(path, document["blocks"] + evidence, title=document["title"])


def make_files(folder: Path, count: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        two_page_decision(folder / f"决定书{n:05d}.pdf", n) for n in range(start, start + count)
    ]


def page_count(paths: list[Path]) -> int:
    import pypdfium2 as pdfium

    total = 0
    for path in paths:
        pdf = pdfium.PdfDocument(str(path))
        total += len(pdf)
        pdf.close()
    return total


def fresh_archive(folder: Path, enterprises: list[tuple[str, str]]) -> Archive:
    archive = init_archive(folder, actor="bench")
    with archive.transaction() as tx:
        for code, name in enterprises:
            clean, problems = clean_fields({"credit_code": code, "name": name}, archive.settings)
            assert not problems, problems
            tx.emit("enterprise.added", {**clean, "source": "bench"})
    return archive


# -- measurements ----------------------------------------------------------------------------


def cpu_times() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def timed_ingest(root: Path, folder: Path, jobs: int, profile: Path | None = None) -> dict:
    """One library ingest; also the time spent in commits (``_Committer.flush``: copying into
    files/ with fsync, then the transaction), during which no new file goes to a worker."""
    import archive.ingest as module

    flushing = [0.0]
    original = module._Committer.flush

    def flush(self) -> None:
        began = time.perf_counter()
        try:
            original(self)
        finally:
            flushing[0] += time.perf_counter() - began

    module._Committer.flush = flush
    own0, kids0 = cpu_times()
    started = time.perf_counter()
    profiler = cProfile.Profile() if profile else None
    try:
        if profiler:
            profiler.enable()
        report = ingest(Archive.open(root), [folder], jobs=jobs)
        if profiler:
            profiler.disable()
            profiler.dump_stats(str(profile))
    finally:
        module._Committer.flush = original
    wall = time.perf_counter() - started
    own1, kids1 = cpu_times()
    statuses = {status: report.count(status) for status in ("ingested", "duplicate", "failed")}
    return {
        "wall": wall,
        "own_cpu": own1 - own0,
        "workers_cpu": kids1 - kids0,
        "flush": flushing[0],
        **statuses,
    }


def pdfium_loop(paths: list[Path]) -> float:
    import pypdfium2 as pdfium

    started = time.perf_counter()
    for path in paths:
        pdf = pdfium.PdfDocument(str(path))
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        pdf.close()
    return time.perf_counter() - started


def pdfplumber_loop(paths: list[Path]) -> float:
    import pdfplumber

    started = time.perf_counter()
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
    return time.perf_counter() - started


def build_big_archive(folder: Path, documents: int) -> tuple[Archive, float]:
    """1,000 enterprises (the 50 of the files among them) and ``documents`` fake documents."""
    enterprises = ENTERPRISES + [
        (make_code(800_000 + n), f"蓝山县第{n}号存量单位有限公司") for n in range(950)
    ]
    archive = fresh_archive(folder, enterprises)
    started = time.perf_counter()
    with archive.transaction() as tx:
        for n in range(documents):
            sha = hashlib.sha256(f"fake document {n}".encode()).hexdigest()
            code = enterprises[n % len(enterprises)][0]
            tx.emit(
                "document.ingested",
                {
                    "sha256": sha,
                    "kind": "penalty_decision",
                    "original_name": f"收件/旧文书{n:06d}.pdf",
                    "stored": f"files/{code}/penalty_decision/2025-06-01_{sha[:8]}.pdf",
                    "credit_codes": [code],
                    "section": None,
                    "matched_by": "code",
                    "fields": {
                        "doc_number": f"蓝应急罚〔2025〕{n + 1}号",
                        "document_date": "2025-06-01",
                        "fine_yuan": 20000,
                        "parser": "penalty_decision",
                    },
                    "enterprises": [{"name": None, "credit_code": code}],
                },
            )
    return archive, time.perf_counter() - started


def cli_ingest(root: Path, folder: Path, jobs: int) -> float:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CREDIT_")}
    env.update(CREDIT_NO_PROGRESS="1", PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "cli", "--archive", str(root), "ingest", str(folder)]
    started = time.perf_counter()
    result = subprocess.run(
        [*command, "--jobs", str(jobs)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        check=False,
    )
    wall = time.perf_counter() - started
    if result.returncode != 0 or "已归档" not in result.stderr:
        raise SystemExit(f"credit ingest failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return wall


def show_profile(path: Path, title: str, lines: int = 20) -> None:
    print(f"\n--- cProfile: {title} (top {lines} by cumulative time) ---")
    stats = pstats.Stats(str(path))
    stats.sort_stats("cumulative").print_stats(lines)


# -- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="PDFs to ingest (default 1000)")
    parser.add_argument("--jobs", type=int, default=2, help="ingest workers (default 2)")
    parser.add_argument("--sample", type=int, default=100, help="pdfplumber sample (default 100)")
    parser.add_argument("--big", type=int, default=100_000, help="documents in the big archive")
    parser.add_argument("--runs", type=int, default=3, help="CLI runs against the big archive")
    parser.add_argument("--profile", action="store_true", help="profile even if goals are met")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="credit-bench-ingest-"))
    print(
        f"folder: {base}  (cores: {os.cpu_count()}, jobs: {args.jobs}, Python {sys.version.split()[0]})"
    )
    try:
        started = time.perf_counter()
        files = make_files(base / "收件", args.n)
        pages = page_count(files)
        print(f"wrote {len(files)} PDFs, {pages} pages, in {time.perf_counter() - started:.1f} s")
        assert pages == 2 * len(files), "every file should have two pages"

        # 1. ingest, then the baselines on the same (now cached) files
        archive = fresh_archive(base / "档案", ENTERPRISES)
        profile = base / "ingest.prof"
        result = timed_ingest(archive.root, base / "收件", args.jobs)
        assert result["ingested"] == len(files), result
        pdfium = pdfium_loop(files)
        sample = files[: args.sample]
        plumber_sample = pdfplumber_loop(sample)
        plumber = plumber_sample * len(files) / len(sample)

        wall = result["wall"]
        cores = (result["own_cpu"] + result["workers_cpu"]) / wall
        print()
        print(
            f"| measurement ({len(files)} files, {pages} pages) | seconds | pages/s | ingest is |"
        )
        print("|---|---|---|---|")
        print(f"| `ingest` (library, jobs={args.jobs}) | {wall:.2f} | {pages / wall:.0f} | |")
        print(
            f"| A: pypdfium2 bare text, 1 process | {pdfium:.2f} | {pages / pdfium:.0f} "
            f"| **{wall / pdfium:.2f}× slower** (goal ≤ 3×) |"
        )
        print(
            f"| B: pdfplumber `extract_text`, 1 process ({len(sample)} files × "
            f"{len(files) / len(sample):g}) | {plumber:.2f} | {pages / plumber:.1f} "
            f"| **{plumber / wall:.1f}× faster** (goal ≥ 5×) |"
        )
        print(
            f"\ningest CPU: parent {result['own_cpu']:.2f} s, workers {result['workers_cpu']:.2f} s"
            f" → {cores:.2f} cores busy on average over {wall:.2f} s; commits (copy + fsync +"
            f" transaction, workers not fed meanwhile): {result['flush']:.2f} s"
        )
        speed_missed = plumber / wall < 5 or wall / pdfium > 3
        print(
            f"goals: ≥ 5× faster than B: {'met' if plumber / wall >= 5 else 'NOT MET'}; "
            f"≤ 3× A: {'met' if wall / pdfium <= 3 else 'NOT MET'}"
        )
        if speed_missed or args.profile:
            archive2 = fresh_archive(base / "档案-profile", ENTERPRISES)
            timed_ingest(archive2.root, base / "收件", args.jobs, profile=profile)
            show_profile(profile, "ingest of the folder (parent process only)")
            worker = base / "worker.prof"
            profiler = cProfile.Profile()
            from archive.ingest import parse_task

            profiler.enable()
            for path in sample:
                parse_task(str(path))
            profiler.disable()
            profiler.dump_stats(str(worker))
            show_profile(
                worker, f"parse_task of {len(sample)} files in one process (a worker's work)"
            )

        # 2. 10 files into an archive of --big documents
        print()
        started = time.perf_counter()
        big, emit_seconds = build_big_archive(base / "大档案", args.big)
        index_mb = (big.root / "index.json").stat().st_size / 2**20
        journal_mb = (big.root / "journal.jsonl").stat().st_size / 2**20
        print(
            f"big archive: {args.big:,} documents emitted in {emit_seconds:.1f} s "
            f"(index.json {index_mb:.0f} MB, journal {journal_mb:.0f} MB)"
        )
        batches = [
            make_files(base / f"新收{run}", 10, start=args.n + 10 * run)
            for run in range(args.runs + 1)
        ]
        library = timed_ingest(big.root, batches[0][0].parent, args.jobs)
        assert library["ingested"] == 10, library
        cli_walls = [cli_ingest(big.root, batch[0].parent, args.jobs) for batch in batches[1:]]
        cli_median = statistics.median(cli_walls)
        print()
        print(f"| 10 files into {args.big:,} documents | seconds | goal < 3 s |")
        print("|---|---|---|")
        print(
            f"| library (`Archive.open` + `ingest`) | {library['wall']:.2f} | "
            f"{'met' if library['wall'] < 3 else '**not met**'} |"
        )
        print(
            f"| `credit ingest` (new process, median of {len(cli_walls)}: "
            f"{', '.join(f'{w:.2f}' for w in cli_walls)}) | {cli_median:.2f} | "
            f"{'met' if cli_median < 3 else '**not met**'} |"
        )
        if max(library["wall"], cli_median) >= 3 or args.profile:
            extra = make_files(base / "新收-profile", 10, start=args.n + 10_000)
            big_profile = base / "big.prof"
            timed_ingest(big.root, extra[0].parent, args.jobs, profile=big_profile)
            show_profile(big_profile, f"10 files into {args.big:,} documents")
    finally:
        if args.keep:
            print(f"\nkept: {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
