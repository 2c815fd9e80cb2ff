"""The page in a real browser (Chromium, headless): a secretary's whole year-end job."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import httpx
import pytest
from messy import bad_count
from test_summary import REFERENCE
from webserver import browser, running, screenshot

from docgen.web.app import create_app
from docgen.workspace import init_workspace

# the page shows LibreOffice's preview and PDFs: these run where LibreOffice is installed
pytestmark = pytest.mark.soffice

W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture
def workspace(tmp_path):
    root = tmp_path / "松岚镇"
    init_workspace(root)
    return root


def document_text(data: bytes) -> str:
    doc = docx.Document(io.BytesIO(data))
    return "".join(t.text or "" for t in doc.element.body.iter(W_T))


def test_drop_fix_generate_download(chromium, workspace, tmp_path):
    bad = bad_count(tmp_path / "dropped", "若干", name="坏数村")
    with running(create_app(workspace)) as url:
        page = chromium.new_page(
            viewport={"width": 1180, "height": 900}, accept_downloads=True, locale="zh-CN"
        )
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(url)
        assert page.locator("h2").first.inner_text().endswith("上传统计表和名册")
        page.locator("#tally-list li").first.wait_for()
        assert page.locator("#tally-list > li").count() == 12

        # ① drop a tally with a bad cell: the problem is shown with its cell and what to do
        page.set_input_files("#file-input", str(bad))
        entry = page.locator('#tally-list li[data-name="inputs/tallies/坏数村.xlsx"]')
        entry.wait_for()
        problem = entry.locator("ul.problems li.error").first
        problem.wait_for()
        assert "单元格 C4" in problem.inner_text()
        assert "若干" in problem.inner_text()
        assert "1 个错误" in page.locator("#check-summary").inner_text()
        screenshot(page, "web-problem.png", tmp_path)

        # ③ generating now is refused with the problem listed
        page.click("#build")
        page.locator("#build-message > .error").wait_for()
        assert "单元格 C4" in page.locator("#build-message").inner_text()

        # remove the file: the problem goes
        entry.locator("button.remove").click()
        entry.wait_for(state="detached")
        # (a locator, not wait_for_function: the page's CSP allows no eval, Playwright's too)
        page.locator("#check-summary", has_text="0 个错误").wait_for()
        assert not (workspace / "inputs" / "tallies" / "坏数村.xlsx").exists()

        # ③ generate: the report, links to every output, one zip
        page.click("#build")
        page.locator("#download-zip").wait_for(timeout=120_000)
        report = page.locator("#report").inner_text()
        assert "工作总结" in report and "安全承诺书" in report and "943 份" in report
        assert "合计：12 个填报单位" in report
        link = page.locator('#report a[href="/outputs/%E5%B7%A5%E4%BD%9C%E6%80%BB%E7%BB%93.docx"]')
        assert link.count() == 1
        with page.expect_download() as download:
            page.click("#download-zip")
        archive = zipfile.ZipFile(download.value.path())
        names = archive.namelist()
        assert "工作总结.docx" in names and "汇总表.xlsx" in names
        assert sum(n.startswith("安全承诺书/") for n in names) == 943
        text = document_text(archive.read("工作总结.docx"))
        for figure in REFERENCE:
            assert figure in text, figure
        if page.evaluate("window.DOCGEN.soffice"):
            page.locator("#preview-image").wait_for(timeout=120_000)
            assert page.evaluate("document.querySelector('#preview-image').naturalWidth") > 300
        screenshot(page, "web-page.png", tmp_path)
        page.close()


def test_settings_form_writes_docgen_toml_keeping_comments(chromium, workspace, tmp_path):
    with running(create_app(workspace)) as url:
        page = chromium.new_page(viewport={"width": 1180, "height": 900}, locale="zh-CN")
        page.goto(url)
        page.fill('input[name="issuer.name"]', "青山镇人民政府")
        page.check('input[name="summary.header"]')
        page.fill('input[name="summary.header.mark"]', "青山镇人民政府文件")
        page.fill('input[name="summary.header.number"]', "青府发〔2022〕15号")
        page.fill('input[name="summary.note"]', "（联系人：张三，电话：12345678）")
        page.click("#save-settings")
        page.locator("#settings-message.ok").wait_for()
        config = (workspace / "docgen.toml").read_text(encoding="utf-8")
        assert 'name = "青山镇人民政府"        # 发文机关署名' in config
        assert "[summary.header]" in config and 'number = "青府发〔2022〕15号"' in config
        assert 'note = "（联系人：张三，电话：12345678）"' in config
        # an empty required field is refused and the file is left as it was
        page.fill('input[name="issuer.short_name"]', "")
        page.evaluate("document.querySelector('#settings-form').noValidate = true")
        page.click("#save-settings")
        page.locator("#settings-message.error").wait_for()
        assert (workspace / "docgen.toml").read_text(encoding="utf-8") == config
        screenshot(page, "web-settings.png", tmp_path)
        page.close()


def test_login_when_reachable_from_other_computers(chromium, workspace, tmp_path):
    with running(create_app(workspace, password="青山-2022")) as url:
        assert httpx.get(f"{url}/api/check").status_code == 401
        page = chromium.new_page()
        page.goto(url)
        assert page.url.endswith("/login")
        page.fill('input[name="password"]', "wrong")
        page.click("button[type=submit]")
        page.locator("#login-failed").wait_for()
        screenshot(page, "web-login.png", tmp_path)
        page.fill('input[name="password"]', "青山-2022")
        page.click("button[type=submit]")
        page.locator("#tally-list li").first.wait_for()
        [cookie] = page.context.cookies()
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        page.close()


def test_another_site_cannot_make_the_page_act(chromium, workspace):
    with running(create_app(workspace)) as url, running(create_app(workspace)) as other:
        page = chromium.new_page()
        page.goto(other)  # another origin (another port) tries to start a build and delete a file
        statuses = page.evaluate(
            """async (target) => {
            const build = await fetch(target + '/api/build', {method: 'POST', body: '{}',
                headers: {'Content-Type': 'application/json'}}).then(r => r.status, e => 'blocked');
            const remove = await fetch(target + '/api/files/inputs/units.xlsx', {method: 'DELETE'})
                .then(r => r.status, e => 'blocked');
            return [build, remove];
        }""",
            url,
        )
        assert statuses == ["blocked", "blocked"]
        assert (workspace / "inputs" / "units.xlsx").exists()
        assert httpx.get(f"{url}/api/outputs").json()["build"] is None
        page.close()


def test_page_in_english(chromium, workspace):
    from docgen.i18n import set_language

    set_language("en")
    try:
        app = create_app(workspace)
        with running(app) as url:
            page = chromium.new_page()
            page.goto(url)
            page.locator("#tally-list li").first.wait_for()
            assert re.search(r"Generate", page.locator("#build").inner_text())
            page.close()
    finally:
        set_language("zh_CN")
