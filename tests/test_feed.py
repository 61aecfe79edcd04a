"""Issue 20, items 2 and 5: the latest notes on the home page, ``feed.xml`` (and ``rss.xml``
with ``site_url``), and the social previews in every page's head.

Real builds of ``tests/fixtures/feed_vault`` (dated Korean and English notes, an undated one,
a ``publish: false`` and a ``draft: true`` note, a note with a vault image, one with an image
from the web, a hostile title and description) and of the seed notes; the feeds are read
with ``feedparser``, the pages with BeautifulSoup; the core functions are called directly.
"""
from __future__ import annotations

import calendar
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote

import feedparser
import pytest
from bs4 import BeautifulSoup

from sitebuild import ROOT, build, build_as_served, serve_sequence
from vaultsite import latest
from vaultsite.build import Source, build_vault
from vaultsite.feed import TAG_AUTHORITY, feeds

VAULT = ROOT / "tests" / "fixtures" / "feed_vault"
SITE_URL = "https://example.org/garden/"
#: The undated note's file time: newer than every dated note of the vault.
UNDATED_MTIME = datetime(2025, 4, 1, 12, 0, 0, tzinfo=timezone.utc).timestamp()
OTHER_MTIME = datetime(2024, 1, 1, tzinfo=timezone.utc).timestamp()
LATEST_ORDER = ["undated", "딥시크 분석", "HBM outlook", "hostile", "삼성전자 메모", "Web image"]
UNPUBLISHED = ["비공개 계획", "SECRET-PUBLISH-FALSE", "Draft plan", "SECRET-DRAFT"]
HOSTILE_TITLE = '"><script>alert(1)</script><img src=x onerror=alert(2)> 제목'


def copy_vault(dest: Path) -> Path:
    shutil.copytree(VAULT, dest)
    for path in dest.rglob("*"):
        if path.is_file():
            t = UNDATED_MTIME if path.name == "undated.md" else OTHER_MTIME
            os.utime(path, (t, t))
    return dest


def _build(work: Path, docs: Path, **overrides) -> Path:
    work.mkdir(parents=True, exist_ok=True)
    code, log, site = build(docs, work, strict=True, **overrides)
    assert code == 0, log[-4000:]
    return site


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    root = tmp_path_factory.mktemp("feed")
    docs = copy_vault(root / "docs")
    local = _build(root / "local", docs)
    first = {rel: (local / rel).read_bytes() for rel in ("feed.xml", "index.html")}
    _build(root / "local", docs)  # the same work folder: the build cache renders nothing again
    published = _build(root / "published", docs, site_url=SITE_URL)
    again = _build(root / "again", docs)  # a build from nothing
    return {"docs": docs, "local": local, "published": published, "again": again, "root": root, "first": first}


def soup_of(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "lxml")


def head_meta(soup: BeautifulSoup) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in soup.head.find_all("meta"):
        key = m.get("property") or m.get("name")
        if key:
            out.setdefault(key, []).append(m.get("content"))
    return out


def pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html") if p.name != "404.html")


# -- the home page -----------------------------------------------------------------------------

def test_home_lists_the_latest_notes_newest_first(sites):
    soup = soup_of(sites["local"], "index.html")
    items = soup.select("article .vs-home-latest li")
    titles = [li.select_one("a").get_text().replace("\x01", "") for li in items]
    assert [t.replace(HOSTILE_TITLE, "hostile") for t in titles] == LATEST_ORDER
    dates = [li.select_one("time")["datetime"] for li in items]
    assert dates == ["2025-04-01", "2025-03-02", "2025-02-10", "2025-01-05", "2024-12-20", "2024-11-11"]
    # The undated note is dated by its file, and says so.
    assert "vs-date--file" in items[0].select_one("time")["class"]
    assert "vs-date--file" not in items[1].select_one("time")["class"]
    deepseek = items[1]
    assert [a.get_text() for a in deepseek.select("a.vs-tag")] == ["#AI", "#반도체"]
    assert "NVIDIA" in [a.get_text() for a in deepseek.select("a.vs-chip--company")]
    for a in deepseek.select("a"):  # every link lands on a page of the site
        target = (sites["local"] / unquote(a["href"])).resolve()
        assert (target / "index.html").is_file(), a["href"]
    hbm = [a.get_text() for a in items[2].select("a.vs-chip--company")]
    assert "SK hynix" in hbm


