"""Global sensitivity analysis: which behavioural and policy parameters drive the outcomes.

The question of the model is whether buying from fewer strategic partners improves
transformation, and at what price in trust, cost, choice and waiting time. A comparison of
designs at the default parameters answers it for one set of assumptions; this package asks how
much the answer depends on assumptions nobody can measure well (how strategic providers are,
how fast trust builds, how much supply induces demand, what levers cost), on policy levers the
designs leave open (tariff, case management, access capacity) and on the levers a governance
form is made of (contract years, dialogue, number of partners), which are laid over every
compared form alike so that the differences between forms are the form itself.

The workflow, one module per step (as SALib keeps ``sample`` and ``analyze`` apart):

1. :mod:`.problem`: :data:`FACTORS` (and its SALib form :data:`PROBLEM`) declares the uncertain
   parameters with their bounds, each inside the parameter's allowed range.
2. :mod:`.sample`: :func:`sample` draws a seeded Morris or Sobol sample;
   :func:`build_experiment` turns it into a :class:`SensitivityExperiment` of the runner (every
   point under open house, strategic partners and a consortium with shared seeds).
3. :mod:`.analyze`: :func:`outcome_table` reads the runs' end-of-run outcomes and paired
   differences; :func:`analyse` computes Morris (mu*, sigma) or Sobol (S1, ST) indices with the
   seed noise they carry.
4. :mod:`.write` (with :mod:`.figures` and :mod:`.text`): :func:`write_analysis` writes
   ``indices.csv``, ``outcomes.csv``, one ranked bar figure per KPI and a Markdown report with
   a reading generated from the numbers; :func:`analyse_folder` does steps 3 and 4 for a
   results folder.
"""

from agents_model.analysis.sensitivity.analyze import (
    analyse,
    analyse_experiment,
    outcome_table,
)
from agents_model.analysis.sensitivity.problem import (
    BASELINE,
    DESIGNS,
    FACTORS,
    FORMS,
    METHODS,
    N_BOUNDS,
    OUTCOMES,
    PROBLEM,
    Factor,
    difference,
)
from agents_model.analysis.sensitivity.sample import (
    SensitivityExperiment,
    build_experiment,
    design_keys,
    sample,
)
from agents_model.analysis.sensitivity.write import analyse_folder, write_analysis

__all__ = [
    "BASELINE",
    "DESIGNS",
    "FACTORS",
    "FORMS",
    "METHODS",
    "N_BOUNDS",
    "OUTCOMES",
    "PROBLEM",
    "Factor",
    "SensitivityExperiment",
    "analyse",
    "analyse_experiment",
    "analyse_folder",
    "build_experiment",
    "design_keys",
    "difference",
    "outcome_table",
    "sample",
    "write_analysis",
]
