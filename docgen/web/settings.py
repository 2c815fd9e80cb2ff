"""The settings form ⇄ docgen.toml, through tomlkit so the file keeps its comments and order.

After writing, the file is read back with ``docgen.config.load``; when that refuses it, the
old file is put back and the refusal is the answer.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import tomlkit

from docgen.config import SUMMARY_KINDS
from docgen.errors import ConfigError, DocgenError
from docgen.i18n import _
from docgen.output.files import write_bytes_atomic

# (table, key, type); the form's field is named "table.key"
FIELDS = [
    ("issuer", "name", "text"),
    ("issuer", "short_name", "text"),
    ("issuer", "recipient", "text"),
    ("issuer", "seal", "bool"),
    ("summary", "title", "lines"),
    ("summary", "kind", "text"),
    ("summary", "date", "date"),
    ("summary", "years", "years"),
    ("summary", "note", "text"),
    ("summary.header", "mark", "text"),
    ("summary.header", "number", "text"),
    ("summary.header", "signer", "text"),
    ("summary.footer", "cc", "list"),
    ("summary.footer", "printer", "text"),
    ("summary.footer", "printed", "date"),
]
OPTIONAL_TABLES = ("summary.header", "summary.footer")
# keys that must have a value; the others are left out of the file when empty
REQUIRED = {"issuer.name", "issuer.short_name", "issuer.recipient", "summary.title", "summary.date"}
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
}


class SettingsError(DocgenError):
    """Raised when a value in the form cannot be written; names the field."""


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


def _parse(text: str, config: Path):
    """docgen.toml through tomlkit; a broken file is a ConfigError saying where (never a 500)."""
    try:
        return tomlkit.parse(text)
    except (ValueError, RecursionError):  # tomlkit's ParseError is a ValueError
        from docgen.config import load

        load(config)  # says what is wrong and where, as a ConfigError
        raise ConfigError(_("{file} 格式有误").format(file=config.name)) from None


def read(config: Path) -> dict:
    """The form's values: {"issuer.name": …, "summary.header": bool, …} (dates as ISO text)."""
    doc = _parse(config.read_text(encoding="utf-8-sig"), config) if config.exists() else None
    doc = doc if doc is not None else tomlkit.document()
    values: dict = {}
    for table, key, kind in FIELDS:
        node = _table(doc, table, create=False)
        value = node.get(key) if node is not None else None
        value = value.unwrap() if value is not None and hasattr(value, "unwrap") else value
        if kind == "date" and isinstance(value, dt.date):
            value = value.isoformat()[:10]
        elif kind == "lines" and isinstance(value, list):
            value = "\n".join(value)
        elif kind in ("list", "years") and isinstance(value, list):
            value = "、".join(str(v) for v in value) if kind == "list" else [str(v) for v in value]
        elif kind == "bool":
            value = bool(value)
        values[f"{table}.{key}"] = "" if value is None else value
    for table in OPTIONAL_TABLES:
        values[table] = _table(doc, table, create=False) is not None
    return values


# the JSON types a field's value may have (anything else is refused, not converted)
_TYPES: dict[str, tuple[type, ...]] = {
    "bool": (bool,),
    "years": (list, type(None)),
    "list": (str, list, type(None)),
}


def _convert(name: str, kind: str, raw):
    """A form value as the TOML value; None leaves the key out."""
    types = _TYPES.get(kind, (str, type(None)))
    items: list = raw if isinstance(raw, list) else []
    if not isinstance(raw, types) or not all(
        isinstance(i, (str, int)) and not isinstance(i, bool) for i in items
    ):
        shown = {"bool": "true / false", "years": '["2020", "2022"]', "list": '"…"'}
        raise SettingsError(
            _("{field} 的值类型不对，应写作：{expected}").format(
                field=name, expected=shown.get(kind, '"…"')
            )
        )
    if kind == "bool":
        return raw
    if kind == "years":
        parts = [str(p).strip() for p in items if str(p).strip()]
        if not parts:
            return None
        try:
            years = [int(p) for p in parts]
        except ValueError:
            raise SettingsError(_("起止年度应是两个年份，例如 2020 和 2022")) from None
        if len(years) != 2:
            raise SettingsError(_("起止年度应是两个年份，例如 2020 和 2022"))
        return years
    text = str(raw or "").strip()
    if not text:
        return None
    if kind == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise SettingsError(_("{field} 应是日期，例如 2022-12-20").format(field=name)) from None
    if kind == "lines":
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines[0] if len(lines) == 1 else lines
    if kind == "list":
        items = [i.strip() for i in text.replace("，", "、").replace(",", "、").split("、")]
        return [i for i in items if i]
    if name == "summary.kind" and text not in SUMMARY_KINDS:
        raise SettingsError(_("文种应是“工作总结”或“报告”"))
    return text


def write(config: Path, form: dict) -> None:
    """Write the form's values into docgen.toml, keeping everything else; check it with
    ``docgen.config.load`` and put the old file back when it is refused (ConfigError)."""
    from docgen.config import load

    old = config.read_bytes() if config.exists() else None
    doc = _parse(old.decode("utf-8-sig"), config) if old is not None else tomlkit.document()
    for table in OPTIONAL_TABLES:
        if not form.get(table):
            parent, _dot, name = table.rpartition(".")
            node = _table(doc, parent, create=False)
            if node is not None and name in node:
                del node[name]
    created: list = []
    for table, key, kind in FIELDS:
        name = f"{table}.{key}"
        if table in OPTIONAL_TABLES and not form.get(table):
            continue
        if name not in form:
            continue
        value = _convert(name, kind, form[name])
        node = _table(doc, table, create=value is not None, created=created)
        if node is None:
            continue
        if value is None:
            if name in REQUIRED:
                raise SettingsError(_("{field} 不能为空").format(field=name))
            if key in node:
                del node[key]
            continue
        if key in node:
            node[key] = value  # tomlkit keeps the comment after the old value
        else:
            item = tomlkit.item(value)
            if name in COMMENTS:
                item.comment(COMMENTS[name])
            node[key] = item
    for table in created:
        table.add(tomlkit.nl())  # a blank line before the next table, as in the rest of the file
    text = tomlkit.dumps(doc)
    write_bytes_atomic(config, text.encode("utf-8"))
    try:
        load(config)
    except ConfigError as exc:
        if old is None:
            config.unlink(missing_ok=True)
        else:
            write_bytes_atomic(config, old)
        raise SettingsError(_("设置未保存：{message}").format(message=exc)) from None
