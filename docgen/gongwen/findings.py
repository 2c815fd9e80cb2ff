"""What ``lint`` reports and the words it reports in: a ``Finding`` (where, what is checked,
what is expected, what was found), the ``Lint`` of one document that the rules add findings
to, and how sizes, fonts, indents and line spacing are named to a secretary.  Expected values
are written from ``spec``, so a message never quotes a figure the layout does not use."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from docx.document import Document

from docgen.gongwen import spec
from docgen.gongwen.drafts import (
    ANNEX_LABEL,
    COPY_TO,
    HEADING,
    PRINTED_BY,
    TITLE,
    Part,
    Resolver,
    W,
    paragraph_text,
)
from docgen.i18n import _

CJK_SLOT_FONTS = ("Times New Roman",)  # also accepted for digits and Latin text


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
        return Expect(spec.XIAOBIAOSONG, spec.SIZE_2)
    if part.role == ANNEX_LABEL:
        return Expect(spec.HEITI, spec.SIZE_3)
    if part.role in (COPY_TO, PRINTED_BY):
        return Expect(spec.FANGSONG, spec.SIZE_4)
    if part.role == HEADING and in_heading:
        font = {1: spec.HEITI, 2: spec.KAITI}.get(part.level, spec.FANGSONG)
        return Expect(font, spec.SIZE_3)
    return Expect(spec.FANGSONG, spec.SIZE_3)


def size_name(size: float) -> str:
    return spec.SIZE_NAMES.get(size, _("{n}磅").format(n=f"{size:g}"))


def describe_font(size: float, font: str, bold: bool) -> str:
    return f"{size_name(size)}{font or _('默认字体')}" + (_("加粗") if bold else "")


def mm(twips: float) -> str:
    return f"{spec.mm(twips):.1f}".rstrip("0").rstrip(".")


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


class Lint:
    """One document being checked: the rules add their findings here."""

    def __init__(self, doc: Document, name: str):
        self.doc = doc
        self.name = name
        self.resolver = Resolver(doc)
        self.findings: list[Finding] = []

    def add(self, where: str, item: str, expected: str, found: str, paragraph: int = 0) -> None:
        self.findings.append(Finding(self.name, where, item, expected, found, paragraph))


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


def margins_text(top: float, bottom: float, left: float, right: float) -> str:
    """``上37、下35、左28、右26毫米`` (values in millimetres)."""
    return _("上{t}、下{b}、左{l}、右{r}毫米").format(
        t=spec.number(top), b=spec.number(bottom), l=spec.number(left), r=spec.number(right)
    )


def official_margins() -> str:
    return margins_text(*(spec.MARGINS_MM[side] for side in ("top", "bottom", "left", "right")))


def official_pitch() -> str:
    """``固定值28.95磅``."""
    return spacing_name("exact", spec.LINE_PITCH)


def official_font(size: float, font: str) -> str:
    """``3号仿宋_GB2312``."""
    return f"{size_name(size)}{font}"
