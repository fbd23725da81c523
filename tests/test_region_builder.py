"""The region builder: drafts round-trip through TOML and load as the CLI loads them."""

from __future__ import annotations

import dataclasses
import io

import pandas as pd
import pytest
from click.testing import CliRunner

from agents_model import WmoModel
from agents_model.cli import main
from agents_model.metrics import export_frame
from agents_model.params import by_name
from agents_model.scenario import (
    MunicipalitySpec,
    ScenarioError,
    base_values,
    list_scenarios,
    load_scenario,
)
from agents_model.viz import region
from agents_model.viz.region import (
    EDITABLE,
    GROUPS,
    MAX_MUNICIPALITIES,
    MunicipalityRow,
    RegionDraft,
    check,
    from_region,
    from_toml,
    slug,
    to_toml,
    write_region,
)

SHIPPED = list_scenarios("regions")

WITH_SWITCH = """\
[scenario]
name = "Switching region"
start_year = 2016

[region]
flat_copayment_year = 0
budget_per_inhabitant = 400

[design]
capacity_plan = 5
tariff_factor = 0.9

[[switch]]
year = 2019
funding = "result_based"
reporting = "heavy"

[[switch]]
after_years = 5
procurement = "selective"

[[municipalities]]
name = "Alpha"
population = 30000
central = true
share_75 = 0.11

[[municipalities]]
name = "Beta"
population = 12000
joins_year = 2018
"""


def munis(scenario) -> list[tuple]:
    return [dataclasses.astuple(m) for m in scenario.municipalities]


def written(draft: RegionDraft, tmp_path) -> object:
    return load_scenario(write_region(draft, tmp_path))


# --- the parts -----------------------------------------------------------------------------------


def test_groups_name_existing_parameters_and_make_up_editable():
    assert [group for group, _ in GROUPS] == ["design", "providers", "budgets"]
    assert EDITABLE == tuple(n for _, names in GROUPS for n in names)
    assert len(set(EDITABLE)) == len(EDITABLE)
    assert all(by_name(n) is not None for n in EDITABLE)
    assert {"funding", "tariff_factor", "pgb_share", "providers_support", "share_large",
            "budget_per_inhabitant", "social_base_investment"} <= set(EDITABLE)
    assert not {"name", "description", "start_year", "years"} & set(EDITABLE)


def test_municipality_row_has_the_fields_and_defaults_of_the_spec():
    row, spec = dataclasses.fields(MunicipalityRow), dataclasses.fields(MunicipalitySpec)
    assert [(f.name, f.default) for f in row] == [(f.name, f.default) for f in spec]


# --- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_region_round_trips(name, tmp_path):
    assert SHIPPED, "no shipped regions found"
    shipped = load_scenario(name)
    draft = from_region(name)
    assert draft.base == name
    loaded = written(draft, tmp_path)
    assert loaded.values == shipped.values
    assert munis(loaded) == munis(shipped)
    assert loaded.switches == shipped.switches
    again = from_toml(to_toml(draft))
    assert dataclasses.replace(again, base=name) == draft


def test_settings_come_from_the_file_else_from_the_effective_defaults():
    draft = from_region("leiden_2015")
    assert draft.setting("providers_household_help") == 20
    assert draft.setting("providers_support") == base_values()["providers_support"]
    assert draft.setting("social_base_investment") == base_values()["social_base_investment"]
    assert [n for n, _ in draft.settings] == list(EDITABLE)
    assert "flat_copayment_year = 2019" in draft.extra
    assert "providers_household_help" not in draft.extra


def test_kept_keys_and_switches_survive_saving(tmp_path):
    source = tmp_path / "source.toml"
    source.write_text(WITH_SWITCH, encoding="utf-8")
    draft = from_region(source)
    assert "[[switch]]" in draft.extra and "capacity_plan = 5.0" in draft.extra
    loaded, original = written(draft, tmp_path / "out"), load_scenario(source)
    assert loaded.values == original.values
    assert loaded.switches == original.switches and len(loaded.switches) == 2
    assert munis(loaded) == munis(original)


def test_municipality_tables_write_only_fields_that_differ_from_the_defaults():
    text = to_toml(from_region("leiden_2015"))
    voorschoten = text.split('name = "Voorschoten"')[1]
    assert "joins_year = 2020" in voorschoten
    assert "central" not in voorschoten and "share_adult" not in voorschoten
    assert text.startswith("# Region made with the region builder")
    assert "leiden_2015" in text.splitlines()[0]


@pytest.mark.parametrize("name", ['Gemeente "De Wolden"', "back\\slash\\", "Súdwest-Fryslân",
                                  "tab\there", "ümlaut ß 東京", "del\x7fchar"])
