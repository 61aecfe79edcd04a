"""End to end: the real seed vault builds strictly and every page reads as cleaned by hand."""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest
from bs4 import BeautifulSoup

from sitebuild import schema

HANGUL = re.compile(r"[\uac00-\ud7a3]")
DEBRIS = ["본문 바로가기", "728x90", "{{ $frontmatter", "component VPCard", "<SiteInfo", "[[toc]]",
          ":::", "display:none", "]]", ")))"]

SEED_PAGES = {
    "notes/DeepSeek/index.html": {"title": "DeepSeek", "date": "2025-06-27", "author": None},
    "clippings/딥시크 넌 누구니 (요즘IT)/index.html": {
        "title": "ChatGPT 긴장시킨 딥시크(DeepSeek), 넌 누구니?", "date": "2025-02-04", "author": "이재훈"},
    "clippings/딥시크 탄생과 AI 반도체 시장 영향 (티스토리)/index.html": {
        "title": "딥시크(DeepSeek) 탄생 및 성능 향후 AI, 반도체 시장에 미칠 영향", "date": "2025-02-21",
        "author": "00년 새내기"},
    "clippings/AI 시장 딥시크 쇼크 (블로그)/index.html": {"title": None, "date": None, "author": None},
    "clippings/딥시크와 미국 AI 관련주 (블로그)/index.html": {"title": None, "date": None, "author": None},
}


def page(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "lxml")


def article(soup: BeautifulSoup):
    return soup.select_one("article.md-content__inner")


def test_strict_build_passes(seed_site):
    assert seed_site["code"] == 0, seed_site["log"][-4000:]


def test_build_never_writes_into_docs(seed_site):
    assert seed_site["docs_before"] == seed_site["docs_after"]


@pytest.mark.parametrize("rel", sorted(SEED_PAGES))
def test_seed_page_header(seed_site, rel):
    want = SEED_PAGES[rel]
    soup = page(seed_site["site"], rel)
    art = article(soup)
    h1 = art.find("h1")
    assert h1 is not None
    title = h1.get_text(" ", strip=True).replace("¶", "").strip()
    if want["title"]:
        assert title == want["title"]
    else:
        assert 3 < len(title) <= 70
    assert len(art.find_all("h1")) == 1
    meta = art.select_one(".vs-note-meta")
    if want["date"]:
        assert meta is not None and meta.select_one("time")["datetime"] == want["date"]
    if want["author"]:
        assert want["author"] in meta.select_one(".vs-meta-author").get_text()


@pytest.mark.parametrize("rel", sorted(SEED_PAGES))
def test_seed_page_clean(seed_site, rel):
    art = article(page(seed_site["site"], rel))
    text = art.get_text(" ")
    for junk in DEBRIS:
        assert junk not in text, f"{junk!r} left in {rel}"
    for pre in art.find_all("pre"):
        assert not HANGUL.search(pre.get_text()), f"Hangul prose inside <pre> in {rel}: {pre.get_text()[:80]}"


def test_seed_000_structure(seed_site):
    art = article(page(seed_site["site"], "notes/DeepSeek/index.html"))
    # The excerpt keeps its list structure: dated sub-items inside the numbered list.
    nested = [li.get_text(" ", strip=True) for li in art.select("ol li li")]
    assert any(t.startswith("24.05.17") for t in nested)
    # Inline tags are tag links, not a heading.
    tags = [a.get_text() for a in art.select("a.vs-tag")]
    assert "#AI" in tags and "#DeepSeek" in tags
    assert not any("#AI" in h.get_text() for h in art.find_all(["h1", "h2", "h3"]))
    # Links to daily summaries that do not exist are "not written yet", never dead links.
    missing = [s.get_text() for s in art.select(".vs-missing")]
    assert "2025-01-25 미국 시황 정리" in missing
    for a in art.select("a[href]"):
        assert "daily-summary" not in a["href"]


