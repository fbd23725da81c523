"""Per point, each form against open house; wins; the PRIM box in which wins concentrate."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from agents_model.analysis.report.statistics import end_values
from agents_model.runner import ExperimentError

__all__ = ["Box", "find_box", "point_outcomes", "wins"]

OUTCOMES: tuple[str, ...] = ("transformation_index", "mean_wait_months", "spend")
"""What a win is judged on: transformation up, waiting and spend not beyond the thresholds."""


def point_outcomes(tables: dict[str, pd.DataFrame], reference: str,
                   parameters: list[str]) -> pd.DataFrame:
    """Per point and form, each outcome's mean difference from the reference form.

    The difference is paired by seed and averaged over the point's seeds; the sampled
    parameters and the reference's spend come with it.

    Returns:
        One row per (point, form): ``point``, ``design``, the parameters, ``d_<outcome>`` for
        each outcome and ``reference_spend``.
    """
    end = end_values(tables["kpis"])
    keys = ["region", "point", "seed_index"]
    base = end[end["design"] == reference][[*keys, *OUTCOMES]]
    other = end[end["design"] != reference][[*keys, "design", *OUTCOMES]]
    pairs = other.merge(base, on=keys, suffixes=("", "__ref"))
    for name in OUTCOMES:
        pairs[f"d_{name}"] = pairs[name] - pairs[f"{name}__ref"]
    cols = [f"d_{n}" for n in OUTCOMES]
    out = pairs.groupby(["point", "design"], sort=True)[[*cols, "spend__ref"]].mean()
    out = out.rename(columns={"spend__ref": "reference_spend"}).reset_index()
    manifest = tables["manifest"].drop_duplicates("point")
    params = {int(p): json.loads(text) for p, text in manifest[["point", "params"]].itertuples(
        index=False)}
    for name in parameters:
        out[name] = [params.get(int(p), {}).get(name, np.nan) for p in out["point"]]
    return out


def wins(outcomes: pd.DataFrame, max_extra_wait: float, max_extra_spend: float) -> pd.Series:
    """Whether a form beats the reference at a point.

    More transformation, with the extra mean wait (months) and the extra spend (share of the
    reference's spend) within the thresholds.
    """
    return (outcomes["d_transformation_index"] > 0.0) \
        & (outcomes["d_mean_wait_months"] <= max_extra_wait) \
        & (outcomes["d_spend"] <= max_extra_spend * outcomes["reference_spend"].abs())


@dataclass(frozen=True)
class Box:
    """A PRIM box: parameter limits, and how well the box captures the wins.

    Attributes:
        limits: Per restricted parameter, (low, high) of the box.
        coverage: Share of all wins that lie inside the box.
        density: Share of the points inside the box that are wins.
        mass: Share of all points inside the box.
        trajectory: The peeling trajectory (coverage, density, mass, restricted dimensions).
    """

    limits: dict[str, tuple[float, float]]
    coverage: float
    density: float
    mass: float
    trajectory: pd.DataFrame


def find_box(x: pd.DataFrame, y: pd.Series, min_density: float = 0.8) -> Box | None:
    """The PRIM box of the wins (``prim`` package), or None when there is no win or no loss.

    The box taken from the peeling trajectory is the one with the highest coverage among those
    whose density reaches ``min_density`` (else the densest).

    Raises:
        ExperimentError: The ``prim`` package is not installed.
    """
    try:
        import prim
    except ImportError:
        raise ExperimentError("scenario discovery needs the 'prim' package: "
                              "pip install 'wmo-abm[analysis]'") from None
    y = y.astype(int).to_numpy()
    if y.sum() == 0 or y.sum() == len(y):
        return None
    box = prim.Prim(x.reset_index(drop=True), y, threshold=0.5, threshold_type=">").find_box()
    trajectory = box.peeling_trajectory.copy()
    good = trajectory[trajectory["density"] >= min_density]
    index = int(good["coverage"].idxmax()) if not good.empty \
        else int(trajectory["density"].idxmax())
    box.select(index)
    limits = box.limits
    bounds = {name: (float(row["min"]), float(row["max"])) for name, row in limits.iterrows()}
    chosen = trajectory.loc[index]
    return Box(bounds, float(chosen["coverage"]), float(chosen["density"]),
               float(chosen["mass"]), trajectory)
