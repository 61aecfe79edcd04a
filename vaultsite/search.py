"""Site search: a chunked static index of the notes, written from what the build already read.

Material's own search loads the whole index into the browser and builds it there (60 MB at
5,000 notes) and only matches the start of words, so ``전자`` never finds ``삼성전자``. This
index is split into small files that the search worker (``overrides/assets/javascripts/
workers/vaultsite-search.js``, behind Material's search box) fetches on demand: a query
downloads the shards of its terms and the excerpts of the results it shows.

Terms, as Lucene's CJK analyser makes them:

* Hangul (and Han, kana): overlapping bigrams of each run (``삼성전자는`` → ``삼성 성전 전자
  자는``), a one-syllable run as itself. A query's bigrams must all be in the note, so
  ``전자`` finds ``삼성전자``, ``메모리`` finds ``고대역폭메모리``, ``딥시크`` finds
  ``딥시크는`` and ``딥시크의``; the worker strips a particle from the end of a query word.
* Other words: lower case, with a light English stemmer (:func:`stem`, the worker has the
  same one: plurals, ``-ing``, ``-ed``, a final ``e``); the last word typed also matches as a
  prefix.

A note is read once (:func:`note_record`, a pure function of the note, picklable, cached with
the note's other facts, kept packed: :func:`pack`) into its sections (heading, anchor, the
first words of its text) and its terms with a weight (title and aliases > headings > body)
and the section it opens (a heading word's section, the top for a title word, else the
first section that has it).
:func:`write_search_index` turns all records into the files under ``site/search/vaultsite/``,
the same bytes for the same vault, rewriting only files whose bytes changed:

* ``meta.json``: format version, number of documents and of shards;
* ``shards/<n>.json``: ``{term: [doc, weight, section, doc, weight, section, ...]}`` for the
  terms that hash (:func:`shard_of`) to shard ``n``;
* ``docs/<doc>.json``: ``[url, title, [[anchor, heading, text], ...]]``, what a result shows
  (one file a result: a search fetches only those it shows).

A document's number is a slot its URL hashes to (:func:`doc_numbers`), not its position in a
list: a note added or removed changes the shards of its own terms and its own file, where
positions shifted every document after it (every shard and thousands of files rewritten).

No MkDocs here: tests call these functions directly.
"""
from __future__ import annotations

import functools
import hashlib
import json
import marshal
import os
import re
import time
import unicodedata
import zlib
from array import array
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Iterable, NamedTuple

from .links import plain_heading, toc_slugs
from .parsed import ParsedNote, parse
from .digests import digest

#: The index folder inside the site.
BUNDLE = "search/vaultsite"
#: Bumped when the files' format changes (the worker checks it).
FORMAT = 3
#: Weights of a term by where it stands (a byte: at most 255 in all).
W_TITLE = 60  # the title or an alias
W_HEADING = 16  # a heading
W_BODY_MAX = 12  # occurrences in the body count up to this
#: Excerpt text kept per section and per note (the terms come from the whole text).
SECTION_TEXT = 600
NOTE_TEXT = 3000
#: Text read for terms per note (a note published as plain text can be huge).
NOTE_TERMS_TEXT = 200_000
#: Shards are sized for about this many bytes each (a power of two of them, at least 16).
SHARD_BYTES = 24_000

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3"
_CJK_RUN = re.compile(f"[{_CJK}]+")
# The bigrams and the lone syllables, each found from its (last) character: a pattern that opens
# with a character class lets ``re`` skip to where it can match (a lookahead in front makes it
# try every position); the lookbehinds see the characters before.
_CJK_PAIR = re.compile(f"[{_CJK}](?<=([{_CJK}]{{2}}))")
_CJK_SINGLE = re.compile(f"[{_CJK}](?<![{_CJK}].)(?![{_CJK}])")
_WORD = re.compile(f"[^\\W_{_CJK}]+")
_PLAIN_HEADING = re.compile(r"[^\[\]*_`<>!^$~&\\]*")  # no mark plain() would take out


