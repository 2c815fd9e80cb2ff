"""``lint``'s rules for the paragraphs of a draft, one function per part of a 公文 (GB/T 9704
section 7): the 版头, the title, 主送机关, headings and body text, 附件说明, 署名 and 成文日期.
``check_paragraphs`` runs the rules of each paragraph's part; every expected value is written
from ``spec``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from docgen.gongwen import passes, spec
from docgen.gongwen.drafts import (
    ANNEX_LABEL,
    ARABIC_DATE,
    ATTACHMENT,
    BLANK,
    COPY_TO,
    DATE,
    DATE_PATTERN,
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
    has_border,
    is_cjk,
    parts,
    role_label,
    short_text,
)
from docgen.gongwen.findings import (
    CJK_SLOT_FONTS,
    Lint,
    _has_picture_run,
    _run_text,
    _runs,
    _text_runs,
    align_name,
    chars,
    describe_font,
    expected_font,
    indent_name,
    is_red,
    mm,
    official_font,
    official_pitch,
    spacing_name,
)
from docgen.i18n import _

SIGNATURE_TOLERANCE = 95  # twips (0.3 character)
# later items of the 附件说明 align with "1." after "附件：" (3 characters) and the indent
ATTACHED_ITEMS = spec.BODY_INDENT + 3
MARK_TOLERANCE = 170  # twips (3 mm): the mark's place, set by blank lines in a typed draft


@dataclass
class At:
    """The paragraph a rule looks at, in its place among the parts."""

    part: Part
    found: list[Part]
    index: int
    where: str
    label: str

    @property
    def p(self):
        return self.part.element

    @property
    def previous(self) -> Part | None:
        return self.found[self.index - 1] if self.index else None

    def add(self, lint: Lint, expected: str, found: str, item: str = "") -> None:
        lint.add(self.where, item or self.label, expected, found, self.part.number)


def check_paragraphs(lint: Lint) -> None:
    """The rules of each paragraph's part, then the line pitch of those on the grid."""
    found = parts(lint.doc, lint.resolver)
    tight = tightened(lint, found)
    for index, part in enumerate(found):
        if part.role in (BLANK, PICTURE):
            continue
        where = _("第{n}段“{text}”").format(n=part.number, text=short_text(part.text))
        if part.role == RULE:
            where = _("第{n}段（分隔线）").format(n=part.number)
        at = At(part, found, index, where, role_label(part))
        for rule in RULES.get(part.role, BODY_RULES):
            rule(lint, at)
        if part.role in (MARK, RULE):
            continue
        no_blank_page_words(lint, at)
        if index not in tight:
            line_pitch(lint, at)


def fonts(lint: Lint, at: At) -> None:
    check_fonts(lint, at.part, at.where, at.label)


def no_blank_page_words(lint: Lint, at: At) -> None:
    if "此页无正文" in at.part.text:
        at.add(
            lint,
            _("带有正文（GB/T 9704 7.3.5.5 不用“此页无正文”）"),
            _("“此页无正文”"),
            _("署名页"),
        )


def line_pitch(lint: Lint, at: At) -> None:
    if at.part.role in (COPY_TO, PRINTED_BY) or _has_picture_run(at.p):
        return
    rule, line = lint.resolver.line_spacing(at.p)
    if rule != "exact" or abs(line - spec.LINE_PITCH) > 2:
        at.add(lint, official_pitch(), spacing_name(rule, line), _("行距"))


def _indents(lint: Lint, at: At) -> tuple[str, float, float]:
    """Alignment, first-line and left indent in characters; the first-line indent counts
    the full-width (1 character) and half-width spaces typed at the start of the line."""
    align = lint.resolver.alignment(at.p)
    first = lint.resolver.indent_chars(at.p, "firstLine") + typed_indent(at.part.text)
    return align, first, lint.resolver.indent_chars(at.p, "left")


def typed_indent(text: str) -> float:
    """Characters of indent typed as spaces: a full-width space is one, a space half."""
    width = 0.0
    for ch in text:
        if ch == "\u3000":
            width += 1
        elif ch in " \u00a0":
            width += 0.5
        else:
            break
    return width


def title_centred(lint: Lint, at: At) -> None:
    align = lint.resolver.alignment(at.p)
    if align != "center":
        at.add(lint, _("居中"), align_name(align))


