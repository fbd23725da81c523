"""Global sensitivity analysis: the analysis machinery, the sample as an experiment, the CLI."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from agents_model.analysis.sensitivity import (
    DESIGNS,
    FACTORS,
    OUTCOMES,
    PROBLEM,
    Factor,
    SensitivityExperiment,
    analyse,
    build_experiment,
    difference,
    sample,
)
from agents_model.analysis.sensitivity.problem import GROUPS, SHARED, factors_of
from agents_model.cli.group import Group
from agents_model.cli.sensitivity import sensitivity
from agents_model.params import by_name, priors
from agents_model.runner import ExperimentError
from agents_model.scenario import load_scenario

PNG = b"\x89PNG\r\n\x1a\n"
TOY = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[0.0, 1.0]] * 3}


def toy(X: np.ndarray) -> np.ndarray:
    return 4.0 * X[:, 0] + 0.1 * X[:, 1]


def indices_of(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index("parameter")


# --- the declared problem -------------------------------------------------------------------


def test_problem_bounds_lie_inside_each_parameters_allowed_range():
    assert PROBLEM["names"] == [f.name for f in FACTORS]
    assert len(set(PROBLEM["names"])) == len(FACTORS) >= 15
    for f in FACTORS:
        p = by_name(f.name)
        assert p is not None and p.kind in (int, float), f.name
        assert p.low <= f.low < f.high <= p.high, f.name
        assert f.group in GROUPS and f.why, f.name
    assert {f.group for f in FACTORS} == set(GROUPS)


def test_the_problem_covers_the_calibration_priors_design_levers_and_innovation():
    factors = {f.name: f for f in FACTORS}
    for name, (low, high) in priors().items():
        assert name in factors, name
        assert (factors[name].low, factors[name].high) == pytest.approx((low, high)), name
    assert {"contract_years", "dialogue_meetings", "dialogue_content_share",
            "partners"} <= set(SHARED)
    assert factors["innovation_rate"].low == 0.0  # innovation may play no part at all
    assert "innovation_payback_years" in factors  # the contract-horizon effect
    assert {"transformation_results", "transformation_access", "innovation_mean"} <= set(
        OUTCOMES)


# --- the analysis machinery on analytic functions ---------------------------------------------


def test_morris_ranks_an_analytic_function_correctly():
    X = sample(TOY, "morris", 20, seed=3)
    assert X.shape == (20 * 4, 3)
    table = indices_of(analyse(TOY, X, {"y": toy(X)}, "morris"))
    assert table.loc["x1", "rank"] == 1 and table.loc["x2", "rank"] == 2
    assert table.loc["x1", "mu_star"] == pytest.approx(4.0)
    assert table.loc["x2", "mu_star"] == pytest.approx(0.1)
    assert table.loc["x3", "mu_star"] == pytest.approx(0.0, abs=1e-9)
    assert table.loc["x1", "sigma"] == pytest.approx(0.0, abs=1e-9)  # linear: no interaction
    assert table["share"].sum() == pytest.approx(1.0)


def test_sobol_ranks_an_analytic_function_correctly():
    X = sample(TOY, "sobol", 256, seed=3)
    assert X.shape == (256 * 5, 3)
    table = indices_of(analyse(TOY, X, {"y": toy(X)}, "sobol"))
    assert table.loc["x1", "rank"] == 1 and table.loc["x3", "rank"] == 3
    assert table.loc["x1", "ST"] == pytest.approx(1.0, abs=0.05)
    assert table.loc["x1", "S1"] == pytest.approx(1.0, abs=0.05)
    assert abs(table.loc["x3", "ST"]) < 0.01 and abs(table.loc["x3", "S1"]) < 0.02
    assert (table["ST_conf"] >= 0).all()


def test_the_noise_floor_separates_an_effect_from_seed_noise():
    rng = np.random.default_rng(7)
    X = sample(TOY, "morris", 30, seed=5)
    seeds = toy(X)[:, None] + rng.normal(0.0, 0.3, size=(len(X), 4))
    table = indices_of(analyse(TOY, X, {"y": seeds.mean(axis=1)}, "morris",
                               seed_values={"y": seeds}))
    floor = table["noise_floor"].iloc[0]
    assert 0 < floor < table.loc["x1", "mu_star"]
    assert table.loc["x3", "mu_star"] < floor
    assert 0 < table["noise_share"].iloc[0] < 0.2


def test_analyse_refuses_missing_outputs_and_unknown_methods():
    X = sample(TOY, "morris", 4, seed=1)
    y = toy(X)
    y[3] = np.nan
    with pytest.raises(ExperimentError, match="finite value"):
        analyse(TOY, X, {"y": y}, "morris")
    with pytest.raises(ExperimentError, match="--method"):
        analyse(TOY, X, {"y": toy(X)}, "fast")


# --- the sample as an experiment ------------------------------------------------------------


def test_the_sample_becomes_one_point_per_row_run_under_every_design_with_shared_seeds():
    exp = build_experiment("morris", 2, seeds=2, years=1, scale=0.01)
    k = len(FACTORS)
    points = exp.points()
    assert len(points) == len(exp.sample_rows) == (k + 1) * 2
    assert set(points[0]) == set(PROBLEM["names"])
    assert all(isinstance(p["review_interval"], int) for p in points)
    for point, row in zip(points, exp.sample_rows, strict=True):
        assert point["sigma_large"] == row[exp.names.index("sigma_large")]
    runs = exp.runs()
    assert len(runs) == len(points) * len(DESIGNS) * 2
    assert {r.design.rsplit("/", 1)[-1].removesuffix(".toml") for r in runs} == set(DESIGNS)
    seeds = {}
    for r in runs:
        assert r.params["population_scale"] == 0.01
        seeds.setdefault((r.point, r.seed_index), set()).add(r.seed)
    assert all(len(s) == 1 for s in seeds.values())  # every design, same seed
    assert len({r.run_id for r in runs}) == len(runs)


def test_within_a_point_the_forms_share_the_design_levers_and_differ_in_procurement():
    exp = build_experiment("morris", 2, seeds=1, years=1, scale=0.01)
    point = next(r for r in exp.runs() if r.point == 1)
    scenarios = {r.design: load_scenario(r.region, design=r.design, overrides=r.params).values
                 for r in exp.runs() if r.point == 1}
    assert len(scenarios) == len(DESIGNS)
    for values in scenarios.values():
        for name in SHARED:
            assert values[name] == point.params[name], name
        assert values["sanctions"] is False
    assert {v["procurement"] for v in scenarios.values()} == set(DESIGNS)


def test_the_hash_follows_the_sample():
    exp = build_experiment("morris", 2, seeds=1, years=1)
    again = build_experiment("morris", 2, seeds=1, years=1)
    assert exp.spec_hash() == again.spec_hash()
    assert exp.to_dict()["sample_rows"] == exp.sample_rows
    rows = [list(r) for r in exp.sample_rows]
    i = exp.names.index("tariff_factor")
    rows[0][i] = 0.9 if rows[0][i] != 0.9 else 1.0
    changed = dataclasses.replace(exp, sample_rows=rows)
    assert changed.spec_hash() != exp.spec_hash()
    assert build_experiment("morris", 3, seeds=1, years=1).spec_hash() != exp.spec_hash()
    assert build_experiment("morris", 2, seeds=1, years=1, root_seed=5).spec_hash() != \
        exp.spec_hash()
    rebuilt = SensitivityExperiment(**exp.to_dict())
    assert rebuilt.spec_hash() == exp.spec_hash() and rebuilt.points() == exp.points()


def test_invalid_samples_and_design_levers_are_refused():
    with pytest.raises(ExperimentError, match="'contract_years' is set by the design"):
        dataclasses.replace(build_experiment("morris", 2, seeds=1, years=1), shared=[])
    with pytest.raises(ExperimentError, match="allowed|must be"):
        build_experiment("morris", 2, factors=(Factor("tariff_factor", 0.1, 1.0, "policy",
                                                      ""),))
    exp = build_experiment("morris", 2, seeds=1, years=1)
    rows = [list(r) for r in exp.sample_rows]
    rows[1][0] = 99.0
    with pytest.raises(ExperimentError, match="outside its bounds"):
        dataclasses.replace(exp, sample_rows=rows)
    with pytest.raises(ExperimentError, match="--n"):
        build_experiment("morris", 1)
    with pytest.raises(ExperimentError, match="power of 2"):
        build_experiment("sobol", 100)


# --- the command ----------------------------------------------------------------------------


def cli(*args):
    group = Group(name="wmo-abm", commands={"sensitivity": sensitivity})
    return CliRunner().invoke(group, ["sensitivity", *map(str, args)], prog_name="wmo-abm")


def test_a_tiny_morris_run_writes_indices_figures_and_a_report(tmp_path):
    out = tmp_path / "sens"
    args = ("--method", "morris", "--n", 2, "--seeds", 1, "--years", 1, "--scale", 0.01,
            "--groups", "design,cost", "--workers", 0, "--out", out, "--quiet")
    factors = factors_of("design,cost")
    assert {f.group for f in factors} == {"design", "cost"}
    result = cli(*args)
    assert result.exit_code == 0, result.output
    runs = (len(factors) + 1) * 2 * len(DESIGNS)
    assert f"{runs} runs finished now" in result.stdout
    folder = out / "analysis"
    indices = pd.read_csv(folder / "indices.csv")
    differences = {difference(d) for d in DESIGNS[1:]}
    assert len(indices) == len(factors) * len(OUTCOMES) * (len(DESIGNS) + len(differences))
    assert set(indices["contrast"]) == set(DESIGNS) | differences
    assert set(indices["kpi"]) == set(OUTCOMES)
    assert {"mu_star", "mu_star_conf", "sigma", "rank"} <= set(indices.columns)
    assert indices.groupby("outcome")["rank"].apply(
        lambda r: sorted(r) == list(range(1, len(factors) + 1))).all()
    for kpi in (*OUTCOMES, "overview"):
        assert (folder / "figures" / f"{kpi}.png").read_bytes()[:8] == PNG
    report = (folder / "report.md").read_text(encoding="utf-8")
    assert "strategic partners minus open house" in report
    assert "--groups cost,design" in report
    assert "## What drives the difference consortium minus open house" in report
    assert "## Caveats" in report and "figures/transformation_index.png" in report
    outcomes = pd.read_csv(folder / "outcomes.csv")
    assert len(outcomes) == (len(factors) + 1) * 2
    assert f"{difference('consortium')}/spend" in outcomes.columns
    again = cli(*args)  # resumes: nothing to run, the analysis is written again
    assert again.exit_code == 0, again.output
    assert f"0 runs finished now, {runs} were already done" in again.stdout


@pytest.mark.parametrize("args, fragment", [
    (("--method", "fast"), "--method"),
    (("--n", 1), "--n"),
    (("--n", 501), "--n"),
    (("--method", "sobol", "--n", 100), "power of 2"),
    (("--seeds", 0), "--seeds"),
    (("--groups", "money"), "--groups"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, args, fragment):
    result = cli(*args, "--out", tmp_path / "never", "--workers", 0)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("wmo-abm: error:") and fragment in lines[0]
    assert not (tmp_path / "never").exists()
