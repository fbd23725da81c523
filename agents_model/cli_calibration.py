"""The ``wmo-abm calibrate`` command (see :mod:`agents_model.calibration`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

__all__ = ["calibrate"]


@click.command("calibrate")
@click.option("--budget", type=click.IntRange(1, 100_000), default=100, show_default=True,
              help="Parameter sets to sample (bounds the number of runs).")
@click.option("--seeds", type=click.IntRange(1, 1000), default=2, show_default=True,
              help="Seeds per parameter set and variant.")
@click.option("--scale", type=click.FloatRange(0.001, 10.0), default=1.0, show_default=True,
              help="Population scale of the runs (T1 counts providers: use 1).")
@click.option("--targets", "targets_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Targets file (default: calibration/targets.toml).")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out/calibration"), show_default=True, help="Results folder.")
@click.option("--install", is_flag=True,
              help="Also write calibration/calibrated.toml, the defaults of every scenario.")
@click.option("--workers", "-w", type=click.IntRange(0, 512), default=None,
              help="Local worker processes (default: number of cores; 0: this process).")
@click.option("--scheduler", metavar="ADDR", envvar="DASK_SCHEDULER_ADDRESS", default=None,
              help="Run on a Dask cluster (tcp://host:port).")
@click.option("--quiet", "-q", is_flag=True, help="Do not show the progress bar.")
def calibrate(budget: int, seeds: int, scale: float, targets_file: Path | None, out: Path,
              install: bool, workers: int | None, scheduler: str | None, quiet: bool) -> None:
    """Calibrate the uncertain behavioural parameters to the targets T1-T6.

    Samples the priors of the parameter table, runs every set under every variant and seed,
    scores the patterns and keeps the sets that meet them. Resumable: the same command again
    computes only what is missing. Writes OUT/analysis/ (report.md, scores, posterior,
    calibrated.toml).
    """
    from agents_model.calibration import (
        TARGETS,
        calibration_experiment,
        load_targets,
        score,
        write_analysis,
    )
    from agents_model.cli import _run_experiment
    from agents_model.scenario import CALIBRATED

    targets = load_targets(targets_file or TARGETS)
    experiment = calibration_experiment(targets, budget, seeds, scale)
    click.echo(f"calibration: {budget} parameter sets x {len(targets.variants)} variants x "
               f"{seeds} seeds", err=True)
    _run_experiment(experiment, out, workers, scheduler, quiet)
    summary = write_analysis(score(out, targets, experiment), targets, experiment,
                             out / "analysis")
    click.echo(f"{summary['method']}; {summary['accepted']} of {budget} parameter sets kept.")
    for a, b in summary["conflicts"]:
        click.echo(f"  {a} and {b} could not be met together")
    click.echo(f"Report: {summary['report']}")
    if install:
        CALIBRATED.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out / "analysis" / "calibrated.toml", CALIBRATED)
        click.echo(f"Installed the calibrated defaults in {CALIBRATED}")
