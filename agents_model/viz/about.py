"""The texts of the About page in English and Dutch: glossary, mechanisms and the model.

Dutch terms follow the glossary of the evidence base; :data:`GLOSSARY` pairs each with the
model's name for it. :data:`MECHANISMS` titles M1-M19 in both languages; :data:`ABOUT` is the
page itself (Markdown).
"""

from __future__ import annotations

__all__ = ["ABOUT", "GLOSSARY", "MECHANISMS"]

GLOSSARY: tuple[tuple[str, str, str, str], ...] = (
    ("gemeente", "Municipality",
     "buys support, runs the access point, has a budget from the national fund (gemeentefonds)",
     "koopt ondersteuning in, organiseert de toegang, krijgt budget uit het gemeentefonds"),
    ("centrumgemeente", "central flag",
     "municipality that holds the budget for protected living / shelter for the region",
     "gemeente die het budget voor beschermd wonen en opvang voor de regio beheert"),
    ("aanbieder / zorgaanbieder", "Provider",
     "care organisation: large institution, medium, small firm (2 people), cooperative of "
     "small firms",
     "zorgorganisatie: grote instelling, middelgroot, kleine aanbieder (2 mensen), coöperatie "
     "van kleine aanbieders"),
    ("toegang, toegangsmedewerker, sociaal (wijk)team", "AccessWorker",
     "assesses a resident's need, writes the indication (beschikking), refers, monitors",
     "onderzoekt de hulpvraag van een inwoner, stelt de indicatie (beschikking) op, verwijst "
     "door, volgt"),
    ("inwoner / cliënt", "Resident", "adult with a support need",
     "volwassene met een ondersteuningsvraag"),
    ("maatwerkvoorziening", "customised provision",
     "individually indicated care, paid by the municipality via a contract",
     "individueel geïndiceerde zorg, via een contract door de gemeente betaald"),
    ("algemene voorziening, voorliggend veld, sociale basis", "general provision / social base",
     "low-threshold support without indication (community centres, volunteers, welfare)",
     "laagdrempelige ondersteuning zonder indicatie (buurthuizen, vrijwilligers, welzijn)"),
    ("begeleiding (individueel / groep), dagbesteding", "individual support, day activities",
     "the biggest growing segment", "het snelst groeiende segment"),
    ("hulp bij het huishouden (HO/HbH)", "household help",
     "largest group of elderly clients", "grootste groep oudere cliënten"),
    ("beschermd wonen (BW)", "protected living",
     "expensive residential support; run by the central municipality",
     "dure ondersteuning met wonen; geregeld door de centrumgemeente"),
    ("lumpsum", "lumpsum contract",
     "fixed annual budget per provider, based on history, with a bandwidth",
     "vast jaarbudget per aanbieder, gebaseerd op het verleden, met een bandbreedte"),
    ("P×Q", "fee-for-service", "price per hour/product × quantity delivered",
     "prijs per uur of product × geleverde hoeveelheid"),
    ("resultaatgericht / resultaatsturing", "result-based funding",
     "tariff per result area × intervention level, \"how\" left to the provider",
     "tarief per resultaatgebied × interventieniveau; het \"hoe\" is aan de aanbieder"),
    ("bestuurlijk contracteren / open house", "open house",
     "every qualifying provider may join, at any time",
     "elke aanbieder die aan de eisen voldoet mag meedoen, op elk moment"),
    ("strategisch partnerschap", "strategic partners",
     "few partners, long contracts, shared responsibility for results and cost",
     "weinig partners, lange contracten, gedeelde verantwoordelijkheid voor resultaat en "
     "kosten"),
    ("consortium, hoofd-/onderaannemer", "consortium / lead contractor",
     "one contract holder that subcontracts to members",
     "één contracthouder die werk uitbesteedt aan de leden"),
    ("spelregels", "rules", "administrative rules added to contracts over time",
     "administratieve regels die in de loop van de tijd aan contracten worden toegevoegd"),
    ("budgetplafond", "budget ceiling", "cap on a provider's annual revenue",
     "maximum op de jaaromzet van een aanbieder"),
    ("afschalen / opschalen", "step down / step up",
     "lowering or raising the intensity of support",
     "de intensiteit van de ondersteuning verlagen of verhogen"),
    ("casusregie, 1 huishouden 1 plan 1 regisseur", "case management",
     "one person keeps the overview of all support in a household; in the model it costs "
     "hours of the access team",
     "één persoon houdt het overzicht over alle ondersteuning in een huishouden; in het model "
     "kost het uren van het toegangsteam"),
    ("mantelzorg", "informal care", "care by family/friends (the resident's social network)",
     "zorg door familie en vrienden (het sociale netwerk van de inwoner)"),
    ("abonnementstarief", "flat co-payment",
     "since 2019 a flat €19/month co-payment instead of income-dependent",
     "sinds 2019 een vaste eigen bijdrage van €19 per maand in plaats van "
     "inkomensafhankelijk"),
    ("PGB / ZIN", "personal budget / care in kind",
     "the resident buys care himself vs. the municipality contracts it",
     "de inwoner koopt zelf zorg in tegenover zorg die de gemeente contracteert"),
    ("omkatten", "convert_indications",
     "converting every client's indication when the funding model changes; providers with an "
     "interest propose a higher level, and few proposals are checked",
     "het omzetten van alle indicaties bij een nieuwe bekostiging; aanbieders met belang "
     "stellen een hoger niveau voor, en weinig voorstellen worden gecontroleerd"),
    ("overgangsrecht", "transition_months",
     "clients of a provider that lost its contract stay with it for a transition period",
     "cliënten van een aanbieder die zijn contract verloor blijven er een overgangsperiode"),
    ("reputatie", "reputation_share",
     "what municipalities tell each other about a provider's conduct, along their ties",
     "wat gemeenten elkaar langs hun banden vertellen over het gedrag van een aanbieder"),
    ("samenwerking tussen aanbieders", "collaboration tie",
     "grows from working around the same clients (one neighbourhood team, subcontracting), "
     "fades without contact and wears under head-to-head competition; carries innovation "
     "and referrals",
     "groeit uit werk rond dezelfde cliënten (één wijkteam, onderaanneming), vervaagt zonder "
     "contact en slijt onder onderlinge concurrentie; draagt vernieuwing en doorverwijzingen"),
    ("transformatie", "transformation_index",
     "the composite the model reports from countable outcomes: care that steps down or ends "
     "within a year, no relapse, use of general provisions, little waiting and light care "
     "(each 0-1, the index is their mean)",
     "de samengestelde maat van het model uit telbare uitkomsten: zorg die binnen een jaar "
     "afschaalt of stopt, geen terugval, gebruik van algemene voorzieningen, weinig wachten en "
     "lichte zorg (elk 0-1, de index is hun gemiddelde)"),
)
"""Glossary rows: (Dutch term, model term, meaning in English, meaning in Dutch)."""

