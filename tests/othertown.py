"""A second town, built at test time, unlike the demo in every way the summary must not
take for granted: 青石乡 (a 乡, not a 镇) files a 报告, not a 工作总结, for 2021—2023.

- inspections counted in 次 by some units, in 家 (检查单位数（家）) or 家次 (检查家次) by
  others, sometimes for the same sector;
- sheets with no year (``Sheet1``, ``全年``) next to units that tally by year;
- no forest-fire figure at all, yet 护林防火 inspections;
- 水库 counted in 座, 烟花爆竹经营点 in 处;
- hazards still open (排查 > 整改) in three sectors;
- a 责任单位 roster whose 签订日期 are after the report's 成文日期 for most rows, one row
  undated; notices dated before the report, letters for a holiday after it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from messy import save_rows

TOWN = "青石乡"
DATE = dt.date(2023, 6, 30)

CONFIG = """\
[issuer]
name = "青石乡人民政府"
short_name = "青石乡"
recipient = "县应急管理局"

[summary]
title = "青石乡安全生产专项整治三年行动情况的报告"
kind = "报告"
date = 2023-06-30
years = [2021, 2023]

[notices]
date = 2023-05-10
duty_phone = "0831-5551234"

[letters]
holiday = "暑假"
start = 2023-07-08
end = 2023-08-31

