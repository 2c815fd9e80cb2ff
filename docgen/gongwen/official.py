"""GB/T 9704-2012 (党政机关公文格式) page, styles and footer, applied to a python-docx Document.

``apply_official_layout(doc)`` sets the page, the line grid, the styles and the page-number
footer; the ``add_*`` functions then write paragraphs in those styles.  Built-in templates are
made with these functions; user templates keep their own look.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

# Fonts as Word knows them; machines without them substitute.
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"

# Sizes in points: 2号 22, 3号 16, 4号 14, 小四 12.
SIZE_2 = 22
SIZE_3 = 16
SIZE_4 = 14
SIZE_SMALL_4 = 12

# Page in twips (1 mm = 56.7 twips): A4, margins top 37, bottom 35, left 28, right 26 mm.
PAGE_WIDTH = 11906
PAGE_HEIGHT = 16838
MARGIN_TOP = 2098
MARGIN_BOTTOM = 1984
MARGIN_LEFT = 1587
MARGIN_RIGHT = 1474
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 8845 ≈ 156 mm
HEADER_DISTANCE = 851  # 15 mm; no header is used
# The dash lines of the page number sit 7 mm under the text block (GB/T 9704 7.5), measured on
# the printed page: 35 mm − 7 mm − half the 4号 line ≈ 25.5 mm.
FOOTER_DISTANCE = 1443

# The 版头 (GB/T 9704 7.2): the 发文机关标志 in red 小标宋 (小初 here), on an exact line of its
# own, its characters' top 35 mm below the top of the text area; the red rule under the
# 发文字号 a thin bordered paragraph.
MARK_TOP = 1984
MARK_SIZE = 36
MARK_LINE = 1020  # 51 pt
MARK_BEFORE = MARK_TOP - (MARK_LINE - MARK_SIZE * 20) // 2  # 1834
RED = "FF0000"
RULE_LINE = 227  # 4 mm

# A file docgen writes that is a form to fill in, not a 公文 (its core properties' category):
# ``lint`` says so instead of checking it against GB/T 9704.
FORM_CATEGORY = "表单"

# 22 lines a page: 225 mm / 22 = 28.95 pt = 579 twips.
LINE_PITCH = 579
# 28 characters a line: 28 × 16 pt is wider than 156 mm, so 3号 text is condensed by 0.25 pt
# (w:spacing −5 twentieths) to 15.75 pt a character.  A "linesAndChars" grid would do this in
# Word, but LibreOffice (our PDF route) then gives each character two grid cells.
CONDENSE = -5
CHAR = SIZE_3 * 20  # one 3号 character in twips (640 = 2 characters)

BLACK = "000000"
ROW_HEIGHT = 454  # 8 mm: table rows a pen can write in

# Style ids (ASCII, which every Word/WPS version accepts) and the Chinese names users see.
BODY = "Normal"
TITLE = "Title"
HEADING_1 = "Heading1"
HEADING_2 = "Heading2"
HEADING_3 = "Heading3"
RECIPIENT = "GwRecipient"
SIGNATURE = "GwSignature"
DATE = "GwDate"
ATTACHMENT = "GwAttachment"
ANNEX_LABEL = "GwAnnexLabel"
TABLE_TEXT = "GwTableText"
TABLE_HEADER = "GwTableHeader"
FOOTER = "Footer"
HEADER = "Header"

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

_PPR_ORDER = (
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
)


def _el(tag: str, **attrs: object) -> etree._Element:
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), str(value))
    return element


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
    for name in _PPR_ORDER:
        if name in children:
            ppr.append(children[name])
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


def _define_styles(doc: Document) -> None:
    styles = doc.styles.element
    for style in list(styles.iterchildren(qn("w:style"))):
        if style.get(qn("w:styleId")) not in _KEPT_STYLES:
            styles.remove(style)

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

    body: dict[str, Any] = dict(first_line_chars=200)
    _define_style(
        doc,
        BODY,
        "Normal",
        paragraph_properties(**body),
        run_properties(FANGSONG, SIZE_3, condense=CONDENSE),
        None,
    )
    # off the grid: LibreOffice would give a 2号 line more than one grid line
    _define_style(
        doc,
        TITLE,
        "Title",
        paragraph_properties(align="center", snap_to_grid=False),
        run_properties(XIAOBIAOSONG, SIZE_2),
    )
    _define_style(
        doc,
        HEADING_1,
        "heading 1",
        paragraph_properties(**body, keep_next=True, outline_level=0),
        run_properties(HEITI, SIZE_3, condense=CONDENSE),
    )
    _define_style(
        doc,
        HEADING_2,
        "heading 2",
        paragraph_properties(**body, keep_next=True, outline_level=1),
        run_properties(KAITI, SIZE_3, condense=CONDENSE),
    )
    _define_style(
        doc,
        HEADING_3,
        "heading 3",
        paragraph_properties(**body, keep_next=True, outline_level=2),
        run_properties(FANGSONG, SIZE_3, condense=CONDENSE),
    )
    _define_style(
        doc,
        RECIPIENT,
        "主送机关",
        paragraph_properties(align="left"),
        run_properties(FANGSONG, SIZE_3, condense=CONDENSE),
    )
    _define_style(
        doc,
        SIGNATURE,
        "发文机关署名",
        paragraph_properties(align="right", right_chars=400),
        run_properties(FANGSONG, SIZE_3, condense=CONDENSE),
    )
    _define_style(
        doc,
        DATE,
        "成文日期",
        paragraph_properties(align="right", right_chars=200),
        run_properties(FANGSONG, SIZE_3, condense=CONDENSE),
    )
    _define_style(
        doc,
        ATTACHMENT,
        "附件说明",
        paragraph_properties(**body),
        run_properties(FANGSONG, SIZE_3, condense=CONDENSE),
    )
    _define_style(
        doc,
        ANNEX_LABEL,
        "附件标识",
        paragraph_properties(align="left", keep_next=True),
        run_properties(HEITI, SIZE_3, condense=CONDENSE),
    )
    # 小四 in tables: six columns of figures fit the 156 mm text width
    table_ppr: dict[str, Any] = dict(
        align="center", exact_line=None, snap_to_grid=False, char_twips=SIZE_SMALL_4 * 20
    )
    _define_style(
        doc,
        TABLE_TEXT,
        "表格文字",
        paragraph_properties(**table_ppr),
        run_properties(FANGSONG, SIZE_SMALL_4),
    )
    _define_style(
        doc,
        TABLE_HEADER,
        "表格标题行",
        paragraph_properties(**table_ppr, keep_next=True),
        run_properties(FANGSONG, SIZE_SMALL_4, bold=True),
        TABLE_TEXT,
    )
    footer_ppr: dict[str, Any] = dict(exact_line=None, snap_to_grid=False, char_twips=SIZE_4 * 20)
    _define_style(
        doc,
        FOOTER,
        "footer",
        paragraph_properties(align="right", **footer_ppr),
        run_properties(SONGTI, SIZE_4),
    )
    _define_style(
        doc,
        HEADER,
        "header",
        paragraph_properties(align="center", **footer_ppr),
        run_properties(SONGTI, SIZE_4 - 5),
    )

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


def _set_section(doc: Document, page_numbers: bool) -> None:
    section = doc.sections[0]
    section.page_width = Emu(PAGE_WIDTH * 635)
    section.page_height = Emu(PAGE_HEIGHT * 635)
    section.top_margin = Emu(MARGIN_TOP * 635)
    section.bottom_margin = Emu(MARGIN_BOTTOM * 635)
    section.left_margin = Emu(MARGIN_LEFT * 635)
    section.right_margin = Emu(MARGIN_RIGHT * 635)
    section.header_distance = Emu(HEADER_DISTANCE * 635)
    section.footer_distance = Emu(FOOTER_DISTANCE * 635)
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:docGrid")) + sect_pr.findall(qn("w:pgNumType")):
        sect_pr.remove(old)
    # Each document restarts at page 1, also when several are bound into one print file.
    pg_num = _el("w:pgNumType", start=1)
    cols = sect_pr.find(qn("w:cols"))
    if cols is not None:
        cols.addprevious(pg_num)
    else:
        sect_pr.append(pg_num)
    sect_pr.append(_el("w:docGrid", type="lines", linePitch=LINE_PITCH))
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


def text_width(text: str) -> float:
    """Width in 3号 characters: CJK and full-width count 1, ASCII half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


