"""Analysis: Morris and Sobol indices of every outcome, with the seed noise they carry.

:func:`outcome_table` reads the runs: the end-of-run value of each outcome KPI (mean over the
last twelve months, as :func:`agents_model.analysis.report.end_values`) under each design, and
the paired difference strategic partners minus open house per seed; both averaged over seeds.
:func:`analyse` computes Morris (mu*, sigma, bootstrap confidence of mu*) or Sobol (S1, ST with
confidence intervals) indices per outcome as a tidy DataFrame. The summaries below them
(:func:`clear_drivers`, :func:`inactive`, :func:`difference_distribution`) say which parameters
stand out from the seed noise and how the difference between the designs is spread.

Seed noise: with few seeds per point the model's randomness adds to every elementary effect.
For Morris the analysis estimates the mu* that seed noise alone would produce (the pooled
seed-to-seed spread within points) and reports it as a noise floor; for both methods it
reports the share of the outcome's variance across points that is seed noise.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agents_model.analysis.report.statistics import KPI_DIRECTION, end_values
from agents_model.analysis.sensitivity.problem import (
    END_MONTHS,
    FACTORS,
    NUM_LEVELS,
    NUM_RESAMPLES,
    OUTCOMES,
    check_method,
    difference,
    is_difference,
)
from agents_model.analysis.sensitivity.sample import SensitivityExperiment
from agents_model.runner.experiments import ExperimentError, short_label

__all__ = [
    "analyse",
    "analyse_experiment",
    "clear_drivers",
    "difference_distribution",
    "inactive",
    "outcome_table",
    "read_kpis",
]

_Z95 = 1.6448536269514722
"""One-sided 95% normal quantile (noise floor of mu*)."""


def _morris_delta(num_levels: int) -> float:
    """SALib's Morris step as a fraction of the range."""
    return num_levels / (2.0 * (num_levels - 1))


def analyse(problem: Mapping[str, Any], X: np.ndarray,
            Y: Mapping[str, Any] | pd.DataFrame, method: str, *,
            num_levels: int = NUM_LEVELS, seed_values: Mapping[str, Any] | None = None,
            groups: Mapping[str, str] | None = None, num_resamples: int = NUM_RESAMPLES,
            conf_level: float = 0.95, seed: int = 1) -> pd.DataFrame:
    """Sensitivity indices of every outcome, as a tidy table.

    Args:
        problem: SALib problem of the sample.
        X: The sample (rows in the order the outputs are given).
        Y: Outputs per outcome: ``{outcome: values}`` or a DataFrame with one column each,
            one value per row of ``X`` (already averaged over seeds).
        method: ``morris`` or ``sobol``.
        num_levels: Levels of the Morris grid.
        seed_values: Per outcome, the values per seed before averaging (points x seeds,
            NaN for a missing run); optional. They give the seed noise: ``noise_share`` and,
            for Morris, ``noise_floor``.
        groups: Per parameter, its group (``behaviour``/``policy``); optional.
        num_resamples: Bootstrap resamples of the confidence intervals.
        conf_level: Coverage of the confidence intervals.
        seed: Seed of the bootstrap.

    Returns:
        One row per outcome and parameter: ``outcome, parameter, group`` and, for Morris,
        ``mu, mu_star, mu_star_conf, sigma, share`` (mu* over the sum of mu*) and
        ``noise_floor`` (the mu* that seed noise alone stays below with 95% probability,
        NaN without ``seed_values`` or with one seed); for Sobol
        ``S1, S1_conf, ST, ST_conf``; for both ``noise_share`` (share of the outcome's
        variance that is seed noise), ``rank`` (1: most influential by mu* or ST) and
        ``n_points``.

    Raises:
        ExperimentError: Unknown method, or an outcome without one finite value per row.
    """
    check_method(method)
    X = np.asarray(X, dtype=float)
    frame = Y if isinstance(Y, pd.DataFrame) else pd.DataFrame(
        {k: np.asarray(v, dtype=float) for k, v in Y.items()})
    names = list(problem["names"])
    problem = {**problem, "num_vars": len(names)}
    groups = groups or {}
    seed_values = seed_values or {}
    settings = {"num_resamples": num_resamples, "conf_level": conf_level, "seed": seed}
    tables = []
    for outcome in frame.columns:
        y = frame[outcome].to_numpy(dtype=float)
        if y.shape[0] != X.shape[0] or not np.isfinite(y).all():
            raise ExperimentError(f"outcome '{outcome}': needs one finite value per sample row "
                                  f"({X.shape[0]}), got {np.isfinite(y).sum()} of {y.shape[0]}")
        per_seed = seed_values.get(outcome)
        per_seed = None if per_seed is None else np.asarray(per_seed, dtype=float)
        if method == "morris":
            table = _morris_indices(problem, X, y, per_seed, num_levels, settings)
            key = "mu_star"
        else:
            table = _sobol_indices(problem, y, settings)
            key = "ST"
        table.insert(0, "group", [groups.get(n, "") for n in names])
        table.insert(0, "parameter", names)
        table.insert(0, "outcome", outcome)
        table["noise_share"] = _noise_share(y, per_seed)
        table["rank"] = table[key].rank(ascending=False, method="first").astype(int)
        table["n_points"] = int(y.size)
        tables.append(table)
    if not tables:
        return pd.DataFrame(columns=["outcome", "parameter", "group", "rank"])
    return pd.concat(tables, ignore_index=True)


