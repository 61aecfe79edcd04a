"""Which pages a change touches: the basis of fast rebuilds in ``mkdocs serve``.

Every page gets a signature of everything that goes into its HTML: for a note,
its own file version, what its links and embeds resolve to (and the versions
of embedded notes), its backlinks, tag chips, company chips and related notes
(their addresses, titles and reasons); for a
generated page, its generated Markdown.  A rebuild renders only the pages
whose signature changed; the navigation's signature changing (a folder
appeared, a small folder gained a note) means every page is rebuilt.  The
signatures are computed from the index already built, so the check is linear
in the vault and cheap next to rendering.
"""
from __future__ import annotations

from operator import itemgetter

from . import excalidraw
from .build import Vault
from .digests import digest
from .latest import first_image, home_note, latest_notes
from .packed import Packed


def _h(*parts) -> str:
    """The signature of a page from ``parts`` (see ``digest``)."""
    return digest(parts)


def note_signatures(vault: Vault, versions: dict[str, tuple], base: dict[str, str] | None = None) -> dict[str, int | str]:
    """page src -> signature for every note page.  ``versions``: note src -> (size, mtime).

    The related notes are digested last, apart: a build computes them in child processes
    (``build._start_related``), and everything else (``base_signatures``; or ``base``, when
    given: computed by a forked child meanwhile) is digested while they finish."""
    out = base_signatures(vault, versions) if base is None else base
    related = vault.related  # (waits for the children computing them)
    for note in vault.notes:
        shown = related.get(note.src)
        if shown:
            lists = [(r["url"], r["title"], list(map(_TEXT, r["reasons"]))) for r in shown]
            out[note.page_src] = _h(out[note.page_src], lists)
    return out


def base_signatures(vault: Vault, versions: dict[str, tuple]) -> dict[str, str]:
    """page src -> the signature of everything on a note's page but its related notes.

    Linear in the vault, and run on every rebuild: the tuples are made by C (``itemgetter``
    over the backlinks; 68,000 at 5,000 notes) and each note's parts are digested in one
    ``marshal`` call.  It reads the vault only: a forked child can compute it."""
    out: dict[str, str] = {}
    home = home_note(vault)
    links_of, backlinks, note_tags, note_companies = vault.links, vault.backlinks, vault.note_tags, vault.note_companies
    company_pages, attachments = vault.company_pages, vault.index.attachments
    get_version = versions.get
    no_tags: list = []
    for note in vault.notes:
        src = note.src
        links = []
        for rec in links_of.get(src, ()):
            t = rec.target
            kind = t.kind
            if kind == "note":
                tn = t.note
                links.append((rec.raw, kind, (tn.page_src, t.anchor, get_version(tn.src) if rec.embed else None, tn.title)))
            elif kind == "file" or kind == "page":
                links.append((rec.raw, kind, (t.file, t.anchor)))
            else:
                links.append((rec.raw, kind, None))
        back = backlinks.get(src)
        companies = note_companies.get(src, no_tags)
        extra = note.extra
        out[note.page_src] = _h(
            # A drawing shows the image exported beside it once there is one.
            excalidraw.exported_image(src, attachments) if extra and "drawing" in extra else None,
            get_version(src), note.title, links, list(map(_BACK, back)) if back else None,
            note_tags.get(src, no_tags), companies,
            sorted(company_pages.get(c, "") for c in companies) if companies else None,
            _latest_inputs(vault) if note is home else None,
            # a cover named in front matter is found by name, not by a link: its preview image
            first_image(vault, note) if extra and extra.get("cover") else None,
        )
    return out


_BACK = itemgetter("url", "title", "context")
_TEXT = itemgetter("text")


def _latest_inputs(vault: Vault) -> tuple:
    """What the latest-notes section under the vault's own home note shows of other notes."""
    return tuple((n.page_src, n.title, when.date, when.from_file, tuple(vault.note_tags.get(n.src, [])),
                  tuple((c, vault.company_pages.get(c), vault.registry.get(c).name if vault.registry.get(c) else None)
                        for c in vault.note_companies.get(n.src, [])),
                  tuple(vault.tag_pages.get(t) for t in vault.note_tags.get(n.src, [])))
                 for n, when in latest_notes(vault))


def generated_signatures(pages: dict[str, str | Packed], memo: dict | None = None) -> dict[str, int | str]:
    """page src -> signature of every generated page.  ``memo`` (src -> (text, signature),
    kept by the caller from build to build) spares digesting again a text that is the very
    object last build's was: a page whose inputs did not change gets last build's text back
    (``render._by_inputs``), and most of the 5 MB of a 5,000-note vault's generated pages do."""
    if memo is None:
        return {src: _page_h(content) for src, content in pages.items()}
    out = {}
    for src, content in pages.items():
        got = memo.get(src)
        out[src] = got[1] if got is not None and got[0] is content else _page_h(content)
    memo.clear()
    memo.update((src, (content, out[src])) for src, content in pages.items())
    return out


def _page_h(content) -> str:
    """A generated page's signature; a packed page's from its deflated bytes (a sixth of the
    text to digest; zlib deflates a text the same way every time)."""
    return _h(content.data) if isinstance(content, Packed) else _h(content)


def changed_pages(old: dict | None, new: dict) -> set[str] | None:
    """Pages to rebuild, or None when everything must be (no previous build to compare with)."""
    if old is None:
        return None
    return {src for src, sig in new.items() if old.get(src) != sig}


def nav_signature(nav):
    return _h(nav)


def combine(*sigs):
    return _h(*sigs)
