"""Compile a .docx template once, render many records fast.

docxtpl reloads the template with python-docx and re-saves the whole package for every
record.  Here docxtpl's own XML preprocessing (``DocxTemplate.patch_xml``: tags split across
runs, ``{%p %}``, ``{%tr %}``, ``{%tc %}``, ``{%r %}``, ``{{r x }}`` …) runs once per part at
load time; each record then costs one Jinja render per templated part and a zip written from
the template's already-compressed members.

The renderer knows nothing of the documents it fills: a caller that wants its document laid
out further (an official document's signature block, say) hands ``finish`` steps to
``CompiledTemplate.load``; each takes the rendered main document's XML and the record's
context and returns the XML to write.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError
from jinja2.environment import Template
from jinja2.sandbox import SecurityError
from lxml import etree

from docgen.errors import TemplateError
from docgen.i18n import _, join
from docgen.output.files import write_bytes_atomic
from docgen.render import bounds, docxzip, failures, filters, pictures, subdocs, variables
from docgen.render.docxzip import insert_before, rels_name
from docgen.render.failures import record_label, template_line
from docgen.render.sandbox import (
    CONTROL,
    ENV,
    PLACED,
    FilterFailure,
    Missing,
    PictureFailure,
    Placed,
    forbidden_use,
)
from docgen.render.tables import cells_follow_grid

# A finishing step: the rendered main document's XML and the record's context → the XML to write.
Finish = Callable[[str, Mapping], str]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'

_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."
_MAIN_TYPES = {
    _CT + "document.main+xml",
    _CT + "template.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
}
_PART_LABELS = {
    _CT + "header+xml": "header",
    _CT + "footer+xml": "footer",
    _CT + "footnotes+xml": "footnotes",
    _CT + "endnotes+xml": "endnotes",
}
_NUMBERING_TYPE = _CT + "numbering+xml"

# docxtpl's methods used here read no instance state beyond what __init__ sets
_DOCXTPL = DocxTemplate(None)
_MARK = "docgen-p"
_TAG = re.compile(r"\{\{|\{%|\{#")
_LISTING_CHARS = ("\n", "\t", "\a", "\f")
_RESIZES_TABLES = re.compile(r"\{%-?\s*(?:tc\s|hm\b|colspan\b)|\{\{tc\s|\{#-?\s*tc\s")
DOCPR_ID = re.compile(r'(<wp:docPr\b[^>]*?\sid=")\d+(")')
_IN_TAG = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})", re.DOTALL)
_REL_REF = re.compile(r'\br:(?:id|embed|link|pict|dm|lo|qs|cs)="([^"]*)"')
_PROPERTIES_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"

# --------------------------------------------------------------------------- compiled parts


@dataclass
class _Part:
    """One templated XML part (document body, a header, a footer, footnotes)."""

    name: str
    kind: str  # document / header / footer / footnotes / endnotes / properties
    template: Template | None  # None only while the part is being compiled
    source: str
    paragraphs: list[tuple[int, bool, str]]  # per Jinja line: (paragraph no., in table, text)
    resizes_tables: bool
    has_drawings: bool
    rel_ids: frozenset[str] = frozenset()  # the relationships the part's template has

    def render(self, context: dict, finish: Sequence[Finish] = ()) -> str:
        assert self.template is not None
        xml = _generate(self.template, context)
        # undo render_xml_part's one-paragraph-per-line layout, then docxtpl's escapes
        xml = xml.replace("\n<w:p", "<w:p")  # values are escaped: no "<" of theirs can match
        xml = (
            xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        )
        if self.kind == "properties":
            return CONTROL.sub("", xml.replace("\a", "\n").replace("\f", "\n"))
        if any(ch in xml for ch in _LISTING_CHARS):
            # a value with line breaks / tabs: docxtpl's listing resolution (\n → <w:br/>)
            xml = _DOCXTPL.resolve_listing(xml)
        if self.resizes_tables:
            tree = _DOCXTPL.fix_tables(xml)
            cells_follow_grid(tree)
            xml = etree.tostring(tree, encoding="unicode")
        if self.kind == "document":
            for step in finish:
                xml = step(xml, context)
        return xml

    def location(self, lineno: int | None) -> str:
        if not lineno or lineno > len(self.paragraphs):
            return _PART_NAMES().get(self.kind, "")
        number, in_table, text = self.paragraphs[lineno - 1]
        if not number:
            return _PART_NAMES().get(self.kind, "")
        text = text.strip()
        if len(text) > 30:
            text = text[:30] + "……"
        if self.kind == "header":
            where = _("页眉第 {n} 段").format(n=number)
        elif self.kind == "footer":
            where = _("页脚第 {n} 段").format(n=number)
        elif self.kind in ("footnotes", "endnotes"):
            where = _("脚注第 {n} 段").format(n=number)
        elif in_table:
            where = _("第 {n} 段（表格中）").format(n=number)
        else:
            where = _("第 {n} 段").format(n=number)
        return f"{where}“{text}”" if text else where


def _PART_NAMES() -> dict[str, str]:
    return {
        "document": _("正文"),
        "header": _("页眉"),
        "footer": _("页脚"),
        "footnotes": _("脚注"),
        "endnotes": _("尾注"),
        "properties": _("文档属性"),
    }


def _plain_text(line: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", line))


def _not_xml(path: Path, name: str, exc: etree.XMLSyntaxError) -> TemplateError:
    """A template part that does not parse: where, not libxml2's own (English) words."""
    return TemplateError(
        _("模板中的 {part} 不是有效的 XML（第 {line} 行附近有错误）").format(
            part=name, line=exc.lineno or 1
        ),
        template=path,
        hint=_("请用 Word 或 WPS 打开后重新保存为 .docx"),
    )


