"""What docgen adds to a record before a kind's template is filled: the registered context
functions a kind's manifest names (``context = "agreements"``).

A kind without one gets its roster row as it is, plus the issuer (发文机关, 甲方) and the dates
of docgen.toml; a function may add what the wording needs (领域, 有效期至, 威胁对象 …).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.config import Settings
from docgen.errors import WARNING, Problem, display_path
from docgen.gongwen import official, tables
from docgen.i18n import _
from docgen.kinds.registry import CONTEXTS, Kind, registry
from docgen.render.filters import date as format_date
from docgen.vocabulary import hazard_group, parse_date, sector_of, unit_type_of

if TYPE_CHECKING:
    from docgen.inputs.rosters import Roster
    from docgen.render.compile import CompiledTemplate, Finish

BLANK_DATE = "　　　　年　　月　　日"
# Printed when the roster leaves 预警信号 empty: the signal most villages use.
DEFAULT_WARNING_SIGNAL = "敲锣、吹哨或广播喊话"

RecordContext = Callable[[Mapping, Settings], dict]
RosterCheck = Callable[["Roster", Settings], list[Problem]]
_CONTEXTS: dict[str, RecordContext] = {}
_ROSTER_CHECKS: dict[str, RosterCheck] = {}


def context_function(name: str) -> Callable[[RecordContext], RecordContext]:
    """Register a record's context builder under the name a manifest gives in ``context``
    (declared in the registry's ``CONTEXTS``, which manifests are checked against)."""
    if name not in CONTEXTS["batch"]:
        raise ValueError(f"context {name!r} is not declared in docgen.kinds.registry.CONTEXTS")

    def register(func: RecordContext) -> RecordContext:
        _CONTEXTS[name] = func
        return func

    return register


def roster_check(name: str) -> Callable[[RosterCheck], RosterCheck]:
    """Register what a kind's roster is checked for beyond its columns, given the settings
    (a notice needs a duty phone from the roster or from docgen.toml)."""

    def register(func: RosterCheck) -> RosterCheck:
        _ROSTER_CHECKS[name] = func
        return func

    return register


def check_with_settings(kind: Kind, roster: Roster, settings: Settings) -> list[Problem]:
    """The warnings of ``roster`` that need the settings to tell (none for most kinds)."""
    func = _ROSTER_CHECKS.get(kind.context)
    return func(roster, settings) if func is not None else []


def settings_warnings(settings: Settings, paths: list[Path]) -> list[Problem]:
    """``docgen check``: the settings-dependent warnings of the configured rosters among
    ``paths`` (only kinds that register such a check are read again)."""
    from docgen.errors import DataError
    from docgen.inputs.rosters import read_roster

    given = {Path(p).resolve() for p in paths}
    problems: list[Problem] = []
    for kind in settings.kinds.batches:
        if kind.context not in _ROSTER_CHECKS or kind.roster is None:
            continue
        path = settings.paths.roster(kind.roster.path_key)
        if path.resolve() not in given or not path.is_file():
            continue
        try:
            roster = read_roster(path, kind=kind)
        except DataError:
            continue  # its errors are reported by the check itself
        problems += check_with_settings(kind, roster, settings)
    return problems


def plain(value: object) -> object:
    """Empty cells become "" (never "None" in a document); text is stripped."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return value


def base_context(record: Mapping, settings: Settings) -> dict:
    """Every kind's record: its columns, the issuer and the summary's 成文日期."""
    context = {str(key): plain(value) for key, value in record.items()}
    context.setdefault("发文机关", settings.issuer.name)
    context.setdefault("简称", settings.issuer.short_name)
    context.setdefault("成文日期", settings.summary.date)
    context[official.SEALED_KEY] = settings.issuer.seal
    return context


def record_context(kind: Kind, record: Mapping, settings: Settings) -> dict:
    """The context one record of ``kind`` is rendered with."""
    context = base_context(record, settings)
    if kind.roster:
        # an optional column a roster leaves out prints empty (required ones are enforced)
        for column in kind.roster.columns:
            if not column.required:
                context.setdefault(column.name, "")
    func = _CONTEXTS.get(kind.context)
    if func is not None:
        context.update(func(context, settings))
    return context


def _date_text(value: object) -> str:
    """A date cell as ``2022年3月1日``; text that is not a date is kept as written."""
    if value in (None, ""):
        return ""
    try:
        return format_date(value)
    except TypeError:
        return str(value).strip()


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@context_function("agreements")
def agreement_context(record: Mapping, settings: Settings) -> dict:
    """A 责任单位 row plus 领域 (the canonical sector of 行业领域), 单位类型 (declared, or told by
    the unit's name), 甲方, 签订日期 (formatted, or a blank line to fill in) and 有效期至 —
    the term runs from the signing date (``[agreements] term`` years)."""
    context = dict(record)
    context["领域"] = sector_of(context.get("行业领域", "")) or ""
    context["单位类型"] = unit_type_of(context.get("单位名称", ""), context.get("单位类型", ""))
    context["甲方"] = settings.issuer.name
    term = int(settings.of("agreements").get("term", 1) or 1)
    context["有效期"] = term
    signed = parse_date(record.get("签订日期")) or record.get("签订日期")
    if isinstance(signed, dt.date):
        context["有效期至"] = format_date(_add_years(signed, term) - dt.timedelta(days=1))
    else:
        context["有效期至"] = ""
    context["签订日期"] = _date_text(signed) or BLANK_DATE
    return context


def _count(value: object) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@context_function("notices")
def notice_context(record: Mapping, settings: Settings) -> dict:
    """A 隐患点 row plus 威胁对象 (``12户45人``), 灾害类别 (地质灾害 / 山洪灾害 for the kind as
    written), a default 预警信号, 告知日期 and 值班电话 from ``[notices]``."""
    context = dict(record)
    households, people = _count(context.get("威胁户数")), _count(context.get("威胁人数"))
    parts = []
    if households:
        parts.append(f"{households}户")
    if people:
        parts.append(f"{people}人")
    context["威胁对象"] = "".join(parts) or "—"
    context["灾害类别"] = hazard_group(context.get("类型", ""))
    if not context.get("预警信号"):
        context["预警信号"] = DEFAULT_WARNING_SIGNAL
    section = settings.of("notices")
    context["告知日期"] = format_date(section.get("date") or settings.summary.date)
    if not context.get("值班电话"):
        context["值班电话"] = section.get("duty_phone") or ""
    return context


@roster_check("notices")
def notice_roster_check(roster: Roster, settings: Settings) -> list[Problem]:
    """Every notice prints 镇值班电话: rows without one, when docgen.toml has none either."""
    if settings.of("notices").get("duty_phone"):
        return []
    blank = [i for i, record in enumerate(roster.records) if not plain(record.get("值班电话"))]
    if not blank:
        return []
    where = roster.cell(blank[0], "值班电话") if "值班电话" in roster.columns else ""
    return [
        Problem(
            _("{n} 份告知书没有镇值班电话：名册这一列为空，docgen.toml 也没有设置").format(
                n=len(blank)
            ),
            file=display_path(roster.path),
            sheet=roster.sheet,
            cell=where,
            hint=_(
                '请在 docgen.toml 的 [notices] 中写上 duty_phone = "镇值班电话"，或在名册中填写'
            ),
            severity=WARNING,
        )
    ]


@context_function("letters")
def letter_context(record: Mapping, settings: Settings) -> dict:
    """A 学生名册 row plus the holiday of ``[letters]`` (假期, 放假日期, 开学日期)."""
    context = dict(record)
    section = settings.of("letters")
    context["假期"] = section.get("holiday") or "寒假"
    context["放假日期"] = _date_text(section.get("start"))
    context["假期结束"] = _date_text(section.get("end"))
    return context


def finishing_steps(kind: Kind | None) -> tuple[Finish, ...]:
    """What a kind's rendered document needs after its template is filled: the renderer knows
    nothing of official layout, the kind hands it these steps.  A kind with ``signature``
    gets its 署名 and 成文日期 placed (GB/T 9704 7.3.5); an official one its tables' columns
    fitted to their words, its 版记 and, when fitting asked for it, its last page tightened."""
    if kind is None:
        return ()
    steps: list[Finish] = []
    if kind.signature:
        steps.append(official.finish_signature)
    if kind.official:
        steps += [tables.finish_tables, official.finish_record, official.finish_tightening]
    return tuple(steps)


def load_template(path, kind: Kind | None = None) -> CompiledTemplate:
    """``path`` compiled with the finishing steps of ``kind`` (by default, the kind whose
    template file ``path`` is named after, if any); what it renders is marked as generated."""
    from docgen.output.files import marked_package
    from docgen.render.compile import CompiledTemplate

    if kind is None:
        kind = kind_of_template(path)
    # compiled from a copy marked as docgen's: every document it renders carries the mark, so
    # that one dropped back on the page is known as an output
    return CompiledTemplate.load(Path(path), finish=finishing_steps(kind), prepare=marked_package)


def kind_of_template(path, settings: Settings | None = None) -> Kind | None:
    """The kind a template file is (by its name: 安全承诺书.docx → letters), if any."""
    kinds = settings.kinds if settings is not None else registry()
    return kinds.by_template(Path(path).name)


def supplied_variables(
    template_path, columns: list[str], first_record: Mapping | None, settings: Settings
) -> set[str]:
    """Every variable a template will be given: the roster's columns, plus what docgen adds
    for a declared kind (甲方, 领域, 告知日期 …).  The summary is filled from the tallies."""
    kind = kind_of_template(template_path, settings)
    if kind is not None and kind.mode == "single":
        from docgen.figures import consolidate
        from docgen.kinds.summary import RosterCounts, summary_context

        return set(summary_context(settings, consolidate([]), RosterCounts()))
    supplied = set(columns)
    record = dict(first_record) if first_record else dict.fromkeys(columns, "")
    if kind is not None:
        supplied |= set(record_context(kind, record, settings))
    else:
        supplied |= set(base_context(record, settings))
    return supplied


@dataclass(frozen=True)
class TemplateCheck:
    """A template against a roster: the variables it uses and the columns the roster lacks."""

    template: Path
    roster: Path
    kind: Kind | None  # the kind the template is (by its file name), if any
    used: frozenset[str]
    columns: tuple[str, ...]
    rows: int
    missing: tuple[str, ...]  # variables read unguarded that no column (nor docgen) supplies
    optional: tuple[str, ...] = ()  # guarded ones (``|default``, ``{% if x %}``) none supplies

    @property
    def unused(self) -> tuple[str, ...]:
        """The roster's columns the template does not use."""
        return tuple(c for c in self.columns if c not in self.used)


def check_template(
    template: Path, roster: Path, settings: Settings, sheet: str | None = None
) -> TemplateCheck:
    """Compile ``template`` and read ``roster``: does every variable have its data?"""
    from docgen.inputs.rosters import read_roster
    from docgen.render.compile import CompiledTemplate

    compiled = CompiledTemplate.load(template)
    data = read_roster(roster, sheet=sheet)
    used = frozenset(compiled.variables())
    supplied = supplied_variables(
        template, data.columns, data.records[0] if data.records else None, settings
    )
    required = compiled.required_variables()
    return TemplateCheck(
        template=Path(template),
        roster=Path(roster),
        kind=kind_of_template(template, settings),
        used=used,
        columns=tuple(data.columns),
        rows=len(data.records),
        missing=tuple(sorted(required - supplied)),
        optional=tuple(sorted(used - required - supplied)),
    )
