"""The attacks of issue 25, kept: a shared kind, a file in outputs/, a LAN neighbour or a hostile
draft can neither write outside the workspace, nor exhaust the machine, nor get in, nor get a
500 or a traceback.  Each goes through the real interface (the command line, or the page's
HTTP API through Starlette's test client or a real uvicorn) and reads the result back.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import httpx
import pytest
from clirun import run
from demotown import fewer_pupils

from docgen.workspace import init_workspace

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("attacks") / "松岚镇"
    init_workspace(root)
    return fewer_pupils(root)


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
    shared_kind(workspace, 'folder = "防汛/明白卡"\nname = "../../../{户主}"')
    result = run("build", cwd=workspace)
    assert result.exit_code == 0, result.output
    made = [p for p in (workspace / "outputs" / "防汛" / "明白卡").iterdir()]
    assert [p.name for p in made] == ["_._._刘大福.docx"], "a name from the pattern stays put"
    assert not list(workspace.parent.glob("*刘大福*"))


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


# as where LibreOffice is missing: what these builds do to outputs/ does not depend on it
NO_TRIAL_PRINT = "from docgen.gongwen import fitting\nfitting.can_measure = lambda: False\n"


def docgen_process(args: list[str], cwd: Path, code: str = "") -> subprocess.Popen:
    """``python -m docgen ARGS`` in its own process (``code`` runs first, in that process),
    without a trial print of the summary."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "zh_CN.UTF-8", "LANGUAGE": ""}
    program = (
        NO_TRIAL_PRINT
        + code
        + "\nfrom docgen.cli import main\nimport sys\nsys.argv = ['docgen', *%r]\nmain()\n"
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
    assert outcomes == {"old", "new"}, outcomes


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
def complete(out, note, **options):
    moves.append(out)
    return real_complete(out, note, **options)
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

        # the secretary edits a generated document afterwards: the next build keeps her edit
        edited = out / "工作总结.docx"
        edited.write_bytes(edited.read_bytes() + b"\0")
        state = build_on_the_page(client)
        assert state["state"] == "failed" and "改动过" in state["error"], state
        assert edited.read_bytes().endswith(b"\0")


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


# ---------------------------------------------------------------- 4. the page's defences


@contextlib.contextmanager
def serving(app):
    """``app`` under uvicorn with the options ``docgen serve`` uses; yields (host, port)."""
    import uvicorn

    from docgen.web.security import server_options

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", **server_options())
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    try:
        yield "127.0.0.1", port
    finally:
        server.should_exit = True
        thread.join(10)


def raw_request(port: int, data: bytes, timeout: float = 10) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
            if b"\r\n\r\n" in answer and b"content-length" not in answer.lower():
                break
        return answer


@pytest.mark.parametrize("password", [None, "s3cret"])
def test_the_host_header_is_checked_with_or_without_a_password(workspace, password):
    # DNS rebinding: a page at evil.example whose name now points at this computer
    with page(workspace, password, base="http://evil.example:8000") as client:
        for path in ("/", "/login", "/api/check", "/static/page.js"):
            assert client.get(path).status_code == 403, path
        assert client.post("/login", data={"password": "s3cret"}).status_code == 403
    with page(workspace, password, base="http://localhost:8000") as client:
        assert client.get("/login" if password else "/api/check").status_code == 200
    from starlette.testclient import TestClient

    from docgen.web.app import create_app

    app = create_app(workspace, password="s3cret", host="office-pc.lan")
    for base, status in (("http://office-pc.lan:8000", 200), ("http://192.168.1.5", 200)):
        with TestClient(app, base_url=base) as client:
            assert client.get("/login").status_code == status


def test_logins_are_throttled_per_client_with_a_lockout(workspace):
    from starlette.testclient import TestClient

    from docgen.web.app import create_app

    app = create_app(workspace, password="s3cret")
    base = "http://127.0.0.1:8000"
    with TestClient(app, base_url=base, client=("10.0.0.7", 5000), follow_redirects=False) as c:
        statuses = [c.post("/login", data={"password": f"guess{i}"}).status_code for i in range(7)]
        assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]
        locked = c.post("/login", data={"password": "s3cret"})
        assert locked.status_code == 429, "even the right password waits out the lockout"
        assert int(locked.headers["retry-after"]) > 60 and "分钟后再试" in locked.json()["error"]
    with TestClient(app, base_url=base, client=("10.0.0.8", 5000), follow_redirects=False) as c:
        assert c.post("/login", data={"password": "s3cret"}).status_code == 303, "another client"


