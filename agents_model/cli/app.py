"""The ``app`` command: the browser app (Solara) on this computer."""

from __future__ import annotations

import sys

import click

__all__ = ["APP_MODULE", "app"]

APP_MODULE = "agents_model.viz.app"
"""The browser app's module, run by ``wmo-abm app`` (installed with the package)."""


@click.command()
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
