"""Municipality: buys support, runs the access point, watches its providers and its budget.

A municipality has a population by age band, a Wmo budget from the national fund, an access team,
general provisions (social base), contract-management capacity spread over its providers, a
number of contract rules, trust in each provider (edges of ``model.network``) and cohesion with
the other municipalities of the joint procurement.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import mesa

from agents_model.agents.access_worker import AccessWorker
from agents_model.agents.buyer import Buyer
from agents_model.agents.region_member import RegionMember
from agents_model.directives import DIALOGUE_FACTOR
from agents_model.products import (
    INDIVIDUAL_SUPPORT,
    PRODUCTS,
    PROTECTED_LIVING,
    RESULT_MONTHS,
    level_for_need,
)
from agents_model.records import Conduct, Record

if TYPE_CHECKING:
    from agents_model.agents.provider import Provider
    from agents_model.agents.resident import Resident
    from agents_model.contracts import ContractSet
    from agents_model.model import WmoModel
    from agents_model.scenario import MunicipalitySpec

__all__ = ["Municipality"]

MONTHS_PER_QUARTER = 3.0
QUARTERS_PER_YEAR = 4.0



class Municipality(Buyer, RegionMember, mesa.Agent):
    """A Dutch municipality under the Wmo.

    Attributes:
        name: Name.
        central: Central municipality (holds protected living for the region).
        population: Inhabitants by band: [under 18, 18-64, 65-74, 75+].
        budget: Wmo budget this year (EUR, scaled to the simulated population).
        spend_year: Paid to providers this year (EUR).
        spend_total: Paid to providers since the start (EUR).
        in_region: Takes part in the joint procurement.
        rules: Number of contract rules it added (M2).
        info_quality: Information quality from reporting and rules (M2).
        satisfaction: Satisfaction with the regional collaboration (M16).
        workers: Its access workers.
        assessment_queue: Applicants waiting for an assessment.
        placement_list: Indicated residents waiting for a provider.
        review_queue: Residents whose review is due.
        directives: A player's decisions for the current year (the classroom mode,
            :mod:`agents_model.directives`); empty: its own rules decide.
    """

    def __init__(self, model: WmoModel, spec: MunicipalitySpec) -> None:
        super().__init__(model)
        self.name = spec.name
        self.central = spec.central
        self.spec = spec
        adults = spec.population * spec.share_adult
        old, older = spec.population * spec.share_65_74, spec.population * spec.share_75
        self.population = [spec.population - adults, adults - old - older, old, older]
        self.budget = 0.0
        self.spend_year = 0.0
        self.spend_total = 0.0
        self.deficit = 0.0
        self.in_region = spec.joins_year == 0 or spec.joins_year <= model.p.start_year
        self.rules = 0
        self.info_quality = model.design.information_quality
        self.satisfaction = 1.0
        self.dissatisfied_quarters = 0
        self.procurement_load = 0.0
        self.workers: list[AccessWorker] = []
        self.assessment_queue: deque[Resident] = deque()
        self.placement_list: list[Resident] = []
        self.review_queue: deque[Resident] = deque()
        self.gp_places = 0.0
        self.gp_used = 0
        self._worker_index = 0
        self.records: dict[int, Record] = {}
        self.local_products: set[int] = set()
        self.demand_pull = [1.0] * len(PRODUCTS)
        self.case_management_held = model.design.case_management
        self.dialogue_hours = 0.0
        self.dialogue_held = 0.0
        self.directives: dict[str, str] = {}

    # --- size and capacity ----------------------------------------------------------------------

    def inhabitants(self) -> float:
        """Total inhabitants (real, unscaled)."""
        return float(sum(self.population))

    def contract_capacity(self) -> float:
        """Contract-management hours per month (real population), less procurement load."""
        p = self.model.p
        hours = p.contract_mgmt_hours * self.inhabitants() / 10_000.0
        return max(0.0, hours * (1.0 - self.procurement_load))

    def monitoring(self, n_providers: int) -> float:
        """Share of a provider's conduct the municipality can follow (M10, M17).

        Contract-management hours spread over more providers mean less attention each;
        hours spent at dialogue tables are not spent monitoring, and every rule adds checking
        work per provider (M2).
        """
        if n_providers <= 0:
            return 1.0
        need = n_providers * self.monitoring_hours()
        hours = max(0.0, self.contract_capacity() - self.dialogue_hours)
        return min(1.0, self.model.p.monitoring_efficiency * hours / need)

    def monitoring_hours(self) -> float:
        """Hours a month following one provider takes: the base plus checking each rule (M2)."""
        p = self.model.p
        return p.monitoring_hours + self.rules * p.rule_check_hours

    def contract_load(self) -> float:
        """Hours its contracts ask of contract management over the hours it has (M10, M11).

        Monitoring every provider paid this month plus the dialogue held; above 1 the
        monitoring thins out.
        """
        model = self.model
        need = len(model.ledger.serving.get(self.unique_id, ())) * self.monitoring_hours() \
            + self.dialogue_hours
        capacity = self.contract_capacity()
        return need / capacity if capacity > 0.0 else 0.0

    def detection(self, n_providers: int) -> float:
        """Chance of seeing a provider's under-delivery: monitoring x information (M2, M10)."""
        return self.monitoring(n_providers) * self.info_quality * self.model.rule.visibility

    def general_provision_free(self) -> float:
        """Free places in general provisions this month."""
        return self.gp_places - self.gp_used

    def release_general_provision(self) -> None:
        """A resident leaves a general provision."""
        self.gp_used = max(0, self.gp_used - 1)

    def contract_set(self, product: int) -> ContractSet:
        """The contracts that serve this municipality's residents for ``product``.

        Protected living is always bought by the central municipality for the region; a member
        that left the region for one product (partial exit) buys that one alone.
        """
        model = self.model
        if product == PROTECTED_LIVING.index \
                or (self.in_region and product not in self.local_products):
            return model.market.contract_sets["region"]
        return model.market.contract_sets[f"m{self.unique_id}"]

    # --- monthly access work --------------------------------------------------------------------

    def start_month(self) -> None:
        """Reset workers' hours; shuffle the order in which workers take cases."""
        for worker in self.workers:
            worker.start_month()
        self.model.draws.shuffle(self.workers)
        self._worker_index = 0
        self.procurement_load = max(0.0, self.procurement_load - 0.1)
        self.hold_case_management()

    def hold_case_management(self) -> None:
        """Set aside access hours for case management of the households in care (M14).

        The design's level is an intention: each client in care needs that share of
        ``case_management_hours`` a month. The team gives at most ``case_management_share``
        of its hours; what is held (``case_management_held``) is the intention scaled by the
        hours given, and the hours given are gone for assessments, placements and reviews.
        """
        model = self.model
        p, intention = model.p, model.design.case_management
        needed = intention * p.case_management_hours * model.stats.in_care_by[self.unique_id]
        total = sum(w.hours_left for w in self.workers)
        given = min(needed, p.case_management_share * total)
        self.case_management_held = intention * given / needed if given < needed else intention
        if given > 0.0:
            for worker in self.workers:
                worker.hours_left -= given * worker.hours_left / total
            model.stats.count("case_management_hours", given)

    def next_worker(self, hours: float) -> AccessWorker | None:
        """A worker with at least ``hours`` left (round robin), or None when all are full."""
        n = len(self.workers)
        for i in range(n):
            worker = self.workers[(self._worker_index + i) % n]
            if worker.hours_left >= hours:
                self._worker_index = (self._worker_index + i + 1) % n
                return worker
        return None

    def assess_applicants(self) -> None:
        """Assess applicants first come, first served, while access hours last (M13)."""
        model = self.model
        queue = self.assessment_queue
        for _ in range(len(queue)):
            resident = queue.popleft()
            if resident.state != "waiting_assessment":
                continue
            worker = self.next_worker(AccessWorker.assessment_time(model.p, resident))
            if worker is None:
                queue.appendleft(resident)
                break
            outcome = worker.assess(resident)
            model.stats.count("assessed")
            if outcome == "general_provision":
                model.stats.count("to_general_provision")
                self.gp_used += 1
                resident.set_state("general_provision")
                resident.schedule(model.p.general_provision_months, "gp_end")
            elif outcome == "stepped_down":
                resident.leave_to("stepped_down")
            else:
                self.indicate(resident)
        self.drop_long_waits(queue, "waiting_assessment")

    def indicate(self, resident: Resident) -> None:
        """Write the indication; a share of residents takes a personal budget (PGB).

        When protected-living places are full, a resident who can live at home with support
        is indicated intensive individual support instead (the ambulatory alternative, M15).
        """
        model = self.model
        pl = PROTECTED_LIVING.index
        if resident.product is PROTECTED_LIVING and resident.need < model.p.ambulatory_need_limit \
                and self.contract_set(pl).free_places(pl) < 1.0:
            resident.product = INDIVIDUAL_SUPPORT
            resident.level = 2
            model.stats.count("ambulatory_alternative")
        resident.indicated_hours = resident.hours_for(resident.level)
        resident.pgb = model.draws.random() < model.design.pgb_share
        self.queue_for_placement(resident)

    def place_waiting(self) -> None:
        """Search providers for indicated residents, oldest first (M4, M10).

        The team knows from the waiting-list overview when no contracted provider has a free
        place for a product; it then spends no time peddling and the resident keeps waiting.
        """
        model = self.model
        still: list[Resident] = []
        free: dict[tuple[str, int], float] = {}
        for resident in self.placement_list:
            if resident.state != "waiting_placement":
                continue
            if resident.retry_month > model.month:
                still.append(resident)
                continue
            product = resident.product.index
            buyer = self.contract_set(product)
            key = (buyer.key if not resident.pgb else "pgb", product)
            if key not in free:
                pool = model.market.offering[product] if resident.pgb else \
                    buyer.members[product]
                free[key] = sum([max(0.0, q.capacity[product] - len(q.clients[product]))
                                 for q in pool])
            if free[key] < 1.0:
                still.append(resident)
                continue
            worker = self.next_worker(model.p.attempt_hours)
            if worker is None:
                still.append(resident)
                continue
            provider = worker.place(resident, buyer)
            if provider is None:
                resident.retry_month = model.month + model.p.retry_months
                still.append(resident)
                continue
            free[key] -= 1.0
            self.start_care(resident, provider, worker, buyer)
        self.placement_list = still
        self.drop_long_waits(self.placement_list, "waiting_placement")

    def start_care(self, resident: Resident, provider: Provider, worker: AccessWorker,
                   buyer: ContractSet) -> None:
        """Start care; the provider may ask for a higher level at intake (M7)."""
        model = self.model
        resident.update_need()
        model.stats.count("placed")
        model.stats.count("placed_attempts", resident.placement_attempts)
        model.stats.count("placed_wait", model.month - resident.since)
        model.stats.count("indications")
        if provider.wants_upcode(resident, buyer):
            model.stats.count("upcode_requests")
            if not worker.scrutinises():
                resident.level += 1
                resident.indicated_hours = resident.hours_for(resident.level)
                resident.upcoded = True
                model.stats.count("upcoded")
                self.ask_paperwork(provider, level_changed=True)
        resident.set_state("in_care")
        provider.add_client(resident)
        resident.review_month = model.month + model.p.review_interval
        resident.schedule(model.p.review_interval, "review")
        resident.schedule_check()

    def queue_for_placement(self, resident: Resident, first: bool = False) -> None:
        """Put an indicated resident on the placement list (``first``: at its head)."""
        resident.placement_attempts = 0
        resident.set_state("waiting_placement")
        if first:
            self.placement_list.insert(0, resident)
        else:
            self.placement_list.append(resident)

    def transfer(self, resident: Resident) -> None:
        """After the transition a client of an uncontracted provider is placed again (M1)."""
        product = resident.product.index
        if resident.provider is not None \
                and resident.provider not in self.contract_set(product).members[product]:
            self.re_place(resident)

    def re_place(self, resident: Resident) -> None:
        """A resident whose provider stopped (contract ended, market exit) is placed again first.

        Her indication stands; she waits at the head of the placement list.
        """
        resident.provider.remove_client(resident)
        resident.update_need()
        self.queue_for_placement(resident, first=True)

    def drop_long_waits(self, queue, state: str) -> None:
        """Residents who waited longer than the dropout limit give up (M13)."""
        limit = self.model.p.dropout_months
        now = self.model.month
        for resident in list(queue):
            if resident.state == state and now - resident.since >= limit:
                self.model.stats.count("dropped")
                resident.leave_to("dropped_out")

    def review_due(self) -> None:
        """Review due indications while time lasts; the rest waits (M13).

        Postponed reviews stay in the queue; ``reviews_skipped`` counts the waiting reviews
        each month they wait, so residents whose care no longer fits stay in it meanwhile.
        """
        model = self.model
        queue = self.review_queue
        for _ in range(len(queue)):
            resident = queue.popleft()
            if resident.state != "in_care" or resident.review_month > model.month:
                continue
            worker = self.next_worker(model.p.review_hours)
            if worker is None:
                queue.appendleft(resident)
                model.stats.count("reviews_skipped", len(queue))
                break
            self.review(resident, worker)

    def review(self, resident: Resident, worker: AccessWorker) -> None:
        """Carry out one review and apply its outcome (M13, M14, M7)."""
        model = self.model
        buyer = self.contract_set(resident.product.index)
        outcome = worker.review(resident, buyer)
        model.stats.count("reviews")
        model.stats.count("indications")
        provider = resident.provider
        early = model.month - resident.since <= RESULT_MONTHS
        if outcome == "ended":
            model.stats.count("step_downs")
            model.stats.count("care_endings")
            model.stats.count("early_results", early)
            resident.leave_to("stepped_down")
            return
        new_level, upcoded = resident.level, resident.upcoded
        if outcome == "up":
            new_level = level_for_need(resident.need)
        elif outcome == "down":
            new_level = max(0, resident.level - 1)
            upcoded = False
            model.stats.count("step_downs")
            model.stats.count("early_results", early)
        elif outcome == "upcoded":
            new_level, upcoded = resident.level + 1, True
            model.stats.count("upcoded")
        if provider is not None:
            self.ask_paperwork(provider, new_level != resident.level, review=True)
        contracted = resident.pgb or buyer.has(provider, resident.product.index)
        if provider is not None and (new_level != resident.level or not contracted
                                     or upcoded != resident.upcoded):
            provider.remove_client(resident)
            resident.level, resident.upcoded = new_level, upcoded
            resident.indicated_hours = resident.hours_for(new_level)
            if not contracted:
                self.queue_for_placement(resident)
                return
            provider.add_client(resident)
        resident.review_month = model.month + model.p.review_interval
        resident.schedule(model.p.review_interval, "review")
        resident.schedule_check()

    def convert_indications(self) -> tuple[int, int]:
        """Convert its clients' indications to a new funding model ("omkatten", M7).

        Every client in care without a personal budget is converted at the level her
        provider proposes: a provider that gains by it asks one level higher
        (:meth:`Provider.wants_upcode` under the new terms). In a bulk conversion the team
        checks only a share ``conversion_scrutiny`` of the proposals.

        Returns:
            The clients converted and how many of them went a level up.
        """
        model = self.model
        scrutiny, rand = model.p.conversion_scrutiny, model.draws.random
        clients = upcoded = 0
        for q in model.providers:
            for product in q.offers:
                buyer = self.contract_set(product)
                for resident in list(q.clients[product]):
                    if resident.municipality is not self or resident.pgb:
                        continue
                    clients += 1
                    if q.wants_upcode(resident, buyer) and rand() >= scrutiny:
                        q.remove_client(resident)
                        resident.level += 1
                        resident.upcoded = True
                        resident.indicated_hours = resident.hours_for(resident.level)
                        q.add_client(resident)
                        model.stats.count("upcoded")
                        upcoded += 1
                    self.ask_paperwork(q, level_changed=True)
        return clients, upcoded

    def ask_paperwork(self, provider: Provider, level_changed: bool, review: bool = False
                      ) -> None:
        """The paperwork the funding model asks of the provider for one client (M19).

        Paid per level, a new level is a request; under result-based funding every review
        comes with a result report.
        """
        model = self.model
        rule, p = model.terms.rule, model.p
        hours = (p.level_request_hours if level_changed and rule.per_level else 0.0) \
            + (p.result_report_hours if review and rule.reports_results else 0.0)
        if hours > 0.0:
            provider.file(hours)

    # --- trust, rules and dialogue ---------------------------------------------------------------

    def observe(self, provider: Provider, conduct: Conduct, detection: float) -> None:
        """Look at a provider's conduct through monitoring and reporting (M2, M3, M10, M17).

        Under-delivery and upcoding seen lower trust; innovative practice seen raises it. What
        is not seen changes nothing: many providers and lean contracts leave much unseen. Only
        the conduct is looked at, never the provider's hidden orientation.
        """
        model = self.model
        p, rand = model.p, model.draws.random
        shortfall = conduct.shortfall
        if rand() < detection:
            if shortfall > p.noticed_shortfall:
                self.witness(conduct.provider_id, -min(1.0, p.shortfall_distrust * shortfall))
                model.stats.count("detected_shaving")
                if model.design.sanctions:
                    self.sanction(provider, shortfall)
            else:
                self.record_of(conduct.provider_id).good += 1.0
        upcoded = conduct.upcoded_share
        if upcoded > 0.0 and rand() < detection * min(1.0, p.upcoding_visibility * upcoded):
            self.witness(conduct.provider_id, p.trust_upcoding_seen)
            model.stats.count("detected_upcoding")
            if model.design.sanctions:
                self.sanction(provider, p.upcoding_fine * upcoded)
        if rand() < detection * conduct.practice * p.innovation_visibility:
            self.witness(conduct.provider_id, conduct.practice)

    def witness(self, provider_id: int, strength: float) -> None:
        """Take in a sighting of a provider's conduct: trust, record and word to partners.

        A breach (negative strength) or good practice (positive) moves its trust (M3, M12),
        counts in its record (M2) and is passed on along its cohesion ties, so the provider's
        conduct here moves trust in the other municipalities (reputation, M16).
        """
        model = self.model
        model.net.event(self.unique_id, provider_id, "trust", strength)
        record = self.record_of(provider_id)
        if strength < 0.0:
            record.bad += 1.0
        else:
            record.good += 1.0
        self.tell_partners(provider_id, strength)

    def record_of(self, provider_id: int) -> Record:
        """Its record of a provider (an empty one is opened for a provider not yet seen)."""
        record = self.records.get(provider_id)
        if record is None:
            record = self.records[provider_id] = Record()
        return record

    def tell_partners(self, provider_id: int, strength: float) -> None:
        """Pass a sighting on to the other municipalities, weighted by cohesion (reputation)."""
        model = self.model
        share = model.p.reputation_share
        if share <= 0.0:
            return
        net = model.net
        for other in model.municipalities:
            if other is self:
                continue
            weight = net.value(self.unique_id, other.unique_id, "cohesion", 0.0)
            if weight > 0.0 and provider_id in net.graph:
                net.event(other.unique_id, provider_id, "trust", strength * weight * share)

    def sanction(self, provider: Provider, severity: float) -> None:
        """Claw back part of a month's pay after a detected breach, where the contract allows (M17).

        The provider resents it.
        """
        model = self.model
        fine = min(provider.revenue_month, severity * provider.revenue_month)
        if fine > 0.0:
            model.ledger.transfer(self, provider, -fine)
            model.stats.count("sanctions")
            provider.feel(self.unique_id, model.p.trust_sanctioned)

    def trust_values(self) -> dict[int, float]:
        """Trust in each provider it has a tie with, by provider id."""
        return self.model.net.out_values(self.unique_id, "trust")

    def trust_in(self, providers) -> float:
        """Mean trust of this municipality in the given providers."""
        net = self.model.net
        vals = [net.value(self.unique_id, q.unique_id, "trust") for q in providers]
        return sum(vals) / len(vals) if vals else net.baseline

    def consider_rules(self, providers: list[Provider]) -> int:
        """Add a rule when trust or steering information falls short (M2, M3).

        A rule is dropped when both are ample; a player's decision for the year replaces this
        rule (:meth:`directed_rule_change`). Every change is felt by the providers as a
        burden and an inconsistency.

        Returns:
            +1 if a rule was added, -1 if one was dropped, 0 otherwise.
        """
        model = self.model
        p = model.p
        if "rules" in self.directives:
            change = self.directed_rule_change()
        else:
            change = self.rule_change(providers)
        if change:
            self.info_quality = min(p.max_info_quality,
                                    model.design.information_quality + p.info_per_rule * self.rules)
            for q in providers:
                model.net.event(q.unique_id, self.unique_id, "trust",
                                p.trust_rule_added if change > 0 else p.trust_rule_dropped)
            model.log("rule_added" if change > 0 else "rule_dropped", municipality=self.name,
                      rules=self.rules)
        return change

    def rule_change(self, providers: list[Provider]) -> int:
        """Its own rule: add a contract rule when trust or information falls short (M2, M3).

        A rule is dropped when both are ample.

        Returns:
            +1 if a rule was added, -1 if one was dropped, 0 otherwise.
        """
        model = self.model
        p = model.p
        trust = self.trust_in(providers)
        info = self.info_quality * (0.5 + 0.5 * self.monitoring(len(providers)))
        short = p.rule_threshold - min(trust, info)
        chance = min(1.0, p.rule_urgency * short)
        if short > 0.0 and self.rules < p.max_rules and model.draws.random() < chance:
            self.rules += 1
            return 1
        if short < -p.rule_drop_margin and self.rules > 0 \
                and model.draws.random() < p.rule_drop_chance:
            self.rules -= 1
            return -1
        return 0

    def directed_rule_change(self) -> int:
        """A player's decision for the year (the classroom mode): add or drop one rule, or keep.

        It is carried out once; the rest of the year the rules stay put.

        Returns:
            +1 if a rule was added, -1 if one was dropped, 0 otherwise.
        """
        choice = self.directives["rules"]
        self.directives["rules"] = "keep"
        if choice == "add" and self.rules < self.model.p.max_rules:
            self.rules += 1
            return 1
        if choice == "drop" and self.rules > 0:
            self.rules -= 1
            return -1
        return 0

    def hold_dialogue(self, providers: list[Provider]) -> None:
        """Quarterly dialogue tables with contracted providers, at a cost in hours (M11, M12).

        The design's meetings per provider per year are an intention. The hours are bounded
        by ``dialogue_capacity_share`` of the contract-management hours, so with many
        providers each gets fewer meetings (M11 needs a manageable number of parties), and
        hours spent talking are not spent monitoring (M2, M10). Talk about content builds
        trust only where the agreements made are kept, on either side; a broken agreement
        costs trust ("word and deed", M3), and talk about money erodes it (M12).
        """
        model = self.model
        design, p = model.design, model.p
        self.dialogue_hours = self.dialogue_held = 0.0
        if not providers or design.dialogue_meetings <= 0:
            return
        intended = design.dialogue_meetings / QUARTERS_PER_YEAR \
            * DIALOGUE_FACTOR[self.directives.get("dialogue", "contracted")]
        if intended <= 0.0:
            return
        available = p.dialogue_capacity_share * self.contract_capacity() * MONTHS_PER_QUARTER
        held = min(intended, available / (p.dialogue_meeting_hours * len(providers)))
        self.dialogue_held = QUARTERS_PER_YEAR * held
        self.dialogue_hours = held * len(providers) * p.dialogue_meeting_hours \
            / MONTHS_PER_QUARTER
        dose = min(1.0, held)
        content = dose * design.dialogue_content_share
        money = -dose * p.money_talk_erosion * (1.0 - design.dialogue_content_share)
        own_word = self.keeps_agreements()
        net = model.net
        for q in providers:
            kept = q.keeps_agreements()
            net.event(self.unique_id, q.unique_id, "trust",
                      (content if kept else -p.broken_agreement * content) + money)
            net.event(q.unique_id, self.unique_id, "trust",
                      (content if own_word else -p.broken_agreement * content) + money)
            if content > 0.0:
                record = self.record_of(q.unique_id)
                if kept:
                    record.good += 1.0
                else:
                    record.bad += 1.0

    def keeps_agreements(self) -> bool:
        """Whether it keeps its dialogue agreements this quarter; a deficit makes it renege (M3)."""
        p = self.model.p
        return self.model.draws.random() >= p.agreement_pressure * max(0.0, self.deficit)

    # --- budget ---------------------------------------------------------------------------------

    def close_year(self) -> float:
        """End of year: compute the deficit ratio (spend over budget minus one, M18)."""
        self.deficit = self.spend_year / self.budget - 1.0 if self.budget > 0 else 0.0
        self.spend_year = 0.0
        return self.deficit

    def age_population(self, years_passed: int) -> None:
        """Grow the adult and elderly population by one year (M18, T5)."""
        p = self.model.p
        self.population[1] *= 1.0 + p.population_growth / 100.0
        self.population[2] *= 1.0 + p.elderly_growth / 100.0
        self.population[3] *= 1.0 + p.elderly_growth / 100.0
