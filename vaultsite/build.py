"""One pass over the vault: scan -> decode -> normalise -> index -> extract.

``build_vault`` is the whole core in one call and knows nothing about MkDocs;
the hooks feed it the files MkDocs found and ask it for page sources.  Work
per note (decoding, shape normalisation, tag/date/company extraction) is
cached by (path, size, mtime) in a :class:`Cache` that ``mkdocs serve`` keeps
between rebuilds, so a rebuild re-reads only what changed.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import posixpath
import threading
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Iterable
from urllib.parse import quote, unquote

from . import attachments as attachments_mod
from . import canvas as canvas_mod
from . import appsettings
from . import companies as companies_mod
from . import excalidraw
from . import forkpool
from . import properties as properties_mod
from . import publish
from . import related as related_mod
from . import dates as dates_mod
from . import search as search_mod
from . import tags as tags_mod
from .decode import decode_bytes
from .digests import digest, marshalled
from .index import NOTE_EXTS, VaultIndex, attachment_keys, note_keys
from .limits import bound_text
from .links import LinkRecord, Resolver, Target, extract_links, heading_anchors, heading_slugify
from .model import Note, Problem
from .parsed import ParsedNote, RawLink, sentence_around
from .shapes import normalise
from .textutil import fold, nfc

COMPANY_DIR = "companies"
GENERATED = {
    "tags": "tags.md",
    "timeline": "timeline.md",
    "companies": f"{COMPANY_DIR}/index.md",
    "missing": "missing.md",
}
GRAPH_PAGE = "graph.md"  # the global graph view (vaultsite.graph), when the setting is on
HOME = "index.md"  # the site's root page; generated when the vault has no home note
TIMELINE_DIR = "timeline"  # timeline/<year>.md: one page per year (timeline.md is the index)
TAGS_DIR = "tags"  # tags/<tag>.md: one page per tag (tags.md is the index)
#: At most this many entries on one page of a folder index or a tag page; more go on
#: ``<folder>/page/2.md``, ... Every link costs the browser work at load (Material mounts its
#: instant preview on each link of the content, and styles and lays out every element): 500
#: links were about a second on the benchmark machine; on a slow one (2026-12) a page of 200
#: (1,650-2,200 elements) took 0.8-1.07 s, 0.3 s more than a plain note page, so 150
#: (``tests/bench/page_weight.py --kinds``).
PAGE_SIZE = 150
#: At most this many events on one timeline page: a year with more is split, by whole months
#: where it can, into ``timeline/<year>.md``, ``timeline/<year>/page/2.md``, ... (an event is
#: a few links and chips: 900 of them took seconds to load; 200, up to 1.07 s on a slow machine).
TIMELINE_PAGE_SIZE = 150


@dataclass
class Source:
    """A file under docs/: its path there (POSIX, NFC) and how to read it."""

    src: str
    abs_path: str | None
    size: int = 0
    mtime: float = 0.0
    data: bytes | None = None
    #: The inode change time (ns).  A rewrite that keeps size and mtime (``rsync -t``,
    #: ``touch -r``) still changes it, and no tool can set it back: part of the cache key.
    ctime: int = 0

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        with open(self.abs_path, "rb") as fh:  # not kept: the cache holds the results, not the bytes
            return fh.read()

    @property
    def key(self) -> tuple:
        return (self.src, self.size, self.mtime, self.ctime)


@dataclass
class NoteFacts:
    """Everything extracted from one note that depends only on the note itself."""

    note: Note | None
    problem: str | None = None
    inline_tags: list[str] = field(default_factory=list)
    events: list = field(default_factory=list)
    unplaced_dates: int = 0
    discovered: list | None = None  # companies named with a ticker that the registry lacks
    raw_links: list[RawLink] = field(default_factory=list)
    contexts: dict[int, str] = field(default_factory=dict)  # link start -> sentence around it
    anchors: dict[str, str] = field(default_factory=dict)  # heading/block -> anchor id
    event_companies: dict = field(default_factory=dict)  # registry fingerprint -> company ids per event
    company_summary: dict = field(default_factory=dict)  # registry fingerprint -> _mention_summary
    links: LinkMemo | None = None  # this version's links as last resolved (mkdocs serve)
    plain: bool = False  # published as plain text (vaultsite.limits): nothing is read from it
    search: object = None  # the note's search record, packed (vaultsite.search.note_record, pack)

    def __getstate__(self):
        # The raw links pickled as one string (``PackedRows``): 83,000 of them at 5,000 notes
        # took 0.27 s of a cached build to unpickle as objects, and such a build reads only
        # those of the notes whose links are resolved again.
        state = dict(self.__dict__)
        raw = state.get("raw_links")
        if type(raw) is list and raw:
            state["raw_links"] = PackedRows.of(raw, RawLink)
        return state


class LinkMemo:
    """A note's resolved links and what the resolution read, kept to skip it on a rebuild.

    ``keys`` are the index keys the lookups read (``VaultIndex.trace``); the memo holds
    as long as no note or attachment filed under one of them was added, removed or changed.
    The problems the resolution raised are kept to be raised again when it is reused.

    Pickled (the build cache), the records are one ``marshal`` string and the notes they
    point to: 83,000 records at 5,000 notes took a second of a cached build to unpickle as
    objects, and such a build reads the records of the few notes whose pages it renders (the
    signatures and the graph read them all in forked children). They are made again when
    first read (``records``, or iterating :meth:`lazy`)."""

    __slots__ = ("_records", "_packed", "keys", "ambiguous", "refused", "summary")

    def __init__(self, records: list, keys: frozenset, ambiguous: tuple, refused: tuple, summary: tuple) -> None:
        self._records = records
        self._packed = None
        self.keys = keys
        self.ambiguous = ambiguous  # (name, Problem) in the order the lookups met them
        self.refused = refused  # Problems
        self.summary = summary  # what the records give the vault: see _link_summary

    @property
    def records(self) -> list[LinkRecord]:
        got = self._records
        if got is None:  # (two threads may both make them: the same records)
            got = self._records = _unpack_records(*self._packed)
        return got

    def lazy(self):
        """The records, or an iterable that makes them when first iterated."""
        return self._records if self._records is not None else _LazyRecords(self)

    def __reduce__(self):
        packed = self._packed
        if packed is None:
            packed = _pack_records(self._records)
            if packed is None:  # a record marshal cannot write: pickled as objects
                return (LinkMemo, (self._records, self.keys, self.ambiguous, self.refused, self.summary))
        return (_packed_link_memo, (packed, self.keys, self.ambiguous, self.refused, self.summary))


class _LazyList:
    """A list made when first read (``list()``): iterated, indexed and compared as it."""

    __slots__ = ()

    def list(self) -> list:
        raise NotImplementedError

    def __iter__(self):
        return iter(self.list())

    def __len__(self) -> int:
        return len(self.list())

    def __getitem__(self, i):
        return self.list()[i]

    def __bool__(self) -> bool:
        return bool(self.list())

    def __eq__(self, other) -> bool:
        return self.list() == (other.list() if isinstance(other, _LazyList) else other)

    __hash__ = None


class PackedRows(_LazyList):
    """A list of named tuples of plain values held as one ``marshal`` string (pickled so)."""

    __slots__ = ("blob", "kind", "rows")

    def __init__(self, blob: bytes, kind) -> None:
        self.blob, self.kind, self.rows = blob, kind, None

    @classmethod
    def of(cls, items: list, kind):
        """``items`` packed; the list itself when ``marshal`` cannot write a value of it."""
        try:
            blob = marshal.dumps([tuple(x) for x in items], 2)
        except ValueError:
            return items
        made = cls(blob, kind)
        made.rows = items
        return made

    def list(self) -> list:
        got = self.rows
        if got is None:
            got = self.rows = [self.kind(*row) for row in marshal.loads(self.blob)]
        return got

    def __reduce__(self):
        return (PackedRows, (self.blob, self.kind))


class _LazyRecords(_LazyList):
    """A note's link records (``LinkMemo.lazy``), made when first read."""

    __slots__ = ("memo",)

    def __init__(self, memo: LinkMemo) -> None:
        self.memo = memo

    def list(self) -> list:
        return self.memo.records


