"""Analysing the calibration: scores against the patterns, selection and the posterior.

Each pattern is averaged over seeds and scored by its distance from the accepted range
(:func:`score`). The sets that meet every pattern are kept (rejection); when none does, the
closest tenth is kept instead (pattern filtering, :func:`select`) and the patterns that could not
be met together are named (:func:`conflicts`). The kept sets give the accepted ranges
(:func:`posterior`) and the calibrated values (:func:`calibrated_values`). :func:`check` scores
the installed defaults over many seeds.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agents_model.analysis.calibration.targets import TargetSet, distance, statistic
from agents_model.params import by_name
from agents_model.runner.experiments import Experiment, ExperimentError, read_results

__all__ = ["PICKS", "calibrated_values", "check", "conflicts", "posterior", "score", "select"]

PICKS = ("best", "median")


def score(out: str | Path, targets: TargetSet, experiment: Experiment) -> pd.DataFrame:
    """Score every sampled parameter set against every pattern (seed means).

    Returns:
        One row per parameter set: its sampled values, each target's value and distance,
        ``total`` (sum of distances), ``met`` (patterns met) and ``runs`` (finished runs).
    """
    budget = experiment.sample_size
    per_run = _pattern_values(out, targets, budget, "score")
    values = per_run.groupby(["sample", "target"])["value"].agg(["mean", "count"])
    samples = experiment.points()
    keys = list(experiment.sample)
    out_rows = []
    for j in range(budget):
        row: dict[str, Any] = {"sample": j, **{k: samples[j][k] for k in keys}}
        total, met, runs = 0.0, 0, 0
        for target in targets.targets:
            if (j, target.id) in values.index:
                value = float(values.loc[(j, target.id), "mean"])
                runs += int(values.loc[(j, target.id), "count"])
            else:
                value = math.nan
            d = distance(value, target)
            row[target.id] = value
            row[f"d_{target.id}"] = d
            total += d
            met += d == 0.0
        row.update({"total": total, "met": met, "runs": runs})
        out_rows.append(row)
    return pd.DataFrame(out_rows)


def select(scores: pd.DataFrame, n_targets: int) -> tuple[pd.DataFrame, str]:
    """Accepted parameter sets: all patterns met (rejection), else the closest tenth."""
    accepted = scores[scores["met"] == n_targets]
    if len(accepted):
        return accepted, "rejection: every pattern met"
    finite = scores[np.isfinite(scores["total"])]
    if finite.empty:
        return finite, "no parameter set could be scored"
    keep = max(1, len(finite) // 10)
    return finite.nsmallest(keep, "total"), \
        f"pattern filtering: no set met every pattern; kept the closest {keep}"


def posterior(accepted: pd.DataFrame, prior: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """Accepted ranges per parameter: prior bounds, accepted min, median, max."""
    rows = []
    for name, (low, high) in prior.items():
        col = accepted[name] if name in accepted else pd.Series(dtype=float)
        rows.append({"parameter": name, "prior_low": low, "prior_high": high,
                     "min": col.min(), "median": col.median(), "max": col.max(),
                     "n": int(col.count())})
    return pd.DataFrame(rows)


def conflicts(scores: pd.DataFrame, targets: TargetSet) -> list[tuple[str, str]]:
    """Pairs of patterns each met by some parameter set but never by the same one."""
    out = []
    ids = [t.id for t in targets.targets]
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            met_a = scores[f"d_{a}"] == 0
            met_b = scores[f"d_{b}"] == 0
            if met_a.any() and met_b.any() and not (met_a & met_b).any():
                out.append((a, b))
    return out


def calibrated_values(post: pd.DataFrame, accepted: pd.DataFrame | None = None,
                      pick: str = "median") -> dict[str, Any]:
    """Calibrated values, typed like the parameters (integers rounded).

    Args:
        post: The posterior table (:func:`posterior`).
        accepted: The accepted parameter sets (needed for ``pick="best"``).
        pick: ``"median"``: the median of every accepted range; ``"best"``: the accepted set
            closest to the patterns (smallest total distance), a point that was actually run,
            which keeps the correlations between parameters that coordinate medians lose.
    """
    if pick not in PICKS:
        raise ValueError(f"pick must be one of {', '.join(PICKS)}, not {pick!r}")
    chosen: dict[str, float] = {}
    if pick == "best" and accepted is not None and len(accepted):
        order = [c for c in ("total", "round", "sample") if c in accepted]
        best = accepted.sort_values(order).iloc[0]
        chosen = {row.parameter: float(best[row.parameter]) for row in post.itertuples()
                  if row.parameter in best.index}
    values = {}
    for row in post.itertuples():
        raw = chosen.get(row.parameter, row.median)
        if math.isnan(raw):
            continue
        param = by_name(row.parameter)
        values[row.parameter] = int(round(raw)) if param.kind is int else round(float(raw), 4)
    return values



def check(out: str | Path, targets: TargetSet) -> pd.DataFrame:
    """Every pattern's statistic per seed for the runs of the check experiment.

    The runs are those of
    :func:`~agents_model.analysis.calibration.sample.check_experiment`.

    Returns:
        One row per target: range, seed mean, 5th and 95th percentiles over seeds, the share
        of seeds inside the range, ``met`` (the seed mean inside the range) and ``seeds``.
    """
    per_run = _pattern_values(out, targets, 1, "check")
    rows = []
    for target in targets.targets:
        values = per_run.loc[per_run["target"] == target.id, "value"].astype(float).dropna()
        mean = float(values.mean()) if len(values) else math.nan
        inside = values.between(target.low, target.high)
        rows.append({"target": target.id, "pattern": target.pattern, "source": target.source,
                     "low": target.low, "high": target.high, "mean": mean,
                     "p5": float(values.quantile(0.05)) if len(values) else math.nan,
                     "p95": float(values.quantile(0.95)) if len(values) else math.nan,
                     "seeds_inside": float(inside.mean()) if len(values) else math.nan,
                     "met": distance(mean, target) == 0.0, "seeds": len(values)})
    return pd.DataFrame(rows)


def _pattern_values(out: str | Path, targets: TargetSet, budget: int, verb: str
                    ) -> pd.DataFrame:
    """Each finished run's value of every pattern of its variant.

    Points are numbered variant by variant, ``budget`` parameter sets each (as
    :func:`~agents_model.analysis.calibration.sample.calibration_experiment` lays them out).

    Returns:
        One row per run and pattern: ``sample`` (the parameter set), ``target`` and ``value``.

    Raises:
        ExperimentError: ``out`` holds no finished run (``verb`` says what could not be done).
    """
    kpis = read_results(out)["kpis"]
    if kpis.empty:
        raise ExperimentError(f"{out}: no finished runs to {verb}")
    variant_names = list(targets.variants)
    rows = []
    for (point, _seed), frame in kpis.groupby(["point", "seed_index"], sort=True):
        frame = frame.sort_values("month")
        variant = variant_names[point // budget]
        for target in targets.targets:
            if target.variant == variant:
                rows.append({"sample": point % budget, "target": target.id,
                             "value": statistic(frame, target, targets.month)})
    return pd.DataFrame(rows, columns=["sample", "target", "value"])
