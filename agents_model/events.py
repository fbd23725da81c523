"""The event log: what happened in a run, in plain English or Dutch.

The model records events as data (month, kind, details); this module turns them into sentences
such as "March 2017: Leiderdorp added a contract rule (3 now)" or, in Dutch, "maart 2017:
Leiderdorp voegde een spelregel toe (nu 3)". Kinds are interface names. Providers are named
short, by kind and number within the kind ("Provider S-17", the 17th small provider; in Dutch
"Aanbieder K-17"), and the funding and procurement choices by their display names
(:data:`CHOICE_LABELS`, which the app uses as well).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["CHOICE_LABELS", "EVENT_KINDS", "Event", "choice_label", "describe", "month_label",
           "provider_name"]


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
    "procurement_round": {"en": "Procurement round for {buyer}: {procurement}; {funding}",
                          "nl": "Inkoopronde voor {buyer}: {procurement}; {funding}"},
    "regime_change": {"en": "Regime change: {procurement}; {funding}",
                      "nl": "Stelselwijziging: {procurement}; {funding}"},
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

CHOICE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "funding": {
        "lumpsum": ("Lumpsum per provider", "Lumpsum per aanbieder"),
        "fee_for_service": ("Fee for service (P×Q)", "P×Q (prijs × uren)"),
        "per_client": ("Fee per client", "Tarief per cliënt"),
        "result_based": ("Result-based", "Resultaatgericht"),
        "population_budget": ("Population budget", "Populatiebekostiging"),
    },
    "procurement": {
        "open_house": ("Open house", "Open house (bestuurlijk contracteren)"),
        "selective": ("Selective tender", "Selectieve aanbesteding"),
        "strategic_partners": ("Strategic partners", "Strategisch partnerschap"),
        "consortium": ("Consortium with a lead contractor", "Consortium met hoofdaannemer"),
    },
    "reporting": {
        "lean": ("Lean", "Licht"),
        "standard": ("Standard", "Standaard"),
        "heavy": ("Heavy", "Zwaar"),
    },
}
"""Display names (English, Dutch) of the choices of the text parameters."""

_KIND_LETTERS = {"large": ("L", "G"), "medium": ("M", "M"), "small": ("S", "K"),
                 "cooperative": ("C", "C")}
_PROVIDER_WORD = ("Provider", "Aanbieder")


def _lang_index(lang: str) -> int:
    return 1 if lang == "nl" else 0


def choice_label(name: str, value: str, lang: str = "en") -> str:
    """Display name of one choice of a text parameter (falls back to the value)."""
    pair = CHOICE_LABELS.get(name, {}).get(value)
    if pair is None:
        return value.replace("_", " ")
    return pair[_lang_index(lang)]


def provider_name(kind: str, number: int, lang: str = "en") -> str:
    """Short name of a provider: ``Provider S-17`` (the 17th small one), ``Aanbieder K-17``."""
    i = _lang_index(lang)
    letter = _KIND_LETTERS.get(kind, (kind[:1].upper(),) * 2)[i]
    return f"{_PROVIDER_WORD[i]} {letter}-{number}"


def month_label(month: int, start_year: int, lang: str = "en") -> str:
    """Calendar label of a model month ("March 2017" / "maart 2017")."""
    index = max(0, month - 1)
    return f"{MONTHS[lang][index % 12]} {start_year + index // 12}"


def describe(event: Event, start_year: int, lang: str = "en", with_date: bool = True) -> str:
    """The event as a sentence in English (``en``) or Dutch (``nl``)."""
    details = dict(event.details)
    if "provider_number" in details:
        details["provider"] = provider_name(details["provider_kind"],
                                            details["provider_number"], lang)
    for name in ("procurement", "funding"):
        if name in details:
            details[name] = choice_label(name, details[name], lang)
    if lang == "nl" and details.get("buyer") == "the region":
        details["buyer"] = "de regio"
    text = EVENT_KINDS[event.kind][lang].format(**details)
    if not with_date:
        return text
    return f"{month_label(event.month, start_year, lang)}: {text}"
