"""Bounds on what one visitor of the browser app may ask of a shared server.

A class of thirty can share one server only if no visitor can ask for an hour of computing. Every
number a visitor types or chooses is checked here before it reaches the model; a value outside
its bounds raises :class:`OutOfBounds` (the app shows it as a message and leaves the model as
it was). The constants are the only place these limits are set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "COMPARE_DEFAULT_POPULATION_SCALE",
    "COMPARE_DEFAULT_SEEDS",
    "COMPARE_DEFAULT_YEARS",
    "COMPARE_MAX_POPULATION_SCALE",
    "COMPARE_MAX_SEEDS",
    "COMPARE_MAX_YEARS",
    "COMPARE_SLOTS",
    "DEFAULT_POPULATION_SCALE",
    "DEFAULT_SEED",
    "IDLE_SESSION_TIMEOUT",
    "MAX_CUSTOM_REGIONS",
    "MAX_MONTHS",
    "MAX_REGION_FILE_BYTES",
    "MAX_REGION_INHABITANTS",
    "MAX_TABS_PER_BROWSER",
    "MAX_POPULATION_SCALE",
    "MIN_POPULATION_SCALE",
    "NETWORK_MAX_EDGES",
    "PLAY_INTERVAL_S",
    "PLAY_REST_FACTOR",
    "PLAY_SPEEDS",
    "SEED_MAX",
    "SEED_MIN",
    "Bound",
    "OutOfBounds",
    "check_compare_population_scale",
    "check_int",
    "check_population_scale",
    "check_seed",
    "check_seeds",
    "check_years",
    "parse_number",
]

MIN_POPULATION_SCALE: float = 0.005
"""Smallest population scale: below it a region has too few residents to show anything."""

MAX_POPULATION_SCALE: float = 0.25
"""Largest population scale of an interactive run (a quarter of the real residents)."""

DEFAULT_POPULATION_SCALE: float = 0.05
"""Default population scale: one in twenty residents, smooth enough for a classroom."""

SEED_MIN: int = 0
"""Smallest seed of the model's random generators."""

SEED_MAX: int = 1_000_000
"""Largest seed of the model's random generators."""

DEFAULT_SEED: int = 1
"""Seed of a new run (the command line's default too)."""

MAX_MONTHS: int = 240
"""Longest interactive run: twenty years of monthly steps."""

PLAY_SPEEDS: tuple[int, ...] = (1, 3, 6)
"""Months simulated per tick of Play; the visitor picks one of these, nothing else."""

PLAY_INTERVAL_S: float = 0.5
"""Seconds between two ticks of Play (a tick also waits for the previous picture)."""

PLAY_REST_FACTOR: float = 1.0
"""After a tick, Play rests at least this many times as long as the tick took: one visitor's
Play uses at most half the time of the server when it is busy, so Step clicks of others and
other players get their turn."""

COMPARE_MAX_SEEDS: int = 10
"""Most seeds per design on the comparison page."""

COMPARE_MAX_YEARS: int = 10
"""Most simulated years per run on the comparison page."""

COMPARE_MAX_POPULATION_SCALE: float = 0.05
"""Largest population scale of a comparison run."""

COMPARE_DEFAULT_SEEDS: int = 5
"""Seeds per design a comparison starts with."""

COMPARE_DEFAULT_YEARS: int = 5
"""Years per run a comparison starts with."""

COMPARE_DEFAULT_POPULATION_SCALE: float = 0.02
"""Population scale a comparison starts with."""

COMPARE_SLOTS: int = 2
"""Comparisons that run at the same time on one server; further ones wait for a free slot."""

NETWORK_MAX_EDGES: int = 300
"""Most municipality-provider trust ties drawn in the network view (the rest are thinned)."""

IDLE_SESSION_TIMEOUT: str = "30m"
"""How long the server keeps the run of a closed or disconnected tab (``wmo-abm app``)."""

