"""Global sensitivity analysis: which behavioural and policy parameters drive the outcomes.

The question of the model is whether buying from fewer strategic partners improves
transformation, and at what price in trust, cost, choice and waiting time. A comparison of
designs at the default parameters answers it for one set of assumptions; this module asks how
much the answer depends on assumptions nobody can measure well (how strategic providers are,
how fast trust builds, how much supply induces demand) and on policy levers the designs leave
open (tariff, case management, access capacity).

The workflow:

1. :data:`FACTORS` (and its SALib form :data:`PROBLEM`) declares the uncertain parameters with
   their bounds, each inside the parameter's allowed range of :mod:`agents_model.params`.
2. :func:`sample` draws a Morris (``SALib.sample.morris``) or Sobol (``SALib.sample.sobol``,
   first and total order) sample, seeded.
3. :func:`build_experiment` turns the sample into a :class:`SensitivityExperiment`: an
   :class:`agents_model.experiment.Experiment` whose parameter points are the sample's rows.
   Every point is run under both designs (open house and strategic partners) with the same
   seeds (common random numbers), so the experiment runner parallelises, resumes and runs on a
   Dask cluster as for any other experiment.
4. :func:`outcome_table` reads the runs: the end-of-run value of each outcome KPI (mean over the
   last twelve months, as :func:`agents_model.report.end_values`) under each design, and the
   paired difference strategic partners minus open house per seed; both averaged over seeds.
5. :func:`analyse` computes Morris (mu*, sigma, bootstrap confidence of mu*) or Sobol (S1, ST
   with confidence intervals) indices per outcome as a tidy DataFrame;
   :func:`write_analysis` writes ``indices.csv``, one ranked bar figure per KPI and a Markdown
   report with a reading generated from the numbers.

Design levers that a compared governance file sets (contract length, dialogue meetings and
their content for strategic partners and open house) are not sampled: a sampled value is a
``--set`` override and would replace the design's own value under *both* designs, so the
difference would no longer be the difference between the designs as defined.
:class:`SensitivityExperiment` refuses such a factor.

Seed noise: with few seeds per point the model's randomness adds to every elementary effect.
For Morris the analysis estimates the mu* that seed noise alone would produce (the pooled
seed-to-seed spread within points) and reports it as a noise floor; for both methods it
reports the share of the outcome's variance across points that is seed noise.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agents_model.experiment import OWN_DESIGN, Experiment, ExperimentError
from agents_model.metrics import KPI_UNITS
from agents_model.params import by_name
from agents_model.report import KPI_DIRECTION, end_values
from agents_model.scenario import Scenario, ScenarioError, resolve

__all__ = [
    "BASELINE",
    "CONTRAST",
    "DIFFERENCE",
    "FACTORS",
    "METHODS",
    "N_BOUNDS",
    "OUTCOMES",
    "PROBLEM",
    "Factor",
    "SensitivityExperiment",
    "analyse",
    "analyse_experiment",
    "analyse_folder",
    "build_experiment",
    "design_keys",
    "outcome_table",
    "sample",
    "write_analysis",
]


@dataclass(frozen=True)
class Factor:
    """One uncertain parameter of the analysis.

    Attributes:
        name: Parameter name (see :mod:`agents_model.params`).
        low: Lower bound of the sampled range.
        high: Upper bound of the sampled range.
        group: ``behaviour`` (how agents act) or ``policy`` (a lever a municipality sets).
        why: Why these bounds.
    """

    name: str
    low: float
    high: float
    group: str
    why: str


FACTORS: tuple[Factor, ...] = (
    # --- behaviour: demand and placement ----------------------------------------------------
    Factor("supply_induced", 0.0, 1.5, "behaviour",
           "M9 says providers are 'suspected' to add demand, not by how much: from no effect "
           "to five times the table's assumption of 0.3 (the calibration prior)."),
    Factor("relationship_preference", 0.3, 0.9, "behaviour",
           "Access workers mostly use known providers (M10, T1); from a minority to nearly "
           "always (the calibration prior)."),
    Factor("size_preference", 0.5, 2.5, "behaviour",
           "Exponent that produces the T1 concentration around 1.0; from weak to strong "
           "preferential attachment."),
    Factor("client_choice", 0.0, 0.5, "behaviour",
           "Share of placements chosen by the resident by word of mouth [WOE 3b]; no source "
           "gives a figure, so a wide band around 0.25."),
    Factor("entry_rate", 0.0, 8.0, "behaviour",
           "Would-be entrants per year; the Leiden field grew by a few a year [LEI annex 3]; "
           "from none to twice the table's assumption of 4."),
    # --- behaviour: strategic orientation and its levers ------------------------------------
    Factor("sigma_large", 0.3, 0.8, "behaviour",
           "Initial strategic orientation of large institutions (M3, M4); the reports suspect "
           "it but do not measure it: 0.55 +- 0.25."),
    Factor("sigma_small", 0.1, 0.6, "behaviour",
           "Initial strategic orientation of small firms; assumption 0.35 +- 0.25."),
    Factor("shave_propensity", 0.3, 1.0, "behaviour",
           "How strongly a strategic provider cuts loss-making hours (M6): from modest to "
           "full; T3 shows it happens, so not 0."),
    Factor("upcoding_propensity", 0.2, 0.8, "behaviour",
           "How readily a strategic provider upcodes (M7): the calibration prior."),
    Factor("refusal_propensity", 0.4, 1.0, "behaviour",
           "How readily a strategic provider refuses costly clients (M4): 'hesitated' in "
           "[MEI 29], default 0.8."),
    # --- behaviour: trust, innovation, rules, cohesion --------------------------------------
    Factor("trust_build", 0.01, 0.10, "behaviour",
           "Trust gained per positive event; 'a change that takes a long breath' (M12): "
           "a quarter to two and a half times the table's assumption of 0.04."),
    Factor("trust_erosion", 0.05, 0.25, "behaviour",
           "Trust lost per negative event (M3): erosion is faster than build-up, from about "
           "the build-up assumption to six times it."),
    Factor("innovation_rate", 0.01, 0.08, "behaviour",
           "Quarterly innovation growth under full trust and long contracts (M11): a third to "
           "nearly three times the default 0.03."),
    Factor("rule_threshold", 0.3, 0.7, "behaviour",
           "Trust or information level below which a municipality adds a rule (M2, M3): "
           "0.5 +- 0.2."),
    Factor("cohesion_pressure_weight", 0.25, 2.0, "behaviour",
           "How budget pressure erodes regional cohesion (M16): a quarter to twice the "
           "default weight."),
    # --- policy levers the compared designs leave open --------------------------------------
    Factor("tariff_factor", 0.85, 1.15, "policy",
           "Tariff relative to the reference cost: [LEI annex 3] reports a rate below the "
           "old rate; +-15% covers cuts and a generous tariff."),
    Factor("case_management", 0.0, 0.6, "policy",
           "Bought case management (M14): none (Woerden before the pilot) to a substantial "
           "level."),
    Factor("access_fte_per_10k", 1.2, 3.5, "policy",
           "Access workers per 10,000 inhabitants (M13): thin to well-staffed neighbourhood "
           "teams around the default 2.2."),
    Factor("social_base_investment", 5.0, 60.0, "policy",
           "EUR per inhabitant per year for general provisions (M13, M19): a quarter to three "
           "times the default 20."),
    Factor("review_interval", 6.0, 18.0, "policy",
           "Months between reviews of an indication (M13); integer, rounded when applied "
           "(6, 10, 14, 18 on a four-level Morris grid)."),
)
"""The uncertain parameters and their bounds (all inside each parameter's allowed range)."""

PROBLEM: dict[str, Any] = {
    "num_vars": len(FACTORS),
    "names": [f.name for f in FACTORS],
    "bounds": [[f.low, f.high] for f in FACTORS],
}
""":data:`FACTORS` as a SALib problem (``num_vars``, ``names``, ``bounds``)."""

OUTCOMES: tuple[str, ...] = (
    "transformation_index", "spend", "mean_wait_months", "trust_municipality_to_provider",
    "trust_provider_to_municipality", "regional_cohesion", "active_providers",
)
"""KPIs analysed (end-of-run means over the last twelve months): transformation and its prices
in cost, waiting time, trust, regional cohesion and choice (active providers)."""

BASELINE = "open_house"
CONTRAST = "strategic_partners"
DESIGNS: tuple[str, ...] = (BASELINE, CONTRAST)
DIFFERENCE = "difference"
"""Contrast label of the paired difference (second design minus the first)."""

METHODS: tuple[str, ...] = ("morris", "sobol")
N_BOUNDS: dict[str, tuple[int, int]] = {"morris": (2, 500), "sobol": (4, 4096)}
"""Allowed N per method: Morris trajectories; Sobol base samples (a power of 2)."""

NUM_LEVELS = 4
"""Levels of the Morris grid."""

ROOT_SEED = 20150101
"""Default root of the seed sequence and seed of the sampler."""

END_MONTHS = 12
NUM_RESAMPLES = 1000
"""Bootstrap resamples of the confidence intervals."""

_Z95 = 1.6448536269514722
"""One-sided 95% normal quantile (noise floor of mu*)."""


# --- the problem and the sample ------------------------------------------------------------------


def problem_from(factors: Sequence[Factor]) -> dict[str, Any]:
    """A SALib problem (``num_vars``, ``names``, ``bounds``) from factors."""
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [[float(f.low), float(f.high)] for f in factors]}


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ExperimentError(f"--method: must be one of {', '.join(METHODS)}, got {method!r}")


