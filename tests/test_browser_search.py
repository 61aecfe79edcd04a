"""Search in a real browser: Material's search box answering from vaultsite's chunked index.

The seed vault plus the notes in ``tests/fixtures/search_vault/`` (compound words, an alias,
sections) is built once and served under ``/repo/`` like a GitHub project site; queries are
typed into Material's search box in Debian's chromium.
"""
from __future__ import annotations

import json
import re
import shutil
import time
from urllib.parse import unquote, urlsplit

import pytest

from sitebuild import ROOT, build
from browsing import BROWSER
from browsing import PREFIX, serve_site, shot
from test_browser import same_page

pytestmark = BROWSER

FIXTURES = ROOT / "tests" / "fixtures" / "search_vault"
HBM = "notes/HBM 시장/"
DEEPSEEK = "notes/DeepSeek/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("search-build")
    docs = work / "docs"
    shutil.copytree(ROOT / "docs", docs)
    shutil.copytree(FIXTURES / "notes", docs / "notes", dirs_exist_ok=True)
    code, log, site_dir = build(docs, work)  # the default: vaultsite's index
    assert code == 0, log[-4000:]
    assert (site_dir / "search" / "vaultsite" / "meta.json").is_file(), log[-4000:]
    return site_dir


@pytest.fixture(scope="module")
def base(site):
    with serve_site(site) as url:
        yield url


@pytest.fixture(scope="module")
def material_base(tmp_path_factory):
    """The seed site built with ``extra.vaultsite.search: material``: no index of ours."""
    work = tmp_path_factory.mktemp("material-search-build")
    code, log, site_dir = build(ROOT / "docs", work, extra={"vaultsite": {"search": "material"}})
    assert code == 0, log[-4000:]
    assert not (site_dir / "search" / "vaultsite").exists()
    with serve_site(site_dir) as url:
        yield url


@pytest.fixture(scope="module")
def vault(site):
    return json.loads((site / "vault.json").read_text(encoding="utf-8"))


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
    context.route(re.compile(r"^(?!http://127\.0\.0\.1[:/]).*"), lambda route: route.abort())
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors  # type: ignore[attr-defined]
    requests: list = []
    pg.on("requestfinished", lambda req: requests.append(req))
    pg.finished_requests = requests  # type: ignore[attr-defined]
    try:
        yield pg
    finally:
        context.close()


def search(page, base, query: str) -> list[dict]:
    """Type ``query`` into Material's search box; the result links (page links and section
    links) in order, each with its href, its heading and its excerpt."""
    page.goto(base)
    page.wait_for_load_state("networkidle")
    box = page.locator("input.md-search__input")
    box.click()
    # Material reads the query on keyup; Hangul arrives as text input, so end with a real key.
    box.fill(query)
    box.press("End")
    page.locator(".md-search-result__item").first.wait_for(state="attached", timeout=10_000)
    page.wait_for_timeout(300)
    return page.eval_on_selector_all(
        ".md-search-result__item a.md-search-result__link",
        """els => els.map(a => ({href: a.href,
              title: (a.querySelector('h1, h2') || {}).textContent || '',
              text: a.innerText, html: a.innerHTML}))""")


def pages_of(results: list[dict]) -> list[str]:
    """The pages (site-relative, decoded) in result order, each once."""
    out: list[str] = []
    for r in results:
        path = unquote(urlsplit(r["href"]).path)
        assert path.startswith(PREFIX), f"search result outside {PREFIX}: {r['href']}"
        rel = path[len(PREFIX):]
        if rel not in out:
            out.append(rel)
    return out


def found(results, rel: str) -> bool:
    return any(same_page(r["href"], rel) for r in results)


