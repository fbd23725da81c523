"""The documentation cannot drift from the model: tables are generated, references resolve."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
from pathlib import Path

import numpy as np
import pytest

from agents_model import metrics, params

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TESTS = ROOT / "tests"
CODES = [f"M{i}" for i in range(1, 20)]
AGENT_MODULES = {
    "Municipality": "agents_model.agents.municipality",
    "Provider": "agents_model.agents.provider",
    "AccessWorker": "agents_model.agents.access_worker",
    "Resident": "agents_model.agents.resident",
}
"""The four agent classes by the module that defines them: they take the decisions."""

CODE_REF = re.compile(r"`(agents_model(?:\.\w+)*(?::\w+(?:\.\w+)*)?)`")
TEST_REF = re.compile(r"`(test_\w+)`")
TEST_DEF = re.compile(r"^\s*(?:async\s+)?def\s+(test_\w+)\s*\(", re.MULTILINE)
LINK = re.compile(r"\]\(([\w.-]+\.md)(?:#([\w-]+))?\)")


def make_docs():
    """The generator script, imported as a module (not run in a subprocess)."""
    spec = importlib.util.spec_from_file_location("make_docs", ROOT / "scripts" / "make_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def resolve(ref: str):
    """Import ``module:Attr.attr`` or a dotted ``package.module.attr`` and return the object."""
    module_name, colon, attrs = ref.partition(":")
    if colon:
        obj = importlib.import_module(module_name)
        rest = attrs.split(".")
    else:
        parts = ref.split(".")
        for i in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:i]))
            except ModuleNotFoundError:
                continue
            rest = parts[i:]
            break
        else:
            raise ModuleNotFoundError(ref)
    for name in rest:
        obj = getattr(obj, name)
    return obj


def defined_tests() -> set[str]:
    names: set[str] = set()
    for path in TESTS.glob("test_*.py"):
        names.update(TEST_DEF.findall(path.read_text(encoding="utf-8")))
    return names


def mechanism_rows() -> dict[str, list[str]]:
    """The cells of each M-row of the table in docs/mechanisms.md, keyed by code."""
    rows = {}
    for line in read("mechanisms.md").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and re.fullmatch(r"M\d+", cells[0]):
            rows[cells[0]] = cells
    return rows


def heading_anchors(text: str) -> set[str]:
    anchors = set(re.findall(r'id="([\w-]+)"', text))
    for heading in re.findall(r"^#+\s+(.+)$", text, re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchors.add(slug)
    return anchors


# --- docs/parameters.md is generated ---


def test_parameters_md_is_what_the_generator_writes_now():
    assert read("parameters.md") == make_docs().generate(), \
        "docs/parameters.md is out of date: run python scripts/make_docs.py"


def test_every_parameter_is_in_parameters_md():
    text = read("parameters.md")
    missing = [p.name for p in params.PARAMS if f"`{p.name}`" not in text]
    assert not missing


def test_parameters_md_shows_the_effective_defaults():
    from agents_model.scenario import effective_defaults

    text = read("parameters.md")
    rows = {line.split(" | ")[0].strip("| `"): line for line in text.splitlines()
            if line.startswith("| `")}
    effective = effective_defaults()
    calibrated = [n for n, e in effective.items() if e.origin == "calibration"]
    assert calibrated
    for name in calibrated:
        e = effective[name]
        cells = f"| `{name}` | `{e.value!r}` | `{e.table!r}` | calibration |"
        assert rows[name].startswith(cells), rows[name]
    table = repr(effective["tariff_factor"].table)
    cells = f"| `tariff_factor` | `{table}` | `{table}` | table |"
    assert rows["tariff_factor"].startswith(cells), rows["tariff_factor"]


def test_every_section_has_a_heading_in_parameters_md():
    text = read("parameters.md")
    missing = [s for s in params.SECTIONS if f"\n## {s}\n" not in text]
    assert not missing


def test_every_kpi_is_in_parameters_md_with_its_unit():
    text = read("parameters.md")
    missing = [k for k in metrics.KPI_NAMES
               if f"| `{k}` | {metrics.KPI_UNITS[k]} |" not in text]
    assert not missing


def test_check_flag_fails_on_a_stale_file_and_passes_on_a_fresh_one(tmp_path, monkeypatch):
    module = make_docs()
    target = tmp_path / "parameters.md"
    monkeypatch.setattr(module, "TARGET", target)
    monkeypatch.setattr(module, "ROOT", tmp_path)
    assert module.main(["--check"]) == 1
    target.write_text(module.generate().replace("`tariff_factor`", "`tariff`"), encoding="utf-8")
    assert module.main(["--check"]) == 1
    assert module.main([]) == 0
    assert module.main(["--check"]) == 0


# --- every mechanism is documented ---


@pytest.mark.parametrize("doc", ["mechanisms.md", "ODD.md"])
@pytest.mark.parametrize("code", CODES)
def test_every_mechanism_code_appears(doc, code):
    assert re.search(rf"\b{code}\b", read(doc)), f"{code} missing from docs/{doc}"


@pytest.mark.parametrize("code", CODES)
def test_every_mechanism_row_names_code_tests_parameters_and_kpis(code):
    rows = mechanism_rows()
    assert code in rows, f"no table row for {code} in docs/mechanisms.md"
    _, _, decided, where, tests, parameters, kpis = rows[code]
    assert CODE_REF.findall(decided), f"{code}: no deciding method"
    assert CODE_REF.findall(where), f"{code}: no code reference"
    assert TEST_REF.findall(tests), f"{code}: no test"
    assert re.findall(r"`(\w+)`", parameters), f"{code}: no parameter"
    assert re.findall(r"`(\w+)`", kpis), f"{code}: no KPI"


# --- references resolve ---


@pytest.mark.parametrize("doc", ["mechanisms.md", "ODD.md"])
def test_code_references_resolve_to_real_attributes(doc):
    refs = sorted(set(CODE_REF.findall(read(doc))))
    assert len(refs) >= 19, f"too few code references found in docs/{doc}"
    broken = []
    for ref in refs:
        try:
            resolve(ref)
        except (ImportError, AttributeError):
            broken.append(ref)
    assert not broken, f"unresolved references in docs/{doc}: {broken}"


@pytest.mark.parametrize("doc", ["mechanisms.md", "ODD.md"])
def test_cited_tests_exist(doc):
    cited = set(TEST_REF.findall(read(doc)))
    assert cited, f"no test cited in docs/{doc}"
    missing = sorted(cited - defined_tests())
    assert not missing, f"tests cited in docs/{doc} but not defined: {missing}"


def agent_method_problem(ref: str) -> str | None:
    """Why ``ref`` is not a method of one of the four agent classes, or None if it is."""
    module_name, colon, attrs = ref.partition(":")
    class_name, _, method = attrs.partition(".")
    if not colon or class_name not in AGENT_MODULES or not method or "." in method:
        return "not of the form agents_model.agents.<module>:<Agent>.<method>"
    if module_name != AGENT_MODULES[class_name]:
        return f"{class_name} is defined in {AGENT_MODULES[class_name]}"
    try:
        cls = resolve(f"{module_name}:{class_name}")
    except (ImportError, AttributeError):
        return "does not import"
    if not inspect.isfunction(inspect.getattr_static(cls, method, None)):
        return f"{class_name} has no method {method}"
    return None


@pytest.mark.parametrize("code", CODES)
def test_every_mechanism_is_decided_by_methods_of_the_agents(code):
    rows = mechanism_rows()
    assert code in rows, f"no table row for {code} in docs/mechanisms.md"
    cell = rows[code][2]
    named = re.findall(r"`([^`]+)`", cell)
    assert named, f"{code}: the 'decided by' cell names no method"
    refs = CODE_REF.findall(cell)
    assert refs == named, f"{code}: 'decided by' holds something other than code references"
    problems = {ref: agent_method_problem(ref) for ref in refs}
    assert not any(problems.values()), \
        f"{code}: not methods of the agents: {[(r, p) for r, p in problems.items() if p]}"


def test_the_decided_by_check_rejects_what_is_not_an_agent_method():
    assert agent_method_problem("agents_model.agents.provider:Provider.accepts") is None
    assert agent_method_problem("agents_model.ledger:Ledger.book")
    assert agent_method_problem("agents_model.model:WmoModel.update_cohesion")
    assert agent_method_problem("agents_model.agents.provider:Municipality.observe")
    assert agent_method_problem("agents_model.agents.provider:Provider.no_such_method")
    assert agent_method_problem("agents_model.agents.provider:Provider.label")
    assert agent_method_problem("agents_model.agents.provider:Provider")


def test_parameters_and_kpis_in_the_mechanism_table_exist():
    unknown = []
    for code, cells in mechanism_rows().items():
        for name in re.findall(r"`(\w+)`", cells[5]):
            if params.by_name(name) is None:
                unknown.append((code, "parameter", name))
        for name in re.findall(r"`(\w+)`", cells[6]):
            if name not in metrics.KPI_NAMES:
                unknown.append((code, "KPI", name))
    assert not unknown


def test_links_between_docs_resolve():
    broken = []
    for path in DOCS.glob("*.md"):
        for target, anchor in LINK.findall(path.read_text(encoding="utf-8")):
            other = DOCS / target
            if not other.is_file():
                broken.append((path.name, target))
            elif anchor and anchor not in heading_anchors(other.read_text(encoding="utf-8")):
                broken.append((path.name, f"{target}#{anchor}"))
    assert not broken


# --- the answer page ------------------------------------------------------------------------

ANSWER_PAGES = ("answer.md", "answer.nl.md")
INTERVAL = re.compile(r"([+−-]?[\d,]*\d(?:\.\d+)?) \[([+−-]?[\d,]*\d(?:\.\d+)?), "
                      r"([+−-]?[\d,]*\d(?:\.\d+)?)\]")
"""'+0.0172 [−0.0108, +0.0453]' or '1,984 [1,785, 2,183]' (tables use a decimal point)."""


def _number(text: str) -> tuple[float, float]:
    """A shown number and half a unit of its last digit (the rounding it may carry)."""
    text = text.replace("−", "-").replace(",", "")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return float(text), 0.5 * 10.0 ** -decimals + 1e-12


def answer_intervals(text: str) -> list[tuple[tuple[float, float], ...]]:
    """Every 'mean [low, high]' of a page, as (value, rounding) triples."""
    return [tuple(_number(g) for g in m.groups()) for m in INTERVAL.finditer(text)]


def shipped_rows() -> np.ndarray:
    """(mean, low, high) of every row of the answer's shipped tables."""
    import pandas as pd

    tables = pd.concat([pd.read_csv(DOCS / "answer" / name)
                        for name in ("differences.csv", "end_summary.csv",
                                     "calibration_differences.csv")])
    return tables[["mean", "low", "high"]].to_numpy(dtype=float)


