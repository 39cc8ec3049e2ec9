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
from tests.helpers import index_bytes, index_tables, old_layout_tables, without_seq

OLD = Path(__file__).parent / "data" / "journal_v1"


def _old_tables() -> dict[str, dict]:
    return old_layout_tables(OLD / "index.json")


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
    expected = _old_tables()
    result = invoke(runner, "reindex", archive=old_archive)
    assert result.exit_code == 0, result.output
    once = index_bytes(old_archive)
    tables = without_seq(index_tables(old_archive))
    for name, records in expected.items():
        assert tables.get(name, {}) == records, name
    invoke(runner, "reindex", archive=old_archive)
    assert index_bytes(old_archive) == once
    verify = invoke(runner, "audit", "verify", "--json", archive=old_archive)
    assert verify.exit_code == 0, verify.output
    # Nothing was written to the journal: an old archive is read as it is.
    assert (old_archive / "journal.jsonl").read_bytes() == (OLD / "journal.jsonl").read_bytes()


def test_an_old_journal_opens_without_reindex(old_archive: Path) -> None:
    """No index: opening the archive replays the journal (the path of every command)."""
    index = Archive.open(old_archive).index()
    tables = _old_tables()
    for name in ("letters", "commitments", "rectifications", "documents", "enterprises"):
        table = index.table(name)
        got = without_seq({name: {key: table.record(key) for key in table.ids()}})[name]
        assert got == tables[name], name


# -- an archive written now: the facts of a document are events of their own ------------------


def _new_archive(runner, archive_dir: Path, tmp_path: Path) -> dict[str, str]:
    """An order and its re-inspection, an own-template commitment, each ingested."""
    from tests.test_ingest import order, reinspection
    from tests.test_ingest_kinds import CODE, NAME, OTHER_CODE, OTHER_NAME, own_letter, register

    register(archive_dir, (CODE, NAME), (OTHER_CODE, OTHER_NAME))
    rows: dict[str, str] = {}
    for number, make in enumerate(
        [
            lambda folder: own_letter(folder / "承诺书.pdf"),
            lambda folder: order(
                folder / "指令书.pdf", OTHER_CODE, OTHER_NAME, "蓝应急责改〔2026〕3号", "2026-12-15"
            ),
            lambda folder: reinspection(
                folder / "复查.pdf", OTHER_CODE, OTHER_NAME, "蓝应急复查〔2026〕5号",
                "蓝应急责改〔2026〕3号",
            ),
        ]
    ):  # fmt: skip
        folder = tmp_path / f"收件{number}"
        folder.mkdir()
        make(folder)
        result = invoke(runner, "ingest", str(folder), "--nl", archive=archive_dir)
        assert result.exit_code == 0, result.output
        (row,) = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
        rows[row["kind"]] = row["sha256"]
    return {"code": CODE, "other": OTHER_CODE, **rows}


