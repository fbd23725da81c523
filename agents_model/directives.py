"""Decisions a player takes for a municipality, one year at a time (the classroom mode).

In the classroom mode a student plays a municipality. Before each simulated year the student
decides what the municipality's own rules would otherwise decide; the municipality then carries
the decision out through its usual methods, with their usual consequences (a rule added costs
the providers' trust, M2/M3; dialogue costs contract-management hours, M11/M12; leaving the
joint procurement starts with household help, M16). Where a student decides nothing, the
municipality's own rule decides, as in every other run: with no directives the model runs
exactly as without this module.

A municipality holds its directives in ``Municipality.directives`` (decision -> choice), set by
:func:`direct` at the start of a year.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents_model.scenario import ScenarioError, load_scenario

if TYPE_CHECKING:
    from agents_model.agents.municipality import Municipality
    from agents_model.model import WmoModel

__all__ = ["DIALOGUE_FACTOR", "MUNICIPALITY_DECISIONS", "PARTNER_CHANGE", "RECORD_FORMAT", "direct",
           "load_record", "replay_record"]

RECORD_FORMAT = "wmo-abm-classroom/1"
"""Format of a room record: region, design, seed, population scale, years and, per
municipality, the decisions of every year (an empty one: its own rule decided)."""

MUNICIPALITY_DECISIONS: dict[str, tuple[str, ...]] = {
    "joint_procurement": ("stay", "leave"),
    "rules": ("add", "drop", "keep"),
    "dialogue": ("none", "contracted", "double"),
    "tariff": ("cut", "keep", "raise"),
    "partners": ("fewer", "contracted", "more"),
}
"""Per decision, the choices a player has: M16 staying in the joint procurement, M2/M3 contract
rules, M11/M12 dialogue meetings against the contract's intention, M18/M3 the year-end tariff
(as far as the buying rules allow) and M11 the partners kept per product at a procurement round
this year. The tariff and the partners are decided by the municipality that negotiates the
contracts: the central one for the joint contracts, each municipality for its own."""

DIALOGUE_FACTOR: dict[str, float] = {"none": 0.0, "contracted": 1.0, "double": 2.0}
"""Dialogue meetings held, as a multiple of the contract's intention, per choice."""

PARTNER_CHANGE: dict[str, int] = {"fewer": -1, "contracted": 0, "more": 1}
"""Partners kept per product at a procurement round, against the contract's number."""


def direct(municipality: Municipality, decisions: Mapping[str, str]) -> None:
    """Give a municipality a player's decisions for the coming year (replacing earlier ones).

    Args:
        municipality: The municipality the player plays.
        decisions: Decision -> choice (:data:`MUNICIPALITY_DECISIONS`); a decision left out is
            taken by the municipality's own rule.

    Raises:
        ValueError: An unknown decision or choice (names the allowed ones).
    """
    for decision, choice in decisions.items():
        allowed = MUNICIPALITY_DECISIONS.get(decision)
        if allowed is None:
            raise ValueError(f"unknown decision '{decision}' (allowed: "
                             f"{', '.join(MUNICIPALITY_DECISIONS)})")
        if choice not in allowed:
            raise ValueError(f"{decision}: '{choice}' is not one of {', '.join(allowed)}")
    municipality.directives = dict(decisions)


def replay_record(data: Mapping[str, Any]) -> WmoModel:
    """Run a room again from its record: the same model with the same decisions, year by year.

    Raises:
        ScenarioError: The record names an unknown region, design or municipality.
    """
    from agents_model.model import WmoModel

    scenario = load_scenario(data["region"], design=data["design"] or None,
                             overrides={"population_scale": data["population_scale"]})
    model = WmoModel(scenario, rng=data["seed"])
    by_name = {m.name: m for m in model.municipalities}
    unknown = sorted(set(data["decisions"]) - set(by_name))
    if unknown:
        raise ScenarioError(f"room record: no municipality {', '.join(unknown)} in "
                            f"{data['region']}")
    for year in range(data["years"]):
        for name, decisions in data["decisions"].items():
            try:
                direct(by_name[name], decisions[year])
            except (IndexError, ValueError) as exc:
                raise ScenarioError(f"room record: {name}, year {year + 1}: {exc}") from None
        model.run_for(12)
        for municipality in model.municipalities:
            direct(municipality, {})
    return model


def load_record(path: str | Path) -> dict[str, Any] | None:
    """A room record read from ``path``, or None when the file is not one (nor JSON).

    Raises:
        ScenarioError: The file is a room record with a missing or wrong key.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
        return None
    for key, kind in (("region", str), ("design", str), ("seed", int), ("years", int),
                      ("population_scale", float), ("decisions", dict)):
        if not isinstance(data.get(key), kind) or isinstance(data.get(key), bool):
            raise ScenarioError(f"{path}: key '{key}' must be of type {kind.__name__}")
    return data
