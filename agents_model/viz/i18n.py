"""Every text of the browser app in English and Dutch.

The app speaks the language of its users: policy advisers, teachers and students, most of them
Dutch-speaking. Dutch terms follow the glossary of the evidence base (``gemeente``,
``aanbieder``, ``open house``, ``strategisch partnerschap``, ``spelregels``, ``casusregie``...).
English explanations of parameters are read from the parameter table
(:data:`agents_model.params.PARAMS`), so they never drift from the model; the Dutch ones are
translations kept here. Event sentences come from :func:`agents_model.events.describe`.

Use :func:`t` for interface strings, :func:`param_label`, :func:`param_doc`, :func:`unit` and
:func:`choice_label` for the set-up panel, :func:`kpi_label` and :func:`state_label` for charts.
The texts of the About page (glossary, mechanisms) are in :mod:`agents_model.viz.about`.
"""

from __future__ import annotations

from agents_model.events import choice_label
from agents_model.params import by_name
from agents_model.products import STATES
from agents_model.viz.page_texts import PAGE_TEXTS

__all__ = [
    "LANGS",
    "LEVERS",
    "choice_label",
    "design_text",
    "fmt",
    "kpi_label",
    "num",
    "param_doc",
    "param_label",
    "provider_kind_label",
    "region_text",
    "state_label",
    "t",
    "unit",
]

LANGS: tuple[str, ...] = ("en", "nl")
"""Languages of the app: English and Dutch."""

LEVERS: tuple[str, ...] = (
    "funding", "procurement", "partners", "contract_years", "tariff_factor", "budget_ceiling",
    "reporting", "dialogue_meetings", "dialogue_content_share", "case_management",
    "social_base_investment",
)
"""The contract levers of the set-up panel, in the order shown (names of ``PARAMS``)."""

