"""The Obsidian conformance vault in a real browser: callouts, math and Mermaid as a reader sees them.

The vault (``tests/fixtures/obsidian_vault``) is built once and served on a loopback
port; Debian's chromium, driven by Playwright, may reach nothing else (every other
request is aborted and recorded).  Each page is screenshotted into ``vaultsite-screens/`` in
the system's temporary folder (``VAULTSITE_SCREENS`` names another folder) for a person to
look at.
"""
from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from urllib.parse import quote

import pytest

from browsing import BROWSER, shot
from sitebuild import ROOT, build

VAULT = ROOT / "tests" / "fixtures" / "obsidian_vault"

pytestmark = BROWSER

# Material draws each diagram into a closed shadow root; the test opens it to find the SVG.
OPEN_SHADOWS = """
(() => {
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) { return attach.call(this, Object.assign({}, init, {mode: "open"})); };
})();
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("obsidian-browser")
    shutil.copytree(VAULT, work / "docs")
    code, log, site_dir = build(work / "docs", work, strict=True)
    assert code == 0, log[-4000:]
    return site_dir


@pytest.fixture(scope="module")
def base(site):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="obsidian-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture
def page(browser, base):
    context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
    context.add_init_script(OPEN_SHADOWS)
    outside: list[str] = []

    def refuse(route):
        outside.append(route.request.url)
        route.abort()

    # Offline: no web request leaves the machine (the browser's own chrome:// and
    # chrome-extension:// resources, its PDF viewer's, are not network).
    context.route(re.compile(r"^(?:https?|wss?)://(?!127\.0\.0\.1[:/])"), refuse)
    pg = context.new_page()
    pg.outside = outside  # type: ignore[attr-defined]
    pg.set_default_timeout(20_000)
    pg.expected_outside = set()  # type: ignore[attr-defined]
    errors: list[tuple[str, str]] = []
    pg.on("pageerror", lambda exc: errors.append((str(exc), "")))
    pg.on("console", lambda msg: errors.append((msg.text, msg.location.get("url", "")))
          if msg.type == "error" else None)
    try:
        yield pg
    finally:
        context.close()
    # A request the test expected to be refused logs its failure; nothing else may. The
    # browser's own pages log theirs under its own schemes: Debian's Chromium 156.0.8078.114
    # has its PDF viewer (an embedded PDF here) ask for chrome://resources/roboto/, which that
    # build lacks. Not the site's.
    errors = [e for e in errors if e[1] not in pg.expected_outside
              and not e[1].startswith(("chrome://", "chrome-extension://"))]
    assert errors == [], errors
    assert outside == [], outside


def open_note(page, base: str, rel: str) -> None:
    page.goto(base + quote(rel) + "/")
    page.wait_for_load_state("load")


def test_callouts_render_as_admonitions(page, base):
    open_note(page, base, "notes/콜아웃 Callouts")
    tip = page.locator("div.admonition.tip", has_text="Like this one.").first
    assert tip.is_visible()
    # Material's colours, not a grey quote: the tip's border is not the quote grey.
    border = tip.evaluate("el => getComputedStyle(el).borderLeftColor")
    assert border not in ("rgba(0, 0, 0, 0)", "rgb(0, 0, 0)")
    assert page.locator("blockquote", has_text="[!").count() == 0
    folded = page.locator("details.question", has_text="Are callouts foldable?").first
    assert not folded.evaluate("el => el.open")
    assert not page.get_by_text("접힌 콜아웃은 내용을 숨깁니다").is_visible()
    folded.locator("summary").click()
    assert page.get_by_text("접힌 콜아웃은 내용을 숨깁니다").is_visible()
    assert page.locator("details.example[open]").first.is_visible()
    nested = page.locator("div.admonition.question div.admonition.info div.admonition.example")
    assert nested.count() == 1 and nested.is_visible()
    shot(page, "callouts", full_page=False)
    page.locator("h2", has_text="내용 Content").scroll_into_view_if_needed()
    shot(page, "callouts-content")


def test_math_renders_as_mathml(page, base):
    open_note(page, base, "notes/수식 Math")
    maths = page.locator("math")
    assert maths.count() >= 7
    for i in range(maths.count()):
        box = maths.nth(i).bounding_box()
        assert box and box["width"] > 5 and box["height"] > 5, i
    # Native MathML layout: the fraction's numerator sits above its denominator.
    frac = page.locator("div.vs-math-display mfrac").first
    num, den = frac.locator(":scope > *").nth(0).bounding_box(), frac.locator(":scope > *").nth(1).bounding_box()
    assert num["y"] + num["height"] <= den["y"] + 2
    # The aligned formula is two rows.
    rows = page.locator("div.vs-math-display").nth(1).locator("mtr")
    assert rows.count() == 2 and rows.nth(0).bounding_box()["y"] < rows.nth(1).bounding_box()["y"]
    assert page.get_by_text("it costs $5 and $10").is_visible()
    shot(page, "math", full_page=True)


def test_mermaid_renders_to_svg_with_no_network(page, base):
    open_note(page, base, "notes/다이어그램 Mermaid")
    page.wait_for_function("document.querySelectorAll('div.mermaid').length === 2"
                           " && [...document.querySelectorAll('div.mermaid')].every(d => d.shadowRoot"
                           " && d.shadowRoot.querySelector('svg'))")
    assert page.locator("pre.mermaid").count() == 0
    hosts = page.locator("div.mermaid")
    for i in range(2):
        box = hosts.nth(i).bounding_box()
        assert box and box["height"] > 80 and box["width"] > 80
    texts = page.evaluate("[...document.querySelectorAll('div.mermaid')].map(d => d.shadowRoot.textContent)")
    assert "Alice" in texts[0] and "John" in texts[0]
    assert "생물학" in texts[1] and "화학" in texts[1]
    shot(page, "mermaid", full_page=True)


def test_block_link_lands_on_block(page, base):
    open_note(page, base, "notes/블록 링크 Block links")
    page.get_by_role("link", name="표", exact=True).click()
    page.wait_for_load_state("load")
    assert page.evaluate("decodeURIComponent(location.hash)") == "#^my-table"
    assert page.evaluate("document.querySelector(':target').tagName") == "TABLE"
    shot(page, "block-target")


def test_dialect_and_media(page, base):
    open_note(page, base, "notes/문법 Dialect")
    # The one request that leaves: the note's own external image (Obsidian's ![250](url)).
    assert page.outside == ["https://example.com/Engelbart.jpg"]
    page.expected_outside.update(page.outside)
    page.outside.clear()
    page.locator("h2", has_text="할 일 상태").scroll_into_view_if_needed()
    state = page.locator("li[data-task='?'] .task-list-indicator")
    assert state.evaluate("el => getComputedStyle(el, '::after').content") == '"?"'
    shot(page, "dialect")
    open_note(page, base, "notes/미디어 Embedded media")
    assert page.locator("iframe[src$='Document.pdf#page=3']").count() == 1
    wav = page.locator("audio:has(source[src$='beep.wav'])")
    page.wait_for_function("document.querySelector(\"audio source[src$='beep.wav']\").parentElement.readyState >= 1")
    assert wav.evaluate("el => el.duration") > 0.1
    shot(page, "media", full_page=True)
