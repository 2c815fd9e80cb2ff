"""docgen's Python API, called directly: the functions the command line and the page call."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docx
import messy
import openpyxl
import pytest
from demotown import EXPECTED_TOTALS, inspections_folded
from handtyped import wps_summary

import docgen
from docgen.errors import ConfigError, DataError, OutputExistsError, TemplateError

PUPILS = 5  # the demo's pupils' roster cut to its first rows: the API, not the scale, is tested


@pytest.fixture(scope="module")
def town(tmp_path_factory) -> Path:
    """A workspace made through the API, with a short pupils' roster."""
    root = tmp_path_factory.mktemp("api") / "青山镇"
    written = docgen.init(root)
    assert root / "docgen.toml" in written
    students = root / "inputs" / "students.xlsx"
    book = openpyxl.load_workbook(students)
    sheet = book.active
    header = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "学校*")
    sheet.delete_rows(header + PUPILS + 1, sheet.max_row)
    book.save(students)
    return root


@pytest.fixture(scope="module")
def report(town):
    bars: dict[str, int] = {}

    def start(label: str, total: int):
        bars[label] = 0

        def advance(n: int = 1) -> None:
            bars[label] += n

        return advance

    built = docgen.build(town / "docgen.toml", progress=start)
    built.bars = bars  # type: ignore[attr-defined]
    return built


def text_of(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for cell in table._cells]
    return "\n".join(parts)


