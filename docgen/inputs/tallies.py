"""Tally workbooks (统计表) → per-unit, per-year figures → one consolidation (汇总).

Each village or unit sends a workbook; a tally sheet has a header row with a sector column
and metric columns, one row per sector.  Reading follows DOMAIN 2.1/2.2: the reporting
unit comes from a ``填报单位：NAME`` line, else a ``填报单位`` column, else the file name;
a sheet named for a year counts for that year; 合计 rows are cross-checked, never summed.
Every problem of every file is collected; nothing stops at the first.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from docgen import vocabulary as vocab
from docgen.errors import ERROR, WARNING, DataError, Problem, display_path
from docgen.i18n import _, join
from docgen.inputs.workbook import (
    MAX_CELL_CHARS,
    CountError,
    cell_name,
    distinct_files,
    input_files,
    is_blank,
    open_workbook,
    parse_count,
    sheet_rows,
    shorten,
    units_in_two_files,
)
from docgen.output.files import atomic_path, ensure_writable

HEADER_SEARCH_ROWS = 10
NO_YEAR_LABEL = "无年度"

Table = dict[str, dict[str, int]]

_UNIT_LINE = re.compile(r"填报单位\s*(?:[（(][^）)]*[）)])?\s*[:：]\s*(.*)")
_FOOTER = re.compile(
    r"^(填表人|填报人|审核人|制表人|负责人|联系人|联系电话|备注|注|说明|填报日期|填表日期|日期)"
)
_TOTAL_SHEET = re.compile(r"合计|汇总|总计|累计")
_STEM_NOISE = re.compile(
    r"[-_－—\s]*(?:\d{4}(?:年度?)?)?[-_－—\s]*(?:安全生产)?(?:专项整治)?(?:统计表|报表|汇总表|统计|数据)$"
)


def empty_table() -> Table:
    """Every sector × every metric, all zero, in the vocabulary's order."""
    return {sector: {metric: 0 for metric in vocab.METRICS} for sector in vocab.SECTORS}


def _add_into(target: Table, source: Table) -> None:
    for sector, metrics in source.items():
        row = target.setdefault(sector, {m: 0 for m in vocab.METRICS})
        for metric, value in metrics.items():
            row[metric] = row.get(metric, 0) + value


def expected_headers() -> str:
    """What a tally header must contain, for messages."""
    return _(
        "统计表的表头（前 {n} 行内）应有“领域”列（也可写作 {aliases}）和 {metrics} 中至少一列；"
        "指标表的表头应有“指标”（或“项目”）和“数量”（或“数值”）列"
    ).format(
        n=HEADER_SEARCH_ROWS,
        aliases=join(vocab.SECTOR_HEADERS[1:]),
        metrics=join(vocab.METRICS),
    )


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
    # of the 检查次数 by sector, how many came from columns counting units inspected (家)
    units_inspected: dict[str, int] = field(default_factory=dict)

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
        }


def year_label(year: int | None) -> str:
    return str(year) if year is not None else NO_YEAR_LABEL


def _sorted_years(keys: Iterable[int | None]) -> list[int | None]:
    keys = set(keys)
    return sorted(k for k in keys if k is not None) + ([None] if None in keys else [])


# ---------------------------------------------------------------- header detection


@dataclass
class TallyHeader:
    row: int  # 0-based index into the sheet rows
    sector_col: int  # 0-based
    metric_cols: dict[str, int]
    unit_col: int | None
    counts_units: bool = False  # its 检查次数 column counts units inspected (家)


@dataclass
class FiguresHeader:
    row: int
    name_col: int
    value_col: int
    unit_col: int | None


