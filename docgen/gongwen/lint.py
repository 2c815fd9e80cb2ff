"""``docgen lint``: every departure of a .docx from GB/T 9704 (DOMAIN.md section 5), each with
where it is (paragraph number and first words), what is expected and what was found.

Fonts are resolved as Word resolves them (run → character style → paragraph style →
based-on chain → docDefaults; the East-Asian font from ``w:eastAsia``).  The signature-page
rule is checked on the printed pages when LibreOffice and pdftotext are installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import docx
from docx.document import Document

from docgen.errors import DocgenError, display_path
from docgen.gongwen import official
from docgen.gongwen.drafts import (
    ANNEX_LABEL,
    ARABIC_DATE,
    ATTACHMENT,
    BLANK,
    COPY_PATTERN,
    COPY_TO,
    DATE,
    DATE_PATTERN,
    DOC_NUMBER,
    HEADING,
    INDENT_SPACE,
    MARK,
    NOTE,
    PICTURE,
    PRINTED_BY,
    PRINTED_PATTERN,
    RECIPIENT,
    RULE,
    SIGNATURE,
    SIGNER_LABEL,
    TITLE,
    Part,
    Resolver,
    W,
    full_width,
    has_border,
    is_cjk,
    paragraph_text,
    parts,
    role_label,
    short_text,
)
from docgen.i18n import _

SIZE_NAMES = {
    42: "初号",
    36: "小初",
    26: "1号",
    24: "小一",
    22: "2号",
    18: "小二",
    16: "3号",
    15: "小三",
    14: "4号",
    12: "小四",
    10.5: "5号",
    9: "小五",
}
PAPERS = {
    (11906, 16838): "A4",
    (12240, 15840): "Letter",
    (16838, 23811): "A3",
    (10318, 14570): "B5",
    (12240, 20160): "Legal",
}
TWIPS_PER_MM = 56.7
TOLERANCE = 12  # twips (0.2 mm): what Word's and WPS's rounding of mm leaves
CJK_SLOT_FONTS = ("Times New Roman",)  # also accepted for digits and Latin text
CORE_PROPERTIES = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
SIGNATURE_TOLERANCE = 95  # twips (0.3 character)
MARK_TOLERANCE = 170  # twips (3 mm): the mark's place, set by blank lines in a typed draft


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


@dataclass(frozen=True)
class Finding:
    """One departure from GB/T 9704."""

    file: str
    where: str  # 第12段“（二）消防安全整治” / 页面设置 / 页码 / 表1第2行第3列
    item: str  # what is checked: 二级标题, 页边距 …
    expected: str
    found: str
    paragraph: int = 0  # 1-based among the body's own paragraphs; 0 when not a paragraph

    @property
    def message(self) -> str:
        return _("{where}：{item}应为{expected}，实为{found}").format(
            where=self.where, item=self.item, expected=self.expected, found=self.found
        )

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict:
        return {**asdict(self), "message": self.message}


@dataclass(frozen=True)
class Expect:
    font: str
    size: float


def expected_font(part: Part, in_heading: bool) -> Expect:
    if part.role == TITLE:
        return Expect(official.XIAOBIAOSONG, official.SIZE_2)
    if part.role == ANNEX_LABEL:
        return Expect(official.HEITI, official.SIZE_3)
    if part.role in (COPY_TO, PRINTED_BY):
        return Expect(official.FANGSONG, official.SIZE_4)
    if part.role == HEADING and in_heading:
        font = {1: official.HEITI, 2: official.KAITI}.get(part.level, official.FANGSONG)
        return Expect(font, official.SIZE_3)
    return Expect(official.FANGSONG, official.SIZE_3)


def size_name(size: float) -> str:
    return SIZE_NAMES.get(size, _("{n}磅").format(n=f"{size:g}"))


def describe_font(size: float, font: str, bold: bool) -> str:
    return f"{size_name(size)}{font or _('默认字体')}" + (_("加粗") if bold else "")


def mm(twips: float) -> str:
    return f"{twips / TWIPS_PER_MM:.1f}".rstrip("0").rstrip(".")


def chars(value: float) -> str:
    return _("{n}字").format(n=f"{value:.1f}".rstrip("0").rstrip("."))


def _text_runs(p):
    """(run, its text, where its text starts in the paragraph) for the runs holding text."""
    offset = 0
    for r in _runs(p):
        text = _run_text(r)
        start, offset = offset, offset + len(text)
        if text.strip():
            yield r, text, start


def _runs(p):
    """The paragraph's runs in order, those in hyperlinks and insertions too (not text boxes)."""
    for r in p.iter(f"{W}r"):
        if any(a.tag == f"{W}txbxContent" for a in r.iterancestors()):
            continue
        yield r


