"""The consolidated workbook (汇总表.xlsx): totals with real formulas, by unit, by year,
figures, problems."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from docgen import vocabulary as vocab
from docgen.figures.consolidation import Consolidation, UnitReport
from docgen.figures.sources import Printed
from docgen.i18n import _
from docgen.inputs.tallies import NO_YEAR_LABEL, Table
from docgen.inputs.workbook import MAX_CELL_CHARS
from docgen.output.files import GENERATED_STATUS, atomic_path, ensure_writable

# ---------------------------------------------------------------- 汇总表.xlsx


def write_summary_workbook(
    consolidation: Consolidation,
    path: Path,
    force: bool = False,
    sources: Sequence[Printed] | None = None,
) -> Path:
    """Write 汇总表.xlsx: totals by sector (with SUM formulas), by unit, by year, figures, problems."""
    path = Path(path)
    ensure_writable([path], force)
    wb = build_summary_workbook(consolidation, sources)
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
    columns: Sequence[str],
    first_label: str,
    labels: list[str],
    tables: list[Table],
    extra_header: str | None = None,
    extras: list[str] | None = None,
) -> None:
    """Rows of label × (合计 by metric, then every sector × metric), two header rows, a SUM row."""
    from openpyxl.utils import get_column_letter

    st = _styles()
    metrics = columns
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


def _unit_detail_sheet(ws, units: list[UnitReport], columns: Sequence[str]) -> None:
    """One row per unit and sector it reported on: the by-unit figures in a form that prints
    on portrait pages."""
    from openpyxl.utils import get_column_letter

    st = _styles()
    ws.append(["填报单位", "领域", *columns])
    for unit in units:
        for sector in vocab.SECTORS:
            row = unit.totals.get(sector, {})
            if any(row.get(metric, 0) for metric in columns):
                ws.append([_clean(unit.unit), sector, *(row.get(metric, 0) for metric in columns)])
    total_row = ws.max_row + 1
    ws.cell(row=total_row, column=1, value="合计")
    for col in range(3, 3 + len(columns)):
        letter = get_column_letter(col)
        _formula(ws, total_row, col, f"=SUM({letter}2:{letter}{total_row - 1})")
    for col in range(1, 3 + len(columns)):
        ws.cell(row=total_row, column=col).font = st["bold"]
        ws.cell(row=total_row, column=col).fill = st["total_fill"]
    _finish_sheet(ws, 1, "C2", {1: 22, 2: 22, **{c: 10 for c in range(3, 7)}}, landscape=False)


def build_summary_workbook(consolidation: Consolidation, sources: Sequence[Printed] | None = None):
    """The consolidated workbook (汇总表) as an openpyxl Workbook, formulas for every total."""
    from openpyxl import Workbook

    c = consolidation
    columns = c.columns
    wb = Workbook()
    ws = wb.active
    ws.title = "分领域汇总"
    _sectors_sheet(ws, c)
    _sector_metric_block(
        wb.create_sheet("分单位"),
        columns,
        "填报单位",
        [u.unit for u in c.units],
        [u.totals for u in c.units],
        "来源文件",
        ["、".join(u.files) for u in c.units],
    )
    _unit_detail_sheet(wb.create_sheet("分单位明细"), c.units, columns)
    _sector_metric_block(
        wb.create_sheet("分年度"),
        columns,
        "年度",
        [f"{y}年" if y is not None else NO_YEAR_LABEL for y in c.years],
        list(c.years.values()),
    )
    _figures_sheet(wb.create_sheet("指标"), c)
    _sources_sheet(wb.create_sheet(SOURCES_SHEET), c.sources() if sources is None else sources)
    _problems_sheet(wb.create_sheet("问题清单"), c)
    _keep_as_text(wb)
    wb.properties.contentStatus = GENERATED_STATUS  # the page refuses it back as a tally
    return wb


def _sectors_sheet(ws, c: Consolidation) -> None:
    """分领域汇总: a row per sector, a SUM row and the 整改率 of each as a formula."""
    from openpyxl.utils import get_column_letter

    st = _styles()
    columns = c.columns
    # header in row 1 so the formulas read like =IF(C2=0,"",D2/C2)
    ws.append(["领域", *columns, "整改率"])
    found_col = get_column_letter(2 + columns.index("排查隐患"))
    fixed_col = get_column_letter(2 + columns.index("整改隐患"))
    rate_col = 2 + len(columns)
    for sector in vocab.SECTORS:
        ws.append([sector, *(c.totals[sector][m] for m in columns)])
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


def _figures_sheet(ws, c: Consolidation) -> None:
    """指标: each named figure, its total (a SUM over the units that reported figures) and
    its unit of measure."""
    from openpyxl.utils import get_column_letter

    st = _styles()
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


def _problems_sheet(ws, c: Consolidation) -> None:
    """问题清单: errors first, then warnings, filterable."""
    st = _styles()
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


SOURCES_SHEET = "数据来源"
SOURCES_HEADER = ("位置", "内容", "数值", "印作", "来源")


def _sources_sheet(ws, rows: Sequence[Printed]) -> None:
    """One row per printed figure: where, what, the number, as printed, and the cells it is the
    sum of as Excel external references (``'[青山村.xlsx]2021年'!D7``) joined by ``；``."""
    st = _styles()
    ws.append(list(SOURCES_HEADER))
    for row in rows:
        ws.append([_clean(x) for x in (row.where, row.what, row.value, row.text, row.figure.refs)])
    if not rows:
        ws.append(["", _("没有印出的数字"), "", "", ""])
    _finish_sheet(ws, 1, "A2", {1: 26, 2: 34, 3: 8, 4: 14, 5: 90}, max_width=90)
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = st["left"]
    ws.auto_filter.ref = f"A1:E{ws.max_row}"
