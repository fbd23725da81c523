"""Figures of a report: each KPI over time per design, and the end-of-run differences."""

from __future__ import annotations

import math
from pathlib import Path

from agents_model.analysis.output import new_figure, plain_ticks
from agents_model.analysis.report.results import Results
from agents_model.analysis.report.statistics import (
    LEVEL,
    bound_intervals,
    finite,
    intervals,
    verdict,
)
from agents_model.analysis.report.tables import group_title, unit
from agents_model.metrics import RATE_KPIS

__all__ = ["MAX_PANELS", "difference_figure", "time_figures"]

MAX_PANELS = 12
"""At most this many region/point panels per time figure."""

#: KPIs that measure a month or the past twelve months: no value in the start row (month 0).
_FLOW_KPIS = RATE_KPIS | {"spend", "cost_per_client", "admin_share", "hours_delivered_ratio",
                          "upcoding_rate", "refusal_rate_complex"}
_COLORS = {"better": "#1a9850", "worse": "#d73027", "no clear difference": "#8c8c8c",
           "higher": "#4575b4", "lower": "#4575b4", "no data": "#8c8c8c"}


def time_figures(res: Results, folder: Path) -> list[tuple[str, str]]:
    """One PNG per KPI: mean and 95% band per design over time, one panel per region/point."""
    keys = ["region", "point", "design", "month"]
    series = bound_intervals(intervals(res.kpis, keys, res.names))
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
        fig, axes = new_figure(rows, cols, 4.6 if cols > 1 else 6.0, 3.2)
        for ax, (region, point) in zip(axes.flat, panels, strict=False):
            sub = data[(data["region"] == region) & (data["point"] == point)]
            for design in res.designs:
                d = sub[sub["design"] == design].sort_values("month")
                if d.empty:
                    continue
                ax.fill_between(d["x"], d["low"], d["high"], color=colors[design], alpha=0.2,
                                linewidth=0)
                ax.plot(d["x"], d["mean"], color=colors[design], linewidth=1.5, label=design)
            ax.set_title(group_title(res, region, point), fontsize=9)
            ax.set_xlabel("year")
            ax.set_ylabel(unit(name))
            ax.grid(alpha=0.3)
            plain_ticks(ax, "y")
            plain_ticks(ax, "x", thousands=False)
        for ax in list(axes.flat)[len(panels):]:
            ax.set_visible(False)
        axes.flat[0].legend(fontsize=8)
        fig.suptitle(f"{name} ({unit(name) or '-'})\nmean and {LEVEL:.0%} band over seeds",
                     fontsize=10)
        file = f"kpi_{name}.png"
        fig.savefig(folder / file, dpi=100)
        made.append((name, file))
    return made


def difference_figure(res: Results, folder: Path) -> str | None:
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
    fig, axes = new_figure(rows, cols, 3.6, 0.9 + 0.3 * len(combos))
    for k, (ax, name) in enumerate(zip(axes.flat, names, strict=False)):
        table = res.diffs[res.diffs["kpi"] == name]
        for i, (design, (region, point)) in enumerate(combos):
            hit = table[(table["design"] == design) & (table["region"] == region)
                        & (table["point"] == point)]
            if hit.empty:
                continue
            r = hit.iloc[0]
            if not finite(r["mean"]):
                continue
            kind = verdict(name, r["mean"], r["low"], r["high"], r["baseline_mean"])
            ax.errorbar([r["mean"]], [i], xerr=[[r["mean"] - r["low"]], [r["high"] - r["mean"]]],
                        fmt="o", color=_COLORS[kind], capsize=3, markersize=4)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(range(len(combos)), labels if k % cols == 0 else [], fontsize=7)
        ax.set_ylim(len(combos) - 0.5, -0.5)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel(unit(name) or "-", fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
        ax.locator_params(axis="x", nbins=4)
        plain_ticks(ax, "x")
        ax.grid(axis="x", alpha=0.3)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    fig.suptitle(f"End-of-run difference vs {res.baseline}, paired by seed, with "
                 f"{LEVEL:.0%} intervals (green: better, red: worse, grey: no clear difference)",
                 fontsize=10)
    file = "differences.png"
    fig.savefig(folder / file, dpi=100)
    return file
