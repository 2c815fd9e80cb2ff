"""The page's defences in front of every route, in every mode (DOMAIN.md section 7).

- the Host header names this computer (loopback, an address, the ``--host`` given or the
  computer's own name): a page elsewhere that rebinds its DNS name to us is refused;
- logins are counted per client address, attempts still running included: after
  ``LOGIN_FAILURES`` failures the address waits ``LOCKOUT`` seconds (429);
- every response says it may not be framed, sniffed or passed on (CSP with
  ``frame-ancestors 'none'`` and scripts only from the page itself, nosniff, no referrer to other sites),
  and nothing but the static files is kept in a cache (downloads: ``no-store``);
- a request body must keep coming (``BODY_IDLE`` seconds between pieces, ``BODY_TOTAL`` in
  all) and, with ``server_options()``, the request line and headers must arrive within
  ``HEADER_TIMEOUT`` seconds: slow or stalled connections cannot hold the server;
- what the library refuses (ConfigError, DataError, …) is a 4xx with the message, never a 500.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import ipaddress
import re
import socket
import time
from collections import deque
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse

from docgen.errors import DataError, DocgenError
from docgen.i18n import _

HEADER_TIMEOUT = 10.0  # seconds for the request line and headers
BODY_IDLE = 15.0  # seconds between two pieces of a request body
BODY_TOTAL = 180.0  # seconds for a whole request body (64 MB at 0.4 MB/s)
KEEP_ALIVE = 5  # seconds an idle connection is kept
MAX_HEADER_BYTES = 32 * 1024  # request line and headers
SHUTDOWN_GRACE = 5  # seconds requests still running get when the server is told to stop
LOGIN_FAILURES = 5  # failed logins (in LOGIN_WINDOW seconds) before a lockout
LOGIN_WINDOW = 15 * 60
LOCKOUT = 5 * 60
LOOPBACK = {"localhost", "127.0.0.1", "::1"}

CSP = (
    "default-src 'self'; script-src 'self'{scripts}; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", re.S | re.I)


def host_names(host: str) -> set[str]:
    """The names a request may give in its Host header for a server listening on ``host``."""
    names = set(LOOPBACK)
    host = host.strip("[]").lower()
    if host not in ("", "0.0.0.0", "::"):
        names.add(host)
    if host not in LOOPBACK:
        try:
            names.add(socket.gethostname().lower())
            names.add(socket.getfqdn().lower())
        except OSError:
            pass
        names |= {f"{n}.local" for n in list(names) if "." not in n}
    return names


def host_allowed(header: str, names: set[str]) -> bool:
    hostname = (urlsplit(f"//{header}").hostname or "").lower().rstrip(".")
    if hostname in names:
        return True
    try:
        ipaddress.ip_address(hostname)
        return True  # an address is not a name someone else's DNS can point at us
    except ValueError:
        return False


@dataclass
class _Client:
    failures: deque = field(default_factory=deque)
    running: int = 0
    locked_until: float = 0.0


class LoginThrottle:
    """Failed logins per client address; attempts still being answered count as failures."""

    def __init__(self, limit: int = LOGIN_FAILURES, window: float = LOGIN_WINDOW):
        self.limit = limit
        self.window = window
        self.clients: dict[str, _Client] = {}

    def _client(self, address: str, now: float) -> _Client:
        if len(self.clients) > 10_000:  # forget the quietest
            for key in [k for k, c in self.clients.items() if not c.running][:5_000]:
                del self.clients[key]
        client = self.clients.setdefault(address, _Client())
        while client.failures and client.failures[0] < now - self.window:
            client.failures.popleft()
        return client

    def begin(self, address: str) -> float:
        """0 when the attempt may go ahead (it is counted), else the seconds to wait."""
        now = time.monotonic()
        client = self._client(address, now)
        if client.locked_until > now:
            return client.locked_until - now
        if len(client.failures) + client.running >= self.limit:
            client.locked_until = now + LOCKOUT
            return LOCKOUT
        client.running += 1
        return 0

    def end(self, address: str, succeeded: bool) -> None:
        now = time.monotonic()
        client = self._client(address, now)
        client.running = max(0, client.running - 1)
        if succeeded:
            client.failures.clear()
        else:
            client.failures.append(now)
            if len(client.failures) >= self.limit:
                client.locked_until = now + LOCKOUT


class BodyTimeout(Exception):
    """Raised inside a route when the request body stops coming."""


def _json(message: str, status: int, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


class Defences:
    """ASGI middleware: Host check, login throttling, body timeouts, security headers."""

    def __init__(self, app, host: str = "127.0.0.1", throttle: LoginThrottle | None = None):
        self.app = app
        self.names = host_names(host)
        self.throttle = throttle or LoginThrottle()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        path = scope.get("path", "")
        if not host_allowed(request.headers.get("host", ""), self.names):
            return await self._answer(
                _json(_("这个网页不接受这个地址（Host）的访问；请用本机地址打开"), 403),
                scope,
                receive,
                send,
            )
        login = path == "/login" and scope.get("method") == "POST"
        address = (scope.get("client") or ("?", 0))[0]
        if login:
            wait = self.throttle.begin(address)
            if wait:
                minutes = max(1, round(wait / 60))
                return await self._answer(
                    _json(
                        _("密码错误次数太多，请 {minutes} 分钟后再试").format(minutes=minutes),
                        429,
                        {"Retry-After": str(int(wait) + 1)},
                    ),
                    scope,
                    receive,
                    send,
                )
        status = [0]
        started = [False]
        sender = self._sender(send, path, status, started)
        try:
            await self.app(scope, self._receiver(receive), sender)
        except BodyTimeout:
            if not started[0]:
                await _json(_("请求的内容传得太慢或中断了，请重试"), 408)(scope, receive, sender)
        finally:
            if login:
                self.throttle.end(address, succeeded=status[0] == 303)

    async def _answer(self, response, scope, receive, send):
        await response(scope, receive, self._sender(send, scope.get("path", ""), [0], [False]))

    @staticmethod
    def _receiver(receive):
        """``receive`` that gives up on a body that stalls; after the body, it is left alone
        (a download listens on it for the client going away)."""
        deadline = time.monotonic() + BODY_TOTAL
        done = False

        async def guarded():
            nonlocal done
            if done:
                return await receive()
            wait = min(BODY_IDLE, deadline - time.monotonic())
            try:
                message = await asyncio.wait_for(receive(), timeout=max(wait, 0.001))
            except TimeoutError:
                raise BodyTimeout from None
            if message.get("type") != "http.request" or not message.get("more_body", False):
                done = True
            return message

        return guarded

    @staticmethod
    def _sender(send, path: str, status: list, started: list):
        """``send`` that adds the security headers (and hashes of the page's inline scripts)."""
        held: list[dict] = []

        async def secured(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                started[0] = True
                headers = list(message.get("headers", []))
                kind = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if kind.startswith(b"text/html"):
                    held.append(message)  # the CSP waits for the page's inline scripts
                    return
                await send({**message, "headers": _headers(headers, path, b"")})
                return
            if held and message["type"] == "http.response.body":
                held.append(message)
                if message.get("more_body", False):
                    return
                start, *parts = held
                held.clear()
                body = b"".join(p.get("body", b"") for p in parts)
                await send({**start, "headers": _headers(start.get("headers", []), path, body)})
                await send({"type": "http.response.body", "body": body, "more_body": False})
                return
            await send(message)

        return secured


def _headers(headers: list, path: str, html: bytes) -> list:
    scripts = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode()}'"
        for m in _INLINE_SCRIPT.finditer(html)
    )
    ours = {
        b"content-security-policy": CSP.format(scripts=scripts).encode(),
        b"x-content-type-options": b"nosniff",
        b"x-frame-options": b"DENY",
        b"referrer-policy": b"same-origin",  # no-referrer would make a form's Origin "null"
        b"cross-origin-opener-policy": b"same-origin",
    }
    if not path.startswith("/static/"):
        ours[b"cache-control"] = b"no-store"
    kept = [(k, v) for k, v in headers if k.lower() not in ours]
    return kept + list(ours.items())


