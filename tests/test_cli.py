"""The command line: `wmo-abm run`, `params`, `scenarios`, and one-line errors on bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from agents_model import scenario as scenario_module
from agents_model.cli import main
from agents_model.scenario import effective_defaults

TINY_REGION = """\
[scenario]
name = "Tiny test region"
years = 1

[region]
population_scale = 0.3

[[municipalities]]
name = "A"
population = 20000
central = true
"""

TINY = ("--years", "1", "--quiet")


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY_REGION)
    return path


def invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="wmo-abm")


def assert_one_line_error(result, *fragments: str) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("wmo-abm: error: ")
    for fragment in fragments:
        assert fragment in line
    return line


def write_region(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "bad_region.toml"
    path.write_text(TINY_REGION + "\n" + extra)
    return path


# --- run -------------------------------------------------------------------------------------


def test_run_prints_summary_with_kpi_names_and_units(tiny):
    result = invoke("run", tiny, *TINY)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Tiny test region" in out
    assert "month 0" in out and "month 12" in out
    for name, unit in [("clients_in_care", "residents"), ("waiting_list", "residents"),
                       ("transformation_index", "0-1"), ("cost_per_client", "EUR/client/month"),
                       ("trust_provider_to_municipality", "0-1")]:
        line = next(ln for ln in out.splitlines() if ln.strip().startswith(name + " "))
        assert unit in line
    spend = next(ln for ln in out.splitlines() if ln.strip().startswith("spend "))
    assert "EUR/year" in spend
    assert "residents by state" in out


def test_run_with_bare_region_name_and_design():
    result = invoke("run", "leiden_2015", "--design", "consortium",
                    "--set", "population_scale=0.02", *TINY)
    assert result.exit_code == 0, result.output
    assert "region leiden_2015, design consortium" in result.stdout
    assert "procurement consortium" in result.stdout


def test_set_overrides_the_design_file(tiny, tmp_path):
    design = tmp_path / "mine.toml"
    design.write_text('[governance]\nname = "Mine"\n\n[design]\nprocurement = "selective"\n')
    result = invoke("run", tiny, "--design", design, "--set", "procurement=consortium", *TINY)
    assert result.exit_code == 0, result.output
    assert "design mine" in result.stdout
    assert "procurement consortium" in result.stdout


def test_out_parquet_holds_one_row_per_month_from_month_0(tiny, tmp_path):
    out = tmp_path / "new" / "folder" / "kpis.parquet"
    result = invoke("run", tiny, *TINY, "--out", out)
    assert result.exit_code == 0, result.output
    assert str(out) in result.stdout
    frame = pd.read_parquet(out)
    assert len(frame) == 13
    assert frame["month"].tolist() == list(range(13))
    assert {"year", "clients_in_care", "spend", "transformation_index"} <= set(frame.columns)


def test_out_csv_holds_one_row_per_month_from_month_0(tiny, tmp_path):
    out = tmp_path / "sub" / "kpis.csv"
    result = invoke("run", tiny, *TINY, "--out", out)
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert len(frame) == 13
    assert frame["month"].iloc[0] == 0
    assert frame["month"].iloc[-1] == 12


def test_years_option_sets_the_run_length(tiny, tmp_path):
    out = tmp_path / "two.csv"
    result = invoke("run", tiny, "--years", "2", "--quiet", "--out", out)
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out)) == 25
    assert "last year (2016)" in result.stdout


def test_same_seed_gives_identical_csv_and_another_seed_differs(tiny, tmp_path):
    paths = {}
    for label, seed in (("a", 7), ("b", 7), ("c", 8)):
        paths[label] = tmp_path / f"{label}.csv"
        result = invoke("run", tiny, *TINY, "--seed", seed, "--out", paths[label])
        assert result.exit_code == 0, result.output
    assert paths["a"].read_bytes() == paths["b"].read_bytes()
    assert paths["a"].read_bytes() != paths["c"].read_bytes()


# --- bad input: one line on stderr, exit status 2 ---------------------------------------------


def test_bad_out_extension_exits_2_before_running(tiny, tmp_path):
    out = tmp_path / "kpis.xlsx"
    result = invoke("run", tiny, *TINY, "--out", out)
    assert_one_line_error(result, "--out", ".parquet", ".csv")
    assert not out.exists()


def test_unknown_key_in_scenario_file_names_file_and_key(tmp_path):
    path = write_region(tmp_path, "[design]\ntarif_factor = 0.9\n")
    result = invoke("run", path, *TINY)
    assert_one_line_error(result, str(path), "tarif_factor")


@pytest.mark.parametrize(("table", "words"), [
    ('[design]\ntariff_factor = "low"\n', ("tariff_factor", "'low'")),
    ("[design]\ncontract_years = 99\n", ("contract_years", "from 1 to 15")),
], ids=["wrong type", "out of range: names the allowed range"])
def test_bad_value_in_scenario_file_is_named(tmp_path, table, words):
    path = write_region(tmp_path, table)
    result = invoke("run", path, *TINY)
    assert_one_line_error(result, str(path), *words)


def test_out_of_range_value_names_the_allowed_range(tiny):
    result = invoke("run", tiny, *TINY, "--set", "tariff_factor=9")
    assert_one_line_error(result, "tariff_factor", "from 0.3 to 2")


def test_unknown_set_key(tiny):
    result = invoke("run", tiny, *TINY, "--set", "no_such_key=1")
    assert_one_line_error(result, "no_such_key")


def test_set_without_equals_sign(tiny):
    result = invoke("run", tiny, *TINY, "--set", "tariff_factor")
    assert_one_line_error(result, "tariff_factor", "key=value")


def test_unknown_region_name():
    result = invoke("run", "atlantis_2015", *TINY)
    assert_one_line_error(result, "atlantis_2015", "no such regions file")


def test_unknown_design_name(tiny):
    result = invoke("run", tiny, "--design", "anarchy", *TINY)
    assert_one_line_error(result, "anarchy", "no such governance file")


@pytest.mark.parametrize("args, fragment", [
    (("--years", "0"), "from 1 to 50"),
    (("--years", "ten"), "--years"),
    (("--seed", "-1"), "--seed"),
])
def test_bad_option_values(tiny, args, fragment):
    result = invoke("run", tiny, "--quiet", *args)
    assert_one_line_error(result, fragment)


def test_missing_region_argument():
    assert_one_line_error(invoke("run"), "REGION")


# --- params and scenarios --------------------------------------------------------------------


def test_params_lists_tariff_factor_with_its_unit():
    result = invoke("params")
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("tariff_factor "))
    assert "x reference cost" in line
    assert "a number from 0.3 to 2" in line
    assert "design" in line


def test_params_section_and_markdown():
    result = invoke("params", "--section", "design", "--markdown")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("| section | name |")
    assert "`tariff_factor`" in result.stdout
    assert "| region |" not in result.stdout


def _row(text: str, name: str) -> str:
    return next(ln for ln in text.splitlines() if f" {name} " in ln or f"`{name}`" in ln
                or ln.startswith(f"{name} "))


def test_params_show_the_default_every_run_starts_from(tmp_path, monkeypatch):
    calibrated = tmp_path / "calibrated.toml"
    calibrated.write_text("[calibrated]\nsigma_large = 0.4242\n")
    monkeypatch.setattr(scenario_module, "CALIBRATED", calibrated)
    for args in ((), ("--section", "market"), ("--markdown",)):
        result = invoke("params", *args)
        assert result.exit_code == 0, result.output
        line = _row(result.stdout, "sigma_large")
        assert "calibration" in line
        assert line.index("0.4242") < line.index("0.55"), line  # effective, then the table's
        assert "table" in _row(result.stdout, "sigma_small")


def test_params_show_the_shipped_calibrated_defaults():
    calibrated = {n: e for n, e in effective_defaults().items() if e.origin == "calibration"}
    assert calibrated, "calibration/calibrated.toml sets no parameter"
    result = invoke("params")
    for name, e in calibrated.items():
        line = _row(result.stdout, name)
        assert f" {e.value} " in line and "calibration" in line, line


def test_params_unknown_section():
    assert_one_line_error(invoke("params", "--section", "weather"), "weather")


def test_scenarios_lists_regions_and_designs():
    result = invoke("scenarios")
    assert result.exit_code == 0, result.output
    for name in ("leiden_2015", "meierij_2015", "open_house", "consortium"):
        assert name in result.stdout


# --- the real command line ---------------------------------------------------------------------


def test_python_m_agents_model_runs_and_writes_csv(tiny, tmp_path):
    out = tmp_path / "kpis.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "agents_model", "run", str(tiny), *TINY, "--out", str(out)],
        capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "clients_in_care" in proc.stdout
    assert len(pd.read_csv(out)) == 13


def test_python_m_agents_model_bad_input_gives_one_line_and_status_2(tmp_path):
    path = write_region(tmp_path, "[design]\nfunding = \"barter\"\n")
    proc = subprocess.run([sys.executable, "-m", "agents_model", "run", str(path), *TINY],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("wmo-abm: error: ")
    assert str(path) in lines[0] and "funding" in lines[0] and "barter" in lines[0]
