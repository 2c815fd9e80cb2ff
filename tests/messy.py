"""Workbooks as villages really send them, built with openpyxl for the tests.

``build_villages`` writes a set of five messy but valid tallies whose exact figures are
spelled out by hand in ``EXPECTED_*``; the ``bad_*`` functions each write one broken input
with the fault in a known cell.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

from lxml import etree
from openpyxl import Workbook

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# The first sector of an OLE compound file: what Excel's .xls, WPS's .et and a
# password-protected .xlsx all start with.
OLE_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
STANDARD_HEADER = ["领域", "检查次数", "排查隐患", "整改隐患", "查处违章"]


def save_rows(
    path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None
) -> Path:
    """A workbook with one sheet per entry, rows written from A1 (None leaves a cell empty)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        for ref in (merges or {}).get(title, []):
            ws.merge_cells(ref)
    wb.save(path)
    return path


def as_other_application(path: Path, application: str, inline_strings: bool = True) -> Path:
    """Rewrite a saved workbook the way LibreOffice or WPS leave it: their name in
    docProps/app.xml and, optionally, inline strings instead of the shared-string table."""
    path = Path(path)
    with zipfile.ZipFile(path) as zin:
        items = {info.filename: zin.read(info) for info in zin.infolist()}
    app = items["docProps/app.xml"].decode("utf-8")
    app = re.sub(
        r"<Application>.*?</Application>", f"<Application>{application}</Application>", app
    )
    items["docProps/app.xml"] = app.encode("utf-8")
    if inline_strings and "xl/sharedStrings.xml" in items:
        shared = etree.fromstring(items["xl/sharedStrings.xml"])
        texts = ["".join(si.itertext()) for si in shared.findall(f"{{{MAIN_NS}}}si")]
        for name in list(items):
            if not re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name):
                continue
            root = etree.fromstring(items[name])
            for cell in root.iter(f"{{{MAIN_NS}}}c"):
                if cell.get("t") != "s":
                    continue
                v = cell.find(f"{{{MAIN_NS}}}v")
                text = texts[int(v.text)]
                cell.remove(v)
                cell.set("t", "inlineStr")
                inline = etree.SubElement(cell, f"{{{MAIN_NS}}}is")
                t = etree.SubElement(inline, f"{{{MAIN_NS}}}t")
                t.text = text
            items[name] = etree.tostring(
                root, xml_declaration=True, encoding="UTF-8", standalone=True
            )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in items.items():
            zout.writestr(name, data)
    return path


# ---------------------------------------------------------------- a set of messy villages


def village_merged_title(directory: Path) -> Path:
    """青山村: merged title, 填报单位 line with a date after it, 序号 column, bracket units,
    blank rows, text numbers, a correct 合计 row and a 填表人 footer."""
    rows = [
        ["青山村安全生产专项整治统计表"],
        ["填报单位：青山村      填报日期：2022年12月5日"],
        [],
        ["序号", "领域", "检查次数（次）", "排查隐患（处）", "整改隐患(处)", "查处违章（人次）"],
        [1, "道路交通安全", 5, 3, 3, 10],
        [],
        [2, "消防安全", 8, "4处", 4, None],
        [3, "危险化学品和烟花爆竹", "２", 1, 1.0, 0],
        [4, "森林防火", " 6 ", 0, 0, ""],
        [None, "合计", 21, 8, 8, 10],
        [],
        ["填表人：张三"],
    ]
    return save_rows(
        Path(directory) / "青山村安全统计表.xlsx", {"Sheet1": rows}, {"Sheet1": ["A1:F1", "A2:F2"]}
    )


VILLAGE_SHIQIAO_TOTAL_CELL = "E9"


def village_aliases(directory: Path) -> Path:
    """石桥村: half-width colon, header aliases in shuffled order, sector aliases, a wrong
    合计 (检查家次 19 instead of 20, cell E9), a 指标 sheet; saved as if by WPS."""
    rows = [
        ["石桥村统计表"],
        ["填报单位:石桥村"],
        ["行业领域", "已整改", "违章人次", "发现隐患", "检查家次（家）"],
        ["交通", 2, 5, 2, 4],
        ["消防", 1, 0, 1, 6],
        ["地灾", 2, None, 3, "3次"],
        ["校园安全", 0, 0, 0, 2],
        ["食品安全", 1, 0, 1, 5],
        ["合 计", 6, 5, 7, 19],
    ]
    figures = [
        ["指标", "数量", "单位"],
        ["发放宣传册", 500, "份"],
        ["推送微信", "1,000条", None],
        ["水库", 1, "座"],
    ]
    path = save_rows(Path(directory) / "石桥村.xlsx", {"统计": rows, "指标": figures})
    return as_other_application(path, "WPS 表格", inline_strings=False)


