"""What one side can see of the other: a provider's conduct and a buyer's record of it (M2).

A provider's strategic orientation and its propensity to innovate are private. What a
municipality can know comes through two narrow doors: the conduct a provider shows in a month
(:class:`Conduct`: the share of indicated hours it delivered, the share of its clients upcoded,
the innovative practice it shows), seen only with the municipality's chance of detection, and
what access workers report (refusals). What it saw accumulates in a :class:`Record`, which a
buyer scores in a procurement round and other municipalities hear of (reputation, M16).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Conduct", "Record"]


@dataclass(frozen=True)
class Conduct:
    """What a provider's work in a month could show to a municipality that looks.

    Attributes:
        provider_id: Unique id of the provider.
        shortfall: Share of indicated hours not delivered (0: all delivered, M6).
        upcoded_share: Share of its clients indicated above what fits (M7).
        practice: Innovative practice on show in [0, 1] (M11).
    """

    provider_id: int
    shortfall: float
    upcoded_share: float
    practice: float


@dataclass
class Record:
    """A municipality's observations of one provider: conduct seen good and bad (M2, M3).

    Attributes:
        good: Looks that found the hours delivered, and sightings of innovative practice.
        bad: Breaches seen: detected under-delivery or upcoding, refusals reported.
    """

    good: float = 0.0
    bad: float = 0.0

    def score(self, prior: float, breach_weight: float = 1.0) -> float:
        """The record in [-1, 1]: ``(good - w bad) / (good + w bad + prior)``.

        Args:
            prior: Observations needed for the record to count half; few sightings score
                near 0, as for a newcomer.
            breach_weight: How many good sightings one breach outweighs.
        """
        bad = breach_weight * self.bad
        return (self.good - bad) / (self.good + bad + prior)

    def __add__(self, other: Record) -> Record:
        return Record(self.good + other.good, self.bad + other.bad)