MECHANISMS: tuple[tuple[str, str, str], ...] = (
    ("M1", "Security buys a smooth transition, not renewal",
     "Zekerheid koopt een rustige overgang, geen vernieuwing"),
    ("M2", "Information gap leads to rules, then to bureaucracy",
     "Een informatiegat leidt tot spelregels en dan tot bureaucratie"),
    ("M3", "Control spiral: distrust, more control, less trust",
     "Controlespiraal: wantrouwen, meer controle, minder vertrouwen"),
    ("M4", "Cream-skimming of complex clients under a capped budget",
     "Complexe cliënten worden geweigerd onder een begrensd budget (leuren)"),
    ("M5", "Lead-contractor overhead", "Overhead van de hoofdaannemer"),
    ("M6", "Hours shaved to fit the tariff", "Uren afgeknepen om binnen het tarief te blijven"),
    ("M7", "Upcoding to higher intervention levels", "Opwaarderen naar hogere interventieniveaus"),
    ("M8", "Cross-subsidy between clients needs scale",
     "Verevenen tussen cliënten vraagt schaal"),
    ("M9", "Supply creates demand; the flat co-payment draws in demand",
     "Aanbod schept vraag; het abonnementstarief trekt vraag aan"),
    ("M10", "Many providers fragment the field", "Veel aanbieders versnipperen het veld"),
    ("M11", "Few strategic partners enable shared development",
     "Weinig strategische partners maken gezamenlijke ontwikkeling mogelijk"),
    ("M12", "Dialogue builds trust, slowly; talk about money does not",
     "Dialoog bouwt vertrouwen op, langzaam; praten over geld doet dat niet"),
    ("M13", "Access is the valve: capacity, knowledge, turnover",
     "De toegang is de kraan: capaciteit, kennis, verloop"),
    ("M14", "Case management lets care step down", "Casusregie maakt afschalen mogelijk"),
    ("M15", "A clear commission at small scale transforms",
     "Een heldere opdracht op kleine schaal transformeert"),
    ("M16", "Regional cohesion erodes", "De regionale samenwerking brokkelt af"),
    ("M17", "Municipalities lack business-like instruments",
     "Gemeenten missen zakelijke instrumenten"),
    ("M18", "Demand outruns the budget", "De vraag groeit harder dan het budget"),
    ("M19", "Result-based funding: same waiting lists, more paperwork",
     "Resultaatgerichte bekostiging: dezelfde wachtlijsten, meer papierwerk"),
)
"""Mechanisms M1-M19: (code, English title, Dutch title)."""

