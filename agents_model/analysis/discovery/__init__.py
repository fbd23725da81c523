"""Scenario discovery: the conditions under which strategic partners (or consortia) win.

A Latin-hypercube sample over uncertain behaviour and common levers is run under open house and
under the selective forms with shared seeds. A point is a *win* for a form when it raises the
transformation index over open house without lengthening the mean wait or raising spend beyond
thresholds the user sets. PRIM (the ``prim`` package, in the ``analysis`` extra) then finds the
box of parameter ranges in which wins concentrate, with its coverage (share of all wins inside
the box) and density (share of points inside the box that are wins).

1. :mod:`.design`: :data:`RANGES` and :func:`build_experiment`;
2. :mod:`.analyze`: :func:`point_outcomes` (per point, each form minus open house),
   :func:`wins` and :func:`find_box`;
3. :mod:`.write`: :func:`write_discovery` writes ``points.csv``, ``boxes.csv``,
   ``trajectory.csv`` and a plain-language ``discover.md``.
"""

from agents_model.analysis.discovery.analyze import find_box, point_outcomes, wins
from agents_model.analysis.discovery.design import RANGES, build_experiment
from agents_model.analysis.discovery.write import write_discovery

__all__ = ["RANGES", "build_experiment", "find_box", "point_outcomes", "wins", "write_discovery"]
