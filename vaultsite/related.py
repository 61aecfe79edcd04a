"""Related notes: up to five notes shown under each note, each with the reason.

Computed once per build from inverted indexes, never by comparing every pair of notes.
Each note has *keys*, and two notes are related by the keys they share:

* ``tag``: a tag both carry;
* ``company``: a company both mention;
* ``target``: a note both link to (shared outgoing links);
* ``cited``: a note that links to both of them (co-citation);

and a direct link between them (either way) counts too.  A key weighs by its rarity, an
IDF: ``log(1 + N / df)`` where ``df`` is the number of notes holding it, so a tag on 3,000
notes weighs little and a tag on three weighs much.

Candidates come from the keys' postings (key -> notes holding it).  A *hub* key, held by
more than ``HUB_CAP`` notes (``#투자`` on 3,000 notes, a company every note names, an index
note linking everything), would make that walk quadratic, so only ``HUB_CAP`` of its
postings are walked: the ones nearest the note in (date, path) order.  Every candidate is
then scored over *all* the keys it shares with the note (a hub key still adds its small
weight), so the cap decides who is considered, never how a considered note scores.  The
work per note is bounded by its number of keys times ``HUB_CAP``: linear in the vault.

Text similarity is left out: a useful one (TF-IDF over Korean text with particles glued
to nouns) needs a morphological tokeniser and a nearest-neighbour index, far more than
this feature's budget of build time; links, tags and companies are what the user wrote
on purpose.

Ties are broken by title, then path, so the same vault gives the same lists.
"""
from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import defaultdict

from .labels import labels
from .textutil import fold

#: How many related notes a note shows.
LIMIT = 5
#: The most postings walked for one key when looking for candidates (see the module doc).
HUB_CAP = 64
#: A direct link between the two notes weighs this many times the IDF of the link.
LINK_WEIGHT = 1.0
#: The most names a reason lists ("태그: #a, #b, #c").
REASON_NAMES = 3
_KINDS = ("company", "tag", "link", "target", "cited")  # the order reasons are shown in


def related_notes(notes, out_links: dict[str, list[str]], note_tags: dict[str, list[str]],
                  note_companies: dict[str, list[str]], company_name, language: str | None = "ko",
                  limit: int = LIMIT, hub_cap: int = HUB_CAP) -> dict[str, list[dict]]:
    """note src -> its related notes, best first: ``{"src", "url", "title", "score",
    "reasons": [{"kind", "names", "text"}]}``.

    ``notes``: the published notes (objects with ``src``, ``url``, ``title``, ``date``);
    ``out_links``: note src -> the srcs of the notes it links to (published ones, each once);
    ``note_tags`` / ``note_companies``: note src -> tag names / company ids;
    ``company_name``: company id -> display name."""
    L = labels(language)
    by_src = {n.src: n for n in notes}
    n_notes = len(by_src)
    if n_notes < 2:
        return {}
    # The order postings are walked in, and ties broken by: date, then path.
    order = {src: i for i, src in enumerate(sorted(by_src, key=lambda s: (by_src[s].date or "", s)))}

    keys: dict[str, list[tuple]] = {}
    postings: dict[tuple, list[str]] = defaultdict(list)
    out: dict[str, list[str]] = {}
    incoming: dict[str, list[str]] = defaultdict(list)
    for src in sorted(by_src, key=order.__getitem__):
        targets = [t for t in dict.fromkeys(out_links.get(src, ())) if t in by_src and t != src]
        out[src] = targets
        for t in targets:
            incoming[t].append(src)
    for src in sorted(by_src, key=order.__getitem__):
        ks = [("company", c) for c in dict.fromkeys(note_companies.get(src, ()))]
        ks += [("tag", t) for t in dict.fromkeys(note_tags.get(src, ()))]
        ks += [("target", t) for t in out[src]]
        ks += [("cited", c) for c in incoming.get(src, ())]
        keys[src] = ks
        for k in ks:
            postings[k].append(src)  # in ``order``: the outer loop walks it

    def idf(df: int) -> float:
        return math.log(1.0 + n_notes / max(df, 1))

    weight = {k: idf(len(p)) for k, p in postings.items()}
    positions = {k: [order[s] for s in p] for k, p in postings.items() if len(p) > hub_cap}

    def link_weight(linker: str) -> float:
        return LINK_WEIGHT * idf(len(out[linker]))

    keyset = {src: frozenset(ks) for src, ks in keys.items()}
    titles = {src: fold(n.title) for src, n in by_src.items()}
    result: dict[str, list[dict]] = {}
    for src in sorted(by_src, key=order.__getitem__):
        mine = keys[src]
        score: dict[str, float] = defaultdict(float)
        hubs = []
        for k in mine:
            p = postings[k]
            if len(p) <= hub_cap:  # every note holding it, scored as it is met
                w = weight[k]
                for other in p:
                    score[other] += w
            else:  # a hub: its hub_cap postings nearest this note in (date, path) order
                hubs.append(k)
                i = bisect_left(positions[k], order[src])
                lo = max(0, min(i - hub_cap // 2, len(p) - hub_cap))
                for other in p[lo:lo + hub_cap]:
                    score[other] += 0.0
        for k in hubs:  # a hub key adds its (small) weight to every candidate holding it
            w = weight[k]
            for other in score:
                if k in keyset[other]:
                    score[other] += w
        for other in out[src]:
            score[other] += link_weight(src)
        for other in incoming.get(src, ()):
            score[other] += link_weight(other)
        score.pop(src, None)
        best = heapq.nsmallest(limit, ((-round(s, 6), titles[o], o) for o, s in score.items() if s > 0))
        if not best:
            continue
        rows = []
        linked = set(out[src]) | set(incoming.get(src, ()))
        for neg, _, other in best:
            shared: dict[str, list[str]] = {}
            theirs = keyset[other]
            for k in mine:
                if k in theirs:
                    shared.setdefault(k[0], []).append(k[1])
            if other in linked:
                shared["link"] = []
            n = by_src[other]
            rows.append({"src": other, "url": n.url, "title": n.title, "score": round(-neg, 3),
                         "reasons": _reasons(shared, weight, by_src, company_name, L)})
        result[src] = rows
    return result


def _reasons(shared: dict[str, list[str]], weight: dict, by_src: dict, company_name, L: dict) -> list[dict]:
    """Why two notes are related, strongest kind of reason first within the fixed order:
    companies, tags, a direct link, shared links, notes citing both."""
    out = []
    for kind in _KINDS:
        if kind not in shared:
            continue
        values = shared[kind]
        # the rarest (heaviest) first, then by name: the same order every build
        values = sorted(values, key=lambda v: (-weight[(kind, v)], v))[:REASON_NAMES]
        if kind == "company":
            names = [company_name(v) for v in values]
        elif kind == "tag":
            names = ["#" + v for v in values]
        elif kind == "link":
            names = []
        else:
            names = [by_src[v].title for v in values]
        text = L["related_" + kind] + (": " + ", ".join(names) if names else "")
        out.append({"kind": kind, "names": names, "text": text})
    return out
