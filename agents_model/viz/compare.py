"""Comparing two designs on one region over several seeds, for the browser app.

The comparison page runs an :class:`agents_model.runner.Experiment` with two designs (the
first is the baseline) in a background thread of the visitor's session, in a temporary folder
of its own that is removed afterwards. Designs share their seeds, so every difference is paired
by seed, as in ``wmo-abm compare``. At most :data:`limits.COMPARE_SLOTS` comparisons run at once
on a server; a further one waits, and free slots are shared fairly between visitors
(:mod:`agents_model.viz.slots`), so a class can share the machine.

Statistics come from :mod:`agents_model.analysis.report`; this module turns them into bands
over time, a table and sentences in English or Dutch.
"""

from __future__ import annotations

import math
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import solara
from scipy import stats

from agents_model.analysis.report import (
    REPORT_KPIS,
    bound_intervals,
    end_values,
    paired_differences,
    summarise,
    verdict,
)
from agents_model.metrics import KPI_UNITS
from agents_model.runner import Experiment, read_results, run_experiment
from agents_model.scenario import ScenarioError
from agents_model.viz import limits
from agents_model.viz.i18n import fmt, kpi_label, t, unit
from agents_model.viz.slots import FairSlots
from agents_model.viz.state import designs, regions

__all__ = [
    "BAND_KPIS",
    "CompareResult",
    "CompareRunner",
    "CompareSpec",
    "Status",
    "bands",
    "check_spec",
    "run_comparison",
    "sentences",
    "table_rows",
]

BAND_KPIS: tuple[str, ...] = ("transformation_index", "trust_municipality_to_provider",
                              "trust_provider_to_municipality", "spend", "waiting_list",
                              "active_providers")
"""KPIs drawn over time on the comparison page (spending as a 12-month average)."""

SMOOTHED: frozenset[str] = frozenset({"spend"})

SLOTS = FairSlots(limits.COMPARE_SLOTS)
"""Comparisons running at once on this server, shared fairly between visitors (a shared
resource, not visitor state)."""


class Cancelled(Exception):
    """The visitor cancelled the comparison (or left)."""


@dataclass(frozen=True)
class CompareSpec:
    """A checked comparison request.

    Attributes:
        region: Region preset.
        baseline: Design A (``own`` for the region's own design).
        other: Design B.
        seeds: Seeds per design.
        years: Years per run.
        population_scale: Population scale of every run.
    """

    region: str
    baseline: str
    other: str
    seeds: int
    years: int
    population_scale: float

    def experiment(self) -> Experiment:
        """The experiment to run (validated by :class:`Experiment`)."""
        return Experiment(
            name="app_comparison", regions=[self.region], designs=[self.baseline, self.other],
            seeds=self.seeds, years=self.years,
            fixed={"population_scale": self.population_scale}, baseline=self.baseline)

    @property
    def runs(self) -> int:
        """Number of model runs."""
        return 2 * self.seeds


class SameDesigns(ValueError):
    """Both designs of a comparison are the same."""


def check_spec(region: str, baseline: str, other: str, seeds: object, years: object,
               population_scale: object, built: Iterable[str] = ()) -> CompareSpec:
    """Check a comparison request against the app's limits.

    ``built`` are the files of regions the visitor's tab built on the region page (the only
    regions besides the presets it may compare on).

    Raises:
        limits.OutOfBounds: Seeds, years or population scale outside the limits.
        SameDesigns: The two designs are the same.
        ScenarioError: Unknown region or design.
    """
    n_seeds = limits.check_seeds(seeds)
    n_years = limits.check_years(years)
    scale = limits.check_compare_population_scale(population_scale)
    if region not in regions() and region not in set(built):
        raise ScenarioError(f"unknown region '{region}'")
    for design in (baseline, other):
        if design not in designs():
            raise ScenarioError(f"unknown design '{design}'")
    if baseline == other:
        raise SameDesigns(baseline)
    return CompareSpec(region, baseline, other, n_seeds, n_years, scale)


@dataclass(frozen=True)
class CompareResult:
    """What a finished comparison shows.

    Attributes:
        spec: The request.
        bands: Mean and 95% band per design, month and KPI.
        summary: End values per design with intervals (``report.summarise``).
        differences: Paired differences of design B against A (``report.paired_differences``).
        failed: Runs that failed (their first error lines).
    """

    spec: CompareSpec
    bands: pd.DataFrame
    summary: pd.DataFrame
    differences: pd.DataFrame
    failed: tuple[str, ...] = ()


