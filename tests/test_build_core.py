"""The core without MkDocs: parallel reading, URLs, and what an incremental rebuild touches."""
from __future__ import annotations

import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitebuild import ROOT
from vaultsite import build as build_mod
from vaultsite import incremental, render
from vaultsite.build import Cache, build_vault, page_url, scan_dir, url_between

VAULT = ROOT / "tests" / "fixtures" / "links_vault"


def summary(vault):
    return ([n.src for n in vault.notes], vault.events, vault.note_companies, vault.backlinks,
            vault.note_tags, sorted(vault.missing))


def test_parallel_read_matches_serial(monkeypatch):
    serial = build_vault(scan_dir(str(VAULT)), Cache())
    monkeypatch.setattr(build_mod, "PARALLEL_MIN", 1)
    cache = Cache()
    parallel = build_vault(scan_dir(str(VAULT)), cache)
    assert cache.misses == len(serial.notes)
    assert summary(parallel) == summary(serial)


@pytest.mark.parametrize("src, url", [
    ("index.md", ""), ("notes/index.md", "notes/"), ("notes/A b.md", "notes/A%20b/"),
    ("clippings/딥시크 (블로그).md", "clippings/%EB%94%A5%EC%8B%9C%ED%81%AC%20%28%EB%B8%94%EB%A1%9C%EA%B7%B8%29/"),
])
def test_page_url_matches_mkdocs(src, url):
    assert page_url(src) == url


@pytest.mark.parametrize("a, b, rel", [
    ("notes/A.md", "notes/B.md", "../B/"), ("notes/A.md", "index.md", "../../"),
    ("index.md", "notes/B.md", "notes/B/"), ("tags.md", "tags.md", "./"),
    ("a/b/c.md", "a/x/y.md", "../../x/y/"), ("companies/nvidia.md", "companies/index.md", "../"),
])
def test_url_between(a, b, rel):
    assert url_between(a, b) == rel


_SEGMENT = st.sampled_from(["index", "README", "a", "A b", "노트", "딥시크 (블로그)", "x%y", "c#d", "e.f", "한글 조사는"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_SEGMENT, min_size=1, max_size=4), st.lists(_SEGMENT, min_size=1, max_size=4),
       st.sampled_from(["", "#h", "#제목-1"]))
def test_url_between_is_the_url_mkdocs_writes_for_a_link(origin, target, anchor):
    """Links to pages are written with ``url_between`` instead of passing through MkDocs'
    relpath (``mdext``): it must be the URL relpath would have written."""
    from mkdocs.structure.files import File
    from mkdocs.utils import get_relative_url

    a, b = "/".join(origin) + ".md", "/".join(target) + ".md"
    fa, fb = (File(src, "/docs", "/site", True) for src in (a, b))
    assert url_between(a, b, anchor) == get_relative_url(fb.url, fa.url) + anchor


def _signatures(docs):
    sources = scan_dir(str(docs))
    vault = build_vault(sources, Cache())
    pages = render.generated_pages(vault, set())
    sigs = incremental.note_signatures(vault, {s.src: (s.size, s.mtime) for s in sources})
    sigs.update(incremental.generated_signatures(pages))
    return sigs


