"""Generated pages stay small (issue 19): the timeline is a page a year (a big year over several
pages, by whole months), each tag has a page of its notes, long folder and tag listings are
paginated; links, chips, the month index and ``vault.json`` point at the page an entry is on.
One real build of a generated vault spanning several years, one of them of more than
``TIMELINE_PAGE_SIZE`` events, many tags (nested too) and a folder of more than ``PAGE_SIZE``
notes."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import jsonschema
import pytest
from bs4 import BeautifulSoup

from sitebuild import build, schema
from vaultsite.build import (PAGE_SIZE, TIMELINE_PAGE_SIZE, event_timeline_urls, paged_srcs, tag_page_srcs,
                             timeline_anchor, timeline_pages)

N_ARCHIVE = PAGE_SIZE + 23
#: Notes of 2023 beside the archive's: two events each (the note's date, the dated sentence),
#: so that 2023 has more than ``TIMELINE_PAGE_SIZE`` events and takes two pages.
N_JOURNAL = TIMELINE_PAGE_SIZE // 2 - 20
YEARS = ["2021", "2022", "2023", "2024"]
COMPANIES = ["NVIDIA", "삼성전자", "TSMC"]
TOPICS = ["AI", "반도체", "메모리", "Deep Learning", "시장"]


def _vault(docs: Path) -> None:
    (docs / "archive").mkdir(parents=True)
    (docs / "notes").mkdir()
    for i in range(N_ARCHIVE):
        year = YEARS[i % len(YEARS)]
        month = i % 12 + 1
        tags = ["연구/기록", TOPICS[i % len(TOPICS)]]
        company = COMPANIES[i % len(COMPANIES)]
        body = f"{year}년 {month}월 {i % 27 + 1}일 {company}가 신제품 {i}호를 발표했다.\n"
        if i % 10 == 0:
            body += "\n본문 태그 #인라인태그 도 있다.\n"
        if i % 7 == 0:
            body += "\nNVIDIA, 삼성전자, TSMC, Apple, Intel 모두 나온다.\n"
        (docs / "archive" / f"기록 {i:04d}.md").write_text(
            "---\n" + f"title: 기록 {i:04d}\ndate: {year}-{month:02d}-01\ntags: {json.dumps(tags, ensure_ascii=False)}\n"
            + "---\n\n" + body, encoding="utf-8")
    (docs / "journal").mkdir()
    for i in range(N_JOURNAL):
        month = 12 - i * 12 // N_JOURNAL
        company = COMPANIES[i % len(COMPANIES)]
        (docs / "journal" / f"일지 {i:03d}.md").write_text(
            f"---\ntitle: 일지 {i:03d}\ndate: 2023-{month:02d}-{i % 27 + 1:02d}\ntags: [일지]\n---\n\n"
            f"2023년 {month}월 {i % 27 + 2}일 {company}가 공장 {i}호를 열었다.\n", encoding="utf-8")
    (docs / "notes" / "허브.md").write_text(
        "---\ntitle: 허브\ndate: 2020-05-05\ntags: [연구, Hub]\n---\n\n"
        "2019년 7월 1일 TSMC가 공장을 지었다. #투자/반도체/장비\n", encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("split")
    _vault(root / "docs")
    code, log, site = build(root / "docs", root, strict=True)
    assert code == 0, log[-4000:]
    return site


@pytest.fixture(scope="module")
def vault(site):
    return json.loads((site / "vault.json").read_text(encoding="utf-8"))


def soup_of(site: Path, url: str) -> BeautifulSoup:
    path = site / unquote(urlsplit(url).path) / "index.html"
    assert path.is_file(), f"no page at {url}"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def art(soup: BeautifulSoup):
    return soup.select_one("article.md-content__inner")


def target(page_url: str, href: str) -> str:
    """The site-relative URL (decoded, fragment kept) a relative ``href`` on ``page_url`` names."""
    full = urljoin("http://x/" + page_url, href)
    parts = urlsplit(full)
    return unquote(parts.path[1:]) + (("#" + unquote(parts.fragment)) if parts.fragment else "")


def listed(site: Path, url: str, selector: str = "ul.vs-listing a") -> list[str]:
    return [target(url, a["href"]) for a in art(soup_of(site, url)).select(selector)]


# -- the core ------------------------------------------------------------------------
def test_tag_page_srcs_unique_nested_and_reserved():
    got = tag_page_srcs(["AI", "ai!", "투자", "투자/반도체", "index", "page", "C++", "c"])
    assert got["AI"] == "tags/ai.md" and got["ai!"] == "tags/ai-2.md"
    assert got["투자/반도체"] == "tags/투자/반도체.md"
    assert got["index"] == "tags/index-tag.md" and got["page"] == "tags/page-tag.md"
    assert len(set(got.values())) == len(got)


def test_paged_srcs():
    assert paged_srcs("a/index.md", 0) == ["a/index.md"]
    assert paged_srcs("a/index.md", PAGE_SIZE) == ["a/index.md"]
    assert paged_srcs("a/index.md", PAGE_SIZE + 1) == ["a/index.md", "a/page/2.md"]
    assert paged_srcs("tags/ai.md", 2 * PAGE_SIZE + 1) == ["tags/ai.md", "tags/ai/page/2.md", "tags/ai/page/3.md"]


def test_raw_listings_put_back_on_every_page(site):
    """Generated pages' listings skip Markdown (render.lift_raw) and come back whole, also when
    the pages are built by forked workers (this vault is big enough for them)."""
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "vs-slot-" not in text and "vs-raw" not in text, path
    assert art(soup_of(site, "companies/nvidia/")).select("ul.vs-mentions li.vs-mention-note")


def test_the_navigation_cache_changes_no_byte(site, tmp_path_factory):
    """Notes outside the navigation share their folder's navigation HTML (vaultsite_mkdocs.
    navcache): the site is the one Material renders page by page."""
    root = tmp_path_factory.mktemp("no-nav-cache")
    _vault(root / "docs")
    code, log, plain = build(root / "docs", root, strict=True,
                             extra={"vaultsite": {"trust_html": False, "speedups": {"nav_cache": False}}})
    assert code == 0, log[-3000:]
    pages = sorted(p.relative_to(site) for p in site.rglob("*.html"))
    assert pages == sorted(p.relative_to(plain) for p in plain.rglob("*.html")) and len(pages) > N_ARCHIVE + N_JOURNAL
    assert [p for p in pages if (site / p).read_bytes() != (plain / p).read_bytes()] == []


def test_lift_raw_round_trip():
    from vaultsite.render import drop_raw_marks, lift_raw, put_back_raw
    md = "# T\n\n<!--vs-raw-->\n<ul>\n<li>a</li>\n</ul>\n<!--/vs-raw-->\n\ntext\n\n<!--vs-raw-->\n<p>b</p>\n<!--/vs-raw-->\n"
    lifted, blocks = lift_raw(md)
    assert blocks == ["<ul>\n<li>a</li>\n</ul>", "<p>b</p>"] and "<li>" not in lifted
    assert put_back_raw(lifted, blocks) == "# T\n\n\n<ul>\n<li>a</li>\n</ul>\n\n\ntext\n\n\n<p>b</p>\n\n"
    assert put_back_raw("<!--vs-slot-7-->", blocks) == ""  # a slot with no block: nothing
    assert lift_raw("plain") == ("plain", [])
    assert drop_raw_marks(md) == "# T\n\n<ul>\n<li>a</li>\n</ul>\n\ntext\n\n<p>b</p>\n"


# -- the timeline --------------------------------------------------------------------
def test_timeline_index_lists_years_with_counts(site, vault):
    facts = Counter(e["date"][:4] for e in vault["events"] if e["kind"] == "fact")
    rows = art(soup_of(site, "timeline/")).select("table.vs-timeline-years tbody tr")
    got = {tr.select_one("a.vs-year-link").get_text(strip=True): int(tr.select("td")[1].get_text()) for tr in rows}
    assert got == {f"{y}년": n for y, n in facts.items()} | {f"{y}년": 0 for y in {e["date"][:4] for e in vault["events"]} - set(facts)}
    assert set(YEARS) | {"2019", "2020"} <= {k[:4] for k in got}
    # the index has no events, only years and months
    assert not art(soup_of(site, "timeline/")).select(".vs-event")


def test_timeline_pages_by_whole_months():
    """A year of more than ``size`` events is split before the month that would overflow a
    page; only a month bigger than a page is cut; ``event_timeline_urls`` follows the cut."""
    dates = ["2024-05-01"] * 3 + ["2024-04-02"] * 5 + ["2024-03"] * 2 + ["2024"] + ["2023-01-01"] * 9 + ["2022"]
    events = [{"date": d} for d in dates]
    pages = timeline_pages(events, 4)
    assert [(p.src, p.start, p.end, p.months) for p in pages] == [
        ("timeline/2024.md", 0, 3, ("m-2024-05",)),
        ("timeline/2024/page/2.md", 3, 7, ("m-2024-04",)),
        ("timeline/2024/page/3.md", 7, 11, ("m-2024-03", "m-2024")),  # April's last event, March, the year
        ("timeline/2023.md", 11, 15, ("m-2023-01",)),
        ("timeline/2023/page/2.md", 15, 19, ()),
        ("timeline/2023/page/3.md", 19, 20, ()),
        ("timeline/2022.md", 20, 21, ("m-2022",)),
    ]
    urls = event_timeline_urls(events, pages)
    assert len(urls) == len(events)
    assert urls[2] == "timeline/2024/#m-2024-05" and urls[3] == "timeline/2024/page/2/#m-2024-04"
    assert urls[7] == "timeline/2024/page/3/#m-2024-04" and urls[10] == "timeline/2024/page/3/#m-2024"
    assert urls[19] == "timeline/2023/page/3/#m-2023-01" and urls[20] == "timeline/2022/#m-2022"
    # a year that fits is one page, whatever its months
    assert [p.src for p in timeline_pages(events, 100)] == ["timeline/2024.md", "timeline/2023.md", "timeline/2022.md"]


def _timeline_pages(site: Path, year: str) -> list[str]:
    """The pages of ``year``'s timeline, following its pager."""
    first = f"timeline/{year}/"
    return [first] + sorted({target(first, a["href"]) for a in art(soup_of(site, first)).select("nav.vs-pager a[href*='page/']")})


