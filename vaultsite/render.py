"""Page sources: what MkDocs reads for each note page and each generated page.

Notes get their clean body with ``![[Note]]``, ``![[Note#Heading]]`` and
``![[Note#^block]]`` embeds expanded in place (a framed block; a cycle stops with a
link); block ids themselves are anchored by the Markdown extension (``mdsyntax``).  Generated pages (emitters, in Quartz's sense) are rendered from the
Jinja templates in ``vaultsite/templates``; each owns one kind of page.
"""
from __future__ import annotations

import json
import html
import logging
import posixpath
import re
from urllib.parse import unquote
from collections import Counter, defaultdict
from operator import itemgetter

import yaml
from jinja2 import Environment, PackageLoader, select_autoescape

from . import canvas as canvas_mod
from . import excalidraw
from . import properties as properties_mod
from . import build as build_mod
from .digests import digest as stable_digest
from . import latest as latest_mod
from .build import (COMPANY_DIR, GENERATED, GRAPH_PAGE, HOME, PAGE_SIZE, Vault, page_url, paged_srcs, timeline_anchor,
                    timeline_pages, timeline_year_src, timeline_years, url_between)
from .labels import labels, month_short, period_label
from .links import page_src_of, plain_heading, split_wikilink
from .mdext import tag_anchor
from .parsed import WIKI_RE, parse
from . import sanitize
from .media import file_url_from as file_url  # URL of an attachment relative to a page, for raw HTML
from .model import Note, Problem
from .packed import Packed, pack, unpack
from .textutil import fold

_env = Environment(
    loader=PackageLoader("vaultsite", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=False),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_log = logging.getLogger("mkdocs.plugins.vaultsite")
# ``![[Note]]`` alone on its line, at the top level or inside a quote or callout (``> ![[Note]]``).
_EMBED_LINE_RE = re.compile(r"^(?P<quote>(?:[ \t]*>)*[ \t]?)[ \t]*!\[\[(?P<inner>[^\[\]\n]+?)\]\][ \t]*$", re.M)

#: A generated page's big pure-HTML blocks (listings of hundreds of entries) are written by
#: the templates between these two lines.  Python-Markdown would run each through two HTML
#: parsers (``md_in_html`` and MkDocs' anchor collector) only to copy it unchanged: at 5,000
#: notes that was 40 s of CPU.  :func:`lift_raw` swaps each block for a placeholder comment
#: before Markdown and :func:`put_back_raw` restores it in the page's HTML.  Only generated
#: pages (whose text is all template output, escaped) are lifted; in a note page, whose own
#: text could hold the markers, :func:`note_source` drops them.
RAW_OPEN, RAW_CLOSE = "<!--vs-raw-->", "<!--/vs-raw-->"
_RAW_RE = re.compile(r"^<!--vs-raw-->\n(.*?)\n?<!--/vs-raw-->[ \t]*$", re.M | re.S)
_RAW_MARK_RE = re.compile(r"^<!--/?vs-raw-->[ \t]*\n?", re.M)
_SLOT_RE = re.compile(r"<!--vs-slot-(\d+)-->")


def lift_raw(markdown: str) -> tuple[str, list[str]]:
    """``markdown`` with each marked raw-HTML block replaced by a placeholder, and the blocks."""
    if RAW_OPEN not in markdown:
        return markdown, []
    blocks: list[str] = []

    def slot(m: re.Match) -> str:
        blocks.append(m.group(1))
        return f"\n<!--vs-slot-{len(blocks) - 1}-->\n"

    return _RAW_RE.sub(slot, markdown), blocks


def put_back_raw(html_text: str, blocks: list[str]) -> str:
    """The page's HTML with the blocks :func:`lift_raw` took out back in their places."""
    if not blocks or not html_text:
        return html_text
    return _SLOT_RE.sub(lambda m: blocks[int(m.group(1))] if int(m.group(1)) < len(blocks) else "", html_text)


def drop_raw_marks(markdown: str) -> str:
    return _RAW_MARK_RE.sub("", markdown) if RAW_OPEN in markdown else markdown


def _by_inputs(memo: dict | None, key: tuple, inputs, build, whole: bool = False) -> str | Packed:
    """``build()``, or last build's text when ``inputs`` equal last build's.

    In ``mkdocs serve`` most generated pages (company pages, folder indexes, the timeline)
    do not change when one note is added.  Their inputs are freshly built lists and dicts
    of strings and numbers every build, never changed afterwards, so last build's can be
    kept and compared as values: far cheaper than rendering a 5,000-entry listing again,
    and no serialising.

    ``memo`` ((kind, page) -> (a digest of its inputs, text)) is ``Vault.page_memo``: the
    adapter hands each ``mkdocs serve`` build the same dict, and the build cache keeps it on
    disk (so a digest, not the inputs: small to store, and the same in every process); a
    one-off build has none.

    ``whole``: the text is a whole page, which may be given back as last build kept it,
    packed (``pack_pages``; a cached build packs its pages again anyway: inflating them all
    and deflating them again took 0.6 s at 5,000 notes); a part of a page is always a str."""
    if memo is None:
        return build()
    digest = stable_digest(inputs)
    got = memo.get(key)
    if got is not None and got[0] == digest:
        if isinstance(got[1], Packed) and not whole:  # kept packed by a one-off build
            memo[key] = (digest, got[1].text())
        return memo[key][1]
    text = build()
    memo[key] = (digest, text)
    return text


def pack_pages(pages: dict[str, str | Packed], memo: dict | None) -> dict[str, Packed | str]:
    """``pages`` (:func:`generated_pages`) packed (``vaultsite.packed``: deflated UTF-8), and
    the very same objects in ``memo`` in place of each page's text, for a one-off build to
    hold its generated pages in: a str of Korean and markup takes two bytes a character, its
    UTF-8 about one, deflated a sixth of that (83, 45 and 8 MB at 5,000 notes). ``pages`` is
    emptied as it goes and the memo's text replaced at once, so each text is let go of as soon
    as it is packed. A text UTF-8 cannot hold (a lone surrogate) stays a str; a page given
    packed (last build's, unchanged: ``_by_inputs``) is kept as it is."""
    where: dict[int, list] = {}  # id of a text in the memo -> where: (key, None) or (key, src)
    for key, value in (memo or {}).items():
        if not (isinstance(value, tuple) and len(value) == 2):
            continue
        if isinstance(value[1], str):
            where.setdefault(id(value[1]), []).append((key, None))
        elif isinstance(value[1], dict):  # ``missing_pages``: src -> text
            for sub, text in value[1].items():
                where.setdefault(id(text), []).append((key, sub))
    out: dict[str, Packed | str] = {}
    for src in list(pages):
        text = pages.pop(src)
        if isinstance(text, Packed):
            out[src] = text
            continue
        packed = out[src] = pack(text)
        for key, sub in where.pop(id(text), ()):  # (the text is alive: its id is its own)
            digest, value = memo[key]
            if sub is None and value is text:
                memo[key] = (digest, packed)
            elif sub is not None and value.get(sub) is text:
                value[sub] = packed
    return out


def _render_fresh(template: str, **context) -> str:
    return _env.get_template(template).render(**context)


def _labels(vault: Vault) -> dict:
    return labels(vault.language)


def _render(memo: dict | None, template: str, page: str, **context) -> str | Packed:
    """Render a generated page whose context is cheap to build, reusing last build's text
    (perhaps packed: see ``_by_inputs``) when the context is unchanged."""
    return _by_inputs(memo, (template, page), context, lambda: _render_fresh(template, **context), whole=True)


def _render_part(memo: dict | None, template: str, page: str, **context) -> str:
    """``_render`` for a part of a page: always a str."""
    return _by_inputs(memo, (template, page), context, lambda: _render_fresh(template, **context))


def _names_and_pages(vault: Vault) -> tuple:
    """What event and company chips show of every company: its name and its page."""
    return [(c.id, c.name) for c in vault.registry.companies()], dict(vault.company_pages)


def _names_key(vault: Vault) -> str:
    """A digest of ``_names_and_pages``, made once a build (each company page's inputs hold it)."""
    if vault.names_key is None:
        vault.names_key = stable_digest(_names_and_pages(vault))
    return vault.names_key


FOLDER_LABELS = {"notes": "노트", "clippings": "클리핑", COMPANY_DIR: "기업"}  # Korean, as before
_FOLDER_KEYS = {"notes": "folder_notes", "clippings": "folder_clippings", COMPANY_DIR: "companies"}


def folder_label(folder: str, language: str | None = "ko") -> str:
    """The name a top folder is shown under (``notes`` -> ``노트`` / ``Notes``)."""
    key = _FOLDER_KEYS.get(folder)
    return labels(language)[key] if key else posixpath.basename(folder)


def _plain_data(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_data(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain_data(v) for v in value)
    return value is None or isinstance(value, (str, bool, int))


# JSON writes a character beyond U+FFFF as two \\u escapes (a surrogate pair); YAML reads each
# alone, so such pairs are written as one \\U escape.
_SURROGATE_PAIR = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})")


