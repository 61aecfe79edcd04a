"""The site search after the build: Pagefind's index behind Material's search box.

``on_post_build`` calls :func:`write_site_search` once ``vault.json`` is written. It indexes
the notes and company pages with :func:`vaultsite.search.build_search_index` and, when that
worked, cuts Material's ``search/search_index.json`` down to its ``config`` (the browser no
longer downloads every page's text). ``on_config`` calls :func:`skip_material_indexing` so
that Material's plugin does not index every page for nothing. The search worker in ``overrides/`` answers from
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


def material_search_plugin(config):
    for plugin in config.plugins.values():
        if type(plugin).__module__ == "material.plugins.search.plugin" and type(plugin).__name__ == "SearchPlugin":
            return plugin
    return None


def skip_material_indexing(config, material: bool) -> bool:
    """In a build that Pagefind will index (not ``material``, Pagefind installed), Material's
    search plugin stops reading every page: its ``on_page_context`` handler is taken off this
    build's event list, so it writes an index of its ``config`` only, and the header keeps
    Material's search box (which needs the plugin enabled). Returns whether it did."""
    plugin = material_search_plugin(config)
    if material or plugin is None or search.pagefind_command() is None:
        return False
    handlers = config.plugins.events.get("page_context", [])
    kept = [h for h in handlers if getattr(h, "__self__", None) is not plugin]
    if len(kept) == len(handlers):
        return False
    handlers[:] = kept
    return True


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
    if not os.path.isdir(bundle) and result.pages:
        log.warning("vaultsite: search: no Pagefind index, so the site's search finds nothing "
                    "(extra.vaultsite.search: material uses Material's own index)")
    if os.path.isdir(bundle):
        search.shrink_material_index(os.path.join(site_dir, "search", "search_index.json"))
        log.info("vaultsite: search index of %d pages in %.1f s (%.1f MB)",
                 result.pages, result.seconds, result.bytes / 1e6)
    return result
