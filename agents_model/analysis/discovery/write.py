"""Writing scenario discovery: tables and a plain-language reading of the boxes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from agents_model.analysis.discovery.analyze import find_box, point_outcomes, wins
from agents_model.analysis.discovery.design import FORMS, RANGES, REFERENCE
from agents_model.analysis.output import write_text
from agents_model.runner import ExperimentError, read_results

__all__ = ["write_discovery"]

MATERIAL = 0.9
"""A box restricts a parameter materially when it keeps less than this share of its range."""


def write_discovery(directory: str | Path, max_extra_wait: float = 0.5,
                    max_extra_spend: float = 0.05, ranges: dict | None = None) -> Path:
    """Find the boxes in which each form beats open house and write the result.

    Writes ``DIR/discover/points.csv`` (per point and form: parameters, differences, win),
    ``boxes.csv`` (per form: parameter, low, high, coverage, density, mass),
    ``trajectory_<form>.csv`` and ``discover.md``.

    Args:
        directory: Results folder of the discovery sample.
        max_extra_wait: Months of extra mean wait a win may cost.
        max_extra_spend: Share of open house's spend a win may add.
        ranges: The sampled ranges (default :data:`RANGES`).

    Returns:
        The path of ``discover.md``.

    Raises:
        ExperimentError: The folder holds no finished runs, or ``prim`` is missing.
    """
    directory = Path(directory)
    ranges = dict(ranges or RANGES)
    tables = read_results(directory)
    if tables["kpis"].empty:
        raise ExperimentError(f"{directory}: no finished runs")
    points = point_outcomes(tables, REFERENCE, list(ranges))
    points["win"] = wins(points, max_extra_wait, max_extra_spend)
    out = directory / "discover"
    out.mkdir(exist_ok=True)
    points.to_csv(out / "points.csv", index=False)
    lines = ["# Scenario discovery", "",
             f"A win: the form raises the transformation index over {REFERENCE} at a sampled "
             f"point (mean over its paired seeds) while the mean wait grows by at most "
             f"{max_extra_wait:g} months and spend by at most {max_extra_spend:.0%}. PRIM finds "
             "the box of parameter ranges where wins concentrate: coverage is the share of all "
             "wins inside the box, density the share of points inside the box that are wins.",
             "", "Sampled ranges (levers shared by both forms at a point, and behaviour):", ""]
    lines += [f"- `{k}`: {v[0]:g} to {v[1]:g}" for k, v in ranges.items()]
    rows = []
    for form in [f for f in FORMS if f in set(points["design"])]:
        part = points[points["design"] == form]
        share = float(part["win"].mean()) if len(part) else 0.0
        lines += ["", f"## {form}", "",
                  f"Wins at {int(part['win'].sum())} of {len(part)} points ({share:.0%})."]
        box = find_box(part[list(ranges)], part["win"])
        if box is None:
            lines.append("No box: the form wins at every point or at none, so no range "
                         "separates wins from losses with this sample.")
            continue
        box.trajectory.to_csv(out / f"trajectory_{form}.csv", index=False)
        restricted = {k: v for k, v in box.limits.items()
                      if v[1] - v[0] < MATERIAL * (ranges[k][1] - ranges[k][0])}
        lines.append(f"Box: coverage {box.coverage:.0%}, density {box.density:.0%}, "
                     f"{box.mass:.0%} of the points.")
        if restricted:
            lines.append("It wins most where " + "; ".join(
                f"`{k}` is {lo:.3g} to {hi:.3g}" for k, (lo, hi) in restricted.items()) + "; "
                "the other parameters are restricted by less than a tenth of their range.")
        else:
            lines.append("The box restricts no parameter by a tenth of its range or more.")
        for name, (lo, hi) in box.limits.items():
            rows.append({"design": form, "parameter": name, "low": lo, "high": hi,
                         "coverage": box.coverage, "density": box.density, "mass": box.mass})
    pd.DataFrame(rows, columns=["design", "parameter", "low", "high", "coverage", "density",
                                "mass"]).to_csv(out / "boxes.csv", index=False)
    path = out / "discover.md"
    write_text(path, "\n".join(lines) + "\n")
    return path
