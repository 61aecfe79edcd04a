"""The graph view's data (issue 20, item 1): ``vs-graph/graph.json`` and each note's local file,
written once per build from the vault index (``vaultsite/graph.py``).

Real builds: the seed vault (``seed_site``, shared with test_e2e_seed) and the link-resolution
vault (``tests/fixtures/links_vault``, whose notes link to each other); the graph data is
checked against what ``vault.json`` says about the same notes (links and backlinks).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from sitebuild import ROOT, build, build_as_served, serve_sequence
from vaultsite import graph
from vaultsite.build import Source, build_vault, scan_dir

LINKS_VAULT = ROOT / "tests" / "fixtures" / "links_vault"


def _read(site: Path, rel: str):
    return json.loads((site / rel).read_text(encoding="utf-8"))


def _local(site: Path, url: str) -> dict:
    return _read(site, graph.local_path(url))


def check_site(site: Path) -> dict:
    """Every graph file of a built site agrees with its vault.json; returns the global graph."""
    vault = _read(site, "vault.json")
    g = _read(site, graph.GLOBAL_FILE)
    notes = vault["notes"]
    # nodes: every published note, in path order, titles and (unquoted) URLs as in vault.json
    assert g["title"] == [n["title"] for n in notes]
    assert g["url"] == [unquote(n["url"]) for n in notes]
    assert [g["folders"][f] for f in g["folder"]] == [n["src"].rpartition("/")[0] for n in notes]
    ids = {n["url"]: i for i, n in enumerate(notes)}
    # edges: each (linking note, linked note) pair once, links and embeds, never a note to itself
    want = []
    for i, n in enumerate(notes):
        seen = []
        for link in n["links"]:
            if link["kind"] != "note":
                continue
            j = ids[link["target"].split("#", 1)[0]]
            if j != i and j not in seen:
                seen.append(j)
        want += [(i, j) for j in seen]
    assert list(zip(g["edges"][::2], g["edges"][1::2])) == want
    # tags and companies: the note's own, as vault.json lists them
    assert [[g["tags"][t][0] for t in ts] for ts in g["note_tags"]] == [n["tags"] for n in notes]
    names = {c["id"]: c["name"] for c in vault["companies"]}
    assert [[g["companies"][c][0] for c in cs] for cs in g["note_companies"]] == \
        [[names[c] for c in n["companies"] if c in names] for n in notes]
    # local data of each note = the note, then its links, then its backlinks
    out = {i: [j for a, j in want if a == i] for i in range(len(notes))}
    for i, n in enumerate(notes):
        local = _local(site, unquote(n["url"]))
        urls = [node[1] for node in local["nodes"]]
        assert urls[0] == unquote(n["url"])
        linked = [unquote(notes[j]["url"]) for j in out[i]]
        backlinked = [unquote(b["url"]) for b in n["backlinks"] if b["url"] != n["url"]]
        assert set(urls[1:]) == set(linked) | set(backlinked), n["src"]
        assert len(urls) == len(set(urls))
        edges = [(urls[a], urls[b]) for a, b in local["edges"]]
        assert sorted(edges) == sorted([(urls[0], u) for u in linked] + [(u, urls[0]) for u in backlinked])
        for node in local["nodes"]:  # [title, url, folder, links, tags]
            j = ids[next(m["url"] for m in notes if unquote(m["url"]) == node[1])]
            assert node[0] == notes[j]["title"] and node[4] == notes[j]["tags"]
    tags = _read(site, graph.TAGS_FILE)
    assert {name for name, _ in g["tags"]} <= set(tags)
    return g


def test_seed_build_graph_data(seed_site):
    site = seed_site["site"]
    g = check_site(site)
    assert len(g["title"]) == 6
    assert "DeepSeek" in g["title"]
    deepseek = _local(site, "notes/DeepSeek/")
    assert deepseek["nodes"][0][:3] == ["DeepSeek", "notes/DeepSeek/", "notes"]
    assert "AI" in deepseek["nodes"][0][4]
    # the companies the seed notes mention are nodes of their own when switched on
    assert "NVIDIA" in [c[0] for c in g["companies"]]


def test_seed_build_graph_page(seed_site):
    site = seed_site["site"]
    soup = BeautifulSoup((site / "graph" / "index.html").read_text(encoding="utf-8"), "lxml")
    box = soup.select_one("[data-vs-graph=global]")
    assert box is not None and box.select_one("canvas")
    assert box["data-src"] == "../vs-graph/graph.json" and (site / "graph" / box["data-src"]).resolve().is_file()
    assert soup.select_one("h1").get_text(strip=True) == "그래프"
    assert soup.select_one("input[type=search]")["placeholder"] == "노트 찾기"
    # reachable from the navigation of every page
    note = BeautifulSoup((site / "notes" / "DeepSeek" / "index.html").read_text(encoding="utf-8"), "lxml")
    assert any(a.get("href", "").rstrip("/").endswith("graph") for a in note.select("nav.md-nav--primary a"))


def test_seed_note_page_carries_only_its_own_url(seed_site):
    site = seed_site["site"]
    page = site / "notes" / "DeepSeek" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    boxes = soup.select("[data-vs-graph=local]")
    assert len(boxes) == 1  # in the sidebar only, not again in the navigation drawer
    box = boxes[0]
    assert box.find_parent(class_="md-sidebar--secondary") is not None
    assert (page.parent / unquote(box["data-src"])).resolve() == (site / graph.local_path("notes/DeepSeek/")).resolve()
    assert (page.parent / box["data-root"]).resolve() == site.resolve()
    assert "vaultsite-graph.js" in " ".join(s.get("src", "") for s in soup.select("script"))
    # no other note's data in the page: the graph is fetched
    assert "application/json" not in str(box)


@pytest.fixture(scope="module")
def links_site(tmp_path_factory):
    work = tmp_path_factory.mktemp("graph-links")
    docs = work / "docs"
    shutil.copytree(LINKS_VAULT, docs)
    code, log, site = build(docs, work)
    assert code == 0, log[-3000:]
    return site


def test_links_vault_graph(links_site):
    g = check_site(links_site)
    beta = _local(links_site, "notes/Beta/")
    titles = [n[0] for n in beta["nodes"]]
    assert titles[0] == "Beta"
    assert set(titles[1:]) == {"Alpha", "Alpha Two", "Gamma", "한글노트", "Meeting"}
    assert len(g["edges"]) // 2 >= 5
    # a note beside its folder and a self-link: never an edge to itself
    assert all(a != b for a, b in zip(g["edges"][::2], g["edges"][1::2]))


def test_graph_off(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(LINKS_VAULT, docs)
    code, log, site = build(docs, tmp_path, extra={"vaultsite": {"graph": False}})
    assert code == 0, log[-3000:]
    assert not (site / "vs-graph").exists()
    assert not (site / "graph").exists()
    page = (site / "notes" / "Beta" / "index.html").read_text(encoding="utf-8")
    assert "data-vs-graph" not in page and "vaultsite-graph.js" not in page


def _sources(files: dict[str, str]) -> list[Source]:
    return [Source(src, None, len(text.encode()), 0.0, data=text.encode()) for src, text in files.items()]


VAULT = {
    "a.md": "---\ntags: [x]\n---\n# A\n[[b]] [[c]] [[b]] [[a]] [[missing]]\n",
    "b.md": "# B\n[[a]]\n",
    "c.md": "# C\n![[b]]\n",
    "sub/d.md": "---\ntitle: 디\ntags: [x, y]\n---\n[[a]]\n",
    "e.md": "# E\nno links\n",
}


def test_core_graph_ids_edges_and_locals():
    vault = build_vault(_sources(VAULT))
    index = graph.GraphIndex(vault)
    g = graph.global_graph(index)
    assert g["url"] == ["a/", "b/", "c/", "e/", "sub/d/"]
    a, b, c, e, d = range(5)
    # each link once, in the order written, an embed is a link, a link to itself or to a missing note is none
    assert list(zip(g["edges"][::2], g["edges"][1::2])) == [(a, b), (a, c), (b, a), (c, b), (d, a)]
    assert g["folders"] == ["", "sub"] and g["folder"] == [0, 0, 0, 0, 1]
    local = graph.local_graph(index, a)
    assert [n[1] for n in local["nodes"]] == ["a/", "b/", "c/", "sub/d/"]  # links first, then backlinks
    assert local["edges"] == [[0, 1], [0, 2], [1, 0], [3, 0]]
    assert local["nodes"][0][3] == 4  # a: 2 links out (b, c), 2 in (b, d)
    assert local["nodes"][3][:3] == ["디", "sub/d/", "sub"] and local["nodes"][3][4] == ["x", "y"]
    assert graph.local_graph(index, e) == {"version": 1, "nodes": [["E", "e/", "", 0, []]], "edges": []}
    files = graph.graph_files(vault)
    assert json.loads(files[graph.local_path("a/")]) == local
    assert sorted(files) == sorted([graph.GLOBAL_FILE, graph.TAGS_FILE] + [graph.local_path(u) for u in g["url"]])


def test_core_graph_files_are_a_function_of_the_vault():
    one = graph.graph_files(build_vault(_sources(VAULT)))
    two = graph.graph_files(build_vault(_sources(dict(reversed(list(VAULT.items()))))))
    assert one == two


def test_write_graph_memo_rewrites_only_changes(tmp_path):
    memo: dict = {}
    first = graph.write_graph(build_vault(_sources(VAULT)), str(tmp_path), memo)
    assert first["written"] == first["files"] == 7
    again = graph.write_graph(build_vault(_sources(VAULT)), str(tmp_path), memo)
    assert again["written"] == 0
    changed = dict(VAULT)
    del changed["e.md"]
    changed["c.md"] = "# C\n"  # c no longer embeds b: c's and b's files, a's (c's count of links) and the global one
    third = graph.write_graph(build_vault(_sources(changed)), str(tmp_path), memo)
    assert third["written"] == 4
    assert not (tmp_path / graph.local_path("e/")).exists()
    got = {str(p.relative_to(tmp_path)): p.read_bytes() for p in tmp_path.rglob("*.json")}
    assert got == graph.graph_files(build_vault(_sources(changed)))
    assert not (tmp_path / "vs-graph" / "n" / "e").exists()
    shutil.rmtree(tmp_path / "vs-graph")  # a site folder cleaned since: everything again
    assert graph.write_graph(build_vault(_sources(changed)), str(tmp_path), memo)["written"] == 6
    # without a memo (mkdocs build keeping its site folder): a file of a note gone goes too
    back = graph.write_graph(build_vault(_sources(VAULT)), str(tmp_path))
    assert back["written"] == 7 and (tmp_path / graph.local_path("e/")).is_file()
    assert graph.write_graph(build_vault(_sources(changed)), str(tmp_path))["removed"] == 1
    assert not (tmp_path / "vs-graph" / "n" / "e").exists()


def test_graph_page_in_english():
    from vaultsite import render

    vault = build_vault(_sources(VAULT), language="en")
    text = render.graph_page(vault)
    assert '"Graph"' in text and "Find a note" in text and "5 notes and the 5 links" in text
    assert 'data-src="../vs-graph/graph.json"' in text
    ko = render.graph_page(build_vault(_sources(VAULT)))
    assert "노트 찾기" in ko and "노트 5개와 그 사이의 링크 5개" in ko


def test_core_graph_of_the_seed_vault_matches_its_build(seed_site):
    """The core alone (what the bench's 5,000-note browser test relies on) writes what the build writes."""
    vault = build_vault(scan_dir(str(ROOT / "docs")))
    for rel, data in graph.graph_files(vault).items():
        assert (seed_site["site"] / rel).read_bytes() == data, rel


SERVE_BASE = {
    "index.md": "# 홈\n\n[[a]] [[b]]\n",
    "notes/a.md": "---\ntags: [x]\n---\n# A\n\n[[b]] [[c]]\n",
    "notes/b.md": "# B\n\n[[a]]\n",
    "notes/c.md": "# C\n\n혼자인 노트.\n",
}
SERVE_EDITS = [
    ["write", "notes/d.md", "# D\n\n새 노트 [[c]] [[a]]\n"],  # a new note: c's and a's graphs gain it
    ["write", "notes/c.md", "---\ntitle: 씨\ntags: [y]\n---\n\n제목과 태그가 바뀐 노트.\n"],  # a neighbour's title and tags
    ["delete", "notes/b.md"],  # a note gone: its file goes, a's and home's graphs lose it
    ["write", "notes/a.md", "---\ntags: [x]\n---\n# A\n\n[[c]] 만 남은 링크\n"],
]


def test_serve_rebuilds_equal_a_clean_build(tmp_path):
    """``mkdocs serve`` after edits (its own build loop, in a subprocess) writes the graph files
    and the note pages a clean build of the final vault writes, and no file of a note gone."""
    docs = tmp_path / "docs"
    for rel, text in SERVE_BASE.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    served = serve_sequence(docs, tmp_path, SERVE_EDITS)
    clean = build_as_served(docs, tmp_path / "clean")

    def files(site: Path) -> dict[str, bytes]:
        return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*"))
                if p.is_file() and (p.parts[len(site.parts)] in ("vs-graph", "notes", "graph") or p.name == "index.html")}

    a, b = files(served), files(clean)
    assert sorted(a) == sorted(b)
    assert [rel for rel in a if a[rel] != b[rel]] == []
    local_a = json.loads(a["vs-graph/n/notes/a/index.json"])
    assert [n[0] for n in local_a["nodes"]] == ["A", "씨", "홈", "D"]  # itself, its link, its backlinks
    assert local_a["nodes"][1][4] == ["y"]
    assert "vs-graph/n/notes/b/index.json" not in a
