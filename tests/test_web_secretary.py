"""The page as a township secretary uses it, in Chromium at 1366×768: every village's
``统计表.xlsx``, 催报, refusals that stay, docgen's own outputs dropped back, the settings of
every document, a workspace's own kind, builds across a reload, the keyboard.

One server for the module; each test gets a fresh copy of the demo workspace behind it.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

import docx
import httpx
import pytest
from demotown import fewer_pupils
from messy import roster, save_rows
from openpyxl import load_workbook
from webserver import browser, running, screenshot

from docgen.output.files import mark_generated
from docgen.web.app import create_app
from docgen.web.desk import Desk
from docgen.workspace import init_workspace

VIEW = {"width": 1366, "height": 768}
SHOTS = Path(tempfile.gettempdir()) / "docgen-screenshots"  # also copied to $DOCGEN_SCREENSHOTS


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo") / "松岚镇"
    init_workspace(root)
    return fewer_pupils(root)  # what she sees and does, not 943 letters, is tested here


@pytest.fixture(scope="module")
def site(demo):
    app = create_app(demo)
    with running(app) as url:
        yield app, url


@pytest.fixture(autouse=True)
def no_libreoffice(monkeypatch):
    """These pages print nothing: the page is shown as on a machine without LibreOffice."""
    from docgen.output import pdf

    monkeypatch.setattr(pdf, "find_soffice", lambda: None)


@pytest.fixture
def workspace(site, demo, tmp_path):
    """A fresh copy of the demo workspace, served by the module's server."""
    app, _url = site
    root = tmp_path / "松岚镇"
    shutil.copytree(demo, root)
    old = app.state.desk
    app.state.desk = Desk(root)
    old.close()
    return root


@pytest.fixture
def page(chromium, site, workspace):
    _app, url = site
    context = chromium.new_context(viewport=VIEW, locale="zh-CN", accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.locator("#tally-list li").first.wait_for()
    yield page
    context.close()
    assert not errors, errors


def shot(page, name: str, near: str | None = None) -> None:
    """What she sees at 1366×768 (scrolled to ``near``), and the whole page beside it."""
    SHOTS.mkdir(exist_ok=True)
    if near:
        page.locator(near).first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / name))
    screenshot(page, "full-" + name, SHOTS)


def tally(path: Path, unit: str | None, checks: int = 3) -> Path:
    rows = [["领域", "检查次数", "排查隐患", "整改隐患", "查处违章"], ["消防安全", checks, 1, 1, 0]]
    if unit:
        rows.insert(0, [f"填报单位：{unit}"])
    return save_rows(path, {"2022年": rows})


def wait_text(page, selector: str, text: str, timeout: float = 10_000) -> None:
    page.wait_for_function(
        "([s, t]) => { const n = document.querySelector(s); return n && n.textContent.includes(t); }",
        arg=[selector, text],
        timeout=timeout,
    )


# ---------------------------------------------------------------- same-name returns


