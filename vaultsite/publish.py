"""What reaches the site: unpublished notes, excluded and hidden folders, the home note.

* ``publish: false`` (Obsidian Publish) and ``draft: true`` (Hugo) keep a note off the site;
* folders the user excludes (``exclude``: folder paths or glob patterns) are left out whole;
* dot folders (``.obsidian/``, ``.trash/``, ``.git/``) never count as vault content;
* without ``docs/index.md`` the vault's own home note (``Home.md``, ``README.md``,
  ``index.md`` at the root, or the one the settings name) is published at the site root.

A note left out is not in the index at all, so a link to it reads exactly as a link to a
note not written yet, named by what the linking note typed (never by the note's title).
"""
from __future__ import annotations

import fnmatch
import posixpath

from .model import Note
from .textutil import fold, nfc

_FALSE = {"false", "no", "off", "0"}
_TRUE = {"true", "yes", "on", "1"}
HOME_NAMES = ("home", "readme", "index")  # in this order, at the vault root


def _flag(value, wanted: bool) -> bool:
    """Whether a front matter value says ``wanted`` (``false``, ``"no"``, ``0``...)."""
    if isinstance(value, bool):
        return value is wanted
    if isinstance(value, (int, float)):
        return bool(value) is wanted
    if isinstance(value, str):
        return value.strip().casefold() in (_TRUE if wanted else _FALSE)
    return False


def is_published(note: Note) -> bool:
    extra = note.extra or {}
    if "publish" in extra and _flag(extra["publish"], False):
        return False
    if "draft" in extra and _flag(extra["draft"], True):
        return False
    return True


class Rule:
    """Which paths are hidden (dot folders) or excluded by the user's ``exclude`` setting."""

    def __init__(self, exclude=()):
        if isinstance(exclude, str):
            exclude = [exclude]
        self.prefixes: list[str] = []
        self.patterns: list[str] = []
        for item in exclude or ():
            item = fold(nfc(str(item))).strip().strip("/")
            if not item:
                continue
            (self.patterns if any(c in item for c in "*?[") else self.prefixes).append(item)

    @staticmethod
    def hidden(src: str) -> bool:
        return src.startswith(".") or "/." in src

    def excluded(self, src: str) -> bool:
        if not (self.prefixes or self.patterns):
            return False
        key = fold(src)
        for prefix in self.prefixes:
            if key == prefix or key.startswith(prefix + "/"):
                return True
        if self.patterns:
            # The file itself or any folder above it: ``*/private`` excludes ``a/private/x.md``.
            parts = key.split("/")
            paths = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
            return any(fnmatch.fnmatchcase(path, pattern) for path in paths for pattern in self.patterns)
        return False


def has_root_page(srcs) -> bool:
    """MkDocs' own home page: ``index.md`` or ``README.md`` at the root of docs/."""
    return "index.md" in srcs or "README.md" in srcs


def pick_home(all_srcs, published: list[str], wanted: str | None = None) -> str | None:
    """The note to publish at the site root, or None (docs/ has its own root page, or no
    home note exists).  ``wanted`` (the ``home`` setting) may omit the ``.md``."""
    if has_root_page(all_srcs):
        return None
    by_key = {fold(src): src for src in published}
    if wanted:
        key = fold(nfc(str(wanted))).strip("/")
        for cand in (key, key + ".md"):
            if cand in by_key:
                return by_key[cand]
    root = {}
    for src in published:
        if "/" in src:
            continue
        stem, ext = posixpath.splitext(src)
        if ext.casefold() in (".md", ".markdown"):
            root.setdefault(fold(stem), src)
    for name in HOME_NAMES:
        if name in root:
            return root[name]
    return None
