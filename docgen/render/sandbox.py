"""The sandbox every template runs in: a Jinja environment that can read its data and nothing
else, with docgen's filters and the picture filter registered and every way of building a
huge string or structure bounded.

A template that reaches for Python internals, files or processes is refused when it is loaded
(``forbidden_use``: a static check of the Jinja syntax tree) and, should anything slip through,
when it is rendered (the sandbox) — before any output file is opened.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from docxtpl import InlineImage
from jinja2 import StrictUndefined, Undefined, UndefinedError, nodes, pass_context
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import Namespace, missing
from markupsafe import Markup

from docgen.render import bounds, filters, pictures, subdocs
from docgen.render.filters import FILTERS

# characters XML 1.0 does not allow; \t \n and docxtpl's \a (new paragraph) and \f (page
# break) in a value are laid out by the listing step, the rest is removed
CONTROL = re.compile("[\x00-\x06\x08\x0b\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MAX_RANGE = 10_000

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


class Missing(UndefinedError):
    """A variable (or a key of one) the record does not have."""

    def __init__(self, name: str, has_owner: bool):
        super().__init__(name)
        self.name = name
        self.has_owner = has_owner


class FilterFailure(Exception):
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
        raise Missing(str(self._undefined_name), self._undefined_obj is not missing)


# StrictUndefined binds its operators to the base class's function: point them at ours
for _name, _value in {**vars(Undefined), **vars(StrictUndefined)}.items():
    if _value is Undefined._fail_with_undefined_error and _name != "_fail_with_undefined_error":
        setattr(_StrictUndefined, _name, _StrictUndefined._fail_with_undefined_error)
# … but a missing variable is false in a test (``{% if 备注 %}``), as in docxtpl: the idiom
# for an optional field.  Printing it, looping over it or computing with it stays an error.
_StrictUndefined.__bool__ = lambda self: False  # type: ignore[assignment,misc]


def _safe_range(*args: int) -> range:
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise SecurityError(f"range({', '.join(map(str, args))})")
    return rng


class _Generator(CodeGenerator):
    """Jinja's code generator, with every ``~`` concatenation measured."""

    def visit_Concat(self, node, frame):
        self.write("environment.concatenated(")
        super().visit_Concat(node, frame)
        self.write(")")


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with every way of building a large value bounded (see ``bounds``)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _Generator

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
        bounds.check_binop(operator, left, right)
        return bounds.built(self.binop_table[operator](left, right), operator)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        bounds.check_call(__obj, args, kwargs)
        bounds.spend(0, "call")  # the time limit
        result = super().call(__context, __obj, *args, **kwargs)
        return bounds.built(result, getattr(__obj, "__name__", "call"))

    def wrap_str_format(self, value):
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        fmt = value.__self__

        def bounded(*args, **kwargs):
            bounds.check_format(fmt, args, kwargs)
            return bounds.built(wrapper(*args, **kwargs), "format")

        return bounded

    def concatenated(self, value):
        """``a ~ b``, measured (see ``_Generator``)."""
        return bounds.built(value, "~")


def _finalize(value):
    """How a bare ``{{ 列 }}`` prints a roster cell: as the secretary typed it in Excel."""
    if isinstance(value, str):
        bounds.spend(len(value), "{{ }}")
        if isinstance(value, Markup):
            _note_raw_xml()
        if CONTROL.search(value):
            # a character XML cannot hold (pasted from another program): never written
            cleaned = CONTROL.sub("", value)
            return Markup(cleaned) if isinstance(value, Markup) else cleaned
        return value
    if value is None:
        return ""  # an empty cell is blank in the letter, not "None"
    if isinstance(value, InlineImage):
        return _inline_image(value)
    if hasattr(value, "__html__"):
        _note_raw_xml()  # docxtpl's RichText, Subdoc, Listing: XML of their own
        placed = PLACED.get()
        if placed is not None and subdocs.is_subdoc(value):
            placed.subdocs.append(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)  # Excel keeps whole numbers as 3.0
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return filters.date(value)  # a date cell: 2022年12月20日, not 2022-12-20 00:00:00
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return filters.date(value)
    return value


def _note_raw_xml() -> None:
    placed = PLACED.get()
    if placed is not None:
        placed.raw_xml = True


def _wrap_filter(name: str, func: Callable) -> Callable:
    def run(value, *args, **kwargs):
        try:
            return func(value, *args, **kwargs)
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise FilterFailure(name, value, exc) from exc

    run.__name__ = func.__name__
    return run


# ------------------------------------------------------------------- pictures


# The pictures the part being rendered places (relationship id → image), collected so the
# document gets their media parts and relationships.
@dataclass
class Placed:
    """What the values rendered into one part brought with them."""

    pictures: dict[str, pictures.Image]
    raw_xml: bool = False  # a value given as XML (RichText, Subdoc …), not as text
    subdocs: list = field(default_factory=list)  # docxtpl Subdoc values placed


PLACED: contextvars.ContextVar[Placed | None] = contextvars.ContextVar(
    "docgen_placed", default=None
)
PICTURE_FILTERS = ("图片", "picture")
# The context key holding the folder a record's relative picture paths start from (the roster's).
BASE_DIR = "_dir"


class PictureFailure(Exception):
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
        raise FilterFailure(name, value, ValueError("size in cm"))
    return size


def _place(image: pictures.Image, cx: int, cy: int, name: str) -> Markup:
    placed = PLACED.get()
    if placed is None:
        raise FilterFailure(PICTURE_FILTERS[0], name, ValueError("not rendering"))
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
        raise FilterFailure(PICTURE_FILTERS[0], value, TypeError(", ".join(sizes)))
    shown = str(value).strip()
    path = Path(shown)
    base = context.get(BASE_DIR)
    if not path.is_absolute() and base:
        path = Path(base) / path
    try:
        image = pictures.load_image(path, shown)
    except pictures.PictureError as exc:
        raise PictureFailure(exc) from None
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
        raise PictureFailure(exc) from None
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
    env.filters.update({name: bounds.bounded_filter(name, f) for name, f in env.filters.items()})
    env.filters.update({name: _wrap_filter(name, f) for name, f in FILTERS.items()})
    env.filters[bounds.LOOP_FILTER] = bounds.loop_guard
    env.filters.update(dict.fromkeys(PICTURE_FILTERS, _picture))
    return env


ENV = make_environment()


def forbidden_use(tree: nodes.Template) -> tuple[str, int] | None:
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
