"""Compile a .docx template once, render many records fast, in a sandbox.

docxtpl reloads the template with python-docx and re-saves the whole package for every
record.  Here docxtpl's own XML preprocessing (``DocxTemplate.patch_xml``: tags split across
runs, ``{%p %}``, ``{%tr %}``, ``{%tc %}``, ``{%r %}``, ``{{r x }}`` …) runs once per part at
load time; each record then costs one Jinja render per templated part and a zip written from
the template's already-compressed members.

Templates run in ``ImmutableSandboxedEnvironment``: they can read their data and nothing
else.  A template that reaches for Python internals, files or processes is refused when it
is loaded (a static check of the Jinja syntax tree) and, should anything slip through, when
it is rendered (the sandbox) — before any output file is opened.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import html
import math
import multiprocessing
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from docxtpl import DocxTemplate, InlineImage
from jinja2 import (
    StrictUndefined,
    TemplateSyntaxError,
    Undefined,
    UndefinedError,
    meta,
    nodes,
    pass_context,
)
from jinja2 import TemplateError as JinjaError
from jinja2.environment import Template
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import Namespace, missing
from lxml import etree
from markupsafe import Markup

from docgen.errors import TemplateError
from docgen.gongwen import official
from docgen.i18n import _, join
from docgen.output.files import atomic_path, write_bytes_atomic
from docgen.render import docxzip, filters, pictures
from docgen.render.filters import FILTERS

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


def _cells_follow_grid(tree) -> None:
    """After docxtpl's ``fix_tables``: a table whose ``{%tc %}`` loops changed its column count
    has its grid rescaled, but each cell keeps the width the template gave it and the grid may
    lose a twip to rounding.  The grid is made to add up to the table's width again and every
    cell takes the width of the grid columns it spans, so Word, WPS and LibreOffice agree."""
    q = "{" + W + "}"
    for table in tree.iter(q + "tbl"):
        columns = table.findall(f"{q}tblGrid/{q}gridCol")
        width = table.find(f"{q}tblPr/{q}tblW")
        if not columns or any(c.get(q + "w") is None for c in columns):
            continue
        widths = [int(float(c.get(q + "w"))) for c in columns]
        if width is not None and width.get(q + "type") == "dxa" and width.get(q + "w"):
            widths[-1] += int(width.get(q + "w")) - sum(widths)
            columns[-1].set(q + "w", str(widths[-1]))
        for row in table.findall(q + "tr"):
            at = 0
            for cell in row.findall(q + "tc"):
                span = cell.find(f"{q}tcPr/{q}gridSpan")
                n = int(span.get(q + "val")) if span is not None else 1
                own = cell.find(f"{q}tcPr/{q}tcW")
                if own is not None and own.get(q + "type") == "dxa":
                    own.set(q + "w", str(sum(widths[at : at + n])))
                at += n


_MARK = "docgen-p"
_TAG = re.compile(r"\{\{|\{%|\{#")
_LISTING_CHARS = ("\n", "\t", "\a", "\f")
_RESIZES_TABLES = re.compile(r"\{%-?\s*(?:tc\s|hm\b|colspan\b)|\{\{tc\s|\{#-?\s*tc\s")
_DOCPR_ID = re.compile(r'(<wp:docPr\b[^>]*?\sid=")\d+(")')
_IN_TAG = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})", re.DOTALL)
# characters XML 1.0 does not allow; \t \n and docxtpl's \a (new paragraph) and \f (page
# break) in a value are laid out by the listing step, the rest is removed
_CONTROL = re.compile("[\x00-\x06\x08\x0b\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_REL_REF = re.compile(r'\br:(?:id|embed|link|pict|dm|lo|qs|cs)="([^"]*)"')
_PROPERTIES_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"

# records at and above which render_batch uses a process pool (fork: cheap to start)
POOL_THRESHOLD = 1000 if "fork" in multiprocessing.get_all_start_methods() else 1500
_CHUNK = 50
MAX_RANGE = 10_000
MAX_SEQUENCE = 1_000_000

_FORBIDDEN_NAMES = frozenset(
    {
        "self",
        "lipsum",
        "cycler",
        "joiner",
        "os",
        "sys",
        "subprocess",
        "open",
        "eval",
        "exec",
        "compile",
        "getattr",
        "setattr",
        "delattr",
        "globals",
        "locals",
        "vars",
        "builtins",
        "import",
        "importlib",
        "config",
        "request",
        "url_for",
        "get_flashed_messages",
        "breakpoint",
        "help",
        "exit",
        "quit",
        "object",
        "super",
    }
)
_FORBIDDEN_ATTRS = frozenset(
    {
        "mro",
        "format",
        "format_map",
        "gi_frame",
        "gi_code",
        "gi_yieldfrom",
        "cr_frame",
        "cr_code",
        "ag_frame",
        "ag_code",
        "f_globals",
        "f_locals",
        "f_builtins",
        "f_back",
        "f_code",
        "tb_frame",
        "tb_next",
        "func_globals",
        "func_code",
        "func_closure",
        "co_code",
        "im_func",
        "im_self",
        "im_class",
        "subclasses",
        "globals",
        "builtins",
    }
)
_ATTRIBUTE_FILTERS = frozenset(
    {"attr", "map", "selectattr", "rejectattr", "sort", "groupby", "sum", "unique", "min", "max"}
)


# --------------------------------------------------------------------------- sandbox


class _Missing(UndefinedError):
    """A variable (or a key of one) the record does not have."""

    def __init__(self, name: str, has_owner: bool):
        super().__init__(name)
        self.name = name
        self.has_owner = has_owner


class _FilterFailure(Exception):
    def __init__(self, name: str, value: object, error: Exception):
        super().__init__(name)
        self.name = name
        self.value = value
        self.error = error


class _StrictUndefined(StrictUndefined):
    """StrictUndefined that says which name was missing, so the message can name it."""

    __slots__ = ()

    def _fail_with_undefined_error(self, *args, **kwargs):
        if self._undefined_exception is not UndefinedError:  # the sandbox's SecurityError
            return super()._fail_with_undefined_error(*args, **kwargs)
        raise _Missing(str(self._undefined_name), self._undefined_obj is not missing)


# StrictUndefined binds its operators to the base class's function: point them at ours
for _name, _value in {**vars(Undefined), **vars(StrictUndefined)}.items():
    if _value is Undefined._fail_with_undefined_error and _name != "_fail_with_undefined_error":
        setattr(_StrictUndefined, _name, _StrictUndefined._fail_with_undefined_error)


def _safe_range(*args: int) -> range:
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise SecurityError(f"range({', '.join(map(str, args))})")
    return rng


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with size limits on ``*`` and ``**`` so a tag cannot exhaust memory."""

    intercepted_binops = frozenset({"*", "**"})

    def is_safe_attribute(self, obj, attr, value):
        if attr == "format" and isinstance(obj, str):
            return True  # the sandbox formats with its own formatter (no attribute access)
        if attr in _FORBIDDEN_ATTRS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context, operator, left, right):
        if operator == "**":
            if (
                isinstance(left, (int, float))
                and isinstance(right, (int, float))
                and abs(left) > 1
                and right > 0
                and right * math.log2(abs(left)) > 1024
            ):
                raise SecurityError(f"{left!r} ** {right!r}")
            return left**right
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, (str, bytes, list, tuple)) and isinstance(times, int):
                if len(seq) * times > MAX_SEQUENCE:
                    raise SecurityError(f"{type(seq).__name__} * {times}")
        return left * right


