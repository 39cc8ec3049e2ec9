"""`credit enterprise show` carries the monthly history: a 12-month row of ✓ ! ✗ ◐."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from archive import monthly
from archive.dossier import enterprise_detail
from archive.store import Archive
from archive.workdays import package_years
from tests.conftest import invoke
from tests.test_monthly import _add, _archive, _report

AS_OF = date(2026, 12, 1)


def test_the_marks_of_twelve_months(tmp_path: Path) -> None:
    archive = _archive(tmp_path, start="2026-03")
    code = _add(archive, 0)
    _report(archive, code, "2026-03", "2026-04-01")  # on time
    _report(archive, code, "2026-04", "2026-05-20")  # late
    _report(archive, code, "2026-05", "2026-06-01", empty=("安全投入",))  # incomplete
    # 2026-06 … 2026-10 missing; 2026-11 and 2026-12 not due at 12-01
    rows = monthly.monthly_history(Archive.open(archive.root), code, AS_OF)
    assert [row["month"] for row in rows] == [f"2026-{m:02d}" for m in range(1, 13)]
    marks = "".join(row["mark"] for row in rows)
    assert marks == "  " + "✓!◐" + "✗✗✗✗✗" + "··"  # before the start: not owed
    assert {row["requirement"] for row in rows} == {"安全生产诚信履行情况报告表"}
    assert rows[2]["status"] == "on_time" and rows[-1]["status"] == "not_due"


def test_enterprise_show_has_the_row(runner, tmp_path: Path) -> None:
    today = date.today()
    archive = _archive(tmp_path, start=monthly.add_months(monthly.month_of(today), -11))
    code = _add(archive, 0)
    # a month the calendar can judge, whatever day the tests run on (holiday data ends 2026)
    month = monthly.default_month(archive, min(today, date(package_years()[1], 12, 31)))
    _report(archive, code, month, monthly.next_first(month).isoformat())
    data = json.loads(
        invoke(runner, "enterprise", "show", code, "--json", archive=archive.root).stdout
    )
    history = data["monthly"]
    assert len(history) == 12 and history[-1]["month"] == monthly.month_of(today)
    assert {row["month"]: row["mark"] for row in history}[month] == "✓"
    assert "✗" in {row["mark"] for row in history}  # the months before it: missing
    assert enterprise_detail(Archive.open(archive.root), code)["monthly"] == history
    table = invoke(runner, "enterprise", "show", code, archive=archive.root)
    assert table.exit_code == 0, table.output
    assert "月度报送" in table.stdout and "✓ 按时" in table.stdout
    assert f" {month[5:]} " in table.stdout
    english = invoke(runner, "--lang", "en", "enterprise", "show", code, archive=archive.root)
    assert "Monthly reports" in english.stdout
