"""The graph view's data: the whole vault's graph in one compact file, and each note's local graph.

Computed once per build from the index the build already holds (``vault.links``, the tags and
company indexes), never per page:

* ``vs-graph/graph.json`` (:func:`global_graph`): every published note as an integer id (its
  place in ``vault.notes``, which is sorted by path), in parallel arrays (title, URL, folder,
  tag ids, company ids) and the links as a flat list of id pairs.  The global graph page
  (``graph.md``, :func:`page_source`) draws it.
* ``vs-graph/n/<note URL>index.json`` (:func:`local_graph`): a note's depth-1 neighbourhood
  (the note, the notes it links to and the notes linking to it, their folders, link counts
  and tags), keyed by URL, not by id, so that adding a note changes only the files of its
  neighbours.  A note page fetches only its own file; depth 2 fetches its neighbours' files
  (which bring the links among the neighbours); tag nodes' pages come from ``vs-graph/tags.json``.

A note page carries no graph data, only its own URL, so its HTML (and its signature in
``incremental.py``) depends on no other note.  Every value here is a function of the vault:
lists keep the vault's order (notes by path, links in the order written), no set order leaks.
URLs are stored unquoted (``notes/딥시크/``), the script percent-encodes them: Hangul
percent-encoded takes three times the bytes.
"""
from __future__ import annotations

import hashlib
import json
import os
from urllib.parse import unquote

from . import fstree
from .build import Vault, page_url

GRAPH_DIR = "vs-graph"
GLOBAL_FILE = f"{GRAPH_DIR}/graph.json"
LOCAL_DIR = f"{GRAPH_DIR}/n"
TAGS_FILE = f"{GRAPH_DIR}/tags.json"  # tag name -> its page's URL (the local graph's tag nodes)
VERSION = 1


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def outgoing(vault: Vault) -> dict[str, list[str]]:
    """note src -> the notes it links to or embeds (each once, in the order written, never itself)."""
    out: dict[str, list[str]] = {}
    for note in vault.notes:
        seen: dict[str, None] = {}
        for rec in vault.links.get(note.src, ()):
            t = rec.target
            if t.kind == "note" and t.note is not note:
                seen[t.note.src] = None
        out[note.src] = list(seen)
    return out


def _tag_table(vault: Vault) -> list[tuple[str, str]]:
    """Every tag as (name, site-relative URL of its page), in the tag index's order."""
    if vault.tag_index is None:
        return []
    return [(name, unquote(page_url(vault.tag_pages[name])) if name in vault.tag_pages else "")
            for name, _ in vault.tag_index.tags()]


def _company_table(vault: Vault) -> list[tuple[str, str, str]]:
    """Every company with a page as (id, name, URL), in the registry's order."""
    out = []
    for company in vault.registry.companies() if vault.registry else ():
        src = vault.company_pages.get(company.id)
        if src:
            out.append((company.id, company.name, unquote(page_url(src))))
    return out


