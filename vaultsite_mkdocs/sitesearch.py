"""The site search after the build: Pagefind's index behind Material's search box.

``on_post_build`` calls :func:`write_site_search` once ``vault.json`` is written. It indexes
the notes and company pages with :func:`vaultsite.search.build_search_index` and, when that
worked, cuts Material's ``search/search_index.json`` down to its ``config`` (the browser no
longer downloads every page's text). The search worker in ``overrides/`` answers from
Pagefind, or from Material's own worker and full index when there is no Pagefind bundle:
``mkdocs serve`` keeps Material's search (Pagefind would add seconds to every rebuild), and
so do ``extra.vaultsite.search: material`` and a build where Pagefind is missing or fails
(with a warning naming the reason).
"""
from __future__ import annotations

import logging
import os

from vaultsite import search

log = logging.getLogger("mkdocs.plugins.vaultsite")


def write_site_search(vault, site_dir: str, material: bool) -> search.SearchIndexResult | None:
    """Index the site with Pagefind, or (``material``: serving, or ``extra.vaultsite.search:
    material``) remove any Pagefind bundle so that Material's search answers."""
    bundle = os.path.join(site_dir, search.BUNDLE)
    if material:
        if os.path.isdir(bundle):  # a stale bundle would shadow Material's search
            import shutil

            shutil.rmtree(bundle, ignore_errors=True)
        return None
    result = search.build_search_index(site_dir, search.search_pages(vault))
    for problem in result.problems:
        log.warning("vaultsite: search: %s", problem)
    if os.path.isdir(bundle):
        search.shrink_material_index(os.path.join(site_dir, "search", "search_index.json"))
        log.info("vaultsite: search index of %d pages in %.1f s (%.1f MB)",
                 result.pages, result.seconds, result.bytes / 1e6)
    return result
