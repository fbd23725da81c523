"""The state of one visitor of the browser app: settings, the running model and its snapshots.

Every browser tab gets its own :class:`Session` (made inside the app's layout component, never at
module level), so two visitors never share a model. A session holds:

* the *draft*: what the set-up panel shows, as typed (checked only when applied);
* the *run*: the model built from the last applied settings, with a lock, so the Step button
  and the Play thread never step it at the same time;
* the *view*: an immutable snapshot of the run (KPI table, network, market, events) taken
  after each step; the pictures are drawn from the view, never from the live model.

Nothing here draws or knows about widgets; reactive values tell the components when to redraw.
"""

from __future__ import annotations

import functools
import io
import json
import shutil
import tempfile
import threading
import time
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import solara

from agents_model.events import Event
from agents_model.metrics import export_frame
from agents_model.model import WmoModel
from agents_model.params import by_name
from agents_model.runner import fingerprint
from agents_model.scenario import Scenario, ScenarioError, list_scenarios, load_scenario, resolve
from agents_model.viz import limits
from agents_model.viz.i18n import LEVERS
from agents_model.viz.layout import extend_layout, graph_layout
from agents_model.viz.region import RegionDraft, write_region

__all__ = [
    "OWN",
    "Draft",
    "MarketRow",
    "Message",
    "NetworkData",
    "Run",
    "RunSettings",
    "Session",
    "View",
    "default_draft",
    "preset_info",
    "preset_levers",
    "validate",
]

OWN = "own"
"""Design choice meaning the region's own contract design (no governance file)."""


@dataclass(frozen=True)
class Message:
    """A message for the visitor, kept as a key and values so it follows the language.

    Attributes:
        key: Key of the text in :mod:`agents_model.viz.i18n`.
        values: Values for the text (a parameter name under ``param``).
        level: ``error``, ``warning`` or ``info``.
    """

    key: str
    values: tuple[tuple[str, Any], ...] = ()
    level: str = "error"


REFUSALS = frozenset({"out_of_bounds", "invalid_setting"})
"""Message keys that refuse a Reset (cleared when the visitor edits the settings)."""


@dataclass(frozen=True)
class Draft:
    """The set-up panel as the visitor left it (text fields as typed).

    Attributes:
        region: Region preset (a name under ``scenarios/regions``).
        design: Governance preset, or :data:`OWN`.
        levers: (parameter name, value) for every lever of :data:`i18n.LEVERS`.
        population_scale: Population scale as typed.
        seed: Seed as typed.
    """

    region: str
    design: str
    levers: tuple[tuple[str, Any], ...]
    population_scale: str = str(limits.DEFAULT_POPULATION_SCALE)
    seed: str = str(limits.DEFAULT_SEED)

    def lever(self, name: str) -> Any:
        """The value of one lever."""
        return dict(self.levers)[name]

    def with_lever(self, name: str, value: Any) -> Draft:
        """A copy with one lever changed."""
        return replace(self, levers=tuple((k, value if k == name else v) for k, v in self.levers))


@dataclass(frozen=True)
class RunSettings:
    """Checked settings of a run.

    Attributes:
        region: Region preset.
        design: Governance preset, or :data:`OWN`.
        levers: (parameter name, value) of the levers.
        population_scale: Population scale within the app's limits.
        seed: Seed within the app's limits.
    """

    region: str
    design: str
    levers: tuple[tuple[str, Any], ...]
    population_scale: float
    seed: int

    def overrides(self) -> dict[str, Any]:
        """Parameter overrides of the run: the levers and the population scale."""
        return {**dict(self.levers), "population_scale": self.population_scale}

    def scenario(self) -> Scenario:
        """The validated scenario (raises ScenarioError if the combination is invalid)."""
        return load_scenario(self.region, design=None if self.design == OWN else self.design,
                             overrides=self.overrides())


def preset_info(kind: str, name: str) -> tuple[str, str]:
    """(title, description) of a region or governance file, in English, from the file itself."""
    if name == OWN:
        return ("", "")
    try:
        path = resolve(name, kind)
        return _read_preset(str(path), kind, path.stat().st_mtime)
    except (OSError, ScenarioError, tomllib.TOMLDecodeError):
        return (name, "")


@functools.lru_cache(maxsize=64)
def _read_preset(path: str, kind: str, _mtime: float) -> tuple[str, str]:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    head = data.get("scenario" if kind == "regions" else "governance", {})
    name = Path(path).stem
    return (str(head.get("name", name)), " ".join(str(head.get("description", "")).split()))