# A printed 3号 character: 16 pt condensed by 0.25 pt; a half-width one (digits) 8 − 0.25 pt.
PRINTED_CHAR = CHAR + CONDENSE  # 315 twips
PRINTED_HALF = CHAR // 2 + CONDENSE  # 155 twips


def printed_width(text: str) -> float:
    """Width in printed 3号 characters (15.75 pt): a digit or other half-width character is
    7.75 pt, not half of 15.75, since every character is condensed by the same 0.25 pt."""
    return sum(PRINTED_HALF / PRINTED_CHAR if ord(ch) < 0x2E80 else 1 for ch in text)


def signature_indents(issuer_width: float, date_width: float) -> tuple[float, float]:
    """Right indents (in characters) of 署名 and 成文日期 for an unsealed document.

    The signature stands 2 characters in from the right and the date starts 2 characters
    right of the signature's first character; when that would push the date past 2
    characters from the right, the date stays 2 in and the signature moves left.
    """
    date_right = issuer_width - 2 - date_width + 2
    if date_right >= 2:
        return 2.0, date_right
    return 2 + (2 - date_right), 2.0


def sealed_indents(issuer_width: float, date_width: float) -> tuple[float, float]:
    """Right indents (in characters) of 署名 and 成文日期 for a sealed document (7.3.5.1): the
    date 4 characters in from the right, the signature centred over it."""
    date_right = 4.0
    sig_right = date_right + (date_width - issuer_width) / 2
    if sig_right < 0:  # a name wider than date + 8 characters: keep it inside the text area
        return 0.0, date_right
    return sig_right, date_right


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


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _paragraph_text(p) -> str:
    return "".join(t.text or "" for t in p.iter(f"{_W}t"))


