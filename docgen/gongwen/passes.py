"""Layout passes run on a rendered document.xml, once the printed words are known: where the
署名 and 成文日期 stand (GB/T 9704 7.3.5), the 版记 on an even last page (7.4), the main
text's last page tightened (7.3.5.5).  Each takes and returns the XML text."""

from __future__ import annotations

import copy
from collections.abc import Mapping

from lxml import etree

from docgen.gongwen.spec import (
    CHAR,
    DATE_AFTER_SIGNATURE,
    LINE_PITCH,
    PRINTED_CHAR,
    PRINTED_HALF,
    SEAL_LINES,
    SEALED_DATE_RIGHT,
    SIGNATURE_RIGHT,
    TEXT_WIDTH,
)
from docgen.gongwen.styles import ATTACHMENT, DATE, RECORD, SIGNATURE
from docgen.ooxml import W, el, get_or_add, ppr_of, put

R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# characters a date may run past its place into the right margin rather than wrap
DATE_OVERRUN = 2


# printed as wide as a Chinese character in a Chinese font, though below U+2E80
FULL_PUNCTUATION = "—“”‘’…·"


def _half(ch: str) -> bool:
    return ord(ch) < 0x2E80 and ch not in FULL_PUNCTUATION


def text_width(text: str) -> float:
    """Width in 3号 characters: CJK and full-width count 1, ASCII half."""
    return sum(0.5 if _half(ch) else 1 for ch in text)


def printed_width(text: str) -> float:
    """Width in printed 3号 characters (15.75 pt): a digit or other half-width character is
    7.75 pt, not half of 15.75, since every character is condensed by the same 0.25 pt.
    Exact for Chinese text; digits depend on the font the printer has."""
    return sum(PRINTED_HALF / PRINTED_CHAR if _half(ch) else 1 for ch in text)


def signature_indents(issuer_width: float, date_width: float) -> tuple[float, float]:
    """Right indents (in characters) of 署名 and 成文日期 for an unsealed document (7.3.5.2).

    The signature stands 2 characters in from the right and the date starts 2 characters
    right of the signature's first character; when that would push the date past 2
    characters from the right, the date stays 2 in and the signature moves left.
    """
    date_right = issuer_width + SIGNATURE_RIGHT - DATE_AFTER_SIGNATURE - date_width
    if date_right >= SIGNATURE_RIGHT:
        return float(SIGNATURE_RIGHT), date_right
    return SIGNATURE_RIGHT + (SIGNATURE_RIGHT - date_right), float(SIGNATURE_RIGHT)


def sealed_indents(issuer_width: float, date_width: float) -> tuple[float, float]:
    """Right indents (in characters) of 署名 and 成文日期 for a sealed document (7.3.5.1): the
    date 4 characters in from the right, the signature centred over it."""
    date_right = float(SEALED_DATE_RIGHT)
    sig_right = date_right + (date_width - issuer_width) / 2
    if sig_right < 0:  # a name wider than date + 8 characters: keep it inside the text area
        return 0.0, date_right
    return sig_right, date_right


def signature_start(issuer: str, sig_right: float) -> int:
    """Where the printed signature starts, in twips from the left of the text area: exact for
    a name in Chinese characters, whatever font prints it."""
    return int(round(TEXT_WIDTH - (sig_right + printed_width(issuer)) * PRINTED_CHAR))


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def _style(p) -> str | None:
    style = p.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val") if style is not None else None


def _no_space_before_digits(ppr) -> None:
    # no extra space between 年 and the digits
    get_or_add(ppr, "autoSpaceDE", val=0)
    get_or_add(ppr, "autoSpaceDN", val=0)


def set_right_indent(p, chars: float) -> None:
    """Right-align paragraph ``p`` ``chars`` printed characters in from the right."""
    ppr = ppr_of(p)
    # in twips of printed characters (15.75 pt), not rightChars (16 pt a "character"), so the
    # indent measures the same characters as the printed name and date; rightChars 0, not
    # absent: Word lets a style's rightChars win over the paragraph's right
    put(
        ppr,
        el(
            "w:ind",
            right=int(round(chars * PRINTED_CHAR)),
            rightChars=0,
            firstLine=0,
            firstLineChars=0,
        ),
    )
    _no_space_before_digits(ppr)
    put(ppr, el("w:jc", val="right"))


