"""The summary context, and the built-in 工作总结 rendered from it: from real tallies and
rosters (the demo's, or small ones written here), every figure a traced int."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from demotown import REFERENCE_FIGURES, SHIPPED
from messy import save_rows
from printing import page_count, pdf_text
from readback import render, text_of

from docgen.config import load
from docgen.figures import read_tallies
from docgen.kinds.registry import registry
from docgen.kinds.summary import RosterCounts, summary_context
from docgen.output.pdf import convert_to_pdf
from docgen.vocabulary import SECTORS
from docgen.workspace import read_inputs, roster_counts

# The reference town's figures as the demo's summary prints them (DOMAIN 1).
REFERENCE = [*REFERENCE_FIGURES, "无一起森林火灾"]
HEADER = ["领域", "检查次数", "排查隐患", "整改隐患", "查处违章"]


@pytest.fixture(scope="module")
def demo_settings():
    base = load(Path(SHIPPED) / "docgen.toml")
    return base


@pytest.fixture(scope="module")
def demo(demo_settings):
    """(consolidation, roster counts) of the shipped demo town."""
    inputs, _skipped = read_inputs(demo_settings)
    return inputs.consolidation, roster_counts(demo_settings, inputs.rosters)


@pytest.fixture(scope="module")
def demo_context(demo_settings, demo):
    return summary_context(demo_settings, *demo)


@pytest.fixture
def settings(tmp_path):
    base = load(root=tmp_path)
    return dataclasses.replace(
        base,
        summary=dataclasses.replace(base.summary, date=dt.date(2022, 12, 20), years=(2020, 2022)),
    )


@pytest.fixture(scope="module")
def template():
    return registry()["summary"].template_path


def tallies(folder: Path, units: dict[str, dict[str, list[list]]]):
    """A consolidation of small tallies written here: unit → sheet → rows."""
    for unit, sheets in units.items():
        save_rows(folder / f"{unit}.xlsx", sheets)
    return read_tallies([folder])


# --- context -------------------------------------------------------------------------------


def test_header_fields(demo_context):
    assert demo_context["标题"] == "松岚镇安全生产专项整治三年行动工作总结"
    assert demo_context["主送机关"] == "区应急管理局"
    assert demo_context["发文机关"] == "松岚镇人民政府"
    assert demo_context["成文日期"] == dt.date(2022, 12, 20)
    assert demo_context["起止年度"] == "2020—2022年"
    assert demo_context["本级"] == "镇"


def test_every_sector_numbered_in_order_with_traced_figures(demo_context):
    assert [demo_context[sector]["序号"] for sector in SECTORS] == [
        "（一）",
        "（二）",
        "（三）",
        "（四）",
        "（五）",
        "（六）",
        "（七）",
        "（八）",
    ]
    fire = demo_context["消防安全"]["排查隐患"]
    assert fire == 14 and fire.cells
    assert sum(c.value for c in fire.cells) == 14
    assert all(c.file.endswith(".xlsx") and c.sheet and c.ref for c in fire.cells)


def test_numbering_closes_up_over_a_quiet_sector(settings, tmp_path):
    consolidation = tallies(
        tmp_path, {"青山村": {"Sheet1": [HEADER, ["消防", 3, 1, 1, 0], ["食品药品", 2, 0, 0, 0]]}}
    )
    context = summary_context(settings, consolidation, RosterCounts())
    assert context["消防安全"]["序号"] == "（一）"
    assert context["建筑施工"]["序号"] == ""
    assert context["食品药品安全"]["序号"] == "（二）"
    assert context["领域数"] == 2


def test_figures_keep_a_sector_active(settings, tmp_path):
    consolidation = tallies(
        tmp_path,
        {
            "青山村": {
                "Sheet1": [HEADER, ["消防", 3, 0, 0, 0]],
                "指标": [["指标", "数量", "单位"], ["烟花爆竹经营点", 3, "个"]],
            }
        },
    )
    context = summary_context(settings, consolidation, RosterCounts())
    assert context["危险化学品和烟花爆竹"]["序号"] == "（二）"
    assert context["危险化学品和烟花爆竹"]["对象"] == "3个烟花爆竹经营点"


def test_roster_counts_are_ranges_of_rows(demo):
    _consolidation, counts = demo
    letters = counts.rows["签订承诺书"]
    assert letters == 943
    assert [c.external for c in letters.cells] == ["'[students.xlsx]学生名册'!A4:G946"]
    agreements = counts.rows["签订责任书"]
    assert agreements == 30 and agreements.cells[0].ref == "A4:G33"
    assert (counts.geological, counts.flash_flood) == (9, 5)
    assert sum(c.value for c in counts.geological.cells) == 9
    assert not counts.planned and not counts.problems


def test_agreements_signed_after_the_date_are_planned_and_warned(demo_settings):
    early = dataclasses.replace(
        demo_settings, summary=dataclasses.replace(demo_settings.summary, date=dt.date(2022, 3, 10))
    )
    inputs, _skipped = read_inputs(early)
    counts = roster_counts(early, inputs.rosters)
    signed, planned = counts.rows["签订责任书"], counts.planned["签订责任书"]
    assert signed + planned == 30 and planned > 0
    [warning] = counts.problems
    assert warning.severity == "warning" and warning.file.endswith("units.xlsx")
    assert warning.cell.startswith("G")  # the 签订日期 column
    context = summary_context(early, inputs.consolidation, counts)
    if signed:
        assert context["责任书"] == (
            f"与{int(signed)}家单位签订安全生产责任书，另有{int(planned)}家单位的责任书计划签订。"
        )
    else:
        assert context["责任书"].startswith(f"计划与{int(planned)}家单位签订")


def test_annex_rows_by_sector_keep_inspections_apart(demo_context):
    rows = demo_context["分领域"]
    assert [c["键"] for c in demo_context["附表列"]] == [
        "检查次数",
        "检查单位",
        "检查家次",
        "排查隐患",
        "整改隐患",
        "查处违章",
    ]
    total = rows[-1]
    assert [total[c] for c in ("检查次数", "检查单位", "检查家次")] == [145, 28, 3]
    assert (total["排查隐患"], total["整改隐患"], total["查处违章"]) == (56, 56, 64)
    for column in ("检查次数", "排查隐患"):
        assert sum(r[column] for r in rows[:-1]) == total[column]


def test_by_year_rows_add_up_with_a_no_year_row(demo_context):
    rows = demo_context["分年度"]
    assert [r["年度"] for r in rows] == ["2020年", "2021年", "2022年", "未分年度", "合计"]
    assert sum(r["检查次数"] for r in rows[:-1]) == rows[-1]["检查次数"] == 145
    assert "松岚镇林业站" in demo_context["分年度注"]


def test_every_printed_figure_is_listed_with_its_cells(demo_context):
    listed = demo_context["数据来源"]
    assert listed[0].where == "正文一、"
    for row in listed:
        assert row.value == sum(c.value * c.sign for c in row.figure.cells)
    printed = {row.text for row in listed}
    assert {"20余起", "943份", "2座", "28家", "3家次"} <= printed


# --- rendered report -----------------------------------------------------------------------


def test_rendered_summary_prints_every_reference_figure(demo_context, template):
    text = text_of(render(template, demo_context))
    missing = [s for s in REFERENCE if s not in text]
    assert not missing, text
    assert "2022年12月20日" in text
    assert "区应急管理局：" in text
    assert "附件：1.分领域隐患排查整治情况统计表" in text
    assert "松岚镇人民政府" in text


def test_rendered_headings_close_up(settings, template, tmp_path):
    consolidation = tallies(
        tmp_path,
        {"青山村": {"Sheet1": [HEADER, ["道路交通", 3, 1, 1, 2], ["校园", 2, 0, 0, 0]]}},
    )
    doc = render(template, summary_context(settings, consolidation, RosterCounts()))
    headings = [p.text for p in doc.paragraphs if p.style.style_id == "Heading2"]
    assert headings == ["（一）道路交通安全整治", "（二）校园及周边环境"]
    assert "三违" not in text_of(doc)


def test_rendered_annex_tables(demo_context, template):
    doc = render(template, demo_context)
    by_sector, by_unit, by_year = doc.tables[:3]
    rows = [[c.text for c in r.cells] for r in by_sector.rows]
    assert rows[0][0] == "领域" and len(rows) == 1 + 8 + 1
    assert [h.split("\n")[1] for h in rows[0][1:4]] == ["（次）", "（家）", "（家次）"]
    assert rows[1] == ["道路交通安全", "35", "0", "0", "23", "23", "64"]
    assert rows[-1] == ["合计", "145", "28", "3", "56", "56", "64"]
    unit_rows = [[c.text for c in r.cells] for r in by_unit.rows]
    assert unit_rows[-1] == rows[-1]
    year_rows = [[c.text for c in r.cells] for r in by_year.rows]
    assert year_rows[-2][0] == "未分年度" and year_rows[-1] == rows[-1]
    labels = [p for p in doc.paragraphs if p.text in ("附件1", "附件2", "附件3")]
    assert [p.paragraph_format.page_break_before for p in labels] == [True, True, True]


def test_rendered_summary_has_no_empty_clauses(settings, template, tmp_path):
    consolidation = tallies(
        tmp_path,
        {
            "青山村": {
                "Sheet1": [HEADER, ["消防", 5, 0, 0, 0]],
                "指标": [["指标", "数量", "单位"], ["森林火灾", 0, "起"]],
            }
        },
    )
    text = text_of(render(template, summary_context(settings, consolidation, RosterCounts())))
    assert "0份" not in text.replace("\n", "") and "0条" not in text and "0处" not in text
    assert "（一）消防安全整治" in text and "（二）森林防火" in text
    assert "（三）" not in text
    assert "辖区内无一起森林火灾发生。" in text


@pytest.mark.soffice
def test_summary_prints_through_libreoffice(demo_context, template, tmp_path):
    doc = render(template, demo_context)
    source = tmp_path / "工作总结.docx"
    doc.save(str(source))
    [pdf] = convert_to_pdf([source])
    assert page_count(pdf) >= 2
    flat = pdf_text(pdf)
    for expected in (
        "区应急管理局：",
        "2022年12月20日",
        "943份",
        "2000余条",
        "附件1",
        "—1—",
        "合计",
    ):
        assert expected in flat, expected


def test_summary_sources_as_json_for_the_page(demo_settings):
    import json

    from docgen.kinds.summary import summary_sources

    inputs, _skipped = read_inputs(demo_settings)
    sources = json.loads(
        json.dumps(summary_sources(demo_settings, inputs.consolidation, inputs.rosters))
    )
    road = next(s for s in sources if s["printed"] == "20余起")
    assert road["where"] == "正文二、（一）道路交通安全" and road["value"] == 23
    assert road["what"] == "道路交通安全·排查隐患"
    assert sum(c["value"] for c in road["cells"]) == 23
    assert set(road["cells"][0]) == {"file", "sheet", "cell", "value", "ref"}
    assert road["refs"] == "；".join(c["ref"] for c in road["cells"])
