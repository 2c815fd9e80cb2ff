"""The combined print file: every record in one .docx, each a section of its own."""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from docgen.errors import TemplateError
from docgen.i18n import _
from docgen.ooxml import put
from docgen.output.files import atomic_path
from docgen.render import pictures
from docgen.render.compile import (
    DOCPR_ID,
    EMPTY_RELS,
    W14,
    WP,
    XML_DECLARATION,
    CompiledTemplate,
    Package,
    R,
    RenderedParts,
    W,
    picture_defaults,
    picture_rels,
    with_pictures,
)
from docgen.render.docxzip import insert_before, rels_name

_CHUNK = 50  # records per progress report


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _parse_fragment(head: str, content: str):
    """``content`` (body children) parsed inside the document's root element, so prefixes resolve."""
    root = etree.fromstring(
        (head + "<w:body>" + content + "</w:body></w:document>").encode("utf-8")
    )
    return root, root.find(_w("body"))


def _body_text(root) -> str:
    """The body's children serialised; namespace declarations stay on the root, not repeated."""
    xml = etree.tostring(root, encoding="unicode")
    start = xml.index("<w:body>") + len("<w:body>")
    return xml[start : xml.rindex("</w:body>")]


def _relationships(package: Package) -> dict[str, tuple[str, str]]:
    """rId → (part name, relationship type) for the main document's internal relationships."""
    data = package.contents.get(rels_name(package.main))
    out: dict[str, tuple[str, str]] = {}
    if not data:
        return out
    folder = package.main.rpartition("/")[0]
    for rel in etree.fromstring(data):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        if target.startswith("/"):
            name = target.lstrip("/")
        else:
            name = os.path.normpath(f"{folder}/{target}").replace(os.sep, "/")
        out[rel.get("Id")] = (name, rel.get("Type", ""))
    return out


@dataclass
class _ListRestart:
    """A new list instance (w:num) per record so numbered lists start again at 1 in each."""

    abstract: dict[int, str]  # numId → abstractNumId
    stride: int

    def new_id(self, num_id: int, index: int) -> int:
        return num_id + self.stride * index

    def entries(self, records: int) -> Iterator[str]:
        levels = "".join(
            f'<w:lvlOverride w:ilvl="{i}"><w:startOverride w:val="1"/></w:lvlOverride>'
            for i in range(9)
        )
        for index in range(1, records):
            for num_id, abstract in self.abstract.items():
                yield (
                    f'<w:num w:numId="{self.new_id(num_id, index)}">'
                    f'<w:abstractNumId w:val="{abstract}"/>{levels}</w:num>'
                )


def _list_restart(template: CompiledTemplate) -> _ListRestart | None:
    package = template._package
    if not package.numbering or "<w:numId " not in template._parts[package.main].source:
        return None
    abstract: dict[int, str] = {}
    for num in etree.fromstring(package.contents[package.numbering]).iter(_w("num")):
        ref = num.find(_w("abstractNumId"))
        num_id = num.get(_w("numId"), "")
        if ref is not None and num_id.isdigit() and num_id != "0":
            abstract[int(num_id)] = ref.get(_w("val"))
    return _ListRestart(abstract, max(abstract) + 1) if abstract else None


