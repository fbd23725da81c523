"""Parameter points compared with a reference point, seed by seed (ablations, variants).

An experiment whose ``rows`` switch mechanisms off (an ablation) asks a different question from
the design comparison: within each region and design, how does each variant differ from the
reference point (the full model, point 0)? :func:`point_differences` pairs runs by
(region, design, seed) and gives each difference's mean and 95% interval;
:func:`write_points` writes them as ``points.csv`` and a Markdown table ``points.md``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from agents_model.analysis.report.statistics import (
    LEVEL,
    end_values,
    intervals,
    kpi_columns,
    verdict,
)
from agents_model.metrics import KPI_UNITS
from agents_model.runner import ExperimentError, read_results

__all__ = ["ABLATION_KPIS", "point_differences", "write_points"]

ABLATION_KPIS: tuple[str, ...] = (
    "transformation_index", "innovation_mean", "step_down_rate", "general_provision_share",
    "waiting_list", "cost_per_client", "placement_attempts", "trust_municipality_to_provider",
    "trust_provider_to_municipality", "trust_field_municipality_to_provider",
    "regional_cohesion", "municipalities_in_region", "collaboration_strength",
    "contracted_providers",
)
"""KPIs an ablation is read on: the answer's outcomes and the network's own state."""


def point_differences(end: pd.DataFrame, reference: int = 0, kpis: Sequence[str] | None = None,
                      level: float = LEVEL) -> pd.DataFrame:
    """Differences of each parameter point against the reference point, paired by seed.

    Args:
        end: End values per run (:func:`end_values`).
        reference: The point the others are compared with.
        kpis: KPIs to compare (default: every KPI column).
        level: Coverage of the intervals.

    Returns:
        A long table: region, design, point, kpi, mean, low, high, n (pairs) and
        reference_mean (the reference point's mean over the same pairs).

    Raises:
        ExperimentError: The reference point has no runs in ``end``.
    """
    names = list(kpis) if kpis is not None else kpi_columns(end)
    if end.empty or reference not in set(end["point"]):
        raise ExperimentError(f"reference point {reference} has no finished runs")
    keys = ["region", "design", "seed_index"]
    base = end.loc[end["point"] == reference, [*keys, *names]]
    other = end.loc[end["point"] != reference, [*keys, "point", *names]]
    pairs = other.merge(base, on=keys, how="inner", suffixes=("", "__ref"))
    diff = pairs[[*keys, "point"]].copy()
    for name in names:
        diff[name] = pairs[name] - pairs[f"{name}__ref"]
    out = intervals(diff, ["region", "design", "point"], names, level)
    ref = pairs[["region", "design", "point", *[f"{n}__ref" for n in names]]]
    ref = ref.rename(columns={f"{n}__ref": n for n in names})
    ref = (ref.groupby(["region", "design", "point"], sort=False)[names].mean().reset_index()
           .melt(id_vars=["region", "design", "point"], var_name="kpi",
                 value_name="reference_mean"))
    return out.merge(ref, on=["region", "design", "point", "kpi"], how="left")


def point_labels(manifest: pd.DataFrame) -> dict[int, str]:
    """For each point, the parameters its row sets ('a=1, b=2'); '' for none."""
    labels: dict[int, str] = {}
    if manifest.empty or not {"point", "params"} <= set(manifest.columns):
        return labels
    rows: dict[int, dict] = {}
    for point, text in manifest.drop_duplicates("point")[["point", "params"]].itertuples(
            index=False):
        try:
            params = json.loads(text) if isinstance(text, str) else {}
        except json.JSONDecodeError:
            params = {}
        rows[int(point)] = params if isinstance(params, dict) else {}
    shared = set.intersection(*(set(p.items()) for p in map(_hashable, rows.values()))) \
        if rows else set()
    for point, params in rows.items():
        fixed = {k: v for k, v in _hashable(params).items() if (k, v) not in shared}
        labels[point] = ", ".join(f"{k}={v}" for k, v in sorted(fixed.items()))
    return labels


def _hashable(params: dict) -> dict[str, str]:
    return {k: json.dumps(v) for k, v in params.items() if v is not None}


def _cell(row) -> str:
    mark = "" if row.low <= 0.0 <= row.high else " **"
    return f"{row.mean:+.3g} [{row.low:+.3g}, {row.high:+.3g}]{mark}"


def markdown(diffs: pd.DataFrame, labels: dict[int, str], reference: int) -> str:
    """The differences as Markdown: one table per region and design, a column per point."""
    lines = [f"Differences against point {reference} "
             f"({labels.get(reference) or 'no parameter changed'}), paired by seed: mean and 95% "
             "interval of the end values (mean of each run's last twelve months). ** marks an "
             "interval that excludes zero.", ""]
    points = sorted(set(diffs["point"]))
    lines += [f"- point {p}: {labels.get(p) or 'no parameter changed'}" for p in points]
    for (region, design), group in diffs.groupby(["region", "design"], sort=False):
        lines += ["", f"### {region}, {design}", ""]
        lines.append("| KPI | unit | reference | " + " | ".join(f"point {p}" for p in points)
                     + " |")
        lines.append("|---|---|---|" + "---|" * len(points))
        for kpi, rows in group.groupby("kpi", sort=False):
            by_point = {int(r.point): r for r in rows.itertuples()}
            ref = rows["reference_mean"].iloc[0]
            cells = [_cell(by_point[p]) if p in by_point else "" for p in points]
            lines.append(f"| `{kpi}` | {KPI_UNITS.get(kpi, '-')} | {ref:.3g} | "
                         + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_points(directory: str | Path, reference: int = 0,
                 kpis: Sequence[str] = ABLATION_KPIS) -> Path:
    """Write ``points.csv`` and ``points.md`` for the experiment in ``directory``.

    Args:
        directory: A results folder written by the experiment runner.
        reference: The point the others are compared with.
        kpis: KPIs to compare.

    Returns:
        The path of ``points.md``.

    Raises:
        ExperimentError: The folder holds no finished runs or the reference point has none.
    """
    directory = Path(directory)
    tables = read_results(directory)
    if tables["kpis"].empty:
        raise ExperimentError(f"{directory}: no finished runs")
    end = end_values(tables["kpis"])
    present = [k for k in kpis if k in end.columns]
    diffs = point_differences(end, reference, present)
    diffs["verdict"] = [verdict(k, m, lo, hi) for k, m, lo, hi in
                        diffs[["kpi", "mean", "low", "high"]].itertuples(index=False)]
    out = directory / "points"
    out.mkdir(exist_ok=True)
    diffs.to_csv(out / "points.csv", index=False)
    path = out / "points.md"
    path.write_text(markdown(diffs, point_labels(tables["manifest"]), reference),
                    encoding="utf-8")
    return path
