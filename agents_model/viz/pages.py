"""Pages of the browser app and the layout around them.

:func:`Layout` wraps every page: it makes the visitor's state (a
:class:`~agents_model.viz.state.Session` and a comparison runner) once per browser tab, provides
it to the pages, and shows the app bar with the navigation and the language toggle. Because the
layout stays mounted while the visitor moves between pages, the run and the language survive a
visit to the glossary. Pages:

* :func:`SimulatePage` (``/``): set-up panel, run controls and the views of one run;
* :func:`ComparePage` (``/compare``): two designs on one region over several seeds;
* :func:`AnswerPage` (``/answer``): the model's answer to its question (``docs/answer.md``);
* :func:`GlossaryPage` (``/glossary``): Dutch terms, model terms and mechanisms;
* :func:`AboutPage` (``/about``): what the model is, how to use and read it, its limits.
"""

from __future__ import annotations

import html

import markdown
import reacton.ipyvuetify as rv
import solara
import solara.lab

from agents_model.scenario import ScenarioError, data_folder
from agents_model.viz import charts, limits
from agents_model.viz.about import ABOUT, GLOSSARY, MECHANISMS
from agents_model.viz.compare import BAND_KPIS, CompareRunner, SameDesigns, check_spec
from agents_model.viz.compare import sentences as compare_sentences
from agents_model.viz.compare import table_rows as compare_table_rows
from agents_model.viz.components import (
    AppState,
    EventLog,
    ExportPanel,
    FlowView,
    KpiView,
    LanguageToggle,
    MarketView,
    MessageBar,
    NetworkView,
    PlayLoop,
    RunControls,
    SetupPanel,
    app_context,
    bounded_error,
    design_title,
    message_text,
    region_items,
    region_title,
    use_app,
)
from agents_model.viz.effects import (
    EFFECT_KPIS,
    FORMS,
    Part,
    answer_regions,
    decomposition,
    factorial_region,
    lever_effects,
    part_text,
)
from agents_model.viz.effects import sentences as effect_sentences
from agents_model.viz.i18n import LANGS, choice_label, kpi_label, num, param_label, t
from agents_model.viz.slots import visitor_of
from agents_model.viz.state import OWN, Message, Session, designs

__all__ = ["ANSWER_FILES", "NAV", "AboutPage", "AnswerPage", "ComparePage", "DesignEffectsPage",
           "GlossaryPage", "Layout", "SimulatePage", "answer_html"]

NAV: dict[str, str] = {"/": "nav_simulate", "compare": "nav_compare", "answer": "nav_answer",
                       "effects": "nav_effects", "region": "nav_region",
                       "classroom": "nav_classroom", "glossary": "nav_glossary",
                       "about": "nav_about"}
"""Route path -> text key of its navigation button."""


def _title(key: str, lang: str):
    """The browser tab's title: page and app name, in the visitor's language."""
    return solara.Title(f"{t(key, lang)} · {t('app_title', lang)}")


def _initial_lang(search: str | None) -> str:
    """Language from the address (``?lang=nl``), else English."""
    for part in (search or "").lstrip("?").split("&"):
        key, _, value = part.partition("=")
        if key == "lang" and value in LANGS:
            return value
    return "en"


def _session_id() -> str:
    """The browser session (Solara's cookie); ``local`` outside a server (a notebook)."""
    try:
        return solara.get_session_id()
    except RuntimeError:
        return "local"


APP_CSS = """
.wmo-setup .v-text-field__details { margin-bottom: 10px; overflow: visible; }
.wmo-setup .v-messages { min-height: fit-content; }
.wmo-views .v-slide-group__prev, .wmo-views .v-slide-group__next { display: none !important; }
.wmo-views .v-slide-group__content { flex-wrap: wrap; flex: 1 1 auto; max-width: 100%;
                                     transform: none !important; }
.wmo-views .v-tabs-bar { height: auto; }
.wmo-views .v-tab { height: 40px; }
"""
"""Layout fixes for the Vuetify widgets: long hints under the set-up fields take the room they
need, and the view tabs wrap onto a second line on a narrow window instead of being clipped."""


