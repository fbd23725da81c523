"""Count the machine instructions a monthly step takes, with valgrind's callgrind.

Run from the repository root (valgrind must be installed, e.g. ``apt-get install valgrind``)::

    .venv/bin/python benchmarks/instructions.py                       # seed 1, 20 and 200
    .venv/bin/python benchmarks/instructions.py --seeds 1 2 3 4 5 --jobs 2

A busy host moves wall-clock and CPU times by tens of percent between runs; the number of
machine instructions a run executes moves by well under one percent. For each seed and number
of contracted support providers this script runs leiden_2015 at population scale 1 (the
benchmark's configurations, seed *i* as in the benchmark's round *i*) twice under callgrind:
once for the warm-up year only and once for the warm-up and ``--steps`` months more. The
difference over ``--steps`` is the instructions per step of the benchmark's window (months
13-48 by default), start-up and construction cancelling out. ``PYTHONHASHSEED`` is fixed, since
string hashing changes the instruction count. A run takes one to five minutes (callgrind
slows Python about fiftyfold), so the default of one seed and two configurations takes about
fifteen minutes on one core. Instructions differ in cost (a cache miss costs more than an
addition), so the counts are a measure of work, not of seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import sys
from agents_model import WmoModel, load_scenario
seed, providers, months = (int(a) for a in sys.argv[1:4])
model = WmoModel(load_scenario("leiden_2015"), rng=seed, population_scale=1.0,
                 providers_support=providers)
model.run_for(months)
"""
"""The counted program: build the model and run ``months`` months."""

COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def count(seed: int, providers: int, months: int) -> int:
    """Machine instructions of building leiden_2015 and running ``months`` months."""
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
         "-c", CHILD, str(seed), str(providers), str(months)],
        capture_output=True, text=True, env=env, check=False)
    found = COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"callgrind run failed (seed {seed}, {providers} providers, "
                           f"{months} months): {done.stderr.strip()[-400:]}")
    return int(found.group(1))


def per_step(seeds: list[int], providers: list[int], warmup: int, steps: int,
             jobs: int) -> dict[tuple[int, int], float]:
    """Instructions per step of months ``warmup + 1`` to ``warmup + steps``, per (seed, n)."""
    tasks = [(seed, n, months) for seed in seeds for n in providers
             for months in (warmup, warmup + steps)]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        totals = dict(zip(tasks, pool.map(lambda task: count(*task), tasks), strict=True))
    return {(seed, n): (totals[seed, n, warmup + steps] - totals[seed, n, warmup]) / steps
            for seed in seeds for n in providers}


def report(counts: dict[tuple[int, int], float], seeds: list[int],
           providers: list[int]) -> str:
    """A table of millions of instructions per step, with the ratio of last to first."""
    first, last = providers[0], providers[-1]
    head = " ".join(f"{n:>8}" for n in providers)
    lines = [f"{'seed':>6} {head}   ratio {last}/{first}   (M instructions per step)"]
    ratios = []
    for seed in seeds:
        ratio = counts[seed, last] / counts[seed, first]
        ratios.append(ratio)
        cells = " ".join(f"{counts[seed, n] / 1e6:>8.1f}" for n in providers)
        lines.append(f"{seed:>6} {cells}   {ratio:.3f}")
    lines.append(f"median ratio {last}/{first}: {statistics.median(ratios):.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1],
                        help="random seeds (default 1)")
    parser.add_argument("--providers", type=int, nargs="+", default=[20, 200],
                        help="contracted support providers per configuration (default 20 200)")
    parser.add_argument("--warmup", type=int, default=12, help="months before counting (12)")
    parser.add_argument("--steps", type=int, default=36, help="counted months (36)")
    parser.add_argument("--jobs", type=int, default=1, help="runs at once (default 1)")
    parser.add_argument("--json", metavar="FILE", help="also write the counts to FILE")
    args = parser.parse_args(argv)
    if min(args.providers) < 1 or args.steps < 1 or args.warmup < 0 or args.jobs < 1:
        parser.error("--providers, --steps and --jobs must be at least 1, --warmup at least 0")
    if shutil.which("valgrind") is None:
        print("instructions.py: error: valgrind not found (install it, e.g. "
              "apt-get install valgrind)", file=sys.stderr)
        return 2
    counts = per_step(args.seeds, args.providers, args.warmup, args.steps, args.jobs)
    print(report(counts, args.seeds, args.providers))
    if args.json:
        Path(args.json).write_text(json.dumps(
            [{"seed": s, "providers": n, "instructions_per_step": v}
             for (s, n), v in counts.items()], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
