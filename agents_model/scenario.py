"""Scenario files: load TOML, validate against the parameter table, combine region and design.

A region file (``scenarios/regions/*.toml``) holds the municipalities, the provider field and the
contract design of its time; a governance file (``scenarios/governance/*.toml``) holds a contract
design that can be laid over any region. Overrides (``--set key=value`` or keyword arguments of
``WmoModel``) come last. Every value is checked against ``params.PARAMS``: an unknown key, a wrong
type or an out-of-range value raises :class:`ScenarioError` naming the file, the key and the
allowed values.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from agents_model.params import PARAMS, SECTIONS, Param, by_name, defaults

__all__ = [
    "MAX_SEED",
    "MAX_SIMULATED_INHABITANTS",
    "MUNICIPALITY_FIELDS",
    "check_size",
    "EffectiveDefault",
    "MunicipalitySpec",
    "Scenario",
    "ScenarioError",
    "Switch",
    "list_scenarios",
    "effective_defaults",
    "load_scenario",
    "parse_overrides",
    "read_toml",
    "resolve",
]

_PACKAGE = Path(__file__).resolve().parent

MAX_SEED = 2**63 - 1
"""Largest seed: numpy takes any integer of 0 or more; seeds are stored as 64-bit integers."""

MAX_SIMULATED_INHABITANTS = 5_000_000
"""Largest region a model is built for: inhabitants x ``population_scale``. Memory grows with
it (about 40 bytes per simulated inhabitant, 200 MB at the bound; the largest shipped region,
Meierij, is 3.9 million at the largest scale, 10)."""


def data_folder(name: str) -> Path:
    """The project's ``scenarios``, ``calibration`` or ``docs`` folder.

    An installed wheel carries copies under ``agents_model/bundled/``; a source checkout (also
    when installed in editable mode) uses the folders beside the package.
    """
    bundled = _PACKAGE / "bundled" / name
    return bundled if bundled.is_dir() else _PACKAGE.parent / name


SCENARIO_ROOT = data_folder("scenarios")
CALIBRATED = data_folder("calibration") / "calibrated.toml"
"""Calibrated defaults written by ``wmo-abm calibrate``; laid over the table's defaults."""


class ScenarioError(ValueError):
    """A scenario file, design file or override is invalid (message names file and key)."""


@dataclass(frozen=True)
class MunicipalitySpec:
    """One municipality of a region.

    Attributes:
        name: Name of the municipality.
        population: Inhabitants (all ages) in the start year.
        central: Central municipality (holds protected living for the region).
        share_65_74: Share of inhabitants aged 65-74.
        share_75: Share of inhabitants aged 75 and over.
        share_adult: Share of inhabitants aged 18 and over.
        joins_year: Year it joins the joint procurement (0: from the start).
    """

    name: str
    population: int
    central: bool = False
    share_65_74: float = 0.10
    share_75: float = 0.08
    share_adult: float = 0.80
    joins_year: int = 0


MUNICIPALITY_FIELDS: dict[str, tuple[type, float | None, float | None]] = {
    "name": (str, None, None),
    "population": (int, 100, 20_000_000),
    "central": (bool, None, None),
    "share_65_74": (float, 0.0, 0.6),
    "share_75": (float, 0.0, 0.6),
    "share_adult": (float, 0.3, 1.0),
    "joins_year": (int, 0, 2100),
}
"""Per field of a ``[[municipalities]]`` table: its type and allowed range (None: no bound)."""


@dataclass(frozen=True)
class Switch:
    """A regime change: from ``year`` on, the listed design values apply (re-procured).

    Attributes:
        year: Calendar year the new design starts (in January), or years after the start
            year when ``relative``.
        values: Parameter values that change (design or access keys).
        relative: ``year`` counts years after the scenario's start year (``after_years``).
    """

    year: int
    values: dict[str, Any]
    relative: bool = False

    def calendar_year(self, start_year: int) -> int:
        """The calendar year the switch takes effect for a scenario starting in ``start_year``."""
        return start_year + self.year if self.relative else self.year


