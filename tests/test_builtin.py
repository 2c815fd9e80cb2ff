"""The built-in templates: files, lookup, and what each prints for a roster row."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from printing import page_count
from readback import render, text_of

from docgen import builtin
from docgen.batch import format_name
from docgen.builtin import TEMPLATES, build_template, builtin_template_path, write_templates
from docgen.config import load
from docgen.documents import BLANK_DATE, DEFAULT_WARNING_SIGNAL, KINDS
from docgen.errors import OutputExistsError
from docgen.pdf import convert_to_pdf
from docgen.vocabulary import SECTORS

REPO_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

UNIT = {
    "单位名称": "青山建筑公司",
    "负责人": "张建国",
    "联系电话": "13800000000",
    "行业领域": "建筑",
    "地址": None,
    "签订日期": dt.datetime(2022, 3, 1),
}
HAZARD = {
    "隐患点名称": "王家湾滑坡",
    "类型": "地质灾害",
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


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    directory = tmp_path_factory.mktemp("templates")
    write_templates(directory)
    return directory


def render_kind(templates, kind, record, settings):
    return render(templates / KINDS[kind].template, KINDS[kind].context(record, settings))


# --- files ---------------------------------------------------------------------------------


def test_write_templates_writes_four_documents(tmp_path):
    paths = write_templates(tmp_path / "t")
    assert sorted(p.name for p in paths) == sorted(TEMPLATES.values())
    for path in paths:
        assert docx.Document(str(path)).paragraphs
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == sorted(
        TEMPLATES.values()
    )  # no temp files


def test_write_templates_never_overwrites_without_force(tmp_path):
    (tmp_path / "工作总结.docx").write_bytes(b"mine")
    with pytest.raises(OutputExistsError):
        write_templates(tmp_path)
    assert (tmp_path / "工作总结.docx").read_bytes() == b"mine"
    assert not (tmp_path / "安全承诺书.docx").exists()
    write_templates(tmp_path, force=True)
    assert zipfile.is_zipfile(tmp_path / "工作总结.docx")


def test_workspace_copy_is_preferred(tmp_path):
    edited = tmp_path / "安全承诺书.docx"
    edited.write_bytes(b"edited")
    assert builtin_template_path("letters", tmp_path) == edited


def test_builtin_made_on_demand(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = builtin_template_path("notices", tmp_path / "no-such-folder")
    assert path.is_relative_to(tmp_path / "cache")
    assert "{{ 隐患点名称 }}" in text_of(docx.Document(str(path)))
    assert builtin_template_path("notices") == path  # made once


def test_unknown_kind():
    with pytest.raises(ValueError):
        build_template("minutes")
    with pytest.raises(ValueError):
        builtin_template_path("minutes")


@pytest.mark.parametrize("kind", list(TEMPLATES))
def test_repository_templates_are_current(kind):
    """templates/*.docx are what the code makes; regenerate with
    ``python -m docgen.builtin templates/``."""
    committed = REPO_TEMPLATES / TEMPLATES[kind]
    assert committed.is_file(), "run: python -m docgen.builtin templates/"
    fresh = io.BytesIO()
    build_template(kind).save(fresh)
    with zipfile.ZipFile(committed) as old, zipfile.ZipFile(fresh) as new:
        for name in ("word/document.xml", "word/styles.xml"):
            assert old.read(name) == new.read(name), (
                f"{name} differs: python -m docgen.builtin templates/"
            )


def test_summary_template_uses_chinese_names_and_filters():
    text = text_of(build_template("summary"))
    for tag in (
        "{{ 主送机关 }}：",
        "{{ 推送微信|约数 }}",
        "{{ 领域数|中文数字 }}",
        "{{ 成文日期|日期 }}",
        "{{ 道路交通安全.序号 }}",
        "{%tr for r in 分领域 %}",
        "{%p if 森林防火.序号 %}",
    ):
        assert tag in text, tag


# --- kinds and contexts --------------------------------------------------------------------


def test_kinds():
    assert set(KINDS) == {"agreements", "notices", "letters"}
    assert KINDS["agreements"].folder == "安全生产责任书"
    assert KINDS["letters"].template == "安全承诺书.docx"
    assert format_name(KINDS["agreements"].name_pattern, UNIT) == "青山建筑公司-安全生产责任书"
    assert format_name(KINDS["letters"].name_pattern, PUPIL) == "XX镇中心小学-三年级二班-王小明-安全承诺书"
    assert format_name(KINDS["notices"].name_pattern, {"类型": "山洪"}) == "-安全告知书"


def test_agreement_context(settings):
    context = KINDS["agreements"].context(UNIT, settings)
    assert context["领域"] == "建筑施工"
    assert context["甲方"] == "XX镇人民政府"
    assert context["签订日期"] == "2022年3月1日"
    assert context["地址"] == ""
    blank = KINDS["agreements"].context({**UNIT, "签订日期": None, "行业领域": "养殖"}, settings)
    assert (blank["签订日期"], blank["领域"]) == (BLANK_DATE, "")


def test_notice_context(settings):
    context = KINDS["notices"].context(HAZARD, settings)
    assert context["威胁对象"] == "12户45人"
    assert context["预警信号"] == DEFAULT_WARNING_SIGNAL
    assert (
        KINDS["notices"].context({**HAZARD, "威胁户数": None, "威胁人数": ""}, settings)["威胁对象"]
        == "—"
    )


# --- rendered documents --------------------------------------------------------------------

CLAUSE_MARKS = {
    "道路交通安全": "酒后驾驶",
    "消防安全": "消防演练",
    "危险化学品和烟花爆竹": "烟花爆竹库房",
    "地质灾害预防": "切坡",
    "建筑施工": "三违",
    "森林防火": "野外用火",
    "校园及周边环境": "安全承诺书",
    "食品药品安全": "索证索票",
}


@pytest.mark.parametrize("sector", SECTORS)
def test_agreement_clauses_follow_the_sector(templates, settings, sector):
    text = text_of(render_kind(templates, "agreements", {**UNIT, "行业领域": sector}, settings))
    assert CLAUSE_MARKS[sector] in text
    others = [
        mark for s, mark in CLAUSE_MARKS.items() if s != sector and mark not in ("安全承诺书",)
    ]
    assert not [m for m in others if m in text]
    assert "辨识安全风险" not in text


def test_agreement_fallback_and_parties(templates, settings):
    text = text_of(render_kind(templates, "agreements", {**UNIT, "行业领域": None}, settings))
    assert "辨识安全风险" in text
    assert "甲方：XX镇人民政府" in text
    assert "乙方：青山建筑公司（负责人：张建国）" in text
    assert "签订日期：2022年3月1日" in text
    assert "{{" not in text and "{%" not in text


def test_notice_lists_the_point(templates, settings):
    doc = render_kind(templates, "notices", HAZARD, settings)
    cells = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert cells["隐患点名称"] == "王家湾滑坡"
    assert cells["威胁对象"] == "12户45人"
    assert cells["预警信号"] == DEFAULT_WARNING_SIGNAL
    assert cells["避险场所"] == "青杠村村委会活动室"
    assert doc.paragraphs[0].text == "地质灾害隐患点安全告知书"


def test_letter_names_the_pupil(templates, settings):
    text = text_of(render_kind(templates, "letters", PUPIL, settings))
    assert "XX镇中心小学：" in text
    assert "三年级二班学生王小明的家长（监护人）王大山" in text
    assert "None" not in text
    for topic in ("防溺水", "交通", "防火", "饮食"):
        assert topic in text
    assert "家长签字" in text


# --- printed pages -------------------------------------------------------------------------


def printed_pages(doc, tmp_path, name) -> int:
    source = tmp_path / f"{name}.docx"
    doc.save(str(source))
    return page_count(convert_to_pdf([source])[0])


@pytest.mark.soffice
def test_printed_page_counts(templates, settings, tmp_path):
    long_pupil = {
        "学校": "XX镇松岚社区九年一贯制学校（原XX镇第二中心小学）",
        "班级": "七年级（3）班",
        "学生姓名": "欧阳明月",
        "家长姓名": "欧阳建国",
        "联系电话": "13800001111",
    }
    long_hazard = {
        **HAZARD,
        "避险路线": "沿村道向东步行约300米，经王家院子、李家湾过石拱桥后右转上坡到村委会",
        "位置": "青杠村三组王家湾后山（县道X123线K12+300处上方）",
    }
    docs = {
        "letter": render_kind(templates, "letters", long_pupil, settings),
        "notice": render_kind(templates, "notices", long_hazard, settings),
        "agreement": render_kind(templates, "agreements", {**UNIT, "行业领域": "危化品"}, settings),
    }
    pages = {name: printed_pages(doc, tmp_path, name) for name, doc in docs.items()}
    assert pages["letter"] == 1
    assert pages["notice"] == 1
    assert 1 <= pages["agreement"] <= 2


def test_cache_key_changes_with_the_code(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = builtin._cache_dir()
    monkeypatch.setattr(builtin, "__version__", "0.0.0-other")
    assert builtin._cache_dir() != first


def _signature_indents(path):
    """Right indents (in hundredths of a character) of the paragraphs holding 署名 and 日期."""
    doc = docx.Document(str(path))
    found = {}
    for paragraph in doc.paragraphs:
        if paragraph.text in ("{{ 发文机关 }}", "{{ 成文日期|日期 }}"):
            found[paragraph.text] = int(paragraph._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")))
    return found["{{ 发文机关 }}"], found["{{ 成文日期|日期 }}"]


def test_signature_is_placed_for_the_issuers_name(tmp_path):
    default = write_templates(tmp_path / "default")[0]
    long_name = write_templates(tmp_path / "long", issuer="青山县白云乡人民政府")[0]
    assert _signature_indents(default) == (400, 200)
    # 10 characters: the signature 2 in, the date's first character 2 right of the name's
    assert _signature_indents(long_name) == (200, 300)


def test_init_places_the_signature_for_the_town_in_its_config(tmp_path):
    from docgen.workspace import init_workspace

    init_workspace(tmp_path / "ws")
    issuer = load(tmp_path / "ws" / "docgen.toml").issuer.name
    expected = write_templates(tmp_path / "ref", issuer=issuer)[0]
    assert _signature_indents(tmp_path / "ws" / "templates" / "工作总结.docx") == _signature_indents(expected)
