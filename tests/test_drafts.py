"""``docgen lint`` and ``docgen format`` on drafts typed by hand (issue 13, DOMAIN.md section 8)."""

from __future__ import annotations

import json
import re
import subprocess

import docx
import pytest
from clirun import run
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from handtyped import NOTICE_TITLE, messy_notice, png, words, wps_summary
from starlette.testclient import TestClient

from docgen.gongwen import official
from docgen.gongwen.drafts import full_width, parts
from docgen.gongwen.lint import lint_file
from docgen.web.app import create_app
from docgen.workspace import init_workspace


@pytest.fixture(scope="module")
def summary(tmp_path_factory):
    """docgen's own summary of the demo town."""
    root = tmp_path_factory.mktemp("ws") / "松岚镇"
    init_workspace(root)
    target = root / "工作总结.docx"
    result = run("summary", "-c", root / "docgen.toml", "-o", target)
    assert result.exit_code == 0, result.output
    return target


@pytest.fixture
def notice(tmp_path):
    picture = tmp_path / "现场.png"
    picture.write_bytes(png())
    return messy_notice(tmp_path / "通知草稿.docx", picture)


@pytest.fixture
def formatted(notice, tmp_path):
    out = tmp_path / "通知.docx"
    result = run("format", notice, "-o", out)
    assert result.exit_code == 0, result.output
    return out, result.output


def body_paragraphs(path):
    doc = docx.Document(str(path))
    return doc, [
        docx.text.paragraph.Paragraph(p, doc._body)
        for p in doc.element.body.iterchildren(qn("w:p"))
    ]


def by_text(paragraphs, start):
    return next(p for p in paragraphs if p.text.startswith(start))


# ---------------------------------------------------------------- lint


def test_lint_finds_nothing_on_docgens_own_summary(summary):
    result = run("lint", summary, "--no-pages")
    assert result.exit_code == 0, result.output
    assert "符合 GB/T 9704，未发现问题" in result.output


def test_lint_names_paragraph_first_words_expected_and_found(tmp_path, summary):
    doc = docx.Document(str(summary))
    heading = next(p for p in doc.paragraphs if p.text == "（二）消防安全整治")
    number = list(doc.element.body.iterchildren(qn("w:p"))).index(heading._p) + 1
    for run_ in heading.runs:
        run_.font.size = Pt(12)
        run_.font.bold = True
        run_._element.rPr.get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    broken = tmp_path / "改坏的总结.docx"
    doc.save(str(broken))
    result = run("lint", broken, "--no-pages")
    assert result.exit_code == 1, result.output
    assert (
        f"第{number}段“（二）消防安全整治”：二级标题应为3号楷体_GB2312，实为小四宋体加粗"
        in result.output
    )


def test_lint_json_lists_every_departure_of_a_draft(notice):
    result = run("lint", notice, "--json", "--no-pages")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    findings = next(iter(data.values()))
    messages = [f["message"] for f in findings]
    assert (
        "第1节页面设置：纸张应为A4（210×297毫米，纵向），实为Letter（215.9×279.4毫米）" in messages
    )
    assert (
        "第1节页面设置：页边距应为上37、下35、左28、右26毫米，实为上25.4、下25.4、左25.4、右25.4毫米"
        in messages
    )
    assert (
        "页码：页码应为“— 1 —”4号半角宋体，单页居右空1字、双页居左空1字，实为没有页码" in messages
    )
    assert (
        "第1段“关于做好2023年汛期地质灾害”：标题应为2号方正小标宋简体，实为小二宋体加粗" in messages
    )
    assert (
        "第4段“各村(社区)、镇属各部门:”：主送机关应为以全角冒号“：”结尾，实为半角冒号“:”"
        in messages
    )
    assert "第6段“一、提高思想认识”：一级标题应为3号黑体，实为小四黑体加粗" in messages
    assert "第5段“为切实做好2023年汛期地质灾…”：正文应为首行缩进2字，实为居左，无缩进" in messages
    assert {"file", "where", "item", "expected", "found", "paragraph", "message"} <= set(
        findings[0]
    )


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_a_doc_or_wps_is_refused_with_how_to_save_it_as_docx(tmp_path, suffix):
    old = tmp_path / f"草稿{suffix}"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    for args in (["lint", old, "--no-pages"], ["format", old, "-o", tmp_path / "x.docx"]):
        result = run(*args)
        assert result.exit_code == 1
        assert f"草稿{suffix} 不是 .docx 文件：请在 WPS 或 Word 中打开，选“另存为”" in result.output
        assert "Word 文档（*.docx）" in result.output


