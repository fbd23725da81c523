"""Contract design: the levers a municipality sets, as payment rules and procurement rules.

``ContractDesign`` holds the levers of a contract design. The funding model becomes a
``PaymentRule`` (what a client, an hour or a year of production earns, how much administration it
costs and how much of the delivered hours the municipality can see); the procurement form becomes
a ``ProcurementRule`` (who is admitted, whether entry is open at any time, whether placement goes
through one referral point). Agents never look at the names: they read payoffs and information
from these objects and decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from agents_model.params import defaults
from agents_model.products import PRODUCTS, Product

if TYPE_CHECKING:
    from agents_model.agents.provider import Provider

__all__ = [
    "REFERENCE_VALUES",
    "Account",
    "Bid",
    "ContractDesign",
    "ContractSet",
    "PaymentRule",
    "ProcurementRule",
    "Terms",
    "payment_rule",
    "procurement_rule",
]


@dataclass(frozen=True)
class ContractDesign:
    """The contract levers, validated by the scenario loader.

    Attributes:
        funding: lumpsum, fee_for_service, per_client, result_based or population_budget.
        procurement: open_house, selective, strategic_partners or consortium.
        partners: Providers kept per product (selective, strategic partners).
        consortium_members: Providers kept per product in a consortium.
        contract_years: Contract duration in years.
        tariff_factor: Hourly tariff as a multiple of the reference cost.
        level_tariff_gap: Spread of fees between intensity levels (M7).
        budget_ceiling: Revenue cap as a multiple of the allotted share (0: none; M4).
        lumpsum_bandwidth: Lumpsum bandwidth (M4).
        reporting: lean, standard or heavy (M2, M19).
        sanctions: Sanctions on detected under-delivery and upcoding (M17).
        dialogue_meetings: Dialogue meetings per provider per year (M11, M12).
        dialogue_content_share: Share of dialogue about content (M12).
        case_management: Level of case management (M14).
        social_base_investment: EUR per inhabitant per year for general provisions (M13).
        capacity_plan: Agreed yearly reduction of protected-living places in % (M15).
        lead_overhead: Share of a subcontracted fee kept by the lead (M5).
        subcontract_admin_hours: Hours per subcontracted client per month (M5).
        pgb_share: Share of indicated residents taking a personal budget.
        pgb_tariff_factor: Personal-budget hourly rate relative to the reference cost.
        procurement_hours: Contract-management hours per bidder in a procurement round.
    """

    funding: str = "per_client"
    procurement: str = "open_house"
    partners: int = 3
    consortium_members: int = 12
    contract_years: int = 3
    tariff_factor: float = 1.0
    level_tariff_gap: float = 1.0
    budget_ceiling: float = 0.0
    lumpsum_bandwidth: float = 0.05
    reporting: str = "standard"
    sanctions: bool = False
    dialogue_meetings: int = 2
    dialogue_content_share: float = 0.5
    case_management: float = 0.0
    social_base_investment: float = 20.0
    capacity_plan: float = 0.0
    lead_overhead: float = 0.05
    subcontract_admin_hours: float = 1.0
    pgb_share: float = 0.05
    pgb_tariff_factor: float = 0.8
    procurement_hours: float = 16.0

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> ContractDesign:
        """Build a design from a scenario's parameter values (extra keys ignored)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})

    @property
    def reporting_share(self) -> float:
        """Administrative hours for reporting as a share of delivered hours (M2, M19)."""
        return REPORTING_SHARE[self.reporting]

    @property
    def information_quality(self) -> float:
        """Base information quality the reporting rules give the municipality (M2)."""
        return REPORTING_INFORMATION[self.reporting]


REPORTING_SHARE = {"lean": 0.005, "standard": 0.015, "heavy": 0.04}
REPORTING_INFORMATION = {"lean": 0.25, "standard": 0.5, "heavy": 0.75}


# --- payment rules ------------------------------------------------------------------------------


