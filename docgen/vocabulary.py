"""The domain's words in one place: sectors, metrics, header aliases, roster columns."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# 八个重点行业领域, in the order the summary report takes them.
SECTORS: tuple[str, ...] = (
    "道路交通安全",
    "消防安全",
    "危险化学品和烟花爆竹",
    "地质灾害预防",
    "建筑施工",
    "森林防火",
    "校园及周边环境",
    "食品药品安全",
)

SECTOR_ALIASES: dict[str, tuple[str, ...]] = {
    "道路交通安全": ("道路交通", "交通安全", "交通"),
    "消防安全": ("消防",),
    "危险化学品和烟花爆竹": ("危险化学品", "危化品", "烟花爆竹", "危化品和烟花爆竹"),
    "地质灾害预防": ("地质灾害", "地灾", "地质灾害防治"),
    "建筑施工": ("建筑", "建筑施工安全"),
    "森林防火": ("森林火灾", "护林防火"),
    "校园及周边环境": ("校园", "校园安全", "校园及周边"),
    "食品药品安全": ("食品药品", "食品安全", "药品安全"),
}

METRICS: tuple[str, ...] = ("检查次数", "排查隐患", "整改隐患", "查处违章")

METRIC_ALIASES: dict[str, tuple[str, ...]] = {
    "检查次数": ("检查次数", "检查单位", "检查单位数", "检查家次", "检查"),
    "排查隐患": ("排查隐患", "发现隐患", "隐患数", "排查一般隐患", "一般隐患"),
    "整改隐患": ("整改隐患", "已整改", "整改完成", "整治隐患", "完成整改"),
    "查处违章": ("查处违章", "整治违章", "违章行为", "违章人次"),
}

# 检查次数 headers that count units inspected (家), not inspections (次): the summary keeps
# the two apart and prints each with its own measure word.
UNIT_COUNT_HEADERS: tuple[str, ...] = ("检查单位", "检查单位数", "检查家次")

# What a 检查 column counts follows its header: inspections (次), units inspected (家) or
# unit-visits (家次).  The three are never added up: each is a column of its own.
INSPECTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "检查单位": ("检查单位", "检查单位数"),
    "检查家次": ("检查家次",),
}

# The figures of a tally, each with its measure word (declared once; the summary, the
# annexes and 汇总表 all take it from here).
COLUMNS: tuple[str, ...] = ("检查次数", "检查单位", "检查家次", "排查隐患", "整改隐患", "查处违章")
MEASURES: dict[str, str] = {
    "检查次数": "次",
    "检查单位": "家",
    "检查家次": "家次",
    "排查隐患": "处",
    "整改隐患": "处",
    "查处违章": "人次",
}
# Where a sector's text says it otherwise (the reference summary's usage): 道路交通 and
# 食品药品 count hazards in 起.
SECTOR_MEASURES: dict[tuple[str, str], str] = {
    ("道路交通安全", "排查隐患"): "起",
    ("道路交通安全", "整改隐患"): "起",
    ("食品药品安全", "排查隐患"): "起",
    ("食品药品安全", "整改隐患"): "起",
}
# Named figures (指标 sheet) and roster counts the summary prints, with their measure word
# (a 指标 sheet's own 单位 column wins for its figures).
FIGURE_MEASURES: dict[str, str] = {
    "发放宣传册": "份",
    "推送微信": "条",
    "显示屏播放": "条",
    "检查校车": "车次",
    "烟花爆竹经营点": "个",
    "液化气经营点": "个",
    "水库": "座",
    "森林火灾": "起",
    # roster counts
    "签订责任书": "家",
    "签订承诺书": "份",
    "地质灾害点": "个",
    "山洪灾害点": "处",
}


def measure_of(column: str, sector: str | None = None) -> str:
    """The measure word a figure is printed with: ``处``, ``起`` for 道路交通's hazards …"""
    if sector and (sector, column) in SECTOR_MEASURES:
        return SECTOR_MEASURES[(sector, column)]
    return MEASURES.get(column) or FIGURE_MEASURES.get(column, "")


def inspection_column(header: object) -> str:
    """The column a 检查 header fills: 检查次数 (次), 检查单位 (家) or 检查家次 (家次)."""
    text = normalize_header(header).rstrip("*")
    for column, headers in INSPECTION_COLUMNS.items():
        if text in headers:
            return column
    return "检查次数"


SECTOR_HEADERS: tuple[str, ...] = ("领域", "行业领域", "重点领域", "类别")
UNIT_HEADER = "填报单位"
TOTAL_LABELS: tuple[str, ...] = ("合计", "总计", "小计")

FIGURE_NAME_HEADERS: tuple[str, ...] = ("指标", "项目")
FIGURE_VALUE_HEADERS: tuple[str, ...] = ("数量", "数值")
FIGURE_UNIT_HEADER = "单位"

# 单位类型 of a 责任单位 and the words in a unit's name that tell it (first match wins, so the
# specific kinds come before the general ones): the agreement's clauses follow the type.
UNIT_TYPES: dict[str, tuple[str, ...]] = {
    "村（社区）": ("村民委员会", "居民委员会", "村委会", "居委会", "社区", "村"),
    "加油站": ("加油站", "加气站", "加油加气站"),
    "液化气站": ("液化气", "液化石油气", "燃气站", "燃气供应"),
    "烟花爆竹经营": ("烟花爆竹", "烟花", "爆竹"),
    "学校": ("学校", "小学", "中学", "幼儿园", "学堂", "职校", "校区"),
    "建筑工地": ("建筑工地", "项目部", "工地", "建筑公司", "建设公司", "施工", "建工", "路桥"),
    "餐饮": ("餐饮", "饭店", "酒楼", "酒店", "餐馆", "食堂", "农家乐", "火锅"),
    # a pharmacy sells medicines; it has no wards or oxygen rooms (checked before 医疗机构)
    "药店": ("大药房", "药店", "药房", "药铺", "药号"),
    "医疗机构": ("卫生院", "医院", "卫生室", "诊所"),
    "客运": ("客运", "车站", "公交", "运输"),
    "企业": ("公司", "厂", "企业", "合作社", "矿", "采石场", "砖厂", "加工"),
    "机关事业单位": ("政府", "派出所", "所", "站", "中心", "办公室", "办", "局"),
}
UNIT_TYPE_OTHER = "其他单位"

