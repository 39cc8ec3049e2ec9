"""Letter batches against each other and against interruptions (issue 8, items 1–3).

Two batches at once, a batch killed (kill -9) or interrupted (Ctrl-C), a name too long for a
file name, one letter failing among many: real processes where the point is processes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import enterprises
from archive.letters import issue
from archive.store import Archive, init_archive
from tests.conftest import invoke
from tests.helpers import make_code

REPO = Path(__file__).resolve().parent.parent
CREDIT_VARIABLES = ("CREDIT_ARCHIVE", "CREDIT_LANG", "CREDIT_USER", "CREDIT_LOCK_TIMEOUT")


def _child_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in CREDIT_VARIABLES}
    env.update(CREDIT_NO_PROGRESS="1", PYTHONIOENCODING="utf-8", PYTHONUNBUFFERED="1")
    env["CREDIT_LOCK_TIMEOUT"] = "120"  # two batches on a busy machine wait for each other
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(REPO), os.environ.get("PYTHONPATH", "")) if part
    )
    return env


def _interruptible() -> None:
    """In the child: Ctrl-C as a terminal gives it.  A job a non-interactive shell runs in the
    background inherits SIGINT ignored, and Python then never raises KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(root: Path, *args: str) -> subprocess.Popen[str]:
    """``python -m cli --archive root args…`` started, not waited for."""
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "--archive", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=_child_env(),
        cwd=REPO,
        preexec_fn=_interruptible,
    )


def _register(root: Path, count: int, start: int = 7000) -> list[str]:
    archive = Archive.open(root)
    codes = []
    for n in range(count):
        code = make_code(start + n)
        enterprises.add_enterprise(
            archive, {"credit_code": code, "name": f"蓝山县第{n}号矿业有限公司"}
        )
        codes.append(code)
    return codes


def _issued_events(root: Path) -> list[dict[str, Any]]:
    lines = (root / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines if line.strip()]
    return [entry["data"] for entry in entries if entry["type"] == "letter.issued"]


def _events(root: Path, event_type: str) -> list[dict[str, Any]]:
    lines = (root / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines if line.strip()]
    return [entry["data"] for entry in entries if entry["type"] == event_type]


def _recorded_files(root: Path) -> set[Path]:
    return {(root / data["file"]).resolve() for data in _issued_events(root)}


def _visible_letters(out: Path) -> set[Path]:
    return {path.resolve() for path in out.glob("*.docx")}


def _staging_folders(out: Path) -> list[Path]:
    return sorted(out.glob(f"{issue.STAGING_PREFIX}*"))


# -- 1. two batches at once --------------------------------------------------------------------


@pytest.mark.slow
def test_two_batches_started_together_issue_each_letter_once(tmp_path: Path) -> None:
    root = init_archive(tmp_path / "档案", actor="测试").root
    codes = _register(root, 25)
    out = tmp_path / "out"
    for year in (2026, 2027, 2028):  # several rounds: the race is not won by luck
        args = ("gen-commitment", "--all", "--year", str(year), "--out", str(out), "--json")
        children = [_start(root, *args), _start(root, *args)]
        results = [child.communicate(timeout=300) for child in children]
        rows = [json.loads(stdout)["letters"] for stdout, _stderr in results]
        for child, batch, (_stdout, stderr) in zip(children, rows, results, strict=True):
            # Letters the other batch was still making are not confirmed: exit 3, not 0.
            waiting = any(row["status"] == "in_progress" for row in batch)
            assert child.returncode == (3 if waiting else 0), stderr
        issued = Counter(
            row["credit_code"] for batch in rows for row in batch if row["status"] == "issued"
        )
        assert issued == Counter(codes), year  # each enterprise once, by one of the two
        for batch in rows:
            for row in batch:
                assert row["status"] in ("issued", "already_issued", "in_progress"), row
                if row["status"] != "issued":
                    assert row["serial"] and row["reason"], row
        serials = [data["serial"] for data in _issued_events(root) if data["year"] == year]
        keys = [data["key"] for data in _issued_events(root) if data["year"] == year]
        assert len(serials) == len(set(serials)) == len(set(keys)) == 25, year
        assert _visible_letters(out) == _recorded_files(root)
        assert not _staging_folders(out)
    index = Archive.open(root).index()
    assert not index.table(issue.RESERVED_TABLE).ids()
    assert not index.table(issue.RUNS_TABLE).ids()


