"""The ``wmo-abm`` command group: one-line errors, exit statuses and ``--version``.

Bad input (an invalid scenario file, an unknown ``--set`` key, a value out of range, an unknown
region name, a wrong option value) prints one line ``wmo-abm: error: <message>`` on stderr and
exits with status 2. A command whose runs did not all finish exits with status 1 (the summary
says which failed), so scripts and CI can tell; 0 means every run finished.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from agents_model.scenario import ScenarioError

__all__ = ["PROG", "Group", "fail", "main", "note_failed_runs"]

PROG = "wmo-abm"

_FAILED_RUNS = [0]
"""Runs that failed during this invocation of the command line (exit status 1 if any)."""


def note_failed_runs(count: int) -> None:
    """Count runs that failed in this invocation; the exit status becomes 1 (not 0)."""
    _FAILED_RUNS[0] += count

_NO_ARGS = getattr(click.exceptions, "NoArgsIsHelpError", ())


def fail(message: str, status: int = 2) -> None:
    """Print one error line on stderr and exit."""
    text = " ".join(str(message).split())
    click.echo(f"{PROG}: error: {text}", err=True)
    sys.exit(status)


class Group(click.Group):
    """A click group that reports bad input as one ``wmo-abm: error:`` line (exit status 2)."""

    def main(self, args: Any = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        """Run the command line; in standalone mode turn errors into one line and exit."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        _FAILED_RUNS[0] = 0
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
            fail(exc.format_message() + hint, exc.exit_code)
        except click.ClickException as exc:
            fail(exc.format_message(), exc.exit_code)
        except ScenarioError as exc:
            fail(str(exc))
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        status = rv if isinstance(rv, int) else 0
        sys.exit(1 if status == 0 and _FAILED_RUNS[0] else status)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="wmo-abm", prog_name=PROG)
def main() -> None:
    """wmo-abm: a behavioural agent-based model of Wmo governance.

    Municipalities, providers, access workers and residents under a contract design.
    Start with `wmo-abm scenarios` and `wmo-abm run leiden_2015`.
    """
