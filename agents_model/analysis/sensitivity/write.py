"""Writing the sensitivity analysis: ``indices.csv``, ``outcomes.csv``, figures and report.md.

:func:`analyse_folder` reads a finished experiment folder, analyses it (:mod:`.analyze`) and
:func:`write_analysis` writes the results; ``report.md`` is put together from the small section
functions below, with a reading generated from the numbers (:mod:`.text`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from agents_model.analysis.output import write_text
from agents_model.analysis.report.statistics import KPI_DIRECTION
from agents_model.analysis.sensitivity.analyze import (
    analyse_experiment,
    difference_distribution,
    inactive,
    read_kpis,
)
from agents_model.analysis.sensitivity.figures import index_figures, overview_figure
from agents_model.analysis.sensitivity.problem import (
    DESIGNS,
    FACTORS,
    FIXED,
    GROUPS,
    NUM_LEVELS,
    OUTCOMES,
    PROBLEM,
    ROOT_SEED,
    factors_of,
    is_difference,
)
from agents_model.analysis.sensitivity.sample import SensitivityExperiment
from agents_model.analysis.sensitivity.text import (
    contrast_title,
    differences,
    driver_items,
    driver_names,
    duration,
    fmt,
    human,
    in_short,
    join,
    noise_sentence,
    plural,
    unit_suffix,
)
from agents_model.metrics import KPI_UNITS
from agents_model.params import by_name
from agents_model.runner.experiments import ExperimentError
from agents_model.scenario import Scenario

__all__ = ["analyse_folder", "report_markdown", "write_analysis"]


def report_markdown(indices: pd.DataFrame, per_point: pd.DataFrame,
                    experiment: SensitivityExperiment, figures: dict[str, str], overview: str,
                    facts: Mapping[str, Any]) -> str:
    """The text of ``report.md``.

    Args:
        indices: Indices of :func:`~agents_model.analysis.sensitivity.analyze.analyse_experiment`.
        per_point: Per-point outcomes of the same.
        experiment: The experiment.
        figures: Per KPI, its figure's file name.
        overview: The overview figure's file name.
        facts: Facts about the runs (see :func:`write_analysis`).
    """
    morris = experiment.method == "morris"
    lines = ["# Global sensitivity analysis", "",
             "Which assumptions, costs and levers drive transformation, trust, cost, waiting "
             "time and regional cohesion, and which of them decide whether buying from a few "
             "strategic partners, or from a consortium, beats open house?", ""]
    lines += _what_was_run(experiment, facts)
    lines += in_short(indices, per_point, experiment)
    lines += _parameter_section(experiment)
    lines += _reading_section(morris)
    lines += _outcome_section(indices, per_point, experiment, figures)
    for contrast in differences(indices):
        drivers = _difference_drivers(indices, morris, contrast)
        lines += _difference_section(per_point, experiment, contrast, drivers)
    lines += _inactive_section(indices, experiment)
    lines += ["## Overview", "", f"![overview](figures/{overview})", "",
              "Each column is one outcome (contrast/KPI), scaled to its most influential "
              "parameter; the numbers mark the top three.", ""]
    lines += _caveats(indices, experiment)
    return "\n".join(lines) + "\n"


def _region(experiment: SensitivityExperiment) -> str:
    """The short name of the experiment's region."""
    return Path(experiment.regions[0]).stem


def _difference_names(experiment: SensitivityExperiment) -> list[str]:
    """Each difference in words: 'strategic partners minus open house'."""
    baseline = experiment.baseline_design
    return [f"{human(d)} minus {human(baseline)}" for d in experiment.designs
            if d != baseline]


def _difference_drivers(indices: pd.DataFrame, morris: bool,
                        contrast: str) -> dict[str, list[str]]:
    """Per KPI, the parameters that stand out in one difference between the designs."""
    return {kpi: driver_names(indices[(indices["kpi"] == kpi)
                                      & (indices["contrast"] == contrast)], morris)
            for kpi in dict.fromkeys(indices["kpi"])}


