"""Issue 18 in a real browser: the hostile pages and files set none of their script markers.

The security attack vault (``test_security``) is built with ``trust_html: true``; the page
``notes/임베드`` embeds clippings that set ``window.__p1..3`` and try to leave their fence.
SVG and HTML attachments cleaned by ``vaultsite.attachments`` are opened directly.
"""
from __future__ import annotations

import functools
import http.server
import threading
from urllib.parse import quote

import pytest

from test_attachments import EVIL_SVG
from browsing import BROWSER
from test_security import build_with, make_attack_vault
from vaultsite import attachments

pytestmark = BROWSER

MARKERS = "[1,2,3,4,5,6,7,8].map(i => [window['__p' + i], window['__s' + i], window['__h' + i]]).flat()" \
          ".filter(v => v !== undefined)"
EVIL_HTML = (b"<html><body onload='window.__h1=1'><script>window.__h2=1</script>"
             b"<img src=x onerror='window.__h3=1'><p>\xeb\xac\xb8\xeb\x8b\xa8</p></body></html>")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    work = tmp_path_factory.mktemp("hostile-browser")
    docs = work / "docs"
    make_attack_vault(docs)
    code, log, site = build_with(docs, work, trust_html=True)
    assert code == 0, log[-3000:]
    (site / "att").mkdir()
    for name, data in (("chart.svg", EVIL_SVG), ("page.html", EVIL_HTML)):
        out, _ = attachments.sanitize_attachment(f"att/{name}", data)
        (site / "att" / name).write_bytes(out)
    (site / "att" / "raw.svg").write_bytes(EVIL_SVG)  # the control: verbatim, as before
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def markers(browser, address: str) -> list:
    context = browser.new_context()
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1")
                  else route.abort())
    page = context.new_page()
    try:
        page.goto(address, wait_until="load")
        page.mouse.move(10, 10)
        page.wait_for_timeout(300)
        return page.evaluate(MARKERS)
    finally:
        context.close()


@pytest.mark.parametrize("rel", ["notes/임베드/", "att/chart.svg", "att/page.html"])
def test_no_script_marker_is_set(served, browser, rel):
    assert markers(browser, served + quote(rel)) == []


def test_the_control_really_runs(served, browser):
    """The verbatim SVG sets its markers: the check above can see a script run."""
    assert markers(browser, served + "att/raw.svg") != []
