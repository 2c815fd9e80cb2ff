"""Blank workbooks to send out (统计表, 责任单位, 隐患点, 学生名册), made so returns come back clean:
fixed headers, an instructions line, drop-down lists for sectors and whole-number validation.

Form text stays Chinese whatever the interface language: the forms go to villages and come
back to be read by their header texts."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from docgen import vocabulary as vocab
from docgen.kinds.registry import Column, Kind, Registry, registry
from docgen.output.files import atomic_path, ensure_writable, safe_filename

TALLY_FORM = "统计表.xlsx"
FIGURES_SHEET = "指标"
ROSTER_ROWS = 1000  # rows that carry the drop-downs and formats in a roster form
FORM_ROWS = 500  # rows of a tally form that carry its validations

# The named figures the summary report uses, with their measure words.
FIGURE_NAMES: tuple[tuple[str, str], ...] = (
    ("发放宣传册", "份"),
    ("推送微信", "条"),
    ("显示屏播放", "条"),
    ("检查校车", "车次"),
    ("烟花爆竹经营点", "个"),
    ("液化气经营点", "个"),
    ("水库", "座"),
    ("森林火灾", "起"),
)

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_NOTE_FONT = Font(color="595959", size=10)
_TITLE_FONT = Font(bold=True, size=16)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _title(ws, row: int, text: str, width: int, font=_TITLE_FONT, height: float = 30) -> None:
    ws.cell(row=row, column=1, value=text).font = font
    ws.cell(row=row, column=1).alignment = _CENTER if font is _TITLE_FONT else _WRAP
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[row].height = height


def _header(ws, row: int, headers: list[str], widths: list[int]) -> None:
    for col, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = _CENTER
        cell.border = _BORDER
        ws.column_dimensions[get_column_letter(col)].width = width


def _sector_list() -> str:
    return _choice_list(vocab.SECTORS)


def _choice_list(choices) -> str:
    return '"' + ",".join(choices) + '"'


def _validation(
    range_ref: str, *, prompt_title: str, prompt: str, error_title: str, error: str, **rule
) -> DataValidation:
    """A validation Excel and WPS enforce: the prompt shows when the cell is selected, and a
    wrong entry is stopped with the message (not merely warned about)."""
    dv = DataValidation(
        allow_blank=True, showErrorMessage=True, showInputMessage=True, errorStyle="stop", **rule
    )
    dv.promptTitle, dv.prompt = prompt_title[:32], prompt[:255]
    dv.errorTitle, dv.error = error_title[:32], error[:255]
    dv.add(range_ref)
    return dv


def _whole_number(range_ref: str, prompt_title: str) -> DataValidation:
    return _validation(
        range_ref,
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        prompt_title=prompt_title,
        prompt="填写整数，没有就填 0",
        error_title="只能填写整数",
        error="请填写 0 或正整数，不要写“若干”、小数或单位",
    )


def _print_setup(ws, header_row: int, landscape: bool) -> None:
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _unit_line(ws, unit: str | None) -> None:
    """Row 2: ``填报单位：`` with the unit's name (or a blank to fill), and ``填报日期：``."""
    ws.cell(row=2, column=1, value="填报单位：").font = Font(bold=True)
    ws.cell(row=2, column=2, value=unit or None)
    ws.cell(row=2, column=2).border = Border(bottom=_THIN)
    ws.merge_cells(start_row=2, start_column=2, end_row=2, end_column=3)
    ws.cell(row=2, column=4, value="填报日期：")


def _tally_sheet(ws, unit: str | None) -> None:
    """The 统计表 sheet: one row per sector, a sector drop-down and whole-number metrics."""
    ws.title = "统计表"
    headers = ["领域", *vocab.METRICS]
    width = len(headers)
    _title(ws, 1, "安全生产专项整治统计表", width)
    _unit_line(ws, unit)
    _title(
        ws,
        3,
        "填写说明：在“填报单位：”右边填写村或单位全称；数字只填整数（次数、处数），没有就填 0；"
        "不要写“若干”“20余”等；不要改动表头和领域名称。如分年度填报，请复制本工作表，"
        "并把工作表名改为年份（如“2020年”“2021年”）。“指标”表填写宣传、校车等数量。",
        width,
        _NOTE_FONT,
        60,
    )
    header_row = 4
    _header(ws, header_row, headers, [24, 14, 14, 14, 14])
    first = header_row + 1
    for r, sector in enumerate(vocab.SECTORS, start=first):
        ws.cell(row=r, column=1, value=sector)
        for c in range(1, width + 1):
            ws.cell(row=r, column=c).border = _BORDER
    ws.add_data_validation(
        _validation(
            f"A{first}:A{first + FORM_ROWS - 1}",
            type="list",
            formula1=_sector_list(),
            prompt_title="领域",
            prompt="从下拉列表中选择领域",
            error_title="领域不在列表中",
            error="请从下拉列表中选择领域",
        )
    )
    ws.add_data_validation(
        _whole_number(f"B{first}:{get_column_letter(width)}{first + FORM_ROWS - 1}", "次数、处数")
    )
    ws.freeze_panes = f"B{first}"
    _print_setup(ws, header_row, landscape=False)


def _figures_sheet(fs) -> None:
    """The 指标 sheet: the named figures with their measure words, room for more below."""
    _title(fs, 1, "宣传及其他指标", 3)
    _title(
        fs,
        2,
        "填写说明：在“数量”列填写整数；没有的填 0。可在下面添加其他指标（一行一个）。",
        3,
        _NOTE_FONT,
        36,
    )
    _header(fs, 3, ["指标", "数量", "单位"], [22, 14, 10])
    for r, (name, measure) in enumerate(FIGURE_NAMES, start=4):
        fs.cell(row=r, column=1, value=name)
        fs.cell(row=r, column=3, value=measure)
        for c in range(1, 4):
            fs.cell(row=r, column=c).border = _BORDER
    fs.add_data_validation(_whole_number(f"B4:B{4 + FORM_ROWS - 1}", "数量"))
    fs.freeze_panes = "A4"
    _print_setup(fs, 3, landscape=False)


