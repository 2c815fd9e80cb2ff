"""The domain's words in one place: sectors, metrics, header aliases, roster columns."""

from __future__ import annotations

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

SECTOR_HEADERS: tuple[str, ...] = ("领域", "行业领域", "重点领域", "类别")
UNIT_HEADER = "填报单位"
TOTAL_LABELS: tuple[str, ...] = ("合计", "总计", "小计")

FIGURE_NAME_HEADERS: tuple[str, ...] = ("指标", "项目")
FIGURE_VALUE_HEADERS: tuple[str, ...] = ("数量", "数值")
FIGURE_UNIT_HEADER = "单位"

# Roster kinds: the columns a built-in batch needs (* in the forms marks them required).
ROSTER_COLUMNS: dict[str, tuple[tuple[str, bool], ...]] = {
    "agreements": (
        ("单位名称", True),
        ("负责人", True),
        ("联系电话", False),
        ("行业领域", False),
        ("地址", False),
        ("签订日期", False),
    ),
    "notices": (
        ("隐患点名称", True),
        ("类型", True),
        ("位置", True),
        ("威胁户数", False),
        ("威胁人数", False),
        ("监测责任人", True),
        ("联系电话", True),
        ("预警信号", False),
        ("避险路线", True),
        ("避险场所", True),
    ),
    "letters": (
        ("学校", True),
        ("班级", True),
        ("学生姓名", True),
        ("家长姓名", True),
        ("联系电话", False),
    ),
}

ROSTER_TITLES: dict[str, str] = {
    "agreements": "责任单位",
    "notices": "隐患点",
    "letters": "学生名册",
}

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


def is_sector_header(header: object) -> bool:
    return normalize_header(header) in SECTOR_HEADERS


def is_total_label(value: object) -> bool:
    return clean_text(value) in TOTAL_LABELS


def year_of_sheet(name: str) -> int | None:
    """``2020`` / ``2020年`` / ``2021年度`` → the year; any other sheet name → None."""
    match = re.fullmatch(r"((?:19|20)\d\d)(?:年度?)?", clean_text(name))
    return int(match.group(1)) if match else None
