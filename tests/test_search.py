"""The search index core (vaultsite.search): Korean suffixes, the staging copy of a page,
Pagefind's bundle, and Material's index cut to its config."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from vaultsite import search
from vaultsite.search import AFTER_NUMBER, MARK, RUN_END, SearchPage, decode_hangul, encode_hangul, expand_html, expand_text, suffixes

PAGE = """<!doctype html><html lang="ko"><head><title>x</title></head><body>
<nav>메뉴 삼성전자</nav>
<article class="md-content__inner md-typeset">
<h1>삼성전자 실적</h1>
<p>삼성전자는 <a href="x" title="고대역폭메모리">HBM메모리를</a> 만든다.</p>
<pre><code>코드안의문장</code></pre>
<script>var 자바스크립트 = 1;</script>
<h2 id="s">딥시크</h2><p>run</p>
</article></body></html>"""


def test_suffixes_of_hangul_runs():
    assert suffixes("삼성전자는") == ["성전자는", "전자는", "자는"]
    assert suffixes("딥시크") == ["시크"]
    assert suffixes("딥시") == [] and suffixes("는") == [] and suffixes("DeepSeek") == []
    # a run after Latin letters counts from its first syllable
    assert suffixes("HBM메모리를") == ["메모리를", "모리를", "리를"]
    assert suffixes("(삼성전자)") == ["삼성전자", "성전자", "전자"]


def test_expand_text_marks_added_words():
    assert expand_text("삼성전자는 HBM") == f"삼성전자는 성전자는{MARK} 전자는{MARK} 자는{MARK} HBM"
    assert expand_text("no hangul here") == "no hangul here"


def test_hangul_is_written_in_digits_for_the_index():
    assert encode_hangul("가 힣") == f"00000{RUN_END} 11171{RUN_END}"
    assert encode_hangul("HBM메모리") == f"HBM036680375203500{RUN_END}"
    assert encode_hangul("2025년") == f"2025{AFTER_NUMBER}01348{RUN_END}"  # apart from a number before it
    assert decode_hangul(encode_hangul("10000원 1985년")) == "10000원 1985년"
    assert encode_hangul("no hangul 123") == "no hangul 123"
    text = "삼성전자는 (딥시크) 2025년 3월, A1칩"
    assert decode_hangul(encode_hangul(text)) == text
    # a syllable prefix is a digit prefix: what makes Pagefind's prefix search work
    assert encode_hangul("삼성전자는").startswith(encode_hangul("삼성").rstrip(RUN_END))


def test_expand_html_keeps_only_the_article_and_expands_its_text():
    raw = expand_html(PAGE, aliases=["하이 밴드위스"])
    text = re.sub(r"<[^>]*>", "", re.sub(r"<(pre|script)\b.*?</\1>", "", raw, flags=re.S))
    assert not re.search(r"[\uac00-\ud7a3]", text)  # text (not code) has Hangul only as digits
    out = decode_hangul(raw)
    assert "메뉴" not in out  # outside the article
    assert f"전자는{MARK}" in out
    assert 'title="고대역폭메모리"' in out  # attributes untouched
    assert f"메모리를{MARK}" in out
    assert "코드안의문장<" in raw and f"안의문장{MARK}" not in out  # code untouched
    assert "var 자바스크립트" in raw  # scripts untouched
    assert re.search(rf'</h1><p data-pagefind-weight="7">하이{MARK} 밴드위스{MARK} 드위스{MARK} 위스{MARK}</p>', out)
    assert out.startswith('<!doctype html><html lang="ko">')


def test_expand_html_title_only():
    out = decode_hangul(expand_html(PAGE, aliases=["Samsung"], body=False))
    assert "만든다" not in out and "딥시크" not in out
    assert re.search(r"<h1>삼성전자 .*실적</h1>", out)
    assert f"Samsung{MARK}" in out
    assert expand_html("<html><body><p>no article</p></body></html>") is None


def test_page_file():
    assert search.page_file("notes/%EB%94%A5/") == "notes/딥/index.html"
    assert search.page_file("") == "index.html"
    assert search.page_file("a.html#x") == "a.html"


@pytest.mark.skipif(search.pagefind_command() is None, reason="pagefind-bin not installed")
def test_build_search_index_writes_the_bundle(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text(PAGE, encoding="utf-8")
    (site / "pagefind").mkdir()
    (site / "pagefind" / "stale.txt").write_text("old")
    result = search.build_search_index(site, [SearchPage("a/"), SearchPage("missing/")])
    assert result.pages == 1
    assert any("missing/index.html" in p for p in result.problems)
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert not (site / "pagefind" / "stale.txt").exists()
    assert list((site / "pagefind" / "fragment").iterdir())
    # the published page is untouched
    assert (site / "a" / "index.html").read_text(encoding="utf-8") == PAGE


def test_shrink_material_index(tmp_path):
    p = tmp_path / "search_index.json"
    config = {"lang": ["ko"], "separator": "[\\s\\-]+", "pipeline": []}
    p.write_text(json.dumps({"config": config, "docs": [{"location": "", "text": "x" * 100000}]},
                            separators=(",", ":")), encoding="utf-8")
    assert search.shrink_material_index(p)
    assert json.loads(p.read_text(encoding="utf-8")) == {"config": config, "docs": []}
    other = tmp_path / "other.json"
    other.write_text('{"docs": []}')
    assert not search.shrink_material_index(other)
    assert not search.shrink_material_index(tmp_path / "absent.json")


def test_search_pages_from_json():
    data = {"notes": [{"url": "a/", "aliases": ["A"]}],
            "companies": [{"url": "companies/x/", "aliases": ["엑스"], "tickers": ["XX"]}]}
    pages = search.search_pages_from_json(data)
    assert pages == [SearchPage("a/", ["A"]), SearchPage("companies/x/", ["엑스", "XX"], body=False)]


def test_staging_on_every_core_writes_what_one_process_writes(tmp_path, monkeypatch):
    site, one, many = tmp_path / "site", tmp_path / "one", tmp_path / "many"
    jobs = []
    for i in range(5):
        (site / f"p{i}").mkdir(parents=True)
        (site / f"p{i}" / "index.html").write_text(PAGE.replace("실적", f"실적{i}"), encoding="utf-8")
        jobs.append((f"p{i}/index.html", [f"별칭{i}"], i % 2 == 0))
    jobs.append(("absent/index.html", [], True))
    monkeypatch.setattr(search, "STAGE_CHUNK", 2)
    parallel = search._stage_all(site, many, jobs)
    assert len(parallel) == 3
    assert search._stage(site, one, jobs) == (5, parallel[-1][1])
    assert sum(n for n, _ in parallel) == 5
    for i in range(5):
        rel = Path(f"p{i}") / "index.html"
        assert (many / rel).read_bytes() == (one / rel).read_bytes()
