"""The site's feeds: ``feed.xml`` (Atom 1.0) and, where the site has an address, ``rss.xml``
(RSS 2.0), the latest notes with their summaries, written by ``feedgen``.

Every date comes from the notes (``latest.note_when``), never from the clock: the feed's
``updated`` is its newest entry's, so a build that changed nothing writes the same bytes.

Without ``site_url`` (a local build) the site has no address: entry ids are ``tag:`` URIs
made of the page's path (stable, absolute as Atom wants ids), and links are relative to
``feed.xml``, which sits at the site root, so a reader resolves them against the feed's own
address.  RSS 2.0 wants absolute links, so ``rss.xml`` is written only with ``site_url``.
"""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urljoin

from feedgen.feed import FeedGenerator

from .build import Vault
from .latest import LATEST, latest_notes, summary, xml_text

ATOM = "feed.xml"
RSS = "rss.xml"
#: The authority of entry ids when the site has no address (RFC 4151 tag URIs).
TAG_AUTHORITY = "tag:vaultsite,2025:"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _address(site_url: str, url: str) -> tuple[str, str]:
    """(id, link) of a site-relative page URL (already percent-encoded, ``""`` the root)."""
    if site_url:
        absolute = urljoin(site_url if site_url.endswith("/") else site_url + "/", url)
        return absolute, absolute
    return TAG_AUTHORITY + "/" + url, url or "./"


def feeds(vault: Vault, *, site_url: str = "", title: str = "", description: str = "", author: str = "",
          language: str | None = None, n: int = LATEST) -> dict[str, bytes]:
    """File name -> bytes: ``feed.xml`` always, ``rss.xml`` when ``site_url`` is set.
    ``author``: the feed's (Atom wants one; a note's own author is its entry's)."""
    site_url = (site_url or "").strip()
    title = xml_text(title) or "vaultsite"
    description = xml_text(description or "") or title
    fg = FeedGenerator()
    fid, home = _address(site_url, "")
    fg.id(fid)
    fg.title(title)
    fg.subtitle(description)  # RSS's <description> too
    # feedgen takes RSS's <link> from the last link: the site's address goes last
    if site_url:
        fg.link(href=_address(site_url, ATOM)[1], rel="self", type="application/atom+xml")
    fg.link(href=home, rel="alternate")
    fg.author({"name": xml_text(author or "") or title})
    fg.language(language or "ko")
    fg.generator("vaultsite (python-feedgen)")
    newest = _EPOCH
    for note, when in latest_notes(vault, n):
        entry = fg.add_entry(order="append")
        eid, link = _address(site_url, note.url)
        entry.id(eid)
        entry.guid(eid, permalink=bool(site_url))
        entry.title(xml_text(note.title) or note.url)
        entry.link(href=link, rel="alternate", type="text/html")
        entry.published(when.published)
        entry.updated(when.updated)
        text = xml_text(note.description or "") or summary(note.body)
        if text:
            entry.summary(text)  # RSS's <description> too
        if note.author and xml_text(note.author):
            entry.author({"name": xml_text(note.author)})
        for tag in vault.note_tags.get(note.src, []):
            if xml_text(tag):
                entry.category(term=xml_text(tag))
        newest = max(newest, when.updated)
    fg.updated(newest)  # also RSS's lastBuildDate: never the clock
    out = {ATOM: fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)}
    if site_url:  # rss.xml names itself as its own address
        fg.link([{"href": _address(site_url, RSS)[1], "rel": "self", "type": "application/rss+xml"},
                 {"href": home, "rel": "alternate"}], replace=True)
        out[RSS] = fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return out