class _Combiner:
    """Joins rendered records into one document.xml, streamed; each record is one section."""

    def __init__(self, template: CompiledTemplate, stream, marks: bool = False):
        self.template = template
        self.marks = marks
        self.stream = stream
        self.main = template._package.main
        self.relationships = _relationships(template._package)
        self.lists = _list_restart(template)
        self.first_parts: dict[str, str] = {}  # templated non-body parts, as record 1 fills them
        self.extra_parts: list[tuple[str, bytes]] = []  # (name, zlib-compressed bytes)
        self.extra_rels: list[str] = []
        self.extra_types: list[str] = []
        self.records = 0
        self.media: dict[str, bytes] = {}  # picture part → bytes, each picture once
        self.images: dict[str, pictures.Image] = {}  # every picture placed, by part name
        self.main_pictures: dict[str, pictures.Image] = {}  # on document.xml's relationships
        self.first_pictures: dict[str, dict[str, pictures.Image]] = {}  # record 1's other parts
        self._head: str | None = None
        self._pending: tuple[etree._Element, etree._Element, etree._Element] | None = (
            None  # (root, body, sectPr) of the previous record
        )
        self._next_id = template._first_drawing_id

    def add(self, rendered: RenderedParts, index: int) -> None:
        if rendered.merged.parts:
            raise TemplateError(
                _("合订本中不能放入带图片或自带样式的子文档（Subdoc）"),
                template=self.template.path,
                hint=_("请不加 --combined，逐份生成"),
            )
        xml = rendered[self.main]
        head, sep, rest = xml.partition("<w:body>")
        if not sep:
            raise TemplateError(_("模板正文结构异常（缺少 w:body）"), template=self.template.path)
        for placed in rendered.pictures.values():
            for image in placed.values():
                self.media[image.part_name] = image.data
                self.images[image.part_name] = image
        self.main_pictures.update(rendered.pictures.get(self.main, {}))
        if self._head is None:
            self._head = head
            self.first_parts = {
                k: self._renumber_drawings(v) for k, v in rendered.items() if k != self.main
            }
            self.first_pictures = {k: v for k, v in rendered.pictures.items() if k != self.main}
            self.stream.write((XML_DECLARATION + head + "<w:body>").encode("utf-8"))
        root, body = _parse_fragment(head, rest.rpartition("</w:body>")[0])
        sect = (
            body[-1] if len(body) and body[-1].tag == _w("sectPr") else etree.Element(_w("sectPr"))
        )
        if sect.getparent() is not None:
            body.remove(sect)
        if index:
            self._own_headers(sect, rendered, index)
        self._restart_pages(sect)
        self._renumber(body, index)
        if self.marks:
            self._mark(body, index)
        self._flush(final=False)
        self._pending = (root, body, sect)
        self.records += 1

    def close(self) -> None:
        self._flush(final=True)

    def _flush(self, final: bool) -> None:
        if self._pending is None:
            return
        root, body, sect = self._pending
        if final:
            body.append(sect)
        else:
            last = body[-1] if len(body) else None
            if (
                last is None
                or last.tag != _w("p")
                or last.find(f"{_w('pPr')}/{_w('sectPr')}") is not None
            ):
                # a record ending in a table: the break needs a paragraph of its own
                last = etree.SubElement(body, _w("p"))
            ppr = last.find(_w("pPr"))
            if ppr is None:
                ppr = etree.Element(_w("pPr"))
                last.insert(0, ppr)
            put(ppr, sect, replace=False)
        self.stream.write(_body_text(root).encode("utf-8"))
        if final:
            self.stream.write(b"</w:body></w:document>")
        self._pending = None

    def _mark(self, body, index: int) -> None:
        """A bookmark at the record's first paragraph: PDF export makes it a named destination,
        which tells on which page the record starts."""
        first = next(body.iter(_w("p")), None)
        if first is None:
            first = etree.SubElement(body, _w("p"))
        at = 1 if len(first) and first[0].tag == _w("pPr") else 0
        mark = str(self._next_id)
        self._next_id += 1
        first.insert(at, _element("bookmarkEnd", id=mark))
        first.insert(at, _element("bookmarkStart", id=mark, name=record_mark(index)))

    @staticmethod
    def _restart_pages(sect) -> None:
        for old in sect.findall(_w("type")):
            sect.remove(old)
        put(sect, _element("type", val="nextPage"), replace=False)
        numbering = sect.find(_w("pgNumType"))
        if numbering is None:
            numbering = _element("pgNumType")
            put(sect, numbering, replace=False)
        numbering.set(_w("start"), "1")

    def _own_headers(self, sect, rendered: RenderedParts, index: int) -> None:
        """Templated headers/footers: this record gets its own filled-in copy."""
        package = self.template._package
        for ref in sect:
            if ref.tag not in (_w("headerReference"), _w("footerReference")):
                continue
            rid = ref.get(f"{{{R}}}id")
            target, rel_type = self.relationships.get(rid, ("", ""))
            if target not in rendered:
                continue
            name = re.sub(r"\.xml$", f"-{index + 1}.xml", target)
            new_rid = f"rIdDocgen{index + 1}{rid}"
            ref.set(f"{{{R}}}id", new_rid)
            data = (XML_DECLARATION + self._renumber_drawings(rendered[target])).encode("utf-8")
            self.extra_parts.append((name, zlib.compress(data, 6)))
            own_rels = package.contents.get(rels_name(target))
            placed = rendered.pictures.get(target)
            if placed:
                own_rels = with_pictures(own_rels, name, placed.values())
            if own_rels is not None:
                self.extra_parts.append((rels_name(name), zlib.compress(own_rels, 6)))
            relative = (
                name.rpartition("/")[2]
                if name.rpartition("/")[0] == self.main.rpartition("/")[0]
                else "/" + name
            )
            self.extra_rels.append(
                f'<Relationship Id="{new_rid}" Type="{rel_type}" Target="{relative}"/>'
            )
            self.extra_types.append(
                f'<Override PartName="/{name}" ContentType="{package.content_types[target]}"/>'
            )

    def _renumber_drawings(self, xml: str) -> str:
        """A header's or footer's drawing ids, numbered on from the body's."""
        if "<wp:docPr" not in xml:
            return xml

        def number(m: re.Match) -> str:
            self._next_id += 1
            return f"{m.group(1)}{self._next_id - 1}{m.group(2)}"

        return DOCPR_ID.sub(number, xml)

    def _renumber(self, body, index: int) -> None:
        """Ids Word wants unique across the document; lists restart in each record."""
        for el in body.iter(f"{{{WP}}}docPr"):
            el.set("id", str(self._next_id))
            self._next_id += 1
        ids: dict[str | None, str] = {}
        for el in body.iter(_w("bookmarkStart"), _w("bookmarkEnd")):
            old = el.get(_w("id"))
            if old not in ids:
                ids[old] = str(self._next_id)
                self._next_id += 1
            el.set(_w("id"), ids[old])
            name = el.get(_w("name"))
            if name and index:
                el.set(_w("name"), f"{name}_{index + 1}")
        paragraph_ids = (f"{{{W14}}}paraId", f"{{{W14}}}textId")
        for el in body.iter(_w("p")):
            # they repeat in every record and are optional: drop them
            for attr in paragraph_ids:
                el.attrib.pop(attr, None)
        if index:
            for el in body.iter(_w("hyperlink")):
                anchor = el.get(_w("anchor"))
                if anchor:
                    el.set(_w("anchor"), f"{anchor}_{index + 1}")
            if self.lists:
                for el in body.iter(_w("numId")):
                    old = el.get(_w("val"), "")
                    if old.isdigit() and int(old) in self.lists.abstract:
                        el.set(_w("val"), str(self.lists.new_id(int(old), index)))


