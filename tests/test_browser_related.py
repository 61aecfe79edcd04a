"""In Chromium (offline): follow a related note, read a company page's mentions, sort the
companies index (issue 20, items 3 and 4).  Screenshots go to ``vaultsite-screens/`` in the
system's temporary folder (``VAULTSITE_SCREENS`` names another folder), to look at them."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

from browsing import BROWSER, PREFIX, offline_page, serve_site, shot
from sitebuild import build

pytestmark = BROWSER

VAULT = Path(__file__).parent / "fixtures" / "related_vault"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("related-browser")
    code, log, site_dir = build(VAULT, work)
    assert code == 0, log[-4000:]
    return site_dir


@pytest.fixture(scope="module")
def base(site):
    with serve_site(site) as url:
        yield url


@pytest.fixture
def page(browser):
    with offline_page(browser) as pg:  # nothing but the local server is reachable
        yield pg


def _path(href: str) -> str:
    return unquote(urlsplit(href).path)


def test_follow_a_related_note(page, base):
    page.goto(base + quote("notes/HBM 공급/"))
    box = page.locator("aside.vs-related-notes")
    box.scroll_into_view_if_needed()
    assert box.locator("h2").inner_text().strip() == "관련 노트"
    items = box.locator("li")
    assert items.count() == 5
    assert items.nth(0).locator(".vs-related-reason").inner_text().startswith("같은 기업: NVIDIA · 태그: #HBM")
    shot(page, "related-notes")
    items.nth(1).locator("a").click()  # AI 가속기: Material's instant navigation loads it
    page.wait_for_function("() => location.pathname.endsWith(encodeURI('/notes/AI 가속기/'))")
    page.wait_for_function("() => document.querySelector('article h1')?.textContent.includes('AI 가속기')")
    assert _path(page.url) == PREFIX + "notes/AI 가속기/"
    # the page reached has its own related notes, the note we came from first
    first = page.locator("aside.vs-related-notes li a").first
    assert first.inner_text() == "HBM 공급"
    assert page.js_errors == []


def test_read_a_company_pages_mentions(page, base):
    page.goto(base + "companies/NVIDIA/")
    notes = page.locator("ul.vs-mentions > li.vs-mention-note")
    assert notes.count() == 3
    hbm = notes.filter(has=page.locator("a", has_text="HBM 공급"))
    quotes = hbm.locator("li.vs-quote")
    assert quotes.count() == 3
    got = [(quotes.nth(i).locator(".vs-mention-kind").inner_text(), quotes.nth(i).locator(".vs-context").inner_text())
           for i in range(3)]
    assert got == [("링크", "SK하이닉스는 엔비디아에 HBM3E를 공급한다."),
                   ("텍스트", "엔비디아의 새 GPU가 나오면서 수요가 늘었다."),
                   ("텍스트", "하반기에도 엔비디아 물량이 이어진다.")]
    # linked and plain markers look different beyond colour: a solid and a dashed border
    styles = page.eval_on_selector_all(
        "li.vs-quote .vs-mention-kind", "els => els.map(e => getComputedStyle(e).borderTopStyle)")
    assert set(styles) == {"solid", "dashed"}
    notes.first.scroll_into_view_if_needed()
    shot(page, "company-mentions")
    assert page.js_errors == []


def _order(page) -> list[str]:
    return page.eval_on_selector_all("#vs-companies-known tbody tr", "rows => rows.map(r => r.dataset.name)")


def test_sort_the_companies_index(page, base):
    page.goto(base)  # reach the index by a link: Material's instant navigation, then document$
    page.locator("article a[href$='companies/']").first.click()
    page.wait_for_function("() => location.pathname.endsWith('/companies/')")
    bar = page.locator(".vs-sort")
    bar.wait_for(state="visible")
    assert _order(page) == ["NVIDIA", "SK hynix", "Samsung Electronics"]  # notes, most first
    bar.locator("button[data-sort='name']").click()
    assert _order(page) == ["NVIDIA", "Samsung Electronics", "SK hynix"]
    assert bar.locator("button[data-sort='name']").get_attribute("aria-pressed") == "true"
    assert "sort=name" in page.url
    bar.locator("button[data-sort='last']").click()
    assert _order(page) == ["NVIDIA", "SK hynix", "Samsung Electronics"]
    lasts = page.eval_on_selector_all("#vs-companies-known tbody tr td:nth-child(5)", "tds => tds.map(t => t.textContent)")
    assert lasts == sorted(lasts, reverse=True)
    shot(page, "companies-sorted")
    # a reload keeps the order chosen (it rides in the URL)
    page.goto(base + "companies/?sort=name")
    page.locator(".vs-sort").wait_for(state="visible")
    assert _order(page) == ["NVIDIA", "Samsung Electronics", "SK hynix"]
    assert page.js_errors == []
