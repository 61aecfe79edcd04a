"""The search index core (vaultsite.search): terms, a note's record, the index files, and
Material's index cut to its config."""
from __future__ import annotations

import json
import pickle
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultsite import search
from vaultsite.links import heading_anchors
from vaultsite.model import Note
from vaultsite.search import SearchRecord, note_record, page_record, shard_of, stem, terms, write_search_index

BODY = """삼성전자는 [[고대역폭메모리|HBM]]를 만든다. See [the report](https://example.com/x).

```python
코드안의문장 = 1
```

## 패키징 경쟁

TSMC의 CoWoS 패키징 용량이 **걸림돌**로 꼽힌다. The packaging capacity limits shipments.

## 패키징 경쟁

딥시크의 영향. ![[chart.png]]
"""


def _note(body=BODY, title="고대역폭메모리 시장", aliases=("하이밴드위스",)) -> Note:
    return Note(src="notes/HBM.md", title=title, body=body, format="obsidian", aliases=list(aliases))


def _weights(rec: SearchRecord) -> dict[str, tuple[int, int]]:
    return {t: (w, s) for t, w, s in zip(rec.terms.split("\0"), rec.weights, rec.sections_of)}


def test_hangul_runs_become_overlapping_bigrams():
    assert sorted(terms("삼성전자는")) == sorted(["삼성", "성전", "전자", "자는"])
    assert terms("칩") == ["칩"]  # a lone syllable is itself
    assert sorted(terms("HBM메모리를")) == sorted(["메모", "모리", "리를", "hbm"])
    # every query's bigrams are in the text: compound parts and particle-glued words
    for query, text in (("전자", "삼성전자는"), ("메모리", "고대역폭메모리"), ("딥시크", "딥시크의")):
        assert set(terms(query)) <= set(terms(text))


def test_words_are_lower_case_and_stemmed():
    assert terms("Limits SHIPMENTS of accelerators") == ["limit", "shipment", "of", "accelerator"]
    for a, b in (("limiting", "limits"), ("shipment", "shipments"), ("companies", "company"),
                 ("studied", "study"), ("running", "run"), ("stopped", "stop"), ("make", "making"),
                 ("classes", "class"), ("modeled", "models")):
        assert stem(a) == stem(b), (a, b)
    assert stem("this") == "this" and stem("gas") == "gas" and stem("hbm3e") == "hbm3e"
    assert stem("über") == "über"  # not ASCII: as it is


def test_shards_by_key():
    assert search.shard_key("deepseek") == "dee" and search.shard_key("전자") == "전자"
    # every word a three-letter prefix can match is in the prefix's shard
    assert shard_of("deepseek", 256) == shard_of("dee", 256) == shard_of("deep", 256)
    assert {shard_of(t, 64) for t in ("전자", "삼성", "메모", "리를", "a", "b", "c", "hbm")} != {0}
    assert all(0 <= shard_of(t, 16) < 16 for t in ("전자", "deepseek", "x"))  # the worker's FNV: tests/test_browser_search.py


def test_note_record_sections_follow_the_headings_and_their_anchors():
    rec = note_record(_note())
    anchors = heading_anchors(BODY)
    assert [s[0] for s in rec.sections] == ["", anchors["패키징 경쟁"], anchors["패키징 경쟁"] + "_1"]
    assert [s[1] for s in rec.sections] == ["", "패키징 경쟁", "패키징 경쟁"]
    top, packaging, second = (s[2] for s in rec.sections)
    assert "삼성전자는" in top and "HBM" in top
    assert "example.com" not in top and "코드안의문장" not in top  # URLs and code are not text
    assert "걸림돌" in packaging and "chart.png" not in second


def test_note_record_weights_title_and_aliases_over_headings_over_body():
    w = _weights(note_record(_note()))
    assert w["메모"][0] > w["패키"][0] > w["걸림"][0]  # title > heading > body
    assert w["하이"][0] >= search.W_TITLE  # an alias counts as the title
    assert w["걸림"] == (1, 1)  # found in the first "패키징 경쟁" section
    assert w["딥시"][1] == 2
    assert w["메모"][1] == 0  # a title word opens the page at its top
    assert "코드" not in w and "example" not in w


def test_note_record_is_a_pure_picklable_function_of_the_note():
    a, b = note_record(_note()), note_record(_note())
    assert a == b and pickle.loads(pickle.dumps(a)) == a
    assert note_record(_note(aliases=())) != a


