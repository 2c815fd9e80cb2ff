"""Limits that keep reading bounded whatever a file declares, and the messages refusing a file
beyond one.

A township's workbook is far below all of them; a file beyond one is refused with a message
that says what to do, not read for minutes.  Every reader (``.xlsx`` through openpyxl, the
binary formats through calamine, CSV) refuses with the same words.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable

from docgen.errors import DataError
from docgen.i18n import _
from docgen.inputs.cells import cell_name, shorten

# Builds the error for one file: fail(message, hint="", sheet="", cell="").
Fail = Callable[..., DataError]

MAX_MEMBERS = 10_000  # parts in the zip container
MAX_SHEET_BYTES = 128 * 2**20  # uncompressed size of one worksheet (streamed)
MAX_PART_BYTES = 32 * 2**20  # uncompressed size of any other part (read whole: shared strings)
MAX_TOTAL_BYTES = 256 * 2**20  # uncompressed size of all parts together
MAX_ROWS = 100_000  # last row holding a value
MAX_COLUMNS = 1_000  # last column holding a value
MAX_CELLS = 1_000_000  # cells holding a value, per workbook
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_SHEETS = 250  # worksheets in one workbook


def clamped_cell_name(row: int, col: int) -> str:
    """The name of a cell, kept within the largest sheet Excel allows (``XFD1048576``)."""
    return cell_name(max(1, min(row, 1_048_576)), max(1, min(col, 16_384)))


def split_workbook_hint() -> str:
    """What to do with a workbook holding too many rows, columns or cells."""
    return _("请把数据分成几个较小的工作簿，或删除多余的行和列后另存为 .xlsx")


def cell_too_long(fail: Fail, n: int, sheet: str, cell: str) -> DataError:
    """A cell holding more characters than Excel allows (``n`` of them)."""
    return fail(
        _("单元格内容有 {n} 字，超过 Excel 的上限 {limit} 字").format(n=n, limit=MAX_CELL_CHARS),
        _("请删除或缩短这个单元格的内容"),
        sheet,
        cell,
    )


def out_of_range(fail: Fail, hint: str, sheet: str, cell: str) -> DataError:
    """A value beyond the last row or column read."""
    return fail(
        _("这个单元格超出了能读取的范围（最多 {rows} 行、{cols} 列）").format(
            rows=MAX_ROWS, cols=MAX_COLUMNS
        ),
        hint,
        sheet,
        cell,
    )


def too_many_cells(fail: Fail, hint: str, sheet: str, cell: str) -> DataError:
    """More cells holding a value than one workbook may have."""
    return fail(
        _("工作簿中有内容的单元格超过 {limit} 个").format(limit=MAX_CELLS),
        hint,
        sheet,
        cell,
    )


def too_many_sheets(fail: Fail, n: int) -> DataError:
    return fail(
        _("工作簿有 {n} 个工作表，超过上限 {limit} 个").format(n=n, limit=MAX_SHEETS),
        _("请把数据分成几个较小的工作簿，或删除多余的工作表后另存为 .xlsx"),
    )


def check_package(archive: zipfile.ZipFile, fail: Fail) -> None:
    """Refuse a zip package with too many parts or parts that unpack too large."""
    infos = archive.infolist()
    split = _("请把数据分成几个较小的工作簿，或用 Excel 或 WPS 删除多余的内容后另存为 .xlsx")
    if len(infos) > MAX_MEMBERS:
        raise fail(
            _("工作簿由 {n} 个部件组成，超过上限 {limit} 个，不像是正常的工作簿").format(
                n=len(infos), limit=MAX_MEMBERS
            ),
            split,
        )
    total = 0
    for info in infos:
        total += info.file_size
        sheet = (
            info.filename.startswith("xl/worksheets/") and "/_rels/" not in info.filename
        ) or info.filename == "content.xml"
        limit = MAX_SHEET_BYTES if sheet else MAX_PART_BYTES
        if info.file_size > limit or total > MAX_TOTAL_BYTES:
            raise fail(
                _(
                    "工作簿解压后过大（其中“{part}”有 {size} MB，上限为 {limit} MB、"
                    "全部合计 {total_limit} MB）"
                ).format(
                    part=shorten(info.filename, 40),
                    size=info.file_size // 2**20,
                    limit=limit // 2**20,
                    total_limit=MAX_TOTAL_BYTES // 2**20,
                ),
                split,
            )