def _check_n(method: str, n: int) -> None:
    low, high = N_BOUNDS[method]
    if not isinstance(n, int) or isinstance(n, bool) or not low <= n <= high:
        raise ExperimentError(f"--n: must be an integer from {low} to {high} for {method}, "
                              f"got {n!r}")
    if method == "sobol" and n & (n - 1):
        raise ExperimentError(f"--n: must be a power of 2 for sobol (e.g. 64, 128), got {n}")


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
    _check_method(method)
    _check_n(method, n)
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
    points (``grid``, ``sample`` and, where it has them, explicit ``rows``) must stay empty.

    Attributes:
        method: ``morris`` or ``sobol``.
        names: Sampled parameter names (the columns of ``rows``).
        bounds: ``[low, high]`` per name.
        sample_rows: The sample, one list of values per parameter point (names order).
        n: Morris trajectories or Sobol base samples.
        num_levels: Levels of the Morris grid.
        sample_seed: Seed the sample was drawn with.
    """

    method: str = "morris"
    names: list[str] = field(default_factory=list)
    bounds: list[list[float]] = field(default_factory=list)
    sample_rows: list[list[float]] = field(default_factory=list)
    n: int = 0
    num_levels: int = NUM_LEVELS
    sample_seed: int = 0

    def validate(self) -> None:
        """Check the base experiment, then the factors, the rows and the designs."""
        super().validate()
        where = self.source or f"experiment '{self.name}'"
        _check_method(self.method)
        if self.grid or self.sample or getattr(self, "rows", None):
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
            if name in owned:
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
        designs: Designs each point runs under; the first is the baseline of the difference.
        factors: The sampled parameters (default :data:`FACTORS`).
        num_levels: Levels of the Morris grid.
        root_seed: Root of the seed sequence; also seeds the sampler.
        fixed: Further parameter values for every run.
        name: Experiment name (default ``sensitivity_<method>``).

    Raises:
        ExperimentError: Unknown method, N out of bounds, or an invalid experiment.
    """
    _check_method(method)
    _check_n(method, n)
    if not isinstance(num_levels, int) or not 2 <= num_levels <= 20 or num_levels % 2:
        raise ExperimentError(f"num_levels: must be an even integer from 2 to 20, "
                              f"got {num_levels!r}")
    problem = problem_from(factors)
    rows = sample(problem, method, n, num_levels=num_levels, seed=root_seed)
    designs = list(designs)
    fixed = {"population_scale": scale, **(fixed or {})}
    k = len(factors)
    return SensitivityExperiment(
        name=name or f"sensitivity_{method}", regions=[region], designs=designs, seeds=seeds,
        years=years, root_seed=root_seed, fixed=fixed, baseline=designs[0],
        description=(f"{method} sensitivity of {k} parameters on {Path(region).stem}: "
                     f"{len(rows)} points x {len(designs)} designs x {seeds} seeds, "
                     f"{years} years, population scale {scale:g}"),
        method=method, names=list(problem["names"]), bounds=problem["bounds"],
        sample_rows=[[float(v) for v in row] for row in rows], n=n, num_levels=num_levels,
        sample_seed=root_seed)


# --- analysis -------------------------------------------------------------------------------------


def _morris_delta(num_levels: int) -> float:
    """SALib's Morris step as a fraction of the range."""
    return num_levels / (2.0 * (num_levels - 1))


