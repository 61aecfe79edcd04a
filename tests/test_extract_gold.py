"""Companies and events on a mixed vault, measured against what a careful reader extracts.

``tests/fixtures/extract_vault/`` holds finance notes and notes on programming and electrical
engineering, in Korean and English, full of ``용어(ABBR)`` terms, tickers in every form,
metadata dates, data tables and chronologies.  ``extract_vault.gold.yml`` beside it lists what
a careful reader takes from them.  The core build runs on the vault; precision and recall of
(note, company) pairs and of dated facts are printed and must both be at least 95%.
"""
from __future__ import annotations

import re
import shutil
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