def _pack_records(records: list[LinkRecord]) -> tuple[bytes, tuple] | None:
    """``records`` as (a ``marshal`` string of plain rows, the notes the rows point to)."""
    notes: list = []
    where: dict[int, int] = {}
    rows = []
    for r in records:
        t = r.target
        i = -1
        if t.note is not None:
            i = where.get(id(t.note))
            if i is None:
                i = where[id(t.note)] = len(notes)
                notes.append(t.note)
        rows.append((r.raw, r.text, t.kind, i, t.file, t.anchor, t.name, t.width, t.height, r.embed, r.start, r.end))
    try:
        return marshal.dumps(rows, 2), tuple(notes)
    except ValueError:
        return None


def _unpack_records(blob: bytes, notes: tuple) -> list[LinkRecord]:
    return [LinkRecord(raw, text, Target(kind, notes[i] if i >= 0 else None, file, anchor, name, width, height),
                       embed, start, end)
            for raw, text, kind, i, file, anchor, name, width, height, embed, start, end in marshal.loads(blob)]


def _packed_link_memo(packed: tuple, keys: frozenset, ambiguous: tuple, refused: tuple, summary: tuple) -> LinkMemo:
    memo = LinkMemo(None, keys, ambiguous, refused, summary)
    memo._packed = packed
    return memo


class Cache:
    """Per-file results keyed by (path, size, mtime); survives ``mkdocs serve`` rebuilds."""

    def __init__(self) -> None:
        self.facts: dict[tuple, NoteFacts] = {}
        self.cleaned: dict[tuple, tuple] = {}  # active attachments (SVG, HTML): see attachment()
        self.hits = 0
        self.misses = 0
        #: Keep each note's link resolution for the next build (``NoteFacts.links``), and what
        #: related notes are computed since (``related.Since``); a one-off build, which never
        #: reads the cache again, turns it off.
        self.memo_links = True
        #: What the last build's links were resolved against: note src -> Note, attachment
        #: srcs, generated page srcs.  None when no resolution can be reused.
        self.link_state: tuple | None = None
        #: (digest of their inputs, the related notes, their ``related.Since`` or None) of the
        #: last build (``_start_related``)
        self.related_memo: tuple[str, dict, object] | None = None
        #: ``mkdocs serve`` may show the last lists while the new ones are computed:
        #: ``later(key, job, keep)`` takes the job (see :func:`_start_related`).
        self.related_later = None
        #: How many forked children share the related notes: 2 where this process has little
        #: else to do meanwhile (a cached build); each builds the whole index (a fifth of the work).
        self.related_parts = 1

    def fill(self, sources: list[Source]) -> None:
        """Read every uncached note; a large batch (a cold build) uses every core.

        Small batches (a ``mkdocs serve`` rebuild) stay in this process.  A large
        one is read by this process and forked children taking notes from a shared
        queue (:func:`_read_forked`).  Where other threads run (forking would copy
        their locks mid-use), ``python -m vaultsite.worker`` subprocesses read
        shares of it instead (pickled in, pickled out; starting one costs about
        half a second).  A worker that fails costs only speed: its notes are read here.
        """
        todo = [s for s in sources if s.key not in self.facts and is_note_path(s.src)]
        workers = min(os.cpu_count() or 1, 4)
        if len(todo) < PARALLEL_MIN or workers < 2:
            return
        import threading

        if hasattr(os, "fork") and threading.active_count() == 1:
            for source, facts in zip(todo, _read_forked(todo, workers)):
                self.facts[source.key] = facts
            self.misses += len(todo)
            return
        shares = [todo[i::workers] for i in range(workers)]
        procs = [(forkpool.worker_process(share), share) for share in shares[1:]]
        for source in shares[0]:
            self.facts[source.key] = read_note(source)
        for proc, share in procs:
            results = forkpool.worker_answer(proc)
            if results is None or len(results) != len(share):
                results = [read_note(s) for s in share]
            for source, facts in zip(share, results):
                self.facts[source.key] = facts
        self.misses += len(todo)

    def get(self, source: Source) -> NoteFacts:
        got = self.facts.get(source.key)
        if got is not None:
            self.hits += 1
            return got
        self.misses += 1
        facts = read_note(source)
        self.facts[source.key] = facts
        return facts

    def attachment(self, source: Source) -> tuple[bytes | None, str | None]:
        """An active attachment's cleaned bytes and problem (``attachments.sanitize_attachment``)."""
        got = self.cleaned.get(source.key)
        if got is None:
            try:
                data = source.read()
            except OSError as exc:
                got = (None, f"cannot be read: {exc.strerror or exc}")
            else:
                got = attachments_mod.sanitize_attachment(source.src, data)
            self.cleaned[source.key] = got
        return got

    def prune(self, live: set[tuple]) -> None:
        for k in [k for k in self.facts if k not in live]:
            del self.facts[k]
        for k in [k for k in self.cleaned if k not in live]:
            del self.cleaned[k]


def is_note_path(src: str) -> bool:
    return posixpath.splitext(src)[1].casefold() in NOTE_EXTS


PARALLEL_MIN = 200
FORK_CHUNK = 16  # notes a process takes from the queue at a time


def _read_forked(todo: list[Source], workers: int) -> list[NoteFacts]:
    """``[read_note(s) for s in todo]`` on ``workers`` processes: this one and forked children
    taking notes from a shared queue (``forkpool``).  Only called where forking is safe (no
    other thread).  What a child fails to hand back is read here."""
    order = sorted(range(len(todo)), key=lambda i: -todo[i].size)  # large files first
    queue = forkpool.make_queue(len(order), FORK_CHUNK)

    def drain() -> dict[int, NoteFacts]:
        got: dict[int, NoteFacts] = {}
        while (first := forkpool.next_chunk(queue)) is not None:
            for i in order[first:first + FORK_CHUNK]:
                got[i] = read_note(todo[i])
        return got

    children = forkpool.fork_children(workers - 1, lambda fd: forkpool.send(fd, drain()))
    results = drain()
    os.close(queue)
    for got in forkpool.Frames([r for _, r in children]).read():
        results.update(got)
    for pid, _ in children:
        os.waitpid(pid, 0)
    return [results[i] if i in results else read_note(todo[i]) for i in range(len(todo))]
