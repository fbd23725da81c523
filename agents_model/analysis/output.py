"""Writing analysis output: figures on the Agg canvas and text files written atomically."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["new_figure", "plain_ticks", "write_text"]


def new_figure(rows: int, cols: int, width: float, height: float,
               layout: str | None = "constrained") -> tuple[Any, np.ndarray]:
    """A figure on the Agg canvas (no pyplot state) with a grid of axes.

    Args:
        rows: Rows of axes.
        cols: Columns of axes.
        width: Width of one panel in inches.
        height: Height of one panel in inches.
        layout: Matplotlib layout engine (None: place the axes by hand).

    Returns:
        The figure and its axes as a ``rows x cols`` array.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width * cols, height * rows), layout=layout)
    FigureCanvasAgg(fig)
    return fig, fig.subplots(rows, cols, squeeze=False)


def _plain(value: float, thousands: bool) -> str:
    """A tick label as a plain number: ``1,250,000``, ``0.35``, ``2016`` (years)."""
    if thousands and abs(value) >= 1000:
        return f"{value:,.0f}"
    if float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.3g}"


def plain_ticks(ax: Any, axis: str = "y", thousands: bool = True) -> None:
    """Tick labels as plain numbers instead of matplotlib's offset (a "1e6" above the axis).

    Args:
        ax: The axes.
        axis: ``x``, ``y`` or ``both``.
        thousands: Group thousands with commas (False for years).
    """
    from matplotlib.ticker import FuncFormatter

    formatter = FuncFormatter(lambda value, _pos: _plain(value, thousands))
    for name in ("x", "y") if axis == "both" else (axis,):
        getattr(ax, f"{name}axis").set_major_formatter(formatter)


def write_text(path: Path, text: str) -> None:
    """Write a UTF-8 text file atomically (a temporary file, then a rename)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
