"""The archive survives what a shared folder does to it: concurrent writers, crashes at each
write step, kill -9 at random moments, stuck locks, tampering, a broken index, no archive.

Everything here runs real processes (``python -m cli`` or a small ``python -c`` script) on a
real folder, because locks, fsync and SIGKILL cannot be faked in-process.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive import faults
from archive.audit import verify_archive
from archive.enterprises import add_enterprise, list_enterprises
from archive.journal import canonical, entry_hash
from archive.store import INDEX_FILE, JOURNAL_FILE, Archive
from tests.helpers import make_code, new_archive

REPO = Path(__file__).resolve().parents[1]
CREDIT_VARIABLES = (
    "CREDIT_ARCHIVE",
    "CREDIT_LANG",
    "CREDIT_USER",
    "CREDIT_LOCK_TIMEOUT",
    "CREDIT_FAULT",
)


# -- running things ------------------------------------------------------------------------------


def child_env(**extra: str) -> dict[str, str]:
    """A copy of the environment without the developer's archive/user/language, plus ``extra``."""
    env = {key: value for key, value in os.environ.items() if key not in CREDIT_VARIABLES}
    env["CREDIT_NO_PROGRESS"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(REPO), os.environ.get("PYTHONPATH", "")) if part
    )
    env.update(extra)
    return env


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
    """``index.json`` as the writers left it is byte for byte what a rebuild from the journal gives."""
    before = (root / INDEX_FILE).read_bytes()
    Archive.open(root).rebuild_index()
    assert (root / INDEX_FILE).read_bytes() == before


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
    assert not list(archive.root.glob(".index.json.*.tmp"))
    assert_index_is_rebuild(archive.root)


# -- 2. a crash at each step of a write --------------------------------------------------------


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
    assert not list(root.glob(".index.json.*.tmp"))  # temp files of the crash are cleaned
    assert_index_is_rebuild(root)


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

    journal = position("fsync", lambda p: p == root / JOURNAL_FILE)
    temp = position("fsync", lambda p: p.name.startswith(f".{INDEX_FILE}.") and p.suffix == ".tmp")
    replaced = position("replace", lambda p: p == root / INDEX_FILE)
    folder = max(i for i, (k, path) in enumerate(calls) if k == "fsync" and Path(path) == root)
    assert journal < temp < replaced < folder, calls


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
        out, err = child.communicate(timeout=30)
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
    assert not list(root.glob(".index.json.*.tmp"))
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


@pytest.mark.parametrize("name", list(TAMPERINGS))
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
}


@pytest.mark.parametrize("damage", list(INDEX_DAMAGE))
def test_broken_index_is_rebuilt_from_the_journal(tmp_path: Path, damage: str) -> None:
    archive = new_archive(tmp_path)
    codes = set(add_codes(archive, range(1, 4)))
    root = archive.root
    good = (root / INDEX_FILE).read_bytes()
    (root / INDEX_FILE).write_bytes(INDEX_DAMAGE[damage](good))

    result = credit("enterprise", "list", "--json", archive=root)
    assert result.returncode == 0, result.stderr
    assert {row["credit_code"] for row in json.loads(result.stdout)} == codes
    assert "索引" in result.stderr and "重建" in result.stderr, result.stderr

    first = credit("reindex", archive=root)
    assert first.returncode == 0, first.stderr
    rebuilt = (root / INDEX_FILE).read_bytes()
    second = credit("reindex", archive=root)
    assert second.returncode == 0, second.stderr
    assert (root / INDEX_FILE).read_bytes() == rebuilt
    assert rebuilt == good  # the writers' index is exactly the journal's view
    assert credit("audit", "verify", archive=root).returncode == 0


def test_broken_index_is_repaired_by_the_next_write(tmp_path: Path) -> None:
    archive = new_archive(tmp_path)
    codes = set(add_codes(archive, range(1, 4)))
    root = archive.root
    (root / INDEX_FILE).write_bytes(b"{{{{")
    result = credit("enterprise", "add", make_code(4), "--name", "丁", archive=root)
    assert result.returncode == 0, result.stderr
    assert "索引" in result.stderr
    assert listed_codes(root) == {*codes, make_code(4)}
    assert_index_is_rebuild(root)


def test_deleted_index_is_rebuilt(tmp_path: Path) -> None:
    archive = new_archive(tmp_path)
    codes = set(add_codes(archive, range(1, 4)))
    root = archive.root
    good = (root / INDEX_FILE).read_bytes()
    (root / INDEX_FILE).unlink()

    result = credit("enterprise", "list", "--json", archive=root)
    assert result.returncode == 0, result.stderr
    assert {row["credit_code"] for row in json.loads(result.stdout)} == codes
    assert "索引" in result.stderr, result.stderr
    assert credit("audit", "verify", archive=root).returncode == 0

    assert credit("reindex", archive=root).returncode == 0
    assert (root / INDEX_FILE).read_bytes() == good


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
