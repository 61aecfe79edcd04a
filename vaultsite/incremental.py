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

from . import excalidraw
from .build import Vault
from .digests import digest
from .latest import first_image, home_note, latest_notes
from .packed import Packed


def _h(*parts) -> str:
    """The signature of a page from ``parts`` (see ``digest``)."""
    return digest(parts)


def note_signatures(vault: Vault, versions: dict[str, tuple]) -> dict[str, int | str]:
    """page src -> signature for every note page.  ``versions``: note src -> (size, mtime).

    The related notes are digested last, apart: a build computes them in child processes
    (``build._start_related``), and everything else is digested while they finish."""
    out: dict[str, str] = {}
    home = home_note(vault)
    for note in vault.notes:
        links = []
        for rec in vault.links.get(note.src, []):
            t = rec.target
            dep = None
            if t.kind == "note":
                dep = (t.note.page_src, t.anchor, versions.get(t.note.src) if rec.embed else None, t.note.title)
            elif t.kind in ("file", "page"):
                dep = (t.file, t.anchor)
            links.append((rec.raw, t.kind, dep))
        back = tuple((b["url"], b["title"], b["context"]) for b in vault.backlinks.get(note.src, []))
        # A drawing shows the image exported beside it once there is one.
        exported = excalidraw.exported_image(note.src, vault.index.attachments) if "drawing" in note.extra else None
        out[note.page_src] = _h(exported,
            versions.get(note.src), note.title, tuple(links), back,
            tuple(vault.note_tags.get(note.src, [])), tuple(vault.note_companies.get(note.src, [])),
            tuple(sorted(vault.company_pages.get(c, "") for c in vault.note_companies.get(note.src, []))),
            _latest_inputs(vault) if note is home else None,
            # a cover named in front matter is found by name, not by a link: its preview image
            first_image(vault, note) if (note.extra or {}).get("cover") else None,
        )
    related = vault.related  # (waits for the children computing them)
    for note in vault.notes:
        shown = related.get(note.src)
        if shown:
            lists = tuple((r["url"], r["title"], tuple(x["text"] for x in r["reasons"])) for r in shown)
            out[note.page_src] = _h(out[note.page_src], lists)
    return out


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
