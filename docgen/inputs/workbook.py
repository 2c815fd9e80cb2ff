"""Open real-world workbooks safely and read their cells the way a secretary means them.

Villages send workbooks made by Excel, WPS or LibreOffice: ``.xlsx``, old ``.xls``, WPS's
``.et``, ``.ods``, ``.xlsb``, CSV exports, and sometimes password-protected files or a photo.
``open_workbook`` reads every format into the same ``Book`` of ``Sheet`` rows (``.xlsx``
through openpyxl, the others through ``docgen.inputs.formats``), or raises a ``DataError``
that says what to do; ``parse_count`` reads ``20``, ``２０``, ``3处`` or
``1,500`` as numbers and refuses ``若干``, ``-5``, ``3.5`` or a date with a reason.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from docgen.errors import WARNING, DataError, Problem, display_path
from docgen.i18n import _

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

# Measure words a village may type after a count: 3处, 12个, 25车次.
COUNT_SUFFIXES = (
    "人次",
    "车次",
    "家次",
    "处",
    "次",
    "家",
    "个",
    "起",
    "人",
    "份",
    "条",
    "座",
    "户",
    "辆",
    "名",
    "所",
    "项",
    "台",
    "场",
    "期",
    "篇",
    "张",
    "块",
    "本",
    "册",
    "间",
    "栋",
    "宗",
    "例",
    "批",
    "艘",
    "口",
    "道",
    "点",
    "单位",
)
# Cells meaning "nothing to report".
ZERO_MARKS = ("无", "-", "—", "——", "－", "/", "／", "\\")

# A township counts inspections and hazards in thousands; a 10-digit count is a typing error.
MAX_COUNT = 1_000_000_000

_COUNT = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.0+)?")
_NEGATIVE = re.compile(r"-\d+(?:[.,]\d+)*")
_FRACTION = re.compile(r"-?\d+(?:,\d{3})*\.\d+")


class CountError(ValueError):
    """Raised when a cell meant to hold a count holds something else; ``reason`` says what."""

    def __init__(self, value: object, reason: str):
        self.value = value
        self.reason = reason
        super().__init__(reason)


def cell_name(row: int, col: int) -> str:
    """``cell_name(7, 3)`` → ``C7``."""
    return f"{get_column_letter(col)}{row}"


def show_value(value: object) -> str:
    """A cell value as it would look in the message: dates as dates, text as typed."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_count(value: object) -> int:
    """The non-negative whole number in a cell; ``None`` or blank is 0.

    Accepts ``20``, ``20.0``, ``"20"``, ``"２０"``, ``" 14 "``, ``"3处"``, ``"1,500"``;
    raises ``CountError`` for ``若干``, ``-5``, ``3.5``, dates, TRUE/FALSE and other text.
    """
    if value is None:
        return 0
    if isinstance(value, bool):
        raise CountError(
            value,
            _("内容是逻辑值“{value}”，应填写次数或个数（整数）").format(
                value="TRUE" if value else "FALSE"
            ),
        )
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        raise CountError(
            value,
            _("内容“{value}”是日期或时间，应填写整数；请把单元格格式改为“常规”后重新输入").format(
                value=show_value(value)
            ),
        )
    if isinstance(value, int):
        if value < 0:
            raise CountError(
                value, _("“{value}”是负数，次数和个数不能为负").format(value=shorten(value))
            )
        return _bounded(value, value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CountError(value, _("“{value}”不是数字").format(value=value))
        if value < 0:
            raise CountError(
                value, _("“{value}”是负数，次数和个数不能为负").format(value=show_value(value))
            )
        if value > MAX_COUNT:
            raise _too_large(value)
        if not value.is_integer():
            raise CountError(value, _("“{value}”不是整数，次数和个数应为整数").format(value=value))
        return int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    compact = re.sub(r"\s+", "", text)
    if not compact or compact in ZERO_MARKS:
        return 0
    number = compact
    for suffix in COUNT_SUFFIXES:
        if number.endswith(suffix) and len(number) > len(suffix):
            number = number[: -len(suffix)]
            break
    match = _COUNT.fullmatch(number)
    if match:
        digits = match.group(1).replace(",", "").lstrip("0") or "0"
        if len(digits) > len(str(MAX_COUNT)):
            raise _too_large(value)  # before int(): thousands of digits are refused, not parsed
        return _bounded(value, int(digits))
    shown = shorten(text)
    if _NEGATIVE.fullmatch(number):
        raise CountError(value, _("“{value}”是负数，次数和个数不能为负").format(value=shown))
    if _FRACTION.fullmatch(number):
        raise CountError(value, _("“{value}”不是整数，次数和个数应为整数").format(value=shown))
    if re.search(r"余|多|约|左右|以上|若干", compact):
        raise CountError(
            value,
            _("“{value}”不是确切的数，请填写准确的整数（报告中会自动写成“20余”）").format(
                value=shown
            ),
        )
    raise CountError(
        value, _("“{value}”不是整数，请只填写数字，例如 12 或 12处").format(value=shown)
    )


def _bounded(value: object, number: int) -> int:
    if number > MAX_COUNT:
        raise _too_large(value)
    return number


def _too_large(value: object) -> CountError:
    text = value if isinstance(value, str) else show_value(value)
    return CountError(
        value,
        _("“{value}”太大，不像是次数或个数（上限 {limit}），请核对").format(
            value=shorten(text.strip()), limit=MAX_COUNT
        ),
    )


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

# Limits that keep reading bounded whatever a file declares.  A township's workbook is far
# below all of them; a file beyond one is refused with a message, not read for minutes.
MAX_MEMBERS = 10_000  # parts in the zip container
MAX_SHEET_BYTES = 128 * 2**20  # uncompressed size of one worksheet (streamed)
MAX_PART_BYTES = 32 * 2**20  # uncompressed size of any other part (read whole: shared strings)
MAX_TOTAL_BYTES = 256 * 2**20  # uncompressed size of all parts together
MAX_ROWS = 100_000  # last row holding a value
MAX_COLUMNS = 1_000  # last column holding a value
MAX_CELLS = 1_000_000  # cells holding a value, per workbook
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_SHEETS = 250  # worksheets in one workbook

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


def shorten(value: object, keep: int = 20) -> str:
    """A value for a message: long text cut to its first words, ``前20个字…（共N字）``."""
    text = show_value(value)
    if len(text) <= keep + 10:
        return text
    return _("{head}…（共{n}字）").format(head=text[:keep], n=len(text))


def open_workbook(path: Path, data_only: bool = True) -> Book:
    """Read a workbook in bounded memory and time, or raise ``DataError`` saying what is wrong
    with the file and what to do.

    What a file is comes from its content, not its name: an ``.xls`` that is really an
    ``.xlsx`` (or a web page) is read (or refused) for what it is.  ``data_only=False`` gives
    formulas as text, for ``.xlsx`` only (the other formats give the values saved with them).
    """
    from docgen.inputs import formats

    path = Path(path)
    shown = display_path(path)

    def fail(message: str, hint: str = "", sheet: str = "", cell: str = "") -> DataError:
        return DataError([Problem(message, file=shown, sheet=sheet, cell=cell, hint=hint)])

    suffix = path.suffix.lower()
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
            head = handle.read(4096)
    except OSError as exc:
        raise fail(_("无法读取文件：{reason}").format(reason=exc.strerror or exc)) from None
    kind = formats.sniff(head)
    foreign = formats.foreign_problem(kind, suffix)
    if foreign:
        raise fail(*foreign)
    resave = _("请用 Excel 或 WPS 打开并另存为 .xlsx")
    if kind == "ole":
        return _read_ole(path, size, suffix, fail)
    if kind == "zip":
        zipped = _read_zip(path, suffix, fail)
        if zipped is not None:
            return zipped
    elif suffix in (".csv", ".xls", ".et"):
        # .xls and .et files exported by web systems are often tab-separated text
        if size > formats.MAX_TEXT_BYTES:
            raise fail(
                _("文件有 {size} MB，超过上限 {limit} MB，不像是一个村或单位的表格").format(
                    size=size // 2**20, limit=formats.MAX_TEXT_BYTES // 2**20
                ),
                _("请把数据分成几个较小的文件，或删除多余的行后再试"),
            )
        data = path.read_bytes()
        if suffix != ".csv" and formats.decode_text(data) is None:
            if suffix == ".et":
                raise _wps_proprietary(fail)
            raise fail(
                _("文件已损坏，不是有效的工作簿"),
                _("请填报单位重新发送；如能用 Excel 或 WPS 打开，请另存为 .xlsx"),
            )
        return Book([formats.read_csv(path, data, fail)])
    elif suffix not in WORKBOOK_SUFFIXES:
        raise fail(
            _("不是 Excel 工作簿（应为 .xlsx、.xls、.et、.ods 或 .csv）"),
            _("请用 Excel 或 WPS 另存为 .xlsx"),
        )
    corrupt = (
        _("文件已损坏，不是有效的 .xlsx 工作簿"),
        _("请用 Excel 或 WPS 打开并重新保存，或请填报单位重新发送"),
    )
    if not zipfile.is_zipfile(path):
        raise fail(*corrupt)
    try:
        with zipfile.ZipFile(path) as archive:
            _check_package(archive, fail)
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
        raise fail(
            _("工作簿有 {n} 个工作表，超过上限 {limit} 个").format(n=declared, limit=MAX_SHEETS),
            _("请把数据分成几个较小的工作簿，或删除多余的工作表后另存为 .xlsx"),
        )
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
            _check_package(archive, fail)
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


def _check_package(archive: zipfile.ZipFile, fail) -> None:
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


def _read_sheets(wb, fail) -> list[Sheet]:
    """Every worksheet's values, streamed: only cells holding a value are kept."""
    from openpyxl.worksheet._reader import WorkSheetParser

    sheets = []
    cells = 0
    split = _("请把数据分成几个较小的工作簿，或删除多余的行和列后另存为 .xlsx")
    for ws in wb.worksheets:
        if not hasattr(ws, "_get_source"):
            continue  # a chart sheet holds no cells
        title = ws.title
        values: dict[int, dict[int, object]] = {}
        # openpyxl's own row iterator pads every row to the declared dimension; its parser
        # (the same one it uses) gives the cells as they are in the file
        with _WithoutEmptyCells(ws._get_source()) as source:
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
                    row, col = cell["row"], cell["column"]
                    cells += 1
                    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                        raise fail(
                            _("单元格内容有 {n} 字，超过 Excel 的上限 {limit} 字").format(
                                n=len(value), limit=MAX_CELL_CHARS
                            ),
                            _("请删除或缩短这个单元格的内容"),
                            title,
                            _where(row, col),
                        )
                    if row > MAX_ROWS or col > MAX_COLUMNS:
                        raise fail(
                            _("这个单元格超出了能读取的范围（最多 {rows} 行、{cols} 列）").format(
                                rows=MAX_ROWS, cols=MAX_COLUMNS
                            ),
                            split,
                            title,
                            _where(row, col),
                        )
                    if cells > MAX_CELLS:
                        raise fail(
                            _("工作簿中有内容的单元格超过 {limit} 个").format(limit=MAX_CELLS),
                            split,
                            title,
                            _where(row, col),
                        )
                    values.setdefault(row, {})[col] = value
        rows: list[tuple] = []
        for r in range(1, max(values, default=0) + 1):
            found = values.get(r)
            if not found:
                rows.append(())
                continue
            row = [None] * max(found)
            for c, value in found.items():
                row[c - 1] = value
            rows.append(tuple(row))
        sheets.append(Sheet(title, ws.sheet_state, rows))
    return sheets


def _where(row: int, col: int) -> str:
    return cell_name(max(1, min(row, 1_048_576)), max(1, min(col, 16_384)))


def sheet_rows(ws: Sheet, max_row: int | None = None) -> list[tuple]:
    """The rows of a worksheet from row 1 (row ``i`` of the result is Excel row ``i + 1``),
    up to the last row holding a value, or the first ``max_row`` of them."""
    return ws.rows if max_row is None else ws.rows[:max_row]


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
