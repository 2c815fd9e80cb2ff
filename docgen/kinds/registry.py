"""The registry of document kinds: one folder per kind, a template and a manifest.

A kind is a folder holding ``kind.toml`` and its template ``.docx``.  The built-in kinds ship in
``docgen/kinds/``; a workspace may add its own in a ``kinds/`` folder beside docgen.toml (a
township's 防汛明白卡 needs no programmer).  Every command that knows about kinds — init,
build, check, forms, templates, the batch commands, docgen.toml's ``[paths]`` — iterates this
registry; no other module lists them.

A manifest reads::

    title = "安全生产责任书"            # name in messages and the build report
    template = "安全生产责任书.docx"     # the template in this folder (and in templates/)
    context = "agreements"             # optional: a registered Python function (see contexts.py)
    signature = false                  # the 署名 and 成文日期 are placed by GB/T 9704 7.3.5
    official = true                    # a 公文 (GB/T 9704); false: a form, whose template's
                                       # core properties say category "表单" (lint skips it)
    order = 20                         # position in the build and in listings

    [roster]                           # batch kinds: one document per roster row
    title = "责任单位"
    path = "units"                     # its key in docgen.toml [paths] …
    default = "inputs/units.xlsx"      # … and the default value there
    columns = [
      { name = "单位名称", required = true },
      { name = "行业领域", choices = "sectors" },   # a drop-down in the form
      { name = "联系电话", text = true },           # kept as text
    ]
    count = "签订责任书"                # optional: the roster's row count, a summary variable

    [output]
    folder = "安全生产责任书"          # batch kinds: a folder of files …
    name = "{单位名称}-安全生产责任书"
    file = "工作总结.docx"              # … single kinds: one file

    [settings]                         # optional: the docgen.toml section it reads
    section = "agreements"
    keys = { term = { type = "integer", default = 1, min = 1 } }

Manifests are as strict as docgen.toml: a key not in ``MANIFEST_KEYS``, a context not in
``CONTEXTS`` for the kind's mode, or true/false written otherwise is an error naming the file,
the line and the nearest known word.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from docgen.errors import ConfigError, display_path
from docgen.i18n import _, current_language

MANIFEST = "kind.toml"
WORKSPACE_KINDS = "kinds"
SETTING_TYPES = ("text", "integer", "boolean", "date", "choice", "texts")


@dataclass(frozen=True)
class Column:
    """One roster column: required (``*`` in the form), its drop-down values, kept as text."""

    name: str
    required: bool = False
    choices: tuple[str, ...] = ()
    text: bool = False
    whole_number: bool = False
    date: bool = False
    width: int = 0
    hint: str = ""


@dataclass(frozen=True)
class RosterSpec:
    title: str  # 责任单位
    path_key: str  # units
    default_path: str  # inputs/units.xlsx
    columns: tuple[Column, ...]
    count: str = ""  # summary variable holding the row count (签订责任书)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class Setting:
    """One key of a kind's docgen.toml section."""

    name: str
    type: str
    default: Any = None
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    comment: str = ""
    maximum: int | None = None


@dataclass(frozen=True)
class Kind:
    """One declared document kind."""

    key: str
    folder: Path  # where kind.toml and the template live
    title: str
    template: str  # file name of the template (in ``folder`` and in the workspace's templates/)
    mode: Literal["single", "batch"]
    order: int = 100
    title_en: str = ""
    help: str = ""
    help_en: str = ""
    context: str = ""  # a registered context function
    signature: bool = False
    official: bool = True  # a 公文 laid out to GB/T 9704; False: a form (表单)
    roster: RosterSpec | None = None
    output_folder: str = ""
    output_name: str = ""
    output_file: str = ""
    section: str = ""
    settings: tuple[Setting, ...] = ()
    builtin: bool = True

    @property
    def template_path(self) -> Path:
        """The template as shipped with the kind."""
        return self.folder / self.template

    @property
    def label(self) -> str:
        """The kind's name in the current language."""
        return self.title_en if self.title_en and current_language() == "en" else self.title

    @property
    def description(self) -> str:
        return self.help_en if self.help_en and current_language() == "en" else self.help

    @property
    def combined_name(self) -> str:
        return f"{self.output_folder}（合订本）.docx"