def find_tally_header(rows: list[tuple]) -> TallyHeader | None:
    """The first row within the first 10 that has a sector column and a metric column."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        sector_col = None
        unit_col = None
        counts_units = False
        metrics: dict[str, int] = {}
        for col, value in enumerate(row):
            if not isinstance(value, str):
                continue
            if sector_col is None and vocab.is_sector_header(value):
                sector_col = col
                continue
            metric = vocab.metric_of(value)
            if metric and metric not in metrics:
                metrics[metric] = col
                if metric == "检查次数":
                    counts_units = vocab.counts_units(value)
            elif unit_col is None and vocab.normalize_header(value) == vocab.UNIT_HEADER:
                unit_col = col
        if sector_col is not None and metrics:
            return TallyHeader(index, sector_col, metrics, unit_col, counts_units)
    return None


def find_figures_header(rows: list[tuple]) -> FiguresHeader | None:
    """The first row within the first 10 that has 指标/项目 and 数量/数值 columns."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        name_col = value_col = unit_col = None
        for col, value in enumerate(row):
            if not isinstance(value, str):
                continue
            text = vocab.normalize_header(value)
            if name_col is None and text in vocab.FIGURE_NAME_HEADERS:
                name_col = col
            elif value_col is None and text in vocab.FIGURE_VALUE_HEADERS:
                value_col = col
            elif unit_col is None and text == vocab.FIGURE_UNIT_HEADER:
                unit_col = col
        if name_col is not None and value_col is not None:
            return FiguresHeader(index, name_col, value_col, unit_col)
    return None


def _is_count_like(value: object) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, float)):
        return True
    return False


def looks_like_data(rows: list[tuple]) -> bool:
    """A sheet with numbers in it, or a sector name next to a number: a table, not notes."""
    numbers = 0
    for row in rows:
        row_numbers = sum(1 for v in row if _is_count_like(v))
        numbers += row_numbers
        if row_numbers and any(isinstance(v, str) and vocab.sector_of(v) for v in row):
            return True
    return numbers >= 3


def has_content(rows: list[tuple]) -> bool:
    return any(not is_blank(v) for row in rows for v in row)


def _cell(rows: list[tuple], r: int, c: int) -> object:
    row = rows[r]
    return row[c] if c < len(row) else None


def unit_line(rows: list[tuple], before: int) -> tuple[str | None, bool]:
    """The name in a ``填报单位：NAME`` cell in the rows above the header.

    Returns (name or None, whether a 填报单位 line was found at all).
    """
    for r in range(min(before, len(rows))):
        row = rows[r]
        for c, value in enumerate(row):
            if not isinstance(value, str) or "填报单位" not in value:
                continue
            text = unicodedata.normalize("NFKC", value)
            match = _UNIT_LINE.search(text)
            if match:
                name = _unit_name(match.group(1))
            elif vocab.clean_text(text) in ("填报单位", "填报单位(盖章)"):
                name = ""
            else:
                continue
            if not name:
                # the name may be typed in the next cell: 填报单位： | 青山村
                for nxt in row[c + 1 :]:
                    if is_blank(nxt):
                        continue
                    candidate = unicodedata.normalize("NFKC", str(nxt))
                    if ":" not in candidate:
                        name = _unit_name(candidate)
                    break
            return (name or None), True
    return None, False


def _unit_name(text: str) -> str:
    text = re.split(r"\s+\S{1,8}:", text.strip())[0]
    text = re.split(r"\s{2,}", text)[0]
    text = re.sub(r"[（(]\s*(盖章|公章|签章|章)\s*[）)]", "", text)
    return vocab.clean_text(text).strip("_＿")


def unit_from_stem(path: Path) -> str:
    """The unit's name from a file name: ``青山村-统计表.xlsx`` → ``青山村``."""
    stem = vocab.clean_text(Path(path).stem)
    trimmed = _STEM_NOISE.sub("", stem)
    return trimmed or stem


# ---------------------------------------------------------------- reading one workbook


@dataclass
class SheetTally:
    """What one sheet says about one unit for one year."""

    file: str
    sheet: str
    unit: str
    year: int | None
    table: dict[str, dict[str, int]] = field(default_factory=dict)
    cells: dict[tuple[str, str], str] = field(default_factory=dict)
    counts_units: bool = False  # 检查次数 here counts units inspected (家)


@dataclass
class SheetFigures:
    file: str
    sheet: str
    unit: str
    year: int | None
    values: dict[str, int] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)


@dataclass
class WorkbookTallies:
    path: Path
    file: str
    tallies: list[SheetTally] = field(default_factory=list)
    figures: list[SheetFigures] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    total_sheets: list[SheetTally] = field(default_factory=list)


