"""The settings form ⇄ docgen.toml, through tomlkit so the file keeps its comments and order.

The form is generated from the declarations that check docgen.toml: ``docgen.config``'s schema
for the core sections and each kind's ``[settings]`` in its kind.toml (a workspace kind's keys
included), so a key docgen reads is a field the page shows.  After writing, the file is read
back with ``docgen.config.load``; when that refuses it, the old file is put back and the
refusal is the answer.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import tomlkit

from docgen import config as config_module
from docgen.config import SUMMARY_KINDS
from docgen.errors import ConfigError, DocgenError
from docgen.i18n import _
from docgen.kinds.registry import Registry, Setting
from docgen.output.files import write_bytes_atomic

# the sections a secretary sets on the page ([paths] and [output] are the page's own business)
CORE_SECTIONS = ("issuer", "summary", "summary.header", "summary.footer", "tallies")
OPTIONAL_TABLES = ("summary.header", "summary.footer")
# an enabled 版头 / 版记 prints nothing useful without these
REQUIRED_WHEN_ON = {
    "summary.header": ("mark", "number"),
    "summary.footer": ("printer", "printed"),
}
YEARS = (1949, 2100)
MAX_INTEGER = 1000
MAX_TEXT = 500
# the form's type of each check the schema declares
_TYPES: dict[Any, tuple[str, bool]] = {
    config_module._is_nonempty_text: ("text", True),
    config_module._is_text: ("text", False),
    config_module._is_bool: ("bool", False),
    config_module._is_date: ("date", False),
    config_module._is_years: ("years", False),
    config_module._is_title: ("lines", True),
    config_module._is_texts: ("list", False),
    config_module._is_summary_kind: ("choice", True),
}
_SETTING_TYPES: dict[str, str] = {
    "text": "text",
    "integer": "integer",
    "boolean": "bool",
    "date": "date",
    "choice": "choice",
    "texts": "list",
}
# 发文字号: 〔2022〕 whatever bracket was typed around the year
_YEAR_BRACKETS = re.compile(r"[\[【［(（〈<{｛]\s*((?:19|20)\d\d)\s*[\]】］)）〉>}｝]")


class SettingsError(DocgenError):
    """Raised when a value in the form cannot be written; names the field."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Field:
    """One field of the form: ``section.key`` of docgen.toml."""

    section: str
    key: str
    type: str  # text, lines, bool, date, years, list, choice, integer
    label: str
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    group: str = ""  # the fieldset's title

    @property
    def name(self) -> str:
        return f"{self.section}.{self.key}"


def _labels() -> dict[str, str]:
    return {
        "issuer": _("发文机关"),
        "issuer.name": _("发文机关署名"),
        "issuer.short_name": _("简称"),
        "issuer.recipient": _("主送机关"),
        "issuer.seal": _("加盖印章（印章版式）"),
        "summary": _("工作总结"),
        "summary.title": _("标题（可分行，每行一行标题）"),
        "summary.kind": _("文种"),
        "summary.date": _("成文日期"),
        "summary.years": _("起止年度"),
        "summary.note": _("附注"),
        "summary.header": _("版头（红头，可选）"),
        "summary.header.mark": _("发文机关标志"),
        "summary.header.number": _("发文字号"),
        "summary.header.signer": _("签发人"),
        "summary.footer": _("版记（可选）"),
        "summary.footer.cc": _("抄送机关（每行一个）"),
        "summary.footer.printer": _("印发机关"),
        "summary.footer.printed": _("印发日期"),
        "tallies": _("催报"),
        "tallies.expected": _("须报送统计表的单位（每行一个）"),
    }


def _helps() -> dict[str, str]:
    return {
        "summary.note": _("如：（联系人：张三，电话：12345678）；不需要时留空"),
        "summary.header.number": _("如 X府发〔2022〕15号；[2022]、【2022】会改为〔2022〕"),
        "tallies.expected": _("填写后，页面会列出还没有交回统计表的单位，可一键复制发到工作群"),
    }


