"""docxtpl's ``Subdoc`` in the data, and the references rendered XML makes to styles and lists.

``tpl.new_subdoc("其他.docx")`` builds a subdocument from a file: docxtpl (through docxcompose)
copies the styles and numbering definitions that file uses into the template's own python-docx
Document, and renumbers the subdocument's lists to match.  docgen renders from the template's
bytes, not from that Document, so it takes the merged styles and numbering parts from it into
the document it writes.  Whatever a value given as XML refers to — a style, a list — must then
exist in the document: ``dangling`` lists what does not, and the renderer refuses such a
record rather than write a document Word repairs or shows wrongly.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field

from lxml import etree

from docgen.i18n import _

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STYLES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"
NUMBERING_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"
NUMBERING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"

_STYLE_REF = re.compile(r'<w:(?:pStyle|rStyle|tblStyle)\b[^>]*?\sw:val="([^"]*)"')
_NUM_REF = re.compile(r'<w:numId\b[^>]*?\sw:val="(\d+)"')


def is_subdoc(value: object) -> bool:
    """A docxtpl ``Subdoc`` (without importing docxtpl's composer for the check)."""
    return type(value).__name__ == "Subdoc" and "subdocx" in getattr(value, "__dict__", {})


def _from_file(subdoc) -> bool:
    """Built from a .docx file (its own package), not with ``new_subdoc()`` and python-docx calls
    on the template's package."""
    own = subdoc.__dict__["subdocx"].part
    return own is not subdoc.__dict__["docx"].part


@dataclass
class Merged:
    """Parts of the document replaced or added because of subdocuments built from files."""

    parts: dict[str, bytes] = field(default_factory=dict)
    types: list[str] = field(default_factory=list)  # [Content_Types].xml overrides to add
    rels: list[str] = field(default_factory=list)  # main document relationships to add
    rel_ids: set[str] = field(default_factory=set)  # … their ids
    styles: str | None = None  # the names of the merged styles and numbering parts
    numbering: str | None = None


def _xml(element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def merge(
    subdocs: list, content_types: dict[str, str], main: str, xml: str, known: set[str]
) -> Merged:
    """The styles and numbering parts, as docxtpl merged them for ``subdocs`` built from files,
    and the parts (pictures) the rendered ``xml`` refers to through relationships docxtpl
    added to the template's Document for them (``known``: those the template has)."""
    merged = Merged()
    for subdoc in subdocs:
        _add_related(merged, subdoc.__dict__["docx"].part, main, xml, known)
        if not _from_file(subdoc):
            continue
        master = subdoc.__dict__["docx"]
        styles = next((n for n, t in content_types.items() if t == STYLES_TYPE), None)
        if styles is not None:
            merged.parts[styles] = _xml(master.styles.element)
            merged.styles = styles
        try:
            numbering_part = master.part.numbering_part
        except (KeyError, NotImplementedError):
            continue
        name = next((n for n, t in content_types.items() if t == NUMBERING_TYPE), None)
        if name is None:
            name = str(numbering_part.partname).lstrip("/")
            if name not in merged.parts:
                merged.types.append(
                    f'<Override PartName="/{name}" ContentType="{NUMBERING_TYPE}"/>'
                )
                target = name.removeprefix(main.rpartition("/")[0] + "/")
                merged.rels.append(
                    f'<Relationship Id="rIdDocgenNumbering" Type="{NUMBERING_REL}" '
                    f'Target="{target}"/>'
                )
        merged.parts[name] = _xml(numbering_part.element)
        merged.numbering = name
    return merged


_REL_REF = re.compile(r'\br:(?:id|embed|link)="([^"]*)"')


def _add_related(merged: Merged, part, main: str, xml: str, known: set[str]) -> None:
    """Relationships (and their target parts) of the template's Document that ``xml`` uses
    and the template file does not have: pictures added to a subdocument."""
    folder = main.rpartition("/")[0]
    for rid in sorted(set(_REL_REF.findall(xml)) - known - merged.rel_ids):
        rel = part.rels.get(rid)
        if rel is None:
            continue
        if rel.is_external:
            target, mode = html.escape(rel.target_ref, quote=True), ' TargetMode="External"'
        else:
            target_part = rel.target_part
            name = str(target_part.partname).lstrip("/")
            if name in merged.parts:
                continue
            merged.parts[name] = target_part.blob
            merged.types.append(
                f'<Override PartName="/{name}" ContentType="{target_part.content_type}"/>'
            )
            target, mode = posixpath.relpath(name, folder) if folder else name, ""
        merged.rels.append(
            f'<Relationship Id="{rid}" Type="{rel.reltype}" Target="{target}"{mode}/>'
        )
        merged.rel_ids.add(rid)


def style_ids(styles: bytes | None) -> set[str]:
    if not styles:
        return set()
    return {s.get(f"{{{W}}}styleId", "") for s in etree.fromstring(styles).iter(f"{{{W}}}style")}


def num_ids(numbering: bytes | None) -> set[str]:
    if not numbering:
        return set()
    return {n.get(f"{{{W}}}numId", "") for n in etree.fromstring(numbering).iter(f"{{{W}}}num")}


def resolve_styles(xml: str, styles: bytes | None) -> str:
    """Style references that name a style (``Intense Quote``) or give its id in another case
    (``myrichparastyle`` for ``Myrichparastyle``), as docxtpl users write them, rewritten to
    the style's id; Word would otherwise ignore them."""
    refs = set(_STYLE_REF.findall(xml))
    if not refs or not styles:
        return xml
    root = etree.fromstring(styles)
    ids: set[str] = set()
    by_key: dict[str, str] = {}
    for style in root.iter(f"{{{W}}}style"):
        sid = style.get(f"{{{W}}}styleId", "")
        ids.add(sid)
        name = style.find(f"{{{W}}}name")
        for key in (sid, name.get(f"{{{W}}}val", "") if name is not None else ""):
            if key:
                by_key.setdefault(key.casefold(), sid)
                by_key.setdefault(key.replace(" ", "").casefold(), sid)
    renamed = {r: by_key[r.casefold()] for r in refs - ids if r.casefold() in by_key}
    if not renamed:
        return xml

    def rename(m: re.Match) -> str:
        whole, start, end = m.group(0), m.start(1) - m.start(0), m.end(1) - m.start(0)
        return whole[:start] + renamed.get(m.group(1), m.group(1)) + whole[end:]

    return _STYLE_REF.sub(rename, xml)


def dangling(xml: str, styles: bytes | None, numbering: bytes | None) -> list[str]:
    """The styles and lists ``xml`` refers to that the document's parts do not define."""
    missing = sorted(set(_STYLE_REF.findall(xml)) - style_ids(styles))
    lists = sorted(set(_NUM_REF.findall(xml)) - num_ids(numbering) - {"0"}, key=int)
    return [_("样式 {name}").format(name=s) for s in missing] + [
        _("编号 numId={n}").format(n=n) for n in lists
    ]
