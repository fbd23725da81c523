"""Command-line interface of wmo-abm.

Commands (``wmo-abm --help``, also ``python -m agents_model``):

* ``app``: the browser app on localhost (:mod:`agents_model.viz.app`).
* ``run REGION [--design GOVERNANCE]``: build the model for a region, optionally with a
  governance design laid over it, run it month by month and print a KPI summary; ``--out``
  writes the monthly KPI table to Parquet or CSV.
* ``compare``, ``sweep``, ``report``: experiments over many seeds (:mod:`.experiment`) and
  their report (:mod:`.report`).
* ``calibrate``: calibration to the targets T1-T6 (:mod:`.calibration`);
  ``check-calibration``: the calibrated defaults against the targets over many seeds.
* ``replay FINGERPRINT``: replay a run exported by the app.
* ``params``: the parameter table of :mod:`agents_model.params` (plain or Markdown).
* ``scenarios``: the region and governance files under ``scenarios/``.

The summary shows each main KPI at month 0 (the start state) and in the final month. KPIs that
measure what happened during the past month or the past twelve months (rates such as
``placement_attempts`` or ``step_down_rate``) have no value at month 0, where nothing has
happened yet, and show ``-`` there. Money is shown as yearly totals in EUR: ``spend`` is what
the municipalities paid during the months of a simulated year, ``budget`` the budget in force
during those months.

Bad input (an invalid scenario file, an unknown ``--set`` key, a value out of range, an unknown
region name, a wrong option value) prints one line ``wmo-abm: error: <message>`` on stderr and
exits with status 2.
"""

from __future__ import annotations

import math
import sys
import tomllib
from pathlib import Path
from typing import Any

import click

from agents_model.cli_options import runner_options
from agents_model.metrics import KPI_UNITS
from agents_model.params import PARAMS, SECTIONS, markdown_table
from agents_model.scenario import (
    SCENARIO_ROOT,
    Scenario,
    ScenarioError,
    load_scenario,
    parse_overrides,
)

__all__ = ["main"]

PROG = "wmo-abm"
APP_MODULE = "agents_model.viz.app"
"""The browser app's module, run by ``wmo-abm app`` (installed with the package)."""
OUT_FORMATS = (".parquet", ".csv")

#: Main KPIs of the summary, in groups (names of ``metrics.KPI_UNITS``).
SUMMARY_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Care and waiting", ("clients_in_care", "waiting_list", "mean_wait_months", "unmet_need",
                          "mean_need", "placement_attempts", "refusal_rate_complex")),
    ("Delivery and cost", ("hours_delivered_ratio", "upcoding_rate", "share_heavy_indications",
                           "cost_per_client", "admin_share")),
    ("Transformation", ("transformation_index", "innovation_mean", "general_provision_share",
                        "step_down_rate")),
    ("Market", ("active_providers", "providers_without_clients_share", "top25_share", "hhi")),
    ("Trust and region", ("trust_municipality_to_provider", "trust_provider_to_municipality",
                          "regional_cohesion", "municipalities_in_region", "rules_count")),
)

#: KPIs measured over the past month or twelve months: no value at month 0.
WINDOW_KPIS = frozenset({
    "placement_attempts", "refusal_rate_complex", "upcoding_rate", "hours_delivered_ratio",
    "general_provision_share", "step_down_rate", "cost_per_client", "admin_share",
    "transformation_index", "transformation_general_provision", "transformation_step_down",
    "protected_living_spend_share",
})

#: Money KPIs shown as yearly totals; the value is the row offset of a year's first month
#: (``spend`` and ``budget`` of month k are in row k).
MONEY_KPIS: dict[str, int] = {"spend": 1, "budget": 1}


# --- error handling -------------------------------------------------------------------------


def _fail(message: str, status: int = 2) -> None:
    """Print one error line on stderr and exit."""
    text = " ".join(str(message).split())
    click.echo(f"{PROG}: error: {text}", err=True)
    sys.exit(status)


_NO_ARGS = getattr(click.exceptions, "NoArgsIsHelpError", ())