# ---------------------------------------------------------------- format: the messy notice


def test_format_output_passes_lint_and_keeps_every_word(notice, formatted):
    out, output = formatted
    assert "docgen lint 检查通过" in output
    result = run("lint", out, "--no-pages")
    assert result.exit_code == 0, result.output
    assert words(out) == words(notice)


def test_format_says_what_it_recognised_and_changed(formatted):
    _out, output = formatted
    assert "标题：2 段（第1–2段）" in output
    assert "主送机关：1 段（第4段）" in output
    assert "二级标题：2 段（第9–10段）" in output
    assert "列表项（按正文）：3 段（第12–14段）" in output
    assert "三级标题：1 段（第15段）" in output
    assert "发文机关署名：1 段（第25段）" in output
    assert "附注：1 段（第27段）" in output
    assert "第4段：半角“():”改为全角" in output
    assert "第5段：删去行首的 1 个空格或制表符" in output
    assert "第26段：删去行尾的 5 个空格或制表符" in output
    assert "表格 1 个、图片 1 张（保留）" in output


def test_the_only_text_edits_are_full_width_marks_numbers_and_indents(notice, formatted):
    out, output = formatted
    _doc, before = body_paragraphs(notice)
    _doc, after = body_paragraphs(out)
    old = [full_width(p.text).strip(" \t\u3000") for p in before if p.text.strip()]
    new = [p.text for p in after if p.text.strip()]
    # the structure number typed "1、" is written as 7.3.3 has it
    assert old.count("1、落实巡查责任") == 1 and "第15段：序号“1、”改为“1.”" in output
    assert new == [("1.落实巡查责任" if t == "1、落实巡查责任" else t) for t in old]


def test_a_title_over_two_lines_stays_two_title_lines(formatted):
    _doc, paragraphs = body_paragraphs(formatted[0])
    assert [p.text for p in paragraphs[:2]] == list(NOTICE_TITLE)
    assert {p.style.style_id for p in paragraphs[:2]} == {"Title"}


def test_a_heading_and_its_text_in_one_paragraph_formats_the_heading_part_only(formatted):
    _doc, paragraphs = body_paragraphs(formatted[0])
    p = by_text(paragraphs, "（一）道路交通。")
    assert p.style.style_id == "Normal"
    heading, rest = p.runs[0], p.runs[1]
    assert heading.text == "（一）道路交通。"
    assert heading._element.rPr.rFonts.get(qn("w:eastAsia")) == official.KAITI
    assert rest.text.startswith("以临水临崖路段")
    assert rest._element.rPr is None or rest._element.rPr.rFonts is None


def test_numbered_lines_under_a_lead_in_are_list_items_not_headings(formatted):
    _doc, paragraphs = body_paragraphs(formatted[0])
    assert by_text(paragraphs, "1. 每日巡查一次").style.style_id == "Normal"
    assert by_text(paragraphs, "3. 按预案组织").style.style_id == "Normal"
    # "1、" after the list restarts the numbering: a heading, its number written "1."
    assert by_text(paragraphs, "1.落实巡查责任").style.style_id == "Heading3"
    assert by_text(paragraphs, "（二）隐患点监测").style.style_id == "Heading2"


def test_latin_text_and_digits_keep_times_new_roman(formatted):
    _doc, paragraphs = body_paragraphs(formatted[0])
    p = by_text(paragraphs, "汛期是地质灾害易发")
    phone = next(r for r in p.runs if "6688" in r.text)
    fonts = phone._element.rPr.rFonts
    assert fonts.get(qn("w:ascii")) == "Times New Roman"
    assert fonts.get(qn("w:eastAsia")) is None  # the style's 仿宋_GB2312


