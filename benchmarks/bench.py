"""Benchmark of wmo-abm: construction time, time per monthly step, resident-steps per second.

Run from the repository root::

    .venv/bin/python benchmarks/bench.py            # full run (a few minutes)
    .venv/bin/python benchmarks/bench.py --quick    # fewer repetitions and steps
    .venv/bin/python benchmarks/bench.py --json out/bench.json
    .venv/bin/python benchmarks/bench.py --quick --full-run   # quick, with the 10-year run

It prints a readable table and a JSON report. Measured in the same process and run, Mesa's own
BoltzmannWealth example at 10,000 agents gives a reference throughput (agent-steps per second),
so figures can be compared as ratios on a noisy machine. Each figure is the median of several
repetitions after a warm-up, the repetitions interleaved over the configurations, and the ratios
between configurations are medians of ratios within the same round of repetitions. Garbage is
collected before and the collector is off while timing, as in Mesa's own benchmarks. Every time
is measured twice: wall-clock time and the CPU time of this process (``time.process_time``),
which other work on a shared machine disturbs less.

Besides the ten-year figure projected from a year of steps, a full run measures one real
ten-year run of leiden_2015 at scale 1 (construction and 120 monthly steps); it is part of the
full benchmark and skipped under ``--quick`` unless ``--full-run`` asks for it.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from agents_model import WmoModel, __version__, load_scenario
from agents_model.agents import Resident


def timed(func: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and CPU seconds a call takes, with garbage collected before and the collector off.

    Returns:
        (wall-clock seconds, CPU seconds of this process, the call's result).
    """
    gc.collect()
    gc.disable()
    try:
        start, start_cpu = time.perf_counter(), time.process_time()
        result = func()
        return time.perf_counter() - start, time.process_time() - start_cpu, result
    finally:
        gc.enable()


def live_residents(model: WmoModel) -> int:
    """Residents not yet exited (those the model still carries)."""
    return sum(1 for r in model.agents_by_type.get(Resident, []) if r.state != "exited")


def measure_model(rep: int, warmup: int, steps: int, overrides: dict[str, Any]) -> dict:
    """One repetition: construction, ``warmup`` untimed steps, then ``steps`` timed steps."""
    seconds, cpu, model = timed(lambda: WmoModel(load_scenario("leiden_2015"), rng=rep + 1,
                                                 **overrides))
    model.run_for(warmup)
    before = live_residents(model)
    step_seconds, step_cpu, _ = timed(lambda: model.run_for(steps))
    residents = (before + live_residents(model)) / 2
    return {"build": seconds, "build_cpu": cpu, "step": step_seconds / steps,
            "step_cpu": step_cpu / steps, "residents": residents,
            "throughput": residents * steps / step_seconds, "providers": len(model.providers)}


def bench_models(configs: list[tuple[str, int, int, int, dict[str, Any]]]) -> list[dict]:
    """Construction time, ms per step (wall and CPU) and resident-steps per second.

    The repetitions are interleaved over the configurations (first repetition of each, then
    the second, ...), so a slow spell of a shared machine weighs on all of them alike.

    Args:
        configs: (label, repetitions, warm-up steps, timed steps, model overrides) each.

    Returns:
        Per configuration its medians, plus its per-repetition ms per step (``per_rep_ms``).
    """
    samples: dict[str, list[dict]] = {label: [] for label, *_ in configs}
    for rep in range(max(reps for _, reps, *_ in configs)):
        for label, reps, warmup, steps, overrides in configs:
            if rep < reps:
                samples[label].append(measure_model(rep, warmup, steps, overrides))
    results = []
    for label, reps, _, steps, overrides in configs:
        runs = samples[label]
        results.append({
            "label": label, "overrides": overrides, "reps": reps, "steps": steps,
            "construction_s": statistics.median(r["build"] for r in runs),
            "construction_cpu_s": statistics.median(r["build_cpu"] for r in runs),
            "ms_per_step": 1000 * statistics.median(r["step"] for r in runs),
            "cpu_ms_per_step": 1000 * statistics.median(r["step_cpu"] for r in runs),
            "residents": statistics.median(r["residents"] for r in runs),
            "resident_steps_per_s": statistics.median(r["throughput"] for r in runs),
            "providers": runs[-1]["providers"],
            "per_rep_ms": [1000 * r["step"] for r in runs],
            "per_rep_cpu_ms": [1000 * r["step_cpu"] for r in runs],
        })
    return results


def paired_ratio(many: dict, few: dict, key: str = "per_rep_ms") -> float:
    """Median over repetitions of ``many``'s time per step over ``few``'s in the same round."""
    return statistics.median(a / b for a, b in zip(many[key], few[key], strict=False))


def marginal_provider_us(many: dict, few: dict) -> float:
    """Microseconds per step each provider adds: the time difference over the provider difference.

    The providers are those in the market at the end of the last repetition (all products).
    """
    extra = many["providers"] - few["providers"]
    return 1000 * (many["ms_per_step"] - few["ms_per_step"]) / extra if extra else float("nan")