def analyse(problem: Mapping[str, Any], X: np.ndarray,
            Y: Mapping[str, Any] | pd.DataFrame, method: str, *,
            num_levels: int = NUM_LEVELS, seed_values: Mapping[str, Any] | None = None,
            groups: Mapping[str, str] | None = None, num_resamples: int = NUM_RESAMPLES,
            conf_level: float = 0.95, seed: int = 1) -> pd.DataFrame:
    """Sensitivity indices of every outcome, as a tidy table.

    Args:
        problem: SALib problem of the sample.
        X: The sample (rows in the order the outputs are given).
        Y: Outputs per outcome: ``{outcome: values}`` or a DataFrame with one column each,
            one value per row of ``X`` (already averaged over seeds).
        method: ``morris`` or ``sobol``.
        num_levels: Levels of the Morris grid.
        seed_values: Per outcome, the values per seed before averaging (points x seeds,
            NaN for a missing run); optional. They give the seed noise: ``noise_share`` and,
            for Morris, ``noise_floor``.
        groups: Per parameter, its group (``behaviour``/``policy``); optional.
        num_resamples: Bootstrap resamples of the confidence intervals.
        conf_level: Coverage of the confidence intervals.
        seed: Seed of the bootstrap.

    Returns:
        One row per outcome and parameter: ``outcome, parameter, group`` and, for Morris,
        ``mu, mu_star, mu_star_conf, sigma, share`` (mu* over the sum of mu*) and
        ``noise_floor`` (the mu* that seed noise alone stays below with 95% probability,
        NaN without ``seed_values`` or with one seed); for Sobol
        ``S1, S1_conf, ST, ST_conf``; for both ``noise_share`` (share of the outcome's
        variance that is seed noise), ``rank`` (1: most influential by mu* or ST) and
        ``n_points``.

    Raises:
        ExperimentError: Unknown method, or an outcome without one finite value per row.
    """
    _check_method(method)
    X = np.asarray(X, dtype=float)
    frame = Y if isinstance(Y, pd.DataFrame) else pd.DataFrame(
        {k: np.asarray(v, dtype=float) for k, v in Y.items()})
    names = list(problem["names"])
    problem = {**problem, "num_vars": len(names)}
    groups = groups or {}
    seed_values = seed_values or {}
    tables = []
    for outcome in frame.columns:
        y = frame[outcome].to_numpy(dtype=float)
        if y.shape[0] != X.shape[0] or not np.isfinite(y).all():
            raise ExperimentError(f"outcome '{outcome}': needs one finite value per sample row "
                                  f"({X.shape[0]}), got {np.isfinite(y).sum()} of {y.shape[0]}")
        var_y = float(np.var(y, ddof=1)) if y.size > 1 else math.nan
        per_seed = seed_values.get(outcome)
        per_seed = None if per_seed is None else np.asarray(per_seed, dtype=float)
        nv = _noise_variance(per_seed) if per_seed is not None else math.nan
        noise_share = min(1.0, nv / var_y) if var_y > 0 and math.isfinite(nv) else math.nan
        if method == "morris":
            from SALib.analyze import morris

            si = morris.analyze(problem, X, y, num_resamples=num_resamples,
                                conf_level=conf_level, num_levels=num_levels, seed=seed)
            table = pd.DataFrame({k: np.asarray(si[k], dtype=float)
                                  for k in ("mu", "mu_star", "mu_star_conf", "sigma")})
            total = table["mu_star"].sum()
            table["share"] = table["mu_star"] / total if total > 0 else 0.0
            table["noise_floor"] = _noise_floor(per_seed, len(names), num_levels)
            key = "mu_star"
        else:
            from SALib.analyze import sobol

            with np.errstate(divide="ignore", invalid="ignore"):
                si = sobol.analyze(problem, y, calc_second_order=False,
                                   num_resamples=num_resamples, conf_level=conf_level,
                                   seed=seed)
            table = pd.DataFrame({k: np.asarray(si[k], dtype=float)
                                  for k in ("S1", "S1_conf", "ST", "ST_conf")})
            key = "ST"
        table.insert(0, "group", [groups.get(n, "") for n in names])
        table.insert(0, "parameter", names)
        table.insert(0, "outcome", outcome)
        table["noise_share"] = noise_share
        table["rank"] = table[key].rank(ascending=False, method="first").astype(int)
        table["n_points"] = int(y.size)
        tables.append(table)
    if not tables:
        return pd.DataFrame(columns=["outcome", "parameter", "group", "rank"])
    return pd.concat(tables, ignore_index=True)


def _seed_counts(values: np.ndarray) -> np.ndarray:
    return np.sum(np.isfinite(values), axis=-1)


def _noise_variance(values: np.ndarray | None) -> float:
    """Variance of a point's seed mean that is seed noise (pooled over points).

    Args:
        values: Points x seeds (NaN for a missing run).
    """
    if values is None or values.ndim != 2 or values.shape[1] < 2:
        return math.nan
    n = _seed_counts(values)
    ok = n >= 2
    if not ok.any():
        return math.nan
    with np.errstate(invalid="ignore"):
        var = np.nanvar(values[ok], axis=1, ddof=1)
    return float(np.mean(var / n[ok]))


def _noise_floor(values: np.ndarray | None, k: int, num_levels: int) -> float:
    """The mu* that seed noise alone stays below with 95% probability (Morris).

    The noise of an elementary effect is measured directly: for every step of every
    trajectory the change of the outcome is computed per seed, and the spread of these changes
    over seeds (divided by the number of seeds) is the noise variance of the averaged change.
    Seeds are shared by the points of a trajectory, so this includes the benefit of common
    random numbers. A parameter without influence has elementary effects ``e ~ N(0, v)``;
    ``|e|`` has mean ``sqrt(2 v / pi)`` and sd ``sqrt(v (1 - 2 / pi))``, and mu* averages one
    per trajectory.

    Args:
        values: Points x seeds in sample order (NaN for a missing run).
        k: Number of parameters (a trajectory has k + 1 points).
        num_levels: Levels of the Morris grid.
    """
    if values is None or values.ndim != 2 or values.shape[1] < 2:
        return math.nan
    r = values.shape[0] // (k + 1)
    if r < 1:
        return math.nan
    steps = np.diff(values[: r * (k + 1)].reshape(r, k + 1, -1), axis=1).reshape(r * k, -1)
    n = _seed_counts(steps)
    ok = n >= 2
    if not ok.any():
        return math.nan
    with np.errstate(invalid="ignore"):
        var = np.nanvar(steps[ok], axis=1, ddof=1) / n[ok]
    sd = math.sqrt(float(np.mean(var))) / _morris_delta(num_levels)
    return sd * math.sqrt(2.0 / math.pi) + _Z95 * sd * math.sqrt(1.0 - 2.0 / math.pi) / \
        math.sqrt(r)


