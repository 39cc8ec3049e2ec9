"""Worker processes with time and memory limits per task."""

from __future__ import annotations

import os
import time

from archive.pool import CRASHED, ERROR, MEMORY, TIMEOUT, run_isolated


def work(item: str) -> str:
    if item == "slow":
        time.sleep(60)
    if item == "hog":
        blocks = []
        while True:
            blocks.append(bytearray(50 * 1024 * 1024))
    if item == "die":
        os._exit(9)
    if item == "bug":
        raise ValueError("broken parser")
    return item.upper()


def test_each_task_is_limited_and_the_rest_go_on() -> None:
    items = ["a", "slow", "b", "hog", "c", "die", "d", "bug", "e"]
    start = time.monotonic()
    outcomes = {o.item: o for o in run_isolated(work, items, jobs=2, timeout=2, memory_mb=300)}
    assert time.monotonic() - start < 20
    assert {k: o.value for k, o in outcomes.items() if o.failure is None} == {
        "a": "A",
        "b": "B",
        "c": "C",
        "d": "D",
        "e": "E",
    }
    assert outcomes["slow"].failure == TIMEOUT
    assert outcomes["hog"].failure in (MEMORY, CRASHED)
    assert outcomes["die"].failure == CRASHED
    assert outcomes["bug"].failure == ERROR and "broken parser" in outcomes["bug"].detail


def test_empty_and_single_job() -> None:
    assert list(run_isolated(work, [], jobs=1)) == []
    assert [o.value for o in run_isolated(work, ["x", "y"], jobs=1)] == ["X", "Y"]


def test_items_queued_behind_a_failed_one_are_not_lost() -> None:
    items = ["slow", "a", "die", "b", "c"]
    outcomes = list(run_isolated(work, items, jobs=1, timeout=1, memory_mb=300, ahead=3))
    assert sorted(o.item for o in outcomes) == sorted(items)  # each exactly once
    by_item = {o.item: o for o in outcomes}
    assert by_item["slow"].failure == TIMEOUT and by_item["die"].failure == CRASHED
    assert [by_item[k].value for k in ("a", "b", "c")] == ["A", "B", "C"]


def nap(item: float) -> float:
    time.sleep(item)
    return item


def test_each_item_may_have_its_own_time_limit() -> None:
    """A scan gets longer than a typed document (ingest gives images and PDFs 3 × the limit)."""
    limits = {1.5: 4.0, 1.6: 0.5}
    outcomes = {o.item: o for o in run_isolated(nap, [1.5, 1.6], jobs=2, timeout=limits.get)}
    assert outcomes[1.5].failure is None and outcomes[1.5].value == 1.5
    assert outcomes[1.6].failure == TIMEOUT


def test_the_memory_limit_is_on_top_of_what_a_worker_inherits() -> None:
    """300 MB more than the parent had mapped: a parent holding much (numpy, a big index) does not
    leave its workers without room, and a task taking more still fails alone."""
    ballast = bytearray(400 * 1024 * 1024)  # the parent maps 400 MB before the workers fork
    ballast[::4096] = b"x" * len(ballast[::4096])
    outcomes = {o.item: o for o in run_isolated(work, ["a", "hog"], jobs=1, memory_mb=300)}
    assert outcomes["a"].value == "A"
    assert outcomes["hog"].failure in (MEMORY, CRASHED)
    del ballast