# Comments for keys the form adds to a file that lacks them (the file's own comments stay).
COMMENTS = {
    "issuer.seal": "true：加盖印章的版式；false：不加盖印章",
    "summary.kind": "文种：工作总结 或 报告",
    "summary.years": "起止年度，写作 [开始年, 结束年]",
    "summary.note": "附注，如（联系人：张三，电话：12345678）；不要时删去",
    "summary.header.mark": "发文机关标志（红色）",
    "summary.header.number": "发文字号，如 X府发〔2022〕15号",
    "summary.header.signer": "签发人（上行文）",
    "summary.footer.cc": "抄送机关",
    "summary.footer.printer": "印发机关",
    "summary.footer.printed": "印发日期",
    "tallies.expected": "须报送统计表的单位（催报名单据此生成）",
}


def _short(comment: str, fallback: str) -> str:
    """A field's label from a kind.toml comment: its first clause."""
    head = re.split(r"[，,；;：:]", comment, maxsplit=1)[0].strip()
    return head or fallback


def fields(kinds: Registry) -> list[Field]:
    """Every field of the form, in the order of docgen.toml."""
    schema = config_module._schema(kinds)
    labels, helps = _labels(), _helps()
    found = []
    for section in CORE_SECTIONS:
        for key, (check, _example) in schema[section].items():
            name = f"{section}.{key}"
            form_type, required = _TYPES.get(check, ("text", False))
            found.append(
                Field(
                    section,
                    key,
                    form_type,
                    labels.get(name, key),
                    required=required,
                    choices=SUMMARY_KINDS if form_type == "choice" else (),
                    help=helps.get(name, ""),
                    group=labels.get(section, section),
                )
            )
    for kind_section, owner in kinds.sections().items():
        for setting in owner.settings:
            found.append(_kind_field(kind_section, setting, owner.label))
    return found


def _kind_field(section: str, setting: Setting, group: str) -> Field:
    return Field(
        section,
        setting.name,
        _SETTING_TYPES.get(setting.type, "text"),
        _short(setting.comment, setting.name),
        required=setting.type in ("integer", "choice"),
        choices=setting.choices,
        help=setting.comment[len(_short(setting.comment, "")) :].lstrip("，,；;：: "),
        group=group,
    )


def _table(doc, dotted: str, create: bool, created: list | None = None):
    node = doc
    for part in dotted.split("."):
        if part not in node:
            if not create:
                return None
            node[part] = tomlkit.table()
            if created is not None:
                created.append(node[part])
        node = node[part]
    return node


def _parse(config: Path):
    if not config.exists():
        return tomlkit.document()
    try:
        return tomlkit.parse(config.read_text(encoding="utf-8-sig"))
    except Exception as exc:  # tomlkit's own parse errors; load() names the line
        try:
            config_module.load(config)
        except ConfigError as named:
            raise named from None
        raise ConfigError(str(exc)) from None


def read(config: Path, kinds: Registry) -> dict:
    """The form's values: {"issuer.name": …, "summary.header": bool, …} (dates as ISO text,
    lists one item a line)."""
    doc = _parse(config)
    values: dict = {}
    for f in fields(kinds):
        node = _table(doc, f.section, create=False)
        value = node.get(f.key) if node is not None and hasattr(node, "get") else None
        value = value.unwrap() if value is not None and hasattr(value, "unwrap") else value
        if f.type == "date" and isinstance(value, dt.date):
            value = value.isoformat()[:10]
        elif f.type in ("lines", "list") and isinstance(value, list):
            value = "\n".join(str(v) for v in value)
        elif f.type == "years" and isinstance(value, list):
            value = [str(v) for v in value]
        elif f.type == "bool":
            value = bool(value)
        elif f.type == "integer" and value is None:
            value = _default(kinds, f)
        elif f.type == "choice" and value is None:
            value = _default(kinds, f) or (f.choices[0] if f.choices else "")
        values[f.name] = "" if value is None else value
    for table in OPTIONAL_TABLES:
        values[table] = _table(doc, table, create=False) is not None
    return values


