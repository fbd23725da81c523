"""Products (segments) of customised Wmo support and the resident lifecycle states.

Four products: household help (hulp bij het huishouden), individual support (individuele
begeleiding), day activities (dagbesteding) and protected living (beschermd wonen, procured by
the central municipality). Each has three intensity levels with indicated hours per month and a
reference cost per hour for providers; contract tariffs are set relative to that cost. Figures are
round assumptions of the order of Dutch tariffs around 2015-2020 (source: assumption; T4 fixes
the ratio of protected living to the rest).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "LEVELS",
    "PRODUCTS",
    "PRODUCT_KEYS",
    "STATES",
    "CARE_COST_SHARE",
    "MEAN_COMPLEXITY",
    "Product",
    "level_for_need",
    "product_at",
]


@dataclass(frozen=True)
class Product:
    """A Wmo product with its intensity levels.

    Attributes:
        key: Short English key (interface name).
        label_en: English label.
        label_nl: Dutch label (as users meet it).
        hours: Indicated hours per month at levels 0 (light), 1 (medium), 2 (intensive).
        cost_per_hour: Reference provider cost per hour (EUR).
        complexity_cost: Extra cost per hour for a fully complex client (fraction).
        index: Position in :data:`PRODUCTS`.
    """

    key: str
    label_en: str
    label_nl: str
    hours: tuple[float, float, float]
    cost_per_hour: float
    complexity_cost: float
    index: int

    def __reduce__(self) -> tuple:
        """Pickle and copy by reference to :data:`PRODUCTS`.

        A pickled or deep-copied model keeps the module's own products, so identity checks
        such as ``resident.product is PROTECTED_LIVING`` hold in the copy as in the original.
        """
        return (product_at, (self.index,))


PRODUCTS: tuple[Product, ...] = (
    Product("household_help", "Household help", "Hulp bij het huishouden",
            (8.0, 13.0, 20.0), 30.0, 0.15, 0),
    Product("individual_support", "Individual support", "Individuele begeleiding",
            (5.0, 10.0, 20.0), 62.0, 0.6, 1),
    Product("day_activities", "Day activities", "Dagbesteding",
            (24.0, 44.0, 72.0), 14.0, 0.5, 2),
    Product("protected_living", "Protected living", "Beschermd wonen",
            (150.0, 190.0, 240.0), 22.0, 0.5, 3),
)
PRODUCT_KEYS: tuple[str, ...] = tuple(p.key for p in PRODUCTS)
HOUSEHOLD_HELP, INDIVIDUAL_SUPPORT, DAY_ACTIVITIES, PROTECTED_LIVING = PRODUCTS


def product_at(index: int) -> Product:
    """The product at ``index`` of :data:`PRODUCTS` (how a pickled product is restored)."""
    return PRODUCTS[index]


LEVELS: tuple[int, ...] = (0, 1, 2)
CARE_COST_SHARE = 0.88
"""Share of the reference hourly cost that the care hour itself costs (the rest: overhead)."""
MEAN_COMPLEXITY = 0.35
"""Mean complexity of a client; the reference cost is that of an average client."""
LEVEL_THRESHOLDS: tuple[float, float] = (0.55, 0.78)
"""Need from which the medium and the intensive level fit."""
EXIT_NEED = 0.3
"""Need below which care can end (a review may end it; a relapse chance follows)."""
RESULT_MONTHS = 12
"""Months within which a step-down, an ending or a relapse counts in the outcome measures."""
LIGHTEST_INDICATED_NEED = 0.36
"""Need an indication is written for at least: the light level's (M13)."""

STATES: tuple[str, ...] = (
    "unmet",
    "waiting_assessment",
    "general_provision",
    "waiting_placement",
    "in_care",
    "stepped_down",
    "exited",
    "dropped_out",
)


def level_for_need(need: float) -> int:
    """Intensity level (0, 1 or 2) that fits a need score in [0, 1]."""
    if need >= LEVEL_THRESHOLDS[1]:
        return 2
    if need >= LEVEL_THRESHOLDS[0]:
        return 1
    return 0
