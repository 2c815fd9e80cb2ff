"""Reading a hand-typed draft: what each paragraph is (title, 主送机关, headings, body, 附件说明,
署名, 成文日期, 附注, 版记) from its text and position, and what formatting it really has.

``parts(doc)`` recognises the parts; ``Resolver`` resolves a run's or paragraph's formatting
the way Word does (run → character style → paragraph style → based-on chain → docDefaults).
``lint`` checks the parts against GB/T 9704; ``formatting`` lays them out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx.document import Document
from lxml import etree

from docgen.i18n import _

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"

# Roles of paragraphs.
BLANK = "blank"
TITLE = "title"
RECIPIENT = "recipient"
HEADING = "heading"
BODY = "body"
LIST_ITEM = "list"
ATTACHMENT = "attachment"
SIGNATURE = "signature"
DATE = "date"
NOTE = "note"
ANNEX_LABEL = "annex"
COPY_TO = "copyto"
PRINTED_BY = "printed"
PICTURE = "picture"
# the 版头 (GB/T 9704 7.2): 发文机关标志, 发文字号 (with 签发人 for a 上行文), the red rule
MARK = "mark"
DOC_NUMBER = "number"
RULE = "rule"

CN_NUMBER = "一二三四五六七八九十百零〇"
# The four heading levels by their numbering; the half-width variants are made full-width
# before matching ("(一)" → "（一）"), "1、" and "1．" count as "1.".
_MARKERS = (
    (1, re.compile(rf"^[{CN_NUMBER}]+、")),
    (2, re.compile(rf"^（[{CN_NUMBER}]+）")),
    (3, re.compile(r"^[0-9０-９]+[.．、](?![0-9０-９])")),
    (4, re.compile(r"^（[0-9０-９]+）")),
)
DATE_PATTERN = re.compile(
    r"^[0-9０-９〇○零一二三四五六七八九]{4}\s*年\s*[0-9０-９一二三四五六七八九十]{1,3}\s*月"
    r"\s*[0-9０-９一二三四五六七八九十]{1,3}\s*日$"
)
ARABIC_DATE = re.compile(r"^\d{4}年[1-9]\d?月[1-9]\d?日$")
ANNEX_PATTERN = re.compile(r"^附件\s*[0-9０-９]*$")
ATTACHMENT_PATTERN = re.compile(r"^附件[：:]")
NOTE_PATTERN = re.compile(r"^[（(].*[）)]$")
# 发文字号: an organ's short name, the year in 〔〕 (or brackets typed instead), the number;
# 签发人 and the names after it on the same line
NUMBER_PATTERN = re.compile(
    r"^[^\s，。：《》“”]{0,12}[〔［\[（]\s*\d{4}\s*[〕］\]）]\s*\d{1,5}\s*号"
    r"(\s*签发人[：:].{1,40})?$"
)
SIGNER_LABEL = re.compile(r"签发人[：:]")
COPY_PATTERN = re.compile(r"^抄送[：:]")
PRINTED_PATTERN = re.compile(r"印发$")
SENTENCE_END = "。；，！？"
INDENT_SPACE = " \t\u3000\u00a0"


def is_cjk(ch: str) -> bool:
    return (
        "\u2e80" <= ch <= "\u9fff"
        or "\uf900" <= ch <= "\ufaff"
        or "\uff00" <= ch <= "\uffef"
        or "\u3000" < ch <= "\u303f"
    )


_BRACKETS = re.compile(r"\(([^()]*)\)")


def full_width(text: str) -> str:
    """Half-width brackets and colons in Chinese text made full-width; the same length.

    A bracket pair is Chinese when what it holds, or the character before or after it, is
    Chinese; a colon when the character before it is Chinese (``8:30`` and ``Email:`` stay).
    """
    chars = list(text)
    changed = True
    while changed:  # innermost pairs first: "(发至村(社区))"
        changed = False
        current = "".join(chars)
        for match in _BRACKETS.finditer(current):
            start, end = match.start(), match.end()
            around = match.group(1) + current[start - 1 : start] + current[end : end + 1]
            if any(is_cjk(ch) for ch in around):
                chars[start], chars[end - 1] = "（", "）"
                changed = True
    for index, ch in enumerate(text):
        if ch == ":" and index and is_cjk(text[index - 1]):
            chars[index] = "："
    return "".join(chars)


def heading_level(text: str) -> int:
    """1–4 for a paragraph starting with 一、（一）1.（1）, else 0 (``text`` made full-width)."""
    for level, pattern in _MARKERS:
        if pattern.match(text):
            return level
    return 0


def heading_end(text: str) -> int:
    """Where the heading of a paragraph ends: after its first "。" when body text follows in
    the same paragraph ("（一）道路交通。以…"), else the whole paragraph."""
    stop = text.find("。")
    if 0 <= stop < len(text) - 1 and text[stop + 1 :].strip():
        return stop + 1
    return len(text)


def paragraph_text(p) -> str:
    """The text as Word shows it: tabs as ``\\t``, line breaks as ``\\n``."""
    out = []
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        if node.tag == f"{W}t":
            out.append(node.text or "")
        elif node.tag == f"{W}tab":
            if node.getparent().tag == f"{W}r":
                out.append("\t")
        elif node.getparent().tag == f"{W}r" and node.get(f"{W}type") not in ("page", "column"):
            out.append("\n")
    return "".join(out)


def has_picture(p) -> bool:
    return any(True for _ in p.iter(f"{W}drawing", f"{W}pict", f"{W}object"))


def has_border(p) -> bool:
    """A paragraph drawn with a border line (the 版头's red rule as a paragraph border)."""
    borders = p.find(f"{W}pPr/{W}pBdr")
    return borders is not None and any(
        b.get(f"{W}val") not in (None, "nil", "none") for b in borders
    )


def top_paragraphs(doc: Document) -> list:
    """The body's own paragraphs (not those in tables), in order."""
    return list(doc.element.body.iterchildren(f"{W}p"))


def short_text(text: str, limit: int = 15) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"


# ---------------------------------------------------------------- formatting as Word sees it


class Resolver:
    """Formatting of runs and paragraphs resolved through styles and defaults."""

    def __init__(self, doc: Document):
        styles = doc.styles.element
        self.styles = {s.get(f"{W}styleId"): s for s in styles.iterchildren(f"{W}style")}
        self.default_paragraph = next(
            (
                s.get(f"{W}styleId")
                for s in styles.iterchildren(f"{W}style")
                if s.get(f"{W}type") == "paragraph" and s.get(f"{W}default") in ("1", "true", "on")
            ),
            None,
        )
        self.default_rpr = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        self.default_ppr = styles.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr")
        self.theme = _theme_fonts(doc)

    def chain(self, style_id: str | None) -> list:
        out, seen = [], set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            out.append(style)
            based = style.find(f"{W}basedOn")
            style_id = based.get(f"{W}val") if based is not None else None
        return out

    def paragraph_style(self, p) -> str | None:
        ps = p.find(f"{W}pPr/{W}pStyle")
        return ps.get(f"{W}val") if ps is not None else self.default_paragraph

    def _ppr_chain(self, p) -> list:
        chain = [p.find(f"{W}pPr")]
        chain += [s.find(f"{W}pPr") for s in self.chain(self.paragraph_style(p))]
        chain.append(self.default_ppr)
        return [x for x in chain if x is not None]

    def _rpr_chain(self, r, p) -> list:
        chain = [r.find(f"{W}rPr")] if r is not None else []
        rs = r.find(f"{W}rPr/{W}rStyle") if r is not None else None
        if rs is not None:
            chain += [s.find(f"{W}rPr") for s in self.chain(rs.get(f"{W}val"))]
        chain += [s.find(f"{W}rPr") for s in self.chain(self.paragraph_style(p))]
        chain.append(self.default_rpr)
        return [x for x in chain if x is not None]

    def paragraph_attr(self, p, tag: str, attr: str) -> str | None:
        for ppr in self._ppr_chain(p):
            el = ppr.find(f"{W}{tag}")
            if el is not None and el.get(f"{W}{attr}") is not None:
                return el.get(f"{W}{attr}")
        return None

    def paragraph_flag(self, p, tag: str) -> bool:
        for ppr in self._ppr_chain(p):
            el = ppr.find(f"{W}{tag}")
            if el is not None:
                return el.get(f"{W}val", "1") not in ("0", "false", "off")
        return False

    def run_font(self, r, p, slot: str = "eastAsia") -> str:
        """The font of ``slot`` (eastAsia, ascii) — a theme font looked up in the theme."""
        for rpr in self._rpr_chain(r, p):
            fonts = rpr.find(f"{W}rFonts")
            if fonts is None:
                continue
            theme = fonts.get(f"{W}{slot}Theme") or (
                fonts.get(f"{W}hAnsiTheme") if slot == "ascii" else None
            )
            if theme:
                return self.theme.get(theme, "")
            if fonts.get(f"{W}{slot}"):
                return fonts.get(f"{W}{slot}") or ""
        return ""

    def run_size(self, r, p) -> float:
        for rpr in self._rpr_chain(r, p):
            sz = rpr.find(f"{W}sz")
            if sz is not None and sz.get(f"{W}val"):
                return int(sz.get(f"{W}val")) / 2
        return 10.0

    def run_flag(self, r, p, tag: str) -> bool:
        for rpr in self._rpr_chain(r, p):
            el = rpr.find(f"{W}{tag}")
            if el is not None:
                return el.get(f"{W}val", "1") not in ("0", "false", "off")
        return False

    def run_color(self, r, p) -> str:
        for rpr in self._rpr_chain(r, p):
            el = rpr.find(f"{W}color")
            if el is not None and el.get(f"{W}val"):
                return el.get(f"{W}val", "auto")
        return "auto"

    def alignment(self, p) -> str:
        return self.paragraph_attr(p, "jc", "val") or "left"

    def indent_chars(self, p, which: str, size: float = 16) -> float:
        """An indent (firstLine, left, right) in characters; a hanging indent is negative."""
        names = {
            "left": ("leftChars", "left", "startChars", "start"),
            "right": ("rightChars", "right", "endChars", "end"),
        }
        if which == "firstLine":
            chars = self.paragraph_attr(p, "ind", "firstLineChars")
            hanging_chars = self.paragraph_attr(p, "ind", "hangingChars")
            if hanging_chars and int(hanging_chars):
                return -int(hanging_chars) / 100
            if chars and int(chars):
                return int(chars) / 100
            hanging = self.paragraph_attr(p, "ind", "hanging")
            if hanging and int(hanging):
                return -int(hanging) / (size * 20)
            twips = self.paragraph_attr(p, "ind", "firstLine")
            return int(twips) / (size * 20) if twips else 0.0
        chars_name, twips_name, chars_alt, twips_alt = names[which]
        chars = self.paragraph_attr(p, "ind", chars_name) or self.paragraph_attr(
            p, "ind", chars_alt
        )
        if chars and int(chars):
            return int(chars) / 100
        twips = self.paragraph_attr(p, "ind", twips_name) or self.paragraph_attr(
            p, "ind", twips_alt
        )
        return int(twips) / (size * 20) if twips else 0.0

    def line_spacing(self, p) -> tuple[str, int]:
        rule = self.paragraph_attr(p, "spacing", "lineRule") or "auto"
        line = self.paragraph_attr(p, "spacing", "line")
        return rule, int(line) if line else 240

    def paragraph_size(self, p) -> float:
        """The size most of the paragraph's text is set in."""
        sizes: Counter[float] = Counter()
        for r in p.iter(f"{W}r"):
            text = "".join(t.text or "" for t in r.iter(f"{W}t")).strip()
            if text:
                sizes[self.run_size(r, p)] += len(text)
        if not sizes:
            return self.run_size(None, p)
        return sizes.most_common(1)[0][0]


def _theme_fonts(doc: Document) -> dict[str, str]:
    """minorEastAsia → the theme's East-Asian (or Hans) font, and so on."""
    fonts: dict[str, str] = {}
    for rel in doc.part.rels.values():
        if not rel.reltype.endswith("/theme") or rel.is_external:
            continue
        try:
            root = etree.fromstring(rel.target_part.blob)
        except (etree.XMLSyntaxError, AttributeError, ValueError):
            continue
        for kind in ("major", "minor"):
            font = root.find(f".//{A}{kind}Font")
            if font is None:
                continue
            latin = font.find(f"{A}latin")
            ea = font.find(f"{A}ea")
            hans = font.find(f"{A}font[@script='Hans']")
            east = (ea.get("typeface") if ea is not None else "") or (
                hans.get("typeface") if hans is not None else ""
            )
            fonts[f"{kind}EastAsia"] = east or ""
            fonts[f"{kind}HAnsi"] = fonts[f"{kind}Ascii"] = (
                latin.get("typeface", "") if latin is not None else ""
            )
    return fonts


# ---------------------------------------------------------------- the parts


@dataclass
class Part:
    """One paragraph of the body and what it is."""

    index: int  # 0-based among the body's own paragraphs
    element: Any = field(repr=False)
    text: str  # as written
    role: str
    level: int = 0  # heading level 1–4
    split: int = 0  # heading ends here, body text follows in the same paragraph
    first: bool = True  # the first paragraph of its kind in a run (附件说明's first line)

    @property
    def number(self) -> int:
        return self.index + 1


ROLE_BY_STYLE = {
    "Title": TITLE,
    "GwRecipient": RECIPIENT,
    "GwSignature": SIGNATURE,
    "GwDate": DATE,
    "GwAttachment": ATTACHMENT,
    "GwAnnexLabel": ANNEX_LABEL,
}
LEVEL_BY_STYLE = {"Heading1": 1, "Heading2": 2, "Heading3": 3}


def parts(doc: Document, resolver: Resolver | None = None) -> list[Part]:
    """What each of the body's paragraphs is, from its text and position (docgen's own style
    names, when a paragraph carries one, are taken at their word)."""
    body = _Body.read(doc, resolver or Resolver(doc))
    _mark_styled(body)
    _mark_record(body)
    head = _mark_head(body)
    start = _mark_titles(body, head)
    _mark_recipient(body, start)
    annex_start = _mark_annexes(body, start)
    _mark_ending(body, start, annex_start)
    _mark_attachment_note(body, start, annex_start)
    return _assemble(body)


@dataclass
class _Body:
    """The body's paragraphs as ``parts`` reads them, with the roles found so far ("" for a
    paragraph not yet recognised)."""

    paragraphs: list
    texts: list[str]  # full-width, without the indent
    raw: list[str]  # as written
    styles: list[str]
    sizes: list[float]
    aligns: list[str]
    roles: list[str]
    usual: float  # the body text's size

    @classmethod
    def read(cls, doc: Document, resolver: Resolver) -> _Body:
        """The body's paragraphs with their text and formatting, none recognised yet."""
        paragraphs = top_paragraphs(doc)
        texts = [full_width(paragraph_text(p)).strip(INDENT_SPACE + "\n") for p in paragraphs]
        sizes = [resolver.paragraph_size(p) for p in paragraphs]
        body_size = Counter(s for s, t in zip(sizes, texts, strict=True) if t).most_common(1)
        return cls(
            paragraphs=paragraphs,
            texts=texts,
            raw=[paragraph_text(p) for p in paragraphs],
            styles=[resolver.paragraph_style(p) or "" for p in paragraphs],
            sizes=sizes,
            aligns=[resolver.alignment(p) for p in paragraphs],
            roles=[_first_role(p, text) for p, text in zip(paragraphs, texts, strict=True)],
            usual=body_size[0][0] if body_size else 16.0,
        )

    def filled(self, start: int, stop: int) -> list[int]:
        """The paragraphs from ``start`` up to ``stop`` that are not blank."""
        return [i for i in range(start, stop) if self.roles[i] != BLANK]

    def title_like(self, i: int) -> bool:
        """Centred or larger than the body text, and not a heading, a date or a sentence."""
        text = self.texts[i]
        if self.styles[i] == "Title":
            return True
        if heading_level(text) or DATE_PATTERN.match(text) or len(text) > 60:
            return False
        if text[-1] in SENTENCE_END + "：:":
            return False
        return self.aligns[i] in ("center", "distribute") or self.sizes[i] > self.usual


def _first_role(p, text: str) -> str:
    """A picture alone in its paragraph, a blank paragraph, or "" (to be recognised)."""
    if has_picture(p) and not text:
        return PICTURE
    return BLANK if not text else ""


def _mark_styled(body: _Body) -> None:
    """Paragraphs in docgen's own styles are what their style says."""
    for i, style in enumerate(body.styles):
        if not body.roles[i] and style in ROLE_BY_STYLE:
            body.roles[i] = ROLE_BY_STYLE[style]


def _mark_record(body: _Body) -> None:
    """版记: 抄送 and 印发, wherever they are."""
    roles, texts = body.roles, body.texts
    for i, text in enumerate(texts):
        if roles[i] == "" and COPY_PATTERN.match(text):
            roles[i] = COPY_TO
        elif (
            roles[i] == ""
            and PRINTED_PATTERN.search(text)
            and re.search(r"\d{4}\s*年", text)
            and len(text) < 50
        ):
            roles[i] = PRINTED_BY


def _mark_head(body: _Body) -> int:
    """The 版头: a 发文字号 line among the first paragraphs, the 发文机关标志 above it, the rule
    (a bordered empty paragraph or a drawn line) under it; returns where the 版头 ends."""
    roles, n = body.roles, len(body.roles)
    order = body.filled(0, n)
    number = next(
        (i for i in order[:4] if roles[i] == "" and NUMBER_PATTERN.match(body.texts[i])), None
    )
    if number is None:
        return 0
    for i in order:
        if i >= number:
            break
        roles[i] = MARK
    roles[number] = DOC_NUMBER
    head = number + 1
    while head < n and (roles[head] in (BLANK, PICTURE)):
        if has_border(body.paragraphs[head]) or roles[head] == PICTURE:
            roles[head] = RULE
        head += 1
    return head


def _mark_titles(body: _Body, head: int) -> int:
    """The title: centred or larger paragraphs at the top (a long title may take two or
    three); returns where the main text starts."""
    roles, n = body.roles, len(body.roles)
    order = body.filled(head, n)
    start = 0
    for k, i in enumerate(order[:3]):
        if roles[i] in ("", TITLE) and body.title_like(i):
            roles[i] = TITLE
            start = order[k + 1] if k + 1 < len(order) else n
        else:
            break
    if start == 0 and order:
        start = order[0]
    return start


def _mark_recipient(body: _Body, start: int) -> None:
    """主送机关: the first line after the title, ending with a colon."""
    rest = body.filled(start, len(body.roles))
    if not rest or body.roles[rest[0]] != "":
        return
    i = rest[0]
    text = body.texts[i]
    # a list of organisations: 、 between them, never a sentence's "，" or "。"
    if (
        text.endswith("：")
        and len(text) <= 60
        and not heading_level(text)
        and not any(ch in text for ch in "，。；！？")
        and body.aligns[i] not in ("center", "right")
    ):
        body.roles[i] = RECIPIENT


def _mark_annexes(body: _Body, start: int) -> int:
    """附件1 labels start the annexes; the title of each annex follows its label. Returns
    where the first annex starts (the end of the body when there is none)."""
    roles, n = body.roles, len(body.roles)
    annex_start = n
    for i in range(start, n):
        if (
            roles[i] in ("", ANNEX_LABEL)
            and ANNEX_PATTERN.match(body.texts[i])
            and (roles[i] == ANNEX_LABEL or i > start)
        ):
            roles[i] = ANNEX_LABEL
            annex_start = min(annex_start, i)
            for j in body.filled(i + 1, n)[:2]:
                if roles[j] in ("", TITLE) and body.title_like(j):
                    roles[j] = TITLE
                else:
                    break
    return annex_start


def _mark_ending(body: _Body, start: int, annex_start: int) -> None:
    """The end of the main text: 附注, 成文日期, 署名 (from the end, skipping 版记)."""
    roles, texts = body.roles, body.texts
    tail = [
        i for i in body.filled(start, annex_start)[::-1] if roles[i] not in (COPY_TO, PRINTED_BY)
    ]
    k = 0
    while (
        k < len(tail)
        and roles[tail[k]] in ("", NOTE)
        and NOTE_PATTERN.match(texts[tail[k]])
        and len(texts[tail[k]]) < 80
    ):
        roles[tail[k]] = NOTE
        k += 1
    if k < len(tail) and (
        roles[tail[k]] == DATE or (roles[tail[k]] == "" and DATE_PATTERN.match(texts[tail[k]]))
    ):
        roles[tail[k]] = DATE
        if k + 1 < len(tail):
            _mark_signature(body, tail[k + 1])


def _mark_signature(body: _Body, sig: int) -> None:
    """署名 above the 成文日期: short, set apart (aligned right or centred, after a blank line
    or indented), and not a sentence or a heading."""
    roles, text, raw = body.roles, body.texts[sig], body.raw[sig]
    blank_before = sig > 0 and roles[sig - 1] == BLANK
    indented = len(raw) - len(raw.lstrip(INDENT_SPACE)) >= 4
    placed = body.aligns[sig] in ("right", "end", "center") or blank_before or indented
    if roles[sig] == SIGNATURE or (
        roles[sig] == ""
        and len(text) <= 30
        and placed
        and not any(ch in text for ch in SENTENCE_END + "：:")
        and not heading_level(text)
    ):
        roles[sig] = SIGNATURE


def _mark_attachment_note(body: _Body, start: int, annex_start: int) -> None:
    """附件说明: "附件：1.…" and the numbered lines under it."""
    roles, texts = body.roles, body.texts
    in_note = False
    for i in range(start, annex_start):
        if roles[i] in ("", ATTACHMENT) and ATTACHMENT_PATTERN.match(texts[i]):
            roles[i] = ATTACHMENT
            in_note = True
        elif (
            in_note and roles[i] in ("", ATTACHMENT) and re.match(r"^[0-9０-９]+[.．、]", texts[i])
        ):
            roles[i] = ATTACHMENT
        elif roles[i] != BLANK:
            in_note = False


def _assemble(body: _Body) -> list[Part]:
    """The parts, with headings told by their numbering; numbered lines that are list items
    stay body text."""
    result: list[Part] = []
    previous: Part | None = None
    for i, text in enumerate(body.texts):
        role, level, split = body.roles[i], 0, 0
        if role in ("", HEADING):
            level = heading_level(text) or LEVEL_BY_STYLE.get(body.styles[i], 0)
            if level and is_list_item(text, level, previous):
                role = LIST_ITEM
            elif level:
                role = HEADING
                split = heading_end(text) if heading_level(text) else len(text)
            else:
                role = BODY
        part = Part(i, body.paragraphs[i], body.raw[i], role, level, split)
        if role == ATTACHMENT and previous is not None and previous.role == ATTACHMENT:
            part.first = False
        result.append(part)
        if role != BLANK:
            previous = part
    return result


def is_list_item(text: str, level: int, previous: Part | None) -> bool:
    """A numbered paragraph is a list item, not a heading, when it ends like a clause ("；"
    "，" "、"), when the body paragraph before it introduces a list (ends with "：") and it is
    numbered "1." or "（1）" or reads as a sentence, or when it continues a list (numbered the
    same way, the next number: "1." after "3." starts a heading)."""
    if text[-1] in "；，、;,":
        return True
    if previous is None:
        return False
    before = full_width(previous.text).strip(INDENT_SPACE + "\n")
    if previous.role == BODY and before.endswith("："):
        # "……通知如下：" introduces the document's sections: 一、 and （一） after it are
        # headings like the 二、 and 三、 that follow, unless they read as clauses
        return level >= 3 or heading_end(text) < len(text) or text[-1] in SENTENCE_END
    return (
        previous.role == LIST_ITEM
        and previous.level == level
        and _number(text) == _number(full_width(previous.text).strip(INDENT_SPACE + "\n")) + 1
    )


def _number(text: str) -> int:
    """The number of a numbered paragraph (一 → 1, 12 → 12); 0 when it cannot be read."""
    match = re.match(rf"^（?([0-9０-９]+|[{CN_NUMBER}]+)", text)
    if not match:
        return 0
    value = match.group(1)
    if value[0].isdigit():
        return int(value)
    digits = {ch: i for i, ch in enumerate("零一二三四五六七八九")}
    if value == "十":
        return 10
    if value.startswith("十"):
        return 10 + digits.get(value[1:2], 0)
    if "十" in value:
        tens, _sep, ones = value.partition("十")
        return digits.get(tens, 0) * 10 + digits.get(ones, 0)
    return digits.get(value, 0)


def clean_text(p) -> str:
    """The paragraph's text after the edits ``format`` may make (for comparing drafts)."""
    return full_width(paragraph_text(p)).strip(INDENT_SPACE)


# A hand-typed draft is checked before it is parsed: formatting takes about ten seconds per MB
# of document XML, and a small zip can inflate to gigabytes.
MAX_DRAFT_PARTS = 2_000
MAX_DRAFT_XML_BYTES = 4 * 2**20  # one XML part, uncompressed (some 300 pages of text)
MAX_DRAFT_BYTES = 200 * 2**20  # every part, pictures included, uncompressed
_DECLARATIONS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)


