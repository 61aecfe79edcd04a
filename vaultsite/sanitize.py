"""No page runs a script a clipping brought along.

Rendered HTML goes through nh3 (Rust's ammonia), an allow-list sanitizer: a
list of what may stay is safer than a list of what to remove.  Imported notes
(``clippings/`` and every blog-dump or VuePress shape) get the strict list;
the user's own notes keep ordinary HTML (``<details>``, ``<span style>``,
``<iframe>`` to http(s)), with scripts and event handlers still removed
unless ``extra.vaultsite.trust_html: true`` says the user trusts them.

Embedded notes keep the rules of the note they come from: an imported note
embedded in the user's own note is fenced by two markers (:func:`embed_fence`)
holding a secret made when this module is loaded, which no note can know, and
:func:`clean_page` cleans what lies between them with the imported rules before
the page's own rules (or none, when trusted) apply to the whole page.
"""
from __future__ import annotations

import re
import secrets

import nh3

from .model import Note

IMPORTED_FORMATS = {"tistory", "naver", "plain-text", "vuepress"}
IMPORTED_FOLDERS = ("clippings/",)

# MathML the math in the user's own notes is converted to at build time (latex2mathml):
# presentation elements only, none of which loads anything or runs script.  Imported notes
# get no math (``mdext`` leaves their "$" alone) and no MathML: <math> is where mutation-XSS
# payloads hide (namespace confusion), so a clipping never keeps one.
MATHML_TAGS = {
    "math", "mrow", "mi", "mn", "mo", "mtext", "ms", "mspace", "msup", "msub", "msubsup",
    "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd",
    "mstyle", "mpadded", "mphantom", "menclose", "merror", "mmultiscripts", "mprescripts",
    "none", "semantics", "annotation",
}
_MATHML_ATTRS = {
    "display", "xmlns", "mathvariant", "mathsize", "mathcolor", "mathbackground", "stretchy",
    "fence", "separator", "form", "lspace", "rspace", "accent", "accentunder", "movablelimits",
    "largeop", "symmetric", "minsize", "maxsize", "linethickness", "displaystyle", "scriptlevel",
    "columnalign", "columnspacing", "columnlines", "rowalign", "rowspacing", "rowlines", "frame",
    "width", "height", "depth", "voffset", "notation", "linebreak", "encoding",
}
_BASE_TAGS = set(nh3.ALLOWED_TAGS) | {
    "section", "main", "input", "label", "svg", "path", "g", "use", "tfoot", "caption",
    # Embedded audio and video (vaultsite.media): players, safe in clippings too.
    "audio", "video", "source",
}
# No generic ``name``: ``<img name="getElementById">`` would shadow ``document`` methods that
# Material's scripts call (DOM clobbering); only ``<a name>`` (code line anchors) is harmless.
_GENERIC = {"class", "id", "title", "lang", "dir", "aria-label", "aria-hidden", "role", "tabindex"}
_ATTRS = {
    "*": _GENERIC,
    "a": {"href", "hreflang", "target", "rel", "name"},
    "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes"},
    "input": {"type", "checked", "disabled"},
    "label": {"for"},
    "ol": {"start", "type", "reversed"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "time": {"datetime"},
    "svg": {"viewbox", "xmlns", "width", "height", "fill"},
    "path": {"d", "fill", "fill-rule", "clip-rule"},
    "details": {"open"},
    "code": set(),
    "span": set(),
    "div": set(),
    "video": {"src", "controls", "width", "height", "poster", "preload"},
    "audio": {"src", "controls", "preload"},
    "source": {"src", "type"},
}
# Drawings (``excalidraw``) and canvas edges are SVG the build writes from numbers and escaped
# text: shapes, text and images (http(s) or relative ``href`` only: nh3 checks the scheme).
_SVG_DRAWING = {"rect", "ellipse", "circle", "line", "polyline", "polygon", "text", "tspan", "image",
                "defs", "marker"}
_SVG_PAINT = {"fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-linecap",
              "stroke-linejoin", "opacity", "transform"}
