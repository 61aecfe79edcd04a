"""Every link form the vault uses, parsed and resolved against the index.

Obsidian wikilinks and embeds, Markdown links with relative paths or
``%20``-encoded names, Hugo permalinks (``/section/slug/``) and pasted images
all end up as a :class:`Target`: a note (with an anchor), an attachment, or a
missing name the user has not written yet.  The same resolver serves the
extraction (``vault.json``, backlinks, the missing-notes page) and the
rendering (``mdext``), so what the index says and what the page shows agree.
"""
from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from typing import Iterable, NamedTuple
from urllib.parse import quote, unquote, urlsplit

from pymdownx.slugs import slugify as _slugify_factory

from .appsettings import ObsidianSettings
from .index import NOTE_EXTS, VaultIndex
from .model import Note, Problem
from .parsed import SCHEME_RE, RawLink, Text, parse, plain
from .textutil import fold

#: The heading-anchor function mkdocs.yml gives ``toc`` (Hangul-preserving).
heading_slugify = _slugify_factory(case="lower")

IMAGE_EXTS = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".avif", ".ico"}


def plain_heading(text: str) -> str:
    """Heading text as the TOC sees it: link text kept, emphasis and code marks dropped."""
    return plain(text, block=False)


# Target, LinkRecord (and parsed.RawLink) are named tuples, not frozen dataclasses: a
# 5,000-note vault has 80,000 of each, kept in the build cache; a named tuple is made in
# two thirds of the time, unpickled in two thirds (0.15 s of a cached build) and smaller.
class Target(NamedTuple):
    kind: str  # "note" | "file" | "page" | "missing" | "missing-file" | "external" | "refused"
    note: Note | None = None
    file: str | None = None
    anchor: str = ""  # "#slug" or ""
    name: str = ""  # the human name of a missing note / file
    width: str | None = None
    height: str | None = None


class LinkRecord(NamedTuple):
    raw: str
    text: str
    target: Target
    embed: bool
    start: int
    end: int


@lru_cache(maxsize=1 << 16)
def split_wikilink(inner: str) -> tuple[str, str, str | None]:
    """``Note#Heading|text`` -> (``Note``, ``Heading``, ``text``); ``\\|`` (inside tables) splits too."""
    inner = inner.replace("\\|", "|")
    alias = None
    if "|" in inner:
        inner, alias = inner.split("|", 1)
        alias = alias.strip()
    name, _, heading = inner.partition("#")
    return name.strip(), heading.strip(), alias


def page_src_of(note: Note) -> str:
    return note.page_src or note.src


def relative_href(target_src: str, origin: Note | None, anchor: str = "") -> str:
    """A path MkDocs understands: relative to the origin page's source file, percent-encoded."""
    base = posixpath.dirname(page_src_of(origin)) if origin else ""
    return _relative_quoted(target_src, base) + anchor


@lru_cache(maxsize=1 << 16)
def _relative_quoted(target_src: str, base: str) -> str:
    """``posixpath.relpath`` asks the working folder each call (0.1 ms); a vault asks the same
    pairs again and again (the vault pass, then the page), so the answers are kept."""
    return quote(posixpath.relpath(target_src, base or "."), safe="/")


