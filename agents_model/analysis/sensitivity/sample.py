"""Sampling: a seeded SALib sample of the problem, turned into an experiment of the runner.

:func:`sample` draws a Morris (``SALib.sample.morris``) or Sobol (``SALib.sample.sobol``, first
and total order) sample. :func:`build_experiment` turns it into a
:class:`SensitivityExperiment`: an :class:`agents_model.runner.Experiment` whose parameter
points are the sample's rows. Every point is run under each design (open house, strategic
partners and a consortium) with the same seeds (common random numbers), so the experiment runner
parallelises, resumes and runs on a Dask cluster as for any other experiment. Sampled design
levers (:data:`~.problem.SHARED`) are laid over every design alike.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agents_model.analysis.sensitivity.problem import (
    DESIGNS,
    FACTORS,
    FIXED,
    NUM_LEVELS,
    ROOT_SEED,
    SHARED,
    Factor,
    check_method,
    check_n,
    problem_from,
)
from agents_model.params import by_name
from agents_model.runner.experiments import OWN_DESIGN, Experiment, ExperimentError
from agents_model.scenario import Scenario, ScenarioError, resolve

__all__ = ["SensitivityExperiment", "build_experiment", "design_keys", "sample"]


def sample(problem: Mapping[str, Any], method: str, n: int, num_levels: int = NUM_LEVELS,
           seed: int = ROOT_SEED) -> np.ndarray:
    """Draw a seeded SALib sample.

    Args:
        problem: SALib problem (``num_vars``, ``names``, ``bounds``).
        method: ``morris`` (``(k + 1) * n`` rows) or ``sobol`` (``(k + 2) * n`` rows, first
            and total order only).
        n: Morris trajectories, or Sobol base samples (a power of 2).
        num_levels: Levels of the Morris grid.
        seed: Seed of the sampler.

    Returns:
        The sample, one row per parameter point, columns in ``problem["names"]`` order.

    Raises:
        ExperimentError: Unknown method or N out of bounds.
    """
    check_method(method)
    check_n(method, n)
    problem = {**problem, "num_vars": len(problem["names"])}
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, n, num_levels=num_levels, seed=seed)
    from SALib.sample import sobol

    return sobol.sample(problem, n, calc_second_order=False, seed=seed)


def design_keys(design: str) -> set[str]:
    """Parameter names a governance file sets (its tables and its switches).

    Raises:
        ScenarioError: No such governance file.
    """
    if design == OWN_DESIGN:
        return set()
    path = resolve(design, "governance")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ExperimentError(f"{path}: unreadable ({exc})") from None
    keys: set[str] = set()
    for section, table in data.items():
        if section == "governance":
            continue
        if section == "switch" and isinstance(table, list):
            for entry in table:
                keys |= set(entry) - {"year", "after_years"}
        elif isinstance(table, dict):
            keys |= set(table)
    return keys


@dataclass
class SensitivityExperiment(Experiment):
    """An experiment whose parameter points are the rows of a SALib sample.

    ``points()`` returns one dict per sample row (integer parameters rounded), so ``runs()``
    expands regions x designs x sample rows x seeds as usual. The sample (unrounded, as SALib
    drew it, which the analysis needs), the factor names and bounds, the method and its
    settings are fields, so ``to_dict()`` stores them in ``experiment.json`` and
    ``spec_hash()`` changes when the sample changes. The base class's own ways of making
    points (``grid``, ``sample`` and ``rows``) must stay empty.

    Attributes:
        method: ``morris`` or ``sobol``.
        names: Sampled parameter names (the columns of ``rows``).
        bounds: ``[low, high]`` per name.
        sample_rows: The sample, one list of values per parameter point (names order).
        n: Morris trajectories or Sobol base samples.
        num_levels: Levels of the Morris grid.
        sample_seed: Seed the sample was drawn with.
        shared: Sampled names that a design sets too, laid over every design on purpose
            (the design levers of :data:`~.problem.SHARED`); any other sampled name that a
            design sets is refused.
    """

    method: str = "morris"
    names: list[str] = field(default_factory=list)
    bounds: list[list[float]] = field(default_factory=list)
    sample_rows: list[list[float]] = field(default_factory=list)
    n: int = 0
    num_levels: int = NUM_LEVELS
    sample_seed: int = 0
    shared: list[str] = field(default_factory=list)

    def validate(self) -> None:
        """Check the base experiment, then the factors, the rows and the designs."""
        super().validate()
        where = self.source or f"experiment '{self.name}'"
        check_method(self.method)
        if self.grid or self.sample or self.rows:
            raise ExperimentError(f"{where}: a sensitivity experiment takes its points from "
                                  f"'sample_rows'; leave grid, sample and rows empty")
        if not self.names or len(set(self.names)) != len(self.names):
            raise ExperimentError(f"{where}: 'names' must list each sampled parameter once")
        if len(self.bounds) != len(self.names):
            raise ExperimentError(f"{where}: 'bounds' needs one [low, high] per name")
        if not self.sample_rows:
            raise ExperimentError(f"{where}: the sample has no rows")
        owned = {}
        for design in self.designs:
            for key in design_keys(design):
                owned.setdefault(key, Path(design).stem)
        base = Scenario()
        for name, bound in zip(self.names, self.bounds, strict=True):
            param = by_name(name)
            if param is None or param.kind not in (int, float):
                raise ExperimentError(f"{where}: '{name}' is not a numeric model parameter")
            if name in self.fixed:
                raise ExperimentError(f"{where}: '{name}' is both sampled and fixed")
            if name in owned and name not in self.shared:
                raise ExperimentError(
                    f"{where}: '{name}' is set by the design '{owned[name]}'; sampling it "
                    f"would override the design's own value under every design")
            if not (len(bound) == 2 and bound[0] < bound[1]):
                raise ExperimentError(f"{where}: bounds of '{name}' must be [low, high] with "
                                      f"low < high, got {bound!r}")
            for value in bound:
                value = int(round(value)) if param.kind is int else float(value)
                try:
                    base.with_overrides({name: value}, f"{where} bounds")
                except ScenarioError as exc:
                    raise ExperimentError(str(exc)) from None
        low = np.array([b[0] for b in self.bounds], dtype=float)
        high = np.array([b[1] for b in self.bounds], dtype=float)
        try:
            rows = np.asarray(self.sample_rows, dtype=float)
        except ValueError:
            raise ExperimentError(f"{where}: every row needs {len(self.names)} numbers") from None
        if rows.ndim != 2 or rows.shape[1] != len(self.names):
            raise ExperimentError(f"{where}: every row needs {len(self.names)} numbers")
        tol = 1e-9 * np.maximum(1.0, np.abs(high - low))
        outside = ~np.isfinite(rows) | (rows < low - tol) | (rows > high + tol)
        if outside.any():
            i, j = map(int, np.argwhere(outside)[0])
            raise ExperimentError(f"{where}: row {i} sets '{self.names[j]}' to {rows[i, j]!r}, "
                                  f"outside its bounds {self.bounds[j]}")

    def points(self) -> list[dict[str, Any]]:
        """One parameter point per sample row (integer parameters rounded)."""
        kinds = [by_name(name).kind for name in self.names]
        return [{name: int(round(v)) if kind is int else float(v)
                 for name, kind, v in zip(self.names, kinds, row, strict=True)}
                for row in self.sample_rows]

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem of the sample."""
        return {"num_vars": len(self.names), "names": list(self.names),
                "bounds": [list(map(float, b)) for b in self.bounds]}

    @property
    def baseline_design(self) -> str:
        """The design differences are taken against (``baseline`` or the first design)."""
        return self.baseline or self.designs[0]


