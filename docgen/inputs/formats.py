"""Workbooks that are not ``.xlsx``: what a file really is, and reading it in bounded time.

Villages send ``.xls`` (Excel 97–2003), WPS's ``.et``, ``.ods``, ``.xlsb`` and ``.csv`` files,
and sometimes a photo, a PDF or a Word document instead of a table.  ``sniff`` says what a
file is from its first bytes (never from its name alone).  The binary formats are read by
calamine (python-calamine), but only after a pre-scan of the file measured it: the sheet
count, the last row and column holding a value and the number of cells, so a truncated,
encrypted or hostile file ends with a message at once instead of filling the memory.  CSV
files are read by ``docgen.inputs.delimited`` (``read_csv`` is kept here too).
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from docgen.i18n import _
from docgen.inputs.cells import cell_name
from docgen.inputs.delimited import MAX_TEXT_BYTES, decode_text, read_csv
from docgen.inputs.limits import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SHEETS,
    Fail,
    cell_too_long,
    clamped_cell_name,
    out_of_range,
    split_workbook_hint,
    too_many_cells,
    too_many_sheets,
)
from docgen.inputs.workbook import Sheet

# Bytes read before parsing anything: a township's .xls is well under a megabyte.
MAX_FILE_BYTES = 64 * 2**20
# calamine keeps a sheet as a full grid from A1 to the last cell holding a value
MAX_AREA = 5_000_000

ERROR_CODES = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
    0x2B: "#GETTING_DATA",
}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# ---------------------------------------------------------------- what a file is


def sniff(head: bytes) -> str:
    """What the first bytes of a file say it is: ``zip``, ``ole``, ``photo``, ``pdf``,
    ``rtf``, ``html``, ``archive`` or ``other`` (text, or anything else)."""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if (
        head.startswith((b"\xff\xd8\xff", b"\x89PNG", b"GIF87a", b"GIF89a", b"BM", b"II*\x00"))
        or head.startswith(b"MM\x00*")
        or (head.startswith(b"RIFF") and head[8:12] == b"WEBP")
        or head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc", b"ftypavif")
    ):
        return "photo"
    if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith((b"Rar!", b"7z\xbc\xaf\x27\x1c")):
        return "archive"
    text = head.lstrip(b"\xef\xbb\xbf \r\n\t").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or (
        b"<html" in text[:512] or b"urn:schemas-microsoft-com:office" in text[:2048]
    ):
        return "html"
    return "other"


def foreign_problem(kind: str, suffix: str) -> tuple[str, str] | None:
    """(message, what to do) for a file that is not a table at all."""
    send = _("请填报单位发送填好的 Excel 或 WPS 表格（.xlsx、.xls、.et 均可）")
    if kind == "photo":
        return (
            _("这是照片，不是 Excel 表格：无法从照片中读出数字"),
            _("请填报单位发送填好的 Excel 或 WPS 表格（.xlsx、.xls、.et 均可），不要拍照或截图"),
        )
    if kind == "pdf":
        return (
            _("这是 PDF 文件，不是 Excel 表格：无法从中读出数字"),
            _("请填报单位发送填好的 Excel 或 WPS 表格（.xlsx、.xls、.et 均可），不要转成 PDF"),
        )
    if kind in ("word", "rtf"):
        return (
            _("这是 Word 文档，不是 Excel 表格"),
            _("统计表和名册请用 Excel 或 WPS 表格填写（空白表可用 docgen forms 生成）"),
        )
    if kind == "powerpoint":
        return (_("这是 PowerPoint 演示文稿，不是 Excel 表格"), send)
    if kind == "archive":
        return (
            _("这是压缩包，不是 Excel 表格"),
            _("请先解压，再把其中的表格放进来"),
        )
    if kind == "html":
        return (
            _("这是网页（HTML）文件，只是文件名为 {suffix}，不是真正的 Excel 表格").format(
                suffix=suffix or "—"
            ),
            _("请用 Excel 或 WPS 打开，另存为 .xlsx 后再试"),
        )
    return None


def zip_kind(archive: zipfile.ZipFile) -> str:
    """``xlsx``, ``xlsb``, ``ods``, ``word``, ``powerpoint`` or ``other`` for a zip package."""
    names = set(archive.namelist())
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
        return "xlsx"
    if "mimetype" in names:
        try:
            mime = archive.read("mimetype")[:100]
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError):
            mime = b""
        if b"opendocument.spreadsheet" in mime:
            return "ods"
        if b"opendocument.text" in mime:
            return "word"
        if b"opendocument.presentation" in mime:
            return "powerpoint"
    if "content.xml" in names and "META-INF/manifest.xml" in names:
        return "ods"
    if any(n.startswith("word/") for n in names):
        return "word"
    if any(n.startswith("ppt/") for n in names):
        return "powerpoint"
    return "other"


# ---------------------------------------------------------------- OLE compound files


class Truncated(Exception):
    """The file ends before what it declares: cut off while downloading or sending."""


_END = 0xFFFFFFFE
_FREE = 0xFFFFFFFF


class Ole:
    """The streams of an OLE compound file (.xls, .et, .doc, an encrypted .xlsx), read from
    bytes already in memory; every chain is bounded, so a loop or a cut ends in ``Truncated``."""

    def __init__(self, data: bytes):
        if len(data) < 512 or not data.startswith(OLE_MAGIC):
            raise Truncated
        self.data = data
        shift = _u16(data, 0x1E)
        if shift not in (9, 12):
            raise Truncated
        self.size = 1 << shift
        self.mini_size = 1 << _u16(data, 0x20)
        self.cutoff = _u32(data, 0x38)
        fat_sectors = [_u32(data, 0x4C + 4 * i) for i in range(109)]
        sid, seen = _u32(data, 0x44), 0
        while sid not in (_END, _FREE) and seen < _u32(data, 0x48):
            ids = struct.unpack(f"<{self.size // 4}I", self._sector(sid))
            fat_sectors += ids[:-1]
            sid, seen = ids[-1], seen + 1
        self.fat: list[int] = []
        for sid in fat_sectors[: _u32(data, 0x2C)]:
            if sid in (_END, _FREE):
                continue
            self.fat.extend(struct.unpack(f"<{self.size // 4}I", self._sector(sid)))
        self.entries: dict[str, tuple[int, int, int]] = {}
        directory = self._chain(_u32(data, 0x30))
        self.root: tuple[int, int, int] | None = None
        for off in range(0, len(directory) - 127, 128):
            entry = directory[off : off + 128]
            length, kind = _u16(entry, 64), entry[66]
            if kind not in (1, 2, 5) or not 2 <= length <= 64:
                continue
            name = entry[: length - 2].decode("utf-16-le", "replace")
            item = (kind, _u32(entry, 116), _u32(entry, 120))
            if kind == 5:
                self.root = item
            self.entries.setdefault(name, item)
        self._minifat_start = _u32(data, 0x3C)

    def _sector(self, sid: int) -> bytes:
        off = (sid + 1) * self.size
        if sid >= 0xFFFFFFFA or off + self.size > len(self.data):
            raise Truncated
        return self.data[off : off + self.size]

    def _chain(self, start: int, table: list[int] | None = None, read=None) -> bytes:
        table = self.fat if table is None else table
        read = read or self._sector
        parts: list[bytes] = []
        sid = start
        for _step in range(len(table) + 1):
            if sid in (_END, _FREE):
                return b"".join(parts)
            if sid >= len(table):
                raise Truncated
            parts.append(read(sid))
            sid = table[sid]
        raise Truncated  # a chain longer than the table loops

    def names(self) -> set[str]:
        return {name.lower() for name in self.entries}

    def stream(self, name: str) -> bytes:
        wanted = {n.lower(): n for n in self.entries}[name.lower()]
        _kind, start, size = self.entries[wanted]
        if size < self.cutoff and self.root is not None:
            minifat_bytes = self._chain(self._minifat_start)
            minifat = list(struct.unpack(f"<{len(minifat_bytes) // 4}I", minifat_bytes))
            ministream = self._chain(self.root[1])

            def mini(sid: int) -> bytes:
                off = sid * self.mini_size
                if off + self.mini_size > len(ministream):
                    raise Truncated
                return ministream[off : off + self.mini_size]

            data = self._chain(start, minifat, mini)
        else:
            data = self._chain(start)
        if len(data) < size:
            raise Truncated
        return data[:size]


def _u16(data: bytes, off: int) -> int:
    return struct.unpack_from("<H", data, off)[0]


def _u32(data: bytes, off: int) -> int:
    return struct.unpack_from("<I", data, off)[0]


# ---------------------------------------------------------------- measuring before parsing


@dataclass
class Layout:
    """What a pre-scan found: per sheet (in workbook order) the last row and column holding a
    value (1-based), and the error values formulas saved (calamine gives them as empty)."""

    far: list[tuple[int, int]] = field(default_factory=list)
    errors: list[dict[tuple[int, int], str]] = field(default_factory=list)
    cells: int = 0
    encrypted: bool = False
    records: int = 0  # set when the scan stopped at MAX_RECORDS


_BIFF_CELLS = {0x00FD, 0x0203, 0x027E, 0x0204, 0x00D6, 0x0006, 0x0205, 0x00BD}


_BIFF_SEEN = frozenset({0x002F, 0x0085, 0x0809, 0x0409, 0x0209, 0x0009} | _BIFF_CELLS)
_RECORD_HEAD = struct.Struct("<HH")
# A township's .xls holds a few thousand records; a stream of millions of tiny ones is a
# file made to keep a reader busy.
MAX_RECORDS = 2_000_000


def scan_biff(stream: bytes) -> Layout:
    """Walk the records of a BIFF8 (or BIFF5) workbook stream without decoding values."""
    layout = Layout()
    sheet_at: dict[int, int] = {}
    current: int | None = None
    head, seen = _RECORD_HEAD.unpack_from, _BIFF_SEEN
    pos, end = 0, len(stream)
    records = 0
    while pos + 4 <= end:
        kind, length = head(stream, pos)
        records += 1
        if records > MAX_RECORDS:
            layout.records = records
            return layout  # refused by check_layout
        if kind not in seen:
            pos += 4 + length
            continue
        body = pos + 4
        if body + length > end:
            raise Truncated
        if kind == 0x002F and current is None:  # FILEPASS: the workbook is encrypted
            layout.encrypted = True
            return layout
        if kind == 0x0085 and length >= 6:  # BOUNDSHEET: one per sheet, with its BOF offset
            sheet_at[_u32(stream, body)] = len(layout.far)
            layout.far.append((0, 0))
            layout.errors.append({})
        elif kind in (0x0809, 0x0409, 0x0209, 0x0009):  # BOF of a substream
            current = sheet_at.get(pos)
        elif current is not None and kind in _BIFF_CELLS and length >= 6:
            row, col = head(stream, body)
            last = _u16(stream, body + length - 2) if kind == 0x00BD else col
            if last < col:
                last = col
            layout.cells += last - col + 1
            if layout.cells > MAX_CELLS:
                return layout  # refused by check_layout: no need to read further
            far_row, far_col = layout.far[current]
            layout.far[current] = (max(far_row, row + 1), max(far_col, last + 1))
            error = None
            if kind == 0x0205 and length >= 8 and stream[body + 7]:
                error = ERROR_CODES.get(stream[body + 6], "#N/A")
            elif (
                kind == 0x0006
                and length >= 14
                and stream[body + 12 : body + 14] == b"\xff\xff"
                and stream[body + 6] == 2
            ):
                error = ERROR_CODES.get(stream[body + 8], "#N/A")
            if error:
                layout.errors[current][(row + 1, col + 1)] = error
        pos = body + length
    if pos > end or (pos != end and end - pos > 4):
        raise Truncated
    return layout


_ODS = "urn:oasis:names:tc:opendocument:xmlns:"
_TABLE = "{" + _ODS + "table:1.0}"
_OFFICE = "{" + _ODS + "office:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"


_ODS_KEPT = frozenset(
    _TABLE + name for name in ("table", "table-row", "table-cell", "covered-table-cell")
)
_ODS_CELLS = (_TABLE + "table-cell", _TABLE + "covered-table-cell")


def scan_ods(archive: zipfile.ZipFile, fail: Fail) -> Layout:
    """Stream content.xml, counting rows and cells with their repeat counts, never expanding
    them: a million repeated rows cost one element."""
    try:
        stream = archive.open("content.xml")
    except KeyError:
        raise fail(_("缺少必需的组成部分")) from None
    scan = _OdsScan(fail)
    with stream:
        for event, element in _ods_events(stream):
            scan.step(event, element)
    scan.layout.records = 0  # counted only to stop early
    return scan.layout


def _ods_events(stream):
    """The start and end events of an XML stream, with no entities, DTD or network."""
    from lxml import etree

    return etree.iterparse(
        stream,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
    )


class _OdsScan:
    """How far content.xml has streamed: the sheet, the row (with its repeat count and the
    last column of it holding a value) and the column; what it found goes to ``layout``."""

    __slots__ = ("fail", "layout", "sheet", "row", "col", "row_repeat", "row_far")

    def __init__(self, fail: Fail):
        self.fail = fail
        self.layout = Layout()
        self.sheet = -1
        self.row = self.col = 0
        self.row_repeat = 1
        self.row_far = 0

    def step(self, event: str, element) -> None:
        """Take one event; elements already counted are cleared so memory stays flat."""
        self.layout.records += 1
        if self.layout.records > 2 * MAX_RECORDS:  # start and end of each element
            check_layout(self.layout, self.fail)
        tag = element.tag
        if event == "start":
            self._start(tag, element)
        elif tag not in _ODS_KEPT:
            # text inside a cell: keep only the last sibling (an error cell's text)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
        elif self.sheet < 0:
            return
        elif tag in _ODS_CELLS:
            self._end_cell(element)
        elif tag == _TABLE + "table-row":
            self._end_row(element)

    def _start(self, tag: str, element) -> None:
        if tag == _TABLE + "table":
            self.sheet += 1
            self.row = 0
            self.layout.far.append((0, 0))
            self.layout.errors.append({})
            if self.sheet + 1 > MAX_SHEETS:
                raise too_many_sheets(self.fail, self.sheet + 1)
        elif tag == _TABLE + "table-row" and self.sheet >= 0:
            self.row_repeat = _repeat(element, "number-rows-repeated")
            self.col = 0
            self.row_far = 0

    def _end_cell(self, element) -> None:
        layout = self.layout
        repeat = _repeat(element, "number-columns-repeated")
        has_value = element.get(_OFFICE + "value-type") is not None or len(element)
        if has_value:
            last = self.col + repeat
            self.row_far = last
            layout.cells += repeat * self.row_repeat
            if element.get(_CALCEXT + "value-type") == "error":
                text = "".join(element.itertext()).strip() or "#N/A"
                layout.errors[self.sheet][(self.row + 1, self.col + 1)] = text[:20]
            _bound(self.fail, layout, self.sheet, self.row + self.row_repeat, last)
        self.col += repeat
        element.clear(keep_tail=False)

    def _end_row(self, element) -> None:
        if self.row_far:
            _far_row, far_col = self.layout.far[self.sheet]
            self.layout.far[self.sheet] = (self.row + self.row_repeat, max(far_col, self.row_far))
        self.row += self.row_repeat
        element.clear(keep_tail=False)
        while element.getprevious() is not None:  # rows already counted
            del element.getparent()[0]


def _repeat(element, name: str) -> int:
    try:
        return max(1, int(element.get(_TABLE + name, "1")))
    except ValueError:
        return 1


def scan_xlsb(archive: zipfile.ZipFile, fail: Fail) -> Layout:
    """Walk the binary records of each worksheet part (in workbook order): rows (BrtRowHdr),
    value cells, and the errors saved in error cells and formulas (BrtCellError, BrtFmlaError),
    which calamine gives as empty."""
    layout = Layout()
    parts = xlsb_sheet_parts(archive)
    if len(parts) > MAX_SHEETS:
        raise too_many_sheets(fail, len(parts))
    for name in parts:
        errors: dict[tuple[int, int], str] = {}
        far = _scan_xlsb_sheet(archive.read(name) if name else b"", layout, errors, fail)
        layout.far.append(far)
        layout.errors.append(errors)
    layout.records = 0  # counted only to stop early
    return layout


def _scan_xlsb_sheet(data: bytes, layout: Layout, errors: dict, fail: Fail) -> tuple[int, int]:
    """One worksheet part's records: its last row and column with a value; errors noted."""
    far_row = far_col = row = 0
    pos, end = 0, len(data)
    while pos < end:
        layout.records += 1
        if layout.records > MAX_RECORDS:
            check_layout(layout, fail)
        kind, pos = _varint(data, pos, 2)
        size, pos = _varint(data, pos, 4)
        if pos + size > end:
            raise Truncated
        if kind == 0 and size >= 4:  # BrtRowHdr
            row = _u32(data, pos)
        elif 2 <= kind <= 11 and size >= 4:  # value cells (not blank ones)
            col = _u32(data, pos)
            layout.cells += 1
            if layout.cells > MAX_CELLS:
                _bound(fail, layout, len(layout.far), row + 1, col + 1)
            far_row, far_col = max(far_row, row + 1), max(far_col, col + 1)
            if kind in _XLSB_ERRORS and size >= 9:
                errors[(row + 1, col + 1)] = ERROR_CODES.get(data[pos + 8], "#N/A")
        pos += size
    return far_row, far_col


