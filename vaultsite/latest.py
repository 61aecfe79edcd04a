"""The latest notes (home page, feed) and what a note shows of itself elsewhere: its date,
a plain-text summary and its first image (feed entries, social previews).

A note's date is its own (front matter ``date``/``published``/``created``, else
``updated``), else its file's modification time.  Everything here reads the vault the
build made, so it is the same on every build of the same files: no clock is read.
"""
from __future__ import annotations

import heapq
import re
from datetime import datetime, timezone
from typing import NamedTuple

from .build import HOME, Vault
from .links import is_image
from .model import Note
from .parsed import parse, plain

#: How many notes the home page lists, and the feed carries.
LATEST = 30
#: A summary's length, at most (characters); it is cut at a word.
SUMMARY_CHARS = 200


class When(NamedTuple):
    """A note's date: ``key`` sorts (ISO text), ``date`` is shown, ``from_file`` when it is
    the file's mtime; ``published``/``updated`` for the feed."""

    key: str
    date: str
    from_file: bool
    published: datetime
    updated: datetime


def _as_datetime(iso: str) -> datetime:
    """``2025-06-27`` / ``2025-06`` / ``2025`` as midnight UTC of its first day."""
    parts = [int(p) for p in iso.split("-")[:3]]
    while len(parts) < 3:
        parts.append(1)
    return datetime(parts[0], parts[1], parts[2], tzinfo=timezone.utc)


def note_when(vault: Vault, note: Note) -> When:
    own = note.date or (note.extra or {}).get("updated")
    if own:
        published = _as_datetime(own)
        updated = (note.extra or {}).get("updated")
        later = _as_datetime(updated) if updated and updated > own else published
        return When(own, own, False, published, later)
    stamp = datetime.fromtimestamp(int(vault.mtimes.get(note.src, 0)), timezone.utc)
    return When(stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), stamp.strftime("%Y-%m-%d"), True, stamp, stamp)


def home_note(vault: Vault) -> Note | None:
    """The vault's own note at the site root (``docs/index.md``, ``README.md``, or the home
    note published there), or None when the root page is generated."""
    if vault.generated_home:
        return None
    return vault.by_page.get(HOME) or vault.by_page.get("README.md")


def latest_notes(vault: Vault, n: int = LATEST) -> list[tuple[Note, When]]:
    """The ``n`` newest notes, newest first (ties: title, then path); never the home note.
    Unpublished notes are not in the vault at all."""
    home = home_note(vault)
    dated = ((note_when(vault, note), note) for note in vault.notes if note is not home)
    top = heapq.nlargest(n, dated, key=lambda p: (p[0].key, p[1].title, p[1].src))
    return [(note, when) for when, note in top]


# -- summary ------------------------------------------------------------------------------
_FENCE = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})")
_SKIP = re.compile(
    r"[ \t]{0,3}(?:#{1,6}(?:[ \t]|$)"  # a heading
    r"|\||<"  # a table row, an HTML block
    r"|(?:[-*_][ \t]*){3,}$"  # a rule
    r"|\[\^?[^\]\n]*\]:"  # a footnote or reference definition
    r"|[^\s:]+::"  # a Dataview field
    r"|(?:#[^\s#]+[ \t]*)+$)"  # a line of #tags only
)
#: Characters XML 1.0 cannot carry (feeds are XML; a title may hold anything).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def summary(body: str, limit: int = SUMMARY_CHARS) -> str:
    """The note's opening prose as plain text, at most ``limit`` characters (cut at a word,
    with ``…``): headings, code, math, tables, HTML blocks, rules, definitions, images and
    Obsidian comments are left out.  Reads only as much of the body as it needs."""
    words: list[str] = []
    size = 0
    fence = None
    math = comment = False
    pos, end = 0, len(body)
    while pos < end and size <= limit:
        nl = body.find("\n", pos)
        nl = end if nl < 0 else nl
        line = body[pos:nl]
        pos = nl + 1
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line[m.end():].strip():
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        stripped = line.strip()
        if stripped.startswith("$$"):
            math = not (math or (len(stripped) > 2 and stripped.endswith("$$")))
            continue
        if math:
            continue
        if line.count("%%") % 2:
            comment = not comment
            continue
        if comment or not stripped or _SKIP.match(line):
            continue
        text = plain(re.sub(r"%%.*?%%", "", line))
        if text:
            words.append(text)
            size += len(text) + 1
    text = xml_text(" ".join(words))
    if len(text) > limit:
        cut = text[: limit - 1]
        if " " in cut[limit // 2:]:
            cut = cut.rsplit(" ", 1)[0]
        text = cut.rstrip(" ,.;:·") + "…"
    return text


# -- first image ---------------------------------------------------------------------------
_EXTERNAL_IMAGE = re.compile(r"!\[[^\]\n]*\]\(\s*<?(https?://[^\s)<>\"']+)")
_RASTER = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif")  # what link cards show (no SVG)


def _raster(name: str) -> bool:
    return name.split("?", 1)[0].split("#", 1)[0].casefold().endswith(_RASTER)


def first_image(vault: Vault, note: Note) -> tuple[str, str] | None:
    """``("file", attachment src)`` or ``("url", https URL)``: the note's cover (front
    matter ``cover``/``image``/``banner``...) or else the first raster image it shows (an
    embed of a vault image, or a Markdown image from the web); None without one."""
    cover = (note.extra or {}).get("cover")
    if isinstance(cover, str) and cover.strip():
        cover = cover.strip()
        if re.match(r"https?://", cover):
            if _raster(cover):
                return "url", cover
        else:
            name = cover.lstrip("!").removeprefix("[[").removesuffix("]]").split("|", 1)[0].strip()
            found = vault.index.find_file(name, note) if name else None
            if found and _raster(found):
                return "file", found
    local = None
    for rec in vault.links.get(note.src, ()):
        t = rec.target
        if rec.embed and t.kind == "file" and t.file and is_image(t.file) and _raster(t.file):
            local = rec
            break
    body = note.body
    stop = local.start if local is not None else len(body)
    if "![" in body[:stop]:
        m = _EXTERNAL_IMAGE.search(body, 0, stop)
        while m is not None and m.start() < stop:
            if _raster(m.group(1)) and parse(body).code[m.start()] == "!":  # not inside code
                return "url", m.group(1)
            m = _EXTERNAL_IMAGE.search(body, m.end(), stop)
    return ("file", local.target.file) if local is not None else None
