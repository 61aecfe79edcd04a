"""Tags: finding them in note bodies, reading them from front matter, merging them.

The vault mixes three sources of tags: Obsidian inline ``#tags`` in the body,
front-matter ``tags``/``tag`` lists, and VuePress/Hugo ``category`` lists.  The
site shows one tag page per *idea*, so this module decides two things:

* what counts as an inline tag (Obsidian's rule, so the site agrees with what
  the author sees in Obsidian), and
* when two spellings are the same tag (case, Unicode normalisation and a small
  user-edited synonym file), and which spelling the site shows.

Inline tag rule, in short: ``#`` at the start of a line or after whitespace,
then letters (Hangul included), digits, ``_``, ``-``, ``/``; at least one
letter; not a hex colour; not in code, HTML tags/comments, link targets or
wikilinks.  URLs and HTML entities (``x.com/a#b``, ``&#123;``) need no special
case: their ``#`` never follows whitespace.

No MkDocs imports here: the hooks call this module, tests call it directly.
"""
from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bisect import bisect_right

from .parsed import Text, parse
from .textutil import fold, nfc

__all__ = [
    "TagHit",
    "INLINE_TAG_RE",
    "find_inline_tags",
    "tags_from_meta",
    "clean_tag",
    "TagIndex",
    "SYNONYMS_PATH",
]

SYNONYMS_PATH = Path(__file__).with_name("data") / "tag_synonyms.yml"


@dataclass(frozen=True)
class TagHit:
    """One inline tag: ``name`` without ``#``; ``start``/``end`` span ``#name``."""

    name: str
    start: int
    end: int


# A tag character is \w (Unicode: Hangul, Latin, CJK, digits, "_"), "-" or "/".
# Everything else -- punctuation, brackets, emoji, whitespace -- ends the tag,
# which is why "#AI," gives "AI" and "#투자/반도체)" gives "투자/반도체".
_HEX_COLOUR = r"(?:[0-9A-Fa-f]{8}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3,4})"
_END = r"(?![\w-]|/+[\w-])"  # name is maximal; only trailing slashes may follow

# What follows a tag's "#", in verbose syntax (INLINE_TAG_RE, _TAG_FROM_HASH_RE).
_AFTER_HASH = r"""
        (?!""" + _HEX_COLOUR + _END + r""")   # "#fff", "#a1b2c3": a colour
        (?=[\w/-]*?[^\W\d_])         # Obsidian: not digits only; we want a letter
        (?P<name>[\w-]+(?:/+[\w-]+)*)  # nested parts; a trailing "/" is left out
"""

INLINE_TAG_RE: re.Pattern[str] = re.compile(
    r"""(?mx)
    (?P<lead>^|\s)                   # line start or ONE whitespace char, consumed
    (?P<tag>\#""" + _AFTER_HASH + ")" + _END,
)
"""The inline-tag pattern, shared with the Markdown inline processor.

Layout, chosen so it works without lookbehind from any start position:

* ``lead`` -- ``^`` (start of string/line, the pattern carries ``(?m)``) or one
  whitespace character.  It is *consumed*, so never replace ``group(0)``:
* ``tag`` -- the ``#name`` span to turn into a link, and
* ``name`` -- the tag without ``#`` (trailing ``/`` excluded).

The flags live inside the pattern string, so a Python-Markdown
``InlineProcessor`` can take it as is::

    class TagInline(InlineProcessor):
        def __init__(self, md):
            super().__init__(INLINE_TAG_RE.pattern, md)   # (?mx) survives
        def handleMatch(self, m, data):
            el = make_link(m.group("name"))
            return el, m.start("tag"), m.end("tag")       # keep the lead char

Python-Markdown scans with ``finditer(data, pos)``; after a stashed element the
text holds a placeholder ending in ``\\x03``, which is not whitespace, so
``**b**#tag`` is not a tag -- as in Obsidian.  The processor only sees text
nodes, so code, link targets and HTML are already gone; on raw Markdown use
:func:`find_inline_tags`, which reads the note's parsed form, where those are masked.

Caution for the lead: Python-Markdown's ATX heading rule needs no space, so a
body line ``#AI #DeepSeek`` becomes ``<h1>AI #DeepSeek</h1>`` before any inline
processor runs; such lines must be protected earlier (e.g. a preprocessor).
"""

# INLINE_TAG_RE's tags found from their "#": its lead (line start or whitespace) makes ``re`` try
# every position of a text, where a pattern that opens with a literal skips from "#" to "#".
# The lookbehind stands for the lead: "#" at the start or after whitespace ("\n" included).
_TAG_FROM_HASH_RE = re.compile(r"(?x)\#(?<!\S\#)" + _AFTER_HASH + _END)


