"""The sensitivity problem as plain data: the uncertain parameters, outcomes and designs.

:data:`FACTORS` declares the uncertain parameters with their bounds, each inside the parameter's
allowed range of :mod:`agents_model.params`; :data:`PROBLEM` is its SALib form. The factors are
the behavioural assumptions (among them every calibration prior of the parameter table, with
the prior's bounds), the hours levers cost, the policy levers the designs leave open, and the
levers a governance form is made of (group ``design``: contract years, dialogue and its
content, partners, consortium size and overhead). A sampled design lever is laid over every
compared form alike, so within a point the forms differ only in their procurement form (M1,
M11): the differences :data:`FORMS` minus :data:`BASELINE` are the effect of the form itself,
and the design factors show how that effect depends on the levers that usually come with it.
Sanctions are off under every form (:data:`FIXED`; M17, their effect is taken apart by
``wmo-abm effects``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agents_model.runner.experiments import ExperimentError

__all__ = [
    "BASELINE",
    "DESIGNS",
    "END_MONTHS",
    "FACTORS",
    "FIXED",
    "FORMS",
    "GROUPS",
    "METHODS",
    "NUM_LEVELS",
    "NUM_RESAMPLES",
    "N_BOUNDS",
    "OUTCOMES",
    "PROBLEM",
    "ROOT_SEED",
    "SHARED",
    "Factor",
    "check_method",
    "check_n",
    "difference",
    "factors_of",
    "is_difference",
    "problem_from",
]


@dataclass(frozen=True)
class Factor:
    """One uncertain parameter of the analysis.

    Attributes:
        name: Parameter name (see :mod:`agents_model.params`).
        low: Lower bound of the sampled range.
        high: Upper bound of the sampled range.
        group: One of :data:`GROUPS`: ``behaviour`` (how agents act), ``demand`` (need and
            the field at the start), ``cost`` (hours a lever takes), ``policy`` (a lever a
            municipality sets that the designs leave open) or ``design`` (a lever of a
            governance form, laid over every compared form alike).
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
           "preferential attachment (the calibration prior)."),
    Factor("client_choice", 0.0, 0.5, "behaviour",
           "Share of placements chosen by the resident by word of mouth [WOE 3b]; no source "
           "gives a figure, so a wide band around 0.25 (the calibration prior)."),
    Factor("entry_rate", 0.0, 6.0, "behaviour",
           "Would-be entrants per year; the Leiden field grew by a few a year [LEI annex 3] "
           "(the calibration prior)."),
    # --- behaviour: strategic orientation and its levers ------------------------------------
    Factor("sigma_large", 0.3, 0.8, "behaviour",
           "Initial strategic orientation of large institutions (M3, M4); the reports suspect "
           "it but do not measure it: 0.55 +- 0.25 (the calibration prior)."),
    Factor("sigma_small", 0.1, 0.6, "behaviour",
           "Initial strategic orientation of small firms; 0.35 +- 0.25 (the calibration "
           "prior)."),
    Factor("shave_propensity", 0.3, 2.0, "behaviour",
           "How strongly a strategic provider cuts loss-making hours (M6): T3 shows it "
           "happens, so not 0 (the calibration prior)."),
    Factor("upcoding_propensity", 0.2, 0.8, "behaviour",
           "How readily a strategic provider upcodes (M7): the calibration prior."),
    Factor("refusal_propensity", 0.4, 1.0, "behaviour",
           "How readily a strategic provider refuses costly clients (M4): 'hesitated' in "
           "[MEI 29], default 0.8."),
    Factor("delivery_adjustment", 0.01, 0.3, "behaviour",
           "How fast delivered hours move to a provider's target (M6, T3): the calibration "
           "prior."),
    Factor("agreement_breach", 0.0, 1.0, "behaviour",
           "Chance a fully strategic provider breaks a quarter's dialogue agreements (M3, "
           "M12): nobody counts broken agreements, so the whole range."),
    # --- behaviour: trust, innovation, rules, cohesion, network -----------------------------
    Factor("trust_build", 0.01, 0.10, "behaviour",
           "Trust gained per positive event; 'a change that takes a long breath' (M12): "
           "the calibration prior."),
    Factor("trust_erosion", 0.05, 0.25, "behaviour",
           "Trust lost per negative event (M3): erosion is faster than build-up (the "
           "calibration prior)."),
    Factor("money_talk_erosion", 0.2, 1.2, "behaviour",
           "Trust lost per unit of dialogue about money against trust built by talk about "
           "content (M12): a third to twice the default 0.6."),
    Factor("innovation_rate", 0.0, 0.1, "behaviour",
           "Quarterly innovation growth under full trust and long contracts (M11): from none "
           "(innovation plays no part) to three times the default 0.03."),
    Factor("innovation_payback_years", 2.0, 10.0, "behaviour",
           "Contract years ahead a provider needs to invest fully (the contract-horizon "
           "effect, M11): from short to longer than any contract in the reports."),
    Factor("innovation_effect", 0.0, 1.5, "behaviour",
           "Extra recovery speed of care from a fully innovative provider (M11, M18): from "
           "none to three times the default 0.5; nobody has measured it."),
    Factor("rule_threshold", 0.3, 0.7, "behaviour",
           "Trust or information level below which a municipality adds a rule (M2, M3): "
           "0.5 +- 0.2."),
    Factor("cohesion_pressure_weight", 0.25, 2.0, "behaviour",
           "How budget pressure erodes regional cohesion (M16): a quarter to twice the "
           "default weight."),
    Factor("reputation_share", 0.0, 0.6, "behaviour",
           "Share of a sighting of a provider's conduct passed on to another municipality "
           "(M10, M16): from none to twice the default 0.3."),
    Factor("team_contact", 0.0, 0.15, "behaviour",
           "Collaboration built a month between providers serving the same neighbourhood "
           "team (M10, M11): from none to three times the default 0.05."),
    Factor("collaboration_decay", 0.005, 0.08, "behaviour",
           "Monthly fading of collaboration ties without contact (M10): ties that last years "
           "to ties that fade within a year."),
    # --- demand and the field at the start (calibration priors) ------------------------------
    Factor("extramuralisation", 0.0, 20.0, "demand",
           "Yearly growth of onset from extramuralisation (M9, T2): the calibration prior."),
    Factor("initial_stock_factor", 0.4, 1.2, "demand",
           "Inherited caseload against the steady state (T2): the calibration prior."),
    Factor("providers_support", 35, 70, "demand",
           "Providers of support at the start (T1, [LEI annex 3]): the calibration prior."),
    Factor("onset_household_help_75", 30.0, 90.0, "demand",
           "Onset of household-help need per 1,000 residents aged 75+ a year (T2): the "
           "calibration prior."),
    Factor("onset_individual_support_18_64", 2.0, 12.0, "demand",
           "Onset of individual-support need per 1,000 residents aged 18-64 a year (T2): the "
           "calibration prior."),
    Factor("onset_protected_living_18_64", 0.3, 3.0, "demand",
           "Onset of protected-living need per 1,000 residents aged 18-64 a year (T2): the "
           "calibration prior."),
    Factor("exit_18_64", 0.001, 0.008, "demand",
           "Monthly chance of moving away or dying, aged 18-64 (T2): the calibration prior."),
    Factor("chronic_share_75", 0.5, 0.95, "demand",
           "Share of residents aged 75+ whose need can at best be stabilised (M18): the "
           "calibration prior."),
    Factor("chronic_share_18_64", 0.05, 0.4, "demand",
           "Share of residents aged 18-64 whose need can at best be stabilised (M18): the "
           "calibration prior."),
    # --- what levers cost ---------------------------------------------------------------------
    Factor("dialogue_meeting_hours", 1.0, 8.0, "cost",
           "Contract-management hours one dialogue meeting with one provider takes (M12): "
           "a short call to a day's preparation."),
    Factor("rule_check_hours", 0.1, 2.0, "cost",
           "Contract-management hours a month checking one rule takes per provider (M2)."),
    Factor("case_management_hours", 0.5, 3.0, "cost",
           "Access hours a month full case management takes per client (M14)."),
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
    # --- levers of a governance form, the same under every compared form ---------------------
    Factor("contract_years", 1, 10, "design",
           "Contract length (M11): from yearly renewal to a decade; the strategic-partner "
           "and consortium files use 8, open house 3."),
    Factor("dialogue_meetings", 0, 12, "design",
           "Dialogue meetings a year the municipality intends (M12): none to monthly; held "
           "only as far as contract-management hours allow."),
    Factor("dialogue_content_share", 0.2, 0.9, "design",
           "Share of dialogue about content rather than money (M12): mostly money to mostly "
           "content."),
    Factor("partners", 2, 6, "design",
           "Strategic partners per product (M11): a few to a handful [HAA §3]."),
    Factor("consortium_members", 4, 20, "design",
           "Providers per product inside a consortium (M5, M11): small to broad [HAA §6]."),
    Factor("lead_overhead", 0.0, 0.15, "design",
           "Share of a subcontracted client's fee the consortium's lead keeps (M5, [MEI 28])."),
    Factor("subcontract_admin_hours", 0.2, 3.0, "design",
           "Information exchange per client and month between a consortium's lead and its "
           "members (M5, [MEI 28])."),
)
"""The uncertain parameters and their bounds (all inside each parameter's allowed range)."""