def _astral(m: re.Match) -> str:
    hi, lo = int(m.group(1), 16), int(m.group(2), 16)
    return "\\U%08x" % (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))


def front_matter(meta: dict) -> str:
    """YAML front matter for a page MkDocs reads.  Plain data is written as JSON (a subset of
    YAML), ten times faster than PyYAML's emitter for every note of a build: ASCII-only
    (``\\uXXXX`` escapes, DEL escaped too), so PyYAML's reader accepts every character."""
    if _plain_data(meta):
        text = _SURROGATE_PAIR.sub(_astral, json.dumps(meta, ensure_ascii=True)).replace("\x7f", "\\u007f")
        return "---\n" + text + "\n---\n\n"
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"


# -- note pages ----------------------------------------------------------------------
def note_source(vault: Vault, note: Note, extra_body: str = "") -> str:
    """The page source MkDocs reads for ``note``: front matter (:func:`note_meta`), then
    :func:`note_body`."""
    return front_matter(note_meta(vault, note)) + _note_text(vault, note, extra_body)


def note_meta(vault: Vault, note: Note) -> dict:
    """The page's front matter (title, tags with their pages, description, cssclasses)."""
    tags = vault.note_tags.get(note.src, [])
    meta = {"title": note.title, "tags": tags}
    if tags:  # the chips link to each tag's page (overrides/partials/tags.html)
        meta["vs_tags"] = [{"name": t, "url": page_url(vault.tag_pages[t])}
                           for t in sorted(tags, key=lambda t: (fold(t), t)) if t in vault.tag_pages]
    if note.description:
        meta["description"] = note.description
    extra = note.extra or {}
    if extra.get("cssclasses"):
        meta["cssclasses"] = list(extra["cssclasses"])  # overrides/partials/content.html
    return meta


def meta_round_trips(meta: dict) -> bool:
    """Whether MkDocs reading :func:`front_matter` of ``meta`` gets ``meta`` back exactly
    (plain data is written as JSON): then a page may be given the dict instead."""
    return _plain_data(meta)


def note_body(vault: Vault, note: Note, extra_body: str = "") -> str:
    """The page's Markdown as MkDocs has it once it has read the front matter off."""
    return _note_text(vault, note, extra_body).lstrip("\n")


def _note_text(vault: Vault, note: Note, extra_body: str) -> str:
    extra = note.extra or {}
    if extra.get("canvas") is not None:
        body = canvas_mod.render(vault, note, _labels(vault))
    else:
        body = prepare_body(vault, note, [note.src])
        if extra.get("drawing") is not None:
            body = drawing_html(vault, note, note) + "\n\n" + body
    if extra.get("properties"):
        body = properties_html(vault, note) + "\n\n" + body
    extra_body = drop_raw_marks(extra_body)  # a note page is not lifted (lift_raw)
    return body + ("\n\n" + extra_body if extra_body else "") + "\n"


def drawing_html(vault: Vault, drawing: Note, origin: Note) -> str:
    """The picture of a drawing, as raw HTML for the page of ``origin`` (the drawing itself or
    a note that embeds it): its exported image when the vault has one, else its own SVG."""
    return drawing_markup(vault.index, drawing, page_src_of(origin), _labels(vault))


def drawing_markup(index, drawing: Note, here: str, L: dict, tag: str = "figure") -> str:
    """``drawing_html`` from the index alone (the Markdown extension has no vault): ``tag``
    ``span`` for a drawing embedded inside a paragraph, a list item or a callout line."""
    exported = excalidraw.exported_image(drawing.src, index.attachments)
    if exported:
        return (f'<{tag} class="vs-drawing"><img src="{_esc(file_url(here, exported))}" '
                f'alt="{_esc(L["drawing"])}: {_esc(drawing.title)}" loading="lazy"></{tag}>')
    svg = (drawing.extra.get("drawing") or {}).get("svg")
    if not svg:
        return f'<span class="vs-drawing vs-drawing--empty">{_esc(L["drawing_empty"])}</span>'

    pictures = []
    for img in drawing.extra["drawing"].get("images") or ():
        src = img["src"]
        if src.startswith(excalidraw.FILE_PLACEHOLDER):
            found = index.find_file(unquote(src[len(excalidraw.FILE_PLACEHOLDER):]), drawing)
            if not found:
                continue
            src = file_url(here, found)
        pictures.append(f'<img src="{_esc(src)}" alt="" loading="lazy" style="left:{img["left"]}%;top:{img["top"]}%;'
                        f'width:{img["width"]}%;height:{img["height"]}%">')
    return (f'<{tag} class="vs-drawing" aria-label="{_esc(L["drawing"])}: {_esc(drawing.title)}">'
            f'<span class="vs-drawing-board">{svg}{"".join(pictures)}</span></{tag}>')


