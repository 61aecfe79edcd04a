"""A rebuild that reuses link resolutions (``mkdocs serve``) gives what a fresh build gives.

``build_vault`` keeps each note's resolved links with the index keys they read
(``NoteFacts.links``) and reuses them when no note or attachment filed under one of
those keys changed.  These tests edit small vaults (names shared by several notes,
titles and aliases, headings, attachments, folder links, links that are refused)
and compare every link, backlink, missing note and problem with a build from an
empty cache.
"""
from __future__ import annotations

import pickle

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultsite import companies
from vaultsite.build import Cache, Source, build_vault

FOLDERS = ["", "a/", "a/b/", "c/"]
NAMES = ["Alpha", "알파", "Beta", "노트", "Gamma Note"]
LINKS = [
    "[[Alpha]]", "[[알파]]", "[[Beta|b]]", "[[노트#요약]]", "[[Alpha#Heading]]", "[[a/Alpha]]", "[[b/Beta]]",
    "[[Gamma Note]]", "[[gamma-note]]", "![[chart.png]]", "![[a/chart.png|100]]", "[[#요약]]", "[[../Alpha]]",
    "[t](Alpha.md)", "[t](../Beta.md)", "[t](a/)", "[t](b/)", "[t](/posts/gamma-note/)", "[t](chart.png)",
    "[t](../../outside.md)", "[[Beta^blk]]", "[[Alpha.md]]", "[[노트.txt]]",
]
BODY_PARTS = LINKS + ["## Heading", "## 요약", "text ^blk", "\n", "문장이다. "]

note_paths = st.builds(lambda f, n, e: f + n + e, st.sampled_from(FOLDERS), st.sampled_from(NAMES),
                       st.sampled_from([".md", ".md", ".txt"]))
attachment_paths = st.builds(lambda f: f + "chart.png", st.sampled_from(FOLDERS))
bodies = st.lists(st.sampled_from(BODY_PARTS), max_size=8).map(" ".join)
front = st.one_of(st.just(""), st.builds(lambda t: f"---\ntitle: {t}\n---\n", st.sampled_from(NAMES)),
                  st.builds(lambda a: f"---\naliases: [{a}]\n---\n", st.sampled_from(NAMES)))
note_text = st.builds(lambda fm, b: fm + b + "\n", front, bodies)

edits = st.lists(st.one_of(
    st.tuples(st.just("write"), note_paths, note_text),
    st.tuples(st.just("write"), attachment_paths, st.just("PNG")),
    st.tuples(st.just("delete"), st.one_of(note_paths, attachment_paths), st.just("")),
), min_size=1, max_size=6)


def _sources(files: dict[str, tuple[str, int]]) -> list[Source]:
    out = []
    for src, (text, version) in sorted(files.items()):
        data = text.encode("utf-8")
        out.append(Source(src, None, len(data), float(version), data=data))
    return out


def _target(t) -> tuple:
    return (t.kind, t.note.src if t.note else None, t.file, t.anchor, t.name, t.width, t.height)


def snapshot(vault) -> dict:
    return {
        "links": {src: [(r.raw, r.text, _target(r.target), r.embed, r.start, r.end) for r in recs]
                  for src, recs in vault.links.items()},
        "backlinks": vault.backlinks,
        "missing": vault.missing,
        "problems": [(p.src, p.problem, p.level) for p in vault.problems],
        "pages": {n.src: n.page_src for n in vault.notes},
    }


def _build(files, cache):
    return build_vault(_sources(files), cache, registry=companies.Registry.load())


def check_steps(initial: dict[str, str], steps: list[list[tuple[str, str, str]]], pickled: bool = False) -> int:
    """Apply each step's edits; after each, the reusing build must equal a fresh one.
    ``pickled``: the cache goes through pickle between builds, as the build cache keeps it
    (the link records packed: ``LinkMemo.__reduce__``)."""
    files = {src: (text, 0) for src, text in initial.items()}
    cache = Cache()
    _build(files, cache)
    reused = 0
    for n, step in enumerate(steps, 1):
        for op, src, text in step:
            if op == "write":
                files[src] = (text, n)
            else:
                files.pop(src, None)
        if pickled:
            cache.facts, cache.link_state = pickle.loads(pickle.dumps((cache.facts, cache.link_state)))
        before = {f.links for f in cache.facts.values()}
        incremental = _build(files, cache)
        reused += sum(1 for f in cache.facts.values() if f.links is not None and f.links in before)
        fresh = _build(files, Cache())
        assert snapshot(incremental) == snapshot(fresh), step
    return reused


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.one_of(note_paths, attachment_paths), note_text, min_size=1, max_size=8),
       st.lists(edits, min_size=1, max_size=3))
