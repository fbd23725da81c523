"""The results folder of an experiment: its spec, the runs' tables, resuming and reading.

:func:`prepare_folder` creates a folder or checks that it holds this same experiment with the
same inputs (:mod:`.inputs`); :func:`store` writes one run's tables and then its manifest row,
each atomically; :func:`finished_runs` tells which runs are done (whole files only);
:func:`read_results` reads the folder back, naming a damaged file.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from agents_model.runner.base import ExperimentError, short_label
from agents_model.runner.inputs import changes, inputs_of

if TYPE_CHECKING:
    from agents_model.runner.experiments import Experiment, RunSpec

__all__ = ["RESULT_ENTRIES", "RUNNING", "finished_runs", "looks_like_parquet", "prepare_folder",
           "read_results", "store"]


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write a Parquet file atomically (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)


RESULT_ENTRIES: tuple[str, ...] = ("experiment.json", "kpis", "providers", "manifest",
                                   ".running", "report", "points", "effects", "analysis")
"""What a results folder holds (and ``force_new`` removes): the spec, the run tables and the
reports written from them."""


def prepare_folder(experiment: Experiment, out: Path, force_new: bool = False) -> None:
    """Create the output folder or check it holds this same experiment.

    Args:
        experiment: The experiment.
        out: The results folder.
        force_new: Start again in a folder whose results belong to another experiment, other
            inputs or another version: its :data:`RESULT_ENTRIES` are removed first.

    Raises:
        ExperimentError: The folder holds a different experiment, results of other inputs or
            of another version (without ``force_new``), or is not a folder.
    """
    if out.exists() and not out.is_dir():
        raise ExperimentError(f"{out}: exists and is not a folder")
    meta = out / "experiment.json"
    if meta.exists():
        mismatch = _mismatch(experiment, meta)
        if mismatch and not force_new:
            raise ExperimentError(f"{out}: {mismatch}; choose another --out folder (or, for a "
                                  f"sweep, start again in this one with --force-new); nothing "
                                  f"was changed")
        if not mismatch:
            old = json.loads(meta.read_text())
            if old.get("spec") != experiment.to_dict() or "inputs" not in old:
                _write_meta(experiment, meta)
            return
        for name in RESULT_ENTRIES:
            path = out / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
    if out.exists() and any(out.iterdir()) and not force_new:
        raise ExperimentError(f"{out}: is not empty and holds no experiment; choose another "
                              f"--out folder (nothing was changed)")
    out.mkdir(parents=True, exist_ok=True)
    _write_meta(experiment, meta)


def _mismatch(experiment: Experiment, meta: Path) -> str:
    """Why the results described by ``meta`` are not this experiment's ('' if they are)."""
    from agents_model import __version__

    try:
        old = json.loads(meta.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        return f"{meta.name} is unreadable ({exc})"
    if old.get("hash") != experiment.spec_hash():
        return (f"holds results of a different experiment ('{old.get('name')}', hash "
                f"{old.get('hash')})")
    if old.get("version") != __version__:
        return (f"was written by wmo-abm {old.get('version')}, this is {__version__}; results "
                f"of two versions are not mixed")
    changed = changes(old.get("inputs", {}), inputs_of(experiment.regions, experiment.designs))
    if changed:
        return (f"its finished runs were made with other inputs ({'; '.join(changed)}); "
                f"results are not mixed")
    return ""


def _write_meta(experiment: Experiment, meta: Path) -> None:
    """Write ``experiment.json`` atomically (spec, hash, package version)."""
    from agents_model import __version__

    data = {"name": experiment.name, "hash": experiment.spec_hash(), "version": __version__,
            "spec": experiment.to_dict(),
            "inputs": inputs_of(experiment.regions, experiment.designs)}
    tmp = meta.with_name(".experiment.json.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str))
    os.replace(tmp, meta)


RUNNING = ".running"
"""Folder of an experiment's results that marks the runs in flight in local workers."""

PARQUET_MAGIC = b"PAR1"
"""The four bytes a Parquet file starts and ends with."""


def looks_like_parquet(path: Path) -> bool:
    """Whether a file starts and ends like a whole Parquet file (a cut-off write does not)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
            fh.seek(-4, os.SEEK_END)
            return head == PARQUET_MAGIC and fh.read(4) == PARQUET_MAGIC
    except OSError:
        return False


def finished_runs(out: Path) -> set[str]:
    """Run ids with a manifest row of status ok and whole tables.

    A run whose manifest row or tables cannot be read (a damaged or cut-off file) counts as
    not finished, so the next call computes it again and overwrites the damaged files.
    """
    done = set()
    folder = out / "manifest"
    if not folder.is_dir():
        return done
    for path in folder.glob("*.parquet"):
        try:
            row = pd.read_parquet(path)
        except Exception:  # noqa: BLE001 - an unreadable row counts as not finished
            continue
        if not len(row) or row["status"].iloc[0] != "ok":
            continue
        run_id = str(row["run_id"].iloc[0])
        if all(looks_like_parquet(out / table / f"{run_id}.parquet")
               for table in ("kpis", "providers")):
            done.add(run_id)
    return done


def store(result: dict[str, Any], spec: RunSpec, experiment: Experiment, out: Path) -> None:
    """Write one run's tables, then its manifest row (which marks it finished)."""
    from agents_model import __version__

    if result["status"] == "ok":
        _write_parquet(result["kpis"], out / "kpis" / f"{spec.run_id}.parquet")
        _write_parquet(result["providers"], out / "providers" / f"{spec.run_id}.parquet")
    row = pd.DataFrame([{
        "run_id": spec.run_id, "experiment": experiment.name,
        "region": short_label(spec.region), "design": short_label(spec.design),
        "point": spec.point,
        "params": json.dumps(spec.params, sort_keys=True), "seed_index": spec.seed_index,
        "seed": spec.seed, "years": spec.years, "status": result["status"],
        "error": result["error"], "duration_s": float(result["duration_s"]),
        "version": __version__, "spec_hash": experiment.spec_hash(),
    }])
    _write_parquet(row, out / "manifest" / f"{spec.run_id}.parquet")


def _read_table(path: Path) -> pd.DataFrame:
    """One stored table.

    Raises:
        ExperimentError: The file is damaged (names it and how to recompute its run).
    """
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several kinds for a bad file
        raise ExperimentError(
            f"{path}: not a readable Parquet file ({type(exc).__name__}); run the sweep "
            f"again to recompute that run") from None


def read_results(out: str | Path) -> dict[str, pd.DataFrame]:
    """Read an experiment folder: ``kpis``, ``providers`` and ``manifest`` DataFrames.

    KPI and provider tables hold only runs whose manifest row says ok (a run killed between
    writing its tables and its manifest row is left out).

    Raises:
        ExperimentError: The folder holds no experiment results.
    """
    out = Path(out)
    if not (out / "experiment.json").is_file():
        raise ExperimentError(f"{out}: holds no experiment (no experiment.json)")
    tables = {}
    for name in ("manifest", "kpis", "providers"):
        files = sorted((out / name).glob("*.parquet")) if (out / name).is_dir() else []
        frame = pd.concat([_read_table(f) for f in files], ignore_index=True) \
            if files else pd.DataFrame()
        if name != "manifest" and len(frame):
            manifest = tables["manifest"]
            ok = set(manifest.loc[manifest["status"] == "ok", "run_id"]) if len(manifest) \
                else set()
            frame = frame[frame["run_id"].isin(ok)].reset_index(drop=True)
        tables[name] = frame
    return tables