def test_parallel_guesses_are_counted(workspace):
    from docgen.web.app import create_app

    with serving(create_app(workspace, password="s3cret")) as (host, port):
        url = f"http://{host}:{port}/login"

        def guess(n):
            return httpx.post(url, data={"password": f"guess{n}"}, timeout=30).status_code

        started = time.monotonic()
        with ThreadPoolExecutor(50) as pool:
            statuses = list(pool.map(guess, range(100)))
        assert statuses.count(401) <= 5 and statuses.count(429) >= 95, statuses
        assert time.monotonic() - started < 20


def test_responses_forbid_framing_sniffing_and_caching_downloads(rebuilt, monkeypatch):
    import base64
    import hashlib
    import re

    from docgen.output import pdf

    monkeypatch.setattr(pdf, "find_soffice", lambda: None)  # the page asks; no need to print
    with page(rebuilt) as client:
        home = client.get("/")
        policy = home.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        # the page's own inline scripts, and nothing else, may run
        scripts = re.findall(r"<script(?![^>]*src=)[^>]*>(.*?)</script>", home.text, re.S)
        for script in scripts:
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in policy
        assert home.headers["x-content-type-options"] == "nosniff"
        assert home.headers["referrer-policy"] == "same-origin"
        assert home.headers["x-frame-options"] == "DENY"
        for path in (
            "/api/outputs.zip",
            "/outputs/工作总结.docx",
            "/templates/templates/工作总结.docx",
        ):
            r = client.get(path)
            assert r.status_code == 200, path
            assert r.headers["cache-control"] == "no-store", path
            assert r.headers["x-content-type-options"] == "nosniff"
        assert "no-store" not in client.get("/static/page.js").headers.get("cache-control", "")


def test_a_malformed_cookie_is_a_4xx(workspace):
    from docgen.web.app import create_app

    with serving(create_app(workspace, password="s3cret")) as (_host, port):
        for cookie in (
            b"docgen_session=\xe9\xff",
            b"docgen_session",
            b'docgen_session="a',
            b"=;;=",
        ):
            answer = raw_request(
                port,
                b"GET /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: "
                + cookie
                + b"\r\nConnection: close\r\n\r\n",
            )
            assert answer.startswith(b"HTTP/1.1 401"), answer[:200]


