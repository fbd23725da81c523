"""Reports of experiments: end-of-run statistics, paired differences, figures and Markdown.

The report answers the question the designs are compared on: does buying from fewer strategic
partners or consortia improve transformation, and at what price in trust, cost, choice and
waiting time.

Statistics:

* the *end value* of a KPI in a run is its mean over the run's last twelve months, so monthly
  noise and December settlements average out (:func:`end_values`);
* a design's value is the mean of its runs' end values with a 95% interval over seeds,
  ``mean +- t(0.975, n-1) * sd / sqrt(n)`` (:func:`interval`); with one seed the interval is the
  point itself;
* designs share their seeds (common random numbers), so a design is compared with the baseline
  seed by seed: the difference per (region, parameter point, seed) and its mean and 95% interval
  (:func:`paired_differences`). An interval that includes 0 means no clear difference.

:data:`KPI_DIRECTION` says whether higher is better (+1), lower is better (-1) or neither (0);
it turns differences into "better" and "worse". :func:`end_summary` renders all of this as plain
text; :func:`write_report` writes ``OUT/report/report.md`` with figures (PNG), the summary as
text (``summary.txt``) and the tables behind it (CSV).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from agents_model.experiment import ExperimentError, read_results
from agents_model.metrics import KPI_UNITS, RATE_KPIS

__all__ = [
    "KPI_DIRECTION",
    "QUESTION_GROUPS",
    "REPORT_KPIS",
    "Interval",
    "end_summary",
    "end_values",
    "interval",
    "paired_differences",
    "read_experiment",
    "summarise",
    "verdict",
    "write_report",
]

_HIGHER_IS_BETTER = (
    "transformation_index", "transformation_innovation", "transformation_general_provision",
    "transformation_step_down", "transformation_light_care", "innovation_mean",
    "trust_municipality_to_provider", "trust_provider_to_municipality", "regional_cohesion",
    "hours_delivered_ratio", "general_provision_share", "step_down_rate", "active_providers",
)
_LOWER_IS_BETTER = (
    "spend", "cost_per_client", "waiting_list", "mean_wait_months", "unmet_need", "admin_share",
    "placement_attempts", "refusal_rate_complex", "upcoding_rate", "rules_count",
    "share_heavy_indications", "hhi",
)

KPI_DIRECTION: dict[str, int] = {
    name: 1 if name in _HIGHER_IS_BETTER else -1 if name in _LOWER_IS_BETTER else 0
    for name in (*KPI_UNITS, *_HIGHER_IS_BETTER, *_LOWER_IS_BETTER)
}
"""+1: higher is better; -1: lower is better; 0: neither (KPIs not listed count as 0)."""

REPORT_KPIS: tuple[str, ...] = (
    "transformation_index", "innovation_mean", "trust_municipality_to_provider",
    "trust_provider_to_municipality", "regional_cohesion", "spend", "cost_per_client",
    "waiting_list", "mean_wait_months", "active_providers", "hhi", "admin_share",
    "hours_delivered_ratio", "upcoding_rate", "refusal_rate_complex", "placement_attempts",
    "step_down_rate", "general_provision_share", "unmet_need",
)
"""The main KPIs of a report, in order."""

QUESTION_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("transformation", ("transformation_index",)),
    ("trust", ("trust_municipality_to_provider", "trust_provider_to_municipality")),
    ("cost", ("spend", "cost_per_client")),
    ("choice", ("active_providers",)),
    ("waiting", ("waiting_list", "mean_wait_months")),
)
"""The question's parts and the KPIs that answer them (the "in short" line of a comparison)."""

LEVEL = 0.95
"""Coverage of the intervals."""

ID_COLUMNS = ("run_id", "region", "design", "point", "seed_index")
TIME_COLUMNS = ("month", "year")
MAX_PANELS = 12
"""At most this many region/point panels per time figure."""

#: KPIs that measure a month or the past twelve months: no value in the start row (month 0).
_FLOW_KPIS = RATE_KPIS | {"spend", "cost_per_client", "admin_share", "hours_delivered_ratio",
                          "upcoding_rate", "refusal_rate_complex"}
_UNITLESS = {"0-1", ""}
_COLORS = {"better": "#1a9850", "worse": "#d73027", "no clear difference": "#8c8c8c",
           "higher": "#4575b4", "lower": "#4575b4", "no data": "#8c8c8c"}


# --- statistics ---------------------------------------------------------------------------------


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


