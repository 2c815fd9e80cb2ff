"""Where a 公文's title breaks into lines (GB/T 9704 7.3.1): between words, never inside one,
in a 梯形 (each line not longer than the one above) or 菱形 (the middle line longest), each
line fitting the text width in 2号."""

from __future__ import annotations

import re
from itertools import combinations

from docgen.gongwen import spec
from docgen.gongwen.passes import FULL_PUNCTUATION

# A 2号 title line holds 20 characters (156 mm / 22 pt).
TITLE_LINE = int(spec.line_chars(spec.SIZE_2))
# Where a long title may break: before these words, or after the issuer's name / punctuation.
BREAK_BEFORE = (
    "关于",
    "的报告",
    "的工作总结",
    "工作总结",
    "工作情况",
    "情况的报告",
    "的通知",
    "的请示",
    "的意见",
    "的决定",
    "的函",
    "的实施方案",
    "实施方案",
)
BREAK_AFTER = ("，", "、", "：", "；")
# a year or a span of years ("2020—2022年", "2023年度") is one word: breaks go around it
_YEARS = re.compile(r"[0-9０-９]{4}(?:\s*[—–\-~～至到]\s*[0-9０-９]{4})?\s*年度?")
# a digit in 方正小标宋 is half a character; fonts that stand in for it print wider
DIGIT = 0.6


def title_width(text: str) -> float:
    """Width in 2号 characters, digits and Latin letters counted as wide as a stand-in font
    prints them, so a line estimated to fit does fit."""
    return sum(1 if ord(ch) >= 0x2E80 or ch in FULL_PUNCTUATION else DIGIT for ch in text)


def break_places(title: str, issuer: str = "") -> set[int]:
    """Where ``title`` may break: between words."""
    places = set()
    for word in BREAK_BEFORE:
        start = title.find(word, 1)
        while start > 0:
            places.add(start)
            start = title.find(word, start + 1)
    for mark in BREAK_AFTER:
        places.update(i + 1 for i, ch in enumerate(title[:-1]) if ch == mark)
    for name in {issuer, issuer.removesuffix("人民政府")} - {""}:
        if title.startswith(name) and len(name) < len(title):
            places.add(len(name))
    for years in _YEARS.finditer(title):
        places.update({years.start(), years.end()} - {0, len(title)})
    return places


def title_lines(title: str, issuer: str = "") -> list[str]:
    """The lines of a title: one line when it fits, else breaks between words (before 关于 /
    的报告 / 工作总结…, around a span of years, after the issuer's name or a punctuation
    mark) in a 梯形 or 菱形, as balanced as can be.  A title with no such place stays one
    paragraph that wraps."""
    if title_width(title) <= TITLE_LINE:
        return [title]
    places = break_places(title, issuer)

    def lines_at(breaks: tuple[int, ...]) -> list[str]:
        edges = (0, *breaks, len(title))
        return [title[a:b] for a, b in zip(edges, edges[1:], strict=False)]

    def badness(lines: list[str]) -> tuple[bool, int, float]:
        widths = [title_width(line) for line in lines]
        # 梯形: each line not longer than the one above; 菱形: the middle line the longest
        shaped = widths == sorted(widths, reverse=True) or (
            len(widths) == 3 and widths[1] >= max(widths[0], widths[2])
        )
        return (not shaped, len(lines), max(widths) - min(widths))

    candidates = [lines_at(c) for count in (1, 2) for c in combinations(sorted(places), count)]
    candidates = [c for c in candidates if all(title_width(x) <= TITLE_LINE for x in c)]
    return min(candidates, key=badness) if candidates else [title]