class GraphIndex:
    """What both kinds of file are written from, computed once: ids, adjacency, tag and company ids."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.notes = vault.notes
        self.ids = {n.src: i for i, n in enumerate(self.notes)}
        out = outgoing(vault)
        self.out: list[list[int]] = [[self.ids[t] for t in out[n.src] if t in self.ids] for n in self.notes]
        self.into: list[list[int]] = [[] for _ in self.notes]
        for i, targets in enumerate(self.out):
            for j in targets:
                self.into[j].append(i)
        self.folders = sorted({n.folder for n in self.notes})
        folder_id = {f: i for i, f in enumerate(self.folders)}
        self.folder = [folder_id[n.folder] for n in self.notes]
        self.tags = _tag_table(vault)
        tag_id = {name: i for i, (name, _) in enumerate(self.tags)}
        self.note_tags = [[tag_id[t] for t in vault.note_tags.get(n.src, []) if t in tag_id] for n in self.notes]
        self.companies = _company_table(vault)
        company_id = {cid: i for i, (cid, _, _) in enumerate(self.companies)}
        self.note_companies = [[company_id[c] for c in vault.note_companies.get(n.src, []) if c in company_id]
                               for n in self.notes]
        self.urls = [unquote(n.url) for n in self.notes]

    def neighbours(self, i: int) -> list[int]:
        """Depth 1: the notes ``i`` links to, then those linking to it (each once)."""
        seen = dict.fromkeys(self.out[i])
        seen.update(dict.fromkeys(self.into[i]))
        seen.pop(i, None)
        return list(seen)


def global_graph(index: GraphIndex) -> dict:
    edges: list[int] = []
    for i, targets in enumerate(index.out):
        for j in targets:
            edges += (i, j)
    return {
        "version": VERSION,
        "title": [n.title for n in index.notes],
        "url": index.urls,
        "folder": index.folder,
        "folders": index.folders,
        "edges": edges,
        "note_tags": index.note_tags,
        "tags": [[name, url] for name, url in index.tags],
        "note_companies": index.note_companies,
        "companies": [[name, url] for _, name, url in index.companies],
    }


def node_entry(index: GraphIndex, m: int) -> list:
    """A note as the local files list it: [title, URL, folder, number of links, tag names]."""
    note = index.notes[m]
    return [note.title, index.urls[m], note.folder, len(index.out[m]) + len(index.into[m]),
            [index.tags[t][0] for t in index.note_tags[m]]]


def _neighbourhood(index: GraphIndex, i: int) -> tuple[list[int], list[tuple[int, int]]]:
    """Note ``i``'s local graph: its members (``i`` first, then the notes it links to, then
    those linking to it) and its links as pairs of places among them."""
    members = [i] + index.neighbours(i)
    place = {m: k for k, m in enumerate(members)}
    return members, [(0, place[j]) for j in index.out[i]] + [(place[j], 0) for j in index.into[i]]


def local_graph(index: GraphIndex, i: int) -> dict:
    """Note ``i``'s depth-1 graph (what ``graph_files`` writes for it): node 0 is the note, then
    the notes it links to, then those linking to it; an edge ``[a, b]`` (places in ``nodes``)
    is a link from a to b.

    Only the note's own links are listed: the links among its neighbours come with depth 2,
    from the neighbours' own files.  Tag pages are in ``vs-graph/tags.json``."""
    members, edges = _neighbourhood(index, i)
    return {"version": VERSION, "nodes": [node_entry(index, m) for m in members], "edges": [list(e) for e in edges]}


def local_path(url: str) -> str:
    """The site-relative path of the local graph file of the note at ``url`` (unquoted)."""
    return f"{LOCAL_DIR}/{url}index.json"


def graph_files(vault: Vault) -> dict[str, bytes]:
    """Every graph file of the build: site-relative path -> bytes (the global file, the tags'
    pages, then one local file per note).

    Each note's entry is serialised once and spliced into the files of its neighbours (a note
    is in about as many local files as it has links): the local files cost a join each."""
    index = GraphIndex(vault)
    files = {GLOBAL_FILE: _dumps(global_graph(index)), TAGS_FILE: _dumps(dict(index.tags))}
    entries = [_dumps(node_entry(index, m)) for m in range(len(index.notes))]
    head = b'{"version":%d,"nodes":[' % VERSION
    for i in range(len(index.notes)):
        members, edges = _neighbourhood(index, i)
        files[local_path(index.urls[i])] = b"".join((
            head, b",".join([entries[m] for m in members]), b'],"edges":[',
            ",".join([f"[{a},{b}]" for a, b in edges]).encode(), b"]}"))
    return files


def write_graph(vault: Vault, site_dir: str, memo: dict | None = None) -> dict:
    """Write :func:`graph_files` under ``site_dir`` and remove any other file under ``vs-graph/``
    (a note gone, in ``mkdocs serve`` or a build that keeps the site folder).  With ``memo``
    (path -> a digest of the bytes written, kept between ``mkdocs serve`` rebuilds and by the
    build cache) a file whose bytes did not change is not written again; a site folder cleaned
    since (no global file) is written whole.  Returns counts (files, written, removed, bytes)
    and ``memo``: the digests of this build's files."""
    files = graph_files(vault)
    if memo and not os.path.exists(os.path.join(site_dir, *GLOBAL_FILE.split("/"))):
        memo.clear()
    digests = {rel: hashlib.blake2b(data, digest_size=16).digest() for rel, data in files.items()}
    written = 0
    made: set[str] = set()
    for rel, data in files.items():
        if memo and memo.get(rel) == digests[rel]:
            continue
        path = os.path.join(site_dir, *rel.split("/"))
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        with open(path, "wb") as fh:
            fh.write(data)
        written += 1
    removed = _prune(site_dir, files)
    if memo is not None:
        memo.clear()
        memo.update(digests)
    return {"files": len(files), "written": written, "removed": removed,
            "bytes": sum(len(d) for d in files.values()), "memo": digests}


def _prune(site_dir: str, files: dict[str, bytes]) -> int:
    """Remove the files under ``vs-graph/`` that are not in ``files``, then the folders left empty."""
    root = os.path.join(site_dir, GRAPH_DIR)
    if not os.path.isdir(root):
        return 0
    return fstree.prune(root, GRAPH_DIR, lambda sub, entry: sub not in files)
