"""Experiments: many runs of the model over regions, designs, parameters and seeds.

An experiment (a TOML file under ``scenarios/experiments/`` or built in code) expands into run
specs: every region x design x parameter point x seed. Seeds come from
``numpy.random.SeedSequence(root_seed).spawn(seeds)`` and are shared by every region, design and
point (common random numbers, so differences between designs are paired by seed).

The runner is written against ``concurrent.futures.Executor`` and knows nothing of the model's
internals: it sends a run spec (plain data) to a worker, which builds and runs the model and
returns plain tables. A local process pool is the default; a Dask cluster's executor
(``Client(address).get_executor()``) runs the same code. Results do not depend on the executor
or the number of workers.

Results on disk (``OUT``), readable with pandas or DuckDB without this package:

* ``OUT/experiment.json``: the experiment spec, its hash and the package version;
* ``OUT/kpis/<run_id>.parquet``: monthly KPIs of one run (with run_id, region, design, point,
  seed_index columns); ``pandas.read_parquet("OUT/kpis")`` reads them all;
* ``OUT/providers/<run_id>.parquet``: the yearly provider table of one run;
* ``OUT/manifest/<run_id>.parquet``: one row per run: ids, parameters (JSON), seed, status,
  error, duration, package version and spec hash.

Each file is written atomically (temporary file, then rename) as soon as its run finishes, the
manifest row last, so an interrupted or killed sweep keeps every finished run; running the same
experiment into the same folder again computes only what is missing (the folder is kept by
:mod:`agents_model.runner.storage`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
import tomllib
import traceback
from collections.abc import Callable
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agents_model.extras import require
from agents_model.runner.base import OWN_DESIGN, ExperimentError, short_label
from agents_model.runner.local import LocalPool, record_as_completed, run_isolated
from agents_model.runner.storage import (
    RUNNING,
    finished_runs,
    prepare_folder,
    read_results,
    store,
)
from agents_model.scenario import (
    MAX_SEED,
    SCENARIO_ROOT,
    Scenario,
    base_values,
    check_size,
    load_scenario,
    resolve,
)

__all__ = [
    "OWN_DESIGN",
    "RUNNING",
    "Experiment",
    "ExperimentError",
    "RunSpec",
    "Summary",
    "execute",
    "finished_runs",
    "load_experiment",
    "make_executor",
    "prepare_folder",
    "read_results",
    "run_experiment",
    "short_label",
    "store",
]


@dataclass(frozen=True)
class RunSpec:
    """One model run: plain data a worker needs to build and run the model.

    Attributes:
        run_id: Stable id from the run's content (region, design, parameters, seed index).
        region: Region name or file path.
        design: Governance name or file path, or ``own`` for the region's own design.
        point: Index of the parameter point.
        params: Parameter overrides of this run (fixed values and the point's values).
        seed_index: Index of the seed among the experiment's seeds.
        seed: The seed itself.
        years: Years to simulate.
    """

    run_id: str
    region: str
    design: str
    point: int
    params: dict[str, Any]
    seed_index: int
    seed: int
    years: int


@dataclass
class Experiment:
    """An experiment: regions x designs x parameter points x seeds.

    Attributes:
        name: Name of the experiment.
        regions: Region names or paths.
        designs: Governance names or paths (``own``: the region's own design).
        seeds: Number of seeds per combination.
        years: Years per run.
        root_seed: Root of the seed sequence.
        fixed: Parameter values for every run.
        grid: Full-factorial parameter values ({name: [values]}).
        sample: Latin-hypercube ranges ({name: [low, high]}); ``sample_size`` points.
        sample_size: Number of Latin-hypercube points.
        rows: Explicit parameter points ({name: value}), crossed with the grid (for designs
            of experiments made elsewhere, such as a sensitivity sample or variants).
        baseline: Design the report compares the others with.
        description: What the experiment asks.
        source: File it was read from ("" if built in code).
    """

    name: str
    regions: list[str]
    designs: list[str] = field(default_factory=lambda: [OWN_DESIGN])
    seeds: int = 10
    years: int = 10
    root_seed: int = 20150101
    fixed: dict[str, Any] = field(default_factory=dict)
    grid: dict[str, list[Any]] = field(default_factory=dict)
    sample: dict[str, list[float]] = field(default_factory=dict)
    sample_size: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    baseline: str = ""
    description: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        self.validate()

    # --- validation and expansion ---------------------------------------------------------------

    def validate(self) -> None:
        """Check names, counts and parameter values; raise ExperimentError on the first fault."""
        where = self.source or f"experiment '{self.name}'"
        if not self.regions:
            raise ExperimentError(f"{where}: 'regions' must list at least one region")
        if not self.designs:
            raise ExperimentError(f"{where}: 'designs' must list at least one design")
        for name, low, high, value in (("seeds", 1, 10_000, self.seeds),
                                       ("years", 1, 50, self.years),
                                       ("sample_size", 0, 100_000, self.sample_size),
                                       ("root_seed", 0, MAX_SEED, self.root_seed)):
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise ExperimentError(f"{where}: key '{name}' must be an integer from {low} to "
                                      f"{high}, got {value!r}")
        for kind, names in (("regions", self.regions), ("designs", self.designs)):
            labels = [short_label(n) for n in names]
            if len(set(labels)) != len(labels):
                raise ExperimentError(f"{where}: '{kind}' names each entry once; got "
                                      f"{', '.join(names)}")
        for region in self.regions:
            resolve(region, "regions")
        for design in self.designs:
            if design != OWN_DESIGN:
                resolve(design, "governance")
        self.check_scenarios()
        if self.baseline and self.baseline not in self.designs:
            raise ExperimentError(f"{where}: baseline '{self.baseline}' is not among the "
                                  f"designs ({', '.join(self.designs)})")
        if self.sample and self.sample_size < 1:
            raise ExperimentError(f"{where}: a [sample] needs 'size' of at least 1")
        overlap = set(self.grid) & set(self.sample)
        if overlap:
            raise ExperimentError(f"{where}: {', '.join(sorted(overlap))} in both [grid] and "
                                  f"[sample]")
        base = Scenario()
        base.with_overrides(self.fixed, f"{where} [fixed]")
        for name, values in self.grid.items():
            if not isinstance(values, list) or not values:
                raise ExperimentError(f"{where}: [grid] '{name}' must be a non-empty list")
            for value in values:
                base.with_overrides({name: value}, f"{where} [grid]")
        if not isinstance(self.rows, list) or not all(isinstance(r, dict) for r in self.rows):
            raise ExperimentError(f"{where}: 'rows' must be a list of tables")
        for row in self.rows:
            base.with_overrides(row, f"{where} [rows]")
        for name, bounds in self.sample.items():
            if not (isinstance(bounds, list) and len(bounds) == 2
                    and all(isinstance(b, (int, float)) and not isinstance(b, bool)
                            for b in bounds) and bounds[0] < bounds[1]):
                raise ExperimentError(f"{where}: [sample.ranges] '{name}' must be [low, high] "
                                      f"with low < high, got {bounds!r}")
            for bound in bounds:
                base.with_overrides({name: bound}, f"{where} [sample]")

    def check_scenarios(self) -> None:
        """Load every region under every design with the fixed values, before any run starts.

        A broken region or design file is refused here with its own message, rather than
        failing every run that uses it.

        Raises:
            ScenarioError: The first region or design file (or combination) that does not load.
        """
        for region in self.regions:
            for design in self.designs:
                scenario = load_scenario(region, design=None if design == OWN_DESIGN else design,
                                         overrides=self.fixed or None)
                check_size(scenario, region)

    def points(self) -> list[dict[str, Any]]:
        """Parameter points: the grid's product x explicit rows, each with every LHS point.

        The order is fixed: grid combinations, then rows, then Latin-hypercube points vary
        fastest (point index = (grid_index * len(rows) + row_index) * sample_size + lhs_index).
        """
        names = list(self.grid)
        grid = [dict(zip(names, combo, strict=True))
                for combo in itertools.product(*(self.grid[n] for n in names))] or [{}]
        if self.rows:
            grid = [{**g, **r} for g in grid for r in self.rows]
        if not self.sample:
            return grid
        from scipy.stats import qmc

        keys = list(self.sample)
        sampler = qmc.LatinHypercube(d=len(keys), rng=np.random.default_rng(self.root_seed))
        unit = sampler.random(self.sample_size)
        low = np.array([self.sample[k][0] for k in keys], dtype=float)
        high = np.array([self.sample[k][1] for k in keys], dtype=float)
        rows = qmc.scale(unit, low, high)
        sampled = []
        for row in rows:
            point = {}
            for key, value in zip(keys, row, strict=True):
                kind = type(Scenario().values[key])
                point[key] = int(round(value)) if kind is int else float(value)
            sampled.append(point)
        return [{**g, **s} for g in grid for s in sampled]

    def seed_values(self) -> list[int]:
        """Seeds from ``SeedSequence(root_seed).spawn(seeds)``, shared by every combination."""
        children = np.random.SeedSequence(self.root_seed).spawn(self.seeds)
        return [int(child.generate_state(1, dtype=np.uint32)[0]) for child in children]

    def runs(self) -> list[RunSpec]:
        """Every run of the experiment, in a fixed order.

        Designs vary fastest, so a partly finished sweep already holds paired runs.
        """
        seeds = self.seed_values()
        points = self.points()
        out = []
        for region in self.regions:
            for p, point in enumerate(points):
                params = {**self.fixed, **point}
                for i, seed in enumerate(seeds):
                    for design in self.designs:
                        key = json.dumps([short_label(region), short_label(design), params, i,
                                          seed, self.years], sort_keys=True, default=str)
                        run_id = hashlib.sha1(key.encode()).hexdigest()[:12]
                        out.append(RunSpec(run_id, _absolute(region), _absolute(design), p,
                                           params, i, seed, self.years))
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (stored in ``experiment.json``)."""
        data = asdict(self)
        data.pop("source")
        return data

    def spec_hash(self) -> str:
        """Hash of everything that determines the results (the calibrated defaults too)."""
        data = self.to_dict()
        data.pop("description")
        data.pop("baseline")
        data["base_values"] = base_values()
        text = json.dumps(data, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


_EXPERIMENT_KEYS = {"name", "description", "regions", "designs", "seeds", "years", "root_seed",
                    "baseline"}


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment TOML file (path or bare name under scenarios/experiments).

    Raises:
        ExperimentError: Missing file, bad TOML, unknown key, wrong type or value.
    """
    path = Path(path)
    if not path.is_file():
        candidate = SCENARIO_ROOT / "experiments" / f"{path}.toml"
        if not candidate.is_file():
            raise ExperimentError(f"{path}: no such experiment file")
        path = candidate
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ExperimentError(f"{path}: not valid TOML ({exc})") from None
    except UnicodeDecodeError as exc:
        raise ExperimentError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ExperimentError(f"{path}: cannot read ({exc.strerror})") from None
    unknown = set(data) - {"experiment", "fixed", "grid", "sample", "rows"}
    if unknown:
        raise ExperimentError(f"{path}: unknown section [{sorted(unknown)[0]}]; allowed: "
                              f"experiment, fixed, grid, sample, rows")
    rows = data.get("rows", [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ExperimentError(f"{path}: rows must be an array of tables [[rows]]")
    head = data.get("experiment")
    if not isinstance(head, dict):
        raise ExperimentError(f"{path}: an [experiment] table is required")
    for key in head:
        if key not in _EXPERIMENT_KEYS:
            raise ExperimentError(f"{path}: unknown key 'experiment.{key}'; allowed: "
                                  f"{', '.join(sorted(_EXPERIMENT_KEYS))}")
    for key in ("regions", "designs"):
        if key in head and not (isinstance(head[key], list)
                                and all(isinstance(x, str) for x in head[key])):
            raise ExperimentError(f"{path}: key 'experiment.{key}' must be a list of names")
    sample = data.get("sample", {})
    if not isinstance(sample, dict):
        raise ExperimentError(f"{path}: [sample] must be a table")
    extra = set(sample) - {"size", "ranges"}
    if extra:
        raise ExperimentError(f"{path}: unknown key 'sample.{sorted(extra)[0]}'; allowed: "
                              f"size, ranges")
    for section in ("fixed", "grid"):
        if not isinstance(data.get(section, {}), dict):
            raise ExperimentError(f"{path}: [{section}] must be a table")
    if "name" not in head or "regions" not in head:
        raise ExperimentError(f"{path}: [experiment] needs 'name' and 'regions'")
    kwargs = {k: v for k, v in head.items()}
    return Experiment(**kwargs, fixed=data.get("fixed", {}), grid=data.get("grid", {}),
                      sample=sample.get("ranges", {}), sample_size=sample.get("size", 0),
                      rows=rows, source=str(path))


# --- the worker ---------------------------------------------------------------------------------


def execute(spec: RunSpec) -> dict[str, Any]:
    """Build and run the model for one spec; return plain tables (runs in a worker).

    Returns:
        A dict with ``run_id``, ``status`` (ok or failed), ``error``, ``duration_s`` and, when
        ok, ``kpis`` and ``providers`` as pandas DataFrames with id columns added.
    """
    from agents_model.model import WmoModel

    start = time.perf_counter()
    try:
        design = None if spec.design == OWN_DESIGN else spec.design
        scenario = load_scenario(spec.region, design=design, overrides=spec.params or None)
        model = WmoModel(scenario, rng=spec.seed)
        model.run_for(12 * spec.years)
        kpis = _with_ids(model.kpi_frame(), spec)
        providers = _with_ids(model.provider_frame(), spec)
        return {"run_id": spec.run_id, "status": "ok", "error": "", "kpis": kpis,
                "providers": providers, "duration_s": time.perf_counter() - start}
    except Exception as exc:  # noqa: BLE001 - a failing run is recorded, the others go on
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        tail = traceback.format_exc().strip().splitlines()[-6:]
        return {"run_id": spec.run_id, "status": "failed", "error": text + "\n" + "\n".join(tail),
                "duration_s": time.perf_counter() - start}


def _with_ids(frame: pd.DataFrame, spec: RunSpec) -> pd.DataFrame:
    frame = frame.copy()
    frame.insert(0, "seed_index", spec.seed_index)
    frame.insert(0, "point", spec.point)
    frame.insert(0, "design", short_label(spec.design))
    frame.insert(0, "region", short_label(spec.region))
    frame.insert(0, "run_id", spec.run_id)
    return frame


def _absolute(name: str) -> str:
    """A scenario file path made absolute (workers may start elsewhere); bare names as is."""
    path = Path(name)
    return str(path.resolve()) if path.suffix == ".toml" and path.is_file() else name


# --- executors ----------------------------------------------------------------------------------


def make_executor(workers: int | None = None, scheduler: str | None = None
                  ) -> tuple[Executor | None, Callable[[], None]]:
    """An executor and a function that shuts it down.

    Args:
        workers: Local worker processes (None: number of cores; 0: run in this process).
        scheduler: Address of a Dask scheduler (``tcp://host:port``); overrides ``workers``.

    Raises:
        ExperimentError: Dask is not installed or the scheduler cannot be reached.
    """
    if scheduler:
        require("cluster", "--scheduler")
        from distributed import Client

        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise ExperimentError(f"cannot reach the Dask scheduler at {scheduler} "
                                  f"({type(exc).__name__}: {exc})") from None
        try:
            client.wait_for_workers(1, timeout=30)
        except (OSError, TimeoutError):
            client.close()
            raise ExperimentError(f"the Dask scheduler at {scheduler} has no workers (waited "
                                  f"30 s); start one with: dask worker {scheduler}") from None
        return client.get_executor(), client.close
    if workers == 0:
        return None, lambda: None
    pool = LocalPool(workers)
    return pool, lambda: pool.shutdown(wait=True, cancel_futures=True)


# --- the runner ---------------------------------------------------------------------------------


@dataclass
class Summary:
    """What a call of :func:`run_experiment` did.

    Attributes:
        total: Runs in the experiment.
        skipped: Runs already finished before this call.
        ok: Runs finished successfully in this call.
        failed: Runs that raised in this call (recorded in the manifest).
        failures: (run_id, first line of the error) of the failed runs.
    """

    total: int
    skipped: int
    ok: int = 0
    failed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)


def run_experiment(experiment: Experiment, out: str | Path, executor: Executor | None = None,
                   progress: bool = False, task: Callable[[RunSpec], dict] = execute,
                   on_result: Callable[[RunSpec, dict], None] | None = None,
                   force_new: bool = False) -> Summary:
    """Run every missing run of an experiment and store the results as they finish.

    Args:
        experiment: The experiment.
        out: Output folder (created; must be empty or hold the same experiment).
        executor: Where runs go (None: in this process, one after another).
        progress: Show a tqdm progress bar on stderr.
        task: The worker function (default :func:`execute`).
        on_result: Called in this process after each run is stored.
        force_new: Start again in a folder holding results that do not belong to this
            experiment (see :func:`prepare_folder`).

    Returns:
        A :class:`Summary`.

    Raises:
        ExperimentError: The folder holds another experiment, or a worker process died (the
            finished runs are kept; calling again resumes).
    """
    out = Path(out)
    prepare_folder(experiment, out, force_new)
    runs = experiment.runs()
    done = finished_runs(out)
    todo = [spec for spec in runs if spec.run_id not in done]
    summary = Summary(total=len(runs), skipped=len(runs) - len(todo))
    bar = _progress(len(todo), experiment.name) if progress else None

    def record(spec: RunSpec, result: dict) -> None:
        store(result, spec, experiment, out)
        if result["status"] == "ok":
            summary.ok += 1
        else:
            summary.failed += 1
            summary.failures.append((spec.run_id, result["error"].splitlines()[0]))
        if bar is not None:
            bar.update(1)
        if on_result is not None:
            on_result(spec, result)

    try:
        if executor is None:
            for spec in todo:
                try:
                    result = task(spec)
                except Exception as exc:  # noqa: BLE001 - recorded, the others go on
                    result = {"run_id": spec.run_id, "status": "failed",
                              "error": f"{type(exc).__name__}: {exc}", "duration_s": 0.0}
                record(spec, result)
        elif isinstance(executor, LocalPool):
            run_isolated(executor, todo, task, record, out / RUNNING)
        else:
            _run_on(executor, todo, task, record)
    except BrokenProcessPool:
        raise ExperimentError(
            f"the worker pool broke; {summary.ok + summary.skipped} of {summary.total} runs "
            f"are finished and kept in {out}; run the same command again to resume") from None
    finally:
        if bar is not None:
            bar.close()
    return summary


def _run_on(executor: Executor, todo: list[RunSpec], task: Callable[[RunSpec], dict],
            record: Callable[[RunSpec, dict], None]) -> None:
    """Run specs on any executor (a Dask cluster records a lost worker's run as failed)."""
    futures: dict = {}
    try:
        record_as_completed(executor, todo, task, record, futures, set())
    except BrokenProcessPool:
        for future in futures:
            future.cancel()
        raise


def _progress(total: int, name: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=name, unit="run", leave=False)