def test_every_section_becomes_a4_with_official_margins_and_numbers_continue(formatted):
    doc, _paragraphs = body_paragraphs(formatted[0])
    assert len(doc.sections) == 2
    for section in doc.sections:
        assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
        assert (section.top_margin.twips, section.left_margin.twips) == (2098, 1587)
    assert doc.sections[1].footer.is_linked_to_previous


def test_table_and_picture_are_kept(notice, formatted):
    doc, _paragraphs = body_paragraphs(formatted[0])
    assert len(list(doc.element.body.iter(qn("w:drawing")))) == 1
    [table] = doc.tables
    assert [c.text for c in table.rows[1].cells] == ["石门村垭口滑坡", "李明（兼）", "13800001234"]
    assert table.cell(0, 0).paragraphs[0].style.style_id == official.TABLE_TEXT
    picture = next(p for p in _paragraphs if p._p.xpath(".//w:drawing"))
    assert picture.paragraph_format.line_spacing_rule != 4  # not exact: the picture is not clipped


def test_signature_and_date_placed_by_7_3_5_2(formatted):
    _doc, paragraphs = body_paragraphs(formatted[0])
    signature = by_text(paragraphs, "松岚镇人民政府")
    date = by_text(paragraphs, "2023年5月8日")
    assert signature.style.style_id == "GwSignature" and date.style.style_id == "GwDate"
    # measured in printed characters, as official.place_signature measures a rendered summary
    sig_right, _date_right = official.signature_indents(
        official.printed_width("松岚镇人民政府"), official.printed_width("2023年5月8日")
    )
    sig_twips = round(sig_right * official.PRINTED_CHAR)
    assert signature._p.pPr.ind.get(qn("w:right")) == str(sig_twips)
    # the style's rightChars does not win
    assert signature._p.pPr.ind.get(qn("w:rightChars")) == "0"
    # the date starts 2 printed characters right of the name's first character
    start = official.TEXT_WIDTH - sig_twips - 7 * official.PRINTED_CHAR
    assert date._p.pPr.ind.get(qn("w:left")) == str(start + 2 * official.PRINTED_CHAR)
    assert date._p.pPr.ind.get(qn("w:leftChars")) == "0"
    assert date._p.pPr.jc.get(qn("w:val")) == "left"
    before = paragraphs[paragraphs.index(signature) - 1]
    assert before.text == ""


def test_format_never_overwrites_without_force(notice, tmp_path):
    out = tmp_path / "已有.docx"
    out.write_bytes(b"keep")
    result = run("format", notice, "-o", out)
    assert result.exit_code == 1
    assert "已存在" in result.output and "--force" in result.output
    assert out.read_bytes() == b"keep"
    assert run("format", notice, "-o", out, "--force").exit_code == 0


# ---------------------------------------------------------------- format: WPS's defaults


def test_the_summary_typed_with_wps_defaults_formats_clean(summary, tmp_path):
    draft = wps_summary(summary, tmp_path / "总结草稿.docx")
    assert len(lint_file(draft, pages=False)) > 50
    out = tmp_path / "总结.docx"
    result = run("format", draft, "-o", out)
    assert result.exit_code == 0, result.output
    assert lint_file(out, pages=False) == []
    assert words(out) == words(draft)
    roles = [(p.role, p.level) for p in parts(docx.Document(str(out))) if p.role != "blank"]
    assert roles.count(("heading", 1)) == 3 and roles.count(("heading", 2)) == 8


def test_a_short_notice_typed_plainly(tmp_path):
    """No title formatting at all but a larger size; recipient, body, signature after a blank."""
    doc = docx.Document()
    for text, size, align in (
        ("关于开展安全检查的通知", 16, WD_ALIGN_PARAGRAPH.CENTER),
        ("各村（社区）:", 12, None),
        ("  定于5月10日开展汛前安全检查，请做好准备。", 12, None),
        ("", 12, None),
        ("松岚镇安全生产委员会办公室", 12, None),
        ("2023年5月8日", 12, None),
    ):
        p = doc.add_paragraph()
        p.alignment = align
        if text:
            p.add_run(text).font.size = Pt(size)
    draft = tmp_path / "短通知.docx"
    doc.save(str(draft))
    out = tmp_path / "通知.docx"
    result = run("format", draft, "-o", out)
    assert result.exit_code == 0, result.output
    assert "发文机关署名：1 段（第5段）" in result.output
    assert lint_file(out, pages=False) == []


