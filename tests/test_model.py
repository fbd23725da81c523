"""Structural behaviour of the model: levers, regime switches, outputs and the public API."""

from __future__ import annotations

import pickle

import networkx as nx
import pytest
from helpers import small_model

from agents_model import WmoModel, load_scenario, metrics
from agents_model.metrics import KPI_NAMES, WEIGHTINGS
from agents_model.products import HOUSEHOLD_HELP, INDIVIDUAL_SUPPORT
from agents_model.scenario import Switch

DESIGN_KPIS = (
    "clients_in_care", "waiting_list", "mean_wait_months", "placement_attempts",
    "refusal_rate_complex", "upcoding_rate", "hours_delivered_ratio", "share_heavy_indications",
    "general_provision_share", "step_down_rate", "innovation_mean", "transformation_index",
    "spend", "budget", "cost_per_client", "admin_share", "active_providers",
    "providers_without_clients_share", "top25_share", "hhi", "trust_municipality_to_provider",
    "trust_provider_to_municipality", "regional_cohesion", "municipalities_in_region",
    "rules_count", "unmet_need", "mean_need",
)


def test_every_design_kpi_is_reported_each_month_from_the_start_state():
    model = small_model()
    model.run_for(3)
    df = model.kpi_frame()
    assert set(DESIGN_KPIS) <= set(df.columns)
    assert set(KPI_NAMES) <= set(df.columns)
    assert list(df["month"]) == [0, 1, 2, 3]
    assert not df.isna().any().any()


def test_transformation_index_is_the_mean_of_its_components():
    model = small_model()
    model.run_for(13)
    k = model.kpis
    parts = {c: k[f"transformation_{c}"] for c in ("results", "no_relapse", "general_provision",
                                                   "access", "light_care")}
    assert abs(k["transformation_index"] - sum(parts.values()) / 5) < 1e-12
    for name, weights in WEIGHTINGS.items():
        assert sum(weights.values()) == pytest.approx(1.0)
        assert k[name] == pytest.approx(sum(weights[c] * parts[c] for c in parts))
    assert all(0.0 <= v <= 1.0 for v in parts.values())


def test_the_index_counts_outcomes_not_the_innovation_stock():
    """Raising every provider's hidden innovation stock does not move the index this month."""
    model = small_model()
    model.run_for(13)
    before = metrics.snapshot(model)["transformation_index"]
    for q in model.providers:
        q.innovation = 1.0
    assert metrics.snapshot(model)["transformation_index"] == before


def test_waiting_lowers_the_access_component():
    model = small_model()
    model.run_for(6)
    calm = metrics.snapshot(model)["transformation_access"]
    model.stats.rolling[-1]["waiting_months"] += 500
    assert metrics.snapshot(model)["transformation_access"] < calm


def test_social_base_spend_is_the_investment_and_stays_out_of_the_wmo_spend():
    none, some = small_model(social_base_investment=0.0), small_model(social_base_investment=90.0)
    none.run_for(2)
    some.run_for(2)
    inhabitants = sum(m.inhabitants() for m in some.municipalities)
    scale = some.p.population_scale
    assert none.kpis["social_base_spend"] == 0.0
    assert some.kpis["social_base_spend"] == pytest.approx(90.0 * inhabitants * scale / 12.0)
    assert some.kpis["social_base_spend"] < some.kpis["budget"]
    paid = sum(m.spend_total for m in some.municipalities)
    frame = some.kpi_frame()
    assert frame["spend"].sum() == pytest.approx(paid)


def test_provider_table_has_a_row_per_provider_and_year():
    model = small_model()
    model.run_for(24)
    table = model.provider_frame()
    assert set(table["year"]) == {2015, 2016}
    assert len(table[table["year"] == 2016]) == len(model.providers)
    assert {"clients", "revenue", "margin", "sigma", "innovation"} <= set(table.columns)


def test_network_has_the_three_edge_kinds_with_integer_nodes():
    model = small_model(scenario=load_scenario("leiden_2015"), population_scale=0.02,
                        procurement="consortium")
    kinds = {d["kind"] for _, _, d in model.network.edges(data=True)}
    assert kinds == {"trust", "cohesion", "collaboration"}
    assert all(isinstance(n, int) for n in model.network.nodes)
    assert isinstance(model.network, nx.DiGraph)


def test_regime_switch_reprocures_with_the_new_design_and_costs_trust():
    base = load_scenario("leiden_2015").with_overrides({"population_scale": 0.02})
    switched = base.__class__(**{**base.__dict__, "switches": [
        Switch(2017, {"procurement": "strategic_partners", "partners": 2})]})
    a = WmoModel(base, rng=1)
    b = WmoModel(switched, rng=1)
    a.run_for(24)
    b.run_for(24)
    assert a.design.procurement == "open_house"
    assert b.design.procurement == "strategic_partners"
    members = b.contract_sets["region"].members[INDIVIDUAL_SUPPORT.index]
    assert 0 < len(members) <= 2
    assert any("Regime change" in text for _, text in b.events)
    assert b.kpis["trust_provider_to_municipality"] < a.kpis["trust_provider_to_municipality"]


def test_open_house_admits_entrants_at_once_selective_does_not():
    def contracted_entrants(procurement):
        model = small_model(procurement=procurement, partners=50, entry_rate=40.0,
                            contract_years=5)
        model.run_for(12)
        return sum(q.entry_month > 0 for q in model.contract_sets["region"].providers())

    assert contracted_entrants("open_house") > 0
    assert contracted_entrants("selective") == 0


def test_personal_budget_holders_may_use_providers_without_contract():
    model = small_model(procurement="strategic_partners", partners=1, pgb_share=1.0,
                        population_scale=0.2)
    model.run_for(12)
    contracted = model.contract_sets["region"].providers()
    pgb_elsewhere = sum(1 for q in model.providers if q not in contracted
                        for key in q.book if key[3])
    assert pgb_elsewhere > 0


def test_fast_track_shortens_single_household_help_assessments():
    def hours(fast):
        model = small_model(fast_track=fast)
        worker = model.municipalities[0].workers[0]
        r = model.demography.new_resident(model.municipalities[0], 2, HOUSEHOLD_HELP)
        r.complexity = 0.1
        return worker.assessment_time(model.p, r)

    assert hours(True) < hours(False)


def test_municipality_joining_later_buys_alone_until_it_joins():
    model = WmoModel(load_scenario("leiden_2015"), rng=1, population_scale=0.02)
    voorschoten = next(m for m in model.municipalities if m.name == "Voorschoten")
    assert not voorschoten.in_region
    assert f"m{voorschoten.unique_id}" in model.contract_sets
    model.run_for(5 * 12)
    assert voorschoten.in_region
    assert any("Voorschoten joined" in text for _, text in model.events)


def test_model_is_picklable_after_running():
    model = small_model()
    model.run_for(2)
    clone = pickle.loads(pickle.dumps(model))
    assert clone.kpis == model.kpis