def outcome_table(experiment: SensitivityExperiment, kpis: pd.DataFrame,
                  outcomes: Sequence[str] = OUTCOMES, months: int = END_MONTHS
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """End-of-run outcomes per point and seed, and per point averaged over seeds.

    Runs are matched to points by run id (two identical sample rows share their runs).

    Args:
        experiment: The experiment.
        kpis: Monthly KPIs of its finished runs (``read_results(out)["kpis"]``).
        outcomes: KPIs to analyse.
        months: End-of-run window in months.

    Returns:
        ``(per_seed, per_point)``: ``per_seed`` is long (contrast, kpi, point, seed_index,
        value) with contrasts the designs and ``difference`` (each other design minus the
        baseline, paired by seed); ``per_point`` has one row per point and one column per
        ``(contrast, kpi)`` (mean over seeds), plus ``seeds`` (paired seeds per point).

    Raises:
        ExperimentError: A KPI is missing from the results.
    """
    missing = [k for k in outcomes if k not in kpis.columns]
    if missing:
        raise ExperimentError(f"the results have no KPI {', '.join(missing)}")
    runs = pd.DataFrame([{"run_id": r.run_id, "point": r.point,
                          "design": Path(r.design).stem if r.design.endswith(".toml")
                          else r.design, "seed_index": r.seed_index}
                         for r in experiment.runs()])
    end = end_values(kpis[["run_id", "month", *outcomes]], months=months)
    merged = runs.merge(end[["run_id", *outcomes]], on="run_id", how="inner")
    labels = [Path(d).stem if d.endswith(".toml") else d for d in experiment.designs]
    baseline = labels[experiment.designs.index(experiment.baseline_design)]
    by_design = {d: merged[merged["design"] == d].set_index(["point", "seed_index"])[
        list(outcomes)].sort_index() for d in labels}
    parts = {d: by_design[d] for d in labels}
    others = [d for d in labels if d != baseline]
    for d in others:
        diff = (by_design[d] - by_design[baseline]).dropna(how="all")
        parts[DIFFERENCE if len(others) == 1 else f"{d} - {baseline}"] = diff
    long = []
    for contrast, table in parts.items():
        if table.empty:
            continue
        melted = table.reset_index().melt(id_vars=["point", "seed_index"], var_name="kpi",
                                          value_name="value")
        melted.insert(0, "contrast", contrast)
        long.append(melted)
    per_seed = pd.concat(long, ignore_index=True) if long else pd.DataFrame(
        columns=["contrast", "kpi", "point", "seed_index", "value"])
    per_point = per_seed.pivot_table(index="point", columns=["contrast", "kpi"],
                                     values="value", aggfunc="mean", dropna=False)
    order = [(c, k) for c in parts for k in outcomes if (c, k) in per_point.columns]
    per_point = per_point.reindex(index=range(len(experiment.sample_rows)), columns=order)
    per_point.columns = pd.MultiIndex.from_tuples(order, names=["contrast", "kpi"])
    counted = list(parts)[-1]  # a difference (paired seeds), or the only design
    seeds = per_seed[per_seed["contrast"] == counted].groupby("point")["seed_index"].nunique()
    per_point[("seeds", "")] = seeds.reindex(per_point.index).fillna(0).astype(int)
    return per_seed, per_point


def _seed_matrices(per_seed: pd.DataFrame, points: int) -> dict[str, np.ndarray]:
    """Per ``contrast/kpi``: the values as points x seeds (NaN for a missing run)."""
    out: dict[str, np.ndarray] = {}
    if per_seed.empty:
        return out
    seeds = sorted(per_seed["seed_index"].unique())
    for (contrast, kpi), g in per_seed.groupby(["contrast", "kpi"], sort=False):
        table = g.pivot_table(index="point", columns="seed_index", values="value",
                              aggfunc="mean", dropna=False)
        out[f"{contrast}/{kpi}"] = table.reindex(index=range(points), columns=seeds).to_numpy(
            dtype=float)
    return out


def analyse_experiment(experiment: SensitivityExperiment, kpis: pd.DataFrame,
                       outcomes: Sequence[str] = OUTCOMES,
                       num_resamples: int = NUM_RESAMPLES) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Indices of every (contrast, KPI) of an experiment's results.

    Returns:
        ``(indices, per_point)``: the tidy indices of :func:`analyse` with ``contrast`` and
        ``kpi`` columns added (``outcome`` is ``contrast/kpi``) and the per-point outcomes of
        :func:`outcome_table`.

    Raises:
        ExperimentError: Points without a finished run under every design (run the same
            command again to retry failed runs).
    """
    per_seed, per_point = outcome_table(experiment, kpis, outcomes)
    values = per_point.drop(columns=[("seeds", "")])
    incomplete = values.index[values.isna().any(axis=1)]
    if len(incomplete):
        raise ExperimentError(
            f"{len(incomplete)} of {len(values)} parameter points have no finished run under "
            f"every design (first: point {int(incomplete[0])}); run the same command again "
            f"to retry the failed runs")
    Y = pd.DataFrame({f"{c}/{k}": values[(c, k)].to_numpy() for c, k in values.columns})
    seed_values = _seed_matrices(per_seed, len(values))
    groups = {f.name: f.group for f in FACTORS}
    indices = analyse(experiment.problem, np.asarray(experiment.sample_rows), Y,
                      experiment.method,
                      num_levels=experiment.num_levels, seed_values=seed_values, groups=groups,
                      num_resamples=num_resamples, seed=experiment.root_seed)
    split = indices["outcome"].str.split("/", n=1, expand=True)
    indices.insert(1, "contrast", split[0])
    indices.insert(2, "kpi", split[1])
    indices.insert(0, "method", experiment.method)
    return indices, per_point


# --- output: table, figures, report ---------------------------------------------------------------


def _new_figure(rows: int, cols: int, width: float, height: float,
                layout: str | None = "constrained") -> tuple[Any, np.ndarray]:
    """A figure on the Agg canvas (no pyplot state) with a grid of axes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width * cols, height * rows), layout=layout)
    FigureCanvasAgg(fig)
    return fig, fig.subplots(rows, cols, squeeze=False)


_GROUP_COLORS = {"behaviour": "#4575b4", "policy": "#d95f02", "": "#7f7f7f"}


