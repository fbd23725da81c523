"""The region builder's data layer: a region as an immutable draft, written to and read from TOML.

A policy adviser builds a region in the browser app without writing TOML: the builder starts from
a shipped region (:func:`from_region`) or an uploaded file (:func:`from_toml`), the visitor edits
the municipalities and the settings of :data:`EDITABLE`, and :func:`write_region` saves a region
file that ``wmo-abm run`` accepts. Every check runs :func:`agents_model.scenario.load_scenario` on
the written text, so the app and the command line accept exactly the same files. Nothing here
knows about widgets.
"""

from __future__ import annotations

import itertools
import json
import re
import tempfile
import tomllib
import unicodedata
from dataclasses import MISSING, dataclass, fields, replace
from pathlib import Path
from typing import Any

from agents_model.params import SECTIONS, by_name
from agents_model.scenario import (
    MUNICIPALITY_FIELDS,
    MunicipalitySpec,
    Scenario,
    ScenarioError,
    check_size,
    load_scenario,
    read_toml,
    resolve,
)

__all__ = ["EDITABLE", "GROUPS", "MAX_MUNICIPALITIES", "MAX_NAME_LENGTH", "MunicipalityRow",
           "RegionDraft", "check", "from_region", "from_toml", "slug", "to_toml", "write_region"]

MAX_MUNICIPALITIES = 12
"""Most municipalities a visitor may give one region (the largest shipped region has eight)."""

MAX_NAME_LENGTH = 60
"""Most characters in the name of a region or of a municipality (and in a file name's slug)."""

NEW_POPULATION = 10_000
"""Inhabitants of a municipality the visitor adds, until changed."""

NEW_NAME = "Municipality {number}"
"""Name of a municipality the visitor adds (``number``: its place in the list, or the next free)."""

DRAFT_SOURCE = "region builder"
"""How messages about a draft name their source (instead of a temporary file's path)."""

FALLBACK_SLUG = "region"
"""File name stem of a region whose name has no ASCII letters or digits."""

META = ("name", "description", "start_year", "years")
"""Keys of the ``[scenario]`` table that are fields of :class:`RegionDraft`."""


def _existing(names: tuple[str, ...]) -> tuple[str, ...]:
    """The names that are parameters of the table (so a renamed parameter drops out)."""
    return tuple(name for name in names if by_name(name) is not None)


GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("design", _existing(("funding", "procurement", "partners", "contract_years", "tariff_factor",
                          "budget_ceiling", "reporting", "dialogue_meetings",
                          "dialogue_content_share", "case_management", "sanctions",
                          "pgb_share"))),
    ("providers", _existing(("providers_household_help", "providers_support",
                             "providers_protected_living", "share_large", "share_medium",
                             "cooperatives"))),
    ("budgets", _existing(("budget_per_inhabitant", "fund_growth",
                           "protected_living_budget_share", "social_base_investment"))),
)
"""The builder's headings (``design``, ``providers``, ``budgets``) with their parameter names."""

EDITABLE: tuple[str, ...] = tuple(name for _, names in GROUPS for name in names)
"""Parameter names the builder offers, in the order of :data:`GROUPS`."""

_KIND_TEXT = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}


MunicipalityRow = MunicipalitySpec
"""One municipality as the builder edits it: the scenario's own (frozen) municipality record."""


_ROW_DEFAULTS = {f.name: f.default for f in fields(MunicipalitySpec) if f.default is not MISSING}