class SearchRecord(NamedTuple):
    """What the index needs of one page, computed once per note version (:func:`note_record`).

    ``sections``: ``(anchor, heading, text)``, the first one the text before any heading
    (anchor ``""``); ``terms``: the page's terms joined by NUL; ``weights`` and ``sections_of``:
    a byte per term, its weight and the index of the section it belongs to.
    """

    title: str
    sections: tuple
    terms: str
    weights: bytes
    sections_of: bytes


@dataclass
class SearchIndexResult:
    pages: int = 0
    seconds: float = 0.0
    bytes: int = 0  # all files of the index
    files: int = 0
    written: int = 0  # files whose bytes changed (the rest were left as they were)
    shards: int = 0
    problems: list[str] = field(default_factory=list)
    key: str | None = None  # the digest of what was indexed (``vaultsite_mkdocs.sitesearch``)
    unchanged: bool = False  # the same pages as the index already in the site: nothing written
    #: shard or document file -> (digest of what it is made of, size, ...): see write_search_index
    shards_written: dict = field(default_factory=dict)
    read: int = 0  # documents whose records were read (all, or those that changed since ``known``)


# -- terms ---------------------------------------------------------------------------------
def stem(word: str) -> str:
    """A light English stemmer (the search worker has the same one, ``stem`` there): plural
    ``s``/``es``/``ies``, ``-ing``/``-ed`` (a doubled consonant undoubled), then a final
    ``e``; only for lower-case ASCII words of four letters or more."""
    if len(word) <= 3 or not word.isascii() or not word.isalpha():
        return word
    w = word
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ied") and len(w) > 4:
        w = w[:-3] + "y"
    else:
        for suffix in ("ing", "ed"):
            if w.endswith(suffix) and len(w) - len(suffix) >= 3:
                w = w[:-len(suffix)]
                if w[-1] == w[-2] and w[-1] not in "lsz":
                    w = w[:-1]
                break
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


_stem = functools.lru_cache(maxsize=1 << 16)(stem)


def terms(text: str) -> list[str]:
    """The index terms of ``text``: CJK bigrams (a lone syllable as itself) and stemmed
    lower-case words, in no particular order, repeated as often as they occur."""
    text = text.lower()
    out = _CJK_PAIR.findall(text)
    out += _CJK_SINGLE.findall(text)
    out += map(_stem, _WORD.findall(text))
    return out


def shard_key(term: str) -> str:
    """What decides a term's shard: a CJK term itself, a word's first three letters (every
    word a prefix of three letters or more can match lies in one shard)."""
    return term if _CJK_RUN.match(term) else term[:3]


def shard_of(term: str, shards: int) -> int:
    """FNV-1a (32 bits) of the term's :func:`shard_key` in UTF-16 code units, modulo
    ``shards`` (a power of two); the worker computes the same."""
    h = 0x811C9DC5
    data = shard_key(term).encode("utf-16-le")
    for i in range(0, len(data), 2):
        h ^= data[i] | (data[i + 1] << 8)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h & (shards - 1)


# -- one page --------------------------------------------------------------------------------
def _excerpt_text(text: str) -> str:
    """A section's text as kept for excerpts: whitespace collapsed, cut to SECTION_TEXT (the
    worker drops what is left of Markdown's marks before showing it)."""
    return " ".join(text[:SECTION_TEXT * 2].split())[:SECTION_TEXT]


