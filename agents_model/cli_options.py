"""Command-line options shared by the commands that run experiments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

__all__ = ["runner_options", "targets_options"]


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


def targets_options(func: Any) -> Any:
    """``--scale`` and ``--targets`` of the calibration commands."""
    func = click.option("--targets", "targets_file",
                        type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="Targets file (default: calibration/targets.toml).")(func)
    func = click.option("--scale", type=click.FloatRange(0.001, 10.0), default=1.0,
                        show_default=True,
                        help="Population scale of the runs (T1 counts providers: use 1).")(func)
    return func
