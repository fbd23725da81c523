"""The calibration figure: every pattern's sampled values against its accepted range."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from agents_model.analysis.calibration.targets import TargetSet
from agents_model.analysis.output import new_figure

__all__ = ["pattern_figure"]


def pattern_figure(scores: pd.DataFrame, accepted: pd.DataFrame, targets: TargetSet,
                   folder: Path) -> list[str]:
    """Write ``patterns.png``: per pattern, all sampled and the kept sets against the range.

    Returns:
        The names of the files written.
    """
    n = len(targets.targets)
    cols = 3
    rows = math.ceil(n / cols)
    fig, axes = new_figure(rows, cols, 4.2, 2.6, layout=None)
    for ax, target in zip(axes.flat, targets.targets, strict=False):
        all_values = scores[target.id].dropna()
        kept = accepted[target.id].dropna()
        ax.axvspan(target.low, target.high, color="#2ca02c", alpha=0.15, label="accepted range")
        ax.plot(all_values, np.zeros(len(all_values)) + 0.3, "|", color="#999999", ms=14,
                label="all sampled sets")
        ax.plot(kept, np.zeros(len(kept)) + 0.7, "|", color="#1f77b4", ms=14, mew=2,
                label="kept sets")
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        ax.set_title(f"{target.id}: {target.kpi}", fontsize=9)
        lo = min([target.low, *all_values]) if len(all_values) else target.low
        hi = max([target.high, *all_values]) if len(all_values) else target.high
        pad = 0.05 * (hi - lo or 1.0)
        ax.set_xlim(lo - pad, hi + pad)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7, loc="upper left")
    fig.suptitle("Calibration patterns: sampled parameter sets against the acceptance ranges")
    fig.tight_layout()
    name = "patterns.png"
    fig.savefig(folder / name, dpi=110)
    return [name]
