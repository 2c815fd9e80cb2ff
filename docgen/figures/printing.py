"""How a figure is printed, and the record of every figure a document prints.

One rule for round figures (约数), declared here: what is counted as events or activities
(次, 人次, 条, 起) is printed by the ``approx`` filter — 23 起 → 20余起, 2034 条 → 2000余条;
what can be checked one by one (处, 家, 家次, 个, 份, 座, 车次 …) is printed exactly.
Hazards found and rectified are exact wherever some are still open, so that found, rectified
and open add up on the page.
"""

from __future__ import annotations

from docgen.figures.sources import Printed, Traced
from docgen.render.filters import approx

ROUNDED_MEASURES: tuple[str, ...] = ("次", "人次", "条", "起")


def as_printed(value: int, measure: str, exact: bool = False) -> str:
    """``23, 起`` → ``20余起``; ``14, 处`` → ``14处``; ``exact`` keeps every figure whole."""
    number = str(int(value)) if exact or measure not in ROUNDED_MEASURES else approx(int(value))
    return number + measure


class Ledger:
    """Every figure a document prints, where and as what: 汇总表's 数据来源 sheet."""

    def __init__(self) -> None:
        self.rows: list[Printed] = []

    def say(
        self, where: str, figure: Traced, measure: str, what: str = "", exact: bool = False
    ) -> str:
        """The figure as printed (``20余起``), recorded with its cells."""
        text = as_printed(figure, measure, exact)
        self.rows.append(Printed(where, what or figure.what, int(figure), text, figure))
        return text

    def cell(self, where: str, figure: Traced, what: str = "") -> Traced:
        """A table cell: the figure printed as it is."""
        self.rows.append(Printed(where, what or figure.what, int(figure), str(int(figure)), figure))
        return figure

    def claim(self, where: str, figure: Traced, text: str, what: str = "") -> str:
        """A sentence that states a figure without its digits (无一起森林火灾发生)."""
        self.rows.append(Printed(where, what or figure.what, int(figure), text, figure))
        return text