_UI: dict[str, tuple[str, str]] = {
    # app frame and navigation
    "app_title": ("Wmo governance model", "Wmo-sturingsmodel"),
    "app_subtitle": ("Social support: contracts, trust and transformation",
                     "Wmo: contracten, vertrouwen en transformatie"),
    "nav_simulate": ("Simulate", "Simuleren"),
    "nav_compare": ("Compare designs", "Modellen vergelijken"),
    "nav_answer": ("The answer", "Het antwoord"),
    "answer_missing": ("The answer page is missing ({path}).",
                       "De pagina met het antwoord ontbreekt ({path})."),
    "nav_effects": ("Design effects", "Ontwerpeffecten"),
    "nav_region": ("Build a region", "Regio bouwen"),
    "nav_classroom": ("Classroom", "Klas"),
    "nav_glossary": ("Glossary", "Begrippen"),
    "nav_about": ("About", "Uitleg"),
    "language": ("Language", "Taal"),
    # set-up panel
    "setup": ("Set-up", "Instellingen"),
    "setup_intro": (
        "Choose a region and a governance design, adjust the contract levers, then press "
        "Reset to start a new run with them.",
        "Kies een regio en een inkoop- en sturingsmodel, stel de contractknoppen in en druk "
        "op Opnieuw om er een nieuwe run mee te starten."),
    "region": ("Region", "Regio"),
    "design": ("Governance design", "Inkoop- en sturingsmodel"),
    "own_design": ("The region's own design", "De eigen inrichting van de regio"),
    "none": ("none", "geen"),
    "levers": ("Contract levers", "Contractknoppen"),
    "run_settings": ("Run", "Run"),
    "seed": ("Seed", "Seed (toevalsgetal)"),
    "seed_doc": ("Seed of the random generators: the same seed gives the same run.",
                 "Startgetal van de toevalsgenerator: dezelfde seed geeft dezelfde run."),
    "pending": ("Settings changed: press Reset to start a run with them.",
                "Instellingen gewijzigd: druk op Opnieuw om er een run mee te starten."),
    "refused": ("Not applied: {message}", "Niet toegepast: {message}"),
    "out_of_bounds": ("{label} must be {kind} from {low} to {high}; \"{value}\" is refused.",
                      "{label} moet {kind} zijn van {low} tot {high}; \"{value}\" is geweigerd."),
    "a_number": ("a number", "een getal"),
    "a_whole_number": ("a whole number", "een geheel getal"),
    "invalid_setting": ("this combination is not valid ({message})",
                        "deze combinatie is niet geldig ({message})"),
    # run controls
    "step": ("Step", "Stap"),
    "play": ("Play", "Afspelen"),
    "pause": ("Pause", "Pauze"),
    "reset": ("Reset", "Opnieuw"),
    "reset_pending": ("Reset with the new settings", "Opnieuw met de nieuwe instellingen"),
    "speed": ("Speed", "Snelheid"),
    "speed_value": ("{months} mo/tick", "{months} mnd/tik"),
    "month": ("Month {month} ({date})", "Maand {month} ({date})"),
    "month_start": ("Month 0 (start, {year})", "Maand 0 (start, {year})"),
    "step_time": ("last step {ms:.0f} ms", "laatste stap {ms:.0f} ms"),
    "end_of_horizon": (
        "The scenario's run length ({years} years) is reached; Step or Play go on, up to "
        "{max_years} years.",
        "De looptijd van het scenario ({years} jaar) is bereikt; Stap of Afspelen gaan door "
        "tot {max_years} jaar."),
    "max_months": ("The run has reached its limit of {max_years} years; press Reset.",
                   "De run heeft de grens van {max_years} jaar bereikt; druk op Opnieuw."),
    "municipalities_count": ("municipalities: {n} · providers in the market: {p}, "
                             "contracted: {c}, with clients: {a}",
                             "gemeenten: {n} · aanbieders op de markt: {p}, gecontracteerd: "
                             "{c}, met cliënten: {a}"),
    # views
    "view_kpis": ("KPIs over time", "Kengetallen in de tijd"),
    "view_network": ("Trust network", "Vertrouwensnetwerk"),
    "view_market": ("Provider market", "Aanbiedersmarkt"),
    "view_flow": ("Resident flow", "Inwonersstroom"),
    "view_events": ("Event log", "Gebeurtenissen"),
    "view_export": ("Export", "Exporteren"),
    "kpis_caption": (
        "Monthly values from the start of the run. Money is per month; the thick line is the "
        "average over the past twelve months (lumpsum settlements land in December). Rates "
        "such as refusals and upcoding cover the past twelve months.",
        "Maandwaarden vanaf de start van de run. Geld is per maand; de dikke lijn is het "
        "gemiddelde over de afgelopen twaalf maanden (lumpsumafrekeningen vallen in december). "
        "Percentages zoals weigeringen en opwaarderen gaan over de afgelopen twaalf maanden."),
    "network_caption": (
        "Squares are municipalities (inner circle), dots are providers (outer ring, grouped by "
        "kind); a dot's size shows its clients, an open dot a provider without clients. A line "
        "is a trust tie: its colour and width show the trust, red low, green high. Grey lines "
        "between municipalities show regional cohesion; dashed purple lines are collaboration "
        "ties between providers (grown from working around the same clients, or set in a "
        "consortium; thicker is stronger, ties below 0.05 are hidden), a star marks a lead "
        "contractor. Dotted blue lines join a municipality to the providers at least a "
        "quarter of its access workers have placed clients with (their knowledge of the "
        "field). Every provider that bid or serves clients has trust ties, contracted or "
        "not.",
        "Vierkanten zijn gemeenten (binnenste cirkel), stippen zijn aanbieders (buitenste ring, "
        "per soort); de grootte van een stip toont het aantal cliënten, een open stip een "
        "aanbieder zonder cliënten. Een lijn is een vertrouwensband: kleur en dikte tonen het "
        "vertrouwen, rood laag, groen hoog. Grijze lijnen tussen gemeenten tonen de regionale "
        "samenhang; gestippelde paarse lijnen zijn samenwerkingsbanden tussen aanbieders "
        "(gegroeid uit werk rond dezelfde cliënten, of gezet in een consortium; dikker is "
        "sterker, banden onder 0,05 zijn verborgen), gestippelde blauwe lijnen verbinden een "
        "gemeente met de aanbieders waar minstens een kwart van haar toegangsmedewerkers "
        "cliënten plaatste (hun kennis van het veld), een ster is "
        "een hoofdaannemer. Elke aanbieder die inschreef of cliënten heeft, heeft "
        "vertrouwensbanden, gecontracteerd of niet."),
    "direction": ("Trust shown", "Getoond vertrouwen"),
    "direction_mp": ("of municipalities in providers", "van gemeenten in aanbieders"),
    "direction_pm": ("of providers in municipalities", "van aanbieders in gemeenten"),
    "edges_thinned": ("{shown} of {total} trust ties drawn: those whose trust is furthest from "
                      "the level it drifts back to without events ({baseline}).",
                      "{shown} van {total} vertrouwensbanden getekend: die waarvan het "
                      "vertrouwen het verst ligt van het niveau waarheen het zonder "
                      "gebeurtenissen terugkeert ({baseline})."),
    "edges_all": ("{total} trust ties drawn.", "{total} vertrouwensbanden getekend."),
    "market_caption": (
        "Clients per provider, largest first. A long tail of providers with few or no clients "
        "is the fragmentation of an open field (M10, T1); a few tall bars are concentration.",
        "Cliënten per aanbieder, de grootste eerst. Een lange staart van aanbieders met weinig "
        "of geen cliënten is de versnippering van een open veld (M10, T1); een paar hoge "
        "staven is concentratie."),
    "market_summary": (
        "{n} providers, {empty} without clients; the largest five serve {top5:.0%} of clients.",
        "{n} aanbieders, {empty} zonder cliënten; de grootste vijf bedienen {top5:.0%} van de "
        "cliënten."),
    "flow_caption": (
        "Residents with a support need by lifecycle state, month by month. Stepped down and "
        "left care count everyone who has been there since the start.",
        "Inwoners met een ondersteuningsvraag per fase, maand na maand. Afgeschaald en "
        "uitgestroomd tellen iedereen die er sinds de start terechtkwam."),
    "flow_hide_left": ("Hide residents who stepped down or left care",
                       "Verberg inwoners die afgeschaald of uitgestroomd zijn"),
    "events_caption": ("What happened in the run, latest first.",
                       "Wat er in de run gebeurde, het laatste eerst."),
    "no_events": ("Nothing has happened yet: press Step or Play.",
                  "Er is nog niets gebeurd: druk op Stap of Afspelen."),
    "events_more": ("{n} earlier events are not shown.",
                    "{n} eerdere gebeurtenissen niet getoond."),
    "export_caption": (
        "Download the monthly KPIs of this run, or its fingerprint: a small file with the "
        "region, design, every parameter, the seed and the number of months. "
        "`wmo-abm replay FINGERPRINT.json --out kpis.csv` reproduces the same numbers.",
        "Download de maandelijkse kengetallen van deze run, of de vingerafdruk: een klein "
        "bestand met regio, model, alle parameters, de seed en het aantal maanden. "
        "`wmo-abm replay VINGERAFDRUK.json --out kpis.csv` geeft dezelfde getallen."),
    "download_csv": ("KPIs as CSV", "Kengetallen als CSV"),
    "download_parquet": ("KPIs as Parquet", "Kengetallen als Parquet"),
    "download_fingerprint": ("Fingerprint (JSON)", "Vingerafdruk (JSON)"),
    "fingerprint_month0": ("Step at least one month before taking a fingerprint.",
                           "Zet minstens één stap voordat je een vingerafdruk maakt."),
    # chart titles
    "chart_money": ("Spending and budget", "Uitgaven en budget"),
    "chart_waiting": ("Waiting list", "Wachtlijst"),
    "chart_wait_time": ("Mean wait", "Gemiddelde wachttijd"),
    "chart_transformation": ("Transformation index and its components",
                             "Transformatie-index en onderdelen"),
    "chart_trust": ("Trust and regional cohesion", "Vertrouwen en regionale samenhang"),
    "chart_strategic": ("Strategic behaviour", "Strategisch gedrag"),
    "spend_12m_title": ("Spending (12-month average)", "Uitgaven (gemiddelde 12 maanden)"),
    "spend_12m": ("spending, 12-month average", "uitgaven, gemiddelde 12 maanden"),
    "spend_month": ("spending per month", "uitgaven per maand"),
    "year_axis": ("year", "jaar"),
    "clients_axis": ("clients", "cliënten"),
    "providers_axis": ("providers, largest first", "aanbieders, grootste eerst"),
    "residents_axis": ("residents", "inwoners"),
    "no_providers": ("No providers in the market.", "Geen aanbieders op de markt."),
    # comparison page
    "compare_title": ("Compare two designs", "Twee modellen vergelijken"),
    "compare_intro": (
        "Runs both designs on the same region with the same seeds (seed 3 under one design is "
        "compared with seed 3 under the other: the same residents fall ill at the same "
        "moments). The bands are 95% intervals over the seeds (t-based), cut to what a KPI can "
        "be: a count or a wait is never below 0, a share never above 1. A difference whose "
        "interval excludes zero is a clear difference in the model.",
        "Draait beide modellen op dezelfde regio met dezelfde seeds (seed 3 onder het ene "
        "model wordt vergeleken met seed 3 onder het andere: dezelfde inwoners worden op "
        "hetzelfde moment ziek). De banden zijn 95%-intervallen over de seeds (t-verdeling), "
        "begrensd tot wat een kengetal kan zijn: een aantal of wachttijd nooit onder 0, een "
        "aandeel nooit boven 1. Een verschil waarvan het interval nul uitsluit is een duidelijk "
        "verschil in het model."),
    "baseline_design": ("Design A (baseline)", "Model A (uitgangspunt)"),
    "other_design": ("Design B", "Model B"),
    "seeds": ("Seeds per design", "Seeds per model"),
    "seeds_doc": ("More seeds give narrower intervals and take longer.",
                  "Meer seeds geven smallere intervallen en duren langer."),
    "years": ("Years", "Jaren"),
    "years_doc": ("Simulated years per run.", "Gesimuleerde jaren per run."),
    "compare_scale_doc": ("Share of the residents simulated; small keeps the comparison fast.",
                          "Deel van de inwoners dat gesimuleerd wordt; klein houdt het snel."),
    "run_compare": ("Run comparison", "Vergelijking starten"),
    "cancel": ("Cancel", "Annuleren"),
    "same_designs": ("Choose two different designs.", "Kies twee verschillende modellen."),
    "compare_waiting": ("Waiting for a free slot: other visitors are running comparisons.",
                        "Wachten op een vrije plek: andere bezoekers draaien een vergelijking."),
    "compare_progress": ("{done} of {total} runs finished", "{done} van {total} runs klaar"),
    "compare_failed": ("The comparison failed: {message}", "De vergelijking mislukte: {message}"),
    "compare_cancelled": ("The comparison was cancelled.", "De vergelijking is geannuleerd."),
    "compare_none": ("Choose two designs and press Run comparison.",
                     "Kies twee modellen en druk op Vergelijking starten."),
    "compare_summary": ("In words", "In woorden"),
    "compare_table": ("End of run (mean of the last 12 months)",
                      "Einde van de run (gemiddelde van de laatste 12 maanden)"),
    "compare_setup_line": ("{region}: {a} against {b}, {seeds} seeds, {years} years, "
                           "population scale {scale}.",
                           "{region}: {a} tegenover {b}, {seeds} seeds, {years} jaar, "
                           "populatieschaal {scale}."),
    "one_seed": ("With one seed there are no intervals: differences may be noise.",
                 "Met één seed zijn er geen intervallen: verschillen kunnen toeval zijn."),
    "col_kpi": ("KPI", "Kengetal"),
    "col_unit": ("unit", "eenheid"),
    "col_diff": ("B - A [95% interval]", "B - A [95%-interval]"),
    "col_verdict": ("B is", "B is"),
    "verdict_better": ("better", "beter"),
    "verdict_worse": ("worse", "slechter"),
    "verdict_none": ("no clear difference", "geen duidelijk verschil"),
    "verdict_higher": ("higher", "hoger"),
    "verdict_lower": ("lower", "lager"),
    "verdict_nodata": ("no data", "geen gegevens"),
    "sentence_better": ("{b} is better than {a} on: {items}.",
                        "{b} is beter dan {a} op: {items}."),
    "sentence_worse": ("{b} is worse than {a} on: {items}.",
                       "{b} is slechter dan {a} op: {items}."),
    "sentence_none": ("No clear difference on: {items}.", "Geen duidelijk verschil op: {items}."),
    "sentence_neutral": ("Different, with no better direction: {items}.",
                         "Anders, zonder betere richting: {items}."),
    # glossary and about
    "glossary_title": ("Glossary: Dutch terms and the model", "Begrippen: Wmo-termen en het model"),
    "glossary_intro": (
        "The Dutch terms of social support (Wmo) as the model names them.",
        "De termen uit de Wmo-praktijk en hoe het model ze noemt."),
    "col_dutch": ("Dutch term", "Nederlandse term"),
    "col_model": ("In the model", "In het model"),
    "col_meaning": ("Meaning", "Betekenis"),
    "mechanisms_title": ("Mechanisms the model expresses", "Mechanismen in het model"),
    "col_code": ("Code", "Code"),
    "col_mechanism": ("Mechanism", "Mechanisme"),
}


