"""docgen.toml → typed settings (keys in English, comments in Chinese)."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from docgen.errors import ConfigError, display_path
from docgen.i18n import _

CONFIG_NAME = "docgen.toml"


@dataclass(frozen=True)
class Issuer:
    name: str = "XX镇人民政府"
    short_name: str = "XX镇"
    recipient: str = "区应急管理局"


@dataclass(frozen=True)
class SummarySettings:
    title: str = "XX镇安全生产专项整治三年行动工作总结"
    date: dt.date = field(default_factory=dt.date.today)
    years: tuple[int, int] | None = None


@dataclass(frozen=True)
class Paths:
    tallies: Path
    units: Path
    hazards: Path
    students: Path
    templates: Path
    outputs: Path


@dataclass(frozen=True)
class Settings:
    root: Path
    issuer: Issuer
    summary: SummarySettings
    paths: Paths
    pdf: bool = False
    source: Path | None = None


_PATH_DEFAULTS = {
    "tallies": "inputs/tallies",
    "units": "inputs/units.xlsx",
    "hazards": "inputs/hazards.xlsx",
    "students": "inputs/students.xlsx",
    "templates": "templates",
    "outputs": "outputs",
}


def _section(data: dict, name: str, source: Path) -> dict:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(
            _("{file}：[{name}] 应是一个小节（表），请参照 docgen init 生成的示例").format(
                file=display_path(source), name=name
            )
        )
    return value


def _text(section: dict, key: str, default: str, where: str, source: Path) -> str:
    value = section.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(
            _("{file}：{where}.{key} 应是一段文字，例如 {key} = \"{default}\"").format(
                file=display_path(source), where=where, key=key, default=default
            )
        )
    return value.strip()


def load(path: str | Path | None = None, root: str | Path | None = None) -> Settings:
    """Read docgen.toml (or the defaults when there is none and no path was asked for)."""
    explicit = path is not None
    source = Path(path) if explicit else Path(root or ".") / CONFIG_NAME
    base = source.parent if explicit else Path(root or ".")
    if not source.exists():
        if explicit:
            raise ConfigError(
                _("找不到配置文件 {file}；可用 docgen init 新建一个工作目录").format(
                    file=display_path(source)
                )
            )
        data: dict = {}
        source_used = None
    else:
        try:
            data = tomllib.loads(source.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(
                _("{file} 格式有误：{error}").format(file=display_path(source), error=exc)
            ) from None
        source_used = source

    where = source
    issuer_data = _section(data, "issuer", where)
    issuer = Issuer(
        name=_text(issuer_data, "name", Issuer.name, "issuer", where),
        short_name=_text(issuer_data, "short_name", Issuer.short_name, "issuer", where),
        recipient=_text(issuer_data, "recipient", Issuer.recipient, "issuer", where),
    )

    summary_data = _section(data, "summary", where)
    date = summary_data.get("date", dt.date.today())
    if isinstance(date, dt.datetime):
        date = date.date()
    if not isinstance(date, dt.date):
        raise ConfigError(
            _("{file}：summary.date 应是日期，写作 date = 2022-12-20（不加引号）").format(
                file=display_path(where)
            )
        )
    years = summary_data.get("years")
    if years is not None:
        if (
            not isinstance(years, list)
            or len(years) != 2
            or not all(isinstance(y, int) for y in years)
            or years[0] > years[1]
        ):
            raise ConfigError(
                _("{file}：summary.years 应写作 years = [2020, 2022]（起止年度）").format(
                    file=display_path(where)
                )
            )
        years = (years[0], years[1])
    summary = SummarySettings(
        title=_text(summary_data, "title", SummarySettings.title, "summary", where),
        date=date,
        years=years,
    )

    paths_data = _section(data, "paths", where)
    resolved = {}
    for key, default in _PATH_DEFAULTS.items():
        value = _text(paths_data, key, default, "paths", where)
        resolved[key] = (base / value) if not Path(value).is_absolute() else Path(value)

    output_data = _section(data, "output", where)
    pdf = output_data.get("pdf", False)
    if not isinstance(pdf, bool):
        raise ConfigError(
            _("{file}：output.pdf 应是 true 或 false").format(file=display_path(where))
        )
    return Settings(
        root=base,
        issuer=issuer,
        summary=summary,
        paths=Paths(**resolved),
        pdf=pdf,
        source=source_used,
    )
