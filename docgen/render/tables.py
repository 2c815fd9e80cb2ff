"""Tables whose ``{%tc %}`` loops changed their column count, made consistent again."""

from __future__ import annotations

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def cells_follow_grid(tree) -> None:
    """After docxtpl's ``fix_tables``: a table whose ``{%tc %}`` loops changed its column count
    has its grid rescaled, but each cell keeps the width the template gave it and the grid may
    lose a twip to rounding.  The grid is made to add up to the table's width again and every
    cell takes the width of the grid columns it spans, so Word, WPS and LibreOffice agree."""
    q = "{" + W + "}"
    for table in tree.iter(q + "tbl"):
        columns = table.findall(f"{q}tblGrid/{q}gridCol")
        width = table.find(f"{q}tblPr/{q}tblW")
        if not columns or any(c.get(q + "w") is None for c in columns):
            continue
        widths = [int(float(c.get(q + "w"))) for c in columns]
        if width is not None and width.get(q + "type") == "dxa" and width.get(q + "w"):
            widths[-1] += int(width.get(q + "w")) - sum(widths)
            columns[-1].set(q + "w", str(widths[-1]))
        for row in table.findall(q + "tr"):
            at = 0
            for cell in row.findall(q + "tc"):
                span = cell.find(f"{q}tcPr/{q}gridSpan")
                n = int(span.get(q + "val")) if span is not None else 1
                own = cell.find(f"{q}tcPr/{q}tcW")
                if own is not None and own.get(q + "type") == "dxa":
                    own.set(q + "w", str(sum(widths[at : at + n])))
                at += n
