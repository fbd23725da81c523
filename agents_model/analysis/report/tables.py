"""The tables and sentences of a report, built once and rendered as text or Markdown.

:func:`end_rows` (each KPI's mean and interval per design) and :func:`difference_rows` (each
design's paired difference against the baseline, with its verdict) are the two tables of a
comparison; :func:`end_summary` renders them as aligned text with a sentence per design, and
:mod:`.write` renders the same rows as Markdown tables.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from agents_model.analysis.report.results import (
    REPORT_KPIS,
    Results,
    first_line,
    prepare_results,
)
from agents_model.analysis.report.statistics import LEVEL, finite, verdict
from agents_model.metrics import KPI_UNITS

__all__ = [
    "QUESTION_GROUPS",
    "align_columns",
    "cell",
    "difference_rows",
    "end_rows",
    "end_summary",
    "group_title",
    "interval_cell",
    "seed_note",
    "sentence",
    "summary_text",
    "unit",
]

QUESTION_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("transformation", ("transformation_index",)),
    ("trust", ("trust_municipality_to_provider", "trust_provider_to_municipality")),
    ("cost", ("spend", "cost_per_client")),
    ("choice", ("active_providers",)),
    ("waiting", ("waiting_list", "mean_wait_months")),
)
"""The question's parts and the KPIs that answer them (the "in short" line of a comparison)."""

_UNITLESS = {"0-1", ""}


# --- numbers ------------------------------------------------------------------------------------


def _decimals(*values: float) -> int:
    """Decimals that show about three significant digits of the largest value."""
    ref = max((abs(float(v)) for v in values if finite(v)), default=0.0)
    if ref == 0:
        return 0
    return int(min(6, max(0, 2 - math.floor(math.log10(ref)))))


def _num(value: float, decimals: int, signed: bool = False) -> str:
    """A number with a fixed number of decimals (thousands separated; '+' if signed)."""
    if not finite(value):
        return "n/a"
    value = float(value)
    if round(value, decimals) == 0:
        return f"{0:.{decimals}f}"
    return f"{value:{'+' if signed else ''},.{decimals}f}"


def cell(mean: float, low: float, high: float, signed: bool = False) -> str:
    """'mean [low, high]', or just the mean when the interval has no width."""
    if not finite(mean):
        return "n/a"
    d = _decimals(mean, low, high)
    if not (finite(low) and finite(high)) or _num(low, d) == _num(high, d):
        if abs(float(mean) - round(float(mean))) < 1e-9:
            d = 0
        return _num(mean, d, signed)
    text = _num(mean, d, signed)
    return f"{text} [{_num(low, d, signed)}, {_num(high, d, signed)}]"


def unit(name: str) -> str:
    """The unit of a KPI (empty if it has none)."""
    return KPI_UNITS.get(name, "")


def _phrase(row: Any) -> str:
    """'kpi (+0.08, 95% CI +0.06 to +0.10)' for a sentence."""
    d = _decimals(row.mean, row.low, row.high)
    kpi_unit = unit(row.kpi)
    value = _num(row.mean, d, signed=True) + ("" if kpi_unit in _UNITLESS else f" {kpi_unit}")
    if row.n < 2:
        detail = "one seed"
    elif _num(row.low, d) == _num(row.high, d):
        detail = "the same in every seed"
    else:
        detail = (f"{LEVEL:.0%} CI {_num(row.low, d, signed=True)} to "
                  f"{_num(row.high, d, signed=True)}")
    return f"{row.kpi} ({value}, {detail})"


