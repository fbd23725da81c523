"""Writing the calibration: scores, posterior, ``calibrated.toml``, figure and reports."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from agents_model.analysis.calibration.analyze import (
    calibrated_values,
    conflicts,
    posterior,
    select,
)
from agents_model.analysis.calibration.figures import pattern_figure
from agents_model.analysis.calibration.rounds import Round
from agents_model.analysis.calibration.targets import TargetSet
from agents_model.analysis.output import write_text
from agents_model.runner.experiments import Experiment

__all__ = ["check_report", "write_analysis"]


@dataclass(frozen=True)
class _Selection:
    """What a calibration kept: the scores of every round and the values chosen from them.

    Attributes:
        rounds: The rounds run, in order.
        scores: The scores of every set of every round (column ``round`` added).
        accepted: The kept sets.
        method: How they were kept, in words.
        pick: How the calibrated values were chosen from the kept sets.
        posterior: The accepted ranges with the last round's box and the chosen values.
        values: The calibrated values.
        pairs: Patterns each met by some set but never together.
    """

    rounds: list[Round]
    scores: pd.DataFrame
    accepted: pd.DataFrame
    method: str
    pick: str
    posterior: pd.DataFrame
    values: dict[str, Any]
    pairs: list[tuple[str, str]]


def write_analysis(rounds: list[Round], targets: TargetSet, folder: str | Path,
                   pick: str = "best") -> dict[str, Any]:
    """Write scores, posterior, calibrated.toml, figures and a Markdown report to ``folder``.

    The last round decides what is kept; the conflicts between patterns are read from every
    set sampled in any round.

    Args:
        rounds: The rounds run (:func:`~agents_model.analysis.calibration.rounds.run_rounds`),
            in order.
        targets: The target set.
        folder: Analysis folder.
        pick: How the calibrated values are chosen from the kept sets
            (:data:`~agents_model.analysis.calibration.analyze.PICKS`).

    Returns:
        A summary dict: method, accepted count, calibrated values, conflicts, report path.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sel = _select(rounds, targets, pick)
    sel.scores.to_csv(folder / "scores.csv", index=False)
    sel.posterior.to_csv(folder / "posterior.csv", index=False)
    write_text(folder / "calibrated.toml", _calibrated_toml(sel))
    figures = pattern_figure(sel.scores, sel.accepted, targets, folder)
    report = folder / "report.md"
    write_text(report, _report(sel, targets, figures))
    return {"method": sel.method, "accepted": len(sel.accepted), "sampled": len(sel.scores),
            "values": sel.values, "conflicts": sel.pairs, "report": report}


def _select(rounds: list[Round], targets: TargetSet, pick: str) -> _Selection:
    """Keep sets among every round's scores and choose the calibrated values."""
    last = rounds[-1]
    prior = {k: tuple(v) for k, v in rounds[0].experiment.sample.items()}
    every = pd.concat([r.scores.assign(round=r.number) for r in rounds], ignore_index=True)
    accepted, method = select(every, len(targets.targets))
    if len(rounds) > 1:
        method += f" among the {len(every)} sets of {len(rounds)} rounds of sequential " \
                  "pattern filtering"
    post = posterior(accepted, prior)
    post["box_low"] = [last.box[n][0] for n in post["parameter"]]
    post["box_high"] = [last.box[n][1] for n in post["parameter"]]
    values = calibrated_values(post, accepted, pick)
    post["chosen"] = [values.get(n, math.nan) for n in post["parameter"]]
    return _Selection(rounds, every, accepted, method, pick, post, values,
                      conflicts(every, targets))


def _calibrated_toml(sel: _Selection) -> str:
    """The text of ``calibrated.toml``: how the values were chosen, then the values."""
    how = ("the accepted set closest to the patterns" if sel.pick == "best"
           else "median of the accepted parameter sets")
    experiment = sel.rounds[-1].experiment
    lines = [
        f"# Calibrated defaults of the uncertain behavioural parameters ({how}).",
        "# Written by `wmo-abm calibrate`; scenarios lay these over the parameter table's",
        "# defaults when this file is calibration/calibrated.toml.",
        "",
        "[meta]",
        f'method = "{sel.method}"',
        f'pick = "{sel.pick}"',
        f"accepted = {len(sel.accepted)}",
        f"sampled = {len(sel.scores)}",
        f"seeds = {experiment.seeds}",
        f"population_scale = {experiment.fixed.get('population_scale', 1.0)}",
        f'experiment_hash = "{experiment.spec_hash()}"',
        "",
        "[calibrated]",
    ]
    lines += [f"{k} = {v}" for k, v in sel.values.items()]
    return "\n".join(lines) + "\n"


def _report(sel: _Selection, targets: TargetSet, figures: list[str]) -> str:
    """The text of the calibration's ``report.md``."""
    experiment = sel.rounds[-1].experiment
    lines = [
        "# Calibration report",
        "",
        f"{experiment.description}. Region `{targets.region}`, design `{targets.design}`, "
        f"patterns evaluated at month {targets.month}; {len(sel.rounds)} round(s) of "
        f"{experiment.sample_size} parameter sets (Latin hypercube) x "
        f"{len(targets.variants)} variants x {experiment.seeds} seeds at population scale "
        f"{experiment.fixed.get('population_scale', 1.0)}; {len(sel.scores)} sets in all.",
        "",
        f"**Selection:** {sel.method}; {len(sel.accepted)} of {len(sel.scores)} parameter sets "
        "kept.",
        "",
    ]
    lines += _rounds_section(sel, targets)
    lines += _patterns_section(sel, targets)
    lines += _unmet_section(sel, targets)
    lines += _posterior_section(sel)
    for name in figures:
        lines += [f"![patterns]({name})", ""]
    return "\n".join(lines)


