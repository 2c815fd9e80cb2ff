"""Reading messy tallies exactly, consolidating them, and the 汇总表 workbook."""

from __future__ import annotations

import json
import re
import unicodedata

import messy
import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from docgen.errors import DataError, OutputExistsError
from docgen.figures import collect, read_tallies, write_summary_workbook
from docgen.inputs.tallies import empty_table
from docgen.vocabulary import METRICS, SECTORS


@pytest.fixture(scope="module")
def villages(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tallies")
    messy.build_villages(directory)
    return directory


@pytest.fixture(scope="module")
def consolidation(villages):
    return read_tallies([villages])


def _merged(table):
    """A table with its inspections in one 检查次数, as messy's expectations count them (its
    villages head the column 检查次数, 检查单位数 or 检查家次 for the same count)."""
    out = {}
    for sector, row in table.items():
        row = dict(row)
        row["检查次数"] += row.pop("检查单位", 0) + row.pop("检查家次", 0)
        out[sector] = row
    return out


def _nonzero(table):
    return {s: m for s, m in _merged(table).items() if any(m.values())}


def test_totals_by_sector_and_metric_are_exact(consolidation):
    assert _merged(consolidation.totals) == messy.EXPECTED_TOTALS
    assert list(consolidation.totals) == list(SECTORS)
    assert consolidation.columns == ("检查次数", "检查单位", "检查家次", *METRICS[1:])
    assert all(list(row) == list(consolidation.columns) for row in consolidation.totals.values())


def test_inspections_are_split_by_what_the_header_counts(consolidation):
    units = {u.unit: u for u in consolidation.units}
    # 石桥村 heads its column 检查家次（家）, 食药所 检查单位数: never added to 检查次数
    for unit, column in (("石桥村", "检查家次"), ("松林社区", "检查单位")):
        totals = units[unit].totals
        assert sum(row[column] for row in totals.values()) > 0
        assert sum(row["检查次数"] for row in totals.values()) == 0
        other = {"检查家次": "检查单位", "检查单位": "检查家次"}[column]
        assert sum(row[other] for row in totals.values()) == 0


def test_every_total_is_the_sum_of_its_cells(consolidation, villages):
    books = {}
    for sector in SECTORS:
        for column in consolidation.columns:
            figure = consolidation.traced(column, sector=sector)
            assert int(figure) == consolidation.totals[sector][column]
            cited = 0
            for cell in figure.cells:
                path = villages / cell.file.split("/")[-1]
                if path not in books:
                    books[path] = openpyxl.load_workbook(path, data_only=True)
                book = books[path]
                value = book[cell.sheet][cell.ref].value
                digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", str(value or 0)))
                cited += int(digits or 0)
            assert cited == int(figure), (sector, column, figure.refs)


def test_totals_by_unit_are_exact(consolidation):
    units = {u.unit: u for u in consolidation.units}
    assert set(units) == set(messy.EXPECTED_UNITS)
    for name, expected in messy.EXPECTED_UNITS.items():
        assert _nonzero(units[name].totals) == expected, name
    assert units["派出所"].files == units["食药所"].files
    assert units["派出所"].files[0].endswith("镇属部门.xlsx")
    assert units["青山村"].files[0].endswith("青山村安全统计表.xlsx")


def test_totals_by_year_are_exact(consolidation):
    assert list(consolidation.years) == [2020, 2021, 2022, None]
    for year, expected in messy.EXPECTED_YEARS.items():
        assert _nonzero(consolidation.years[year]) == expected
    summed = empty_table()
    for table in consolidation.years.values():
        for s in SECTORS:
            for m in consolidation.columns:
                summed[s][m] = summed[s].get(m, 0) + table[s][m]
    assert summed == consolidation.totals
    hekou = next(u for u in consolidation.units if u.unit == "河口村")
    assert set(hekou.years) == {2020, 2021, 2022}


def test_figures_are_summed_by_name_with_their_units(consolidation):
    assert consolidation.figures == messy.EXPECTED_FIGURES
    assert consolidation.figure_units == messy.EXPECTED_FIGURE_UNITS


def test_only_the_expected_warnings(consolidation):
    problems = consolidation.problems
    assert not consolidation.has_errors
    assert [(p.file.split("/")[-1], p.sheet, p.cell, p.severity) for p in problems] == [
        ("河口村统计表.xlsx", "2022年度", "B4", "warning"),
        ("石桥村.xlsx", "统计", messy.VILLAGE_SHIQIAO_TOTAL_CELL, "warning"),
    ]
    assert "没有保存计算结果" in problems[0].message
    assert "19" in problems[1].message and "20" in problems[1].message
    assert len(consolidation.files) == 5  # the lock file and the .txt are not read


def test_json_has_the_documented_shape(consolidation):
    data = json.loads(json.dumps(consolidation.to_json(), ensure_ascii=False))
    assert list(data) == ["units", "totals", "figures", "years", "problems", "sources"]
    assert _merged(data["totals"])["消防安全"]["检查次数"] == 21
    # every figure with its cells, as Excel external references
    fire = next(s for s in data["sources"] if s["what"] == "消防安全·排查隐患")
    assert fire["value"] == 8 == sum(c["value"] for c in fire["cells"])
    assert all(re.fullmatch(r"'\[[^]]+\.xlsx\][^']+'![A-Z]+\d+", c["ref"]) for c in fire["cells"])
    assert fire["refs"] == "；".join(c["ref"] for c in fire["cells"])
    assert set(data["years"]) == {"2020", "2021", "2022", "未分年度"}
    assert data["years"]["2021"]["消防安全"]["排查隐患"] == 2
    assert data["figures"]["发放宣传册"] == 700
    unit = data["units"][0]
    assert set(unit) == {"unit", "files", "totals"}
    assert data["problems"][1]["cell"] == "E9" and data["problems"][1]["severity"] == "warning"


def test_rectification_rate(consolidation):
    assert consolidation.rectification_rate("食品药品安全") == 1.0
    assert consolidation.rectification_rate("消防安全") == pytest.approx(7 / 8)
    assert consolidation.rectification_rate("森林防火") is None
    assert consolidation.rectification_rate() == pytest.approx(27 / 29)


def test_collect_passes_with_warnings_only(villages):
    assert _merged(collect([villages]).totals) == messy.EXPECTED_TOTALS


# ---------------------------------------------------------------- broken inputs


def _problems(path_or_dir):
    return read_tallies([path_or_dir]).problems


@pytest.mark.parametrize(
    ("cell", "words"),
    [("B3", "若干"), ("C4", "负数"), ("D5", "不是整数"), ("E6", "日期")],
)
def test_bad_values_name_file_sheet_and_cell(tmp_path, cell, words):
    path = messy.bad_values_dates(tmp_path)
    problems = {p.cell: p for p in _problems(path)}
    assert set(problems) == {"B3", "C4", "D5", "E6"}
    problem = problems[cell]
    assert problem.is_error and problem.file.endswith("乱填村.xlsx") and problem.sheet == "Sheet1"
    assert words in problem.message


def test_bad_count_fixture_puts_the_fault_in_c4(tmp_path):
    [problem] = _problems(messy.bad_count(tmp_path, "若干"))
    assert (problem.sheet, problem.cell) == ("2021年", messy.BAD_CELL)
    assert "“若干”" in problem.message and "排查隐患" in problem.message


def test_bad_values_are_not_summed_and_collect_raises(tmp_path):
    path = messy.bad_values_dates(tmp_path)
    result = read_tallies([path])
    assert result.totals["消防安全"]["检查次数"] == 2
    with pytest.raises(DataError) as info:
        collect([path])
    assert len(info.value.errors) == 4


def test_unknown_sector_lists_the_known_ones(tmp_path):
    [problem] = _problems(messy.bad_sector(tmp_path))
    assert problem.is_error and problem.cell == "A4"
    assert "水上安全" in problem.message
    assert all(sector in problem.hint for sector in SECTORS)


def test_no_header_row(tmp_path):
    [problem] = _problems(messy.bad_no_header(tmp_path))
    assert problem.is_error and problem.file.endswith("无表头村.xlsx")
    assert "找不到表头" in problem.message
    assert "领域" in problem.hint and "检查次数" in problem.hint


def test_text_only_workbook_has_no_header(tmp_path):
    path = messy.save_rows(
        tmp_path / "通知.xlsx", {"Sheet1": [["关于报送统计表的通知"], ["请各村填写"]]}
    )
    [problem] = _problems(path)
    assert "找不到表头" in problem.message and problem.sheet == ""


def test_empty_workbook(tmp_path):
    [problem] = _problems(messy.bad_empty(tmp_path))
    assert problem.is_error and "空的" in problem.message


def test_duplicate_unit_and_year_across_files_names_both(tmp_path):
    first, second = messy.bad_duplicate(tmp_path)
    result = read_tallies([tmp_path])
    [problem] = result.problems
    assert problem.is_error
    assert first.name in problem.message and second.name in problem.message
    assert "2021" in problem.message
    assert result.totals["消防安全"]["检查次数"] == 3  # counted once


def test_duplicate_unit_and_year_within_one_workbook(tmp_path):
    rows = [["填报单位：双表村"], messy.STANDARD_HEADER, ["消防安全", 1, 0, 0, 0]]
    path = messy.save_rows(tmp_path / "双表村.xlsx", {"2022年": rows, "2022年度": rows})
    [problem] = _problems(path)
    assert problem.is_error and "2022年" in problem.message and "2022年度" in problem.message


def test_file_problems_are_listed_together(tmp_path):
    messy.bad_corrupt(tmp_path)
    messy.bad_encrypted(tmp_path)
    messy.bad_old_formats(tmp_path)
    messy.village_merged_title(tmp_path)
    result = read_tallies([tmp_path])
    messages = {p.file.split("/")[-1]: p for p in result.problems}
    assert set(messages) == {
        "损坏村.xlsx",
        "加密村.xlsx",
        "旧格式村.xls",
        "金山村.et",
        "导出村.csv",
    }
    assert "加密" in messages["加密村.xlsx"].message
    assert "另存为 .xlsx" in messages["导出村.csv"].hint
    assert result.totals["消防安全"]["检查次数"] == 8  # the good file is still read


def test_no_tally_files_is_an_error_naming_the_folder(tmp_path):
    empty = tmp_path / "统计表"
    empty.mkdir()
    with pytest.raises(DataError) as info:
        collect([empty])
    [problem] = info.value.problems
    assert "统计表" in problem.message and ".xlsx" in problem.message


def test_rectified_more_than_found_is_a_warning(tmp_path):
    rows = [["填报单位：多改村"], messy.STANDARD_HEADER, ["消防安全", 3, 1, 2, 0]]
    [problem] = _problems(messy.save_rows(tmp_path / "多改村.xlsx", {"Sheet1": rows}))
    assert problem.severity == "warning" and problem.cell == "D3"


@pytest.mark.parametrize(
    ("line", "extra", "unit"),
    [
        ("填报单位：青山村", None, "青山村"),
        ("填报单位:青山村", None, "青山村"),
        ("填报单位： 青 山 村 ", None, "青山村"),
        ("填报单位：青山村（盖章）    填报日期：2022年12月1日", None, "青山村"),
        ("填报单位（盖章）：青山村", None, "青山村"),
        ("填报单位：", "青山村", "青山村"),
        ("填报单位：________", None, "文件名村"),
    ],
)
def test_unit_line_variants(tmp_path, line, extra, unit):
    rows = [["统计表"], [line, extra], messy.STANDARD_HEADER, ["消防", 1, 0, 0, 0]]
    path = messy.save_rows(tmp_path / "文件名村.xlsx", {"Sheet1": rows}, {"Sheet1": ["A1:E1"]})
    result = read_tallies([path])
    assert [u.unit for u in result.units] == [unit]
    if unit == "文件名村":
        assert [p.severity for p in result.problems] == ["warning"]
        assert "没有填写" in result.problems[0].message
    else:
        assert result.problems == []


def test_notes_sheet_is_ignored_but_a_data_sheet_without_header_is_not(tmp_path):
    good = [["填报单位：两表村"], messy.STANDARD_HEADER, ["消防安全", 1, 0, 0, 0]]
    notes = [["填表说明"], ["1. 数字填整数"]]
    stray = [["消防安全", 4, 1], ["道路交通安全", 2, 0]]
    path = messy.save_rows(tmp_path / "两表村.xlsx", {"统计": good, "说明": notes, "草稿": stray})
    [problem] = _problems(path)
    assert problem.is_error and problem.sheet == "草稿"


def test_summary_sheet_beside_year_sheets_is_checked_not_counted(tmp_path):
    header = messy.STANDARD_HEADER
    sheets = {
        "2020年": [header, ["消防安全", 2, 1, 1, 0]],
        "2021年": [header, ["消防安全", 3, 0, 0, 0]],
        "汇总": [header, ["消防安全", 6, 1, 1, 0]],
    }
    result = read_tallies([messy.save_rows(tmp_path / "年度村.xlsx", sheets)])
    assert result.totals["消防安全"]["检查次数"] == 5
    [problem] = result.problems
    assert problem.severity == "warning" and problem.sheet == "汇总" and problem.cell == "B2"


def test_footer_and_blank_rows_are_skipped_but_a_number_without_sector_is_not(tmp_path):
    rows = [messy.STANDARD_HEADER, ["消防安全", 1, 0, 0, 0], [None, 5, None, None, None]]
    [problem] = _problems(messy.save_rows(tmp_path / "缺领域村.xlsx", {"Sheet1": rows}))
    assert problem.is_error and problem.cell == "A3"


def test_demo_tallies_add_up_to_the_reference_figures(tmp_path):
    import demotown as demo

    demo.write_demo_inputs(tmp_path)
    result = collect([tmp_path / "inputs" / "tallies"])
    assert _merged(result.totals) == demo.EXPECTED_TOTALS
    assert result.figures == demo.EXPECTED_FIGURES


# ---------------------------------------------------------------- 汇总表.xlsx


class Sheet:
    """Evaluates the few formula shapes the summary workbook uses, to check its results."""

    def __init__(self, ws):
        self.ws = ws

    def value(self, ref: str):
        raw = self.ws[ref].value
        if not (isinstance(raw, str) and raw.startswith("=")):
            return raw
        return self._eval(raw[1:])

    def _eval(self, expr: str):
        match = re.fullmatch(r'IF\((\w+)=0,"",(\w+)/(\w+)\)', expr)
        if match:
            den = self.value(match.group(1))
            return "" if den == 0 else self.value(match.group(2)) / self.value(match.group(3))
        match = re.fullmatch(r"SUM\((\w+:\w+)\)", expr)
        if match:
            lo_col, lo_row, hi_col, hi_row = range_boundaries(match.group(1))
            return sum(
                self.value(self.ws.cell(row=r, column=c).coordinate) or 0
                for r in range(lo_row, hi_row + 1)
                for c in range(lo_col, hi_col + 1)
            )
        if re.fullmatch(r"[A-Z]+\d+(\+[A-Z]+\d+)*", expr):
            return sum(self.value(ref) for ref in expr.split("+"))
        raise AssertionError(f"unexpected formula {expr}")


@pytest.fixture(scope="module")
def summary(consolidation, tmp_path_factory):
    path = tmp_path_factory.mktemp("out") / "汇总表.xlsx"
    assert write_summary_workbook(consolidation, path) == path
    return openpyxl.load_workbook(path)


def test_summary_workbook_sheets(summary):
    assert summary.sheetnames == [
        "分领域汇总",
        "分单位",
        "分单位明细",
        "分年度",
        "指标",
        "数据来源",
        "问题清单",
    ]


def test_summary_by_sector_has_real_formulas(summary):
    ws = summary["分领域汇总"]
    sheet = Sheet(ws)
    columns = ("检查次数", "检查单位", "检查家次", *METRICS[1:])
    assert [c.value for c in ws[1]] == ["领域", *columns, "整改率"]
    assert ws["A10"].value == "合计"
    assert ws["B10"].value == "=SUM(B2:B9)"
    # 排查隐患 in E, 整改隐患 in F: the rate in H
    assert ws["H2"].value == '=IF(E2=0,"",F2/E2)'
    assert "%" in ws["H2"].number_format
    for r, sector in enumerate(SECTORS, start=2):
        assert ws.cell(row=r, column=1).value == sector
        row = {column: ws.cell(row=r, column=c).value for c, column in enumerate(columns, start=2)}
        assert _merged({sector: row})[sector] == messy.EXPECTED_TOTALS[sector]
    assert sheet.value("B10") + sheet.value("C10") + sheet.value("D10") == 80
    assert sheet.value("G10") == 58
    assert sheet.value("H10") == pytest.approx(27 / 29)
    assert sheet.value("H7") == ""  # 森林防火: nothing found, no rate
    assert ws.freeze_panes == "B2"
    assert ws["A1"].font.bold


def test_summary_by_unit_adds_up(summary):
    ws = summary["分单位"]
    sheet = Sheet(ws)
    n = 6  # columns per block: 检查次数, 检查单位, 检查家次, 排查隐患, 整改隐患, 查处违章
    assert ws["A1"].value == "填报单位" and ws["B1"].value == "合计"
    assert ws.cell(row=1, column=2 + n).value == "道路交通安全"
    assert [ws.cell(row=2, column=c).value for c in range(2, 2 + n)][:3] == [
        "检查次数",
        "检查单位",
        "检查家次",
    ]
    rows = {ws.cell(row=r, column=1).value: r for r in range(3, ws.max_row + 1)}
    assert set(rows) == set(messy.EXPECTED_UNITS) | {"合计"}

    def inspections(r, first):
        return sum(sheet.value(ws.cell(row=r, column=first + i).coordinate) for i in range(3))

    for unit, expected in messy.EXPECTED_UNITS.items():
        r = rows[unit]
        assert inspections(r, 2) == sum(m["检查次数"] for m in expected.values())
        assert inspections(r, 2 + n) == expected.get("道路交通安全", {}).get("检查次数", 0)
    total = rows["合计"]
    assert ws[f"B{total}"].value.startswith("=SUM(")
    assert inspections(total, 2) == 80
    assert sheet.value(ws.cell(row=total, column=7).coordinate) == 58
    assert ws.freeze_panes == "B3"
    assert ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape"


def test_summary_unit_detail_prints_on_portrait_pages(summary):
    ws = summary["分单位明细"]
    sheet = Sheet(ws)
    columns = ("检查次数", "检查单位", "检查家次", *METRICS[1:])
    assert [c.value for c in ws[1]] == ["填报单位", "领域", *columns]
    rows = {
        (ws.cell(row=r, column=1).value, ws.cell(row=r, column=2).value): r
        for r in range(2, ws.max_row)
    }
    expected = {
        (unit, sector): metrics
        for unit, sectors in messy.EXPECTED_UNITS.items()
        for sector, metrics in sectors.items()
        if any(metrics.values())
    }
    assert set(rows) == set(expected)
    for key, metrics in expected.items():
        row = {c: ws.cell(row=rows[key], column=3 + i).value for i, c in enumerate(columns)}
        assert _merged({"": row})[""] == metrics
    assert ws.cell(row=ws.max_row, column=1).value == "合计"
    assert sum(sheet.value(f"{c}{ws.max_row}") for c in "CDE") == 80
    assert ws.page_setup.orientation == "portrait"


def test_summary_by_year_and_figures(summary):
    ws = summary["分年度"]
    sheet = Sheet(ws)
    labels = [ws.cell(row=r, column=1).value for r in range(3, ws.max_row + 1)]
    assert labels == ["2020年", "2021年", "2022年", "未分年度", "合计"]
    assert sum(sheet.value(f"{c}3") for c in "BCD") == 4
    assert sum(sheet.value(f"{c}7") for c in "BCD") == 80
    fs = summary["指标"]
    figures = Sheet(fs)
    found = {fs.cell(row=r, column=1).value: r for r in range(2, fs.max_row + 1)}
    for name, value in messy.EXPECTED_FIGURES.items():
        r = found[name]
        assert fs[f"B{r}"].value.startswith("=SUM(")
        assert figures.value(f"B{r}") == value
        assert fs[f"C{r}"].value == messy.EXPECTED_FIGURE_UNITS[name]


def test_summary_problem_list(summary):
    ws = summary["问题清单"]
    assert [c.value for c in ws[1]] == ["级别", "文件", "工作表", "单元格", "问题", "处理建议"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert [(r[0], r[2], r[3]) for r in rows] == [
        ("警告", "2022年度", "B4"),
        ("警告", "统计", "E9"),
    ]


def test_summary_is_not_overwritten_without_force(consolidation, tmp_path):
    path = tmp_path / "汇总表.xlsx"
    path.write_bytes(b"old")
    with pytest.raises(OutputExistsError):
        write_summary_workbook(consolidation, path)
    assert path.read_bytes() == b"old"
    write_summary_workbook(consolidation, path, force=True)
    assert openpyxl.load_workbook(path)["分领域汇总"]["A2"].value == SECTORS[0]
    assert [p.name for p in tmp_path.iterdir()] == ["汇总表.xlsx"]


def test_summary_with_errors_lists_them_first(tmp_path):
    messy.bad_sector(tmp_path)
    messy.village_aliases(tmp_path)
    result = read_tallies([tmp_path])
    path = write_summary_workbook(result, tmp_path / "out" / "汇总表.xlsx")
    ws = openpyxl.load_workbook(path)["问题清单"]
    assert ws["A2"].value == "错误" and ws["D2"].value == "A4"
    assert ws["A3"].value == "警告"


def test_total_typed_in_the_number_column_and_numbered_sectors(tmp_path):
    rows = [
        ["填报单位：编号村"],
        ["序号", "领域", "检查次数", "排查隐患", "整改隐患", "查处违章"],
        [1, "1.消防", 2, 1, 1, 0],
        [2, "（二）道路交通", 3, 0, 0, 4],
        ["合计", None, 5, 1, 1, 3],
    ]
    path = messy.save_rows(tmp_path / "编号村.xlsx", {"Sheet1": rows}, {"Sheet1": ["A5:B5"]})
    result = read_tallies([path])
    assert result.totals["消防安全"]["检查次数"] == 2
    assert result.totals["道路交通安全"]["查处违章"] == 4
    [problem] = result.problems
    assert problem.severity == "warning" and problem.cell == "F5"


def test_two_columns_for_one_metric_warn(tmp_path):
    rows = [["领域", "检查次数", "排查隐患", "检查家次"], ["消防安全", 2, 1, 5]]
    result = read_tallies([messy.save_rows(tmp_path / "两列村.xlsx", {"Sheet1": rows})])
    [problem] = result.problems
    assert problem.severity == "warning" and problem.cell == "D1" and "B1" in problem.message
    assert result.totals["消防安全"]["检查次数"] == 2


def test_summary_workbook_lists_the_sources_of_every_figure(summary, villages):
    ws = summary["数据来源"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("位置", "内容", "数值", "印作", "来源")
    books: dict = {}
    whats = set()
    for where, what, value, printed, refs in rows[1:]:
        assert where in ("分领域汇总", "指标")
        whats.add(what)
        cited = 0
        for ref in refs.split("；") if refs else []:
            book, sheet, cell = re.fullmatch(r"'\[([^\]]+)\](.+)'!([A-Z]+\d+)", ref).groups()
            if book not in books:
                books[book] = openpyxl.load_workbook(villages / book, data_only=True)
            raw = books[book][sheet][cell].value
            cited += int(re.sub(r"\D", "", unicodedata.normalize("NFKC", str(raw))) or 0)
        assert cited == value, (what, refs)
        assert printed.startswith(str(value))
    assert "消防安全·排查隐患" in whats and "发放宣传册" in whats


def test_a_cell_is_cited_as_excel_writes_an_external_reference(tmp_path):
    path = messy.save_rows(
        tmp_path / "05-龙潭村-统计表.xlsx",
        {
            "2021年": [["填报单位：龙潭村"], messy.STANDARD_HEADER, ["消防", 3, 2, "2处", None]],
            "龙潭村's 2022": [messy.STANDARD_HEADER, ["消防", 4, "１", 0, 0]],
        },
    )
    result = read_tallies([path])
    found = result.traced("排查隐患", sector="消防安全")
    assert found == 3
    assert (
        found.refs
        == "'[05-龙潭村-统计表.xlsx]2021年'!C3；'[05-龙潭村-统计表.xlsx]龙潭村''s 2022'!C2"
    )
    # a typed 0 is cited, an empty cell is not
    assert [c.ref for c in result.traced("查处违章").cells] == ["E2"]
    assert result.traced("检查次数", year=2021) == 3 and result.traced("检查次数", year=None) == 4
