"""Texts of the design-effects, region and classroom pages, in English and Dutch.

Kept apart from :mod:`agents_model.viz.i18n` (which merges them into its table and serves them
through :func:`agents_model.viz.i18n.t`) so that each file holds one concern: the app frame,
the simulation and comparison pages there; the three pages added for advisers and teachers here.
"""

__all__ = ["PAGE_TEXTS"]

PAGE_TEXTS: dict[str, tuple[str, str]] = {
    # classroom page
    "yes": ("yes", "ja"),
    "no": ("no", "nee"),
    "class_title": ("Play a region together", "Speel samen een regio"),
    "class_intro": (
        "A teacher opens a room on a region and a design; students join with the room code "
        "from their own browsers (start the app with wmo-abm app --host 0.0.0.0 on the "
        "classroom network) and each plays a municipality. Before each year every student "
        "decides; when everyone has decided, the time is up or the teacher presses Play the "
        "year, the model runs twelve months. The municipality's own rule decides for a "
        "student who has not decided. At the end the debrief sets everyone's choices against "
        "the results and against the same run with the model deciding for everyone. Nothing "
        "is stored after the room ends.",
        "Een docent opent een kamer op een regio en een model; studenten doen mee met de "
        "kamercode vanuit hun eigen browser (start de app met wmo-abm app --host 0.0.0.0 op "
        "het klasnetwerk) en spelen elk een gemeente. Voor elk jaar beslist elke student; als "
        "iedereen heeft beslist, de tijd om is of de docent op Speel het jaar drukt, rekent "
        "het model twaalf maanden door. Voor een student die niet heeft beslist, beslist de "
        "eigen regel van de gemeente. Aan het eind zet de nabespreking ieders keuzes naast de "
        "uitkomsten en naast dezelfde run waarin het model voor iedereen beslist. Na afloop "
        "wordt niets bewaard."),
    "class_teacher": ("Teacher: open a room", "Docent: open een kamer"),
    "class_student_card": ("Student: join a room", "Student: doe mee in een kamer"),
    "class_years": ("Years", "Jaren"),
    "class_open": ("Open a room", "Open een kamer"),
    "class_code": ("Room code", "Kamercode"),
    "class_choose_role": ("Your municipality", "Uw gemeente"),
    "class_join": ("Join", "Meedoen"),
    "class_no_room": ("No room with this code.", "Geen kamer met deze code."),
    "class_room_gone": ("This room has ended or does not exist.",
                        "Deze kamer is afgelopen of bestaat niet."),
    "class_not_in_room": ("This browser plays no role in the room; join it below.",
                          "Deze browser speelt geen rol in de kamer; doe hieronder mee."),
    "class_room_code": ("Room code: {code}", "Kamercode: {code}"),
    "class_tell_students": (
        "Students open the Classroom page of this app and type the code.",
        "Studenten openen de pagina Klas van deze app en typen de code."),
    "class_status": ("Year {year} of {years} played · {seconds} s left to decide {paused}",
                     "Jaar {year} van {years} gespeeld · nog {seconds} s om te beslissen "
                     "{paused}"),
    "class_paused": ("(paused)", "(gepauzeerd)"),
    "class_student": ("Student", "Student"),
    "class_decided": ("Decided", "Besloten"),
    "class_play_year": ("Play the year", "Speel het jaar"),
    "class_pause": ("Pause", "Pauzeren"),
    "class_resume": ("Resume", "Hervatten"),
    "class_end": ("End the room", "Kamer beëindigen"),
    "class_download_record": ("Room record (JSON, replays the room)",
                              "Kamerverslag (JSON, speelt de kamer opnieuw af)"),
    "class_you_are": ("You play {name}", "U speelt {name}"),
    "class_decide_intro": (
        "Decide for the coming year; what you leave on 'own rule' the municipality decides "
        "itself, as it would without you.",
        "Beslis voor het komende jaar; wat u op 'eigen regel' laat, beslist de gemeente zelf, "
        "zoals zonder u."),
    "class_own_rule": ("Own rule (the model decides)", "Eigen regel (het model beslist)"),
    "class_joint_procurement": ("Joint procurement", "Gezamenlijke inkoop"),
    "class_joint_procurement_stay": ("Stay in", "Blijven"),
    "class_joint_procurement_leave": ("Leave (household help first)",
                                      "Uitstappen (eerst huishoudelijke hulp)"),
    "class_rules": ("Contract rules", "Spelregels"),
    "class_rules_count": ("Rules in force", "Spelregels van kracht"),
    "class_rules_add": ("Add one", "Eén toevoegen"),
    "class_rules_drop": ("Drop one", "Eén schrappen"),
    "class_rules_keep": ("Keep as they are", "Laten zoals ze zijn"),
    "class_dialogue": ("Dialogue with providers", "Overleg met aanbieders"),
    "class_dialogue_none": ("None", "Geen"),
    "class_dialogue_contracted": ("As contracted", "Zoals afgesproken"),
    "class_dialogue_double": ("Twice as much", "Twee keer zo veel"),
    "class_tariff": ("Tariff at the end of the year", "Tarief aan het eind van het jaar"),
    "class_tariff_cut": ("Cut", "Verlagen"),
    "class_tariff_keep": ("Keep", "Gelijk houden"),
    "class_tariff_raise": ("Raise", "Verhogen"),
    "class_partners": ("Partners at a procurement round", "Partners bij een inkoopronde"),
    "class_partners_fewer": ("One fewer", "Eén minder"),
    "class_partners_contracted": ("As contracted", "Zoals afgesproken"),
    "class_partners_more": ("One more", "Eén meer"),
    "class_lead_note": (
        "The tariff and the partners are decided by the municipality that negotiates the "
        "contracts: the central one for the joint contracts, a municipality that left for its "
        "own.",
        "Het tarief en de partners bepaalt de gemeente die de contracten afsluit: de "
        "centrumgemeente voor de gezamenlijke contracten, een uitgestapte gemeente voor haar "
        "eigen."),
    "class_submit": ("Submit my decisions", "Mijn besluiten indienen"),
    "class_decided_note": ("Decided. Waiting for the others or the teacher.",
                           "Besloten. Wachten op de anderen of de docent."),
    "class_your_results": ("Your municipality, year by year", "Uw gemeente, jaar na jaar"),
    "class_year": ("Year", "Jaar"),
    "class_by": ("Decided by", "Besloten door"),
    "class_by_student": ("student", "student"),
    "class_by_model": ("model (own rule)", "model (eigen regel)"),
    "class_waiting": ("Waiting residents", "Wachtende inwoners"),
    "class_trust": ("Trust in providers", "Vertrouwen in aanbieders"),
    "class_in_region": ("In the joint procurement", "In de gezamenlijke inkoop"),
    "class_no_year_yet": ("No year played yet.", "Nog geen jaar gespeeld."),
    "class_region_results": ("The region, year by year (means over the year)",
                             "De regio, jaar na jaar (gemiddelden over het jaar)"),
    "class_counterfactual": ("The same run with the model deciding for everyone",
                             "Dezelfde run waarin het model voor iedereen beslist"),
    "class_counterfactual_note": (
        "Same region, design and seed; only the students' decisions differ.",
        "Zelfde regio, model en seed; alleen de besluiten van de studenten verschillen."),
    "class_debrief": ("Debrief: choices and results", "Nabespreking: keuzes en uitkomsten"),
    "class_trust_over_years": (
        "The trust network over the years (colour: municipalities' trust in providers)",
        "Het vertrouwensnetwerk door de jaren (kleur: vertrouwen van gemeenten in aanbieders)"),
    "class_at_start": ("At the start", "Bij de start"),
    "class_after_year": ("After year {year}", "Na jaar {year}"),
    # region page
    "region_page_title": ("Build your own region", "Bouw uw eigen regio"),
    "region_intro": (
        "Start from a shipped region or load a region file, then set the municipalities, the "
        "current design, the provider field and the budgets. Every value is checked against "
        "its range in the parameter table, as wmo-abm run checks a file. Save the region as a "
        "TOML file (wmo-abm run my_region.toml gives the same numbers as the app), or use it "
        "on the Simulate and Compare pages of this tab.",
        "Begin bij een meegeleverde regio of laad een regiobestand, en stel dan de gemeenten, "
        "het huidige model, het aanbiedersveld en de budgetten in. Elke waarde wordt getoetst "
        "aan haar bereik in de parametertabel, zoals wmo-abm run een bestand toetst. Sla de "
        "regio op als TOML-bestand (wmo-abm run mijn_regio.toml geeft dezelfde getallen als "
        "de app), of gebruik haar op de pagina's Simuleren en Vergelijken van dit tabblad."),
    "region_start_from": ("Start from", "Begin bij"),
    "region_load": ("Drop a region file (TOML) here to load it",
                    "Sleep een regiobestand (TOML) hierheen om het te laden"),
    "region_name": ("Name of the region", "Naam van de regio"),
    "region_description": ("Description", "Beschrijving"),
    "region_start_year": ("Start year", "Startjaar"),
    "region_years": ("Years", "Jaren"),
    "municipalities_title": ("Municipalities ({n} of at most {most})",
                             "Gemeenten ({n} van hoogstens {most})"),
    "muni_name": ("Municipality", "Gemeente"),
    "muni_population": ("Inhabitants", "Inwoners"),
    "muni_share_65_74": ("Share 65-74", "Aandeel 65-74"),
    "muni_share_75": ("Share 75+", "Aandeel 75+"),
    "muni_share_adult": ("Share 18+", "Aandeel 18+"),
    "muni_joins_year": ("Joins in (0: from the start)", "Sluit aan in (0: vanaf het begin)"),
    "muni_central": ("Central (holds protected living)", "Centrumgemeente (beschermd wonen)"),
    "muni_remove": ("Remove", "Verwijderen"),
    "muni_add": ("Add a municipality", "Gemeente toevoegen"),
    "group_design": ("Current design", "Huidig model"),
    "group_providers": ("Provider field", "Aanbiedersveld"),
    "group_budgets": ("Budgets and social base", "Budgetten en sociale basis"),
    "region_not_a_number": ("{field}: type a number.", "{field}: typ een getal."),
    "region_valid": ("Valid: {n} municipalities, {people} inhabitants.",
                     "Geldig: {n} gemeenten, {people} inwoners."),
    "region_save": ("Save as TOML file", "Opslaan als TOML-bestand"),
    "region_use": ("Use on the Simulate and Compare pages", "Gebruik bij Simuleren en Vergelijken"),
    "region_used": (
        "“{name}” is now a region on the Simulate page (press Reset there to start it) and on "
        "the Compare page, for this tab.",
        "“{name}” is nu een regio op de pagina Simuleren (druk daar op Opnieuw om te starten) "
        "en op de pagina Vergelijken, voor dit tabblad."),
    "region_loaded": ("Loaded “{name}”.", "“{name}” geladen."),
    "region_file_too_large": ("The file is larger than {kb} kB; a region file is a few kB.",
                              "Het bestand is groter dan {kb} kB; een regiobestand is een paar "
                              "kB."),
    "region_built": ("built", "zelf gebouwd"),
    # design effects page
    "effects_title": ("What a governance form is made of",
                      "Waar een inkoop- en sturingsmodel uit bestaat"),
    "effects_intro": (
        "A form as municipalities buy it comes with levers: strategic partners and consortia "
        "usually get long contracts, frequent dialogue and sanctions. How much of their "
        "difference from open house is the procurement form itself, and how much the levers? "
        "From the shipped results (docs/answer.md: 30 paired seeds, ten years, a quarter of "
        "the residents), nothing is run here.",
        "Een model zoals gemeenten het inkopen komt met knoppen: strategische partners en "
        "consortia krijgen meestal lange contracten, veel overleg en sancties. Hoeveel van hun "
        "verschil met open house komt van de inkoopvorm zelf, en hoeveel van die knoppen? "
        "Uit de meegeleverde resultaten (docs/answer.nl.md: 30 gepaarde seeds, tien jaar, een "
        "kwart van de inwoners); hier wordt niets doorgerekend."),
    "effects_choose_form": ("Form (against open house)", "Model (tegen open house)"),
    "effects_kpi": ("Outcome", "Uitkomst"),
    "effects_part": ("Part", "Deel"),
    "effects_difference": ("Difference from open house [95% interval]",
                           "Verschil met open house [95%-interval]"),
    "part_packaged": ("As packaged (form and its levers)", "Zoals ingekocht (vorm en knoppen)"),
    "part_form": ("The form itself (with open house's levers)",
                  "De vorm zelf (met de knoppen van open house)"),
    "part_levers": ("The levers bought with it (packaged minus form)*",
                    "De meegekochte knoppen (ingekocht min vorm)*"),
    "part_without_sanctions": ("As packaged without sanctions", "Zoals ingekocht zonder sancties"),
    "part_sanctions": ("The sanctions (packaged minus without sanctions)*",
                       "De sancties (ingekocht min zonder sancties)*"),
    "effects_derived_note": (
        "* A difference of two shipped differences. The shipped tables hold intervals, not the "
        "seeds, so its interval is the wider one of two independent estimates; with the seeds "
        "paired it would be narrower.",
        "* Een verschil van twee meegeleverde verschillen. De tabellen bevatten intervallen, "
        "niet de seeds, dus het interval is het ruimere van twee onafhankelijke schattingen; "
        "met gepaarde seeds zou het smaller zijn."),
    "effects_no_data": ("The shipped results have no row for this choice.",
                        "De meegeleverde resultaten hebben geen rij voor deze keuze."),
    "effects_packaged": (
        "In {region}, {design} as packaged changes the {kpi} by {total} against open house.",
        "In {region} verandert {design} zoals ingekocht {kpi} met {total} ten opzichte van "
        "open house."),
    "effects_form": (
        "The procurement form itself, with open house's contract years, dialogue and no "
        "sanctions: {value} ({clear}).",
        "De inkoopvorm zelf, met de contractduur, het overleg en het ontbreken van sancties "
        "van open house: {value} ({clear})."),
    "effects_levers": ("The levers bought with it: {value} ({clear}).",
                       "De meegekochte knoppen: {value} ({clear})."),
    "effects_sanctions": ("Of those, the sanctions: {value} ({clear}).",
                          "Daarvan de sancties: {value} ({clear})."),
    "effects_clear": ("a clear difference", "een duidelijk verschil"),
    "effects_not_clear": ("no clear difference", "geen duidelijk verschil"),
    "effects_factorial_title": ("Each lever on its own (Leiden, full factorial)",
                                "Elke knop afzonderlijk (Leiden, volledig factorieel)"),
    "effects_factorial_note": (
        "docs/design_effects.md: every combination of form, contract years, dialogue, "
        "sanctions and funding on Leiden, 10 paired seeds, 8 years. Each effect compares runs "
        "that differ in that lever only, averaged over the other levers.",
        "docs/design_effects.md: elke combinatie van vorm, contractduur, overleg, sancties en "
        "bekostiging in Leiden, 10 gepaarde seeds, 8 jaar. Elk effect vergelijkt runs die "
        "alleen in die knop verschillen, gemiddeld over de andere knoppen."),
    "effects_lever": ("Lever", "Knop"),
    "lever_against": ("{lever}: {level} (against {reference})",
                      "{lever}: {level} (tegen {reference})"),
    "on": ("on", "aan"),
    "off": ("off", "uit"),
    "effects_effect": ("Effect [95% interval]", "Effect [95%-interval]"),
}
"""Key -> (English, Dutch) of every text of the three pages."""