def _what_was_run(experiment: SensitivityExperiment, facts: Mapping[str, Any]) -> list[str]:
    """Method, runs, outcomes, time, version and the command that reproduces it."""
    k = len(experiment.names)
    points = len(experiment.sample_rows)
    designs = [Path(d).stem for d in experiment.designs]
    diff_names = _difference_names(experiment)
    scale = experiment.fixed.get("population_scale", 1.0)
    lines = ["## What was run", ""]
    if experiment.method == "morris":
        lines.append(f"- **Method**: Morris elementary effects (SALib {facts.get('salib')}), "
                     f"{experiment.n} trajectories on a {experiment.num_levels}-level grid over "
                     f"{k} parameters: ({k} + 1) x {experiment.n} = {points} parameter points.")
    else:
        lines.append(f"- **Method**: Sobol indices, first and total order (SALib "
                     f"{facts.get('salib')}), {experiment.n} base samples over {k} "
                     f"parameters: ({k} + 2) x {experiment.n} = {points} parameter points.")
    lines += [
        f"- **Runs**: every point under {join(list(map(human, designs)))}, "
        f"{plural(experiment.seeds, 'seed')} each, shared by the designs (common random "
        f"numbers): {points * len(designs) * experiment.seeds} runs of "
        f"{plural(experiment.years, 'year')} on `{_region(experiment)}` at "
        f"population scale {scale:g}"
        + (f"; {facts['failed']} failed" if facts.get("failed") else "") + ".",
        "- **Outcomes**: the mean of each KPI over the last twelve months of a run, under each "
        "design" + (f", and the differences {join(diff_names)} per seed" if diff_names
                    else "") + "; averaged over seeds before the analysis.",
    ]
    if experiment.shared:
        lines.append(f"- **Design levers**: {join([f'`{n}`' for n in experiment.shared])} "
                     "are sampled and laid over every design alike, so within a point the "
                     "designs differ only in their procurement form"
                     + (" (sanctions off under every design)"
                        if experiment.fixed.get("sanctions") is False else "") + ".")
    if facts.get("run_seconds"):
        text = f"- **Time**: {duration(facts['run_seconds'])} of model runs"
        if facts.get("wall_seconds"):
            text += (f", {duration(facts['wall_seconds'])} wall-clock on "
                     f"{facts.get('where', 'the executor')}")
        lines.append(text + ".")
    if facts.get("version"):
        lines.append(f"- **Model version**: wmo-abm {facts['version']}; sample seed "
                     f"{experiment.sample_seed}.")
    groups = _groups_option(experiment)
    if _is_default(experiment) and groups is not None:
        lines.append(f"- **Reproduce**: `wmo-abm sensitivity --method {experiment.method} "
                     f"--n {experiment.n} --seeds {experiment.seeds} --years "
                     f"{experiment.years} --region {_region(experiment)} --scale {scale:g}"
                     f"{groups}` (add `--workers N` or `--scheduler ADDR`; the results do not "
                     f"depend on them).")
    return lines


def _is_default(experiment: SensitivityExperiment) -> bool:
    """Whether ``wmo-abm sensitivity`` with its options makes this experiment."""
    return (tuple(Path(d).stem for d in experiment.designs) == DESIGNS
            and experiment.fixed == {"population_scale": experiment.fixed.get(
                "population_scale"), **FIXED}
            and experiment.root_seed == ROOT_SEED and experiment.num_levels == NUM_LEVELS)


def _groups_option(experiment: SensitivityExperiment) -> str | None:
    """The ``--groups`` option that samples the experiment's names.

    Returns ``' --groups a,b'``, ``''`` for all factors, or None if no option does.
    """
    if experiment.names == PROBLEM["names"]:
        return ""
    groups = [g for g in GROUPS if any(f.group == g and f.name in experiment.names
                                       for f in FACTORS)]
    if experiment.names == [f.name for f in factors_of(groups)]:
        return f" --groups {','.join(groups)}"
    return None


