"""Figures of the browser app: pure functions from plain data and a language to a figure.

Charts over time, the provider market and the comparison bands are ECharts options (plain
dicts): the browser draws them from the ECharts library that ``solara[assets]`` serves
locally, so the server only sends numbers and many visitors can share it. Each builder takes a
KPI table (``model.kpi_frame()``), a market snapshot or comparison bands plus the language.

The trust network is a matplotlib figure (made without pyplot, so nothing global is left to
close; :func:`to_png` renders it with Agg and releases it), drawn only when its view is shown.
Colours are the Okabe-Ito palette, readable with colour-blindness.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from agents_model.events import provider_name
from agents_model.metrics import KPI_UNITS, UNDEFINED_AT_START
from agents_model.products import STATES
from agents_model.viz import limits
from agents_model.viz.i18n import (
    kpi_label,
    provider_kind_label,
    state_label,
    t,
    unit,
)

if TYPE_CHECKING:
    from agents_model.viz.state import MarketRow

__all__ = [
    "COLORS",
    "KPI_PANELS",
    "comparison_options",
    "flow_option",
    "kpi_options",
    "market_option",
    "month_labels",
    "network_figure",
    "thin_trust_edges",
    "to_png",
]

COLORS: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
                           "#F0E442", "#000000")
KIND_COLORS: dict[str, str] = {"large": "#0072B2", "medium": "#56B4E9", "small": "#E69F00",
                               "cooperative": "#009E73"}
MUNICIPALITY_COLOR = "#444444"
CONSORTIUM_COLOR = "#7B3294"
MIN_COLLABORATION_SHOWN = 0.05
"""Weakest collaboration tie the network view draws."""
KNOWLEDGE_COLOR = "#2B8CBE"
MIN_KNOWLEDGE_SHOWN = 0.25
"""Smallest share of a municipality's access workers knowing a provider that the view draws."""
TRUST_CMAP = colormaps["RdYlGn"]
TRUST_RANGE: tuple[float, float] = (0.2, 0.8)
"""Trust values mapped onto the colour scale (values beyond it take the end colours)."""