_SVG_ATTRS = {
    "svg": {"viewBox", "viewbox", "xmlns", "width", "height", "fill", "preserveAspectRatio"},
    "g": _SVG_PAINT,
    "path": {"d", "fill-rule", "clip-rule", "marker-end", "marker-start"} | _SVG_PAINT,
    "rect": {"x", "y", "width", "height", "rx", "ry"} | _SVG_PAINT,
    "ellipse": {"cx", "cy", "rx", "ry"} | _SVG_PAINT,
    "circle": {"cx", "cy", "r"} | _SVG_PAINT,
    "line": {"x1", "y1", "x2", "y2"} | _SVG_PAINT,
    "polyline": {"points"} | _SVG_PAINT,
    "polygon": {"points"} | _SVG_PAINT,
    "text": {"x", "y", "font-size", "font-family", "text-anchor"} | _SVG_PAINT,
    "tspan": {"x", "y", "dy"},
    "image": {"x", "y", "width", "height", "href", "preserveAspectRatio"},
    "marker": {"viewBox", "refX", "refY", "markerWidth", "markerHeight", "orient"},
}
_BASE_TAGS |= _SVG_DRAWING
for _tag, _names in _SVG_ATTRS.items():
    _ATTRS[_tag] = _ATTRS.get(_tag, set()) | _names
_ATTRS["button"] = {"type"}
_BASE_TAGS |= {"button", "figure", "figcaption", "nav"}

_OWN_TAGS = _BASE_TAGS | {"iframe", "font", "center", "u"} | MATHML_TAGS
_OWN_ATTRS = {
    **_ATTRS,
    **{tag: _MATHML_ATTRS for tag in MATHML_TAGS},
    "*": _GENERIC | {"style", "align"},
    # ``download``: the link beside an embedded PDF, audio or video file.
    "a": _ATTRS["a"] | {"download"},
    "iframe": {"src", "width", "height", "allow", "allowfullscreen", "frameborder", "loading", "title"},
    "font": {"color", "size", "face"},
}
_SCHEMES = {"http", "https", "mailto", "tel"}
# Imported notes get no ``style`` at all, except the exact alignment Python-Markdown's
# tables write on cells (an allow-list of values, not a CSS parser).
_ALIGN = {f"text-align: {a};" for a in ("left", "center", "right")}
_IMPORTED_VALUES = {"th": {"style": _ALIGN}, "td": {"style": _ALIGN}}


def is_imported(note: Note) -> bool:
    """Clippings (``clippings/``, any case: Obsidian's Web Clipper writes ``Clippings/``) and
    every note whose shape is a blog dump or a VuePress article."""
    return note.format in IMPORTED_FORMATS or note.src.casefold().startswith(IMPORTED_FOLDERS)


def _cleaner(imported: bool) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=_BASE_TAGS if imported else _OWN_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRS if imported else _OWN_ATTRS,
        tag_attribute_values=_IMPORTED_VALUES if imported else None,
        generic_attribute_prefixes={"data-"},
        strip_comments=True,
        link_rel=None,
        url_schemes=_SCHEMES,
    )


# Built once: ``nh3.clean`` with these arguments converts the allow-lists for every page.
_CLEANERS = {True: _cleaner(True), False: _cleaner(False)}


def clean_html(html: str, imported: bool) -> str:
    return _CLEANERS[imported].clean(html)


# Letters and digits only, so no Markdown extension changes them; forked workers inherit it.
_SECRET = "vsembed" + secrets.token_hex(12)
_FENCE_RE = re.compile(r"(?:<p>)?" + _SECRET + r"(start|end)(\d+)(?:</p>)?")


def embed_fence(number: int) -> tuple[str, str]:
    """The two Markdown paragraphs that fence an imported note's content embedded in a page
    of the user's own (``number`` tells nested fences apart)."""
    return f"{_SECRET}start{number}", f"{_SECRET}end{number}"


def _clean_fenced(html: str) -> str:
    """Every fenced embed cleaned with the imported rules, the fences removed.

    Whatever the embedded content does (a stray ``</div>``, an unclosed comment, tag or
    code fence), it cannot move or forge a fence, so nothing it holds escapes the imported
    rules: the text from a start fence to its end fence (or to the end of the page, if the
    end was swallowed into something) is cleaned as one fragment.
    """
    out = []
    pos = 0
    while True:
        start = _FENCE_RE.search(html, pos)
        while start is not None and start.group(1) != "start":  # an end without its start
            out.append(html[pos:start.start()])
            pos = start.end()
            start = _FENCE_RE.search(html, pos)
        if start is None:
            out.append(html[pos:])
            return "".join(out)
        out.append(html[pos:start.start()])
        end = re.compile(r"(?:<p>)?" + _SECRET + "end" + start.group(2) + r"(?!\d)(?:</p>)?").search(html, start.end())
        stop, pos = (end.start(), end.end()) if end else (len(html), len(html))
        inner = _FENCE_RE.sub("", html[start.end():stop])  # nested fences: one set of rules for all
        out.append(clean_html(inner, True))


def clean_page(html: str, note: Note, trusted: bool = False) -> str:
    imported = is_imported(note)
    if _SECRET in html:
        html = _clean_fenced(html)
    if trusted and not imported:
        return html
    return clean_html(html, imported)