def in_rows(triple: tuple[tuple[float, float], ...], rows: np.ndarray) -> bool:
    """Whether a shown interval is some row, each number within its rounding."""
    match = np.ones(len(rows), dtype=bool)
    for column, (value, rounding) in enumerate(triple):
        match &= np.abs(rows[:, column] - value) <= rounding
    return bool(match.any())


@pytest.mark.parametrize("page", ANSWER_PAGES)
def test_every_interval_on_the_answer_page_is_in_its_shipped_tables(page):
    rows = shipped_rows()
    found = answer_intervals((DOCS / page).read_text(encoding="utf-8"))
    assert len(found) >= 100, page
    missing = [triple for triple in found if not in_rows(triple, rows)]
    assert not missing, missing[:3]


def test_the_interval_check_rejects_a_number_that_is_not_in_the_tables():
    rows = np.array([[0.0172, -0.0108, 0.0453], [1984.2, 1785.0, 2183.4]])
    assert answer_intervals("1,984 [1,785, 2,183]")[0][0] == (1984.0, 0.5 + 1e-12)
    assert in_rows(answer_intervals("+0.0172 [−0.0108, +0.0453]")[0], rows)
    assert in_rows(answer_intervals("1,984 [1,785, 2,183]")[0], rows)
    assert not in_rows(answer_intervals("+0.0173 [−0.0108, +0.0453]")[0], rows)
    assert not in_rows(answer_intervals("+0.0172 [−0.0108, +0.0463]")[0], rows)
    assert not answer_intervals("0.42 a month")


@pytest.mark.parametrize("page", ANSWER_PAGES)
def test_the_answer_page_names_the_commands_that_make_its_numbers(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    assert "wmo-abm sweep answer --out out/answer" in text
    assert "wmo-abm report out/answer" in text