@solara.component
def Layout(children=[]):  # noqa: B006 - Solara's layout signature
    """App bar (title, navigation, language) around the page; owns the visitor's state."""
    router = solara.use_router()
    app = solara.use_memo(
        lambda: AppState(Session(lang=solara.reactive(_initial_lang(router.search))),
                         CompareRunner(visitor_of(solara.lab.headers.value,
                                                  _session_id()))), [])

    def cleanup_on_leave():
        def cleanup():
            app.session.close()
            app.compare.cancel()
        return cleanup

    solara.use_effect(cleanup_on_leave, [])
    app_context.provide(app)
    lang = app.session.lang.value
    route, routes = solara.use_route()
    with solara.Column(gap="0px", classes=["wmo-app"], style={"min-height": "100vh"}) as main:
        solara.Style(APP_CSS)
        with rv.AppBar(color="#1d4e6f", dark=True, dense=True, flat=True,
                       class_="wmo-appbar", style_="flex: 0 0 auto"):
            rv.ToolbarTitle(children=[t("app_title", lang)], class_="wmo-title")
            rv.Spacer()
            for r in routes:
                key = NAV.get(r.path)
                if key is None:
                    continue
                with solara.Link(solara.resolve_path(r, level=0)):
                    solara.Button(t(key, lang), text=True, outlined=r is route,
                                  classes=[f"wmo-nav-{r.path.strip('/') or 'simulate'}"])
            rv.Spacer()
            LanguageToggle(app.session.lang)
        with solara.Column(style={"padding": "12px"}, classes=["wmo-page"]):
            solara.Div(children=list(children))
    return main


@solara.component
def SimulatePage():
    """One run: set-up on the left, controls and views on the right."""
    app = use_app()
    session = app.session
    lang = session.lang.value
    session.tick.value  # noqa: B018 - redraw the views after each step
    view = session.view
    with solara.Row(gap="16px", style={"align-items": "flex-start", "flex-wrap": "wrap"}) as main:
        _title("nav_simulate", lang)
        PlayLoop()
        with solara.Column(style={"flex": "0 1 360px", "min-width": "300px"}):
            SetupPanel()
        with solara.Column(style={"flex": "1 1 640px", "min-width": "0"}):
            RunControls()
            MessageBar(session.message.value, lang)
            with solara.Div(classes=["wmo-views"]):
                with solara.lab.Tabs(value=session.tab, lazy=True):
                    for name, component in (("kpis", KpiView), ("network", NetworkView),
                                            ("market", MarketView), ("flow", FlowView),
                                            ("events", EventLog), ("export", ExportPanel)):
                        solara.lab.Tab(t(f"view_{name}", lang), classes=[f"wmo-tab-{name}"],
                                       children=[component(view, lang)])
    return main