def test_every_village_sends_统计表_and_none_is_lost(page, workspace, tmp_path):
    east = tally(tmp_path / "东" / "统计表.xlsx", "东山村", checks=5)
    west = tally(tmp_path / "西" / "统计表.xlsx", "西山村", checks=7)
    page.set_input_files("#file-input", str(east))
    page.locator('#tally-list li[data-name="inputs/tallies/统计表.xlsx"]').wait_for()
    page.set_input_files("#file-input", str(west))
    kept = page.locator('#tally-list li[data-name="inputs/tallies/统计表-西山村.xlsx"]')
    kept.wait_for()
    assert "统计表-西山村.xlsx" in page.locator("#upload-messages").inner_text()
    first = page.locator('#tally-list li[data-name="inputs/tallies/统计表.xlsx"]')
    wait_text(page, '#tally-list li[data-name="inputs/tallies/统计表.xlsx"]', "填报单位：东山村")
    assert "填报单位" not in kept.inner_text()  # its name says it already
    assert first.count() == 1
    folder = workspace / "inputs" / "tallies"
    assert load_workbook(folder / "统计表.xlsx")["2022年"]["B3"].value == 5
    assert load_workbook(folder / "统计表-西山村.xlsx")["2022年"]["B3"].value == 7

    # 东山村 sends a corrected return: nothing is replaced until she confirms
    again = tally(tmp_path / "东2" / "统计表.xlsx", "东山村", checks=9)
    page.set_input_files("#file-input", str(again))
    conflict = page.locator("#upload-messages .conflict")
    conflict.wait_for()
    assert "东山村" in conflict.inner_text() and "备份" in conflict.inner_text()
    assert load_workbook(folder / "统计表.xlsx")["2022年"]["B3"].value == 5
    shot(page, "secretary-resend.png", "#upload-messages")
    assert page.locator("#refused li").count() == 0  # told once, beside its 替换 button
    # she reloads before deciding: the resend is still listed, not silently dropped
    page.reload()
    page.locator('#refused li[data-refused="统计表.xlsx"]').wait_for()
    assert "重新报送" in page.locator("#refused").inner_text()
    page.set_input_files("#file-input", str(again))
    conflict.wait_for()
    button = conflict.locator("button.confirm-replace")
    assert "统计表.xlsx" in button.get_attribute("aria-label")
    button.click()
    wait_text(page, "#upload-messages", "旧文件留作备份")
    page.locator('#refused li[data-refused="统计表.xlsx"]').wait_for(state="detached")
    assert load_workbook(folder / "统计表.xlsx")["2022年"]["B3"].value == 9
    [backup] = (workspace / ".docgen" / "backups").glob("*统计表.xlsx")
    assert load_workbook(backup)["2022年"]["B3"].value == 5
    assert not (folder / "统计表-东山村.xlsx").exists()

    # a whole folder of returns, chosen at once (lock files are left out)
    returns = tmp_path / "收到的表"
    tally(returns / "北山村.xlsx", "北山村")
    tally(returns / "南山村" / "统计表.xlsx", "南山村")
    (returns / "~$北山村.xlsx").write_bytes(b"lock")
    page.set_input_files("#folder-input", str(returns))
    page.locator('#tally-list li[data-name="inputs/tallies/北山村.xlsx"]').wait_for()
    page.locator('#tally-list li[data-name="inputs/tallies/统计表-南山村.xlsx"]').wait_for()
    assert not (folder / "~$北山村.xlsx").exists()


def test_a_replaced_or_removed_file_is_put_back_from_its_backup(page, workspace, tmp_path):
    folder = workspace / "inputs" / "tallies"
    first = tally(tmp_path / "1" / "东山村.xlsx", "东山村", checks=5)
    page.set_input_files("#file-input", str(first))
    entry = '#tally-list li[data-name="inputs/tallies/东山村.xlsx"]'
    page.locator(entry).wait_for()
    assert page.locator("#backups").is_hidden()  # nothing replaced yet
    page.locator(entry + " button.remove").click()
    page.locator(entry).wait_for(state="detached")
    assert not (folder / "东山村.xlsx").exists()
    backups = page.locator("#backup-list li")
    wait_text(page, "#backups-title", "（1 个）")
    page.locator("#backups summary").click()  # folded until she opens it
    assert "被删除" in backups.first.inner_text()

    # she sends the corrected return, then finds the first one was right after all
    again = tally(tmp_path / "2" / "东山村.xlsx", "东山村", checks=9)
    page.set_input_files("#file-input", str(again))
    page.locator(entry).wait_for()
    assert load_workbook(folder / "东山村.xlsx")["2022年"]["B3"].value == 9
    page.reload()  # the backups survive a reload
    page.locator("#backups summary").click()
    restore = page.get_by_role("button", name="恢复 inputs/tallies/东山村.xlsx")
    restore.click()
    wait_text(page, "#upload-messages", "原处的文件留作备份")
    assert load_workbook(folder / "东山村.xlsx")["2022年"]["B3"].value == 5
    wait_text(page, "#backups-title", "（2 个）")
    wait_text(page, entry, "东山村")
    newest = backups.first
    assert "被替换" in newest.inner_text()
    shot(page, "secretary-backups.png", "#backups")
    # and back again: nothing was lost on the way
    newest.locator("button.restore").click()
    wait_text(page, "#backups-title", "（3 个）")
    assert load_workbook(folder / "东山村.xlsx")["2022年"]["B3"].value == 9
    kept = sorted((workspace / ".docgen" / "backups").glob("*东山村.xlsx"))
    assert sorted(load_workbook(k)["2022年"]["B3"].value for k in kept) == [5, 5, 9]


# ---------------------------------------------------------------- 催报