class Resolver:
    """Resolves link targets for one build; headings are parsed once per note, lazily."""

    def __init__(self, index: VaultIndex):
        self.index = index
        self._anchors: dict[str, dict[str, str]] = {}
        self.refused: list[Problem] = []
        #: src paths of generated pages (folder indexes, timeline, ...): valid link targets too.
        self.pages: set[str] = set()
        #: (inner, origin src, embed) -> wikilink's answer, kept by the vault pass once the index
        #: is complete, so rendering the page does not resolve the same links a second time.
        self._wiki: dict[tuple[str, str, bool], tuple[Target, str]] = {}
        #: The site's language (``build_vault(language=...)``), for words the rendering adds.
        self.language = "ko"
        #: The vault's ``.obsidian/app.json`` settings (``build_vault`` sets them), for rendering.
        self.settings = ObsidianSettings()

    # -- anchors --------------------------------------------------------------
    def anchors(self, note: Note) -> dict[str, str]:
        """Folded heading text / ``^block`` -> anchor id, parsed once per note (or preset from a cache)."""
        got = self._anchors.get(note.src)
        if got is None:
            got = self._anchors[note.src] = heading_anchors(note.body)
        return got

    def preset_anchors(self, src: str, table: dict[str, str]) -> None:
        self._anchors[src] = table

    def anchor_for(self, note: Note, heading: str) -> str:
        if not heading:
            return ""
        # Obsidian allows nested heading paths (Note#H1#H2): the last one names the target.
        last = heading.split("#")[-1].strip()
        if self.index.trace is not None:
            self.index.trace.add(("a", note.src))
        table = self.anchors(note)
        key = fold(last)
        if key in table:
            return "#" + table[key]
        return ""

    # -- resolution -----------------------------------------------------------
    def wikilink(self, inner: str, origin: Note | None, embed: bool = False) -> tuple[Target, str]:
        """Resolve ``[[inner]]``; returns the target and the text to display."""
        if origin is not None:
            got = self._wiki.get((inner, origin.src, embed))
            if got is not None:
                return got
        return self._wikilink(inner, origin, embed)

    def remember_wikilink(self, inner: str, origin: Note, embed: bool) -> tuple[Target, str]:
        """Resolve ``[[inner]]`` and keep the answer for the page render (the index is complete)."""
        got = self._wiki[(inner, origin.src, embed)] = self._wikilink(inner, origin, embed)
        return got

    def _wikilink(self, inner: str, origin: Note | None, embed: bool) -> tuple[Target, str]:
        name, heading, alias = split_wikilink(inner)
        size = None
        if embed and alias and re.fullmatch(r"\d+(x\d+)?", alias):
            size, alias = alias, None
        if not name:  # [[#Heading]]: a heading of this very note
            if origin is None:
                return Target("missing", name=inner), alias or heading
            return Target("note", note=origin, anchor=self.anchor_for(origin, heading)), alias or heading
        if ".." in name.split("/") or name.startswith("/"):
            if not self.index.find_note(name, origin):
                self._refuse(origin, inner)
                return Target("refused", name=name), alias or name
        ext = posixpath.splitext(name)[1].casefold()
        text = alias or (name if not heading else f"{name} > {heading}")
        if ext and ext not in NOTE_EXTS:
            f = self.index.find_file(name, origin)
            w, h = _size(size)
            if f is None:
                return Target("missing-file", name=name, anchor=_fragment(heading), width=w, height=h), alias or name
            return Target("file", file=f, anchor=_fragment(heading), width=w, height=h), alias or name
        note = self.index.find_note(name, origin)
        if note is None:
            return Target("missing", name=name), text
        return Target("note", note=note, anchor=self.anchor_for(note, heading)), text

    def href(self, href: str, origin: Note | None, text: str = "") -> Target:
        """Resolve a Markdown link or image target."""
        href = href.strip()
        if href.startswith("<") and href.endswith(">"):
            href = href[1:-1]
        if not href or href.startswith("#") and len(href) > 1:
            if origin is not None and href.startswith("#"):
                return Target("note", note=origin, anchor=self.anchor_for(origin, unquote(href[1:])) or href)
            return Target("external")
        if SCHEME_RE.match(href) or href.startswith("//"):
            return Target("external")
        parts = urlsplit(href)
        path = unquote(parts.path)
        frag = unquote(parts.fragment)
        if not path:
            return Target("external")
        absolute = path.startswith("/")
        norm = path if absolute else posixpath.normpath(
            posixpath.join(posixpath.dirname(origin.src) if origin else "", path))
        if not absolute and (norm == ".." or norm.startswith("../")):
            self._refuse(origin, href)
            return Target("refused", name=path)
        if not absolute:
            for page in (norm, norm.rstrip("/") + "/index.md"):  # a folder link means its index page
                if self.index.trace is not None:
                    self.index.trace.add(("pg", page))
                if page in self.pages:
                    return Target("page", file=page, anchor=("#" + parts.fragment) if parts.fragment else "")
        ext = posixpath.splitext(path.rstrip("/"))[1].casefold()
        if ext in NOTE_EXTS or not ext:
            note = None
            if absolute:
                note = self.index.find_note(path.strip("/"), None) or self.index.find_by_slug(path, origin)
            else:
                note = self.index.find_note(norm, None) if "/" in norm else None
                note = note or self.index.find_note(path, origin)
                if note is None and not ext:
                    note = self.index.find_by_slug(path, origin)
            if note is None:
                return Target("missing", name=missing_name(path, text))
            anchor = self.anchor_for(note, frag) if frag and not frag.startswith("page=") else ""
            return Target("note", note=note, anchor=anchor)
        f = self.index.find_file(norm, None) or self.index.find_file(path, origin)
        if f is None:
            return Target("missing-file", name=posixpath.basename(path))
        return Target("file", file=f, anchor=("#" + parts.fragment) if parts.fragment else "")

    def _refuse(self, origin: Note | None, raw: str) -> None:
        self.refused.append(Problem(origin.src if origin else "", f"link '{raw}' points outside docs/; refused"))


