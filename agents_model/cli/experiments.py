"""Experiments over many seeds: sweep, compare, report, points, effects and discover.

The runs go through :mod:`agents_model.runner`; the statistics and the report come from
:mod:`agents_model.analysis.report`.
"""

from __future__ import annotations

from pathlib import Path

import click

from agents_model.cli.group import PROG
from agents_model.cli.running import default_out, run_with_progress, runner_options
from agents_model.extras import require
from agents_model.scenario import MAX_SEED, parse_overrides

__all__ = ["compare", "discover", "effects", "points", "report", "sweep"]


def study_options(seeds: int, years: int, root_seed: int, seeds_help: str, out_help: str):
    """``--seeds``, ``--years``, ``--set``, ``--root-seed`` and ``--out`` for a study command."""
    def wrap(func):
        for option in reversed((
                click.option("--seeds", type=click.IntRange(1, 10_000), default=seeds,
                             show_default=True, help=seeds_help),
                click.option("--years", type=click.IntRange(1, 50), default=years,
                             show_default=True),
                click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
                             help="Set a parameter for every run (repeatable)."),
                click.option("--root-seed", type=click.IntRange(0, MAX_SEED), default=root_seed,
                             show_default=True, help="Root of the seed sequence."),
                click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path),
                             default=None, help=out_help))):
            func = option(func)
        return func
    return wrap


@click.command()
@click.argument("experiment_file")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Results folder (default: out/<experiment name>).")
@click.option("--force-new", is_flag=True,
              help="Start again in a results folder whose runs belong to another experiment, "
                   "other input files or other library versions (its results are removed).")
@runner_options
def sweep(experiment_file: str, out: Path | None, force_new: bool, workers: int | None,
          scheduler: str | None, quiet: bool) -> None:
    """Run an experiment file (regions x designs x parameters x seeds).

    Finished runs are written as they complete; running the same command again resumes and
    computes only what is missing. Read the results with `wmo-abm report OUT`.
    """
    from agents_model.runner import load_experiment

    experiment = load_experiment(experiment_file)
    out = out or default_out(experiment.name)
    run_with_progress(experiment, out, workers, scheduler, quiet, force_new=force_new)
    click.echo(f"Results in {out}; a report: {PROG} report {out}")


@click.command()
@click.argument("region")
@click.argument("more", nargs=-1)
@click.option("--designs", "designs_flag", is_flag=True,
              help="The designs to compare follow REGION (the first is the baseline).")
@study_options(30, 10, 20150101, "Seeds per design.",
               "Results folder (default: out/compare_<region>_<designs>).")
@runner_options
def compare(region: str, more: tuple[str, ...], designs_flag: bool, seeds: int, years: int,
            settings: tuple[str, ...], root_seed: int, out: Path | None,
            workers: int | None, scheduler: str | None, quiet: bool) -> None:
    """Compare designs on one region over many seeds.

    Example: wmo-abm compare leiden_2015 --designs open_house strategic_partners consortium
    --seeds 30 --years 10
    """
    from agents_model.analysis.report import end_summary
    from agents_model.runner import Experiment, read_results

    designs = list(more)
    if not designs:
        raise click.UsageError("name at least one design after --designs")
    region_label = Path(region).stem
    experiment = Experiment(
        name=f"compare_{region_label}", regions=[region], designs=designs, seeds=seeds,
        years=years, root_seed=root_seed, fixed=parse_overrides(settings),
        baseline=designs[0],
        description=f"{', '.join(designs)} on {region_label}, {seeds} seeds, {years} years")
    out = out or default_out(f"compare_{region_label}_{'_'.join(Path(d).stem for d in designs)}")
    run_with_progress(experiment, out, workers, scheduler, quiet)
    click.echo("")
    click.echo(end_summary(read_results(out), baseline=designs[0], spec=experiment.to_dict()))
    click.echo(f"\nFull report: {PROG} report {out}")


@click.command()
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--baseline", "-b", metavar="NAME", default=None,
              help="Design the others are compared with [default: the experiment's baseline, "
                   "else its first design].")
def report(directory: Path, baseline: str | None) -> None:
    """Write a report of the experiment in DIR (DIR/report/report.md with figures).

    Prints the path of the report and the end-of-run comparison of the designs: each KPI's
    mean and 95% interval over seeds, and each design's difference against the baseline,
    paired by seed.
    """
    require("analysis", f"{PROG} report")
    from agents_model.analysis.report import write_report

    path = write_report(directory, baseline=baseline)
    click.echo(f"Report: {path}")
    click.echo("")
    click.echo((path.parent / "summary.txt").read_text(encoding="utf-8").rstrip("\n"))