_BASE_REGISTRY: list = []


def base_registry() -> companies_mod.Registry:
    """The packaged company registry, loaded once per process (workers included)."""
    if not _BASE_REGISTRY:
        _BASE_REGISTRY.append(companies_mod.Registry.load())
    return _BASE_REGISTRY[0]


def read_note(source: Source) -> NoteFacts:
    """Decode and normalise one file, parse its body once (:class:`ParsedNote`), then run the
    per-note extractors on that parsed form.

    Company mentions are found with the packaged registry here, once per file
    version; a build whose registry differs (user company notes, discovered
    companies) redoes them (see ``_companies``).
    """
    try:
        data = source.read()
    except OSError as exc:
        return NoteFacts(None, f"cannot be read: {exc.strerror or exc}")
    text, problem = decode_bytes(data)
    if text is None:
        return NoteFacts(None, problem or "not text")
    del data
    limited, plain = [], None
    if canvas_mod.is_canvas_path(source.src):
        note = canvas_mod.normalise(source.src, text)
    elif excalidraw.is_drawing(source.src):
        note = excalidraw.drawing_note(normalise(source.src, text), text)
    else:
        # what would cost too much to render becomes plain text (vaultsite.limits)
        bounded, limited, plain = bound_text(text)
        note = normalise(source.src, bounded)
        if excalidraw.is_drawing(source.src, note):  # a drawing known by its front matter
            note = excalidraw.drawing_note(normalise(source.src, text) if bounded is not text else note, text)
            limited, plain = [], None
    if problem:
        note.problems.append(problem)
    note.problems.extend(limited)
    if plain is not None:  # published as it is: nothing in it is read as links, tags or dates
        note.body = plain
        return NoteFacts(note, discovered=[],
                         company_summary={_base_fingerprint(): {}}, plain=True,
                         search=search_mod.pack(search_mod.note_record(note)))
    facts = NoteFacts(note)
    # The one parsed form of the body: every extractor reads it, none masks the body again.
    parsed = ParsedNote(note.body)
    facts.inline_tags = [h.name for h in tags_mod.find_inline_tags(parsed)]
    events, unplaced = dates_mod.extract_events(parsed, note.date)
    facts.events = events
    facts.unplaced_dates = unplaced
    facts.raw_links = list(parsed.links)
    facts.contexts = {r.start: parsed.sentence(r.start, r.end) for r in facts.raw_links}
    # ``link: "[[Note]]"`` in the front matter is a link too (negative offsets: not in the body).
    for raw in properties_mod.property_links(note):
        facts.raw_links.insert(0, raw)
        facts.contexts[raw.start] = raw.text
    facts.anchors = heading_anchors(parsed)
    facts.search = search_mod.pack(search_mod.note_record(note, parsed))  # one object, not forty
    registry = base_registry()
    fingerprint = _base_fingerprint()
    facts.discovered = registry.discover(parsed)
    titled = parsed.with_title(note.title)
    mentions = registry.find_mentions(titled)  # not kept: the summary is what the build reads
    facts.company_summary = {fingerprint: _mention_summary(note, mentions, titled, facts.raw_links, registry)}
    facts.event_companies = {fingerprint: [_ids(registry.find_mentions(ev.text)) for ev in events]}
    return facts


def _ids(mentions) -> list[str]:
    out: list[str] = []
    for m in mentions:
        if m.company_id not in out:
            out.append(m.company_id)
    return out


_EXT_CLAIM = {".md": 0, ".markdown": 1, ".txt": 3}


def _address_claim(src: str) -> tuple:
    """Which of two notes with one address keeps it: index.md over README.md, .md over
    .markdown over .mdown/.mkdn/.mkd over .txt; else the first by path."""
    root, ext = posixpath.splitext(src)
    return (posixpath.basename(root) == "README", _EXT_CLAIM.get(ext.casefold(), 2), src)


def page_src_for(src: str, taken: set[str]) -> str:
    """The MkDocs page path of a note: ``.txt`` notes (and canvases, drawings kept as JSON)
    become ``.md`` pages beside them."""
    root, ext = posixpath.splitext(src)
    if ext.casefold() in (".md", ".markdown"):  # MkDocs reads these at their own path
        return src
    cand = root + ".md"
    if cand in taken:
        cand = src + ".md"
    return cand


@lru_cache(maxsize=65536)
def page_url(page_src: str) -> str:
    """The site-relative URL MkDocs gives a page with ``use_directory_urls`` (percent-encoded)."""
    root = posixpath.splitext(page_src)[0]
    base = posixpath.basename(root)
    if base in ("index", "README"):
        url = posixpath.dirname(root)
        url = url + "/" if url else ""
    else:
        url = root + "/"
    return quote(url, safe="/")


@lru_cache(maxsize=1 << 18)
def url_between(from_src: str, to_src: str, anchor: str = "") -> str:
    """URL of page ``to_src`` relative to page ``from_src``: for raw HTML, which MkDocs won't
    rewrite, and for the links to pages of a note's Markdown (``mdext``), which it need not.

    Both URLs are directory URLs (``a/b/``) or the home page (``""``); a segment
    walk is several times cheaper than ``posixpath.relpath`` on a hot path
    (every listing entry of every generated page).
    """
    base = page_url(from_src).split("/")[:-1]
    target = page_url(to_src).split("/")
    i = 0
    while i < len(base) and i < len(target) - 1 and base[i] == target[i]:
        i += 1
    rel = "../" * (len(base) - i) + "/".join(target[i:])
    return (rel or "./") + anchor