def properties_html(vault: Vault, note: Note) -> str:
    """The properties table under the title (``templates/properties.html.j2``)."""
    here = page_src_of(note)
    rows = []
    for key, value in note.extra["properties"].items():
        kind = properties_mod.kind(value)
        row = {"key": key, "kind": kind, "value": value, "items": []}
        if kind == "number" and isinstance(value, float):
            row["value"] = repr(value)
        if kind in ("list", "link", "url", "text"):
            values = value if isinstance(value, list) else [value]
            row["items"] = [_prop_pieces(vault, note, here, v) for v in values if v is not None]
        rows.append(row)
    text = _env.get_template("properties.html.j2").render(rows=rows, L=_labels(vault))
    return "\n".join(line for line in text.splitlines() if line.strip())  # one raw HTML block


def _prop_pieces(vault: Vault, note: Note, here: str, value) -> list[dict]:
    if isinstance(value, (dict, list)):
        return [{"text": json.dumps(value, ensure_ascii=False)}]
    if isinstance(value, bool):
        return [{"text": "true" if value else "false"}]
    s = str(value)
    if properties_mod.kind(s) == "url":
        return [{"text": s, "href": s if "://" in s else "https:" + s, "external": True, "cls": "vs-external"}]
    pieces: list[dict] = []
    last = 0
    for m in WIKI_RE.finditer(s):
        if m.start() > last:
            pieces.append({"text": s[last:m.start()]})
        target, text = vault.resolver.wikilink(m.group(2), note)
        if target.kind == "note":
            pieces.append({"text": text, "href": url_between(here, page_src_of(target.note), target.anchor),
                           "cls": "vs-internal"})
        elif target.kind == "file":
            pieces.append({"text": text, "href": file_url(here, target.file), "cls": "vs-file"})
        else:
            pieces.append({"text": text, "missing": True})
        last = m.end()
    if last < len(s):
        pieces.append({"text": s[last:]})
    return pieces


def section(note: Note, heading: str) -> str:
    """The part of ``note.body`` under ``heading`` (to the next heading of the same or higher level)."""
    parsed = parse(note.body)
    want = fold(heading.split("#")[-1])
    heads = parsed.headings
    for i, h in enumerate(heads):
        # The same reading of a heading as the anchors use (links.plain_heading).
        if fold(plain_heading(h.text)) == want:
            end = len(note.body)
            for n in heads[i + 1:]:
                if n.level <= h.level:
                    end = n.start
                    break
            return note.body[h.end:end].strip("\n")
    if heading.startswith("^"):
        for start, end, bid in parsed.block_ids:
            if bid.casefold() == heading[1:].casefold():
                return block_at(note.body, parsed.code, start, end)
    return note.body


_LIST_ITEM_RE = re.compile(r"[ \t]*(?:[-*+]|\d+[.)])[ \t]")


def block_at(body: str, masked: str, id_start: int, id_end: int) -> str:
    """The block a ``^id`` (at ``masked[id_start:id_end]``, a ``ParsedNote.block_ids`` span)
    names, for ``![[Note#^id]]``.

    On its own line, the id names the block before it (a list, quote, callout, table:
    everything back to the blank line before that block); at the end of a list item, that
    item and the lines indented under it; at the end of a paragraph, the paragraph."""
    line_start = masked.rfind("\n", 0, id_start) + 1
    if id_start == line_start:  # alone on its line
        end = line_start
        while end > 0 and masked[end - 1] == "\n" and masked.rfind("\n", 0, end - 1) == end - 2:
            end -= 1  # the blank line(s) between the block and its id
        start = masked.rfind("\n\n", 0, max(end - 1, 0))
        start = 0 if start < 0 else start + 2
        return body[start:end].strip("\n") + "\n\n" + body[line_start:id_end].strip()
    line = masked[line_start:id_end]
    if _LIST_ITEM_RE.match(line):
        indent = len(line) - len(line.lstrip())
        end = id_end
        while True:  # the item's own sub-items and continuation lines
            nxt = masked.find("\n", end + 1)
            nxt = len(masked) if nxt < 0 else nxt
            text = masked[end + 1:nxt]
            if end >= len(masked) or not text.strip() or len(text) - len(text.lstrip()) <= indent:
                break
            end = nxt
        return body[line_start:end].strip()
    start = masked.rfind("\n\n", 0, id_start)
    return body[(0 if start < 0 else start + 2):id_end].strip()


#: What one page may take in through embeds (``![[note]]``, nested ones included): past
#: either, further embeds are shown as links and the page gets one problem.  Obsidian's own
#: limit is depth; forty lines of ``![[next]]`` four levels deep are 2.56 million copies.
MAX_EMBEDS_PER_PAGE = 1000
MAX_EMBED_CHARS_PER_PAGE = 1_000_000


class _EmbedBudget:
    def __init__(self) -> None:
        self.embeds = 0
        self.chars = 0
        self.hit = False
        self.fences = 0