def test_a_live_batchs_reservations_are_reported_as_in_progress(
    archive_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While one batch renders, another sees its letters as in progress, not as free."""
    codes = _register(archive_dir, 2)
    archive = Archive.open(archive_dir)
    seen: list[list[tuple[str, str | None]]] = []
    real_make = issue._make_letters

    def make_and_look(*args: Any, **kwargs: Any) -> None:
        other = Archive.open(archive_dir)
        requests = issue.commitment_requests(
            other, enterprises.list_enterprises(other), levels=["unit"], year=2026
        )
        issue.issue_letters(other, requests, out_dir=tmp_path / "other")
        seen.append([(request.status, request.reason) for request in requests])
        real_make(*args, **kwargs)

    monkeypatch.setattr(issue, "_make_letters", make_and_look)
    requests = issue.commitment_requests(
        archive, enterprises.list_enterprises(archive), levels=["unit"], year=2026
    )
    report = issue.issue_letters(archive, requests, out_dir=tmp_path / "out")
    assert [request.status for request in report.letters] == ["issued", "issued"]
    assert [status for status, _reason in seen[0]] == ["in_progress"] * 2
    assert all("另一个 credit 进程" in (reason or "") for _status, reason in seen[0])
    assert all("尚未发出" in (reason or "") for _status, reason in seen[0])
    assert not (tmp_path / "other").exists() or not list((tmp_path / "other").glob("*.docx"))
    assert sorted(data["credit_code"] for data in _issued_events(archive_dir)) == sorted(codes)


# -- 2. killed or interrupted batches ----------------------------------------------------------


def _wait_for_rendered(out: Path, child: subprocess.Popen[str], count: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if len(list(out.rglob("*.docx"))) >= count:
            return
        if child.poll() is not None:
            pytest.fail(f"the batch ended before it was stopped: {child.stderr.read()}")
        time.sleep(0.01)
    pytest.fail("the batch rendered nothing in two minutes")


@pytest.mark.slow
@pytest.mark.parametrize(
    "stop", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM], ids=["kill-9", "ctrl-c", "sigterm"]
)
def test_a_stopped_batch_leaves_no_unrecorded_letters(tmp_path: Path, stop: int) -> None:
    root = init_archive(tmp_path / "档案", actor="测试").root
    # Enough letters that the stop reaches the batch while it is still rendering, even on a
    # busy machine (with 40, a loaded CI once rendered them all before the signal came).
    codes = _register(root, 120)
    out = tmp_path / "out"
    args = ("gen-commitment", "--all", "--year", "2026", "--out", str(out), "--json")
    child = _start(root, *args)
    _wait_for_rendered(out, child, 5)
    child.send_signal(stop)
    child.communicate(timeout=60)
    assert child.returncode != 0
    # Nothing numbered lies in out/ that no letter.issued records.
    assert _visible_letters(out) <= _recorded_files(root)
    if stop != signal.SIGKILL:  # an interrupted batch cleans up after itself at once
        assert child.returncode == 130  # SIGTERM is handled as Ctrl-C is
        assert not _staging_folders(out)

    again = _start(root, *args)
    stdout, stderr = again.communicate(timeout=300)
    assert again.returncode == 0, stderr
    if stop == signal.SIGKILL:  # the numbers the dead batch held are named as void
        journal = (root / "journal.jsonl").read_text(encoding="utf-8").splitlines()
        released = [json.loads(line) for line in journal if '"letters.released"' in line]
        void = [i["serial"] for e in released for i in e["data"]["letters"] if i.get("serial")]
        assert void and "已作废" in stderr and void[0] in stderr
    rows = json.loads(stdout)["letters"]
    assert Counter(row["credit_code"] for row in rows) == Counter(codes)
    assert not _staging_folders(out)  # what the dead batch left is gone
    assert _visible_letters(out) == _recorded_files(root)
    assert not [path for path in out.glob("*_2.docx")]  # no stale letter beside the real one
    issued = Counter(data["credit_code"] for data in _issued_events(root))
    assert issued == Counter(codes)  # each enterprise has exactly one letter
    index = Archive.open(root).index()
    assert not index.table(issue.RESERVED_TABLE).ids()
    assert not index.table(issue.RUNS_TABLE).ids()


def test_letters_recorded_before_a_kill_are_moved_into_place_by_the_next_batch(
    archive_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after the commit, before the files moved: the next batch puts them in place."""
    codes = _register(archive_dir, 3)
    out = tmp_path / "out"
    archive = Archive.open(archive_dir)

    def die(self: issue._Run) -> None:  # as kill -9 would: no cleanup, the lock released
        os.close(self._lock_fd)

    with monkeypatch.context() as patch:
        patch.setattr(issue, "_move_into_place", lambda staged, target: None)
        patch.setattr(issue._Run, "finish", die)
        requests = issue.commitment_requests(
            archive, enterprises.list_enterprises(archive), levels=["unit"], year=2026
        )
        issue.issue_letters(archive, requests, out_dir=out)
    assert not _visible_letters(out) and len(_staging_folders(out)) == 1
    recorded = _recorded_files(archive_dir)
    assert len(recorded) == 3

    archive = Archive.open(archive_dir)
    more = issue.commitment_requests(
        archive, enterprises.list_enterprises(archive), levels=["unit"], year=2027
    )
    issue.issue_letters(archive, more, out_dir=out)
    assert recorded <= _visible_letters(out) == _recorded_files(archive_dir)
    assert not _staging_folders(out)
    assert sorted(data["credit_code"] for data in _issued_events(archive_dir)) == sorted(codes * 2)


def test_a_live_batchs_staging_folder_is_left_alone(archive_dir: Path, tmp_path: Path) -> None:
    _register(archive_dir, 1)
    out = tmp_path / "out"
    out.mkdir()
    archive = Archive.open(archive_dir)
    live = issue._Run.start(archive, out)  # another batch, still running in this process
    (live.staging / "abc.docx").write_bytes(b"being written")
    dead = out / f"{issue.STAGING_PREFIX}dead"
    dead.mkdir()
    (dead / issue.RUN_LOCK).write_bytes(b"")
    (dead / "0123.docx").write_bytes(b"left by a killed batch")
    try:
        requests = issue.commitment_requests(
            archive, enterprises.list_enterprises(archive), levels=["unit"], year=2026
        )
        issue.issue_letters(archive, requests, out_dir=out)
        assert (live.staging / "abc.docx").read_bytes() == b"being written"
        assert not dead.exists()
    finally:
        live.finish()
    assert not live.staging.exists()


# -- 3. file names and failures of single letters ----------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    name=st.text(min_size=1, max_size=300),
    title=st.text(min_size=1, max_size=80),
    number=st.integers(min_value=1, max_value=10_000),
)
def test_letter_file_names_fit_255_bytes(name: str, title: str, number: int) -> None:
    code = make_code(number)
    filename = issue.letter_filename(name, title, credit_code=code, number=number)
    assert len(filename.encode("utf-8")) <= issue.NAME_MAX
    assert filename.startswith(f"{code}_") and filename.endswith(".docx")
    if number > 1:
        assert filename.endswith(f"_{number}.docx")
    assert "/" not in filename and "\x00" not in filename


