"""WmoModel: municipalities, providers, access workers and residents under a contract design.

One step is one month. The schedule (DESIGN section 6, documented in ``docs/ODD.md``):

1. demographics and need onset;
2. agenda events (outcome checks, reviews falling due, general provisions ending, relapses,
   moves and deaths);
3. residents with an unmet need decide to apply;
4. access workers assess applicants;
5. providers set their delivery policy;
6. access workers place indicated residents (refusals cost access time);
7. access workers review due indications (skipped when time runs out);
8. providers deliver; municipalities pay; provider finances;
9. municipalities observe providers; trust and strategic orientation update;
10. quarterly: dialogue, rules, innovation, capacity, regional cohesion, market entry and exit;
11. yearly: budgets, tariffs, lumpsum settlement, protected-living capacity plan, population,
    procurement rounds when contracts end, regime switches;
12. drift of the network, data collection.

The order in which municipalities take their access and policy decisions, and in which providers
set their delivery policy and invest, is shuffled each time with the model's generator; residents
apply in the order their need arose. Everything random comes from the model's generators.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import mesa
import numpy as np

from agents_model import metrics
from agents_model.agents.access_worker import AccessWorker
from agents_model.agents.municipality import Municipality
from agents_model.agents.provider import Provider
from agents_model.agents.resident import Resident
from agents_model.contracts import (
    Account,
    ContractDesign,
    ContractSet,
    payment_rule,
    procurement_rule,
    reference_fee,
)
from agents_model.events import Event, describe
from agents_model.network import TrustNetwork
from agents_model.products import (
    DAY_ACTIVITIES,
    HOUSEHOLD_HELP,
    INDIVIDUAL_SUPPORT,
    LEVELS,
    PRODUCTS,
    PROTECTED_LIVING,
    STATES,
    level_for_need,
)
from agents_model.scenario import Scenario, load_scenario

__all__ = ["WmoModel"]

REFERENCE_VALUES: tuple[tuple[float, ...], ...] = tuple(
    tuple(reference_fee(product, level, 1.0) for level in LEVELS) for product in PRODUCTS)
"""Reference price of a month of full care per product and level."""
KIND_SIZE = {"large": (40.0, 0.5), "medium": (10.0, 0.5), "small": (1.5, 0.8),
             "cooperative": (14.0, 0.3)}


class WmoModel(mesa.Model):
    """The Wmo governance model.

    Args:
        scenario: A :class:`Scenario`, a path or bare name of a region file, or None for the
            built-in defaults (one municipality of 50,000).
        rng: Seed or numpy Generator; all randomness comes from it.
        **overrides: Parameter values by name (validated like scenario values).

    Attributes:
        network: The trust and collaboration graph (networkx DiGraph).
        datacollector: Monthly KPIs (model reporters) and the yearly provider table.
        config: The validated scenario.
        p: Parameter values as attributes.
        design: The contract design in force.
        municipalities: Municipality agents.
        providers: Provider agents in the market.
        month: Months simulated.
    """

    def __init__(self, scenario: Scenario | str | Path | None = None, rng: Any = None,
                 **overrides: Any) -> None:
        super().__init__(rng=rng)
        if scenario is None:
            scenario = Scenario()
        elif not isinstance(scenario, Scenario):
            scenario = load_scenario(scenario)
        if overrides:
            scenario = scenario.with_overrides(overrides)
        self.config = scenario
        self.p = SimpleNamespace(**scenario.values)
        self.month = 0
        self.month_stats: Counter = Counter()
        self.rolling: list[Counter] = []
        self.state_counts: Counter = Counter({s: 0 for s in STATES})
        self.unmet: dict[Resident, None] = {}
        self.agenda: dict[int, list[tuple[Resident, str, int]]] = {}
        self.event_log: list[Event] = []
        self.removed_revenue = 0.0
        self.books_closed = False
        self.need_sum = 0.0
        self.need_count = 0
        self.apply_design(scenario.values)
        self.net = TrustNetwork(self.p.trust_build, self.p.trust_erosion, self.p.trust_baseline,
                                self.p.trust_drift)
        self.network = self.net.graph
        self.demand_pull = [1.0] * len(PRODUCTS)
        self.providers_offering: list[list[Provider]] = [[] for _ in PRODUCTS]
        self._pick_cache: dict[tuple[str, int], tuple[list[Provider], list[float]]] = {}
        self._pool_positions: dict[int, tuple[list[Provider], list[Provider],
                                              dict[int, tuple[int, Provider]] | None]] = {}
        self._buyer_signature: tuple[str, ...] = ()
        self.contract_sets: dict[str, ContractSet] = {}
        self.municipalities: list[Municipality] = []
        self.providers: list[Provider] = []
        self.setup_municipalities()
        self.muni_by_id = {m.unique_id: m for m in self.municipalities}
        self.setup_providers()
        self.provider_by_id = {q.unique_id: q for q in self.providers}
        self.setup_budgets(0)
        self.setup_contracts()
        self.setup_caseload()
        self.finish_setup()
        self.serving: dict[int, set[Provider]] = {}
        self.kpis: dict[str, float] = {}
        self.budget_month = sum(m.budget for m in self.municipalities) / 12.0
        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(metrics.kpi, name=name) for name in metrics.KPI_NAMES},
            tables={"providers": list(metrics.PROVIDER_COLUMNS)},
        )
        self.kpis = metrics.snapshot(self)
        self.datacollector.collect(self)

    # --- set-up ---------------------------------------------------------------------------------

    def apply_design(self, values: dict[str, Any]) -> None:
        """Put a contract design in force (payment and procurement rules from its levers)."""
        self.design = ContractDesign.from_values(values)
        self.rule = payment_rule(self.design.funding, values)
        self.procurement = procurement_rule(self.design)
        self._payment_values: dict[tuple[int, int, float], float] = {}
        self._payment_tables: dict[float, tuple[tuple[float, ...], ...]] = {}

    @property
    def year(self) -> int:
        """Calendar year of the current (last simulated) month."""
        return self.p.start_year + max(0, self.month - 1) // 12

    def setup_municipalities(self) -> None:
        """Create municipalities, their access teams and their cohesion ties."""
        p = self.p
        for spec in self.config.municipalities:
            m = Municipality(self, spec)
            self.municipalities.append(m)
            self.net.add_node(m.unique_id, "municipality", m.name)
            fte = p.access_fte_per_10k * m.inhabitants() / 10_000.0 * p.population_scale
            n = max(1, round(fte))
            for _ in range(n):
                worker = AccessWorker(self, m, float(self.rng.uniform(0.4, 0.9)))
                worker.full_hours = p.worker_hours * fte / n
                worker.relations = {}
                m.workers.append(worker)
        for a, b in itertools.permutations(self.municipalities, 2):
            self.net.link(a.unique_id, b.unique_id, "cohesion", p.initial_cohesion)
        self.central = next((m for m in self.municipalities if m.central), self.municipalities[0])

    def setup_providers(self) -> None:
        """Create the provider field: household help, support/day activities, protected living."""
        p = self.p
        groups = (
            (p.providers_household_help, (HOUSEHOLD_HELP.index,), ()),
            (p.providers_support, (INDIVIDUAL_SUPPORT.index, DAY_ACTIVITIES.index), ()),
            (p.providers_protected_living, (PROTECTED_LIVING.index,), (INDIVIDUAL_SUPPORT.index,)),
        )
        self.size_weight: dict[int, float] = {}
        for count, offers, extra in groups:
            for _ in range(count):
                u = self.rng.random()
                kind = "large" if u < p.share_large else \
                    "medium" if u < p.share_large + p.share_medium else "small"
                self.new_provider(kind, self.draw_offers(kind, offers, extra))
        for _ in range(p.cooperatives):
            self.new_provider("cooperative", [INDIVIDUAL_SUPPORT.index, DAY_ACTIVITIES.index])

    def draw_offers(self, kind: str, offers: tuple[int, ...], extra: tuple[int, ...]) -> list[int]:
        """Products a new provider offers (large ones more often offer two)."""
        both = {"large": 0.75, "medium": 0.5, "small": 0.2, "cooperative": 1.0}[kind]
        chosen = list(offers)
        if len(offers) == 2 and self.rng.random() >= both:
            chosen = [offers[0] if self.rng.random() < 0.65 else offers[1]]
        if extra and self.rng.random() < both * 0.6:
            chosen += list(extra)
        return chosen

    def new_provider(self, kind: str, offers: list[int], entrant: bool = False) -> Provider:
        """Create a provider with kind-typical size, cost, orientation and reserve."""
        p = self.p
        mean, spread = KIND_SIZE[kind]
        if entrant:
            mean, spread = 1.0, 0.5
        size = float(self.rng.lognormal(np.log(mean), spread))
        sigma = getattr(p, f"sigma_{kind}")
        sigma = float(np.clip(sigma + self.rng.normal(0.0, 0.08), 0.0, 1.0))
        cost_factor = float(max(0.7, 1.0 + self.rng.normal(0.0, p.cost_spread)))
        innovation = float(np.clip(p.initial_innovation + self.rng.normal(0.0, 0.05), 0.0, 1.0))
        capacity = [0.0] * len(PRODUCTS)
        for i in offers:
            capacity[i] = size
        provider = Provider(self, kind, offers, capacity, cost_factor, sigma, innovation, 0.0,
                            pool_bonus=float(p.pooling_clients) if kind == "cooperative" else 0.0)
        self.size_weight[provider.unique_id] = size
        self.providers.append(provider)
        for i in offers:
            self.providers_offering[i].append(provider)
        self.net.add_node(provider.unique_id, "provider", provider.label)
        return provider

    def setup_budgets(self, years: int) -> None:
        """Set each municipality's yearly Wmo budget from the national fund (M18, T4)."""
        p = self.p
        growth = (1.0 + p.fund_growth / 100.0) ** years
        per_head = p.budget_per_inhabitant * p.population_scale * growth
        total = sum(m.inhabitants() for m in self.municipalities) * per_head
        for m in self.municipalities:
            m.budget = m.inhabitants() * per_head * (1.0 - p.protected_living_budget_share)
            if m is self.central:
                m.budget += total * p.protected_living_budget_share
            m.gp_places = self.design.social_base_investment * m.inhabitants() * \
                p.population_scale / 12.0 / p.general_provision_cost

    def setup_contracts(self) -> None:
        """Hold the first procurement round: the region and any municipality on its own."""
        self.contract_sets["region"] = ContractSet("region", tariff=self.design.tariff_factor)
        for m in self.municipalities:
            if not m.in_region:
                self.contract_sets[f"m{m.unique_id}"] = ContractSet(
                    f"m{m.unique_id}", tariff=self.design.tariff_factor)
        for key in list(self.contract_sets):
            self.procure(key, initial=True)

    def buyer_municipalities(self, key: str) -> list[Municipality]:
        """Municipalities whose residents a contract set serves (protected living: all)."""
        if key == "region":
            return [m for m in self.municipalities if m.in_region]
        return [m for m in self.municipalities if f"m{m.unique_id}" == key]

    def buyer_lead(self, key: str) -> Municipality:
        """The municipality that negotiates for a contract set (the central one for the region)."""
        members = self.buyer_municipalities(key)
        if key == "region" or not members:
            return self.central
        return members[0]

    def setup_caseload(self) -> None:
        """Create the inherited caseload: residents already in care at the start (M1)."""
        p = self.p
        for m in self.municipalities:
            for product in PRODUCTS:
                for band in range(3):
                    rate = self.onset_rate(product, band) / 12.0 * self.stock_months(band) \
                        * p.initial_stock_factor
                    n = int(self.rng.poisson(rate * m.population[band + 1] / 1000.0
                                             * p.population_scale))
                    for _ in range(n):
                        resident = self.new_resident(m, band, product)
                        self.start_initial_care(resident)

    def stock_months(self, band: int) -> float:
        """Expected months in care of a new client of an age band (steady-state caseload)."""
        p = self.p
        suffix = ("18_64", "65_74", "75")[band]
        stay = 1.0 / max(getattr(p, f"exit_{suffix}"), 1e-3)
        chronic = getattr(p, f"chronic_share_{suffix}")
        return chronic * stay + (1.0 - chronic) * min(stay, p.non_chronic_months)

    def finish_setup(self) -> None:
        """Fit places to the inherited caseload and allot the first budgets."""
        for q in self.providers:
            for i in q.offers:
                q.capacity[i] = round(len(q.clients[i]) * 1.25) + 1.0
            monthly = sum(q.client_cost(key[1], key[2], 0.3) * line[0]
                          for key, line in q.book.items())
            q.reserve = self.p.reserve_months * max(monthly, 2000.0 * self.p.population_scale)
        for buyer in self.contract_sets.values():
            self.set_allotments(buyer, initial=True)

    def start_initial_care(self, resident: Resident) -> None:
        """Put an inherited client with a provider of the buyer, weighted by historical size."""
        product = resident.product.index
        buyer = resident.municipality.contract_set(product)
        pool = buyer.members[product] or self.providers_offering[product]
        if not pool:
            return
        weights = [self.size_weight[q.unique_id] for q in pool]
        provider = self.random.choices(pool, weights=weights)[0]
        resident.level = level_for_need(max(resident.need, 0.36))
        resident.indicated_hours = resident.hours_for(resident.level)
        resident.set_state("in_care")
        provider.add_client(resident)
        resident.review_month = int(self.rng.integers(1, self.p.review_interval + 1))
        resident.schedule(resident.review_month, "review")
        resident.schedule_check()

    # --- residents ------------------------------------------------------------------------------

    def onset_rate(self, product, band: int) -> float:
        """Yearly onset of need per 1,000 adults of a band, with trends (M9, M18, T2)."""
        p = self.p
        suffix = ("18_64", "65_74", "75")[band]
        rate = getattr(p, f"onset_{product.key}_{suffix}")
        years = min(self.month / 12.0, p.extramuralisation_years)
        if product in (INDIVIDUAL_SUPPORT, DAY_ACTIVITIES):
            rate *= (1.0 + p.extramuralisation / 100.0) ** years
        return rate

    def new_resident(self, m: Municipality, band: int, product) -> Resident:
        """Create a resident with a new need; schedule her moving away or dying."""
        p = self.p
        rng = self.rng
        need = float(0.3 + 0.7 * rng.beta(2.0, 2.2))
        complexity = float(rng.beta(1.6, 3.0))
        if product is PROTECTED_LIVING:
            need = max(need, 0.6)
            complexity = float(min(1.0, complexity + 0.3))
        network = float(rng.uniform(0.0, 1.0))
        chronic = bool(rng.random() < getattr(p, f"chronic_share_{('18_64', '65_74', '75')[band]}"))
        resident = Resident(self, m, band, product, need, complexity, network, chronic)
        hazard = getattr(p, f"exit_{('18_64', '65_74', '75')[band]}")
        if hazard > 0.0:
            self.agenda_add(self.month + int(rng.geometric(hazard)), resident, "exit", -1)
        return resident

    def agenda_add(self, month: int, resident: Resident, kind: str, version: int) -> None:
        """Put a resident's event on the agenda for ``month``."""
        self.agenda.setdefault(month, []).append((resident, kind, version))

    def process_agenda(self) -> None:
        """Handle this month's events; events made stale by a state change are dropped."""
        for resident, kind, version in self.agenda.pop(self.month, ()):
            if kind == "exit":
                resident.die_or_move()
            elif version == resident.version:
                resident.on_event(kind)

    def apply_onset(self) -> None:
        """Need onset in every municipality, age band and product (M18, T5)."""
        p = self.p
        copay = 1.0
        if p.flat_copayment_year and self.year >= p.flat_copayment_year:
            copay = 1.0 + p.copayment_effect
        munis = list(self.municipalities)
        self.random.shuffle(munis)
        for m in munis:
            for product in PRODUCTS:
                for band in range(3):
                    rate = self.onset_rate(product, band) / 12.0 / 1000.0
                    if product is HOUSEHOLD_HELP:
                        rate *= copay
                    n = int(self.rng.poisson(rate * m.population[band + 1] * p.population_scale))
                    for _ in range(n):
                        self.new_resident(m, band, product)

    def update_demand_pull(self) -> None:
        """Providers' outreach per product draws in applications (M9 supply creates demand)."""
        p = self.p
        for product in PRODUCTS:
            pool = self.providers_offering[product.index]
            effort = sum(q.outreach(product.index) for q in pool)
            self.demand_pull[product.index] = 1.0 + p.supply_induced * np.log1p(effort / 10.0)

    def residents_apply(self) -> None:
        """Residents with an unmet need decide whether to apply (M9)."""
        for resident in list(self.unmet):
            resident.update_need()
            resident.consider_applying()

    # --- placement support ----------------------------------------------------------------------

    def weighted_pick(self, pool: list[Provider], product: int, tried: set[int],
                      pgb: bool, exponent: float | None = None) -> Provider | None:
        """Pick a provider from ``pool`` weighted by caseload size (blind to free places).

        The weight is (1 + clients) ** ``exponent`` (default ``size_preference``).
        """
        exponent = self.p.size_preference if exponent is None else exponent
        key = (id(pool), product, exponent)
        cached = self._pick_cache.get(key)
        if cached is None or cached[0] is not pool:
            cum = list(itertools.accumulate((1.0 + len(q.clients[product])) ** exponent
                                            for q in pool))
            cached = (pool, cum)
            self._pick_cache[key] = cached
        _, cum = cached
        if not cum or len(tried) >= len(pool):
            return None
        for _ in range(8):
            i = bisect.bisect_right(cum, self.random.random() * cum[-1])
            q = pool[min(i, len(pool) - 1)]
            if q.unique_id not in tried:
                return q
        rest = [q for q in pool if q.unique_id not in tried]
        return self.random.choice(rest) if rest else None

    def pool_positions(self, pool: list[Provider]) -> dict[int, tuple[int, Provider]] | None:
        """Position and provider by unique id in ``pool`` (None if a provider occurs twice).

        Kept while the pool holds the same providers in the same order.
        """
        kept = self._pool_positions.get(id(pool))
        if kept is None or kept[0] is not pool or kept[1] != pool:
            positions = {q.unique_id: (i, q) for i, q in enumerate(pool)}
            kept = (pool, list(pool), positions if len(positions) == len(pool) else None)
            self._pool_positions[id(pool)] = kept
        return kept[2]

    def free_places(self, product: int) -> float:
        """Free places for a product over all contracted providers of the region."""
        return sum(max(0.0, q.free_places(product))
                   for q in self.contract_sets["region"].members[product])

    def record_refusal(self, provider: Provider, resident: Resident) -> None:
        """A refusal with room left: access reports it, municipal trust suffers (M4)."""
        self.month_stats["refusals"] += 1
        if resident.complexity >= 0.5:
            self.month_stats["complex_refusals"] += 1
        self.net.event(resident.municipality.unique_id, provider.unique_id, "trust",
                       -0.3 * (0.5 + resident.complexity))

    # --- delivery and money ---------------------------------------------------------------------

    def reference_value(self, product: int, level: int) -> float:
        """Reference price of a month of full care (production value under a lumpsum)."""
        return REFERENCE_VALUES[product][level]

    def payment_value(self, product: int, level: int, tariff: float) -> float:
        """What a month of full care at ``level`` is worth under the payment rule at ``tariff``.

        Under a fixed budget this is the reference value; otherwise the rule's production
        value of the level's standard hours. Headroom under a budget is not included.
        """
        key = (product, level, tariff)
        value = self._payment_values.get(key)
        if value is None:
            if self.rule.fixed_budget:
                value = self.reference_value(product, level)
            else:
                prod = PRODUCTS[product]
                value = self.rule.production_value(prod, level, prod.hours[level], tariff,
                                                   self.design.level_tariff_gap)
            self._payment_values[key] = value
        return value

    def payment_table(self, tariff: float) -> tuple[tuple[float, ...], ...]:
        """:meth:`payment_value` at ``tariff`` for every product (outer) and level (inner)."""
        table = self._payment_tables.get(tariff)
        if table is None:
            table = self._payment_tables[tariff] = tuple(
                tuple(self.payment_value(product.index, level, tariff) for level in LEVELS)
                for product in PRODUCTS)
        return table

    def buyer_keys(self) -> dict[tuple[int, int], ContractSet]:
        """The contract set serving each (municipality id, product index)."""
        return {(m.unique_id, product.index): m.contract_set(product.index)
                for m in self.municipalities for product in PRODUCTS}

    def main_buyer(self, provider: Provider,
                   buyers: dict[tuple[int, int], ContractSet] | None = None,
                   signature: tuple[str, ...] | None = None) -> ContractSet:
        """The contract set a provider earns most from (its payment rule and ceiling).

        Args:
            provider: The provider.
            buyers: Contract set per (municipality id, product), as from :meth:`buyer_keys`.
            signature: The keys of ``buyers`` as one tuple object; with it the answer is kept
                until the provider's book or the signature object changes.
        """
        if not provider.book:
            return self.contract_sets["region"]
        kept = provider.main_buyer_memo
        if signature is not None and kept is not None and kept[1] is signature \
                and kept[0] == provider.book_version:
            return self.contract_sets[kept[2]]
        if buyers is None:
            buyers = self.buyer_keys()
        counts: dict[str, float] = {}
        for pair, n in provider.buyer_pairs.items():
            key = buyers[pair].key
            counts[key] = counts.get(key, 0) + n
        if len(counts) > 1:
            key = max(counts, key=lambda k: (counts[k], k))
        if signature is not None:
            provider.main_buyer_memo = (provider.book_version, signature, key)
        return self.contract_sets[key]

    def transfer(self, m: Municipality, provider: Provider, amount: float,
                 buyer: ContractSet | None = None, product: int = -1) -> None:
        """Pay ``amount`` from a municipality to a provider (negative: a claw-back).

        After the month's books are closed (sanctions, year-end settlements) the money goes
        straight into the provider's reserve and yearly revenue.
        """
        self.book_payment(m, provider, amount, None if buyer is None else buyer.account(provider),
                          product)

    def book_payment(self, m: Municipality, provider: Provider, amount: float,
                     acc: Account | None, product: int) -> None:
        """Book a payment in the month's statistics, both parties' books and the account."""
        stats = self.month_stats
        stats["spend"] += amount
        if product == PROTECTED_LIVING.index:
            stats["spend_protected_living"] += amount
        m.spend_year += amount
        m.spend_total += amount
        provider.revenue_total += amount
        if self.books_closed:
            provider.reserve += amount
            provider.revenue_year += amount
        else:
            provider.revenue_month += amount
        if acc is not None:
            acc.paid += amount

    def deliver_and_pay(self) -> None:
        """Providers deliver; municipalities pay by the payment rule; finances settle."""
        indicated = delivered = 0.0
        serving: dict[int, set[Provider]] = {m.unique_id: set() for m in self.municipalities}
        for provider in self.providers:
            provider.revenue_month = 0.0
            i, d = provider.deliver()
            indicated += i
            delivered += d
        buyers = self.buyer_keys()
        prices: dict[tuple[float, int, int], tuple[float, float]] = {}
        for provider in self.providers:
            self.pay_provider(provider, buyers, prices, serving)
        self.pay_fixed_budgets()
        for provider in self.providers:
            provider.settle_month()
        self.books_closed = True
        self.month_stats["hours_indicated"] += indicated
        self.month_stats["hours_delivered"] += delivered
        self.serving = serving

    def pay_provider(self, provider: Provider, buyers: dict[tuple[int, int], ContractSet],
                     prices: dict[tuple[float, int, int], tuple[float, float]],
                     serving: dict[int, set[Provider]]) -> None:
        """Pay a provider for the month's delivery, line by line of its book.

        Each payment is booked as :meth:`book_payment` books it, in the same order; the
        provider's own revenue sums are kept in local variables meanwhile (a lead's share goes
        to another provider).

        Args:
            provider: The provider.
            buyers: Contract set per (municipality id, product), as from :meth:`buyer_keys`.
            prices: Hourly rate and client fee per (tariff, product, level), filled as needed.
            serving: Providers each paying municipality works with, updated here.
        """
        if self.books_closed:
            raise RuntimeError("pay_provider called after the month's books were closed")
        design, muni_by_id, stats = self.design, self.muni_by_id, self.month_stats
        central, pl = self.central, PROTECTED_LIVING.index
        ceiling = design.budget_ceiling > 0.0
        ratios, uid = provider.ratio, provider.unique_id
        revenue_total, revenue_month = provider.revenue_total, provider.revenue_month
        for (muni_id, product, level, pgb, sub), (n, hours, _, _) in provider.book.items():
            m = muni_by_id[muni_id]
            ratio = ratios[product][level]
            if pgb:
                amount = hours * ratio * PRODUCTS[product].cost_per_hour * design.pgb_tariff_factor
                acc = None
                payer = m
            else:
                buyer = buyers[muni_id, product]
                payer = central if product == pl else m
                serving[payer.unique_id].add(provider)
                acc = buyer.accounts.get(uid)
                if acc is None:
                    acc = buyer.account(provider)
                acc.production += n * REFERENCE_VALUES[product][level] * ratio
                key = (buyer.tariff, product, level)
                price = prices.get(key)
                if price is None:
                    price = prices[key] = self.prices(product, level, buyer.tariff)
                amount = price[0] * hours * ratio + n * price[1]
                if amount <= 0.0:
                    continue
                if ceiling:
                    amount = self.apply_ceiling(provider, buyer, acc, amount)
                if sub:
                    lead = buyer.leads[product]
                    if lead is not None and lead is not provider and lead.active:
                        self.transfer(payer, lead, amount * design.lead_overhead, buyer, product)
                        amount *= 1.0 - design.lead_overhead
            stats["spend"] += amount
            if product == pl:
                stats["spend_protected_living"] += amount
            payer.spend_year += amount
            payer.spend_total += amount
            revenue_total += amount
            revenue_month += amount
            if acc is not None:
                acc.paid += amount
        provider.revenue_total, provider.revenue_month = revenue_total, revenue_month

    def prices(self, product: int, level: int, tariff: float) -> tuple[float, float]:
        """Hourly rate and monthly client fee the payment rule pays at ``tariff``."""
        prod = PRODUCTS[product]
        return (self.rule.hour_rate(prod, tariff),
                self.rule.client_fee(prod, level, tariff, self.design.level_tariff_gap))

    def apply_ceiling(self, provider: Provider, buyer: ContractSet, acc, amount: float) -> float:
        """Cap a payment at the provider's budget ceiling; unpaid work erodes trust (M4)."""
        ceiling = self.design.budget_ceiling
        if ceiling <= 0.0 or acc.allotted <= 0.0:
            return amount
        room = ceiling * acc.allotted - acc.paid
        if amount <= room:
            return amount
        paid = max(0.0, room)
        if self.month_stats.get(("unpaid", provider.unique_id)) is None:
            self.month_stats[("unpaid", provider.unique_id)] = 1
            self.net.event(provider.unique_id, self.buyer_lead(buyer.key).unique_id, "trust", -0.3)
        return paid

    def pay_fixed_budgets(self) -> None:
        """Monthly instalments of lumpsum budgets and capitation shares (M4, M11).

        A lumpsum instalment is shared among the municipalities by their residents' share of
        the provider's caseload (protected living: the central municipality); a capitation by
        their share of the pot's budget.
        """
        if not (self.rule.fixed_budget or self.rule.capitation):
            return
        for key, buyer in self.contract_sets.items():
            members = self.buyer_municipalities(key) or [self.central]
            for provider in sorted(buyer.providers(), key=lambda q: q.unique_id):
                acc = buyer.account(provider)
                if acc.allotted <= 0.0 or not provider.active:
                    continue
                for m, product, share in self.payer_shares(provider, buyer, members):
                    self.transfer(m, provider, acc.allotted / 12.0 * share, buyer, product)

    def payer_shares(self, provider: Provider, buyer: ContractSet, members: list[Municipality]
                     ) -> list[tuple[Municipality, int, float]]:
        """Who pays which share of a provider's fixed payment, and for which product.

        A lumpsum is shared by the caseload's value per municipality and product (protected
        living: the central municipality); a capitation, or a lumpsum without clients, by the
        members' budgets.
        """
        if self.rule.fixed_budget:
            weights: dict[tuple[int, int], float] = {}
            for (muni_id, product, level, pgb, _), line in provider.book.items():
                m = self.muni_by_id[muni_id]
                if pgb or m.contract_set(product).key != buyer.key:
                    continue
                payer = self.central if product == PROTECTED_LIVING.index else m
                key = (payer.unique_id, product)
                weights[key] = weights.get(key, 0.0) + \
                    line[0] * self.reference_value(product, level)
            total = sum(weights.values())
            if total > 0.0:
                return [(self.muni_by_id[i], product, w / total)
                        for (i, product), w in sorted(weights.items())]
        budget = sum(m.budget for m in members) or 1.0
        return [(m, -1, m.budget / budget) for m in members]

    def contracted_ids(self) -> set[int]:
        """Ids of every provider holding a contract with any buyer."""
        return {q.unique_id for buyer in self.contract_sets.values() for q in buyer.providers()}

    def sanction(self, m: Municipality, provider: Provider, severity: float) -> None:
        """A detected breach under a contract with sanctions: a claw-back (M17)."""
        fine = min(provider.revenue_month, severity * provider.revenue_month)
        if fine > 0.0:
            self.transfer(m, provider, -fine)
            self.month_stats["sanctions"] += 1
            self.net.event(provider.unique_id, m.unique_id, "trust", -0.2)

    def mean_rules_for(self, provider: Provider) -> float:
        """Mean number of rules of the municipalities a provider works for (M2, M3)."""
        return self.mean_rules_of({muni_id for muni_id, _ in provider.buyer_pairs})

    def mean_rules_of(self, ids: set[int]) -> float:
        """Mean number of rules of the municipalities with the given ids (0 for none)."""
        if not ids:
            return 0.0
        muni_by_id = self.muni_by_id
        return sum([muni_by_id[i].rules for i in ids]) / len(ids)

    # --- observation and trust ------------------------------------------------------------------

    def observe_and_adapt(self) -> None:
        """Municipalities observe providers; providers adapt their orientation (M2, M3, M10)."""
        contracted: dict[str, int] = {}
        for m in self.shuffled(self.municipalities):
            providers = sorted(self.serving.get(m.unique_id, ()), key=lambda q: q.unique_id)
            buyer = m.contract_set(INDIVIDUAL_SUPPORT.index)
            n_contracted = contracted.get(buyer.key)
            if n_contracted is None:
                n_contracted = contracted[buyer.key] = len(buyer.providers())
            detection = m.detection(max(1, n_contracted))
            for provider in providers:
                share = provider.upcoded_clients / max(1, provider.n_clients())
                m.observe(provider, detection, share)
        for provider in self.providers:
            provider.adapt_orientation(self.trust_of_provider(provider))

    def trust_of_provider(self, provider: Provider) -> float:
        """Mean trust of a provider in the municipalities it has ties with."""
        return self.net.mean_out(provider.unique_id, "trust")

    def detection_for(self, provider: Provider, buyer: ContractSet) -> float:
        """Chance a provider expects its main buyer to see under-delivery (M2, M10, M17)."""
        lead = self.buyer_lead(buyer.key)
        return lead.detection(max(1, len(buyer.providers())))

    def providers_decide(self) -> None:
        """Providers set their delivery policy for the month (M6, M8, M17)."""
        self._pick_cache.clear()
        self._pool_positions.clear()
        buyers = self.buyer_keys()
        signature = tuple(buyer.key for buyer in buyers.values())
        if signature != self._buyer_signature:
            self._buyer_signature = signature
        signature = self._buyer_signature
        detection: dict[str, float] = {}
        for provider in self.shuffled(self.providers):
            buyer = self.main_buyer(provider, buyers, signature)
            provider.buyer_key = buyer.key
            chance = detection.get(buyer.key)
            if chance is None:
                chance = detection[buyer.key] = self.detection_for(provider, buyer)
            provider.decide_delivery(buyer, chance)

    # --- quarterly ------------------------------------------------------------------------------

    def quarterly(self) -> None:
        """Dialogue, rules, innovation, capacity, cohesion, entry and exit."""
        for m in self.shuffled(self.municipalities):
            contracted = sorted(m.contract_set(INDIVIDUAL_SUPPORT.index).providers(),
                                key=lambda q: q.unique_id)
            m.hold_dialogue(contracted)
            m.consider_rules(contracted)
        for provider in self.shuffled(self.providers):
            buyer = self.contract_sets.get(getattr(provider, "buyer_key", "region")) or \
                self.contract_sets["region"]
            years_left = max(0.0, (buyer.end_month - self.month) / 12.0)
            provider.innovate(self.trust_of_provider(provider), max(years_left, 0.5),
                              self.peer_innovation(provider))
            provider.adjust_capacity()
        self.update_cohesion()
        self.market_exit()
        self.market_entry()

    def peer_innovation(self, provider: Provider) -> float:
        """Collaboration-weighted innovation of a provider's partners (M10, M11)."""
        ties = self.net.out_values(provider.unique_id, "collaboration")
        if not ties:
            return 0.0
        total = weight = 0.0
        for other, strength in ties.items():
            q = self.provider_by_id.get(other)
            if q is not None:
                total += strength * q.innovation
                weight += strength
        return total / weight if weight else 0.0

    def update_cohesion(self) -> None:
        """Regional cohesion erodes under pressure, dominance and slow decisions (M16)."""
        p = self.p
        region = [m for m in self.municipalities if m.in_region]
        n = len(region)
        if n < 2:
            return
        pops = {m.unique_id: m.inhabitants() for m in region}
        total = sum(pops.values())
        largest = max(region, key=lambda m: (pops[m.unique_id], -m.unique_id))
        dominance = max(0.0, pops[largest.unique_id] / total - 1.0 / n)
        delay = p.approval_weeks * n / 13.0
        for a in region:
            for b in region:
                if a is b:
                    continue
                pressure = max(0.0, a.deficit, b.deficit)
                event = -p.cohesion_pressure_weight * 0.3 * min(1.0, 2.0 * pressure) \
                    - p.cohesion_delay_weight * 0.15 * min(2.0, max(0.0, delay - 1.0))
                if b is largest:
                    event -= p.cohesion_dominance_weight * 0.5 * dominance
                event = max(-1.0, event)
                if event < 0.0:
                    self.net.event(a.unique_id, b.unique_id, "cohesion", event)
        for m in region:
            others = [self.net.value(m.unique_id, o.unique_id, "cohesion") for o in region
                      if o is not m]
            m.satisfaction = sum(others) / len(others) * (1.0 - 0.5 * max(0.0, m.deficit))
            m.dissatisfied_quarters = m.dissatisfied_quarters + 1 \
                if m.satisfaction < p.leave_threshold else 0
            if m.dissatisfied_quarters >= p.leave_quarters and not m.central:
                self.leave_region(m)

    def leave_region(self, m: Municipality) -> None:
        """A dissatisfied municipality leaves the joint procurement and buys alone (M16)."""
        m.in_region = False
        key = f"m{m.unique_id}"
        self.contract_sets[key] = ContractSet(key, tariff=self.contract_sets["region"].tariff)
        self.log("municipality_left", municipality=m.name)
        self.procure(key)

    def market_exit(self) -> None:
        """Providers whose reserve ran out leave the market; their clients are re-placed."""
        for provider in list(self.providers):
            if provider.should_exit():
                self.remove_provider(provider)

    def remove_provider(self, provider: Provider) -> None:
        """Take a provider out of the market, re-placing its clients with priority."""
        for product in provider.offers:
            for resident in list(provider.clients[product]):
                provider.remove_client(resident)
                resident.update_need()
                resident.set_state("waiting_placement")
                resident.placement_attempts = 0
                resident.municipality.placement_list.insert(0, resident)
        for buyer in self.contract_sets.values():
            for i, group in enumerate(buyer.members):
                buyer.remove(provider, i)
                if buyer.leads[i] is provider:
                    buyer.leads[i] = max(group, key=lambda q: (q.total_capacity(), -q.unique_id)) \
                        if group else None
        for i in provider.offers:
            self.providers_offering[i].remove(provider)
        provider.active = False
        self.providers.remove(provider)
        self.provider_by_id.pop(provider.unique_id, None)
        self.removed_revenue += provider.revenue_total
        self.net.remove_node(provider.unique_id)
        self.log("provider_left", provider=provider.label, provider_kind=provider.kind,
                 provider_id=provider.unique_id)
        provider.remove()

    def market_entry(self) -> None:
        """Would-be entrants arrive; where entry is open they join at once (M1, M9, M10)."""
        p = self.p
        n = int(self.rng.poisson(p.entry_rate / 4.0))
        for _ in range(n):
            attractive = min(1.0, self.contract_sets["region"].tariff)
            if self.rng.random() > attractive:
                continue
            u = self.rng.random()
            offers = [HOUSEHOLD_HELP.index] if u < 0.2 else \
                [PROTECTED_LIVING.index] if u < 0.27 else \
                [INDIVIDUAL_SUPPORT.index] if u < 0.75 else [DAY_ACTIVITIES.index]
            kind = "small" if self.rng.random() < 0.85 else "medium"
            provider = self.new_provider(kind, offers, entrant=True)
            provider.reserve = 20_000.0 * p.population_scale
            provider.capacity = [max(2.0, 3.0 * p.population_scale * 10) if c > 0 else 0.0
                                 for c in provider.capacity]
            self.provider_by_id[provider.unique_id] = provider
            self.log("provider_entered", provider=provider.label, provider_kind=provider.kind,
                     provider_id=provider.unique_id)
            if self.procurement.entry_any_time:
                for key, buyer in self.contract_sets.items():
                    for i in offers:
                        self.admit(key, buyer, provider, i)

    def admit(self, key: str, buyer: ContractSet, provider: Provider, product: int) -> None:
        """Give a provider a contract for a product with a buyer (and the trust ties)."""
        buyer.add(provider, product)
        for m in self.buyer_municipalities(key) or [self.central]:
            self.net.link(m.unique_id, provider.unique_id, "trust", self.p.initial_trust)
            self.net.link(provider.unique_id, m.unique_id, "trust", self.p.initial_trust)

    # --- procurement ----------------------------------------------------------------------------

    def procure(self, key: str, initial: bool = False) -> None:
        """Hold a procurement round for a contract set by the rules of the form (M1, M10, M11).

        Providers bid for the products they offer; the procurement rule admits, selects or
        groups them. Dropped providers lose their contracts (their contracted clients are
        re-placed); kept ones gain trust; bidding costs contract-management time.
        """
        buyer = self.contract_sets[key]
        lead_m = self.buyer_lead(key)
        trust = self.net.out_values(lead_m.unique_id, "trust")
        old = [list(group) for group in buyer.members]
        rule = self.procurement
        bidders = 0
        for product in PRODUCTS:
            if key != "region" and product is PROTECTED_LIVING:
                continue
            candidates = list(self.providers_offering[product.index])
            bidders += len(candidates)
            chosen, lead = rule.select(candidates, trust)
            buyer.clear(product.index)
            buyer.leads[product.index] = lead
            for q in chosen:
                self.admit(key, buyer, q, product.index)
            if lead is not None:
                for q in chosen:
                    if q is not lead:
                        self.net.set(q.unique_id, lead.unique_id, "collaboration", 0.8)
                        self.net.set(lead.unique_id, q.unique_id, "collaboration", 0.8)
        buyer.start_month = self.month
        buyer.end_month = self.month + 12 * self.design.contract_years
        buyer.tariff = self.design.tariff_factor if initial else buyer.tariff
        self.set_allotments(buyer, initial)
        if initial:
            return
        members = self.buyer_municipalities(key) or [self.central]
        for m in members:
            m.procurement_load = min(0.8, m.procurement_load + self.design.procurement_hours *
                                     bidders / max(1.0, m.contract_capacity() * 3 + 1.0) * 0.1)
        for product in PRODUCTS:
            now = buyer.members[product.index]
            for q in old[product.index]:
                kept = q in now
                for m in members:
                    self.net.event(q.unique_id, m.unique_id, "trust", 0.3 if kept else -1.0)
                if not kept:
                    self.drop_contract(q, product.index, key)
        self.log("procurement_round", procurement=self.design.procurement,
                 funding=self.design.funding,
                 buyer="the region" if key == "region" else lead_m.name)

    def drop_contract(self, provider: Provider, product: int, key: str) -> None:
        """Clients of a provider that lost its contract are re-placed (not PGB clients)."""
        for resident in list(provider.clients[product]):
            if resident.pgb or resident.municipality.contract_set(product).key != key:
                continue
            provider.remove_client(resident)
            resident.update_need()
            resident.set_state("waiting_placement")
            resident.placement_attempts = 0
            resident.municipality.placement_list.insert(0, resident)

    def set_allotments(self, buyer: ContractSet, initial: bool) -> None:
        """Allot each contracted provider its expected yearly revenue (lumpsum: its budget).

        History decides: last year's paid amount, or at the start the inherited caseload's
        value; a capitation is shared in proportion to capacity (M1, M4).
        """
        members = sorted(buyer.providers(), key=lambda q: q.unique_id)
        if self.rule.capitation:
            pot = self.capitation_pot(buyer.key)
            caps = {q.unique_id: sum(q.capacity[i] for i in range(len(PRODUCTS))
                                     if buyer.has(q, i)) for q in members}
            total = sum(caps.values()) or 1.0
            for q in members:
                buyer.account(q).allotted = pot * caps[q.unique_id] / total
            return
        for q in members:
            acc = buyer.account(q)
            if initial or acc.allotted <= 0.0:
                acc.allotted = 12.0 * self.caseload_value(q, buyer)
            acc.paid = acc.production = 0.0

    def caseload_value(self, provider: Provider, buyer: ContractSet) -> float:
        """Reference monthly value of a provider's caseload for a buyer."""
        value = 0.0
        for (muni_id, product, level, pgb, _), line in provider.book.items():
            if pgb:
                continue
            if self.muni_by_id[muni_id].contract_set(product).key == buyer.key:
                value += line[0] * self.reference_value(product, level) * buyer.tariff
        return value

    def capitation_pot(self, key: str) -> float:
        """Yearly population budget a buyer shares among its partners (its care budget)."""
        members = self.buyer_municipalities(key) or [self.central]
        return 0.92 * sum(m.budget for m in members)

    # --- yearly ---------------------------------------------------------------------------------

    def annually(self) -> None:
        """Budgets, tariffs, settlement, capacity plan, population, procurement, switches."""
        years = self.month // 12
        next_year = self.p.start_year + years
        self.record_provider_table()
        self.settle_budgets()
        deficits = {m.unique_id: m.close_year() for m in self.municipalities}
        for m in self.municipalities:
            m.age_population(years)
            if m.spec.joins_year and m.spec.joins_year == next_year and not m.in_region:
                m.in_region = True
                self.contract_sets.pop(f"m{m.unique_id}", None)
                self.log("municipality_joined", municipality=m.name)
        self.setup_budgets(years)
        self.set_tariffs(deficits)
        self.apply_capacity_plan()
        for switch in self.config.switches:
            if switch.calendar_year(self.p.start_year) == next_year:
                self.switch_regime(switch.values)
        for key, buyer in list(self.contract_sets.items()):
            if buyer.end_month <= self.month:
                self.procure(key)
            else:
                self.set_allotments(buyer, initial=False)

    def settle_budgets(self) -> None:
        """Year-end settlement: lumpsum production within the bandwidth is paid (M4).

        Production below the lower band is clawed back, above the upper band it is not paid;
        next year's budget follows what was paid (history, M1).
        """
        bw = self.design.lumpsum_bandwidth
        for key, buyer in self.contract_sets.items():
            members = self.buyer_municipalities(key) or [self.central]
            for provider in sorted(buyer.providers(), key=lambda q: q.unique_id):
                acc = buyer.account(provider)
                if self.rule.fixed_budget and acc.allotted > 0.0:
                    target = min(max(acc.production, acc.allotted * (1 - bw)),
                                 acc.allotted * (1 + bw))
                    adjust = target - acc.allotted
                    for m, product, share in self.payer_shares(provider, buyer, members):
                        self.transfer(m, provider, adjust * share, buyer, product)
                    if acc.production > acc.allotted * (1 + bw):
                        for m in members:
                            self.net.event(provider.unique_id, m.unique_id, "trust", -0.4)
                    acc.allotted = target
                elif not self.rule.capitation and acc.paid > 0.0:
                    acc.allotted = max(acc.paid, acc.production * buyer.tariff)
                acc.paid = acc.production = 0.0

    def set_tariffs(self, deficits: dict[int, float]) -> None:
        """Yearly tariff decision of each buyer, weighing budget against shortage (M18, M3).

        A buyer in deficit cuts tariffs (at most ``max_tariff_cut`` a year, never below
        ``tariff_floor`` x the contract's tariff factor); one whose residents wait for want of
        providers raises them; one with room restores them towards the contract's level.
        """
        p = self.p
        factor = self.design.tariff_factor
        for key, buyer in self.contract_sets.items():
            members = self.buyer_municipalities(key) or [self.central]
            spend = sum((1.0 + deficits[m.unique_id]) * m.budget for m in members)
            budget = sum(m.budget for m in members) or 1.0
            deficit = spend / budget - 1.0
            waiting = sum(1 for m in members for r in m.placement_list
                          if r.state == "waiting_placement")
            in_care = sum(q.n_clients() for q in buyer.providers()) or 1
            old = buyer.tariff
            if waiting / in_care > p.shortage_waiting_share:
                buyer.tariff = min(1.25 * factor, old * 1.03)
            elif deficit > 0.0:
                cut = min(p.max_tariff_cut, p.deficit_tariff_cut * deficit)
                buyer.tariff = max(p.tariff_floor * factor, old * (1.0 - cut))
            elif deficit < -0.05:
                buyer.tariff = min(factor, old * 1.02)
            if abs(buyer.tariff - old) > 1e-9:
                sign = -1.0 if buyer.tariff < old else 0.3
                for q in buyer.providers():
                    for m in members:
                        self.net.event(q.unique_id, m.unique_id, "trust", sign)
                change = 100 * (buyer.tariff / old - 1)
                self.log("tariff_cut" if change < 0 else "tariff_raised", percent=abs(change),
                         buyer="the region" if key == "region" else members[0].name)

    def apply_capacity_plan(self) -> None:
        """The central municipality's agreed reduction of protected-living places (M15).

        Providers that trust the central municipality carry out the agreed cut; others carry
        out half. Residents beyond the reduced places step down to individual support at home
        (with the same provider if it offers it, otherwise via placement).
        """
        cut = self.design.capacity_plan / 100.0
        if cut <= 0.0:
            return
        pl = PROTECTED_LIVING.index
        for provider in list(self.providers_offering[pl]):
            trust = self.net.value(provider.unique_id, self.central.unique_id, "trust")
            agreed = cut if trust >= 0.4 else cut * 0.5
            provider.capacity[pl] = max(0.0, provider.capacity[pl] * (1.0 - agreed))
            excess = len(provider.clients[pl]) - int(provider.capacity[pl])
            if excess <= 0:
                continue
            movers = sorted(provider.clients[pl], key=lambda r: (r.need, r.unique_id))[:excess]
            for resident in movers:
                self.step_down_from_protected_living(resident, provider)

    def step_down_from_protected_living(self, resident: Resident, provider: Provider) -> None:
        """Move a protected-living resident to individual support at home (M15)."""
        provider.remove_client(resident)
        resident.update_need()
        resident.product = INDIVIDUAL_SUPPORT
        resident.level = level_for_need(max(resident.need, 0.36))
        resident.indicated_hours = resident.hours_for(resident.level)
        self.month_stats["step_downs"] += 1
        if INDIVIDUAL_SUPPORT.index in provider.offers:
            provider.add_client(resident)
            return
        resident.set_state("waiting_placement")
        resident.placement_attempts = 0
        resident.municipality.placement_list.insert(0, resident)

    def switch_regime(self, values: dict[str, Any]) -> None:
        """Change the contract design (regime change): re-procure everything at once."""
        new_values = dict(self.config.values)
        new_values.update({k: getattr(self.p, k) for k in new_values})
        new_values.update(values)
        for k, v in values.items():
            setattr(self.p, k, v)
        self.apply_design(new_values)
        self.log("regime_change", procurement=self.design.procurement,
                 funding=self.design.funding)
        for key in list(self.contract_sets):
            self.contract_sets[key].tariff = self.design.tariff_factor
            self.procure(key)
        for m in self.municipalities:
            for q in self.providers:
                if self.network.has_edge(q.unique_id, m.unique_id):
                    self.net.event(q.unique_id, m.unique_id, "trust", -0.5)

    def record_provider_table(self) -> None:
        """Append each provider's year to the ``providers`` table."""
        contracted = self.contracted_ids()
        for q in self.providers:
            revenue = q.revenue_year
            self.datacollector.add_table_row("providers", {
                "year": self.year, "provider": q.unique_id, "kind": q.kind,
                "clients": q.n_clients(), "revenue": revenue,
                "margin": (revenue - q.cost_year) / revenue if revenue > 0 else 0.0,
                "sigma": q.sigma, "innovation": q.innovation,
                "contracted": q.unique_id in contracted,
                "products": ",".join(PRODUCTS[i].key for i in q.offers),
            })
            q.revenue_year = q.cost_year = 0.0

    # --- the month ------------------------------------------------------------------------------

    def shuffled(self, items: list) -> list:
        """A copy of ``items`` in an order drawn from the model's generator."""
        items = list(items)
        self.random.shuffle(items)
        return items

    def log(self, kind: str, **details: Any) -> None:
        """Record an event of ``kind`` (see :mod:`agents_model.events`) for the event log."""
        self.event_log.append(Event(self.month, kind, details))

    @property
    def events(self) -> list[tuple[int, str]]:
        """The event log as (month, English sentence) pairs."""
        return [(e.month, describe(e, self.p.start_year, with_date=False))
                for e in self.event_log]

    def begin_month(self) -> None:
        """Reset monthly counters, refresh lookups and access hours; apply worker turnover."""
        self.month_stats = Counter()
        self.books_closed = False
        self.budget_month = sum(m.budget for m in self.municipalities) / 12.0
        self.muni_by_id = {m.unique_id: m for m in self.municipalities}
        self.provider_by_id = {q.unique_id: q for q in self.providers}
        p = self.p
        for m in self.municipalities:
            m.start_month()
            for worker in m.workers:
                if self.random.random() < p.worker_turnover:
                    worker.leave_job(p.newcomer_knowledge)
                    self.month_stats["turnover"] += 1

    def step(self) -> None:
        """Simulate one month (see the module docstring for the order)."""
        self.month += 1
        self.begin_month()
        self.apply_onset()
        self.process_agenda()
        self.update_demand_pull()
        self.residents_apply()
        for m in self.shuffled(self.municipalities):
            m.assess_applicants()
        self.providers_decide()
        for m in self.shuffled(self.municipalities):
            m.place_waiting()
        for m in self.shuffled(self.municipalities):
            m.review_due()
        self.deliver_and_pay()
        self.observe_and_adapt()
        if self.month % 3 == 0:
            self.quarterly()
        if self.month % 12 == 0:
            self.annually()
        self.net.drift_all()
        self.rolling = (self.rolling + [self.month_stats])[-12:]
        self.kpis = metrics.snapshot(self)
        self.datacollector.collect(self)

    def run_years(self, years: float) -> None:
        """Run ``years`` x 12 monthly steps."""
        self.run_for(int(round(12 * years)))

    # --- outputs --------------------------------------------------------------------------------

    def kpi_frame(self):
        """Monthly KPIs as a DataFrame (one row per month, the start state first)."""
        df = self.datacollector.get_model_vars_dataframe()
        df.index.name = "month"
        return df.reset_index()

    def provider_frame(self):
        """The yearly provider table as a DataFrame."""
        return self.datacollector.get_table_dataframe("providers")
