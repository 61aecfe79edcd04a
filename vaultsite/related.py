"""Related notes: up to five notes shown under each note, each with the reason.

Computed once per build from inverted indexes, never by comparing every pair of notes.
Each note has *keys*, and two notes are related by the keys they share:

* ``tag``: a tag both carry;
* ``company``: a company both mention;
* ``target``: a note both link to (shared outgoing links);
* ``cited``: a note that links to both of them (co-citation);

and a direct link between them (either way) counts too.  A key weighs by its rarity, an
IDF: ``log(N / df)`` where ``df`` is the number of notes holding it, so a tag on 3,000 of
5,000 notes weighs 0.5 and a tag on three weighs 7.4 (a key on every note says nothing and
is dropped).  ``N`` is the number of notes rounded up to its five leading binary digits
(:func:`scale`: 5,000 and 5,001 notes both weigh by 5,120), so a note added or removed
leaves every other key's weight as it was.  A direct link weighs the IDF of the linking
note's out-degree: a link from an index of everything says less than one from a note with
three links.

Candidates come from the keys' postings (key -> notes holding it).  A *hub* key, held by
more than ``HUB_CAP`` notes (``#투자`` on 3,000 notes, a company every note names, an index
note linking everything), would make that walk quadratic, so only ``HUB_CAP`` of its
postings are walked, shared between the note's hubs: the ones nearest the note in (date,
path) order.  A candidate is ranked by *all* the keys it shares with the note (a hub key
still adds its small weight), so the cap decides who is considered, never how a considered
note scores.  Hub keys are checked for the candidates best by their rarer keys and links
only, as long as one could still reach the top five and for ``MAX_SCORED`` at most
(``_top``).  The work per note is bounded by its number of keys times ``HUB_CAP``: linear
in the vault.

Text similarity is left out: a useful one (TF-IDF over Korean text with particles glued
to nouns) needs a morphological tokeniser and a nearest-neighbour index, far more than
this feature's budget of build time; links, tags and companies are what the user wrote
on purpose.

Ties are broken by title, then by date and path, so the same vault gives the same lists.

A computation leaves a :class:`Since` (a digest of each note's keys and of each key's
postings) for the next one (``mkdocs serve``, the build cache): given it, only the notes
whose list can have changed are computed again (:func:`_dirty`): the notes whose own keys
or links changed, and every note holding a key whose postings, weight or shown name
changed.  A note added to a 5,000-note vault recomputes a few lists, not 5,000; the rest
are the last computation's, equal to what computing them again would give.
"""
from __future__ import annotations

import gc
import hashlib
import heapq
import marshal
import math
from bisect import bisect_left, insort
from collections import defaultdict
from operator import itemgetter
from typing import NamedTuple

from .labels import labels
from .textutil import fold

#: How many related notes a note shows.
LIMIT = 5
#: The most postings walked for one key when looking for candidates (see the module doc).
HUB_CAP = 64
#: The most candidates of one note whose hub keys are checked, best partial score first (see
#: ``_top``): in a vault where every note shares a dozen hubs, the threshold stops late.
MAX_SCORED = 32
#: A direct link between the two notes weighs this many times the IDF of the link.
LINK_WEIGHT = 1.0
#: The most names a reason lists ("태그: #a, #b, #c").
REASON_NAMES = 3
_KINDS = ("company", "tag", "link", "target", "cited")  # the order reasons are shown in


def related_notes(notes, out_links: dict[str, list[str]], note_tags: dict[str, list[str]],
                  note_companies: dict[str, list[str]], company_name, language: str | None = "ko",
                  limit: int = LIMIT, hub_cap: int = HUB_CAP,
                  part: tuple[int, int] = (0, 1)) -> dict[str, list[dict]]:
    """note src -> its related notes, best first: ``{"src", "url", "title", "score",
    "reasons": [{"kind", "names", "text"}]}``.

    ``notes``: the published notes (objects with ``src``, ``url``, ``title``, ``date``);
    ``out_links``: note src -> the srcs of the notes it links to (published ones, each once);
    ``note_tags`` / ``note_companies``: note src -> tag names / company ids;
    ``company_name``: company id -> display name.  ``part=(k, n)``: only the lists of every
    n-th note from the k-th in (date, path) order (n processes share the work; the index is
    built whole by each)."""
    return _compute(notes, out_links, note_tags, note_companies, company_name, language, limit, hub_cap,
                    part).lists


class Since(NamedTuple):
    """What a computation of related notes leaves for the next (see the module doc)."""

    #: what every weight and reason follows from: (:func:`scale`, language, limit, hub cap)
    head: tuple
    #: note src -> (digest of its address, title and date, digest of its keys in order)
    notes: dict
    #: key (kind, value) -> digest of its postings (note srcs in order) and the name shown
    #: (for a link key, the linked note's address, title and date); ``b""`` for a key on
    #: every note (dropped)
    keys: dict


