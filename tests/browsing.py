"""What the browser tests share: Debian's chromium, started offline by Playwright.

``conftest.py`` turns ``browser`` into a fixture (one Chromium per test module); a test
module marks itself with ``pytestmark = BROWSER``.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium tries Google's hosts at start: no network here.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

#: Sites are served under a sub-path, as GitHub Pages serves a project site.
PREFIX = "/repo/"

BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Debian chromium not installed at /usr/bin/chromium (apt-get install -y chromium fonts-noto-cjk)"),
]


def launch_browser():
    """A context manager yielding a headless Chromium (Playwright, no browser download)."""
    from contextlib import contextmanager

    from playwright.sync_api import sync_playwright

    @contextmanager
    def run():
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            try:
                yield b
            finally:
                b.close()

    return run()


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site folder at PREFIX only; everything else is a 404."""

    def _outside(self) -> bool:
        path = urlsplit(self.path).path
        return not (path == PREFIX.rstrip("/") or path.startswith(PREFIX))

    def do_GET(self):  # noqa: N802
        if self._outside():
            self.send_error(404, "outside the published sub-path")
            return
        super().do_GET()

    def do_HEAD(self):  # noqa: N802
        if self._outside():
            self.send_error(404, "outside the published sub-path")
            return
        super().do_HEAD()

    def translate_path(self, path):
        parts = urlsplit(path)
        rest = parts.path[len(PREFIX) - 1:] if parts.path.startswith(PREFIX) else "/"
        return super().translate_path(rest + (("?" + parts.query) if parts.query else ""))

    def log_message(self, format, *args):  # keep pytest output readable
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):  # the browser dropped a prefetch: fine
            return
        super().handle_error(request, client_address)


#: Where the browser tests leave their screenshots for a person to look at
#: (``VAULTSITE_SCREENS`` names another folder).
SCREENS = Path(os.environ.get("VAULTSITE_SCREENS") or Path(tempfile.gettempdir()) / "vaultsite-screens")


def shot(target, name: str, **options) -> Path:
    """A screenshot of ``target`` (a page or a locator) as ``SCREENS/<name>.png``."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}.png"
    target.screenshot(path=str(path), **options)
    return path


@contextlib.contextmanager
def serve_site(site: Path):
    """Serve a built site on a free loopback port under PREFIX; yields its base URL."""
    handler = functools.partial(_SubPathHandler, directory=str(site))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@contextlib.contextmanager
def offline_page(browser, width: int = 1280, timeout: int = 15_000):
    """A fresh page that can reach nothing but the local server (Korean locale); the page's
    JavaScript errors are collected in ``page.js_errors``."""
    import re

    context = browser.new_context(locale="ko-KR", viewport={"width": width, "height": 900})
    context.route(re.compile(r"^(?!http://127\.0\.0\.1[:/]).*"), lambda route: route.abort())
    pg = context.new_page()
    pg.set_default_timeout(timeout)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors  # type: ignore[attr-defined]
    try:
        yield pg
    finally:
        context.close()