def page_record(title: str, sections: list[tuple[str, str, str]], aliases: Iterable[str] = ()) -> SearchRecord:
    """The record of a page from its title, aliases and sections ``(anchor, heading, text)``
    (text: the section's words; Markdown's marks in it are no words, so they are harmless)."""
    title = unicodedata.normalize("NFC", title or "")
    # Ordered sets (dicts), here and below: a record is the same in every process.
    named = dict.fromkeys(terms(title))
    for alias in aliases:
        named.update(dict.fromkeys(terms(unicodedata.normalize("NFC", str(alias)))))
    per_section: list[list[str]] = []
    budget = NOTE_TERMS_TEXT
    for _, _, text in sections:
        per_section.append(terms(text[:budget]) if budget > 0 else [])
        budget -= len(text)
    body = Counter(chain.from_iterable(reversed(per_section)))  # one count: ordered as ``where``
    where: dict[str, int] = {}
    for i in range(len(per_section) - 1, -1, -1):  # the first section that has the term wins
        where.update(dict.fromkeys(per_section[i], i))
    weight = {t: (n if n < W_BODY_MAX else W_BODY_MAX) for t, n in body.items()}
    in_heading: set[str] = set()
    for i, (_, heading, _) in enumerate(sections):
        if heading:
            for t in [t for t in dict.fromkeys(terms(heading)) if t not in in_heading]:  # the first heading that has it
                in_heading.add(t)
                weight[t] = weight.get(t, 0) + W_HEADING
                where[t] = i
    for t in named:
        weight[t] = weight.get(t, 0) + W_TITLE
        if t not in in_heading:
            where[t] = 0
    kept = []
    total = 0
    for anchor, heading, text in sections:  # the excerpt text: at most NOTE_TEXT characters
        text = _excerpt_text(text) if total < NOTE_TEXT else ""
        text = text[:NOTE_TEXT - total]
        total += len(text)
        kept.append((anchor, heading, text))
    ordered = list(weight)  # insertion order: the same for the same note in every process
    return SearchRecord(title, tuple(kept), "\0".join(ordered),
                        _capped_bytes(list(weight.values())), _capped_bytes(list(map(where.__getitem__, ordered))))


def _capped_bytes(values: list[int]) -> bytes:
    """``values`` (none negative) as bytes, each at most 255."""
    if max(values, default=0) < 256:  # the usual record: nothing to cap
        return bytes(values)
    return bytes([v if v < 255 else 255 for v in values])


def note_sections(parsed: ParsedNote) -> list[tuple[str, str, str]]:
    """A note body's sections ``(anchor, heading, text)``: the text before the first heading,
    then one per heading, with the anchor MkDocs gives it (``toc``'s ``_1`` dedupe included,
    as :func:`vaultsite.links.heading_anchors`). The text is the body's ``markup`` layer
    (code, link targets, URLs, embeds and HTML tags blanked)."""
    body = unicodedata.normalize("NFC", parsed.markup)
    heads = parsed.headings
    out = [("", "", body[:heads[0].start] if heads else body)]
    headings = [unicodedata.normalize("NFC", h.text.strip() if _PLAIN_HEADING.fullmatch(h.text) else plain_heading(h.text))
                for h in heads]
    for i, (h, heading, slug) in enumerate(zip(heads, headings, toc_slugs(headings))):
        end = heads[i + 1].start if i + 1 < len(heads) else len(body)
        out.append((slug, heading, body[h.end:end]))
    return out


def note_record(note, parsed: ParsedNote | None = None) -> SearchRecord:
    """The search record of a :class:`~vaultsite.model.Note` (``parsed``: its body's parsed
    form, when the caller has it): a pure function of the note's title, aliases and body."""
    parsed = parse(note.body if parsed is None else parsed)
    return page_record(note.title, note_sections(parsed), note.aliases or ())


def pack(rec: SearchRecord) -> bytes:
    """``rec`` as one bytes object (``marshal`` format 2: no back-references, so equal records
    give equal bytes), the form the build keeps a note's record in.

    A record is some forty objects (its sections and their strings); packed, it is one, and
    the index's writer unpacks one at a time (:func:`unpack`). A cached build writes the
    index in a child forked from the build's process, and every object a child touches (a
    reference count is a write) has its page of memory copied: at 20,000 notes, touching
    the records' objects copied hundreds of megabytes."""
    return marshal.dumps(tuple(rec), 2)


