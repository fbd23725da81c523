"""WmoModel: municipalities, providers, access workers and residents under a contract design.

One step is one month. The schedule (documented in ``docs/ODD.md``, section 3):

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
apply in the order their need arose. Everything random comes from one generator, ``model.rng``
(single draws through ``model.draws``, :mod:`agents_model.draws`).

The model keeps the set-up, this schedule and the outputs. Decisions are the agents' own
(``agents/``); money goes through the :class:`~agents_model.ledger.Ledger`, tallies through
:class:`~agents_model.stats.Stats`, the provider field and contracts live in the
:class:`~agents_model.market.Market`, onset of need in
:class:`~agents_model.demography.Demography`.
"""

from __future__ import annotations

import itertools
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import mesa
import numpy as np

from agents_model import metrics
from agents_model.agenda import Agenda
from agents_model.agents.access_worker import AccessWorker
from agents_model.agents.municipality import Municipality
from agents_model.agents.provider import Provider
from agents_model.contracts import ContractDesign, ContractSet, PaymentRule, Terms
from agents_model.demography import Demography
from agents_model.draws import Draws
from agents_model.events import Event, describe
from agents_model.ledger import Ledger
from agents_model.market import Market
from agents_model.network import TrustNetwork
from agents_model.params import age_bands, provider_kinds
from agents_model.products import (
    HOUSEHOLD_HELP,
    INDIVIDUAL_SUPPORT,
    PRODUCTS,
    PROTECTED_LIVING,
    Product,
)
from agents_model.scenario import Scenario, check_size, load_scenario
from agents_model.stats import Stats

