"""A live API server of our own (not the developer's) and a headless Chromium for the dashboard.

The server runs the real app (``create_app``) on a fresh warehouse in a background thread on a
free port; the browser is Debian's Chromium driven by Playwright. Screenshots go to
``$MIGDIP_SCREENSHOTS`` if set, else to ``screenshots/`` under pytest's temporary folder.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN = "test-token"
# Chromium logs every HTTP error answer as a console error; tests that provoke one on purpose
# drop these (and only these) from the list before it is checked.
HTTP_ERROR_LOG = "Failed to load resource: the server responded with a status of"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API and dashboard served by uvicorn in a thread, on a warehouse of its own."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: the browser tests need Debian's chromium package")
    import uvicorn

    from migdip.api import Settings, create_app

    app = create_app(Settings(warehouse=tmp_path_factory.mktemp("web") / "w.duckdb", token=TOKEN))
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="migdip-test-server", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/v1/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            pytest.fail("the test server did not answer /api/v1/health within 60 s")
        time.sleep(0.1)
    yield url
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="session")
def browser(server_url: str) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        sync_api.expect.set_options(timeout=20_000)
        yield b
        b.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go."""
    env = os.environ.get("MIGDIP_SCREENSHOTS")
    folder = Path(env) if env else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Console:
    """Console errors and uncaught page errors seen during one test."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def allow_http_errors(self) -> None:
        self.errors = [e for e in self.errors if HTTP_ERROR_LOG not in e]


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(browser: Any, server_url: str, console: Console) -> Iterator[Any]:
    """A fresh tab (own context: no shared storage) on the dashboard; fails on console errors."""
    context = browser.new_context(
        base_url=server_url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    pg.on("console", lambda m: console.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: console.errors.append(f"uncaught: {e}"))
    yield pg
    context.close()
    assert console.errors == [], f"console errors: {console.errors}"
