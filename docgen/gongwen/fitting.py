"""Fitting the summary's last page from a real measurement: LibreOffice prints a trial copy,
its pages are read back, and the context is adjusted where GB/T 9704 asks.

- 7.3.5.5: the page with the signature and date carries body text.  The template chains the
  last body paragraph to the signature block (keep with next), so it never stands alone; when
  that chain pushed the block onto a page of its own making, the main text's line pitch is
  tightened (27, 26, then 25 pt; from the page before, then two and three pages before) if that
  brings the block back onto an earlier page.
- 7.4, 7.5: the 版记 is on the last page, an even one: a blank page goes before it when
  needed, and neither carries a page number.

Without LibreOffice (or poppler's pdftotext) nothing is measured and the context is used as
it is: the keep-with-next chain alone already keeps body text on the signature's page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from docgen.errors import DocgenError
from docgen.gongwen.passes import CHAIN_KEY, PITCH_FROM_KEY, PITCH_KEY
from docgen.gongwen.spec import CHARS_PER_LINE, TIGHT_PITCHES
from docgen.i18n import _
from docgen.render.filters import date as date_text

# A signature page carrying fewer body characters than this is worth trying to tighten
# (about ten lines of 28 characters: what the keep-with-next chain may have pulled over).
PULLED = 10 * CHARS_PER_LINE
_PAGE_NUMBER = re.compile(r"—\d+—")


def can_measure() -> bool:
    from docgen.output.pdf import find_soffice

    return bool(find_soffice()) and shutil.which("pdftotext") is not None


def not_measured() -> str:
    """What a build says when it could not print the summary to check its last pages."""
    return _(
        "没有安装 LibreOffice（或 pdftotext），工作总结的末页未经打印核对：署名页是否带有正文、"
        "版记是否在双页，请在 Word 或 WPS 中打开检查"
    )


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
    """The context to print the summary with (see the module's docstring); as it is when the
    trial print fails."""
    if not can_measure():
        return context
    try:
        return _fit(template, context)
    except (DocgenError, OSError, subprocess.SubprocessError, UnicodeDecodeError):
        return context


def _fit(template, context: dict) -> dict:
    pages = _measure(template, context)
    page = signature_page(pages, context)
    if page is not None and len(body_on_page(pages[page], context)) < PULLED:
        context, pages = _pull_back(template, context, pages, page)
    record = context.get("版记")
    if record and needs_blank_page(pages):
        context = {**context, "版记": {**record, "补页": True}}
    return context


def _pull_back(template, context: dict, pages: list[str], page: int) -> tuple[dict, list[str]]:
    """The main text tightened (27 pt, 26 pt, then 25 pt) from the page before the signature's,
    then from the one before that and the one before that, until the signature block moves back onto a page with body
    text above it: the whole block (附件说明, seal room, signature, date) goes over at once,
    so one tightened page may not make room for it."""
    for back in range(1, page + 1):  # the page before, then back to the first body page
        if page - back < 0:
            break
        start = _PAGE_NUMBER.sub("", pages[page - back])[:12] if page - back > 0 else ""
        for pitch in TIGHT_PITCHES:
            trial = {**context, PITCH_KEY: pitch, PITCH_FROM_KEY: start}
            tried = _measure(template, trial)
            moved = signature_page(tried, trial)
            if moved is not None and moved < page and body_on_page(tried[moved], trial):
                return trial, tried
    # the last resort: the main text's last paragraph goes over with the signature block
    trial = {**context, CHAIN_KEY: True}
    tried = _measure(template, trial)
    moved = signature_page(tried, trial)
    if moved is not None and body_on_page(tried[moved], trial):
        return trial, tried
    return context, pages


def needs_blank_page(pages: list[str]) -> bool:
    """The 版记 needs a blank page before it to end on an even page: the printed copy has an
    odd number of pages, or its next-to-last page is an empty one Word or LibreOffice put in
    for the 版记's even-page section (which would carry the body's page number).  The blank
    page is then the template's own, in the 版记's section, numbered on neither (7.5)."""
    if len(pages) % 2:
        return True
    return len(pages) >= 2 and not _PAGE_NUMBER.sub("", pages[-2])