def _rounds_section(sel: _Selection, targets: TargetSet) -> list[str]:
    """One table row per round (nothing for a single round)."""
    if len(sel.rounds) < 2:
        return []
    n = len(targets.targets)
    lines = ["## Rounds", "",
             "Round 1 samples the priors; each later round samples the box around the sets "
             "the round before kept, widened by a tenth of the prior's width on each side.",
             "", "| round | sets | sets meeting every pattern | patterns met: best | "
             "kept: median distance |", "|---|---|---|---|---|"]
    for r in sel.rounds:
        full = int((r.scores["met"] == n).sum())
        median = r.accepted["total"].median() if len(r.accepted) else math.nan
        lines.append(f"| {r.number} | {len(r.scores)} | {full} | "
                     f"{int(r.scores['met'].max())} of {n} | {_num(median)} |")
    return lines + [""]


def _patterns_section(sel: _Selection, targets: TargetSet) -> list[str]:
    """Each pattern's values over all sets and over the kept sets."""
    lines = [
        "## Patterns",
        "",
        "| target | pattern | source | accepted range | all sets: median [min, max] | "
        "kept sets: median [min, max] | sets meeting it |",
        "|---|---|---|---|---|---|---|",
    ]
    scores = sel.scores
    for t in targets.targets:
        lines.append(
            f"| {t.id} | {t.pattern} | {t.source} | {t.low:g} to {t.high:g} | "
            f"{_stats(scores[t.id].dropna())} | {_stats(sel.accepted[t.id].dropna())} | "
            f"{int((scores[f'd_{t.id}'] == 0).sum())} |")
    return lines


def _unmet_section(sel: _Selection, targets: TargetSet) -> list[str]:
    """The patterns no set met, and the pairs no set met together."""
    lines = ["", "## Patterns that could not be met", ""]
    unmet = [t.id for t in targets.targets if (sel.scores[f"d_{t.id}"] == 0).sum() == 0]
    if unmet:
        lines.append(f"No sampled parameter set met: {', '.join(unmet)}.")
    if sel.pairs:
        lines.append("Met by some sets, but never together: " +
                     "; ".join(f"{a} and {b}" for a, b in sel.pairs) + ".")
    if not unmet and not sel.pairs:
        lines.append("Every pattern was met by some parameter set, and no pair of patterns "
                     "excluded each other.")
    return lines


def _posterior_section(sel: _Selection) -> list[str]:
    """The accepted range and the calibrated value of every parameter."""
    how = ("the kept set closest to the patterns (a point that was run, so the correlations "
           "between parameters are kept)" if sel.pick == "best"
           else "the medians of the kept sets")
    lines = ["", "## Accepted parameter ranges (posterior)", "",
             "| parameter | prior | last round sampled | kept: min | median | max | "
             "calibrated |", "|---|---|---|---|---|---|---|"]
    for row in sel.posterior.itertuples():
        lines.append(f"| `{row.parameter}` | {row.prior_low:g} to {row.prior_high:g} | "
                     f"{_num(row.box_low)} to {_num(row.box_high)} | {_num(row.min)} | "
                     f"{_num(row.median)} | {_num(row.max)} | {_num(row.chosen)} |")
    return lines + ["", f"The calibrated column is {how}; it is written to `calibrated.toml`, "
                    "and `wmo-abm calibrate --install` makes it the defaults of every "
                    "scenario.", ""]


def _stats(values: pd.Series) -> str:
    """'median [min, max]' of values ('-' if there are none)."""
    if values.empty:
        return "-"
    return f"{_num(values.median())} [{_num(values.min())}, {_num(values.max())}]"


def _num(x: float) -> str:
    """A number with three significant digits ('-' if missing)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.3g}"


def check_report(table: pd.DataFrame, targets: TargetSet, experiment: Experiment) -> str:
    """Markdown report of a check: each pattern against its range, stated plainly.

    Args:
        table: The table of :func:`~agents_model.analysis.calibration.analyze.check`.
        targets: The target set.
        experiment: The check experiment.
    """
    met = int(table["met"].sum())
    lines = [
        "# Check of the calibrated defaults",
        "",
        f"{experiment.description}: `{targets.region}`, design `{targets.design}`, month "
        f"{targets.month}, {experiment.seeds} seeds per variant at population scale "
        f"{experiment.fixed.get('population_scale', 1.0)}, with the defaults of the parameter "
        "table and `calibration/calibrated.toml`.",
        "",
        f"**{met} of {len(table)} patterns met** by the mean over seeds.",
        "",
        "| target | pattern | accepted range | mean over seeds | 5th-95th percentile | "
        "seeds inside | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in table.itertuples():
        lines.append(f"| {row.target} | {row.pattern} {row.source} | {row.low:g} to "
                     f"{row.high:g} | {_num(row.mean)} | {_num(row.p5)} to {_num(row.p95)} | "
                     f"{row.seeds_inside:.0%} | {'yes' if row.met else '**no**'} |")
    missed = [r.target for r in table.itertuples() if not r.met]
    lines += ["", ("Not met: " + ", ".join(missed) + ".") if missed
              else "Every pattern is met.", ""]
    return "\n".join(lines)