def prepare_body(vault: Vault, note: Note, stack: list[str], origin: Note | None = None,
                 budget: _EmbedBudget | None = None) -> str:
    """The note's body with line embeds of notes expanded (block ids are the Markdown
    extension's), inside quotes and callouts too.

    An imported note (a clipping) embedded in the user's own note is fenced so that the page
    sanitiser cleans it by the imported rules (``sanitize.embed_fence``); the embeds of one
    page are capped (``MAX_EMBEDS_PER_PAGE``, ``MAX_EMBED_CHARS_PER_PAGE``)."""
    origin = origin or note
    if budget is None:
        budget = _EmbedBudget()
    body = note.body
    if "![[" not in body:  # no embed to expand: most notes
        return body
    parsed = parse(body)
    masked = parsed.code
    pieces = []
    last = 0
    for m in _EMBED_LINE_RE.finditer(masked):
        inner = body[m.start("inner"):m.end("inner")]
        target, text = vault.resolver.wikilink(inner, note, embed=True)
        if target.kind != "note":
            continue
        quote = m.group("quote") if ">" in m.group("quote") else ""
        if quote and (target.note.extra or {}).get("drawing") is not None:
            continue  # raw HTML cannot sit in a quote: the inline embed shows the drawing
        pieces.append(body[last:m.start()])
        name, heading, _ = split_wikilink(inner)
        href = url_between(page_src_of(origin), page_src_of(target.note), target.anchor)
        # A block embed is titled by its note alone: a ^block-id is never shown.
        title = target.note.title + (f" › {heading}" if heading and not heading.startswith("^") else "")
        if (target.note.extra or {}).get("drawing") is not None:
            pieces.append(drawing_html(vault, target.note, origin))
            last = m.end()
            continue
        sub = target.note
        inner_md = None
        # A cycle, or a canvas (a board, not a passage): a link to it.
        if not (target.note.src in stack or len(stack) > 4 or (target.note.extra or {}).get("canvas") is not None):
            inner_md = section(sub, heading) if heading else sub.body
            if (budget.embeds >= MAX_EMBEDS_PER_PAGE
                    or budget.chars + len(inner_md) > MAX_EMBED_CHARS_PER_PAGE):
                inner_md = None
                if not budget.hit:
                    budget.hit = True
                    vault.problems.append(Problem(origin.src, (
                        f"embeds more than {MAX_EMBEDS_PER_PAGE:,} notes or "
                        f"{MAX_EMBED_CHARS_PER_PAGE // 1_000_000} MB of text (nested embeds included); "
                        f"the rest are shown as links")))
                    _log.warning("vaultsite: %s: embeds too much; the rest are shown as links", origin.src)
            else:
                budget.embeds += 1
                budget.chars += len(inner_md)
        if quote:
            content = None
            if inner_md is not None:
                content = prepare_body(vault, Note(src=sub.src, title=sub.title, body=inner_md, format=sub.format,
                                                   page_src=sub.page_src, url=sub.url),
                                       stack + [sub.src], origin, budget)
                if sanitize.is_imported(sub) and not sanitize.is_imported(note):
                    budget.fences += 1
                    start, end = sanitize.embed_fence(budget.fences)
                    content = f"{start}\n\n{content}\n\n{end}"
            pieces.append(_quoted_embed(quote, href, title, content))
        elif inner_md is None:
            pieces.append(f'<div class="vs-embed vs-embed-cycle">\n'
                          f'<p class="vs-embed-title"><a class="vs-internal" href="{href}">↪ {_esc(title)}</a></p>\n</div>')
        else:
            inner_note = Note(src=sub.src, title=sub.title, body=inner_md, format=sub.format,
                              page_src=sub.page_src, url=sub.url)
            content = prepare_body(vault, inner_note, stack + [sub.src], origin, budget)
            if sanitize.is_imported(sub) and not sanitize.is_imported(note):
                budget.fences += 1
                start, end = sanitize.embed_fence(budget.fences)
                content = f"{start}\n\n{content}\n\n{end}"
            pieces.append(
                f'<div class="vs-embed" markdown="1">\n'
                f'<p class="vs-embed-title"><a class="vs-internal" href="{href}">{_esc(title)}</a></p>\n\n'
                f"{content}\n\n</div>"
            )
        last = m.end()
    if not last:  # only images and files embedded: the body as it is
        return body
    pieces.append(body[last:])
    return "".join(pieces)


def _quoted_embed(quote: str, href: str, title: str, content: str | None) -> str:
    """An embed inside a quote or callout: raw HTML does not work there, so the embed is a
    nested callout of the private type ``vs-embed`` (``mdsyntax.CalloutProcessor`` draws it
    like the top-level embed frame), every line of it quoted one level deeper."""
    inner = quote.rstrip() + ">"
    link = f'<a class="vs-internal" href="{_esc(href)}">{"↪ " if content is None else ""}{_esc(title)}</a>'
    lines = [quote.rstrip(), f"{inner} [!vs-embed] {link}"]
    for line in (content or "").strip("\n").split("\n") if content else []:
        lines.append(f"{inner} {line}" if line.strip() else inner)
    lines.append(quote.rstrip())
    return "\n".join(lines)



def _esc(s: str) -> str:
    return html.escape(s, quote=True)


# -- generated pages -----------------------------------------------------------------
_rel = url_between


def _period_label(date: str, language: str | None = "ko") -> str:
    return period_label(date, language)


#: A pager of more pages than this shows the first and last pages and those near the current
#: one (a 20,000-note folder would otherwise put 100 links above and below its listing).
PAGER_WINDOW = 11


def _pager(srcs: list[str], here: int) -> list[dict]:
    """Links to the pages of a paginated listing, from page ``here`` (0-based): all of them, or
    for a long listing the first, the last and the three either side of ``here``, a gap
    (``{"gap": True}``) where pages are left out."""
    if len(srcs) < 2:
        return []
    keep = range(len(srcs))
    if len(srcs) > PAGER_WINDOW:
        keep = sorted({0, len(srcs) - 1} | set(range(max(0, here - 3), min(len(srcs), here + 4))))
    out: list[dict] = []
    for i in keep:
        if out and i - out[-1]["n"] > 0:
            out.append({"gap": True})
        out.append({"n": i + 1, "href": _rel(srcs[here], srcs[i]), "current": i == here})
    return out


def _paginate(memo: dict | None, template: str, srcs: list[str], items: list[dict], href_key: str | None,
              view=None, views=None, skip=frozenset(), start: int = 0, row=None, **context) -> dict[str, str]:
    """A listing over ``srcs`` (``build.paged_srcs``), ``PAGE_SIZE`` entries a page; each entry's
    ``href_key`` holds the target page src, made relative to the page it lands on (or
    ``view(entry, page src)`` makes the entry, or ``views(entries, page src)`` makes a page's
    entries at once); a callable in ``context`` is called with the page's src.  The pages
    before ``start`` and those in ``skip`` are not made.  ``row(entry)``: what of an entry the
    page shows, compared in its place to tell whether the page changed."""
    out = {}
    for i, src in enumerate(srcs):
        if i < start or src in skip:
            continue
        chunk = items[i * PAGE_SIZE:(i + 1) * PAGE_SIZE]
        ctx = {k: (v(src) if callable(v) else v) for k, v in context.items()}

        def build(src=src, chunk=chunk, i=i, ctx=ctx) -> str:
            if views is not None:
                entries = views(chunk, src)
            else:
                entries = [view(n, src) if view else {**n, "href": _rel(src, n[href_key])} for n in chunk]
            return _render_fresh(template, page_no=i + 1, pages=len(srcs), pager=_pager(srcs, i),
                                 first=i * PAGE_SIZE + 1, notes=entries, **ctx)

        # The entries' links follow from the raw entries and the page: compared first, made
        # only for a page that changed (a serve rebuild or a cached build).  ``views`` is a
        # function of the raw entries and the page too.
        compared = chunk if row is None else [row(n) for n in chunk]
        out[src] = _by_inputs(memo if view is None else None, (template, src), (compared, srcs, ctx), build, whole=True)
    return out


