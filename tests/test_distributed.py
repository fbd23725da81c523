"""Experiments on a real Dask cluster: a scheduler and a worker on 127.0.0.1 (subprocesses).

The cluster is started once for the module and listens on loopback only. Runs sent to it must
give the same tables as the same runs in this process, the CLI must reach it through
``--scheduler`` or ``DASK_SCHEDULER_ADDRESS``, and an unreachable address must fail with one
error line.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from agents_model.runner import Experiment, make_executor, read_results, run_experiment

distributed = pytest.importorskip(
    "distributed", reason="the Dask tests need dask[distributed] (pip install -e '.[cluster]')")

HOST = "127.0.0.1"
START_TIMEOUT = 30.0
RUN_TIMEOUT = 60.0
CLI_TIMEOUT = 90.0
QUIET_HTTP = ("--no-dashboard", "--dashboard-address", f"{HOST}:0")
"""No dashboard; the HTTP server that serves /health and /metrics even so stays on loopback."""

TINY = {"name": "dist", "regions": ["leiden_2015"], "designs": ["open_house", "consortium"],
        "seeds": 2, "years": 1, "fixed": {"population_scale": 0.01}}

TINY_TOML = """\
[experiment]
name = "dist_cli"
regions = ["leiden_2015"]
designs = ["open_house", "consortium"]
seeds = 2
years = 1

[fixed]
population_scale = 0.01
"""


# --- the cluster --------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the time of asking)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def dask_command(*args: str) -> list[str]:
    """The `dask` command of this interpreter's environment, or its module form."""
    script = Path(sys.executable).with_name("dask")
    if script.is_file():
        return [str(script), *args]
    return [sys.executable, "-m", "dask", *args]


def start(command: list[str], log: Path) -> subprocess.Popen:
    """Start a process in its own session (so its children can be ended with it)."""
    with log.open("wb") as fh:
        return subprocess.Popen(command, stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=log.parent,
                                start_new_session=True)


def stop(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    """Terminate a process started by :func:`start`; kill its process group if it lingers."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    try:  # the nanny's worker process, should it outlive the nanny
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if proc.poll() is None:
        proc.wait(timeout=timeout)


def wait_for_port(port: int, proc: subprocess.Popen, log: Path) -> None:
    """Wait until something accepts connections on 127.0.0.1:port (bounded)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the Dask scheduler exited with status {proc.returncode}:\n"
                        f"{log.read_text(errors='replace')}")
        try:
            with socket.create_connection((HOST, port), timeout=1.0):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the Dask scheduler did not listen on {HOST}:{port} within {START_TIMEOUT:.0f} "
                f"s:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Address of a running Dask scheduler with one worker (one process, one thread)."""
    root = tmp_path_factory.mktemp("dask")
    port = free_port()
    address = f"tcp://{HOST}:{port}"
    procs: list[subprocess.Popen] = []
    try:
        sched_log = root / "scheduler.log"
        procs.append(start(dask_command("scheduler", "--host", HOST, "--port", str(port),
                                        *QUIET_HTTP), sched_log))
        wait_for_port(port, procs[0], sched_log)
        (root / "worker").mkdir()
        worker_log = root / "worker.log"
        procs.append(start(dask_command("worker", address, "--host", HOST, "--nworkers", "1",
                                        "--nthreads", "1", *QUIET_HTTP,
                                        "--local-directory", str(root / "worker")),
                           worker_log))
        with distributed.Client(address, timeout="10s") as client:
            try:
                client.wait_for_workers(1, timeout=START_TIMEOUT)
            except TimeoutError:
                pytest.fail(f"no Dask worker joined within {START_TIMEOUT:.0f} s:\n"
                            f"{worker_log.read_text(errors='replace')}")
        yield address
    finally:
        for proc in reversed(procs):  # the worker first, then the scheduler
            stop(proc)


# --- helpers ------------------------------------------------------------------------------------


