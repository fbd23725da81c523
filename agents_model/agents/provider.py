"""Provider: a care organisation that decides from its contract's payoffs and its orientation.

It decides whom to accept, how many hours to deliver and whether to ask for a higher indication.

Strategic orientation sigma in [0, 1] weighs organisational interest (revenue, continuity,
margin) against client interest; it rises with distrust of the municipalities and financial
pressure (M3). Nothing here looks at the name of a funding model or procurement form: a provider
reads what a client, an hour or a level is worth under the buyer's payment rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import mesa

from agents_model.contracts import ContractSet, Terms
from agents_model.events import provider_name
from agents_model.products import (
    CARE_COST_SHARE,
    LEVELS,
    MEAN_COMPLEXITY,
    PRODUCTS,
    PROTECTED_LIVING,
)
from agents_model.records import Conduct

if TYPE_CHECKING:
    from agents_model.agents.municipality import Municipality
    from agents_model.agents.resident import Resident
    from agents_model.model import WmoModel

__all__ = ["BookKey", "CaseloadLine", "Provider"]

MIN_RATIO = 0.35
"""Lowest share of indicated hours a provider delivers, however strategic."""
MIN_PLACES = 3.0
"""Places a provider keeps per offered product when it sheds idle ones."""
STANDARD_PROFILE = (MEAN_COMPLEXITY, 1.0)
"""Complexity and hours factor assumed for a product and level without clients."""
ARGUED_COMPLEXITY = 0.3
"""Complexity of the typical case a provider has in mind when it argues against a step-down."""


class BookKey(NamedTuple):
    """What a line of a provider's book is kept by."""

    municipality: int
    product: int
    level: int
    pgb: bool
    subcontracted: bool


@dataclass(slots=True)
class CaseloadLine:
    """The clients of one line of a provider's book, summed.

    Attributes:
        clients: Clients on the line.
        planned_hours: Hours a month the provider plans to deliver them (an upcoded
            indication counts with the hours of the level that fits, M7).
        complexity: Sum of their complexities.
        indicated_hours: Hours a month indicated for them.
    """

    clients: float = 0.0
    planned_hours: float = 0.0
    complexity: float = 0.0
    indicated_hours: float = 0.0

    def add(self, resident: Resident) -> None:
        """Count a resident in."""
        self.clients += 1
        self.planned_hours += resident.planned_hours()
        self.complexity += resident.complexity
        self.indicated_hours += resident.indicated_hours

    def take(self, resident: Resident) -> None:
        """Count a resident out."""
        self.clients -= 1
        self.planned_hours -= resident.planned_hours()
        self.complexity -= resident.complexity
        self.indicated_hours -= resident.indicated_hours


