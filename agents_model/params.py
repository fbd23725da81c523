"""The parameter table of the Wmo governance model: one place for every parameter.

Each parameter has a section (the TOML table it lives in), a name (unique across sections, so
``WmoModel(tariff_factor=0.9)`` and ``--set tariff_factor=0.9`` work), a default, an allowed
range or set of choices, a unit, a source (an evidence code, see ``docs/ODD.md``, or
"assumption"/"calibration") and a one-line description. The scenario loader, the CLI, the app and
the documentation all read this table; nothing else defines a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["AGE_BANDS", "KINDS", "PARAMS", "PRIORS", "SECTIONS", "AgeBand", "Param",
           "ProviderKind", "age_bands", "by_name", "defaults", "priors", "provider_kinds"]


@dataclass(frozen=True)
class Param:
    """One model parameter.

    Attributes:
        section: TOML table the parameter lives in (``design``, ``access``, ...).
        name: Unique parameter name.
        default: Default value; its type is the parameter's type.
        low: Lowest allowed value for numbers (None for strings and booleans).
        high: Highest allowed value for numbers.
        choices: Allowed values for a string parameter (empty for free text).
        unit: Unit of measurement.
        source: Evidence code(s) or "assumption".
        doc: One-line explanation shown in the CLI, the app and the docs.
        prior: Calibration prior (uniform low, high) for uncertain behavioural parameters;
            None for parameters that are not calibrated.
    """

    section: str
    name: str
    default: Any
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    unit: str = "-"
    source: str = "assumption"
    doc: str = ""
    prior: tuple[float, float] | None = None

    @property
    def kind(self) -> type:
        """Python type of the parameter (bool, int, float or str)."""
        return type(self.default)

    def allowed(self) -> str:
        """Human-readable description of the allowed values."""
        if self.kind is bool:
            return "true or false"
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.kind is str:
            return "text"
        kind = "an integer" if self.kind is int else "a number"
        return f"{kind} from {_fmt(self.low)} to {_fmt(self.high)}"


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:g}"


def _p(section, name, default, rng=None, unit="-", source="assumption", doc="", prior=None):
    if isinstance(rng, tuple) and rng and isinstance(rng[0], str):
        return Param(section, name, default, choices=rng, unit=unit, source=source, doc=doc)
    low, high = rng if rng else (None, None)
    return Param(section, name, default, low, high, (), unit, source, doc, prior)


PRIORS: dict[str, tuple[float, float]] = {
    # Uncertain behavioural parameters calibrated to the targets T1-T6 (uniform priors).
    "extramuralisation": (0.0, 20.0),
    "initial_stock_factor": (0.4, 1.2),
    "entry_rate": (0.0, 6.0),
    "providers_support": (35.0, 70.0),
    "supply_induced": (0.0, 1.5),
    "relationship_preference": (0.3, 0.9),
    "size_preference": (0.5, 2.5),
    "client_choice": (0.0, 0.5),
    "sigma_large": (0.3, 0.8),
    "sigma_small": (0.1, 0.6),
    "trust_build": (0.01, 0.1),
    "trust_erosion": (0.05, 0.25),
    "shave_propensity": (0.3, 2.0),
    "delivery_adjustment": (0.01, 0.3),
    "upcoding_propensity": (0.2, 0.8),
    "chronic_share_18_64": (0.05, 0.4),
    "chronic_share_75": (0.5, 0.95),
    "onset_household_help_75": (30.0, 90.0),
    "exit_18_64": (0.001, 0.008),
    "onset_individual_support_18_64": (2.0, 12.0),
    "onset_protected_living_18_64": (0.3, 3.0),
}
"""Calibration priors by parameter name (attached to the table entries below)."""


FUNDING = ("lumpsum", "fee_for_service", "per_client", "result_based", "population_budget")
PROCUREMENT = ("open_house", "selective", "strategic_partners", "consortium")
REPORTING = ("lean", "standard", "heavy")

PARAMS: tuple[Param, ...] = (
    # --- scenario metadata -----------------------------------------------------------------
    _p("scenario", "name", "Unnamed scenario", doc="Display name of the scenario."),
    _p("scenario", "description", "", doc="What the scenario represents."),
    _p("scenario", "start_year", 2015, (2000, 2040), "year", doc="Calendar year of month 0."),
    _p("scenario", "years", 10, (1, 50), "years", doc="Default run length."),
    # --- region ------------------------------------------------------------------------------
    _p("region", "population_scale", 1.0, (0.001, 10.0), "fraction",
       doc="Share of the real population simulated as agents; money scales with it."),
    _p("region", "population_growth", 0.4, (-5.0, 5.0), "%/year", "assumption",
       "Growth of the adult population aged 18-64."),
    _p("region", "elderly_growth", 2.5, (-5.0, 10.0), "%/year", "T5 [LEI 2.2.1]",
       "Growth of the population aged 65+ (ageing)."),
    _p("region", "budget_per_inhabitant", 360.0, (50.0, 2000.0), "EUR/inhabitant/year",
       "assumption", "Wmo budget from the national fund per inhabitant in the start year "
       "(set near the calibrated model's spending at the start)."),
    _p("region", "fund_growth", 1.0, (-10.0, 10.0), "%/year", "M18 [HAA 2; LEI 1.3.1]",
       "Yearly growth of the national fund for the Wmo."),
    _p("region", "extramuralisation", 2.0, (0.0, 25.0), "%/year", "M18 T2 [LEI 1.3.1]",
       "Yearly growth of onset of support needs from extramuralisation (support, day care)."),
    _p("region", "extramuralisation_years", 5, (0, 50), "years", "T2 [LEI 1.3.1]",
       "Years after the start during which extramuralisation keeps raising onset."),
    _p("region", "flat_copayment_year", 2019, (0, 2100), "year", "M9 [LEI 2.2.3]",
       "Year the flat co-payment starts (0: never)."),
    _p("region", "protected_living_budget_share", 0.35, (0.0, 0.9), "share", "T4 [LEI 2.2.2]",
       "Share of the regional Wmo budget for protected living, held by the central municipality."),
    _p("region", "initial_stock_factor", 1.0, (0.0, 3.0), "x steady state", "assumption",
       "Inherited caseload at the start relative to the steady state of onset x duration."),
    _p("region", "non_chronic_months", 12.0, (1.0, 120.0), "months", "assumption",
       "Typical time in care of a resident whose need can improve (for the inherited caseload)."),
    _p("region", "shared_admin_system", True, unit="bool", source="M19 [NMD]",
       doc="Municipalities share one administrative system (false: each its own)."),
    _p("region", "approval_weeks", 3.0, (0.0, 52.0), "weeks/municipality", "M16 [MEI 6]",
       doc="Time each municipality needs to approve a joint decision."),
    # --- market ------------------------------------------------------------------------------
    _p("market", "providers_household_help", 20, (0, 500), "providers", "T6 [LEI annex 3]",
       "Providers offering household help at the start."),
    _p("market", "providers_support", 67, (0, 1000), "providers", "T1 [LEI annex 3]",
       "Providers offering individual support and/or day activities at the start (the Leiden "
       "field of 2015 is not reported; it grew to 65-70 by 2020 and is calibrated)."),
    _p("market", "providers_protected_living", 20, (0, 200), "providers", "[LEI annex 3]",
       "Providers offering protected living at the start."),
    _p("market", "share_large", 0.12, (0.0, 1.0), "share", "[MEI; LEI annex 3]",
       "Share of providers that are large institutions."),
    _p("market", "share_medium", 0.25, (0.0, 1.0), "share", "[MEI; LEI annex 3]",
       "Share of providers that are medium-sized; the rest are small firms."),
    _p("market", "cooperatives", 0, (0, 20), "providers", "M4 [MEI 29]",
       "Cooperatives of small providers in the field."),
    _p("market", "entry_rate", 4.0, (0.0, 100.0), "providers/year", "M1 M9 M10 [LEI annex 3]",
       "Expected number of would-be entrants per year when entry is open."),
    _p("market", "entrant_small_share", 0.85, (0.0, 1.0), "share", "M1 [LEI annex 3]",
       "Share of entrants that are small providers (the rest medium-sized)."),
    _p("market", "entrant_reserve", 20_000.0, (0.0, 1e7), "EUR (x scale)", "assumption",
       "Financial reserve an entrant brings, times the population scale."),
    _p("market", "entrant_places", 30.0, (0.0, 10_000.0), "places (x scale)", "assumption",
       "Places an entrant opens for its product, times the population scale (at least 2)."),
    _p("market", "sigma_large", 0.55, (0.0, 1.0), "0-1", "M3 M4 [MEI 24-29]",
       "Initial strategic orientation of large institutions."),
    _p("market", "sigma_medium", 0.45, (0.0, 1.0), "0-1", "assumption",
       "Initial strategic orientation of medium providers."),
    _p("market", "sigma_small", 0.35, (0.0, 1.0), "0-1", "assumption",
       "Initial strategic orientation of small firms."),
    _p("market", "cooperative_mission_weight", 0.6, (0.0, 1.0), "share", "M4 [MEI 29] assumption",
       "Weight the member organisations of a cooperative give their shared mission: its "
       "orientation is a small provider's times (1 - this)."),
    _p("market", "cooperative_members", 8, (1, 100), "organisations", "M4 M8 [MEI 29] assumption",
       "Member organisations of a cooperative; it pools the results of the other members' "
       "caseloads (a small provider's size each) with its own."),
    _p("market", "size_large", 40.0, (0.1, 1000.0), "places at scale 1", "[MEI; LEI annex 3]",
       "Median places per product of a large institution before the caseload is fitted."),
    _p("market", "size_medium", 10.0, (0.1, 1000.0), "places at scale 1", "assumption",
       "Median places per product of a medium provider."),
    _p("market", "size_small", 1.5, (0.1, 1000.0), "places at scale 1", "[LEI annex 3]",
       "Median places per product of a small firm."),
    _p("market", "size_cooperative", 14.0, (0.1, 1000.0), "places at scale 1", "M4 [MEI 29]",
       "Median places per product of a cooperative of small providers."),
    _p("market", "size_entrant", 1.0, (0.1, 1000.0), "places at scale 1", "M1 M9",
       "Median size of a provider entering the market."),
    _p("market", "size_spread_large", 0.5, (0.0, 3.0), "log-sd", "assumption",
       "Spread (lognormal) of the size of large institutions."),
    _p("market", "size_spread_medium", 0.5, (0.0, 3.0), "log-sd", "assumption",
       "Spread (lognormal) of the size of medium providers."),
    _p("market", "size_spread_small", 0.8, (0.0, 3.0), "log-sd", "assumption",
       "Spread (lognormal) of the size of small firms."),
    _p("market", "size_spread_cooperative", 0.3, (0.0, 3.0), "log-sd", "assumption",
       "Spread (lognormal) of the size of cooperatives."),
    _p("market", "size_spread_entrant", 0.5, (0.0, 3.0), "log-sd", "assumption",
       "Spread (lognormal) of the size of entrants."),
    _p("market", "both_products_large", 0.75, (0.0, 1.0), "share", "[LEI annex 3]",
       "Chance a large support provider offers both individual support and day activities."),
    _p("market", "both_products_medium", 0.5, (0.0, 1.0), "share", "assumption",
       "Chance a medium support provider offers both support products."),
    _p("market", "both_products_small", 0.2, (0.0, 1.0), "share", "assumption",
       "Chance a small support provider offers both support products."),
    _p("market", "both_products_cooperative", 1.0, (0.0, 1.0), "share", "M4 [MEI 29]",
       "Chance a cooperative offers both support products."),
    _p("market", "initial_innovation", 0.15, (0.0, 1.0), "0-1", "M1 [MEI 4.1]",
       "Initial innovation stock of providers."),
    _p("market", "cost_spread", 0.10, (0.0, 0.5), "fraction", "assumption",
       "Spread of providers' hourly costs around the product's reference cost."),
    _p("market", "reserve_months", 3.0, (0.0, 24.0), "months of cost", "assumption",
       "Initial financial reserve of a provider."),
    _p("market", "minimum_monthly_cost", 2000.0, (0.0, 100000.0), "EUR/month at scale 1",
       "assumption", "Monthly cost a provider's initial reserve is reckoned on at least."),
    _p("market", "initial_spare_places", 1.25, (1.0, 3.0), "x inherited clients", "M1",
       "Client places at the start per inherited client (plus one)."),
    # --- contract design ---------------------------------------------------------------------
    _p("design", "funding", "per_client", FUNDING, "-", "M4 M6 M7 [MEI; LEI; NMD]",
       "How providers are paid."),
    _p("design", "procurement", "open_house", PROCUREMENT, "-", "M1 M10 M11",
       "How providers are selected."),
    _p("design", "partners", 3, (1, 100), "providers/product", "M11 [HAA 3]",
       "Providers kept per product under selective or strategic-partner procurement."),
    _p("design", "contract_years", 3, (1, 15), "years", "M1 M11",
       "Contract duration; a procurement round is held when contracts end."),
    _p("design", "tariff_factor", 1.0, (0.3, 2.0), "x reference cost", "M6 [LEI annex 3]",
       "Hourly tariff as a multiple of the reference cost per hour."),
    _p("design", "level_tariff_gap", 1.0, (0.2, 3.0), "multiplier", "M7 [NMD]",
       "Spread of fees between intensity levels relative to their hour difference."),
    _p("design", "budget_ceiling", 0.0, (0.0, 5.0), "x allotted share", "M4 [MEI 29]",
       "Cap on a provider's yearly revenue as a multiple of its allotted share (0: none)."),
    _p("design", "lumpsum_bandwidth", 0.05, (0.0, 0.5), "fraction", "M4 [MEI 4.3]",
       "Lumpsum: production above budget x (1 + bandwidth) is not paid."),
    _p("design", "reporting", "standard", REPORTING, "-", "M2 M19 [MEI 19-22; NMD]",
       "Reporting duties in the contract."),
    _p("design", "sanctions", False, unit="bool", source="M17 [MEI 6.3]",
       doc="The contract has sanctions for detected under-delivery and upcoding."),
    _p("design", "dialogue_meetings", 2, (0, 24), "meetings/year", "M11 M12 [NMD; LEI]",
       "Dialogue-table meetings between the municipality and each contracted provider."),
    _p("design", "dialogue_content_share", 0.5, (0.0, 1.0), "share", "M12 [NMD]",
       "Share of dialogue about content (the rest is about money)."),
    _p("design", "case_management", 0.0, (0.0, 1.0), "0-1", "M14 [WOE 3a]",
       "Level of bought case management (one household, one plan, one coordinator)."),
    _p("design", "social_base_investment", 20.0, (0.0, 300.0), "EUR/inhabitant/year",
       "M13 M19 [HAA; NMD]", "Investment in general provisions (social base)."),
    _p("design", "capacity_plan", 0.0, (0.0, 50.0), "%/year", "M15 [MEI 43, 72]",
       "Agreed yearly reduction of protected-living places by the central municipality."),
    _p("design", "lead_overhead", 0.05, (0.0, 0.5), "share", "M5 [MEI 28]",
       "Share of a subcontracted client's fee kept by the lead contractor."),
    _p("design", "subcontract_admin_hours", 1.0, (0.0, 10.0), "hours/client/month",
       "M5 [MEI 28]", "Information exchange per client between lead and subcontractor."),
    _p("design", "pgb_share", 0.05, (0.0, 1.0), "share", "[WOE]",
       "Share of indicated residents who take a personal budget (PGB)."),
    _p("design", "consortium_members", 12, (1, 300), "providers/product", "M5 M11 [HAA 6]",
       "Providers kept per product in a consortium (lead plus subcontractors)."),
    _p("design", "pgb_tariff_factor", 0.8, (0.3, 2.0), "x reference cost", "[WOE]",
       "Hourly rate of a personal budget as a multiple of the reference cost."),
    _p("design", "procurement_hours", 16.0, (0.0, 500.0), "hours/provider", "M1 M3",
       "Contract-management hours a procurement round costs per bidding provider."),
    # --- payment rules: administration and visibility per funding model ----------------------
    _p("funding", "declaration_hours", 0.2, (0.0, 10.0), "hours/client/month", "M19 [LEI annex 3]",
       "Declaring a client-month to the municipality, where payment is per client or per hour "
       "(times the number of municipal systems)."),
    _p("funding", "hour_registration_hours", 0.3, (0.0, 10.0), "hours/client/month", "[WOE]",
       "Registering the delivered hours of a client-month, where payment is per hour."),
    _p("funding", "level_request_hours", 1.0, (0.0, 20.0), "hours/request", "M7 M19 [NMD]",
       "A request for a new intensity level where the fee differs by level (result-based)."),
    _p("funding", "result_report_hours", 2.0, (0.0, 20.0), "hours/review", "M19 [NMD]",
       "Measuring and reporting a client's results at a review under result-based funding."),
    _p("funding", "visibility_lumpsum", 0.4, (0.0, 1.0), "0-1", "M2 [MEI 19-22]",
       "How much of delivered hours a lumpsum contract lets the municipality see."),
    _p("funding", "visibility_fee_for_service", 0.9, (0.0, 1.0), "0-1", "[WOE]",
       "Visibility of delivered hours under fee-for-service."),
    _p("funding", "visibility_per_client", 0.5, (0.0, 1.0), "0-1", "[LEI annex 3]",
       "Visibility of delivered hours under a per-client fee."),
    _p("funding", "visibility_result_based", 0.35, (0.0, 1.0), "0-1", "M7 [NMD]",
       "Visibility of delivered hours under result-based funding."),
    _p("funding", "visibility_population_budget", 0.3, (0.0, 1.0), "0-1", "assumption",
       "Visibility of delivered hours under a population budget."),
    _p("funding", "capitation_share", 0.92, (0.0, 1.0), "share of budget", "M11 [HAA 3]",
       "Share of the buyer's Wmo budget shared among partners as a population budget."),
    # --- access and municipal organisation ---------------------------------------------------
    _p("access", "access_fte_per_10k", 2.2, (0.05, 30.0), "FTE/10,000 inhabitants", "M13",
       "Access workers (neighbourhood teams) per 10,000 inhabitants."),
    _p("access", "worker_hours", 110.0, (10.0, 200.0), "hours/month", "assumption",
       "Casework hours of one access worker per month."),
    _p("access", "assessment_hours", 6.0, (0.5, 40.0), "hours", "M13 [MEI 40]",
       "Access time for one assessment."),
    _p("access", "review_hours", 1.5, (0.2, 20.0), "hours", "M13 [NMD]",
       "Access time for one review (re-assessment)."),
    _p("access", "attempt_hours", 1.0, (0.0, 10.0), "hours", "M4 M10 [MEI 29]",
       "Access time per placement attempt (each refusal costs one)."),
    _p("access", "max_attempts", 4, (1, 20), "attempts/month", "M4",
       "Placement attempts per resident per month before waiting another month."),
    _p("access", "retry_months", 2, (1, 12), "months", "M4 M13 [MEI 29]",
       "Months before the access team tries again to place a resident no provider took."),
    _p("access", "fast_track", False, unit="bool", source="[HAA 5]",
       doc="Single household-help requests skip the full assessment."),
    _p("access", "fast_track_hours", 1.0, (0.1, 10.0), "hours", "[HAA 5]",
       "Access time for a fast-track request."),
    _p("access", "review_interval", 12, (1, 60), "months", "M13",
       "Months between reviews of an indication."),
    _p("access", "worker_turnover", 0.02, (0.0, 0.3), "1/month", "M13 [HAA 5]",
       "Monthly probability that an access worker leaves and is replaced."),
    _p("access", "initial_knowledge_low", 0.4, (0.0, 1.0), "0-1", "M13 assumption",
       "Lowest knowledge of the social domain among the access workers at the start (uniform)."),
    _p("access", "initial_knowledge_high", 0.9, (0.0, 1.0), "0-1", "M13 assumption",
       "Highest knowledge of the social domain among the access workers at the start."),
    _p("access", "newcomer_knowledge", 0.3, (0.0, 1.0), "0-1", "M13",
       "Knowledge of general provisions of a newly hired access worker."),
    _p("access", "knowledge_learning", 0.03, (0.0, 0.5), "1/month", "M13",
       "Monthly learning of an access worker towards full knowledge."),
    _p("access", "relationship_preference", 0.6, (0.0, 1.0), "probability", "M10 T1",
       "Chance an access worker first tries a provider she knows."),
    _p("access", "client_choice", 0.25, (0.0, 1.0), "probability", "M10 [WOE 3b]",
       "Chance a resident's own preference (word of mouth) picks the provider."),
    _p("access", "size_preference", 1.0, (0.0, 3.0), "exponent", "T1 [LEI annex 3]",
       "How strongly placement favours providers that already serve many clients."),
    _p("access", "transition_months", 12, (0, 36), "months", "M1 [MEI 4.1]",
       "Months clients stay with a provider that lost its contract before they are placed "
       "again (the transition right; 0: at once)."),
    _p("access", "retender_share", 0.5, (0.0, 1.0), "share", "M1 assumption",
       "A buyer holds a new procurement round when market exits leave fewer than this share "
       "of the intended providers contracted for a product (0: never)."),
    _p("access", "case_management_hours", 1.0, (0.0, 40.0), "hours/client/month",
       "M14 [WOE 3a] assumption", "Access hours a month full case management takes per "
       "client in care (the design's case_management is the share intended)."),
    _p("access", "case_management_share", 0.4, (0.0, 1.0), "share", "M13 M14 assumption",
       "Largest share of the access team's hours set aside for case management."),
    _p("access", "contract_mgmt_hours", 25.0, (0.0, 500.0), "hours/month per 10,000",
       "M10 M17", "Contract-management capacity per 10,000 inhabitants."),
    _p("access", "monitoring_hours", 6.0, (0.5, 100.0), "hours/provider/month", "M10",
       "Contract-management hours needed to fully monitor one provider."),
    _p("access", "rule_check_hours", 0.5, (0.0, 20.0), "hours/provider/month per rule",
       "M2 [MEI 19-22] assumption", "Contract-management hours a month checking one rule "
       "takes per provider: rules improve information but thin out monitoring."),
    _p("access", "general_provision_cost", 150.0, (10.0, 2000.0), "EUR/place/month",
       "M13 [HAA]", "Cost of one place in general provisions (social base)."),
    _p("access", "general_provision_months", 6, (1, 60), "months", "assumption",
       "Months a resident uses a general provision."),
    _p("access", "general_provision_need", 0.55, (0.0, 1.0), "need 0-1", "M13 M19",
       "Need below which a fully informed, unhurried access worker refers to a general provision."),
    _p("access", "conversion_scrutiny", 0.2, (0.0, 1.0), "share", "M7 [NMD omkat proces]",
       "Share of providers' level proposals the access team checks when a new funding model "
       "converts every client's indication at once."),
    _p("access", "upcoding_scrutiny", 0.6, (0.0, 1.0), "0-1", "M7",
       "How strictly an experienced, unhurried access worker checks a higher-level request."),
    _p("access", "no_support_need", 0.15, (0.0, 1.0), "0-1", "M13 assumption",
       "Assessed need below which an applicant gets no support at all."),
    _p("access", "gp_need_base", 0.4, (0.0, 1.0), "share", "M13 assumption",
       "Share of the general-provision need limit a worker without knowledge applies."),
    _p("access", "gp_need_knowledge", 0.6, (0.0, 1.0), "share", "M13 [HAA; NMD]",
       "Share of the limit that knowledge of the general provisions adds."),
    _p("access", "gp_referral_base", 0.3, (0.0, 1.0), "0-1", "M13 assumption",
       "Chance a worker without knowledge refers a light need to a general provision."),
    _p("access", "gp_referral_knowledge", 0.7, (0.0, 1.0), "0-1", "M13 [HAA; NMD]",
       "Chance that knowledge of the general provisions adds to a referral."),
    _p("access", "ambulatory_need_limit", 0.85, (0.0, 1.0), "0-1", "M15 [MEI 43]",
       "Need below which a resident waiting for full protected living gets intensive support "
       "at home instead."),
    _p("access", "assessment_complexity_time", 0.5, (0.0, 5.0), "x assessment hours", "M13",
       "Extra assessment time for the most complex case (in proportion to complexity)."),
    _p("access", "fast_track_complexity", 0.5, (0.0, 1.0), "0-1", "[HAA 5]",
       "Complexity below which a household-help request can take the fast track."),
    _p("access", "assessment_noise", 0.05, (0.0, 0.5), "need 0-1 (sd)", "M13 assumption",
       "Standard deviation of the assessor's error in judging need."),
    _p("access", "pressure_knowledge_loss", 0.6, (0.0, 1.0), "share", "M13 [MEI 40]",
       "Share of the worker's knowledge of general provisions lost under full time pressure."),
    _p("access", "pressure_scrutiny_loss", 0.7, (0.0, 1.0), "share", "M7 M13",
       "Share of scrutiny of higher-level requests lost under full time pressure."),
    _p("access", "overview_from_knowledge", 0.45, (0.0, 1.0), "0-1", "M14 M19 assumption",
       "Overview of a household a fully knowledgeable worker has without case management."),
    _p("access", "resistance_weight", 0.5, (0.0, 1.0), "share", "M14 assumption",
       "Share of the step-down chance a provider's full resistance takes away."),
    # --- demand ------------------------------------------------------------------------------
    _p("demand", "onset_household_help_18_64", 1.5, (0.0, 100.0), "per 1,000/year", "T5",
       "Onset of household-help need, aged 18-64."),
    _p("demand", "onset_household_help_65_74", 9.0, (0.0, 200.0), "per 1,000/year", "T5"),
    _p("demand", "onset_household_help_75", 55.0, (0.0, 400.0), "per 1,000/year", "T5"),
    _p("demand", "onset_individual_support_18_64", 5.0, (0.0, 100.0), "per 1,000/year", "T2"),
    _p("demand", "onset_individual_support_65_74", 5.0, (0.0, 100.0), "per 1,000/year", "T2"),
    _p("demand", "onset_individual_support_75", 8.0, (0.0, 200.0), "per 1,000/year", "T2"),
    _p("demand", "onset_day_activities_18_64", 1.5, (0.0, 100.0), "per 1,000/year", "T5"),
    _p("demand", "onset_day_activities_65_74", 2.5, (0.0, 100.0), "per 1,000/year", "T5"),
    _p("demand", "onset_day_activities_75", 10.0, (0.0, 200.0), "per 1,000/year", "T5"),
    _p("demand", "onset_protected_living_18_64", 1.0, (0.0, 20.0), "per 1,000/year", "T4"),
    _p("demand", "onset_protected_living_65_74", 0.3, (0.0, 20.0), "per 1,000/year", "T4"),
    _p("demand", "onset_protected_living_75", 0.1, (0.0, 20.0), "per 1,000/year", "T4"),
    _p("demand", "apply_probability", 0.4, (0.0, 1.0), "1/month", "assumption",
       "Base monthly chance that a resident with an unmet need applies (scaled by need, network)."),
    _p("demand", "supply_induced", 0.3, (0.0, 3.0), "elasticity", "M9 [LEI 1.3.1]",
       "Effect of provider outreach (spare capacity, many providers) on applications."),
    _p("demand", "outreach_unit", 10.0, (0.1, 10_000.0), "places", "M9 assumption",
       "Usable outreach (spare places x (outreach_base + orientation), summed) at which the "
       "pull on applications is 1 + supply_induced x ln 2."),
    _p("demand", "copayment_effect", 0.2, (0.0, 3.0), "relative", "M9 [LEI 2.2.3]",
       "Rise in the onset of household-help demand once the flat co-payment applies."),
    _p("demand", "exit_18_64", 0.004, (0.0, 0.2), "1/month", "assumption",
       "Monthly chance of moving away or dying, aged 18-64."),
    _p("demand", "exit_65_74", 0.006, (0.0, 0.2), "1/month", "assumption"),
    _p("demand", "exit_75", 0.014, (0.0, 0.2), "1/month", "assumption"),
    _p("demand", "recovery_rate", 0.06, (0.0, 1.0), "need/month", "assumption",
       "Fall in need per month of full, adequate care."),
    _p("demand", "deterioration_rate", 0.03, (0.0, 1.0), "need/month", "M13 M18",
       "Rise in need per month without adequate care (halved by a strong network)."),
    _p("demand", "chronic_share_75", 0.75, (0.0, 1.0), "share", "[HAA 2]",
       "Share of residents aged 75+ whose need can at best be stabilised."),
    _p("demand", "chronic_share_65_74", 0.45, (0.0, 1.0), "share", "[HAA 2]"),
    _p("demand", "chronic_share_18_64", 0.25, (0.0, 1.0), "share", "[LEI 1.3.1]"),
    _p("demand", "relapse_rate", 0.015, (0.0, 0.5), "1/month", "M14",
       "Monthly chance of relapse after leaving care (weak network, no aftercare)."),
    _p("demand", "dropout_months", 9, (1, 60), "months", "M13",
       "Months on a waiting list after which a resident gives up."),
    _p("demand", "onset_need_min", 0.3, (0.0, 1.0), "need 0-1", "assumption",
       "Lowest need at onset; onset need is this plus a beta-distributed share of the rest."),
    _p("demand", "onset_need_span", 0.7, (0.0, 1.0), "need 0-1", "assumption",
       "Span of need at onset above the lowest need."),
    _p("demand", "onset_need_shape", 2.0, (0.1, 20.0), "beta a", "assumption",
       "First shape parameter of the beta distribution of need at onset."),
    _p("demand", "onset_need_skew", 2.2, (0.1, 20.0), "beta b", "assumption",
       "Second shape parameter of the beta distribution of need at onset (mean a/(a+b))."),
    _p("demand", "complexity_shape", 1.6, (0.1, 20.0), "beta a", "M4 assumption",
       "First shape parameter of the beta distribution of a case's complexity."),
    _p("demand", "complexity_skew", 3.0, (0.1, 20.0), "beta b", "M4 assumption",
       "Second shape parameter of complexity (mean a/(a+b), about 0.35: most cases simple)."),
    _p("demand", "protected_living_min_need", 0.6, (0.0, 1.0), "need 0-1", "T4 assumption",
       "Lowest need of a resident with a protected-living need."),
    _p("demand", "protected_living_complexity", 0.3, (0.0, 1.0), "0-1", "T4 assumption",
       "Complexity added for a protected-living need."),
    _p("demand", "chronic_floor", 0.85, (0.0, 1.0), "share of need", "[HAA 2]",
       "Share of the need at onset (or relapse) below which a chronic need cannot fall."),
    _p("demand", "adequate_delivery", 0.8, (0.01, 1.0), "delivered/indicated", "M6 assumption",
       "Delivery ratio below which need in care worsens (in proportion to the shortfall)."),
    _p("demand", "network_deterioration_buffer", 0.5, (0.0, 1.0), "share", "M13 assumption",
       "Share of the deterioration a full informal network prevents."),
    _p("demand", "apply_need_base", 0.3, (0.0, 2.0), "need 0-1", "M9 assumption",
       "Added to need in the chance to apply (the application chance scales with base + need)."),
    _p("demand", "network_application_delay", 0.5, (0.0, 1.0), "share", "M9 assumption",
       "Share by which a full informal network lowers the chance to apply."),
    _p("demand", "network_relapse_protection", 0.6, (0.0, 1.0), "share", "M14 assumption",
       "Share by which a full informal network lowers the chance of relapse."),
    _p("demand", "aftercare_relapse_protection", 0.5, (0.0, 1.0), "share", "M14 [HAA]",
       "Share by which full case management (aftercare) lowers the chance of relapse."),
    _p("demand", "relapse_need_jump", 0.35, (0.0, 1.0), "need 0-1", "M14 assumption",
       "Rise in need at a relapse."),
    _p("demand", "indication_low", 0.8, (0.1, 2.0), "x standard hours", "M6 T3 assumption",
       "Lowest indication at the light and medium levels (the spread is uniform)."),
    _p("demand", "indication_range", 0.4, (0.0, 2.0), "x standard hours", "M6 T3 assumption",
       "Width of the uniform spread of indications at the light and medium levels."),
    _p("demand", "intensive_indication_low", 0.85, (0.1, 2.0), "x standard hours",
       "M6 T3 assumption", "Lowest indication at the intensive level."),
    _p("demand", "intensive_indication_range", 0.7, (0.0, 3.0), "x standard hours",
       "M6 T3 assumption", "Width of the right-skewed spread (range x u^2) at the intensive "
       "level: the heaviest clients are open-ended upwards."),
    # --- behaviour ---------------------------------------------------------------------------
    _p("behaviour", "initial_trust", 0.6, (0.0, 1.0), "0-1", "M3 [MEI 4.4]",
       "Trust on every municipality-provider tie at the start."),
    _p("behaviour", "trust_baseline", 0.5, (0.0, 1.0), "0-1", "assumption",
       "Level trust drifts to without events."),
    _p("behaviour", "trust_drift", 0.01, (0.0, 0.5), "1/month", "assumption",
       "Monthly drift of trust and cohesion towards baseline."),
    _p("behaviour", "trust_build", 0.04, (0.0, 1.0), "per event", "M12 [NMD]",
       "Build-up of trust per positive event (scaled by the room left)."),
    _p("behaviour", "trust_erosion", 0.10, (0.0, 1.0), "per event", "M3 [MEI 24-26]",
       "Erosion of trust per negative event (faster than build-up)."),
    _p("behaviour", "sigma_adaptation", 0.05, (0.0, 1.0), "1/month", "M3",
       "Monthly adaptation of strategic orientation towards its target."),
    _p("behaviour", "sigma_distrust_weight", 0.5, (0.0, 2.0), "-", "M3 [MEI 24-26]",
       "How much distrust of the municipality raises strategic orientation."),
    _p("behaviour", "trusted_level", 0.6, (0.0, 1.0), "0-1", "M3 assumption",
       "Trust in the municipalities above which a provider's orientation falls below its base."),
    _p("behaviour", "pressure_per_loss", 4.0, (0.0, 50.0), "per margin", "M6 M18 assumption",
       "Financial pressure per unit of negative margin (full pressure at a margin of -1/this)."),
    _p("behaviour", "sigma_pressure_weight", 0.4, (0.0, 2.0), "-", "M6 M18",
       "How much financial pressure raises strategic orientation."),
    _p("behaviour", "shave_propensity", 0.7, (0.0, 3.0), "relative", "M6 M7 [LEI annex 3]",
       "How strongly a strategic provider cuts loss-making hours: the share of the unpaid "
       "hours it cuts is orientation x this (at most all of them)."),
    _p("behaviour", "delivery_adjustment", 0.05, (0.0, 1.0), "1/month", "M1 M6 T3 [LEI annex 3]",
       "Share of the way a provider's delivered hours move to their target each month "
       "(1: at once)."),
    _p("behaviour", "upcoding_propensity", 0.5, (0.0, 1.0), "0-1", "M7 [NMD]",
       "How readily a strategic provider asks for a higher level than fits."),
    _p("behaviour", "refusal_propensity", 0.8, (0.0, 1.0), "0-1", "M4 [MEI 29]",
       "How readily a strategic provider refuses a client with negative expected value."),
    _p("behaviour", "refusal_loss_slope", 3.0, (0.0, 50.0), "per relative loss", "M4 assumption",
       "Rise of the refusal chance with the expected relative loss on a client (capped at 1)."),
    _p("behaviour", "upcoding_cost_elasticity", 0.3, (0.0, 1.0), "share", "M7 assumption",
       "Share of the extra hours of a higher level a provider expects to deliver when paid per "
       "client or per level (paid per hour it delivers them all)."),
    _p("behaviour", "resistance_loss_slope", 2.0, (0.0, 50.0), "per relative loss",
       "M14 assumption", "Rise of a provider's resistance to a step-down with the relative "
       "margin it loses (capped at 1, times orientation)."),
    _p("behaviour", "outreach_base", 0.5, (0.0, 5.0), "-", "M9 assumption",
       "Outreach of a client-oriented provider per spare place (strategic orientation adds)."),
    _p("behaviour", "pooling_clients", 40.0, (1.0, 10000.0), "clients", "M8 [NMD]",
       "Clients at which a provider pools half of its client risk (cross-subsidy)."),
    _p("behaviour", "detection_deterrence", 0.35, (0.0, 1.0), "share", "M17 assumption",
       "How much of the chance of being seen deters hour shaving without sanctions."),
    _p("behaviour", "sanction_deterrence", 0.65, (0.0, 1.0), "share", "M17 [MEI 6.3]",
       "Extra deterrence of the chance of being seen when the contract has sanctions."),
    _p("behaviour", "margin_smoothing", 0.25, (0.0, 1.0), "1/month", "M6 assumption",
       "Share of the way a provider's running margin moves to this month's margin."),
    _p("behaviour", "intake_stop_loss", 0.04, (0.0, 1.0), "share of revenue", "M6 M18",
       "Running loss at which a provider stops intake (closes its free places)."),
    _p("behaviour", "growth_occupancy", 0.9, (0.0, 1.0), "share of places", "M9 assumption",
       "Occupancy from which a provider that earns its costs adds places."),
    _p("behaviour", "growth_loss_limit", 0.02, (0.0, 1.0), "share of revenue", "assumption",
       "Largest running loss at which a provider still adds places."),
    _p("behaviour", "growth_step", 0.08, (0.0, 1.0), "share of places/quarter", "assumption",
       "Places a growing provider adds in a quarter (at least one)."),
    _p("behaviour", "idle_occupancy", 0.5, (0.0, 1.0), "share of places", "assumption",
       "Occupancy below which a provider sheds idle places."),
    _p("behaviour", "idle_shrink_factor", 0.95, (0.0, 1.0), "x places/quarter", "assumption",
       "Places a provider with idle places keeps each quarter."),
    _p("behaviour", "innovation_rate", 0.03, (0.0, 1.0), "1/quarter", "M11",
       "Quarterly innovation growth under full trust, long contracts and a margin."),
    _p("behaviour", "innovation_decay", 0.01, (0.0, 1.0), "1/quarter", "M1",
       "Quarterly decay of innovation without investment."),
    _p("behaviour", "innovation_payback_years", 5.0, (0.5, 30.0), "years", "M1 M11 [HAA 3]",
       "Contract years a provider needs ahead to invest fully in innovation (shorter: less)."),
    _p("behaviour", "innovation_under_loss", 0.3, (0.0, 1.0), "share", "M11 assumption",
       "Share of its investment in innovation a loss-making provider still makes."),
    _p("behaviour", "innovation_orientation_drag", 0.5, (0.0, 1.0), "-", "M3 M11 assumption",
       "How much a fully strategic orientation holds back investment in innovation."),
    _p("behaviour", "innovation_spread", 0.5, (0.0, 5.0), "x innovation_rate", "M5 M11",
       "How fast innovation spreads over collaboration ties, relative to the innovation rate."),
    _p("behaviour", "general_provision_recovery", 0.4, (0.0, 2.0), "x recovery_rate", "M13",
       "Recovery in a general provision, relative to full specialist care."),
    _p("behaviour", "innovation_effect", 0.5, (0.0, 3.0), "relative", "M11",
       "Extra recovery speed of care from a fully innovative provider."),
    _p("behaviour", "rule_threshold", 0.5, (0.0, 1.0), "0-1", "M2 M3 [MEI 19-22]",
       "Trust or information level below which a municipality adds a rule."),
    _p("behaviour", "rule_urgency", 1.5, (0.0, 10.0), "per unit shortfall", "M2 M3",
       "Quarterly chance of adding a rule per unit that trust or information falls short."),
    _p("behaviour", "rule_drop_margin", 0.2, (0.0, 1.0), "0-1", "M2 assumption",
       "How far trust and information must exceed the threshold before a rule is dropped."),
    _p("behaviour", "rule_drop_chance", 0.25, (0.0, 1.0), "1/quarter", "M2 assumption",
       "Quarterly chance of dropping a rule when trust and information are ample."),
    _p("behaviour", "noticed_shortfall", 0.05, (0.0, 1.0), "share of hours", "M6 M17",
       "Shortfall of delivered hours a municipality can notice at all."),
    _p("behaviour", "shortfall_distrust", 3.0, (0.0, 20.0), "per share of hours", "M3 M6",
       "Trust event per share of hours seen missing (capped at a full event)."),
    _p("behaviour", "upcoding_visibility", 3.0, (0.0, 20.0), "per share", "M7 [NMD]",
       "How the share of upcoded clients raises the chance that upcoding is seen."),
    _p("behaviour", "upcoding_fine", 0.5, (0.0, 5.0), "x upcoded share", "M17 [MEI 6.3]",
       "Sanction for seen upcoding, as a share of the month's pay per upcoded share."),
    _p("behaviour", "innovation_visibility", 0.5, (0.0, 1.0), "share", "M11 M12 assumption",
       "Chance, per unit of detection and innovation, that a municipality sees innovation."),
    _p("behaviour", "info_per_rule", 0.015, (0.0, 0.2), "0-1 per rule", "M2 [MEI 19-22]",
       "Information quality a municipality gains with each contract rule."),
    _p("behaviour", "max_info_quality", 0.95, (0.0, 1.0), "0-1", "M2 assumption",
       "Highest information quality rules can bring."),
    _p("behaviour", "monitoring_efficiency", 0.7, (0.0, 5.0), "-", "M10 M17 assumption",
       "Share of a provider's conduct followed per hour of monitoring it needs."),
    _p("behaviour", "rule_admin_share", 0.005, (0.0, 0.2), "hours share/rule", "M2 M3",
       "Extra administrative hours per rule as a share of delivered hours."),
    _p("behaviour", "max_rules", 40, (0, 500), "rules", "assumption",
       "Most rules a contract can carry."),
    _p("behaviour", "initial_cohesion", 0.7, (0.0, 1.0), "0-1", "M16 [MEI 6]",
       "Cohesion between municipalities at the start."),
    _p("behaviour", "cohesion_pressure_weight", 1.0, (0.0, 5.0), "-", "M16",
       "How budget pressure erodes cohesion (own deficit, and paying for a partner)."),
    _p("behaviour", "cohesion_dominance_weight", 1.0, (0.0, 5.0), "-", "M16",
       "How dominance of the largest municipality erodes cohesion."),
    _p("behaviour", "cohesion_delay_weight", 1.0, (0.0, 5.0), "-", "M16",
       "How slow joint decisions erode cohesion."),
    _p("behaviour", "cohesion_rules_weight", 1.0, (0.0, 5.0), "-", "M16 [MEI 6]",
       "How disagreement on contract rules between two municipalities erodes their cohesion."),
    _p("behaviour", "cohesion_pressure_event", 0.3, (0.0, 1.0), "event", "M16 M18 [MEI 6]",
       "Cohesion event (times its weight) of a full budget deficit, one's own or the extra a "
       "partner costs."),
    _p("behaviour", "cohesion_delay_event", 0.15, (0.0, 1.0), "event", "M16 [MEI 6]",
       "Cohesion event (times its weight) per quarter of joint-decision delay beyond one, for "
       "a municipality with an urgent waiting list."),
    _p("behaviour", "cohesion_dominance_event", 0.5, (0.0, 2.0), "event", "M16 [MEI 6]",
       "Cohesion event (times its weight) per unit of the largest municipality's dominance."),
    _p("behaviour", "cohesion_rules_event", 0.2, (0.0, 1.0), "event", "M16 [MEI 6]",
       "Cohesion event (times its weight) of two municipalities with the most different rules."),
    _p("behaviour", "urgent_waiting", 5.0, (0.1, 1000.0), "per 1,000 inhabitants", "M16 M13",
       "Waiting residents per 1,000 inhabitants at which slow joint decisions hurt fully."),
    _p("behaviour", "cohesion_exit_shock", 0.3, (0.0, 1.0), "event", "M16 assumption",
       "Cohesion event between the remaining members when one leaves (the door is open)."),
    _p("behaviour", "pair_cohesion", True, unit="bool", source="M16",
       doc="Each pair of municipalities weighs its own events; false: every pair gets the "
       "region's mean (uniform cohesion, for ablation)."),
    _p("behaviour", "leave_threshold", 0.2, (0.0, 1.0), "0-1", "M16 [MEI 6; LEI]",
       "Satisfaction below which a municipality considers leaving."),
    _p("behaviour", "deficit_dissatisfaction", 0.5, (0.0, 1.0), "per unit deficit",
       "M16 M18 assumption", "Share by which a full budget deficit lowers a municipality's "
       "satisfaction with the region."),
    _p("behaviour", "partial_exit", True, unit="bool", source="M16 [MEI 6]",
       doc="A dissatisfied member first buys household help alone and stays in the region for "
       "the rest; only if still dissatisfied does it leave (false: it leaves at once)."),
    _p("behaviour", "leave_quarters", 8, (1, 40), "quarters", "M16",
       "Consecutive dissatisfied quarters before leaving the joint procurement."),
    _p("behaviour", "exit_reserve_months", -3.0, (-24.0, 0.0), "months of cost", "M1 M10",
       "Reserve below which a provider leaves the market."),
    _p("behaviour", "deficit_tariff_cut", 0.5, (0.0, 2.0), "-", "M18 [LEI annex 3]",
       "How strongly a municipality in deficit cuts tariffs (share of the deficit)."),
    _p("behaviour", "max_tariff_cut", 0.06, (0.0, 0.5), "share/year", "M18 [LEI annex 3]",
       "Largest tariff cut a buyer makes in one year."),
    _p("behaviour", "tariff_floor", 0.8, (0.1, 1.0), "x tariff factor", "M18",
       "Lowest tariff a buyer cuts to, as a share of the contract's tariff factor."),
    _p("behaviour", "shortage_waiting_share", 0.05, (0.0, 1.0), "waiting/in care", "M18",
       "Waiting for placement (share of clients in care) at which a buyer raises tariffs."),
    _p("behaviour", "admin_hour_cost", 35.0, (0.0, 200.0), "EUR/hour", "assumption",
       "Cost of an hour of administration at a provider."),
    _p("behaviour", "tariff_raise", 0.03, (0.0, 0.5), "share/year", "M18 assumption",
       "Yearly tariff raise of a buyer whose residents wait for want of providers."),
    _p("behaviour", "tariff_ceiling", 1.25, (1.0, 3.0), "x tariff factor", "assumption",
       "Highest tariff a buyer raises to, as a multiple of the contract's tariff factor."),
    _p("behaviour", "tariff_restore", 0.02, (0.0, 0.5), "share/year", "assumption",
       "Yearly step back towards the contract's tariff of a buyer with a surplus."),
    _p("behaviour", "tariff_restore_surplus", 0.05, (0.0, 1.0), "share of budget", "assumption",
       "Surplus (share of budget left unspent) from which a buyer restores tariffs."),
    _p("behaviour", "capacity_plan_trust", 0.4, (0.0, 1.0), "0-1", "M15 [MEI 43, 72]",
       "Trust in the central municipality from which a provider carries out the whole "
       "agreed cut of protected-living places."),
    _p("behaviour", "capacity_plan_partial", 0.5, (0.0, 1.0), "share", "M15 assumption",
       "Share of the agreed cut a provider that does not trust the municipality carries out."),
    _p("behaviour", "team_contact", 0.05, (0.0, 1.0), "event/month", "M10 M11 [WOE 4] assumption",
       "Collaboration built in a month between two providers serving clients placed by the "
       "same access worker (a shared neighbourhood team)."),
    _p("behaviour", "subcontract_contact", 0.1, (0.0, 1.0), "event/client", "M5 M11 [MEI 28]",
       "Collaboration built between a lead contractor and the member a client is "
       "subcontracted to."),
    _p("behaviour", "collaboration_decay", 0.02, (0.0, 1.0), "1/month", "assumption",
       "Monthly fading of collaboration ties without contact."),
    _p("behaviour", "collaboration_competition", 0.2, (0.0, 1.0), "event/quarter",
       "M10 [LEI annex 3; WOE 3b]", "Wear on the collaboration ties between providers "
       "contracted for the same product by the same buyer, each quarter, in a full crowd."),
    _p("behaviour", "competition_crowd", 20.0, (1.0, 1000.0), "providers", "M10 assumption",
       "Number of competitors in one segment at which competition wears ties fully."),
    _p("behaviour", "consortium_tie", 0.8, (0.0, 1.0), "0-1", "M5 M11 [HAA 6]",
       "Collaboration between a consortium's lead and its members when the consortium forms."),
    _p("behaviour", "max_procurement_load", 0.8, (0.0, 1.0), "share", "M1 M3 assumption",
       "Largest share of contract-management time procurement rounds can take up."),
    _p("behaviour", "dialogue_capacity_share", 0.3, (0.0, 1.0), "share", "M11 M12 assumption",
       "Share of contract-management time a municipality can give to dialogue tables."),
    _p("behaviour", "dialogue_meeting_hours", 3.0, (0.1, 40.0), "hours/meeting", "M11 assumption",
       "Contract-management hours one dialogue meeting with one provider takes (with "
       "preparation)."),
    _p("behaviour", "agreement_breach", 0.5, (0.0, 1.0), "probability", "M3 M12 assumption",
       "Chance a fully strategic provider (orientation 1) breaks a quarter's dialogue agreements "
       "(in proportion to its orientation)."),
    _p("behaviour", "agreement_pressure", 1.0, (0.0, 10.0), "per unit deficit",
       "M3 M17 [MEI 6.3]", "Chance per unit of budget deficit that a municipality goes back on "
       "a quarter's dialogue agreements (administrators deviate under pressure)."),
    _p("behaviour", "broken_agreement", 1.0, (0.0, 5.0), "x content", "M3 [MEI 4.4]",
       "Trust lost when an agreement is broken, relative to the trust a kept one builds."),
    _p("behaviour", "money_talk_erosion", 0.6, (0.0, 3.0), "-", "M12 [NMD]",
       "Trust lost per unit of dialogue about money, against trust built per unit about "
       "content (a meeting's effect is content - this x (1 - content))."),
    _p("behaviour", "score_trust_weight", 0.3, (0.0, 5.0), "-", "M1 [MEI 4.4]",
       "Weight of the buyer's trust in a bidder in the score (incumbents carry it)."),
    _p("behaviour", "score_record_weight", 0.4, (0.0, 5.0), "-", "M2 M3 M11",
       "Weight of the buyer's observed record of a bidder (breaches seen against innovation "
       "shown, in [-1, 1]) in the score."),
    _p("behaviour", "score_reputation_weight", 0.3, (0.0, 5.0), "-", "M16 assumption",
       "Weight of the reputation heard from municipalities outside the contract in the score."),
    _p("behaviour", "newcomer_trust", 0.4, (0.0, 1.0), "0-1", "M1",
       "Trust a buyer gives in the score to a bidder it has no tie with."),
    _p("behaviour", "reputation_share", 0.3, (0.0, 1.0), "share", "M16 assumption",
       "Share of a sighting of a provider's conduct passed on to another municipality, times "
       "the cohesion between them (0: municipalities share no observations)."),
    _p("behaviour", "record_prior", 4.0, (0.1, 100.0), "observations", "M2 assumption",
       "Observations a record needs to count half: the record is (good - bad) / (good + bad + "
       "this), so a provider seldom seen scores near 0."),
    _p("behaviour", "breach_weight", 3.0, (0.0, 50.0), "looks", "M3 assumption",
       "Clean looks (hours found delivered) one breach seen outweighs in a provider's record."),
    _p("behaviour", "suitability_share", 0.5, (0.0, 5.0), "share", "M1 M11 assumption",
       "Share of its part of the current caseload (caseload / providers kept) a bidder's places "
       "must cover to qualify for a selective contract; unqualified bidders rank last."),
    _p("behaviour", "selective_price_weight", 0.6, (0.0, 5.0), "-", "M10 assumption",
       "Weight of the price bid in a selective (private) tender's score."),
    _p("behaviour", "partners_size_weight", 0.15, (0.0, 5.0), "-", "M11 [HAA 3]",
       "Weight of a bidder's size (capacity to carry responsibility) in choosing partners."),
    _p("behaviour", "partners_price_weight", 0.2, (0.0, 5.0), "-", "M11 assumption",
       "Weight of the price bid in choosing strategic partners."),
    _p("behaviour", "consortium_size_weight", 0.05, (0.0, 5.0), "-", "M11 [HAA 6]",
       "Weight of a bidder's size in choosing consortium members."),
    _p("behaviour", "consortium_price_weight", 0.2, (0.0, 5.0), "-", "M11 assumption",
       "Weight of the price bid in choosing consortium members."),
    # --- trust events: signed strengths of what providers and municipalities see -------------
    _p("trust", "trust_contract_kept", 0.3, (-1.0, 1.0), "event", "M1 M12",
       "Provider's trust in the buyer when it keeps its contract in a procurement round."),
    _p("trust", "trust_bid_won", 0.3, (-1.0, 1.0), "event", "M1 M12 assumption",
       "Provider's trust in the buyer when it wins a contract it did not hold."),
    _p("trust", "trust_bid_lost", -0.3, (-1.0, 1.0), "event", "M3 assumption",
       "Provider's trust in the buyer when its bid loses (it held no contract)."),
    _p("trust", "trust_contract_lost", -1.0, (-1.0, 1.0), "event", "M1 M3 [LEI]",
       "Provider's trust in the buyer when it loses its contract."),
    _p("trust", "trust_tariff_cut", -1.0, (-1.0, 1.0), "event", "M3 M18 [LEI annex 3]",
       "Provider's trust in the buyer when the tariff is cut."),
    _p("trust", "trust_tariff_raised", 0.3, (-1.0, 1.0), "event", "M12 assumption",
       "Provider's trust in the buyer when the tariff is raised."),
    _p("trust", "trust_unpaid_work", -0.3, (-1.0, 1.0), "event", "M4 [MEI 29]",
       "Provider's trust in the buyer the first month its work goes unpaid above the ceiling."),
    _p("trust", "trust_unpaid_overproduction", -0.4, (-1.0, 1.0), "event", "M4 [MEI 4.3]",
       "Provider's trust in the buyer when lumpsum production above the band is not paid."),
    _p("trust", "trust_sanctioned", -0.2, (-1.0, 1.0), "event", "M17 [MEI 6.3]",
       "Provider's trust in the municipality that sanctions it."),
    _p("trust", "trust_regime_change", -0.5, (-1.0, 1.0), "event", "M1 M3 [NMD]",
       "Provider's trust in every municipality when the contract regime changes."),
    _p("trust", "trust_upcoding_seen", -0.5, (-1.0, 1.0), "event", "M7 [NMD]",
       "Municipality's trust in a provider whose upcoding it sees."),
    _p("trust", "trust_rule_added", -0.4, (-1.0, 1.0), "event", "M2 M3 [MEI 19-22]",
       "Provider's trust in a municipality that adds a contract rule."),
    _p("trust", "trust_rule_dropped", 0.2, (-1.0, 1.0), "event", "M2 M12",
       "Provider's trust in a municipality that drops a contract rule."),
    _p("trust", "trust_refusal", -0.3, (-1.0, 1.0), "event x (0.5 + complexity)", "M4 [MEI 29]",
       "Municipality's trust in a provider that refuses a client while it has room."),
)

PARAMS = tuple(p if p.name not in PRIORS else Param(
    p.section, p.name, p.default, p.low, p.high, p.choices, p.unit, p.source, p.doc,
    PRIORS[p.name]) for p in PARAMS)
assert all(n in {p.name for p in PARAMS} for n in PRIORS), "prior for an unknown parameter"
assert all(p.low <= p.prior[0] < p.prior[1] <= p.high for p in PARAMS if p.prior), \
    "a prior must lie within the allowed range"

SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(p.section for p in PARAMS))

_BY_NAME = {p.name: p for p in PARAMS}
assert len(_BY_NAME) == len(PARAMS), "parameter names must be unique"


def by_name(name: str) -> Param | None:
    """Return the parameter called ``name`` (or None)."""
    return _BY_NAME.get(name)


def priors() -> dict[str, tuple[float, float]]:
    """Calibration priors (uniform bounds) of the uncertain behavioural parameters."""
    return {p.name: p.prior for p in PARAMS if p.prior}


def defaults() -> dict[str, Any]:
    """Return a dict of every parameter's default value."""
    return {p.name: p.default for p in PARAMS}




