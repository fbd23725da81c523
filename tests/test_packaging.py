"""The wheel: an installed copy carries every module, the scenario files, the calibrated
defaults and the app, and gives the same results as the source checkout."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from agents_model import WmoModel, load_scenario
from agents_model.scenario import base_values, list_scenarios

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "agents_model", "scenarios")

PROBE = """
import json, sys
import agents_model
from agents_model import WmoModel, load_scenario
from agents_model.analysis.calibration import TARGETS
from agents_model.scenario import CALIBRATED, SCENARIO_ROOT, base_values, list_scenarios
from agents_model.viz.app import routes
from agents_model.viz.pages import answer_html
from agents_model.viz.effects import decomposition, lever_effects
model = WmoModel(load_scenario("leiden_2015", design="consortium"), rng=3,
                 population_scale=0.05)
model.run_for(3)
json.dump({
    "package": agents_model.__file__,
    "scenario_root": str(SCENARIO_ROOT),
    "calibrated": str(CALIBRATED),
    "targets": TARGETS.is_file(),
    "regions": list_scenarios("regions"),
    "governance": list_scenarios("governance"),
    "experiments": sorted(p.stem for p in (SCENARIO_ROOT / "experiments").glob("*.toml")),
    "defaults": {k: v for k, v in base_values().items()},
    "kpis": model.kpi_frame().to_dict(orient="list"),
    "routes": [r.path for r in routes],
    "answer": {lang: answer_html(lang) for lang in ("en", "nl")},
    "effects": sorted(decomposition("leiden_2015", "consortium", "waiting_list")),
    "levers": len(lever_effects("transformation_index")),
}, sys.stdout)
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel built from a copy of the sources."""
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    src.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, src / name)
    (src / "calibration").mkdir()
    for name in ("calibrated.toml", "targets.toml"):
        shutil.copy2(ROOT / "calibration" / name, src / "calibration" / name)
    for name in ("answer.md", "answer.nl.md", "answer/differences.csv",
                 "answer/end_summary.csv", "answer/calibration_differences.csv",
                 "design_effects/effects.csv"):
        (src / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "docs" / name, src / "docs" / name)
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--no-build-isolation", "--quiet", "-w", str(work / "dist"), str(src)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    (built,) = (work / "dist").glob("wmo_abm-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """The wheel unpacked as an installation would be."""
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


@pytest.fixture(scope="module")
def probe(installed, tmp_path_factory):
    """What the installed copy reports, run from a folder outside the sources."""
    cwd = tmp_path_factory.mktemp("elsewhere")
    proc = subprocess.run([sys.executable, "-c", PROBE], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={"PYTHONPATH": str(installed),
                                                       "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_the_wheel_carries_every_module(installed):
    def modules(root):
        return {p.relative_to(root).as_posix() for p in (root / "agents_model").rglob("*.py")}

    assert modules(ROOT) <= modules(installed)


def test_the_installed_copy_reads_its_bundled_files(installed, probe):
    bundled = installed / "agents_model" / "bundled"
    assert Path(probe["package"]).is_relative_to(installed)
    assert Path(probe["scenario_root"]) == bundled / "scenarios"
    assert Path(probe["calibrated"]) == bundled / "calibration" / "calibrated.toml"
    assert probe["targets"]
    assert probe["regions"] == list_scenarios("regions")
    assert probe["governance"] == list_scenarios("governance")
    assert probe["experiments"] == sorted(p.stem for p in
                                          (ROOT / "scenarios" / "experiments").glob("*.toml"))
    assert probe["routes"] == ["/", "compare", "answer", "effects", "region", "classroom",
                              "glossary", "about"]
    assert probe["effects"] == sorted(["packaged", "form", "levers", "without_sanctions",
                                       "sanctions"])
    assert probe["levers"] >= 8
    for lang, name in (("en", "answer.md"), ("nl", "answer.nl.md")):
        assert (bundled / "docs" / name).is_file()
        assert probe["answer"][lang].startswith("<h1>"), lang
    assert "wmo-abm sweep answer" in probe["answer"]["en"]


def test_the_installed_copy_has_the_calibrated_defaults_and_the_same_results(probe):
    assert probe["defaults"] == json.loads(json.dumps(base_values()))
    model = WmoModel(load_scenario("leiden_2015", design="consortium"), rng=3,
                     population_scale=0.05)
    model.run_for(3)
    assert probe["kpis"] == json.loads(json.dumps(model.kpi_frame().to_dict(orient="list")))


def test_the_core_install_runs_without_the_app_and_analysis_extras(wheel, tmp_path):
    """``pip install wmo-abm`` in a fresh environment: no Solara, SALib or matplotlib, and
    ``wmo-abm run`` works there; ``wmo-abm app`` names the extra it needs (exit 2)."""
    env = tmp_path / "env"
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True, timeout=120, env=clean)
    python, program = env / "bin" / "python", env / "bin" / "wmo-abm"
    proc = subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                           "--disable-pip-version-check", str(wheel)],
                          capture_output=True, text=True, timeout=900, env=clean)
    assert proc.returncode == 0, proc.stderr
    listed = subprocess.run([str(python), "-m", "pip", "list", "--format=json"],
                            capture_output=True, text=True, check=True, timeout=120,
                            env=clean).stdout
    names = {row["name"].lower() for row in json.loads(listed)}
    assert "wmo-abm" in names
    assert not names & {"solara", "solara-assets", "salib", "matplotlib", "prim", "distributed"}
    run = subprocess.run([str(program), "run", "leiden_2015", "--years", "1",
                          "--set", "population_scale=0.05"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300, env=clean)
    assert run.returncode == 0, run.stderr
    assert "Leiden" in run.stdout
    app = subprocess.run([str(program), "app"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120, env=clean)
    assert app.returncode == 2
    assert "pip install 'wmo-abm[app]'" in app.stderr
    assert "Traceback" not in app.stderr
