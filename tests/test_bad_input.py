"""Bad input of every kind: one line naming the file or option, exit status 2, nothing written.

Table-driven: each case builds its files in a fresh folder, runs the command line in this
process and checks the message, the status and that no output appeared. A damaged results file
is refused by ``report`` the same way, and a sweep that finds one recomputes its run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from agents_model.cli import main
from agents_model.runner import Experiment, run_experiment
from agents_model.runner.experiments import finished_runs
from agents_model.runner.fingerprints import fingerprint
from agents_model.scenario import MAX_SEED, SCENARIO_ROOT, load_scenario

HUGE = "1" + "0" * 400
"""An integer beyond the range of a float (about 1e308)."""

TINY = ["--years", "1", "--set", "population_scale=0.01", "--quiet"]


def _region_with(tmp: Path, line: str) -> str:
    """A copy of the Woerden region with ``line`` added to its first municipality."""
    text = (SCENARIO_ROOT / "regions" / "woerden_2017.toml").read_text(encoding="utf-8")
    head, sep, rest = text.partition("[[municipalities]]\n")
    path = tmp / "region.toml"
    path.write_text(head + sep + line + "\n" + rest, encoding="utf-8")
    return str(path)


def _fingerprint(tmp: Path, **change) -> str:
    data = fingerprint(load_scenario("woerden_2017"), seed=1, months=1)
    for key, value in change.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    path = tmp / "fp.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def _bytes(tmp: Path, name: str, content: bytes) -> str:
    path = tmp / name
    path.write_bytes(content)
    return str(path)


def _experiment(tmp: Path, extra: str) -> str:
    path = tmp / "e.toml"
    path.write_text('[experiment]\nname = "e"\nregions = ["woerden_2017"]\nseeds = 1\n'
                    f'years = 1\n{extra}\n[fixed]\npopulation_scale = 0.01\n', encoding="utf-8")
    return str(path)


def _damaged_results(tmp: Path) -> str:
    out = tmp / "results"
    run_experiment(Experiment(name="d", regions=["woerden_2017"], seeds=1, years=1,
                              fixed={"population_scale": 0.01}), out)
    (next((out / "kpis").glob("*.parquet"))).write_bytes(b"PAR1 not a table PAR1")
    return str(out)


CASES: dict[str, tuple[Callable[[Path], list[str]], str]] = {
    "--out inside a file": (
        lambda t: ["run", "woerden_2017", *TINY, "--out", str(t / "afile" / "x.parquet")],
        "'--out'"),
    "--out is a folder": (
        lambda t: ["run", "woerden_2017", *TINY, "--out", str(t / "adir.parquet")],
        "is a directory"),
    "--set beyond a float": (
        lambda t: ["run", "woerden_2017", *TINY, "--set", f"tariff_factor={HUGE}"],
        "401 digits"),
    "region value beyond a float": (
        lambda t: ["run", _region_with(t, f"share_75 = {HUGE}"), *TINY], "401 digits"),
    "region not UTF-8": (
        lambda t: ["run", _bytes(t, "r.toml", b"\xff\xfe[region]\n"), *TINY], "not UTF-8"),
    "experiment not UTF-8": (
        lambda t: ["sweep", _bytes(t, "e.toml", b'[experiment]\nname = "\xff"\n'),
                   "--out", str(t / "o")], "not UTF-8"),
    "fingerprint not UTF-8": (
        lambda t: ["replay", _bytes(t, "f.json", b'{"\xff": 1}')], "not UTF-8"),
    "negative root_seed in a file": (
        lambda t: ["sweep", _experiment(t, "root_seed = -5"), "--out", str(t / "o")],
        "root_seed"),
    "negative --root-seed": (
        lambda t: ["compare", "woerden_2017", "--designs", "own", "--root-seed", "-3",
                   "--out", str(t / "o")], "--root-seed"),
    "--seed beyond 64 bits": (
        lambda t: ["run", "woerden_2017", *TINY, "--seed", str(MAX_SEED + 1)], "--seed"),
    "fingerprint without version": (
        lambda t: ["replay", _fingerprint(t, version=None)], "version"),
    "fingerprint with a negative seed": (
        lambda t: ["replay", _fingerprint(t, seed=-1)], "seed"),
    "damaged results file": (
        lambda t: ["report", _damaged_results(t)], "not a readable Parquet file"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gives_one_line_status_2_and_writes_nothing(tmp_path, case):
    build, fragment = CASES[case]
    (tmp_path / "afile").write_text("keep", encoding="utf-8")
    (tmp_path / "adir.parquet").mkdir()
    args = build(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("wmo-abm: error:") and fragment in lines[0], lines[0]
    assert "Traceback" not in result.output
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "keep"


def test_a_cut_off_results_file_is_recomputed_by_the_next_sweep(tmp_path):
    experiment = Experiment(name="cut", regions=["woerden_2017"], seeds=2, years=1,
                            fixed={"population_scale": 0.01})
    out = tmp_path / "results"
    run_experiment(experiment, out)
    victim = sorted((out / "kpis").glob("*.parquet"))[0]
    whole = victim.read_bytes()
    victim.write_bytes(whole[: len(whole) // 2])
    assert victim.stem not in finished_runs(out)
    again = run_experiment(experiment, out)
    assert (again.ok, again.skipped) == (1, 1)
    assert victim.read_bytes() == whole


def test_a_broken_region_file_is_refused_before_any_run(tmp_path):
    region = _region_with(tmp_path, "share_75 = 7.0")
    path = tmp_path / "e.toml"
    path.write_text(f'[experiment]\nname = "e"\nregions = ["{region}"]\nseeds = 2\nyears = 1\n'
                    '[fixed]\npopulation_scale = 0.01\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["sweep", str(path), "--out", str(tmp_path / "o"),
                                       "--workers", "0"])
    assert result.exit_code == 2, result.output
    assert "share_75" in result.stderr and "region.toml" in result.stderr
    assert not (tmp_path / "o").exists()


def test_resuming_after_a_region_file_changed_is_refused(tmp_path):
    region = _region_with(tmp_path, "share_75 = 0.1")
    path = tmp_path / "e.toml"
    path.write_text(f'[experiment]\nname = "e"\nregions = ["{region}"]\nseeds = 2\nyears = 1\n'
                    '[fixed]\npopulation_scale = 0.01\n', encoding="utf-8")
    out = tmp_path / "o"
    args = ["sweep", str(path), "--out", str(out), "--workers", "0", "--quiet"]
    assert CliRunner().invoke(main, args).exit_code == 0
    Path(region).write_text(Path(region).read_text(encoding="utf-8").replace(
        "share_75 = 0.1", "share_75 = 0.2"), encoding="utf-8")
    before = sorted((p.name, p.stat().st_mtime_ns) for p in out.rglob("*"))
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "other inputs (the file of region" in result.stderr and "--force-new" in result.stderr
    assert sorted((p.name, p.stat().st_mtime_ns) for p in out.rglob("*")) == before
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    again = CliRunner().invoke(main, [*args, "--force-new"])
    assert again.exit_code == 0, again.output
    assert "2 runs finished now, 0 were already done" in again.stdout
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"  # only results removed
    resumed = CliRunner().invoke(main, args)
    assert resumed.exit_code == 0 and "0 runs finished now, 2 were already done" in resumed.stdout


def test_resuming_with_other_library_versions_is_refused(tmp_path, monkeypatch):
    from agents_model.runner import inputs

    experiment = Experiment(name="v", regions=["woerden_2017"], seeds=1, years=1,
                            fixed={"population_scale": 0.01})
    run_experiment(experiment, tmp_path / "o")
    real = inputs.metadata.version
    monkeypatch.setattr(inputs.metadata, "version",
                        lambda name: "9.9" if name == "numpy" else real(name))
    from agents_model.runner import ExperimentError

    with pytest.raises(ExperimentError, match=r"numpy .* -> 9\.9"):
        run_experiment(experiment, tmp_path / "o")


def test_a_region_too_large_to_build_is_refused_before_building(tmp_path):
    from agents_model.model import WmoModel
    from agents_model.scenario import MAX_SIMULATED_INHABITANTS, ScenarioError

    region = _region_with(tmp_path, "")
    text = Path(region).read_text(encoding="utf-8")
    Path(region).write_text(re.sub(r"population = \d+", "population = 20000000", text),
                            encoding="utf-8")
    result = CliRunner().invoke(main, ["run", region, "--set", "population_scale=1", "--quiet"])
    assert result.exit_code == 2, result.output
    assert "exceed the bound" in result.stderr and "population_scale" in result.stderr
    with pytest.raises(ScenarioError, match="exceed the bound"):
        WmoModel(load_scenario(region), population_scale=1.0)
    fits = MAX_SIMULATED_INHABITANTS / sum(m.population
                                          for m in load_scenario(region).municipalities)
    assert WmoModel(load_scenario(region), population_scale=min(fits, 1e-3)).month == 0


@pytest.mark.parametrize("name", ["leiden_2015", "meierij_2015", "drenthe_2017",
                                  "haarlem_2022", "woerden_2017"])
def test_every_shipped_region_fits_at_the_largest_scale(name):
    from agents_model.scenario import MAX_SIMULATED_INHABITANTS

    scenario = load_scenario(name)
    assert sum(m.population for m in scenario.municipalities) * 10 <= MAX_SIMULATED_INHABITANTS
