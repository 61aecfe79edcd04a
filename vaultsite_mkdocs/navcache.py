"""The navigation sidebar, rendered once per folder instead of once per page.

Material renders its whole navigation into every page (``partials/nav.html``).  In a large
vault most pages (notes, company and tag pages) are not in the navigation, which lists the
folders and the generated pages: for such a page nothing in the navigation is active, and its
links are relative to the page's URL, so every page outside the navigation in one folder gets
the same HTML.  ``overrides/partials/nav.html`` asks :meth:`NavCache.render` (the Jinja global
``vs_cached_nav``) for it: rendered for the first such page of a folder, reused for the others.

A page is rendered as Material does (no reuse) when it is in the navigation (it and its
sections are active; Material draws its table of contents there) or when a navigation entry
lies below its URL (a link to it would not be the same from a sibling).  The cache lives for
one build, in each process that renders pages (a forked worker starts with a copy).
"""
from __future__ import annotations

import posixpath

from .speedup import Speedup


class NavCache(Speedup):
    """``extra.vaultsite.speedups.nav_cache``; off: Material's partial renders every page."""

    name = "nav_cache"

    def __init__(self, adapter) -> None:
        super().__init__(adapter)
        self.memo: dict[str, object] = {}
        self.in_nav: set[str] = set()  # src_uri of every page the navigation lists
        self.nav_urls: list[str] = []
        self.hits = 0

    def check(self) -> str | None:
        from importlib.metadata import version

        major = version("mkdocs-material").split(".", 1)[0]
        if major != "9":  # overrides/partials/vs-nav-body.html is Material 9's partial
            return f"mkdocs-material {major}.x, not 9.x"
        return None

    def begin(self, nav) -> None:
        """A new build (its navigation): forget the last one's HTML."""
        self.memo = {}
        self.hits = 0
        pages = list(getattr(nav, "pages", None) or [])
        self.in_nav = {p.file.src_uri for p in pages if getattr(p, "file", None) is not None}
        self.nav_urls = [p.url for p in pages if isinstance(getattr(p, "url", None), str)]

    def key(self, page) -> str | None:
        """The folder whose pages outside the navigation share ``page``'s navigation HTML, or
        None when ``page`` must be rendered on its own."""
        file = getattr(page, "file", None)
        url = getattr(page, "url", None)
        if file is None or not isinstance(url, str) or not url or file.src_uri in self.in_nav:
            return None
        if any(u.startswith(url) for u in self.nav_urls):
            return None
        return posixpath.dirname(url.rstrip("/"))

    def render(self, page, caller):
        key = self.key(page)
        if key is None:
            return caller()
        got = self.memo.get(key)
        if got is None:
            got = self.memo[key] = caller()
        else:
            self.hits += 1
        return got
