"""Resident: an adult with a support need moving through the Wmo lifecycle.

A resident's need evolves in closed form between events (adequate care lowers it, faster with an
innovative provider; missing care raises it, slower with a strong social network; for many
elderly stabilisation is the best outcome), so a resident whose situation does not change costs
nothing in a month. Events (an outcome check, a review falling due, the end of a general
provision, a relapse, moving away or dying) are put on the model's agenda.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

from agents_model.products import (
    EXIT_NEED,
    LEVEL_THRESHOLDS,
    RESULT_MONTHS,
    Product,
    level_for_need,
)

if TYPE_CHECKING:
    from agents_model.agents.municipality import Municipality
    from agents_model.agents.provider import Provider
    from agents_model.model import WmoModel

__all__ = ["Resident", "AGE_BANDS"]

AGE_BANDS: tuple[str, ...] = ("18_64", "65_74", "75")
CHECK_MONTHS = 3


class Resident(mesa.Agent):
    """An adult resident with a support need.

    Attributes:
        municipality: Municipality of residence.
        band: Age band index (0: 18-64, 1: 65-74, 2: 75+).
        product: The product the need calls for.
        need: Need (severity) in [0, 1]; 0 is self-reliant.
        complexity: Complexity of the situation in [0, 1] (raises a provider's cost, M4).
        network: Strength of the social network (informal care) in [0, 1].
        chronic: Need can at best be stabilised.
        state: Lifecycle state (one of ``products.STATES``).
        provider: Provider in charge (``in_care``), else None.
        level: Indicated intensity level (0-2), or -1 without indication.
        indicated_hours: Indicated hours per month.
        delivered_hours: Hours delivered so far in total.
        pgb: Buys care with a personal budget (outside contract steering).
        upcoded: Indication is higher than the need fits (M7).
        since: Month the current state began.
        review_month: Month the next review is due.
        placement_attempts: Attempts made for the current placement.
    """

    def __init__(self, model: WmoModel, municipality: Municipality, band: int,
                 product: Product, need: float, complexity: float, network: float,
                 chronic: bool) -> None:
        super().__init__(model)
        self.municipality = municipality
        self.band = band
        self.product = product
        self.need = need
        self.complexity = complexity
        self.network = network
        self.chronic = chronic
        self.floor = need * model.p.chronic_floor if chronic else 0.0
        self.state = "unmet"
        self.provider: Provider | None = None
        self.level = -1
        self.indicated_hours = 0.0
        self.intensity = float(model.draws.random())
        self.delivered_hours = 0.0
        self.pgb = False
        self.upcoded = False
        self.subcontracted = False
        self.since = model.month
        self.last_update = model.month
        self.review_month = 0
        self.placement_attempts = 0
        self.retry_month = 0
        self.version = 0
        model.stats.resident_arrived(self)

    # --- state ----------------------------------------------------------------------------------

    def set_state(self, state: str) -> None:
        """Move to ``state`` and report the change (one state at a time)."""
        model = self.model
        model.stats.state_changed(self, self.state, state)
        self.state = state
        self.since = model.month
        self.version += 1

    def schedule(self, months: int, kind: str) -> None:
        """Put an event of ``kind`` on the agenda ``months`` from now (stale if state changes).

        At least one month ahead.
        """
        model = self.model
        model.agenda.add(model.month + (months if months > 1 else 1), self, kind, self.version)

    def planned_hours(self) -> float:
        """Hours the provider plans to deliver (M7, T3).

        An upcoded indication gets the care of the level that fits, not of the level paid for.
        """
        if self.upcoded and self.level > 0:
            return min(self.indicated_hours, self.hours_for(self.level - 1))
        return self.indicated_hours

    def hours_for(self, level: int) -> float:
        """Indicated hours per month at ``level`` for this resident (M6, T3).

        Indications vary around the level's standard hours: within the light and medium
        levels by +-20%; the intensive level is open-ended upwards (right-skewed, mean about
        +8%), so a fee per level built on standard hours leaves the heaviest clients
        underpaid.
        """
        p, u = self.model.p, self.intensity
        factor = p.indication_low + p.indication_range * u if level < 2 \
            else p.intensive_indication_low + p.intensive_indication_range * u * u
        return self.product.hours[level] * factor

    # --- need dynamics --------------------------------------------------------------------------

    def need_drift(self) -> float:
        """Monthly change of need in the current state (negative: improving)."""
        p = self.model.p
        worsen = p.deterioration_rate * (1.0 - p.network_deterioration_buffer * self.network)
        if self.state == "in_care" and self.provider is not None:
            ratio = self.provider.ratio[self.product.index][self.level]
            gain = p.recovery_rate * ratio * (1.0 + p.innovation_effect * self.provider.innovation)
            shortfall = max(0.0, p.adequate_delivery - ratio) / p.adequate_delivery
            return worsen * shortfall - gain
        if self.state == "general_provision":
            return -p.general_provision_recovery * p.recovery_rate
        if self.state in ("unmet", "waiting_assessment", "waiting_placement", "dropped_out"):
            return worsen
        return 0.0

    def update_need(self) -> None:
        """Bring need (and delivered hours) up to date in closed form since the last update."""
        now = self.model.month
        dt = now - self.last_update
        if dt <= 0:
            return
        need = min(1.0, max(self.floor, self.need + self.need_drift() * dt, 0.0))
        self.model.stats.need_changed(self, need - self.need)
        self.need = need
        if self.state == "in_care" and self.provider is not None:
            ratio = self.provider.ratio[self.product.index][self.level]
            self.delivered_hours += self.planned_hours() * ratio * dt
        self.last_update = now

    # --- decisions ------------------------------------------------------------------------------

    def consider_applying(self) -> bool:
        """Apply at the access point with a chance rising with need and provider outreach (M9).

        A strong social network (informal care) delays the application; providers' outreach
        (spare capacity, many providers) draws applications in (M9). (The flat co-payment
        works earlier, on the onset of household-help demand.)

        Returns:
            Whether the resident applied this month.
        """
        model = self.model
        p = model.p
        pull = self.municipality.demand_pull[self.product.index]
        chance = p.apply_probability * (p.apply_need_base + self.need) \
            * (1.0 - p.network_application_delay * self.network) * pull
        if model.draws.random() < min(1.0, chance):
            self.update_need()
            self.set_state("waiting_assessment")
            self.municipality.assessment_queue.append(self)
            return True
        return False

    def relapse_chance(self) -> float:
        """Monthly chance of relapse after care: less with a strong network and aftercare (M14)."""
        p = self.model.p
        aftercare = self.municipality.case_management_held
        return p.relapse_rate * (1.0 - p.network_relapse_protection * self.network) \
            * (1.0 - p.aftercare_relapse_protection * aftercare)

    # --- events ---------------------------------------------------------------------------------

    def on_event(self, kind: str) -> None:
        """Handle an agenda event (check, review, gp_end, relapse, reconsider, transfer)."""
        self.update_need()
        if kind == "check":
            self.check_in_care()
        elif kind == "review":
            self.municipality.review_queue.append(self)
        elif kind == "gp_end":
            self.leave_general_provision()
        elif kind == "relapse":
            p = self.model.p
            if self.model.month - self.since <= RESULT_MONTHS:
                self.model.stats.count("early_relapses")
            self.need = min(1.0, self.need + p.relapse_need_jump)
            self.floor = self.need * p.chronic_floor if self.chronic else 0.0
            self.set_state("unmet")
        elif kind == "reconsider":
            self.set_state("unmet")
        elif kind == "transfer":
            self.municipality.transfer(self)

    def check_in_care(self) -> None:
        """A need grown past the indicated level brings the review forward (step up)."""
        if level_for_need(self.need) > self.level and self.review_month > self.model.month:
            self.review_month = self.model.month
            self.municipality.review_queue.append(self)
            return
        self.schedule_check()

    def schedule_check(self) -> None:
        """Schedule the next check for when need would outgrow the level (none if improving).

        The crossing month follows from the current drift in closed form, so residents whose
        need is stable or improving cost nothing until their review.
        """
        drift = self.need_drift()
        if drift <= 0.0 or self.level >= 2:
            return
        gap = LEVEL_THRESHOLDS[self.level] - self.need
        months = max(CHECK_MONTHS, math.ceil(gap / drift)) if gap > 0 else CHECK_MONTHS
        if self.model.month + months < self.review_month:
            self.schedule(months, "check")

    def leave_general_provision(self) -> None:
        """End of a general provision: recovered enough, or back to the access point."""
        self.municipality.release_general_provision()
        if self.need < EXIT_NEED:
            self.leave_to("stepped_down")
        else:
            self.set_state("unmet")

    def leave_to(self, state: str) -> None:
        """Leave care or a queue for ``stepped_down``, ``exited`` or ``dropped_out``."""
        if self.provider is not None:
            self.provider.remove_client(self)
        if self.state == "general_provision":
            self.municipality.release_general_provision()
        self.set_state(state)
        if state == "stepped_down":
            chance = self.relapse_chance()
            if chance > 0.0:
                self.schedule(int(self.model.rng.geometric(min(1.0, chance))), "relapse")
        elif state == "dropped_out":
            self.schedule(int(self.model.rng.integers(6, 13)), "reconsider")

    def die_or_move(self) -> None:
        """Leave the region or die: the resident exits from whatever state."""
        if self.state == "exited":
            return
        self.update_need()
        self.leave_to("exited")