class _Group(click.Group):
    """A click group that reports bad input as one ``wmo-abm: error:`` line (exit status 2)."""

    def main(self, args: Any = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        """Run the command line; in standalone mode turn errors into one line and exit."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name or PROG, complete_var, standalone_mode=False,
                              **extra)
        except _NO_ARGS as exc:  # bare `wmo-abm`: show the help, as click does
            exc.show()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            hint = ""
            if exc.ctx is not None:
                hint = f" (see '{exc.ctx.command_path} --help')"
            _fail(exc.format_message() + hint, exc.exit_code)
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except ScenarioError as exc:
            _fail(str(exc))
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


# --- formatting -----------------------------------------------------------------------------


def _fmt(value: float, unit: str = "") -> str:
    """Format a KPI value for the summary."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    value = float(value)
    if unit.startswith("EUR") or abs(value) >= 100:
        return f"{value:,.0f}"
    if value.is_integer():
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}"


def _table(rows: list[list[str]], right: set[int] | None = None) -> list[str]:
    """Align rows of cells into columns (columns in ``right`` are right-aligned)."""
    from agents_model.report import align_columns

    return align_columns(rows, right)


def _year_total(frame: Any, name: str, first_month: int) -> float:
    """Sum a monthly money KPI over the twelve months starting at ``first_month`` (1-based)."""
    start = first_month - 1 + MONEY_KPIS[name]
    values = frame[name].iloc[max(0, start):start + 12]
    return float(values.sum())


def summary(model: Any, frame: Any, months: int) -> str:
    """Render the KPI summary of a finished run.

    Args:
        model: The finished :class:`~agents_model.WmoModel`.
        frame: Its monthly KPI table (``model.kpi_frame()``).
        months: Months simulated.

    Returns:
        The summary as text (several lines).
    """
    first, last = frame.iloc[0], frame.iloc[-1]
    rows = [["KPI", "unit", "month 0", f"month {months}"]]
    for title, names in SUMMARY_GROUPS:
        present = [n for n in names if n in frame.columns]
        if not present:
            continue
        rows.append([title])
        for name in present:
            unit = KPI_UNITS.get(name, "-")
            start = "-" if name in WINDOW_KPIS else _fmt(first[name], unit)
            rows.append([f"  {name}", unit, start, _fmt(last[name], unit)])
    lines = _table(rows, right={2, 3})
    lines.append("  (-: a rate over the past 12 months; nothing has happened yet at month 0)")

    start_year = int(model.config["start_year"])
    years = max(1, months // 12)
    starts = [1] if years == 1 else [1, months - 11]
    labels = [f"first year ({start_year})", f"last year ({start_year + years - 1})"]
    if years == 1:
        labels = [f"the year ({start_year})"]
    money = [["Money", "unit", *labels]]
    totals: dict[str, list[float]] = {}
    for name in MONEY_KPIS:
        if name in frame.columns and months >= 12:
            totals[name] = [_year_total(frame, name, s) for s in starts]
            money.append([f"  {name}", "EUR/year", *(_fmt(t, "EUR") for t in totals[name])])
    if len(totals) == 2:
        money.append(["  budget - spend", "EUR/year",
                      *(_fmt(b - s, "EUR") for b, s in zip(totals["budget"], totals["spend"],
                                                          strict=True))])
    if len(money) > 1:
        lines.append("")
        lines.extend(_table(money, right=set(range(2, 2 + len(starts)))))

    lines.append("")
    lines.append(f"Final state (month {months}, start of {start_year + months // 12})")
    states = [(c.removeprefix("state_"), last[c]) for c in frame.columns if c.startswith("state_")]
    if states:
        lines.append("  residents by state: "
                     + ", ".join(f"{k} {_fmt(v)}" for k, v in states))
    products = [(c.removeprefix("clients_"), last[c]) for c in frame.columns
                if c.startswith("clients_") and c != "clients_in_care"]
    if products:
        lines.append("  clients by product: "
                     + ", ".join(f"{k} {_fmt(v)}" for k, v in products))
    lines.append(f"  providers in the market: {len(model.providers)}; "
                 f"municipalities: {len(model.municipalities)}")
    events = list(getattr(model, "events", []))
    lines.append(f"  events recorded: {len(events)}"
                 + ("; the last ones:" if events else ""))
    for month, text in events[-5:]:
        lines.append(f"    month {month}: {text}")
    return "\n".join(lines)


def _span(start: int, years: int) -> str:
    """'1 year (2015)' or '10 years (2015-2024)'."""
    if years == 1:
        return f"1 year ({start})"
    return f"{years} years ({start}-{start + years - 1})"


def _describe(scenario: Scenario, seed: int, months: int, overrides: dict[str, Any]) -> str:
    """Header lines of a run: which scenario, design, seed and length."""
    design = scenario.design or "as in the region file"
    start = int(scenario["start_year"])
    lines = [
        f"{scenario['name']}: region {scenario.region}, design {design}",
        f"seed {seed}, {_span(start, months // 12)}, "
        f"{len(scenario.municipalities)} municipalit"
        f"{'y' if len(scenario.municipalities) == 1 else 'ies'}, "
        f"population scale {scenario['population_scale']:g}",
        f"funding {scenario['funding']}, procurement {scenario['procurement']}",
    ]
    if overrides:
        lines.append("overrides: " + ", ".join(f"{k}={v}" for k, v in overrides.items()))
    return "\n".join(lines)


def write_frame(frame: Any, path: Path) -> None:
    """Write a table to Parquet or CSV, chosen by the file extension."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)


# --- commands -------------------------------------------------------------------------------


def _check_seed(ctx: click.Context, param: click.Parameter, value: int) -> int:
    """Seeds must be non-negative integers (numpy's rule)."""
    if value < 0:
        raise click.BadParameter(f"must be 0 or more, got {value}")
    return value


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="wmo-abm", prog_name=PROG)
def main() -> None:
    """wmo-abm: a behavioural agent-based model of Wmo governance.

    Municipalities, providers, access workers and residents under a contract design.
    Start with `wmo-abm scenarios` and `wmo-abm run leiden_2015`.
    """


@main.command()
@click.argument("region")
@click.option("--design", "-d", metavar="GOVERNANCE",
              help="Governance design laid over the region (file or bare name).")
@click.option("--seed", type=int, default=1, show_default=True, callback=_check_seed,
              help="Seed of the model's random generators (0 or more).")
@click.option("--years", type=int, default=None,
              help="Years to simulate [default: the scenario's `years` value].")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Set a parameter (repeatable); see `wmo-abm params`.")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the monthly KPI table to FILE (.parquet or .csv).")
