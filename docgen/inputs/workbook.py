"""Open real-world workbooks safely and read their cells the way a secretary means them.

Villages send workbooks made by Excel, WPS or LibreOffice: ``.xlsx``, old ``.xls``, WPS's
``.et``, ``.ods``, ``.xlsb``, CSV exports, and sometimes password-protected files or a photo.
``open_workbook`` reads every format into the same ``Book`` of ``Sheet`` rows (``.xlsx``
through openpyxl, CSV through ``docgen.inputs.delimited``, the others through
``docgen.inputs.formats``), or raises a ``DataError`` that says what to do; ``parse_count``
(from ``docgen.inputs.cells``) reads ``20``, ``２０``, ``3处`` or ``1,500`` as numbers and
refuses ``若干``, ``-5``, ``3.5`` or a date with a reason.  The limits that keep reading
bounded live in ``docgen.inputs.limits``.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from docgen.errors import WARNING, DataError, Problem, display_path
from docgen.i18n import _
from docgen.inputs.cells import (
    COUNT_SUFFIXES,
    MAX_COUNT,
    ZERO_MARKS,
    CountError,
    cell_name,
    is_blank,
    parse_count,
    shorten,
    show_value,
)
from docgen.inputs.limits import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_MEMBERS,
    MAX_PART_BYTES,
    MAX_ROWS,
    MAX_SHEET_BYTES,
    MAX_SHEETS,
    MAX_TOTAL_BYTES,
    Fail,
    cell_too_long,
    check_package,
    clamped_cell_name,
    out_of_range,
    split_workbook_hint,
    too_many_cells,
    too_many_sheets,
)

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Read as well, through calamine (binary and OpenDocument formats) or as delimited text.
OTHER_WORKBOOK_SUFFIXES = (".xls", ".et", ".ods", ".xlsb", ".csv")
READABLE_SUFFIXES = WORKBOOK_SUFFIXES + OTHER_WORKBOOK_SUFFIXES
# Found in folders so that they get a clear message instead of being silently skipped.
UNSUPPORTED_SUFFIXES = (".numbers", ".xltx", ".xlt", ".ett")
# Photos, PDFs, Word files and archives sent instead of a table: reported when they lie
# directly in a folder of tallies (not in its subfolders, where photos for notices live).
FOREIGN_SUFFIXES = (
    ".jpg",
    ".jpeg",
    ".png",
    ".heic",
    ".gif",
    ".bmp",
    ".webp",
    ".pdf",
    ".doc",
    ".docx",
    ".wps",
    ".rar",
    ".7z",
    ".zip",
)
OLE_HEADER = b"\xd0\xcf\x11\xe0"


def input_files(paths: Iterable[Path]) -> list[Path]:
    """The workbook files to read: files as given, folders searched recursively (sorted).

    Folders yield every readable workbook (``.xlsx``, ``.xls``, ``.et``, ``.ods``, ``.xlsb``,
    ``.csv``) and formats still refused (so those get a clear message), and photos, PDFs and
    Word files lying directly in the folder; lock files (``~$…``) and hidden files (``.…``)
    are skipped.
    """
    found: list[Path] = []
    wanted = READABLE_SUFFIXES + UNSUPPORTED_SUFFIXES
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                suffix = child.suffix.lower()
                if suffix not in wanted and not (
                    suffix in FOREIGN_SUFFIXES and child.parent == path
                ):
                    continue
                if not child.is_file():
                    continue
                relative = child.relative_to(path).parts
                if any(part.startswith((".", "~$")) for part in relative):
                    continue
                found.append(child)
        elif not path.name.startswith("~$"):
            # a lock file named directly is still a lock file; any other file is read
            found.append(path)
    unique: list[Path] = []
    seen: set[Path] = set()
    for path in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def distinct_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """The files with every byte-identical copy left out, and a warning for each copy: the
    same tally sent twice under two names counts once.  Of identical files the one with the
    shortest name is kept (``石门村.xlsx`` rather than ``石门村 - 副本.xlsx``)."""
    import hashlib

    paths = [Path(p) for p in paths]
    digests: dict[Path, bytes] = {}
    for path in paths:
        try:
            size = path.stat().st_size
            if not size or size > MAX_HASHED_BYTES or path.is_dir():
                continue
            digest = hashlib.sha256(path.suffix.lower().encode())  # same format too
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
        except OSError:
            continue  # reading it will say what is wrong
        digests[path] = digest.digest()
    original: dict[bytes, Path] = {}
    for path in paths:
        key = digests.get(path)
        if key is not None:
            best = original.get(key)
            if best is None or (len(path.name), str(path)) < (len(best.name), str(best)):
                original[key] = path
    kept: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        key = digests.get(path)
        if key is None or original[key] == path:
            kept.append(path)
            continue
        problems.append(
            Problem(
                _("与 {first} 的内容完全相同（同一份表交了两次），只计一次").format(
                    first=display_path(original[key])
                ),
                file=display_path(path),
                hint=_("请删除多余的一份"),
                severity=WARNING,
            )
        )
    return kept, problems


def units_in_two_files(books) -> list[Problem]:
    """The same 填报单位 in two files where one of them has a sheet for no year: its figures
    would be added to the other file's year sheets (the same unit and year twice is already a
    double count of its own).  ``books`` are ``tallies.WorkbookTallies``."""
    found: dict[str, dict[str, list]] = {}
    for book in books:
        for tally in book.tallies:
            found.setdefault(tally.unit, {}).setdefault(tally.file, []).append(tally)
    problems = []
    for unit, by_file in found.items():
        undated = [(file, t) for file, items in by_file.items() for t in items if t.year is None]
        if len(by_file) < 2 or len({file for file, _t in undated}) != 1:
            continue
        file, sheet = undated[0][0], undated[0][1].sheet
        others = [f for f in by_file if f != file]
        problems.append(
            Problem(
                _(
                    "“{unit}”的统计数在 {file}（工作表“{sheet}”，不分年度）和 {others} 中都有，"
                    "会重复计算"
                ).format(unit=shorten(unit), file=file, sheet=sheet, others="、".join(others)),
                file=file,
                sheet=sheet,
                hint=_("请删除重复的文件；如是不同年度的数，请把工作表命名为年份，如“2021年”"),
            )
        )
    return problems


MAX_HASHED_BYTES = 256 * 2**20  # larger files are refused when read; no need to compare them

_STRICT_NS = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
# Self-closing cells and rows (with their coordinates) hold no value, only formatting: a
# sheet that formats a million empty rows is read as fast as one without them.
_EMPTY_CELL = re.compile(rb'<(?:[\w.-]+:)?c\s[^<>]*?\br="[A-Z]+\d+"[^<>]*/>')
_EMPTY_ROW = re.compile(
    rb'<(?:[\w.-]+:)?row\s[^<>]*?\br="\d+"[^<>]*(?:/>|(?<!/)>\s*</(?:[\w.-]+:)?row>)'
)
# A row's height and style are not needed, and openpyxl would keep them for every row.
_ROW_ATTRIBUTES = re.compile(rb'<((?:[\w.-]+:)?row)\s[^<>]*?\b(r="\d+")[^<>]*?(/?)>')


@dataclass
class Sheet:
    """One worksheet read into memory: its rows up to the last row and column holding a value.

    ``rows[i]`` is Excel row ``i + 1``; each row is as long as its last value; merged areas
    give their value in the top-left cell only.
    """

    title: str
    sheet_state: str
    rows: list[tuple]


@dataclass
class Book:
    """The worksheets of one workbook, read once in bounded memory; the file is closed."""

    worksheets: list[Sheet]

    @property
    def sheetnames(self) -> list[str]:
        return [ws.title for ws in self.worksheets]

    def __getitem__(self, title: str) -> Sheet:
        for ws in self.worksheets:
            if ws.title == title:
                return ws
        raise KeyError(title)


class _WithoutEmptyCells(io.RawIOBase):
    """A sheet's XML stream with its self-closing empty cells and rows left out."""

    def __init__(self, raw):
        self._raw = raw
        self._pending = b""
        self._out = bytearray()
        self._done = False

    def readable(self) -> bool:
        return True

    def _fill(self) -> None:
        chunk = self._raw.read(1 << 20)
        if not chunk:
            self._done = True
            self._out += self._pending
            self._pending = b""
            return
        data = self._pending + chunk
        cut = data.rfind(b"<")  # every tag that starts before the last "<" is complete
        if cut < 0:
            cut = len(data)
        ready, self._pending = data[:cut], data[cut:]
        ready = _EMPTY_ROW.sub(b"", _EMPTY_CELL.sub(b"", ready))
        self._out += _ROW_ATTRIBUTES.sub(rb"<\1 \2\3>", ready)

    def readinto(self, buffer) -> int:
        while not self._out and not self._done:
            self._fill()
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        del self._out[:n]
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_workbook(path: Path, data_only: bool = True) -> Book:
    """Read a workbook in bounded memory and time, or raise ``DataError`` saying what is wrong
    with the file and what to do.

    What a file is comes from its content, not its name: an ``.xls`` that is really an
    ``.xlsx`` (or a web page) is read (or refused) for what it is.  ``data_only=False`` gives
    formulas as text, for ``.xlsx`` only (the other formats give the values saved with them).
    """
    from docgen.inputs import formats

    path = Path(path)
    fail = _failing(path)
    suffix = path.suffix.lower()
    size, head = _size_and_head(path, suffix, fail)
    kind = formats.sniff(head)
    foreign = formats.foreign_problem(kind, suffix)
    if foreign:
        raise fail(*foreign)
    if kind == "ole":
        return _read_ole(path, size, suffix, fail)
    if kind == "zip":
        zipped = _read_zip(path, suffix, fail)
        if zipped is not None:
            return zipped
    elif suffix in (".csv", ".xls", ".et"):
        # .xls and .et files exported by web systems are often tab-separated text
        return _read_text(path, size, suffix, fail)
    elif suffix not in WORKBOOK_SUFFIXES:
        raise fail(
            _("不是 Excel 工作簿（应为 .xlsx、.xls、.et、.ods 或 .csv）"),
            _("请用 Excel 或 WPS 另存为 .xlsx"),
        )
    _check_xlsx(path, fail)
    return _read_xlsx(path, data_only, fail)