def unpack(rec: SearchRecord | bytes) -> SearchRecord:
    """The record of :func:`pack`'s bytes (a record as it is)."""
    return SearchRecord(*marshal.loads(rec)) if isinstance(rec, bytes) else rec


# -- the index files --------------------------------------------------------------------------
def shard_count(postings: int) -> int:
    """Shards for ``postings`` (doc, weight, section) entries: about SHARD_BYTES each."""
    want = postings * 10 / SHARD_BYTES
    n = 16
    while n < want and n < 65536:
        n *= 2
    return n


def doc_numbers(urls: list[str]) -> list[int]:
    """The document number of each of ``urls`` (sorted, distinct): the slot its CRC-32 points
    to in a table of a power of two at least twice their number, or the next free one
    (linear probing, URLs taken in order). A function of the set of URLs, so a cached build
    numbers as a build from scratch does; a URL added or removed moves only the URLs after
    it in its own run of taken slots (a few at this load), until the table doubles."""
    size = 16
    while size < 2 * len(urls):
        size *= 2
    mask = size - 1
    taken = bytearray(size)
    out = []
    for url in urls:
        slot = zlib.crc32(url.encode("utf-8")) & mask
        while taken[slot]:
            slot = (slot + 1) & mask
        taken[slot] = 1
        out.append(slot)
    return out


def _doc_mark(url: str, packed: bytes) -> str:
    """What a document's file is made of, digested: its URL and its packed record."""
    h = hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=16)
    h.update(b"\0")
    h.update(packed)
    return h.hexdigest()


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


FOLDERS = ("shards", "docs")


class _Writer:
    """Writes files under one folder, leaving those whose bytes did not change."""

    def __init__(self, root: Path, result: SearchIndexResult) -> None:
        self.root = root
        self.result = result
        self.kept: set[str] = set()
        self.fresh = not root.exists()  # nothing to compare with
        for folder in FOLDERS:
            (root / folder).mkdir(parents=True, exist_ok=True)

    def _keep(self, rel: str, size: int) -> None:
        self.kept.add(rel)
        self.result.files += 1
        self.result.bytes += size

    def write(self, rel: str, data: bytes) -> None:
        path = self.root / rel
        self._keep(rel, len(data))
        if not self.fresh:
            try:
                if path.stat().st_size == len(data) and path.read_bytes() == data:
                    return
            except OSError:
                pass
        with open(path, "wb") as fh:
            fh.write(data)
        self.result.written += 1

    def still_there(self, rel: str, size: int) -> bool:
        """``rel`` is as the last index wrote it (its caller knows its content): kept."""
        try:
            if os.stat(self.root / rel).st_size != size:
                return False
        except OSError:
            return False
        self._keep(rel, size)
        return True

    def prune(self) -> None:
        """Remove files of an earlier index that this one no longer has."""
        for folder in FOLDERS:
            d = self.root / folder
            if not d.is_dir():
                continue
            for entry in os.scandir(d):
                if f"{folder}/{entry.name}" not in self.kept:
                    os.unlink(entry.path)


