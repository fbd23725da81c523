"""Every command quoted in the documentation parses against the current command line.

The documents are README.md, docs/*.md and docs/teaching/*.md. A quoted command is a line of a
fenced code block, or an inline code span, that starts with ``wmo-abm ``,
``.venv/bin/wmo-abm `` or ``python -m agents_model `` (also after ``&&``, ``||``, ``;`` or
``|`` on a shell line; ``\\`` continues a line). Each is split with :mod:`shlex`, its
subcommand is resolved from :data:`agents_model.cli.main` and its arguments are parsed with
``command.make_context(name, args)`` inside a click context with ``resilient_parsing=False``,
so an unknown option, a missing argument or a value of the wrong type fails the test.

Placeholders (``REGION``, ``GOVERNANCE``, ``DIR``, ``ADDR``, ``N``...) are replaced by sensible
values before parsing. Beyond the parse, values that name something real are checked too:
``--set`` keys against the parameter table, bare region and design names against
``scenarios/``, and files under ``docs/`` or ``scenarios/`` must exist. A command that must not
be checked is marked with ``<!-- doc-commands: skip -->`` on its own line (inline code) or on
the line just before its fenced block.

A handful of the lesson commands of docs/teaching/ are also run for real, shrunk to a tiny
scale (one simulated year, two seeds, population scale 0.01, in this process), to show that
they execute.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from agents_model.cli import main
from agents_model.runner import OWN_DESIGN, ExperimentError, load_experiment
from agents_model.scenario import (
    ScenarioError,
    list_scenarios,
    load_scenario,
    parse_overrides,
    resolve,
)

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TEACHING = DOCS / "teaching"

PREFIXES: tuple[tuple[str, ...], ...] = (
    ("wmo-abm",), (".venv/bin/wmo-abm",), ("python", "-m", "agents_model"),
)
"""Token prefixes that start a command of this package."""

SKIP_MARK = "<!-- doc-commands: skip -->"

PLACEHOLDERS: dict[str, str] = {
    "REGION": "leiden_2015",
    "GOVERNANCE": "open_house",
    "DESIGN": "open_house",
    "DIR": "out/doc_commands",
    "OUT": "out/doc_commands",
    "ADDR": "tcp://127.0.0.1:8786",
    "FILE": "out/doc_commands.csv",
    "N": "1",
    "Y": "1",
    "EXPERIMENT.toml": "scenarios/experiments/governance_comparison.toml",
    "FINGERPRINT.json": "fingerprint.json",
    "VINGERAFDRUK.json": "fingerprint.json",
}
"""Placeholder tokens of the documents and the values they are parsed with."""

VAGUE = {"...", "key=value", "KEY=VALUE", "<region>", "<dir>"}
"""Tokens that stand for 'anything': parsed as they are, never checked as names."""

FENCE = re.compile(r"^\s*(```|~~~)")
INLINE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
OPERATORS = {"&&", "||", ";", "|", "&"}
BARE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Quoted:
    """A command quoted in a document.

    Attributes:
        path: The document (relative to the project root).
        line: Line number of the command (its first line when continued).
        text: The command as written (continuations joined).
        args: Its arguments after the program prefix, placeholders replaced.
        inline: Whether it is an inline code span (else a line of a fenced block).
    """

    path: str
    line: int
    text: str
    args: tuple[str, ...]
    inline: bool = False

    def where(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


# --- finding the commands -------------------------------------------------------------------


def _split(text: str) -> list[list[str]]:
    """Shell words of a line, cut into commands at && || ; | & (comments dropped)."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:  # unbalanced quotes: not a shell line
        return []
    parts: list[list[str]] = [[]]
    for token in tokens:
        if token in OPERATORS:
            parts.append([])
        else:
            parts[-1].append(token)
    return [p for p in parts if p]


def _commands_in(text: str) -> list[tuple[str, ...]]:
    """Arguments (after the prefix) of each command of this package in a shell line."""
    found = []
    for words in _split(text):
        if words and words[0] == "$":
            words = words[1:]
        for prefix in PREFIXES:
            if tuple(words[:len(prefix)]) == prefix:
                found.append(tuple(words[len(prefix):]))
                break
    return found