_XLSB_ERRORS = (3, 11)  # BrtCellError, BrtFmlaError: the error's code after the cell's 8 bytes
_XLSB_BUNDLE_SHEET = 156  # BrtBundleSh: a sheet of the workbook, in the workbook's order
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def xlsb_sheet_parts(archive: zipfile.ZipFile) -> list[str]:
    """The worksheet parts of an .xlsb in the order its workbook lists its sheets (the order
    calamine reads them in; "" for a chart sheet).  Without a readable workbook part: the
    worksheet parts by their number."""
    names = set(archive.namelist())
    try:
        targets = _xlsb_targets(archive.read("xl/_rels/workbook.bin.rels"))
        order = _xlsb_relation_ids(archive.read("xl/workbook.bin"))
    except (KeyError, ValueError, Truncated, struct.error):
        order, targets = [], {}
    if order:
        parts = [targets.get(rel, "") for rel in order]
        return [p if p in names and p.startswith("xl/worksheets/") else "" for p in parts]
    found = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".bin")]
    return sorted(found, key=lambda n: (len(n), n))  # sheet2 before sheet10


def _xlsb_targets(rels: bytes) -> dict[str, str]:
    """Relationship id → part name, from xl/_rels/workbook.bin.rels."""
    from xml.etree import ElementTree

    if len(rels) > 1_000_000 or b"<!DOCTYPE" in rels or b"<!ENTITY" in rels:
        raise ValueError("not a relationships part")
    targets = {}
    for rel in ElementTree.fromstring(rels).iter(_RELS):
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id", "")] = part
    return targets