async def _refused(request: Request, exc: Exception) -> JSONResponse:
    """What the library refused, as the page's API answers it: 4xx with the message."""
    status = getattr(exc, "status", 400)
    body: dict = {"error": str(exc)}
    if isinstance(exc, DataError):
        body["problems"] = [p.as_dict() for p in exc.problems]
    return JSONResponse(body, status_code=status if isinstance(status, int) else 400)


def install(app, host: str = "127.0.0.1") -> None:
    """Put the defences in front of ``app`` (outermost) and answer refusals with 4xx."""
    app.add_middleware(Defences, host=host)
    if DocgenError not in app.exception_handlers:  # the page's own answer comes first
        app.add_exception_handler(DocgenError, _refused)
    app.add_exception_handler(RecursionError, _too_deep)


async def _too_deep(request: Request, exc: Exception) -> JSONResponse:
    return _json(_("内容嵌套太深，无法读取；请检查文件"), 400)


def server_options() -> dict:
    """uvicorn's settings for the page: header and keep-alive timeouts, bounded headers."""
    return {
        "http": _timed_protocol(),
        "timeout_keep_alive": KEEP_ALIVE,
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
        "timeout_graceful_shutdown": SHUTDOWN_GRACE,
    }


def stop_now() -> None:
    """After the server has stopped (Ctrl-C, SIGTERM): end the process even when a thread is
    still working for a request that was cut off (a draft being formatted).  Every file docgen
    writes is written aside and moved into place, so nothing is left half-written."""
    import os
    import sys
    import threading

    busy = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    if busy:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


@cache
def _timed_protocol():
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Timed(H11Protocol):
        """uvicorn's h11 protocol, closing a connection whose request line and headers do not
        arrive within ``HEADER_TIMEOUT`` seconds (uvicorn itself waits for ever)."""

        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport):
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.cycle is None or self.cycle.response_complete:
                if self._header_timer is None:
                    self._arm()  # a next request has begun: its headers have a deadline too
            else:
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._disarm()  # uvicorn's keep-alive timeout takes over

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._header_timer = self.loop.call_later(HEADER_TIMEOUT, self._late)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _late(self) -> None:
            self._header_timer = None
            if (self.cycle is None or self.cycle.response_complete) and not (
                self.transport.is_closing()
            ):
                self.transport.close()

    return Timed
