"""Documents a township signs as they come out: an office's 责任书 states an office's duties, a
pharmacy gets a pharmacy's clause, a date typed as text still gives the term, a flood point's
notice warns of floods, and the rosters' junk rows and a missing duty phone are reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from clirun import run
from openpyxl import Workbook

UNITS = [
    ("单位名称*", "负责人*", "联系电话", "单位类型", "行业领域", "地址", "签订日期"),
    ("镇派出所", "王警官", "023-1", "机关事业单位", "道路交通安全", "", dt.date(2023, 1, 5)),
    ("镇食药所", "刘所长", "023-2", "机关事业单位", "食品药品安全", "", "2023年1月5日"),
    ("规划建设办", "陈主任", "023-3", "机关事业单位", "建筑施工", "", "2023-1-6"),
    ("康泰大药房", "赵店长", "138", "", "食品药品安全", "", "2023/1/7"),
    ("镇卫生院", "孙院长", "139", "", "", "", "待定"),
    ("..\\..\\etc", "某人", "", "", "", "", ""),
    ("镇卫生院", "孙院长", "139", "", "", "", ""),
]
HAZARDS = [
    ("隐患点名称*", "类型*", "位置*", "监测责任人*", "联系电话*", "避险路线*", "避险场所*"),
    ("黄家沟", "山洪沟", "一组", "李明", "139", "沿村道上山", "村小学"),
    ("王家湾", "滑坡", "三组", "张红", "137", "向东撤离", "村委会"),
]


def _sheet(path: Path, rows) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(list(row))
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def town(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("signable")
    (root / "docgen.toml").write_text(
        '[issuer]\nname = "白鹤镇人民政府"\nshort_name = "白鹤镇"\n'
        "[summary]\ndate = 2023-01-10\n"
        "[notices]\ndate = 2023-05-08\n",
        encoding="utf-8",
    )
    (root / "inputs" / "tallies").mkdir(parents=True)
    _sheet(
        root / "inputs" / "tallies" / "统计表-青山村.xlsx",
        [("填报单位：青山村",), ("领域", "检查次数", "排查隐患", "整改隐患"), ("消防", 3, 1, 1)],
    )
    _sheet(root / "inputs" / "units.xlsx", UNITS)
    _sheet(root / "inputs" / "hazards.xlsx", HAZARDS)
    return root


@pytest.fixture(scope="module")
def agreements(town) -> dict[str, str]:
    out = town / "outputs" / "agreements"
    result = run("agreements", town / "inputs" / "units.xlsx", "-o", out, cwd=town)
    assert result.exit_code == 0, result.output
    texts = {}
    for path in sorted(out.glob("*.docx")):
        texts[path.stem] = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    return texts


def test_an_office_promises_an_offices_duties_not_an_operators(agreements):
    police = agreements["镇派出所-安全生产责任书"]
    assert "公务车辆安全" in police and "办公场所消防安全" in police
    assert "履行道路交通安全领域的行业监管职责" in police
    assert "报废、拼装" not in police  # the transport operators' clause
    assert "特种作业人员持证上岗率" not in police
    food = agreements["镇食药所-安全生产责任书"]
    assert "履行食品药品安全领域的行业监管职责" in food
    assert "不采购、不销售" not in food


def test_a_pharmacy_gets_a_pharmacys_clause(agreements):
    pharmacy = agreements["康泰大药房-安全生产责任书"]
    assert "药品经营许可" in pharmacy and "处方药凭处方销售" in pharmacy
    assert "病房" not in pharmacy and "氧气间" not in pharmacy
    assert "病房、药房和氧气间" in agreements["镇卫生院-安全生产责任书"]


def test_a_date_typed_as_text_gives_the_term(agreements):
    assert "至2024年1月4日止" in agreements["镇食药所-安全生产责任书"]
    assert "至2024年1月5日止" in agreements["规划建设办-安全生产责任书"]
    assert "至2024年1月6日止" in agreements["康泰大药房-安全生产责任书"]


def test_check_names_junk_rows_text_dates_and_duplicates(town):
    result = run("check", town / "inputs" / "units.xlsx", cwd=town)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "单元格 A7：“..\\..\\etc”像文件路径，不像单位名称" in out
    assert "单元格 A8：单位名称“镇卫生院”与第 6 行重复，会印出两份" in out
    assert "单元格 G6：“待定”不是日期" in out
    assert "依赖这个日期的内容（如有效期）不会印出" in out


def test_a_flood_point_warns_of_floods_and_a_missing_duty_phone_is_reported(town):
    roster = town / "inputs" / "hazards.xlsx"
    checked = run("check", roster, cwd=town)
    assert checked.exit_code == 0, checked.output
    assert "2 份告知书没有镇值班电话" in checked.output
    assert "duty_phone" in checked.output

    out = town / "outputs" / "notices"
    result = run("notices", roster, "-o", out, cwd=town)
    assert result.exit_code == 0, result.output
    flood = "\n".join(p.text for p in docx.Document(str(out / "黄家沟-安全告知书.docx")).paragraphs)
    slide = "\n".join(p.text for p in docx.Document(str(out / "王家湾-安全告知书.docx")).paragraphs)
    assert "沟水突然上涨" in flood and "不涉水过沟" in flood
    assert "坡体滑动" not in flood and "开裂" not in flood
    assert "坡体滑动" in slide and "沟水突然上涨" not in slide


def test_build_reports_the_missing_duty_phone(town, tmp_path):
    result = run("build", cwd=town)
    assert result.exit_code == 0, result.output
    assert "没有镇值班电话" in result.output
