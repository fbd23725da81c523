"""Golden comparison: do two versions of the model give the same results for a seed?

Runs a fixed set of configurations (every region under every governance design, plus variants
that switch on the levers the designs leave off) for several seeds and writes, per run, the
monthly KPI table, the yearly provider table, the event log and the next draws of both random
generators. ``check`` runs them again and reports every run that differs, with the first month
and column where it does. Use it before and after a change that must leave results unchanged.

Usage::

    python benchmarks/golden.py write out/golden          # record the current results
    python benchmarks/golden.py check out/golden          # compare with them (exit 1 if not equal)
    python benchmarks/golden.py check out/golden --quick  # a third of the configurations
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from agents_model import WmoModel, load_scenario  # noqa: E402
from agents_model.scenario import list_scenarios  # noqa: E402

SEEDS = (1, 2, 3)
YEARS = 6
BASE = {"population_scale": 0.12}
VARIANTS: dict[str, dict] = {
    "plain": {},
    "levers": {"budget_ceiling": 1.05, "sanctions": True, "case_management": 0.6,
               "capacity_plan": 10.0, "pgb_share": 0.15, "reporting": "heavy",
               "social_base_investment": 60.0, "dialogue_meetings": 6},
}
FUNDING = ("lumpsum", "fee_for_service", "per_client", "result_based", "population_budget")


def configurations() -> dict[str, tuple[str, str | None, dict]]:
    """Name -> (region, design or None, overrides)."""
    configs: dict[str, tuple[str, str | None, dict]] = {}
    for region in list_scenarios("regions"):
        configs[f"{region}"] = (region, None, {})
        for design in list_scenarios("governance"):
            configs[f"{region}+{design}"] = (region, design, {})
    for funding in FUNDING:
        for variant, values in VARIANTS.items():
            configs[f"leiden_2015+{funding}+{variant}"] = (
                "leiden_2015", None, {"funding": funding, **values})
    configs["meierij_2015+consortium+levers"] = ("meierij_2015", "consortium",
                                                 VARIANTS["levers"])
    return configs


def run_one(name: str, region: str, design: str | None, overrides: dict, seed: int) -> dict:
    """One run's results as JSON-ready tables."""
    scenario = load_scenario(region, design=design, overrides={**BASE, **overrides})
    model = WmoModel(scenario, rng=seed)
    model.run_for(12 * YEARS)
    kpis = model.kpi_frame()
    providers = model.provider_frame()
    return {
        "name": name, "seed": seed,
        "kpis": {c: [repr(float(v)) for v in kpis[c]] for c in kpis.columns},
        "providers": providers.astype(str).to_dict(orient="list"),
        "events": [[e.month, e.kind, repr(sorted(e.details.items()))] for e in model.event_log],
        "draws": [repr(model.random.random()), repr(float(model.rng.random()))],
    }


def _task(args: tuple) -> dict:
    return run_one(*args)


def run_all(quick: bool, workers: int) -> list[dict]:
    configs = configurations()
    names = sorted(configs)[::3] if quick else sorted(configs)
    tasks = [(n, *configs[n], s) for n in names for s in SEEDS]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_task, tasks))


def first_difference(old: dict, new: dict) -> str:
    """Where two runs' results part."""
    for col in old["kpis"]:
        a, b = old["kpis"][col], new["kpis"].get(col)
        if a != b:
            if b is None:
                return f"KPI {col} missing"
            pairs = enumerate(zip(a, b, strict=False))
            month = next((i for i, (x, y) in pairs if x != y), min(len(a), len(b)))
            return f"KPI {col} from month {month}: {a[month:month + 1]} -> {b[month:month + 1]}"
    for part in ("providers", "events", "draws"):
        if old[part] != new[part]:
            return f"{part} differ"
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("write", "check"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--quick", action="store_true", help="a third of the configurations")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    results = run_all(args.quick, args.workers)
    if args.action == "write":
        args.folder.mkdir(parents=True, exist_ok=True)
        for r in results:
            path = args.folder / f"{r['name']}@{r['seed']}.json"
            path.write_text(json.dumps(r), encoding="utf-8")
        print(f"wrote {len(results)} runs to {args.folder}")
        return 0
    differ = 0
    for r in results:
        path = args.folder / f"{r['name']}@{r['seed']}.json"
        if not path.exists():
            print(f"{r['name']} seed {r['seed']}: no recorded result")
            differ += 1
            continue
        where = first_difference(json.loads(path.read_text(encoding="utf-8")), r)
        if where:
            print(f"{r['name']} seed {r['seed']}: {where}")
            differ += 1
    print(f"{len(results) - differ} of {len(results)} runs equal")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
