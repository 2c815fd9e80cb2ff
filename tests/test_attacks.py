"""The attacks of issue 25, kept: a shared kind, a file in outputs/, a LAN neighbour or a hostile
draft can neither write outside the workspace, nor exhaust the machine, nor get in, nor get a
500 or a traceback.  Each goes through the real interface (the command line, or the page's
HTTP API through Starlette's test client or a real uvicorn) and reads the result back.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from clirun import run

from docgen.workspace import init_workspace


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("attacks") / "松岚镇"
    init_workspace(root)
    return root


@pytest.fixture
def workspace(demo, tmp_path) -> Path:
    root = tmp_path / "松岚镇"
    shutil.copytree(demo, root)
    return root


# ---------------------------------------------------------------- 1. shared kinds' manifests

CARD = """\
title = "防汛明白卡"
template = {template}

[roster]
title = "防汛责任人"
path = "flood"
default = "inputs/防汛责任人.xlsx"
columns = [{{ name = "户主", required = true }}, {{ name = "所在组" }}]

[output]
{output}
"""


def shared_kind(workspace: Path, output: str, template: str = '"防汛明白卡.docx"') -> Path:
    folder = workspace / "kinds" / "防汛明白卡"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kind.toml").write_text(
        CARD.format(output=output, template=template), encoding="utf-8"
    )
    doc = docx.Document()
    doc.add_paragraph("户主：{{ 户主 }}")
    doc.save(str(folder / "防汛明白卡.docx"))
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["户主*", "所在组"])
    wb.active.append(["刘大福", "一组"])
    wb.save(workspace / "inputs" / "防汛责任人.xlsx")
    return folder


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    "output",
    [
        'folder = "../../.."',
        'folder = "../escaped"',
        'folder = "/tmp/docgen-escaped"',
        'folder = "C:/Windows"',
        'folder = "a\\\\..\\\\..\\\\b"',
        'folder = "卡/../../逃逸"',
        'folder = ".hidden"',
        'folder = "卡"\nfile = "/tmp/docgen-escaped.docx"',
        'folder = "卡"\nfile = "../../逃逸.docx"',
        'folder = "卡"\nfile = "D:escaped.docx"',
    ],
)
def test_a_shared_kind_cannot_name_a_place_outside_outputs(workspace, tmp_path, output):
    shared_kind(workspace, output)
    before = files_under(tmp_path)
    result = run("build", "--force", cwd=workspace)
    assert result.exit_code == 1, result.output
    assert "kind.toml" in result.output and "[output]" in result.output
    key = "file" if "file =" in output else "folder"
    assert f"{key} = " in result.output and "请改成" in result.output
    assert "Traceback" not in result.output
    assert files_under(tmp_path) == before, "nothing was written anywhere"
    assert not Path("/tmp/docgen-escaped").exists()
    assert not Path("/tmp/docgen-escaped.docx").exists()


@pytest.mark.parametrize(
    "template", ['"../../templates/工作总结.docx"', '"/etc/passwd"', '"sub/x.docx"', '"C:x.docx"']
)
def test_a_shared_kind_template_stays_in_its_folder(workspace, template):
    shared_kind(workspace, 'folder = "卡"', template=template)
    result = run("check", cwd=workspace)
    assert result.exit_code == 1
    assert "kind.toml" in result.output and "template = " in result.output
    assert "Traceback" not in result.output


def test_a_template_linked_from_outside_the_kind_folder_is_refused(workspace, tmp_path):
    folder = shared_kind(workspace, 'folder = "卡"', template='"链接.docx"')
    outside = tmp_path / "outside.docx"
    shutil.copy(folder / "防汛明白卡.docx", outside)
    (folder / "链接.docx").symlink_to(outside)
    result = run("build", cwd=workspace)
    assert result.exit_code == 1
    assert "kind.toml" in result.output and "链接" in result.output


def test_a_link_in_outputs_cannot_lead_a_kind_outside(workspace, tmp_path):
    shared_kind(workspace, 'folder = "卡"')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (workspace / "outputs").mkdir(exist_ok=True)
    (workspace / "outputs" / "卡").symlink_to(elsewhere, target_is_directory=True)
    result = run("build", "--force", cwd=workspace)
    assert result.exit_code == 1, result.output
    assert "kind.toml" in result.output and "链接" in result.output
    assert not any(elsewhere.iterdir())


def test_a_shared_kind_with_plain_names_still_builds(workspace):
    shared_kind(workspace, 'folder = "防汛/明白卡"\nname = "{户主}"')
    result = run("build", cwd=workspace)
    assert result.exit_code == 0, result.output
    assert (workspace / "outputs" / "防汛" / "明白卡" / "刘大福.docx").is_file()
