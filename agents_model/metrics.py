"""Model outputs: the monthly KPIs (DataCollector model reporters) and the transformation index.

``snapshot(model)`` computes every KPI once per month from incrementally kept counts and the
month's statistics; the reporters read from it (named functions, so a model stays picklable).
Rates use the last twelve months. Column names listed in ``KPI_NAMES`` are interfaces.

Transformation index (in [0, 1]): a weighted mean of five components an evaluator can count,
each in [0, 1] (none of them is the providers' unobserved innovation stock, which is reported
on its own as ``innovation_mean``):

* ``transformation_results``: step-downs and endings of care within twelve months of its start,
  over the year's care starts (capped at 1; M14, M15);
* ``transformation_no_relapse``: 1 - relapses within twelve months of leaving care, over the
  year's endings of care (M14);
* ``transformation_general_provision``: share of assessments routed to a general provision,
  divided by 0.3 and capped at 1 (M13, M19: the least realised principle);
* ``transformation_access``: 1 - months residents waited (for assessment or placement) per
  1,000 adults per year, divided by :data:`WAITING_NORM` and capped at 1 (M13);
* ``transformation_light_care``: 1 - share of in-care indications at the intensive level.

:data:`WEIGHTINGS` gives the weights: ``transformation_index`` weighs the five equally;
``transformation_index_outcomes`` stresses what care achieves (results and no relapse) and
``transformation_index_access`` stresses the access side (general provisions and waiting).

Money KPIs are per month: ``spend`` is what municipalities paid providers in the month (lumpsum
settlements land in December), ``budget`` is one twelfth of the year's Wmo budget in force that
month, and ``social_base_spend`` is what the municipalities put into general provisions (the
social base, ``social_base_investment``, M13) that month: it is paid besides ``spend``, not out
of the Wmo budget, so a design's full cost is ``spend + social_base_spend``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from agents_model.products import PRODUCTS, STATES

if TYPE_CHECKING:
    import pandas as pd

    from agents_model.model import WmoModel

__all__ = ["KPI_NAMES", "KPI_UNITS", "PROVIDER_COLUMNS", "RATE_KPIS", "UNDEFINED_AT_START",
           "WEIGHTINGS", "export_frame", "kpi",
           "snapshot", "transformation"]

KPI_UNITS: dict[str, str] = {
    "year": "year",
    "clients_in_care": "residents",
    "waiting_list": "residents",
    "mean_wait_months": "months",
    "placement_attempts": "attempts/placement",
    "refusal_rate_complex": "share",
    "upcoding_rate": "share of indications",
    "hours_delivered_ratio": "delivered/indicated",
    "share_heavy_indications": "share",
    "general_provision_share": "share of assessments",
    "step_down_rate": "per client-year",
    "innovation_mean": "0-1",
    "transformation_index": "0-1",
    "transformation_index_outcomes": "0-1",
    "transformation_index_access": "0-1",
    "transformation_results": "0-1",
    "transformation_no_relapse": "0-1",
    "transformation_general_provision": "0-1",
    "transformation_access": "0-1",
    "transformation_light_care": "0-1",
    "waiting_months_per_1000": "months/1,000 adults/year",
    "spend": "EUR/month",
    "budget": "EUR/month",
    "social_base_spend": "EUR/month",
    "cost_per_client": "EUR/client/month",
    "admin_share": "share of provider cost",
    "active_providers": "providers",
    "contracted_providers": "providers",
    "contracted_providers_support": "providers",
    "providers_household_help": "providers",
    "providers_without_clients_share": "share",
    "top25_share": "share of clients",
    "hhi": "0-1",
    "trust_municipality_to_provider": "0-1",
    "trust_provider_to_municipality": "0-1",
    "trust_field_municipality_to_provider": "0-1",
    "trust_field_provider_to_municipality": "0-1",
    "collaboration_strength": "tie strength/provider",
    "access_knowledge": "share of providers",
    "dialogue_held": "meetings/provider/year",
    "contract_management_load": "share of hours",
    "case_management_hours": "hours/month",
    "regional_cohesion": "0-1",
    "municipalities_in_region": "municipalities",
    "municipalities_partly_out": "municipalities",
    "rules_count": "rules/municipality",
    "unmet_need": "residents",
    "mean_need": "0-1",
    "sigma_mean": "0-1",
    "protected_living_spend_share": "share of spend",
    "share_clients_75": "share of clients",
    "hours_per_client_individual_support": "hours/month",
    "delivered_ratio_intensive_support": "delivered/indicated",
    **{f"clients_{p.key}": "residents" for p in PRODUCTS},
    **{f"state_{s}": "residents" for s in STATES},
}
KPI_NAMES: tuple[str, ...] = tuple(KPI_UNITS)
RATE_KPIS: frozenset[str] = frozenset({
    "placement_attempts", "refusal_rate_complex", "upcoding_rate", "general_provision_share",
    "step_down_rate", "protected_living_spend_share", "transformation_general_provision",
    "transformation_results", "transformation_no_relapse", "transformation_access",
    "transformation_index", "transformation_index_outcomes", "transformation_index_access",
    "waiting_months_per_1000", "case_management_hours",
})
"""Rates over the last twelve months (fewer at the start; 0 in the start row, month 0)."""

UNDEFINED_AT_START: frozenset[str] = RATE_KPIS | frozenset({
    "hours_delivered_ratio", "cost_per_client", "admin_share",
})
"""KPIs that say nothing at month 0 (nothing has been delivered, paid or decided yet): the
summary shows ``-`` for them and exports leave them empty (:func:`export_frame`)."""


def export_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The monthly KPI table as users receive it (CSV or Parquet from the app and the CLI).

    The start row (month 0) leaves :data:`UNDEFINED_AT_START` empty instead of a placeholder
    0 or 1, and ``year`` is the calendar year of the month (an integer; month 0 belongs to the
    start year) instead of the fractional year the charts use.

    Args:
        frame: The table of :meth:`agents_model.WmoModel.kpi_frame`.
    """
    out = frame.copy()
    start_year = int(math.floor(float(out["year"].iloc[0]))) if len(out) else 0
    months = out["month"].astype("int64")
    out["year"] = (start_year + (months - 1).clip(lower=0) // 12).astype("int64")
    start = months == 0
    columns = [c for c in out.columns if c in UNDEFINED_AT_START]
    out.loc[start, columns] = float("nan")
    return out

PROVIDER_COLUMNS: tuple[str, ...] = ("year", "provider", "kind", "clients", "revenue", "margin",
                                     "sigma", "innovation", "contracted", "products")
SUPPORT = (1, 2)


def kpi(model: WmoModel, name: str) -> float:
    """Reporter: one KPI from the month's snapshot."""
    return model.kpis[name]


def _rolling(model: WmoModel, key: str) -> float:
    return model.stats.over_year(key)


def _ratio(num: float, den: float, default: float = 0.0) -> float:
    return num / den if den > 0 else default


def concentration(model: WmoModel) -> dict[str, float]:
    """Market concentration in individual support and day activities (T1)."""
    contracted = set()
    for buyer in model.contract_sets.values():
        for i in SUPPORT:
            contracted.update(buyer.members[i])
    first, second = SUPPORT
    counts = sorted([len(q.clients[first]) + len(q.clients[second]) for q in model.providers
                     if q.capacity[first] > 0 or q.capacity[second] > 0], reverse=True)
    total = sum(counts)
    empty = sum(1 for q in contracted if not (q.clients[first] or q.clients[second]))
    return {
        "contracted_providers_support": float(len(contracted)),
        "providers_without_clients_share": _ratio(empty, len(contracted)),
        "top25_share": _ratio(sum(counts[:25]), total),
        "hhi": sum((c / total) ** 2 for c in counts) if total else 0.0,
    }


def caseload(model: WmoModel) -> dict[str, float]:
    """Caseload composition: levels, products, ages, hours (T3, T4, T5)."""
    heavy = total = old = 0.0
    by_product = [0.0] * len(PRODUCTS)
    is_hours = is_n = heavy_hours = heavy_done = 0.0
    for q in model.providers:
        for (_, product, level, _, _), line in q.book.items():
            n, hours, shown = line.clients, line.planned_hours, line.indicated_hours
            total += n
            by_product[product] += n
            if level == 2:
                heavy += n
            if product == 1:
                done = hours * q.ratio[product][level]
                is_hours += done
                is_n += n
                if level == 2:
                    heavy_hours += shown
                    heavy_done += done
        old += q.old_clients
    out = {f"clients_{p.key}": by_product[p.index] for p in PRODUCTS}
    out["share_heavy_indications"] = _ratio(heavy, total)
    out["share_clients_75"] = _ratio(old, total)
    out["hours_per_client_individual_support"] = _ratio(is_hours, is_n)
    out["delivered_ratio_intensive_support"] = _ratio(heavy_done, heavy_hours, 1.0)
    return out


def waiting(model: WmoModel) -> float:
    """Mean months the residents now waiting have waited."""
    total = n = 0
    for m in model.municipalities:
        for r in m.assessment_queue:
            if r.state == "waiting_assessment":
                total += model.month - r.since
                n += 1
        for r in m.placement_list:
            if r.state == "waiting_placement":
                total += model.month - r.since
                n += 1
    return _ratio(total, n)


def snapshot(model: WmoModel) -> dict[str, float]:
    """Compute every KPI for the current month."""
    s = model.stats.month
    counts = model.stats.states
    in_care = counts["in_care"]
    net = model.net
    munis = {m.unique_id for m in model.municipalities}
    provs = {q.unique_id for q in model.providers}
    spend = float(s.get("spend", 0.0))
    budget = model.budget_month
    cost = sum([q.cost_month for q in model.providers])
    admin = sum([q.admin_month for q in model.providers])
    clients_weight = sum([q.total_clients for q in model.providers])
    if clients_weight:
        innovation = sum([q.innovation * q.total_clients for q in model.providers]) \
            / clients_weight
    else:
        innovation = _ratio(sum(q.innovation for q in model.providers), len(model.providers))
    region = [m for m in model.municipalities if m.in_region]
    region_ids = {m.unique_id for m in region}
    cohesion = net.mean("cohesion", region_ids, region_ids) if len(region) > 1 else 1.0
    assessed = _rolling(model, "assessed")
    contracted = model.market.contracted_ids()
    indications = _rolling(model, "indications")
    mean_in_care = max(1.0, in_care)
    talking = [m for m in model.municipalities if m.dialogue_held > 0.0]
    out: dict[str, float] = {
        "year": float(model.p.start_year + model.month / 12.0),
        "clients_in_care": float(in_care),
        "waiting_list": float(counts["waiting_assessment"] + counts["waiting_placement"]),
        "mean_wait_months": waiting(model),
        "placement_attempts": _ratio(_rolling(model, "placed_attempts"),
                                     _rolling(model, "placed"), 0.0),
        "refusal_rate_complex": _ratio(_rolling(model, "complex_refusals"),
                                       _rolling(model, "complex_attempts")),
        "upcoding_rate": _ratio(_rolling(model, "upcoded"), indications),
        "hours_delivered_ratio": _ratio(s.get("hours_delivered", 0.0),
                                        s.get("hours_indicated", 0.0), 1.0),
        "general_provision_share": _ratio(_rolling(model, "to_general_provision"), assessed),
        "step_down_rate": _rolling(model, "step_downs") * 12.0 / max(1, len(model.stats.rolling))
        / mean_in_care,
        "innovation_mean": innovation,
        "spend": spend,
        "budget": budget,
        "social_base_spend": sum(m.gp_places for m in model.municipalities)
        * model.p.general_provision_cost,
        "cost_per_client": _ratio(spend, in_care),
        "admin_share": _ratio(admin, cost),
        "active_providers": float(sum(1 for q in model.providers if q.n_clients())),
        "contracted_providers": float(len(contracted)),
        "providers_household_help": float(len(model.contract_sets["region"].members[0])),
        "trust_municipality_to_provider": _nan0(net.mean("trust", munis, contracted)),
        "trust_provider_to_municipality": _nan0(net.mean("trust", contracted, munis)),
        "trust_field_municipality_to_provider": _nan0(net.mean("trust", munis, provs)),
        "trust_field_provider_to_municipality": _nan0(net.mean("trust", provs, munis)),
        "collaboration_strength": collaboration_strength(model),
        "access_knowledge": access_knowledge(model, contracted),
        "dialogue_held": _ratio(sum(m.dialogue_held for m in talking), len(talking)),
        "contract_management_load": _ratio(sum(m.contract_load() for m in model.municipalities),
                                           len(model.municipalities)),
        "case_management_hours": _rolling(model, "case_management_hours")
        / max(1, len(model.stats.rolling)),
        "regional_cohesion": _nan0(cohesion),
        "municipalities_in_region": float(len(region)),
        "municipalities_partly_out": float(sum(1 for m in region if m.local_products)),
        "rules_count": _ratio(sum(m.rules for m in model.municipalities),
                              len(model.municipalities)),
        "unmet_need": float(counts["unmet"] + counts["dropped_out"]),
        "mean_need": _ratio(model.stats.need_sum, model.stats.need_count),
        "sigma_mean": _ratio(sum(q.sigma for q in model.providers), len(model.providers)),
        "protected_living_spend_share": _ratio(_rolling(model, "spend_protected_living"),
                                               _rolling(model, "spend")),
    }
    out.update(concentration(model))
    out.update(caseload(model))
    out.update({f"state_{k}": float(counts[k]) for k in STATES})
    out.update(transformation(model, out))
    return {k: float(out[k]) for k in KPI_NAMES}


WAITING_NORM = 60.0
"""Waiting-months per 1,000 adults per year at which the access component is 0 (five in a
thousand adults waiting all year)."""
GENERAL_PROVISION_NORM = 0.3
"""Share of assessments routed to a general provision at which that component is 1."""
WEIGHTINGS: dict[str, dict[str, float]] = {
    "transformation_index": {"results": 0.2, "no_relapse": 0.2, "general_provision": 0.2,
                             "access": 0.2, "light_care": 0.2},
    "transformation_index_outcomes": {"results": 0.35, "no_relapse": 0.25,
                                      "general_provision": 0.1, "access": 0.1,
                                      "light_care": 0.2},
    "transformation_index_access": {"results": 0.1, "no_relapse": 0.1,
                                    "general_provision": 0.35, "access": 0.35,
                                    "light_care": 0.1},
}
"""Weights of the components in each reported index (each set sums to 1)."""


def transformation(model: WmoModel, out: dict[str, float]) -> dict[str, float]:
    """The five components of transformation and the indexes under each weighting.

    Args:
        model: The model (for the year's tallies and the adult population).
        out: The month's other KPIs (general-provision share, heavy indications).
    """
    adults = sum(sum(m.population[1:]) for m in model.municipalities) * model.p.population_scale
    months = max(1, len(model.stats.rolling))
    waiting = _ratio(_rolling(model, "waiting_months") * 12.0 / months * 1000.0, adults)
    parts = {
        "results": min(1.0, _ratio(_rolling(model, "early_results"), _rolling(model, "placed"))),
        "no_relapse": 1.0 - min(1.0, _ratio(_rolling(model, "early_relapses"),
                                            _rolling(model, "care_endings"))),
        "general_provision": min(1.0, out["general_provision_share"] / GENERAL_PROVISION_NORM),
        "access": 1.0 - min(1.0, waiting / WAITING_NORM),
        "light_care": 1.0 - out["share_heavy_indications"],
    }
    result = {f"transformation_{k}": v for k, v in parts.items()}
    result["waiting_months_per_1000"] = waiting
    for name, weights in WEIGHTINGS.items():
        result[name] = sum(weights[k] * parts[k] for k in parts)
    return result


def collaboration_strength(model: WmoModel) -> float:
    """Mean summed strength of the collaboration ties of providers with clients (M10, M11)."""
    active = [q for q in model.providers if q.total_clients]
    net = model.net
    total = sum([net.sum_out(q.unique_id, "collaboration") for q in active])
    return _ratio(total, len(active))


def access_knowledge(model: WmoModel, contracted: set[int]) -> float:
    """Mean share of the contracted providers an access worker has placed with (M10, M13).

    Low values are fragmentation seen from the neighbourhood team: many providers, each known
    to few workers.
    """
    if not contracted:
        return 0.0
    workers = [w for m in model.municipalities for w in m.workers]
    known = sum(sum(1 for q in w.relations if q in contracted) for w in workers)
    return _ratio(known, len(workers) * len(contracted))


def provider_rows(model: WmoModel) -> list[dict]:
    """Each provider's year for the ``providers`` table (:data:`PROVIDER_COLUMNS`)."""
    contracted = model.market.contracted_ids()
    rows = []
    for q in model.providers:
        revenue = q.revenue_year
        rows.append({
            "year": model.year, "provider": q.unique_id, "kind": q.kind,
            "clients": q.n_clients(), "revenue": revenue,
            "margin": (revenue - q.cost_year) / revenue if revenue > 0 else 0.0,
            "sigma": q.sigma, "innovation": q.innovation,
            "contracted": q.unique_id in contracted,
            "products": ",".join(PRODUCTS[i].key for i in q.offers),
        })
    return rows


def _nan0(x: float) -> float:
    return 0.0 if math.isnan(x) else x
