"""The agenda: residents' events by the month they fall due.

A resident puts an event (an outcome check, a review, the end of a general provision, a relapse,
moving away or dying) on the agenda with the version of her state; when her state changes
before the month arrives, the event is stale and dropped. Residents whose situation does not
change therefore cost nothing between their events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agents_model.agents.resident import Resident

__all__ = ["Agenda"]

ALWAYS = -1
"""Version of an event that holds whatever the resident's state (moving away or dying)."""


class Agenda:
    """Events per month: (resident, kind, version of her state when it was scheduled)."""

    def __init__(self) -> None:
        self.months: dict[int, list[tuple[Resident, str, int]]] = {}

    def add(self, month: int, resident: Resident, kind: str, version: int = ALWAYS) -> None:
        """Put a resident's event of ``kind`` on the agenda for ``month``."""
        self.months.setdefault(month, []).append((resident, kind, version))

    def due(self, month: int) -> list[tuple[Resident, str, int]]:
        """Take the events of ``month`` off the agenda."""
        return self.months.pop(month, [])
