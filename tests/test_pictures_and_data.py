"""Pictures placed from a path, .json data for ``docgen render``, and the docxtpl templates
that used to print wrongly or be refused — all through the command line."""

from __future__ import annotations

import io
import json
import re
import shutil
import struct
import zipfile
from collections import Counter
from pathlib import Path

import docx
import pytest
from clirun import run
from docx.oxml.ns import qn
from docx.shared import Cm
from openpyxl import Workbook
from test_engine import png
from test_package import check_package

from docgen.errors import TemplateError
from docgen.render.compile import CompiledTemplate
from docgen.render.pictures import image_size

DEMO = Path(__file__).resolve().parents[1] / "docgen" / "demo" / "inputs"


def jpeg(width: int, height: int) -> bytes:
    """The header of a baseline JPEG (enough for its size)."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def template(
    path: Path,
    paragraphs: list[str],
    *,
    header_picture: bool = False,
    body_picture: bool = False,
    header: str | None = None,
    title: str | None = None,
) -> Path:
    doc = docx.Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if body_picture:
        doc.add_picture(io.BytesIO(png()))
    head = doc.sections[0].header.paragraphs[0]
    if header is not None:
        head.add_run(header)
    if header_picture:
        head.add_run().add_picture(io.BytesIO(png()))
    if title is not None:
        doc.core_properties.title = title
    doc.save(path)
    return path


def roster(path: Path, rows: list[dict]) -> Path:
    wb = Workbook()
    ws = wb.active
    columns = list(rows[0])
    ws.append(columns)
    for row in rows:
        ws.append([row[c] for c in columns])
    wb.save(path)
    return path


def package_ids(path: Path) -> Counter:
    ids: Counter = Counter()
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                ids.update(re.findall(r'<wp:docPr\b[^>]*?\sid="(\d+)"', z.read(name).decode()))
    return ids


def assert_sound(path: Path) -> None:
    assert check_package(path) == [], path.name
    ids = package_ids(path)
    assert all(n == 1 for n in ids.values()), ids
    with zipfile.ZipFile(path) as z:
        types = z.read("[Content_Types].xml").decode()
        for name in z.namelist():
            if name.startswith("word/media/docgen-"):
                ext = name.rsplit(".", 1)[1]
                assert f'Extension="{ext}"' in types
    docx.Document(str(path))  # python-docx opens it


# --------------------------------------------------------------------------- pictures


def test_image_sizes_from_headers():
    assert image_size(png(40, 20)) == ("png", 40, 20)
    assert image_size(jpeg(640, 480)) == ("jpeg", 640, 480)
    assert image_size(b"GIF89a" + struct.pack("<HH", 30, 10) + b"\x00" * 8) == ("gif", 30, 10)
    assert image_size(b"not a picture at all") is None


@pytest.fixture
def photos(tmp_path) -> Path:
    folder = tmp_path / "data"
    (folder / "照片").mkdir(parents=True)
    (folder / "照片" / "宽.png").write_bytes(png(40, 20))
    (folder / "照片" / "方.jpg").write_bytes(jpeg(300, 300))
    (folder / "照片" / "假.png").write_bytes(b"plain text, not a picture")
    return folder


def test_picture_filter_places_each_records_picture_at_its_size(tmp_path, photos):
    tpl = template(
        tmp_path / "t.docx",
        ["{{ 名称 }}", "{{ 照片|图片(宽=8) }}", "{{ 照片|picture(width=4, height=3) }}"],
        header="{{ 名称 }}",
        header_picture=True,
        body_picture=True,
    )
    data = roster(
        photos / "名册.xlsx",
        [
            {"名称": "甲", "照片": "照片/宽.png"},
            {"名称": "乙", "照片": str(photos / "照片" / "方.jpg")},  # absolute paths too
            {"名称": "丙", "照片": "照片/宽.png"},
        ],
    )
    out = tmp_path / "out"
    result = run("render", tpl, data, "-o", out, "--combined", out / "合订本.docx")
    assert result.exit_code == 0, result.output
    first = docx.Document(str(out / "甲.docx"))
    shapes = first.inline_shapes
    assert len(shapes) == 3  # two placed, and the template's own
    assert (shapes[0].width, shapes[0].height) == (Cm(8), Cm(4))  # 40×20 px: height in proportion
    assert (shapes[1].width, shapes[1].height) == (Cm(4), Cm(3))
    second = docx.Document(str(out / "乙.docx")).inline_shapes
    assert (second[0].width, second[0].height) == (Cm(8), Cm(8))
    for path in [*out.glob("*.docx")]:
        assert_sound(path)
    with zipfile.ZipFile(out / "合订本.docx") as z:
        media = [n for n in z.namelist() if n.startswith("word/media/docgen-")]
    assert len(media) == 2  # the same photo in two records is stored once
    combined = docx.Document(str(out / "合订本.docx"))
    assert len(combined.inline_shapes) == 9


def test_header_and_body_pictures_get_distinct_ids(tmp_path):
    """The same wp:docPr id twice is what Word reports as unreadable content."""
    path = template(
        tmp_path / "t.docx",
        ["{{ 名称 }}"],
        header="{{ 名称 }}",
        header_picture=True,
        body_picture=True,
    )
    data = roster(tmp_path / "名册.xlsx", [{"名称": "甲", "序号": 1}, {"名称": "乙", "序号": 2}])
    result = run(
        "render", path, data, "-o", tmp_path / "out", "--combined", tmp_path / "out" / "合订本.docx"
    )
    assert result.exit_code == 0, result.output
    for out in (tmp_path / "out").glob("*.docx"):
        assert_sound(out)
    # an untemplated header keeps its id; the body's are numbered around it
    plain = template(tmp_path / "p.docx", ["{{ 名称 }}"], header_picture=True, body_picture=True)
    result = run(
        "render",
        plain,
        data,
        "-o",
        tmp_path / "plain",
        "--combined",
        tmp_path / "plain" / "合订本.docx",
    )
    assert result.exit_code == 0, result.output
    for out in (tmp_path / "plain").glob("*.docx"):
        assert_sound(out)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("照片/没有.png", "名册第 3 行的图片：找不到图片文件“照片/没有.png”"),
        ("照片/假.png", "名册第 3 行的图片：“照片/假.png”不是 PNG、JPEG 或 GIF 图片"),
        ("照片", "名册第 3 行的图片：“照片”不是图片文件"),
    ],
)
def test_a_bad_picture_names_the_row_and_file_and_writes_nothing(tmp_path, photos, value, expected):
    tpl = template(tmp_path / "t.docx", ["{{ 名称 }}", "{{ 照片|图片(宽=8) }}"])
    data = roster(
        photos / "名册.xlsx", [{"名称": "甲", "照片": "照片/宽.png"}, {"名称": "乙", "照片": value}]
    )
    out = tmp_path / "out"
    result = run("render", tpl, data, "-o", out, "--combined", out / "合订本.docx")
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert not out.exists() or not any(out.rglob("*.docx"))


def test_an_empty_picture_cell_places_nothing(tmp_path, photos):
    tpl = template(tmp_path / "t.docx", ["{{ 名称 }}{{ 照片|图片(宽=8) }}"])
    data = roster(photos / "名册.xlsx", [{"名称": "甲", "照片": None}])
    result = run("render", tpl, data, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert len(docx.Document(str(tmp_path / "out" / "甲.docx")).inline_shapes) == 0


def test_docxtpl_inline_image_in_the_data(tmp_path, photos):
    from docx.shared import Mm
    from docxtpl import InlineImage

    tpl = CompiledTemplate.load(template(tmp_path / "t.docx", ["{{ 图 }}"], header="{{ 图 }}"))
    out = tmp_path / "out.docx"
    tpl.render_to({"图": InlineImage(None, str(photos / "照片" / "宽.png"), width=Mm(20))}, out)
    assert_sound(out)
    shape = docx.Document(str(out)).inline_shapes[0]
    assert (shape.width, shape.height) == (Mm(20), Mm(10))


# --------------------------------------------------------------------------- 安全告知书


@pytest.fixture(scope="module")
def notices(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("notices")
    shutil.copytree(DEMO / "照片", root / "照片")
    shutil.copy(DEMO / "hazards.xlsx", root / "hazards.xlsx")
    result = run(
        "notices",
        root / "hazards.xlsx",
        "-o",
        root / "out",
        "--combined",
        root / "out" / "合订本.docx",
        cwd=root,
    )
    assert result.exit_code == 0, result.output
    return root / "out"


def test_landslide_notice_holds_its_photo(notices):
    landslide = notices / "青杠村王家岩滑坡-安全告知书.docx"
    shapes = docx.Document(str(landslide)).inline_shapes
    assert len(shapes) == 1
    assert shapes[0].width == Cm(8)
    assert_sound(landslide)
    assert not docx.Document(str(notices / "青杠村大石包危岩-安全告知书.docx")).inline_shapes
    combined = notices / "合订本.docx"
    assert_sound(combined)
    assert len(docx.Document(str(combined)).inline_shapes) == 3


def test_a_missing_photo_fails_naming_the_row(tmp_path):
    from openpyxl import load_workbook

    wb = load_workbook(DEMO / "hazards.xlsx")
    ws = wb.active
    header = [c.value for c in ws[3]]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == "青杠村大石包危岩")
    ws.cell(row, header.index("照片") + 1, "照片/没拍.jpg")
    wb.save(tmp_path / "hazards.xlsx")
    shutil.copytree(DEMO / "照片", tmp_path / "照片")
    result = run("notices", tmp_path / "hazards.xlsx", "-o", tmp_path / "out", cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert f"名册第 {row} 行的图片：找不到图片文件“照片/没拍.jpg”" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.docx"))


@pytest.mark.soffice
def test_pictures_open_in_libreoffice(notices, tmp_path):
    from printing import page_count

    from docgen.output.pdf import convert_to_pdf

    copy = tmp_path / "notice.docx"
    shutil.copy(notices / "青杠村王家岩滑坡-安全告知书.docx", copy)
    combined = tmp_path / "all.docx"
    shutil.copy(notices / "合订本.docx", combined)
    notice_pdf, combined_pdf = convert_to_pdf([copy, combined])
    assert page_count(notice_pdf) == 1
    assert page_count(combined_pdf) == 14


# --------------------------------------------------------------------------- .json data


def test_render_takes_json_records_with_nested_lists(tmp_path):
    tpl = template(
        tmp_path / "t.docx",
        [
            "{{ 单位.名称 }}：",
            "{%p for 项 in 清单 %}",
            "{{ loop.index }}. {{ 项.名称 }} {{ 项.数量 }}",
            "{%p endfor %}",
        ],
    )
    data = tmp_path / "数据.json"
    data.write_text(
        json.dumps(
            [
                {"编号": "A1", "单位": {"名称": "青山村"}, "清单": [{"名称": "灭火器", "数量": 3}]},
                {"编号": "A2", "单位": {"名称": "石门村"}, "清单": []},
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    result = run("render", tpl, data, "-o", tmp_path / "out", "--name", "{编号}")
    assert result.exit_code == 0, result.output
    assert [p.text for p in docx.Document(str(tmp_path / "out" / "A1.docx")).paragraphs] == [
        "青山村：",
        "1. 灭火器 3",
    ]
    one = tmp_path / "一条.json"
    one.write_text('{"单位": {"名称": "金竹村"}, "清单": []}', encoding="utf-8")
    result = run("render", tpl, one, "-o", tmp_path / "one", "--name", "单")
    assert result.exit_code == 0, result.output
    assert docx.Document(str(tmp_path / "one" / "单.docx")).paragraphs[0].text == "金竹村："


def test_json_errors_name_the_line_and_column(tmp_path):
    tpl = template(tmp_path / "t.docx", ["{{ 名称 }}"])
    bad = tmp_path / "坏.json"
    bad.write_text('[\n  {"名称": "甲"}\n  {"名称": "乙"}\n]', encoding="utf-8")
    result = run("render", tpl, bad, "-o", tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert "坏.json：JSON 格式有误，第 3 行第 3 列：缺少逗号" in result.output
    wrong = tmp_path / "数.json"
    wrong.write_text("[1, 2]", encoding="utf-8")
    result = run("render", tpl, wrong, "-o", tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert "第 1 条记录不是对象" in result.output
    missing = tmp_path / "缺.json"
    missing.write_text('[{"名称": "甲"}, {"别的": "乙"}]', encoding="utf-8")
    result = run("render", tpl, missing, "-o", tmp_path / "out", "--name", "{名称}")
    assert result.exit_code == 1, result.output
    assert "用到的变量“名称”在第 2 条记录的数据中没有" in result.output


# --------------------------------------------------------------------------- docxtpl's templates


def render_one(tmp_path: Path, paragraphs: list[str], record: dict, **kw) -> Path:
    tpl = template(tmp_path / "t.docx", paragraphs, **kw)
    data = tmp_path / "d.json"
    data.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    result = run("render", tpl, data, "-o", tmp_path / "out", "--name", "out")
    assert result.exit_code == 0, result.output
    return tmp_path / "out" / "out.docx"


def test_a_literal_ampersand_in_a_tag_prints_as_typed(tmp_path):
    out = render_one(
        tmp_path, ['{{ "R&D" }} {{ 空|default("A&B", true) }} {{ 名 }}'], {"名": "C&D", "空": ""}
    )
    assert docx.Document(str(out)).paragraphs[0].text == "R&D A&B C&D"


def test_harmless_names_and_format_on_a_literal_are_allowed(tmp_path):
    out = render_one(
        tmp_path,
        ['{{ type }}/{{ input }}/{{ "{} 项".format(n) }}'],
        {"type": "甲", "input": "乙", "n": 3},
    )
    assert docx.Document(str(out)).paragraphs[0].text == "甲/乙/3 项"
    # .format on data stays refused: a value could reach attributes through it
    tpl = template(tmp_path / "bad.docx", ["{{ 名.format(1) }}"])
    with pytest.raises(TemplateError, match="不允许的操作"):
        CompiledTemplate.load(tpl)


def test_control_characters_in_values_are_removed(tmp_path):
    out = render_one(tmp_path, ["{{ 名 }}"], {"名": "甲\x0b乙\x01丙\x1f"})
    assert docx.Document(str(out)).paragraphs[0].text == "甲乙丙"
    assert check_package(out) == []


def test_document_properties_are_filled(tmp_path):
    out = render_one(tmp_path, ["{{ 名 }}"], {"名": "青山村 & 石门村"}, title="{{ 名 }}的通知")
    assert docx.Document(str(out)).core_properties.title == "青山村 & 石门村的通知"


def test_removing_a_cell_fixes_the_table_grid(tmp_path):
    doc = docx.Document()
    table = doc.add_table(rows=2, cols=3)
    for r in range(2):
        table.cell(r, 0).text = "左"
        table.cell(r, 1).text = "{#tc 不要 #}" if r == 0 else "{#tc 不要 #}"
        table.cell(r, 2).text = "右"
    doc.save(tmp_path / "t.docx")
    (tmp_path / "d.json").write_text("{}", encoding="utf-8")
    result = run(
        "render", tmp_path / "t.docx", tmp_path / "d.json", "-o", tmp_path / "out", "--name", "out"
    )
    assert result.exit_code == 0, result.output
    out = docx.Document(str(tmp_path / "out" / "out.docx"))
    grid = out.tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))
    assert len(grid) == 2
    width = sum(int(c.get(qn("w:w"))) for c in grid)
    original = sum(int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol")))
    assert abs(width - original) <= 2  # the table keeps its width


def test_a_richtext_link_is_refused_not_written_damaged(tmp_path):
    from docxtpl import RichText

    tpl = CompiledTemplate.load(template(tmp_path / "t.docx", ["{{r 链接 }}"]))
    link = RichText()
    link.add("网站", url_id="rId99")
    with pytest.raises(TemplateError, match="引用了文档中没有的部件（rId99）"):
        tpl.render_to({"链接": link}, tmp_path / "out.docx", index=0)
    assert not (tmp_path / "out.docx").exists()


# --------------------------------------------------------------------------- hostile input


def test_render_stops_a_tag_that_would_build_a_huge_text(tmp_path):
    import time

    tpl = template(tmp_path / "大.docx", ["{{ 名称 }}", '{{ "x"|center(10**9) }}'])
    data = tmp_path / "d.json"
    data.write_text('{"名称": "甲"}', encoding="utf-8")
    started = time.monotonic()
    result = run("render", tpl, data, "-o", tmp_path / "out")
    assert time.monotonic() - started < 5
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert (
        '大.docx，第 2 段“{{ "x"|center(10**9) }}”：标签 {{ "x"|center(10**9) }} '
        "会生成过大的文字（超过 10,000,000 个字符），已停止"
    ) in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def _bomb(path: Path, inflated: int) -> Path:
    """A .docx whose document.xml is valid but ``inflated`` bytes of repeated paragraphs."""
    source = template(tmp := path.with_name("源.docx"), ["{{ 名称 }}"])
    body = "<w:p><w:r><w:t>{{ 名称 }}</w:t></w:r></w:p>"
    with zipfile.ZipFile(source) as z:
        xml = z.read("word/document.xml").decode("utf-8")
        head, _sep, tail = xml.partition("<w:body>")
        padding = body * (inflated // len(body.encode("utf-8")))
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for info in z.infolist():
                data = z.read(info)
                if info.filename == "word/document.xml":
                    data = (head + "<w:body>" + padding + tail).encode("utf-8")
                out.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
    tmp.unlink()
    return path


def test_a_template_inflating_to_60_mb_is_refused_before_it_is_inflated(tmp_path):
    import time

    bomb = _bomb(tmp_path / "炸.docx", 60 * 2**20)
    assert bomb.stat().st_size < 400 * 1024
    data = tmp_path / "d.json"
    data.write_text('{"名称": "甲"}', encoding="utf-8")
    for args in (("render", bomb, data, "-o", tmp_path / "out"), ("templates", "vars", bomb)):
        started = time.monotonic()
        result = run(*args)
        assert time.monotonic() - started < 1, args
        assert result.exit_code == 1, result.output
        assert "炸.docx" in result.output
        assert "word/document.xml”解压后有 60 MB" in result.output
        assert "为安全起见拒绝使用" in result.output


def test_a_highly_compressed_part_is_refused_below_the_size_limit(tmp_path):
    bomb = _bomb(tmp_path / "压.docx", 12 * 2**20)  # under 25 MB, but some 500 to 1
    with pytest.raises(TemplateError, match="解压后有 12 MB.*为安全起见拒绝使用"):
        CompiledTemplate.load(bomb)


def test_a_json_integer_of_5000_digits_gives_a_message_not_a_traceback(tmp_path):
    tpl = template(tmp_path / "t.docx", ["{{ 编号 }}"])
    data = tmp_path / "长.json"
    data.write_text('[\n  {"编号": ' + "7" * 5000 + "}\n]", encoding="utf-8")
    result = run("render", tpl, data, "-o", tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "长.json：JSON 第 2 行第 10 列的数字位数过多（5000 位），无法读取" in result.output
    assert "请加英文双引号写成文字" in result.output


# --------------------------------------------------------------------------- docxtpl idioms


def test_guarded_variables_may_be_absent_and_strict_asks_for_every_one(tmp_path):
    tpl = template(
        tmp_path / "通知.docx",
        [
            "{{ 名称 }}",
            '备注：{{ 备注|default("无") }}',
            "{% if 电话 is defined %}电话：{{ 电话 }}{% endif %}",
            "{% if 网址 %}网址：{{ 网址 }}{% else %}没有网址{% endif %}",
            '{{ 邮箱 or "未留邮箱" }}',
        ],
    )
    data = tmp_path / "d.json"
    data.write_text('[{"名称": "青山村"}, {"名称": "石门村", "网址": "x.cn"}]', encoding="utf-8")
    result = run("render", tpl, data, "-o", tmp_path / "out", "--name", "{名称}")
    assert result.exit_code == 0, result.output
    texts = [p.text for p in docx.Document(str(tmp_path / "out" / "青山村.docx")).paragraphs]
    assert texts == ["青山村", "备注：无", "", "没有网址", "未留邮箱"]
    second = docx.Document(str(tmp_path / "out" / "石门村.docx")).paragraphs[3].text
    assert second == "网址：x.cn"

    result = run("render", tpl, data, "-o", tmp_path / "strict", "--name", "{名称}", "--strict")
    assert result.exit_code == 1, result.output
    assert "模板用到的变量 “备注”、“电话”、“网址”、“邮箱” 在名册" in result.output
    assert not (tmp_path / "strict").exists()

    unguarded = template(tmp_path / "缺.docx", ["{{ 名称 }}{{ 地址 }}", '{{ 备注|default("") }}'])
    result = run("render", unguarded, data, "-o", tmp_path / "bad")
    assert result.exit_code == 1, result.output
    assert "模板用到的变量 “地址” 在名册" in result.output
    assert "备注" not in result.output.split("名册的列有")[0]


def test_a_record_without_variables_gets_a_numbered_name(tmp_path):
    tpl = template(tmp_path / "通知.docx", ["各村：请于周五前报送。"])
    one = tmp_path / "一.json"
    one.write_text("{}", encoding="utf-8")
    result = run("render", tpl, one, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["通知-1.docx"]
    two = tmp_path / "二.json"
    two.write_text("[{}, {}]", encoding="utf-8")
    result = run("render", tpl, two, "-o", tmp_path / "two")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == ["通知-1.docx", "通知-2.docx"]
    assert (
        docx.Document(str(tmp_path / "two" / "通知-2.docx")).paragraphs[0].text.startswith("各村")
    )

    result = run("render", tpl, one, "-o", tmp_path / "named", "--name", "{客户}")
    assert result.exit_code == 1, result.output
    assert "文件名格式“{客户}”用到的列 客户" in result.output
    assert "可用的列：（没有）" in result.output
    assert "_dir" not in result.output and "_row" not in result.output


def test_an_object_in_a_file_name_is_refused_and_its_keys_can_be_used(tmp_path):
    tpl = template(tmp_path / "函.docx", ["{{ 客户.名称 }}"])
    data = tmp_path / "d.json"
    data.write_text('[{"客户": {"名称": "青山村", "编号": 7}}]', encoding="utf-8")
    result = run("render", tpl, data, "-o", tmp_path / "out", "--name", "{客户}")
    assert result.exit_code == 1, result.output
    assert (
        "文件名格式“{客户}”中的 {客户} 在第 1 条记录是一组数据（对象），不能作文件名；"
        "可以用 {客户.名称} 这样的写法取其中的一项"
    ) in result.output
    assert not (tmp_path / "out").exists()
    result = run("render", tpl, data, "-o", tmp_path / "ok", "--name", "{客户.编号}-{客户.名称}")
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "ok").iterdir()] == ["7-青山村.docx"]


def _subdoc_source(path: Path) -> Path:
    """A .docx with a style of its own, a numbered list and a picture, for a Subdoc."""
    doc = docx.Document()
    doc.styles.add_style("附件正文", 1).font.bold = True
    doc.add_paragraph("子文档第一段", style="附件正文")
    doc.add_paragraph("条目一", style="List Number")
    doc.add_paragraph("条目二", style="List Number")
    doc.add_picture(io.BytesIO(png(12, 6)), width=Cm(3))
    doc.save(path)
    return path


def test_a_subdoc_from_a_file_brings_its_styles_lists_and_pictures(tmp_path):
    from docxtpl import DocxTemplate

    tpl = template(tmp_path / "主.docx", ["前言", "{{p 附件 }}", "结尾"])
    sub = DocxTemplate(str(tpl)).new_subdoc(str(_subdoc_source(tmp_path / "子.docx")))
    out = tmp_path / "out.docx"
    CompiledTemplate.load(tpl).render_to({"附件": sub}, out)
    assert_sound(out)  # no dangling relationship, style or list
    doc = docx.Document(str(out))
    assert [(p.text, p.style.name) for p in doc.paragraphs] == [
        ("前言", "Normal"),
        ("子文档第一段", "附件正文"),
        ("条目一", "List Number"),
        ("条目二", "List Number"),
        ("", "Normal"),
        ("结尾", "Normal"),
    ]
    assert doc.styles["附件正文"].font.bold
    assert [round(shape.width.cm, 1) for shape in doc.inline_shapes] == [3.0]
    with pytest.raises(TemplateError, match="合订本中不能放入带图片或自带样式的子文档"):
        from docgen.render.combined import render_combined

        render_combined(CompiledTemplate.load(tpl), [{"附件": sub}], tmp_path / "all.docx")
    assert not (tmp_path / "all.docx").exists()


def test_a_subdoc_built_with_python_docx_keeps_its_picture(tmp_path):
    from docxtpl import DocxTemplate

    tpl = template(tmp_path / "主.docx", ["{{p 附件 }}"])
    sub = DocxTemplate(str(tpl)).new_subdoc()
    sub.add_paragraph("附图：")
    sub.add_picture(io.BytesIO(png(8, 8)), width=Cm(2))
    out = tmp_path / "out.docx"
    CompiledTemplate.load(tpl).render_to({"附件": sub}, out)
    assert_sound(out)
    doc = docx.Document(str(out))
    assert doc.paragraphs[0].text == "附图："
    assert [round(shape.width.cm, 1) for shape in doc.inline_shapes] == [2.0]


def test_xml_values_using_an_undefined_style_are_refused(tmp_path):
    from docxtpl import RichText

    tpl = template(tmp_path / "t.docx", ["{{r 说明 }}"])
    with pytest.raises(TemplateError) as info:
        CompiledTemplate.load(tpl).render_bytes({"说明": RichText("红字", style="不存在的样式")})
    assert "用到了文档中没有定义的样式 不存在的样式" in info.value.message
    ok = CompiledTemplate.load(tpl).render_bytes({"说明": RichText("红字", color="FF0000")})
    assert "红字" in docx.Document(io.BytesIO(ok)).paragraphs[0].text
    # a style given by its name, or its id in another case, as docxtpl users write them
    for given in ("Title Char", "titlechar"):
        named = CompiledTemplate.load(tpl).render_bytes({"说明": RichText("标题", style=given)})
        runs = docx.Document(io.BytesIO(named)).paragraphs[0].runs
        assert [r.style.style_id for r in runs if r.text == "标题"] == ["TitleChar"]