def _parameter_section(experiment: SensitivityExperiment) -> list[str]:
    """The sampled parameters: group, default, range and why."""
    lines = ["", "## Parameters and ranges", "",
             "Every other parameter keeps the region's value. Groups: `behaviour` (how agents "
             "act), `demand` (need and the field at the start), `cost` (hours a lever takes), "
             "`policy` (levers the designs leave open) and `design` (levers of a governance "
             "form: a sampled value replaces each design's own value, so the designs share "
             "it). The calibration priors of the parameter table are sampled over their "
             "prior ranges.", "",
             "| parameter | group | default | range | why this range |", "|---|---|---|---|---|"]
    factors = {f.name: f for f in FACTORS}
    defaults = Scenario().values
    order = {g: i for i, g in enumerate(GROUPS)}
    rows = sorted(zip(experiment.names, experiment.bounds, strict=True),
                  key=lambda nb: order.get(factors[nb[0]].group if nb[0] in factors else "",
                                           len(order)))
    for name, (low, high) in rows:
        p = by_name(name)
        unit = "" if p.unit in ("-", "0-1") else f" {p.unit}"
        factor = factors.get(name)
        lines.append(f"| `{name}` | {factor.group if factor else ''} | {defaults[name]:g} | "
                     f"{low:g} to {high:g}{unit} | {factor.why if factor else ''} |")
    return lines


def _reading_section(morris: bool) -> list[str]:
    """How to read mu*, sigma and the noise floor, or S1 and ST."""
    lines = ["", "## How to read the indices", ""]
    if morris:
        lines += [
            "- **mu\\*** is the mean absolute elementary effect: how much the outcome changes, "
            "in its own unit, when one parameter moves over its whole range with the others "
            "held at a sampled point. Bars are ranked by mu\\*; whiskers are 95% bootstrap "
            "intervals over trajectories. **sigma** (in `indices.csv`) is the spread of the "
            "effects: large against mu\\* means the effect is non-linear or depends on other "
            "parameters.",
            "- The dashed red line is the **seed-noise floor**: the mu\\* that a parameter "
            "without any influence stays below with 95% probability, given the seed-to-seed "
            "spread of the outcome within points. Parameters below it cannot be told apart "
            "from noise with this many seeds and trajectories; the text names only "
            "parameters above it.",
        ]
    else:
        lines += [
            "- **ST** (total index) is the share of the outcome's variance over the sample "
            "that disappears if the parameter is fixed, interactions included; **S1** is the "
            "share it explains on its own. Whiskers are 95% bootstrap intervals. The text "
            "names parameters whose ST exceeds 0.05 beyond its interval.",
            "- Seed noise counts as variance too; `noise_share` in `indices.csv` is the share "
            "of the outcome's variance that is seed noise.",
        ]
    lines.append("- Bar colours mark the groups: blue behaviour, purple demand, brown cost, "
                 "orange policy, green design levers.")
    return lines


def _outcome_section(indices: pd.DataFrame, per_point: pd.DataFrame,
                     experiment: SensitivityExperiment, figures: dict[str, str]) -> list[str]:
    """Per outcome: the drivers under each contrast, the spread of the difference, a figure."""
    morris = experiment.method == "morris"
    lines = ["", "## Results per outcome", ""]
    contrasts = list(dict.fromkeys(indices["contrast"]))
    for kpi in dict.fromkeys(indices["kpi"]):
        lines += [f"### `{kpi}` ({KPI_UNITS.get(kpi, '')})", ""]
        for contrast in contrasts:
            t = indices[(indices["kpi"] == kpi) & (indices["contrast"] == contrast)]
            lines.append(_contrast_line(t, contrast, morris, experiment))
        for diff in differences(indices):
            dist = difference_distribution(per_point, kpi, diff)
            if dist:
                lines.append(_spread_line(kpi, dist, diff, experiment))
        if kpi in figures:
            lines += ["", f"![{kpi}](figures/{figures[kpi]})"]
        lines.append("")
    return lines