def test_reused_resolution_equals_a_fresh_build(initial, steps):
    check_steps(initial, steps)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.one_of(note_paths, attachment_paths), note_text, min_size=1, max_size=8),
       st.lists(edits, min_size=1, max_size=3))
def test_reused_resolution_equals_a_fresh_build_through_pickle(initial, steps):
    check_steps(initial, steps, pickled=True)


def test_link_records_pickled_packed_and_made_when_read():
    """``LinkMemo`` pickles its records as one string and the notes they point to; they are
    made again when first read, pointing to the very notes unpickled with them."""
    files = {"Alpha.md": ("## Heading\n[[Beta]] ![[chart.png|300]] [[없는 노트]] [[Beta#x|별칭]]\n", 0),
             "Beta.md": ("[[Alpha#Heading]]\n", 0), "chart.png": ("", 0)}
    cache = Cache()
    vault = _build(files, cache)
    want = {src: [(r.raw, r.text, _target(r.target), r.embed, r.start, r.end) for r in recs]
            for src, recs in vault.links.items()}
    facts = pickle.loads(pickle.dumps(cache.facts))
    # (the raw links too: one string, made when read)
    raw = next(f.raw_links for f in facts.values() if f.note.src == "Alpha.md")
    assert type(raw).__name__ == "PackedRows" and raw.rows is None
    assert list(raw) == next(f.raw_links for f in cache.facts.values() if f.note.src == "Alpha.md")
    memo = next(f.links for f in facts.values() if f.note.src == "Alpha.md")
    assert memo._records is None and memo._packed is not None
    lazy = memo.lazy()
    assert memo._records is None  # not made yet
    got = [(r.raw, r.text, _target(r.target), r.embed, r.start, r.end) for r in lazy]
    assert got == want["Alpha.md"] and lazy == memo.records and len(lazy) == len(got)
    beta = next(f.note for f in facts.values() if f.note.src == "Beta.md")
    assert memo.records[0].target.note is beta
    # A build from the unpickled cache reuses the resolutions without making the records.
    cache.facts, cache.link_state = pickle.loads(pickle.dumps((cache.facts, cache.link_state)))
    again = _build(files, cache)
    assert all(f.links._records is None for f in cache.facts.values() if f.links is not None)
    assert snapshot(again) == snapshot(_build(files, Cache()))


def test_unaffected_notes_reuse_and_affected_ones_do_not():
    initial = {
        "Alpha.md": "## Heading\n[[Beta]] [[노트#요약]]\n",
        "Beta.md": "[[Alpha#Heading]]\n",
        "노트.md": "## 요약\n[[없는 노트]]\n",
        "Other.md": "[[Beta]] ![[chart.png]]\n",
    }
    files = {src: (text, 0) for src, text in initial.items()}
    cache = Cache()
    _build(files, cache)
    memos = {f.note.src: f.links for f in cache.facts.values()}

    files["없는 노트.md"] = ("이제 있다.\n", 1)  # a missing target appears
    vault = _build(files, cache)
    after = {f.note.src: f.links for f in cache.facts.values()}
    assert after["Alpha.md"] is memos["Alpha.md"] and after["Beta.md"] is memos["Beta.md"]
    assert after["노트.md"] is not memos["노트.md"]  # its link now finds the new note
    assert [r.target.kind for r in vault.links["노트.md"]] == ["note"]
    assert after["Other.md"] is memos["Other.md"]

    files["a/chart.png"] = ("PNG", 2)  # an attachment of the same name elsewhere
    files["노트.md"] = ("## 정리\n", 2)  # the heading [[노트#요약]] pointed at is gone
    vault = _build(files, cache)
    again = {f.note.src: f.links for f in cache.facts.values()}
    assert again["Other.md"] is not after["Other.md"]
    assert again["Alpha.md"] is not after["Alpha.md"]
    assert [r.target.anchor for r in vault.links["Alpha.md"] if r.target.kind == "note"] == ["", ""]
    assert again["Beta.md"] is after["Beta.md"]
    assert snapshot(vault) == snapshot(_build(files, Cache()))


