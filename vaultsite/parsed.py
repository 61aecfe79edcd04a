"""A note body read once: the one parsed form every extractor reads.

``read_note`` decodes and normalises a file, then builds one :class:`ParsedNote`
of its body; tags, dates, links, headings, companies and the renderer's embed
and block-id passes all read that object and never mask or re-parse the body
themselves.  Each part is computed on first use and at most once per note.

The masks are layers of one masker; every layer has the text's length and
newlines, so an offset found in a mask is an offset in the text:

* ``code``: fenced code, inline code spans and HTML comments blanked
  (:func:`vaultsite.textutil.mask_code`).
* ``markup``: ``code`` plus the Markdown and HTML syntax that is never text:
  embeds ``![[…]]``, images ``![alt](…)``, link targets ``](…)``, URLs and
  HTML tags.  Dates and tags read this layer (wikilinks stay, because a
  ``[[2025-01-25 …]]`` line opens a dated block; tags skip them through the
  link spans).
* ``prose``: ``markup`` plus the places a name is not prose for the company
  matcher: ``[[wikilink`` targets, reference definitions (footnotes
  included), e-mail addresses, bare domains, absolute paths and leading
  front matter.

:func:`plain` is the one Markdown-to-plain-text converter (event texts, link
and mention contexts, heading texts).
"""
from __future__ import annotations

import functools
import re
from typing import NamedTuple, Union

from .textutil import blank, mask_code

