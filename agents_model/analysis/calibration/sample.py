"""Sampling the calibration: the parameter sets to run, and the box of the next round.

:func:`calibration_experiment` samples the uncertain behavioural parameters (those with a
``prior`` in the parameter table) by Latin hypercube and runs every set under every variant and
seed through the experiment runner; :func:`narrowed_box` is where the next round samples
(sequential pattern filtering); :func:`check_experiment` runs the defaults as they stand.
"""

from __future__ import annotations

import math

import pandas as pd

from agents_model.analysis.calibration.targets import TargetSet
from agents_model.params import by_name, priors
from agents_model.runner.experiments import OWN_DESIGN, Experiment

__all__ = ["ROOT_SEED", "calibration_experiment", "check_experiment", "narrowed_box"]

ROOT_SEED = 20260101


def calibration_experiment(targets: TargetSet, budget: int, seeds: int, scale: float,
                           root_seed: int = ROOT_SEED,
                           prior: dict[str, tuple[float, float]] | None = None) -> Experiment:
    """The experiment: ``budget`` Latin-hypercube points x variants x seeds.

    Args:
        targets: The target set (region, design, month, variants).
        budget: Number of parameter sets sampled.
        seeds: Seeds per parameter set and variant.
        scale: Population scale of the runs.
        root_seed: Root of the seed sequence (also seeds the Latin hypercube).
        prior: Parameter ranges (default: the priors of the parameter table).
    """
    prior = prior or priors()
    return Experiment(
        name="calibration", regions=[targets.region], designs=[targets.design or OWN_DESIGN],
        seeds=seeds, years=math.ceil(targets.month / 12), root_seed=root_seed,
        fixed={"population_scale": scale}, rows=[dict(v) for v in targets.variants.values()],
        sample={k: [float(lo), float(hi)] for k, (lo, hi) in prior.items()},
        sample_size=budget,
        description=f"Calibration of {len(prior)} parameters to {len(targets.targets)} "
                    f"patterns on {targets.region}")


def check_experiment(targets: TargetSet, seeds: int, scale: float,
                     root_seed: int = ROOT_SEED + 1000) -> Experiment:
    """The defaults as they stand (no sampling): every variant x ``seeds`` seeds."""
    return Experiment(
        name="calibration-check", regions=[targets.region],
        designs=[targets.design or OWN_DESIGN], seeds=seeds,
        years=math.ceil(targets.month / 12), root_seed=root_seed,
        fixed={"population_scale": scale}, rows=[dict(v) for v in targets.variants.values()],
        description=f"Check of the calibrated defaults against {len(targets.targets)} patterns "
                    f"on {targets.region}")



def narrowed_box(accepted: pd.DataFrame, box: dict[str, tuple[float, float]],
                 prior: dict[str, tuple[float, float]],
                 widen: float = 0.1) -> dict[str, tuple[float, float]]:
    """Sampling box of the next round: the kept sets' ranges, widened, inside the prior.

    Sequential pattern filtering: each round samples a Latin hypercube over the box that
    holds the previous round's kept sets, widened on each side by ``widen`` of the prior's
    width so the search can still move, and never beyond the prior.

    Args:
        accepted: The kept parameter sets of the round.
        box: The box that round sampled.
        prior: The original priors.
        widen: Margin on each side as a share of the prior's width.
    """
    if accepted.empty:
        return dict(box)
    out = {}
    for name, (low, high) in box.items():
        p_low, p_high = prior.get(name, (low, high))
        margin = widen * (p_high - p_low)
        low = max(p_low, float(accepted[name].min()) - margin)
        high = min(p_high, float(accepted[name].max()) + margin)
        if _is_int(name):
            low, high = float(math.floor(low)), float(math.ceil(high))
        out[name] = (low, high)
    return out


def _is_int(name: str) -> bool:
    param = by_name(name)
    return param is not None and param.kind is int
