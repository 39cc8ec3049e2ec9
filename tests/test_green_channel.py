"""The green channel (绿色通道) also needs complete monthly reports for the last N months whose
deadlines have passed; N is the regime's ``green_channel_months``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from archive import standing
from archive.errors import CreditError
from archive.regimes import BUILTIN, GREEN_CHANNEL_MONTHS, load_regime, read_regime
from archive.store import Archive
from tests.conftest import invoke
from tests.test_monthly import _add, _archive, _report
from tests.test_standing import signed_commitment

AS_OF = date(2026, 12, 1)  # November's reports are not due yet: August, September, October
MONTHS = ["2026-08", "2026-09", "2026-10"]
RECEIVED = {"2026-08": "2026-09-01", "2026-09": "2026-10-09", "2026-10": "2026-11-02"}


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return _archive(tmp_path)


def _trusted(archive: Archive, n: int, **fields: str) -> str:
    code = _add(archive, n, **fields)
    signed_commitment(archive, code, 2026)
    return code


def _row(archive: Archive, code: str) -> dict:
    (row,) = standing.standing(Archive.open(archive.root), code, AS_OF)
    return row


def test_both_regimes_say_how_many_months() -> None:
    for name in ("county-2019", "national-2023"):
        regime = read_regime(BUILTIN / f"{name}.toml")
        assert regime.green_channel_months == 3
        assert regime.as_dict()["green_channel_months"] == 3
    assert GREEN_CHANNEL_MONTHS == 3


def test_the_reader_defaults_and_refuses_a_negative(tmp_path: Path) -> None:
    text = (BUILTIN / "county-2019.toml").read_text(encoding="utf-8")
    without = tmp_path / "county-2019.toml"
    without.write_text(text.replace("green_channel_months = 3\n", ""), encoding="utf-8")
    assert read_regime(without).green_channel_months == GREEN_CHANNEL_MONTHS
    without.write_text(text.replace("green_channel_months = 3", "green_channel_months = -1"))
    with pytest.raises(CreditError, match="green_channel_months"):
        read_regime(without)


def test_complete_reports_keep_the_green_channel_and_a_late_one_counts(archive) -> None:
    code = _trusted(archive, 0)
    for month in MONTHS:
        _report(archive, code, month, RECEIVED[month])
    _report(archive, code, "2026-10", "2026-11-20")  # a duplicate changes nothing
    row = _row(archive, code)
    assert (row["standing"], row["rule"]) == ("trustworthy", "commitment_signed_no_record")
    assert row["evidence"][-1] == {"monthly_complete": MONTHS}


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"signed": False}, "incomplete"),
        ({"empty": ("安全投入",)}, "incomplete"),
        (None, "missing"),
    ],
)
def test_a_gap_in_the_last_months_takes_it_away(archive, kwargs, status) -> None:
    code = _trusted(archive, 0)
    for month in MONTHS:
        if month != "2026-09":
            _report(archive, code, month, RECEIVED[month])
        elif kwargs is not None:
            _report(archive, code, month, RECEIVED[month], **kwargs)
    row = _row(archive, code)
    assert (row["standing"], row["rule"]) == ("general", "monthly_reports_incomplete")
    assert row["evidence"][1]["month"] == "2026-09"
    assert row["evidence"][1]["monthly_status"] == status
    assert standing.green_channel(Archive.open(archive.root), AS_OF) == []


def test_older_gaps_and_months_not_owed_do_not_count(archive) -> None:
    old = _trusted(archive, 0)
    for month in MONTHS:
        _report(archive, old, month, RECEIVED[month])
    # July is missing: outside the last three months
    new = _trusted(archive, 1, since="2026-10-01")  # owes October only
    _report(archive, new, "2026-10", "2026-11-02")
    assert _row(archive, old)["standing"] == "trustworthy"
    row = _row(archive, new)
    assert row["standing"] == "trustworthy"
    assert row["evidence"][-1] == {"monthly_complete": MONTHS}


def test_a_regime_of_zero_months_does_not_look(archive) -> None:
    code = _trusted(archive, 0)
    assert _row(archive, code)["rule"] == "monthly_reports_incomplete"
    text = (BUILTIN / "county-2019.toml").read_text(encoding="utf-8")
    folder = archive.root / "regimes"
    folder.mkdir()
    (folder / "county-2019.toml").write_text(
        text.replace("green_channel_months = 3", "green_channel_months = 0"), encoding="utf-8"
    )
    assert load_regime(Archive.open(archive.root)).green_channel_months == 0
    row = _row(archive, code)
    assert row["standing"] == "trustworthy" and len(row["evidence"]) == 1


def test_the_command(runner, archive) -> None:
    good, bad = _trusted(archive, 0), _trusted(archive, 1)
    for month in MONTHS:
        _report(archive, good, month, RECEIVED[month])
    root = archive.root
    result = invoke(
        runner, "standing", "--green-channel", "--json", "--as-of", "2026-12-01", archive=root
    )
    assert result.exit_code == 0, result.output
    assert [row["credit_code"] for row in json.loads(result.stdout)] == [good]
    table = invoke(runner, "standing", bad, "--as-of", "2026-12-01", archive=root)
    assert "一般" in table.stdout and "2026-08 月报未提交" in table.stdout
    table = invoke(runner, "standing", good, "--as-of", "2026-12-01", archive=root)
    assert "2026-08 至 2026-10 月报完整" in table.stdout


def test_a_year_the_calendar_lacks_is_said_not_guessed(archive) -> None:
    code = _add(archive, 0)
    signed_commitment(archive, code, 2027)
    (row,) = standing.standing(Archive.open(archive.root), code, date(2027, 3, 1))
    assert (row["standing"], row["rule"]) == ("general", "monthly_reports_unknown")
    assert "2027" in row["evidence"][-1]["calendar_gap"]
