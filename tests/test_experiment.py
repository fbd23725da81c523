"""The experiment runner: expansion, seeds, executors, storage, crash safety and resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from agents_model.cli import main
from agents_model.runner.experiments import (
    Experiment,
    ExperimentError,
    RunSpec,
    execute,
    finished_runs,
    load_experiment,
    make_executor,
    read_results,
    run_experiment,
)

TINY = {"population_scale": 0.01}


def tiny(**kwargs) -> Experiment:
    base = dict(name="tiny", regions=["leiden_2015"], designs=["open_house", "consortium"],
                seeds=2, years=1, fixed=dict(TINY))
    base.update(kwargs)
    return Experiment(**base)


def sorted_kpis(out: Path) -> pd.DataFrame:
    kpis = read_results(out)["kpis"]
    return kpis.sort_values(["run_id", "month"]).reset_index(drop=True)


# --- expansion ------------------------------------------------------------------------------

def test_runs_cover_every_combination_with_shared_seeds():
    exp = tiny(regions=["leiden_2015", "woerden_2017"], grid={"tariff_factor": [0.8, 1.0]},
               seeds=3)
    runs = exp.runs()
    assert len(runs) == 2 * 2 * 2 * 3
    assert len({r.run_id for r in runs}) == len(runs)
    seeds = {(r.region, r.design, r.point): [x.seed for x in runs if (x.region, x.design,
                                                                     x.point) ==
                                              (r.region, r.design, r.point)] for r in runs}
    assert len({tuple(v) for v in seeds.values()}) == 1
    assert exp.runs() == runs


def test_seeds_come_from_the_seed_sequence():
    import numpy as np

    exp = tiny(seeds=4, root_seed=99)
    expected = [int(c.generate_state(1, dtype=np.uint32)[0])
                for c in np.random.SeedSequence(99).spawn(4)]
    assert exp.seed_values() == expected


def test_latin_hypercube_points_stay_in_their_ranges_and_cover_them():
    exp = tiny(sample={"trust_erosion": [0.05, 0.25], "max_attempts": [1, 10]}, sample_size=20)
    points = exp.points()
    assert len(points) == 20
    erosion = sorted(p["trust_erosion"] for p in points)
    assert all(0.05 <= v <= 0.25 for v in erosion)
    assert all(isinstance(p["max_attempts"], int) for p in points)
    bins = {int((v - 0.05) / 0.01) for v in erosion}
    assert len(bins) == 20


def test_spec_hash_changes_with_what_changes_results():
    assert tiny().spec_hash() == tiny(description="other words").spec_hash()
    assert tiny().spec_hash() != tiny(seeds=3).spec_hash()
    assert tiny().spec_hash() != tiny(fixed={"population_scale": 0.02}).spec_hash()


@pytest.mark.parametrize("name", ["governance_comparison", "funding_comparison",
                                  "regime_switch"])
def test_flagship_experiments_validate(name):
    exp = load_experiment(name)
    assert exp.seeds >= 30
    assert exp.baseline in exp.designs
    assert len(exp.runs()) >= 100


def test_network_ablation_has_a_reference_and_three_switched_off_points():
    exp = load_experiment("network_ablation")
    points = exp.points()
    assert len(points) == 4 and points[0] == {}
    assert {"reputation_share", "team_contact", "pair_cohesion"} <= {k for p in points for k in p}
    assert len(exp.runs()) == len(exp.regions) * len(exp.designs) * 4 * exp.seeds


def test_points_are_compared_with_the_reference_seed_by_seed(tmp_path):
    """`wmo-abm points` pairs each point with point 0 by seed and writes CSV and Markdown."""
    exp = tiny(designs=["strategic_partners"], rows=[{}, {"collaboration_decay": 0.0,
                                                          "team_contact": 0.0}])
    run_experiment(exp, tmp_path / "o")
    result = CliRunner().invoke(main, ["points", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "o" / "points" / "points.csv")
    assert set(table["point"]) == {1}
    assert (table["n"] == 2).all()
    strength = table[table["kpi"] == "collaboration_strength"].iloc[0]
    assert strength["mean"] < 0.0 and strength["reference_mean"] > 0.0
    text = (tmp_path / "o" / "points" / "points.md").read_text()
    assert "collaboration_decay=0.0, team_contact=0.0" in text
    assert "| `transformation_index` |" in text


# --- execution and storage ------------------------------------------------------------------

def test_one_and_two_workers_give_identical_tables(tmp_path):
    exp = tiny()
    for workers, folder in ((1, "one"), (2, "two")):
        executor, close = make_executor(workers)
        try:
            summary = run_experiment(exp, tmp_path / folder, executor)
        finally:
            close()
        assert summary.ok == len(exp.runs())
    pd.testing.assert_frame_equal(sorted_kpis(tmp_path / "one"), sorted_kpis(tmp_path / "two"))
    inline = run_experiment(exp, tmp_path / "inline")
    assert inline.ok == 4
    pd.testing.assert_frame_equal(sorted_kpis(tmp_path / "one"),
                                  sorted_kpis(tmp_path / "inline"))


def test_results_are_plain_parquet_with_a_manifest(tmp_path):
    exp = tiny()
    run_experiment(exp, tmp_path / "out")
    kpis = pd.read_parquet(tmp_path / "out" / "kpis")
    manifest = pd.read_parquet(tmp_path / "out" / "manifest")
    providers = pd.read_parquet(tmp_path / "out" / "providers")
    assert len(manifest) == 4
    assert set(manifest["status"]) == {"ok"}
    assert {"run_id", "region", "design", "params", "seed", "status", "duration_s", "version",
            "spec_hash"} <= set(manifest.columns)
    assert len(kpis) == 4 * 13
    assert {"run_id", "design", "seed_index", "month", "transformation_index"} <= \
        set(kpis.columns)
    assert set(providers["run_id"]) == set(manifest["run_id"])


def flaky(spec: RunSpec) -> dict:
    if spec.seed_index == 1 and spec.design == "consortium":
        raise RuntimeError("injected failure")
    return execute(spec)


def test_a_failing_run_is_recorded_and_the_others_finish(tmp_path):
    exp = tiny()
    summary = run_experiment(exp, tmp_path / "out", task=flaky)
    assert (summary.ok, summary.failed) == (3, 1)
    manifest = read_results(tmp_path / "out")["manifest"]
    failed = manifest[manifest["status"] == "failed"]
    assert len(failed) == 1 and "injected failure" in failed["error"].iloc[0]
    again = run_experiment(exp, tmp_path / "out")
    assert (again.skipped, again.ok, again.failed) == (3, 1, 0)
    assert len(finished_runs(tmp_path / "out")) == 4


def test_an_exception_inside_the_model_becomes_a_failed_run():
    spec = RunSpec("x", "no_such_region", "own", 0, {}, 0, 1, 1)
    result = execute(spec)
    assert result["status"] == "failed"
    assert "no_such_region" in result["error"]


def test_a_folder_holding_another_experiment_is_refused_and_left_alone(tmp_path):
    run_experiment(tiny(), tmp_path / "out")
    before = sorted((p.name, p.stat().st_mtime_ns) for p in (tmp_path / "out").rglob("*"))
    with pytest.raises(ExperimentError, match="different experiment"):
        run_experiment(tiny(seeds=3), tmp_path / "out")
    after = sorted((p.name, p.stat().st_mtime_ns) for p in (tmp_path / "out").rglob("*"))
    assert before == after


SWEEP = """
[experiment]
name = "killme"
regions = ["leiden_2015"]
designs = ["open_house"]
seeds = 12
years = 3