def align_columns(rows: list[list[str]], right: set[int] | None = None) -> list[str]:
    """Rows of cells as aligned text columns (columns in ``right`` right-aligned)."""
    right = right or set()
    width = max(map(len, rows))
    widths = [max((len(r[i]) for r in rows if i < len(r)), default=0) for i in range(width)]
    lines = []
    for row in rows:
        cells = [c.rjust(widths[i]) if i in right else c.ljust(widths[i])
                 for i, c in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return lines


# --- the tables ---------------------------------------------------------------------------------


def _group(table: pd.DataFrame, region: str, point: int) -> pd.DataFrame:
    """The rows of one region/point."""
    return table[(table["region"] == region) & (table["point"] == point)]


def interval_cell(stats: pd.DataFrame, design: str, kpi: str) -> str:
    """A design's 'mean [low, high]' for a KPI in a long statistics table ('-' if absent)."""
    hit = stats[(stats["design"] == design) & (stats["kpi"] == kpi)]
    return "-" if hit.empty else cell(*hit[["mean", "low", "high"]].iloc[0].tolist())


def end_rows(res: Results, region: str, point: int) -> list[list[str]]:
    """The end-of-run table of a region/point: KPI, unit and one cell per design."""
    stats = _group(res.stats, region, point)
    return [[kpi, unit(kpi), *(interval_cell(stats, d, kpi) for d in res.designs)]
            for kpi in res.names]


def difference_rows(res: Results, region: str, point: int
                    ) -> list[tuple[str, str, list[tuple[str, str] | None]]]:
    """The differences of a region/point: KPI, unit and per other design (cell, verdict).

    A design without the KPI has None in its place.
    """
    tables = {d: _verdicts(res, region, point, d).set_index("kpi") for d in res.designs[1:]}
    rows = []
    for kpi in res.names:
        cells: list[tuple[str, str] | None] = []
        for design in res.designs[1:]:
            table = tables[design]
            if kpi in table.index:
                r = table.loc[kpi]
                cells.append((cell(r["mean"], r["low"], r["high"], signed=True), r["verdict"]))
            else:
                cells.append(None)
        rows.append((kpi, unit(kpi), cells))
    return rows


def _verdicts(res: Results, region: str, point: int, design: str) -> pd.DataFrame:
    """The differences of one design in one region/point with a 'verdict' column."""
    d = res.diffs
    if d.empty:
        return d.assign(verdict=pd.Series(dtype=str))
    rows = d[(d["region"] == region) & (d["point"] == point) & (d["design"] == design)].copy()
    rows["verdict"] = [verdict(r.kpi, r.mean, r.low, r.high, r.baseline_mean)
                       for r in rows.itertuples(index=False)]
    return rows


def sentence(res: Results, region: str, point: int, design: str) -> list[str]:
    """Plain-language lines comparing a design with the baseline."""
    rows = _verdicts(res, region, point, design)
    if rows.empty:
        return [f"{design} vs {res.baseline}: no seeds with finished runs of both designs."]
    parts = []
    for label, kinds in (("better on", ("better",)), ("worse on", ("worse",)),
                         ("higher on", ("higher",)), ("lower on", ("lower",))):
        chosen = [r for r in rows.itertuples(index=False) if r.verdict in kinds]
        if chosen:
            parts.append(f"{label} " + ", ".join(_phrase(r) for r in chosen))
    unclear = rows.loc[rows["verdict"] == "no clear difference", "kpi"].tolist()
    if unclear:
        parts.append("no clear difference (intervals include 0) on " + ", ".join(unclear))
    nodata = rows.loc[rows["verdict"] == "no data", "kpi"].tolist()
    if nodata:
        parts.append("no data on " + ", ".join(nodata))
    lines = [f"{design} vs {res.baseline}: " + "; ".join(parts) + "."]
    verdicts = dict(zip(rows["kpi"], rows["verdict"], strict=True))
    short = []
    for part, names in QUESTION_GROUPS:
        found = {verdicts[n] for n in names if n in verdicts} - {"no data"}
        if not found:
            continue
        if {"better", "worse"} <= found:
            text = "mixed"
        elif "better" in found:
            text = "better"
        elif "worse" in found:
            text = "worse"
        else:
            text = "no clear difference"
        short.append(f"{part} {text}")
    if short:
        lines.append(f"  In short: {'; '.join(short)}.")
    return lines


def group_title(res: Results, region: str, point: int) -> str:
    """The title of a region (and parameter point, if there are several)."""
    if len({p for _, p in res.groups}) <= 1:
        return region
    label = res.point_labels.get(point, "")
    return f"{region}, point {point}" + (f" ({label})" if label else "")


def seed_note(res: Results, region: str, point: int) -> str:
    """How many seeds each design has in a region/point."""
    counts = _group(res.stats, region, point).groupby("design", sort=False)["n"].max()
    values = set(counts.tolist())
    if len(values) == 1:
        n = values.pop()
        return f"{n} seed{'s' if n != 1 else ''} per design"
    return "seeds: " + ", ".join(f"{d} {n}" for d, n in counts.items())


# --- the plain-text summary ---------------------------------------------------------------------


def end_summary(tables: dict[str, pd.DataFrame], baseline: str | None = None,
                kpis: Sequence[str] = REPORT_KPIS, months: int = 12,
                spec: dict[str, Any] | None = None) -> str:
    """The end-of-run comparison of designs as plain text.

    Per region (and parameter point if there are several): each KPI's mean [95% interval] per
    design, the difference of each design against the baseline (paired by seed) with its
    interval, and short sentences saying where a design is better, worse or not clearly
    different.

    Args:
        tables: ``read_results(out)``: ``kpis`` and ``manifest`` (``providers`` is not used).
        baseline: The design the others are compared with (default: the spec's baseline, else
            the first design).
        kpis: KPIs to show, in order (those missing from the results are named at the end).
        months: Months at the end of each run to average over.
        spec: The experiment spec (``experiment.json``'s ``spec``): the order of designs and
            regions and the default baseline; without it designs are in alphabetical order.

    Returns:
        The summary (several lines).

    Raises:
        ExperimentError: No finished runs, none of the KPIs present, or an unknown baseline.
    """
    return summary_text(prepare_results(tables, baseline, kpis, months, spec))


def summary_text(res: Results) -> str:
    """The plain-text summary of prepared results (what :func:`end_summary` returns)."""
    lines = [f"End of run: the mean of each run's last {res.months} months; "
             f"[{LEVEL:.0%} interval over seeds]. Baseline: {res.baseline}."]
    runs = f"Finished runs: {res.ok_runs}"
    if len(res.failed):
        runs += (f"; failed runs: {len(res.failed)}, left out (the first error: "
                 f"{first_line(res.failed['error'].iloc[0]) if 'error' in res.failed else ''})")
    lines.append(runs + ".")
    if max(res.seeds.values(), default=0) < 2:
        lines.append("Only one seed per design: there are no intervals, so differences are "
                     "single runs and may be noise.")
    for region, point in res.groups:
        lines += ["", f"{group_title(res, region, point)}: {seed_note(res, region, point)}"]
        lines += _group_text(res, region, point)
    if res.missing:
        lines += ["", "Not in the results: " + ", ".join(res.missing) + "."]
    return "\n".join(lines)


def _group_text(res: Results, region: str, point: int) -> list[str]:
    """The text tables and sentences of one region/point."""
    lines = align_columns([["KPI", "unit", *res.designs], *end_rows(res, region, point)])
    others = res.designs[1:]
    if not others:
        return lines + ["", "Only one design: nothing to compare."]
    header = ["KPI", "unit"] + [c for d in others for c in (f"{d} - {res.baseline}", "")]
    rows = [[kpi, kpi_unit, *(part for c in cells for part in (c or ("-", "")))]
            for kpi, kpi_unit, cells in difference_rows(res, region, point)]
    lines += ["", f"Difference vs {res.baseline} (paired by seed)"]
    lines += align_columns([header, *rows])
    lines.append("")
    for design in others:
        lines += sentence(res, region, point, design)
    return lines