def test_seed_001_tistory_headings(seed_site):
    art = article(page(seed_site["site"], "clippings/딥시크 탄생과 AI 반도체 시장 영향 (티스토리)/index.html"))
    heads = [h.get_text(" ", strip=True).replace("¶", "").strip() for h in art.find_all(["h2", "h3"])]
    assert any("딥시크(DeepSeek) 탄생" in h for h in heads)
    assert any("딥시크(DeepSeek) 성능" in h for h in heads)
    assert not any("출시 현황" in h for h in heads)  # an image caption, not a heading


def test_seed_003_table(seed_site):
    art = article(page(seed_site["site"], "clippings/AI 시장 딥시크 쇼크 (블로그)/index.html"))
    table = art.find("table")
    assert table is not None and "구분" in table.get_text()


def test_vault_json_contract(seed_site):
    data = json.loads((seed_site["site"] / "vault.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema()).validate(data)
    srcs = {n["src"] for n in data["notes"]}
    assert "notes/DeepSeek.md" in srcs
    assert len([s for s in srcs if s.startswith("clippings/")]) == 4
    for note in data["notes"]:
        assert (seed_site["site"] / unquote(note["url"]) / "index.html").exists() or note["url"] == ""


def _internal_targets(site: Path):
    for html in site.rglob("*.html"):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "lxml")
        for tag, attr in (("a", "href"), ("img", "src"), ("link", "href"), ("script", "src")):
            for el in soup.find_all(tag):
                ref = el.get(attr)
                if not ref or ref.startswith(("#", "mailto:", "javascript:", "data:")):
                    continue
                parts = urlsplit(ref)
                if parts.scheme or parts.netloc:
                    continue
                yield html, ref, parts


def test_no_broken_internal_links(seed_site):
    site = seed_site["site"]
    broken = []
    for html, ref, parts in _internal_targets(site):
        assert "##" not in ref, f"{html.relative_to(site)} -> {ref}"
        target = (html.parent / unquote(parts.path)).resolve()
        if parts.path.endswith("/") or target.is_dir():
            target = target / "index.html"
        if not target.exists():
            broken.append(f"{html.relative_to(site)} -> {ref}")
    assert not broken, "\n".join(broken[:30])


def test_company_pages_quote_every_mention_marked(seed_site):
    """Each company page quotes every sentence of a note that names the company (up to the
    caps), in order, each marked linked or plain text by a labelled marker; vault.json has
    the same counts and the core the same sentences."""
    import posixpath

    from sitebuild import ROOT
    from vaultsite.build import build_vault, scan_dir

    core = build_vault(scan_dir(str(ROOT / "docs")))
    sentences = {(cid, unquote(n["url"])): n["mentions"] for cid, notes in core.company_notes.items() for n in notes}
    site = seed_site["site"]
    data = json.loads((site / "vault.json").read_text(encoding="utf-8"))
    several = 0
    for company in data["companies"]:
        soup = page(site, unquote(company["url"]) + "index.html")
        mentions = {unquote(m["note"]): m for m in company["mentions"]}
        items = soup.select("ul.vs-mentions > li.vs-mention-note")
        assert items, company["id"]
        assert soup.select_one(".vs-mention-legend") is not None
        for li in items:
            href = unquote(li.select_one("a")["href"])
            note = posixpath.normpath(posixpath.join(unquote(company["url"]), href)) + "/"
            want = [{"text": t, "linked": k} for t, k in sentences[(company["id"], note)]]
            quotes = li.select("li.vs-quote")
            assert [q.select_one(".vs-context").get_text() for q in quotes] == [s["text"] for s in want]
            for q, s in zip(quotes, want):
                kind = q.select_one(".vs-mention-kind")
                # the word, explained by the legend; no title (Material mounts a tooltip per title)
                assert kind.get_text() == ("링크" if s["linked"] else "텍스트") and not kind.has_attr("title")
                assert ("vs-quote--linked" if s["linked"] else "vs-quote--plain") in q["class"]
            assert mentions[note]["count"] >= len(want) >= 1
            several += len(quotes) > 1
    assert several, "no note quotes more than one sentence: only the first mention is shown"
