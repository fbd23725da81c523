"""A player's decisions for a municipality (the classroom mode): each decision moves what it
should, with everything else fixed, and no decision leaves the run exactly as it was."""

import pandas as pd
import pytest

from agents_model import WmoModel, load_scenario
from agents_model.directives import MUNICIPALITY_DECISIONS, direct


def play(decisions, years=2, region="leiden_2015", player="Leiderdorp", overrides=None,
         seed=5, design=None):
    """Run ``years`` years; every January the player's municipality gets ``decisions``."""
    scenario = load_scenario(region, design=design,
                             overrides={"population_scale": 0.03, **(overrides or {})})
    model = WmoModel(scenario, rng=seed)
    municipality = next(m for m in model.municipalities if m.name == player)
    for _ in range(years):
        if decisions is not None:
            direct(municipality, decisions)
        model.run_for(12)
    return model, municipality


def test_no_decision_leaves_the_run_exactly_as_without_a_player():
    plain, _ = play(None)
    empty, _ = play({})
    pd.testing.assert_frame_equal(plain.kpi_frame(), empty.kpi_frame())


def test_a_player_adding_a_rule_each_year_ends_with_more_rules_and_less_trust():
    added, m_add = play({"rules": "add"}, years=3)
    dropped, m_drop = play({"rules": "drop"}, years=3)
    assert m_add.rules == 3 and m_drop.rules == 0  # once a year, as decided
    providers = [q.unique_id for q in added.providers]

    def trust_from_providers(model, m):
        values = [model.net.value(q.unique_id, m.unique_id, "trust", None)
                  for q in model.providers]
        values = [v for v in values if v is not None]
        return sum(values) / len(values)

    assert providers
    assert trust_from_providers(added, m_add) < trust_from_providers(dropped, m_drop)


ROOMY = {"dialogue_meetings": 1, "dialogue_capacity_share": 1.0}
"""Contract managers with hours to spare, so the meetings held follow the intention."""


def test_a_player_doubling_dialogue_holds_more_meetings_than_one_holding_none():
    _, doubled = play({"dialogue": "double"}, overrides=ROOMY)
    _, contracted = play({"dialogue": "contracted"}, overrides=ROOMY)
    _, none = play({"dialogue": "none"}, overrides=ROOMY)
    assert none.dialogue_held == 0.0 and none.dialogue_hours == 0.0
    assert doubled.dialogue_held > contracted.dialogue_held > 0.0


def test_a_player_decides_whether_the_municipality_stays_in_the_joint_procurement():
    restless = {"leave_threshold": 1.0, "leave_quarters": 1}  # its own rule would leave
    _, own_rule = play(None, overrides=restless)
    _, stays = play({"joint_procurement": "stay"}, overrides=restless)
    _, leaves = play({"joint_procurement": "leave"})
    assert own_rule.local_products or not own_rule.in_region
    assert stays.in_region and not stays.local_products
    assert leaves.local_products or not leaves.in_region


def test_the_central_municipality_cannot_be_made_to_leave():
    _, leiden = play({"joint_procurement": "leave"}, player="Leiden")
    assert leiden.in_region and not leiden.local_products


@pytest.mark.parametrize("decisions,message", [
    ({"budget": "raise"}, "unknown decision 'budget'"),
    ({"rules": "double"}, "rules: 'double' is not one of add, drop, keep"),
])
def test_unknown_decisions_and_choices_are_refused(decisions, message):
    model = WmoModel(load_scenario("woerden_2017"), rng=1, population_scale=0.01)
    with pytest.raises(ValueError, match=message):
        direct(model.municipalities[0], decisions)
    assert model.municipalities[0].directives == {}
    assert set(MUNICIPALITY_DECISIONS) == {"joint_procurement", "rules", "dialogue", "tariff",
                                           "partners"}


def test_the_central_municipality_cutting_the_tariff_ends_below_one_raising_it():
    cut, _ = play({"tariff": "cut"}, player="Leiden")
    raised, _ = play({"tariff": "raise"}, player="Leiden")
    kept, _ = play({"tariff": "keep"}, player="Leiden")
    tariffs = [m.contract_sets["region"].tariff for m in (cut, kept, raised)]
    assert tariffs[0] < tariffs[1] < tariffs[2]
    member, _ = play({"tariff": "raise"}, player="Leiderdorp")  # not its contracts to set
    plain, _ = play(None)
    assert member.contract_sets["region"].tariff == plain.contract_sets["region"].tariff


def test_the_central_municipality_keeping_fewer_partners_contracts_fewer_providers():
    yearly_rounds = {"contract_years": 1}
    fewer, _ = play({"partners": "fewer"}, region="leiden_2015", player="Leiden",
                    overrides=yearly_rounds, design="strategic_partners")
    more, _ = play({"partners": "more"}, region="leiden_2015", player="Leiden",
                   overrides=yearly_rounds, design="strategic_partners")
    assert fewer.kpi_frame()["contracted_providers"].iloc[-1] < \
        more.kpi_frame()["contracted_providers"].iloc[-1]