def _starts_with_prefix(text: str) -> bool:
    stripped = text.strip().removeprefix("$ ")
    return any(stripped.startswith(" ".join(p) + " ") or stripped == " ".join(p)
               for p in PREFIXES)


def extract(text: str, path: str = "<text>") -> list[Quoted]:
    """Every command of this package quoted in a Markdown text.

    Args:
        text: The Markdown text.
        path: Name of the document, for messages.

    Returns:
        The quoted commands in document order, placeholders not yet replaced.
    """
    out: list[Quoted] = []
    lines = text.splitlines()
    in_fence = skip_fence = False
    previous = ""
    pending: tuple[int, str] | None = None
    for number, line in enumerate(lines, start=1):
        if FENCE.match(line):
            if in_fence:
                in_fence = False
                pending = None
            else:
                in_fence = True
                skip_fence = SKIP_MARK in previous
            previous = line
            continue
        if in_fence:
            if skip_fence:
                continue
            if pending is not None:
                start, joined = pending
                joined += " " + line.strip()
            else:
                start, joined = number, line.strip()
            if joined.endswith("\\"):
                pending = (start, joined[:-1].rstrip())
                continue
            pending = None
            for args in _commands_in(joined):
                out.append(Quoted(path, start, joined, args))
        else:
            if SKIP_MARK not in line:
                for span in INLINE.findall(line):
                    if _starts_with_prefix(span):
                        for args in _commands_in(span):
                            out.append(Quoted(path, number, span.strip(), args, True))
            if line.strip():
                previous = line
    return out


def documents() -> list[Path]:
    """README.md, docs/*.md and docs/teaching/*.md."""
    paths = [ROOT / "README.md", *sorted(DOCS.glob("*.md")), *sorted(TEACHING.glob("*.md"))]
    return [p for p in paths if p.is_file()]


def quoted_commands(paths: list[Path] | None = None) -> list[Quoted]:
    """Every quoted command of the documents, placeholders replaced."""
    found = []
    for path in paths or documents():
        rel = str(path.relative_to(ROOT))
        for q in extract(path.read_text(encoding="utf-8"), rel):
            args = tuple(PLACEHOLDERS.get(a, a) for a in q.args)
            found.append(Quoted(q.path, q.line, q.text, args, q.inline))
    return found


# --- checking one command -------------------------------------------------------------------


def _check_names(name: str, params: dict) -> None:
    """Values that name real things must exist (parameters, scenarios, files)."""
    settings = [s for s in params.get("settings") or () if s not in VAGUE]
    parse_overrides(settings)  # raises ScenarioError on an unknown key or a bad item

    def scenario_file(value: str | None, kind: str) -> None:
        if not value or value in VAGUE or value == OWN_DESIGN:
            return
        if value.startswith(("docs/", "scenarios/")):  # quoted relative to the project folder
            resolve(ROOT / value, kind)
        elif BARE_NAME.match(value):
            resolve(value, kind)

    if name == "run":
        scenario_file(params.get("region"), "regions")
        scenario_file(params.get("design"), "governance")
    elif name == "compare":
        scenario_file(params.get("region"), "regions")
        for design in params.get("more") or ():
            scenario_file(design, "governance")
    elif name == "sweep":
        file = params.get("experiment_file") or ""
        if file.startswith(("docs/", "scenarios/")):
            load_experiment(ROOT / file)
        elif BARE_NAME.match(file):
            load_experiment(file)