@dataclass(frozen=True)
class Registry:
    """The kinds a workspace knows: the built-in ones, then its own."""

    kinds: tuple[Kind, ...]

    def __iter__(self):
        return iter(self.kinds)

    def __len__(self) -> int:
        return len(self.kinds)

    def __contains__(self, key: object) -> bool:
        return any(k.key == key for k in self.kinds)

    def __getitem__(self, key: str) -> Kind:
        for kind in self.kinds:
            if kind.key == key:
                return kind
        raise KeyError(key)

    def get(self, key: str | None) -> Kind | None:
        return next((k for k in self.kinds if k.key == key), None)

    @property
    def batches(self) -> tuple[Kind, ...]:
        return tuple(k for k in self.kinds if k.mode == "batch")

    @property
    def singles(self) -> tuple[Kind, ...]:
        return tuple(k for k in self.kinds if k.mode == "single")

    @property
    def builtin(self) -> tuple[Kind, ...]:
        return tuple(k for k in self.kinds if k.builtin)

    def by_template(self, name: str) -> Kind | None:
        """The kind whose template file is called ``name`` (安全承诺书.docx → letters)."""
        return next((k for k in self.kinds if k.template == name), None)

    def roster_paths(self) -> dict[str, str]:
        """``[paths]`` keys of the rosters and their defaults."""
        return {k.roster.path_key: k.roster.default_path for k in self.batches if k.roster}

    def sections(self) -> dict[str, Kind]:
        return {k.section: k for k in self.kinds if k.section}


# --- what a manifest may say ---------------------------------------------------------------
# Declared once, as data: every manifest is checked against these tables, and anything else is
# an error naming the file, the line and the nearest known word — never silently ignored.

MANIFEST_KEYS: dict[str, tuple[str, ...]] = {
    "": (
        "title",
        "title_en",
        "template",
        "context",
        "signature",
        "official",
        "order",
        "help",
        "help_en",
        "roster",
        "output",
        "settings",
    ),
    "roster": ("title", "path", "default", "columns", "count"),
    "roster.columns": (
        "name",
        "required",
        "choices",
        "text",
        "whole_number",
        "date",
        "width",
        "hint",
    ),
    "output": ("folder", "name", "file"),
    "settings": ("section", "keys"),
    "settings.keys": ("type", "default", "choices", "min", "max", "comment"),  # each setting's keys
}
BOOLEAN_KEYS: dict[str, tuple[str, ...]] = {
    "": ("signature", "official"),
    "roster.columns": ("required", "text", "whole_number", "date"),
}
# The context a kind may name, by what it renders: a single document is filled with the
# summary's figures; each record of a batch goes through a record function of documents.py.
CONTEXTS: dict[str, tuple[str, ...]] = {
    "single": ("summary",),
    "batch": ("agreements", "notices", "letters"),
}
# choices = "sectors" in a manifest → the list of that name in docgen.vocabulary
SHARED_CHOICES: dict[str, str] = {
    "sectors": "SECTORS",
    "unit_types": "UNIT_TYPES",
    "hazard_kinds": "HAZARD_KINDS",
}


def manifest_mistakes(data: Mapping, text: str, path: Path) -> list[str]:
    """Every unknown key, wrong true/false and unknown context of a manifest, each with its
    file and line, in the order they are written."""
    mistakes: list[tuple[int, str]] = []

    def report(table: str, key: str, message: str) -> None:
        line = _manifest_line(text, table, key)
        where = display_path(path)
        if line:
            where = _("{file} 第 {line} 行").format(file=where, line=line)
        mistakes.append((line or 0, _("{where}：{message}").format(where=where, message=message)))

    for schema, table, values in _manifest_tables(data):
        for key, message in _key_mistakes(schema, table, values):
            report(table, key, message)
    context = _context_mistake(data)
    if context:
        report("", "context", context)
    return [message for _line, message in sorted(mistakes, key=lambda m: m[0])]


def _manifest_tables(data: Mapping) -> list[tuple[str, str, object]]:
    """(its keys in ``MANIFEST_KEYS``, its name, its values) for every table of a manifest:
    the top level, [roster] and each of its columns, [output], [settings] and each setting."""
    roster = data.get("roster")
    settings = data.get("settings")
    tables: list[tuple[str, str, object]] = [("", "", data), ("roster", "roster", roster)]
    if isinstance(roster, Mapping) and isinstance(roster.get("columns"), list):
        tables += [("roster.columns", "roster.columns", column) for column in roster["columns"]]
    tables += [("output", "output", data.get("output")), ("settings", "settings", settings)]
    if isinstance(settings, Mapping) and isinstance(settings.get("keys"), Mapping):
        tables += [
            ("settings.keys", f"settings.keys.{name}", spec)
            for name, spec in settings["keys"].items()
        ]
    return tables