def _failing(path: Path) -> Fail:
    """The function that builds the error for this file, with where in it and what to do."""
    shown = display_path(path)

    def fail(message: str, hint: str = "", sheet: str = "", cell: str = "") -> DataError:
        return DataError([Problem(message, file=shown, sheet=sheet, cell=cell, hint=hint)])

    return fail


def _size_and_head(path: Path, suffix: str, fail: Fail) -> tuple[int, bytes]:
    """The file's size and first bytes, once it is known to be a file of a format read."""
    if not path.exists():
        raise fail(_("文件不存在"), _("请检查文件名和路径"))
    if path.is_dir():
        raise fail(_("这是一个文件夹，不是工作簿"))
    if suffix in UNSUPPORTED_SUFFIXES:
        raise fail(
            _("不支持 {suffix} 格式的文件").format(suffix=suffix),
            _("请用 Excel 或 WPS 打开，另存为 .xlsx 格式后再试"),
        )
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            return size, handle.read(4096)
    except OSError as exc:
        raise fail(_("无法读取文件：{reason}").format(reason=exc.strerror or exc)) from None


def _read_text(path: Path, size: int, suffix: str, fail: Fail) -> Book:
    """A CSV, or an .xls or .et that is really delimited text."""
    from docgen.inputs import delimited

    if size > delimited.MAX_TEXT_BYTES:
        raise fail(
            _("文件有 {size} MB，超过上限 {limit} MB，不像是一个村或单位的表格").format(
                size=size // 2**20, limit=delimited.MAX_TEXT_BYTES // 2**20
            ),
            _("请把数据分成几个较小的文件，或删除多余的行后再试"),
        )
    data = path.read_bytes()
    if suffix != ".csv" and delimited.decode_text(data) is None:
        if suffix == ".et":
            raise _wps_proprietary(fail)
        raise fail(
            _("文件已损坏，不是有效的工作簿"),
            _("请填报单位重新发送；如能用 Excel 或 WPS 打开，请另存为 .xlsx"),
        )
    return Book([delimited.read_csv(path, data, fail)])


