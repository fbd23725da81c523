"""Fingerprints: everything needed to replay a run to the same numbers.

A fingerprint is a small JSON document: the region and design (bare names, or file paths for
files outside ``scenarios/``), every parameter value, the seed, the number of months and the
package version. A region file outside ``scenarios/`` (one of your own, or one built in the
app) travels inside the fingerprint as ``region_file``, so the fingerprint replays where that
file does not exist. ``wmo-abm replay FINGERPRINT.json`` rebuilds the scenario, runs the model and
gives the same monthly KPIs as the run it was taken from (same package version).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from agents_model.scenario import (
    MAX_SEED,
    SCENARIO_ROOT,
    Scenario,
    ScenarioError,
    load_scenario,
)

__all__ = ["FORMAT", "fingerprint", "load_fingerprint", "replay", "scenario_of"]

FORMAT = "wmo-abm-fingerprint/1"


def _source(path: str, kind: str) -> str:
    """A bare name for files under scenarios/<kind>/, else the absolute path."""
    p = Path(path).resolve()
    if p.parent == (SCENARIO_ROOT / kind).resolve():
        return p.stem
    return str(p)


def fingerprint(scenario: Scenario, seed: int, months: int) -> dict[str, Any]:
    """The fingerprint of a run of ``scenario`` with ``seed`` over ``months`` months."""
    from agents_model import __version__

    sources = list(scenario.sources)
    region = _source(sources[0], "regions") if sources else ""
    design = _source(sources[1], "governance") if len(sources) > 1 else ""
    data = {
        "format": FORMAT,
        "version": __version__,
        "region": region,
        "design": design,
        "seed": int(seed),
        "months": int(months),
        "parameters": dict(scenario.values),
    }
    if region and Path(region).is_absolute():
        data["region_file"] = Path(region).read_text(encoding="utf-8")
    return data


def load_fingerprint(path: str | Path) -> dict[str, Any]:
    """Read and check a fingerprint file.

    Raises:
        ScenarioError: Missing or unreadable file, or not a fingerprint.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{path}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ScenarioError(f"{path}: not a wmo-abm fingerprint (format {FORMAT})")
    for key, kind in (("version", str), ("region", str), ("design", str), ("seed", int),
                      ("months", int), ("parameters", dict)):
        if not isinstance(data.get(key), kind) or isinstance(data.get(key), bool):
            raise ScenarioError(f"{path}: key '{key}' must be of type {kind.__name__}")
    if not data["region"]:
        raise ScenarioError(f"{path}: key 'region' is empty")
    if not 0 <= data["seed"] <= MAX_SEED:
        raise ScenarioError(f"{path}: key 'seed' must be an integer from 0 to {MAX_SEED}")
    if not 1 <= data["months"] <= 600:
        raise ScenarioError(f"{path}: key 'months' must be an integer from 1 to 600")
    if not isinstance(data.get("region_file", ""), str):
        raise ScenarioError(f"{path}: key 'region_file' must be of type str")
    return data


def scenario_of(data: dict[str, Any], origin: str = "fingerprint") -> Scenario:
    """Rebuild the scenario a fingerprint describes (validated like any scenario).

    A region carried inside the fingerprint (``region_file``) is read from there, not from
    the path it once had.
    """
    text = data.get("region_file")
    if not text:
        scenario = load_scenario(data["region"], design=data["design"] or None)
        return scenario.with_overrides(data["parameters"], origin)
    with tempfile.TemporaryDirectory(prefix="wmo-abm-fingerprint-") as folder:
        path = Path(folder) / f"{Path(data['region']).stem or 'region'}.toml"
        path.write_text(text, encoding="utf-8")
        scenario = load_scenario(path, design=data["design"] or None)
    return scenario.with_overrides(data["parameters"], origin)


def replay(data: dict[str, Any]):
    """Run the model a fingerprint describes; returns the finished model."""
    from agents_model.model import WmoModel

    model = WmoModel(scenario_of(data), rng=data["seed"])
    model.run_for(data["months"])
    return model
