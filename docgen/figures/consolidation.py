"""Many tallies added up (汇总): by sector and metric, by unit, by year; named figures; problems."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from docgen import vocabulary as vocab
from docgen.errors import WARNING, DataError, Problem, display_path
from docgen.figures.sources import Printed, Traced
from docgen.i18n import _, join
from docgen.inputs.tallies import (
    Cell,
    SheetTally,
    Table,
    WorkbookTallies,
    add_into,
    empty_table,
    read_workbook,
    sorted_years,
    year_label,
)
from docgen.inputs.workbook import distinct_files, input_files, shorten, units_in_two_files

ANY_YEAR = "*"


@dataclass(frozen=True)
class Fact:
    """One cell of a tally sheet, with what it counts."""

    unit: str
    year: int | None
    sector: str
    column: str
    cell: Cell


@dataclass
class UnitReport:
    """One reporting unit's figures, from one or more files."""

    unit: str
    files: list[str] = field(default_factory=list)
    totals: Table = field(default_factory=empty_table)
    years: dict[int | None, Table] = field(default_factory=dict)
    figures: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"unit": self.unit, "files": list(self.files), "totals": self.totals}


@dataclass
class Consolidation:
    """All tallies added up: by sector and metric, by unit, by year; named figures; problems."""

    units: list[UnitReport] = field(default_factory=list)
    totals: Table = field(default_factory=empty_table)
    years: dict[int | None, Table] = field(default_factory=dict)
    figures: dict[str, int] = field(default_factory=dict)
    figure_units: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # every cell added in, with what it counts: the sources of every figure
    facts: list[Fact] = field(default_factory=list)
    figure_cells: dict[str, list[Cell]] = field(default_factory=dict)
    # figure name → unit name → its cells (for the 指标 sheet by unit)
    columns: tuple[str, ...] = vocab.METRICS

    @property
    def units_inspected(self) -> dict[str, int]:
        """By sector, the inspections tallied as units inspected (家) or unit-visits (家次)."""
        return {
            sector: row.get("检查单位", 0) + row.get("检查家次", 0)
            for sector, row in self.totals.items()
        }

    def traced(
        self,
        column: str,
        *,
        sector: str | None = None,
        unit: str | None = None,
        year: int | None | str = ANY_YEAR,
        what: str = "",
    ) -> Traced:
        """A tally figure with the cells it is the sum of: a column, for one sector, unit
        or year (``None``: the sheets with no year) or all of them."""
        cells = [
            f.cell
            for f in self.facts
            if f.column == column
            and (sector is None or f.sector == sector)
            and (unit is None or f.unit == unit)
            and (year == ANY_YEAR or f.year == year)
        ]
        return Traced(cells, what)

    def figure(self, name: str, what: str = "") -> Traced:
        """A named figure (指标 sheet) with its cells."""
        return Traced(self.figure_cells.get(name, ()), what or name)

    def sources(self) -> list[Printed]:
        """Every figure of the consolidation with its cells: by sector and column, then the
        named figures (what ``collect`` reports when no summary is written)."""
        rows = []
        for sector in vocab.SECTORS:
            for column in self.columns:
                figure = self.traced(column, sector=sector)
                if figure.cells:
                    what = f"{sector}·{column}"
                    rows.append(Printed("分领域汇总", what, int(figure), str(int(figure)), figure))
        for name in self.figures:
            figure = self.figure(name)
            measure = self.figure_units.get(name, "")
            rows.append(Printed("指标", name, int(figure), f"{int(figure)}{measure}", figure))
        return rows

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)

    def rectification_rate(self, sector: str | None = None) -> float | None:
        """整改隐患 / 排查隐患 for one sector or all; None when no hazard was found."""
        rows = [self.totals[sector]] if sector else list(self.totals.values())
        found = sum(r["排查隐患"] for r in rows)
        fixed = sum(r["整改隐患"] for r in rows)
        return fixed / found if found else None

    def metric_total(self, metric: str) -> int:
        """A metric summed over all sectors: 检查次数 of the whole campaign."""
        return sum(row[metric] for row in self.totals.values())

    def to_json(self) -> dict:
        return {
            "units": [u.to_json() for u in self.units],
            "totals": self.totals,
            "figures": dict(self.figures),
            "years": {year_label(y): t for y, t in self.years.items()},
            "problems": [p.as_dict() for p in self.problems],
            "sources": [row.as_dict() for row in self.sources()],
        }


# ---------------------------------------------------------------- consolidation


def consolidate(
    workbooks: list[WorkbookTallies], problems: list[Problem] | None = None
) -> Consolidation:
    """Add up the sheets of many workbooks; same unit and year twice is a double count."""
    result = Consolidation()
    result.problems.extend(problems or [])
    reports: dict[str, UnitReport] = {}
    seen: dict[tuple, tuple[str, str]] = {}
    figure_units: dict[str, tuple[str, str]] = {}
    years: dict[int | None, Table] = {}

    for book in workbooks:
        result.problems.extend(book.problems)
        if book.tallies or book.figures:
            result.files.append(book.file)
        for kind, items in (("tally", book.tallies), ("figures", book.figures)):
            for item in items:
                key = (kind, item.unit, item.year)
                if key in seen:
                    result.problems.append(_double_count(kind, item, *seen[key]))
                    continue
                seen[key] = (item.file, item.sheet)
                report = _unit_report(reports, item)
                if isinstance(item, SheetTally):
                    _add_tally(result, report, years, item)
                else:
                    _add_figures(result, report, figure_units, item)
    for name in result.figures:
        result.figure_units.setdefault(name, "")
    result.units = list(reports.values())
    for report in result.units:
        report.years = {y: report.years[y] for y in sorted_years(report.years)}
    result.years = {y: years[y] for y in sorted_years(years)}
    _fill_columns(result)
    return result


