"""What a render that failed says: for which record, at which paragraph of the template, in
which tag, and what the secretary can do about it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import TemplateError as JinjaError

from docgen.errors import TemplateError
from docgen.i18n import _
from docgen.render import bounds
from docgen.render.sandbox import FilterFailure, Missing, PictureFailure

if TYPE_CHECKING:
    from docgen.render.compile import _Part

# what else a template's own code can raise while a record is filled in
RENDER_ERRORS = (
    JinjaError,
    ArithmeticError,
    TypeError,
    ValueError,
    LookupError,
    AttributeError,
    RecursionError,
    MemoryError,
)
_TAGS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


def missing_variable(path: Path, part: _Part, exc: Missing, record: str) -> TemplateError:
    """A variable (or a key of one, named with its owner) the record does not have."""
    name = exc.name
    if exc.has_owner:
        m = re.search(r"([\w.]+)\s*\.\s*" + re.escape(name) + r"\b", where_text(part, exc))
        if m:
            name = f"{m.group(1)}.{name}"
    if record:
        message = _("用到的变量“{name}”在{record}的数据中没有").format(name=name, record=record)
    else:
        message = _("用到的变量“{name}”在数据中没有").format(name=name)
    return TemplateError(
        message,
        template=path,
        where=part.location(template_line(exc)),
        hint=_("请检查名册的列标题是否与模板中的变量名完全一致"),
    )


def unbounded(
    path: Path, part: _Part, exc: bounds.TooLarge | bounds.TooSlow, record: str
) -> TemplateError:
    """The message for a render stopped by its bounds: the template, paragraph and tag."""
    lineno = template_line(exc)
    tag = tag_at(part, lineno, exc.what if isinstance(exc, bounds.TooLarge) else "")
    where = part.location(lineno)
    if isinstance(exc, bounds.TooSlow):
        return TemplateError(
            _(
                "填入{record}时模板运行超过 {seconds} 秒仍未完成（停在标签 {tag} 处），已停止"
            ).format(record=record or _("数据"), seconds=f"{exc.seconds:g}", tag=tag),
            template=path,
            where=where,
            hint=_("请检查模板中的循环（{% for %}）是否套得太多层、次数太多"),
        )
    return TemplateError(
        _("标签 {tag} 会生成过大的文字（超过 {limit} 个字符），已停止").format(
            tag=tag, limit=f"{exc.limit:,}"
        ),
        template=path,
        where=where,
        hint=_("请检查这个标签中的宽度、重复次数和循环"),
    )


def picture_failed(path: Path, part: _Part, exc: PictureFailure, record: str) -> TemplateError:
    """A picture the record names that cannot be placed."""
    return TemplateError(
        _("{record}的图片：{error}").format(record=record or _("数据中"), error=exc.error),
        template=path,
        where=part.location(template_line(exc)),
        hint=_("图片的路径相对于名册所在的文件夹，也可以写完整路径；支持 PNG、JPEG、GIF"),
    )


def filter_failed(path: Path, part: _Part, exc: FilterFailure, record: str) -> TemplateError:
    """A filter given a value of the record it cannot take."""
    message = _("过滤器“{filter}”不能处理{record}的值“{value}”").format(
        filter=exc.name, value=exc.value, record=record or _("数据中")
    )
    return TemplateError(
        message,
        template=path,
        where=part.location(template_line(exc)),
        hint=_("请检查名册中这一项的内容，或换用合适的过滤器"),
    )


def render_failed(path: Path, part: _Part, exc: BaseException, record: str) -> TemplateError:
    """Any other error of the template's own code (one of ``RENDER_ERRORS``)."""
    if record:
        message = _("模板在填入{record}时出错：{error}").format(record=record, error=exc)
    else:
        message = _("模板无法生成：{error}").format(error=exc)
    return TemplateError(message, template=path, where=part.location(template_line(exc)))


def tag_at(part: _Part, lineno: int | None, what: str) -> str:
    """The tag of paragraph ``lineno`` a stopped operation is likely in (the first one naming
    it), shortened for a message."""
    text = part.paragraphs[lineno - 1][2] if lineno and lineno <= len(part.paragraphs) else ""
    tags = _TAGS.findall(text)
    word = re.sub(r"\W.*", "", what.lstrip(".%"), flags=re.DOTALL)
    tag = next((t for t in tags if word and word in t), tags[0] if tags else "")
    if not tag:
        return f"“{what}”" if what else ""
    return tag if len(tag) <= 40 else tag[:38] + "…" + tag[-2:]


def template_line(exc: BaseException) -> int | None:
    """The template line an error was raised at (the innermost frame of the template's code)."""
    lineno = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


def where_text(part: _Part, exc: BaseException) -> str:
    """The text of the paragraph an error was raised in (the whole part when unknown)."""
    lineno = template_line(exc)
    if lineno and lineno <= len(part.paragraphs):
        return part.paragraphs[lineno - 1][2]
    return part.source


def record_label(context: dict, index: int | None) -> str:
    """The record as a message names it: 名册第 3 行, 第 2 条记录, or nothing."""
    row = context.get("_row") if isinstance(context, dict) else None
    if row is not None:
        return _("名册第 {row} 行").format(row=row)
    if index is not None:
        return _("第 {n} 条记录").format(n=index + 1)
    return ""
