"""What the runner's modules share: the own-design name, the error and the short labels."""

from __future__ import annotations

from pathlib import Path

from agents_model.scenario import ScenarioError

__all__ = ["OWN_DESIGN", "ExperimentError", "short_label"]

OWN_DESIGN = "own"
"""Design name meaning: the region's own contract design, without a governance file."""


class ExperimentError(ScenarioError):
    """An experiment file, output folder or executor is unusable (message names the cause)."""


def short_label(name: str) -> str:
    """Short label of a region or design given as a bare name or a path (as in the tables)."""
    return Path(name).stem if str(name).endswith(".toml") else str(name)