def _intervals(frame: pd.DataFrame, by: Sequence[str], columns: Sequence[str],
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
    """Mean and interval over seeds of each design's end values.

    Args:
        end: End values per run (:func:`end_values`).
        kpis: KPIs to summarise (default: every KPI column).
        level: Coverage of the intervals.

    Returns:
        A long table: region, point, design, kpi, mean, low, high, n.
    """
    names = list(kpis) if kpis is not None else kpi_columns(end)
    return _intervals(end, ["region", "point", "design"], names, level)


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
    out = _intervals(diff, ["region", "point", "design"], names, level)
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
    if not all(_finite(v) for v in (mean, low, high)):
        return "no data"
    tol = 1e-9 * max(1.0, abs(float(scale)) if _finite(scale) else 1.0)
    if low <= tol and high >= -tol:
        return "no clear difference"
    direction = KPI_DIRECTION.get(kpi, 0)
    if direction == 0:
        return "higher" if mean > 0 else "lower"
    return "better" if mean * direction > 0 else "worse"


# --- preparing results --------------------------------------------------------------------------


def _label(name: str) -> str:
    """Short label of a region or design (as the runner writes it in the tables)."""
    return Path(name).stem if str(name).endswith(".toml") else str(name)


def _first_line(text: Any) -> str:
    lines = str(text or "").strip().splitlines()
    return lines[0] if lines else "(no error text)"


@dataclass
class _Results:
    """Finished runs of an experiment and the statistics computed from them."""

    kpis: pd.DataFrame
    providers: pd.DataFrame
    manifest: pd.DataFrame
    failed: pd.DataFrame
    names: list[str]
    missing: list[str]
    designs: list[str]
    regions: list[str]
    baseline: str
    groups: list[tuple[str, int]]
    point_labels: dict[int, str]
    end: pd.DataFrame
    stats: pd.DataFrame
    diffs: pd.DataFrame
    months: int
    ok_runs: int
    seeds: dict[str, int] = field(default_factory=dict)


def _ordered(present: Iterable[Any], preferred: Iterable[Any]) -> list[Any]:
    """Present values: those in ``preferred`` first (in its order), then the rest sorted."""
    present = list(dict.fromkeys(present))
    first = [p for p in dict.fromkeys(preferred) if p in present]
    return first + sorted((p for p in present if p not in first), key=str)


def _point_labels(manifest: pd.DataFrame) -> dict[int, str]:
    """For each parameter point, the parameters that vary between points ('a=1, b=2')."""
    if manifest.empty or "params" not in manifest.columns or "point" not in manifest.columns:
        return {}
    params: dict[int, dict[str, Any]] = {}
    for point, text in manifest.drop_duplicates("point")[["point", "params"]].itertuples(
            index=False):
        try:
            value = json.loads(text) if isinstance(text, str) else {}
        except json.JSONDecodeError:
            value = {}
        params[int(point)] = value if isinstance(value, dict) else {}
    keys = sorted({k for p in params.values() for k in p})
    varying = [k for k in keys if len({json.dumps(p.get(k), default=str)
                                       for p in params.values()}) > 1]
    return {point: ", ".join(f"{k}={p.get(k)}" for k in varying) for point, p in params.items()}


def _prepare(tables: dict[str, pd.DataFrame], baseline: str | None, kpis: Sequence[str],
             months: int, spec: dict[str, Any] | None) -> _Results:
    """Keep the finished runs, order designs and regions, compute the statistics."""
    spec = spec if isinstance(spec, dict) else {}
    if isinstance(kpis, str):
        kpis = [kpis]
    frame = tables.get("kpis")
    frame = frame if isinstance(frame, pd.DataFrame) else pd.DataFrame()
    providers = tables.get("providers")
    providers = providers if isinstance(providers, pd.DataFrame) else pd.DataFrame()
    manifest = tables.get("manifest")
    manifest = manifest if isinstance(manifest, pd.DataFrame) else pd.DataFrame()

    failed = pd.DataFrame()
    if not manifest.empty and {"status", "run_id"} <= set(manifest.columns):
        failed = manifest[manifest["status"] != "ok"]
        manifest = manifest[manifest["status"] == "ok"]
        finished = set(manifest["run_id"])
        if not frame.empty:
            frame = frame[frame["run_id"].isin(finished)]
        if not providers.empty and "run_id" in providers.columns:
            providers = providers[providers["run_id"].isin(finished)]
    if frame.empty:
        message = "no finished runs"
        if len(failed):
            first = _first_line(failed["error"].iloc[0]) if "error" in failed.columns else ""
            message += f" ({len(failed)} failed; the first error: {first})"
        raise ExperimentError(message)
    lacking = [c for c in (*ID_COLUMNS, "month") if c not in frame.columns]
    if lacking:
        raise ExperimentError(f"the KPI table lacks the column(s) {', '.join(lacking)}")

    names = [k for k in dict.fromkeys(kpis) if k in frame.columns]
    missing = [k for k in dict.fromkeys(kpis) if k not in frame.columns]
    if not names:
        raise ExperimentError(f"none of the KPIs asked for ({', '.join(kpis) or 'none'}) are in "
                              f"the results")

    designs = _ordered(frame["design"], (_label(d) for d in spec.get("designs", [])))
    regions = _ordered(frame["region"], (_label(r) for r in spec.get("regions", [])))
    chosen = _label(baseline) if baseline else _label(spec.get("baseline") or "") or designs[0]
    if chosen not in designs:
        raise ExperimentError(f"baseline '{chosen}' is not among the designs with finished "
                              f"runs ({', '.join(designs)})")
    designs = [chosen] + [d for d in designs if d != chosen]

    end = end_values(frame, months)
    stats = summarise(end, names)
    diffs = paired_differences(end, chosen, names)
    region_rank = {r: i for i, r in enumerate(regions)}
    design_rank = {d: i for i, d in enumerate(designs)}
    kpi_rank = {k: i for i, k in enumerate(names)}

    def order(table: pd.DataFrame) -> pd.DataFrame:
        if table.empty:
            return table
        key = table.assign(_r=table["region"].map(region_rank), _d=table["design"].map(design_rank),
                           _k=table["kpi"].map(kpi_rank))
        key = key.sort_values(["_r", "point", "_d", "_k"], kind="stable")
        return key.drop(columns=["_r", "_d", "_k"]).reset_index(drop=True)

    pairs = frame[["region", "point"]].drop_duplicates()
    groups = sorted(((str(r), int(p)) for r, p in pairs.itertuples(index=False)),
                    key=lambda g: (region_rank[g[0]], g[1]))
    seeds = end.groupby("design")["seed_index"].nunique().to_dict()
    return _Results(kpis=frame, providers=providers, manifest=manifest, failed=failed,
                    names=names, missing=missing, designs=designs, regions=regions,
                    baseline=chosen, groups=groups, point_labels=_point_labels(manifest),
                    end=end, stats=order(stats), diffs=order(diffs), months=months,
                    ok_runs=int(frame["run_id"].nunique()), seeds=seeds)


# --- formatting ---------------------------------------------------------------------------------


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float, np.number)) and math.isfinite(float(value))