def _element(tag: str, **attrs: str):
    el = etree.Element(_w(tag))
    for key, value in attrs.items():
        el.set(_w(key), value)
    return el


def record_mark(index: int) -> str:
    """The bookmark at record ``index``'s start (letters and digits only: PDF export keeps them)."""
    return f"DocgenRecord{index + 1}"


def render_combined(
    template: CompiledTemplate,
    contexts: Iterable[dict],
    path: Path,
    *,
    progress: Callable[[int], None] | None = None,
    marks: bool = False,
) -> Path:
    """All records in one .docx (the print file), each starting on a new page.

    Each record is a section of its own: its last paragraph carries a copy of the template's
    section properties (next page, page numbers restarting at 1, so every letter is numbered
    on its own); templated headers and footers get a filled-in copy per record; numbered
    lists restart in each record.  document.xml is streamed into the zip, so memory stays
    flat however many records there are.  Written atomically: on error no file is left.
    ``marks`` puts a bookmark (``record_mark``) at each record's start, for splitting its PDF.
    """
    path = Path(path)
    report = progress or (lambda n: None)
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open(_zipinfo(template._package.main), "w", force_zip64=True) as stream:
            combiner = _Combiner(template, stream, marks)
            done = 0
            for index, context in enumerate(contexts):
                combiner.add(template.render_parts(context, index), index)
                done += 1
                if done == _CHUNK:
                    report(done)
                    done = 0
            if not combiner.records:
                raise TemplateError(_("没有记录，无法生成合并文件"), template=template.path)
            combiner.close()
        if done:
            report(done)
        _write_other_parts(zf, template._package, combiner)
    return path


def _write_other_parts(zf: zipfile.ZipFile, package: Package, combiner: _Combiner) -> None:
    """Every part but document.xml: the template's, record 1's headers and footers, each
    record's own copies, the pictures, and the content types, relationships and numbering
    that list them."""
    rels_part = rels_name(package.main)
    rewritten = {package.main, rels_part, "[Content_Types].xml", package.numbering}
    # record 1's headers and footers (and footnotes) with the pictures they place
    first_rels = {
        rels_name(part): with_pictures(package.contents.get(rels_name(part)), part, placed.values())
        for part, placed in combiner.first_pictures.items()
    }
    for member in package.members:
        if member.name in rewritten:
            continue
        part = combiner.first_parts.get(member.name)
        if part is not None:
            zf.writestr(_zipinfo(member.name), (XML_DECLARATION + part).encode("utf-8"))
        else:
            data = first_rels.pop(member.name, None) or package.contents[member.name]
            zf.writestr(_zipinfo(member.name), data)
    for name, data in first_rels.items():
        zf.writestr(_zipinfo(name), data)
    for name, data in combiner.extra_parts:
        zf.writestr(_zipinfo(name), zlib.decompress(data))
    for name, data in combiner.media.items():
        info = _zipinfo(name)
        info.compress_type = zipfile.ZIP_STORED
        zf.writestr(info, data)
    zf.writestr(
        _zipinfo("[Content_Types].xml"),
        insert_before(
            package.contents["[Content_Types].xml"],
            "</Types>",
            combiner.extra_types + picture_defaults(package, combiner.images.values()),
        ),
    )
    main_rels = combiner.extra_rels + picture_rels(package.main, combiner.main_pictures.values())
    zf.writestr(
        _zipinfo(rels_part),
        insert_before(package.contents.get(rels_part) or EMPTY_RELS, "</Relationships>", main_rels),
    )
    if package.numbering:
        data = package.contents[package.numbering]
        marker = "<w:numIdMacAtCleanup" if b"<w:numIdMacAtCleanup" in data else "</w:numbering>"
        entries = combiner.lists.entries(combiner.records) if combiner.lists else ()
        zf.writestr(_zipinfo(package.numbering), insert_before(data, marker, entries))


def _zipinfo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info