def _compact_ticks(ax: Any, largest: float) -> None:
    """At most five x ticks; thousands as ``150k`` so large values do not overlap."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    if largest >= 10_000:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x / 1000:g}k" if x else "0"))


def _contrast_title(contrast: str, experiment: SensitivityExperiment) -> str:
    if contrast == DIFFERENCE:
        other = [d for d in experiment.designs if d != experiment.baseline_design]
        return f"{_human(other[0])} minus {_human(experiment.baseline_design)}"
    return _human(contrast)


def _figures(indices: pd.DataFrame, experiment: SensitivityExperiment,
             folder: Path) -> dict[str, str]:
    """One PNG per KPI: ranked bars with confidence intervals, one panel per contrast."""
    folder.mkdir(parents=True, exist_ok=True)
    morris = experiment.method == "morris"
    key, conf = ("mu_star", "mu_star_conf") if morris else ("ST", "ST_conf")
    out = {}
    contrasts = list(dict.fromkeys(indices["contrast"]))
    k = len(experiment.names)
    for kpi in dict.fromkeys(indices["kpi"]):
        height = 0.26 * k + 1.6
        fig, axes = _new_figure(1, len(contrasts), 4.6, height, layout=None)
        # fixed margins (a constrained layout costs about a second per figure)
        fig.subplots_adjust(left=0.115, right=0.985, wspace=0.62, top=1 - 0.55 / height,
                            bottom=0.5 / height)
        for ax, contrast in zip(axes[0], contrasts, strict=True):
            t = indices[(indices["kpi"] == kpi) & (indices["contrast"] == contrast)]
            t = t.sort_values(key, ascending=True)
            y = np.arange(len(t))
            colors = [_GROUP_COLORS.get(g, "#7f7f7f") for g in t["group"]]
            bars = ax.barh(y, t[key], xerr=t[conf], color=colors, alpha=0.85, height=0.7,
                           error_kw={"elinewidth": 0.8, "capsize": 2, "ecolor": "#333333"})
            if morris:  # below the seed-noise floor: pale
                for bar, value, floor in zip(bars, t["mu_star"], t["noise_floor"],
                                             strict=True):
                    if math.isfinite(floor) and value <= floor:
                        bar.set_alpha(0.3)
            if not morris:
                ax.barh(y, t["S1"], color="#222222", alpha=0.55, height=0.3, label="S1")
                ax.axvline(0, color="#333333", lw=0.6)
            else:
                floor = t["noise_floor"].iloc[0] if len(t) else math.nan
                if math.isfinite(floor):
                    ax.axvline(floor, color="#b2182b", ls="--", lw=1,
                               label="seed noise (95%)")
            ax.set_yticks(y, t["parameter"], fontsize=8)
            ax.set_title(_contrast_title(contrast, experiment), fontsize=10)
            unit = KPI_UNITS.get(kpi, "")
            ax.set_xlabel((f"mu* ({unit} per full range)" if morris else
                           "ST (bar), S1 (dark)"), fontsize=8)
            ax.tick_params(axis="x", labelsize=8)
            _compact_ticks(ax, float(np.nanmax((t[key] + t[conf]).to_numpy(dtype=float),
                                                initial=0.0)))
            if ax.get_legend_handles_labels()[0]:
                ax.legend(fontsize=7, loc="lower right")
        fig.suptitle(f"{kpi}: {'Morris mu* with 95% bootstrap interval' if morris else
                               'Sobol total (ST) and first-order (S1) indices, 95% intervals'}"
                     f" (blue: behaviour, orange: policy"
                     f"{'; pale: below the seed-noise floor' if morris else ''})", fontsize=10)
        name = f"{kpi}.png"
        fig.savefig(folder / name, dpi=110)
        out[kpi] = name
    return out


def _overview_figure(indices: pd.DataFrame, experiment: SensitivityExperiment,
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
    fig, axes = _new_figure(1, 1, 0.5 * len(order) + 3.0, 0.3 * len(table) + 2.4)
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
    fig.savefig(folder / "overview.png", dpi=110)
    return "overview.png"


def _fmt(x: float) -> str:
    """A number with about three significant digits."""
    if x is None or not math.isfinite(x):
        return "n/a"
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    if a == 0:
        return "0"
    if a < 1e-3:
        return f"{x:.2e}"
    return f"{x:.{max(2, 2 - math.floor(math.log10(a)))}f}"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} seconds"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.1f} hours"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _human(name: str) -> str:
    return Path(name).stem.replace("_", " ")


def _drivers(t: pd.DataFrame, morris: bool, top: int = 3, what: str = "the outcome"
             ) -> tuple[list[str], list[str]]:
    """Text of the top parameters of one outcome (above the noise floor) and the rest."""
    key, conf = ("mu_star", "mu_star_conf") if morris else ("ST", "ST_conf")
    t = t.sort_values(key, ascending=False)
    clear = t
    if morris and t["noise_floor"].notna().any():
        clear = t[t["mu_star"] > t["noise_floor"]]
    elif not morris:
        clear = t[t["ST"] - t["ST_conf"] > 0.05]
    items = []
    for row in clear.head(top).itertuples():
        value = getattr(row, key)
        text = f"`{row.parameter}` ({'mu*' if morris else 'ST'} {_fmt(value)} +- " \
               f"{_fmt(getattr(row, conf))}"
        if morris:
            text += f", {row.share:.0%} of the total"
            if row.mu_star > 0 and abs(row.mu) >= 0.8 * row.mu_star:
                text += ", raising it " + ("raises" if row.mu > 0 else "lowers") + f" {what}"
            elif row.mu_star > 0 and row.sigma > row.mu_star:
                text += ", effect depends on the other parameters"
        else:
            text += f", S1 {_fmt(row.S1)}"
        items.append(text + ")")
    return items, [r.parameter for r in clear.itertuples()]


def _unit_suffix(kpi: str) -> str:
    """`` unit`` for KPIs with a physical unit; nothing for 0-1 indices and shares."""
    unit = KPI_UNITS.get(kpi, "")
    return "" if unit in ("", "-", "0-1", "share") else f" {unit}"


def _join(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _noise_sentence(indices: pd.DataFrame) -> str:
    """The range of the seed-noise share for the designs' levels and for the differences."""
    shares = indices.groupby(["contrast", "outcome"])["noise_share"].first().dropna()
    if shares.empty:
        return " With one seed the noise cannot be estimated."
    levels = shares[shares.index.get_level_values(0) != DIFFERENCE]
    diffs = shares[shares.index.get_level_values(0) == DIFFERENCE]
    text = ""
    if len(levels):
        text += (f" Seed noise is {levels.min():.0%} to {levels.max():.0%} of the variance "
                 f"of the designs' values over the sample")
    if len(diffs):
        text += (f"{' and' if text else ' Seed noise is'} {diffs.min():.0%} to "
                 f"{diffs.max():.0%} of the variance of the differences")
        if len(levels) and diffs.median() > levels.median():
            text += (": pairing by seed removes the noise both designs share, but the "
                     "differences vary less over the parameters than the levels do")
    return text + "."


def _inactive(indices: pd.DataFrame, experiment: SensitivityExperiment) -> list[str]:
    """Parameters with no effect at all (mu* or ST zero) on every outcome."""
    key = "mu_star" if experiment.method == "morris" else "ST"
    top = indices.groupby("parameter")[key].apply(lambda v: float(np.nanmax(np.abs(v))))
    scale = indices.groupby("outcome")[key].max().max()
    tol = 1e-12 * max(1.0, float(scale)) if np.isfinite(scale) else 1e-12
    return [n for n in experiment.names if n in top.index and top[n] <= tol]


