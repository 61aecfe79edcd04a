"""The vault index: every way a note or attachment can be named, built once per build.

Obsidian resolves a link by file name anywhere in the vault; exports add titles,
aliases and URL slugs.  All keys are NFC and case-folded (``textutil.fold``),
so a macOS NFD file name and a typed NFC link meet.  Lookups are dictionary
reads: nothing scans the vault per link.
"""
from __future__ import annotations

import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import unquote

from .model import Note, Problem
from .textutil import fold

#: Every Markdown extension MkDocs renders itself (``mkdocs.utils.markdown_extensions``), plus
#: ``.txt``: a note under any of them goes through the core (sanitised, indexed, reported).
MARKDOWN_EXTS = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
#: Files that become pages: notes, and canvases and Excalidraw drawings (JSON) with pages of their own.
NOTE_EXTS = MARKDOWN_EXTS + (".txt", ".canvas", ".excalidraw")


def slug_key(s: str) -> str:
    """Hugo-style slug used to match permalinks like ``/daily-summary/2025-01-25-미국-시황-정리/``.

    Letters and digits of any script survive; every run of anything else is one ``-``.
    """
    s = fold(unicodedata.normalize("NFC", s))
    s = re.sub(r"[^\w]+", "-", s).strip("-")
    return s.replace("_", "-")


@dataclass
class Resolution:
    """What a link target names: a note (optionally with heading/block) or a file."""

    note: Note | None = None
    file: str | None = None  # src of an attachment under docs/
    anchor: str | None = None  # "#..." already slugified, or None
    heading: str | None = None  # the heading/block text as written


