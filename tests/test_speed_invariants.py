"""Kept and memoised values equal what a fresh computation gives (no timing assertions)."""

from __future__ import annotations

import pytest

from agents_model import WmoModel
from agents_model.contracts import ContractSet
from agents_model.products import LEVELS, PRODUCTS


@pytest.fixture(scope="module")
def model() -> WmoModel:
    m = WmoModel("leiden_2015", rng=5, population_scale=0.1, providers_support=40)
    m.run_for(15)
    return m


def brute_mean(net, kind, sources=None, targets=None) -> float:
    total, n = 0.0, 0
    for u, v, data in net.graph.edges(data=True):
        if data["kind"] == kind and (sources is None or u in sources) \
                and (targets is None or v in targets):
            total += data[kind]
            n += 1
    return total / n if n else float("nan")


def test_network_means_equal_a_scan_of_every_edge(model):
    net = model.net
    munis = {m.unique_id for m in model.municipalities}
    provs = {q.unique_id for q in model.providers}
    for kind, sources, targets in (("trust", munis, provs), ("trust", provs, munis),
                                   ("cohesion", munis, munis), ("trust", None, None)):
        assert net.mean(kind, sources, targets) == brute_mean(net, kind, sources, targets)
    for q in model.providers:
        vals = net.out_values(q.unique_id, "trust")
        expected = sum(vals.values()) / len(vals) if vals else net.baseline
        assert net.mean_out(q.unique_id, "trust") == expected


def test_kept_caseload_profile_and_main_buyer_match_fresh_ones(model):
    buyers = model.buyer_keys()
    signature = model._buyer_signature
    for q in model.providers:
        assert q._caseload_profile() == q._profile_of_book()
        assert model.main_buyer(q, buyers, signature) is model.main_buyer(q)


def test_client_values_follow_the_payment_rule(model):
    buyer = model.contract_sets["region"]
    rule, design = model.rule, model.design
    for q in model.providers[:10]:
        for product in PRODUCTS:
            for level in LEVELS:
                expected = rule.production_value(product, level, product.hours[level],
                                                 buyer.tariff, design.level_tariff_gap) \
                    * q.ceiling_headroom(buyer)
                assert q.client_value(product.index, level, buyer) == expected
                assert q.client_values(product.index, (level,), buyer) == [expected]


def test_contract_membership_follows_add_remove_and_clear(model):
    a, b, c = model.providers[:3]
    buyer = ContractSet("test")
    assert not buyer.has(a, 1)
    buyer.add(a, 1)
    buyer.add(b, 1)
    buyer.add(a, 1)
    assert buyer.members[1] == [a, b] and buyer.has(a, 1) and buyer.has(b, 1)
    buyer.remove(a, 1)
    buyer.add(c, 1)
    assert buyer.has(c, 1) and not buyer.has(a, 1)
    buyer.clear(1)
    assert buyer.members[1] == [] and not buyer.has(b, 1)
    buyer.members[1] = [a]
    assert buyer.has(a, 1)