def _compile_part(path: Path, name: str, kind: str, data: bytes, always: bool) -> _Part | None:
    """Apply docxtpl's preprocessing once and compile the part, or None if it has no tags."""
    try:
        root = etree.fromstring(data)
    except etree.XMLSyntaxError as exc:
        raise _not_xml(path, name, exc) from None
    tag_p = f"{{{W}}}p"
    tag_tbl = f"{{{W}}}tbl"
    in_table: dict[int, bool] = {}
    for number, p in enumerate(root.iter(tag_p), start=1):
        p.set(_MARK, str(number))
        in_table[number] = any(a.tag == tag_tbl for a in p.iterancestors())
    raw = _DOCXTPL.xml_to_string(root)
    plain = _plain_text(raw)
    if not always and not _TAG.search(plain):
        return None
    patched = _DOCXTPL.patch_xml(raw)
    # inside a tag, text is Jinja: {{ "R&D" }} is the string R&D (autoescape writes &amp;)
    patched = _IN_TAG.sub(lambda m: m.group(0).replace("&amp;", "&"), patched)
    # one paragraph per Jinja line, as docxtpl's render_xml_part does: a line number is a paragraph
    patched = re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)
    paragraphs: list[tuple[int, bool, str]] = []
    current = (0, False)
    for line in patched.split("\n"):
        m = re.match(r"<w:p [^>]*?" + _MARK + r'="(\d+)"', line)
        if m:
            current = (int(m.group(1)), in_table.get(int(m.group(1)), False))
        paragraphs.append((*current, _plain_text(line)))
    source = re.sub(" " + _MARK + r'="\d+"', "", patched)

    part = _Part(
        name,
        kind,
        None,
        source,
        paragraphs,
        resizes_tables=bool(_RESIZES_TABLES.search(plain)),
        has_drawings="<wp:docPr" in source,
    )
    part.template = _jinja_template(path, part)
    return part


def _jinja_template(path: Path, part: _Part) -> Template:
    """The part's source compiled in the sandbox, once checked for forbidden constructs."""
    try:
        tree = ENV.parse(part.source)
    except TemplateSyntaxError as exc:
        raise TemplateError(
            _("模板标签写法有误：{error}").format(error=_syntax_message(exc)),
            template=path,
            where=part.location(exc.lineno),
            hint=_("检查 {{ }} 与 {% %} 是否成对、if/for 是否有对应的 endif/endfor"),
        ) from None
    bad = forbidden_use(tree)
    if bad:
        raise _forbidden(path, part.location(bad[1]), bad[0])
    bounds.guard_loops(tree, ENV)
    try:
        return ENV.from_string(tree)
    except TemplateSyntaxError as exc:  # an unknown filter or test is found only here
        unknown = re.search(r"No (filter|test) named '([^']*)'", exc.message or "")
        message = (
            _("没有名为“{name}”的过滤器").format(name=unknown.group(2))
            if unknown
            else _("模板标签写法有误：{error}").format(error=_syntax_message(exc))
        )
        raise TemplateError(
            message,
            template=path,
            where=part.location(exc.lineno),
            hint=_("可用的过滤器：{names}").format(names=join(sorted(filters.FILTERS))),
        ) from None


