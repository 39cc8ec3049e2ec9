"""Letters per second: the compiled renderer vs. plain docxtpl vs. rewriting the zip.

Renders ``--n`` unit-level commitment letters from ``templates/commitment_unit.docx`` (or, if
it is not there, from the tests' fixture template) and writes each to disk:

1. ``CompiledTemplate.render`` + write (compiled once, one process);
2. plain docxtpl: ``DocxTemplate(path).render(context, autoescape=True)`` + ``save`` per letter;
3. the floor: rewriting the template's zip (read every member, write a new .docx) per letter;
4. ``--jobs`` worker processes (ProcessPoolExecutor, each compiling once) running (1).

Each figure is the median of ``--runs`` rounds (default 3), the four measurements interleaved
in every round.  Run from the repository root: ``python bench/bench_letters.py --n 1000``.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.letters.render import compile_template, qr_png  # noqa: E402

SHIPPED = ROOT / "templates" / "commitment_unit.docx"
CODE_PREFIX = "91431127MA4L"


def letter_context(index: int, variables: frozenset[str]) -> tuple[dict, str, str]:
    """Context, serial and code of letter ``index`` (distinct names, codes and serials)."""
    code = f"{CODE_PREFIX}{index:06d}"
    name = f"蓝山县第{index}号矿业有限公司"
    context: dict = {
        "enterprise": {
            "name": name,
            "credit_code": code,
            "legal_representative": "张三",
            "address": f"塔峰镇龙泉路{index}号",
            "industry": "非煤矿山",
            "section": "非煤矿山股",
            "town": "塔峰镇",
        },
        "bureau": "蓝山县应急管理局",
        "county": "蓝山县",
        "year": 2026,
        "issue_date": "2026年1月5日",
        "items": ["遵守安全生产法律法规", "落实主体责任", "接受监督"],
        "people": [{"name": "张三", "role": "法定代表人"}, {"name": "李四", "role": "安全员"}],
    }
    for variable in variables - set(context) - {"serial"}:
        context[variable] = "测试"
    return context, f"蓝应急诺〔2026〕{index:04d}号", code


def fixture_template(folder: Path) -> Path:
    from tests.test_render import make_template

    return make_template(folder / "letter.docx")


# -- workers -----------------------------------------------------------------------------------

_WORKER: dict = {}


def _worker_init(path: str) -> None:
    _WORKER["template"] = compile_template(Path(path))


def _worker_render(task: tuple[int, int, str]) -> int:
    start, stop, folder = task
    template = _WORKER["template"]
    for index in range(start, stop):
        context, serial, code = letter_context(index, template.variables)
        data = template.render(context, serial=serial, credit_code=code)
        Path(folder, f"{index:05d}.docx").write_bytes(data)
    return stop - start


# -- measurements ------------------------------------------------------------------------------


def bench_compiled(path: Path, n: int, folder: Path) -> tuple[float, float]:
    start = time.perf_counter()
    template = compile_template(path)
    compiled_in = time.perf_counter() - start
    start = time.perf_counter()
    for index in range(n):
        context, serial, code = letter_context(index, template.variables)
        data = template.render(context, serial=serial, credit_code=code)
        (folder / f"{index:05d}.docx").write_bytes(data)
    return time.perf_counter() - start, compiled_in


def bench_docxtpl(path: Path, n: int, folder: Path, variables: frozenset[str]) -> float:
    from docxtpl import DocxTemplate

    start = time.perf_counter()
    for index in range(n):
        context, serial, _code = letter_context(index, variables)
        document = DocxTemplate(path)
        document.render({**context, "serial": serial}, autoescape=True)
        document.save(folder / f"{index:05d}.docx")
    return time.perf_counter() - start


def bench_floor(path: Path, n: int, folder: Path) -> float:
    start = time.perf_counter()
    for index in range(n):
        with (
            zipfile.ZipFile(path) as source,
            zipfile.ZipFile(folder / f"{index:05d}.docx", "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for info in source.infolist():
                target.writestr(info, source.read(info))
    return time.perf_counter() - start


def bench_jobs(path: Path, n: int, folder: Path, jobs: int) -> float:
    import multiprocessing

    chunk = max(1, n // (jobs * 8))
    tasks = [(i, min(i + chunk, n), str(folder)) for i in range(0, n, chunk)]
    context = multiprocessing.get_context("fork")
    start = time.perf_counter()
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_init, initargs=(str(path),)) as pool:  # fmt: skip
        done = sum(pool.map(_worker_render, tasks))
    assert done == n
    return time.perf_counter() - start


def bench_qr(n: int) -> float:
    start = time.perf_counter()
    for index in range(n):
        qr_png(f"蓝应急诺〔2026〕{index:04d}号", f"{CODE_PREFIX}{index:06d}")
    return time.perf_counter() - start


def same_text(path: Path, variables: frozenset[str]) -> bool:
    """Sanity check: the first letter reads the same from both renderers."""
    import docx
    from docxtpl import DocxTemplate

    context, serial, code = letter_context(0, variables)
    ours = docx.Document(io.BytesIO(compile_template(path).render(context, serial=serial, credit_code=code)))  # fmt: skip
    plain = DocxTemplate(path)
    plain.render({**context, "serial": serial}, autoescape=True)
    buffer = io.BytesIO()
    plain.save(buffer)
    theirs = docx.Document(io.BytesIO(buffer.getvalue()))
    return [p.text for p in ours.paragraphs] == [p.text for p in theirs.paragraphs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="letters per measurement")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for (4)")
    parser.add_argument("--runs", type=int, default=3, help="rounds; figures are medians")
    parser.add_argument("--template", type=Path, help="another .docx template")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-letters-") as tmp:
        tmp_path = Path(tmp)
        path = args.template or (SHIPPED if SHIPPED.exists() else fixture_template(tmp_path))
        variables = compile_template(path).variables
        print(f"template: {path} ({path.stat().st_size:,} bytes); n = {args.n}; "
              f"runs = {args.runs}; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")  # fmt: skip
        print(f"text equal to docxtpl's: {same_text(path, variables)}")

        rounds: dict[str, list[float]] = {}
        compile_times: list[float] = []
        for _round in range(args.runs):
            for label in ("compiled", "docxtpl", "floor", "jobs"):
                folder = tmp_path / label
                folder.mkdir(exist_ok=True)
                if label == "compiled":
                    seconds, compiled_in = bench_compiled(path, args.n, folder)
                    compile_times.append(compiled_in)
                elif label == "docxtpl":
                    seconds = bench_docxtpl(path, args.n, folder, variables)
                elif label == "floor":
                    seconds = bench_floor(path, args.n, folder)
                else:
                    seconds = bench_jobs(path, args.n, folder, args.jobs)
                rounds.setdefault(label, []).append(seconds)
                for file in folder.iterdir():
                    file.unlink()
        figures = {label: statistics.median(values) for label, values in rounds.items()}
        compiled_in = statistics.median(compile_times)
        qr_seconds = bench_qr(args.n)

    n = args.n
    rate = {label: n / seconds for label, seconds in figures.items()}
    rows = [
        ("compiled (render + write)", "compiled"),
        ("plain docxtpl (render + save)", "docxtpl"),
        ("floor (rewrite the zip)", "floor"),
        (f"compiled, --jobs {args.jobs}", "jobs"),
    ]
    print(f"\n{'':34} {'letters/s':>10} {'ms/letter':>10}")
    for title, label in rows:
        print(f"{title:34} {rate[label]:10.1f} {1000 * figures[label] / n:10.2f}")
    print(f"{'  of which QR code (qr_png)':34} {'':10} {1000 * qr_seconds / n:10.2f}")
    print(f"{'  compile once':34} {'':10} {1000 * compiled_in:10.2f}")
    speedup = rate["compiled"] / rate["docxtpl"]
    print(f"\ncompiled / plain docxtpl: {speedup:.2f}x (goal >= 3x: {'met' if speedup >= 3 else 'NOT met'})")  # fmt: skip
    print(f"compiled / floor:         {rate['compiled'] / rate['floor']:.2f}x")
    scaling = rate["jobs"] / rate["compiled"]
    print(f"--jobs {args.jobs} / one process:  {scaling:.2f}x (linear would be {args.jobs}x)")


if __name__ == "__main__":
    main()
