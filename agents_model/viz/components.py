"""Solara components of the browser app: set-up panel, run controls and the views.

Components read the visitor's :class:`~agents_model.viz.state.Session` from a context that the
layout provides (see :mod:`agents_model.viz.pages`), so nothing is shared between browser tabs.
Views draw from the session's immutable snapshot (``session.view``) and redraw only when it or
the language changes; the network picture is memoised on the month, so other views do not pay
for it.

Key elements carry one stable CSS class each (``wmo-...``) so that tests and lesson material can
point at them; buttons keep their visible text labels.
"""

from __future__ import annotations

import html
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import reacton.ipyvuetify as rv
import solara

from agents_model.events import describe, month_label
from agents_model.params import by_name
from agents_model.viz import charts, limits
from agents_model.viz.compare import CompareRunner
from agents_model.viz.i18n import (
    LEVERS,
    choice_label,
    design_text,
    num,
    param_doc,
    param_label,
    region_text,
    t,
    unit,
)
from agents_model.viz.state import (
    OWN,
    Message,
    Session,
    View,
    designs,
    fingerprint_json,
    kpi_csv,
    kpi_parquet,
    preset_info,
    regions,
)

__all__ = [
    "AppState",
    "EventLog",
    "ExportPanel",
    "FlowView",
    "KpiView",
    "LanguageToggle",
    "MarketView",
    "MessageBar",
    "NetworkView",
    "PlayLoop",
    "RunControls",
    "SetupPanel",
    "app_context",
    "bounded_error",
    "design_title",
    "message_text",
    "region_items",
    "region_title",
    "use_app",
]

ZERO_MEANS_NONE = frozenset({"budget_ceiling"})
"""Levers whose value 0 switches the instrument off (shown as "none")."""

SLIDER_STEPS: dict[str, float] = {
    "tariff_factor": 0.05, "budget_ceiling": 0.1, "dialogue_content_share": 0.05,
    "case_management": 0.05, "social_base_investment": 5.0,
}
"""Step of the float sliders (integers step by one)."""

EVENTS_SHOWN = 300
"""Most events listed in the event log (the latest)."""


@dataclass(frozen=True)
class AppState:
    """What one browser tab owns: its session and its comparison runner.

    Attributes:
        session: Settings, model and snapshots of the simulation page.
        compare: Background runner of the comparison page.
    """

    session: Session
    compare: CompareRunner


app_context = solara.create_context(cast(AppState | None, None))


def use_app() -> AppState:
    """The visitor's state, provided by the layout."""
    app = solara.use_context(app_context)
    if app is None:
        raise RuntimeError("the app's components must be rendered inside its Layout")
    return app


def region_title(name: str, lang: str) -> str:
    """Display name of a region preset."""
    return region_text(name, preset_info("regions", name), lang)[0]


def region_items(session: Session, lang: str) -> list[dict[str, str]]:
    """The regions a tab may choose: the presets, then the regions it built itself."""
    items = [{"text": region_title(r, lang), "value": r} for r in regions()]
    items += [{"text": f"{title} ({t('region_built', lang)})", "value": path}
              for path, title in session.built.value]
    return items


def design_title(name: str, lang: str) -> str:
    """Display name of a design choice (the region's own design or a governance preset)."""
    if name == OWN:
        return t("own_design", lang)
    return design_text(name, preset_info("governance", name), lang)[0]


def _input_label(name: str, lang: str) -> str:
    if name in ("seed", "seeds", "years"):
        return t(name, lang)
    return param_label(name, lang)


def message_text(message: Message, lang: str) -> str:
    """The visitor-facing text of a message, in ``lang``."""
    values = dict(message.values)
    if message.key == "out_of_bounds":
        return t("refused", lang, message=t(
            "out_of_bounds", lang, label=_input_label(values["param"], lang),
            kind=t("a_whole_number" if values["integer"] else "a_number", lang),
            low=num(values["low"], lang), high=num(values["high"], lang), value=values["value"]))
    if message.key == "invalid_setting":
        return t("refused", lang, message=t("invalid_setting", lang, message=values["message"]))
    return t(message.key, lang, **values)


def bounded_error(text: str, check: Callable[[str], Any], name: str, lang: str) -> list[str]:
    """Inline error of a text field (empty when the text is valid)."""
    try:
        check(text)
    except limits.OutOfBounds as exc:
        b = exc.bound
        return [t("out_of_bounds", lang, label=_input_label(name, lang),
                  kind=t("a_whole_number" if b.integer else "a_number", lang),
                  low=num(b.low, lang), high=num(b.high, lang), value=text)]
    return []


# --- app frame ----------------------------------------------------------------------------------