_SHARED = set(_UI) & set(PAGE_TEXTS)
if _SHARED:  # one text per key
    raise RuntimeError(f"interface texts defined twice: {sorted(_SHARED)}")
_UI.update(PAGE_TEXTS)


def t(key: str, lang: str = "en", **values: object) -> str:
    """An interface string in ``lang`` (``en`` or ``nl``), formatted with ``values``."""
    text = _UI[key][1 if lang == "nl" else 0]
    return text.format(**values) if values else text


def num(value: float, lang: str = "en") -> str:
    """A number as short as it can be ("0.005", "1,000,000"; Dutch "0,005", "1.000.000")."""
    value = float(value)
    text = f"{int(value):,}" if value.is_integer() else f"{value:g}"
    if lang == "nl":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def fmt(value: float, lang: str = "en", decimals: int = 2) -> str:
    """A number with a decimal point (English) or comma (Dutch)."""
    text = f"{value:,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


# --- parameters ---------------------------------------------------------------------------------

_PARAM_LABELS: dict[str, tuple[str, str]] = {
    "funding": ("Funding model", "Bekostiging"),
    "procurement": ("Procurement form", "Inkoopvorm"),
    "partners": ("Partners per product", "Partners per product"),
    "contract_years": ("Contract length", "Contractduur"),
    "sanctions": ("Sanctions", "Sancties"),
    "pgb_share": ("Personal budgets (PGB)", "Persoonsgebonden budgetten (pgb)"),
    "providers_household_help": ("Providers of household help", "Aanbieders huishoudelijke hulp"),
    "providers_support": ("Providers of support and day activities",
                          "Aanbieders begeleiding en dagbesteding"),
    "providers_protected_living": ("Providers of protected living",
                                   "Aanbieders beschermd wonen"),
    "share_large": ("Share of large institutions", "Aandeel grote instellingen"),
    "share_medium": ("Share of medium-sized providers", "Aandeel middelgrote aanbieders"),
    "cooperatives": ("Cooperatives of small providers", "Coöperaties van kleine aanbieders"),
    "budget_per_inhabitant": ("Budget per inhabitant", "Budget per inwoner"),
    "fund_growth": ("Growth of the national fund", "Groei van het gemeentefonds"),
    "protected_living_budget_share": ("Budget share of protected living",
                                      "Budgetaandeel beschermd wonen"),
    "tariff_factor": ("Tariff factor", "Tarieffactor"),
    "budget_ceiling": ("Budget ceiling", "Budgetplafond"),
    "reporting": ("Reporting duties", "Verantwoordingsplicht"),
    "dialogue_meetings": ("Dialogue meetings", "Dialoogtafels"),
    "dialogue_content_share": ("Dialogue about content", "Dialoog over inhoud"),
    "case_management": ("Case management", "Casusregie"),
    "social_base_investment": ("Social-base investment", "Investering sociale basis"),
    "population_scale": ("Population scale", "Populatieschaal"),
}

