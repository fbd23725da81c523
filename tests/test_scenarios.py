"""Tests of the shipped scenario files and of the scenario loader's validation.

Region files: ``scenarios/regions/*.toml`` (the region archetypes of the evidence base);
governance designs: ``scenarios/governance/*.toml`` (combinable with any region).
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from agents_model import WmoModel
from agents_model.params import by_name, defaults, priors
from agents_model.scenario import (
    SCENARIO_ROOT,
    Scenario,
    ScenarioError,
    base_values,
    load_scenario,
    parse_overrides,
)

REGIONS = ("meierij_2015", "leiden_2015", "drenthe_2017", "haarlem_2022", "woerden_2017")
DESIGNS = ("open_house", "selective", "strategic_partners", "consortium")

# region -> (municipality names in file order, central municipalities, start year)
EXPECTED_MUNICIPALITIES = {
    "meierij_2015": (
        ["'s-Hertogenbosch", "Meierijstad", "Boxtel", "Sint-Michielsgestel", "Vught", "Haaren",
         "Maasdriel", "Zaltbommel"],
        {"'s-Hertogenbosch"},
        2015,
    ),
    "leiden_2015": (
        ["Leiden", "Leiderdorp", "Oegstgeest", "Zoeterwoude", "Voorschoten"], {"Leiden"}, 2015,
    ),
    "drenthe_2017": (
        ["Assen", "Aa en Hunze", "Midden-Drenthe", "Noordenveld", "Tynaarlo"], {"Assen"}, 2017,
    ),
    "haarlem_2022": (["Haarlem"], {"Haarlem"}, 2022),
    "woerden_2017": (["Woerden"], {"Woerden"}, 2017),
}

# region -> the values that characterise it (the region archetypes of the evidence base)
EXPECTED_VALUES = {
    "meierij_2015": {"funding": "lumpsum", "procurement": "selective", "contract_years": 2,
                     "reporting": "lean", "capacity_plan": 10.0, "sanctions": False,
                     "cooperatives": 1},
    "leiden_2015": {"funding": "per_client", "procurement": "open_house",
                    "flat_copayment_year": 2019, "providers_household_help": 20,
                    "providers_protected_living": 20},
    "drenthe_2017": {"funding": "result_based", "procurement": "open_house",
                     "shared_admin_system": False, "reporting": "heavy"},
    "haarlem_2022": {"funding": "result_based", "procurement": "strategic_partners",
                     "fast_track": True},
    "woerden_2017": {"funding": "fee_for_service", "procurement": "open_house",
                     "case_management": 0.0},
}

EVIDENCE_CODE = re.compile(r"\[(MEI|LEI|NMD|HAA|WOE)\b|\bM\d{1,2}\b|\bT[1-6]\b|assumption")
PARAM_SECTIONS = ("region", "market", "design", "funding", "access", "demand", "behaviour")

SMALL = {"population_scale": 0.01}


def region_path(name: str) -> Path:
    return SCENARIO_ROOT / "regions" / f"{name}.toml"


def design_path(name: str) -> Path:
    return SCENARIO_ROOT / "governance" / f"{name}.toml"


def read(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


# --- region files ------------------------------------------------------------------------------


@pytest.mark.parametrize("region", REGIONS)
def test_region_file_loads_and_validates(region):
    scenario = load_scenario(region)
    names, central, start_year = EXPECTED_MUNICIPALITIES[region]
    assert isinstance(scenario, Scenario)
    assert scenario.region == region
    assert scenario.design == ""
    assert [m.name for m in scenario.municipalities] == names
    assert {m.name for m in scenario.municipalities if m.central} == central
    assert scenario["start_year"] == start_year
    assert scenario["years"] == 10
    assert scenario["name"] != defaults()["name"]
    assert scenario["description"]
    for key, value in EXPECTED_VALUES[region].items():
        assert scenario[key] == value, key
    # loading by path gives the same scenario as loading by bare name
    assert load_scenario(region_path(region)).values == scenario.values


@pytest.mark.parametrize("region", REGIONS)
def test_region_file_comments_cite_evidence(region):
    """Every parameter line in a region file carries a comment with an evidence code."""
    section = None
    for line in region_path(region).read_text(encoding="utf-8").splitlines():
        header = re.match(r"^\[+([\w.]+)\]+", line)
        if header:
            section = header.group(1)
            continue
        if section in PARAM_SECTIONS and re.match(r"^\w+\s*=", line):
            comment = line.partition("#")[2]
            assert EVIDENCE_CODE.search(comment), f"{region} [{section}]: {line!r}"


def test_meierij_populations_and_incumbents_kept():
    scenario = load_scenario("meierij_2015")
    pop = {m.name: m.population for m in scenario.municipalities}
    assert pop["'s-Hertogenbosch"] == 153_000
    assert pop["'s-Hertogenbosch"] > 1.5 * max(v for k, v in pop.items() if k != "'s-Hertogenbosch")
    providers = (scenario["providers_household_help"] + scenario["providers_support"]
                 + scenario["providers_protected_living"] + scenario["cooperatives"])
    assert providers == 24
    # the private tender of incumbents keeps every incumbent (M1)
    model = WmoModel(scenario.with_overrides(SMALL), rng=1)
    assert len(model.providers) == 24
    assert model.market.contracted_ids() == {q.unique_id for q in model.providers}


def test_leiden_starting_support_field_is_the_calibrated_one():
    scenario = load_scenario("leiden_2015")
    assert scenario["providers_support"] == base_values()["providers_support"]
    assert "providers_support" in priors()


def test_leiden_voorschoten_rejoins_in_2020():
    scenario = load_scenario("leiden_2015")
    joins = {m.name: m.joins_year for m in scenario.municipalities}
    assert joins["Voorschoten"] == 2020
    assert [name for name, year in joins.items() if year] == ["Voorschoten"]
    model = WmoModel(scenario.with_overrides(SMALL), rng=1)
    assert model.kpi_frame()["municipalities_in_region"].iloc[0] == 4


def test_woerden_case_management_pilot_override():
    overrides = parse_overrides(["case_management=0.6"])
    scenario = load_scenario("woerden_2017", overrides=overrides)
    assert scenario["case_management"] == 0.6
    assert "--set case_management=0.6" in region_path("woerden_2017").read_text(encoding="utf-8")


# --- governance files --------------------------------------------------------------------------


@pytest.mark.parametrize("design", DESIGNS)
def test_governance_file_sets_only_design_levers(design):
    data = read(design_path(design))
    assert set(data) <= {"governance", "design", "access"}
    assert set(data["governance"]) == {"name", "description"}
    assert data["governance"]["name"] and data["governance"]["description"]
    assert data["design"]["procurement"] == design
    assert "funding" not in data["design"], "a design keeps the region's funding"


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("region", REGIONS)
def test_design_overrides_region(region, design):
    base = load_scenario(region)
    combined = load_scenario(region, design=design)
    assert combined.region == region
    assert combined.design == design
    assert combined.sources == (str(region_path(region)), str(design_path(design)))
    assert combined.municipalities == base.municipalities
    assert combined["procurement"] == design
    laid = {key: value for section in ("design", "access")
            for key, value in read(design_path(design)).get(section, {}).items()}
    for key, value in combined.values.items():
        assert value == laid.get(key, base[key]), key
    # the same result through the Scenario method
    assert base.with_design(design).values == combined.values


def test_consortium_on_meierij_keeps_lumpsum():
    scenario = load_scenario("meierij_2015", design="consortium")
    assert scenario["procurement"] == "consortium"
    assert scenario["funding"] == "lumpsum"
    assert scenario["contract_years"] == 8
    assert scenario["lead_overhead"] == 0.05
    assert scenario["subcontract_admin_hours"] == 1.0
    assert scenario["capacity_plan"] == 10.0


def test_strategic_partners_values():
    scenario = load_scenario("woerden_2017", design="strategic_partners")
    assert (scenario["partners"], scenario["contract_years"], scenario["dialogue_meetings"]) == (
        3, 8, 10)
    assert scenario["dialogue_content_share"] == 0.8
    assert scenario["sanctions"] is True
    assert scenario["reporting"] == "standard"
    assert scenario["pgb_share"] == 0.25  # region value kept


# --- every region x design runs ----------------------------------------------------------------


@pytest.mark.parametrize("design", (None, *DESIGNS), ids=("own", *DESIGNS))
@pytest.mark.parametrize("region", REGIONS)
def test_region_design_runs_a_year(region, design):
    """Small scale (1% of the population) so the whole grid stays fast."""
    scenario = load_scenario(region, design=design).with_overrides(SMALL)
    model = WmoModel(scenario, rng=1)
    model.run_for(12)
    frame = model.kpi_frame()
    assert len(frame) == 13
    nan_columns = frame.columns[frame.isna().any()].tolist()
    assert not nan_columns, f"NaN in {nan_columns}"
    assert model.config["procurement"] == (design or EXPECTED_VALUES[region]["procurement"])


# --- bad input ---------------------------------------------------------------------------------

VALID_REGION = """\
[scenario]
name = "Test region"

