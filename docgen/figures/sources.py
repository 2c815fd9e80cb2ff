"""Where every figure came from: a traced figure is an int that carries the cells it is the
sum of, so that whatever prints it can say so (汇总表's 数据来源 sheet, ``collect --json``,
the page)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from docgen.inputs.tallies import Cell

__all__ = ["Cell", "Printed", "Traced", "row_ranges"]


class Traced(int):
    """A figure and its cells: ``int(figure) == sum(cell.value * cell.sign)`` always.

    Arithmetic gives plain ints (a sum of traced figures is traced again with ``plus``), so a
    figure cannot lose its cells without it showing.
    """

    cells: tuple[Cell, ...]
    what: str

    def __new__(cls, cells: Iterable[Cell] = (), what: str = "") -> Traced:
        cells = tuple(cells)
        obj = super().__new__(cls, sum(c.value * c.sign for c in cells))
        obj.cells = cells
        obj.what = what
        return obj

    def plus(self, other: Traced, what: str = "") -> Traced:
        return Traced(self.cells + other.cells, what or self.what)

    def minus(self, other: Traced, what: str = "") -> Traced:
        return Traced(self.cells + tuple(c.negated() for c in other.cells), what or self.what)

    def named(self, what: str) -> Traced:
        return Traced(self.cells, what)

    @property
    def refs(self) -> str:
        """The cells as Excel external references joined by ``；``."""
        return "；".join(c.external for c in self.cells)

    def __reduce__(self):
        return (_rebuild, (self.cells, self.what))


def _rebuild(cells, what) -> Traced:
    return Traced(cells, what)


def total(figures: Iterable[Traced], what: str = "") -> Traced:
    cells: list[Cell] = []
    for figure in figures:
        cells += figure.cells
    return Traced(cells, what)


def row_ranges(file: str, sheet: str, rows: list[int], last_column: str) -> list[Cell]:
    """A roster's rows as ranges of consecutive rows, each counting its rows:
    rows 2…944 → ``A2:E944`` worth 943."""
    cells: list[Cell] = []
    runs: list[list[int]] = []
    for row in sorted(set(rows)):
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    for run in runs:
        cells.append(Cell(file, sheet, f"A{run[0]}:{last_column}{run[-1]}", len(run)))
    return cells


@dataclass(frozen=True)
class Printed:
    """One figure as a document prints it: a row of 汇总表's 数据来源 sheet."""

    where: str  # 位置: 正文（一）道路交通安全整治 / 附件1 消防安全·排查隐患
    what: str  # 内容: what it counts
    value: int  # 数值
    text: str  # 印作: as printed, 20余起
    figure: Traced

    def as_dict(self) -> dict:
        return {
            "where": self.where,
            "what": self.what,
            "value": self.value,
            "printed": self.text,
            "refs": self.figure.refs,
            "cells": [c.as_dict() for c in self.figure.cells],
        }
