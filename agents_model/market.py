"""The market: the provider field, the buyers' contracts, entry, exit and procurement rounds.

The market keeps who offers what and who holds a contract with whom. What happens in it is
decided by the agents: a buyer's lead municipality chooses its contractors
(:meth:`Municipality.choose_contractors`), a provider leaves when its reserve runs out
(:meth:`Provider.should_exit`), would-be entrants come when the tariff attracts them (M1, M9,
M10). The market carries out what follows: contracts admitted and ended, clients of a provider
that lost its contract or left re-placed, trust ties created.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from agents_model.agents.provider import Provider
from agents_model.contracts import ContractSet
from agents_model.products import (
    DAY_ACTIVITIES,
    HOUSEHOLD_HELP,
    INDIVIDUAL_SUPPORT,
    PRODUCTS,
    PROTECTED_LIVING,
)

if TYPE_CHECKING:
    from agents_model.agents.municipality import Municipality
    from agents_model.model import WmoModel

__all__ = ["Market"]

PICK_TRIES = 8
"""Draws by size before the remaining untried providers are drawn from evenly."""
SIGMA_SPREAD = 0.08
"""Spread of a new provider's strategic orientation around its kind's mean."""
FIRST_OF_TWO = 0.65
"""Chance a provider of one of two support products offers the first (individual support)."""
EXTRA_PRODUCT = 0.6
"""Chance, relative to offering both, a protected-living provider also offers support."""
ENTRANT_PRODUCTS = ((0.2, HOUSEHOLD_HELP), (0.27, PROTECTED_LIVING), (0.75, INDIVIDUAL_SUPPORT))
"""Cumulative shares of entrants by the one product they offer; the rest offer day activities
(most new providers offer individual support, LEI annex 3)."""
MIN_ENTRANT_PLACES = 2.0
"""Fewest places an entrant opens, however small the simulated population."""


class Market:
    """Providers, what they offer, and the contracts each buyer holds.

    Attributes:
        providers: Provider agents in the market, in order of entry.
        provider_by_id: Providers by unique id.
        offering: Providers offering each product (by product index).
        contract_sets: The contracts per buyer: ``region`` and ``m<id>`` for a municipality
            buying on its own.
        size_weight: Historical size of each provider (weights the inherited caseload).
    """

    def __init__(self, model: WmoModel) -> None:
        self.model = model
        self.providers: list[Provider] = []
        self.provider_by_id: dict[int, Provider] = {}
        self.offering: list[list[Provider]] = [[] for _ in PRODUCTS]
        self.contract_sets: dict[str, ContractSet] = {}
        self.size_weight: dict[int, float] = {}
        self.kind_count: Counter[str] = Counter()
        self._sizes: dict[tuple[int, int, float], tuple[list[Provider], list[float]]] = {}

    # --- the provider field ---------------------------------------------------------------------

    def create_field(self) -> None:
        """Create the provider field: household help, support/day activities, protected living."""
        p, rng = self.model.p, self.model.rng
        groups = (
            (p.providers_household_help, (HOUSEHOLD_HELP.index,), ()),
            (p.providers_support, (INDIVIDUAL_SUPPORT.index, DAY_ACTIVITIES.index), ()),
            (p.providers_protected_living, (PROTECTED_LIVING.index,), (INDIVIDUAL_SUPPORT.index,)),
        )
        for count, offers, extra in groups:
            for _ in range(count):
                u = rng.random()
                kind = "large" if u < p.share_large else \
                    "medium" if u < p.share_large + p.share_medium else "small"
                self.create_provider(kind, self.draw_offers(kind, offers, extra))
        for _ in range(p.cooperatives):
            self.create_provider("cooperative", [INDIVIDUAL_SUPPORT.index, DAY_ACTIVITIES.index])

    def draw_offers(self, kind: str, offers: tuple[int, ...], extra: tuple[int, ...]) -> list[int]:
        """Products a new provider offers (large ones more often offer two)."""
        rng = self.model.rng
        both = self.model.kinds[kind].both_products
        chosen = list(offers)
        if len(offers) == 2 and rng.random() >= both:
            chosen = [offers[0] if rng.random() < FIRST_OF_TWO else offers[1]]
        if extra and rng.random() < both * EXTRA_PRODUCT:
            chosen += list(extra)
        return chosen

    def create_provider(self, kind: str, offers: list[int], entrant: bool = False) -> Provider:
        """Create a provider with kind-typical size, cost, orientation and reserve."""
        model = self.model
        p, rng = model.p, model.rng
        traits = model.kinds[kind]
        mean, spread = (p.size_entrant, p.size_spread_entrant) if entrant else \
            (traits.size, traits.size_spread)
        size = float(rng.lognormal(np.log(mean), spread))
        sigma = float(np.clip(traits.sigma + rng.normal(0.0, SIGMA_SPREAD), 0.0, 1.0))
        cost_factor = float(max(0.7, 1.0 + rng.normal(0.0, p.cost_spread)))
        innovation = float(np.clip(p.initial_innovation + rng.normal(0.0, 0.05), 0.0, 1.0))
        capacity = [0.0] * len(PRODUCTS)
        for i in offers:
            capacity[i] = size
        self.kind_count[kind] += 1
        provider = Provider(model, kind, offers, capacity, cost_factor, sigma, innovation, 0.0,
                            pool_bonus=traits.pooled_clients, number=self.kind_count[kind])
        self.size_weight[provider.unique_id] = size
        self.providers.append(provider)
        self.provider_by_id[provider.unique_id] = provider
        for i in offers:
            self.offering[i].append(provider)
        model.net.add_node(provider.unique_id, "provider", provider.label)
        return provider

    # --- buyers ---------------------------------------------------------------------------------

    def buyer_municipalities(self, key: str) -> list[Municipality]:
        """Municipalities whose residents a contract set serves (protected living: all)."""
        if key == "region":
            return [m for m in self.model.municipalities if m.in_region]
        return [m for m in self.model.municipalities if f"m{m.unique_id}" == key]

    def payers(self, key: str) -> list[Municipality]:
        """Municipalities that pay for a contract set (the central one if it serves none)."""
        return self.buyer_municipalities(key) or [self.model.central]

    def buyer_lead(self, key: str) -> Municipality:
        """The municipality that negotiates for a contract set (the central one for the region)."""
        members = self.buyer_municipalities(key)
        if key == "region" or not members:
            return self.model.central
        return members[0]

    def buyers_by_pair(self) -> dict[tuple[int, int], ContractSet]:
        """The contract set serving each (municipality id, product index)."""
        return {(m.unique_id, product.index): m.contract_set(product.index)
                for m in self.model.municipalities for product in PRODUCTS}

    def contracted_ids(self) -> set[int]:
        """Ids of every provider holding a contract with any buyer."""
        return {q.unique_id for buyer in self.contract_sets.values() for q in buyer.providers()}

    def open_contracts(self, key: str, tariff: float) -> ContractSet:
        """A buyer's empty contract set under the terms in force."""
        buyer = self.contract_sets[key] = ContractSet(key, tariff=tariff, terms=self.model.terms)
        return buyer

    def close_contracts(self, key: str) -> None:
        """A municipality's own contracts end as it joins the region."""
        self.contract_sets.pop(key, None)

    # --- contracts ------------------------------------------------------------------------------

    def admit(self, key: str, buyer: ContractSet, provider: Provider, product: int) -> None:
        """Give a provider a contract for a product with a buyer (and the trust ties)."""
        buyer.add(provider, product)
        self.deal_with(provider, self.payers(key))

    def deal_with(self, provider: Provider, municipalities: list[Municipality]) -> None:
        """Trust ties between a provider and the municipalities it has dealings with (M3).

        Bidders, contractors and providers serving personal-budget clients all have ties;
        a tie once made stays while both exist.
        """
        net, initial = self.model.net, self.model.p.initial_trust
        for m in municipalities:
            net.link(m.unique_id, provider.unique_id, "trust", initial)
            net.link(provider.unique_id, m.unique_id, "trust", initial)

    def end_contract(self, provider: Provider, product: int, key: str) -> None:
        """Clients of a provider that lost its contract move after a transition (M1).

        They stay with their provider for ``transition_months`` (the transition right), then
        their municipality places them again unless the provider holds a contract again.
        Personal-budget clients stay.
        """
        months = self.model.p.transition_months
        for resident in list(provider.clients[product]):
            if resident.pgb or resident.municipality.contract_set(product).key != key:
                continue
            if months > 0:
                resident.schedule(months, "transfer")
            else:
                resident.municipality.re_place(resident)

    def procure(self, key: str, initial: bool = False) -> None:
        """Hold a procurement round for a contract set by the rules of the form (M1, M10, M11).

        Providers bid for the products they offer; the buyer's lead municipality chooses
        (:meth:`Municipality.choose_contractors`). Dropped providers lose their contracts
        (their contracted clients are re-placed); kept ones gain trust; bidding costs
        contract-management time; a lead contractor and its members become partners.
        """
        model = self.model
        net, p, design = model.net, model.p, model.design
        buyer = self.contract_sets[key]
        lead_m = self.buyer_lead(key)
        members = self.payers(key)
        old = [list(group) for group in buyer.members]
        bidders: dict[int, Provider] = {}
        choices = []
        for product in PRODUCTS:
            if key != "region" and product is PROTECTED_LIVING:
                continue
            candidates = list(self.offering[product.index])
            bidders.update((q.unique_id, q) for q in candidates)
            volume = self.caseload(product.index, members)
            choices.append((product, lead_m.choose_contractors(candidates, members, volume)))
        for q in bidders.values():
            self.deal_with(q, members)
        for product, (chosen, lead) in choices:
            buyer.clear(product.index)
            buyer.leads[product.index] = lead
            for q in chosen:
                self.admit(key, buyer, q, product.index)
            for q in chosen:
                if lead is not None and q is not lead:
                    net.set(q.unique_id, lead.unique_id, "collaboration", p.consortium_tie)
                    net.set(lead.unique_id, q.unique_id, "collaboration", p.consortium_tie)
        buyer.start_month = model.month
        buyer.end_month = model.month + 12 * design.contract_years
        buyer.tariff = design.tariff_factor if initial else buyer.tariff
        model.ledger.set_allotments(buyer, initial)
        if initial:
            return
        for m in members:
            m.bear_procurement(len(bidders))
        contracted = buyer.providers()
        for q in bidders.values():
            q.hear_outcome(members, any(q in group for group in old), q in contracted)
        for product in PRODUCTS:
            now = buyer.members[product.index]
            for q in old[product.index]:
                if q not in now:
                    self.end_contract(q, product.index, key)
        model.log("procurement_round", procurement=design.procurement, funding=design.funding,
                  buyer="the region" if key == "region" else lead_m.name)

    def caseload(self, product: int, municipalities: list[Municipality]) -> float:
        """Clients of a product living in the given municipalities, with any provider."""
        ids = {m.unique_id for m in municipalities}
        return float(sum(line.clients for q in self.offering[product]
                         for key, line in q.book.items()
                         if key.product == product and key.municipality in ids))

    def compete(self) -> None:
        """Head-to-head competition wears collaboration ties (M10; competition blocks it).

        Providers contracted for the same product by the same buyer compete for the same
        clients; the more of them (up to ``competition_crowd``), the more each quarter wears
        the ties between them.
        """
        p, net = self.model.p, self.model.net
        if p.collaboration_competition <= 0.0:
            return
        for buyer in self.contract_sets.values():
            for members in buyer.members:
                if len(members) < 2:
                    continue
                wear = -p.collaboration_competition \
                    * min(1.0, (len(members) - 1) / p.competition_crowd)
                ids = {q.unique_id for q in members}
                for q in members:
                    for other in list(net.out_values(q.unique_id, "collaboration")):
                        if other in ids:
                            net.event(q.unique_id, other, "collaboration", wear)

    def usable_outreach(self, buyer: ContractSet, product: int) -> float:
        """Outreach for a product that reaches a buyer's residents (M9).

        Residents can use the providers contracted for their municipality; the others only
        with a personal budget, so their outreach counts with the personal-budget share.
        """
        contracted = buyer.members[product]
        effort = sum(q.outreach(product) for q in contracted)
        members = set(contracted)
        others = sum(q.outreach(product) for q in self.offering[product] if q not in members)
        return effort + self.model.design.pgb_share * others

    # --- entry and exit -------------------------------------------------------------------------

    def exit(self) -> None:
        """Providers whose reserve ran out leave the market; their clients are re-placed.

        A buyer left with too few contracted providers holds a new round at once.
        """
        left = False
        for provider in list(self.providers):
            if provider.should_exit():
                self.remove(provider)
                left = True
        if left:
            for key, buyer in list(self.contract_sets.items()):
                if self.buyer_lead(key).wants_new_round(buyer):
                    self.procure(key)

    def remove(self, provider: Provider) -> None:
        """Take a provider out of the market, re-placing its clients with priority."""
        model = self.model
        for product in provider.offers:
            for resident in list(provider.clients[product]):
                resident.municipality.re_place(resident)
        for buyer in self.contract_sets.values():
            for i, group in enumerate(buyer.members):
                buyer.remove(provider, i)
                if buyer.leads[i] is provider:
                    buyer.leads[i] = max(group, key=lambda q: (q.total_capacity(), -q.unique_id)) \
                        if group else None
        for i in provider.offers:
            self.offering[i].remove(provider)
        provider.active = False
        self.providers.remove(provider)
        self.provider_by_id.pop(provider.unique_id, None)
        model.ledger.removed_revenue += provider.revenue_total
        model.net.remove_node(provider.unique_id)
        model.log("provider_left", provider=provider.label, provider_kind=provider.kind,
                  provider_id=provider.unique_id, provider_number=provider.number)
        provider.remove()

    def entry(self) -> None:
        """Would-be entrants arrive; where entry is open they join at once (M1, M9, M10).

        An entrant comes with a chance equal to the joint tariff (capped at 1): a low tariff
        keeps newcomers out.
        """
        model = self.model
        p, rng = model.p, model.rng
        n = int(rng.poisson(p.entry_rate / 4.0))
        for _ in range(n):
            attractive = min(1.0, self.contract_sets["region"].tariff)
            if rng.random() > attractive:
                continue
            u = rng.random()
            offers = [next((product.index for share, product in ENTRANT_PRODUCTS if u < share),
                           DAY_ACTIVITIES.index)]
            kind = "small" if rng.random() < p.entrant_small_share else "medium"
            provider = self.create_provider(kind, offers, entrant=True)
            provider.reserve = p.entrant_reserve * p.population_scale
            provider.capacity = [max(MIN_ENTRANT_PLACES, p.entrant_places * p.population_scale)
                                 if c > 0 else 0.0 for c in provider.capacity]
            model.log("provider_entered", provider=provider.label, provider_kind=provider.kind,
                      provider_id=provider.unique_id, provider_number=provider.number)
            if model.terms.procurement.entry_any_time:
                for key, buyer in self.contract_sets.items():
                    for i in offers:
                        self.admit(key, buyer, provider, i)

    # --- the month's overview of providers ------------------------------------------------------

    def start_month(self) -> None:
        """Forget last month's overview of caseload sizes."""
        self._sizes = {}

    def pick_by_size(self, pool: list[Provider], product: int, tried: set[int],
                     exponent: float) -> Provider | None:
        """Pick a provider from ``pool`` weighted by caseload size (blind to free places).

        The weight is (1 + clients) ** ``exponent``, by the sizes of the month's waiting-list
        overview: taken the first time the pool is looked at in a month, so placements later
        in the month do not change it (M10).
        """
        key = (id(pool), product, exponent)
        kept = self._sizes.get(key)
        if kept is None or kept[0] is not pool:
            cum = list(itertools.accumulate((1.0 + len(q.clients[product])) ** exponent
                                            for q in pool))
            kept = self._sizes[key] = (pool, cum)
        cum = kept[1]
        if not cum or len(tried) >= len(pool):
            return None
        draws = self.model.draws
        for _ in range(PICK_TRIES):
            i = bisect.bisect_right(cum, draws.random() * cum[-1])
            q = pool[min(i, len(pool) - 1)]
            if q.unique_id not in tried:
                return q
        rest = [q for q in pool if q.unique_id not in tried]
        return rest[int(draws.random() * len(rest))] if rest else None

