"""The browser app of wmo-abm: pages and routes.

Started by ``wmo-abm app`` or ``solara run agents_model.viz.app`` (in a source checkout also
``solara run app.py``). Everything else lives in :mod:`agents_model.viz`. Each browser tab
gets its own model (built inside the layout component), so visitors never share a run.
"""

import solara
import solara.checks
import solara.server.settings

from agents_model.viz.builder import RegionPage
from agents_model.viz.classroom_page import ClassroomPage
from agents_model.viz.pages import (
    AboutPage,
    AnswerPage,
    ComparePage,
    DesignEffectsPage,
    GlossaryPage,
    Layout,
    SimulatePage,
)

# The app works offline and reports nothing to other hosts: no usage statistics, and no
# installation check from the browser when the server runs in development mode.
solara.server.settings.telemetry.mixpanel_enable = False
solara.checks.should_perform_solara_check = lambda: False

routes = [
    solara.Route(path="/", component=SimulatePage, label="Simulate", layout=Layout),
    solara.Route(path="compare", component=ComparePage, label="Compare designs"),
    solara.Route(path="answer", component=AnswerPage, label="The answer"),
    solara.Route(path="effects", component=DesignEffectsPage, label="Design effects"),
    solara.Route(path="region", component=RegionPage, label="Build a region"),
    solara.Route(path="classroom", component=ClassroomPage, label="Classroom"),
    solara.Route(path="glossary", component=GlossaryPage, label="Glossary"),
    solara.Route(path="about", component=AboutPage, label="About"),
]