def _default(kinds: Registry, f: Field):
    kind = kinds.sections().get(f.section)
    setting = next((s for s in kind.settings if s.name == f.key), None) if kind else None
    return setting.default if setting else None


def form(config: Path, kinds: Registry) -> list[dict]:
    """The form as the page's HTML renders it: fieldsets of fields with their values."""
    values = read(config, kinds)
    groups: dict[str, dict] = {}
    for f in fields(kinds):
        group = groups.setdefault(
            f.section,
            {
                "section": f.section,
                "title": f.group,
                "optional": f.section in OPTIONAL_TABLES,
                "on": values.get(f.section, True),
                "fields": [],
            },
        )
        group["fields"].append({**asdict(f), "name": f.name, "value": values[f.name]})
    return list(groups.values())


def _text(f: Field, raw) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, (str, int)) or isinstance(raw, bool):
        raise SettingsError(_("{field} 应是文字").format(field=f.label), f.name)
    text = str(raw).strip()
    if len(text) > MAX_TEXT:
        raise SettingsError(
            _("{field} 太长（超过 {n} 个字）").format(field=f.label, n=MAX_TEXT), f.name
        )
    return text


def _items(f: Field, raw) -> list[str]:
    if isinstance(raw, list):
        parts = [_text(f, v) for v in raw]
    else:
        parts = re.split(r"[\n、，,；;]", _text(f, raw))
    return [p.strip() for p in parts if p.strip()]


def _years(f: Field, raw) -> list[int] | None:
    parts = [str(p).strip() for p in (raw or []) if str(p).strip()]
    if not parts:
        return None
    try:
        years = [int(p) for p in parts]
    except ValueError:
        years = []
    if len(years) != 2 or not all(YEARS[0] <= y <= YEARS[1] for y in years):
        raise SettingsError(_("起止年度应是两个年份，例如 2020 和 2022"), f.name)
    if years[0] > years[1]:
        raise SettingsError(_("起止年度的开始年不能晚于结束年"), f.name)
    return years


def _integer(f: Field, raw) -> int | None:
    text = "" if raw is None or isinstance(raw, bool) else str(raw).strip()
    if not text and not isinstance(raw, bool):
        return None  # left empty: "不能为空" when the key must have a value
    try:
        number = int(text)
    except ValueError:
        raise SettingsError(_("{field} 应是整数").format(field=f.label), f.name) from None
    if not 1 <= number <= MAX_INTEGER:
        raise SettingsError(
            _("{field} 应在 1 到 {max} 之间").format(field=f.label, max=MAX_INTEGER), f.name
        )
    return number


def _date(f: Field, text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text) if "-" in text else None  # 2022-12-20, not 20221220
    except ValueError:
        day = None
    if day is None or not YEARS[0] <= day.year <= YEARS[1]:
        raise SettingsError(_("{field} 应是日期，例如 2022-12-20").format(field=f.label), f.name)
    return day


def _is_number_text(value) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


# the JSON types a field's value may have: anything else is refused, never converted
_JSON_TYPES: dict[str, Callable[[object], bool]] = {
    "bool": lambda v: isinstance(v, bool),
    "years": lambda v: v is None or (isinstance(v, list) and all(map(_is_number_text, v))),
    "integer": lambda v: v is None or _is_number_text(v),
    "list": lambda v: (
        v is None
        or isinstance(v, str)
        or (isinstance(v, list) and all(isinstance(i, str) for i in v))
    ),
}


def _check_type(f: Field, raw) -> None:
    if not _JSON_TYPES.get(f.type, lambda v: v is None or isinstance(v, str))(raw):
        raise SettingsError(
            _("{field}（{key}）的值类型不对：{value}").format(
                field=f.label, key=f.name, value=json.dumps(raw, ensure_ascii=False)[:40]
            ),
            f.name,
        )