class _Formulas:
    """The workbook opened a second time, for formulas whose result was not saved."""

    def __init__(self, path: Path):
        self.path = path
        self._wb: openpyxl.Workbook | None = None
        self._any: bool | None = None

    def _has_any(self) -> bool:
        # most returns hold no formula at all: a look into the sheet XML avoids a second read
        if self._any is None:
            self._any = False
            try:
                with zipfile.ZipFile(self.path) as archive:
                    for name in archive.namelist():
                        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                            with archive.open(name) as stream:
                                if _holds_formula(stream):
                                    self._any = True
                                    break
            except (OSError, zipfile.BadZipFile, zlib.error, EOFError):
                pass
        return self._any

    def is_formula(self, sheet: str, row: int, col: int) -> bool:
        if not self._has_any():
            return False
        if self._wb is None:
            try:
                self._wb = open_workbook(self.path, data_only=False)
            except DataError:
                return False
        try:
            value = self._wb[sheet].rows[row - 1][col - 1]
        except (KeyError, IndexError):
            return False
        return isinstance(value, str) and value.startswith("=")


def _holds_formula(stream) -> bool:
    """Whether a sheet's XML has an ``<f>`` element, read in pieces (a sheet can be large)."""
    tail = b""
    while chunk := stream.read(1 << 20):
        data = tail + chunk
        if b"<f>" in data or b"<f " in data or b":f>" in data or b":f " in data:
            return True
        tail = data[-3:]
    return False


def read_workbook(path: Path, wb=None) -> WorkbookTallies:
    """Every tally and figures sheet of one workbook, with every problem found in it."""
    path = Path(path)
    shown = display_path(path)
    result = WorkbookTallies(path, shown)
    if wb is None:
        try:
            wb = open_workbook(path)
        except DataError as exc:
            result.problems.extend(exc.problems)
            return result
    formulas = _Formulas(path)
    sheets = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue  # hidden sheets hold drop-down lists or old copies, not returns
        rows = sheet_rows(ws)
        tally = find_tally_header(rows)
        figures = None if tally else find_figures_header(rows)
        header_row = tally.row if tally else figures.row if figures else 0
        name, found = unit_line(rows, header_row) if (tally or figures) else (None, False)
        sheets.append((ws, rows, tally, figures, name, found))

    named = [s[4] for s in sheets if s[4]]
    workbook_unit = named[0] if named else unit_from_stem(path)
    if any(s[5] and not s[4] for s in sheets) and not named:
        result.problems.append(
            Problem(
                _("“填报单位”没有填写，按文件名计为“{unit}”").format(unit=shorten(workbook_unit)),
                file=shown,
                hint=_("请在表头上方的“填报单位：”后填写村或单位名称"),
                severity=WARNING,
            )
        )

    usable = False
    for ws, rows, tally, figures, name, _found in sheets:
        unit = name or workbook_unit
        year = vocab.year_of_sheet(ws.title)
        if tally and name:
            tally.unit_col = None  # a 填报单位 line above the header wins over the column
        if tally:
            usable = True
            _read_tally_sheet(result, ws.title, rows, tally, unit, year, formulas)
        elif figures:
            usable = True
            _read_figures_sheet(result, ws.title, rows, figures, unit, year)
        elif looks_like_data(rows):
            result.problems.append(
                Problem(
                    _("工作表有数据，但找不到表头"),
                    file=shown,
                    sheet=ws.title,
                    hint=expected_headers(),
                )
            )
            usable = True
    if not usable:
        if not any(has_content(s[1]) for s in sheets):
            result.problems.append(
                Problem(
                    _("工作簿是空的，没有任何数据"),
                    file=shown,
                    hint=_("请填报单位按统计表样式填写后重新发送（可用 docgen forms 生成空白表）"),
                )
            )
        else:
            result.problems.append(
                Problem(_("找不到表头，无法识别为统计表"), file=shown, hint=expected_headers())
            )
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