def _decimals(*values: float) -> int:
    """Decimals that show about three significant digits of the largest value."""
    ref = max((abs(float(v)) for v in values if _finite(v)), default=0.0)
    if ref == 0:
        return 0
    return int(min(6, max(0, 2 - math.floor(math.log10(ref)))))


def _num(value: float, decimals: int, signed: bool = False) -> str:
    """A number with a fixed number of decimals (thousands separated; '+' if signed)."""
    if not _finite(value):
        return "n/a"
    value = float(value)
    if round(value, decimals) == 0:
        return f"{0:.{decimals}f}"
    return f"{value:{'+' if signed else ''},.{decimals}f}"


def _cell(mean: float, low: float, high: float, signed: bool = False) -> str:
    """'mean [low, high]', or just the mean when the interval has no width."""
    if not _finite(mean):
        return "n/a"
    d = _decimals(mean, low, high)
    if not (_finite(low) and _finite(high)) or _num(low, d) == _num(high, d):
        if abs(float(mean) - round(float(mean))) < 1e-9:
            d = 0
        return _num(mean, d, signed)
    text = _num(mean, d, signed)
    return f"{text} [{_num(low, d, signed)}, {_num(high, d, signed)}]"


def _unit(name: str) -> str:
    return KPI_UNITS.get(name, "")


def _phrase(row: Any) -> str:
    """'kpi (+0.08, 95% CI +0.06 to +0.10)' for a sentence."""
    d = _decimals(row.mean, row.low, row.high)
    unit = _unit(row.kpi)
    value = _num(row.mean, d, signed=True) + ("" if unit in _UNITLESS else f" {unit}")
    if row.n < 2:
        detail = "one seed"
    elif _num(row.low, d) == _num(row.high, d):
        detail = "the same in every seed"
    else:
        detail = (f"{LEVEL:.0%} CI {_num(row.low, d, signed=True)} to "
                  f"{_num(row.high, d, signed=True)}")
    return f"{row.kpi} ({value}, {detail})"


