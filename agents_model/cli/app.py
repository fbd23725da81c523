"""The ``app`` command: the browser app (Solara) on this computer."""

from __future__ import annotations

from urllib.parse import urlsplit

import click

from agents_model.cli.group import PROG

__all__ = ["app"]


def _check_origins(ctx: click.Context, param: click.Parameter,
                   value: tuple[str, ...]) -> tuple[str, ...]:
    for origin in value:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("",
                                                                                       "/"):
            raise click.BadParameter(f"{origin!r} is not an origin such as "
                                     "https://wmo.example.org or http://10.0.0.5:8765",
                                     ctx=ctx, param=param)
    return value


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the default serves this computer only; 0.0.0.0 "
                   "serves a classroom network).")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True,
              help="Port to listen on.")
@click.option("--allow-origin", "allowed", multiple=True, callback=_check_origins,
              metavar="URL", help="Also accept pages served from this origin (the public "
                                  "address of a reverse proxy); repeatable.")
def app(host: str, port: int, allowed: tuple[str, ...]) -> None:
    """Start the browser app (Solara) at http://HOST:PORT.

    Every browser tab gets its own model; the page works without internet (its front-end
    files are served locally, and the server asks nothing of other hosts: no version check,
    no usage statistics). Only pages of the app itself may connect to it (other web pages
    open in the same browser are refused). The run of a closed tab is dropped after 30
    minutes. Stop it with Ctrl+C. Needs the 'app' extra.
    """
    from agents_model.extras import require

    require("app", f"{PROG} app")
    from agents_model.viz.server import serve

    click.echo(f"Starting the app at http://{host}:{port} (Ctrl+C stops it)")
    serve(host, port, allowed)
