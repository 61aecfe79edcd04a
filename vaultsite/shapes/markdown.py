"""Plain Markdown, with or without front matter: the shape every other falls back to.

Metadata comes from the usual front matter keys; without a ``title`` the
leading ``# H1`` is the title (and leaves the body, since Material prints the
title itself), without either the file name is.  ``note_from_meta`` is shared
with the Obsidian/Hugo shape, which only adds repairs on top.
"""
from __future__ import annotations

import re

from .. import properties
from ..model import Note
from . import markup
from .common import (
    FrontMatter,
    as_name_list,
    as_url,
    clean_title,
    first_value,
    merge_names,
    parse_date,
    split_front_matter,
    stem_title,
)

FORMAT = "markdown"


def authors(value) -> tuple[str | None, list[str]]:
    """Author names (joined) and any author URLs, from str / dict / list forms."""
    names: list[str] = []
    urls: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, dict):
            name = item.get("name") or item.get("title") or item.get("id")
            url = as_url(item.get("url") or item.get("link") or item.get("href"))
            if url:
                urls.append(url)
        else:
            name = item
        name = re.sub(r"^\[\[([^\]|]*)(?:\|[^\]]*)?\]\]$", r"\1", clean_title(name))  # "[[이재훈]]"
        if name and name not in names:
            names.append(name)
    return (", ".join(names) or None), urls


#: Front-matter keys of a company note (see ``companies.Company.from_note``).
COMPANY_KEYS = ("id", "ticker", "tickers", "alias", "aliases", "exact", "exchange", "country")


def note_from_meta(src: str, fm: FrontMatter, body: str, fmt: str) -> Note:
    """Build a Note from front matter and an already-cleaned body."""
    meta = fm.meta
    title = clean_title(first_value(meta, "title", "name"))
    if title:
        body = markup.drop_title_h1(body, title)
    else:
        h1, rest = markup.leading_h1(body)
        if h1:
            title, body = clean_title(h1), rest
    title = title or stem_title(src)

    author, author_urls = authors(first_value(meta, "author", "authors", "by"))
    categories = as_name_list(first_value(meta, "categories", "category"))
    tags = merge_names(
        as_name_list(first_value(meta, "tags")),
        as_name_list(first_value(meta, "tag")),
        categories,
    )
    aliases = merge_names(
        as_name_list(first_value(meta, "aliases"), split_spaces=False),
        as_name_list(first_value(meta, "alias"), split_spaces=False),
    )
    extra: dict = {}
    cover = first_value(meta, "cover", "image", "banner", "thumbnail", "featured_image")
    if isinstance(cover, (str, dict, list)):
        cover = as_url(cover) or (cover if isinstance(cover, str) else None)
        if cover:
            extra["cover"] = cover
    if author_urls:
        extra["author_url"] = author_urls[0]
    updated = parse_date(first_value(meta, "lastmod", "updated", "modified", "last_modified"))
    if updated:
        extra["updated"] = updated
    for key in ("draft", "publish"):
        if key in meta:
            extra[key] = meta[key]
    if fmt in ("obsidian", "markdown", "hugo"):
        props = properties.visible(meta, src)
        if props:
            extra["properties"] = props
        classes = properties.css_classes(meta)
        if classes:
            extra["cssclasses"] = classes
    if "excalidraw-plugin" in meta:
        extra["excalidraw"] = True
    # What a company note (companies/<Name>.md) may say about its company; read by the build.
    company = {key: meta[key] for key in COMPANY_KEYS if key in meta}
    if company:
        extra["company_meta"] = company
    description = first_value(meta, "description", "summary", "excerpt", "desc")

    return Note(
        src=src,
        title=title,
        body=body.strip("\n") + ("\n" if body.strip() else ""),
        format=fmt,
        # a clipping's "published" (the article) beats its "created" (the clip)
        date=parse_date(first_value(meta, "date", "published", "pubdate", "publishdate", "created")),
        author=author,
        source_url=as_url(first_value(meta, "source", "source_url", "sourceurl", "url", "link",
                                      "original", "origin", "canonical", "canonical_url")),
        category=categories[0] if categories else None,
        description=clean_title(description) or None,
        tags=tags,
        aliases=aliases,
        extra=extra,
        problems=list(fm.problems),
    )


def repair(body: str) -> str:
    """The Markdown repairs every Markdown-ish shape gets (see ``markup``)."""
    body = markup.drop_hidden_blocks(body)
    body = markup.drop_stray_closers(body)
    body = markup.dedent_prose(body)
    body = markup.drop_empty_items(body)
    body = markup.normalise_list_indent(body)
    return markup.fix_block_spacing(body)


def normalise(src: str, text: str) -> Note:
    fm = split_front_matter(text)
    return note_from_meta(src, fm, repair(fm.body), FORMAT)