def _convert(f: Field, raw):
    """A form value as the TOML value; None leaves the key out."""
    if f.type == "bool":
        if not isinstance(raw, bool):
            raise SettingsError(
                _("{field} 应是 true 或 false（不加引号）").format(field=f.label), f.name
            )
        return raw
    if f.type == "years":
        return _years(f, raw)
    if f.type == "integer":
        return _integer(f, raw)
    if f.type == "list":
        return _items(f, raw) or None
    text = _text(f, raw)
    if not text:
        return None
    if f.type == "date":
        return _date(f, text)
    if f.type == "lines":
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines[0] if len(lines) == 1 else lines
    if f.type == "choice" and text not in f.choices:
        raise SettingsError(
            _("{field} 应是以下之一：{choices}").format(
                field=f.label, choices="、".join(f.choices)
            ),
            f.name,
        )
    if f.name == "summary.header.number":
        text = _YEAR_BRACKETS.sub(r"〔\1〕", text)
    return text


def write(config: Path, form: dict, kinds: Registry) -> None:
    """Write the form's values into docgen.toml, keeping everything else; check it with
    ``docgen.config.load`` and put the old file back when it is refused (ConfigError)."""
    old = config.read_bytes() if config.exists() else None
    doc = _parse(config)
    for f in fields(kinds):  # every value of the wrong JSON type is refused before anything else
        if f.name in form:
            _check_type(f, form[f.name])
    for table in OPTIONAL_TABLES:
        _switch_table(doc, form, table)
    created: list = []
    for f in fields(kinds):
        if f.section in OPTIONAL_TABLES and not form.get(f.section):
            continue
        if f.name in form:
            _put_value(doc, f, _convert(f, form[f.name]), kinds, created)
    for table in created:
        table.add(tomlkit.nl())  # a blank line before the next table, as in the rest of the file
    _save_checked(config, tomlkit.dumps(doc), old)


def _switch_table(doc, form: dict, table: str) -> None:
    """An optional table (版头, 版记) ticked on: its required values are there; ticked off:
    it is taken out of the file."""
    on = form.get(table)
    if on is not None and not isinstance(on, bool):
        raise SettingsError(_("{field} 应是 true 或 false").format(field=table), table)
    if on:
        for key in REQUIRED_WHEN_ON[table]:
            if not str(form.get(f"{table}.{key}") or "").strip():
                label = _labels()[f"{table}.{key}"]
                raise SettingsError(
                    _("已勾选“{part}”，{field}不能为空；不需要时请取消勾选").format(
                        part=_labels()[table], field=label
                    ),
                    f"{table}.{key}",
                )
    elif on is False:
        parent, _dot, name = table.rpartition(".")
        node = _table(doc, parent, create=False)
        if node is not None and name in node:
            del node[name]


def _put_value(doc, f: Field, value, kinds: Registry, created: list) -> None:
    """One field's converted value into its table: replaced in place (keeping the comment
    after it), added with its comment, or removed when emptied."""
    node = _table(doc, f.section, create=value is not None, created=created)
    if node is None:
        return
    if value is None:
        if f.required:
            raise SettingsError(_("{field} 不能为空").format(field=f.label), f.name)
        if f.key in node:
            del node[f.key]
        return
    if f.key in node:
        node[f.key] = value  # tomlkit keeps the comment after the old value
    else:
        item = tomlkit.item(value)
        comment = COMMENTS.get(f.name) or _kind_comment(kinds, f)
        if comment:
            item.comment(comment)
        node[f.key] = item


def _save_checked(config: Path, text: str, old: bytes | None) -> None:
    """Write docgen.toml and read it back; when ``load`` refuses it the old file (or none)
    is put back."""
    from docgen.config import load

    write_bytes_atomic(config, text.encode("utf-8"))
    try:
        load(config)
    except ConfigError as exc:
        if old is None:
            config.unlink(missing_ok=True)
        else:
            write_bytes_atomic(config, old)
        raise SettingsError(_("设置未保存：{message}").format(message=exc)) from None


def _kind_comment(kinds: Registry, f: Field) -> str:
    kind = kinds.sections().get(f.section)
    setting = next((s for s in kind.settings if s.name == f.key), None) if kind else None
    return setting.comment if setting else ""
