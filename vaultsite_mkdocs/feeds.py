"""The feeds and the social previews on the MkDocs side (``extra.vaultsite.feed``,
``extra.vaultsite.social``): the core (``vaultsite.feed``, ``vaultsite.social``) makes them,
``overrides/main.html`` prints the head tags from ``vs_head``.
"""
from __future__ import annotations

import html
import logging
import os

from vaultsite import feed as feed_mod
from vaultsite import social
from vaultsite.model import Problem
from vaultsite.textutil import nfc

log = logging.getLogger("mkdocs.plugins.vaultsite")


def head_context(settings, vault, context: dict, page) -> None:
    """``context["vs_head"]`` for every page: the feed links and the page's preview.  A
    page with no description of its own gets its summary as ``page.meta.description``,
    which Material prints as the one ``<meta name="description">``."""
    config = context["config"]
    site_url = config.site_url or ""
    head: dict = {"feeds": [], "social": None}
    if settings["feed"]:
        head["feeds"].append({"href": feed_mod.ATOM, "type": "application/atom+xml"})
        if site_url:
            head["feeds"].append({"href": feed_mod.RSS, "type": "application/rss+xml"})
    if settings["social"]:
        src = nfc(page.file.src_uri)
        note = vault.note_for_page(src)
        # page.title is escaped already (the adapter's _escape_page_meta); the note's own title is not
        title = note.title if note is not None else html.unescape(page.title or "")
        meta = social.page_meta(vault, note, src, title, site_name=config.site_name or "",
                                site_description=config.site_description or "", site_url=site_url,
                                canonical_url=page.canonical_url)
        if meta["description"] and not page.meta.get("description"):
            page.meta["description"] = html.escape(meta["description"], quote=True)  # Material prints it raw
        head["social"] = meta
    context["vs_head"] = head


def write_feeds(settings, vault, config) -> None:
    """``feed.xml`` (and ``rss.xml`` with ``site_url``) in the site, every build: the latest
    notes change whenever a note is added or redated, and writing them is cheap."""
    site = config.site_dir
    site_url = config.site_url or ""
    wanted = feed_mod.feeds(vault, site_url=site_url, title=config.site_name, description=config.site_description,
                            author=config.site_author or "", language=vault.language) if settings["feed"] else {}
    for name in (feed_mod.ATOM, feed_mod.RSS):
        path = os.path.join(site, name)
        if name in vault.index.attachments:  # the vault's own file of that name is published as it is
            if name in wanted:
                vault.problems.append(Problem(name, f"the vault's own {name} is published; the site's feed "
                                                    f"of latest notes is not written there", "info"))
            continue
        if name in wanted:
            with open(path, "wb") as fh:
                fh.write(wanted[name])
        elif os.path.exists(path):  # a serve rebuild after site_url or the setting changed
            os.remove(path)
    if settings["feed"] and not site_url:
        log.info("vaultsite: site_url is empty: feed.xml has tag: ids and links relative to itself; "
                 "no rss.xml (see README, Feeds)")
