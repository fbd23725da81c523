"""The browser app in a real browser: Debian's Chromium drives the real ``app.py``.

Every test looks at what the browser drew (the pixels of the KPI charts, the network picture,
downloaded files), not only at texts, and ends by checking that the page asked no host but this
machine for anything. Run ``pytest tests/browser``; set ``WMO_SCREENSHOT=docs/screenshot.png``
to refresh the README's screenshot.
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pandas as pd
import pytest


def _missing_requirement() -> str | None:
    if not Path("/usr/bin/chromium").is_file():
        return "Chromium not found at /usr/bin/chromium (apt-get install chromium)"
    for module in ("playwright", "pytest_playwright"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed"
    try:
        metadata.distribution("pytest-ipywidgets")
    except metadata.PackageNotFoundError:
        return "pytest-ipywidgets (Solara's pytest plugin) is not installed"
    return None


if (_reason := _missing_requirement()) is not None:
    pytest.skip(f"browser tests skipped: {_reason}", allow_module_level=True)

from playwright.sync_api import Page, expect  # noqa: E402

from agents_model.viz.charts import KPI_PANELS  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
START = "Month 0 (start, 2015)"
SETTLE_S = 20.0

# Data URLs of the KPI canvases, each with whether it is still blank.
CANVASES_JS = """els => els.map(c => {
    const blank = document.createElement('canvas');
    blank.width = c.width; blank.height = c.height;
    const url = c.toDataURL();
    return [url, url === blank.toDataURL()];
})"""

# The pixels of the network picture (an <img> with a PNG), redrawn on a canvas.
IMAGE_JS = """img => {
    if (!img.complete || img.naturalWidth === 0) return null;
    const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    c.getContext('2d').drawImage(img, 0, 0);
    return c.toDataURL();
}"""


# --- helpers --------------------------------------------------------------------------------------


def open_app(offline, url: str, context=None) -> Page:
    """A new tab on the app, once its KPI charts are drawn."""
    page = offline.new_page(context)
    page.goto(url)
    expect(page.locator(".wmo-app")).to_be_visible()
    expect(page.locator(".wmo-kpi-chart div.solara-echarts canvas")).to_have_count(
        len(KPI_PANELS))
    return page


def month(page: Page) -> int:
    text = page.locator(".wmo-month").inner_text()
    found = re.match(r"(?:Month|Maand) (\d+) ", text)
    assert found, text
    return int(found.group(1))


def step(page: Page, months: int) -> None:
    """Click Step ``months`` times, each time waiting for the next month to be shown."""
    for _ in range(months):
        target = month(page) + 1
        page.locator(".wmo-step").click()
        expect(page.locator(".wmo-month")).to_have_text(re.compile(rf"^Month {target} \("))


def kpi_pixels(page: Page) -> tuple[str, ...]:
    """The KPI charts as drawn, once every panel is drawn and stops changing."""
    deadline = time.monotonic() + SETTLE_S
    previous = None
    while time.monotonic() < deadline:
        canvases = page.locator(".wmo-kpi-chart div.solara-echarts canvas").evaluate_all(
            CANVASES_JS)
        pixels = tuple(url for url, _ in canvases)
        drawn = len(canvases) == len(KPI_PANELS) and not any(blank for _, blank in canvases)
        if drawn and pixels == previous:
            return pixels
        previous = pixels if drawn else None
        page.wait_for_timeout(250)
    raise AssertionError("the KPI charts were not drawn, or never stopped changing")


def kpi_pixels_other_than(page: Page, before: tuple[str, ...]) -> tuple[str, ...]:
    """The KPI charts once they show something else than ``before``."""
    deadline = time.monotonic() + SETTLE_S
    while time.monotonic() < deadline:
        after = kpi_pixels(page)
        if after != before:
            return after
        page.wait_for_timeout(250)
    raise AssertionError("the KPI charts did not change")


def network_pixels(page: Page) -> tuple[str, str]:
    """(src, pixels) of the network picture, once it is loaded."""
    image = page.locator(".wmo-network img")
    expect(image).to_be_visible()
    deadline = time.monotonic() + SETTLE_S
    while time.monotonic() < deadline:
        src = image.get_attribute("src") or ""
        pixels = image.evaluate(IMAGE_JS)
        if src and pixels and image.get_attribute("src") == src:
            return src, pixels
        page.wait_for_timeout(100)
    raise AssertionError("the network picture did not load")


def choose(page: Page, select_css: str, item: str) -> None:
    """Pick ``item`` in the Vuetify select carrying ``select_css``."""
    page.locator(f".{select_css} .v-select__slot").click()
    menu = page.locator(".menuable__content__active")
    menu.locator(".v-list-item", has_text=item).click()


# --- tests ----------------------------------------------------------------------------------------


def test_app_loads_with_its_charts(offline, app_url):
    page = open_app(offline, app_url)
    expect(page.locator(".wmo-month")).to_have_text(START)
    counts = page.locator(".wmo-counts")
    expect(counts).to_contain_text("municipalities: 5")
    expect(counts).to_contain_text(re.compile(r"providers in the market: \d+, contracted: \d+, "
                                              r"with clients: \d+"))
    expect(page.locator(".wmo-region-select")).to_contain_text("Leiden region 2015")
    for tab in ("kpis", "network", "market", "flow", "events", "export"):
        expect(page.locator(f".wmo-tab-{tab}")).to_be_visible()
    charts = page.locator(".wmo-kpi-chart div.solara-echarts canvas")
    for i in range(len(KPI_PANELS)):
        box = charts.nth(i).bounding_box()
        assert box and box["width"] > 200 and box["height"] > 200
    assert len(set(kpi_pixels(page))) == len(KPI_PANELS)  # six different, non-blank panels
    offline.assert_offline()


def test_step_advances_month_kpi_charts_and_network(offline, app_url):
    page = open_app(offline, app_url)
    before = kpi_pixels(page)
    step(page, 3)
    expect(page.locator(".wmo-month")).to_have_text("Month 3 (March 2015)")
    after = kpi_pixels_other_than(page, before)
    changed = sum(a != b for a, b in zip(before, after, strict=True))
    assert changed >= len(KPI_PANELS) // 2, f"only {changed} KPI panels changed"

    page.locator(".wmo-tab-network").click()
    src, pixels = network_pixels(page)
    assert src.startswith(("data:image/png", "blob:"))
    width = page.locator(".wmo-network img").evaluate("img => img.naturalWidth")
    assert width > 300
    step(page, 1)
    expect(page.locator(".wmo-network img")).not_to_have_attribute("src", src)
    new_src, new_pixels = network_pixels(page)
    assert new_src != src
    assert new_pixels != pixels, "the network picture was redrawn but looks the same"
    offline.assert_offline()


def test_language_switch_replaces_the_labels(offline, app_url):
    page = open_app(offline, app_url)
    step_button = page.locator(".wmo-step")
    expect(step_button).to_have_text("Step")
    page.locator(".wmo-lang-toggle button", has_text="Nederlands").click()
    expect(step_button).to_have_text("Stap")
    expect(step_button).not_to_contain_text("Step")
    expect(page.locator(".wmo-reset")).to_have_text("Opnieuw")
    expect(page.locator(".wmo-play")).to_have_text("Afspelen")
    expect(page.locator(".wmo-month")).to_have_text("Maand 0 (start, 2015)")
    expect(page.locator(".wmo-tab-export")).to_have_text("Exporteren")
    page.locator(".wmo-lang-toggle button", has_text="English").click()
    expect(step_button).to_have_text("Step")

    dutch = open_app(offline, app_url + "?lang=nl", context=page.context)
    expect(dutch.locator(".wmo-step")).to_have_text("Stap")
    expect(dutch.locator(".wmo-tab-kpis")).to_have_text("Kengetallen in de tijd")
    expect(page.locator(".wmo-step")).to_have_text("Step")  # the first tab stays English
    offline.assert_offline()


def test_region_preset_is_pending_until_reset_then_rebuilds_the_model(offline, app_url):
    page = open_app(offline, app_url)
    step(page, 2)
    counts = page.locator(".wmo-counts")
    expect(counts).to_contain_text("municipalities: 5")
    before = counts.inner_text()
    pixels = kpi_pixels(page)
    choose(page, "wmo-region-select", "Woerden 2017")
    expect(page.locator(".wmo-pending")).to_be_visible()
    expect(page.locator(".wmo-reset")).to_have_text("Reset with the new settings")
    expect(page.locator(".wmo-month")).to_have_text("Month 2 (February 2015)")
    page.locator(".wmo-reset").click()
    expect(page.locator(".wmo-pending")).to_have_count(0)
    expect(page.locator(".wmo-month")).to_have_text("Month 0 (start, 2017)")
    expect(counts).to_contain_text("municipalities: 1 ")
    assert counts.inner_text() != before
    expect(page.locator(".wmo-region-select")).to_contain_text("Woerden 2017")
    assert kpi_pixels_other_than(page, pixels) != pixels
    offline.assert_offline()


def test_tabs_do_not_share_a_run(offline, app_url):
    first = open_app(offline, app_url)
    second = open_app(offline, app_url, context=first.context)  # same browser, another tab
    other = open_app(offline, app_url, context=offline.new_context())  # another visitor
    second_pixels = kpi_pixels(second)
    other_pixels = kpi_pixels(other)
    step(first, 3)
    expect(first.locator(".wmo-month")).to_have_text("Month 3 (March 2015)")
    step(second, 1)
    expect(second.locator(".wmo-month")).to_have_text("Month 1 (January 2015)")
    expect(other.locator(".wmo-month")).to_have_text(START)
    expect(first.locator(".wmo-month")).to_have_text("Month 3 (March 2015)")
    assert kpi_pixels(other) == other_pixels
    assert kpi_pixels_other_than(second, second_pixels) != second_pixels
    offline.assert_offline()


def test_exported_fingerprint_replays_to_the_exported_kpis(offline, app_url, tmp_path):
    page = open_app(offline, app_url)
    step(page, 3)
    page.locator(".wmo-tab-export").click()
    export = page.locator(".wmo-export")
    expect(export).to_be_visible()
    files = {}
    for label, name in (("Fingerprint (JSON)", "fp.json"), ("KPIs as CSV", "app.csv")):
        with page.expect_download() as download:
            export.locator("button", has_text=label).click()
        files[name] = download.value.suggested_filename
        download.value.save_as(tmp_path / name)
    assert files["fp.json"] == "wmo-leiden_2015-own-seed1-month3.fingerprint.json"
    assert files["app.csv"] == "wmo-leiden_2015-own-seed1-month3.csv"

    result = subprocess.run(
        [sys.executable, "-m", "agents_model", "replay", "fp.json", "--out", "replay.csv"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stdout + result.stderr
    app_text = (tmp_path / "app.csv").read_text(encoding="utf-8")
    replay_text = (tmp_path / "replay.csv").read_text(encoding="utf-8")
    app_kpis = pd.read_csv(io.StringIO(app_text))
    replayed = pd.read_csv(io.StringIO(replay_text))
    assert list(app_kpis["month"]) == [0, 1, 2, 3]
    assert list(app_kpis["year"]) == [2015] * 4  # calendar years, whole numbers
    assert app_kpis.loc[0, ["cost_per_client", "hours_delivered_ratio"]].isna().all()
    assert app_kpis.loc[1:, "cost_per_client"].notna().all()
    assert list(replayed.columns) == list(app_kpis.columns)
    pd.testing.assert_frame_equal(replayed, app_kpis, check_exact=True)
    assert replay_text == app_text
    offline.assert_offline()


def test_play_runs_until_paused_and_the_screenshot(offline, app_url, tmp_path):
    page = open_app(offline, app_url)
    page.locator(".wmo-speed button", has_text="6 mo/tick").click()
    play = page.locator(".wmo-play")
    play.click()
    expect(play).to_have_text("Pause")
    page.wait_for_function(
        "() => +(document.querySelector('.wmo-month').textContent.match(/\\d+/) || [0])[0]"
        " >= 24", timeout=30_000)
    play.click()
    expect(play).to_have_text("Play")
    shown = month(page)
    page.wait_for_timeout(1200)
    assert month(page) == shown, "Play went on after Pause"
    assert shown >= 24

    pixels = kpi_pixels(page)
    assert len(set(pixels)) == len(KPI_PANELS)
    page.mouse.move(0, 0)  # no tooltip in the picture
    path = tmp_path / "screenshot.png"
    page.screenshot(path=str(path))
    from PIL import Image

    with Image.open(path) as image:
        assert image.size == (1400, 900)
        colours = len(image.convert("RGB").getcolors(1 << 24))
    assert colours > 100, "the screenshot looks empty"
    target = os.environ.get("WMO_SCREENSHOT")
    if target:
        out = Path(target)
        out = out if out.is_absolute() else ROOT / out
        out.write_bytes(path.read_bytes())

    page.locator(".wmo-tab-events").click()
    log = page.locator(".wmo-events")
    expect(log).to_contain_text(re.compile(r"Provider [LMSC]-\d+ (entered|left) the market"))
    text = log.inner_text()
    assert not re.search(r"provider \d{3,}|open_house|per_client|fee_for_service", text), \
        text[:500]
    page.locator(".wmo-lang-toggle button", has_text="Nederlands").click()
    expect(log).to_contain_text(re.compile(r"Aanbieder [GMKC]-\d+ (kwam op|verliet) de markt"))
    offline.assert_offline()


def test_the_offline_check_catches_other_hosts(offline_browser):
    context = offline_browser.new_context()
    try:
        page = offline_browser.new_page(context)
        mark = len(offline_browser.blocked)
        refused = page.evaluate(
            "() => fetch('http://wmo-abm.invalid/x').then(() => false, () => true)")
        caught = offline_browser.blocked[mark:]
        del offline_browser.blocked[mark:]
    finally:
        context.close()
    assert refused
    assert caught == ["http://wmo-abm.invalid/x"]


def test_set_up_hints_and_the_view_tabs_fit(offline, app_url):
    page = open_app(offline, app_url)
    hint = page.locator(".wmo-population-scale .v-messages").bounding_box()
    seed_label = page.locator(".wmo-seed label").bounding_box()
    assert hint and seed_label
    assert hint["y"] + hint["height"] <= seed_label["y"] + 1, (hint, seed_label)
    for width in (1400, 1000, 760):
        page.set_viewport_size({"width": width, "height": 900})
        export = page.locator(".wmo-tab-export")
        expect(export).to_be_visible()
        tab = export.bounding_box()
        bar = page.locator(".wmo-views .v-slide-group__wrapper").bounding_box()
        assert tab and bar
        inside = bar["x"] - 1 <= tab["x"] and \
            tab["x"] + tab["width"] <= bar["x"] + bar["width"] + 1
        assert inside, (width, tab, bar)
    offline.assert_offline()


def test_the_design_effects_view_takes_a_form_apart(offline, app_url):
    page = offline.new_page()
    page.goto(app_url + "effects")
    table = page.locator(".wmo-effects-table")
    expect(table).to_contain_text("As packaged (form and its levers)")
    expect(table.locator("tbody tr")).to_have_count(5)
    expect(page.locator(".wmo-effects-levers")).to_contain_text("Sanctions: on (against off)")
    words = page.locator(".wmo-effects-sentences")
    expect(words).to_contain_text("Strategic partners as packaged changes the transformation")
    choose(page, "wmo-effects-form", "Consortium")
    expect(words).to_contain_text("as packaged changes the transformation index")
    expect(words).not_to_contain_text("Strategic partners")
    page.locator(".wmo-lang-toggle button", has_text="Nederlands").click()
    expect(table).to_contain_text("Zoals ingekocht (vorm en knoppen)")
    expect(words).to_contain_text("geen duidelijk verschil")
    offline.assert_offline()


def type_into(page: Page, locator, text: str) -> None:
    """Type into a Solara input and press Enter (it takes the value on Enter or blur)."""
    locator.fill(text)
    locator.press("Enter")


def test_a_region_built_and_saved_gives_the_cli_the_same_kpis(offline, app_url, tmp_path):
    page = offline.new_page()
    page.goto(app_url + "region")
    status = page.locator(".wmo-region-status")
    expect(status).to_contain_text("Valid: 1 municipalities")
    page.locator(".wmo-muni-add").click()
    expect(page.locator(".wmo-muni-population input")).to_have_count(2)
    type_into(page, page.locator(".wmo-muni-population input").nth(1), "50")
    expect(status).to_contain_text("population must be between 100")
    type_into(page, page.locator(".wmo-muni-population input").nth(1), "12000")
    type_into(page, page.locator(".wmo-muni-name input").nth(1), "Montfoort")
    type_into(page, page.locator(".wmo-region-name input"), "Woerden en Montfoort")
    expect(status).to_contain_text("Valid: 2 municipalities, 63,000 inhabitants")
    with page.expect_download() as download:
        page.locator("button", has_text="Save as TOML file").click()
    assert download.value.suggested_filename == "woerden_en_montfoort.toml"
    download.value.save_as(tmp_path / "region.toml")

    page.locator(".wmo-region-use").click()
    expect(page.locator(".wmo-region-notice")).to_contain_text("Woerden en Montfoort")
    page.locator(".wmo-nav-simulate").click()
    expect(page.locator(".wmo-pending")).to_be_visible()
    expect(page.locator(".wmo-region-select")).to_contain_text("Woerden en Montfoort (built)")
    page.locator(".wmo-reset").click()
    expect(page.locator(".wmo-counts")).to_contain_text("municipalities: 2 ")
    step(page, 3)
    page.locator(".wmo-tab-export").click()
    with page.expect_download() as download:
        page.locator(".wmo-export button", has_text="KPIs as CSV").click()
    download.value.save_as(tmp_path / "app.csv")

    result = subprocess.run(
        [sys.executable, "-m", "agents_model", "run", "region.toml", "--seed", "1",
         "--set", "population_scale=0.05", "--quiet", "--out", "cli.csv"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stdout + result.stderr
    app_kpis = pd.read_csv(tmp_path / "app.csv")
    cli_kpis = pd.read_csv(tmp_path / "cli.csv").iloc[:len(app_kpis)]
    assert list(app_kpis["month"]) == [0, 1, 2, 3]
    pd.testing.assert_frame_equal(cli_kpis, app_kpis, check_exact=True)
    offline.assert_offline()


def _join_room(offline, app_url: str, code: str, name: str) -> Page:
    page = offline.new_page(offline.new_context())
    page.goto(app_url + "classroom")
    page.locator(".wmo-class-code-input input").fill(code)
    choose(page, "wmo-class-role-select", name)
    page.locator(".wmo-class-join").click()
    expect(page.locator(".wmo-class-role")).to_have_text(f"You play {name}")
    return page


def _decide(page: Page, select: str, choice: str, last: bool = False) -> None:
    """Choose and submit; the last to decide sees the year play at once instead of a note."""
    choose(page, select, choice)
    page.locator(".wmo-class-submit").click()
    if not last:
        expect(page.locator(".wmo-class-decided")).to_be_visible()


def _open_room(page: Page, app_url: str, years: str) -> str:
    page.goto(app_url + "classroom")
    choose(page, "wmo-class-years", years)
    page.locator(".wmo-class-open-room").click()
    code = page.locator(".wmo-class-code")
    expect(code).to_contain_text("Room code: ")
    return code.inner_text().split(":")[-1].strip()


def test_a_class_plays_two_years_in_a_room(offline, app_url, tmp_path):
    teacher = offline.new_page()
    code = _open_room(teacher, app_url, "2")
    other_teacher = offline.new_page(offline.new_context())
    other_code = _open_room(other_teacher, app_url, "3")
    assert other_code != code
    names = ("Leiderdorp", "Oegstgeest", "Zoeterwoude")
    students = {name: _join_room(offline, app_url, code, name) for name in names}
    roles = teacher.locator(".wmo-class-roles")
    for name in names:
        expect(roles.locator("tr", has_text=name)).to_contain_text("yes")

    _decide(students["Leiderdorp"], "wmo-class-rules", "Add one")
    _decide(students["Oegstgeest"], "wmo-class-dialogue", "None")
    students["Leiderdorp"].reload()  # a reload keeps the role and the decision
    expect(students["Leiderdorp"].locator(".wmo-class-role")).to_have_text("You play Leiderdorp")
    expect(students["Leiderdorp"].locator(".wmo-class-decided")).to_be_visible()
    teacher.locator(".wmo-class-advance").click()  # Zoeterwoude is absent: its rule decides
    expect(teacher.locator(".wmo-class-status")).to_contain_text("Year 1 of 2 played")
    own = students["Leiderdorp"].locator(".wmo-class-own")
    expect(own).to_contain_text("student")
    expect(students["Zoeterwoude"].locator(".wmo-class-own")).to_contain_text("model (own rule)")

    for name in names:  # everybody decides: the year plays by itself
        _decide(students[name], "wmo-class-rules", "Keep as they are", last=name == names[-1])
    expect(teacher.locator(".wmo-class-status")).to_contain_text("Year 2 of 2 played")
    debrief = teacher.locator(".wmo-class-debrief")
    expect(debrief).to_contain_text("Add one")
    expect(debrief).to_contain_text("model (own rule)")
    expect(teacher.locator(".wmo-class-counterfactual")).to_be_visible()
    expect(teacher.locator(".wmo-class-networks img")).to_have_count(3)  # start + two years
    expect(students["Oegstgeest"].locator(".wmo-class-debrief")).to_be_visible()
    expect(other_teacher.locator(".wmo-class-status")).to_contain_text("Year 0 of 3 played")

    for label, name in (("KPIs as CSV", "room.csv"), ("Room record", "room.json")):
        with teacher.expect_download() as download:
            teacher.locator(".wmo-class-teacher button", has_text=label).click()
        download.value.save_as(tmp_path / name)
    result = subprocess.run(
        [sys.executable, "-m", "agents_model", "replay", "room.json", "--out", "replay.csv"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stdout + result.stderr
    replayed = (tmp_path / "replay.csv").read_text(encoding="utf-8")
    assert replayed == (tmp_path / "room.csv").read_text(encoding="utf-8")
    offline.assert_offline()


def test_the_about_page_says_the_defaults_are_calibrated_and_links_the_answer(offline, app_url):
    page = offline.new_page()
    page.goto(app_url + "about")
    about = page.locator(".wmo-about")
    expect(about).to_contain_text("calibrated to ten patterns")
    expect(about).not_to_contain_text("not yet calibrated")
    expect(about).to_contain_text("The answer")
    page.locator(".wmo-lang-toggle button", has_text="Nederlands").click()
    expect(about).to_contain_text("gekalibreerd")
    expect(about).not_to_contain_text("nog niet gekalibreerd")
    offline.assert_offline()


def test_a_refusal_goes_when_the_field_is_corrected(offline, app_url):
    page = open_app(offline, app_url)
    scale = page.locator(".wmo-population-scale input")
    scale.fill("0.5")
    page.locator(".wmo-reset").click()
    message = page.locator(".wmo-message")
    expect(message).to_contain_text("0.25")
    scale.fill("0.05")
    expect(message.locator(".v-alert")).to_have_count(0)
    expect(page.locator(".wmo-month")).to_have_text(START)
    offline.assert_offline()
