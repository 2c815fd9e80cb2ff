"""``docgen format``: a hand-typed draft laid out to GB/T 9704 with the styles of the summary.

The parts are recognised by ``drafts.parts``; each paragraph then gets the official style
of its part (``official.apply_official_layout``), its own direct formatting removed.  The
wording never changes: the only text edits are half-width brackets and colons in Chinese
text made full-width and the spaces, tabs and full-width spaces used as indentation removed.
Tables and pictures are kept; table text is set in the official table style.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from docgen.errors import display_path
from docgen.gongwen import official
from docgen.gongwen.drafts import (
    ANNEX_LABEL,
    ATTACHMENT,
    BLANK,
    COPY_TO,
    DATE,
    DOC_NUMBER,
    HEADING,
    INDENT_SPACE,
    LIST_ITEM,
    MARK,
    PICTURE,
    PRINTED_BY,
    RECIPIENT,
    RULE,
    SIGNATURE,
    SIGNER_LABEL,
    TITLE,
    Part,
    W,
    full_width,
    has_border,
    paragraph_text,
    parts,
    role_label,
)
from docgen.gongwen.lint import Finding, lint_document, open_draft
from docgen.gongwen.passes import lay_out_signature
from docgen.gongwen.titles import TITLE_LINE, title_lines, title_width
from docgen.i18n import _
from docgen.ooxml import put
from docgen.output.files import atomic_path, ensure_writable

STYLE_OF = {
    TITLE: official.TITLE,
    RECIPIENT: official.RECIPIENT,
    ATTACHMENT: official.ATTACHMENT,
    SIGNATURE: official.SIGNATURE,
    DATE: official.DATE,
    ANNEX_LABEL: official.ANNEX_LABEL,
}
HEADING_STYLES = {1: official.HEADING_1, 2: official.HEADING_2, 3: official.HEADING_3}
HEADING_FONTS = {1: official.HEITI, 2: official.KAITI}
# what a run keeps of its own formatting: the rest comes from the official styles
KEPT_RUN_PROPERTIES = {
    f"{W}{t}"
    for t in (
        "vertAlign",
        "lang",
        "noProof",
        "vanish",
        "webHidden",
        "specVanish",
        "rtl",
        "cs",
        "oMath",
    )
}
# what a paragraph keeps: its style is replaced, section breaks, page breaks and list
# numbering (whose numbers are not in the text) stay
KEPT_PARAGRAPH_PROPERTIES = {f"{W}{t}" for t in ("pStyle", "sectPr", "numPr", "pageBreakBefore")}
LATIN_FONTS = ("Times New Roman",)


@dataclass
class FormatReport:
    """What ``format`` recognised and what it changed."""

    recognised: dict[str, list[int]] = field(default_factory=dict)  # part label → paragraph numbers
    changes: list[str] = field(default_factory=list)
    tables: int = 0
    pictures: int = 0
    sections: int = 1
    findings: list[Finding] = field(default_factory=list)  # lint of the result

    def as_dict(self) -> dict:
        return {
            "recognised": self.recognised,
            "changes": self.changes,
            "tables": self.tables,
            "pictures": self.pictures,
            "sections": self.sections,
            "lint": [f.as_dict() for f in self.findings],
        }


def format_file(source: Path, output: Path, force: bool = False) -> FormatReport:
    """Format the draft at ``source`` into ``output`` (written atomically; an existing
    ``output`` is refused unless ``force``)."""
    source, output = Path(source), Path(output)
    doc = open_draft(source)
    ensure_writable([output], force)
    report = format_document(doc)
    with atomic_path(output) as tmp:
        doc.save(str(tmp))
    report.findings = lint_document(doc, display_path(output))
    return report


def format_document(doc: Document) -> FormatReport:
    """Lay ``doc`` out to GB/T 9704 in place; returns what was recognised and changed."""
    report = FormatReport()
    found = parts(doc)
    for part in found:
        if part.role != BLANK:
            report.recognised.setdefault(role_label(part, _("列表项（按正文）")), []).append(
                part.number
            )
    for part in found:
        changes = edit_text(part.element)
        if part.role in (HEADING, LIST_ITEM):
            changes += edit_number(part.element)
        for change in changes:
            report.changes.append(_("第{n}段：{change}").format(n=part.number, change=change))
    body = doc.element.body
    tables = list(body.iter(f"{W}tbl"))
    report.tables = len(tables)
    for number, tbl in enumerate(tables, start=1):
        for p in tbl.iter(f"{W}p"):
            for change in edit_text(p):
                report.changes.append(_("表{n}：{change}").format(n=number, change=change))
    report.pictures = sum(1 for _ in body.iter(f"{W}drawing", f"{W}pict"))

    for part in found:
        if part.role == DOC_NUMBER:
            text = paragraph_text(part.element)
            signer = SIGNER_LABEL.search(text)
            before = text[: signer.start()] if signer else ""
            spaces = len(before) - len(before.rstrip(INDENT_SPACE))
            if spaces and before[-spaces:] != "\t":
                report.changes.append(
                    _("第{n}段：签发人前的 {k} 个空格或制表符改为一个制表符（右对齐）").format(
                        n=part.number, k=spaces
                    )
                )
    official.apply_official_layout(doc)
    _make_normal_default(doc)
    report.sections = _set_sections(doc)
    for part in found:
        _lay_out(doc, part)
    for tbl in tables:
        for p in tbl.iter(f"{W}p"):
            _clean_paragraph(p, keep_alignment=True)
            _set_style(p, official.TABLE_TEXT)
            for r in p.iter(f"{W}r"):
                _clean_run(r)
    _place_signature(doc, found)
    _blank_before(doc, found, ATTACHMENT, report)
    _header_blanks(found, report)
    for group in _title_groups(found):
        change = rebreak_title(group)
        if change:
            report.changes.append(_("第{n}段：{change}").format(n=group[0].number, change=change))
    return report


def _title_groups(found: list[Part]) -> list[list[Part]]:
    """Runs of consecutive title paragraphs (the title typed over several lines)."""
    groups: list[list[Part]] = []
    for index, part in enumerate(found):
        if part.role != TITLE:
            continue
        if index and found[index - 1].role == TITLE and groups:
            groups[-1].append(part)
        else:
            groups.append([part])
    return groups


def rebreak_title(group: list[Part]) -> str:
    """A title whose typed lines do not each fit a line of 2号 text broken again between words
    (``titles.title_lines``); says what was done, or ``""``."""
    lines = [
        line.strip(INDENT_SPACE)
        for part in group
        for line in paragraph_text(part.element).split("\n")
        if line.strip(INDENT_SPACE)
    ]
    if all(title_width(line) <= TITLE_LINE for line in lines):
        return ""
    new = title_lines("".join(lines))
    if new == lines:
        return ""
    _set_lines(group[0].element, new)
    for part in group[1:]:
        part.element.getparent().remove(part.element)
    return _("标题超出一行，改在词间回行：{lines}").format(lines="／".join(new))


def _set_lines(p, lines: list[str]) -> None:
    """The paragraph's text replaced by ``lines`` with line breaks between, in its first run."""
    runs = [r for r in p.iter(f"{W}r") if paragraph_text(r)]
    first = runs[0]
    for r in runs[1:]:
        r.getparent().remove(r)
    for node in list(first):
        if node.tag != f"{W}rPr":
            first.remove(node)
    for index, line in enumerate(lines):
        if index:
            first.append(OxmlElement("w:br"))
        t = OxmlElement("w:t")
        t.text = line
        first.append(t)


