"""GB/T 9704 declared once (spec, ooxml) and the lint and format rules on drafts typed the way
a secretary types them (tests/handtyped.py), through the command line; every part of every
file a build writes in schema order."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import docx
import pytest
from clirun import run
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from handtyped import LONG_TITLE, header_draft, lead_in_notice, long_title_draft, numbering_draft
from lxml import etree
from test_filed import FOOTER, HEADER

from docgen import ooxml
from docgen.gongwen import findings, spec


def findings_of(path: Path) -> list[str]:
    result = run("lint", "--json", "--no-pages", path)
    assert result.exit_code in (0, 1), result.output
    return [f["message"] for f in next(iter(json.loads(result.stdout).values()))]


def format_draft(source: Path, output: Path) -> str:
    result = run("format", source, "-o", output)
    assert result.exit_code == 0, result.output
    return result.output


def styles_of(path: Path) -> dict[str, str]:
    doc = docx.Document(str(path))
    return {p.text: p.style.style_id for p in doc.paragraphs if p.text.strip()}


# ------------------------------------------------------------------------------ spec


def test_quantities_are_derived_from_the_standards_units():
    assert spec.MARGIN_TOP == round(Mm(37) / 635) == 2098
    assert (spec.PAGE_WIDTH, spec.PAGE_HEIGHT) == (11906, 16838)
    assert spec.LINE_PITCH == 579 and spec.number(spec.LINE_PITCH / 20) == "28.95"
    assert spec.CHAR == Pt(16) / 635 == 320
    assert (spec.SIZE_2, spec.SIZE_3, spec.SIZE_4) == (22, 16, 14)
    # 28 condensed 3号 characters fit the 156 mm line, 29 do not
    assert 28 * spec.PRINTED_CHAR <= spec.TEXT_WIDTH < 29 * spec.PRINTED_CHAR


def test_lint_messages_are_written_from_spec(monkeypatch):
    assert findings.official_margins() == "上37、下35、左28、右26毫米"
    assert findings.official_pitch() == "固定值28.95磅"
    monkeypatch.setitem(spec.MARGINS_MM, "top", 36)
    assert findings.official_margins() == "上36、下35、左28、右26毫米"


def test_insert_in_schema_order_replaces_and_places():
    ppr = ooxml.el("w:pPr")
    ooxml.put(ppr, ooxml.el("w:jc", val="center"))
    ooxml.put(ppr, ooxml.el("w:snapToGrid", val=0))
    ooxml.put(ppr, ooxml.el("w:pBdr"))
    ooxml.put(ppr, ooxml.el("w:pStyle", val="Normal"))
    ooxml.put(ppr, ooxml.el("w:jc", val="left"))  # replaces the first
    assert [c.tag.rsplit("}")[1] for c in ppr] == ["pStyle", "pBdr", "snapToGrid", "jc"]
    assert ppr.find(qn("w:jc")).get(qn("w:val")) == "left"
    assert list(ooxml.out_of_order(ppr)) == []
    ppr.append(ooxml.el("w:keepNext"))
    assert list(ooxml.out_of_order(ppr)) == ["w:pPr: w:keepNext after w:jc"]


# ------------------------------------------------------------------------------ every output


@pytest.fixture(scope="module")
def town(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("order") / "松岚镇"
    assert run("init", root).exit_code == 0
    config = root / "docgen.toml"
    text = config.read_text(encoding="utf-8").replace("seal = false", "seal = true")
    config.write_text(text + HEADER + FOOTER, encoding="utf-8")
    result = run("build", "-c", config)
    assert result.exit_code == 0, result.output
    return root


def test_every_part_of_every_output_is_in_schema_order(town):
    outputs = sorted((town / "outputs").rglob("*.docx"))
    assert len(outputs) > 20  # the summary, every 责任书, 告知书, 承诺书 and the 合订本
    bad = {}
    for path in outputs:
        with zipfile.ZipFile(path) as package:
            for name in package.namelist():
                if name.startswith("word/") and name.endswith(".xml"):
                    found = list(ooxml.out_of_order(etree.fromstring(package.read(name))))
                    if found:
                        bad[f"{path.name}:{name}"] = found[:2]
    assert not bad


def test_a_build_without_libreoffice_says_the_last_page_was_not_checked(town):
    # tests without the soffice mark run as on a machine without LibreOffice
    result = run("build", "-c", town / "docgen.toml", "--force")
    assert result.exit_code == 0, result.output
    assert "没有安装 LibreOffice（或 pdftotext），工作总结的末页未经打印核对" in result.output


# ------------------------------------------------------------------------------ lint and format


@pytest.fixture(scope="module")
def drafts(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("typed")


def test_sections_after_a_lead_in_colon_are_all_headings(drafts):
    source = lead_in_notice(drafts / "通知如下.docx")
    out = drafts / "通知如下-排版.docx"
    output = format_draft(source, out)
    styles = styles_of(out)
    for heading in ("一、提高思想认识", "二、落实巡查责任", "三、加强应急值守"):
        assert styles[heading] == "Heading1", (heading, styles)
    assert "docgen lint 检查通过" in output
    # the typed draft itself: 一、 is recognised as a heading in 黑体 like the others
    typed = [m for m in findings_of(source) if "一、提高思想认识" in m]
    assert not [m for m in typed if "正文" in m or "黑体" in m], typed


def test_fangsong_is_accepted_and_full_width_indents_are_counted(drafts):
    messages = findings_of(lead_in_notice(drafts / "仿宋.docx"))
    assert not [m for m in messages if "仿宋_GB2312，实为" in m], messages
    assert not [m for m in messages if "无缩进" in m or "首行缩进" in m], messages
    one = findings_of(lead_in_notice(drafts / "一个空格.docx", indent="\u3000"))
    assert (
        "第4段“\u3000为切实做好今年汛期安全防…”：正文应为首行缩进2字，实为两端对齐，首行缩进1字"
        not in one
    )
    assert any("应为首行缩进2字，实为" in m and "首行缩进1字" in m for m in one), one


def test_half_width_brackets_and_comma_numbers_are_flagged_and_fixed(drafts):
    source = numbering_draft(drafts / "序号.docx")
    messages = findings_of(source)
    assert "第4段“(一)责任落实”：序号应为“（一）”（全角括号），实为“(一)”" in messages
    assert "第6段“1、巡查制度”：序号应为“1.”，实为“1、”" in messages
    out = drafts / "序号-排版.docx"
    output = format_draft(source, out)
    texts = list(styles_of(out))
    assert "（一）责任落实" in texts and "1.巡查制度" in texts
    assert "第6段：序号“1、”改为“1.”" in output
    assert not [m for m in findings_of(out) if "序号" in m]


def test_a_typed_title_line_longer_than_a_line_is_flagged_and_broken_between_words(drafts):
    source = long_title_draft(drafts / "长标题.docx")
    messages = findings_of(source)
    assert any(
        m.startswith("第1段“松岚镇人民政府关于2020—2…”：标题的行应为每行不超过20字")
        for m in messages
    ), messages
    out = drafts / "长标题-排版.docx"
    output = format_draft(source, out)
    title = docx.Document(str(out)).paragraphs[0]
    lines = title.text.split("\n")
    assert "".join(lines) == "".join(LONG_TITLE)
    assert lines == ["松岚镇人民政府关于2020—2022年", "安全生产专项整治三年行动", "工作情况的报告"]
    assert "标题超出一行，改在词间回行" in output
    assert not [m for m in findings_of(out) if "标题的行" in m]


@pytest.mark.parametrize("blanks", [0, 1, 3])
def test_the_doc_number_stands_two_blank_lines_under_the_mark(drafts, blanks):
    source = header_draft(drafts / f"版头{blanks}.docx", blanks)
    found = "紧接发文机关标志" if not blanks else f"空{blanks}行"
    assert any(f"发文字号应为在发文机关标志下空2行，实为{found}" in m for m in findings_of(source))
    out = drafts / f"版头{blanks}-排版.docx"
    output = format_draft(source, out)
    assert "发文机关标志与发文字号之间改为空2行" in output
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    mark = texts.index("松岚镇人民政府文件")
    assert texts[mark + 1 : mark + 4] == ["", "", "松府发〔2023〕8号"]
    assert not [m for m in findings_of(out) if "发文机关标志下" in m]


def _rewrite(source: Path, target: Path, edit) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "word/document.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            new.writestr(item, data)
    return target


@pytest.mark.parametrize(
    "printed", [False, pytest.param(True, marks=pytest.mark.soffice)], ids=["docx", "printed"]
)
def test_a_numbered_blank_page_before_the_record_is_flagged(town, tmp_path, printed):
    source = town / "outputs" / "工作总结.docx"
    assert not [m for m in findings_of(source) if m.startswith("版记页")]
    r_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

    def blank_page(xml: str) -> str:
        # the blank page fitting puts at the start of the 版记's section
        root = etree.fromstring(xml.encode("utf-8"))
        ends = [
            p for p in root.iter(qn("w:p")) if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
        ]
        page = etree.fromstring(
            '<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            '<w:r><w:br w:type="page"/></w:r></w:p>'
        )
        ends[-1].addnext(page)
        return etree.tostring(root, encoding="unicode")

    numbered = _rewrite(source, tmp_path / "空白页有页码.docx", blank_page)
    assert (
        "版记页：页码应为版记页前有空白页时，空白页和版记页均不编排页码（GB/T 9704 7.5），实为编排了页码"
        in findings_of(numbered)
    )
    if printed:
        printed = run("lint", "--json", "--pages", numbered)
        messages = [f["message"] for f in next(iter(json.loads(printed.stdout).values()))]
        assert any(
            re.search(r"^第\d+页：页码应为.*实为空白页印有页码“—\d+—”$", m) for m in messages
        )

    def unnumbered(xml: str) -> str:
        root = etree.fromstring(blank_page(xml).encode("utf-8"))
        sect = root.find(f"{qn('w:body')}/{qn('w:sectPr')}")
        refs = sect.findall(qn("w:footerReference"))
        empty = next(r.get(r_id) for r in refs if r.get(qn("w:type")) == "first")
        for ref in refs:
            ref.set(r_id, empty)
        return etree.tostring(root, encoding="unicode")

    plain = _rewrite(source, tmp_path / "空白页无页码.docx", unnumbered)
    assert not [m for m in findings_of(plain) if m.startswith("版记页")]
