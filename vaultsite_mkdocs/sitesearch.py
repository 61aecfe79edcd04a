"""The site search after the build: vaultsite's chunked index behind Material's search box.

``on_post_build`` runs :func:`site_search_files` (after ``vault.json`` and the graph's files;
in a cached ``mkdocs build``, in a child forked once the vault is known, whose log lines
the parent writes, :func:`report_site_search`, so ``--strict`` counts its warnings): it writes the index of the notes and company pages (:func:`vaultsite.search.write_search_index`, from
the records read with the notes) to ``site/search/vaultsite/`` and cuts Material's
``search/search_index.json`` down to its ``config`` (the browser no longer downloads every
page's text). ``on_config`` calls :func:`skip_material_indexing` so that Material's plugin
does not index every page for nothing. The search worker in ``overrides/`` answers from the
index, or hands over to Material's own worker and full index when there is none:
``mkdocs serve`` keeps Material's search (its index follows each rebuild page by page), and
so does ``extra.vaultsite.search: material``.
"""
from __future__ import annotations

import logging
import os
import shutil

from vaultsite import search

log = logging.getLogger("mkdocs.plugins.vaultsite")


def material_search_plugin(config):
    for plugin in config.plugins.values():
        if type(plugin).__module__ == "material.plugins.search.plugin" and type(plugin).__name__ == "SearchPlugin":
            return plugin
    return None


def skip_material_indexing(config, material: bool) -> bool:
    """In a build that writes vaultsite's index (not ``material``), Material's search plugin
    stops reading every page: its ``on_page_context`` handler is taken off this build's event
    list, so it writes an index of its ``config`` only, and the header keeps Material's
    search box (which needs the plugin enabled). Returns whether it did."""
    plugin = material_search_plugin(config)
    if material or plugin is None:
        return False
    handlers = config.plugins.events.get("page_context", [])
    kept = [h for h in handlers if getattr(h, "__self__", None) is not plugin]
    if len(kept) == len(handlers):
        return False
    handlers[:] = kept
    return True


def write_site_search(vault, site_dir: str, material: bool) -> search.SearchIndexResult | None:
    """Write vaultsite's search index, or (``material``: serving, or ``extra.vaultsite.search:
    material``) remove any earlier one so that Material's search answers."""
    result = site_search_files(vault, site_dir, material)
    report_site_search(result)
    if result is not None:
        shrink_site_material_index(site_dir)
    return result


def site_search_files(vault, site_dir: str, material: bool,
                      last_key: str | None = None, shards: dict | None = None) -> search.SearchIndexResult | None:
    """:func:`write_site_search` without its log lines and without cutting Material's index
    (:func:`shrink_site_material_index`, once Material's plugin has written it): a forked
    child may run it, in a cached build before the pages are written.

    ``last_key``: the digest of the pages indexed by the last build, when the site folder is
    known to hold that build's index untouched (the build cache checked it); the same pages
    again leave it as it is. ``shards``: the last index's ``shards_written`` (see
    :func:`vaultsite.search.write_search_index`)."""
    bundle = os.path.join(site_dir, *search.BUNDLE.split("/"))
    if material:
        if os.path.isdir(bundle):  # a stale index would shadow Material's search
            shutil.rmtree(bundle, ignore_errors=True)
        return None
    pages = search.search_pages(vault)
    # In the writer's order (by URL, the last record of a URL kept): the pages come in the
    # vault's order, which may differ between two builds of the same vault.
    key = search.pages_key(pages)
    if key == last_key and os.path.isfile(os.path.join(bundle, "meta.json")):
        result = search.SearchIndexResult(pages=len({url for url, _ in pages}), unchanged=True,
                                          shards_written=dict(shards or {}))
    else:
        result = search.write_search_index(pages, bundle, shards)
    result.key = key
    return result


def shrink_site_material_index(site_dir: str) -> None:
    """Cut Material's ``search/search_index.json`` down to its ``config``."""
    search.shrink_material_index(os.path.join(site_dir, "search", "search_index.json"))


def report_site_search(result: search.SearchIndexResult | None) -> None:
    if result is None:
        return
    for problem in result.problems:
        log.warning("vaultsite: search: %s", problem)
    if result.unchanged:
        log.info("vaultsite: search index of %d pages unchanged", result.pages)
        return result
    log.info("vaultsite: search index of %d pages in %.1f s (%.1f MB in %d files, %d rewritten)",
             result.pages, result.seconds, result.bytes / 1e6, result.files, result.written)
    return result