def build_experiment(method: str = "morris", n: int = 10, *, seeds: int = 2, years: int = 8,
                     region: str = "leiden_2015", scale: float = 0.05,
                     designs: Sequence[str] = DESIGNS, factors: Sequence[Factor] = FACTORS,
                     num_levels: int = NUM_LEVELS, root_seed: int = ROOT_SEED,
                     fixed: Mapping[str, Any] | None = None,
                     name: str | None = None) -> SensitivityExperiment:
    """Draw the sample and turn it into an experiment (rows x designs x seeds on one region).

    Args:
        method: ``morris`` or ``sobol``.
        n: Morris trajectories or Sobol base samples (see :data:`N_BOUNDS`).
        seeds: Seeds per point and design (shared: common random numbers).
        years: Years per run.
        region: Region name or file.
        scale: ``population_scale`` of every run.
        designs: Designs each point runs under; the first is the baseline of the differences.
        factors: The sampled parameters (default :data:`FACTORS`).
        num_levels: Levels of the Morris grid.
        root_seed: Root of the seed sequence; also seeds the sampler.
        fixed: Further parameter values for every run (besides :data:`~.problem.FIXED`).
        name: Experiment name (default ``sensitivity_<method>``).

    Raises:
        ExperimentError: Unknown method, N out of bounds, or an invalid experiment.
    """
    check_method(method)
    check_n(method, n)
    if not isinstance(num_levels, int) or not 2 <= num_levels <= 20 or num_levels % 2:
        raise ExperimentError(f"num_levels: must be an even integer from 2 to 20, "
                              f"got {num_levels!r}")
    problem = problem_from(factors)
    rows = sample(problem, method, n, num_levels=num_levels, seed=root_seed)
    designs = list(designs)
    fixed = {"population_scale": scale, **FIXED, **(fixed or {})}
    k = len(factors)
    return SensitivityExperiment(
        name=name or f"sensitivity_{method}", regions=[region], designs=designs, seeds=seeds,
        years=years, root_seed=root_seed, fixed=fixed, baseline=designs[0],
        description=(f"{method} sensitivity of {k} parameters on {Path(region).stem}: "
                     f"{len(rows)} points x {len(designs)} designs x {seeds} seeds, "
                     f"{years} years, population scale {scale:g}"),
        method=method, names=list(problem["names"]), bounds=problem["bounds"],
        sample_rows=[[float(v) for v in row] for row in rows], n=n, num_levels=num_levels,
        sample_seed=root_seed, shared=[f.name for f in factors if f.name in SHARED])
