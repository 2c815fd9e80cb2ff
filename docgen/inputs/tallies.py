"""Tally workbooks (统计表) → per-unit, per-year figures → one consolidation (汇总).

Each village or unit sends a workbook; a tally sheet has a header row with a sector column
and metric columns, one row per sector.  Reading follows DOMAIN 2.1/2.2: the reporting
unit comes from a ``填报单位：NAME`` line, else a ``填报单位`` column, else the file name;
a sheet named for a year counts for that year; 合计 rows are cross-checked, never summed.
Every problem of every file is collected; nothing stops at the first.  Where a sheet's
header and unit are is found by ``tally_layout``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from docgen import vocabulary as vocab
from docgen.errors import WARNING, DataError, Problem, display_path
from docgen.i18n import _, join
from docgen.inputs.formulas import Formulas
from docgen.inputs.sheet_report import SheetReport
from docgen.inputs.tally_layout import (
    FiguresHeader,
    TallyHeader,
    expected_headers,
    find_figures_header,
    find_tally_header,
    has_content,
    looks_like_data,
    unit_from_stem,
    unit_line,
)
from docgen.inputs.workbook import (
    CountError,
    Sheet,
    cell_name,
    is_blank,
    open_workbook,
    parse_count,
    sheet_rows,
    shorten,
)

NO_YEAR_LABEL = "未分年度"  # figures of sheets no year names

Table = dict[str, dict[str, int]]

_FOOTER = re.compile(
    r"^(填表人|填报人|审核人|制表人|负责人|联系人|联系电话|备注|注|说明|填报日期|填表日期|日期)"
)
_TOTAL_SHEET = re.compile(r"合计|汇总|总计|累计")


def empty_table() -> Table:
    """Every sector × every metric, all zero, in the vocabulary's order."""
    return {sector: {metric: 0 for metric in vocab.METRICS} for sector in vocab.SECTORS}


def add_into(target: Table, source: Table) -> None:
    for sector, metrics in source.items():
        row = target.setdefault(sector, {m: 0 for m in vocab.METRICS})
        for metric, value in metrics.items():
            row[metric] = row.get(metric, 0) + value


def year_label(year: int | None) -> str:
    return str(year) if year is not None else NO_YEAR_LABEL


def sorted_years(keys: Iterable[int | None]) -> list[int | None]:
    keys = set(keys)
    return sorted(k for k in keys if k is not None) + ([None] if None in keys else [])


def _cell(rows: list[tuple], r: int, c: int) -> object:
    row = rows[r]
    return row[c] if c < len(row) else None


# ---------------------------------------------------------------- reading one workbook


@dataclass(frozen=True)
class Cell:
    """Where a figure was read: file (as shown), sheet, cell (``D7``) or range of rows
    (``A2:E944``), and what it counts there; ``sign`` is -1 for a cell subtracted (an open
    hazard is 排查 minus 整改)."""

    file: str
    sheet: str
    ref: str
    value: int
    sign: int = 1

    @property
    def external(self) -> str:
        """The cell as Excel writes an external reference: ``'[05-龙潭村.xlsx]2021年'!D7``."""
        book = Path(self.file).name.replace("'", "''")
        sheet = self.sheet.replace("'", "''")
        return ("-" if self.sign < 0 else "") + f"'[{book}]{sheet}'!{self.ref}"

    def negated(self) -> Cell:
        return Cell(self.file, self.sheet, self.ref, self.value, -self.sign)

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.ref,
            "value": self.value * self.sign,
            "ref": self.external,
        }


@dataclass
class SheetTally:
    """What one sheet says about one unit for one year."""

    file: str
    sheet: str
    unit: str
    year: int | None
    table: dict[str, dict[str, int]] = field(default_factory=dict)
    # (sector, column) → every cell summed into it, in reading order
    cells: dict[tuple[str, str], list[Cell]] = field(default_factory=dict)


@dataclass
class SheetFigures:
    file: str
    sheet: str
    unit: str
    year: int | None
    values: dict[str, int] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    cells: dict[str, list[Cell]] = field(default_factory=dict)


@dataclass
class WorkbookTallies:
    path: Path
    file: str
    tallies: list[SheetTally] = field(default_factory=list)
    figures: list[SheetFigures] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    total_sheets: list[SheetTally] = field(default_factory=list)


class _Survey(NamedTuple):
    """What one visible sheet looks like before it is read."""

    ws: Sheet
    rows: list[tuple]
    tally: TallyHeader | None
    figures: FiguresHeader | None
    name: str | None  # the unit its 填报单位 line names
    found: bool  # whether it has a 填报单位 line at all


