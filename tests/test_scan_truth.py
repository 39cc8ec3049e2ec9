"""Issue 13's must-hold for letters on paper, at small scale: 30 commitment letters printed by
LibreOffice, half signed (seal, signatures, handwritten date), some unsigned ones with a stray pen
mark or a red highlighter line, scanned and photographed at 150–300 dpi, any rotation, skew, a
third tilted, noise, uneven light, JPEG (tests/scan_synth.py, which never looks at the detector),
then ``credit ingest --nl`` as a user runs it.  The thresholds are bench/scan_truth.py's (200
letters): matched by QR ≥ 99 %, signed/unsigned right ≥ 97 %, no unsigned page counted signed.
"""

from __future__ import annotations

import pytest

from tests import scan_synth

pytestmark = pytest.mark.slow


def test_scanned_letters_round_trip(tmp_path) -> None:
    for module in ("cv2", "numpy", "PIL", "zxingcpp", "pypdfium2"):
        pytest.importorskip(module)
    if scan_synth.find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    truth = scan_synth.make_set(tmp_path / "set", letters=30, seed=2026, jobs=2)
    assert sum(row["signed"] for row in truth["files"]) == 15
    rows, _seconds = scan_synth.run_ingest(truth, jobs=2)
    summary = scan_synth.evaluate(truth, rows)
    assert all(summary["must_hold"].values()), scan_synth.report(summary)
    assert summary["unsigned_counted_signed"] == 0
