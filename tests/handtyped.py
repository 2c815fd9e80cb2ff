"""Drafts as a secretary types them in WPS or Word, built with python-docx for the tests.

``wps_summary`` retypes a document the way WPS's defaults leave it (宋体 小四, single spacing,
spaces for indents, bold headings, half-width brackets, a right-aligned signature, Letter
paper); ``messy_notice`` is a short notice with every hard case of issue 13 in it.
"""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

import docx
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Inches, Mm, Pt

HALF = str.maketrans({"（": "(", "）": ")", "：": ":"})


def _font(run, name="宋体", size=12, bold=False, latin=None):
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = latin or name
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _letter(doc):
    section = doc.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("top", "bottom", "left", "right"):
        setattr(section, f"{side}_margin", Inches(1))


def _para(doc, text, *, align=None, size=12, bold=False, name="宋体", latin=None):
    p = doc.add_paragraph()
    p.paragraph_format.line_spacing = 1.0
    p.paragraph_format.space_after = Pt(0)
    if align:
        p.alignment = align
    if text:
        _font(p.add_run(text), name, size, bold, latin)
    return p


def png(width=40, height=30) -> bytes:
    """A small grey PNG."""
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def wps_summary(source: Path, path: Path) -> Path:
    """The summary at ``source`` (docgen's own) retyped with WPS's defaults."""
    original = docx.Document(str(source))
    doc = docx.Document()
    _letter(doc)
    body = original.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:tbl"):
            rows = [[c.text for c in r.cells] for r in docx.table.Table(child, original._body).rows]
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = doc.styles["Table Grid"]
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    cell = table.cell(r, c)
                    _font(cell.paragraphs[0].add_run(value.translate(HALF)))
            continue
        if child.tag != qn("w:p"):
            continue
        p = docx.text.paragraph.Paragraph(child, original._body)
        style = p.style.style_id
        text = p.text
        if style == "Title":
            _para(doc, text, align=WD_ALIGN_PARAGRAPH.CENTER, size=18, bold=True)
        elif style in ("Heading1", "Heading2"):
            _para(doc, "    " + text.translate(HALF), bold=True)
        elif style == "GwRecipient":
            _para(doc, text.translate(HALF))
        elif style in ("GwSignature", "GwDate"):
            _para(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        elif style == "GwAnnexLabel":
            doc.add_page_break()
            _para(doc, text)
        elif style == "GwAttachment":
            _para(doc, ("    " if text.startswith("附件") else "          ") + text.translate(HALF))
        elif text:
            _para(doc, "　　" + text)
        else:
            _para(doc, "")
    doc.save(str(path))
    return path


NOTICE_TITLE = ("关于做好2023年汛期地质灾害", "防范工作的通知")


def messy_notice(path: Path, picture: Path) -> Path:
    """A notice with the hard cases: a title over two lines, a half-width colon after the
    recipient, "(一)" and "1、" headings, a heading and its text in one paragraph, numbered
    list items under a paragraph ending in a colon, Latin text and digits in Times New Roman,
    tabs for indents, a section break, a picture, a table, 附件说明, a right-aligned
    signature, 附注 and 抄送/印发."""
    doc = docx.Document()
    _letter(doc)
    _para(doc, NOTICE_TITLE[0], align=WD_ALIGN_PARAGRAPH.CENTER, size=18, bold=True)
    _para(doc, NOTICE_TITLE[1], align=WD_ALIGN_PARAGRAPH.CENTER, size=18, bold=True)
    _para(doc, "")
    _para(doc, "各村(社区)、镇属各部门:")
    _para(
        doc,
        "\t为切实做好2023年汛期地质灾害防范工作，保障人民群众生命财产安全，根据区应急管理局"
        "《关于做好汛期安全防范工作的通知》(区应急〔2023〕12号)要求，现将有关事项通知如下。",
    )
    _para(doc, "一、提高思想认识", bold=True, name="黑体")
    p = _para(
        doc, "　　汛期是地质灾害易发、多发期。各村要落实“汛期24小时值班”制度，值班电话", size=12
    )
    _font(p.add_run("023-6688 1234"), latin="Times New Roman")
    _font(p.add_run("必须保持畅通，GPS定位终端和IoT监测设备每日巡检。"))
    _para(doc, "二、突出防范重点", bold=True)
    _para(
        doc,
        "    (一)道路交通。以临水临崖路段、急弯陡坡为重点，设置警示标志，必要时实行交通管制。",
        bold=False,
    )
    _para(doc, "(二)隐患点监测", bold=True, name="楷体")
    _para(doc, "\t各隐患点监测员要做到以下三点：")
    _para(doc, "1. 每日巡查一次，雨天加密巡查；")
    _para(doc, "2. 发现险情立即报告；")
    _para(doc, "3. 按预案组织群众撤离。")
    _para(doc, "1、落实巡查责任", bold=True)
    _para(doc, "　　监测员每日填写巡查记录(见附件)，按时报送。")
    doc.add_paragraph().add_run().add_picture(str(picture), width=Inches(1.5))
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    _para(doc, "三、加强应急值守", bold=True)
    _para(doc, "\t\t各村要严格执行领导带班和24小时值班制度，重要情况及时报告。")
    table = doc.add_table(rows=2, cols=3)
    table.style = doc.styles["Table Grid"]
    for c, value in enumerate(["隐患点", "监测员", "电话"]):
        _font(table.cell(0, c).paragraphs[0].add_run(value), bold=True)
    for c, value in enumerate(["石门村垭口滑坡", "李明(兼)", "13800001234"]):
        _font(table.cell(1, c).paragraphs[0].add_run(value))
    _para(doc, "")
    _para(doc, "    附件:1.地质灾害隐患点巡查记录表")
    _para(doc, "          2.汛期值班表")
    _para(doc, "")
    _para(doc, "松岚镇人民政府", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "2023年5月8日     ", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "(此件发至村(社区))")
    _para(doc, "抄送:区应急管理局。", size=14)
    _para(doc, "松岚镇党政办公室                   2023年5月8日印发", size=14)
    doc.save(str(path))
    return path


ALLOWED = str.maketrans({"(": "（", ")": "）", ":": "："})


def words(path: Path) -> str:
    """All the text of a document, tables too, with what ``format`` may change taken out:
    white space removed and half-width brackets and colons made full-width."""
    doc = docx.Document(str(path))
    text = []
    for block in doc.element.body.iter(qn("w:p")):
        text.append("".join(t.text or "" for t in block.iter(qn("w:t"))))
    joined = "".join(text)
    # 8:30 and Latin text keep their half-width colon; only Chinese text changes
    # and structure numbers typed "1、" are written "1."
    return re.sub(r"(\d)、", r"\1.", re.sub(r"\s+", "", joined).translate(ALLOWED))


def _a4(doc):
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side, mm in (("top", 37), ("bottom", 35), ("left", 28), ("right", 26)):
        setattr(section, f"{side}_margin", Mm(mm))


def lead_in_notice(path: Path, *, heading_font="黑体", indent="　　") -> Path:
    """A notice whose opening ends "……通知如下：" and whose sections 一、二、三、 follow, typed
    in 3号仿宋 (not 仿宋_GB2312), indents typed as ``indent`` (full-width spaces)."""
    doc = docx.Document()
    _a4(doc)
    _para(
        doc,
        "关于做好2023年汛期安全防范工作的通知",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        size=22,
        name="方正小标宋简体",
    )
    _para(doc, "")
    _para(doc, "各村（社区）、镇属各部门：", size=16, name="仿宋")
    _para(
        doc,
        indent + "为切实做好今年汛期安全防范工作，保障人民群众生命财产安全，现将有关事项通知如下：",
        size=16,
        name="仿宋",
    )
    for heading, text in (
        ("一、提高思想认识", "汛期是地质灾害易发、多发期，各村要高度重视。"),
        ("二、落实巡查责任", "各村监测员每日巡查一次，雨天加密巡查。"),
        ("三、加强应急值守", "严格执行领导带班和24小时值班制度。"),
    ):
        _para(doc, indent + heading, size=16, name=heading_font)
        _para(doc, indent + text, size=16, name="仿宋")
    _para(doc, "")
    _para(doc, "松岚镇人民政府", align=WD_ALIGN_PARAGRAPH.RIGHT, size=16, name="仿宋")
    _para(doc, "2023年5月8日", align=WD_ALIGN_PARAGRAPH.RIGHT, size=16, name="仿宋")
    doc.save(str(path))
    return path


def numbering_draft(path: Path) -> Path:
    """A short draft with "(一)" typed with half-width brackets and a "1、" heading."""
    doc = docx.Document()
    _a4(doc)
    _para(
        doc, "松岚镇防汛工作要点", align=WD_ALIGN_PARAGRAPH.CENTER, size=22, name="方正小标宋简体"
    )
    _para(doc, "")
    _para(doc, "　　一、总体要求", size=16, name="黑体")
    _para(doc, "(一)责任落实", size=16, name="楷体")
    _para(doc, "　　各村落实防汛责任。", size=16, name="仿宋")
    _para(doc, "1、巡查制度", size=16, name="仿宋")
    _para(doc, "　　监测员每日巡查。", size=16, name="仿宋")
    doc.save(str(path))
    return path


LONG_TITLE = ("松岚镇人民政府关于2020—2022年安全生产专项整治三年行动", "工作情况的报告")


def long_title_draft(path: Path) -> Path:
    """A title typed over two lines, the first longer than a line of 2号 text."""
    doc = docx.Document()
    _a4(doc)
    for line in LONG_TITLE:
        _para(doc, line, align=WD_ALIGN_PARAGRAPH.CENTER, size=22, name="方正小标宋简体")
    _para(doc, "")
    _para(doc, "区应急管理局：", size=16, name="仿宋_GB2312")
    _para(doc, "　　现将我镇三年行动工作情况报告如下。", size=16, name="仿宋_GB2312")
    doc.save(str(path))
    return path


def header_draft(path: Path, blanks: int = 1) -> Path:
    """A 版头 typed with ``blanks`` blank lines between the mark and the 发文字号."""
    doc = docx.Document()
    _a4(doc)
    _para(
        doc, "松岚镇人民政府文件", align=WD_ALIGN_PARAGRAPH.CENTER, size=36, name="方正小标宋简体"
    )
    for _ in range(blanks):
        _para(doc, "")
    _para(doc, "松府发〔2023〕8号", align=WD_ALIGN_PARAGRAPH.CENTER, size=16, name="仿宋_GB2312")
    _para(doc, "")
    _para(
        doc,
        "松岚镇人民政府关于加强防汛工作的通知",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        size=22,
        name="方正小标宋简体",
    )
    _para(doc, "")
    _para(doc, "各村（社区）：", size=16, name="仿宋_GB2312")
    _para(doc, "　　请各村做好防汛工作。", size=16, name="仿宋_GB2312")
    doc.save(str(path))
    return path