@dataclass
class PaymentRule:
    """What a provider earns under a funding model, and what it costs to administer.

    Attributes:
        name: Funding model name.
        per_hour: Paid per delivered hour (fee-for-service).
        per_client: Paid a monthly fee per client (per-client, result-based).
        per_level: The fee differs by intensity level (per-client and result-based fees);
            otherwise one average fee for every level (M6).
        fixed_budget: Paid a fixed yearly budget from history with a bandwidth (lumpsum).
        capitation: Paid per inhabitant regardless of clients (population budget).
        must_accept: The contract obliges acceptance of every referred client.
        reports_results: Results are measured and reported at every review (M19).
        visibility: Share of delivered hours the municipality can observe (M2).
    """

    name: str
    per_hour: bool = False
    per_client: bool = False
    per_level: bool = False
    fixed_budget: bool = False
    capitation: bool = False
    must_accept: bool = False
    reports_results: bool = False
    visibility: float = 0.5

    @property
    def declares(self) -> bool:
        """Whether every client-month is declared to the municipality (paid per client or hour)."""
        return self.per_client or self.per_hour

    def hour_rate(self, product: Product, tariff: float) -> float:
        """Payment per delivered hour (EUR) at tariff multiplier ``tariff``."""
        return product.cost_per_hour * tariff if self.per_hour else 0.0

    def client_fee(self, product: Product, level: int, tariff: float, gap: float) -> float:
        """Monthly fee per client at ``level`` (EUR).

        Per level, the spread between levels scales with ``gap`` (M7); otherwise every level
        earns the average fee, built on the mean hours of the levels (M6).
        """
        if not self.per_client:
            return 0.0
        return reference_fee(product, level, gap if self.per_level else 0.0) * tariff

    def production_value(self, product: Product, level: int, hours: float, tariff: float,
                         gap: float) -> float:
        """Value of a month of production for one client under this rule's own prices."""
        fee = self.client_fee(product, level, tariff, gap)
        return self.hour_rate(product, tariff) * hours + fee


@lru_cache(maxsize=4096)
def reference_fee(product: Product, level: int, gap: float) -> float:
    """Full-cost monthly fee at ``level``, with the spread between levels scaled by ``gap``."""
    mean_hours = sum(product.hours) / 3.0
    hours = mean_hours + gap * (product.hours[level] - mean_hours)
    return max(0.0, hours) * product.cost_per_hour


REFERENCE_VALUES: tuple[tuple[float, ...], ...] = tuple(
    tuple(reference_fee(product, level, 1.0) for level in range(3)) for product in PRODUCTS)
"""Reference price of a month of full care per product (outer) and level (inner)."""


def payment_rule(funding: str, values: dict[str, Any]) -> PaymentRule:
    """The :class:`PaymentRule` of a funding model, with its visibility from the table.

    What a funding model asks of administration follows from what it pays for: declarations
    per client-month (per client, per hour), hour registrations (per hour), level requests
    (per level) and result reports (result-based); see :meth:`Provider.deliver`.
    """
    flags = {
        "lumpsum": {"fixed_budget": True},
        "fee_for_service": {"per_hour": True},
        "per_client": {"per_client": True, "per_level": True},
        "result_based": {"per_client": True, "per_level": True, "reports_results": True},
        "population_budget": {"capitation": True, "must_accept": True},
    }[funding]
    return PaymentRule(funding, visibility=values[f"visibility_{funding}"], **flags)


# --- procurement rules --------------------------------------------------------------------------


@dataclass(frozen=True)
class Bid:
    """What a buyer sees of one bidder for one product (M2: hidden traits are not in it).

    The provider offers a price and places; the buyer adds what it knows: its own trust, the
    record it observed (detected under-delivery, upcoding and refusals against innovation
    shown) and the reputation it heard from municipalities outside the contract.

    Attributes:
        provider_id: Unique id of the bidder.
        price: Price level bid, as a multiple of the reference cost.
        capacity: Places the bidder offers over all its products.
        trust: The buyer's trust in the bidder (the newcomer value without a tie).
        record: The buyer's observed record of the bidder in [-1, 1] (0: nothing seen).
        reputation: What other municipalities report, in [-1, 1] (0: nothing heard).
    """

    provider_id: int
    price: float
    capacity: float
    trust: float
    record: float = 0.0
    reputation: float = 0.0