def folder_pages(vault: Vault, existing: set[str]) -> dict[str, str]:
    """An index page for every folder that holds notes, listing its notes (newest first,
    ``PAGE_SIZE`` a page) and subfolders."""
    children: dict[str, set[str]] = defaultdict(set)
    notes_in: dict[str, list[Note]] = defaultdict(list)
    for note in vault.notes:
        folder = posixpath.dirname(note.page_src)
        if posixpath.basename(note.page_src) in ("index.md", "README.md"):
            continue
        notes_in[folder].append(note)
        while folder:
            parent = posixpath.dirname(folder)
            children[parent].add(folder)
            folder = parent
    out = {}
    for folder in sorted(set(notes_in) | set(children)):
        if not folder:
            continue
        src = f"{folder}/index.md"
        if src in existing or f"{folder}/README.md" in existing:
            continue
        if folder == COMPANY_DIR:
            continue  # the companies emitter owns companies/index.md
        items = sorted(notes_in.get(folder, []), key=lambda n: (n.date or "", n.title), reverse=True)
        subfolders = sorted(children.get(folder, ()))
        out.update(_paginate(vault.page_memo, "folder.md.j2", paged_srcs(src, len(items)),
            [{"title": n.title, "page_src": n.page_src, "date": n.date, "author": n.author} for n in items],
            "page_src",
            title=folder_label(folder, vault.language),
            folder=folder, total=len(items), L=_labels(vault),
            index_href=lambda here, src=src: _rel(here, src),
            subfolders=lambda here, subs=subfolders: [{"name": posixpath.basename(f), "href": _rel(here, f + "/index.md")} for f in subs],
        ))
    return out


def _tag_tree(vault: Vault, src: str) -> list[dict]:
    """Every tag as a tree (``a/b`` under ``a``), with its note count and its page."""
    roots: list[dict] = []
    nodes: dict[str, dict] = {}
    for name, notes in vault.tag_index.tags() if vault.tag_index else []:
        node = {"name": name, "leaf": name.rsplit("/", 1)[-1], "count": len(notes), "anchor": tag_anchor(name),
                "href": _rel(src, vault.tag_pages[name]), "children": []}
        nodes[fold(name)] = node
        parent = nodes.get(fold(name.rsplit("/", 1)[0])) if "/" in name else None
        (parent["children"] if parent else roots).append(node)
    return roots


def tags_page(vault: Vault, src: str = GENERATED["tags"]) -> str:
    """The tags index: every tag with its note count, nested tags under their parent, each
    linking to the tag's own page (``tag_pages``).  Each entry keeps the id Material's tags
    listing gave it (``tag:…``), so old links to ``tags/#tag:…`` still land on the tag."""
    tree = _tag_tree(vault, src)
    return _render(vault.page_memo, "tags.md.j2", src, tree=tree, L=_labels(vault),
                   count=len(vault.tag_index.tags()) if vault.tag_index else 0)


def tag_pages(vault: Vault, existing: set[str]) -> dict[str, str]:
    """A page per tag (``build.tag_page_srcs``): its notes newest first (a note tagged
    ``a/b`` is listed under ``a`` too), links to its parent and its nested tags."""
    if vault.tag_index is None:
        return {}
    out: dict[str, str] = {}
    rows = vault.tag_index.tags()
    names = {fold(name): name for name, _ in rows}
    children: dict[str, list[str]] = defaultdict(list)
    for name, _ in rows:
        if "/" in name and fold(name.rsplit("/", 1)[0]) in names:
            children[fold(name.rsplit("/", 1)[0])].append(name)
    for name, keys in rows:
        first = vault.tag_pages[name]
        if first in existing:
            continue
        notes = [vault.index.notes[k] for k in keys if k in vault.index.notes]
        notes.sort(key=lambda n: (n.date or "", n.title), reverse=True)
        parent = names.get(fold(name.rsplit("/", 1)[0])) if "/" in name else None
        kids = children.get(fold(name), [])
        out.update(_paginate(vault.page_memo, "tag.md.j2", paged_srcs(first, len(notes)),
            [{"title": n.title, "page_src": n.page_src, "date": n.date} for n in notes], "page_src",
            name=name, total=len(notes), anchor=tag_anchor(name), L=_labels(vault),
            index_href=lambda here: _rel(here, GENERATED["tags"]),
            first_href=lambda here, first=first: _rel(here, first),
            parent=lambda here, parent=parent: {"name": parent, "href": _rel(here, vault.tag_pages[parent])} if parent else None,
            children=lambda here, kids=kids: [{"name": k, "href": _rel(here, vault.tag_pages[k])} for k in kids],
        ))
    return out


def _event_view(vault: Vault, e: dict, from_src: str) -> dict:
    note = vault.by_url.get(e["note"])
    page_src = note.page_src if note else None
    href = _rel(from_src, page_src, ("#" + e["anchor"]) if e.get("anchor") else "") if page_src else None
    return {**e, "href": href,
            "company_chips": [{"id": c, "name": vault.registry.get(c).name if vault.registry.get(c) else c,
                               "href": _rel(from_src, vault.company_pages[c]) if c in vault.company_pages else None}
                              for c in e.get("companies", [])]}


def _company_name(vault: Vault, cid: str) -> str:
    company = vault.registry.get(cid)
    return company.name if company else cid


def _timeline_layout(vault: Vault) -> list:
    return vault.timeline if vault.timeline or not vault.events else timeline_pages(vault.events)


def _month_pages(layout: list) -> dict[tuple[str, str], str]:
    """(year, month anchor) -> the src of the timeline page where that month begins."""
    return {(p.year, m): p.src for p in layout for m in p.months}