def _header_blanks(found: list[Part], report: FormatReport) -> None:
    """Two blank lines between the 发文机关标志 and the 发文字号 (GB/T 9704 7.2.4)."""
    for index, part in enumerate(found):
        if part.role != DOC_NUMBER:
            continue
        above = index - 1
        while above >= 0 and found[above].role == BLANK:
            above -= 1
        if above < 0 or found[above].role != MARK:
            continue
        blanks = [q.element for q in found[above + 1 : index]]
        for extra in blanks[official.NUMBER_BELOW_MARK :]:
            extra.getparent().remove(extra)
        for _missing in range(official.NUMBER_BELOW_MARK - len(blanks)):
            _insert_blank_before(part.element)
        if len(blanks) != official.NUMBER_BELOW_MARK:
            report.changes.append(
                _("第{n}段：发文机关标志与发文字号之间改为空{k}行").format(
                    n=part.number, k=official.NUMBER_BELOW_MARK
                )
            )


# ---------------------------------------------------------------- text edits


def edit_text(p) -> list[str]:
    """Make the allowed text edits in paragraph ``p``; say what was changed."""
    changes = []
    atoms = [
        n
        for n in p.iter(f"{W}t", f"{W}tab")
        if n.getparent().tag == f"{W}r"
        and not any(a.tag == f"{W}txbxContent" for a in n.iterancestors())
    ]
    for side, ordered in (("lead", atoms), ("trail", atoms[::-1])):
        removed = 0
        for node in ordered:
            if node.tag == f"{W}tab":
                node.getparent().remove(node)
                removed += 1
                continue
            text = node.text or ""
            kept = text.lstrip(INDENT_SPACE) if side == "lead" else text.rstrip(INDENT_SPACE)
            removed += len(text) - len(kept)
            node.text = kept
            if kept:
                break
        if removed:
            message = (
                _("删去行首的 {n} 个空格或制表符")
                if side == "lead"
                else _("删去行尾的 {n} 个空格或制表符")
            )
            changes.append(message.format(n=removed))
        atoms = [n for n in atoms if n.getparent() is not None]
    texts = [n for n in atoms if n.tag == f"{W}t"]
    whole = "".join(n.text or "" for n in texts)
    fixed = full_width(whole)
    if fixed != whole:
        position = 0
        for node in texts:
            length = len(node.text or "")
            node.text = fixed[position : position + length]
            position += length
        pairs = sorted({a for a, b in zip(whole, fixed, strict=True) if a != b})
        changes.append(_("半角“{chars}”改为全角").format(chars="".join(pairs)))
    for node in texts:
        if node.text and (node.text[0] == " " or node.text[-1] == " "):
            node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return changes


