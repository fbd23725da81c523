"""Rounds of sequential pattern filtering: sample, run, score, narrow the box, again.

Round 1 samples the priors; every later round samples the box around the sets the round before
kept. The kept set closest to the patterns (or the medians of the kept sets) becomes
``calibrated.toml`` (:mod:`.write`), which scenarios use as defaults once installed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from agents_model.analysis.calibration.analyze import score, select
from agents_model.analysis.calibration.sample import (
    ROOT_SEED,
    calibration_experiment,
    narrowed_box,
)
from agents_model.analysis.calibration.targets import TargetSet
from agents_model.params import priors
from agents_model.runner.experiments import Experiment

__all__ = ["Round", "run_rounds"]


@dataclass(frozen=True)
class Round:
    """One round of a calibration: what it sampled, scored and kept."""

    number: int
    experiment: Experiment
    scores: pd.DataFrame
    accepted: pd.DataFrame
    method: str
    box: dict[str, tuple[float, float]]



def run_rounds(targets: TargetSet, budget: int, seeds: int, scale: float, rounds: int,
               out: Path, run: Callable[[Experiment, Path], None],
               prior: dict[str, tuple[float, float]] | None = None) -> list[Round]:
    """Run ``rounds`` rounds of sequential pattern filtering through ``run``.

    Round 1 samples the priors; every later round samples the box around the sets the round
    before kept (:func:`narrowed_box`), with its own Latin hypercube seed. Each round has its
    own results folder (``out`` itself for a single round, ``out/round<k>`` otherwise), so an
    interrupted calibration resumes where it stopped.

    Args:
        targets: The target set.
        budget: Parameter sets per round.
        seeds: Seeds per parameter set and variant.
        scale: Population scale of the runs.
        rounds: Number of rounds.
        out: Results folder.
        run: Runs an experiment into a folder (the experiment command's runner).
        prior: Parameter ranges of round 1 (default: the priors of the parameter table).

    Returns:
        One :class:`Round` per round, in order.
    """
    prior = prior or priors()
    box = dict(prior)
    done: list[Round] = []
    for k in range(1, rounds + 1):
        folder = out if rounds == 1 else out / f"round{k}"
        experiment = calibration_experiment(targets, budget, seeds, scale,
                                            root_seed=ROOT_SEED + k - 1, prior=box)
        run(experiment, folder)
        scores = score(folder, targets, experiment)
        accepted, method = select(scores, len(targets.targets))
        done.append(Round(k, experiment, scores, accepted, method, box))
        box = narrowed_box(accepted, box, prior)
    return done