def _syntax_message(exc: TemplateSyntaxError) -> str:
    return exc.message or str(exc)


def _forbidden(path: Path | str, where: str, what: str) -> TemplateError:
    message = _("模板使用了不允许的操作“{what}”，已拒绝执行").format(what=what)
    return TemplateError(
        message,
        template=path,
        where=where,
        hint=_("模板只能读取名册中的数据，不能访问程序内部、文件或命令；请删除这个标签"),
    )


# --------------------------------------------------------------------------- the template


@dataclass
class Package:
    members: list[docxzip.Member]
    contents: dict[str, bytes]
    content_types: dict[str, str]
    main: str
    numbering: str | None
    defaults: frozenset[str] = frozenset()  # file extensions with a Default content type

    def rel_ids(self, part: str) -> frozenset[str]:
        data = self.contents.get(rels_name(part))
        if not data:
            return frozenset()
        return frozenset(rel.get("Id", "") for rel in etree.fromstring(data))


def _read_package(path: Path, source: bytes) -> Package:
    try:
        members, contents = docxzip.read_members(source)
    except docxzip.ZipFormatError as exc:
        raise TemplateError(
            _("不是有效的 .docx 文件：{error}").format(error=exc), template=path, hint=exc.hint
        ) from None
    # every XML part is copied into each output: a broken one would make every document
    # need repair in Word, so it is refused here, once
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for name, data in contents.items():
        if name.endswith((".xml", ".rels")):
            if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                raise TemplateError(
                    _(
                        "模板中的 {part} 含有 DTD 或实体声明，Word 文档不会有这些，为安全起见拒绝使用"
                    ).format(part=name),
                    template=path,
                    hint=_("请用 Word 或 WPS 打开后重新保存为 .docx"),
                ) from None
            try:
                etree.fromstring(data, parser)
            except etree.XMLSyntaxError as exc:
                raise _not_xml(path, name, exc) from None
    try:
        types = etree.fromstring(contents["[Content_Types].xml"])
    except (KeyError, etree.XMLSyntaxError):
        raise TemplateError(
            _("不是有效的 .docx 文件（缺少内容类型表）"),
            template=path,
            hint=_("请用 Word 或 WPS 打开后另存为 .docx（Word 文档）"),
        ) from None
    content_types = {
        o.get("PartName", "").lstrip("/"): o.get("ContentType", "")
        for o in types
        if o.tag.endswith("Override")
    }
    main = next((n for n, t in content_types.items() if t in _MAIN_TYPES), None)
    if main is None or main not in contents:
        raise TemplateError(
            _("不是 Word 文档（找不到正文部分）"),
            template=path,
            hint=_("请用 Word 或 WPS 打开后另存为 .docx（Word 文档）"),
        )
    numbering = next((n for n, t in content_types.items() if t == _NUMBERING_TYPE), None)
    defaults = frozenset(d.get("Extension", "").lower() for d in types if d.tag.endswith("Default"))
    return Package(
        members,
        contents,
        content_types,
        main,
        numbering if numbering in contents else None,
        defaults,
    )