class Computed(NamedTuple):
    """A computation's answer: ``lists`` of every note, or with ``since`` of the notes in
    ``todo`` only (the others' are the last computation's, :func:`merge_since`)."""

    lists: dict
    todo: frozenset | None
    since: Since | None


def scale(n: int) -> int:
    """The ``N`` of the IDF for a vault of ``n`` notes: ``n`` rounded up to its five leading
    binary digits (steps of 3-6 %: 5,000 to 5,120 weigh alike), so that one note more or
    less leaves the weights as they were and a computation since the last one stays small;
    exact below 32 notes."""
    shift = max(n.bit_length() - 5, 0)
    return -(-n >> shift) << shift


def _compute(notes, out_links, note_tags, note_companies, company_name, language, limit, hub_cap,
             part: tuple[int, int] = (0, 1), since: Since | None = None, keep: bool = False) -> Computed:
    """:func:`related_notes`; with ``since`` (the last computation's :class:`Since`, or None)
    only the lists that can have changed, and with ``keep`` or ``since`` the new Since."""
    L = labels(language)
    by_src = {n.src: n for n in notes}
    if len(by_src) < 2:
        return Computed({}, None, None)
    # Notes are numbered in the order postings are walked and ties broken by: date, then
    # path; keys are numbered as met.  Integers hash and compare fastest.
    srcs = sorted(by_src, key=lambda s: (by_src[s].date or "", s))
    n_notes = len(srcs)
    number = {src: i for i, src in enumerate(srcs)}
    out: list[list[int]] = []
    incoming: list[list[int]] = [[] for _ in srcs]
    for i, src in enumerate(srcs):
        targets = [number[t] for t in dict.fromkeys(out_links.get(src, ())) if t in number and t != src]
        out.append(targets)
        for t in targets:
            incoming[t].append(i)
    key_id: dict[tuple, int] = {}
    key_of: list[tuple] = []  # key number -> (kind, value)
    postings: list[list[int]] = []
    keys: list[list[int]] = []
    for i, src in enumerate(srcs):
        ks = [("company", c) for c in dict.fromkeys(note_companies.get(src, ()))]
        ks += [("tag", t) for t in dict.fromkeys(note_tags.get(src, ()))]
        ks += [("target", srcs[t]) for t in out[i]]
        ks += [("cited", srcs[c]) for c in incoming[i]]
        mine = []
        for k in ks:
            kid = key_id.get(k)
            if kid is None:
                kid = key_id[k] = len(key_of)
                key_of.append(k)
                postings.append([])
            postings[kid].append(i)  # in note order: this loop walks it
            mine.append(kid)
        keys.append(mine)

    size = scale(n_notes)

    def idf(df: int) -> float:
        return math.log(size / max(df, 1))

    weight = [idf(len(p)) for p in postings]
    # A key every note holds says nothing: it is dropped, like a stop word.
    dropped = [len(p) >= n_notes for p in postings]
    held = keys
    keys = [[k for k in ks if not dropped[k]] for ks in held]
    keyset = [frozenset(ks) for ks in keys]
    is_hub = [len(p) > hub_cap for p in postings]
    hubset = [frozenset([k for k in ks if is_hub[k]]) for ks in keys]  # a note's hub keys
    link_w = [LINK_WEIGHT * idf(len(o)) if o else 0.0 for o in out]
    titles = [fold(by_src[s].title) for s in srcs]
    # Reasons list a kind's keys heaviest first (ties by value): one order of every key,
    # kinds in _KINDS order, made once, so a pair's shared keys sort as integers.
    kind_order = {k: n for n, k in enumerate(_KINDS)}
    rank = [0] * len(key_of)
    for r, k in enumerate(sorted(range(len(key_of)),
                                 key=lambda k: (kind_order[key_of[k][0]], -weight[k], key_of[k][1]))):
        rank[k] = r
    shown: dict[int, str] = {}  # key number -> the name a reason shows

    def name_of(k: int) -> str:
        name = shown.get(k)
        if name is None:
            kind, value = key_of[k]
            if kind == "company":
                name = company_name(value)
            elif kind == "tag":
                name = "#" + value
            else:
                name = by_src[value].title
            shown[k] = name
        return name

    new = todo = None
    if keep or since is not None:
        new = _since((size, language, limit, hub_cap), srcs, by_src, key_of, held, postings, dropped, company_name)
        if since is not None and since.head == new.head:
            todo = _dirty(since, new, srcs, key_of, keys, postings)
    result: dict[str, list[dict]] = {}
    # Equal reason lists are one object: most rows give the same few (a shared tag or
    # company), and the lists stay in memory for the whole build (pickled once each, too).
    interned: dict[tuple, list[dict]] = {}
    first, step = part
    for i in range(first, n_notes, step) if todo is None else sorted(todo):
        src = srcs[i]
        # Rare keys and direct links: every note holding them, scored as it is met.
        score: dict[int, float] = defaultdict(float)
        hubs = []
        for k in keys[i]:
            p = postings[k]
            if len(p) <= hub_cap:
                w = weight[k]
                for other in p:
                    score[other] += w
            else:
                hubs.append(k)
        w = link_w[i]
        for other in out[i]:
            score[other] += w
        for other in incoming[i]:
            score[other] += link_w[other]
        if hubs:
            # Hubs: hub_cap postings in all, the nearest this note in (date, path) order,
            # are candidates too.
            per = max(4, hub_cap // len(hubs))
            for k in hubs:
                p = postings[k]
                at = bisect_left(p, i)
                lo = max(0, min(at - per // 2, len(p) - per))
                for other in p[lo:lo + per]:
                    if other not in score:
                        score[other] = 0.0
        score.pop(i, None)
        best = _top(score, frozenset(hubs), weight, hubset, titles, limit)
        if not best:
            continue
        rows = []
        linked = set(out[i]) | set(incoming[i])
        mine = keyset[i]
        for neg, _, other in best:
            n = by_src[srcs[other]]
            reasons = _reasons(sorted(mine & keyset[other], key=rank.__getitem__), other in linked, key_of, name_of, L)
            reasons = interned.setdefault(tuple((r["kind"], tuple(r["names"]), r["text"]) for r in reasons), reasons)
            rows.append({"src": n.src, "url": n.url, "title": n.title, "score": round(-neg, 3), "reasons": reasons})
        result[src] = rows
    return Computed(result, None if todo is None else frozenset(srcs[i] for i in todo), new)


def _digest(value) -> bytes:
    return hashlib.blake2b(marshal.dumps(value, 2), digest_size=16).digest()


def _since(head: tuple, srcs: list, by_src: dict, key_of: list, held: list, postings: list, dropped: list,
           company_name) -> Since:
    """The :class:`Since` of one computation's index (linear: one digest per note and key)."""
    notes = {}
    for i, src in enumerate(srcs):
        n = by_src[src]
        notes[src] = (_digest((n.url, n.title, n.date)), _digest([key_of[k] for k in held[i]]))
    keys = {}
    for k, key in enumerate(key_of):
        if dropped[k]:
            keys[key] = b""
            continue
        kind, value = key
        if kind == "company":
            shown = company_name(value)
        elif kind == "tag":
            shown = value
        else:
            n = by_src[value]
            shown = (n.url, n.title, n.date)
        keys[key] = _digest((shown, [srcs[i] for i in postings[k]]))
    return Since(head, notes, keys)


def _dirty(old: Since, new: Since, srcs: list, key_of: list, keys: list, postings: list) -> set[int]:
    """The notes (numbers) whose list can differ from the last computation's: a note that is
    new or whose keys changed; every note holding a key whose postings (who holds it, in what
    order), weight (the number holding it) or shown name changed; and every note that may
    list a note whose address, title or date changed (it shows them, and breaks ties by title
    and then by (date, path) order, which a date changes without reordering any posting):
    those sharing a key with it, and through the link keys, whose shown name holds all three,
    those linked with it.  Whatever else a list reads is the same for these inputs."""
    todo: set[int] = set()
    touched: set[int] = set()  # key numbers
    old_notes, old_keys = old.notes, old.keys
    for i, src in enumerate(srcs):
        was = old_notes.get(src)
        now = new.notes[src]
        if was is None or was[1] != now[1]:
            todo.add(i)
        if was is None or was[0] != now[0]:
            todo.add(i)
            touched.update(keys[i])  # (not a dropped key: it decides nothing)
    for k, key in enumerate(key_of):
        if old_keys.get(key) != new.keys[key]:
            touched.add(k)
    for k in touched:
        todo.update(postings[k])
    return todo


def merge_since(order: list, last: dict[str, list[dict]], computed: Computed) -> dict[str, list[dict]]:
    """The lists of every note: ``computed``'s where it computed them (``todo``), else the
    last computation's (``last``), in the order a whole computation gives them; ``order``:
    the notes' (date, src) as ``related_notes`` orders them (``_related_payload``'s notes)."""
    if computed.todo is None:
        return computed.lists
    fresh, todo = computed.lists, computed.todo
    out = {}
    for _, src in sorted((n[3] or "", n[0]) for n in order):
        rows = fresh.get(src) if src in todo else last.get(src)
        if rows:
            out[src] = rows
    return out


def _top(partial: dict[int, float], hubs: frozenset, weight: list, hubset: list, titles: list, limit: int) -> list:
    """The ``limit`` best candidates as ``(-score, folded title, note number)``, best first,
    where a candidate's score is its ``partial`` score (rare keys, links) plus the weight of
    every hub key it shares.  The hubs add at most the sum of their weights, so candidates
    are taken in order of partial score and the hubs are checked only until no later one
    can reach the list (the threshold algorithm), and for ``MAX_SCORED`` candidates at most:
    exact whenever the threshold stops first, as it does unless most candidates share many
    hubs (then the ``MAX_SCORED`` best by rare keys and links are ranked exactly)."""
    if not hubs:
        return heapq.nsmallest(limit, ((-round(s, 6), titles[o], o) for o, s in partial.items() if s > 0))
    bound = sum(weight[k] for k in hubs) + 1e-9
    best: list = []  # the best rows so far, best first
    worst = -1.0  # the score of the last of ``limit`` rows once there are as many
    # Partial ties keep the candidates' order of discovery, which the vault alone decides.
    # (nlargest is sorted(..., reverse=True)[:n], ties in their order, without sorting them all.)
    for other, s in heapq.nlargest(MAX_SCORED, partial.items(), key=itemgetter(1)):
        if s + bound < worst:
            break
        shared = hubs & hubset[other]
        if shared:
            s += sum([weight[k] for k in shared])
        if s <= 0 or s < worst - 1e-9:
            continue
        row = (-round(s, 6), titles[other], other)
        if len(best) < limit:
            insort(best, row)
        elif row < best[-1]:
            best.pop()
            insort(best, row)
        else:
            continue
        if len(best) == limit:
            worst = -best[-1][0]
    return best


def _reasons(shared: list[int], linked: bool, key_of: list, name_of, L: dict) -> list[dict]:
    """Why two notes are related, in a fixed order of kinds: companies, tags, a direct link,
    shared links, notes citing both; within a kind the rarest (heaviest) key first.
    ``shared``: the key numbers the two notes share, in that order (``rank``); ``linked``: one
    links to the other."""
    out = []
    kinds: dict[str, list[str]] = {}
    for k in shared:
        names = kinds.get(key_of[k][0])
        if names is None:
            kinds[key_of[k][0]] = [name_of(k)]
        elif len(names) < REASON_NAMES:
            names.append(name_of(k))
    if linked:
        kinds["link"] = []
    for kind in _KINDS:
        names = kinds.get(kind)
        if names is None:
            continue
        text = L["related_" + kind] + (": " + ", ".join(names) if names else "")
        out.append({"kind": kind, "names": names, "text": text})
    return out


class PlainNote(NamedTuple):
    """What related notes read of a note (a worker process gets these, not the notes)."""

    src: str
    url: str
    title: str
    date: str | None


def related_from_payload(payload: tuple, part: tuple[int, int] = (0, 1)) -> dict[str, list[dict]]:
    """:func:`related_notes` of ``build._related_payload`` (in ``python -m vaultsite.worker``)."""
    return computed_from_payload(payload, part).lists


def computed_from_payload(payload: tuple, part: tuple[int, int] = (0, 1), since: Since | None = None,
                          keep: bool = False) -> Computed:
    """:func:`_compute` of ``build._related_payload``: with ``since``, only the lists that can
    have changed since (see :class:`Computed`); with ``keep``, the Since for the next one."""
    notes, out_links, note_tags, note_companies, names, language = payload
    return _compute([PlainNote(*n) for n in notes], out_links, note_tags, note_companies,
                    names.__getitem__, language, LIMIT, HUB_CAP, part, since, keep)


def head_of(payload: tuple) -> tuple:
    """The :attr:`Since.head` a computation of ``payload`` gives: when it equals the last
    Since's, the computation since that one recomputes only the lists that changed."""
    return (scale(len({n[0] for n in payload[0]})), payload[5], LIMIT, HUB_CAP)


def computed_from_blob(blob: bytes, part: tuple[int, int] = (0, 1), since: Since | None = None,
                       keep: bool = False) -> Computed:
    """:func:`computed_from_payload` of a marshalled payload, in a process that exits after it
    (a forked child, or ``vaultsite.worker``): the collector is off, its passes would walk
    (and in a forked child copy) a heap of long-lived objects for nothing."""
    gc.disable()
    return computed_from_payload(marshal.loads(blob), part, since, keep)


def merge_parts(payload: tuple, parts: list[dict[str, list[dict]]]) -> dict[str, list[dict]]:
    """The lists of ``related_from_payload(payload, (k, n))`` for every k, in the order the
    whole computation gives them (note by note, in (date, path) order)."""
    if len(parts) == 1:
        return parts[0]
    got: dict[str, list[dict]] = {}
    for p in parts:
        got.update(p)
    order = sorted(((n[3] or "", n[0]) for n in payload[0]))
    return {src: got[src] for _, src in order if src in got}
