"""``docgen lint``: every departure of a .docx from GB/T 9704 (DOMAIN.md section 5), each with
where it is (paragraph number and first words), what is expected and what was found.

Fonts are resolved as Word resolves them (run → character style → paragraph style →
based-on chain → docDefaults; the East-Asian font from ``w:eastAsia``).  The rules of the
page, the page numbers and the tables are here, those of the paragraphs in ``rules``; the
signature-page rule is checked on the printed pages when LibreOffice and pdftotext are
installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document

from docgen.errors import DocgenError, display_path
from docgen.gongwen import spec
from docgen.gongwen.drafts import (
    COPY_PATTERN,
    COPY_TO,
    DATE,
    INDENT_SPACE,
    NOTE,
    PRINTED_BY,
    PRINTED_PATTERN,
    SIGNATURE,
    Part,
    W,
    full_width,
    is_cjk,
    paragraph_text,
    parts,
    short_text,
)
from docgen.gongwen.findings import (  # noqa: F401  (Finding is part of lint's API)
    Finding,
    Lint,
    _has_page_field,
    _run_text,
    _runs,
    align_name,
    chars,
    describe_font,
    mm,
    official_font,
    official_margins,
    official_pitch,
    size_name,
)
from docgen.gongwen.official import FORM_CATEGORY
from docgen.gongwen.rules import check_paragraphs
from docgen.gongwen.styles import RECORD
from docgen.i18n import _

PAPERS = {
    (11906, 16838): "A4",
    (12240, 15840): "Letter",
    (16838, 23811): "A3",
    (10318, 14570): "B5",
    (12240, 20160): "Legal",
}
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
TOLERANCE = 12  # twips (0.2 mm): what Word's and WPS's rounding of mm leaves
CORE_PROPERTIES = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


class NotDocxError(DocgenError):
    """Raised when a draft is a .doc, .wps or other file that is not a .docx.

    Fields: ``path``.
    """

    def __init__(self, path: Path):
        self.path = path
        super().__init__(not_docx_message(path))


def not_docx_message(path: Path) -> str:
    text = _(
        "{file} 不是 .docx 文件：请在 WPS 或 Word 中打开，选“另存为”，文件类型选"
        "“Word 文档（*.docx）”，再用另存的文件"
    ).format(file=display_path(path))
    if shutil.which("soffice") or shutil.which("libreoffice"):
        text += _(
            '；也可以用 LibreOffice 转换：soffice --headless --convert-to docx "{file}"'
        ).format(file=display_path(path))
    return text


def check_page(lint: Lint) -> None:
    """Paper, margins and line grid of every section."""
    body = lint.doc.element.body
    sections = [p.find(f"{W}pPr/{W}sectPr") for p in body.iterchildren(f"{W}p")]
    sections = [s for s in sections if s is not None]
    final = body.find(f"{W}sectPr")
    if final is not None:
        sections.append(final)
    before = len(lint.findings)
    for number, sect in enumerate(sections, start=1):
        where = _("页面设置") if len(sections) == 1 else _("第{n}节页面设置").format(n=number)
        for check in (_check_paper, _check_margins, _check_grid):
            check(lint, where, sect)
    # the same departure in every section of a bound file is said once
    if len(sections) > 2 and lint.findings[before:]:
        _merge_sections(lint, before)


def _check_paper(lint: Lint, where: str, sect) -> None:
    """A4 portrait."""
    size = sect.find(f"{W}pgSz")
    width = int(size.get(f"{W}w", 0)) if size is not None else 0
    height = int(size.get(f"{W}h", 0)) if size is not None else 0
    if abs(width - spec.PAGE_WIDTH) > TOLERANCE or abs(height - spec.PAGE_HEIGHT) > TOLERANCE:
        paper = PAPERS.get((width, height)) or PAPERS.get((height, width))
        found = f"{mm(width)}×{mm(height)}" + _("毫米")
        if paper:
            found = f"{paper}（{found}）"
        lint.add(
            where,
            _("纸张"),
            _("{paper}（{w}×{h}毫米，纵向）").format(
                paper="A4", w=spec.PAPER_MM[0], h=spec.PAPER_MM[1]
            ),
            found,
        )


def _check_margins(lint: Lint, where: str, sect) -> None:
    """The official margins (top 37, bottom 35, left 28, right 26 mm)."""
    margins = sect.find(f"{W}pgMar")
    values = [
        int(margins.get(f"{W}{k}", 0)) if margins is not None else 0
        for k in ("top", "bottom", "left", "right")
    ]
    wanted = [
        spec.MARGIN_TOP,
        spec.MARGIN_BOTTOM,
        spec.MARGIN_LEFT,
        spec.MARGIN_RIGHT,
    ]
    if any(abs(v - w) > TOLERANCE for v, w in zip(values, wanted, strict=True)):
        lint.add(
            where,
            _("页边距"),
            official_margins(),
            _("上{t}、下{b}、左{l}、右{r}毫米").format(
                t=mm(values[0]), b=mm(values[1]), l=mm(values[2]), r=mm(values[3])
            ),
        )


def _check_grid(lint: Lint, where: str, sect) -> None:
    """The line grid: 22 lines a page."""
    grid = sect.find(f"{W}docGrid")
    pitch = int(grid.get(f"{W}linePitch", 0)) if grid is not None and grid.get(f"{W}type") else 0
    if abs(pitch - spec.LINE_PITCH) > 2:
        lint.add(
            where,
            _("行网格"),
            _("每页{n}行（行距{pt}磅）").format(
                n=spec.LINES_PER_PAGE, pt=spec.number(spec.LINE_PITCH / 20)
            ),
            _("行距{pt}磅的网格").format(pt=f"{pitch / 20:g}") if pitch else _("无网格"),
        )


def _merge_sections(lint: Lint, before: int) -> None:
    """The findings from ``before`` on, each departure said once for all its sections."""
    merged: dict[tuple[str, str, str], list[Finding]] = {}
    for f in lint.findings[before:]:
        merged.setdefault((f.item, f.expected, f.found), []).append(f)
    del lint.findings[before:]
    for (item, expected, shown), group in merged.items():
        place = group[0].where if len(group) == 1 else _("{n}节的页面设置").format(n=len(group))
        lint.add(place, item, expected, shown)


def check_page_numbers(lint: Lint) -> None:
    where = _("页码")
    expected = _("“— 1 —”{size}半角{font}，单页居右空{n}、双页居左空{n}").format(
        size=size_name(spec.SIZE_4), font=spec.SONGTI, n=chars(spec.PAGE_NUMBER_INDENT)
    )
    settings = lint.doc.settings.element
    sect = lint.doc.sections[0]
    footers = [("default", sect.footer), ("even", sect.even_page_footer)]
    if not any(_has_page_field(f._element) for _kind, f in footers if not f.is_linked_to_previous):
        lint.add(where, _("页码"), expected, _("没有页码"))
        return
    if settings.find(f"{W}evenAndOddHeaders") is None:
        lint.add(where, _("页码位置"), _("单页居右、双页居左（奇偶页不同）"), _("各页相同"))
        footers = footers[:1]
    for kind, footer in footers:
        label = _("单页页码") if kind == "default" else _("双页页码")
        if footer.is_linked_to_previous or not _has_page_field(footer._element):
            lint.add(where, label, expected, _("没有页码"))
            continue
        p = next(p for p in footer._element.iter(f"{W}p") if _has_page_field(p))
        text = paragraph_text(p).strip()
        if not (text.startswith("—") and text.endswith("—")):
            lint.add(where, label, _("“— 1 —”（页码两边各一条一字线）"), f"“{text}”")
        align = lint.resolver.alignment(p)
        want = "right" if kind == "default" else "left"
        if align not in (want, "end" if want == "right" else "start"):
            lint.add(where, label, _("居右") if want == "right" else _("居左"), align_name(align))
        side = "right" if kind == "default" else "left"
        indent = lint.resolver.indent_chars(p, side, spec.SIZE_4)
        if abs(indent - spec.PAGE_NUMBER_INDENT) > 0.3:
            lint.add(
                where, label, _("外侧空{n}").format(n=chars(spec.PAGE_NUMBER_INDENT)), chars(indent)
            )
        for r in _runs(p):
            if not _run_text(r).strip():
                continue
            size = lint.resolver.run_size(r, p)
            fonts = {
                lint.resolver.run_font(r, p, "ascii"),
                lint.resolver.run_font(r, p, "eastAsia"),
            }
            if size != spec.SIZE_4 or spec.SONGTI not in fonts:
                lint.add(
                    where,
                    label,
                    official_font(spec.SIZE_4, spec.SONGTI),
                    describe_font(size, lint.resolver.run_font(r, p, "ascii"), False),
                )
                break


def check_record_page_number(lint: Lint) -> None:
    """A blank page before the 版记: neither it nor the 版记's page carries a number (7.5)."""
    blocks = list(lint.doc.element.body.iterchildren(f"{W}p", f"{W}tbl"))
    first = next((i for i, block in enumerate(blocks) if _is_record_block(lint, block)), None)
    if first is None:
        return
    breaks = 0
    for block in reversed(blocks[:first]):
        if block.tag == f"{W}tbl" or paragraph_text(block).strip():
            break
        breaks += _page_breaks(block)
    if breaks < 2:  # no page of its own between the body and the 版记
        return
    sections = [s for s in (b.find(f"{W}pPr/{W}sectPr") for b in blocks[first:]) if s is not None]
    sections.append(lint.doc.element.body.find(f"{W}sectPr"))
    numbered = _footers_number(lint, sections[0], blocks[:first])
    if numbered:
        lint.add(
            _("版记页"),
            _("页码"),
            _("版记页前有空白页时，空白页和版记页均不编排页码（GB/T 9704 7.5）"),
            _("编排了页码"),
        )