def title_fits(lint: Lint, at: At) -> None:
    """Each line of the title fits the text width: a longer one wraps inside a word."""
    limit = spec.line_chars(spec.SIZE_2)
    size = lint.resolver.paragraph_size(at.p)
    for number, line in enumerate(at.part.text.split("\n"), start=1):
        line = line.strip(INDENT_SPACE)
        width = passes.text_width(line) * size / spec.SIZE_2
        if width > limit:
            at.add(
                lint,
                _("每行不超过{n}字（回行在词间）").format(n=int(limit)),
                _("第{k}行约{n}字，超出一行").format(k=number, n=spec.number(round(width, 1))),
                _("标题的行"),
            )
            return


def flush_left(lint: Lint, at: At) -> None:
    align, first, left = _indents(lint, at)
    if align in ("center", "right", "end") or abs(first) > 0.15 or abs(left) > 0.15:
        at.add(lint, _("顶格（居左，无缩进）"), indent_name(align, first, left))


def recipient_colon(lint: Lint, at: At) -> None:
    if any(q.role == RECIPIENT for q in at.found[: at.index]):
        return
    text = at.part.text.rstrip(INDENT_SPACE)
    if text.endswith(":"):
        at.add(lint, _("以全角冒号“：”结尾"), _("半角冒号“:”"))
    elif "：" not in text:
        at.add(lint, _("以全角冒号“：”结尾"), _("没有冒号"))


def annex_new_page(lint: Lint, at: At) -> None:
    if not starts_page(lint, at.part, at.previous):
        at.add(lint, _("另起一页"), _("接在上文之后"))


def body_indent(lint: Lint, at: At) -> None:
    align, first, left = _indents(lint, at)
    if (
        align in ("center", "right", "end")
        or abs(first - spec.BODY_INDENT) > 0.15
        or abs(left) > 0.15
    ):
        at.add(
            lint,
            _("首行缩进{n}").format(n=chars(spec.BODY_INDENT)),
            indent_name(align, first, left),
        )


_CN_NUMBER = "一二三四五六七八九十"


def numbering(lint: Lint, at: At) -> None:
    """Structure numbers as 7.3.3 writes them: 一、 （一） 1. （1）, with full-width brackets."""
    text = at.part.text.lstrip(INDENT_SPACE)
    comma = re.match(r"^[0-9０-９]+、", text)
    if comma:
        number = comma.group()[:-1]
        at.add(lint, f"“{number}.”", f"“{comma.group()}”", _("序号"))
    half = re.match(rf"^\(\s*([{_CN_NUMBER}]+|[0-9]+)\s*\)", text)
    if half:
        at.add(lint, f"“（{half.group(1)}）”" + _("（全角括号）"), f"“{half.group()}”", _("序号"))


def attachment(lint: Lint, at: At) -> None:
    align, first, left = _indents(lint, at)
    if not at.part.first:
        aligned = abs(left - ATTACHED_ITEMS) <= 0.3 and abs(first) <= 0.15
        indented = abs(first - spec.BODY_INDENT) <= 0.15 and abs(left) <= 0.15
        if not (aligned or indented) or align in ("center", "right", "end"):
            at.add(
                lint,
                _("与第一项的序号对齐（左缩进{n}）").format(n=chars(ATTACHED_ITEMS)),
                indent_name(align, first, left),
            )
        return
    body_indent(lint, at)
    if at.part.text.strip(INDENT_SPACE).startswith("附件:"):
        at.add(lint, _("“附件：”（全角冒号）"), _("半角冒号“:”"))
    previous = at.previous
    if previous is not None and previous.role != BLANK:
        at.add(lint, _("在正文下空一行"), _("紧接正文"))


def signature(lint: Lint, at: At) -> None:
    check_signature(lint, at.part, at.found, at.index, at.where, at.label)


def tightened(lint: Lint, found: list[Part]) -> set[int]:
    """The paragraphs of the main text's end set tighter than 28.95 pt (down to 26 pt) to keep
    body text on the signature's page (GB/T 9704 7.3.5.5, ``spec.tighten_body``): one
    pitch throughout, in a run of paragraphs that holds the 署名 and reaches the end of the
    main text.  A tighter pitch anywhere else is a departure."""
    signature = next((i for i, part in enumerate(found) if part.role == SIGNATURE), None)
    if signature is None:
        return set()

    def pitch(part: Part) -> int:
        rule, line = lint.resolver.line_spacing(part.element)
        return line if rule == "exact" and min(spec.TIGHT_PITCHES) <= line < spec.LINE_PITCH else 0

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


