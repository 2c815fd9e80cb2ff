"""The built-in batch document kinds: template, roster, output folder, file names, context."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from docgen.builtin import TEMPLATES
from docgen.config import Settings
from docgen.filters import date as format_date
from docgen.vocabulary import sector_of

BLANK_DATE = "　　　　年　　月　　日"
# Printed when the roster leaves 预警信号 empty: the signal most villages use.
DEFAULT_WARNING_SIGNAL = "敲锣、吹哨或广播喊话"


@dataclass(frozen=True)
class DocumentKind:
    """One built-in batch: which template, which roster, where the files go and their names.

    ``key`` names the template (``builtin.TEMPLATES``) and the roster kind
    (``vocabulary.ROSTER_COLUMNS``) alike.
    """

    key: str
    folder: str  # output folder, e.g. 安全生产责任书
    name_pattern: str  # e.g. {单位名称}-安全生产责任书
    context: Callable[[Mapping, Settings], dict]

    @property
    def template(self) -> str:
        """The template's file name in templates/."""
        return TEMPLATES[self.key]

    @property
    def roster(self) -> str:
        return self.key


def _plain(value: object) -> object:
    """Empty cells become "" (never "None" in a document); text is stripped."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return value


def _record(record: Mapping) -> dict:
    return {str(key): _plain(value) for key, value in record.items()}


def _date_text(value: object) -> str:
    """A date cell as ``2022年3月1日``; text that is not a date is kept as written."""
    if value in (None, ""):
        return ""
    try:
        return format_date(value)
    except TypeError:
        return str(value).strip()


def _period_end(settings: Settings) -> dt.date:
    if settings.summary.years:
        return dt.date(settings.summary.years[1], 12, 31)
    return dt.date(settings.summary.date.year, 12, 31)


def agreement_context(record: Mapping, settings: Settings) -> dict:
    """A 责任单位 row plus 领域 (the canonical sector of 行业领域, "" if none or unknown),
    甲方, 签订日期 (formatted, or a blank line to fill in) and 有效期至."""
    context = _record(record)
    context["领域"] = sector_of(context.get("行业领域", "")) or ""
    context["甲方"] = settings.issuer.name
    context["发文机关"] = settings.issuer.name
    context["签订日期"] = _date_text(context.get("签订日期")) or BLANK_DATE
    context["有效期至"] = format_date(_period_end(settings))
    return context


def _count(value: object) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def notice_context(record: Mapping, settings: Settings) -> dict:
    """A 隐患点 row plus 威胁对象 (``12户45人``), a default 预警信号, 发文机关 and 告知日期."""
    context = _record(record)
    households, people = _count(context.get("威胁户数")), _count(context.get("威胁人数"))
    parts = []
    if households:
        parts.append(f"{households}户")
    if people:
        parts.append(f"{people}人")
    context["威胁对象"] = "".join(parts) or "—"
    context.setdefault("威胁户数", "")
    context.setdefault("威胁人数", "")
    if not context.get("预警信号"):
        context["预警信号"] = DEFAULT_WARNING_SIGNAL
    context["发文机关"] = settings.issuer.name
    context["告知日期"] = format_date(settings.summary.date)
    return context


def letter_context(record: Mapping, settings: Settings) -> dict:
    """A 学生名册 row (联系电话 may be empty: the parent writes it in)."""
    context = _record(record)
    context.setdefault("联系电话", "")
    context["发文机关"] = settings.issuer.name
    return context


KINDS: dict[str, DocumentKind] = {
    kind.key: kind
    for kind in (
        DocumentKind("agreements", "安全生产责任书", "{单位名称}-安全生产责任书", agreement_context),
        DocumentKind("notices", "安全告知书", "{隐患点名称}-安全告知书", notice_context),
        DocumentKind("letters", "安全承诺书", "{学校}-{班级}-{学生姓名}-安全承诺书", letter_context),
    )
}


def kind_of_template(path) -> str | None:
    """The built-in kind a template file is (by its name: 安全承诺书.docx → letters), if any."""
    name = Path(path).name
    return next((kind for kind, file in TEMPLATES.items() if file == name), None)


def supplied_variables(template_path, columns: list[str], first_record: Mapping | None,
                       settings: Settings) -> set[str]:
    """Every variable a template will be given: the roster's columns, plus what docgen adds
    for a built-in kind (甲方, 领域, 告知日期 …).  The summary is filled from the tallies."""
    kind = kind_of_template(template_path)
    if kind == "summary":
        from docgen.summary import RosterCounts, summary_context
        from docgen.tallies import consolidate

        return set(summary_context(settings, consolidate([]), RosterCounts()))
    supplied = set(columns)
    if kind in KINDS:
        record = dict(first_record) if first_record else dict.fromkeys(columns, "")
        supplied |= set(KINDS[kind].context(record, settings))
    return supplied
