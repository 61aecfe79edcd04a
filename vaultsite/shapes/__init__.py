"""Recognise what kind of file a note is, and normalise it into a ``Note``.

Shapes are recognised by *content*, not by extension (a Tistory copy may be
saved as ``.md``, an Obsidian note may be a ``.txt``).  The extension only
breaks a tie: text with no markup and no blog chrome is "markdown" in a
``.md`` file and "plain-text" otherwise.

Shape names (``Note.format``):

* ``obsidian``   Obsidian Markdown (wikilinks, embeds, callouts, inline tags)
* ``hugo``       a note exported through Hugo (seed 000: Obsidian -> Hugo)
* ``vuepress``   a vuepress-theme-hope article (seed 002)
* ``tistory``    a Tistory post copied as text (seed 001)
* ``naver``      a Naver blog post copied as text
* ``plain-text`` any other blog text (seeds 003, 004)
* ``markdown``   plain Markdown, with or without front matter

``normalise`` never raises: a shape that crashes falls back to plain Markdown
(then to a bare page) and says so in ``note.problems``, because one odd file
must not stop a 5,000-note build.
"""
from __future__ import annotations

import re

from ..index import MARKDOWN_EXTS
from ..model import Note
from . import markdown, obsidian, plaintext, tistory, vuepress
from .common import clean_title, prepare_text, split_front_matter, stem_title

SHAPES = ("obsidian", "hugo", "vuepress", "tistory", "naver", "plain-text", "markdown")

_VUEPRESS_BODY_RE = re.compile(
    r"\{\{\s*\$frontmatter\.|^[ \t]*```+[ \t]*component[ \t]+VP|<SiteInfo\b|^[ \t]*\[\[toc\]\][ \t]*$"
    r"|^:::[ \t]*(?:info|tip|warning|danger|details|note|caution|important)\b",
    re.M | re.I,
)
# What every match of _VUEPRESS_BODY_RE holds, found fast (each branch opens with a literal,
# where that pattern tries every position): the full pattern runs only where this is found.
_VUEPRESS_HINT_RE = re.compile(r"\{\{|```+[ \t]*(?i:component)|<(?i:siteinfo)|\[\[(?i:toc)\]\]|:::")
_VUEPRESS_KEYS = {"head", "icon", "isoriginal", "prev", "next", "star", "sticky", "pageinfo",
                  "breadcrumb", "article", "lang"}
# Negated classes exclude their opener too ("<", "("): linear on long lines that never close.
_HUGO_BODY_RE = re.compile(
    r"<div[^<>]*display\s*:\s*none[^<>]*>\s*<meta\s+property=\"article:|\]\([^()\s]*\)\]\]"
    r"|\{\{[<%]\s*/?\w+", re.I)
_OBSIDIAN_RE = re.compile(
    r"!?\[\[(?!toc\]\])[^\[\]\n]+\]\]|^[ \t]*>[ \t]*\[![\w-]+\]|%%|==[^=\n]+==|(?:^|\s)#[^\s#\d][^\s#]*",
    re.M | re.I,
)
_MARKDOWN_RE = re.compile(
    r"^#{1,6}[ \t]+\S|\]\([^()\s]+\)|^[ \t]*(?:```|~~~)|\*\*[^*\n]+\*\*|^>[ \t]|^\|.*\|[ \t]*$"
    r"|^[ \t]*[-*][ \t]+\[[ xX]\]",
    re.M,
)
_TISTORY_BY_RE = re.compile(r"^by\s+.+\s\d{4}\.\s*\d{1,2}\.\s*\d{1,2}\.?(?:\s+\d{1,2}:\d{2})?\s*$", re.M)
_NAVER_MARKERS = ("블로그 메뉴", "이웃추가", "URL 복사", "본문 기타 기능")


def _vuepress_body(body: str) -> bool:
    return _VUEPRESS_HINT_RE.search(body) is not None and _VUEPRESS_BODY_RE.search(body) is not None


def _lines(text: str) -> list[str]:
    return [line.replace("\u00a0", " ").strip() for line in text.split("\n")]