@dataclass(frozen=True)
class ProcurementRule:
    """Who gets a contract under a procurement form.

    Attributes:
        name: Procurement form name.
        keep: How many providers per product are kept (None: every qualifying one).
        entry_any_time: New providers may join between rounds (open house).
        lead_contractor: One lead holds the contract, the others are subcontractors (M5).
        size_weight: Weight of size (capacity to carry responsibility) in the selection.
        price_weight: Weight of price in the selection.
        quality_weights: Weights of the buyer's trust, its observed record and the reputation
            heard from others in the quality score.
        suitability: Share of its part of the volume (volume over kept providers) a bidder's
            places must cover to qualify; qualified bidders rank first.
    """

    name: str
    keep: int | None = None
    entry_any_time: bool = False
    lead_contractor: bool = False
    size_weight: float = 0.0
    price_weight: float = 0.0
    quality_weights: tuple[float, float, float] = (0.3, 0.4, 0.3)
    suitability: float = 0.0

    def select(self, bids: list[Bid], volume: float = 0.0) -> tuple[list[int], int | None]:
        """Pick the contracted providers (and a lead) for one product from their bids.

        Only what a bid holds counts: incumbents carry the buyer's trust and record into the
        score, which keeps existing supply in place (M1). Bidders whose places cannot carry
        their part of the volume rank after those that can (a suitability requirement).
        Ties are broken by provider id so the choice is deterministic.

        Args:
            bids: The bids for the product.
            volume: Clients the contract must carry (the buyer's current caseload).

        Returns:
            The ids of the selected providers and of the lead contractor (None if no lead).
        """
        if not bids:
            return [], None
        if self.keep is None:
            return sorted(b.provider_id for b in bids), None
        total_cap = sum(b.capacity for b in bids) or 1.0
        w_trust, w_record, w_reputation = self.quality_weights

        def score(b: Bid) -> float:
            quality = w_trust * b.trust + w_record * b.record + w_reputation * b.reputation
            size = b.capacity / total_cap * len(bids)
            return quality + self.size_weight * min(size, SIZE_CAP) \
                - self.price_weight * (b.price - 1.0)

        required = self.suitability * volume / self.keep
        ranked = sorted(bids, key=lambda b: (b.capacity < required, -score(b), b.provider_id))
        chosen = ranked[: self.keep]
        lead = None
        if self.lead_contractor:
            lead = max(chosen, key=lambda b: (b.capacity, -b.provider_id)).provider_id
        return sorted(b.provider_id for b in chosen), lead


SIZE_CAP = 3.0
"""Largest relative size (capacity over the mean bidder's) that still adds to a bid's score."""
FORM_WEIGHTS: dict[str, tuple[str, str]] = {
    "open_house": ("", ""),
    "selective": ("", "selective_price_weight"),
    "strategic_partners": ("partners_size_weight", "partners_price_weight"),
    "consortium": ("consortium_size_weight", "consortium_price_weight"),
}
"""Parameters holding the weights of size and price in a bid's score per form (M10, M11)."""


def procurement_rule(design: ContractDesign, values: dict[str, Any] | None = None
                     ) -> ProcurementRule:
    """The :class:`ProcurementRule` for a design's procurement form.

    Args:
        design: The contract levers (form, partners, consortium size).
        values: Parameter values with the weights of a bid's score (the parameter table's
            defaults if not given).
    """
    if values is None:
        values = defaults()
    form = design.procurement
    keep = {"open_house": None, "selective": design.partners,
            "strategic_partners": design.partners,
            "consortium": design.consortium_members}[form]
    size, price = FORM_WEIGHTS[form]
    return ProcurementRule(
        form, keep, entry_any_time=form == "open_house", lead_contractor=form == "consortium",
        size_weight=values[size] if size else 0.0, price_weight=values[price] if price else 0.0,
        quality_weights=(values["score_trust_weight"], values["score_record_weight"],
                         values["score_reputation_weight"]),
        suitability=values["suitability_share"])


# --- the terms in force -----------------------------------------------------------------------


