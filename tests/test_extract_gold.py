"""Companies and events on a mixed vault, measured against what a careful reader extracts.

``tests/fixtures/extract_vault/`` holds finance notes and notes on programming and electrical
engineering, in Korean and English, full of ``용어(ABBR)`` terms, tickers in every form,
metadata dates, data tables and chronologies.  ``extract_vault.gold.yml`` beside it lists what
a careful reader takes from them.  The core build runs on the vault; precision and recall of
(note, company) pairs and of dated facts are printed and must both be at least 95%.
"""
from __future__ import annotations

import re
from collections import defaultdict

import pytest
import yaml
from bs4 import BeautifulSoup

from sitebuild import ROOT, build
from vaultsite.build import Cache, build_vault, scan_dir
from vaultsite.textutil import fold

VAULT = ROOT / "tests" / "fixtures" / "extract_vault"
GOLD = yaml.safe_load((ROOT / "tests" / "fixtures" / "extract_vault.gold.yml").read_text(encoding="utf-8"))
THRESHOLD = 0.95
_SUFFIX = re.compile(r",?\s*(?:Inc\.?|Corp\.?|Corporation|Co\.,?\s*Ltd\.?|Ltd\.?|AG|GmbH|N\.V\.|Co\.?)$")


def _spellings(company) -> set[str]:
    names = [company.name, *company.aliases, *company.tickers]
    return {fold(n) for n in names} | {fold(_SUFFIX.sub("", n)) for n in names}


def _gold_names(entry) -> list[str]:
    return entry if isinstance(entry, list) else [entry]


def _scores(tp: int, n_out: int, n_gold: int) -> tuple[float, float]:
    return (tp / n_out if n_out else 1.0), (tp / n_gold if n_gold else 1.0)


@pytest.fixture(scope="module")
def vault():
    return build_vault(scan_dir(str(VAULT)), Cache())


def company_figures(vault):
    by_id = {c.id: c for c in vault.registry.companies()}
    out = {(src, cid) for src, ids in vault.note_companies.items() for cid in ids}
    tp, missed, matched = 0, [], set()
    n_gold = 0
    for src, want in GOLD["notes"].items():
        for entry in want["companies"]:
            n_gold += 1
            keys = {fold(n) for n in _gold_names(entry)}
            hit = [(s, cid) for s, cid in out if s == src and keys & _spellings(by_id[cid])]
            if hit:
                tp += 1
                matched.update(hit)
            else:
                missed.append((src, entry))
    extra = sorted((s, by_id[cid].name) for s, cid in out - matched)
    return _scores(tp, len(out), n_gold), missed, extra


def discovered_figures(vault):
    found = [c for c in vault.registry.companies() if c.discovered and c.id in vault.company_pages]
    gold = [fold(n) for n in GOLD["discovered"]]
    right = [c for c in found if set(gold) & _spellings(c)]
    missed = [n for n in GOLD["discovered"] if not any(fold(n) in _spellings(c) for c in found)]
    wrong = sorted(c.name for c in found if c not in right)
    return _scores(len(right), len(found), len(gold)), missed, wrong


def event_figures(vault):
    out = defaultdict(list)
    for e in vault.events:
        if e["kind"] == "fact":
            out[vault.by_url[e["note"]].src].append(e)
    n_out = sum(len(v) for v in out.values())
    tp, missed, n_gold = 0, [], 0
    for src, want in GOLD["notes"].items():
        pool = list(out.get(src, []))
        for date, needle in want["events"]:
            n_gold += 1
            hit = next((e for e in pool if e["date"] == str(date) and str(needle) in e["text"]), None)
            if hit is None:
                missed.append((src, str(date), str(needle)))
            else:
                tp += 1
                pool.remove(hit)
        out[src] = pool
    extra = [(src, e["date"], e["text"]) for src, pool in out.items() for e in pool]
    return _scores(tp, n_out, n_gold), missed, extra


def test_gold_covers_every_note(vault):
    assert len(vault.notes) >= 30
    assert {n.src for n in vault.notes} == set(GOLD["notes"])


def test_company_precision_recall(vault):
    (p, r), missed, extra = company_figures(vault)
    (dp, dr), dmissed, dwrong = discovered_figures(vault)
    print(f"\ncompanies (note, company) pairs: precision {p:.1%} recall {r:.1%}")
    print(f"discovered companies: precision {dp:.1%} recall {dr:.1%}")
    print("  missed:", missed, "\n  extra:", extra, "\n  discovery missed:", dmissed, "\n  wrong:", dwrong)
    assert p >= THRESHOLD and r >= THRESHOLD, (missed, extra)
    assert dp >= THRESHOLD, dwrong  # an invented company is the failure this guards against


def test_event_precision_recall(vault):
    (p, r), missed, extra = event_figures(vault)
    print(f"\nevents: precision {p:.1%} recall {r:.1%}")
    print("  missed:", missed, "\n  extra:", extra)
    assert p >= THRESHOLD and r >= THRESHOLD, (missed, extra)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("extract-site")
    code, log, site = build(VAULT, work)
    assert code == 0, log[-3000:]
    return site


def test_companies_page_lists_found_companies_with_evidence(site):
    """The real MkDocs build: registry companies in the table, discovered ones in their own
    section, each with the sentence that named it and a link to its note."""
    import json

    import jsonschema

    from sitebuild import schema

    soup = BeautifulSoup((site / "companies" / "index.html").read_text(encoding="utf-8"), "lxml")
    section = soup.find(id="found-in-notes")
    assert section is not None and "노트에서 발견된 기업" in section.get_text()
    found = {tr.select_one("td a").get_text(strip=True): tr for tr in soup.select("tr.vs-found")}
    assert set(found) >= {"Analog Devices", "LG에너지솔루션", "한솔케미칼", "Meituan", "Siemens"}
    assert not set(found) & {"속도", "시간", "특징", "Counter Mode", "Canadian Dollars", "메모리", "반도체"}
    row = found["Analog Devices"]
    assert "NASDAQ: ADI" in row.select_one(".vs-evidence").get_text()
    assert row.select_one("a.vs-evidence-source").get_text(strip=True) == "ADC 기초"
    main = soup.select("table.vs-companies:not(.vs-companies--found) tbody tr")
    assert "NVIDIA" in {tr.select_one("td a").get_text(strip=True) for tr in main}
    assert not {tr.select_one("td a").get_text(strip=True) for tr in main} & set(found)
    data = json.loads((site / "vault.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema()).validate(data)
    adi = next(c for c in data["companies"] if c["name"] == "Analog Devices")
    assert adi["discovered"] and "NASDAQ: ADI" in adi["evidence"] and adi["evidence_note"].startswith("ee/")
    texts = []  # the timeline is a page a year
    for year_page in sorted((site / "timeline").glob("*/**/index.html")):  # a big year has page/2/...
        timeline = BeautifulSoup(year_page.read_text(encoding="utf-8"), "lxml")
        texts += [li.get_text(" ", strip=True) for li in timeline.select("li.vs-event--fact")]
    assert any("젠슨 황" in t for t in texts) and not any("작성 날짜" in t for t in texts)