def village_years(directory: Path) -> Path:
    """河口村 (unit from the file name): sheets 2020年 / 2021 / 2022年度 and a 说明 sheet;
    类别 as the sector header; the 2022 合计 row is formulas with no saved result."""
    header = ["类别", "检查次数", "排查隐患", "整改隐患", "查处违章"]
    sheets = {
        "说明": [["本表按年度填报。"], ["数字为当年累计。"]],
        "2020年": [header, ["道路交通", 3, 1, 1, 2], ["建筑", 1, 0, 0, 0]],
        "2021": [header, ["道路交通", 2, 0, 0, 1], ["消防安全", 4, 2, 1, 0]],
        "2022年度": [
            header,
            ["食品药品", 3, 1, 1, 0],
            ["护林防火", 2, None, None, None],
            ["合计", "=SUM(B2:B3)", "=SUM(C2:C3)", "=SUM(D2:D3)", "=SUM(E2:E3)"],
        ],
    }
    return save_rows(Path(directory) / "河口村统计表.xlsx", sheets)


def units_in_column(directory: Path) -> Path:
    """One workbook for two town departments: a 填报单位 column with merged unit cells."""
    rows = [
        ["镇属部门安全生产统计表"],
        ["填报单位", "领域", "检查次数", "排查隐患", "整改隐患", "查处违章"],
        ["派出所", "道路交通安全", 10, 5, 5, 40],
        [None, "消防", 3, 1, 1, 0],
        ["食药所", "食品药品安全", 7, 2, 2, 0],
        [None, "合计", 20, 8, 8, 40],
    ]
    return save_rows(
        Path(directory) / "镇属部门.xlsx", {"Sheet1": rows}, {"Sheet1": ["A1:F1", "A3:A4"]}
    )


def village_libreoffice(directory: Path) -> Path:
    """松林社区: 填报单位 with （盖章） and a date in one cell, alias headers, a 项目/数值 figures
    sheet; saved as LibreOffice does, with inline strings."""
    rows = [
        ["松林社区统计表"],
        ["填报单位：松林社区（盖章）   填报日期：2022-12-01"],
        ["领域", "检查单位数", "隐患数", "整改完成", "整治违章"],
        ["危化品", 2, 1, 1, 0],
        ["建筑施工安全", 1, 1, 1, 0],
        ["校园及周边", 1, 0, 0, 0],
    ]
    figures = [["项目", "数值", "单位"], ["发放宣传册", 200, "份"], ["烟花爆竹经营点", "3", "个"]]
    path = save_rows(
        Path(directory) / "松林社区.xlsx", {"Sheet1": rows, "指标": figures}, {"Sheet1": ["A1:E1"]}
    )
    return as_other_application(path, "LibreOffice/7.6.4.1$Linux_X86_64", inline_strings=True)


def lock_file(directory: Path) -> Path:
    """The owner file Excel leaves while a workbook is open: not a workbook at all."""
    path = Path(directory) / "~$青山村安全统计表.xlsx"
    path.write_bytes(b"\x05zhangsan" + b"\x00" * 40)
    return path