def _finalize(value):
    """How a bare ``{{ 列 }}`` prints a roster cell: as the secretary typed it in Excel."""
    if isinstance(value, str):
        if isinstance(value, Markup):
            _note_raw_xml()
        if _CONTROL.search(value):
            # a character XML cannot hold (pasted from another program): never written
            cleaned = _CONTROL.sub("", value)
            return Markup(cleaned) if isinstance(value, Markup) else cleaned
        return value
    if value is None:
        return ""  # an empty cell is blank in the letter, not "None"
    if isinstance(value, InlineImage):
        return _inline_image(value)
    if hasattr(value, "__html__"):
        _note_raw_xml()  # docxtpl's RichText, Subdoc, Listing: XML of their own
    if isinstance(value, float) and value.is_integer():
        return int(value)  # Excel keeps whole numbers as 3.0
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return filters.date(value)  # a date cell: 2022年12月20日, not 2022-12-20 00:00:00
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return filters.date(value)
    return value


def _note_raw_xml() -> None:
    placed = _PLACED.get()
    if placed is not None:
        placed.raw_xml = True


def _wrap_filter(name: str, func: Callable) -> Callable:
    def run(value, *args, **kwargs):
        try:
            return func(value, *args, **kwargs)
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise _FilterFailure(name, value, exc) from exc

    run.__name__ = func.__name__
    return run


