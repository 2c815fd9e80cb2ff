"""docgen.toml → typed settings (keys in English, comments in Chinese).

Every key is known: a misspelt or unknown key, or a value of the wrong type, is an error that
names the key and its line ("did you mean" for a near miss), never a silent default.  The
sections of the document kinds (``[agreements]``, ``[notices]`` …) and the roster keys of
``[paths]`` come from the registry of kinds.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import ConfigError, display_path, suggestion
from docgen.i18n import _
from docgen.kinds.registry import (
    KindSettings,
    Registry,
    Setting,
    load_registry,
    setting_example,
    setting_matches,
)

CONFIG_NAME = "docgen.toml"
SUMMARY_KINDS = ("工作总结", "报告")
YEARS = (1949, 2199)  # the years a campaign can run in (a year beyond is a typing slip)


@dataclass(frozen=True)
class Issuer:
    name: str = "XX镇人民政府"
    short_name: str = "XX镇"
    recipient: str = "区应急管理局"
    seal: bool = False


@dataclass(frozen=True)
class Header:
    """版头: 发文机关标志, 发文字号 and, for a 上行文, 签发人."""

    mark: str = ""
    number: str = ""
    signer: str = ""


@dataclass(frozen=True)
class Footer:
    """版记: 抄送机关, 印发机关 and 印发日期."""

    cc: tuple[str, ...] = ()
    printer: str = ""
    printed: dt.date | None = None


@dataclass(frozen=True)
class SummarySettings:
    title: str = "XX镇安全生产专项整治三年行动工作总结"
    date: dt.date = field(default_factory=dt.date.today)
    years: tuple[int, int] | None = None
    kind: str = "工作总结"
    note: str = ""
    title_lines: tuple[str, ...] = ()  # where the title breaks, when docgen.toml gives a list
    header: Header | None = None
    footer: Footer | None = None


@dataclass(frozen=True)
class Paths:
    tallies: Path
    templates: Path
    outputs: Path
    rosters: Mapping[str, Path] = field(default_factory=dict)  # [paths] key → roster file

    def __getattr__(self, name: str) -> Path:
        # settings.paths.units: a roster's [paths] key, as the registry declares it
        rosters = self.__dict__.get("rosters", {})
        if name in rosters:
            return rosters[name]
        raise AttributeError(name)

    def roster(self, path_key: str) -> Path:
        return self.rosters[path_key]


@dataclass(frozen=True)
class Settings:
    root: Path
    issuer: Issuer
    summary: SummarySettings
    paths: Paths
    pdf: bool = False
    source: Path | None = None
    kinds: Registry = field(default_factory=lambda: load_registry(None))
    sections: Mapping[str, KindSettings] = field(default_factory=dict)  # kind key → its section
    expected: tuple[str, ...] = ()  # [tallies] expected: the units that must send a tally (催报)
    pdf_a: bool = False  # [output] pdf_a: PDFs as PDF/A-2b, for archiving

    def of(self, kind_key: str) -> KindSettings:
        """The docgen.toml section of a kind, defaults filled in."""
        return self.sections.get(kind_key, KindSettings())


# --- the schema ----------------------------------------------------------------------------

Check = Callable[[object], bool]


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _is_nonempty_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_bool(value: object) -> bool:
    return isinstance(value, bool)


def _is_date(value: object) -> bool:
    return isinstance(value, dt.date)


def _is_years(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(y, int) and not isinstance(y, bool) for y in value)
        and YEARS[0] <= value[0] <= value[1] <= YEARS[1]
    )


def _is_title(value: object) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, list) and bool(value) and all(_is_nonempty_text(v) for v in value)


def _is_texts(value: object) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


def _is_summary_kind(value: object) -> bool:
    return value in SUMMARY_KINDS


# section → key → (check, example shown when the value is wrong)
_CORE: dict[str, dict[str, tuple[Check, str]]] = {
    "issuer": {
        "name": (_is_nonempty_text, 'name = "XX镇人民政府"'),
        "short_name": (_is_nonempty_text, 'short_name = "XX镇"'),
        "recipient": (_is_nonempty_text, 'recipient = "区应急管理局"'),
        "seal": (_is_bool, "seal = false"),
    },
    "summary": {
        "title": (_is_title, 'title = "XX镇安全生产专项整治三年行动工作总结"'),
        "kind": (_is_summary_kind, 'kind = "工作总结"（或 "报告"）'),
        "date": (_is_date, "date = 2022-12-20（不加引号）"),
        "years": (_is_years, "years = [2020, 2022]（开始年不晚于结束年）"),
        "note": (_is_text, 'note = "（联系人：张三，电话：12345678）"'),
    },
    "summary.header": {
        "mark": (_is_text, 'mark = "XX镇人民政府文件"'),
        "number": (_is_text, 'number = "X府发〔2022〕15号"'),
        "signer": (_is_text, 'signer = "张三"'),
    },
    "summary.footer": {
        "cc": (_is_texts, 'cc = ["区安委会办公室"]'),
        "printer": (_is_text, 'printer = "XX镇党政办公室"'),
        "printed": (_is_date, "printed = 2022-12-21"),
    },
    "paths": {
        "tallies": (_is_nonempty_text, 'tallies = "inputs/tallies"'),
        "templates": (_is_nonempty_text, 'templates = "templates"'),
        "outputs": (_is_nonempty_text, 'outputs = "outputs"'),
    },
    "tallies": {
        "expected": (_is_texts, 'expected = ["青山村", "石门村"]'),
    },
    "output": {
        "pdf": (_is_bool, "pdf = false"),
        "pdf_a": (_is_bool, "pdf_a = false"),
    },
}

_PATH_DEFAULTS = {"tallies": "inputs/tallies", "templates": "templates", "outputs": "outputs"}


def _schema(kinds: Registry) -> dict[str, dict[str, tuple[Check, str]]]:
    schema = {section: dict(keys) for section, keys in _CORE.items()}
    for path_key, default in kinds.roster_paths().items():
        schema["paths"][path_key] = (_is_nonempty_text, f'{path_key} = "{default}"')
    for section, kind in kinds.sections().items():
        keys = schema.setdefault(section, {})
        for setting in kind.settings:
            keys[setting.name] = (_setting_check(setting), setting_example(setting))
    return schema


def _setting_check(setting: Setting) -> Check:
    return lambda value: setting_matches(setting, value)


# --- where a key is written ----------------------------------------------------------------

_TABLE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'.]+)\s*=")


def _line_of(text: str, section: str, key: str | None = None) -> int | None:
    """The line (1-based) where ``key`` is set in ``[section]``, or the section's header."""
    current = ""
    header_line = None
    for number, line in enumerate(text.splitlines(), start=1):
        table = _TABLE.match(line)
        if table:
            current = table.group(1).replace(" ", "").replace('"', "")
            if current == section and header_line is None:
                header_line = number
                if key is None:
                    return number
            continue
        match = _KEY.match(line)
        if not match:
            continue
        name = match.group(1).strip("\"'")
        full = f"{current}.{name}" if current else name
        if key is None:
            if full == section or full.startswith(section + "."):
                return number
        elif full == f"{section}.{key}" or (current == "" and name == f"{section}.{key}"):
            return number
    return header_line


