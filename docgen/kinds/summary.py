"""The context of the summary report (工作总结): settings + consolidated tallies + roster counts.

Variable names are Chinese, as the template uses them: ``{{ 消防安全.排查隐患 }}``,
``{{ 推送微信|约数 }}``, ``{{ 道路交通安全.序号 }}`` …
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from docgen import vocabulary as vocab
from docgen.config import Settings
from docgen.figures.printing import Ledger
from docgen.figures.rosters import RosterCounts, roster_counts
from docgen.figures.sources import Traced
from docgen.figures.wording import figure_clauses, sentence
from docgen.gongwen import official
from docgen.gongwen.official import text_width
from docgen.gongwen.titles import title_lines
from docgen.inputs.tallies import NO_YEAR_LABEL
from docgen.render.filters import cn, percent
from docgen.vocabulary import METRICS, SECTORS

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
# a sector's sentences that hold only when an input supports them ("" otherwise)
SECTOR_CLAIMS = ("对象", "部位", "告知", "火情", "承诺书")

# A 4号 版记 line holds 29 characters once 1 character is kept free on both sides.
RECORD_LINE = 29
# The text area holds 22 lines; the 版记 takes its lines from the bottom of the last page.
PAGE_LINES = 22


def rectification_rate(found: int, fixed: int) -> str:
    """``整改隐患 / 排查隐患`` as ``95.0%``; ``—`` when no hazard was found."""
    if not found:
        return NO_RATE
    return percent(fixed / found)


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


def _row(consolidation, columns, what: str, **where) -> dict[str, Traced]:
    return {
        column: consolidation.traced(column, what=f"{what}·{column}", **where) for column in columns
    }


def _rate(row: Mapping[str, int]) -> str:
    return rectification_rate(int(row["排查隐患"]), int(row["整改隐患"]))


def _measure(consolidation, name: str) -> str:
    return (getattr(consolidation, "figure_units", {}) or {}).get(name) or vocab.measure_of(name)


def _kind_count(settings: Settings, context_name: str) -> str | None:
    for kind in settings.kinds.batches:
        if kind.context == context_name and kind.roster and kind.roster.count:
            return kind.roster.count
    return None


def _after(settings: Settings, kind: str, key: str) -> bool:
    """Whether a kind's date in docgen.toml ([notices] date, [letters] start) falls after the
    summary's 成文日期: what it does is then planned, not done."""
    when = settings.of(kind).get(key)
    return isinstance(when, dt.date) and when > settings.summary.date


def _agreements(ledger: Ledger, settings: Settings, counts: RosterCounts) -> str:
    name = _kind_count(settings, "agreements")
    if not name:
        return ""
    where = "正文一、"
    unit = vocab.measure_of("签订责任书")
    signed = counts.rows.get(name, Traced())
    planned = counts.planned.get(name, Traced())
    if signed and planned:
        return (
            f"与{ledger.say(where, signed, unit)}单位签订安全生产责任书，"
            f"另有{ledger.say(where, planned, unit)}单位的责任书计划签订。"
        )
    if signed:
        return (
            f"与{ledger.say(where, signed, unit)}单位签订安全生产责任书，明确责任目标和考核奖惩。"
        )
    if planned:
        return f"计划与{ledger.say(where, planned, unit)}单位签订安全生产责任书，明确责任目标和考核奖惩。"
    return ""


PUBLICITY = (
    ("发放宣传册", "发放安全宣传册"),
    ("推送微信", "推送安全微信"),
    ("显示屏播放", "在显示屏滚动播放安全提示"),
)


def _publicity(ledger: Ledger, consolidation, figures: Mapping[str, Traced]) -> str:
    where = "正文一、"
    return "，".join(
        words + ledger.say(where, figures[name], _measure(consolidation, name))
        for name, words in PUBLICITY
        if figures.get(name)
    )


