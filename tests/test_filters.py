import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen.render.filters import FILTERS, approx, cn, cn_date, date, percent

_CN_DIGITS = dict(zip("零一二三四五六七八九", range(10), strict=True))
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def parse_cn(text: str) -> int:
    """An independent reader of Chinese numerals, to check ``cn`` against."""
    total = 0
    for big, factor in (("亿", 10**8), ("万", 10**4)):
        if big in text:
            head, text = text.split(big, 1)
            total += parse_cn(head) * factor
    section, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + section + (digit or 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (8, "8"),
        (23, "20余"),
        (20, "20"),
        (943, "940余"),
        (1520, "1500余"),
        (2034, "2000余"),
        (1500, "1500"),
        (0, "0"),
        (10, "10"),
        (99, "90余"),
        (100, "100"),
        (64, "60余"),
        ("43", "40余"),
    ],
)
def test_approx_examples(value, expected):
    assert approx(value) == expected


@given(st.integers(min_value=0, max_value=10**9))
def test_approx_never_overstates_and_marks_what_it_dropped(n):
    text = approx(n)
    rounded = int(text.removesuffix("余"))
    assert rounded <= n
    assert text.endswith("余") == (rounded != n)
    if n >= 10:
        # two significant digits at most are kept
        assert len(str(rounded).rstrip("0")) <= 2
        # and it is the largest such figure: what was dropped is less than one step
        step = 10 if n < 100 else 10 ** (len(str(n)) - 2)
        assert n - rounded < step


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, "一"),
        (3, "三"),
        (10, "十"),
        (12, "十二"),
        (20, "二十"),
        (105, "一百零五"),
        (110, "一百一十"),
        (1001, "一千零一"),
        (10000, "一万"),
        (10010, "一万零一十"),
    ],
)
def test_cn_examples(value, expected):
    assert cn(value) == expected


@given(st.integers(min_value=1, max_value=10**12 - 1))
def test_cn_reads_back(n):
    assert parse_cn(cn(n)) == n


def test_date_formats_without_padding():
    assert date(dt.date(2022, 12, 20)) == "2022年12月20日"
    assert date(dt.date(2023, 1, 5)) == "2023年1月5日"
    assert date("2022-03-08") == "2022年3月8日"
    assert date(dt.datetime(2022, 12, 20, 9, 30)) == "2022年12月20日"


def test_cn_date():
    assert cn_date(dt.date(2022, 12, 20)) == "二〇二二年十二月二十日"
    assert cn_date(dt.date(2020, 1, 1)) == "二〇二〇年一月一日"
    assert cn_date(dt.date(2031, 10, 31)) == "二〇三一年十月三十一日"


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_date_round_trips(d):
    text = date(d)
    assert text == f"{d.year}年{d.month}月{d.day}日"
    assert date(text) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.987, "98.7%"), (1, "100.0%"), (0, "0.0%"), (0.98765, "98.8%"), (0.5, "50.0%")],
)
def test_percent(value, expected):
    assert percent(value) == expected


@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=1, max_value=1000))
def test_percent_of_a_ratio(part, whole):
    text = percent(part / whole)
    assert text.endswith("%")
    assert abs(float(text[:-1]) - part / whole * 100) <= 0.05 + 1e-9


def test_chinese_and_english_names_are_the_same_filters():
    for chinese, english in (
        ("约数", "approx"),
        ("中文数字", "cn"),
        ("日期", "date"),
        ("中文日期", "cn_date"),
        ("百分比", "percent"),
    ):
        assert FILTERS[chinese] is FILTERS[english]


@pytest.mark.parametrize("bad", ["若干", None, 3.5, True])
def test_approx_refuses_what_is_not_a_count(bad):
    with pytest.raises(TypeError):
        approx(bad)