[design]
{design}

[[municipalities]]
name = "Alpha"
population = 20000
central = true

[[municipalities]]
name = "{second}"
{second_population}
{switch}
"""


def write_region(tmp_path: Path, design: str = "", second: str = "Beta",
                 second_population: str = "population = 10000", switch: str = "",
                 text: str | None = None) -> Path:
    path = tmp_path / "region.toml"
    if text is None:
        text = VALID_REGION.format(design=design, second=second,
                                   second_population=second_population, switch=switch)
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path, design: Path | None = None) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, design=design)
    message = str(info.value)
    assert str(path if design is None else design) in message
    return message


def test_valid_template_loads(tmp_path):
    """The template used for broken files is itself valid (so each failure is the edit's)."""
    scenario = load_scenario(write_region(tmp_path, design='funding = "lumpsum"'))
    assert [m.name for m in scenario.municipalities] == ["Alpha", "Beta"]
    assert scenario["funding"] == "lumpsum"


def test_unknown_key_in_design(tmp_path):
    message = load_error(write_region(tmp_path, design="tarif_factor = 1.0"))
    assert "design.tarif_factor" in message
    assert "unknown key" in message


def test_key_in_wrong_section(tmp_path):
    message = load_error(write_region(tmp_path, design="initial_trust = 0.5"))
    assert "design.initial_trust" in message
    assert "[behaviour]" in message


def test_unknown_section(tmp_path):
    path = write_region(tmp_path, text=VALID_REGION.format(
        design="", second="Beta", second_population="population = 10000",
        switch="\n[contract]\nfunding = \"lumpsum\"\n"))
    message = load_error(path)
    assert "[contract]" in message
    assert "unknown section" in message


def test_string_for_a_number(tmp_path):
    message = load_error(write_region(tmp_path, design='tariff_factor = "high"'))
    assert "design.tariff_factor" in message
    assert "from 0.3 to 2" in message
    assert "'high'" in message


def test_number_for_a_bool(tmp_path):
    message = load_error(write_region(tmp_path, design="sanctions = 1"))
    assert "design.sanctions" in message
    assert "true or false" in message


def test_float_for_an_integer(tmp_path):
    message = load_error(write_region(tmp_path, design="contract_years = 2.5"))
    assert "design.contract_years" in message
    assert "an integer from 1 to 15" in message


def test_out_of_range(tmp_path):
    message = load_error(write_region(tmp_path, design="tariff_factor = 9"))
    assert "design.tariff_factor" in message
    assert "from 0.3 to 2" in message
    assert "9" in message


def test_ordered_pair_out_of_order(tmp_path):
    """A lower bound above its upper bound names both keys and the file."""
    path = write_region(tmp_path, text=VALID_REGION.format(
        design="", second="Beta", second_population="population = 10000",
        switch="\n[access]\ninitial_knowledge_low = 0.9\ninitial_knowledge_high = 0.4\n"))
    message = load_error(path)
    assert "access.initial_knowledge_low" in message
    assert "access.initial_knowledge_high" in message


def test_bad_choice(tmp_path):
    message = load_error(write_region(tmp_path, design='funding = "magic"'))
    assert "design.funding" in message
    assert "'magic'" in message
    for choice in by_name("funding").choices:
        assert choice in message


def test_municipality_missing_population(tmp_path):
    message = load_error(write_region(tmp_path, second_population=""))
    assert "municipalities[1]" in message
    assert "population" in message


def test_municipality_bad_population(tmp_path):
    message = load_error(write_region(tmp_path, second_population='population = "many"'))
    assert "municipalities[1].population" in message


def test_duplicate_municipality_names(tmp_path):
    message = load_error(write_region(tmp_path, second="Alpha"))
    assert "municipalit" in message
    assert "name" in message
    assert "unique" in message


def test_no_municipalities(tmp_path):
    path = write_region(tmp_path, text='[scenario]\nname = "Empty"\n')
    assert "municipalities" in load_error(path)


def test_invalid_toml_syntax(tmp_path):
    path = write_region(tmp_path, text='[design\nfunding = "lumpsum"\n')
    assert "not valid TOML" in load_error(path)


def test_switch_with_non_design_key(tmp_path):
    switch = "\n[[switch]]\nyear = 2018\ninitial_trust = 0.5\n"
    message = load_error(write_region(tmp_path, switch=switch))
    assert "switch[0].initial_trust" in message
    assert "design" in message


def test_switch_with_design_key_is_accepted(tmp_path):
    switch = '\n[[switch]]\nyear = 2018\nprocurement = "consortium"\n'
    scenario = load_scenario(write_region(tmp_path, switch=switch))
    assert len(scenario.switches) == 1
    assert scenario.switches[0].year == 2018
    assert scenario.switches[0].values == {"procurement": "consortium"}


def test_switch_with_bad_value(tmp_path):
    switch = "\n[[switch]]\nyear = 2018\ntariff_factor = 9\n"
    message = load_error(write_region(tmp_path, switch=switch))
    assert "tariff_factor" in message
    assert "from 0.3 to 2" in message


def test_governance_file_with_bad_key(tmp_path):
    design = tmp_path / "design.toml"
    design.write_text('[governance]\nname = "X"\nowner = "me"\n', encoding="utf-8")
    message = load_error(region_path("leiden_2015"), design=design)
    assert "governance.owner" in message


def test_governance_file_with_out_of_range_value(tmp_path):
    design = tmp_path / "design.toml"
    design.write_text("[design]\npartners = 0\n", encoding="utf-8")
    message = load_error(region_path("leiden_2015"), design=design)
    assert "design.partners" in message
    assert "from 1 to 100" in message


def test_missing_files():
    with pytest.raises(ScenarioError, match="no such regions file"):
        load_scenario("atlantis_2015")
    with pytest.raises(ScenarioError, match="no such governance file"):
        load_scenario("leiden_2015", design="anarchy")


def test_parse_overrides_rejects_unknown_key():
    with pytest.raises(ScenarioError, match="nonsense"):
        parse_overrides(["nonsense=1"])
    with pytest.raises(ScenarioError, match="key=value"):
        parse_overrides(["tariff_factor"])
    with pytest.raises(ScenarioError, match="market.tariff_factor"):
        parse_overrides(["market.tariff_factor=1.0"])


def test_parse_overrides_values():
    parsed = parse_overrides(["tariff_factor=0.9", "design.funding=lumpsum", "sanctions=true"])
    assert parsed == {"tariff_factor": 0.9, "design.funding": "lumpsum", "sanctions": True}
    scenario = load_scenario("leiden_2015", overrides=parsed)
    assert (scenario["tariff_factor"], scenario["funding"], scenario["sanctions"]) == (
        0.9, "lumpsum", True)


# --- property: tariff_factor overrides ---------------------------------------------------------

TARIFF = by_name("tariff_factor")
BASE = Scenario()


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=TARIFF.low, max_value=TARIFF.high))
@example(TARIFF.low)
@example(TARIFF.high)
def test_tariff_factor_in_range_round_trips(value):
    scenario = BASE.with_overrides({"tariff_factor": value})
    assert scenario["tariff_factor"] == value
    assert scenario.to_dict()["design"]["tariff_factor"] == value
    parsed = parse_overrides([f"design.tariff_factor={value!r}"])
    assert parsed == {"design.tariff_factor": value}
    assert BASE.with_overrides(parsed)["tariff_factor"] == value
    assert BASE["tariff_factor"] == TARIFF.default  # the base is not changed


@settings(max_examples=100, deadline=None)
@given(st.one_of(
    st.floats(max_value=TARIFF.low, exclude_max=True),
    st.floats(min_value=TARIFF.high, exclude_min=True),
    st.just(math.nan),
))
@example(math.nextafter(TARIFF.low, -math.inf))
@example(math.nextafter(TARIFF.high, math.inf))
def test_tariff_factor_out_of_range_raises(value):
    with pytest.raises(ScenarioError) as info:
        BASE.with_overrides({"tariff_factor": value})
    assert "design.tariff_factor" in str(info.value)
    assert "from 0.3 to 2" in str(info.value)
