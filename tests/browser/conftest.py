"""Fixtures of the browser tests: the real app on Solara's in-process test server, Debian's
Chromium, and browser contexts that may only talk to this machine.

The tests need Chromium at ``/usr/bin/chromium`` (``apt-get install chromium``), Playwright,
pytest-playwright and pytest-ipywidgets (Solara's pytest plugin). Without them the test module
skips itself; nothing here imports Playwright when the file is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
VIEWPORT = {"width": 1400, "height": 900}
TIMEOUT_MS = 20_000
"""Longest wait for one thing to appear in the browser."""


def is_local(url: str) -> bool:
    """Whether a URL points at this machine (or needs no network at all)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname in LOCAL_HOSTS


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, headless, with its own calls home switched off."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "headless": True,
            "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def solara_server():
    """Solara's in-process test server, on 127.0.0.1 and a free port.

    Overrides the plugin's fixture of the same name so that the server never listens on, and
    the browser never connects to, anything but the loopback address.
    """
    from solara.server.starlette import ServerStarlette

    server = ServerStarlette(0, "127.0.0.1")
    try:
        server.serve_threaded()
        server.wait_until_serving()
        yield server
    finally:
        server.stop_serving()


@dataclass
class OfflineBrowser:
    """Opens offline pages: every request to another host is blocked and recorded.

    Tabs share one browser context by default (Chromium then reuses its compiled scripts, and
    each tab still gets its own session on the server); :meth:`new_context` makes another
    visitor with cookies of their own.
    """

    browser: Any
    blocked: list[str] = field(default_factory=list)
    shared: Any = None

    def new_context(self):
        """A fresh browser context that may only talk to this machine."""
        context = self.browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", self._route)
        return context

    def new_page(self, context=None):
        """A new tab, in ``context`` or in the shared context."""
        if context is None:
            if self.shared is None:
                self.shared = self.new_context()
            context = self.shared
        page = context.new_page()
        page.on("websocket", self._websocket)
        return page

    def _route(self, route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def _websocket(self, websocket) -> None:
        if not is_local(websocket.url):
            self.blocked.append(websocket.url)


@dataclass
class Offline:
    """One test's view of the offline browser: what it opened and what it tried to reach."""

    browser: OfflineBrowser
    first_blocked: int
    pages: list[Any] = field(default_factory=list)
    contexts: list[Any] = field(default_factory=list)

    def new_context(self):
        """Another visitor: a fresh context, closed at the end of the test."""
        context = self.browser.new_context()
        self.contexts.append(context)
        return context

    def new_page(self, context=None):
        """A new tab (in the shared context unless ``context`` is given)."""
        page = self.browser.new_page(context)
        self.pages.append(page)
        return page

    @property
    def blocked(self) -> list[str]:
        """Requests to other hosts made during this test."""
        return self.browser.blocked[self.first_blocked:]

    def assert_offline(self) -> None:
        """Fail if a page asked any other host for anything during this test."""
        assert not self.blocked, f"requests to other hosts: {self.blocked}"

    def close(self) -> None:
        for page in self.pages:
            if not page.is_closed():
                page.close()
        for context in self.contexts:
            context.close()


@pytest.fixture(scope="session")
def offline_browser(browser):
    """The session's Chromium, wrapped so that it cannot leave this machine."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    pages = OfflineBrowser(browser)
    yield pages
    if pages.shared is not None:
        pages.shared.close()


@pytest.fixture
def offline(offline_browser):
    """Offline tabs for one test; they are closed afterwards, and the test fails if any of
    them asked another host for anything."""
    test = Offline(offline_browser, len(offline_browser.blocked))
    try:
        yield test
    finally:
        test.close()
    test.assert_offline()


@pytest.fixture
def app_url(solara_app, solara_server) -> str:
    """Address of the real ``app.py``, served for the length of one test."""
    assert urlsplit(solara_server.base_url).hostname in LOCAL_HOSTS
    with solara_app(str(APP)):
        yield solara_server.base_url + "/"
