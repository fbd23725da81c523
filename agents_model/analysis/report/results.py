"""The finished runs of an experiment folder, ordered and with their statistics.

:func:`prepare_results` reads what :func:`agents_model.runner.read_results` returns, keeps the
finished runs, orders designs and regions as the experiment lists them, puts the baseline first
and computes the end values, the summary over seeds and the paired differences
(:mod:`.statistics`). :func:`market` turns the provider tables into each run's final-year
market.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agents_model.analysis.report.statistics import (
    ID_COLUMNS,
    end_values,
    paired_differences,
    summarise,
)
from agents_model.runner.experiments import ExperimentError, short_label

__all__ = ["MARKET_ROWS", "REPORT_KPIS", "Results", "first_line", "market", "prepare_results",
           "read_experiment"]

REPORT_KPIS: tuple[str, ...] = (
    "transformation_index", "transformation_index_outcomes", "transformation_index_access",
    "transformation_results", "transformation_no_relapse", "transformation_general_provision",
    "transformation_access", "transformation_light_care", "innovation_mean",
    "trust_municipality_to_provider", "trust_provider_to_municipality", "regional_cohesion",
    "spend", "cost_per_client", "waiting_list", "mean_wait_months", "active_providers",
    "contracted_providers", "hhi", "admin_share",
    "hours_delivered_ratio", "upcoding_rate", "refusal_rate_complex", "placement_attempts",
    "step_down_rate", "general_provision_share", "unmet_need",
)
"""The main KPIs of a report, in order."""

def first_line(text: Any) -> str:
    """The first line of an error text."""
    lines = str(text or "").strip().splitlines()
    return lines[0] if lines else "(no error text)"


@dataclass
class Results:
    """Finished runs of an experiment and the statistics computed from them."""

    kpis: pd.DataFrame
    providers: pd.DataFrame
    failed: pd.DataFrame
    names: list[str]
    missing: list[str]
    designs: list[str]
    regions: list[str]
    baseline: str
    groups: list[tuple[str, int]]
    point_labels: dict[int, str]
    end: pd.DataFrame
    stats: pd.DataFrame
    diffs: pd.DataFrame
    months: int
    ok_runs: int
    seeds: dict[str, int] = field(default_factory=dict)


def _ordered(present: Iterable[Any], preferred: Iterable[Any]) -> list[Any]:
    """Present values: those in ``preferred`` first (in its order), then the rest sorted."""
    present = list(dict.fromkeys(present))
    first = [p for p in dict.fromkeys(preferred) if p in present]
    return first + sorted((p for p in present if p not in first), key=str)


def _point_labels(manifest: pd.DataFrame) -> dict[int, str]:
    """For each parameter point, the parameters that vary between points ('a=1, b=2')."""
    if manifest.empty or "params" not in manifest.columns or "point" not in manifest.columns:
        return {}
    params: dict[int, dict[str, Any]] = {}
    for point, text in manifest.drop_duplicates("point")[["point", "params"]].itertuples(
            index=False):
        try:
            value = json.loads(text) if isinstance(text, str) else {}
        except json.JSONDecodeError:
            value = {}
        params[int(point)] = value if isinstance(value, dict) else {}
    keys = sorted({k for p in params.values() for k in p})
    varying = [k for k in keys if len({json.dumps(p.get(k), default=str)
                                       for p in params.values()}) > 1]
    return {point: ", ".join(f"{k}={p.get(k)}" for k in varying) for point, p in params.items()}


def prepare_results(tables: dict[str, pd.DataFrame], baseline: str | None, kpis: Sequence[str],
             months: int, spec: dict[str, Any] | None) -> Results:
    """Keep the finished runs, order designs and regions, compute the statistics.

    Args:
        tables: ``read_results(out)``: ``kpis``, ``manifest`` and ``providers``.
        baseline: The design the others are compared with (default: the spec's baseline, else
            the first design).
        kpis: KPIs to report, in order.
        months: Months at the end of each run to average over.
        spec: The experiment spec (``experiment.json``'s ``spec``), or None.

    Raises:
        ExperimentError: No finished runs, none of the KPIs present, or an unknown baseline.
    """
    spec = spec if isinstance(spec, dict) else {}
    if isinstance(kpis, str):
        kpis = [kpis]
    frame = tables.get("kpis")
    frame = frame if isinstance(frame, pd.DataFrame) else pd.DataFrame()
    providers = tables.get("providers")
    providers = providers if isinstance(providers, pd.DataFrame) else pd.DataFrame()
    manifest = tables.get("manifest")
    manifest = manifest if isinstance(manifest, pd.DataFrame) else pd.DataFrame()

    failed = pd.DataFrame()
    if not manifest.empty and {"status", "run_id"} <= set(manifest.columns):
        failed = manifest[manifest["status"] != "ok"]
        manifest = manifest[manifest["status"] == "ok"]
        finished = set(manifest["run_id"])
        if not frame.empty:
            frame = frame[frame["run_id"].isin(finished)]
        if not providers.empty and "run_id" in providers.columns:
            providers = providers[providers["run_id"].isin(finished)]
    if frame.empty:
        message = "no finished runs"
        if len(failed):
            first = first_line(failed["error"].iloc[0]) if "error" in failed.columns else ""
            message += f" ({len(failed)} failed; the first error: {first})"
        raise ExperimentError(message)
    lacking = [c for c in (*ID_COLUMNS, "month") if c not in frame.columns]
    if lacking:
        raise ExperimentError(f"the KPI table lacks the column(s) {', '.join(lacking)}")

    names = [k for k in dict.fromkeys(kpis) if k in frame.columns]
    missing = [k for k in dict.fromkeys(kpis) if k not in frame.columns]
    if not names:
        raise ExperimentError(f"none of the KPIs asked for ({', '.join(kpis) or 'none'}) are in "
                              f"the results")

    designs = _ordered(frame["design"], (short_label(d) for d in spec.get("designs", [])))
    regions = _ordered(frame["region"], (short_label(r) for r in spec.get("regions", [])))
    chosen = (short_label(baseline) if baseline
              else short_label(spec.get("baseline") or "") or designs[0])
    if chosen not in designs:
        raise ExperimentError(f"baseline '{chosen}' is not among the designs with finished "
                              f"runs ({', '.join(designs)})")
    designs = [chosen] + [d for d in designs if d != chosen]

    end = end_values(frame, months)
    stats = summarise(end, names)
    diffs = paired_differences(end, chosen, names)
    region_rank = {r: i for i, r in enumerate(regions)}
    design_rank = {d: i for i, d in enumerate(designs)}
    kpi_rank = {k: i for i, k in enumerate(names)}

    def order(table: pd.DataFrame) -> pd.DataFrame:
        if table.empty:
            return table
        key = table.assign(_r=table["region"].map(region_rank), _d=table["design"].map(design_rank),
                           _k=table["kpi"].map(kpi_rank))
        key = key.sort_values(["_r", "point", "_d", "_k"], kind="stable")
        return key.drop(columns=["_r", "_d", "_k"]).reset_index(drop=True)

    pairs = frame[["region", "point"]].drop_duplicates()
    groups = sorted(((str(r), int(p)) for r, p in pairs.itertuples(index=False)),
                    key=lambda g: (region_rank[g[0]], g[1]))
    seeds = end.groupby("design")["seed_index"].nunique().to_dict()
    return Results(kpis=frame, providers=providers, failed=failed,
                    names=names, missing=missing, designs=designs, regions=regions,
                    baseline=chosen, groups=groups, point_labels=_point_labels(manifest),
                    end=end, stats=order(stats), diffs=order(diffs), months=months,
                    ok_runs=int(frame["run_id"].nunique()), seeds=seeds)


MARKET_ROWS = (
    ("providers", "providers in the table"),
    ("contracted", "contracted providers"),
    ("with_clients", "providers with clients"),
    ("without_clients", "providers without clients"),
    ("contracted_without_clients", "contracted providers without clients"),
    ("top25_share", "share of clients at the 25 largest"),
    ("largest_share", "share of clients at the largest"),
)
"""Columns of the provider market table and their labels."""


def market(providers: pd.DataFrame) -> tuple[pd.DataFrame, int | None]:
    """Per run, the final year's provider market; and that year (if the same in every run)."""
    need = {"run_id", "region", "design", "point", "seed_index", "year", "clients"}
    if providers.empty or not need <= set(providers.columns):
        return pd.DataFrame(), None
    last = providers.groupby("run_id")["year"].transform("max")
    final = providers[providers["year"] == last]
    rows = []
    for (run_id, region, design, point, seed), g in final.groupby(
            ["run_id", "region", "design", "point", "seed_index"], sort=False):
        clients = np.sort(g["clients"].to_numpy(dtype=float))[::-1]
        total = clients.sum()
        contracted = g["contracted"].astype(bool) if "contracted" in g.columns else None
        rows.append({
            "run_id": run_id, "region": region, "design": design, "point": point,
            "seed_index": seed, "providers": float(len(g)),
            "contracted": float(contracted.sum()) if contracted is not None else math.nan,
            "with_clients": float((clients > 0).sum()),
            "without_clients": float((clients == 0).sum()),
            "contracted_without_clients": (float((contracted & (g["clients"] == 0)).sum())
                                           if contracted is not None else math.nan),
            "top25_share": clients[:25].sum() / total if total > 0 else math.nan,
            "largest_share": clients[0] / total if total > 0 else math.nan,
        })
    years = final["year"].unique()
    return pd.DataFrame(rows), int(years[0]) if len(years) == 1 else None


def read_experiment(out: str | Path) -> dict[str, Any]:
    """Read ``OUT/experiment.json`` (name, hash, version and spec of the experiment).

    Raises:
        ExperimentError: The folder does not exist, is not an experiment folder, or its
            experiment.json is unreadable.
    """
    out = Path(out)
    if not out.exists():
        raise ExperimentError(f"{out}: no such folder")
    if not out.is_dir():
        raise ExperimentError(f"{out}: is not a folder")
    meta = out / "experiment.json"
    if not meta.is_file():
        raise ExperimentError(f"{out}: is not an experiment folder (no experiment.json); "
                              f"give a folder written by `wmo-abm sweep` or `wmo-abm compare`")
    try:
        data = json.loads(meta.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExperimentError(f"{meta}: unreadable ({exc})") from None
    if not isinstance(data, dict):
        raise ExperimentError(f"{meta}: not an experiment description (a JSON object)")
    return data
