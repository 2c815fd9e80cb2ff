"""Errors a secretary can act on.

Every problem docgen finds in an input carries *where* it is (file, sheet, cell, or
template paragraph) and *what to do*.  Library code raises these; only the command line
(docgen/cli) turns them into output and an exit status.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docgen.i18n import _

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One finding in an input: an error (the run fails) or a warning (it goes on)."""

    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    hint: str = ""
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            sheet = self.sheet if len(self.sheet) <= 40 else self.sheet[:31] + "…"
            parts.append(_("工作表“{sheet}”").format(sheet=sheet))
        if self.cell:
            parts.append(_("单元格 {cell}").format(cell=self.cell))
        return _("，").join(parts)

    def __str__(self) -> str:
        label = _("错误") if self.is_error else _("警告")
        if self.location:
            text = _("{label}：{location}：{message}").format(
                label=label, location=self.location, message=self.message
            )
        else:
            text = _("{label}：{message}").format(label=label, message=self.message)
        return with_hint(text, self.hint)

    def as_dict(self) -> dict:
        return {
            "severity": self.severity,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
            "hint": self.hint,
        }


def with_hint(text: str, hint: str) -> str:
    """A message followed by what to do: ``……（请另存为 .xlsx）``."""
    return _("{text}（{hint}）").format(text=text, hint=hint) if hint else text


def suggestion(word: str, known) -> str:
    """The "did you mean" for a misspelt ``word``: the nearest of ``known``, or nothing."""
    import difflib

    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return _("（是不是 {name}？）").format(name=close[0]) if close else ""


def describe_os_error(exc: OSError) -> str:
    """What went wrong reading or writing a file, in the secretary's words, with the path."""
    import errno

    reasons: dict[int | None, str] = {
        errno.EEXIST: _("路径中有一段是文件，不是文件夹"),
        errno.ENOTDIR: _("路径中有一段是文件，不是文件夹"),
        errno.EISDIR: _("这是一个文件夹，不是文件"),
        errno.EACCES: _("没有权限"),
        errno.EPERM: _("没有权限"),
        errno.ENOSPC: _("磁盘已满"),
        errno.EROFS: _("磁盘是只读的"),
        errno.ENOENT: _("找不到这个文件或文件夹"),
    }
    reason = reasons.get(exc.errno, exc.strerror or str(exc))
    path = display_path(exc.filename) if exc.filename else ""
    message = _("无法读写 {path}：{reason}").format(path=path, reason=reason) if path else reason
    return with_hint(message, _("请检查路径是否正确、是否有权限、磁盘是否已满"))


def display_path(path: str | Path) -> str:
    """The path as a secretary would recognise it: relative to the working folder if inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p)


class DocgenError(Exception):
    """Base class: raised when docgen cannot do what was asked; the message says why."""

    exit_code = 1


class DataError(DocgenError):
    """Raised when input workbooks have errors; carries every problem of the run."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


class TemplateError(DocgenError):
    """Raised when a .docx template cannot be compiled or rendered (bad tag, missing
    variable, a forbidden operation); names the template and the paragraph."""

    def __init__(self, message: str, template: str | Path = "", where: str = "", hint: str = ""):
        self.message = message
        self.template = str(template)
        self.where = where
        self.hint = hint
        loc = _("，").join(x for x in (display_path(template) if template else "", where) if x)
        text = _("{location}：{message}").format(location=loc, message=message) if loc else message
        super().__init__(with_hint(text, hint))

    def __reduce__(self):
        # keep template, where and hint when raised in a worker process
        return (type(self), (self.message, self.template, self.where, self.hint))


class ConfigError(DocgenError):
    """Raised when docgen.toml is missing, unreadable or has a wrong value."""


class OutputExistsError(DocgenError):
    """Raised when an output file exists and --force was not given; nothing was written."""


class ConversionError(DocgenError):
    """Raised when LibreOffice is missing or a PDF conversion failed or timed out."""

    failed: list[tuple[Path, str]]  # (docx, reason), set when some files were not converted
    converted: list[Path]  # the PDFs that were written all the same
