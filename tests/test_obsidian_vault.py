"""The Obsidian conformance vault (``tests/fixtures/obsidian_vault``), issue 16 items 7-14:
drawings, canvases, properties, what is published, the home page, duplicate names and
labels in the site's language.

End to end (a real ``mkdocs build --strict`` of the fixture vault, HTML read with
BeautifulSoup), and at the core for the settings' many cases (``exclude``, ``home``,
``language``); ``tests/test_adapter.py`` checks that those settings reach the site.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
from bs4 import BeautifulSoup

from sitebuild import ROOT, build, schema, search_texts, tree_hash
from vaultsite import excalidraw, export, render
from vaultsite.build import Source, build_vault, scan_dir
from vaultsite.canvas import PRESETS
from vaultsite.lzstring import compress_to_base64, decompress_from_base64
from vaultsite.navigation import build_nav

VAULT = ROOT / "tests" / "fixtures" / "obsidian_vault"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("obsidian-vault")
    docs = work / "docs"
    shutil.copytree(VAULT, docs)
    before = tree_hash(docs)
    code, log, site = build(docs, work, strict=True)
    assert code == 0, log[-4000:]
    assert tree_hash(docs) == before  # the build never writes into docs/
    data = json.loads((site / "vault.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema()).validate(data)
    return {"site": site, "log": log, "data": data}


def article(site: Path, rel: str):
    soup = BeautifulSoup((site / rel / "index.html").read_text(encoding="utf-8"), "lxml")
    art = soup.select_one("article.md-content__inner")
    for a in art.select("a.headerlink"):
        a.decompose()
    return art


def resolve(site: Path, rel: str, href: str) -> Path:
    path = (site / rel / unquote(href.split("#")[0])).resolve()
    return path / "index.html" if path.is_dir() else path


def note_entry(data: dict, src: str) -> dict:
    return next(n for n in data["notes"] if n["src"] == src)


def core_vault(**kwargs):
    return build_vault(scan_dir(str(VAULT)), **kwargs)


# -- 7. Excalidraw -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, packed", [
    # Produced by the JavaScript library (CyberChef's and LangServe's test vectors).
    ("hello world", "BYUwNmD2AEDukCcwBMg="),
    ("Žluťoučký kůň úpěl ďábelské ódy!",
     "r6ABsK6KaAD2aLCADWBfgBPQ9oCAlAZAvgDobEARlB4QAEOAjAUxAGd4BL5AZ4BMBPAQiA=="),
])
def test_lzstring_matches_the_javascript_library(text, packed):
    assert compress_to_base64(text) == packed
    assert decompress_from_base64(packed) == text
    assert decompress_from_base64(packed[:20] + "\n" + packed[20:]) == text  # the plugin wraps lines


@pytest.mark.parametrize("text", ["", "a", "aaaaaaaaaaaaaaaa", "한글 드로잉 " * 50, "emoji 😀 beyond the BMP 𝄞",
                                  json.dumps({"elements": [{"type": "text", "text": "x" * 3000}]})])
def test_lzstring_round_trips(text):
    assert decompress_from_base64(compress_to_base64(text)) == text


def test_lzstring_rejects_garbage():
    assert decompress_from_base64("") is None
    assert decompress_from_base64("not base64 at all!") is None


def test_drawing_page_shows_the_drawing_not_the_boilerplate(site):
    art = article(site["site"], "drawings/Sketch.excalidraw")
    assert art.h1.get_text(strip=True) == "Sketch"
    svg = art.select_one("figure.vs-drawing svg")
    assert svg is not None
    assert svg.select("rect") and svg.select("ellipse") and svg.select("polygon") and svg.select("polyline")
    assert "생각 정리 Idea box" in svg.get_text()
    pic = art.select_one("figure.vs-drawing .vs-drawing-board img")  # the embedded vault image
    assert resolve(site["site"], "drawings/Sketch.excalidraw", pic["src"]).name == "pixel.png"
    text = art.get_text()
    for debris in ("Switch to EXCALIDRAW VIEW", "compressed-json", "Text Elements", "^t1aaaaaa", "Embedded Files",
                   "deleted words"):
        assert debris not in text
    # Text written like a script is text, in the drawing and under it.
    assert not art.select("script")
    assert "<script>alert('x')</script>" in art.select_one(".vs-drawing-text").get_text()


def test_drawing_text_is_searchable(site):
    pages = search_texts(site["site"])
    assert "Idea box" in pages["drawings/Sketch.excalidraw/"]
    assert "compressed-json" not in pages["drawings/Sketch.excalidraw/"]


def test_exported_image_is_preferred(site):
    art = article(site["site"], "drawings/Flow.excalidraw")
    img = art.select_one("figure.vs-drawing > img")
    assert resolve(site["site"], "drawings/Flow.excalidraw", img["src"]).name == "Flow.excalidraw.svg"
    assert not art.select("figure.vs-drawing svg")
    assert "Exported words" in art.select_one(".vs-drawing-text").get_text()


def test_links_and_embeds_of_drawings(site):
    rel = "drawings/Drawings in notes"
    art = article(site["site"], rel)
    links = {a.get_text(strip=True): a["href"] for a in art.select("a.vs-wikilink")}
    assert resolve(site["site"], rel, links["Sketch.excalidraw"]).parent.name == "Sketch.excalidraw"
    assert resolve(site["site"], rel, links["Flow"]).parent.name == "Flow.excalidraw"
    assert resolve(site["site"], rel, links["Plain.excalidraw"]).parent.name == "Plain"
    figures = art.select("figure.vs-drawing")
    assert len(figures) == 2
    assert figures[0].select_one("svg") is not None  # ![[Sketch.excalidraw]]: drawn from its JSON
    assert resolve(site["site"], rel, figures[0].select_one("img")["src"]).name == "pixel.png"
    assert figures[1].select_one("img")["src"].endswith("Flow.excalidraw.svg")  # ![[Flow]]: the export
    quoted = art.select_one("blockquote span.vs-drawing img")  # embedded inside a line: inline
    assert quoted is not None and quoted["src"].endswith("Flow.excalidraw.svg")
    problems = " ".join(p["problem"] for p in site["data"]["problems"])
    assert "attachment not found" not in problems


def test_bare_excalidraw_json_is_a_drawing_page(site):
    art = article(site["site"], "drawings/Plain")
    assert "Plain JSON" in art.select_one("figure.vs-drawing svg").get_text()
    assert '"elements"' not in art.get_text()
    assert note_entry(site["data"], "drawings/Plain.excalidraw")["format"] == "excalidraw"


def test_generated_svg_is_safe_whatever_the_scene_says():
    hostile = {"elements": [
        {"type": "text", "x": 0, "y": 0, "width": 10, "height": 10, "text": "</text><script>alert(1)</script>",
         "strokeColor": "red\" onload=\"alert(1)", "fontFamily": "1\"><script>"},
        {"type": "rectangle", "x": "1\"/><script>", "y": 0, "width": 5, "height": 5},
        {"type": "rectangle", "x": 0, "y": 0, "width": 1e309, "height": 5, "backgroundColor": "url(javascript:x)"},
        {"type": "image", "x": 0, "y": 0, "width": 5, "height": 5, "fileId": "f"},
        {"type": "foreignObject", "x": 0, "y": 0, "width": 5, "height": 5},
    ], "files": {"f": {"dataURL": "javascript:alert(1)"}}}
    svg, images = excalidraw.render_svg(hostile)
    assert "<script" not in svg and "onload" not in svg and "javascript" not in svg and "foreignObject" not in svg
    assert "&lt;/text&gt;&lt;script&gt;" in svg
    assert images == []  # a data URL that is not an image is dropped


def test_drawing_from_front_matter_key_alone():
    text = "---\nexcalidraw-plugin: parsed\n---\n# Text Elements\nHello there ^abcdef12\n"
    vault = build_vault([Source("Board sketch.md", None, len(text), 0, data=text.encode())])
    note = vault.notes[0]
    assert note.extra["drawing"] is not None and note.title == "Board sketch"
    source = render.note_source(vault, note)
    assert "Hello there" in source and "^abcdef12" not in source and "Text Elements" not in source


# -- 8. Canvas -------------------------------------------------------------------------------------

def test_canvas_page_lays_out_nodes(site):
    rel = "canvas/Board"
    art = article(site["site"], rel)
    board = art.select_one(".vs-canvas")
    assert board is not None and board.select_one(".vs-canvas-stage")
    text = board.select(".vs-canvas-text")
    assert len(text) == 3
    ideas = text[0]
    assert ideas.select_one("h2").get_text(strip=True) == "Ideas" and ideas.select_one("strong").get_text() == "bold"
    link = ideas.select_one("a.vs-wikilink")
    assert resolve(site["site"], rel, link["href"]).parent.name == "Card target"
    assert not board.select("script")
    assert "left:80px;top:120px;width:300px;height:160px" in ideas["style"]
    assert f"--vs-canvas-color:{PRESETS['1']}" in ideas["style"]
    # A note as a card with its opening lines; an image; a link; a group with its label.
    card = board.select_one(".vs-canvas-file a.vs-canvas-title")
    assert card.get_text() == "Card target"
    assert resolve(site["site"], rel, card["href"]).parent.name == "Card target"
    excerpt = board.select_one(".vs-canvas-excerpt").get_text()
    assert excerpt.startswith("The opening lines") and "Later section" not in excerpt
    img = board.select_one(".vs-canvas-file img")
    assert resolve(site["site"], rel, img["src"]).name == "swatch.png"
    urls = [a["href"] for a in board.select(".vs-canvas-link a")]
    assert urls == ["https://jsoncanvas.org/spec/1.0/"]  # javascript: is text, not a link
    assert "javascript:alert(1)" in board.get_text()
    assert "#8a2be2" in board.select_one(".vs-canvas-link")["style"]
    assert board.select_one(".vs-canvas-group .vs-canvas-label").get_text() == "Research plan 연구 계획"
    assert board.select_one(".vs-canvas-file .vs-missing").get_text() == "Nowhere.md"


def test_canvas_edges_labels_and_arrows(site):
    board = article(site["site"], "canvas/Board").select_one(".vs-canvas")
    edges = board.select("path.vs-canvas-edge")
    assert len(edges) == 4  # the edge to a node that does not exist is dropped
    ends = [(e.get("marker-start") is not None, e.get("marker-end") is not None) for e in edges]
    assert ends == [(False, True), (True, True), (False, False), (False, True)]
    assert edges[1]["stroke"] == PRESETS["1"] and edges[3]["stroke"] == "#ff00ff"
    labels = [s.get_text() for s in board.select(".vs-canvas-edge-label")]
    assert labels == ["explains 설명", "<b>not bold</b>"]  # escaped, shown as written
    assert all(re.fullmatch(r"M[\d.,\- C]+", e["d"]) for e in edges)


def test_canvas_links_and_backlinks(site):
    data = site["data"]
    back = {b["url"] for b in note_entry(data, "canvas/Card target.md")["backlinks"]}
    assert "canvas/Board/" in back
    rel = "canvas/Links to the board"
    art = article(site["site"], rel)
    for a in art.select("a.vs-wikilink"):
        assert resolve(site["site"], rel, a["href"]).parent.name == "Board"
    assert note_entry(data, "canvas/Board.canvas")["format"] == "canvas"
    assert not (site["site"] / "canvas" / "Board.canvas").exists()  # the raw JSON is not published


# -- 9. Properties -------------------------------------------------------------------------------

def test_properties_table_is_typed(site):
    rel = "properties/Typed properties"
    art = article(site["site"], rel)
    rows = {tr["data-property"]: tr for tr in art.select(".vs-properties tr")}
    assert list(rows) == ["rating", "count", "done", "archived", "due", "related", "people", "topics",
                          "homepage", "comment", "empty", "nested"]
    assert rows["rating"]["data-type"] == "number" and rows["rating"].td.get_text() == "4.5"
    assert rows["done"].select_one("input[type=checkbox]").has_attr("checked")
    assert not rows["archived"].select_one("input[type=checkbox]").has_attr("checked")
    assert rows["due"].select_one("time")["datetime"] == "2025-04-01"
    related = rows["related"].select_one("a")
    assert resolve(site["site"], rel, related["href"]).parent.name == "Card target"
    chips = rows["people"].select(".vs-chip")
    assert [c.get_text() for c in chips] == ["Card target", "Person not written yet"]
    assert chips[1].select_one(".vs-missing")
    assert [c.get_text() for c in rows["topics"].select(".vs-chip")] == ["alpha", "beta", "감마"]
    assert rows["homepage"].select_one("a")["href"] == "https://example.com/page"
    assert rows["comment"].td.get_text() == "<img src=x onerror=alert(1)> & [not a link]"
    assert not art.select(".vs-properties img")


def test_properties_links_count_as_links(site):
    data = site["data"]
    props = note_entry(data, "properties/Typed properties.md")
    assert "[[Card target]]" in {l["raw"] for l in props["links"]}
    back = {b["url"]: b["context"] for b in note_entry(data, "canvas/Card target.md")["backlinks"]}
    assert back["properties/Typed%20properties/"].startswith("related: ")
    assert "Person not written yet" in {m["target"] for m in data["missing"]}


def test_cssclasses_wrap_the_page(site):
    soup = BeautifulSoup((site["site"] / "properties/Typed properties/index.html").read_text(encoding="utf-8"), "lxml")
    wrapper = soup.select_one("article .vs-page")
    assert wrapper["class"] == ["vs-page", "wide-page"]  # "bad class" and "<script>" are not class names
    assert wrapper.select_one("h1") and wrapper.select_one(".vs-properties")


# -- 10. What is published -------------------------------------------------------------------------

def test_unpublished_notes_are_nowhere(site):
    root, data = site["site"], site["data"]
    assert not (root / "publish" / "Secret").exists() and not (root / "publish" / "Hugo draft").exists()
    assert not (root / ".trash").exists()
    for path in root.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".md", ".xml"):
            text = path.read_text(encoding="utf-8", errors="replace")
            for secret in ("Top Secret Plan", "Nobody may read", "secret-tag", "Unfinished Hugo post", "Deleted note"):
                assert secret not in text, (path, secret)
    srcs = {n["src"] for n in data["notes"]}
    assert not srcs & {"publish/Secret.md", "publish/Hugo draft.md", ".trash/Deleted note.md"}
    assert "canvas/Board/" in {b["url"] for b in note_entry(data, "canvas/Card target.md")["backlinks"]}
    assert "publish/Secret/" not in {b["url"] for b in note_entry(data, "canvas/Card target.md")["backlinks"]}
    counts = [p for p in data["problems"] if "not published" in p["problem"]]
    assert {p["level"] for p in counts} == {"info"} and any(p["problem"].startswith("2 note(s)") for p in counts)
    assert all(p["src"] == "" for p in counts)


def test_links_to_unpublished_notes_read_as_not_written(site):
    art = article(site["site"], "publish/Public")
    missing = [s.get_text() for s in art.select(".vs-missing")]
    assert missing == ["Secret", "a draft", "classified plan"]  # what the link typed, never the title
    assert not art.select("a.vs-wikilink")
    names = {m["target"] for m in site["data"]["missing"]}
    assert {"Secret", "Hugo draft", "classified plan"} <= names


def test_excluded_folders_and_dot_folders_core():
    vault = core_vault(exclude=["canvas", "drawings/*.png"])
    srcs = {n.src for n in vault.notes}
    assert not any(s.startswith("canvas/") for s in srcs)
    assert {"canvas/Board.canvas", "canvas/Card target.md", "canvas/swatch.png", "drawings/pixel.png"} <= vault.unpublished
    assert "drawings/pixel.png" not in vault.index.attachments and "drawings/Flow.excalidraw.svg" in vault.index.attachments
    assert "publish/Secret.md" in vault.unpublished
    assert not any(e["note"].startswith("canvas/") for e in vault.events)
    # A link into an excluded folder is a link to a note not written yet.
    assert "card target" in vault.missing
    sources = [Source(".obsidian/workspace.md", None, 1, 0, data=b"x"), Source("a.md", None, 1, 0, data=b"[[workspace]]")]
    vault = build_vault(sources)
    assert [n.src for n in vault.notes] == ["a.md"] and ".obsidian/workspace.md" in vault.unpublished
    assert not [p for p in vault.problems if p.level == "warning"]


@pytest.mark.parametrize("front, published", [
    ("publish: false", False), ("publish: no", False), ("publish: true", True), ("draft: true", False),
    ("draft: false", True), ("draft: 'yes'", False), ("", True),
])
def test_publish_flags(front, published):
    text = f"---\ntitle: T\n{front}\n---\nbody\n"
    vault = build_vault([Source("n.md", None, len(text), 0, data=text.encode())])
    assert (len(vault.notes) == 1) is published


# -- 11. Home page ---------------------------------------------------------------------------------

def test_generated_home_page(site):
    root = site["site"]
    art = article(root, "")
    latest = art.select(".vs-home-latest li")
    # Notes that give no date are dated by their file (marked), the others by their own date.
    dated = [li for li in latest if "vs-date--file" not in li.select_one("time")["class"]]
    assert dated and dated[0].select_one("a").get_text() == "Typed properties"  # newest first
    assert dated[0].select_one("time")["datetime"] == "2025-03-01"
    hrefs = {a.get_text(): a["href"] for a in art.select(".vs-home-links a")}
    for label in ("타임라인", "기업", "태그"):
        assert resolve(root, "", hrefs[label]).is_file()
    assert any(a.get_text() == "#properties-test" for a in art.select(".vs-home-tags a"))


def test_home_note_is_published_at_the_root(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(VAULT / "canvas", docs / "canvas")
    (docs / "Home.md").write_text("---\ntitle: Welcome home\n---\nStart at [[Card target]].\n", encoding="utf-8")
    code, log, site = build(docs, tmp_path, strict=True)
    assert code == 0, log[-3000:]
    art = article(site, "")
    assert art.h1.get_text(strip=True) == "Welcome home"
    assert resolve(site, "", art.select_one("a.vs-wikilink")["href"]).parent.name == "Card target"
    assert not (site / "Home").exists()


def test_home_choice_core():
    def vault_of(names, **kw):
        return build_vault([Source(n, None, 1, 0, data=b"# T\nx\n") for n in names], **kw)

    assert vault_of(["Home.md", "README2.md"]).notes[0].page_src == "index.md"
    v = vault_of(["notes/Start.md", "Home.md"], home="notes/Start")
    assert v.home == "notes/Start.md" and v.index.notes["notes/Start.md"].page_src == "index.md"
    assert vault_of(["index.md", "Home.md"]).home is None  # docs/index.md is the home already
    v = vault_of(["notes/a.md"])
    assert v.home is None and v.generated_home
    assert "index.md" in render.generated_pages(v, {"notes/a.md"})
    hidden = "---\npublish: false\n---\nx\n"
    v = build_vault([Source("Home.md", None, 1, 0, data=hidden.encode())])
    assert v.home is None and v.generated_home


# -- 13. Duplicate names ---------------------------------------------------------------------------

def test_duplicate_names_are_info_and_resolve_by_folder(site):
    problems = [p for p in site["data"]["problems"] if "ambiguous note name 'meeting notes'" in p["problem"]]
    assert problems and {p["level"] for p in problems} == {"info"}
    art = article(site["site"], "dupes/a/Agenda")
    a, b = art.select("a.vs-wikilink")
    assert resolve(site["site"], "dupes/a/Agenda", a["href"]).parent.parent.name == "a"
    assert resolve(site["site"], "dupes/a/Agenda", b["href"]).parent.parent.name == "b"


def test_one_name_twice_in_one_folder_still_warns():
    sources = [Source(n, None, 1, 0, data=b"x\n") for n in ("same.md", "same.txt", "link.md")]
    sources[2].data = b"[[same]]\n"
    vault = build_vault(sources)
    levels = {p.level for p in vault.problems if "ambiguous" in p.problem}
    assert levels == {"warning"}


# -- 14. Labels in the site's language -------------------------------------------------------------

def test_generated_pages_follow_the_language():
    en = core_vault(language="en")
    pages = render.generated_pages(en, set())
    assert '"Timeline"' in pages["timeline.md"] and "타임라인" not in pages["timeline.md"]
    assert "Notes not written yet" in pages["missing.md"] and "Latest notes" in pages["index.md"]
    assert "Companies" in pages["companies/index.md"]
    assert "notes" in pages["canvas/index.md"] and "노트" not in pages["canvas/index.md"]
    assert "# Build problem report" in export.problem_report(en)
    nav = build_nav(en, set(pages) | {n.page_src for n in en.notes})
    assert {"Home": "index.md"} in nav and {"Tags": "tags.md"} in nav
    props = render.properties_html(en, en.index.notes["properties/Typed properties.md"])
    assert 'aria-label="Properties"' in props and "This note has not been written yet" in props
    assert render.page_context(en, en.notes[0])["labels"]["backlinks"] == "Notes that link here"
    ko = core_vault(language="ko")
    pages = render.generated_pages(ko, set())
    assert "노트에 적힌 날짜 있는 사실" in pages["timeline.md"] and "최근 노트" in pages["index.md"]
    assert "빌드 문제 보고" in export.problem_report(ko)
    assert render.generated_pages(core_vault(language="fr"), set())["index.md"].count("Latest notes") == 1


def test_strict_build_passes_and_nothing_raw_shows(site):
    assert not re.search(r"WARNING +-", site["log"])
    for page in (site["site"]).rglob("index.html"):
        art = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").select_one("article")
        if art is None:
            continue
        for code in art.select("code, pre"):
            code.decompose()
        text = art.get_text()
        assert "[[" not in text and "Switch to EXCALIDRAW VIEW" not in text, page
