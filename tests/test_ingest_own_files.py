"""Ingest defects of issue 8: the archive's own files, a full disk, what is not a file, --assign.

6.  A file inside the archive folder is refused (``inbox/unmatched/`` is looked at again in
    place, never copied a second time); a byte-identical copy of a letter we issued is "our own
    copy, not a return" and leaves the letter as it was.
10. A full disk (ENOSPC) at the copy or at the commit leaves no ``.part`` file and no copy that
    no commit recorded; it is exit 4 with a Chinese message and a hint.
13. ``credit ingest /dev/null`` and a broken .zip are failures (exit 3).
18. ``ingest --assign FILE CODE`` names the enterprise it filed under, warns when that one is
    closed, and refuses more arguments.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from archive import ingest as ingest_module
from archive.ingest import ingest
from archive.journal import Journal
from archive.store import JOURNAL_FILE, Archive
from tests.conftest import invoke
from tests.helpers import make_code, new_archive
from tests.test_ingest import (
    CODE_A,
    CODE_B,
    NAME_A,
    NAME_B,
    documents,
    nl_lines,
    opened_and_saved,
    penalty,
    register,
    sha256,
    stored_files,
)

CODE_STRANGER = make_code(31337)
NAME_STRANGER = "蓝山县外来丁建材有限公司"


def letters(root: Path) -> dict[str, dict[str, Any]]:
    table = Archive.open(root).index().table("letters")
    return {serial: dict(table.record(serial) or {}) for serial in table.ids()}


def issue_unit_letter(runner, archive_dir: Path, *args: str) -> dict[str, Any]:
    """One unit-level commitment letter to enterprise A; its row of ``--json``."""
    result = invoke(
        runner, "gen-commitment", CODE_A, "--year", "2026", "--date", "2026-11-20", "--json",
        *args, archive=archive_dir,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    [letter] = json.loads(result.stdout)["letters"]
    assert letter["status"] == "issued", letter
    return letter


def inbox_listing(root: Path) -> list[str]:
    return sorted(path.name for path in (root / "inbox" / "unmatched").iterdir())


def hidden_parts(root: Path) -> list[Path]:
    return [path for path in root.rglob("*.part")]


# ============================================================================================
# 6. The archive's own files


def test_files_inside_the_archive_are_refused(runner, archive_dir: Path) -> None:
    register(archive_dir, (CODE_A, NAME_A))
    letter = issue_unit_letter(runner, archive_dir)  # into <archive>/out/2026-11-20/
    issued = archive_dir / letter["file"]
    assert issued.is_file() and archive_dir / "out" in issued.parents
    before = (archive_dir / JOURNAL_FILE).read_bytes()

    for given in (archive_dir / "out", issued, archive_dir, archive_dir / "inbox"):
        result = invoke(runner, "ingest", str(given), "--nl", archive=archive_dir)
        assert result.exit_code == 2, (given, result.stderr)
        assert result.stdout == ""
        assert "档案文件夹" in result.stderr and "自己的文件" in result.stderr, result.stderr
        assert str(given) in result.stderr
        assert "inbox/unmatched" in result.stderr  # the hint names what may be given
    assert (archive_dir / JOURNAL_FILE).read_bytes() == before
    assert letters(archive_dir)[letter["serial"]]["status"] == "issued"

    english = invoke(runner, "--lang", "en", "ingest", str(issued), archive=archive_dir)
    assert english.exit_code == 2 and "belongs to the archive folder" in english.stderr

    # A folder of the clerk's own kept inside the archive folder is not the archive's.
    (archive_dir / "收件").mkdir()
    penalty(archive_dir / "收件" / "决定书.pdf", CODE_A, NAME_A, "蓝应急罚〔2026〕30号")
    mine = invoke(runner, "ingest", str(archive_dir / "收件"), "--nl", archive=archive_dir)
    assert mine.exit_code == 0, mine.stderr
    assert [row["status"] for row in nl_lines(mine.stdout)] == ["ingested"]


def test_a_folder_holding_the_archive_is_walked_around_it(tmp_path: Path) -> None:
    """The archive sits inside the folder given: its files are not walked, the rest are."""
    parent = tmp_path / "办公室"
    archive = new_archive(parent, "诚信档案")
    register(archive.root, (CODE_A, NAME_A))
    (parent / "收件").mkdir()
    penalty(parent / "收件" / "决定书.pdf", CODE_A, NAME_A, "蓝应急罚〔2026〕31号")
    penalty(archive.root / "out" / "副本.pdf", CODE_A, NAME_A, "蓝应急罚〔2026〕32号")

    report = ingest(Archive.open(archive.root), [parent], jobs=1)
    by_path = {Path(result.path).name: result for result in report.results}
    assert by_path["决定书.pdf"].status == "ingested"
    assert "副本.pdf" not in by_path
    assert by_path["诚信档案"].status == "skipped"
    assert "档案文件夹本身" in (by_path["诚信档案"].reason or "")
    assert len(report.results) == 2


def test_the_inbox_is_looked_at_again_in_place(runner, archive_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "收件"
    source.mkdir()
    penalty(source / "外来单位.pdf", CODE_STRANGER, NAME_STRANGER, "蓝应急罚〔2026〕40号")
    first = invoke(runner, "ingest", str(source), "--nl", archive=archive_dir)
    assert first.exit_code == 0, first.stderr
    [row] = nl_lines(first.stdout)
    assert row["status"] == "unmatched"
    waiting = inbox_listing(archive_dir)
    assert waiting == [
        f"{row['sha256'][:8]}_外来单位.pdf",
        f"{row['sha256'][:8]}_外来单位.pdf.json",
    ]
    journal = (archive_dir / JOURNAL_FILE).read_bytes()

    # Looked at again, still unmatched: nothing copied, the note keeps the original name.
    inbox = archive_dir / "inbox" / "unmatched"
    again = invoke(runner, "ingest", str(inbox), "--nl", archive=archive_dir)
    assert again.exit_code == 0, again.stderr
    [row_again] = nl_lines(again.stdout)  # the note beside it is not a file to ingest
    assert row_again["status"] == "unmatched"
    assert row_again["stored"] == f"inbox/unmatched/{waiting[0]}"
    assert inbox_listing(archive_dir) == waiting
    note = json.loads((inbox / waiting[1]).read_text(encoding="utf-8"))
    assert note["original"] == str(source / "外来单位.pdf")
    assert note["sha256"] == row["sha256"]
    assert (archive_dir / JOURNAL_FILE).read_bytes() == journal  # same reason: no new event

    # Once the enterprise is registered, the inbox is looked at again: filed, and gone from it.
    register(archive_dir, (CODE_STRANGER, NAME_STRANGER))
    filed = invoke(runner, "ingest", str(inbox), "--nl", archive=archive_dir)
    assert filed.exit_code == 0, filed.stderr
    [row_filed] = nl_lines(filed.stdout)
    assert row_filed["status"] == "ingested", row_filed
    assert row_filed["credit_codes"] == [CODE_STRANGER]
    assert inbox_listing(archive_dir) == []
    assert [path.name for path in stored_files(archive_dir)] == [Path(row_filed["stored"]).name]


def test_a_file_put_into_the_inbox_by_hand_is_not_copied_beside_itself(
    runner, archive_dir: Path
) -> None:
    inbox = archive_dir / "inbox" / "unmatched"
    penalty(inbox / "手放的.pdf", CODE_STRANGER, NAME_STRANGER, "蓝应急罚〔2026〕41号")
    result = invoke(runner, "ingest", str(inbox), "--nl", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    [row] = nl_lines(result.stdout)
    assert row["status"] == "unmatched"
    assert inbox_listing(archive_dir) == ["手放的.pdf", "手放的.pdf.json"]
    assert row["stored"] == "inbox/unmatched/手放的.pdf"


def test_our_own_copy_of_a_letter_is_not_a_return(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    register(archive_dir, (CODE_A, NAME_A))
    letter = issue_unit_letter(runner, archive_dir, "--out", str(tmp_path / "发出"))
    recorded = letters(archive_dir)[letter["serial"]]
    issued = Path(letter["file"])
    assert recorded["sha256"] == sha256(issued)  # letter.issued records what it wrote

    returned = tmp_path / "U盘"
    returned.mkdir()
    shutil.copyfile(issued, returned / "承诺书.docx")
    result = invoke(runner, "ingest", str(returned), "--nl", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    [row] = nl_lines(result.stdout)
    assert row["status"] == "skipped", row
    assert letter["serial"] in row["reason"] and "不是退回件" in row["reason"]
    assert row["serial"] == letter["serial"]
    assert letters(archive_dir)[letter["serial"]]["status"] == "issued"
    assert documents(archive_dir) == {} and stored_files(archive_dir) == []

    # Opened and saved by the enterprise: that is a return (unsigned).
    opened_and_saved(issued, returned / "承诺书.docx")
    back = invoke(runner, "ingest", str(returned), "--nl", archive=archive_dir)
    [row] = nl_lines(back.stdout)
    assert row["status"] == "ingested" and row["matched_by"] == "serial", row
    record = letters(archive_dir)[letter["serial"]]
    assert record["status"] == "returned" and record["signed"] is False


def test_a_letter_issued_before_hashes_were_recorded_is_known_by_serial_and_content(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Older ``letter.issued`` events lack ``sha256``: the serial in the document's properties
    names the letter, and the file it wrote (still in out/) decides whether this is a copy."""
    import archive.letters.issue as issue

    register(archive_dir, (CODE_A, NAME_A))
    monkeypatch.setattr(issue, "_sha256", lambda path: None)  # as issued by older versions
    letter = issue_unit_letter(runner, archive_dir)
    monkeypatch.undo()
    assert not letters(archive_dir)[letter["serial"]].get("sha256")
    returned = tmp_path / "收件"
    returned.mkdir()
    shutil.copyfile(archive_dir / letter["file"], returned / "原样.docx")
    opened_and_saved(archive_dir / letter["file"], returned / "另存.docx")

    result = invoke(runner, "ingest", str(returned), "--nl", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    rows = {Path(row["path"]).name: row for row in nl_lines(result.stdout)}
    assert rows["原样.docx"]["status"] == "skipped" and "不是退回件" in rows["原样.docx"]["reason"]
    assert rows["另存.docx"]["status"] == "ingested", rows["另存.docx"]
    assert (
        letters(archive_dir)[letter["serial"]]["returned_document"] == rows["另存.docx"]["sha256"]
    )


# ============================================================================================
# 10. A full disk


def _disk_full(*_args: Any, **_kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def _three_documents(folder: Path) -> None:
    """Filed in this order (by name): A's decision, then the one named by the test, then B's."""
    folder.mkdir()
    penalty(folder / "1_甲.pdf", CODE_A, NAME_A, "蓝应急罚〔2026〕50号")
    penalty(folder / "3_乙.pdf", CODE_B, NAME_B, "蓝应急罚〔2026〕52号")


def _second(folder: Path, matched: bool) -> None:
    if matched:
        penalty(folder / "2_第二.pdf", CODE_B, NAME_B, "蓝应急罚〔2026〕51号")
    else:
        penalty(folder / "2_第二.pdf", CODE_STRANGER, NAME_STRANGER, "蓝应急罚〔2026〕51号")


def _assert_disk_full_reported(result) -> None:
    assert result.exit_code == 4, result.stderr
    assert "错误：档案所在的磁盘已满" in result.stderr
    assert "提示：腾出磁盘空间" in result.stderr
    assert "No space left" not in result.stderr


def _assert_only_recorded_copies(root: Path) -> None:
    """Every file under files/ and inbox/unmatched/ is one the journal records; no .part."""
    assert hidden_parts(root) == []
    index = Archive.open(root).index()
    recorded = {record["stored"] for record in documents(root).values()}
    assert {str(path.relative_to(root)) for path in stored_files(root)} == recorded
    unmatched = index.table("unmatched")
    waiting = {unmatched.record(sha)["stored"] for sha in unmatched.ids()}
    inbox = {
        f"inbox/unmatched/{name}" for name in inbox_listing(root) if not name.endswith(".json")
    }
    assert inbox == waiting
    assert not [d for d in (root / "files").rglob("*") if d.is_dir() and not any(d.iterdir())]
    assert Journal(root / JOURNAL_FILE).verify().ok


@pytest.mark.parametrize("matched", [True, False], ids=["archived", "unmatched"])
def test_a_full_disk_at_the_copy_leaves_no_partial_copy(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, matched: bool
) -> None:
    register(archive_dir, (CODE_A, NAME_A), (CODE_B, NAME_B))
    source = tmp_path / "收件"
    _three_documents(source)
    _second(source, matched)
    monkeypatch.setattr(ingest_module, "COMMIT_EVERY", 1)
    copies = 0
    real_copy = shutil.copyfileobj

    def copy_then_fill_the_disk(reader, writer, length=0):
        nonlocal copies
        copies += 1
        if copies == 1:
            return real_copy(reader, writer, length)
        writer.write(reader.read(100))  # a little got written before the disk filled up
        _disk_full()

    monkeypatch.setattr(ingest_module.shutil, "copyfileobj", copy_then_fill_the_disk)
    result = invoke(runner, "ingest", str(source), "--nl", "--jobs", "1", archive=archive_dir)
    _assert_disk_full_reported(result)
    rows = {Path(row["path"]).name: row for row in nl_lines(result.stdout)}
    assert rows["1_甲.pdf"]["status"] == "ingested"
    assert rows["2_第二.pdf"]["status"] == "failed"
    assert rows["2_第二.pdf"]["reason"] == "磁盘已满，未归档"
    assert "3_乙.pdf" not in rows  # the run stopped: the next copy would not fit either
    _assert_only_recorded_copies(archive_dir)
    assert len(documents(archive_dir)) == 1

    monkeypatch.undo()  # space freed: the same command files the rest
    again = invoke(runner, "ingest", str(source), "--nl", "--jobs", "1", archive=archive_dir)
    assert again.exit_code == 0, again.stderr
    statuses = {Path(row["path"]).name: row["status"] for row in nl_lines(again.stdout)}
    assert statuses == {
        "1_甲.pdf": "duplicate",
        "2_第二.pdf": "ingested" if matched else "unmatched",
        "3_乙.pdf": "ingested",
    }
    _assert_only_recorded_copies(archive_dir)


@pytest.mark.parametrize("matched", [True, False], ids=["archived", "unmatched"])
def test_a_full_disk_at_the_commit_removes_the_batch_copies(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, matched: bool
) -> None:
    register(archive_dir, (CODE_A, NAME_A), (CODE_B, NAME_B))
    source = tmp_path / "收件"
    _three_documents(source)
    _second(source, matched)
    monkeypatch.setattr(ingest_module, "COMMIT_EVERY", 1)
    appends = 0
    real_append = Journal.append

    def append_then_fill_the_disk(self, entries):
        nonlocal appends
        appends += 1
        if appends == 1:
            return real_append(self, entries)
        _disk_full()

    monkeypatch.setattr(Journal, "append", append_then_fill_the_disk)
    result = invoke(runner, "ingest", str(source), "--nl", "--jobs", "1", archive=archive_dir)
    _assert_disk_full_reported(result)
    rows = {Path(row["path"]).name: row for row in nl_lines(result.stdout)}
    assert rows["1_甲.pdf"]["status"] == "ingested"
    assert rows["2_第二.pdf"]["status"] == "failed", rows["2_第二.pdf"]
    _assert_only_recorded_copies(archive_dir)
    assert len(documents(archive_dir)) == 1
    assert inbox_listing(archive_dir) == []

    monkeypatch.undo()
    again = invoke(runner, "ingest", str(source), "--nl", "--jobs", "1", archive=archive_dir)
    assert again.exit_code == 0, again.stderr
    _assert_only_recorded_copies(archive_dir)
    assert len(documents(archive_dir)) == (3 if matched else 2)


def test_a_full_disk_at_the_real_journal_append_stops_the_run(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The journal's own disk-full error (not a patched append): cut off, reported, cleaned."""
    register(archive_dir, (CODE_A, NAME_A), (CODE_B, NAME_B))
    source = tmp_path / "收件"
    _three_documents(source)
    journal = (archive_dir / JOURNAL_FILE).read_bytes()
    monkeypatch.setenv("CREDIT_FAULT", "journal.disk_full")
    result = invoke(runner, "ingest", str(source), "--nl", "--jobs", "1", archive=archive_dir)
    monkeypatch.delenv("CREDIT_FAULT")
    _assert_disk_full_reported(result)
    rows = {Path(row["path"]).name: row for row in nl_lines(result.stdout)}
    assert {row["status"] for row in rows.values()} == {"failed"}, rows
    assert (archive_dir / JOURNAL_FILE).read_bytes() == journal
    _assert_only_recorded_copies(archive_dir)
    assert documents(archive_dir) == {}


def test_a_full_disk_at_the_inbox_note_leaves_neither_copy_nor_temp_file(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(archive_dir, (CODE_A, NAME_A), (CODE_B, NAME_B))
    source = tmp_path / "收件"
    _three_documents(source)
    _second(source, matched=False)
    real_write = ingest_module.atomic_write

    def write_half_then_fill_the_disk(path: Path, data: bytes, **options: Any) -> None:
        if path.name.endswith(".json"):
            temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            temp.write_bytes(data[: len(data) // 2])
            _disk_full()
        real_write(path, data, **options)

    monkeypatch.setattr(ingest_module, "atomic_write", write_half_then_fill_the_disk)
    result = invoke(runner, "ingest", str(source), "--nl", "--jobs", "1", archive=archive_dir)
    _assert_disk_full_reported(result)
    assert inbox_listing(archive_dir) == []
    _assert_only_recorded_copies(archive_dir)


def test_a_full_disk_in_english(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(archive_dir, (CODE_A, NAME_A))
    source = tmp_path / "收件"
    source.mkdir()
    penalty(source / "1_甲.pdf", CODE_A, NAME_A, "蓝应急罚〔2026〕53号")
    monkeypatch.setattr(ingest_module.shutil, "copyfileobj", _disk_full)
    result = invoke(runner, "--lang", "en", "ingest", str(source), archive=archive_dir)
    assert result.exit_code == 4
    assert "disk is full" in result.stderr and "Free some disk space" in result.stderr
    assert hidden_parts(archive_dir) == [] and stored_files(archive_dir) == []


def test_another_copy_error_fails_only_that_file(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a full disk (the source vanished, no permission): that file fails, the rest go on."""
    register(archive_dir, (CODE_A, NAME_A), (CODE_B, NAME_B))
    source = tmp_path / "收件"
    _three_documents(source)
    real_copy = shutil.copyfileobj
    calls = 0

    def copy_failing_once(reader, writer, length=0):
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OSError(errno.EIO, "Input/output error")
        return real_copy(reader, writer, length)

    monkeypatch.setattr(ingest_module.shutil, "copyfileobj", copy_failing_once)
    result = invoke(runner, "ingest", str(source), "--nl", "--jobs", "1", archive=archive_dir)
    assert result.exit_code == 3, result.stderr
    statuses = sorted(row["status"] for row in nl_lines(result.stdout))
    assert statuses == ["failed", "ingested"]
    assert hidden_parts(archive_dir) == []
    _assert_only_recorded_copies(archive_dir)


# ============================================================================================
# 13. Not a file we read, a broken zip


def test_a_device_is_a_failure_not_nothing(runner, archive_dir: Path) -> None:
    result = invoke(runner, "ingest", "/dev/null", "--nl", archive=archive_dir)
    assert result.exit_code == 3, result.stderr
    [row] = nl_lines(result.stdout)
    assert row["status"] == "failed" and row["path"] == "/dev/null"
    assert "不是普通文件" in row["reason"]
    assert "[失败]" in result.stderr


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04" + bytes(range(256)) * 8,  # starts like a zip, no central directory
        b"this was a zip before the download broke\n" * 20,  # not even that
    ],
    ids=["truncated", "garbage"],
)
def test_a_broken_zip_is_a_failure(
    runner, archive_dir: Path, tmp_path: Path, content: bytes
) -> None:
    register(archive_dir, (CODE_A, NAME_A))
    source = tmp_path / "收件"
    source.mkdir()
    (source / "文书打包.zip").write_bytes(content)
    penalty(source / "决定书.pdf", CODE_A, NAME_A, "蓝应急罚〔2026〕60号")
    result = invoke(runner, "ingest", str(source), "--nl", archive=archive_dir)
    assert result.exit_code == 3, result.stderr
    rows = {Path(row["path"]).name: row for row in nl_lines(result.stdout)}
    assert rows["决定书.pdf"]["status"] == "ingested"  # the rest of the batch goes on
    broken = rows["文书打包.zip"]
    assert broken["status"] == "failed", broken
    assert "压缩包" in broken["reason"] and "Error" not in broken["reason"]


# ============================================================================================
# 18. --assign


def _unmatched_in_inbox(runner, archive_dir: Path, tmp_path: Path) -> Path:
    """A decision naming NAME_B's enterprise with a stranger's code, waiting in the inbox."""
    source = tmp_path / "收件"
    source.mkdir()
    penalty(
        source / "决定书.pdf", CODE_STRANGER, "蓝山县文中写的名称有限公司", "蓝应急罚〔2026〕70号"
    )
    result = invoke(runner, "ingest", str(source), archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    [waiting] = [p for p in (archive_dir / "inbox" / "unmatched").iterdir() if p.suffix == ".pdf"]
    return waiting


def test_assign_names_the_enterprise_it_filed_under(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    register(archive_dir, (CODE_B, NAME_B))
    waiting = _unmatched_in_inbox(runner, archive_dir, tmp_path)
    result = invoke(runner, "ingest", "--assign", str(waiting), CODE_B, "--nl", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    assert f"→ {NAME_B}（{CODE_B}）" in result.stderr
    assert "文中写的名称" not in result.stderr.split("→", 1)[1].splitlines()[0]
    assert "警告" not in result.stderr
    [row] = nl_lines(result.stdout)
    assert row["filed_under"] == [{"credit_code": CODE_B, "name": NAME_B, "closed": False}]
    assert row["enterprise_name"] == "蓝山县文中写的名称有限公司"  # what the document says
    assert inbox_listing(archive_dir) == []


def test_assign_warns_when_the_enterprise_is_closed(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    register(archive_dir, (CODE_B, NAME_B))
    closed = invoke(
        runner, "enterprise", "close", CODE_B, "--reason", "已注销", "--date", "2026-10-31",
        archive=archive_dir,
    )  # fmt: skip
    assert closed.exit_code == 0, closed.stderr
    waiting = _unmatched_in_inbox(runner, archive_dir, tmp_path)
    result = invoke(runner, "ingest", "--assign", str(waiting), CODE_B, archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    assert f"→ {NAME_B}（{CODE_B}）（已注销）" in result.stderr
    assert f"警告：{NAME_B}（{CODE_B}）已于 2026-10-31 注销" in result.stderr
    assert len(documents(archive_dir)) == 1


def test_assign_refuses_more_arguments(runner, archive_dir: Path, tmp_path: Path) -> None:
    register(archive_dir, (CODE_B, NAME_B))
    waiting = _unmatched_in_inbox(runner, archive_dir, tmp_path)
    other = tmp_path / "收件"
    before = (archive_dir / JOURNAL_FILE).read_bytes()
    result = invoke(
        runner, "ingest", "--assign", str(waiting), CODE_B, str(other), archive=archive_dir
    )
    assert result.exit_code == 2, result.stderr
    assert "--assign 只归档一个文件" in result.stderr and str(other) in result.stderr
    assert (archive_dir / JOURNAL_FILE).read_bytes() == before
    assert waiting.is_file()
