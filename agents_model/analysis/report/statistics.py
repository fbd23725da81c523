"""Statistics of experiment results: end values, intervals over seeds, paired differences.

* the *end value* of a KPI in a run is its mean over the run's last twelve months, so monthly
  noise and December settlements average out (:func:`end_values`);
* a design's value is the mean of its runs' end values with a 95% interval over seeds,
  ``mean +- t(0.975, n-1) * sd / sqrt(n)`` (:func:`interval`); with one seed the interval is the
  point itself. A KPI that cannot leave a range (counts, durations and money are never below
  0; shares, trust and the indexes lie in [0, 1]) has its interval cut to that range
  (:func:`kpi_range`): the mean of such a KPI cannot lie outside it, so the cut interval covers
  the mean as often as the uncut one and no longer shows impossible values. Differences are
  not cut;
* designs share their seeds (common random numbers), so a design is compared with the baseline
  seed by seed: the difference per (region, parameter point, seed) and its mean and 95% interval
  (:func:`paired_differences`). An interval that includes 0 means no clear difference.

:data:`KPI_DIRECTION` says whether higher is better (+1), lower is better (-1) or neither (0);
it turns differences into "better" and "worse" (:func:`verdict`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from agents_model.metrics import KPI_UNITS
from agents_model.runner.experiments import ExperimentError

__all__ = [
    "ID_COLUMNS",
    "KPI_DIRECTION",
    "LEVEL",
    "TIME_COLUMNS",
    "Interval",
    "bound_intervals",
    "end_values",
    "finite",
    "interval",
    "intervals",
    "kpi_columns",
    "kpi_range",
    "paired_differences",
    "summarise",
    "verdict",
]

_HIGHER_IS_BETTER = (
    "transformation_index", "transformation_index_outcomes", "transformation_index_access",
    "transformation_results", "transformation_no_relapse", "transformation_general_provision",
    "transformation_access", "transformation_light_care", "innovation_mean",
    "trust_municipality_to_provider", "trust_provider_to_municipality", "regional_cohesion",
    "hours_delivered_ratio", "general_provision_share", "step_down_rate", "active_providers",
    "contracted_providers",
)
_LOWER_IS_BETTER = (
    "spend", "cost_per_client", "waiting_list", "mean_wait_months", "unmet_need", "admin_share",
    "placement_attempts", "refusal_rate_complex", "upcoding_rate", "rules_count",
    "share_heavy_indications", "hhi", "waiting_months_per_1000",
)

KPI_DIRECTION: dict[str, int] = {
    name: 1 if name in _HIGHER_IS_BETTER else -1 if name in _LOWER_IS_BETTER else 0
    for name in (*KPI_UNITS, *_HIGHER_IS_BETTER, *_LOWER_IS_BETTER)
}
"""+1: higher is better; -1: lower is better; 0: neither (KPIs not listed count as 0)."""

LEVEL = 0.95
"""Coverage of the intervals."""

ID_COLUMNS = ("run_id", "region", "design", "point", "seed_index")
TIME_COLUMNS = ("month", "year")

_UNBOUNDED_UNITS = frozenset({"", "-", "year"})
"""Units of KPIs that may take any value (the range of the others is derived from the unit)."""


def kpi_range(name: str) -> tuple[float, float]:
    """The values a KPI can take, from its unit.

    Returns:
        (low, high): [0, 1] for shares, trust and indexes (unit ``0-1`` or ``share ...``),
        [0, inf) for counts, durations, money and ratios, else (-inf, inf).
    """
    unit = KPI_UNITS.get(name)
    if unit is None or unit in _UNBOUNDED_UNITS:
        return (-math.inf, math.inf)
    if unit == "0-1" or unit.startswith("share"):
        return (0.0, 1.0)
    return (0.0, math.inf)


def bound_intervals(table: pd.DataFrame) -> pd.DataFrame:
    """Cut ``low`` and ``high`` of a long table of KPI levels to each KPI's range.

    For levels (kpi, mean, low, high, ...), never for differences (:func:`kpi_range`).
    """
    out = table.copy()
    ranges = out["kpi"].map(kpi_range)
    lows = ranges.map(lambda r: r[0]).astype(float)
    highs = ranges.map(lambda r: r[1]).astype(float)
    out["low"] = out["low"].clip(lower=lows, upper=highs)
    out["high"] = out["high"].clip(lower=lows, upper=highs)
    return out


class Interval(NamedTuple):
    """A mean with its 95% interval over ``n`` values."""

    mean: float
    low: float
    high: float
    n: int


def _t_quantile(n: np.ndarray | int, level: float = LEVEL) -> np.ndarray:
    """``t(0.5 + level / 2, n - 1)`` (nan where n < 2)."""
    from scipy import stats

    n = np.asarray(n, dtype=float)
    df = np.where(n >= 2, n - 1, np.nan)
    return stats.t.ppf(0.5 + level / 2, df)


def interval(values: Iterable[float], level: float = LEVEL) -> Interval:
    """Mean and t-based interval of values (NaN values are left out).

    Args:
        values: The values, one per seed.
        level: Coverage of the interval.

    Returns:
        ``Interval(mean, low, high, n)`` with ``mean +- t(0.5 + level/2, n-1) * sd / sqrt(n)``;
        with one value the interval is the value itself; with none everything is NaN.
    """
    x = np.asarray(list(values), dtype=float)
    x = x[~np.isnan(x)]
    n = int(x.size)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if n == 1:
        return Interval(mean, mean, mean, 1)
    half = float(_t_quantile(n, level)) * float(x.std(ddof=1)) / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n)


def intervals(frame: pd.DataFrame, by: Sequence[str], columns: Sequence[str],
               level: float = LEVEL) -> pd.DataFrame:
    """Intervals of many columns per group, as a long table (by..., kpi, mean, low, high, n)."""
    by, columns = list(by), list(columns)
    out_columns = [*by, "kpi", "mean", "low", "high", "n"]
    if frame.empty or not columns:
        return pd.DataFrame(columns=out_columns)
    grouped = frame.groupby(by, sort=False, dropna=False)[columns]
    mean, sd, n = grouped.mean(), grouped.std(ddof=1), grouped.count()
    half = (sd * _t_quantile(n.to_numpy(), level)) / np.sqrt(n)
    half = half.where(n >= 2, 0.0)

    def long(table: pd.DataFrame, name: str) -> pd.DataFrame:
        return table.reset_index().melt(id_vars=by, var_name="kpi", value_name=name)

    out = long(mean, "mean")
    out["low"] = long(mean - half, "low")["low"].to_numpy()
    out["high"] = long(mean + half, "high")["high"].to_numpy()
    out["n"] = long(n, "n")["n"].astype(int).to_numpy()
    return out[out_columns]


def kpi_columns(kpis: pd.DataFrame) -> list[str]:
    """The numeric KPI columns of a KPI table (not the id and time columns)."""
    skip = set(ID_COLUMNS) | set(TIME_COLUMNS)
    return [c for c in kpis.columns
            if c not in skip and pd.api.types.is_numeric_dtype(kpis[c])
            and not pd.api.types.is_bool_dtype(kpis[c])]


def end_values(kpis: pd.DataFrame, months: int = 12) -> pd.DataFrame:
    """Per run, the mean of each KPI over its last ``months`` months.

    Args:
        kpis: Monthly KPI rows (columns run_id, region, design, point, seed_index, month and the
            KPIs), as in ``read_results(out)["kpis"]``.
        months: Months at the end of each run to average over.

    Returns:
        One row per run: the id columns and the KPIs' end values.

    Raises:
        ValueError: ``months`` is less than 1.
    """
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    ids = [c for c in ID_COLUMNS if c in kpis.columns]
    if kpis.empty:
        return pd.DataFrame(columns=ids)
    last = kpis.groupby("run_id")["month"].transform("max")
    window = kpis[kpis["month"] > last - months]
    end = window.groupby(ids, sort=True, dropna=False)[kpi_columns(kpis)].mean()
    return end.reset_index()


def summarise(end: pd.DataFrame, kpis: Sequence[str] | None = None,
              level: float = LEVEL) -> pd.DataFrame:
    """Mean and interval over seeds of each design's end values (cut to each KPI's range).

    Args:
        end: End values per run (:func:`end_values`).
        kpis: KPIs to summarise (default: every KPI column).
        level: Coverage of the intervals.

    Returns:
        A long table: region, point, design, kpi, mean, low, high, n.
    """
    names = list(kpis) if kpis is not None else kpi_columns(end)
    return bound_intervals(intervals(end, ["region", "point", "design"], names, level))


def paired_differences(end: pd.DataFrame, baseline: str, kpis: Sequence[str] | None = None,
                       level: float = LEVEL) -> pd.DataFrame:
    """Differences of each design against the baseline, paired by (region, point, seed_index).

    Args:
        end: End values per run (:func:`end_values`).
        baseline: The design the others are compared with.
        kpis: KPIs to compare (default: every KPI column).
        level: Coverage of the intervals.

    Returns:
        A long table: region, point, design, kpi, mean, low, high, n (pairs) and
        baseline_mean (the baseline's mean over the same pairs). Empty if there is no other
        design. Seeds without a finished run in both designs are left out.

    Raises:
        ExperimentError: The baseline has no runs in ``end``.
    """
    names = list(kpis) if kpis is not None else kpi_columns(end)
    designs = list(dict.fromkeys(end["design"])) if not end.empty else []
    if baseline not in designs:
        raise ExperimentError(f"baseline '{baseline}' is not among the designs with finished "
                              f"runs ({', '.join(map(str, designs)) or 'none'})")
    keys = ["region", "point", "seed_index"]
    base = end.loc[end["design"] == baseline, [*keys, *names]]
    other = end.loc[end["design"] != baseline, [*keys, "design", *names]]
    pairs = other.merge(base, on=keys, how="inner", suffixes=("", "__base"))
    diff = pairs[[*keys, "design"]].copy()
    for name in names:
        diff[name] = pairs[name] - pairs[f"{name}__base"]
    out = intervals(diff, ["region", "point", "design"], names, level)
    if out.empty:
        return out.assign(baseline_mean=pd.Series(dtype=float))
    base_means = pairs[["region", "point", "design", *[f"{n}__base" for n in names]]]
    base_means = base_means.rename(columns={f"{n}__base": n for n in names})
    base_means = (base_means.groupby(["region", "point", "design"], sort=False)[names].mean()
                  .reset_index().melt(id_vars=["region", "point", "design"], var_name="kpi",
                                      value_name="baseline_mean"))
    return out.merge(base_means, on=["region", "point", "design", "kpi"], how="left")


def verdict(kpi: str, mean: float, low: float, high: float, scale: float = 1.0) -> str:
    """Read a difference: better, worse, no clear difference (or higher/lower if neutral).

    Args:
        kpi: KPI name (its direction comes from :data:`KPI_DIRECTION`).
        mean: Mean difference (design minus baseline).
        low: Lower end of its interval.
        high: Upper end of its interval.
        scale: Size of the baseline value (differences within 1e-9 of it count as 0).

    Returns:
        ``better``, ``worse``, ``no clear difference`` (the interval includes 0), ``higher`` or
        ``lower`` (a KPI with no better direction) or ``no data``.
    """
    if not all(finite(v) for v in (mean, low, high)):
        return "no data"
    tol = 1e-9 * max(1.0, abs(float(scale)) if finite(scale) else 1.0)
    if low <= tol and high >= -tol:
        return "no clear difference"
    direction = KPI_DIRECTION.get(kpi, 0)
    if direction == 0:
        return "higher" if mean > 0 else "lower"
    return "better" if mean * direction > 0 else "worse"




def finite(value: Any) -> bool:
    """Whether a value is a finite number."""
    return isinstance(value, (int, float, np.number)) and math.isfinite(float(value))
