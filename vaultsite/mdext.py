"""The Python-Markdown extension that makes a page read like Obsidian shows it.

Registered processors, each one syntax family:

* ``hashheader`` (replaced): ``#AI`` is a tag, not a heading; Obsidian, like
  CommonMark, wants a space after the hashes.
* ``vs_wikilink`` / ``vs_embed`` (inline): ``[[Note#Heading|text]]`` and
  ``![[image.png|300]]``; inline processors never see code, so code stays literal.
* ``vs_rewrite`` (tree, before MkDocs' own ``relpath``): Markdown links and
  images that name notes or attachments the Obsidian way (bare file names,
  ``%20`` names, Hugo permalinks) are pointed at the real page or file; links
  to notes not written yet become styled text; ``#tags`` in text become links
  to the tags page; ``![alt|100x50](url)`` sizes the image.
* Obsidian's own syntax (``vaultsite.mdsyntax``): callouts, ``$math$``, block
  ids, ``^[inline footnotes]``, task states, ``1)`` lists and single line breaks;
  embedded PDFs, audio and video (``vaultsite.media``).

Every target is resolved through :class:`vaultsite.links.Resolver`, the same
object that fills ``vault.json``. A link to a page (a note, a generated page, a tag)
is written with the page's final URL (``build.url_between``), which MkDocs' own
``relpath`` pass would otherwise work out again from a path to the source file, at
about 20 µs a link (2 CPU-seconds of a 5,000-note build); its target was checked by
the resolver already. It waits behind a placeholder URL with a scheme, which
``relpath`` leaves alone, and ``vs_final_hrefs``, the pass after ``relpath``, puts it
in place. Links to attachments stay paths to the source file, which MkDocs rewrites
like any hand-written link.
"""
from __future__ import annotations

import re
import secrets
import xml.etree.ElementTree as etree

from markdown.blockprocessors import HashHeaderProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from markdown import util as md_util

from . import mdsyntax
from . import tags as tags_mod
from .media import file_url_from, media_kind, media_element
from .sanitize import is_imported
from .build import url_between
from .links import Resolver, Target, heading_slugify, is_image, page_src_of, relative_href, split_wikilink

MISSING_TITLE = "아직 작성되지 않은 노트입니다"
MISSING_FILE_TITLE = "첨부 파일을 찾을 수 없습니다"
REFUSED_TITLE = "문서 폴더(docs/) 밖을 가리켜 막은 링크입니다"
SKIP_TAGS = {"a", "code", "pre", "script", "style", "h1", "h2", "h3", "h4", "h5", "h6", "kbd"}
# A one-line block shown inside a sentence: its list or quote marker and its ^id go.
_BLOCK_LINE_RE = re.compile(r"^[ \t]*(?:>[ \t]?)*(?:[-*+][ \t]+(?:\[.\][ \t]+)?|\d+[.)][ \t]+)?|[ \t]+\^[A-Za-z0-9-]+[ \t]*$")
# Obsidian's image size in the alt text: ![alt|100](url), ![alt|100x50](url), ![250](url).
_ALT_SIZE_RE = re.compile(r"^(?:(.*)\|)?[ \t]*(\d{1,5})(?:[ \t]*x[ \t]*(\d{1,5}))?[ \t]*$", re.S)
# The placeholder of a page's final URL until ``vs_final_hrefs`` (see the module), followed by
# the URL's number: a scheme, so that MkDocs' relpath leaves it alone, and a token drawn for
# this process, so that no link the user wrote can look like one (STX alone is not enough:
# Python-Markdown's own placeholders, which begin with it, can reach an href).
FINAL_HREF = f"vaultsite:{md_util.STX}{secrets.token_hex(8)}:"
# A link text no inline pattern can match: none of the characters any of them starts with or
# needs (links, images, emphasis, ^~=, escapes, HTML, code, math, line breaks, e-mail
# addresses, URLs, a repository's #123) nor Python-Markdown's placeholders (STX, ETX).
_PLAIN_LABEL = re.compile(r"[^\[\]!*_^=~\\<>&`$\n@:.#\x02\x03]*")
# The inline patterns _PLAIN_LABEL was written for (those of mkdocs.yml's extensions), by the
# name each is registered under and the module of its class: another extension's pattern,
# whatever its class, has another name (``++ins++`` of markdown-del-ins: "ins").
_KNOWN_INLINE_NAMES = {
    "backtick", "escape", "reference", "link", "image_link", "image_reference", "short_reference",
    "short_image_ref", "autolink", "automail", "linebreak", "html", "entity", "not_strong", "em_strong",
    "em_strong2", "footnote", "delimiter", "magic-link", "magic-mail", "magic-auto-link",
    "vs_block_id", "vs_embed", "vs_math", "vs_soft_break", "vs_wikilink"}
