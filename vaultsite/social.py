"""Social previews: what a page's ``<head>`` tells a chat or a social site that shows a
link as a card (Open Graph, Twitter cards), and its ``<meta name="description">``.

``page_meta`` returns plain text; ``overrides/main.html`` escapes every value into its
attribute.  A note's preview is read from the note alone (its description or summary, its
cover or first image) and from what its links resolve to, which its page signature already
holds (``vaultsite.incremental``).
"""
from __future__ import annotations

from urllib.parse import quote, urljoin

from .build import Vault
from .latest import first_image, home_note, summary, xml_text
from .media import file_url_from
from .model import Note

_LOCALES = {"ko": "ko_KR", "en": "en_US"}


def _absolute(site_url: str, path: str) -> str:
    return urljoin(site_url if site_url.endswith("/") else site_url + "/", path)


def description(note: Note) -> str:
    """The note's own description (front matter), else the summary of its body."""
    return (note.description or "").strip() or summary(note.body)


def page_meta(vault: Vault, note: Note | None, page_src: str, title: str, *, site_name: str = "",
              site_description: str = "", site_url: str = "", canonical_url: str | None = None) -> dict:
    """The preview of one page (``note`` None for a generated page): ``title``,
    ``description`` (None: the site's, which the home page keeps when there is one), ``type``, ``url`` (None without ``site_url``),
    ``image`` (absolute with ``site_url``, else relative to the page), ``card``,
    ``published`` (a note's ISO date), ``site_name``, ``locale``."""
    site_url = (site_url or "").strip()
    is_home = note is not None and note is home_note(vault) or page_src == "index.md"
    meta = {
        "title": xml_text(site_name if is_home and site_name else title),  # no control characters
        "description": None,
        "type": "website" if is_home or note is None else "article",
        "url": canonical_url if site_url and canonical_url else None,
        "image": None,
        "card": "summary",
        "published": None,
        "site_name": site_name,
        "locale": _LOCALES.get((vault.language or "ko")[:2]),
    }
    if note is None:
        return meta
    if is_home and site_description and not (note.description or "").strip():
        meta["description"] = None  # the site's own description says best what the site is
    else:
        meta["description"] = xml_text(description(note)) or None
    if not is_home and note.date:
        meta["published"] = note.date
    image = first_image(vault, note)
    if image is not None:
        kind, where = image
        if kind == "url":
            meta["image"] = where
        elif site_url:
            meta["image"] = _absolute(site_url, quote(where, safe="/"))
        else:
            meta["image"] = file_url_from(page_src, where)
        meta["card"] = "summary_large_image"
    return meta