@dataclass
class Scenario:
    """A validated scenario: parameter values, municipalities and regime switches.

    Attributes:
        values: Every parameter's value, keyed by name.
        municipalities: The municipalities of the region.
        switches: Regime changes, in year order.
        region: Short name of the region file (stem).
        design: Short name of the governance design laid over it ("" if none).
        sources: Files the scenario was read from, in order.
    """

    values: dict[str, Any] = field(default_factory=lambda: base_values())
    municipalities: list[MunicipalitySpec] = field(
        default_factory=lambda: [MunicipalitySpec("Gemeente", 50_000, central=True)]
    )
    switches: list[Switch] = field(default_factory=list)
    region: str = "default"
    design: str = ""
    sources: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def with_overrides(self, overrides: dict[str, Any], origin: str = "overrides") -> Scenario:
        """Return a copy with validated overrides applied (keys: ``name`` or ``section.name``)."""
        values = dict(self.values)
        for key, value in overrides.items():
            param = _lookup(key, origin)
            values[param.name] = _coerce(param, value, origin, key)
        new = replace(self, values=values)
        _check_consistency(new, origin)
        return new

    def with_design(self, path: str | Path) -> Scenario:
        """Return a copy with a governance file's values laid over this scenario."""
        path = resolve(path, "governance")
        data = read_toml(path)
        values = dict(self.values)
        switches = list(self.switches)
        for section, table in data.items():
            if section == "governance":
                _check_meta(table, path)
                continue
            if section == "switch":
                switches = _parse_switches(table, path)
                continue
            _apply_section(values, section, table, path)
        new = replace(self, values=values, switches=switches, design=path.stem,
                      sources=(*self.sources, str(path)))
        _check_consistency(new, str(path))
        return new

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (TOML/JSON-friendly) that :func:`load_scenario` can read back."""
        data: dict[str, Any] = {s: {} for s in SECTIONS}
        for p in PARAMS:
            data[p.section][p.name] = self.values[p.name]
        data["municipalities"] = [m.__dict__.copy() for m in self.municipalities]
        data["switch"] = [{("after_years" if s.relative else "year"): s.year, **s.values}
                          for s in self.switches]
        return data


_BASE_CACHE: dict[str, Any] = {}


def base_values() -> dict[str, Any]:
    """Every parameter's default, with calibrated values laid over the table's defaults.

    The calibrated values come from ``calibration/calibrated.toml`` (table ``[calibrated]``)
    when that file exists; they are validated like any scenario value.

    Raises:
        ScenarioError: The calibrated file is invalid.
    """
    key = f"{CALIBRATED}:{CALIBRATED.stat().st_mtime_ns if CALIBRATED.is_file() else 0}"
    if key not in _BASE_CACHE:
        values = defaults()
        if CALIBRATED.is_file():
            data = read_toml(CALIBRATED)
            table = data.get("calibrated", {})
            if not isinstance(table, dict):
                raise ScenarioError(f"{CALIBRATED}: [calibrated] must be a table")
            for name, value in table.items():
                param = _lookup(name, str(CALIBRATED))
                values[param.name] = _coerce(param, value, CALIBRATED, name)
        _BASE_CACHE.clear()
        _BASE_CACHE[key] = values
    return dict(_BASE_CACHE[key])


def resolve(name: str | Path, kind: str) -> Path:
    """Find a scenario file from a path or a bare name under ``scenarios/<kind>/``.

    Args:
        name: A path to a TOML file, or a bare name like ``leiden_2015``.
        kind: ``regions`` or ``governance``.

    Raises:
        ScenarioError: No such file.
    """
    path = Path(name)
    if path.is_file():
        return path
    for candidate in (SCENARIO_ROOT / kind / f"{name}.toml", SCENARIO_ROOT / kind / str(name)):
        if candidate.is_file():
            return candidate
    known = sorted(p.stem for p in (SCENARIO_ROOT / kind).glob("*.toml"))
    raise ScenarioError(f"{name}: no such {kind} file; known names: {', '.join(known) or 'none'}")


def list_scenarios(kind: str) -> list[str]:
    """Bare names of the scenario files of a kind (``regions`` or ``governance``)."""
    return sorted(p.stem for p in (SCENARIO_ROOT / kind).glob("*.toml"))


def load_scenario(path: str | Path, design: str | Path | None = None,
                  overrides: dict[str, Any] | None = None) -> Scenario:
    """Load and validate a region scenario, optionally with a design and overrides.

    Args:
        path: Region TOML file, or a bare name found under ``scenarios/regions/``.
        design: Governance TOML file or bare name under ``scenarios/governance/``.
        overrides: Extra ``{key: value}`` settings, validated like file values.

    Returns:
        The validated :class:`Scenario`.

    Raises:
        ScenarioError: The file is missing, unreadable or holds an invalid key or value.
    """
    path = resolve(path, "regions")
    data = read_toml(path)
    values = base_values()
    municipalities: list[MunicipalitySpec] = []
    switches: list[Switch] = []
    for section, table in data.items():
        if section == "municipalities":
            municipalities = _parse_municipalities(table, path)
        elif section == "switch":
            switches = _parse_switches(table, path)
        else:
            _apply_section(values, section, table, path)
    if not municipalities:
        raise ScenarioError(f"{path}: [[municipalities]] must list at least one municipality")
    scenario = Scenario(values, municipalities, switches, region=path.stem, sources=(str(path),))
    _check_consistency(scenario, str(path))
    if design is not None:
        scenario = scenario.with_design(design)
    if overrides:
        scenario = scenario.with_overrides(overrides, "--set")
    return scenario


def parse_overrides(items: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """Parse ``key=value`` strings (values as TOML literals, else text).

    Raises:
        ScenarioError: An item has no ``=`` or names an unknown key.
    """
    out: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            raise ScenarioError(f"--set: '{item}' is not of the form key=value")
        key, raw = (s.strip() for s in item.split("=", 1))
        _lookup(key, "--set")
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        out[key] = value
    return out


# --- internals ---------------------------------------------------------------------------------


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file.

    Raises:
        ScenarioError: The file cannot be read or is not valid TOML (the message names it).
    """
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML ({exc})") from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read ({exc.strerror})") from None


