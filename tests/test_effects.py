"""Design effects: the factorial, its main effects and interactions, and `wmo-abm effects`."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from click.testing import CliRunner

from agents_model.analysis.effects import (
    FACTORS,
    build_experiment,
    interactions,
    load_factors,
    main_effects,
)
from agents_model.cli import main


def test_the_factorial_crosses_every_level_with_shared_seeds():
    exp = build_experiment("leiden_2015", seeds=3, years=2)
    cells = 1
    for levels in FACTORS.values():
        cells *= len(levels)
    runs = exp.runs()
    assert len(runs) == cells * 3
    seeds = {}
    for r in runs:
        seeds.setdefault(r.point, []).append(r.seed)
    assert len({tuple(s) for s in seeds.values()}) == 1


def test_the_shipped_factors_file_matches_the_default_factors():
    assert load_factors() == FACTORS


def synthetic_runs(interaction: float = 0.0) -> pd.DataFrame:
    """KPI = 1.0 if procurement is b, + 2.0 if sanctions, + interaction if both, + seed noise."""
    rows = []
    for seed, form, sanctions in itertools.product(range(4), ["a", "b"], [False, True]):
        value = seed * 0.1 + (form == "b") * 1.0 + sanctions * 2.0 \
            + interaction * (form == "b" and sanctions)
        rows.append({"region": "r", "seed_index": seed, "procurement": form,
                     "sanctions": sanctions, "kpi": value})
    return pd.DataFrame(rows)


def test_main_effects_recover_planted_effects_exactly():
    factors = {"procurement": ["a", "b"], "sanctions": [False, True]}
    table = main_effects(synthetic_runs(), factors, kpis=["kpi"]).set_index("factor")
    assert table.loc["procurement", "mean"] == pytest.approx(1.0)
    assert table.loc["sanctions", "mean"] == pytest.approx(2.0)
    assert table.loc["sanctions", "reference"] == "False"
    assert table.loc["sanctions", "n"] == 8
    assert table.loc["sanctions", "high"] - table.loc["sanctions", "low"] == pytest.approx(0.0)


def test_interactions_recover_a_planted_interaction():
    factors = {"procurement": ["a", "b"], "sanctions": [False, True]}
    none = interactions(synthetic_runs(0.0), factors, kpis=["kpi"])
    some = interactions(synthetic_runs(0.5), factors, kpis=["kpi"])
    assert none["mean"].iloc[0] == pytest.approx(0.0)
    assert some["mean"].iloc[0] == pytest.approx(0.5)
    main = main_effects(synthetic_runs(0.5), factors, kpis=["kpi"]).set_index("factor")
    assert main.loc["sanctions", "mean"] == pytest.approx(2.25)


def test_effects_command_writes_a_row_per_factor_level_and_kpi(tmp_path):
    factors = tmp_path / "factors.toml"
    factors.write_text('[grid]\nprocurement = ["open_house", "strategic_partners"]\n'
                       'dialogue_meetings = [1, 10]\n')
    result = CliRunner().invoke(main, [
        "effects", "leiden_2015", "--factors", str(factors), "--seeds", "2", "--years", "1",
        "--set", "population_scale=0.01", "--out", str(tmp_path / "o"), "--workers", "0",
        "--quiet"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "o" / "effects" / "effects.csv")
    assert set(table["factor"]) == {"procurement", "dialogue_meetings"}
    assert (table.groupby(["factor", "level"])["kpi"].nunique() > 5).all()
    assert (table["n"] == 4).all()
    assert {"mean", "low", "high", "reference"} <= set(table.columns)
    text = (tmp_path / "o" / "effects" / "effects.md").read_text()
    assert "## `transformation_index`" in text
    assert (tmp_path / "o" / "effects" / "interactions.csv").is_file()


def test_a_bad_factors_file_is_one_line_and_status_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[grid]\nprocurement = [\"open_house\"]\n")
    result = CliRunner().invoke(main, ["effects", "leiden_2015", "--factors", str(bad),
                                       "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "at least two levels" in result.stderr
    assert "Traceback" not in result.output