def _read_tally_sheet(
    result: WorkbookTallies,
    sheet: str,
    rows: list[tuple],
    header: TallyHeader,
    default_unit: str,
    year: int | None,
    formulas: _Formulas,
) -> None:
    shown = result.file
    problems = result.problems

    def problem(message: str, cell: str = "", hint: str = "", severity: str = ERROR) -> None:
        problems.append(
            Problem(message, file=shown, sheet=sheet, cell=cell, hint=hint, severity=severity)
        )

    by_unit: dict[str, SheetTally] = {}
    order: list[str] = []
    # (excel row, values, metrics with a bad cell) for the 合计 cross-checks
    data_rows: list[tuple[int, dict[str, int], set[str]]] = []
    last_unit = default_unit
    subtotal_start = 0
    grand_start = 0
    known = join(vocab.SECTORS)
    metric_cols = header.metric_cols
    metric_col_set = set(metric_cols.values())
    for col, value in enumerate(rows[header.row]):
        metric = vocab.metric_of(value) if isinstance(value, str) else None
        if metric and metric_cols[metric] != col and col != header.sector_col:
            used = cell_name(header.row + 1, metric_cols[metric] + 1)
            problem(
                _("“{header}”与 {used} 列都表示“{metric}”，这一列没有计入").format(
                    header=shorten(str(value).strip()), used=used, metric=metric
                ),
                cell_name(header.row + 1, col + 1),
                _("请删除重复的列，或把两列合并"),
                WARNING,
            )

    for r in range(header.row + 1, len(rows)):
        excel_row = r + 1
        label_value = _cell(rows, r, header.sector_col)
        raw = {m: _cell(rows, r, c) for m, c in metric_cols.items()}
        unit_value = _cell(rows, r, header.unit_col) if header.unit_col is not None else None
        metrics_blank = all(is_blank(v) for v in raw.values())
        if is_blank(label_value) and not metrics_blank:
            # 合计 is often typed in the 序号 or 填报单位 column, merged across the sector cell
            label_value = next(
                (
                    v
                    for c, v in enumerate(rows[r])
                    if c not in metric_col_set and vocab.is_total_label(v)
                ),
                None,
            )
        if is_blank(label_value):
            if metrics_blank:
                continue
            problem(
                _("这一行填了数字，但“领域”为空"),
                cell_name(excel_row, header.sector_col + 1),
                _("请填写领域（{known}），或删除这一行").format(known=known),
            )
            continue
        label = vocab.clean_text(label_value)
        if vocab.is_total_label(label):
            _check_total_row(
                problem,
                sheet,
                excel_row,
                label,
                raw,
                metric_cols,
                data_rows,
                subtotal_start if label == "小计" else grand_start,
                formulas,
                result.path,
            )
            subtotal_start = len(data_rows)
            if label != "小计":
                grand_start = len(data_rows)
            continue
        if metrics_blank and (_FOOTER.match(label) or ":" in unicodedata.normalize("NFKC", label)):
            continue  # 填表人：… / 备注：… below the table
        sector = sector_of_label(label_value)
        if sector is None:
            problem(
                _("未知的领域“{value}”").format(value=shorten(str(label_value).strip())),
                cell_name(excel_row, header.sector_col + 1),
                _("领域应为以下之一：{known}").format(known=known),
            )
            continue
        values: dict[str, int] = {}
        bad: set[str] = set()
        for metric, col in metric_cols.items():
            value = raw[metric]
            where = cell_name(excel_row, col + 1)
            if value is None and formulas.is_formula(sheet, excel_row, col + 1):
                problem(
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
                problem(
                    _("“{metric}”应填写整数：{reason}").format(metric=metric, reason=exc.reason),
                    where,
                    _("请改为整数，没有就填 0 或留空"),
                )
                bad.add(metric)
        if (
            "排查隐患" in values
            and "整改隐患" in values
            and values["整改隐患"] > values["排查隐患"]
        ):
            problem(
                _("整改隐患（{fixed}）多于排查隐患（{found}），请核对").format(
                    fixed=values["整改隐患"], found=values["排查隐患"]
                ),
                cell_name(excel_row, metric_cols["整改隐患"] + 1),
                severity=WARNING,
            )
        if header.unit_col is not None and not is_blank(unit_value):
            last_unit = vocab.clean_text(unit_value)
        unit = last_unit if header.unit_col is not None else default_unit
        if unit not in by_unit:
            by_unit[unit] = SheetTally(shown, sheet, unit, year, counts_units=header.counts_units)
            order.append(unit)
        tally = by_unit[unit]
        row_table = tally.table.setdefault(sector, {})
        for metric, value in values.items():
            row_table[metric] = row_table.get(metric, 0) + value
            tally.cells.setdefault((sector, metric), cell_name(excel_row, metric_cols[metric] + 1))
        data_rows.append((excel_row, values, bad))

    if not order:
        # a header with no rows still says "this unit reported nothing"
        by_unit[default_unit] = SheetTally(
            shown, sheet, default_unit, year, counts_units=header.counts_units
        )
        order.append(default_unit)
        problem(_("统计表只有表头，没有数据行"), severity=WARNING)
    result.tallies.extend(by_unit[u] for u in order)


def _check_total_row(
    problem,
    sheet,
    excel_row,
    label,
    raw,
    metric_cols,
    data_rows,
    start,
    formulas: _Formulas,
    path: Path,
) -> None:
    """合计/小计 rows are compared with the rows they add up, never summed themselves."""
    uncached: list[str] = []
    for metric, col in metric_cols.items():
        value = raw[metric]
        where = cell_name(excel_row, col + 1)
        if value is None:
            if formulas.is_formula(sheet, excel_row, col + 1):
                uncached.append(where)
            continue
        if isinstance(value, str) and not value.strip():
            continue
        try:
            stated = parse_count(value)
        except CountError as exc:
            problem(
                _("{label}行的“{metric}”无法核对：{reason}").format(
                    label=label, metric=metric, reason=exc.reason
                ),
                where,
                _("{label}行不计入汇总，只用来核对").format(label=label),
                WARNING,
            )
            continue
        rows_above = data_rows[start:]
        if any(metric in bad for _row, _values, bad in rows_above):
            continue  # a bad cell above is already reported; the sum would mislead
        computed = sum(values.get(metric, 0) for _row, values, _bad in rows_above)
        if stated != computed:
            problem(
                _("{label}行的“{metric}”为 {stated}，但上面各行相加为 {computed}").format(
                    label=label, metric=metric, stated=stated, computed=computed
                ),
                where,
                _("汇总按各行相加计算，{label}行不计入；请核对后改正").format(label=label),
                WARNING,
            )
    if uncached:
        problem(
            _("{label}行是公式，文件中没有保存计算结果，无法核对{label}").format(label=label),
            uncached[0],
            _("汇总按各行相加计算；如需核对，请用 Excel 或 WPS 打开并保存该文件"),
            WARNING,
        )


def _read_figures_sheet(
    result: WorkbookTallies,
    sheet: str,
    rows: list[tuple],
    header: FiguresHeader,
    unit: str,
    year: int | None,
) -> None:
    shown = result.file
    figures = SheetFigures(shown, sheet, unit, year)
    for r in range(header.row + 1, len(rows)):
        excel_row = r + 1
        name_value = _cell(rows, r, header.name_col)
        value = _cell(rows, r, header.value_col)
        unit_value = _cell(rows, r, header.unit_col) if header.unit_col is not None else None
        if is_blank(name_value):
            if not is_blank(value):
                result.problems.append(
                    Problem(
                        _("这一行填了数量，但“指标”为空"),
                        file=shown,
                        sheet=sheet,
                        cell=cell_name(excel_row, header.name_col + 1),
                        hint=_("请填写指标名称，或删除这一行"),
                    )
                )
            continue
        raw_name = unicodedata.normalize("NFKC", str(name_value)).strip()
        name = vocab.normalize_header(raw_name).rstrip("*")
        if vocab.is_total_label(name) or (is_blank(value) and _FOOTER.match(name)):
            continue
        where = cell_name(excel_row, header.value_col + 1)
        try:
            number = parse_count(value)
        except CountError as exc:
            result.problems.append(
                Problem(
                    _("指标“{name}”的数量应为整数：{reason}").format(
                        name=shorten(name), reason=exc.reason
                    ),
                    file=shown,
                    sheet=sheet,
                    cell=where,
                    hint=_("请改为整数，没有就填 0"),
                )
            )
            continue
        measure = vocab.clean_text(unit_value) if not is_blank(unit_value) else ""
        if not measure:
            bracket = re.search(r"[（(]([^（）()]{1,4})[）)]$", vocab.clean_text(raw_name))
            if bracket:
                measure = bracket.group(1)
            elif isinstance(value, str):
                suffix = re.search(r"\d\s*([^\d\s,]{1,3})$", unicodedata.normalize("NFKC", value))
                measure = suffix.group(1) if suffix else ""
        if name in figures.values:
            result.problems.append(
                Problem(
                    _("指标“{name}”在本表中出现了不止一次，已相加").format(name=shorten(name)),
                    file=shown,
                    sheet=sheet,
                    cell=where,
                    severity=WARNING,
                )
            )
        figures.values[name] = figures.values.get(name, 0) + number
        if measure and name not in figures.units:
            figures.units[name] = measure
    result.figures.append(figures)


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
                _add_into(summed, tally.table)
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
                            cell=total.cells.get((sector, metric), ""),
                            hint=_("汇总按各年度工作表计算，这张汇总工作表不计入；请核对"),
                            severity=WARNING,
                        )
                    )


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
                    first_file, first_sheet = seen[key]
                    result.problems.append(
                        Problem(
                            _(
                                "“{unit}”{period}的{what}重复：{first}（工作表“{first_sheet}”）和 {second}"
                                "（工作表“{second_sheet}”）都有，会重复计算"
                            ).format(
                                unit=shorten(item.unit),
                                period=_("{year}年").format(year=item.year)
                                if item.year
                                else _("（无年度）"),
                                what=_("统计数") if kind == "tally" else _("指标"),
                                first=first_file,
                                first_sheet=first_sheet,
                                second=item.file,
                                second_sheet=item.sheet,
                            ),
                            file=item.file,
                            sheet=item.sheet,
                            hint=_(
                                "请删除重复的文件或工作表；不同年度请把工作表命名为年份，如“2021年”"
                            ),
                        )
                    )
                    continue
                seen[key] = (item.file, item.sheet)
                report = reports.get(item.unit)
                if report is None:
                    report = reports[item.unit] = UnitReport(item.unit)
                if item.file not in report.files:
                    report.files.append(item.file)
                if isinstance(item, SheetTally):
                    _add_into(report.totals, item.table)
                    _add_into(report.years.setdefault(item.year, empty_table()), item.table)
                    _add_into(result.totals, item.table)
                    if item.counts_units:
                        for sector, row in item.table.items():
                            result.units_inspected[sector] = result.units_inspected.get(
                                sector, 0
                            ) + row.get("检查次数", 0)
                    _add_into(years.setdefault(item.year, empty_table()), item.table)
                else:
                    for name, value in item.values.items():
                        report.figures[name] = report.figures.get(name, 0) + value
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
    for name in result.figures:
        result.figure_units.setdefault(name, "")
    result.units = list(reports.values())
    for report in result.units:
        report.years = {y: report.years[y] for y in _sorted_years(report.years)}
    result.years = {y: years[y] for y in _sorted_years(years)}
    return result


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