def summary_context(settings: Settings, consolidation, counts: RosterCounts) -> dict:
    """Everything the summary template reads, every figure traced to its cells.

    ``consolidation`` is a :class:`docgen.figures.Consolidation`.  Each sector is a dict of its
    figures (``检查次数``, ``排查隐患`` …, traced ints), ``整改率``, ``序号`` — ``（一）``,
    ``（二）``… over the active sectors only, ``""`` for a sector with nothing to report, so
    the numbering closes up — and ``情况``, the sentence of its figures.  ``数据来源`` lists
    every figure the built-in template prints (汇总表's 数据来源 sheet), in the order printed.
    """
    ledger = Ledger()
    figures_in = dict(getattr(consolidation, "figures", {}) or {})
    names = list(KNOWN_FIGURES) + [n for n in figures_in if n not in KNOWN_FIGURES]
    figures = {name: consolidation.figure(name) for name in names}
    columns = tuple(getattr(consolidation, "columns", METRICS))
    context = _document_fields(settings, counts, figures)

    # 一、 responsibility and publicity
    context["责任书"] = _agreements(ledger, settings, counts)
    context["宣传"] = _publicity(ledger, consolidation, figures)

    # 二、 the campaign's totals, then the years, then each sector with something to report
    where = "正文二、"
    total = _row(consolidation, columns, TOTAL_LABEL)
    context["总体情况"] = sentence(figure_clauses(ledger, where, None, total), "各领域共")
    context["年度情况"] = _years_sentence(ledger, consolidation, where)
    sector_rows, open_hazards = _sectors(
        ledger, context, settings, consolidation, columns, figures, counts
    )

    # 三、 what is still open is followed to closure
    where = "正文三、"
    context["未整改"] = (
        "对尚未整改完毕的"
        + "、".join(
            f"{sector}领域"
            + ledger.say(where, figure, vocab.measure_of("排查隐患", sector), exact=True)
            for sector, figure in open_hazards
        )
        + "隐患逐一跟踪督办，直至整改销号"
        if open_hazards
        else ""
    )
    context["合计"] = {
        **total,
        "整改率": _rate(total),
        "开展检查": total["检查次数"],
        "检查单位": total.get("检查单位", Traced()),
    }
    context["领域数"] = sum(1 for r in sector_rows if r["序号"])
    context.update(_annexes(ledger, consolidation, columns, sector_rows, total))
    context["数据来源"] = ledger.rows
    return context


def _document_fields(settings: Settings, counts: RosterCounts, figures: dict) -> dict:
    """The settings' part of the context (title, issuer, dates, 版头, 版记) and the figures
    and roster counts by name."""
    context: dict = {name: value for name, value in figures.items() if name not in SECTORS}
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
            official.SEALED_KEY: settings.issuer.seal,
            "起止年度": _year_range(settings.summary.years),
            "起始年度": settings.summary.years[0] if settings.summary.years else "",
            "截止年度": settings.summary.years[1] if settings.summary.years else "",
            **{
                kind.roster.count: Traced()
                for kind in settings.kinds.batches
                if kind.roster and kind.roster.count
            },
            **counts.rows,
            "地质灾害点": counts.geological,
            "山洪灾害点": counts.flash_flood,
            "指标": figures,
        }
    )
    return context