def write_search_index(pages: Iterable[tuple[str, SearchRecord | bytes]], out_dir: str | os.PathLike,
                       known: dict | None = None) -> SearchIndexResult:
    """Write the index of ``pages`` (URL, record or :func:`pack`'s bytes) to ``out_dir``;
    deterministic: documents numbered by :func:`doc_numbers`, each shard's terms sorted, the
    same bytes for the same pages. Files whose bytes are unchanged are not rewritten, files
    of an earlier index no longer needed are removed.

    ``known``: the last index's ``shards_written``, when ``out_dir`` holds that index: shard
    file -> (digest of its postings, size, the numbers of the documents it holds); document
    file -> (digest of its URL and packed record, size, how many terms it has); ``META`` ->
    (shards, postings).  With it, only the documents that changed are read
    (:func:`_since_known`): their old postings are taken out of the shards that hold them and
    their new ones put in, each such shard read from its file and checked against its digest
    (a note added to 5,000: a dozen shards, where reading every record and building every
    posting list took 2.7 s).  Else, a shard whose postings have the same digest, and whose
    file is still there with that size, is not encoded again (JSON-encoding the 1,024 shards
    of a 5,000-note vault to compare them took 1.6 s; digesting their postings 0.4 s); nor
    is such a document."""
    started = time.perf_counter()
    docs = sorted({url: rec for url, rec in pages}.items())
    numbers = doc_numbers([url for url, _ in docs])
    root = Path(out_dir)
    result = None
    if known and META in known and root.is_dir() and all(isinstance(rec, bytes) for _, rec in docs):
        result = _since_known(docs, numbers, root, known)
    if result is None:
        result = _write_whole(docs, numbers, root, known)
    result.pages = len(docs)
    result.seconds = time.perf_counter() - started
    return result


#: The ``shards_written`` entry of the index as a whole: (shards, postings).
META = "meta"


def _doc_file(writer: _Writer, result: SearchIndexResult, name: str, url: str, rec, mark, last) -> SearchRecord:
    """Write (or keep, when ``last`` says it is as written) the document file ``name``; its
    record, unpacked."""
    rec = unpack(rec)  # (one record at a time in this process's memory: see ``pack``)
    result.read += 1
    count = rec.terms.count("\0") + 1 if rec.terms else 0
    if last is not None and last[0] == mark and len(last) > 2 and writer.still_there(name, last[1]):
        result.shards_written[name] = last
    else:
        data = _dumps([url, rec.title, rec.sections])
        writer.write(name, data)
        if mark is not None:
            result.shards_written[name] = (mark, len(data), count)
    return rec


def _shard_docs(lists: list[list[int]]) -> bytes:
    """The numbers of the documents a shard's posting lists hold, sorted, as bytes."""
    held: set[int] = set()
    for lst in lists:
        held.update(lst[0::3])
    return array("i", sorted(held)).tobytes()


def _write_whole(docs: list, numbers: list[int], root: Path, known: dict | None) -> SearchIndexResult:
    """Every document's record read and every shard made (see :func:`write_search_index`)."""
    result = SearchIndexResult()
    writer = _Writer(root, result)
    # term -> its postings, (doc, weight, section) after one another: machine integers (an
    # ``array``), 4 bytes an entry where a list holds 8 (a pointer) and an int object for
    # every document number (8.7 million postings at 20,000 notes: 105 MB instead of 230).
    index: dict[str, array] = {}
    get = index.get
    for doc, (url, rec) in zip(numbers, docs):  # postings in URL order, each list as written
        # A document's file follows from its URL and its packed record alone: known unchanged,
        # it is neither encoded nor read to compare (5,000 files: 0.4 s of a cached build).
        name = f"docs/{doc}.json"
        mark = _doc_mark(url, rec) if isinstance(rec, bytes) else None
        rec = _doc_file(writer, result, name, url, rec, mark, known.get(name) if known and mark else None)
        if not rec.terms:
            continue
        for t, w, s in zip(rec.terms.split("\0"), rec.weights, rec.sections_of):
            lst = get(t)
            if lst is None:
                index[t] = array("i", (doc, w, s))
            else:
                lst.extend((doc, w, s))
    postings = sum(len(v) for v in index.values()) // 3
    shards = shard_count(postings)
    buckets: list[list[str]] = [[] for _ in range(shards)]
    for t in index:
        buckets[shard_of(t, shards)].append(t)
    writer.write("meta.json", _dumps({"format": FORMAT, "docs": len(docs), "shards": shards}))
    for n, bucket in enumerate(buckets):
        bucket.sort()
        _shard_file(writer, result, f"shards/{n}.json", bucket, [index[t] for t in bucket],
                    known.get(f"shards/{n}.json") if known else None)
    del index
    writer.prune()
    result.shards = shards
    if all(isinstance(rec, bytes) for _, rec in docs):  # every document's file known: see _since_known
        result.shards_written[META] = (shards, postings)
    return result


