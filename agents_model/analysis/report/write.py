"""The Markdown report of an experiment: ``OUT/report/report.md`` with figures and tables.

:func:`write_report` prepares the results once (:mod:`.results`), writes the figures
(:mod:`.figures`), the tables behind the numbers (CSV), the plain-text summary
(:func:`~agents_model.analysis.report.tables.summary_text`) and ``report.md``, whose sections
are built by the small functions below from the same rows as the text (:mod:`.tables`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agents_model.analysis.output import write_text
from agents_model.analysis.report.figures import MAX_PANELS, difference_figure, time_figures
from agents_model.analysis.report.results import (
    MARKET_ROWS,
    REPORT_KPIS,
    Results,
    first_line,
    market,
    prepare_results,
    read_experiment,
)
from agents_model.analysis.report.statistics import LEVEL, finite, intervals
from agents_model.analysis.report.tables import (
    difference_rows,
    end_rows,
    group_title,
    interval_cell,
    seed_note,
    sentence,
    summary_text,
)
from agents_model.runner.experiments import ExperimentError, read_results

__all__ = ["markdown_table", "report_markdown", "write_report"]


def markdown_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Lines of a Markdown table (``|`` in cells escaped), followed by an empty line."""
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    return [line(header), "|" + "|".join(["---"] * len(header)) + "|", *map(line, rows), ""]