def set_right_indent(p, chars: float) -> None:
    """Right-align paragraph ``p`` ``chars`` printed characters in from the right."""
    ppr = p.find(f"{_W}pPr")
    if ppr is None:
        ppr = etree.SubElement(p, f"{_W}pPr")
        p.remove(ppr)
        p.insert(0, ppr)
    ind = ppr.find(f"{_W}ind")
    if ind is None:
        ind = etree.SubElement(ppr, f"{_W}ind")
        _order_ppr(ppr, ind)
    # in twips of printed characters (15.75 pt), not rightChars (16 pt a "character"), so the
    # indent measures the same characters as the printed name and date
    ind.set(f"{_W}right", str(int(round(chars * PRINTED_CHAR))))
    # rightChars 0, not absent: Word lets a style's rightChars win over the paragraph's right
    ind.set(f"{_W}rightChars", "0")
    if ppr.find(f"{_W}autoSpaceDN") is None:  # no extra space between 年 and the digits
        space = etree.SubElement(ppr, f"{_W}autoSpaceDN")
        space.set(f"{_W}val", "0")
        _order_ppr(ppr, space)
    ind.set(f"{_W}firstLine", "0")
    ind.set(f"{_W}firstLineChars", "0")
    jc = ppr.find(f"{_W}jc")
    if jc is None:
        jc = etree.SubElement(ppr, f"{_W}jc")
        _order_ppr(ppr, jc)
    jc.set(f"{_W}val", "right")


def _order_ppr(ppr, child) -> None:
    """Move ``child`` to its place in schema order among ``ppr``'s children."""
    names = [qn(f"w:{tag}") for tag in _PPR_ORDER]
    ppr.remove(child)
    rank = names.index(child.tag) if child.tag in names else len(names)
    for index, other in enumerate(ppr):
        if other.tag in names and names.index(other.tag) > rank:
            ppr.insert(index, child)
            return
    ppr.append(child)


def _keep_next(p) -> None:
    ppr = p.find(f"{_W}pPr")
    if ppr is None:
        ppr = etree.SubElement(p, f"{_W}pPr")
        p.remove(ppr)
        p.insert(0, ppr)
    if ppr.find(f"{_W}keepNext") is None:
        keep = etree.SubElement(ppr, f"{_W}keepNext")
        _order_ppr(ppr, keep)


