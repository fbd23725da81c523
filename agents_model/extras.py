"""The optional parts of wmo-abm (pip extras) and one clear line when a command needs a missing one.

The core install (``pip install wmo-abm``) is the model, the command line and the runner. The
browser app, the analysis commands that draw figures or sample, and the Dask cluster come with
extras; a command that needs one checks for it before it runs anything::

    pip install 'wmo-abm[app]'       # wmo-abm app
    pip install 'wmo-abm[analysis]'  # report, effects, calibrate, sensitivity, discover
    pip install 'wmo-abm[cluster]'   # --scheduler tcp://HOST:PORT
"""

from __future__ import annotations

from importlib.util import find_spec

from agents_model.scenario import ScenarioError

__all__ = ["EXTRAS", "MissingExtra", "missing_modules", "require"]

EXTRAS: dict[str, tuple[str, ...]] = {
    "app": ("solara", "ipyvuetify", "matplotlib"),
    "analysis": ("matplotlib", "SALib", "prim"),
    "cluster": ("distributed",),
}
"""Per extra, the modules the commands that need it import."""

_SOURCE_HINT = {"app": " (in a source folder: bash scripts/bootstrap.sh)",
                "analysis": " (in a source folder: bash scripts/bootstrap.sh)"}
"""The bootstrap set that holds an extra, for users of a source folder."""


class MissingExtra(ScenarioError):
    """A command needs an extra that is not installed (one line, exit status 2)."""


def missing_modules(extra: str) -> list[str]:
    """The modules of ``extra`` that cannot be imported here.

    Raises:
        KeyError: ``extra`` is not one of :data:`EXTRAS`.
    """
    missing = []
    for module in EXTRAS[extra]:
        try:
            found = find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(module)
    return missing


def require(extra: str, what: str) -> None:
    """Raise :class:`MissingExtra` naming the install command when ``extra`` is incomplete.

    Args:
        extra: One of :data:`EXTRAS`.
        what: What needs it, as the user typed it (``"wmo-abm app"``).
    """
    missing = missing_modules(extra)
    if missing:
        raise MissingExtra(
            f"{what} needs the '{extra}' extra, which is not installed here (missing: "
            f"{', '.join(missing)}); install it with: pip install 'wmo-abm[{extra}]'"
            + _SOURCE_HINT.get(extra, ""))
