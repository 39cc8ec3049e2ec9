"""Letter batches after the stranger's test of issue 8 (stranger8.md).

A batch killed right after its commit, letters another batch is still making, a full disk,
a serial format without ``{year}``.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from archive import enterprises, journal, store
from archive.letters import issue
from archive.store import Archive, init_archive
from tests.conftest import invoke
from tests.helpers import make_code
from tests.test_letters_batches import (
    _child_env,
    _events,
    _issued_events,
    _recorded_files,
    _register,
    _staging_folders,
    _visible_letters,
)

REPO = Path(__file__).resolve().parent.parent


def _run(root: Path, *args: str, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    env = _child_env()
    if fault:
        env["CREDIT_FAULT"] = fault
    return subprocess.run(
        [sys.executable, "-m", "cli", "--archive", str(root), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=REPO,
        timeout=300,
    )


# -- killed right after the commit ---------------------------------------------------------------


@pytest.mark.parametrize("out_option", [True, False], ids=["--out", "default-out"])
def test_killed_right_after_the_commit_every_rerun_puts_the_letters_in_place(
    tmp_path: Path, out_option: bool
) -> None:
    """kill -9 between ``letter.issued`` and the moves; a re-run with nothing new recovers."""
    root = init_archive(tmp_path / "档案", actor="测试").root
    _register(root, 6)
    out = tmp_path / "out"
    where = ("--out", str(out)) if out_option else ("--date", "2029-03-01")
    out = out if out_option else root / "out" / "2029-03-01"
    args = ("gen-commitment", "--all", "--year", "2029", *where, "--json")
    killed = _run(root, *args, fault="letters.recorded")
    assert killed.returncode == 86, killed.stderr  # died as kill -9 would, after the commit
    assert len(_issued_events(root)) == 6
    assert not _visible_letters(out) and len(_staging_folders(out)) == 1

    # A dry run changes nothing, says so, and lists no file that is not there.
    dry = _run(root, *args, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    rows = json.loads(dry.stdout)["letters"]
    assert {row["status"] for row in rows} == {"already_issued"}
    assert all(row["file"] is None for row in rows)
    assert "6 份已编号的文书还在中断的批次的临时文件夹中" in dry.stderr
    assert len(_staging_folders(out)) == 1

    again = _run(root, *args)  # nothing new to issue
    assert again.returncode == 0, again.stderr
    rows = json.loads(again.stdout)["letters"]
    assert {row["status"] for row in rows} == {"already_issued"}
    assert all((root / row["file"]).is_file() for row in rows), rows
    assert "已把中断的批次留下的 6 份已编号文书移到输出文件夹" in again.stderr
    assert _visible_letters(out) == _recorded_files(root)
    assert not _staging_folders(out)
    assert len(_issued_events(root)) == 6


def test_a_notice_run_also_recovers_a_dead_commitment_batch(tmp_path: Path) -> None:
    root = init_archive(tmp_path / "档案", actor="测试").root
    codes = _register(root, 2)
    out = tmp_path / "out"
    killed = _run(
        root,
        "gen-commitment",
        "--all",
        "--year",
        "2029",
        "--out",
        str(out),
        fault="letters.recorded",
    )
    assert killed.returncode == 86, killed.stderr
    notice = _run(
        root, "gen-notice", "form_monthly_report", codes[0], "--fact", "period=2029-01",
        "--out", str(out),
    )  # fmt: skip
    assert notice.returncode == 0, notice.stderr
    assert _visible_letters(out) == _recorded_files(root)
    assert len(_visible_letters(out)) == 3
    assert not _staging_folders(out)


# -- letters another live batch is making --------------------------------------------------------


def test_letters_another_batch_is_making_are_in_progress_with_exit_3(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _register(archive_dir, 2)
    seen: list[Any] = []
    real_make = issue._make_letters

    def make_and_look(*args: Any, **kwargs: Any) -> Any:
        seen.append(
            invoke(
                runner, "gen-commitment", "--all", "--year", "2029", "--out",
                str(tmp_path / "b"), "--json", archive=archive_dir,
            )
        )  # fmt: skip
        seen.append(
            invoke(
                runner, "gen-commitment", "--all", "--year", "2029", "--out",
                str(tmp_path / "b"), archive=archive_dir,
            )
        )  # fmt: skip
        return real_make(*args, **kwargs)

    monkeypatch.setattr(issue, "_make_letters", make_and_look)
    archive = Archive.open(archive_dir)
    requests = issue.commitment_requests(
        archive, enterprises.list_enterprises(archive), levels=["unit"], year=2029
    )
    issue.issue_letters(archive, requests, out_dir=tmp_path / "a")
    as_json, as_table = seen
    assert as_json.exit_code == 3, as_json.stderr
    rows = json.loads(as_json.stdout)["letters"]
    assert {row["status"] for row in rows} == {"in_progress"}
    assert all(row["file"] is None and row["serial"] for row in rows)
    assert as_table.exit_code == 3
    assert "正由另一进程生成" in as_table.stdout
    assert "0 份已发过" in as_table.stderr
    assert "2 份正由另一个 credit 进程生成，尚未发出" in as_table.stderr


# -- a full disk ----------------------------------------------------------------------------------


def _enospc() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_while_rendering_lists_what_was_made_and_exits_4(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _register(archive_dir, 5)
    real_write = issue.atomic_write
    written: list[Path] = []

    def write(path: Path, data: bytes, **kwargs: Any) -> None:
        if len(written) >= 2:  # room for two letters, then the disk is full
            raise _enospc()
        written.append(path)
        real_write(path, data, **kwargs)

    monkeypatch.setattr(issue, "atomic_write", write)
    out = tmp_path / "out"
    result = invoke(
        runner, "gen-commitment", "--all", "--year", "2029", "--out", str(out), "--json",
        archive=archive_dir,
    )  # fmt: skip
    assert result.exit_code == 4, result.stderr
    rows = json.loads(result.stdout)["letters"]
    assert [row["status"] for row in rows].count("issued") == 2
    assert [row["status"] for row in rows].count("failed") == 3
    for row in rows:
        if row["status"] == "issued":
            assert (archive_dir / row["file"]).is_file()
    assert len(_issued_events(archive_dir)) == 2
    assert _visible_letters(out) == _recorded_files(archive_dir)
    assert result.stderr.count("错误：") == 1
    assert "磁盘已满" in result.stderr and "2 份已生成并记入日志" in result.stderr
    assert "已记入日志，但索引" not in result.stderr
    assert "清单" in result.stderr  # the manifest could not be written either: said once

    # With room again, the same command makes the rest and nothing twice.
    monkeypatch.setattr(issue, "atomic_write", real_write)
    again = invoke(
        runner, "gen-commitment", "--all", "--year", "2029", "--out", str(out), "--json",
        archive=archive_dir,
    )  # fmt: skip
    assert again.exit_code == 0, again.stderr
    assert len(_issued_events(archive_dir)) == 5


def test_a_full_disk_when_recording_says_one_thing_and_exits_4(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reservation reaches the journal but not the index; recording fails: no mixed story."""
    _register(archive_dir, 3)
    real_append = journal.Journal.append
    appended: list[int] = []

    def append(self: Any, entries: Any) -> int:
        if appended:  # the reservation went through; then the disk is full
            monkeypatch.setenv("CREDIT_FAULT", "journal.disk_full")
        appended.append(1)
        return real_append(self, entries)

    monkeypatch.setattr(journal.Journal, "append", append)
    monkeypatch.setattr(store.Archive, "_write_index", _raise(_enospc()))
    out = tmp_path / "out"
    result = invoke(
        runner, "gen-commitment", "--all", "--year", "2029", "--out", str(out), "--json",
        archive=archive_dir,
    )  # fmt: skip
    assert result.exit_code == 4, result.stderr
    rows = json.loads(result.stdout)["letters"]
    assert {row["status"] for row in rows} == {"failed"}
    assert all(row["file"] is None for row in rows)
    assert result.stderr.count("错误：") == 1
    assert "0 份已生成并记入日志" in result.stderr
    assert "已记入日志，但索引" not in result.stderr
    assert not _issued_events(archive_dir)
    assert not _visible_letters(out) and not _staging_folders(out)


