"""Run a function over many items in worker processes, each task with a time and memory limit.

``concurrent.futures`` cannot stop one stuck task; here the parent watches each busy worker
and kills it when its task runs past the time limit (the worker is replaced).  Each worker
caps its address space (``RLIMIT_AS``), so a file that makes a parser eat memory ends in a
``MemoryError`` or the worker's death, never in the parent's.  Results come back in the order
tasks finish.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

TIMEOUT = "timeout"
MEMORY = "memory"
CRASHED = "crashed"
ERROR = "error"


@dataclass
class Outcome:
    """The result of one task, or why there is none."""

    item: Any
    value: Any = None
    failure: str | None = None  # timeout, memory, crashed, error
    detail: str | None = None
    seconds: float = 0.0


def mapped_bytes() -> int:
    """What this process has mapped (its address space), 0 where /proc is not there."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _limit_memory(memory_mb: int | None) -> None:
    """Cap the worker's address space at what it has mapped (inherited from its parent) plus
    ``memory_mb``; and one thread for the numeric libraries a parser may import (OpenBLAS and
    OpenMP reserve address space per thread, and the workers are already one per core)."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    if not memory_mb:
        return
    try:
        import resource

        limit = mapped_bytes() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on this platform: the time limit remains
        pass


def _worker(
    connection: Connection,
    function: Callable[[Any], Any],
    memory_mb: int | None,
    parent_end: Connection | None = None,
) -> None:
    if parent_end is not None:
        # A forked worker inherits the parent's end of its own pipe: holding it open, it would
        # never see EOF when the parent dies (kill -9) and would live on, orphaned, for ever.
        parent_end.close()
    _limit_memory(memory_mb)
    while True:
        try:
            item = connection.recv()
        except EOFError:
            return
        if item is None:
            return
        try:
            connection.send(("ok", function(item)))
        except MemoryError:
            connection.send((MEMORY, None))
        except RecursionError:
            connection.send((ERROR, "RecursionError"))
        except Exception as exc:  # a bug in a parser must not take the batch down
            connection.send((ERROR, "".join(traceback.format_exception_only(exc)).strip()))


class _Slot:
    """One worker process and the items sent to it, oldest (the one it is working on) first."""

    def __init__(self, context: Any, function: Callable[[Any], Any], memory_mb: int | None):
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_worker, args=(child, function, memory_mb, self.connection), daemon=True
        )
        self.process.start()
        child.close()
        self.items: deque[Any] = deque()
        self.started = 0.0  # when the oldest item started (as near as the parent can tell)

    @property
    def busy(self) -> bool:
        return bool(self.items)

    def give(self, item: Any) -> None:
        if not self.items:
            self.started = time.monotonic()
        self.items.append(item)
        self.connection.send(item)

    def done(self) -> Any:
        """The oldest item is finished: return it; the next one is running from now on."""
        item = self.items.popleft()
        self.started = time.monotonic()
        return item

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.connection.close()

    def stop(self) -> None:
        try:
            self.connection.send(None)
        except (OSError, BrokenPipeError):
            pass
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2)
        self.connection.close()


def run_isolated(
    function: Callable[[Any], Any],
    items: Iterable[Any],
    *,
    jobs: int | None = None,
    timeout: float | Callable[[Any], float] = 60.0,
    memory_mb: int | None = 1024,
    ahead: int = 2,
) -> Iterator[Outcome]:
    """Yield an :class:`Outcome` for every item, running ``function`` in ``jobs`` workers.

    Each worker is sent up to ``ahead`` items, so it keeps working while the caller is busy
    with a result (committing a batch, say).  When a worker is killed (time limit) or dies,
    its oldest item fails and the items queued behind it go to another worker.
    ``function`` must be importable (a module-level function); items and results must pickle.
    ``timeout`` is seconds for every item, or a function giving an item's own.
    """
    limit = timeout if callable(timeout) else (lambda _item: timeout)
    jobs = max(1, jobs or os.cpu_count() or 1)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    pending = iter(items)
    retry: deque[Any] = deque()  # items that were queued behind a failed one
    slots = [_Slot(context, function, memory_mb) for _ in range(jobs)]
    exhausted = False

    def next_item() -> Any:
        nonlocal exhausted
        if retry:
            return retry.popleft()
        if exhausted:
            raise StopIteration
        try:
            return next(pending)
        except StopIteration:
            exhausted = True
            raise

    def replace(index: int) -> _Slot:
        slot = slots[index]
        slot.kill()
        slots[index] = _Slot(context, function, memory_mb)
        slot.done()  # the failed item is reported by the caller
        retry.extendleft(reversed(slot.items))
        return slot

    try:
        while True:
            for slot in slots:
                while len(slot.items) < max(1, ahead):
                    try:
                        slot.give(next_item())
                    except StopIteration:
                        break
            busy = [slot for slot in slots if slot.busy]
            if not busy:
                return
            now = time.monotonic()
            wait_for = max(0.0, min(slot.started + limit(slot.items[0]) for slot in busy) - now)
            ready = wait([slot.connection for slot in busy], timeout=wait_for)
            now = time.monotonic()
            for index, slot in enumerate(slots):
                if not slot.busy:
                    continue
                elapsed = now - slot.started
                item = slot.items[0]
                if slot.connection in ready:
                    try:
                        status, value = slot.connection.recv()
                    except (EOFError, OSError):
                        slot.process.join(5)  # reap it first: exitcode is None until then
                        code = slot.process.exitcode
                        replace(index)
                        yield Outcome(item, failure=CRASHED, detail=f"exit {code}", seconds=elapsed)
                        continue
                    slot.done()
                    if status == "ok":
                        yield Outcome(item, value=value, seconds=elapsed)
                    else:
                        yield Outcome(item, failure=status, detail=value, seconds=elapsed)
                elif elapsed >= limit(item):
                    replace(index)
                    yield Outcome(item, failure=TIMEOUT, seconds=elapsed)
    finally:
        for slot in slots:
            slot.stop() if not slot.busy else slot.kill()