# ---------------------------------------------------------------- 汇总表.xlsx


def write_summary_workbook(consolidation: Consolidation, path: Path, force: bool = False) -> Path:
    """Write 汇总表.xlsx: totals by sector (with SUM formulas), by unit, by year, figures, problems."""
    path = Path(path)
    ensure_writable([path], force)
    wb = build_summary_workbook(consolidation)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    return {
        "header_font": Font(bold=True),
        "header_fill": PatternFill("solid", fgColor="D9E1F2"),
        "total_fill": PatternFill("solid", fgColor="F2F2F2"),
        "error_font": Font(color="C00000", bold=True),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "bold": Font(bold=True),
    }


def _text_width(value: object) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _finish_sheet(
    ws,
    header_rows: int,
    freeze: str,
    widths: dict[int, int] | None = None,
    landscape: bool = True,
    max_width: int = 40,
    fit_width: bool = True,
) -> None:
    """Borders, header style, widths from content, frozen panes, print titles, fit to width.

    A sheet too wide for one page (``fit_width=False``) prints over several pages instead,
    its first column repeated on each, so the figures stay readable.
    """
    from openpyxl.utils import get_column_letter

    st = _styles()
    computed: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.coordinate in ws.merged_cells:
                continue
            cell.border = st["border"]
            if cell.row <= header_rows:
                cell.font = st["header_font"]
                cell.fill = st["header_fill"]
                cell.alignment = st["center"]
            value = cell.value
            if isinstance(value, str) and value.startswith("="):
                value = "000000"
            computed[cell.column] = max(computed.get(cell.column, 0), _text_width(value))
    for col, width in computed.items():
        chosen = (widths or {}).get(col, min(max(width + 2, 8), max_width))
        ws.column_dimensions[get_column_letter(col)].width = chosen
    ws.freeze_panes = freeze
    ws.print_title_rows = f"1:{header_rows}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    else:
        ws.print_title_cols = "A:A"