def bands(kpis: pd.DataFrame, names: tuple[str, ...] = BAND_KPIS,
          level: float = 0.95) -> pd.DataFrame:
    """Mean and t-interval over seeds per design and month (cut to each KPI's range).

    Args:
        kpis: Monthly KPIs of every run (``read_results(out)["kpis"]``).
        names: KPIs to band; those in ``SMOOTHED`` are first averaged over 12 months per run.
        level: Coverage of the bands.

    Returns:
        Columns design, month, year, kpi, mean, low, high, n.
    """
    frame = kpis.sort_values(["run_id", "month"]).copy()
    for name in names:
        if name in SMOOTHED:
            values = frame[name].where(frame["month"] >= 1)
            frame[name] = values.groupby(frame["run_id"]).transform(
                lambda s: s.rolling(12, min_periods=1).mean())
    parts = []
    for name in names:
        grouped = frame.groupby(["design", "month"])[name]
        agg = grouped.agg(["mean", "std", "count"]).reset_index()
        agg["year"] = frame.groupby(["design", "month"])["year"].first().to_numpy()
        n = agg["count"].to_numpy(dtype=float)
        q = np.where(n > 1, stats.t.ppf(0.5 + level / 2.0, np.maximum(n - 1.0, 1.0)), 0.0)
        half = np.nan_to_num(q * agg["std"].to_numpy(dtype=float) / np.sqrt(np.maximum(n, 1)))
        agg["low"] = agg["mean"] - half
        agg["high"] = agg["mean"] + half
        agg["kpi"] = name
        parts.append(agg.rename(columns={"count": "n"})[
            ["design", "month", "year", "kpi", "mean", "low", "high", "n"]])
    return bound_intervals(pd.concat(parts, ignore_index=True))


def run_comparison(spec: CompareSpec, on_progress: Callable[[int, int], None] | None = None,
                   should_stop: Callable[[], bool] | None = None,
                   on_wait: Callable[[], None] | None = None,
                   visitor: str = "local") -> CompareResult:
    """Run a comparison in this thread (waiting for a fair share of the server's slots first).

    Args:
        spec: The checked request.
        on_progress: Called with (finished runs, all runs) after each run.
        should_stop: Asked before and after each run; True cancels.
        on_wait: Called when no slot is free and the comparison has to wait.
        visitor: Who asks (:func:`agents_model.viz.slots.visitor_of`); slots are shared
            fairly between visitors (:data:`SLOTS`).

    Returns:
        The result.

    Raises:
        Cancelled: ``should_stop`` said so.
    """
    stop = should_stop or (lambda: False)
    if not SLOTS.acquire(visitor, stop, on_wait):
        raise Cancelled()
    try:
        experiment = spec.experiment()
        total = len(experiment.runs())
        done = 0
        if on_progress is not None:
            on_progress(0, total)

        def after_run(_spec, _result) -> None:
            nonlocal done
            done += 1
            if on_progress is not None:
                on_progress(done, total)
            if stop():
                raise Cancelled()

        with tempfile.TemporaryDirectory(prefix="wmo-abm-compare-") as folder:
            if stop():
                raise Cancelled()
            run_experiment(experiment, folder, executor=None, on_result=after_run)
            tables = read_results(folder)
    finally:
        SLOTS.release(visitor)
    manifest = tables["manifest"]
    failed = tuple(str(e).splitlines()[0] for e in
                   manifest.loc[manifest["status"] != "ok", "error"]) if len(manifest) else ()
    kpis = tables["kpis"]
    if kpis.empty:
        raise RuntimeError(failed[0] if failed else "no run finished")
    end = end_values(kpis)
    names = [k for k in REPORT_KPIS if k in end.columns]
    return CompareResult(spec=spec, bands=bands(kpis), summary=summarise(end, names),
                         differences=paired_differences(end, spec.baseline, names),
                         failed=failed)


# --- words and tables ---------------------------------------------------------------------------


def _decimals(*values: float) -> int:
    finite = [abs(v) for v in values if isinstance(v, (int, float)) and math.isfinite(v)]
    size = max(finite, default=0.0)
    if size >= 1000:
        return 0
    if size >= 10:
        return 1
    if size >= 1:
        return 2
    return 3


def _cell(mean: float, low: float, high: float, lang: str, signed: bool = False) -> str:
    if not all(math.isfinite(v) for v in (mean, low, high)):
        return "-"
    d = _decimals(mean, low, high)
    sign = "+" if signed and mean > 0 else ""
    text = f"{sign}{fmt(mean, lang, d)}"
    if low != high:
        text += f" [{fmt(low, lang, d)}; {fmt(high, lang, d)}]"
    return text


_VERDICT_KEYS = {"better": "verdict_better", "worse": "verdict_worse",
                 "no clear difference": "verdict_none", "higher": "verdict_higher",
                 "lower": "verdict_lower", "no data": "verdict_nodata"}


