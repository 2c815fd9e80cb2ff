"""The registry of document kinds: shipped kinds, a workspace's own kind, the contexts, the
template dumps, ``templates update`` and the signature placed for the issuer at render time."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from pathlib import Path

import docx
import pytest
from clirun import run
from docx.oxml.ns import qn
from dump_templates import dump_path, template_text
from openpyxl import Workbook, load_workbook
from readback import render, text_of

from docgen.config import load
from docgen.gongwen.passes import printed_width
from docgen.kinds.documents import BLANK_DATE, DEFAULT_WARNING_SIGNAL, record_context
from docgen.kinds.registry import load_registry, registry
from docgen.output.batch import format_name
from docgen.vocabulary import SECTORS

UNIT = {
    "单位名称": "青山建筑公司",
    "负责人": "张建国",
    "联系电话": "13800000000",
    "行业领域": "建筑",
    "地址": None,
    "签订日期": dt.datetime(2023, 1, 5),
}
HAZARD = {
    "隐患点名称": "王家湾滑坡",
    "类型": "滑坡",
    "位置": "青杠村三组王家湾后山",
    "威胁户数": 12,
    "威胁人数": 45.0,
    "监测责任人": "李明",
    "联系电话": "13900000000",
    "预警信号": None,
    "避险路线": "沿村道向东步行300米到村委会",
    "避险场所": "青杠村村委会活动室",
}
PUPIL = {
    "学校": "XX镇中心小学",
    "班级": "三年级二班",
    "学生姓名": "王小明",
    "家长姓名": "王大山",
    "联系电话": None,
}


@pytest.fixture
def settings(tmp_path):
    return load(root=tmp_path)


def render_kind(key, record, settings):
    kind = settings.kinds[key]
    return render(kind.template_path, record_context(kind, record, settings))


# --- the registry --------------------------------------------------------------------------


def test_shipped_kinds_are_declared_by_their_manifests():
    kinds = registry()
    assert [k.key for k in kinds] == ["summary", "agreements", "notices", "letters"]
    assert [k.key for k in kinds.batches] == ["agreements", "notices", "letters"]
    agreements = kinds["agreements"]
    assert agreements.output_folder == "安全生产责任书"
    assert agreements.template_path.is_file()
    assert agreements.roster.required == ("单位名称", "负责人")
    assert agreements.roster.column("行业领域").choices == SECTORS
    assert kinds.by_template("安全承诺书.docx").key == "letters"
    assert format_name(agreements.output_name, UNIT) == "青山建筑公司-安全生产责任书"
    assert (
        format_name(kinds["letters"].output_name, PUPIL)
        == "XX镇中心小学-三年级二班-王小明-安全承诺书"
    )


@pytest.mark.parametrize("kind", [k.key for k in registry()])
def test_template_text_dump_is_current(kind):
    """Each shipped template's wording is kept as text beside it, so a change shows in
    review; rewrite with ``python tests/dump_templates.py``."""
    template = registry()[kind].template_path
    dump = dump_path(template)
    assert dump.is_file(), "run: python tests/dump_templates.py"
    assert dump.read_text(encoding="utf-8") == template_text(template), (
        "the template changed: python tests/dump_templates.py"
    )


# --- contexts ------------------------------------------------------------------------------


def test_agreement_term_runs_from_the_signing_date(settings):
    context = record_context(settings.kinds["agreements"], UNIT, settings)
    assert context["领域"] == "建筑施工"
    assert context["甲方"] == "XX镇人民政府"
    assert context["签订日期"] == "2023年1月5日"
    assert context["有效期至"] == "2024年1月4日"
    assert context["地址"] == ""
    blank = record_context(
        settings.kinds["agreements"], {**UNIT, "签订日期": None, "行业领域": "养殖"}, settings
    )
    assert (blank["签订日期"], blank["领域"], blank["有效期至"]) == (BLANK_DATE, "", "")


def test_agreement_term_from_the_config(tmp_path):
    (tmp_path / "docgen.toml").write_text("[agreements]\nterm = 3\n", encoding="utf-8")
    settings = load(tmp_path / "docgen.toml")
    context = record_context(settings.kinds["agreements"], UNIT, settings)
    assert context["有效期至"] == "2026年1月4日"


def test_notice_context(settings):
    context = record_context(settings.kinds["notices"], HAZARD, settings)
    assert context["威胁对象"] == "12户45人"
    assert context["预警信号"] == DEFAULT_WARNING_SIGNAL
    assert context["类型"] == "滑坡" and context["灾害类别"] == "地质灾害"
    empty = record_context(
        settings.kinds["notices"], {**HAZARD, "威胁户数": None, "威胁人数": ""}, settings
    )
    assert empty["威胁对象"] == "—"


def test_letter_names_the_pupil(settings):
    text = text_of(render_kind("letters", PUPIL, settings))
    assert "XX镇中心小学：" in text
    assert "None" not in text
    assert "家长签字" in text


def test_agreement_parties(settings):
    text = text_of(render_kind("agreements", UNIT, settings))
    assert "甲方：XX镇人民政府" in text
    assert "青山建筑公司" in text
    assert "{{" not in text and "{%" not in text


# --- a workspace's own kind ----------------------------------------------------------------

FLOOD_CARD = """\
title = "防汛明白卡"
template = "防汛明白卡.docx"
order = 50