def _pages(n=3):
    out = []
    for i in range(n):
        body = f"## 섹션{i}\n\n삼성전자{i} 문서 word{i} shared text.\n"
        out.append((f"notes/n{i}/", note_record(_note(body, title=f"노트 {i}", aliases=()))))
    return out


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_write_search_index_files(tmp_path):
    out = tmp_path / "idx"
    result = write_search_index(list(reversed(_pages())), out)
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta == {"format": search.FORMAT, "docs": 3, "shards": result.shards}
    assert result.pages == 3 and result.files == len(_files(out)) and result.bytes == sum(map(len, _files(out).values()))
    # documents numbered by their URLs' slots, whatever the order given
    numbers = search.doc_numbers(["notes/n0/", "notes/n1/", "notes/n2/"])
    assert sorted((out / "docs").iterdir()) == sorted(out / "docs" / f"{n}.json" for n in numbers)
    docs = [json.loads((out / "docs" / f"{n}.json").read_text(encoding="utf-8")) for n in numbers]
    assert [d[:2] for d in docs] == [["notes/n0/", "노트 0"], ["notes/n1/", "노트 1"], ["notes/n2/", "노트 2"]]
    shard = json.loads((out / "shards" / f"{shard_of('문서', result.shards)}.json").read_text(encoding="utf-8"))
    assert shard["문서"][0::3] == numbers  # doc, weight, section triples, in URL order
    assert shard["문서"][2::3] == [1, 1, 1]  # in each note's first heading's section
    sections = docs[1][2]
    assert sections[1][:2] == ["섹션1", "섹션1"] and "삼성전자1" in sections[1][2]