def within(seconds: float, func: Callable[[], Any]) -> Any:
    """Call func in a daemon thread; fail the test (not hang it) if it takes too long."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = func()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"did not finish within {seconds:.0f} s")
    if "error" in box:
        raise box["error"]
    return box.get("value")


def kpis(out: Path) -> pd.DataFrame:
    frame = read_results(out)["kpis"]
    return frame.sort_values(["run_id", "month"]).reset_index(drop=True)


def cli(*args: str, env: dict[str, str] | None = None,
        timeout: float = CLI_TIMEOUT) -> subprocess.CompletedProcess:
    """Run ``python -m agents_model ARGS`` with DASK_SCHEDULER_ADDRESS only as given."""
    full_env = {k: v for k, v in os.environ.items() if k != "DASK_SCHEDULER_ADDRESS"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "agents_model", *map(str, args)],
                          capture_output=True, text=True, env=full_env, timeout=timeout)


def manifest_ok(out: Path, runs: int) -> None:
    manifest = read_results(out)["manifest"]
    assert len(manifest) == runs
    assert set(manifest["status"]) == {"ok"}, manifest[["run_id", "status", "error"]]
    assert len(list((out / "kpis").glob("*.parquet"))) == runs


@pytest.fixture
def experiment_file(tmp_path: Path) -> Path:
    path = tmp_path / "dist_cli.toml"
    path.write_text(TINY_TOML)
    return path


# --- tests --------------------------------------------------------------------------------------


def test_runs_on_the_cluster_equal_runs_in_this_process(scheduler, tmp_path):
    experiment = Experiment(**TINY)
    local = run_experiment(experiment, tmp_path / "local", executor=None)
    assert (local.ok, local.failed) == (4, 0)

    executor, close = make_executor(scheduler=scheduler)
    assert executor is not None and type(executor).__module__.startswith("distributed")
    try:
        remote = within(RUN_TIMEOUT, partial(run_experiment, experiment, tmp_path / "dask",
                                             executor=executor))
    finally:
        close()
    assert (remote.total, remote.ok, remote.failed, remote.skipped) == (4, 4, 0, 0), \
        remote.failures

    pd.testing.assert_frame_equal(kpis(tmp_path / "dask"), kpis(tmp_path / "local"))
    seeds = {name: read_results(tmp_path / name)["manifest"].set_index("run_id")["seed"]
             .sort_index() for name in ("local", "dask")}
    pd.testing.assert_series_equal(seeds["dask"], seeds["local"])


def test_a_second_run_on_the_cluster_computes_nothing(scheduler, tmp_path):
    experiment = Experiment(**TINY)
    for expected_ok, expected_skipped in ((4, 0), (0, 4)):
        executor, close = make_executor(scheduler=scheduler)
        try:
            summary = within(RUN_TIMEOUT, partial(run_experiment, experiment, tmp_path / "out",
                                                  executor=executor))
        finally:
            close()
        assert (summary.ok, summary.skipped, summary.failed) == (expected_ok, expected_skipped,
                                                                 0)


def test_cli_sweep_with_scheduler_option(scheduler, experiment_file, tmp_path):
    out = tmp_path / "out"
    result = cli("sweep", experiment_file, "--out", out, "--quiet", "--scheduler", scheduler)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"Dask scheduler {scheduler}" in result.stderr
    assert "4 runs finished now, 0 were already done, 0 failed (of 4)" in result.stdout
    manifest_ok(out, 4)


def test_cli_sweep_with_scheduler_from_the_environment(scheduler, experiment_file, tmp_path):
    out = tmp_path / "out"
    result = cli("sweep", experiment_file, "--out", out, "--quiet",
                 env={"DASK_SCHEDULER_ADDRESS": scheduler})
    assert result.returncode == 0, result.stderr
    assert f"Dask scheduler {scheduler}" in result.stderr
    manifest_ok(out, 4)


def test_cli_results_on_the_cluster_equal_local_results(scheduler, experiment_file, tmp_path):
    local = cli("sweep", experiment_file, "--out", tmp_path / "local", "--quiet", "--workers", "0")
    assert local.returncode == 0, local.stderr
    remote = cli("sweep", experiment_file, "--out", tmp_path / "dask", "--quiet",
                 "--scheduler", scheduler)
    assert remote.returncode == 0, remote.stderr
    pd.testing.assert_frame_equal(kpis(tmp_path / "dask"), kpis(tmp_path / "local"))


def test_unreachable_scheduler_is_one_error_line(experiment_file, tmp_path):
    address = f"tcp://{HOST}:{free_port()}"
    out = tmp_path / "out"
    result = cli("sweep", experiment_file, "--out", out, "--quiet", "--scheduler", address)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("wmo-abm: error: ")
    assert address in lines[0]
    assert not out.exists() or not list(out.iterdir()), sorted(out.rglob("*"))




def test_scheduler_without_workers_is_refused(experiment_file, tmp_path):
    """A scheduler with no worker gives one error line and status 2 instead of waiting."""
    port = free_port()
    log = tmp_path / "lonely-scheduler.log"
    proc = start(dask_command("scheduler", "--host", HOST, "--port", str(port), *QUIET_HTTP),
                 log)
    try:
        wait_for_port(port, proc, log)
        result = cli("sweep", experiment_file, "--out", tmp_path / "o", "--scheduler",
                     f"tcp://{HOST}:{port}", "--quiet")
    finally:
        stop(proc)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "has no workers" in lines[0], result.stderr
    assert not (tmp_path / "o" / "manifest").exists()