def test_every_event_on_its_timeline_page(site, vault):
    per_year = defaultdict(list)
    for e in vault["events"]:
        per_year[e["date"][:4]].append(e)
    assert len(per_year["2023"]) > TIMELINE_PAGE_SIZE  # the vault has a year to split
    for year, events in per_year.items():
        pages = _timeline_pages(site, year)
        assert (len(pages) > 1) == (len(events) > TIMELINE_PAGE_SIZE), year
        on_page = {}
        for p in pages:
            a = art(soup_of(site, p))
            items = a.select("li.vs-event")
            assert 0 < len(items) <= TIMELINE_PAGE_SIZE, p
            assert {li.time["datetime"][:4] for li in items} == {year}
            for sec in a.select("section.vs-month"):
                for li in sec.select("li.vs-event"):
                    text = li.select_one(".vs-event-text, a").get_text(strip=True)
                    on_page.setdefault((li.time["datetime"], text), []).append(p + "#" + sec["id"])
        assert sum(len(v) for v in on_page.values()) == len(events), year
        # vault.json names the page and month section each event is listed on
        for e in events:
            assert unquote(e["timeline"]) in on_page[(e["date"], e["text"])], e
            assert e["timeline"].split("#")[1] == timeline_anchor(e["date"])
    # a fact links back to its note
    li = art(soup_of(site, "timeline/2023/")).select_one("li.vs-event--fact")
    note = target("timeline/2023/", li.select_one("a.vs-event-source")["href"])
    assert soup_of(site, note).select_one("article h1").get_text(strip=True).startswith(("기록", "일지"))


