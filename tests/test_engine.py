"""The render engine: docxtpl tag syntax, sandbox, messages, batches and the combined file."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docxtpl import RichText

from docgen.errors import TemplateError
from docgen.output.pdf import find_soffice
from docgen.render.combined import render_combined
from docgen.render.compile import CompiledTemplate
from docgen.render.pool import render_batch

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def png(width: int = 8, height: int = 8) -> bytes:
    raw = b"".join(b"\x00" + b"\xcc\x20\x20" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def make_template(
    path: Path,
    paragraphs: list,
    *,
    footer: str | None = None,
    image: bool = False,
    table: list[list[str]] | None = None,
) -> Path:
    """A .docx whose paragraphs are given as text, or as a list of run texts (split tags)."""
    doc = docx.Document()
    for item in paragraphs:
        if isinstance(item, list):
            p = doc.add_paragraph()
            for text in item:
                p.add_run(text)
        else:
            doc.add_paragraph(item)
    if table:
        t = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                t.cell(r, c).text = text
    if image:
        doc.add_picture(io.BytesIO(png()))
        doc.add_paragraph("（图片后的段落）")
    if footer is not None:
        doc.sections[0].footer.paragraphs[0].text = footer
    doc.save(path)
    return path


def texts(path: Path) -> list[str]:
    return [p.text for p in docx.Document(path).paragraphs]


LETTER = [
    "安全承诺书",
    ["尊敬的{{ 家长", "姓名 }}", "家长："],
    "{{ 学校 }}{{ 班级 }}{{ 学生姓名 }}同学已签订承诺书。",
    "落款：{{ 学校 }}",
]
RECORD = {"学校": "青山小学", "班级": "三年级1班", "学生姓名": "王小明", "家长姓名": "王建国"}


@pytest.fixture
def letter(tmp_path) -> CompiledTemplate:
    return CompiledTemplate.load(
        make_template(tmp_path / "承诺书.docx", LETTER, footer="{{ 学校 }}安全办")
    )


# --------------------------------------------------------------------------- tag syntax


def test_tag_split_across_runs_and_chinese_names(letter, tmp_path):
    out = tmp_path / "out.docx"
    letter.render_to(RECORD, out)
    assert texts(out) == [
        "安全承诺书",
        "尊敬的王建国家长：",
        "青山小学三年级1班王小明同学已签订承诺书。",
        "落款：青山小学",
    ]
    assert docx.Document(out).sections[0].footer.paragraphs[0].text == "青山小学安全办"


def test_variables_lists_top_level_names(tmp_path):
    tpl = CompiledTemplate.load(
        make_template(
            tmp_path / "t.docx",
            [
                "{{ 单位名称 }}检查{{ 消防安全.排查隐患|约数 }}处",
                "{% for x in 名单 %}{{ x }}{% endfor %}{{ range(3)|list|length }}",
            ],
            footer="{{ 页脚 }}",
        )
    )
    assert tpl.variables() == {"单位名称", "消防安全", "名单", "页脚"}


def test_nested_values_and_filters(tmp_path):
    tpl = CompiledTemplate.load(
        make_template(
            tmp_path / "t.docx",
            [
                "{{ 单位名称 }}：消防检查{{ 消防安全.检查次数|约数 }}次，隐患{{ 消防安全.排查隐患 }}处，"
                "第{{ n|中文数字 }}项，{{ 日子|日期 }}，{{ 比例|percent }}",
            ],
        )
    )
    data = tpl.render_bytes(
        {
            "单位名称": "青山村",
            "消防安全": {"检查次数": 43, "排查隐患": 14},
            "n": 12,
            "日子": "2022-12-20",
            "比例": 0.987,
        }
    )
    assert texts(io.BytesIO(data)) == [
        "青山村：消防检查40余次，隐患14处，第十二项，2022年12月20日，98.7%"
    ]


def test_paragraph_if(tmp_path):
    tpl = CompiledTemplate.load(
        make_template(
            tmp_path / "t.docx",
            ["开头", "{%p if 电话 %}", "电话：{{ 电话 }}", "{%p endif %}", "结尾"],
        )
    )
    assert texts(io.BytesIO(tpl.render_bytes({"电话": "138"}))) == ["开头", "电话：138", "结尾"]
    assert texts(io.BytesIO(tpl.render_bytes({"电话": ""}))) == ["开头", "结尾"]


def test_table_row_loop(tmp_path):
    tpl = CompiledTemplate.load(
        make_template(
            tmp_path / "t.docx",
            ["清单"],
            table=[
                ["领域", "隐患"],
                ["{%tr for 行 in 明细 %}", ""],
                ["{{ 行.领域 }}", "{{ 行.隐患 }}"],
                ["{%tr endfor %}", ""],
            ],
        )
    )
    data = tpl.render_bytes(
        {"明细": [{"领域": "消防安全", "隐患": 14}, {"领域": "建筑施工", "隐患": 1}]}
    )
    rows = [[c.text for c in r.cells] for r in docx.Document(io.BytesIO(data)).tables[0].rows]
    assert rows == [["领域", "隐患"], ["消防安全", "14"], ["建筑施工", "1"]]


def test_richtext_run(tmp_path):
    tpl = CompiledTemplate.load(make_template(tmp_path / "t.docx", ["签名：{{r 签名 }}。"]))
    data = tpl.render_bytes({"签名": RichText("张三", bold=True)})
    paragraph = docx.Document(io.BytesIO(data)).paragraphs[0]
    assert paragraph.text == "签名：张三。"
    assert [r.text for r in paragraph.runs if r.bold] == ["张三"]


def test_xml_special_characters_and_newlines(letter):
    record = dict(RECORD, 学生姓名='A&B <"王">\'s', 班级="一班\n二班")
    doc = docx.Document(io.BytesIO(letter.render_bytes(record)))
    assert doc.paragraphs[2].text == '青山小学一班\n二班A&B <"王">\'s同学已签订承诺书。'
    assert doc.paragraphs[2]._p.xml.count("<w:br/>") == 1


def test_cells_print_as_typed(letter):
    record = dict(RECORD, 学校=dt.datetime(2022, 12, 20), 班级=None, 学生姓名=3.0)
    doc = docx.Document(io.BytesIO(letter.render_bytes(record)))
    assert doc.paragraphs[2].text == "2022年12月20日3同学已签订承诺书。"


def test_image_template_keeps_picture(tmp_path):
    tpl = CompiledTemplate.load(make_template(tmp_path / "t.docx", ["{{ 学校 }}"], image=True))
    out = tmp_path / "out.docx"
    tpl.render_to(RECORD, out)
    doc = docx.Document(out)
    assert doc.paragraphs[0].text == "青山小学"
    assert len(doc.inline_shapes) == 1
    assert (
        doc.part.related_parts[
            doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
        ].blob
        == png()
    )


def test_unchanged_parts_are_copied_byte_for_byte(letter, tmp_path):
    source = zipfile.ZipFile(letter.path)
    out = zipfile.ZipFile(io.BytesIO(letter.render_bytes(RECORD)))
    assert out.namelist() == source.namelist()
    assert out.testzip() is None
    for name in source.namelist():
        if name not in ("word/document.xml", "word/footer1.xml"):
            assert out.read(name) == source.read(name), name


# --------------------------------------------------------------------------- messages


def test_missing_variable_names_it_and_the_paragraph(tmp_path):
    path = make_template(tmp_path / "X.docx", ["标题", "正文", "尊敬的{{ 家长姓名 }}……"])
    tpl = CompiledTemplate.load(path)
    with pytest.raises(TemplateError) as info:
        tpl.render_bytes({"学生姓名": "王小明", "_row": 5})
    err = info.value
    assert err.where == "第 3 段“尊敬的{{ 家长姓名 }}……”"
    assert err.message == "用到的变量“家长姓名”在名册第 5 行的数据中没有"
    assert "名册的列标题" in err.hint
    assert str(err).startswith(
        f"{err.template}，第 3 段“尊敬的{{{{ 家长姓名 }}}}……”：用到的变量“家长姓名”"
    )


def test_missing_nested_key(tmp_path):
    tpl = CompiledTemplate.load(make_template(tmp_path / "t.docx", ["{{ 消防安全.排查隐患 }}处"]))
    with pytest.raises(TemplateError) as info:
        tpl.render_bytes({"消防安全": {"检查次数": 3}}, index=0)
    assert info.value.message == "用到的变量“消防安全.排查隐患”在第 1 条记录的数据中没有"


def test_missing_variable_in_footer(tmp_path):
    tpl = CompiledTemplate.load(make_template(tmp_path / "t.docx", ["正文"], footer="{{ 页脚 }}"))
    with pytest.raises(TemplateError) as info:
        tpl.render_bytes({})
    assert info.value.where == "页脚第 1 段“{{ 页脚 }}”"


def test_filter_error_names_record(tmp_path):
    tpl = CompiledTemplate.load(make_template(tmp_path / "t.docx", ["{{ 名称|约数 }}"]))
    with pytest.raises(TemplateError) as info:
        tpl.render_bytes({"名称": "青山村", "_row": 7})
    assert info.value.message == "过滤器“约数”不能处理名册第 7 行的值“青山村”"


def test_syntax_error_names_paragraph(tmp_path):
    with pytest.raises(TemplateError) as info:
        CompiledTemplate.load(make_template(tmp_path / "t.docx", ["一", "{% if 电话 %}没有结束"]))
    assert info.value.where == "第 2 段“{% if 电话 %}没有结束”"
    assert "模板标签写法有误" in info.value.message


def test_not_a_docx(tmp_path):
    bad = tmp_path / "坏.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(TemplateError, match="不是有效的 .docx 文件"):
        CompiledTemplate.load(bad)
    with pytest.raises(TemplateError, match="模板文件不存在"):
        CompiledTemplate.load(tmp_path / "无.docx")


# --------------------------------------------------------------------------- sandbox

PAYLOADS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ''.__class__.mro()[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}",
    "{{ joiner.__init__.__globals__.os.popen('touch {marker}').read() }}",
    "{{ namespace.__init__.__globals__.os.popen('touch {marker}').read() }}",
    "{{ lipsum.__globals__['os'].popen('touch {marker}').read() }}",
    "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('touch {marker}') }}",
    "{{ self.__init__.__globals__.__builtins__.__import__('os').popen('touch {marker}') }}",
    "{{ os.popen('touch {marker}').read() }}",
    "{{ open('{marker}', 'w').write('x') }}",
    "{{ 学校|attr('__class__') }}",
    "{{ 学校['__class__'] }}",
    "{{ 学校.format_map(dict()) }}",
    "{% set ns = namespace() %}{% set ns.__class__ = 1 %}",
    "{% include '/etc/passwd' %}",
    "{% for i in range(10**9) %}{% endfor %}",
    # built at run time, so only the sandbox can stop them
    "{{ 学校[('_' * 2) ~ 'class' ~ ('_' * 2)] }}",
    "{{ 学校|attr(('_' * 2) ~ 'class' ~ ('_' * 2)) }}",
    "{% set n = 100000 %}{% for i in range(n * 10) %}{% endfor %}",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sandbox_refuses_escapes(tmp_path, payload):
    marker = tmp_path / "pwned"
    path = make_template(
        tmp_path / "t.docx", ["{{ 学校 }}", payload.replace("{marker}", str(marker))]
    )
    out = tmp_path / "out" / "letter.docx"
    with pytest.raises(TemplateError) as info:
        render_batch(CompiledTemplate.load(path), [RECORD], [out])
    assert "不允许的操作" in info.value.message, str(info.value)
    assert info.value.where.startswith("第 2 段")
    assert not marker.exists()
    assert not out.exists()
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


# --------------------------------------------------------------------------- bounds

# Every way a tag could build a huge string or list: each refused before the work is done
# (or as soon as the value passes the bound), in well under a second and a few MB.
HUGE = [
    '{{ "x"|center(10**9) }}',
    '{{ "x"|center(1000000000) }}',
    '{{ "%10000000000s"|format("a") }}',
    '{{ "%*s"|format(1000000000, "a") }}',
    '{{ "{:>999999999}".format("a") }}',
    '{{ "{:{w}}".format("a", w=1000000000) }}',
    '{{ "%999999999s" % "a" }}',
    "{{ 'x' * 100000000 }}",
    '{{ ["x"] * 100000000 }}',
    '{{ "x"|indent(1000000000) }}',
    '{{ "x".ljust(1000000000) }}',
    '{{ ("y" * 1000000)|replace("y", "q" * 1000000) }}',
    '{{ ("y" * 1000000).replace("y", "q" * 1000000) }}',
    '{{ (["y" * 1000000] * 100000)|join }}',
    '{{ "-".join(["y" * 1000000] * 100000) }}',
    "{{ [1]|batch(1000000000, 0)|list|length }}",
    "{{ range(10)|slice(1000000000)|list|length }}",
    '{{ "x"|wordwrap(1, wrapstring="y" * 5000000) }}',
    '{{ {"a": 1}|tojson(indent=1000000000) }}',
    '{% set ns = namespace(s="xx") %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}'
    "{% endfor %}{{ ns.s|length }}",
    '{% set ns = namespace(s="x") %}{% for i in range(100) %}{% set ns.s = ns.s + ns.s %}'
    "{% endfor %}{{ ns.s|length }}",
    '{% set ns = namespace(s=["x"]) %}{% for i in range(100) %}{% set ns.s = ns.s + ns.s %}'
    "{% endfor %}{{ ns.s|length }}",
    '{% set big = "x" * 5000000 %}{% for i in range(10000) %}{{ big }}{% endfor %}',
    '{% set big = "x" * 5000000 %}{% set out %}{% for i in range(10000) %}{{ big }}'
    "{% endfor %}{% endset %}{{ out|length }}",
]


@pytest.mark.parametrize("payload", HUGE)
def test_tags_that_would_build_huge_text_are_stopped(tmp_path, payload):
    import time
    import tracemalloc

    path = make_template(tmp_path / "t.docx", ["{{ 学校 }}", payload])
    out = tmp_path / "out" / "letter.docx"
    started = time.monotonic()
    tracemalloc.start()
    try:
        with pytest.raises(TemplateError) as info:
            render_batch(CompiledTemplate.load(path), [RECORD], [out])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 10
    assert peak < 300 * 2**20
    assert "会生成过大的文字" in info.value.message, str(info.value)
    assert "已停止" in info.value.message
    assert info.value.where.startswith("第 2 段")
    tag = info.value.message.split("标签 ")[1].split(" 会生成")[0]
    assert tag.startswith(("{{", "{%")) and tag.rstrip("…}%") in payload.replace("…", "")
    assert not out.exists()


def test_bounded_operations_still_work_at_ordinary_sizes(tmp_path):
    path = make_template(
        tmp_path / "t.docx",
        [
            '{{ "标题"|center(8) }}|{{ "%5s"|format("a") }}|{{ "{:>4}".format(7) }}|'
            '{{ ["甲", "乙"]|join("、") }}|{{ "ab" * 3 }}|{{ "x" ~ 学校 }}|{{ "%03d" % 5 }}',
            '{% set ns = namespace(s="") %}{% for i in range(3) %}{% set ns.s = ns.s ~ i %}'
            "{% endfor %}{{ ns.s }}|{{ ([1, 2] + [3])|sum }}|{{ range(5)|batch(2)|list|length }}",
        ],
    )
    doc = docx.Document(io.BytesIO(CompiledTemplate.load(path).render_bytes(RECORD)))
    assert doc.paragraphs[0].text == f"   标题   |    a|   7|甲、乙|ababab|x{RECORD['学校']}|005"
    assert doc.paragraphs[1].text == "012|6|3"


def test_a_render_running_past_its_time_limit_is_stopped(tmp_path, monkeypatch):
    import time

    from docgen.render import bounds

    monkeypatch.setattr(bounds, "TIME_LIMIT", 1.0)
    path = make_template(
        tmp_path / "t.docx",
        [
            "{{ 学校 }}",
            "{% for i in range(10000) %}{% for j in range(10000) %}{% for k in range(10000) %}"
            "{% endfor %}{% endfor %}{% endfor %}",
        ],
    )
    started = time.monotonic()
    with pytest.raises(TemplateError) as info:
        render_batch(CompiledTemplate.load(path), [RECORD], [tmp_path / "a.docx"])
    assert time.monotonic() - started < 5
    assert "模板运行超过 1 秒仍未完成" in info.value.message
    assert "{% for i in range(10000) %}" in info.value.message
    assert info.value.where.startswith("第 2 段")


# --------------------------------------------------------------------------- batches


def test_render_to_is_atomic(letter, tmp_path):
    out = tmp_path / "a.docx"
    out.write_bytes(b"old")
    with pytest.raises(TemplateError):
        letter.render_to({"学校": "x"}, out)
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "承诺书.docx"]


def records(n: int) -> list[dict]:
    return [dict(RECORD, 学生姓名=f"学生{i}", _row=i + 3) for i in range(n)]


@pytest.mark.parametrize("workers", [1, 2])
def test_render_batch_writes_each_record_in_order(letter, tmp_path, workers):
    data = records(130)
    paths = [tmp_path / "out" / f"{i:03d}.docx" for i in range(len(data))]
    seen = []
    assert render_batch(letter, data, paths, workers=workers, progress=seen.append) == paths
    assert sum(seen) == len(data)
    for i in (0, 57, 129):
        assert texts(paths[i])[2] == f"青山小学三年级1班学生{i}同学已签订承诺书。"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [p.name for p in paths]


@pytest.mark.parametrize("workers", [1, 2])
def test_render_batch_stops_at_a_bad_record(letter, tmp_path, workers):
    data = records(130)
    del data[100]["家长姓名"]
    paths = [tmp_path / "out" / f"{i:03d}.docx" for i in range(len(data))]
    with pytest.raises(TemplateError) as info:
        render_batch(letter, data, paths, workers=workers)
    assert info.value.message == "用到的变量“家长姓名”在名册第 103 行的数据中没有"
    assert not paths[100].exists()
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]


def test_first_record_error_stops_before_anything(letter, tmp_path):
    data = records(3)
    del data[0]["学校"]
    paths = [tmp_path / f"{i}.docx" for i in range(3)]
    with pytest.raises(TemplateError):
        render_batch(letter, data, paths)
    assert not any(p.exists() for p in paths)


# --------------------------------------------------------------------------- combined file


def add_page_field(paragraph) -> None:
    paragraph._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        )
    )
    paragraph.add_run("页")


def numbered_template(path: Path) -> Path:
    """Letter with a numbered list (direct numPr), an image, a bookmark and a templated footer."""
    doc = docx.Document()
    doc.add_paragraph("{{ 学校 }}承诺书")
    numbering = doc.part.numbering_part.element
    abstract = numbering.find(qn("w:abstractNum")).get(qn("w:abstractNumId"))
    num = numbering.add_num(int(abstract))
    for text in ("不私自下水游泳", "遵守交通规则"):
        p = doc.add_paragraph(text)
        p._p.get_or_add_pPr().append(
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num.numId}"/></w:numPr>'
            )
        )
    p = doc.add_paragraph("学生：{{ 学生姓名 }}")
    p._p.insert(0, parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="0" w:name="签名"/>'))
    p._p.append(parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="0"/>'))
    doc.add_picture(io.BytesIO(png()))
    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = "{{ 学校 }} 第"
    add_page_field(footer)
    doc.save(path)
    return path


def test_combined_sections_and_ids(tmp_path):
    tpl = CompiledTemplate.load(numbered_template(tmp_path / "t.docx"))
    data = [dict(RECORD, 学校=f"学校{i}", 学生姓名=f"学生{i}") for i in range(4)]
    seen = []
    out = render_combined(tpl, iter(data), tmp_path / "合并.docx", progress=seen.append)
    assert sum(seen) == 4
    doc = docx.Document(out)
    assert len(doc.sections) == 4
    # (python-docx leaves the PAGE field out of .text)
    assert [s.footer.paragraphs[0].text for s in doc.sections] == [
        f"学校{i} 第页" for i in range(4)
    ]
    body = doc.element.body
    sects = body.findall(f".//{qn('w:sectPr')}")
    assert len(sects) == 4
    for sect in sects:
        assert sect.find(qn("w:type")).get(qn("w:val")) == "nextPage"
        assert sect.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    assert [p.text for p in doc.paragraphs if p.text.startswith("学生")] == [
        f"学生：学生{i}" for i in range(4)
    ]
    xml = doc.element.xml
    doc_pr_ids = re.findall(r'<wp:docPr id="(\d+)"', xml)
    assert len(doc_pr_ids) == 4 and len(set(doc_pr_ids)) == 4
    bookmark_ids = re.findall(r'<w:bookmarkStart w:id="(\d+)"', xml)
    assert len(set(bookmark_ids)) == 4
    assert len(set(re.findall(r'w:name="(签名[^"]*)"', xml))) == 4
    assert len(doc.inline_shapes) == 4
    # each record's list has its own w:num, restarting at 1
    num_ids = [
        p._p.pPr.numPr.numId.val
        for p in doc.paragraphs
        if p._p.pPr is not None and p._p.pPr.numPr is not None
    ]
    assert len(num_ids) == 8 and len(set(num_ids)) == 4
    numbering = doc.part.numbering_part.element
    for num_id in set(num_ids):
        assert numbering.num_having_numId(num_id) is not None
    # a template error leaves no combined file
    with pytest.raises(TemplateError):
        render_combined(tpl, [RECORD, {"学校": "x"}], tmp_path / "坏.docx")
    assert not (tmp_path / "坏.docx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.docx", "合并.docx"]


def test_combined_record_ending_in_table(tmp_path):
    tpl = CompiledTemplate.load(
        make_template(tmp_path / "t.docx", ["{{ 学校 }}"], table=[["a", "{{ 学生姓名 }}"]])
    )
    doc = docx.Document(render_combined(tpl, records(3), tmp_path / "c.docx"))
    assert len(doc.sections) == 3
    assert [t.cell(0, 1).text for t in doc.tables] == ["学生0", "学生1", "学生2"]


def to_pdf(files: list[Path], outdir: Path) -> list[Path]:
    profile = outdir / "lo-profile"
    subprocess.run(
        [
            find_soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return [outdir / (f.stem + ".pdf") for f in files]


@pytest.mark.soffice
def test_libreoffice_opens_outputs_with_one_page_per_record(tmp_path):
    tpl = CompiledTemplate.load(numbered_template(tmp_path / "t.docx"))
    data = [dict(RECORD, 学校=f"学校{i}", 学生姓名=f"学生{i}") for i in range(3)]
    combined = render_combined(tpl, data, tmp_path / "combined.docx")
    single = tmp_path / "single.docx"
    tpl.render_to(data[0], single)
    pdfs = to_pdf([combined, single], tmp_path)
    pages = [len(re.findall(rb"/Type\s*/Page[^s]", p.read_bytes())) for p in pdfs]
    assert pages == [3, 1]
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdfs[0]), "-"], capture_output=True, text=True, check=True
        ).stdout
        # pdftotext puts spaces between Chinese and digits
        page_texts = [re.sub(r"\s+", "", page) for page in text.split("\f")]
        for i in range(3):
            assert f"学校{i}承诺书" in page_texts[i]
            assert f"学校{i}第1页" in page_texts[i]
            # numbered lists start again at 1 in every letter
            assert "1.不私自下水游泳2.遵守交通规则" in page_texts[i]


# --------------------------------------------------------------------------- layering


def test_the_renderer_imports_nothing_of_official_layout_kinds_or_inputs():
    """docgen.render is a docxtpl-compatible engine: a kind hands it its finishing steps."""
    import ast

    import docgen.render

    package = Path(docgen.render.__file__).parent
    found = []
    for module in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                if name.startswith(("docgen.gongwen", "docgen.kinds", "docgen.inputs")):
                    found.append(f"{module.name}: {name}")
    assert len(list(package.glob("*.py"))) >= 6
    assert found == []


def _mark_finished(xml: str, context) -> str:
    return xml.replace("待办", f"已办（{context['经办人']}）")


def test_finishing_steps_run_over_every_rendered_document(tmp_path):
    template = make_template(tmp_path / "t.docx", ["{{ 事项 }}待办"])
    compiled = CompiledTemplate.load(template, finish=[_mark_finished])
    contexts = [{"事项": f"第{i}件", "经办人": f"张{i}"} for i in range(3)]
    paths = [tmp_path / f"{i}.docx" for i in range(3)]
    render_batch(compiled, contexts, paths)
    render_combined(compiled, contexts, tmp_path / "all.docx")
    assert [docx.Document(str(p)).paragraphs[0].text for p in paths] == [
        "第0件已办（张0）",
        "第1件已办（张1）",
        "第2件已办（张2）",
    ]
    combined = [p.text for p in docx.Document(str(tmp_path / "all.docx")).paragraphs if p.text]
    assert combined == ["第0件已办（张0）", "第1件已办（张1）", "第2件已办（张2）"]
    plain = CompiledTemplate.load(template).render_bytes(contexts[0])
    assert docx.Document(io.BytesIO(plain)).paragraphs[0].text == "第0件待办"
