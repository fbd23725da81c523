"""The municipality as a buyer: procurement, tariffs and the capacity plan (M1, M3, M15, M18).

A mixin of :class:`~agents_model.agents.municipality.Municipality`: the decisions a municipality
takes about the contracts it buys, kept apart from its access work, observation and dialogue.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from agents_model.contracts import Bid
from agents_model.directives import PARTNER_CHANGE
from agents_model.products import (
    INDIVIDUAL_SUPPORT,
    LIGHTEST_INDICATED_NEED,
    PRODUCTS,
    PROTECTED_LIVING,
    level_for_need,
)
from agents_model.records import Record

if TYPE_CHECKING:
    from agents_model.agents.municipality import Municipality
    from agents_model.agents.provider import Provider
    from agents_model.agents.resident import Resident
    from agents_model.contracts import ContractSet

__all__ = ["Buyer"]


class Buyer:
    """The buyer's decisions of a municipality (a mixin; ``self`` is a Municipality)."""

    def choose_contractors(self, candidates: list[Provider], members: list[Municipality],
                           volume: float = 0.0) -> tuple[list[Provider], Provider | None]:
        """Choose whom to contract for a product, by the procurement form's rule (M1, M10, M11).

        As the buyer's lead it weighs each bid on what the buyer can see
        (:meth:`assess_bid`), never on a bidder's hidden traits.

        Args:
            candidates: Providers bidding for the product.
            members: The municipalities that buy together (its own contract's payers).
            volume: Clients the contract must carry.

        Returns:
            The chosen providers and the lead contractor (None without a lead).
        """
        by_id = {q.unique_id: q for q in candidates}
        bids = [self.assess_bid(q.unique_id, *q.offer(), members) for q in candidates]
        rule = self.model.terms.procurement
        choice = self.directives.get("partners")
        if choice is not None and rule.keep is not None:  # a player decides (classroom mode)
            rule = replace(rule, keep=max(1, rule.keep + PARTNER_CHANGE[choice]))
        chosen, lead = rule.select(bids, volume)
        return [by_id[i] for i in chosen], by_id[lead] if lead is not None else None

    def assess_bid(self, provider_id: int, price: float, capacity: float,
                   members: list[Municipality]) -> Bid:
        """What the buyer knows of a bidder: trust, record and reputation (M1, M2, M16).

        Trust is the members' mean trust (a newcomer's where there is no tie); the record
        is the members' observations together; reputation is the record of the municipalities
        outside the contract, weighted by the members' cohesion with them.
        """
        p, net = self.model.p, self.model.net
        prior, weight_bad = p.record_prior, p.breach_weight
        trust = sum(net.value(m.unique_id, provider_id, "trust", p.newcomer_trust)
                    for m in members) / len(members)
        own = sum((m.records.get(provider_id, Record()) for m in members), Record())
        heard, weights = 0.0, 0.0
        for other in self.model.municipalities:
            if other in members:
                continue
            weight = sum(net.value(m.unique_id, other.unique_id, "cohesion", 0.0)
                         for m in members) / len(members)
            record = other.records.get(provider_id)
            if record is not None and weight > 0.0:
                heard += weight * record.score(prior, weight_bad)
                weights += weight
        return Bid(provider_id, price, capacity, trust, own.score(prior, weight_bad),
                   heard / weights if weights else 0.0)

    def wants_new_round(self, buyer: ContractSet) -> bool:
        """Whether market exits left too few contracted providers for a product (M1).

        Under a selective form, a product offered by others but held by fewer than
        ``retender_share`` of the intended number of providers calls for a new round.
        """
        model = self.model
        keep = model.terms.procurement.keep
        if keep is None:
            return False
        floor = model.p.retender_share * keep
        return any(len(buyer.members[product.index]) < floor
                   and len(model.market.offering[product.index]) > len(buyer.members[product.index])
                   for product in PRODUCTS
                   if buyer.key == "region" or product is not PROTECTED_LIVING)

    def bear_procurement(self, bidders: int) -> None:
        """A procurement round takes contract-management time, more with more bidders (M1, M3)."""
        p, design = self.model.p, self.model.design
        self.procurement_load = min(p.max_procurement_load, self.procurement_load
                                    + design.procurement_hours * bidders
                                    / max(1.0, self.contract_capacity() * 3 + 1.0) * 0.1)

    def set_tariff(self, buyer: ContractSet, members: list[Municipality]) -> None:
        """Yearly tariff decision for the contracts it negotiates (M18, M3).

        A buyer in deficit cuts tariffs (at most ``max_tariff_cut`` a year, never below
        ``tariff_floor`` x the contract's tariff factor); one whose residents wait for want of
        providers raises them; one with room restores them towards the contract's level.
        Providers resent a cut and welcome a raise.

        Args:
            buyer: The contracts.
            members: The municipalities that pay for them (their deficits count).
        """
        model = self.model
        p, factor = model.p, model.design.tariff_factor
        spend = sum((1.0 + m.deficit) * m.budget for m in members)
        budget = sum(m.budget for m in members) or 1.0
        deficit = spend / budget - 1.0
        waiting = sum(1 for m in members for r in m.placement_list
                      if r.state == "waiting_placement")
        in_care = sum(q.n_clients() for q in buyer.providers()) or 1
        old = buyer.tariff
        if waiting / in_care > p.shortage_waiting_share:
            buyer.tariff = min(p.tariff_ceiling * factor, old * (1.0 + p.tariff_raise))
        elif deficit > 0.0:
            cut = min(p.max_tariff_cut, p.deficit_tariff_cut * deficit)
            buyer.tariff = max(p.tariff_floor * factor, old * (1.0 - cut))
        elif deficit < -p.tariff_restore_surplus:
            buyer.tariff = min(factor, old * (1.0 + p.tariff_restore))
        if "tariff" in self.directives:  # a player decides for the year (classroom mode)
            buyer.tariff = self.directed_tariff(old, self.directives["tariff"])
        if abs(buyer.tariff - old) > 1e-9:
            event = p.trust_tariff_cut if buyer.tariff < old else p.trust_tariff_raised
            for q in buyer.providers():
                for m in members:
                    model.net.event(q.unique_id, m.unique_id, "trust", event)
            change = 100 * (buyer.tariff / old - 1)
            model.log("tariff_cut" if change < 0 else "tariff_raised", percent=abs(change),
                      buyer="the region" if buyer.joint else members[0].name)

    def directed_tariff(self, old: float, choice: str) -> float:
        """A player's tariff decision for the year (the classroom mode; M18, M3).

        A cut goes as far as a year's cut may, a raise as far as a year's raise may, both
        within the contract's floor and ceiling; keep leaves the tariff as it was.
        """
        p, factor = self.model.p, self.model.design.tariff_factor
        if choice == "cut":
            return max(p.tariff_floor * factor, old * (1.0 - p.max_tariff_cut))
        if choice == "raise":
            return min(p.tariff_ceiling * factor, old * (1.0 + p.tariff_raise))
        return old

    def carry_out_capacity_plan(self, providers: list[Provider]) -> None:
        """Agree this year's reduction of protected-living places with the providers (M15).

        Each provider agrees by its trust in this (central) municipality; residents beyond the
        reduced places step down to individual support at home.
        """
        cut = self.model.design.capacity_plan / 100.0
        if cut <= 0.0:
            return
        net = self.model.net
        for provider in list(providers):
            trust = net.value(provider.unique_id, self.unique_id, "trust")
            for resident in provider.agree_capacity_plan(cut, trust):
                resident.municipality.step_down_at_home(resident, provider)

    def step_down_at_home(self, resident: Resident, provider: Provider) -> None:
        """Move a resident out of protected living to individual support at home (M15).

        With the same provider if it offers it, otherwise via placement.
        """
        provider.remove_client(resident)
        resident.update_need()
        resident.product = INDIVIDUAL_SUPPORT
        resident.level = level_for_need(max(resident.need, LIGHTEST_INDICATED_NEED))
        resident.indicated_hours = resident.hours_for(resident.level)
        self.model.stats.count("step_downs")
        if INDIVIDUAL_SUPPORT.index in provider.offers:
            provider.add_client(resident)
        else:
            self.queue_for_placement(resident, first=True)