def test_slow_and_stalled_requests_time_out(workspace, monkeypatch):
    from docgen.web import security
    from docgen.web.app import create_app

    monkeypatch.setattr(security, "HEADER_TIMEOUT", 2.0)
    monkeypatch.setattr(security, "BODY_IDLE", 2.0)
    with serving(create_app(workspace)) as (_host, port):
        # 800 connections trickling their headers a byte at a time
        slow = []
        for _ in range(800):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(b"GET /api/files HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
            slow.append(s)
        started = time.monotonic()
        r = httpx.get(f"http://127.0.0.1:{port}/api/files", timeout=10)
        assert r.status_code == 200 and time.monotonic() - started < 5, "still answering"
        time.sleep(2.5)
        closed = 0
        for s in slow:
            try:
                s.sendall(b"b")
                s.settimeout(5)
                closed += s.recv(1) == b""
            except OSError:
                closed += 1
            s.close()
        assert closed == len(slow), "every stalled connection was closed by the server"

        # a body that stops coming
        with socket.create_connection(("127.0.0.1", port), timeout=15) as s:
            s.sendall(
                b"PUT /api/settings HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                b'\r\nContent-Length: 1000\r\n\r\n{"issuer.name": '
            )
            started = time.monotonic()
            answer = s.recv(65536)
            assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
            assert time.monotonic() - started < 6


# ---------------------------------------------------------------- 5. no 500, no traceback


def test_every_api_route_answers_4xx_while_docgen_toml_is_broken(workspace, monkeypatch):
    from docgen.output import pdf

    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    config = workspace / "docgen.toml"
    text = config.read_text(encoding="utf-8")
    for broken, words in (
        (text.replace("[issuer]", "[issuer\n"), "第 4 行"),
        ("a = " + "[" * 100_000, "套得太深"),
        ("[" * 100_000, "docgen.toml"),
    ):
        config.write_text(broken, encoding="utf-8")
        with page(workspace) as client:
            assert "docgen.toml" in client.get("/").text, "the page still loads and says why"
            # the file list keeps working (the secretary can still see and remove her files)
            # and carries the broken file's message; every other route answers 4xx with it
            listing = client.get("/api/files")
            assert listing.status_code == 200
            assert "docgen.toml" in listing.json()["config_error"]
            for method, path, body in (
                ("GET", "/api/check", None),
                ("GET", "/api/settings", None),
                ("GET", "/api/templates", None),
                ("PUT", "/api/settings", {"issuer.name": "松岚镇"}),
                ("POST", "/api/build", {"pdf": False}),
            ):
                r = client.request(method, path, json=body)
                assert 400 <= r.status_code < 500, (method, path, r.status_code)
                assert "docgen.toml" in r.json()["error"] and words in r.json()["error"]
        assert config.read_text(encoding="utf-8") == broken, "nothing saved over it"


@pytest.mark.parametrize(
    "form",
    [
        {"issuer.seal": "false"},
        {"issuer.seal": 1},
        {"issuer.name": 5},
        {"issuer.name": ["松岚镇"]},
        {"summary.date": 20221220},
        {"summary.title": {"a": 1}},
        {"summary.years": "2020"},
        {"summary.years": [True, 2022]},
        {"summary.years": ["2020", "99999999999999999999"]},
        {"summary.years": [2020, 99999999999999999999]},
        {"summary.footer": True, "summary.footer.cc": 7},
    ],
)
def test_a_wrong_typed_setting_is_a_400_and_changes_nothing(workspace, form):
    config = workspace / "docgen.toml"
    before = config.read_bytes()
    with page(workspace) as client:
        r = client.put("/api/settings", json=form)
        assert r.status_code == 400, r.text
        named = r.json().get("field", "") + r.json()["error"]
        assert next(iter(form)).split(".")[-1] in named or "年度" in named
        assert client.get("/api/settings").json()["issuer.seal"] is False
    assert config.read_bytes() == before


def test_deep_brackets_in_docgen_toml_give_a_message_on_the_command_line(workspace):
    (workspace / "docgen.toml").write_text("a = " + "[" * 100_000, encoding="utf-8")
    for command in (["check"], ["build"], ["templates", "list"]):
        result = run(*command, cwd=workspace)
        assert result.exit_code == 1, (command, result.output)
        assert "docgen.toml" in result.output and "套得太深" in result.output
        assert "Traceback" not in result.output and "RecursionError" not in result.output


def test_a_year_beyond_reason_in_docgen_toml_is_refused(workspace):
    config = workspace / "docgen.toml"
    text = config.read_text(encoding="utf-8")
    start = text.index("years = [")
    end = text.index("]", start) + 1
    config.write_text(text[:start] + "years = [2020, 99999999999999999999]" + text[end:], "utf-8")
    result = run("build", cwd=workspace)
    assert result.exit_code == 1 and "years" in result.output, result.output
    assert "Traceback" not in result.output


def test_the_page_runs_under_its_policy_and_cannot_be_framed(workspace, monkeypatch):
    from webserver import browser, running

    from docgen.output import pdf
    from docgen.web.app import create_app

    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    with running(create_app(workspace)) as url, browser() as chromium:
        page = chromium.new_page()
        violations = []
        page.on(
            "console", lambda m: violations.append(m.text) if "Security Policy" in m.text else 0
        )
        page.goto(url)
        page.locator("#tally-list li").first.wait_for()  # the page's script ran
        assert not violations, violations

        framing = chromium.new_page()
        refused = []
        framing.on("console", lambda m: refused.append(m.text))
        framing.set_content(f'<iframe id="f" src="{url}/" width="800" height="600"></iframe>')
        framing.wait_for_timeout(1500)
        frame = framing.frame_locator("#f")
        assert frame.locator("#build").count() == 0, "the page did not load inside the frame"
        assert any("frame-ancestors" in text for text in refused), refused


# ---------------------------------------------------------------- 5b. hostile drafts


def _draft_with(path: Path, body: bytes | None = None, paragraphs: int = 0, dtd: bool = False):
    """A hand-typed draft whose document.xml is rewritten: ``paragraphs`` more paragraphs, or
    a DTD declaring entities that the text uses."""
    base = path.with_suffix(".base.docx")
    doc = docx.Document()
    for text in ("关于做好安全生产工作的通知", "各村：", "一、加强领导。"):
        doc.add_paragraph(text)
    doc.save(str(base))
    with zipfile.ZipFile(base) as zin:
        xml = zin.read("word/document.xml")
        head, sep, tail = xml.partition(b"<w:body>")
        para = b"<w:p><w:r><w:t>" + "安全生产".encode() * 20 + b"</w:t></w:r></w:p>"
        xml = head + sep + para * paragraphs + tail
        if dtd:
            declaration = (
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<!DOCTYPE w:document [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;">]>\n'
            )
            xml = declaration + xml.split(b"?>", 1)[1].lstrip().replace("各村".encode(), b"&b;")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
            for info in zin.infolist():
                data = xml if info.filename == "word/document.xml" else zin.read(info)
                zout.writestr(info.filename, data)
    base.unlink()
    return path


@pytest.fixture(scope="module")
def hostile_drafts(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("drafts")
    bomb_paragraphs = 60 * 2**20 // 273  # document.xml of 60 MB
    return {
        "dtd": _draft_with(folder / "实体.docx", dtd=True),
        "bomb": _draft_with(folder / "膨胀.docx", paragraphs=bomb_paragraphs),
        "long": _draft_with(folder / "很长.docx", paragraphs=3 * 2**20 // 273),
    }


@pytest.mark.parametrize("kind, words", [("dtd", "DTD"), ("bomb", "超过草稿的上限")])
def test_a_hostile_draft_is_refused_before_it_is_parsed(hostile_drafts, tmp_path, kind, words):
    draft = hostile_drafts[kind]
    assert draft.stat().st_size < 400_000
    started = time.monotonic()
    result = run("format", draft, "-o", tmp_path / "排版.docx")
    assert time.monotonic() - started < 5
    assert result.exit_code == 1, result.output
    assert words in result.output and draft.name in result.output
    assert "检查通过" not in result.output and "Traceback" not in result.output
    assert not list(tmp_path.iterdir()), "no .docx written"
    lint = run("lint", draft)
    assert lint.exit_code == 1 and words in lint.output and "检查通过" not in lint.output


def test_the_page_refuses_a_hostile_draft_at_once(workspace, hostile_drafts):
    with page(workspace) as client:
        for kind, words in (("dtd", "DTD"), ("bomb", "超过草稿的上限")):
            draft = hostile_drafts[kind]
            started = time.monotonic()
            r = client.post("/api/format", files={"file": (draft.name, draft.read_bytes())})
            assert r.status_code == 400 and words in r.json()["error"], r.text
            assert time.monotonic() - started < 5


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM")
def test_the_server_stops_on_sigterm_while_a_draft_is_formatted(workspace, hostile_drafts):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = docgen_process(["serve", str(workspace), "--port", str(port), "--no-browser"], ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/api/files", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, "not started"
                time.sleep(0.1)
        draft = hostile_drafts["long"]  # within the limit, and some seconds to format

        def post():
            try:
                files = {"file": (draft.name, draft.read_bytes())}
                return httpx.post(f"{url}/api/format", files=files, timeout=60).status_code
            except httpx.TransportError:
                return "cut off"

        with ThreadPoolExecutor(1) as pool:
            answer = pool.submit(post)
            time.sleep(2)
            assert not answer.done(), "still formatting"
            stopped = time.monotonic()
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            assert time.monotonic() - stopped < 15
            assert answer.result(timeout=30) in ("cut off", 500, 503)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


@pytest.mark.parametrize("term", ["99999999999999999999", "9000", "-99999999999999999999"])
def test_an_agreement_term_beyond_reason_is_refused(workspace, term):
    config = workspace / "docgen.toml"
    text = config.read_text(encoding="utf-8")
    assert "\nterm = 1" in text
    config.write_text(text.replace("\nterm = 1", f"\nterm = {term}"), encoding="utf-8")
    result = run("build", cwd=workspace)
    assert result.exit_code == 1, result.output
    assert "agreements.term" in result.output and "Traceback" not in result.output


def test_deeply_nested_json_is_a_400(workspace):
    deep = "[" * 100_000
    with page(workspace) as client:
        for method, path in (("PUT", "/api/settings"), ("POST", "/api/build")):
            r = client.request(
                method, path, content=deep, headers={"Content-Type": "application/json"}
            )
            assert r.status_code == 400, (path, r.status_code, r.text[:200])
            assert r.json()["error"]
        huge = '{"issuer.name": ' + "9" * 5000 + "}"
        r = client.put("/api/settings", content=huge, headers={"Content-Type": "application/json"})
        assert r.status_code == 400


def test_an_old_file_that_cannot_be_moved_leaves_the_old_set_whole(rebuilt):
    out = rebuilt / "outputs"
    old = visible(out)
    # as on Windows while 工作总结.docx is open in Word: it cannot be moved aside
    locked = """
import os
real_replace = os.replace
def replace(a, b):
    if os.path.basename(str(a)) == "工作总结.docx" and "/.~docgen-" not in str(a):
        raise PermissionError(13, "Permission denied", str(a))
    return real_replace(a, b)
os.replace = replace
"""
    process = docgen_process(["build", "--force", "-q"], rebuilt, code=locked)
    output = process.communicate(timeout=120)[0].decode()
    assert process.returncode == 1, output
    assert "工作总结.docx" in output and "没有权限" in output and "Traceback" not in output
    assert visible(out) == old, "every file of the old set, untouched"
    assert not [p.name for p in out.iterdir() if p.name.startswith((".~docgen-", ".docgen-swap"))]


@pytest.mark.soffice
def test_a_printed_build_records_only_its_own_files(rebuilt):
    for roster in ("units", "hazards", "students"):
        (rebuilt / "inputs" / f"{roster}.xlsx").unlink()  # the summary alone is printed
    out = rebuilt / "outputs"
    mine = out / "我的笔记.docx"
    mine.write_bytes(b"the secretary's own notes")
    result = run("build", "--pdf", "--force", "-q", cwd=rebuilt)
    assert result.exit_code == 0, result.output
    record = json.loads((out / ".docgen-build.json").read_text(encoding="utf-8"))
    assert "工作总结.pdf" in record["files"] and "工作总结.docx" in record["files"]
    assert "我的笔记.docx" not in record["files"]
    assert run("build", "--force", "-q", cwd=rebuilt).exit_code == 0
    assert mine.read_bytes() == b"the secretary's own notes", "not the build's: kept"
    assert not (out / "工作总结.pdf").exists(), "the last build's print went with it"
