"""A generated page's Markdown held compressed (a leaf module: ``render``, ``incremental`` and
the MkDocs adapter use it).

A one-off build holds every generated page (timeline, tags, companies, folder listings) from
the vault pass to the page that renders it, and keeps them for the build cache to the end:
180 MB of UTF-8 at 20,000 notes, in the heap every page worker shares. Listings repeat
themselves; zlib at level 1 makes them six times smaller (45 MB in 0.35 s at 5,000 notes,
on a slow machine), and a page is inflated once, when it is rendered.
"""
from __future__ import annotations

import zlib

#: Inflated at most this much to find a page's front matter (``head``).
HEAD = 1 << 16


class Packed:
    """``text`` as UTF-8, deflated; ``size``: the length of that UTF-8."""

    __slots__ = ("data", "size")

    def __init__(self, data: bytes, size: int) -> None:
        self.data = data
        self.size = size

    def __getstate__(self):
        return (self.data, self.size)

    def __setstate__(self, state) -> None:
        self.data, self.size = state

    def __repr__(self) -> str:
        return f"Packed({self.size} bytes)"

    def raw(self) -> bytes:
        return zlib.decompress(self.data)

    def text(self) -> str:
        return self.raw().decode("utf-8")

    def head(self, limit: int = HEAD) -> bytes:
        """The first ``limit`` bytes of the UTF-8 (all of it if shorter)."""
        return zlib.decompressobj().decompress(self.data, limit)


def pack(text: str) -> Packed | str:
    """``text`` packed; a text UTF-8 cannot hold (a lone surrogate) stays a str."""
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:
        return text
    return Packed(zlib.compress(raw, 1), len(raw))


def unpack(value):
    """A text that may be packed, as a str."""
    return value.text() if isinstance(value, Packed) else value