def _check_xlsx(path: Path, fail: Fail) -> None:
    """Refuse an .xlsx that is no zip package, unpacks too large, is Strict Open XML or
    declares too many sheets, before openpyxl reads any of it."""
    corrupt = (
        _("文件已损坏，不是有效的 .xlsx 工作簿"),
        _("请用 Excel 或 WPS 打开并重新保存，或请填报单位重新发送"),
    )
    if not zipfile.is_zipfile(path):
        raise fail(*corrupt)
    try:
        with zipfile.ZipFile(path) as archive:
            check_package(archive, fail)
            try:
                workbook_xml = archive.open("xl/workbook.xml").read(MAX_PART_BYTES)
            except KeyError:
                workbook_xml = b""
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        raise fail(*corrupt) from None
    if _STRICT_NS in workbook_xml[:4096]:
        raise fail(
            _("这是“Strict Open XML”格式的工作簿，无法读取"),
            _("请用 Excel 打开，另存为时选择“Excel 工作簿(*.xlsx)”"),
        )
    declared = len(re.findall(rb"<(?:[\w.-]+:)?sheet\s", workbook_xml))
    if declared > MAX_SHEETS:
        raise too_many_sheets(fail, declared)


def _read_xlsx(path: Path, data_only: bool, fail: Fail) -> Book:
    """An .xlsx already checked, read through openpyxl's parser; its errors become messages."""
    resave = _("请用 Excel 或 WPS 打开并另存为 .xlsx")
    with warnings.catch_warnings():
        # openpyxl's notes (unsupported extensions, no default style) mean nothing to a secretary
        warnings.simplefilter("ignore")
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=data_only, keep_links=False)
        except Exception as exc:  # openpyxl raises many kinds for broken files
            raise fail(
                _("无法打开工作簿：{reason}").format(reason=_broken_reason(exc)), resave
            ) from None
        try:
            sheets = _read_sheets(wb, fail)
        except DataError:
            raise
        except Exception as exc:
            raise fail(
                _("无法打开工作簿：{reason}").format(reason=_broken_reason(exc)), resave
            ) from None
        finally:
            wb.close()
    return _book(sheets, fail)