def _morris_indices(problem: Mapping[str, Any], X: np.ndarray, y: np.ndarray,
                    per_seed: np.ndarray | None, num_levels: int,
                    settings: Mapping[str, Any]) -> pd.DataFrame:
    """Morris mu, mu*, its confidence, sigma, share of the total mu* and the noise floor."""
    from SALib.analyze import morris

    si = morris.analyze(problem, X, y, num_levels=num_levels, **settings)
    table = pd.DataFrame({k: np.asarray(si[k], dtype=float)
                          for k in ("mu", "mu_star", "mu_star_conf", "sigma")})
    total = table["mu_star"].sum()
    table["share"] = table["mu_star"] / total if total > 0 else 0.0
    table["noise_floor"] = _noise_floor(per_seed, len(problem["names"]), num_levels)
    return table


def _sobol_indices(problem: Mapping[str, Any], y: np.ndarray,
                   settings: Mapping[str, Any]) -> pd.DataFrame:
    """Sobol first-order (S1) and total (ST) indices with their confidence."""
    from SALib.analyze import sobol

    with np.errstate(divide="ignore", invalid="ignore"):
        si = sobol.analyze(problem, y, calc_second_order=False, **settings)
    return pd.DataFrame({k: np.asarray(si[k], dtype=float)
                         for k in ("S1", "S1_conf", "ST", "ST_conf")})


def _noise_share(y: np.ndarray, per_seed: np.ndarray | None) -> float:
    """The share of the variance of ``y`` over points that is seed noise (at most 1)."""
    var_y = float(np.var(y, ddof=1)) if y.size > 1 else math.nan
    nv = _noise_variance(per_seed) if per_seed is not None else math.nan
    return min(1.0, nv / var_y) if var_y > 0 and math.isfinite(nv) else math.nan


def _seed_counts(values: np.ndarray) -> np.ndarray:
    return np.sum(np.isfinite(values), axis=-1)


def _noise_variance(values: np.ndarray | None) -> float:
    """Variance of a point's seed mean that is seed noise (pooled over points).

    Args:
        values: Points x seeds (NaN for a missing run).
    """
    if values is None or values.ndim != 2 or values.shape[1] < 2:
        return math.nan
    n = _seed_counts(values)
    ok = n >= 2
    if not ok.any():
        return math.nan
    with np.errstate(invalid="ignore"):
        var = np.nanvar(values[ok], axis=1, ddof=1)
    return float(np.mean(var / n[ok]))


def _noise_floor(values: np.ndarray | None, k: int, num_levels: int) -> float:
    """The mu* that seed noise alone stays below with 95% probability (Morris).

    The noise of an elementary effect is measured directly: for every step of every
    trajectory the change of the outcome is computed per seed, and the spread of these changes
    over seeds (divided by the number of seeds) is the noise variance of the averaged change.
    Seeds are shared by the points of a trajectory, so this includes the benefit of common
    random numbers. A parameter without influence has elementary effects ``e ~ N(0, v)``;
    ``|e|`` has mean ``sqrt(2 v / pi)`` and sd ``sqrt(v (1 - 2 / pi))``, and mu* averages one
    per trajectory.

    Args:
        values: Points x seeds in sample order (NaN for a missing run).
        k: Number of parameters (a trajectory has k + 1 points).
        num_levels: Levels of the Morris grid.
    """
    if values is None or values.ndim != 2 or values.shape[1] < 2:
        return math.nan
    r = values.shape[0] // (k + 1)
    if r < 1:
        return math.nan
    steps = np.diff(values[: r * (k + 1)].reshape(r, k + 1, -1), axis=1).reshape(r * k, -1)
    n = _seed_counts(steps)
    ok = n >= 2
    if not ok.any():
        return math.nan
    with np.errstate(invalid="ignore"):
        var = np.nanvar(steps[ok], axis=1, ddof=1) / n[ok]
    sd = math.sqrt(float(np.mean(var))) / _morris_delta(num_levels)
    return sd * math.sqrt(2.0 / math.pi) + _Z95 * sd * math.sqrt(1.0 - 2.0 / math.pi) / \
        math.sqrt(r)


