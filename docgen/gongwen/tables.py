"""Column widths of a filled table, chosen for the words it prints.

A ``{%tc for %}`` loop leaves the columns docxtpl's proportional rescaling gives them: the
figures of an annex may then get columns too narrow for their 4-character headers (“检查次/数”)
while the label column has room to spare.  Once the printed words are known, each column of
a table with a 表格标题行 header gets the width its longest line needs: the figure columns
the same width, wide enough for every header word, and the label column the rest.  A
label too long for what is left wraps (a unit's name over two lines reads well; a header word
split in two does not)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from lxml import etree

from docgen.gongwen.passes import text_width
from docgen.gongwen.spec import SIZE_SMALL_4
from docgen.gongwen.styles import TABLE_HEADER
from docgen.ooxml import W

CHAR = SIZE_SMALL_4 * 20  # one 小四 character, in twips
SLACK = 20  # twips a line keeps free, so a font's rounding does not wrap it
DEFAULT_MARGINS = 2 * 108  # Word's cell margins left and right when a table sets none
FEWEST_LABEL_CHARS = 4  # a label column narrower than this is worse than a wrapped header


def _lines(cell) -> list[str]:
    """The printed lines of a cell: its paragraphs, split at line breaks."""
    lines: list[str] = []
    for p in cell.iter(f"{W}p"):
        line = ""
        for node in p.iter(f"{W}t", f"{W}br"):
            if node.tag == f"{W}t":
                line += node.text or ""
            elif node.tag == f"{W}br":
                lines.append(line)
                line = ""
        lines.append(line)
    return lines


def _margins(table) -> int:
    """Left plus right cell margin of ``table`` in twips."""
    mar = table.find(f"{W}tblPr/{W}tblCellMar")
    if mar is None:
        return DEFAULT_MARGINS
    total = 0
    for side in ("left", "right", "start", "end"):
        found = mar.find(f"{W}{side}")
        if found is not None and found.get(f"{W}type", "dxa") == "dxa":
            total += int(found.get(f"{W}w", "0"))
    return total


def _is_laid_out(table) -> bool:
    """A table this pass may re-width: a 表格标题行 header, a fixed layout, a width in twips, one
    cell per grid column in every row (no merged cells)."""
    header = table.find(f"{W}tr")
    layout = table.find(f"{W}tblPr/{W}tblLayout")
    width = table.find(f"{W}tblPr/{W}tblW")
    if header is None or layout is None or layout.get(f"{W}type") != "fixed":
        return False
    if width is None or width.get(f"{W}type") != "dxa":
        return False
    styles = {s.get(f"{W}val") for s in header.iter(f"{W}pStyle")}
    if styles != {TABLE_HEADER}:
        return False
    columns = len(table.findall(f"{W}tblGrid/{W}gridCol"))
    rows = table.findall(f"{W}tr")
    return columns >= 3 and all(len(r.findall(f"{W}tc")) == columns for r in rows)


def column_widths(needs: list[int], total: int, margins: int) -> list[int] | None:
    """Widths (twips) for a label column and figure columns that need ``needs``: the figure
    columns share one width, at least what the widest of them needs; the label column what it
    needs, and the rest is shared by all.  ``None`` when the figures leave the label column
    too narrow to read."""
    label_need, figure_need = needs[0], max(needs[1:])
    figures = len(needs) - 1
    if label_need + figures * figure_need <= total:
        spare = (total - label_need - figures * figure_need) // len(needs)
        figure = figure_need + spare
    else:
        figure = figure_need
    label = total - figures * figure
    if label < FEWEST_LABEL_CHARS * CHAR + margins:
        return None
    return [label] + [figure] * figures


def _fit(table) -> None:
    margins = _margins(table)
    rows = table.findall(f"{W}tr")
    columns = len(rows[0].findall(f"{W}tc"))
    needs = [0] * columns
    for row in rows:
        for index, cell in enumerate(row.findall(f"{W}tc")):
            widest = max((text_width(line) for line in _lines(cell)), default=0)
            needs[index] = max(needs[index], math.ceil(widest * CHAR) + margins + SLACK)
    total = int(table.find(f"{W}tblPr/{W}tblW").get(f"{W}w"))
    widths = column_widths(needs, total, margins)
    if widths is None:
        return
    for col, width in zip(table.findall(f"{W}tblGrid/{W}gridCol"), widths, strict=True):
        col.set(f"{W}w", str(width))
    for row in rows:
        for cell, width in zip(row.findall(f"{W}tc"), widths, strict=True):
            own = cell.find(f"{W}tcPr/{W}tcW")
            if own is not None:
                own.set(f"{W}w", str(width))
                own.set(f"{W}type", "dxa")


def fit_columns(xml: str) -> str:
    """Every table with a 表格标题行 header re-widthed for the words it prints (see module)."""
    root = etree.fromstring(xml.encode())
    tables = [t for t in root.iter(f"{W}tbl") if _is_laid_out(t)]
    if not tables:
        return xml
    for table in tables:
        _fit(table)
    return etree.tostring(root, encoding="unicode")


def finish_tables(xml: str, context: Mapping) -> str:
    """Finishing step: tables' columns as wide as their words need (``fit_columns``)."""
    return fit_columns(xml)
