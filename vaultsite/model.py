"""The small data classes every stage of the pipeline shares.

Nothing here knows about MkDocs: the hooks translate these into MkDocs files,
pages and template variables, and tests build them directly.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Note:
    """One page's worth of understanding, produced by a shape normaliser.

    ``src`` is the path under ``docs/`` exactly as scanned (POSIX separators,
    NFC).  ``body`` is clean Markdown, ready for Python-Markdown: no front
    matter, no export debris, no page title as a leading H1 (Material prints
    the title itself).
    """

    src: str
    title: str
    body: str
    format: str
    date: str | None = None  # ISO: "2025-06-27", "2024-12" or "2023"
    author: str | None = None
    source_url: str | None = None
    category: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)  # raw, as written (front matter, categories)
    aliases: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # anything else a shape wants to keep
    problems: list[str] = field(default_factory=list)  # warnings about this file

    # Filled in by the index, not by the shapes.
    url: str = ""  # site-relative page URL, e.g. "notes/DeepSeek/"
    page_src: str = ""  # the MkDocs src_uri of the page (".txt" notes become ".md")

    @property
    def stem(self) -> str:
        name = self.src.rsplit("/", 1)[-1]
        return name.rsplit(".", 1)[0] if "." in name else name

    @property
    def folder(self) -> str:
        return self.src.rsplit("/", 1)[0] if "/" in self.src else ""


@dataclass(frozen=True)
class Problem:
    """A line of the build's problem report.

    ``level`` is "warning" (fails ``--strict``) or "info" (normal vault state,
    such as a link to a note that is not written yet).
    """

    src: str
    problem: str
    level: str = "warning"