def edit_number(p) -> list[str]:
    """A structure number typed as "1、" written as GB/T 9704 7.3.3 has it: "1."."""
    for node in p.iter(f"{W}t"):
        text = node.text or ""
        if not text.strip(INDENT_SPACE):
            continue
        match = re.match(rf"^([{INDENT_SPACE}]*[0-9０-９]+)、", text)
        if not match:
            return []
        node.text = match.group(1) + "." + text[match.end() :]
        number = match.group(1).strip(INDENT_SPACE)
        return [_("序号“{old}”改为“{new}”").format(old=f"{number}、", new=f"{number}.")]
    return []


# ---------------------------------------------------------------- layout


def _make_normal_default(doc: Document) -> None:
    """The official 正文 style is the document's default paragraph style."""
    for style in doc.styles.element.iterchildren(f"{W}style"):
        if style.get(f"{W}type") == "paragraph":
            if style.get(f"{W}styleId") == official.BODY:
                style.set(qn("w:default"), "1")
            elif style.get(qn("w:default")) is not None:
                del style.attrib[qn("w:default")]


def _set_sections(doc: Document) -> int:
    """A4 and the official margins and line grid in every section; page numbers continue
    through section breaks (the footer of the first section is used throughout)."""
    for index, section in enumerate(doc.sections):
        sect = section._sectPr
        for ref in sect.findall(f"{W}headerReference"):
            sect.remove(ref)
        for tag in ("titlePg",):
            for old in sect.findall(f"{W}{tag}"):
                sect.remove(old)
        if index:
            for ref in sect.findall(f"{W}footerReference"):
                sect.remove(ref)
            for old in sect.findall(f"{W}pgNumType"):
                sect.remove(old)
        official.set_page(section)
    return len(doc.sections)


def _set_style(p, style_id: str) -> None:
    ppr = p.get_or_add_pPr() if hasattr(p, "get_or_add_pPr") else p.find(f"{W}pPr")
    style = ppr.find(f"{W}pStyle")
    if style is None:
        style = OxmlElement("w:pStyle")
        ppr.insert(0, style)
    style.set(qn("w:val"), style_id)


def _clean_paragraph(p, keep_alignment: bool = False) -> None:
    ppr = p.get_or_add_pPr()
    kept = set(KEPT_PARAGRAPH_PROPERTIES)
    if keep_alignment:
        kept.add(f"{W}jc")
    for child in list(ppr):
        if child.tag not in kept:
            ppr.remove(child)