def header(lint: Lint, at: At) -> None:
    """发文机关标志, 发文字号 (and 签发人), the red rule (GB/T 9704 7.2)."""
    if at.part.role == RULE:
        red_rule(lint, at)
    elif at.part.role == MARK:
        align = lint.resolver.alignment(at.p)
        check_mark(lint, at.part, at.found, at.where, at.label, align)
    else:
        doc_number(lint, at.part, at.found, at.index, at.where, at.label)


def red_rule(lint: Lint, at: At) -> None:
    """The 版头's rule: red, the width of the text area."""
    color = border_color(lint, at.p)
    if color is not None and not is_red(color):
        at.add(lint, _("红色"), color)
    left = lint.resolver.indent_chars(at.p, "left")
    right = lint.resolver.indent_chars(at.p, "right")
    if abs(left) > 0.15 or abs(right) > 0.15:
        at.add(
            lint,
            _("与版心等宽（无缩进）"),
            _("左缩进{left}、右缩进{right}").format(left=chars(left), right=chars(right)),
        )


def doc_number(
    lint: Lint, part: Part, found: list[Part], index: int, where: str, label: str
) -> None:
    """发文字号 (and 签发人): 3号仿宋 (the name in 楷体), centred, or 1 character in with 签发人
    1 character in from the right; two lines under the mark, the red rule under it."""
    text = part.text
    signer = SIGNER_LABEL.search(text)
    label_at = signer.start() if signer else len(text)
    name_at = signer.end() if signer else len(text)
    _number_fonts(lint, part, where, label, label_at, name_at)
    _number_place(lint, part, where, label, label_at if signer else None)
    _number_surroundings(lint, part, found, index, where, label)


def _number_fonts(
    lint: Lint, part: Part, where: str, label: str, label_at: int, name_at: int
) -> None:
    """3号仿宋 for the number and 签发人, 3号楷体 for the name after it; all black."""
    p = part.element
    reported: set[str] = set()
    for r, run_text, start in _text_runs(p):
        is_name = start >= name_at
        what = _("签发人姓名") if is_name else (_("签发人") if start >= label_at else label)
        font = spec.KAITI if is_name else spec.FANGSONG
        size = lint.resolver.run_size(r, p)
        bold = lint.resolver.run_flag(r, p, "b")
        east = lint.resolver.run_font(r, p, "eastAsia")
        has_cjk = any(is_cjk(ch) for ch in run_text)
        if (
            size != spec.SIZE_3 or bold or (has_cjk and not spec.same_face(east, font))
        ) and what not in reported:
            reported.add(what)
            lint.add(
                where,
                what,
                official_font(spec.SIZE_3, font),
                describe_font(
                    size, east if has_cjk else lint.resolver.run_font(r, p, "ascii"), bold
                ),
                part.number,
            )
        check_black(lint, r, p, where, part.number, reported)


def _number_place(lint: Lint, part: Part, where: str, label: str, label_at: int | None) -> None:
    """Centred; with 签发人 (which starts at ``label_at``), 1 character in from the left and
    签发人 at a right tab 1 character in from the right."""
    p = part.element
    align = lint.resolver.alignment(p)
    first = lint.resolver.indent_chars(p, "firstLine")
    left = lint.resolver.indent_chars(p, "left")
    if label_at is None:
        if align != "center" or abs(first) > 0.15 or abs(left) > 0.15:
            lint.add(where, label, _("居中"), indent_name(align, first, left), part.number)
        return
    if (
        align in ("center", "right", "end", "distribute")
        or abs(first + left - spec.SIGNER_INDENT) > 0.15
    ):
        lint.add(
            where,
            label,
            _("居左空{n}").format(n=chars(spec.SIGNER_INDENT)),
            indent_name(align, first, left),
            part.number,
        )
    if not signer_at_right(lint, p, part.text[:label_at]):
        lint.add(
            where,
            _("签发人"),
            _("居右空{n}（右对齐制表位）").format(n=chars(spec.SIGNER_INDENT)),
            _("没有排到右侧"),
            part.number,
        )


