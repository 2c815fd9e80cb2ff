"""Template filters a secretary needs, under Chinese names with English aliases.

``approx``/``约数``, ``cn``/``中文数字``, ``date``/``日期``, ``cn_date``/``中文日期``,
``percent``/``百分比``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

_DIGITS = "零一二三四五六七八九"
_DATE_DIGITS = "〇一二三四五六七八九"
_SMALL_UNITS = ("", "十", "百", "千")
_BIG_UNITS = ("", "万", "亿", "万亿")


def _as_int(value) -> int:
    if isinstance(value, bool):
        raise TypeError(f"not a count: {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    raise TypeError(f"not a whole number: {value!r}")


def approx(value) -> str:
    """A round figure for prose: 8 → 8, 23 → 20余, 20 → 20, 943 → 940余, 2034 → 2000余.

    Below 10 exact; 10–99 floored to tens; 100 and up floored to two significant digits;
    ``余`` only when something was dropped.
    """
    n = _as_int(value)
    if n < 0:
        return "-" + approx(-n)
    if n < 10:
        return str(n)
    step = 10 if n < 100 else 10 ** (len(str(n)) - 2)
    floored = n - n % step
    return f"{floored}余" if floored != n else str(floored)


def _cn_below_10000(n: int) -> str:
    out: list[str] = []
    digits = f"{n:04d}"
    zero = False
    for i, ch in enumerate(digits):
        d = int(ch)
        unit = _SMALL_UNITS[3 - i]
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_DIGITS[d] + unit)
    return "".join(out)


def cn(value) -> str:
    """Chinese numerals for numbering: 3 → 三, 12 → 十二, 105 → 一百零五."""
    n = _as_int(value)
    if n < 0:
        return "负" + cn(-n)
    if n == 0:
        return "零"
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    parts: list[str] = []
    need_zero = False
    for idx in range(len(groups) - 1, -1, -1):
        g = groups[idx]
        if g == 0:
            need_zero = bool(parts)
            continue
        if parts and (need_zero or g < 1000):
            parts.append("零")
        parts.append(_cn_below_10000(g) + _BIG_UNITS[idx])
        need_zero = False
    text = "".join(parts)
    # 十二, not 一十二, when the number starts in the tens
    if text.startswith("一十"):
        text = text[1:]
    return text


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    raise TypeError(f"not a date: {value!r}")


def date(value, locale: str = "zh_CN") -> str:
    """2022-12-20 → 2022年12月20日 (Babel's zh_CN long format: no zero padding)."""
    return format_date(_as_date(value), format="long", locale=locale)


def cn_date(value) -> str:
    """2022-12-20 → 二〇二二年十二月二十日."""
    d = _as_date(value)
    year = "".join(_DATE_DIGITS[int(c)] for c in str(d.year))
    return f"{year}年{cn(d.month)}月{cn(d.day)}日"


def percent(value, digits: int = 1) -> str:
    """0.987 → 98.7%; a ratio with one decimal (Babel's zh_CN percent format)."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"not a ratio: {value!r}")
    q = Decimal(str(value)).quantize(Decimal(1).scaleb(-(digits + 2)), rounding=ROUND_HALF_UP)
    fmt = "0." + "0" * digits + "%" if digits else "0%"
    return format_percent(q, format=fmt, locale="zh_CN")


def number(value) -> str:
    """A number in zh_CN grouping: 10000 → 10,000."""
    return format_decimal(value, locale="zh_CN")


FILTERS = {
    "approx": approx,
    "约数": approx,
    "cn": cn,
    "中文数字": cn,
    "date": date,
    "日期": date,
    "cn_date": cn_date,
    "中文日期": cn_date,
    "percent": percent,
    "百分比": percent,
    "number": number,
    "数字": number,
}
