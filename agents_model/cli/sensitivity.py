"""The ``sensitivity`` command: global sensitivity analysis of behaviour and policy parameters.

``wmo-abm sensitivity --method morris --n 10`` draws a SALib sample over the parameters of
:data:`agents_model.analysis.sensitivity.FACTORS` (or the groups ``--groups`` names), runs every
point under open house, strategic partners and a consortium with shared seeds through the
experiment runner (local processes, this process or a Dask cluster; interrupted runs resume),
and writes the analysis into ``OUT/analysis/``: ``indices.csv``, ``outcomes.csv``,
``figures/*.png`` and ``report.md``.

Bad input (unknown method, N out of bounds, a folder holding another experiment) raises
:class:`agents_model.runner.ExperimentError` or :class:`click.BadParameter`; under the
``wmo-abm`` group it is printed as one line and the exit status is 2.
"""

from __future__ import annotations

from pathlib import Path

import click

from agents_model.cli.group import PROG
from agents_model.cli.running import (
    default_out,
    run_with_progress,
    runner_options,
    where_runs_go,
)
from agents_model.extras import require

__all__ = ["sensitivity"]


@click.command("sensitivity")
@click.option("--method", "-m", default="morris", show_default=True, metavar="morris|sobol",
              help="Morris screening (mu*, sigma) or Sobol indices (S1, ST).")
@click.option("--n", "n", type=int, default=None,
              help="Morris trajectories (2-500) [default: 10] or Sobol base samples, a power "
                   "of 2 (4-4096) [default: 64].")
@click.option("--seeds", type=click.IntRange(1, 1000), default=2, show_default=True,
              help="Seeds per point and design (shared by both designs).")
@click.option("--years", type=click.IntRange(1, 50), default=8, show_default=True,
              help="Years per run.")
@click.option("--region", default="leiden_2015", show_default=True,
              help="Region (bare name or file).")
@click.option("--scale", type=click.FloatRange(0.001, 10.0), default=0.05, show_default=True,
              help="population_scale of every run.")
@click.option("--groups", default=None, metavar="GROUP[,GROUP...]",
              help="Sample only these factor groups (behaviour, demand, cost, policy, design) "
                   "[default: all].")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Results folder [default: out/sensitivity_<method>].")
@runner_options
def sensitivity(method: str, n: int | None, seeds: int, years: int, region: str, scale: float,
                groups: str | None, out: Path | None, workers: int | None,
                scheduler: str | None, quiet: bool) -> None:
    """Global sensitivity analysis of behaviour, cost, policy and design parameters.

    Every sample point runs under open house, strategic partners and a consortium with the
    same seeds; sampled design levers (contract years, dialogue, partners) are the same under
    every form, so the differences are the procurement form itself. The analysis covers the
    transformation index and its components, innovation, spend, waiting time, trust both
    ways, regional cohesion and choice under each design and the differences strategic
    partners minus open house and consortium minus open house. Running the same command
    again resumes.
    """
    require("analysis", f"{PROG} sensitivity")
    from agents_model.analysis.sensitivity import analyse_folder, build_experiment
    from agents_model.analysis.sensitivity.problem import check_method, factors_of

    method = method.strip().lower()
    check_method(method)
    if n is None:
        n = 10 if method == "morris" else 64
    experiment = build_experiment(method, n, seeds=seeds, years=years, region=region,
                                  scale=scale, factors=factors_of(groups))
    out = out or default_out(f"sensitivity_{method}")
    plan = (f"{len(experiment.sample_rows)} points x {len(experiment.designs)} designs x "
            f"{seeds} seeds = {len(experiment.runs())} runs")
    result, wall = run_with_progress(experiment, out, workers, scheduler, quiet, plan=plan)
    facts = {"where": where_runs_go(workers, scheduler)}
    if result.skipped == 0:
        facts["wall_seconds"] = wall
    report = analyse_folder(out, facts=facts, experiment=experiment)
    click.echo(f"Analysis: {report}")
    for line in _findings(report.parent / "indices.csv"):
        click.echo(line)


def _findings(path: Path) -> list[str]:
    """One line per outcome: its three most influential parameters."""
    import pandas as pd

    indices = pd.read_csv(path)
    lines = []
    for outcome, t in indices.groupby("outcome", sort=False):
        top = t.sort_values("rank").head(3)["parameter"]
        lines.append(f"  {outcome}: {', '.join(top)}")
    return lines
