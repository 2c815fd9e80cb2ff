"""The page's JSON API (README, "网页"), through Starlette's test client and a real server."""

from __future__ import annotations

import io
import statistics
import threading
import time
import zipfile
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from demotown import fewer_pupils
from messy import BAD_CELL, OLE_FILE, bad_count, roster, save_rows
from openpyxl import load_workbook
from starlette.testclient import TestClient
from webserver import running

from docgen.cli import cli
from docgen.kinds.registry import registry
from docgen.web import desk as desk_module
from docgen.web.app import create_app
from docgen.workspace import init_workspace

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo") / "松岚镇"
    init_workspace(root)
    return root


@pytest.fixture
def workspace(demo, tmp_path):
    import shutil

    root = tmp_path / "松岚镇"
    shutil.copytree(demo, root)
    return root


@pytest.fixture
def client(workspace):
    with TestClient(create_app(workspace), base_url="http://127.0.0.1:8000") as c:
        yield c


def upload(client, *paths, replace=None, name=None):
    files = [("files", (name or p.name, p.read_bytes(), XLSX)) for p in paths]
    return client.post("/api/files", files=files, params={"replace": replace} if replace else None)


def village(directory, name, checks=3):
    rows = [
        [f"填报单位：{name}"],
        ["领域", "检查次数", "排查隐患", "整改隐患", "查处违章"],
        ["消防安全", checks, 1, 1, 0],
    ]
    return save_rows(directory / f"{name}.xlsx", {"2022年": rows})


# ---------------------------------------------------------------- files


def test_a_tally_is_stored_in_the_tallies_folder_with_its_problems(client, workspace, tmp_path):
    r = upload(client, bad_count(tmp_path, "若干"))
    assert r.status_code == 200, r.text
    [stored] = r.json()["files"]
    assert stored["name"] == "inputs/tallies/坏数村.xlsx" and stored["kind"] == "tally"
    [problem] = stored["problems"]
    assert (problem["file"], problem["sheet"], problem["cell"]) == (
        stored["name"],
        "2021年",
        BAD_CELL,
    )
    assert problem["hint"] and problem["severity"] == "error"
    assert (workspace / "inputs" / "tallies" / "坏数村.xlsx").is_file()
    assert not list(workspace.glob(".~docgen-*"))


def test_rosters_are_recognised_by_their_headers_and_go_to_their_paths(client, workspace, tmp_path):
    (workspace / "inputs" / "students.xlsx").unlink()
    path = roster(
        tmp_path / "三年级名单.xlsx",
        ["学校*", "班级*", "学生姓名*", "家长姓名*"],
        [["中心小学", "三年级1班", "王小明", "王大明"], ["中心小学", "三年级1班", "李华", ""]],
    )
    r = upload(client, path)
    assert r.status_code == 200, r.text
    [stored] = r.json()["files"]
    assert (stored["name"], stored["kind"]) == ("inputs/students.xlsx", "students")
    assert [p["cell"] for p in stored["problems"]] == ["D4"]
    check = client.get("/api/check").json()
    assert check["errors"] == 1
    [listed] = [f for f in check["files"] if f["kind"] == "students"]
    assert [p["cell"] for p in listed["problems"]] == ["D4"]


def test_same_name_is_refused_until_replace_is_explicit(client, workspace, tmp_path):
    path = village(tmp_path, "金竹村", checks=99)
    r = upload(client, path)
    assert r.status_code == 409
    assert r.json()["name"] == "inputs/tallies/金竹村.xlsx" and "替换" in r.json()["error"]
    r = upload(client, path, replace="inputs/tallies/金竹村.xlsx")
    assert r.status_code == 200, r.text
    wb = load_workbook(workspace / "inputs" / "tallies" / "金竹村.xlsx")
    assert wb["2022年"]["B3"].value == 99


def test_replace_keeps_the_place_of_the_file_replaced(client, workspace, tmp_path):
    path = village(tmp_path, "金竹村-改正版")
    r = upload(client, path, replace="inputs/tallies/金竹村.xlsx")
    assert r.json()["files"][0]["name"] == "inputs/tallies/金竹村.xlsx"
    assert not (workspace / "inputs" / "tallies" / "金竹村-改正版.xlsx").exists()