def _survey(ws: Sheet) -> _Survey:
    rows = sheet_rows(ws)
    tally = find_tally_header(rows)
    figures = None if tally else find_figures_header(rows)
    header_row = tally.row if tally else figures.row if figures else 0
    name, found = unit_line(rows, header_row) if (tally or figures) else (None, False)
    return _Survey(ws, rows, tally, figures, name, found)


def _workbook_unit(result: WorkbookTallies, sheets: list[_Survey]) -> str:
    """The unit of sheets that name none: the first one named, else the file name's (with a
    warning when a 填报单位 line was left empty)."""
    named = [s.name for s in sheets if s.name]
    workbook_unit = named[0] if named else unit_from_stem(result.path)
    if any(s.found and not s.name for s in sheets) and not named:
        result.problems.append(
            Problem(
                _("“填报单位”没有填写，按文件名计为“{unit}”").format(unit=shorten(workbook_unit)),
                file=result.file,
                hint=_("请在表头上方的“填报单位：”后填写村或单位名称"),
                severity=WARNING,
            )
        )
    return workbook_unit


def _read_sheet(
    result: WorkbookTallies, sheet: _Survey, workbook_unit: str, formulas: Formulas
) -> bool:
    """Read one sheet into ``result``; whether it was a table at all (a tally, figures, or
    data whose header was not found)."""
    ws, rows, tally, figures, name, _found = sheet
    unit = name or workbook_unit
    year = vocab.year_of_sheet(ws.title)
    if tally and name:
        tally.unit_col = None  # a 填报单位 line above the header wins over the column
    if tally:
        _TallySheetReader(result, ws.title, rows, tally, unit, year, formulas).read()
    elif figures:
        _read_figures_sheet(result, ws.title, rows, figures, unit, year)
    elif looks_like_data(rows):
        result.problems.append(
            Problem(
                _("工作表有数据，但找不到表头"),
                file=result.file,
                sheet=ws.title,
                hint=expected_headers(),
            )
        )
    else:
        return False
    return True


def _not_a_tally(result: WorkbookTallies, sheets: list[_Survey]) -> Problem:
    """Why a workbook with no table in it cannot be read: it is empty, or has no header."""
    if not any(has_content(s.rows) for s in sheets):
        return Problem(
            _("工作簿是空的，没有任何数据"),
            file=result.file,
            hint=_("请填报单位按统计表样式填写后重新发送（可用 docgen forms 生成空白表）"),
        )
    return Problem(_("找不到表头，无法识别为统计表"), file=result.file, hint=expected_headers())


def read_workbook(path: Path, wb=None) -> WorkbookTallies:
    """Every tally and figures sheet of one workbook, with every problem found in it."""
    path = Path(path)
    result = WorkbookTallies(path, display_path(path))
    if wb is None:
        try:
            wb = open_workbook(path)
        except DataError as exc:
            result.problems.extend(exc.problems)
            return result
    formulas = Formulas(path)
    # hidden sheets hold drop-down lists or old copies, not returns
    sheets = [_survey(ws) for ws in wb.worksheets if ws.sheet_state == "visible"]
    workbook_unit = _workbook_unit(result, sheets)
    usable = False
    for sheet in sheets:
        usable = _read_sheet(result, sheet, workbook_unit, formulas) or usable
    if not usable:
        result.problems.append(_not_a_tally(result, sheets))
    _separate_total_sheets(result)
    return result


_ENUMERATOR = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十\d]+[、.．)）])"
)


def sector_of_label(value: object) -> str | None:
    """The sector a row label names; ``1.消防`` or ``（二）道路交通`` work too."""
    sector = vocab.sector_of(value)
    if sector is None and isinstance(value, str):
        sector = vocab.sector_of(_ENUMERATOR.sub("", vocab.clean_text(value)))
    return sector