def timeline_page(vault: Vault, src: str = GENERATED["timeline"]) -> str:
    """The timeline's index: its years, newest first, with their counts and months (each
    month links to the page of its year where it begins)."""
    starts = _month_pages(_timeline_layout(vault))
    years = []
    for year in timeline_years(vault.events):
        years.append({"year": year, "facts": 0, "notes": 0, "months": [],
                      "href": _rel(src, timeline_year_src(year))})
    by_year = {y["year"]: y for y in years}
    for e in vault.events:
        y = by_year[e["date"][:4]]
        y["facts" if e["kind"] == "fact" else "notes"] += 1
        if len(e["date"]) >= 7 and (not y["months"] or y["months"][-1]["month"] != e["date"][:7]):
            anchor = timeline_anchor(e["date"])
            y["months"].append({"month": e["date"][:7], "label": month_short(e["date"], vault.language),
                                "href": _rel(src, starts[(y["year"], anchor)], "#" + anchor)})
    return _render(vault.page_memo, "timeline.md.j2", src, years=years, L=_labels(vault),
                   facts=sum(y["facts"] for y in years))


def timeline_year_pages(vault: Vault, existing: set[str]) -> dict[str, str]:
    """The timeline's pages (``build.timeline_pages``): a year a page, a big year over several
    (at most ``TIMELINE_PAGE_SIZE`` events each, by whole months).  Each has the year's month
    index (every month of the year, linking to the page it begins on), the pager of the year's
    pages, and the company and tag filters with every choice of the whole year (their choice
    rides in the URL's query, so it holds from page to page and year to year)."""
    layout = _timeline_layout(vault)
    years = timeline_years(vault.events)
    names = _names_and_pages(vault)
    parts: dict[str, list] = defaultdict(list)
    for p in layout:
        parts[p.year].append(p)
    out = {}
    for i, year in enumerate(years):
        pages = parts[year]
        events = vault.events[pages[0].start:pages[-1].end]
        nav = {"newer": years[i - 1] if i > 0 else None, "older": years[i + 1] if i + 1 < len(years) else None}
        cuts = [(p.start, p.end, p.months) for p in pages]
        # Every page of a year reads the whole year: its inputs digested once, not once a page.
        inputs = (events, cuts, years, names, vault.language)
        if vault.page_memo is not None and len(pages) > 1:
            inputs = stable_digest(inputs)
        for p in pages:
            if p.src in existing:
                continue
            out[p.src] = _by_inputs(vault.page_memo, ("timeline-year", p.src), inputs,
                                    lambda p=p: _timeline_year(vault, p, pages, years, nav), whole=True)
    return out


def _timeline_year(vault: Vault, page, pages: list, years: list[str], nav: dict) -> str:
    src, year = page.src, page.year
    year_events = vault.events[pages[0].start:pages[-1].end]
    groups: list[dict] = []
    for e in vault.events[page.start:page.end]:
        label = _period_label(e["date"], vault.language)
        if not groups or groups[-1]["label"] != label:
            groups.append({"label": label, "year": year, "id": timeline_anchor(e["date"]), "events": []})
        groups[-1]["events"].append(_event_view(vault, e, src))
    # the month index: every month of the year, with its count, on whichever page it begins
    months: list[dict] = []
    starts = _month_pages(pages)
    for e in year_events:
        anchor = timeline_anchor(e["date"])
        if not months or months[-1]["id"] != anchor:
            target = starts[(year, anchor)]
            months.append({"id": anchor, "label": _period_label(e["date"], vault.language), "count": 0,
                           "href": ("" if target == src else _rel(src, target)) + "#" + anchor})
        months[-1]["count"] += 1
    companies = sorted({c for e in year_events for c in e.get("companies", [])},
                       key=lambda c: _company_name(vault, c).casefold())
    tags = sorted({t for e in year_events for t in e.get("tags", [])}, key=str.casefold)
    year_links = [{"year": y, "href": _rel(src, timeline_year_src(y)), "current": y == year} for y in years]
    return _render_fresh("timeline_year.md.j2",
        year=year, groups=groups, years=year_links, months=months,
        pager=_pager([p.src for p in pages], page.part), pager_class="vs-year-link",
        page_no=page.part + 1, pages=len(pages),
        first=page.start - pages[0].start + 1, last=page.end - pages[0].start,
        index_href=_rel(src, GENERATED["timeline"]),
        newer={"year": nav["newer"], "href": _rel(src, timeline_year_src(nav["newer"]))} if nav["newer"] else None,
        older={"year": nav["older"], "href": _rel(src, timeline_year_src(nav["older"]))} if nav["older"] else None,
        facts=sum(1 for e in year_events if e["kind"] == "fact"),
        companies=[{"id": c, "name": _company_name(vault, c)} for c in companies],
        tags=tags, L=_labels(vault),
    )


def company_rows(vault: Vault) -> list[dict]:
    rows = []
    for company in vault.registry.companies():
        notes = vault.company_notes.get(company.id, [])
        if company.id not in vault.company_pages:
            continue
        dates = sorted(d for d in (n.get("date") for n in notes) if d)
        ev_dates = [e["date"] for e in vault.events_by_company.get(company.id, [])]
        mentions = dates + ev_dates
        rows.append({
            "id": company.id, "name": company.name, "tickers": company.tickers,
            "discovered": company.discovered, "count": len(notes),
            "exchange": company.exchange, "evidence": company.evidence, "evidence_src": company.evidence_src,
            "first": min(mentions) if mentions else None, "last": max(mentions) if mentions else None,
            "page": vault.company_pages[company.id],
        })
    rows.sort(key=lambda r: (-r["count"], r["name"].casefold()))
    return rows


def companies_page(vault: Vault) -> str:
    """The companies index: the registry's companies in a table, and below it the companies
    found in the notes (discovered), each with the sentence that named it, so the user can
    add it to the registry or put it on the ignore list."""
    src = GENERATED["companies"]
    rows = company_rows(vault)
    for r in rows:
        r["href"] = _rel(src, r["page"])
        note = vault.index.notes.get(r["evidence_src"]) if r["evidence_src"] else None
        r["evidence_href"] = _rel(src, note.page_src) if note else None
        r["evidence_title"] = note.title if note else None
    known = [r for r in rows if not r["discovered"]]
    found = sorted((r for r in rows if r["discovered"]), key=lambda r: r["name"].casefold())
    return _render(vault.page_memo, "companies.md.j2", src, rows=known, found=found, L=_labels(vault))


def company_section(vault: Vault, company_id: str, src: str) -> str:
    """The generated part of a company's page, reused in ``mkdocs serve`` when its inputs are
    unchanged: they are compared before the listing (thousands of entries for a company
    every note mentions) is even assembled."""
    company = vault.registry.get(company_id)
    listed = [n["row"] for n in vault.company_notes.get(company_id, [])]
    inputs = (
        company.name, tuple(company.aliases), tuple(company.tickers), tuple(company.exact),
        company.exchange, company.country, company.discovered, company.evidence, listed,
        vault.events_by_company.get(company_id, []), _names_key(vault), vault.language,
    )
    return _by_inputs(vault.page_memo, ("company", company_id, src), inputs,
                      lambda: _company_section(vault, company, company_id, src))