MAX_TABS_PER_BROWSER: int = 20
"""Most open sessions (tabs) one browser may hold on the server (``wmo-abm app``)."""

MAX_CUSTOM_REGIONS: int = 5
"""Most regions built on the region page that one tab keeps for its Simulate and Compare pages
(a further one replaces the oldest)."""

MAX_REGION_INHABITANTS: int = 500_000
"""Most inhabitants of a region built on the region page that the app runs (the largest shipped
region has 385,000; at the largest population scale that is 125,000 simulated inhabitants). A
larger region can still be saved and run with ``wmo-abm run``."""

MAX_REGION_FILE_BYTES: int = 200_000
"""Largest region file a visitor may load on the region page (the shipped ones are about 3 kB)."""


@dataclass(frozen=True)
class Bound:
    """The allowed range of one input.

    Attributes:
        name: Input name (a parameter name or ``seed``, ``seeds``, ``years``).
        low: Lowest allowed value.
        high: Highest allowed value.
        integer: Whether only whole numbers are allowed.
    """

    name: str
    low: float
    high: float
    integer: bool = False


class OutOfBounds(ValueError):
    """An input is not a number or lies outside its bound.

    Attributes:
        bound: The bound that was violated.
        value: The value (or text) that was refused.
    """

    def __init__(self, bound: Bound, value: object) -> None:
        kind = "a whole number" if bound.integer else "a number"
        super().__init__(f"{bound.name} must be {kind} from {bound.low:g} to {bound.high:g}, "
                         f"got {value!r}")
        self.bound = bound
        self.value = value


POPULATION_SCALE = Bound("population_scale", MIN_POPULATION_SCALE, MAX_POPULATION_SCALE)
COMPARE_POPULATION_SCALE = Bound("population_scale", MIN_POPULATION_SCALE,
                                 COMPARE_MAX_POPULATION_SCALE)
SEED = Bound("seed", SEED_MIN, SEED_MAX, integer=True)
SEEDS = Bound("seeds", 1, COMPARE_MAX_SEEDS, integer=True)
YEARS = Bound("years", 1, COMPARE_MAX_YEARS, integer=True)


def parse_number(text: object, bound: Bound) -> float:
    """Read a number typed by a visitor (a decimal comma is accepted).

    Raises:
        OutOfBounds: The text is not a finite number.
    """
    if isinstance(text, bool):
        raise OutOfBounds(bound, text)
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        try:
            value = float(str(text).strip().replace(",", "."))
        except ValueError:
            raise OutOfBounds(bound, text) from None
    if not math.isfinite(value):
        raise OutOfBounds(bound, text)
    return value


def _check(text: object, bound: Bound) -> float:
    value = parse_number(text, bound)
    if bound.integer and not value.is_integer():
        raise OutOfBounds(bound, text)
    if not bound.low <= value <= bound.high:
        raise OutOfBounds(bound, text)
    return value


def check_int(text: object, bound: Bound) -> int:
    """A whole number within ``bound``.

    Raises:
        OutOfBounds: Not a whole number, or outside the bound.
    """
    return int(_check(text, bound))


def check_population_scale(text: object) -> float:
    """Population scale of an interactive run, from MIN to MAX_POPULATION_SCALE."""
    return _check(text, POPULATION_SCALE)


def check_compare_population_scale(text: object) -> float:
    """Population scale of a comparison run, from MIN to COMPARE_MAX_POPULATION_SCALE."""
    return _check(text, COMPARE_POPULATION_SCALE)


def check_seed(text: object) -> int:
    """Seed, a whole number from SEED_MIN to SEED_MAX."""
    return check_int(text, SEED)


def check_seeds(text: object) -> int:
    """Seeds per design on the comparison page, 1 to COMPARE_MAX_SEEDS."""
    return check_int(text, SEEDS)


def check_years(text: object) -> int:
    """Years per comparison run, 1 to COMPARE_MAX_YEARS."""
    return check_int(text, YEARS)
