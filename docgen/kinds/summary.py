"""The context of the summary report (工作总结): settings + consolidated tallies + roster counts.

Variable names are Chinese, as the template uses them: ``{{ 消防安全.排查隐患 }}``,
``{{ 推送微信|约数 }}``, ``{{ 道路交通安全.序号 }}`` …
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from docgen.config import Settings
from docgen.gongwen.official import text_width
from docgen.gongwen.titles import title_lines  # noqa: F401  (where the title breaks)
from docgen.render.engine import SEALED
from docgen.render.filters import cn, percent
from docgen.vocabulary import METRICS, SECTORS, hazard_group

# Figures (指标 sheet) the built-in summary prints; a missing one counts as 0.
KNOWN_FIGURES: tuple[str, ...] = (
    "发放宣传册",
    "推送微信",
    "显示屏播放",
    "检查校车",
    "烟花爆竹经营点",
    "液化气经营点",
    "水库",
    "森林火灾",
)

# Figures and roster counts that belong to a sector: a sector with any of them non-zero is
# reported even when its tallies are all zero.
SECTOR_FIGURES: dict[str, tuple[str, ...]] = {
    "危险化学品和烟花爆竹": ("烟花爆竹经营点", "液化气经营点"),
    "地质灾害预防": ("水库", "地质灾害点", "山洪灾害点"),
    "森林防火": ("森林火灾",),
    "校园及周边环境": ("检查校车", "签订承诺书"),
}

TOTAL_LABEL = "合计"
NO_RATE = "—"

# A 4号 版记 line holds 29 characters once 1 character is kept free on both sides.
RECORD_LINE = 29
# The text area holds 22 lines; the 版记 takes its lines from the bottom of the last page.
PAGE_LINES = 22


@dataclass(frozen=True)
class RosterCounts:
    """What the rosters add to the summary: each roster's row count under the variable its
    kind's manifest names (``count = "签订责任书"``), and hazard points by 类型 as written."""

    rows: dict[str, int] = field(default_factory=dict)
    hazards_by_type: dict[str, int] = field(default_factory=dict)

    @property
    def geological(self) -> int:
        """Points of any landslide-type hazard (地质灾害, 滑坡, 崩塌, 泥石流 …)."""
        return sum(
            n for kind, n in self.hazards_by_type.items() if hazard_group(kind) == "地质灾害"
        )

    @property
    def flash_flood(self) -> int:
        return sum(
            n for kind, n in self.hazards_by_type.items() if hazard_group(kind) == "山洪灾害"
        )


def rectification_rate(found: int, fixed: int) -> str:
    """``整改隐患 / 排查隐患`` as ``95.0%``; ``—`` when no hazard was found."""
    if not found:
        return NO_RATE
    return percent(fixed / found)


def _metric_row(totals: Mapping[str, int] | None) -> dict:
    totals = totals or {}
    row: dict[str, Any] = {metric: int(totals.get(metric, 0) or 0) for metric in METRICS}
    row["整改率"] = rectification_rate(row["排查隐患"], row["整改隐患"])
    return row


def _sum_rows(rows: list[dict]) -> dict:
    total = {metric: sum(r[metric] for r in rows) for metric in METRICS}
    total["整改率"] = rectification_rate(total["排查隐患"], total["整改隐患"])
    return total


def _unit_total(totals: Mapping[str, Mapping[str, int]]) -> dict:
    return _sum_rows([_metric_row(totals.get(sector)) for sector in totals])


def _year_range(years: tuple[int, int] | None) -> str:
    if not years:
        return ""
    start, end = years
    return f"{start}年" if start == end else f"{start}—{end}年"


def _level(short_name: str) -> str:
    """镇 / 乡 / 街道: how the issuer calls itself (我镇, 全乡)."""
    for suffix in ("街道", "镇", "乡"):
        if short_name.endswith(suffix):
            return suffix
    return "镇"