def to_png(fig: Figure, dpi: int = 80) -> bytes:
    """PNG bytes of a figure; the figure is cleared afterwards."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    fig.clear()
    return buffer.getvalue()


def _figure(width: float, height: float, rows: int = 1, cols: int = 1):
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    return fig, axes


_MONTH_ABBR: dict[str, tuple[str, ...]] = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
}


def month_labels(months: Sequence[int], start_year: int, lang: str = "en") -> list[str]:
    """Axis labels of KPI rows: ``start 2015`` for month 0, then ``Jan 2015``, ``Feb 2015``...

    Row ``m`` holds the state at the end of model month ``m`` (month 1 is January of the
    start year), as in the event log.
    """
    out = []
    for m in months:
        m = int(m)
        if m <= 0:
            out.append(f"start {start_year}")
        else:
            out.append(f"{_MONTH_ABBR[lang][(m - 1) % 12]} {start_year + (m - 1) // 12}")
    return out


def _values(series: pd.Series | np.ndarray | Sequence[float], digits: int = 4) -> list:
    """Plain JSON numbers (NaN becomes null)."""
    out = []
    for v in np.asarray(series, dtype=float):
        out.append(None if not math.isfinite(v) else round(float(v), digits))
    return out


def _time_option(title: str, kpis: pd.DataFrame, lang: str, y_name: str,
                 y_min: float | None = 0.0, y_max: float | None = None) -> dict:
    months = kpis["month"].tolist()
    start_year = int(math.floor(float(kpis["year"].iloc[0]))) if len(kpis) else 0
    step = max(1, math.ceil(len(months) / 12 / 4))
    y_axis = {"type": "value", "name": y_name, "nameTextStyle": {"fontSize": 10, "align": "left"},
              "axisLabel": {"fontSize": 10}, "scale": y_min is None}
    if y_min is not None:
        y_axis["min"] = y_min
    if y_max is not None:
        y_axis["max"] = y_max
    return {
        "animation": False,
        "aria": {"enabled": True},
        "color": list(COLORS),
        "title": {"text": title, "left": 0, "top": 0, "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis", "confine": True},
        "legend": {"top": 22, "left": 0, "textStyle": {"fontSize": 10}, "itemWidth": 14,
                   "itemHeight": 8},
        "grid": {"left": 48, "right": 28, "top": 78, "bottom": 26},
        "xAxis": {"type": "category", "boundaryGap": False,
                  "data": month_labels(months, start_year, lang),
                  "axisLabel": {"interval": 12 * step - 1, "hideOverlap": True,
                                "fontSize": 10}},
        "yAxis": y_axis,
        "series": [],
    }


def _line_series(name: str, values: list, width: float = 2.0, dashed: bool = False,
                 color: str | None = None) -> dict:
    series = {"name": name, "type": "line", "data": values, "showSymbol": len(values) == 1,
              "symbolSize": 5, "lineStyle": {"width": width}}
    if dashed:
        series["lineStyle"]["type"] = "dashed"
    if color:
        series["itemStyle"] = {"color": color}
        series["lineStyle"]["color"] = color
    return series


KPI_PANELS: tuple[str, ...] = ("money", "waiting", "wait", "transformation", "trust",
                               "strategic")
"""The KPI panels of the main view, in order."""


def kpi_options(kpis: pd.DataFrame, lang: str = "en") -> list[tuple[str, dict]]:
    """ECharts options of the six KPI panels over time.

    Panels: spending against budget (per month, thousands of euros, with the 12-month
    average); waiting list and unmet need; mean wait; the transformation index and its four
    components; trust both ways and regional cohesion; strategic behaviour (refusal rate of
    complex clients, upcoding rate, hours delivered / indicated).

    Args:
        kpis: Monthly KPI table (``model.kpi_frame()``: ``month``, ``year`` and the KPIs).
        lang: ``en`` or ``nl``.

    Returns:
        (panel key, option) per panel, in the order of :data:`KPI_PANELS`. At month 0 the
        KPIs that say nothing yet (:data:`agents_model.metrics.UNDEFINED_AT_START`) are left
        out, as in the export, so no line starts from a placeholder.
    """
    kpis = kpis.copy()
    undefined = [c for c in kpis.columns if c in UNDEFINED_AT_START]
    kpis.loc[kpis["month"] == 0, undefined] = np.nan
    panels = []
    opt = _time_option(t("chart_money", lang), kpis, lang,
                       "× 1000 " + unit(KPI_UNITS["spend"], lang))
    spend = kpis["spend"].astype(float).where(kpis["month"] >= 1)
    rolling = spend.rolling(12, min_periods=1).mean()
    opt["series"] = [
        _line_series(t("spend_month", lang), _values(spend / 1000.0, 1), 1.0, color=COLORS[5]),
        _line_series(t("spend_12m", lang), _values(rolling / 1000.0, 1), 2.5, color=COLORS[0]),
        _line_series(kpi_label("budget", lang), _values(kpis["budget"] / 1000.0, 1), 2.0,
                     dashed=True, color=COLORS[3]),
        _line_series(kpi_label("social_base_spend", lang),
                     _values(kpis["social_base_spend"] / 1000.0, 1), 1.2, dashed=True,
                     color=COLORS[2]),
    ]
    panels.append(("money", opt))

    opt = _time_option(t("chart_waiting", lang), kpis, lang, unit("residents", lang))
    opt["series"] = [
        _line_series(kpi_label("waiting_list", lang), _values(kpis["waiting_list"], 1), 2.0,
                     color=COLORS[3]),
        _line_series(kpi_label("unmet_need", lang), _values(kpis["unmet_need"], 1), 1.2,
                     dashed=True, color=COLORS[7]),
    ]
    panels.append(("waiting", opt))

    opt = _time_option(t("chart_wait_time", lang), kpis, lang, unit("months", lang))
    opt["series"] = [_line_series(kpi_label("mean_wait_months", lang),
                                  _values(kpis["mean_wait_months"], 2), 2.0, color=COLORS[1])]
    panels.append(("wait", opt))

    opt = _time_option(t("chart_transformation", lang), kpis, lang, "0-1", 0.0, 1.0)
    opt["series"] = [_line_series(kpi_label("transformation_index", lang),
                                  _values(kpis["transformation_index"]), 3.0, color=COLORS[7])]
    for i, part in enumerate(("results", "no_relapse", "general_provision", "access",
                              "light_care")):
        name = f"transformation_{part}"
        opt["series"].append(_line_series(kpi_label(name, lang), _values(kpis[name]), 1.2,
                                          color=COLORS[i]))
    panels.append(("transformation", opt))

    opt = _time_option(t("chart_trust", lang), kpis, lang, "0-1", 0.0, 1.0)
    opt["series"] = [
        _line_series(kpi_label(name, lang), _values(kpis[name]), 2.0, color=COLORS[i])
        for i, name in enumerate(("trust_municipality_to_provider",
                                  "trust_provider_to_municipality", "regional_cohesion"))]
    panels.append(("trust", opt))

    opt = _time_option(t("chart_strategic", lang), kpis, lang, unit("share", lang), 0.0, 1.0)
    opt["series"] = [
        _line_series(kpi_label(name, lang), _values(kpis[name]), 2.0, color=color)
        for name, color in (("refusal_rate_complex", COLORS[3]), ("upcoding_rate", COLORS[4]),
                            ("hours_delivered_ratio", COLORS[5]))]
    panels.append(("strategic", opt))
    return panels


def market_option(market: Sequence[MarketRow], lang: str = "en") -> dict:
    """ECharts option: clients per provider, most first, coloured by kind.

    Providers without clients get a short grey stub so that they stay visible.

    Args:
        market: One row per provider (id, kind, number within the kind, clients, contracted).
        lang: ``en`` or ``nl``.
    """
    rows = sorted(market, key=lambda r: (-r.clients, r.id))
    clients = np.array([r.clients for r in rows], dtype=float)
    total = float(clients.sum())
    top5 = float(clients[:5].sum()) / total if total else 0.0
    stub = max(0.5, float(clients.max()) * 0.01) if len(rows) else 0.5
    data = []
    for row in rows:
        n = row.clients
        color = KIND_COLORS.get(row.kind, "#999999") if n else "#BBBBBB"
        kind = provider_kind_label(row.kind, lang)
        name = f"{provider_name(row.kind, row.number, lang)} ({kind})"
        data.append({"value": n if n else stub, "name": name, "itemStyle": {"color": color},
                     "clients": n})
    title = t("market_summary", lang, n=len(rows), empty=int((clients == 0).sum()), top5=top5)
    return {
        "animation": False,
        "title": {"text": title, "left": 0, "top": 0, "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "item", "formatter": "{b}"},
        "grid": {"left": 48, "right": 14, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": [d["name"] for d in data],
                  "axisLabel": {"show": False}, "axisTick": {"show": False},
                  "name": t("providers_axis", lang), "nameLocation": "middle", "nameGap": 12,
                  "nameTextStyle": {"fontSize": 10}},
        "yAxis": {"type": "value", "name": t("clients_axis", lang), "min": 0,
                  "nameTextStyle": {"fontSize": 10, "align": "left"},
                  "axisLabel": {"fontSize": 10}},
        "series": [{"type": "bar", "name": t("clients_axis", lang), "barCategoryGap": "15%",
                    "data": [{k: v for k, v in d.items() if k != "clients"} for d in data],
                    "tooltip": {"formatter": "{b}: {c}"}}],
        "graphic": [] if rows else [{"type": "text", "left": "center", "top": "middle",
                                     "style": {"text": t("no_providers", lang)}}],
    }


FLOW_ORDER: tuple[str, ...] = ("in_care", "waiting_placement", "waiting_assessment",
                               "general_provision", "unmet", "dropped_out", "stepped_down",
                               "exited")
FLOW_COLORS: dict[str, str] = {
    "in_care": "#0072B2", "waiting_placement": "#D55E00", "waiting_assessment": "#E69F00",
    "general_provision": "#009E73", "unmet": "#CC79A7", "dropped_out": "#000000",
    "stepped_down": "#56B4E9", "exited": "#BBBBBB",
}
assert set(FLOW_ORDER) == set(STATES), "every lifecycle state needs a place in the flow chart"


def flow_option(kpis: pd.DataFrame, lang: str = "en", hide_left: bool = False) -> dict:
    """ECharts option: residents by lifecycle state over time, stacked (``state_*`` columns).

    Args:
        kpis: Monthly KPI table.
        lang: ``en`` or ``nl``.
        hide_left: Leave out residents who stepped down or left care.
    """
    opt = _time_option(t("view_flow", lang), kpis, lang, t("residents_axis", lang))
    opt["legend"]["top"] = 22
    opt["grid"]["top"] = 80
    for state in FLOW_ORDER:
        if hide_left and state in ("stepped_down", "exited"):
            continue
        color = FLOW_COLORS[state]
        opt["series"].append({
            "name": state_label(state, lang), "type": "line", "stack": "residents",
            "areaStyle": {"color": color, "opacity": 0.85}, "showSymbol": False,
            "lineStyle": {"width": 0.5, "color": color}, "itemStyle": {"color": color},
            "data": _values(kpis[f"state_{state}"], 0)})
    return opt


def thin_trust_edges(trust: Sequence[tuple[int, int, float, float]], direction: str,
                     baseline: float, max_edges: int = limits.NETWORK_MAX_EDGES
                     ) -> list[tuple[int, int, float]]:
    """The trust ties to draw: all of them, or the ``max_edges`` furthest from the baseline.

    Args:
        trust: (municipality, provider, trust m->p, trust p->m) per pair.
        direction: ``mp`` (municipalities' trust in providers) or ``pm`` (the reverse).
        baseline: Trust level without events.
        max_edges: Most ties to keep.

    Returns:
        (municipality, provider, value) for the ties kept, in drawing order (the most
        telling last, so they lie on top).
    """
    col = 2 if direction == "mp" else 3
    ties = [(m, q, row[col]) for row in trust for m, q in [row[:2]]
            if not math.isnan(row[col])]
    ties.sort(key=lambda e: (abs(e[2] - baseline), e[0], e[1]))
    return ties[-max_edges:] if len(ties) > max_edges else ties


def network_figure(net, lang: str = "en", direction: str = "mp") -> Figure:
    """The trust network with a stable layout (see :mod:`agents_model.viz.layout`).

    Args:
        net: A :class:`agents_model.viz.state.NetworkData`.
        lang: ``en`` or ``nl``.
        direction: ``mp``: colour ties by the municipalities' trust in providers; ``pm``: by
            the providers' trust in municipalities.
    """
    fig, axes = _figure(8.0, 7.6)
    ax = axes[0, 0]
    pos = net.positions
    # regional cohesion between municipalities
    segs = [(pos[a], pos[b]) for a, b, _ in net.cohesion if a in pos and b in pos]
    if segs:
        ax.add_collection(LineCollection(
            segs, colors="#777777", zorder=1,
            linewidths=[0.5 + 4.0 * v for a, b, v in net.cohesion if a in pos and b in pos]))
    # access workers' knowledge of providers (M10, M13)
    known = [(a, b, v) for a, b, v in net.knowledge
             if a in pos and b in pos and v >= MIN_KNOWLEDGE_SHOWN]
    if known:
        ax.add_collection(LineCollection([(pos[a], pos[b]) for a, b, _ in known],
                                         colors=KNOWLEDGE_COLOR,
                                         linewidths=[0.3 + 1.2 * v for _, _, v in known],
                                         linestyles="dotted", alpha=0.5, zorder=1))
    # collaboration ties between providers (emerged or set in a consortium)
    shown = [(a, b, v) for a, b, v in net.collaboration
             if a in pos and b in pos and v >= MIN_COLLABORATION_SHOWN]
    if shown:
        ax.add_collection(LineCollection([(pos[a], pos[b]) for a, b, _ in shown],
                                         colors=CONSORTIUM_COLOR,
                                         linewidths=[0.3 + 1.5 * v for _, _, v in shown],
                                         linestyles="dashed", alpha=0.6, zorder=2))
    # trust ties
    ties = [e for e in thin_trust_edges(net.trust, direction, net.baseline)
            if e[0] in pos and e[1] in pos]
    norm = Normalize(TRUST_RANGE[0], TRUST_RANGE[1], clip=True)
    if ties:
        ax.add_collection(LineCollection(
            [(pos[m], pos[q]) for m, q, _ in ties],
            colors=[TRUST_CMAP(norm(v)) for _, _, v in ties],
            linewidths=[0.3 + 2.4 * float(norm(v)) for _, _, v in ties], alpha=0.55, zorder=3))
    # providers
    provs = [n for n in net.nodes if n.kind != "municipality" and n.id in pos]
    most = max([n.clients for n in provs] + [1])
    for kind, color in KIND_COLORS.items():
        group = [n for n in provs if n.kind == kind]
        if not group:
            continue
        full = [n for n in group if n.clients > 0]
        empty = [n for n in group if n.clients == 0]
        if full:
            ax.scatter([pos[n.id][0] for n in full], [pos[n.id][1] for n in full],
                       s=[12 + 400 * n.clients / most for n in full], color=color,
                       edgecolors="white", linewidths=0.5, zorder=4,
                       label=provider_kind_label(kind, lang))
        if empty:
            ax.scatter([pos[n.id][0] for n in empty], [pos[n.id][1] for n in empty], s=14,
                       facecolors="none", edgecolors=color, linewidths=0.8, zorder=4,
                       label=None if full else provider_kind_label(kind, lang))
    leads = [n for n in provs if n.lead]
    if leads:
        ax.scatter([pos[n.id][0] for n in leads], [pos[n.id][1] for n in leads], s=160,
                   marker="*", color=CONSORTIUM_COLOR, edgecolors="white", linewidths=0.6,
                   zorder=5)
    # municipalities
    munis = [n for n in net.nodes if n.kind == "municipality" and n.id in pos]
    ax.scatter([pos[n.id][0] for n in munis], [pos[n.id][1] for n in munis], s=180,
               marker="s", color=MUNICIPALITY_COLOR, edgecolors="white", zorder=6)
    for n in munis:
        x, y = pos[n.id]
        ax.annotate(n.label, (x, y), xytext=(0, 10), textcoords="offset points", ha="center",
                    fontsize=8, zorder=7,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                          "alpha": 0.8})
    sm = ScalarMappable(norm=norm, cmap=TRUST_CMAP)
    bar = fig.colorbar(sm, ax=ax, shrink=0.5, pad=0.01, extend="both")
    bar.set_label(t("direction_" + direction, lang), fontsize=8)
    bar.ax.tick_params(labelsize=7)
    extra = [Line2D([], [], color="#777777", linewidth=2.5,
                    label=kpi_label("regional_cohesion", lang))]
    if shown:
        extra.append(Line2D([], [], color=CONSORTIUM_COLOR, linestyle="--",
                            label=kpi_label("collaboration_strength", lang)))
    if known:
        extra.append(Line2D([], [], color=KNOWLEDGE_COLOR, linestyle=":",
                            label=kpi_label("access_knowledge", lang)))
    handles = ax.get_legend_handles_labels()[0] + extra
    ax.legend(handles=handles, fontsize=7, frameon=False, loc="upper left",
              bbox_to_anchor=(-0.02, 1.02), ncol=1)
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return fig


def comparison_options(bands: pd.DataFrame, kpis: Sequence[str], designs: Sequence[str],
                       labels: dict[str, str], lang: str = "en") -> list[tuple[str, dict]]:
    """ECharts options: per KPI, each design's mean over seeds with its 95% band.

    Args:
        bands: Columns ``design``, ``month``, ``year``, ``kpi``, ``mean``, ``low``, ``high``.
        kpis: KPIs to show, one chart each.
        designs: Designs in order (the first is the baseline).
        labels: Design -> display name.
        lang: ``en`` or ``nl``.

    Returns:
        (KPI name, option) per KPI.
    """
    out = []
    for name in kpis:
        part = bands[bands["kpi"] == name]
        months = sorted(part["month"].unique().tolist())
        frame = pd.DataFrame({"month": months,
                              "year": [part.loc[part["month"] == m, "year"].iloc[0]
                                       for m in months]})
        scale = 1000.0 if name in ("spend", "budget", "social_base_spend", "cost_per_client") \
            else 1.0
        y_name = unit(KPI_UNITS.get(name, "-"), lang)
        if scale != 1.0:
            y_name = "× 1000 " + y_name
        title = t("spend_12m_title", lang) if name == "spend" else kpi_label(name, lang)
        bounded = KPI_UNITS.get(name) == "0-1"
        opt = _time_option(title, frame, lang, y_name, 0.0, 1.0 if bounded else None)
        opt["tooltip"] = {"trigger": "axis", "confine": True}
        for i, design in enumerate(designs):
            rows = part[part["design"] == design].set_index("month").reindex(months)
            color = COLORS[i % len(COLORS)]
            label = labels.get(design, design)
            # every KPI here is non-negative, and 0-1 KPIs stay within 1: clip the bands
            low = rows["low"].clip(lower=0.0) / scale
            high = rows["high"].clip(upper=1.0 if bounded else None) / scale
            opt["series"].append({
                "name": label, "type": "line", "data": _values(low, 4), "stack": f"band{i}",
                "lineStyle": {"opacity": 0}, "showSymbol": False, "itemStyle": {"color": color},
                "tooltip": {"show": False}, "silent": True})
            opt["series"].append({
                "name": label, "type": "line", "data": _values(high - low, 4),
                "stack": f"band{i}", "lineStyle": {"opacity": 0}, "showSymbol": False,
                "areaStyle": {"color": color, "opacity": 0.2}, "itemStyle": {"color": color},
                "tooltip": {"show": False}, "silent": True})
            opt["series"].append(_line_series(label, _values(rows["mean"] / scale, 4), 2.2,
                                              color=color))
        opt["legend"]["data"] = [labels.get(d, d) for d in designs]
        out.append((name, opt))
    return out