_PARAM_DOCS_NL: dict[str, str] = {
    "sanctions": "Het contract kent sancties bij ontdekte onderlevering en upcoding.",
    "pgb_share": "Aandeel van de geïndiceerde inwoners dat een persoonsgebonden budget (pgb) "
                 "kiest.",
    "providers_household_help": "Aanbieders van huishoudelijke hulp bij de start.",
    "providers_support": "Aanbieders van begeleiding en/of dagbesteding bij de start (het "
                         "Leidse veld van 2015 is niet gerapporteerd; het groeide tot 65-70 in "
                         "2020 en is gekalibreerd).",
    "providers_protected_living": "Aanbieders van beschermd wonen bij de start.",
    "share_large": "Aandeel aanbieders dat een grote instelling is.",
    "share_medium": "Aandeel middelgrote aanbieders; de rest zijn kleine bedrijven.",
    "cooperatives": "Coöperaties van kleine aanbieders in het veld.",
    "budget_per_inhabitant": "Wmo-budget uit het gemeentefonds per inwoner in het startjaar "
                             "(gezet bij de uitgaven van het gekalibreerde model bij de start).",
    "fund_growth": "Jaarlijkse groei van het gemeentefonds voor de Wmo.",
    "protected_living_budget_share": "Aandeel van het regionale Wmo-budget voor beschermd "
                                     "wonen, beheerd door de centrumgemeente.",
    "funding": "Hoe aanbieders betaald worden.",
    "procurement": "Hoe aanbieders geselecteerd worden.",
    "partners": "Aanbieders per product bij een selectieve aanbesteding of strategisch "
                "partnerschap.",
    "contract_years": "Looptijd van de contracten; als ze aflopen volgt een nieuwe inkoopronde.",
    "tariff_factor": "Uurtarief als veelvoud van de kostprijs per uur.",
    "budget_ceiling": "Plafond op de jaaromzet van een aanbieder als veelvoud van zijn "
                      "toegewezen deel (0: geen plafond).",
    "reporting": "Verantwoordingsplichten in het contract.",
    "dialogue_meetings": "Overleggen aan de dialoogtafel tussen de gemeente en elke "
                         "gecontracteerde aanbieder.",
    "dialogue_content_share": "Deel van de dialoog dat over de inhoud gaat (de rest gaat over "
                              "geld).",
    "case_management": "Mate van ingekochte casusregie (1 huishouden, 1 plan, 1 regisseur).",
    "social_base_investment": "Investering in algemene voorzieningen (sociale basis).",
    "population_scale": "Deel van de echte bevolking dat als agenten wordt gesimuleerd; "
                        "geldbedragen schalen mee.",
}