@click.option("--quiet", "-q", is_flag=True, help="Do not show the progress bar.")
def run(region: str, design: str | None, seed: int, years: int | None,
        settings: tuple[str, ...], out: Path | None, quiet: bool) -> None:
    """Run REGION (a file or a bare name such as leiden_2015) and print a KPI summary."""
    from tqdm import tqdm

    from agents_model.model import WmoModel

    if out is not None and out.suffix.lower() not in OUT_FORMATS:
        raise click.BadParameter(
            f"cannot write '{out}': the file name must end in .parquet or .csv",
            param_hint="'--out'")
    overrides = parse_overrides(settings)
    scenario = load_scenario(region, design=design, overrides=overrides)
    if years is not None:
        scenario = scenario.with_overrides({"years": years}, "--years")
    months = int(scenario["years"]) * 12

    click.echo(_describe(scenario, seed, months, overrides))
    model = WmoModel(scenario, rng=seed)
    with tqdm(total=months, unit="month", desc=PROG, file=sys.stderr, leave=False,
              disable=True if quiet else None) as bar:
        for _ in range(months):
            model.run_for(1)
            bar.update(1)
    frame = model.kpi_frame()
    click.echo("")
    click.echo(summary(model, frame, months))
    if out is not None:
        write_frame(frame, out)
        click.echo("")
        click.echo(f"Wrote the monthly KPI table ({len(frame)} rows) to {out}")