def preset_levers(region: str, design: str) -> tuple[tuple[str, Any], ...]:
    """The lever values a region with a design starts from."""
    scenario = load_scenario(region, design=None if design == OWN else design)
    return tuple((name, scenario.values[name]) for name in LEVERS)


def regions() -> list[str]:
    """Region presets (bare names)."""
    return list_scenarios("regions")


def designs() -> list[str]:
    """Design choices: the region's own design, then the governance presets."""
    return [OWN, *list_scenarios("governance")]


def default_draft() -> Draft:
    """The set-up a new visitor sees: the Leiden region under its own design, if present."""
    names = regions()
    region = "leiden_2015" if "leiden_2015" in names else names[0]
    return Draft(region, OWN, preset_levers(region, OWN))


def validate(draft: Draft, built: Iterable[str] = ()) -> RunSettings:
    """Check a draft against the app's limits and the parameter table.

    Args:
        draft: The set-up panel's content.
        built: Files of regions this tab built on the region page (the only regions besides
            the presets a visitor may run).

    Raises:
        limits.OutOfBounds: The population scale or seed is outside the app's limits.
        ScenarioError: A lever value or the combination is invalid.
    """
    scale = limits.check_population_scale(draft.population_scale)
    seed = limits.check_seed(draft.seed)
    if draft.region not in regions() and draft.region not in set(built):
        raise ScenarioError(f"unknown region '{draft.region}'")
    if draft.design not in designs():
        raise ScenarioError(f"unknown design '{draft.design}'")
    levers = []
    for name, value in draft.levers:
        param = by_name(name)
        if name not in LEVERS or param is None:
            raise ScenarioError(f"'{name}' is not a lever of the app")
        if param.kind is int and isinstance(value, float) and value.is_integer():
            value = int(value)
        levers.append((name, value))
    settings = RunSettings(draft.region, draft.design, tuple(levers), scale, seed)
    settings.scenario()
    return settings


# --- snapshots ----------------------------------------------------------------------------------


class MarketRow(NamedTuple):
    """One provider in the market view.

    Attributes:
        id: Provider id.
        kind: Provider kind.
        number: Number within its kind (its short name, ``Provider S-17``).
        clients: Clients in care.
        contracted: Whether it holds a contract.
    """

    id: int
    kind: str
    number: int
    clients: int
    contracted: bool


@dataclass(frozen=True)
class NodeInfo:
    """One node of the network picture.

    Attributes:
        id: Node id.
        kind: ``municipality`` or the provider kind.
        label: Display name.
        clients: Clients of a provider (0 for a municipality).
        lead: The provider is a consortium's lead contractor.
    """

    id: int
    kind: str
    label: str
    clients: int = 0
    lead: bool = False


@dataclass(frozen=True)
class NetworkData:
    """The network at one moment, as plain data.

    Attributes:
        nodes: Municipalities and providers.
        trust: (municipality, provider, trust of the municipality in the provider, trust of the
            provider in the municipality); a missing direction is NaN.
        cohesion: (municipality, municipality, cohesion) per pair, the mean of both directions.
        collaboration: (provider, provider, value) per collaborating pair.
        knowledge: (municipality, provider, share of its access workers who have placed
            clients with the provider): the access team's knowledge of the field (M10, M13).
        positions: Node id -> (x, y) from the stable layout.
        baseline: Level trust drifts to without events.
    """

    nodes: tuple[NodeInfo, ...]
    trust: tuple[tuple[int, int, float, float], ...]
    cohesion: tuple[tuple[int, int, float], ...]
    collaboration: tuple[tuple[int, int, float], ...]
    positions: dict[int, tuple[float, float]]
    knowledge: tuple[tuple[int, int, float], ...] = ()
    baseline: float = 0.5


@dataclass(frozen=True)
class View:
    """A snapshot of a run, taken under the run's lock; components draw from it.

    Attributes:
        run_id: Number of the run within the session (changes on Reset).
        month: Months simulated.
        start_year: Calendar year of month 0.
        years: The scenario's run length in years.
        kpis: Monthly KPI table (month 0 first).
        network: The trust network.
        market: One :class:`MarketRow` per provider, most clients first.
        events: The event log, oldest first.
        municipalities: Number of municipalities.
        step_ms: Mean time of the last model steps, in milliseconds.
    """

    run_id: int
    month: int
    start_year: int
    years: int
    kpis: pd.DataFrame
    network: NetworkData
    market: tuple[MarketRow, ...]
    events: tuple[Event, ...]
    municipalities: int
    step_ms: float = 0.0


