"""WordprocessingML helpers: the schema order of the property elements docgen writes, declared
once (python-docx's ``_tag_seq`` idea), one function that puts a child in its place, and the
unit conversions python-docx's lengths need.

Word and WPS drop or misread a property written out of schema order (a ``w:pBdr`` after
``w:snapToGrid`` loses the 版头's red rule), so every edit of a ``w:pPr``, ``w:rPr`` or
``w:sectPr`` goes through ``put``.
"""

from __future__ import annotations

from collections.abc import Iterable

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu
from lxml import etree

from docgen.gongwen.spec import EMU_PER_TWIP

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# ECMA-376 Part 1 (transitional): CT_PPr, CT_RPr (with CT_ParaRPr's revision marks first) and
# CT_SectPr, in schema order.
PPR_ORDER = (
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
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
)
RPR_ORDER = (
    "ins",
    "del",
    "moveFrom",
    "moveTo",
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
    "rPrChange",
)
# header and footer references come first, in any order among themselves
SECTPR_ORDER = (
    ("headerReference", "footerReference"),
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
)


def _ranks(order: tuple) -> dict[str, int]:
    ranks = {}
    for rank, names in enumerate(order):
        for name in (names,) if isinstance(names, str) else names:
            ranks[f"{W}{name}"] = rank
    return ranks


ORDER = {
    f"{W}pPr": _ranks(PPR_ORDER),
    f"{W}rPr": _ranks(RPR_ORDER),
    f"{W}sectPr": _ranks(SECTPR_ORDER),
}


def el(tag: str, **attrs: object) -> etree._Element:
    """``el("w:ind", left=320)``: a new element, its attributes in the w: namespace."""
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), str(value))
    return element


def put(parent, child, replace: bool = True):
    """Insert ``child`` into ``parent`` (a w:pPr, w:rPr or w:sectPr) at its schema place; an
    element of the same tag already there is replaced unless ``replace`` is false (header
    and footer references).  Returns ``child``."""
    ranks = ORDER[parent.tag]
    if replace:
        for old in parent.findall(child.tag):
            if old is not child:
                parent.remove(old)
    if child.getparent() is parent:
        parent.remove(child)
    rank = ranks.get(child.tag, len(ranks))
    for index, other in enumerate(parent):
        if ranks.get(other.tag, -1) > rank:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


def get_or_add(parent, name: str, **attrs: object):
    """The child ``w:name`` of ``parent``, added at its schema place (with ``attrs``) when
    missing."""
    child = parent.find(f"{W}{name}")
    if child is None:
        child = put(parent, el(f"w:{name}", **attrs))
    return child


def ppr_of(p):
    """The paragraph's w:pPr, added as its first child when missing."""
    ppr = p.find(f"{W}pPr")
    if ppr is None:
        ppr = etree.SubElement(p, f"{W}pPr")
        p.remove(ppr)
        p.insert(0, ppr)
    return ppr


def out_of_order(root) -> Iterable[str]:
    """Each w:pPr, w:rPr or w:sectPr under ``root`` whose children are not in schema order:
    ``"w:pPr: w:pBdr after w:snapToGrid"``.  Children of unknown tags are not judged."""
    for tag, ranks in ORDER.items():
        for parent in root.iter(tag):
            highest, after = -1, ""
            for child in parent:
                rank = ranks.get(child.tag)
                if rank is None:
                    continue
                if rank < highest:
                    yield f"w:{_local(tag)}: w:{_local(child.tag)} after w:{after}"
                    break
                if rank > highest:
                    highest, after = rank, _local(child.tag)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def emu(value_twips: float) -> Emu:
    """Twips as a python-docx length (what ``section.top_margin`` takes)."""
    return Emu(int(round(value_twips * EMU_PER_TWIP)))
