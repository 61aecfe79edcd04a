"""What the browser tests share: Debian's chromium, started offline by Playwright.

``conftest.py`` turns ``browser`` into a fixture (one Chromium per test module); a test
module marks itself with ``pytestmark = BROWSER``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium tries Google's hosts at start: no network here.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

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