def _is_record_block(lint: Lint, block) -> bool:
    if block.tag == f"{W}tbl":
        return is_record(lint, block)
    text = full_width(paragraph_text(block)).strip(INDENT_SPACE)
    return bool(COPY_PATTERN.match(text))


def _page_breaks(p) -> int:
    """Page breaks a paragraph makes: a page-break run, page break before, a section break."""
    count = sum(1 for br in p.iter(f"{W}br") if br.get(f"{W}type") == "page")
    before = p.find(f"{W}pPr/{W}pageBreakBefore")
    if before is not None and before.get(f"{W}val", "1") not in ("0", "false"):
        count += 1
    sect = p.find(f"{W}pPr/{W}sectPr")
    if sect is not None:
        kind = sect.find(f"{W}type")
        count += 0 if kind is not None and kind.get(f"{W}val") == "continuous" else 1
    return count


def _footers_number(lint: Lint, sect, earlier: list) -> bool:
    """The section's footers (its own, or those it carries on from the sections before)
    print a page number."""
    chain = [sect] + [
        s for s in (b.find(f"{W}pPr/{W}sectPr") for b in reversed(earlier)) if s is not None
    ]
    for candidate in chain:
        refs = candidate.findall(f"{W}footerReference")
        if refs:
            parts = lint.doc.part.related_parts
            return any(
                _has_page_field(parts[ref.get(R_ID)].element)
                for ref in refs
                if ref.get(R_ID) in parts and ref.get(f"{W}type") in ("default", "even")
            )
    return False


