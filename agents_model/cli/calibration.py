"""The calibration commands: ``calibrate`` and ``check-calibration``.

See :mod:`agents_model.analysis.calibration`.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import click

from agents_model.cli.group import PROG
from agents_model.cli.running import run_with_progress, runner_options
from agents_model.extras import require

__all__ = ["calibrate", "check_calibration", "install_calibrated", "targets_options"]


def targets_options(func: Any) -> Any:
    """``--scale`` and ``--targets`` of the calibration commands."""
    func = click.option("--targets", "targets_file",
                        type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="Targets file (default: calibration/targets.toml).")(func)
    func = click.option("--scale", type=click.FloatRange(0.001, 10.0), default=1.0,
                        show_default=True,
                        help="Population scale of the runs (T1 counts providers: use 1).")(func)
    return func


@click.command("calibrate")
@click.option("--budget", type=click.IntRange(1, 100_000), default=100, show_default=True,
              help="Parameter sets to sample (bounds the number of runs).")
@click.option("--seeds", type=click.IntRange(1, 1000), default=2, show_default=True,
              help="Seeds per parameter set and variant.")
@click.option("--rounds", type=click.IntRange(1, 20), default=1, show_default=True,
              help="Rounds of sequential pattern filtering (each samples BUDGET sets around "
                   "the sets the round before kept).")
@click.option("--pick", type=click.Choice(["best", "median"]), default="best",
              show_default=True,
              help="Calibrated values: the kept set closest to the patterns, or the medians "
                   "of the kept sets.")
@targets_options
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out/calibration"), show_default=True, help="Results folder.")
@click.option("--install", is_flag=True,
              help="Also write calibration/calibrated.toml, the defaults of every scenario.")
@runner_options
def calibrate(budget: int, seeds: int, rounds: int, pick: str, scale: float,
              targets_file: Path | None, out: Path, install: bool, workers: int | None,
              scheduler: str | None, quiet: bool) -> None:
    """Calibrate the uncertain behavioural parameters to the targets T1-T6.

    Samples the priors of the parameter table, runs every set under every variant and seed,
    scores the patterns and keeps the sets that meet them (or the closest tenth); with
    --rounds, each further round samples around the sets the round before kept. Resumable:
    the same command again computes only what is missing. Writes OUT/analysis/ (report.md,
    scores, posterior, calibrated.toml).
    """
    require("analysis", f"{PROG} calibrate")
    from agents_model.analysis.calibration import (
        TARGETS,
        load_targets,
        run_rounds,
        write_analysis,
    )

    targets = load_targets(targets_file or TARGETS)
    click.echo(f"calibration: {rounds} round(s) of {budget} parameter sets x "
               f"{len(targets.variants)} variants x {seeds} seeds", err=True)
    done = run_rounds(targets, budget, seeds, scale, rounds, out,
                      lambda experiment, folder: run_with_progress(experiment, folder, workers,
                                                                   scheduler, quiet))
    summary = write_analysis(done, targets, out / "analysis", pick)
    click.echo(f"{summary['method']}; {summary['accepted']} of {summary['sampled']} parameter "
               "sets kept.")
    for a, b in summary["conflicts"]:
        click.echo(f"  {a} and {b} could not be met together")
    click.echo(f"Report: {summary['report']}")
    if install:
        from agents_model import scenario

        click.echo(install_calibrated(out / "analysis" / "calibrated.toml", scenario.CALIBRATED))


def install_calibrated(source: Path, target: Path) -> str:
    """Copy calibrated values to ``target``, the defaults every scenario starts from.

    Returns:
        A line saying where they went (and, inside an installed package, what that means).

    Raises:
        click.ClickException: The target cannot be written; ``source`` is kept.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    except OSError as exc:
        raise click.ClickException(
            f"cannot install the calibrated defaults in {target} ({exc.strerror or exc}); "
            f"they are kept in {source}") from exc
    line = f"Installed the calibrated defaults in {target}"
    if target.parent.parent.name == "bundled":
        line += (" (the copy inside the installed package: every run in this Python "
                 "environment now starts from them; reinstalling the package restores the "
                 "shipped ones)")
    return line


@click.command("check-calibration")
@click.option("--seeds", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="Seeds per variant.")
@targets_options
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out/calibration-check"), show_default=True,
              help="Results folder.")
@runner_options
def check_calibration(seeds: int, scale: float, targets_file: Path | None, out: Path,
                      workers: int | None, scheduler: str | None, quiet: bool) -> None:
    """Check the calibrated defaults against the targets over many seeds.

    Runs the calibration region with the defaults as they stand (parameter table and
    calibration/calibrated.toml) under every variant, and reports each pattern's mean and
    spread over seeds against its accepted range. Writes OUT/check.md and OUT/check.csv;
    exits 1 when a pattern is not met.
    """
    from agents_model.analysis.calibration import (
        TARGETS,
        check,
        check_experiment,
        check_report,
        load_targets,
    )

    targets = load_targets(targets_file or TARGETS)
    experiment = check_experiment(targets, seeds, scale)
    run_with_progress(experiment, out, workers, scheduler, quiet)
    table = check(out, targets)
    table.to_csv(out / "check.csv", index=False)
    (out / "check.md").write_text(check_report(table, targets, experiment))
    for row in table.itertuples():
        click.echo(f"  {row.target:5} {row.mean:10.4g}  in [{row.low:g}, {row.high:g}]: "
                   f"{'met' if row.met else 'NOT met'}")
    click.echo(f"{int(table['met'].sum())} of {len(table)} patterns met; report: "
               f"{out / 'check.md'}")
    if not table["met"].all():
        raise SystemExit(1)
