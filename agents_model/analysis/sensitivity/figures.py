"""Figures of the sensitivity analysis: ranked indices per KPI, and an overview heat map."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agents_model.analysis.output import new_figure
from agents_model.analysis.sensitivity.sample import SensitivityExperiment
from agents_model.analysis.sensitivity.text import contrast_title
from agents_model.metrics import KPI_UNITS

__all__ = ["index_figures", "overview_figure"]


_GROUP_COLORS = {"behaviour": "#4575b4", "demand": "#7570b3", "cost": "#a6761d",
                 "policy": "#d95f02", "design": "#1b9e77", "": "#7f7f7f"}
_GROUP_LEGEND = ("blue behaviour, purple demand, brown cost, orange policy, "
                 "green design levers")
DPI = 90
"""Resolution of the figures (dots per inch)."""


def _compact_ticks(ax: Any, largest: float) -> None:
    """At most five x ticks; thousands as ``150k`` so large values do not overlap."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    if largest >= 10_000:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x / 1000:g}k" if x else "0"))


def index_figures(indices: pd.DataFrame, experiment: SensitivityExperiment,
                  folder: Path) -> dict[str, str]:
    """One PNG per KPI: ranked bars with confidence intervals, one panel per contrast.

    Returns:
        Per KPI, the name of its file in ``folder``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    morris = experiment.method == "morris"
    out = {}
    contrasts = list(dict.fromkeys(indices["contrast"]))
    height = 0.26 * len(experiment.names) + 1.6
    for kpi in dict.fromkeys(indices["kpi"]):
        fig, axes = new_figure(1, len(contrasts), 4.6, height, layout=None)
        # fixed margins (a constrained layout costs about a second per figure)
        fig.subplots_adjust(left=0.115, right=0.985, wspace=0.62, top=1 - 0.95 / height,
                            bottom=0.5 / height)
        for ax, contrast in zip(axes[0], contrasts, strict=True):
            t = indices[(indices["kpi"] == kpi) & (indices["contrast"] == contrast)]
            _index_panel(ax, t, morris, KPI_UNITS.get(kpi, ""))
            ax.set_title(contrast_title(contrast, experiment), fontsize=10)
        fig.suptitle(f"{kpi}: {'Morris mu* with 95% bootstrap interval' if morris else
                               'Sobol total (ST) and first-order (S1) indices, 95% intervals'}"
                     f"\nbars by group: {_GROUP_LEGEND}"
                     f"{'; pale: below the seed-noise floor' if morris else ''}", fontsize=10)
        name = f"{kpi}.png"
        fig.savefig(folder / name, dpi=DPI)
        out[kpi] = name
    return out


def _index_panel(ax: Any, t: pd.DataFrame, morris: bool, unit: str) -> None:
    """Ranked bars of one outcome's indices; Morris: pale below the seed-noise floor."""
    key, conf = ("mu_star", "mu_star_conf") if morris else ("ST", "ST_conf")
    t = t.sort_values(key, ascending=True)
    y = np.arange(len(t))
    colors = [_GROUP_COLORS.get(g, "#7f7f7f") for g in t["group"]]
    bars = ax.barh(y, t[key], xerr=t[conf], color=colors, alpha=0.85, height=0.7,
                   error_kw={"elinewidth": 0.8, "capsize": 2, "ecolor": "#333333"})
    if morris:
        for bar, value, floor in zip(bars, t["mu_star"], t["noise_floor"], strict=True):
            if math.isfinite(floor) and value <= floor:
                bar.set_alpha(0.3)
        floor = t["noise_floor"].iloc[0] if len(t) else math.nan
        if math.isfinite(floor):
            ax.axvline(floor, color="#b2182b", ls="--", lw=1, label="seed noise (95%)")
    else:
        ax.barh(y, t["S1"], color="#222222", alpha=0.55, height=0.3, label="S1")
        ax.axvline(0, color="#333333", lw=0.6)
    ax.set_yticks(y, t["parameter"], fontsize=8)
    ax.set_xlabel((f"mu* ({unit} per full range)" if morris else "ST (bar), S1 (dark)"),
                  fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    _compact_ticks(ax, float(np.nanmax((t[key] + t[conf]).to_numpy(dtype=float), initial=0.0)))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, loc="lower right")


def overview_figure(indices: pd.DataFrame, experiment: SensitivityExperiment,
                     folder: Path) -> str:
    """Heat map: each parameter's relative influence on every outcome, top three marked."""
    key = "share" if experiment.method == "morris" else "ST"
    table = indices.pivot_table(index="parameter", columns="outcome", values=key,
                                sort=False)
    ranks = indices.pivot_table(index="parameter", columns="outcome", values="rank",
                                sort=False)
    order = list(dict.fromkeys(indices["outcome"]))
    table, ranks = table[order], ranks[order]
    if experiment.method == "morris":
        table = table / table.max(axis=0).replace(0, np.nan)
    fig, axes = new_figure(1, 1, 0.5 * len(order) + 3.0, 0.3 * len(table) + 2.4)
    ax = axes[0, 0]
    image = ax.imshow(table.to_numpy(dtype=float), aspect="auto", cmap="viridis", vmin=0,
                      vmax=1)
    ax.set_yticks(range(len(table)), table.index, fontsize=8)
    ax.set_xticks(range(len(order)), [o.replace("/", "\n") for o in order], fontsize=6,
                  rotation=90)
    for i in range(len(table)):
        for j in range(len(order)):
            r = ranks.iat[i, j]
            if r <= 3 and table.iat[i, j] > 0:
                ax.text(j, i, str(int(r)), ha="center", va="center", fontsize=7,
                        color="white" if table.iat[i, j] < 0.6 else "black")
    fig.colorbar(image, ax=ax, shrink=0.6,
                 label="mu* / largest mu* of the outcome" if experiment.method == "morris"
                 else "ST")
    ax.set_title("Relative influence per outcome (numbers: rank 1-3)", fontsize=10)
    fig.savefig(folder / "overview.png", dpi=DPI)
    return "overview.png"