def check_tables(lint: Lint) -> None:
    body = lint.doc.element.body
    for number, tbl in enumerate(body.iter(f"{W}tbl"), start=1):
        if is_record(lint, tbl):
            check_record(lint, number, tbl)
            continue
        bad = []
        for row_number, tr in enumerate(tbl.iterchildren(f"{W}tr"), start=1):
            for col_number, tc in enumerate(tr.iterchildren(f"{W}tc"), start=1):
                for p in tc.iterchildren(f"{W}p"):
                    for r in _runs(p):
                        text = _run_text(r)
                        if any(is_cjk(ch) for ch in text):
                            font = lint.resolver.run_font(r, p, "eastAsia")
                            if font != spec.FANGSONG:
                                bad.append((row_number, col_number, paragraph_text(p), font))
                                break
        if bad:
            row, col, text, font = bad[0]
            where = _("表{n}第{row}行第{col}列“{text}”").format(
                n=number, row=row, col=col, text=short_text(text)
            )
            if len(bad) > 1:
                where += _("（及另外 {k} 个单元格）").format(k=len(bad) - 1)
            lint.add(where, _("表格文字"), spec.FANGSONG, font or _("默认字体"))


def is_record(lint: Lint, tbl) -> bool:
    """The 版记 laid out as a table (docgen's GwRecord style, or 抄送 and 印发 in its cells)."""
    for p in tbl.iter(f"{W}p"):
        if lint.resolver.paragraph_style(p) == RECORD:
            return True
        text = full_width(paragraph_text(p)).strip(INDENT_SPACE)
        if COPY_PATTERN.match(text) or (
            PRINTED_PATTERN.search(text) and re.search(r"\d{4}\s*年", text)
        ):
            return True
    return False


def check_record(lint: Lint, number: int, tbl) -> None:
    """版记 (GB/T 9704 7.4): 4号仿宋, 1 character in on both sides, between rules the width
    of the text area."""
    where = _("表{n}（版记）").format(n=number)
    reported: set[str] = set()
    for p in tbl.iter(f"{W}p"):
        text = paragraph_text(p).strip()
        if text:
            place = _("{where}“{text}”").format(where=where, text=short_text(text))
            _check_record_line(lint, p, place, reported)
    _check_record_rules(lint, where, tbl)


