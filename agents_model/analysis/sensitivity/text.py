"""Words for the sensitivity report: numbers, names and the generated sentences."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from agents_model.analysis.sensitivity.analyze import (
    clear_drivers,
    difference_distribution,
    inactive,
)
from agents_model.analysis.sensitivity.problem import is_difference
from agents_model.analysis.sensitivity.sample import SensitivityExperiment
from agents_model.metrics import KPI_UNITS

__all__ = ["contrast_title", "differences", "driver_items", "driver_names", "duration", "fmt",
           "human", "in_short", "join", "noise_sentence", "plural", "unit_suffix"]


def contrast_title(contrast: str, experiment: SensitivityExperiment) -> str:
    """A contrast in words: a design's name, or 'strategic partners minus open house'."""
    if is_difference(contrast):
        other, baseline = contrast.split(" - ", 1)
        return f"{human(other)} minus {human(baseline)}"
    return human(contrast)


def differences(indices: pd.DataFrame) -> list[str]:
    """The difference contrasts among the indices, in their order."""
    return [c for c in dict.fromkeys(indices["contrast"]) if is_difference(c)]


def fmt(x: float) -> str:
    """A number with about three significant digits."""
    if x is None or not math.isfinite(x):
        return "n/a"
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    if a == 0:
        return "0"
    if a < 1e-3:
        return f"{x:.2e}"
    return f"{x:.{max(2, 2 - math.floor(math.log10(a)))}f}"


def duration(seconds: float) -> str:
    """Seconds in words: seconds, minutes or hours."""
    if seconds < 120:
        return f"{seconds:.0f} seconds"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.1f} hours"


def plural(n: int, word: str) -> str:
    """'1 seed', '2 seeds'."""
    return f"{n} {word}" + ("" if n == 1 else "s")


def human(name: str) -> str:
    """A design or region name (or file) in words: 'strategic partners'."""
    return Path(name).stem.replace("_", " ")


def driver_names(t: pd.DataFrame, morris: bool) -> list[str]:
    """The parameters of one outcome that stand out from seed noise, most influential first."""
    return list(clear_drivers(t, morris)["parameter"])


def driver_items(t: pd.DataFrame, morris: bool, what: str = "the outcome",
                 top: int = 3) -> list[str]:
    """The ``top`` parameters of one outcome above seed noise, each with its index in words.

    Args:
        t: The indices of one outcome.
        morris: Morris indices (else Sobol).
        what: What a parameter raises or lowers ('the outcome', 'the difference').
        top: How many parameters.
    """
    key, conf = ("mu_star", "mu_star_conf") if morris else ("ST", "ST_conf")
    items = []
    for row in clear_drivers(t, morris).head(top).itertuples():
        value = getattr(row, key)
        text = f"`{row.parameter}` ({'mu*' if morris else 'ST'} {fmt(value)} +- " \
               f"{fmt(getattr(row, conf))}"
        if morris:
            text += f", {row.share:.0%} of the total"
            if row.mu_star > 0 and abs(row.mu) >= 0.8 * row.mu_star:
                text += ", raising it " + ("raises" if row.mu > 0 else "lowers") + f" {what}"
            elif row.mu_star > 0 and row.sigma > row.mu_star:
                text += ", effect depends on the other parameters"
        else:
            text += f", S1 {fmt(row.S1)}"
        items.append(text + ")")
    return items


def unit_suffix(kpi: str) -> str:
    """`` unit`` for KPIs with a physical unit; nothing for 0-1 indices and shares."""
    unit = KPI_UNITS.get(kpi, "")
    return "" if unit in ("", "-", "0-1", "share") else f" {unit}"


def join(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def noise_sentence(indices: pd.DataFrame) -> str:
    """The range of the seed-noise share for the designs' levels and for the differences."""
    shares = indices.groupby(["contrast", "outcome"])["noise_share"].first().dropna()
    if shares.empty:
        return " With one seed the noise cannot be estimated."
    marks = [is_difference(c) for c in shares.index.get_level_values(0)]
    levels = shares[[not m for m in marks]]
    diffs = shares[marks]
    text = ""
    if len(levels):
        text += (f" Seed noise is {levels.min():.0%} to {levels.max():.0%} of the variance "
                 f"of the designs' values over the sample")
    if len(diffs):
        text += (f"{' and' if text else ' Seed noise is'} {diffs.min():.0%} to "
                 f"{diffs.max():.0%} of the variance of the differences")
        if len(levels) and diffs.median() > levels.median():
            text += (": pairing by seed removes the noise both designs share, but the "
                     "differences vary less over the parameters than the levels do")
    return text + "."


def in_short(indices: pd.DataFrame, per_point: pd.DataFrame,
             experiment: SensitivityExperiment) -> list[str]:
    """The main findings in a few generated sentences."""
    lines = ["", "## In short", ""]
    for contrast in differences(indices):
        lines += _comparison_findings(indices, per_point, experiment, contrast)
    firsts = _largest_effects(indices, experiment.method == "morris")
    if firsts:
        ranked = sorted(firsts.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        lines.append("- **What drives the outcomes under either design**: " + join(
            [f"`{n}` (the largest effect on {join([f'`{k}`' for k in ks])})"
             for n, ks in ranked]) + ".")
    none = inactive(indices, experiment)
    if none:
        lines.append(f"- **No effect at all**: {join([f'`{n}`' for n in none])}.")
    return lines


def _comparison_findings(indices: pd.DataFrame, per_point: pd.DataFrame,
                         experiment: SensitivityExperiment, contrast: str) -> list[str]:
    """The mean of one difference per KPI and the parameters that most often decide it."""
    morris = experiment.method == "morris"
    kpis = list(dict.fromkeys(indices["kpi"]))
    parts, counts = [], {}
    for kpi in kpis:
        dist = difference_distribution(per_point, kpi, contrast)
        if not dist:
            continue
        sign = "+" if dist["mean"] > 0 else ""
        text = f"`{kpi}` {sign}{fmt(dist['mean'])}{unit_suffix(kpi)}"
        if dist["equal"] >= 1.0:
            text += " (no difference)"
        elif math.isfinite(dist["better"]):
            share, word = max((dist["better"], "better"), (dist["worse"], "worse"))
            text += f" ({word} at {share:.0%} of the points)"
        parts.append(text)
        t = indices[(indices["kpi"] == kpi) & (indices["contrast"] == contrast)]
        for name in driver_names(t, morris)[:3]:
            counts[name] = counts.get(name, 0) + 1
    title = contrast_title(contrast, experiment)
    lines = [f"- **{title}**, averaged over the sample: " + "; ".join(parts) + "."]
    if counts:
        common = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:4]
        lines.append(f"- **What decides {title}** (most often among the three "
                     "largest effects on the difference): " + join(
                         [f"`{n}` ({c} of {len(kpis)} KPIs)" for n, c in common]) + ".")
    return lines


def _largest_effects(indices: pd.DataFrame, morris: bool) -> dict[str, list[str]]:
    """Per parameter, the KPIs (under either design) on which it has the largest effect."""
    firsts: dict[str, list[str]] = {}
    for (contrast, kpi), t in indices.groupby(["contrast", "kpi"], sort=False):
        if is_difference(contrast):
            continue
        for name in driver_names(t, morris)[:1]:
            firsts.setdefault(name, [])
            if kpi not in firsts[name]:
                firsts[name].append(kpi)
    return firsts