def test_expected_units_show_who_has_not_reported_and_the_list_copies(page, site, workspace):
    _app, url = site
    page.fill('textarea[name="tallies.expected"]', "金竹村\n石门村\n东山村\n镇卫生院")
    page.click("#save-settings")
    page.locator("#settings-message.ok").wait_for()
    config = (workspace / "docgen.toml").read_text(encoding="utf-8")
    assert 'expected = ["金竹村", "石门村", "东山村", "镇卫生院"]' in config
    wait_text(page, "#reporting-count", "已交 2/4")
    assert "东山村、镇卫生院" in page.locator("#missing-list").inner_text()
    assert "已交 2/4" in page.locator("#bar-status").inner_text()
    page.click("#copy-missing")
    wait_text(page, "#copy-message", "已复制")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "东山村、镇卫生院" in copied
    check = httpx.get(f"{url}/api/check").json()
    assert check["expected"] == ["金竹村", "石门村", "东山村", "镇卫生院"]
    assert check["missing"] == ["东山村", "镇卫生院"]
    shot(page, "secretary-reporting.png", "#reporting")


# ---------------------------------------------------------------- refusals


def generated_summary_workbook(path: Path) -> Path:
    save_rows(path, {"合计": [["领域", "检查次数"], ["消防安全", 40]]})
    mark_generated(path)
    return path


def full_width_template(path: Path) -> Path:
    doc = docx.Document()
    doc.add_paragraph("关于做好防汛工作的通知")
    doc.add_paragraph("请 ｛｛位置｝｝ 的住户注意。")
    doc.save(str(path))
    return path


def test_refusals_stay_until_dismissed_across_reloads_and_restarts(page, site, workspace, tmp_path):
    app, url = site
    pdf = tmp_path / "说明.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    summary = generated_summary_workbook(tmp_path / "汇总表.xlsx")
    template = full_width_template(tmp_path / "通知.docx")
    page.set_input_files("#file-input", [str(pdf), str(summary), str(template)])
    page.locator('#refused li[data-refused="通知.docx"]').wait_for()
    text = page.locator("#refused").inner_text()
    assert "说明.pdf" in text and "另存为 .xlsx" in text
    assert "汇总表.xlsx 是 docgen 自己生成的文件" in text
    assert "请用半角 {{ }}" in text and "｛｛位置｝｝" in text
    assert not (workspace / "inputs" / "tallies" / "汇总表.xlsx").exists()
    assert not (workspace / "templates" / "通知.docx").exists()
    shot(page, "secretary-refused.png", "#refused")

    page.reload()
    page.locator('#refused li[data-refused="说明.pdf"]').wait_for()
    # docgen serve restarted: the refusals are still there
    old = app.state.desk
    app.state.desk = Desk(workspace)
    old.close()
    listing = httpx.get(f"{url}/api/files").json()
    assert {r["name"] for r in listing["refused"]} == {"说明.pdf", "汇总表.xlsx", "通知.docx"}

    page.reload()
    page.locator('#refused button[aria-label="关闭关于 说明.pdf 的提示"]').click()
    page.locator('#refused li[data-refused="说明.pdf"]').wait_for(state="detached")
    page.reload()
    page.locator('#refused li[data-refused="汇总表.xlsx"]').wait_for()
    assert page.locator('#refused li[data-refused="说明.pdf"]').count() == 0

    # the build goes ahead, and its report says what was refused
    (workspace / "inputs" / "students.xlsx").unlink()  # 943 letters are not the point here
    page.click("#build")
    page.locator("#report-refused").wait_for(timeout=180_000)
    assert "汇总表.xlsx、通知.docx" in page.locator("#report-refused").inner_text()


def test_a_generated_document_is_refused_as_a_template(page, site, workspace, tmp_path):
    _app, url = site
    (workspace / "inputs" / "students.xlsx").unlink()  # only the summary is needed
    client = httpx.Client(base_url=url)
    job = client.post("/api/build", json={}).json()["job"]
    while client.get(f"/api/build/{job}").json()["state"] == "running":
        time.sleep(0.2)
    data = client.get("/outputs/工作总结.docx").content
    (tmp_path / "工作总结.docx").write_bytes(data)
    page.reload()
    page.locator('#templates tr[data-name="templates/工作总结.docx"] .template-pick').click()
    page.set_input_files(
        '#templates tr[data-name="templates/工作总结.docx"] input.template-upload',
        str(tmp_path / "工作总结.docx"),
    )
    wait_text(page, "#template-message", "docgen 自己生成的文件")
    core = zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml").decode("utf-8")
    assert "<cp:contentStatus>docgen 生成</cp:contentStatus>" in core


