"""The GB/T 9704 layout, checked in the saved .docx's XML."""

from __future__ import annotations

import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from docgen.gongwen import official
from docgen.kinds.registry import registry

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    doc = official.apply_official_layout(docx.Document())
    official.add_title(doc, "XX镇安全生产专项整治三年行动工作总结")
    official.add_recipient(doc, "区应急管理局")
    official.add_body(doc, "正文第一段。")
    official.add_heading(doc, "一、提高认识", 1)
    official.add_heading(doc, "（一）道路交通安全", 2)
    official.add_attachment_note(doc, ["分领域统计表", "各单位统计表"])
    official.add_signature(doc, "青山镇人民政府", "2022年12月20日")
    official.add_annex_label(doc, "附件1")
    official.add_table(
        doc, ["领域", "检查次数"], [["消防安全", 43], ["合计", 43]], widths=[5000, 3845]
    )
    official.add_page_break(doc)
    path = tmp_path_factory.mktemp("official") / "layout.docx"
    doc.save(str(path))
    return path


def part(path, name):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(name))


def style(styles, style_id):
    found = styles.find(f"{W}style[@{W}styleId='{style_id}']")
    assert found is not None, style_id
    return found


def test_page_size_margins_and_grid(saved):
    section = docx.Document(str(saved)).sections[0]
    twips = lambda length: round(length / 635)  # noqa: E731
    assert (twips(section.page_width), twips(section.page_height)) == (11906, 16838)
    # 37 / 35 / 28 / 26 mm
    assert [
        round(twips(m) / 56.7)
        for m in (
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ] == [37, 35, 28, 26]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"
    assert grid.get(qn("w:type")) == "lines"
    # 22 lines fit the text block exactly
    assert (
        22 * 579 <= official.PAGE_HEIGHT - official.MARGIN_TOP - official.MARGIN_BOTTOM < 23 * 579
    )


def test_28_characters_fit_a_line():
    char_twips = official.SIZE_3 * 20 + official.CONDENSE
    assert 28 * char_twips <= official.TEXT_WIDTH < 29 * char_twips


def test_body_style(saved):
    styles = part(saved, "word/styles.xml")
    normal = style(styles, "Normal")
    spacing = normal.find(f"{W}pPr/{W}spacing")
    assert (spacing.get(f"{W}line"), spacing.get(f"{W}lineRule")) == ("579", "exact")
    assert (spacing.get(f"{W}before"), spacing.get(f"{W}after")) == ("0", "0")
    ind = normal.find(f"{W}pPr/{W}ind")
    assert (ind.get(f"{W}firstLineChars"), ind.get(f"{W}firstLine")) == ("200", "640")
    assert normal.find(f"{W}rPr/{W}sz").get(f"{W}val") == "32"


@pytest.mark.parametrize(
    ("style_id", "font", "size"),
    [
        ("Normal", "仿宋_GB2312", "32"),
        ("Title", "方正小标宋简体", "44"),
        ("Heading1", "黑体", "32"),
        ("Heading2", "楷体_GB2312", "32"),
        ("GwRecipient", "仿宋_GB2312", "32"),
        ("GwAnnexLabel", "黑体", "32"),
        ("Footer", "宋体", "28"),
    ],
)
def test_fonts_on_all_four_slots(saved, style_id, font, size):
    rpr = style(part(saved, "word/styles.xml"), style_id).find(f"{W}rPr")
    fonts = rpr.find(f"{W}rFonts")
    assert {
        slot: fonts.get(f"{W}{slot}") for slot in ("ascii", "hAnsi", "eastAsia", "cs")
    } == dict.fromkeys(("ascii", "hAnsi", "eastAsia", "cs"), font)
    assert rpr.find(f"{W}sz").get(f"{W}val") == size
    assert rpr.find(f"{W}color").get(f"{W}val") == "000000"


def test_title_centred_and_recipient_flush_left(saved):
    styles = part(saved, "word/styles.xml")
    assert style(styles, "Title").find(f"{W}pPr/{W}jc").get(f"{W}val") == "center"
    for style_id in ("Title", "GwRecipient", "GwAnnexLabel"):
        ind = style(styles, style_id).find(f"{W}pPr/{W}ind")
        assert ind.get(f"{W}firstLineChars") == "0" and ind.get(f"{W}firstLine") == "0", style_id


def test_no_theme_attributes_and_all_black(saved):
    raw = zipfile.ZipFile(saved).read("word/styles.xml").decode()
    for attr in ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme", "themeColor"):
        assert attr not in raw
    styles = part(saved, "word/styles.xml")
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert defaults.get(f"{W}eastAsia") == "仿宋_GB2312"
    colours = {c.get(f"{W}val") for c in styles.iter(f"{W}color")}
    assert colours == {"000000"}
    # headings are not Word's blue
    for style_id in ("Heading1", "Heading2", "Heading3"):
        assert style(styles, style_id).find(f"{W}rPr/{W}color").get(f"{W}val") == "000000"


def footer_of(path, which):
    document = part(path, "word/document.xml")
    rels = part(path, "word/_rels/document.xml.rels")
    ref = document.find(f".//{W}sectPr/{W}footerReference[@{W}type='{which}']")
    assert ref is not None, which
    rid = ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    target = next(r.get("Target") for r in rels if r.get("Id") == rid)
    return part(path, "word/" + target)


@pytest.mark.parametrize(
    ("which", "align", "side"), [("default", "right", "right"), ("even", "left", "left")]
)
def test_page_number_footers(saved, which, align, side):
    footer = footer_of(saved, which)
    paragraph = footer.find(f"{W}p")
    assert paragraph.find(f"{W}pPr/{W}jc").get(f"{W}val") == align
    ind = paragraph.find(f"{W}pPr/{W}ind")
    assert ind.get(f"{W}{side}") == "280"  # one 4号 character in
    assert paragraph.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Footer"
    kinds = [f.get(f"{W}fldCharType") for f in paragraph.iter(f"{W}fldChar")]
    assert kinds == ["begin", "separate", "end"]
    assert "".join(i.text for i in paragraph.iter(f"{W}instrText")).strip() == "PAGE"
    texts = [t.text for t in paragraph.iter(f"{W}t")]
    assert texts[0] == "— " and texts[-1] == " —"


def test_even_and_odd_footers_enabled(saved):
    settings = part(saved, "word/settings.xml")
    assert settings.find(f"{W}evenAndOddHeaders") is not None


def test_signature_two_characters_in_and_date_under_it(saved):
    doc = docx.Document(str(saved))
    by_text = {p.text: p for p in doc.paragraphs}
    signature, date = by_text["青山镇人民政府"], by_text["2022年12月20日"]
    assert signature.style.style_id == "GwSignature" and date.style.style_id == "GwDate"
    # placed when rendered, from the printed text
    placed = etree.fromstring(
        official.place_signature(zipfile.ZipFile(saved).read("word/document.xml").decode()).encode()
    )
    sig_p, date_p = (
        next(
            p
            for p in placed.iter(qn("w:p"))
            if "".join(placed_t.text or "" for placed_t in p.iter(qn("w:t"))) == text
        )
        for text in ("青山镇人民政府", "2022年12月20日")
    )
    sig_ind = sig_p.find(f"{qn('w:pPr')}/{qn('w:ind')}")
    date_ind = date_p.find(f"{qn('w:pPr')}/{qn('w:ind')}")
    # 7-character name and 7-character date: date 2 in, its first character 2 right of the name's
    # in printed characters (15.75 pt = 315 twips; a digit 155): the date's 8 digits are
    # 8 × 155 twips, so the name stands 2 in + (date − name) + 2 = 1240 twips from the right
    sig_right = 630 + 3 * 315 + 8 * 155 + 630 - 7 * 315
    assert sig_ind.get(qn("w:right")) == str(sig_right)
    # the date starts 2 printed characters right of the name's first character: a left indent
    # from the name's start, exact for Chinese characters whatever the digits' widths
    assert date_p.find(f"{qn('w:pPr')}/{qn('w:jc')}").get(qn("w:val")) == "left"
    assert date_ind.get(qn("w:left")) == str(8845 - sig_right - 7 * 315 + 2 * 315)
    # twips, not Word's 16 pt "characters"; *Chars 0 so the style's 200/400 do not win in Word
    assert date_ind.get(qn("w:leftChars")) == sig_ind.get(qn("w:rightChars")) == "0"
    assert date_ind.get(qn("w:rightChars")) == "0"
    assert signature.paragraph_format.keep_with_next


def test_signature_indents_follow_the_standard():
    # a long name: signature 2 in, date moved right under it
    assert official.signature_indents(12, 7) == (2.0, 5.0)
    # a short name: the date stays 2 in and the signature moves left
    assert official.signature_indents(4, 7) == (7.0, 2.0)


def test_attachment_note_and_annex_label(saved):
    doc = docx.Document(str(saved))
    texts = [p.text for p in doc.paragraphs]
    first = texts.index("附件：1.分领域统计表")
    assert texts[first + 1] == "2.各单位统计表"
    second = doc.paragraphs[first + 1]
    assert second._p.pPr.find(qn("w:ind")).get(qn("w:leftChars")) == "500"
    label = next(p for p in doc.paragraphs if p.text == "附件1")
    assert label.style.style_id == "GwAnnexLabel"
    assert label.paragraph_format.page_break_before


def test_table_grid_borders_and_header(saved):
    doc = docx.Document(str(saved))
    table = doc.tables[0]
    tbl = table._tbl
    assert [c.get(qn("w:w")) for c in tbl.tblGrid.findall(qn("w:gridCol"))] == ["5000", "3845"]
    for tc in tbl.iter(qn("w:tc")):
        assert tc.tcPr.find(qn("w:tcW")).get(qn("w:type")) == "dxa"
    borders = tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"single"}
    assert {b.get(qn("w:color")) for b in borders} == {"000000"}
    header = tbl.findall(qn("w:tr"))[0]
    assert header.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[0].cells[0].paragraphs[0].style.style_id == "GwTableHeader"
    assert table.rows[1].cells[1].text == "43"
    styles = part(saved, "word/styles.xml")
    assert style(styles, "GwTableHeader").find(f"{W}rPr/{W}b").get(f"{W}val") is None  # bold on
    spacing = style(styles, "GwTableText").find(f"{W}pPr/{W}spacing")
    assert spacing.get(f"{W}lineRule") == "auto"