def _run_text(r) -> str:
    return paragraph_text(r) if r.tag == f"{W}r" else ""


class _Linter:
    def __init__(self, doc: Document, name: str):
        self.doc = doc
        self.name = name
        self.resolver = Resolver(doc)
        self.findings: list[Finding] = []

    def add(self, where: str, item: str, expected: str, found: str, paragraph: int = 0) -> None:
        self.findings.append(Finding(self.name, where, item, expected, found, paragraph))

    # ------------------------------------------------------------ page

    def check_page(self) -> None:
        body = self.doc.element.body
        sections = [p.find(f"{W}pPr/{W}sectPr") for p in body.iterchildren(f"{W}p")]
        sections = [s for s in sections if s is not None]
        final = body.find(f"{W}sectPr")
        if final is not None:
            sections.append(final)
        before = len(self.findings)
        for number, sect in enumerate(sections, start=1):
            where = _("页面设置") if len(sections) == 1 else _("第{n}节页面设置").format(n=number)
            size = sect.find(f"{W}pgSz")
            width = int(size.get(f"{W}w", 0)) if size is not None else 0
            height = int(size.get(f"{W}h", 0)) if size is not None else 0
            if (
                abs(width - official.PAGE_WIDTH) > TOLERANCE
                or abs(height - official.PAGE_HEIGHT) > TOLERANCE
            ):
                paper = PAPERS.get((width, height)) or PAPERS.get((height, width))
                found = f"{mm(width)}×{mm(height)}" + _("毫米")
                if paper:
                    found = f"{paper}（{found}）"
                self.add(where, _("纸张"), _("A4（210×297毫米，纵向）"), found)
            margins = sect.find(f"{W}pgMar")
            values = [
                int(margins.get(f"{W}{k}", 0)) if margins is not None else 0
                for k in ("top", "bottom", "left", "right")
            ]
            wanted = [
                official.MARGIN_TOP,
                official.MARGIN_BOTTOM,
                official.MARGIN_LEFT,
                official.MARGIN_RIGHT,
            ]
            if any(abs(v - w) > TOLERANCE for v, w in zip(values, wanted, strict=True)):
                self.add(
                    where,
                    _("页边距"),
                    _("上37、下35、左28、右26毫米"),
                    _("上{t}、下{b}、左{l}、右{r}毫米").format(
                        t=mm(values[0]), b=mm(values[1]), l=mm(values[2]), r=mm(values[3])
                    ),
                )
            grid = sect.find(f"{W}docGrid")
            pitch = (
                int(grid.get(f"{W}linePitch", 0))
                if grid is not None and grid.get(f"{W}type")
                else 0
            )
            if abs(pitch - official.LINE_PITCH) > 2:
                self.add(
                    where,
                    _("行网格"),
                    _("每页22行（行距28.95磅）"),
                    _("行距{pt}磅的网格").format(pt=f"{pitch / 20:g}") if pitch else _("无网格"),
                )
        # the same departure in every section of a bound file is said once
        new = self.findings[before:]
        if len(sections) > 2 and new:
            merged: dict[tuple[str, str, str], list[Finding]] = {}
            for f in new:
                merged.setdefault((f.item, f.expected, f.found), []).append(f)
            del self.findings[before:]
            for (item, expected, shown), group in merged.items():
                place = (
                    group[0].where if len(group) == 1 else _("{n}节的页面设置").format(n=len(group))
                )
                self.add(place, item, expected, shown)

    # ------------------------------------------------------------ page numbers

    def check_page_numbers(self) -> None:
        where = _("页码")
        expected = _("“— 1 —”4号半角宋体，单页居右空1字、双页居左空1字")
        settings = self.doc.settings.element
        sect = self.doc.sections[0]
        footers = [("default", sect.footer), ("even", sect.even_page_footer)]
        if not any(
            _has_page_field(f._element) for _kind, f in footers if not f.is_linked_to_previous
        ):
            self.add(where, _("页码"), expected, _("没有页码"))
            return
        if settings.find(f"{W}evenAndOddHeaders") is None:
            self.add(where, _("页码位置"), _("单页居右、双页居左（奇偶页不同）"), _("各页相同"))
            footers = footers[:1]
        for kind, footer in footers:
            label = _("单页页码") if kind == "default" else _("双页页码")
            if footer.is_linked_to_previous or not _has_page_field(footer._element):
                self.add(where, label, expected, _("没有页码"))
                continue
            p = next(p for p in footer._element.iter(f"{W}p") if _has_page_field(p))
            text = paragraph_text(p).strip()
            if not (text.startswith("—") and text.endswith("—")):
                self.add(where, label, _("“— 1 —”（页码两边各一条一字线）"), f"“{text}”")
            align = self.resolver.alignment(p)
            want = "right" if kind == "default" else "left"
            if align not in (want, "end" if want == "right" else "start"):
                self.add(
                    where, label, _("居右") if want == "right" else _("居左"), align_name(align)
                )
            side = "right" if kind == "default" else "left"
            indent = self.resolver.indent_chars(p, side, official.SIZE_4)
            if abs(indent - 1) > 0.3:
                self.add(where, label, _("外侧空1字"), chars(indent))
            for r in _runs(p):
                if not _run_text(r).strip():
                    continue
                size = self.resolver.run_size(r, p)
                fonts = {
                    self.resolver.run_font(r, p, "ascii"),
                    self.resolver.run_font(r, p, "eastAsia"),
                }
                if size != official.SIZE_4 or official.SONGTI not in fonts:
                    self.add(
                        where,
                        label,
                        _("4号宋体"),
                        describe_font(size, self.resolver.run_font(r, p, "ascii"), False),
                    )
                    break

    # ------------------------------------------------------------ paragraphs

    def check_paragraphs(self) -> None:
        found = parts(self.doc, self.resolver)
        tight = self.tightened(found)
        first_recipient = True
        for index, part in enumerate(found):
            if part.role in (BLANK, PICTURE):
                continue
            where = _("第{n}段“{text}”").format(n=part.number, text=short_text(part.text))
            if part.role == RULE:
                where = _("第{n}段（分隔线）").format(n=part.number)
            label = role_label(part)
            p = part.element
            if part.role in (MARK, DOC_NUMBER, RULE):
                self.check_header(part, found, index, where, label)
                if part.role != DOC_NUMBER:
                    continue
            else:
                self.check_fonts(part, where, label)
            if "此页无正文" in part.text:
                self.add(
                    where,
                    _("署名页"),
                    _("带有正文（GB/T 9704 7.3.5.5 不用“此页无正文”）"),
                    _("“此页无正文”"),
                    part.number,
                )
            if part.role not in (COPY_TO, PRINTED_BY) and not _has_picture_run(p):
                rule, line = self.resolver.line_spacing(p)
                if (rule != "exact" or abs(line - official.LINE_PITCH) > 2) and index not in tight:
                    self.add(
                        where, _("行距"), _("固定值28.95磅"), spacing_name(rule, line), part.number
                    )
            align = self.resolver.alignment(p)
            first = self.resolver.indent_chars(p, "firstLine")
            left = self.resolver.indent_chars(p, "left")
            previous = found[index - 1] if index else None
            if part.role == TITLE:
                if align != "center":
                    self.add(where, label, _("居中"), align_name(align), part.number)
            elif part.role in (RECIPIENT, ANNEX_LABEL):
                if align in ("center", "right", "end") or abs(first) > 0.15 or abs(left) > 0.15:
                    self.add(
                        where,
                        label,
                        _("顶格（居左，无缩进）"),
                        indent_name(align, first, left),
                        part.number,
                    )
                if part.role == RECIPIENT and first_recipient:
                    first_recipient = False
                    text = part.text.rstrip(INDENT_SPACE)
                    if text.endswith(":"):
                        self.add(
                            where, label, _("以全角冒号“：”结尾"), _("半角冒号“:”"), part.number
                        )
                    elif "：" not in text:
                        self.add(where, label, _("以全角冒号“：”结尾"), _("没有冒号"), part.number)
                if part.role == ANNEX_LABEL and not self.starts_page(part, previous):
                    self.add(where, label, _("另起一页"), _("接在上文之后"), part.number)
            elif part.role in (SIGNATURE, DATE):
                self.check_signature(part, found, index, where, label)
            elif part.role in (COPY_TO, PRINTED_BY, DOC_NUMBER):
                pass
            elif part.role == ATTACHMENT and not part.first:
                aligned = abs(left - 5) <= 0.3 and abs(first) <= 0.15
                indented = abs(first - 2) <= 0.15 and abs(left) <= 0.15
                if not (aligned or indented) or align in ("center", "right", "end"):
                    self.add(
                        where,
                        label,
                        _("与第一项的序号对齐（左缩进5字）"),
                        indent_name(align, first, left),
                        part.number,
                    )
            else:
                if align in ("center", "right", "end") or abs(first - 2) > 0.15 or abs(left) > 0.15:
                    self.add(
                        where, label, _("首行缩进2字"), indent_name(align, first, left), part.number
                    )
            if part.role == ATTACHMENT and part.first:
                text = part.text.strip(INDENT_SPACE)
                if text.startswith("附件:"):
                    self.add(where, label, _("“附件：”（全角冒号）"), _("半角冒号“:”"), part.number)
                if previous is not None and previous.role != BLANK:
                    self.add(where, label, _("在正文下空一行"), _("紧接正文"), part.number)

    def tightened(self, found: list[Part]) -> set[int]:
        """The paragraphs of the main text's end set tighter than 28.95 pt (down to 26 pt) to keep
        body text on the signature's page (GB/T 9704 7.3.5.5, ``official.tighten_body``): one
        pitch throughout, in a run of paragraphs that holds the 署名 and reaches the end of the
        main text.  A tighter pitch anywhere else is a departure."""
        signature = next((i for i, part in enumerate(found) if part.role == SIGNATURE), None)
        if signature is None:
            return set()

        def pitch(part: Part) -> int:
            rule, line = self.resolver.line_spacing(part.element)
            return (
                line
                if rule == "exact" and min(official.TIGHT_PITCHES) <= line < official.LINE_PITCH
                else 0
            )

        wanted = pitch(found[signature])
        if not wanted:
            return set()
        # paragraphs with a line height of their own (the 版头's mark and rule) are not tightened
        own = (MARK, RULE, PICTURE)
        first = signature
        while first > 0 and (found[first - 1].role in own or pitch(found[first - 1]) == wanted):
            first -= 1
        last = signature
        while (
            last + 1 < len(found)
            and found[last + 1].role != ANNEX_LABEL
            and (found[last + 1].role in own or pitch(found[last + 1]) == wanted)
        ):
            last += 1
        after = found[last + 1] if last + 1 < len(found) else None
        if (
            after is not None
            and after.role != ANNEX_LABEL
            and after.element.find(f"{W}pPr/{W}sectPr") is None
            and found[last].element.find(f"{W}pPr/{W}sectPr") is None
        ):
            return set()  # the tighter pitch stops before the main text does
        return set(range(first, last + 1))

    # ------------------------------------------------------------ 版头

    def check_header(
        self, part: Part, found: list[Part], index: int, where: str, label: str
    ) -> None:
        """发文机关标志, 发文字号 (and 签发人), the red rule (GB/T 9704 7.2)."""
        p = part.element
        if part.role == RULE:
            color = self.border_color(p)
            if color is not None and not is_red(color):
                self.add(where, label, _("红色"), color, part.number)
            left = self.resolver.indent_chars(p, "left")
            right = self.resolver.indent_chars(p, "right")
            if abs(left) > 0.15 or abs(right) > 0.15:
                self.add(
                    where,
                    label,
                    _("与版心等宽（无缩进）"),
                    _("左缩进{left}、右缩进{right}").format(left=chars(left), right=chars(right)),
                    part.number,
                )
            return
        align = self.resolver.alignment(p)
        if part.role == MARK:
            self.check_mark(part, found, where, label, align)
            return
        # 发文字号
        text = part.text
        signer = SIGNER_LABEL.search(text)
        label_at = signer.start() if signer else len(text)
        name_at = signer.end() if signer else len(text)
        reported: set[str] = set()
        for r, run_text, start in _text_runs(p):
            is_name = start >= name_at
            what = _("签发人姓名") if is_name else (_("签发人") if start >= label_at else label)
            font = official.KAITI if is_name else official.FANGSONG
            size = self.resolver.run_size(r, p)
            bold = self.resolver.run_flag(r, p, "b")
            east = self.resolver.run_font(r, p, "eastAsia")
            has_cjk = any(is_cjk(ch) for ch in run_text)
            if (
                size != official.SIZE_3 or bold or (has_cjk and east != font)
            ) and what not in reported:
                reported.add(what)
                self.add(
                    where,
                    what,
                    f"{size_name(official.SIZE_3)}{font}",
                    describe_font(
                        size, east if has_cjk else self.resolver.run_font(r, p, "ascii"), bold
                    ),
                    part.number,
                )
            self.check_black(r, p, where, part.number, reported)
        first = self.resolver.indent_chars(p, "firstLine")
        left = self.resolver.indent_chars(p, "left")
        if signer:
            if align in ("center", "right", "end", "distribute") or abs(first + left - 1) > 0.15:
                self.add(where, label, _("居左空1字"), indent_name(align, first, left), part.number)
            if not self.signer_at_right(p, text[:label_at]):
                self.add(
                    where,
                    _("签发人"),
                    _("居右空1字（右对齐制表位）"),
                    _("没有排到右侧"),
                    part.number,
                )
        elif align != "center" or abs(first) > 0.15 or abs(left) > 0.15:
            self.add(where, label, _("居中"), indent_name(align, first, left), part.number)
        previous = found[index - 1] if index else None
        if previous is not None and previous.role == MARK:
            self.add(where, label, _("在发文机关标志下空一行"), _("紧接发文机关标志"), part.number)
        following = next((q for q in found[index + 1 :] if q.role != BLANK), None)
        if (following is None or following.role != RULE) and self.border_color(p) is None:
            self.add(
                where,
                _("版头中的分隔线"),
                _("发文字号下一条与版心等宽的红色分隔线"),
                _("没有"),
                part.number,
            )

    def check_mark(self, part: Part, found: list[Part], where: str, label: str, align: str) -> None:
        p = part.element
        reported: set[str] = set()
        for r in _runs(p):
            run_text = _run_text(r)
            if not run_text.strip():
                continue
            size = self.resolver.run_size(r, p)
            east = self.resolver.run_font(r, p, "eastAsia")
            if (
                size <= official.SIZE_2 or east != official.XIAOBIAOSONG
            ) and "font" not in reported:
                reported.add("font")
                self.add(
                    where,
                    label,
                    _("大于2号的方正小标宋简体"),
                    describe_font(size, east, self.resolver.run_flag(r, p, "b")),
                    part.number,
                )
            color = self.resolver.run_color(r, p)
            if not is_red(color) and "color" not in reported:
                reported.add("color")
                self.add(
                    where,
                    _("文字颜色"),
                    _("红色"),
                    _("黑色") if color.lower() in ("auto", "000000") else color,
                    part.number,
                )
        if align != "center":
            self.add(where, label, _("居中"), align_name(align), part.number)
        rule, line = self.resolver.line_spacing(p)
        size = self.resolver.paragraph_size(p)
        if rule == "exact" and line < size * 20:
            self.add(
                where,
                _("行距"),
                _("固定值，不小于字号（{pt}磅）").format(pt=f"{size:g}"),
                spacing_name(rule, line),
                part.number,
            )
        if all(q.role == BLANK for q in found[: part.index]):
            top = self.space_above(part)
            if abs(top - official.MARK_TOP) > MARK_TOLERANCE:
                self.add(
                    where,
                    _("发文机关标志的位置"),
                    _("上边缘距版心上边缘约35毫米"),
                    _("约{mm}毫米").format(mm=mm(top)),
                    part.number,
                )

    def space_above(self, part: Part) -> float:
        """Twips between the top of the text area and the top of the mark's line box: the
        blank lines above it and its space before, less what an exact line taller than the
        characters leaves above them."""
        total = 0.0
        paragraphs = list(self.doc.element.body.iterchildren(f"{W}p"))
        for p in paragraphs[: part.index]:
            rule, line = self.resolver.line_spacing(p)
            total += line if rule == "exact" else official.LINE_PITCH
        before = self.resolver.paragraph_attr(part.element, "spacing", "before")
        total += int(before) if before else 0
        rule, line = self.resolver.line_spacing(part.element)
        if rule == "exact":
            total += max(0, line - self.resolver.paragraph_size(part.element) * 20) / 2
        return total

    def border_color(self, p) -> str | None:
        """The colour of a paragraph's border line, None when it has none."""
        if not has_border(p):
            return None
        borders = p.find(f"{W}pPr/{W}pBdr")
        line = next(b for b in borders if b.get(f"{W}val") not in (None, "nil", "none"))
        return line.get(f"{W}color") or "auto"

    def signer_at_right(self, p, before: str) -> bool:
        """签发人 ends 1 character in from the right: a right tab stop there, or the line laid
        out with a right-aligned tab at the right indent of 1 character."""
        if "\t" not in before:
            return False
        right = self.right_twips(p)
        for ppr in self.resolver._ppr_chain(p):
            for tab in ppr.iter(f"{W}tab"):
                if tab.get(f"{W}val") in ("right", "end") and tab.get(f"{W}pos"):
                    position = int(tab.get(f"{W}pos"))
                    if (
                        abs(position - (official.TEXT_WIDTH - official.CHAR)) <= 60
                        or abs(position - (official.TEXT_WIDTH - right)) <= 60
                        and abs(right - official.CHAR) <= 60
                    ):
                        return True
        return False

    def right_twips(self, p, size: float = official.SIZE_3) -> float:
        """The right indent in twips: ``rightChars`` when it is set (Word lets it win over
        ``right``, also when it comes from the style), else ``right``."""
        value = self.resolver.paragraph_attr(
            p, "ind", "rightChars"
        ) or self.resolver.paragraph_attr(p, "ind", "endChars")
        if value and int(value):
            return int(value) / 100 * size * 20
        value = self.resolver.paragraph_attr(p, "ind", "right") or self.resolver.paragraph_attr(
            p, "ind", "end"
        )
        return int(value) if value else 0.0

    def starts_page(self, part: Part, previous: Part | None) -> bool:
        if self.resolver.paragraph_flag(part.element, "pageBreakBefore"):
            return True
        if previous is None:
            return True
        before = previous.element
        if before.find(f"{W}pPr/{W}sectPr") is not None:
            return True
        return any(br.get(f"{W}type") == "page" for br in before.iter(f"{W}br")) or any(
            br.get(f"{W}type") == "page" for br in part.element.iter(f"{W}br")
        )

    def check_black(self, r, p, where: str, number: int, reported: set[str]) -> None:
        """All text black (once a paragraph)."""
        color = self.resolver.run_color(r, p).lower()
        if color not in ("auto", "000000") and "color" not in reported:
            reported.add("color")
            self.add(where, _("文字颜色"), _("黑色"), color, number)

    def check_fonts(self, part: Part, where: str, label: str) -> None:
        p = part.element
        raw = part.text
        lead = len(raw) - len(raw.lstrip(INDENT_SPACE + "\n"))
        boundary = lead + part.split if part.role == HEADING else 0
        reported: set[str] = set()
        for r, text, start in _text_runs(p):
            in_heading = start < boundary
            expect = expected_font(part, in_heading)
            what = label if (part.role != HEADING or in_heading) else _("标题后的正文")
            size = self.resolver.run_size(r, part.element)
            bold = self.resolver.run_flag(r, p, "b")
            east = self.resolver.run_font(r, p, "eastAsia")
            ascii_font = self.resolver.run_font(r, p, "ascii")
            has_cjk = any(is_cjk(ch) for ch in text)
            has_latin = any(ch.isascii() and ch.isalnum() for ch in text)
            wrong_family = has_cjk and east != expect.font
            if (size != expect.size or bold or wrong_family) and what not in reported:
                reported.add(what)
                shown = east if has_cjk else ascii_font
                self.add(
                    where,
                    what,
                    f"{size_name(expect.size)}{expect.font}",
                    describe_font(size, shown, bold),
                    part.number,
                )
            elif (
                has_latin
                and ascii_font not in (expect.font, *CJK_SLOT_FONTS)
                and ("latin" + what) not in reported
            ):
                reported.add("latin" + what)
                self.add(
                    where,
                    _("{item}中的数字和西文").format(item=what),
                    _("{font}或Times New Roman").format(font=expect.font),
                    ascii_font or _("默认字体"),
                    part.number,
                )
            self.check_black(r, p, where, part.number, reported)

    def check_signature(
        self, part: Part, found: list[Part], index: int, where: str, label: str
    ) -> None:
        p = part.element
        align = self.resolver.alignment(p)
        text = part.text.strip(INDENT_SPACE)
        if part.role == DATE and DATE_PATTERN.match(text) and not ARABIC_DATE.match(text):
            self.add(
                where,
                label,
                _("阿拉伯数字，月日不编虚位（如2022年12月20日）"),
                f"“{text}”",
                part.number,
            )
        if align not in ("right", "end"):
            self.add(
                where,
                label,
                _("居右"),
                indent_name(
                    align,
                    self.resolver.indent_chars(p, "firstLine"),
                    self.resolver.indent_chars(p, "left"),
                ),
                part.number,
            )
            return
        if part.role == DATE:
            return
        previous = found[index - 1] if index else None
        if previous is not None and previous.role != BLANK:
            self.add(where, label, _("在正文（或附件说明）下空一行"), _("紧接上文"), part.number)
        date = (
            found[index + 1] if index + 1 < len(found) and found[index + 1].role == DATE else None
        )
        date_text = date.text.strip(INDENT_SPACE) if date else text
        found_sig = self.right_twips(p)
        found_date = self.right_twips(date.element) if date else None
        # where official.place_signature puts them: in printed characters when the text is
        # condensed as docgen sets it (15.75 pt), in whole 3号 characters otherwise
        printed = self.condensed(p)
        width, unit = (
            (official.printed_width, official.PRINTED_CHAR)
            if printed
            else (official.text_width, official.CHAR)
        )
        for place in (official.signature_indents, official.sealed_indents):
            want_sig, want_date = place(width(text), width(date_text))
            if abs(found_sig - want_sig * unit) <= SIGNATURE_TOLERANCE and (
                found_date is None or abs(found_date - want_date * unit) <= SIGNATURE_TOLERANCE
            ):
                return
        unsealed = official.signature_indents(width(text), width(date_text))
        sealed = official.sealed_indents(width(text), width(date_text))
        self.add(
            where,
            _("署名和成文日期的位置"),
            _(
                "署名右空{sig}、成文日期右空{date}（不加盖印章，GB/T 9704 7.3.5.2），或署名右空{seal_sig}、"
                "成文日期右空{seal_date}（加盖印章，7.3.5.1）"
            ).format(
                sig=chars(unsealed[0]),
                date=chars(unsealed[1]),
                seal_sig=chars(sealed[0]),
                seal_date=chars(sealed[1]),
            ),
            _("署名右空{sig}、成文日期右空{date}").format(
                sig=chars(found_sig / unit), date=chars((found_date or 0) / unit)
            ),
            part.number,
        )

    def condensed(self, p) -> bool:
        """The paragraph's text is condensed by docgen's 0.25 pt (``official.CONDENSE``)."""
        run = next((r for r in _runs(p) if _run_text(r).strip()), None)
        for rpr in self.resolver._rpr_chain(run, p):
            spacing = rpr.find(f"{W}spacing")
            if spacing is not None and spacing.get(f"{W}val"):
                return int(spacing.get(f"{W}val")) == official.CONDENSE
        return False

    # ------------------------------------------------------------ tables

    def check_tables(self) -> None:
        body = self.doc.element.body
        for number, tbl in enumerate(body.iter(f"{W}tbl"), start=1):
            if self.is_record(tbl):
                self.check_record(number, tbl)
                continue
            bad = []
            for row_number, tr in enumerate(tbl.iterchildren(f"{W}tr"), start=1):
                for col_number, tc in enumerate(tr.iterchildren(f"{W}tc"), start=1):
                    for p in tc.iterchildren(f"{W}p"):
                        for r in _runs(p):
                            text = _run_text(r)
                            if any(is_cjk(ch) for ch in text):
                                font = self.resolver.run_font(r, p, "eastAsia")
                                if font != official.FANGSONG:
                                    bad.append((row_number, col_number, paragraph_text(p), font))
                                    break
            if bad:
                row, col, text, font = bad[0]
                where = _("表{n}第{row}行第{col}列“{text}”").format(
                    n=number, row=row, col=col, text=short_text(text)
                )
                if len(bad) > 1:
                    where += _("（及另外 {k} 个单元格）").format(k=len(bad) - 1)
                self.add(where, _("表格文字"), official.FANGSONG, font or _("默认字体"))

    def is_record(self, tbl) -> bool:
        """The 版记 laid out as a table (docgen's GwRecord style, or 抄送 and 印发 in its cells)."""
        for p in tbl.iter(f"{W}p"):
            if self.resolver.paragraph_style(p) == official.RECORD:
                return True
            text = full_width(paragraph_text(p)).strip(INDENT_SPACE)
            if COPY_PATTERN.match(text) or (
                PRINTED_PATTERN.search(text) and re.search(r"\d{4}\s*年", text)
            ):
                return True
        return False

    def check_record(self, number: int, tbl) -> None:
        """版记 (GB/T 9704 7.4): 4号仿宋, 1 character in on both sides, between rules the width
        of the text area."""
        where = _("表{n}（版记）").format(n=number)
        label = _("版记")
        reported: set[str] = set()
        for p in tbl.iter(f"{W}p"):
            text = paragraph_text(p).strip()
            if not text:
                continue
            place = _("{where}“{text}”").format(where=where, text=short_text(text))
            for r in _runs(p):
                run_text = _run_text(r)
                if not run_text.strip():
                    continue
                size = self.resolver.run_size(r, p)
                east = self.resolver.run_font(r, p, "eastAsia")
                if (
                    size != official.SIZE_4
                    or (any(is_cjk(ch) for ch in run_text) and east != official.FANGSONG)
                ) and "font" not in reported:
                    reported.add("font")
                    self.add(
                        place,
                        label,
                        f"{size_name(official.SIZE_4)}{official.FANGSONG}",
                        describe_font(size, east, self.resolver.run_flag(r, p, "b")),
                    )
            align = self.resolver.alignment(p)
            side = "right" if align in ("right", "end") else "left"
            indent = self.resolver.indent_chars(p, side, official.SIZE_4) + (
                self.resolver.indent_chars(p, "firstLine", official.SIZE_4) if side == "left" else 0
            )
            if abs(indent - 1) > 0.3 and "indent" not in reported:
                reported.add("indent")
                self.add(place, label, _("左右各空1字"), chars(indent))
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
            self.add(where, _("版记的分隔线"), _("首条和末条分隔线（0.35毫米）"), _("没有"))
        width = tbl.find(f"{W}tblPr/{W}tblW")
        if (
            width is not None
            and width.get(f"{W}type") == "dxa"
            and abs(int(width.get(f"{W}w", "0")) - official.TEXT_WIDTH) > 60
        ):
            self.add(
                where,
                _("版记的宽度"),
                _("与版心等宽（156毫米）"),
                _("{mm}毫米").format(mm=mm(int(width.get(f"{W}w", "0")))),
            )