def test_a_200_character_name_gets_its_letter(runner, archive_dir: Path, tmp_path: Path) -> None:
    long_name = "蓝山县" + "很长的名字" * 39 + "有限公司"  # 202 characters, 606 bytes
    archive = Archive.open(archive_dir)
    codes = [make_code(1), make_code(2)]
    enterprises.add_enterprise(archive, {"credit_code": codes[0], "name": long_name})
    enterprises.add_enterprise(archive, {"credit_code": codes[1], "name": "蓝山县乙有限公司"})
    out = tmp_path / "out"
    result = invoke(
        runner, "gen-commitment", "--all", "--out", str(out), "--json", archive=archive_dir
    )
    assert result.exit_code == 0, result.stderr
    letters = {row["credit_code"]: row for row in json.loads(result.stdout)["letters"]}
    assert {row["status"] for row in letters.values()} == {"issued"}
    path = Path(letters[codes[0]]["file"])
    assert path.is_file() and len(path.name.encode("utf-8")) <= 255
    assert path.name.startswith(f"{codes[0]}_蓝山县很长的名字")
    assert path.name.endswith("_安全生产承诺书（单位）.docx")  # the title stays whole
    # The same letter again (--reissue) gets a _2 name that fits as well.
    again = invoke(
        runner, "gen-commitment", codes[0], "--reissue", "--out", str(out), "--json",
        archive=archive_dir,
    )  # fmt: skip
    assert again.exit_code == 0, again.stderr
    second = Path(json.loads(again.stdout)["letters"][0]["file"])
    assert second.is_file() and second != path and second.name.endswith("_2.docx")
    assert len(second.name.encode("utf-8")) <= 255


