"""Figures: the tallies added up, where every figure came from, and the 汇总表 workbook.

Reading a workbook is ``docgen.inputs.tallies``; from the sheets it read, this package adds
the figures up (``consolidation``), keeps the cells each figure is the sum of (``sources``)
and writes the consolidated workbook (``workbook``).
"""

from docgen.figures.consolidation import (
    Consolidation,
    UnitReport,
    collect,
    consolidate,
    no_files_problem,
    read_tallies,
)
from docgen.figures.workbook import build_summary_workbook, write_summary_workbook

__all__ = [
    "Consolidation",
    "UnitReport",
    "build_summary_workbook",
    "collect",
    "consolidate",
    "no_files_problem",
    "read_tallies",
    "write_summary_workbook",
]
