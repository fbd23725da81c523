"""The trust and collaboration network (DESIGN section 4).

One ``networkx.DiGraph``; nodes are the integer ids of municipalities and providers. Edge kinds:

* ``trust`` municipality -> provider and provider -> municipality (directed, M3, M12),
* ``cohesion`` municipality <-> municipality (stored in both directions, M16),
* ``collaboration`` provider <-> provider (both directions; consortium ties are strong, M11).

Each edge stores its value under the attribute named after its kind (``G[u][v]["trust"]``) and
its kind under ``kind``. Values change only through :func:`nudge` (events: erosion faster than
build-up, bounded in [0, 1]) and :func:`drift_all` (towards a baseline without events).

Edges are added and removed through :class:`TrustNetwork` only: it keeps the edges of each kind
(per node, in graph order) as they are added and removed, so the monthly drift and means read
the values without walking the whole graph in Python. Both give, to the last bit, what a walk
over every edge gives.
"""

from __future__ import annotations

from collections import deque
from functools import reduce
from itertools import repeat
from operator import add, itemgetter, setitem

import networkx as nx
import numpy as np

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

    def __init__(self, build: float, erosion: float, baseline: float, drift_rate: float):
        self.graph = nx.DiGraph()
        self._succ = self.graph._succ
        self._by_node: dict[str, dict[int, tuple[list[int], list[dict]]]] = {}
        self._of_kind: dict[str, list[dict]] = {}
        self.build = build
        self.erosion = erosion
        self.baseline = baseline
        self.drift_rate = drift_rate

    def add_node(self, node: int, kind: str, label: str) -> None:
        """Add a municipality or provider node."""
        self.graph.add_node(node, kind=kind, label=label)

    def remove_node(self, node: int) -> None:
        """Remove a node and its edges (a provider leaving the market)."""
        if node in self.graph:
            self.graph.remove_node(node)
            self._by_node.clear()
            self._of_kind.clear()

    def link(self, u: int, v: int, kind: str, value: float, both: bool = False) -> None:
        """Create an edge ``u -> v`` of ``kind`` with ``value`` unless it exists."""
        if not self.graph.has_edge(u, v):
            self.add_edge(u, v, kind, value)
        if both and not self.graph.has_edge(v, u):
            self.add_edge(v, u, kind, value)

    def add_edge(self, u: int, v: int, kind: str, value: float) -> dict:
        """Add the edge ``u -> v`` of ``kind`` (it must not exist); return its data.

        The kept edge lists of the kind (see :meth:`edges_by_node`) take the edge at its place
        in graph order, or are dropped when that place is not at an end.
        """
        self.graph.add_edge(u, v, kind=kind, **{kind: value})
        data = self._succ[u][v]
        of_kind = self._of_kind.get(kind)
        if of_kind is not None:
            of_kind.append(data)
        kept = self._by_node.get(kind)
        if kept is not None:
            entry = kept.get(u)
            if entry is not None:
                entry[0].append(v)
                entry[1].append(data)
            elif next(reversed(self._succ)) == u:
                kept[u] = ([v], [data])
            else:
                del self._by_node[kind]
        return data

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
            self.add_edge(u, v, kind, value)

    def event(self, u: int, v: int, kind: str, strength: float) -> float:
        """Apply an observed event to edge ``u -> v`` (as :func:`nudge`); return the new value."""
        data = self._succ.get(u, NO_EDGES).get(v)
        if data is None:
            data = self.add_edge(u, v, kind, self.baseline)
        value = data[kind]
        if strength >= 0.0:
            value += self.build * strength * (1.0 - value)
        else:
            value += self.erosion * strength * value
        if not 0.0 < value < 1.0:
            value = 1.0 if value >= 1.0 else 0.0
        data[kind] = value
        return value

    def edges_by_node(self, kind: str) -> dict[int, tuple[list[int], list[dict]]]:
        """Targets and data of each node's edges of ``kind``, nodes and edges in graph order.

        Nodes without such edges are left out. Kept while edges are added and removed through
        this class.
        """
        kept = self._by_node.get(kind)
        if kept is None:
            kept = self._by_node[kind] = {}
            for u, nbrs in self._succ.items():
                targets = [v for v, data in nbrs.items() if data["kind"] == kind]
                if targets:
                    kept[u] = (targets, [nbrs[v] for v in targets])
        return kept

    def drift_all(self, months: float = 1.0) -> None:
        """Let trust and cohesion edges drift towards the baseline for ``months`` months.

        Each value moves as :func:`drift` (the same operations, element by element, in numpy).
        Collaboration ties do not drift: they change only when consortia form.
        """
        rate = 1.0 - (1.0 - self.drift_rate) ** months
        base = self.baseline
        for kind in ("trust", "cohesion"):
            datas = self._of_kind.get(kind)
            if datas is None:
                datas = self._of_kind[kind] = [
                    data for _, group in self.edges_by_node(kind).values() for data in group]
            if not datas:
                continue
            values = np.fromiter(map(itemgetter(kind), datas), dtype=float, count=len(datas))
            values = values + rate * (base - values)
            deque(map(setitem, datas, repeat(kind), values.tolist()), maxlen=0)

    def mean(self, kind: str, sources: set[int] | None = None,
             targets: set[int] | None = None) -> float:
        """Mean value of edges of ``kind`` (optionally from ``sources`` to ``targets``).

        The values are summed one by one in graph order.
        """
        total, n = 0.0, 0
        value = itemgetter(kind)
        for u, (ends, datas) in self.edges_by_node(kind).items():
            if sources is not None and u not in sources:
                continue
            if targets is None or targets.issuperset(ends):
                total = reduce(add, map(value, datas), total)
                n += len(datas)
                continue
            for v, data in zip(ends, datas, strict=True):
                if v in targets:
                    total += data[kind]
                    n += 1
        return total / n if n else float("nan")

    def out_values(self, u: int, kind: str) -> dict[int, float]:
        """Values of the edges of ``kind`` leaving ``u``, keyed by target."""
        nbrs = self._succ.get(u)
        return {v: d[kind] for v, d in nbrs.items() if d["kind"] == kind} if nbrs else {}

    def mean_out(self, u: int, kind: str) -> float:
        """Mean value of the edges of ``kind`` leaving ``u`` (the baseline if there are none)."""
        kept = self.edges_by_node(kind).get(u)
        if kept is None:
            return self.baseline
        vals = list(map(itemgetter(kind), kept[1]))
        return sum(vals) / len(vals)
