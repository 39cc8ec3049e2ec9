"""Ingest gaps found by a stranger's test of issue 8 (stranger8.md).

13. A pipe (or socket, device) and a valid empty .zip inside a folder each get a row of their
    own: the pipe fails (never opened: reading it would block), the empty zip is skipped with
    its reason (nothing in it is lost, nothing is broken).
18. A repeated ``--assign`` is refused; an extra argument that does not exist gets the
    extra-argument message.
Other finding 4: a ``kill -9`` in mid-copy leaves ``files/<code>/<kind>/.….part``; the next
    ingest removes it (its process is gone), and ``audit verify`` names leftover files that no
    event records.
Smaller finding 6: the inbox note's ``assign`` command names the file relative to the archive.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from archive import ingest as ingest_module
from archive.audit import verify_archive
from archive.store import JOURNAL_FILE, Archive
from tests.conftest import invoke
from tests.test_archive_robustness import child_env, credit
from tests.test_ingest import CODE_A, CODE_B, NAME_A, NAME_B, documents, nl_lines, penalty, register
from tests.test_ingest_own_files import _unmatched_in_inbox


def parts(root: Path) -> list[Path]:
    return sorted(root.rglob(".*.part"))


# ============================================================================================
# 13. A pipe and an empty zip inside a folder are counted


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_inside_a_folder_fails_without_being_opened(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    register(archive_dir, (CODE_A, NAME_A))
    source = tmp_path / "收件"
    source.mkdir()
    os.mkfifo(source / "管道")  # opening it for reading would block for ever
    penalty(source / "决定书.pdf", CODE_A, NAME_A, "蓝应急罚〔2026〕61号")
    result = invoke(runner, "ingest", str(source), "--nl", archive=archive_dir)
    assert result.exit_code == 3, result.stderr
    rows = {Path(row["path"]).name: row for row in nl_lines(result.stdout)}
    assert rows["决定书.pdf"]["status"] == "ingested"
    assert rows["管道"]["status"] == "failed", rows
    assert "不是普通文件" in rows["管道"]["reason"]
    assert f"[失败] {source / '管道'}" in result.stderr


def test_a_socket_inside_a_folder_fails(runner, archive_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "s"  # a socket's path must be short
    source.mkdir()
    listener = socket.socket(socket.AF_UNIX)
    try:
        listener.bind(str(source / "sock"))
        result = invoke(runner, "ingest", str(source), "--nl", archive=archive_dir)
    finally:
        listener.close()
    assert result.exit_code == 3, result.stderr
    [row] = nl_lines(result.stdout)
    assert row["status"] == "failed" and Path(row["path"]).name == "sock"


@pytest.mark.parametrize("members", [[], ["Thumbs.db"]], ids=["empty", "only-junk"])
def test_an_empty_zip_is_skipped_with_its_reason(
    runner, archive_dir: Path, tmp_path: Path, members: list[str]
) -> None:
    source = tmp_path / "收件"
    source.mkdir()
    with zipfile.ZipFile(source / "空的.zip", "w") as package:
        for name in members:
            package.writestr(name, b"junk")
    result = invoke(runner, "ingest", str(source), "--nl", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    [row] = nl_lines(result.stdout)
    assert Path(row["path"]).name == "空的.zip"
    assert row["status"] == "skipped" and row["reason"] == "压缩包里没有文件"
    assert "没有找到文件" not in result.stderr  # counted: 跳过 1
    assert "跳过" in result.stderr


# ============================================================================================
# 18. --assign given twice; an extra argument that does not exist


def test_a_repeated_assign_is_refused(runner, archive_dir: Path, tmp_path: Path) -> None:
    register(archive_dir, (CODE_A, NAME_A), (CODE_B, NAME_B))
    waiting = _unmatched_in_inbox(runner, archive_dir, tmp_path)
    before = (archive_dir / JOURNAL_FILE).read_bytes()
    result = invoke(
        runner, "ingest", "--assign", str(waiting), CODE_A, "--assign", str(waiting), CODE_B,
        archive=archive_dir,
    )  # fmt: skip
    assert result.exit_code == 2, result.stderr
    assert "--assign 只能给一次" in result.stderr and CODE_A in result.stderr
    assert (archive_dir / JOURNAL_FILE).read_bytes() == before
    assert documents(archive_dir) == {}


def test_an_extra_argument_that_does_not_exist_gets_the_extra_argument_message(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    register(archive_dir, (CODE_B, NAME_B))
    waiting = _unmatched_in_inbox(runner, archive_dir, tmp_path)
    missing = tmp_path / "没有这个文件.pdf"
    result = invoke(
        runner, "ingest", "--assign", str(waiting), CODE_B, str(missing), archive=archive_dir
    )
    assert result.exit_code == 2, result.stderr
    assert "--assign 只归档一个文件" in result.stderr and str(missing) in result.stderr
    assert "的值无效" not in result.stderr and "Invalid value" not in result.stderr


def test_a_missing_folder_is_still_a_usage_error_naming_it(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "没有的文件夹"
    result = invoke(runner, "ingest", str(missing), archive=archive_dir)
    assert result.exit_code == 2, result.stderr
    assert f"{missing} 不存在" in result.stderr and "的值无效" not in result.stderr


# ============================================================================================
# Other finding 4: kill -9 in mid-copy


def test_a_kill_in_mid_copy_leaves_a_part_the_next_ingest_removes(
    archive_dir: Path, tmp_path: Path
) -> None:
    register(archive_dir, (CODE_A, NAME_A), (CODE_B, NAME_B))
    first = tmp_path / "第一批"
    first.mkdir()
    penalty(first / "决定书.pdf", CODE_A, NAME_A, "蓝应急罚〔2026〕62号")
    killed = credit(
        "ingest", str(first), "--jobs", "1", archive=archive_dir,
        env=child_env(CREDIT_FAULT="ingest.copy_half"),
    )  # fmt: skip
    assert killed.returncode == -9, (killed.returncode, killed.stderr)  # a real SIGKILL
    [left] = parts(archive_dir / "files")
    assert left.parent.parent.name == CODE_A  # files/<code>/<kind>/.….part
    assert 0 < left.stat().st_size < (first / "决定书.pdf").stat().st_size
    assert documents(archive_dir) == {}

    # audit verify names it (a warning: the journal and index are sound)
    verified = credit("audit", "verify", "--json", archive=archive_dir)
    assert verified.returncode == 0, verified.stderr
    report = json.loads(verified.stdout)
    relative = left.relative_to(archive_dir).as_posix()
    assert report["leftover_files"] == [relative]
    assert any(relative in warning for warning in report["warnings"])
    assert relative in credit("audit", "verify", archive=archive_dir).stderr

    # a later ingest of another enterprise's file (another folder) removes it: its process is gone
    second = tmp_path / "第二批"
    second.mkdir()
    penalty(second / "决定书.pdf", CODE_B, NAME_B, "蓝应急罚〔2026〕63号")
    again = credit("ingest", str(second), archive=archive_dir)
    assert again.returncode == 0, again.stderr
    assert parts(archive_dir) == []
    assert (
        json.loads(credit("audit", "verify", "--json", archive=archive_dir).stdout)[
            "leftover_files"
        ]
        == []
    )


def test_a_part_of_a_live_process_or_another_host_stays(archive_dir: Path) -> None:
    folder = archive_dir / "files" / CODE_A / "penalty_decision"
    folder.mkdir(parents=True)
    host = ingest_module._this_host()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = folder / f".2026-01-01_aaaaaaaa.pdf.{sleeper.pid}@{host}.part"
        elsewhere = folder / ".2026-01-01_bbbbbbbb.pdf.1@another-host.part"
        old_style = folder / f".2026-01-01_cccccccc.pdf.{sleeper.pid + 10**7}.part"
        for path in (live, elsewhere, old_style):
            path.write_bytes(b"half")
        dead = folder / f".2026-01-01_dddddddd.pdf.{_dead_pid()}@{host}.part"
        dead.write_bytes(b"half")
        removed = ingest_module.remove_abandoned_parts(Archive.open(archive_dir))
        assert removed == [dead.relative_to(archive_dir).as_posix()]
        assert live.exists() and elsewhere.exists() and old_style.exists()
        day_old = os.stat(elsewhere).st_mtime - 2 * ingest_module.STALE_PART_SECONDS
        os.utime(elsewhere, (day_old, day_old))
        ingest_module.remove_abandoned_parts(Archive.open(archive_dir))
        assert not elsewhere.exists() and live.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def _dead_pid() -> int:
    """The pid of a process that has ended (and was reaped)."""
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    return done.pid


def test_audit_verify_names_a_copy_no_event_records(archive_dir: Path, tmp_path: Path) -> None:
    register(archive_dir, (CODE_A, NAME_A))
    source = tmp_path / "收件"
    source.mkdir()
    penalty(source / "决定书.pdf", CODE_A, NAME_A, "蓝应急罚〔2026〕64号")
    archive = Archive.open(archive_dir)
    ingest_module.ingest(archive, [source])
    [stored] = [Path(record["stored"]) for record in documents(archive_dir).values()]
    assert verify_archive(Archive.open(archive_dir))["leftover_files"] == []
    stray = archive_dir / stored.parent / "2026-01-01_0badc0de.pdf"  # copied, never committed
    shutil.copyfile(archive_dir / stored, stray)
    result = verify_archive(Archive.open(archive_dir))
    assert result["ok"]
    assert result["leftover_files"] == [stray.relative_to(archive_dir).as_posix()]
    assert any("2026-01-01_0badc0de.pdf" in warning for warning in result["warnings"])


# ============================================================================================
# Smaller finding 6: the inbox note names the file relative to the archive


def test_the_inbox_note_names_the_file_relative_to_the_archive(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    register(archive_dir, (CODE_B, NAME_B))
    waiting = _unmatched_in_inbox(runner, archive_dir, tmp_path)
    note = json.loads(waiting.with_name(waiting.name + ".json").read_text(encoding="utf-8"))
    relative = f"inbox/unmatched/{waiting.name}"
    assert note["assign"] == f"credit ingest --assign {relative} 统一社会信用代码"
    record = Archive.open(archive_dir).index().table("unmatched").record(note["sha256"])
    assert str(archive_dir) not in json.dumps(record, ensure_ascii=False)

    # The archive moves; the command from the note still works (run from anywhere)
    moved = tmp_path / "搬走的档案"
    shutil.move(archive_dir, moved)
    result = invoke(runner, "ingest", "--assign", relative, CODE_B, "--nl", archive=moved)
    assert result.exit_code == 0, result.stderr
    [row] = nl_lines(result.stdout)
    assert row["status"] == "ingested" and row["credit_codes"] == [CODE_B]
    assert not (moved / relative).exists()
