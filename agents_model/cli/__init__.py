"""Command-line interface of wmo-abm: the ``wmo-abm`` group and every command.

Commands (``wmo-abm --help``, also ``python -m agents_model``), one module per group:

* :mod:`.model`: ``run REGION [--design GOVERNANCE]`` (a KPI summary of one run,
  :mod:`.summary`), ``replay FINGERPRINT``, ``params`` (every parameter with its effective
  default) and ``scenarios``;
* :mod:`.experiments`: ``sweep``, ``compare``, ``report``, ``points`` and ``effects``
  (experiments over many seeds, their report, parameter points against a reference point as in
  an ablation, and the levers of a governance form taken apart in a factorial), and
  ``discover`` (PRIM scenario discovery: where a selective form beats open house);
* :mod:`.calibration`: ``calibrate`` and ``check-calibration`` (the targets T1-T6);
* :mod:`.sensitivity`: ``sensitivity`` (Morris or Sobol analysis);
* :mod:`.app`: ``app`` (the browser app on localhost).

:mod:`.group` holds the group itself (bad input is one line ``wmo-abm: error: <message>`` on
stderr with exit status 2); :mod:`.running` runs an experiment with a progress bar for every
command that runs experiments.
"""

from agents_model.cli.app import app
from agents_model.cli.calibration import calibrate, check_calibration
from agents_model.cli.experiments import compare, discover, effects, points, report, sweep
from agents_model.cli.group import main
from agents_model.cli.model import params, replay, run, scenarios
from agents_model.cli.sensitivity import sensitivity

__all__ = ["main"]

for _command in (run, replay, params, scenarios, sweep, compare, report, points, effects,
                 discover, calibrate, check_calibration, sensitivity, app):
    main.add_command(_command)
