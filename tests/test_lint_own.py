"""docgen lint finds nothing on docgen's own output (DOMAIN.md section 8): the summary plain,
filed (版头, 版记, 附注, 报告), sealed and with a tightened last page, a notice, an agreement —
and says a letter is a form, not a 公文.  Through the command line."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from clirun import run
from test_filed import FOOTER, HEADER

from docgen.gongwen import official

HEADER_NO_SIGNER = """
[summary.header]
mark = "松岚镇人民政府文件"
number = "松府发〔2022〕15号"
"""


@pytest.fixture(scope="module")
def built(demo_town) -> Path:
    return demo_town.root


def summary(
    root: Path, folder: Path, *, kind="工作总结", seal=False, extra="", note="", pdf=False
) -> Path:
    text = (root / "docgen.toml").read_text(encoding="utf-8")
    text = text.replace('kind = "工作总结"', f'kind = "{kind}"')
    text = text.replace("seal = false", f"seal = {'true' if seal else 'false'}")
    text = text.replace('note = ""', f'note = "{note}"')
    text = re.sub(
        r'^(outputs|tallies|units|hazards|students|templates) = "',
        lambda m: f'{m.group(1)} = "{root.as_posix()}/',
        text,
        flags=re.M,
    )
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "docgen.toml"
    config.write_text(text + extra, encoding="utf-8")
    output = folder / "工作总结.docx"
    result = run("summary", "-c", str(config), "-o", str(output), *(["--pdf"] if pdf else []))
    assert result.exit_code == 0, result.output
    return output


def lint(*paths: Path, pages: bool = False):
    return run("lint", *(["--pages"] if pages else ["--no-pages"]), *map(str, paths))


def assert_clean(*paths: Path, pages: bool = False) -> None:
    result = lint(*paths, pages=pages)
    assert result.exit_code == 0, result.output
    for path in paths:
        assert f"{path}：符合 GB/T 9704，未发现问题" in result.output


@pytest.mark.parametrize(
    "options",
    [
        dict(),
        dict(kind="报告", extra=HEADER + FOOTER, note="联系人：李华，电话：023-68881234"),
        dict(kind="报告", extra=HEADER_NO_SIGNER),
        dict(seal=True),
        dict(
            seal=True, kind="报告", extra=HEADER + FOOTER, note="联系人：李华，电话：023-68881234"
        ),
    ],
    ids=["plain", "filed-report", "header-without-signer", "sealed", "sealed-filed"],
)
def test_lint_finds_nothing_on_the_summary(built, tmp_path, options):
    assert_clean(summary(built, tmp_path, **options))


@pytest.mark.soffice
def test_lint_with_printed_pages_finds_nothing_on_the_filed_summary(built, tmp_path):
    path = summary(
        built,
        tmp_path,
        kind="报告",
        extra=HEADER + FOOTER,
        seal=True,
        note="联系人：李华，电话：023-68881234",
        pdf=True,
    )
    assert_clean(path, pages=True)


def test_lint_finds_nothing_on_the_batches_and_says_a_letter_is_a_form(built):
    outputs = built / "outputs"
    notice = next((outputs / "安全告知书").glob("*.docx"))
    agreement = next((outputs / "安全生产责任书").glob("*.docx"))
    letter = next((outputs / "安全承诺书").glob("*.docx"))
    assert_clean(notice, agreement, outputs / "工作总结.docx")
    result = lint(letter)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"{letter}：不是公文（表单），按表单排版，不检查"
    result = run("lint", "--no-pages", "--json", str(letter))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {str(letter): []}


def test_the_letters_manifest_and_template_say_form_the_others_not():
    import docx

    from docgen.gongwen.lint import form_category
    from docgen.kinds.registry import builtin_kinds

    for kind in builtin_kinds():
        category = form_category(docx.Document(str(kind.template_path)))
        assert (category == official.FORM_CATEGORY) == (not kind.official), kind.key
    assert [k.key for k in builtin_kinds() if not k.official] == ["letters"]


def _rewrite(path: Path, out: Path, change) -> Path:
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(item, data)
    return out


def test_a_tightened_last_page_is_allowed_a_tightened_middle_is_not(built, tmp_path):
    path = summary(built, tmp_path, kind="报告", extra=HEADER + FOOTER)
    # as fitting does it: from the first words of a page near the end to the first attachment
    tight = _rewrite(
        path,
        tmp_path / "tight.docx",
        lambda xml: official.tighten_body(xml, 520, "三、下一步工作打算"),
    )
    assert 'w:line="520"' in zipfile.ZipFile(tight).read("word/document.xml").decode()
    assert_clean(tight)
    # the same pitch on a paragraph in the middle of the body is a departure
    middle = _rewrite(path, tmp_path / "middle.docx", _tighten_only_second_heading)
    result = lint(middle)
    assert result.exit_code == 1, result.output
    assert "行距应为固定值28.95磅，实为固定值26磅" in result.output


def _tighten_only_second_heading(xml: str) -> str:
    start = xml.index("二、聚焦重点领域")
    head, tail = xml[:start], xml[start:]
    p = head.rindex("<w:p>") if "<w:p>" in head[-2000:] else head.rindex("<w:p ")
    return (
        head[:p]
        + official.tighten_body(
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            + head[p:]
            + tail[: tail.index("</w:p>") + 6]
            + "</w:body></w:document>",
            520,
        )
        .split("<w:body>", 1)[1]
        .rsplit("</w:body>", 1)[0]
        + tail[tail.index("</w:p>") + 6 :]
    )


def test_lint_reports_a_departing_header(built, tmp_path):
    path = summary(built, tmp_path, kind="报告", extra=HEADER)
    black = _rewrite(path, tmp_path / "black.docx", lambda xml: xml.replace('"FF0000"', '"000000"'))
    result = lint(black)
    assert result.exit_code == 1, result.output
    assert "第1段“松岚镇人民政府文件”：文字颜色应为红色，实为黑色" in result.output
    assert "版头中的分隔线应为红色，实为000000" in result.output
