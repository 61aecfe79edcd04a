"""Related notes under each note (``vaultsite.related``) and company pages that quote every
mention, linked ones marked apart (issue 20, items 3 and 4).

The fixture ``tests/fixtures/related_vault`` holds Korean and English notes that share tags,
companies and links, a company note (``companies/NVIDIA.md``), a note sharing nothing
(``요리``) and an unpublished draft that shares everything.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import jsonschema
import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitebuild import build, build_as_served, schema, serve_sequence
from vaultsite import related as related_mod
from vaultsite.build import Cache, build_vault, scan_dir

HERE = Path(__file__).parent
VAULT = HERE / "fixtures" / "related_vault"

#: note title -> [(related title, reasons)], best first (ko).
EXPECTED_KO = {
    "HBM 공급": [
        ("GPU demand", ["같은 기업: NVIDIA", "태그: #HBM", "같은 노트를 링크: NVIDIA, AI 가속기",
                        "함께 링크한 노트: Reading list"]),
        ("AI 가속기", ["같은 기업: NVIDIA", "직접 링크"]),
        ("메모리 가격", ["같은 기업: SK hynix", "태그: #HBM", "함께 링크한 노트: Reading list"]),
        ("NVIDIA", ["같은 기업: NVIDIA", "직접 링크"]),
        ("Reading list", ["직접 링크"]),
    ],
    "메모리 가격": [
        ("HBM 공급", ["같은 기업: SK hynix", "태그: #HBM", "함께 링크한 노트: Reading list"]),
        ("GPU demand", ["태그: #HBM", "함께 링크한 노트: Reading list"]),
        ("Reading list", ["직접 링크"]),
    ],
    "AI 가속기": [
        ("HBM 공급", ["같은 기업: NVIDIA", "직접 링크"]),
        ("NVIDIA", ["같은 기업: NVIDIA", "함께 링크한 노트: GPU demand, HBM 공급"]),
        ("GPU demand", ["같은 기업: NVIDIA", "직접 링크"]),
        ("Reading list", ["같은 노트를 링크: HBM 공급"]),
    ],
}


def _lists(vault) -> dict[str, list[tuple[str, list[str]]]]:
    title = {n.src: n.title for n in vault.notes}
    return {title[src]: [(r["title"], [x["text"] for x in r["reasons"]]) for r in rows]
            for src, rows in vault.related.items()}


# -- the core ---------------------------------------------------------------------------------

def test_related_lists_their_order_and_reasons():
    lists = _lists(build_vault(scan_dir(str(VAULT))))
    for title, want in EXPECTED_KO.items():
        assert lists[title] == want, title
    assert "요리" not in lists  # it shares nothing with any note
    everything = json.dumps(lists, ensure_ascii=False)
    assert "Secret draft" not in everything  # unpublished: never related


def test_reasons_follow_the_language():
    lists = _lists(build_vault(scan_dir(str(VAULT)), language="en"))
    assert lists["메모리 가격"][0] == ("HBM 공급", ["Same company: SK hynix", "Tags: #HBM",
                                                   "Linked together from: Reading list"])
    assert ("NVIDIA", ["Same company: NVIDIA", "Linked directly"]) in lists["GPU demand"]


def test_same_vault_same_lists_and_the_setting_turns_it_off():
    a = build_vault(scan_dir(str(VAULT)))
    b = build_vault(scan_dir(str(VAULT)))
    assert a.related == b.related
    assert build_vault(scan_dir(str(VAULT)), related=False).related == {}


def test_computed_in_a_child_process_the_same(monkeypatch):
    """A big vault's related notes (build.RELATED_FORK_MIN) come, in a full build of a very
    big one (RELATED_WORKER_MIN), from a worker process started afresh and fed the marshalled
    payload (a forked child would keep a copy of every heap page this process writes
    meanwhile); else from forked children, two in a cached build: the same lists, and
    reading ``vault.related`` waits for them."""
    import vaultsite.build as build_mod
    from vaultsite import forkpool
    here = build_vault(scan_dir(str(VAULT)))
    monkeypatch.setattr(build_mod, "RELATED_FORK_MIN", 1)
    monkeypatch.setattr(build_mod, "RELATED_WORKER_MIN", 1)
    spawned = build_vault(scan_dir(str(VAULT)))
    [job] = spawned.related_job.jobs
    assert isinstance(job, forkpool.Spawned) and job.proc is not None  # still being computed
    job.fallback = lambda: pytest.fail("computed here, not by the worker")
    assert spawned.related == here.related and spawned.related_job is None
    spawned.related = {}  # set by hand: no child any more
    assert spawned.related == {}
    cache = Cache()
    cache.related_parts = 2
    forked = build_vault(scan_dir(str(VAULT)), cache)
    assert [type(j) for j in forked.related_job.jobs] == [forkpool.Background] * 2
    assert forked.related == here.related
    monkeypatch.setattr(build_mod, "RELATED_WORKER_MIN", 10**6)  # a smaller vault: one forked child
    forked = build_vault(scan_dir(str(VAULT)))
    assert [type(j) for j in forked.related_job.jobs] == [forkpool.Background]
    assert forked.related == here.related


def test_computed_by_a_worker_process_where_threads_run(monkeypatch):
    """In ``mkdocs serve`` (threads run: no fork) a big vault's related notes come from a
    ``python -m vaultsite.worker`` process: the same lists."""
    import threading

    import vaultsite.build as build_mod
    from vaultsite import forkpool

    here = build_vault(scan_dir(str(VAULT)))
    monkeypatch.setattr(build_mod, "RELATED_SPAWN_MIN", 1)
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    spawned = build_vault(scan_dir(str(VAULT)))
    [job] = spawned.related_job.jobs
    assert isinstance(job, forkpool.Spawned) and job.proc is not None
    job.fallback = lambda: pytest.fail("computed here, not by the worker")
    assert spawned.related == here.related
    monkeypatch.setattr(forkpool, "worker_process", lambda payload: None)  # no worker: computed here
    assert build_vault(scan_dir(str(VAULT))).related == here.related


def test_a_worker_started_ahead_takes_the_next_job(monkeypatch):
    """``mkdocs serve`` starts a worker after each build (``forkpool.prestart``): the next
    rebuild hands it the related notes, whatever the vault's size (no interpreter to start:
    computed beside the rebuild); a worker with no job ends when this process closes its
    stdin; one that died leaves the job to a new worker."""
    import threading

    from vaultsite import forkpool

    here = build_vault(scan_dir(str(VAULT)))
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    forkpool.prestart()
    waiting = forkpool._warm
    assert forkpool.warm_ready()
    forkpool.prestart()  # one at a time
    assert forkpool._warm is waiting
    spawned = build_vault(scan_dir(str(VAULT)))
    [job] = spawned.related_job.jobs
    assert isinstance(job, forkpool.Spawned) and job.proc is waiting and not forkpool.warm_ready()
    job.fallback = lambda: pytest.fail("computed here, not by the worker")
    assert spawned.related == here.related
    assert build_vault(scan_dir(str(VAULT))).related_job is None  # none waits: a small vault's, here
    forkpool.prestart()
    idle = forkpool._warm
    idle.stdin.close()  # what this process's exit does
    assert idle.wait(timeout=30) == 0
    forkpool.prestart()
    forkpool._warm.kill()
    forkpool._warm.wait()
    job = forkpool.Spawned(("related-since", None, None), lambda: "fallback", warm=True)
    assert job.proc is not None and forkpool._warm is None  # a fresh worker took it instead
    assert job.result() == "fallback"  # (a job no worker knows: computed here)


def _synthetic(n: int, hub_every: int = 1):
    """``n`` notes: a tag on every ``hub_every``-th note (a hub), a company on all but one,
    a small tag per group of 5, and a chain of links."""
    notes = [SimpleNamespace(src=f"n{i:05d}.md", url=f"n{i:05d}/", title=f"노트 {i:05d}",
                             date=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}") for i in range(n)]
    tags = {x.src: ([f"g{i // 5}"] + (["투자"] if i % hub_every == 0 else [])) for i, x in enumerate(notes)}
    companies = {x.src: (["nvidia"] if i else []) for i, x in enumerate(notes)}
    links = {x.src: [notes[i + 1].src] for i, x in enumerate(notes[:-1])}
    return notes, links, tags, companies


def test_hub_keys_are_capped_and_the_work_stays_linear(monkeypatch):
    """A tag on every note and a company on all but one: the candidates scored per note stay
    bounded (by the keys' postings under ``HUB_CAP`` plus ``HUB_CAP`` per note from the hubs),
    so four times the notes is four times the work, not sixteen.  Counted, not timed: the
    benchmark measures time."""
    sizes: list[int] = []
    top = related_mod._top

    def counting_top(partial, *args):
        sizes.append(len(partial))
        return top(partial, *args)

    monkeypatch.setattr(related_mod, "_top", counting_top)

    def run(n):
        sizes.clear()
        notes, links, tags, companies = _synthetic(n)
        got = related_mod.related_notes(notes, links, tags, companies, str.upper)
        return list(sizes), got

    small, got = run(1000)
    big, _ = run(4000)
    assert len(small) == 1000 and len(big) == 4000
    bound = 2 * related_mod.HUB_CAP + 16  # the hubs' window, a group of five, two link neighbours
    assert max(small) <= bound and max(big) <= bound, (max(small), max(big))
    assert sum(big) <= 4.4 * sum(small), (sum(small), sum(big))
    # the group of five shares its rare tag: those four come first, then the linked neighbour
    first = got["n00012.md"]
    assert {r["src"] for r in first[:4]} >= {"n00011.md", "n00013.md", "n00014.md"}
    assert all(len(rows) <= related_mod.LIMIT for rows in got.values())
    for rows in got.values():  # best first, and no note is related to itself
        assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_a_note_with_only_hub_keys_still_gets_neighbours():
    """Its candidates are the hub's postings nearest it in date order, scored exactly."""
    notes = [SimpleNamespace(src=f"n{i:04d}.md", url=f"n{i:04d}/", title=f"n{i:04d}", date="2020-01-01")
             for i in range(300)]
    tags = {x.src: ["투자"] for x in notes[:299]}
    got = related_mod.related_notes(notes, {}, tags, {}, str, hub_cap=16)
    rows = got["n0150.md"]
    assert len(rows) == related_mod.LIMIT
    assert all(r["reasons"] == [{"kind": "tag", "names": ["#투자"], "text": "태그: #투자"}] for r in rows)
    assert "n0299.md" not in got  # it holds no key


def test_threshold_search_equals_scoring_every_candidate():
    """``_top`` stops early; scoring every candidate gives the same five."""
    notes, links, tags, companies = _synthetic(400, hub_every=2)
    fast = related_mod.related_notes(notes, links, tags, companies, str.upper, hub_cap=8)
    original = related_mod._top

    def every(partial, hubs, weight, hubset, titles, limit):
        rows = []
        for other, s in partial.items():
            s += sum(weight[k] for k in hubs & hubset[other])
            if s > 0:
                rows.append((-round(s, 6), titles[other], other))
        return sorted(rows)[:limit]

    related_mod._top = every
    try:
        slow = related_mod.related_notes(notes, links, tags, companies, str.upper, hub_cap=8)
    finally:
        related_mod._top = original
    assert fast == slow


# -- real builds ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("related-build")
    code, log, site_dir = build(VAULT, work, strict=True)
    assert code == 0, log[-4000:]
    return site_dir


def _soup(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel / "index.html").read_text(encoding="utf-8"), "lxml")