@pytest.mark.parametrize(
    ("name", "data", "status", "words"),
    [
        ("村.xls", OLE_FILE, 400, "另存为 .xlsx"),
        ("说明.pdf", b"%PDF-1.4", 400, ".xlsx"),
        ("坏.xlsx", b"not a workbook", 400, "坏.xlsx"),
        ("加密.xlsx", OLE_FILE, 400, "加密.xlsx"),
    ],
)
def test_bad_files_are_refused_with_a_message(client, workspace, name, data, status, words):
    r = client.post("/api/files", files=[("files", (name, data, XLSX))])
    assert r.status_code == status, r.text
    assert words in r.json()["error"]
    assert not (workspace / "inputs" / "tallies" / name).exists()


def test_a_workbook_neither_tally_nor_roster_is_refused(client, tmp_path):
    path = save_rows(tmp_path / "通讯录.xlsx", {"Sheet1": [["姓名", "电话"], ["张三", "123"]]})
    r = upload(client, path)
    assert r.status_code == 400
    assert "无法识别" in r.json()["error"] and "通讯录.xlsx" in r.json()["error"]


def test_oversized_files_get_413(client, tmp_path, monkeypatch):
    monkeypatch.setattr(desk_module, "MAX_FILE_BYTES", 1000)
    monkeypatch.setattr("docgen.web.app.MAX_FILE_BYTES", 1000)
    r = upload(client, village(tmp_path, "大文件村"))
    assert r.status_code == 413 and "太大" in r.json()["error"]


def test_names_from_the_browser_cannot_leave_the_workspace(client, workspace, tmp_path):
    r = upload(client, village(tmp_path, "外村"), name="../../外村.xlsx")
    assert r.status_code == 200, r.text
    assert r.json()["files"][0]["name"] == "inputs/tallies/外村.xlsx"
    assert client.delete("/api/files/../docgen.toml").status_code == 404
    assert client.delete("/api/files/docgen.toml").status_code == 404
    assert (workspace / "docgen.toml").exists()


def test_one_bad_file_in_a_drop_stores_none(client, workspace, tmp_path):
    files = [
        ("files", ("新村.xlsx", village(tmp_path, "新村").read_bytes(), XLSX)),
        ("files", ("旧村.xls", OLE_FILE, XLSX)),
    ]
    assert client.post("/api/files", files=files).status_code == 400
    assert not (workspace / "inputs" / "tallies" / "新村.xlsx").exists()


def test_delete_removes_the_file(client, workspace):
    r = client.delete("/api/files/inputs/tallies/金竹村.xlsx")
    assert r.status_code == 204
    assert not (workspace / "inputs" / "tallies" / "金竹村.xlsx").exists()
    assert client.delete("/api/files/inputs/tallies/金竹村.xlsx").status_code == 404


def test_check_is_collect_json_plus_the_rosters(client, workspace):
    from docgen.figures import collect

    expected = collect([workspace / "inputs" / "tallies"]).to_json()
    got = client.get("/api/check").json()
    for key in ("units", "totals", "figures", "years"):
        assert got[key] == expected[key], key
    assert got["problems"] == [] and got["errors"] == 0
    assert {r["kind"]: r["rows"] for r in got["rosters"]} == {
        "units": 30,
        "hazards": 14,
        "students": 943,
    }


# ---------------------------------------------------------------- templates


def letters_template_with(client, folder: Path, paragraph: str):
    """The built-in 安全承诺书 with one paragraph added, sent to replace the workspace's."""
    import docx

    doc = docx.Document(str(registry()["letters"].template_path))
    doc.add_paragraph(paragraph)
    changed = folder / "承诺书-改.docx"
    doc.save(str(changed))
    return client.post(
        "/api/files",
        params={"replace": "templates/安全承诺书.docx"},
        files=[("files", (changed.name, changed.read_bytes(), "application/octet-stream"))],
    )


