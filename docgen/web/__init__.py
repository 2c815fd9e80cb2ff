"""``docgen serve``: the workspace as a local web page (Starlette, Jinja2, a little plain JS)."""

from __future__ import annotations

import os
import threading
import webbrowser
from pathlib import Path

from docgen.errors import ConfigError
from docgen.i18n import _


def read_password(password_file: Path | None) -> str | None:
    """The password from ``--password-file`` (its first line), else ``DOCGEN_PASSWORD``."""
    if password_file is not None:
        text = Path(password_file).read_text(encoding="utf-8-sig").splitlines()
        password = text[0].strip() if text else ""
        if not password:
            raise ConfigError(_("密码文件 {file} 是空的").format(file=password_file))
        return password
    return os.environ.get("DOCGEN_PASSWORD") or None


def serve(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    password: str | None = None,
    open_browser: bool = True,
) -> None:
    """Serve the workspace ``root`` until interrupted (Ctrl+C)."""
    import uvicorn

    from docgen.web.app import create_app
    from docgen.web.security import server_options, stop_now

    app = create_app(root, password=password, host=host)
    if open_browser:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        url = f"http://{shown}:{port}/"
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning", **server_options())
    stop_now()


__all__ = ["read_password", "serve"]