def _related_on_page(site: Path, rel: str) -> list[tuple[str, str]]:
    aside = _soup(site, rel).select_one("aside.vs-related-notes")
    if aside is None:
        return []
    return [(li.select_one("a").get_text(), li.select_one(".vs-related-reason").get_text())
            for li in aside.select("li")]


def test_note_pages_show_related_notes_with_reasons(site):
    got = _related_on_page(site, "notes/HBM 공급")
    assert got == [(t, " · ".join(r)) for t, r in EXPECTED_KO["HBM 공급"]]
    soup = _soup(site, "notes/HBM 공급")
    aside = soup.select_one("aside.vs-related-notes")
    assert aside.find("h2").get_text(strip=True) == "관련 노트"
    # after the note's content and its backlinks
    assert soup.select_one("aside.vs-backlinks").find_next("aside") is aside
    hrefs = [a["href"] for a in aside.select("a")]
    assert hrefs[0] == "../GPU%20demand/" and hrefs[3] == "../../companies/NVIDIA/"
    for href in hrefs:  # every link lands on a page of the site
        target = (site / "notes" / "HBM 공급" / unquote(href)).resolve()
        assert (target / "index.html").is_file(), href
    assert _related_on_page(site, "notes/요리") == []
    assert "Secret draft" not in "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))


