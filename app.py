"""The browser app of wmo-abm in a source checkout: ``solara run app.py`` (or ``wmo-abm app``).

The pages and routes live in :mod:`agents_model.viz.app`, which an installed wheel also carries.
"""

from agents_model.viz.app import routes

__all__ = ["routes"]