def test_material_index_is_only_its_config(site):
    """The browser no longer downloads every page's text: Material's index keeps its config."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["docs"] == [] and index["config"]["separator"]


def test_particles_are_ignored(page, base, vault):
    """``딥시크`` finds every seed note that only has it with a particle (``딥시크는``, ``딥시크의``)."""
    with_particle = []
    for note in vault["notes"]:
        text = (ROOT / "docs" / note["src"]).read_text(encoding="utf-8", errors="replace") \
            if (ROOT / "docs" / note["src"]).is_file() else ""
        if re.search(r"딥시크[는의]", text):
            with_particle.append(unquote(note["url"]))
    assert with_particle
    results = search(page, base, "딥시크")
    for rel in with_particle:
        assert found(results, rel), f"딥시크: {rel} not in {pages_of(results)}"
    assert page.js_errors == []


@pytest.mark.parametrize("query", ["전자", "메모리", "대역폭"])
def test_compound_parts_are_found(page, base, query):
    """``전자`` finds ``삼성전자는``, ``메모리`` and ``대역폭`` find ``고대역폭메모리``."""
    results = search(page, base, query)
    assert found(results, HBM), f"{query}: {HBM} not in {pages_of(results)}"


def test_title_ranks_above_body(page, base):
    """``메모리`` is in the title of the HBM note and in the body of the DeepSeek note."""
    results = search(page, base, "메모리")
    order = pages_of(results)
    assert order[0] == HBM, order
    assert DEEPSEEK in order, order


def test_alias_finds_the_note(page, base):
    results = search(page, base, "하이밴드위스")
    assert pages_of(results)[:1] == [HBM]


@pytest.mark.parametrize("query", ["limiting", "shipment"])
def test_english_is_stemmed(page, base, query):
    """The note says ``limits shipments``."""
    assert found(search(page, base, query), HBM)


def test_excerpt_highlights_the_word(page, base):
    results = search(page, base, "걸림돌")
    shot(page, "search-results")
    section = [r for r in results if same_page(r["href"], HBM) and "#" in r["href"]]
    assert section, results
    assert "<mark>" in section[0]["html"] and "걸림돌" in section[0]["text"]
    assert section[0]["title"].strip() == "패키징 경쟁"


def test_result_opens_the_section(page, base, site):
    """A section result opens the page at that heading."""
    html = (site / "notes" / "HBM 시장" / "index.html").read_text(encoding="utf-8")
    anchor = re.search(r'<h2 id="([^"]+)">패키징 경쟁', html).group(1)
    results = search(page, base, "걸림돌")
    links = page.locator(".md-search-result__item a.md-search-result__link[href*='#']")
    hrefs = [r["href"] for r in results if "#" in r["href"]]
    assert hrefs and unquote(hrefs[0]).endswith("#" + anchor), hrefs
    links.first.click(timeout=30_000)
    page.wait_for_function("location.hash.length > 1 && !document.querySelector('[data-md-toggle=search]')?.checked",
                           timeout=30_000)
    assert unquote(urlsplit(page.url).fragment) == anchor
    heading = page.locator(f"h2[id='{anchor}']")
    page.wait_for_timeout(300)
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < 900 / 2, box  # scrolled to the heading
    assert page.js_errors == []


def test_first_search_downloads_little(page, base):
    """What a first search fetches: the index's meta, the shards of the word, the results' texts."""
    page.goto(base)
    page.wait_for_load_state("networkidle")
    loaded = len(page.finished_requests)
    box = page.locator("input.md-search__input")
    box.click()
    started = time.monotonic()
    box.fill("딥시크")
    box.press("End")
    page.locator(".md-search-result__item").first.wait_for(state="attached", timeout=10_000)
    elapsed = time.monotonic() - started
    page.wait_for_load_state("networkidle")
    search_bytes = 0
    for req in page.finished_requests:
        if "/search/" in req.url or req in page.finished_requests[loaded:]:
            search_bytes += req.sizes()["responseBodySize"]
    assert search_bytes < 1_000_000, search_bytes
    assert elapsed < 5, elapsed  # the 5,000-note figure is measured by tests/bench/run_bench.py


def test_material_search_answers_without_our_index(page, material_base):
    """Without vaultsite's index the worker hands over to Material's own search and index."""
    results = search(page, material_base, "딥시크")
    assert found(results, "clippings/딥시크 넌 누구니 (요즘IT)/"), pages_of(results)
    assert page.js_errors == []


STEM_WORDS = ["limiting", "limits", "shipments", "shipment", "companies", "studied", "studying", "running",
              "stopped", "make", "making", "classes", "boxes", "this", "gas", "use", "uses", "used", "hbm3e",
              "über", "deepseek", "accelerators", "fuzzed", "ties", "seeing"]
SHARD_TERMS = ["전자", "삼성", "메모", "칩", "deepseek", "dee", "a", "hbm3e", "über", "中国", "日本"]


def test_worker_makes_terms_as_the_index_does(page, base):
    """The worker's stemmer, shard hash and query terms are the Python ones (vaultsite.search)."""
    from vaultsite.search import shard_of, stem, terms

    page.goto(base)
    page.add_script_tag(url=base + "assets/javascripts/workers/vaultsite-search.js")
    assert page.evaluate("words => words.map(stem)", STEM_WORDS) == [stem(w) for w in STEM_WORDS]
    for shards in (16, 1024):
        got = page.evaluate("([n, ts]) => { meta = {shards: n}; return ts.map(shardOf); }", [shards, SHARD_TERMS])
        assert got == [shard_of(t, shards) for t in SHARD_TERMS]
    slots = page.evaluate("q => parse(q).slots.map(s => s.alts)", "딥시크는 삼성전자 Limiting HBM3E")
    # particles go; a compound is its bigrams; words are stemmed
    assert [a for s in slots for a in s] == terms("딥시크") + terms("삼성전자") + terms("Limiting HBM3E")
    assert page.evaluate("q => parse(q).slots[0].alts", "칩")[:2] == ["칩", "칩은"]  # a lone syllable
    assert page.evaluate("q => parse(q).slots.map(s => s.prefix)", "deep see") == [None, "see"]
    assert page.js_errors == []