[paths]
tallies = "inputs/tallies"
units = "inputs/units.xlsx"
hazards = "inputs/hazards.xlsx"
students = "inputs/students.xlsx"
"""

# unit → sheet → rows (header first); the expected sums below are written by hand
TALLIES: dict[str, dict[str, list[list]]] = {
    "01-龙潭村-统计表": {
        "2021年": [
            ["青石乡龙潭村统计表"],
            ["填报单位：龙潭村"],
            ["领域", "检查次数（次）", "排查隐患（处）", "整改隐患（处）", "查处违章（人次）"],
            ["道路交通", 12, 7, 7, 31],
            ["消防", 9, 5, 4, None],
            ["合计", 21, 12, 11, 31],
        ],
        "2022年": [
            ["填报单位：龙潭村"],
            ["领域", "检查次数（次）", "排查隐患（处）", "整改隐患（处）", "查处违章（人次）"],
            ["道路交通", "１５", 9, 8, 27],
            ["消防", 6, 2, 2, 0],
            ["护林防火", 8, 3, 3, None],
        ],
    },
    "02-青石乡市场监管所": {
        # one sheet, no year: the whole campaign at once, counted in 家
        "全年": [
            ["填报单位：青石乡市场监管所"],
            ["领域", "检查单位数（家）", "发现隐患（起）", "整改完成（起）"],
            ["食品安全", 64, 11, 9],
            ["危化品", 17, 4, 4],
        ],
    },
    "03-青石乡建管站": {
        "2022年": [
            ["填报单位：青石乡建管站"],
            ["行业领域", "检查家次", "排查隐患", "整改隐患"],
            ["建筑", 23, 6, 4],
        ],
        "2023年": [
            ["填报单位：青石乡建管站"],
            ["行业领域", "检查家次", "排查隐患", "整改隐患"],
            ["建筑", "11家次", 2, 2],
        ],
    },
    "04-白岩社区": {
        "Sheet1": [
            ["白岩社区安全生产统计"],
            ["填报单位:白岩社区"],
            ["类别", "检查", "隐患数", "已整改"],
            ["消防安全", 14, 3, 3],
            ["地灾", 5, 1, 1],
            ["校园", 4, None, None],
        ],
        "指标": [
            ["指标", "数量", "单位"],
            ["发放宣传册", 820, "份"],
            ["水库", 3, "座"],
            ["烟花爆竹经营点", 4, "处"],
        ],
    },
    "05-青石乡中心校": {
        "2023年": [
            ["填报单位：青石乡中心校"],
            ["领域", "检查次数", "排查隐患", "整改隐患"],
            ["校园安全", 7, 2, 2],
        ],
        "其他": [["项目", "数值", "单位"], ["检查校车", 18, "车次"]],
    },
}

# by sector and column, over every unit and sheet
EXPECTED: dict[str, dict[str, int]] = {
    "道路交通安全": {"检查次数": 27, "排查隐患": 16, "整改隐患": 15, "查处违章": 58},
    "消防安全": {"检查次数": 29, "排查隐患": 10, "整改隐患": 9},
    "危险化学品和烟花爆竹": {"检查单位": 17, "排查隐患": 4, "整改隐患": 4},
    "地质灾害预防": {"检查次数": 5, "排查隐患": 1, "整改隐患": 1},
    "建筑施工": {"检查家次": 34, "排查隐患": 8, "整改隐患": 6},
    "森林防火": {"检查次数": 8, "排查隐患": 3, "整改隐患": 3},
    "校园及周边环境": {"检查次数": 11, "排查隐患": 2, "整改隐患": 2},
    "食品药品安全": {"检查单位": 64, "排查隐患": 11, "整改隐患": 9},
}
# hazards still open: 道路交通安全 1, 消防安全 1, 建筑施工 2, 食品药品安全 2
OPEN = {"道路交通安全": 1, "消防安全": 1, "建筑施工": 2, "食品药品安全": 2}

UNITS_HEADER = ["单位名称*", "负责人*", "联系电话", "行业领域", "地址", "签订日期"]
UNITS = [
    [
        "龙潭村村民委员会",
        "何建国",
        "13900000001",
        "道路交通安全",
        "龙潭村一组",
        dt.date(2023, 3, 2),
    ],
    ["白岩社区居民委员会", "罗芳", "13900000002", "消防安全", "白岩街1号", dt.date(2023, 6, 30)],
    ["青石乡中心校", "赵明", "13900000003", "校园及周边环境", "青石街8号", dt.date(2023, 7, 5)],
    ["青石加油站", "孙力", "13900000004", "危险化学品和烟花爆竹", "省道旁", "2023年7月12日"],
    ["青石建筑公司", "吴刚", "13900000005", "建筑施工", "工业园", dt.date(2023, 8, 1)],
    ["青石饭店", "郑红", "13900000006", "食品药品安全", "老街3号", None],
]
SIGNED = 2  # by 2023-06-30: 龙潭村 and 白岩社区 (on the day itself)

HAZARDS_HEADER = [
    "隐患点名称*",
    "类型*",
    "位置*",
    "威胁户数",
    "威胁人数",
    "监测责任人*",
    "联系电话*",
    "预警信号",
    "避险路线*",
    "避险场所*",
]
HAZARDS = [
    [
        "龙潭村后山滑坡",
        "滑坡",
        "龙潭村三组",
        6,
        21,
        "何建国",
        "13900000011",
        "鸣锣",
        "沿村道向东",
        "村委会",
    ],
    [
        "白岩沟泥石流",
        "泥石流",
        "白岩社区",
        4,
        12,
        "罗芳",
        "13900000012",
        "广播",
        "向北上坡",
        "社区广场",
    ],
    [
        "青石河山洪沟",
        "山洪沟",
        "青石河",
        9,
        30,
        "孙力",
        "13900000013",
        "口哨",
        "向西",
        "中心校操场",
    ],
]
STUDENTS = 37


def build(root: Path) -> Path:
    """The workspace of 青石乡 under ``root``: docgen.toml and inputs/."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / "docgen.toml").write_text(CONFIG, encoding="utf-8")
    tallies = root / "inputs" / "tallies"
    for name, sheets in TALLIES.items():
        save_rows(tallies / f"{name}.xlsx", sheets)
    save_rows(
        root / "inputs" / "units.xlsx",
        {"责任单位": [["青石乡安全生产责任单位名册"], UNITS_HEADER, *UNITS]},
    )
    save_rows(root / "inputs" / "hazards.xlsx", {"隐患点": [HAZARDS_HEADER, *HAZARDS]})
    pupils = [
        ["青石乡中心校", f"{1 + i % 6}年级", f"学生{i + 1:02d}", f"家长{i + 1:02d}", ""]
        for i in range(STUDENTS)
    ]
    save_rows(
        root / "inputs" / "students.xlsx",
        {"Sheet1": [["学校*", "班级*", "学生姓名*", "家长姓名*", "联系电话"], *pupils]},
    )
    return root
