"""The event log: what happened in a run, in plain English or Dutch.

The model records events as data (month, kind, details); this module turns them into sentences
such as "March 2017: Leiderdorp added a contract rule (3 now)" or, in Dutch, "maart 2017:
Leiderdorp voegde een spelregel toe (nu 3)". Kinds are interface names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["EVENT_KINDS", "Event", "describe", "month_label"]


@dataclass(frozen=True)
class Event:
    """One event of a run.

    Attributes:
        month: Model month it happened in (1 = January of the start year).
        kind: Kind of event (a key of :data:`EVENT_KINDS`).
        details: Names and numbers the sentence needs.
    """

    month: int
    kind: str
    details: dict[str, Any] = field(default_factory=dict)


EVENT_KINDS: dict[str, dict[str, str]] = {
    "rule_added": {"en": "{municipality} added a contract rule ({rules} now)",
                   "nl": "{municipality} voegde een spelregel toe (nu {rules})"},
    "rule_dropped": {"en": "{municipality} dropped a contract rule ({rules} now)",
                     "nl": "{municipality} schrapte een spelregel (nu {rules})"},
    "provider_entered": {"en": "{provider} entered the market",
                         "nl": "{provider} kwam op de markt"},
    "provider_left": {"en": "{provider} left the market",
                      "nl": "{provider} verliet de markt"},
    "municipality_left": {"en": "{municipality} left the joint procurement",
                          "nl": "{municipality} stapte uit de gezamenlijke inkoop"},
    "municipality_left_for": {"en": "{municipality} buys {product} alone, outside the region",
                              "nl": "{municipality} koopt {product} zelf in, buiten de regio"},
    "municipality_joined": {"en": "{municipality} joined the joint procurement",
                            "nl": "{municipality} sloot aan bij de gezamenlijke inkoop"},
    "tariff_cut": {"en": "Tariffs cut by {percent:.1f}% ({buyer})",
                   "nl": "Tarieven met {percent:.1f}% verlaagd ({buyer})"},
    "tariff_raised": {"en": "Tariffs raised by {percent:.1f}% ({buyer})",
                      "nl": "Tarieven met {percent:.1f}% verhoogd ({buyer})"},
    "procurement_round": {"en": "Procurement round ({procurement}, {funding}) for {buyer}",
                          "nl": "Inkoopronde ({procurement}, {funding}) voor {buyer}"},
    "regime_change": {"en": "Regime change: {procurement}, {funding}",
                      "nl": "Stelselwijziging: {procurement}, {funding}"},
    "indications_converted": {"en": "{municipality} converted its clients' indications: "
                                    "{upcoded} of {clients} a level higher",
                              "nl": "{municipality} zette de indicaties van haar cliënten om: "
                                    "{upcoded} van {clients} een niveau hoger"},
}

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
}

_PROVIDER_KIND_NL = {"large": "Grote aanbieder", "medium": "Middelgrote aanbieder",
                     "small": "Kleine aanbieder", "cooperative": "Coöperatie"}


def month_label(month: int, start_year: int, lang: str = "en") -> str:
    """Calendar label of a model month ("March 2017" / "maart 2017")."""
    index = max(0, month - 1)
    return f"{MONTHS[lang][index % 12]} {start_year + index // 12}"


def describe(event: Event, start_year: int, lang: str = "en", with_date: bool = True) -> str:
    """The event as a sentence in English (``en``) or Dutch (``nl``)."""
    details = dict(event.details)
    if lang == "nl":
        if "provider_kind" in details:
            details["provider"] = f"{_PROVIDER_KIND_NL[details['provider_kind']]} " \
                                  f"{details['provider_id']}"
        if details.get("buyer") == "the region":
            details["buyer"] = "de regio"
    text = EVENT_KINDS[event.kind][lang].format(**details)
    if not with_date:
        return text
    return f"{month_label(event.month, start_year, lang)}: {text}"