def _sectors(
    ledger: Ledger,
    context: dict,
    settings: Settings,
    consolidation,
    columns: tuple[str, ...],
    figures: dict[str, Traced],
    counts: RosterCounts,
) -> tuple[list[dict], list[tuple[str, Traced]]]:
    """二、（一）…: each sector's row into ``context``; (annex rows, hazards still open)."""
    figures_in = getattr(consolidation, "figures", {}) or {}
    number = 0
    sector_rows = []
    open_hazards: list[tuple[str, Traced]] = []
    for sector in SECTORS:
        row: dict[str, Any] = _row(consolidation, columns, sector, sector=sector)
        related = SECTOR_FIGURES.get(sector, ())
        active = any(row[c] for c in columns) or any(context.get(name) for name in related)
        if sector == "森林防火" and "森林火灾" in figures_in:
            active = True  # a forest-fire count is worth saying, even 0
        number += active
        row["序号"] = f"（{cn(number)}）" if active else ""
        row["名称"] = sector
        row["整改率"] = _rate(row)
        row["开展检查"] = row["检查次数"]  # the names earlier templates used
        row["检查单位"] = row.get("检查单位", Traced())
        row.update({key: "" for key in SECTOR_CLAIMS}, 情况="")
        context[sector] = row
        sector_rows.append({"领域": sector, **row})
        if not active:
            continue
        here = f"正文二、{row['序号']}{sector}"
        extra = []
        if sector == "校园及周边环境" and figures.get("检查校车"):
            measure = _measure(consolidation, "检查校车")
            extra.append("检查校车" + ledger.say(here, figures["检查校车"], measure))
        row["情况"] = sentence(figure_clauses(ledger, here, sector, row, extra))
        row.update(_sector_claims(ledger, here, settings, consolidation, sector, figures, counts))
        if int(row["整改隐患"]) < int(row["排查隐患"]):
            still = row["排查隐患"].minus(row["整改隐患"], f"{sector}·未整改隐患")
            open_hazards.append((sector, still))
    return sector_rows, open_hazards


def _annexes(
    ledger: Ledger, consolidation, columns: tuple[str, ...], sector_rows: list[dict], total
) -> dict:
    """附件1–3: by sector, by unit, by year (with a 未分年度 row); every cell a traced figure."""

    def table_row(label_key: str, label: str, where: str, values: dict) -> dict:
        out: dict[str, Any] = {label_key: label, "领域": label}
        for column in columns:
            what = f"{label}·{column}（{vocab.MEASURES[column]}）"
            out[column] = ledger.cell(where, values[column], what)
        out["整改率"] = _rate(out)
        return out

    context: dict[str, Any] = {
        "附表列": [{"键": c, "名称": c, "单位": f"（{vocab.MEASURES[c]}）"} for c in columns]
    }
    context["分领域"] = [
        {
            **table_row("领域", r["领域"], f"附件1 {r['领域']}", r),
            "序号": r["序号"],
            "名称": r["领域"],
        }
        for r in sector_rows
    ] + [
        {
            **table_row("领域", TOTAL_LABEL, f"附件1 {TOTAL_LABEL}", total),
            "序号": "",
            "名称": TOTAL_LABEL,
        }
    ]
    unit_rows = [
        table_row(
            "填报单位", u.unit, f"附件2 {u.unit}", _row(consolidation, columns, u.unit, unit=u.unit)
        )
        for u in getattr(consolidation, "units", []) or []
    ]
    total_row = table_row("填报单位", TOTAL_LABEL, f"附件2 {TOTAL_LABEL}", total)
    context["分单位"] = [*unit_rows, total_row]
    context["填报单位数"] = len(unit_rows)

    years = list((getattr(consolidation, "years", {}) or {}).keys())
    context["年度数"] = sum(1 for y in years if y is not None)
    context["分年度表"] = context["年度数"] >= 1 and len(years) >= 2
    year_rows = []
    if context["分年度表"]:
        for year in years:
            label = f"{year}年" if year is not None else NO_YEAR_LABEL
            values = _row(consolidation, columns, label, year=year)
            year_rows.append(
                {**table_row("年度", label, f"附件3 {label}", values), "年份": year or ""}
            )
        total_row = table_row("年度", TOTAL_LABEL, f"附件3 {TOTAL_LABEL}", total)
        year_rows.append({**total_row, "年份": ""})
    context["分年度"] = year_rows
    context["分年度注"] = _no_year_note(consolidation) if None in years else ""
    return context


