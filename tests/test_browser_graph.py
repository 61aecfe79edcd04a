"""The graph view in Chromium (issue 20, item 1): a note's local graph, the graph page, and the
frame rate of a pan over the benchmark's 5,000-note vault.

The link-resolution vault (``tests/fixtures/links_vault``) is built with ``site_url`` set to the
address it is served at, so Material's instant navigation is on (it needs ``site_url``) and the
graph script must re-run on a page swap.  Chromium runs offline.  The drawn graph is read
through the script's test hook (``window.vaultsiteGraph``); screenshots go to
``vaultsite-screens/`` in the system's temporary folder (``VAULTSITE_SCREENS`` overrides).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time

import pytest

from browsing import BROWSER, offline_page, serve_site, shot
from sitebuild import ROOT, build

pytestmark = BROWSER

sys.path.insert(0, str(ROOT / "tests" / "bench"))
import graph_fps  # noqa: E402

VAULT = ROOT / "tests" / "fixtures" / "links_vault"
SETTLED = ("(t) => window.vaultsiteGraph && vaultsiteGraph.instances.length === 1"
           " && vaultsiteGraph.instances[0].state().settled"
           " && (!t || vaultsiteGraph.instances[0].state().nodes[0].title === t)")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    work = tmp_path_factory.mktemp("graph-browser")
    docs = work / "docs"
    shutil.copytree(VAULT, docs)
    with serve_site(work / "site") as url:
        code, log, site = build(docs, work, site_url=url)
        assert code == 0, log[-4000:]
        yield url, site


@pytest.fixture
def page(browser):
    with offline_page(browser, width=1400, timeout=30_000) as pg:  # nothing but the local server is reachable
        yield pg



def state(page) -> dict:
    return page.evaluate("vaultsiteGraph.instances[0].state()")


def open_note(page, base: str, path: str, title: str) -> dict:
    page.goto(base + path)
    page.wait_for_function(SETTLED, arg=title)
    return state(page)


def node_point(page, st: dict, title: str, selector: str = ".vs-graph canvas") -> tuple[float, float]:
    box = page.locator(selector).bounding_box()
    node = next(n for n in st["nodes"] if n["title"] == title)
    return box["x"] + node["x"], box["y"] + node["y"]


def test_note_shows_its_local_graph(page, served):
    base, _ = served
    st = open_note(page, base, "notes/Beta/", "Beta")
    assert st["mode"] == "local"
    titles = [n["title"] for n in st["nodes"]]
    assert titles[0] == "Beta"
    # Beta's links; Alpha links back (Beta is Alpha's only link): each neighbour once
    assert sorted(titles[1:]) == sorted(["Alpha", "Alpha Two", "Gamma", "한글노트", "Meeting"])
    assert st["edges"] == 5 and st["drawn"] == 6 and st["labels"] == 6
    assert all(n["visible"] for n in st["nodes"])
    box = page.locator(".vs-graph--local")
    assert box.is_visible()
    shot(box, "graph-local-beta")
    # the drawing is on the canvas: more than one colour in the middle of it
    colours = page.evaluate("""() => { const c = document.querySelector('.vs-graph canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, seen = new Set();
      for (let i = 0; i < d.length; i += 4 * 7) seen.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]);
      return seen.size; }""")
    assert colours > 10
    # a note linked from one other note: that note is its graph (a backlink)
    st = open_note(page, base, "notes/Alpha%20Two/", "Alpha Two")
    assert [n["title"] for n in st["nodes"]] == ["Alpha Two", "Beta"]
    assert page.js_errors == []


def test_hover_lights_the_neighbours(page, served):
    base, _ = served
    st = open_note(page, base, "notes/Beta/", "Beta")
    x, y = node_point(page, st, "Gamma")
    page.mouse.move(x, y)
    page.wait_for_function("vaultsiteGraph.instances[0].state().hover >= 0")
    st = state(page)
    assert st["nodes"][st["hover"]]["title"] == "Gamma"
    shot(page.locator(".vs-graph--local"), "graph-local-hover")
    page.mouse.move(5, 5)
    page.wait_for_function("vaultsiteGraph.instances[0].state().hover === -1")


def test_click_opens_the_note_with_instant_navigation(page, served):
    base, _ = served
    st = open_note(page, base, "notes/Beta/", "Beta")
    page.evaluate("window.__stayed = true")  # survives only a page swap, not a reload
    x, y = node_point(page, st, "Alpha")
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r".*/notes/Alpha/$"))
    page.wait_for_function(SETTLED, arg="Alpha")  # the script ran again on the new page, once
    assert page.evaluate("window.__stayed") is True
    st = state(page)
    assert "Beta" in [n["title"] for n in st["nodes"]]  # Beta links to Alpha: a backlink
    assert page.js_errors == []


def test_drag_moves_a_node_and_the_view_zooms(page, served):
    base, _ = served
    st = open_note(page, base, "notes/Beta/", "Beta")
    x, y = node_point(page, st, "Gamma")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 30, y + 40, steps=6)
    page.mouse.up()
    page.wait_for_function(SETTLED, arg="Beta")
    after = state(page)
    gamma = next(n for n in after["nodes"] if n["title"] == "Gamma")
    assert abs(gamma["x"] - (x - page.locator(".vs-graph canvas").bounding_box()["x"])) > 5
    assert re.search(r"/notes/Beta/$", page.url)  # a drag opens nothing
    k = after["k"]
    page.mouse.move(x, y)
    page.mouse.wheel(0, -300)
    page.wait_for_function(f"vaultsiteGraph.instances[0].state().k > {k} * 1.2")


def test_depth_two_and_tags(page, served):
    base, site = served
    st = open_note(page, base, "notes/Alpha%20Two/", "Alpha Two")
    assert len(st["nodes"]) == 2
    page.locator(".vs-graph--local input[data-opt=depth]").check()
    page.wait_for_function("vaultsiteGraph.instances[0].state().settled && vaultsiteGraph.instances[0].state().nodes.length > 2")
    st = state(page)
    beta = json.loads((site / "vs-graph" / "n" / "notes" / "Beta" / "index.json").read_text(encoding="utf-8"))
    # depth 2: Alpha Two, Beta, and Beta's own neighbours
    assert {n["title"] for n in st["nodes"]} == {"Alpha Two"} | {n[0] for n in beta["nodes"]}
    page.locator(".vs-graph--local input[data-opt=tags]").check()
    page.wait_for_function("vaultsiteGraph.instances[0].state().nodes.some(n => n.kind === 'tag')")
    tags = [n for n in state(page)["nodes"] if n["kind"] == "tag"]
    assert {"#AI", "#투자/반도체"} <= {t["title"] for t in tags}
    assert next(t for t in tags if t["title"] == "#AI")["url"] == "tags/ai/"
    shot(page.locator(".vs-graph--local"), "graph-local-depth2-tags")


def test_graph_page_search_focuses_a_node(page, served):
    base, _ = served
    page.goto(base + "graph/")
    page.wait_for_function(SETTLED, arg=None)
    st = state(page)
    assert st["mode"] == "global" and st["nodeCount"] == 10
    search = page.locator(".vs-graph input[type=search]")
    search.fill("gam")
    search.press("Enter")
    page.wait_for_function("vaultsiteGraph.instances[0].state().focused >= 0")
    st = state(page)
    node = st["nodes"][st["focused"]]
    assert node["title"] == "Gamma"
    assert abs(node["x"] - st["width"] / 2) < 2 and abs(node["y"] - st["height"] / 2) < 2
    assert page.locator("#vs-graph-list option").first.get_attribute("value") == "Gamma"
    page.locator(".vs-graph input[data-opt=companies]").check()
    page.wait_for_function("vaultsiteGraph.instances[0].state().nodes.some(n => n.kind === 'company')")
    page.locator(".vs-graph select[data-opt=color]").select_option("tag")
    page.wait_for_function("vaultsiteGraph.instances[0].state().opts.color === 'tag'")
    shot(page.locator(".vs-graph"), "graph-page-light")
    assert page.js_errors == []


def test_graph_page_dark_palette(browser, served):
    base, _ = served
    context = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 900}, color_scheme="dark")
    context.route(re.compile(r"^(?!http://127\.0\.0\.1[:/]).*"), lambda route: route.abort())
    try:
        page = context.new_page()
        page.goto(base + "graph/")
        page.wait_for_function(SETTLED, arg=None)
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
        bg = page.evaluate("""() => { const c = document.querySelector('.vs-graph canvas');
          return Array.from(c.getContext('2d').getImageData(2, 2, 1, 1).data); }""")
        assert sum(bg[:3]) < 3 * 80, bg  # the canvas is dark too
        shot(page.locator(".vs-graph"), "graph-page-dark")
    finally:
        context.close()


def test_pan_of_the_5000_note_graph_runs_at_30_fps(tmp_path, served, browser):
    """The benchmark's 5,000-note vault: its graph data from the core (``build_vault``, the
    graph files the build writes), given to the graph page of the small site built above
    (a full MkDocs build of 5,000 notes takes minutes; the page and script are the same)."""
    from vaultsite import graph
    from vaultsite.build import build_vault, scan_dir

    started = time.perf_counter()
    vault_dir = tmp_path / "v5000"
    subprocess.run([sys.executable, str(ROOT / "tests" / "bench" / "make_vault.py"), "5000", str(vault_dir)],
                   check=True, capture_output=True, timeout=600)
    made = time.perf_counter()
    vault = build_vault(scan_dir(str(vault_dir)))
    files = graph.graph_files(vault)
    built = time.perf_counter()
    _, small = served
    site = tmp_path / "site"
    shutil.copytree(small, site)
    (site / graph.GLOBAL_FILE).write_bytes(files[graph.GLOBAL_FILE])
    got = graph_fps.measure(site, seconds=3, browser=browser)
    print(f"\n5,000-note graph: vault {made - started:.0f} s, core {built - made:.0f} s, "
          f"browser {time.perf_counter() - built:.0f} s: {json.dumps(got)}")
    assert got["errors"] == []
    assert got["nodes"] == 5000 and got["edges"] == len(json.loads(files[graph.GLOBAL_FILE])["edges"]) // 2
    assert got["fps"] >= 30, got
