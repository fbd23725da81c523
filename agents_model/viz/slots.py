"""Fair shares of the server's comparison slots between visitors.

At most :data:`agents_model.viz.limits.COMPARE_SLOTS` comparisons run at once on one server.
When more wait, a free slot goes to the waiting visitor who holds the fewest running
comparisons; among equals, to the one served longest ago; among a visitor's own requests, to
the oldest. A visitor with many tabs may fill the free slots while nobody else waits, but the
next visitor who asks gets the next free slot: nobody waits longer than the comparisons already
running. No slot is ever left idle while a request waits.

A visitor is the client's address as the app's own server stamps it on every request
(:data:`agents_model.viz.server.CLIENT_HEADER`), so new tabs, private windows and cleared
cookies do not make a visitor into several; where that header is missing (Solara's own server,
tests) the browser session stands in.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["FairSlots", "visitor_of"]


@dataclass(frozen=True)
class _Request:
    visitor: str
    order: int


class FairSlots:
    """Slots handed out fairly between visitors (see the module docstring).

    Args:
        slots: Comparisons that may run at once.
    """

    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ValueError(f"slots must be at least 1, not {slots}")
        self.slots = slots
        self._cond = threading.Condition()
        self._running: Counter[str] = Counter()
        self._served: dict[str, int] = {}
        self._waiting: list[_Request] = []
        self._clock = itertools.count()

    def _first(self) -> _Request:
        """The waiting request that gets the next free slot."""
        return min(self._waiting, key=lambda r: (self._running[r.visitor],
                                                 self._served.get(r.visitor, -1), r.order))

    def acquire(self, visitor: str, should_stop: Callable[[], bool] = lambda: False,
                on_wait: Callable[[], None] | None = None, poll: float = 0.25) -> bool:
        """Wait for a slot for ``visitor``.

        Args:
            visitor: Who asks (see :func:`visitor_of`).
            should_stop: Asked while waiting; True gives up the place in the queue.
            on_wait: Called once when the request has to wait.
            poll: Seconds between two questions to ``should_stop``.

        Returns:
            True with a slot held (give it back with :meth:`release`); False when
            ``should_stop`` said so first.
        """
        with self._cond:
            request = _Request(visitor, next(self._clock))
            self._waiting.append(request)
            waited = False
            while True:
                if sum(self._running.values()) < self.slots and self._first() == request:
                    self._waiting.remove(request)
                    self._running[visitor] += 1
                    self._served[visitor] = next(self._clock)
                    self._cond.notify_all()
                    return True
                if should_stop():
                    self._waiting.remove(request)
                    self._cond.notify_all()
                    return False
                if not waited and on_wait is not None:
                    on_wait()
                waited = True
                self._cond.wait(poll)

    def release(self, visitor: str) -> None:
        """Give back a slot ``visitor`` holds."""
        with self._cond:
            if self._running[visitor] <= 0:
                raise ValueError(f"{visitor!r} holds no slot")
            self._running[visitor] -= 1
            self._cond.notify_all()

    def running(self) -> dict[str, int]:
        """Running comparisons per visitor (for the page and tests)."""
        with self._cond:
            return {v: n for v, n in self._running.items() if n > 0}

    def waiting(self) -> list[str]:
        """The visitors of the waiting requests, in the order they will be served."""
        with self._cond:
            order = sorted(self._waiting, key=lambda r: (self._running[r.visitor],
                                                         self._served.get(r.visitor, -1),
                                                         r.order))
            return [r.visitor for r in order]


def visitor_of(headers: Mapping[str, Sequence[str]] | None, session_id: str) -> str:
    """Who a tab belongs to: the client's address stamped by the app's server, else the session.

    Args:
        headers: The request headers Solara passes to the page (lists of values per name).
        session_id: The browser session (Solara's session cookie).
    """
    from agents_model.viz.server import CLIENT_HEADER

    values = (headers or {}).get(CLIENT_HEADER) or ()
    return f"client:{values[-1]}" if values else f"session:{session_id}"
