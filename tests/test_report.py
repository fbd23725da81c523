"""Experiment reports: intervals, paired differences, the plain-text summary, report.md, CLI."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from agents_model.analysis.report import (
    KPI_DIRECTION,
    REPORT_KPIS,
    end_summary,
    end_values,
    interval,
    paired_differences,
    summarise,
    verdict,
    write_report,
)
from agents_model.cli import main
from agents_model.metrics import KPI_UNITS
from agents_model.runner import Experiment, ExperimentError, read_results, run_experiment

T_975_2 = 4.302652729911275  # t(0.975, 2 degrees of freedom)
PNG = b"\x89PNG\r\n\x1a\n"
MONTHS = 24


def write_experiment(out: Path, values: dict[tuple, dict[str, float]], *,
                     baseline: str = "", failed: dict[tuple, str] | None = None,
                     region: str = "r1", early: float = 1000.0) -> Path:
    """A synthetic experiment folder in the runner's layout.

    ``values[(design, seed)]`` (or ``[(design, seed, point)]``) are the KPI values of the last
    twelve months of that run (every earlier month has ``early``, so only the last twelve months
    may count); ``failed`` runs get a manifest row with status failed and no tables. Point ``p``
    has the parameter ``x=p``.
    """
    failed = failed or {}
    designs = list(dict.fromkeys(k[0] for k in [*values, *failed]))
    seeds = len({k[1] for k in [*values, *failed]})
    spec = {"name": "syn", "description": "A synthetic experiment.", "regions": [region],
            "designs": designs, "seeds": seeds, "years": MONTHS // 12, "root_seed": 7,
            "fixed": {}, "grid": {}, "sample": {}, "sample_size": 0, "baseline": baseline}
    out.mkdir(parents=True, exist_ok=True)
    (out / "experiment.json").write_text(json.dumps({"name": "syn", "hash": "h", "version": "0",
                                                     "spec": spec}))
    for folder in ("kpis", "providers", "manifest"):
        (out / folder).mkdir(exist_ok=True)
    runs = [(key, "ok", "") for key in values] + [(key, "failed", e) for key, e in failed.items()]
    for key, status, error in runs:
        design, seed, point = (*key, 0)[:3]
        run_id = f"{design}_{seed}_{point}"
        ids = {"run_id": run_id, "region": region, "design": design, "point": point,
               "seed_index": seed}
        if status == "ok":
            rows = []
            for month in range(MONTHS + 1):
                late = month > MONTHS - 12
                row = {**ids, "month": month, "year": 2015 + month / 12}
                row.update({k: (v if late else early) for k, v in values[key].items()})
                rows.append(row)
            pd.DataFrame(rows).to_parquet(out / "kpis" / f"{run_id}.parquet")
            clients = [30, 10, 0] if design == designs[0] else [20, 20, 0, 0]
            prov = pd.DataFrame([{**ids, "year": year, "provider": i, "kind": "small",
                                  "clients": c, "revenue": 1.0, "margin": 0.0, "sigma": 0.5,
                                  "innovation": 0.2, "contracted": True, "products": "x"}
                                 for year in (2015, 2016) for i, c in enumerate(clients)])
            prov.to_parquet(out / "providers" / f"{run_id}.parquet")
        params = json.dumps({"x": point, "fixed": 1})
        pd.DataFrame([{**ids, "experiment": "syn", "params": params, "seed": seed, "years": 2,
                       "status": status, "error": error, "duration_s": 0.1, "version": "0",
                       "spec_hash": "h"}]).to_parquet(out / "manifest" / f"{run_id}.parquet")
    return out


def two_designs(shift: dict[str, list[float]], base: dict[str, list[float]]
                ) -> dict[tuple[str, int], dict[str, float]]:
    """Design A with ``base`` values per seed and design B = A + ``shift`` per seed."""
    seeds = len(next(iter(base.values())))
    values = {}
    for s in range(seeds):
        values[("A", s)] = {k: v[s] for k, v in base.items()}
        values[("B", s)] = {k: base[k][s] + shift.get(k, [0.0] * seeds)[s] for k in base}
    return values


BASE = {"transformation_index": [0.2, 0.3, 0.5], "spend": [100.0, 300.0, 200.0],
        "waiting_list": [10.0, 20.0, 40.0]}
SHIFT = {"transformation_index": [0.1, 0.1, 0.1], "spend": [50.0, 60.0, 40.0],
         "waiting_list": [-1.0, 1.0, 0.0]}


@pytest.fixture
def synthetic(tmp_path: Path) -> Path:
    return write_experiment(tmp_path / "exp", two_designs(SHIFT, BASE))


# --- statistics ---------------------------------------------------------------------------------


def test_interval_of_one_two_three_is_two_plus_minus_t_over_root_three():
    iv = interval([1.0, 2.0, 3.0])
    half = T_975_2 * 1.0 / math.sqrt(3)
    assert iv.n == 3
    assert iv.mean == pytest.approx(2.0)
    assert iv.low == pytest.approx(2.0 - half)
    assert iv.high == pytest.approx(2.0 + half)


def test_interval_of_one_value_is_the_point_and_of_none_is_nan():
    assert interval([4.5]) == (4.5, 4.5, 4.5, 1)
    assert math.isnan(interval([]).mean)
    assert interval([1.0, float("nan"), 3.0]).n == 2


def test_end_values_average_only_the_last_months():
    rows = [{"run_id": "a", "region": "r", "design": "A", "point": 0, "seed_index": 0,
             "month": m, "x": 1000.0 if m < 13 else float(m - 13)} for m in range(25)]
    kpis = pd.DataFrame(rows)
    assert end_values(kpis)["x"].iloc[0] == pytest.approx(5.5)  # mean of 0..11
    assert end_values(kpis, months=1)["x"].iloc[0] == pytest.approx(11.0)
    with pytest.raises(ValueError):
        end_values(kpis, months=0)


def test_summarise_gives_the_same_intervals_as_interval_cut_at_zero(synthetic):
    end = end_values(read_results(synthetic)["kpis"])
    stats = summarise(end, ["waiting_list"]).set_index("design")
    iv = interval(BASE["waiting_list"])
    assert iv.low < 0  # a waiting list cannot be negative: summarise cuts the interval there
    row = stats.loc["A"]
    assert (row["mean"], row["low"], row["high"], row["n"]) == \
        pytest.approx(tuple(iv._replace(low=0.0)))


def test_paired_difference_of_a_constant_shift_is_exact_with_zero_width(tmp_path):
    values = two_designs({"spend": [1.0, 1.0, 1.0]}, {"spend": [10.0, 20.0, 40.0]})
    out = write_experiment(tmp_path / "e", values)
    diffs = paired_differences(end_values(read_results(out)["kpis"]), "A", ["spend"])
    assert len(diffs) == 1
    row = diffs.iloc[0]
    assert row["design"] == "B" and row["n"] == 3
    assert row["mean"] == pytest.approx(1.0)
    assert row["low"] == pytest.approx(1.0) and row["high"] == pytest.approx(1.0)
    assert row["baseline_mean"] == pytest.approx(70.0 / 3)


def test_paired_differences_leave_out_seeds_missing_in_one_design(tmp_path):
    values = two_designs({"spend": [1.0, 2.0, 3.0]}, {"spend": [10.0, 20.0, 40.0]})
    del values[("B", 2)]
    out = write_experiment(tmp_path / "e", values)
    row = paired_differences(end_values(read_results(out)["kpis"]), "A", ["spend"]).iloc[0]
    assert row["n"] == 2
    assert row["mean"] == pytest.approx(1.5)


def test_paired_differences_need_a_known_baseline(synthetic):
    end = end_values(read_results(synthetic)["kpis"])
    with pytest.raises(ExperimentError, match="baseline 'C'"):
        paired_differences(end, "C")


def test_kpi_directions():
    for name in ("transformation_index", "innovation_mean", "trust_municipality_to_provider",
                 "trust_provider_to_municipality", "regional_cohesion", "active_providers",
                 "step_down_rate", "general_provision_share", "hours_delivered_ratio",
                 "transformation_light_care", "transformation_results", "transformation_access"):
        assert KPI_DIRECTION[name] == 1, name
    for name in ("spend", "cost_per_client", "waiting_list", "mean_wait_months", "unmet_need",
                 "admin_share", "placement_attempts", "refusal_rate_complex", "upcoding_rate",
                 "rules_count", "share_heavy_indications", "hhi"):
        assert KPI_DIRECTION[name] == -1, name
    assert KPI_DIRECTION["budget"] == 0
    assert all(KPI_DIRECTION[k] != 0 for k in REPORT_KPIS)
    assert set(REPORT_KPIS) <= set(KPI_UNITS)
    assert REPORT_KPIS[0] == "transformation_index"


def test_verdict_follows_the_direction_and_zero():
    assert verdict("transformation_index", 0.1, 0.05, 0.15) == "better"
    assert verdict("transformation_index", -0.1, -0.15, -0.05) == "worse"
    assert verdict("spend", 5.0, 1.0, 9.0) == "worse"
    assert verdict("spend", -5.0, -9.0, -1.0) == "better"
    assert verdict("spend", 5.0, -1.0, 11.0) == "no clear difference"
    assert verdict("spend", 0.0, 0.0, 0.0) == "no clear difference"
    assert verdict("budget", 5.0, 1.0, 9.0) == "higher"
    assert verdict("spend", float("nan"), 0.0, 1.0) == "no data"


# --- the summary --------------------------------------------------------------------------------


def sentence(text: str, design: str = "B", baseline: str = "A") -> str:
    lines = [line for line in text.splitlines() if line.startswith(f"{design} vs {baseline}:")]
    assert len(lines) == 1, text
    return lines[0]


def part(line: str, label: str) -> str:
    found = [p for p in line.split(": ", 1)[1].split("; ") if p.startswith(label)]
    return found[0] if found else ""


def test_summary_says_better_worse_and_no_clear_difference(synthetic):
    text = end_summary(read_results(synthetic))
    line = sentence(text)
    assert "transformation_index (+0.100" in part(line, "better on")
    assert "spend (+50.0 EUR/month" in part(line, "worse on")
    assert "waiting_list" in part(line, "no clear difference (intervals include 0) on")
    assert "waiting_list" not in part(line, "better on") + part(line, "worse on")
    assert "In short: transformation better; cost worse; waiting no clear difference." in text
    assert "Baseline: A." in text
    table = [ln for ln in text.splitlines() if ln.startswith("spend ")]
    assert "worse" in table[1] and "+50.0 [" in table[1]


def test_summary_uses_the_given_baseline_and_knows_lower_is_better(synthetic):
    line = sentence(end_summary(read_results(synthetic), baseline="B"), "A", "B")
    assert "spend (-50.0 EUR/month" in part(line, "better on")
    assert "transformation_index" in part(line, "worse on")


def test_summary_baseline_comes_from_the_spec(tmp_path):
    out = write_experiment(tmp_path / "e", two_designs(SHIFT, BASE), baseline="B")
    spec = json.loads((out / "experiment.json").read_text())["spec"]
    assert "Baseline: B." in end_summary(read_results(out), spec=spec)
    assert "Baseline: A." in end_summary(read_results(out))
    text = (write_report(out).parent / "summary.txt").read_text()
    assert "Baseline: B." in text


def test_summary_per_parameter_point(tmp_path):
    values = {(d, s, p): {"spend": 10.0 * s + (p if d == "B" else 0.0)}
              for d in "AB" for s in range(2) for p in range(2)}
    text = end_summary(read_results(write_experiment(tmp_path / "e", values)))
    assert "r1, point 0 (x=0): 2 seeds per design" in text
    assert "r1, point 1 (x=1): 2 seeds per design" in text
    lines = [ln for ln in text.splitlines() if ln.startswith("B vs A:")]
    assert "no clear difference (intervals include 0) on spend" in lines[0]
    assert "worse on spend (+1.00 EUR/month, the same in every seed)" in lines[1]


def test_summary_with_one_seed_says_there_are_no_intervals(tmp_path):
    out = write_experiment(tmp_path / "e", {("A", 0): {"spend": 1.0}, ("B", 0): {"spend": 2.0}})
    text = end_summary(read_results(out))
    assert "Only one seed per design" in text
    assert "spend (+1.00 EUR/month, one seed)" in sentence(text)


def test_summary_errors(synthetic, tmp_path):
    tables = read_results(synthetic)
    with pytest.raises(ExperimentError, match="not among the designs"):
        end_summary(tables, baseline="C")
    with pytest.raises(ExperimentError, match="none of the KPIs"):
        end_summary(tables, kpis=["no_such_kpi"])
    out = write_experiment(tmp_path / "f", {}, failed={("A", 0): "RuntimeError: boom\nmore"})
    with pytest.raises(ExperimentError, match="no finished runs.*RuntimeError: boom"):
        end_summary(read_results(out))


# --- the written report -------------------------------------------------------------------------


def linked_files(markdown: str) -> list[str]:
    return re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown)


def test_write_report_writes_markdown_and_valid_pngs(synthetic):
    path = write_report(synthetic)
    assert path == synthetic / "report" / "report.md"
    text = path.read_text()
    for fragment in ("# Experiment report: syn", "A synthetic experiment.", "How to read this",
                     "`A` (baseline)", "`B`", "r1", "includes 0", "paired", "## Summary",
                     "## Provider market", "B vs A: better on transformation_index"):
        assert fragment in text, fragment
    links = linked_files(text)
    assert "differences.png" in links
    assert "kpi_transformation_index.png" in links
    assert len(links) == 4  # three KPIs in the data and the differences
    for link in links:
        data = (path.parent / link).read_bytes()
        assert data[:8] == PNG, link


def test_report_market_section_from_the_final_year(synthetic):
    text = write_report(synthetic).read_text()
    market = text.split("## Provider market", 1)[1].split("## ", 1)[0]
    assert "final year (2016)" in market
    row = [ln for ln in market.splitlines() if ln.startswith("| providers without clients")][0]
    assert row.split("|")[2].strip() == "1" and row.split("|")[3].strip() == "2"
    row = [ln for ln in market.splitlines() if ln.startswith("| share of clients at the largest")]
    assert row[0].split("|")[2].strip() == "0.750" and row[0].split("|")[3].strip() == "0.500"


def test_report_names_failed_runs_and_computes_on_the_rest(tmp_path):
    values = two_designs(SHIFT, BASE)
    del values[("B", 2)]
    out = write_experiment(tmp_path / "e", values,
                           failed={("B", 2): "ValueError: bad value\nTraceback line"})
    text = write_report(out).read_text()
    assert "1 failed" in text
    assert "ValueError: bad value" in text and "Traceback line" not in text
    assert "6 in the experiment: 5 finished, 1 failed" in text
    stats = pd.read_csv(out / "report" / "end_summary.csv")
    assert set(stats.loc[stats["design"] == "B", "n"]) == {2}


def test_report_on_a_folder_without_an_experiment(tmp_path):
    with pytest.raises(ExperimentError, match="no experiment.json"):
        write_report(tmp_path)
    with pytest.raises(ExperimentError, match="no such folder"):
        write_report(tmp_path / "missing")


def test_cli_report_on_a_non_experiment_folder_is_one_line_status_2(tmp_path):
    result = CliRunner().invoke(main, ["report", str(tmp_path)], prog_name="wmo-abm")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("wmo-abm: error: ") and "experiment.json" in lines[0]


def test_cli_report_prints_the_path_and_the_summary(synthetic):
    result = CliRunner().invoke(main, ["report", str(synthetic), "--baseline", "B"],
                                prog_name="wmo-abm")
    assert result.exit_code == 0, result.output
    assert str(synthetic / "report" / "report.md") in result.stdout
    assert "A vs B: better on spend" in result.stdout


def test_end_to_end_on_a_real_tiny_experiment(tmp_path):
    exp = Experiment(name="t", regions=["leiden_2015"],
                     designs=["open_house", "strategic_partners"], seeds=2, years=1,
                     fixed={"population_scale": 0.01})
    out = tmp_path / "out"
    summary = run_experiment(exp, out)
    assert summary.ok == 4
    path = write_report(out, kpis=["transformation_index", "trust_municipality_to_provider",
                                   "active_providers"])
    text = path.read_text()
    assert "open_house" in text and "strategic_partners" in text
    assert "strategic_partners vs open_house:" in text
    for link in linked_files(text):
        assert (path.parent / link).read_bytes()[:8] == PNG
    diffs = pd.read_csv(path.parent / "differences.csv")
    assert set(diffs["kpi"]) == {"transformation_index", "trust_municipality_to_provider",
                                 "active_providers"}
    assert (diffs["n"] == 2).all()


def test_report_figures_write_plain_numbers_without_an_offset(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    from agents_model.analysis.report import write_report

    big = {"spend": [1_000_000.0, 1_000_020.0, 1_000_040.0],
           "waiting_list": [10.0, 20.0, 40.0]}  # a narrow range far from 0: an offset's case
    folder = write_experiment(tmp_path / "big", two_designs({"spend": [5.0, 6.0, 4.0]}, big),
                              early=1_000_010.0)

    figures = []
    save = Figure.savefig

    def keep(fig, *args, **kwargs):
        figures.append(fig)
        return save(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    write_report(folder)
    assert figures
    for fig in figures:
        fig.canvas.draw()
        for ax in fig.axes:
            if not ax.get_visible():
                continue
            for axis in (ax.xaxis, ax.yaxis):
                assert axis.get_offset_text().get_text() == "", (fig._suptitle, axis)


def test_plain_ticks_group_thousands_and_leave_years_alone():
    from agents_model.analysis.output import new_figure, plain_ticks

    fig, axes = new_figure(1, 1, 4, 3)
    ax = axes[0, 0]
    ax.plot([2015.0, 2016.5, 2018.0], [1_000_000, 1_500_000, 2_250_000])
    plain_ticks(ax, "y")
    plain_ticks(ax, "x", thousands=False)
    fig.canvas.draw()
    ys = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    xs = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert any("," in y and y.endswith("000") for y in ys), ys
    assert all("," not in x for x in xs) and any(x.startswith("201") for x in xs), xs
    assert ax.yaxis.get_offset_text().get_text() == ""


def test_level_intervals_stay_within_what_a_kpi_can_be_and_differences_do_not(tmp_path):
    from agents_model.analysis.report.statistics import intervals, kpi_range

    values = two_designs({"waiting_list": [0.0, 0.0, 0.0]},
                         {"waiting_list": [0.0, 0.0, 90.0],  # t-interval reaches below 0
                          "transformation_index": [0.99, 0.98, 0.5],  # and above 1
                          "spend": [100.0, 110.0, 120.0]})
    out = write_experiment(tmp_path / "b", values)
    end = end_values(read_results(out)["kpis"])
    levels = summarise(end, ["waiting_list", "transformation_index", "spend"])
    raw = intervals(end, ["region", "point", "design"], ["waiting_list",
                                                          "transformation_index"])
    assert (raw.loc[raw["kpi"] == "waiting_list", "low"] < 0).all()
    assert (raw.loc[raw["kpi"] == "transformation_index", "high"] > 1).all()
    wait = levels[levels["kpi"] == "waiting_list"]
    index = levels[levels["kpi"] == "transformation_index"]
    assert (wait["low"] == 0).all() and (wait["high"] > wait["mean"]).all()
    assert (index["high"] == 1).all() and (index["low"] < index["mean"]).all()
    spend = levels[levels["kpi"] == "spend"]
    assert (spend["low"] > 0).all()  # inside the range: unchanged
    diffs = paired_differences(end, "A", ["waiting_list"])
    assert kpi_range("waiting_list") == (0.0, math.inf)
    assert kpi_range("trust_municipality_to_provider") == (0.0, 1.0)
    assert kpi_range("year") == (-math.inf, math.inf)
    assert (diffs["low"] <= 0).all()  # differences may be negative