@main.command()
@click.argument("fingerprint_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the monthly KPI table (.parquet or .csv).")
def replay(fingerprint_file: Path, out: Path | None) -> None:
    """Replay a run from its fingerprint (exported by the app) to the same numbers."""
    from agents_model import __version__
    from agents_model.fingerprint import load_fingerprint
    from agents_model.fingerprint import replay as replay_run

    if out is not None and out.suffix.lower() not in OUT_FORMATS:
        raise click.BadParameter(
            f"cannot write '{out}': the file name must end in .parquet or .csv",
            param_hint="'--out'")
    data = load_fingerprint(fingerprint_file)
    if data["version"] != __version__:
        click.echo(f"{PROG}: note: the fingerprint was made with wmo-abm {data['version']}, "
                   f"this is {__version__}; numbers may differ", err=True)
    model = replay_run(data)
    frame = model.kpi_frame()
    click.echo(summary(model, frame, data["months"]))
    if out is not None:
        write_frame(frame, out)
        click.echo(f"Wrote the monthly KPI table ({len(frame)} rows) to {out}")


@main.command()
@click.option("--section", "-s", type=click.Choice(SECTIONS),
              help="Show one section only.")
@click.option("--markdown", is_flag=True, help="Print a Markdown table (for the docs).")
def params(section: str | None, markdown: bool) -> None:
    """List every model parameter: default, allowed values, unit, source and meaning."""
    if markdown:
        click.echo(markdown_table(section), nl=False)
        return
    rows = [["name", "section", "default", "allowed", "unit", "source", "meaning"]]
    for p in PARAMS:
        if section and p.section != section:
            continue
        if p.kind is bool:
            default = str(p.default).lower()
        elif p.kind is str:
            default = p.default if p.default else '""'
        else:
            default = str(p.default)
        rows.append([p.name, p.section, default, p.allowed(), p.unit, p.source, p.doc])
    for line in _table(rows):
        click.echo(line)


