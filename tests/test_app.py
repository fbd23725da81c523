"""The browser app, without a browser: pages rendered into a widget tree and clicked in Python."""

from __future__ import annotations

import importlib.util
import json
import time
from pathlib import Path

import ipyvuetify as v
import pandas as pd
import pytest
import solara
from solara.components.echarts import EchartsWidget

from agents_model import load_scenario
from agents_model.model import WmoModel
from agents_model.params import by_name
from agents_model.runner import load_fingerprint, replay
from agents_model.scenario import ScenarioError
from agents_model.viz import about, charts, compare, i18n, limits
from agents_model.viz.components import use_app
from agents_model.viz.layout import extend_layout, graph_layout
from agents_model.viz.pages import Layout, SimulatePage
from agents_model.viz.state import Session, fingerprint_json

ROOT = Path(__file__).resolve().parent.parent


def load_app():
    spec = importlib.util.spec_from_file_location("wmo_app", ROOT / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def render(routes, path="/"):
    element = solara.RoutingProvider(routes=routes, pathname=path,
                                     children=[solara.RenderPage()])
    return solara.render(element, handle_error=False)[1]


def render_with_probe():
    """Render the simulation page inside the app's layout; return (rc, the visitor's state)."""
    seen = []

    @solara.component
    def ProbePage():
        seen.append(use_app())
        return SimulatePage()

    rc = render([solara.Route(path="/", component=ProbePage, layout=Layout)])
    return rc, seen[-1]


def text_of(rc, css):
    return "".join(str(c) for c in rc.find(class_=css).widget.children)


def html_widget(rc, css):
    """The raw-HTML widget carrying the CSS class ``css``."""
    found = [w for w in rc.find(solara.widgets.HTML).widgets
             if css in (w.attributes or {}).get("class", "").split()]
    assert len(found) == 1, f"{len(found)} HTML widgets with class {css}"
    return found[0]


def button(rc, css):
    return rc.find(v.Btn, class_=css).widget


def labels(rc):
    """Every label of a select or text field on the page."""
    return {w.label for w in rc.find(v.Select).widgets + rc.find(v.TextField).widgets}


@pytest.fixture(scope="module")
def app_module():
    return load_app()


# --- the page -------------------------------------------------------------------------------------


def test_main_page_shows_region_selector_and_kpi_chart(app_module):
    rc = render(app_module.routes)
    region = rc.find(v.Select, class_="wmo-region-select").widget
    assert region.v_model == "leiden_2015"
    assert {item["value"] for item in region.items} >= {"leiden_2015", "woerden_2017"}
    charts_found = rc.find(v.Html, class_="wmo-kpi-chart").find(EchartsWidget)
    assert len(charts_found) == len(charts.KPI_PANELS)
    option = charts_found.widgets[0].option
    assert option["series"] and len(option["xAxis"]["data"]) == 1  # month 0 only
    assert text_of(rc, "wmo-month") == "Month 0 (start, 2015)"


def test_clicking_step_advances_the_month_shown(app_module):
    rc = render(app_module.routes)
    button(rc, "wmo-step").click()
    assert text_of(rc, "wmo-month") == "Month 1 (January 2015)"
    button(rc, "wmo-step").click()
    assert text_of(rc, "wmo-month") == "Month 2 (February 2015)"
    option = rc.find(v.Html, class_="wmo-kpi-chart").find(EchartsWidget).widgets[0].option
    assert len(option["xAxis"]["data"]) == 3


def test_switching_language_replaces_english_labels_with_dutch(app_module):
    rc = render(app_module.routes)
    assert "Step" in button(rc, "wmo-step").children
    assert "Region" in labels(rc)
    rc.find(v.BtnToggle, class_="wmo-lang-toggle").widget.v_model = 1
    assert "Stap" in button(rc, "wmo-step").children
    assert "Step" not in button(rc, "wmo-step").children
    assert "Regio" in labels(rc) and "Region" not in labels(rc)
    assert text_of(rc, "wmo-month") == "Maand 0 (start, 2015)"
    rc.find(v.BtnToggle, class_="wmo-lang-toggle").widget.v_model = 0
    assert "Step" in button(rc, "wmo-step").children


def test_dutch_from_the_address(app_module):
    rc = render(app_module.routes, "/?lang=nl")
    assert "Stap" in button(rc, "wmo-step").children


def test_a_region_preset_is_pending_until_reset_and_then_rebuilds_the_model():
    rc, app = render_with_probe()
    button(rc, "wmo-step").click()
    first = app.session.run.model
    assert len(first.municipalities) == 5
    rc.find(v.Select, class_="wmo-region-select").widget.v_model = "woerden_2017"
    assert app.session.run.model is first and first.month == 1  # nothing restarted yet
    assert rc.find(v.Alert, class_="wmo-pending")
    reset = button(rc, "wmo-reset")
    assert reset.children[-1] == "Reset with the new settings" and reset.color == "warning"
    assert rc.find(v.Select, class_="wmo-lever-funding").widget.v_model == "fee_for_service"
    button(rc, "wmo-reset").click()
    model = app.session.run.model
    assert model is not first
    assert model.month == 0 and len(model.municipalities) == 1
    assert text_of(rc, "wmo-month") == "Month 0 (start, 2017)"
    assert "municipalities: 1" in text_of(rc, "wmo-counts")
    assert not rc.find(v.Alert, class_="wmo-pending")
    assert button(rc, "wmo-reset").children[-1] == "Reset"


def test_changing_the_design_preset_takes_its_levers():
    rc, app = render_with_probe()
    rc.find(v.Select, class_="wmo-design-select").widget.v_model = "strategic_partners"
    assert app.session.run.model.p.procurement != "strategic_partners"
    button(rc, "wmo-reset").click()
    assert app.session.run.model.p.procurement == "strategic_partners"
    assert app.session.run.model.p.contract_years == 8


def test_out_of_bounds_population_scale_is_refused_and_the_model_kept():
    rc, app = render_with_probe()
    button(rc, "wmo-step").click()
    model = app.session.run.model
    field = rc.find(v.TextField, class_="wmo-population-scale").widget
    field.v_model = "0.5"
    assert rc.find(v.TextField, class_="wmo-population-scale").widget.error_messages
    button(rc, "wmo-reset").click()
    message = rc.find(v.Html, class_="wmo-message").find(v.Alert).widget
    assert message.type == "error" and "0.25" in message.children[0]
    assert app.session.run.model is model and model.month == 1
    assert text_of(rc, "wmo-month") == "Month 1 (January 2015)"
    field = rc.find(v.TextField, class_="wmo-population-scale").widget
    field.v_model = "0.02"  # corrected: the refusal of the last Reset goes
    assert not rc.find(v.Html, class_="wmo-message").find(v.Alert)
    assert not rc.find(v.TextField, class_="wmo-population-scale").widget.error_messages


def test_lever_change_waits_for_reset():
    rc, app = render_with_probe()
    model = app.session.run.model
    app.session.set_lever("tariff_factor", 0.8)
    assert rc.find(v.Alert, class_="wmo-pending")
    assert app.session.run.model is model
    button(rc, "wmo-reset").click()
    assert app.session.run.model is not model
    assert app.session.run.model.p.tariff_factor == 0.8
    assert not rc.find(v.Alert, class_="wmo-pending")


def test_two_renders_have_their_own_models():
    rc1, app1 = render_with_probe()
    rc2, app2 = render_with_probe()
    assert app1.session is not app2.session
    assert app1.session.run.model is not app2.session.run.model
    button(rc1, "wmo-step").click()
    assert app1.session.run.model.month == 1
    assert app2.session.run.model.month == 0


def test_play_steps_in_the_background_until_paused():
    rc, app = render_with_probe()
    button(rc, "wmo-play").click()
    deadline = time.monotonic() + 20
    while app.session.view.month < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    button(rc, "wmo-play").click()
    assert app.session.view.month >= 2
    time.sleep(limits.PLAY_INTERVAL_S * 3)
    month = app.session.view.month
    time.sleep(limits.PLAY_INTERVAL_S * 2)
    assert app.session.view.month == month


@pytest.mark.parametrize("path,css,content", [
    ("/glossary", "wmo-glossary", "<table>"), ("/about", "wmo-about", "<h2>Limits of the model"),
    ("/answer", "wmo-answer", "<h1>")])
def test_other_pages_render(app_module, path, css, content):
    rc = render(app_module.routes, path)
    assert content in html_widget(rc, css).unsafe_innerHTML


def test_compare_page_renders_its_form(app_module):
    rc = render(app_module.routes, "/compare")
    assert button(rc, "wmo-compare-run").children[-1] == "Run comparison"
    assert rc.find(v.TextField, class_="wmo-compare-seeds").widget.v_model == \
        str(limits.COMPARE_DEFAULT_SEEDS)


def test_a_refused_comparison_message_goes_when_the_field_is_corrected(app_module):
    rc = render(app_module.routes, "/compare")
    rc.find(v.TextField, class_="wmo-compare-seeds").widget.v_model = "11"
    button(rc, "wmo-compare-run").click()
    message = rc.find(v.Alert, class_="wmo-message")
    assert message and "10" in str(message.widget.children)
    rc.find(v.TextField, class_="wmo-compare-seeds").widget.v_model = "3"
    assert not rc.find(v.Alert, class_="wmo-message")


def test_the_answer_page_follows_the_language(app_module):
    rc = render(app_module.routes, "/answer")
    page = html_widget(rc, "wmo-answer").unsafe_innerHTML
    assert page.startswith("<h1>The answer") and "<table>" in page
    rc.find(v.BtnToggle, class_="wmo-lang-toggle").widget.v_model = 1
    assert html_widget(rc, "wmo-answer").unsafe_innerHTML.startswith("<h1>Het antwoord")


def test_glossary_follows_the_language(app_module):
    rc = render(app_module.routes, "/glossary")
    table = html_widget(rc, "wmo-glossary")
    assert "spelregels" in table.unsafe_innerHTML
    assert "administrative rules added to contracts" in table.unsafe_innerHTML
    rc.find(v.BtnToggle, class_="wmo-lang-toggle").widget.v_model = 1
    table = html_widget(rc, "wmo-glossary")
    assert "administratieve regels" in table.unsafe_innerHTML
    assert "administrative rules added to contracts" not in table.unsafe_innerHTML


# --- state, layout, export ---------------------------------------------------------------------


def small_session(**text) -> Session:
    session = Session()
    if text:
        for name, value in text.items():
            session.set_text(name, value)
        assert session.apply()
    return session


def test_layout_gives_the_same_positions_for_the_same_model_and_every_node():
    scenario = load_scenario("leiden_2015", overrides={"population_scale": 0.02})
    one, two = WmoModel(scenario, rng=3), WmoModel(scenario, rng=3)
    kinds = {q.unique_id: q.kind for q in one.providers}
    first = graph_layout(one.network, kinds)
    assert first == graph_layout(one.network, kinds)
    assert first == graph_layout(two.network, {q.unique_id: q.kind for q in two.providers})
    assert set(first) == set(one.network.nodes)
    assert len(set(first.values())) == len(first)  # no two nodes on one spot
    one.run_for(24)
    later = extend_layout(first, one.network.nodes)
    assert all(later[n] == first[n] for n in first)
    assert set(later) >= set(one.network.nodes)


def test_network_view_shows_emergent_collaboration_and_access_knowledge():
    """The new tie kinds reach the view: collaboration by strength, workers' knowledge."""
    from agents_model.viz.charts import network_figure
    from agents_model.viz.state import network_data

    scenario = load_scenario("leiden_2015", overrides={"population_scale": 0.05})
    model = WmoModel(scenario, rng=3)
    model.run_for(12)
    positions = extend_layout(graph_layout(model.network,
                                           {q.unique_id: q.kind for q in model.providers}),
                              model.network.nodes)
    net = network_data(model, positions)
    assert net.collaboration and all(0.0 < v <= 1.0 for _, _, v in net.collaboration)
    municipalities = {m.unique_id for m in model.municipalities}
    assert net.knowledge and all(m in municipalities and 0.0 < share <= 1.0
                                 for m, _, share in net.knowledge)
    labels = [t.get_text() for t in network_figure(net).axes[0].get_legend().get_texts()]
    assert "Collaboration between providers" in labels
    assert "Providers known to access workers" in labels


def test_layout_does_not_move_on_reset():
    session = small_session(population_scale="0.02")
    before = session.view.network.positions
    session.step(6)
    session.apply()
    assert session.view.network.positions == before


def test_exported_fingerprint_replays_to_the_apps_kpis(tmp_path):
    session = small_session(population_scale="0.02", seed="7")
    session.step(5)
    text = fingerprint_json(session.run, session.view.month)
    path = tmp_path / "fp.json"
    path.write_text(text)
    data = load_fingerprint(path)
    assert data["seed"] == 7 and data["months"] == 5
    replayed = replay(data).kpi_frame()
    pd.testing.assert_frame_equal(replayed, session.view.kpis)


def test_kpi_exports_hold_every_month(tmp_path):
    from agents_model.viz.state import kpi_csv, kpi_parquet

    session = small_session(population_scale="0.02")
    session.step(3)
    csv = pd.read_csv(pd.io.common.StringIO(kpi_csv(session.view)))
    assert list(csv["month"]) == [0, 1, 2, 3]
    path = tmp_path / "k.parquet"
    path.write_bytes(kpi_parquet(session.view))
    assert len(pd.read_parquet(path)) == 4


def test_step_stops_at_the_scenarios_run_length_then_goes_on():
    session = Session()
    session.run.model.p.years = 1
    assert session.step(6) is True
    assert session.step(12) is False  # stops at month 12, not 18
    assert session.view.month == 12
    assert session.message.value.key == "end_of_horizon"
    assert session.step(1) is True and session.view.month == 13
    assert session.message.value is None


# --- limits and texts ---------------------------------------------------------------------------


@pytest.mark.parametrize("check,bad,good", [
    (limits.check_population_scale, ["0.5", "-1", "abc", "nan", "0"], ["0.05", "0,1", 0.25]),
    (limits.check_seed, ["-1", "1000001", "1.5", "x"], ["0", "42", 1_000_000]),
    (limits.check_seeds, ["0", "11"], ["1", "10"]),
    (limits.check_years, ["0", "11"], ["1", "10"]),
    (limits.check_compare_population_scale, ["0.06"], ["0.05"]),
])
def test_inputs_outside_their_bounds_are_refused(check, bad, good):
    for value in bad:
        with pytest.raises(limits.OutOfBounds):
            check(value)
    for value in good:
        check(value)


def test_comparison_refuses_same_designs_and_too_many_seeds():
    with pytest.raises(compare.SameDesigns):
        compare.check_spec("woerden_2017", "own", "own", 2, 1, 0.01)
    with pytest.raises(limits.OutOfBounds):
        compare.check_spec("woerden_2017", "own", "consortium", 11, 1, 0.01)
    with pytest.raises(limits.OutOfBounds):
        compare.check_spec("woerden_2017", "own", "consortium", 2, 1, 0.1)


def test_comparison_runs_in_the_background_and_speaks_both_languages():
    runner = compare.CompareRunner()
    runner.start(compare.check_spec("woerden_2017", "own", "strategic_partners", 2, 1, 0.01))
    runner.join(120)
    status = runner.status.value
    assert status.phase == "done", status.error
    assert status.done == status.total == 4
    result = runner.result
    assert set(result.bands["design"]) == {"own", "strategic_partners"}
    labels_ = {"own": "A", "strategic_partners": "B"}
    english = compare.sentences(result, labels_, "en")
    dutch = compare.sentences(result, labels_, "nl")
    assert english and dutch and english != dutch
    assert len(compare.table_rows(result, "nl")) > 5


def test_every_lever_explains_itself_in_both_languages():
    for name in (*i18n.LEVERS, "population_scale"):
        param = by_name(name)
        assert i18n.param_doc(name, "en") == param.doc
        assert i18n.param_doc(name, "nl") and i18n.param_doc(name, "nl") != param.doc
        assert i18n.param_label(name, "en") != i18n.param_label(name, "nl") or \
            name == "partners"
        for choice in param.choices:
            assert i18n.choice_label(name, choice, "nl") != choice


def test_glossary_has_both_meanings_for_every_row():
    assert len(about.GLOSSARY) >= 23
    for dutch, model, english, meaning_nl in about.GLOSSARY:
        assert dutch and model and english and meaning_nl and english != meaning_nl


def test_wmo_abm_app_serves_the_app_in_its_own_process_on_localhost(monkeypatch):
    from click.testing import CliRunner

    from agents_model.cli import main
    from agents_model.viz import server

    calls = []
    monkeypatch.setattr(server, "serve", lambda *args: calls.append(args))
    result = CliRunner().invoke(main, ["app"], standalone_mode=False)
    assert result.exception is None, result.output
    assert calls == [("127.0.0.1", 8765, ())]
    env = server.solara_env("127.0.0.1", 8765)
    assert env["SOLARA_APP"] == "agents_model.viz.app"
    assert env["SOLARA_MODE"] == "production"
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["SOLARA_KERNEL_CULL_TIMEOUT"] == limits.IDLE_SESSION_TIMEOUT
    assert env["SOLARA_KERNEL_MAX_PER_SESSION"] == str(limits.MAX_TABS_PER_BROWSER)


def test_app_module_builds_no_model_at_import(app_module):
    assert not any(isinstance(value, (WmoModel, Session)) for value in vars(app_module).values())
    assert json.dumps([r.path for r in app_module.routes]) == (
        '["/", "compare", "answer", "effects", "region", "classroom", "glossary",'
        ' "about"]')


def test_a_forms_difference_is_taken_apart_into_form_and_levers():
    from agents_model.viz import effects

    parts = effects.decomposition("leiden_2015", "strategic_partners", "transformation_index")
    assert list(parts) == list(effects.PARTS)
    packaged, form, levers = parts["packaged"], parts["form"], parts["levers"]
    assert packaged.mean == pytest.approx(form.mean + levers.mean)
    assert parts["sanctions"].mean == pytest.approx(
        packaged.mean - parts["without_sanctions"].mean)
    for key in ("levers", "sanctions"):  # a difference of two estimates is less certain
        part = parts[key]
        assert part.derived
        assert part.high - part.low > max(packaged.high - packaged.low,
                                          form.high - form.low)
    assert not packaged.derived and packaged.low < packaged.mean < packaged.high
    en = effects.sentences(parts, "Leiden", "Strategic partners", "transformation_index", "en")
    nl = effects.sentences(parts, "Leiden", "Strategisch partnerschap",
                           "transformation_index", "nl")
    assert len(en) == len(nl) == 4 and en != nl
    assert ("no clear difference" in en[1]) is not form.clear
    assert effects.decomposition("nowhere", "consortium", "spend") == {}
    assert effects.sentences({}, "x", "y", "spend", "en") == [i18n.t("effects_no_data", "en")]


def test_the_design_effects_page_follows_region_form_and_outcome(app_module):
    rc = render(app_module.routes, "/effects")
    table = html_widget(rc, "wmo-effects-table").unsafe_innerHTML
    assert table.count("<tr>") == 1 + 5 and "As packaged" in table
    assert "Sanctions: on (against off)" in html_widget(rc, "wmo-effects-levers").unsafe_innerHTML
    words = html_widget(rc, "wmo-effects-sentences").unsafe_innerHTML
    rc.find(v.Select, class_="wmo-effects-form").widget.v_model = "consortium"
    assert html_widget(rc, "wmo-effects-sentences").unsafe_innerHTML != words
    rc.find(v.Select, class_="wmo-effects-region").widget.v_model = "haarlem_2022"
    assert not [w for w in rc.find(solara.widgets.HTML).widgets
                if "wmo-effects-levers" in w._dom_classes]  # the factorial is Leiden's
    rc.find(v.Select, class_="wmo-effects-kpi").widget.v_model = "waiting_list"
    assert "waiting list" in html_widget(rc, "wmo-effects-sentences").unsafe_innerHTML.lower()



def render_page_with_probe(page, path="/"):
    """Render ``page`` at ``path`` inside the app's layout; return (rc, the visitor's state)."""
    seen = []

    @solara.component
    def ProbePage():
        seen.append(use_app())
        return page()

    rc = render([solara.Route(path=path.strip("/") or "/", component=ProbePage, layout=Layout)],
                path)
    return rc, seen[-1]


def type_into(widget, text):
    """Type ``text`` into a Solara input and press Enter (its value is taken on Enter or blur)."""
    widget.v_model = text
    widget.fire_event("keyup.enter", None)


def test_a_region_built_on_the_region_page_runs_on_the_simulate_page():
    from dataclasses import replace

    from agents_model.viz.builder import RegionPage
    from agents_model.viz.region import from_region

    rc, app = render_page_with_probe(RegionPage, "/region")
    assert "Valid: 1 municipalities" in str(rc.find(v.Alert, class_="wmo-region-status")
                                            .widget.children)
    button(rc, "wmo-muni-add").click()
    population = rc.find(v.TextField, class_="wmo-muni-population").widgets
    assert len(population) == 2
    type_into(population[1], "50")
    status = str(rc.find(v.Alert, class_="wmo-region-status").widget.children)
    assert "population must be between 100" in status and "municipality 2" in status
    assert button(rc, "wmo-region-use").disabled
    type_into(rc.find(v.TextField, class_="wmo-muni-population").widgets[1], "12000")
    type_into(rc.find(v.TextField, class_="wmo-muni-name").widgets[1], "Montfoort")
    type_into(rc.find(v.TextField, class_="wmo-region-name").widget, "Woerden en Montfoort")
    assert "Valid: 2 municipalities, 63,000 inhabitants" in str(
        rc.find(v.Alert, class_="wmo-region-status").widget.children)
    button(rc, "wmo-region-use").click()
    ((path, title),) = app.session.built.value
    assert title == "Woerden en Montfoort" and path.endswith("woerden_en_montfoort.toml")
    assert app.session.draft.value.region == path and app.session.pending()
    assert app.session.apply()
    model = app.session.run.model
    assert [m.name for m in model.municipalities] == ["Woerden", "Montfoort"]
    with pytest.raises(ScenarioError, match="unknown region"):
        compare.check_spec("/etc/passwd", "own", "consortium", 1, 1, 0.01,
                           app.session.built_paths())
    assert compare.check_spec(path, "own", "consortium", 1, 1, 0.01,
                              app.session.built_paths()).region == path
    big = from_region("woerden_2017").with_municipality(0, population=600_000)
    with pytest.raises(ScenarioError, match="at most 500,000"):
        app.session.add_region(big)
    for number in range(limits.MAX_CUSTOM_REGIONS + 2):  # the oldest make room
        app.session.add_region(replace(from_region("woerden_2017"), name=f"Region {number}"))
    titles = [title for _, title in app.session.built.value]
    assert titles == [f"Region {n}" for n in range(2, limits.MAX_CUSTOM_REGIONS + 2)]
    app.session.close()
    assert not Path(path).exists()


def test_every_setting_of_the_region_page_explains_itself_in_both_languages():
    from agents_model.viz.region import EDITABLE

    for name in EDITABLE:
        assert i18n.param_label(name, "en") != name.replace("_", " "), name
        assert i18n.param_label(name, "nl") != name.replace("_", " "), name
        assert i18n.param_doc(name, "nl") != by_name(name).doc, name


def test_kpi_charts_leave_out_month_zero_placeholders():
    model = WmoModel(load_scenario("woerden_2017"), rng=1, population_scale=0.02)
    model.run_for(2)
    frame = model.kpi_frame()
    assert frame.loc[0, "transformation_index"] > 0  # the model's start-row placeholder
    series = {s["name"]: s["data"] for _, opt in charts.kpi_options(frame)
              for s in opt["series"]}
    index = series[i18n.kpi_label("transformation_index", "en")]
    assert index[0] is None and index[1] is not None
    assert series[i18n.kpi_label("waiting_list", "en")][0] is not None  # a count at month 0