_KNOWN_INLINE = {"markdown.inlinepatterns", "markdown.extensions.footnotes", "pymdownx.betterem",
                 "pymdownx.caret", "pymdownx.mark", "pymdownx.tilde", "pymdownx.delimiterprocessor",
                 "pymdownx.inlinehilite", "pymdownx.magiclink", "vaultsite.mdsyntax", "vaultsite.mdext"}


def tag_anchor(name: str) -> str:
    """The id Material's tags plugin gives a tag on the tags page (``tags_hierarchy`` on)."""
    return "tag:" + "/".join(heading_slugify(part, "-") for part in name.split("/"))


class StrictHashHeader(HashHeaderProcessor):
    """ATX headings need a space after the hashes, as in Obsidian and CommonMark.

    A line of hashes alone (``#``) is an empty heading; ``header`` always takes part in
    the match (possibly empty), because the base class calls ``.strip()`` on it.
    """

    RE = re.compile(r"(?:^|\n)(?P<level>#{1,6})(?:[ \t]+|(?=[ \t]*#*[ \t]*(?:\n|$)))"
                    r"(?P<header>(?:\\.|[^\\])*?)[ \t]*#*[ \t]*(?:\n|$)")


class _VaultInline(InlineProcessor):
    def __init__(self, pattern: str, ext: "VaultExtension"):
        super().__init__(pattern)
        self.ext = ext


class WikiLinkProcessor(_VaultInline):
    def handleMatch(self, m, data):  # noqa: N802 (Python-Markdown API)
        if self.ext.resolver is None:
            return None, None, None
        target, text = self.ext.resolver.wikilink(m.group(1), self.ext.note)
        el = self.ext.link_element(target, text)
        if el.tag == "a" and _PLAIN_LABEL.fullmatch(text) and self._plain_text_stays():
            # Python-Markdown would run every later inline pattern over the link's text (about
            # 20 µs a link): none can match text without these characters.
            el.text = md_util.AtomicString(text)
        return el, m.start(0), m.end(0)

    def _plain_text_stays(self) -> bool:
        """Whether no inline pattern can change a ``_PLAIN_LABEL`` text: every pattern is one
        of those whose characters it excludes (another extension's may look for others), and
        no abbreviation is defined (their tree pass leaves atomic text alone)."""
        md = self.md
        known = getattr(md, "_vs_known_inline", None)
        if known is None:
            # (The registry's names: a private list of Python-Markdown's; without it, no shortcut.)
            names = [item.name for item in getattr(md.inlinePatterns, "_priority", None) or ()]
            known = md._vs_known_inline = bool(names) and set(names) <= _KNOWN_INLINE_NAMES and all(
                type(p).__module__ in _KNOWN_INLINE for p in md.inlinePatterns)
        abbr = md.treeprocessors["abbr"] if "abbr" in md.treeprocessors else None
        return known and not getattr(abbr, "abbrs", None)


class EmbedProcessor(_VaultInline):
    def handleMatch(self, m, data):  # noqa: N802
        if self.ext.resolver is None:
            return None, None, None
        target, text = self.ext.resolver.wikilink(m.group(1), self.ext.note, embed=True)
        if target.kind == "note" and "drawing" in (target.note.extra or {}):
            return self.md.htmlStash.store(self.ext.drawing_embed(target.note)), m.start(0), m.end(0)
        if target.kind == "note":
            inline = self.ext.block_in_sentence(target, m.group(1))
            if inline is not None:
                return inline, m.start(0), m.end(0)
        return self.ext.embed_element(target, text), m.start(0), m.end(0)


class _FinalHrefs(Treeprocessor):
    """After MkDocs' relpath: the placeholders of pages' URLs become the URLs (see the module)."""

    def __init__(self, md, ext: "VaultExtension"):
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        finals = self.ext.final_hrefs
        if not finals:
            return None
        cut = len(FINAL_HREF)
        for el in root.iter("a"):
            href = el.get("href")
            if href is not None and href.startswith(FINAL_HREF) and href[cut:].isdigit():
                el.set("href", finals[int(href[cut:])])
        finals.clear()
        return None