def _check_record_line(lint: Lint, p, place: str, reported: set[str]) -> None:
    """One line of the 版记: its font and its indent, each departure said once a table."""
    label = _("版记")
    for r in _runs(p):
        run_text = _run_text(r)
        if not run_text.strip():
            continue
        size = lint.resolver.run_size(r, p)
        east = lint.resolver.run_font(r, p, "eastAsia")
        if (
            size != spec.SIZE_4 or (any(is_cjk(ch) for ch in run_text) and east != spec.FANGSONG)
        ) and "font" not in reported:
            reported.add("font")
            lint.add(
                place,
                label,
                f"{size_name(spec.SIZE_4)}{spec.FANGSONG}",
                describe_font(size, east, lint.resolver.run_flag(r, p, "b")),
            )
    align = lint.resolver.alignment(p)
    side = "right" if align in ("right", "end") else "left"
    indent = lint.resolver.indent_chars(p, side, spec.SIZE_4) + (
        lint.resolver.indent_chars(p, "firstLine", spec.SIZE_4) if side == "left" else 0
    )
    if abs(indent - spec.RECORD_INDENT) > 0.3 and "indent" not in reported:
        reported.add("indent")
        lint.add(place, label, _("左右各空{n}").format(n=chars(spec.RECORD_INDENT)), chars(indent))


def _check_record_rules(lint: Lint, where: str, tbl) -> None:
    """The first and last rules of the 版记, the width of the text area."""
    borders = tbl.find(f"{W}tblPr/{W}tblBorders")
    edges = {
        edge: borders.find(f"{W}{edge}") if borders is not None else None
        for edge in ("top", "bottom")
    }
    missing = [
        edge
        for edge, line in edges.items()
        if line is None or line.get(f"{W}val") in ("nil", "none")
    ]
    if missing:
        lint.add(where, _("版记的分隔线"), _("首条和末条分隔线（0.35毫米）"), _("没有"))
    width = tbl.find(f"{W}tblPr/{W}tblW")
    if (
        width is not None
        and width.get(f"{W}type") == "dxa"
        and abs(int(width.get(f"{W}w", "0")) - spec.TEXT_WIDTH) > 60
    ):
        lint.add(
            where,
            _("版记的宽度"),
            _("与版心等宽（{mm}毫米）").format(mm=mm(spec.TEXT_WIDTH)),
            _("{mm}毫米").format(mm=mm(int(width.get(f"{W}w", "0")))),
        )


def lint_document(doc: Document, name: str = "") -> list[Finding]:
    """Every departure of ``doc`` from GB/T 9704 that can be read from the file itself."""
    lint = Lint(doc, name)
    for rule in (
        check_page,
        check_page_numbers,
        check_record_page_number,
        check_paragraphs,
        check_tables,
    ):
        rule(lint)
    return lint.findings


def open_draft(path: Path) -> Document:
    """The .docx at ``path``; a .doc, .wps or damaged file is refused with what to do."""
    import zipfile

    path = Path(path)
    if not path.is_file():
        raise DocgenError(_("找不到文件 {file}").format(file=display_path(path)))
    if path.suffix.lower() not in (".docx", ".docm") or not zipfile.is_zipfile(path):
        raise NotDocxError(path)
    from docgen.gongwen.drafts import check_package

    check_package(path)  # sizes and DTDs, before anything is parsed
    try:
        return docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        raise DocgenError(
            _(
                "{file} 无法作为 Word 文档打开（{reason}）：请用 Word 或 WPS 打开后另存为 .docx"
            ).format(file=display_path(path), reason=type(exc).__name__)
        ) from exc


