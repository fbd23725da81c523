"""Count the Python bytecode instructions each function executes per monthly step.

Run from the repository root::

    PYTHONHASHSEED=0 .venv/bin/python benchmarks/bytecodes.py      # 20 against 200 providers
    PYTHONHASHSEED=0 .venv/bin/python benchmarks/bytecodes.py --providers 20 70 --steps 6

A busy host moves wall-clock and CPU times by tens of percent between runs; the number of
bytecode instructions a run executes came out the same in repeated runs of the same code
(with ``PYTHONHASHSEED`` fixed, as below). This script builds leiden_2015 at
population scale 1 with each given number of contracted support providers, runs a warm-up
year, then counts with ``sys.monitoring`` (Python 3.12) every instruction each function executes
over the next ``--steps`` months. It prints the total per step for each configuration and the
functions that grow most from the first configuration to the last, so work that grows with
the number of providers shows by name. Counting slows the run about a hundredfold; time is not
measured here (see ``bench.py``). Instructions differ in cost, and work done inside C functions
(a dict lookup, ``sum`` over a list) counts as the one instruction that calls it, so the counts
show where the interpreter spends its effort, not seconds.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from types import CodeType

from agents_model import WmoModel, load_scenario

TOOL_ID = 4
"""``sys.monitoring`` tool id used here (3 and 4 are not reserved for debuggers, coverage,
profilers or optimisers)."""


def count_bytecodes(providers: int, steps: int, seed: int = 1, warmup: int = 12) -> Counter:
    """Bytecode instructions per step of each function (``file:qualified name``).

    Args:
        providers: Contracted support providers (``providers_support``).
        steps: Counted months after the warm-up.
        seed: Random seed of the run.
        warmup: Months run before counting.
    """
    model = WmoModel(load_scenario("leiden_2015"), rng=seed, population_scale=1.0,
                     providers_support=providers)
    model.run_for(warmup)
    counts: Counter[CodeType] = Counter()

    def on_instruction(code: CodeType, offset: int) -> None:
        counts[code] += 1

    monitoring = sys.monitoring
    monitoring.use_tool_id(TOOL_ID, "wmo-abm bytecodes")
    try:
        monitoring.register_callback(TOOL_ID, monitoring.events.INSTRUCTION, on_instruction)
        monitoring.set_events(TOOL_ID, monitoring.events.INSTRUCTION)
        model.run_for(steps)
    finally:
        monitoring.set_events(TOOL_ID, 0)
        monitoring.register_callback(TOOL_ID, monitoring.events.INSTRUCTION, None)
        monitoring.free_tool_id(TOOL_ID)
    per_step: Counter = Counter()
    for code, n in counts.items():
        per_step[f"{code.co_filename.rsplit('/', 1)[-1]}:{code.co_qualname}"] += n / steps
    return per_step


def report(runs: dict[int, Counter], top: int) -> str:
    """Totals per configuration and the functions that grow most from the first to the last."""
    first, last = min(runs), max(runs)
    lines = [f"{n:>4} support providers: {sum(c.values()):>12,.0f} bytecodes per step"
             for n, c in sorted(runs.items())]
    low, high = runs[first], runs[last]
    lines.append(f"ratio {last} / {first}: {sum(high.values()) / sum(low.values()):.3f}")
    growth = sorted(set(low) | set(high), key=lambda k: high[k] - low[k], reverse=True)
    lines.append("")
    lines.append(f"{'growth':>10} {first:>10} {last:>10}  function")
    for name in growth[:top]:
        lines.append(f"{high[name] - low[name]:>10,.0f} {low[name]:>10,.0f} "
                     f"{high[name]:>10,.0f}  {name}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--providers", type=int, nargs="+", default=[20, 200],
                        help="contracted support providers per configuration (default 20 200)")
    parser.add_argument("--steps", type=int, default=4, help="counted months (default 4)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--top", type=int, default=30, help="functions listed (default 30)")
    args = parser.parse_args(argv)
    if args.steps < 1 or min(args.providers) < 1:
        parser.error("--steps and --providers must be at least 1")
    runs = {n: count_bytecodes(n, args.steps, args.seed) for n in args.providers}
    print(report(runs, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