class _Reader:
    """Checks docgen.toml's data against the schema and collects every mistake."""

    def __init__(self, source: Path | None, text: str, schema: dict):
        self.source = source
        self.text = text
        self.schema = schema
        self.errors: list[str] = []

    def where(self, section: str, key: str | None = None) -> str:
        file = display_path(self.source) if self.source else CONFIG_NAME
        line = _line_of(self.text, section, key)
        return _("{file} 第 {line} 行").format(file=file, line=line) if line else file

    def error(self, section: str, key: str | None, message: str) -> None:
        self.errors.append(
            _("{where}：{message}").format(where=self.where(section, key), message=message)
        )

    def check(self, data: dict) -> None:
        """The top level: every table must be a known section (subsections are checked by
        their section)."""
        for section, value in data.items():
            if section not in self.schema:
                known = [s for s in self.schema if "." not in s]
                self.error(
                    section,
                    None,
                    _("不认识的小节 [{section}]{suggestion}").format(
                        section=section, suggestion=suggestion(section, known)
                    ),
                )
            elif not isinstance(value, dict):
                self.error(
                    section,
                    None,
                    _("[{section}] 应是一个小节（表），请参照 docgen init 生成的示例").format(
                        section=section
                    ),
                )
            else:
                self.check_section(section, value)

    def check_section(self, section: str, values: dict) -> None:
        keys = self.schema[section]
        for key, value in values.items():
            full = f"{section}.{key}"
            if full in self.schema:
                if isinstance(value, dict):
                    self.check_section(full, value)
                else:
                    self.error(
                        section,
                        key,
                        _("[{section}] 应是一个小节（表），请参照 docgen init 生成的示例").format(
                            section=full
                        ),
                    )
                continue
            if key not in keys:
                subsections = [
                    s.split(".", 1)[1] for s in self.schema if s.startswith(section + ".")
                ]
                self.error(
                    section,
                    key,
                    _("不认识的设置 {section}.{key}{suggestion}").format(
                        section=section, key=key, suggestion=suggestion(key, [*keys, *subsections])
                    ),
                )
                continue
            check, example = keys[key]
            if not check(value):
                self.error(
                    section,
                    key,
                    _("{section}.{key} 的值不对：应写作 {example}").format(
                        section=section, key=key, example=example
                    ),
                )


# --- loading -------------------------------------------------------------------------------


def _text(value: object, default: str) -> str:
    return value.strip() if isinstance(value, str) and value.strip() else default


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v.strip() for v in re.split(r"[、，,]", value) if v.strip())
    return tuple(v.strip() for v in value or () if v.strip())


