"""Running the model many times, and replaying one run.

* :mod:`.experiments`: experiments over regions x designs x parameter points x seeds, run on
  any ``concurrent.futures.Executor`` (local processes or a Dask cluster) into a resumable
  results folder.
* :mod:`.fingerprints`: everything needed to replay one run to the same numbers.

The runner sends plain data to workers and gets plain tables back; it knows nothing of the
model's internals.
"""

from agents_model.runner.experiments import (
    OWN_DESIGN,
    Experiment,
    ExperimentError,
    RunSpec,
    Summary,
    execute,
    load_experiment,
    make_executor,
    read_results,
    run_experiment,
    short_label,
)
from agents_model.runner.fingerprints import (
    FORMAT,
    fingerprint,
    load_fingerprint,
    replay,
    scenario_of,
)

__all__ = [
    "FORMAT",
    "OWN_DESIGN",
    "Experiment",
    "ExperimentError",
    "RunSpec",
    "Summary",
    "execute",
    "fingerprint",
    "load_experiment",
    "load_fingerprint",
    "make_executor",
    "read_results",
    "replay",
    "run_experiment",
    "scenario_of",
    "short_label",
]
