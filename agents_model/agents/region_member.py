"""The municipality as a member of the region: cohesion and leaving (M16).

A mixin of :class:`~agents_model.agents.municipality.Municipality`: how a member weighs each
partner, pair by pair, and whether it leaves the joint procurement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agents_model.agents.municipality import Municipality

__all__ = ["FULL_PRESSURE", "RegionMember"]

FULL_PRESSURE = 0.5
"""Deficit (spend over budget minus one) at which budget pressure on cohesion is full (M16)."""


class RegionMember:
    """The regional decisions of a municipality (a mixin; ``self`` is a Municipality)."""

    def partner_events(self, region: list[Municipality], largest: Municipality,
                       dominance: float, delay: float) -> dict[int, float]:
        """The quarter's cohesion events towards each partner, pair by pair (M16).

        Its own deficit strains every tie; a partner whose residents cost more than its own
        (who pays for whom), a partner with different rules, and slow joint decisions while
        its own waiting list is urgent strain the tie with that partner; the largest partner's
        dominance strains the tie with it.

        Args:
            region: The municipalities of the joint procurement.
            largest: The largest of them (its dominance weighs on the others).
            dominance: Its population share above an equal share.
            delay: Decision time of the region relative to a quarter.

        Returns:
            The (negative) event towards each partner, by its id.
        """
        p = self.model.p
        late = min(2.0, max(0.0, delay - 1.0))
        return {b.unique_id: max(-1.0, self.strain_with(b, late, p) - (
                    p.cohesion_dominance_weight * p.cohesion_dominance_event * dominance
                    if b is largest else 0.0))
                for b in region if b is not self}

    def weigh_partners(self, events: dict[int, float]) -> None:
        """Let the quarter's events strain its cohesion with each partner (M16)."""
        net = self.model.net
        for partner, event in events.items():
            if event < 0.0:
                net.event(self.unique_id, partner, "cohesion", event)

    def strain_with(self, partner: Municipality, late: float, p) -> float:
        """The quarter's (negative) cohesion event towards one partner, before dominance."""
        own = max(0.0, self.deficit)
        pays_for = max(0.0, partner.deficit - self.deficit)
        rules = abs(self.rules - partner.rules) / p.max_rules if p.max_rules else 0.0
        urgency = min(1.0, self.waiting_per_1000() / p.urgent_waiting)
        return -p.cohesion_pressure_weight * p.cohesion_pressure_event \
            * (min(1.0, own / FULL_PRESSURE) + min(1.0, pays_for / FULL_PRESSURE)) / 2.0 \
            - p.cohesion_rules_weight * p.cohesion_rules_event * rules \
            - p.cohesion_delay_weight * p.cohesion_delay_event * late * urgency

    def waiting_per_1000(self) -> float:
        """Its residents waiting for assessment or placement per 1,000 inhabitants."""
        waiting = len(self.assessment_queue) + len(self.placement_list)
        simulated = self.inhabitants() * self.model.p.population_scale
        return 1000.0 * waiting / simulated if simulated > 0 else 0.0

    def wants_to_leave(self, region: list[Municipality]) -> bool:
        """Review its place in the region; leave after quarters of dissatisfaction (M16).

        Satisfaction is its mean cohesion with the partners, lowered by its own deficit. The
        central municipality stays (it holds protected living for all).
        """
        p, net = self.model.p, self.model.net
        others = [net.value(self.unique_id, o.unique_id, "cohesion") for o in region
                  if o is not self]
        self.satisfaction = sum(others) / len(others) \
            * (1.0 - p.deficit_dissatisfaction * max(0.0, self.deficit))
        self.dissatisfied_quarters = self.dissatisfied_quarters + 1 \
            if self.satisfaction < p.leave_threshold else 0
        if self.central:
            return False
        choice = self.directives.get("joint_procurement")
        if choice is not None:  # a player decides for the year (the classroom mode)
            return choice == "leave"
        return self.dissatisfied_quarters >= p.leave_quarters