@dataclass
class Vault:
    """The understanding of a whole vault that every page is rendered from."""

    notes: list[Note] = field(default_factory=list)
    index: VaultIndex = field(default_factory=VaultIndex)
    resolver: Resolver | None = None
    problems: list[Problem] = field(default_factory=list)
    links: dict[str, list[LinkRecord]] = field(default_factory=dict)
    backlinks: dict[str, list[dict]] = field(default_factory=dict)
    missing: dict[str, dict] = field(default_factory=dict)
    tag_index: tags_mod.TagIndex | None = None
    note_tags: dict[str, list[str]] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    registry: companies_mod.Registry | None = None
    note_companies: dict[str, list[str]] = field(default_factory=dict)
    company_notes: dict[str, list[dict]] = field(default_factory=dict)
    company_pages: dict[str, str] = field(default_factory=dict)  # company id -> page src
    by_page: dict[str, Note] = field(default_factory=dict)
    by_url: dict[str, Note] = field(default_factory=dict)
    events_by_company: dict[str, list[dict]] = field(default_factory=dict)  # fact events, newest first
    tag_pages: dict[str, str] = field(default_factory=dict)  # tag (display name) -> its page src
    timeline: list = field(default_factory=list)  # the timeline's pages (``timeline_pages``)
    unplaced_dates: int = 0
    #: Generated pages of the last build with their inputs, reused while the inputs compare
    #: equal (``render._by_inputs``); the adapter sets one dict for a ``mkdocs serve`` session.
    page_memo: dict | None = None
    language: str = "ko"  # theme.language: the words of generated pages (``labels``)
    #: Files under docs/ that must not reach the site (``publish: false``, ``draft: true``,
    #: excluded folders, dot folders): the adapter removes them from MkDocs' files.
    unpublished: set[str] = field(default_factory=set)
    #: The note published at the site root (``Home.md`` ...), or None; ``generated_home``
    #: when the root page is generated (no ``index.md``/``README.md``, no home note).
    home: str | None = None
    generated_home: bool = False
    #: SVG, HTML and XML attachments: src -> (bytes to publish instead of the file, or None
    #: to publish nothing; the problem reported).  See ``vaultsite.attachments``.
    attachment_output: dict[str, tuple] = field(default_factory=dict)
    #: note src -> its search record (``vaultsite.search.note_record``, read with the note),
    #: packed (``vaultsite.search.pack``)
    search_records: dict = field(default_factory=dict)
    #: note src -> its related notes, best first (``vaultsite.related``); empty when the
    #: setting ``related`` is off.
    related_value: dict[str, list[dict]] = field(default_factory=dict)
    #: a forkpool.Background computing ``related`` while the build goes on (see ``related``)
    related_job: object = None
    #: called with the value once the job's result is in (it keeps it for the next build)
    related_done: object = None
    #: note src -> its file's mtime: the date of a note that gives none (``vaultsite.latest``).
    mtimes: dict[str, float] = field(default_factory=dict)
    #: The graph view is on (``extra.vaultsite.graph``): the graph page and each note's local graph.
    graph: bool = True
    #: The digest of every company's name and page, which each company page's inputs hold:
    #: made once a build (``render._names_key``).
    names_key: str | None = None

    @property
    def related(self) -> dict[str, list[dict]]:
        """note src -> its related notes; waits for the child computing them, if any."""
        if self.related_job is not None:
            self.related_value = self.related_job.result()
            self.related_job = None
            if self.related_done is not None:
                self.related_done(self.related_value)
                self.related_done = None
        return self.related_value

    @related.setter
    def related(self, value: dict[str, list[dict]]) -> None:
        self.related_job = self.related_done = None
        self.related_value = value

    def note_for_page(self, page_src: str) -> Note | None:
        return self.by_page.get(page_src)

    def url_of(self, page_src: str) -> str:
        return page_url(page_src)


def build_vault(sources: list[Source], cache: Cache | None = None,
                registry: companies_mod.Registry | None = None,
                synonyms: dict[str, str] | None = None,
                company_ignore: Iterable[str] = (), *,
                exclude: list[str] | tuple = (), home: str | None = None, language: str | None = "ko",
                related: bool = True, graph: bool = True) -> Vault:
    """The whole core in one call.

    ``registry``: the company registry to start from (default: the packaged one); a user's
    ``companies/<Name>.md`` notes are added to it.  ``synonyms``: tag synonyms (default: the
    packaged ones).  ``company_ignore``: names, ids or tickers of companies the notes would add
    by discovery and the user does not want (the adapter's ``company_ignore`` setting); matched
    case-insensitively, never applied to the registry.  ``exclude``: folders (or glob patterns)
    never published; ``home``: the note to publish at the site root when ``docs/`` has no
    ``index.md`` (default: ``Home.md``, ``README.md`` or ``index.md`` at the vault root);
    ``language``: the site's language (``theme.language``) for the words of generated pages;
    ``related``: compute each note's related notes (``vaultsite.related``);
    ``graph``: the graph view is on (its page is one of the generated pages).
    """
    cache = cache or Cache()
    vault = Vault(language=language or "ko", graph=graph)
    index = vault.index
    rule = publish.Rule(exclude)
    hidden = [s for s in sources if rule.hidden(s.src)]
    if hidden:
        vault.unpublished.update(s.src for s in hidden)
        sources = [s for s in sources if not rule.hidden(s.src)]
    taken = {s.src for s in sources}
    facts_by_src: dict[str, NoteFacts] = {}
    cache.fill(sources)

    readable: list[tuple[Source, NoteFacts]] = []
    withheld = 0
    for source in sorted(sources, key=lambda s: s.src):
        if not is_note_path(source.src):
            if rule.excluded(source.src):
                vault.unpublished.add(source.src)
                continue
            if attachments_mod.is_active(source.src):  # SVG, HTML, XML: cleaned or not published
                out, problem = vault.attachment_output[source.src] = cache.attachment(source)
                if problem:
                    vault.problems.append(Problem(source.src, problem))
                if out is None:
                    vault.unpublished.add(source.src)  # the adapter leaves it out of the site
                    continue
            index.add_attachment(source.src)
            continue
        facts = cache.get(source)
        if facts.note is None:
            vault.problems.append(Problem(source.src, f"skipped: {facts.problem}"))
            continue
        if rule.excluded(source.src) or not publish.is_published(facts.note):
            vault.unpublished.add(source.src)
            withheld += 1
            continue
        readable.append((source, facts))
    published_srcs = taken - vault.unpublished  # an unpublished index.md is no root page
    home_src = publish.pick_home(published_srcs, [s.src for s, _ in readable], home)
    vault.home = home_src
    vault.generated_home = home_src is None and not publish.has_root_page(published_srcs)

    # Page addresses next, the files that have the best claim to an address first: the home
    # note, then index.md before README.md (MkDocs' rule), .md before the other extensions,
    # .txt last.  Notes left unpublished claim nothing.
    placed: dict[str, str] = {}  # note src -> page src
    owner: dict[str, str] = {}  # url -> note src
    if home_src is not None:
        placed[home_src] = HOME
        owner[page_url(HOME)] = home_src
        taken.add(HOME)
    for src in sorted((s.src for s, _ in readable if s.src != home_src), key=_address_claim):
        page_src = page_src_for(src, taken)
        url = page_url(page_src)
        if url in owner:  # x.md and x.markdown (or x.txt) share x/
            vault.problems.append(Problem(src, f"same page address as '{owner[url]}'; published at '{src}/' instead"))
            page_src = src + ".md"
            url = page_url(page_src)
        taken.add(page_src)
        owner[url] = src
        placed[src] = page_src

    for source, facts in readable:
        note = facts.note
        note.page_src = placed[note.src]
        url = page_url(note.page_src)
        note.url = url
        for p in note.problems:
            vault.problems.append(Problem(note.src, p))
        index.add_note(note)
        vault.notes.append(note)
        vault.by_page[note.page_src] = note
        vault.by_url[note.url] = note
        vault.search_records[note.src] = facts.search
        vault.mtimes[note.src] = source.mtime
        facts_by_src[note.src] = facts
    cache.prune({s.key for s in sources})
    if withheld:
        vault.problems.append(Problem("", f"{withheld} note(s) not published (publish: false, draft: true "
                                          "or an excluded folder)", "info"))
    if hidden:
        vault.problems.append(Problem("", f"{len(hidden)} file(s) in hidden folders (.obsidian/, .trash/, ...) "
                                          "not published", "info"))

    vault.resolver = Resolver(index)
    vault.resolver.language = vault.language
    # The rendering reads the vault's Obsidian settings through the resolver it is bound to.
    vault.settings = vault.resolver.settings = appsettings.read_settings(sources, vault.problems)
    for src, facts in facts_by_src.items():
        vault.resolver.preset_anchors(src, facts.anchors)
    _tags(vault, facts_by_src, synonyms)
    vault.tag_pages = tag_page_srcs([name for name, _ in vault.tag_index.tags()])
    _companies(vault, facts_by_src, registry, company_ignore)
    _events(vault, facts_by_src)
    vault.timeline = timeline_pages(vault.events)
    vault.resolver.pages = generated_page_srcs(vault)
    _links(vault, facts_by_src, cache)
    if related:
        _start_related(vault, cache)
    vault.problems.extend(index.problems)
    vault.problems.extend(vault.resolver.refused)
    return vault