def _shard_file(writer: _Writer, result: SearchIndexResult, name: str, bucket: list[str], lists: list,
                last) -> None:
    """Write (or keep, when ``last`` has its digest and the file its size) a shard file of the
    terms ``bucket`` (sorted) and their posting lists (``array`` or list each)."""
    lists = [lst.tolist() if isinstance(lst, array) else lst for lst in lists]
    mark = digest((bucket, lists))
    if last is not None and last[0] == mark and len(last) > 2 and writer.still_there(name, last[1]):
        result.shards_written[name] = last
        return
    data = _dumps(dict(zip(bucket, lists)))
    writer.write(name, data)
    result.shards_written[name] = (mark, len(data), _shard_docs(lists))


def _since_known(docs: list, numbers: list[int], root: Path, known: dict) -> SearchIndexResult | None:
    """The index written from the last one (``known``, see :func:`write_search_index`) by
    reading only the documents whose file changed; None where it cannot be (the number of
    shards changes, a shard file is not as written): then the whole index is made."""
    shards, postings = known[META]
    marks = [_doc_mark(url, rec) for url, rec in docs]
    same: set[int] = set()  # document numbers whose file and postings stay as they are
    fresh = []  # (doc, url, rec, mark): documents whose postings go in anew
    for doc, (url, rec), mark in zip(numbers, docs, marks):
        last = known.get(f"docs/{doc}.json")
        if last is not None and last[0] == mark and len(last) > 2:
            same.add(doc)
        else:
            fresh.append((doc, url, rec, mark))
    gone: set[int] = set()  # numbers of the last index's documents whose postings go out
    for name, last in known.items():
        if name.startswith("docs/"):
            doc = int(name[5:-5])
            if doc not in same:
                gone.add(doc)
                postings -= last[2]
    if len(gone) + len(fresh) > max(64, len(docs) // 8):
        return None  # many changed: reading everything is as fast
    result = SearchIndexResult()
    writer = _Writer(root, result)
    added: dict[int, dict[str, list[int]]] = {}  # shard -> term -> (doc, weight, section) ...
    for doc, url, rec, mark in fresh:
        rec = _doc_file(writer, result, f"docs/{doc}.json", url, rec, mark, None)
        if not rec.terms:
            continue
        terms_ = rec.terms.split("\0")
        postings += len(terms_)
        for t, w, s in zip(terms_, rec.weights, rec.sections_of):
            added.setdefault(shard_of(t, shards), {}).setdefault(t, []).extend((doc, w, s))
    if shard_count(postings) != shards:
        return None
    touched = set(added)
    if gone:
        for n in range(shards):
            last = known.get(f"shards/{n}.json")
            if last is None:
                return None
            if n not in touched:
                held = array("i")
                held.frombytes(last[2])
                if any(_holds(held, doc) for doc in gone):
                    touched.add(n)
    rank = {doc: i for i, doc in enumerate(numbers)}  # URL order, the order of every list
    for n in range(shards):
        name = f"shards/{n}.json"
        last = known.get(name)
        if n not in touched:
            if last is None or not writer.still_there(name, last[1]):
                return None
            result.shards_written[name] = last
            continue
        if last is None:
            return None
        try:
            with open(root / name, "rb") as fh:
                old: dict[str, list[int]] = json.loads(fh.read())
        except (OSError, ValueError):
            return None
        if digest((list(old), list(old.values()))) != last[0]:
            return None  # not the file the last index wrote
        lists = {}
        for t, lst in old.items():
            if gone:
                lst = [x for i in range(0, len(lst), 3) if lst[i] not in gone for x in lst[i:i + 3]]
            if lst:
                lists[t] = lst
        for t, new in added.get(n, {}).items():
            lst = lists.get(t, []) + new
            triples = sorted((lst[i:i + 3] for i in range(0, len(lst), 3)), key=lambda x: rank[x[0]])
            lists[t] = [x for triple in triples for x in triple]
        bucket = sorted(lists)
        _shard_file(writer, result, name, bucket, [lists[t] for t in bucket], None)
    for doc in same:
        name = f"docs/{doc}.json"
        last = known[name]
        if not writer.still_there(name, last[1]):
            return None
        result.shards_written[name] = last
    writer.write("meta.json", _dumps({"format": FORMAT, "docs": len(docs), "shards": shards}))
    writer.prune()
    result.shards = shards
    result.shards_written[META] = (shards, postings)
    return result


def _holds(held: array, doc: int) -> bool:
    i = bisect_left(held, doc)
    return i < len(held) and held[i] == doc


def search_pages(vault) -> list[tuple[str, bytes]]:
    """The pages of a :class:`~vaultsite.build.Vault` worth searching, with their records
    (packed, :func:`pack`):
    every note, and every company page by the company's name, aliases and tickers (its body
    quotes the notes, which are found themselves). Generated listings (tags, timeline,
    folder indexes) repeat the notes' words and would bury the notes: not indexed."""
    from .build import page_url

    records = getattr(vault, "search_records", None) or {}
    out = []
    for note in vault.notes:
        rec = records.get(note.src)
        out.append((note.url, rec if rec is not None else pack(note_record(note))))
    registry = vault.registry
    for cid, src in vault.company_pages.items():
        company = registry.get(cid) if registry is not None else None
        if company is None:
            continue
        names = list(company.aliases) + list(company.tickers)
        out.append((page_url(src), pack(page_record(company.name, [("", "", "")], names))))
    return out


def pages_key(pages: Iterable[tuple[str, bytes]]) -> str:
    """A digest of :func:`search_pages` (packed records) as the writer reads them: by URL, the
    last record of a URL kept. Hashed a page at a time, not marshalled whole (a copy of every
    record: 150 MB at 20,000 notes)."""
    h = hashlib.blake2b(str(FORMAT).encode(), digest_size=16)
    for url, rec in sorted(dict(pages).items()):
        data = url.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(4, "little"))
        h.update(data)
        h.update(len(rec).to_bytes(4, "little"))
        h.update(rec)
    return h.hexdigest()