def test_awkward_names_round_trip(name, tmp_path):
    draft = from_region("woerden_2017").with_municipality(0, name=name)
    draft = dataclasses.replace(draft, name=name, description=f"line 1\n{name}\nline 3")
    loaded = written(draft, tmp_path)
    assert loaded["name"] == name
    assert loaded["description"] == f"line 1\n{name}\nline 3"
    assert loaded.municipalities[0].name == name
    assert from_toml(to_toml(draft)).municipalities[0].name == name


# --- edits show up in the model ------------------------------------------------------------------


def edited_draft() -> RegionDraft:
    draft = from_region("leiden_2015").with_setting("tariff_factor", 0.8)
    draft = draft.with_setting("funding", "lumpsum").with_municipality(1, population=31000)
    draft = draft.add_municipality().with_municipality(5, share_75=0.12)
    return dataclasses.replace(draft, years=1)


def test_edits_show_up_in_the_loaded_scenario(tmp_path):
    scenario = written(edited_draft(), tmp_path)
    assert scenario["tariff_factor"] == 0.8
    assert scenario["funding"] == "lumpsum"
    assert scenario["flat_copayment_year"] == 2019
    assert scenario.municipalities[1].population == 31000
    assert len(scenario.municipalities) == 6
    assert scenario.municipalities[5] == MunicipalitySpec("Municipality 6", 10_000, share_75=0.12)


def test_saved_region_runs_to_the_same_kpis_in_the_model_and_the_cli(tmp_path):
    path = write_region(edited_draft(), tmp_path)
    model = WmoModel(load_scenario(path), rng=3, population_scale=0.02)
    model.run_for(3)
    direct = export_frame(model.kpi_frame())
    csv = tmp_path / "kpis.csv"
    result = CliRunner().invoke(main, ["run", str(path), "--years", "1", "--seed", "3", "--set",
                                       "population_scale=0.02", "--quiet", "--out", str(csv)])
    assert result.exit_code == 0, result.output
    cli = pd.read_csv(csv)
    assert len(cli) == 13 and len(direct) == 4
    via_csv = pd.read_csv(io.StringIO(direct.to_csv(index=False)))
    pd.testing.assert_frame_equal(cli.head(len(via_csv)), via_csv)
    assert model.kpi_frame()["month"].iloc[-1] == 3


# --- draft operations ----------------------------------------------------------------------------


def test_add_and_remove_municipalities():
    draft = from_region("haarlem_2022")
    two = draft.add_municipality()
    assert [m.name for m in two.municipalities] == ["Haarlem", "Municipality 2"]
    assert two.municipalities[1].population == region.NEW_POPULATION
    assert two.remove_municipality(0).municipalities == (two.municipalities[1],)
    named = draft.with_municipality(0, name="Municipality 2").add_municipality()
    assert named.municipalities[1].name == "Municipality 3"
    assert draft.municipalities == from_region("haarlem_2022").municipalities


def test_twelve_municipalities_fit_and_a_thirteenth_is_refused(tmp_path):
    draft = from_region("haarlem_2022")
    while len(draft.municipalities) < MAX_MUNICIPALITIES:
        draft = draft.add_municipality()
    check(draft)
    with pytest.raises(ScenarioError, match=r"^municipalities: a region has at most 12 "):
        draft.add_municipality()
    rows = (*draft.municipalities, MunicipalityRow("Extra", 5000))
    with pytest.raises(ScenarioError, match=r"^municipalities: .*from 1 to 12 .*got 13$"):
        check(dataclasses.replace(draft, municipalities=rows))


def test_removing_the_last_municipality_is_refused():
    with pytest.raises(ScenarioError, match="at least one municipality"):
        from_region("woerden_2017").remove_municipality(0)
    with pytest.raises(ScenarioError, match=r"from 1 to 12 municipalities, got 0"):
        check(dataclasses.replace(from_region("woerden_2017"), municipalities=()))
    with pytest.raises(IndexError):
        from_region("leiden_2015").remove_municipality(5)


def test_only_editable_settings_can_be_set():
    with pytest.raises(ScenarioError, match="population_scale: not a setting"):
        from_region("leiden_2015").with_setting("population_scale", 0.1)
    with pytest.raises(KeyError):
        from_region("leiden_2015").setting("population_scale")


# --- refusals ------------------------------------------------------------------------------------


LEIDEN = from_region("leiden_2015")