def test_one_letter_failing_does_not_stop_the_batch(
    runner, archive_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    codes = _register(archive_dir, 4)
    real_render = issue._render_to_file

    def render(args: tuple) -> tuple[str | None, bool]:
        if args[4] == codes[1]:  # credit_code
            return "磁盘出错（测试）", False
        return real_render(args)

    monkeypatch.setattr(issue, "_render_to_file", render)
    out = tmp_path / "out"
    result = invoke(
        runner, "gen-commitment", "--all", "--out", str(out), "--json", archive=archive_dir
    )
    assert result.exit_code == 3, result.stderr
    rows = {row["credit_code"]: row for row in json.loads(result.stdout)["letters"]}
    assert rows[codes[1]]["status"] == "failed"
    assert "磁盘出错（测试）" in rows[codes[1]]["reason"]
    assert {rows[code]["status"] for code in codes if code != codes[1]} == {"issued"}
    assert "磁盘出错（测试）" in result.stderr
    # The three good letters are recorded; the failed one is released with its reason.
    assert sorted(data["credit_code"] for data in _issued_events(archive_dir)) == sorted(
        code for code in codes if code != codes[1]
    )
    released = _events(archive_dir, "letters.released")
    assert [letter["serial"] for letter in released[-1]["letters"]] == [rows[codes[1]]["serial"]]
    assert _visible_letters(out) == _recorded_files(archive_dir)
    assert not _staging_folders(out)

    monkeypatch.setattr(issue, "_render_to_file", real_render)
    again = invoke(
        runner, "gen-commitment", "--all", "--out", str(out), "--json", archive=archive_dir
    )
    assert again.exit_code == 0, again.stderr
    rows = {row["credit_code"]: row for row in json.loads(again.stdout)["letters"]}
    assert rows[codes[1]]["status"] == "issued"
    assert Counter(row["status"] for row in rows.values()) == {"issued": 1, "already_issued": 3}


def test_a_bad_character_in_one_enterprise_fails_only_its_letter(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    """A record that a .docx cannot hold (written by an older version) fails its own row."""
    codes = _register(archive_dir, 3)
    archive = Archive.open(archive_dir)
    with archive.transaction() as tx:  # as an older version could have stored it
        tx.emit(
            "enterprise.updated",
            {
                "credit_code": codes[0],
                "changes": {"address": {"old": None, "new": "塔峰镇\x0b一号"}},
                "source": "manual",
            },
        )
    before = _events(archive_dir, "serials.reserved")
    result = invoke(
        runner, "gen-commitment", "--all", "--out", str(tmp_path / "o"), "--json",
        archive=archive_dir,
    )  # fmt: skip
    assert result.exit_code == 3, result.stderr
    rows = {row["credit_code"]: row for row in json.loads(result.stdout)["letters"]}
    assert rows[codes[0]]["status"] == "failed" and rows[codes[0]]["serial"] is None
    assert "U+000B" in rows[codes[0]]["reason"]
    assert {rows[code]["status"] for code in codes[1:]} == {"issued"}
    reserved = _events(archive_dir, "serials.reserved")[len(before) :]
    assert sum(data["last"] - data["first"] + 1 for data in reserved) == 2  # no serial wasted
