"""The built seed site in a real browser, served under a sub-path like a GitHub project site.

The seed vault is built once into a temporary folder and served at
``http://127.0.0.1:PORT/repo/`` (anything outside ``/repo/`` is a 404, as it is for
``https://USER.github.io/REPO/``), then driven with Playwright and Debian's chromium.
"""
from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections import deque
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit

import pytest

from browsing import BROWSER, PREFIX, offline_page, serve_site
from sitebuild import ROOT, build


pytestmark = BROWSER

DEEPSEEK = "notes/DeepSeek/"
YOZM = "clippings/딥시크 넌 누구니 (요즘IT)/"
TISTORY = "clippings/딥시크 탄생과 AI 반도체 시장 영향 (티스토리)/"
BLOG_SHOCK = "clippings/AI 시장 딥시크 쇼크 (블로그)/"
BLOG_STOCKS = "clippings/딥시크와 미국 AI 관련주 (블로그)/"


# --- the site and its server -------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("browser-build")
    code, log, site_dir = build(ROOT / "docs", work)
    assert code == 0, log[-4000:]
    return site_dir


@pytest.fixture(scope="module")
def base(site):
    with serve_site(site) as url:
        yield url


@pytest.fixture(scope="module")
def vault(site):
    return json.loads((site / "vault.json").read_text(encoding="utf-8"))


@pytest.fixture
def page(browser):
    with offline_page(browser) as pg:  # nothing but the local server is reachable
        yield pg


def url(base: str, rel: str) -> str:
    return base + quote(rel)


def same_page(href: str, rel: str) -> bool:
    """Whether ``href`` (absolute URL) is the page ``rel`` under PREFIX, ignoring fragments."""
    path = unquote(urlsplit(href).path)
    return path.rstrip("/") == (PREFIX + rel).rstrip("/")


# --- pages -------------------------------------------------------------------

def test_home_page_loads(page, base):
    resp = page.goto(base)
    assert resp is not None and resp.status == 200
    assert page.title().startswith("리서치 노트")
    title = page.locator("article.md-content__inner h1").first
    title.wait_for(state="visible")
    assert title.inner_text().replace("¶", "").strip()
    header = page.locator(".md-header__topic").first
    assert header.is_visible() and "리서치 노트" in header.inner_text()
    assert page.js_errors == []


def test_home_document_title_not_doubled(page, base):
    page.goto(base)
    # Material writes "<page title> - <site name>"; on the home page that must not read "리서치 노트 - 리서치 노트".
    assert page.title() == "리서치 노트"


def test_outside_the_sub_path_is_404(base):
    root = base[: -len(PREFIX)] + "/"
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(root + "index.html", timeout=10)
    assert exc.value.code == 404


def _search(page, base, query: str) -> list[str]:
    page.goto(base)
    box = page.locator("input.md-search__input")
    label = page.locator("label[for=__search]").first
    if label.is_visible():  # narrow screens: the search icon opens the search box
        label.click()
    else:  # wide screens: the box is in the header
        box.click()
    box.wait_for(state="visible")
    items = page.locator(".md-search-result__item")
    # Material reads the query on keyup (and once when its search worker is ready). Hangul is
    # typed as text input without key events, so end with a real key; retype until results
    # show or 15 s pass.
    deadline = time.monotonic() + 15
    while True:
        box.fill("")
        box.fill(query)
        box.press("End")
        try:
            items.first.wait_for(state="attached", timeout=1_500)
            break
        except Exception:
            if time.monotonic() > deadline:
                return []
    page.wait_for_timeout(300)  # let the result list settle (it renders in batches)
    return page.eval_on_selector_all(".md-search-result__item a[href]", "els => els.map(a => a.href)")


SEARCHES = [
    pytest.param("딥시크", [YOZM, TISTORY, BLOG_SHOCK, BLOG_STOCKS], id="딥시크"),
    pytest.param("엔비디아", [YOZM, TISTORY, BLOG_SHOCK], id="엔비디아"),
    pytest.param("DeepSeek", [DEEPSEEK], id="DeepSeek"),
    # Nouns that occur in the seeds only with a particle glued on ("리소스를", "클러스터를", "패닉에").
    pytest.param("리소스", [YOZM], id="리소스(를)"),
    pytest.param("클러스터", [DEEPSEEK, TISTORY], id="클러스터(를)"),
    pytest.param("패닉", [BLOG_STOCKS], id="패닉(에)"),
]


@pytest.mark.parametrize("query, expected", SEARCHES)
def test_search_finds_seed_notes(page, base, query, expected):
    hrefs = _search(page, base, query)
    assert hrefs, f"no search results for {query!r}"
    found = [rel for rel in expected if any(same_page(h, rel) for h in hrefs)]
    assert found, f"{query!r}: none of {expected} in results {[unquote(h) for h in hrefs][:10]}"
    for h in hrefs:
        assert urlsplit(h).path.startswith(PREFIX), f"search result outside {PREFIX}: {h}"


