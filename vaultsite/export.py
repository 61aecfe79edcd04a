"""``site/vault.json`` (the whole index, machine-readable) and the problem report.

The JSON follows ``tests/schema/vault.schema.json``: fields may be added, never
dropped or renamed.
"""
from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator

from .build import GENERATED, Vault, event_timeline_urls, page_url
from .labels import labels
from .mdext import tag_anchor


def _target(rec) -> str | None:
    t = rec.target
    if t.kind == "note":
        return t.note.url + (t.anchor or "")
    if t.kind == "file":
        return t.file + (t.anchor or "")
    if t.kind == "page":
        return page_url(t.file) + (t.anchor or "")
    return None


def _url_of(vault: Vault, src: str | None) -> str | None:
    note = vault.index.notes.get(src) if src else None
    return note.url if note else None


def note_entry(vault: Vault, note) -> dict:
    return {
        "src": note.src,
        "url": note.url,
        "title": note.title,
        "date": note.date,
        "author": note.author,
        "source_url": note.source_url,
        "format": note.format,
        "category": note.category,
        "description": note.description,
        "aliases": note.aliases,
        "tags": vault.note_tags.get(note.src, []),
        "companies": vault.note_companies.get(note.src, []),
        "links": [{"raw": r.raw, "text": r.text, "target": _target(r), "kind": r.target.kind,
                   "embed": r.embed} for r in vault.links.get(note.src, [])],
        "backlinks": [{"url": b["url"], "title": b["title"], "context": b["context"]}
                      for b in vault.backlinks.get(note.src, [])],
        # What the page shows under the note, best first (its words are the page's labels).
        # No score: it holds the vault's size (an IDF), so any note added would change every
        # note's entry, and the entries are reused by the page signature (write_vault_json).
        "related": [{"url": r["url"], "title": r["title"],
                     "reasons": [{"kind": x["kind"], "names": x["names"]} for x in r["reasons"]]}
                    for r in vault.related.get(note.src, [])],
    }


def dumps(value) -> str:
    """Compact JSON, non-ASCII kept (vault.json, the search index)."""
    # json.dumps without indent runs the C encoder (json.dump never does): ~5x faster.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class EntryCache:
    """Where each note's entry sits in the ``vault.json`` the last build wrote: note src ->
    (the signature of the note's page, offset, length), and that file's ``stamp`` (size,
    mtime, inode).  An entry whose signature did not change is copied from that file instead
    of being serialised again; holding the entries themselves (as ``mkdocs serve`` and the
    build cache did) kept 45 MB at 5,000 notes, about 180 MB at 20,000, in the build's
    process and in the cache."""

    __slots__ = ("entries", "stamp")

    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, int, int]] = {}
        self.stamp: tuple[int, int, int] | None = None

    def __getstate__(self):
        return (self.entries, self.stamp)

    def __setstate__(self, state) -> None:
        self.entries, self.stamp = state