_UNITS_NL: dict[str, str] = {
    "-": "",
    "providers/product": "aanbieders/product",
    "years": "jaar",
    "year": "jaar",
    "x reference cost": "× kostprijs",
    "x allotted share": "× toegewezen deel",
    "meetings/year": "overleggen/jaar",
    "share": "aandeel",
    "0-1": "0-1",
    "EUR/inhabitant/year": "EUR/inwoner/jaar",
    "fraction": "fractie",
    "residents": "inwoners",
    "months": "maanden",
    "attempts/placement": "pogingen/plaatsing",
    "share of indications": "aandeel indicaties",
    "delivered/indicated": "geleverd/geïndiceerd",
    "share of assessments": "aandeel onderzoeken",
    "per client-year": "per cliëntjaar",
    "EUR/month": "EUR/maand",
    "EUR/client/month": "EUR/cliënt/maand",
    "share of provider cost": "aandeel kosten aanbieder",
    "providers": "aanbieders",
    "share of clients": "aandeel cliënten",
    "municipalities": "gemeenten",
    "rules/municipality": "spelregels/gemeente",
    "share of spend": "aandeel uitgaven",
    "hours/month": "uur/maand",
}


def param_label(name: str, lang: str = "en") -> str:
    """Short label of a parameter (falls back to the parameter name)."""
    pair = _PARAM_LABELS.get(name)
    if pair is None:
        return name.replace("_", " ")
    return pair[1 if lang == "nl" else 0]


