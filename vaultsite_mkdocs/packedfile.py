"""MkDocs files for generated pages held packed (``vaultsite.packed``) until they are read.

``PackedFile`` is a ``mkdocs.structure.files.File`` whose two public content properties
(``content_bytes``, ``content_string``) inflate the packed Markdown when read; setting either
(``parallel.release`` sets ``content_string = ""`` once the page is built) drops it.  Anything
reading the file through MkDocs' API gets the page's Markdown, as from any generated file.
``generated_file`` makes one only when ``File`` still has those properties (checked once);
otherwise the file holds the UTF-8 itself, as MkDocs' own generated files do.
"""
from __future__ import annotations

from mkdocs.structure.files import File

from vaultsite.packed import HEAD, Packed


def _usable() -> bool:
    props = [vars(File).get(name) for name in ("content_bytes", "content_string")]
    return all(isinstance(p, property) and p.fget and p.fset for p in props)


USABLE = _usable()


class PackedFile(File):
    """A generated page's file holding its Markdown packed (``packed``) until read."""

    packed: Packed | None = None

    @property
    def content_bytes(self) -> bytes:
        if self.packed is not None:
            return self.packed.raw()
        return File.content_bytes.fget(self)

    @content_bytes.setter
    def content_bytes(self, value: bytes) -> None:
        self.packed = None
        File.content_bytes.fset(self, value)

    @property
    def content_string(self) -> str:
        if self.packed is not None:
            return self.packed.text()
        return File.content_string.fget(self)

    @content_string.setter
    def content_string(self, value: str) -> None:
        self.packed = None
        File.content_string.fset(self, value)


def generated_file(config, src_uri: str, content) -> File:
    """A generated file of ``content`` (a str, UTF-8 bytes or ``Packed``)."""
    if not isinstance(content, Packed):
        return File.generated(config, src_uri, content=content)
    if not USABLE:
        return File.generated(config, src_uri, content=content.raw())
    f = PackedFile.generated(config, src_uri, content=b"")
    f.packed = content
    return f


def head(file, limit: int = HEAD) -> tuple[bytes, int]:
    """The first ``limit`` bytes of the file's content at least (all of it, if it is not
    packed), and the length of the whole content."""
    packed = getattr(file, "packed", None) if isinstance(file, PackedFile) else None
    if packed is not None:
        return packed.head(limit), packed.size
    data = file.content_bytes
    return data, len(data)