[roster]
title = "防汛责任人"
path = "flood"
default = "inputs/防汛责任人.xlsx"
columns = [
  { name = "户主", required = true },
  { name = "所在组", required = true },
  { name = "转移地点", required = true },
  { name = "联系电话", text = true },
]

[output]
folder = "防汛明白卡"
name = "{所在组}-{户主}-防汛明白卡"
"""


def _flood_kind(workspace: Path) -> None:
    folder = workspace / "kinds" / "防汛明白卡"
    folder.mkdir(parents=True)
    (folder / "kind.toml").write_text(FLOOD_CARD, encoding="utf-8")
    doc = docx.Document()
    doc.add_paragraph("防汛明白卡")
    doc.add_paragraph("户主：{{ 户主 }}（{{ 所在组 }}）")
    doc.add_paragraph("紧急时转移到：{{ 转移地点 }}；联系电话：{{ 联系电话 }}")
    doc.add_paragraph("{{ 发文机关 }}")
    doc.save(str(folder / "防汛明白卡.docx"))


def test_a_workspace_adds_a_kind_without_python(tmp_path):
    workspace = tmp_path / "青山镇"
    assert run("init", workspace).exit_code == 0
    (workspace / "inputs" / "students.xlsx").unlink()  # 943 letters that are not the point here
    _flood_kind(workspace)

    forms = run("forms", "-o", tmp_path / "forms", cwd=workspace)
    assert forms.exit_code == 0, forms.output
    blank = load_workbook(tmp_path / "forms" / "防汛责任人.xlsx")
    assert [c.value for c in blank.active[3]] == ["户主*", "所在组*", "转移地点*", "联系电话"]

    wb = Workbook()
    wb.active.append(["户主*", "所在组*", "转移地点*", "联系电话"])
    wb.active.append(["刘大福", "一组", "村小操场", "13700000000"])
    wb.active.append(["陈二妹", "三组", "", "13700000001"])
    wb.save(workspace / "inputs" / "防汛责任人.xlsx")
    check = run("check", cwd=workspace)
    assert check.exit_code == 1
    assert "防汛责任人.xlsx" in check.output and "C3" in check.output

    wb.active["C3"] = "村委会"
    wb.save(workspace / "inputs" / "防汛责任人.xlsx")
    assert run("check", cwd=workspace).exit_code == 0
    listing = run("templates", "list", cwd=workspace)
    assert "防汛明白卡" in listing.output

    built = run("build", cwd=workspace)
    assert built.exit_code == 0, built.output
    assert "防汛明白卡" in built.output
    card = workspace / "outputs" / "防汛明白卡" / "一组-刘大福-防汛明白卡.docx"
    text = text_of(docx.Document(str(card)))
    assert "刘大福" in text and "村小操场" in text and "青山镇人民政府" in text
    assert (workspace / "outputs" / "防汛明白卡（合订本）.docx").is_file()

    # the kind has its own command, like the built-in ones
    alone = run("防汛明白卡", "inputs/防汛责任人.xlsx", "-o", tmp_path / "cards", cwd=workspace)
    assert alone.exit_code == 0, alone.output
    assert len(list((tmp_path / "cards").glob("*.docx"))) == 2


def test_a_broken_workspace_kind_is_named(tmp_path):
    folder = tmp_path / "kinds" / "通知"
    folder.mkdir(parents=True)
    (folder / "kind.toml").write_text('title = "通知"\ntemplate = "通知.docx"\n', encoding="utf-8")
    (tmp_path / "docgen.toml").write_text("", encoding="utf-8")
    result = run("build", "-c", tmp_path / "docgen.toml")
    assert result.exit_code == 1
    assert "kind.toml" in result.output and "通知.docx" in result.output
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def kind_workspace(tmp_path_factory):
    """A workspace with the demo data, where each test writes its own kinds/ folder.  It has
    no pupils' roster: the build skips the 943 letters, which these tests are not about."""
    workspace = tmp_path_factory.mktemp("kinds") / "青山镇"
    assert run("init", workspace).exit_code == 0
    (workspace / "inputs" / "students.xlsx").unlink()
    return workspace