@click.command()
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--reference", "-r", type=click.IntRange(0, None), default=0, show_default=True,
              help="Parameter point the others are compared with.")
def points(directory: Path, reference: int) -> None:
    """Compare the parameter points of the experiment in DIR with a reference point.

    For an experiment whose rows switch mechanisms off (an ablation such as
    scenarios/experiments/network_ablation.toml): per region and design, each point's
    difference from the reference point, paired by seed, with its 95% interval. Writes
    DIR/points/points.md and points.csv and prints the Markdown.
    """
    from agents_model.analysis.report.points import write_points

    path = write_points(directory, reference)
    click.echo(path.read_text(encoding="utf-8").rstrip("\n"))
    click.echo(f"\nWritten: {path}")


@click.command()
@click.argument("region")
@click.option("--factors", "factors_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="TOML file whose [grid] lists the levers and levels (default: "
                                 "scenarios/experiments/design_factors.toml).")
@study_options(10, 8, 20150401, "Seeds per cell of the factorial (shared by every cell).",
               "Results folder (default: out/effects_<region>).")
@runner_options
def effects(region: str, factors_file: Path | None, seeds: int, years: int,
            settings: tuple[str, ...], root_seed: int, out: Path | None, workers: int | None,
            scheduler: str | None, quiet: bool) -> None:
    """Take a governance form apart: each lever's effect, from a full factorial on REGION.

    Runs every combination of the levers in the factors file (procurement form, contract
    years, dialogue meetings, sanctions, funding model) with paired seeds, then writes
    OUT/effects/effects.csv (factor, level, KPI, effect against the reference level, 95%
    interval), interactions.csv, a figure per KPI and a plain-language effects.md.

    Example: wmo-abm effects leiden_2015 --seeds 4 --years 3 --set population_scale=0.05
    """
    require("analysis", f"{PROG} effects")
    from agents_model.analysis.effects import build_experiment, load_factors, write_effects
    from agents_model.analysis.effects.design import FACTORS_FILE

    factors = load_factors(factors_file or FACTORS_FILE)
    experiment = build_experiment(region, factors, seeds=seeds, years=years,
                                  fixed=parse_overrides(settings), root_seed=root_seed)
    out = out or default_out(experiment.name)
    run_with_progress(experiment, out, workers, scheduler, quiet)
    path = write_effects(out, factors)
    click.echo(f"Design effects: {path}")


@click.command()
@click.argument("region")
@click.option("--n", "n", type=click.IntRange(4, 100_000), default=64, show_default=True,
              help="Sampled points (Latin hypercube).")
@click.option("--max-extra-wait", type=click.FloatRange(0.0, 120.0), default=0.5,
              show_default=True, help="Months of extra mean wait a win may cost.")
@click.option("--max-extra-spend", type=click.FloatRange(0.0, 10.0), default=0.05,
              show_default=True, help="Share of open house's spend a win may add.")
@study_options(3, 8, 20150501, "Seeds per point and form (shared).",
               "Results folder (default: out/discover_<region>).")
@runner_options
def discover(region: str, n: int, seeds: int, years: int, max_extra_wait: float,
             max_extra_spend: float, settings: tuple[str, ...], root_seed: int,
             out: Path | None, workers: int | None, scheduler: str | None, quiet: bool) -> None:
    """Find the conditions under which strategic partners or a consortium beat open house.

    Samples uncertain behaviour and the levers both forms share, runs every point under open
    house, strategic partners and a consortium with paired seeds, and lets PRIM find the box
    of ranges where a form raises transformation without more than --max-extra-wait months of
    extra waiting or --max-extra-spend extra spend. Writes OUT/discover/discover.md, boxes.csv
    and points.csv. Needs the 'analysis' extra (the prim package).
    """
    require("analysis", f"{PROG} discover")
    from agents_model.analysis.discovery import build_experiment, write_discovery

    experiment = build_experiment(region, n=n, seeds=seeds, years=years,
                                  fixed=parse_overrides(settings), root_seed=root_seed)
    out = out or default_out(experiment.name)
    run_with_progress(experiment, out, workers, scheduler, quiet)
    path = write_discovery(out, max_extra_wait, max_extra_spend)
    click.echo(path.read_text(encoding="utf-8").rstrip("\n"))
    click.echo(f"\nWritten: {path}")
