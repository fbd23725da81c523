"""The benchmark scripts: instruction-count arithmetic, error paths and the golden comparison."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def instructions():
    spec = importlib.util.spec_from_file_location("instructions",
                                                  ROOT / "benchmarks" / "instructions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_per_step_is_the_difference_over_the_counted_months(instructions, monkeypatch):
    # A made-up count: 1,000 for construction, 10 a month, 5 more a month per provider.
    monkeypatch.setattr(instructions, "count",
                        lambda seed, n, months: 1000 + seed + months * (10 + 5 * n))
    counts = instructions.per_step([1, 2], [20, 200], warmup=12, steps=36, jobs=2)
    assert counts == {(1, 20): 110.0, (1, 200): 1010.0, (2, 20): 110.0, (2, 200): 1010.0}
    text = instructions.report(counts, [1, 2], [20, 200])
    assert "median ratio 200/20: 9.182" in text


def test_missing_valgrind_or_bad_arguments_exit_with_status_2(instructions, monkeypatch, capsys):
    monkeypatch.setattr(instructions.shutil, "which", lambda name: None)
    assert instructions.main(["--seeds", "1"]) == 2
    assert "valgrind not found" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        instructions.main(["--steps", "0"])
    assert stop.value.code == 2


@pytest.fixture(scope="module")
def golden():
    spec = importlib.util.spec_from_file_location("golden", ROOT / "benchmarks" / "golden.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_golden_comparison_finds_where_a_run_parts(golden, monkeypatch):
    monkeypatch.setattr(golden, "YEARS", 1)
    run = golden.run_one("x", "leiden_2015", None, {"population_scale": 0.03}, 1)
    again = golden.run_one("x", "leiden_2015", None, {"population_scale": 0.03}, 1)
    assert golden.first_difference(run, again) == ""
    changed = golden.run_one("x", "leiden_2015", None, {"population_scale": 0.03,
                                                        "tariff_factor": 0.9}, 1)
    assert golden.first_difference(run, changed).startswith("KPI ")
    again["events"] = again["events"][:-1]
    assert golden.first_difference(run, again) == "events differ"
    assert len(golden.configurations()) == 41
