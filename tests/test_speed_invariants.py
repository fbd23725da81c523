"""Kept and memoised values equal what a fresh computation gives (no timing assertions)."""

from __future__ import annotations

import pickle

import pytest

from agents_model import WmoModel
from agents_model.contracts import ContractSet
from agents_model.model import REFERENCE_VALUES
from agents_model.products import LEVELS, PRODUCTS, PROTECTED_LIVING


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
        assert q._caseload_counts() == q._counts_of_book()
        pairs: dict[tuple[int, int], float] = {}
        for (muni_id, product, _, _, _), line in q.book.items():
            pairs[muni_id, product] = pairs.get((muni_id, product), 0.0) + line[0]
        assert q.buyer_pairs == pairs
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
    a, b = model.providers[:2]
    assert model.pool_positions([a, b, a]) is None
    assert model.pool_positions([b, a]) == {b.unique_id: (0, b), a.unique_id: (1, a)}


def test_kept_care_costs_match_the_caseload_profile(model):
    for q in model.providers:
        profile = q._profile_of_book()
        for (product, level), cost in q._care_costs().items():
            complexity, factor = profile.get((product, level), (0.35, 1.0))
            assert cost == PRODUCTS[product].hours[level] * q.hourly_cost(product, complexity) \
                * factor


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


def reference_pay(model: WmoModel, provider, buyers, prices, serving) -> None:
    """Pay a provider line by line through ``book_payment`` (how ``pay_provider`` must book)."""
    design, pl = model.design, PROTECTED_LIVING.index
    for (muni_id, product, level, pgb, sub), (n, hours, _, _) in provider.book.items():
        m = model.muni_by_id[muni_id]
        ratio = provider.ratio[product][level]
        if pgb:
            amount = hours * ratio * PRODUCTS[product].cost_per_hour * design.pgb_tariff_factor
            model.book_payment(m, provider, amount, None, product)
            continue
        buyer = buyers[muni_id, product]
        payer = model.central if product == pl else m
        serving[payer.unique_id].add(provider)
        acc = buyer.account(provider)
        acc.production += n * REFERENCE_VALUES[product][level] * ratio
        key = (buyer.tariff, product, level)
        if key not in prices:
            prices[key] = model.prices(product, level, buyer.tariff)
        amount = prices[key][0] * hours * ratio + n * prices[key][1]
        if amount <= 0.0:
            continue
        if design.budget_ceiling > 0.0:
            amount = model.apply_ceiling(provider, buyer, acc, amount)
        if sub:
            lead = buyer.leads[product]
            if lead is not None and lead is not provider and lead.active:
                model.transfer(payer, lead, amount * design.lead_overhead, buyer, product)
                amount *= 1.0 - design.lead_overhead
        model.book_payment(payer, provider, amount, acc, product)


def money_state(model: WmoModel) -> list:
    accounts = sorted((key, uid, acc.paid, acc.production)
                      for key, buyer in model.contract_sets.items()
                      for uid, acc in buyer.accounts.items())
    return [sorted((k, v) for k, v in model.month_stats.items() if isinstance(k, str)),
            [(m.spend_year, m.spend_total) for m in model.municipalities],
            [(q.unique_id, q.revenue_month, q.revenue_total, q.reserve) for q in model.providers],
            accounts]


@pytest.mark.parametrize("overrides", [
    {"procurement": "consortium", "funding": "per_client", "pgb_share": 0.2},
    {"funding": "fee_for_service", "budget_ceiling": 1.05, "pgb_share": 0.1},
])
def test_pay_provider_books_as_book_payment_does(overrides):
    """The in-place booking of ``pay_provider`` gives the same sums, in the same order."""
    model = WmoModel("leiden_2015", rng=4, population_scale=0.1, **overrides)
    model.run_for(7)
    model.books_closed = False
    twin = pickle.loads(pickle.dumps(model))
    served = []
    for m, pay in ((model, model.pay_provider),
                   (twin, lambda *a: reference_pay(twin, *a))):
        buyers, prices = m.buyer_keys(), {}
        serving = {x.unique_id: set() for x in m.municipalities}
        for q in m.providers:
            pay(q, buyers, prices, serving)
        served.append(sorted((k, sorted(q.unique_id for q in v)) for k, v in serving.items()))
    assert served[0] == served[1]
    assert money_state(model) == money_state(twin)
    assert model.month_stats["spend"] > 0