class CompiledTemplate:
    """A .docx template compiled once, rendered for many records.

    ``CompiledTemplate.load(path)`` checks the template (tag syntax, forbidden operations);
    ``render_bytes(context)`` / ``render_to(context, path)`` produce one complete .docx.
    ``finish``: steps run in order over each rendered main document (see ``Finish``); they
    must be module-level functions, so that worker processes can be handed them.
    """

    path: Path

    def __init__(
        self,
        path: Path,
        source: bytes,
        finish: Sequence[Finish] = (),
        prepare: Callable[[bytes], bytes] | None = None,
    ):
        self.path = Path(path)
        self.finish = tuple(finish)
        self._package = _read_package(self.path, source)
        if prepare is not None:  # the package is known sound and within bounds: rewrite it
            source = prepare(source)
            self._package = _read_package(self.path, source)
        self._source = source
        self._parts: dict[str, _Part] = {}
        for name, kind in self._candidate_parts():
            part = _compile_part(
                self.path, name, kind, self._package.contents[name], always=(kind == "document")
            )
            if part is not None:
                part.rel_ids = self._package.rel_ids(name)
                self._parts[name] = part
        # drawings in parts that are copied as they are (a logo in an untemplated header):
        # the ids given to the rest start above theirs
        self._first_drawing_id = 1 + max(
            (
                int(m.group(1))
                for name, data in self._package.contents.items()
                if name.endswith(".xml") and name not in self._parts
                for m in re.finditer(rb'<wp:docPr\b[^>]*?\sid="(\d{1,9})"', data)
            ),
            default=0,
        )
        self._variables: tuple[frozenset[str], frozenset[str]] | None = None

    @classmethod
    def load(
        cls,
        path: Path,
        finish: Sequence[Finish] = (),
        prepare: Callable[[bytes], bytes] | None = None,
    ) -> CompiledTemplate:
        """Read and compile ``path``; raises TemplateError naming the template and paragraph.
        ``prepare`` rewrites the package's bytes once they are checked, before compiling."""
        path = Path(path)
        if path.suffix.lower() in (".doc", ".wps", ".rtf", ".odt"):
            raise TemplateError(
                _("模板必须是 .docx 格式"),
                template=path,
                hint=_("请用 Word 或 WPS 打开后另存为 .docx（Word 文档）"),
            )
        try:
            if path.stat().st_size > docxzip.MAX_TOTAL_BYTES:
                raise TemplateError(
                    _("模板文件过大（超过 {limit} MB）").format(
                        limit=docxzip.MAX_TOTAL_BYTES // 2**20
                    ),
                    template=path,
                    hint=_("请删除模板中过大的图片或附件后另存为 .docx"),
                )
            source = path.read_bytes()
        except FileNotFoundError:
            raise TemplateError(_("模板文件不存在"), template=path) from None
        except OSError as exc:
            raise TemplateError(
                _("无法读取模板文件：{error}").format(error=exc.strerror or exc), template=path
            ) from None
        return cls(path, source, finish, prepare)

    def __reduce__(self):
        # a worker process recompiles from the template's bytes
        return (CompiledTemplate, (self.path, self._source, self.finish))

    def _candidate_parts(self) -> Iterator[tuple[str, str]]:
        yield self._package.main, "document"
        for name, ctype in self._package.content_types.items():
            kind = _PART_LABELS.get(ctype)
            if ctype == _PROPERTIES_TYPE:
                kind = "properties"  # title, subject … as docxtpl's render_properties fills them
            if kind and name in self._package.contents:
                yield name, kind

    def variables(self) -> set[str]:
        """Top-level variables the template reads (roster columns it may use)."""
        return set(self._analysed()[0])

    def required_variables(self) -> set[str]:
        """The variables the template reads unguarded: a record without one cannot be
        rendered.  ``{{ x|default(…) }}``, ``{% if x %}``, ``{% if x is defined %}`` … are
        guarded (see ``variables.required``)."""
        return set(self._analysed()[1])

    def _analysed(self) -> tuple[frozenset[str], frozenset[str]]:
        if self._variables is None:
            every: set[str] = set()
            needed: set[str] = set()
            for part in self._parts.values():
                tree = ENV.parse(part.source)
                every |= variables.used(tree)
                needed |= variables.required(tree)
            names = set(ENV.globals)
            self._variables = (frozenset(every - names), frozenset(needed - names))
        return self._variables

    # -- rendering

    def render_parts(self, context: dict, index: int | None = None) -> RenderedParts:
        """The rendered XML text of every templated part (without XML declaration), and the
        pictures each one places.  Drawing ids are numbered across all parts: Word reports
        a package where two pictures share one as unreadable."""
        out = RenderedParts()
        counter = iter(range(max(1001, self._first_drawing_id), 1 << 30))
        with bounds.budget():
            for name, part in self._parts.items():
                placed = Placed({})
                token = PLACED.set(placed)
                try:
                    xml = self._render_part(part, context, index)
                finally:
                    PLACED.reset(token)
                if "<wp:docPr" in xml:
                    xml = DOCPR_ID.sub(lambda m: f"{m.group(1)}{next(counter)}{m.group(2)}", xml)
                if placed.subdocs and name == self._package.main:
                    out.merged = subdocs.merge(
                        placed.subdocs,
                        self._package.content_types,
                        self._package.main,
                        xml,
                        set(part.rel_ids | set(placed.pictures)),
                    )
                if placed.raw_xml:
                    xml = self._check_references(part, xml, placed, context, index, out.merged)
                out[name] = xml
                if placed.pictures:
                    out.pictures[name] = placed.pictures
        return out

    def _check_references(
        self,
        part: _Part,
        xml: str,
        placed: Placed,
        context: dict,
        index: int | None,
        merged: subdocs.Merged,
    ) -> str:
        """A value given as XML (docxtpl's RichText with a link, a Subdoc with pictures) may
        point at relationships, styles or lists this document does not have: refuse, never
        write a damaged file.  A style given by its name or in another case (docxtpl's
        ``parastyle="myStyle"``) is pointed at the style it names.  Returns the XML."""
        known = part.rel_ids | set(placed.pictures) | merged.rel_ids
        dangling = sorted({rid for rid in _REL_REF.findall(xml) if rid not in known})
        record = record_label(context, index)
        if not dangling:
            styles, numbering = self._styles_and_numbering(merged)
            xml = subdocs.resolve_styles(xml, styles)
            undefined = subdocs.dangling(xml, styles, numbering)
            if undefined:
                raise TemplateError(
                    _(
                        "{record}填入的内容用到了文档中没有定义的{what}，多半是子文档（Subdoc）"
                        "或 RichText 用了模板中没有的样式"
                    ).format(record=record or _("数据中"), what=join(undefined)),
                    template=self.path,
                    where=_PART_NAMES().get(part.kind, ""),
                    hint=_("请在模板中先建立这些样式（或列表），或在数据中改用模板已有的样式"),
                )
        if dangling:
            raise TemplateError(
                _(
                    "{record}填入的内容引用了文档中没有的部件（{ids}），多半是带超链接的 RichText 或带图片的"
                    "子文档（Subdoc），docgen 不支持这样的内容"
                ).format(record=record or _("数据中"), ids=join(dangling)),
                template=self.path,
                where=_PART_NAMES().get(part.kind, ""),
                hint=_("超链接请写成文字网址；图片请用 {{ 路径|图片(宽=8) }} 过滤器放入"),
            )
        return xml

    def _styles_and_numbering(self, merged: subdocs.Merged) -> tuple[bytes | None, bytes | None]:
        """The styles and numbering parts a rendered document will have."""
        types = self._package.content_types
        found: list[bytes | None] = []
        for wanted in (subdocs.STYLES_TYPE, subdocs.NUMBERING_TYPE):
            names = [n for n, t in types.items() if t == wanted]
            names += (
                [merged.numbering] if wanted == subdocs.NUMBERING_TYPE and merged.numbering else []
            )
            data = next((merged.parts.get(n) or self._package.contents.get(n) for n in names), None)
            found.append(data)
        return found[0], found[1]

    def _render_part(self, part: _Part, context: dict, index: int | None) -> str:
        """One part filled in for a record; what stops it is told as a TemplateError naming
        the record, the paragraph and, where it can, the tag."""
        try:
            return part.render(context, self.finish)
        except Missing as exc:
            record = record_label(context, index)
            raise failures.missing_variable(self.path, part, exc, record) from None
        except (bounds.TooLarge, bounds.TooSlow) as exc:
            raise failures.unbounded(self.path, part, exc, record_label(context, index)) from None
        except SecurityError as exc:
            raise _forbidden(self.path, part.location(template_line(exc)), str(exc)) from None
        except PictureFailure as exc:
            record = record_label(context, index)
            raise failures.picture_failed(self.path, part, exc, record) from None
        except FilterFailure as exc:
            record = record_label(context, index)
            raise failures.filter_failed(self.path, part, exc, record) from None
        except failures.RENDER_ERRORS as exc:
            record = record_label(context, index)
            raise failures.render_failed(self.path, part, exc, record) from None

    def _document_members(self, rendered: RenderedParts) -> list[docxzip.Member]:
        package = self._package
        changed = {name: (XML_DECLARATION + xml).encode("utf-8") for name, xml in rendered.items()}
        changed.update(rendered.merged.parts)
        media: dict[str, bytes] = {}
        if rendered.pictures:
            for part, placed in rendered.pictures.items():
                rels = rels_name(part)
                changed[rels] = with_pictures(package.contents.get(rels), part, placed.values())
                media.update((image.part_name, image.data) for image in placed.values())
            images = [i for placed in rendered.pictures.values() for i in placed.values()]
            changed["[Content_Types].xml"] = insert_before(
                package.contents["[Content_Types].xml"],
                "</Types>",
                picture_defaults(package, images),
            )
        if rendered.merged.types or rendered.merged.rels:
            types = changed.get("[Content_Types].xml", package.contents["[Content_Types].xml"])
            changed["[Content_Types].xml"] = insert_before(types, "</Types>", rendered.merged.types)
            main_rels = rels_name(package.main)
            listed = changed.get(main_rels, package.contents.get(main_rels) or EMPTY_RELS)
            changed[main_rels] = insert_before(listed, "</Relationships>", rendered.merged.rels)
        members = []
        for m in package.members:
            data = changed.pop(m.name, None)
            if data is None:
                members.append(m)
            else:
                members.append(docxzip.deflate(m.name, data, (m.dos_time, m.dos_date)))
        # new relationship files, then the pictures themselves
        members += [docxzip.deflate(name, data) for name, data in changed.items()]
        members += [
            docxzip.Member(name, zipfile.ZIP_STORED, zlib.crc32(data), data, len(data))
            for name, data in media.items()
        ]
        return members

    def render_bytes(self, context: dict, *, index: int | None = None) -> bytes:
        """One complete .docx for ``context`` (``index`` only labels error messages)."""
        return docxzip.build(self._document_members(self.render_parts(context, index)))

    def render_to(self, context: dict, path: Path, *, index: int | None = None) -> None:
        """Render and write ``path`` atomically: on any error no file (or old file) is left changed."""
        data = self.render_bytes(context, index=index)
        write_bytes_atomic(Path(path), data)


