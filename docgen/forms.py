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
from docgen.files import atomic_path, ensure_writable

TALLY_FORM = "统计表.xlsx"
FIGURES_SHEET = "指标"
ROSTER_ROWS = 1000  # rows that carry the drop-downs and formats in a roster form

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
    return '"' + ",".join(vocab.SECTORS) + '"'


def _whole_number(range_ref: str, prompt_title: str) -> DataValidation:
    dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    dv.error = "请填写 0 或正整数，不要写“若干”、小数或单位"
    dv.errorTitle = "只能填写整数"
    dv.prompt = "填写整数，没有就填 0"
    dv.promptTitle = prompt_title
    dv.add(range_ref)
    return dv


def _print_setup(ws, header_row: int, landscape: bool) -> None:
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def tally_form() -> Workbook:
    """统计表: one row per sector, four metric columns, a 指标 sheet for the named figures."""
    wb = Workbook()
    ws = wb.active
    ws.title = "统计表"
    headers = ["领域", *vocab.METRICS]
    width = len(headers)
    _title(ws, 1, "安全生产专项整治统计表", width)
    ws.cell(row=2, column=1, value="填报单位：").font = Font(bold=True)
    ws.cell(row=2, column=2, value=None)
    ws.cell(row=2, column=2).border = Border(bottom=_THIN)
    ws.merge_cells(start_row=2, start_column=2, end_row=2, end_column=3)
    ws.cell(row=2, column=4, value="填报日期：")
    _title(ws, 3, "填写说明：在“填报单位：”右边填写村或单位全称；数字只填整数（次数、处数），没有就填 0；"
                    "不要写“若干”“20余”等；不要改动表头和领域名称。如分年度填报，请复制本工作表，"
                    "并把工作表名改为年份（如“2020年”“2021年”）。“指标”表填写宣传、校车等数量。",
           width, _NOTE_FONT, 60)
    header_row = 4
    _header(ws, header_row, headers, [24, 14, 14, 14, 14])
    first = header_row + 1
    last = first + len(vocab.SECTORS) - 1
    for r, sector in enumerate(vocab.SECTORS, start=first):
        ws.cell(row=r, column=1, value=sector)
        for c in range(1, width + 1):
            ws.cell(row=r, column=c).border = _BORDER
    sectors = DataValidation(type="list", formula1=_sector_list(), allow_blank=True)
    sectors.error = "请从下拉列表中选择领域"
    sectors.errorTitle = "领域不在列表中"
    sectors.add(f"A{first}:A{last + 12}")
    ws.add_data_validation(sectors)
    ws.add_data_validation(_whole_number(f"B{first}:{get_column_letter(width)}{last + 12}",
                                         "次数、处数"))
    ws.freeze_panes = f"B{first}"
    _print_setup(ws, header_row, landscape=False)

    fs = wb.create_sheet(FIGURES_SHEET)
    _title(fs, 1, "宣传及其他指标", 3)
    _title(fs, 2, "填写说明：在“数量”列填写整数；没有的填 0。可在下面添加其他指标（一行一个）。",
           3, _NOTE_FONT, 36)
    _header(fs, 3, ["指标", "数量", "单位"], [22, 14, 10])
    for r, (name, measure) in enumerate(FIGURE_NAMES, start=4):
        fs.cell(row=r, column=1, value=name)
        fs.cell(row=r, column=3, value=measure)
        for c in range(1, 4):
            fs.cell(row=r, column=c).border = _BORDER
    fs.add_data_validation(_whole_number(f"B4:B{4 + len(FIGURE_NAMES) + 20}", "数量"))
    fs.freeze_panes = "A4"
    _print_setup(fs, 3, landscape=False)
    return wb


def roster_form(kind: str) -> Workbook:
    """A roster with its columns (required ones marked ``*``), instructions and drop-downs."""
    columns = vocab.ROSTER_COLUMNS[kind]
    title = vocab.ROSTER_TITLES[kind]
    headers = [name + ("*" if required else "") for name, required in columns]
    wb = Workbook()
    ws = wb.active
    ws.title = title
    _title(ws, 1, title, len(headers))
    _title(ws, 2, "填写说明：带 * 的列必须填写；一行一条，不要合并单元格，不要改动表头；"
                    "联系电话按文字填写；日期写成 2022-12-20。", len(headers), _NOTE_FONT, 36)
    header_row = 3
    widths = [max(10, 2 * len(h) + 4) for h in headers]
    _header(ws, header_row, headers, widths)
    first, last = header_row + 1, header_row + ROSTER_ROWS
    for col, (name, _required) in enumerate(columns, start=1):
        letter = get_column_letter(col)
        # column formats, not cell formats: typed phone numbers stay text, and no empty
        # formatted cells stretch the sheet
        if "电话" in name:
            ws.column_dimensions[letter].number_format = "@"
            ws.column_dimensions[letter].width = 16
        elif "日期" in name:
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
            ws.column_dimensions[letter].width = 14
            dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
            dv.error = "请填写日期，例如 2022-12-20"
            dv.add(f"{letter}{first}:{letter}{last}")
            ws.add_data_validation(dv)
        elif name == "行业领域":
            dv = DataValidation(type="list", formula1=_sector_list(), allow_blank=True)
            dv.error = "请从下拉列表中选择行业领域"
            dv.errorTitle = "领域不在列表中"
            dv.add(f"{letter}{first}:{letter}{last}")
            ws.add_data_validation(dv)
            ws.column_dimensions[letter].width = 22
        elif name in ("威胁户数", "威胁人数"):
            ws.add_data_validation(_whole_number(f"{letter}{first}:{letter}{last}", name))
        elif name == "类型":
            dv = DataValidation(type="list", formula1='"地质灾害,山洪灾害"', allow_blank=True,
                                showErrorMessage=False)
            dv.add(f"{letter}{first}:{letter}{last}")
            ws.add_data_validation(dv)
        elif name in ("地址", "位置", "避险路线", "避险场所", "预警信号", "单位名称", "隐患点名称"):
            ws.column_dimensions[letter].width = 24
    ws.freeze_panes = f"A{first}"
    _print_setup(ws, header_row, landscape=len(headers) > 6)
    return wb


FORM_FILES: dict[str, str] = {
    "tally": TALLY_FORM,
    "agreements": "责任单位.xlsx",
    "notices": "隐患点.xlsx",
    "letters": "学生名册.xlsx",
}


def write_forms(directory: Path, force: bool = False) -> list[Path]:
    """Write the four blank forms into ``directory``; refuse before writing if any exists."""
    directory = Path(directory)
    paths = {key: directory / name for key, name in FORM_FILES.items()}
    ensure_writable(list(paths.values()), force)
    written = []
    for key, path in paths.items():
        wb = tally_form() if key == "tally" else roster_form(key)
        with atomic_path(path) as tmp:
            wb.save(tmp)
        written.append(path)
    return written