def _xlsb_relation_ids(book: bytes) -> list[str]:
    """The relationship id of each BrtBundleSh record of xl/workbook.bin, in order."""
    ids = []
    pos, end = 0, len(book)
    while pos < end:
        kind, pos = _varint(book, pos, 2)
        size, pos = _varint(book, pos, 4)
        if pos + size > end:
            raise Truncated
        if kind == _XLSB_BUNDLE_SHEET and size >= 12:
            count = _u32(book, pos + 8)
            if 12 + 2 * count > size:
                raise Truncated
            ids.append(book[pos + 12 : pos + 12 + 2 * count].decode("utf-16-le", "replace"))
        pos += size
    return ids


def _varint(data: bytes, pos: int, most: int) -> tuple[int, int]:
    value = 0
    for i in range(most):
        if pos >= len(data):
            raise Truncated
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            break
    return value, pos


def _bound(fail: Fail, layout: Layout, sheet: int, row: int, col: int) -> None:
    split = split_workbook_hint()
    if row > MAX_ROWS or col > MAX_COLUMNS:
        raise out_of_range(fail, split, "", clamped_cell_name(row, col))
    if layout.cells > MAX_CELLS:
        raise too_many_cells(fail, split, "", clamped_cell_name(row, col))
    if row * col > MAX_AREA:
        raise fail(
            _("有内容的区域太大（到 {cell} 为止，共 {n} 个单元格，上限 {limit} 个）").format(
                cell=clamped_cell_name(row, col), n=row * col, limit=MAX_AREA
            ),
            split,
            "",
            clamped_cell_name(row, col),
        )