def problem_from(factors: Sequence[Factor]) -> dict[str, Any]:
    """A SALib problem (``num_vars``, ``names``, ``bounds``) from factors."""
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [[float(f.low), float(f.high)] for f in factors]}


PROBLEM: dict[str, Any] = problem_from(FACTORS)
""":data:`FACTORS` as a SALib problem (``num_vars``, ``names``, ``bounds``)."""

GROUPS: tuple[str, ...] = ("behaviour", "demand", "cost", "policy", "design")
"""Factor groups, in the order the report lists them."""

SHARED: tuple[str, ...] = tuple(f.name for f in FACTORS if f.group == "design")
"""Factors that a governance file may set too: sampled, they are laid over every form alike."""

OUTCOMES: tuple[str, ...] = (
    "transformation_index", "transformation_index_outcomes", "transformation_index_access",
    "transformation_results", "transformation_no_relapse", "transformation_general_provision",
    "transformation_access", "transformation_light_care", "innovation_mean", "spend",
    "mean_wait_months", "trust_municipality_to_provider", "trust_provider_to_municipality",
    "regional_cohesion", "active_providers",
)
"""KPIs analysed (end-of-run means over the last twelve months): transformation (the index
under its three weightings and its five components), providers' innovation (a mechanism, not
in the index), and the prices in cost, waiting time, trust, regional cohesion and choice."""

