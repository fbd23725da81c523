"""The factorial design over the levers that make up a governance form."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from agents_model.runner import Experiment, ExperimentError
from agents_model.scenario import SCENARIO_ROOT

__all__ = ["FACTORS", "FACTORS_FILE", "build_experiment", "load_factors"]

FACTORS_FILE = SCENARIO_ROOT / "experiments" / "design_factors.toml"
"""The shipped design: its ``[grid]`` lists the factors and their levels."""

FACTORS: dict[str, list[Any]] = {
    "procurement": ["open_house", "selective", "strategic_partners", "consortium"],
    "contract_years": [3, 8],
    "dialogue_meetings": [1, 10],
    "sanctions": [False, True],
    "funding": ["per_client", "lumpsum", "result_based"],
}
"""Levers and levels; the first level of each is the reference the others are compared with."""


def load_factors(path: str | Path = FACTORS_FILE) -> dict[str, list[Any]]:
    """The factors of a design file's ``[grid]`` (the first level of each is the reference).

    Raises:
        ExperimentError: The file is missing, not TOML or has no usable ``[grid]``.
    """
    path = Path(path)
    try:
        grid = tomllib.loads(path.read_text(encoding="utf-8")).get("grid")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExperimentError(f"{path}: cannot read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ExperimentError(f"{path}: not valid TOML ({exc})") from None
    if not isinstance(grid, dict) or not grid or not all(
            isinstance(v, list) and len(v) >= 2 for v in grid.values()):
        raise ExperimentError(f"{path}: [grid] must list each factor with at least two levels")
    return grid


def build_experiment(region: str, factors: dict[str, list[Any]] | None = None, seeds: int = 10,
                     years: int = 8, fixed: dict[str, Any] | None = None,
                     root_seed: int = 20150401) -> Experiment:
    """The full factorial over ``factors`` on ``region``'s own design, with shared seeds.

    Args:
        region: Region name or path.
        factors: Levers and levels (default :data:`FACTORS`).
        seeds: Seeds per cell (shared by every cell, so differences are paired).
        years: Years per run.
        fixed: Parameters set for every run.
        root_seed: Root of the seed sequence.
    """
    factors = dict(factors or FACTORS)
    label = Path(region).stem
    cells = 1
    for levels in factors.values():
        cells *= len(levels)
    return Experiment(
        name=f"effects_{label}", regions=[region], seeds=seeds, years=years,
        root_seed=root_seed, fixed=dict(fixed or {}), grid=factors,
        description=f"Full factorial of {', '.join(factors)} ({cells} cells) on {label}, "
                    f"{seeds} paired seeds, {years} years")
