"""Obsidian notes, and Obsidian notes that went through a Hugo export ("hugo").

Obsidian syntax (``[[links]]``, ``![[embeds]]``, ``#tags``, callouts) is kept
as written: the rendering extension owns it.  What this shape removes is what
must never reach a reader: ``%%comments%%``, and, for Hugo exports, the
exporter's debris: the hidden ``<div style="display:none"><meta …></div>``,
``)]]`` / ``)))`` left where wikilinks were rewritten, and ``[phrase]``
brackets that are neither links nor anything else (``[…등장]한 것임``).

Seed 000 is classified "hugo": its front matter (``lastmod``, ``weight``,
``sidebar``, ``type``) and the hidden meta block are the exporter's, and the
bracket clean-up is only safe for exports (in a hand-written Obsidian note a
``[phrase]`` may be meant literally).
"""
from __future__ import annotations

import re

from ..model import Note
from ..textutil import mask_code
from . import markup
from .common import split_front_matter
from .markdown import note_from_meta, repair

FORMATS = ("obsidian", "hugo")
_COMMENT_RE = re.compile(r"%%.*?%%", re.S)


def drop_comments(body: str) -> str:
    """Obsidian ``%%comments%%`` are private by definition (code is left alone)."""
    if "%%" not in body:
        return body
    masked = mask_code(body)
    spans = [m.span() for m in _COMMENT_RE.finditer(masked)]
    for start, end in reversed(spans):
        body = body[:start] + body[end:]
    return body


def normalise(src: str, text: str, fmt: str = "obsidian") -> Note:
    fm = split_front_matter(text)
    body = drop_comments(fm.body)
    if fmt == "hugo":
        body = markup.drop_hidden_blocks(body)
        body = markup.drop_stray_closers(body)
        body = markup.unwrap_stray_brackets(body)
    note = note_from_meta(src, fm, repair(body), fmt)
    return note