#: What a company's page shows of one note, as two digests made in ``build._companies``: the
#: note (its page, title, date and the companies it names) and its sentences naming the
#: company (made once when the note was read).  Compared in place of the entries, thousands
#: of them on the page of a company every note names.
_mention_row = itemgetter("row")


#: The most mention sentences one company page (or one further page of its notes) quotes:
#: past it, notes are listed with their mention counts only.  Each note quotes at most
#: ``build.MENTIONS_PER_NOTE`` sentences.
MENTION_SENTENCES_PER_PAGE = 250


def _mention_views(entries: list[dict], here: str, hrefs: dict | None = None) -> list[dict]:
    """A company's notes as a page lists them: each with its mention count and its sentences
    (``{"text", "linked"}``), within ``MENTION_SENTENCES_PER_PAGE`` for the page."""
    budget = MENTION_SENTENCES_PER_PAGE
    out = []
    for n in entries:
        quotes = [{"text": t, "linked": linked} for t, linked in n.get("mentions", ())[:max(budget, 0)] if t]
        budget -= len(quotes)
        href = _rel(here, n["page_src"])
        out.append({"title": n["title"], "date": n["date"], "href": href, "count": n.get("count", 0),
                    "linked": n.get("linked", 0), "quotes": quotes,
                    "unquoted": len(n.get("mentions", ())) - len(quotes)})
    return out


def _company_section(vault: Vault, company, company_id: str, src: str) -> str:
    notes = sorted(vault.company_notes.get(company_id, []), key=lambda n: (n.get("date") or "", n["title"]), reverse=True)
    listed = [n for n in notes if n["page_src"] != src]
    note_views = _mention_views(listed[:PAGE_SIZE], src)
    srcs = paged_srcs(src, len(listed))
    events = [_event_view(vault, e, src) for e in vault.events_by_company.get(company_id, [])]
    co = Counter()
    for n in notes:
        for other in vault.note_companies.get(n["src"], []):
            if other != company_id:
                co[other] += 1
    related = [{"name": vault.registry.get(c).name, "count": k,
                "href": _rel(src, vault.company_pages[c]) if c in vault.company_pages else None}
               for c, k in co.most_common(12)]
    return _render_fresh("company.md.j2",
        company=company, notes=note_views, events=events, related=related,
        aliases=[a for a in company.aliases if a != company.name][:12], L=_labels(vault),
        total=len(listed), pages=len(srcs), pager=_pager(srcs, 0),
    )


def company_note_pages(vault: Vault, existing: set[str]) -> dict[str, str]:
    """The rest of a company's listing of notes when it has more than ``PAGE_SIZE``
    (``companies/<id>/page/2.md``, ...); its page holds the first ``PAGE_SIZE``."""
    out: dict[str, str] = {}
    memo = vault.page_memo
    for cid, src in vault.company_pages.items():
        srcs = build_mod.company_note_srcs(vault, cid)
        if len(srcs) < 2:
            continue
        company = vault.registry.get(cid)
        notes = vault.company_notes.get(cid, [])
        # A company's listing unchanged as a whole (most companies when one note changes):
        # its pages are last build's, not compared page by page.
        whole = None
        if memo is not None:
            whole = stable_digest(([n["row"] for n in notes], srcs, company.name, vault.language))
            got = memo.get(("company_notes", cid))
            kept = [memo.get(("company_notes.md.j2", s)) for s in srcs[1:]]
            if got is not None and got[0] == whole and all(kept):
                out.update((s, k[1]) for s, k in zip(srcs[1:], kept) if s not in existing)
                continue
            # Made again below; until all its pages are in the memo, no whole-listing entry
            # may vouch for them.
            memo.pop(("company_notes", cid), None)
        notes = sorted(notes, key=lambda n: (n.get("date") or "", n["title"]), reverse=True)
        listed = [n for n in notes if n["page_src"] != src]
        pages = _paginate(memo, "company_notes.md.j2", srcs, listed, "page_src",
                          views=_mention_views, skip=existing, start=1, row=_mention_row,
                          name=company.name, total=len(listed), L=_labels(vault), company_href=lambda here, src=src: _rel(here, src))
        out.update(pages)
        if memo is not None and not existing.intersection(srcs[1:]):  # every page made just now
            memo[("company_notes", cid)] = (whole, None)
    return out


def company_page(vault: Vault, company_id: str) -> str:
    src = vault.company_pages[company_id]
    company = vault.registry.get(company_id)
    meta = {"title": company.name}
    return front_matter(meta) + company_section(vault, company_id, src)


def missing_page(vault: Vault, src: str = GENERATED["missing"]) -> str:
    """The first page of the missing-notes listing (``missing_pages`` has them all)."""
    return unpack(missing_pages(vault, src)[src])


def missing_pages(vault: Vault, src: str = GENERATED["missing"]) -> dict[str, str]:
    """Notes linked to but not written yet, ``PAGE_SIZE`` a page (``missing.md``, then
    ``missing/page/2.md``, ...)."""
    linking = {}  # the notes that name a missing note, as the page shows them
    for entry in vault.missing.values():
        for url in entry["from"]:
            note = vault.by_url.get(url)
            linking[url] = (note.title, note.page_src) if note else None
    inputs = (vault.missing, linking, vault.language)
    memo = vault.page_memo
    if memo is None:
        return _missing(vault, src)
    digest = stable_digest(inputs)
    got = memo.get(("missing", src))
    if got is not None and got[0] == digest:
        return dict(got[1])  # (pages perhaps packed: see ``_by_inputs``)
    pages = _missing(vault, src)
    memo[("missing", src)] = (digest, pages)
    return pages


def _missing(vault: Vault, src: str) -> dict[str, str]:
    rows = []
    for entry in vault.missing.values():
        froms = []
        for url in entry["from"]:
            note = vault.by_url.get(url)
            if note:
                froms.append({"title": note.title, "page_src": note.page_src})
        m = re.match(r"(\d{4}-\d{2}-\d{2})", entry["target"])
        rows.append({"name": entry["target"], "count": entry["count"], "from": froms, "date": m.group(1) if m else None})
    dated = sorted((r for r in rows if r["date"]), key=lambda r: (r["date"], r["name"]), reverse=True)
    undated = sorted((r for r in rows if not r["date"]), key=lambda r: (-r["count"], r["name"]))
    rows = dated + undated

    def view(row: dict, here: str) -> dict:
        return {**row, "from": [{"title": f["title"], "href": _rel(here, f["page_src"])} for f in row["from"]]}

    return _paginate(None, "missing.md.j2", paged_srcs(src, len(rows)), rows, None, view=view, total=len(rows),
                     L=_labels(vault))


