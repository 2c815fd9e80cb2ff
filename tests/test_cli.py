"""The command line, end to end: what a secretary types and what she gets back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import docx
import messy
import openpyxl
import pytest
from clirun import run
from demotown import EXPECTED_STUDENTS, EXPECTED_TOTALS, REFERENCE_FIGURES


def document_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def files_under(folder: Path) -> dict[str, float]:
    return {
        str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def workspace(demo_town) -> Path:
    """A fresh workspace made by ``docgen init`` and built once (shared: tests only read it)."""
    return demo_town.root


# ---------------------------------------------------------------- init and build


def test_init_makes_a_complete_workspace(workspace):
    for name in (
        "docgen.toml",
        "templates/工作总结.docx",
        "templates/安全承诺书.docx",
        "inputs/units.xlsx",
        "inputs/hazards.xlsx",
        "inputs/students.xlsx",
    ):
        assert (workspace / name).is_file(), name
    assert list((workspace / "inputs" / "tallies").glob("*.xlsx"))


def test_init_refuses_an_existing_workspace(workspace):
    result = run("init", workspace)
    assert result.exit_code == 1
    assert "已存在" in result.output and "--force" in result.output


def test_build_writes_every_document(workspace):
    out = workspace / "outputs"
    assert (out / "汇总表.xlsx").is_file()
    assert (out / "工作总结.docx").is_file()
    assert len(list((out / "安全承诺书").glob("*.docx"))) == EXPECTED_STUDENTS
    assert len(list((out / "安全告知书").glob("*.docx"))) == 14
    assert len(list((out / "安全生产责任书").glob("*.docx"))) == 30
    for name in ("安全生产责任书", "安全告知书", "安全承诺书"):
        assert (out / f"{name}（合订本）.docx").is_file()


def test_build_summary_prints_every_reference_figure(workspace):
    text = document_text(workspace / "outputs" / "工作总结.docx")
    for figure in REFERENCE_FIGURES:
        assert figure in text, figure
    assert "2022年12月20日" in text
    assert "无一起森林火灾" in text


def test_build_summary_annex_carries_the_exact_totals(workspace):
    document = docx.Document(str(workspace / "outputs" / "工作总结.docx"))
    by_sector = document.tables[0]
    rows = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in by_sector.rows[1:]}
    # 检查次数 (次), 检查单位 (家) and 检查家次 (家次) are columns of their own
    for sector, metrics in EXPECTED_TOTALS.items():
        if any(metrics.values()):
            assert sum(int(x) for x in rows[sector][:3]) == metrics["检查次数"]
            assert rows[sector][3] == str(metrics["排查隐患"])
            assert rows[sector][4] == str(metrics["整改隐患"])
            assert rows[sector][5] == str(metrics["查处违章"])
    total = rows["合计"]
    assert total[:3] == ["145", "28", "3"]
    assert total[3] == str(sum(m["排查隐患"] for m in EXPECTED_TOTALS.values()))


def test_build_workbook_reads_back(workspace):
    wb = openpyxl.load_workbook(workspace / "outputs" / "汇总表.xlsx")
    assert {"分领域汇总", "问题清单"} <= set(wb.sheetnames)
    formulas = [
        c.value
        for row in wb["分领域汇总"].iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=SUM(")
    ]
    assert formulas, "totals must be real =SUM formulas"


def test_build_report_says_what_was_written(demo_town):
    printed = demo_town.output  # what the build of the workspace printed
    assert "943 份" in printed
    assert "工作总结.docx" in printed
    checks = sum(m["检查次数"] for m in EXPECTED_TOTALS.values())
    # 食品药品安全 was tallied as units inspected (检查单位数（家）), 建筑施工 as 检查家次
    units = EXPECTED_TOTALS["食品药品安全"]["检查次数"]
    visits = EXPECTED_TOTALS["建筑施工"]["检查次数"]
    assert (
        f"合计：12 个填报单位，检查 {checks - units - visits} 次、检查单位 {units} 家、"
        f"检查生产经营单位 {visits} 家次"
    ) in printed


def test_build_twice_refuses_without_force_and_changes_nothing(workspace):
    before = files_under(workspace / "outputs")
    result = run("build", cwd=workspace)
    assert result.exit_code == 1
    assert "已存在" in result.output and "--force" in result.output
    assert files_under(workspace / "outputs") == before


def test_build_with_force_rewrites(workspace, tmp_path):
    copy = tmp_path / "ws"
    shutil.copytree(workspace, copy)
    students = openpyxl.load_workbook(copy / "inputs" / "students.xlsx")
    students.active.delete_rows(4 + 3, students.active.max_row)  # 3 of the 943 pupils will do
    students.save(copy / "inputs" / "students.xlsx")
    before = files_under(copy / "outputs")
    result = run("build", "--force", "-q", cwd=copy)
    assert result.exit_code == 0, result.output
    assert result.output == ""
    after = files_under(copy / "outputs")
    rewritten = [name for name in before if name in after and after[name] != before[name]]
    assert "工作总结.docx" in rewritten and "汇总表.xlsx" in rewritten
    assert len([n for n in rewritten if n.startswith("安全承诺书/")]) == 3
    # the old set is replaced as a whole: the letters of pupils no longer listed are gone
    gone = [name for name in before if name not in after]
    assert gone and all(n.startswith("安全承诺书/") for n in gone), gone[:3]
    assert len([n for n in after if n.startswith("安全承诺书/")]) == 3


def test_build_with_a_bad_tally_lists_problems_and_writes_nothing(workspace, tmp_path):
    copy = tmp_path / "ws"
    shutil.copytree(workspace, copy, ignore=shutil.ignore_patterns("outputs"))
    messy.bad_values_dates(copy / "inputs" / "tallies")
    result = run("build", cwd=copy)
    assert result.exit_code == 1
    assert (
        "乱填村.xlsx" in result.output and "单元格 B3" in result.output and "若干" in result.output
    )
    assert (
        "单元格 C4" in result.output
        and "单元格 D5" in result.output
        and "单元格 E6" in result.output
    )
    assert not (copy / "outputs").exists() or not any((copy / "outputs").iterdir())


def test_missing_config_is_named(tmp_path):
    result = run("build", "-c", tmp_path / "nope.toml")
    assert result.exit_code == 1
    assert "nope.toml" in result.output and "docgen init" in result.output


# ---------------------------------------------------------------- check and collect


@pytest.fixture
def villages(tmp_path) -> Path:
    folder = tmp_path / "tallies"
    messy.build_villages(folder)
    return folder


def test_check_passes_clean_tallies_and_shows_warnings(villages):
    result = run("check", villages)
    assert result.exit_code == 0, result.output
    assert "检查通过" in result.output
    assert "警告" in result.output


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: messy.bad_count(d, "若干"), ["坏数村.xlsx", "单元格 C4", "若干"]),
        (lambda d: messy.bad_count(d, -5), ["单元格 C4", "负数"]),
        (lambda d: messy.bad_count(d, 3.5), ["单元格 C4", "3.5"]),
        (messy.bad_sector, ["错领域村.xlsx", "单元格 A4", "水上安全", "道路交通安全、消防安全"]),
        (messy.bad_duplicate, ["重复村.xlsx", "重复村（修改）.xlsx", "重复"]),
        (messy.bad_corrupt, ["损坏村.xlsx", "损坏"]),
        (messy.bad_encrypted, ["加密村.xlsx", "密码"]),
        (messy.bad_old_formats, ["旧格式村.xls", "金山村.et", "导出村.csv", "另存为 .xlsx"]),
        (messy.bad_no_header, ["无表头村.xlsx", "领域"]),
        (messy.bad_empty, ["空白村.xlsx"]),
    ],
)
def test_check_names_file_and_cell_of_each_bad_input(tmp_path, make, expected):
    folder = tmp_path / "bad"
    folder.mkdir()
    make(folder)
    result = run("check", folder)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for needle in expected:
        assert needle in result.output, (needle, result.output)


def test_check_lists_all_problems_of_a_run_together(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    messy.bad_values_dates(folder)
    messy.bad_sector(folder)
    result = run("check", folder)
    assert result.exit_code == 1
    for cell in ("B3", "C4", "D5", "E6", "A4"):
        assert f"单元格 {cell}" in result.output


def test_collect_json_has_the_exact_figures(villages):
    result = run("collect", villages, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"units", "totals", "figures", "years", "problems"}
    for sector, metrics in messy.EXPECTED_TOTALS.items():
        assert _merged(data["totals"][sector]) == metrics, sector
    assert data["figures"] == messy.EXPECTED_FIGURES
    units = {u["unit"]: u["totals"] for u in data["units"]}
    for unit, sectors in messy.EXPECTED_UNITS.items():
        for sector, metrics in sectors.items():
            assert _merged(units[unit][sector]) == metrics, (unit, sector)
    for year, sectors in messy.EXPECTED_YEARS.items():
        for sector, metrics in sectors.items():
            assert _merged(data["years"][str(year)][sector]) == metrics, (year, sector)


def _merged(row: dict) -> dict:
    """A row with 检查次数, 检查单位 and 检查家次 in one 检查次数, as messy counts them."""
    row = dict(row)
    row["检查次数"] += row.pop("检查单位", 0) + row.pop("检查家次", 0)
    return row


def test_collect_writes_the_workbook(villages, tmp_path):
    target = tmp_path / "汇总表.xlsx"
    result = run("collect", villages, "-o", target)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(target)
    assert "问题清单" in wb.sheetnames
    again = run("collect", villages, "-o", target)
    assert again.exit_code == 1 and "--force" in again.output


def test_collect_with_errors_writes_nothing(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    messy.bad_sector(folder)
    target = tmp_path / "汇总表.xlsx"
    result = run("collect", folder, "-o", target)
    assert result.exit_code == 1
    assert not target.exists()
    assert not list(tmp_path.glob(".~docgen-*"))


def test_collect_needs_an_output(villages):
    result = run("collect", villages)
    assert result.exit_code == 2
    assert "-o" in result.output


def test_collect_of_an_empty_folder_says_what_is_expected(tmp_path):
    result = run("collect", tmp_path, "--json")
    assert result.exit_code == 1
    assert str(tmp_path.name) in result.output


# ---------------------------------------------------------------- forms


def test_forms_writes_the_four_workbooks_and_they_read_back(tmp_path):
    result = run("forms", "-o", tmp_path / "下发")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "下发").glob("*.xlsx"))
    assert names == sorted(["统计表.xlsx", "责任单位.xlsx", "隐患点.xlsx", "学生名册.xlsx"])
    tally = openpyxl.load_workbook(tmp_path / "下发" / "统计表.xlsx")
    validations = [dv for ws in tally.worksheets for dv in ws.data_validations.dataValidation]
    assert any(dv.type == "list" for dv in validations)
    assert any(dv.type == "whole" for dv in validations)
    again = run("forms", "-o", tmp_path / "下发")
    assert again.exit_code == 1 and "--force" in again.output


# ---------------------------------------------------------------- summary on a town that is not the demo


def test_summary_for_other_tallies_carries_their_totals(workspace, villages, tmp_path):
    target = tmp_path / "总结.docx"
    result = run("summary", "-c", workspace / "docgen.toml", "-i", villages, "-o", target)
    assert result.exit_code == 0, result.output
    document = docx.Document(str(target))
    rows = {
        row.cells[0].text: [c.text for c in row.cells[1:]] for row in document.tables[0].rows[1:]
    }
    for sector, metrics in messy.EXPECTED_TOTALS.items():
        if any(metrics.values()):
            assert sum(int(x) for x in rows[sector][:3]) == metrics["检查次数"], sector
            assert rows[sector][3] == str(metrics["排查隐患"]), sector
    assert sum(int(x) for x in rows["合计"][:3]) == sum(
        m["检查次数"] for m in messy.EXPECTED_TOTALS.values()
    )
    units = {row.cells[0].text for row in document.tables[1].rows[1:]}
    assert set(messy.EXPECTED_UNITS) <= units
    text = document_text(target)
    # 道路交通安全: 排查隐患 11 → 10余起, 查处违章 58 → 50余人次; 食品药品安全: of its 15
    # checks, 5 were tallied under 检查家次（家）: 10 inspections and 5 units inspected
    assert "10余起" in text and "50余人次" in text
    assert "共开展检查10次，检查生产经营单位5家次" in text
    assert "发放安全宣传册700份" in text


# ---------------------------------------------------------------- batches

HOSTILE_UNITS = [
    "青山村/二组",
    "..",
    "  .隐藏公司",
    'A:B*C?"公司"<>|',
    "同名公司",
    "同名公司",
    "x" * 300,
]


def units_roster(path: Path, names=HOSTILE_UNITS) -> Path:
    rows = [[name, "张三", "13800000000", "建筑施工", "某路1号", None] for name in names]
    return messy.roster(
        path, ["单位名称*", "负责人*", "联系电话", "行业领域", "地址", "签订日期"], rows
    )


def test_agreements_with_hostile_unit_names(tmp_path):
    roster = units_roster(tmp_path / "units.xlsx")
    out = tmp_path / "责任书"
    combined = tmp_path / "合订本.docx"
    result = run("agreements", roster, "-o", out, "--combined", combined)
    assert result.exit_code == 0, result.output
    files = sorted(out.iterdir())
    assert len(files) == len(HOSTILE_UNITS)
    for path in files:
        assert path.parent == out
        assert not path.name.startswith(".")
        assert not set('/\\:*?"<>|') & set(path.name)
        assert len(path.name.encode()) <= 255
    assert len({p.name.casefold() for p in files}) == len(files)
    text = document_text(combined)
    assert "青山村/二组" in text and "建筑施工" in text or "三违" in text
    assert combined.is_file()


def test_agreements_refuse_to_overwrite(tmp_path):
    roster = units_roster(tmp_path / "units.xlsx", ["甲公司", "乙公司"])
    out = tmp_path / "责任书"
    assert run("agreements", roster, "-o", out).exit_code == 0
    before = files_under(out)
    result = run("agreements", roster, "-o", out)
    assert result.exit_code == 1 and "--force" in result.output
    assert files_under(out) == before
    assert run("agreements", roster, "-o", out, "--force").exit_code == 0


def test_letters_for_a_thousand_pupils(tmp_path):
    rows = [
        ["第一小学", f"{i % 6 + 1}年级{i % 3 + 1}班", f"学生{i:04d}", f"家长{i:04d}", "13900000000"]
        for i in range(1200)
    ]
    roster = messy.roster(
        tmp_path / "students.xlsx", ["学校*", "班级*", "学生姓名*", "家长姓名*", "联系电话"], rows
    )
    out = tmp_path / "承诺书"
    combined = tmp_path / "承诺书合订本.docx"
    result = run("letters", roster, "-o", out, "--combined", combined)
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("*.docx"))) == 1200
    assert "正在生成" not in result.output  # no progress bar when output is not a terminal
    body = docx.Document(str(combined)).element.body
    breaks = len(body.xpath(".//w:sectPr")) + len(body.xpath('.//w:br[@w:type="page"]'))
    assert breaks >= 1200
    text = document_text(combined)
    assert "学生0000" in text and "学生1199" in text and "家长0642" in text


def test_roster_missing_required_column(tmp_path):
    roster = messy.roster(
        tmp_path / "students.xlsx", ["学校", "班级", "学生姓名"], [["一小", "一班", "王五"]]
    )
    result = run("letters", roster, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "家长姓名" in result.output and "students.xlsx" in result.output
    assert not (tmp_path / "out").exists()


def test_roster_empty_required_cell_is_named(tmp_path):
    roster = messy.roster(
        tmp_path / "students.xlsx",
        ["学校*", "班级*", "学生姓名*", "家长姓名*"],
        [["一小", "一班", "王五", "王大"], ["一小", "一班", None, "李大"]],
    )
    result = run("letters", roster, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "C4" in result.output and "学生姓名" in result.output


# ---------------------------------------------------------------- render and templates


def user_template(path: Path, *paragraphs: str) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


@pytest.fixture
def people(tmp_path) -> Path:
    return messy.roster(
        tmp_path / "people.xlsx",
        ["姓名", "单位", "备注"],
        [["张三", "青山村", "A & B <c>"], ["李四", "石桥/村", "第一行\n第二行"]],
    )


def test_render_any_template_with_a_name_pattern(tmp_path, people):
    template = user_template(tmp_path / "通知.docx", "{{ 单位 }}：", "{{ 姓名 }}同志，{{ 备注 }}")
    out = tmp_path / "通知"
    result = run(
        "render",
        template,
        people,
        "-o",
        out,
        "--name",
        "{单位}-{姓名}",
        "--combined",
        tmp_path / "all.docx",
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.glob("*.docx"))
    assert names == sorted(["青山村-张三.docx", "石桥_村-李四.docx"])
    text = document_text(out / "青山村-张三.docx")
    assert "张三同志，A & B <c>" in text
    assert "张三" in document_text(tmp_path / "all.docx") and "李四" in document_text(
        tmp_path / "all.docx"
    )


def test_render_missing_variable_names_it(tmp_path, people):
    template = user_template(tmp_path / "通知.docx", "尊敬的{{ 家长姓名 }}：")
    result = run("render", template, people, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "家长姓名" in result.output and "通知.docx" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_render_unknown_column_in_name_pattern(tmp_path, people):
    template = user_template(tmp_path / "通知.docx", "{{ 姓名 }}")
    result = run("render", template, people, "-o", tmp_path / "out", "--name", "{学校}")
    assert result.exit_code == 1
    assert "学校" in result.output and "姓名" in result.output


@pytest.mark.parametrize(
    "payload",
    [
        "{{ 姓名.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.popen('touch pwned').read() }}",
        "{{ self.__init__.__globals__ }}",
        "{{ lipsum.__globals__['os'].system('touch pwned') }}",
    ],
)
def test_render_refuses_sandbox_escapes(tmp_path, people, payload):
    template = user_template(tmp_path / "坏模板.docx", payload)
    result = run("render", template, people, "-o", tmp_path / "out", cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "pwned").exists()
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_render_template_syntax_error_names_the_paragraph(tmp_path, people):
    template = user_template(tmp_path / "坏模板.docx", "第一段", "{% if 姓名 %}没有结束")
    result = run("render", template, people, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "坏模板.docx" in result.output


def test_templates_list_vars_and_check(workspace, tmp_path, people):
    listed = run("templates", "list", cwd=workspace)
    assert listed.exit_code == 0, listed.output
    for name in ("工作总结.docx", "安全生产责任书.docx", "安全告知书.docx", "安全承诺书.docx"):
        assert name in listed.output
    letters = workspace / "templates" / "安全承诺书.docx"
    variables = run("templates", "vars", letters)
    assert variables.exit_code == 0, variables.output
    assert {"学校", "班级", "学生姓名", "家长姓名"} <= set(variables.output.split())
    good = run("templates", "check", letters, workspace / "inputs" / "students.xlsx")
    assert good.exit_code == 0, good.output
    bad = run("templates", "check", letters, people)
    assert bad.exit_code == 1
    assert "学生姓名" in bad.output and "家长姓名" in bad.output


@pytest.mark.parametrize(
    ("template", "roster"),
    [("安全生产责任书", "units"), ("安全告知书", "hazards"), ("工作总结", "units")],
)
def test_templates_check_knows_what_a_built_in_kind_adds(workspace, template, roster):
    # 甲方, 领域 and 告知日期 come from docgen, not from the roster
    result = run(
        "templates", "check", f"templates/{template}.docx", f"inputs/{roster}.xlsx", cwd=workspace
    )
    assert result.exit_code == 0, result.output
    assert "模板用到的变量都有数据" in result.output


def test_templates_check_lists_unused_columns_of_a_user_template(tmp_path, people):
    template = user_template(tmp_path / "t.docx", "{{ 姓名 }}")
    result = run("templates", "check", template, people)
    assert result.exit_code == 0, result.output
    assert "没有用到的列：单位、备注" in result.output


def test_templates_check_accepts_a_guarded_variable_and_names_it(tmp_path, people):
    # as in render: {{ x|default(…) }} and {% if x %} may be absent from the roster
    template = user_template(
        tmp_path / "t.docx",
        "{{ 姓名 }}{{ 电话|default('无') }}",
        "{% if 职务 %}{{ 职务 }}{% endif %}",
    )
    result = run("templates", "check", template, people)
    assert result.exit_code == 0, result.output
    assert "模板已写明缺少时怎么办的变量（如 default 或 if）：电话、职务" in result.output
    assert "模板用到的变量都有数据" in result.output
    unguarded = user_template(tmp_path / "u.docx", "{{ 姓名 }}{{ 电话 }}")
    failed = run("templates", "check", unguarded, people)
    assert failed.exit_code == 1
    assert "缺少模板用到的列：电话" in failed.output


# ---------------------------------------------------------------- manners


def test_usage_errors_exit_2():
    assert run("nosuch").exit_code == 2
    assert run("letters").exit_code == 2


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and "docgen" in result.output


def test_english_on_request():
    english = run("--lang", "en", "--help")
    assert english.exit_code == 0
    assert "Usage:" in english.output and "Commands" in english.output
    by_env = run("--help", env={"LANG": "en_US.UTF-8"})
    assert "Usage:" in by_env.output
    chinese = run("--help")
    assert "用法：" in chinese.output and "命令" in chinese.output


def test_a_batch_that_fails_halfway_leaves_nothing(tmp_path):
    rows = [[f"人{i}", 5] for i in range(500)]
    rows[300][1] = "很多"
    roster = messy.roster(tmp_path / "r.xlsx", ["姓名", "数量"], rows)
    template = user_template(tmp_path / "t.docx", "{{ 姓名 }}：{{ 数量|约数 }}")
    out = tmp_path / "out"
    result = run("render", template, roster, "-o", out, "--combined", tmp_path / "all.docx")
    assert result.exit_code == 1
    assert "约数" in result.output and "第 303 行" in result.output and "很多" in result.output
    assert not out.exists()
    assert not (tmp_path / "all.docx").exists()


def test_build_refuses_when_any_batch_file_exists_and_writes_nothing(workspace, tmp_path):
    copy = tmp_path / "ws"
    shutil.copytree(workspace, copy, ignore=shutil.ignore_patterns("outputs"))
    letters = copy / "outputs" / "安全承诺书"
    letters.mkdir(parents=True)
    existing = next((workspace / "outputs" / "安全承诺书").glob("*.docx"))
    shutil.copy(existing, letters / existing.name)
    result = run("build", cwd=copy)
    assert result.exit_code == 1
    assert existing.name in result.output and "--force" in result.output
    assert sorted(p.name for p in (copy / "outputs").rglob("*") if p.is_file()) == [existing.name]


def test_build_pdf_without_libreoffice_keeps_the_word_files(workspace, tmp_path, monkeypatch):
    from docgen.output import pdf

    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    copy = tmp_path / "ws"
    shutil.copytree(workspace, copy, ignore=shutil.ignore_patterns("outputs"))
    students = openpyxl.load_workbook(copy / "inputs" / "students.xlsx")
    students.active.delete_rows(4 + 3, students.active.max_row)  # 3 of the 943 pupils will do
    students.save(copy / "inputs" / "students.xlsx")
    result = run("build", "--pdf", cwd=copy)
    assert result.exit_code == 1
    assert "LibreOffice" in result.output and "apt-get install" in result.output
    out = copy / "outputs"
    assert (out / "工作总结.docx").is_file()
    assert len(list((out / "安全承诺书").glob("*.docx"))) == 3
    assert not list(out.rglob("*.pdf"))


def test_render_reads_the_named_sheet(tmp_path):
    path = messy.save_rows(
        tmp_path / "多表.xlsx",
        {
            "说明": [["本工作簿第二张表是名册"]],
            "名单": [["姓名", "单位"], ["王五", "河口村"]],
        },
    )
    template = user_template(tmp_path / "t.docx", "{{ 姓名 }}（{{ 单位 }}）")
    out = tmp_path / "out"
    result = run("render", template, path, "-o", out, "--sheet", "名单")
    assert result.exit_code == 0, result.output
    assert "王五（河口村）" in document_text(out / "王五.docx")
    wrong = run("render", template, path, "-o", tmp_path / "out2", "--sheet", "花名册")
    assert wrong.exit_code == 1
    assert "花名册" in wrong.output and "说明" in wrong.output and "名单" in wrong.output


def test_an_output_path_through_a_file_is_explained(villages, tmp_path):
    blocker = tmp_path / "报表"
    blocker.write_text("这是一个文件")
    result = run("collect", villages, "-o", blocker / "汇总表.xlsx")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "报表" in result.output and "不是文件夹" in result.output


@pytest.mark.parametrize(
    ("paragraph", "needles"),
    [
        ("{{ 姓名|不存在的过滤器 }}", ["第 1 段", "没有名为“不存在的过滤器”的过滤器", "约数"]),
        ("{{ 姓名 }", ["第 1 段", "模板标签写法有误"]),
        ("{% for x in 姓名 %}{{ x }}", ["第 1 段", "endfor"]),
    ],
)
def test_bad_template_tags_are_explained(tmp_path, people, paragraph, needles):
    template = user_template(tmp_path / "模板.docx", paragraph)
    result = run("render", template, people, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.output, result.output


def test_a_file_that_is_not_a_word_document(tmp_path, people):
    template = tmp_path / "假模板.docx"
    template.write_text("hello")
    result = run("render", template, people, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "假模板.docx" in result.output and "另存为 .docx" in result.output