def test_new_note_touches_itself_its_targets_and_listings(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(VAULT, docs)
    before = _signatures(docs)
    (docs / "notes" / "Delta.md").write_text("# Delta\n\n[[Gamma]]을 본다. 2025년 3월 1일 발표.\n", encoding="utf-8")
    after = _signatures(docs)
    changed = incremental.changed_pages(before, after)
    assert "notes/Delta.md" in changed  # the new page
    assert "sub/Gamma.md" in changed  # gains a backlink
    assert "timeline.md" in changed and "notes/index.md" in changed
    assert "notes/Alpha.md" not in changed and "cycle/A.md" not in changed  # untouched
    assert incremental.changed_pages(None, after) is None  # no previous build: everything


def test_generated_pages_held_packed_share_the_memo():
    """A one-off build holds its generated pages packed (``render.pack_pages``): the objects
    the files get are the objects the memo keeps, they give the texts back, and a later build
    reusing the memo gets the same texts back (as str)."""
    from vaultsite.packed import Packed

    memo: dict = {}
    text = render._by_inputs(memo, ("page.md.j2", "a.md"), ("inputs", 1), lambda: "---\ntitle: 삼성전자\n---\n본문 ✓")
    listing = render._by_inputs(memo, ("other", "b.md"), ("inputs", 2), lambda: "plain")
    memo[("missing", "m.md")] = ("d", {"m.md": text})
    pages = {"a.md": text, "b.md": listing, "odd.md": "\ud800"}
    out = render.pack_pages(pages, memo)
    assert not pages  # let go of as they are packed
    assert isinstance(out["a.md"], Packed) and out["a.md"].text() == text
    assert out["a.md"].raw() == text.encode("utf-8") and out["a.md"].size == len(text.encode("utf-8"))
    assert out["a.md"].head(8) == text.encode("utf-8")[:8]
    assert memo[("page.md.j2", "a.md")][1] is out["a.md"]
    assert memo[("other", "b.md")][1] is out["b.md"] and memo[("missing", "m.md")][1]["m.md"] is out["a.md"]
    assert out["odd.md"] == "\ud800"  # UTF-8 cannot hold it: a str, as MkDocs reads it
    again = render._by_inputs(memo, ("page.md.j2", "a.md"), ("inputs", 1), lambda: pytest.fail("rendered again"))
    assert again == text and isinstance(again, str)
    # A whole page unchanged comes back as it was kept, packed, and is packed no more: a
    # cached build neither inflates nor deflates its unchanged pages.
    memo[("page.md.j2", "a.md")] = (memo[("page.md.j2", "a.md")][0], out["a.md"])
    whole = render._by_inputs(memo, ("page.md.j2", "a.md"), ("inputs", 1), lambda: pytest.fail("rendered again"),
                              whole=True)
    assert whole is out["a.md"] and memo[("page.md.j2", "a.md")][1] is whole
    assert render.pack_pages({"a.md": whole}, memo)["a.md"] is whole
    assert render._by_inputs(memo, ("page.md.j2", "a.md"), ("inputs", 9), lambda: "new") == "new"
    # Signatures of packed pages: equal texts, equal signatures; a change, another.
    sigs = incremental.generated_signatures({"a.md": out["a.md"], "c.md": render.pack_pages({"c.md": text}, None)["c.md"]})
    assert sigs["a.md"] == sigs["c.md"]
    assert incremental.generated_signatures({"a.md": render.pack_pages({"a.md": text + "!"}, None)["a.md"]})["a.md"] != sigs["a.md"]


def test_packed_file_reads_as_a_generated_file(tmp_path):
    """``packedfile.generated_file``: MkDocs' API reads a packed page's Markdown; setting the
    content (as ``parallel.release`` does) drops the packed text."""
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File

    from vaultsite_mkdocs import packedfile

    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "docs_dir": str(VAULT), "site_dir": str(tmp_path / "site")})
    config.validate()
    config.plugins._current_plugin = None  # (set by MkDocs while a plugin's event runs)
    text = "---\ntitle: 타임라인\n---\n" + "| 2024 | 삼성전자 |\n" * 20000
    packed = render.pack_pages({"timeline.md": text}, None)["timeline.md"]
    f = packedfile.generated_file(config, "timeline.md", packed)
    assert packedfile.USABLE and isinstance(f, packedfile.PackedFile)
    assert f.content_string == text and f.content_bytes == text.encode("utf-8")
    head, size = packedfile.head(f, 64)
    assert len(head) == 64 and text.encode("utf-8").startswith(head) and size == len(text.encode("utf-8"))
    assert f.is_documentation_page() and f.abs_src_path is None
    f.content_string = ""
    assert f.packed is None and f.content_bytes == b""
    # A MkDocs whose File lacks those properties: the file holds the UTF-8 itself.
    packedfile.USABLE = False
    try:
        fallback = packedfile.generated_file(config, "timeline.md", packed)
    finally:
        packedfile.USABLE = True
    assert type(fallback) is File and fallback.content_string == text
    plain = packedfile.generated_file(config, "tags.md", "# 태그\n")
    assert plain.content_string == "# 태그\n" and packedfile.head(plain, 3) == ("# 태그\n".encode("utf-8"), 9)


def test_vault_json_entries_copied_from_the_last_file(tmp_path):
    """``export.write_vault_json`` with an entry cache: unchanged notes' entries are copied from
    the file the last build wrote, the file equals a fresh serialisation, and a file that is
    not the one the cache describes is never copied from."""
    import json

    from vaultsite import export

    docs = tmp_path / "docs"
    shutil.copytree(VAULT, docs)
    site = tmp_path / "site"
    site.mkdir()
    path = str(site / "vault.json")

    def fresh_text(vault):
        plain = tmp_path / "plain.json"
        export.write_vault_json(str(plain), vault)
        return plain.read_bytes()

    sources = scan_dir(str(docs))
    vault = build_vault(sources, Cache())
    sigs = incremental.note_signatures(vault, {s.src: (s.size, s.mtime) for s in sources})
    cache = export.EntryCache()
    export.write_vault_json(path, vault, sigs, cache)
    first = (site / "vault.json").read_bytes()
    assert first == fresh_text(vault)
    assert json.loads(first)["notes"]
    assert set(cache.entries) == {n.src for n in vault.notes} and cache.stamp is not None
    for src, (_, offset, length) in cache.entries.items():  # where each entry is
        assert json.loads(first[offset:offset + length])["src"] == src

    # One note changed, one added: the others are copied (runs of them), the result is exact.
    (docs / "notes" / "Delta.md").write_text("# Delta\n\n[[Gamma]]을 본다. 2025년 3월 1일.\n", encoding="utf-8")
    sources = scan_dir(str(docs))
    vault = build_vault(sources, Cache())
    sigs = incremental.note_signatures(vault, {s.src: (s.size, s.mtime) for s in sources})
    reads = []
    real_copy = export._copy
    export._copy = lambda src, dst, start, end: (reads.append((start, end)), real_copy(src, dst, start, end))
    try:
        export.write_vault_json(path, vault, sigs, cache)
    finally:
        export._copy = real_copy
    assert (site / "vault.json").read_bytes() == fresh_text(vault)
    assert reads and len(reads) < len(vault.notes) - 1  # runs, not one copy per entry

    # The file is not the one the cache describes (written by something else): nothing copied.
    stale = (site / "vault.json").read_bytes().replace(b'"notes":[{', b'"notes":[ {', 1)
    (site / "vault.json").write_bytes(stale)
    reads.clear()
    export._copy = lambda *a: reads.append(a)
    try:
        export.write_vault_json(path, vault, sigs, cache)
    finally:
        export._copy = real_copy
    assert not reads
    assert (site / "vault.json").read_bytes() == fresh_text(vault)