def build_villages(directory: Path) -> list[Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = [
        village_merged_title(directory),
        village_aliases(directory),
        village_years(directory),
        units_in_column(directory),
        village_libreoffice(directory),
    ]
    lock_file(directory)
    (directory / "说明.txt").write_text("各村统计表", encoding="utf-8")
    return paths


def _z(**values: int) -> dict[str, int]:
    base = {"检查次数": 0, "排查隐患": 0, "整改隐患": 0, "查处违章": 0}
    base.update(
        {
            {"c": "检查次数", "f": "排查隐患", "x": "整改隐患", "v": "查处违章"}[k]: v
            for k, v in values.items()
        }
    )
    return base


# Worked out by hand from the rows above.
EXPECTED_TOTALS = {
    "道路交通安全": _z(c=24, f=11, x=11, v=58),
    "消防安全": _z(c=21, f=8, x=7),
    "危险化学品和烟花爆竹": _z(c=4, f=2, x=2),
    "地质灾害预防": _z(c=3, f=3, x=2),
    "建筑施工": _z(c=2, f=1, x=1),
    "森林防火": _z(c=8),
    "校园及周边环境": _z(c=3),
    "食品药品安全": _z(c=15, f=4, x=4),
}

EXPECTED_UNITS = {
    "青山村": {
        "道路交通安全": _z(c=5, f=3, x=3, v=10),
        "消防安全": _z(c=8, f=4, x=4),
        "危险化学品和烟花爆竹": _z(c=2, f=1, x=1),
        "森林防火": _z(c=6),
    },
    "石桥村": {
        "道路交通安全": _z(c=4, f=2, x=2, v=5),
        "消防安全": _z(c=6, f=1, x=1),
        "地质灾害预防": _z(c=3, f=3, x=2),
        "校园及周边环境": _z(c=2),
        "食品药品安全": _z(c=5, f=1, x=1),
    },
    "河口村": {
        "道路交通安全": _z(c=5, f=1, x=1, v=3),
        "建筑施工": _z(c=1),
        "消防安全": _z(c=4, f=2, x=1),
        "食品药品安全": _z(c=3, f=1, x=1),
        "森林防火": _z(c=2),
    },
    "派出所": {"道路交通安全": _z(c=10, f=5, x=5, v=40), "消防安全": _z(c=3, f=1, x=1)},
    "食药所": {"食品药品安全": _z(c=7, f=2, x=2)},
    "松林社区": {
        "危险化学品和烟花爆竹": _z(c=2, f=1, x=1),
        "建筑施工": _z(c=1, f=1, x=1),
        "校园及周边环境": _z(c=1),
    },
}

EXPECTED_YEARS = {
    2020: {"道路交通安全": _z(c=3, f=1, x=1, v=2), "建筑施工": _z(c=1)},
    2021: {"道路交通安全": _z(c=2, v=1), "消防安全": _z(c=4, f=2, x=1)},
    2022: {"食品药品安全": _z(c=3, f=1, x=1), "森林防火": _z(c=2)},
}

EXPECTED_FIGURES = {"发放宣传册": 700, "推送微信": 1000, "水库": 1, "烟花爆竹经营点": 3}
EXPECTED_FIGURE_UNITS = {"发放宣传册": "份", "推送微信": "条", "水库": "座", "烟花爆竹经营点": "个"}


# ---------------------------------------------------------------- broken inputs

BAD_CELL = "C4"  # the faulty value in bad_count sits here: row 4, column 排查隐患


def bad_count(directory: Path, value: object, name: str = "坏数村") -> Path:
    """A tidy tally with one bad value in C4."""
    rows = [
        [f"填报单位：{name}"],
        STANDARD_HEADER,
        ["道路交通安全", 1, 1, 1, 0],
        ["消防安全", 2, value, 0, 0],
    ]
    return save_rows(Path(directory) / f"{name}.xlsx", {"2021年": rows})


def bad_sector(directory: Path) -> Path:
    """An unknown sector 水上安全 in A4."""
    rows = [
        ["填报单位：错领域村"],
        STANDARD_HEADER,
        ["消防安全", 1, 0, 0, 0],
        ["水上安全", 2, 1, 1, 0],
    ]
    return save_rows(Path(directory) / "错领域村.xlsx", {"Sheet1": rows})


def bad_no_header(directory: Path) -> Path:
    """Numbers under a header that names no sector column."""
    rows = [["无表头村统计"], ["序号", "名称", "数目"], [1, "消防安全", 3], [2, "道路交通安全", 4]]
    return save_rows(Path(directory) / "无表头村.xlsx", {"Sheet1": rows})


def bad_empty(directory: Path) -> Path:
    return save_rows(Path(directory) / "空白村.xlsx", {"Sheet1": []})


def bad_duplicate(directory: Path) -> tuple[Path, Path]:
    """Two files for 重复村 2021, e.g. a first version and a corrected one."""
    rows = [["填报单位：重复村"], STANDARD_HEADER, ["消防安全", 3, 1, 1, 0]]
    first = save_rows(Path(directory) / "重复村.xlsx", {"2021年": rows})
    second = save_rows(Path(directory) / "重复村（修改）.xlsx", {"2021": rows})
    return first, second


def bad_corrupt(directory: Path) -> Path:
    path = Path(directory) / "损坏村.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    return path


def bad_encrypted(directory: Path) -> Path:
    """What Excel writes for a password-protected .xlsx: an OLE compound file."""
    path = Path(directory) / "加密村.xlsx"
    path.write_bytes(OLE_FILE)
    return path


def bad_old_formats(directory: Path) -> list[Path]:
    """Files in the other formats that still cannot be read: an .xls and an .et cut off after
    their first sector (a download that did not finish), a CSV that is not text."""
    directory = Path(directory)
    xls = directory / "旧格式村.xls"
    xls.write_bytes(OLE_FILE)
    et = directory / "金山村.et"
    et.write_bytes(OLE_FILE)
    csv = directory / "导出村.csv"
    csv.write_bytes("领域,检查次数\n消防安全,3\n".encode("utf-16-le"))
    return [xls, et, csv]


def bad_values_dates(directory: Path) -> Path:
    """若干 / -5 / 3.5 / a date, each in its own cell of one sheet."""
    rows = [
        ["填报单位：乱填村"],
        STANDARD_HEADER,
        ["道路交通安全", "若干", 1, 1, 0],  # B3
        ["消防安全", 2, -5, 0, 0],  # C4
        ["建筑施工", 1, 0, 3.5, 0],  # D5
        ["校园", 1, 0, 0, dt.datetime(2022, 3, 5)],  # E6
    ]
    return save_rows(Path(directory) / "乱填村.xlsx", {"Sheet1": rows})


# ---------------------------------------------------------------- rosters


def roster(
    path: Path, headers: list, rows: list[list], title: str | None = "名册", sheet: str = "Sheet1"
) -> Path:
    """A roster with an optional merged title row above the header."""
    lines = ([[title]] if title else []) + [headers] + rows
    merges = {sheet: [f"A1:{chr(64 + len(headers))}1"]} if title else {}
    return save_rows(path, {sheet: lines}, merges)