def _read(source: Path, explicit: bool) -> tuple[str, dict, Path | None]:
    """docgen.toml's text, its data and the file read (none when there is none to read)."""
    if not source.exists():
        if explicit:
            raise ConfigError(
                _("找不到配置文件 {file}；可用 docgen init 新建一个工作目录").format(
                    file=display_path(source)
                )
            )
        return "", {}, None
    try:
        text = source.read_text(encoding="utf-8-sig")
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ConfigError(
            _("{file} 格式有误：{error}").format(file=display_path(source), error=_toml_error(exc))
        ) from None
    return text, data, source


def _issuer(data: dict) -> Issuer:
    """[issuer], defaults filled in."""
    issuer_data = data.get("issuer", {})
    return Issuer(
        name=_text(issuer_data.get("name"), Issuer.name),
        short_name=_text(issuer_data.get("short_name"), Issuer.short_name),
        recipient=_text(issuer_data.get("recipient"), Issuer.recipient),
        seal=bool(issuer_data.get("seal", False)),
    )


def _header(header_data: Any) -> Header | None:
    """[summary.header], or none when it is not given."""
    if not header_data:
        return None
    return Header(
        mark=str(header_data.get("mark", "")).strip(),
        number=str(header_data.get("number", "")).strip(),
        signer=str(header_data.get("signer", "")).strip(),
    )


def _footer(footer_data: Any) -> Footer | None:
    """[summary.footer], or none when it is not given."""
    if not footer_data:
        return None
    return Footer(
        cc=_texts(footer_data.get("cc")),
        printer=str(footer_data.get("printer", "")).strip(),
        printed=_date(footer_data.get("printed")),
    )


def _summary(data: dict) -> SummarySettings:
    """[summary] with its header and footer; a title given as a list keeps its breaks."""
    summary_data = data.get("summary", {})
    title = summary_data.get("title", SummarySettings.title)
    lines = tuple(line.strip() for line in title) if isinstance(title, list) else ()
    years = summary_data.get("years")
    return SummarySettings(
        title="".join(lines) if lines else str(title).strip(),
        title_lines=lines,
        date=_date(summary_data.get("date")) or dt.date.today(),
        years=(years[0], years[1]) if years else None,
        kind=summary_data.get("kind", "工作总结"),
        note=str(summary_data.get("note", "")).strip(),
        header=_header(summary_data.get("header")),
        footer=_footer(summary_data.get("footer")),
    )


def _paths(data: dict, base: Path, kinds: Registry) -> Paths:
    """[paths]: relative paths are taken from the working folder."""
    paths_data = data.get("paths", {})

    def resolve(value: str) -> Path:
        return Path(value) if Path(value).is_absolute() else base / value

    fixed = {
        key: resolve(_text(paths_data.get(key), default)) for key, default in _PATH_DEFAULTS.items()
    }
    rosters = {
        key: resolve(_text(paths_data.get(key), default))
        for key, default in kinds.roster_paths().items()
    }
    return Paths(**fixed, rosters=rosters)


def _sections(data: dict, kinds: Registry) -> dict[str, KindSettings]:
    """Each kind's section, by kind key, defaults filled in."""
    sections = {}
    for section, kind in kinds.sections().items():
        given = data.get(section, {})
        sections[kind.key] = KindSettings(
            {
                s.name: _date(given[s.name])
                if s.type == "date" and s.name in given
                else given.get(s.name, s.default)
                for s in kind.settings
            }
        )
    return sections


def load(path: str | Path | None = None, root: str | Path | None = None) -> Settings:
    """Read docgen.toml (or the defaults when there is none and no path was asked for)."""
    explicit = path is not None
    source = Path(path) if path is not None else Path(root or ".") / CONFIG_NAME
    base = source.parent if explicit else Path(root or ".")
    text, data, source_used = _read(source, explicit)

    kinds = load_registry(base)
    reader = _Reader(source_used, text, _schema(kinds))
    reader.check(data)
    if reader.errors:
        raise ConfigError("\n".join(reader.errors) if len(reader.errors) > 1 else reader.errors[0])

    return Settings(
        root=base,
        issuer=_issuer(data),
        summary=_summary(data),
        paths=_paths(data, base, kinds),
        pdf=bool(data.get("output", {}).get("pdf", False)),
        source=source_used,
        kinds=kinds,
        sections=_sections(data, kinds),
        expected=_texts(data.get("tallies", {}).get("expected")),
        pdf_a=bool(data.get("output", {}).get("pdf_a", False)),
    )


def _toml_error(exc: Exception) -> str:
    """tomllib's message in the secretary's words where we know it."""
    text = str(exc)
    match = re.search(r"\(at line (\d+), column (\d+)\)", text)
    if match:
        return _(
            "第 {line} 行第 {column} 列写法不对（文字要加英文双引号，日期写作 2022-12-20，"
            "列表写作 [1, 2]）"
        ).format(line=match.group(1), column=match.group(2))
    if isinstance(exc, UnicodeDecodeError):
        return _("文件不是 UTF-8 编码，请用记事本另存为 UTF-8")
    if isinstance(exc, RecursionError):
        return _("方括号 [ ] 或花括号 { } 套得太深（多写了 [ 或 {？），请检查并改正")
    return text