@dataclass
class VaultIndex:
    notes: dict[str, Note] = field(default_factory=dict)  # src -> note
    attachments: set[str] = field(default_factory=set)  # src of every non-note file
    problems: list[Problem] = field(default_factory=list)
    _by_name: dict[str, list[Note]] = field(default_factory=dict)
    _by_path: dict[str, Note] = field(default_factory=dict)
    _by_slug: dict[str, list[Note]] = field(default_factory=dict)
    _files_by_name: dict[str, list[str]] = field(default_factory=dict)
    _files_by_path: dict[str, str] = field(default_factory=dict)
    _warned: set[str] = field(default_factory=set)
    #: While set, every index key a lookup reads is added to it (see :func:`note_keys`):
    #: what one note's link resolution depended on, so a rebuild can tell if it still holds.
    trace: set | None = None
    #: While tracing: the ambiguity warnings the traced lookups raised (or would have, had
    #: the name not been warned about already), to be replayed when the resolution is reused.
    trace_ambiguous: list[tuple[str, Problem]] | None = None

    # -- building -------------------------------------------------------------
    def add_note(self, note: Note) -> None:
        self.notes[note.src] = note
        names, paths, slugs = _note_keys(note)
        for key in paths:
            self._by_path[key] = note
        for key in names:
            self._by_name.setdefault(key, []).append(note)
        for key in slugs:
            self._by_slug.setdefault(key, []).append(note)

    def add_attachment(self, src: str) -> None:
        self.attachments.add(src)
        self._files_by_path[fold(src)] = src
        self._files_by_name.setdefault(fold(posixpath.basename(src)), []).append(src)

    def warn_ambiguous(self, key: str, problem: Problem) -> None:
        """One warning per ambiguous name per build (a replayed resolution warns the same way)."""
        if key not in self._warned:
            self._warned.add(key)
            self.problems.append(problem)

    # -- lookups ---------------------------------------------------------------
    def _pick(self, key: str, candidates: list[Note], origin: Note | None) -> Note:
        """Obsidian's tie-break: same folder first, then the shortest path, then by name.

        A note whose file name is the link beats one that only has it as a title or
        alias (Obsidian links by file name; titles and aliases are our fallback).
        """
        if len(candidates) == 1:
            return candidates[0]
        folder = origin.folder if origin else None
        ordered = sorted(candidates, key=lambda n: (fold(n.stem) != key, n.folder != folder,
                                                    n.src.count("/"), len(n.src), n.src))
        # The same name for several files is worth one warning per name, not one per link.
        exact = [n for n in candidates if fold(n.stem) == key]
        if len({n.src for n in exact}) > 1 and (key not in self._warned or self.trace_ambiguous is not None):
            # One name in different folders is normal in Obsidian, which resolves it by path as
            # we do: info.  Two files of one name in one folder (``x.md``, ``x.txt``) still warn.
            folders = {fold(n.folder) for n in exact}
            problem = Problem(
                ordered[0].src,
                f"ambiguous note name '{key}': {', '.join(sorted(n.src for n in exact))}; "
                "links go to the one in the same folder, else the shortest path",
                "info" if len(folders) == len(exact) else "warning",
            )
            if self.trace_ambiguous is not None:
                self.trace_ambiguous.append((key, problem))
            self.warn_ambiguous(key, problem)
        return ordered[0]

    def find_note(self, name: str, origin: Note | None = None) -> Note | None:
        """Resolve a wikilink-style name: ``Note``, ``folder/Note``, ``Note.md``, a title or an alias."""
        name = unquote(name).strip()
        if not name:
            return None
        key = fold(name)
        for ext in NOTE_EXTS:
            if key.endswith(ext):
                key = key[: -len(ext)]
                break
        if "/" in key:
            # A path: relative to the origin's folder first, then from the vault root,
            # then as a path suffix (Obsidian accepts the shortest unique path).
            candidates = []
            if origin is not None:
                candidates.append(posixpath.normpath(posixpath.join(fold(origin.folder), key)))
            candidates.append(posixpath.normpath(key.lstrip("/")))
            trace = self.trace
            for c in candidates:
                if trace is not None:
                    trace.add(("p", c))
                if c in self._by_path:
                    return self._by_path[c]
            tail = key.rsplit("/", 1)[-1]
            if trace is not None:
                trace.add(("n", tail))
            matches = [n for n in self._by_name.get(tail, []) if fold(n.src.rsplit(".", 1)[0]).endswith(key.lstrip("./"))]
            if matches:
                return self._pick(tail, matches, origin)
            return None
        if self.trace is not None:
            self.trace.add(("n", key))
        found = self._by_name.get(key)
        if found:
            return self._pick(key, found, origin)
        return None

    def find_by_slug(self, path: str, origin: Note | None = None) -> Note | None:
        """Resolve a Hugo permalink such as ``/industry-study/사이버-보안/`` by its last segment."""
        segs = [s for s in unquote(path).split("/") if s]
        if not segs:
            return None
        key = slug_key(segs[-1])
        if self.trace is not None:
            self.trace.add(("s", key))
        found = self._by_slug.get(key)
        if found:
            return self._pick(key, found, origin)
        return None

    def find_file(self, name: str, origin: Note | None = None) -> str | None:
        """Resolve an attachment by path, then by bare file name anywhere in the vault."""
        name = unquote(name).strip()
        key = fold(name)
        trace = self.trace
        if origin is not None:
            rel = posixpath.normpath(posixpath.join(fold(origin.folder), key))
            if trace is not None:
                trace.add(("fp", rel))
            if rel in self._files_by_path:
                return self._files_by_path[rel]
        if trace is not None:
            trace.update((("fp", key.lstrip("/")), ("fn", posixpath.basename(key))))
        if key.lstrip("/") in self._files_by_path:
            return self._files_by_path[key.lstrip("/")]
        found = self._files_by_name.get(posixpath.basename(key))
        if not found:
            return None
        folder = origin.folder if origin else ""
        return sorted(found, key=lambda s: (posixpath.dirname(s) != folder, s.count("/"), s))[0]


def _note_keys(note: Note) -> tuple[set[str], tuple[str, str], set[str]]:
    """The name, path and slug keys the index files a note under."""
    names = {fold(note.stem), fold(note.title)} | {fold(a) for a in note.aliases if a}
    names.discard("")
    slugs = {slug_key(note.stem), slug_key(note.title)}
    slugs.discard("")
    return names, (fold(note.src.rsplit(".", 1)[0]), fold(note.src)), slugs


def note_keys(note: Note) -> set[tuple[str, str]]:
    """Every traced key (see ``VaultIndex.trace``) whose lookup result depends on this note.

    ``("a", src)`` stands for the note's heading anchors, read by links to its headings.
    """
    names, paths, slugs = _note_keys(note)
    keys = {("n", k) for k in names} | {("p", k) for k in paths} | {("s", k) for k in slugs}
    keys.add(("a", note.src))
    return keys


def attachment_keys(src: str) -> set[tuple[str, str]]:
    return {("fp", fold(src)), ("fn", fold(posixpath.basename(src)))}
