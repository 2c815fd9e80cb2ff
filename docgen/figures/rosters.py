"""What the rosters add to the summary's figures: each roster's rows as ranges of rows, the
agreements signed by the summary's 成文日期 apart from those planned, hazard points by 类型."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from docgen.config import Settings
from docgen.errors import WARNING, Problem, display_path
from docgen.figures.sources import Traced, row_ranges, total
from docgen.i18n import _
from docgen.vocabulary import hazard_group


@dataclass(frozen=True)
class RosterCounts:
    """What the rosters add to the summary: each roster's rows under the variable its kind's
    manifest names (``count = "签订责任书"``), as ranges of rows; hazard points by 类型 as
    written.  A roster with a 签订日期 column counts in ``rows`` only what was signed by the
    summary's 成文日期; the rest (later or undated) is ``planned``."""

    rows: dict[str, Traced] = field(default_factory=dict)
    hazards_by_type: dict[str, Traced] = field(default_factory=dict)
    planned: dict[str, Traced] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def _group(self, group: str, what: str) -> Traced:
        return total(
            (n for kind, n in self.hazards_by_type.items() if hazard_group(kind) == group), what
        )

    @property
    def geological(self) -> Traced:
        """Points of any landslide-type hazard (地质灾害, 滑坡, 崩塌, 泥石流 …)."""
        return self._group("地质灾害", "地质灾害点（隐患点名册中类型属地质灾害的行）")

    @property
    def flash_flood(self) -> Traced:
        return self._group("山洪灾害", "山洪灾害隐患点（隐患点名册中类型属山洪灾害的行）")


SIGNED = "签订日期"


def _date_text(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = re.fullmatch(
            r"\s*(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?\s*", value
        )
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                return None
    return None


def roster_counts(settings: Settings, rosters: Mapping[str, Any]) -> RosterCounts:
    """Each roster's rows as ranges (``'[students.xlsx]Sheet1'!A2:E944``) under the summary
    variable its kind names; rows signed after the 成文日期 are counted apart, with a warning."""
    from openpyxl.utils import get_column_letter

    rows: dict[str, Traced] = {}
    planned: dict[str, Traced] = {}
    problems: list[Problem] = []
    hazards: dict[str, Traced] = {}
    date = settings.summary.date
    for key, roster in rosters.items():
        kind = settings.kinds.get(key)
        if kind is None or kind.roster is None:
            continue
        shown = display_path(roster.path)
        last = get_column_letter(max(roster.positions or [1]))
        title = kind.roster.title or kind.label

        def ranges(numbers: list[int], what: str, shown=shown, sheet=roster.sheet, last=last):
            return Traced(row_ranges(shown, sheet, numbers, last), what)

        if kind.roster.count:
            signed: list[int] = []
            later: list[int] = []
            dated = SIGNED in roster.columns
            for index, record in enumerate(roster.records):
                when = _as_date(record.get(SIGNED)) if dated else None
                (later if dated and (when is None or when > date) else signed).append(
                    roster.rows[index]
                )
            count = kind.roster.count
            rows[count] = ranges(
                signed,
                f"{title}名册中成文日期前已签订的行" if dated else f"{title}名册的行",
            )
            if later:
                planned[count] = ranges(later, f"{title}名册中成文日期后签订或未填签订日期的行")
                problems.append(_signed_late(roster, later, len(signed), date))
        if kind.context == "notices" and "类型" in roster.columns:
            by_type: dict[str, list[int]] = {}
            for index, record in enumerate(roster.records):
                by_type.setdefault(str(record.get("类型", "")).strip(), []).append(
                    roster.rows[index]
                )
            hazards.update({name: ranges(numbers, name) for name, numbers in by_type.items()})
    return RosterCounts(rows=rows, hazards_by_type=hazards, planned=planned, problems=problems)


def _signed_late(roster, later: list[int], signed: int, date: dt.date) -> Problem:
    """The warning for agreements signed after the summary's date (or undated)."""
    return Problem(
        _(
            "{n} 行的签订日期晚于工作总结的成文日期 {date}（或没有填写日期），"
            "工作总结只写已签订的 {signed} 份，其余写作计划签订"
        ).format(n=len(later), date=_date_text(date), signed=signed),
        file=display_path(roster.path),
        sheet=roster.sheet,
        cell=roster.cell(roster.rows.index(later[0]), SIGNED),
        hint=_("如已签订，请填写签订日期；或在 docgen.toml 的 [summary] date 中改正成文日期"),
        severity=WARNING,
    )
