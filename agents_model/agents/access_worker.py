"""AccessWorker: a member of a neighbourhood team (sociaal wijkteam) at the access point.

Access workers decide who gets specialist support: they assess applicants (referring to a
general provision where they know one and it has room), write the indication, search a provider
(first among providers they know), review indications when time allows, and step care down when
they have the overview of the household. They are the valve of the system (M13).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from agents_model.products import (
    EXIT_NEED,
    HOUSEHOLD_HELP,
    LIGHTEST_INDICATED_NEED,
    level_for_need,
)

if TYPE_CHECKING:
    from agents_model.agents.municipality import Municipality
    from agents_model.agents.provider import Provider
    from agents_model.agents.resident import Resident
    from agents_model.contracts import ContractSet
    from agents_model.model import WmoModel

__all__ = ["AccessWorker"]

COMPLEX = 0.5
"""Complexity from which a resident counts as complex in the refusal statistics (T1)."""
WORD_OF_MOUTH = 1.0
"""Size exponent of a resident's own choice: in proportion to clients (word of mouth)."""


class AccessWorker(mesa.Agent):
    """A neighbourhood-team member.

    Attributes:
        municipality: Employer.
        hours_left: Casework hours left this month.
        knowledge: Knowledge of general provisions in [0, 1] (M13).
        relations: Strength of working relationships with providers, by provider id (M10, M13).
        tenure: Months in the job.
    """

    def __init__(self, model: WmoModel, municipality: Municipality, knowledge: float) -> None:
        super().__init__(model)
        self.municipality = municipality
        self.hours_left = 0.0
        self.knowledge = knowledge
        self.relations: dict[int, float] = {}
        self.tenure = 0
        self.placed_with: list[Provider] = []
        self.full_hours = model.p.worker_hours

    def start_month(self) -> None:
        """New month: full hours, a little more knowledge and tenure.

        The providers it placed clients with last month have worked through the same team:
        their collaboration ties grow (M10, M11).
        """
        p = self.model.p
        self.introduce_partners()
        self.hours_left = self.full_hours
        self.knowledge += p.knowledge_learning * (1.0 - self.knowledge)
        self.tenure += 1

    def introduce_partners(self) -> None:
        """Providers serving clients of the same neighbourhood team come to work together."""
        strength = self.model.p.team_contact
        partners = sorted({q.unique_id: q for q in self.placed_with}.items())
        self.placed_with = []
        if strength <= 0.0:
            return
        for i, (_, a) in enumerate(partners):
            for _, b in partners[i + 1:]:
                if a.active and b.active:
                    a.work_with(b, strength)

    def busy(self) -> float:
        """Time pressure in [0, 1]: how much of the month is used up."""
        return 1.0 - max(0.0, self.hours_left) / self.full_hours

    # --- assessment -----------------------------------------------------------------------------

    @staticmethod
    def assessment_time(p, resident: Resident) -> float:
        """Time an assessment takes: the fast track for a single household-help request.

        Args:
            p: The model's parameters.
            resident: The applicant.
        """
        if p.fast_track and resident.product is HOUSEHOLD_HELP \
                and resident.complexity < p.fast_track_complexity:
            return p.fast_track_hours
        return p.assessment_hours * (1.0 + p.assessment_complexity_time * resident.complexity)

    def assess(self, resident: Resident) -> str:
        """Assess an applicant and route her (M13 access is the valve).

        A light need goes to a general provision if the worker knows the provisions and they
        have room; time pressure and poor knowledge send residents to specialist care earlier.
        Fast-track requests get an indication without that search.

        Returns:
            ``general_provision``, ``indicated`` or ``stepped_down`` (no support needed).
        """
        p = self.model.p
        hours = self.assessment_time(p, resident)
        self.hours_left -= hours
        fast = hours == p.fast_track_hours and p.fast_track
        need = resident.need + self.model.rng.normal(0.0, p.assessment_noise)
        if need < p.no_support_need:
            return "stepped_down"
        knows = 0.0 if fast else self.knowledge * (1.0 - p.pressure_knowledge_loss * self.busy())
        if need < p.general_provision_need * (p.gp_need_base + p.gp_need_knowledge * knows) \
                and self.municipality.general_provision_free() >= 1.0 \
                and self.model.draws.random() < p.gp_referral_base \
                + p.gp_referral_knowledge * knows:
            return "general_provision"
        resident.level = level_for_need(max(need, LIGHTEST_INDICATED_NEED))
        return "indicated"

    # --- placement ------------------------------------------------------------------------------

    def candidates(self, resident: Resident, buyer: ContractSet) -> list[Provider]:
        """Providers the resident may go to: contracted ones, or any for a personal budget."""
        product = resident.product.index
        if resident.pgb:
            return self.model.market.offering[product]
        return buyer.members[product]

    def pick_provider(self, resident: Resident, pool: list[Provider],
                      tried: set[int]) -> Provider | None:
        """Choose whom to ask next (M10, T1).

        First the resident's own preference may pick a provider, one she has heard of: in
        proportion to its clients (word of mouth; client choice).
        Otherwise, with a chance set by ``relationship_preference``, the worker asks a known
        provider she believes has room (overview); else she picks from the field weighted by
        size, blind to who is full. The more providers, the fewer she knows and the more
        often a chosen one turns out full or unwilling.
        """
        model = self.model
        product = resident.product.index
        if model.draws.random() < model.p.client_choice:
            choice = model.market.pick_by_size(pool, product, tried, WORD_OF_MOUTH)
            if choice is not None:
                return choice
        if self.relations and model.draws.random() < model.p.relationship_preference:
            known = self.known_with_room(pool, product, tried)
            if known:
                weights = [self.relations[q.unique_id] for q in known]
                return model.draws.pick(known, weights)
        return model.market.pick_by_size(pool, product, tried, model.p.size_preference)

    def known_with_room(self, pool: list[Provider], product: int,
                        tried: set[int]) -> list[Provider]:
        """Providers of ``pool`` the worker knows, not yet tried, with a free place (pool order)."""
        relations = self.relations
        return [q for q in pool if q.unique_id in relations and q.unique_id not in tried
                and q.free_places(product) >= 1.0]

    def place(self, resident: Resident, buyer: ContractSet) -> Provider | None:
        """Try to place a resident with a provider, peddling along refusals (M4, M10).

        Each attempt costs access time, except that through a single referral point (a lead
        contractor) only the first one does: the lead then searches among its members.

        Returns:
            The provider that accepted, or None (the resident keeps waiting).
        """
        model = self.model
        p = model.p
        pool = self.candidates(resident, buyer)
        if not pool:
            return None
        lead = buyer.leads[resident.product.index] if not resident.pgb else None
        tried: set[int] = set()
        referrer: Provider | None = None
        for attempt in range(p.max_attempts):
            if attempt == 0 or lead is None:
                if self.hours_left < p.attempt_hours:
                    break
                self.hours_left -= p.attempt_hours
            provider = referrer.referral(pool, resident.product.index, tried) if referrer \
                else None
            if provider is None:
                provider = self.pick_provider(resident, pool, tried)
            if provider is None:
                break
            tried.add(provider.unique_id)
            resident.placement_attempts += 1
            model.stats.count("attempts")
            if resident.complexity >= COMPLEX:
                model.stats.count("complex_attempts")
            if provider.accepts(resident, buyer):
                self.relations[provider.unique_id] = self.relations.get(provider.unique_id, 0.0) + 1
                resident.subcontracted = lead is not None and provider is not lead
                if resident.subcontracted:
                    lead.work_with(provider, p.subcontract_contact)
                self.placed_with.append(provider)
                return provider
            if provider.free_places(resident.product.index) >= 1.0:
                self.report_refusal(provider, resident)
            referrer = provider
        return None

    def report_refusal(self, provider: Provider, resident: Resident) -> None:
        """A refusal with room left is reported; the municipality's trust suffers (M4).

        The more complex the refused resident, the more it hurts (cream-skimming).
        """
        model = self.model
        model.stats.count("refusals")
        if resident.complexity >= COMPLEX:
            model.stats.count("complex_refusals")
        self.municipality.witness(provider.unique_id,
                                  model.p.trust_refusal * (0.5 + resident.complexity))

    # --- review ---------------------------------------------------------------------------------

    def review(self, resident: Resident, buyer: ContractSet) -> str:
        """Review an indication: keep, step up, step down or end care (M13, M14, M7).

        Stepping down needs the overview of the household: case management gives it;
        otherwise only a knowledgeable worker sees it, and a provider losing margin argues
        against it. A provider's request for a higher level is accepted unless the worker
        scrutinises it, which needs experience and time (M7).

        Returns:
            ``kept``, ``up``, ``upcoded``, ``down`` or ``ended``.
        """
        model = self.model
        p = model.p
        self.hours_left -= p.review_hours
        resident.update_need()
        fit = level_for_need(resident.need)
        provider = resident.provider
        if fit > resident.level:
            return "up"
        draw = model.draws.random()
        if (resident.need < EXIT_NEED or fit < resident.level) \
                and draw < self.step_down_chance(resident, buyer):
            return "ended" if resident.need < EXIT_NEED else "down"
        if provider is not None and provider.wants_upcode(resident, buyer):
            model.stats.count("upcode_requests")
            if not self.scrutinises():
                return "upcoded"
        return "kept"

    def step_down_chance(self, resident: Resident, buyer: ContractSet) -> float:
        """Chance a review steps care down or ends it where the need allows (M14, M19).

        It takes the overview of the household, which case management gives and knowledge
        otherwise partly, and shrinks as the provider argues against losing margin.
        """
        p = self.model.p
        held = self.municipality.case_management_held
        overview = held + (1.0 - held) * p.overview_from_knowledge * self.knowledge
        provider = resident.provider
        resist = provider.resists_step_down(resident, buyer) if provider else 0.0
        return overview * (1.0 - p.resistance_weight * resist)

    def scrutinises(self) -> bool:
        """Whether a higher-level request gets a critical look (experience and time, M7)."""
        p = self.model.p
        pressure = 1.0 - p.pressure_scrutiny_loss * self.busy()
        chance = p.upcoding_scrutiny * self.knowledge * pressure
        return self.model.draws.random() < chance

    def leave_job(self, knowledge: float) -> None:
        """Turnover: the worker is replaced; relationships and knowledge go (M13)."""
        self.relations.clear()
        self.knowledge = knowledge
        self.tenure = 0
