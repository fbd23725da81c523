"""The ledger: every euro between municipalities and providers, booked one way.

Payments follow the buyer's payment rule (M4, M6, M7): per delivered hour, per client and level,
a yearly budget in monthly instalments (lumpsum) or a share of a population budget
(capitation). A budget ceiling caps what a provider is paid in a year (M4); a lead contractor
keeps a share of its subcontractors' fees (M5); a year-end settlement pays lumpsum production
within the bandwidth (M4). Every payment, claw-back and settlement goes through
:meth:`Ledger.book`, which keeps the month's spend, both parties' books and the provider's
account with the buyer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents_model.contracts import REFERENCE_VALUES, Account, ContractSet
from agents_model.products import PRODUCTS, PROTECTED_LIVING

if TYPE_CHECKING:
    from agents_model.agents.municipality import Municipality
    from agents_model.agents.provider import Provider
    from agents_model.model import WmoModel

__all__ = ["Ledger"]


class Ledger:
    """Payments, budgets, accounts and settlements of one model.

    Attributes:
        books_closed: The month's books are closed: later payments (sanctions, settlements)
            go straight into the provider's reserve and yearly revenue.
        serving: Providers each paying municipality worked with this month, by its id.
        removed_revenue: Revenue of providers that left the market (EUR).
    """

    def __init__(self, model: WmoModel) -> None:
        self.model = model
        self.books_closed = False
        self.serving: dict[int, set[Provider]] = {}
        self.removed_revenue = 0.0
        self._unpaid: set[int] = set()

    # --- booking --------------------------------------------------------------------------------

    def book(self, m: Municipality, provider: Provider, amount: float, acc: Account | None,
             product: int) -> None:
        """Book a payment in the month's spend, both parties' books and the account."""
        stats = self.model.stats
        stats.count("spend", amount)
        if product == PROTECTED_LIVING.index:
            stats.count("spend_protected_living", amount)
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

    def transfer(self, m: Municipality, provider: Provider, amount: float,
                 buyer: ContractSet | None = None, product: int = -1) -> None:
        """Pay ``amount`` from a municipality to a provider (negative: a claw-back)."""
        self.book(m, provider, amount, None if buyer is None else buyer.account(provider),
                  product)

    # --- the month ------------------------------------------------------------------------------

    def open_month(self) -> None:
        """Open the month's books."""
        self.books_closed = False
        self._unpaid = set()

    def pay_month(self, providers: list[Provider]) -> None:
        """Pay every provider for the month's care, then the fixed instalments."""
        market = self.model.market
        buyers = market.buyers_by_pair()
        self.serving = {m.unique_id: set() for m in self.model.municipalities}
        for provider in providers:
            self.pay_provider(provider, buyers)
        self.pay_fixed_budgets()

    def close_month(self) -> None:
        """Close the month's books."""
        self.books_closed = True

    def pay_provider(self, provider: Provider,
                     buyers: dict[tuple[int, int], ContractSet]) -> None:
        """Pay a provider for the month's delivery, line by line of its book (M4, M5, M6).

        A personal-budget line is paid per delivered hour at the PGB rate by the resident's
        municipality. A contracted line earns the buyer's hourly rate for the delivered hours
        plus the client fee, capped under a budget ceiling; a lead keeps its overhead on a
        subcontracted line; protected living is paid by the central municipality.

        Args:
            provider: The provider.
            buyers: Contract set per (municipality id, product), as from
                :meth:`Market.buyers_by_pair`.
        """
        if self.books_closed:
            raise RuntimeError("pay_provider called after the month's books were closed")
        model = self.model
        design, muni_by_id = model.design, model.muni_by_id
        central, pl = model.central, PROTECTED_LIVING.index
        for (muni_id, product, level, pgb, sub), line in provider.book.items():
            m = muni_by_id[muni_id]
            ratio = provider.ratio[product][level]
            if pgb:
                amount = line.planned_hours * ratio * PRODUCTS[product].cost_per_hour \
                    * design.pgb_tariff_factor
                self.book(m, provider, amount, None, product)
                continue
            buyer = buyers[muni_id, product]
            payer = central if product == pl else m
            self.serving[payer.unique_id].add(provider)
            acc = buyer.account(provider)
            acc.production += line.clients * REFERENCE_VALUES[product][level] * ratio
            hour_rate, fee = buyer.prices()[product][level]
            amount = hour_rate * line.planned_hours * ratio + line.clients * fee
            if amount <= 0.0:
                continue
            if design.budget_ceiling > 0.0:
                amount = self.apply_ceiling(provider, buyer, acc, amount)
            lead = buyer.leads[product]
            if sub and lead is not None and lead is not provider and lead.active:
                self.transfer(payer, lead, amount * design.lead_overhead, buyer, product)
                amount *= 1.0 - design.lead_overhead
            self.book(payer, provider, amount, acc, product)

    def apply_ceiling(self, provider: Provider, buyer: ContractSet, acc: Account,
                      amount: float) -> float:
        """Cap a payment at the provider's budget ceiling; unpaid work erodes trust (M4)."""
        ceiling = buyer.design.budget_ceiling
        if ceiling <= 0.0 or acc.allotted <= 0.0:
            return amount
        room = ceiling * acc.allotted - acc.paid
        if amount <= room:
            return amount
        if provider.unique_id not in self._unpaid:
            self._unpaid.add(provider.unique_id)
            lead = self.model.market.buyer_lead(buyer.key)
            self.model.net.event(provider.unique_id, lead.unique_id, "trust",
                                 self.model.p.trust_unpaid_work)
        return max(0.0, room)

    def pay_fixed_budgets(self) -> None:
        """Monthly instalments of lumpsum budgets and capitation shares (M4, M11).

        A lumpsum instalment is shared among the municipalities by their residents' share of
        the provider's caseload (protected living: the central municipality); a capitation by
        their share of the pot's budget.
        """
        rule = self.model.rule
        if not (rule.fixed_budget or rule.capitation):
            return
        market = self.model.market
        for key, buyer in market.contract_sets.items():
            members = market.payers(key)
            for provider in sorted(buyer.providers(), key=lambda q: q.unique_id):
                acc = buyer.account(provider)
                if acc.allotted <= 0.0 or not provider.active:
                    continue
                for m, product, share in self.payer_shares(provider, buyer, members):
                    self.transfer(m, provider, acc.allotted / 12.0 * share, buyer, product)

    def payer_shares(self, provider: Provider, buyer: ContractSet,
                     members: list[Municipality]) -> list[tuple[Municipality, int, float]]:
        """Who pays which share of a provider's fixed payment, and for which product.

        A lumpsum is shared by the caseload's value per municipality and product (protected
        living: the central municipality); a capitation, or a lumpsum without clients, by the
        members' budgets.
        """
        model = self.model
        if buyer.rule.fixed_budget:
            weights: dict[tuple[int, int], float] = {}
            for (muni_id, product, level, pgb, _), line in provider.book.items():
                m = model.muni_by_id[muni_id]
                if pgb or m.contract_set(product).key != buyer.key:
                    continue
                payer = model.central if product == PROTECTED_LIVING.index else m
                key = (payer.unique_id, product)
                weights[key] = weights.get(key, 0.0) + \
                    line.clients * REFERENCE_VALUES[product][level]
            total = sum(weights.values())
            if total > 0.0:
                return [(model.muni_by_id[i], product, w / total)
                        for (i, product), w in sorted(weights.items())]
        budget = sum(m.budget for m in members) or 1.0
        return [(m, -1, m.budget / budget) for m in members]

    # --- the year -------------------------------------------------------------------------------

    def set_allotments(self, buyer: ContractSet, initial: bool) -> None:
        """Allot each contracted provider its expected yearly revenue (lumpsum: its budget).

        History decides: last year's paid amount, or at the start the inherited caseload's
        value; a capitation is shared in proportion to capacity (M1, M4).
        """
        members = sorted(buyer.providers(), key=lambda q: q.unique_id)
        if buyer.rule.capitation:
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
        muni_by_id = self.model.muni_by_id
        value = 0.0
        for (muni_id, product, level, pgb, _), line in provider.book.items():
            if pgb:
                continue
            if muni_by_id[muni_id].contract_set(product).key == buyer.key:
                value += line.clients * REFERENCE_VALUES[product][level] * buyer.tariff
        return value

    def capitation_pot(self, key: str) -> float:
        """Yearly population budget a buyer shares among its partners (part of its budget)."""
        members = self.model.market.payers(key)
        return self.model.p.capitation_share * sum(m.budget for m in members)

    def settle_year(self) -> None:
        """Year-end settlement: lumpsum production within the bandwidth is paid (M4).

        Production below the lower band is clawed back, above the upper band it is not paid;
        next year's budget follows what was paid (history, M1).
        """
        model = self.model
        market, rule = model.market, model.rule
        bw = model.design.lumpsum_bandwidth
        for key, buyer in market.contract_sets.items():
            members = market.payers(key)
            for provider in sorted(buyer.providers(), key=lambda q: q.unique_id):
                acc = buyer.account(provider)
                if rule.fixed_budget and acc.allotted > 0.0:
                    target = min(max(acc.production, acc.allotted * (1 - bw)),
                                 acc.allotted * (1 + bw))
                    adjust = target - acc.allotted
                    for m, product, share in self.payer_shares(provider, buyer, members):
                        self.transfer(m, provider, adjust * share, buyer, product)
                    if acc.production > acc.allotted * (1 + bw):
                        for m in members:
                            model.net.event(provider.unique_id, m.unique_id, "trust",
                                            model.p.trust_unpaid_overproduction)
                    acc.allotted = target
                elif not rule.capitation and acc.paid > 0.0:
                    acc.allotted = max(acc.paid, acc.production * buyer.tariff)
                acc.paid = acc.production = 0.0