def _workspace_kind(workspace: Path, manifest: str, paragraphs=("{{ 发文机关 }}",)) -> Path:
    """``kinds/防汛明白卡/`` holding ``manifest`` and a template of ``paragraphs``."""
    kinds = workspace / "kinds"
    shutil.rmtree(kinds, ignore_errors=True)
    folder = kinds / "防汛明白卡"
    folder.mkdir(parents=True)
    (folder / "kind.toml").write_text(manifest, encoding="utf-8")
    doc = docx.Document()
    for paragraph in paragraphs:
        doc.add_paragraph(paragraph)
    doc.save(str(folder / "防汛明白卡.docx"))
    return folder


def _line(manifest: str, start: str) -> int:
    return next(n for n, line in enumerate(manifest.splitlines(), 1) if line.startswith(start))


@pytest.mark.parametrize(
    ("old", "new", "written", "message"),
    [
        (
            "order = 50\n",
            "order = 50\nsignatrue = true\n",
            "signatrue",
            "不认识的键 signatrue（是不是 signature？）",
        ),
        (
            "order = 50\n",
            'order = 50\ncontext = "agreement"\n',
            "context",
            '按名册逐行生成的文档不能用 context = "agreement"（是不是 agreements？）'
            "（可用：agreements、notices、letters）",
        ),
        (
            "order = 50\n",
            'order = 50\ncontext = "summary"\n',
            "context",
            '按名册逐行生成的文档不能用 context = "summary"（可用：agreements、notices、letters）',
        ),
        (
            'name = "{所在组}',
            'nmae = "{所在组}',
            "nmae",
            "不认识的键 output.nmae（是不是 name？）",
        ),
        (
            '{ name = "联系电话", text = true }',
            '{ name = "联系电话", txet = true }',
            '  { name = "联系电话"',
            "不认识的键 roster.columns.txet（是不是 text？）",
        ),
        (
            'default = "inputs/防汛责任人.xlsx"',
            'defualt = "inputs/防汛责任人.xlsx"',
            "defualt",
            "不认识的键 roster.defualt（是不是 default？）",
        ),
        (
            "order = 50\n",
            'order = 50\nofficial = "否"\n',
            "official",
            "official 应写作 true 或 false",
        ),
        (
            'name = "{所在组}-{户主}-防汛明白卡"\n',
            'name = "{所在组}-{户主}-防汛明白卡"\n\n[settings]\nsection = "flood"\n'
            'keys = { phone = { tpye = "text" } }\n',
            "keys",
            "不认识的键 settings.keys.phone.tpye（是不是 type？）",
        ),
    ],
)
def test_a_misspelt_manifest_is_named_with_its_line(kind_workspace, old, new, written, message):
    assert old in FLOOD_CARD
    manifest = FLOOD_CARD.replace(old, new)
    _workspace_kind(kind_workspace, manifest)
    result = run("check", cwd=kind_workspace)
    assert result.exit_code == 1, result.output
    line = _line(manifest, written)
    assert result.output == f"错误：kinds/防汛明白卡/kind.toml 第 {line} 行：{message}\n"


