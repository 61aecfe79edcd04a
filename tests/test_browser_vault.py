"""Drawings, canvases and properties of the Obsidian conformance vault in a real browser.

The vault (``tests/fixtures/obsidian_vault``) is built once and served under a sub-path,
as in ``test_browser.py``; Chromium runs offline.  Screenshots go to ``vaultsite-screens/``
in the system's temporary folder (``VAULTSITE_SCREENS`` overrides) for a person to look at.
"""
from __future__ import annotations

import re
import shutil
from urllib.parse import quote

import pytest

from sitebuild import ROOT, build
from browsing import BROWSER, serve_site, shot

pytestmark = BROWSER

VAULT = ROOT / "tests" / "fixtures" / "obsidian_vault"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    work = tmp_path_factory.mktemp("vault-browser")
    docs = work / "docs"
    shutil.copytree(VAULT, docs)
    code, log, site = build(docs, work, strict=True)
    assert code == 0, log[-4000:]
    with serve_site(site) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def refuse(route):
        outside.append(route.request.url)
        route.abort()

    context.route(re.compile(r"^(?!http://127\.0\.0\.1[:/]).*"), refuse)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors  # type: ignore[attr-defined]
    pg.outside = outside  # type: ignore[attr-defined]
    try:
        yield pg
    finally:
        context.close()



def test_drawing_page_shows_the_drawing(page, base):
    page.goto(base + quote("drawings/Sketch.excalidraw/"))
    svg = page.locator("figure.vs-drawing svg")
    svg.wait_for(state="visible")
    box = svg.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 150
    # Shapes and text are drawn; the script-looking text is text, not a script.
    assert page.locator("figure.vs-drawing svg rect").count() >= 2
    assert page.locator("figure.vs-drawing svg ellipse").count() == 1
    assert "생각 정리 Idea box" in svg.text_content()
    assert page.evaluate("() => window.__xss === undefined")
    # The embedded image loads, laid over its frame in the drawing.
    pic = page.locator("figure.vs-drawing .vs-drawing-board img")
    assert pic.evaluate("(el) => el.complete && el.naturalWidth > 0")
    pb = pic.bounding_box()
    assert pb["x"] > box["x"] + box["width"] * 0.7 and pb["width"] > 20
    text = page.locator("article").inner_text()
    assert "Switch to EXCALIDRAW VIEW" not in text and "compressed-json" not in text and "^t1aaaaaa" not in text
    shot(page.locator("article"), "drawing")
    assert page.js_errors == [] and page.outside == []


def test_exported_drawing_image_is_shown(page, base):
    page.goto(base + quote("drawings/Drawings in notes/"))
    img = page.locator("figure.vs-drawing > img")
    img.wait_for(state="visible")
    assert page.evaluate("(el) => el.complete && el.naturalWidth > 0", img.element_handle())
    shot(page.locator("article"), "drawing-embeds")
    assert page.js_errors == []


def test_canvas_is_laid_out_zoomable_and_pannable(page, base):
    page.goto(base + quote("canvas/Board/"))
    board = page.locator(".vs-canvas")
    board.wait_for(state="visible")
    page.wait_for_function("() => document.querySelector('.vs-canvas').classList.contains('vs-canvas--live')")
    # Nodes keep their relative positions: the file card is right of the first text node.
    text_box = page.locator(".vs-canvas-text").first.bounding_box()
    card_box = page.locator(".vs-canvas-file").first.bounding_box()
    assert card_box["x"] > text_box["x"] + text_box["width"] * 0.5
    assert page.locator(".vs-canvas-edge").count() == 4
    assert page.locator(".vs-canvas-edge-label").first.is_visible()
    assert page.locator(".vs-canvas-file img").evaluate("(el) => el.complete && el.naturalWidth > 0")
    shot(board, "canvas")

    def scale() -> float:
        return page.evaluate("""() => { const t = getComputedStyle(document.querySelector('.vs-canvas-stage')).transform;
            return t === 'none' ? 1 : new DOMMatrix(t).a; }""")

    before = scale()
    page.locator('[data-vs-zoom="in"]').click()
    assert scale() > before * 1.1
    b = board.bounding_box()
    start = page.evaluate("() => new DOMMatrix(getComputedStyle(document.querySelector('.vs-canvas-stage')).transform).e")
    page.mouse.move(b["x"] + 30, b["y"] + b["height"] - 30)
    page.mouse.down()
    page.mouse.move(b["x"] + 130, b["y"] + b["height"] - 30, steps=5)
    page.mouse.up()
    moved = page.evaluate("() => new DOMMatrix(getComputedStyle(document.querySelector('.vs-canvas-stage')).transform).e")
    assert moved - start > 50
    page.locator('[data-vs-zoom="fit"]').click()
    assert page.js_errors == [] and page.outside == []


def test_properties_table(page, base):
    page.goto(base + quote("properties/Typed properties/"))
    table = page.locator(".vs-properties")
    table.wait_for(state="visible")
    assert page.locator('.vs-properties tr[data-property="done"] input[type=checkbox]').is_checked()
    assert not page.locator('.vs-properties tr[data-property="archived"] input[type=checkbox]').is_checked()
    assert "<img src=x" in page.locator('.vs-properties tr[data-property="comment"]').inner_text()
    assert page.locator("article .vs-page.wide-page").count() == 1
    shot(page.locator("article"), "properties")
    assert page.js_errors == []


def test_generated_home_page(page, base):
    resp = page.goto(base)
    assert resp is not None and resp.status == 200
    page.locator(".vs-home-latest li").first.wait_for(state="visible")
    shot(page, "home")
    assert page.js_errors == []
