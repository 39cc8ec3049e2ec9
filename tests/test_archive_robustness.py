"""The archive survives what a shared folder does to it: concurrent writers, crashes at each
write step, kill -9 at random moments, stuck locks, tampering, a broken index, no archive.

Everything here runs real processes (``python -m cli`` or a small ``python -c`` script) on a
real folder, because locks, fsync and SIGKILL cannot be faked in-process.
"""

from __future__ import annotations

import errno
import hashlib
import itertools
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import faults
from archive.audit import verify_archive
from archive.enterprises import add_enterprise, list_enterprises
from archive.errors import CreditError, JournalCorrupt
from archive.index import bucket, part_file
from archive.journal import canonical, entry_hash
from archive.store import INDEX_FILE, JOURNAL_FILE, Archive, init_archive
from tests.conftest import child_env
from tests.helpers import index_bytes, make_code, new_archive

REPO = Path(__file__).resolve().parents[1]


# -- running things ------------------------------------------------------------------------------


def _first_fast(cases: dict[str, object]) -> list[object]:
    """Every case, all but the first marked slow: ``pytest -m "not slow"`` runs one of them."""
    first, *rest = cases
    return [first, *(pytest.param(name, marks=pytest.mark.slow) for name in rest)]


def credit(
    *args: str,
    archive: Path | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m cli [--archive A] args…`` in a fresh process."""
    argv = [sys.executable, "-m", "cli"]
    if archive is not None:
        argv += ["--archive", str(archive)]
    return subprocess.run(
        [*argv, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env if env is not None else child_env(),
        cwd=cwd or REPO,
        timeout=timeout,
    )


def listed_codes(root: Path) -> set[str]:
    """Codes ``credit enterprise list --json`` prints (the command must succeed)."""
    result = credit("enterprise", "list", "--json", archive=root)
    assert result.returncode == 0, result.stderr
    return {row["credit_code"] for row in json.loads(result.stdout)}


def assert_index_is_rebuild(root: Path) -> None:
    """The index as the writers left it is byte for byte what a rebuild from the journal gives."""
    before = index_bytes(root)
    Archive.open(root).rebuild_index()
    assert index_bytes(root) == before


def temp_files(root: Path) -> list[Path]:
    """Temp files of index writes left in the archive."""
    return [*root.glob(".*.tmp"), *(root / "index").rglob(".*.tmp")]


def part_path(root: Path, part: str) -> Path:
    """The file of one part of the index, as the head names it."""
    head = json.loads((root / INDEX_FILE).read_bytes())
    return root / "index" / "parts" / part_file(part, head["parts"][part])


def journal_lines(root: Path) -> list[bytes]:
    return (root / JOURNAL_FILE).read_bytes().splitlines(keepends=True)


def add_codes(archive: Archive, numbers: range | list[int]) -> list[str]:
    codes = []
    for n in numbers:
        code = make_code(n)
        add_enterprise(archive, {"credit_code": code, "name": f"蓝山县测试{n}号有限公司"})
        codes.append(code)
    return codes


# -- 1. concurrent writers ------------------------------------------------------------------------

WRITER = r"""
import sys, time
from pathlib import Path
from archive.store import Archive
from archive.enterprises import add_enterprise
from tests.helpers import make_code

root, start, count, go = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
archive = Archive.open(root)
while not go.exists():  # start together, after the imports
    time.sleep(0.005)
for n in range(start, start + count):
    add_enterprise(archive, {"credit_code": make_code(n), "name": f"并发写入{n}号有限公司"})
"""


@pytest.mark.slow
def test_four_processes_adding_at_once_lose_nothing(tmp_path: Path) -> None:
    archive = new_archive(tmp_path)
    go = tmp_path / "go"
    writers, per_writer = 4, 250
    env = child_env(CREDIT_LOCK_TIMEOUT="120")
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                str(archive.root),
                str(k * 10_000),
                str(per_writer),
                str(go),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for k in range(writers)
    ]
    go.touch()
    for child in children:
        _out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err

    expected = {make_code(k * 10_000 + i) for k in range(writers) for i in range(per_writer)}
    reopened = Archive.open(archive.root)
    present = {row["credit_code"] for row in list_enterprises(reopened, status=None)}
    assert present == expected
    report = reopened.journal.verify()
    assert report.ok, report.message
    assert report.events == 1 + writers * per_writer
    assert report.torn is None
    added = [e for e in reopened.journal.iter_entries() if e["type"] == "enterprise.added"]
    assert len(added) == writers * per_writer
    # The writers really ran at the same time: their events interleave in the journal.
    writer_of = {make_code(k * 10_000 + i): k for k in range(writers) for i in range(per_writer)}
    order = [writer_of[entry["data"]["credit_code"]] for entry in added]
    switches = sum(1 for a, b in itertools.pairwise(order) if a != b)
    assert switches >= writers, switches  # one after the other would be writers - 1
    result = verify_archive(reopened)
    assert result["ok"], result
    assert result["warnings"] == []
    assert not temp_files(archive.root)
    assert_index_is_rebuild(archive.root)


# -- 2. a crash at each step of a write --------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("point", faults.POINTS)
def test_crash_at_each_write_step_leaves_a_usable_archive(tmp_path: Path, point: str) -> None:
    root = new_archive(tmp_path).root
    done = []
    for n in (1, 2):  # reported done before the crash
        result = credit("enterprise", "add", make_code(n), "--name", f"甲{n}", archive=root)
        assert result.returncode == 0, result.stderr
        done.append(make_code(n))
    journal_before = (root / JOURNAL_FILE).read_bytes()

    victim = make_code(3)
    crashed = credit(
        "enterprise", "add", victim, "--name", "崩溃时写入的单位",
        archive=root, env=child_env(CREDIT_FAULT=point),
    )  # fmt: skip
    assert crashed.returncode == faults.EXIT_STATUS, crashed.stderr
    assert "已登记" not in crashed.stderr  # never reported done

    # The archive still opens and reads; the change is there exactly when the journal line was
    # fsynced before the crash.
    durable = point != "journal.half"
    codes = listed_codes(root)
    assert set(done) <= codes
    assert (victim in codes) is durable
    journal_now = (root / JOURNAL_FILE).read_bytes()
    assert journal_now.startswith(journal_before)  # earlier lines untouched

    verified = credit("audit", "verify", archive=root)
    assert verified.returncode == 0, verified.stderr
    if durable:
        assert journal_now.endswith(b"\n")
    else:
        assert len(journal_now) > len(journal_before)  # a torn line is there
        assert "未写完" in verified.stderr  # … and only a warning
        assert "journal.torn" in verified.stderr

    # The next write repairs whatever the crash left.
    after = make_code(4)
    result = credit("enterprise", "add", after, "--name", "乙", archive=root)
    assert result.returncode == 0, result.stderr
    torn_folder = root / "journal.torn"
    if durable:
        assert not torn_folder.exists()
        assert "警告" not in result.stderr
    else:
        assert "警告" in result.stderr and "journal.torn" in result.stderr
        (moved,) = torn_folder.iterdir()
        assert moved.read_bytes() == journal_now[len(journal_before) :]
        assert str(moved) in result.stderr
    lines = journal_lines(root)
    assert (root / JOURNAL_FILE).read_bytes().startswith(journal_before)
    assert len(lines) == 1 + len(done) + durable + 1
    report = Archive.open(root).journal.verify()
    assert report.ok and report.torn is None, report.message
    assert report.events == len(lines)
    assert listed_codes(root) == {*done, after} | ({victim} if durable else set())
    assert credit("audit", "verify", archive=root).returncode == 0
    assert not temp_files(root)  # temp files of the crash are cleaned
    assert_index_is_rebuild(root)


@pytest.mark.slow
def test_a_crashed_import_leaves_no_row_behind(tmp_path: Path) -> None:
    """Half of a 3-row import's journal lines on disk: whole lines, but no batch end."""
    root = new_archive(tmp_path).root
    roster = tmp_path / "名册.csv"
    rows = [f"测试{n}号有限公司,{make_code(n)}" for n in range(10, 13)]
    roster.write_text("单位名称,统一社会信用代码\n" + "\n".join(rows) + "\n", encoding="utf-8")
    before = (root / JOURNAL_FILE).read_bytes()
    crashed = credit(
        "enterprise", "import", str(roster), archive=root, env=child_env(CREDIT_FAULT="journal.half")
    )  # fmt: skip
    assert crashed.returncode == faults.EXIT_STATUS
    written = (root / JOURNAL_FILE).read_bytes()[len(before) :]
    assert written.count(b"\n") >= 1  # at least one whole line of the batch reached the disk
    assert listed_codes(root) == set()  # … and still no row counts as imported
    assert credit("audit", "verify", archive=root).returncode == 0
    again = credit("enterprise", "import", str(roster), archive=root)
    assert again.returncode == 0, again.stderr
    assert "journal.torn" in again.stderr
    assert listed_codes(root) == {make_code(n) for n in range(10, 13)}
    assert_index_is_rebuild(root)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name descriptors")
def test_journal_is_fsynced_before_the_index_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a kill cannot show (the page cache survives a dead process): the fsync order."""
    archive = new_archive(tmp_path)
    root = archive.root
    calls: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        calls.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src: str | Path, dst: str | Path) -> None:
        calls.append(("replace", str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    add_codes(archive, [1])
    monkeypatch.undo()

    def position(kind: str, test) -> int:
        found = [i for i, (k, path) in enumerate(calls) if k == kind and test(Path(path))]
        assert found, f"no {kind} matching in {calls}"
        return found[0]

    parts = root / "index" / "parts"
    journal = position("fsync", lambda p: p == root / JOURNAL_FILE)
    temp = position("fsync", lambda p: p.parent == parts and p.suffix == ".tmp")
    folder = position("fsync", lambda p: p == parts)  # every new part's name is durable …
    replaced = position("replace", lambda p: p == root / INDEX_FILE)  # … before the head names it
    head = max(
        i for i, (k, path) in enumerate(calls) if k == "fsync" and Path(path) == root / "index"
    )
    assert journal < temp < folder < replaced < head, calls


# -- 3. kill -9 at random moments ------------------------------------------------------------------

LOOPER = r"""
import sys
from pathlib import Path
from archive.store import Archive
from archive.enterprises import add_enterprise
from tests.helpers import make_code

archive = Archive.open(Path(sys.argv[1]))
n = int(sys.argv[2])
print("ready", flush=True)
while True:
    code = make_code(n)
    add_enterprise(archive, {"credit_code": code, "name": f"被杀测试{n}号有限公司"})
    print(code, flush=True)  # only after the add returned: the change is durable
    n += 1
"""


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_reported(tmp_path: Path) -> None:
    root = new_archive(tmp_path).root
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    printed: list[str] = []
    attempted: set[str] = set()
    rounds = 15
    for round_ in range(rounds):
        start = round_ * 10_000
        child = subprocess.Popen(
            [sys.executable, "-c", LOOPER, str(root), str(start)],
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        assert child.stdout is not None and child.stderr is not None
        assert child.stdout.readline() == "ready\n", child.stderr.read()
        # The first add proves the lock of the child killed before did not outlive it.
        first = child.stdout.readline()
        assert first.strip(), (seed, round_, child.stderr.read())
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        # Not communicate(): it reads the pipe's descriptor and would miss lines that
        # readline() above already pulled into the text buffer.
        out, err = child.stdout.read(), child.stderr.read()
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL, (seed, err)
        codes = [line for line in (first + out).splitlines() if line]
        printed.extend(codes)
        # what the child may have written: every printed code and the one after the last
        attempted.update(make_code(start + i) for i in range(len(codes) + 1))

    archive = Archive.open(root)
    present = {row["credit_code"] for row in list_enterprises(archive, status=None)}
    assert archive.warnings == [], f"seed {seed}"  # the index was never left broken
    assert set(printed) <= present, f"seed {seed}"
    assert present <= attempted, f"seed {seed}"
    result = verify_archive(archive)
    assert result["ok"], (seed, result)
    assert all("journal.torn" in warning for warning in result["warnings"]), (seed, result)
    report = archive.journal.verify()
    assert report.events == 1 + len(present), f"seed {seed}"  # no event twice, none lost

    add_codes(archive, [999_999])  # a final write sets aside a torn tail, refreshes the index
    report = Archive.open(root).journal.verify()
    assert report.ok and report.torn is None, (seed, report.message)
    assert not temp_files(root)
    assert_index_is_rebuild(root)
    assert credit("audit", "verify", archive=root).returncode == 0


# -- 4. locks ------------------------------------------------------------------------------------

HOLDER = r"""
import sys, time
from pathlib import Path
from archive.store import Archive

archive = Archive.open(Path(sys.argv[1]))
with archive.lock():
    print("locked", flush=True)
    time.sleep(120)
"""


def _hold_lock(root: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root)],
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line == "locked\n", child.stderr.read() if child.stderr else ""
    return child


def test_lock_of_a_killed_process_does_not_block(tmp_path: Path) -> None:
    root = new_archive(tmp_path).root
    holder = _hold_lock(root)
    holder.send_signal(signal.SIGKILL)
    holder.communicate(timeout=30)

    started = time.monotonic()
    result = credit(
        "--lock-timeout", "10", "enterprise", "add", make_code(1), "--name", "甲", archive=root
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert elapsed < 5, elapsed
    assert make_code(1) in listed_codes(root)


@pytest.mark.slow
def test_lock_of_a_hung_process_times_out_with_exit_4(tmp_path: Path) -> None:
    root = new_archive(tmp_path).root
    journal_before = (root / JOURNAL_FILE).read_bytes()
    holder = _hold_lock(root)
    try:
        started = time.monotonic()
        result = credit(
            "--lock-timeout", "1", "enterprise", "add", make_code(1), "--name", "甲",
            archive=root, timeout=20,
        )  # fmt: skip
        elapsed = time.monotonic() - started
        assert result.returncode == 4, result.stderr
        assert 1 <= elapsed < 5, elapsed
        assert "等待" in result.stderr and "放弃" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr

        # CREDIT_LOCK_TIMEOUT works the same way; reading needs no lock.
        started = time.monotonic()
        result = credit(
            "enterprise", "add", make_code(2), "--name", "乙",
            archive=root, env=child_env(CREDIT_LOCK_TIMEOUT="1"), timeout=20,
        )  # fmt: skip
        assert result.returncode == 4, result.stderr
        assert time.monotonic() - started < 5
        assert listed_codes(root) == set()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.communicate(timeout=30)
    assert (root / JOURNAL_FILE).read_bytes() == journal_before
    result = credit(
        "--lock-timeout", "5", "enterprise", "add", make_code(1), "--name", "甲", archive=root
    )
    assert result.returncode == 0, result.stderr


# -- 5. tampering --------------------------------------------------------------------------------


def _change_name(raw: bytes) -> bytes:
    """Edit the name inside a journal line, keeping it valid JSON (the hash is now wrong)."""
    assert "测试".encode() in raw
    return raw.replace("测试".encode(), "篡改".encode(), 1)


def _rewrite_with_hash(raw: bytes) -> bytes:
    """Change the name inside a line and recompute its hash: the chain still holds."""
    entry = json.loads(raw)
    entry["data"]["name"] = "篡改后的名称有限公司"
    entry["hash"] = entry_hash(entry)
    return canonical(entry) + b"\n"


def _changed(lines: list[bytes]) -> list[bytes]:
    return [*lines[:2], _change_name(lines[2]), *lines[3:]]


def _removed_middle(lines: list[bytes]) -> list[bytes]:
    return [*lines[:2], *lines[3:]]


def _swapped(lines: list[bytes]) -> list[bytes]:
    return [*lines[:2], lines[3], lines[2], *lines[4:]]


def _removed_last(lines: list[bytes]) -> list[bytes]:
    return lines[:-1]


def _rehashed_last(lines: list[bytes]) -> list[bytes]:
    return [*lines[:-1], _rewrite_with_hash(lines[-1])]


TAMPERINGS = {
    # name: (how, line named, reason)
    "changed_line": (_changed, 3, "hash"),
    "removed_middle_line": (_removed_middle, 3, "sequence"),
    "swapped_lines": (_swapped, 3, "sequence"),
    "removed_last_line": (_removed_last, 6, "truncated"),
    "rehashed_last_line": (_rehashed_last, 6, "index_mismatch"),
}


@pytest.mark.parametrize("name", _first_fast(TAMPERINGS))
def test_tampered_journal_is_found_and_the_line_named(tmp_path: Path, name: str) -> None:
    how, line, reason = TAMPERINGS[name]
    archive = new_archive(tmp_path)
    add_codes(archive, range(1, 6))  # lines 2–6
    root = archive.root
    assert credit("audit", "verify", archive=root).returncode == 0  # the untouched archive is fine
    lines = journal_lines(root)
    assert len(lines) == 6
    (root / JOURNAL_FILE).write_bytes(b"".join(how(lines)))

    result = credit("audit", "verify", archive=root)
    assert result.returncode == 4, result.stderr
    assert f"第 {line} 行" in result.stderr, result.stderr
    result = credit("audit", "verify", "--json", archive=root)
    assert result.returncode == 4, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["line"] == line
    assert report["reason"] == reason
    assert f"第 {line} 行" in report["message"]


# -- 6. a broken or missing index ------------------------------------------------------------------


def _garbage(index: bytes) -> bytes:
    return b"\x00\x01 not json at all \xff"


INDEX_DAMAGE = {
    "garbage": _garbage,
    "empty": lambda index: b"",
    "cut_in_half": lambda index: index[: len(index) // 2],
    "not_utf8": lambda index: index.replace("测试".encode(), "测试".encode("gbk")),
    "wrong_shape": lambda index: b"[1, 2, 3]",
    "valid_json_other_content": lambda index: b"{}",
}


@pytest.mark.parametrize("damage", _first_fast(INDEX_DAMAGE))
def test_broken_index_is_rebuilt_from_the_journal(tmp_path: Path, damage: str) -> None:
    archive = new_archive(tmp_path)
    codes = set(add_codes(archive, range(1, 4)))
    root = archive.root
    good = index_bytes(root)
    for target in (part_path(root, "enterprises"), root / INDEX_FILE):  # a part, then the head
        damaged = INDEX_DAMAGE[damage](target.read_bytes())
        if damaged == target.read_bytes():
            continue  # (no Chinese in the head to garble)
        target.write_bytes(damaged)

        result = credit("enterprise", "list", "--json", archive=root)
        assert result.returncode == 0, result.stderr
        assert {row["credit_code"] for row in json.loads(result.stdout)} == codes
        assert "索引" in result.stderr and "重建" in result.stderr, result.stderr
        assert target.name in result.stderr, result.stderr  # names what was wrong

        first = credit("reindex", archive=root)
        assert first.returncode == 0, first.stderr
        rebuilt = index_bytes(root)
        second = credit("reindex", archive=root)
        assert second.returncode == 0, second.stderr
        assert index_bytes(root) == rebuilt
        assert rebuilt == good  # the writers' index is exactly the journal's view
        assert credit("audit", "verify", archive=root).returncode == 0


def test_broken_index_is_repaired_by_the_next_write(tmp_path: Path) -> None:
    archive = new_archive(tmp_path)
    codes = set(add_codes(archive, range(1, 4)))
    root = archive.root
    part_path(root, "enterprises").write_bytes(b"{{{{")
    result = credit("enterprise", "add", make_code(4), "--name", "丁", archive=root)
    assert result.returncode == 0, result.stderr
    assert "索引" in result.stderr
    assert listed_codes(root) == {*codes, make_code(4)}
    assert_index_is_rebuild(root)


def test_deleted_index_is_rebuilt(tmp_path: Path) -> None:
    archive = new_archive(tmp_path)
    codes = set(add_codes(archive, range(1, 4)))
    root = archive.root
    good = index_bytes(root)
    shutil.rmtree(root / "index")

    result = credit("enterprise", "list", "--json", archive=root)
    assert result.returncode == 0, result.stderr
    assert {row["credit_code"] for row in json.loads(result.stdout)} == codes
    assert "索引" in result.stderr, result.stderr
    assert credit("audit", "verify", archive=root).returncode == 0

    assert credit("reindex", archive=root).returncode == 0
    assert index_bytes(root) == good


def test_a_deleted_part_is_rebuilt_and_written_back(tmp_path: Path) -> None:
    archive = new_archive(tmp_path)
    codes = set(add_codes(archive, range(1, 4)))
    root = archive.root
    good = index_bytes(root)
    gone = part_path(root, "enterprises")
    gone.unlink()
    result = credit("enterprise", "list", "--json", archive=root)
    assert result.returncode == 0, result.stderr
    assert {row["credit_code"] for row in json.loads(result.stdout)} == codes
    assert "enterprises" in result.stderr and "缺失" in result.stderr, result.stderr
    assert credit("enterprise", "add", make_code(4), "--name", "丁", archive=root).returncode == 0
    assert listed_codes(root) == {*codes, make_code(4)}
    assert_index_is_rebuild(root)
    assert index_bytes(root) != good


# -- 7. no archive --------------------------------------------------------------------------------


def test_no_archive_anywhere_exits_4_with_a_hint(tmp_path: Path) -> None:
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    if any((folder / "credit.toml").is_file() for folder in empty.parents):
        pytest.skip("an archive above the temporary folder would be found")
    result = credit("enterprise", "list", cwd=empty)
    assert result.returncode == 4, result.stderr
    assert "credit init" in result.stderr
    assert "Traceback" not in result.stderr


def test_archive_option_on_a_plain_folder_exits_4(tmp_path: Path) -> None:
    plain = tmp_path / "普通文件夹"
    plain.mkdir()
    (plain / "journal.jsonl").write_text("")  # looks a bit like an archive, but has no credit.toml
    result = credit("enterprise", "list", archive=plain, cwd=tmp_path)
    assert result.returncode == 4, result.stderr
    assert "credit.toml" in result.stderr
    missing = credit("enterprise", "list", archive=tmp_path / "不存在", cwd=tmp_path)
    assert missing.returncode == 4, missing.stderr


@pytest.mark.parametrize("target", ["missing", "plain_folder", "a_file"])
def test_credit_archive_variable_pointing_nowhere_exits_4(tmp_path: Path, target: str) -> None:
    path = {"missing": tmp_path / "不存在", "plain_folder": tmp_path, "a_file": tmp_path / "f.txt"}[
        target
    ]
    if target == "a_file":
        path.write_text("x")
    result = credit("enterprise", "list", env=child_env(CREDIT_ARCHIVE=str(path)), cwd=tmp_path)
    assert result.returncode == 4, result.stderr
    assert "CREDIT_ARCHIVE" in result.stderr


def test_init_twice_refuses_and_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "新档案"
    first = credit("init", str(folder), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    add = credit("enterprise", "add", make_code(1), "--name", "甲", archive=folder)
    assert add.returncode == 0, add.stderr
    snapshot = {
        path.relative_to(folder): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }

    second = credit("init", str(folder), "--bureau", "别的应急管理局", cwd=tmp_path)
    assert second.returncode != 0
    assert "已经是档案文件夹" in second.stderr, second.stderr
    inside = credit("init", cwd=folder)  # `credit init` in the archive itself
    assert inside.returncode != 0
    after = {
        path.relative_to(folder): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
    assert after == snapshot
    assert listed_codes(folder) == {make_code(1)}


# -- 8. every rebuild checks every line (issue 8, item 7) --------------------------------------


def _phone_changed(raw: bytes) -> bytes:
    """A hand-edited phone number in a journal line: valid JSON, but the line's hash is stale."""
    entry = json.loads(raw)
    entry["data"]["phone"] = "0746-9999999"
    return canonical(entry) + b"\n"


def _tamper_line(root: Path, line: int, how=_phone_changed) -> None:
    lines = journal_lines(root)
    lines[line - 1] = how(lines[line - 1])
    (root / JOURNAL_FILE).write_bytes(b"".join(lines))


def _add_with_phones(archive: Archive, numbers: range) -> list[str]:
    codes = []
    for n in numbers:
        code = make_code(n)
        values = {"credit_code": code, "name": f"蓝山县测试{n}号有限公司", "phone": "0746-1234567"}
        add_enterprise(archive, values)
        codes.append(code)
    return codes


def _hand_edit_index(root: Path, edit) -> Path:
    """Edit the register's part of the index in place, as {"enterprises": records}."""
    path = part_path(root, "enterprises")
    data = {"enterprises": json.loads(path.read_text(encoding="utf-8"))}
    edit(data)
    path.write_text(json.dumps(data["enterprises"], ensure_ascii=False), encoding="utf-8")
    return path


INDEX_GONE = {
    "missing": lambda root: shutil.rmtree(root / "index"),
    "damaged": lambda root: (root / INDEX_FILE).write_bytes(b"{{{{"),
    "hand_edited": lambda root: _hand_edit_index(root, lambda data: None),
    "part_missing": lambda root: part_path(root, "enterprises").unlink(),
}


@pytest.mark.parametrize("gone", _first_fast(INDEX_GONE))
def test_automatic_rebuild_refuses_a_line_whose_hash_is_wrong(tmp_path: Path, gone: str) -> None:
    archive = new_archive(tmp_path)
    codes = _add_with_phones(archive, range(1, 4))  # lines 2–4
    root = archive.root
    _tamper_line(root, 3)
    INDEX_GONE[gone](root)
    index_before = (root / INDEX_FILE).read_bytes() if (root / INDEX_FILE).exists() else None
    parts_before = sorted((root / "index").rglob("*")) if (root / "index").exists() else None

    for args in (("enterprise", "list", "--json"), ("enterprise", "show", codes[1])):
        result = credit(*args, archive=root)
        assert result.returncode == 4, result.stderr
        assert "第 3 行" in result.stderr and "哈希" in result.stderr, result.stderr
        assert "0746-9999999" not in result.stdout
        assert "已根据日志重建" not in result.stderr  # no claim of a rebuild that did not happen
    added = credit("enterprise", "add", make_code(9), "--name", "戊", archive=root)
    assert added.returncode == 4, added.stderr
    assert "第 3 行" in added.stderr
    # Nothing was written from the tampered journal.
    now = (root / INDEX_FILE).read_bytes() if (root / INDEX_FILE).exists() else None
    assert now == index_before
    assert (sorted((root / "index").rglob("*")) if (root / "index").exists() else None) == (
        parts_before
    )
    assert len(journal_lines(root)) == 4

    # The same refusal, with the same line, as `credit reindex` and the library give.
    reindex = credit("reindex", archive=root)
    assert reindex.returncode == 4 and "第 3 行" in reindex.stderr, reindex.stderr
    with pytest.raises(JournalCorrupt, match="第 3 行"):
        list_enterprises(Archive.open(root), status=None)  # parts are read as they are used


def test_replaying_the_journal_tail_checks_each_hash(tmp_path: Path) -> None:
    """The index (as credit wrote it) is behind the journal; a tail line was edited."""
    archive = new_archive(tmp_path)
    _add_with_phones(archive, range(1, 3))
    root = archive.root
    behind = (root / INDEX_FILE).read_bytes()
    _add_with_phones(archive, range(3, 5))  # lines 4–5
    # as if the last two index writes never happened (the files that head names are kept an hour)
    (root / INDEX_FILE).write_bytes(behind)
    assert listed_codes(root) == {make_code(n) for n in range(1, 5)}
    _tamper_line(root, 5)

    result = credit("enterprise", "list", "--json", archive=root)
    assert result.returncode == 4, result.stderr
    assert "第 5 行" in result.stderr, result.stderr
    assert "0746-9999999" not in result.stdout


# -- 9. the index file is the one credit wrote (issue 8, items 8, 9, 11) -------------------------


def test_index_write_failing_after_the_journal_commit_reports_success(tmp_path: Path) -> None:
    """A full disk when index.json is written: the change is in the journal, so it is done."""
    root = new_archive(tmp_path).root
    assert credit("enterprise", "add", make_code(1), "--name", "甲", archive=root).returncode == 0
    index_before = (root / INDEX_FILE).read_bytes()

    victim = make_code(2)
    result = credit(
        "enterprise", "add", victim, "--name", "磁盘满时登记的单位",
        archive=root, env=child_env(CREDIT_FAULT="index.disk_full"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "已登记" in result.stderr
    assert "警告" in result.stderr and "未能更新" in result.stderr, result.stderr
    assert "磁盘已满" in result.stderr  # in Chinese, not "No space left on device"
    assert not temp_files(root)  # the half-written temp file is gone
    assert (root / INDEX_FILE).read_bytes() == index_before  # the old index, still trusted

    # The change counts: it is listed (the journal tail is replayed), quietly.
    listed = credit("enterprise", "list", "--json", archive=root)
    assert listed.returncode == 0 and listed.stderr == "", listed.stderr
    assert victim in {row["credit_code"] for row in json.loads(listed.stdout)}
    retry = credit("enterprise", "add", victim, "--name", "磁盘满时登记的单位", archive=root)
    assert retry.returncode != 0 and "已在名册中" in retry.stderr, retry.stderr
    verified = credit("audit", "verify", archive=root)
    assert verified.returncode == 0, verified.stderr
    assert "还没有最后 1 条事件" in verified.stderr

    assert credit("enterprise", "add", make_code(3), "--name", "丙", archive=root).returncode == 0
    assert_index_is_rebuild(root)
    added = [
        e for e in Archive.open(root).journal.iter_entries() if e["type"] == "enterprise.added"
    ]
    assert [e["data"]["credit_code"] for e in added] == [make_code(1), victim, make_code(3)]


def test_journal_write_failing_leaves_nothing_half_done(tmp_path: Path) -> None:
    root = new_archive(tmp_path).root
    journal_before = (root / JOURNAL_FILE).read_bytes()
    result = credit(
        "enterprise", "add", make_code(1), "--name", "甲",
        archive=root, env=child_env(CREDIT_FAULT="journal.disk_full"),
    )  # fmt: skip
    assert result.returncode == 4, result.stderr
    assert "磁盘已满" in result.stderr and "没有完成" in result.stderr, result.stderr
    assert "已登记" not in result.stderr
    assert (root / JOURNAL_FILE).read_bytes() == journal_before  # the half line was cut off
    assert listed_codes(root) == set()
    again = credit("enterprise", "add", make_code(1), "--name", "甲", archive=root)
    assert again.returncode == 0, again.stderr
    assert "警告" not in again.stderr  # no torn tail to set aside
    assert_index_is_rebuild(root)


def test_reindex_on_a_full_disk_leaves_the_index_as_it_was(tmp_path: Path) -> None:
    archive = new_archive(tmp_path)
    add_codes(archive, range(1, 3))
    root = archive.root
    before = (root / INDEX_FILE).read_bytes(), index_bytes(root)
    result = credit("reindex", archive=root, env=child_env(CREDIT_FAULT="index.disk_full"))
    assert result.returncode == 4, result.stderr
    assert "磁盘已满" in result.stderr and "未被改动" in result.stderr, result.stderr
    assert ((root / INDEX_FILE).read_bytes(), index_bytes(root)) == before
    assert not temp_files(root)
    assert credit("audit", "verify", archive=root).returncode == 0


def test_a_failed_index_write_in_the_library_keeps_the_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same through the library, with the write itself failing (not the fault hook)."""
    archive = new_archive(tmp_path)
    root = archive.root
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if Path(f"/proc/self/fd/{fd}").exists() and ".tmp" in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    record = add_enterprise(archive, {"credit_code": make_code(1), "name": "甲"})
    monkeypatch.undo()
    assert record["credit_code"] == make_code(1)
    assert any("未能更新" in warning for warning in archive.warnings), archive.warnings
    assert not temp_files(root)
    with pytest.raises(CreditError, match="已在名册中"):
        add_enterprise(archive, {"credit_code": make_code(1), "name": "甲"})
    reopened = Archive.open(root)
    assert {row["credit_code"] for row in list_enterprises(reopened, status=None)} == {make_code(1)}
    assert reopened.warnings == []


def test_hand_edited_index_is_caught_and_cannot_cause_a_second_add(tmp_path: Path) -> None:
    archive = new_archive(tmp_path)
    codes = _add_with_phones(archive, range(1, 4))
    root = archive.root
    deleted = codes[1]
    _hand_edit_index(root, lambda data: data["enterprises"].pop(deleted))

    verified = credit("audit", "verify", "--json", archive=root)
    assert verified.returncode == 4, verified.stderr
    report = json.loads(verified.stdout)
    assert report["ok"] is False and report["reason"] == "index_differs"
    assert {"table": "enterprises", "key": deleted, "change": "missing", "fields": []} in report[
        "index"
    ]["differences"]
    assert deleted in report["message"]
    text = credit("audit", "verify", archive=root)
    assert text.returncode == 4
    assert deleted in text.stderr and "一致" in text.stderr and "不一致" in text.stderr

    # Whatever the index says, the journal's state decides: the code is registered.
    again = credit("enterprise", "add", deleted, "--name", "重复登记", archive=root)
    assert again.returncode == 1, again.stderr
    assert "已在名册中" in again.stderr
    assert "被改动" in again.stderr and "重建" in again.stderr
    added = [
        e for e in Archive.open(root).journal.iter_entries() if e["type"] == "enterprise.added"
    ]
    assert [e["data"]["credit_code"] for e in added].count(deleted) == 1
    assert deleted in listed_codes(root)

    # The next write puts the journal's view back; verify is content again.
    assert credit("enterprise", "add", make_code(9), "--name", "丁", archive=root).returncode == 0
    assert credit("audit", "verify", archive=root).returncode == 0
    assert_index_is_rebuild(root)


def test_hand_edited_field_is_named_and_never_served(tmp_path: Path) -> None:
    archive = new_archive(tmp_path)
    codes = _add_with_phones(archive, range(1, 3))
    root = archive.root
    _hand_edit_index(root, lambda data: data["enterprises"][codes[0]].update(phone="110"))

    report = verify_archive(Archive.open(root))
    assert report["ok"] is False
    assert report["index"]["differences"] == [
        {"table": "enterprises", "key": codes[0], "change": "changed", "fields": ["phone"]}
    ]
    assert "phone" in report["summary"] and codes[0] in report["summary"]
    shown = credit("enterprise", "show", codes[0], "--json", archive=root)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["phone"] == "0746-1234567"
    assert "重建" in shown.stderr and "写回了 1 个分片文件" in shown.stderr, shown.stderr
    assert verify_archive(Archive.open(root))["ok"] is True  # the file was written back
    again = credit("enterprise", "show", codes[0], "--json", archive=root)
    assert again.returncode == 0 and again.stderr == "", again.stderr


def test_forged_head_does_not_fool_audit_verify(tmp_path: Path) -> None:
    """Someone edits a part and writes a head with its hash: every command trusts it, but
    audit verify compares with the journal's view and names the record."""
    from archive.index import dumps, parse_head

    archive = new_archive(tmp_path)
    codes = add_codes(archive, range(1, 3))
    root = archive.root
    path = _hand_edit_index(root, lambda data: data["enterprises"].pop(codes[0]))
    head = json.loads((root / INDEX_FILE).read_bytes())
    head["parts"]["enterprises"] = hashlib.sha256(path.read_bytes()).hexdigest()
    path.rename(path.parent / part_file("enterprises", head["parts"]["enterprises"]))
    del head["sha256"]
    head["sha256"] = hashlib.sha256(dumps(head)).hexdigest()
    (root / INDEX_FILE).write_bytes(dumps(head))
    parse_head((root / INDEX_FILE).read_bytes())  # a head as credit writes it
    assert codes[0] not in listed_codes(root)  # served: the forgery is complete
    result = credit("audit", "verify", archive=root)
    assert result.returncode == 4, result.stderr
    assert codes[0] in result.stderr


def test_restored_index_is_trusted_by_its_content(tmp_path: Path) -> None:
    """A copy of the same index (a restored backup: new inodes, new mtimes) is not 'altered'."""
    archive = new_archive(tmp_path)
    codes = set(add_codes(archive, range(1, 3)))
    root = archive.root
    shutil.copytree(root / "index", tmp_path / "backup")
    shutil.rmtree(root / "index")
    (tmp_path / "backup").rename(root / "index")
    result = credit("enterprise", "list", "--json", archive=root)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert {row["credit_code"] for row in json.loads(result.stdout)} == codes
    assert credit("audit", "verify", archive=root).returncode == 0


def test_a_command_reads_only_the_parts_it_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The register alone for a list; a transaction rewrites only the parts it changed."""
    from archive.index import PartSource

    archive = new_archive(tmp_path)
    add_codes(archive, range(1, 40))
    root = archive.root
    read: list[str] = []
    real_load = PartSource.load

    def load(self, part: str):
        read.append(part)
        return real_load(self, part)

    monkeypatch.setattr(PartSource, "load", load)
    reopened = Archive.open(root)
    assert len(list_enterprises(reopened, status=None)) == 39
    assert read == ["enterprises"] and reopened.warnings == []
    before = {path.name for path in (root / "index" / "parts").iterdir()}
    add_codes(reopened, [40])  # a transaction reuses what it read
    after = {path.name for path in (root / "index" / "parts").iterdir()}
    new = sorted(after - before)
    assert [name.split(".")[0] for name in new] == [
        "enterprise_log~" + bucket(make_code(40)),
        "enterprises",
    ]
    assert before <= after  # the files the previous head named stay for late readers


OLD_LAYOUT = Path(__file__).parent / "data" / "journal_v1"  # index.json, before issue 14


def old_layout_archive(tmp_path: Path) -> Path:
    """An archive as credit wrote it before the index was split: one index.json."""
    root = tmp_path / "旧档案"
    root.mkdir()
    for name in ("credit.toml", "journal.jsonl", "index.json"):
        shutil.copy(OLD_LAYOUT / name, root / name)
    return root


def old_layout_codes() -> set[str]:
    """The codes `enterprise list` shows (those in the register, not closed)."""
    register = json.loads((OLD_LAYOUT / "index.json").read_bytes())["enterprises"]
    return {code for code, record in register.items() if record["status"] != "closed"}


def test_an_old_layout_archive_is_upgraded_by_its_first_command(tmp_path: Path) -> None:
    """The first command, even one that only reads, rebuilds the index from the checked journal,
    writes it as parts and says so; index.json goes; later commands are quiet."""
    root = old_layout_archive(tmp_path)
    journal = (root / JOURNAL_FILE).read_bytes()
    first = credit("enterprise", "list", "--json", archive=root)
    assert first.returncode == 0, first.stderr
    assert "index.json" in first.stderr and "升级" in first.stderr, first.stderr
    assert {row["credit_code"] for row in json.loads(first.stdout)} == old_layout_codes()
    assert (root / INDEX_FILE).exists() and not (root / "index.json").exists()
    again = credit("enterprise", "list", "--json", archive=root)
    assert again.returncode == 0 and again.stderr == "", again.stderr
    assert {row["credit_code"] for row in json.loads(again.stdout)} == old_layout_codes()
    assert credit("audit", "verify", archive=root).returncode == 0
    assert (root / JOURNAL_FILE).read_bytes() == journal  # the journal is read as it is
    assert_index_is_rebuild(root)


def test_an_old_layout_archive_is_upgraded_by_reindex(tmp_path: Path) -> None:
    root = old_layout_archive(tmp_path)
    result = credit("reindex", archive=root)
    assert result.returncode == 0, result.stderr
    assert (root / INDEX_FILE).exists() and not (root / "index.json").exists()
    assert listed_codes(root) == old_layout_codes()


def test_an_old_layout_archive_read_while_another_process_writes_is_upgraded_later(
    tmp_path: Path,
) -> None:
    root = old_layout_archive(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root)],
        env=child_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        reader = Archive.open(root, lock_timeout=0.2)
        rows = list_enterprises(reader, status=None)
        codes = {row["credit_code"] for row in rows if row["status"] != "closed"}
        assert codes == old_layout_codes()  # read, not refused
        assert not (root / INDEX_FILE).exists() and (root / "index.json").exists()
    finally:
        holder.kill()
        holder.wait()
    assert credit("enterprise", "list", "--json", archive=root).returncode == 0
    assert (root / INDEX_FILE).exists() and not (root / "index.json").exists()


VERIFY_STATES = {
    # name: (damage, exit code, words that must be there, words that must not)
    "intact": (lambda root: None, 0, ["日志完好", "索引与日志一致"], ["损坏", "不存在", "不一致"]),
    "missing": (
        lambda root: shutil.rmtree(root / "index"),
        0,
        ["日志完好", "不存在"],
        ["索引与日志一致", "损坏"],
    ),
    "damaged": (
        lambda root: (root / INDEX_FILE).write_bytes(b"\x00 not json"),
        4,
        ["日志完好", "已损坏", "credit reindex"],
        ["索引与日志一致", "不存在"],
    ),
    "hand_edited": (
        lambda root: _hand_edit_index(root, lambda data: data["enterprises"].clear()),
        4,
        ["日志完好", "不一致", "credit reindex"],
        ["索引与日志一致", "损坏"],
    ),
}


@pytest.mark.parametrize("state", _first_fast(VERIFY_STATES))
def test_audit_verify_says_one_true_thing(tmp_path: Path, state: str) -> None:
    damage, code, present, absent = VERIFY_STATES[state]
    archive = new_archive(tmp_path)
    add_codes(archive, range(1, 3))
    root = archive.root
    damage(root)
    result = credit("audit", "verify", archive=root)
    assert result.returncode == code, result.stderr
    for words in present:
        assert words in result.stderr, (words, result.stderr)
    for words in absent:
        assert words not in result.stderr, (words, result.stderr)
    assert result.stderr.count("日志完好") == 1
    english = credit("--lang", "en", "audit", "verify", "--json", archive=root)
    assert english.returncode == code
    report = json.loads(english.stdout)
    assert report["ok"] is (code == 0)
    assert report["summary"].startswith("Journal intact")
    summary = report["summary"].replace(str(root), "")  # the folder's name is Chinese
    assert not re.search(r"[\u4e00-\u9fff]", summary), report["summary"]


FIELD_VALUES = st.one_of(
    st.text(max_size=20),
    st.integers(),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
)


@pytest.mark.slow
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    which=st.integers(min_value=0, max_value=2),
    edit=st.sampled_from(["drop", "set", "remove_field", "add_record"]),
    field=st.sampled_from(["name", "phone", "status", "history", "extra"]),
    value=FIELD_VALUES,
)
def test_any_hand_edit_of_a_record_is_never_served_and_is_named(
    tmp_path: Path, which: int, edit: str, field: str, value: object
) -> None:
    root = tmp_path / f"a{os.urandom(4).hex()}"
    archive = init_archive(root, actor="测试")
    codes = _add_with_phones(archive, range(1, 4))
    code = codes[which] if edit != "add_record" else make_code(50 + which)
    path = part_path(root, "enterprises")
    data = {"enterprises": json.loads(path.read_text(encoding="utf-8"))}
    records = data["enterprises"]
    if edit == "drop":
        del records[code]
    elif edit == "set":
        records[code][field] = value
    elif edit == "remove_field":
        records[code].pop(field, None)
    else:
        records[code] = {"credit_code": code, "name": "凭空多出的单位", field: value}
    if {"enterprises": json.loads(path.read_text(encoding="utf-8"))} == data:
        return  # the edit changed nothing (same value, or a field that was not there)
    path.write_text(json.dumps(data["enterprises"], ensure_ascii=False), encoding="utf-8")

    report = verify_archive(Archive.open(root))
    assert report["ok"] is False and report["reason"] == "index_differs", report
    assert [item["key"] for item in report["index"]["differences"]] == [code]
    assert code in report["summary"]
    reopened = Archive.open(root)
    served = {row["credit_code"]: row for row in list_enterprises(reopened, status=None)}
    assert set(served) == set(codes)
    assert all(served[c]["phone"] == "0746-1234567" for c in codes)
    assert any("重建" in warning for warning in reopened.warnings)
    with pytest.raises(CreditError, match="已在名册中"):
        add_enterprise(reopened, {"credit_code": codes[which], "name": "重复登记"})
