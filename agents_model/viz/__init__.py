"""The browser app of the Wmo governance model (Solara).

Modules, one concern each: :mod:`~agents_model.viz.limits` (what one visitor may ask),
:mod:`~agents_model.viz.i18n` (every text in English and Dutch; the texts of the design-effects,
region and classroom pages in :mod:`~agents_model.viz.page_texts`),
:mod:`~agents_model.viz.layout` (stable positions of the trust network),
:mod:`~agents_model.viz.state` (one visitor's settings, model and snapshots),
:mod:`~agents_model.viz.charts` (figures), :mod:`~agents_model.viz.compare` (comparing two
designs over seeds), :mod:`~agents_model.viz.components` (Solara components) and
:mod:`~agents_model.viz.pages` (the pages and their layout). :mod:`~agents_model.viz.app` wires
the pages to routes (``app.py`` at the repository root re-exports them); start it with
``wmo-abm app`` or ``solara run app.py``.
"""