def _number_surroundings(
    lint: Lint, part: Part, found: list[Part], index: int, where: str, label: str
) -> None:
    """Two blank lines between the 发文机关标志 and the 发文字号, the red rule under it."""
    above = index - 1
    while above >= 0 and found[above].role == BLANK:
        above -= 1
    blanks = index - 1 - above
    if above >= 0 and found[above].role == MARK and blanks != spec.NUMBER_BELOW_MARK:
        lint.add(
            where,
            label,
            _("在发文机关标志下空{n}行").format(n=spec.NUMBER_BELOW_MARK),
            _("空{n}行").format(n=blanks) if blanks else _("紧接发文机关标志"),
            part.number,
        )
    following = next((q for q in found[index + 1 :] if q.role != BLANK), None)
    if (following is None or following.role != RULE) and border_color(lint, part.element) is None:
        lint.add(
            where,
            _("版头中的分隔线"),
            _("发文字号下一条与版心等宽的红色分隔线"),
            _("没有"),
            part.number,
        )


def check_mark(
    lint: Lint, part: Part, found: list[Part], where: str, label: str, align: str
) -> None:
    p = part.element
    reported: set[str] = set()
    for r in _runs(p):
        run_text = _run_text(r)
        if not run_text.strip():
            continue
        size = lint.resolver.run_size(r, p)
        east = lint.resolver.run_font(r, p, "eastAsia")
        if (
            size <= spec.SIZE_2 or not spec.same_face(east, spec.XIAOBIAOSONG)
        ) and "font" not in reported:
            reported.add("font")
            lint.add(
                where,
                label,
                _("大于2号的方正小标宋简体"),
                describe_font(size, east, lint.resolver.run_flag(r, p, "b")),
                part.number,
            )
        color = lint.resolver.run_color(r, p)
        if not is_red(color) and "color" not in reported:
            reported.add("color")
            lint.add(
                where,
                _("文字颜色"),
                _("红色"),
                _("黑色") if color.lower() in ("auto", "000000") else color,
                part.number,
            )
    if align != "center":
        lint.add(where, label, _("居中"), align_name(align), part.number)
    rule, line = lint.resolver.line_spacing(p)
    size = lint.resolver.paragraph_size(p)
    if rule == "exact" and line < size * 20:
        lint.add(
            where,
            _("行距"),
            _("固定值，不小于字号（{pt}磅）").format(pt=f"{size:g}"),
            spacing_name(rule, line),
            part.number,
        )
    if all(q.role == BLANK for q in found[: part.index]):
        top = space_above(lint, part)
        if abs(top - spec.MARK_TOP) > MARK_TOLERANCE:
            lint.add(
                where,
                _("发文机关标志的位置"),
                _("上边缘距版心上边缘约{mm}毫米").format(mm=mm(spec.MARK_TOP)),
                _("约{mm}毫米").format(mm=mm(top)),
                part.number,
            )


def space_above(lint: Lint, part: Part) -> float:
    """Twips between the top of the text area and the top of the mark's line box: the
    blank lines above it and its space before, less what an exact line taller than the
    characters leaves above them."""
    total = 0.0
    paragraphs = list(lint.doc.element.body.iterchildren(f"{W}p"))
    for p in paragraphs[: part.index]:
        rule, line = lint.resolver.line_spacing(p)
        total += line if rule == "exact" else spec.LINE_PITCH
    before = lint.resolver.paragraph_attr(part.element, "spacing", "before")
    total += int(before) if before else 0
    rule, line = lint.resolver.line_spacing(part.element)
    if rule == "exact":
        total += max(0, line - lint.resolver.paragraph_size(part.element) * 20) / 2
    return total


def border_color(lint: Lint, p) -> str | None:
    """The colour of a paragraph's border line, None when it has none."""
    if not has_border(p):
        return None
    borders = p.find(f"{W}pPr/{W}pBdr")
    line = next(b for b in borders if b.get(f"{W}val") not in (None, "nil", "none"))
    return line.get(f"{W}color") or "auto"


def signer_at_right(lint: Lint, p, before: str) -> bool:
    """签发人 ends 1 character in from the right: a right tab stop there, or the line laid
    out with a right-aligned tab at the right indent of 1 character."""
    if "\t" not in before:
        return False
    right = right_twips(lint, p)
    for ppr in lint.resolver._ppr_chain(p):
        for tab in ppr.iter(f"{W}tab"):
            if tab.get(f"{W}val") in ("right", "end") and tab.get(f"{W}pos"):
                position = int(tab.get(f"{W}pos"))
                if (
                    abs(position - (spec.TEXT_WIDTH - spec.CHAR)) <= 60
                    or abs(position - (spec.TEXT_WIDTH - right)) <= 60
                    and abs(right - spec.CHAR) <= 60
                ):
                    return True
    return False