def test_internal_links_navigate(page, base):
    page.goto(base)
    # (Material's instant navigation rewrites hrefs to absolute URLs: find links by their text.)
    page.locator("article.md-content__inner").get_by_role("link", name="노트", exact=True).first.click()
    page.wait_for_url(url(base, "notes/"))
    assert page.locator("article.md-content__inner h1").first.inner_text().strip() == "노트"
    page.locator("article.md-content__inner").get_by_role("link", name="DeepSeek", exact=True).first.click()
    page.wait_for_url(url(base, DEEPSEEK))
    h1 = page.locator("article.md-content__inner h1").first
    assert h1.inner_text().replace("¶", "").strip() == "DeepSeek"
    # An inline #tag written in the note is a link to the tag's own page.
    page.locator("article.md-content__inner a.vs-tag", has_text="#DeepSeek").first.click()
    page.wait_for_url(url(base, "tags/deepseek/"))
    assert page.locator("article.md-content__inner h1").first.inner_text().replace("¶", "").strip() == "#DeepSeek"
    assert page.js_errors == []


def test_tags_page_lists_seed_tags(page, base):
    resp = page.goto(url(base, "tags/"))
    assert resp is not None and resp.status == 200
    tags = [t.strip() for t in page.locator("article.md-content__inner .vs-tag-tree .md-tag").all_inner_texts()]
    assert "AI" in tags and "DeepSeek" in tags
    entry = page.locator("article.md-content__inner li#tag\\:deepseek")  # old tags/#tag:… links
    assert entry.count() == 1
    entry.locator("a.md-tag").first.click()
    page.wait_for_url(url(base, "tags/deepseek/"))
    listed = page.eval_on_selector_all("article.md-content__inner a[href]", "els => els.map(a => a.href)")
    assert any(same_page(h, DEEPSEEK) for h in listed)


def _pick_company(vault: dict, page) -> str:
    """A company with some but not all timeline events (NVIDIA if it qualifies)."""
    counts = page.evaluate("""() => {
        const all = [...document.querySelectorAll('.vs-event')];
        const out = {};
        for (const o of document.querySelectorAll('form[data-vs-filter] select[name=company] option')) {
            if (!o.value) continue;
            out[o.value] = all.filter(li => (' ' + li.dataset.companies + ' ').includes(' ' + o.value + ' ')).length;
        }
        return [all.length, out];
    }""")
    total, per = counts
    ok = [cid for cid, n in per.items() if 0 < n < total]
    assert ok, f"no company filters out anything: {per} of {total}"
    for cid in ("nvidia", *sorted(ok, key=lambda c: per[c])):
        if cid in ok:
            return cid
    raise AssertionError("unreachable")


def test_timeline_company_filter(page, base, vault):
    resp = page.goto(url(base, "timeline/"))
    assert resp is not None and resp.status == 200
    assert page.locator("article.md-content__inner h1").first.inner_text().strip() == "타임라인"
    # The index lists the years; the events are on a page a year.
    year = max({e["date"][:4] for e in vault["events"]},
               key=lambda y: (sum(1 for e in vault["events"] if e["date"][:4] == y), y))
    page.locator("article.md-content__inner a.vs-year-link", has_text=f"{year}년").first.click()
    page.wait_for_url(url(base, f"timeline/{year}/"))
    events = page.locator(".vs-event")
    total = events.count()
    assert total > 0
    select = page.locator("form[data-vs-filter] select[name=company]")
    select.wait_for(state="visible")
    cid = _pick_company(vault, page)
    select.select_option(cid)
    page.wait_for_function(
        "cid => [...document.querySelectorAll('.vs-event')].some(li => !li.offsetParent)", arg=cid)
    state = page.evaluate("""() => [...document.querySelectorAll('.vs-event')].map(li =>
        [li.dataset.companies || '', li.offsetParent !== null])""")
    shown = [c for c, visible in state if visible]
    hidden = [c for c, visible in state if not visible]
    assert shown, f"filter {cid}: nothing left"
    assert hidden, f"filter {cid}: nothing hidden"
    assert all(cid in c.split() for c in shown), f"filter {cid}: other companies still shown"
    assert not any(cid in c.split() for c in hidden), f"filter {cid}: own events hidden"
    assert f"company={cid}" in page.url
    # The choice rides along to another year (and to the index) in the query.
    other = page.locator("article.md-content__inner nav.vs-years a.vs-year-link").first
    if other.count():
        assert f"company={cid}" in other.get_attribute("href")
        other.click()
        page.wait_for_url(re.compile(r".*/timeline/\d{4}/\?company=" + re.escape(cid) + "$"))
        page.wait_for_function("cid => document.querySelector('form[data-vs-filter] select[name=company]').value === cid", arg=cid)
        state = page.evaluate("""() => [...document.querySelectorAll('.vs-event')].map(li =>
            [li.dataset.companies || '', li.offsetParent !== null])""")
        assert all(cid in c.split() for c, visible in state if visible)
        page.go_back()
        page.wait_for_url(re.compile(re.escape(url(base, f"timeline/{year}/"))))
        page.wait_for_function("() => document.querySelector('form[data-vs-filter]')")
    # Back to all.
    select = page.locator("form[data-vs-filter] select[name=company]")
    select.select_option("")
    page.wait_for_function("() => [...document.querySelectorAll('.vs-event')].every(li => li.offsetParent)")
    assert page.js_errors == []


