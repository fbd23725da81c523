"""Commands about one model: ``run``, ``replay``, ``params`` and ``scenarios``.

* ``run REGION [--design GOVERNANCE]``: build the model for a region, optionally with a
  governance design laid over it, run it month by month and print a KPI summary
  (:mod:`.summary`); ``--out`` writes the monthly KPI table to Parquet or CSV.
* ``replay FINGERPRINT``: replay a run exported by the app.
* ``params``: the parameter table of :mod:`agents_model.params` with each parameter's
  effective default (plain or Markdown).
* ``scenarios``: the region and governance files under ``scenarios/``.
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path
from typing import Any

import click

from agents_model.analysis.report import align_columns
from agents_model.cli.group import PROG
from agents_model.cli.summary import summary
from agents_model.metrics import export_frame
from agents_model.params import PARAMS, SECTIONS, Param
from agents_model.scenario import (
    MAX_SEED,
    SCENARIO_ROOT,
    Scenario,
    effective_defaults,
    load_scenario,
    parse_overrides,
)

__all__ = ["params", "replay", "run", "scenarios", "write_frame"]

OUT_FORMATS = (".parquet", ".csv")


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


def _check_seed(ctx: click.Context, param: click.Parameter, value: int) -> int:
    """Seeds must be non-negative integers (numpy's rule)."""
    if not 0 <= value <= MAX_SEED:
        raise click.BadParameter(f"must be from 0 to {MAX_SEED}, got {value}")
    return value


def _check_out(path: Path | None) -> None:
    """A KPI table is written to a .parquet or .csv file in a folder that can be written.

    Checked before the run, so a long run never ends in an error; nothing is created here.

    Raises:
        click.BadParameter: ``path`` has another extension, or its folder cannot be made or
            written (a folder given as the file is refused by the option's type).
    """
    if path is None:
        return
    if path.suffix.lower() not in OUT_FORMATS:
        raise click.BadParameter(
            f"cannot write '{path}': the file name must end in .parquet or .csv",
            param_hint="'--out'")
    folder = path.absolute().parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise click.BadParameter(f"cannot write '{path}': '{folder}' is not a folder this "
                                 f"user can write in", param_hint="'--out'")


@click.command()
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

    _check_out(out)
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
        write_frame(export_frame(frame), out)
        click.echo("")
        click.echo(f"Wrote the monthly KPI table ({len(frame)} rows) to {out}")


@click.command()
@click.argument("fingerprint_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the monthly KPI table (.parquet or .csv).")
def replay(fingerprint_file: Path, out: Path | None) -> None:
    """Replay a run from its fingerprint (exported by the app) to the same numbers.

    A classroom room's record (JSON from the teacher's page) replays the room with every
    student's decisions.
    """
    from agents_model import __version__
    from agents_model.directives import load_record, replay_record
    from agents_model.runner import load_fingerprint
    from agents_model.runner import replay as replay_run

    _check_out(out)
    record = load_record(fingerprint_file)
    if record is not None:
        model = replay_record(record)
        frame = model.kpi_frame()
        click.echo(summary(model, frame, 12 * record["years"]))
        if out is not None:
            write_frame(export_frame(frame), out)
            click.echo(f"Wrote the monthly KPI table ({len(frame)} rows) to {out}")
        return
    data = load_fingerprint(fingerprint_file)
    if data["version"] != __version__:
        click.echo(f"{PROG}: note: the fingerprint was made with wmo-abm {data['version']}, "
                   f"this is {__version__}; numbers may differ", err=True)
    model = replay_run(data)
    frame = model.kpi_frame()
    click.echo(summary(model, frame, data["months"]))
    if out is not None:
        write_frame(export_frame(frame), out)
        click.echo(f"Wrote the monthly KPI table ({len(frame)} rows) to {out}")


def _value(value: Any) -> str:
    """A parameter value as the command line shows it."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return value if value else '""'
    return str(value)


def parameter_rows(section: str | None = None) -> list[list[str]]:
    """The parameter table as rows of text: the header, then one row per parameter.

    The default is the effective one (calibrated values laid over the table's defaults), next
    to the table's default and where the effective one came from.
    """
    effective = effective_defaults()
    rows = [["name", "section", "default", "table default", "from", "allowed", "unit",
             "source", "meaning"]]
    for p in _parameters(section):
        e = effective[p.name]
        rows.append([p.name, p.section, _value(e.value), _value(e.table), e.origin,
                     p.allowed(), p.unit, p.source, p.doc])
    return rows


def _parameters(section: str | None) -> list[Param]:
    """The parameters of a section (every parameter if None)."""
    return [p for p in PARAMS if not section or p.section == section]


def _markdown(rows: list[list[str]]) -> str:
    """Rows of :func:`parameter_rows` as a Markdown table: section first, names in backticks."""
    header, *body = rows
    lines = ["| " + " | ".join([header[1], header[0], *header[2:]]) + " |",
             "|" + "---|" * len(header)]
    lines += ["| " + " | ".join([r[1], f"`{r[0]}`", *r[2:]]) + " |" for r in body]
    return "\n".join(lines) + "\n"


@click.command()
@click.option("--section", "-s", type=click.Choice(SECTIONS),
              help="Show one section only.")
@click.option("--markdown", is_flag=True, help="Print a Markdown table (for the docs).")
def params(section: str | None, markdown: bool) -> None:
    """List every model parameter: default, allowed values, unit, source and meaning.

    The default is the one every run starts from: the parameter table's default, or the
    calibrated value of calibration/calibrated.toml (column `from`).
    """
    rows = parameter_rows(section)
    if markdown:
        click.echo(_markdown(rows), nl=False)
        return
    for line in align_columns(rows):
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


@click.command()
def scenarios() -> None:
    """List the region and governance scenarios (bare names for `wmo-abm run`)."""
    for kind, table, label in (("regions", "scenario", "Regions (REGION)"),
                               ("governance", "governance", "Designs (--design GOVERNANCE)")):
        click.echo(f"{label}, in {SCENARIO_ROOT / kind}:")
        files = sorted((SCENARIO_ROOT / kind).glob("*.toml"))
        if not files:
            click.echo("  (none)")
        rows = [[f"  {f.stem}", _title(f, table)] for f in files]
        for line in align_columns(rows) if rows else []:
            click.echo(line)
        click.echo("")
    click.echo("Combine them: wmo-abm run REGION --design GOVERNANCE")
