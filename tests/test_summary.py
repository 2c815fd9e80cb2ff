"""The summary context, and the built-in 工作总结 rendered from it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace

import pytest
from demotown import EXPECTED_FIGURES, EXPECTED_TOTALS
from printing import page_count, pdf_text
from readback import render, text_of

from docgen.config import load
from docgen.kinds.registry import registry
from docgen.kinds.summary import RosterCounts, summary_context
from docgen.output.pdf import convert_to_pdf

# The reference town's tallies (DOMAIN 1): what a consolidation of the demo inputs holds.
TOTALS = EXPECTED_TOTALS
FIGURES = EXPECTED_FIGURES
COUNTS = RosterCounts(
    rows={"签订责任书": 36, "签订承诺书": 943, "隐患点": 14},
    hazards_by_type={"地质灾害": 9, "山洪灾害": 5},
)
REFERENCE = [
    "1500份",
    "2000余条",
    "1300余条",
    "20余起",
    "60余人次",
    "40余次",
    "14处",
    "12个",
    "1个",
    "20余次",
    "3处",
    "9个",
    "5处",
    "2个",
    "3家",
    "1处",
    "943份",
    "25车次",
    "28家",
    "4起",
    "无一起森林火灾",
    "整改完成4起",
]
ZERO = {"检查次数": 0, "排查隐患": 0, "整改隐患": 0, "查处违章": 0}


def zero_sector(totals, sector):
    return {**totals, sector: dict(ZERO)}


def unit(name, **sectors):
    return SimpleNamespace(unit=name, totals=sectors)


def consolidation(totals=None, figures=None, units=None):
    return SimpleNamespace(
        totals=TOTALS if totals is None else totals,
        figures=FIGURES if figures is None else figures,
        figure_units={},
        # as in the demo: these two sectors' tallies count units inspected (检查单位数（家）)
        units_inspected={"建筑施工": 3, "食品药品安全": 28},
        units=units
        if units is not None
        else [
            unit(
                "松岚社区", 消防安全={"检查次数": 10, "排查隐患": 4, "整改隐患": 3, "查处违章": 0}
            ),
            unit(
                "XX镇派出所",
                道路交通安全={"检查次数": 20, "排查隐患": 10, "整改隐患": 10, "查处违章": 50},
                消防安全={"检查次数": 5, "排查隐患": 1, "整改隐患": 1, "查处违章": 2},
            ),
        ],
    )


@pytest.fixture
def settings(tmp_path):
    base = load(root=tmp_path)
    return dataclasses.replace(
        base,
        summary=dataclasses.replace(base.summary, date=dt.date(2022, 12, 20), years=(2020, 2022)),
    )


@pytest.fixture
def template(tmp_path):
    return registry()["summary"].template_path


# --- context -------------------------------------------------------------------------------


def test_header_fields(settings):
    context = summary_context(settings, consolidation(), COUNTS)
    assert context["标题"] == "XX镇安全生产专项整治三年行动工作总结"
    assert context["主送机关"] == "区应急管理局"
    assert context["发文机关"] == "XX镇人民政府"
    assert context["成文日期"] == dt.date(2022, 12, 20)
    assert context["起止年度"] == "2020—2022年"
    assert context["本级"] == "镇"


def test_every_sector_numbered_in_order(settings):
    context = summary_context(settings, consolidation(), COUNTS)
    numbers = [context[s]["序号"] for s in TOTALS]
    assert numbers == [
        "（一）",
        "（二）",
        "（三）",
        "（四）",
        "（五）",
        "（六）",
        "（七）",
        "（八）",
    ]
    assert context["领域数"] == 8
    assert context["消防安全"]["排查隐患"] == 14
    assert context["消防安全"]["整改率"] == "100.0%"


def test_numbering_closes_up_over_a_quiet_sector(settings):
    context = summary_context(settings, consolidation(zero_sector(TOTALS, "建筑施工")), COUNTS)
    assert context["建筑施工"]["序号"] == ""
    assert context["森林防火"]["序号"] == "（五）"
    assert context["食品药品安全"]["序号"] == "（七）"
    assert context["领域数"] == 7


def test_figures_and_roster_counts_keep_a_sector_active(settings):
    totals = zero_sector(zero_sector(TOTALS, "危险化学品和烟花爆竹"), "校园及周边环境")
    context = summary_context(settings, consolidation(totals), COUNTS)
    assert context["危险化学品和烟花爆竹"]["序号"] == "（三）"  # 12 outlets
    assert context["校园及周边环境"]["序号"] == "（七）"  # 943 letters, 25 bus checks


def test_forest_fire_reported_when_the_figure_is_given(settings):
    totals = zero_sector(TOTALS, "森林防火")
    assert summary_context(settings, consolidation(totals), COUNTS)["森林防火"]["序号"] == "（六）"
    without = {k: v for k, v in FIGURES.items() if k != "森林火灾"}
    context = summary_context(settings, consolidation(totals, without), COUNTS)
    assert context["森林防火"]["序号"] == ""
    assert context["校园及周边环境"]["序号"] == "（六）"


def test_missing_figures_are_zero_and_extra_figures_pass_through(settings):
    context = summary_context(
        settings, consolidation(figures={"发放宣传册": 10, "应急演练": 4}), RosterCounts()
    )
    assert context["推送微信"] == 0 and context["水库"] == 0
    assert context["应急演练"] == 4
    assert context["指标"]["发放宣传册"] == 10


def test_roster_counts(settings):
    counts = RosterCounts(
        rows={"签订责任书": 3, "签订承诺书": 943, "隐患点": 15},
        hazards_by_type={"滑坡": 4, "地质灾害": 5, "山洪灾害点": 5, "其他": 1},
    )
    context = summary_context(settings, consolidation(), counts)
    assert (context["签订责任书"], context["签订承诺书"]) == (3, 943)
    assert (context["地质灾害点"], context["山洪灾害点"], context["隐患点"]) == (9, 5, 15)


def test_annex_rows_by_sector_with_total(settings):
    rows = summary_context(settings, consolidation(), COUNTS)["分领域"]
    assert [r["领域"] for r in rows] == [*TOTALS, "合计"]
    total = rows[-1]
    assert (total["检查次数"], total["排查隐患"], total["整改隐患"], total["查处违章"]) == (
        176,
        56,
        56,
        64,
    )
    assert total["整改率"] == "100.0%"
    assert rows[5]["整改率"] == "—"  # 森林防火: no hazard found


def test_annex_rows_by_unit(settings):
    rows = summary_context(settings, consolidation(), COUNTS)["分单位"]
    assert [r["填报单位"] for r in rows] == ["松岚社区", "XX镇派出所", "合计"]
    assert rows[0]["整改率"] == "75.0%"
    assert (rows[1]["检查次数"], rows[1]["查处违章"]) == (25, 52)
    assert (rows[2]["检查次数"], rows[2]["排查隐患"], rows[2]["整改隐患"]) == (35, 15, 14)


# --- rendered report -----------------------------------------------------------------------


def test_rendered_summary_prints_every_reference_figure(settings, template):
    text = text_of(render(template, summary_context(settings, consolidation(), COUNTS)))
    missing = [s for s in REFERENCE if s not in text]
    assert not missing, text
    assert "2022年12月20日" in text
    assert "区应急管理局：" in text
    assert "附件：1.分领域隐患排查整治情况统计表" in text
    assert "XX镇人民政府" in text


def test_rendered_headings_close_up(settings, template):
    doc = render(
        template, summary_context(settings, consolidation(zero_sector(TOTALS, "建筑施工")), COUNTS)
    )
    headings = [p.text for p in doc.paragraphs if p.style.style_id == "Heading2"]
    assert headings == [
        "（一）道路交通安全整治",
        "（二）消防安全整治",
        "（三）危险化学品和烟花爆竹",
        "（四）地质灾害预防",
        "（五）森林防火",
        "（六）校园及周边环境",
        "（七）食品药品安全",
    ]
    assert "三违" not in text_of(doc)
    assert "围绕以下七个重点领域" in text_of(doc)


def test_rendered_annex_tables(settings, template):
    doc = render(template, summary_context(settings, consolidation(), COUNTS))
    by_sector, by_unit = doc.tables
    rows = [[c.text for c in r.cells] for r in by_sector.rows]
    assert rows[0][0] == "领域" and len(rows) == 1 + 8 + 1
    assert rows[1] == ["道路交通安全", "35", "23", "23", "100.0%", "64"]
    assert rows[-1] == ["合计", "176", "56", "56", "100.0%", "64"]
    unit_rows = [[c.text for c in r.cells] for r in by_unit.rows]
    assert unit_rows[-1] == ["合计", "35", "15", "14", "93.3%", "52"]
    labels = [p for p in doc.paragraphs if p.text in ("附件1", "附件2")]
    assert [p.paragraph_format.page_break_before for p in labels] == [True, True]


def test_rendered_summary_has_no_empty_clauses(settings, template):
    figures = {"森林火灾": 0}
    totals = {s: dict(ZERO) for s in TOTALS}
    totals["消防安全"] = {"检查次数": 5, "排查隐患": 0, "整改隐患": 0, "查处违章": 0}
    text = text_of(
        render(
            template, summary_context(settings, consolidation(totals, figures, []), RosterCounts())
        )
    )
    assert "0份" not in text and "0条" not in text and "0处" not in text
    assert "（一）消防安全整治" in text and "（二）森林防火" in text
    assert "（三）" not in text


@pytest.mark.soffice
def test_summary_prints_through_libreoffice(settings, template, tmp_path):
    doc = render(template, summary_context(settings, consolidation(), COUNTS))
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
