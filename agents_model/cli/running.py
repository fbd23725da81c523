"""Running experiments from the command line: where runs go, and a run with a progress bar.

:func:`runner_options` adds ``--workers``, ``--scheduler`` and ``--quiet`` to a command;
:func:`run_with_progress` runs an experiment on the executor they choose, with a progress bar on
stderr, and reports what finished and what failed (failed runs make the exit status 1).
Every command that runs experiments (``sweep``, ``compare``, ``effects``, ``discover``,
``calibrate``, ``check-calibration``, ``sensitivity``) goes through it. :func:`default_out`
names the default results folder under ``out/`` from a name that may hold anything.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from agents_model.cli.group import note_failed_runs
from agents_model.runner import Experiment, Summary

__all__ = ["OUT_ROOT", "default_out", "run_with_progress", "runner_options", "where_runs_go"]

OUT_ROOT = Path("out")
"""Where results go when no ``--out`` is given (relative to the working folder)."""


def default_out(name: str) -> Path:
    """``out/<name>`` with the name made a single safe folder name.

    Anything but letters, digits, ``-``, ``_`` and ``.`` becomes ``_`` and leading or trailing
    dots and underscores go, so a name such as ``../../x`` or ``/abs/x`` stays inside ``out/``.
    """
    safe = re.sub(r"[^\w.-]+", "_", name, flags=re.ASCII).strip("._")
    return OUT_ROOT / (safe or "experiment")


def runner_options(func: Any) -> Any:
    """``--workers``, ``--scheduler`` and ``--quiet``: where and how visibly runs execute."""
    func = click.option("--quiet", "-q", is_flag=True, help="Do not show the progress bar.")(func)
    func = click.option("--scheduler", metavar="ADDR", envvar="DASK_SCHEDULER_ADDRESS",
                        default=None,
                        help="Run on a Dask cluster (tcp://host:port; also "
                             "DASK_SCHEDULER_ADDRESS).")(func)
    func = click.option("--workers", "-w", type=click.IntRange(0, 512), default=None,
                        help="Local worker processes (default: number of cores; 0: run in "
                             "this process).")(func)
    return func


@contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP stop a sweep as Ctrl+C does (finished runs kept, workers ended)."""
    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    names = [s for s in ("SIGTERM", "SIGHUP") if hasattr(signal, s)]
    try:
        previous = {name: signal.signal(getattr(signal, name), stop) for name in names}
    except ValueError:  # not the main thread (an app or a test runner): leave signals alone
        yield
        return
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)


def where_runs_go(workers: int | None, scheduler: str | None) -> str:
    """The executor in words: a Dask scheduler, this process or local workers."""
    if scheduler:
        return f"Dask scheduler {scheduler}"
    return "this process" if workers == 0 else f"{workers or 'all'} local worker(s)"


def run_with_progress(experiment: Experiment, out: Path, workers: int | None,
                      scheduler: str | None, quiet: bool, plan: str | None = None,
                      force_new: bool = False) -> tuple[Summary, float]:
    """Run an experiment on the chosen executor, reporting progress and failures.

    Args:
        experiment: The experiment.
        out: Its results folder (an interrupted run resumes there).
        workers: Local worker processes (None: every core; 0: this process).
        scheduler: Address of a Dask scheduler (overrides ``workers``).
        quiet: No progress bar.
        plan: What is run, in words (default: the number of runs).
        force_new: Start again in a folder holding results of another experiment, other
            inputs or another version.

    Returns:
        What the runner did, and the wall-clock seconds it took.
    """
    from agents_model.runner import make_executor, run_experiment

    executor, close = make_executor(workers, scheduler)
    plan = plan or f"{len(experiment.runs())} runs"
    click.echo(f"{experiment.name}: {plan} on {where_runs_go(workers, scheduler)}; results in "
               f"{out}", err=True)
    start = time.perf_counter()
    try:
        with _stopped_by_signals():
            result = run_experiment(experiment, out, executor, progress=not quiet,
                                    force_new=force_new)
    except KeyboardInterrupt:
        click.echo(f"Stopped; the finished runs are kept in {out} (run the same command again "
                   f"to resume).", err=True)
        getattr(executor, "terminate", close)()
        raise
    finally:
        close()
    wall = time.perf_counter() - start
    click.echo(f"{result.ok} runs finished now, {result.skipped} were already done, "
               f"{result.failed} failed (of {result.total}).")
    for run_id, error in result.failures[:10]:
        click.echo(f"  failed {run_id}: {error}")
    note_failed_runs(result.failed)
    if result.failed:
        click.echo("  (the manifest holds the full error of each failed run; run the same "
                   "command again to retry them)")
    return result, wall