def check(args: tuple[str, ...] | list[str], reference: bool = False) -> str:
    """Parse a command's arguments (after the program name) against the current CLI.

    With ``reference``, a lone subcommand name (``wmo-abm compare`` in running text) only has
    to exist; it names the command rather than running it.

    Returns:
        The name of the subcommand ('' for the bare program).

    Raises:
        click.UsageError: Unknown command or option, missing argument, bad value.
        ScenarioError: A --set key, region or design that does not exist.
        ExperimentError: An experiment file that does not exist or is invalid.
    """
    args = list(args)
    if not args:  # the bare program name: it shows the help
        return ""
    with click.Context(main, info_name="wmo-abm", resilient_parsing=False) as parent:
        if args[0].startswith("-"):
            try:
                main.make_context("wmo-abm", args)
            except click.exceptions.Exit as exc:  # --help, --version
                if exc.exit_code:
                    raise
            return ""
        name, command, rest = main.resolve_command(parent, args)
        assert command is not None and name is not None
        if reference and not rest:
            return name
        try:
            ctx = command.make_context(name, rest, parent=parent)
        except click.exceptions.Exit as exc:  # --help
            if exc.exit_code:
                raise
            return name
        with ctx:
            _check_names(name, ctx.params)
        return name


# --- tests ----------------------------------------------------------------------------------


ALL = quoted_commands()


def test_the_documents_quote_commands():
    files = {q.path for q in ALL}
    assert "README.md" in files
    teaching = [q for q in ALL if q.path.startswith("docs/teaching/")]
    assert len(teaching) >= 10, "the lessons should quote their commands"
    names = {q.args[0] for q in teaching if q.args}
    assert {"compare", "report", "app"} <= names


@pytest.mark.parametrize("quoted", ALL, ids=lambda q: f"{q.path}:{q.line}")
def test_quoted_command_parses(quoted: Quoted):
    problem = None
    try:
        check(quoted.args, reference=quoted.inline)
    except (click.UsageError, ScenarioError, ExperimentError) as exc:
        problem = exc.format_message() if isinstance(exc, click.ClickException) else str(exc)
    assert problem is None, f"{quoted.where()}\n  -> {problem}"


# --- self-checks: wrong commands are detected -------------------------------------------------


WRONG = [
    "wmo-abm compare leiden_2015 --designs open_house consortium --no-such-option 3",
    "wmo-abm run leiden_2015 --seeds 3",
    "wmo-abm report out/x --baseline",
    "wmo-abm simulate leiden_2015",
    "wmo-abm compare leiden_2015 --designs open_house --seeds zero",
    "wmo-abm run leiden_2015 --set no_such_parameter=1",
    "wmo-abm compare leiden_2015 --designs open_house no_such_design",
    "wmo-abm run no_such_region_2015",
    "python -m agents_model params --section nowhere",
]


@pytest.mark.parametrize("text", WRONG)
def test_a_wrong_command_is_detected(text: str):
    markdown = f"Some text.\n\n```\n{text}\n```\n\nAnd inline: `{text}`.\n"
    found = extract(markdown)
    assert len(found) == 2, "the fenced and the inline command are both found"
    for q in found:
        with pytest.raises((click.UsageError, ScenarioError)):
            check(q.args, reference=q.inline)


def test_a_missing_argument_or_unknown_subcommand_is_detected():
    (fenced,) = extract("```\nwmo-abm report\n```\n")
    with pytest.raises(click.UsageError, match="Missing"):
        check(fenced.args)
    (named,) = extract("Run `wmo-abm compare` first.")
    assert check(named.args, reference=True) == "compare"
    (unknown,) = extract("Run `wmo-abm simulate` first.")
    with pytest.raises(click.UsageError):
        check(unknown.args, reference=True)


def test_extraction_handles_continuations_operators_comments_and_skips():
    markdown = "\n".join([
        "```",
        "bash scripts/bootstrap.sh && .venv/bin/wmo-abm run leiden_2015 --years 10",
        "wmo-abm compare leiden_2015 --designs open_house consortium --seeds 4 \\",
        "    --set population_scale=0.05 --out out/x   # a comment",
        "echo wmo-abm run not_a_command",
        "```",
        SKIP_MARK,
        "```",
        "wmo-abm run leiden_2015 --not-checked",
        "```",
        "Inline `wmo-abm params --markdown` and `python -m agents_model scenarios`;",
        f"skipped inline `wmo-abm nonsense` {SKIP_MARK}",
    ])
    found = [q.args for q in extract(markdown)]
    assert found == [
        ("run", "leiden_2015", "--years", "10"),
        ("compare", "leiden_2015", "--designs", "open_house", "consortium", "--seeds", "4",
         "--set", "population_scale=0.05", "--out", "out/x"),
        ("params", "--markdown"),
        ("scenarios",),
    ]
    for args in found:
        check(args)


