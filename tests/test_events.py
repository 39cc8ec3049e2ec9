"""Events: each type declared once (reducer, label, summary); old journals replay the same.

``tests/data/journal_v1/`` is an archive's journal and index written by credit before each
fact of an ingested document became its own event (``document.ingested`` carried the letter
returned, the commitment, the rectification opened or closed).  The journal was built with
that version from the demo plus own-template commitment letters (signed after unsigned and
the reverse), rectification orders and a re-inspection that closes one of them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from archive.store import Archive
from tests.conftest import invoke

OLD = Path(__file__).parent / "data" / "journal_v1"


@pytest.fixture
def old_archive(tmp_path: Path) -> Path:
    root = tmp_path / "旧档案"
    root.mkdir()
    for name in ("credit.toml", "journal.jsonl"):
        shutil.copy(OLD / name, root / name)
    return root


def test_a_journal_written_before_fact_events_rebuilds_the_same_index(
    runner, old_archive: Path
) -> None:
    expected = (OLD / "index.json").read_bytes()
    result = invoke(runner, "reindex", archive=old_archive)
    assert result.exit_code == 0, result.output
    assert (old_archive / "index.json").read_bytes() == expected
    invoke(runner, "reindex", archive=old_archive)
    assert (old_archive / "index.json").read_bytes() == expected
    verify = invoke(runner, "audit", "verify", "--json", archive=old_archive)
    assert verify.exit_code == 0, verify.output
    # Nothing was written to the journal: an old archive is read as it is.
    assert (old_archive / "journal.jsonl").read_bytes() == (OLD / "journal.jsonl").read_bytes()


def test_an_old_journal_opens_without_reindex(old_archive: Path) -> None:
    """No index.json: opening the archive replays the journal (the path of every command)."""
    index = Archive.open(old_archive).index()
    tables = json.loads((OLD / "index.json").read_bytes())
    for name in ("letters", "commitments", "rectifications", "documents", "enterprises"):
        table = index.table(name)
        assert {key: table.record(key) for key in table.ids()} == tables[name], name
