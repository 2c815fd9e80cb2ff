"""GB/T 9704 as LibreOffice prints it: line pitch, margins, indent, lines a page.

Reads the positions of the printed lines (pdftotext -bbox-layout) of the demo summary.
"""

from __future__ import annotations

import re
import statistics
import subprocess

import pytest
from click.testing import CliRunner

from docgen.cli import cli

MM = 72 / 25.4


pytestmark = pytest.mark.soffice


@pytest.fixture(scope="module")
def printed(tmp_path_factory, trial_prints) -> list[list[tuple[float, float, float]]]:
    """(xMin, yMin, xMax) of every printed line, page by page."""
    root = tmp_path_factory.mktemp("print") / "ws"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(root)]).exit_code == 0
    target = root / "总结.docx"
    result = runner.invoke(
        cli, ["summary", "-c", str(root / "docgen.toml"), "-o", str(target), "--pdf"]
    )
    assert result.exit_code == 0, result.output
    html = subprocess.run(
        ["pdftotext", "-bbox-layout", str(target.with_suffix(".pdf")), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        pages.append(
            [
                (float(x0), float(y0), float(x1))
                for x0, y0, x1 in re.findall(
                    r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"', page
                )
            ]
        )
    return pages


def body_lines(page):
    """Lines of the text block (the footer page number sits below it)."""
    return [line for line in page if line[1] < 297 * MM - 35 * MM]


def _steps(page) -> list[float]:
    ys = sorted(y for _x, y, _r in body_lines(page))
    return [b - a for a, b in zip(ys, ys[1:], strict=False) if 20 < b - a < 35]


def _standard_pages(printed) -> list:
    """The body's pages at the standard pitch: fitting may tighten the pages before the
    signature's (7.3.5.5, 27 to 25 pt) so that body text stands above the signature."""
    return [page for page in printed[:4] if _steps(page) and statistics.median(_steps(page)) > 27.5]


def test_line_pitch_is_28_95_points(printed):
    pages = _standard_pages(printed)
    assert pages
    steps = [step for page in pages for step in _steps(page)]
    assert statistics.median(steps) == pytest.approx(28.95, abs=0.15)


def test_text_starts_37mm_down_and_28mm_in(printed):
    first = printed[0]
    top = min(y for _x, y, _r in first)
    # the first line box starts at the top margin; its glyphs sit inside the 28.95 pt line
    assert 37 * MM - 1 <= top <= 37 * MM + 28.95
    left = min(x for x, _y, _r in body_lines(printed[1]))
    assert left == pytest.approx(28 * MM, abs=1.5)
    # full lines end at the right margin (a trailing comma may hang into it, as in Word)
    right = statistics.median(r for _x, _y, r in body_lines(printed[1]))
    assert 210 * MM - right == pytest.approx(26 * MM, abs=2)


def test_first_line_indent_is_two_characters(printed):
    left = min(x for x, _y, _r in body_lines(printed[1]))
    indents = {round(x - left) for x, _y, _r in body_lines(printed[1]) if x > left + 1}
    assert 32 in indents  # 2 × 16 pt (3号)


def test_at_most_22_lines_a_page(printed):
    # the body's pages before the last hold at most 22 lines; a full one holds nearly 22
    # (a heading kept with its text or the signature block may leave a few lines free)
    counts = [len(body_lines(page)) for page in _standard_pages(printed[:3])]
    assert all(n <= 22 for n in counts), counts
    assert max(counts) >= 18, counts
