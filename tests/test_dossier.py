"""`enterprise show` shows what it can when one part of the dossier cannot be worked out."""

from __future__ import annotations

import json

from tests.conftest import invoke

CODE = "91431127MA4L8R2K77"


def test_a_broken_holidays_file_leaves_the_rest_of_the_dossier(runner, archive_dir) -> None:
    added = invoke(
        runner,
        "enterprise",
        "add",
        CODE,
        "--name",
        "蓝山县某某矿业有限公司",
        "--industry",
        "非煤矿山",
        "--section",
        "非煤矿山股",
        archive=archive_dir,
    )
    assert added.exit_code == 0, added.stderr
    (archive_dir / "holidays.toml").write_text("[2027]\nholidays = [\n", encoding="utf-8")
    result = invoke(runner, "enterprise", "show", CODE, "--json", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    detail = json.loads(result.stdout)
    assert detail["name"] == "蓝山县某某矿业有限公司"
    assert "records" in detail and "accidents" in detail
    assert "holidays.toml" in result.stderr and "警告" in result.stderr
    table = invoke(runner, "enterprise", "show", CODE, archive=archive_dir)
    assert table.exit_code == 0 and "蓝山县某某矿业有限公司" in table.stdout
