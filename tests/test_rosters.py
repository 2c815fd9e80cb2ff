"""Rosters read exactly as typed; every problem named by its cell; `docgen check` classification."""

from __future__ import annotations

import datetime as dt

import messy
import pytest

from docgen.errors import DataError
from docgen.inputs.checking import check_paths
from docgen.inputs.rosters import check_roster, read_roster, roster_kind

UNIT_HEADERS = ["单位名称*", "负责人*", "联系电话", "行业领域", "地址", "签订日期"]


def _units(tmp_path, rows, headers=UNIT_HEADERS, name="责任单位.xlsx", **kw):
    return messy.roster(tmp_path / name, headers, rows, **kw)


def test_values_are_read_as_typed(tmp_path):
    path = _units(
        tmp_path,
        [
            ["  青山村村委会 ", "张三", 13812345678, "消防", "青山村1组", dt.datetime(2022, 3, 7)],
            [None, None, None, None, None, None],
            ["石桥村村委会", "李四", 1.3912345678e10, "道路交通安全", 12, None],
            ["填表人：王五", None, None, None, None, None],
        ],
        title="2022年安全生产责任单位名册",
    )
    roster = read_roster(path, kind="agreements")
    assert roster.sheet == "Sheet1" and roster.header_row == 2
    assert roster.columns == ["单位名称", "负责人", "联系电话", "行业领域", "地址", "签订日期"]
    assert roster.required == ["单位名称", "负责人"]
    assert roster.rows == [3, 5]
    first, second = roster.records
    assert first == {
        "单位名称": "青山村村委会",
        "负责人": "张三",
        "联系电话": "13812345678",
        "行业领域": "消防",
        "地址": "青山村1组",
        "签订日期": dt.date(2022, 3, 7),
    }
    assert second["联系电话"] == "13912345678"
    assert second["地址"] == 12 and second["签订日期"] == ""
    assert roster.problems == []
    assert roster.cell(1, "负责人") == "B5"


def test_headers_with_units_and_spaces_are_normalised(tmp_path):
    headers = [
        "隐患点名称 *",
        "类型*",
        "位置*",
        "威胁户数（户）",
        "威胁人数(人)",
        "监测责任人*",
        "联系电话*",
        "预警信号",
        "避险路线*",
        "避险场所*",
    ]
    row = [
        "王家岩滑坡",
        "地质灾害",
        "青山村3组",
        12.0,
        30,
        "赵六",
        "13500000000",
        "鸣锣",
        "向东",
        "村委会",
    ]
    roster = read_roster(messy.roster(tmp_path / "隐患点.xlsx", headers, [row]), kind="notices")
    assert roster.columns[0] == "隐患点名称" and roster.columns[3] == "威胁户数"
    assert roster.records[0]["威胁户数"] == 12 and isinstance(roster.records[0]["威胁户数"], int)
    assert roster_kind(tmp_path / "隐患点.xlsx") == "notices"


def test_kind_makes_columns_required_without_star(tmp_path):
    headers = ["学校", "班级", "学生姓名", "家长姓名", "联系电话"]
    rows = [
        ["中心小学", "一年级（1）班", "王小明", "王大明", None],
        ["中心小学", "一年级（1）班", "李小红", None, None],
    ]
    path = messy.roster(tmp_path / "学生名册.xlsx", headers, rows, title=None)
    assert read_roster(path).required == []
    with pytest.raises(DataError) as info:
        read_roster(path, kind="letters")
    [problem] = info.value.problems
    assert problem.cell == "D3" and problem.sheet == "Sheet1" and "家长姓名" in problem.message


def test_all_empty_required_cells_are_reported(tmp_path):
    path = _units(
        tmp_path, [["青山村", None, None, None, None, None], [None, "李四", None, None, None, None]]
    )
    with pytest.raises(DataError) as info:
        read_roster(path)
    assert [(p.cell, p.file.endswith("责任单位.xlsx")) for p in info.value.problems] == [
        ("B3", True),
        ("A4", True),
    ]
    assert all("必填" in p.message for p in info.value.problems)


def test_missing_required_column_names_header_row_and_columns(tmp_path):
    path = messy.roster(
        tmp_path / "隐患点.xlsx",
        ["隐患点名称", "类型", "位置", "联系电话"],
        [["滑坡", "地质灾害", "3组", "135"]],
    )
    with pytest.raises(DataError) as info:
        read_roster(path, kind="notices")
    [problem] = info.value.problems
    assert problem.file.endswith("隐患点.xlsx") and problem.sheet == "Sheet1"
    assert "第 2 行" in problem.message
    for name in ("监测责任人", "避险路线", "避险场所"):
        assert name in problem.message


def test_duplicate_headers(tmp_path):
    path = _units(
        tmp_path,
        [["青山村", "张三", "1", "消防", "地址", None, "x"]],
        headers=[*UNIT_HEADERS, "负责人"],
    )
    with pytest.raises(DataError) as info:
        read_roster(path)
    [problem] = info.value.problems
    assert problem.cell == "G2" and "B2" in problem.message and "重复" in problem.message


