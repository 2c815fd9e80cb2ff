"""CSV files and other delimited text, read as one sheet in bounded time.

Villages export tables from web systems and phone apps as CSV, and some of those systems name
tab-separated text ``.xls`` or ``.et``.  The text is decoded (UTF-8, UTF-8 with BOM, UTF-16
with BOM, GB18030/GBK) and split (comma, tab or semicolon, or what a ``sep=`` first line
says); every cell stays text as typed, and the same limits as for workbooks apply.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from docgen.i18n import _
from docgen.inputs.cells import cell_name
from docgen.inputs.limits import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    Fail,
    cell_too_long,
    clamped_cell_name,
    out_of_range,
    too_many_cells,
)
from docgen.inputs.workbook import Sheet

MAX_TEXT_BYTES = 32 * 2**20  # a CSV: 10 million lines are refused by their size alone
_SEP_LINE = re.compile(r"sep=(.)\s*$", re.IGNORECASE)
# A line this long is no township's table; csv would make a row of a million fields of it.
MAX_LINE_CHARS = 1_000_000
_LONG_LINE = re.compile(rf"^[^\r\n]{{{MAX_LINE_CHARS}}}", re.MULTILINE)


def decode_text(data: bytes) -> str | None:
    """The text of a CSV: BOMs first, then UTF-8, then GB18030 (which includes GBK); None
    when it is none of them (binary or another encoding)."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        if b"\x00" in data[:4096]:
            return None
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def pick_delimiter(text: str) -> str:
    """Comma, tab or semicolon: the one that splits the first lines most consistently."""
    lines = [line for line in text[:65536].splitlines() if line.strip()][:30]
    best, best_score = ",", (0, 0)
    for delimiter in (",", "\t", ";"):
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        split = [w for w in widths if w > 1]
        if not split:
            continue
        common = max(set(split), key=split.count)
        score = (len(split), split.count(common))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(path: Path, data: bytes, fail: Fail) -> Sheet:
    """One sheet named after the file (as Excel names it), every cell text as typed."""
    title = path.stem[:31] or "Sheet1"
    text, delimiter = _csv_text(data, title, fail)
    rows: list[tuple] = []
    cells = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    r = 0
    try:
        for r, record in enumerate(reader, start=1):
            row = [value if value.strip() else None for value in record]
            while row and row[-1] is None:
                row.pop()
            if row:
                cells = _count_csv_cells(row, r, cells, title, fail)
            rows.append(tuple(row))
    except csv.Error:
        raise fail(
            _("CSV 文件第 {n} 行格式有误（引号不成对或内容过长）").format(n=r + 1),
            _("请用 Excel 或 WPS 打开，另存为 .xlsx 后再试"),
            title,
        ) from None
    while rows and not rows[-1]:
        rows.pop()
    return Sheet(title, "visible", rows)


def _csv_text(data: bytes, title: str, fail: Fail) -> tuple[str, str]:
    """The decoded text of a CSV and its delimiter (from a ``sep=`` first line, or guessed)."""
    text = decode_text(data)
    if text is None:
        raise fail(
            _("无法识别这个 CSV 文件的文字编码（不是 UTF-8 或 GB18030/GBK），或它不是文本文件"),
            _("请用 Excel 或 WPS 打开，另存为 .xlsx 后再试"),
        )
    long = _LONG_LINE.search(text) if len(text) > MAX_LINE_CHARS else None
    if long:
        raise fail(
            _("CSV 文件第 {n} 行格式有误（引号不成对或内容过长）").format(
                n=text.count("\n", 0, long.start()) + 1
            ),
            _("请用 Excel 或 WPS 打开，另存为 .xlsx 后再试"),
            title,
        )
    first, _newline, rest = text.partition("\n")
    sep = _SEP_LINE.fullmatch(first.strip())
    if sep:
        return rest, sep.group(1)
    return text, pick_delimiter(text)


def _count_csv_cells(row: list, r: int, cells: int, title: str, fail: Fail) -> int:
    """The cells holding a value so far, this row's (number ``r``) added, within the limits."""
    if r > MAX_ROWS or len(row) > MAX_COLUMNS:
        split = _("请把数据分成几个较小的文件，或删除多余的行和列")
        raise out_of_range(fail, split, title, clamped_cell_name(r, len(row)))
    for c, value in enumerate(row, start=1):
        if value is not None:
            cells += 1
            if len(value) > MAX_CELL_CHARS:
                raise cell_too_long(fail, len(value), title, cell_name(r, c))
    if cells > MAX_CELLS:
        split = _("请把数据分成几个较小的文件，或删除多余的行和列")
        raise too_many_cells(fail, split, title, clamped_cell_name(r, len(row)))
    return cells