def test_vault_json_has_related_lists_and_company_mentions(site):
    data = json.loads((site / "vault.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema())
    notes = {n["title"]: n for n in data["notes"]}
    assert [r["title"] for r in notes["HBM 공급"]["related"]] == [t for t, _ in EXPECTED_KO["HBM 공급"]]
    first = notes["HBM 공급"]["related"][0]
    assert first["url"] == notes["GPU demand"]["url"] and "score" not in first  # the size of the vault is in it
    assert first["reasons"] == [{"kind": "company", "names": ["NVIDIA"]}, {"kind": "tag", "names": ["#HBM"]},
                                {"kind": "target", "names": ["NVIDIA", "AI 가속기"]},
                                {"kind": "cited", "names": ["Reading list"]}]
    assert notes["요리"]["related"] == []
    nvidia = next(c for c in data["companies"] if c["id"] == "nvidia")
    mentions = {m["note"]: m for m in nvidia["mentions"]}
    hbm = notes["HBM 공급"]["url"]
    assert mentions[hbm] == {"note": hbm, "count": 3, "linked": 1}
    # [[NVIDIA]] is a linked mention even though a link target is no prose
    assert mentions[notes["GPU demand"]["url"]] == {"note": notes["GPU demand"]["url"], "count": 2, "linked": 1}


def test_mentions_in_the_core_keep_every_sentence_in_order():
    vault = build_vault(scan_dir(str(VAULT)))
    by_title = {n["title"]: n for n in vault.company_notes["nvidia"]}
    assert by_title["HBM 공급"]["mentions"] == (
        ("SK하이닉스는 엔비디아에 HBM3E를 공급한다.", True), ("엔비디아의 새 GPU가 나오면서 수요가 늘었다.", False),
        ("하반기에도 엔비디아 물량이 이어진다.", False))
    assert by_title["GPU demand"]["mentions"] == (("NVIDIA keeps buying HBM.", True),
                                                 ("Nvidia said demand is strong.", False))


def test_company_page_quotes_every_mention_marked(site):
    soup = _soup(site, "companies/NVIDIA")
    items = soup.select("ul.vs-mentions > li.vs-mention-note")
    by_title = {li.select_one("a").get_text(): li for li in items}
    assert list(by_title) == ["GPU demand", "HBM 공급", "AI 가속기"]  # newest first
    quotes = [(q.select_one(".vs-mention-kind").get_text(), q.select_one(".vs-context").get_text())
              for q in by_title["HBM 공급"].select("li.vs-quote")]
    assert quotes == [("링크", "SK하이닉스는 엔비디아에 HBM3E를 공급한다."),
                      ("텍스트", "엔비디아의 새 GPU가 나오면서 수요가 늘었다."),
                      ("텍스트", "하반기에도 엔비디아 물량이 이어진다.")]
    assert by_title["HBM 공급"].select_one(".vs-mention-count").get_text() == "3회 언급, 링크 1"
    # the marker is a labelled word, not a colour, and the legend above says what each word means;
    # no title on the markers: Material mounts a tooltip per title (250 of them on a company
    # page of the benchmark cost a quarter of a second of script in Chromium)
    kinds = by_title["GPU demand"].select(".vs-mention-kind")
    assert [k.get_text() for k in kinds] == ["링크", "텍스트"]
    assert not any(k.has_attr("title") for k in soup.select(".vs-mentions .vs-mention-kind"))
    legend = soup.select_one(".vs-mention-legend").get_text(" ", strip=True)
    assert "링크 노트가 기업 노트나 페이지로 링크한 언급" in legend and "텍스트 본문에 이름만 적힌 언급" in legend


def test_companies_index_can_be_sorted(site):
    soup = _soup(site, "companies")
    bar = soup.select_one(".vs-sort")
    assert bar is not None and bar.has_attr("hidden")  # shown by the script; the table works without it
    assert [b["data-sort"] for b in bar.select("button")] == ["count", "name", "last"]
    rows = soup.select(f"table#{bar['data-sort-table']} tbody tr")
    assert [r["data-name"] for r in rows] == ["NVIDIA", "SK hynix", "Samsung Electronics"]  # by notes, then name
    assert [r["data-count"] for r in rows] == ["4", "2", "1"]
    assert [r["data-last"] for r in rows] == ["2025-04-02", "2025-03-01", "2025-01-15"]


def test_related_setting_off(tmp_path):
    code, log, site = build(VAULT, tmp_path, strict=True, extra={"vaultsite": {"related": False}})
    assert code == 0, log[-3000:]
    assert _related_on_page(site, "notes/HBM 공급") == []
    data = json.loads((site / "vault.json").read_text(encoding="utf-8"))
    assert all(n["related"] == [] for n in data["notes"])


def _files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_serve_rebuild_after_a_change_to_another_notes_related_list(tmp_path):
    """Tagging ``메모리 가격`` with ``#요리`` changes the related list of ``요리``, whose file did
    not change: a serve rebuild must render ``요리`` again, identical to a clean build."""
    docs = tmp_path / "docs"
    shutil.copytree(VAULT, docs)
    text = (docs / "notes" / "메모리 가격.md").read_text(encoding="utf-8")
    edits = [["write", "notes/메모리 가격.md", text.replace("tags: [HBM, 메모리]", "tags: [HBM, 메모리, 요리]")],
             ["write", "notes/GPU demand.md", "---\ndate: 2025-04-02\n---\nNo tags now. [[요리]]\n"]]
    served = serve_sequence(docs, tmp_path, edits)
    assert [t for t, _ in _related_on_page(served, "notes/요리")] == ["GPU demand", "메모리 가격"]
    clean = build_as_served(docs, tmp_path / "clean")
    a, b = _files(served), _files(clean)
    assert sorted(a) == sorted(b)
    assert [rel for rel in a if a[rel] != b[rel] and not rel.startswith("sitemap")] == []


def test_the_last_lists_are_kept_while_their_inputs_are_the_same(tmp_path):
    """``mkdocs serve`` and the build cache hand the next build the same ``Cache``: related
    notes are reused while every input is the same (a body-only edit), computed again when
    one changes (a tag), and always equal to a fresh build's."""
    from vaultsite.build import Cache

    docs = tmp_path / "docs"
    shutil.copytree(VAULT, docs)
    cache = Cache()
    first = build_vault(scan_dir(str(docs)), cache)
    key, kept, _ = cache.related_memo
    assert kept == first.related
    note = next(p for p in sorted(docs.rglob("*.md")) if p.name != "index.md")
    note.write_text(note.read_text(encoding="utf-8") + "\n본문만 바뀐 문장.\n", encoding="utf-8")
    second = build_vault(scan_dir(str(docs)), cache)
    assert second.related is kept and cache.related_memo[0] == key  # reused, not recomputed
    note.write_text(note.read_text(encoding="utf-8") + "\n#새태그 #HBM\n", encoding="utf-8")
    third = build_vault(scan_dir(str(docs)), cache)
    assert cache.related_memo[0] != key
    assert third.related == build_vault(scan_dir(str(docs))).related


def test_related_notes_shared_between_parts_equal_the_whole():
    """``part=(k, n)``: n processes each compute every n-th note's list; merged, they are
    the whole computation's lists, in its order (a cached build forks two such children)."""
    import random

    from vaultsite import related as rel

    rng = random.Random(7)
    notes = [(f"n{i:03d}.md", f"n{i:03d}/", f"노트 {i % 17}", f"2025-0{1 + i % 9}-1{i % 10}" if i % 5 else None)
             for i in range(120)]
    srcs = [n[0] for n in notes]
    out_links = {s: rng.sample(srcs, 4) for s in srcs}
    tags = {s: rng.sample(["AI", "HBM", "반도체", "메모리", "투자", "GPU", "a/b"], 2) for s in srcs}
    companies = {s: rng.sample(["nvidia", "skhynix", "samsung", "tsmc"], 1 + srcs.index(s) % 3) for s in srcs}
    names = {"nvidia": "NVIDIA", "skhynix": "SK하이닉스", "samsung": "삼성전자", "tsmc": "TSMC"}
    payload = (notes, out_links, tags, companies, names, "ko")
    whole = rel.related_from_payload(payload)
    for n in (2, 3):
        merged = rel.merge_parts(payload, [rel.related_from_payload(payload, (k, n)) for k in range(n)])
        assert merged == whole and list(merged) == list(whole)
    assert sum(len(v) for v in whole.values()) > 300


# -- computed since the last computation --------------------------------------------------------

_TAGS = ["AI", "HBM", "반도체", "메모리", "투자", "GPU", "a/b", "전망"]
_COMPANIES = ["nvidia", "skhynix", "samsung", "tsmc"]
_DATES = [None, "2024-01-02", "2024-03-01", "2025-05-05", "2025-05-05", "2026-11-30"]


def _payload_vault(rng, n: int) -> dict:
    notes = {}
    for i in range(n):
        _add_note(rng, notes, f"n{i:03d}.md")
    return {"notes": notes, "names": {"nvidia": "NVIDIA", "skhynix": "SK하이닉스", "samsung": "삼성전자", "tsmc": "TSMC"}}


def _add_note(rng, notes: dict, src: str) -> None:
    others = sorted(notes)
    notes[src] = {"url": src[:-3] + "/", "title": f"노트 {rng.randrange(12)}", "date": rng.choice(_DATES),
                  "tags": rng.sample(_TAGS, rng.randrange(4)), "companies": rng.sample(_COMPANIES, rng.randrange(3)),
                  "links": rng.sample(others, min(len(others), rng.randrange(4)))}


def _payload(v: dict) -> tuple:
    notes = v["notes"]
    return ([(s, n["url"], n["title"], n["date"]) for s, n in sorted(notes.items())],
            {s: [t for t in n["links"] if t in notes] for s, n in notes.items() if n["links"]},
            {s: n["tags"] for s, n in notes.items()}, {s: n["companies"] for s, n in notes.items()},
            dict(v["names"]), "ko")


def _edit(rng, v: dict, kind: str) -> None:
    notes = v["notes"]
    src = rng.choice(sorted(notes))
    note = notes[src]
    if kind == "add":
        new = f"m{rng.randrange(10**6):06d}.md"
        _add_note(rng, notes, new)
        for other in rng.sample(sorted(notes), 2):  # links that now resolve
            notes[other]["links"].append(new)
    elif kind == "remove" and len(notes) > 2:
        del notes[src]
    elif kind == "title":
        note["title"] = f"노트 {rng.randrange(12)}"
    elif kind == "url":
        note["url"] = "moved/" + note["url"]
    elif kind == "date":
        note["date"] = rng.choice(_DATES)
    elif kind == "tags":
        note["tags"] = rng.sample(_TAGS, rng.randrange(4))
    elif kind == "companies":
        note["companies"] = rng.sample(_COMPANIES, rng.randrange(3))
    elif kind == "links":
        note["links"] = rng.sample(sorted(notes), min(len(notes), rng.randrange(4)))
    elif kind == "name":
        v["names"][rng.choice(_COMPANIES)] = f"회사 {rng.randrange(5)}"
    elif kind == "everywhere":  # a tag on every note (dropped), then on all but one
        for n in notes.values():
            n["tags"] = list(dict.fromkeys(n["tags"] + ["모두"]))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(3, 70), st.sampled_from([3, 64]),
       st.lists(st.sampled_from(["add", "remove", "title", "url", "date", "tags", "companies", "links", "name",
                                 "everywhere", "nothing"]), min_size=1, max_size=6))
def test_computed_since_the_last_equals_computed_afresh(seed, n, hub_cap, kinds):
    """``mkdocs serve`` and the build cache compute related notes since the last computation
    (``related.Since``): after any sequence of edits the lists, and their order, are those a
    computation from nothing gives."""
    import random

    from vaultsite import related as rel

    rng = random.Random(seed)
    v = _payload_vault(rng, n)
    saved = rel.HUB_CAP
    rel.HUB_CAP = hub_cap  # small: notes share hub keys and their windows
    try:
        last = rel.computed_from_payload(_payload(v), keep=True)
        lists = last.lists
        for kind in kinds:
            _edit(rng, v, kind)
            payload = _payload(v)
            got = rel.computed_from_payload(payload, since=last.since, keep=True)
            merged = rel.merge_since(payload[0], lists, got)
            want = rel.computed_from_payload(payload).lists
            assert merged == want and list(merged) == list(want), kind
            last, lists = got, merged
    finally:
        rel.HUB_CAP = saved


def test_a_note_added_recomputes_only_the_lists_near_it():
    """Adding a note that links to one note and carries a new tag, to 2,000 notes sharing hub
    tags and companies: a handful of lists computed again, the rest the last computation's.
    Counted, not timed."""
    from vaultsite import related as rel

    notes, links, tags, companies = _synthetic(2000, hub_every=3)
    names = {"nvidia": "NVIDIA"}

    def payload(extra=()):
        rows = [(x.src, x.url, x.title, x.date) for x in notes] + list(extra)
        return rows, links, tags, companies, names, "ko"

    first = rel.computed_from_payload(payload(), keep=True)
    new = "새 노트.md"
    links[new], tags[new], companies[new] = ["n01000.md"], ["벤치"], []
    added = payload([(new, "새 노트/", "새 노트", "2026-12-02")])
    assert rel.head_of(added) == first.since.head  # 2,001 notes weigh as 2,000 did
    got = rel.computed_from_payload(added, since=first.since, keep=True)
    assert got.todo is not None and new in got.todo and "n01000.md" in got.todo
    assert len(got.todo) <= 10, sorted(got.todo)
    merged = rel.merge_since(added[0], first.lists, got)
    assert merged == rel.computed_from_payload(added).lists
    assert merged["n01000.md"][0]["src"] in (new, "n00999.md", "n01001.md")