def test_unpublished_notes_appear_nowhere(sites):
    for site in (sites["local"], sites["published"]):
        for rel in pages(site) + ["feed.xml"] + (["rss.xml"] if (site / "rss.xml").exists() else []):
            text = (site / rel).read_text(encoding="utf-8")
            for word in UNPUBLISHED:
                assert word not in text, (rel, word)


def test_vault_home_note_gets_the_latest_notes_below_it(tmp_path):
    docs = copy_vault(tmp_path / "docs")
    (docs / "Home.md").write_text("---\ntitle: 우리 정원\n---\n\n처음 오신 분은 [[딥시크 분석]]부터 읽으세요.\n",
                                  encoding="utf-8")
    site = _build(tmp_path / "work", docs)
    art = soup_of(site, "index.html").select_one("article")
    assert art.h1.get_text(strip=True).startswith("우리 정원")
    text = art.get_text(" ", strip=True)
    assert text.index("처음 오신 분은") < text.index("최근 노트")  # the note first, the list after it
    titles = [li.select_one("a").get_text() for li in art.select(".vs-home-latest li")]
    assert titles[:2] == ["undated", "딥시크 분석"] and "우리 정원" not in titles


# -- the feed ----------------------------------------------------------------------------------

def test_atom_feed_parses_with_the_notes_in_order(sites):
    parsed = feedparser.parse((sites["local"] / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    titles = [e.title for e in parsed.entries]
    assert [t.replace(HOSTILE_TITLE, "hostile") for t in titles] == LATEST_ORDER
    first, deepseek, hbm = parsed.entries[:3]
    # Dates are the notes' own (the undated one's file time), never the build's.
    assert calendar.timegm(first.updated_parsed) == UNDATED_MTIME
    assert deepseek.published == "2025-03-02T00:00:00+00:00"
    assert hbm.published.startswith("2025-02-10") and hbm.updated.startswith("2025-03-05")
    assert parsed.feed.updated == first.updated  # the newest entry's date
    # No site_url: ids are tag: URIs, links are relative to feed.xml (at the site root).
    assert deepseek.id.startswith(TAG_AUTHORITY)
    link = deepseek.link
    assert not link.startswith(("http", "/")) and (sites["local"] / unquote(link) / "index.html").is_file()
    assert deepseek.summary.startswith("딥시크는 적은 비용으로 큰 모델을 학습했다.")
    assert hbm.summary == "Why high-bandwidth memory keeps SK hynix ahead, in one page."  # its own description
    assert [t.term for t in deepseek.tags] == ["AI", "반도체"]
    assert not (sites["local"] / "rss.xml").exists()


def test_feeds_with_site_url_are_absolute_and_rss_is_written(sites):
    site = sites["published"]
    atom = feedparser.parse((site / "feed.xml").read_bytes())
    assert not atom.bozo
    deepseek = atom.entries[1]
    assert deepseek.id == deepseek.link == SITE_URL + "notes/%EB%94%A5%EC%8B%9C%ED%81%AC%20%EB%B6%84%EC%84%9D/"
    assert any(l.rel == "self" and l.href == SITE_URL + "feed.xml" for l in atom.feed.links)
    rss = feedparser.parse((site / "rss.xml").read_bytes())
    assert not rss.bozo and rss.version == "rss20"
    assert [e.link for e in rss.entries] == [e.link for e in atom.entries]
    assert rss.feed.link == SITE_URL
    assert rss.entries[1].published == "Sun, 02 Mar 2025 00:00:00 +0000"


def test_hostile_note_stays_text_in_the_feed(sites):
    parsed = feedparser.parse((sites["local"] / "feed.xml").read_bytes())
    entry = parsed.entries[3]
    assert entry.title == HOSTILE_TITLE  # the control character XML cannot carry is dropped
    assert entry.summary == '" onmouseover="alert(3)" x="<b>설명</b> & more'
    assert entry.summary_detail.type == "text/plain"


def test_two_builds_give_the_same_feed(sites):
    for rel in ("feed.xml", "index.html"):
        assert sites["first"][rel] == (sites["local"] / rel).read_bytes()  # rebuilt with the build cache
        assert sites["first"][rel] == (sites["again"] / rel).read_bytes()  # built from nothing


def test_feed_link_is_in_every_page_head(sites):
    for site, kinds in ((sites["local"], ["application/atom+xml"]),
                        (sites["published"], ["application/atom+xml", "application/rss+xml"])):
        for rel in pages(site):
            soup = soup_of(site, rel)
            links = soup.head.select('link[rel="alternate"][type$="+xml"]')
            assert [l["type"] for l in links] == kinds, rel
            target = (site / rel).parent / links[0]["href"]
            assert target.resolve() == (site / "feed.xml").resolve(), rel


# -- social previews ---------------------------------------------------------------------------

def test_every_page_has_one_description_and_a_preview(sites):
    for site in (sites["local"], sites["published"]):
        for rel in pages(site):
            meta = head_meta(soup_of(site, rel))
            assert len(meta.get("description", [])) == 1, rel
            for key in ("og:title", "og:description", "og:type", "twitter:card"):
                assert len(meta.get(key, [])) == 1, (rel, key)
            assert ("og:url" in meta) == (site == sites["published"]), rel


def test_note_with_a_vault_image(sites):
    rel = "notes/딥시크 분석/index.html"
    local = head_meta(soup_of(sites["local"], rel))
    assert local["og:type"] == ["article"] and local["og:title"] == ["딥시크 분석"]
    assert local["description"] == local["og:description"]
    assert local["description"][0].startswith("딥시크는 적은 비용으로 큰 모델을 학습했다.")
    assert local["twitter:card"] == ["summary_large_image"]
    assert local["article:published_time"] == ["2025-03-02"]
    image = local["og:image"][0]  # relative to the page without site_url
    assert (sites["local"] / "notes" / "딥시크 분석" / unquote(image)).resolve().is_file()
    published = head_meta(soup_of(sites["published"], rel))
    assert published["og:image"] == [SITE_URL + "attachments/chart.png"]
    assert published["og:url"] == [SITE_URL + "notes/%EB%94%A5%EC%8B%9C%ED%81%AC%20%EB%B6%84%EC%84%9D/"]


def test_note_without_an_image(sites):
    for site in (sites["local"], sites["published"]):
        meta = head_meta(soup_of(site, "notes/삼성전자 메모/index.html"))
        assert "og:image" not in meta
        assert meta["twitter:card"] == ["summary"]
        # Headings, code and tables are left out; links and emphasis keep their words.
        assert meta["og:description"] == ["삼성전자는 HBM3E 인증을 기다리고 있다. 굵은 글씨와 링크는 글자만 남는다."]


def test_note_with_a_web_image_and_generated_pages(sites):
    meta = head_meta(soup_of(sites["local"], "notes/web-image/index.html"))
    assert meta["og:image"] == ["https://example.com/pics/chart.png"]  # not the one in code
    tags = head_meta(soup_of(sites["published"], "tags/index.html"))
    assert tags["og:type"] == ["website"] and "og:image" not in tags
    assert tags["description"] == tags["og:description"] == ["AI, 반도체, 시장에 관한 개인 리서치 노트"]
    home = head_meta(soup_of(sites["published"], "index.html"))
    assert home["og:url"] == [SITE_URL] and home["og:title"] == ["리서치 노트"]


def test_hostile_note_cannot_leave_its_attribute(sites):
    soup = soup_of(sites["published"], "notes/hostile/index.html")
    head = soup.head
    meta = head_meta(soup)
    assert meta["og:title"] == [HOSTILE_TITLE]
    assert meta["og:description"] == meta["description"] == ['" onmouseover="alert(3)" x="<b>설명</b> & more']
    assert meta["og:image"] == ["https://example.com/a.png?x=1"]
    for tag in head.find_all(True):
        assert not any(a.startswith("on") for a in tag.attrs), tag
    assert not head.find_all(["img", "b"])
    assert all("alert" not in (s.string or "") for s in head.find_all("script"))


def test_settings_turn_feed_and_previews_off(tmp_path):
    docs = copy_vault(tmp_path / "docs")
    site = _build(tmp_path / "work", docs, site_url=SITE_URL,
                  extra={"vaultsite": {"feed": False, "social": False}})
    assert not (site / "feed.xml").exists() and not (site / "rss.xml").exists()
    for rel in ("index.html", "notes/딥시크 분석/index.html"):
        soup = soup_of(site, rel)
        assert not soup.head.select('link[rel="alternate"][type$="+xml"]')
        meta = head_meta(soup)
        assert not [k for k in meta if k.startswith(("og:", "twitter:"))]
        assert meta["description"] == ["AI, 반도체, 시장에 관한 개인 리서치 노트"]  # Material's own
    # The home page still lists the latest notes.
    assert soup_of(site, "index.html").select(".vs-home-latest li")


def test_seed_notes_feed_and_home(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "tests" / "fixtures" / "seeds", docs)
    site = _build(tmp_path / "work", docs)
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not parsed.bozo and len(parsed.entries) == 5
    home = soup_of(site, "index.html").select(".vs-home-latest li")
    assert [li.select_one("a").get_text() for li in home] == [e.title for e in parsed.entries]
    for entry in parsed.entries:
        assert (site / unquote(entry.link) / "index.html").is_file()
        assert entry.summary and "728x90" not in entry.summary
    keys = [e.updated for e in parsed.entries]
    assert keys == sorted(keys, reverse=True)


# -- serve: a rebuild after an edit equals a clean build ---------------------------------------

def _site_files(site: Path) -> dict[str, bytes]:
    out = {}
    for p in sorted(site.rglob("*")):
        if p.is_file() and not str(p.relative_to(site)).startswith(("sitemap", "search/")):
            out[str(p.relative_to(site))] = p.read_bytes()
    return out


def test_serve_rebuilds_home_and_feed_like_a_clean_build(tmp_path):
    docs = copy_vault(tmp_path / "docs")
    (docs / "index.md").write_text("# 홈\n\n노트 모음.\n", encoding="utf-8")  # a home note of the vault's own
    edits = [
        ["write", "notes/새 노트.md", "---\ndate: 2025-05-05\ntags: [새태그]\n---\n\n새로 쓴 노트. NVIDIA 이야기.\n"],
        ["write", "notes/HBM outlook.md", "---\ntitle: HBM outlook\ndate: 2023-01-01\n---\n\nRedated.\n"],
        ["delete", "notes/web-image.md"],
    ]
    served = serve_sequence(docs, tmp_path, edits)
    home = soup_of(served, "index.html").select(".vs-home-latest li")
    titles = [li.select_one("a").get_text() for li in home]
    assert titles[:2] == ["새 노트", "undated"] and "Web image" not in titles and titles[-1] == "HBM outlook"
    feed = feedparser.parse((served / "feed.xml").read_bytes())
    assert [e.title for e in feed.entries][:2] == ["새 노트", "undated"]
    clean = build_as_served(docs, tmp_path / "clean", strict=True)
    a, b = _site_files(served), _site_files(clean)
    assert sorted(a) == sorted(b)
    assert [rel for rel in a if a[rel] != b[rel]] == []


# -- the core ----------------------------------------------------------------------------------

def test_summary_reads_the_opening_prose():
    body = ("#AI #반도체\n\n# 제목\n\n```\ncode\n```\n\n$$\nx^2\n$$\n\n%%\n숨긴 글\n%%\n\n| a | b |\n|---|---|\n\n"
            "key:: value\n\n[^1]: 각주\n\n---\n\n첫 문단의 **굵은** [[노트|링크]]와 [글](http://x).\n\n- 목록도 글이다\n")
    assert latest.summary(body) == "첫 문단의 굵은 링크와 글. 목록도 글이다"
    long = "단어 " * 200
    text = latest.summary(long, limit=50)
    assert len(text) <= 50 and text.endswith("…") and not text.endswith(" …")
    assert latest.summary("") == ""
    assert latest.summary("제목\x01에 제어 문자") == "제목에 제어 문자"


def _vault(files: dict[str, str], mtimes: dict[str, float] | None = None):
    sources = []
    for src, text in files.items():
        data = text.encode("utf-8")
        sources.append(Source(src, None, len(data), (mtimes or {}).get(src, 0.0), data=data))
    return build_vault(sources)


def test_latest_notes_order_dates_and_home():
    vault = _vault({
        "a.md": "---\ndate: 2025-01-02\n---\nA.\n",
        "b.md": "---\nupdated: 2025-03-01\n---\nB.\n",  # no date: its updated date is its date
        "c.md": "C, undated.\n",
        "d.md": "---\ndate: 2025-06\n---\nD.\n",
        "e.md": "---\ndate: 2027-01-01\npublish: false\n---\nE.\n",
        "Home.md": "---\ndate: 2030-01-01\n---\nHome.\n",
    }, {"c.md": datetime(2025, 2, 1, 8, 30, tzinfo=timezone.utc).timestamp()})
    got = [(n.src, w.date, w.from_file) for n, w in latest.latest_notes(vault)]
    assert got == [("d.md", "2025-06", False), ("b.md", "2025-03-01", False),
                   ("c.md", "2025-02-01", True), ("a.md", "2025-01-02", False)]
    assert latest.home_note(vault).src == "Home.md"
    assert [n.src for n, _ in latest.latest_notes(vault, 2)] == ["d.md", "b.md"]


def test_feed_bytes_do_not_depend_on_the_clock():
    vault = _vault({"a.md": "---\ndate: 2025-01-02\ntitle: A\n---\nA body.\n"})
    one = feeds(vault, site_url="", title="T")
    two = feeds(vault, site_url="", title="T")
    assert one == two and set(one) == {"feed.xml"}
    parsed = feedparser.parse(one["feed.xml"])
    assert parsed.feed.updated == "2025-01-02T00:00:00+00:00"
    empty = feedparser.parse(feeds(_vault({}), title="T")["feed.xml"])
    assert not empty.bozo and empty.entries == []


def test_first_image_order():
    vault = _vault({
        "n.md": "`![x](https://e.com/code.png)`\n\n![w](https://e.com/web.jpg)\n\n![[pic.png]]\n",
        "m.md": "![[pic.png]]\n\n![w](https://e.com/web.jpg)\n",
        "c.md": "---\ncover: pic.png\n---\n![w](https://e.com/web.jpg)\n",
        "s.md": "![[drawing.svg]]\n",
        "pic.png": "", "drawing.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    })
    by = {n.src: n for n in vault.notes}
    assert latest.first_image(vault, by["n.md"]) == ("url", "https://e.com/web.jpg")
    assert latest.first_image(vault, by["m.md"]) == ("file", "pic.png")
    assert latest.first_image(vault, by["c.md"]) == ("file", "pic.png")
    assert latest.first_image(vault, by["s.md"]) is None  # link cards do not show SVG