@solara.component
def LanguageToggle(lang: solara.Reactive[str]):
    """English / Nederlands, switchable at any time."""
    with solara.ToggleButtonsSingle(value=lang, dense=True,
                                    classes=["wmo-lang-toggle"]) as toggle:
        solara.Button("English", value="en", text=True)
        solara.Button("Nederlands", value="nl", text=True)
    return toggle


@solara.component
def MessageBar(message: Message | None, lang: str):
    """The latest refusal or notice, in the visitor's language."""
    if message is None:
        return solara.Div(classes=["wmo-message-none"])
    text = message_text(message, lang)
    alert = {"error": solara.Error, "warning": solara.Warning}.get(message.level, solara.Info)
    with solara.Div(classes=["wmo-message"]) as main:
        alert(text, dense=True)
    return main


# --- set-up panel -------------------------------------------------------------------------------


@solara.component
def LeverControl(name: str, value: Any, lang: str, on_value: Callable[[Any], None]):
    """One contract lever: a select for choices, a slider for numbers; unit and explanation."""
    param = by_name(name)
    label = param_label(name, lang)
    hint = param_doc(name, lang)
    css = f"wmo-lever-{name}"
    if param.choices:
        items = [{"text": choice_label(name, c, lang), "value": c} for c in param.choices]
        return rv.Select(label=label, items=items, v_model=value, on_v_model=on_value,
                         hint=hint, persistent_hint=True, dense=True, class_=css,
                         style_="margin: 14px 0 4px 0")
    integer = param.kind is int
    step = 1 if integer else SLIDER_STEPS.get(name, (param.high - param.low) / 100.0)
    shown = num(value, lang) if integer else num(round(float(value), 4), lang)
    suffix = unit(param.unit, lang)
    if param.unit == "0-1":
        suffix = "(0-1)"
    if name in ZERO_MEANS_NONE and not value:
        shown, suffix = t("none", lang), ""

    def set_value(v):
        if v is None:
            return
        on_value(int(round(float(v))) if integer else round(float(v), 6))

    with solara.Column(gap="0px", classes=[css]) as main:
        solara.Text(f"{label}: {shown} {suffix}".rstrip(), classes=["wmo-lever-value"],
                    style={"font-size": "0.9em", "margin-top": "6px"})
        rv.Slider(v_model=value, on_v_model=set_value, min=param.low, max=param.high,
                  step=step, hint=hint, persistent_hint=True, dense=True)
    return main


@solara.component
def SetupPanel():
    """Region and design presets, the contract levers, population scale and seed."""
    session = use_app().session
    lang = session.lang.value
    draft = session.draft.value
    session.applied.value  # noqa: B018 - redraw the pending notice after a new run
    regions_ = region_items(session, lang)
    design_items = [{"text": design_title(d, lang), "value": d} for d in designs()]
    region_about = region_text(draft.region, preset_info("regions", draft.region), lang)[1]
    design_about = "" if draft.design == OWN else \
        design_text(draft.design, preset_info("governance", draft.design), lang)[1]
    with solara.Column(gap="6px", classes=["wmo-setup"]) as main:
        solara.HTML(tag="h3", unsafe_innerHTML=html.escape(t("setup", lang)))
        solara.Text(t("setup_intro", lang), style={"font-size": "0.85em"})
        rv.Select(label=t("region", lang), items=regions_, v_model=draft.region,
                  on_v_model=lambda v: v and session.choose_preset(region=v),
                  hint=region_about, persistent_hint=True, class_="wmo-region-select")
        rv.Select(label=t("design", lang), items=design_items, v_model=draft.design,
                  on_v_model=lambda v: v and session.choose_preset(design=v),
                  hint=design_about, persistent_hint=True, class_="wmo-design-select")
        solara.HTML(tag="h4", unsafe_innerHTML=html.escape(t("levers", lang)),
                    style="margin-top: 12px")
        for name in LEVERS:
            LeverControl(name, draft.lever(name), lang,
                         lambda v, name=name: session.set_lever(name, v)).key(f"lever-{name}")
        solara.HTML(tag="h4", unsafe_innerHTML=html.escape(t("run_settings", lang)),
                    style="margin-top: 12px")
        scale_param = by_name("population_scale")
        rv.TextField(
            label=f"{param_label('population_scale', lang)} "
                  f"({num(limits.MIN_POPULATION_SCALE, lang)}-"
                  f"{num(limits.MAX_POPULATION_SCALE, lang)})",
            v_model=draft.population_scale,
            on_v_model=lambda v: session.set_text("population_scale", v or ""),
            suffix=unit(scale_param.unit, lang), hint=param_doc("population_scale", lang),
            persistent_hint=True, dense=True, class_="wmo-population-scale",
            error_messages=bounded_error(draft.population_scale,
                                          limits.check_population_scale, "population_scale",
                                          lang))
        rv.TextField(
            label=f"{t('seed', lang)} ({num(limits.SEED_MIN, lang)}-"
                  f"{num(limits.SEED_MAX, lang)})",
            v_model=draft.seed, on_v_model=lambda v: session.set_text("seed", v or ""),
            hint=t("seed_doc", lang), persistent_hint=True, dense=True, class_="wmo-seed",
            error_messages=bounded_error(draft.seed, limits.check_seed, "seed", lang))
        if session.pending():
            solara.Warning(t("pending", lang), dense=True, classes=["wmo-pending"])
    return main