def _book(sheets: list[Sheet], fail) -> Book:
    if not sheets:
        raise fail(
            _("工作簿中没有工作表"),
            _("请用 Excel 或 WPS 打开，确认有填写数据的工作表后另存为 .xlsx"),
        )
    return Book(sheets)


def _truncated(fail) -> DataError:
    return fail(
        _("文件不完整或已损坏（可能没有下载或接收完），无法读取"),
        _("请填报单位重新发送；如能用 Excel 或 WPS 打开，请另存为 .xlsx"),
    )


def _encrypted(fail, suffix: str) -> DataError:
    if suffix == ".et":
        return fail(
            _("这是设置了密码或 WPS 文档加密的 .et 文件，无法读取"),
            _("请在 WPS 中取消密码或文档加密（文件→文档加密），再另存为 .xlsx"),
        )
    return fail(
        _("文件已加密（设置了打开密码），无法读取"),
        _("加密或旧格式：请取消密码后用 Excel 或 WPS 另存为 .xlsx"),
    )


def _wps_proprietary(fail) -> DataError:
    return fail(
        _("这是 WPS 的专有或加密格式的 .et 文件（不是 WPS 常用的与 Excel 兼容的格式），无法读取"),
        _("请在 WPS 中打开，取消文档加密后“另存为” Excel 工作簿（.xlsx）"),
    )


def _calamine(read, fail, suffix: str) -> list[Sheet]:
    """Run a calamine read; whatever it raises (or a panic in its Rust code) becomes a message."""
    from docgen.inputs import formats

    try:
        return read()
    except DataError:
        raise
    except formats.Truncated:
        raise _truncated(fail) from None
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        if type(exc).__name__ == "PasswordError":
            raise _encrypted(fail, suffix) from None
        raise fail(
            _("无法打开工作簿：{reason}").format(reason=_("文件已损坏或格式不对")),
            _("请用 Excel 或 WPS 打开并另存为 .xlsx"),
        ) from None