def form_category(doc: Document) -> str:
    """``"表单"`` for a form docgen wrote (a 安全承诺书 with its 回执: the category in its core
    properties, from the template of a kind whose manifest says ``official = false``), which
    is not a 公文 and is not checked against GB/T 9704; ``""`` for anything else."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    # read by its namespace, not doc.core_properties: docxcompose (imported by docxtpl)
    # rebinds python-docx's "cp" prefix to the custom-properties namespace
    try:
        core = doc.part.package.part_related_by(RELATIONSHIP_TYPE.CORE_PROPERTIES)
    except KeyError:
        return ""
    element = getattr(core, "element", None)
    found = element.find(f"{{{CORE_PROPERTIES}}}category") if element is not None else None
    category = (found.text or "").strip() if found is not None else ""
    return category if category == FORM_CATEGORY else ""


@dataclass
class Checked:
    """What ``check_files`` found in one file."""

    findings: list[Finding]
    form: str = ""  # "表单": not a 公文, laid out as a form, not checked


def check_files(paths: list[Path], pages: bool = True) -> dict[Path, Checked]:
    """``lint_document`` of each file that is a 公文, plus the signature-page rule on the
    printed pages (one LibreOffice run for all) when ``pages`` and LibreOffice and pdftotext
    are installed; a form is said to be one.  A file that cannot be read raises (NotDocxError
    for a .doc or .wps)."""
    docs = {Path(path): open_draft(Path(path)) for path in paths}
    result = {path: Checked([], form_category(doc)) for path, doc in docs.items()}
    docs = {path: doc for path, doc in docs.items() if not result[path].form}
    for path, doc in docs.items():
        result[path].findings = lint_document(doc, display_path(path))
    if pages and docs and can_print():
        for path, extra in signature_page_findings(docs).items():
            result[path].findings += extra
    return result


def lint_files(paths: list[Path], pages: bool = True) -> dict[Path, list[Finding]]:
    """The findings of ``check_files`` (none for a form)."""
    return {path: checked.findings for path, checked in check_files(paths, pages).items()}


def lint_file(path: Path, pages: bool = True) -> list[Finding]:
    return lint_files([Path(path)], pages)[Path(path)]


def can_print() -> bool:
    from docgen.output.pdf import find_soffice

    return bool(find_soffice() and shutil.which("pdftotext"))


def signature_page_findings(docs: dict[Path, Document]) -> dict[Path, list[Finding]]:
    """The page with the 署名 and 成文日期 must carry body text too (GB/T 9704 7.3.5.5); no
    blank page carries a page number (7.5)."""
    from docgen.output.pdf import convert_to_pdf

    signed = {}
    for path, doc in docs.items():
        found = parts(doc)
        signature = next((p for p in found if p.role == SIGNATURE), None)
        if signature is not None:
            signed[path] = (signature, found)
    out: dict[Path, list[Finding]] = {}
    if not signed:
        return out
    with tempfile.TemporaryDirectory(prefix="docgen-lint-") as folder:
        copies = []
        for number, path in enumerate(signed):
            copy = Path(folder) / f"{number}.docx"
            shutil.copyfile(path, copy)
            copies.append(copy)
        try:
            pdfs = convert_to_pdf(copies, timeout=300)
        except DocgenError:
            return out
        for (path, (signature, found)), pdf in zip(signed.items(), pdfs, strict=True):
            text = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=False
            ).stdout.decode("utf-8", "replace")
            pages = text.split("\f")
            if pages and not pages[-1].strip():
                pages.pop()
            finding = _signature_alone(path, pages, signature, found)
            out[path] = ([finding] if finding else []) + _numbered_blank_page(path, pages)
    return {path: findings for path, findings in out.items() if findings}


def _numbered_blank_page(path: Path, pages: list[str]) -> list[Finding]:
    """A printed page holding nothing but its page number (7.5: a blank page before the 版记
    and the 版记's page carry no number)."""
    for number, page in enumerate(pages, start=1):
        text = re.sub(r"\s+", "", page)
        if text and re.fullmatch(r"[—–-]*\d+[—–-]*", text):
            return [
                Finding(
                    display_path(path),
                    _("第{n}页").format(n=number),
                    _("页码"),
                    _("版记页前有空白页时，空白页和版记页均不编排页码（GB/T 9704 7.5）"),
                    _("空白页印有页码“{text}”").format(text=text),
                )
            ]
    return []


def _signature_alone(
    path: Path, pages: list[str], signature: Part, found: list[Part]
) -> Finding | None:
    wanted = {
        re.sub(r"\s+", "", p.text)
        for p in found
        if p.role in (SIGNATURE, DATE, NOTE, COPY_TO, PRINTED_BY)
    }
    target = re.sub(r"\s+", "", signature.text)
    for number, page in enumerate(pages, start=1):
        lines = [re.sub(r"\s+", "", line) for line in page.splitlines()]
        if target not in lines:
            continue
        rest = [
            line
            for line in lines
            if line and line not in wanted and not re.fullmatch(r"[—–-]*\d+[—–-]*", line)
        ]
        if rest:
            return None
        return Finding(
            display_path(path),
            _("第{n}页").format(n=number),
            _("署名页"),
            _("带有正文（调整上一页的行距或字距，使正文至少一行移到本页，GB/T 9704 7.3.5.5）"),
            _("只有署名和成文日期"),
            signature.number,
        )
    return None