def _verdicts(result: CompareResult) -> list[tuple[str, str, pd.Series | None]]:
    diff = result.differences
    out = []
    for name in [k for k in REPORT_KPIS if k in set(result.summary["kpi"])]:
        hit = diff[diff["kpi"] == name] if len(diff) else diff
        if hit is None or hit.empty:
            out.append((name, "no data", None))
            continue
        row = hit.iloc[0]
        word = verdict(name, row["mean"], row["low"], row["high"], row.get("baseline_mean", 1.0))
        out.append((name, word, row))
    return out


def table_rows(result: CompareResult, lang: str = "en") -> list[dict[str, str]]:
    """Rows of the end-of-run table: KPI, unit, A, B, B - A and the verdict, in ``lang``."""
    summary = result.summary
    rows = []
    a, b = result.spec.baseline, result.spec.other
    for name, word, row in _verdicts(result):
        cells = {}
        for key, design in (("a", a), ("b", b)):
            hit = summary[(summary["design"] == design) & (summary["kpi"] == name)]
            cells[key] = "-" if hit.empty else _cell(*hit[["mean", "low", "high"]].iloc[0], lang)
        diff = "-" if row is None else _cell(row["mean"], row["low"], row["high"], lang,
                                             signed=True)
        rows.append({"kpi": kpi_label(name, lang), "unit": unit(KPI_UNITS.get(name, "-"), lang),
                     "a": cells["a"], "b": cells["b"], "diff": diff,
                     "verdict": t(_VERDICT_KEYS[word], lang)})
    return rows


def sentences(result: CompareResult, labels: dict[str, str], lang: str = "en") -> list[str]:
    """The differences in words: where B is better, worse, or not clearly different from A."""
    a = labels.get(result.spec.baseline, result.spec.baseline)
    b = labels.get(result.spec.other, result.spec.other)
    groups: dict[str, list[str]] = {"better": [], "worse": [], "no clear difference": [],
                                    "neutral": []}
    for name, word, _row in _verdicts(result):
        key = "neutral" if word in ("higher", "lower") else word
        if key in groups:
            label = kpi_label(name, lang)
            if key == "neutral":
                label += f" ({t(_VERDICT_KEYS[word], lang)})"
            groups[key].append(label)
    out = []
    for key, text in (("better", "sentence_better"), ("worse", "sentence_worse"),
                      ("neutral", "sentence_neutral"), ("no clear difference", "sentence_none")):
        if groups[key]:
            out.append(t(text, lang, a=a, b=b, items=", ".join(groups[key])))
    if result.spec.seeds < 2:
        out.append(t("one_seed", lang))
    return out


# --- the visitor's runner -----------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """Where a visitor's comparison stands.

    Attributes:
        phase: ``idle``, ``waiting`` (for a slot), ``running``, ``done``, ``failed`` or
            ``cancelled``.
        done: Finished runs.
        total: All runs.
        error: The error of a failed comparison.
        number: Number of the comparison within the session.
    """

    phase: str = "idle"
    done: int = 0
    total: int = 0
    error: str = ""
    number: int = 0


class CompareRunner:
    """Runs one tab's comparisons in a background thread, one at a time.

    Args:
        visitor: Who the tab belongs to (:func:`agents_model.viz.slots.visitor_of`).

    Attributes:
        status: Reactive status (the page redraws on it).
        result: The latest finished result (None before the first).
    """

    def __init__(self, visitor: str = "local") -> None:
        self.visitor = visitor
        self.status: solara.Reactive[Status] = solara.reactive(Status())
        self.result: CompareResult | None = None
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._number = 0
        self._lock = threading.Lock()

    @property
    def busy(self) -> bool:
        """Whether a comparison is waiting or running."""
        return self.status.value.phase in ("waiting", "running")

    def start(self, spec: CompareSpec) -> None:
        """Start a comparison (cancelling one that is still going)."""
        with self._lock:
            self._cancel.set()
            self._cancel = cancel = threading.Event()
            self._number += 1
            number = self._number
        self.status.value = Status("running", 0, spec.runs, "", number)

        def work() -> None:
            def set_status(**changes) -> None:
                if number == self._number:
                    old = self.status.value
                    self.status.value = Status(**{**old.__dict__, **changes})

            try:
                result = run_comparison(
                    spec, on_progress=lambda d, n: set_status(phase="running", done=d, total=n),
                    should_stop=cancel.is_set, on_wait=lambda: set_status(phase="waiting"),
                    visitor=self.visitor)
            except Cancelled:
                set_status(phase="cancelled")
                return
            except Exception as exc:  # noqa: BLE001 - shown to the visitor, the app goes on
                set_status(phase="failed", error=f"{type(exc).__name__}: {exc}")
                return
            if number == self._number:
                self.result = result
                set_status(phase="done")

        self._thread = threading.Thread(target=work, name=f"wmo-compare-{number}", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        """Cancel the running comparison (it stops after the run in progress)."""
        self._cancel.set()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the background thread (used by tests)."""
        if self._thread is not None:
            self._thread.join(timeout)