def _contrast_line(t: pd.DataFrame, contrast: str, morris: bool,
                   experiment: SensitivityExperiment) -> str:
    """One bullet: the parameters that drive an outcome under a contrast, and the noise."""
    what = "the difference" if is_difference(contrast) else "the outcome"
    items = driver_items(t, morris, what=what)
    title = contrast_title(contrast, experiment)
    noise = t["noise_share"].iloc[0] if len(t) else math.nan
    noise_txt = f" Seed noise is {noise:.0%} of the variance over points." \
        if math.isfinite(noise) else ""
    if items:
        return f"- **{title}**: " + "; ".join(items) + "." + noise_txt
    return f"- **{title}**: no parameter stands out from seed noise." + noise_txt


def _spread_line(kpi: str, dist: dict[str, float], contrast: str,
                 experiment: SensitivityExperiment) -> str:
    """One bullet: the mean and spread of one difference over the sample."""
    other = human(contrast.split(" - ", 1)[0])
    text = (f"- Across the sample the difference ({contrast_title(contrast, experiment)}) "
            f"averages "
            f"{fmt(dist['mean'])}{unit_suffix(kpi)} (10th to 90th percentile of points: "
            f"{fmt(dist['p10'])} to {fmt(dist['p90'])})")
    if dist["equal"] >= 1.0:
        text += "; the designs give the same value at every point"
    elif math.isfinite(dist["better"]):
        text += (f"; {other} is better at {dist['better']:.0%} of the "
                 f"points and worse at {dist['worse']:.0%}")
    return text + "."


def _difference_section(per_point: pd.DataFrame, experiment: SensitivityExperiment,
                        contrast: str, drivers: dict[str, list[str]]) -> list[str]:
    """What drives one difference between the designs, and where its sign is robust."""
    diff_name = contrast_title(contrast, experiment)
    other = human(contrast.split(" - ", 1)[0])
    dists = {kpi: difference_distribution(per_point, kpi, contrast) for kpi in drivers}
    lines = [f"## What drives the difference {diff_name}", "",
             "| KPI | better is | mean difference | 10th-90th percentile | "
             f"{other} better / worse at | main drivers of the difference |",
             "|---|---|---|---|---|---|"]
    for kpi, names in drivers.items():
        lines.append(_driver_row(kpi, dists[kpi], names))
    lines.append("")
    lines += _common_drivers(drivers, experiment)
    lines += _robust_signs(dists, other, experiment)
    lines.append("")
    return lines


def _driver_row(kpi: str, dist: dict[str, float], names: list[str]) -> str:
    """A table row: a KPI's direction, mean difference, spread and main drivers."""
    direction = {1: "higher", -1: "lower"}.get(KPI_DIRECTION.get(kpi, 0), "-")
    drivers = ", ".join(f"`{p}`" for p in names[:3]) or (
        "no difference" if dist.get("equal", 0) >= 1.0 else "none above noise")
    better = (f"{dist['better']:.0%} / {dist['worse']:.0%} of points"
              if math.isfinite(dist.get("better", math.nan)) else "-")
    return (f"| `{kpi}` | {direction} | {fmt(dist['mean'])} | {fmt(dist['p10'])} "
            f"to {fmt(dist['p90'])} | {better} | {drivers} |")