class RewriteTree:
    """Tree pass: resolve hand-written links/images and turn ``#tags`` into tag links."""

    def __init__(self, ext: "VaultExtension"):
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        ext = self.ext
        if ext.resolver is None:
            return None
        for el in list(root.iter()):
            if el.tag == "a" and "href" in el.attrib and not el.get("data-vs") \
                    and not el.get("href").startswith("#"):
                self._link(el)
            elif el.tag == "img" and "src" in el.attrib and not el.get("data-vs"):
                self._image(el)
        for el in root.iter():
            el.attrib.pop("data-vs", None)
        self._tags(root)
        return None

    def _link(self, el) -> None:
        ext = self.ext
        if el.get("href").startswith((md_util.AMP_SUBSTITUTE, "mailto:")):
            return  # <me@example.com>: Python-Markdown's (entity-encoded) mail link
        text = "".join(el.itertext())
        target = ext.resolver.href(el.get("href"), ext.note, text)
        if target.kind == "external":
            return
        if target.kind in ("note", "file", "page"):
            el.set("href", ext.href_for(target))
            if target.kind == "note":
                el.set("class", (el.get("class", "") + " vs-internal").strip())
            return
        # Missing or refused: keep the words, lose the dead link.
        el.tag = "span"
        href = el.attrib.pop("href")
        el.attrib.pop("title", None)
        el.set("class", "vs-missing")
        el.set("title", self.ext.missing_title(target, href))

    def _image(self, el) -> None:
        ext = self.ext
        alt = el.get("alt", "")
        if alt and alt[-1].isdigit():
            size = _ALT_SIZE_RE.match(alt)
            if size:
                el.set("alt", size.group(1) or "")
                el.set("width", size.group(2))
                if size.group(3):
                    el.set("height", size.group(3))
        target = ext.resolver.href(el.get("src"), ext.note, el.get("alt", ""))
        if target.kind == "external":
            return
        if target.kind == "file":
            el.set("src", ext.href_for(target))
            return
        name = target.name or el.get("src")
        el.tag = "span"
        el.attrib.clear()
        el.set("class", "vs-missing-file")
        el.set("title", ext.missing_title(target, name))
        el.text = name

    def _tags(self, el) -> None:
        """Link ``#tags`` in text, never inside links, code or headings (nor anything within them)."""
        if el.tag in SKIP_TAGS:
            return
        children = list(el)
        if el.text and "#" in el.text:
            self._split(el, None)
        for child in children:
            self._tags(child)
            if child.tail and "#" in child.tail:
                self._split(el, child)

    def _split(self, parent, child) -> None:
        """Replace ``#tag`` runs in parent.text (child None) or child.tail by links."""
        text = parent.text if child is None else child.tail
        hits = [h for h in tags_mod.find_inline_tags(text)]
        if not hits:
            return
        new_nodes = []
        lead = text[: hits[0].start]
        for i, h in enumerate(hits):
            a = etree.Element("a")
            name = self.ext.tag_display(h.name)
            a.set("href", self.ext.tag_href(name))
            a.set("class", "vs-tag")
            a.text = "#" + h.name
            nxt = hits[i + 1].start if i + 1 < len(hits) else len(text)
            a.tail = text[h.end: nxt]
            new_nodes.append(a)
        if child is None:
            parent.text = lead
            insert_at = 0
        else:
            child.tail = lead
            insert_at = list(parent).index(child) + 1
        for offset, node in enumerate(new_nodes):
            parent.insert(insert_at + offset, node)


