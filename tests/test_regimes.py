"""Regimes as data: the shipped ones, an archive's own, checks of a regime file, `credit regime`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from archive.errors import InputError, UsageError
from archive.regimes import BUILTIN, load_regime, read_regime
from archive.store import Archive
from tests.conftest import invoke


def test_the_county_programme_is_the_default_with_its_eight_and_six_grounds(archive_dir):
    regime = load_regime(Archive.open(archive_dir))
    assert regime.id == "county-2019"
    assert [c.number for c in regime.record_criteria] == [str(n) for n in range(1, 9)]
    assert [c.number for c in regime.blacklist_criteria] == [str(n) for n in range(1, 7)]
    # the programme's wording, verbatim
    assert regime.record_criterion("5").text == (
        "隐患排查不如实记录和上报隐患排查治理情况，期限内未完成治理整改的"
    )
    assert regime.blacklist_criterion("6").text == "一年内发生死亡的生产安全责任事故的"
    assert (regime.term_years, regime.term_by_grade) == (
        1,
        {"larger": 1, "major": 2, "especially_major": 3},
    )
    assert [s.key for s in regime.stages] == ["collect", "notify", "exchange", "publish", "remove"]
    assert regime.stage("notify").notice == "notice_blacklist"
    assert regime.stage("remove").notice == "notice_blacklist_removal"
    assert not regime.early_removal


def test_the_national_regime_three_years_and_early_removal_after_twelve_months():
    regime = load_regime(None, "national-2023")
    assert regime.term_years == 3 and regime.term_by_grade == {}
    assert regime.early_removal and regime.early_after_months == 12
    assert regime.requires_penalty


@pytest.mark.parametrize(
    ("regime_id", "rule", "grade", "expected"),
    [
        ("county-2019", "rectification_overdue", None, "5"),
        ("county-2019", "penalty_hazard_records", None, "5"),
        ("county-2019", "penalty_illegal_production", None, "2"),
        ("county-2019", "penalty_major_hazard", None, "3"),
        ("county-2019", "penalty_dual_prevention", None, "4"),
        ("county-2019", "penalty_refused_order", None, "6"),
        ("county-2019", "penalty_unpaid", None, "6"),
        ("county-2019", "penalty_accident_report", None, "7"),
        ("county-2019", "accident_concealed", None, "7"),
        ("county-2019", "accident_fatal_liable", "general", "1"),
        ("county-2019", "penalty_other", None, "8"),
        # the national regime lists only its grounds for listing
        ("national-2023", "rectification_overdue", None, None),
        ("national-2023", "penalty_major_hazard", None, None),
        ("national-2023", "penalty_other", None, None),
        ("national-2023", "accident_fatal_liable", "general", None),
        ("national-2023", "accident_fatal_liable", "larger", None),
        ("national-2023", "accident_fatal_liable", "major", "1"),
        ("national-2023", "accident_fatal_liable", "especially_major", "1"),
        ("national-2023", "accident_fatal_liable", None, None),
        ("national-2023", "penalty_accident_report", None, "4"),
        ("national-2023", "penalty_illegal_production", None, "6"),
        ("national-2023", "penalty_refused_order", None, "8"),
    ],
)
def test_each_rule_proposes_under_the_ground_its_regime_gives(regime_id, rule, grade, expected):
    found = load_regime(None, regime_id).criterion_for_rule(rule, grade)
    assert (found.number if found else None) == expected


@pytest.mark.parametrize(
    ("regime_id", "grade", "years"),
    [
        ("county-2019", None, 1),
        ("county-2019", "general", 1),
        ("county-2019", "larger", 1),
        ("county-2019", "major", 2),
        ("county-2019", "especially_major", 3),
        ("national-2023", None, 3),
        ("national-2023", "especially_major", 3),
    ],
)
def test_terms_by_accident_grade(regime_id, grade, years):
    assert load_regime(None, regime_id).term_for(grade)[0] == years


def test_blacklist_grounds_name_the_records_that_support_them():
    regime = load_regime(None, "county-2019")
    assert [c.number for c in regime.blacklist_criteria_for("1")] == ["6"]
    assert [c.number for c in regime.blacklist_criteria_for("7")] == ["3"]
    assert regime.blacklist_criteria_for("8") == []
    # a rectification order is an enforcement order: not rectified in time is blacklist ground 2
    assert [c.number for c in regime.blacklist_criteria_for("5")] == ["2"]


def test_version_is_the_file_s_hash_and_an_archive_s_own_file_wins(archive_dir):
    shipped = load_regime(None, "county-2019")
    text = (BUILTIN / "county-2019.toml").read_bytes()
    assert shipped.version == hashlib.sha256(text).hexdigest()[:12]
    own = archive_dir / "regimes" / "county-2019.toml"
    own.parent.mkdir()
    own.write_bytes(text.replace(b"years = 1\n", b"years = 2\n", 1))
    regime = load_regime(Archive.open(archive_dir))
    assert regime.term_years == 2
    assert regime.source == str(own)
    assert regime.version != shipped.version
    assert regime.stamp() == {"id": "county-2019", "version": regime.version}


def test_an_archive_may_choose_its_own_regime(archive_dir):
    own = archive_dir / "regimes" / "town-2026.toml"
    own.parent.mkdir()
    own.write_text(
        (BUILTIN / "county-2019.toml")
        .read_text(encoding="utf-8")
        .replace('id = "county-2019"', 'id = "town-2026"'),
        encoding="utf-8",
    )
    settings = archive_dir / "credit.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            'regime = "county-2019"', 'regime = "town-2026"'
        ),
        encoding="utf-8",
    )
    assert load_regime(Archive.open(archive_dir)).id == "town-2026"


def test_an_unknown_regime_in_credit_toml_names_the_file(archive_dir):
    settings = archive_dir / "credit.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace('regime = "county-2019"', 'regime = "x"'),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_regime(Archive.open(archive_dir))
    assert "credit.toml" in caught.value.message and "x" in caught.value.message


@pytest.mark.parametrize("name", ["nope", "../county-2019", "", ".hidden"])
def test_an_unknown_regime_id_is_a_usage_error(name):
    with pytest.raises(UsageError) as caught:
        load_regime(None, name)
    assert "county-2019" in caught.value.hint


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "county-2019.toml"
    text = (BUILTIN / "county-2019.toml").read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('id = "county-2019"', 'id = "other"', "id"),
        ("years = 1\n", "years = 0\n", "term.years"),
        ("years = 1\n", 'years = "一年"\n', "term.years"),
        ('starts = "publish"', 'starts = "公布"', "term.starts"),
        ("larger = 1", "bigger = 1", "term.by_grade"),
        ('rules = ["penalty_other"]', 'rules = ["penalty_whatever"]', "record_criteria[8].rules"),
        ('key = "exchange"', 'key = "share"', "stages"),
        ("days = 7\n", "days = -7\n", "stages[4].days"),
        ('from_records = ["3"]', 'from_records = ["9"]', "blacklist_criteria"),
        ('number = "8"', 'number = "7"', "record_criteria"),
        ("rolls = true", 'rolls = "yes"', "rolls"),
        ('min_grade = "major"', 'min_grade = "huge"', "min_grade"),
    ],
)
def test_a_bad_regime_file_names_the_file_and_the_key(tmp_path, old, new, key):
    if "min_grade" in old:
        path = tmp_path / "national-2023.toml"
        text = (BUILTIN / "national-2023.toml").read_text(encoding="utf-8")
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        expected = "national-2023"
    else:
        path = _broken(tmp_path, old, new)
        expected = "county-2019"
    with pytest.raises(InputError) as caught:
        read_regime(path, expected_id=expected)
    assert str(path) in caught.value.message
    assert key in caught.value.message


def test_a_regime_file_that_is_not_toml(tmp_path):
    path = tmp_path / "county-2019.toml"
    path.write_text("id = \n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_regime(path)
    assert str(path) in caught.value.message and "TOML" in caught.value.message


def test_unknown_grounds_are_usage_errors_that_list_the_choices():
    regime = load_regime(None, "county-2019")
    with pytest.raises(UsageError) as caught:
        regime.record_criterion("9")
    assert "8 其他违法行为" in caught.value.hint
    with pytest.raises(UsageError):
        regime.blacklist_criterion("7")
    with pytest.raises(UsageError):
        regime.stage("公布")


def test_cli_lists_and_shows_regimes(runner, archive_dir):
    listed = invoke(runner, "regime", "list", "--json", archive=archive_dir)
    assert listed.exit_code == 0
    rows = {row["id"]: row for row in json.loads(listed.stdout)}
    assert rows["county-2019"]["chosen"] is True
    assert rows["national-2023"]["chosen"] is False
    shown = invoke(runner, "regime", "show", "national-2023", "--json", archive=archive_dir)
    data = json.loads(shown.stdout)
    assert data["term"]["years"] == 3 and data["early_removal"]["after_months"] == 12
    table = invoke(runner, "regime", "show", archive=archive_dir)
    assert "期限内未完成治理整改的" in table.stdout and "信息告知（5个工作日内）" in table.stdout
    raw = invoke(runner, "regime", "show", "county-2019", "--toml", archive=archive_dir)
    assert raw.stdout == (BUILTIN / "county-2019.toml").read_text(encoding="utf-8")


def test_cli_works_without_an_archive_and_refuses_an_unknown_id(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke(runner, "regime", "list").exit_code == 0
    result = invoke(runner, "regime", "show", "county")
    assert result.exit_code == 2
    assert "没有名为“county”的规则体系" in result.stderr


def test_an_emptied_regime_file_says_so_and_the_list_goes_on(runner, archive_dir):
    own = archive_dir / "regimes" / "county-2019.toml"
    own.parent.mkdir()
    own.write_text("", encoding="utf-8")  # what `show --toml > regimes/county-2019.toml` leaves
    with pytest.raises(InputError) as caught:
        load_regime(Archive.open(archive_dir))
    assert "是空的" in caught.value.message and str(own) in caught.value.message
    listed = invoke(runner, "regime", "list", "--json", archive=archive_dir)
    assert listed.exit_code == 0
    rows = {row["id"]: row for row in json.loads(listed.stdout)}
    assert "是空的" in rows["county-2019"]["problem"]
    assert rows["national-2023"]["problem"] is None


def test_regime_show_in_english_has_no_chinese_stage_names(runner, archive_dir):
    result = invoke(runner, "--lang", "en", "regime", "show", archive=archive_dir)
    assert result.exit_code == 0
    stages = next(line for line in result.stdout.splitlines() if line.startswith("Stages:"))
    assert "信息" not in stages and "notification (within 5 working days)" in stages