def test_a_changed_template_is_checked_against_its_roster(client, workspace, tmp_path):
    import docx

    template = workspace / "templates" / "安全承诺书.docx"
    before = template.read_bytes()
    r = letters_template_with(client, tmp_path, "{{ 家庭住址 }}")
    assert r.status_code == 400
    assert "家庭住址" in r.json()["error"] and "inputs/students.xlsx" in r.json()["error"]
    assert template.read_bytes() == before

    r = letters_template_with(client, tmp_path, "家长请于开学时交回。")
    assert r.status_code == 200, r.text
    assert "家长请于开学时交回。" in "\n".join(p.text for p in docx.Document(template).paragraphs)

    # a column the template says what to do without (as render does) is accepted
    guarded = "{{ 家庭住址|default('') }}{% if 班主任 %}班主任：{{ 班主任 }}{% endif %}"
    r = letters_template_with(client, tmp_path, guarded)
    assert r.status_code == 200, r.text


def test_templates_download(client):
    r = client.get("/templates/templates/工作总结.docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    assert client.get("/templates/docgen.toml").status_code == 404


# ---------------------------------------------------------------- settings


def test_settings_keep_the_files_comments_and_refuse_a_bad_value(client, workspace):
    values = client.get("/api/settings").json()
    values.update(
        {
            "issuer.seal": True,
            "summary.date": "2023-01-05",
            "summary.footer": True,
            "summary.footer.cc": "区安委会办公室、区应急管理局",
            "summary.footer.printer": "松岚镇党政办公室",
            "summary.footer.printed": "2023-01-06",
        }
    )
    r = client.post("/api/settings", json=values)
    assert r.status_code == 200, r.text
    text = (workspace / "docgen.toml").read_text(encoding="utf-8")
    assert "date = 2023-01-05              # 成文日期" in text
    assert 'cc = ["区安委会办公室", "区应急管理局"]' in text and "seal = true" in text
    r = client.post("/api/settings", json={**values, "summary.date": "明年"})
    assert r.status_code == 400 and "2022-12-20" in r.json()["error"]
    assert (workspace / "docgen.toml").read_text(encoding="utf-8") == text


# ---------------------------------------------------------------- building


def wait_for(client, job, timeout=180):
    deadline = time.monotonic() + timeout
    while True:
        state = client.get(f"/api/build/{job}").json()
        if state["state"] != "running" or time.monotonic() > deadline:
            return state
        time.sleep(0.1)


def test_build_reports_progress_and_a_second_one_is_refused(client, workspace):
    r = client.post("/api/build", json={"pdf": False})
    assert r.status_code == 202, r.text
    job = r.json()["job"]
    second = client.post("/api/build", json={"pdf": False})
    assert second.status_code == 409 and "正在生成" in second.json()["error"]
    state = wait_for(client, job)
    assert state["state"] == "done", state
    assert state["done"] == state["total"] == (30 + 14 + 943) * 2
    assert state["report"]["totals"].startswith("合计：12 个填报单位")
    outputs = client.get("/api/outputs").json()
    assert outputs["build"] == job and len(outputs["files"]) == 1 + 1 + 30 + 14 + 943 + 3
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/outputs.zip").content))
    assert sorted(archive.namelist()) == sorted(outputs["files"])
    r = client.get("/outputs/安全告知书（合订本）.docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert client.get("/outputs/../docgen.toml").status_code == 404
    assert not [p for p in (workspace / "outputs").iterdir() if p.name.startswith(".~")]


def test_a_failed_build_lists_the_problems_and_leaves_the_last_outputs(client, workspace, tmp_path):
    fewer_pupils(workspace)  # letters are not the point: the two builds' outputs are
    first = wait_for(client, client.post("/api/build", json={}).json()["job"])
    upload(client, bad_count(tmp_path, "若干"))
    state = wait_for(client, client.post("/api/build", json={}).json()["job"])
    assert state["state"] == "failed"
    assert [p["cell"] for p in state["problems"]] == [BAD_CELL]
    assert client.get("/api/outputs").json()["build"] == first["job"]
    assert client.get("/api/outputs.zip").status_code == 200


# ---------------------------------------------------------------- safety


def test_state_changing_requests_from_another_origin_are_refused(client):
    for headers in (
        {"Origin": "http://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
    ):
        assert client.post("/api/build", json={}, headers=headers).status_code == 403
        assert client.delete("/api/files/inputs/units.xlsx", headers=headers).status_code == 403
    same = {"Origin": "http://127.0.0.1:8000", "Sec-Fetch-Site": "same-origin"}
    assert client.post("/api/build", json={}, headers=same).status_code == 202


def test_loopback_without_password_refuses_other_host_names(workspace):
    with TestClient(create_app(workspace), base_url="http://docgen.example") as c:
        assert c.get("/").status_code == 403


def test_a_password_means_a_login(workspace):
    with TestClient(
        create_app(workspace, password="s3cret"),
        base_url="http://192.168.1.5:8000",
        follow_redirects=False,
    ) as c:
        assert c.get("/api/check").status_code == 401
        assert c.get("/").headers["location"] == "/login"
        assert c.post("/login", data={"password": "nope"}).status_code == 401
        r = c.post("/login", data={"password": "s3cret"})
        assert r.status_code == 303
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        assert c.get("/api/check").status_code == 200


def test_serve_refuses_another_host_without_a_password(workspace, monkeypatch):
    monkeypatch.delenv("DOCGEN_PASSWORD", raising=False)
    r = CliRunner().invoke(cli, ["serve", str(workspace), "--host", "0.0.0.0", "--no-browser"])
    assert r.exit_code == 2, r.output
    assert "DOCGEN_PASSWORD" in r.output


# ---------------------------------------------------------------- load


def test_twenty_clients_and_three_builds_at_once(workspace, tmp_path):
    """20 clients each drop a tally and check while 3 builds are asked for: no error, no lost
    file, every zip one build's outputs."""
    fewer_pupils(workspace)
    made = [village(tmp_path / "drops", f"新{i:02d}村", checks=i + 1) for i in range(20)]
    statuses: list[int] = []
    timings: list[float] = []
    jobs: list[str] = []
    failures: list[str] = []

    def timed(call, *args, **kwargs):
        start = time.monotonic()
        r = call(*args, **kwargs)
        timings.append(time.monotonic() - start)
        statuses.append(r.status_code)
        return r

    with running(create_app(workspace)) as url:

        def client_work(path):
            try:
                with httpx.Client(base_url=url, timeout=120) as c:
                    r = timed(
                        c.post,
                        "/api/files",
                        files=[("files", (path.name, path.read_bytes(), XLSX))],
                    )
                    if r.status_code != 200:
                        failures.append(r.text)
                    r = timed(c.get, "/api/check")
                    if r.status_code != 200 or r.json()["errors"]:
                        failures.append(r.text[:200])
            except Exception as exc:
                failures.append(repr(exc))

        def build_work(delay):
            time.sleep(delay)
            with httpx.Client(base_url=url, timeout=120) as c:
                r = timed(c.post, "/api/build", json={"pdf": False})
                if r.status_code == 202:
                    jobs.append(r.json()["job"])
                elif r.status_code != 409:
                    failures.append(r.text)

        started = time.monotonic()
        threads = [threading.Thread(target=client_work, args=(p,)) for p in made]
        threads += [threading.Thread(target=build_work, args=(d,)) for d in (0, 0.3, 0.6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        with httpx.Client(base_url=url, timeout=120) as c:
            for job in jobs:
                assert wait_for(c, job)["state"] == "done"
            # every drop is there, and one more build takes them all in
            names = {f["name"] for f in c.get("/api/files").json()["files"]}
            assert {f"inputs/tallies/{p.name}" for p in made} <= names
            final = wait_for(c, c.post("/api/build", json={}).json()["job"])
            assert final["state"] == "done", final
            outputs = c.get("/api/outputs").json()
            archive = zipfile.ZipFile(io.BytesIO(c.get("/api/outputs.zip").content))
        elapsed = time.monotonic() - started

    assert not failures, failures[:3]
    assert all(s in (200, 202, 409) for s in statuses), statuses
    assert 1 <= len(jobs) <= 3
    assert sorted(archive.namelist()) == sorted(outputs["files"])
    assert final["report"]["totals"].startswith("合计：32 个填报单位")
    units = load_workbook(io.BytesIO(archive.read("汇总表.xlsx")), read_only=True)
    assert any(
        "新19村" in str(cell)
        for row in units.worksheets[1].iter_rows(values_only=True)
        for cell in row
    )
    print(
        f"\nload: {len(statuses)} requests, builds started {len(jobs)}, "
        f"median {statistics.median(timings):.2f}s, max {max(timings):.2f}s, "
        f"total {elapsed:.1f}s"
    )


def test_twenty_villages_send_统计表_at_once_and_every_one_is_kept(workspace, tmp_path):
    """Every village returns the blank form as 统计表.xlsx, all at the same moment."""
    app = create_app(workspace)
    units = [f"第{n}村" for n in range(1, 21)]
    paths = {}
    for n, unit in enumerate(units, start=1):
        rows = [
            [f"填报单位：{unit}"],
            ["领域", "检查次数", "排查隐患", "整改隐患", "查处违章"],
            ["消防安全", n, 0, 0, 0],
        ]
        paths[unit] = save_rows(tmp_path / unit / "统计表.xlsx", {"2022年": rows})
    answers: dict[str, int] = {}
    with running(app) as url:

        def send(unit):
            r = httpx.post(
                f"{url}/api/files",
                files=[("files", ("统计表.xlsx", paths[unit].read_bytes(), XLSX))],
                timeout=120,
            )
            answers[unit] = r.status_code

        threads = [threading.Thread(target=send, args=(u,)) for u in units]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check = httpx.get(f"{url}/api/check", timeout=120).json()
    assert set(answers.values()) == {200}, answers
    folder = workspace / "inputs" / "tallies"
    stored = sorted(p.name for p in folder.glob("统计表*.xlsx"))
    assert len(stored) == 20
    reported = {u["unit"]: u for u in check["units"]}
    for n, unit in enumerate(units, start=1):
        assert reported[unit]["totals"]["消防安全"]["检查次数"] == n


def test_docgens_own_summary_workbook_is_refused_even_from_the_command_line(
    client, workspace, tmp_path
):
    from clirun import run

    made = run("collect", workspace / "inputs" / "tallies", "-o", tmp_path / "汇总表.xlsx")
    assert made.exit_code == 0, made.output
    r = upload(client, tmp_path / "汇总表.xlsx")
    assert r.status_code == 400 and "docgen 自己生成的文件" in r.json()["error"]
    assert not (workspace / "inputs" / "tallies" / "汇总表.xlsx").exists()
    listing = client.get("/api/files").json()
    assert [x["name"] for x in listing["refused"]] == ["汇总表.xlsx"]


def test_settings_are_every_key_docgen_toml_declares(client, workspace):
    values = client.get("/api/settings").json()
    for key in (
        "issuer.seal",
        "summary.header.signer",
        "summary.footer.printed",
        "tallies.expected",
        "agreements.term",
        "notices.date",
        "notices.duty_phone",
        "letters.holiday",
        "letters.start",
        "letters.end",
    ):
        assert key in values, key
    assert values["letters.holiday"] == "寒假" and values["agreements.term"] == 1
    r = client.put("/api/settings", json={**values, "tallies.expected": "青山村\n石门村"})
    assert r.status_code == 200, r.text
    assert client.get("/api/check").json()["expected"] == ["青山村", "石门村"]
    for bad, field in (
        ({"issuer.seal": "false"}, "issuer.seal"),
        ({"agreements.term": 10**9}, "agreements.term"),
        ({"letters.holiday": "国庆"}, "letters.holiday"),
        ({"summary.years": ["2022", "2020"]}, "summary.years"),
        ({"summary.header": True, "summary.header.mark": ""}, "summary.header.mark"),
    ):
        r = client.put("/api/settings", json={**values, **bad})
        assert r.status_code == 400 and r.json()["field"] == field, (bad, r.text)


def test_two_unnamed_统计表_are_not_taken_for_one_unit(client, workspace, tmp_path):
    first = save_rows(
        tmp_path / "a" / "统计表.xlsx", {"2022年": [STANDARD, ["消防安全", 1, 0, 0, 0]]}
    )
    second = save_rows(
        tmp_path / "b" / "统计表.xlsx", {"2022年": [STANDARD, ["消防安全", 2, 0, 0, 0]]}
    )
    assert upload(client, first).status_code == 200
    r = upload(client, second)
    assert r.status_code == 409 and "没有填写“填报单位”" in r.json()["error"]
    assert "XX村-统计表.xlsx" in r.json()["error"]
    assert [x["name"] for x in client.get("/api/files").json()["refused"]] == ["统计表.xlsx"]
    wb = load_workbook(workspace / "inputs" / "tallies" / "统计表.xlsx")
    assert wb["2022年"]["B2"].value == 1


STANDARD = ["领域", "检查次数", "排查隐患", "整改隐患", "查处违章"]


def test_a_summary_built_on_the_command_line_is_refused_as_a_template(client, workspace):
    from clirun import run

    (workspace / "inputs" / "students.xlsx").unlink()  # the summary is what matters
    built = run("build", cwd=workspace)
    assert built.exit_code == 0, built.output
    summary = workspace / "outputs" / "工作总结.docx"
    r = client.post(
        "/api/files",
        params={"replace": "templates/工作总结.docx"},
        files=[("files", ("工作总结.docx", summary.read_bytes(), "application/octet-stream"))],
    )
    assert r.status_code == 400 and "docgen 自己生成的文件" in r.json()["error"]
    template = workspace / "templates" / "工作总结.docx"
    assert template.read_bytes() != summary.read_bytes()


def test_a_document_built_on_the_command_line_elsewhere_is_refused_as_a_template(
    client, workspace, demo_town
):
    # not a copy of anything in this workspace's outputs: the file itself says docgen wrote it
    from docgen.output.files import is_generated

    outputs = demo_town.root / "outputs"
    written = [p for p in outputs.rglob("*.docx")]
    assert written and all(is_generated(p) for p in written)
    agreement = sorted((outputs / registry()["agreements"].output_folder).glob("*.docx"))[0]
    r = client.post(
        "/api/files",
        params={"replace": "templates/安全生产责任书.docx"},
        files=[
            ("files", ("安全生产责任书.docx", agreement.read_bytes(), "application/octet-stream"))
        ],
    )
    assert r.status_code == 400 and "docgen 自己生成的文件" in r.json()["error"]
    template = workspace / "templates" / "安全生产责任书.docx"
    assert not template.exists() or template.read_bytes() != agreement.read_bytes()


def test_a_backup_goes_back_only_inside_the_workspace(client, workspace, tmp_path):
    import json

    path = village(tmp_path, "东山村", checks=4)
    assert upload(client, path).status_code == 200
    assert client.delete("/api/files/inputs/tallies/东山村.xlsx").status_code == 204
    [row] = client.get("/api/backups").json()["backups"]
    assert row["name"] == "inputs/tallies/东山村.xlsx" and row["why"] == "removed"
    # an index edited to point outside the workspace, or into docgen's own folder
    folder = workspace / ".docgen" / "backups"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    for n, bad in enumerate(("../outside.xlsx", "/tmp/x.xlsx", ".docgen/refused.json")):
        copy = folder / f"bad-{n}.xlsx"
        copy.write_bytes(path.read_bytes())
        index[copy.name] = {"name": bad, "why": "removed", "time": "2022-01-01T00:00:00"}
    (folder / "index.json").write_text(json.dumps(index), encoding="utf-8")
    listed = {b["id"]: b for b in client.get("/api/backups").json()["backups"]}
    for n in range(3):
        assert listed[f"bad-{n}.xlsx"]["name"] == ""
        r = client.post(f"/api/backups/bad-{n}.xlsx/restore")
        assert r.status_code == 404 and "不知道它原来的位置" in r.json()["error"]
    assert not (workspace.parent / "outside.xlsx").exists()
    for bad in ("..%2F..%2Fdocgen.toml", "index.json", "nosuch.xlsx"):
        assert client.post(f"/api/backups/{bad}/restore").status_code == 404
    r = client.post(f"/api/backups/{row['id']}/restore")
    assert r.status_code == 200 and r.json() == {
        "name": "inputs/tallies/东山村.xlsx",
        "backup": None,
    }
    assert load_workbook(workspace / "inputs/tallies/东山村.xlsx")["2022年"]["B3"].value == 4