class _TallySheetReader:
    """Reads the rows of one tally sheet into ``result``: one ``SheetTally`` per unit, 合计
    and 小计 rows checked against the rows above them."""

    def __init__(
        self,
        result: WorkbookTallies,
        sheet: str,
        rows: list[tuple],
        header: TallyHeader,
        default_unit: str,
        year: int | None,
        formulas: Formulas,
    ):
        self.result = result
        self.sheet = sheet
        self.rows = rows
        self.header = header
        self.default_unit = default_unit
        self.year = year
        self.formulas = formulas
        self.problem = SheetReport(result.file, sheet, result.problems)
        self.by_unit: dict[str, SheetTally] = {}
        self.order: list[str] = []
        # (excel row, values, metrics with a bad cell) for the 合计 cross-checks
        self.data_rows: list[tuple[int, dict[str, int], set[str]]] = []
        self.last_unit = default_unit
        self.subtotal_start = 0
        self.grand_start = 0
        self.metric_col_set = set(header.metric_cols.values())

    def read(self) -> None:
        self.warn_repeated_metrics()
        for r in range(self.header.row + 1, len(self.rows)):
            self.read_row(r)
        if not self.order:
            # a header with no rows still says "this unit reported nothing"
            self.tally_of(self.default_unit)
            self.problem(_("统计表只有表头，没有数据行"), severity=WARNING)
        self.result.tallies.extend(self.by_unit[u] for u in self.order)

    def warn_repeated_metrics(self) -> None:
        """A second column for the same metric is not counted: say so."""
        header = self.header
        metric_cols = header.metric_cols
        for col, value in enumerate(self.rows[header.row]):
            metric = vocab.metric_of(value) if isinstance(value, str) else None
            if metric and metric_cols[metric] != col and col != header.sector_col:
                used = cell_name(header.row + 1, metric_cols[metric] + 1)
                self.problem(
                    _("“{header}”与 {used} 列都表示“{metric}”，这一列没有计入").format(
                        header=shorten(str(value).strip()), used=used, metric=metric
                    ),
                    cell_name(header.row + 1, col + 1),
                    _("请删除重复的列，或把两列合并"),
                    WARNING,
                )

    def label_of(self, r: int, metrics_blank: bool) -> object:
        """The row's sector cell, or a 合计 typed in another column of a row of figures."""
        label_value = _cell(self.rows, r, self.header.sector_col)
        if is_blank(label_value) and not metrics_blank:
            # 合计 is often typed in the 序号 or 填报单位 column, merged across the sector cell
            label_value = next(
                (
                    v
                    for c, v in enumerate(self.rows[r])
                    if c not in self.metric_col_set and vocab.is_total_label(v)
                ),
                None,
            )
        return label_value

    def read_row(self, r: int) -> None:
        excel_row = r + 1
        raw = {m: _cell(self.rows, r, c) for m, c in self.header.metric_cols.items()}
        metrics_blank = all(is_blank(v) for v in raw.values())
        label_value = self.label_of(r, metrics_blank)
        if is_blank(label_value):
            if not metrics_blank:
                self.problem(
                    _("这一行填了数字，但“领域”为空"),
                    cell_name(excel_row, self.header.sector_col + 1),
                    _("请填写领域（{known}），或删除这一行").format(known=join(vocab.SECTORS)),
                )
            return
        label = vocab.clean_text(label_value)
        if vocab.is_total_label(label):
            self.check_total(excel_row, label, raw)
            return
        if metrics_blank and (_FOOTER.match(label) or ":" in unicodedata.normalize("NFKC", label)):
            return  # 填表人：… / 备注：… below the table
        sector = sector_of_label(label_value)
        if sector is None:
            self.problem(
                _("未知的领域“{value}”").format(value=shorten(str(label_value).strip())),
                cell_name(excel_row, self.header.sector_col + 1),
                _("领域应为以下之一：{known}").format(known=join(vocab.SECTORS)),
            )
            return
        self.add_sector_row(r, sector, raw)

    def check_total(self, excel_row: int, label: str, raw: dict[str, object]) -> None:
        """合计/小计 rows are compared with the rows they add up, never summed themselves: a
        小计 with the rows since the last total, a 合计 with those since the last 合计."""
        start = self.subtotal_start if label == "小计" else self.grand_start
        rows_above = self.data_rows[start:]
        uncached: list[str] = []
        for metric, col in self.header.metric_cols.items():
            value = raw[metric]
            where = cell_name(excel_row, col + 1)
            if value is None:
                if self.formulas.is_formula(self.sheet, excel_row, col + 1):
                    uncached.append(where)
                continue
            self.check_total_cell(label, metric, value, where, rows_above)
        if uncached:
            self.problem(
                _("{label}行是公式，文件中没有保存计算结果，无法核对{label}").format(label=label),
                uncached[0],
                _("汇总按各行相加计算；如需核对，请用 Excel 或 WPS 打开并保存该文件"),
                WARNING,
            )
        self.subtotal_start = len(self.data_rows)
        if label != "小计":
            self.grand_start = len(self.data_rows)

    def check_total_cell(
        self, label: str, metric: str, value: object, where: str, rows_above: list
    ) -> None:
        """One figure of a total row against the sum of the same column above it."""
        if isinstance(value, str) and not value.strip():
            return
        try:
            stated = parse_count(value)
        except CountError as exc:
            self.problem(
                _("{label}行的“{metric}”无法核对：{reason}").format(
                    label=label, metric=metric, reason=exc.reason
                ),
                where,
                _("{label}行不计入汇总，只用来核对").format(label=label),
                WARNING,
            )
            return
        if any(metric in bad for _row, _values, bad in rows_above):
            return  # a bad cell above is already reported; the sum would mislead
        computed = sum(values.get(metric, 0) for _row, values, _bad in rows_above)
        if stated != computed:
            self.problem(
                _("{label}行的“{metric}”为 {stated}，但上面各行相加为 {computed}").format(
                    label=label, metric=metric, stated=stated, computed=computed
                ),
                where,
                _("汇总按各行相加计算，{label}行不计入；请核对后改正").format(label=label),
                WARNING,
            )

    def add_sector_row(self, r: int, sector: str, raw: dict[str, object]) -> None:
        """Add a sector row's figures to its unit's tally."""
        excel_row = r + 1
        values, bad = self.counts(excel_row, raw)
        self.check_fixed(excel_row, values)
        unit = self.unit_of(r)
        tally = self.tally_of(unit)
        row_table = tally.table.setdefault(sector, {})
        for metric, value in values.items():
            column = self.header.column(metric)
            row_table[column] = row_table.get(column, 0) + value
            where = cell_name(excel_row, self.header.metric_cols[metric] + 1)
            if not is_blank(raw[metric]):  # a typed 0 is a source too; an empty cell is not
                cell = Cell(self.result.file, self.sheet, where, value)
                tally.cells.setdefault((sector, column), []).append(cell)
        self.data_rows.append((excel_row, values, bad))

    def counts(self, excel_row: int, raw: dict[str, object]) -> tuple[dict[str, int], set[str]]:
        """The row's whole numbers by metric, and the metrics whose cell could not be read."""
        values: dict[str, int] = {}
        bad: set[str] = set()
        for metric, col in self.header.metric_cols.items():
            value = raw[metric]
            where = cell_name(excel_row, col + 1)
            if value is None and self.formulas.is_formula(self.sheet, excel_row, col + 1):
                self.problem(
                    _("“{metric}”是公式，但文件中没有保存计算结果，无法读出数值").format(
                        metric=metric
                    ),
                    where,
                    _("请用 Excel 或 WPS 打开这个文件，保存后再试"),
                )
                bad.add(metric)
                continue
            try:
                values[metric] = parse_count(value)
            except CountError as exc:
                self.problem(
                    _("“{metric}”应填写整数：{reason}").format(metric=metric, reason=exc.reason),
                    where,
                    _("请改为整数，没有就填 0 或留空"),
                )
                bad.add(metric)
        return values, bad

    def check_fixed(self, excel_row: int, values: dict[str, int]) -> None:
        """More hazards fixed than found is possible only by mistake: warn."""
        fixed, found = values.get("整改隐患"), values.get("排查隐患")
        if fixed is not None and found is not None and fixed > found:
            self.problem(
                _("整改隐患（{fixed}）多于排查隐患（{found}），请核对").format(
                    fixed=fixed, found=found
                ),
                cell_name(excel_row, self.header.metric_cols["整改隐患"] + 1),
                severity=WARNING,
            )

    def unit_of(self, r: int) -> str:
        """The row's unit: its 填报单位 cell, else the one above it, else the sheet's."""
        if self.header.unit_col is None:
            return self.default_unit
        unit_value = _cell(self.rows, r, self.header.unit_col)
        if not is_blank(unit_value):
            self.last_unit = vocab.clean_text(unit_value)
        return self.last_unit

    def tally_of(self, unit: str) -> SheetTally:
        if unit not in self.by_unit:
            self.by_unit[unit] = SheetTally(self.result.file, self.sheet, unit, self.year)
            self.order.append(unit)
        return self.by_unit[unit]