def _years_sentence(ledger: Ledger, consolidation, where: str) -> str:
    """分年度看，2021年排查隐患3处、整改3处，2022年…；figures no year claims are said apart."""
    years = list((getattr(consolidation, "years", {}) or {}).keys())
    if sum(1 for y in years if y is not None) < 2:
        return ""
    parts = []
    measure = vocab.measure_of("排查隐患")
    for year in years:
        label = f"{year}年" if year is not None else "未分年度填报的"
        found = consolidation.traced("排查隐患", year=year, what=f"{label}·排查隐患")
        fixed = consolidation.traced("整改隐患", year=year, what=f"{label}·整改隐患")
        if year is None and not found and not fixed:
            continue
        parts.append(
            f"{label}排查隐患{ledger.say(where, found, measure, exact=True)}、"
            f"整改{ledger.say(where, fixed, measure, exact=True)}"
        )
    return "分年度看，" + "，".join(parts) + "。"


def _no_year_note(consolidation) -> str:
    units = sorted({f.unit for f in consolidation.facts if f.year is None})
    # the document's own words: Chinese whatever the language of the messages
    return (
        "注：“{row}”一行为未按年份分表填报的数字（{units}），不属于任何一年，计入合计。"
    ).format(row=NO_YEAR_LABEL, units="、".join(units))


def _sector_claims(
    ledger: Ledger,
    where: str,
    settings: Settings,
    consolidation,
    sector: str,
    figures: Mapping[str, Traced],
    counts: RosterCounts,
) -> dict[str, str]:
    """The sentences of a sector that state what a figure or a roster supports, and only then."""
    said: dict[str, str] = {}
    if sector == "危险化学品和烟花爆竹":
        outlets = [
            ledger.say(where, figures[name], _measure(consolidation, name)) + name
            for name in ("烟花爆竹经营点", "液化气经营点")
            if figures.get(name)
        ]
        said["对象"] = "、".join(outlets)
    elif sector == "地质灾害预防":
        places = []
        if counts.geological:
            places.append(
                ledger.say(where, counts.geological, vocab.measure_of("地质灾害点")) + "地质灾害点"
            )
        if counts.flash_flood:
            places.append(
                ledger.say(where, counts.flash_flood, vocab.measure_of("山洪灾害点"))
                + "山洪灾害隐患点"
            )
        if figures.get("水库"):
            places.append(
                ledger.say(where, figures["水库"], _measure(consolidation, "水库")) + "水库"
            )
        said["部位"] = "、".join(places)
        if counts.geological or counts.flash_flood:
            said["告知"] = (
                "并将在汛期前向受威胁群众发放安全告知书"
                if _after(settings, "notices", "date")
                else "向受威胁群众发放安全告知书"
            )
    elif sector == "森林防火" and "森林火灾" in (getattr(consolidation, "figures", {}) or {}):
        fires = figures["森林火灾"]
        said["火情"] = (
            ledger.claim(where, fires, "辖区内无一起森林火灾发生。")
            if not fires
            else "辖区内发生森林火灾"
            + ledger.say(where, fires, _measure(consolidation, "森林火灾"))
            + "。"
        )
    elif sector == "校园及周边环境":
        name = _kind_count(settings, "letters")
        letters = counts.rows.get(name, Traced()) if name else Traced()
        if letters:
            holiday = settings.of("letters").get("holiday") or "假期"
            will = "将" if _after(settings, "letters", "start") else ""
            said["承诺书"] = (
                f"{holiday}前{will}组织学生家长签订安全承诺书{ledger.say(where, letters, vocab.measure_of('签订承诺书'))}。"
            )
    return said


def summary_sources(settings: Settings, consolidation, rosters: Mapping[str, Any]) -> list[dict]:
    """Every figure the summary prints, with its cells, as JSON for the page and scripts:
    ``[{"where", "what", "value", "printed", "refs", "cells": [{"file", "sheet", "cell",
    "value", "ref"}]}]`` — the rows of 汇总表's 数据来源 sheet."""
    counts = roster_counts(settings, rosters)
    return [row.as_dict() for row in summary_context(settings, consolidation, counts)["数据来源"]]
