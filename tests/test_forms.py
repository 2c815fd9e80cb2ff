"""The blank forms: their layout and validations, and that filled-in forms read back clean."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from docgen.errors import OutputExistsError
from docgen.figures import read_tallies
from docgen.inputs.checking import check_paths
from docgen.inputs.forms import FIGURE_NAMES, write_forms
from docgen.inputs.rosters import read_roster
from docgen.kinds.registry import registry
from docgen.vocabulary import METRICS, SECTORS, UNIT_TYPES

NAMES = ["统计表.xlsx", "责任单位.xlsx", "隐患点.xlsx", "学生名册.xlsx"]


@pytest.fixture()
def forms(tmp_path):
    paths = write_forms(tmp_path / "下发表格")
    assert [p.name for p in paths] == NAMES
    return {p.name: p for p in paths}


def _validations(ws):
    return {(dv.type, dv.formula1): str(dv.sqref) for dv in ws.data_validations.dataValidation}


def test_tally_form_layout_and_validation(forms):
    wb = openpyxl.load_workbook(forms["统计表.xlsx"])
    ws = wb["统计表"]
    assert "A1:E1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].value == "填报单位："
    assert "填写说明" in ws["A3"].value
    assert [c.value for c in ws[4]] == ["领域", *METRICS]
    assert [ws.cell(row=r, column=1).value for r in range(5, 13)] == list(SECTORS)
    checks = _validations(ws)
    assert checks[("list", '"' + ",".join(SECTORS) + '"')].startswith("A5:A")
    assert checks[("whole", "0")].startswith("B5:E")
    fs = wb["指标"]
    assert [c.value for c in fs[3]] == ["指标", "数量", "单位"]
    assert [
        (fs.cell(row=r, column=1).value, fs.cell(row=r, column=3).value) for r in range(4, 12)
    ] == list(FIGURE_NAMES)
    assert ("whole", "0") in _validations(fs)


@pytest.mark.parametrize(
    ("name", "kind"),
    [("责任单位.xlsx", "agreements"), ("隐患点.xlsx", "notices"), ("学生名册.xlsx", "letters")],
)
def test_roster_forms_mark_required_columns(forms, name, kind):
    ws = openpyxl.load_workbook(forms[name]).active
    assert ws["A1"].value == name.removesuffix(".xlsx")
    assert "带 * 的列必须填写" in ws["A2"].value
    expected = [c.name + ("*" if c.required else "") for c in registry()[kind].roster.columns]
    assert [c.value for c in ws[3]] == expected
    if kind == "agreements":
        assert _validations(ws)[("list", '"' + ",".join(SECTORS) + '"')] == "E4:E1003"
        assert _validations(ws)[("list", '"' + ",".join(UNIT_TYPES) + '"')] == "D4:D1003"
    if kind == "notices":
        kinds = _validations(ws)[
            ("list", '"滑坡,崩塌,泥石流,地面塌陷,不稳定斜坡,山洪沟,地质灾害,山洪灾害"')
        ]
        assert kinds == "B4:B1003"


@pytest.mark.parametrize("name", NAMES)
def test_every_validation_shows_its_prompt_and_stops_bad_input(forms, name):
    """Excel and WPS ignore a validation whose showErrorMessage is off: '若干' would be taken."""
    wb = openpyxl.load_workbook(forms[name])
    validations = [dv for ws in wb.worksheets for dv in ws.data_validations.dataValidation]
    assert validations
    for dv in validations:
        assert dv.showErrorMessage and dv.showInputMessage, dv.sqref
        assert dv.errorStyle in (None, "stop") and dv.error and dv.prompt
        rows = [r.max_row - r.min_row + 1 for r in dv.sqref.ranges]
        assert max(rows) >= 500, dv.sqref


def test_forms_are_not_overwritten_without_force(tmp_path):
    target = tmp_path / "表格"
    target.mkdir()
    (target / "隐患点.xlsx").write_bytes(b"mine")
    with pytest.raises(OutputExistsError):
        write_forms(target)
    assert sorted(p.name for p in target.iterdir()) == ["隐患点.xlsx"]  # nothing written
    write_forms(target, force=True)
    assert sorted(p.name for p in target.iterdir()) == sorted(NAMES)


def test_filled_tally_form_reads_back_without_problems(forms):
    path = forms["统计表.xlsx"]
    wb = openpyxl.load_workbook(path)
    ws = wb["统计表"]
    ws["B2"] = "青山村"
    ws["B5"], ws["C5"], ws["D5"], ws["E5"] = 5, 3, 3, 12
    ws["B6"], ws["C6"], ws["D6"] = 8, 4, 4
    fs = wb["指标"]
    fs["B4"], fs["B5"] = 300, 120
    wb.save(path)
    result = read_tallies([path])
    assert result.problems == []
    assert [u.unit for u in result.units] == ["青山村"]
    assert result.totals["道路交通安全"] == {
        "检查次数": 5,
        "排查隐患": 3,
        "整改隐患": 3,
        "查处违章": 12,
    }
    assert result.totals["消防安全"]["排查隐患"] == 4
    assert result.figures["发放宣传册"] == 300 and result.figure_units["推送微信"] == "条"
    assert result.figures["水库"] == 0
    assert list(result.years) == [None]


def test_blank_tally_form_only_asks_for_the_unit(forms):
    [problem] = read_tallies([forms["统计表.xlsx"]]).problems
    assert problem.severity == "warning" and "填报单位" in problem.message


def _fill(path, values):
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws.max_row == 3  # nothing below the header until someone types
    for col, value in enumerate(values, start=1):
        ws.cell(row=4, column=col, value=value)
    wb.save(path)


def test_filled_roster_forms_read_back_without_problems(forms):
    _fill(
        forms["责任单位.xlsx"],
        ["青山村村委会", "张三", "13812345678", None, "消防安全", "青山村1组", dt.date(2022, 3, 7)],
    )
    _fill(
        forms["隐患点.xlsx"],
        [
            "王家岩滑坡",
            "地质灾害",
            "青山村3组",
            12,
            30,
            "赵六",
            13500000000,
            "鸣锣",
            "沿村道向东",
            "村委会",
        ],
    )
    _fill(forms["学生名册.xlsx"], ["中心小学", "一年级（1）班", "王小明", "王大明", "13900000000"])

    units = read_roster(forms["责任单位.xlsx"], kind="agreements")
    assert units.problems == [] and units.rows == [4]
    assert units.records[0]["签订日期"] == dt.date(2022, 3, 7)
    assert units.records[0]["联系电话"] == "13812345678"
    hazards = read_roster(forms["隐患点.xlsx"], kind="notices")
    assert hazards.records[0]["威胁人数"] == 30 and hazards.problems == []
    assert hazards.records[0]["联系电话"] == "13500000000"
    letters = read_roster(forms["学生名册.xlsx"], kind="letters")
    assert letters.records[0]["学生姓名"] == "王小明"

    problems, stats = check_paths([forms["责任单位.xlsx"].parent])
    assert [p for p in problems if p.is_error] == []
    assert stats.roster_rows == 3 and stats.tally_files == 1


def test_forms_stay_chinese_under_an_english_interface(tmp_path):
    from docgen.i18n import current_language, set_language

    before = current_language()
    set_language("en")
    try:
        paths = write_forms(tmp_path)
    finally:
        set_language(before)
    ws = openpyxl.load_workbook(paths[0])["统计表"]
    assert [c.value for c in ws[4]] == ["领域", *METRICS]
    assert read_roster(paths[1], kind="agreements").columns[0] == "单位名称"
