#!/usr/bin/env bash
# Create .venv with Python 3.12+ and install wmo-abm with the locked, hashed versions of
# requirements/ (refreshed with: python3.12 scripts/lock.py).
# Usage: bash scripts/bootstrap.sh [app|test|core]
#   app (default): the model, the command line, the browser app and the analysis commands
#   test:          all of it with the test tools (what CI installs)
#   cluster:       the core with Dask (the machines of a Dask cluster)
#   core:          the model, the command line and the runner only (a headless machine)
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
    local candidates=("${PYTHON:-}" python3.12 python3.13 python3)
    for c in "${candidates[@]}"; do
        [ -n "$c" ] || continue
        if "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
            echo "$c"; return 0
        fi
    done
    for c in "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.12 /usr/bin/python3.12; do
        if [ -x "$c" ] && "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
            echo "$c"; return 0
        fi
    done
    return 1
}

if [ ! -x .venv/bin/python ]; then
    py=$(find_python) || { echo "wmo-abm needs Python 3.12 or newer; set PYTHON=/path/to/python3.12" >&2; exit 2; }
    "$py" -m venv .venv
fi
mode="${1:-app}"
case "$mode" in
    app|test|cluster|core) ;;
    *) echo "bootstrap.sh: unknown set '$mode' (allowed: app, test, cluster, core)" >&2; exit 2 ;;
esac
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
.venv/bin/python -m pip install --quiet --require-hashes --no-deps -r "requirements/$mode.txt"
.venv/bin/python -m pip install --quiet --no-deps -e .
.venv/bin/python -m pip check >/dev/null || { .venv/bin/python -m pip check >&2; exit 1; }