def check_layout(layout: Layout, fail: Fail) -> None:
    if layout.records > MAX_RECORDS:  # set by a scan that stopped early
        raise fail(
            _("工作簿中的内部记录超过 {limit} 条，不像是一个村或单位的表格").format(
                limit=MAX_RECORDS
            ),
            _("请把数据分成几个较小的工作簿，或用 Excel 或 WPS 删除多余的内容后另存为 .xlsx"),
        )
    if len(layout.far) > MAX_SHEETS:
        raise too_many_sheets(fail, len(layout.far))
    for far_row, far_col in layout.far or [(1, 1)]:
        _bound(fail, layout, 0, far_row, far_col)


# ---------------------------------------------------------------- reading through calamine


def read_calamine(source: str | Path | io.BytesIO, layout: Layout, fail: Fail) -> list[Sheet]:
    """Every worksheet's values from a file already measured by a pre-scan."""
    import python_calamine as pc

    check_layout(layout, fail)
    if isinstance(source, io.BytesIO):
        wb = pc.CalamineWorkbook.from_filelike(source)
    else:
        wb = pc.CalamineWorkbook.from_path(str(source))
    sheets = []
    try:
        for index, meta in enumerate(wb.sheets_metadata):
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            errors = layout.errors[index] if index < len(layout.errors) else {}
            data = wb.get_sheet_by_index(index)
            if data.height * data.width > MAX_AREA:  # the pre-scan missed what calamine found
                raise fail(
                    _("有内容的区域太大（共 {n} 个单元格，上限 {limit} 个）").format(
                        n=data.height * data.width, limit=MAX_AREA
                    ),
                    split_workbook_hint(),
                    meta.name,
                )
            raw = data.to_python(skip_empty_area=False) if data.height else []
            sheets.append(Sheet(meta.name, _state(meta.visible), []))
            sheets[-1].rows = _tidy(raw, errors, meta.name, fail)
    finally:
        wb.close()
    return sheets