def param_doc(name: str, lang: str = "en") -> str:
    """One-line explanation of a parameter: the table's own text, or its Dutch translation."""
    param = by_name(name)
    english = param.doc if param is not None else ""
    if lang == "nl":
        return _PARAM_DOCS_NL.get(name, english)
    return english


def unit(text: str, lang: str = "en") -> str:
    """A unit of the parameter or KPI table, in ``lang`` ('' for dimensionless '-')."""
    if lang == "nl":
        return _UNITS_NL.get(text, text)
    return "" if text == "-" else text


# --- presets ------------------------------------------------------------------------------------

_REGIONS_NL: dict[str, tuple[str, str]] = {
    "meierij_2015": ("Regio Meierij 2015",
                     "Acht gemeenten rond 's-Hertogenbosch kopen samen in bij 24 zittende "
                     "specialistische aanbieders, met tweejarige lumpsumcontracten na een "
                     "onderhandse aanbesteding; elk jaar komen er spelregels bij en beschermd "
                     "wonen wordt jaarlijks 10% afgebouwd [MEI]."),
    "leiden_2015": ("Regio Leiden 2015",
                    "Vier gemeenten rond Leiden (Voorschoten sluit in 2020 weer aan) kopen in "
                    "via open house met een gemiddeld tarief per cliënt per intensiteit; het "
                    "veld groeit tot 65-70 aanbieders van begeleiding en het "
                    "abonnementstarief van 2019 trekt vraag aan [LEI]."),
    "drenthe_2017": ("Noord- en Midden-Drenthe 2017",
                     "Vijf Drentse gemeenten rond Assen betalen zo'n 200 partijen per "
                     "resultaatgebied en interventieniveau, met open inkoop en laat aansluiten; "
                     "elke gemeente houdt een eigen administratie, dus de papierlast stijgt "
                     "terwijl de wachtlijsten niet dalen [NMD]."),
    "haarlem_2022": ("Haarlem 2022",
                     "Haarlem koopt ondersteuning in bij enkele strategische partners met lange, "
                     "resultaatgerichte contracten, budgetplafonds en veel dialoogtafels; negen "
                     "sociale wijkteams pakken brede vragen op en enkelvoudige vragen om hulp "
                     "bij het huishouden gaan via een snelle route [HAA]."),
    "woerden_2017": ("Woerden 2017",
                     "Woerden koopt ondersteuning per uur in bij veel aanbieders, met veel "
                     "keuzevrijheid en veel pgb's; niemand houdt het overzicht over een "
                     "huishouden, dus zorg wordt zelden afgeschaald [WOE]."),
}

