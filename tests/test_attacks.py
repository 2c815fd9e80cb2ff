"""The attacks of issue 25, kept: a shared kind, a file in outputs/, a LAN neighbour or a hostile
draft can neither write outside the workspace, nor exhaust the machine, nor get in, nor get a
500 or a traceback.  Each goes through the real interface (the command line, or the page's
HTTP API through Starlette's test client or a real uvicorn) and reads the result back.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest
from clirun import run

from docgen.workspace import init_workspace

ROOT = Path(__file__).resolve().parent.parent


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


# ---------------------------------------------------------------- 2. build --force as a whole


@pytest.fixture(scope="module")
def built(demo, tmp_path_factory) -> Path:
    """The demo workspace after one build."""
    root = tmp_path_factory.mktemp("built") / "松岚镇"
    shutil.copytree(demo, root)
    result = run("build", "-q", cwd=root)
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def rebuilt(built, tmp_path) -> Path:
    root = tmp_path / "松岚镇"
    shutil.copytree(built, root, symlinks=True)
    return root


def visible(out: Path) -> dict[str, int]:
    """Every file a secretary sees in outputs/ and when it was written."""
    return {
        p.relative_to(out).as_posix(): p.stat().st_mtime_ns
        for p in out.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)
    }


def docgen_process(args: list[str], cwd: Path, code: str = "") -> subprocess.Popen:
    """``python -m docgen ARGS`` in its own process (``code`` runs first, in that process)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "zh_CN.UTF-8", "LANGUAGE": ""}
    program = (
        code + "\nfrom docgen.cli import main\nimport sys\nsys.argv = ['docgen', *%r]\nmain()\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", program % (args,)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_an_interrupted_force_build_leaves_the_old_set_or_the_new_one(rebuilt):
    out = rebuilt / "outputs"
    old = visible(out)
    # the new set differs from the old one: an extra village's tally, another issuer
    config = rebuilt / "docgen.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("松岚镇人民政府", "松岚镇政府"), "utf-8"
    )
    outcomes = set()
    for delay in (0.0, 0.5, 1.5, 3.0, 60):
        started = time.time_ns()
        process = docgen_process(["build", "--force", "-q"], rebuilt)
        deadline = time.monotonic() + 60
        while not any(p.name.startswith(".~docgen-") for p in out.iterdir()):
            if process.poll() is not None or time.monotonic() > deadline:
                break
            time.sleep(0.01)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
        now = visible(out)
        assert set(now) == set(old), "the same names: no file of one set beside the other"
        newer = {name for name, written in now.items() if written >= started}
        assert newer in (set(), set(now)), f"a mix after {delay} s: {sorted(newer)[:5]}"
        outcomes.add("new" if newer else "old")
        old = now
    assert "new" in outcomes


def test_a_run_killed_in_the_middle_of_the_swap_is_finished_by_the_next_run(rebuilt):
    out = rebuilt / "outputs"
    (out / "工作总结.pdf").write_bytes(b"%PDF-1.4 an old print")
    old = visible(out)
    # the process dies (as by kill -9) after the fourth file of the swap has moved
    crash = """
import os
from docgen.output import files
real_replace, real_complete, moves = os.replace, files._complete_swap, []
def replace(a, b):
    if moves:
        moves.append(b)
        if len(moves) > 5:
            os._exit(9)
    return real_replace(a, b)
def complete(out, note):
    moves.append(out)
    return real_complete(out, note)
os.replace, files._complete_swap = replace, complete
"""
    started = time.time_ns()
    process = docgen_process(["build", "--force", "-q"], rebuilt, code=crash)
    assert process.wait(timeout=120) == 9, process.stdout.read().decode()
    assert (out / ".docgen-swap.json").exists(), "killed after the swap was decided"

    result = run("build", cwd=rebuilt)  # the next run finishes the swap first
    assert result.exit_code == 1 and "--force" in result.output, result.output
    now = visible(out)
    assert set(now) == set(old) - {"工作总结.pdf"}, "the old print went with the old set"
    assert all(written >= started for written in now.values()), "all of the new set"
    assert not [p.name for p in out.iterdir() if p.name.startswith(".~docgen-")]
    assert not (out / ".docgen-swap.json").exists()