# --- run controls -------------------------------------------------------------------------------


@solara.component
def PlayLoop():
    """While Play is on, step the run in a background thread, a tick at a time.

    A tick simulates ``session.speed`` months and publishes a snapshot; the next one starts
    after ``limits.PLAY_INTERVAL_S``, or later when the server is busy (see
    ``limits.PLAY_REST_FACTOR``). Pause, Reset, leaving the page or closing the tab stop it.
    """
    session = use_app().session
    playing = session.playing.value
    speed = session.speed.value
    applied = session.applied.value

    def loop(cancel: threading.Event) -> None:
        if not playing:
            return
        while not cancel.is_set():
            start = time.monotonic()
            if not session.step(speed):
                session.playing.value = False
                return
            took = time.monotonic() - start
            cancel.wait(max(limits.PLAY_INTERVAL_S - took, limits.PLAY_REST_FACTOR * took, 0.05))

    solara.use_thread(loop, dependencies=[playing, speed, applied], intrusive_cancel=False)
    return solara.Div(classes=["wmo-play-loop"], style={"display": "none"})


def month_text(view: View, lang: str) -> str:
    """``Month 14 (February 2016)`` or ``Month 0 (start, 2015)``."""
    if view.month == 0:
        return t("month_start", lang, year=view.start_year)
    return t("month", lang, month=view.month, date=month_label(view.month, view.start_year, lang))


@solara.component
def RunControls():
    """Step, Play/Pause, Reset, the Play speed and the month shown."""
    session = use_app().session
    lang = session.lang.value
    session.tick.value  # noqa: B018 - redraw after each step
    session.draft.value  # noqa: B018 - redraw the Reset button when settings are pending
    session.applied.value  # noqa: B018 - and after a new run
    view = session.view
    playing = session.playing.value

    def step() -> None:
        session.playing.value = False
        session.step(1)

    def toggle_play() -> None:
        session.playing.value = not session.playing.value

    def set_speed(value: int) -> None:
        if value in limits.PLAY_SPEEDS:
            session.speed.value = value

    providers = len(view.market)
    contracted = sum(1 for row in view.market if row.contracted)
    active = sum(1 for row in view.market if row.clients)
    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"},
                    classes=["wmo-controls"]) as main:
        solara.Button(t("step", lang), on_click=step, icon_name="mdi-step-forward",
                      color="primary", classes=["wmo-step"])
        solara.Button(t("pause", lang) if playing else t("play", lang), on_click=toggle_play,
                      icon_name="mdi-pause" if playing else "mdi-play", color="primary",
                      outlined=True, classes=["wmo-play"])
        pending = session.pending()
        solara.Button(t("reset_pending", lang) if pending else t("reset", lang),
                      on_click=lambda: session.apply(), icon_name="mdi-restart",
                      outlined=not pending, color="warning" if pending else None,
                      classes=["wmo-reset"])
        with solara.ToggleButtonsSingle(value=session.speed.value, on_value=set_speed,
                                        dense=True, classes=["wmo-speed"]):
            for months in limits.PLAY_SPEEDS:
                solara.Button(t("speed_value", lang, months=months), value=months, text=True)
        solara.Text(month_text(view, lang), classes=["wmo-month"],
                    style={"font-weight": "bold", "font-size": "1.1em", "margin-left": "8px"})
        solara.Text(t("municipalities_count", lang, n=view.municipalities, p=providers,
                      c=contracted, a=active),
                    classes=["wmo-counts"], style={"color": "#666"})
        if view.step_ms:
            solara.Text(t("step_time", lang, ms=view.step_ms), classes=["wmo-step-time"],
                        style={"color": "#666", "font-size": "0.85em"})
    return main


# --- views --------------------------------------------------------------------------------------