def place_signature(xml: str, sealed: bool = False) -> str:
    """Set the 署名 and 成文日期 paragraphs of a rendered document.xml where GB/T 9704 puts
    them for the name and date as printed: 7.3.5.2 unsealed, 7.3.5.1 sealed."""
    if SIGNATURE not in xml:
        return xml
    root = etree.fromstring(xml.encode("utf-8"))
    paragraphs = list(root.iter(f"{_W}p"))
    changed = False
    for index, p in enumerate(paragraphs):
        style = p.find(f"{_W}pPr/{_W}pStyle")
        if style is None or style.get(f"{_W}val") != SIGNATURE:
            continue
        date = next(
            (
                q
                for q in paragraphs[index + 1 : index + 2]
                if (st := q.find(f"{_W}pPr/{_W}pStyle")) is not None and st.get(f"{_W}val") == DATE
            ),
            None,
        )
        issuer_width = printed_width(_paragraph_text(p).strip())
        date_width = (
            printed_width(_paragraph_text(date).strip()) if date is not None else issuer_width
        )
        place = sealed_indents if sealed else signature_indents
        sig_right, date_right = place(issuer_width, date_width)
        set_right_indent(p, sig_right)
        if date is not None:
            set_right_indent(date, date_right)
            following = paragraphs[index + 2] if index + 2 < len(paragraphs) else None
            if (
                following is not None
                and _paragraph_text(following).strip()
                and following.find(f"{_W}pPr/{_W}pageBreakBefore") is None
            ):
                _keep_next(date)  # the 附注 under the date stays on the signature's page
        changed = True
    if not changed:
        return xml
    return etree.tostring(root, encoding="unicode")


RECORD = "GwRecord"

# What practice accepts for tightening the main text's last page (7.3.5.5): 28.95 pt → 26 pt.
TIGHT_PITCHES = (540, 520)  # 27 pt, 26 pt


def _starts_at(paragraphs: list, first_words: str) -> int:
    """Index of the first paragraph that starts on the page whose text begins with
    ``first_words`` (white space removed); 0 when it cannot be told."""
    if not first_words:
        return 0
    texts = ["".join("".join(t.text or "" for t in p.iter(f"{_W}t")).split()) for p in paragraphs]
    for index, text in enumerate(texts):
        if text and text.startswith(first_words):
            return index
    for index, text in enumerate(texts):  # the page starts inside this paragraph
        if first_words[:6] and first_words[:6] in text:
            return index + 1
    return 0


def tighten_body(xml: str, line: int, first_words: str = "") -> str:
    """The main text at an exact line pitch of ``line`` twips instead of 28.95 pt, so the body
    shares the signature's page (7.3.5.5): from the page that begins with ``first_words`` (the
    last page's), or all of it, up to the first attachment page."""
    root = etree.fromstring(xml.encode("utf-8"))
    body = root.find(f"{_W}body")
    if body is None:
        return xml
    paragraphs = list(body.iter(f"{_W}p"))
    for p in paragraphs[_starts_at(paragraphs, first_words) :]:
        ppr = p.find(f"{_W}pPr")
        if ppr is not None and ppr.find(f"{_W}pageBreakBefore") is not None:
            break
        if ppr is None:
            ppr = etree.Element(f"{_W}pPr")
            p.insert(0, ppr)
        spacing = ppr.find(f"{_W}spacing")
        if (
            spacing is not None
            and spacing.get(f"{_W}lineRule") == "exact"
            and int(spacing.get(f"{_W}line", "0")) != LINE_PITCH
        ):
            continue  # a line of its own height: the 版头's mark and rule
        if spacing is None:
            spacing = etree.SubElement(ppr, f"{_W}spacing")
            _order_ppr(ppr, spacing)
        spacing.set(f"{_W}line", str(line))
        spacing.set(f"{_W}lineRule", "exact")
        if ppr.find(f"{_W}snapToGrid") is None:  # off the 28.95 pt line grid
            snap = etree.SubElement(ppr, f"{_W}snapToGrid")
            snap.set(f"{_W}val", "0")
            _order_ppr(ppr, snap)
    return etree.tostring(root, encoding="unicode")


