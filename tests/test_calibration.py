"""Calibration: pattern statistics with known answers, scoring, selection and the pipeline."""

from __future__ import annotations

import math
import re
import tomllib

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from agents_model import scenario as scenario_module
from agents_model.analysis.calibration import (
    TARGETS,
    Target,
    calibrated_values,
    calibration_experiment,
    conflicts,
    distance,
    load_targets,
    narrowed_box,
    posterior,
    select,
    statistic,
)
from agents_model.cli import main
from agents_model.params import priors
from agents_model.runner import ExperimentError
from agents_model.scenario import ScenarioError, load_scenario


def frame(values, other=None):
    months = list(range(len(values)))
    data = {"month": months, "k": values}
    if other is not None:
        data["d"] = other
    return pd.DataFrame(data)


def target(statistic_name, low=0.0, high=1.0, **kw):
    return Target("X", "p", "s", kw.pop("kpi", "k"), statistic_name, "base", low, high, **kw)


def test_statistics_have_known_answers():
    values = [10.0] + [float(m) for m in range(1, 25)]
    f = frame(values, other=[2.0] * 25)
    assert statistic(f, target("mean_last_year"), 24) == pytest.approx(sum(range(13, 25)) / 12)
    assert statistic(f, target("growth"), 24) == pytest.approx(18.5 / 10.0)
    assert statistic(f, target("slope"), 24) == pytest.approx(12.0)
    assert statistic(f, target("share", denominator="d"), 24) == pytest.approx(18.5 / 2.0)
    assert statistic(f, target("mean_last_year"), 12) == pytest.approx(sum(range(1, 13)) / 12)


def test_distance_is_zero_inside_and_grows_outside():
    t = target("value", low=1.0, high=3.0)
    assert distance(2.0, t) == 0.0
    assert distance(4.0, t) == pytest.approx(0.5)
    assert distance(0.0, t) == pytest.approx(0.5)
    assert math.isinf(distance(math.nan, t))


def test_selection_prefers_sets_meeting_every_pattern():
    scores = pd.DataFrame({"met": [2, 1, 2], "total": [0.0, 0.4, 0.0], "d_A": [0, 0, 0],
                           "d_B": [0, 0.4, 0]})
    kept, method = select(scores, 2)
    assert list(kept.index) == [0, 2] and method.startswith("rejection")
    scores = pd.DataFrame({"met": [1] * 20, "total": [float(i) for i in range(20)]})
    kept, method = select(scores, 2)
    assert list(kept.index) == [0, 1] and method.startswith("pattern filtering")


def test_conflicting_patterns_are_found():
    scores = pd.DataFrame({"d_T1": [0.0, 1.0], "d_T2": [1.0, 0.0], "d_T3": [0.0, 0.0]})
    targets = load_targets()
    targets.targets = [Target(i, "p", "s", "k", "mean_last_year", "base", 0, 1)
                       for i in ("T1", "T2", "T3")]
    assert conflicts(scores, targets) == [("T1", "T2")]


def test_next_round_samples_around_the_kept_sets_inside_the_prior():
    prior = {"a": (0.0, 10.0), "b": (0.0, 1.0)}
    kept = pd.DataFrame({"a": [4.0, 5.0], "b": [0.05, 0.5]})
    box = narrowed_box(kept, prior, prior, widen=0.1)
    assert box["a"] == pytest.approx((3.0, 6.0))
    assert box["b"] == pytest.approx((0.0, 0.6))
    assert narrowed_box(kept.iloc[:0], box, prior) == box


def test_best_pick_keeps_a_set_that_was_run():
    prior = {"supply_induced": (0.0, 1.5), "trust_build": (0.01, 0.1)}
    kept = pd.DataFrame({"sample": [0, 1, 2], "total": [0.3, 0.1, 0.2],
                         "supply_induced": [0.1, 1.2, 0.5], "trust_build": [0.09, 0.02, 0.05]})
    post = posterior(kept, prior)
    best = calibrated_values(post, kept, "best")
    assert best == {"supply_induced": 1.2, "trust_build": 0.02}
    median = calibrated_values(post, kept, "median")
    assert median == {"supply_induced": 0.5, "trust_build": 0.05}
    with pytest.raises(ValueError, match="pick"):
        calibrated_values(post, kept, "mean")


def test_targets_file_covers_t1_to_t6():
    targets = load_targets(TARGETS)
    ids = {t.id[:2] for t in targets.targets}
    assert ids == {"T1", "T2", "T3", "T4", "T5", "T6"}
    assert targets.month == 60


@pytest.mark.parametrize("text,message", [
    ('[setup]\nregion="leiden_2015"\ndesign="own"\nmonth=60\n[[target]]\nid="A"\npattern="p"\n'
     'source="s"\nkpi="nonsense"\nstatistic="growth"\nvariant="base"\nlow=0\nhigh=1\n',
     "unknown KPI"),
    ('[setup]\nregion="leiden_2015"\ndesign="own"\nmonth=60\n[[target]]\nid="A"\npattern="p"\n'
     'source="s"\nkpi="hhi"\nstatistic="growth"\nvariant="other"\nlow=0\nhigh=1\n',
     "unknown variant"),
    ('[setup]\nregion="leiden_2015"\ndesign="own"\nmonth=60\n', "no [[target]]"),
])
def test_bad_targets_files_are_refused(tmp_path, text, message):
    path = tmp_path / "t.toml"
    path.write_text(text)
    with pytest.raises(ExperimentError, match=re.escape(message)):
        load_targets(path)