def generated_pages(vault: Vault, existing: set[str]) -> dict[str, str | Packed]:
    """Every page the emitters own, keyed by MkDocs src path; a user's own file always wins.
    A page unchanged since a build that kept it packed comes packed (``_by_inputs``)."""
    pages: dict[str, str] = {}
    pages.update(folder_pages(vault, existing))
    if GENERATED["tags"] not in existing:
        pages[GENERATED["tags"]] = tags_page(vault)
    pages.update(tag_pages(vault, existing))
    if GENERATED["timeline"] not in existing:
        pages[GENERATED["timeline"]] = timeline_page(vault)
    pages.update(timeline_year_pages(vault, existing))
    if GENERATED["companies"] not in existing:
        pages[GENERATED["companies"]] = companies_page(vault)
    if GENERATED["missing"] not in existing:
        pages.update(missing_pages(vault))
    for cid, src in vault.company_pages.items():
        if src not in existing:
            pages[src] = company_page(vault, cid)
    if vault.generated_home and HOME not in existing and "README.md" not in existing:
        pages[HOME] = home_page(vault)
    if vault.graph and not _address_taken(GRAPH_PAGE, pages, existing):
        pages[GRAPH_PAGE] = graph_page(vault)
    pages.update(company_note_pages(vault, existing))
    # A note owns its address even when a generated page would share it: ``cycle.md`` and the
    # folder index ``cycle/index.md`` are both ``cycle/``, and MkDocs would silently keep one.
    return {src: text for src, text in pages.items() if page_url(src) not in vault.by_url}


def _address_taken(src: str, pages: dict[str, str], existing: set[str]) -> bool:
    """A page of the vault or of the emitters already has ``src``'s address (``graph/index.md``
    for ``graph.md``)."""
    url = page_url(src)
    return any(page_url(p) == url for p in (*pages, *existing) if p.endswith(".md"))


def graph_page(vault: Vault, src: str = GRAPH_PAGE) -> str:
    """The global graph page: a canvas the script fills from ``vs-graph/graph.json``
    (``vaultsite.graph``); the page itself holds no graph data."""
    root = "../" * page_url(src).count("/")
    links = sum(len(b) for b in vault.backlinks.values())  # one per (linking note, linked note)
    return _render(vault.page_memo, "graph.md.j2", src, title=_labels(vault)["graph"], root=root.rstrip("/") or ".",
                   data=root + "vs-graph/graph.json", notes=len(vault.notes), links=links, L=_labels(vault))


HOME_LATEST = latest_mod.LATEST


def _tag_href(vault: Vault, src: str, name: str, tags_href: str) -> str:
    """A tag's own page from ``src`` (its entry on the tags page if it has none)."""
    page = vault.tag_pages.get(name)
    return _rel(src, page) if page else tags_href + "#" + tag_anchor(name)


def latest_view(vault: Vault, src: str) -> list[dict]:
    """The latest notes (``vaultsite.latest``) as the listing on page ``src`` shows them: date
    (the file's when the note gives none), title, companies and tags, linked from ``src``."""
    tags_href = _rel(src, GENERATED["tags"])
    out = []
    for n, when in latest_mod.latest_notes(vault):
        companies = []
        for cid in vault.note_companies.get(n.src, [])[:4]:
            company = vault.registry.get(cid) if vault.registry else None
            if company and cid in vault.company_pages:
                companies.append({"name": company.name, "href": _rel(src, vault.company_pages[cid])})
        out.append({"title": n.title, "date": when.date, "from_file": when.from_file,
                    "href": _rel(src, n.page_src), "companies": companies,
                    "tags": [{"name": t, "href": _tag_href(vault, src, t, tags_href)}
                             for t in vault.note_tags.get(n.src, [])[:6]]})
    return out


def home_section(vault: Vault, src: str) -> str:
    """The latest notes under the vault's own home note (``latest.home_note``), reused in
    ``mkdocs serve`` while the listing is unchanged."""
    notes = latest_view(vault, src)
    return _render_part(vault.page_memo, "home_latest.md.j2", src, notes=notes, L=_labels(vault))


def home_page(vault: Vault, src: str = HOME) -> str:
    """The site's root page when the vault has no home note: the latest notes, the tags,
    and the generated pages."""
    L = _labels(vault)
    notes = latest_view(vault, src)
    tags_href = _rel(src, GENERATED["tags"])
    tags = []
    if vault.tag_index is not None:
        for name, srcs in vault.tag_index.tags():
            tags.append({"name": name, "count": len(srcs), "href": _tag_href(vault, src, name, tags_href)})
        tags.sort(key=lambda t: (-t["count"], t["name"].casefold()))
    links = [{"label": L[key], "href": _rel(src, GENERATED[key])} for key in ("timeline", "companies", "tags")]
    if vault.graph:
        links.append({"label": L["graph"], "href": _rel(src, GRAPH_PAGE)})
    if vault.missing:
        links.append({"label": L["missing"], "href": _rel(src, GENERATED["missing"])})
    return _render(vault.page_memo, "home.md.j2", src, title=L["home"], notes=notes, tags=tags[:60], links=links,
                   total=len(vault.notes), companies=len(vault.company_pages), L=L)


def page_context(vault: Vault, note: Note) -> dict:
    """``context["vs_note"]`` for ``overrides/partials`` (note header, backlinks, related notes): what the
    adapter's ``on_page_context`` sets for a note's page, labels in the site's language."""
    companies = []
    for cid in vault.note_companies.get(note.src, []):
        company = vault.registry.get(cid)
        if company and cid in vault.company_pages:
            companies.append({"name": company.name, "url": vault.url_of(vault.company_pages[cid])})
    return {
        "date": note.date,
        "author": note.author,
        "source_url": note.source_url,
        "format": note.format,
        "category": note.category,
        "src": note.src,
        "companies": companies,
        "backlinks": vault.backlinks.get(note.src, []),
        "related": [{"url": r["url"], "title": r["title"], "reasons": [x["text"] for x in r["reasons"]]}
                    for r in vault.related.get(note.src, [])],
        "cssclasses": list((note.extra or {}).get("cssclasses") or []),
        "graph": vault.graph,  # the local graph (its data: vs-graph/n/<page URL>index.json)
        "labels": _labels(vault),
    }