# ------------------------------------------------------------------- pictures


# The pictures the part being rendered places (relationship id → image), collected so the
# document gets their media parts and relationships.
@dataclass
class _Placed:
    """What the values rendered into one part brought with them."""

    pictures: dict[str, pictures.Image]
    raw_xml: bool = False  # a value given as XML (RichText, Subdoc …), not as text


_PLACED: contextvars.ContextVar[_Placed | None] = contextvars.ContextVar(
    "docgen_placed", default=None
)
PICTURE_FILTERS = ("图片", "picture")
# The context key holding the folder a record's relative picture paths start from (the roster's).
BASE_DIR = "_dir"


class _PictureFailure(Exception):
    def __init__(self, error: pictures.PictureError):
        super().__init__(str(error))
        self.error = error


def _size(name: str, value: object) -> float | None:
    if value is None or value == "":
        return None
    try:
        size = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        size = -1.0
    if not 0 < size <= 100:
        raise _FilterFailure(name, value, ValueError("size in cm"))
    return size


def _place(image: pictures.Image, cx: int, cy: int, name: str) -> Markup:
    placed = _PLACED.get()
    if placed is None:
        raise _FilterFailure(PICTURE_FILTERS[0], name, ValueError("not rendering"))
    placed.pictures[image.rel_id] = image
    # the tag sits in a run's text: close it, the picture is a run of its own
    return Markup(
        "</w:t></w:r><w:r>"
        + pictures.drawing_xml(image, cx, cy, name)
        + '</w:r><w:r><w:t xml:space="preserve">'
    )


