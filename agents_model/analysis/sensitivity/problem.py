"""The sensitivity problem as plain data: the uncertain parameters, outcomes and designs.

:data:`FACTORS` declares the uncertain parameters with their bounds, each inside the parameter's
allowed range of :mod:`agents_model.params`; :data:`PROBLEM` is its SALib form. Design levers
that a compared governance file sets (contract length, dialogue meetings and their content for
strategic partners and open house) are not factors: a sampled value is a ``--set`` override and
would replace the design's own value under *both* designs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agents_model.runner.experiments import ExperimentError

__all__ = [
    "BASELINE",
    "CONTRAST",
    "DESIGNS",
    "DIFFERENCE",
    "END_MONTHS",
    "FACTORS",
    "METHODS",
    "NUM_LEVELS",
    "NUM_RESAMPLES",
    "N_BOUNDS",
    "OUTCOMES",
    "PROBLEM",
    "ROOT_SEED",
    "Factor",
    "check_method",
    "check_n",
    "problem_from",
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


def problem_from(factors: Sequence[Factor]) -> dict[str, Any]:
    """A SALib problem (``num_vars``, ``names``, ``bounds``) from factors."""
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [[float(f.low), float(f.high)] for f in factors]}


PROBLEM: dict[str, Any] = problem_from(FACTORS)
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
"""End-of-run window: months at the end of a run whose mean is the outcome."""

NUM_RESAMPLES = 1000
"""Bootstrap resamples of the confidence intervals."""


def check_method(method: str) -> None:
    """Raise ExperimentError unless ``method`` is one of :data:`METHODS`."""
    if method not in METHODS:
        raise ExperimentError(f"--method: must be one of {', '.join(METHODS)}, got {method!r}")


def check_n(method: str, n: int) -> None:
    """Raise ExperimentError unless ``n`` is allowed for ``method`` (:data:`N_BOUNDS`)."""
    low, high = N_BOUNDS[method]
    if not isinstance(n, int) or isinstance(n, bool) or not low <= n <= high:
        raise ExperimentError(f"--n: must be an integer from {low} to {high} for {method}, "
                              f"got {n!r}")
    if method == "sobol" and n & (n - 1):
        raise ExperimentError(f"--n: must be a power of 2 for sobol (e.g. 64, 128), got {n}")