def _raise(exc: OSError) -> Any:
    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise exc

    return fail


# -- serial formats without {year} ----------------------------------------------------------------


def _set_serial_format(archive_dir: Path, pattern: str) -> None:
    settings = archive_dir / "credit.toml"
    text = settings.read_text(encoding="utf-8")
    start = text.index("serial_format = ")
    end = text.index("\n", start)
    value = json.dumps(pattern, ensure_ascii=False)
    settings.write_text(text[:start] + f"serial_format = {value}" + text[end:], encoding="utf-8")


def test_a_serial_format_without_year_numbers_on_across_years(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    _register(archive_dir, 2)
    # One letter under the default format first: the counters of each year count too.
    first = invoke(
        runner, "gen-commitment", make_code(7000), "--year", "2026", "--out", str(tmp_path),
        archive=archive_dir,
    )  # fmt: skip
    assert first.exit_code == 0, first.stderr
    _set_serial_format(archive_dir, "{prefix}{number:04d}号")
    for year in ("2027", "2028"):
        result = invoke(
            runner, "gen-commitment", "--all", "--year", year, "--out", str(tmp_path),
            archive=archive_dir,
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
    serials = [data["serial"] for data in _issued_events(archive_dir)]
    assert len(serials) == len(set(serials)) == 5
    assert serials[1:] == [f"蓝应急诺{n:04d}号" for n in (2, 3, 4, 5)]
    reserved = _events(archive_dir, "serials.reserved")
    assert reserved[-1]["counter"].endswith("|*")
    # The index rebuilt from the journal goes on from the same number.
    shutil.rmtree(archive_dir / "index")
    again = invoke(
        runner, "gen-commitment", "--all", "--year", "2029", "--out", str(tmp_path), "--json",
        archive=archive_dir,
    )  # fmt: skip
    assert [row["serial"] for row in json.loads(again.stdout)["letters"]] == [
        "蓝应急诺0006号",
        "蓝应急诺0007号",
    ]


def test_a_serial_already_on_a_letter_is_never_given_again(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    """A counter behind the letters (a format changed back and forth) skips taken serials."""
    _register(archive_dir, 2)
    _set_serial_format(archive_dir, "{prefix}{number:04d}号")
    result = invoke(
        runner, "gen-commitment", make_code(7000), "--year", "2027", "--out", str(tmp_path),
        archive=archive_dir,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    archive = Archive.open(archive_dir)
    with archive.transaction() as tx:  # as an older version kept it: a counter per year
        tx.index.table(issue.COUNTERS_TABLE).delete("蓝应急诺|*")
    result = invoke(
        runner, "gen-commitment", make_code(7001), "--year", "2028", "--out", str(tmp_path),
        archive=archive_dir,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    serials = [data["serial"] for data in _issued_events(archive_dir)]
    assert serials == ["蓝应急诺0001号", "蓝应急诺0002号"]
