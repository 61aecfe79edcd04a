"""The site navigation: sections and generated pages, never every note.

Material renders the whole navigation into every page, so a navigation that
lists 5,000 notes costs 5,000 x 5,000.  Each top-level folder is a section
whose index page lists its notes.  Only a small vault (at most
``SMALL_VAULT`` notes) also lists its notes in the navigation: per-page work
stays bounded, and in a large vault adding a note never changes the
navigation, so ``mkdocs serve`` rebuilds only the pages the note touches.
"""
from __future__ import annotations

from collections import defaultdict

from .build import GENERATED, GRAPH_PAGE, Vault, page_url
from .labels import labels
from .render import folder_label

SMALL_VAULT = 60


def build_nav(vault: Vault, pages: set[str]) -> list:
    nav: list = []
    L = labels(vault.language)
    if "index.md" in pages:
        home = vault.index.notes.get(vault.home) if vault.home else None  # Home.md at the root
        nav.append({home.title if home else L["home"]: "index.md"})
    top: dict[str, list] = defaultdict(list)
    root_notes = []
    for note in sorted(vault.notes, key=lambda n: ((n.date or ""), n.title), reverse=True):
        folder = note.page_src.split("/", 1)[0] if "/" in note.page_src else ""
        if not folder:
            if note.page_src != "index.md":
                root_notes.append(note)
            continue
        top[folder].append(note)
    small = len(vault.notes) <= SMALL_VAULT
    # A note beside its folder (``cycle.md`` for ``cycle/``) has the folder index's address
    # and replaces it (render.generated_pages): it is the section's page, listed once.
    owner = {}
    for folder in top:
        note = vault.by_url.get(page_url(f"{folder}/index.md"))
        if f"{folder}/index.md" not in pages and note is not None and note.page_src in pages:
            owner[folder] = note.page_src
    for note in root_notes if small else []:
        if note.page_src not in owner.values():
            nav.append({note.title: note.page_src})
    for folder in sorted(top):
        index = owner.get(folder, f"{folder}/index.md")
        if folder == "companies":
            continue
        label = folder_label(folder, vault.language)
        notes = top[folder]
        children: list = [index] if index in pages else []
        if small:
            children += [{n.title: n.page_src} for n in notes if n.page_src != index]
        nav.append({label: children} if children else {label: index})
    for key in ("timeline", "companies", "tags", "missing"):
        if GENERATED[key] in pages:
            nav.append({L[key]: GENERATED[key]})
    if vault.graph and GRAPH_PAGE in pages:
        nav.append({L["graph"]: GRAPH_PAGE})
    return nav