def _read_figures_sheet(
    result: WorkbookTallies,
    sheet: str,
    rows: list[tuple],
    header: FiguresHeader,
    unit: str,
    year: int | None,
) -> None:
    """The named figures of a 指标 sheet, each a whole number with its measure word."""
    figures = SheetFigures(result.file, sheet, unit, year)
    problem = SheetReport(result.file, sheet, result.problems)
    for r in range(header.row + 1, len(rows)):
        _read_figure_row(figures, rows, r, header, problem)
    result.figures.append(figures)


def _read_figure_row(
    figures: SheetFigures, rows: list[tuple], r: int, header: FiguresHeader, problem: SheetReport
) -> None:
    """Add one row's figure; a figure named twice is added up, with a warning."""
    excel_row = r + 1
    name_value = _cell(rows, r, header.name_col)
    value = _cell(rows, r, header.value_col)
    if is_blank(name_value):
        if not is_blank(value):
            problem(
                _("这一行填了数量，但“指标”为空"),
                cell_name(excel_row, header.name_col + 1),
                _("请填写指标名称，或删除这一行"),
            )
        return
    raw_name = unicodedata.normalize("NFKC", str(name_value)).strip()
    name = vocab.normalize_header(raw_name).rstrip("*")
    if vocab.is_total_label(name) or (is_blank(value) and _FOOTER.match(name)):
        return
    where = cell_name(excel_row, header.value_col + 1)
    try:
        number = parse_count(value)
    except CountError as exc:
        problem(
            _("指标“{name}”的数量应为整数：{reason}").format(name=shorten(name), reason=exc.reason),
            where,
            _("请改为整数，没有就填 0"),
        )
        return
    if name in figures.values:
        problem(
            _("指标“{name}”在本表中出现了不止一次，已相加").format(name=shorten(name)),
            where,
            severity=WARNING,
        )
    figures.values[name] = figures.values.get(name, 0) + number
    figures.cells.setdefault(name, []).append(Cell(figures.file, figures.sheet, where, number))
    unit_value = _cell(rows, r, header.unit_col) if header.unit_col is not None else None
    measure = _measure(unit_value, raw_name, value)
    if measure and name not in figures.units:
        figures.units[name] = measure


