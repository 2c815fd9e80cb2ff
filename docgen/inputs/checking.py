"""``docgen check``: tell what each workbook is, and list every problem in all of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from docgen import vocabulary as vocab
from docgen.errors import DataError, Problem, display_path
from docgen.figures.consolidation import consolidate, no_files_problem
from docgen.i18n import _, join
from docgen.inputs.rosters import check_roster, headers_of, kind_of_headers, read_roster
from docgen.inputs.tallies import find_figures_header, find_tally_header, read_workbook
from docgen.inputs.workbook import (
    distinct_files,
    input_files,
    open_workbook,
    sheet_rows,
    units_in_two_files,
)
from docgen.kinds.registry import Registry, registry


def is_tally_workbook(wb) -> bool:
    """A workbook with a visible sheet whose header is a tally's or a figures sheet's."""
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        rows = sheet_rows(ws, 10)
        if find_tally_header(rows) or find_figures_header(rows):
            return True
    return False


def _expected(kinds: Registry) -> str:
    rosters = "；".join(
        _("{title}：{columns}").format(title=kind.roster.title, columns=join(kind.roster.required))
        for kind in kinds.batches
        if kind.roster
    )
    return _("统计表应有“领域”列和 {metrics} 中至少一列；名册应有这些列（{rosters}）").format(
        metrics=join(vocab.METRICS), rosters=rosters
    )


@dataclass
class CheckStats:
    """What ``check`` found, for its closing line."""

    tally_files: int = 0
    units: int = 0
    roster_files: int = 0
    roster_rows: int = 0
    rosters: dict[str, int] = field(default_factory=dict)  # kind key → roster rows
    unknown_files: int = 0
    unit_names: list[str] = field(default_factory=list)  # the reporting units found, in order


def check_paths(
    paths: Iterable[Path | str], kinds: Registry | None = None
) -> tuple[list[Problem], CheckStats]:
    """Check every workbook under ``paths``: tallies together (double counting across files),
    each roster by its kind.  Returns all problems and counts for the closing line."""
    kinds = kinds or registry()
    given = [Path(p) for p in paths]
    files, problems = distinct_files(input_files(given))  # a copy under another name: once
    stats = CheckStats(rosters={kind.key: 0 for kind in kinds.batches})
    if not files:
        problems.append(no_files_problem(given))
        return problems, stats

    books = []
    for path in files:
        try:
            wb = open_workbook(path)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        if is_tally_workbook(wb):
            books.append(read_workbook(path, wb))
            continue
        kind = kind_of_headers(headers_of(wb), kinds)
        if kind is None:
            stats.unknown_files += 1
            problems.append(
                Problem(
                    _("无法识别这个工作簿：既不是统计表，也不是名册"),
                    file=display_path(path),
                    hint=_expected(kinds),
                )
            )
            continue
        stats.roster_files += 1
        try:
            roster = read_roster(path, kind=kind, wb=wb)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(roster.problems)
        stats.rosters[kind.key] += len(roster.records)
        stats.roster_rows += len(roster.records)

    if books:
        consolidation = consolidate(books, units_in_two_files(books))
        problems.extend(consolidation.problems)
        stats.tally_files = len(books)
        stats.units = len(consolidation.units)
        stats.unit_names = [unit.unit for unit in consolidation.units]
    return problems, stats


# ---------------------------------------------------------------- 催报: who has not reported


@dataclass
class ReportingStatus:
    """Which of the units that must send a tally (``[tallies] expected``) have sent one."""

    expected: list[str]
    submitted: list[str]  # expected units with a tally, in the order of the list
    missing: list[str]  # expected units without one, in the order of the list
    unexpected: list[str]  # units with a tally that are not on the list

    @property
    def complete(self) -> bool:
        return not self.missing

    def line(self) -> str:
        """``已交 10/12，未交：青山村、石门村`` for the command line and the build report."""
        done = _("已交 {n}/{m}").format(n=len(self.submitted), m=len(self.expected))
        if not self.missing:
            return _("{done}，应交的单位都已交齐").format(done=done)
        return _("{done}，未交：{missing}").format(done=done, missing="、".join(self.missing))

    def to_json(self) -> dict:
        return {
            "expected": list(self.expected),
            "submitted": list(self.submitted),
            "missing": list(self.missing),
            "unexpected": list(self.unexpected),
        }


def unit_key(name: object) -> str:
    """A unit's name as compared: full-width forms folded, spaces removed."""
    return vocab.clean_text(name)


def reporting_status(expected: Iterable[str], units: Iterable[str]) -> ReportingStatus:
    """Who of ``expected`` has sent a tally, given the reporting units found in the tallies
    (``Consolidation.units``' names, or ``CheckStats.unit_names``)."""
    wanted: list[str] = []
    seen: set[str] = set()
    for name in expected:
        key = unit_key(name)
        if key and key not in seen:
            seen.add(key)
            wanted.append(str(name).strip())
    found = {unit_key(u): str(u) for u in units}
    submitted = [name for name in wanted if unit_key(name) in found]
    missing = [name for name in wanted if unit_key(name) not in found]
    unexpected = [name for key, name in found.items() if key not in seen]
    return ReportingStatus(wanted, submitted, missing, unexpected)


__all__ = [
    "CheckStats",
    "ReportingStatus",
    "check_paths",
    "check_roster",
    "is_tally_workbook",
    "reporting_status",
]