def _table(header: list[str], rows: list[list[str]], css: str):
    """A read-only table in Vuetify's style (one widget, text escaped)."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    inner = (f"<div class='v-data-table__wrapper'><table><thead><tr>{head}</tr></thead>"
             f"<tbody>{body}</tbody></table></div>")
    return solara.HTML(tag="div", unsafe_innerHTML=inner,
                       classes=["v-data-table", "v-data-table--dense", "theme--light", css])


@solara.component
def ComparePage():
    """Two designs on one region over several seeds, with bands and a verdict in words."""
    app = use_app()
    lang = app.session.lang.value
    runner = app.compare
    status = runner.status.value
    region = solara.use_reactive(app.session.draft.value.region)
    first = solara.use_reactive(OWN)
    second = solara.use_reactive("strategic_partners" if "strategic_partners" in designs()
                                 else designs()[-1])
    seeds = solara.use_reactive(str(limits.COMPARE_DEFAULT_SEEDS))
    years = solara.use_reactive(str(limits.COMPARE_DEFAULT_YEARS))
    scale = solara.use_reactive(str(limits.COMPARE_DEFAULT_POPULATION_SCALE))
    problem = solara.use_reactive(None)

    def edit(reactive: solara.Reactive, value: str) -> None:
        """Take a changed field; the refusal of the last try no longer applies.

        Each field shows its own check as it is typed.
        """
        reactive.set(value)
        problem.value = None

    def start() -> None:
        try:
            spec = check_spec(region.value, first.value, second.value, seeds.value,
                              years.value, scale.value, app.session.built_paths())
        except limits.OutOfBounds as exc:
            b = exc.bound
            problem.value = Message("out_of_bounds", (
                ("param", b.name), ("low", b.low), ("high", b.high), ("value", str(exc.value)),
                ("integer", b.integer)))
            return
        except SameDesigns:
            problem.value = Message("same_designs")
            return
        except ScenarioError as exc:
            problem.value = Message("invalid_setting", (("message", str(exc)),))
            return
        problem.value = None
        runner.start(spec)

    regions_ = region_items(app.session, lang)
    design_items = [{"text": design_title(d, lang), "value": d} for d in designs()]
    busy = status.phase in ("waiting", "running")
    with solara.Column(gap="8px", classes=["wmo-compare"]) as main:
        _title("nav_compare", lang)
        solara.HTML(tag="h2", unsafe_innerHTML=html.escape(t("compare_title", lang)))
        solara.Text(t("compare_intro", lang), style={"font-size": "0.9em"})
        with solara.Row(gap="12px", style={"flex-wrap": "wrap"}):
            rv.Select(label=t("region", lang), items=regions_, v_model=region.value,
                      on_v_model=lambda v: edit(region, v), class_="wmo-compare-region",
                      style_="min-width: 220px")
            rv.Select(label=t("baseline_design", lang), items=design_items,
                      v_model=first.value, on_v_model=lambda v: edit(first, v),
                      class_="wmo-compare-a",
                      style_="min-width: 220px")
            rv.Select(label=t("other_design", lang), items=design_items, v_model=second.value,
                      on_v_model=lambda v: edit(second, v), class_="wmo-compare-b",
                      style_="min-width: 220px")
        with solara.Row(gap="12px", style={"flex-wrap": "wrap"}):
            for reactive, key, doc, check, css, name in (
                    (seeds, "seeds", "seeds_doc", limits.check_seeds, "wmo-compare-seeds",
                     "seeds"),
                    (years, "years", "years_doc", limits.check_years, "wmo-compare-years",
                     "years"),
                    (scale, "population_scale", "compare_scale_doc",
                     limits.check_compare_population_scale, "wmo-compare-scale",
                     "population_scale")):
                bound_text = {
                    "seeds": f"1-{limits.COMPARE_MAX_SEEDS}",
                    "years": f"1-{limits.COMPARE_MAX_YEARS}",
                    "population_scale": f"{num(limits.MIN_POPULATION_SCALE, lang)}-"
                                        f"{num(limits.COMPARE_MAX_POPULATION_SCALE, lang)}",
                }[name]
                label = param_label(key, lang) if key == "population_scale" else t(key, lang)
                rv.TextField(label=f"{label} ({bound_text})", v_model=reactive.value,
                             on_v_model=lambda v, r=reactive: edit(r, v or ""),
                             hint=t(doc, lang),
                             persistent_hint=True, dense=True, class_=css,
                             style_="max-width: 260px",
                             error_messages=bounded_error(reactive.value, check, name, lang))
        with solara.Row(gap="8px", style={"align-items": "center"}):
            solara.Button(t("run_compare", lang), on_click=start, color="primary",
                          icon_name="mdi-play-box-multiple", disabled=busy,
                          classes=["wmo-compare-run"])
            solara.Button(t("cancel", lang), on_click=runner.cancel, outlined=True,
                          disabled=not busy, classes=["wmo-compare-cancel"])
        if problem.value is not None:
            solara.Error(message_text(problem.value, lang), dense=True,
                         classes=["wmo-message"])
        CompareStatus(status.phase, status.done, status.total, status.error, lang)
        result = runner.result
        if result is not None and status.phase != "failed":
            CompareResults(result, status.number, lang)
    return main


@solara.component
def CompareStatus(phase: str, done: int, total: int, error: str, lang: str):
    """Progress of the visitor's comparison."""
    with solara.Column(gap="2px", classes=["wmo-compare-progress"]) as main:
        if phase == "waiting":
            solara.ProgressLinear(True)
            solara.Text(t("compare_waiting", lang))
        elif phase == "running":
            solara.ProgressLinear(100.0 * done / total if total else True)
            solara.Text(t("compare_progress", lang, done=done, total=total))
        elif phase == "failed":
            solara.Error(t("compare_failed", lang, message=error), dense=True)
        elif phase == "cancelled":
            solara.Warning(t("compare_cancelled", lang), dense=True)
        elif phase == "idle":
            solara.Text(t("compare_none", lang), style={"color": "#666"})
    return main


