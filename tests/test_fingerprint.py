"""Fingerprints replay a run to the same numbers; events read in English and Dutch."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from agents_model import WmoModel, load_scenario
from agents_model.cli import main
from agents_model.events import Event, describe, month_label
from agents_model.metrics import export_frame
from agents_model.runner.fingerprints import fingerprint, load_fingerprint, replay
from agents_model.scenario import SCENARIO_ROOT as SCENARIOS
from agents_model.scenario import ScenarioError


def test_fingerprint_replays_to_the_same_kpis(tmp_path):
    scenario = load_scenario("leiden_2015", design="consortium",
                             overrides={"population_scale": 0.02, "tariff_factor": 0.9})
    model = WmoModel(scenario, rng=5)
    model.run_for(14)
    data = fingerprint(scenario, 5, 14)
    assert data["region"] == "leiden_2015" and data["design"] == "consortium"
    path = tmp_path / "fp.json"
    path.write_text(json.dumps(data))
    again = replay(load_fingerprint(path))
    pd.testing.assert_frame_equal(model.kpi_frame(), again.kpi_frame())
    out = tmp_path / "kpis.csv"
    result = CliRunner().invoke(main, ["replay", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    expected = tmp_path / "expected.csv"
    export_frame(model.kpi_frame()).to_csv(expected, index=False)
    assert out.read_text() == expected.read_text()


def test_changed_parameter_changes_the_replay():
    scenario = load_scenario("woerden_2017", overrides={"population_scale": 0.05})
    data = fingerprint(scenario, 1, 12)
    base = replay(data).kpi_frame()
    data["parameters"]["tariff_factor"] = 0.6
    assert not replay(data).kpi_frame().equals(base)


@pytest.mark.parametrize("text,message", [
    ("not json", "not valid JSON"),
    ('{"format": "other"}', "not a wmo-abm fingerprint"),
    ('{"format": "wmo-abm-fingerprint/1", "version": "0.1.0", "region": "leiden_2015", '
     '"design": "", "seed": 1, "months": 0, "parameters": {}}', "months"),
])
def test_bad_fingerprints_are_refused(tmp_path, text, message):
    path = tmp_path / "fp.json"
    path.write_text(text)
    with pytest.raises(ScenarioError, match=message):
        load_fingerprint(path)
    result = CliRunner().invoke(main, ["replay", str(path)])
    assert result.exit_code == 2
    assert message in result.stderr


def test_fingerprint_with_an_out_of_range_value_names_the_key(tmp_path):
    scenario = load_scenario("woerden_2017")
    data = fingerprint(scenario, 1, 12)
    data["parameters"]["tariff_factor"] = 9.0
    path = tmp_path / "fp.json"
    path.write_text(json.dumps(data))
    result = CliRunner().invoke(main, ["replay", str(path)])
    assert result.exit_code == 2
    assert "design.tariff_factor" in result.stderr


def test_events_read_in_english_and_dutch():
    event = Event(27, "rule_added", {"municipality": "Leiderdorp", "rules": 3})
    assert describe(event, 2015) == "March 2017: Leiderdorp added a contract rule (3 now)"
    assert describe(event, 2015, "nl") == "maart 2017: Leiderdorp voegde een spelregel toe " \
                                          "(nu 3)"
    assert month_label(1, 2015, "nl") == "januari 2015"


def test_model_logs_structured_events():
    model = WmoModel(load_scenario("leiden_2015"), rng=1, population_scale=0.02)
    model.run_for(12)
    kinds = {e.kind for e in model.event_log}
    assert "procurement_round" in kinds or "rule_added" in kinds
    assert all(isinstance(text, str) for _, text in model.events)
    for event in model.event_log:
        assert describe(event, 2015, "nl")


def test_events_name_providers_short_and_choices_by_their_display_names():
    entered = Event(3, "provider_entered", {"provider": "Provider S-17", "provider_kind": "small",
                                            "provider_id": 1970, "provider_number": 17})
    assert describe(entered, 2015) == "March 2015: Provider S-17 entered the market"
    assert describe(entered, 2015, "nl") == "maart 2015: Aanbieder K-17 kwam op de markt"
    round_ = Event(12, "procurement_round", {"buyer": "the region", "procurement": "open_house",
                                             "funding": "per_client"})
    assert describe(round_, 2015, with_date=False) == \
        "Procurement round for the region: Open house; Fee per client"
    assert describe(round_, 2015, "nl", with_date=False) == \
        "Inkoopronde voor de regio: Open house (bestuurlijk contracteren); Tarief per cliënt"


def test_providers_are_numbered_within_their_kind_and_logged_by_that_number():
    model = WmoModel(load_scenario("leiden_2015"), rng=1, population_scale=0.05)
    model.run_for(24)
    for kind in ("large", "medium", "small"):
        numbers = sorted(q.number for q in model.providers if q.kind == kind)
        assert len(set(numbers)) == len(numbers) and all(n >= 1 for n in numbers)
        assert max(numbers, default=0) <= model.market.kind_count[kind]
    for q in model.providers:
        assert q.label == f"Provider {dict(large='L', medium='M', small='S')[q.kind]}-{q.number}" \
            or q.kind == "cooperative"
    entries = [e for e in model.event_log if e.kind in ("provider_entered", "provider_left")]
    assert entries
    for event in entries:
        text = describe(event, 2015, with_date=False)
        assert f"-{event.details['provider_number']} " in text
        assert str(event.details["provider_id"]) not in text


def test_exported_kpis_leave_the_start_row_empty_where_nothing_happened_yet(tmp_path):
    model = WmoModel(load_scenario("woerden_2017"), rng=2, population_scale=0.05)
    model.run_for(14)
    frame = model.kpi_frame()
    assert frame.loc[0, "hours_delivered_ratio"] == 1.0  # the model's placeholder
    exported = export_frame(frame)
    assert exported["year"].dtype == "int64"
    assert list(exported["year"]) == [2017] * 13 + [2018, 2018]  # month 12 is December 2017
    assert exported.loc[0, ["hours_delivered_ratio", "cost_per_client",
                            "transformation_index"]].isna().all()
    assert exported.loc[1:, "hours_delivered_ratio"].notna().all()
    assert exported.loc[0, "clients_in_care"] == frame.loc[0, "clients_in_care"]
    out = tmp_path / "k.csv"
    exported.to_csv(out, index=False)
    start = out.read_text().splitlines()[1].split(",")
    header = out.read_text().splitlines()[0].split(",")
    assert start[header.index("cost_per_client")] == ""
    assert start[header.index("year")] == "2017"


def test_a_fingerprint_carries_a_region_file_of_its_own_and_replays_without_it(tmp_path):
    region = tmp_path / "my_region.toml"
    region.write_text((SCENARIOS / "regions" / "woerden_2017.toml").read_text(encoding="utf-8")
                      .replace("population = 51000", "population = 30000"), encoding="utf-8")
    scenario = load_scenario(region, overrides={"population_scale": 0.03})
    model = WmoModel(scenario, rng=2)
    model.run_for(6)
    data = fingerprint(scenario, 2, 6)
    assert "population = 30000" in data["region_file"]
    region.unlink()  # the fingerprint travels without the file
    path = tmp_path / "fp.json"
    path.write_text(json.dumps(data))
    again = replay(load_fingerprint(path))
    pd.testing.assert_frame_equal(again.kpi_frame(), model.kpi_frame())
    assert "region_file" not in fingerprint(load_scenario("woerden_2017"), 1, 1)
