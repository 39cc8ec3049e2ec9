"""The index as a folder of parts (issue 14): what a command reads and writes, the journal read
one event at a time, a crash between two parts, files kept for late readers, the rebuild's
frozen records, ``enterprise show --full``, and the plain table for long listings."""

from __future__ import annotations

import io
import json
import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import monthly, store
from archive.dossier import enterprise_detail
from archive.index import PartSource, bucket, part_file
from archive.journal import Journal, canonical, make_entry, seal
from archive.letters.catalog import MONTHLY_REPORT_TOPICS
from archive.store import Archive
from tests.conftest import invoke
from tests.helpers import index_bytes, make_code
from tests.test_archive_robustness import child_env, credit, listed_codes
from tests.test_monthly import _archive, _report

CODES = [make_code(n) for n in range(1, 40)]


def _add(archive: Archive, n: int) -> str:
    from archive.enterprises import add_enterprise

    values = {"name": f"蓝山县{n}号有限公司", "industry": "非煤矿山", "section": "非煤矿山股"}
    add_enterprise(archive, {"credit_code": CODES[n], **values})
    return CODES[n]


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The parts read from disk from now on, in order."""
    read: list[str] = []
    real_load = PartSource.load

    def load(self: PartSource, part: str):
        read.append(part)
        return real_load(self, part)

    monkeypatch.setattr(PartSource, "load", load)
    return read


@pytest.fixture
def county(tmp_path: Path) -> Archive:
    """Eight enterprises, each with monthly reports for six months."""
    archive = _archive(tmp_path)
    for n in range(8):
        code = _add(archive, n)
        for month in ("2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"):
            year, number = int(month[:4]), int(month[5:])
            received = f"{year + (number == 12)}-{number % 12 + 1:02d}-03"
            _report(archive, code, month, received)
    return Archive.open(archive.root)


def test_show_reads_one_enterprise_s_slices(county: Archive, monkeypatch) -> None:
    read = _reads(monkeypatch)
    code = CODES[3]
    detail = enterprise_detail(Archive.open(county.root), code, full=False)
    assert len(detail["documents"]) == 6
    documents = {part for part in read if part.startswith("documents~")}
    assert documents == {f"documents~{bucket(code)}"}
    others = {bucket(CODES[n]) for n in range(8)} - {bucket(code)}
    assert not any(part.endswith(tuple(others)) for part in read if "~" in part)


def test_monthly_check_reads_the_submissions_of_its_year(county: Archive, monkeypatch) -> None:
    read = _reads(monkeypatch)
    report = monthly.check(Archive.open(county.root), "2025-11", date(2026, 4, 1))
    assert {row["status"] for row in report.rows if row["kind"] == "enterprise"} == {"on_time"}
    years = {part.split("~")[1].split("-")[0] for part in read if part.startswith("submissions~")}
    assert years == {"2025"}  # not 2026's
    assert not any(part.startswith("documents") for part in read)


def test_a_transaction_writes_only_the_parts_it_changed(county: Archive) -> None:
    parts = county.root / "index" / "parts"
    before = {path.name for path in parts.iterdir()}
    _report(county, CODES[2], "2026-04", "2026-05-06")
    new = sorted({path.name for path in parts.iterdir()} - before)
    tables = {name.split(".")[0] for name in new}
    code = CODES[2]
    assert tables == {
        f"documents~{bucket(code)}",
        f"documents@{bucket(_last_sha(county))}",
        f"enterprise_log~{bucket(code)}",
        f"submissions~2026-{bucket(code)[0]}",
        f"submissions@{bucket(_last_sha(county))}",
    }


def _last_sha(archive: Archive) -> str:
    *_, last = Archive.open(archive.root).journal.iter_entries()
    return last["data"]["sha256"]


def test_a_kill_between_two_part_replacements(county: Archive) -> None:
    """The first changed part is in place, the others not, the head not replaced: the index
    is the previous one, and the journal line (fsynced before) is replayed on the next open."""
    root = county.root
    head = (root / "index" / "head.json").read_bytes()
    code = CODES[20]
    crashed = credit(
        "enterprise", "add", code, "--name", "崩溃时登记的单位",
        archive=root, env=child_env(CREDIT_FAULT="index.replaced"),
    )  # fmt: skip
    assert crashed.returncode == 86, crashed.stderr
    assert (root / "index" / "head.json").read_bytes() == head  # the previous head, intact
    assert code in listed_codes(root)  # replayed from the journal
    assert credit("audit", "verify", archive=root).returncode == 0
    assert credit("enterprise", "add", CODES[21], "--name", "乙", archive=root).returncode == 0
    before = index_bytes(root)
    Archive.open(root).rebuild_index()
    assert index_bytes(root) == before


def test_a_reader_of_the_previous_head_still_finds_its_parts(county: Archive) -> None:
    reader = Archive.open(county.root)
    reader.index()  # the head is read; no part yet
    _add(county, 30)  # a writer replaces the register's part
    assert len(reader.index().table("enterprises").ids()) == 8  # the old head's, still there


def test_files_no_head_names_are_removed_after_an_hour(county: Archive, monkeypatch) -> None:
    """Files the previous head named stay (for its readers) until the next write after an
    hour; nothing else stays."""
    parts = county.root / "index" / "parts"
    monkeypatch.setattr(store, "RETIRED_SECONDS", 0.0)
    _add(county, 31)
    before = json.loads((county.root / "index" / "head.json").read_bytes())
    _add(county, 32)
    head = json.loads((county.root / "index" / "head.json").read_bytes())
    named = {part_file(part, sha) for part, sha in head["parts"].items()}
    named_before = {part_file(part, sha) for part, sha in before["parts"].items()}
    assert set(head["retired"]) == named_before - named != set()
    assert {path.name for path in parts.iterdir()} == named | set(head["retired"])


def test_a_rebuild_with_frozen_records_gives_the_same_bytes(county: Archive, monkeypatch) -> None:
    Archive.open(county.root).rebuild_index()
    once = index_bytes(county.root)
    monkeypatch.setattr(store, "FREEZE_EVERY", 1)  # frozen after every event
    Archive.open(county.root).rebuild_index()
    assert index_bytes(county.root) == once
    monkeypatch.setattr(store, "FREEZE_EVERY", 10**9)  # never, but at the end
    Archive.open(county.root).rebuild_index()
    assert index_bytes(county.root) == once


def test_show_full_reads_what_the_index_leaves_to_the_journal(runner, county: Archive) -> None:
    code = CODES[1]
    slim = json.loads(
        invoke(runner, "enterprise", "show", code, "--json", archive=county.root).stdout
    )
    full = json.loads(
        invoke(runner, "enterprise", "show", code, "--full", "--json", archive=county.root).stdout
    )
    assert all("topics" not in doc["fields"] for doc in slim["documents"])
    assert all("enterprises" not in doc for doc in slim["documents"])
    topic = MONTHLY_REPORT_TOPICS[0]
    assert all(doc["fields"]["topics"][topic]["filled"] for doc in full["documents"])
    assert all(doc["enterprises"] == [] for doc in full["documents"])
    assert [doc["sha256"] for doc in full["documents"]] == [
        doc["sha256"] for doc in slim["documents"]
    ]


# -- the journal, one event at a time -------------------------------------------------------------


def _journal(tmp_path: Path, batches: list[int], tail: bytes) -> Journal:
    entries, prev, seq = [], "0" * 64, 0
    for size in batches:
        batch = []
        for _n in range(size):
            seq += 1
            entry = make_entry(
                seq=seq, prev=prev, type="x.y", data={"n": seq, "text": "测试" * (seq % 5)},
                actor="测试", time="2026-12-01T10:00:00+08:00",
            )  # fmt: skip
            prev = entry["hash"]
            batch.append(entry)
        seal(batch)
        prev = batch[-1]["hash"]
        entries.extend(batch)
    path = tmp_path / f"journal{os.urandom(4).hex()}.jsonl"
    path.write_bytes(b"".join(canonical(e) + b"\n" for e in entries) + tail)
    return Journal(path)


TAILS = st.sampled_from([b"", b'{"seq": 99', b'{"not": "ended"}\n', b"garbage\n", b"\n"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(st.integers(1, 6), max_size=8), tail=TAILS)
def test_stream_reads_what_read_reads(tmp_path: Path, batches: list[int], tail: bytes) -> None:
    journal = _journal(tmp_path, batches, tail)
    expected, expected_torn = journal.read(0)
    events_, torn = journal.stream(0)
    assert list(events_) == expected
    got = (torn.offset, torn.data) if torn else None
    assert got == ((expected_torn.offset, expected_torn.data) if expected_torn else None)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(st.integers(1, 6), min_size=1, max_size=8), tail=TAILS)
def test_an_event_is_found_by_its_number(tmp_path: Path, batches: list[int], tail: bytes) -> None:
    journal = _journal(tmp_path, batches, tail)
    events_, _torn = journal.read(0)
    for entry, _end in events_:
        assert journal.entry(entry["seq"]) == entry
    assert journal.entry(len(events_) + 5) is None
    assert journal.entry(0) is None


# -- long listings ------------------------------------------------------------------------------

CELL = st.text(
    alphabet=st.sampled_from(list("abc 123-蓝山县应急管理局（）按时未交✓")), max_size=24
).map(str.strip)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=30))
def test_the_plain_table_is_what_rich_draws(rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    from cli.output import plain_table

    headers = ["代码", "名称", "状态"]
    table = Table(title="标题", show_lines=False, header_style="bold")
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*row)
    out = io.StringIO()
    Console(file=out, width=200, no_color=True, highlight=False, soft_wrap=False).print(table)
    assert plain_table("标题", headers, rows, 200) == out.getvalue()


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=10),
    width=st.integers(30, 80),
)
def test_a_narrow_plain_table_folds_and_keeps_every_character(
    rows: list[list[str]], width: int
) -> None:
    from rich.cells import cell_len

    from cli.output import plain_table

    rows = [["91431127MA4L8R2K77", *row[1:]] for row in rows]
    text = plain_table(None, ["代码", "名称", "状态"], rows, width, fixed=[True, False, False])
    if text is None:  # the fixed column alone is too wide
        return
    lines = text.splitlines()
    assert all(cell_len(line) <= width for line in lines)
    assert len({cell_len(line) for line in lines}) == 1
    body = [line.split("│")[1:-1] for line in lines[3:-1]]  # the rows' lines, by column
    cells: list[list[str]] = []
    for pieces in body:
        if pieces[0].strip():  # a row starts where its code is
            cells.append(["" for _piece in pieces])
        for n, piece in enumerate(pieces):
            cells[-1][n] += piece.replace(" ", "")
    assert cells == [[cell.replace(" ", "") for cell in row] for row in rows]


def test_an_index_split_another_way_is_rebuilt(county: Archive) -> None:
    """A head written by a credit that splits the tables differently is not read part by part."""
    from archive.index import dumps

    root = county.root
    head = json.loads((root / "index" / "head.json").read_bytes())
    head["layout"] = "0:documents"
    del head["sha256"]
    head["sha256"] = __import__("hashlib").sha256(dumps(head)).hexdigest()
    (root / "index" / "head.json").write_bytes(dumps(head))
    verify = credit("audit", "verify", archive=root)
    assert verify.returncode == 0 and "另一版本" in verify.stderr, verify.stderr
    first = credit("enterprise", "list", "--json", archive=root)
    assert first.returncode == 0 and "另一版本" in first.stderr, first.stderr
    assert len(json.loads(first.stdout)) == 8
    again = credit("enterprise", "list", "--json", archive=root)
    assert again.returncode == 0 and again.stderr == "", again.stderr
    assert json.loads((root / "index" / "head.json").read_bytes())["layout"] != "0:documents"


def test_a_template_seen_before_is_compiled_without_docxtpl(tmp_path: Path, monkeypatch) -> None:
    """docxtpl's patching of each part is kept by content: the second compile does not need it,
    an edited template does."""
    import shutil

    import archive.letters.render.source as source
    from archive.letters.render import compile_template

    shipped = Path(__file__).resolve().parents[1] / "templates" / "commitment_unit.docx"
    template = tmp_path / "commitment_unit.docx"
    shutil.copy(shipped, template)
    cache = tmp_path / "cache"
    first = compile_template(template, name="commitment_unit", cache=cache)
    assert list(cache.iterdir())

    def no_docxtpl():
        raise AssertionError("docxtpl was needed")

    monkeypatch.setattr(source, "_docxtpl_helper", no_docxtpl)
    again = compile_template(template, name="commitment_unit", cache=cache)
    assert again.variables == first.variables
    with pytest.raises(AssertionError, match="docxtpl was needed"):
        compile_template(template, name="commitment_unit", cache=tmp_path / "empty")


def test_a_long_rebuild_is_announced_before_it_begins(county: Archive, monkeypatch) -> None:
    import shutil

    shutil.rmtree(county.root / "index")
    monkeypatch.setattr(store, "LONG_REBUILD_BYTES", 0)
    told: list[str] = []
    archive = Archive.open(county.root)
    archive.on_rebuild = told.append
    assert len(archive.index().table("enterprises").ids()) == 8
    assert len(told) == 1 and "重建索引" in told[0]
    assert any("不存在" in warning for warning in archive.warnings)


def test_lost_parts_are_written_back_with_one_warning(county: Archive) -> None:
    import shutil

    shutil.rmtree(county.root / "index" / "parts")
    first = credit("enterprise", "show", CODES[2], archive=county.root)
    assert first.returncode == 0, first.stderr
    warnings = [line for line in first.stderr.splitlines() if line.startswith("警告")]
    assert len(warnings) == 1 and "个分片不可用" in warnings[0], first.stderr
    assert "写回了" in warnings[0]
    again = credit("overdue", "--as-of", "2026-12-01", archive=county.root)  # a covered day
    assert again.returncode in (0, 10) and "警告" not in again.stderr, again.stderr
    assert credit("audit", "verify", archive=county.root).returncode == 0


def test_show_full_with_an_edited_journal_line_keeps_the_documents(county: Archive) -> None:
    root = county.root
    lines = (root / "journal.jsonl").read_bytes().splitlines(keepends=True)
    code = CODES[4]
    number = next(
        n for n, line in enumerate(lines) if b"document.ingested" in line and code.encode() in line
    )
    lines[number] = lines[number].replace(b'"matched_by":"code"', b'"matched_by":"CODE"')
    (root / "journal.jsonl").write_bytes(b"".join(lines))
    shown = credit("enterprise", "show", code, "--full", "--json", archive=root)
    assert shown.returncode == 0, shown.stderr
    assert f"第 {number + 1} 行" in shown.stderr and "哈希" in shown.stderr
    documents = json.loads(shown.stdout)["documents"]
    assert len(documents) == 6
    assert sum("enterprises" in doc for doc in documents) == 5  # the edited one as indexed
    table = credit("enterprise", "show", code, "--full", archive=root)
    assert table.returncode == 2 and "--json" in table.stderr, table.stderr


def test_only_part_files_are_removed_from_the_parts_folder(county: Archive) -> None:
    parts = county.root / "index" / "parts"
    (parts / "我的备份.jsonl").write_text("x", encoding="utf-8")
    (parts / "subfolder").mkdir()
    stray = parts / "enterprises.0123456789abcdef.json"  # shaped as a part: no head names it
    stray.write_text("{}", encoding="utf-8")
    _add(county, 33)
    assert (parts / "我的备份.jsonl").exists() and (parts / "subfolder").is_dir()
    assert not stray.exists()


def test_files_kept_for_late_readers_are_bounded(county: Archive, monkeypatch) -> None:
    monkeypatch.setattr(store, "MAX_RETIRED", 3)
    for n in range(33, 37):
        _add(county, n)
    head = json.loads((county.root / "index" / "head.json").read_bytes())
    assert len(head["retired"]) == 3
    names = {path.name for path in (county.root / "index" / "parts").iterdir()}
    named = {part_file(part, sha) for part, sha in head["parts"].items()}
    assert names == named | set(head["retired"])


def test_a_folder_in_place_of_a_part_file_is_replaced_by_reindex(county: Archive) -> None:
    head = json.loads((county.root / "index" / "head.json").read_bytes())
    path = county.root / "index" / "parts" / part_file("enterprises", head["parts"]["enterprises"])
    path.unlink()
    path.mkdir()
    result = credit("reindex", archive=county.root)
    assert result.returncode == 0, result.stderr
    assert path.is_file() and credit("audit", "verify", archive=county.root).returncode == 0


def test_a_writer_leaves_the_temp_file_of_a_live_reader_writing_a_part_back(
    county: Archive,
) -> None:
    import subprocess
    import sys

    parts = county.root / "index" / "parts"
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        theirs = parts / f".enterprises.0123456789abcdef.json.{alive.pid}.tmp"
        theirs.write_text("{", encoding="utf-8")
        dead = parts / ".enterprises.fedcba9876543210.json.999999999.tmp"
        dead.write_text("{", encoding="utf-8")
        _add(county, 38)
        assert theirs.exists() and not dead.exists()
    finally:
        alive.kill()
        alive.wait()


def test_a_name_with_brackets_is_shown_as_it_is(runner, county: Archive) -> None:
    code = CODES[1]
    name = "蓝山县[red]鑫旺[link=http://x]燃气有限公司"
    invoke(runner, "enterprise", "update", code, "--name", name, archive=county.root)
    shown = invoke(runner, "enterprise", "show", code, archive=county.root)
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.count(name) == 2  # the title and the name row
