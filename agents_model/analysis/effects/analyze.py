"""Main effects and two-way interactions of a factorial design, paired by seed.

Every cell of the factorial shares its seeds, so a lever's effect is measured on pairs of runs
that differ in that lever only: same seed, same levels of every other lever. A main effect of
level ``l`` of factor ``f`` is the mean over all such pairs of (KPI at ``l`` - KPI at the
reference level), with a 95% t-interval over the pairs; it averages over the levels of the other
factors (a balanced design). An interaction of two factors at levels ``a`` and ``b`` is the
mean of the difference-in-differences ``(Y[a, b] - Y[a, ref]) - (Y[ref, b] - Y[ref, ref])``
over the seeds and the levels of the remaining factors.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from typing import Any

import pandas as pd

from agents_model.analysis.report.statistics import LEVEL, end_values, intervals

__all__ = ["EFFECT_KPIS", "interactions", "main_effects", "run_table"]

EFFECT_KPIS: tuple[str, ...] = (
    "transformation_index", "transformation_index_outcomes", "transformation_index_access",
    "innovation_mean", "trust_municipality_to_provider", "trust_provider_to_municipality",
    "waiting_list", "mean_wait_months", "spend", "cost_per_client", "active_providers",
    "contracted_providers",
)
"""The question's outcomes: transformation, trust, waiting, cost and choice."""


def run_table(tables: dict[str, pd.DataFrame], factors: dict[str, list[Any]]) -> pd.DataFrame:
    """End values per run with a column per factor holding the run's level.

    Args:
        tables: ``read_results(out)`` of the factorial.
        factors: The design's factors and levels.
    """
    end = end_values(tables["kpis"])
    manifest = tables["manifest"]
    params = {row.run_id: json.loads(row.params) for row in
              manifest[manifest["status"] == "ok"].itertuples()}
    for name, levels in factors.items():
        end[name] = [params.get(run, {}).get(name, levels[0]) for run in end["run_id"]]
    return end


def _key(level: Any) -> str:
    return json.dumps(level)


def main_effects(runs: pd.DataFrame, factors: dict[str, list[Any]],
                 kpis: Sequence[str] = EFFECT_KPIS, level: float = LEVEL) -> pd.DataFrame:
    """Each factor level's effect against the factor's reference level.

    Returns:
        A long table: factor, level, reference, kpi, mean, low, high, n (pairs).
    """
    kpis = [k for k in kpis if k in runs.columns]
    rows = []
    for name, levels in factors.items():
        others = [f for f in factors if f != name]
        keys = ["region", "seed_index", *others]
        base = runs[runs[name].map(_key) == _key(levels[0])][[*keys, *kpis]]
        for value in levels[1:]:
            here = runs[runs[name].map(_key) == _key(value)][[*keys, *kpis]]
            pairs = here.merge(base, on=keys, suffixes=("", "__ref"))
            diff = pd.DataFrame({k: pairs[k] - pairs[f"{k}__ref"] for k in kpis})
            diff["factor"], diff["level"] = name, str(value)
            stats = intervals(diff, ["factor", "level"], kpis, level)
            stats["reference"] = str(levels[0])
            rows.append(stats)
    columns = ["factor", "level", "reference", "kpi", "mean", "low", "high", "n"]
    return pd.concat(rows, ignore_index=True)[columns] if rows else pd.DataFrame(columns=columns)


def _cell(runs: pd.DataFrame, first: tuple[str, str], second: tuple[str, str],
          keys: list[str], kpis: list[str], suffix: str) -> pd.DataFrame:
    """The runs at one pair of levels of two factors, KPI columns renamed with ``suffix``."""
    (a, level_a), (b, level_b) = first, second
    part = runs[(runs[a].map(_key) == level_a) & (runs[b].map(_key) == level_b)]
    return part[[*keys, *kpis]].rename(columns={k: k + suffix for k in kpis})


def interactions(runs: pd.DataFrame, factors: dict[str, list[Any]],
                 kpis: Sequence[str] = EFFECT_KPIS, level: float = LEVEL) -> pd.DataFrame:
    """Two-way interactions of every pair of factors at every pair of non-reference levels.

    Returns:
        A long table: factor_a, level_a, factor_b, level_b, kpi, mean, low, high, n, sorted by
        the size of the mean within each KPI.
    """
    kpis = [k for k in kpis if k in runs.columns]
    rows = []
    for a, b in itertools.combinations(factors, 2):
        others = [f for f in factors if f not in (a, b)]
        keys = ["region", "seed_index", *others]
        ref_a, ref_b = _key(factors[a][0]), _key(factors[b][0])
        base = _cell(runs, (a, ref_a), (b, ref_b), keys, kpis, "__00")
        for value_a, value_b in itertools.product(factors[a][1:], factors[b][1:]):
            la, lb = _key(value_a), _key(value_b)
            joined = _cell(runs, (a, la), (b, lb), keys, kpis, "__11") \
                .merge(_cell(runs, (a, la), (b, ref_b), keys, kpis, "__10"), on=keys) \
                .merge(_cell(runs, (a, ref_a), (b, lb), keys, kpis, "__01"), on=keys) \
                .merge(base, on=keys)
            diff = pd.DataFrame({k: joined[k + "__11"] - joined[k + "__10"]
                                 - joined[k + "__01"] + joined[k + "__00"] for k in kpis})
            diff["factor_a"], diff["level_a"] = a, str(value_a)
            diff["factor_b"], diff["level_b"] = b, str(value_b)
            rows.append(intervals(diff, ["factor_a", "level_a", "factor_b", "level_b"], kpis,
                                  level))
    columns = ["factor_a", "level_a", "factor_b", "level_b", "kpi", "mean", "low", "high", "n"]
    if not rows:
        return pd.DataFrame(columns=columns)
    out = pd.concat(rows, ignore_index=True)[columns]
    out["size"] = out["mean"].abs()
    out = out.sort_values(["kpi", "size"], ascending=[True, False], kind="stable")
    return out.drop(columns="size").reset_index(drop=True)
