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
from docgen.errors import DocgenError
from docgen.i18n import _
from docgen.web import drafts
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


def create_app(root: Path, password: str | None = None, host: str = "127.0.0.1") -> Starlette:
    """The page for the workspace ``root``; with ``password``, every request needs a login."""
    desk = Desk(root)
    sessions: set[str] = set()
    jinja = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"])
    )

    def page(name: str, **context) -> HTMLResponse:
        text = page_text()
        html = jinja.get_template(name).render(
            t=text, text_json=json.dumps(text, ensure_ascii=False), version=__version__, **context
        )
        return HTMLResponse(html)

    async def index(request: Request):
        def gather():
            return {
                "settings": settings_form.read(desk.config),
                "templates": desk.templates(),
                "soffice": desk.soffice(),
                "root": str(desk.root),
                "finished": desk.finished is not None,
            }

        try:
            context = await run_in_threadpool(gather)
        except Exception as exc:  # a broken docgen.toml must still show the page
            context = {
                "settings": {},
                "templates": [],
                "soffice": False,
                "root": str(desk.root),
                "finished": False,
                "config_error": str(exc),
            }
        return page("page.html", password=password is not None, **context)

    async def login_page(request: Request):
        return page("login.html", failed=False)

    async def login(request: Request):
        form = await request.form()
        given = str(form.get("password", ""))
        if password is not None and hmac.compare_digest(given.encode(), password.encode()):
            token = secrets.token_urlsafe(32)
            sessions.add(token)
            redirect = RedirectResponse("/", status_code=303)
            redirect.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")
            return redirect
        await asyncio.sleep(1)  # slows guessing down
        response = page("login.html", failed=True)
        response.status_code = 401
        return response

    async def logout(request: Request):
        sessions.discard(request.cookies.get(COOKIE, ""))
        response = RedirectResponse("/login" if password else "/", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    async def upload(request: Request):
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
                return error(
                    _(
                        "{name} 太大（超过 {mb} MB），统计表和名册通常只有几百 KB；请确认选对了文件"
                    ).format(name=item.filename, mb=MAX_FILE_BYTES // (1024 * 1024)),
                    413,
                )
            uploads.append(Upload(item.filename or "", await item.read()))
        given = request.query_params.get("replace") or form.get("replace") or None
        replace = given if isinstance(given, str) else None
        try:
            stored = await run_in_threadpool(desk.store, uploads, replace)
        except Refused as exc:
            return refused(exc)
        return JSONResponse({"files": stored})

    async def list_files(request: Request):
        return JSONResponse({"files": await run_in_threadpool(desk.files)})

    async def delete_file(request: Request):
        try:
            await run_in_threadpool(desk.delete, request.path_params["name"])
        except Refused as exc:
            return refused(exc)
        return Response(status_code=204)

    async def check(request: Request):
        return JSONResponse(await run_in_threadpool(desk.check))

    async def get_settings(request: Request):
        return JSONResponse(await run_in_threadpool(settings_form.read, desk.config))

    async def put_settings(request: Request):
        try:
            form = await request.json()
        except ValueError:
            return error(_("设置应以 JSON 发送"))
        if not isinstance(form, dict):
            return error(_("设置应以 JSON 发送"))

        def save():
            with desk.settings_lock:
                settings_form.write(desk.config, form)
                return settings_form.read(desk.config)

        try:
            values = await run_in_threadpool(save)
        except settings_form.SettingsError as exc:
            return error(str(exc))
        return JSONResponse(values)

    async def start_build(request: Request):
        options = {}
        if await request.body():
            try:
                options = await request.json()
            except ValueError:
                return error(_('请以 JSON 发送，例如 {"pdf": false}'))
        try:
            job = await run_in_threadpool(desk.start_build, bool(options.get("pdf", False)))
        except Refused as exc:
            return refused(exc)
        return JSONResponse({"job": job.id}, status_code=202)

    async def build_state(request: Request):
        job = desk.jobs.get(request.path_params["job"])
        if job is None:
            return error(_("没有这次生成"), 404)
        return JSONResponse(job.to_json())

    async def outputs(request: Request):
        finished = desk.finished
        if not finished:
            return JSONResponse({"build": None, "files": [], "report": None})
        return JSONResponse({k: finished[k] for k in ("build", "files", "report", "outputs")})

    async def outputs_zip(request: Request):
        try:
            path = await run_in_threadpool(desk.outputs_zip)
        except Refused as exc:
            return refused(exc)
        return FileResponse(
            path, media_type="application/zip", headers=attachment(_("全部文档") + ".zip")
        )

    async def output_file(request: Request):
        name = request.path_params["name"]
        try:
            path = desk.output_file(name)
        except Refused as exc:
            return refused(exc)
        return FileResponse(path, headers=attachment(Path(name).name))

    async def preview(request: Request):
        try:
            png = await run_in_threadpool(desk.preview)
        except Exception as exc:
            return error(_("预览失败：{error}").format(error=exc), 500)
        if png is None:
            return error(_("没有预览：需要先生成，并安装 LibreOffice"), 404)
        return FileResponse(png, media_type="image/png", headers={"Cache-Control": "no-store"})

    async def templates(request: Request):
        return JSONResponse({"templates": await run_in_threadpool(desk.templates)})

    async def template_file(request: Request):
        name = request.path_params["name"]
        try:
            path = await run_in_threadpool(desk.template_file, name)
        except Refused as exc:
            return refused(exc)
        return FileResponse(path, headers=attachment(Path(name).name))

    formatted: dict[str, Path] = {}

    async def format_draft(request: Request):
        """A hand-typed draft in, the formatted file's link and both lint reports out."""
        length = request.headers.get("content-length")
        if length is None or not length.isdigit():
            return error(_("请求缺少 Content-Length"), 411)
        if int(length) > MAX_FILE_BYTES:
            return error(
                _("文稿太大（超过 {mb} MB）").format(mb=MAX_FILE_BYTES // (1024 * 1024)), 413
            )
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
        formatted[result["id"]] = result.pop("path")
        return JSONResponse(result)

    async def formatted_file(request: Request):
        path = formatted.get(request.path_params["id"])
        if path is None or not path.is_file():
            return error(_("没有这个排版结果；请重新上传文稿"), 404)
        return FileResponse(path, headers=attachment(path.name))

    routes = [
        Route("/", index),
        Route("/api/format", format_draft, methods=["POST"]),
        Route("/api/format/{id}", formatted_file),
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/api/files", upload, methods=["POST"]),
        Route("/api/files", list_files, methods=["GET"]),
        Route("/api/files/{name:path}", delete_file, methods=["DELETE"]),
        Route("/api/check", check),
        Route("/api/settings", get_settings, methods=["GET"]),
        Route("/api/settings", put_settings, methods=["POST", "PUT"]),
        Route("/api/build", start_build, methods=["POST"]),
        Route("/api/build/{job}", build_state),
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
        desk.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.desk = desk
    app.add_middleware(Guard, password=password, sessions=sessions)
    from docgen.web import security

    security.install(app, host=host)  # outermost: Host, login throttle, timeouts, headers
    return app


def attachment(filename: str) -> dict:
    """A download header that keeps a Chinese file name (RFC 6266)."""
    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"}