def test_importing_docgen_loads_none_of_its_machinery():
    code = (
        "import sys, docgen; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('docx', 'docxtpl', 'openpyxl', 'click', 'jinja2', 'lxml', 'starlette') "
        "or m.startswith('docgen.')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"


def test_the_api_is_documented():
    for name in docgen.__all__:
        function = getattr(docgen, name)
        assert callable(function), name
        assert function.__doc__ and len(function.__doc__.split()) > 3, name


def test_docgen_render_stays_callable_once_the_render_package_is_loaded():
    from docgen.render.engine import CompiledTemplate

    assert callable(docgen.render)
    assert docgen.render.engine.CompiledTemplate is CompiledTemplate  # the package, too


def test_build_writes_every_kind_and_reports_it(town, report):
    out = town / "outputs"
    labels = [line.label for line in report.written]
    assert labels[:2] == ["汇总表", "工作总结"]
    assert {"安全生产责任书", "安全告知书", "安全承诺书"} <= set(labels)
    for line in report.written:
        assert line.path.exists(), line.path
    letters = next(line for line in report.written if line.label == "安全承诺书")
    assert letters.count == PUPILS == len(list(letters.path.glob("*.docx")))
    # each batch advanced its bar once for the files and once for the 合订本
    assert report.bars["安全承诺书"] == PUPILS * 2
    totals = inspections_folded(report.consolidation.totals)
    for sector, metrics in EXPECTED_TOTALS.items():
        assert totals[sector] == metrics, sector
    summary = openpyxl.load_workbook(out / "汇总表.xlsx")
    assert "问题清单" in summary.sheetnames
    with pytest.raises(OutputExistsError):
        docgen.build(town / "docgen.toml")


def test_check_finds_what_the_command_line_finds(tmp_path):
    tallies = tmp_path / "tallies"
    messy.build_villages(tallies)
    problems, stats = docgen.check([tallies])
    assert not [p for p in problems if p.is_error]
    books = [p for p in tallies.glob("*.xlsx") if not p.name.startswith("~$")]  # not Word's locks
    assert stats.tally_files == len(books)
    (tallies / "坏.xlsx").write_bytes(b"not a workbook")
    problems, _stats = docgen.check([tallies])
    errors = [p for p in problems if p.is_error]
    assert [p.file for p in errors] == [str(tallies / "坏.xlsx")]


def test_check_without_paths_reads_the_workspace(town):
    problems, stats = docgen.check(config=town / "docgen.toml")
    assert not [p for p in problems if p.is_error]
    assert stats.rosters["letters"] == PUPILS


def test_collect_returns_the_consolidation_and_writes_the_workbook(tmp_path):
    messy.build_villages(tmp_path / "tallies")
    target = tmp_path / "汇总表.xlsx"
    consolidation = docgen.collect(tmp_path / "tallies", output=target)
    totals = inspections_folded(consolidation.totals)
    for sector, metrics in messy.EXPECTED_TOTALS.items():
        assert totals[sector] == metrics, sector
    assert consolidation.figures == messy.EXPECTED_FIGURES
    assert json.loads(json.dumps(consolidation.to_json(), default=str))["figures"]
    assert openpyxl.load_workbook(target).sheetnames
    with pytest.raises(OutputExistsError):
        docgen.collect(tmp_path / "tallies", output=target)


def test_forms_and_summary(town, tmp_path):
    written = docgen.forms(tmp_path / "forms", config=town / "docgen.toml")
    rosters = {
        kind.roster.title for kind in docgen.load_settings(town / "docgen.toml").kinds.batches
    }
    assert {p.stem for p in written} >= rosters == {"责任单位", "隐患点", "学生名册"}
    made = docgen.summary(tmp_path / "总结.docx", config=docgen.load_settings(town / "docgen.toml"))
    assert made.written[0].path == tmp_path / "总结.docx" and made.pdfs == []
    text = text_of(tmp_path / "总结.docx")
    assert "青山镇人民政府" in text and f"安全承诺书{PUPILS}份" in text


def test_render_any_template_and_a_kind(town, tmp_path):
    template = tmp_path / "通知.docx"
    document = docx.Document()
    document.add_paragraph("{{ 单位 }}：请{{ 姓名 }}同志参加会议。")
    document.save(str(template))
    data = tmp_path / "人员.json"
    data.write_text(
        json.dumps([{"姓名": "张三", "单位": "青山村"}, {"姓名": "李四", "单位": "石桥村"}]),
        encoding="utf-8",
    )
    result = docgen.render(
        template, data, tmp_path / "通知", name="{单位}-{姓名}", combined=tmp_path / "全部.docx"
    )
    assert sorted(p.name for p in result.files) == ["石桥村-李四.docx", "青山村-张三.docx"]
    assert "青山村：请张三同志参加会议。" in text_of(tmp_path / "通知" / "青山村-张三.docx")
    assert "李四" in text_of(result.combined)

    letters = docgen.render_kind(
        "letters",
        town / "inputs" / "students.xlsx",
        tmp_path / "承诺书",
        config=town / "docgen.toml",
    )
    assert letters.records == PUPILS
    assert "家长签字" in text_of(letters.files[0])


def test_check_template_lists_what_a_roster_lacks(town, tmp_path):
    template = tmp_path / "通知.docx"
    document = docx.Document()
    document.add_paragraph("{{ 单位名称 }}：{{ 会议地点 }}")
    document.save(str(template))
    checked = docgen.check_template(
        template, town / "inputs" / "units.xlsx", config=town / "docgen.toml"
    )
    assert checked.kind is None
    assert checked.missing == ("会议地点",)
    assert "负责人" in checked.unused and checked.rows > 0


def test_lint_and_format_a_draft(report, tmp_path):
    summary = next(line.path for line in report.written if line.label == "工作总结")
    assert docgen.lint([summary], pages=False)[summary].findings == []
    draft = wps_summary(summary, tmp_path / "草稿.docx")
    found = docgen.lint([draft], pages=False)[draft].findings
    assert found, "a WPS retyping breaks GB/T 9704"
    made = docgen.format(draft, tmp_path / "排好.docx")
    assert made.recognised and made.findings == []
    assert docgen.lint([tmp_path / "排好.docx"], pages=False)[tmp_path / "排好.docx"].findings == []


def test_errors_are_raised_not_printed(tmp_path, capsys):
    with pytest.raises(ConfigError, match="找不到配置文件"):
        docgen.build(tmp_path / "docgen.toml")
    (tmp_path / "docgen.toml").write_text("[issuer]\nnmae = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="是不是 name"):
        docgen.load_settings(tmp_path / "docgen.toml")
    with pytest.raises(DataError):
        docgen.collect(tmp_path / "nothing-here")
    template = tmp_path / "坏.docx"
    document = docx.Document()
    document.add_paragraph("{{ 姓名 }")
    document.save(str(template))
    data = tmp_path / "a.json"
    data.write_text('[{"姓名": "张三"}]', encoding="utf-8")
    with pytest.raises(TemplateError):
        docgen.render(template, data, tmp_path / "out")
    assert capsys.readouterr() == ("", "")


def test_build_takes_settings_and_inputs_read_already(town, tmp_path):
    """What the page does: its own outputs folder, the inputs it has just checked."""
    import dataclasses

    from docgen.workspace import read_inputs

    settings = docgen.load_settings(town / "docgen.toml")
    staged = dataclasses.replace(
        settings, paths=dataclasses.replace(settings.paths, outputs=tmp_path / "staged")
    )
    read = read_inputs(staged)
    report = docgen.build(staged, read=read)
    assert report.consolidation is read[0].consolidation
    assert (tmp_path / "staged" / "工作总结.docx").is_file()
    assert len(list((tmp_path / "staged" / "安全承诺书").glob("*.docx"))) == PUPILS