def _read_ole(path: Path, size: int, suffix: str, fail) -> Book:
    """An OLE compound file: .xls/.et (BIFF), an encrypted .xlsx, or a Word .doc."""
    from docgen.inputs import formats

    if size > formats.MAX_FILE_BYTES:
        raise fail(
            _("文件有 {size} MB，超过上限 {limit} MB，不像是一个村或单位的表格").format(
                size=size // 2**20, limit=formats.MAX_FILE_BYTES // 2**20
            ),
            _("请把数据分成几个较小的工作簿，或用 Excel 或 WPS 删除多余的内容后另存为 .xlsx"),
        )
    data = path.read_bytes()
    try:
        ole = formats.Ole(data)
    except (formats.Truncated, struct.error):
        if suffix in WORKBOOK_SUFFIXES:
            raise fail(
                _("文件已加密或是旧格式（.xls）的工作簿"),
                _("加密或旧格式：请取消密码后用 Excel 或 WPS 另存为 .xlsx"),
            ) from None
        raise _truncated(fail) from None
    names = ole.names()
    if "encryptioninfo" in names or "encryptedpackage" in names:
        raise _encrypted(fail, suffix)
    stream = "workbook" if "workbook" in names else "book" if "book" in names else None
    if stream is None:
        if "worddocument" in names:
            raise fail(*(formats.foreign_problem("word", suffix) or ("", "")))
        if "powerpoint document" in names:
            raise fail(*(formats.foreign_problem("powerpoint", suffix) or ("", "")))
        if suffix == ".et":
            raise _wps_proprietary(fail)
        raise fail(
            _("不是 Excel 工作簿（应为 .xlsx、.xls、.et、.ods 或 .csv）"),
            _("请用 Excel 或 WPS 另存为 .xlsx"),
        )

    def read() -> list[Sheet]:
        layout = formats.scan_biff(ole.stream(stream))
        if layout.encrypted:
            raise _encrypted(fail, suffix)
        return formats.read_calamine(io.BytesIO(data), layout, fail)

    return _book(_calamine(read, fail, suffix), fail)


def _read_zip(path: Path, suffix: str, fail) -> Book | None:
    """An .ods or .xlsb package read through calamine; None for an .xlsx (read by openpyxl)."""
    from docgen.inputs import formats

    corrupt = (
        _("文件已损坏，不是有效的工作簿"),
        _("请填报单位重新发送；如能用 Excel 或 WPS 打开，请另存为 .xlsx"),
    )
    try:
        with zipfile.ZipFile(path) as archive:
            kind = formats.zip_kind(archive)
            if kind in ("word", "powerpoint"):
                raise fail(*(formats.foreign_problem(kind, suffix) or ("", "")))
            if kind == "xlsx" or (kind == "other" and suffix in WORKBOOK_SUFFIXES):
                return None
            if kind == "other":
                raise fail(
                    _("这是压缩包，不是 Excel 表格"),
                    _("请先解压，再把其中的表格放进来"),
                )
            check_package(archive, fail)
            if kind == "ods" and "META-INF/manifest.xml" in archive.namelist():
                manifest = archive.open("META-INF/manifest.xml").read(MAX_PART_BYTES)
                if b"encryption-data" in manifest:  # saved with a password
                    raise _encrypted(fail, suffix)

            def read() -> list[Sheet]:
                scan = formats.scan_ods if kind == "ods" else formats.scan_xlsb
                layout = scan(archive, fail)
                return formats.read_calamine(path, layout, fail)

            return _book(_calamine(read, fail, suffix), fail)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        raise fail(*corrupt) from None


def _broken_reason(exc: Exception) -> str:
    """What is wrong with a file openpyxl could not read, without Python's class names."""
    from xml.etree.ElementTree import ParseError

    from lxml import etree

    if isinstance(exc, KeyError):
        return _("缺少必需的组成部分")
    if isinstance(exc, (ParseError, etree.XMLSyntaxError)):
        return _("其中的 XML 内容有错误")
    if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError)):
        return _("压缩数据已损坏")
    return _("文件已损坏或格式不对")