def test_force_build_replaces_the_last_builds_files_and_their_prints(rebuilt):
    out = rebuilt / "outputs"
    (out / "工作总结.pdf").write_bytes(b"%PDF-1.4 an old print")
    (out / "安全承诺书" / "old-pupil.docx").write_bytes(b"old")
    units = rebuilt / "inputs" / "units.xlsx"
    units.unlink()  # this time no agreements are made
    result = run("build", "--force", "-q", cwd=rebuilt)
    assert result.exit_code == 0, result.output
    assert not (out / "工作总结.pdf").exists(), "no old PDF beside the new document"
    assert not (out / "安全承诺书" / "old-pupil.docx").exists()
    assert not (out / "安全生产责任书").exists(), "the last build's batch that is not made again"
    assert (out / "工作总结.docx").is_file()


# ---------------------------------------------------------------- 2b/3. the page and outputs/


def page(root: Path, password: str | None = None, base: str = "http://127.0.0.1:8000"):
    from starlette.testclient import TestClient

    from docgen.web.app import create_app

    return TestClient(create_app(root, password=password), base_url=base)


def build_on_the_page(client) -> dict:
    r = client.post("/api/build", json={"pdf": False})
    assert r.status_code == 202, r.text
    job = r.json()["job"]
    deadline = time.monotonic() + 180
    while True:
        state = client.get(f"/api/build/{job}").json()
        if state["state"] != "running" or time.monotonic() > deadline:
            return state
        time.sleep(0.2)


def test_a_page_build_does_not_overwrite_a_file_it_did_not_write(workspace):
    out = workspace / "outputs"
    mine = out / "工作总结.docx"
    mine.write_bytes(b"the secretary's own report")
    (out / "安全承诺书").mkdir()
    (out / "安全承诺书" / "说明.txt").write_text("mine", encoding="utf-8")
    with page(workspace) as client:
        state = build_on_the_page(client)
        assert state["state"] == "failed"
        assert "工作总结.docx" in state["error"] and "安全承诺书/说明.txt" in state["error"]
        assert mine.read_bytes() == b"the secretary's own report"
        assert (out / "安全承诺书" / "说明.txt").read_text(encoding="utf-8") == "mine"
        deadline = time.monotonic() + 10  # the failed build's staging folder goes
        while [p for p in out.iterdir() if p.name.startswith(".")]:
            assert time.monotonic() < deadline, list(out.iterdir())
            time.sleep(0.05)

        mine.unlink()
        shutil.rmtree(out / "安全承诺书")
        assert build_on_the_page(client)["state"] == "done"
        first = visible(out)
        assert build_on_the_page(client)["state"] == "done", "its own files it replaces"
        assert set(visible(out)) == set(first)


def test_the_build_record_serves_and_zips_only_files_inside_outputs(rebuilt, tmp_path):
    out = rebuilt / "outputs"
    secret = rebuilt / "secret.txt"
    secret.write_text("password=hunter2", encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text("outside", encoding="utf-8")
    (out / "link.docx").symlink_to(outside)
    (out / "folder.docx").mkdir()
    record = json.loads((out / ".docgen-build.json").read_text(encoding="utf-8"))
    evil = ["../secret.txt", "../../secret.txt", str(secret), "link.docx", "folder.docx", 7, None]
    record["files"] += evil
    (out / ".docgen-build.json").write_text(json.dumps(record), encoding="utf-8")

    with page(rebuilt) as client:
        listed = client.get("/api/outputs").json()["files"]
        assert listed and not set(map(str, evil)) & set(listed)
        for name in ("..%2Fsecret.txt", "..%2F..%2Fsecret.txt", "link.docx", "folder.docx"):
            r = client.get(f"/outputs/{name}")
            assert r.status_code == 404, (name, r.status_code)
            assert b"hunter2" not in r.content and b"outside" not in r.content
        r = client.get("/api/outputs.zip")
        assert r.status_code == 200
        names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
        assert sorted(names) == sorted(listed)
        assert "工作总结.docx" in names
        assert client.get("/outputs/工作总结.docx").status_code == 200
