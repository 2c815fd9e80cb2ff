"""The ASGI app: one page, its JSON API, a login when the page is reachable from other computers.

Routes only translate HTTP to calls on ``Desk`` (which calls the library the command line
calls) and back.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import json
import secrets
from pathlib import Path
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from docgen import __version__
from docgen.errors import ConfigError, DocgenError
from docgen.i18n import _
from docgen.web import drafts, security
from docgen.web import settings as settings_form
from docgen.web.desk import MAX_FILE_BYTES, Desk, Refused, Upload
from docgen.web.text import page_text

HERE = Path(__file__).parent
COOKIE = "docgen_session"
MAX_FILES_PER_REQUEST = 100
MAX_REQUEST_BYTES = 64 * 1024 * 1024
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def error(message: str, status: int = 400, **extra) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def refused(exc: Refused) -> JSONResponse:
    return error(str(exc), exc.status, **({"name": exc.name} if exc.name else {}))


class Guard:
    """Refuses what must not reach the routes: a foreign Host on loopback (DNS rebinding),
    a state-changing request from another origin, anyone not logged in when there is a password."""

    def __init__(self, app, password: str | None, sessions: set[str]):
        self.app = app
        self.password = password
        self.sessions = sessions

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        answer = self.check(request)
        if answer is not None:
            return await answer(scope, receive, send)
        return await self.app(scope, receive, send)

    def check(self, request: Request) -> Response | None:
        host = request.headers.get("host", "")
        hostname = urlsplit(f"//{host}").hostname or ""
        if self.password is None and not is_loopback(hostname):
            return error(_("这个网页只接受本机访问（127.0.0.1）"), 403)
        if request.method in UNSAFE:
            site = request.headers.get("sec-fetch-site")
            origin = request.headers.get("origin")
            if site is not None and site not in ("same-origin", "none"):
                return error(_("拒绝来自其他网站的请求"), 403)
            if origin is not None and origin != f"{request.url.scheme}://{host}":
                return error(_("拒绝来自其他网站的请求"), 403)
        if self.password is not None and not self.logged_in(request):
            path = request.url.path
            if path == "/login" or path.startswith("/static/"):
                return None
            if path.startswith("/api/"):
                return error(_("请先登录"), 401)
            return RedirectResponse("/login", status_code=303)
        return None

    def logged_in(self, request: Request) -> bool:
        token = request.cookies.get(COOKIE, "")
        given = token.encode("utf-8", "surrogateescape")  # any bytes a client sends
        return any(hmac.compare_digest(given, known.encode()) for known in self.sessions)


# ------------------------------------------------------------ page and login

_JINJA = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"])
)


def desk_of(request: Request) -> Desk:
    return request.app.state.desk


def render_page(name: str, **context) -> HTMLResponse:
    text = page_text()
    html = _JINJA.get_template(name).render(
        t=text, text_json=json.dumps(text, ensure_ascii=False), version=__version__, **context
    )
    return HTMLResponse(html)


async def index(request: Request):
    desk = desk_of(request)
    context = await run_in_threadpool(desk.page_context)
    return render_page("page.html", password=request.app.state.password is not None, **context)


async def login_page(request: Request):
    return render_page("login.html", failed=False)


async def login(request: Request):
    password = request.app.state.password
    form = await request.form()
    given = str(form.get("password", ""))
    if password is not None and hmac.compare_digest(given.encode(), password.encode()):
        token = secrets.token_urlsafe(32)
        request.app.state.sessions.add(token)
        redirect = RedirectResponse("/", status_code=303)
        redirect.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")
        return redirect
    await asyncio.sleep(1)  # slows guessing down
    response = render_page("login.html", failed=True)
    response.status_code = 401
    return response


async def logout(request: Request):
    request.app.state.sessions.discard(request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/login" if request.app.state.password else "/", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


# ------------------------------------------------------------ files


def _too_large(name: str) -> JSONResponse:
    return error(
        _("{name} 太大（超过 {mb} MB），统计表和名册通常只有几百 KB；请确认选对了文件").format(
            name=name, mb=MAX_FILE_BYTES // (1024 * 1024)
        ),
        413,
    )


async def upload(request: Request):
    desk = desk_of(request)
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        return error(_("请求缺少 Content-Length"), 411)
    if int(length) > MAX_REQUEST_BYTES:
        return error(
            _("一次上传的文件太大（超过 {mb} MB），请分几次上传").format(
                mb=MAX_REQUEST_BYTES // (1024 * 1024)
            ),
            413,
        )
    try:
        form = await request.form(max_files=MAX_FILES_PER_REQUEST, max_fields=10)
    except Exception:
        return error(_("上传的内容无法读取，请重新选择文件"))
    uploads = []
    for item in form.getlist("files"):
        if isinstance(item, str):
            return error(_("files 字段应是文件"))
        if item.size is not None and item.size > MAX_FILE_BYTES:
            answer = _too_large(item.filename or "")
            message = json.loads(bytes(answer.body))["error"]
            await run_in_threadpool(desk.remember_refusal, item.filename or "", message)
            return answer
        uploads.append(Upload(item.filename or "", await item.read()))
    given = request.query_params.get("replace") or form.get("replace") or None
    replace = given if isinstance(given, str) else None
    try:
        stored = await run_in_threadpool(desk.store, uploads, replace)
    except Refused as exc:
        return refused(exc)
    return JSONResponse({"files": stored})


async def list_files(request: Request):
    return JSONResponse(await run_in_threadpool(desk_of(request).listing))


async def delete_file(request: Request):
    try:
        await run_in_threadpool(desk_of(request).delete, request.path_params["name"])
    except Refused as exc:
        return refused(exc)
    return Response(status_code=204)


async def dismiss_refusal(request: Request):
    try:
        await run_in_threadpool(desk_of(request).dismiss, request.path_params["id"])
    except Refused as exc:
        return refused(exc)
    return Response(status_code=204)


async def list_backups(request: Request):
    return JSONResponse({"backups": await run_in_threadpool(desk_of(request).backups.all)})


async def restore_backup(request: Request):
    try:
        restored = await run_in_threadpool(desk_of(request).restore, request.path_params["id"])
    except Refused as exc:
        return refused(exc)
    return JSONResponse(restored)


async def clear_demo(request: Request):
    removed = await run_in_threadpool(desk_of(request).clear_demo)
    return JSONResponse({"removed": removed})


async def check(request: Request):
    return JSONResponse(await run_in_threadpool(desk_of(request).check))


async def sources(request: Request):
    return JSONResponse(await run_in_threadpool(desk_of(request).sources))


# ------------------------------------------------------------ settings


async def get_settings(request: Request):
    desk = desk_of(request)
    return JSONResponse(await run_in_threadpool(settings_form.read, desk.config, desk.kinds()))


async def put_settings(request: Request):
    desk = desk_of(request)
    try:
        form = await request.json()
    except ValueError:
        return error(_("设置应以 JSON 发送"))
    if not isinstance(form, dict):
        return error(_("设置应以 JSON 发送"))

    def save():
        with desk.settings_lock:
            kinds = desk.kinds()
            settings_form.write(desk.config, form, kinds)
            return settings_form.read(desk.config, kinds)

    try:
        values = await run_in_threadpool(save)
    except settings_form.SettingsError as exc:
        return error(str(exc), field=exc.field) if exc.field else error(str(exc))
    return JSONResponse(values)


# ------------------------------------------------------------ building


async def start_build(request: Request):
    options = {}
    if await request.body():
        try:
            options = await request.json()
        except ValueError:
            return error(_('请以 JSON 发送，例如 {"pdf": false}'))
    if not isinstance(options, dict):
        return error(_('请以 JSON 发送，例如 {"pdf": false}'))
    try:
        job = await run_in_threadpool(desk_of(request).start_build, options.get("pdf") is True)
    except Refused as exc:
        return refused(exc)
    return JSONResponse({"job": job.id}, status_code=202)


async def current_build(request: Request):
    job = desk_of(request).current
    return JSONResponse(job.to_json() if job is not None else {"job": None})


async def build_state(request: Request):
    job = desk_of(request).jobs.get(request.path_params["job"])
    if job is None:
        return error(_("没有这次生成"), 404)
    return JSONResponse(job.to_json())


async def cancel_build(request: Request):
    try:
        job = desk_of(request).cancel(request.path_params["job"])
    except Refused as exc:
        return refused(exc)
    return JSONResponse(job.to_json(), status_code=202)


async def outputs(request: Request):
    finished = desk_of(request).finished
    if not finished:
        return JSONResponse({"build": None, "files": [], "report": None})
    return JSONResponse(
        {k: finished.get(k) for k in ("build", "files", "report", "outputs", "time")}
    )


async def outputs_zip(request: Request):
    try:
        path = await run_in_threadpool(desk_of(request).outputs_zip)
    except Refused as exc:
        return refused(exc)
    return FileResponse(
        path, media_type="application/zip", headers=attachment(_("全部文档") + ".zip")
    )


async def output_file(request: Request):
    name = request.path_params["name"]
    try:
        path = desk_of(request).output_file(name)
    except Refused as exc:
        return refused(exc)
    return FileResponse(path, headers=attachment(Path(name).name))


async def preview(request: Request):
    try:
        png = await run_in_threadpool(desk_of(request).preview)
    except Exception as exc:
        return error(_("预览失败：{error}").format(error=exc), 500)
    if png is None:
        return error(_("没有预览：需要先生成，并安装 LibreOffice"), 404)
    return FileResponse(png, media_type="image/png", headers={"Cache-Control": "no-store"})


# ------------------------------------------------------------ templates and drafts


async def templates(request: Request):
    return JSONResponse({"templates": await run_in_threadpool(desk_of(request).templates)})


async def template_file(request: Request):
    name = request.path_params["name"]
    try:
        path = await run_in_threadpool(desk_of(request).template_file, name)
    except Refused as exc:
        return refused(exc)
    return FileResponse(path, headers=attachment(Path(name).name))


async def format_draft(request: Request):
    """A hand-typed draft in, the formatted file's link and both lint reports out."""
    desk = desk_of(request)
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        return error(_("请求缺少 Content-Length"), 411)
    if int(length) > MAX_FILE_BYTES:
        return error(_("文稿太大（超过 {mb} MB）").format(mb=MAX_FILE_BYTES // (1024 * 1024)), 413)
    try:
        form = await request.form(max_files=1, max_fields=2)
    except Exception:
        return error(_("上传的内容无法读取，请重新选择文件"))
    item = form.get("file")
    if item is None or isinstance(item, str):
        return error(_("请选择一个 .docx 文稿"))
    name = Path(item.filename or "文稿.docx").name
    data = await item.read()
    try:
        result = await run_in_threadpool(drafts.format_upload, desk.scratch, name, data)
    except DocgenError as exc:
        return error(str(exc))
    request.app.state.formatted[result["id"]] = result.pop("path")
    return JSONResponse(result)


async def formatted_file(request: Request):
    path = request.app.state.formatted.get(request.path_params["id"])
    if path is None or not path.is_file():
        return error(_("没有这个排版结果；请重新上传文稿"), 404)
    return FileResponse(path, headers=attachment(path.name))


async def docgen_error(request: Request, exc: Exception):
    """A broken docgen.toml or kind.toml answers 400 with its message (file, line, fix)."""
    return error(desk_of(request).shown(str(exc)), 400, config_error=isinstance(exc, ConfigError))


ROUTES = [
    Route("/", index),
    Route("/api/format", format_draft, methods=["POST"]),
    Route("/api/format/{id}", formatted_file),
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/api/files", upload, methods=["POST"]),
    Route("/api/files", list_files, methods=["GET"]),
    Route("/api/files/{name:path}", delete_file, methods=["DELETE"]),
    Route("/api/refused/{id}", dismiss_refusal, methods=["DELETE"]),
    Route("/api/demo", clear_demo, methods=["DELETE"]),
    Route("/api/backups", list_backups),
    Route("/api/backups/{id}/restore", restore_backup, methods=["POST"]),
    Route("/api/check", check),
    Route("/api/sources", sources),
    Route("/api/settings", get_settings, methods=["GET"]),
    Route("/api/settings", put_settings, methods=["POST", "PUT"]),
    Route("/api/build", start_build, methods=["POST"]),
    Route("/api/build", current_build, methods=["GET"]),
    Route("/api/build/{job}", build_state),
    Route("/api/build/{job}/cancel", cancel_build, methods=["POST"]),
    Route("/api/outputs", outputs),
    Route("/api/outputs.zip", outputs_zip),
    Route("/api/preview.png", preview),
    Route("/api/templates", templates),
    Route("/outputs/{name:path}", output_file),
    Route("/templates/{name:path}", template_file),
    Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
]


@contextlib.asynccontextmanager
async def lifespan(app):
    yield
    app.state.desk.close()


def create_app(root: Path, password: str | None = None, host: str = "127.0.0.1") -> Starlette:
    """The page for the workspace ``root``; with ``password``, every request needs a login."""
    app = Starlette(
        routes=ROUTES, lifespan=lifespan, exception_handlers={DocgenError: docgen_error}
    )
    app.state.desk = Desk(root)
    app.state.password = password
    app.state.sessions = set()
    app.state.formatted = {}
    app.add_middleware(Guard, password=password, sessions=app.state.sessions)
    security.install(app, host=host)  # outermost: Host, login throttle, timeouts, headers
    return app


def attachment(filename: str) -> dict:
    """A download header that keeps a Chinese file name (RFC 6266)."""
    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"}