# ---------------------------------------------------------------- demo data


def test_demo_banner_clears_the_demo_town(page, site, workspace):
    _app, url = site
    banner = page.locator("#demo-banner")
    assert banner.is_visible() and "演示数据" in banner.inner_text()
    shot(page, "secretary-demo.png")
    page.click("#clear-demo")
    banner.wait_for(state="hidden")
    wait_text(page, "#tally-list", "还没有统计表")
    assert not list((workspace / "inputs" / "tallies").glob("*.xlsx"))
    assert not (workspace / "inputs" / "units.xlsx").exists()
    assert (workspace / "docgen.toml").exists() and (workspace / "templates").is_dir()
    assert httpx.get(f"{url}/api/files").json()["demo"] == []


# ---------------------------------------------------------------- settings


def test_settings_of_every_document_and_their_rules(page, site, workspace):
    _app, url = site
    page.select_option('select[name="letters.holiday"]', "暑假")
    page.fill('input[name="letters.start"]', "2023-07-08")
    page.fill('input[name="letters.end"]', "2023-08-31")
    page.fill('input[name="agreements.term"]', "3")
    page.fill('input[name="notices.duty_phone"]', "023-11112222")
    # 版头 ticked with its fields empty: refused, the field named and focused
    page.check('input[name="summary.header"]')
    page.click("#save-settings")
    page.locator("#settings-message.error").wait_for()
    assert "发文机关标志" in page.locator("#settings-message").inner_text()
    assert page.evaluate("document.activeElement.name") == "summary.header.mark"
    shot(page, "secretary-settings-refused.png", "#save-settings")
    page.fill('input[name="summary.header.mark"]', "松岚镇人民政府文件")
    page.fill('input[name="summary.header.number"]', "松府发[2023]3号")
    page.click("#save-settings")
    page.locator("#settings-message.ok").wait_for()
    assert page.input_value('input[name="summary.header.number"]') == "松府发〔2023〕3号"
    config = (workspace / "docgen.toml").read_text(encoding="utf-8")
    assert 'holiday = "暑假"                # 寒假 或 暑假：承诺事项随季节' in config
    assert "start = 2023-07-08" in config and "term = 3" in config
    assert 'duty_phone = "023-11112222"    # 镇值班电话' in config
    assert 'number = "松府发〔2023〕3号"' in config

    # strict types: a string for a boolean, a year no one means
    values = httpx.get(f"{url}/api/settings").json()
    for bad in ({"issuer.seal": "false"}, {"summary.years": ["2020", "20220"]}):
        r = httpx.put(f"{url}/api/settings", json={**values, **bad})
        assert r.status_code == 400, r.text
    assert (workspace / "docgen.toml").read_text(encoding="utf-8") == config


def test_a_broken_docgen_toml_is_shown_and_the_page_keeps_working(chromium, site, workspace):
    _app, url = site
    config = workspace / "docgen.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("seal = false", "seel = false"),
        encoding="utf-8",
    )
    page = chromium.new_page(viewport=VIEW, locale="zh-CN")
    page.goto(url)
    alert = page.locator("#config-error")
    alert.wait_for()
    assert "docgen.toml 第 8 行" in alert.inner_text() and "是不是 seal" in alert.inner_text()
    assert str(workspace) not in alert.inner_text()  # named from the workspace
    page.locator('#tally-list li[data-name="inputs/tallies/金竹村.xlsx"]').wait_for()
    assert "未安装 LibreOffice" in page.content()  # the page says so only because it is so here
    shot(page, "secretary-broken-config.png")
    for method, path in (
        ("GET", "/api/check"),
        ("GET", "/api/templates"),
        ("POST", "/api/build"),
    ):
        r = httpx.request(method, f"{url}{path}", json={} if method == "POST" else None)
        assert r.status_code == 400, (path, r.status_code)
        assert r.json()["error"].startswith("docgen.toml 第 8 行")
    assert httpx.get(f"{url}/api/files").status_code == 200
    # the settings still read; saving says what is wrong in the file
    values = httpx.get(f"{url}/api/settings").json()
    r = httpx.put(f"{url}/api/settings", json=values)
    assert r.status_code == 400 and "是不是 seal" in r.json()["error"]
    # a file that is not TOML at all: the page still comes, with the line
    config.write_text("[issuer]\nname = 松岚镇\n", encoding="utf-8")
    page.reload()
    assert "第 2 行" in page.locator("#config-error").inner_text()
    page.locator('#tally-list li[data-name="inputs/tallies/金竹村.xlsx"]').wait_for()
    assert httpx.get(f"{url}/api/check").status_code == 400
    page.close()