def test_ingest_journals_each_fact_as_its_own_event(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    made = _new_archive(runner, archive_dir, tmp_path)
    entries = list(Archive.open(archive_dir).journal.iter_entries())
    types = [entry["type"] for entry in entries if not entry["type"].startswith(("archive", "ent"))]
    assert types == [
        "document.ingested",
        "commitment.returned",
        "document.ingested",
        "rectification.opened",
        "document.ingested",
        "rectification.reviewed",
        "rectification.closed",
    ]
    documents = [entry for entry in entries if entry["type"] == "document.ingested"]
    assert all(entry["data"]["fact_events"] is True for entry in documents)
    closed = next(entry for entry in entries if entry["type"] == "rectification.closed")
    assert closed["data"] == {
        "key": f"{made['other']}|蓝应急责改〔2026〕3号",
        "credit_code": made["other"],
        "document": made["reinspection_opinion"],
        "date": "2026-12-01",
    }
    # The marker is the journal's business, not the document's.
    index = Archive.open(archive_dir).index()
    assert "fact_events" not in index.table("documents").record(made["commitment_letter"])


def test_a_new_archive_reindexes_to_the_index_it_keeps(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    _new_archive(runner, archive_dir, tmp_path)
    kept = index_bytes(archive_dir)
    assert invoke(runner, "reindex", archive=archive_dir).exit_code == 0
    assert index_bytes(archive_dir) == kept
    assert invoke(runner, "reindex", archive=archive_dir).exit_code == 0
    assert index_bytes(archive_dir) == kept
    assert invoke(runner, "audit", "verify", archive=archive_dir).exit_code == 0


def test_old_and_new_journals_of_the_same_documents_give_the_same_tables(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    """Strip the fact events and the marker from a new journal (what credit wrote before):
    replaying it derives the same facts."""
    from archive.journal import GENESIS, canonical, make_entry, seal

    _new_archive(runner, archive_dir, tmp_path)
    new = Archive.open(archive_dir).index()
    facts = {"letter.returned", "commitment.returned"} | {
        f"rectification.{what}" for what in ("opened", "reviewed", "closed")
    }
    old_root = tmp_path / "旧"
    old_root.mkdir()
    shutil.copy(archive_dir / "credit.toml", old_root / "credit.toml")
    kept_entries: list[dict] = []
    for entry in Archive.open(archive_dir).journal.iter_entries():
        if entry["type"] not in facts:
            data = {key: value for key, value in entry["data"].items() if key != "fact_events"}
            kept_entries.append({**entry, "data": data, "end": False})
        if entry.get("end"):  # the transaction ends where it ended (maybe on a fact)
            kept_entries[-1]["end"] = True
    chained, prev = [], GENESIS
    for seq, item in enumerate(kept_entries, start=1):
        fresh = make_entry(
            seq=seq, prev=prev, type=item["type"], data=item["data"], actor=item["actor"],
            time=item["time"],
        )  # fmt: skip
        if item["end"]:
            seal([fresh])
        chained.append(fresh)
        prev = fresh["hash"]
    (old_root / "journal.jsonl").write_bytes(b"".join(canonical(e) + b"\n" for e in chained))
    old = Archive.open(old_root).index()
    for name in ("letters", "commitments", "rectifications", "documents"):
        old_table, new_table = old.table(name), new.table(name)
        replayed = {key: old_table.record(key) for key in old_table.ids()}
        kept = {key: new_table.record(key) for key in new_table.ids()}
        replayed, kept = (without_seq({name: t})[name] for t in (replayed, kept))
        assert replayed == kept, name  # (enterprises differ only in their history's seq)
    assert old.table("rectifications").ids() and old.table("commitments").ids()


def test_audit_log_code_finds_documents_and_their_facts(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    made = _new_archive(runner, archive_dir, tmp_path)
    log = json.loads(
        invoke(
            runner, "audit", "log", "--code", made["other"], "--json", archive=archive_dir
        ).stdout
    )
    types = [row["type"] for row in log]
    assert types.count("document.ingested") == 2, types
    assert {"rectification.opened", "rectification.reviewed", "rectification.closed"} <= set(types)
    assert "commitment.returned" not in types  # that one is the other enterprise's
    opened = next(row for row in log if row["type"] == "rectification.opened")
    assert opened["summary"] == f"{made['other']} 蓝应急责改〔2026〕3号"
    table = invoke(runner, "audit", "log", "--code", made["code"], archive=archive_dir).stdout
    assert "承诺书退回（单位自拟文本）" in table and "归档文书" in table


def test_every_event_of_an_archive_has_a_summary_in_audit_log(runner, old_archive: Path) -> None:
    """`audit log` says what each event did: reserved serials, unmatched documents included."""
    result = invoke(runner, "audit", "log", "--limit", "1000", "--json", archive=old_archive)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {"serials.reserved", "document.unmatched"} <= {row["type"] for row in rows}
    assert [row for row in rows if not row["summary"]] == []
