"""How a tally sheet is laid out: where its header is and what its columns count, which unit
it is from (a ``填报单位：NAME`` line, else the file name), and whether it holds a table at all.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from docgen import vocabulary as vocab
from docgen.i18n import _, join
from docgen.inputs.workbook import is_blank

HEADER_SEARCH_ROWS = 10
_UNIT_LINE = re.compile(r"填报单位\s*(?:[（(][^）)]*[）)])?\s*[:：]\s*(.*)")
_STEM_NOISE = re.compile(
    r"[-_－—\s]*(?:\d{4}(?:年度?)?)?[-_－—\s]*(?:安全生产)?(?:专项整治)?(?:统计表|报表|汇总表|统计|数据)$"
)


def expected_headers() -> str:
    """What a tally header must contain, for messages."""
    return _(
        "统计表的表头（前 {n} 行内）应有“领域”列（也可写作 {aliases}）和 {metrics} 中至少一列；"
        "指标表的表头应有“指标”（或“项目”）和“数量”（或“数值”）列"
    ).format(
        n=HEADER_SEARCH_ROWS,
        aliases=join(vocab.SECTOR_HEADERS[1:]),
        metrics=join(vocab.METRICS),
    )


@dataclass
class TallyHeader:
    row: int  # 0-based index into the sheet rows
    sector_col: int  # 0-based
    metric_cols: dict[str, int]
    unit_col: int | None
    inspection: str = "检查次数"  # what its 检查 column counts: 检查次数, 检查单位 or 检查家次

    def column(self, metric: str) -> str:
        """The figure a metric column fills: 检查 columns by what they count."""
        return self.inspection if metric == "检查次数" else metric


@dataclass
class FiguresHeader:
    row: int
    name_col: int
    value_col: int
    unit_col: int | None


def find_tally_header(rows: list[tuple]) -> TallyHeader | None:
    """The first row within the first 10 that has a sector column and a metric column."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        sector_col = None
        unit_col = None
        inspection = "检查次数"
        metrics: dict[str, int] = {}
        for col, value in enumerate(row):
            if not isinstance(value, str):
                continue
            if sector_col is None and vocab.is_sector_header(value):
                sector_col = col
                continue
            metric = vocab.metric_of(value)
            if metric and metric not in metrics:
                metrics[metric] = col
                if metric == "检查次数":
                    inspection = vocab.inspection_column(value)
            elif unit_col is None and vocab.normalize_header(value) == vocab.UNIT_HEADER:
                unit_col = col
        if sector_col is not None and metrics:
            return TallyHeader(index, sector_col, metrics, unit_col, inspection)
    return None


def find_figures_header(rows: list[tuple]) -> FiguresHeader | None:
    """The first row within the first 10 that has 指标/项目 and 数量/数值 columns."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        name_col = value_col = unit_col = None
        for col, value in enumerate(row):
            if not isinstance(value, str):
                continue
            text = vocab.normalize_header(value)
            if name_col is None and text in vocab.FIGURE_NAME_HEADERS:
                name_col = col
            elif value_col is None and text in vocab.FIGURE_VALUE_HEADERS:
                value_col = col
            elif unit_col is None and text == vocab.FIGURE_UNIT_HEADER:
                unit_col = col
        if name_col is not None and value_col is not None:
            return FiguresHeader(index, name_col, value_col, unit_col)
    return None


def _is_count_like(value: object) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, float)):
        return True
    return False


def looks_like_data(rows: list[tuple]) -> bool:
    """A sheet with numbers in it, or a sector name next to a number: a table, not notes."""
    numbers = 0
    for row in rows:
        row_numbers = sum(1 for v in row if _is_count_like(v))
        numbers += row_numbers
        if row_numbers and any(isinstance(v, str) and vocab.sector_of(v) for v in row):
            return True
    return numbers >= 3


def has_content(rows: list[tuple]) -> bool:
    return any(not is_blank(v) for row in rows for v in row)


def unit_line(rows: list[tuple], before: int) -> tuple[str | None, bool]:
    """The name in a ``填报单位：NAME`` cell in the rows above the header.

    Returns (name or None, whether a 填报单位 line was found at all).
    """
    for r in range(min(before, len(rows))):
        row = rows[r]
        for c, value in enumerate(row):
            if not isinstance(value, str) or "填报单位" not in value:
                continue
            text = unicodedata.normalize("NFKC", value)
            match = _UNIT_LINE.search(text)
            if match:
                name = _unit_name(match.group(1))
            elif vocab.clean_text(text) in ("填报单位", "填报单位(盖章)"):
                name = ""
            else:
                continue
            if not name:
                # the name may be typed in the next cell: 填报单位： | 青山村
                for nxt in row[c + 1 :]:
                    if is_blank(nxt):
                        continue
                    candidate = unicodedata.normalize("NFKC", str(nxt))
                    if ":" not in candidate:
                        name = _unit_name(candidate)
                    break
            return (name or None), True
    return None, False


def _unit_name(text: str) -> str:
    text = re.split(r"\s+\S{1,8}:", text.strip())[0]
    text = re.split(r"\s{2,}", text)[0]
    text = re.sub(r"[（(]\s*(盖章|公章|签章|章)\s*[）)]", "", text)
    return vocab.clean_text(text).strip("_＿")


def unit_from_stem(path: Path) -> str:
    """The unit's name from a file name: ``青山村-统计表.xlsx`` → ``青山村``."""
    stem = vocab.clean_text(Path(path).stem)
    trimmed = _STEM_NOISE.sub("", stem)
    return trimmed or stem