@dataclass(frozen=True)
class RegionDraft:
    """A region as the builder holds it; every change returns a new draft.

    Attributes:
        name: Display name of the region (``scenario.name``).
        description: What the region represents (``scenario.description``).
        start_year: Calendar year of month 0.
        years: Default run length in years.
        municipalities: The municipalities, in order.
        settings: ``(name, value)`` for every parameter of :data:`EDITABLE`, in that order.
        base: Shipped region the draft started from (informational; "" for an upload).
        extra: TOML text of the rest of the base file, kept as it is: parameters outside
            :data:`EDITABLE` in their section tables and ``[[switch]]`` tables.
    """

    name: str
    description: str
    start_year: int
    years: int
    municipalities: tuple[MunicipalityRow, ...]
    settings: tuple[tuple[str, Any], ...]
    base: str = ""
    extra: str = ""

    def setting(self, name: str) -> Any:
        """The value of one setting of :data:`EDITABLE` (KeyError if it has none)."""
        return dict(self.settings)[name]

    def with_setting(self, name: str, value: Any) -> RegionDraft:
        """A draft with one setting changed (checked by :func:`check`, not here).

        Raises:
            ScenarioError: ``name`` is not in :data:`EDITABLE`.
        """
        if name not in EDITABLE:
            raise ScenarioError(f"{name}: not a setting of the region builder; allowed: "
                                f"{', '.join(EDITABLE)}")
        values = {**dict(self.settings), name: value}
        return replace(self, settings=tuple((n, values[n]) for n in EDITABLE if n in values))

    def with_municipality(self, index: int, **changes: Any) -> RegionDraft:
        """A draft with fields of the municipality at ``index`` (from 0) changed.

        Raises:
            IndexError: No municipality at ``index``.
            TypeError: A change names no field of :class:`MunicipalityRow`.
        """
        rows = list(self.municipalities)
        index = self._index(index)
        rows[index] = replace(rows[index], **changes)
        return replace(self, municipalities=tuple(rows))

    def add_municipality(self) -> RegionDraft:
        """A draft with a new municipality at the end (:data:`NEW_POPULATION` inhabitants).

        Raises:
            ScenarioError: The region already has :data:`MAX_MUNICIPALITIES` municipalities.
        """
        count = len(self.municipalities)
        if count >= MAX_MUNICIPALITIES:
            raise ScenarioError(f"municipalities: a region has at most {MAX_MUNICIPALITIES} "
                                f"municipalities")
        used = {m.name for m in self.municipalities}
        name = next(n for n in (NEW_NAME.format(number=k) for k in itertools.count(count + 1))
                    if n not in used)
        row = MunicipalityRow(name, NEW_POPULATION)
        return replace(self, municipalities=(*self.municipalities, row))

    def remove_municipality(self, index: int) -> RegionDraft:
        """A draft without the municipality at ``index`` (from 0).

        Raises:
            IndexError: No municipality at ``index``.
            ScenarioError: It is the only municipality.
        """
        self._index(index)
        if len(self.municipalities) <= 1:
            raise ScenarioError("municipalities: a region needs at least one municipality")
        rows = self.municipalities[:index] + self.municipalities[index + 1:]
        return replace(self, municipalities=rows)

    def _index(self, index: int) -> int:
        if not 0 <= index < len(self.municipalities):
            raise IndexError(f"no municipality {index}; the region has "
                             f"{len(self.municipalities)}")
        return index


# --- reading -------------------------------------------------------------------------------------


def from_region(name_or_path: str | Path) -> RegionDraft:
    """A draft of a shipped region (bare name like ``leiden_2015``) or of a region file.

    Settings the file leaves out take their effective defaults (calibrated over the table's).

    Raises:
        ScenarioError: No such region, or the file is invalid.
    """
    path = resolve(name_or_path, "regions")
    return _draft(load_scenario(path), read_toml(path), path.stem)


def from_toml(text: str | bytes, source: str = "uploaded file") -> RegionDraft:
    """A draft of an uploaded region file, validated exactly as ``wmo-abm run`` does.

    Args:
        text: The file's content (bytes are read as UTF-8).
        source: How messages name the file.

    Raises:
        ScenarioError: One line naming ``source`` and the problem.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScenarioError(f"{source}: not UTF-8 text (byte {exc.start})") from None
    scenario = _load_text(text, source)
    return _draft(scenario, tomllib.loads(text), "")


def _draft(scenario: Scenario, raw: dict[str, Any], base: str) -> RegionDraft:
    """The draft of a loaded scenario; ``raw`` (the file's tables) tells which keys it sets."""
    values = scenario.values
    tables = {section: {key: values[key] for key in raw[section] if key not in (*EDITABLE, *META)}
              for section in SECTIONS if section in raw}
    switches = [{("after_years" if s.relative else "year"): s.year, **s.values}
                for s in scenario.switches]
    lines = [line for section, table in tables.items() if table
             for line in _table(f"[{section}]", table)]
    lines += [line for entry in switches for line in _table("[[switch]]", entry)]
    return RegionDraft(
        name=values["name"], description=values["description"],
        start_year=values["start_year"], years=values["years"],
        municipalities=tuple(MunicipalityRow(**vars(m)) for m in scenario.municipalities),
        settings=tuple((name, values[name]) for name in EDITABLE),
        base=base, extra="\n".join(lines).strip() + "\n" if lines else "")


# --- writing -------------------------------------------------------------------------------------


def to_toml(draft: RegionDraft) -> str:
    """The region file of a draft, as ``wmo-abm run`` reads it (every setting written).

    Raises:
        ScenarioError: ``draft.extra`` is not TOML or holds a table a region file cannot have.
    """
    extra = _parse_extra(draft.extra)
    base = "".join(c if c.isprintable() else " " for c in draft.base)
    based = f", starting from {base}" if base else ""
    lines = [f"# Region made with the region builder of the wmo-abm browser app{based}.",
             "# Run it with: wmo-abm run <this file>"]
    own = {"scenario": {key: getattr(draft, key) for key in META}}
    for name, value in draft.settings:
        if name in EDITABLE:
            own.setdefault(by_name(name).section, {})[name] = value
    for section in SECTIONS:
        mine = own.get(section, {})
        table = mine | {k: v for k, v in extra.get(section, {}).items() if k not in mine}
        if table:
            lines += _table(f"[{section}]", table)
    for entry in extra.get("switch", []):
        lines += _table("[[switch]]", entry)
    for row in draft.municipalities:
        lines += _table("[[municipalities]]", _row_table(row))
    return "\n".join(lines) + "\n"


def write_region(draft: RegionDraft, folder: Path) -> Path:
    """Check a draft and write it to ``<folder>/<slug of its name>.toml`` (replacing a file).

    Returns:
        The written file, inside ``folder``.

    Raises:
        ScenarioError: The draft is invalid (see :func:`check`).
    """
    _validate(draft)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug(draft.name)}.toml"
    path.write_text(to_toml(draft), encoding="utf-8")
    return path


