"""Hostile and broken files through the real command line, in bounded time and memory.

Every file of ``tests/hostile.py`` goes through ``check``, ``collect`` (JSON and ``-o``),
``render`` and ``templates check`` (templates through ``render``, ``templates check`` and
``templates vars``), each in a process of its own with an address-space limit (forked from one
that imported docgen once: ``tests/isolated.py``).
Each run ends with exit 0 or 1 within 10 s and 500 MB, says what is wrong in Chinese, shows
no traceback or Python class name, and leaves nothing in the output folder when it fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import hostile
import isolated
import openpyxl
import pytest

SECONDS = 10
PEAK_MB = 500
ADDRESS_SPACE = 2 * 2**30  # a runaway reader fails here instead of taking the machine
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
_PYTHON_WORDS = re.compile(
    r"Traceback|\b\w*(?:Error|Exception|Warning)\b|site-packages|openpyxl|lxml|zipfile|\.py\b"
)


def run(args: list[str], cwd: Path) -> tuple[int, str, str, float, float]:
    """``docgen ARGS`` in a process of its own: exit status, stdout, stderr, seconds and peak
    memory (MB)."""
    return isolated.run(args, cwd, limit=ADDRESS_SPACE, timeout=SECONDS * 3)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    hostile.good_template(base / "good.docx")
    hostile.roster(base / "roster.xlsx")
    return base


def _commands(kind: str, path: Path, corpus: Path, out: Path) -> dict[str, list[str]]:
    if kind == "workbook":
        return {
            "check": ["check", str(path.parent)],
            "collect --json": ["collect", str(path.parent), "--json"],
            "collect -o": ["collect", str(path.parent), "-o", str(out / "汇总表.xlsx")],
            "render": ["render", str(corpus / "good.docx"), str(path), "-o", str(out / "文档")],
            "templates check": ["templates", "check", str(corpus / "good.docx"), str(path)],
        }
    return {
        "render": ["render", str(path), str(corpus / "roster.xlsx"), "-o", str(out / "文档")],
        "templates check": ["templates", "check", str(path), str(corpus / "roster.xlsx")],
        "templates vars": ["templates", "vars", str(path)],
    }


CASES = [("workbook", name) for name in hostile.WORKBOOKS] + [
    ("template", name) for name in hostile.TEMPLATES
]


@pytest.mark.parametrize(("kind", "name"), CASES, ids=[name for _kind, name in CASES])
def test_hostile_file_ends_with_a_message(corpus, kind, name):
    folder = corpus / name
    folder.mkdir()
    make = hostile.WORKBOOKS[name] if kind == "workbook" else hostile.TEMPLATES[name]
    path = make(folder)
    results = {}
    for command, args in _commands(kind, path, corpus, corpus / f"out-{name}").items():
        out = corpus / f"out-{name}"
        code, stdout, stderr, seconds, peak = run(args, corpus)
        shown = (
            f"{name} / {command}: exit {code}, {seconds:.1f} s, {peak:.0f} MB\n{stdout}\n{stderr}"
        )
        print(shown.splitlines()[0])
        assert code in (0, 1), shown
        assert seconds < SECONDS, shown
        assert peak < PEAK_MB, shown
        assert not _PYTHON_WORDS.search(stdout + stderr), shown
        if code == 1:
            assert _CHINESE.search(stderr), shown
            left = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
            assert not left, shown
        else:
            assert not [p for p in out.rglob(".~docgen-*")] if out.exists() else True, shown
        results[command] = (code, stderr)
        for p in out.rglob("*") if out.exists() else ():
            if p.is_file():
                p.unlink()
    expected = EXPECTED.get(name)
    if expected:
        command, code, line = expected
        assert results[command][0] == code, results[command][1]
        assert line in results[command][1].splitlines(), results[command][1]


# what `check` (workbooks) or `templates vars` (templates) says, exactly
EXPECTED: dict[str, tuple[str, int, str]] = {}


def test_input_text_reaches_the_summary_workbook_as_text(tmp_path):
    hostile.formulas_typed_as_text(tmp_path / "in")
    code, stdout, stderr, _s, _p = run(["collect", "in", "-o", "汇总表.xlsx"], tmp_path)
    assert code == 0, stderr
    wb = openpyxl.load_workbook(tmp_path / "汇总表.xlsx")
    ours = re.compile(
        r"=(SUM\([A-Z]+\d+:[A-Z]+\d+\)|IF\([A-Z]+\d+=0,\"\",[A-Z]+\d+/[A-Z]+\d+\)"
        r"|[A-Z]+\d+(\+[A-Z]+\d+)*|0)"
    )
    texts = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert ours.fullmatch(cell.value), (ws.title, cell.coordinate, cell.value)
                elif isinstance(cell.value, str):
                    texts[cell.value] = cell
    for typed in (
        '=HYPERLINK("http://example.invalid","点我")',
        "=cmd|'/ccalc'!A1",
        "-2+3",
        "@SUM(1)",
        "+个",
        "=1+1",
    ):
        assert typed in texts, typed
        assert texts[typed].data_type == "s" and texts[typed].quotePrefix, typed
