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


def test_main_buyer_is_the_buyer_of_most_clients(model):
    buyers = model.market.buyers_by_pair()
    region = model.contract_sets["region"]
    for q in model.providers:
        counts: dict[str, float] = {}
        for (muni_id, product, _, _, _), line in q.book.items():
            key = buyers[muni_id, product].key
            counts[key] = counts.get(key, 0.0) + line.clients
        expected = max(counts, key=lambda k: (counts[k], k)) if counts else "region"
        assert q.main_buyer(buyers, region).key == expected


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


def test_known_providers_with_room_follow_pool_order(model):
    reg = model.contract_sets["region"]
    workers = [w for m in model.municipalities for w in m.workers if w.relations]
    assert workers
    for product in range(len(PRODUCTS)):
        pool = reg.members[product]
        for w in workers:
            for tried in (set(), set(list(w.relations)[:2])):
                expected = [q for q in pool if q.unique_id in w.relations
                            and q.unique_id not in tried
                            and q.capacity[product] - len(q.clients[product]) >= 1.0]
                assert w.known_with_room(pool, product, tried) == expected


def test_network_events_and_drift_equal_nudge_and_drift():
    from agents_model.network import TrustNetwork, clip01, drift, nudge

    for value in (0.0, -0.0, 0.3, 1.0, 1.5, -0.2, float("nan"), float("inf")):
        assert repr(clip01(value)) == repr(min(1.0, max(0.0, value)))
    net = TrustNetwork(0.2, 0.4, 0.5, 0.05)
    net.link(1, 2, "trust", 0.6)
    net.link(2, 1, "collaboration", 0.8)
    value = 0.6
    for strength in (0.5, -1.0, 2.0, -3.0, 0.0, 4.0):
        value = nudge(value, strength, 0.2, 0.4)
        assert net.event(1, 2, "trust", strength) == value
    net.drift_all()
    assert net.value(1, 2, "trust") == drift(value, 0.5, 0.05)
    assert net.value(2, 1, "collaboration") == 0.8
