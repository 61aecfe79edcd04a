"""Articles clipped from a VuePress (vuepress-theme-hope) site.

The source is Markdown plus Vue: ``{{ $frontmatter.title }}`` templating,
```` ```component VPCard```` JSON cards, ``<SiteInfo …/>`` link previews,
``[[toc]]``, ``::: info`` containers.  None of that means anything to
Python-Markdown (``[[toc]]`` would even look like a wikilink), so each is
turned into its plain-Markdown equivalent: values substituted, cards and
previews into link cards (``markup.card_md``), containers into admonitions,
the TOC marker and HTML comments dropped.

``source_url`` is the first ``<SiteInfo url=…>``: that card is how the theme
says "this is the article I clipped", so it names the original publication,
whereas ``og:url`` is the clipping site's own mirror (kept as
``extra["mirror_url"]``).
"""
from __future__ import annotations

import json
import re

from ..model import Note
from . import markup
from .common import as_name_list, as_url, clean_title, first_value, merge_names, parse_date, \
    split_front_matter, stem_title
from .markdown import authors

FORMAT = "vuepress"

_FM_VAR_RE = re.compile(r"\{\{\s*\$frontmatter\.([\w.]+)\s*\}\}")
_COMPONENT_RE = re.compile(r"^([ \t]*)(`{3,}|~{3,})[ \t]*component[ \t]+(\w+)[ \t]*$")
_SITEINFO_RE = re.compile(r"<SiteInfo\b(.*?)/?>(?:\s*</SiteInfo>)?", re.S)
_ATTR_RE = re.compile(r"([\w:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_TOC_RE = re.compile(r"^[ \t]*\[\[toc\]\][ \t]*$", re.I | re.M)
_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
_CONTAINER_OPEN_RE = re.compile(r"^[ \t]*(:{3,})[ \t]*([\w-]+)?[ \t]*(.*?)[ \t]*$")
_IMAGE_RE = re.compile(r"!\[((?:[^\]\\]|\\.)*)\]\((\S+?)((?:\s+\"[^\"]*\")?)\)")
_SELF_CLOSING_VUE_RE = re.compile(r"<([A-Z][\w-]*)\b([^<>]*?)/>")
_PAIRED_VUE_RE = re.compile(r"</?([A-Z][\w-]*)\b[^<>]*>")

# VuePress container kinds -> Material admonition kinds; others are unwrapped.
_ADMONITIONS = {
    "info": "info", "note": "note", "tip": "tip", "hint": "tip", "warning": "warning",
    "caution": "warning", "danger": "danger", "important": "important", "details": "note",
    "abstract": "abstract", "example": "example", "quote": "quote", "question": "question",
}


def _frontmatter_value(meta: dict, path: str) -> str:
    value = meta
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        else:
            return ""
    if isinstance(value, list):
        return ", ".join(as_name_list(value, split_spaces=False))
    return "" if value is None or isinstance(value, dict) else str(value)


def substitute(body: str, meta: dict) -> str:
    """``{{ $frontmatter.title }}`` -> the value (code blocks are not templated)."""
    return markup.sub_outside_fences(
        body, lambda chunk: _FM_VAR_RE.sub(lambda m: _frontmatter_value(meta, m.group(1)), chunk))


def _card_url(link: str | None) -> str | None:
    """Only absolute links survive: ``/ai/…/README.md`` points into the clipped site."""
    return as_url(link) if link else None


def replace_components(body: str) -> str:
    """```` ```component VPCard ```` JSON -> a link card (never raw JSON)."""
    lines = body.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _COMPONENT_RE.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        fence = m.group(2)
        j = i + 1
        while j < len(lines) and lines[j].strip() != fence:
            j += 1
        payload = "\n".join(lines[i + 1:j])
        try:
            data = json.loads(payload)
        except ValueError:
            data = {k: v for k, v in re.findall(r'"(\w+)"\s*:\s*"((?:[^"\\]|\\.)*)"', payload)}
        if isinstance(data, dict) and (data.get("title") or data.get("link")):
            out.extend(["", *markup.card_md(str(data.get("title") or ""),
                                            _card_url(data.get("link")),
                                            str(data.get("desc") or data.get("description") or "")),
                        ""])
        i = j + 1
    return "\n".join(out)


def replace_siteinfo(body: str) -> tuple[str, list[str]]:
    """``<SiteInfo name= desc= url= …/>`` -> a link card; returns the URLs found."""
    urls: list[str] = []

    def card(m: re.Match) -> str:
        attrs = {k: (a if a is not None else b) for k, a, b in _ATTR_RE.findall(m.group(1))}
        url = _card_url(attrs.get("url"))
        if url:
            urls.append(url)
        return "\n\n" + "\n".join(markup.card_md(attrs.get("name") or attrs.get("title") or "",
                                                  url, attrs.get("desc"))) + "\n\n"

    return markup.sub_outside_fences(body, lambda chunk: _SITEINFO_RE.sub(card, chunk)), urls


def convert_containers(body: str) -> str:
    """``::: info <원문>`` … ``:::`` -> ``!!! info "<원문>"`` with indented content."""
    lines = body.split("\n")
    in_fence = markup.fence_flags(lines)

    def convert(start: int, marker: str | None) -> tuple[list[str], int]:
        out: list[str] = []
        i = start
        while i < len(lines):
            line = lines[i]
            m = None if in_fence[i] else _CONTAINER_OPEN_RE.match(line)
            if m and marker is not None and not m.group(2) and not m.group(3) \
                    and len(m.group(1)) >= len(marker):
                return out, i + 1
            if m and m.group(2):
                inner, i = convert(i + 1, m.group(1))
                while inner and not inner[0].strip():
                    inner.pop(0)
                while inner and not inner[-1].strip():
                    inner.pop()
                kind = _ADMONITIONS.get(m.group(2).lower())
                if kind:
                    title = m.group(3).strip()
                    out.append(f'!!! {kind} "{title}"' if title else f"!!! {kind}")
                    out.append("")
                    out.extend(("    " + x) if x.strip() else "" for x in inner)
                    out.append("")
                else:
                    out.extend(inner)
                continue
            if m and not m.group(2) and not m.group(3):
                i += 1  # a closer with nothing open: debris
                continue
            out.append(line)
            i += 1
        return out, i

    out, _ = convert(0, None)
    return "\n".join(out)


def _caption_parts(alt: str) -> list[str]:
    parts = re.split(r"<br\s*/?>", alt, flags=re.I)
    clean = []
    for part in parts:
        part = part.strip()
        if part.startswith("<") and part.endswith(">"):
            part = part[1:-1].strip()
        part = re.sub(r"\s+", " ", part.replace("<", "").replace(">", "")).strip()
        if part:
            clean.append(part)
    return clean


def fix_images(text: str) -> str:
    """``![a<br/><출처: X>](u)`` -> a clean image plus a caption line (``vs-caption``)."""
    out: list[str] = []
    for line in text.split("\n"):
        m = _IMAGE_RE.search(line)
        if not m or not re.search(r"[<>]", m.group(1)):
            out.append(line)
            continue
        parts = _caption_parts(m.group(1))
        alt = markup.escape_inline(parts[0] if parts else "")
        image = f"![{alt}]({m.group(2)}{m.group(3)})"
        if line.strip() == m.group(0).strip():
            indent = line[: len(line) - len(line.lstrip())]
            out.extend([indent + image, ""])
            out.extend(indent + c for c in markup.caption_md(" · ".join(parts)))
        else:
            alt_all = markup.escape_inline(" · ".join(parts))
            out.append(line[: m.start()] + f"![{alt_all}]({m.group(2)}{m.group(3)})" + line[m.end():])
    return "\n".join(out)


def drop_vue_components(text: str) -> str:
    """Unknown Vue components: self-closing ones go (keeping a ``text=``), paired ones unwrap."""
    def self_closing(m: re.Match) -> str:
        attrs = {k: (a if a is not None else b) for k, a, b in _ATTR_RE.findall(m.group(2))}
        return markup.escape_inline(attrs.get("text", ""))

    text = _SELF_CLOSING_VUE_RE.sub(self_closing, text)
    return _PAIRED_VUE_RE.sub("", text)


def _og_url(head) -> str | None:
    """Find ``og:url`` in VuePress ``head`` (``[[meta, {property, content}]]`` or nested maps)."""
    if isinstance(head, dict):
        if head.get("property") == "og:url" or head.get("name") == "og:url":
            return as_url(head.get("content"))
        head = list(head.values())
    if isinstance(head, list):
        for item in head:
            url = _og_url(item)
            if url:
                return url
    return None


def normalise(src: str, text: str) -> Note:
    fm = split_front_matter(text)
    meta = fm.meta
    title = clean_title(first_value(meta, "title")) or stem_title(src)

    body = substitute(fm.body, meta)
    body = replace_components(body)
    body, site_urls = replace_siteinfo(body)

    def cleanup(chunk: str) -> str:
        chunk = _COMMENT_RE.sub("", chunk)
        chunk = _TOC_RE.sub("", chunk)
        chunk = drop_vue_components(chunk)
        return fix_images(chunk)

    body = markup.sub_outside_fences(body, cleanup)
    body = convert_containers(body)
    body = markup.drop_title_h1(body, title)
    body = markup.drop_stray_closers(body)
    body = markup.dedent_prose(body)
    body = markup.drop_empty_items(body)
    body = markup.fix_block_spacing(body)

    author, author_urls = authors(first_value(meta, "author", "authors"))
    categories = as_name_list(first_value(meta, "category", "categories"))
    tags = merge_names(as_name_list(first_value(meta, "tag")), as_name_list(first_value(meta, "tags")),
                       categories)
    mirror = _og_url(meta.get("head"))
    extra: dict = {}
    if meta.get("cover"):
        extra["cover"] = as_url(meta.get("cover")) or str(meta.get("cover"))
    if author_urls:
        extra["author_url"] = author_urls[0]
    if mirror:
        extra["mirror_url"] = mirror
    if "isOriginal" in meta:
        extra["is_original"] = meta["isOriginal"]
    if meta.get("lang"):
        extra["lang"] = str(meta["lang"])
    for key in ("draft", "publish"):  # what is published is decided for every shape alike
        if key in meta:
            extra[key] = meta[key]

    return Note(
        src=src,
        title=title,
        body=body + ("\n" if body else ""),
        format=FORMAT,
        date=parse_date(first_value(meta, "date", "created")),
        author=author,
        source_url=(site_urls[0] if site_urls else None) or mirror
        or as_url(first_value(meta, "source", "source_url", "url")),
        category=categories[0] if categories else None,
        description=clean_title(first_value(meta, "description")) or None,
        tags=tags,
        aliases=as_name_list(first_value(meta, "aliases", "alias"), split_spaces=False),
        extra=extra,
        problems=list(fm.problems),
    )