def test_every_mistake_of_a_manifest_is_listed_at_once(kind_workspace):
    manifest = FLOOD_CARD.replace("order = 50\n", 'order = 50\nsignatrue = true\ncontext = "x"\n')
    manifest = manifest.replace('folder = "防汛明白卡"', 'fodler = "防汛明白卡"')
    _workspace_kind(kind_workspace, manifest)
    result = run("build", cwd=kind_workspace)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 3, result.output
    assert lines[0].endswith(
        f"第 {_line(manifest, 'signatrue')} 行：不认识的键 signatrue（是不是 signature？）"
    )
    assert f"第 {_line(manifest, 'context')} 行：按名册逐行生成的文档不能用 context" in lines[1]
    assert lines[2].endswith(
        f"第 {_line(manifest, 'fodler')} 行：不认识的键 output.fodler（是不是 folder？）"
    )
    assert not list((kind_workspace / "outputs").iterdir())


BRIEFING = """\
title = "安全生产简报"
template = "防汛明白卡.docx"
context = "{context}"
order = 60

[output]
file = "安全生产简报.docx"
"""


def test_a_single_document_kind_takes_the_summary_context(kind_workspace):
    _workspace_kind(
        kind_workspace,
        BRIEFING.format(context="summary"),
        (
            "{{ 标题 }}",
            "全镇{{ 填报单位数 }}个单位排查隐患{{ 合计.排查隐患 }}处。",
            "{{ 发文机关 }}",
        ),
    )
    built = run("build", cwd=kind_workspace)
    assert built.exit_code == 0, built.output
    assert "安全生产简报" in built.output
    text = text_of(docx.Document(str(kind_workspace / "outputs" / "安全生产简报.docx")))
    summary = load(kind_workspace / "docgen.toml").summary
    assert summary.title in text and "青山镇人民政府" in text
    # the figures the build reports for the whole town
    units, found = re.search(r"合计：(\d+) 个填报单位.*排查隐患 (\d+) 处", built.output).groups()
    assert f"全镇{units}个单位排查隐患{found}处。" in text

    _workspace_kind(kind_workspace, BRIEFING.format(context="letters"))
    result = run("check", cwd=kind_workspace)
    assert result.exit_code == 1
    assert (
        "kinds/防汛明白卡/kind.toml 第 3 行：单个文档（没有 [roster]）不能用 "
        'context = "letters"（可用：summary）' in result.output
    )


def test_the_record_contexts_are_the_declared_ones():
    from docgen.kinds import documents
    from docgen.kinds.registry import CONTEXTS

    assert sorted(documents._CONTEXTS) == sorted(CONTEXTS["batch"])
    with pytest.raises(ValueError, match="not declared"):
        documents.context_function("agreement")


def test_a_workspace_kind_may_not_take_a_builtin_name(tmp_path):
    folder = tmp_path / "kinds" / "letters"
    folder.mkdir(parents=True)
    shutil.copy(registry()["letters"].template_path, folder / "安全承诺书.docx")
    (folder / "kind.toml").write_text(
        'title = "承诺书"\ntemplate = "安全承诺书.docx"\n', encoding="utf-8"
    )
    with pytest.raises(Exception, match="重名"):
        load_registry(tmp_path)


