"""GB/T 9704-2012 (党政机关公文格式) page, styles and footer, applied to a python-docx Document.

``apply_official_layout(doc)`` sets the page, the line grid, the styles and the page-number
footer; the ``add_*`` functions then write paragraphs in those styles.  Built-in templates are
made with these functions; user templates keep their own look.  The quantities come from
``spec``; the layout passes run on rendered documents (signature, 版头, 版记, tightening) are in
``passes`` and named here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from docgen.gongwen.passes import (  # noqa: F401  (the layout passes, by their old names)
    PITCH_FROM_KEY,
    PITCH_KEY,
    SEALED_KEY,
    finish_record,
    finish_signature,
    finish_tightening,
    place_record,
    place_signature,
    printed_width,
    sealed_indents,
    signature_indents,
    text_width,
    tighten_body,
)
from docgen.gongwen.spec import (  # noqa: F401  (the quantities, by their old names)
    BLACK,
    CHAR,
    CONDENSE,
    FANGSONG,
    FOOTER_DISTANCE,
    HEADER_DISTANCE,
    HEITI,
    KAITI,
    LINE_PITCH,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    MARK_BEFORE,
    MARK_LINE,
    MARK_SIZE,
    MARK_TOP,
    NUMBER_BELOW_MARK,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    PRINTED_CHAR,
    PRINTED_HALF,
    RED,
    ROW_HEIGHT,
    RULE_LINE,
    SIZE_2,
    SIZE_3,
    SIZE_4,
    SIZE_SMALL_4,
    SONGTI,
    TEXT_WIDTH,
    TIGHT_PITCHES,
    XIAOBIAOSONG,
)
from docgen.gongwen.styles import (  # noqa: F401
    ANNEX_LABEL,
    ATTACHMENT,
    BODY,
    DATE,
    FOOTER,
    HEADER,
    HEADING_1,
    HEADING_2,
    HEADING_3,
    RECIPIENT,
    RECORD,
    SIGNATURE,
    TABLE_HEADER,
    TABLE_TEXT,
    TITLE,
)
from docgen.ooxml import el as _el
from docgen.ooxml import emu, put

# A file docgen writes that is a form to fill in, not a 公文 (its core properties' category):
# ``lint`` says so instead of checking it against GB/T 9704.
FORM_CATEGORY = "表单"

# Styles kept from python-docx's default template (the rest carry theme fonts and colours
# nobody uses in a 公文, so they are dropped).
_KEPT_STYLES = {
    "Normal",
    "DefaultParagraphFont",
    "TableNormal",
    "NoList",
    "TableGrid",
    "Header",
    "Footer",
    "Title",
    "Heading1",
    "Heading2",
    "Heading3",
}


def _strip_theme(element) -> None:
    """Drop every *Theme / theme* attribute (theme fonts and theme colours) under ``element``."""
    for node in element.iter():
        for attr in list(node.attrib):
            if "theme" in attr.rsplit("}", 1)[-1].lower():
                del node.attrib[attr]


def run_properties(font: str, size: float, bold: bool = False, condense: int = 0) -> etree._Element:
    """A ``w:rPr`` naming ``font`` in all four rFonts slots, black, ``size`` points,
    ``condense`` twentieths of a point tighter between characters."""
    rpr = OxmlElement("w:rPr")
    rpr.append(_el("w:rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font))
    b, bcs = _el("w:b"), _el("w:bCs")
    if not bold:
        b.set(qn("w:val"), "0")
        bcs.set(qn("w:val"), "0")
    rpr.append(b)
    rpr.append(bcs)
    i = _el("w:i", val=0)
    rpr.append(i)
    rpr.append(_el("w:color", val=BLACK))
    if condense:
        rpr.append(_el("w:spacing", val=condense))
    half_points = int(round(size * 2))
    rpr.append(_el("w:sz", val=half_points))
    rpr.append(_el("w:szCs", val=half_points))
    return rpr


def paragraph_properties(
    *,
    align: str = "both",
    first_line_chars: int = 0,
    left_chars: int = 0,
    right_chars: int = 0,
    char_twips: int = CHAR,
    exact_line: int | None = LINE_PITCH,
    snap_to_grid: bool = True,
    keep_next: bool = False,
    page_break_before: bool = False,
    outline_level: int | None = None,
) -> etree._Element:
    """A ``w:pPr``; indents in hundredths of a character (200 = 2 characters), given both in
    character units (Word, WPS) and in twips (LibreOffice and older readers)."""
    children = {}
    children["keepNext"] = _el("w:keepNext", val=1 if keep_next else 0)
    if page_break_before:
        children["pageBreakBefore"] = _el("w:pageBreakBefore")
    if not snap_to_grid:
        children["snapToGrid"] = _el("w:snapToGrid", val=0)
    if exact_line:
        children["spacing"] = _el("w:spacing", before=0, after=0, line=exact_line, lineRule="exact")
    else:
        children["spacing"] = _el("w:spacing", before=0, after=0, line=240, lineRule="auto")
    children["ind"] = _el(
        "w:ind",
        left=left_chars * char_twips // 100,
        leftChars=left_chars,
        right=right_chars * char_twips // 100,
        rightChars=right_chars,
        firstLine=first_line_chars * char_twips // 100,
        firstLineChars=first_line_chars,
    )
    children["jc"] = _el("w:jc", val=align)
    if outline_level is not None:
        children["outlineLvl"] = _el("w:outlineLvl", val=outline_level)
    ppr = OxmlElement("w:pPr")
    for child in children.values():
        put(ppr, child)
    return ppr


def _define_style(doc: Document, style_id: str, name: str, ppr, rpr, based_on: str | None = BODY):
    """Create or replace paragraph style ``style_id`` with exactly these properties."""
    styles = doc.styles.element
    style = styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='{style_id}']")
    if style is None:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH).element
        style.set(qn("w:styleId"), style_id)
    for child in list(style):
        if child.tag in (
            qn("w:pPr"),
            qn("w:rPr"),
            qn("w:basedOn"),
            qn("w:link"),
            qn("w:next"),
            qn("w:name"),
            qn("w:semiHidden"),
            qn("w:unhideWhenUsed"),
            qn("w:rsid"),
        ):
            style.remove(child)
    style.insert(0, _el("w:name", val=name))
    position = 1
    if based_on and style_id != based_on:
        style.insert(position, _el("w:basedOn", val=based_on))
        position += 1
    style.insert(
        position, _el("w:next", val=BODY if style_id not in (FOOTER, HEADER) else style_id)
    )
    style.append(ppr)
    style.append(rpr)
    return style


class _Style(NamedTuple):
    """One 公文 paragraph style: its paragraph properties (``paragraph_properties``' keywords)
    and its run properties."""

    style_id: str
    name: str
    paragraph: dict[str, Any]
    face: str
    size: float
    bold: bool = False
    condense: int = 0
    based_on: str | None = BODY


_BODY_TEXT: dict[str, Any] = dict(first_line_chars=200)
# 小四 in tables: six columns of figures fit the 156 mm text width
_TABLE_CELL: dict[str, Any] = dict(
    align="center", exact_line=None, snap_to_grid=False, char_twips=SIZE_SMALL_4 * 20
)
_PAGE_EDGE: dict[str, Any] = dict(exact_line=None, snap_to_grid=False, char_twips=SIZE_4 * 20)

# The 公文 styles, in the order they are defined.
_STYLES = (
    _Style(BODY, "Normal", _BODY_TEXT, FANGSONG, SIZE_3, condense=CONDENSE, based_on=None),
    # off the grid: LibreOffice would give a 2号 line more than one grid line
    _Style(TITLE, "Title", dict(align="center", snap_to_grid=False), XIAOBIAOSONG, SIZE_2),
    # 一、 in 黑体, （一） in 楷体, 1. in 仿宋: each kept with the text it heads
    *(
        _Style(
            style,
            f"heading {level + 1}",
            dict(**_BODY_TEXT, keep_next=True, outline_level=level),
            face,
            SIZE_3,
            condense=CONDENSE,
        )
        for level, (style, face) in enumerate(
            ((HEADING_1, HEITI), (HEADING_2, KAITI), (HEADING_3, FANGSONG))
        )
    ),
    _Style(RECIPIENT, "主送机关", dict(align="left"), FANGSONG, SIZE_3, condense=CONDENSE),
    _Style(
        SIGNATURE,
        "发文机关署名",
        dict(align="right", right_chars=400),
        FANGSONG,
        SIZE_3,
        condense=CONDENSE,
    ),
    _Style(
        DATE, "成文日期", dict(align="right", right_chars=200), FANGSONG, SIZE_3, condense=CONDENSE
    ),
    _Style(ATTACHMENT, "附件说明", _BODY_TEXT, FANGSONG, SIZE_3, condense=CONDENSE),
    _Style(
        ANNEX_LABEL,
        "附件标识",
        dict(align="left", keep_next=True),
        HEITI,
        SIZE_3,
        condense=CONDENSE,
    ),
    _Style(TABLE_TEXT, "表格文字", _TABLE_CELL, FANGSONG, SIZE_SMALL_4),
    _Style(
        TABLE_HEADER,
        "表格标题行",
        dict(**_TABLE_CELL, keep_next=True),
        FANGSONG,
        SIZE_SMALL_4,
        bold=True,
        based_on=TABLE_TEXT,
    ),
    _Style(FOOTER, "footer", dict(align="right", **_PAGE_EDGE), SONGTI, SIZE_4),
    _Style(HEADER, "header", dict(align="center", **_PAGE_EDGE), SONGTI, SIZE_4 - 5),
)


def _define_styles(doc: Document) -> None:
    """The 公文 styles and document defaults, in place of python-docx's default template's."""
    styles = doc.styles.element
    for style in list(styles.iterchildren(qn("w:style"))):
        if style.get(qn("w:styleId")) not in _KEPT_STYLES:
            styles.remove(style)
    _set_defaults(styles)
    for wanted in _STYLES:
        rpr = run_properties(wanted.face, wanted.size, bold=wanted.bold, condense=wanted.condense)
        ppr = paragraph_properties(**wanted.paragraph)
        _define_style(doc, wanted.style_id, wanted.name, ppr, rpr, wanted.based_on)
    for style_id in ("TableNormal", "TableGrid", "DefaultParagraphFont", "NoList"):
        style = styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='{style_id}']")
        if style is None:
            continue
        for child in list(style):
            if child.tag in (qn("w:pPr"), qn("w:rPr")):
                style.remove(child)
    _strip_theme(styles)
    for color in styles.iter(qn("w:color")):
        color.set(qn("w:val"), BLACK)


def _set_defaults(styles) -> None:
    """``w:docDefaults``: 3号仿宋, Chinese, exact single lines on the grid."""
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        styles.remove(defaults)
    defaults = OxmlElement("w:docDefaults")
    rpr_default = OxmlElement("w:rPrDefault")
    rpr = run_properties(FANGSONG, SIZE_3)
    for tag in ("w:b", "w:bCs", "w:i"):
        rpr.remove(rpr.find(qn(tag)))
    rpr.append(_el("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))
    rpr_default.append(rpr)
    ppr_default = OxmlElement("w:pPrDefault")
    ppr = OxmlElement("w:pPr")
    # Word's default, written out because LibreOffice reads overflowPunct inverted: without
    # it LibreOffice hangs a line-end "，" into the margin of a justified line and the PDF
    # loses it; with it the character before moves down with the comma.
    ppr.append(_el("w:overflowPunct", val=1))
    ppr.append(_el("w:spacing", before=0, after=0, line=LINE_PITCH, lineRule="exact"))
    ppr_default.append(ppr)
    defaults.append(rpr_default)
    defaults.append(ppr_default)
    styles.insert(0, defaults)


def set_page(section) -> None:
    """A4 portrait, the official margins and the 22-line grid on a python-docx section."""
    from docx.enum.section import WD_ORIENT

    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = emu(PAGE_WIDTH)
    section.page_height = emu(PAGE_HEIGHT)
    section.top_margin = emu(MARGIN_TOP)
    section.bottom_margin = emu(MARGIN_BOTTOM)
    section.left_margin = emu(MARGIN_LEFT)
    section.right_margin = emu(MARGIN_RIGHT)
    section.header_distance = emu(HEADER_DISTANCE)
    section.footer_distance = emu(FOOTER_DISTANCE)
    section.gutter = emu(0)
    put(section._sectPr, _el("w:docGrid", type="lines", linePitch=LINE_PITCH))


def _set_section(doc: Document, page_numbers: bool) -> None:
    section = doc.sections[0]
    set_page(section)
    # Each document restarts at page 1, also when several are bound into one print file.
    put(section._sectPr, _el("w:pgNumType", start=1))
    if page_numbers:
        _set_footers(doc)


def _page_field_runs(paragraph: Paragraph) -> None:
    """``— PAGE —`` with PAGE as a real field, so Word, WPS and LibreOffice number the pages."""
    p = paragraph._p

    def run(*children):
        r = OxmlElement("w:r")
        for child in children:
            r.append(child)
        p.append(r)

    def text(value):
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = value
        return t

    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run(text("— "))
    run(_el("w:fldChar", fldCharType="begin"))
    run(instr)
    run(_el("w:fldChar", fldCharType="separate"))
    run(text("1"))
    run(_el("w:fldChar", fldCharType="end"))
    run(text(" —"))


def _set_footers(doc: Document) -> None:
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align, ind in (
        (section.footer, "right", dict(right=SIZE_4 * 20, rightChars=100)),
        (section.even_page_footer, "left", dict(left=SIZE_4 * 20, leftChars=100)),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        for child in list(paragraph._p):
            paragraph._p.remove(child)
        paragraph.style = doc.styles["footer"]
        ppr = paragraph._p.get_or_add_pPr()
        ppr.append(_el("w:ind", firstLine=0, firstLineChars=0, **ind))
        ppr.append(_el("w:jc", val=align))
        _page_field_runs(paragraph)


def _set_settings(doc: Document) -> None:
    settings = doc.settings.element
    spacing = settings.find(qn("w:characterSpacingControl"))
    if spacing is not None:
        # Chinese punctuation compressed as in Word's own Chinese documents.
        spacing.set(qn("w:val"), "compressPunctuation")
    font_lang = settings.find(qn("w:themeFontLang"))
    if font_lang is not None:
        font_lang.set(qn("w:eastAsia"), "zh-CN")


def apply_official_layout(doc: Document, page_numbers: bool = True) -> Document:
    """Set page, grid, styles and (optionally) the ``— 1 —`` footer; returns ``doc``.

    Meant for a new, empty ``docx.Document()``: non-公文 styles of the default template are
    removed.
    """
    _define_styles(doc)
    _set_section(doc, page_numbers)
    _set_settings(doc)
    _drop_default_parts(doc)
    return doc


def _drop_default_parts(doc: Document) -> None:
    """Remove what python-docx's default template carries besides: stylesWithEffects.xml
    (Word 2010's copy of the styles, with the theme's blue headings and fonts, which Word
    2010 may read instead of styles.xml) and the thumbnail of a page that is not this one."""
    for rels, reltype in (
        (doc.part.rels, "/relationships/stylesWithEffects"),
        (doc.part.package.rels, "/metadata/thumbnail"),
    ):
        for r_id, rel in list(rels.items()):
            if rel.reltype.endswith(reltype):
                del rels[r_id]


def add_paragraph(doc: Document, text: str, style: str = BODY) -> Paragraph:
    """A paragraph in the style with id ``style`` (``BODY``, ``DATE``, ``RECIPIENT`` …)."""
    paragraph = doc.add_paragraph(style=doc.styles[_style_name(doc, style)])
    if text:
        paragraph.add_run(text)
    return paragraph


def _style_name(doc: Document, style_id: str) -> str:
    for style in doc.styles:
        if style.style_id == style_id:
            return style.name
    raise KeyError(style_id)


def add_title(doc: Document, text: str, blank_after: bool = True) -> Paragraph:
    """The title, 2号 方正小标宋简体 centred, with the blank line GB/T 9704 puts before 主送."""
    paragraph = add_paragraph(doc, text, TITLE)
    if blank_after:
        add_blank(doc)
    return paragraph


def add_blank(doc: Document, keep_next: bool = False) -> Paragraph:
    paragraph = add_paragraph(doc, "", BODY)
    if keep_next:
        keep_with_next(paragraph)
    return paragraph


def keep_with_next(paragraph: Paragraph) -> Paragraph:
    """Keep ``paragraph`` on the page of the next one (a signature never stands alone on a
    page: the last lines of the body move over with it)."""
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def add_recipient(doc: Document, text: str) -> Paragraph:
    """主送机关, flush left; ends with a full-width colon."""
    if not text.endswith("："):
        text += "："
    return add_paragraph(doc, text, RECIPIENT)


def add_body(doc: Document, text: str) -> Paragraph:
    return add_paragraph(doc, text, BODY)


def add_heading(doc: Document, text: str, level: int = 1) -> Paragraph:
    """Level 1 ``一、`` 黑体, level 2 ``（一）`` 楷体, level 3 ``1.`` 仿宋; level 4 is body text."""
    style = {1: HEADING_1, 2: HEADING_2, 3: HEADING_3}.get(level, BODY)
    return add_paragraph(doc, text, style)


def add_signature(
    doc: Document,
    issuer: str,
    date_text: str,
    blank_before: bool = True,
) -> tuple[Paragraph, Paragraph]:
    """发文机关署名 and 成文日期 on the next line.

    Where they stand is decided when the document is rendered (``place_signature``), from the
    printed name and date, so a template never keeps the placement of another issuer.
    """
    if blank_before:
        add_blank(doc, keep_next=True)
    signature = keep_with_next(add_paragraph(doc, issuer, SIGNATURE))
    date = add_paragraph(doc, date_text, DATE)
    return signature, date


def _direct_ppr(p, **children) -> etree._Element:
    """Replace ``p``'s own paragraph properties (but its style) by ``children``, in schema order."""
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        p.insert(0, ppr)
    for child in list(ppr):
        if child.tag not in (qn("w:pStyle"), qn("w:sectPr")):
            ppr.remove(child)
    for child in children.values():
        put(ppr, child)
    return ppr


def _direct_rpr(r, font: str, size: float, color: str = BLACK) -> None:
    for old in r.findall(qn("w:rPr")):
        r.remove(old)
    rpr = run_properties(font, size)
    rpr.find(qn("w:color")).set(qn("w:val"), color)
    r.insert(0, rpr)


def lay_out_mark(p) -> None:
    """发文机关标志: red 小标宋 larger than 2号, centred, 35 mm below the top of the text area."""
    _direct_ppr(
        p,
        snapToGrid=_el("w:snapToGrid", val=0),
        spacing=_el("w:spacing", before=MARK_BEFORE, after=0, line=MARK_LINE, lineRule="exact"),
        ind=_el("w:ind", firstLine=0, firstLineChars=0),
        jc=_el("w:jc", val="center"),
    )
    for r in p.iter(qn("w:r")):
        _direct_rpr(r, XIAOBIAOSONG, MARK_SIZE, RED)


def lay_out_number(p, name_at: int | None) -> None:
    """发文字号: centred; with 签发人 (``name_at``: where the name starts in the text), 1 character
    in from the left, 签发人 at a right tab 1 character in from the right, the name in 楷体."""
    if name_at is None:
        _direct_ppr(
            p, ind=_el("w:ind", firstLine=0, firstLineChars=0), jc=_el("w:jc", val="center")
        )
    else:
        tabs = OxmlElement("w:tabs")
        tabs.append(_el("w:tab", val="right", pos=TEXT_WIDTH - CHAR))
        _direct_ppr(
            p,
            tabs=tabs,
            ind=_el(
                "w:ind",
                left=CHAR,
                leftChars=100,
                right=CHAR,
                rightChars=100,
                firstLine=0,
                firstLineChars=0,
            ),
            jc=_el("w:jc", val="left"),
        )
    offset = 0
    for r in p.iter(qn("w:r")):
        start = offset
        offset += sum(len(t.text or "") for t in r.iter(qn("w:t"))) + len(list(r.iter(qn("w:tab"))))
        name = name_at is not None and start >= name_at
        _direct_rpr(r, KAITI if name else FANGSONG, SIZE_3)


def lay_out_rule(p) -> None:
    """The 版头's red rule: a bordered paragraph the width of the text area."""
    borders = OxmlElement("w:pBdr")
    borders.append(_el("w:bottom", val="single", sz=12, space=0, color=RED))
    _direct_ppr(
        p,
        snapToGrid=_el("w:snapToGrid", val=0),
        pBdr=borders,
        spacing=_el("w:spacing", before=0, after=0, line=RULE_LINE, lineRule="exact"),
        ind=_el("w:ind", left=0, right=0, firstLine=0, firstLineChars=0),
    )


def add_attachment_note(doc: Document, items: Sequence[str]) -> list[Paragraph]:
    """``附件：1.XXX`` 2 characters in, one line below the body; later items align with ``1.``.

    The note is kept on the page of what follows it (the signature).
    """
    add_blank(doc, keep_next=True)
    paragraphs = []
    for number, item in enumerate(items, start=1):
        if len(items) == 1:
            paragraphs.append(add_paragraph(doc, f"附件：{item}", ATTACHMENT))
            break
        if number == 1:
            paragraphs.append(add_paragraph(doc, f"附件：{number}.{item}", ATTACHMENT))
        else:
            paragraph = add_paragraph(doc, f"{number}.{item}", ATTACHMENT)
            ppr = paragraph._p.get_or_add_pPr()
            # "附件：" is 3 characters after the 2-character indent
            ppr.append(_el("w:ind", left=5 * CHAR, leftChars=500, firstLine=0, firstLineChars=0))
            paragraphs.append(paragraph)
    for paragraph in paragraphs:
        keep_with_next(paragraph)
    return paragraphs


def add_annex_label(doc: Document, text: str, new_page: bool = True) -> Paragraph:
    """``附件1`` in 3号黑体 at the top left of a new page."""
    paragraph = add_paragraph(doc, text, ANNEX_LABEL)
    if new_page:
        ppr = paragraph._p.get_or_add_pPr()
        keep = ppr.find(qn("w:pStyle"))
        keep.addnext(_el("w:pageBreakBefore"))
    return paragraph


def add_page_break(doc: Document) -> Paragraph:
    """A paragraph holding only a page break (what Ctrl+Enter makes in Word)."""
    paragraph = doc.add_paragraph(style=doc.styles[_style_name(doc, BODY)])
    run = OxmlElement("w:r")
    run.append(_el("w:br", type="page"))
    paragraph._p.append(run)
    return paragraph


def _cell_width(cell, width: int) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    for old in tc_pr.findall(qn("w:tcW")):
        tc_pr.remove(old)
    tc_pr.insert(0, _el("w:tcW", w=width, type="dxa"))
    for old in tc_pr.findall(qn("w:vAlign")):
        tc_pr.remove(old)
    tc_pr.append(_el("w:vAlign", val="center"))


def add_table(
    doc: Document,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[int] | None = None,
    borders: bool = True,
    align: Sequence[str] | None = None,
    text_style: str = TABLE_TEXT,
) -> Table:
    """A table in 表格文字 style: explicit grid and cell widths (twips, WPS needs them),
    single black borders, a bold header row repeated on every page; ``header`` may be empty.

    ``widths`` default to equal columns across the text width; ``align`` per column
    (``center``/``left``/``both``) defaults to centred; ``text_style`` is the style id of the
    body cells (e.g. ``RECIPIENT`` for 3号 signature blocks without borders).
    """
    columns = len(header) if header else max(len(r) for r in rows)
    if widths is None:
        widths = [TEXT_WIDTH // columns] * columns
    widths = [int(w) for w in widths]
    table = doc.add_table(rows=0, cols=columns)
    _set_table_properties(table._tbl.tblPr, sum(widths), borders)
    grid = table._tbl.tblGrid
    for col in list(grid):
        grid.remove(col)
    for width in widths:
        grid.append(_el("w:gridCol", w=width))
    header_style = doc.styles[_style_name(doc, TABLE_HEADER)]
    body_style = doc.styles[_style_name(doc, text_style)]
    if header:
        _add_row(table, header, header_style, widths, align, is_header=True)
    for values in rows:
        _add_row(table, values, body_style, widths, align, is_header=False)
    return table


def _set_table_properties(tbl_pr, width: int, borders: bool) -> None:
    """Replace the table's properties (but its style): ``width`` twips wide, centred, fixed
    layout, single black borders or none, narrow cell margins, no banding."""
    for child in list(tbl_pr):
        if child.tag != qn("w:tblStyle"):
            tbl_pr.remove(child)
    tbl_pr.append(_el("w:tblW", w=width, type="dxa"))
    tbl_pr.append(_el("w:jc", val="center"))
    edges = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if borders:
            edges.append(_el(f"w:{edge}", val="single", sz=4, space=0, color=BLACK))
        else:
            edges.append(_el(f"w:{edge}", val="nil"))
    tbl_pr.append(edges)
    tbl_pr.append(_el("w:tblLayout", type="fixed"))
    margins = OxmlElement("w:tblCellMar")
    margins.append(_el("w:left", w=85, type="dxa"))
    margins.append(_el("w:right", w=85, type="dxa"))
    tbl_pr.append(margins)
    tbl_pr.append(
        _el(
            "w:tblLook",
            val="0000",
            firstRow=0,
            lastRow=0,
            firstColumn=0,
            lastColumn=0,
            noHBand=1,
            noVBand=1,
        )
    )


def _add_row(
    table: Table,
    values: Sequence[object],
    style,
    widths: Sequence[int],
    align: Sequence[str] | None,
    is_header: bool,
) -> None:
    """A row that is never split across pages, its cells in ``style``; missing values are
    left empty, a header row is repeated on every page."""
    row = table.add_row()
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(_el("w:cantSplit"))
    tr_pr.append(_el("w:trHeight", val=ROW_HEIGHT, hRule="atLeast"))
    if is_header:
        tr_pr.append(_el("w:tblHeader"))
    for index, (cell, width) in enumerate(zip(row.cells, widths, strict=True)):
        _cell_width(cell, width)
        paragraph = cell.paragraphs[0]
        paragraph.style = style
        value = values[index] if index < len(values) else ""
        if value not in (None, ""):
            paragraph.add_run(str(value))  # "\n" becomes a line break
        if align and align[index] != "center":
            paragraph._p.get_or_add_pPr().append(_el("w:jc", val=align[index]))