def tally_form(unit: str | None = None) -> Workbook:
    """统计表: one row per sector, four metric columns, a 指标 sheet for the named figures;
    with ``unit``, its name already in the 填报单位 line."""
    wb = Workbook()
    _tally_sheet(wb.active, unit)
    _figures_sheet(wb.create_sheet(FIGURES_SHEET))
    return wb


def _roster_notes(columns: tuple[Column, ...]) -> list[str]:
    """The instructions line of a roster form: the general rules, then each column's hint."""
    notes = [
        "填写说明：带 * 的列必须填写；一行一条，不要合并单元格，不要改动表头；"
        "电话号码按文字填写；日期写成 2022-12-20。"
    ]
    notes += [f"“{c.name}”：{c.hint}。" for c in columns if c.hint]
    return notes


def _column_validation(column: Column, cells: str) -> DataValidation | None:
    """What a roster column accepts: a date, one of its choices, a whole number, or (if
    required) any text at all; None for a free column."""
    if column.date:
        return _validation(
            cells,
            type="date",
            operator="greaterThan",
            formula1="36526",
            prompt_title=column.name,
            prompt="日期写成 2022-12-20",
            error_title="不是日期",
            error="请填写日期，例如 2022-12-20",
        )
    if column.choices:
        return _validation(
            cells,
            type="list",
            formula1=_choice_list(column.choices),
            prompt_title=column.name,
            prompt=column.hint or "从下拉列表中选择",
            error_title=f"{column.name}不在列表中"[:32],
            error=f"请从下拉列表中选择{column.name}",
        )
    if column.whole_number:
        return _whole_number(cells, column.name)
    if column.required:
        return _validation(
            cells,
            type="textLength",
            operator="greaterThan",
            formula1="0",
            prompt_title=column.name,
            prompt="必填",
            error_title="必填",
            error=f"“{column.name}”必须填写",
        )
    return None


def _format_column(ws, letter: str, column: Column, width: int) -> None:
    """A roster column's format and width: text, date, or wide enough for its drop-down."""
    # column formats, not cell formats: typed phone numbers stay text, and no empty
    # formatted cells stretch the sheet
    dimension = ws.column_dimensions[letter]
    if column.text:
        dimension.number_format = "@"
        dimension.width = max(width, 16)
    if column.date:
        dimension.number_format = "yyyy-mm-dd"
        dimension.width = max(width, 14)
    elif column.choices:
        dimension.width = max(width, 16)


def roster_form(kind: Kind) -> Workbook:
    """A kind's roster with its columns (required ones marked ``*``), instructions, drop-downs
    and validations, as its manifest declares them."""
    assert kind.roster is not None
    columns = kind.roster.columns
    title = kind.roster.title
    headers = [c.name + ("*" if c.required else "") for c in columns]
    wb = Workbook()
    ws = wb.active
    ws.title = title
    _title(ws, 1, title, len(headers))
    notes = _roster_notes(columns)
    _title(ws, 2, "".join(notes), len(headers), _NOTE_FONT, 36 + 14 * (len(notes) - 1))
    header_row = 3
    widths = [c.width or max(10, 2 * len(h) + 4) for c, h in zip(columns, headers, strict=True)]
    _header(ws, header_row, headers, widths)
    first, last = header_row + 1, header_row + ROSTER_ROWS
    for col, column in enumerate(columns, start=1):
        letter = get_column_letter(col)
        _format_column(ws, letter, column, widths[col - 1])
        validation = _column_validation(column, f"{letter}{first}:{letter}{last}")
        if validation is not None:
            ws.add_data_validation(validation)
    ws.freeze_panes = f"A{first}"
    _print_setup(ws, header_row, landscape=len(headers) > 6)
    return wb


def form_files(kinds: Registry) -> dict[str, str]:
    """The blank forms to send out: the tally form, and each batch kind's roster."""
    files = {"tally": TALLY_FORM}
    files.update({kind.key: f"{kind.roster.title}.xlsx" for kind in kinds.batches if kind.roster})
    return files


def unit_form_name(unit: str) -> str:
    """``统计表-青山村.xlsx``: the pre-named tally form of one expected unit."""
    return f"{Path(TALLY_FORM).stem}-{safe_filename(unit)}.xlsx"


def write_forms(
    directory: Path,
    force: bool = False,
    kinds: Registry | None = None,
    expected: tuple[str, ...] | list[str] = (),
) -> list[Path]:
    """Write the blank forms into ``directory``; refuse before writing if any exists.

    ``expected`` (``[tallies] expected``) adds one tally form per unit, its name already in
    the 填报单位 line and in the file name, so that returns never collide.
    """
    kinds = kinds or registry()
    directory = Path(directory)
    paths = {key: directory / name for key, name in form_files(kinds).items()}
    units: dict[Path, str] = {}
    for unit in expected:
        name = str(unit).strip()
        if name:
            units.setdefault(directory / unit_form_name(name), name)
    ensure_writable(list(paths.values()) + list(units), force)
    written = []
    for key, path in paths.items():
        wb = tally_form() if key == "tally" else roster_form(kinds[key])
        with atomic_path(path) as tmp:
            wb.save(tmp)
        written.append(path)
    for path, unit in units.items():
        with atomic_path(path) as tmp:
            tally_form(unit).save(tmp)
        written.append(path)
    return written