def place_record(xml: str) -> str:
    """Put the 版记 of a rendered document.xml on the foot of an even last page (GB/T 9704
    7.4): the template ends the body's section before it; the 版记's own section starts on the
    next even page (a blank page inserted when needed), carries no page number, and its
    content sits at the bottom (Word's vertical alignment; the template's blank lines above
    the 版记 do it for LibreOffice)."""
    if f'w:val="{RECORD}"' not in xml:
        return xml
    root = etree.fromstring(xml.encode("utf-8"))
    body = root.find(f"{_W}body")
    sect = body.find(f"{_W}sectPr") if body is not None else None
    if sect is None or not any(
        True for _ in body.iter(f"{_W}pPr") if _.find(f"{_W}sectPr") is not None
    ):
        return xml
    for tag in ("type", "pgNumType", "vAlign", "titlePg"):
        for old in sect.findall(f"{_W}{tag}"):
            sect.remove(old)
    kind = etree.SubElement(sect, f"{_W}type")
    kind.set(f"{_W}val", "evenPage")
    sect.remove(kind)
    pg_size = sect.find(f"{_W}pgSz")
    (pg_size.addprevious if pg_size is not None else sect.append)(kind)
    v_align = etree.Element(f"{_W}vAlign")
    v_align.set(f"{_W}val", "bottom")
    title_pg = etree.Element(f"{_W}titlePg")  # first page of the section: no page number
    grid = sect.find(f"{_W}docGrid")
    if grid is not None:
        grid.addprevious(v_align)
        grid.addprevious(title_pg)
    else:
        sect.extend([v_align, title_pg])
    return etree.tostring(root, encoding="unicode")


# Context variables a record sets for the finishing steps below.
SEALED_KEY = "加盖印章"  # True: the sealed layout of the signature (7.3.5.1)
PITCH_KEY = "正文行距"  # the main text's tightened line pitch in twips (7.3.5.5) …
PITCH_FROM_KEY = "正文行距起"  # … from the page that begins with these words


def finish_signature(xml: str, context: Mapping) -> str:
    """Finishing step: the 署名 and 成文日期 placed for the text they print (``place_signature``)."""
    return place_signature(xml, sealed=context.get(SEALED_KEY) is True)


def finish_record(xml: str, context: Mapping) -> str:
    """Finishing step: the 版记 at the foot of an even last page (``place_record``)."""
    return place_record(xml)


def finish_tightening(xml: str, context: Mapping) -> str:
    """Finishing step: the last page's body at the pitch fitting measured (``tighten_body``)."""
    if not context.get(PITCH_KEY):
        return xml
    return tighten_body(xml, int(context[PITCH_KEY]), str(context.get(PITCH_FROM_KEY, "")))


def _direct_ppr(p, **children) -> etree._Element:
    """Replace ``p``'s own paragraph properties (but its style) by ``children``, in schema order."""
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        p.insert(0, ppr)
    for child in list(ppr):
        if child.tag not in (qn("w:pStyle"), qn("w:sectPr")):
            ppr.remove(child)
    for name in _PPR_ORDER:
        if name in children:
            ppr.append(children[name])
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
        offset += len(_paragraph_text(r)) + len(list(r.iter(qn("w:tab"))))
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
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    for child in list(tbl_pr):
        if child.tag != qn("w:tblStyle"):
            tbl_pr.remove(child)
    tbl_pr.append(_el("w:tblW", w=sum(widths), type="dxa"))
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
    grid = tbl.tblGrid
    for col in list(grid):
        grid.remove(col)
    for width in widths:
        grid.append(_el("w:gridCol", w=width))

    header_style = doc.styles[_style_name(doc, TABLE_HEADER)]
    text_style = doc.styles[_style_name(doc, text_style)]

    def fill(values, style, is_header):
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
        return row

    if header:
        fill(header, header_style, True)
    for values in rows:
        fill(values, text_style, False)
    return table