def align_columns(rows: list[list[str]], right: set[int] | None = None) -> list[str]:
    """Rows of cells as aligned text columns (columns in ``right`` right-aligned)."""
    right = right or set()
    width = max(map(len, rows))
    widths = [max((len(r[i]) for r in rows if i < len(r)), default=0) for i in range(width)]
    lines = []
    for row in rows:
        cells = [c.rjust(widths[i]) if i in right else c.ljust(widths[i])
                 for i, c in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return lines


def _verdicts(res: _Results, region: str, point: int, design: str) -> pd.DataFrame:
    """The differences of one design in one region/point with a 'verdict' column."""
    d = res.diffs
    if d.empty:
        return d.assign(verdict=pd.Series(dtype=str))
    rows = d[(d["region"] == region) & (d["point"] == point) & (d["design"] == design)].copy()
    rows["verdict"] = [verdict(r.kpi, r.mean, r.low, r.high, r.baseline_mean)
                       for r in rows.itertuples(index=False)]
    return rows


def _sentence(res: _Results, region: str, point: int, design: str) -> list[str]:
    """Plain-language lines comparing a design with the baseline."""
    rows = _verdicts(res, region, point, design)
    if rows.empty:
        return [f"{design} vs {res.baseline}: no seeds with finished runs of both designs."]
    parts = []
    for label, kinds in (("better on", ("better",)), ("worse on", ("worse",)),
                         ("higher on", ("higher",)), ("lower on", ("lower",))):
        chosen = [r for r in rows.itertuples(index=False) if r.verdict in kinds]
        if chosen:
            parts.append(f"{label} " + ", ".join(_phrase(r) for r in chosen))
    unclear = rows.loc[rows["verdict"] == "no clear difference", "kpi"].tolist()
    if unclear:
        parts.append("no clear difference (intervals include 0) on " + ", ".join(unclear))
    nodata = rows.loc[rows["verdict"] == "no data", "kpi"].tolist()
    if nodata:
        parts.append("no data on " + ", ".join(nodata))
    lines = [f"{design} vs {res.baseline}: " + "; ".join(parts) + "."]
    verdicts = dict(zip(rows["kpi"], rows["verdict"], strict=True))
    short = []
    for part, names in QUESTION_GROUPS:
        found = {verdicts[n] for n in names if n in verdicts} - {"no data"}
        if not found:
            continue
        if {"better", "worse"} <= found:
            text = "mixed"
        elif "better" in found:
            text = "better"
        elif "worse" in found:
            text = "worse"
        else:
            text = "no clear difference"
        short.append(f"{part} {text}")
    if short:
        lines.append(f"  In short: {'; '.join(short)}.")
    return lines


def _group_title(res: _Results, region: str, point: int) -> str:
    if len({p for _, p in res.groups}) <= 1:
        return region
    label = res.point_labels.get(point, "")
    return f"{region}, point {point}" + (f" ({label})" if label else "")


def _seed_note(res: _Results, region: str, point: int) -> str:
    stats = res.stats[(res.stats["region"] == region) & (res.stats["point"] == point)]
    counts = stats.groupby("design", sort=False)["n"].max()
    values = set(counts.tolist())
    if len(values) == 1:
        n = values.pop()
        return f"{n} seed{'s' if n != 1 else ''} per design"
    return "seeds: " + ", ".join(f"{d} {n}" for d, n in counts.items())


def end_summary(tables: dict[str, pd.DataFrame], baseline: str | None = None,
                kpis: Sequence[str] = REPORT_KPIS, months: int = 12,
                spec: dict[str, Any] | None = None) -> str:
    """The end-of-run comparison of designs as plain text.

    Per region (and parameter point if there are several): each KPI's mean [95% interval] per
    design, the difference of each design against the baseline (paired by seed) with its
    interval, and short sentences saying where a design is better, worse or not clearly
    different.

    Args:
        tables: ``read_results(out)``: ``kpis`` and ``manifest`` (``providers`` is not used).
        baseline: The design the others are compared with (default: the spec's baseline, else
            the first design).
        kpis: KPIs to show, in order (those missing from the results are named at the end).
        months: Months at the end of each run to average over.
        spec: The experiment spec (``experiment.json``'s ``spec``): the order of designs and
            regions and the default baseline; without it designs are in alphabetical order.

    Returns:
        The summary (several lines).

    Raises:
        ExperimentError: No finished runs, none of the KPIs present, or an unknown baseline.
    """
    return _summary_text(_prepare(tables, baseline, kpis, months, spec))


def _summary_text(res: _Results) -> str:
    lines = [f"End of run: the mean of each run's last {res.months} months; "
             f"[{LEVEL:.0%} interval over seeds]. Baseline: {res.baseline}."]
    runs = f"Finished runs: {res.ok_runs}"
    if len(res.failed):
        runs += (f"; failed runs: {len(res.failed)}, left out (the first error: "
                 f"{_first_line(res.failed['error'].iloc[0]) if 'error' in res.failed else ''})")
    lines.append(runs + ".")
    if max(res.seeds.values(), default=0) < 2:
        lines.append("Only one seed per design: there are no intervals, so differences are "
                     "single runs and may be noise.")
    others = res.designs[1:]
    for region, point in res.groups:
        lines += ["", f"{_group_title(res, region, point)}: {_seed_note(res, region, point)}"]
        stats = res.stats[(res.stats["region"] == region) & (res.stats["point"] == point)]
        rows = [["KPI", "unit", *res.designs]]
        for name in res.names:
            cells = []
            for design in res.designs:
                hit = stats[(stats["design"] == design) & (stats["kpi"] == name)]
                cells.append("-" if hit.empty else
                             _cell(*hit[["mean", "low", "high"]].iloc[0].tolist()))
            rows.append([name, _unit(name), *cells])
        lines += align_columns(rows)
        if not others:
            lines += ["", "Only one design: nothing to compare."]
            continue
        per_design = {d: _verdicts(res, region, point, d).set_index("kpi") for d in others}
        lines += ["", f"Difference vs {res.baseline} (paired by seed)"]
        rows = [["KPI", "unit"] + [c for d in others for c in (f"{d} - {res.baseline}", "")]]
        for name in res.names:
            cells = []
            for design in others:
                table = per_design[design]
                if name in table.index:
                    r = table.loc[name]
                    cells += [_cell(r["mean"], r["low"], r["high"], signed=True), r["verdict"]]
                else:
                    cells += ["-", ""]
            rows.append([name, _unit(name), *cells])
        lines += align_columns(rows)
        lines.append("")
        for design in others:
            lines += _sentence(res, region, point, design)
    if res.missing:
        lines += ["", "Not in the results: " + ", ".join(res.missing) + "."]
    return "\n".join(lines)


# --- figures ------------------------------------------------------------------------------------


def _new_figure(rows: int, cols: int, width: float, height: float) -> tuple[Any, np.ndarray]:
    """A figure on the Agg canvas (no pyplot state) with a grid of axes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width * cols, height * rows), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols, squeeze=False)
    return fig, axes


def _time_figures(res: _Results, folder: Path) -> list[tuple[str, str]]:
    """One PNG per KPI: mean and 95% band per design over time, one panel per region/point."""
    keys = ["region", "point", "design", "month"]
    series = _intervals(res.kpis, keys, res.names)
    if "year" in res.kpis.columns:
        x = res.kpis.groupby(keys, sort=False)["year"].mean().rename("x").reset_index()
    else:
        x = res.kpis[keys].drop_duplicates().assign(x=lambda f: f["month"] / 12)
    series = series.merge(x, on=keys, how="left")
    panels = res.groups[:MAX_PANELS]
    cols = min(3, len(panels))
    rows = math.ceil(len(panels) / cols)
    colors = {d: f"C{i % 10}" for i, d in enumerate(res.designs)}
    made = []
    for name in res.names:
        data = series[series["kpi"] == name]
        if name in _FLOW_KPIS:
            data = data[data["month"] > 0]
        fig, axes = _new_figure(rows, cols, 4.6 if cols > 1 else 6.0, 3.2)
        for ax, (region, point) in zip(axes.flat, panels, strict=False):
            sub = data[(data["region"] == region) & (data["point"] == point)]
            for design in res.designs:
                d = sub[sub["design"] == design].sort_values("month")
                if d.empty:
                    continue
                ax.fill_between(d["x"], d["low"], d["high"], color=colors[design], alpha=0.2,
                                linewidth=0)
                ax.plot(d["x"], d["mean"], color=colors[design], linewidth=1.5, label=design)
            ax.set_title(_group_title(res, region, point), fontsize=9)
            ax.set_xlabel("year")
            ax.set_ylabel(_unit(name))
            ax.grid(alpha=0.3)
        for ax in list(axes.flat)[len(panels):]:
            ax.set_visible(False)
        axes.flat[0].legend(fontsize=8)
        fig.suptitle(f"{name} ({_unit(name) or '-'})\nmean and {LEVEL:.0%} band over seeds",
                     fontsize=10)
        file = f"kpi_{name}.png"
        fig.savefig(folder / file, dpi=100)
        made.append((name, file))
    return made


def _difference_figure(res: _Results, folder: Path) -> str | None:
    """One PNG with a small panel per KPI: each design's difference vs the baseline."""
    if res.diffs.empty:
        return None
    several_regions = len({r for r, _ in res.groups}) > 1
    several_points = len({p for _, p in res.groups}) > 1
    combos = [(d, g) for g in res.groups for d in res.designs[1:]]
    labels = []
    for design, (region, point) in combos:
        where = [region] if several_regions else []
        where += [f"point {point}"] if several_points else []
        labels.append(design + (f" ({', '.join(where)})" if where else ""))
    names = [n for n in res.names if n in set(res.diffs["kpi"])]
    cols = min(4, len(names))
    rows = math.ceil(len(names) / cols)
    fig, axes = _new_figure(rows, cols, 3.6, 0.9 + 0.3 * len(combos))
    for k, (ax, name) in enumerate(zip(axes.flat, names, strict=False)):
        table = res.diffs[res.diffs["kpi"] == name]
        for i, (design, (region, point)) in enumerate(combos):
            hit = table[(table["design"] == design) & (table["region"] == region)
                        & (table["point"] == point)]
            if hit.empty:
                continue
            r = hit.iloc[0]
            if not _finite(r["mean"]):
                continue
            kind = verdict(name, r["mean"], r["low"], r["high"], r["baseline_mean"])
            ax.errorbar([r["mean"]], [i], xerr=[[r["mean"] - r["low"]], [r["high"] - r["mean"]]],
                        fmt="o", color=_COLORS[kind], capsize=3, markersize=4)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(range(len(combos)), labels if k % cols == 0 else [], fontsize=7)
        ax.set_ylim(len(combos) - 0.5, -0.5)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel(_unit(name) or "-", fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
        ax.locator_params(axis="x", nbins=4)
        ax.grid(axis="x", alpha=0.3)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    fig.suptitle(f"End-of-run difference vs {res.baseline}, paired by seed, with "
                 f"{LEVEL:.0%} intervals (green: better, red: worse, grey: no clear difference)",
                 fontsize=10)
    file = "differences.png"
    fig.savefig(folder / file, dpi=100)
    return file


# --- provider market ----------------------------------------------------------------------------


_MARKET_ROWS = (
    ("providers", "providers in the table"),
    ("contracted", "contracted providers"),
    ("with_clients", "providers with clients"),
    ("without_clients", "providers without clients"),
    ("contracted_without_clients", "contracted providers without clients"),
    ("top25_share", "share of clients at the 25 largest"),
    ("largest_share", "share of clients at the largest"),
)


def _market(providers: pd.DataFrame) -> tuple[pd.DataFrame, int | None]:
    """Per run, the final year's provider market; and that year (if the same in every run)."""
    need = {"run_id", "region", "design", "point", "seed_index", "year", "clients"}
    if providers.empty or not need <= set(providers.columns):
        return pd.DataFrame(), None
    last = providers.groupby("run_id")["year"].transform("max")
    final = providers[providers["year"] == last]
    rows = []
    for (run_id, region, design, point, seed), g in final.groupby(
            ["run_id", "region", "design", "point", "seed_index"], sort=False):
        clients = np.sort(g["clients"].to_numpy(dtype=float))[::-1]
        total = clients.sum()
        contracted = g["contracted"].astype(bool) if "contracted" in g.columns else None
        rows.append({
            "run_id": run_id, "region": region, "design": design, "point": point,
            "seed_index": seed, "providers": float(len(g)),
            "contracted": float(contracted.sum()) if contracted is not None else math.nan,
            "with_clients": float((clients > 0).sum()),
            "without_clients": float((clients == 0).sum()),
            "contracted_without_clients": (float((contracted & (g["clients"] == 0)).sum())
                                           if contracted is not None else math.nan),
            "top25_share": clients[:25].sum() / total if total > 0 else math.nan,
            "largest_share": clients[0] / total if total > 0 else math.nan,
        })
    years = final["year"].unique()
    return pd.DataFrame(rows), int(years[0]) if len(years) == 1 else None


# --- the Markdown report ------------------------------------------------------------------------


def read_experiment(out: str | Path) -> dict[str, Any]:
    """Read ``OUT/experiment.json`` (name, hash, version and spec of the experiment).

    Raises:
        ExperimentError: The folder does not exist, is not an experiment folder, or its
            experiment.json is unreadable.
    """
    out = Path(out)
    if not out.exists():
        raise ExperimentError(f"{out}: no such folder")
    if not out.is_dir():
        raise ExperimentError(f"{out}: is not a folder")
    meta = out / "experiment.json"
    if not meta.is_file():
        raise ExperimentError(f"{out}: is not an experiment folder (no experiment.json); "
                              f"give a folder written by `wmo-abm sweep` or `wmo-abm compare`")
    try:
        data = json.loads(meta.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExperimentError(f"{meta}: unreadable ({exc})") from None
    if not isinstance(data, dict):
        raise ExperimentError(f"{meta}: not an experiment description (a JSON object)")
    return data


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    return [line(header), "|" + "|".join(["---"] * len(header)) + "|", *map(line, rows), ""]


def _expected_runs(spec: dict[str, Any]) -> int | None:
    try:
        points = math.prod(len(v) for v in spec.get("grid", {}).values())
        if spec.get("sample"):
            points *= int(spec.get("sample_size", 0))
        return len(spec["regions"]) * len(spec["designs"]) * points * int(spec["seeds"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _facts(res: _Results, meta: dict[str, Any]) -> list[str]:
    spec = meta.get("spec") if isinstance(meta.get("spec"), dict) else {}
    failed = len(res.failed)
    expected = _expected_runs(spec)
    runs = f"{res.ok_runs} finished, {failed} failed"
    if expected is not None:
        missing = max(0, expected - res.ok_runs - failed)
        runs = f"{expected} in the experiment: " + runs + (f", {missing} not run yet"
                                                            if missing else "")
    lines = [f"- **Runs:** {runs}"]
    lines.append("- **Designs:** " + ", ".join(
        f"`{d}`" + (" (baseline)" if d == res.baseline else "") for d in res.designs))
    lines.append("- **Regions:** " + ", ".join(f"`{r}`" for r in res.regions))
    seeds = spec.get("seeds", max(res.seeds.values(), default=0))
    root = spec.get("root_seed")
    lines.append(f"- **Seeds:** {seeds} per region, design and point"
                 + (f" (root seed {root}; shared by every design)" if root is not None else ""))
    years = spec.get("years")
    if years is None:
        years = int(res.kpis["month"].max()) // 12
    first = res.kpis["year"].min() if "year" in res.kpis.columns else None
    span = ""
    if _finite(first):
        last = int(first) + int(years) - 1
        span = f" ({int(first)})" if last == int(first) else f" ({int(first)}-{last})"
    lines.append(f"- **Years:** {years}{span}")
    if spec.get("fixed"):
        lines.append("- **Fixed parameters:** " + ", ".join(
            f"`{k}={v}`" for k, v in spec["fixed"].items()))
    points = sorted({p for _, p in res.groups})
    if len(points) > 1:
        lines.append(f"- **Parameter points:** {len(points)}")
        lines += [f"  - point {p}: {res.point_labels.get(p, '') or '-'}" for p in points]
    if meta.get("version") or meta.get("hash"):
        lines.append(f"- **Package version:** {meta.get('version', '?')}; spec hash "
                     f"`{meta.get('hash', '?')}`")
    return lines


def _failures(res: _Results) -> list[str]:
    if res.failed.empty:
        return []
    f = res.failed
    lines = ["## Failed runs", "",
             f"{len(f)} run(s) failed and are left out of every number below. The first error: "
             f"`{_first_line(f['error'].iloc[0]) if 'error' in f else '?'}`. The manifest "
             f"(`manifest/<run_id>.parquet`) holds each full error; running the same experiment "
             f"into the same folder again retries them.", ""]
    rows = []
    for r in f.head(20).itertuples(index=False):
        rows.append([str(r.run_id), str(getattr(r, "region", "")), str(getattr(r, "design", "")),
                     str(getattr(r, "point", "")), str(getattr(r, "seed_index", "")),
                     _first_line(getattr(r, "error", ""))])
    lines += _md_table(["run", "region", "design", "point", "seed", "error"], rows)
    if len(f) > 20:
        lines += [f"(and {len(f) - 20} more)", ""]
    return lines


def _how_to_read(res: _Results) -> list[str]:
    return [
        "## How to read this", "",
        f"Each run's *end value* of a KPI is its mean over the run's last {res.months} months, so "
        f"monthly noise and December settlements average out. A design's value is the mean "
        f"over seeds with a {LEVEL:.0%} interval in brackets (t-based: mean ± t · sd / √n); in "
        f"the figures the bands are the same {LEVEL:.0%} intervals, month by month. Every design "
        f"runs with the same seeds, so a design is compared with the baseline "
        f"(`{res.baseline}`) seed by seed: the difference is the mean of the per-seed "
        f"differences, with its {LEVEL:.0%} interval. An interval that includes 0 means no clear "
        f"difference. *Better* and *worse* follow each KPI's direction (for example more "
        f"transformation and trust is better, a longer wait or more spend is worse; more active "
        f"providers means more choice). The *in short* lines answer the question by parts: "
        f"transformation, and its price in trust, cost, choice and waiting time. Intervals "
        f"describe the model's randomness over seeds, not the uncertainty of its assumptions.",
        "",
    ]


def _markdown(res: _Results, meta: dict[str, Any], time_figs: list[tuple[str, str]],
              diff_fig: str | None) -> str:
    spec = meta.get("spec") if isinstance(meta.get("spec"), dict) else {}
    name = meta.get("name") or spec.get("name") or "experiment"
    lines = [f"# Experiment report: {name}", ""]
    if spec.get("description"):
        lines += [str(spec["description"]), ""]
    lines += _facts(res, meta) + [""]
    lines += _failures(res)
    lines += _how_to_read(res)

    lines += ["## End of run", ""]
    for region, point in res.groups:
        stats = res.stats[(res.stats["region"] == region) & (res.stats["point"] == point)]
        lines += [f"### {_group_title(res, region, point)}", "",
                  f"Mean [{LEVEL:.0%} interval] of the end values; "
                  f"{_seed_note(res, region, point)}.", ""]
        rows = []
        for kpi in res.names:
            cells = []
            for design in res.designs:
                hit = stats[(stats["design"] == design) & (stats["kpi"] == kpi)]
                cells.append("-" if hit.empty else
                             _cell(*hit[["mean", "low", "high"]].iloc[0].tolist()))
            rows.append([f"`{kpi}`", _unit(kpi), *cells])
        lines += _md_table(["KPI", "unit", *[f"`{d}`" for d in res.designs]], rows)

    others = res.designs[1:]
    lines += [f"## Differences vs {res.baseline}", ""]
    if not others:
        lines += ["Only one design: nothing to compare.", ""]
    for region, point in res.groups if others else []:
        lines += [f"### {_group_title(res, region, point)}", "",
                  f"Design minus `{res.baseline}`, paired by seed: mean [{LEVEL:.0%} interval] "
                  f"and what it means.", ""]
        tables = {d: _verdicts(res, region, point, d).set_index("kpi") for d in others}
        rows = []
        for kpi in res.names:
            cells = []
            for design in others:
                t = tables[design]
                if kpi in t.index:
                    r = t.loc[kpi]
                    cells.append(f"{_cell(r['mean'], r['low'], r['high'], signed=True)} "
                                 f"({r['verdict']})")
                else:
                    cells.append("-")
            rows.append([f"`{kpi}`", _unit(kpi), *cells])
        lines += _md_table(["KPI", "unit", *[f"`{d}` − `{res.baseline}`" for d in others]],
                           rows)

    lines += ["## Summary", ""]
    if not others:
        lines += ["Only one design: nothing to compare.", ""]
    for region, point in res.groups if others else []:
        if len(res.groups) > 1:
            lines += [f"**{_group_title(res, region, point)}**", ""]
        for design in others:
            text = _sentence(res, region, point, design)
            lines += [f"- {text[0]}"] + [f"  - {t.strip()}" for t in text[1:]]
        lines.append("")
    if res.missing:
        lines += ["Not in the results: " + ", ".join(f"`{k}`" for k in res.missing) + ".", ""]

    lines += ["## Figures", ""]
    if diff_fig:
        lines += [f"![End-of-run differences vs {res.baseline}]({diff_fig})", ""]
    if len(res.groups) > MAX_PANELS:
        lines += [f"The time figures show the first {MAX_PANELS} of {len(res.groups)} "
                  f"region/point combinations.", ""]
    for kpi, file in time_figs:
        lines += [f"### `{kpi}`", "", f"![{kpi} over time]({file})", ""]

    lines += _market_section(res)
    lines += ["## Files", "",
              "- `summary.txt`: the summary above as plain text;",
              "- `end_values.csv`: each finished run's end values;",
              "- `end_summary.csv`: mean and interval per region, point, design and KPI;",
              "- `differences.csv`: paired differences vs the baseline.", ""]
    return "\n".join(lines)


def _market_section(res: _Results) -> list[str]:
    market, year = _market(res.providers)
    lines = ["## Provider market", ""]
    if market.empty:
        return lines + ["The results hold no provider table.", ""]
    when = f"in the final year ({year})" if year is not None else "in each run's final year"
    lines += [f"Providers and their clients {when}, all products: clients per provider sorted "
              f"from the largest; mean [{LEVEL:.0%} interval] over seeds.", ""]
    columns = [c for c, _ in _MARKET_ROWS]
    stats = _intervals(market, ["region", "point", "design"], columns)
    for region, point in res.groups:
        sub = stats[(stats["region"] == region) & (stats["point"] == point)]
        if sub.empty:
            continue
        designs = [d for d in res.designs if d in set(sub["design"])]
        rows = []
        for column, label in _MARKET_ROWS:
            cells = []
            for design in designs:
                hit = sub[(sub["design"] == design) & (sub["kpi"] == column)]
                cells.append("-" if hit.empty else
                             _cell(*hit[["mean", "low", "high"]].iloc[0].tolist()))
            rows.append([label, *cells])
        if len(res.groups) > 1:
            lines += [f"### {_group_title(res, region, point)}", ""]
        lines += _md_table(["", *[f"`{d}`" for d in designs]], rows)
    return lines


def _write_text(path: Path, text: str) -> None:
    """Write a text file atomically."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_report(out: str | Path, baseline: str | None = None,
                 kpis: Sequence[str] = REPORT_KPIS, months: int = 12) -> Path:
    """Write the report of an experiment folder to ``OUT/report/``.

    Writes ``report.md`` (facts, how to read it, end-of-run table, differences, summary,
    figures, provider market), a time figure per KPI (``kpi_<name>.png``), a figure of the
    differences (``differences.png``), ``summary.txt`` (:func:`end_summary`'s text) and CSV
    tables. Failed runs are named and left out.

    Args:
        out: The experiment folder.
        baseline: The design the others are compared with (default: the experiment's
            baseline, else its first design).
        kpis: KPIs to report, in order.
        months: Months at the end of each run to average over.

    Returns:
        The path of ``report.md``.

    Raises:
        ExperimentError: Not an experiment folder, no finished runs, or an unknown baseline.
    """
    out = Path(out)
    meta = read_experiment(out)
    spec = meta.get("spec") if isinstance(meta.get("spec"), dict) else {}
    try:
        res = _prepare(read_results(out), baseline, kpis, months, spec)
    except ExperimentError as exc:
        raise ExperimentError(f"{out}: {exc}") from None
    folder = out / "report"
    folder.mkdir(parents=True, exist_ok=True)
    for old in (*folder.glob("kpi_*.png"), folder / "differences.png"):
        old.unlink(missing_ok=True)
    time_figs = _time_figures(res, folder)
    diff_fig = _difference_figure(res, folder)
    res.end.to_csv(folder / "end_values.csv", index=False)
    res.stats.to_csv(folder / "end_summary.csv", index=False)
    res.diffs.to_csv(folder / "differences.csv", index=False)
    _write_text(folder / "summary.txt", _summary_text(res) + "\n")
    path = folder / "report.md"
    _write_text(path, _markdown(res, meta, time_figs, diff_fig))
    return path
