"""Scenario discovery: wins against open house, the PRIM box, and `wmo-abm discover`."""

from __future__ import annotations

import numpy as np
import pandas as pd
from click.testing import CliRunner

from agents_model.analysis.discovery import RANGES, build_experiment, find_box, wins
from agents_model.cli import main


def test_the_sample_runs_every_point_under_the_three_forms_with_shared_seeds():
    exp = build_experiment("leiden_2015", n=8, seeds=2, years=1)
    runs = exp.runs()
    assert len(runs) == 8 * 3 * 2
    assert {r.design for r in runs} == {"open_house", "strategic_partners", "consortium"}
    assert all(r.params["sanctions"] is False for r in runs)
    for name, (low, high) in RANGES.items():
        assert all(low <= r.params[name] <= high for r in runs)


def test_a_win_needs_more_transformation_within_the_wait_and_spend_thresholds():
    outcomes = pd.DataFrame({
        "d_transformation_index": [0.01, 0.01, 0.01, -0.01],
        "d_mean_wait_months": [0.0, 1.0, 0.0, 0.0],
        "d_spend": [0.0, 0.0, 100.0, 0.0],
        "reference_spend": [1000.0] * 4})
    assert list(wins(outcomes, max_extra_wait=0.5, max_extra_spend=0.05)) == \
        [True, False, False, False]


def test_prim_finds_the_range_where_wins_lie():
    rng = np.random.default_rng(1)
    x = pd.DataFrame({"contract_years": rng.uniform(1, 10, 300),
                      "tariff_factor": rng.uniform(0.8, 1.2, 300)})
    y = pd.Series(x["contract_years"] > 6)
    box = find_box(x, y)
    assert box is not None and box.density >= 0.8 and box.coverage > 0.5
    low, high = box.limits["contract_years"]
    assert 5.0 < low < 7.0
    assert find_box(x, pd.Series([False] * 300)) is None


def test_discover_command_writes_boxes_and_points(tmp_path):
    result = CliRunner().invoke(main, [
        "discover", "leiden_2015", "--n", "8", "--seeds", "1", "--years", "1",
        "--set", "population_scale=0.01", "--out", str(tmp_path / "o"), "--workers", "0",
        "--quiet"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "o" / "discover"
    points = pd.read_csv(folder / "points.csv")
    assert set(points["design"]) == {"strategic_partners", "consortium"}
    assert len(points) == 16 and "win" in points.columns
    assert (folder / "boxes.csv").is_file()
    assert "## strategic_partners" in (folder / "discover.md").read_text()