def network_data(model: WmoModel, positions: dict[int, tuple[float, float]]) -> NetworkData:
    """The model's network as plain data (read under the run's lock)."""
    graph = model.network
    munis = {m.unique_id: m for m in model.municipalities}
    leads = {q.unique_id for buyer in model.contract_sets.values() for q in buyer.leads
             if q is not None}
    nodes = [NodeInfo(m.unique_id, "municipality", m.name) for m in model.municipalities]
    nodes += [NodeInfo(q.unique_id, q.kind, q.label, q.n_clients(), q.unique_id in leads)
              for q in model.providers]
    mp: dict[tuple[int, int], float] = {}
    pm: dict[tuple[int, int], float] = {}
    cohesion: dict[tuple[int, int], list[float]] = {}
    collaboration: dict[tuple[int, int], float] = {}
    for u, v, data in graph.edges(data=True):
        kind = data.get("kind")
        if kind == "trust":
            if u in munis:
                mp[(u, v)] = data["trust"]
            else:
                pm[(v, u)] = data["trust"]
        elif kind == "cohesion":
            cohesion.setdefault((min(u, v), max(u, v)), []).append(data["cohesion"])
        elif kind == "collaboration":
            collaboration[(min(u, v), max(u, v))] = data["collaboration"]
    nan = float("nan")
    trust = tuple((m, q, mp.get((m, q), nan), pm.get((m, q), nan))
                  for m, q in sorted(set(mp) | set(pm)))
    return NetworkData(
        nodes=tuple(nodes), trust=trust,
        cohesion=tuple((a, b, sum(v) / len(v)) for (a, b), v in sorted(cohesion.items())),
        collaboration=tuple((a, b, v) for (a, b), v in sorted(collaboration.items())),
        positions=positions, baseline=float(model.p.trust_baseline),
        knowledge=knowledge_ties(model))


def knowledge_ties(model: WmoModel) -> tuple[tuple[int, int, float], ...]:
    """Per municipality and provider, the share of its access workers who know the provider."""
    ties = []
    for m in model.municipalities:
        if not m.workers:
            continue
        known: dict[int, int] = {}
        for worker in m.workers:
            for provider_id in worker.relations:
                known[provider_id] = known.get(provider_id, 0) + 1
        ties += [(m.unique_id, q, n / len(m.workers)) for q, n in sorted(known.items())]
    return tuple(ties)


class Run:
    """One model built from checked settings, with its lock and stable network layout.

    Args:
        settings: Checked settings.
        run_id: Number of the run within its session.

    Attributes:
        settings: The settings it was built from.
        scenario: The validated scenario.
        model: The model.
        lock: Held while the model steps or is read for a snapshot.
        positions: Node positions (computed once, extended for entrants).
        step_ms: Mean time of the last step call, in milliseconds.
    """

    def __init__(self, settings: RunSettings, run_id: int = 0) -> None:
        self.settings = settings
        self.run_id = run_id
        self.scenario = settings.scenario()
        self.model = WmoModel(self.scenario, rng=settings.seed)
        self.lock = threading.RLock()
        self.positions = graph_layout(self.model.network,
                                      {q.unique_id: q.kind for q in self.model.providers})
        self.step_ms = 0.0

    @property
    def horizon(self) -> int:
        """Months of the scenario's run length (capped by the app's limit)."""
        return min(limits.MAX_MONTHS, 12 * int(self.model.p.years))

    def step(self, months: int = 1) -> int:
        """Step up to ``months`` months, stopping at the horizon and at MAX_MONTHS.

        Returns:
            Months actually simulated.
        """
        with self.lock:
            month = self.model.month
            stop = self.horizon if month < self.horizon else limits.MAX_MONTHS
            n = max(0, min(months, stop - month))
            start = time.perf_counter()
            for _ in range(n):
                self.model.step()
            if n:
                self.step_ms = (time.perf_counter() - start) * 1000.0 / n
            return n

    def snapshot(self) -> View:
        """An immutable view of the run now."""
        with self.lock:
            model = self.model
            self.positions = extend_layout(self.positions, model.network.nodes)
            contracted = model.market.contracted_ids()
            market = sorted((MarketRow(q.unique_id, q.kind, q.number, q.n_clients(),
                                       q.unique_id in contracted)
                             for q in model.providers), key=lambda r: (-r.clients, r.id))
            return View(
                run_id=self.run_id, month=model.month, start_year=int(model.p.start_year),
                years=int(model.p.years), kpis=model.kpi_frame(),
                network=network_data(model, dict(self.positions)), market=tuple(market),
                events=tuple(model.event_log), municipalities=len(model.municipalities),
                step_ms=self.step_ms)

    def fingerprint(self, months: int) -> dict[str, Any]:
        """The fingerprint of this run after ``months`` months."""
        return fingerprint(self.scenario, self.settings.seed, months)