# ---------------------------------------------------------------- a workspace's own kind

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
]

[output]
folder = "防汛明白卡"
name = "{所在组}-{户主}-防汛明白卡"

[settings]
section = "flood"
keys = { season = { type = "text", default = "", comment = "汛期，如 2023年汛期" } }
"""


def flood_kind(workspace: Path) -> None:
    folder = workspace / "kinds" / "防汛明白卡"
    folder.mkdir(parents=True)
    (folder / "kind.toml").write_text(FLOOD_CARD, encoding="utf-8")
    doc = docx.Document()
    doc.add_paragraph("防汛明白卡")
    doc.add_paragraph("户主：{{ 户主 }}（{{ 所在组 }}），转移到 {{ 转移地点 }}")
    doc.save(str(folder / "防汛明白卡.docx"))


def test_a_workspace_kind_is_listed_checked_generated_and_downloadable(
    chromium, site, workspace, tmp_path
):
    _app, url = site
    flood_kind(workspace)
    (workspace / "inputs" / "students.xlsx").unlink()  # a quicker build
    page = chromium.new_page(viewport=VIEW, locale="zh-CN")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(url)
    page.locator('#roster-list li[data-kind="flood"]').wait_for()
    assert "防汛责任人名册" in page.locator("#roster-list").inner_text()
    assert page.locator('input[name="flood.season"]').count() == 1
    people = roster(
        tmp_path / "三组防汛.xlsx",
        ["户主*", "所在组*", "转移地点*"],
        [["刘大福", "一组", "村小操场"], ["陈二妹", "三组", ""]],
    )
    page.set_input_files("#file-input", str(people))
    entry = page.locator('#roster-list li[data-name="inputs/防汛责任人.xlsx"]')
    entry.wait_for()
    entry.locator("ul.problems li.error").wait_for()
    assert "单元格 C4" in entry.inner_text()
    shot(page, "secretary-own-kind.png", "#roster-list")
    check = httpx.get(f"{url}/api/check").json()
    assert [r["kind"] for r in check["rosters"]][-1] == "flood"
    templates = httpx.get(f"{url}/api/templates").json()["templates"]
    assert "templates/防汛明白卡.docx" in [t["name"] for t in templates]
    r = httpx.get(f"{url}/templates/templates/防汛明白卡.docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"

    people = roster(
        tmp_path / "改.xlsx", ["户主*", "所在组*", "转移地点*"], [["刘大福", "一组", "村小操场"]]
    )
    page.locator('#roster-list button[aria-label="替换 防汛责任人.xlsx"]').click()
    page.set_input_files(
        '#roster-list li[data-name="inputs/防汛责任人.xlsx"] input[type=file]', str(people)
    )
    entry.locator(".badge.ok").wait_for()
    page.click("#build")
    page.locator("#download-zip").wait_for(timeout=180_000)
    assert "防汛明白卡" in page.locator("#report").inner_text()
    assert (workspace / "outputs" / "防汛明白卡" / "一组-刘大福-防汛明白卡.docx").is_file()
    page.close()


# ---------------------------------------------------------------- builds


def test_a_build_survives_a_reload_and_can_be_cancelled(page, site, workspace, tmp_path):
    app, url = site
    # all 943 pupils: a build long enough to reload the page and cancel it
    init_workspace(tmp_path / "全镇")
    shutil.copyfile(
        tmp_path / "全镇" / "inputs" / "students.xlsx", workspace / "inputs" / "students.xlsx"
    )
    page.locator("#build").dblclick()
    page.locator("#cancel-build").wait_for()
    deadline = time.monotonic() + 10
    while not app.state.desk.jobs and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # time for a second click's request to arrive, were there one
    assert len(app.state.desk.jobs) == 1  # a double click starts one build
    page.reload()
    page.locator("#progress").wait_for()
    assert page.locator("#build").is_disabled()
    assert page.locator("#cancel-build").is_visible()
    shot(page, "secretary-build-picked-up.png", "#progress")
    page.click("#cancel-build")
    wait_text(page, "#build-message", "已取消", timeout=60_000)
    assert not page.locator("#build").is_disabled()
    out = workspace / "outputs"
    assert not [p for p in out.iterdir()]  # nothing half-written, no staging left
    assert httpx.get(f"{url}/api/outputs").json()["build"] is None

    # a finished build: its report says when, and which units were missing
    page.fill('textarea[name="tallies.expected"]', "金竹村\n东山村")
    page.click("#save-settings")
    page.locator("#settings-message.ok").wait_for()
    page.click("#build")
    page.locator("#finished-at").wait_for(timeout=180_000)
    assert "完成于 20" in page.locator("#finished-at").inner_text()
    assert "东山村" in page.locator("#report-missing").inner_text()
    shot(page, "secretary-report.png", "#report")
    page.reload()
    page.locator("#finished-at").wait_for()
    manifest = json.loads((out / ".docgen-build.json").read_text(encoding="utf-8"))
    assert manifest["report"]["missing"] == ["东山村"]


# ---------------------------------------------------------------- keyboard and screen reader


def test_everything_is_reachable_by_keyboard_and_named(page):
    # the first Tab lands on the skip link, not on a 删除 button
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    seen = []
    for _ in range(80):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                "(() => { const a = document.activeElement;"
                " return [a.id, a.getAttribute('aria-label') || a.textContent.trim()]; })()"
            )
        )
    ids = [i for i, _label in seen]
    assert "file-input" in ids and "folder-input" in ids and "clear-demo" in ids
    labels = [label for _i, label in seen]
    assert "删除 中心小学安全工作统计表.xlsx" in labels
    assert "替换 中心小学安全工作统计表.xlsx" in labels
    # the focused control is visibly outlined
    page.focus("#file-input")
    outline = page.evaluate(
        "getComputedStyle(document.querySelector('label[for=file-input]')).outlineStyle"
    )
    assert outline != "none"
    # every remove button says which file it removes
    names = page.eval_on_selector_all(
        "#tally-list button.remove", "bs => bs.map(b => b.getAttribute('aria-label'))"
    )
    assert len(names) == 12 and len(set(names)) == 12
    # text at least 14 px
    small = page.evaluate(
        """[...document.querySelectorAll('body *')].filter(n => n.offsetParent !== null
            && [...n.childNodes].some(c => c.nodeType === 3 && c.textContent.trim())
            && parseFloat(getComputedStyle(n).fontSize) < 14).map(n => n.tagName + ' ' + n.textContent.trim().slice(0, 20))"""
    )
    assert small == []
    # 生成 is on screen wherever she is on the page
    for y in (0, 1500, 100_000):
        page.evaluate(f"window.scrollTo(0, {y})")
        box = page.locator("#build").bounding_box()
        assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= VIEW["height"]
    page.evaluate("window.scrollTo(0, 1500)")
    shot(page, "secretary-keyboard.png")


# ---------------------------------------------------------------- messages


def test_messages_name_the_place_and_what_to_do(page, workspace, tmp_path):
    units = roster(
        tmp_path / "单位.xlsx",
        ["单位名称*", "联系电话", "行业领域"],
        [["青山建筑公司", "1", "建筑施工"]],
    )
    page.set_input_files("#file-input", str(units))
    refusal = page.locator('#refused li[data-refused="单位.xlsx"]')
    refusal.wait_for()
    text = refusal.inner_text()
    assert "责任单位名册" in text and "负责人" in text and "补上" in text
    assert ".~docgen" not in page.content()


# ---------------------------------------------------------------- where a figure comes from


def test_every_printed_figure_shows_the_cells_it_adds_up(page, workspace):
    page.locator("#sources summary").click()
    table = page.locator("#sources-body table")
    table.wait_for(timeout=30_000)
    shot(page, "secretary-sources.png", near="#sources")
    rows = table.locator("tbody tr")
    assert rows.count() > 20
    # 道路交通安全's hazards: printed as 20余起, the cells of the villages' sheets add to 23
    row = rows.filter(has_text="道路交通安全·排查隐患").first
    assert "20余起" in row.inner_text()
    cells = row.locator("td.cells li").all_inner_texts()
    assert cells and all("inputs/tallies/" in c and " · " in c for c in cells)
    assert sum(int(c.rsplit("= ", 1)[1]) for c in cells) == 23