def generated_page_srcs(vault: Vault) -> set[str]:
    """The pages the emitters will add, known before rendering so links to them resolve."""
    pages = set(GENERATED.values()) | set(vault.company_pages.values())
    if vault.generated_home:
        pages.add(HOME)
    if vault.graph:
        pages.add(GRAPH_PAGE)
    per_folder: dict[str, int] = defaultdict(int)
    for note in vault.notes:
        folder = posixpath.dirname(note.page_src)
        if posixpath.basename(note.page_src) not in ("index.md", "README.md"):
            per_folder[folder] += 1
        while folder:
            pages.add(folder + "/index.md")
            folder = posixpath.dirname(folder)
    for folder, n in per_folder.items():
        if folder:
            pages.update(paged_srcs(folder + "/index.md", n)[1:])
    pages.update(p.src for p in vault.timeline)
    for cid, src in vault.company_pages.items():
        pages.update(company_note_srcs(vault, cid))
    if vault.tag_index is not None:
        for name, notes in vault.tag_index.tags():
            pages.update(paged_srcs(vault.tag_pages[name], len(notes)))
    return pages


def company_note_srcs(vault: Vault, company_id: str) -> list[str]:
    """The pages a company's listing of notes takes: its page, then ``<page>/page/2.md``...
    (the company's own note, when it is the page, is not listed)."""
    src = vault.company_pages[company_id]
    listed = sum(1 for n in vault.company_notes.get(company_id, []) if n["page_src"] != src)
    return paged_srcs(src, listed)


def timeline_year_src(year: str) -> str:
    return f"{TIMELINE_DIR}/{year}.md"


def timeline_years(events: list[dict]) -> list[str]:
    """The years of the timeline's pages, newest first (events are sorted newest first)."""
    years: list[str] = []
    for e in events:
        if not years or years[-1] != e["date"][:4]:
            years.append(e["date"][:4])
    return years


def timeline_anchor(date: str) -> str:
    """The id of the month (or, for a year-only date, the year) section on a year page."""
    return "m-" + date[:7]


@dataclass(frozen=True)
class TimelinePage:
    """One page of the timeline: ``events[start:end]`` of the vault's (newest first) events,
    all of ``year``; ``part`` counts from 0 within the year; ``months``: the anchors
    (``timeline_anchor``) of the months whose first event is on this page."""

    year: str
    part: int
    src: str
    start: int
    end: int
    months: tuple[str, ...]


def timeline_pages(events: list[dict], size: int = TIMELINE_PAGE_SIZE) -> list[TimelinePage]:
    """The timeline's pages, newest first: a page a year, a year of more than ``size`` events
    split into pages of at most ``size``, by whole months (a page ends before the month that
    would overflow it); only a month of more than ``size`` events is cut, and goes on over
    the next page.  ``paged_srcs`` names the pages (``timeline/2025.md``,
    ``timeline/2025/page/2.md``, ...)."""
    groups: list[list[int]] = []  # [start, end] of runs of one month (or year-only) anchor
    for i, e in enumerate(events):
        if groups and events[groups[-1][0]]["date"][:7] == e["date"][:7]:
            groups[-1][1] = i + 1
        else:
            groups.append([i, i + 1])
    cuts: dict[str, list[list[int]]] = {}  # year -> its pages' [start, end]
    for start, end in groups:
        pages = cuts.setdefault(events[start]["date"][:4], [])
        if pages and pages[-1][1] - pages[-1][0] + end - start <= size:
            pages[-1][1] = end  # the whole month fits on the page being filled
            continue
        while start < end:  # a new page; a month of more than ``size`` events takes several
            pages.append([start, min(end, start + size)])
            start = pages[-1][1]
    out: list[TimelinePage] = []
    for year in cuts:
        srcs = paged_srcs(timeline_year_src(year), len(cuts[year]), 1)
        for part, ((start, end), src) in enumerate(zip(cuts[year], srcs)):
            months = []
            for i in range(start, end):
                anchor = timeline_anchor(events[i]["date"])
                if (i == 0 or timeline_anchor(events[i - 1]["date"]) != anchor) and anchor not in months:
                    months.append(anchor)
            out.append(TimelinePage(year, part, src, start, end, tuple(months)))
    return out


def event_timeline_urls(events: list[dict], pages: list[TimelinePage] | None = None) -> list[str]:
    """Where each of ``events`` is listed: its timeline page and month section (site-relative
    URLs, in the order of ``events``)."""
    out: list[str] = []
    for p in pages if pages is not None else timeline_pages(events):
        url = page_url(p.src)
        out.extend(url + "#" + timeline_anchor(events[i]["date"]) for i in range(p.start, p.end))
    return out