@solara.component
def CompareResults(result, number: int, lang: str):
    """Bands over time, the differences in words and the end-of-run table."""
    spec = result.spec
    labels = {d: design_title(d, lang) for d in (spec.baseline, spec.other)}
    options = solara.use_memo(
        lambda: charts.comparison_options(result.bands, BAND_KPIS, [spec.baseline, spec.other],
                                          labels, lang), [number, lang])
    rows = compare_table_rows(result, lang)
    with solara.Column(gap="8px") as main:
        solara.Text(t("compare_setup_line", lang, region=region_title(spec.region, lang),
                      a=labels[spec.baseline], b=labels[spec.other], seeds=spec.seeds,
                      years=spec.years, scale=num(spec.population_scale, lang)),
                    style={"font-weight": "bold"})
        solara.HTML(tag="h3", unsafe_innerHTML=html.escape(t("compare_summary", lang)))
        items = "".join(f"<li>{html.escape(s)}</li>"
                        for s in compare_sentences(result, labels, lang))
        solara.HTML(tag="ul", unsafe_innerHTML=items, classes=["wmo-compare-summary"])
        with solara.Div(classes=["wmo-compare-chart"], style={
                "display": "grid", "gap": "8px",
                "grid-template-columns": "repeat(auto-fill, minmax(360px, 1fr))"}):
            for name, option in options:
                solara.FigureEcharts(option=option, attributes={"style": "height: 280px;"},
                                     responsive=True).key(f"band-{name}")
        solara.HTML(tag="h3", unsafe_innerHTML=html.escape(t("compare_table", lang)))
        _table([t("col_kpi", lang), t("col_unit", lang), "A: " + labels[spec.baseline],
                "B: " + labels[spec.other], t("col_diff", lang), t("col_verdict", lang)],
               [[r["kpi"], r["unit"], r["a"], r["b"], r["diff"], r["verdict"]] for r in rows],
               "wmo-compare-table")
    return main


@solara.component
def GlossaryPage():
    """Dutch terms, model terms and their meaning; the mechanisms M1-M19."""
    lang = use_app().session.lang.value
    nl = lang == "nl"
    with solara.Column(gap="8px") as main:
        _title("nav_glossary", lang)
        solara.HTML(tag="h2", unsafe_innerHTML=html.escape(t("glossary_title", lang)))
        solara.Text(t("glossary_intro", lang))
        _table([t("col_dutch", lang), t("col_model", lang), t("col_meaning", lang)],
               [[dutch, model, meaning_nl if nl else meaning_en]
                for dutch, model, meaning_en, meaning_nl in GLOSSARY], "wmo-glossary")
        solara.HTML(tag="h3", unsafe_innerHTML=html.escape(t("mechanisms_title", lang)))
        _table([t("col_code", lang), t("col_mechanism", lang)],
               [[code, title_nl if nl else title_en] for code, title_en, title_nl in MECHANISMS],
               "wmo-mechanisms")
    return main


def _lever_label(factor: str, level: str, reference: str, lang: str) -> str:
    """``Contract years: 8 (against 3)``, with the display names of forms and funding."""

    def value(v: str) -> str:
        if factor in ("procurement", "funding"):
            return choice_label(factor, v, lang)
        if factor == "sanctions":
            return t("on" if v in ("True", "true") else "off", lang)
        return v

    return t("lever_against", lang, lever=param_label(factor, lang), level=value(level),
             reference=value(reference))