def set_left_start(p, twips: int) -> None:
    """Start paragraph ``p`` ``twips`` from the left of the text area (left-aligned).  Its
    right indent is negative, so a date printed in a font with wider digits than 仿宋_GB2312's
    runs a little into the margin instead of breaking before its last character."""
    ppr = ppr_of(p)
    put(
        ppr,
        el(
            "w:ind",
            left=max(0, twips),
            leftChars=0,
            right=-DATE_OVERRUN * PRINTED_CHAR,
            rightChars=0,
            firstLine=0,
            firstLineChars=0,
        ),
    )
    _no_space_before_digits(ppr)
    put(ppr, el("w:jc", val="left"))


def keep_next(p) -> None:
    get_or_add(ppr_of(p), "keepNext")


def _blank(p) -> bool:
    return p.tag == f"{W}p" and not _text(p).strip() and p.find(f".//{W}drawing") is None


def make_seal_room(p, lines: int = SEAL_LINES) -> None:
    """``lines`` blank lines between the body (or 附件说明) and the sealed signature ``p``, so
    the seal's top is within one line of the body and its lower part covers the signature
    and date (7.3.5.1)."""
    blanks: list = []
    before = p.getprevious()
    while before is not None and _blank(before) and len(blanks) < lines:
        blanks.append(before)
        before = before.getprevious()
    model = blanks[0] if blanks else None
    for _ in range(lines - len(blanks)):
        if model is not None:
            blank = copy.deepcopy(model)
        else:
            blank = etree.Element(f"{W}p")
            put(ppr_of(blank), el("w:pStyle", val="Normal"))
        keep_next(blank)
        p.addprevious(blank)


def lay_out_signature(p, date, sealed: bool = False) -> None:
    """Place the 署名 paragraph ``p`` and the 成文日期 paragraph ``date`` (or None) under it:
    7.3.5.2 unsealed (the date by a left indent from the signature's start, which is exact
    for a Chinese name), 7.3.5.1 sealed (room left above for the seal)."""
    issuer = _text(p).strip()
    date_text = _text(date).strip() if date is not None else issuer
    if sealed:
        sig_right, date_right = sealed_indents(printed_width(issuer), printed_width(date_text))
        set_right_indent(p, sig_right)
        if date is not None:
            set_right_indent(date, date_right)
        make_seal_room(p)
        return
    sig_right, _date_right = signature_indents(printed_width(issuer), printed_width(date_text))
    set_right_indent(p, sig_right)
    if date is not None:
        set_left_start(
            date, signature_start(issuer, sig_right) + DATE_AFTER_SIGNATURE * PRINTED_CHAR
        )


# What stands between the main text and the 署名 without being main text itself
_CLOSINGS = ("特此报告", "特此通知", "特此函告", "特此请示")


def chain_to_body(p) -> None:
    """Keep the 署名 ``p`` on one page with the main text's last paragraph: everything between
    them (附件说明, 特此报告, blank lines) and that paragraph keep with the next one.  The
    last resort of 7.3.5.5 when tightening cannot bring the signature back."""
    before = p.getprevious()
    while before is not None:
        if before.tag != f"{W}p":
            break
        keep_next(before)
        text = _text(before).strip()
        if text and _style(before) != ATTACHMENT and not text.startswith(_CLOSINGS):
            break  # the main text's last paragraph
        before = before.getprevious()


def place_signature(xml: str, sealed: bool = False, chained: bool = False) -> str:
    """Set the 署名 and 成文日期 paragraphs of a rendered document.xml where GB/T 9704 puts
    them for the name and date as printed (``lay_out_signature``)."""
    if SIGNATURE not in xml:
        return xml
    root = etree.fromstring(xml.encode("utf-8"))
    paragraphs = list(root.iter(f"{W}p"))
    changed = False
    for index, p in enumerate(paragraphs):
        if _style(p) != SIGNATURE:
            continue
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        date = following if following is not None and _style(following) == DATE else None
        lay_out_signature(p, date, sealed)
        if chained:
            chain_to_body(p)
        if date is not None:
            after = paragraphs[index + 2] if index + 2 < len(paragraphs) else None
            if (
                after is not None
                and _text(after).strip()
                and after.find(f"{W}pPr/{W}pageBreakBefore") is None
            ):
                keep_next(date)  # the 附注 under the date stays on the signature's page
        changed = True
    if not changed:
        return xml
    return etree.tostring(root, encoding="unicode")