def _stamp(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def write_vault_json(path: str, vault: Vault, signatures: dict | None = None,
                     cache: EntryCache | None = None) -> None:
    """The whole index (``notes``, then ``_sections``) serialised (UTF-8) into the file
    ``path``, one note's entry at a time, so the build never holds the whole file (65 MB at
    5,000 notes) or every entry.  It is written aside and renamed: in ``mkdocs serve`` a
    request may read it meanwhile.

    With ``signatures`` (page src -> the signature of everything on a note's page,
    ``incremental.note_signatures``) and a ``cache`` kept between builds (``mkdocs serve``'s
    rebuilds, the build cache), a note whose signature did not change has its entry copied
    from the file the last build wrote, when that file is still the one the cache describes
    (else every entry is serialised); runs of such entries are copied as one.  The cache is
    updated to describe the file written."""
    old_entries = {}
    old = None
    if cache is not None and cache.stamp is not None and signatures and _stamp(path) == cache.stamp:
        try:
            old = open(path, "rb")  # noqa: SIM115 - closed below; replaced only after that
            old_entries = cache.entries
        except OSError:
            old = None
    fresh: dict[str, tuple[str, int, int]] = {}
    tmp = path + ".tmp"
    try:
        with open(tmp, "wb") as fh:
            fh.write(b'{"notes":[')
            pos = 10  # where the next entry starts
            run_start = run_end = -1  # a run of the old file still to copy
            for i, note in enumerate(vault.notes):
                if i:
                    pos += 1  # the comma
                sig = signatures.get(note.page_src) if signatures else None
                hit = old_entries.get(note.src)
                if sig is not None and hit is not None and hit[0] == sig:
                    _, offset, length = hit
                    if run_start >= 0 and offset == run_end + 1:  # the next one in the old file
                        run_end = offset + length
                    else:
                        if run_start >= 0:
                            _copy(old, fh, run_start, run_end)
                        if i:
                            fh.write(b",")
                        run_start, run_end = offset, offset + length
                else:
                    if run_start >= 0:
                        _copy(old, fh, run_start, run_end)
                        run_start = -1
                    data = dumps(note_entry(vault, note)).encode("utf-8")
                    length = len(data)
                    fh.write(b"," + data if i else data)
                if sig is not None:
                    fresh[note.src] = (sig, pos, length)
                pos += length
            if run_start >= 0:
                _copy(old, fh, run_start, run_end)
            fh.write(b"]")
            _write_sections(fh, vault)
            fh.write(b"}")
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    finally:
        if old is not None:
            old.close()
    if cache is not None:  # (no stamp while the file is being replaced: a failure leaves none)
        cache.stamp = None
    os.replace(tmp, path)
    if cache is not None:
        cache.entries = fresh
        cache.stamp = _stamp(path) if fresh else None


def _copy(src, dst, start: int, end: int) -> None:
    """Bytes ``start:end`` of the open file ``src`` written to ``dst``."""
    src.seek(start)
    left = end - start
    while left > 0:
        chunk = src.read(min(left, 1 << 20))
        if not chunk:
            raise OSError("vault.json is shorter than the build cache says")
        dst.write(chunk)
        left -= len(chunk)


def _sections(vault: Vault) -> Iterator[tuple[str, object]]:
    """Every part of ``vault.json`` after ``notes``, in order: a list's items come one at a time
    (the companies' lists of notes alone are 49 MB at 20,000 notes; made and serialised
    whole, this part briefly took 190 MB of the build's peak)."""
    tags_url = page_url(GENERATED["tags"])

    def tags():
        if vault.tag_index is None:
            return
        for name, srcs in vault.tag_index.tags():
            page = vault.tag_pages.get(name)
            yield {"name": name, "url": page_url(page) if page else f"{tags_url}#{tag_anchor(name)}",
                   "notes": [vault.index.notes[s].url for s in srcs if s in vault.index.notes]}

    def companies():
        for company in vault.registry.companies() if vault.registry else []:
            if company.id not in vault.company_pages:
                continue
            yield {
                "id": company.id, "name": company.name, "tickers": list(company.tickers),
                "aliases": list(company.aliases), "url": page_url(vault.company_pages[company.id]),
                "notes": [n["url"] for n in vault.company_notes.get(company.id, [])],
                # Per note: how often it names the company and how many of those are links (the
                # sentences are on the company's page: here they would add megabytes).
                "mentions": [{"note": n["url"], "count": n.get("count", 0), "linked": n.get("linked", 0)}
                             for n in vault.company_notes.get(company.id, [])],
                "discovered": bool(company.discovered),
                "exchange": company.exchange, "country": company.country,
                # A discovered company: the sentence that named it with evidence, and that note.
                "evidence": company.evidence,
                "evidence_note": _url_of(vault, company.evidence_src),
            }

    def events():
        for e, where in zip(vault.events, event_timeline_urls(vault.events, vault.timeline or None)):
            yield {**{k: e[k] for k in ("date", "precision", "text", "note", "anchor", "companies", "tags", "kind")},
                   "timeline": where}

    yield "tags", tags()
    yield "events", events()
    yield "companies", companies()
    yield "missing", ({"target": m["target"], "from": m["from"], "count": m["count"]} for m in vault.missing.values())
    yield "problems", ({"src": p.src, "problem": p.problem, "level": p.level} for p in vault.problems)
    yield "unplaced_dates", vault.unplaced_dates


def _write_sections(fh, vault: Vault) -> None:
    """``,"name":value`` for every part after ``notes``; lists written a few items at a time."""
    for name, value in _sections(vault):
        fh.write(b',"' + name.encode("utf-8") + b'":')
        if not isinstance(value, Iterator):
            fh.write(dumps(value).encode("utf-8"))
            continue
        fh.write(b"[")
        first = True
        # (A company's entry lists every note naming it: up to megabytes each.)
        for batch in _batches(value, 1 if name == "companies" else 256):
            part = dumps(batch).encode("utf-8")
            fh.write(part[1:-1] if first else b"," + part[1:-1])
            first = False
        fh.write(b"]")


def _batches(items: Iterator, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def problem_report(vault: Vault) -> str:
    L = labels(vault.language)
    title = L["report_title"]
    english = labels("en")["report_title"]
    lines = [f"# {title} ({english.lower()})" if title != english else f"# {title}", ""]
    for level in ("warning", "info"):
        items = [p for p in vault.problems if p.level == level]
        word = L["report_" + level]
        lines.append(f"## {word}: {len(items)}" if word == level else f"## {word} ({level}): {len(items)}")
        lines += [f"- {p.src or '(vault)'}: {p.problem}" for p in items]
        lines.append("")
    return "\n".join(lines)