class Provider(mesa.Agent):
    """A care provider.

    Attributes:
        kind: large, medium, small or cooperative.
        label: Display name.
        offers: Product indices it offers.
        capacity: Client places per product index (0: not offered).
        cost_factor: Own hourly cost relative to the product's reference cost.
        reserve: Financial reserve (EUR).
        sigma: Strategic orientation in [0, 1] (0: client interest, 1: organisation).
        base_sigma: Orientation it returns to under full trust and no pressure.
        innovation: Innovation stock in [0, 1].
        pool_bonus: Clients of other member organisations it pools with (a cooperative).
        ratio: Delivered / indicated hours per product and level (its delivery policy).
        clients: Residents in care per product index.
        book: Caseload lines by :class:`BookKey` (municipality id, product, level, pgb,
            subcontracted); payments, costs and KPIs read them.
        buyer_pairs: Clients per (municipality id, product), kept with the book.
        entry_month: Month it entered the market.
    """

    def __init__(self, model: WmoModel, kind: str, offers: list[int], capacity: list[float],
                 cost_factor: float, sigma: float, innovation: float, reserve: float,
                 pool_bonus: float = 0.0, number: int = 0) -> None:
        super().__init__(model)
        self.kind = kind
        self.number = number
        self.label = provider_name(kind, number)
        self.offers = sorted(offers)
        self.capacity = list(capacity)
        self.cost_factor = cost_factor
        self.reserve = reserve
        self.sigma = sigma
        self.base_sigma = sigma
        self.innovation = innovation
        self.pool_bonus = pool_bonus
        self.paperwork = 0.0
        self.agreed_places: dict[int, float] = {}
        self.ratio = [[1.0, 1.0, 1.0] for _ in PRODUCTS]
        self.clients: list[dict[Resident, None]] = [{} for _ in PRODUCTS]
        self.book: dict[BookKey, CaseloadLine] = {}
        self.buyer_pairs: dict[tuple[int, int], int] = {}
        self.buyer_key = "region"
        self.entry_month = model.month
        self.revenue_month = 0.0
        self.cost_month = 0.0
        self.admin_month = 0.0
        self.revenue_total = 0.0
        self.margin_rate = 0.0
        self.revenue_year = 0.0
        self.cost_year = 0.0
        self.months_short = 0
        self.active = True
        self.mean_ratio = 1.0
        self.upcoded_clients = 0
        self.total_clients = 0
        self.old_clients = 0
        self.care_cost_month = 0.0

    # --- caseload -------------------------------------------------------------------------------

    def n_clients(self, product: int | None = None) -> int:
        """Clients in care (of one product or all)."""
        if product is not None:
            return len(self.clients[product])
        return self.total_clients

    def total_capacity(self) -> float:
        """Client places over all products."""
        return float(sum(self.capacity))

    def free_places(self, product: int) -> float:
        """Free client places for a product."""
        return self.capacity[product] - len(self.clients[product])

    # --- what others can see ---------------------------------------------------------------------

    def conduct(self) -> Conduct:
        """The conduct its work this month shows to a municipality that looks (M2, M6, M7)."""
        return Conduct(self.unique_id, 1.0 - self.mean_ratio,
                       self.upcoded_clients / max(1, self.total_clients), self.innovation)

    def offer(self) -> tuple[float, float]:
        """What it bids in a procurement round: its price level and its places (M1, M10)."""
        return self.cost_factor, self.total_capacity()

    def file(self, hours: float) -> None:
        """Do paperwork a contract asks for (a level request, a result report; M19)."""
        self.paperwork += hours

    def keeps_agreements(self) -> bool:
        """Whether it keeps the dialogue agreements of a quarter: strategic ones break them (M3)."""
        return self.model.draws.random() >= self.sigma * self.model.p.agreement_breach

    def hear_outcome(self, buyers: list[Municipality], incumbent: bool, won: bool) -> None:
        """Its trust in the buyers after a procurement round it bid in (M1, M3).

        Keeping a contract builds trust; losing one, or losing a bid, erodes it.
        """
        p = self.model.p
        if won:
            strength = p.trust_contract_kept if incumbent else p.trust_bid_won
        else:
            strength = p.trust_contract_lost if incumbent else p.trust_bid_lost
        for m in buyers:
            self.feel(m.unique_id, strength)

    def feel(self, municipality_id: int, strength: float) -> None:
        """Take a municipality's treatment to heart and tell its partners (M3, reputation).

        The event moves its own trust; its collaboration partners hear of it, each in
        proportion to the tie and ``reputation_share``, so how a municipality treats one
        provider moves the trust of its peers.
        """
        net = self.model.net
        net.event(self.unique_id, municipality_id, "trust", strength)
        share = self.model.p.reputation_share
        if share <= 0.0:
            return
        for partner, tie in net.out_values(self.unique_id, "collaboration").items():
            if net.graph.has_edge(partner, municipality_id):
                net.event(partner, municipality_id, "trust", strength * tie * share)

    def add_client(self, resident: Resident) -> None:
        """Take a resident into care and book the caseload line that payments read."""
        self.clients[resident.product.index][resident] = None
        self.total_clients += 1
        muni, product, level = resident.municipality.unique_id, resident.product.index, \
            resident.level
        key = BookKey(muni, product, level, resident.pgb, resident.subcontracted)
        line = self.book.get(key)
        if line is None:
            line = self.book[key] = CaseloadLine()
        pair = (muni, product)
        self.buyer_pairs[pair] = self.buyer_pairs.get(pair, 0) + 1
        line.add(resident)
        self.upcoded_clients += resident.upcoded
        self.old_clients += resident.band == 2
        resident.provider = self

    def remove_client(self, resident: Resident) -> None:
        """Release a resident from care and unbook its caseload line."""
        if self.clients[resident.product.index].pop(resident, 0) is None:
            self.total_clients -= 1
        muni, product, level = resident.municipality.unique_id, resident.product.index, \
            resident.level
        key = BookKey(muni, product, level, resident.pgb, resident.subcontracted)
        line = self.book[key]
        pair = (muni, product)
        left = self.buyer_pairs[pair] - 1
        if left:
            self.buyer_pairs[pair] = left
        else:
            del self.buyer_pairs[pair]
        line.take(resident)
        self.upcoded_clients -= resident.upcoded
        self.old_clients -= resident.band == 2
        if line.clients <= 0:
            del self.book[key]
        resident.provider = None

    # --- payoffs --------------------------------------------------------------------------------

    def pooling(self) -> float:
        """Share of client risk pooled across the caseload (cross-subsidy needs scale, M8)."""
        n = self.total_clients + self.pool_bonus
        return n / (n + self.model.p.pooling_clients)

    def client_cost(self, product: int, level: int, complexity: float, ratio: float = 1.0) -> float:
        """Own monthly cost of a client at ``level`` delivering ``ratio`` of the hours (EUR)."""
        return PRODUCTS[product].hours[level] * ratio * self.hourly_cost(product, complexity)

    def hourly_cost(self, product: int, complexity: float) -> float:
        """Own cost of an hour of care for a client of ``complexity`` (EUR).

        The reference cost per hour includes a standard overhead; the care hour itself costs
        ``CARE_COST_SHARE`` of it, more for a complex client and less for a simple one (M4).
        """
        base, complexity_cost = self.hourly_terms()[product]
        return base * (1.0 + complexity_cost * (complexity - MEAN_COMPLEXITY))

    @property
    def cost_factor(self) -> float:
        """Own hourly cost relative to the product's reference cost."""
        return self._cost_factor

    @cost_factor.setter
    def cost_factor(self, value: float) -> None:
        self._cost_factor = value
        self._hourly_terms = tuple((prod.cost_per_hour * CARE_COST_SHARE * value,
                                    prod.complexity_cost) for prod in PRODUCTS)

    def hourly_terms(self) -> tuple[tuple[float, float], ...]:
        """Per product: own cost of an hour of average care and its complexity weight.

        :meth:`hourly_cost` of a client is ``base * (1 + weight * (complexity - mean))``; the
        terms follow the cost factor.
        """
        return self._hourly_terms

    def client_value(self, product: int, level: int, buyer: ContractSet) -> float:
        """Expected revenue of a month of full care for one client under the buyer's rule.

        Per-hour and per-client payments count in proportion to the chance they are paid
        below the budget ceiling (M4); under a fixed budget a client only adds value while
        production lags the budget's lower band; a capitation pays nothing extra (M4, M6).
        """
        return buyer.payment_table()[product][level] * self.value_headroom(buyer)

    def client_values(self, product: int, levels: tuple[int, ...],
                      buyer: ContractSet) -> list[float]:
        """:meth:`client_value` of a product at each of ``levels``."""
        headroom = self.value_headroom(buyer)
        values = buyer.payment_table()[product]
        return [values[level] * headroom for level in levels]

    def value_headroom(self, buyer: ContractSet) -> float:
        """Share of a client's payment value the provider expects to be paid (M4, M6).

        Under a fixed budget this is the budget headroom, otherwise the ceiling headroom.
        """
        if buyer.rule.fixed_budget:
            return self.budget_headroom(buyer)
        if buyer.design.budget_ceiling <= 0.0:
            return 1.0
        return self.ceiling_headroom(buyer)

    def ceiling_headroom(self, buyer: ContractSet) -> float:
        """Chance that extra production is still paid under the budget ceiling (M4)."""
        ceiling = buyer.design.budget_ceiling
        if ceiling <= 0.0 or buyer.rule.fixed_budget:
            return 1.0
        acc = buyer.account(self)
        cap = ceiling * acc.allotted
        if cap <= 0.0:
            return 1.0
        months_left = 12 - (self.model.month % 12)
        projected = acc.paid + self.revenue_month * months_left
        return min(1.0, max(0.0, (cap - projected) / max(cap * 0.15, 1.0) + 0.5))

    def budget_headroom(self, buyer: ContractSet) -> float:
        """Under a fixed budget: how far production lags the lower band (1: far behind, M4)."""
        acc = buyer.account(self)
        if acc.allotted <= 0.0:
            return 0.0
        elapsed = (self.model.month % 12 + 1) / 12.0
        floor = acc.allotted * (1.0 - buyer.design.lumpsum_bandwidth) * elapsed
        gap = (floor - acc.production) / max(acc.allotted / 12.0, 1.0)
        return min(1.0, max(0.0, gap + 0.5))

    # --- decisions ------------------------------------------------------------------------------

    def accepts(self, resident: Resident, buyer: ContractSet) -> bool:
        """Accept or refuse a referred client (M4 cream-skimming, M8 pooling).

        A full provider refuses. Otherwise a client whose expected value under the payment
        rule (including the ceiling) is negative is refused with a chance rising with strategic
        orientation and the size of the expected loss; a large caseload pools the loss (M8), and
        a contract that obliges acceptance leaves no choice.

        Returns:
            True if the provider takes the client.
        """
        product, level = resident.product.index, resident.level
        if self.free_places(product) < 1.0:
            return False
        if buyer.rule.must_accept and not resident.pgb:
            return True
        cost = self.client_cost(product, level, resident.complexity, self.ratio[product][level]) \
            + self.admin_per_client()
        value = self.client_value(product, level, buyer)
        rel = (value - cost) / max(cost, 1.0)
        pool = self.pooling()
        pooled = (1.0 - pool) * rel + pool * self.margin_rate
        if pooled >= 0.0:
            return True
        p = self.model.p
        chance = self.sigma * p.refusal_propensity * min(1.0, -p.refusal_loss_slope * pooled)
        return self.model.draws.random() >= chance

    def decide_delivery(self, buyer: ContractSet, detection: float) -> None:
        """Set delivered/indicated hours per product and level (M6 shaving, M7, M8, M17).

        A strategic provider translates each level's fee back into hours at its own hourly
        cost and cuts hours where the fee pays for fewer than are indicated (M6, M7); pooling
        over a large caseload lets surplus levels carry loss-making ones (M8), and the chance
        of being caught, made sharper by sanctions, deters the cut (M17). Care routines change
        gradually: each month the delivered share moves ``delivery_adjustment`` of the way to
        its target, so a new tariff shows in the hours over months and years, not at once
        (M1 continuity, M6, T3).

        Args:
            buyer: Contract set of its main buyer (payments and ceiling).
            detection: Chance the municipality sees under-delivery.
        """
        rate = self.model.p.delivery_adjustment
        ratio = self.ratio
        for (product, level), target in self.delivery_targets(buyer, detection).items():
            row = ratio[product]
            current = row[level]
            row[level] = current + rate * (target - current)

    def delivery_targets(self, buyer: ContractSet,
                         detection: float) -> dict[tuple[int, int], float]:
        """Delivered/indicated hours the provider aims at per product and level (M6-M8, M17).

        The gap of a level is the share of its indicated hours the fee does not pay for at
        the provider's own cost (care of a typical client of the level plus administration).
        A provider without pooling closes ``push`` of that gap; a pooling one closes ``push``
        of the caseload's mean gap instead, where that is smaller: a fee schedule that is
        below cost on average cannot be pooled away (M6-M8).

        Args:
            buyer: Contract set of its main buyer (payments and ceiling).
            detection: Chance the municipality sees under-delivery.

        Returns:
            The target ratio for every (product, level) it offers.
        """
        p = self.model.p
        sanctions = 1.0 if buyer.design.sanctions else 0.0
        deterrence = detection * (p.detection_deterrence + p.sanction_deterrence * sanctions)
        pool = self.pooling()
        push = self.sigma * p.shave_propensity * (1.0 - deterrence)
        if push > 1.0:
            push = 1.0
        profile, counts = self.caseload_profile()
        gaps = self.level_gaps(buyer, profile)
        mean_gap = self.caseload_gap(gaps, counts)
        keep = 1.0 - pool
        targets = {}
        for key, gap in gaps.items():
            if not gap > 0.0:
                gap = 0.0
            need = keep * gap + pool * (mean_gap if mean_gap < gap else gap)
            target = 1.0 - push * need
            targets[key] = target if target > MIN_RATIO else MIN_RATIO
        return targets

    def level_gaps(self, buyer: ContractSet, profile: dict[tuple[int, int], tuple[float, float]]
                   | None = None) -> dict[tuple[int, int], float]:
        """Share of a typical client's cost its fee leaves unpaid, per product and level (M6, M7).

        Negative where the fee pays more than the cost.

        Args:
            buyer: The contract set whose fees count.
            profile: The caseload profile, as from :meth:`caseload_profile` (worked out if
                not given).
        """
        if profile is None:
            profile = self.caseload_profile()[0]
        admin = self.admin_per_client()
        headroom = self.value_headroom(buyer)
        values = buyer.payment_table()
        gaps = {}
        for key, care in self.care_costs(profile).items():
            cost = care + admin
            gaps[key] = 1.0 - values[key[0]][key[1]] * headroom / cost if cost > 0 else 0.0
        return gaps

    def caseload_gap(self, gaps: dict[tuple[int, int], float],
                     counts: dict[tuple[int, int], float]) -> float:
        """Client-weighted mean of ``gaps`` over the caseload, at least 0 (M8).

        Without clients, the plain mean over the offered levels.

        Args:
            gaps: Gap per product and level, as from :meth:`level_gaps`.
            counts: Clients per product and level, as from :meth:`caseload_profile`.
        """
        total = weighted = 0.0
        for key, gap in gaps.items():
            n = counts.get(key, 0.0)
            total += n
            weighted += n * gap
        mean = weighted / total if total else (sum(gaps.values()) / len(gaps) if gaps else 0.0)
        return mean if mean > 0.0 else 0.0

    def care_costs(self, profile: dict[tuple[int, int], tuple[float, float]]
                   ) -> dict[tuple[int, int], float]:
        """Own monthly care cost of a typical client per offered product and level.

        The typical client of a level has the caseload profile's complexity and hours; a level
        without clients has the standard profile.
        """
        costs = {}
        for product in self.offers:
            for level in LEVELS:
                complexity, hours_factor = profile.get((product, level), STANDARD_PROFILE)
                costs[product, level] = PRODUCTS[product].hours[level] \
                    * self.hourly_cost(product, complexity) * hours_factor
        return costs

    def admin_per_client(self) -> float:
        """Administration cost per client last month (rules and reporting weigh on it, M2)."""
        n = self.total_clients
        return self.admin_month / n if n else 0.0

    def caseload_profile(self) -> tuple[dict[tuple[int, int], tuple[float, float]],
                                        dict[tuple[int, int], float]]:
        """The caseload per product and level: its profile and its clients.

        Returns:
            Mean complexity and indicated hours relative to the standard, per product and
            level with clients; and clients per product and level.
        """
        sums: dict[tuple[int, int], list[float]] = {}
        for (_, product, level, _, _), line in self.book.items():
            acc = sums.get((product, level))
            if acc is None:
                acc = sums[product, level] = [0.0, 0.0, 0.0]
            acc[0] += line.clients
            acc[1] += line.indicated_hours
            acc[2] += line.complexity
        profile = {key: (c / n, h / (n * PRODUCTS[key[0]].hours[key[1]]))
                   for key, (n, h, c) in sums.items() if n > 0}
        return profile, {key: acc[0] for key, acc in sums.items()}

    def wants_upcode(self, resident: Resident, buyer: ContractSet) -> bool:
        """Ask the access worker for a higher level than the need fits (M7 upcoding).

        The gain is the extra fee of the next level minus the cost of the hours the provider
        would actually deliver for it; the larger the tariff gap between levels, the larger the
        gain and the more likely a strategic provider asks.
        """
        level = resident.level
        if level >= 2:
            return False
        model = self.model
        product = resident.product.index
        headroom = self.value_headroom(buyer)
        values = buyer.payment_table()[product]
        extra_value = values[level + 1] * headroom - values[level] * headroom
        hourly = self.hourly_cost(product, resident.complexity)
        hours, ratio = PRODUCTS[product].hours, self.ratio[product]
        extra_cost = hours[level + 1] * ratio[level + 1] * hourly \
            - hours[level] * ratio[level] * hourly
        if not extra_cost > 0.0:
            extra_cost = 0.0
        base = hours[level] * hourly
        elastic = 1.0 if buyer.rule.per_hour else model.p.upcoding_cost_elasticity
        gain = (extra_value - extra_cost * elastic) / (1.0 if base < 1.0 else base)
        if gain <= 0.0:
            return False
        chance = self.sigma * model.p.upcoding_propensity * (gain if gain < 1.0 else 1.0)
        return model.draws.random() < chance

    def resists_step_down(self, resident: Resident, buyer: ContractSet) -> float:
        """Chance the provider argues against a step-down that costs it margin (M14, M19)."""
        product, level = resident.product.index, resident.level
        lower = level - 1 if level > 1 else 0
        headroom = self.value_headroom(buyer)
        values = buyer.payment_table()[product]
        hourly = self.hourly_cost(product, ARGUED_COMPLEXITY)
        hours = PRODUCTS[product].hours
        cost = hours[level] * hourly
        value, lower_value = values[level] * headroom, values[lower] * headroom
        loss = (value - cost) - (lower_value - hours[lower] * hourly)
        if loss <= 0.0:
            return 0.0
        rel = loss / (1.0 if cost < 1.0 else cost) * self.model.p.resistance_loss_slope
        return self.sigma * (rel if rel < 1.0 else 1.0)

    def outreach(self, product: int) -> float:
        """Effort to draw in clients for a product: spare places times orientation (M9)."""
        cap = self.capacity[product]
        if cap <= 0.0:
            return 0.0
        spare = max(0.0, cap - len(self.clients[product])) / cap
        return spare * (self.model.p.outreach_base + self.sigma)

    # --- monthly and quarterly bookkeeping -------------------------------------------------------

    def deliver(self, terms: Terms, rules_of: dict[int, int]) -> tuple[float, float]:
        """Deliver this month's care; book its cost and administration (M2, M5, M19).

        Args:
            terms: The contract terms in force: what is declared per client-month (M19),
                reporting (M2) and subcontracting (M5).
            rules_of: Contract rules of each municipality, by its id (M2).

        Returns:
            (indicated hours, delivered hours) this month.
        """
        p, design, rule = self.model.p, terms.design, terms.rule
        care_cost = indicated = delivered = admin_hours = 0.0
        municipalities = {muni_id for muni_id, _ in self.buyer_pairs}
        systems = len(municipalities) if not p.shared_admin_system else 1
        ratios, costs = self.ratio, self.hourly_terms()
        client_admin = (p.declaration_hours if rule.declares else 0.0) \
            + (p.hour_registration_hours if rule.per_hour else 0.0)
        sub_admin = design.subcontract_admin_hours
        for (_, product, level, _, sub), line in self.book.items():
            done = line.planned_hours * ratios[product][level]
            indicated += line.indicated_hours
            delivered += done
            base, weight = costs[product]
            care_cost += done * (base * (1.0 + weight * (line.complexity / line.clients
                                                         - MEAN_COMPLEXITY)))
            admin_hours += line.clients * client_admin * systems
            if sub:
                admin_hours += line.clients * sub_admin
        rules = sum([rules_of[i] for i in municipalities]) / len(municipalities) \
            if municipalities else 0.0
        admin_hours += delivered * (design.reporting_share + rules * p.rule_admin_share)
        admin_hours += self.paperwork * systems
        self.paperwork = 0.0
        admin_cost = admin_hours * p.admin_hour_cost
        self.cost_month = care_cost + admin_cost
        self.admin_month = admin_cost
        self.care_cost_month = care_cost
        self.mean_ratio = delivered / indicated if indicated > 0 else 1.0
        return indicated, delivered

    def settle_month(self) -> None:
        """Book revenue against cost into the reserve and the running margin."""
        margin = self.revenue_month - self.cost_month
        self.reserve += margin
        self.revenue_year += self.revenue_month
        self.cost_year += self.cost_month
        base = max(self.cost_month, self.revenue_month, 1.0)
        if self.cost_month > 0.0 or self.revenue_month > 0.0:
            self.margin_rate += self.model.p.margin_smoothing * (margin / base - self.margin_rate)

    def adapt_orientation(self, trust_in_buyers: float) -> None:
        """Drift strategic orientation towards its target (M3 control spiral, M6).

        Distrust of the municipalities and financial pressure raise the target above the
        provider's own base orientation.
        """
        p = self.model.p
        pressure = min(1.0, max(0.0, -self.margin_rate * p.pressure_per_loss))
        target = self.base_sigma + p.sigma_distrust_weight * (p.trusted_level - trust_in_buyers) \
            + p.sigma_pressure_weight * pressure
        target = min(1.0, max(0.0, target))
        self.sigma = min(1.0, max(0.0, self.sigma + p.sigma_adaptation * (target - self.sigma)))

    def innovate(self, trust_in_buyers: float, contract_years: float, peers: float) -> None:
        """Invest in new ways of working (M11), or let innovation decay (M1).

        Investment needs trust, a contract long enough to earn it back and a margin; strong
        collaboration ties let innovation spread between partners (M10, M11).

        Args:
            trust_in_buyers: Mean trust in its buyers.
            contract_years: Years of contract the investment can be earned back over.
            peers: Innovation its partners can pass on (:meth:`peer_innovation`).
        """
        p = self.model.p
        horizon = min(1.0, contract_years / p.innovation_payback_years)
        margin_ok = 1.0 if self.margin_rate >= -0.01 else p.innovation_under_loss
        client_focus = 1.0 - p.innovation_orientation_drag * self.sigma
        invest = p.innovation_rate * trust_in_buyers * horizon * margin_ok * client_focus
        spread = p.innovation_spread * p.innovation_rate * peers
        change = invest * (1.0 - self.innovation) + spread - p.innovation_decay * self.innovation
        self.innovation = min(1.0, max(0.0, self.innovation + change))

    def peer_innovation(self) -> float:
        """Innovation its partners can pass on: ties times how far they are ahead (M10, M11).

        ``min(1, sum of tie strength x max(0, partner's innovation - its own))``: more and
        stronger collaboration ties, with partners further ahead, spread more.
        """
        pull = 0.0
        providers = self.model.market.provider_by_id
        for other, strength in self.model.net.out_values(self.unique_id, "collaboration").items():
            q = providers.get(other)
            if q is not None and q.innovation > self.innovation:
                pull += strength * (q.innovation - self.innovation)
        return min(1.0, pull)

    def work_with(self, other: Provider, strength: float) -> None:
        """Contact around a client builds a collaboration tie both ways (M10, M11)."""
        if other is self or strength <= 0.0:
            return
        net = self.model.net
        net.event(self.unique_id, other.unique_id, "collaboration", strength)
        net.event(other.unique_id, self.unique_id, "collaboration", strength)

    def referral(self, pool: list[Provider], product: int, tried: set[int]) -> Provider | None:
        """A partner it would refer a client to that it does not take itself (M10).

        The strongest collaboration tie to an untried provider of ``pool`` with room, taken
        with a chance equal to the tie's strength.
        """
        ties = self.model.net.out_values(self.unique_id, "collaboration")
        if not ties:
            return None
        best, strength = None, 0.0
        for q in pool:
            tie = ties.get(q.unique_id, 0.0)
            if tie > strength and q.unique_id not in tried and q.free_places(product) >= 1.0:
                best, strength = q, tie
        if best is not None and self.model.draws.random() < strength:
            return best
        return None

    def adjust_capacity(self) -> None:
        """Quarterly capacity decision: grow, shrink, or stop intake (M6, M18).

        A provider that is nearly full and earns its costs adds places, but not beyond the
        places it agreed to in a capacity plan (M15); one with long-idle places sheds some; one
        losing money stops intake (cliëntenstop) by closing its free places rather than
        running down its reserve.
        """
        p = self.model.p
        losing = self.margin_rate < -p.intake_stop_loss
        for product in self.offers:
            cap = self.capacity[product]
            used = len(self.clients[product])
            if cap <= 0.0:
                continue
            if losing:
                self.capacity[product] = max(1.0, min(cap, float(used)))
            elif used >= p.growth_occupancy * cap and self.margin_rate >= -p.growth_loss_limit:
                grown = cap + max(1.0, p.growth_step * cap)
                self.capacity[product] = min(grown, self.agreed_places.get(product, grown))
            elif used < p.idle_occupancy * cap and cap > MIN_PLACES:
                self.capacity[product] = max(MIN_PLACES, cap * p.idle_shrink_factor)

    def main_buyer(self, buyers: dict[tuple[int, int], ContractSet],
                   default: ContractSet) -> ContractSet:
        """The contract set it earns most from: the buyer of most of its clients (M4, M6).

        Its payment rule, tariff and ceiling set the provider's delivery policy.

        Args:
            buyers: Contract set per (municipality id, product).
            default: The buyer of a provider without clients (the region).
        """
        counts: dict[str, int] = {}
        sets: dict[str, ContractSet] = {}
        for pair, n in self.buyer_pairs.items():
            buyer = buyers[pair]
            counts[buyer.key] = counts.get(buyer.key, 0) + n
            sets[buyer.key] = buyer
        if not counts:
            return default
        return sets[max(counts, key=lambda k: (counts[k], k))]

    def agree_capacity_plan(self, cut: float, trust_in_buyer: float) -> list[Resident]:
        """Carry out an agreed cut of protected-living places (M15).

        A provider that trusts the buyer carries out the whole cut, one that does not only
        ``capacity_plan_partial`` of it; the places it keeps are the most it will grow to.

        Args:
            cut: The agreed yearly reduction of places (share).
            trust_in_buyer: Its trust in the municipality that asks for the cut.

        Returns:
            Residents beyond the reduced places, lightest need first: they move out.
        """
        p = self.model.p
        pl = PROTECTED_LIVING.index
        agreed = cut if trust_in_buyer >= p.capacity_plan_trust else cut * p.capacity_plan_partial
        self.capacity[pl] = max(0.0, self.capacity[pl] * (1.0 - agreed))
        self.agreed_places[pl] = self.capacity[pl]
        excess = len(self.clients[pl]) - int(self.capacity[pl])
        if excess <= 0:
            return []
        return sorted(self.clients[pl], key=lambda r: (r.need, r.unique_id))[:excess]

    def should_exit(self) -> bool:
        """Leave the market when the reserve has run below the exit threshold."""
        monthly = max(self.cost_month, 1000.0)
        return self.reserve < self.model.p.exit_reserve_months * monthly
