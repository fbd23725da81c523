"""Serving the browser app: Solara's server behind a same-origin guard, in this process.

``wmo-abm app`` calls :func:`serve`: it sets Solara's settings (production mode, no usage
statistics, no version check, the idle-tab and tabs-per-browser bounds of
:mod:`agents_model.viz.limits`), wraps Solara's Starlette application in :class:`OriginGuard`
and runs it with uvicorn in the calling process (no second process waits on it).

:class:`OriginGuard` refuses a WebSocket handshake and any request that changes state (every
method but GET, HEAD and OPTIONS) whose ``Origin`` is not the page's own, so another web page
open in a local user's browser cannot drive the app; ``--allow-origin`` adds the public
address of a reverse proxy. It also stamps every request with the address of the client that
made it (:data:`CLIENT_HEADER`, replacing any such header the client sent), which the app uses
to share the comparison slots fairly between visitors (:mod:`agents_model.viz.slots`).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from agents_model.viz import limits

__all__ = ["APP_MODULE", "CLIENT_HEADER", "OriginGuard", "same_origin", "serve", "solara_env"]

APP_MODULE = "agents_model.viz.app"
"""The module that holds the app's routes (Solara's ``SOLARA_APP``)."""

CLIENT_HEADER = "x-wmo-abm-client"
"""Header that carries the client's address to the app (set by the guard, never by a client)."""

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def _netloc(scheme: str, host: str) -> str:
    """``host:port`` in lower case, with the scheme's default port written out."""
    parts = urlsplit(f"{scheme}://{host}")
    try:
        port = parts.port
    except ValueError:
        return host.lower()
    port = port or _DEFAULT_PORTS.get(scheme, 80)
    return f"{(parts.hostname or '').lower()}:{port}"


def same_origin(origin: str, host: str, allowed: Iterable[str] = ()) -> bool:
    """Whether a request's ``Origin`` is the page's own (its ``Host``) or an allowed origin.

    Args:
        origin: The ``Origin`` header (``scheme://host[:port]``).
        host: The ``Host`` header the request was sent to.
        allowed: Further origins to accept (``https://wmo.example.org``).
    """
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    own = _netloc(parts.scheme, parts.netloc)
    if own == _netloc(parts.scheme, host.strip()):
        return True
    for other in allowed:
        theirs = urlsplit(other.strip())
        if theirs.scheme == parts.scheme and _netloc(theirs.scheme, theirs.netloc) == own:
            return True
    return False


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


class OriginGuard:
    """ASGI middleware: refuse cross-origin WebSockets and state-changing requests.

    A browser always sends ``Origin`` on a WebSocket handshake and on a cross-site POST; a
    request without it (a script on this computer, a health check) passes.

    Args:
        app: The ASGI application behind the guard.
        allowed: Further origins to accept (a reverse proxy's public address).
    """

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]],
                 allowed: Iterable[str] = ()) -> None:
        self.app = app
        self.allowed = tuple(allowed)

    def _refused(self, scope: Scope) -> bool:
        origin = _header(scope, b"origin")
        if origin is None:
            return False
        if scope["type"] == "http" and scope.get("method", "GET") in _SAFE_METHODS:
            return False
        return not same_origin(origin, _header(scope, b"host") or "", self.allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse, or pass the request on with the client's address stamped on it."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if self._refused(scope):
            if scope["type"] == "websocket":
                await receive()  # websocket.connect; closing now answers the handshake with 403
                await send({"type": "websocket.close", "code": 1008})
            else:
                await send({"type": "http.response.start", "status": 403,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
                await send({"type": "http.response.body",
                            "body": b"cross-origin request refused"})
            return
        client = scope.get("client") or ("unknown", 0)
        headers = [(k, v) for k, v in scope.get("headers", ())
                   if k.lower() != CLIENT_HEADER.encode()]
        headers.append((CLIENT_HEADER.encode(), str(client[0]).encode("latin-1")))
        await self.app({**scope, "headers": headers}, receive, send)


def solara_env(host: str, port: int) -> dict[str, str]:
    """The environment Solara reads when it is imported (set only where not set already)."""
    return {
        "SOLARA_APP": APP_MODULE,
        "SOLARA_MODE": "production",
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_THEME_SHOW_BANNER": "False",
        "SOLARA_KERNEL_CULL_TIMEOUT": limits.IDLE_SESSION_TIMEOUT,
        "SOLARA_KERNEL_MAX_PER_SESSION": str(limits.MAX_TABS_PER_BROWSER),
        "SERVER_NAME": host,
        "SERVER_PORT": str(port),
    }


def serve(host: str, port: int, allowed_origins: Iterable[str] = ()) -> None:
    """Run the app at ``http://host:port`` in this process until Ctrl+C or SIGTERM.

    Args:
        host: Address to listen on.
        port: Port to listen on.
        allowed_origins: Origins accepted besides the page's own.
    """
    for key, value in solara_env(host, port).items():
        os.environ.setdefault(key, value)
    # Solara warns on every page served over plain http on an address other than "localhost"
    # that it falls back to SameSite=Lax cookies; Lax is what this app wants (it is not meant
    # to be embedded in another site's frame), so the warning says nothing to its users.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https",
                            category=UserWarning)
    import solara.server.settings as settings
    import uvicorn

    settings.main.mode = "production"
    settings.telemetry.mixpanel_enable = False
    from solara.server.starlette import app as solara_app

    config = uvicorn.Config(OriginGuard(solara_app, allowed_origins), host=host, port=port,
                            log_level="warning", lifespan="on")
    uvicorn.Server(config).run()