def _indent_twips(lint: Lint, p, side: str, other: str, size: float) -> float:
    """An indent in twips: ``<side>Chars`` (or ``<other>Chars``) when it is set — Word lets it
    win over the twips, also when it comes from the style — else ``<side>`` (or ``<other>``)."""
    attr = lint.resolver.paragraph_attr
    value = attr(p, "ind", f"{side}Chars") or attr(p, "ind", f"{other}Chars")
    if value and int(value):
        return int(value) / 100 * size * 20
    value = attr(p, "ind", side) or attr(p, "ind", other)
    return int(value) if value else 0.0


def right_twips(lint: Lint, p, size: float = spec.SIZE_3) -> float:
    """The right indent in twips: ``rightChars`` when it is set, else ``right``."""
    return _indent_twips(lint, p, "right", "end", size)


def starts_page(lint: Lint, part: Part, previous: Part | None) -> bool:
    if lint.resolver.paragraph_flag(part.element, "pageBreakBefore"):
        return True
    if previous is None:
        return True
    before = previous.element
    if before.find(f"{W}pPr/{W}sectPr") is not None:
        return True
    return any(br.get(f"{W}type") == "page" for br in before.iter(f"{W}br")) or any(
        br.get(f"{W}type") == "page" for br in part.element.iter(f"{W}br")
    )


def check_black(lint: Lint, r, p, where: str, number: int, reported: set[str]) -> None:
    """All text black (once a paragraph)."""
    color = lint.resolver.run_color(r, p).lower()
    if color not in ("auto", "000000") and "color" not in reported:
        reported.add("color")
        lint.add(where, _("文字颜色"), _("黑色"), color, number)


def check_fonts(lint: Lint, part: Part, where: str, label: str) -> None:
    p = part.element
    raw = part.text
    lead = len(raw) - len(raw.lstrip(INDENT_SPACE + "\n"))
    boundary = lead + part.split if part.role == HEADING else 0
    reported: set[str] = set()
    for r, text, start in _text_runs(p):
        in_heading = start < boundary
        expect = expected_font(part, in_heading)
        what = label if (part.role != HEADING or in_heading) else _("标题后的正文")
        size = lint.resolver.run_size(r, part.element)
        bold = lint.resolver.run_flag(r, p, "b")
        east = lint.resolver.run_font(r, p, "eastAsia")
        ascii_font = lint.resolver.run_font(r, p, "ascii")
        has_cjk = any(is_cjk(ch) for ch in text)
        has_latin = any(ch.isascii() and ch.isalnum() for ch in text)
        wrong_family = has_cjk and not spec.same_face(east, expect.font)
        if (size != expect.size or bold or wrong_family) and what not in reported:
            reported.add(what)
            shown = east if has_cjk else ascii_font
            lint.add(
                where,
                what,
                official_font(expect.size, expect.font),
                describe_font(size, shown, bold),
                part.number,
            )
        elif (
            has_latin
            and not spec.same_face(ascii_font, expect.font)
            and ascii_font not in CJK_SLOT_FONTS
            and ("latin" + what) not in reported
        ):
            reported.add("latin" + what)
            lint.add(
                where,
                _("{item}中的数字和西文").format(item=what),
                _("{font}或Times New Roman").format(font=expect.font),
                ascii_font or _("默认字体"),
                part.number,
            )
        check_black(lint, r, p, where, part.number, reported)


def condensed(lint: Lint, p) -> bool:
    """The paragraph's text is condensed by docgen's 0.25 pt (``spec.CONDENSE``)."""
    run = next((r for r in _runs(p) if _run_text(r).strip()), None)
    for rpr in lint.resolver._rpr_chain(run, p):
        spacing = rpr.find(f"{W}spacing")
        if spacing is not None and spacing.get(f"{W}val"):
            return int(spacing.get(f"{W}val")) == spec.CONDENSE
    return False


