"""The local process pool, where a worker that dies takes only its own run with it.

A run that kills its process (out of memory, a crash inside a library, ``os._exit``) breaks a
:class:`concurrent.futures.ProcessPoolExecutor`: every run in flight then fails with
``BrokenProcessPool``. :class:`LocalPool` can be rebuilt, and :func:`run_isolated` tells the run
that killed its worker from the runs that merely shared the pool: each run leaves a marker file
while it runs in a worker (:func:`tracked`); the runs whose markers remain after a break are
the suspects, and each suspect then runs alone. The one that breaks the pool alone is recorded
as failed with the reason (the next call tries it again); every other run goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path
from typing import Any

__all__ = ["DIED", "LocalPool", "record_as_completed", "run_isolated", "tracked"]

DIED = ("the worker process died while running it (out of memory, a crash inside a library or "
        "os._exit); the next call tries it again")
"""The error recorded for a run that killed its worker process."""

MAX_BLIND_BREAKS = 2
"""Breaks in a row that leave no suspect before the sweep gives up (the pool itself fails)."""


class LocalPool:
    """A forkserver process pool that can be rebuilt after a worker died.

    Args:
        workers: Worker processes (None: the number of cores).
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=context)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        """Submit a call to a worker."""
        return self._pool.submit(fn, *args)

    def rebuild(self) -> None:
        """Drop the (broken) pool and start a fresh one."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new()

    def shutdown(self, wait: bool = True, cancel_futures: bool = True) -> None:
        """Stop the workers."""
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)

    def terminate(self) -> None:
        """Stop the workers at once, runs in flight included (after a signal to stop).

        Finished runs are already stored; the runs in flight are computed again on the next
        call. ``ProcessPoolExecutor`` offers no public way to stop a running call, so its
        worker processes are terminated directly.
        """
        for process in list(getattr(self._pool, "_processes", {}).values()):
            process.terminate()
        self._pool.shutdown(wait=False, cancel_futures=True)


def tracked(task: Callable[[Any], dict], markers: Path, spec: Any) -> dict:
    """Run ``task(spec)`` in a worker, with a marker file that stays if the process dies."""
    marker = markers / spec.run_id
    marker.touch()
    try:
        return task(spec)
    finally:
        marker.unlink(missing_ok=True)


def _failed(spec: Any, error: str) -> dict:
    return {"run_id": spec.run_id, "status": "failed", "error": error, "duration_s": 0.0}


def run_isolated(pool: LocalPool, todo: list, task: Callable[[Any], dict],
                 record: Callable[[Any, dict], None], markers: Path) -> None:
    """Run every spec on the pool; a run that kills its worker is recorded failed alone.

    Args:
        pool: The pool (rebuilt after each break).
        todo: The specs to run.
        task: The worker function (module level, so that workers can load it).
        record: Called with (spec, result) for every run, in this process.
        markers: Folder for the marker files (emptied before and after).

    Raises:
        BrokenProcessPool: The pool broke repeatedly with no run in flight to blame.
    """
    call = partial(tracked, task, markers)
    pending, blind = list(todo), 0
    while pending:
        shutil.rmtree(markers, ignore_errors=True)
        markers.mkdir(parents=True, exist_ok=True)
        recorded = _run_batch(pool, pending, call, record)
        if recorded is None:
            break
        suspects = [s for s in pending
                    if s.run_id not in recorded and (markers / s.run_id).exists()]
        blind = 0 if suspects else blind + 1
        if blind >= MAX_BLIND_BREAKS:
            raise BrokenProcessPool("the worker pool broke with no run in flight")
        pool.rebuild()
        for spec in suspects:
            record(spec, _run_alone(pool, spec, call))
        done = recorded | {s.run_id for s in suspects}
        pending = [s for s in pending if s.run_id not in done]
    shutil.rmtree(markers, ignore_errors=True)


def record_as_completed(executor: Any, specs: list, call: Callable[[Any], dict],
                        record: Callable[[Any, dict], None], futures: dict[Future, Any],
                        recorded: set[str]) -> None:
    """Submit every spec and record each result as it comes (a raising run as failed).

    ``futures`` and ``recorded`` are filled as it goes, so that after a ``BrokenProcessPool``
    (which propagates) the caller knows what was submitted and what was stored.
    """
    for spec in specs:
        futures[executor.submit(call, spec)] = spec
    for future in as_completed(futures):
        spec = futures[future]
        try:
            result = future.result()
        except BrokenProcessPool:
            raise
        except Exception as exc:  # noqa: BLE001 - recorded, the others go on
            result = _failed(spec, f"{type(exc).__name__}: {exc}")
        record(spec, result)
        recorded.add(spec.run_id)


def _run_batch(pool: LocalPool, specs: list, call: Callable[[Any], dict],
               record: Callable[[Any, dict], None]) -> set[str] | None:
    """Run specs together; None if all finished, else the run ids recorded before the break."""
    recorded: set[str] = set()
    futures: dict[Future, Any] = {}
    try:
        record_as_completed(pool, specs, call, record, futures, recorded)
    except BrokenProcessPool:
        for future, spec in futures.items():
            if spec.run_id in recorded or not future.done() or future.cancelled():
                continue
            if future.exception() is None:
                record(spec, future.result())
                recorded.add(spec.run_id)
        return recorded
    return None


def _run_alone(pool: LocalPool, spec: Any, call: Callable[[Any], dict]) -> dict:
    """Run one suspect with no other run in flight; a break now is its own."""
    try:
        return pool.submit(call, spec).result()
    except BrokenProcessPool:
        pool.rebuild()
        return _failed(spec, DIED)
    except Exception as exc:  # noqa: BLE001 - recorded, the others go on
        return _failed(spec, f"{type(exc).__name__}: {exc}")
