"""Every link form of the links fixture vault, built with the real hooks and checked in the HTML."""
from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest
from bs4 import BeautifulSoup

from sitebuild import ROOT, build, schema, tree_hash

VAULT = ROOT / "tests" / "fixtures" / "links_vault"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("links")
    docs = work / "docs"
    shutil.copytree(VAULT, docs)
    # macOS writes Hangul file names decomposed: make sure one really is NFD on disk.
    nfc_name = docs / "notes" / "한글노트.md"
    nfd_name = docs / "notes" / (unicodedata.normalize("NFD", "한글노트") + ".md")
    if nfc_name.exists() and not nfd_name.exists():
        nfc_name.rename(nfd_name)
    before = tree_hash(docs)
    code, log, site = build(docs, work)
    assert code == 0, log[-3000:]
    assert tree_hash(docs) == before
    return {"site": site, "log": log}


def article(site: Path, rel: str):
    soup = BeautifulSoup((site / rel / "index.html").read_text(encoding="utf-8"), "lxml")
    art = soup.select_one("article.md-content__inner")
    for a in art.select("a.headerlink"):
        a.decompose()
    return art


def link_by_text(art, text):
    for a in art.find_all("a"):
        if a.get_text(strip=True) == text:
            return a
    raise AssertionError(f"no link {text!r}")


def target_of(site: Path, page_rel: str, href: str) -> tuple[Path, str]:
    parts = urlsplit(href)
    path = (site / page_rel / unquote(parts.path)).resolve()
    if path.is_dir():
        path = path / "index.html"
    return path, unquote(parts.fragment)


@pytest.mark.parametrize("text, page, anchor", [
    ("Alpha", "notes/Alpha", ""),
    ("알파 노트", "notes/Alpha", ""),
    ("Alpha > 한국어 제목 테스트", "notes/Alpha", "한국어-제목-테스트"),
    ("요약", "notes/Alpha", "개요"),
    ("로컬 제목", "notes/Beta", "로컬-제목"),
    ("Alpha > ^block1", "notes/Alpha", "^block1"),
    ("sub/Gamma", "sub/Gamma", ""),
    ("알파", "notes/Alpha", ""),
    ("한글노트", "notes/한글노트", ""),
    ("Meeting", "notes/Meeting", ""),  # same folder wins over archive/Meeting
    ("rel", "notes/Alpha", ""),
    ("enc", "notes/Alpha Two", ""),
    ("noext", "notes/Alpha", ""),
    ("hugo", "notes/Alpha Two", ""),
    ("별칭", "notes/Alpha", ""),  # [[Alpha\|별칭]] inside a table
    ("감마 폴더", "sub", ""),  # a link to a folder reaches its index page
])
def test_link_resolves_to_page_and_anchor(site, text, page, anchor):
    art = article(site["site"], "notes/Beta")
    a = link_by_text(art, text)
    path, frag = target_of(site["site"], "notes/Beta", a["href"])
    assert path == (site["site"] / page / "index.html").resolve(), a["href"]
    assert frag == anchor
    if anchor:
        target = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        assert target.find(id=anchor) is not None, f"#{anchor} missing in {page}"


def test_missing_notes_are_text_not_links(site):
    art = article(site["site"], "notes/Beta")
    missing = {s.get_text(strip=True): s["title"] for s in art.select(".vs-missing")}
    assert "없는 노트" in missing and "작성되지 않은" in missing["없는 노트"]
    assert "시황" in missing  # Hugo permalink to a note that does not exist
    assert "etc" in missing and "docs/" in missing["etc"]  # path traversal refused


def test_embeds(site):
    art = article(site["site"], "notes/Beta")
    imgs = art.select("img")
    widths = [(i.get("width"), i.get("height")) for i in imgs if i["src"].endswith("chart.png")]
    assert (None, None) in widths and ("300", None) in widths and ("300", "200") in widths
    for img in imgs:
        path, _ = target_of(site["site"], "notes/Beta", img["src"])
        assert path.exists(), img["src"]
    # ![[report.pdf]] and ![[report.pdf#page=3]]: a viewer (the page kept) and a download link.
    viewers = [f["src"] for f in art.select(".vs-pdf iframe")]
    assert any(h.endswith("report.pdf") for h in viewers) and any(h.endswith("report.pdf#page=3") for h in viewers)
    for src in viewers:
        assert target_of(site["site"], "notes/Beta", src)[0].exists(), src
    pdfs = [a["href"] for a in art.select(".vs-pdf a.vs-file")]
    assert len(pdfs) == len(viewers) and all(h.endswith("report.pdf") for h in pdfs)
    placeholders = [s.get_text() for s in art.select(".vs-missing-file")]
    assert "missing.png" in placeholders
    assert not (site["site"] / "etc").exists()
    embeds = art.select(".vs-embed")
    section = [e for e in embeds if "개요" in e.select_one(".vs-embed-title").get_text()]
    assert section and "개요 섹션" in section[0].get_text() and "다음 섹션" not in section[0].get_text()
    whole = [e for e in embeds if e.select_one(".vs-embed-title").get_text(strip=True) == "Alpha"]
    assert whole and "다음 섹션" in whole[0].get_text()


def test_embed_cycles_stop_with_a_link(site):
    a = article(site["site"], "cycle/A")
    assert a.select_one(".vs-embed .vs-embed-cycle a") is not None
    s = article(site["site"], "cycle/Self")
    assert s.select_one(".vs-embed-cycle a") is not None


def test_code_stays_literal(site):
    art = article(site["site"], "notes/Beta")
    codes = " ".join(c.get_text() for c in art.find_all("code"))
    assert "[[Alpha]]" in codes and "#notatag" in codes
    assert "#인라인태그" in [a.get_text() for a in art.select("a.vs-tag")]


def test_backlinks_and_vault_json(site):
    art = article(site["site"], "notes/Alpha")
    back = [a.get_text(strip=True) for a in art.select(".vs-backlinks a")]
    assert back == ["Beta"]
    data = json.loads((site["site"] / "vault.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema()).validate(data)
    beta = next(n for n in data["notes"] if n["src"] == "notes/Beta.md")
    targets = {l["raw"]: l["target"] for l in beta["links"]}
    assert targets["[[없는 노트]]"] is None
    assert targets["[[Alpha#한국어 제목 테스트]]"].endswith("#한국어-제목-테스트")
    missing = {m["target"] for m in data["missing"]}
    assert {"없는 노트", "시황"} <= missing
    problems = " ".join(p["problem"] for p in data["problems"])
    assert "ambiguous note name 'meeting'" in problems and "outside docs/" in problems
    assert any(n["src"] == "notes/한글노트.md" for n in data["notes"])  # NFC in the index


def test_ambiguity_reported_once_as_info(site):
    # Two notes named Meeting in different folders: normal in Obsidian, which resolves them
    # by path as we do, so it is reported once, as info, and does not fail --strict.
    data = json.loads((site["site"] / "vault.json").read_text(encoding="utf-8"))
    found = [p for p in data["problems"] if "ambiguous note name 'meeting'" in p["problem"]]
    assert len(found) == 1 and found[0]["level"] == "info"
    assert "ambiguous note name" not in site["log"]


def test_a_refused_link_is_reported_once_per_link(site):
    # Beta.md has two links out of docs/ (a Markdown link and an embed); rendering the page
    # resolves them again, which must not report them again.
    assert site["log"].count("link '../../etc/passwd' points outside docs/; refused") == 2