def _size(size: str | None) -> tuple[str | None, str | None]:
    if not size:
        return None, None
    w, _, h = size.partition("x")
    return w, (h or None)


def _fragment(heading: str) -> str:
    return ("#" + heading) if heading else ""


def missing_name(path: str, text: str = "") -> str:
    """The human name of a note that does not exist yet: never a URL slug.

    For ``[2025-01-25 미국 시황 정리](/daily-summary/2025-01-25-미국-시황-정리/)`` that is the
    link text; for ``2025-01-29%20미국%20시황%20정리.md`` the decoded file name.
    """
    stem = posixpath.basename(path.rstrip("/"))
    for ext in NOTE_EXTS:
        if stem.casefold().endswith(ext):
            stem = stem[: -len(ext)]
    # An exported permalink (/section/slug/) names a page by slug: its link text is the human name.
    looks_like_slug = path.startswith("/") or ("-" in stem and " " not in stem)
    text = (text or "").strip()
    if text and (looks_like_slug or not stem) and not text.startswith("!"):
        return text
    return stem or text or path


def parse_links(body: Text) -> list[RawLink]:
    """All links and embeds of a body, in order, never inside code (``ParsedNote.links``)."""
    return parse(body).links


def toc_slugs(texts: Iterable[str]) -> list[str]:
    """The ids MkDocs' toc extension gives headings of these plain texts, in order: the slug,
    then ``slug_1``, ``slug_2``... for a slug met before."""
    used: set[str] = set()
    out = []
    for text in texts:
        base = heading_slugify(text, "-")
        slug, n = base, 0
        while slug in used:
            n += 1
            slug = f"{base}_{n}"
        used.add(slug)
        out.append(slug)
    return out


def heading_anchors(body: Text) -> dict[str, str]:
    """Folded heading text / ``^block`` -> the id MkDocs will give it (toc's ``_1`` dedupe included)."""
    parsed = parse(body)
    table: dict[str, str] = {}
    texts = [plain_heading(h.text) for h in parsed.headings]
    for text, slug in zip(texts, toc_slugs(texts)):
        table.setdefault(fold(text), slug)
    for _, _, bid in parsed.block_ids:
        table.setdefault("^" + bid.casefold(), "^" + bid)
    return table


def extract_links(note: Note, resolver: Resolver, raw: list[RawLink] | None = None) -> list[LinkRecord]:
    """Resolve a note's links (``raw`` from :func:`parse_links`, cached by the caller)."""
    out: list[LinkRecord] = []
    for r in parse_links(note.body) if raw is None else raw:
        if r.wiki:
            target, text = resolver.remember_wikilink(r.target, note, r.embed)
        else:
            text = r.text
            target = resolver.href(r.target, note, text)
            if target.kind == "external":
                continue
        out.append(LinkRecord(r.raw, text, target, r.embed, r.start, r.end))
    return out


@lru_cache(maxsize=4096)
def is_image(name: str) -> bool:
    return posixpath.splitext(name)[1].casefold() in IMAGE_EXTS
