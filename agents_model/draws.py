"""The model's one random stream, for the many small draws of agents' decisions.

Every random number in a run comes from ``model.rng`` (a numpy ``Generator`` seeded once).
Agents draw uniform numbers one at a time, millions of times a run; :class:`Draws` takes them
from ``model.rng`` in blocks, so a single draw costs a list lookup, and offers the few
operations the agents need (a uniform number, a shuffle, a weighted pick). A run with the same
seed draws the same numbers in the same order.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from typing import TypeVar

import numpy as np

__all__ = ["Draws"]

T = TypeVar("T")

BLOCK = 4096
"""Uniform numbers taken from the generator at a time."""


class Draws:
    """Uniform draws in [0, 1) from a numpy generator, taken in blocks.

    Args:
        rng: The model's generator.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._block: list[float] = []
        self._next = 0

    def random(self) -> float:
        """The next uniform number in [0, 1)."""
        i = self._next
        if i >= len(self._block):
            self._block = self.rng.random(BLOCK).tolist()
            i = 0
        self._next = i + 1
        return self._block[i]

    def shuffle(self, items: list) -> None:
        """Shuffle a list in place (Fisher-Yates)."""
        for i in range(len(items) - 1, 0, -1):
            j = int(self.random() * (i + 1))
            items[i], items[j] = items[j], items[i]

    def pick(self, items: Sequence[T], weights: Sequence[float]) -> T:
        """One item drawn with probability proportional to its weight."""
        cum = list(itertools.accumulate(weights))
        i = bisect.bisect_right(cum, self.random() * cum[-1])
        return items[min(i, len(items) - 1)]