__all__ = ["WmoModel"]


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
        kinds: Provider kinds by name (typed traits from the parameters).
        bands: Adult age bands, youngest first (onset, exit and chronic shares).
        terms: The contract terms in force (design, payment rule, procurement rule).
        municipalities: Municipality agents.
        market: Providers and contracts.
        ledger: Payments, budgets and settlements.
        stats: The month's tallies and residents per state.
        agenda: Residents' events by month.
        month: Months simulated.
    """

    def __init__(self, scenario: Scenario | str | Path | None = None, rng: Any = None,
                 **overrides: Any) -> None:
        super().__init__(rng=rng)
        self.draws = Draws(self.rng)
        if scenario is None:
            scenario = Scenario()
        elif not isinstance(scenario, Scenario):
            scenario = load_scenario(scenario)
        if overrides:
            scenario = scenario.with_overrides(overrides)
        check_size(scenario, scenario.region or "scenario")
        self.config = scenario
        self.p = SimpleNamespace(**scenario.values)
        self.kinds = provider_kinds(scenario.values)
        self.bands = age_bands(scenario.values, tuple(product.key for product in PRODUCTS))
        self.month = 0
        self.stats = Stats()
        self.agenda = Agenda()
        self.event_log: list[Event] = []
        self.terms = Terms(scenario.values)
        self.net = TrustNetwork(self.p.trust_build, self.p.trust_erosion, self.p.trust_baseline,
                                self.p.trust_drift, self.p.collaboration_decay)
        self.network = self.net.graph
        self.market = Market(self)
        self.ledger = Ledger(self)
        self.demography = Demography(self)
        self.municipalities: list[Municipality] = []
        self.setup_municipalities()
        self.muni_by_id = {m.unique_id: m for m in self.municipalities}
        self.market.create_field()
        self.setup_budgets(0)
        self.setup_contracts()
        self.demography.create_caseload()
        self.finish_setup()
        self.budget_month = sum(m.budget for m in self.municipalities) / 12.0
        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(metrics.kpi, name=name) for name in metrics.KPI_NAMES},
            tables={"providers": list(metrics.PROVIDER_COLUMNS)},
        )
        self.kpis = metrics.snapshot(self)
        self.datacollector.collect(self)

    # --- what the model holds -------------------------------------------------------------------

    @property
    def design(self) -> ContractDesign:
        """The contract levers in force."""
        return self.terms.design

    @property
    def rule(self) -> PaymentRule:
        """The payment rule in force."""
        return self.terms.rule

    @property
    def providers(self) -> list[Provider]:
        """Providers in the market."""
        return self.market.providers

    @property
    def contract_sets(self) -> dict[str, ContractSet]:
        """The contracts per buyer (``region``, ``m<id>``)."""
        return self.market.contract_sets

    @property
    def year(self) -> int:
        """Calendar year of the current (last simulated) month."""
        return self.p.start_year + max(0, self.month - 1) // 12

    # --- set-up ---------------------------------------------------------------------------------

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
                knowledge = self.rng.uniform(p.initial_knowledge_low, p.initial_knowledge_high)
                worker = AccessWorker(self, m, float(knowledge))
                worker.full_hours = p.worker_hours * fte / n
                m.workers.append(worker)
        for a, b in itertools.permutations(self.municipalities, 2):
            self.net.link(a.unique_id, b.unique_id, "cohesion", p.initial_cohesion)
        self.central = next((m for m in self.municipalities if m.central), self.municipalities[0])

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
        tariff = self.design.tariff_factor
        self.market.open_contracts("region", tariff)
        for m in self.municipalities:
            if not m.in_region:
                self.market.open_contracts(f"m{m.unique_id}", tariff)
        for key in list(self.contract_sets):
            self.market.procure(key, initial=True)

    def finish_setup(self) -> None:
        """Fit places to the inherited caseload, fund reserves and allot the first budgets."""
        p = self.p
        for q in self.providers:
            for i in q.offers:
                q.capacity[i] = round(len(q.clients[i]) * p.initial_spare_places) + 1.0
            monthly = sum(q.client_cost(key[1], key[2], MEAN_COMPLEXITY_AT_START) * line.clients
                          for key, line in q.book.items())
            q.reserve = p.reserve_months * max(monthly, p.minimum_monthly_cost * p.population_scale)
        for buyer in self.contract_sets.values():
            self.ledger.set_allotments(buyer, initial=True)

    # --- the month ------------------------------------------------------------------------------

    def step(self) -> None:
        """Simulate one month (see the module docstring for the order)."""
        self.month += 1
        self.begin_month()
        self.demography.apply_onset()
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
        self.stats.close_month()
        self.kpis = metrics.snapshot(self)
        self.datacollector.collect(self)

    def begin_month(self) -> None:
        """Open the month's tallies and books; access hours; worker turnover."""
        self.stats.start_month()
        self.ledger.open_month()
        self.market.start_month()
        self.budget_month = sum(m.budget for m in self.municipalities) / 12.0
        p = self.p
        for m in self.municipalities:
            m.start_month()
            for worker in m.workers:
                if self.draws.random() < p.worker_turnover:
                    worker.leave_job(p.newcomer_knowledge)
                    self.stats.count("turnover")

    def process_agenda(self) -> None:
        """Handle this month's events; events made stale by a state change are dropped."""
        for resident, kind, version in self.agenda.due(self.month):
            if kind == "exit":
                resident.die_or_move()
            elif version == resident.version:
                resident.on_event(kind)

    def update_demand_pull(self) -> None:
        """Outreach of the providers residents can use draws in applications (M9).

        Each municipality feels the pull of the providers contracted for it, and of the
        others only through the personal budget (:meth:`Market.usable_outreach`).
        """
        p = self.p
        pulls: dict[tuple[str, int], float] = {}
        for m in self.municipalities:
            for product in PRODUCTS:
                buyer = m.contract_set(product.index)
                key = (buyer.key, product.index)
                pull = pulls.get(key)
                if pull is None:
                    effort = self.market.usable_outreach(buyer, product.index)
                    pull = pulls[key] = 1.0 + p.supply_induced * np.log1p(effort / p.outreach_unit)
                m.demand_pull[product.index] = pull

    def residents_apply(self) -> None:
        """Residents with an unmet need decide whether to apply (M9)."""
        for resident in list(self.stats.unmet):
            resident.update_need()
            resident.consider_applying()

    def providers_decide(self) -> None:
        """Providers set their delivery policy for their main buyer (M6, M8, M17).

        The chance of being seen is the main buyer's lead's, worked out once per buyer.
        """
        buyers = self.market.buyers_by_pair()
        region = self.contract_sets["region"]
        detection: dict[str, float] = {}
        for provider in self.shuffled(self.providers):
            buyer = provider.main_buyer(buyers, region)
            provider.buyer_key = buyer.key
            chance = detection.get(buyer.key)
            if chance is None:
                lead = self.market.buyer_lead(buyer.key)
                chance = detection[buyer.key] = lead.detection(max(1, len(buyer.providers())))
            provider.decide_delivery(buyer, chance)

    def deliver_and_pay(self) -> None:
        """Providers deliver; municipalities pay by the payment rule; finances settle."""
        indicated = delivered = 0.0
        rules_of = {m.unique_id: m.rules for m in self.municipalities}
        for provider in self.providers:
            provider.revenue_month = 0.0
            i, d = provider.deliver(self.terms, rules_of)
            indicated += i
            delivered += d
        self.ledger.pay_month(self.providers)
        for provider in self.providers:
            provider.settle_month()
        self.ledger.close_month()
        self.stats.count("hours_indicated", indicated)
        self.stats.count("hours_delivered", delivered)

    def observe_and_adapt(self) -> None:
        """Municipalities observe providers; providers adapt their orientation (M2, M3, M10)."""
        contracted: dict[str, int] = {}
        for m in self.shuffled(self.municipalities):
            providers = sorted(self.ledger.serving.get(m.unique_id, ()), key=lambda q: q.unique_id)
            buyer = m.contract_set(INDIVIDUAL_SUPPORT.index)
            n_contracted = contracted.get(buyer.key)
            if n_contracted is None:
                n_contracted = contracted[buyer.key] = len(buyer.providers())
            detection = m.detection(max(1, n_contracted))
            for provider in providers:
                m.observe(provider, provider.conduct(), detection)
        for provider in self.providers:
            provider.adapt_orientation(self.net.mean_out(provider.unique_id, "trust"))

    # --- quarterly ------------------------------------------------------------------------------

    def quarterly(self) -> None:
        """Dialogue, rules, innovation, capacity, cohesion, entry and exit."""
        for m in self.shuffled(self.municipalities):
            contracted = sorted(m.contract_set(INDIVIDUAL_SUPPORT.index).providers(),
                                key=lambda q: q.unique_id)
            m.hold_dialogue(contracted)
            m.consider_rules(contracted)
        for provider in self.shuffled(self.providers):
            buyer = self.contract_sets.get(provider.buyer_key) or \
                self.contract_sets["region"]
            years_left = max(0.0, (buyer.end_month - self.month) / 12.0)
            provider.innovate(self.net.mean_out(provider.unique_id, "trust"),
                              max(years_left, 0.5), provider.peer_innovation())
            provider.adjust_capacity()
        self.market.compete()
        self.update_cohesion()
        self.market.exit()
        self.market.entry()

    def update_cohesion(self) -> None:
        """Each member weighs its partners; a dissatisfied one leaves the region (M16)."""
        region = [m for m in self.municipalities if m.in_region]
        n = len(region)
        if n < 2:
            return
        pops = {m.unique_id: m.inhabitants() for m in region}
        largest = max(region, key=lambda m: (pops[m.unique_id], -m.unique_id))
        dominance = max(0.0, pops[largest.unique_id] / sum(pops.values()) - 1.0 / n)
        delay = self.p.approval_weeks * n / 13.0
        events = {m.unique_id: m.partner_events(region, largest, dominance, delay)
                  for m in region}
        if not self.p.pair_cohesion:
            mean = sum(e for towards in events.values() for e in towards.values()) \
                / (n * (n - 1))
            events = {m: {b: mean for b in towards} for m, towards in events.items()}
        for m in region:
            m.weigh_partners(events[m.unique_id])
        for m in region:
            if m.wants_to_leave(region):
                if self.p.partial_exit and not m.local_products:
                    self.leave_for(m, HOUSEHOLD_HELP)
                else:
                    self.leave_region(m)

    def leave_for(self, m: Municipality, product: Product) -> None:
        """A member buys one product alone and stays in the region for the rest (M16).

        The first step out: light care contracted locally, as Meierij's municipalities
        considered. A member still dissatisfied later leaves altogether.
        """
        m.local_products.add(product.index)
        m.dissatisfied_quarters = 0
        key = f"m{m.unique_id}"
        if key not in self.contract_sets:
            self.market.open_contracts(key, self.contract_sets["region"].tariff)
        self.log("municipality_left_for", municipality=m.name, product=product.key)
        self.market.procure(key)

    def leave_region(self, m: Municipality) -> None:
        """A municipality leaves the joint procurement and buys alone (M16)."""
        m.in_region = False
        shock = -self.p.cohesion_exit_shock
        stay = [o for o in self.municipalities if o.in_region]
        for a, b in itertools.permutations(stay, 2):
            self.net.event(a.unique_id, b.unique_id, "cohesion", shock)
        key = f"m{m.unique_id}"
        self.market.open_contracts(key, self.contract_sets["region"].tariff)
        self.log("municipality_left", municipality=m.name)
        self.market.procure(key)

    # --- yearly ---------------------------------------------------------------------------------

    def annually(self) -> None:
        """Budgets, tariffs, settlement, capacity plan, population, procurement, switches."""
        years = self.month // 12
        next_year = self.p.start_year + years
        self.record_provider_table()
        self.ledger.settle_year()
        for m in self.municipalities:
            m.close_year()
        for m in self.municipalities:
            m.age_population(years)
            if m.spec.joins_year and m.spec.joins_year == next_year and not m.in_region:
                m.in_region = True
                self.market.close_contracts(f"m{m.unique_id}")
                self.log("municipality_joined", municipality=m.name)
        self.setup_budgets(years)
        for key, buyer in self.contract_sets.items():
            self.market.buyer_lead(key).set_tariff(buyer, self.market.payers(key))
        self.central.carry_out_capacity_plan(self.market.offering[PROTECTED_LIVING.index])
        for switch in self.config.switches:
            if switch.calendar_year(self.p.start_year) == next_year:
                self.switch_regime(switch.values)
        for key, buyer in list(self.contract_sets.items()):
            if buyer.end_month <= self.month:
                self.market.procure(key)
            else:
                self.ledger.set_allotments(buyer, initial=False)

    def switch_regime(self, values: dict[str, Any]) -> None:
        """Change the contract design (regime change): re-procure everything at once.

        Under new funding the clients' indications are converted (M7).
        """
        old_funding = self.design.funding
        new_values = dict(self.config.values)
        new_values.update({k: getattr(self.p, k) for k in new_values})
        new_values.update(values)
        for k, v in values.items():
            setattr(self.p, k, v)
        self.terms = Terms(new_values)
        self.kinds = provider_kinds(new_values)
        self.bands = age_bands(new_values, tuple(product.key for product in PRODUCTS))
        for buyer in self.contract_sets.values():
            buyer.terms = self.terms
        self.log("regime_change", procurement=self.design.procurement,
                 funding=self.design.funding)
        for key in list(self.contract_sets):
            self.contract_sets[key].tariff = self.design.tariff_factor
            self.market.procure(key)
        for m in self.municipalities:
            for q in self.providers:
                if self.network.has_edge(q.unique_id, m.unique_id):
                    self.net.event(q.unique_id, m.unique_id, "trust", self.p.trust_regime_change)
        if self.design.funding != old_funding:
            for m in self.municipalities:
                clients, upcoded = m.convert_indications()
                self.log("indications_converted", municipality=m.name, clients=clients,
                         upcoded=upcoded)

    def record_provider_table(self) -> None:
        """Append each provider's year to the ``providers`` table; start their new year."""
        for row in metrics.provider_rows(self):
            self.datacollector.add_table_row("providers", row)
        for q in self.providers:
            q.revenue_year = q.cost_year = 0.0

    # --- helpers and outputs --------------------------------------------------------------------

    def shuffled(self, items: list) -> list:
        """A copy of ``items`` in an order drawn from the model's generator."""
        items = list(items)
        self.draws.shuffle(items)
        return items

    def log(self, kind: str, **details: Any) -> None:
        """Record an event of ``kind`` (see :mod:`agents_model.events`) for the event log."""
        self.event_log.append(Event(self.month, kind, details))

    @property
    def events(self) -> list[tuple[int, str]]:
        """The event log as (month, English sentence) pairs."""
        return [(e.month, describe(e, self.p.start_year, with_date=False))
                for e in self.event_log]

    def kpi_frame(self):
        """Monthly KPIs as a DataFrame (one row per month, the start state first)."""
        df = self.datacollector.get_model_vars_dataframe()
        df.index.name = "month"
        return df.reset_index()

    def provider_frame(self):
        """The yearly provider table as a DataFrame."""
        return self.datacollector.get_table_dataframe("providers")


MEAN_COMPLEXITY_AT_START = 0.3
"""Complexity at which the inherited caseload's monthly cost is reckoned (reserves)."""