# --- exports ------------------------------------------------------------------------------------


def kpi_csv(view: View) -> str:
    """The view's monthly KPIs as CSV text (as the CLI's ``--out`` writes them)."""
    return export_frame(view.kpis).to_csv(index=False)


def kpi_parquet(view: View) -> bytes:
    """The view's monthly KPIs as Parquet bytes."""
    buffer = io.BytesIO()
    export_frame(view.kpis).to_parquet(buffer, index=False)
    return buffer.getvalue()


def fingerprint_json(run: Run, months: int) -> str:
    """The run's fingerprint after ``months`` months as JSON text."""
    return json.dumps(run.fingerprint(months), indent=2, sort_keys=True) + "\n"


# --- the session --------------------------------------------------------------------------------


@dataclass
class Session:
    """Everything one browser tab owns. Build it inside a component (``solara.use_memo``).

    Attributes:
        lang: Language of the interface (``en`` or ``nl``).
        draft: The set-up panel's content.
        message: The latest refusal or notice (None when there is nothing to say).
        playing: Whether Play is on.
        speed: Months per Play tick (one of ``limits.PLAY_SPEEDS``).
        tick: Counter raised whenever :attr:`view` changes (components redraw on it).
        applied: Counter raised whenever a new run is built.
        tab: Index of the view shown on the simulation page.
        built: (file, name) of the regions built on the region page, for this tab only.
        run: The current run.
        view: The latest snapshot of the run.
    """

    lang: solara.Reactive[str] = field(default_factory=lambda: solara.reactive("en"))
    draft: solara.Reactive[Draft] = field(default_factory=lambda: solara.reactive(default_draft()))
    message: solara.Reactive[Message | None] = field(
        default_factory=lambda: solara.reactive(None))
    playing: solara.Reactive[bool] = field(default_factory=lambda: solara.reactive(False))
    speed: solara.Reactive[int] = field(
        default_factory=lambda: solara.reactive(limits.PLAY_SPEEDS[0]))
    tick: solara.Reactive[int] = field(default_factory=lambda: solara.reactive(0))
    applied: solara.Reactive[int] = field(default_factory=lambda: solara.reactive(0))
    tab: solara.Reactive[int] = field(default_factory=lambda: solara.reactive(0))
    built: solara.Reactive[tuple[tuple[str, str], ...]] = field(
        default_factory=lambda: solara.reactive(()))
    run: Run | None = None
    view: View | None = None

    def __post_init__(self) -> None:
        self._lock = threading.RLock()
        self._runs = 0
        self._folder: Path | None = None
        if self.run is None:
            self.run = Run(validate(self.draft.value), run_id=0)
            self.view = self.run.snapshot()

    # --- building ---

    def apply(self, draft: Draft | None = None) -> bool:
        """Build a new run from ``draft`` (default: the current draft) if it is valid.

        An invalid draft is refused: the message says why, and the current run stays.

        Returns:
            Whether a new run was built.
        """
        draft = draft or self.draft.value
        try:
            settings = validate(draft, self.built_paths())
            with self._lock:
                self._runs += 1
                run = Run(settings, run_id=self._runs)
        except limits.OutOfBounds as exc:
            b = exc.bound
            self.message.value = Message("out_of_bounds", (
                ("param", b.name), ("low", b.low), ("high", b.high), ("value", str(exc.value)),
                ("integer", b.integer)))
            return False
        except ScenarioError as exc:
            self.message.value = Message("invalid_setting", (("message", str(exc)),))
            return False
        self.playing.value = False
        self._publish(run, run.snapshot())
        self.message.value = None
        self.applied.value = self.applied.value + 1
        return True

    def choose_preset(self, region: str | None = None, design: str | None = None) -> bool:
        """Pick a region or design preset: its levers replace the draft's.

        The run changes on Reset, like every other setting; the set-up panel and the Reset
        button mark the change as pending.

        Returns:
            Whether the preset could be read.
        """
        old = self.draft.value
        region = region or old.region
        design = design or old.design
        try:
            levers = preset_levers(region, design)
        except ScenarioError as exc:
            self.message.value = Message("invalid_setting", (("message", str(exc)),))
            return False
        self._edit(replace(old, region=region, design=design, levers=levers))
        return True

    def set_lever(self, name: str, value: Any) -> None:
        """Change one lever of the draft (the run changes on Reset)."""
        self._edit(self.draft.value.with_lever(name, value))

    def set_text(self, name: str, text: str) -> None:
        """Change the population scale or seed as typed (checked on Reset)."""
        self._edit(replace(self.draft.value, **{name: text}))

    def _edit(self, draft: Draft) -> None:
        """Take a changed draft; a refusal of the last Reset no longer applies.

        Each field shows its own check as it is typed.
        """
        self.draft.value = draft
        message = self.message.value
        if message is not None and message.key in REFUSALS:
            self.message.value = None

    def pending(self) -> bool:
        """Whether the draft differs from the settings of the running model."""
        draft = self.draft.value
        current = self.run.settings
        if (draft.region, draft.design) != (current.region, current.design):
            return True
        if dict(draft.levers) != dict(current.levers):
            return True
        try:
            scale = limits.check_population_scale(draft.population_scale)
            seed = limits.check_seed(draft.seed)
        except limits.OutOfBounds:
            return True
        return (scale, seed) != (current.population_scale, current.seed)

    # --- stepping ---

    def step(self, months: int = 1) -> bool:
        """Simulate up to ``months`` months of the current run and publish a new view.

        Returns:
            False when the run stopped at the scenario's run length or at the app's limit
            (a message says which), else True.
        """
        run = self.run
        if self.message.value is not None and self.message.value.level != "error":
            self.message.value = None
        month = run.model.month
        done = run.step(months)
        if done == 0:
            self.message.value = Message(
                "max_months", (("max_years", limits.MAX_MONTHS // 12),), "warning")
            return False
        self._publish(run, run.snapshot())
        if month < run.horizon <= month + done and run.horizon < limits.MAX_MONTHS:
            self.message.value = Message("end_of_horizon", (
                ("years", run.horizon // 12), ("max_years", limits.MAX_MONTHS // 12)), "info")
            return False
        if run.model.month >= limits.MAX_MONTHS:
            self.message.value = Message(
                "max_months", (("max_years", limits.MAX_MONTHS // 12),), "warning")
            return False
        return True

    def close(self) -> None:
        """Stop Play and remove the regions this tab built (the visitor left)."""
        self.playing.value = False
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    # --- regions built on the region page ---

    def built_paths(self) -> tuple[str, ...]:
        """Files of the regions this tab built, oldest first."""
        return tuple(path for path, _ in self.built.value)

    def add_region(self, region: RegionDraft) -> str:
        """Save a region built on the region page for this tab's Simulate and Compare pages.

        The file goes into a folder of the tab's own (removed when the tab closes); a region of
        the same name replaces the earlier one, and beyond :data:`limits.MAX_CUSTOM_REGIONS`
        the oldest is dropped.

        Returns:
            The file's path, usable as a region on the Simulate and Compare pages.

        Raises:
            ScenarioError: The region is invalid (one line naming the field) or larger than
                :data:`limits.MAX_REGION_INHABITANTS`.
        """
        people = sum(m.population for m in region.municipalities)
        if people > limits.MAX_REGION_INHABITANTS:
            raise ScenarioError(
                f"{region.name}: {people:,} inhabitants; the app runs regions of at most "
                f"{limits.MAX_REGION_INHABITANTS:,} (save the file and run it with wmo-abm run)")
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="wmo-abm-regions-"))
        path = str(write_region(region, self._folder))
        kept = [(p, title) for p, title in self.built.value if p != path]
        kept.append((path, region.name))
        self.built.value = tuple(kept[-limits.MAX_CUSTOM_REGIONS:])
        _read_preset.cache_clear()
        return path

    def _publish(self, run: Run, view: View) -> None:
        with self._lock:
            if run is not self.run and view.run_id < self.run.run_id:
                return
            self.run = run
            self.view = view
        self.tick.value = self.tick.value + 1