def test_month_index_links_to_the_page_of_each_month(site, vault):
    """Every page of a split year has the whole year's month index, and each month links to
    the page it begins on; so does the timeline's index."""
    pages = _timeline_pages(site, "2023")
    assert len(pages) == 2
    months = sorted({timeline_anchor(e["date"]) for e in vault["events"] if e["date"][:4] == "2023"}, reverse=True)
    first_page = {}
    for e in vault["events"]:  # newest first: the first seen is on the page the month begins
        if e["date"][:4] == "2023":
            first_page.setdefault(timeline_anchor(e["date"]), unquote(e["timeline"]).split("#")[0])
    for p in pages:
        nav = art(soup_of(site, p)).select("nav.vs-months a")
        links = [target(p, a["href"]) for a in nav]
        assert [x.split("#")[1] for x in links] == months, p
        for x in links:
            page, anchor = x.split("#")
            assert page == first_page[anchor], (p, x)
            assert art(soup_of(site, page)).find("section", id=anchor) is not None
        # links to the year's other page carry the filter's query (the script looks for the class)
        for a in nav:
            assert ("vs-year-link" in (a.get("class") or [])) == (target(p, a["href"]).split("#")[0] != p)
    index = {target("timeline/", a["href"]) for a in art(soup_of(site, "timeline/")).select("td a.vs-year-link[href*='#']")}
    assert {x for x in index if x.startswith("timeline/2023")} == {first_page[m] + "#" + m for m in months if m != "m-2023"}


