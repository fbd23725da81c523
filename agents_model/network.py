"""The trust and collaboration network (``docs/ODD.md``, section 2).

One ``networkx.DiGraph``; nodes are the integer ids of municipalities and providers. Edge kinds:

* ``trust`` municipality -> provider and provider -> municipality (directed, M3, M12),
* ``cohesion`` municipality <-> municipality (stored in both directions, M16),
* ``collaboration`` provider <-> provider (both directions): formed by working around the same
  clients (a shared neighbourhood team, subcontracting), fading without contact, worn by
  head-to-head competition; a consortium sets strong ties between lead and members (M5, M10,
  M11).

Each edge stores its value under the attribute named after its kind (``G[u][v]["trust"]``) and
its kind under ``kind``. Values change only through :func:`nudge` (events: erosion faster than
build-up, bounded in [0, 1]) and :meth:`TrustNetwork.drift_all` (towards a baseline without
events; collaboration towards 0).
"""

from __future__ import annotations

import networkx as nx

__all__ = ["TrustNetwork", "drift", "nudge"]

NO_EDGES: dict[int, dict] = {}
"""Out-edges of a node that is not in the graph (never filled)."""


def nudge(value: float, event: float, build: float, erosion: float) -> float:
    """Apply an event of signed strength ``event`` to a value in [0, 1].

    Positive events build up in proportion to the room left, negative ones erode in proportion
    to the value, and ``erosion`` > ``build`` makes trust lost faster than won (M3, M12).

    Args:
        value: Current value in [0, 1].
        event: Signed strength of the event (typically in [-1, 1]).
        build: Build-up rate per unit positive event.
        erosion: Erosion rate per unit negative event.

    Returns:
        The new value, in [0, 1].
    """
    if event >= 0.0:
        value += build * event * (1.0 - value)
    else:
        value += erosion * event * value
    return clip01(value)


def clip01(value: float) -> float:
    """``min(1.0, max(0.0, value))``: the value bounded to [0, 1] (NaN and -0.0 give 0.0)."""
    if 0.0 < value < 1.0:
        return value
    return 1.0 if value >= 1.0 else 0.0


def drift(value: float, baseline: float, rate: float) -> float:
    """Move ``value`` a fraction ``rate`` towards ``baseline`` (no events)."""
    return value + rate * (baseline - value)


class TrustNetwork:
    """Helpers over the model's graph; the graph itself is ``model.network``.

    Args:
        build: Build-up rate of trust per positive event.
        erosion: Erosion rate per negative event.
        baseline: Level values drift to without events.
        drift_rate: Monthly drift rate.
    """

    def __init__(self, build: float, erosion: float, baseline: float, drift_rate: float,
                 collaboration_decay: float = 0.0):
        self.graph = nx.DiGraph()
        self._succ = self.graph._succ
        self.build = build
        self.erosion = erosion
        self.baseline = baseline
        self.drift_rate = drift_rate
        self.collaboration_decay = collaboration_decay

    def add_node(self, node: int, kind: str, label: str) -> None:
        """Add a municipality or provider node."""
        self.graph.add_node(node, kind=kind, label=label)

    def remove_node(self, node: int) -> None:
        """Remove a node and its edges (a provider leaving the market)."""
        if node in self.graph:
            self.graph.remove_node(node)

    def link(self, u: int, v: int, kind: str, value: float, both: bool = False) -> None:
        """Create an edge ``u -> v`` of ``kind`` with ``value`` unless it exists."""
        if not self.graph.has_edge(u, v):
            self.graph.add_edge(u, v, kind=kind, **{kind: value})
        if both and not self.graph.has_edge(v, u):
            self.graph.add_edge(v, u, kind=kind, **{kind: value})

    def value(self, u: int, v: int, kind: str, default: float | None = None) -> float:
        """Value of edge ``u -> v`` (``default`` or the baseline if the edge is missing)."""
        data = self._succ.get(u, NO_EDGES).get(v)
        if data is None:
            return self.baseline if default is None else default
        return data[kind]

    def set(self, u: int, v: int, kind: str, value: float) -> None:
        """Set an edge value directly (clipped to [0, 1]); creates the edge if needed."""
        value = min(1.0, max(0.0, value))
        if self.graph.has_edge(u, v):
            self.graph[u][v][kind] = value
        else:
            self.graph.add_edge(u, v, kind=kind, **{kind: value})

    def event(self, u: int, v: int, kind: str, strength: float) -> float:
        """Apply an observed event to edge ``u -> v`` (as :func:`nudge`); return the new value."""
        data = self._succ.get(u, NO_EDGES).get(v)
        if data is None:
            self.graph.add_edge(u, v, kind=kind, **{kind: self.baseline})
            data = self.graph[u][v]
        value = data[kind]
        if strength >= 0.0:
            value += self.build * strength * (1.0 - value)
        else:
            value += self.erosion * strength * value
        if not 0.0 < value < 1.0:
            value = 1.0 if value >= 1.0 else 0.0
        data[kind] = value
        return value

    def drift_all(self, months: float = 1.0) -> None:
        """Let trust and cohesion drift towards the baseline, and collaboration fade.

        Trust and cohesion move as :func:`drift`; collaboration ties decay towards 0 without
        contact (``collaboration_decay`` a month).
        """
        rate = 1.0 - (1.0 - self.drift_rate) ** months
        fade = (1.0 - self.collaboration_decay) ** months
        base = self.baseline
        for nbrs in self._succ.values():
            for data in nbrs.values():
                kind = data["kind"]
                if kind == "collaboration":
                    data[kind] *= fade
                else:
                    value = data[kind]
                    data[kind] = value + rate * (base - value)

    def mean(self, kind: str, sources: set[int] | None = None,
             targets: set[int] | None = None) -> float:
        """Mean value of edges of ``kind`` (optionally from ``sources`` to ``targets``)."""
        total, n = 0.0, 0
        for u, nbrs in self._succ.items():
            if sources is not None and u not in sources:
                continue
            for v, data in nbrs.items():
                if data["kind"] != kind:
                    continue
                if targets is not None and v not in targets:
                    continue
                total += data[kind]
                n += 1
        return total / n if n else float("nan")

    def out_values(self, u: int, kind: str) -> dict[int, float]:
        """Values of the edges of ``kind`` leaving ``u``, keyed by target."""
        nbrs = self._succ.get(u)
        return {v: d[kind] for v, d in nbrs.items() if d["kind"] == kind} if nbrs else {}

    def sum_out(self, u: int, kind: str) -> float:
        """Sum of the values of the edges of ``kind`` leaving ``u`` (0 if there are none)."""
        nbrs = self._succ.get(u)
        return sum([d[kind] for d in nbrs.values() if d["kind"] == kind]) if nbrs else 0.0

    def mean_out(self, u: int, kind: str) -> float:
        """Mean value of the edges of ``kind`` leaving ``u`` (the baseline if there are none)."""
        nbrs = self._succ.get(u)
        vals = [d[kind] for d in nbrs.values() if d["kind"] == kind] if nbrs else []
        return sum(vals) / len(vals) if vals else self.baseline