def find_inline_tags(text: Text) -> list[TagHit]:
    """Obsidian inline tags in a Markdown body (a ``str`` or its :class:`ParsedNote`), in order.

    Scans the parsed form's ``markup`` layer (code, HTML comments, link targets,
    images, URLs and HTML tags blanked), so offsets are offsets into the text, and
    skips tags inside wikilinks and embeds (the parsed link spans).  Blanking turns
    characters into spaces, which would make ``\\`x\\`#tag`` look like a tag after
    whitespace; so the character before ``#`` is checked again in the original text.
    """
    parsed = parse(text)
    text = parsed.text
    if "#" not in text:
        return []
    masked = parsed.markup
    wiki = [(r.start, r.end) for r in parsed.links if r.wiki] if "[[" in text else []
    starts = [a for a, _ in wiki]
    hits: list[TagHit] = []
    for m in _TAG_FROM_HASH_RE.finditer(masked):
        start, end = m.span()
        if start > 0 and not text[start - 1].isspace():
            continue
        i = bisect_right(starts, start) - 1
        if i >= 0 and start < wiki[i][1]:
            continue  # inside [[...]] or ![[...]]
        hits.append(TagHit(text[start + 1:end], start, end))
    return hits


# --------------------------------------------------------------------------
# Front matter

_META_KEYS = ("tags", "tag", "category", "categories")
_CATEGORY_KEYS = ("category", "categories")


def _stringify(value: object) -> list[str]:
    """Flatten a YAML value into strings; drop what cannot be a tag.

    YAML hands us ints (``2025``), floats, bools (``yes``), dates and nested
    lists; a tag is their plain text.  Mappings (``- name: x``) are not tags.
    """
    if value is None or isinstance(value, dict):
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        out: list[str] = []
        for item in value:
            out.extend(_stringify(item))
        return out
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return [value.isoformat()]
    if isinstance(value, (bytes, bytearray)):
        return [bytes(value).decode("utf-8", "replace")]
    return [str(value)]


def tags_from_meta(meta: dict) -> list[str]:
    """Raw tags from front matter, cleaned, in the order the keys were written.

    Keys ``tags``, ``tag``, ``category``, ``categories`` (any case).  A list
    keeps each item whole.  A string is split: for ``tags``/``tag`` on commas
    if it has any, else on whitespace (Obsidian's legacy ``tags: a b``); for
    ``category``/``categories`` on commas only, because a category name is
    often several words (``미국 시황`` becomes ``미국-시황``).  Duplicates are
    kept: :class:`TagIndex` counts spellings.
    """
    if not isinstance(meta, dict):
        return []
    out: list[str] = []
    for k, value in meta.items():
        if not isinstance(k, str) or k.strip().casefold() not in _META_KEYS:
            continue
        is_category = k.strip().casefold() in _CATEGORY_KEYS
        if isinstance(value, str):
            if "," in value or is_category:
                parts = value.split(",")
            else:
                parts = value.split()
        else:
            parts = _stringify(value)
        for part in parts:
            tag = clean_tag(part)
            if tag is not None:
                out.append(tag)
    return out


_WS_RE = re.compile(r"\s+")
_SLASHES_RE = re.compile(r"/{2,}")
_LETTER_RE = re.compile(r"[^\W\d_]")  # a Unicode letter: not digit, not "_"


def clean_tag(raw: str) -> str | None:
    """A tag as the site spells it, or None if it is not a usable tag.

    NFC; surrounding whitespace and leading ``#`` dropped; inner whitespace
    becomes ``-`` (Obsidian tags cannot hold spaces); empty path segments
    dropped (``투자//반도체/`` is ``투자/반도체``).  Other characters are kept:
    front matter is not bound by the inline pattern, and clippings use names
    like ``Article(s)`` or ``yozm.wishket.com``.  Rejected: empty, and anything
    with no letter (``2025``, ``2025-01-27``, ``---``), the same rule as inline.
    """
    if not isinstance(raw, str):
        return None
    return _clean_tag(raw)


@lru_cache(maxsize=1 << 14)
def _clean_tag(raw: str) -> str | None:
    s = nfc(raw).strip().lstrip("#").strip()
    s = _WS_RE.sub("-", s)
    s = _SLASHES_RE.sub("/", s).strip("/")
    if not _LETTER_RE.search(s):
        return None
    return s


# --------------------------------------------------------------------------
# The vault-wide index


