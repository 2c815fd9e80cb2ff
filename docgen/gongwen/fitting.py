"""Fitting the summary's last page from a real measurement: LibreOffice prints a trial copy,
its pages are read back, and the context is adjusted where GB/T 9704 asks.

- 7.3.5.5: the page with the signature and date carries body text.  The template chains the
  last body paragraph to the signature block (keep with next), so it never stands alone; when
  that chain pushed the block onto a page of its own making, the main text's line pitch is
  tightened (27 pt, then 26 pt) if that brings the block back onto an earlier page.
- 7.4: the 版记 is on the last page, an even one: a blank page goes before it when needed.

Without LibreOffice (or poppler's pdftotext) nothing is measured and the context is used as
it is: the keep-with-next chain alone already keeps body text on the signature's page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from docgen.gongwen.official import TIGHT_PITCHES
from docgen.render.engine import LINE_PITCH, TIGHTEN_FROM
from docgen.render.filters import date as date_text

# A signature page carrying fewer body characters than this is worth trying to tighten
# (about ten lines of 28 characters: what the keep-with-next chain may have pulled over).
PULLED = 280
_PAGE_NUMBER = re.compile(r"—\d+—")


def can_measure() -> bool:
    from docgen.output.pdf import find_soffice

    return bool(find_soffice()) and shutil.which("pdftotext") is not None


def printed_pages(pdf: Path) -> list[str]:
    """Each page's text, white space removed (lines wrap anywhere in Chinese)."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [re.sub(r"\s+", "", page) for page in pages]


def _measure(template, context: dict) -> list[str]:
    from docgen.output.pdf import print_copy

    with tempfile.TemporaryDirectory(prefix="docgen-fit-") as tmp:
        path = Path(tmp) / "fit.docx"
        template.render_to(context, path)
        pdf = print_copy(path)  # through the run's LibreOffice when there is one
        return printed_pages(pdf)


def signature_page(pages: list[str], context: dict) -> int | None:
    """Index of the page holding the 署名 followed by the 成文日期."""
    block = re.sub(r"\s+", "", f"{context.get('发文机关', '')}{date_text(context.get('成文日期'))}")
    for index, page in enumerate(pages):
        if block and block in page:
            return index
    return None


def body_on_page(page: str, context: dict) -> str:
    """The body text on the signature's page: before 特此报告, the 附件说明 and the 署名."""
    text = _PAGE_NUMBER.sub("", page)
    ends = [text.find(mark) for mark in ("特此报告", "附件：", str(context.get("发文机关", "")))]
    ends = [end for end in ends if end >= 0]
    return text[: min(ends)] if ends else text


def fit_summary(template, context: dict) -> dict:
    """The context to print the summary with (see the module's docstring)."""
    if not can_measure():
        return context
    pages = _measure(template, context)
    page = signature_page(pages, context)
    if page is not None and len(body_on_page(pages[page], context)) < PULLED:
        # only the last pages are tightened: from the page before the signature's
        start = _PAGE_NUMBER.sub("", pages[page - 1])[:12] if page > 0 else ""
        for pitch in TIGHT_PITCHES:
            trial = {**context, LINE_PITCH: pitch, TIGHTEN_FROM: start}
            tried = _measure(template, trial)
            moved = signature_page(tried, trial)
            if moved is not None and moved < page and body_on_page(tried[moved], trial):
                context, pages = trial, tried
                break
    record = context.get("版记")
    if record and len(pages) % 2:
        context = {**context, "版记": {**record, "补页": True}}
    return context