def _sector_metric_block(
    ws,
    first_label: str,
    labels: list[str],
    tables: list[Table],
    extra_header: str | None = None,
    extras: list[str] | None = None,
) -> None:
    """Rows of label × (合计 by metric, then every sector × metric), two header rows, a SUM row."""
    from openpyxl.utils import get_column_letter

    st = _styles()
    metrics = vocab.METRICS
    n = len(metrics)
    ws.cell(row=1, column=1, value=first_label)
    ws.merge_cells(start_row=1, start_column=1, end_row=2, end_column=1)
    blocks = ["合计"] + list(vocab.SECTORS)
    for b, title in enumerate(blocks):
        start = 2 + b * n
        ws.cell(row=1, column=start, value=title)
        ws.merge_cells(start_row=1, start_column=start, end_row=1, end_column=start + n - 1)
        for m, metric in enumerate(metrics):
            ws.cell(row=2, column=start + m, value=metric)
    last_col = 1 + len(blocks) * n
    if extra_header:
        ws.cell(row=1, column=last_col + 1, value=extra_header)
        ws.merge_cells(start_row=1, start_column=last_col + 1, end_row=2, end_column=last_col + 1)
    for i, (label, table) in enumerate(zip(labels, tables, strict=True)):
        r = 3 + i
        ws.cell(row=r, column=1, value=_clean(label)).alignment = st["left"]
        for m, metric in enumerate(metrics):
            parts = []
            for s, sector in enumerate(vocab.SECTORS):
                col = 2 + (s + 1) * n + m
                ws.cell(row=r, column=col, value=table.get(sector, {}).get(metric, 0))
                parts.append(f"{get_column_letter(col)}{r}")
            _formula(ws, r, 2 + m, "=" + "+".join(parts)).font = st["bold"]
        if extras:
            ws.cell(row=r, column=last_col + 1, value=_clean(extras[i])).alignment = st["left"]
    total_row = 3 + len(labels)
    ws.cell(row=total_row, column=1, value="合计")
    for col in range(2, last_col + 1):
        letter = get_column_letter(col)
        formula = f"=SUM({letter}3:{letter}{total_row - 1})" if labels else "=0"
        _formula(ws, total_row, col, formula)
    for col in range(1, last_col + 1):
        cell = ws.cell(row=total_row, column=col)
        cell.font = st["bold"]
        cell.fill = st["total_fill"]
    widths = {1: min(max(_text_width(x) for x in [first_label, *labels]) + 2, 30)}
    widths.update({c: 9 for c in range(2, last_col + 1)})
    if extra_header:
        widths[last_col + 1] = 40
    _finish_sheet(ws, 2, "B3", widths, fit_width=False)