def outcome_table(experiment: SensitivityExperiment, kpis: pd.DataFrame,
                  outcomes: Sequence[str] = OUTCOMES, months: int = END_MONTHS
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """End-of-run outcomes per point and seed, and per point averaged over seeds.

    Runs are matched to points by run id (two identical sample rows share their runs).

    Args:
        experiment: The experiment.
        kpis: Monthly KPIs of its finished runs (``read_results(out)["kpis"]``).
        outcomes: KPIs to analyse.
        months: End-of-run window in months.

    Returns:
        ``(per_seed, per_point)``: ``per_seed`` is long (contrast, kpi, point, seed_index,
        value) with contrasts the designs and each other design minus the baseline, paired by
        seed (labelled by :func:`~.problem.difference`); ``per_point`` has one row per point
        and one column per ``(contrast, kpi)`` (mean over seeds), plus ``seeds`` (paired
        seeds per point).

    Raises:
        ExperimentError: A KPI is missing from the results.
    """
    missing = [k for k in outcomes if k not in kpis.columns]
    if missing:
        raise ExperimentError(f"the results have no KPI {', '.join(missing)}")
    runs = pd.DataFrame([{"run_id": r.run_id, "point": r.point,
                          "design": short_label(r.design), "seed_index": r.seed_index}
                         for r in experiment.runs()])
    end = end_values(kpis[["run_id", "month", *outcomes]], months=months)
    merged = runs.merge(end[["run_id", *outcomes]], on="run_id", how="inner")
    labels = [short_label(d) for d in experiment.designs]
    baseline = labels[experiment.designs.index(experiment.baseline_design)]
    by_design = {d: merged[merged["design"] == d].set_index(["point", "seed_index"])[
        list(outcomes)].sort_index() for d in labels}
    parts = {d: by_design[d] for d in labels}
    others = [d for d in labels if d != baseline]
    for d in others:
        diff = (by_design[d] - by_design[baseline]).dropna(how="all")
        parts[difference(d, baseline)] = diff
    long = []
    for contrast, table in parts.items():
        if table.empty:
            continue
        melted = table.reset_index().melt(id_vars=["point", "seed_index"], var_name="kpi",
                                          value_name="value")
        melted.insert(0, "contrast", contrast)
        long.append(melted)
    per_seed = pd.concat(long, ignore_index=True) if long else pd.DataFrame(
        columns=["contrast", "kpi", "point", "seed_index", "value"])
    per_point = per_seed.pivot_table(index="point", columns=["contrast", "kpi"],
                                     values="value", aggfunc="mean", dropna=False)
    order = [(c, k) for c in parts for k in outcomes if (c, k) in per_point.columns]
    per_point = per_point.reindex(index=range(len(experiment.sample_rows)), columns=order)
    per_point.columns = pd.MultiIndex.from_tuples(order, names=["contrast", "kpi"])
    counted = list(parts)[-1]  # a difference (paired seeds), or the only design
    seeds = per_seed[per_seed["contrast"] == counted].groupby("point")["seed_index"].nunique()
    per_point[("seeds", "")] = seeds.reindex(per_point.index).fillna(0).astype(int)
    return per_seed, per_point


def _seed_matrices(per_seed: pd.DataFrame, points: int) -> dict[str, np.ndarray]:
    """Per ``contrast/kpi``: the values as points x seeds (NaN for a missing run)."""
    out: dict[str, np.ndarray] = {}
    if per_seed.empty:
        return out
    seeds = sorted(per_seed["seed_index"].unique())
    for (contrast, kpi), g in per_seed.groupby(["contrast", "kpi"], sort=False):
        table = g.pivot_table(index="point", columns="seed_index", values="value",
                              aggfunc="mean", dropna=False)
        out[f"{contrast}/{kpi}"] = table.reindex(index=range(points), columns=seeds).to_numpy(
            dtype=float)
    return out


def analyse_experiment(experiment: SensitivityExperiment, kpis: pd.DataFrame,
                       outcomes: Sequence[str] = OUTCOMES,
                       num_resamples: int = NUM_RESAMPLES) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Indices of every (contrast, KPI) of an experiment's results.

    Returns:
        ``(indices, per_point)``: the tidy indices of :func:`analyse` with ``contrast`` and
        ``kpi`` columns added (``outcome`` is ``contrast/kpi``) and the per-point outcomes of
        :func:`outcome_table`.

    Raises:
        ExperimentError: Points without a finished run under every design (run the same
            command again to retry failed runs).
    """
    per_seed, per_point = outcome_table(experiment, kpis, outcomes)
    values = per_point.drop(columns=[("seeds", "")])
    incomplete = values.index[values.isna().any(axis=1)]
    if len(incomplete):
        raise ExperimentError(
            f"{len(incomplete)} of {len(values)} parameter points have no finished run under "
            f"every design (first: point {int(incomplete[0])}); run the same command again "
            f"to retry the failed runs")
    Y = pd.DataFrame({f"{c}/{k}": values[(c, k)].to_numpy() for c, k in values.columns})
    seed_values = _seed_matrices(per_seed, len(values))
    groups = {f.name: f.group for f in FACTORS}
    indices = analyse(experiment.problem, np.asarray(experiment.sample_rows), Y,
                      experiment.method,
                      num_levels=experiment.num_levels, seed_values=seed_values, groups=groups,
                      num_resamples=num_resamples, seed=experiment.root_seed)
    split = indices["outcome"].str.split("/", n=1, expand=True)
    indices.insert(1, "contrast", split[0])
    indices.insert(2, "kpi", split[1])
    indices.insert(0, "method", experiment.method)
    return indices, per_point


def clear_drivers(t: pd.DataFrame, morris: bool) -> pd.DataFrame:
    """The parameters of one outcome that stand out from seed noise, most influential first.

    Args:
        t: The indices of one outcome (rows of :func:`analyse`).
        morris: Morris indices (above the noise floor, where there is one) or Sobol (ST
            exceeds 0.05 beyond its interval).
    """
    t = t.sort_values("mu_star" if morris else "ST", ascending=False)
    if morris and t["noise_floor"].notna().any():
        return t[t["mu_star"] > t["noise_floor"]]
    if not morris:
        return t[t["ST"] - t["ST_conf"] > 0.05]
    return t


def inactive(indices: pd.DataFrame, experiment: SensitivityExperiment) -> list[str]:
    """Parameters with no effect at all (mu* or ST zero) on every outcome."""
    key = "mu_star" if experiment.method == "morris" else "ST"
    top = indices.groupby("parameter")[key].apply(lambda v: float(np.nanmax(np.abs(v))))
    scale = indices.groupby("outcome")[key].max().max()
    tol = 1e-12 * max(1.0, float(scale)) if np.isfinite(scale) else 1e-12
    return [n for n in experiment.names if n in top.index and top[n] <= tol]


def difference_distribution(per_point: pd.DataFrame, kpi: str,
                            contrast: str) -> dict[str, float]:
    """Mean, 10th and 90th percentile of a difference over points; shares better/worse.

    Args:
        per_point: Per-point outcomes (:func:`outcome_table`).
        kpi: The KPI.
        contrast: The difference's label (:func:`~.problem.difference`).

    A difference within 1e-9 of the larger design value counts as no difference.
    """
    if (contrast, kpi) not in per_point.columns:
        return {}
    d = per_point[(contrast, kpi)].to_numpy(dtype=float)
    levels = [per_point[c].to_numpy(dtype=float) for c in per_point.columns
              if c[1] == kpi and not is_difference(c[0])]
    scale = np.max(np.abs(levels), axis=0) if levels else np.ones_like(d)
    signed = d * KPI_DIRECTION.get(kpi, 0)
    tie = np.abs(d) <= 1e-9 * np.maximum(1.0, scale)
    direction = KPI_DIRECTION.get(kpi, 0)
    better = float(np.mean((signed > 0) & ~tie)) if direction else math.nan
    worse = float(np.mean((signed < 0) & ~tie)) if direction else math.nan
    return {"mean": float(np.mean(d)), "p10": float(np.percentile(d, 10)),
            "p90": float(np.percentile(d, 90)), "better": better, "worse": worse,
            "equal": float(np.mean(tie))}


def read_kpis(out: Path, outcomes: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The manifest and the KPI columns needed, of runs whose manifest row says ok.

    Like :func:`agents_model.runner.read_results`, but reads only the columns the analysis
    needs and not the provider tables.
    """
    frames = []
    for name, columns in (("manifest", None), ("kpis", ["run_id", "month", *outcomes])):
        folder = out / name
        if folder.is_dir() and any(folder.glob("*.parquet")):
            frames.append(pd.read_parquet(folder, columns=columns))
        else:
            frames.append(pd.DataFrame(columns=columns or ["run_id", "status", "duration_s"]))
    manifest, kpis = frames
    ok = set(manifest.loc[manifest["status"] == "ok", "run_id"]) if len(manifest) else set()
    return manifest, kpis[kpis["run_id"].isin(ok)].reset_index(drop=True)