def test_write_search_index_is_deterministic_and_rewrites_only_changed_files(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write_search_index(_pages(), a)
    write_search_index(list(reversed(_pages())), b)
    assert _files(a) == _files(b)
    again = write_search_index(_pages(), a)
    assert again.written == 0
    pages = _pages()
    pages[1] = (pages[1][0], note_record(_note("## 섹션1\n\n새로운 내용 hello\n", title="노트 1", aliases=())))
    changed = write_search_index(pages, a)
    assert 0 < changed.written < changed.files
    # a note removed: its file goes
    fewer = write_search_index(_pages(2), a)
    gone = search.doc_numbers(["notes/n0/", "notes/n1/", "notes/n2/"])[2]
    assert fewer.pages == 2 and not (a / "docs" / f"{gone}.json").exists()
    write_search_index(_pages(2), tmp_path / "c")
    assert _files(a) == _files(tmp_path / "c")


def test_doc_numbers_are_slots_that_a_page_added_or_removed_barely_moves():
    urls = sorted(f"notes/{i:05d}/" for i in range(3000))
    numbers = search.doc_numbers(urls)
    assert len(set(numbers)) == 3000 and max(numbers) < 8192  # a table of 8,192 slots
    assert search.doc_numbers(urls) == numbers  # deterministic
    for new in ("notes/00042a/", "notes/01500a/", "notes/zzz/", "a/"):
        more = sorted(urls + [new])
        got = dict(zip(more, search.doc_numbers(more)))
        moved = [u for u, n in zip(urls, numbers) if got[u] != n]
        assert len(moved) <= 3, (new, moved)  # only URLs probing past the new one's slot
    # crossing a power of two renumbers (the table doubles): 4,096 -> 4,097 pages
    assert max(search.doc_numbers([f"u{i}" for i in range(4097)])) >= 8192


def test_a_page_added_rewrites_few_files(tmp_path):
    pages = [(f"notes/n{i}/", note_record(_note(f"## 섹션\n\n문서{i} word{i} 공유 내용 text{i % 7}\n", title=f"노트 {i}",
                                              aliases=()))) for i in range(400)]
    out = tmp_path / "idx"
    first = write_search_index(pages, out)
    added = write_search_index(pages + [("notes/n0a/", note_record(_note("새 노트 본문\n", title="새 노트", aliases=())))],
                               out, first.shards_written)
    # its own doc file, meta.json, the shards of its terms, and maybe a document or two moved
    assert added.written <= 3 + len(set(search.terms("새 노트 본문"))) + 4, added.written
    assert added.files == first.files + 1


def test_company_pages_are_found_by_name_and_aliases():
    rec = page_record("SK하이닉스", [("", "", "")], ["하이닉스", "000660"])
    w = _weights(rec)
    assert w["하이"][0] >= search.W_TITLE and w["000660"][0] >= search.W_TITLE


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


def test_search_pages_from_json(tmp_path):
    (tmp_path / "a.md").write_text("---\naliases: [에이]\n---\n본문 딥시크는\n", encoding="utf-8")
    data = {"notes": [{"src": "a.md", "url": "a/"}],
            "companies": [{"url": "companies/x/", "name": "엑스", "aliases": ["X corp"], "tickers": ["XX"]}]}
    pages = search.search_pages_from_json(data, tmp_path)
    assert [url for url, _ in pages] == ["a/", "companies/x/"]
    note, company = (search.unpack(rec) for _, rec in pages)
    assert "딥시" in note.terms.split("\0") and "에이" in note.terms.split("\0")
    assert "xx" in company.terms.split("\0")


def test_packed_records_write_the_same_index(tmp_path):
    """The build keeps records packed (one bytes object each, ``search.pack``): unpacked they
    are the records, and the index of packed records is the index of the records, byte for
    byte; equal records pack to equal bytes (the search key digests them)."""
    pages = [(f"notes/n{i}/", note_record(_note(f"## 섹션 {i}\n\n삼성전자 본문 {i} word{i}\n", title=f"노트 {i}")))
             for i in range(30)]
    packed = [(url, search.pack(rec)) for url, rec in pages]
    assert all(isinstance(rec, bytes) and search.unpack(rec) == pages[i][1] for i, (_, rec) in enumerate(packed))
    assert search.pack(note_record(_note("## 섹션 1\n\n삼성전자 본문 1 word1\n", title="노트 1"))) == packed[1][1]
    write_search_index(pages, tmp_path / "a")
    write_search_index(packed, tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    assert search.pages_key(packed) == search.pages_key(list(reversed(packed)))
    assert search.pages_key(packed) != search.pages_key(packed[1:])


def _write_counting(pages, out, known):
    """``write_search_index(pages, out, known)`` and every value it JSON-encoded."""
    encoded = []
    real = search._dumps
    search._dumps = lambda value: (encoded.append(value), real(value))[1]
    try:
        return write_search_index(pages, out, known), encoded
    finally:
        search._dumps = real


def test_shards_whose_postings_are_known_are_not_encoded_again(tmp_path):
    """``known`` (the last index's ``shards_written``): an unchanged shard is kept without
    encoding it; the result is the same files as a fresh index; a shard file gone or of another
    size is written again."""
    a = tmp_path / "a"
    first = write_search_index(_pages(), a)
    shard_names = {f"shards/{n}.json" for n in range(first.shards)}
    # (and the documents' files, of packed records)
    assert first.shards_written and shard_names <= set(first.shards_written)
    assert all(n.startswith("docs/") for n in set(first.shards_written) - shard_names)
    pages = _pages()
    pages[1] = (pages[1][0], note_record(_note("## 섹션1\n\n새로운 내용 hello\n", title="노트 1", aliases=())))
    changed, encoded = _write_counting(pages, a, first.shards_written)
    shard_encodes = [v for v in encoded if isinstance(v, dict) and "format" not in v]
    assert 0 < len(shard_encodes) < first.shards
    write_search_index(pages, tmp_path / "fresh")
    assert _files(a) == _files(tmp_path / "fresh")
    assert changed.files == first.files and changed.bytes == sum(len(b) for b in _files(a).values())
    # a kept shard file removed (or replaced) behind the index's back is written again
    gone = next(iter(changed.shards_written))
    (a / gone).unlink()
    write_search_index(pages, a, changed.shards_written)
    assert _files(a) == _files(tmp_path / "fresh")


def test_documents_whose_records_are_known_are_not_encoded_again(tmp_path):
    """A document of a packed record (as a build keeps them) known from the last index
    (``shards_written``) is neither encoded nor compared again; a changed one is; the files are
    a fresh index's, and a document file gone behind the index's back is written again."""
    a = tmp_path / "a"
    packed = [(url, search.pack(rec)) for url, rec in _pages(6)]
    first = write_search_index(packed, a)
    docs = {n for n in first.shards_written if n.startswith("docs/")}
    assert len(docs) == 6
    changed_rec = note_record(_note("## 섹션1\n\n새로운 내용 hello\n", title="노트 1", aliases=()))
    packed[1] = (packed[1][0], search.pack(changed_rec))
    again, encoded = _write_counting(packed, a, first.shards_written)
    doc_encodes = [v for v in encoded if isinstance(v, list)]
    assert doc_encodes == [[packed[1][0], changed_rec.title, changed_rec.sections]]
    write_search_index(packed, tmp_path / "fresh")
    assert _files(a) == _files(tmp_path / "fresh")
    gone = sorted(docs)[0]
    (a / gone).unlink()
    write_search_index(packed, a, again.shards_written)
    assert _files(a) == _files(tmp_path / "fresh")


# -- an index written since the last one ---------------------------------------------------------

_WORDS = ["삼성전자", "메모리", "고대역폭메모리", "딥시크는", "HBM", "market", "chips", "수요", "전망", "투자",
          "엔비디아", "공급망", "rates", "가격이", "AI"]


def _random_page(rng, url: str) -> tuple[str, bytes]:
    body = " ".join(rng.choice(_WORDS) for _ in range(rng.randrange(1, 30)))
    heading = f"## {rng.choice(_WORDS)}\n\n" if rng.random() < 0.5 else ""
    title = " ".join(rng.sample(_WORDS, 2))
    return url, search.pack(note_record(_note(heading + body + "\n", title=title, aliases=())))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.integers(0, 2**32 - 1), st.integers(1, 60),
       st.lists(st.sampled_from(["add", "add", "remove", "change", "rename", "nothing", "many"]), min_size=1, max_size=6))
def test_an_index_written_since_the_last_equals_one_written_afresh(tmp_path_factory, seed, n, kinds):
    """A cached build writes the search index from the last one (``known``), reading only the
    documents that changed: after any sequence of pages added, removed, changed or moved, every
    file is the bytes an index written from nothing has, and so is what it leaves for the next."""
    import random

    rng = random.Random(seed)
    pages = dict(_random_page(rng, f"notes/{i:03d}/") for i in range(n))
    out = tmp_path_factory.mktemp("since")
    saved = search.SHARD_BYTES
    search.SHARD_BYTES = 300  # a few dozen shards, their number changing as pages come and go
    try:
        last = write_search_index(list(pages.items()), out)
        for kind in kinds:
            urls = sorted(pages)
            if kind == "add" or not urls:
                url, rec = _random_page(rng, f"notes/{rng.randrange(10**6):06d}/")
                pages[url] = rec
            elif kind == "remove":
                del pages[rng.choice(urls)]
            elif kind == "change":
                url = rng.choice(urls)
                pages[url] = _random_page(rng, url)[1]
            elif kind == "rename":
                url = rng.choice(urls)
                pages["moved/" + url] = pages.pop(url)
            elif kind == "many":
                for url in rng.sample(urls, len(urls) // 2):
                    pages[url] = _random_page(rng, url)[1]
            got = write_search_index(list(pages.items()), out, last.shards_written)
            fresh_dir = tmp_path_factory.mktemp("fresh")
            fresh = write_search_index(list(pages.items()), fresh_dir)
            assert _files(out) == _files(fresh_dir), kind
            assert got.shards_written == fresh.shards_written and got.files == fresh.files, kind
            last = got
    finally:
        search.SHARD_BYTES = saved


def test_an_index_since_the_last_reads_only_the_pages_that_changed(tmp_path):
    """A page added to 400: its record is the only one read; a shard file not as the last index
    left it is noticed, and the whole index is made again, right."""
    import random

    rng = random.Random(3)
    pages = [_random_page(rng, f"notes/{i:03d}/") for i in range(400)]
    out = tmp_path / "idx"
    first = write_search_index(pages, out)
    assert first.read == 400
    more = pages + [_random_page(rng, "notes/new/")]
    added = write_search_index(more, out, first.shards_written)
    assert added.read <= 3  # the new page, and any page whose number its slot moved
    # a shard the page's removal rewrites, left by something else with the same size
    term = search.unpack(more[-1][1]).terms.split("\0")[0]
    shard = out / "shards" / f"{shard_of(term, added.shards)}.json"
    data = shard.read_bytes()
    shard.write_bytes(data.replace(b":", b" ", 1))
    again = write_search_index(pages, out, added.shards_written)
    assert again.read == 400  # noticed: everything read again
    write_search_index(pages, tmp_path / "fresh")
    assert _files(out) == _files(tmp_path / "fresh")
