"""The KPI summary that ``wmo-abm run`` and ``wmo-abm replay`` print.

The summary shows each main KPI at month 0 (the start state) and in the final month. KPIs that
measure what happened during the past month or the past twelve months (rates such as
``placement_attempts`` or ``step_down_rate``) have no value at month 0, where nothing has
happened yet, and show ``-`` there. Money is shown as yearly totals in EUR: ``spend`` is what
the municipalities paid during the months of a simulated year, ``budget`` the budget in force
during those months.
"""

from __future__ import annotations

import math
from typing import Any

from agents_model.analysis.report import align_columns
from agents_model.metrics import KPI_UNITS, UNDEFINED_AT_START

__all__ = ["MONEY_KPIS", "SUMMARY_GROUPS", "WINDOW_KPIS", "summary"]

#: Main KPIs of the summary, in groups (names of ``metrics.KPI_UNITS``).
SUMMARY_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Care and waiting", ("clients_in_care", "waiting_list", "mean_wait_months", "unmet_need",
                          "mean_need", "placement_attempts", "refusal_rate_complex")),
    ("Delivery and cost", ("hours_delivered_ratio", "upcoding_rate", "share_heavy_indications",
                           "cost_per_client", "admin_share")),
    ("Transformation", ("transformation_index", "innovation_mean", "general_provision_share",
                        "step_down_rate")),
    ("Market", ("active_providers", "contracted_providers", "providers_without_clients_share",
                "top25_share", "hhi", "collaboration_strength", "access_knowledge")),
    ("Trust and region", ("trust_municipality_to_provider", "trust_provider_to_municipality",
                          "trust_field_municipality_to_provider",
                          "trust_field_provider_to_municipality", "dialogue_held",
                          "contract_management_load", "case_management_hours",
                          "regional_cohesion", "municipalities_in_region", "rules_count")),
)

#: KPIs measured over the past month or twelve months: no value at month 0.
WINDOW_KPIS = UNDEFINED_AT_START
"""KPIs shown as ``-`` at month 0 (see :data:`agents_model.metrics.UNDEFINED_AT_START`)."""

#: Money KPIs shown as yearly totals; the value is the row offset of a year's first month
#: (``spend`` and ``budget`` of month k are in row k).
MONEY_KPIS: dict[str, int] = {"spend": 1, "budget": 1}


def _fmt(value: float, unit: str = "") -> str:
    """Format a KPI value for the summary."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    value = float(value)
    if unit.startswith("EUR") or abs(value) >= 100:
        return f"{value:,.0f}"
    if value.is_integer():
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}"


def _year_total(frame: Any, name: str, first_month: int) -> float:
    """Sum a monthly money KPI over the twelve months starting at ``first_month`` (1-based)."""
    start = first_month - 1 + MONEY_KPIS[name]
    values = frame[name].iloc[max(0, start):start + 12]
    return float(values.sum())


def summary(model: Any, frame: Any, months: int) -> str:
    """Render the KPI summary of a finished run.

    Args:
        model: The finished :class:`~agents_model.WmoModel`.
        frame: Its monthly KPI table (``model.kpi_frame()``).
        months: Months simulated.

    Returns:
        The summary as text (several lines).
    """
    start_year = int(model.config["start_year"])
    lines = _kpi_lines(frame, months)
    lines += _money_lines(frame, months, start_year)
    lines += _final_state(model, frame, months, start_year)
    return "\n".join(lines)


def _kpi_lines(frame: Any, months: int) -> list[str]:
    """The main KPIs in groups, at month 0 and in the final month."""
    first, last = frame.iloc[0], frame.iloc[-1]
    rows = [["KPI", "unit", "month 0", f"month {months}"]]
    for title, names in SUMMARY_GROUPS:
        present = [n for n in names if n in frame.columns]
        if not present:
            continue
        rows.append([title])
        for name in present:
            unit = KPI_UNITS.get(name, "-")
            start = "-" if name in WINDOW_KPIS else _fmt(first[name], unit)
            rows.append([f"  {name}", unit, start, _fmt(last[name], unit)])
    lines = align_columns(rows, right={2, 3})
    lines.append("  (-: a rate over the past 12 months; nothing has happened yet at month 0)")
    return lines


def _money_lines(frame: Any, months: int, start_year: int) -> list[str]:
    """Spend, budget and their difference in the first and the last simulated year."""
    years = max(1, months // 12)
    starts = [1] if years == 1 else [1, months - 11]
    labels = [f"first year ({start_year})", f"last year ({start_year + years - 1})"]
    if years == 1:
        labels = [f"the year ({start_year})"]
    money = [["Money", "unit", *labels]]
    totals: dict[str, list[float]] = {}
    for name in MONEY_KPIS:
        if name in frame.columns and months >= 12:
            totals[name] = [_year_total(frame, name, s) for s in starts]
            money.append([f"  {name}", "EUR/year", *(_fmt(t, "EUR") for t in totals[name])])
    if len(totals) == 2:
        money.append(["  budget - spend", "EUR/year",
                      *(_fmt(b - s, "EUR") for b, s in zip(totals["budget"], totals["spend"],
                                                          strict=True))])
    if len(money) == 1:
        return []
    return ["", *align_columns(money, right=set(range(2, 2 + len(starts))))]


def _final_state(model: Any, frame: Any, months: int, start_year: int) -> list[str]:
    """Residents by state, clients by product, the market and the last events."""
    last = frame.iloc[-1]
    lines = ["", f"Final state (month {months}, start of {start_year + months // 12})"]
    states = [(c.removeprefix("state_"), last[c]) for c in frame.columns if c.startswith("state_")]
    if states:
        lines.append("  residents by state: "
                     + ", ".join(f"{k} {_fmt(v)}" for k, v in states))
    products = [(c.removeprefix("clients_"), last[c]) for c in frame.columns
                if c.startswith("clients_") and c != "clients_in_care"]
    if products:
        lines.append("  clients by product: "
                     + ", ".join(f"{k} {_fmt(v)}" for k, v in products))
    lines.append(f"  providers in the market: {len(model.providers)}; "
                 f"municipalities: {len(model.municipalities)}")
    events = list(getattr(model, "events", []))
    lines.append(f"  events recorded: {len(events)}"
                 + ("; the last ones:" if events else ""))
    for month, text in events[-5:]:
        lines.append(f"    month {month}: {text}")
    return lines
