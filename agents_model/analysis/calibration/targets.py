"""Calibration targets: the reports' facts as patterns a run must reproduce.

The calibration targets T1-T6 of the evidence base are patterns in ``calibration/targets.toml``: a
KPI, a statistic over the run (value over the last year, growth, slope, share), a scenario variant
and an acceptance range. :func:`statistic` computes a pattern's value from one run's monthly KPIs;
:func:`distance` says how far a value is from the accepted range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agents_model.metrics import KPI_NAMES
from agents_model.runner.experiments import ExperimentError
from agents_model.scenario import CALIBRATED, ScenarioError, read_toml

__all__ = ["STATISTICS", "TARGETS", "Target", "TargetSet", "distance", "load_targets",
           "statistic"]

TARGETS = CALIBRATED.parent / "targets.toml"
STATISTICS = ("mean_last_year", "growth", "slope", "share")


@dataclass(frozen=True)
class Target:
    """One calibration pattern.

    Attributes:
        id: Target id (T1a, T2, ...).
        pattern: The fact in words.
        source: Report and section.
        kpi: KPI column it is computed from.
        statistic: mean_last_year, growth, slope or share.
        variant: Scenario variant the runs use.
        low: Lowest accepted value.
        high: Highest accepted value.
        denominator: Second KPI for the ``share`` statistic.
    """

    id: str
    pattern: str
    source: str
    kpi: str
    statistic: str
    variant: str
    low: float
    high: float
    denominator: str = ""


@dataclass
class TargetSet:
    """The calibration set-up: region, design, evaluation month, variants and targets.

    Attributes:
        region: Region of every run.
        design: Design of every run (``own``: the region's).
        month: Month the patterns are evaluated at.
        variants: Parameter values per variant name.
        targets: The patterns.
        source: File read.
    """

    region: str
    design: str
    month: int
    variants: dict[str, dict[str, Any]]
    targets: list[Target] = field(default_factory=list)
    source: str = ""


def load_targets(path: str | Path = TARGETS) -> TargetSet:
    """Read and validate the targets file.

    Raises:
        ExperimentError: Missing file, bad TOML, unknown KPI, statistic or variant, bad range.
    """
    path = Path(path)
    try:
        data = read_toml(path)
    except ScenarioError as exc:
        raise ExperimentError(str(exc)) from None
    setup = data.get("setup", {})
    variants = data.get("variants", {"base": {}})
    for key in ("region", "design", "month"):
        if key not in setup:
            raise ExperimentError(f"{path}: [setup] needs '{key}'")
    month = setup["month"]
    if not isinstance(month, int) or not 12 <= month <= 600:
        raise ExperimentError(f"{path}: key 'setup.month' must be an integer from 12 to 600")
    targets = []
    for i, entry in enumerate(data.get("target", [])):
        try:
            target = Target(**entry)
        except TypeError as exc:
            raise ExperimentError(f"{path}: target[{i}]: {exc}") from None
        where = f"{path}: target {target.id}"
        if target.kpi not in KPI_NAMES or (target.denominator and
                                           target.denominator not in KPI_NAMES):
            raise ExperimentError(f"{where}: unknown KPI '{target.kpi}'")
        if target.statistic not in STATISTICS:
            raise ExperimentError(f"{where}: statistic must be one of {', '.join(STATISTICS)}")
        if target.statistic == "share" and not target.denominator:
            raise ExperimentError(f"{where}: a share needs a 'denominator'")
        if target.variant not in variants:
            raise ExperimentError(f"{where}: unknown variant '{target.variant}'")
        if not target.low < target.high:
            raise ExperimentError(f"{where}: 'low' must be below 'high'")
        targets.append(target)
    if not targets:
        raise ExperimentError(f"{path}: no [[target]] entries")
    return TargetSet(setup["region"], setup["design"], month, variants, targets, str(path))



def statistic(frame: pd.DataFrame, target: Target, month: int) -> float:
    """The target's statistic for one run's monthly KPI frame (sorted by month)."""
    frame = frame[frame["month"] <= month]
    last = frame[frame["month"] > month - 12]
    if target.statistic == "mean_last_year":
        return float(last[target.kpi].mean())
    if target.statistic == "growth":
        start = float(frame.loc[frame["month"] == 0, target.kpi].iloc[0])
        return float(last[target.kpi].mean()) / start if start else math.nan
    if target.statistic == "slope":
        body = frame[frame["month"] >= 1]
        slope = np.polyfit(body["month"].to_numpy(float), body[target.kpi].to_numpy(float), 1)[0]
        return float(slope * 12.0)
    denominator = float(last[target.denominator].mean())
    return float(last[target.kpi].mean()) / denominator if denominator else math.nan


def distance(value: float, target: Target) -> float:
    """0 inside the acceptance range; otherwise the gap as a share of the range's width."""
    if value is None or math.isnan(value):
        return math.inf
    width = target.high - target.low
    if value < target.low:
        return (target.low - value) / width
    if value > target.high:
        return (value - target.high) / width
    return 0.0