# --- the lesson commands run -----------------------------------------------------------------


TINY = {
    "compare": ["--seeds", "2", "--years", "1", "--workers", "0", "--quiet",
                "--set", "population_scale=0.01"],
    "run": ["--years", "1", "--quiet", "--set", "population_scale=0.01"],
}
"""Options that shrink a lesson command to a run of a few seconds."""

DROP_WITH_VALUE = {"--seeds", "--years", "--workers", "-w", "--out", "-o", "--scheduler"}


def shrink(args: tuple[str, ...], out: Path | None) -> list[str]:
    """The command at a tiny scale: size options replaced, results written to ``out``."""
    kept: list[str] = []
    skip = False
    for i, token in enumerate(args):
        if skip:
            skip = False
            continue
        if token in DROP_WITH_VALUE:
            skip = True
            continue
        if token in ("--quiet", "-q"):
            continue
        if token == "--set" and i + 1 < len(args) and args[i + 1].startswith(
                ("population_scale=", "years=")):
            skip = True
            continue
        kept.append(token)
    kept += TINY.get(args[0], [])
    if out is not None:
        kept += ["--out", str(out)]
    return kept


def _out_of(args: tuple[str, ...]) -> str | None:
    for flag in ("--out", "-o"):
        if flag in args[:-1]:
            return args[args.index(flag) + 1]
    return None


def lesson_runs() -> list[Quoted]:
    """The compare commands of the lessons (one per output folder) and a run command."""
    chosen: dict[str, Quoted] = {}
    run: Quoted | None = None
    for q in ALL:
        if not q.path.startswith("docs/teaching/lesson"):
            continue
        if q.args[:1] == ("compare",) and _out_of(q.args) and _out_of(q.args) not in chosen:
            chosen[_out_of(q.args)] = q
        elif q.args[:1] == ("run",) and run is None:
            run = q
    return [*chosen.values(), *([run] if run else [])]


def _report_for(out: str) -> Quoted | None:
    for q in ALL:
        if q.path.startswith("docs/teaching/") and q.args[:1] == ("report",) \
                and len(q.args) > 1 and q.args[1] == out:
            return q
    return None


def test_lesson_commands_execute(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # design files are quoted relative to the project folder
    runner = CliRunner()
    runs = lesson_runs()
    assert len(runs) >= 5, "every lesson quotes a comparison"
    reported = 0
    for i, q in enumerate(runs):
        out = tmp_path / f"run{i}" if q.args[0] == "compare" else None
        args = shrink(q.args, out)
        result = runner.invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 0, f"{q.where()}\n  ran as: {args}\n{result.output}"
        report = _report_for(_out_of(q.args) or "") if out is not None else None
        if report is not None and reported < 2:  # two reports are proof enough
            result = runner.invoke(main, ["report", str(out)], catch_exceptions=False)
            assert result.exit_code == 0, f"{report.where()}\n{result.output}"
            assert (out / "report" / "report.md").is_file()
            reported += 1
    assert reported, "the lessons quote a report command for their comparisons"


# --- the teaching material links what exists --------------------------------------------------


@pytest.mark.parametrize("path", sorted((TEACHING / "designs").glob("*.toml")),
                         ids=lambda p: p.name)
def test_teaching_design_files_are_valid(path: Path):
    for region in list_scenarios("regions"):
        scenario = load_scenario(region, design=path)
        assert scenario.design == path.stem


LINK = re.compile(r"!?\[[^\]]*\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_teaching_links_and_figures_exist():
    broken = []
    for path in sorted(TEACHING.glob("*.md")):
        for target in LINK.findall(path.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (path.parent / target).resolve().exists():
                broken.append((path.name, target))
    assert not broken
