"""The install: extras keep the core lean, the locks are current and agree, this environment is
the test lock, and a command that needs a missing extra says which (one line, exit 2)."""

import importlib.util
import re
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.markers import Marker

from agents_model.extras import EXTRAS, MissingExtra, missing_modules, require

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ROOT / "requirements"
_spec = importlib.util.spec_from_file_location("lock_script", ROOT / "scripts" / "lock.py")
lock_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lock_script)

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")
APP_AND_ANALYSIS = {"solara", "solara-assets", "salib", "matplotlib", "prim", "ipyvuetify",
                    "ipyvue"}
TEST_ONLY = {"pytest", "hypothesis", "ruff", "pytest-playwright", "pytest-ipywidgets",
             "distributed", "dask"}


def pins(stem: str) -> dict[str, tuple[str, str | None]]:
    """Package name -> (version, environment marker) of one lock file."""
    found = {}
    for line in (LOCKS / f"{stem}.txt").read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match:
            name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
            found[name] = (match.group(2), match.group(3))
    return found


@pytest.mark.parametrize("stem", sorted(lock_script.LOCKS))
def test_every_lock_was_made_from_the_present_dependencies(stem):
    first = (LOCKS / f"{stem}.txt").read_text(encoding="utf-8").splitlines()[0]
    assert first == lock_script.DIGEST_PREFIX + lock_script.dependency_digest(), (
        f"requirements/{stem}.txt is older than pyproject.toml; refresh the locks with: "
        f"{lock_script.REFRESH_COMMAND}")


def test_the_digest_changes_with_the_dependencies(tmp_path):
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    changed = tmp_path / "pyproject.toml"
    changed.write_text(text.replace('"numpy>=1.26"', '"numpy>=1.27"'), encoding="utf-8")
    assert lock_script.dependency_digest(changed) != lock_script.dependency_digest()


def test_every_pin_carries_hashes():
    for stem in lock_script.LOCKS:
        text = (LOCKS / f"{stem}.txt").read_text(encoding="utf-8")
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 3)[3])
        for block in blocks:
            if "==" in block.split("\n")[0]:
                assert "--hash=sha256:" in block, (stem, block.split("\n")[0])


def test_the_core_lock_leaves_out_the_app_the_analysis_and_the_test_tools():
    core, app, full = pins("core"), pins("app"), pins("test")
    assert {"mesa", "numpy", "pandas", "networkx", "pyarrow", "click", "scipy"} <= set(core)
    assert not set(core) & (APP_AND_ANALYSIS | TEST_ONLY)
    assert APP_AND_ANALYSIS <= set(app)
    assert not set(app) & TEST_ONLY
    assert APP_AND_ANALYSIS | TEST_ONLY <= set(full)


def test_the_locks_agree_on_every_version():
    full = pins("test")
    for stem in ("core", "cluster", "app"):
        for name, (pinned, _marker) in pins(stem).items():
            assert full[name][0] == pinned, (stem, name)


def test_this_environment_is_the_test_lock():
    """CI and ``bash scripts/bootstrap.sh test`` install requirements/test.txt exactly."""
    differ = []
    for name, (pinned, marker) in pins("test").items():
        if marker and not Marker(marker).evaluate():
            continue
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = None
        if installed != pinned:
            differ.append(f"{name} {installed} (lock {pinned})")
    assert not differ, ("this environment is not the test lock; run bash scripts/bootstrap.sh "
                        "test: " + ", ".join(differ))


def test_the_extras_name_what_the_commands_import():
    assert set(EXTRAS) == {"app", "analysis", "cluster"}
    for extra in EXTRAS:
        assert missing_modules(extra) == []
        require(extra, "this test")


def test_a_missing_module_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "SALib", None)
    assert missing_modules("analysis") == ["SALib"]
    with pytest.raises(MissingExtra, match=r"wmo-abm sensitivity needs the 'analysis' extra.*"
                                           r"missing: SALib.*pip install 'wmo-abm\[analysis\]'"):
        require("analysis", "wmo-abm sensitivity")


BLOCKED = """
import sys
if __name__ == "__main__":
    for name in ("solara", "SALib", "matplotlib", "prim", "distributed"):
        sys.modules[name] = None  # as if only the core were installed
    sys.argv = ["wmo-abm"] + sys.argv[1:]
    from agents_model.cli import main
    main()
"""


@pytest.fixture(scope="module")
def core_only(tmp_path_factory):
    """Run ``wmo-abm ARGS`` as on a core install: the optional packages cannot be imported."""
    script = tmp_path_factory.mktemp("core") / "core_only.py"
    script.write_text(BLOCKED, encoding="utf-8")

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(script), *args], cwd=cwd,
                              capture_output=True, text=True, timeout=300)

    return run


@pytest.mark.parametrize(("args", "extra"), [
    (("app",), "app"),
    (("report", "OUT"), "analysis"),
    (("effects", "leiden_2015", "--seeds", "1", "--years", "1", "--out", "OUT"), "analysis"),
    (("discover", "leiden_2015", "--n", "4", "--out", "OUT"), "analysis"),
    (("sensitivity", "--n", "2", "--out", "OUT"), "analysis"),
    (("calibrate", "--budget", "2", "--out", "OUT"), "analysis"),
    (("sweep", "scenarios/experiments/governance_comparison.toml", "--scheduler", "tcp://127.0.0.1:9",
      "--out", "OUT"), "cluster"),
])
def test_a_command_that_needs_a_missing_extra_says_which_and_writes_nothing(
        core_only, tmp_path, args, extra):
    out = tmp_path / "out"
    args = tuple(str(out) if a == "OUT" else a for a in args)
    proc = core_only(*args, cwd=ROOT)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert f"needs the '{extra}' extra" in lines[0]
    assert f"pip install 'wmo-abm[{extra}]'" in lines[0]
    assert not out.exists()


def test_the_core_commands_run_without_the_extras(core_only, tmp_path):
    run = core_only("run", "leiden_2015", "--years", "1", "--set", "population_scale=0.02",
                    cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    compare = core_only("compare", "leiden_2015", "--designs", "open_house", "consortium",
                        "--seeds", "2", "--years", "1", "--set", "population_scale=0.02",
                        "--workers", "0", "--quiet", "--out", str(tmp_path / "cmp"),
                        cwd=tmp_path)
    assert compare.returncode == 0, compare.stderr
    assert "consortium" in compare.stdout
    assert len(list((tmp_path / "cmp").rglob("*.parquet"))) >= 4