def _record_lines(text: str) -> int:
    return max(1, -(-int(text_width(text) * 2) // (RECORD_LINE * 2)))


def _note(text: str) -> str:
    """附注 in round brackets, whether or not the secretary typed them."""
    text = text.strip()
    if not text:
        return ""
    if text.startswith(("（", "(")) and text.endswith(("）", ")")):
        text = text[1:-1].strip()
    return f"（{text}）"


def _header(settings: Settings) -> dict | None:
    header = settings.summary.header
    if header is None:
        return None
    return {"发文机关标志": header.mark, "发文字号": header.number, "签发人": header.signer}


def _footer(settings: Settings) -> dict | None:
    footer = settings.summary.footer
    if footer is None:
        return None
    cc = "、".join(footer.cc)
    cc_line = f"抄送：{cc}。" if cc else ""
    printed = (
        f"{footer.printed.year}年{footer.printed.month}月{footer.printed.day}日印发"
        if footer.printed
        else ""
    )
    lines = (_record_lines(cc_line) if cc_line else 0) + 1
    return {
        "抄送": cc_line,
        "印发机关": footer.printer,
        "印发日期": printed,
        # blank lines above the 版记 on its page, so its last line is the page's last line
        "留白": list(range(PAGE_LINES - lines - 1)),
        "补页": False,  # a blank page before it, to end on an even page (set by fitting)
    }


def _year_rows(consolidation) -> list[dict]:
    rows = []
    for year, table in (getattr(consolidation, "years", {}) or {}).items():
        if year is None:
            continue
        row = _unit_total(table or {})
        rows.append({"年度": f"{year}年", "年份": year, **row})
    return rows


def summary_context(settings: Settings, consolidation, counts: RosterCounts) -> dict:
    """Everything the summary template reads.

    ``consolidation`` needs ``.totals`` (sector → metric → int), ``.figures`` (name → int)
    and ``.units`` (objects with ``.unit`` and ``.totals``).  Each sector is a dict of the four
    metrics, ``整改率`` and ``序号`` — ``（一）``, ``（二）``… over the active sectors only, ``""``
    for a sector with nothing to report, so the numbering closes up.
    """
    figures_in = dict(getattr(consolidation, "figures", {}) or {})
    figures = {name: int(figures_in.get(name, 0) or 0) for name in KNOWN_FIGURES}
    figures.update({name: int(value or 0) for name, value in figures_in.items()})

    context: dict = {}
    context.update({name: value for name, value in figures.items() if name not in SECTORS})
    context.update(
        {
            "标题": settings.summary.title,
            "标题分行": "\n".join(
                settings.summary.title_lines
                or title_lines(settings.summary.title, settings.issuer.name)
            ),
            "文种": settings.summary.kind,
            "附注": _note(settings.summary.note),
            "版头": _header(settings),
            "版记": _footer(settings),
            "主送机关": settings.issuer.recipient,
            "发文机关": settings.issuer.name,
            "简称": settings.issuer.short_name,
            "本级": _level(settings.issuer.short_name),
            "成文日期": settings.summary.date,
            SEALED: settings.issuer.seal,
            "起止年度": _year_range(settings.summary.years),
            "起始年度": settings.summary.years[0] if settings.summary.years else "",
            "截止年度": settings.summary.years[1] if settings.summary.years else "",
            **{
                kind.roster.count: 0
                for kind in settings.kinds.batches
                if kind.roster and kind.roster.count
            },
            **counts.rows,
            "地质灾害点": counts.geological,
            "山洪灾害点": counts.flash_flood,
            "指标": figures,
        }
    )

    totals = getattr(consolidation, "totals", {}) or {}
    sector_rows = []
    number = 0
    for sector in SECTORS:
        row = _metric_row(totals.get(sector))
        related = SECTOR_FIGURES.get(sector, ())
        active = any(row[m] for m in METRICS) or any(context.get(name) for name in related)
        # 森林防火: "无一起森林火灾" is worth saying whenever the town reported the figure.
        if sector == "森林防火" and "森林火灾" in figures_in:
            active = True
        if active:
            number += 1
        row["序号"] = f"（{cn(number)}）" if active else ""
        row["名称"] = sector
        context[sector] = row
        sector_rows.append({"领域": sector, **row})
        # 检查次数 as the villages headed it: inspections (次) and units inspected (家)
        units = int((getattr(consolidation, "units_inspected", {}) or {}).get(sector, 0))
        row["检查单位"] = min(units, row["检查次数"])
        row["开展检查"] = row["检查次数"] - row["检查单位"]

    total = _sum_rows(sector_rows)
    total["开展检查"] = sum(context[sector]["开展检查"] for sector in SECTORS)
    total["检查单位"] = sum(context[sector]["检查单位"] for sector in SECTORS)
    context["合计"] = total
    context["领域数"] = number
    context["分领域"] = sector_rows + [
        {"领域": TOTAL_LABEL, **total, "序号": "", "名称": TOTAL_LABEL}
    ]

    unit_rows = [
        {"填报单位": unit.unit, **_unit_total(unit.totals or {})}
        for unit in getattr(consolidation, "units", []) or []
    ]
    context["分单位"] = unit_rows + [{"填报单位": TOTAL_LABEL, **_sum_rows(unit_rows)}]
    context["填报单位数"] = len(unit_rows)
    year_rows = _year_rows(consolidation)
    context["分年度"] = year_rows + (
        [{"年度": TOTAL_LABEL, "年份": "", **_sum_rows(year_rows)}] if year_rows else []
    )
    context["年度数"] = len(year_rows)
    return context