def test_company_page(page, base, vault):
    companies = {c["id"]: c for c in vault["companies"]}
    company = companies.get("nvidia") or next(c for c in vault["companies"] if c.get("notes"))
    resp = page.goto(base + company["url"])
    assert resp is not None and resp.status == 200
    h1 = page.locator("article.md-content__inner h1").first
    assert h1.inner_text().replace("¶", "").strip() == company["name"]
    listed = page.eval_on_selector_all("article.md-content__inner a[href]", "els => els.map(a => a.href)")
    for note_url in company["notes"]:
        assert any(same_page(h, unquote(note_url)) for h in listed), f"{note_url} not listed on {company['url']}"


def test_404_page(page, base):
    resp = page.goto(base + "404.html")
    assert resp is not None and resp.status == 200
    art = page.locator("article.md-content__inner")
    assert "찾을 수 없습니다" in art.inner_text()
    links = page.eval_on_selector_all("article.md-content__inner a[href]", "els => els.map(a => a.href)")
    for rel in ("", "tags/", "timeline/", "missing/"):
        assert any(urlsplit(h).path in (PREFIX + rel, PREFIX + rel + ".") for h in links), (rel, links)


# --- links, statically and over HTTP -----------------------------------------

_SKIP = ("#", "mailto:", "javascript:", "data:", "tel:", "about:", "blob:")


def _refs(html: str) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    out = []
    for el in soup.find_all(True):
        for attr in ("href", "src"):
            ref = el.get(attr)
            if isinstance(ref, str) and ref.strip():
                out.append(ref.strip())
    return out


def test_no_absolute_root_links(site):
    bad = []
    for html in sorted(site.rglob("*.html")):
        for ref in _refs(html.read_text(encoding="utf-8")):
            if ref.startswith("/") and not ref.startswith("//"):
                bad.append(f"{html.relative_to(site)}: {ref}")
    assert not bad, f"{len(bad)} root-absolute links:\n" + "\n".join(bad[:40])


def _fetch(target: str) -> tuple[int, str, bytes]:
    parts = urlsplit(target)
    safe = quote(unquote(parts.path), safe="/!$&'()*+,;=:@~-._")
    req = urllib.request.Request(parts._replace(path=safe).geturl())
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers.get_content_type(), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, "", b""


def test_crawl_every_internal_link_is_200(site, base):
    pages = {base + quote(str(p.relative_to(site)).replace("\\", "/")) for p in site.rglob("*.html")}
    queue = deque(sorted(pages))
    seen_pages = set(queue)
    checked: dict[str, int] = {}
    broken: list[str] = []
    while queue:
        page_url = queue.popleft()
        status, ctype, body = _fetch(page_url)
        checked[page_url] = status
        if status != 200:
            broken.append(f"(page) {page_url} -> {status}")
            continue
        if ctype != "text/html":
            continue
        for ref in _refs(body.decode("utf-8", "replace")):
            if ref.startswith(_SKIP):
                continue
            target, _ = urldefrag(urljoin(page_url, ref))
            parts = urlsplit(target)
            if parts.netloc != urlsplit(base).netloc:
                continue  # external
            if not target or target in checked:
                if checked.get(target, 200) != 200:
                    broken.append(f"{unquote(page_url)} -> {ref}")
                continue
            code, ctype2, _ = _fetch(target)
            checked[target] = code
            if code != 200:
                broken.append(f"{unquote(page_url)} -> {ref} ({code})")
            elif ctype2 == "text/html" and target not in seen_pages:
                seen_pages.add(target)
                queue.append(target)
    assert len(seen_pages) > 20
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(broken[:40])


def test_hovering_an_internal_link_previews_its_target(page, base):
    page.goto(url(base, "companies/"))
    link = page.locator("article.md-content__inner table a").first
    name = link.inner_text().strip()
    link.hover()
    preview = page.locator(".vs-preview")
    preview.wait_for(state="visible", timeout=10_000)
    assert name in preview.locator("h1").inner_text()
    assert preview.locator("p").count() >= 1
    page.mouse.move(0, 0)
    preview.wait_for(state="detached", timeout=5_000)
    assert page.js_errors == []
