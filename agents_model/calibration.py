"""Calibration to the reports' facts: pattern scoring and rejection (pattern-oriented modelling).

The targets T1-T6 of ``EVIDENCE.md`` are patterns in ``calibration/targets.toml``: a KPI, a
statistic over the run (value over the last year, growth, slope, share), a scenario variant and
an acceptance range. Calibration samples the uncertain behavioural parameters (those with a
``prior`` in the parameter table) by Latin hypercube, runs every sample point under every
variant and seed through the experiment runner (so it parallelises, resumes and runs on a Dask
cluster unchanged), averages each pattern over seeds and keeps the sample points that meet every
pattern (rejection). When no point meets them all, the closest tenth is kept instead (pattern
filtering) and the patterns that could not be met together are named. Later rounds sample the
box around the sets the round before kept (sequential pattern filtering, :func:`run_rounds`).
The kept set closest to the patterns (or the medians of the kept sets) becomes
``calibrated.toml``, which scenarios use as defaults once installed.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agents_model.experiment import OWN_DESIGN, Experiment, ExperimentError, read_results
from agents_model.metrics import KPI_NAMES
from agents_model.params import by_name, priors
from agents_model.scenario import CALIBRATED

__all__ = [
    "PICKS",
    "TARGETS",
    "Round",
    "Target",
    "TargetSet",
    "calibrated_values",
    "calibration_experiment",
    "check",
    "check_experiment",
    "check_report",
    "distance",
    "load_targets",
    "narrowed_box",
    "posterior",
    "run_rounds",
    "score",
    "statistic",
    "write_analysis",
]

TARGETS = CALIBRATED.parent / "targets.toml"
STATISTICS = ("mean_last_year", "growth", "slope", "share")
PICKS = ("best", "median")
ROOT_SEED = 20260101


@dataclass(frozen=True)
class Target:
    """One calibration pattern.

    Attributes:
        id: Target id (T1a, T2, ...).
        pattern: The fact in words.
        source: Report and section.
        kpi: KPI column it is computed from.
        statistic: mean_last_year, growth, slope or share.
        variant: Scenario variant the runs use.
        low: Lowest accepted value.
        high: Highest accepted value.
        denominator: Second KPI for the ``share`` statistic.
    """

    id: str
    pattern: str
    source: str
    kpi: str
    statistic: str
    variant: str
    low: float
    high: float
    denominator: str = ""


@dataclass
class TargetSet:
    """The calibration set-up: region, design, evaluation month, variants and targets.

    Attributes:
        region: Region of every run.
        design: Design of every run (``own``: the region's).
        month: Month the patterns are evaluated at.
        variants: Parameter values per variant name.
        targets: The patterns.
        source: File read.
    """

    region: str
    design: str
    month: int
    variants: dict[str, dict[str, Any]]
    targets: list[Target] = field(default_factory=list)
    source: str = ""


def load_targets(path: str | Path = TARGETS) -> TargetSet:
    """Read and validate the targets file.

    Raises:
        ExperimentError: Missing file, bad TOML, unknown KPI, statistic or variant, bad range.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text())
    except OSError as exc:
        raise ExperimentError(f"{path}: cannot read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ExperimentError(f"{path}: not valid TOML ({exc})") from None
    setup = data.get("setup", {})
    variants = data.get("variants", {"base": {}})
    for key in ("region", "design", "month"):
        if key not in setup:
            raise ExperimentError(f"{path}: [setup] needs '{key}'")
    month = setup["month"]
    if not isinstance(month, int) or not 12 <= month <= 600:
        raise ExperimentError(f"{path}: key 'setup.month' must be an integer from 12 to 600")
    targets = []
    for i, entry in enumerate(data.get("target", [])):
        try:
            target = Target(**entry)
        except TypeError as exc:
            raise ExperimentError(f"{path}: target[{i}]: {exc}") from None
        where = f"{path}: target {target.id}"
        if target.kpi not in KPI_NAMES or (target.denominator and
                                           target.denominator not in KPI_NAMES):
            raise ExperimentError(f"{where}: unknown KPI '{target.kpi}'")
        if target.statistic not in STATISTICS:
            raise ExperimentError(f"{where}: statistic must be one of {', '.join(STATISTICS)}")
        if target.statistic == "share" and not target.denominator:
            raise ExperimentError(f"{where}: a share needs a 'denominator'")
        if target.variant not in variants:
            raise ExperimentError(f"{where}: unknown variant '{target.variant}'")
        if not target.low < target.high:
            raise ExperimentError(f"{where}: 'low' must be below 'high'")
        targets.append(target)
    if not targets:
        raise ExperimentError(f"{path}: no [[target]] entries")
    return TargetSet(setup["region"], setup["design"], month, variants, targets, str(path))


# --- patterns -----------------------------------------------------------------------------------


def statistic(frame: pd.DataFrame, target: Target, month: int) -> float:
    """The target's statistic for one run's monthly KPI frame (sorted by month)."""
    frame = frame[frame["month"] <= month]
    last = frame[frame["month"] > month - 12]
    if target.statistic == "mean_last_year":
        return float(last[target.kpi].mean())
    if target.statistic == "growth":
        start = float(frame.loc[frame["month"] == 0, target.kpi].iloc[0])
        return float(last[target.kpi].mean()) / start if start else math.nan
    if target.statistic == "slope":
        body = frame[frame["month"] >= 1]
        slope = np.polyfit(body["month"].to_numpy(float), body[target.kpi].to_numpy(float), 1)[0]
        return float(slope * 12.0)
    denominator = float(last[target.denominator].mean())
    return float(last[target.kpi].mean()) / denominator if denominator else math.nan


def distance(value: float, target: Target) -> float:
    """0 inside the acceptance range; otherwise the gap as a share of the range's width."""
    if value is None or math.isnan(value):
        return math.inf
    width = target.high - target.low
    if value < target.low:
        return (target.low - value) / width
    if value > target.high:
        return (value - target.high) / width
    return 0.0


# --- the experiment -----------------------------------------------------------------------------


def calibration_experiment(targets: TargetSet, budget: int, seeds: int, scale: float,
                           root_seed: int = ROOT_SEED,
                           prior: dict[str, tuple[float, float]] | None = None) -> Experiment:
    """The experiment: ``budget`` Latin-hypercube points x variants x seeds.

    Args:
        targets: The target set (region, design, month, variants).
        budget: Number of parameter sets sampled.
        seeds: Seeds per parameter set and variant.
        scale: Population scale of the runs.
        root_seed: Root of the seed sequence (also seeds the Latin hypercube).
        prior: Parameter ranges (default: the priors of the parameter table).
    """
    prior = prior or priors()
    return Experiment(
        name="calibration", regions=[targets.region], designs=[targets.design or OWN_DESIGN],
        seeds=seeds, years=math.ceil(targets.month / 12), root_seed=root_seed,
        fixed={"population_scale": scale}, rows=[dict(v) for v in targets.variants.values()],
        sample={k: [float(lo), float(hi)] for k, (lo, hi) in prior.items()},
        sample_size=budget,
        description=f"Calibration of {len(prior)} parameters to {len(targets.targets)} "
                    f"patterns on {targets.region}")


def score(out: str | Path, targets: TargetSet, experiment: Experiment) -> pd.DataFrame:
    """Score every sampled parameter set against every pattern (seed means).

    Returns:
        One row per parameter set: its sampled values, each target's value and distance,
        ``total`` (sum of distances), ``met`` (patterns met) and ``runs`` (finished runs).
    """
    tables = read_results(out)
    kpis = tables["kpis"]
    if kpis.empty:
        raise ExperimentError(f"{out}: no finished runs to score")
    budget = experiment.sample_size
    variant_names = list(targets.variants)
    samples = experiment.points()
    keys = list(experiment.sample)
    rows = []
    for (point, _seed), frame in kpis.groupby(["point", "seed_index"], sort=True):
        frame = frame.sort_values("month")
        variant = variant_names[point // budget]
        for target in targets.targets:
            if target.variant == variant:
                rows.append({"sample": point % budget, "target": target.id,
                             "value": statistic(frame, target, targets.month)})
    values = pd.DataFrame(rows).groupby(["sample", "target"])["value"].agg(["mean", "count"])
    out_rows = []
    for j in range(budget):
        row: dict[str, Any] = {"sample": j, **{k: samples[j][k] for k in keys}}
        total, met, runs = 0.0, 0, 0
        for target in targets.targets:
            if (j, target.id) in values.index:
                value = float(values.loc[(j, target.id), "mean"])
                runs += int(values.loc[(j, target.id), "count"])
            else:
                value = math.nan
            d = distance(value, target)
            row[target.id] = value
            row[f"d_{target.id}"] = d
            total += d
            met += d == 0.0
        row.update({"total": total, "met": met, "runs": runs})
        out_rows.append(row)
    return pd.DataFrame(out_rows)


def select(scores: pd.DataFrame, n_targets: int) -> tuple[pd.DataFrame, str]:
    """Accepted parameter sets: all patterns met (rejection), else the closest tenth."""
    accepted = scores[scores["met"] == n_targets]
    if len(accepted):
        return accepted, "rejection: every pattern met"
    finite = scores[np.isfinite(scores["total"])]
    if finite.empty:
        return finite, "no parameter set could be scored"
    keep = max(1, len(finite) // 10)
    return finite.nsmallest(keep, "total"), \
        f"pattern filtering: no set met every pattern; kept the closest {keep}"


def posterior(accepted: pd.DataFrame, prior: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """Accepted ranges per parameter: prior bounds, accepted min, median, max."""
    rows = []
    for name, (low, high) in prior.items():
        col = accepted[name] if name in accepted else pd.Series(dtype=float)
        rows.append({"parameter": name, "prior_low": low, "prior_high": high,
                     "min": col.min(), "median": col.median(), "max": col.max(),
                     "n": int(col.count())})
    return pd.DataFrame(rows)


def conflicts(scores: pd.DataFrame, targets: TargetSet) -> list[tuple[str, str]]:
    """Pairs of patterns each met by some parameter set but never by the same one."""
    out = []
    ids = [t.id for t in targets.targets]
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            met_a = scores[f"d_{a}"] == 0
            met_b = scores[f"d_{b}"] == 0
            if met_a.any() and met_b.any() and not (met_a & met_b).any():
                out.append((a, b))
    return out


def calibrated_values(post: pd.DataFrame, accepted: pd.DataFrame | None = None,
                      pick: str = "median") -> dict[str, Any]:
    """Calibrated values, typed like the parameters (integers rounded).

    Args:
        post: The posterior table (:func:`posterior`).
        accepted: The accepted parameter sets (needed for ``pick="best"``).
        pick: ``"median"``: the median of every accepted range; ``"best"``: the accepted set
            closest to the patterns (smallest total distance), a point that was actually run,
            which keeps the correlations between parameters that coordinate medians lose.
    """
    if pick not in PICKS:
        raise ValueError(f"pick must be one of {', '.join(PICKS)}, not {pick!r}")
    chosen: dict[str, float] = {}
    if pick == "best" and accepted is not None and len(accepted):
        order = [c for c in ("total", "round", "sample") if c in accepted]
        best = accepted.sort_values(order).iloc[0]
        chosen = {row.parameter: float(best[row.parameter]) for row in post.itertuples()
                  if row.parameter in best.index}
    values = {}
    for row in post.itertuples():
        raw = chosen.get(row.parameter, row.median)
        if math.isnan(raw):
            continue
        param = by_name(row.parameter)
        values[row.parameter] = int(round(raw)) if param.kind is int else round(float(raw), 4)
    return values


def narrowed_box(accepted: pd.DataFrame, box: dict[str, tuple[float, float]],
                 prior: dict[str, tuple[float, float]],
                 widen: float = 0.1) -> dict[str, tuple[float, float]]:
    """Sampling box of the next round: the kept sets' ranges, widened, inside the prior.

    Sequential pattern filtering: each round samples a Latin hypercube over the box that
    holds the previous round's kept sets, widened on each side by ``widen`` of the prior's
    width so the search can still move, and never beyond the prior.

    Args:
        accepted: The kept parameter sets of the round.
        box: The box that round sampled.
        prior: The original priors.
        widen: Margin on each side as a share of the prior's width.
    """
    if accepted.empty:
        return dict(box)
    out = {}
    for name, (low, high) in box.items():
        p_low, p_high = prior.get(name, (low, high))
        margin = widen * (p_high - p_low)
        low = max(p_low, float(accepted[name].min()) - margin)
        high = min(p_high, float(accepted[name].max()) + margin)
        if _is_int(name):
            low, high = float(math.floor(low)), float(math.ceil(high))
        out[name] = (low, high)
    return out


def _is_int(name: str) -> bool:
    param = by_name(name)
    return param is not None and param.kind is int


def run_rounds(targets: TargetSet, budget: int, seeds: int, scale: float, rounds: int,
               out: Path, run: Callable[[Experiment, Path], None],
               prior: dict[str, tuple[float, float]] | None = None) -> list[Round]:
    """Run ``rounds`` rounds of sequential pattern filtering through ``run``.

    Round 1 samples the priors; every later round samples the box around the sets the round
    before kept (:func:`narrowed_box`), with its own Latin hypercube seed. Each round has its
    own results folder (``out`` itself for a single round, ``out/round<k>`` otherwise), so an
    interrupted calibration resumes where it stopped.

    Args:
        targets: The target set.
        budget: Parameter sets per round.
        seeds: Seeds per parameter set and variant.
        scale: Population scale of the runs.
        rounds: Number of rounds.
        out: Results folder.
        run: Runs an experiment into a folder (the experiment command's runner).
        prior: Parameter ranges of round 1 (default: the priors of the parameter table).

    Returns:
        One :class:`Round` per round, in order.
    """
    prior = prior or priors()
    box = dict(prior)
    done: list[Round] = []
    for k in range(1, rounds + 1):
        folder = out if rounds == 1 else out / f"round{k}"
        experiment = calibration_experiment(targets, budget, seeds, scale,
                                            root_seed=ROOT_SEED + k - 1, prior=box)
        run(experiment, folder)
        scores = score(folder, targets, experiment)
        accepted, method = select(scores, len(targets.targets))
        done.append(Round(k, experiment, scores, accepted, method, box))
        box = narrowed_box(accepted, box, prior)
    return done


@dataclass(frozen=True)
class Round:
    """One round of a calibration: what it sampled, scored and kept."""

    number: int
    experiment: Experiment
    scores: pd.DataFrame
    accepted: pd.DataFrame
    method: str
    box: dict[str, tuple[float, float]]


# --- checking the installed defaults -----------------------------------------------------------


def check_experiment(targets: TargetSet, seeds: int, scale: float,
                     root_seed: int = ROOT_SEED + 1000) -> Experiment:
    """The defaults as they stand (no sampling): every variant x ``seeds`` seeds."""
    return Experiment(
        name="calibration-check", regions=[targets.region],
        designs=[targets.design or OWN_DESIGN], seeds=seeds,
        years=math.ceil(targets.month / 12), root_seed=root_seed,
        fixed={"population_scale": scale}, rows=[dict(v) for v in targets.variants.values()],
        description=f"Check of the calibrated defaults against {len(targets.targets)} patterns "
                    f"on {targets.region}")


def check(out: str | Path, targets: TargetSet) -> pd.DataFrame:
    """Every pattern's statistic per seed for the runs of :func:`check_experiment`.

    Returns:
        One row per target: range, seed mean, 5th and 95th percentiles over seeds, the share
        of seeds inside the range, ``met`` (the seed mean inside the range) and ``seeds``.
    """
    kpis = read_results(out)["kpis"]
    if kpis.empty:
        raise ExperimentError(f"{out}: no finished runs to check")
    variant_names = list(targets.variants)
    per_seed: dict[str, list[float]] = {t.id: [] for t in targets.targets}
    for (point, _seed), frame in kpis.groupby(["point", "seed_index"], sort=True):
        frame = frame.sort_values("month")
        for target in targets.targets:
            if target.variant == variant_names[point]:
                per_seed[target.id].append(statistic(frame, target, targets.month))
    rows = []
    for target in targets.targets:
        values = pd.Series(per_seed[target.id], dtype=float).dropna()
        mean = float(values.mean()) if len(values) else math.nan
        inside = values.between(target.low, target.high)
        rows.append({"target": target.id, "pattern": target.pattern, "source": target.source,
                     "low": target.low, "high": target.high, "mean": mean,
                     "p5": float(values.quantile(0.05)) if len(values) else math.nan,
                     "p95": float(values.quantile(0.95)) if len(values) else math.nan,
                     "seeds_inside": float(inside.mean()) if len(values) else math.nan,
                     "met": distance(mean, target) == 0.0, "seeds": len(values)})
    return pd.DataFrame(rows)


def check_report(table: pd.DataFrame, targets: TargetSet, experiment: Experiment) -> str:
    """Markdown report of :func:`check`: each pattern against its range, stated plainly."""
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


def write_analysis(rounds: list[Round], targets: TargetSet, folder: str | Path,
                   pick: str = "best") -> dict[str, Any]:
    """Write scores, posterior, calibrated.toml, figures and a Markdown report to ``folder``.

    The last round decides what is kept; the conflicts between patterns are read from every
    set sampled in any round.

    Args:
        rounds: The rounds run (:func:`run_rounds`), in order.
        targets: The target set.
        folder: Analysis folder.
        pick: How the calibrated values are chosen from the kept sets (:data:`PICKS`).

    Returns:
        A summary dict: method, accepted count, calibrated values, conflicts, report path.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
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
    pairs = conflicts(every, targets)
    every.to_csv(folder / "scores.csv", index=False)
    post.to_csv(folder / "posterior.csv", index=False)
    (folder / "calibrated.toml").write_text(_calibrated_toml(values, method, pick, accepted,
                                                             every, last))
    figures = _figures(every, accepted, targets, folder)
    report = folder / "report.md"
    report.write_text(_report(rounds, every, accepted, post, method, pick, pairs, targets,
                              figures))
    return {"method": method, "accepted": len(accepted), "sampled": len(every),
            "values": values, "conflicts": pairs, "report": report}


def _calibrated_toml(values: dict[str, Any], method: str, pick: str, accepted: pd.DataFrame,
                     every: pd.DataFrame, last: Round) -> str:
    how = ("the accepted set closest to the patterns" if pick == "best"
           else "median of the accepted parameter sets")
    experiment = last.experiment
    lines = [
        f"# Calibrated defaults of the uncertain behavioural parameters ({how}).",
        "# Written by `wmo-abm calibrate`; scenarios lay these over the parameter table's",
        "# defaults when this file is calibration/calibrated.toml.",
        "",
        "[meta]",
        f'method = "{method}"',
        f'pick = "{pick}"',
        f"accepted = {len(accepted)}",
        f"sampled = {len(every)}",
        f"seeds = {experiment.seeds}",
        f"population_scale = {experiment.fixed.get('population_scale', 1.0)}",
        f'experiment_hash = "{experiment.spec_hash()}"',
        "",
        "[calibrated]",
    ]
    lines += [f"{k} = {v}" for k, v in values.items()]
    return "\n".join(lines) + "\n"


def _figures(scores: pd.DataFrame, accepted: pd.DataFrame, targets: TargetSet,
             folder: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(targets.targets)
    cols = 3
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 2.6 * rows), squeeze=False)
    for ax, target in zip(axes.flat, targets.targets, strict=False):
        all_values = scores[target.id].dropna()
        kept = accepted[target.id].dropna()
        ax.axvspan(target.low, target.high, color="#2ca02c", alpha=0.15, label="accepted range")
        ax.plot(all_values, np.zeros(len(all_values)) + 0.3, "|", color="#999999", ms=14,
                label="all sampled sets")
        ax.plot(kept, np.zeros(len(kept)) + 0.7, "|", color="#1f77b4", ms=14, mew=2,
                label="kept sets")
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        ax.set_title(f"{target.id}: {target.kpi}", fontsize=9)
        lo = min([target.low, *all_values]) if len(all_values) else target.low
        hi = max([target.high, *all_values]) if len(all_values) else target.high
        pad = 0.05 * (hi - lo or 1.0)
        ax.set_xlim(lo - pad, hi + pad)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7, loc="upper left")
    fig.suptitle("Calibration patterns: sampled parameter sets against the acceptance ranges")
    fig.tight_layout()
    name = "patterns.png"
    fig.savefig(folder / name, dpi=110)
    plt.close(fig)
    return [name]


def _report(rounds: list[Round], scores: pd.DataFrame, accepted: pd.DataFrame,
            post: pd.DataFrame, method: str, pick: str, pairs: list[tuple[str, str]],
            targets: TargetSet, figures: list[str]) -> str:
    experiment = rounds[-1].experiment
    sampled = len(scores)
    lines = [
        "# Calibration report",
        "",
        f"{experiment.description}. Region `{targets.region}`, design `{targets.design}`, "
        f"patterns evaluated at month {targets.month}; {len(rounds)} round(s) of "
        f"{experiment.sample_size} parameter sets (Latin hypercube) x "
        f"{len(targets.variants)} variants x {experiment.seeds} seeds at population scale "
        f"{experiment.fixed.get('population_scale', 1.0)}; {sampled} sets in all.",
        "",
        f"**Selection:** {method}; {len(accepted)} of {len(scores)} parameter sets kept.",
        "",
    ]
    if len(rounds) > 1:
        lines += ["## Rounds", "",
                  "Round 1 samples the priors; each later round samples the box around the sets "
                  "the round before kept, widened by a tenth of the prior's width on each side.",
                  "", "| round | sets | sets meeting every pattern | patterns met: best | "
                  "kept: median distance |", "|---|---|---|---|---|"]
        for r in rounds:
            full = int((r.scores["met"] == len(targets.targets)).sum())
            lines.append(f"| {r.number} | {len(r.scores)} | {full} | "
                         f"{int(r.scores['met'].max())} of {len(targets.targets)} | "
                         f"{_num(r.accepted['total'].median() if len(r.accepted) else math.nan)}"
                         " |")
        lines.append("")
    lines += [
        "## Patterns",
        "",
        "| target | pattern | source | accepted range | all sets: median [min, max] | "
        "kept sets: median [min, max] | sets meeting it |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in targets.targets:
        all_v = scores[t.id].dropna()
        kept = accepted[t.id].dropna()
        lines.append(
            f"| {t.id} | {t.pattern} | {t.source} | {t.low:g} to {t.high:g} | "
            f"{_stats(all_v)} | {_stats(kept)} | {int((scores[f'd_{t.id}'] == 0).sum())} |")
    lines += ["", "## Patterns that could not be met", ""]
    unmet = [t.id for t in targets.targets if (scores[f"d_{t.id}"] == 0).sum() == 0]
    if unmet:
        lines.append(f"No sampled parameter set met: {', '.join(unmet)}.")
    if pairs:
        lines.append("Met by some sets, but never together: " +
                     "; ".join(f"{a} and {b}" for a, b in pairs) + ".")
    if not unmet and not pairs:
        lines.append("Every pattern was met by some parameter set, and no pair of patterns "
                     "excluded each other.")
    how = ("the kept set closest to the patterns (a point that was run, so the correlations "
           "between parameters are kept)" if pick == "best" else "the medians of the kept sets")
    lines += ["", "## Accepted parameter ranges (posterior)", "",
              "| parameter | prior | last round sampled | kept: min | median | max | "
              "calibrated |", "|---|---|---|---|---|---|---|"]
    for row in post.itertuples():
        lines.append(f"| `{row.parameter}` | {row.prior_low:g} to {row.prior_high:g} | "
                     f"{_num(row.box_low)} to {_num(row.box_high)} | {_num(row.min)} | "
                     f"{_num(row.median)} | {_num(row.max)} | {_num(row.chosen)} |")
    lines += ["", f"The calibrated column is {how}; it is written to `calibrated.toml`, and "
              "`wmo-abm calibrate --install` makes it the defaults of every scenario.", ""]
    for name in figures:
        lines += [f"![patterns]({name})", ""]
    return "\n".join(lines)


def _stats(values: pd.Series) -> str:
    if values.empty:
        return "-"
    return f"{_num(values.median())} [{_num(values.min())}, {_num(values.max())}]"


def _num(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.3g}"