def _with_code(text: str) -> str:
    """Escaped text with `backticks` shown as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def _caption(text: str):
    return solara.Text(text, style={"font-size": "0.85em", "color": "#555"})


def _chart(option: dict, height: int = 300):
    return solara.FigureEcharts(option=option, attributes={"style": f"height: {height}px;"},
                                responsive=True)


@solara.component
def KpiView(view: View, lang: str):
    """The KPIs over time, six panels (ECharts, drawn in the browser)."""
    panels = solara.use_memo(lambda: charts.kpi_options(view.kpis, lang),
                             [view.run_id, view.month, lang])
    with solara.Column(gap="4px") as main:
        _caption(t("kpis_caption", lang))
        with solara.Div(classes=["wmo-kpi-chart"], style={
                "display": "grid", "gap": "8px",
                "grid-template-columns": "repeat(auto-fill, minmax(360px, 1fr))"}):
            for key, option in panels:
                with solara.Div(classes=[f"wmo-kpi-{key}"]).key(f"kpi-{key}"):
                    _chart(option)
    return main


@solara.component
def NetworkView(view: View, lang: str):
    """The trust network on its stable layout (a picture, redrawn only when shown)."""
    direction = solara.use_reactive("mp")
    png = solara.use_memo(
        lambda: charts.to_png(charts.network_figure(view.network, lang, direction.value),
                              dpi=80),
        [view.run_id, view.month, lang, direction.value])
    column = 2 if direction.value == "mp" else 3
    total = sum(1 for row in view.network.trust if not math.isnan(row[column]))
    shown = min(total, limits.NETWORK_MAX_EDGES)
    with solara.Column(gap="4px") as main:
        _caption(t("network_caption", lang))
        with solara.Row(style={"align-items": "center"}):
            solara.Text(t("direction", lang) + ":")
            with solara.ToggleButtonsSingle(value=direction, dense=True,
                                            classes=["wmo-network-direction"]):
                solara.Button(t("direction_mp", lang), value="mp", text=True)
                solara.Button(t("direction_pm", lang), value="pm", text=True)
        _caption(t("edges_thinned", lang, shown=shown, total=total,
                   baseline=num(view.network.baseline, lang)) if shown < total
                 else t("edges_all", lang, total=total))
        with solara.Div(classes=["wmo-network"], style={"max-width": "780px"}):
            solara.Image(png, width="100%", format="png")
    return main


@solara.component
def MarketView(view: View, lang: str):
    """Clients per provider, most first (ECharts)."""
    option = solara.use_memo(lambda: charts.market_option(view.market, lang),
                             [view.run_id, view.month, lang])
    with solara.Column(gap="4px") as main:
        _caption(t("market_caption", lang))
        with solara.Div(classes=["wmo-market"]):
            _chart(option, 380)
    return main


@solara.component
def FlowView(view: View, lang: str):
    """Residents by lifecycle state over time, stacked (ECharts)."""
    hide_left = solara.use_reactive(False)
    option = solara.use_memo(lambda: charts.flow_option(view.kpis, lang, hide_left.value),
                             [view.run_id, view.month, lang, hide_left.value])
    with solara.Column(gap="4px") as main:
        _caption(t("flow_caption", lang))
        solara.Checkbox(label=t("flow_hide_left", lang), value=hide_left)
        with solara.Div(classes=["wmo-flow"]):
            _chart(option, 420)
    return main


@solara.component
def EventLog(view: View, lang: str):
    """What happened, latest first, in plain language."""
    events = view.events[::-1][:EVENTS_SHOWN]
    items = "".join(f"<li>{html.escape(describe(e, view.start_year, lang))}</li>"
                    for e in events)
    with solara.Column(gap="4px") as main:
        _caption(t("events_caption", lang))
        if not events:
            solara.Info(t("no_events", lang), dense=True)
        solara.HTML(tag="ul", unsafe_innerHTML=items, classes=["wmo-events"],
                    style="max-height: 520px; overflow-y: auto; font-size: 0.9em; "
                          "padding-left: 1.2em;")
        if len(view.events) > EVENTS_SHOWN:
            _caption(t("events_more", lang, n=len(view.events) - EVENTS_SHOWN))
    return main


@solara.component
def ExportPanel(view: View, lang: str):
    """Downloads: KPIs as CSV and Parquet, and the run's fingerprint."""
    session = use_app().session
    run = session.run
    s = run.settings
    stem = f"wmo-{s.region}-{s.design}-seed{s.seed}-month{view.month}"
    with solara.Column(gap="8px") as main:
        solara.HTML(tag="p", unsafe_innerHTML=_with_code(t("export_caption", lang)))
        with solara.Row(classes=["wmo-export"], style={"flex-wrap": "wrap"}):
            solara.FileDownload(lambda: kpi_csv(view), filename=f"{stem}.csv",
                                label=t("download_csv", lang), mime_type="text/csv")
            solara.FileDownload(lambda: kpi_parquet(view), filename=f"{stem}.parquet",
                                label=t("download_parquet", lang))
            if view.month > 0 and view.run_id == run.run_id:
                solara.FileDownload(lambda: fingerprint_json(run, view.month),
                                    filename=f"{stem}.fingerprint.json",
                                    label=t("download_fingerprint", lang),
                                    mime_type="application/json")
        if view.month == 0:
            _caption(t("fingerprint_month0", lang))
    return main