def _unit_detail_sheet(ws, units: list[UnitReport]) -> None:
    """One row per unit and sector it reported on: the by-unit figures in a form that prints
    on portrait pages."""
    from openpyxl.utils import get_column_letter

    st = _styles()
    ws.append(["填报单位", "领域", *vocab.METRICS])
    for unit in units:
        for sector in vocab.SECTORS:
            row = unit.totals.get(sector, {})
            if any(row.get(metric, 0) for metric in vocab.METRICS):
                ws.append(
                    [_clean(unit.unit), sector, *(row.get(metric, 0) for metric in vocab.METRICS)]
                )
    total_row = ws.max_row + 1
    ws.cell(row=total_row, column=1, value="合计")
    for col in range(3, 3 + len(vocab.METRICS)):
        letter = get_column_letter(col)
        _formula(ws, total_row, col, f"=SUM({letter}2:{letter}{total_row - 1})")
    for col in range(1, 3 + len(vocab.METRICS)):
        ws.cell(row=total_row, column=col).font = st["bold"]
        ws.cell(row=total_row, column=col).fill = st["total_fill"]
    _finish_sheet(ws, 1, "C2", {1: 22, 2: 22, **{c: 10 for c in range(3, 7)}}, landscape=False)


def build_summary_workbook(consolidation: Consolidation):
    """The consolidated workbook (汇总表) as an openpyxl Workbook, formulas for every total."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    st = _styles()
    c = consolidation
    wb = Workbook()

    # 分领域汇总: header in row 1 so the formulas read like =IF(C2=0,"",D2/C2)
    ws = wb.active
    ws.title = "分领域汇总"
    ws.append(["领域", *vocab.METRICS, "整改率"])
    found_col = get_column_letter(2 + vocab.METRICS.index("排查隐患"))
    fixed_col = get_column_letter(2 + vocab.METRICS.index("整改隐患"))
    rate_col = 2 + len(vocab.METRICS)
    for sector in vocab.SECTORS:
        ws.append([sector, *(c.totals[sector][m] for m in vocab.METRICS)])
    total_row = 2 + len(vocab.SECTORS)
    ws.cell(row=total_row, column=1, value="合计")
    for col in range(2, rate_col):
        letter = get_column_letter(col)
        _formula(ws, total_row, col, f"=SUM({letter}2:{letter}{total_row - 1})")
    for r in range(2, total_row + 1):
        cell = _formula(ws, r, rate_col, f'=IF({found_col}{r}=0,"",{fixed_col}{r}/{found_col}{r})')
        cell.number_format = "0.0%"
    for col in range(1, rate_col + 1):
        ws.cell(row=total_row, column=col).font = st["bold"]
        ws.cell(row=total_row, column=col).fill = st["total_fill"]
    _finish_sheet(
        ws, 1, "B2", {1: 24, **{col: 12 for col in range(2, rate_col + 1)}}, landscape=False
    )

    ws = wb.create_sheet("分单位")
    _sector_metric_block(
        ws,
        "填报单位",
        [u.unit for u in c.units],
        [u.totals for u in c.units],
        "来源文件",
        ["、".join(u.files) for u in c.units],
    )
    _unit_detail_sheet(wb.create_sheet("分单位明细"), c.units)

    ws = wb.create_sheet("分年度")
    _sector_metric_block(
        ws,
        "年度",
        [f"{y}年" if y is not None else NO_YEAR_LABEL for y in c.years],
        list(c.years.values()),
    )

    ws = wb.create_sheet("指标")
    reporting = [u for u in c.units if u.figures]
    ws.append(["指标", "合计", "单位", *(_clean(u.unit) for u in reporting)])
    last = get_column_letter(3 + len(reporting))
    for i, name in enumerate(c.figures):
        r = 2 + i
        ws.append(
            [
                _clean(name),
                None,
                _clean(c.figure_units.get(name, "")),
                *(u.figures.get(name, 0) for u in reporting),
            ]
        )
        if reporting:
            _formula(ws, r, 2, f"=SUM(D{r}:{last}{r})")
        else:
            ws.cell(row=r, column=2, value=c.figures[name])
        ws.cell(row=r, column=2).font = st["bold"]
    _finish_sheet(ws, 1, "D2", {1: 20, 2: 10, 3: 8})

    ws = wb.create_sheet("问题清单")
    ws.append(["级别", "文件", "工作表", "单元格", "问题", "处理建议"])
    problems = sorted(c.problems, key=lambda p: 0 if p.is_error else 1)
    for p in problems:
        ws.append(
            [
                _("错误") if p.is_error else _("警告"),
                *(_clean(x) for x in (p.file, p.sheet, p.cell, p.message, p.hint)),
            ]
        )
        if p.is_error:
            ws.cell(row=ws.max_row, column=1).font = st["error_font"]
    if not problems:
        ws.append([_("无"), "", "", "", _("未发现问题"), ""])
    _finish_sheet(ws, 1, "A2", {1: 8, 2: 28, 3: 12, 4: 9, 5: 60, 6: 50})
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = st["left"]
    ws.auto_filter.ref = f"A1:F{ws.max_row}"
    _keep_as_text(wb)
    return wb


def _formula(ws, row: int, col: int, text: str):
    """One of docgen's own totals: the only cells of 汇总表 that are formulas."""
    cell = ws.cell(row=row, column=col, value=text)
    ws.docgen_formulas = getattr(ws, "docgen_formulas", set()) | {cell.coordinate}
    return cell


def _keep_as_text(wb) -> None:
    """Text from the inputs (a value, a unit, a file or sheet name, a problem) stays text.

    openpyxl makes any string starting with ``=`` a formula: ``=HYPERLINK(…)`` typed by a
    village would become a live link on the secretary's PC.  Such cells are stored as
    strings and marked to stay text when edited (Excel's leading apostrophe); so are
    strings starting with ``+ - @``, which Excel would read as a formula on editing.
    """
    for ws in wb.worksheets:
        ours: set[str] = getattr(ws, "docgen_formulas", set())
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and cell.coordinate in ours:
                    continue
                value = cell.value
                if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def _clean(value: object) -> object:
    """A value as openpyxl can store it: characters XML cannot hold are dropped."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_CHARS]
    return value
