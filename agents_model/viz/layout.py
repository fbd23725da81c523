"""A stable picture of the trust network: where each municipality and provider is drawn.

Positions follow from ids and kinds alone, never from edge values, so the picture does not jump
between months or on Reset (the same settings give the same ids and the same positions).
Municipalities sit on an inner circle in id order. Providers sit on an outer ring, grouped by
kind (large, medium, small, cooperative) and ordered by id within a kind, so a kind forms one
arc. Providers that enter the market later get a place on a third ring from their id, and a
provider that leaves keeps its empty place: the other nodes never move.

Everything here is a pure function of plain data; the app computes the base layout once per
model and only extends it for entrants.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

__all__ = ["KIND_ORDER", "extend_layout", "graph_layout", "network_layout"]

KIND_ORDER: tuple[str, ...] = ("large", "medium", "small", "cooperative")
"""Order of provider kinds around the outer ring."""

INNER_RADIUS = 0.45
OUTER_RADIUS = 1.0
ENTRANT_RADIUS = 1.18
_GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))

Position = tuple[float, float]


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _circle(nodes: list[int], radius: float, start: float = math.pi / 2) -> dict[int, Position]:
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)} if radius == INNER_RADIUS else {nodes[0]: (0.0, radius)}
    return {node: (radius * math.cos(start - 2 * math.pi * i / n),
                   radius * math.sin(start - 2 * math.pi * i / n))
            for i, node in enumerate(nodes)}


def network_layout(municipalities: Iterable[int],
                   providers: Mapping[int, str]) -> dict[int, Position]:
    """Positions of every node, from ids and provider kinds only.

    Args:
        municipalities: Ids of the municipalities.
        providers: Provider id -> kind (``large``, ``medium``, ``small``, ``cooperative``).

    Returns:
        Node id -> (x, y), municipalities within radius 0.45, providers on the unit circle.
    """
    munis = sorted(municipalities)
    ordered = sorted(providers, key=lambda q: (_kind_rank(providers[q]), q))
    positions = _circle(munis, INNER_RADIUS)
    positions.update(_circle(ordered, OUTER_RADIUS))
    return positions


def graph_layout(graph, provider_kinds: Mapping[int, str]) -> dict[int, Position]:
    """Positions of every node of a trust network (``model.network``).

    Args:
        graph: The networkx graph; node attribute ``kind`` is ``municipality`` or
            ``provider``.
        provider_kinds: Provider id -> kind; providers missing from it count as ``small``.

    Returns:
        Node id -> (x, y), as :func:`network_layout`.
    """
    munis = [n for n, kind in graph.nodes(data="kind") if kind == "municipality"]
    provs = {n: provider_kinds.get(n, "small") for n, kind in graph.nodes(data="kind")
             if kind != "municipality"}
    return network_layout(munis, provs)


def extend_layout(base: Mapping[int, Position], nodes: Iterable[int]) -> dict[int, Position]:
    """Keep ``base`` and give every node missing from it a place on the entrants' ring.

    A newcomer's angle follows from its id (golden-angle steps), so it is the same whenever it
    is computed and does not depend on who else entered.

    Args:
        base: Positions computed earlier (kept as they are).
        nodes: Node ids to place (those already in ``base`` are left alone).

    Returns:
        A new dict: ``base`` plus positions for the new nodes.
    """
    out = dict(base)
    for node in nodes:
        if node not in out:
            angle = math.pi / 2 - _GOLDEN_ANGLE * node
            out[node] = (ENTRANT_RADIUS * math.cos(angle), ENTRANT_RADIUS * math.sin(angle))
    return out