# -- link and heading syntax (links.py re-exports these) ------------------------------
WIKI_RE = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
# [text](target) and ![alt](target); the target may hold one level of parentheses.
MDLINK_RE = re.compile(r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*(<[^<>\n]*>|(?:[^()\s]|\([^()\s]*\))+)(?:\s+\"[^\"\n]*\")?\s*\)")
# The same without the "!" of an embed (read from the character before): a pattern that opens
# with a literal lets ``re`` skip to its "["s instead of trying every position.  No match ends
# with "!", so that of an embed is never part of the link before.
_WIKI_FROM_BRACKET = re.compile(WIKI_RE.pattern[len("(!?)"):])
_MDLINK_FROM_BRACKET = re.compile(MDLINK_RE.pattern[len("(!?)"):])
HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
# ``^id`` ending a line (a paragraph, a list item: the span includes the space before), or
# alone on a line after a list, quote, callout or table (the span starts at the "^").
BLOCK_ID_RE = re.compile(r"(?:^|[ \t])\^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*$", re.M)
SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

# -- the masker's rules ---------------------------------------------------------------
# HTML tags: attributes are markup.  Prose in angle brackets ("<AI의 …>", "<Nvidia vs AMD>")
# is not a tag: HTML names are lower-case, and a capitalised component name (VuePress
# <SiteInfo …/>) takes attributes only with "=".
_HTML_TAG = r"</?[a-z][a-z0-9-]*(?:\s[^<>]*)?/?>|</?[A-Z][A-Za-z0-9]*(?:\s[^<>=]*=[^<>]*)?/?>"
_URL = "|".join(p + r"[^\s<>\"'`]+" for p in (r"https?://", r"HTTPS?://", "ftp://", r"www\.", r"WWW\."))
# Leftmost match wins; each negated class also excludes its opener ("[", "(", "<"), so a
# failed attempt stops at the next opener: linear time on a long line of "![[" or "](".
_MARKUP_RE = re.compile(
    r"!\[\[[^\[\]\n]*\]\]"  # Obsidian embeds
    r"|!\[[^\[\]\n]*\]\((?:[^()\n]|\([^()\n]*\))*\)"  # images
    r"|\]\((?:[^()\n]|\([^()\n]*\))*\)"  # link targets ](page.md#x "title"), one level of (…)
    r"|" + _URL + r"|" + _HTML_TAG
)
_PROSE_RES = [  # (pattern, a string the text must hold for the pattern to match)
    # Leading YAML/TOML front matter (bodies from the pipeline have none; raw text may).
    # A leading "---" line is only front matter when a "key:" line follows.
    (re.compile(
        r"\A(?:---[ \t]*\n[A-Za-z_][\w-]*[ \t]*:.*?\n(?:---|\.\.\.)"
        r"|\+\+\+[ \t]*\n.*?\n\+\+\+)[ \t]*$", re.S | re.M), ""),
    (re.compile(r"\[\[[^\]|\n]*"), "[["),  # [[wikilink target  (the part before | or ]])
    (re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S.*$", re.M), "]:"),  # [ref]: target, [^1]: footnote
    (re.compile(r"/(?<![^\s(\[\"']/)[\w.%~-]+(?:/[\w.%~-]*)+"), "/"),  # /absolute/paths
]
# Found by their anchor ("@", ".com") and extended to the left by hand.
_EMAIL_RE = re.compile(r"@(?<=[\w.+-]@)[\w-]+(?:\.[\w-]+)+")
_DOMAIN_RE = re.compile(
    r"\.(?<=[a-z0-9-]\.)"
    r"(?:com|net|org|io|ai|co|kr|cn|jp|dev|app|gov|edu|me|tv|info|biz|xyz|hk|tw|us|uk)"
    r"(?![\w-])(?:/[^\s<>\"'`]*)?"
)
_EMAIL_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-")
_HOST = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-")


def _blank_match(m: re.Match) -> str:
    return blank(m.group(0))


def markup_layer(code: str) -> str:
    """The ``markup`` layer from the ``code`` layer: embeds, images, link targets, URLs
    and HTML tags blanked."""
    return _MARKUP_RE.sub(_blank_match, code)


def _extend_left(text: str, i: int, chars: frozenset) -> int:
    while i > 0 and text[i - 1] in chars:
        i -= 1
    return i


def prose_layer(markup: str) -> str:
    """The ``prose`` layer from the ``markup`` layer: wikilink targets, reference
    definitions, absolute paths, front matter, e-mail addresses and bare domains blanked."""
    masked = markup
    for rx, needs in _PROSE_RES:
        if needs in masked:
            masked = rx.sub(_blank_match, masked)
    spans = []
    if "@" in masked:
        for m in _EMAIL_RE.finditer(masked):
            spans.append((_extend_left(masked, m.start(), _EMAIL_LOCAL), m.end()))
    for m in _DOMAIN_RE.finditer(masked):
        start = _extend_left(masked, m.start(), _HOST)
        # "Amazon.com" is prose; only an all-lower-case host is a domain.
        if start > 0 and (masked[start - 1].isascii() and masked[start - 1].isalnum()
                          or masked[start - 1] in "_@/"):
            continue
        spans.append((start, m.end()))
    if not spans:
        return masked
    spans.sort()
    out, pos = [], 0
    for start, end in spans:
        start = max(start, pos)
        if end <= start:
            continue
        out.append(masked[pos:start])
        out.append(blank(masked[start:end]))
        pos = end
    out.append(masked[pos:])
    return "".join(out)


# -- the parsed form -------------------------------------------------------------------
class RawLink(NamedTuple):
    """A link as written, found once per file version (cached): resolving it is per build."""

    raw: str
    wiki: bool  # [[...]] (inner in ``target``) or [text](target)
    embed: bool
    target: str  # wikilink inner text, or the Markdown href
    text: str  # Markdown link text ("" for wikilinks)
    start: int
    end: int


class Heading(NamedTuple):
    """An ATX heading: ``level``, the span of its line, and its text as written."""

    level: int
    start: int
    end: int
    text: str


class ParsedNote:
    """One note body, parsed once; every part computed on first use.

    ``title`` (optional) is the note's title: :meth:`with_title` gives the parsed form of
    ``title + "\\n" + text`` (what the company matcher reads) from this one's layers.
    Plain attributes only, so it pickles.
    """

    __slots__ = ("text", "_code", "_markup", "_prose", "_links", "_headings", "_block_ids")

    def __init__(self, text: str) -> None:
        self.text = text
        self._code = self._markup = self._prose = None
        self._links = self._headings = self._block_ids = None

    def __getstate__(self):
        return {k: getattr(self, k) for k in self.__slots__}

    def __setstate__(self, state) -> None:
        for k, v in state.items():
            setattr(self, k, v)

    def __repr__(self) -> str:
        return f"ParsedNote({self.text[:40]!r}…)"

    # -- mask layers -------------------------------------------------------------
    @property
    def code(self) -> str:
        if self._code is None:
            self._code = mask_code(self.text)
        return self._code

    @property
    def markup(self) -> str:
        if self._markup is None:
            self._markup = markup_layer(self.code)
        return self._markup

    @property
    def prose(self) -> str:
        if self._prose is None:
            self._prose = prose_layer(self.markup)
        return self._prose

    # -- structure -----------------------------------------------------------------
    @property
    def links(self) -> list[RawLink]:
        """Every link and embed as written, in order, never inside code; external Markdown
        links (``https://…``) are left out: there is nothing to resolve."""
        if self._links is None:
            body, masked = self.text, self.code
            out: list[RawLink] = []
            if "[[" in masked:
                for m in _WIKI_FROM_BRACKET.finditer(masked):
                    start, end = m.span()
                    embed = start > 0 and masked[start - 1] == "!"
                    if embed:
                        start -= 1
                    out.append(RawLink(body[start:end], True, embed, body[m.start(1):m.end(1)], "", start, end))
            if "](" in masked:
                for m in _MDLINK_FROM_BRACKET.finditer(masked):
                    href = body[m.start(2):m.end(2)]
                    if SCHEME_RE.match(href) or href.startswith("//"):
                        continue
                    start, end = m.span()
                    embed = start > 0 and masked[start - 1] == "!"
                    if embed:
                        start -= 1
                    out.append(RawLink(body[start:end], False, embed, href,
                                       body[m.start(1):m.end(1)], start, end))
            out.sort(key=lambda r: r.start)
            self._links = out
        return self._links

    @property
    def headings(self) -> list[Heading]:
        if self._headings is None:
            body = self.text
            self._headings = [Heading(len(m.group(1)), m.start(), m.end(), body[m.start(2):m.end(2)])
                              for m in HEADING_RE.finditer(self.code)] if "#" in body else []
        return self._headings

    @property
    def block_ids(self) -> list[tuple[int, int, str]]:
        """``^block-id`` markers: (start, end, id), the span including the space before (none
        for an id alone on its line)."""
        if self._block_ids is None:
            self._block_ids = [(m.start(), m.end(), m.group(1)) for m in BLOCK_ID_RE.finditer(self.code)] \
                if "^" in self.text else []
        return self._block_ids

    def sentence(self, start: int, end: int, limit: int = 180) -> str:
        """The sentence (or list item) holding text[start:end], as plain text."""
        return sentence_around(self.text, start, end, limit)

    def with_title(self, title: str) -> "ParsedNote":
        """The parsed form of ``title + "\\n" + text``, its layers joined from the title's
        and this note's (the body is not masked again)."""
        head = ParsedNote(title)
        both = ParsedNote(title + "\n" + self.text)
        both._code = head.code + "\n" + self.code
        both._markup = head.markup + "\n" + self.markup
        both._prose = head.prose + "\n" + self.prose
        return both


Text = Union[str, ParsedNote]


def mask_markup(text: str) -> str:
    """``text``'s ``markup`` layer (a one-off: a note's own layers live on its ParsedNote)."""
    return ParsedNote(text).markup


def mask_prose(text: str) -> str:
    """``text``'s ``prose`` layer (a one-off: a note's own layers live on its ParsedNote)."""
    return ParsedNote(text).prose


def parse(text: Text) -> ParsedNote:
    """``text`` as a :class:`ParsedNote` (returned as is when it already is one)."""
    return text if isinstance(text, ParsedNote) else ParsedNote(text)


# -- Markdown -> plain text --------------------------------------------------------------
_INLINE_SUBS = [  # (pattern, replacement, a string the text must hold for the pattern to match)
    (re.compile(r"<!--.*?-->", re.S), "", "<!--"),
    (re.compile(r"!\[\[[^\]\n]*\]\]|!\[[^\]\n]*\]\([^)\n]*\)"), "", "!["),
    (re.compile(r"\[\[([^\]|\n]*)\|([^\]\n]*)\]\]"), r"\2", "[["),
    (re.compile(r"\[\[([^\]\n]*)\]\]"), r"\1", "[["),
    (re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)"), r"\1", "]("),
    (re.compile(r"\[([^\]\n]*)\]"), r"\1", "["),
    (re.compile(_HTML_TAG), "", "<"),
    (re.compile(r"\*\*|__|~~|`"), "", None),  # needs one of _EMPHASIS
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1", "*"),
    (re.compile(r"(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)"), r"\1", "_"),
]
_MARKS_AT = 5  # before "[text]" -> "text" would turn "[!tip]" into "!tip"
_EMPHASIS = ("*", "_", "~~", "`")  # what the "**|__|~~|`" pattern needs
# A line's list, quote or heading marker (only ever at the start: the pattern has no re.M).
_BLOCK_START = re.compile(r"^[ \t]*(?:>[ \t]*)*(?:#{1,6}[ \t]+|(?:[-*+•»▪◦]|\d{1,3}[.)])[ \t]+)?")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")


# Obsidian's own marks, never text: a callout's [!type]±, an inline footnote ^[…] (after
# wikilinks became their text), a block id ending a line, the $$ of a formula.
_OBSIDIAN_MARKS = re.compile(r"\[![^\]\s]+\][+-]?|\^\[[^\[\]\n]*\]|(?:^|(?<=\s))\^[A-Za-z0-9][A-Za-z0-9-]*[ \t]*$|\$\$",
                             re.M)


@functools.lru_cache(maxsize=1 << 13)  # a note's links and mentions share sentences: 4 calls in 10 repeat one
def plain(md: str, block: bool = True) -> str:
    """Markdown fragment -> plain text: links and wikilinks become their text, embeds,
    images, HTML tags, comments, emphasis marks and Obsidian's marks (callout types,
    inline footnotes, block ids, ``$$``) go.  ``block``: a line or sentence (its list, quote
    or heading marker goes, runs of spaces become one); otherwise an inline text such as a
    heading's, kept as spaced."""
    marks = "[!" in md or "^" in md or "$$" in md
    for i, (pattern, repl, needs) in enumerate(_INLINE_SUBS):
        if marks and i == _MARKS_AT:
            md = _OBSIDIAN_MARKS.sub("", md)
        # most fragments hold few of these marks: skip what cannot match
        if needs in md if needs else any(n in md for n in _EMPHASIS):
            md = pattern.sub(repl, md)
    if block:
        md = md[_BLOCK_START.match(md).end():]
        if "#" in md:
            md = _CLOSING_HASHES.sub("", md)
        return " ".join(md.split())  # runs of whitespace as one space, none at the ends
    return md.strip()


_SENTENCE_END = re.compile(r"[.!?](\s|$)")


def sentence_around(body: str, start: int, end: int, limit: int = 180) -> str:
    """The sentence (or list item) that holds [start, end), as plain text for a preview."""
    # Read in place (offsets into ``body``), not from a copy of the line.
    line_start = body.rfind("\n", 0, start) + 1
    line_end = body.find("\n", end)
    if line_end < 0:
        line_end = len(body)
    # Cut to the sentence around the offset on long lines.
    left = max(body.rfind(". ", line_start, start), body.rfind("다. ", line_start, start))
    left = left + 2 if left >= 0 else line_start
    right_m = _SENTENCE_END.search(body, max(start, end), line_end)
    right = right_m.end() if right_m else line_end
    text = plain(body[left:right])
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text