# --- templates update and the signature ----------------------------------------------------


def _indents(path: Path) -> tuple[int, int]:
    """Right indents (hundredths of a printed character, 315 twips) of 署名 and 成文日期."""
    doc = docx.Document(str(path))
    found = {}
    for paragraph in doc.paragraphs:
        style = paragraph._p.pPr.find(qn("w:pStyle")) if paragraph._p.pPr is not None else None
        if style is not None and style.get(qn("w:val")) in ("GwSignature", "GwDate"):
            ind = paragraph._p.pPr.find(qn("w:ind"))
            right = int(ind.get(qn("w:right")))
            if paragraph._p.pPr.find(qn("w:jc")).get(qn("w:val")) == "left":
                # the date placed from the signature's start: where its printed text ends
                right = 8845 - int(ind.get(qn("w:left"))) - printed_width(paragraph.text) * 315
            found[style.get(qn("w:val"))] = round(right * 100 / 315)
    return found["GwSignature"], found["GwDate"]


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_templates_update_after_an_upgrade_and_an_issuer_change(tmp_path):
    workspace = tmp_path / "青山镇"
    assert run("init", workspace).exit_code == 0
    (workspace / "inputs" / "students.xlsx").unlink()  # the letters' layout is not checked here
    templates = workspace / "templates"
    # an older docgen's copy, untouched by the secretary: replaced quietly
    old = docx.Document(str(templates / "安全承诺书.docx"))
    old.add_paragraph("旧版本的一段话")
    old.save(str(templates / "安全承诺书.docx"))
    record = (templates / ".docgen-templates.toml").read_text(encoding="utf-8")
    digest = hashlib.sha256((templates / "安全承诺书.docx").read_bytes()).hexdigest()
    lines = [
        f'"安全承诺书.docx" = "{digest}"' if line.startswith('"安全承诺书.docx"') else line
        for line in record.splitlines()
    ]
    (templates / ".docgen-templates.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # a copy the secretary edited: kept as a backup
    edited = docx.Document(str(templates / "安全告知书.docx"))
    edited.add_paragraph("本镇自己加的一句")
    edited.save(str(templates / "安全告知书.docx"))
    edited_bytes = (templates / "安全告知书.docx").read_bytes()
    # a new issuer of 10 characters
    config = workspace / "docgen.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'name = "青山镇人民政府"', 'name = "青山县白云乡人民政府"'
        ),
        encoding="utf-8",
    )
    untouched = {"docgen.toml": config.read_bytes(), **_digests(workspace / "inputs")}

    result = run("templates", "update", cwd=workspace)
    assert result.exit_code == 0, result.output
    assert "已更新 templates/安全承诺书.docx" in result.output
    assert (
        "templates/安全告知书.docx（原来改动过的模板另存为 templates/安全告知书.备份-"
        in result.output
    )
    assert "templates/工作总结.docx 已是最新" in result.output
    backups = list(templates.glob("安全告知书.备份-*.docx"))
    assert len(backups) == 1 and backups[0].read_bytes() == edited_bytes
    for kind in registry():
        assert (templates / kind.template).read_bytes() == kind.template_path.read_bytes()
    assert {"docgen.toml": config.read_bytes(), **_digests(workspace / "inputs")} == untouched

    built = run("build", cwd=workspace)
    assert built.exit_code == 0, built.output
    # GB/T 9704 7.3.5.2 for 青山县白云乡人民政府 (10) and 2022年12月20日 (7): the name 2 in,
    # the date's first character 2 right of the name's; a printed digit is 155/315 of a
    # character (7.75 pt of 15.75), so 2022年12月20日 is 6.94 characters wide
    assert _indents(workspace / "outputs" / "工作总结.docx") == (200, 306)
    notice = next((workspace / "outputs" / "安全告知书").glob("*.docx"))
    assert _indents(notice) == (200, 405)  # its date 2023年5月8日 is 5.95 characters wide


