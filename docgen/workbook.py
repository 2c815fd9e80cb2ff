"""Open real-world workbooks safely and read their cells the way a secretary means them.

Villages send workbooks made by Excel, WPS or LibreOffice, sometimes old ``.xls`` files,
CSV exports or password-protected files.  ``open_workbook`` turns every such case into a
``DataError`` that says what to do; ``parse_count`` reads ``20``, ``２０``, ``3处`` or
``1,500`` as numbers and refuses ``若干``, ``-5``, ``3.5`` or a date with a reason.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from docgen.errors import DataError, Problem, display_path
from docgen.i18n import _

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Found in folders so that they get a clear message instead of being silently skipped.
UNSUPPORTED_SUFFIXES = (".xls", ".et", ".csv", ".ods")
OLE_HEADER = b"\xd0\xcf\x11\xe0"

# Measure words a village may type after a count: 3处, 12个, 25车次.
COUNT_SUFFIXES = (
    "人次", "车次", "家次", "处", "次", "家", "个", "起", "人", "份", "条", "座", "户",
    "辆", "名", "所", "项", "台", "场", "期", "篇", "张", "块", "本", "册", "间", "栋",
    "宗", "例", "批", "艘", "口", "道", "点", "单位",
)
# Cells meaning "nothing to report".
ZERO_MARKS = ("无", "-", "—", "——", "－", "/", "／", "\\")

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
        raise CountError(value, _("内容是逻辑值“{value}”，应填写次数或个数（整数）").format(
            value="TRUE" if value else "FALSE"))
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        raise CountError(value, _("内容“{value}”是日期或时间，应填写整数；请把单元格格式改为“常规”后重新输入").format(
            value=show_value(value)))
    if isinstance(value, int):
        if value < 0:
            raise CountError(value, _("“{value}”是负数，次数和个数不能为负").format(value=value))
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CountError(value, _("“{value}”不是数字").format(value=value))
        if value < 0:
            raise CountError(value, _("“{value}”是负数，次数和个数不能为负").format(value=show_value(value)))
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
        return int(match.group(1).replace(",", ""))
    if _NEGATIVE.fullmatch(number):
        raise CountError(value, _("“{value}”是负数，次数和个数不能为负").format(value=text))
    if _FRACTION.fullmatch(number):
        raise CountError(value, _("“{value}”不是整数，次数和个数应为整数").format(value=text))
    if re.search(r"余|多|约|左右|以上|若干", compact):
        raise CountError(value, _("“{value}”不是确切的数，请填写准确的整数（报告中会自动写成“20余”）").format(
            value=text))
    raise CountError(value, _("“{value}”不是整数，请只填写数字，例如 12 或 12处").format(value=text))


def input_files(paths: Iterable[Path]) -> list[Path]:
    """The workbook files to read: files as given, folders searched recursively (sorted).

    Folders yield ``.xlsx``/``.xlsm`` and also ``.xls``/``.et``/``.csv``/``.ods`` (so those get a
    clear message); lock files (``~$…``) and hidden files (``.…``) are skipped.
    """
    found: list[Path] = []
    wanted = WORKBOOK_SUFFIXES + UNSUPPORTED_SUFFIXES
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if not child.is_file() or child.suffix.lower() not in wanted:
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


def open_workbook(path: Path, data_only: bool = True) -> openpyxl.Workbook:
    """Load a workbook, or raise ``DataError`` saying what is wrong with the file and what to do."""
    path = Path(path)
    shown = display_path(path)

    def fail(message: str, hint: str = "") -> DataError:
        return DataError([Problem(message, file=shown, hint=hint)])

    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED_SUFFIXES:
        raise fail(
            _("不支持 {suffix} 格式的文件").format(suffix=suffix),
            _("请用 Excel 或 WPS 打开，另存为 .xlsx 格式后再试"),
        )
    if not path.exists():
        raise fail(_("文件不存在"), _("请检查文件名和路径"))
    if path.is_dir():
        raise fail(_("这是一个文件夹，不是工作簿"))
    if suffix not in WORKBOOK_SUFFIXES:
        raise fail(
            _("不是 Excel 工作簿（应为 .xlsx）"),
            _("请用 Excel 或 WPS 另存为 .xlsx"),
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise fail(_("无法读取文件：{reason}").format(reason=exc.strerror or exc)) from None
    if head.startswith(OLE_HEADER):
        raise fail(
            _("文件已加密或是旧格式（.xls）的工作簿"),
            _("加密或旧格式：请取消密码后用 Excel 或 WPS 另存为 .xlsx"),
        )
    if not zipfile.is_zipfile(path):
        raise fail(
            _("文件已损坏，不是有效的 .xlsx 工作簿"),
            _("请用 Excel 或 WPS 打开并重新保存，或请填报单位重新发送"),
        )
    try:
        return openpyxl.load_workbook(path, data_only=data_only, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise fail(
            _("无法打开工作簿：文件已损坏或格式不对（{reason}）").format(reason=type(exc).__name__),
            _("请用 Excel 或 WPS 打开并另存为 .xlsx"),
        ) from None


def sheet_rows(ws, max_row: int | None = None) -> list[tuple]:
    """All rows of a worksheet from row 1 and column A, as tuples of values.

    Row ``i`` of the result is Excel row ``i + 1``; merged areas give their value in the
    top-left cell only.
    """
    last = ws.max_row if max_row is None else min(ws.max_row, max_row)
    if ws.max_column == 0 or last == 0:
        return []
    return list(ws.iter_rows(min_row=1, max_row=last, min_col=1, max_col=ws.max_column,
                             values_only=True))


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