@pytest.mark.parametrize(("draft", "pattern"), [
    (LEIDEN.with_municipality(1, population=50),
     r"^municipality 2 \(Leiderdorp\): population must be between 100 and 20000000, got 50$"),
    (LEIDEN.with_municipality(0, share_adult=2.0),
     r"^municipality 1 \(Leiden\): share_adult must be between 0.3 and 1, got 2.0$"),
    (LEIDEN.with_municipality(0, population="many"),
     r"^municipality 1 \(Leiden\): population must be a whole number, got 'many'$"),
    (LEIDEN.with_municipality(2, name="  "), r"^municipality 3: the name must not be empty$"),
    (LEIDEN.with_municipality(2, name="x" * 61), r"^municipality 3: .*at most 60 characters"),
    (LEIDEN.with_municipality(2, name="Leiden"),
     r"^municipality 3 \(Leiden\): name already used by municipality 1$"),
    (dataclasses.replace(LEIDEN, name=""), r"^region name: the name must not be empty$"),
    (LEIDEN.with_setting("tariff_factor", 2.5),
     r"^region builder: key 'design.tariff_factor' must be a number from 0.3 to 2, got 2.5$"),
    (LEIDEN.with_setting("funding", "barter"), r"key 'design.funding' must be one of lumpsum"),
    (LEIDEN.with_setting("share_large", 0.6).with_setting("share_medium", 0.6),
     r"'market.share_large' \+ 'market.share_medium' must not exceed 1"),
    (dataclasses.replace(LEIDEN, start_year=1990),
     r"key 'scenario.start_year' must be an integer from 2000 to 2040"),
    (dataclasses.replace(LEIDEN, settings=LEIDEN.settings[1:]), r"'funding' must be set once"),
    (dataclasses.replace(LEIDEN, extra="[foo]\nbar = 1\n"), r"not 'foo'"),
    (dataclasses.replace(LEIDEN, extra="[region\n"), r"kept settings are not valid TOML"),
    (dataclasses.replace(LEIDEN, extra="switch = [1]\n"), r"and \[\[switch\]\], not 'switch'$"),
    (LEIDEN.with_municipality(0, population=5_000_000),
     r"^region builder: 5,084,000 simulated inhabitants .* exceed the bound of 5,000,000"),
])
def test_bad_drafts_are_refused_in_one_line(draft, pattern, tmp_path):
    with pytest.raises(ScenarioError, match=pattern) as caught:
        check(draft)
    assert "\n" not in str(caught.value)
    assert "tmp" not in str(caught.value) and "region.toml" not in str(caught.value)
    with pytest.raises(ScenarioError, match=pattern):
        write_region(draft, tmp_path)
    assert not list(tmp_path.iterdir())


def test_a_valid_draft_passes_check_and_an_invalid_one_does_not():
    assert check(LEIDEN) is None
    assert check(edited_draft()) is None
    with pytest.raises(ScenarioError):
        check(edited_draft().with_municipality(0, population=1))


@pytest.mark.parametrize(("text", "pattern"), [
    ("this is = = not toml", r"^upload.toml: not valid TOML \("),
    ('[scenario]\nname = "No towns"\n',
     r"^upload.toml: \[\[municipalities\]\] must list at least one municipality$"),
    ('[[municipalities]]\nname = "A"\npopulation = 1000\nmayor = "B"\n',
     r"^upload.toml: unknown key 'municipalities\[0\].mayor'"),
    ('[design]\ntariff_factor = 9.0\n[[municipalities]]\nname = "A"\npopulation = 1000\n',
     r"^upload.toml: key 'design.tariff_factor' must be a number from 0.3 to 2, got 9.0$"),
    (b"\xff\xfe[scenario]", r"^upload.toml: not UTF-8 text"),
])
def test_from_toml_refuses_bad_files_naming_the_source(text, pattern):
    with pytest.raises(ScenarioError, match=pattern) as caught:
        from_toml(text, source="upload.toml")
    assert "\n" not in str(caught.value)


def test_from_toml_reads_a_minimal_file_with_defaults():
    draft = from_toml('[[municipalities]]\nname = "A"\npopulation = 1000\n')
    assert draft.base == "" and draft.extra == ""
    assert draft.municipalities == (MunicipalityRow("A", 1000),)
    assert dict(draft.settings) == {n: base_values()[n] for n in EDITABLE}
    assert draft.name == by_name("name").default


# --- file names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "stem"), [
    ("../../etc", "etc"), ("/abs", "abs"), ("Súdwest-Fryslân 2024", "sudwest_fryslan_2024"),
    ("..", "region"), ("東京", "region"), ("A  b--C", "a_b_c"), ("x" * 60, "x" * 60),
])
def test_slug_keeps_the_file_inside_the_folder(name, stem, tmp_path):
    assert slug(name) == stem
    draft = dataclasses.replace(LEIDEN, name=name)
    path = write_region(draft, tmp_path / "regions")
    assert path == tmp_path / "regions" / f"{stem}.toml"
    assert path.resolve().parent == (tmp_path / "regions").resolve()
    assert load_scenario(path)["name"] == name
