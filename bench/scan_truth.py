"""Scanned and photographed letters: does ingest match them by QR and tell signed from unsigned?

The must-hold of issue 13 for letters, measured as a user would: ``--letters`` (default 200)
commitment letters issued with ``credit gen-commitment``, printed by LibreOffice, half of them
signed (red seal, signatures, handwritten date), some unsigned ones with a stray pen mark or a red
highlighter line, rendered at 150–300 dpi, rotated by any angle, skewed, a third tilted in
perspective, with uneven light, noise and JPEG compression (``tests/scan_synth.py``, which never
looks at the detector).  Then ``credit ingest SCANS --nl --jobs N`` on the folder and every row
compared with the truth.

Must hold: matched by QR ≥ 99 %, signed/unsigned right ≥ 97 % (uncertain is not right, reported
apart), no unsigned page counted signed.  Exit status 1 when one fails.

    python bench/scan_truth.py                           # 200 letters in a temporary folder
    python bench/scan_truth.py --letters 50 --seed 7 --out /tmp/scans --keep
    python bench/scan_truth.py --out /tmp/scans --reuse  # ingest the set made before, again
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.scan_synth import SynthUnavailable, evaluate, make_set, report, run_ingest  # noqa: E402


def fresh_archive(truth: dict) -> None:
    """The archive as it was before any scan came in (so --reuse ingests them again)."""
    archive = Path(truth["archive"])
    pristine = Path(truth.get("pristine") or archive.with_name("archive.pristine"))
    shutil.rmtree(archive, ignore_errors=True)
    shutil.copytree(pristine, archive)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=200, help="letters (default 200)")
    parser.add_argument("--seed", type=int, default=13, help="seed of the whole set (default 13)")
    parser.add_argument("--jobs", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--out", type=Path, help="folder for the set (default: temporary)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--reuse", action="store_true", help="use the set already in --out")
    parser.add_argument("--check-qr", action="store_true", help="also read each file's QR here")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args()
    if args.letters < 1 or args.jobs < 1:
        parser.error("--letters and --jobs must be at least 1")
    out = args.out or Path(tempfile.mkdtemp(prefix="scan-truth-"))
    try:
        truth_file = out / "truth.json"
        if args.reuse and truth_file.is_file():
            truth = json.loads(truth_file.read_text("utf-8"))
        else:
            if out.exists() and any(out.iterdir()):
                parser.error(f"{out} is not empty (use --reuse, or another --out)")
            try:
                truth = make_set(
                    out, letters=args.letters, seed=args.seed, jobs=args.jobs,
                    check_qr=args.check_qr,
                )  # fmt: skip
            except SynthUnavailable as error:
                print(f"cannot build the set: {error}", file=sys.stderr)
                return 2
            print(
                f"set: {len(truth['files'])} files in {truth['scans']} "
                f"(letters + print {truth['seconds']['letters_and_print']} s, "
                f"images {truth['seconds']['images']} s)",
                file=sys.stderr,
            )
        fresh_archive(truth)
        rows, seconds = run_ingest(truth, jobs=args.jobs)
        summary = evaluate(truth, rows)
        summary["ingest_seconds"] = round(seconds, 1)
        if args.json:
            print(json.dumps(summary, ensure_ascii=False, indent=1))
        else:
            print(f"credit ingest --jobs {args.jobs}: {seconds:.1f} s")
            print(report(summary))
        return 0 if all(summary["must_hold"].values()) else 1
    finally:
        if args.out is None and not args.keep:
            shutil.rmtree(out, ignore_errors=True)
        elif args.out is None:
            print(f"kept: {out}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