def _lookup(key: str, origin: str) -> Param:
    section, _, name = key.rpartition(".")
    param = by_name(name)
    if param is None or (section and section != param.section):
        raise ScenarioError(f"{origin}: unknown key '{key}'; see `wmo-abm params` for all keys")
    return param


def check_size(scenario: Scenario, origin: str = "scenario") -> None:
    """Refuse a region too large to build (:data:`MAX_SIMULATED_INHABITANTS`).

    Raises:
        ScenarioError: Inhabitants x population_scale exceed the bound (says how to shrink it).
    """
    scale = scenario.values["population_scale"]
    simulated = sum(m.population for m in scenario.municipalities) * scale
    if simulated > MAX_SIMULATED_INHABITANTS:
        raise ScenarioError(
            f"{origin}: {simulated:,.0f} simulated inhabitants (population x population_scale "
            f"{scale:g}) exceed the bound of {MAX_SIMULATED_INHABITANTS:,}; lower "
            f"population_scale to at most {MAX_SIMULATED_INHABITANTS / simulated * scale:.3g}")


def _fits_a_float(value: int | float) -> bool:
    """Whether a number converts to a float (integers beyond about 1e308 do not)."""
    try:
        float(value)
    except OverflowError:
        return False
    return True


def _coerce(param: Param, value: Any, origin: Any, key: str) -> Any:
    where = f"{origin}: key '{param.section}.{param.name}'"
    kind = param.kind
    if kind is bool:
        if not isinstance(value, bool):
            raise ScenarioError(f"{where} must be true or false, got {value!r}")
        return value
    if kind is str:
        if not isinstance(value, str):
            raise ScenarioError(f"{where} must be {param.allowed()}, got {value!r}")
        if param.choices and value not in param.choices:
            raise ScenarioError(f"{where} must be {param.allowed()}, got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError(f"{where} must be {param.allowed()}, got {value!r}")
    if not _fits_a_float(value):
        raise ScenarioError(f"{where} must be {param.allowed()}, got a number of "
                            f"{len(str(abs(value)))} digits")
    if kind is int and not float(value).is_integer():
        raise ScenarioError(f"{where} must be {param.allowed()}, got {value!r}")
    value = kind(value)
    if value != value or not (param.low <= value <= param.high):
        raise ScenarioError(f"{where} must be {param.allowed()}, got {value!r}")
    return value


def _apply_section(values: dict[str, Any], section: str, table: Any, path: Path) -> None:
    if section not in SECTIONS:
        raise ScenarioError(
            f"{path}: unknown section [{section}]; allowed: "
            f"{', '.join((*SECTIONS, 'municipalities', 'switch'))}"
        )
    if not isinstance(table, dict):
        raise ScenarioError(f"{path}: [{section}] must be a table")
    for key, value in table.items():
        param = by_name(key)
        if param is None or param.section != section:
            hint = f" (it belongs in [{param.section}])" if param else ""
            raise ScenarioError(f"{path}: unknown key '{section}.{key}'{hint}")
        values[key] = _coerce(param, value, path, key)


def _check_meta(table: Any, path: Path) -> None:
    if not isinstance(table, dict):
        raise ScenarioError(f"{path}: [governance] must be a table")
    for key, value in table.items():
        if key not in ("name", "description"):
            raise ScenarioError(
                f"{path}: unknown key 'governance.{key}'; allowed: name, description")
        if not isinstance(value, str):
            raise ScenarioError(f"{path}: key 'governance.{key}' must be text, got {value!r}")


def _parse_municipalities(table: Any, path: Path) -> list[MunicipalitySpec]:
    if not isinstance(table, list):
        raise ScenarioError(f"{path}: municipalities must be an array of tables [[municipalities]]")
    out = []
    for i, entry in enumerate(table):
        if not isinstance(entry, dict):
            raise ScenarioError(f"{path}: municipalities[{i}] must be a table")
        kwargs = {}
        for key, value in entry.items():
            if key not in MUNICIPALITY_FIELDS:
                raise ScenarioError(f"{path}: unknown key 'municipalities[{i}].{key}'; allowed: "
                                    f"{', '.join(MUNICIPALITY_FIELDS)}")
            kind, low, high = MUNICIPALITY_FIELDS[key]
            where = f"{path}: key 'municipalities[{i}].{key}'"
            ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                if not _fits_a_float(value):
                    raise ScenarioError(f"{where} must be from {low:g} to {high:g}, got a "
                                        f"number of {len(str(abs(value)))} digits")
                value, ok = float(value), True
            if not ok:
                raise ScenarioError(f"{where} must be of type {kind.__name__}, got {value!r}")
            if low is not None and not (low <= value <= high):
                raise ScenarioError(f"{where} must be from {low:g} to {high:g}, got {value!r}")
            kwargs[key] = value
        if "name" not in kwargs or "population" not in kwargs:
            raise ScenarioError(f"{path}: municipalities[{i}] needs 'name' and 'population'")
        out.append(MunicipalitySpec(**kwargs))
    names = [m.name for m in out]
    if len(set(names)) != len(names):
        raise ScenarioError(f"{path}: municipality names must be unique")
    return out


def _parse_switches(table: Any, path: Path) -> list[Switch]:
    if not isinstance(table, list):
        raise ScenarioError(f"{path}: switch must be an array of tables [[switch]]")
    out = []
    for i, entry in enumerate(table):
        if not isinstance(entry, dict) or ("year" in entry) == ("after_years" in entry):
            raise ScenarioError(f"{path}: switch[{i}] needs either a 'year' or 'after_years'")
        relative = "after_years" in entry
        key_name, low, high = ("after_years", 1, 50) if relative else ("year", 2000, 2100)
        year = entry[key_name]
        if not isinstance(year, int) or isinstance(year, bool) or not (low <= year <= high):
            raise ScenarioError(f"{path}: key 'switch[{i}].{key_name}' must be an integer from "
                                f"{low} to {high}, got {year!r}")
        vals = {}
        for key, value in entry.items():
            if key in ("year", "after_years"):
                continue
            param = by_name(key)
            if param is None or param.section not in ("design", "access"):
                raise ScenarioError(f"{path}: key 'switch[{i}].{key}' is not a design or "
                                    f"access parameter")
            vals[key] = _coerce(param, value, path, f"switch[{i}].{key}")
        out.append(Switch(year, vals, relative))
    return sorted(out, key=lambda s: (s.relative, s.year))


ORDERED_PAIRS = (("initial_knowledge_low", "initial_knowledge_high"),)
"""Pairs of parameters where the first must not exceed the second."""


def _check_consistency(scenario: Scenario, origin: str) -> None:
    v = scenario.values
    if v["share_large"] + v["share_medium"] > 1.0:
        raise ScenarioError(f"{origin}: key 'market.share_large' + 'market.share_medium' must "
                            f"not exceed 1, got {v['share_large'] + v['share_medium']:g}")
    for low, high in ORDERED_PAIRS:
        if v[low] > v[high]:
            raise ScenarioError(f"{origin}: key '{by_name(low).section}.{low}' must not exceed "
                                f"'{by_name(high).section}.{high}', got {v[low]:g} > {v[high]:g}")


# --- effective defaults ------------------------------------------------------------------------


@dataclass(frozen=True)
class EffectiveDefault:
    """A parameter's default as every run starts from it, and where that value comes from.

    Attributes:
        value: The effective default: the calibrated value where there is one, else the
            table's default (what :func:`base_values` gives).
        table: The default of the parameter table.
        origin: ``"calibration"`` (set in ``calibration/calibrated.toml``) or ``"table"``.
    """

    value: Any
    table: Any
    origin: str


def effective_defaults() -> dict[str, EffectiveDefault]:
    """Every parameter's effective default next to its table default, by name.

    Raises:
        ScenarioError: The calibrated file is invalid.
    """
    values = base_values()
    calibrated: set[str] = set()
    if CALIBRATED.is_file():
        table = read_toml(CALIBRATED).get("calibrated", {})
        calibrated = {_lookup(key, str(CALIBRATED)).name for key in table}
    return {p.name: EffectiveDefault(values[p.name], p.default,
                                     "calibration" if p.name in calibrated else "table")
            for p in PARAMS}