def load_synonyms(path: Path = SYNONYMS_PATH, strict: bool = False) -> dict[str, str]:
    """Read a synonym file (variant -> canonical); missing file = {}.  ``strict``: a file that
    is not a mapping raises ``ValueError`` (a user's own file should say what is wrong)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if strict:
            raise
        return {}
    if not isinstance(data, dict):
        if strict:
            raise ValueError(f"{path}: expected a mapping of variant: canonical tag")
        return {}
    return {str(k): str(v) for k, v in data.items() if k is not None and v is not None}


class TagIndex:
    """Every tag in the vault, merged by key, with the notes that carry it.

    A *key* is the identity of a tag (case-folded NFC, synonyms applied per
    path segment); a *display* is the spelling the site prints: the one the
    vault uses most, counted once per note and spelling, ties to the first
    seen.  A synonym variant (``deep-seek``) joins the canonical key but does
    not vote for a spelling; if only variants were seen, the canonical as
    written in the synonym file is shown (``DeepSeek``).

    Nested tags ``a/b/c`` keep their path as key and also create ``a`` and
    ``a/b``, which list the notes of all their descendants (Obsidian's tag
    pane does the same).  A child's spelling votes for its parents' spelling.
    """

    def __init__(self, synonyms: dict[str, str] | None = None):
        if synonyms is None:
            synonyms = load_synonyms()
        # segment key -> (canonical segment key, canonical as written)
        self._syn: dict[str, tuple[str, str]] = {}
        raw_map: dict[str, str] = {}
        for variant, canonical in synonyms.items():
            v, c = clean_tag(str(variant)), clean_tag(str(canonical))
            if v and c:
                raw_map[fold(v)] = c
        for v in raw_map:
            # Resolve chains (a -> b -> c) so users may write them; stop on cycles.
            c, seen = raw_map[v], {v}
            while fold(c) in raw_map and fold(c) not in seen:
                seen.add(fold(c))
                c = raw_map[fold(c)]
            if fold(c) != v:
                self._syn[v] = (fold(c), c)
        self._votes: dict[str, dict[str, int]] = {}  # key -> spelling -> count
        self._fallback: dict[str, str] = {}  # key -> first synonym-based spelling
        self._voted: set[tuple[str, str]] = set()  # (note, spelling) already counted
        self._own: dict[str, dict[str, None]] = {}  # note -> own keys, ordered
        self._notes: dict[str, set[str]] = {}  # key (incl. parents) -> notes
        # raw tag -> _resolve's answer and the (key, spelling) of the tag and each parent:
        # a vault spells the same few hundred tags tens of thousands of times.
        self._memo: dict[str, tuple] = {}

    def _resolve(self, raw: str) -> tuple[str, str, bool] | None:
        """(key, spelling, votes): the spelling with synonym segments replaced."""
        return self._lookup(raw)[0] if isinstance(raw, str) else None

    def _lookup(self, raw: str) -> tuple:
        got = self._memo.get(raw)
        if got is not None:
            return got
        tag = clean_tag(raw)
        if tag is None:
            got = (None, ())
        else:
            keys, spells, pure = [], [], True
            for seg in tag.split("/"):
                k = fold(seg)
                if k in self._syn:
                    k, seg = self._syn[k]
                    pure = False
                keys.append(k)
                spells.append(seg)
            key, spelling = "/".join(keys), "/".join(spells)
            # Split again: a synonym may itself be nested (deep-seek -> AI/DeepSeek).
            kparts, sparts = key.split("/"), spelling.split("/")
            levels = tuple(("/".join(kparts[:i]), "/".join(sparts[:i])) for i in range(1, len(kparts) + 1))
            got = ((key, spelling, pure), levels)
        self._memo[raw] = got
        return got

    def key(self, raw: str) -> str | None:
        """Canonical key for a raw tag (``#Deep-Seek`` -> ``deepseek``), or None."""
        r = self._resolve(raw)
        return r[0] if r else None

    def add(self, note_key: str, tags: Iterable[str]) -> list[str]:
        """Register tags of a note (may be called again for the same note).

        Returns all of that note's keys so far, in first-seen order.
        """
        own = self._own.setdefault(note_key, {})
        for raw in tags:
            if not isinstance(raw, str):
                continue
            r, levels = self._lookup(raw)
            if r is None:
                continue
            key, spelling, pure = r
            own.setdefault(key, None)
            for k, s in levels:
                self._notes.setdefault(k, set()).add(note_key)
                self._fallback.setdefault(k, s)
                if pure and (note_key, s) not in self._voted:
                    self._voted.add((note_key, s))
                    votes = self._votes.setdefault(k, {})
                    votes[s] = votes.get(s, 0) + 1
        return list(own)

    def display(self, key: str) -> str:
        """Most-used spelling for ``key`` (ties: first seen); ``key`` if unknown."""
        votes = self._votes.get(key)
        if votes:
            # dicts keep insertion order, and max() keeps the first of equals
            return max(votes, key=votes.__getitem__)
        return self._fallback.get(key, key)

    def note_tags(self, note_key: str) -> list[str]:
        """Display names of the note's own tags (no implied parents), in order."""
        return [self.display(k) for k in self._own.get(note_key, {})]

    def tags(self) -> list[tuple[str, list[str]]]:
        """(display, sorted note keys) for every tag and parent, by display name."""
        rows = [(self.display(k), sorted(notes)) for k, notes in self._notes.items()]
        rows.sort(key=lambda row: (fold(row[0]), row[0]))
        return rows