# ---------------------------------------------------------------- the page


def test_page_formats_a_dropped_draft_and_shows_the_reports(notice, tmp_path, monkeypatch):
    from docgen.web.desk import Desk

    monkeypatch.setattr(Desk, "soffice", lambda self: False)
    root = tmp_path / "松岚镇"
    init_workspace(root)
    with TestClient(create_app(root), base_url="http://127.0.0.1:8000") as client:
        page = client.get("/")
        assert 'id="step-format"' in page.text
        with open(notice, "rb") as f:
            response = client.post("/api/format", files={"file": ("通知草稿.docx", f.read())})
        assert response.status_code == 200, response.text
        data = response.json()
        assert data["file"] == "通知草稿（排版）.docx"
        assert data["lint"] == []
        assert len(data["draft_lint"]) > 20
        assert data["recognised"]["标题"] == [1, 2]
        download = client.get(data["download"])
        assert download.status_code == 200
        saved = tmp_path / "下载.docx"
        saved.write_bytes(download.content)
        assert words(saved) == words(notice)
        refused = client.post(
            "/api/format", files={"file": ("草稿.doc", b"\xd0\xcf\x11\xe0" + b"\0" * 100)}
        )
        assert refused.status_code == 400
        assert refused.json()["error"].startswith(
            "草稿.doc 不是 .docx 文件：请在 WPS 或 Word 中打开"
        )
        assert client.get("/api/format/nothing").status_code == 404


# ---------------------------------------------------------------- printed


@pytest.mark.soffice
def test_formatted_summary_prints_on_the_grid_and_its_signature_page_has_text(summary, tmp_path):
    draft = wps_summary(summary, tmp_path / "总结草稿.docx")
    out = tmp_path / "总结.docx"
    assert run("format", draft, "-o", out).exit_code == 0
    result = run("lint", out, "--pages")
    assert result.exit_code == 0, result.output
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        capture_output=True,
        check=True,
        timeout=180,
    )
    html = subprocess.run(
        ["pdftotext", "-bbox-layout", str(out.with_suffix(".pdf")), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    first = html.split("<page ")[1]
    lines = [
        (float(x), float(y)) for x, y in re.findall(r'<line xMin="([\d.]+)" yMin="([\d.]+)"', first)
    ]
    ys = sorted(y for _x, y in lines if y < (297 - 35) * 72 / 25.4)
    steps = [b - a for a, b in zip(ys, ys[1:], strict=False) if 20 < b - a < 35]
    assert sorted(steps)[len(steps) // 2] == pytest.approx(28.95, abs=0.2)
    assert min(x for x, _y in lines) == pytest.approx(28 * 72 / 25.4, abs=2)


def test_page_in_a_browser_formats_a_draft_and_offers_the_download(notice, tmp_path, monkeypatch):
    from webserver import browser, running

    from docgen.web.desk import Desk

    monkeypatch.setattr(Desk, "soffice", lambda self: False)
    root = tmp_path / "松岚镇"
    init_workspace(root)
    with browser() as chromium, running(create_app(root)) as url:
        page = chromium.new_page(accept_downloads=True, locale="zh-CN")
        page.goto(url)
        assert page.locator("#step-format h2").inner_text().endswith("排版手工录入的文稿")
        page.set_input_files("#format-input", str(notice))
        page.locator("#format-lint").wait_for()
        assert (
            page.locator("#format-lint").inner_text()
            == "排版后检查通过：未发现不符合 GB/T 9704 之处"
        )
        assert "标题：1、2" in page.locator("#format-report").inner_text()
        with page.expect_download() as info:
            page.locator("#format-download").click()
        saved = tmp_path / "下载的通知.docx"
        info.value.save_as(saved)
        assert lint_file(saved, pages=False) == []