def test_split_year_pages_share_filters_and_pager(site, vault):
    first, second = _timeline_pages(site, "2023")
    forms = [art(soup_of(site, p)).select_one("form[data-vs-filter=timeline]") for p in (first, second)]
    options = [[o["value"] for o in f.select("select option")] for f in forms]
    assert options[0] == options[1]  # the whole year's choices on every page
    events = [e for e in vault["events"] if e["date"].startswith("2023")]
    assert {o for o in options[0] if o} == {c for e in events for c in e["companies"]} | {t for e in events for t in e["tags"]}
    for here, other in ((first, second), (second, first)):
        a = art(soup_of(site, here))
        links = {target(here, x["href"]) for x in a.select("nav.vs-pager a") if "년" not in x.get_text()}
        assert other in links, here
        assert all("vs-year-link" in x["class"] for x in a.select("nav.vs-pager a")), here
        assert a.select_one(".vs-filter-empty.vs-hidden") is not None
        assert "1/2" in a.select_one(".vs-lead").get_text() or "2/2" in a.select_one(".vs-lead").get_text()


def test_no_tooltips_on_listing_entries(site):
    """Material mounts a tooltip on every ``[title]`` in the content at load: the generated
    listings give their entries none (a chip's ``+N`` names the rest in ``data-more``)."""
    for url in ("timeline/2023/", "timeline/2023/page/2/", "missing/", "archive/", "tags/", "timeline/"):
        assert not art(soup_of(site, url)).select("[title]:not(a.headerlink)"), url
    more = [x for p in _timeline_pages(site, "2023") for x in art(soup_of(site, p)).select(".vs-chip--more")]
    assert more and all(x["data-more"] for x in more)


def test_long_pager_is_windowed():
    from vaultsite.render import PAGER_WINDOW, _pager

    srcs = paged_srcs("a/index.md", 30 * PAGE_SIZE)
    assert len(_pager(srcs, 0)) < PAGER_WINDOW
    got = _pager(srcs, 14)
    assert [p.get("n") for p in got] == [1, None, 12, 13, 14, 15, 16, 17, 18, None, 30]
    assert [p["n"] for p in got if p.get("current")] == [15]
    assert [p["n"] for p in _pager(srcs[:PAGER_WINDOW], 3)] == list(range(1, PAGER_WINDOW + 1))


def test_year_page_filter_markup(site, vault):
    a = art(soup_of(site, "timeline/2022/"))
    form = a.select_one("form.vs-filter[data-vs-filter=timeline]")
    companies = {o["value"] for o in form.select("select[name=company] option") if o["value"]}
    tags = {o["value"] for o in form.select("select[name=tag] option") if o["value"]}
    events = [e for e in vault["events"] if e["date"].startswith("2022")]
    assert companies == {c for e in events for c in e["companies"]} and "nvidia" in companies
    assert tags == {t for e in events for t in e["tags"]}
    for li in a.select("li.vs-event"):
        assert li.has_attr("data-companies") and li.has_attr("data-tags") and li["data-kind"] in ("fact", "note")
    # the other years and the index are links the script carries the filter's query along
    years = [target("timeline/2022/", x["href"]) for x in a.select("nav.vs-years a.vs-year-link")]
    assert "timeline/2023/" in years and "timeline/2021/" in years
    assert form.find_parent("article") is not None