def test_ambiguity_and_refusals_are_reported_again_when_reused():
    initial = {
        "a/Alpha.md": "x\n", "c/Alpha.md": "y\n",
        "Beta.md": "[[Alpha]] [t](../../outside.md)\n",
        "Gamma Note.md": "z\n",
    }
    files = {src: (text, 0) for src, text in initial.items()}
    cache = Cache()
    first = _build(files, cache)
    files["Gamma Note.md"] = ("changed\n", 1)
    second = _build(files, cache)
    messages = [p.problem for p in second.problems]
    assert any("ambiguous note name 'alpha'" in m for m in messages)
    assert any("outside docs/; refused" in m for m in messages)
    assert snapshot(second) == snapshot(first) | {"problems": snapshot(second)["problems"]}
    assert snapshot(second) == snapshot(_build(files, Cache()))


def test_one_off_builds_keep_no_memo():
    cache = Cache()
    cache.memo_links = False
    _build({"Alpha.md": ("[[Beta]]\n", 0), "Beta.md": ("x\n", 0)}, cache)
    assert all(f.links is None for f in cache.facts.values())
    assert cache.link_state is None


def test_a_note_renamed_by_its_title_or_aliases_releases_its_old_names():
    steps = [
        [("write", "a/Gamma Note.md", "---\ntitle: Beta\n---\n")],  # was Alpha, now Beta
        [("write", "c/노트.md", "no aliases now\n")],
    ]
    initial = {
        "a/Gamma Note.md": "---\ntitle: Alpha\n---\n",
        "c/노트.md": "---\naliases: [알파]\n---\n",
        "Beta.md": "[[Alpha]] [[알파]] [[Beta]]\n",
    }
    check_steps(initial, steps)
    files = {src: (text, 0) for src, text in initial.items()}
    cache = Cache()
    _build(files, cache)
    for n, step in enumerate(steps, 1):
        for _, src, text in step:
            files[src] = (text, n)
        vault = _build(files, cache)
    assert [r.target.kind for r in vault.links["Beta.md"]] == ["missing", "missing", "note"]


def test_a_company_note_front_matter_names_its_company():
    files = {
        "companies/가나.md": ("---\nid: gana\ntitle: 가나전자\ntickers: [GANA]\naliases: [가나]\n"
                              "exchange: KRX\n---\n회사 노트\n", 0),
        "notes/a.md": ("GANA 주가가 올랐다.\n", 0),
        "notes/b.md": ("가나가 새 공장을 지었다.\n", 0),
    }
    vault = _build(files, Cache())
    company = vault.registry.get("gana")
    assert company is not None and company.name == "가나전자" and company.exchange == "KRX"
    assert vault.note_companies["notes/a.md"] == ["gana"]
    assert vault.note_companies["notes/b.md"] == ["gana"]
    assert vault.company_pages["gana"] == "companies/가나.md"


def test_a_company_renamed_by_its_note_is_found_in_unchanged_notes():
    # Renaming the company note (its title) keeps its id, aliases and tickers; the notes that
    # name it by its new name must be searched again for mentions all the same.
    files = {
        "companies/가나.md": ("---\nid: gana\ntitle: 가나전자\n---\n회사 노트\n", 0),
        "notes/a.md": ("다라전자가 새 공장을 지었다.\n", 0),
    }
    cache = Cache()
    before = _build(files, cache)
    files["companies/가나.md"] = ("---\nid: gana\ntitle: 다라전자\n---\n회사 노트\n", 1)
    after = _build(files, cache)
    assert before.note_companies["notes/a.md"] == []
    assert after.note_companies["notes/a.md"] == ["gana"] == _build(files, Cache()).note_companies["notes/a.md"]
