"""Writing the design effects: tables, one figure per KPI and a plain-language reading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from agents_model.analysis.effects.analyze import EFFECT_KPIS, interactions, main_effects, run_table
from agents_model.analysis.output import new_figure, plain_ticks, write_text
from agents_model.analysis.report.statistics import verdict
from agents_model.metrics import KPI_UNITS
from agents_model.runner import ExperimentError, read_results

__all__ = ["effects_markdown", "write_effects"]

TOP_INTERACTIONS = 3
"""Largest two-way interactions listed per KPI."""


def _figure(effects: pd.DataFrame, kpi: str, path: Path) -> None:
    """Each factor level's effect on ``kpi`` with its 95% interval (a forest plot)."""
    rows = effects[effects["kpi"] == kpi]
    fig, axes = new_figure(1, 1, 6.0, 0.35 * len(rows) + 1.2)
    ax = axes[0, 0]
    labels = [f"{r.factor} = {r.level} (vs {r.reference})" for r in rows.itertuples()]
    y = list(range(len(rows)))[::-1]
    ax.errorbar(rows["mean"], y, xerr=[rows["mean"] - rows["low"], rows["high"] - rows["mean"]],
                fmt="o", color="#2B8CBE", ecolor="#555555", capsize=3)
    ax.axvline(0.0, color="#999999", linewidth=0.8)
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel(f"effect on {kpi} ({KPI_UNITS.get(kpi, '-')})", fontsize=8)
    plain_ticks(ax, "x")
    fig.savefig(path, dpi=90)


def effects_markdown(effects: pd.DataFrame, inter: pd.DataFrame, spec: dict[str, Any],
                     factors: dict[str, list[Any]], figures: list[str]) -> str:
    """The reading: per KPI, which levers move it clearly, then the largest interactions."""
    lines = ["# Design effects", "",
             f"{spec.get('description', '')}. Each effect compares runs that differ in one lever "
             "only (same seed, same levels of every other lever) and averages over the other "
             "levers' levels; the interval is a 95% t-interval over those pairs. The reference "
             "level of each lever is its first level:", ""]
    lines += [f"- `{name}`: {', '.join(str(v) for v in levels)} (reference {levels[0]})"
              for name, levels in factors.items()]
    for kpi, rows in effects.groupby("kpi", sort=False):
        unit = KPI_UNITS.get(kpi, "-")
        lines += ["", f"## `{kpi}` ({unit})", ""]
        clear = [r for r in rows.itertuples() if not r.low <= 0.0 <= r.high]
        if clear:
            clear.sort(key=lambda r: -abs(r.mean))
            lines.append("Clear effects, largest first: " + "; ".join(
                f"{r.factor} = {r.level} {r.mean:+.3g} [{r.low:+.3g}, {r.high:+.3g}] "
                f"({verdict(kpi, r.mean, r.low, r.high)})" for r in clear) + ".")
        else:
            lines.append("No lever moves it clearly at this number of seeds.")
        unclear = [f"{r.factor} = {r.level}" for r in rows.itertuples() if r.low <= 0.0 <= r.high]
        if unclear:
            lines.append("No clear difference: " + ", ".join(unclear) + ".")
        top = inter[inter["kpi"] == kpi].head(TOP_INTERACTIONS)
        if not top.empty:
            lines.append("Largest interactions: " + "; ".join(
                f"{r.factor_a} = {r.level_a} x {r.factor_b} = {r.level_b} {r.mean:+.3g} "
                f"[{r.low:+.3g}, {r.high:+.3g}]" for r in top.itertuples()) + ".")
        if f"effects_{kpi}.png" in figures:
            lines += ["", f"![{kpi}](figures/effects_{kpi}.png)"]
    lines += ["", "Tables: `effects.csv` (factor, level, reference, kpi, mean, low, high, n) and "
              "`interactions.csv` (every pair of levers at every pair of levels)."]
    return "\n".join(lines) + "\n"


def write_effects(directory: str | Path, factors: dict[str, list[Any]],
                  kpis: tuple[str, ...] = EFFECT_KPIS, figures: bool = True) -> Path:
    """Write ``effects.csv``, ``interactions.csv``, figures and ``effects.md`` for a factorial.

    Args:
        directory: The results folder of the factorial.
        factors: Its factors and levels (the first level the reference).
        kpis: KPIs to estimate effects on.
        figures: Whether to draw a figure per KPI.

    Returns:
        The path of ``effects.md``.

    Raises:
        ExperimentError: The folder holds no finished runs.
    """
    directory = Path(directory)
    tables = read_results(directory)
    if tables["kpis"].empty:
        raise ExperimentError(f"{directory}: no finished runs")
    runs = run_table(tables, factors)
    effects = main_effects(runs, factors, kpis)
    inter = interactions(runs, factors, kpis)
    out = directory / "effects"
    (out / "figures").mkdir(parents=True, exist_ok=True)
    effects.to_csv(out / "effects.csv", index=False)
    inter.to_csv(out / "interactions.csv", index=False)
    drawn = []
    if figures:
        for kpi in dict.fromkeys(effects["kpi"]):
            name = f"effects_{kpi}.png"
            _figure(effects, kpi, out / "figures" / name)
            drawn.append(name)
    spec = {}
    meta = directory / "experiment.json"
    if meta.is_file():
        import json

        spec = json.loads(meta.read_text(encoding="utf-8")).get("spec", {})
    path = out / "effects.md"
    write_text(path, effects_markdown(effects, inter, spec, factors, drawn))
    return path