def _distribution(per_point: pd.DataFrame, kpi: str) -> dict[str, float]:
    """Mean, 10th and 90th percentile of the difference over points; shares better/worse.

    A difference within 1e-9 of the larger design value counts as no difference.
    """
    if (DIFFERENCE, kpi) not in per_point.columns:
        return {}
    d = per_point[(DIFFERENCE, kpi)].to_numpy(dtype=float)
    levels = [per_point[c].to_numpy(dtype=float) for c in per_point.columns
              if c[1] == kpi and c[0] != DIFFERENCE]
    scale = np.max(np.abs(levels), axis=0) if levels else np.ones_like(d)
    signed = d * KPI_DIRECTION.get(kpi, 0)
    tie = np.abs(d) <= 1e-9 * np.maximum(1.0, scale)
    direction = KPI_DIRECTION.get(kpi, 0)
    better = float(np.mean((signed > 0) & ~tie)) if direction else math.nan
    worse = float(np.mean((signed < 0) & ~tie)) if direction else math.nan
    return {"mean": float(np.mean(d)), "p10": float(np.percentile(d, 10)),
            "p90": float(np.percentile(d, 90)), "better": better, "worse": worse,
            "equal": float(np.mean(tie))}


def _in_short(indices: pd.DataFrame, per_point: pd.DataFrame,
              experiment: SensitivityExperiment) -> list[str]:
    """The main findings in a few generated sentences."""
    morris = experiment.method == "morris"
    designs = [Path(d).stem for d in experiment.designs]
    other = [d for d in designs if d != Path(experiment.baseline_design).stem]
    lines = ["", "## In short", ""]
    kpis = list(dict.fromkeys(indices["kpi"]))
    if other and DIFFERENCE in set(indices["contrast"]):
        parts, counts = [], {}
        for kpi in kpis:
            dist = _distribution(per_point, kpi)
            if not dist:
                continue
            sign = "+" if dist["mean"] > 0 else ""
            text = f"`{kpi}` {sign}{_fmt(dist['mean'])}{_unit_suffix(kpi)}"
            if dist["equal"] >= 1.0:
                text += " (no difference)"
            elif math.isfinite(dist["better"]):
                share, word = max((dist["better"], "better"), (dist["worse"], "worse"))
                text += f" ({word} at {share:.0%} of the points)"
            parts.append(text)
            t = indices[(indices["kpi"] == kpi) & (indices["contrast"] == DIFFERENCE)]
            for name in _drivers(t, morris)[1][:3]:
                counts[name] = counts.get(name, 0) + 1
        lines.append(f"- **{_human(other[0])} minus {_human(designs[0])}**, averaged over the "
                     f"sample: " + "; ".join(parts) + ".")
        if counts:
            common = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:4]
            lines.append("- **What decides the comparison** (most often among the three "
                         "largest effects on the difference): " + _join(
                             [f"`{n}` ({c} of {len(kpis)} KPIs)" for n, c in common]) + ".")
    firsts: dict[str, list[str]] = {}
    for (contrast, kpi), t in indices.groupby(["contrast", "kpi"], sort=False):
        if contrast == DIFFERENCE:
            continue
        top = _drivers(t, morris, top=1)[1][:1]
        for name in top:
            firsts.setdefault(name, [])
            if kpi not in firsts[name]:
                firsts[name].append(kpi)
    if firsts:
        ranked = sorted(firsts.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        lines.append("- **What drives the outcomes under either design**: " + _join(
            [f"`{n}` (the largest effect on {_join([f'`{k}`' for k in ks])})"
             for n, ks in ranked]) + ".")
    inactive = _inactive(indices, experiment)
    if inactive:
        lines.append(f"- **No effect at all**: {_join([f'`{n}`' for n in inactive])}.")
    return lines


def _markdown(indices: pd.DataFrame, per_point: pd.DataFrame,
              experiment: SensitivityExperiment, figures: dict[str, str], overview: str,
              facts: Mapping[str, Any]) -> str:
    morris = experiment.method == "morris"
    k = len(experiment.names)
    points = len(experiment.sample_rows)
    region = Path(experiment.regions[0]).stem
    designs = [Path(d).stem for d in experiment.designs]
    other = [d for d in designs if d != Path(experiment.baseline_design).stem]
    diff_name = f"{_human(other[0])} minus {_human(designs[0])}" if other else ""
    runs = points * len(designs) * experiment.seeds
    scale = experiment.fixed.get("population_scale", 1.0)
    lines = ["# Global sensitivity analysis", "",
             "Which assumptions and policy levers drive transformation, trust, cost, waiting "
             "time and regional cohesion, and which of them decide whether buying from a few "
             "strategic partners beats open house?", "", "## What was run", ""]
    if morris:
        lines.append(f"- **Method**: Morris elementary effects (SALib {facts.get('salib')}), "
                     f"{experiment.n} trajectories on a {experiment.num_levels}-level grid over "
                     f"{k} parameters: ({k} + 1) x {experiment.n} = {points} parameter points.")
    else:
        lines.append(f"- **Method**: Sobol indices, first and total order (SALib "
                     f"{facts.get('salib')}), {experiment.n} base samples over {k} "
                     f"parameters: ({k} + 2) x {experiment.n} = {points} parameter points.")
    lines += [
        f"- **Runs**: every point under {' and '.join(map(_human, designs))}, "
        f"{_plural(experiment.seeds, 'seed')} each, shared by the designs (common random "
        f"numbers): {runs} runs of {_plural(experiment.years, 'year')} on `{region}` at "
        f"population scale {scale:g}"
        + (f"; {facts['failed']} failed" if facts.get("failed") else "") + ".",
        "- **Outcomes**: the mean of each KPI over the last twelve months of a run, under each "
        "design, and the difference " + (f"{diff_name} " if diff_name else "") +
        "per seed; averaged over seeds before the analysis.",
    ]
    if facts.get("run_seconds"):
        text = f"- **Time**: {_duration(facts['run_seconds'])} of model runs"
        if facts.get("wall_seconds"):
            text += (f", {_duration(facts['wall_seconds'])} wall-clock on "
                     f"{facts.get('where', 'the executor')}")
        lines.append(text + ".")
    if facts.get("version"):
        lines.append(f"- **Model version**: wmo-abm {facts['version']}; sample seed "
                     f"{experiment.sample_seed}.")
    if tuple(designs) == DESIGNS and set(experiment.fixed) == {"population_scale"} \
            and experiment.names == PROBLEM["names"] and experiment.root_seed == ROOT_SEED \
            and experiment.num_levels == NUM_LEVELS:
        lines.append(f"- **Reproduce**: `wmo-abm sensitivity --method {experiment.method} "
                     f"--n {experiment.n} --seeds {experiment.seeds} --years "
                     f"{experiment.years} --region {region} --scale {scale:g}` (add "
                     f"`--workers N` or `--scheduler ADDR`; the results do not depend on "
                     f"them).")
    lines += _in_short(indices, per_point, experiment)
    lines += ["", "## Parameters and ranges", "",
              "Every other parameter keeps the region's value. Design levers that a compared "
              "design sets itself (contract length, dialogue meetings and their content, "
              "partners, sanctions) are not sampled: a sampled value would replace the "
              "design's own value under both designs.", "",
              "| parameter | group | default | range | why this range |", "|---|---|---|---|---|"]
    why = {f.name: f.why for f in FACTORS}
    groups = {f.name: f.group for f in FACTORS}
    defaults = Scenario().values
    for name, (low, high) in zip(experiment.names, experiment.bounds, strict=True):
        p = by_name(name)
        unit = "" if p.unit in ("-", "0-1") else f" {p.unit}"
        lines.append(f"| `{name}` | {groups.get(name, '')} | {defaults[name]:g} | {low:g} to "
                     f"{high:g}{unit} | {why.get(name, '')} |")
    lines += ["", "## How to read the indices", ""]
    if morris:
        lines += [
            "- **mu\\*** is the mean absolute elementary effect: how much the outcome changes, "
            "in its own unit, when one parameter moves over its whole range with the others "
            "held at a sampled point. Bars are ranked by mu\\*; whiskers are 95% bootstrap "
            "intervals over trajectories. **sigma** (in `indices.csv`) is the spread of the "
            "effects: large against mu\\* means the effect is non-linear or depends on other "
            "parameters.",
            "- The dashed red line is the **seed-noise floor**: the mu\\* that a parameter "
            "without any influence stays below with 95% probability, given the seed-to-seed "
            "spread of the outcome within points. Parameters below it cannot be told apart "
            "from noise with this many seeds and trajectories; the text names only "
            "parameters above it.",
        ]
    else:
        lines += [
            "- **ST** (total index) is the share of the outcome's variance over the sample "
            "that disappears if the parameter is fixed, interactions included; **S1** is the "
            "share it explains on its own. Whiskers are 95% bootstrap intervals. The text "
            "names parameters whose ST exceeds 0.05 beyond its interval.",
            "- Seed noise counts as variance too; `noise_share` in `indices.csv` is the share "
            "of the outcome's variance that is seed noise.",
        ]
    lines.append("- Blue bars are behavioural assumptions, orange bars policy levers.")

    lines += ["", "## Results per outcome", ""]
    contrasts = list(dict.fromkeys(indices["contrast"]))
    diff_drivers: dict[str, list[str]] = {}
    for kpi in dict.fromkeys(indices["kpi"]):
        unit = KPI_UNITS.get(kpi, "")
        lines += [f"### `{kpi}` ({unit})", ""]
        for contrast in contrasts:
            t = indices[(indices["kpi"] == kpi) & (indices["contrast"] == contrast)]
            items, clear = _drivers(t, morris, what="the difference"
                                    if contrast == DIFFERENCE else "the outcome")
            if contrast == DIFFERENCE:
                diff_drivers[kpi] = clear
            title = _contrast_title(contrast, experiment)
            noise = t["noise_share"].iloc[0] if len(t) else math.nan
            noise_txt = f" Seed noise is {noise:.0%} of the variance over points." \
                if math.isfinite(noise) else ""
            if items:
                lines.append(f"- **{title}**: " + "; ".join(items) + "." + noise_txt)
            else:
                lines.append(f"- **{title}**: no parameter stands out from seed noise." +
                             noise_txt)
        dist = _distribution(per_point, kpi)
        if dist:
            text = (f"- Across the sample the difference ({diff_name}) averages "
                    f"{_fmt(dist['mean'])}{_unit_suffix(kpi)} (10th to 90th percentile of points: "
                    f"{_fmt(dist['p10'])} to {_fmt(dist['p90'])})")
            if dist["equal"] >= 1.0:
                text += "; the designs give the same value at every point"
            elif math.isfinite(dist["better"]):
                text += (f"; {_human(other[0])} is better at {dist['better']:.0%} of the "
                         f"points and worse at {dist['worse']:.0%}")
            lines.append(text + ".")
        if kpi in figures:
            lines += ["", f"![{kpi}](figures/{figures[kpi]})"]
        lines.append("")

    if diff_name:
        lines += [f"## What drives the difference {diff_name}", ""]
        rows = ["| KPI | better is | mean difference | 10th-90th percentile | "
                f"{_human(other[0])} better / worse at | main drivers of the difference |",
                "|---|---|---|---|---|---|"]
        for kpi in diff_drivers:
            dist = _distribution(per_point, kpi)
            direction = {1: "higher", -1: "lower"}.get(KPI_DIRECTION.get(kpi, 0), "-")
            drivers = ", ".join(f"`{p}`" for p in diff_drivers[kpi][:3]) or (
                "no difference" if dist.get("equal", 0) >= 1.0 else "none above noise")
            better = (f"{dist['better']:.0%} / {dist['worse']:.0%} of points"
                      if math.isfinite(dist.get("better", math.nan)) else "-")
            rows.append(f"| `{kpi}` | {direction} | {_fmt(dist['mean'])} | {_fmt(dist['p10'])} "
                        f"to {_fmt(dist['p90'])} | {better} | {drivers} |")
        lines += rows + [""]
        counts: dict[str, int] = {}
        for names in diff_drivers.values():
            for p in names[:3]:
                counts[p] = counts.get(p, 0) + 1
        if counts:
            common = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            lines.append(
                "Most often among the top three drivers of the difference: " +
                ", ".join(f"`{p}` ({n} of {len(diff_drivers)} KPIs)" for p, n in common[:5])
                + ". These are the assumptions a claim about the designs depends on most.")
            lines.append("")
            never = [n for n in experiment.names if n not in counts]
            if never:
                lines.append("Never among the top three drivers of a difference (above the "
                             "noise floor): " + ", ".join(f"`{n}`" for n in never) + ".")
            lines.append("")
        dists = {kpi: _distribution(per_point, kpi) for kpi in diff_drivers}
        robust = [(kpi, "better" if d["better"] >= 0.9 else "worse") for kpi, d in dists.items()
                  if d and math.isfinite(d["better"]) and max(d["better"], d["worse"]) >= 0.9]
        mixed = [kpi for kpi, d in dists.items()
                 if d and math.isfinite(d["better"]) and max(d["better"], d["worse"]) < 0.9
                 and d["equal"] < 1.0]
        if robust:
            parts = []
            for word in ("better", "worse"):
                kpis = [f"`{k}`" for k, w in robust if w == word]
                if kpis:
                    parts.append(f"{word} on {_join(kpis)}")
            lines.append(f"Across the parameter ranges, {_human(other[0])} is "
                         f"{' and '.join(parts)} than {_human(designs[0])} at 90% or more of "
                         f"the points.")
            lines.append("")
        if mixed:
            lines.append("The sign depends on the parameters for " +
                         ", ".join(f"`{k}`" for k in mixed) + ": the main drivers above "
                         "decide which design comes out ahead.")
        lines.append("")
    inactive = _inactive(indices, experiment)
    if inactive:
        lines += ["## Parameters without any effect", "",
                  f"{_join([f'`{n}`' for n in inactive])} changed no outcome at all in any "
                  f"step of the sample (every elementary effect is exactly zero): the "
                  f"mechanisms they steer never came into play in this region under these "
                  f"designs. The analysis says nothing about them in other settings.", ""]
    lines += ["## Overview", "", f"![overview](figures/{overview})", "",
              "Each column is one outcome (contrast/KPI), scaled to its most influential "
              "parameter; the numbers mark the top three.", ""]
    lines += ["## Caveats", ""]
    if morris:
        lines.append(
            f"- Morris is a screening method: it ranks parameters by the size of their effects "
            f"but does not split the variance into shares. With {experiment.n} trajectories "
            f"each parameter has only {experiment.n} elementary effects, so ranks close to each "
            f"other (overlapping whiskers) are not distinguishable; only the group at the top "
            f"and the parameters below the noise floor are clear.")
    else:
        lines.append(
            f"- Sobol indices need many base samples; with N = {experiment.n} the intervals "
            f"are wide and small negative S1 values are estimation error.")
    lines += [
        f"- {_plural(experiment.seeds, 'seed')} per point: seed noise adds to every effect."
        + _noise_sentence(indices) + " The shares of points at which a design is better "
        "count each point's seed mean, so where the noise share is high they include seed "
        "noise too.",
        "- The ranges are judgements (see the table), not measured distributions; another "
        "range gives another ranking. Parameters outside the table are fixed at the region's "
        "values, so their influence is not assessed.",
        f"- One region (`{region}`) at population scale {scale:g} and {experiment.years} years; "
        "`spend` is in euros per month at that scale. Other regions or longer runs may rank "
        "the parameters differently.",
        "- The designs are compared as the governance files define them; the levers they set "
        "(contract length, dialogue, partners, sanctions) are not varied here.",
        "",
        "Files: `indices.csv` (every index: `method, outcome, contrast, kpi, parameter, "
        "group` and the index columns), `outcomes.csv` (the outcomes per parameter point), "
        "`figures/`.",
    ]
    return "\n".join(lines) + "\n"


def write_analysis(indices: pd.DataFrame, per_point: pd.DataFrame,
                   experiment: SensitivityExperiment, folder: str | Path,
                   facts: Mapping[str, Any] | None = None) -> Path:
    """Write ``indices.csv``, ``outcomes.csv``, ``figures/*.png`` and ``report.md``.

    Args:
        indices: Indices of :func:`analyse_experiment`.
        per_point: Per-point outcomes of :func:`analyse_experiment`.
        experiment: The experiment.
        folder: Output folder (created).
        facts: Extra facts for the report: ``failed`` runs, ``run_seconds``,
            ``wall_seconds``, ``where`` (the executor), ``version``.

    Returns:
        The path of ``report.md``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    facts = dict(facts or {})
    try:
        facts.setdefault("salib", metadata.version("SALib"))
    except metadata.PackageNotFoundError:
        facts.setdefault("salib", "?")
    indices.to_csv(folder / "indices.csv", index=False, float_format="%.6g")
    table = per_point.copy()
    table.columns = [f"{c}/{k}" if k else c for c, k in table.columns]
    params = pd.DataFrame(experiment.points())
    pd.concat([params, table.reset_index(drop=True)], axis=1).rename_axis("point").to_csv(
        folder / "outcomes.csv", float_format="%.6g")
    figures = _figures(indices, experiment, folder / "figures")
    overview = _overview_figure(indices, experiment, folder / "figures")
    text = _markdown(indices, per_point, experiment, figures, overview, facts)
    path = folder / "report.md"
    tmp = path.with_name(".report.md.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def _read_kpis(out: Path, outcomes: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The manifest and the KPI columns needed, of runs whose manifest row says ok.

    Like :func:`agents_model.experiment.read_results`, but reads only the columns the analysis
    needs and not the provider tables.
    """
    frames = []
    for name, columns in (("manifest", None), ("kpis", ["run_id", "month", *outcomes])):
        folder = out / name
        if folder.is_dir() and any(folder.glob("*.parquet")):
            frames.append(pd.read_parquet(folder, columns=columns))
        else:
            frames.append(pd.DataFrame(columns=columns or ["run_id", "status", "duration_s"]))
    manifest, kpis = frames
    ok = set(manifest.loc[manifest["status"] == "ok", "run_id"]) if len(manifest) else set()
    return manifest, kpis[kpis["run_id"].isin(ok)].reset_index(drop=True)


def analyse_folder(out: str | Path, folder: str | Path | None = None,
                   facts: Mapping[str, Any] | None = None,
                   experiment: SensitivityExperiment | None = None) -> Path:
    """Analyse a finished sensitivity experiment folder into ``OUT/analysis`` (or ``folder``).

    Args:
        out: The experiment's results folder.
        folder: Where to write (default ``OUT/analysis``).
        facts: Extra facts for the report (see :func:`write_analysis`).
        experiment: The experiment (default: rebuilt from ``OUT/experiment.json``).

    Returns:
        The path of ``report.md``.

    Raises:
        ExperimentError: No sensitivity experiment in ``out``, or unfinished points.
    """
    import json

    out = Path(out)
    meta_path = out / "experiment.json"
    if not meta_path.is_file():
        raise ExperimentError(f"{out}: holds no experiment (no experiment.json)")
    meta = json.loads(meta_path.read_text())
    if experiment is None:
        spec = meta.get("spec", {})
        if "sample_rows" not in spec:
            raise ExperimentError(f"{out}: holds no sensitivity experiment")
        experiment = SensitivityExperiment(**spec)
    manifest, kpis = _read_kpis(out, OUTCOMES)
    facts = dict(facts or {})
    facts.setdefault("version", meta.get("version"))
    if len(manifest):
        facts.setdefault("failed", int((manifest["status"] != "ok").sum()))
        facts.setdefault("run_seconds", float(manifest["duration_s"].sum()))
    if kpis.empty:
        raise ExperimentError(f"{out}: no finished runs to analyse")
    indices, per_point = analyse_experiment(experiment, kpis)
    return write_analysis(indices, per_point, experiment, Path(folder or out / "analysis"),
                          facts)