def check_package(path: Path) -> None:
    """Refuse (DocgenError, with what to do) a draft whose parts are too many or too large
    once inflated, or whose XML declares a DTD or entities (Word and WPS never write one;
    parsed, it makes a corrupt document) — before anything is parsed."""
    import zipfile

    from docgen.errors import DocgenError, display_path

    shown = display_path(path)
    resave = _("请用 Word 或 WPS 打开后另存为 .docx；确是很长的文稿时，请分成几份")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_DRAFT_PARTS:
                raise DocgenError(
                    _(
                        "{file} 由 {n} 个部件组成，超过上限 {limit} 个，不像是 Word 文档（{hint}）"
                    ).format(file=shown, n=len(infos), limit=MAX_DRAFT_PARTS, hint=resave)
                )
            total = sum(info.file_size for info in infos)
            for info in infos:
                xml = info.filename.lower().endswith((".xml", ".rels"))
                limit = MAX_DRAFT_XML_BYTES if xml else MAX_DRAFT_BYTES
                if info.file_size > limit or total > MAX_DRAFT_BYTES:
                    big = info.file_size if info.file_size > limit else total
                    raise DocgenError(
                        _(
                            "{file}：{part} 解压后有 {mb} MB，超过草稿的上限 {limit} MB，"
                            "不像是手写的文稿（{hint}）"
                        ).format(
                            file=shown,
                            part=info.filename if info.file_size > limit else _("全部内容"),
                            mb=round(big / 2**20, 1),
                            limit=(limit if info.file_size > limit else MAX_DRAFT_BYTES) // 2**20,
                            hint=resave,
                        )
                    )
                if xml and any(marker in zf.read(info) for marker in _DECLARATIONS):
                    raise DocgenError(
                        _(
                            "{file}：{part} 含有 DTD 或实体声明（<!DOCTYPE>、<!ENTITY>），"
                            "Word 和 WPS 不会写出这种内容，文件可能被改动过；"
                            "请用 Word 或 WPS 打开后另存为 .docx"
                        ).format(file=shown, part=info.filename)
                    )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError) as exc:
        raise DocgenError(
            _(
                "{file} 无法作为 Word 文档打开（{reason}）：请用 Word 或 WPS 打开后另存为 .docx"
            ).format(file=shown, reason=type(exc).__name__)
        ) from None


def is_docx(path: Path) -> bool:
    return Path(path).suffix.lower() in (".docx", ".docm")


def role_label(part: Part, list_item: str = "") -> str:
    """What a paragraph of a draft is, in the secretary's words; a list item is named as
    ``list_item`` (as body text, unless the caller says otherwise)."""
    if part.role == HEADING:
        return [_("一级标题"), _("二级标题"), _("三级标题"), _("四级标题")][part.level - 1]
    return {
        TITLE: _("标题"),
        RECIPIENT: _("主送机关"),
        BODY: _("正文"),
        LIST_ITEM: list_item or _("正文"),
        ATTACHMENT: _("附件说明"),
        SIGNATURE: _("发文机关署名"),
        DATE: _("成文日期"),
        NOTE: _("附注"),
        ANNEX_LABEL: _("附件标识"),
        COPY_TO: _("抄送机关"),
        PRINTED_BY: _("印发机关和印发日期"),
        PICTURE: _("图片"),
        MARK: _("发文机关标志"),
        DOC_NUMBER: _("发文字号"),
        RULE: _("版头中的分隔线"),
    }.get(part.role, _("正文"))