@pass_context
def _picture(context, value, width=None, height=None, **sizes):
    """``{{ 照片|图片(宽=8) }}`` / ``{{ 照片|picture(width=8) }}``: the picture at ``value`` (a
    path, relative to the roster's folder) ``width`` cm wide, its height in proportion (or
    ``height``/``高`` given too).  An empty value places nothing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    width = sizes.pop("宽", width)
    height = sizes.pop("高", height)
    if sizes:
        raise _FilterFailure(PICTURE_FILTERS[0], value, TypeError(", ".join(sizes)))
    shown = str(value).strip()
    path = Path(shown)
    base = context.get(BASE_DIR)
    if not path.is_absolute() and base:
        path = Path(base) / path
    try:
        image = pictures.load_image(path, shown)
    except pictures.PictureError as exc:
        raise _PictureFailure(exc) from None
    cx, cy = pictures.extent(image, _size("宽", width), _size("高", height))
    return _place(image, cx, cy, path.name)


def _inline_image(value: InlineImage) -> Markup:
    """A docxtpl ``InlineImage(tpl, path_or_file, width=Mm(…))`` in the data: placed as the
    picture filter places one (docxtpl's own needs the DocxTemplate that is rendering)."""
    source = value.image_descriptor
    shown = str(getattr(source, "name", source))
    try:
        if hasattr(source, "read"):
            source.seek(0)
            image = pictures.image_from_bytes(source.read(), shown)
        else:
            image = pictures.load_image(source, shown)
    except pictures.PictureError as exc:
        raise _PictureFailure(exc) from None
    cm = pictures.EMU_PER_CM
    width = value.width / cm if value.width else None
    height = value.height / cm if value.height else None
    cx, cy = pictures.extent(image, width, height)
    return _place(image, cx, cy, Path(shown).name)


def make_environment() -> _Sandbox:
    """The Jinja environment every template runs in."""
    env = _Sandbox(
        undefined=_StrictUndefined,
        autoescape=True,
        finalize=_finalize,
        keep_trailing_newline=True,
    )
    env.globals.clear()
    env.globals.update(range=_safe_range, dict=dict, namespace=Namespace)
    env.filters.update({name: _wrap_filter(name, f) for name, f in FILTERS.items()})
    env.filters.update(dict.fromkeys(PICTURE_FILTERS, _picture))
    return env


_ENV = make_environment()


def _forbidden_use(tree: nodes.Template) -> tuple[str, int] | None:
    """The first construct a mail-merge template has no business using, and its line."""

    def bad_attr(name: object) -> bool:
        return isinstance(name, str) and (name.startswith("_") or name in _FORBIDDEN_ATTRS)

    for node in tree.find_all(nodes.Node):
        lineno = getattr(node, "lineno", 1) or 1
        if isinstance(node, (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            return type(node).__name__.lower(), lineno
        if isinstance(node, nodes.Name) and (
            node.name in _FORBIDDEN_NAMES or node.name.startswith("__")
        ):
            return node.name, lineno
        if (
            isinstance(node, nodes.Getattr)
            and node.attr == "format"
            and isinstance(node.node, nodes.Const)
            and isinstance(node.node.value, str)
        ):
            continue  # "{} 项".format(n): the sandbox formats literals safely
        if isinstance(node, (nodes.Getattr, nodes.NSRef)) and bad_attr(node.attr):
            return "." + node.attr, lineno
        if (
            isinstance(node, nodes.Getitem)
            and isinstance(node.arg, nodes.Const)
            and bad_attr(node.arg.value)
        ):
            return f"[{node.arg.value!r}]", lineno
        if (
            isinstance(node, nodes.Const)
            and isinstance(node.value, str)
            and node.value.startswith("__")
        ):
            return repr(node.value), lineno
        if isinstance(node, nodes.Filter) and node.name in _ATTRIBUTE_FILTERS:
            values = [*node.args, *(kw.value for kw in node.kwargs)]
            if node.name == "attr" and not all(isinstance(v, nodes.Const) for v in values):
                return "attr", lineno
            if any(isinstance(v, nodes.Const) and bad_attr(v.value) for v in values):
                return node.name, lineno
        if (
            isinstance(node, nodes.Call)
            and isinstance(node.node, nodes.Name)
            and node.node.name == "range"
        ):
            for arg in node.args:
                if isinstance(arg, nodes.BinExpr) and isinstance(arg, nodes.Pow):
                    return "range(…**…)", lineno
                if (
                    isinstance(arg, nodes.Const)
                    and isinstance(arg.value, int)
                    and abs(arg.value) > MAX_RANGE
                ):
                    return f"range({arg.value})", lineno
    return None


# --------------------------------------------------------------------------- compiled parts


# The context variable that asks for the sealed layout of the signature (GB/T 9704 7.3.5.1).
SEALED = "加盖印章"
# The context variable that tightens the main text's line pitch (twips) to keep body text on
# the signature's page (GB/T 9704 7.3.5.5).
LINE_PITCH = "正文行距"
TIGHTEN_FROM = "正文行距起"  # the first words of the page the tighter pitch starts on


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
    signed: bool = False  # holds a 发文机关署名 paragraph, placed once its text is known
    rel_ids: frozenset[str] = frozenset()  # the relationships the part's template has

    def render(self, context: dict) -> str:
        assert self.template is not None
        xml = self.template.render(context)
        # undo render_xml_part's one-paragraph-per-line layout, then docxtpl's escapes
        xml = xml.replace("\n<w:p", "<w:p")  # values are escaped: no "<" of theirs can match
        xml = (
            xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        )
        if self.kind == "properties":
            return _CONTROL.sub("", xml.replace("\a", "\n").replace("\f", "\n"))
        if any(ch in xml for ch in _LISTING_CHARS):
            # a value with line breaks / tabs: docxtpl's listing resolution (\n → <w:br/>)
            xml = _DOCXTPL.resolve_listing(xml)
        if self.resizes_tables:
            tree = _DOCXTPL.fix_tables(xml)
            _cells_follow_grid(tree)
            xml = etree.tostring(tree, encoding="unicode")
        if self.signed:
            xml = official.place_signature(xml, sealed=context.get(SEALED) is True)
        if self.kind == "document":
            xml = official.place_record(xml)
            if context.get(LINE_PITCH):
                xml = official.tighten_body(
                    xml, int(context[LINE_PITCH]), str(context.get(TIGHTEN_FROM, ""))
                )
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


def _compile_part(path: Path, name: str, kind: str, data: bytes, always: bool) -> _Part | None:
    """Apply docxtpl's preprocessing once and compile the part, or None if it has no tags."""
    try:
        root = etree.fromstring(data)
    except etree.XMLSyntaxError as exc:
        # libxml2's own words are English and technical: say where, not what it said
        raise TemplateError(
            _("模板中的 {part} 不是有效的 XML（第 {line} 行附近有错误）").format(
                part=name, line=exc.lineno or 1
            ),
            template=path,
            hint=_("请用 Word 或 WPS 打开后重新保存为 .docx"),
        ) from None
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
        signed=kind == "document" and f'w:val="{official.SIGNATURE}"' in source,
    )
    try:
        tree = _ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateError(
            _("模板标签写法有误：{error}").format(error=_syntax_message(exc)),
            template=path,
            where=part.location(exc.lineno),
            hint=_("检查 {{ }} 与 {% %} 是否成对、if/for 是否有对应的 endif/endfor"),
        ) from None
    bad = _forbidden_use(tree)
    if bad:
        raise _forbidden(path, part.location(bad[1]), bad[0])
    try:
        part.template = _ENV.from_string(tree)
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
    return part


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
class _Package:
    members: list[docxzip.Member]
    contents: dict[str, bytes]
    content_types: dict[str, str]
    main: str
    numbering: str | None
    defaults: frozenset[str] = frozenset()  # file extensions with a Default content type

    def rel_ids(self, part: str) -> frozenset[str]:
        data = self.contents.get(_rels_name(part))
        if not data:
            return frozenset()
        return frozenset(rel.get("Id", "") for rel in etree.fromstring(data))


def _read_package(path: Path, source: bytes) -> _Package:
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
                raise TemplateError(
                    _("模板中的 {part} 不是有效的 XML（第 {line} 行附近有错误）").format(
                        part=name, line=exc.lineno or 1
                    ),
                    template=path,
                    hint=_("请用 Word 或 WPS 打开后重新保存为 .docx"),
                ) from None
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
    return _Package(
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
    """

    path: Path

    def __init__(self, path: Path, source: bytes):
        self.path = Path(path)
        self._source = source
        self._package = _read_package(self.path, source)
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
        self._variables: set[str] | None = None

    @classmethod
    def load(cls, path: Path) -> CompiledTemplate:
        """Read and compile ``path``; raises TemplateError naming the template and paragraph."""
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
        return cls(path, source)

    def __reduce__(self):
        # a worker process recompiles from the template's bytes
        return (CompiledTemplate, (self.path, self._source))

    def _candidate_parts(self) -> Iterator[tuple[str, str]]:
        yield self._package.main, "document"
        for name, ctype in self._package.content_types.items():
            kind = _PART_LABELS.get(ctype)
            if ctype == _PROPERTIES_TYPE:
                kind = "properties"  # title, subject … as docxtpl's render_properties fills them
            if kind and name in self._package.contents:
                yield name, kind

    def variables(self) -> set[str]:
        """Top-level variables the template reads (roster columns it needs)."""
        if self._variables is None:
            names: set[str] = set()
            for part in self._parts.values():
                names |= meta.find_undeclared_variables(_ENV.parse(part.source))
            self._variables = names - set(_ENV.globals)
        return set(self._variables)

    # -- rendering

    def render_parts(self, context: dict, index: int | None = None) -> RenderedParts:
        """The rendered XML text of every templated part (without XML declaration), and the
        pictures each one places.  Drawing ids are numbered across all parts: Word reports
        a package where two pictures share one as unreadable."""
        out = RenderedParts()
        counter = iter(range(max(1001, self._first_drawing_id), 1 << 30))
        for name, part in self._parts.items():
            placed = _Placed({})
            token = _PLACED.set(placed)
            try:
                xml = self._render_part(part, context, index)
            finally:
                _PLACED.reset(token)
            if "<wp:docPr" in xml:
                xml = _DOCPR_ID.sub(lambda m: f"{m.group(1)}{next(counter)}{m.group(2)}", xml)
            if placed.raw_xml:
                self._check_references(part, xml, placed, context, index)
            out[name] = xml
            if placed.pictures:
                out.pictures[name] = placed.pictures
        return out

    def _check_references(
        self, part: _Part, xml: str, placed: _Placed, context: dict, index: int | None
    ) -> None:
        """A value given as XML (docxtpl's RichText with a link, a Subdoc with pictures) may
        point at relationships this document does not have: refuse, never write a damaged file."""
        known = part.rel_ids | set(placed.pictures)
        dangling = sorted({rid for rid in _REL_REF.findall(xml) if rid not in known})
        if dangling:
            record = _record_label(context, index)
            raise TemplateError(
                _(
                    "{record}填入的内容引用了文档中没有的部件（{ids}），多半是带超链接的 RichText 或带图片的"
                    "子文档（Subdoc），docgen 不支持这样的内容"
                ).format(record=record or _("数据中"), ids=join(dangling)),
                template=self.path,
                where=_PART_NAMES().get(part.kind, ""),
                hint=_("超链接请写成文字网址；图片请用 {{ 路径|图片(宽=8) }} 过滤器放入"),
            )

    def _render_part(self, part: _Part, context: dict, index: int | None) -> str:
        try:
            return part.render(context)
        except _Missing as exc:
            name = exc.name
            if exc.has_owner:
                m = re.search(r"([\w.]+)\s*\.\s*" + re.escape(name) + r"\b", _where_text(part, exc))
                if m:
                    name = f"{m.group(1)}.{name}"
            record = _record_label(context, index)
            if record:
                message = _("用到的变量“{name}”在{record}的数据中没有").format(
                    name=name, record=record
                )
            else:
                message = _("用到的变量“{name}”在数据中没有").format(name=name)
            raise TemplateError(
                message,
                template=self.path,
                where=part.location(_template_line(exc)),
                hint=_("请检查名册的列标题是否与模板中的变量名完全一致"),
            ) from None
        except SecurityError as exc:
            raise _forbidden(self.path, part.location(_template_line(exc)), str(exc)) from None
        except _PictureFailure as exc:
            record = _record_label(context, index)
            raise TemplateError(
                _("{record}的图片：{error}").format(record=record or _("数据中"), error=exc.error),
                template=self.path,
                where=part.location(_template_line(exc)),
                hint=_("图片的路径相对于名册所在的文件夹，也可以写完整路径；支持 PNG、JPEG、GIF"),
            ) from None
        except _FilterFailure as exc:
            record = _record_label(context, index)
            message = _("过滤器“{filter}”不能处理{record}的值“{value}”").format(
                filter=exc.name, value=exc.value, record=record or _("数据中")
            )
            raise TemplateError(
                message,
                template=self.path,
                where=part.location(_template_line(exc)),
                hint=_("请检查名册中这一项的内容，或换用合适的过滤器"),
            ) from None
        except (
            JinjaError,
            ArithmeticError,
            TypeError,
            ValueError,
            LookupError,
            AttributeError,
            RecursionError,
            MemoryError,
        ) as exc:
            record = _record_label(context, index)
            if record:
                message = _("模板在填入{record}时出错：{error}").format(record=record, error=exc)
            else:
                message = _("模板无法生成：{error}").format(error=exc)
            raise TemplateError(
                message, template=self.path, where=part.location(_template_line(exc))
            ) from None

    def _document_members(self, rendered: RenderedParts) -> list[docxzip.Member]:
        package = self._package
        changed = {name: (XML_DECLARATION + xml).encode("utf-8") for name, xml in rendered.items()}
        media: dict[str, bytes] = {}
        if rendered.pictures:
            for part, placed in rendered.pictures.items():
                rels = _rels_name(part)
                changed[rels] = _with_pictures(package.contents.get(rels), part, placed.values())
                media.update((image.part_name, image.data) for image in placed.values())
            images = [i for placed in rendered.pictures.values() for i in placed.values()]
            changed["[Content_Types].xml"] = _insert_before(
                package.contents["[Content_Types].xml"],
                "</Types>",
                _picture_defaults(package, images),
            )
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


_PICTURE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_EMPTY_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Relationships '
    b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
)


def _picture_rels(part: str, images: Iterable[pictures.Image]) -> list[str]:
    folder = part.rpartition("/")[0]
    out = []
    for image in images:
        target = posixpath.relpath(image.part_name, folder) if folder else image.part_name
        out.append(f'<Relationship Id="{image.rel_id}" Type="{_PICTURE_REL}" Target="{target}"/>')
    return out


def _with_pictures(rels: bytes | None, part: str, images: Iterable[pictures.Image]) -> bytes:
    """A part's relationships with its pictures' added."""
    return _insert_before(rels or _EMPTY_RELS, "</Relationships>", _picture_rels(part, images))


def _picture_defaults(package: _Package, images: Iterable[pictures.Image]) -> list[str]:
    """Content types for picture files the template has none for."""
    needed = {image.part_name.rpartition(".")[2]: image.content_type for image in images}
    return [
        f'<Default Extension="{ext}" ContentType="{ctype}"/>'
        for ext, ctype in sorted(needed.items())
        if ext not in package.defaults
    ]


def _template_line(exc: BaseException) -> int | None:
    lineno = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


def _where_text(part: _Part, exc: BaseException) -> str:
    lineno = _template_line(exc)
    if lineno and lineno <= len(part.paragraphs):
        return part.paragraphs[lineno - 1][2]
    return part.source


def _record_label(context: dict, index: int | None) -> str:
    row = context.get("_row") if isinstance(context, dict) else None
    if row is not None:
        return _("名册第 {row} 行").format(row=row)
    if index is not None:
        return _("第 {n} 条记录").format(n=index + 1)
    return ""


# --------------------------------------------------------------------------- batches


def _render_chunk(template: CompiledTemplate, jobs: list[tuple[int, dict, str]]) -> int:
    for index, context, path in jobs:
        template.render_to(context, Path(path), index=index)
    return len(jobs)


_WORKER_TEMPLATE: CompiledTemplate | None = None


def _init_worker(template: CompiledTemplate) -> None:
    global _WORKER_TEMPLATE
    _WORKER_TEMPLATE = template


def _worker_chunk(jobs: list[tuple[int, dict, str]]) -> int:
    assert _WORKER_TEMPLATE is not None  # set by _init_worker
    return _render_chunk(_WORKER_TEMPLATE, jobs)


def render_batch(
    template: CompiledTemplate,
    contexts: Iterable[dict],
    paths: Sequence[Path],
    *,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Path]:
    """Render one .docx per context to the matching path; returns ``paths`` in order.

    The first record is rendered here first, so a template error (the same for all records,
    usually) stops the batch before anything else runs.  From ``POOL_THRESHOLD`` records on,
    the rest is shared among worker processes (``workers``: default one per core).  On a
    template error the batch stops; the failing record gets no file.
    """
    contexts = list(contexts)
    paths = [Path(p) for p in paths]
    if len(contexts) != len(paths):
        raise ValueError(f"{len(contexts)} contexts but {len(paths)} paths")
    if not contexts:
        return []
    report = progress or (lambda n: None)
    template.render_to(contexts[0], paths[0], index=0)
    report(1)
    jobs = [(i, contexts[i], str(paths[i])) for i in range(1, len(contexts))]
    if workers is None:
        workers = (os.cpu_count() or 1) if len(contexts) >= POOL_THRESHOLD else 1
    if workers <= 1 or len(jobs) < 2 * _CHUNK:
        for start in range(0, len(jobs), _CHUNK):
            report(_render_chunk(template, jobs[start : start + _CHUNK]))
        return paths
    _run_pool(template, jobs, workers, report)
    return paths


def _run_pool(template, jobs, workers, report) -> None:
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    size = max(1, min(_CHUNK, len(jobs) // (workers * 4) or 1))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(template,)
    ) as pool:
        pending = {pool.submit(_worker_chunk, chunk) for chunk in chunks}
        try:
            while pending:
                # each chunk is reported as it finishes; the first failure stops the batch
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    report(future.result())
        except BaseException:
            for future in pending:
                future.cancel()
            raise


# --------------------------------------------------------------------------- combined file

_SECT_ORDER = [
    "headerReference",
    "footerReference",
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
]
_PPR_ORDER = [
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
]


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _insert_in_order(parent, child, order: list[str]) -> None:
    """Insert ``child`` where the schema's sequence wants it (Word rejects misordered children)."""
    rank = order.index(etree.QName(child).localname)
    for i, existing in enumerate(parent):
        name = etree.QName(existing).localname
        if name in order and order.index(name) > rank:
            parent.insert(i, child)
            return
    parent.append(child)


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


def _rels_name(part: str) -> str:
    folder, _sep, base = part.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


def _relationships(package: _Package) -> dict[str, tuple[str, str]]:
    """rId → (part name, relationship type) for the main document's internal relationships."""
    data = package.contents.get(_rels_name(package.main))
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
            _insert_in_order(ppr, sect, _PPR_ORDER)
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
        _insert_in_order(sect, _element("type", val="nextPage"), _SECT_ORDER)
        numbering = sect.find(_w("pgNumType"))
        if numbering is None:
            numbering = _element("pgNumType")
            _insert_in_order(sect, numbering, _SECT_ORDER)
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
            own_rels = package.contents.get(_rels_name(target))
            placed = rendered.pictures.get(target)
            if placed:
                own_rels = _with_pictures(own_rels, name, placed.values())
            if own_rels is not None:
                self.extra_parts.append((_rels_name(name), zlib.compress(own_rels, 6)))
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

        return _DOCPR_ID.sub(number, xml)

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
    package = template._package
    rels_name = _rels_name(package.main)
    rewritten = {package.main, rels_name, "[Content_Types].xml", package.numbering}
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open(_zipinfo(package.main), "w", force_zip64=True) as stream:
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
        # record 1's headers and footers (and footnotes) with the pictures they place
        picture_rels = {
            _rels_name(part): _with_pictures(
                package.contents.get(_rels_name(part)), part, placed.values()
            )
            for part, placed in combiner.first_pictures.items()
        }
        for member in package.members:
            if member.name in rewritten:
                continue
            part = combiner.first_parts.get(member.name)
            if part is not None:
                zf.writestr(_zipinfo(member.name), (XML_DECLARATION + part).encode("utf-8"))
            else:
                data = picture_rels.pop(member.name, None) or package.contents[member.name]
                zf.writestr(_zipinfo(member.name), data)
        for name, data in picture_rels.items():
            zf.writestr(_zipinfo(name), data)
        for name, data in combiner.extra_parts:
            zf.writestr(_zipinfo(name), zlib.decompress(data))
        for name, data in combiner.media.items():
            info = _zipinfo(name)
            info.compress_type = zipfile.ZIP_STORED
            zf.writestr(info, data)
        zf.writestr(
            _zipinfo("[Content_Types].xml"),
            _insert_before(
                package.contents["[Content_Types].xml"],
                "</Types>",
                combiner.extra_types + _picture_defaults(package, combiner.images.values()),
            ),
        )
        main_rels = combiner.extra_rels + _picture_rels(
            package.main, combiner.main_pictures.values()
        )
        zf.writestr(
            _zipinfo(rels_name),
            _insert_before(
                package.contents.get(rels_name) or _EMPTY_RELS, "</Relationships>", main_rels
            ),
        )
        if package.numbering:
            data = package.contents[package.numbering]
            marker = "<w:numIdMacAtCleanup" if b"<w:numIdMacAtCleanup" in data else "</w:numbering>"
            entries = combiner.lists.entries(combiner.records) if combiner.lists else ()
            zf.writestr(_zipinfo(package.numbering), _insert_before(data, marker, entries))
    return path


def _zipinfo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _insert_before(data: bytes, marker: str, items: Iterable[str]) -> bytes:
    text = data.decode("utf-8")
    cut = text.rfind(marker)
    if cut < 0:
        return data
    return (text[:cut] + "".join(items) + text[cut:]).encode("utf-8")