def _key_mistakes(schema: str, table: str, values: object) -> list[tuple[str, str]]:
    """(key, message) for each unknown key of a table and each true/false written otherwise."""
    from docgen.errors import suggestion

    if not isinstance(values, Mapping):
        return []  # a table of the wrong shape is named when it is read
    known = MANIFEST_KEYS[schema]
    found = []
    for key, value in values.items():
        name = f"{table}.{key}" if table else key
        if key not in known:
            message = _("不认识的键 {key}{suggestion}").format(
                key=name, suggestion=suggestion(key, known)
            )
            found.append((key, message))
        elif key in BOOLEAN_KEYS.get(schema, ()) and not isinstance(value, bool):
            found.append((key, _("{key} 应写作 true 或 false").format(key=name)))
    return found


def _context_mistake(data: Mapping) -> str | None:
    """What is wrong with the manifest's ``context``, if it is not one its mode may name."""
    from docgen.errors import suggestion

    context = data.get("context", "")
    mode = "batch" if "roster" in data else "single"
    allowed = CONTEXTS[mode]
    if isinstance(context, str) and (not context or context in allowed):
        return None
    shown = context if isinstance(context, str) else str(context)
    kinds_of = {
        "single": _("单个文档（没有 [roster]）"),
        "batch": _("按名册逐行生成的文档"),
    }
    return _('{what}不能用 context = "{name}"{suggestion}（可用：{known}）').format(
        what=kinds_of[mode],
        name=shown,
        suggestion=suggestion(shown, allowed),
        known="、".join(allowed),
    )


def _manifest_line(text: str, table: str, key: str) -> int | None:
    """The line (1-based) where ``key`` is written in ``table`` ("" is the top level): after
    the header or key that opens each part of the table (``[roster]``, ``columns = [``)."""
    lines = [line.split("#", 1)[0] for line in text.splitlines()]
    start = 0
    for part in table.split(".") if table else ():
        opens = re.compile(
            rf"^\s*\[\s*(?:[\w.]+\.)?{re.escape(part)}\s*\]|(?:^|[\s{{,]){re.escape(part)}\s*="
        )
        start = next((i for i in range(start, len(lines)) if opens.search(lines[i])), start)
    written = re.compile(rf"(?:^|[\s{{,]){re.escape(key)}\s*=")
    if not table:
        # a top-level key comes before the first [table]
        end = next((i for i, line in enumerate(lines) if line.lstrip().startswith("[")), len(lines))
        lines = lines[:end]
    return next((i + 1 for i in range(start, len(lines)) if written.search(lines[i])), None)


# --- reading manifests ---------------------------------------------------------------------


def _fail(path: Path, message: str) -> ConfigError:
    return ConfigError(_("{file}：{message}").format(file=display_path(path), message=message))