def search_pages_from_json(data: dict, docs_dir: str | os.PathLike) -> list[tuple[str, bytes]]:
    """:func:`search_pages` from a ``vault.json`` and the vault's folder (for measuring the
    index of a built site): every note read again from its file."""
    from .build import Source, read_note

    out = []
    for n in data.get("notes") or []:
        path = os.path.join(docs_dir, n["src"])
        facts = read_note(Source(n["src"], path))
        if facts.note is not None:
            out.append((n["url"], facts.search if getattr(facts, "search", None) else pack(note_record(facts.note))))
    for c in data.get("companies") or []:
        out.append((c["url"], pack(page_record(c.get("name") or "", [("", "", "")],
                                               list(c.get("aliases") or []) + list(c.get("tickers") or [])))))
    return out


def shrink_material_index(path: str | os.PathLike) -> bool:
    """Keep only the ``config`` of Material's ``search/search_index.json`` (its separator is
    what the page highlighter reads); the documents are what this index now serves. Returns
    False (and leaves the file) when the file is not Material's index."""
    p = Path(path)
    try:
        with open(p, encoding="utf-8") as fh:
            head = fh.read(65536)
        prefix = '{"config":'
        if not head.startswith(prefix):
            return False
        config, _ = json.JSONDecoder().raw_decode(head, len(prefix))
    except (OSError, ValueError):
        return False
    # As Material writes it (ASCII, compact): a cached build's merged index is the same bytes.
    p.write_text(json.dumps({"config": config, "docs": []}, separators=(",", ":"), default=str), encoding="utf-8")
    return True