def _common_drivers(drivers: dict[str, list[str]],
                    experiment: SensitivityExperiment) -> list[str]:
    """The parameters most often (and never) among the top three drivers of a difference."""
    counts: dict[str, int] = {}
    for names in drivers.values():
        for p in names[:3]:
            counts[p] = counts.get(p, 0) + 1
    if not counts:
        return []
    common = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    lines = ["Most often among the top three drivers of the difference: " +
             ", ".join(f"`{p}` ({n} of {len(drivers)} KPIs)" for p, n in common[:5])
             + ". These are the assumptions a claim about the designs depends on most.", ""]
    never = [n for n in experiment.names if n not in counts]
    if never:
        lines.append("Never among the top three drivers of a difference (above the "
                     "noise floor): " + ", ".join(f"`{n}`" for n in never) + ".")
    return lines + [""]


def _robust_signs(dists: dict[str, dict[str, float]], other: str,
                  experiment: SensitivityExperiment) -> list[str]:
    """The KPIs on which one design wins at 90% of the points or more, and the mixed ones."""
    robust = [(kpi, "better" if d["better"] >= 0.9 else "worse") for kpi, d in dists.items()
              if d and math.isfinite(d["better"]) and max(d["better"], d["worse"]) >= 0.9]
    mixed = [kpi for kpi, d in dists.items()
             if d and math.isfinite(d["better"]) and max(d["better"], d["worse"]) < 0.9
             and d["equal"] < 1.0]
    lines = []
    if robust:
        parts = []
        for word in ("better", "worse"):
            kpis = [f"`{k}`" for k, w in robust if w == word]
            if kpis:
                parts.append(f"{word} on {join(kpis)}")
        lines += [f"Across the parameter ranges, {other} is "
                  f"{' and '.join(parts)} than {human(experiment.designs[0])} at 90% or more "
                  f"of the points.", ""]
    if mixed:
        lines.append("The sign depends on the parameters for " +
                     ", ".join(f"`{k}`" for k in mixed) + ": the main drivers above "
                     "decide which design comes out ahead.")
    lines.append("")
    return lines


def _inactive_section(indices: pd.DataFrame, experiment: SensitivityExperiment) -> list[str]:
    """The parameters that changed no outcome at all."""
    none = inactive(indices, experiment)
    if not none:
        return []
    return ["## Parameters without any effect", "",
            f"{join([f'`{n}`' for n in none])} changed no outcome at all in any "
            f"step of the sample (every elementary effect is exactly zero): the "
            f"mechanisms they steer never came into play in this region under these "
            f"designs. The analysis says nothing about them in other settings.", ""]


def _caveats(indices: pd.DataFrame, experiment: SensitivityExperiment) -> list[str]:
    """What the method, the seeds, the ranges and the set-up leave open."""
    lines = ["## Caveats", ""]
    if experiment.method == "morris":
        lines.append(
            f"- Morris is a screening method: it ranks parameters by the size of their effects "
            f"but does not split the variance into shares. With {experiment.n} trajectories "
            f"each parameter has only {experiment.n} elementary effects, so ranks close to each "
            f"other (overlapping whiskers) are not distinguishable; only the group at the top "
            f"and the parameters below the noise floor are clear.")
    else:
        lines.append(
            f"- Sobol indices need many base samples; with N = {experiment.n} the intervals "
            f"are wide and small negative S1 values are estimation error.")
    scale = experiment.fixed.get("population_scale", 1.0)
    return lines + [
        f"- {plural(experiment.seeds, 'seed')} per point: seed noise adds to every effect."
        + noise_sentence(indices) + " The shares of points at which a design is better "
        "count each point's seed mean, so where the noise share is high they include seed "
        "noise too.",
        "- The ranges are judgements (see the table), not measured distributions; another "
        "range gives another ranking. Parameters outside the table are fixed at the region's "
        "values, so their influence is not assessed.",
        f"- One region (`{_region(experiment)}`) at population scale {scale:g} and "
        f"{experiment.years} years; `spend` is in euros per month at that scale. Other regions "
        "or longer runs may rank the parameters differently.",
        _design_caveat(experiment),
        "",
        "Files: `indices.csv` (every index: `method, outcome, contrast, kpi, parameter, "
        "group` and the index columns), `outcomes.csv` (the outcomes per parameter point), "
        "`figures/`.",
    ]