class VaultExtension(Extension):
    """One instance per build; the hooks point it at the vault and the page being rendered."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.resolver: Resolver | None = None
        self.note = None
        self.tag_index = None
        self.tags_page = "tags.md"
        self.tag_pages: dict[str, str] = {}
        #: The final URLs of the page being converted, by placeholder number (``page_href``).
        self.final_hrefs: list[str] = []
        self.directory_urls = True

    # -- state the hooks set ---------------------------------------------------
    def bind(self, resolver: Resolver, tag_index, tags_page: str = "tags.md",
             tag_pages: dict[str, str] | None = None, directory_urls: bool = True) -> None:
        """``tag_pages``: each tag's own page (``Vault.tag_pages``); a tag without one links
        to its entry on the tags page. ``directory_urls``: MkDocs' ``use_directory_urls``."""
        self.resolver = resolver
        self.directory_urls = directory_urls
        self.tag_index = tag_index
        self.tags_page = tags_page
        self.tag_pages = tag_pages or {}

    def set_page(self, note) -> None:
        self.note = note

    # -- element builders --------------------------------------------------------
    def href_for(self, target: Target) -> str:
        if target.kind == "note":
            return self.page_href(page_src_of(target.note), target.anchor or "")
        if target.kind == "page":
            return self.page_href(target.file, target.anchor or "")
        return relative_href(target.file, self.note, target.anchor)

    def page_href(self, page_src: str, anchor: str) -> str:
        """The link to a page of the site: its final URL, behind a placeholder (see the module).
        ``url_between`` knows directory URLs only: without them (``use_directory_urls: false``)
        MkDocs' relpath makes the URL from the path to the page's source."""
        if self.note is None or not self.directory_urls:
            return relative_href(page_src, self.note, anchor)
        self.final_hrefs.append(url_between(page_src_of(self.note), page_src, anchor))
        return f"{FINAL_HREF}{len(self.final_hrefs) - 1}"

    def tag_display(self, raw: str) -> str:
        if self.tag_index is None:
            return raw
        key = self.tag_index.key(raw)
        return self.tag_index.display(key) if key else raw

    def tag_href(self, name: str) -> str:
        page = self.tag_pages.get(name)
        if page is not None:
            return self.page_href(page, "")
        return self.page_href(self.tags_page, "#" + tag_anchor(name))

    @staticmethod
    def missing_title(target: Target, fallback: str = "") -> str:
        if target.kind == "refused":
            return f"{REFUSED_TITLE}: {target.name or fallback}"
        if target.kind == "missing":
            return f"{MISSING_TITLE}: {target.name or fallback}"
        return f"{MISSING_FILE_TITLE}: {target.name or fallback}"

    def drawing_embed(self, drawing) -> str:
        """An Excalidraw drawing embedded inside a line (a sentence, a list item, a callout):
        its picture, inline (line embeds are expanded before Markdown: ``render.prepare_body``)."""
        from .labels import labels
        from .render import drawing_markup  # render imports the build, which must not import us

        return drawing_markup(self.resolver.index, drawing, page_src_of(self.note), labels(self.resolver.language),
                              tag="span")

    def link_element(self, target: Target, text: str) -> etree.Element:
        if target.kind in ("note", "file"):
            a = etree.Element("a")
            a.set("href", self.href_for(target))
            a.set("class", "vs-internal vs-wikilink" if target.kind == "note" else "vs-file")
            a.set("data-vs", "1")
            a.text = text
            return a
        span = etree.Element("span")
        span.set("class", "vs-missing")
        span.set("title", self.missing_title(target))
        span.text = text
        return span

    def embed_element(self, target: Target, text: str) -> etree.Element:
        if target.kind == "file" and is_image(target.file):
            img = etree.Element("img")
            img.set("src", relative_href(target.file, self.note))
            img.set("alt", text if text != target.file else target.file.rsplit("/", 1)[-1])
            img.set("data-vs", "1")
            img.set("loading", "lazy")
            if target.width:
                img.set("width", target.width)
            if target.height:
                img.set("height", target.height)
            return img
        if target.kind == "file":
            kind = media_kind(target.file)
            if kind is not None:
                return self.media_element(kind, target)
            a = etree.Element("a")
            a.set("href", self.href_for(target))
            a.set("class", "vs-file")
            a.set("data-vs", "1")
            name = target.file.rsplit("/", 1)[-1]
            page = re.search(r"page=(\d+)", target.anchor or "")
            a.text = f"📄 {name}" + (f" (p. {page.group(1)})" if page else "")
            return a
        if target.kind == "note":
            # Block embeds of notes are expanded before Markdown runs (render.expand_embeds);
            # one that survives to here sits inside a sentence: show it as a link.
            return self.link_element(target, text)
        span = etree.Element("span")
        span.set("class", "vs-missing" if target.kind == "missing" else "vs-missing-file")
        span.set("title", self.missing_title(target))
        span.text = target.name
        return span

    def block_in_sentence(self, target: Target, inner: str) -> etree.Element | None:
        """``… ![[Note#^id]] …`` inside a sentence: a one-line block (a paragraph or a list
        item) is shown in place, as Obsidian shows it; anything larger stays a link."""
        _, heading, _ = split_wikilink(inner)
        if not heading.startswith("^") or not target.anchor:
            return None
        from .render import section  # render imports the build, which this module must not at load

        text = section(target.note, heading).strip()
        if not text or "\n" in text or text == target.note.body.strip():
            return None
        text = _BLOCK_LINE_RE.sub("", text)
        span = etree.Element("span")
        span.set("class", "vs-embed-inline")
        span.text = text + " "
        a = etree.SubElement(span, "a")
        a.set("href", self.href_for(target))
        a.set("class", "vs-internal vs-embed-source")
        a.set("data-vs", "1")
        a.set("title", target.note.title)
        a.text = "↪"
        return span

    def media_element(self, kind: str, target: Target) -> etree.Element:
        """``![[doc.pdf#page=3]]``, ``![[talk.mp3]]``, ``![[clip.mp4]]``: a viewer or player."""
        src = file_url_from(page_src_of(self.note), target.file) if self.note else target.file
        download = relative_href(target.file, self.note)
        return media_element(kind, target.file, src, download, target.anchor or "",
                             target.width, target.height, self.label("download"))

    def label(self, key: str) -> str:
        from .labels import labels

        return labels(self.resolver.language if self.resolver is not None else None)[key]

    def math_error_title(self) -> str:
        return self.label("math_error")

    # -- what the page's note asks for -----------------------------------------------
    def soft_breaks(self) -> bool:
        """A single line break shows as a break (Obsidian notes, unless ``strictLineBreaks``)."""
        note = self.note
        if note is None or self.resolver is None:
            return False
        return self.resolver.settings.soft_breaks(note.format)

    def own_note(self) -> bool:
        """The user's own writing, not a clipping or blog copy: task states beyond ``x``
        (a blog's ``- [1] 참고`` is not a task) and ``$math$`` (a blog's "$AAPL,$TSLA" is not
        math, and clippings never keep MathML: see ``sanitize``)."""
        return self.note is None or not is_imported(self.note)

    def extendMarkdown(self, md):  # noqa: N802
        md.parser.blockprocessors.register(StrictHashHeader(md.parser), "hashheader", 70)
        # Obsidian's dialect (vaultsite.mdsyntax). Callouts just above 'quote' (20); display
        # math below 'code' (80) so indented code stays code.
        md.parser.blockprocessors.register(mdsyntax.CalloutProcessor(md.parser), "vs_callout", 21)
        md.parser.blockprocessors.register(mdsyntax.DisplayMathProcessor(md.parser, self.own_note, self.math_error_title), "vs_math_block", 75)
        md.parser.blockprocessors.register(mdsyntax.ParenOListProcessor(md.parser), "olist", 40)
        md.parser.blockprocessors.register(mdsyntax.ParenUListProcessor(md.parser), "ulist", 30)
        # After superfences has stashed fenced code (25).
        md.preprocessors.register(mdsyntax.InlineFootnotes(md), "vs_inline_footnotes", 24)
        # Inline math above 'escape' (180) so "\\" reaches the converter, below 'backtick' (190).
        md.inlinePatterns.register(mdsyntax.InlineMathProcessor(md, self.own_note, self.math_error_title), "vs_math", 187)
        block_ids = mdsyntax.BlockIdTree(md)
        md.inlinePatterns.register(mdsyntax.BlockIdProcessor(md, block_ids), "vs_block_id", 184)
        md.inlinePatterns.register(mdsyntax.SoftBreakProcessor(md, self.soft_breaks), "vs_soft_break", 5)
        md.treeprocessors.register(block_ids, "vs_block_ids", 19)
        # Before pymdownx.tasklist (25), which then finds nothing left to do.
        md.treeprocessors.register(mdsyntax.TaskStateTree(md, self.own_note), "vs_tasks", 26)
        # Above 'escape' (180) so ``\|`` inside table cells reaches the wikilink intact,
        # below 'backtick' (190) so code spans stay literal.
        embed = EmbedProcessor(r"!\[\[([^\[\]\n]+?)\]\]", self)
        embed.md = md  # drawings embedded in a line are stashed raw HTML
        md.inlinePatterns.register(embed, "vs_embed", 186)
        wikilink = WikiLinkProcessor(r"\[\[([^\[\]\n]+?)\]\]", self)
        wikilink.md = md  # (its inline patterns and abbreviations: _plain_text_stays)
        md.inlinePatterns.register(wikilink, "vs_wikilink", 185)
        rewrite = RewriteTree(self)

        class _Rewrite(Treeprocessor):
            def run(self, root):
                return rewrite.run(root)

        # After inline (20) and before MkDocs' relpath (0), which then rewrites the paths to
        # attachments (and leaves the placeholders of pages' URLs alone).
        md.treeprocessors.register(_Rewrite(md), "vs_rewrite", 3)
        md.treeprocessors.register(_FinalHrefs(md, self), "vs_final_hrefs", -1)