# 隐患点 类型: the kinds of each group that a roster may name (the notice prints the kind as
# written; the summary counts the group).
HAZARD_GROUPS: dict[str, tuple[str, ...]] = {
    "地质灾害": ("地质灾害", "滑坡", "崩塌", "泥石流", "地面塌陷", "不稳定斜坡", "危岩", "地裂缝"),
    "山洪灾害": ("山洪灾害", "山洪沟", "山洪"),
}
HAZARD_KINDS: tuple[str, ...] = (
    "滑坡",
    "崩塌",
    "泥石流",
    "地面塌陷",
    "不稳定斜坡",
    "山洪沟",
    "地质灾害",
    "山洪灾害",
)


def unit_type_of(name: object, declared: object = "") -> str:
    """The 单位类型 a roster declares (when it is a known one), else the one its name tells."""
    given = clean_text(declared)
    if given:
        for kind in UNIT_TYPES:
            if given == clean_text(kind) or given in UNIT_TYPES[kind]:
                return kind
    text = clean_text(name)
    for kind, words in UNIT_TYPES.items():
        if any(word in text for word in words):
            if kind == "村（社区）" and not re.search(
                r"(村|社区|村民委员会|居民委员会|村委会|居委会)$", text
            ):
                continue  # 村镇银行, 社区卫生服务站: the word is not the unit
            return kind
    return UNIT_TYPE_OTHER


def hazard_group(kind: object) -> str:
    """地质灾害 / 山洪灾害 for a 类型 as written (滑坡 → 地质灾害, 山洪沟 → 山洪灾害), else 其他."""
    text = clean_text(kind)
    if any(word in text for word in HAZARD_GROUPS["山洪灾害"]):
        return "山洪灾害"
    if any(word in text for word in (*HAZARD_GROUPS["地质灾害"], "地灾", "塌陷")):
        return "地质灾害"
    return "其他"


_BRACKET_UNIT = re.compile(r"[（(\[【][^（）()\[\]【】]*[）)\]】]$")
_SPACES = re.compile(r"\s+")

_SECTOR_LOOKUP = {
    **{name: name for name in SECTORS},
    **{alias: name for name, aliases in SECTOR_ALIASES.items() for alias in aliases},
}
_METRIC_LOOKUP = {alias: name for name, aliases in METRIC_ALIASES.items() for alias in aliases}


def clean_text(value: object) -> str:
    """Cell text with full-width forms folded (NFKC) and all whitespace removed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _SPACES.sub("", text)


def normalize_header(value: object) -> str:
    """``检查次数（次）`` → ``检查次数``; spaces and a trailing unit in brackets are dropped.

    A trailing ``*`` (required-column marker in rosters) is kept; callers strip it.
    """
    text = clean_text(value)
    star = text.endswith("*")
    if star:
        text = text[:-1]
    while True:
        stripped = _BRACKET_UNIT.sub("", text)
        if stripped == text or not stripped:
            break
        text = stripped
    return text + ("*" if star else "")


def sector_of(value: object) -> str | None:
    """The canonical sector for a cell value or alias, or None."""
    text = clean_text(value)
    if text not in _SECTOR_LOOKUP:
        text = re.sub(r"(专项)?整治$", "", text)  # 消防专项整治, 道路交通安全整治
    return _SECTOR_LOOKUP.get(text)


def metric_of(header: object) -> str | None:
    """The canonical metric for a header cell, or None."""
    return _METRIC_LOOKUP.get(normalize_header(header).rstrip("*"))


def counts_units(header: object) -> bool:
    """A 检查次数 column headed as units inspected (检查单位数（家）), not inspections."""
    return normalize_header(header).rstrip("*") in UNIT_COUNT_HEADERS


def is_sector_header(header: object) -> bool:
    return normalize_header(header) in SECTOR_HEADERS


def is_total_label(value: object) -> bool:
    return clean_text(value) in TOTAL_LABELS


def year_of_sheet(name: str) -> int | None:
    """``2020`` / ``2020年`` / ``2021年度`` → the year; any other sheet name → None."""
    match = re.fullmatch(r"((?:19|20)\d\d)(?:年度?)?", clean_text(name))
    return int(match.group(1)) if match else None


_DATE_TEXT = re.compile(
    r"^\s*(\d{4})\s*(?:年|[-/.．])\s*(\d{1,2})\s*(?:月|[-/.．])\s*(\d{1,2})\s*日?(?:\s+0{1,2}:00(?::00)?)?\s*$"
)


def looks_like_date(value: object) -> bool:
    """Text written as a date (``2023年1月5日``, ``2023-1-5``, ``2023/01/05``, ``2023.1.5``)."""
    return isinstance(value, str) and bool(_DATE_TEXT.match(unicodedata.normalize("NFKC", value)))


def parse_date(value: object) -> dt.date | None:
    """A date typed as a date or as text; None when it is neither or names no real day
    (``2023年2月30日``)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    match = _DATE_TEXT.match(unicodedata.normalize("NFKC", value))
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
