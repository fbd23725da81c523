"""What a governance form is made of: the procurement form itself and the levers bought with it.

Read from the shipped results for the app's page "Design effects".

Two shipped results answer it (both in ``docs/``, bundled with the package):

* ``answer/differences.csv`` (``wmo-abm sweep answer``, five regions, 30 paired seeds): each form
  against open house as packaged (point 0), with open house's levers (point 1: the procurement
  form itself) and as packaged without sanctions (point 2). The levers' part is point 0 minus
  point 1, the sanctions' part point 0 minus point 2. The shipped tables hold each difference's
  mean and 95% interval, not the seeds, so the interval of a part is the conservative one of a
  difference of two independent estimates (``sqrt(h0^2 + h1^2)`` for the half-widths); paired
  seeds would give a narrower one.
* ``design_effects/effects.csv`` (``wmo-abm effects``, Leiden only, a full factorial): the
  effect of each lever on its own, averaged over the levels of the others.

Pure data and words; the page itself is :func:`agents_model.viz.pages.DesignEffectsPage`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from agents_model.scenario import data_folder
from agents_model.viz.i18n import fmt, kpi_label, t

__all__ = [
    "EFFECT_KPIS",
    "FORMS",
    "PARTS",
    "Part",
    "answer_differences",
    "answer_regions",
    "decomposition",
    "factorial_region",
    "lever_effects",
    "part_text",
    "sentences",
]

FORMS: tuple[str, ...] = ("strategic_partners", "consortium")
"""The forms compared with open house in the shipped answer."""

EFFECT_KPIS: tuple[str, ...] = (
    "transformation_index", "transformation_index_outcomes", "innovation_mean", "waiting_list",
    "spend", "trust_municipality_to_provider", "trust_provider_to_municipality",
    "contracted_providers",
)
"""KPIs the page offers (each is in both shipped tables)."""

PARTS: tuple[str, ...] = ("packaged", "form", "levers", "without_sanctions", "sanctions")
"""The rows of a decomposition, in the order the page shows them."""

_POINTS = {"packaged": 0, "form": 1, "without_sanctions": 2}


@dataclass(frozen=True)
class Part:
    """One part of a form's difference from open house.

    Attributes:
        key: One of :data:`PARTS`.
        mean: Mean difference.
        low: Lower end of the 95% interval.
        high: Upper end of the 95% interval.
        derived: Whether it is a difference of two shipped differences (conservative interval).
    """

    key: str
    mean: float
    low: float
    high: float
    derived: bool = False

    @property
    def clear(self) -> bool:
        """Whether the interval excludes 0."""
        return self.low > 0 or self.high < 0


def _docs() -> Path:
    return data_folder("docs")


@functools.lru_cache(maxsize=2)
def _read(path: Path, _mtime: float) -> pd.DataFrame:
    return pd.read_csv(path)


def _table(relative: str) -> pd.DataFrame:
    path = _docs() / relative
    return _read(path, path.stat().st_mtime)


def answer_differences() -> pd.DataFrame:
    """The shipped answer's differences from open house (``docs/answer/differences.csv``)."""
    return _table("answer/differences.csv")


def answer_regions() -> list[str]:
    """Regions of the shipped answer, in the order of the file."""
    return list(dict.fromkeys(answer_differences()["region"]))


def _shipped(frame: pd.DataFrame, region: str, design: str, kpi: str, point: int) -> Part | None:
    hit = frame[(frame["region"] == region) & (frame["design"] == design)
                & (frame["kpi"] == kpi) & (frame["point"] == point)]
    if hit.empty:
        return None
    row = hit.iloc[0]
    key = next(k for k, p in _POINTS.items() if p == point)
    return Part(key, float(row["mean"]), float(row["low"]), float(row["high"]))


def _minus(key: str, a: Part, b: Part) -> Part:
    """``a - b`` with the conservative interval of a difference of independent estimates."""
    mean = a.mean - b.mean
    half = math.hypot((a.high - a.low) / 2, (b.high - b.low) / 2)
    return Part(key, mean, mean - half, mean + half, derived=True)


def decomposition(region: str, design: str, kpi: str) -> dict[str, Part]:
    """A form's difference from open house on ``kpi`` in ``region``, taken apart.

    Returns:
        Per key of :data:`PARTS` (those the shipped table allows): ``packaged`` (as bought),
        ``form`` (the procurement form with open house's levers), ``levers`` (packaged minus
        form), ``without_sanctions`` and ``sanctions`` (packaged minus without sanctions).
        Empty when the table has no such row.
    """
    frame = answer_differences()
    parts = {key: _shipped(frame, region, design, kpi, point) for key, point in _POINTS.items()}
    out = {k: v for k, v in parts.items() if v is not None}
    if "packaged" in out and "form" in out:
        out["levers"] = _minus("levers", out["packaged"], out["form"])
    if "packaged" in out and "without_sanctions" in out:
        out["sanctions"] = _minus("sanctions", out["packaged"], out["without_sanctions"])
    return {k: out[k] for k in PARTS if k in out}


def factorial_region() -> str:
    """The region of the shipped factorial (``docs/design_effects.md``)."""
    return "leiden_2015"


def lever_effects(kpi: str) -> pd.DataFrame:
    """Each lever's own effect on ``kpi`` in the shipped factorial, procurement forms first.

    Returns:
        Rows of ``docs/design_effects/effects.csv`` (factor, level, reference, kpi, mean, low,
        high, n).
    """
    frame = _table("design_effects/effects.csv")
    rows = frame[frame["kpi"] == kpi].copy()
    order = {"procurement": 0, "contract_years": 1, "dialogue_meetings": 2, "sanctions": 3,
             "funding": 4}
    rows["_order"] = rows["factor"].map(order).fillna(9)
    return rows.sort_values(["_order", "level"]).drop(columns="_order").reset_index(drop=True)


def _decimals(*values: float) -> int:
    size = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    return 0 if size >= 100 else 1 if size >= 10 else 2 if size >= 1 else 3


def part_text(part: Part, lang: str) -> str:
    """``-0.118 [-0.14; -0.09]``: signed mean and interval in the language's number format."""
    d = _decimals(part.mean, part.low, part.high)
    sign = "+" if part.mean > 0 else ""
    return f"{sign}{fmt(part.mean, lang, d)} [{fmt(part.low, lang, d)}; {fmt(part.high, lang, d)}]"


def sentences(parts: dict[str, Part], region: str, design: str, kpi: str,
              lang: str) -> list[str]:
    """The decomposition in plain language (English or Dutch)."""
    if "packaged" not in parts:
        return [t("effects_no_data", lang)]
    values = {"region": region, "design": design, "kpi": kpi_label(kpi, lang).lower()}
    out = [t("effects_packaged", lang, total=part_text(parts["packaged"], lang), **values)]
    for key in ("form", "levers", "sanctions"):
        if key not in parts:
            continue
        part = parts[key]
        clear = t("effects_clear" if part.clear else "effects_not_clear", lang)
        out.append(t(f"effects_{key}", lang, value=part_text(part, lang), clear=clear))
    return out