BASELINE = "open_house"
FORMS: tuple[str, ...] = ("strategic_partners", "consortium")
DESIGNS: tuple[str, ...] = (BASELINE, *FORMS)
"""Every point runs under each design; differences are each form minus the baseline."""

FIXED: dict[str, Any] = {"sanctions": False}
"""Values every run of the analysis gets besides the population scale (M17: contracts rarely
had sanctions; ``wmo-abm effects`` takes their effect apart)."""


def difference(design: str, baseline: str = BASELINE) -> str:
    """Contrast label of a paired difference: ``'strategic_partners - open_house'``."""
    return f"{design} - {baseline}"


def is_difference(contrast: str) -> bool:
    """Whether a contrast label is a paired difference (rather than one design's values)."""
    return " - " in contrast

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


def factors_of(groups: str | Sequence[str] | None) -> tuple[Factor, ...]:
    """The factors of the named groups (all of :data:`FACTORS` for ``None`` or empty).

    Args:
        groups: Group names, as a sequence or a comma-separated string.

    Raises:
        ExperimentError: An unknown group.
    """
    if isinstance(groups, str):
        groups = [g.strip().lower() for g in groups.split(",") if g.strip()]
    if not groups:
        return FACTORS
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        raise ExperimentError(f"--groups: unknown group {unknown[0]!r}; choose from "
                              f"{', '.join(GROUPS)}")
    return tuple(f for f in FACTORS if f.group in groups)


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