def _starts_at(paragraphs: list, first_words: str) -> int:
    """Index of the first paragraph that starts on the page whose text begins with
    ``first_words`` (white space removed); 0 when it cannot be told."""
    if not first_words:
        return 0
    texts = ["".join(_text(p).split()) for p in paragraphs]
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
    body = root.find(f"{W}body")
    if body is None:
        return xml
    paragraphs = list(body.iter(f"{W}p"))
    for p in paragraphs[_starts_at(paragraphs, first_words) :]:
        ppr = p.find(f"{W}pPr")
        if ppr is not None and ppr.find(f"{W}pageBreakBefore") is not None:
            break
        ppr = ppr_of(p)
        spacing = ppr.find(f"{W}spacing")
        if (
            spacing is not None
            and spacing.get(f"{W}lineRule") == "exact"
            and int(spacing.get(f"{W}line", "0")) != LINE_PITCH
        ):
            continue  # a line of its own height: the 版头's mark and rule
        spacing = get_or_add(ppr, "spacing")
        spacing.set(f"{W}line", str(line))
        spacing.set(f"{W}lineRule", "exact")
        get_or_add(ppr, "snapToGrid", val=0)  # off the 28.95 pt line grid
    return etree.tostring(root, encoding="unicode")


def place_record(xml: str) -> str:
    """Put the 版记 of a rendered document.xml on the foot of an even last page (GB/T 9704
    7.4).  The template ends the body's section before it; the 版记's own section has its
    content at the bottom (Word's vertical alignment; the template's blank lines above the
    版记 do it for LibreOffice) and starts on the next page:

    - with a blank page first (a page-break paragraph at its start, put there when the
      printed body ends on an even page), the footer without a page number that the
      template names as its first-page footer on every page: neither the blank page nor the
      版记's page carries a number (7.5);
    - without, on the next even page (Word inserts a blank page when needed), numbered on
      from the body.
    """
    if f'w:val="{RECORD}"' not in xml:
        return xml
    root = etree.fromstring(xml.encode("utf-8"))
    body = root.find(f"{W}body")
    sect = body.find(f"{W}sectPr") if body is not None else None
    breaks = [ppr for ppr in body.iter(f"{W}pPr") if ppr.find(f"{W}sectPr") is not None]
    if sect is None or not breaks:
        return xml
    for tag in ("type", "pgNumType", "vAlign", "titlePg"):
        for old in sect.findall(f"{W}{tag}"):
            sect.remove(old)
    record = list(breaks[-1].getparent().itersiblings())
    blank_first = any(
        br.get(f"{W}type") == "page" for block in record[:4] for br in block.iter(f"{W}br")
    )
    refs = sect.findall(f"{W}footerReference")
    blank = next((r.get(R_ID) for r in refs if r.get(f"{W}type") == "first"), None)
    if blank_first and blank:
        put(sect, el("w:type", val="nextPage"))
        for ref in refs:  # the template's page-number-free footer, named as the first page's
            if ref.get(f"{W}type") in ("default", "even"):
                ref.set(R_ID, blank)
    else:
        put(sect, el("w:type", val="evenPage"))
    put(sect, el("w:vAlign", val="bottom"))
    return etree.tostring(root, encoding="unicode")


__all__ = [
    "CHAR",
    "keep_next",
    "place_record",
    "place_signature",
    "printed_width",
    "sealed_indents",
    "set_left_start",
    "set_right_indent",
    "signature_indents",
    "text_width",
    "tighten_body",
]


# --- the passes as a kind hands them to the renderer -------------------------------------------
# Context variables a record sets for the finishing steps below.
SEALED_KEY = "加盖印章"  # True: the sealed layout of the signature (7.3.5.1)
CHAIN_KEY = "署名连正文"  # True: the signature kept on one page with the main text's end
PITCH_KEY = "正文行距"  # the main text's tightened line pitch in twips (7.3.5.5) …
PITCH_FROM_KEY = "正文行距起"  # … from the page that begins with these words


def finish_signature(xml: str, context: Mapping) -> str:
    """Finishing step: the 署名 and 成文日期 placed for the text they print (``place_signature``)."""
    return place_signature(
        xml, sealed=context.get(SEALED_KEY) is True, chained=context.get(CHAIN_KEY) is True
    )


def finish_record(xml: str, context: Mapping) -> str:
    """Finishing step: the 版记 at the foot of an even last page (``place_record``)."""
    return place_record(xml)


def finish_tightening(xml: str, context: Mapping) -> str:
    """Finishing step: the last page's body at the pitch fitting measured (``tighten_body``)."""
    if not context.get(PITCH_KEY):
        return xml
    return tighten_body(xml, int(context[PITCH_KEY]), str(context.get(PITCH_FROM_KEY, "")))