def test_calibration_experiment_crosses_variants_with_the_sample():
    targets = load_targets()
    exp = calibration_experiment(targets, budget=4, seeds=2, scale=0.05)
    points = exp.points()
    assert len(points) == 4 * len(targets.variants)
    assert all(p.get("tariff_factor") == 0.85 for p in points[4:])
    assert set(priors()) <= set(points[0])
    assert exp.spec_hash() != calibration_experiment(targets, 5, 2, 0.05).spec_hash()
    assert len(exp.runs()) == 4 * 2 * 2


def test_calibration_pipeline_end_to_end(tmp_path, monkeypatch):
    short = tmp_path / "targets.toml"
    short.write_text(TARGETS.read_text().replace("month = 60", "month = 12"))
    out = tmp_path / "cal"
    installed = tmp_path / "calibrated.toml"
    monkeypatch.setattr(scenario_module, "CALIBRATED", installed)
    args = ["calibrate", "--budget", "2", "--seeds", "1", "--rounds", "2", "--scale", "0.02",
            "--targets", str(short), "--out", str(out), "--workers", "0", "--quiet"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert not installed.exists()
    assert (out / "round1" / "experiment.json").is_file()
    assert (out / "round2" / "experiment.json").is_file()
    again = CliRunner().invoke(main, [*args, "--install"])
    assert again.output.count("0 runs finished now, 4 were already done") == 2
    report = (out / "analysis" / "report.md").read_text()
    for t in ("T1a", "T2", "T3b", "T4a", "T5", "T6", "## Rounds"):
        assert t in report
    scores = pd.read_csv(out / "analysis" / "scores.csv")
    assert sorted(scores["round"].unique()) == [1, 2]
    assert (out / "analysis" / "patterns.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert installed.is_file()
    values = scenario_module.base_values()
    calibrated = tomllib.loads(installed.read_text())["calibrated"]
    assert set(calibrated) == set(priors())
    for name, value in calibrated.items():
        assert values[name] == pytest.approx(value)
        low, high = priors()[name]
        assert low <= value <= high
    changed = CliRunner().invoke(main, args)
    assert changed.exit_code == 2
    assert "different experiment" in changed.output


def test_installing_calibrated_defaults_says_where_and_fails_cleanly(tmp_path):
    from agents_model.cli.calibration import install_calibrated

    source = tmp_path / "analysis" / "calibrated.toml"
    source.parent.mkdir()
    source.write_text("[calibrated]\nsupply_induced = 0.77\n")
    target = tmp_path / "calibration" / "calibrated.toml"
    assert install_calibrated(source, target) == f"Installed the calibrated defaults in {target}"
    assert target.read_text() == source.read_text()
    bundled = tmp_path / "bundled" / "calibration" / "calibrated.toml"
    assert "inside the installed package" in install_calibrated(source, bundled)
    blocked = tmp_path / "a_file"
    blocked.write_text("")
    with pytest.raises(click.ClickException, match="cannot install the calibrated defaults"):
        install_calibrated(source, blocked / "calibrated.toml")
    assert source.read_text() == "[calibrated]\nsupply_induced = 0.77\n"


def test_calibrated_defaults_are_laid_under_the_scenarios(tmp_path, monkeypatch):
    path = tmp_path / "calibrated.toml"
    path.write_text("[calibrated]\nsupply_induced = 0.77\n")
    monkeypatch.setattr(scenario_module, "CALIBRATED", path)
    assert load_scenario("woerden_2017")["supply_induced"] == 0.77
    assert load_scenario("woerden_2017", overrides={"supply_induced": 0.1})["supply_induced"] \
        == 0.1
    path.write_text("[calibrated]\nsupply_induced = 99.0\n")
    with pytest.raises(ScenarioError, match="supply_induced"):
        load_scenario("woerden_2017")


def test_check_reports_every_pattern_over_seeds(tmp_path):
    short = tmp_path / "targets.toml"
    short.write_text(TARGETS.read_text().replace("month = 60", "month = 12"))
    out = tmp_path / "check"
    result = CliRunner().invoke(main, ["check-calibration", "--seeds", "2", "--scale", "0.02",
                                       "--targets", str(short), "--out", str(out),
                                       "--workers", "0", "--quiet"])
    table = pd.read_csv(out / "check.csv")
    targets = load_targets(short)
    assert list(table["target"]) == [t.id for t in targets.targets]
    assert (table["seeds"] == 2).all()
    assert ((table["p5"] <= table["mean"] + 1e-12) & (table["mean"] <= table["p95"] + 1e-12)).all()
    met = int(table["met"].sum())
    assert f"{met} of {len(table)} patterns met" in result.output
    assert result.exit_code == (0 if met == len(table) else 1)
    report = (out / "check.md").read_text()
    assert f"**{met} of {len(table)} patterns met**" in report
