"""GB/T 9704-2012 (党政机关公文格式): every quantity docgen lays out and checks, declared once
in the standard's own units (millimetres, points, 号 sizes, characters, lines) and derived.

The layout (``official``, ``passes``), the checks and the messages of ``lint``, ``format`` and
``fitting`` all read from here, so the generator and the checker cannot disagree.  Word keeps
lengths in twips (1/20 pt) and EMU; ``twips`` converts (python-docx's ``Mm``, ``Pt``).
"""

from __future__ import annotations

import math

from docx.shared import Length, Mm, Pt

EMU_PER_TWIP = 635


def twips(length: Length | int) -> int:
    """A python-docx length (``Mm(37)``, ``Pt(16)``) in whole twips, as Word stores it."""
    return int(round(int(length) / EMU_PER_TWIP))


def mm(value_twips: float) -> float:
    """Twips in millimetres."""
    return value_twips * EMU_PER_TWIP / Mm(1)


def number(value: float) -> str:
    """A quantity as the standard writes it: ``37``, ``28.95``, ``10.5``."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------- fonts (5.2, 7.x)

FANGSONG = "仿宋_GB2312"  # 仿宋体: body, 主送, signature, 版记
HEITI = "黑体"  # first-level headings, 附件 label
KAITI = "楷体_GB2312"  # second-level headings, 签发人's name
XIAOBIAOSONG = "方正小标宋简体"  # title, 发文机关标志
SONGTI = "宋体"  # page numbers
# Names a draft may carry for the same typeface (the standard asks for 仿宋体, 楷体 …, not for
# one vendor's font file): accepted by ``lint``.
SAME_FACE = {
    FANGSONG: (FANGSONG, "仿宋", "仿宋_GB18030", "FangSong", "FangSong_GB2312"),
    KAITI: (KAITI, "楷体", "KaiTi", "KaiTi_GB2312"),
    HEITI: (HEITI, "SimHei"),
    SONGTI: (SONGTI, "SimSun"),
    XIAOBIAOSONG: (XIAOBIAOSONG, "方正小标宋_GBK", "小标宋"),
}


def same_face(font: str, wanted: str) -> bool:
    """``font`` is the typeface ``wanted`` names (仿宋 for 仿宋_GB2312)."""
    return font in SAME_FACE.get(wanted, (wanted,))


# ---------------------------------------------------------------- sizes (号 in points)

HAO: dict[str, float] = {
    "初号": 42,
    "小初": 36,
    "1号": 26,
    "小一": 24,
    "2号": 22,
    "小二": 18,
    "3号": 16,
    "小三": 15,
    "4号": 14,
    "小四": 12,
    "5号": 10.5,
    "小五": 9,
}
SIZE_2 = int(HAO["2号"])  # title
SIZE_3 = int(HAO["3号"])  # body
SIZE_4 = int(HAO["4号"])  # page number, 版记
SIZE_SMALL_4 = int(HAO["小四"])  # table text (six columns of figures fit the text width)
SIZE_NAMES = {size: name for name, size in HAO.items()}


def size_name(size: float) -> str:
    """``3号`` for 16 pt; the points otherwise."""
    return SIZE_NAMES.get(size, f"{number(size)}pt")


# ---------------------------------------------------------------- page (5.2.1, 5.2.2)

PAPER_MM = (210, 297)  # A4
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}  # 天头 37, 订口 28
PAGE_WIDTH = twips(Mm(PAPER_MM[0]))  # 11906
PAGE_HEIGHT = twips(Mm(PAPER_MM[1]))  # 16838
MARGIN_TOP = twips(Mm(MARGINS_MM["top"]))  # 2098
MARGIN_BOTTOM = twips(Mm(MARGINS_MM["bottom"]))  # 1984
MARGIN_LEFT = twips(Mm(MARGINS_MM["left"]))  # 1587
MARGIN_RIGHT = twips(Mm(MARGINS_MM["right"]))  # 1474
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 8845 ≈ 156 mm
TEXT_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # 12756 ≈ 225 mm
HEADER_DISTANCE = twips(Mm(15))  # no header is used
# The dash lines of the page number sit 7 mm under the text block (7.5), measured on the
# printed page: 35 mm − 7 mm − half the 4号 line ≈ 25.45 mm.
PAGE_NUMBER_BELOW_MM = 7
FOOTER_DISTANCE = twips(Mm(25.45))  # 1443

# ---------------------------------------------------------------- lines and characters (5.2.3)

LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
# 22 lines a page: 225 mm / 22 = 28.95 pt = 579 twips (Word keeps whole twips, rounded down).
LINE_PITCH = TEXT_HEIGHT // LINES_PER_PAGE  # 579
CHAR = twips(Pt(SIZE_3))  # one 3号 character: 320 twips
# 28 characters a line: 28 × 16 pt is wider than 156 mm, so 3号 text is condensed in steps of
# a quarter point (w:spacing −5 twentieths) to 15.75 pt a character.  A "linesAndChars" grid
# would do this in Word, but LibreOffice (our PDF route) then gives each character two cells.
CONDENSE = -math.ceil((CHARS_PER_LINE * CHAR - TEXT_WIDTH) / CHARS_PER_LINE / 5) * 5  # −5
PRINTED_CHAR = CHAR + CONDENSE  # 315 twips: a printed 3号 character
PRINTED_HALF = CHAR // 2 + CONDENSE  # 155 twips: a digit, every character condensed alike
BODY_INDENT = 2  # characters: first-line indent of body text (7.3.3)
# tightening the last pages so the signature keeps body text above it (7.3.5.5: 调整行距)
TIGHT_PITCHES = (twips(Pt(27)), twips(Pt(26)), twips(Pt(25)))
ROW_HEIGHT = twips(Mm(8))  # table rows a pen can write in

# ---------------------------------------------------------------- 版头 (7.2)

MARK_TOP = twips(Mm(35))  # 1984: top of the 发文机关标志's characters below the text area
MARK_SIZE = int(HAO["小初"])
MARK_LINE = twips(Pt(51))  # the mark's exact line
MARK_BEFORE = MARK_TOP - (MARK_LINE - twips(Pt(MARK_SIZE))) // 2  # 1834
NUMBER_BELOW_MARK = 2  # blank lines between the mark and the 发文字号 (下空二行)
RULE_LINE = twips(Mm(4))  # 227: the red rule's paragraph
RED = "FF0000"
BLACK = "000000"
SIGNER_INDENT = 1  # characters: 发文字号 and 签发人 1 character in from each side

# ---------------------------------------------------------------- signature (7.3.5)

SIGNATURE_RIGHT = 2  # unsealed: the signature 2 characters in from the right (7.3.5.2)
DATE_AFTER_SIGNATURE = 2  # the date starts 2 characters right of the signature's start
SEALED_DATE_RIGHT = 4  # sealed: the date 4 characters in from the right (7.3.5.1)
# Sealed: the seal's top within one line of the body; a seal is about 42 mm across and its
# lower part covers the signature and the date, so they stand this far under the body.
SEAL_MM = 42
SEAL_LINES = 3  # blank lines between the body (附件说明) and a sealed signature

# ---------------------------------------------------------------- 版记 (7.4) and page numbers (7.5)

RECORD_INDENT = 1  # characters in on both sides, 4号
PAGE_NUMBER_INDENT = 1  # characters from the outside edge

TWIPS_PER_MM = twips(Mm(100)) / 100  # 56.69


def line_chars(size: float) -> float:
    """Characters of ``size`` points a line of the text area holds (2号: 20.1, 3号: 27.6)."""
    return TEXT_WIDTH / twips(Pt(size))
