"""Calibration to the reports' facts: pattern scoring and rejection (pattern-oriented modelling).

The calibration targets T1-T6 of the evidence base are patterns in ``calibration/targets.toml``
(:mod:`.targets`). Calibration samples the uncertain behavioural parameters (those with a
``prior`` in the parameter table) by Latin hypercube (:mod:`.sample`), runs every sample point
under every variant and seed through the experiment runner (so it parallelises, resumes and runs
on a Dask cluster unchanged), averages each pattern over seeds and keeps the sample points that
meet every pattern (rejection, :mod:`.analyze`). When no point meets them all, the closest tenth
is kept instead (pattern filtering) and the patterns that could not be met together are named.
Later rounds sample the box around the sets the round before kept (sequential pattern
filtering, :mod:`.rounds`). The kept set closest to the patterns (or the medians of the kept
sets) becomes ``calibrated.toml`` (:mod:`.write`, with the report and :mod:`.figures`),
which scenarios use as defaults once installed.
"""

from agents_model.analysis.calibration.analyze import (
    PICKS,
    calibrated_values,
    check,
    conflicts,
    posterior,
    score,
    select,
)
from agents_model.analysis.calibration.rounds import Round, run_rounds
from agents_model.analysis.calibration.sample import (
    ROOT_SEED,
    calibration_experiment,
    check_experiment,
    narrowed_box,
)
from agents_model.analysis.calibration.targets import (
    STATISTICS,
    TARGETS,
    Target,
    TargetSet,
    distance,
    load_targets,
    statistic,
)
from agents_model.analysis.calibration.write import check_report, write_analysis

__all__ = [
    "PICKS",
    "ROOT_SEED",
    "STATISTICS",
    "TARGETS",
    "Round",
    "Target",
    "TargetSet",
    "calibrated_values",
    "calibration_experiment",
    "check",
    "check_experiment",
    "check_report",
    "conflicts",
    "distance",
    "load_targets",
    "narrowed_box",
    "posterior",
    "run_rounds",
    "score",
    "select",
    "statistic",
    "write_analysis",
]
