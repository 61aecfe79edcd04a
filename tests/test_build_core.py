"""The core without MkDocs: parallel reading, URLs, and what an incremental rebuild touches."""
from __future__ import annotations

import shutil

import pytest

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


def test_generated_pages_held_as_utf8_share_the_memo():
    """A one-off build holds its generated pages as UTF-8 (``render.as_utf8``): the bytes the
    files get are the objects the memo keeps, and a later build reusing the memo gets the
    same texts back (as str)."""
    memo: dict = {}
    text = render._by_inputs(memo, ("page.md.j2", "a.md"), ("inputs", 1), lambda: "---\ntitle: 삼성전자\n---\n본문 ✓")
    listing = render._by_inputs(memo, ("other", "b.md"), ("inputs", 2), lambda: "plain")
    memo[("missing", "m.md")] = ("d", {"m.md": text})
    out = render.as_utf8({"a.md": text, "b.md": listing, "odd.md": "\ud800"}, memo)
    assert out["a.md"] == text.encode("utf-8") and memo[("page.md.j2", "a.md")][1] is out["a.md"]
    assert memo[("other", "b.md")][1] is out["b.md"] and memo[("missing", "m.md")][1]["m.md"] is out["a.md"]
    assert out["odd.md"] == "\ud800"  # UTF-8 cannot hold it: a str, as MkDocs reads it
    again = render._by_inputs(memo, ("page.md.j2", "a.md"), ("inputs", 1), lambda: pytest.fail("rendered again"))
    assert again == text and isinstance(again, str)
    assert render._by_inputs(memo, ("page.md.j2", "a.md"), ("inputs", 9), lambda: "new") == "new"


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