def test_signature_for_a_short_and_a_sealed_issuer(tmp_path):
    workspace = tmp_path / "ws"
    assert run("init", workspace, "--town", "石桥乡").exit_code == 0
    config = workspace / "docgen.toml"
    assert load(config).issuer.name == "石桥乡人民政府"
    assert run("summary", "-o", tmp_path / "a.docx", cwd=workspace).exit_code == 0
    assert _indents(tmp_path / "a.docx") == (394, 200)  # 7 and 6.94: the date 2 in
    config.write_text(
        config.read_text(encoding="utf-8").replace("seal = false", "seal = true"), encoding="utf-8"
    )
    assert run("summary", "-o", tmp_path / "b.docx", cwd=workspace).exit_code == 0
    assert _indents(tmp_path / "b.docx") == (397, 400)  # sealed: date 4 in, name centred


# --- init and docgen.toml ------------------------------------------------------------------


def test_init_takes_the_town_from_the_folder(tmp_path):
    result = run("init", tmp_path / "青山镇")
    assert result.exit_code == 0, result.output
    settings = load(tmp_path / "青山镇" / "docgen.toml")
    assert settings.issuer.name == "青山镇人民政府"
    assert settings.issuer.short_name == "青山镇"
    assert settings.summary.title == "青山镇安全生产专项整治三年行动工作总结"
    text = (tmp_path / "青山镇" / "docgen.toml").read_text(encoding="utf-8")
    assert "# 发文机关署名" in text  # comments kept
    assert (tmp_path / "青山镇" / "inputs" / "照片").is_dir()


def test_a_misspelt_key_is_named_with_its_line(tmp_path):
    workspace = tmp_path / "ws"
    assert run("init", workspace).exit_code == 0
    config = workspace / "docgen.toml"
    text = config.read_text(encoding="utf-8").replace(
        '\nname = "松岚镇人民政府"', '\nnmae = "松岚镇人民政府"'
    )
    config.write_text(text, encoding="utf-8")
    line = text.splitlines().index(next(x for x in text.splitlines() if x.startswith("nmae"))) + 1
    result = run("build", "-c", config)
    assert result.exit_code == 1
    assert f"docgen.toml 第 {line} 行：不认识的设置 issuer.nmae（是不是 name？）" in result.output
    assert not list((workspace / "outputs").iterdir())


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            '[summary]\ndate = "2022-12-20"\n',
            "第 2 行：summary.date 的值不对：应写作 date = 2022-12-20",
        ),
        (
            '[letters]\nholiday = "国庆"\n',
            '第 2 行：letters.holiday 的值不对：应写作 holiday = "寒假"',
        ),
        ("[agreements]\nterm = 0\n", "第 2 行：agreements.term 的值不对"),
        ('[sumary]\ntitle = "x"\n', "第 1 行：不认识的小节 [sumary]（是不是 summary？）"),
        ('[paths]\nunit = "a.xlsx"\n', "第 2 行：不认识的设置 paths.unit（是不是 units？）"),
    ],
)
def test_wrong_values_are_errors(tmp_path, line, message):
    (tmp_path / "docgen.toml").write_text(line, encoding="utf-8")
    result = run("check", "-c", tmp_path / "docgen.toml")
    assert result.exit_code == 1
    assert message in result.output, result.output


# --- what each batch prints (through the command line) -------------------------------------


@pytest.fixture(scope="module")
def built(demo_town):
    return demo_town.root


def _text(path: Path) -> str:
    return "".join(text_of(docx.Document(str(path))).split())


