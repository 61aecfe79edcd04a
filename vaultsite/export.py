"""``site/vault.json`` (the whole index, machine-readable) and the problem report.

The JSON follows ``tests/schema/vault.schema.json``: fields may be added, never
dropped or renamed.
"""
from __future__ import annotations

import json

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


def write_vault_json(fh, vault: Vault, signatures: dict | None = None,
                     cache: dict[str, tuple] | None = None) -> None:
    """``vault_json(vault)`` serialised (UTF-8) into the binary file ``fh``, one note's entry
    at a time, so the build never holds the whole file (65 MB at 5,000 notes) or every entry.

    With ``signatures`` (page src -> the signature of everything on a note's page,
    ``incremental.note_signatures``) and a ``cache`` kept between ``mkdocs serve`` rebuilds,
    a note whose signature did not change reuses its serialised entry; the cache is updated
    to hold exactly the current notes.  Entries are kept as bytes: joining tens of megabytes
    of mixed-script ``str`` is slow."""
    fresh: dict[str, tuple] = {}
    fh.write(b'{"notes":[')
    for i, note in enumerate(vault.notes):
        sig = signatures.get(note.page_src) if signatures else None
        hit = cache.get(note.src) if cache is not None else None
        if sig is not None and hit is not None and hit[0] == sig:
            data = hit[1]
        else:
            data = dumps(note_entry(vault, note)).encode("utf-8")
        if sig is not None:
            fresh[note.src] = (sig, data)
        fh.write(b"," + data if i else data)
    if cache is not None:
        cache.clear()
        cache.update(fresh)
    rest = dumps(vault_json(vault, notes=False)).encode("utf-8")
    fh.write(b"]," + rest[1:])


def vault_json(vault: Vault, notes: bool = True) -> dict:
    tags_url = page_url(GENERATED["tags"])
    entries = [note_entry(vault, note) for note in vault.notes] if notes else None
    tags = []
    if vault.tag_index is not None:
        for name, srcs in vault.tag_index.tags():
            page = vault.tag_pages.get(name)
            tags.append({"name": name, "url": page_url(page) if page else f"{tags_url}#{tag_anchor(name)}",
                         "notes": [vault.index.notes[s].url for s in srcs if s in vault.index.notes]})
    companies = []
    for company in vault.registry.companies() if vault.registry else []:
        if company.id not in vault.company_pages:
            continue
        companies.append({
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
        })
    events = [{**{k: e[k] for k in ("date", "precision", "text", "note", "anchor", "companies", "tags", "kind")},
               "timeline": where} for e, where in zip(vault.events, event_timeline_urls(vault.events, vault.timeline or None))]
    missing = [{"target": m["target"], "from": m["from"], "count": m["count"]} for m in vault.missing.values()]
    problems = [{"src": p.src, "problem": p.problem, "level": p.level} for p in vault.problems]
    out = {"notes": entries, "tags": tags, "events": events, "companies": companies,
           "missing": missing, "problems": problems,
           "unplaced_dates": vault.unplaced_dates}
    if not notes:
        del out["notes"]
    return out


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