def check_signature(
    lint: Lint, part: Part, found: list[Part], index: int, where: str, label: str
) -> None:
    """署名 and 成文日期 (7.3.5): the date in Arabic figures; the signature one line under the
    body, right-aligned; the date under it started 2 characters right of the signature's start
    (unsealed) or 4 characters in from the right with the signature centred over it (sealed)."""
    p = part.element
    align = lint.resolver.alignment(p)
    text = part.text.strip(INDENT_SPACE)
    if part.role == DATE and DATE_PATTERN.match(text) and not ARABIC_DATE.match(text):
        lint.add(
            where,
            label,
            _("阿拉伯数字，月日不编虚位（如2022年12月20日）"),
            f"“{text}”",
            part.number,
        )
    placed_left = (
        part.role == DATE
        and index
        and found[index - 1].role == SIGNATURE
        and align in ("left", "start", "both")
        and left_twips(lint, p) > 0
    )
    if align not in ("right", "end") and not placed_left:
        lint.add(
            where,
            label,
            _("居右"),
            indent_name(
                align,
                lint.resolver.indent_chars(p, "firstLine"),
                lint.resolver.indent_chars(p, "left"),
            ),
            part.number,
        )
        return
    if part.role == SIGNATURE:
        signature_place(lint, part, found, index, where, label)


def signature_place(
    lint: Lint, part: Part, found: list[Part], index: int, where: str, label: str
) -> None:
    """The signature one line under the body; it and the date where 7.3.5.1 or 7.3.5.2 put
    them (``passes.lay_out_signature``)."""
    p = part.element
    text = part.text.strip(INDENT_SPACE)
    previous = found[index - 1] if index else None
    if previous is not None and previous.role != BLANK:
        lint.add(where, label, _("在正文（或附件说明）下空一行"), _("紧接上文"), part.number)
    date = found[index + 1] if index + 1 < len(found) and found[index + 1].role == DATE else None
    date_text = date.text.strip(INDENT_SPACE) if date else text
    # where passes.place_signature puts them: in printed characters when the text is
    # condensed as docgen sets it (15.75 pt), in whole 3号 characters otherwise
    printed = condensed(lint, p)
    width, unit = (
        (passes.printed_width, spec.PRINTED_CHAR) if printed else (passes.text_width, spec.CHAR)
    )
    found_sig = right_twips(lint, p)
    found_date: float | None = None
    if date is not None:
        date_align = lint.resolver.alignment(date.element)
        if date_align in ("right", "end"):
            found_date = right_twips(lint, date.element)
        else:  # placed by a left indent: where its right edge falls for this date
            start = left_twips(lint, date.element)
            found_date = spec.TEXT_WIDTH - start - width(date_text) * unit
            sig_start = spec.TEXT_WIDTH - found_sig - width(text) * unit
            gap = start - sig_start
            want_sig, _want_date = passes.signature_indents(width(text), width(date_text))
            if (
                abs(gap - spec.DATE_AFTER_SIGNATURE * unit) <= SIGNATURE_TOLERANCE
                and abs(found_sig - want_sig * unit) <= SIGNATURE_TOLERANCE
            ):
                return
    for place in (passes.signature_indents, passes.sealed_indents):
        want_sig, want_date = place(width(text), width(date_text))
        if abs(found_sig - want_sig * unit) <= SIGNATURE_TOLERANCE and (
            found_date is None or abs(found_date - want_date * unit) <= SIGNATURE_TOLERANCE
        ):
            return
    unsealed = passes.signature_indents(width(text), width(date_text))
    sealed = passes.sealed_indents(width(text), width(date_text))
    lint.add(
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


def left_twips(lint: Lint, p, size: float = spec.SIZE_3) -> float:
    """The left indent in twips: ``leftChars`` when it is set, else ``left``."""
    return _indent_twips(lint, p, "left", "start", size)


# the rules of each part, in the order they run
BODY_RULES = (fonts, body_indent)
RULES = {
    MARK: (header,),
    RULE: (red_rule,),
    DOC_NUMBER: (header,),
    TITLE: (fonts, title_centred, title_fits),
    RECIPIENT: (fonts, flush_left, recipient_colon),
    ANNEX_LABEL: (fonts, flush_left, annex_new_page),
    HEADING: (fonts, body_indent, numbering),
    LIST_ITEM: (fonts, body_indent, numbering),
    ATTACHMENT: (fonts, attachment),
    SIGNATURE: (fonts, signature),
    DATE: (fonts, signature),
    COPY_TO: (fonts,),
    PRINTED_BY: (fonts,),
}
