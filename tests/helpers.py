"""Small models that build in milliseconds (shared by the test modules)."""

from __future__ import annotations

from agents_model import Scenario, WmoModel
from agents_model.scenario import MunicipalitySpec

SMALL = 0.05


def region(*populations: int, central: int = 0) -> Scenario:
    """A scenario with municipalities of the given sizes (the first is central)."""
    munis = [MunicipalitySpec(f"M{i}", pop, central=(i == central))
             for i, pop in enumerate(populations)]
    return Scenario(municipalities=munis)


def small_model(seed: int = 1, scenario: Scenario | None = None, **overrides) -> WmoModel:
    """A default model at a small population scale."""
    overrides.setdefault("population_scale", SMALL)
    return WmoModel(scenario, rng=seed, **overrides)


def crash_on_second_consortium_seed(spec):
    """A run task whose consortium run of seed 1 kills its worker process (a library crash)."""
    import os

    from agents_model.runner import execute

    if spec.seed_index == 1 and spec.design == "consortium":
        os._exit(3)
    return execute(spec)