def paged_srcs(first: str, count: int, size: int = PAGE_SIZE) -> list[str]:
    """The pages a listing of ``count`` entries takes: ``first``, then ``<root>/page/2.md``...
    (``root``: ``first``'s folder for an ``index.md``, else ``first`` without ``.md``)."""
    pages = max(1, -(-count // size))
    root = posixpath.dirname(first) if posixpath.basename(first) == "index.md" else first[:-3]
    return [first] + [f"{root}/page/{k}.md" for k in range(2, pages + 1)]


_RESERVED_SLUGS = {"index", "readme", "page"}


def tag_page_srcs(names: Iterable[str]) -> dict[str, str]:
    """Each tag's page: ``tags/<slug>.md``, nested tags nested (``투자/반도체`` ->
    ``tags/투자/반도체.md``); the slug is the heading slug (Hangul kept, lower case), made
    unique (``-2``, ...) when two tags share one, and never ``index``, ``readme`` or ``page``
    (the tags index and the pagination own those)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        parts = []
        for part in name.split("/"):
            slug = heading_slugify(part, "-") or "tag"
            parts.append(slug + "-tag" if slug in _RESERVED_SLUGS else slug)
        base = f"{TAGS_DIR}/" + "/".join(parts)
        src, n = base + ".md", 2
        while src.casefold() in used:
            src, n = f"{base}-{n}.md", n + 1
        used.add(src.casefold())
        out[name] = src
    return out


def _changed_keys(before: tuple, vault: Vault) -> set:
    """The index keys whose lookups may answer differently than in the build of ``before``."""
    old_notes, old_files, old_pages = before
    new_notes = vault.index.notes
    changed: set = set()
    for src, note in new_notes.items():
        old = old_notes.get(src)
        if old is not note:  # added, or a new version (a new Note object)
            changed |= note_keys(note)
            if old is not None:
                changed |= note_keys(old)
    for src in old_notes.keys() - new_notes.keys():
        changed |= note_keys(old_notes[src])
    for src in old_files ^ vault.index.attachments:
        changed |= attachment_keys(src)
    changed.update(("pg", page) for page in old_pages ^ vault.resolver.pages)
    return changed


def _link_summary(note: Note, facts: NoteFacts, records: list[LinkRecord]) -> tuple:
    """What a note's resolved links give the vault, in link order: the notes it links to
    (each once, with the sentence around the first link), the missing notes it names, and
    the problems its links raise."""
    back, missing, problems = [], [], []
    seen: set[str] = set()
    for rec in records:
        t = rec.target
        if t.kind == "note" and t.note is not note and t.note.src not in seen:
            seen.add(t.note.src)
            back.append((t.note.src, facts.contexts.get(rec.start, "")))
        elif t.kind == "missing":
            missing.append((fold(t.name), t.name))
            problems.append(Problem(note.src, f"link to a note not written yet: '{t.name}'", "info"))
        elif t.kind == "missing-file":
            problems.append(Problem(note.src, f"attachment not found: '{t.name}'", "info"))
    return tuple(back), tuple(missing), tuple(problems)


def _resolve_links(vault: Vault, facts_by_src: dict[str, NoteFacts], cache: Cache,
                   changed: set | None) -> dict[str, tuple[list[LinkRecord], tuple]]:
    """Every note's resolved links and their summary; in ``mkdocs serve`` a note whose links
    read no changed key reuses its last resolution (and raises its problems again)."""
    resolver, index = vault.resolver, vault.index
    out: dict[str, tuple[list[LinkRecord], tuple]] = {}
    cache.link_state = None  # until this pass completes, no memo is known to be consistent
    for note in vault.notes:
        facts = facts_by_src[note.src]
        memo = facts.links
        if memo is not None and changed is not None and memo.keys.isdisjoint(changed):
            for key, problem in memo.ambiguous:
                index.warn_ambiguous(key, problem)
            resolver.refused.extend(memo.refused)
            out[note.src] = (memo.lazy(), memo.summary)  # (unpickled records: made when read)
            continue
        if not cache.memo_links:
            records = extract_links(note, resolver, facts.raw_links)
            out[note.src] = (records, _link_summary(note, facts, records))
            continue
        index.trace, index.trace_ambiguous, refused_before = set(), [], len(resolver.refused)
        try:
            records = extract_links(note, resolver, facts.raw_links)
            facts.links = LinkMemo(records, frozenset(index.trace), tuple(index.trace_ambiguous),
                                   tuple(resolver.refused[refused_before:]), _link_summary(note, facts, records))
        finally:
            index.trace = index.trace_ambiguous = None
        out[note.src] = (records, facts.links.summary)
    if cache.memo_links:
        cache.link_state = (dict(index.notes), frozenset(index.attachments), frozenset(resolver.pages))
    return out


def _links(vault: Vault, facts_by_src: dict[str, NoteFacts], cache: Cache) -> None:
    before = cache.link_state
    changed = _changed_keys(before, vault) if before is not None and cache.memo_links else None
    resolved = _resolve_links(vault, facts_by_src, cache, changed)
    backlinks: dict[str, list[dict]] = defaultdict(list)
    missing: dict[str, dict] = {}
    problems = vault.problems
    for note in vault.notes:
        records, (back, named, raised) = resolved[note.src]
        vault.links[note.src] = records
        src, url, title = note.src, note.url, note.title
        for target, context in back:
            backlinks[target].append({"src": src, "url": url, "title": title, "context": context})
        for key, name in named:
            entry = missing.get(key)
            if entry is None:
                entry = missing[key] = {"target": name, "from": [], "count": 0}
            entry["count"] += 1
            if url not in entry["from"]:
                entry["from"].append(url)
        problems.extend(raised)
    vault.backlinks = dict(backlinks)
    vault.missing = missing


#: From this many notes, related notes are computed by a forked child (``build_vault``), and
#: where forking is unsafe (``mkdocs serve``) by a worker process from ``RELATED_SPAWN_MIN``
#: (starting one costs a few tenths of a second: below that, computed here).
RELATED_FORK_MIN = 500
RELATED_SPAWN_MIN = 2000
#: From this many notes, a full build's related notes come from a worker process started
#: afresh rather than a forked child (see ``_start_related``): the child's copies of the
#: heap grow with the vault (1.1 GB at 20,000 notes), while the worker made the 5,000-note
#: build wait 4-5 s longer (its ``on_files`` 30.8-33.8 s against 26.0-29.7 s forked).
RELATED_WORKER_MIN = 10000


def _start_related(vault: Vault, cache: Cache) -> None:
    """``vault.related``: the last build's lists when their inputs are the same (``mkdocs
    serve`` and the build cache keep them in ``cache.related_memo``), else computed: in a
    child process when forking is safe (a cold build: nothing else runs yet), while this
    process makes the generated pages (the first reader of ``vault.related`` waits).  Given
    the last computation's :class:`~vaultsite.related.Since`, only the lists that can have
    changed are computed (a few, for a note added), in one job."""
    inputs = _related_inputs(vault)
    payload = _related_payload(vault, inputs)
    key, blob = marshalled(payload)  # the bytes are what a forked child reads (below)
    memo = cache.related_memo
    if memo is not None and memo[0] == key:
        vault.related = memo[1]
        return
    keeping = cache.memo_links  # the cache is read again: the next computation starts from this one
    since = memo[2] if memo is not None and keeping and memo[2] is not None \
        and memo[2].head == related_mod.head_of(payload) else None
    last = memo[1] if since is not None else None

    def fallback() -> related_mod.Computed:  # computed here
        return related_mod.computed_from_payload(payload, since=since, keep=keeping)

    if cache.related_later is not None and memo is not None and since is None \
            and len(vault.notes) >= RELATED_SPAWN_MIN:
        # mkdocs serve, a rebuild that must compute every list (the vault's size crossed a step
        # of ``related.scale``, the language changed): this one shows the last lists (without
        # the notes gone), and the new ones, computed by a worker meanwhile, come with the
        # rebuild it then asks for.  Lists computed since the last ones are few: the worker
        # below has them by the time the signatures read them, and no second rebuild holds
        # the server (MkDocs answers no request while it builds: a rebuild asked for as the
        # first ended kept the new note's page from the browser for 6 s more at 5,000 notes).
        vault.related = _still_there(memo[1], vault)
        job = _Related(cache, key, payload, last, [forkpool.Spawned(("related-since", payload, since), fallback, warm=True)])
        cache.related_later(key, job, job.keep)
        return
    cache.related_memo = None

    forking = hasattr(os, "fork") and threading.active_count() == 1
    n = 1 if since is not None else cache.related_parts
    if len(vault.notes) >= max(RELATED_FORK_MIN, RELATED_WORKER_MIN) and forking and blob is not None \
            and since is None and n == 1:
        # A full build of a large vault: a worker process started afresh reads the payload.
        # A forked child would share this process's heap, and this process writes all over
        # it meanwhile (the generated pages, the navigation): every page it writes is copied
        # while the child lives, and the child lives for the whole of it. At 20,000 notes
        # that added 1.1 GB to the build's memory, its peak.
        jobs = [forkpool.Spawned(("related-marshalled", blob, keeping), fallback)]
    elif len(vault.notes) >= RELATED_FORK_MIN and forking:
        # A smaller vault, or a cached build (few pages to make meanwhile): ``n`` forked
        # children, at once (a worker process answered later: see RELATED_WORKER_MIN). They
        # read the payload as one string of bytes, not the vault's objects: every object a
        # forked child reads has its reference count written, and each heap page so written
        # is copied (the child took 2.0 s of CPU at 5,000 notes reading the vault, against
        # 1.2 s for the same work on fresh objects).  The first keeps the Since.
        if blob is None:
            jobs = [forkpool.Background(fallback)]
        else:
            jobs = [forkpool.Background(lambda k=k: related_mod.computed_from_blob(blob, (k, n), since,
                                                                                   keeping and k == 0))
                    for k in range(n)]
    elif len(vault.notes) >= RELATED_SPAWN_MIN or (not forking and forkpool.warm_ready()):
        # Threads run (mkdocs serve): a worker process, the one waiting if there is one
        # (forkpool.prestart; then at any size: the lists are computed beside the rebuild).
        jobs = [forkpool.Spawned(("related-since", payload, since), fallback, warm=True)]
    else:  # a small vault: computed here, now
        job = _Related(cache, key, payload, last, [forkpool.Background(fallback, fork=False)])
        vault.related = job.result()
        job.keep()
        return
    job = _Related(cache, key, payload, last, jobs)
    vault.related_job = job
    vault.related_done = job.keep


def _still_there(related: dict[str, list[dict]], vault: Vault) -> dict[str, list[dict]]:
    """The last build's related lists of the notes still there, without the notes gone."""
    notes = vault.index.notes
    out = {}
    for src, rows in related.items():
        if src in notes:
            kept = [r for r in rows if r["src"] in notes]
            out[src] = rows if len(kept) == len(rows) else kept
    return out


class _Related:
    """Related notes computed by one or more jobs (:class:`~vaultsite.related.Computed` each):
    each every n-th note (``related_parts``), or one since the last computation, whose
    other lists (``last``) it completes.  :meth:`keep` makes them the cache's memo."""

    def __init__(self, cache: Cache, key: str, payload: tuple, last: dict | None, jobs: list) -> None:
        self.cache, self.key, self.payload, self.last, self.jobs = cache, key, payload, last, jobs
        self.value: dict | None = None
        self.since = None

    def result(self) -> dict[str, list[dict]]:
        if self.value is None:
            parts = [job.result() for job in self.jobs]
            computed = parts[0]
            if len(parts) > 1:
                lists = related_mod.merge_parts(self.payload, [p.lists for p in parts])
                computed = related_mod.Computed(lists, None, computed.since)
            self.value = related_mod.merge_since(self.payload[0], self.last or {}, computed)
            self.since = computed.since
            self.last = None
        return self.value

    def keep(self, value: dict | None = None) -> None:
        """The lists (and their Since) are the memo the next build starts from."""
        self.cache.related_memo = (self.key, self.result(), self.since)


def _related_inputs(vault: Vault) -> tuple[dict[str, list[str]], dict[str, str]]:
    """What related notes read besides the notes, tags and companies: each note's link
    targets, and the names of the companies the notes name."""
    out_links: dict[str, list[str]] = defaultdict(list)
    for target, entries in vault.backlinks.items():
        for b in entries:
            out_links[b["src"]].append(target)
    registry = vault.registry
    names = {}
    for cids in vault.note_companies.values():
        for cid in cids:
            if cid not in names:
                company = registry.get(cid) if registry is not None else None
                names[cid] = company.name if company else cid
    return dict(out_links), names


def _related_payload(vault: Vault, inputs) -> tuple:
    """Everything ``related_notes`` reads, as plain data: its digest keys the memo, and a
    worker process (``vaultsite.worker``) gets it (the notes without their text)."""
    return ([(n.src, n.url, n.title, n.date) for n in vault.notes], inputs[0], vault.note_tags,
            vault.note_companies, inputs[1], vault.language)


def _tags(vault: Vault, facts_by_src: dict[str, NoteFacts], synonyms: dict[str, str] | None = None) -> None:
    index = tags_mod.TagIndex(synonyms)
    for note in vault.notes:
        raw = list(note.tags) + facts_by_src[note.src].inline_tags
        index.add(note.src, raw)
    vault.tag_index = index
    for note in vault.notes:
        vault.note_tags[note.src] = index.note_tags(note.src)


def _companies(vault: Vault, facts_by_src: dict[str, NoteFacts], registry, ignore: Iterable[str] = ()) -> None:
    registry = registry or companies_mod.Registry.load()
    ignored = {fold(str(x)) for x in ignore if str(x).strip()}
    # A user's companies/<Name>.md names a company (and its aliases) and tops its page.
    for note in vault.notes:
        if note.folder == COMPANY_DIR and note.stem not in ("index", "README"):
            meta = note.extra.get("company_meta") or {}
            registry.add(companies_mod.Company.from_note(note.title or note.stem, meta, note_src=note.src))
    for note in vault.notes:
        facts = facts_by_src[note.src]
        if facts.discovered is None:
            facts.discovered = registry.discover(note.body)
        for company in facts.discovered:
            if ignored and _ignored(company, ignored):
                continue
            if registry.get(company.id) is None:
                # A copy: the registry may merge into it, and the cached original must stay as read.
                registry.add(replace(company, aliases=list(company.aliases), tickers=list(company.tickers),
                                     exact=list(company.exact), evidence_src=note.src))
    fingerprint = registry_fingerprint(registry)
    notes_of: dict[str, list[dict]] = defaultdict(list)
    for note in vault.notes:
        facts = facts_by_src[note.src]
        summary = facts.company_summary.get(fingerprint)
        if summary is None:
            # a note published as plain text (vaultsite.limits) names no company
            mentions = [] if facts.plain else registry.find_mentions(ParsedNote(note.body).with_title(note.title))
            summary = facts.company_summary[fingerprint] = _mention_summary(note, mentions, None, facts.raw_links,
                                                                            registry)
        ids = list(summary)
        if note.folder == COMPANY_DIR:
            own = next((c.id for c in registry.companies() if c.note_src == note.src), None)
            if own and own not in ids:
                ids.insert(0, own)
        vault.note_companies[note.src] = ids
        # What a company page shows of the note, the same for every company it names
        # (the other companies count towards "named together"): compared as one digest.
        shown = digest((note.src, note.url, (note.title, note.date, note.page_src), tuple(ids)))
        for cid in ids:
            ctx, count, sentences, linked, mdig = summary.get(cid) or _NO_MENTION
            notes_of[cid].append({"src": note.src, "url": note.url, "title": note.title,
                                  "date": note.date, "context": ctx, "count": count, "linked": linked,
                                  "mentions": sentences, "page_src": note.page_src,
                                  # what a company page shows of the note, compared to tell
                                  # whether the page changed (render.company_section)
                                  "row": (shown, mdig)})
    vault.registry = registry
    vault.company_notes = dict(notes_of)
    for company in registry.companies():
        if company.note_src and company.note_src in vault.index.notes:
            vault.company_pages[company.id] = vault.index.notes[company.note_src].page_src
        elif company.id in notes_of:
            vault.company_pages[company.id] = f"{COMPANY_DIR}/{company.id}.md"


def _ignored(company, ignored: set[str]) -> bool:
    names = [company.id, company.name, *company.aliases, *company.tickers]
    return any(fold(n) in ignored for n in names)


#: The sentences kept of one note's mentions of one company (distinct sentences, in order):
#: a company page quotes at most this many per note.
MENTIONS_PER_NOTE = 5


def _linked_company(raw: RawLink, registry) -> str | None:
    """The company a link names by its target (``[[NVIDIA]]``, ``[[companies/NVIDIA|엔비디아]]``,
    ``[엔비디아](../companies/nvidia.md)``): the target's file name is a company's name, alias,
    ticker or id.  External links name none."""
    if raw.wiki:
        name = raw.target.split("|", 1)[0].split("#", 1)[0]
    else:
        href = raw.target.strip("<> ")
        if not href or href.startswith("#") or "://" in href or href.startswith(("//", "mailto:")):
            return None
        name = unquote(href.split("#", 1)[0].split("?", 1)[0]).rstrip("/")
    name = name.strip().rsplit("/", 1)[-1]
    if name.casefold().endswith((".md", ".txt")):
        name = name.rsplit(".", 1)[0]
    if not name:
        return None
    company = registry.resolve(name) or registry.get(name)
    return company.id if company else None


def _mention_summary(note: Note, mentions, titled: ParsedNote | None = None, links=(),
                     registry=None) -> dict[str, tuple]:
    """company id -> (sentence around its first mention, number of mentions, its sentences,
    number of linked mentions), in order of appearance.  ``titled``: the parsed
    ``title + "\n" + body`` the mentions were found in.

    A mention inside a link whose target names the company (``[[NVIDIA|엔비디아]]``,
    ``[엔비디아](companies/nvidia.md)``) is *linked*; so is a link naming the company whose
    text is no mention (``[[NVIDIA]]``: a link target is not prose, so the matcher never
    sees it).  ``links``: the note's ``RawLink``s; ``registry``: what names a company.
    The sentences are ``(text, linked)``, each distinct sentence once (linked if any of its
    mentions is), at most ``MENTIONS_PER_NOTE``."""
    text = titled.text if titled is not None else note.title + "\n" + note.body
    shift = len(text) - len(note.body)  # body offsets -> offsets in ``text``
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    if registry is not None:
        for raw in links:
            if raw.embed or raw.start < 0:
                continue
            cid = _linked_company(raw, registry)
            if cid is not None:
                spans[cid].append((raw.start + shift, raw.end + shift))
    found = []  # (start, end, company id, linked)
    used: set[tuple] = set()
    for m in mentions:
        linked = False
        for span in spans.get(m.company_id, ()):
            if span[0] <= m.start and m.end <= span[1]:
                linked = True
                used.add((m.company_id, span))
                break
        found.append((m.start, m.end, m.company_id, linked))
    for cid, cid_spans in spans.items():
        for span in cid_spans:
            if (cid, span) not in used:
                found.append((span[0], span[1], cid, True))
    if len(found) > len(mentions):
        found.sort()
    out: dict[str, list] = {}
    for start, end, cid, linked in found:
        entry = out.get(cid)
        if entry is None:
            sentence = sentence_around(text, start, end)
            out[cid] = [sentence, 1, [(sentence, linked)], int(linked), 1]
            continue
        entry[1] += 1
        entry[3] += int(linked)
        kept = entry[2]
        # Sentences are read while fewer than the cap are kept, and for a while longer (a
        # thousand mentions on one line must not read that line a thousand times).
        if entry[4] >= 4 * MENTIONS_PER_NOTE or (len(kept) >= MENTIONS_PER_NOTE and (kept[-1][1] or not linked)):
            continue
        entry[4] += 1
        sentence = sentence_around(text, start, end)
        if kept[-1][0] == sentence:  # another mention in the same sentence
            if linked and not kept[-1][1]:
                kept[-1] = (sentence, True)
        elif len(kept) < MENTIONS_PER_NOTE:
            kept.append((sentence, linked))
    # The fifth item digests the other four: a company page compares its notes' digests, not
    # every sentence of every note, to tell whether it changed (``render.company_section``).
    return {cid: (ctx, n, tuple(kept), k, digest((ctx, n, kept, k))) for cid, (ctx, n, kept, k, _) in out.items()}


_NO_MENTION = ("", 0, (), 0, digest(("", 0, (), 0)))


@lru_cache(maxsize=1)
def _base_fingerprint() -> str:
    return registry_fingerprint(base_registry())


def registry_fingerprint(registry) -> str:
    """Changes whenever a name the matcher knows changes, so cached mentions stay valid.

    A digest, not ``hash()``: string hashes differ between processes, and the
    fingerprint travels from the worker processes of a parallel build.
    """
    names = repr([(c.id, c.name, c.aliases, c.tickers, c.exact) for c in registry.companies()])
    return hashlib.blake2b(names.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _events(vault: Vault, facts_by_src: dict[str, NoteFacts]) -> None:
    registry = vault.registry
    fingerprint = registry_fingerprint(registry)
    events: list[dict] = []
    for note in vault.notes:
        facts = facts_by_src[note.src]
        tags = vault.note_tags.get(note.src, [])
        vault.unplaced_dates += facts.unplaced_dates
        if note.date:
            events.append({
                "date": note.date, "precision": _precision(note.date), "text": note.title,
                "note": note.url, "anchor": None, "companies": vault.note_companies.get(note.src, []),
                "tags": tags, "kind": "note", "title": note.title,
            })
        per_event = facts.event_companies.get(fingerprint)
        if per_event is None:
            per_event = [_ids(registry.find_mentions(ev.text)) for ev in facts.events]
            facts.event_companies = {fingerprint: per_event}
        for ev, ids in zip(facts.events, per_event):
            anchor = (vault.resolver.anchor_for(note, ev.heading) if ev.heading else "").lstrip("#")
            events.append({
                "date": ev.date, "precision": ev.precision, "text": ev.text,
                "note": note.url, "anchor": anchor or None, "companies": ids,
                "tags": tags, "kind": "fact", "title": note.title,
            })
    events.sort(key=lambda e: (e["date"], e["kind"] == "fact", e["note"], e["text"]), reverse=True)
    vault.events = events
    by_company: dict[str, list[dict]] = defaultdict(list)
    for e in events:
        if e["kind"] == "fact":
            for cid in e["companies"]:
                by_company[cid].append(e)
    vault.events_by_company = dict(by_company)
    if vault.unplaced_dates:
        vault.problems.append(Problem("", f"{vault.unplaced_dates} year-less date(s) could not be given a year and are not on the timeline", "info"))


def _precision(date: str) -> str:
    return {10: "day", 7: "month"}.get(len(date), "year")


def scan_dir(docs_dir: str) -> list[Source]:
    """Every file under ``docs_dir`` (dot-folders skipped, as MkDocs does), for tests and the CLI."""
    out = []
    for root, dirs, files in os.walk(docs_dir):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            rel = nfc(os.path.relpath(path, docs_dir).replace(os.sep, "/"))
            st = os.stat(path)
            out.append(Source(rel, path, st.st_size, st.st_mtime))
    return out