ABOUT: dict[str, str] = {
    "en": """
## What this model is

An agent-based model of how Dutch municipalities organise social support under the Social
Support Act (Wmo). Municipalities, care providers, access workers (neighbourhood teams) and
residents interact over a network of trust. A contract design (funding, procurement form,
contract length, ceilings, reporting, dialogue, case management) changes what each party gains
and what it can see, and the agents respond. Strategic behaviour, trust, regional cohesion, cost,
waiting lists and transformation follow from those responses; no scenario prescribes them.

It helps with one question: **does buying support from fewer strategic partners, or from
consortia, improve transformation, and at what price in trust, cost, choice and waiting time?**
The page **The answer** gives the model's answer for the five regions, with numbers, the
conditions under which it holds, what it costs and what the model cannot say (in the project:
`docs/answer.md`).

## How to use the app

1. **Simulate**: choose a region and a governance design. The levers take the values of that
   combination; change them and press **Reset** to start a new run with them. **Step** simulates
   one month, **Play** keeps stepping (pick a speed), **Pause** stops.
2. The views show the same run: the KPIs over time, the trust network (who trusts whom, who has
   clients, which providers form a consortium), the provider market, the flow of residents
   through the lifecycle states and the events in plain language.
3. **Export** gives the monthly KPIs (CSV or Parquet) and a fingerprint: with
   `wmo-abm replay FINGERPRINT.json --out kpis.csv` anyone reproduces the same numbers.
4. **Compare designs** runs two designs on the same region over several seeds and says in words
   where one is clearly better or worse, with 95% intervals.

The population scale simulates a share of the residents (money scales with it): small is fast
and fine for a class; a larger scale gives smoother lines.

## How to read the results

- **Transformation index** (0-1): the mean of five outcomes an evaluator can count: care that
  steps down or ends within a year of its start, no relapse within a year of leaving care, the
  share of assessments routed to a general provision, little waiting, and the share of light
  indications. Providers' innovation is shown on its own, not in the index.
- **Trust** (0-1) runs both ways: municipalities in providers and providers in municipalities.
  It erodes faster than it builds up. **Regional cohesion** is the trust between municipalities.
- **Strategic behaviour**: the refusal rate of complex clients, the share of upcoded indications
  and the hours delivered against those indicated.
- Rates cover the past twelve months; money is per month.

## Limits of the model

- It is a model of mechanisms, not a forecast: it shows which way a design pushes and why, not
  what a municipality will spend next year.
- Behaviour follows what five Dutch evaluation reports describe; where they are silent, the
  parameter table marks the value as an assumption.
- Regions are archetypes with round figures; only adult social support (Wmo) is modelled.
- Outcomes vary with the seed: compare designs over several seeds, not one run.
- The uncertain behavioural parameters are calibrated to ten patterns of the Leiden region
  (`wmo-abm check-calibration`); other regions are not calibrated separately. Read absolute
  levels with care and compare designs.
""",
    "nl": """
## Wat dit model is

Een agent-gebaseerd model van hoe Nederlandse gemeenten de Wmo organiseren. Gemeenten,
zorgaanbieders, toegangsmedewerkers (sociale wijkteams) en inwoners werken samen via een netwerk
van vertrouwen. Een contractontwerp (bekostiging, inkoopvorm, contractduur, plafonds,
verantwoording, dialoog, casusregie) verandert wat elke partij wint en wat zij kan zien, en de
agenten reageren daarop. Strategisch gedrag, vertrouwen, regionale samenhang, kosten,
wachtlijsten en transformatie volgen uit die reacties; geen scenario schrijft ze voor.

Het model helpt bij één vraag: **verbetert inkopen bij minder strategische partners, of bij
consortia, de transformatie, en tegen welke prijs in vertrouwen, kosten, keuzevrijheid en
wachttijd?** De pagina **Het antwoord** geeft het antwoord van het model voor de vijf regio's,
met getallen, de voorwaarden waaronder het geldt, wat het kost en wat het model niet kan zeggen
(in het project: `docs/answer.nl.md`).

## Zo gebruik je de app

1. **Simuleren**: kies een regio en een inkoop- en sturingsmodel. De contractknoppen krijgen de
   waarden van die combinatie; verander ze en druk op **Opnieuw** om er een nieuwe run mee te
   starten. **Stap** simuleert één maand, **Afspelen** blijft stappen (kies een snelheid),
   **Pauze** stopt.
2. De weergaven tonen dezelfde run: de kengetallen in de tijd, het vertrouwensnetwerk (wie
   vertrouwt wie, wie heeft cliënten, welke aanbieders vormen een consortium), de
   aanbiedersmarkt, de stroom van inwoners door de fasen en de gebeurtenissen in gewone taal.
3. **Exporteren** geeft de maandelijkse kengetallen (CSV of Parquet) en een vingerafdruk: met
   `wmo-abm replay VINGERAFDRUK.json --out kpis.csv` krijgt iedereen dezelfde getallen.
4. **Modellen vergelijken** draait twee modellen op dezelfde regio met meerdere seeds en zegt in
   woorden waar het ene duidelijk beter of slechter is, met 95%-intervallen.

De populatieschaal simuleert een deel van de inwoners (geldbedragen schalen mee): klein is snel
en prima voor een klas; een grotere schaal geeft gladdere lijnen.

## Zo lees je de uitkomsten

- **Transformatie-index** (0-1): het gemiddelde van vijf telbare uitkomsten: zorg die binnen
  een jaar na de start afschaalt of stopt, geen terugval binnen een jaar na het einde van de
  zorg, het aandeel onderzoeken dat naar een algemene voorziening verwijst, weinig wachten, en
  het aandeel lichte indicaties. Innovatie bij aanbieders staat apart, niet in de index.
- **Vertrouwen** (0-1) werkt twee kanten op: van gemeenten in aanbieders en van aanbieders in
  gemeenten. Het brokkelt sneller af dan het groeit. **Regionale samenhang** is het vertrouwen
  tussen gemeenten.
- **Strategisch gedrag**: hoe vaak complexe cliënten geweigerd worden, het aandeel
  opgewaardeerde indicaties en de geleverde tegenover de geïndiceerde uren.
- Percentages gaan over de afgelopen twaalf maanden; geld is per maand.

## Grenzen van het model

- Het is een model van mechanismen, geen voorspelling: het laat zien welke kant een model op
  duwt en waarom, niet wat een gemeente volgend jaar uitgeeft.
- Het gedrag volgt wat vijf Nederlandse evaluaties beschrijven; waar die zwijgen, staat de
  waarde in de parametertabel als aanname.
- Regio's zijn archetypen met ronde getallen; alleen de Wmo voor volwassenen zit in het model.
- Uitkomsten verschillen per seed: vergelijk modellen over meerdere seeds, niet één run.
- De onzekere gedragsparameters zijn gekalibreerd op tien patronen van de regio Leiden
  (`wmo-abm check-calibration`); de andere regio's zijn niet apart gekalibreerd. Lees absolute
  niveaus met zorg en vergelijk modellen.
""",
}
"""The About page in English and Dutch (Markdown)."""