def _read_sheets(wb, fail: Fail) -> list[Sheet]:
    """Every worksheet's values, streamed: only cells holding a value are kept."""
    sheets = []
    cells = 0
    for ws in wb.worksheets:
        if not hasattr(ws, "_get_source"):
            continue  # a chart sheet holds no cells
        values: dict[int, dict[int, object]] = {}
        # openpyxl's own row iterator pads every row to the declared dimension; its parser
        # (the same one it uses) gives the cells as they are in the file
        with _WithoutEmptyCells(ws._get_source()) as source:
            for row, col, value in _parsed_cells(wb, ws, source):
                cells += 1
                if (
                    (isinstance(value, str) and len(value) > MAX_CELL_CHARS)
                    or row > MAX_ROWS
                    or col > MAX_COLUMNS
                    or cells > MAX_CELLS
                ):
                    raise _beyond_limits(fail, value, ws.title, row, col)
                values.setdefault(row, {})[col] = value
        sheets.append(Sheet(ws.title, ws.sheet_state, _as_rows(values)))
    return sheets


def _parsed_cells(wb, ws, source) -> Iterator[tuple[int, int, object]]:
    """(row, column, value) of each cell of a worksheet's XML holding a value."""
    from openpyxl.worksheet._reader import WorkSheetParser

    parser = WorkSheetParser(
        io.BufferedReader(source),
        ws._shared_strings,
        data_only=wb.data_only,
        epoch=wb.epoch,
        date_formats=wb._date_formats,
        timedelta_formats=wb._timedelta_formats,
    )
    for _row, row_cells in parser.parse():
        for cell in row_cells:
            value = cell["value"]
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            yield cell["row"], cell["column"], value


def _beyond_limits(fail: Fail, value: object, title: str, row: int, col: int) -> DataError:
    """The first limit a cell goes beyond: its length, its place, or the cells before it."""
    where = clamped_cell_name(row, col)
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        return cell_too_long(fail, len(value), title, where)
    if row > MAX_ROWS or col > MAX_COLUMNS:
        return out_of_range(fail, split_workbook_hint(), title, where)
    return too_many_cells(fail, split_workbook_hint(), title, where)


def _as_rows(values: dict[int, dict[int, object]]) -> list[tuple]:
    """Rows from row 1 to the last holding a value, each as long as its last value."""
    rows: list[tuple] = []
    for r in range(1, max(values, default=0) + 1):
        found = values.get(r)
        if not found:
            rows.append(())
            continue
        row: list[object] = [None] * max(found)
        for c, value in found.items():
            row[c - 1] = value
        rows.append(tuple(row))
    return rows


def sheet_rows(ws: Sheet, max_row: int | None = None) -> list[tuple]:
    """The rows of a worksheet from row 1 (row ``i`` of the result is Excel row ``i + 1``),
    up to the last row holding a value, or the first ``max_row`` of them."""
    return ws.rows if max_row is None else ws.rows[:max_row]


__all__ = [
    "COUNT_SUFFIXES",
    "FOREIGN_SUFFIXES",
    "MAX_CELL_CHARS",
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_COUNT",
    "MAX_HASHED_BYTES",
    "MAX_MEMBERS",
    "MAX_PART_BYTES",
    "MAX_ROWS",
    "MAX_SHEET_BYTES",
    "MAX_SHEETS",
    "MAX_TOTAL_BYTES",
    "OLE_HEADER",
    "OTHER_WORKBOOK_SUFFIXES",
    "READABLE_SUFFIXES",
    "UNSUPPORTED_SUFFIXES",
    "WORKBOOK_SUFFIXES",
    "ZERO_MARKS",
    "Book",
    "CountError",
    "Sheet",
    "cell_name",
    "distinct_files",
    "input_files",
    "is_blank",
    "open_workbook",
    "parse_count",
    "sheet_rows",
    "shorten",
    "show_value",
    "units_in_two_files",
]
