"""Counters the agents report to: the month's tallies, lifecycle states and need.

Agents do not write the model's tallies; they report what happened through the methods of
:class:`Stats` (a placement, a refusal, a state change), and the KPIs of
:mod:`agents_model.metrics` read them. Counts of residents per state and the sum of need of
active residents are kept incrementally, so a month's KPIs need no pass over all residents.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from agents_model.products import STATES

if TYPE_CHECKING:
    from agents_model.agents.resident import Resident

__all__ = ["ACTIVE", "Stats"]

ACTIVE = frozenset({"unmet", "waiting_assessment", "general_provision", "waiting_placement",
                    "in_care"})
"""Lifecycle states whose residents count in the mean need."""
ROLLING_MONTHS = 12


class Stats:
    """Monthly tallies, the rolling year of them, residents per state and need.

    Attributes:
        month: This month's tallies by name (``placed``, ``refusals``, ``spend``, ...).
        rolling: The tallies of the last twelve months, oldest first.
        states: Residents per lifecycle state.
        unmet: Residents with an unmet need, in the order their need arose.
        need_sum: Sum of need over residents in an active state.
        need_count: Residents in an active state.
        in_care_by: Residents in care per municipality id.
    """

    def __init__(self) -> None:
        self.month: Counter = Counter()
        self.rolling: list[Counter] = []
        self.states: Counter = Counter({s: 0 for s in STATES})
        self.unmet: dict[Resident, None] = {}
        self.need_sum = 0.0
        self.need_count = 0
        self.in_care_by: Counter = Counter()

    def count(self, key: str, n: float = 1) -> None:
        """Add ``n`` to this month's tally ``key``."""
        self.month[key] += n

    def start_month(self) -> None:
        """Begin a new month's tallies."""
        self.month = Counter()

    def close_month(self) -> None:
        """Count the month's waiting residents; add the month's tallies to the rolling year."""
        self.month["waiting_months"] += self.states["waiting_assessment"] \
            + self.states["waiting_placement"]
        self.rolling = (self.rolling + [self.month])[-ROLLING_MONTHS:]

    def over_year(self, key: str) -> float:
        """Sum of a tally over the rolling year."""
        return float(sum(c.get(key, 0) for c in self.rolling))

    # --- residents ------------------------------------------------------------------------------

    def resident_arrived(self, resident: Resident) -> None:
        """A new resident with a need, in the ``unmet`` state."""
        self.states["unmet"] += 1
        self.unmet[resident] = None
        self.need_sum += resident.need
        self.need_count += 1

    def state_changed(self, resident: Resident, old: str, new: str) -> None:
        """A resident moved from state ``old`` to ``new`` (her need is unchanged)."""
        if old == "unmet":
            self.unmet.pop(resident, None)
        self.states[old] -= 1
        self.states[new] += 1
        if old == "in_care":
            self.in_care_by[resident.municipality.unique_id] -= 1
        elif new == "in_care":
            self.in_care_by[resident.municipality.unique_id] += 1
        was, now = old in ACTIVE, new in ACTIVE
        if was != now:
            sign = 1 if now else -1
            self.need_sum += sign * resident.need
            self.need_count += sign
        if new == "unmet":
            self.unmet[resident] = None

    def need_changed(self, resident: Resident, change: float) -> None:
        """An active resident's need changed by ``change``."""
        if resident.state in ACTIVE:
            self.need_sum += change