def bench_full_run(reps: int, years: int = 10) -> dict:
    """One real run of leiden_2015 at scale 1: construction and ``years`` x 12 steps."""
    walls, cpus = [], []
    for rep in range(reps):
        def run(r: int = rep) -> WmoModel:
            model = WmoModel(load_scenario("leiden_2015"), rng=r + 1, population_scale=1.0)
            model.run_for(12 * years)
            return model

        seconds, cpu, _ = timed(run)
        walls.append(seconds)
        cpus.append(cpu)
    return {"label": f"full {years}-year run, leiden_2015, scale 1", "reps": reps,
            "steps": 12 * years, "wall_s": statistics.median(walls),
            "cpu_s": statistics.median(cpus)}


def bench_boltzmann(reps: int, steps: int, agents: int = 10_000) -> dict:
    """Mesa's BoltzmannWealth at ``agents`` agents: agent-steps per second (reference)."""
    from mesa.examples.basic.boltzmann_wealth_model.model import (
        BoltzmannScenario,
        BoltzmannWealth,
    )

    rates = []
    for rep in range(reps):
        model = BoltzmannWealth(BoltzmannScenario(n=agents, width=100, height=100, rng=rep + 1))
        model.step()
        seconds, _, _ = timed(lambda m=model: [m.step() for _ in range(steps)])
        rates.append(agents * steps / seconds)
    return {"label": f"Mesa BoltzmannWealth, {agents} agents", "reps": reps, "steps": steps,
            "agent_steps_per_s": statistics.median(rates)}


def run(quick: bool, full_run: bool | None = None) -> dict:
    """Run every benchmark and return the report.

    Args:
        quick: Fewer repetitions and steps.
        full_run: Include the real ten-year run (default: only without ``quick``).
    """
    reps = 2 if quick else 5
    steps = 12 if quick else 36
    scale_1 = {"population_scale": 1.0}
    results = bench_models([
        ("leiden_2015, scale 0.25", reps, 12, steps, {"population_scale": 0.25}),
        ("leiden_2015, scale 1", reps, 12, steps, scale_1),
        ("leiden_2015, scale 4", max(1, reps // 2), 6, max(6, steps // 3),
         {"population_scale": 4.0}),
        ("20 support providers, scale 1", reps, 12, steps, dict(scale_1, providers_support=20)),
        ("70 support providers, scale 1", reps, 12, steps, dict(scale_1, providers_support=70)),
        ("200 support providers, scale 1", reps, 12, steps,
         dict(scale_1, providers_support=200)),
        ("app default preset (scale 0.05)", reps, 12, steps, {"population_scale": 0.05}),
    ])
    reference = bench_boltzmann(reps, 10 if quick else 30)
    by = {r["label"]: r for r in results}
    one = by["leiden_2015, scale 1"]
    many, few = by["200 support providers, scale 1"], by["20 support providers, scale 1"]
    ratios = {
        "ten_years_scale_1_s": one["ms_per_step"] * 120 / 1000 + one["construction_s"],
        "ten_years_scale_1_cpu_s": one["cpu_ms_per_step"] * 120 / 1000
        + one["construction_cpu_s"],
        "scale_4_over_scale_1_per_step": paired_ratio(by["leiden_2015, scale 4"], one),
        "providers_200_over_20_per_step": paired_ratio(many, few),
        "providers_200_over_20_per_step_cpu": paired_ratio(many, few, "per_rep_cpu_ms"),
        "us_per_extra_provider_per_step": marginal_provider_us(many, few),
        "resident_steps_over_boltzmann_agent_steps":
            one["resident_steps_per_s"] / reference["agent_steps_per_s"],
        "app_default_ms_per_step": by["app default preset (scale 0.05)"]["ms_per_step"],
    }
    full = None
    if full_run if full_run is not None else not quick:
        full = bench_full_run(1 if quick else 3)
        ratios["full_ten_years_scale_1_s"] = full["wall_s"]
        ratios["full_ten_years_scale_1_cpu_s"] = full["cpu_s"]
    return {"version": __version__, "python": sys.version.split()[0],
            "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
            "quick": quick, "results": results, "full_run": full, "reference": reference,
            "ratios": ratios}


def table(report: dict) -> str:
    """The report as a readable table."""
    lines = [f"wmo-abm {report['version']} on Python {report['python']} "
             f"({report['machine']}){' [quick]' if report['quick'] else ''}", "",
             f"{'configuration':36} {'build s':>8} {'ms/step':>9} {'cpu ms':>8} {'residents':>10} "
             f"{'res-steps/s':>12}"]
    for r in report["results"]:
        lines.append(f"{r['label']:36} {r['construction_s']:8.2f} {r['ms_per_step']:9.1f} "
                     f"{r['cpu_ms_per_step']:8.1f} {r['residents']:10.0f} "
                     f"{r['resident_steps_per_s']:12.0f}")
    full = report.get("full_run")
    if full:
        lines += ["", f"{full['label']}: {full['wall_s']:.2f} s wall, {full['cpu_s']:.2f} s CPU "
                  f"(median of {full['reps']})"]
    ref = report["reference"]
    lines += ["", f"{ref['label']}: {ref['agent_steps_per_s']:,.0f} agent-steps/s", ""]
    for name, value in report["ratios"].items():
        lines.append(f"{name:45} {value:8.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: run, print the table and the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and steps")
    parser.add_argument("--full-run", action="store_true",
                        help="also time a real ten-year run under --quick (always done otherwise)")
    parser.add_argument("--json", metavar="FILE", help="also write the JSON report to FILE")
    args = parser.parse_args(argv)
    report = run(args.quick, full_run=True if args.full_run else None)
    print(table(report))
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w") as fh:
            fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