_DESIGNS_NL: dict[str, tuple[str, str]] = {
    "open_house": ("Open house",
                   "Elke aanbieder die aan de eisen voldoet mag op elk moment instappen, met "
                   "driejarige contracten en één overleg per jaar dat vooral over geld gaat: "
                   "continuïteit en keuze, maar een versnipperd veld en aanbod dat vraag "
                   "schept."),
    "selective": ("Selectieve aanbesteding",
                  "Een aanbesteding houdt ongeveer acht aanbieders per product over, met "
                  "vierjarige contracten en twee overleggen per jaar: minder partijen om te "
                  "sturen, maar afgevallen zittende aanbieders en weinig gezamenlijke "
                  "ontwikkeling."),
    "strategic_partners": ("Strategisch partnerschap",
                           "Drie partners per product met achtjarige contracten, vaak overleg "
                           "over de inhoud en meetbare afspraken met sancties: ruimte voor "
                           "gezamenlijke ontwikkeling, ten koste van keuzevrijheid."),
    "consortium": ("Consortium",
                   "Eén hoofdaannemer per product heeft een achtjarig contract en besteedt uit "
                   "aan ongeveer twaalf leden: keuze binnen één contract, ten koste van "
                   "overhead van de hoofdaannemer en informatie-uitwisseling per cliënt."),
    "regime_churn": ("Stelselwisselingen: drie keer een ander model in vijf jaar",
                     "Begint met open house en een tarief per cliënt, gaat dan naar een "
                     "selectieve aanbesteding, naar strategisch partnerschap met "
                     "resultaatgerichte bekostiging en terug naar open house, telkens nadat "
                     "een contractperiode werd afgebroken."),
}

_DESIGN_NAMES_EN: dict[str, str] = {"own": "the region's own design"}


def region_text(name: str, english: tuple[str, str], lang: str = "en") -> tuple[str, str]:
    """(title, description) of a region preset; ``english`` is read from its file."""
    if lang == "nl" and name in _REGIONS_NL:
        return _REGIONS_NL[name]
    return english


def design_text(name: str, english: tuple[str, str], lang: str = "en") -> tuple[str, str]:
    """(title, description) of a governance preset; ``english`` is read from its file."""
    if lang == "nl" and name in _DESIGNS_NL:
        return _DESIGNS_NL[name]
    return english


# --- outputs ------------------------------------------------------------------------------------