def recognise(text: str, src: str = "") -> str:
    """The shape of ``text`` (one of ``SHAPES``), judged by content."""
    text = prepare_text(text)
    fm = split_front_matter(text)
    body = fm.body
    keys = {str(k).lower() for k in fm.meta}
    if fm.kind:
        if _vuepress_body(body) or len(keys & _VUEPRESS_KEYS) >= 2:
            return "vuepress"
        # Hugo's debris (the hidden meta block, ``)]]`` where links were rewritten, shortcodes) or
        # TOML front matter make an export; one key (``lastmod``, ``weight``) never does: Obsidian
        # users write them too, and an export loses the brackets an author typed.
        if fm.kind == "toml" or _HUGO_BODY_RE.search(body):
            return "hugo"
        return "obsidian" if _OBSIDIAN_RE.search(body) else "markdown"

    lines = _lines(text)
    nonblank = [s for s in lines if s]
    head = nonblank[:25]
    naver = any(s in _NAVER_MARKERS for s in nonblank) or any("blog.naver.com" in s for s in head[:10])
    if "728x90" in nonblank or any(_TISTORY_BY_RE.match(s) for s in head):
        return "tistory"
    if naver:  # Naver's page starts with "본문 바로가기" too: its own markers decide
        return "naver"
    if "본문 바로가기" in head[:3]:
        return "tistory"
    if _vuepress_body(body):
        return "vuepress"
    if _HUGO_BODY_RE.search(body):
        return "hugo"
    if _OBSIDIAN_RE.search(_without_plain_hashtag_noise(body)):
        return "obsidian"
    if _MARKDOWN_RE.search(body):
        return "markdown"
    return "markdown" if src.lower().endswith(MARKDOWN_EXTS) else "plain-text"


def _without_plain_hashtag_noise(body: str) -> str:
    """Inline ``#tags`` alone do not make a file Obsidian (blogs end with hashtags too)."""
    if re.search(r"!?\[\[|^[ \t]*>[ \t]*\[!|%%|==[^=\n]+==", body, re.M):
        return body
    return re.sub(r"(?:^|\s)#[^\s#\d][^\s#]*", " ", body)


def _dispatch(shape: str, src: str, text: str) -> Note:
    if shape in obsidian.FORMATS:
        return obsidian.normalise(src, text, shape)
    if shape == "vuepress":
        return vuepress.normalise(src, text)
    if shape == "tistory":
        return tistory.normalise(src, text)
    if shape in plaintext.FORMATS:
        return plaintext.normalise(src, text, shape)
    return markdown.normalise(src, text)


def _finish(note: Note, src: str) -> Note:
    """Guarantee the Note contract whatever a shape did."""
    note.src = src
    note.title = clean_title(note.title) or stem_title(src)
    note.body = note.body if isinstance(note.body, str) else str(note.body or "")
    note.tags = [t for t in (clean_title(t) for t in note.tags or []) if t]
    note.aliases = [a for a in (clean_title(a) for a in note.aliases or []) if a]
    return note


def normalise(src: str, text: str) -> Note:
    """The ``Note`` for a file at ``src`` (path under docs/) holding ``text``. Never raises."""
    src = src if isinstance(src, str) else str(src or "")
    problems: list[str] = []
    try:
        text = prepare_text(text)
    except Exception as exc:  # pragma: no cover - prepare_text only fails on hostile objects
        problems.append(f"could not read the text ({type(exc).__name__})")
        text = ""
    try:
        shape = recognise(text, src)
    except Exception as exc:
        problems.append(f"could not recognise the shape ({type(exc).__name__}: {exc})")
        shape = "markdown"
    if not text.strip():
        return _finish(Note(src=src, title=stem_title(src), body="", format=shape,
                            problems=problems), src)
    for attempt in (shape, "markdown"):
        try:
            note = _dispatch(attempt, src, text)
            note.problems = problems + list(note.problems)
            return _finish(note, src)
        except Exception as exc:
            problems.append(
                f"{attempt} shape failed ({type(exc).__name__}: {exc}); rendered as plain markdown"
                if attempt != "markdown" else f"markdown shape failed ({type(exc).__name__}: {exc})"
            )
            if attempt == "markdown":
                break
    body = split_front_matter(text).body if text else ""
    return _finish(Note(src=src, title=stem_title(src), body=body, format="markdown",
                        problems=problems), src)


__all__ = ["SHAPES", "recognise", "normalise"]
