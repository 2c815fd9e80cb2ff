"""How the summary says a sector's figures: the words each figure follows, declared once per
column (sectors that say it their own way override them), 共 once at the head of a sentence,
and hazards still open named with their number."""

from __future__ import annotations

from collections.abc import Mapping

from docgen import vocabulary as vocab
from docgen.figures.printing import Ledger
from docgen.figures.sources import Traced

# The words a figure follows in the text, declared once per column; sectors that say it their
# own way override them.  排查整治 is said when every hazard found was rectified.
PHRASES: dict[str, str] = {
    "检查次数": "开展检查",
    "检查单位": "检查单位",
    "检查家次": "检查生产经营单位",
    "排查隐患": "排查一般隐患",
    "排查整治": "排查整治一般隐患",
    "查处违章": "查处违章行为",
}
SECTOR_PHRASES: dict[str, dict[str, str]] = {
    "道路交通安全": {"查处违章": "整治违章行为"},
    "消防安全": {
        "排查隐患": "排查一般火灾隐患",
        "排查整治": "排查整治一般火灾隐患",
        "查处违章": "纠正违规用火用电行为",
    },
    "危险化学品和烟花爆竹": {"排查隐患": "排查一般安全隐患", "排查整治": "排查整治一般安全隐患"},
    "地质灾害预防": {"检查次数": "开展巡查", "排查隐患": "排查隐患", "排查整治": "排查整治隐患"},
    "建筑施工": {"排查隐患": "排查一般安全隐患", "排查整治": "排查整治一般安全隐患"},
    "森林防火": {
        "检查次数": "开展巡查",
        "排查隐患": "排查火险隐患",
        "排查整治": "排查整治火险隐患",
    },
    "校园及周边环境": {"排查隐患": "排查隐患", "排查整治": "排查整治隐患"},
    "食品药品安全": {"排查隐患": "查出一般隐患", "排查整治": "查出并整改一般隐患"},
}
INSPECTIONS = ("检查次数", "检查单位", "检查家次")


def phrase(sector: str | None, key: str) -> str:
    return SECTOR_PHRASES.get(sector or "", {}).get(key) or PHRASES[key]


def hazard_clauses(
    ledger: Ledger, where: str, sector: str | None, found: Traced, fixed: Traced
) -> list[str]:
    """排查整治…14处 when all were rectified; else how many are still open, by number."""
    measure = vocab.measure_of("排查隐患", sector)
    if not found:
        return []
    if int(fixed) == int(found):
        return [phrase(sector, "排查整治") + ledger.say(where, found, measure)]
    # beside what is still open the figures are exact, so that the three add up
    said = [phrase(sector, "排查隐患") + ledger.say(where, found, measure, exact=True)]
    if int(fixed) > int(found):  # the tally is inconsistent; reading warned about the cell
        return said + ["整改" + ledger.say(where, fixed, measure, exact=True)]
    open_hazards = found.minus(fixed, f"{found.what}：排查减整改（未整改）")
    if not fixed:
        return said + ["均在整改中"]
    return said + [
        "已整改" + ledger.say(where, fixed, measure, exact=True),
        "尚有" + ledger.say(where, open_hazards, measure, exact=True) + "正在整改",
    ]


def figure_clauses(
    ledger: Ledger, where: str, sector: str | None, row: Mapping[str, Traced], extra=()
) -> list[str]:
    clauses = [
        phrase(sector, column) + ledger.say(where, row[column], vocab.measure_of(column, sector))
        for column in INSPECTIONS
        if row.get(column)
    ]
    clauses += list(extra)
    clauses += hazard_clauses(ledger, where, sector, row["排查隐患"], row["整改隐患"])
    if row.get("查处违章"):
        measure = vocab.measure_of("查处违章", sector)
        clauses.append(phrase(sector, "查处违章") + ledger.say(where, row["查处违章"], measure))
    return clauses


def sentence(clauses: list[str], lead: str = "共") -> str:
    """One sentence of figures: 共 once, at its head; the clauses share its subject."""
    return lead + "，".join(clauses) + "。" if clauses else ""