def _state(visible) -> str:
    name = str(visible).rsplit(".", 1)[-1].lower()
    return {"hidden": "hidden", "veryhidden": "veryHidden"}.get(name, "visible")


def _tidy(raw: list[list], errors: dict[tuple[int, int], str], title: str, fail) -> list[tuple]:
    """calamine's grid as the .xlsx reader gives rows: empty cells None, rows cut after their
    last value, numbers whole where they are whole, dates as datetimes, errors as their text."""
    rows: list[tuple] = []
    for r, values in enumerate(raw, start=1):
        row: list[object] = []
        for c, value in enumerate(values, start=1):
            if isinstance(value, str):
                if not value.strip():
                    value = errors.get((r, c))
                elif len(value) > MAX_CELL_CHARS:
                    raise cell_too_long(fail, len(value), title, cell_name(r, c))
            elif isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
                value = int(value)
            elif isinstance(value, dt.datetime):
                pass
            elif isinstance(value, dt.date):
                value = dt.datetime(value.year, value.month, value.day)
            row.append(value)
        while row and row[-1] is None:
            row.pop()
        rows.append(tuple(row))
    while rows and not rows[-1]:
        rows.pop()
    return rows


__all__ = [
    "MAX_FILE_BYTES",
    "MAX_TEXT_BYTES",
    "Layout",
    "Ole",
    "Truncated",
    "check_layout",
    "decode_text",
    "foreign_problem",
    "read_calamine",
    "read_csv",
    "scan_biff",
    "scan_ods",
    "scan_xlsb",
    "sniff",
    "zip_kind",
]