def test_agreement_clauses_follow_what_the_unit_is(built):
    folder = built / "outputs" / "安全生产责任书"
    station = _text(folder / "松岚加油站-安全生产责任书.docx")
    assert "卸油时专人监护" in station
    assert "烟花爆竹经营（零售）许可证" not in station  # its sector lumps it with fireworks shops
    shop = _text(folder / "_旺鑫_烟花爆竹零售点-安全生产责任书.docx")
    assert "烟花爆竹经营（零售）许可证" in shop and "卸油" not in shop
    village = _text(folder / "双河村村民委员会-安全生产责任书.docx")
    assert "落实属地管理责任" in village and "网格员" in village
    assert "结合本单位生产经营特点" not in village and "卸油" not in village
    for text in (station, village):
        assert "一、责任目标" in text and "四、考核奖惩" in text and "约谈" in text
    # the term runs from the signing date: signed 2022年3月…, valid a year from then
    assert "有效期一年，至2023年" in station


def test_notice_prints_the_kind_as_written_its_date_and_the_duty_phone(built):
    folder = built / "outputs" / "安全告知书"
    landslide = _text(folder / "青杠村王家岩滑坡-安全告知书.docx")
    assert landslide.startswith("滑坡隐患点安全告知书")
    assert "地质灾害隐患点的影响范围内" in landslide
    assert "镇值班电话023-68881234" in landslide
    assert "2023年5月8日" in landslide and "2022年12月20日" not in landslide
    doc = docx.Document(str(folder / "青杠村王家岩滑坡-安全告知书.docx"))
    body_size = doc.styles["Normal"].font.size
    for cell in doc.tables[0]._cells:
        for paragraph in cell.paragraphs:
            assert (paragraph.style.font.size or body_size) == body_size  # one size with the text


def test_letters_follow_the_holiday(built, tmp_path):
    winter = _text(next((built / "outputs" / "安全承诺书").glob("*.docx")))
    assert "学生寒假安全承诺书" in winter and "1.防一氧化碳中毒" in winter
    assert "2023年1月14日放寒假" in winter and "回执" in winter and "班主任：" in winter
    config = built / "docgen.toml"
    text = config.read_text(encoding="utf-8")
    summer_config = tmp_path / "docgen.toml"
    summer_config.write_text(text.replace('holiday = "寒假"', 'holiday = "暑假"'), encoding="utf-8")
    shutil.copytree(built / "inputs", tmp_path / "inputs")
    students = load_workbook(tmp_path / "inputs" / "students.xlsx")
    students.active.delete_rows(4 + 3, students.active.max_row)  # three pupils are enough
    students.save(tmp_path / "inputs" / "students.xlsx")
    result = run(
        "letters",
        "inputs/students.xlsx",
        "-o",
        tmp_path / "暑假",
        "-c",
        summer_config,
        cwd=tmp_path,
    )
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "暑假").glob("*.docx"))) == 3
    summer = _text(next((tmp_path / "暑假").glob("*.docx")))
    assert "学生暑假安全承诺书" in summer and "1.防溺水" in summer and "一氧化碳" not in summer


@pytest.mark.soffice
def test_printed_batches_fit_their_pages(built, tmp_path):
    from printing import page_count, pdf_text

    from docgen.output.pdf import convert_to_pdf

    picks = [
        next((built / "outputs" / "安全承诺书").glob("*.docx")),
        built / "outputs" / "安全告知书" / "青杠村王家岩滑坡-安全告知书.docx",
        built / "outputs" / "安全生产责任书" / "松岚加油站-安全生产责任书.docx",
        built / "outputs" / "安全生产责任书" / "双河村村民委员会-安全生产责任书.docx",
    ]
    copies = []
    for index, path in enumerate(picks):
        copies.append(tmp_path / f"{index}.docx")
        shutil.copy(path, copies[-1])
    letter, notice, station, village = convert_to_pdf(copies)
    assert page_count(letter) == 1 and "回执" in pdf_text(letter)
    assert page_count(notice) == 1
    for agreement in (station, village):
        pages = page_count(agreement)
        assert pages <= 2
        if pages == 2:  # the second page carries clauses, not only the signatures
            assert "考核奖惩" in pdf_text(agreement, 2) or "期限" in pdf_text(agreement, 2)
