"""Design effects taken apart: which lever of a governance form does the work.

A governance form such as "strategic partners" comes bundled with levers (long contracts,
many dialogue meetings, sanctions, a funding model). This package runs a full factorial design
over those levers on one region with paired seeds, and estimates each lever's main effect and
the largest two-way interactions, so an adviser sees what part of a form's result comes from
the procurement form itself and what from the levers that usually come with it.

1. :mod:`.design`: :data:`FACTORS` (the levers and their levels, the first level the reference)
   and :func:`build_experiment` (the factorial as an experiment of the runner);
2. :mod:`.analyze`: :func:`main_effects` and :func:`interactions`, paired by seed and by the
   levels of the other factors;
3. :mod:`.write`: :func:`write_effects` writes ``effects.csv``, ``interactions.csv``, a figure
   per KPI and a plain-language ``effects.md``.
"""

from agents_model.analysis.effects.analyze import EFFECT_KPIS, interactions, main_effects
from agents_model.analysis.effects.design import FACTORS, build_experiment, load_factors
from agents_model.analysis.effects.write import write_effects

__all__ = ["EFFECT_KPIS", "FACTORS", "build_experiment", "interactions", "load_factors",
           "main_effects", "write_effects"]