def _design_caveat(experiment: SensitivityExperiment) -> str:
    """What the designs share within a point, and what is not varied."""
    if not experiment.shared:
        return ("- The designs are compared as the governance files define them; the levers "
                "they set (contract length, dialogue, partners, sanctions) are not varied here.")
    return ("- Within a point the designs share the sampled design levers"
            + (" and have no sanctions" if experiment.fixed.get("sanctions") is False else "")
            + "; the procurement form itself is what differs. The funding model is the "
            "region's; `wmo-abm effects` takes funding and sanctions apart.")


def write_analysis(indices: pd.DataFrame, per_point: pd.DataFrame,
                   experiment: SensitivityExperiment, folder: str | Path,
                   facts: Mapping[str, Any] | None = None) -> Path:
    """Write ``indices.csv``, ``outcomes.csv``, ``figures/*.png`` and ``report.md``.

    Args:
        indices: Indices of
            :func:`~agents_model.analysis.sensitivity.analyze.analyse_experiment`.
        per_point: Per-point outcomes of the same.
        experiment: The experiment.
        folder: Output folder (created).
        facts: Extra facts for the report: ``failed`` runs, ``run_seconds``,
            ``wall_seconds``, ``where`` (the executor), ``version``.

    Returns:
        The path of ``report.md``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    facts = dict(facts or {})
    try:
        facts.setdefault("salib", metadata.version("SALib"))
    except metadata.PackageNotFoundError:
        facts.setdefault("salib", "?")
    indices.to_csv(folder / "indices.csv", index=False, float_format="%.6g")
    table = per_point.copy()
    table.columns = [f"{c}/{k}" if k else c for c, k in table.columns]
    params = pd.DataFrame(experiment.points())
    pd.concat([params, table.reset_index(drop=True)], axis=1).rename_axis("point").to_csv(
        folder / "outcomes.csv", float_format="%.6g")
    figures = index_figures(indices, experiment, folder / "figures")
    overview = overview_figure(indices, experiment, folder / "figures")
    path = folder / "report.md"
    write_text(path, report_markdown(indices, per_point, experiment, figures, overview, facts))
    return path


def analyse_folder(out: str | Path, facts: Mapping[str, Any] | None = None,
                   experiment: SensitivityExperiment | None = None) -> Path:
    """Analyse a finished sensitivity experiment folder into ``OUT/analysis``.

    Args:
        out: The experiment's results folder.
        facts: Extra facts for the report (see :func:`write_analysis`).
        experiment: The experiment (default: rebuilt from ``OUT/experiment.json``).

    Returns:
        The path of ``report.md``.

    Raises:
        ExperimentError: No sensitivity experiment in ``out``, or unfinished points.
    """
    out = Path(out)
    meta_path = out / "experiment.json"
    if not meta_path.is_file():
        raise ExperimentError(f"{out}: holds no experiment (no experiment.json)")
    meta = json.loads(meta_path.read_text())
    if experiment is None:
        spec = meta.get("spec", {})
        if "sample_rows" not in spec:
            raise ExperimentError(f"{out}: holds no sensitivity experiment")
        experiment = SensitivityExperiment(**spec)
    manifest, kpis = read_kpis(out, OUTCOMES)
    facts = dict(facts or {})
    facts.setdefault("version", meta.get("version"))
    if len(manifest):
        facts.setdefault("failed", int((manifest["status"] != "ok").sum()))
        facts.setdefault("run_seconds", float(manifest["duration_s"].sum()))
    if kpis.empty:
        raise ExperimentError(f"{out}: no finished runs to analyse")
    indices, per_point = analyse_experiment(experiment, kpis)
    return write_analysis(indices, per_point, experiment, out / "analysis", facts)
