"""Reports of experiments: end-of-run statistics, paired differences, figures and Markdown.

The report answers the question the designs are compared on: does buying from fewer strategic
partners or consortia improve transformation, and at what price in trust, cost, choice and
waiting time.

* :mod:`.statistics`: end values, intervals over seeds, paired differences and verdicts
  (:data:`KPI_DIRECTION` says whether higher is better);
* :mod:`.results`: the finished runs of a results folder, ordered, with their statistics;
* :mod:`.tables`: the report's tables (built once) and the plain-text summary
  (:func:`end_summary`);
* :mod:`.figures`: each KPI over time per design, and the differences;
* :mod:`.write`: :func:`write_report` writes ``OUT/report/report.md`` with the figures
  (PNG), the summary as text (``summary.txt``) and the tables behind it (CSV).
"""

from agents_model.analysis.report.results import REPORT_KPIS, read_experiment
from agents_model.analysis.report.statistics import (
    KPI_DIRECTION,
    Interval,
    bound_intervals,
    end_values,
    interval,
    kpi_columns,
    paired_differences,
    summarise,
    verdict,
)
from agents_model.analysis.report.tables import QUESTION_GROUPS, align_columns, end_summary
from agents_model.analysis.report.write import write_report

__all__ = [
    "KPI_DIRECTION",
    "QUESTION_GROUPS",
    "REPORT_KPIS",
    "Interval",
    "align_columns",
    "bound_intervals",
    "end_summary",
    "end_values",
    "interval",
    "kpi_columns",
    "paired_differences",
    "read_experiment",
    "summarise",
    "verdict",
    "write_report",
]