def test_page_break_paragraph(saved):
    doc = docx.Document(str(saved))
    breaks = doc.element.body.findall(f".//{qn('w:br')}[@{qn('w:type')}='page']")
    assert len(breaks) == 1


@pytest.mark.parametrize("kind", [k.key for k in registry()])
def test_built_in_templates_share_the_layout(kind):
    path = registry()[kind].template_path
    raw = zipfile.ZipFile(path).read("word/styles.xml").decode()
    assert "Theme" not in raw and "cstheme" not in raw
    section = docx.Document(str(path)).sections[0]
    # the 承诺书 with its 回执 is a one-page form on a 22 pt grid; the others are 公文
    pitch = "440" if kind == "letters" else "579"
    assert section._sectPr.find(qn("w:docGrid")).get(qn("w:linePitch")) == pitch
    document = zipfile.ZipFile(path).read("word/document.xml").decode()
    # text colour never set to anything but black
    # text colour never set to anything but black, save the 版头's red 发文机关标志 (7.2.4)
    ns = {"w": W[1:-1]}
    root = etree.fromstring(document.encode())
    colours = set(
        root.xpath("//w:r[not(contains(w:t, '版头.发文机关标志'))]//w:color/@w:val", namespaces=ns)
    )
    assert colours <= {"000000"}
    assert set(root.xpath("//w:color/@w:val", namespaces=ns)) <= {"000000", "FF0000"}