def test_sheet_not_found_lists_the_sheets(tmp_path):
    path = _units(tmp_path, [["青山村", "张三", None, None, None, None]], sheet="名单")
    with pytest.raises(DataError) as info:
        read_roster(path, sheet="责任单位")
    assert "名单" in info.value.problems[0].hint
    assert read_roster(path, sheet="名单").records[0]["单位名称"] == "青山村"


def test_roster_sheet_found_after_a_notes_sheet(tmp_path):
    path = messy.save_rows(
        tmp_path / "名册.xlsx",
        {
            "说明": [["请按表填写"]],
            "学生": [
                ["学校", "班级", "学生姓名", "家长姓名"],
                ["中心小学", "二年级", "张小", "张大"],
            ],
        },
    )
    roster = read_roster(path, kind="letters")
    assert roster.sheet == "学生" and len(roster) == 1


def test_no_header_and_empty_roster(tmp_path):
    path = messy.save_rows(tmp_path / "空.xlsx", {"Sheet1": [["只有一个标题"]]})
    with pytest.raises(DataError) as info:
        read_roster(path)
    assert "找不到表头" in info.value.problems[0].message
    only_header = _units(tmp_path, [], name="只有表头.xlsx")
    roster = read_roster(only_header)
    assert roster.records == [] and roster.problems[0].severity == "warning"


def test_unknown_sector_in_agreements_is_a_warning(tmp_path):
    path = _units(tmp_path, [["青山村", "张三", None, "水上安全", None, None]])
    problems = check_roster(path, kind="agreements")
    assert [(p.severity, p.cell) for p in problems] == [("warning", "D3")]


def test_check_roster_never_raises(tmp_path):
    problems = check_roster(messy.bad_encrypted(tmp_path))
    assert problems and "加密" in problems[0].message


def test_libreoffice_roster(tmp_path):
    path = messy.as_other_application(
        _units(tmp_path, [["青山村", "张三", "13800000000", "消防安全", None, None]]), "LibreOffice"
    )
    assert read_roster(path, kind="agreements").records[0]["负责人"] == "张三"


def test_roster_kinds(tmp_path):
    assert roster_kind(_units(tmp_path, [])) == "agreements"
    letters = messy.roster(tmp_path / "s.xlsx", ["学校*", "班级*", "学生姓名*", "家长姓名*"], [])
    assert roster_kind(letters) == "letters"
    assert roster_kind(messy.village_merged_title(tmp_path)) is None
    assert roster_kind(messy.bad_corrupt(tmp_path)) is None


def test_read_many_rows_quickly(tmp_path):
    rows = [
        ["中心小学", f"{i % 6 + 1}年级", f"学生{i}", f"家长{i}", 13800000000 + i]
        for i in range(943)
    ]
    path = messy.roster(
        tmp_path / "学生名册.xlsx", ["学校*", "班级*", "学生姓名*", "家长姓名*", "联系电话"], rows
    )
    roster = read_roster(path, kind="letters")
    assert len(roster) == 943 and roster.records[-1]["联系电话"] == str(13800000000 + 942)
    assert roster.rows[-1] == 945


# ---------------------------------------------------------------- docgen check


def test_check_paths_classifies_and_collects_everything(tmp_path):
    messy.build_villages(tmp_path / "tallies")
    messy.bad_duplicate(tmp_path / "tallies")
    _units(
        tmp_path,
        [["青山村", "张三", None, "消防", None, None], ["石桥村", None, None, None, None, None]],
    )
    messy.roster(
        tmp_path / "学生名册.xlsx",
        ["学校*", "班级*", "学生姓名*", "家长姓名*"],
        [["小学", "一班", "甲", "乙"], ["小学", "一班", "丙", "丁"]],
    )
    messy.save_rows(tmp_path / "其他.xlsx", {"Sheet1": [["姓名", "年龄"], ["张三", 30]]})
    problems, stats = check_paths([tmp_path])
    errors = [p for p in problems if p.is_error]
    by_file = {p.file.split("/")[-1] for p in errors}
    assert by_file == {"责任单位.xlsx", "其他.xlsx", "重复村（修改）.xlsx"}
    unknown = next(p for p in errors if p.file.endswith("其他.xlsx"))
    assert "无法识别" in unknown.message and "学生姓名" in unknown.hint
    assert next(p for p in errors if p.file.endswith("责任单位.xlsx")).cell == "B4"
    assert stats.tally_files == 7 and stats.units == 7
    assert stats.roster_files == 2 and stats.roster_rows == 2
    assert stats.rosters["letters"] == 2 and stats.unknown_files == 1


def test_check_paths_with_nothing_to_check(tmp_path):
    problems, stats = check_paths([tmp_path])
    assert problems[0].is_error and stats.tally_files == 0
