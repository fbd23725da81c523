"""Refresh the locked, hashed requirements in ``requirements/`` from ``pyproject.toml``.

Usage (from the project folder, with any Python 3.12 or newer)::

    python3.12 scripts/lock.py

Writes four locks for Python 3.12 on every platform, all from one resolution:

* ``requirements/test.txt``: everything (``.[test]``: core, app, analysis, cluster, test tools);
  ``bash scripts/bootstrap.sh test`` and CI install it;
* ``requirements/app.txt``: core, app and analysis (``.[app,analysis]``); the default of
  ``bash scripts/bootstrap.sh``;
* ``requirements/cluster.txt``: the core with Dask (``bash scripts/bootstrap.sh cluster``, for
  the machines of a Dask cluster);
* ``requirements/core.txt``: the model, the command line and the runner only
  (``bash scripts/bootstrap.sh core``, for a headless machine).

The app, cluster and core locks are resolved with the test lock as constraints, so a package has the
same version in all four. Each lock starts with the digest of the dependency tables it was made
from; ``tests/test_install.py`` fails when ``pyproject.toml`` changed without a refresh. The
locks are made with ``uv`` (from the ``PATH``, else installed into a temporary environment).
numpy's random streams and pandas' behaviour are not promised across versions, so a refresh can
change results: run the test suite and compare a shipped result before committing new locks.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "requirements"
UV_VERSION = "0.13.9"
PYTHON_VERSION = "3.12"
DIGEST_PREFIX = "# dependencies digest: "
REFRESH_COMMAND = "python3.12 scripts/lock.py"

LOCKS: dict[str, tuple[str, ...]] = {
    "test": ("test",),
    "app": ("app", "analysis"),
    "cluster": ("cluster",),
    "core": (),
}
"""Each lock's file stem and the extras it installs (the test lock is resolved first)."""


def dependency_digest(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """SHA-256 of the dependency tables (and Python requirement) of ``pyproject.toml``."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    tables = {key: project.get(key) for key in
              ("requires-python", "dependencies", "optional-dependencies")}
    return hashlib.sha256(json.dumps(tables, sort_keys=True).encode()).hexdigest()


def _uv(workdir: Path) -> str:
    """The ``uv`` executable: from the PATH, else installed into ``workdir``."""
    found = shutil.which("uv")
    if found:
        return found
    env = workdir / "uv-env"
    venv.create(env, with_pip=True)
    subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet",
                    f"uv=={UV_VERSION}"], check=True)
    return str(env / "bin" / "uv")


def _compile(uv: str, stem: str, extras: tuple[str, ...], constraints: Path | None) -> None:
    """Resolve one lock and write it with the digest line on top."""
    target = FOLDER / f"{stem}.txt"
    command = [uv, "pip", "compile", "pyproject.toml", "--quiet", "--universal",
               "--python-version", PYTHON_VERSION, "--generate-hashes",
               "--custom-compile-command", REFRESH_COMMAND, "-o", str(target)]
    for extra in extras:
        command += ["--extra", extra]
    if constraints is not None:
        command += ["--constraint", str(constraints.relative_to(ROOT))]
    subprocess.run(command, cwd=ROOT, check=True)
    body = target.read_text(encoding="utf-8")
    target.write_text(f"{DIGEST_PREFIX}{dependency_digest()}\n{body}", encoding="utf-8")


def main() -> None:
    """Write every lock in ``requirements/``."""
    FOLDER.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        uv = _uv(Path(tmp))
        full = FOLDER / "test.txt"
        for stem, extras in LOCKS.items():
            _compile(uv, stem, extras, None if stem == "test" else full)
    print(f"Wrote {', '.join(f'requirements/{s}.txt' for s in LOCKS)}", file=sys.stderr)


if __name__ == "__main__":
    main()