def slug(name: str) -> str:
    """A file name stem for a region name: lower-case ASCII letters, digits and underscores."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return text[:MAX_NAME_LENGTH].strip("_") or FALLBACK_SLUG


def _parse_extra(text: str) -> dict[str, Any]:
    try:
        extra = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{DRAFT_SOURCE}: kept settings are not valid TOML ({exc})") from None
    for key, value in extra.items():
        if key == "switch" and isinstance(value, list) and all(isinstance(e, dict) for e in value):
            continue
        if key not in SECTIONS or not isinstance(value, dict):
            raise ScenarioError(f"{DRAFT_SOURCE}: kept settings may hold only the tables "
                                f"{', '.join(SECTIONS)} and [[switch]], not '{key}'")
    return extra


def _row_table(row: MunicipalityRow) -> dict[str, Any]:
    """A municipality's fields for its table: name, population and what differs from default."""
    table = {"name": row.name, "population": row.population}
    table.update({key: getattr(row, key) for key, default in _ROW_DEFAULTS.items()
                  if getattr(row, key) != default})
    return table


def _table(header: str, table: dict[str, Any]) -> list[str]:
    return ["", header, *(f"{_key(key)} = {_value(value)}" for key, value in table.items())]


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _string(key)


def _string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; TOML also refuses a raw DEL)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any) -> str:
    """A value as TOML: bool, int, float (``repr``) or text (parameter values are no more)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, str):
        return _string(value)
    raise ScenarioError(f"{DRAFT_SOURCE}: cannot write {value!r} to a region file")


# --- checking ------------------------------------------------------------------------------------


def check(draft: RegionDraft) -> None:
    """Refuse an invalid draft: the builder's bounds, then the command line's own rules.

    Raises:
        ScenarioError: One line naming the field and its allowed values.
    """
    _validate(draft)


def _validate(draft: RegionDraft) -> Scenario:
    _check_builder(draft)
    scenario = _load_text(to_toml(draft), DRAFT_SOURCE)
    check_size(scenario, DRAFT_SOURCE)
    return scenario


def _check_builder(draft: RegionDraft) -> None:
    _check_name("region name", draft.name)
    count = len(draft.municipalities)
    if not 1 <= count <= MAX_MUNICIPALITIES:
        raise ScenarioError(f"municipalities: a region has from 1 to {MAX_MUNICIPALITIES} "
                            f"municipalities, got {count}")
    seen: dict[str, int] = {}
    for number, row in enumerate(draft.municipalities, start=1):
        _check_name(f"municipality {number}", row.name)
        where = f"municipality {number} ({row.name})"
        for key in MUNICIPALITY_FIELDS:
            _check_field(where, key, getattr(row, key))
        if row.name in seen:
            raise ScenarioError(f"{where}: name already used by municipality {seen[row.name]}")
        seen[row.name] = number
    names = [name for name, _ in draft.settings]
    for name in names:
        if name not in EDITABLE:
            raise ScenarioError(f"settings: '{name}' is not a setting of the region builder")
    for name in EDITABLE:
        if names.count(name) != 1:
            raise ScenarioError(f"settings: '{name}' must be set once, got {names.count(name)}")


def _check_name(where: str, name: Any) -> None:
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError(f"{where}: the name must not be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise ScenarioError(f"{where}: the name must have at most {MAX_NAME_LENGTH} characters, "
                            f"got {len(name)}")


def _check_field(where: str, key: str, value: Any) -> None:
    kind, low, high = MUNICIPALITY_FIELDS[key]
    accepted = (int, float) if kind is float else kind
    if not isinstance(value, accepted) or (kind is not bool and isinstance(value, bool)):
        raise ScenarioError(f"{where}: {key} must be {_KIND_TEXT[kind]}, got {value!r}")
    if low is not None and not low <= value <= high:
        raise ScenarioError(f"{where}: {key} must be between {_number(low)} and "
                            f"{_number(high)}, got {value!r}")


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _load_text(text: str, source: str) -> Scenario:
    """Load region text as ``wmo-abm run`` does; messages name ``source``, not a temporary file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "region.toml"
        try:
            path.write_bytes(text.encode("utf-8"))
        except UnicodeEncodeError as exc:
            raise ScenarioError(f"{source}: not UTF-8 text (character {exc.start})") from None
        try:
            return load_scenario(path)
        except ScenarioError as exc:
            raise ScenarioError(str(exc).replace(str(path), source)) from None