class Terms:
    """The contract terms in force: the design, its payment rule and its procurement rule.

    Every buyer's contracts follow the same terms; a regime change puts new terms in force.
    Prices per tariff are worked out once and kept, since a provider reads them for every
    client decision.

    Attributes:
        design: The contract levers.
        rule: What a client, an hour or a year of production earns (the funding model).
        procurement: Who gets a contract (the procurement form).
    """

    def __init__(self, values: dict[str, Any]) -> None:
        self.design = ContractDesign.from_values(values)
        self.rule = payment_rule(self.design.funding, values)
        self.procurement = procurement_rule(self.design, values)
        self._tables: dict[float, tuple[tuple[float, ...], ...]] = {}
        self._prices: dict[float, tuple[tuple[tuple[float, float], ...], ...]] = {}

    def payment_value(self, product: int, level: int, tariff: float) -> float:
        """What a month of full care at ``level`` is worth under the payment rule at ``tariff``.

        Under a fixed budget this is the reference value; otherwise the rule's production
        value of the level's standard hours. Headroom under a budget is not included.
        """
        if self.rule.fixed_budget:
            return REFERENCE_VALUES[product][level]
        prod = PRODUCTS[product]
        return self.rule.production_value(prod, level, prod.hours[level], tariff,
                                          self.design.level_tariff_gap)

    def payment_table(self, tariff: float) -> tuple[tuple[float, ...], ...]:
        """:meth:`payment_value` at ``tariff`` for every product (outer) and level (inner)."""
        table = self._tables.get(tariff)
        if table is None:
            table = self._tables[tariff] = tuple(
                tuple(self.payment_value(product.index, level, tariff) for level in range(3))
                for product in PRODUCTS)
        return table

    def prices(self, tariff: float) -> tuple[tuple[tuple[float, float], ...], ...]:
        """Hourly rate and monthly client fee per product (outer) and level (inner)."""
        table = self._prices.get(tariff)
        if table is None:
            gap = self.design.level_tariff_gap
            table = self._prices[tariff] = tuple(
                tuple((self.rule.hour_rate(product, tariff),
                       self.rule.client_fee(product, level, tariff, gap)) for level in range(3))
                for product in PRODUCTS)
        return table


# --- contracts held by a buyer ------------------------------------------------------------------


@dataclass
class Account:
    """A provider's yearly account with one buyer.

    Attributes:
        allotted: Expected (lumpsum: granted) yearly revenue from this buyer (EUR).
        paid: Paid so far this year (EUR).
        production: Production so far this year, valued at reference prices (EUR).
    """

    allotted: float = 0.0
    paid: float = 0.0
    production: float = 0.0


@dataclass
class ContractSet:
    """The contracts one buyer (the joint region or a municipality on its own) holds.

    Attributes:
        key: ``region`` or ``m<id>`` for a municipality procuring alone.
        members: Contracted providers per product index.
        leads: Lead contractor per product index (None without a lead).
        tariff: Tariff multiplier of this buyer (tariff factor, lowered after deficits).
        start_month: Model month the contracts started.
        end_month: Model month the contracts end (a new round is held then).
        accounts: Yearly account per provider id.
        terms: The contract terms in force.
    """

    key: str
    members: list[list[Provider]] = field(default_factory=lambda: [[] for _ in PRODUCTS])
    leads: list[Provider | None] = field(default_factory=lambda: [None for _ in PRODUCTS])
    tariff: float = 1.0
    start_month: int = 0
    end_month: int = 36
    accounts: dict[int, Account] = field(default_factory=dict)
    terms: Terms | None = None

    def has(self, provider: Provider, product: int) -> bool:
        """Whether ``provider`` holds (or shares through a consortium) a contract for product."""
        return provider in self.members[product]

    def add(self, provider: Provider, product: int) -> None:
        """Contract ``provider`` for ``product`` unless it already is."""
        group = self.members[product]
        if provider not in group:
            group.append(provider)

    def remove(self, provider: Provider, product: int) -> None:
        """End ``provider``'s contract for ``product`` if it has one."""
        group = self.members[product]
        if provider in group:
            group.remove(provider)

    def clear(self, product: int) -> None:
        """End every contract for ``product``."""
        self.members[product] = []

    def account(self, provider: Provider) -> Account:
        """The provider's account with this buyer (created on first use)."""
        acc = self.accounts.get(provider.unique_id)
        if acc is None:
            acc = self.accounts[provider.unique_id] = Account()
        return acc

    def providers(self) -> set[Provider]:
        """Every contracted provider of any product."""
        return {p for group in self.members for p in group}

    @property
    def joint(self) -> bool:
        """Whether these are the joint region's contracts (not a municipality's own)."""
        return self.key == "region"

    @property
    def rule(self) -> PaymentRule:
        """The payment rule of the contracts."""
        return self.terms.rule

    @property
    def design(self) -> ContractDesign:
        """The contract levers."""
        return self.terms.design

    def payment_table(self) -> tuple[tuple[float, ...], ...]:
        """What a month of full care is worth per product and level at this buyer's tariff."""
        return self.terms.payment_table(self.tariff)

    def prices(self) -> tuple[tuple[tuple[float, float], ...], ...]:
        """Hourly rate and client fee per product and level at this buyer's tariff."""
        return self.terms.prices(self.tariff)

    def free_places(self, product: int) -> float:
        """Free places for a product over every contracted provider."""
        return sum(max(0.0, q.free_places(product)) for q in self.members[product])
