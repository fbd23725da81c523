"""What an experiment's numbers depend on besides its spec: input files and library versions.

An experiment names its regions and designs; the numbers also depend on what those files hold
and on the versions of the libraries whose random streams and arithmetic the model uses.
:func:`inputs_of` records both (a SHA-256 digest per file, a version per library) in
``experiment.json``; :func:`changes` says what differs when a folder is resumed, so results of
changed inputs are never mixed with the finished ones.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from typing import Any

__all__ = ["LIBRARIES", "changes", "inputs_of"]

LIBRARIES: tuple[str, ...] = ("wmo-abm", "numpy", "pandas", "mesa", "networkx", "scipy")
"""Distributions whose versions decide the numbers (random streams, arithmetic, sampling)."""


def inputs_of(regions: list[str], designs: list[str]) -> dict[str, Any]:
    """Digests of the region and design files and the versions of :data:`LIBRARIES`."""
    from agents_model.runner.base import OWN_DESIGN
    from agents_model.scenario import resolve

    files = {}
    for name in regions:
        files[f"region {name}"] = hashlib.sha256(
            resolve(name, "regions").read_bytes()).hexdigest()
    for name in designs:
        if name != OWN_DESIGN:
            files[f"design {name}"] = hashlib.sha256(
                resolve(name, "governance").read_bytes()).hexdigest()
    versions = {}
    for library in LIBRARIES:
        try:
            versions[library] = metadata.version(library)
        except metadata.PackageNotFoundError:
            versions[library] = ""
    return {"files": files, "versions": versions}


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What differs between two :func:`inputs_of` records, in words."""
    out = []
    for name, digest in new.get("files", {}).items():
        if old.get("files", {}).get(name, digest) != digest:
            out.append(f"the file of {name}")
    for library, version in new.get("versions", {}).items():
        before = old.get("versions", {}).get(library, version)
        if before != version:
            out.append(f"{library} {before} -> {version}")
    return out