def _measure(unit_value: object, raw_name: str, value: object) -> str:
    """A figure's measure word: its 单位 cell, else ``（份）`` after its name, else the word
    after its number (``120份``); "" if none."""
    measure = vocab.clean_text(unit_value) if not is_blank(unit_value) else ""
    if measure:
        return measure
    bracket = re.search(r"[（(]([^（）()]{1,4})[）)]$", vocab.clean_text(raw_name))
    if bracket:
        return bracket.group(1)
    if isinstance(value, str):
        suffix = re.search(r"\d\s*([^\d\s,]{1,3})$", unicodedata.normalize("NFKC", value))
        return suffix.group(1) if suffix else ""
    return ""


def _separate_total_sheets(result: WorkbookTallies) -> None:
    """A 汇总/合计 sheet beside year sheets of the same unit adds them up: check, don't count."""
    year_units = {t.unit for t in result.tallies if t.year is not None}
    keep = []
    for tally in result.tallies:
        if tally.year is None and tally.unit in year_units and _TOTAL_SHEET.search(tally.sheet):
            result.total_sheets.append(tally)
        else:
            keep.append(tally)
    result.tallies = keep
    for total in result.total_sheets:
        summed: dict[str, dict[str, int]] = {}
        for tally in keep:
            if tally.unit == total.unit and tally.year is not None:
                add_into(summed, tally.table)
        for sector, metrics in total.table.items():
            for metric, stated in metrics.items():
                computed = summed.get(sector, {}).get(metric, 0)
                if stated != computed:
                    result.problems.append(
                        Problem(
                            _(
                                "汇总工作表中“{sector}·{metric}”为 {stated}，但各年度工作表相加为 {computed}"
                            ).format(
                                sector=sector, metric=metric, stated=stated, computed=computed
                            ),
                            file=result.file,
                            sheet=total.sheet,
                            cell=total.cells[(sector, metric)][0].ref
                            if total.cells.get((sector, metric))
                            else "",
                            hint=_("汇总按各年度工作表计算，这张汇总工作表不计入；请核对"),
                            severity=WARNING,
                        )
                    )


_MOVED = {
    "Consolidation",
    "UnitReport",
    "collect",
    "consolidate",
    "no_files_problem",
    "read_tallies",
}


def __getattr__(name: str):
    # adding up and writing 汇总表 moved to docgen.figures; old imports keep working
    if name in _MOVED or name in ("write_summary_workbook", "build_summary_workbook"):
        import docgen.figures

        return getattr(docgen.figures, name)
    raise AttributeError(name)