def _clean_run(r, font: str | None = None) -> None:
    rpr = r.find(f"{W}rPr")
    latin = None
    if rpr is not None:
        fonts = rpr.find(f"{W}rFonts")
        if fonts is not None and fonts.get(qn("w:ascii")) in LATIN_FONTS:
            latin = fonts.get(qn("w:ascii"))
        for child in list(rpr):
            if child.tag not in KEPT_RUN_PROPERTIES:
                rpr.remove(child)
    if font is None and latin is None:
        return
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        r.insert(0, rpr)
    fonts = OxmlElement("w:rFonts")
    if font:
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(qn(f"w:{slot}"), font)
    if latin:
        fonts.set(qn("w:ascii"), latin)
        fonts.set(qn("w:hAnsi"), latin)
    rpr.insert(0, fonts)


def _ind(p, **values: int) -> None:
    """Direct indents (hundredths of a 3号 character) on top of the style."""
    ppr = p.get_or_add_pPr()
    ind = OxmlElement("w:ind")
    for name, hundredths in values.items():
        ind.set(qn(f"w:{name}Chars"), str(hundredths))
        ind.set(qn(f"w:{name}"), str(hundredths * official.CHAR // 100))
    _insert_ppr(ppr, ind)


def _insert_ppr(ppr, child) -> None:
    put(ppr, child)


def _split_runs(p, boundary: int) -> None:
    """Split the run that straddles character ``boundary`` of the paragraph's text."""
    offset = 0
    for r in list(p.iter(f"{W}r")):
        text = paragraph_text(r)
        if offset < boundary < offset + len(text):
            cut = boundary - offset
            second = copy.deepcopy(r)
            _trim_run(r, 0, cut)
            _trim_run(second, cut, len(text))
            r.addnext(second)
            return
        offset += len(text)


def _trim_run(r, start: int, stop: int) -> None:
    """Keep characters ``start``..``stop`` of a run (text nodes and tabs)."""
    position = 0
    for node in list(r.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr")):
        if node.tag == f"{W}t":
            text = node.text or ""
            a, b = max(start - position, 0), min(stop - position, len(text))
            node.text = text[a:b] if a < b else ""
            position += len(text)
            continue
        size = (
            1 if (node.tag != f"{W}br" or node.get(qn("w:type")) not in ("page", "column")) else 0
        )
        if size and not (start <= position < stop):
            node.getparent().remove(node)
        position += size


def _lay_out(doc: Document, part: Part) -> None:
    """One paragraph in the style of its part, with what the style cannot say set directly."""
    p = part.element
    if part.role in (MARK, DOC_NUMBER, RULE):
        _lay_out_header(p, part)
        return
    _clean_paragraph(p)
    style = STYLE_OF.get(part.role, official.BODY)
    text = paragraph_text(p)
    heading_font = None
    if part.role == HEADING:
        whole = part.split >= len(text.strip())
        if whole:
            style = HEADING_STYLES.get(part.level, official.BODY)
        else:
            heading_font = HEADING_FONTS.get(part.level)
    _set_style(p, style)
    _set_part_properties(p, part)
    if heading_font:
        _split_runs(p, part.split)
    _lay_out_runs(p, part, heading_font)


def _set_part_properties(p, part: Part) -> None:
    """Direct paragraph properties of some parts: the later lines of 附件说明 aligned with
    "1.", an annex on a new page, 版记 lines 1 character in, a picture centred on its own."""
    if part.role == ATTACHMENT and not part.first:
        _ind(p, left=500, firstLine=0)
    elif part.role == ANNEX_LABEL:
        ppr = p.get_or_add_pPr()
        if ppr.find(f"{W}pageBreakBefore") is None:
            _insert_ppr(ppr, OxmlElement("w:pageBreakBefore"))
    elif part.role in (COPY_TO, PRINTED_BY):
        ind = OxmlElement("w:ind")
        one = official.SIZE_4 * 20
        for name, value in (
            ("left", one),
            ("leftChars", 100),
            ("right", one),
            ("rightChars", 100),
            ("firstLine", 0),
            ("firstLineChars", 0),
        ):
            ind.set(qn(f"w:{name}"), str(value))
        _insert_ppr(p.get_or_add_pPr(), ind)
    elif part.role == PICTURE:
        ppr = p.get_or_add_pPr()
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:line"), "240")
        spacing.set(qn("w:lineRule"), "auto")
        _insert_ppr(ppr, spacing)
        _ind(p, firstLine=0)
        jc = OxmlElement("w:jc")
        jc.set(qn("w:val"), "center")
        _insert_ppr(ppr, jc)


def _lay_out_runs(p, part: Part, heading_font: str | None) -> None:
    """The runs cleaned of direct formatting; a heading's own words (before ``part.split``)
    in ``heading_font``, the 版记 in 4号."""
    offset = 0
    for r in list(p.iter(f"{W}r")):
        start = offset
        offset += len(paragraph_text(r))
        _clean_run(r, heading_font if heading_font and start < part.split else None)
        if part.role in (COPY_TO, PRINTED_BY):
            rpr = r.find(f"{W}rPr")
            if rpr is None:
                rpr = OxmlElement("w:rPr")
                r.insert(0, rpr)
            for tag in ("sz", "szCs"):
                el = OxmlElement(f"w:{tag}")
                el.set(qn("w:val"), str(official.SIZE_4 * 2))
                rpr.append(el)


def _lay_out_header(p, part: Part) -> None:
    """The 版头 as the summary prints it (``official.lay_out_*``)."""
    _set_style(p, official.BODY)
    if part.role == MARK:
        official.lay_out_mark(p)
    elif part.role == RULE:
        official.lay_out_rule(p)
    else:
        signer = SIGNER_LABEL.search(paragraph_text(p))
        if signer:
            _tab_before(p, signer.start())
            signer = SIGNER_LABEL.search(paragraph_text(p))
        official.lay_out_number(p, signer.end() if signer else None)
        following = p.getnext()
        while (
            following is not None
            and following.tag == f"{W}p"
            and not paragraph_text(following).strip()
            and not has_border(following)
        ):
            following = following.getnext()
        if following is None or not has_border(following):
            rule = OxmlElement("w:p")
            p.addnext(rule)
            _set_style(rule, official.BODY)
            official.lay_out_rule(rule)


def _tab_before(p, at: int) -> None:
    """The spaces or tabs that push 签发人 to the right replaced by one tab (to the right tab stop)."""
    text = paragraph_text(p)
    start = at
    while start > 0 and text[start - 1] in INDENT_SPACE:
        start -= 1
    if start == 0:
        return
    _split_runs(p, at)
    _split_runs(p, start)
    offset = 0
    label_run = None
    for r in list(p.iter(f"{W}r")):
        length = len(paragraph_text(r))
        if start <= offset and offset + length <= at and length:
            r.getparent().remove(r)  # only the spaces before the label
        elif offset >= at and label_run is None and length:
            label_run = r
        offset += length
    if label_run is not None:
        tab = OxmlElement("w:r")
        tab.append(OxmlElement("w:tab"))
        label_run.addprevious(tab)


def _place_signature(doc: Document, found: list[Part]) -> None:
    """署名 and 成文日期 where GB/T 9704 7.3.5.2 puts them for this name and date, one blank
    line under the body, kept on the page of the body's last lines."""
    for index, part in enumerate(found):
        if part.role != SIGNATURE:
            continue
        date = next((q for q in found[index + 1 : index + 2] if q.role == DATE), None)
        lay_out_signature(part.element, date.element if date else None)
        official.keep_with_next(_paragraph(doc, part.element))
        previous = found[index - 1] if index else None
        if previous is not None and previous.role != BLANK:
            blank = _insert_blank_before(part.element)
            official.keep_with_next(_paragraph(doc, blank))
        # the blank lines, 附件说明 and the body's last paragraph go over with the signature,
        # so its page always carries body text (GB/T 9704 7.3.5.5)
        for earlier in reversed(found[:index]):
            official.keep_with_next(_paragraph(doc, earlier.element))
            if earlier.role not in (BLANK, ATTACHMENT):
                break


def _blank_before(doc: Document, found: list[Part], role: str, report: FormatReport) -> None:
    for index, part in enumerate(found):
        if part.role == role and part.first and index and found[index - 1].role != BLANK:
            _insert_blank_before(part.element)


def _insert_blank_before(p):
    blank = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    style = OxmlElement("w:pStyle")
    style.set(qn("w:val"), official.BODY)
    ppr.append(style)
    blank.append(ppr)
    p.addprevious(blank)
    return blank


def _paragraph(doc: Document, p):
    from docx.text.paragraph import Paragraph

    return Paragraph(p, doc._body)