@solara.component
def DesignEffectsPage():
    """A form's difference from open house taken apart: the form itself and its levers.

    Read from the shipped results (:mod:`agents_model.viz.effects`); nothing runs.
    """
    lang = use_app().session.lang.value
    shipped = answer_regions()
    region = solara.use_reactive("leiden_2015" if "leiden_2015" in shipped else shipped[0])
    form = solara.use_reactive(FORMS[0])
    kpi = solara.use_reactive(EFFECT_KPIS[0])
    parts = decomposition(region.value, form.value, kpi.value)
    with solara.Column(gap="8px", classes=["wmo-effects"], style={"max-width": "1000px"}) as main:
        _title("nav_effects", lang)
        solara.HTML(tag="h2", unsafe_innerHTML=html.escape(t("effects_title", lang)))
        solara.Text(t("effects_intro", lang), style={"font-size": "0.9em"})
        with solara.Row(gap="12px", style={"flex-wrap": "wrap"}):
            rv.Select(label=t("region", lang), v_model=region.value, on_v_model=region.set,
                      items=[{"text": region_title(r, lang), "value": r} for r in shipped],
                      class_="wmo-effects-region", style_="min-width: 220px")
            rv.Select(label=t("effects_choose_form", lang), v_model=form.value,
                      on_v_model=form.set, class_="wmo-effects-form", style_="min-width: 220px",
                      items=[{"text": design_title(d, lang), "value": d} for d in FORMS])
            rv.Select(label=t("effects_kpi", lang), v_model=kpi.value, on_v_model=kpi.set,
                      items=[{"text": kpi_label(k, lang), "value": k} for k in EFFECT_KPIS],
                      class_="wmo-effects-kpi", style_="min-width: 220px")
        words = effect_sentences(parts, region_title(region.value, lang),
                                 design_title(form.value, lang), kpi.value, lang)
        solara.HTML(tag="div", unsafe_innerHTML="".join(f"<p>{html.escape(s)}</p>"
                                                        for s in words),
                    classes=["wmo-effects-sentences"])
        _table([t("effects_part", lang), t("effects_difference", lang)],
               [[t(f"part_{key}", lang), part_text(part, lang)] for key, part in parts.items()],
               "wmo-effects-table")
        solara.Text(t("effects_derived_note", lang), style={"font-size": "0.8em", "color": "#666"})
        if region.value == factorial_region():
            solara.HTML(tag="h3", unsafe_innerHTML=html.escape(t("effects_factorial_title",
                                                                   lang)))
            rows = lever_effects(kpi.value)
            _table([t("effects_lever", lang), t("effects_effect", lang)],
                   [[_lever_label(r.factor, str(r.level), str(r.reference), lang),
                     part_text(Part("lever", r.mean, r.low, r.high), lang)]
                    for r in rows.itertuples()], "wmo-effects-levers")
            solara.Text(t("effects_factorial_note", lang),
                        style={"font-size": "0.8em", "color": "#666"})
    return main


ANSWER_FILES: dict[str, str] = {"en": "answer.md", "nl": "answer.nl.md"}
"""The answer page's file in ``docs/`` per language."""


def answer_html(lang: str) -> str:
    """The answer page (``docs/answer.md`` or ``docs/answer.nl.md``) as HTML."""
    path = data_folder("docs") / ANSWER_FILES[lang]
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        text = t("answer_missing", lang).format(path=path)
    return markdown.markdown(text, extensions=["tables"])


@solara.component
def AnswerPage():
    """The model's answer to its question, with numbers, conditions and limits."""
    lang = use_app().session.lang.value
    with solara.Column(gap="0px") as main:
        solara.HTML(tag="div", unsafe_innerHTML=answer_html(lang), classes=["wmo-answer"],
                    style="max-width: 1000px")
    return main


@solara.component
def AboutPage():
    """What the model is, how to use the app and read it, and the model's limits."""
    lang = use_app().session.lang.value
    with solara.Column(gap="0px") as main:
        _title("nav_about", lang)
        solara.HTML(tag="div", unsafe_innerHTML=markdown.markdown(ABOUT[lang]),
                    classes=["wmo-about"], style="max-width: 900px")
    return main