# --- typed views of parameter groups ------------------------------------------------------------

KINDS: tuple[str, ...] = ("large", "medium", "small", "cooperative")
"""Kinds of provider."""
AGE_BANDS: tuple[str, ...] = ("18_64", "65_74", "75")
"""Adult age bands, as the suffixes of their parameters."""


@dataclass(frozen=True)
class ProviderKind:
    """The traits a provider of one kind starts with.

    Attributes:
        name: The kind (one of :data:`KINDS`).
        size: Median places per offered product (lognormal).
        size_spread: Log standard deviation of the size.
        sigma: Mean initial strategic orientation.
        both_products: Chance a support provider offers both support products.
        pooled_clients: Clients of other member organisations whose results it pools with
            its own (a cooperative of small providers; 0 for a single organisation, M4 M8).
    """

    name: str
    size: float
    size_spread: float
    sigma: float
    both_products: float
    pooled_clients: float = 0.0


@dataclass(frozen=True)
class AgeBand:
    """Need, leaving and chronic conditions of one adult age band.

    Attributes:
        name: The band (one of :data:`AGE_BANDS`).
        onset: Yearly onset of need per 1,000 adults, by product key.
        exit_rate: Monthly chance of moving away or dying.
        chronic_share: Share of new needs that are chronic.
    """

    name: str
    onset: dict[str, float]
    exit_rate: float
    chronic_share: float


