"""Running ``docgen serve``'s app in tests: uvicorn on a free loopback port in a thread, and
Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(app, host: str = "127.0.0.1"):
    """Serve ``app`` with uvicorn in a thread; yields its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def chromium_path() -> str:
    """Debian's Chromium; the test is skipped (failed when CI=true) where it is missing."""
    path = os.environ.get("DOCGEN_CHROMIUM") or (
        CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    )
    try:
        import playwright  # noqa: F401
    except ImportError:
        path, reason = None, 'playwright is not installed: pip install -e ".[test]"'
    else:
        reason = "Chromium is not installed: sudo apt-get install chromium"
    if not path:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)
    return path


@contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def screenshot(page, name: str, folder: Path) -> Path:
    """A full-page screenshot in ``folder`` (and in $DOCGEN_SCREENSHOTS when set, to look at)."""
    path = Path(folder) / name
    page.screenshot(path=str(path), full_page=True)
    extra = os.environ.get("DOCGEN_SCREENSHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(extra) / name)
    return path
