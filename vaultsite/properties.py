"""Front matter properties as Obsidian shows them: the fields the note header does not.

``visible(meta)`` keeps, in the author's order, what is neither shown elsewhere (title,
date, author, source, tags, aliases, description) nor a key of some tool (Hugo's
``weight``, the Excalidraw plugin's keys, ``publish``, ``cssclasses``).  ``typed(...)``
says how each value is shown (the page renders it from ``templates/properties.html.j2``,
escaped); ``"[[Note]]"`` values are links and count as links of the note
(:func:`property_links`), so they give backlinks and appear in ``vault.json``.
"""
from __future__ import annotations

import re

from .parsed import WIKI_RE, RawLink
from .textutil import fold

#: Shown by the header or used by the build (folded names).
SHOWN = {
    "title", "name", "date", "published", "pubdate", "publishdate", "created",
    "author", "authors", "by", "source", "source_url", "sourceurl", "original", "origin",
    "canonical", "canonical_url", "tags", "tag", "categories", "category", "aliases", "alias",
    "description", "summary", "excerpt", "desc", "cover", "image", "banner", "thumbnail",
    "featured_image",
}
#: Keys of tools, not of the author: Obsidian itself, Obsidian Publish, Hugo, plugins.
INTERNAL = {
    "publish", "draft", "cssclasses", "cssclass", "css-class", "lastmod", "last_modified",
    "weight", "sidebar", "type", "layout", "slug", "permalink", "menu", "toc", "hugo",
    "expirydate", "outputs", "kanban-plugin", "position", "banner_y", "banner_x",
    # MkDocs' and Material's page keys (never passed on to MkDocs, never shown either)
    "template", "hide", "search", "status", "icon", "subtitle", "social", "comments", "robots",
}
#: Read as the note's source when they hold an http(s) URL; otherwise ordinary properties.
URL_KEYS = {"url", "link", "href"}
COMPANY_KEYS = {"id", "ticker", "tickers", "alias", "aliases", "exact", "exchange", "country"}
_URL = re.compile(r"^(?:https?:)?//\S+$", re.I)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_WIKI_TEXT = re.compile(r"!?\[\[(?:[^\]|]*\|([^\]]*)|([^\]|]*))\]\]")  # the text a wikilink shows
_CLASS = re.compile(r"^-?[A-Za-z_][A-Za-z0-9_-]*$")


def visible(meta: dict, src: str = "") -> dict:
    out = {}
    company = fold(src).startswith("companies/")
    for key, value in meta.items():
        k = fold(str(key))
        if k in SHOWN or k in INTERNAL or k.startswith("excalidraw"):
            continue
        if k in URL_KEYS and isinstance(value, str) and _URL.match(value.strip()):
            continue
        if company and k in COMPANY_KEYS:
            continue
        out[str(key)] = value
    return out


def css_classes(meta: dict) -> list[str]:
    """``cssclasses`` (or the older ``cssclass``): class names only, nothing else gets through."""
    out: list[str] = []
    for key in ("cssclasses", "cssclass", "cssClasses", "cssClass"):
        value = meta.get(key)
        if value is None:
            continue
        items = value if isinstance(value, list) else str(value).replace(",", " ").split()
        for item in items:
            item = str(item).strip()
            if _CLASS.match(item) and item not in out:
                out.append(item)
    return out


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def property_links(note) -> list[RawLink]:
    """The wikilinks in a note's properties, as links of the note.  Offsets are negative
    (they are not in the body); ``text`` holds ``key: value`` for backlink contexts."""
    props = (note.extra or {}).get("properties") or {}
    out: list[RawLink] = []
    for key, value in props.items():
        for s in _strings(value):
            if "[[" not in s:
                continue
            for m in WIKI_RE.finditer(s):
                if m.group(1):  # ![[embed]] in a property: not a link
                    continue
                pos = -1 - len(out)
                context = f"{key}: {_WIKI_TEXT.sub(lambda w: w.group(1) or w.group(2), s)}"[:180]
                out.append(RawLink(m.group(0), True, False, m.group(2), context, pos, pos))
    out.reverse()  # ascending offsets, like the body's links
    return out


def kind(value) -> str:
    """How a value is shown: ``checkbox``, ``number``, ``date``, ``list``, ``link``, ``url``,
    ``text`` or ``empty``."""
    if value is None or value == "" or value == []:
        return "empty"
    if isinstance(value, bool):
        return "checkbox"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "text"
    s = str(value).strip()
    if _DATE.match(s):
        return "date"
    if _URL.match(s):
        return "url"
    if "[[" in s:
        return "link"
    return "text"