def provider_kinds(values: dict[str, Any]) -> dict[str, ProviderKind]:
    """The provider kinds, by name, from parameter values.

    A cooperative's traits follow from its structure (M4, M8): its members are small
    providers whose orientation is tempered by the weight they give their shared mission
    (``cooperative_mission_weight``), and it pools the results of its
    ``cooperative_members`` member organisations (each a small provider's caseload).
    """
    kinds = {kind: ProviderKind(kind, values[f"size_{kind}"], values[f"size_spread_{kind}"],
                                values[f"sigma_{kind}"], values[f"both_products_{kind}"])
             for kind in KINDS if kind != "cooperative"}
    kinds["cooperative"] = ProviderKind(
        "cooperative", values["size_cooperative"], values["size_spread_cooperative"],
        values["sigma_small"] * (1.0 - values["cooperative_mission_weight"]),
        values["both_products_cooperative"],
        pooled_clients=(values["cooperative_members"] - 1) * values["size_small"])
    return kinds


def age_bands(values: dict[str, Any], products: tuple[str, ...]) -> tuple[AgeBand, ...]:
    """The adult age bands, youngest first, from parameter values.

    Args:
        values: Parameter values by name.
        products: Product keys with an onset rate per band.
    """
    return tuple(AgeBand(band, {key: values[f"onset_{key}_{band}"] for key in products},
                         values[f"exit_{band}"], values[f"chronic_share_{band}"])
                 for band in AGE_BANDS)