[fixed]
population_scale = 0.05
"""


def test_a_killed_sweep_keeps_finished_runs_and_resumes(tmp_path):
    spec = tmp_path / "killme.toml"
    spec.write_text(SWEEP)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "agents_model", "sweep", str(spec), "--out", str(out),
           "--workers", "1", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    try:
        while len(finished_runs(out)) < 2:
            assert proc.poll() is None, "the sweep ended before it could be interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    kept = finished_runs(out)
    assert 2 <= len(kept) < 12
    result = CliRunner().invoke(main, ["sweep", str(spec), "--out", str(out), "--workers", "0",
                                       "--quiet"])
    assert result.exit_code == 0, result.output
    assert f"{12 - len(kept)} runs finished now, {len(kept)} were already done" in result.output
    clean = tmp_path / "clean"
    run_experiment(load_experiment(spec), clean)
    pd.testing.assert_frame_equal(sorted_kpis(out), sorted_kpis(clean))


# --- bad input ------------------------------------------------------------------------------

BAD = {
    "unknown key": ('[experiment]\nname = "b"\nregions = ["leiden_2015"]\ncolour = 1\n',
                    "experiment.colour"),
    "unknown region": ('[experiment]\nname = "b"\nregions = ["atlantis"]\n', "atlantis"),
    "bad seeds": ('[experiment]\nname = "b"\nregions = ["leiden_2015"]\nseeds = 0\n',
                  "seeds"),
    "bad grid value": ('[experiment]\nname = "b"\nregions = ["leiden_2015"]\n[grid]\n'
                       'tariff_factor = [1.0, 9.0]\n', "design.tariff_factor"),
    "unknown parameter": ('[experiment]\nname = "b"\nregions = ["leiden_2015"]\n[fixed]\n'
                          'nonsense = 1\n', "nonsense"),
    "bad baseline": ('[experiment]\nname = "b"\nregions = ["leiden_2015"]\n'
                     'designs = ["open_house"]\nbaseline = "consortium"\n', "baseline"),
    "not toml": ("[experiment\n", "not valid TOML"),
    "rows not tables": ('[experiment]\nname = "b"\nregions = ["leiden_2015"]\nrows = 3\n',
                        "rows"),
    "bad row value": ('[experiment]\nname = "b"\nregions = ["leiden_2015"]\n[[rows]]\n'
                      'pair_cohesion = 3\n', "pair_cohesion"),
    "bad range": ('[experiment]\nname = "b"\nregions = ["leiden_2015"]\n[sample]\nsize = 3\n'
                  '[sample.ranges]\ntrust_erosion = [0.5, 0.1]\n', "trust_erosion"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_experiment_files_give_one_line_and_status_2(tmp_path, case):
    text, expected = BAD[case]
    path = tmp_path / "bad.toml"
    path.write_text(text)
    result = CliRunner().invoke(main, ["sweep", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wmo-abm: error:")
    assert expected in lines[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_sweep_into_a_folder_of_another_experiment_exits_2(tmp_path):
    run_experiment(tiny(), tmp_path / "out")
    path = tmp_path / "e.toml"
    path.write_text('[experiment]\nname = "other"\nregions = ["woerden_2017"]\nseeds = 1\n'
                    'years = 1\n[fixed]\npopulation_scale = 0.01\n')
    result = CliRunner().invoke(main, ["sweep", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "different experiment" in result.stderr
    assert len(finished_runs(tmp_path / "out")) == 4


def test_compare_runs_designs_and_prints_differences(tmp_path):
    out = tmp_path / "cmp"
    result = CliRunner().invoke(main, [
        "compare", "leiden_2015", "--designs", "open_house", "strategic_partners",
        "--seeds", "2", "--years", "1", "--set", "population_scale=0.01", "--out", str(out),
        "--workers", "0", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "strategic_partners" in result.output
    assert len(finished_runs(out)) == 4


@pytest.mark.parametrize("name, folder", [
    ("../../x", "x"), ("/abs/x", "abs_x"), ("a b/c", "a_b_c"), ("..", "experiment"),
    ("governance_comparison", "governance_comparison"), ("v1.2-run", "v1.2-run"),
])
def test_the_default_results_folder_stays_inside_out(name, folder):
    from agents_model.cli.running import OUT_ROOT, default_out

    assert default_out(name) == OUT_ROOT / folder


def test_a_sweep_named_to_escape_writes_inside_out(tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    path = work / "e.toml"
    path.write_text('[experiment]\nname = "../../escaped"\nregions = ["woerden_2017"]\n'
                    'seeds = 1\nyears = 1\n[fixed]\npopulation_scale = 0.01\n')
    result = CliRunner().invoke(main, ["sweep", str(path), "--workers", "0", "--quiet"])
    assert result.exit_code == 0, result.output
    assert len(finished_runs(work / "out" / "escaped")) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]


def test_a_sweep_with_failed_runs_exits_1_and_says_which(tmp_path, monkeypatch):
    from agents_model.model import WmoModel

    step = WmoModel.step

    def failing_step(self):
        if self.design.procurement == "consortium":
            raise RuntimeError("injected failure")
        step(self)

    monkeypatch.setattr(WmoModel, "step", failing_step)
    path = tmp_path / "e.toml"
    path.write_text('[experiment]\nname = "half"\nregions = ["woerden_2017"]\n'
                    'designs = ["open_house", "consortium"]\nseeds = 2\nyears = 1\n'
                    '[fixed]\npopulation_scale = 0.01\n')
    args = ["sweep", str(path), "--out", str(tmp_path / "o"), "--workers", "0", "--quiet"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "2 runs finished now, 0 were already done, 2 failed (of 4)" in result.stdout
    assert "injected failure" in result.stdout
    again = CliRunner().invoke(main, args)  # the retry fails again: still status 1
    assert again.exit_code == 1 and "0 runs finished now, 2 were already done" in again.stdout
    monkeypatch.setattr(WmoModel, "step", step)
    healed = CliRunner().invoke(main, args)
    assert healed.exit_code == 0, healed.output
    assert "2 runs finished now, 2 were already done, 0 failed (of 4)" in healed.stdout


def test_a_run_that_kills_its_worker_fails_alone_and_the_others_finish(tmp_path):
    from helpers import crash_on_second_consortium_seed

    from agents_model.runner.experiments import RUNNING
    from agents_model.runner.local import DIED, LocalPool

    exp = tiny(seeds=3)
    out = tmp_path / "out"
    pool = LocalPool(2)
    try:
        summary = run_experiment(exp, out, executor=pool, task=crash_on_second_consortium_seed)
        assert (summary.ok, summary.failed) == (5, 1)
        assert summary.failures[0][1] == DIED.splitlines()[0]
        again = run_experiment(exp, out, executor=pool, task=crash_on_second_consortium_seed)
        assert (again.skipped, again.ok, again.failed) == (5, 0, 1)  # tried again, reported
    finally:
        pool.shutdown()
    manifest = read_results(out)["manifest"]
    failed = manifest[manifest["status"] == "failed"]
    assert list(failed["design"]) == ["consortium"] and list(failed["seed_index"]) == [1]
    assert not (out / RUNNING).exists()
    healed = run_experiment(exp, out)  # without the crash the run finishes
    assert (healed.ok, healed.failed) == (1, 0)


def _session_members(sid: int) -> list[int]:
    """Processes of a session (Linux /proc)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid:
            members.append(int(stat.parent.name))
    return members


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_stop_signal_ends_the_workers_and_keeps_finished_runs(tmp_path, signum):
    from agents_model.runner.experiments import RUNNING

    spec = tmp_path / "stopme.toml"
    spec.write_text(SWEEP)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "agents_model", "sweep", str(spec), "--out", str(out),
           "--workers", "2", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    try:
        while not (finished_runs(out) and any((out / RUNNING).glob("*"))):
            assert proc.poll() is None, "the sweep ended before it could be stopped"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert len(_session_members(proc.pid)) >= 3  # the sweep, the forkserver, workers
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=20)
        assert proc.returncode != 0
        assert b"finished runs are kept" in err
        end = time.monotonic() + 10
        while _session_members(proc.pid) and time.monotonic() < end:
            time.sleep(0.1)
        assert _session_members(proc.pid) == []
    finally:
        for pid in _session_members(proc.pid):
            os.kill(pid, signal.SIGKILL)
    kept = finished_runs(out)
    assert 1 <= len(kept) < 12