class RenderedParts(dict[str, str]):
    """Part name → rendered XML; ``pictures``: part name → the pictures it places."""

    def __init__(self) -> None:
        super().__init__()
        self.pictures: dict[str, dict[str, pictures.Image]] = {}
        self.merged = subdocs.Merged()  # styles and numbering merged for Subdocs from files


_PICTURE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
EMPTY_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Relationships '
    b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
)


def picture_rels(part: str, images: Iterable[pictures.Image]) -> list[str]:
    folder = part.rpartition("/")[0]
    out = []
    for image in images:
        target = posixpath.relpath(image.part_name, folder) if folder else image.part_name
        out.append(f'<Relationship Id="{image.rel_id}" Type="{_PICTURE_REL}" Target="{target}"/>')
    return out


def with_pictures(rels: bytes | None, part: str, images: Iterable[pictures.Image]) -> bytes:
    """A part's relationships with its pictures' added."""
    return insert_before(rels or EMPTY_RELS, "</Relationships>", picture_rels(part, images))


def picture_defaults(package: Package, images: Iterable[pictures.Image]) -> list[str]:
    """Content types for picture files the template has none for."""
    needed = {image.part_name.rpartition(".")[2]: image.content_type for image in images}
    return [
        f'<Default Extension="{ext}" ContentType="{ctype}"/>'
        for ext, ctype in sorted(needed.items())
        if ext not in package.defaults
    ]


def _generate(template: Template, context: dict) -> str:
    """The template rendered, stopped as soon as the text passes ``bounds.MAX_OUTPUT``."""
    chunks = []
    size = 0
    generator = template.generate(context)
    for chunk in generator:
        size += len(chunk)
        if size > bounds.MAX_OUTPUT:
            error = bounds.TooLarge("", bounds.MAX_OUTPUT)
            error.lineno = _suspended_line(template, generator)
            getattr(generator, "close", lambda: None)()
            raise error
        chunks.append(chunk)
    return "".join(chunks)


def _suspended_line(template: Template, generator) -> int | None:
    """The template line a suspended render generator stands at."""
    lineno = None
    inner = generator
    while inner is not None:
        frame = getattr(inner, "gi_frame", None)
        if frame is not None and frame.f_code.co_filename == "<template>":
            lineno = template.get_corresponding_lineno(frame.f_lineno)
        inner = getattr(inner, "gi_yieldfrom", None)
    return lineno