def _expected_runs(spec: dict[str, Any]) -> int | None:
    """Runs the spec asks for (None if the spec does not say)."""
    try:
        points = math.prod(len(v) for v in spec.get("grid", {}).values())
        if spec.get("sample"):
            points *= int(spec.get("sample_size", 0))
        return len(spec["regions"]) * len(spec["designs"]) * points * int(spec["seeds"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _facts(res: Results, meta: dict[str, Any]) -> list[str]:
    """The bullet list of what was run."""
    spec = meta.get("spec") if isinstance(meta.get("spec"), dict) else {}
    failed = len(res.failed)
    expected = _expected_runs(spec)
    runs = f"{res.ok_runs} finished, {failed} failed"
    if expected is not None:
        missing = max(0, expected - res.ok_runs - failed)
        runs = f"{expected} in the experiment: " + runs + (f", {missing} not run yet"
                                                            if missing else "")
    lines = [f"- **Runs:** {runs}"]
    lines.append("- **Designs:** " + ", ".join(
        f"`{d}`" + (" (baseline)" if d == res.baseline else "") for d in res.designs))
    lines.append("- **Regions:** " + ", ".join(f"`{r}`" for r in res.regions))
    seeds = spec.get("seeds", max(res.seeds.values(), default=0))
    root = spec.get("root_seed")
    lines.append(f"- **Seeds:** {seeds} per region, design and point"
                 + (f" (root seed {root}; shared by every design)" if root is not None else ""))
    years = spec.get("years")
    if years is None:
        years = int(res.kpis["month"].max()) // 12
    first = res.kpis["year"].min() if "year" in res.kpis.columns else None
    span = ""
    if finite(first):
        last = int(first) + int(years) - 1
        span = f" ({int(first)})" if last == int(first) else f" ({int(first)}-{last})"
    lines.append(f"- **Years:** {years}{span}")
    if spec.get("fixed"):
        lines.append("- **Fixed parameters:** " + ", ".join(
            f"`{k}={v}`" for k, v in spec["fixed"].items()))
    points = sorted({p for _, p in res.groups})
    if len(points) > 1:
        lines.append(f"- **Parameter points:** {len(points)}")
        lines += [f"  - point {p}: {res.point_labels.get(p, '') or '-'}" for p in points]
    if meta.get("version") or meta.get("hash"):
        lines.append(f"- **Package version:** {meta.get('version', '?')}; spec hash "
                     f"`{meta.get('hash', '?')}`")
    return lines


def _failures(res: Results) -> list[str]:
    """The section naming the failed runs (nothing if none failed)."""
    if res.failed.empty:
        return []
    f = res.failed
    lines = ["## Failed runs", "",
             f"{len(f)} run(s) failed and are left out of every number below. The first error: "
             f"`{first_line(f['error'].iloc[0]) if 'error' in f else '?'}`. The manifest "
             f"(`manifest/<run_id>.parquet`) holds each full error; running the same experiment "
             f"into the same folder again retries them.", ""]
    rows = []
    for r in f.head(20).itertuples(index=False):
        rows.append([str(r.run_id), str(getattr(r, "region", "")), str(getattr(r, "design", "")),
                     str(getattr(r, "point", "")), str(getattr(r, "seed_index", "")),
                     first_line(getattr(r, "error", ""))])
    lines += markdown_table(["run", "region", "design", "point", "seed", "error"], rows)
    if len(f) > 20:
        lines += [f"(and {len(f) - 20} more)", ""]
    return lines


def _how_to_read(res: Results) -> list[str]:
    """The section explaining end values, intervals and verdicts."""
    return [
        "## How to read this", "",
        f"Each run's *end value* of a KPI is its mean over the run's last {res.months} months, so "
        f"monthly noise and December settlements average out. A design's value is the mean "
        f"over seeds with a {LEVEL:.0%} interval in brackets (t-based: mean ± t · sd / √n, cut "
        f"to the values the KPI can take: counts, waits and money never below 0, shares, trust "
        f"and the indexes within 0-1; the mean cannot lie outside that range, so the cut keeps "
        f"the coverage); in the figures the bands are the same {LEVEL:.0%} intervals, month by "
        f"month. Differences are not cut. Every design "
        f"runs with the same seeds, so a design is compared with the baseline "
        f"(`{res.baseline}`) seed by seed: the difference is the mean of the per-seed "
        f"differences, with its {LEVEL:.0%} interval. An interval that includes 0 means no clear "
        f"difference. *Better* and *worse* follow each KPI's direction (for example more "
        f"transformation and trust is better, a longer wait or more spend is worse; more active "
        f"providers means more choice). The *in short* lines answer the question by parts: "
        f"transformation, and its price in trust, cost, choice and waiting time. Intervals "
        f"describe the model's randomness over seeds, not the uncertainty of its assumptions.",
        "",
    ]


def _end_section(res: Results) -> list[str]:
    """Each KPI's end value per design, one table per region/point."""
    lines = ["## End of run", ""]
    for region, point in res.groups:
        lines += [f"### {group_title(res, region, point)}", "",
                  f"Mean [{LEVEL:.0%} interval] of the end values; "
                  f"{seed_note(res, region, point)}.", ""]
        rows = [[f"`{kpi}`", *cells] for kpi, *cells in end_rows(res, region, point)]
        lines += markdown_table(["KPI", "unit", *[f"`{d}`" for d in res.designs]], rows)
    return lines


def _difference_section(res: Results) -> list[str]:
    """Each design's paired difference against the baseline, with its verdict."""
    others = res.designs[1:]
    lines = [f"## Differences vs {res.baseline}", ""]
    if not others:
        return lines + ["Only one design: nothing to compare.", ""]
    header = ["KPI", "unit", *[f"`{d}` − `{res.baseline}`" for d in others]]
    for region, point in res.groups:
        lines += [f"### {group_title(res, region, point)}", "",
                  f"Design minus `{res.baseline}`, paired by seed: mean [{LEVEL:.0%} interval] "
                  f"and what it means.", ""]
        rows = [[f"`{kpi}`", kpi_unit,
                 *(f"{c[0]} ({c[1]})" if c else "-" for c in cells)]
                for kpi, kpi_unit, cells in difference_rows(res, region, point)]
        lines += markdown_table(header, rows)
    return lines


def _summary_section(res: Results) -> list[str]:
    """The sentences comparing each design with the baseline."""
    others = res.designs[1:]
    lines = ["## Summary", ""]
    if not others:
        lines += ["Only one design: nothing to compare.", ""]
    for region, point in res.groups if others else []:
        if len(res.groups) > 1:
            lines += [f"**{group_title(res, region, point)}**", ""]
        for design in others:
            text = sentence(res, region, point, design)
            lines += [f"- {text[0]}"] + [f"  - {t.strip()}" for t in text[1:]]
        lines.append("")
    if res.missing:
        lines += ["Not in the results: " + ", ".join(f"`{k}`" for k in res.missing) + ".", ""]
    return lines


def _figure_section(res: Results, time_figs: list[tuple[str, str]],
                    diff_fig: str | None) -> list[str]:
    """Links to the difference figure and the time figures."""
    lines = ["## Figures", ""]
    if diff_fig:
        lines += [f"![End-of-run differences vs {res.baseline}]({diff_fig})", ""]
    if len(res.groups) > MAX_PANELS:
        lines += [f"The time figures show the first {MAX_PANELS} of {len(res.groups)} "
                  f"region/point combinations.", ""]
    for kpi, file in time_figs:
        lines += [f"### `{kpi}`", "", f"![{kpi} over time]({file})", ""]
    return lines


def _market_section(res: Results) -> list[str]:
    """The provider market in the final year per design, one table per region/point."""
    table, year = market(res.providers)
    lines = ["## Provider market", ""]
    if table.empty:
        return lines + ["The results hold no provider table.", ""]
    when = f"in the final year ({year})" if year is not None else "in each run's final year"
    lines += [f"Providers and their clients {when}, all products: clients per provider sorted "
              f"from the largest; mean [{LEVEL:.0%} interval] over seeds.", ""]
    stats = intervals(table, ["region", "point", "design"], [c for c, _ in MARKET_ROWS])
    for region, point in res.groups:
        sub = stats[(stats["region"] == region) & (stats["point"] == point)]
        if sub.empty:
            continue
        designs = [d for d in res.designs if d in set(sub["design"])]
        rows = [[label, *(interval_cell(sub, d, column) for d in designs)]
                for column, label in MARKET_ROWS]
        if len(res.groups) > 1:
            lines += [f"### {group_title(res, region, point)}", ""]
        lines += markdown_table(["", *[f"`{d}`" for d in designs]], rows)
    return lines


_FILES_SECTION = [
    "## Files", "",
    "- `summary.txt`: the summary above as plain text;",
    "- `end_values.csv`: each finished run's end values;",
    "- `end_summary.csv`: mean and interval per region, point, design and KPI;",
    "- `differences.csv`: paired differences vs the baseline.", "",
]


def report_markdown(res: Results, meta: dict[str, Any], time_figs: list[tuple[str, str]],
                    diff_fig: str | None) -> str:
    """The text of ``report.md``.

    Args:
        res: The prepared results.
        meta: ``experiment.json`` (name, hash, version, spec).
        time_figs: (KPI, file) of each time figure.
        diff_fig: File of the difference figure (None if there is none).
    """
    spec = meta.get("spec") if isinstance(meta.get("spec"), dict) else {}
    name = meta.get("name") or spec.get("name") or "experiment"
    lines = [f"# Experiment report: {name}", ""]
    if spec.get("description"):
        lines += [str(spec["description"]), ""]
    lines += _facts(res, meta) + [""]
    lines += _failures(res)
    lines += _how_to_read(res)
    lines += _end_section(res)
    lines += _difference_section(res)
    lines += _summary_section(res)
    lines += _figure_section(res, time_figs, diff_fig)
    lines += _market_section(res)
    lines += _FILES_SECTION
    return "\n".join(lines)


def write_report(out: str | Path, baseline: str | None = None,
                 kpis: Sequence[str] = REPORT_KPIS, months: int = 12) -> Path:
    """Write the report of an experiment folder to ``OUT/report/``.

    Writes ``report.md`` (facts, how to read it, end-of-run table, differences, summary,
    figures, provider market), a time figure per KPI (``kpi_<name>.png``), a figure of the
    differences (``differences.png``), ``summary.txt`` (the text of
    :func:`~agents_model.analysis.report.tables.end_summary`) and CSV tables. Failed runs are
    named and left out.

    Args:
        out: The experiment folder.
        baseline: The design the others are compared with (default: the experiment's
            baseline, else its first design).
        kpis: KPIs to report, in order.
        months: Months at the end of each run to average over.

    Returns:
        The path of ``report.md``.

    Raises:
        ExperimentError: Not an experiment folder, no finished runs, or an unknown baseline.
    """
    out = Path(out)
    meta = read_experiment(out)
    spec = meta.get("spec") if isinstance(meta.get("spec"), dict) else {}
    try:
        res = prepare_results(read_results(out), baseline, kpis, months, spec)
    except ExperimentError as exc:
        raise ExperimentError(f"{out}: {exc}") from None
    folder = out / "report"
    folder.mkdir(parents=True, exist_ok=True)
    for old in (*folder.glob("kpi_*.png"), folder / "differences.png"):
        old.unlink(missing_ok=True)
    time_figs = time_figures(res, folder)
    diff_fig = difference_figure(res, folder)
    res.end.to_csv(folder / "end_values.csv", index=False)
    res.stats.to_csv(folder / "end_summary.csv", index=False)
    res.diffs.to_csv(folder / "differences.csv", index=False)
    write_text(folder / "summary.txt", summary_text(res) + "\n")
    path = folder / "report.md"
    write_text(path, report_markdown(res, meta, time_figs, diff_fig))
    return path
