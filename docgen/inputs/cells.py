"""What a cell holds, read the way a secretary means it.

``parse_count`` reads ``20``, ``２０``, ``3处`` or ``1,500`` as numbers and refuses ``若干``,
``-5``, ``3.5`` or a date with a reason; ``cell_name``, ``show_value`` and ``shorten`` say
where a cell is and what it holds in a message.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from openpyxl.utils import get_column_letter

from docgen.i18n import _

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


def shorten(value: object, keep: int = 20) -> str:
    """A value for a message: long text cut to its first words, ``前20个字…（共N字）``."""
    text = show_value(value)
    if len(text) <= keep + 10:
        return text
    return _("{head}…（共{n}字）").format(head=text[:keep], n=len(text))


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


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
        return _count_of_int(value)
    if isinstance(value, float):
        return _count_of_float(value)
    return _count_of_text(value)


def _count_of_int(value: int) -> int:
    if value < 0:
        raise CountError(
            value, _("“{value}”是负数，次数和个数不能为负").format(value=shorten(value))
        )
    return _bounded(value, value)


def _count_of_float(value: float) -> int:
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


def _count_of_text(value: object) -> int:
    """A count typed as text: full-width digits, spaces, thousands commas, a measure word."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    compact = re.sub(r"\s+", "", text)
    if not compact or compact in ZERO_MARKS:
        return 0
    number = _without_measure_word(compact)
    match = _COUNT.fullmatch(number)
    if not match:
        raise _not_a_count(value, text, number, compact)
    digits = match.group(1).replace(",", "").lstrip("0") or "0"
    if len(digits) > len(str(MAX_COUNT)):
        raise _too_large(value)  # before int(): thousands of digits are refused, not parsed
    return _bounded(value, int(digits))


def _without_measure_word(number: str) -> str:
    """``3处`` → ``3``: the first measure word the text ends with, taken off."""
    for suffix in COUNT_SUFFIXES:
        if number.endswith(suffix) and len(number) > len(suffix):
            return number[: -len(suffix)]
    return number


def _not_a_count(value: object, text: str, number: str, compact: str) -> CountError:
    """Why text that is not a count is refused: negative, a fraction, a guess or other text."""
    shown = shorten(text)
    if _NEGATIVE.fullmatch(number):
        return CountError(value, _("“{value}”是负数，次数和个数不能为负").format(value=shown))
    if _FRACTION.fullmatch(number):
        return CountError(value, _("“{value}”不是整数，次数和个数应为整数").format(value=shown))
    if re.search(r"余|多|约|左右|以上|若干", compact):
        return CountError(
            value,
            _("“{value}”不是确切的数，请填写准确的整数（报告中会自动写成“20余”）").format(
                value=shown
            ),
        )
    return CountError(
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
