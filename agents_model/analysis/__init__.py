"""What experiments say: reports, calibration and sensitivity analysis.

* :mod:`.report`: the end-of-run comparison of designs over seeds (statistics, tables,
  figures, ``report.md``); ``wmo-abm compare`` and ``wmo-abm report``.
* :mod:`.calibration`: pattern-oriented calibration to the targets T1-T6 (targets, sample,
  analyze, write); ``wmo-abm calibrate`` and ``wmo-abm check-calibration``.
* :mod:`.sensitivity`: Morris and Sobol analysis of behavioural and policy parameters
  (problem, sample, analyze, write); ``wmo-abm sensitivity``.
* :mod:`.output`: figures on the Agg canvas and files written atomically.

Each runs the model only through :mod:`agents_model.runner`.
"""
