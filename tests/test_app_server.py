"""The app's server: the same-origin guard, the fair share of the comparison slots, and
``wmo-abm app`` as one process that stops on SIGTERM."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from agents_model.viz import compare
from agents_model.viz.server import CLIENT_HEADER, OriginGuard, same_origin
from agents_model.viz.slots import FairSlots, visitor_of

# --- the same-origin guard -----------------------------------------------------------------------


def run_async(make):
    """Run a coroutine on a fresh event loop in its own thread (another test may have a loop
    running in this one)."""
    result = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(make())))
    thread.start()
    thread.join(60)
    return result[0]


@pytest.mark.parametrize(("origin", "host", "allowed", "ok"), [
    ("http://127.0.0.1:8765", "127.0.0.1:8765", (), True),
    ("http://LOCALHOST:8765", "localhost:8765", (), True),
    ("http://wmo.example.org", "wmo.example.org:80", (), True),
    ("https://wmo.example.org", "wmo.example.org", (), True),  # behind a TLS proxy
    ("https://wmo.example.org", "wmo.example.org:80", (), False),  # 443 is not 80
    ("http://evil.example", "127.0.0.1:8765", (), False),
    ("http://127.0.0.1:9999", "127.0.0.1:8765", (), False),
    ("null", "127.0.0.1:8765", (), False),
    ("file://", "127.0.0.1:8765", (), False),
    ("https://wmo.example.org", "10.0.0.5:8765", ("https://wmo.example.org",), True),
    ("http://wmo.example.org", "10.0.0.5:8765", ("https://wmo.example.org",), False),
])
def test_same_origin(origin, host, allowed, ok):
    assert same_origin(origin, host, allowed) is ok


class Recorder:
    """An ASGI app that records the scopes it is called with and answers 200 / accepts."""

    def __init__(self):
        self.scopes = []

    async def __call__(self, scope, receive, send):
        self.scopes.append(scope)
        if scope["type"] == "websocket":
            await receive()
            await send({"type": "websocket.accept"})
        else:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})


def call(guard, kind, headers, method="GET"):
    scope = {"type": kind, "method": method, "client": ("10.0.0.7", 50000),
             "headers": [(k.encode(), v.encode()) for k, v in headers.items()]}
    sent = []

    async def receive():
        return {"type": "websocket.connect"} if kind == "websocket" else {"type": "http.request"}

    async def send(message):
        sent.append(message)

    run_async(lambda: guard(scope, receive, send))
    return sent


@pytest.mark.parametrize(("kind", "method", "origin", "passes"), [
    ("websocket", "GET", "http://evil.example", False),
    ("websocket", "GET", "http://127.0.0.1:8765", True),
    ("websocket", "GET", None, True),
    ("http", "POST", "http://evil.example", False),
    ("http", "POST", "http://127.0.0.1:8765", True),
    ("http", "GET", "http://evil.example", True),  # reading a page changes nothing
])
def test_the_guard_refuses_cross_origin_sockets_and_posts(kind, method, origin, passes):
    app = Recorder()
    headers = {"host": "127.0.0.1:8765"}
    if origin:
        headers["origin"] = origin
    sent = call(OriginGuard(app), kind, headers, method)
    assert (len(app.scopes) == 1) is passes
    if not passes:
        first = sent[0]
        assert first["type"] == "websocket.close" and first["code"] == 1008 \
            if kind == "websocket" else first["status"] == 403


def test_the_guard_stamps_the_clients_address_over_a_forged_one():
    app = Recorder()
    call(OriginGuard(app), "websocket", {"host": "127.0.0.1:8765",
                                         CLIENT_HEADER: "someone-else"})
    stamped = [v.decode() for k, v in app.scopes[0]["headers"] if k.decode() == CLIENT_HEADER]
    assert stamped == ["10.0.0.7"]
    assert visitor_of({CLIENT_HEADER: stamped}, "cookie-1") == "client:10.0.0.7"
    assert visitor_of({}, "cookie-1") == visitor_of(None, "cookie-1") == "session:cookie-1"


# --- fair slots ---------------------------------------------------------------------------------


_STOPS: list[threading.Event] = []
"""Stop events of every waiting thread a test started (set when the test ends)."""


@pytest.fixture(autouse=True)
def stop_waiters():
    """No waiting thread outlives its test."""
    yield
    for stop in _STOPS:
        stop.set()
    _STOPS.clear()


def waiter(slots, visitor, got, stop=None):
    """Ask for a slot in a thread; append the visitor to ``got`` when it has one."""
    stop = stop or threading.Event()
    _STOPS.append(stop)

    def run():
        if slots.acquire(visitor, stop.is_set, poll=0.02):
            got.append(visitor)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def settle(slots, waiting):
    deadline = time.monotonic() + 5
    while len(slots.waiting()) != waiting and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(slots.waiting()) == waiting


def test_a_visitor_with_many_tabs_does_not_keep_another_waiting():
    slots = FairSlots(2)
    got = []
    assert slots.acquire("A") and slots.acquire("A")  # nobody else waits: A may use both
    threads = [waiter(slots, "A", got) for _ in range(3)]
    settle(slots, 3)
    threads.append(waiter(slots, "B", got))  # B asks after A's three queued tabs
    settle(slots, 4)
    assert slots.waiting()[0] == "B"
    slots.release("A")
    threads[-1].join(5)
    assert got == ["B"]
    assert slots.running() == {"A": 1, "B": 1}
    slots.release("B")  # B done: A's next tab takes the free slot (no slot left idle)
    settle(slots, 2)
    assert got == ["B", "A"]


def test_among_equals_the_visitor_served_longest_ago_goes_first():
    slots = FairSlots(1)
    got = []
    assert slots.acquire("C")
    b = waiter(slots, "B", got)
    settle(slots, 1)
    a = waiter(slots, "A", got)
    settle(slots, 2)
    assert slots.waiting() == ["B", "A"]  # never served: in the order they asked
    slots.release("C")
    b.join(5)
    c = waiter(slots, "C", got)  # C was served before A ever was
    settle(slots, 2)
    assert slots.waiting() == ["A", "C"]
    slots.release("B")
    a.join(5)
    slots.release("A")
    c.join(5)
    assert got == ["B", "A", "C"]


def test_a_cancelled_request_leaves_the_queue():
    slots = FairSlots(1)
    assert slots.acquire("A")
    stop = threading.Event()
    got = []
    thread = waiter(slots, "B", got, stop)
    settle(slots, 1)
    stop.set()
    thread.join(5)
    assert got == [] and slots.waiting() == []
    slots.release("A")
    with pytest.raises(ValueError, match="holds no slot"):
        slots.release("A")


def test_a_comparison_waits_for_its_share_and_then_runs(monkeypatch):
    slots = FairSlots(1)
    monkeypatch.setattr(compare, "SLOTS", slots)
    assert slots.acquire("someone-else")
    runner = compare.CompareRunner("client:10.0.0.9")
    runner.start(compare.check_spec("woerden_2017", "own", "consortium", 1, 1, 0.01))
    deadline = time.monotonic() + 10
    while runner.status.value.phase != "waiting" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert runner.status.value.phase == "waiting"
    assert slots.waiting() == ["client:10.0.0.9"]
    slots.release("someone-else")
    runner.join(120)
    assert runner.status.value.phase == "done", runner.status.value.error
    assert slots.running() == {}


# --- wmo-abm app: one process, guarded, stops on SIGTERM ----------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("app") / "app.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "agents_model", "app", "--port", str(port),
                                 "--allow-origin", "https://wmo.example.org"],
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                assert response.status == 200
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"the app did not start: {log.read_text()}")
            time.sleep(0.3)
    yield proc, port, log
    if proc.poll() is None:
        proc.kill()
        proc.wait(10)


def handshake(port, origin, kernel):
    import websockets

    async def go():
        url = (f"ws://127.0.0.1:{port}/jupyter/api/kernels/{kernel}/channels"
               f"?session_id=page-{kernel}")
        try:
            async with websockets.connect(url, origin=origin, open_timeout=20):
                return 101
        except websockets.exceptions.InvalidStatus as exc:
            return exc.response.status_code

    return run_async(go)


def test_the_app_refuses_web_sockets_from_other_pages(app_server):
    _proc, port, _log = app_server
    assert handshake(port, "http://evil.example", "k-evil") == 403
    assert handshake(port, f"http://127.0.0.1:{port}", "k-own") == 101
    assert handshake(port, "https://wmo.example.org", "k-proxy") == 101


def children(pid):
    tasks = Path(f"/proc/{pid}/task")
    found = set()
    for task in tasks.iterdir():
        text = (task / "children").read_text().split()
        found |= {int(c) for c in text}
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_wmo_abm_app_is_one_process_and_stops_on_sigterm(app_server):
    proc, _port, log = app_server
    text = log.read_text()
    assert "Starting the app at http://127.0.0.1:" in text
    assert "samesite" not in text.lower(), text  # no cookie warning for a plain-http page
    assert children(proc.pid) == set()  # no wrapper waiting on a child: this is the server
    os.kill(proc.pid, signal.SIGTERM)
    proc.wait(15)
    assert proc.returncode is not None
