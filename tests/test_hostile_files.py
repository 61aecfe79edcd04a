"""Issue 18, the files MkDocs itself mishandles: each reproduced in a hostile vault, then built.

* ``.mkd``/``.mkdn``/``.mdown`` notes go through the hooks (sanitised, in vault.json);
* ``x.md`` beside ``x.markdown`` and ``README.md`` beside ``index.md``: nothing dropped unseen;
* a file name that is not UTF-8 (CP949 bytes) is published under its decoded name;
* NFC and NFD copies of one name: one published, the other reported, no 404 in vault.json;
* a symlink loop is reported once and its files published once.
"""
from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from sitebuild import build

SCRIPT = '<script>window.__p1=1</script>\n\n<img src=x onerror="window.__p2=1">\n'


def _vault_json(site: Path) -> dict:
    return json.loads((site / "vault.json").read_text(encoding="utf-8"))


def _page(site: Path, url: str) -> Path:
    return site / unquote(url) / "index.html"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    work = tmp_path_factory.mktemp("hostile-files")
    docs = work / "docs"
    (docs / "clippings").mkdir(parents=True)
    (docs / "notes" / "deep").mkdir(parents=True)
    (docs / "index.md").write_text("# 홈\n\n[[post]] [[한글노트]]\n", encoding="utf-8")
    for ext in ("mkd", "mkdn", "mdown"):
        (docs / "clippings" / f"post-{ext}.{ext}").write_text(
            f"---\ntitle: post {ext}\ntemplate: evil.html\n---\n\n본문 {ext}.\n\n" + SCRIPT, encoding="utf-8")
    (docs / "notes" / "x.md").write_text("# x md\n\n엑스 md.\n", encoding="utf-8")
    (docs / "notes" / "x.markdown").write_text("# x markdown\n\n엑스 markdown.\n", encoding="utf-8")
    (docs / "notes" / "index.md").write_text("# 노트 색인\n", encoding="utf-8")
    (docs / "notes" / "README.md").write_text("# 노트 리드미\n\n리드미 본문.\n", encoding="utf-8")
    raw = os.fsencode(str(docs / "notes")) + b"/" + "메모".encode("cp949") + b".md"
    with open(raw, "wb") as fh:
        fh.write("# 메모\n\nCP949 이름의 노트.\n".encode("utf-8"))
    nfc = unicodedata.normalize("NFC", "한글노트.md")
    nfd = unicodedata.normalize("NFD", "한글노트.md")
    (docs / "notes" / nfc).write_text("# 한글노트\n\nNFC 본문.\n", encoding="utf-8")
    (docs / "notes" / nfd).write_text("# 한글노트\n\nNFD 본문.\n", encoding="utf-8")
    (docs / "notes" / "deep" / "leaf.md").write_text("# 잎\n\n깊은 노트.\n", encoding="utf-8")
    os.symlink(".", docs / "notes" / "selfloop")
    (docs / "att").mkdir()
    (docs / "att" / "chart.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="window.__s1=1"><script>window.__s2=1</script>'
        '<rect width="10" height="10"/><a href="javascript:alert(1)"><text>x</text></a></svg>', encoding="utf-8")
    (docs / "att" / "page.html").write_text(
        "<html><body><p>저장한 페이지</p><script>window.__h1=1</script><img src=x onerror=alert(1)></body></html>",
        encoding="utf-8")
    code, log, site = build(docs, work)
    return {"code": code, "log": log, "site": site, "vault": _vault_json(site) if code == 0 else None}


def test_builds(hostile):
    assert hostile["code"] == 0, hostile["log"][-3000:]


@pytest.mark.parametrize("ext", ["mkd", "mkdn", "mdown"])
def test_other_markdown_extensions_are_notes_and_sanitised(hostile, ext):
    notes = {n["src"]: n for n in hostile["vault"]["notes"]}
    note = notes[f"clippings/post-{ext}.{ext}"]
    html = _page(hostile["site"], note["url"]).read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "lxml")
    body = soup.select_one("article")
    assert f"본문 {ext}" in body.get_text()
    assert "__p1" not in str(body) and "onerror" not in str(body)
    assert "evil.html" not in html


def test_files_mkdocs_drops_are_published_or_reported(hostile):
    notes = {n["src"]: n for n in hostile["vault"]["notes"]}
    for src in ("notes/x.md", "notes/x.markdown", "notes/index.md", "notes/README.md"):
        assert src in notes, src
        assert _page(hostile["site"], notes[src]["url"]).exists(), src
    problems = [p["src"] for p in hostile["vault"]["problems"]]
    assert "notes/x.markdown" in problems or "notes/x.md" in problems
    assert "notes/README.md" in problems


def test_a_file_name_that_is_not_utf8_is_published_decoded(hostile):
    notes = {n["src"]: n for n in hostile["vault"]["notes"]}
    assert "notes/메모.md" in notes
    assert _page(hostile["site"], notes["notes/메모.md"]["url"]).exists()
    assert any(p["src"] == "notes/메모.md" and "not UTF-8" in p["problem"] for p in hostile["vault"]["problems"])


def test_nfc_and_nfd_twins(hostile):
    notes = [n for n in hostile["vault"]["notes"] if n["src"] == "notes/한글노트.md"]
    assert len(notes) == 1
    assert _page(hostile["site"], notes[0]["url"]).exists()
    for n in hostile["vault"]["notes"]:  # no vault.json URL is a 404
        assert _page(hostile["site"], n["url"]).exists() or n["url"] == "", n["url"]
    assert any("NFD" in p["problem"] and "한글노트" in p["src"] for p in hostile["vault"]["problems"])


def test_a_symlink_loop_is_reported_once_and_followed_once(hostile):
    srcs = [n["src"] for n in hostile["vault"]["notes"]]
    assert not any("selfloop" in s for s in srcs), [s for s in srcs if "selfloop" in s][:5]
    assert srcs.count("notes/deep/leaf.md") == 1
    loops = [p for p in hostile["vault"]["problems"] if "loop" in p["problem"]]
    assert len(loops) == 1 and loops[0]["src"] == "notes/selfloop", loops
    assert not (hostile["site"] / "notes" / "selfloop").exists()


def test_svg_and_html_attachments_are_published_without_scripts(hostile):
    svg = (hostile["site"] / "att" / "chart.svg").read_text(encoding="utf-8")
    assert "<rect" in svg
    assert "script" not in svg.lower() and "onload" not in svg and "javascript:" not in svg
    page = (hostile["site"] / "att" / "page.html").read_text(encoding="utf-8")
    assert "저장한 페이지" in page
    assert "__h1" not in page and "onerror" not in page