def _double_count(kind: str, item, first_file: str, first_sheet: str) -> Problem:
    """The same unit and year met a second time (``kind``: a tally or figures)."""
    return Problem(
        _(
            "“{unit}”{period}的{what}重复：{first}（工作表“{first_sheet}”）和 {second}"
            "（工作表“{second_sheet}”）都有，会重复计算"
        ).format(
            unit=shorten(item.unit),
            period=_("{year}年").format(year=item.year) if item.year else _("（无年度）"),
            what=_("统计数") if kind == "tally" else _("指标"),
            first=first_file,
            first_sheet=first_sheet,
            second=item.file,
            second_sheet=item.sheet,
        ),
        file=item.file,
        sheet=item.sheet,
        hint=_("请删除重复的文件或工作表；不同年度请把工作表命名为年份，如“2021年”"),
    )


def _unit_report(reports: dict[str, UnitReport], item) -> UnitReport:
    """The unit's report (begun at its first sheet), with the sheet's file noted."""
    report = reports.get(item.unit)
    if report is None:
        report = reports[item.unit] = UnitReport(item.unit)
    if item.file not in report.files:
        report.files.append(item.file)
    return report


def _add_tally(
    result: Consolidation, report: UnitReport, years: dict[int | None, Table], item: SheetTally
) -> None:
    """A tally sheet added into its unit, the totals and its year; its cells kept as facts."""
    add_into(report.totals, item.table)
    add_into(report.years.setdefault(item.year, empty_table()), item.table)
    add_into(result.totals, item.table)
    for (sector, column), cells in item.cells.items():
        result.facts += [Fact(item.unit, item.year, sector, column, c) for c in cells]
    add_into(years.setdefault(item.year, empty_table()), item.table)


def _add_figures(
    result: Consolidation,
    report: UnitReport,
    figure_units: dict[str, tuple[str, str]],
    item,
) -> None:
    """A 指标 sheet added into its unit and the whole; a figure's unit of measure differing
    from the first file's is warned of."""
    for name, value in item.values.items():
        report.figures[name] = report.figures.get(name, 0) + value
        result.figure_cells.setdefault(name, []).extend(item.cells.get(name, []))
        result.figures[name] = result.figures.get(name, 0) + value
    for name, measure in item.units.items():
        if name not in figure_units:
            figure_units[name] = (measure, item.file)
            result.figure_units[name] = measure
        elif figure_units[name][0] != measure:
            result.problems.append(
                Problem(
                    _(
                        "指标“{name}”的单位是“{unit}”，而 {other} 中是“{first}”，相加可能不对"
                    ).format(
                        name=shorten(name),
                        unit=shorten(measure),
                        other=figure_units[name][1],
                        first=shorten(figure_units[name][0]),
                    ),
                    file=item.file,
                    sheet=item.sheet,
                    severity=WARNING,
                )
            )


def _fill_columns(result: Consolidation) -> None:
    """The columns any table uses (the metrics always), in order, in every row, 0 if absent."""
    used = {column for table in _tables(result) for row in table.values() for column in row}
    result.columns = tuple(c for c in vocab.COLUMNS if c in vocab.METRICS or c in used)
    for table in _tables(result):
        for row in table.values():
            for column in result.columns:
                row.setdefault(column, 0)
            ordered = {c: row[c] for c in result.columns}
            row.clear()
            row.update(ordered)


def _tables(result: Consolidation) -> list[Table]:
    tables = [result.totals, *result.years.values()]
    for report in result.units:
        tables += [report.totals, *report.years.values()]
    return tables


def read_tallies(paths: Iterable[Path | str]) -> Consolidation:
    """Read every tally workbook under ``paths`` and add them up; never raises for bad data.

    Every problem (errors and warnings) is in ``.problems``; every file is read.
    """
    given = [Path(p) for p in paths]
    files, extra = distinct_files(input_files(given))  # a copy under another name counts once
    if not files:
        extra.append(no_files_problem(given))
    books = [read_workbook(f) for f in files]
    return consolidate(books, extra + units_in_two_files(books))


def no_files_problem(paths: list[Path]) -> Problem:
    where = join(display_path(p) for p in paths) or "."
    missing = [p for p in paths if not p.exists()]
    if missing:
        return Problem(
            _("找不到 {where}").format(where=join(display_path(p) for p in missing)),
            hint=_("请检查路径；统计表应放在一个文件夹里，每个村或单位一个 .xlsx 文件"),
        )
    return Problem(
        _("在 {where} 中没有找到统计表（.xlsx 文件）").format(where=where),
        file=where,
        hint=_("请把各村、各单位交回的统计表（.xlsx）放进这个文件夹；空白表可用 docgen forms 生成"),
    )


def collect(paths: Iterable[Path | str]) -> Consolidation:
    """Like ``read_tallies``, but raises ``DataError`` with every problem when any is an error."""
    result = read_tallies(paths)
    if result.has_errors:
        raise DataError(result.problems)
    return result