def is_red(color: str) -> bool:
    """FF0000, C00000, E60012 …: the red of a 版头."""
    if not re.fullmatch(r"[0-9A-Fa-f]{6}", color or ""):
        return False
    red, green, blue = (int(color[i : i + 2], 16) for i in (0, 2, 4))
    return red >= 0xB0 and green <= 0x50 and blue <= 0x50


def _has_page_field(element) -> bool:
    for node in element.iter(f"{W}instrText"):
        if "PAGE" in (node.text or "").upper().split():
            return True
    for node in element.iter(f"{W}fldSimple"):
        if "PAGE" in (node.get(f"{W}instr") or "").upper().split():
            return True
    return False


def _has_picture_run(p) -> bool:
    return any(True for _ in p.iter(f"{W}drawing", f"{W}pict", f"{W}object"))


def align_name(align: str) -> str:
    return {
        "center": _("居中"),
        "right": _("居右"),
        "end": _("居右"),
        "left": _("居左"),
        "start": _("居左"),
        "both": _("两端对齐"),
        "distribute": _("分散对齐"),
    }.get(align, align)


def indent_name(align: str, first: float, left: float) -> str:
    pieces = [align_name(align)]
    if abs(first) > 0.05:
        pieces.append(
            _("首行缩进{n}").format(n=chars(first))
            if first > 0
            else _("悬挂缩进{n}").format(n=chars(-first))
        )
    if abs(left) > 0.05:
        pieces.append(_("左缩进{n}").format(n=chars(left)))
    if len(pieces) == 1:
        pieces.append(_("无缩进"))
    return _("，").join(pieces)


def spacing_name(rule: str, line: int) -> str:
    if rule == "exact":
        return _("固定值{pt}磅").format(pt=f"{line / 20:g}")
    if rule == "atLeast":
        return _("最小值{pt}磅").format(pt=f"{line / 20:g}")
    if line == 240:
        return _("单倍行距")
    return _("{n}倍行距").format(n=f"{line / 240:g}")


def lint_document(doc: Document, name: str = "") -> list[Finding]:
    """Every departure of ``doc`` from GB/T 9704 that can be read from the file itself."""
    linter = _Linter(doc, name)
    linter.check_page()
    linter.check_page_numbers()
    linter.check_paragraphs()
    linter.check_tables()
    return linter.findings


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
    return category if category == official.FORM_CATEGORY else ""


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
    """The page with the 署名 and 成文日期 must carry body text too (GB/T 9704 7.3.5.5)."""
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
            finding = _signature_alone(path, text.split("\f"), signature, found)
            if finding:
                out[path] = [finding]
    return out


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