def _str(data: Mapping, key: str, path: Path, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or (default is None and not value.strip()):
        raise _fail(path, _("{key} 应是一段文字").format(key=key))
    return value.strip()


def _choices(value: object, path: Path) -> tuple[str, ...]:
    """A column's or setting's drop-down: a list of words, or the name of a shared list."""
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        from docgen import vocabulary

        if value not in SHARED_CHOICES:
            raise _fail(
                path,
                _('choices = "{name}" 不是已知的列表（可用：{known}）').format(
                    name=value, known="、".join(SHARED_CHOICES)
                ),
            )
        return tuple(getattr(vocabulary, SHARED_CHOICES[value]))
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise _fail(path, _('choices 应是文字列表，如 ["地质灾害", "山洪灾害"]'))


def _column(data: object, path: Path) -> Column:
    if isinstance(data, str):
        return Column(name=data)
    if not isinstance(data, dict):
        raise _fail(path, _('roster.columns 的每一项应写作 {{ name = "列名", required = true }}'))
    return Column(
        name=_str(data, "name", path),
        required=bool(data.get("required", False)),
        choices=_choices(data.get("choices"), path),
        text=bool(data.get("text", False)),
        whole_number=bool(data.get("whole_number", False)),
        date=bool(data.get("date", False)),
        width=int(data.get("width", 0)),
        hint=str(data.get("hint", "")),
    )


def _setting(name: str, data: object, path: Path) -> Setting:
    if not isinstance(data, dict) or data.get("type") not in SETTING_TYPES:
        raise _fail(
            path,
            _('settings.keys.{name} 应写作 {{ type = "text" }}（type 可为 {types}）').format(
                name=name, types="、".join(SETTING_TYPES)
            ),
        )
    minimum = data.get("min")
    return Setting(
        name=name,
        type=data["type"],
        default=data.get("default"),
        choices=_choices(data.get("choices"), path),
        minimum=minimum if isinstance(minimum, int) else None,
        comment=str(data.get("comment", "")),
        maximum=data["max"] if isinstance(data.get("max"), int) else None,
    )


def read_kind(folder: Path, builtin: bool = False) -> Kind:
    """One kind from its folder; a faulty manifest is a ConfigError naming the file."""
    path = folder / MANIFEST
    text, data = _read_manifest(path)
    mistakes = manifest_mistakes(data, text, path)
    if mistakes:
        raise ConfigError("\n".join(mistakes))

    template = _str(data, "template", path)
    _confine_template(folder, template, path)
    if not (folder / template).is_file():
        raise _fail(path, _("模板 {name} 不在这个文件夹中").format(name=template))
    roster = _roster(data.get("roster"), path)
    mode: Literal["single", "batch"] = "batch" if roster else "single"
    output = _output(data.get("output", {}), mode, path)
    settings_data = data.get("settings", {})
    if not isinstance(settings_data, dict):
        raise _fail(path, _("[settings] 应是一个小节"))
    keys = settings_data.get("keys", {})
    order = data.get("order", 100)
    return Kind(
        key=folder.name,
        folder=folder,
        title=_str(data, "title", path),
        title_en=str(data.get("title_en", "")),
        help=str(data.get("help", "")).strip(),
        help_en=str(data.get("help_en", "")).strip(),
        template=template,
        mode=mode,
        order=order if isinstance(order, int) else 100,
        context=str(data.get("context", "")),
        signature=bool(data.get("signature", False)),
        official=bool(data.get("official", True)),
        roster=roster,
        output_folder=str(output.get("folder", "")),
        output_name=str(output.get("name", "")) or "",
        output_file=str(output.get("file", "")) or template,
        section=str(settings_data.get("section", "")),
        settings=tuple(_setting(name, spec, path) for name, spec in keys.items()),
        builtin=builtin,
    )


def _read_manifest(path: Path) -> tuple[str, dict]:
    """kind.toml's text and data; one that cannot be read is a ConfigError naming it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise _fail(path, _("找不到清单文件 kind.toml")) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _fail(path, _("格式有误：{error}").format(error=exc)) from None
    except RecursionError:
        raise _fail(
            path, _("格式有误：方括号 [ ] 或花括号 { } 套得太深（多写了 [ 或 {？），请检查并改正")
        ) from None
    return text, data


def _roster(roster_data: object, path: Path) -> RosterSpec | None:
    """[roster], or none for a single document."""
    if roster_data is None:
        return None
    if not isinstance(roster_data, dict):
        raise _fail(path, _("[roster] 应是一个小节"))
    columns = roster_data.get("columns", [])
    if not isinstance(columns, list) or not columns:
        raise _fail(path, _("[roster] 应列出名册的列：columns = [...]"))
    return RosterSpec(
        title=_str(roster_data, "title", path),
        path_key=_str(roster_data, "path", path),
        default_path=_str(roster_data, "default", path),
        columns=tuple(_column(c, path) for c in columns),
        count=str(roster_data.get("count", "")),
    )


def _output(output: object, mode: str, path: Path) -> dict:
    """[output]: a batch needs its folder; the folder and the file stay inside outputs/."""
    if not isinstance(output, dict):
        raise _fail(path, _("[output] 应是一个小节"))
    if mode == "batch" and not output.get("folder"):
        raise _fail(path, _('按名册逐行生成的文档需要 [output] folder = "文件夹名"'))
    for key in ("folder", "file"):
        if key in output:
            _confine_output(output[key], key, path)
    return output


# --- what a manifest names stays inside the workspace ---------------------------------------

_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe_part(part: str) -> bool:
    from docgen.output.files import safe_filename

    return not part or part in (".", "..") or safe_filename(part, fallback="") != part


def _confine_output(value: object, key: str, path: Path) -> None:
    """``[output] folder`` / ``file``: a name (or names joined by ``/``) inside outputs/ — no
    ``..``, no absolute path, no drive letter, no hidden or forbidden name; a file is a .docx."""
    text = value if isinstance(value, str) else ""
    parts = text.split("/")
    bad = (
        not text.strip()
        or text.startswith(("/", "\\"))
        or "\\" in text
        or _DRIVE.match(text) is not None
        or any(_unsafe_part(part) for part in parts)
        or (key == "file" and not text.lower().endswith(".docx"))
    )
    if bad:
        example = "工作总结.docx" if key == "file" else "防汛明白卡"
        raise _fail(
            path,
            _(
                "[output] {key} = {value} 不是 outputs 文件夹里的名字：只能写文件夹或文件名"
                "（不能有 ..、/ 开头的绝对路径、盘符、\\ 或隐藏名），"
                '请改成例如 {key} = "{example}"'
            ).format(key=key, value=_shown(value), example=example),
        )


def _confine_template(folder: Path, template: str, path: Path) -> None:
    """``template``: a .docx file name in the kind's own folder (a link may not lead out)."""
    inside = False
    if not _unsafe_part(template) and "/" not in template and _DRIVE.match(template) is None:
        try:
            (folder / template).resolve().relative_to(folder.resolve())
            inside = True
        except (ValueError, OSError):
            inside = False
    if not inside or not template.lower().endswith(".docx"):
        raise _fail(
            path,
            _(
                "template = {value} 应是这个文件夹里的一个 .docx 文件名（不能有路径、..、盘符，"
                '也不能是指向文件夹外的链接），请把模板放进 {folder} 并写作 template = "模板.docx"'
            ).format(value=_shown(template), folder=display_path(folder)),
        )


def _shown(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def confined_output(kind: Kind, outputs: Path, target: Path) -> None:
    """Raise ConfigError naming the kind's manifest when ``target`` (a path the kind writes)
    leads outside ``outputs`` — through a link already in the folder."""
    try:
        Path(target).resolve().relative_to(Path(outputs).resolve())
    except (ValueError, OSError):
        raise _fail(
            kind.folder / MANIFEST,
            _(
                "[output] 写到的 {target} 经链接指向 outputs 文件夹之外；"
                "请删去这个链接，或在 [output] 中换一个名字"
            ).format(target=display_path(target)),
        ) from None


@cache
def builtin_kinds() -> tuple[Kind, ...]:
    root = Path(str(resources.files("docgen") / "kinds"))
    kinds = [
        read_kind(folder, builtin=True)
        for folder in sorted(root.iterdir())
        if (folder / MANIFEST).is_file()
    ]
    return tuple(sorted(kinds, key=lambda k: (k.order, k.key)))


def workspace_kinds(root: Path | None) -> tuple[Kind, ...]:
    """The workspace's own kinds in ``ROOT/kinds/<key>/``."""
    if root is None:
        return ()
    folder = Path(root) / WORKSPACE_KINDS
    if not folder.is_dir():
        return ()
    return tuple(
        read_kind(sub)
        for sub in sorted(folder.iterdir())
        if sub.is_dir() and not sub.name.startswith((".", "~$"))
    )


def load_registry(root: Path | None = None) -> Registry:
    """The built-in kinds plus the workspace's own; a workspace kind may not reuse a key, a
    template name or a ``[paths]`` key of another kind."""
    kinds = list(builtin_kinds())
    for kind in workspace_kinds(root):
        clash = next(
            (
                k
                for k in kinds
                if k.key == kind.key
                or k.template == kind.template
                or (k.roster and kind.roster and k.roster.path_key == kind.roster.path_key)
            ),
            None,
        )
        if clash is not None:
            raise _fail(
                kind.folder / MANIFEST,
                _(
                    "与已有的文档种类“{title}”重名（文件夹名、模板名或 [paths] 中的键不能相同）"
                ).format(title=clash.title),
            )
        kinds.append(kind)
    return Registry(tuple(sorted(kinds, key=lambda k: (k.order, k.key))))


def registry() -> Registry:
    """The built-in kinds only (for code that has no workspace)."""
    return Registry(builtin_kinds())


# --- settings sections ---------------------------------------------------------------------


@dataclass(frozen=True)
class KindSettings:
    """The values of a kind's docgen.toml section, defaults filled in."""

    values: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def setting_matches(setting: Setting, value: object) -> bool:
    if setting.type == "text":
        return isinstance(value, str)
    if setting.type == "integer":
        return (
            isinstance(value, int)
            and not isinstance(value, bool)
            and (setting.minimum is None or value >= setting.minimum)
            and (value <= setting.maximum if setting.maximum is not None else value < 10**9)
            and value > -(10**9)
        )
    if setting.type == "boolean":
        return isinstance(value, bool)
    if setting.type == "date":
        return isinstance(value, dt.date)
    if setting.type == "choice":
        return isinstance(value, str) and value in setting.choices
    if setting.type == "texts":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return False


def setting_example(setting: Setting) -> str:
    return {
        "text": f'{setting.name} = "…"',
        "integer": f"{setting.name} = {setting.default if setting.default is not None else 1}",
        "boolean": f"{setting.name} = true",
        "date": f"{setting.name} = 2023-05-08",
        "choice": f'{setting.name} = "{setting.choices[0] if setting.choices else ""}"',
        "texts": f'{setting.name} = ["…"]',
    }[setting.type]