_KPI_LABELS: dict[str, tuple[str, str]] = {
    "clients_in_care": ("Clients in care", "Cliënten in zorg"),
    "waiting_list": ("Waiting list", "Wachtlijst"),
    "mean_wait_months": ("Mean wait", "Gemiddelde wachttijd"),
    "placement_attempts": ("Placement attempts", "Plaatsingspogingen"),
    "refusal_rate_complex": ("Refusal rate of complex clients",
                             "Weigering van complexe cliënten"),
    "upcoding_rate": ("Upcoding rate", "Aandeel opgewaardeerde indicaties"),
    "hours_delivered_ratio": ("Hours delivered / indicated", "Geleverde / geïndiceerde uren"),
    "share_heavy_indications": ("Share of intensive indications", "Aandeel zware indicaties"),
    "general_provision_share": ("Routed to a general provision",
                                "Verwezen naar een algemene voorziening"),
    "step_down_rate": ("Step-down rate", "Afschaaltempo"),
    "innovation_mean": ("Innovation", "Innovatie"),
    "transformation_index": ("Transformation index", "Transformatie-index"),
    "transformation_index_outcomes": ("Transformation index (weighted to outcomes)",
                                      "Transformatie-index (gewogen naar resultaat)"),
    "transformation_index_access": ("Transformation index (weighted to access)",
                                    "Transformatie-index (gewogen naar toegang)"),
    "transformation_results": ("results within a year", "resultaat binnen een jaar"),
    "transformation_no_relapse": ("no relapse", "geen terugval"),
    "transformation_general_provision": ("general provision", "algemene voorziening"),
    "transformation_access": ("little waiting", "weinig wachten"),
    "transformation_light_care": ("light care", "lichte zorg"),
    "waiting_months_per_1000": ("Months waited per 1,000 adults",
                                "Wachtmaanden per 1.000 volwassenen"),
    "spend": ("Spending", "Uitgaven"),
    "budget": ("Budget", "Budget"),
    "social_base_spend": ("Social base (general provisions)",
                          "Sociale basis (algemene voorzieningen)"),
    "cost_per_client": ("Cost per client", "Kosten per cliënt"),
    "admin_share": ("Administrative share", "Aandeel administratie"),
    "active_providers": ("Active providers (with clients)", "Actieve aanbieders (met cliënten)"),
    "contracted_providers": ("Contracted providers", "Gecontracteerde aanbieders"),
    "providers_without_clients_share": ("Providers without clients",
                                        "Aanbieders zonder cliënten"),
    "top25_share": ("Share of the 25 largest", "Aandeel van de 25 grootste"),
    "hhi": ("Concentration (HHI)", "Concentratie (HHI)"),
    "trust_municipality_to_provider": ("Trust of municipalities in contracted providers",
                                       "Vertrouwen van gemeenten in gecontracteerde aanbieders"),
    "trust_provider_to_municipality": ("Trust of contracted providers in municipalities",
                                       "Vertrouwen van gecontracteerde aanbieders in gemeenten"),
    "trust_field_municipality_to_provider": ("Trust of municipalities in all providers dealt with",
                                             "Vertrouwen van gemeenten in alle aanbieders"),
    "trust_field_provider_to_municipality": ("Trust of all providers dealt with in municipalities",
                                             "Vertrouwen van alle aanbieders in gemeenten"),
    "collaboration_strength": ("Collaboration between providers", "Samenwerking tussen aanbieders"),
    "access_knowledge": ("Providers known to access workers",
                         "Aanbieders bekend bij toegangsmedewerkers"),
    "dialogue_held": ("Dialogue meetings per provider per year",
                      "Overleggen per aanbieder per jaar"),
    "contract_management_load": ("Contract-management load", "Belasting contractmanagement"),
    "case_management_hours": ("Case-management hours per month", "Uren casusregie per maand"),
    "regional_cohesion": ("Regional cohesion", "Regionale samenhang"),
    "municipalities_in_region": ("Municipalities in the region", "Gemeenten in de regio"),
    "municipalities_partly_out": ("Members buying light care alone",
                                  "Leden die lichte zorg zelf inkopen"),
    "rules_count": ("Contract rules", "Spelregels"),
    "unmet_need": ("Unmet need", "Onvervulde behoefte"),
    "mean_need": ("Mean need", "Gemiddelde behoefte"),
    "sigma_mean": ("Strategic orientation", "Strategische oriëntatie"),
}

_STATE_LABELS: dict[str, tuple[str, str]] = {
    "unmet": ("Unmet need", "Onvervulde behoefte"),
    "waiting_assessment": ("Waiting for assessment", "Wacht op onderzoek (toegang)"),
    "general_provision": ("General provision", "Algemene voorziening"),
    "waiting_placement": ("Waiting for a provider", "Wacht op een aanbieder"),
    "in_care": ("In care", "In zorg"),
    "stepped_down": ("Stepped down", "Afgeschaald"),
    "exited": ("Left care (recovered, moved, died)",
               "Uitgestroomd (hersteld, verhuisd, overleden)"),
    "dropped_out": ("Gave up waiting", "Afgehaakt"),
}
assert set(_STATE_LABELS) == set(STATES), "every lifecycle state needs a label"

_PROVIDER_KINDS: dict[str, tuple[str, str]] = {
    "large": ("large institution", "grote instelling"),
    "medium": ("medium provider", "middelgrote aanbieder"),
    "small": ("small firm", "kleine aanbieder"),
    "cooperative": ("cooperative of small firms", "coöperatie van kleine aanbieders"),
}


def kpi_label(name: str, lang: str = "en") -> str:
    """Label of a KPI column (falls back to the column name)."""
    pair = _KPI_LABELS.get(name)
    if pair is None:
        return name.replace("_", " ")
    return pair[1 if lang == "nl" else 0]


def state_label(state: str, lang: str = "en") -> str:
    """Label of a resident lifecycle state."""
    return _STATE_LABELS[state][1 if lang == "nl" else 0]


def provider_kind_label(kind: str, lang: str = "en") -> str:
    """Label of a provider kind (large, medium, small, cooperative)."""
    pair = _PROVIDER_KINDS.get(kind, (kind, kind))
    return pair[1 if lang == "nl" else 0]