def _title(path: Path, table: str) -> str:
    """The display name of a scenario file, or '' if it cannot be read."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return ""
    meta = data.get(table, {})
    return str(meta.get("name", "")) if isinstance(meta, dict) else ""


@main.command()
def scenarios() -> None:
    """List the region and governance scenarios (bare names for `wmo-abm run`)."""
    for kind, table, label in (("regions", "scenario", "Regions (REGION)"),
                               ("governance", "governance", "Designs (--design GOVERNANCE)")):
        click.echo(f"{label}, in {SCENARIO_ROOT / kind}:")
        files = sorted((SCENARIO_ROOT / kind).glob("*.toml"))
        if not files:
            click.echo("  (none)")
        rows = [[f"  {f.stem}", _title(f, table)] for f in files]
        for line in _table(rows) if rows else []:
            click.echo(line)
        click.echo("")
    click.echo("Combine them: wmo-abm run REGION --design GOVERNANCE")


# --- experiments ----------------------------------------------------------------------------


def _run_experiment(experiment: Any, out: Path, workers: int | None, scheduler: str | None,
                    quiet: bool) -> Any:
    """Run an experiment on the chosen executor, reporting progress and failures."""
    from agents_model.experiment import make_executor, run_experiment

    executor, close = make_executor(workers, scheduler)
    where = f"Dask scheduler {scheduler}" if scheduler else \
        ("this process" if workers == 0 else f"{workers or 'all'} local worker(s)")
    click.echo(f"{experiment.name}: {len(experiment.runs())} runs on {where}; results in {out}",
               err=True)
    try:
        result = run_experiment(experiment, out, executor, progress=not quiet)
    finally:
        close()
    click.echo(f"{result.ok} runs finished now, {result.skipped} were already done, "
               f"{result.failed} failed (of {result.total}).")
    for run_id, error in result.failures[:10]:
        click.echo(f"  failed {run_id}: {error}")
    if result.failed:
        click.echo("  (the manifest holds the full error of each failed run; run the same "
                   "command again to retry them)")
    return result


@main.command()
@click.argument("experiment_file")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Results folder (default: out/<experiment name>).")
@runner_options
def sweep(experiment_file: str, out: Path | None, workers: int | None, scheduler: str | None,
          quiet: bool) -> None:
    """Run an experiment file (regions x designs x parameters x seeds).

    Finished runs are written as they complete; running the same command again resumes and
    computes only what is missing. Read the results with `wmo-abm report OUT`.
    """
    from agents_model.experiment import load_experiment

    experiment = load_experiment(experiment_file)
    out = out or Path("out") / experiment.name
    _run_experiment(experiment, out, workers, scheduler, quiet)
    click.echo(f"Results in {out}; a report: {PROG} report {out}")


@main.command()
@click.argument("region")
@click.argument("more", nargs=-1)
@click.option("--designs", "designs_flag", is_flag=True,
              help="The designs to compare follow REGION (the first is the baseline).")
@click.option("--seeds", type=click.IntRange(1, 10_000), default=30, show_default=True,
              help="Seeds per design.")
@click.option("--years", type=click.IntRange(1, 50), default=10, show_default=True)
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Set a parameter for every run (repeatable).")
@click.option("--root-seed", type=int, default=20150101, show_default=True,
              help="Root of the seed sequence.")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Results folder (default: out/compare_<region>_<designs>).")
@runner_options
def compare(region: str, more: tuple[str, ...], designs_flag: bool, seeds: int, years: int,
            settings: tuple[str, ...], root_seed: int, out: Path | None,
            workers: int | None, scheduler: str | None, quiet: bool) -> None:
    """Compare designs on one region over many seeds.

    Example: wmo-abm compare leiden_2015 --designs open_house strategic_partners consortium
    --seeds 30 --years 10
    """
    from agents_model.experiment import Experiment, read_results
    from agents_model.report import end_summary

    designs = list(more)
    if not designs:
        raise click.UsageError("name at least one design after --designs")
    region_label = Path(region).stem
    experiment = Experiment(
        name=f"compare_{region_label}", regions=[region], designs=designs, seeds=seeds,
        years=years, root_seed=root_seed, fixed=parse_overrides(settings),
        baseline=designs[0],
        description=f"{', '.join(designs)} on {region_label}, {seeds} seeds, {years} years")
    out = out or Path("out") / f"compare_{region_label}_{'_'.join(Path(d).stem for d in designs)}"
    _run_experiment(experiment, out, workers, scheduler, quiet)
    click.echo("")
    click.echo(end_summary(read_results(out), baseline=designs[0], spec=experiment.to_dict()))
    click.echo(f"\nFull report: {PROG} report {out}")


@main.command()
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--baseline", "-b", metavar="NAME", default=None,
              help="Design the others are compared with [default: the experiment's baseline, "
                   "else its first design].")
def report(directory: Path, baseline: str | None) -> None:
    """Write a report of the experiment in DIR (DIR/report/report.md with figures).

    Prints the path of the report and the end-of-run comparison of the designs: each KPI's
    mean and 95% interval over seeds, and each design's difference against the baseline,
    paired by seed.
    """
    from agents_model.report import write_report

    path = write_report(directory, baseline=baseline)
    click.echo(f"Report: {path}")
    click.echo("")
    click.echo((path.parent / "summary.txt").read_text(encoding="utf-8").rstrip("\n"))


def _register() -> None:
    """Add the commands that live in their own modules."""
    from agents_model.cli_calibration import calibrate, check_calibration
    from agents_model.cli_sensitivity import sensitivity

    main.add_command(calibrate)
    main.add_command(check_calibration)
    main.add_command(sensitivity)


_register()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the default serves this computer only).")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True,
              help="Port to listen on.")
def app(host: str, port: int) -> int:
    """Start the browser app (Solara) at http://HOST:PORT.

    Every browser tab gets its own model; the page works without internet (its front-end
    files are served locally, and the server asks nothing of other hosts: no version check,
    no usage statistics). The run of a closed tab is dropped after 30 minutes. Stop it with
    Ctrl+C.
    """
    import os
    import signal
    import subprocess

    from agents_model.viz import limits

    env = dict(os.environ)
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    env.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    env.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", limits.IDLE_SESSION_TIMEOUT)
    env.setdefault("SOLARA_KERNEL_MAX_PER_SESSION", str(limits.MAX_TABS_PER_BROWSER))
    command = [sys.executable, "-m", "solara", "run", APP_MODULE, "--host", host,
               "--port", str(port), "--production", "--no-check-version", "--no-open"]
    click.echo(f"Starting the app at http://{host}:{port} (Ctrl+C stops it)")
    process = subprocess.Popen(command, env=env)

    def forward(signum, _frame):
        process.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        return process.wait()
    except KeyboardInterrupt:  # the server got the Ctrl+C as well and stops
        return process.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