# -- tags ----------------------------------------------------------------------------
def test_tag_pages_list_their_notes(site, vault):
    notes = {n["url"]: n for n in vault["notes"]}
    for tag in vault["tags"]:
        url = tag["url"]
        assert url.startswith("tags/") and "#" not in url
        got = []
        first = soup_of(site, url)
        pager = [target(url, x["href"]) for x in art(first).select("nav.vs-pager a")]
        pages = [url] + sorted(set(pager) - {url})
        for p in pages:
            entries = listed(site, p)
            assert len(entries) <= PAGE_SIZE
            got += entries
        assert sorted(got) == sorted(unquote(u) for u in tag["notes"]), tag["name"]
        assert len(pages) == -(-len(tag["notes"]) // PAGE_SIZE) or (not tag["notes"] and len(pages) == 1)
        assert all(unquote(u) in {unquote(k) for k in notes} for u in got)


def test_big_tag_is_paginated(site, vault):
    tag = next(t for t in vault["tags"] if t["name"] == "연구")
    assert len(tag["notes"]) == N_ARCHIVE + 1
    assert soup_of(site, tag["url"] + "page/2/") is not None


def test_tags_index_nests_and_counts(site, vault):
    a = art(soup_of(site, "tags/"))
    li = a.find("li", id="tag:연구")
    assert li is not None
    child = li.find("li", id="tag:연구/기록")
    assert child is not None and child.select_one("a.md-tag").get_text(strip=True) == "기록"
    counts = {t["name"]: len(t["notes"]) for t in vault["tags"]}
    assert int(li.select_one(":scope > .vs-count").get_text()) == counts["연구"]
    deep = a.find("li", id="tag:투자/반도체/장비")
    assert deep is not None and deep.find_parent("li", id="tag:투자/반도체") is not None
    for x in a.select("a.md-tag"):
        url = target("tags/", x["href"])
        assert soup_of(site, url) is not None
    # the nested tag's page links to its parent, the parent's to its children
    sub = art(soup_of(site, next(t["url"] for t in vault["tags"] if t["name"] == "연구/기록")))
    assert any(x.get_text(strip=True) == "연구" for x in sub.select(".vs-lead a.md-tag"))


def test_note_chips_and_inline_tags_reach_tag_pages(site, vault):
    by_name = {t["name"]: unquote(t["url"]) for t in vault["tags"]}
    note = next(n for n in vault["notes"] if n["title"] == "기록 0010")
    soup = soup_of(site, note["url"])
    chips = {x.get_text(strip=True): target(unquote(note["url"]), x["href"]) for x in soup.select("nav.md-tags a.md-tag")}
    assert chips == {t: by_name[t] for t in note["tags"]}
    inline = soup.select_one("article a.vs-tag")
    assert inline.get_text() == "#인라인태그"
    assert target(unquote(note["url"]), inline["href"]) == by_name["인라인태그"]
    hub = next(n for n in vault["notes"] if n["title"] == "허브")
    deep = soup_of(site, hub["url"]).select_one("article a.vs-tag")
    assert target(unquote(hub["url"]), deep["href"]) == by_name["투자/반도체/장비"]


# -- folders -------------------------------------------------------------------------
def test_big_folder_is_paginated(site, vault):
    first, second = listed(site, "archive/"), listed(site, "archive/page/2/")
    assert len(first) == PAGE_SIZE and len(second) == N_ARCHIVE - PAGE_SIZE
    want = sorted(unquote(n["url"]) for n in vault["notes"] if n["src"].startswith("archive/"))
    assert sorted(first + second) == want
    pager = {target("archive/page/2/", x["href"]) for x in art(soup_of(site, "archive/page/2/")).select("nav.vs-pager a")}
    assert pager == {"archive/"}
    lead = art(soup_of(site, "archive/")).select_one(".vs-lead").get_text()
    assert str(N_ARCHIVE) in lead and "1/2" in lead


def test_vault_json_valid(vault):
    jsonschema.Draft202012Validator(schema()).validate(vault)
    assert all(e["timeline"].startswith("timeline/") for e in vault["events"])


def test_missing_notes_paginated_in_core():
    """The missing-notes page (7,000 entries on the benchmark vault) is paginated too."""
    from vaultsite.build import Source, build_vault
    from vaultsite.render import generated_pages

    n = PAGE_SIZE + 5
    body = "\n".join(f"- [[없는 노트 {i:04d}]]" for i in range(n))
    vault = build_vault([Source("notes/허브.md", None, data=("# 허브\n\n" + body + "\n").encode())])
    pages = generated_pages(vault, set())
    assert {"missing.md", "missing/page/2.md"} <= set(pages)
    first = BeautifulSoup(pages["missing.md"], "lxml").select("table.vs-missing-list tbody tr")
    second = BeautifulSoup(pages["missing/page/2.md"], "lxml").select("table.vs-missing-list tbody tr")
    assert len(first) == PAGE_SIZE and len(second) == 5
    a = second[0].select_one("a")
    assert unquote(a["href"]) == "../../../notes/허브/" and a.get_text() == "허브"


def test_company_listing_paginated_in_core():
    """A company every note mentions (3,800 notes on the benchmark vault) lists its first
    ``PAGE_SIZE`` notes on its page and the rest on ``companies/<id>/page/2.md``, ..."""
    from vaultsite.build import Source, build_vault, generated_page_srcs
    from vaultsite.render import generated_pages

    n = PAGE_SIZE + 3
    sources = [Source(f"notes/n{i:04d}.md", None,
                      data=f"---\ndate: 2024-01-{i % 28 + 1:02d}\n---\n\nNVIDIA가 {i}번째 칩을 냈다.\n".encode())
               for i in range(n)]
    vault = build_vault(sources)
    src = vault.company_pages["nvidia"]
    second = src[:-3] + "/page/2.md"
    assert second in generated_page_srcs(vault)
    pages = generated_pages(vault, set())
    first_items = BeautifulSoup(pages[src], "lxml").select("ul.vs-mentions li.vs-mention-note")
    rest = BeautifulSoup(pages[second], "lxml").select("ul.vs-mentions li.vs-mention-note")
    assert len(first_items) == PAGE_SIZE and len(rest) == 3
    titles = {li.a.get_text() for li in first_items} | {li.a.get_text() for li in rest}
    assert len(titles) == n
    pager = BeautifulSoup(pages[second], "lxml").select("nav.vs-pager a")
    assert {a["href"] for a in pager} == {"../../"}  # the pager above and below the listing


def test_event_chips_capped(site):
    """An event shows at most three company chips (and ``+N``); the filter still sees all."""
    seen = 0
    for li in art(soup_of(site, "timeline/2023/")).select("li.vs-event"):
        chips = li.select("a.vs-chip--company, span.vs-chip--company")
        names = li["data-companies"].split()
        assert len(chips) == min(3, len(names))
        more = li.select_one(".vs-chip--more")
        assert (more is not None) == (len(names) > 3)
        if more is not None:
            assert more.get_text() == f"+{len(names) - 3}"
            seen += 1
    assert seen  # some events name more than three companies


# -- in the browser ------------------------------------------------------------------
from browsing import BROWSER, serve_site  # noqa: E402


@BROWSER[0]
@BROWSER[1]
def test_filter_rides_across_a_split_year(site, browser, tmp_path):
    """A company chosen on the first page of a split year holds on its next page (the pager
    carries the query) and on that page's month links; the '+N' chip names the rest on hover."""
    with serve_site(site) as base:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(base + "timeline/2023/")
        page.select_option("form[data-vs-filter] select[name=company]", "nvidia")
        page.wait_for_url("**/timeline/2023/?company=nvidia")
        shown = page.evaluate("() => [...document.querySelectorAll('.vs-event')].filter(li => li.offsetParent)"
                              ".map(li => li.dataset.companies)")
        assert shown and all("nvidia" in c.split() for c in shown)
        page.click("nav.vs-pager a[href*='page/2']")
        page.wait_for_url("**/timeline/2023/page/2/?company=nvidia")
        page.wait_for_function("() => document.querySelector('form[data-vs-filter] select[name=company]').value === 'nvidia'")
        state = page.evaluate("() => [...document.querySelectorAll('.vs-event')].map(li => [li.dataset.companies, !!li.offsetParent])")
        assert any(v for _, v in state) and any(not v for _, v in state)
        assert all("nvidia" in c.split() for c, v in state if v)
        # the month index's links to the first page carry the choice back
        back = [h for h in page.eval_on_selector_all("nav.vs-months a", "els => els.map(a => a.href)") if "/page/" not in h]
        assert back and all("company=nvidia" in h for h in back)
        # the '+N' chip: no title, its companies shown by CSS on hover
        page.select_option("form[data-vs-filter] select[name=company]", "")
        more = page.locator(".vs-chip--more").first
        more.scroll_into_view_if_needed()
        more.hover()
        shown_after = page.evaluate("el => getComputedStyle(el, '::after').content", more.element_handle())
        assert more.get_attribute("data-more") in shown_after
        page.screenshot(path=str(tmp_path / "split-year.png"))
        assert errors == []
        page.close()
