"""The sample behind scenario discovery: uncertain behaviour and common levers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agents_model.runner import Experiment

__all__ = ["FORMS", "RANGES", "REFERENCE", "build_experiment"]

REFERENCE = "open_house"
"""The form the others must beat."""
FORMS: tuple[str, ...] = ("strategic_partners", "consortium")
"""The forms whose wins are sought."""

RANGES: dict[str, list[float]] = {
    "contract_years": [1, 10],
    "dialogue_meetings": [0, 12],
    "dialogue_content_share": [0.2, 0.9],
    "case_management": [0.0, 0.6],
    "tariff_factor": [0.8, 1.2],
    "access_fte_per_10k": [1.0, 4.0],
    "sigma_large": [0.3, 0.8],
    "innovation_rate": [0.0, 0.2],
    "agreement_breach": [0.0, 1.0],
    "reputation_share": [0.0, 0.6],
    "team_contact": [0.0, 0.15],
    "upcoding_propensity": [0.2, 0.8],
}
"""Sampled ranges: levers both forms share (so only the procurement form differs within a
point) and behaviour nobody measures well (within each parameter's allowed range)."""


def build_experiment(region: str, n: int = 64, seeds: int = 3, years: int = 8,
                     fixed: dict[str, Any] | None = None, root_seed: int = 20150501,
                     ranges: dict[str, list[float]] | None = None) -> Experiment:
    """``n`` Latin-hypercube points, each under open house and the selective forms.

    Every point's levers are laid over each form's design file, so within a point the forms
    share them and differ only in the procurement form and what comes with it. Sanctions are
    off for every form unless ``fixed`` says otherwise (M17: contracts rarely had them).
    """
    label = Path(region).stem
    fixed = {"sanctions": False, **(fixed or {})}
    return Experiment(
        name=f"discover_{label}", regions=[region], designs=[REFERENCE, *FORMS],
        baseline=REFERENCE, seeds=seeds, years=years, root_seed=root_seed,
        fixed=fixed, sample=dict(ranges or RANGES), sample_size=n,
        description=f"{n} sampled points under {REFERENCE}, {', '.join(FORMS)} on {label}, "
                    f"{seeds} paired seeds, {years} years")
