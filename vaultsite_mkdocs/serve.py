"""Incremental serve: ``mkdocs serve`` renders only the pages a change touches.

MkDocs rebuilds everything on every change unless ``--dirty`` is given; the README's plain
``mkdocs serve`` gets the fast path by wrapping the build call of the serve command: the
first build is clean, later ones keep the site directory and mark exactly the pages whose
inputs changed (``vaultsite.incremental`` computes a signature of every page).  Pages that
were skipped keep their title and tags (for the navigation and the tags page), and their
search entries and ``vault.json`` entries are merged back, kept serialised per page.

Patches ``mkdocs.commands.serve.build`` (checked: it must take ``config``, ``serve_url`` and
``dirty``) and sets ``File.is_modified`` on the pages it skips.
"""
from __future__ import annotations

import json
import logging
import os
import threading

from mkdocs.structure.files import File

from vaultsite import export, incremental, render
from vaultsite.build import GENERATED
from vaultsite.textutil import nfc

from .speedup import Speedup, log, params


def _drop_dirty_warning(record: logging.LogRecord) -> bool:
    # The rebuilds use MkDocs' dirty mode deliberately; its warning would only alarm, and so
    # would its note on "stale files" (the old outputs the rebuild removes itself).
    message = record.getMessage()
    return "A 'dirty' build is being performed" not in message and "contains stale files" not in message


def remove_output(site: str, path: str) -> None:
    """Remove a built file that no longer has a source, and the folders it leaves empty (a
    full build would not have made them)."""
    os.remove(path)
    folder = os.path.dirname(path)
    while os.path.normpath(folder) != os.path.normpath(site):
        try:
            os.rmdir(folder)  # only when empty
        except OSError:
            break
        folder = os.path.dirname(folder)


def _material_json(value) -> str:
    """JSON as Material's search plugin writes its index (ASCII, compact), so that a merged
    index is byte for byte the index a full build writes."""
    return json.dumps(value, separators=(",", ":"), default=str)


class IncrementalServe(Speedup):
    name = "incremental_serve"

    def __init__(self, adapter) -> None:
        super().__init__(adapter)
        self.incremental = False  # this build renders only changed pages
        self.sigs: dict | None = None  # previous build's page signatures
        self.env = None  # previous build's navigation and theme signature
        self.pages: dict[str, tuple[str, str]] = {}  # page src -> (url, dest) of the last build
        self.meta: dict[str, dict] = {}  # page src -> title, tags, hide (for skipped pages)
        self.search: dict[str, bytes] | None = None  # page URL -> its serialised search entries
        self.vault_json = export.EntryCache()  # where each note's entry is in the last vault.json
        self.rebuild: set[str] | None = None
        self.generated_sigs: dict[str, tuple[str, str]] = {}  # see incremental.generated_signatures
        self.removed_urls: set[str] = set()
        self.removed_dests: set[str] = set()
        self.rebuilt_urls: set[str] | None = None

    def check(self) -> str | None:
        from mkdocs.commands import serve as serve_cmd

        if params(getattr(serve_cmd, "build", None))[:1] != ["config"] or \
                not {"serve_url", "dirty"} <= set(params(serve_cmd.build) or ()):
            return "mkdocs.commands.serve.build(config, serve_url=, dirty=) changed"
        if not hasattr(File, "is_modified"):
            return "File.is_modified is gone"
        return None

    def install(self) -> None:
        from mkdocs.commands import serve as serve_cmd

        current = serve_cmd.build
        for func in (current, getattr(current, "_vaultsite_original", None)):
            if getattr(func, "_vaultsite_kind", None) == "serve_build":
                func._vaultsite_owner = self
                return

        def build(config, *, serve_url=None, dirty=False):
            owner: IncrementalServe = build._vaultsite_owner
            # After one clean build, a rebuild keeps site/ and renders only changed pages.
            owner.incremental = owner.active and owner.adapter.serving.builds > 0
            return build._vaultsite_original(config, serve_url=serve_url, dirty=dirty or owner.incremental)

        build._vaultsite_kind = "serve_build"
        build._vaultsite_original = current
        build._vaultsite_owner = self
        serve_cmd.build = build
        logging.getLogger("mkdocs.commands.build").addFilter(_drop_dirty_warning)

    @staticmethod
    def can_request_rebuild(server) -> bool:
        """MkDocs' LiveReloadServer rebuilds when ``_want_rebuild`` is set under
        ``_rebuild_cond`` (what its file watcher's callback does): private names, checked."""
        return (isinstance(getattr(server, "_rebuild_cond", None), threading.Condition)
                and isinstance(getattr(server, "_want_rebuild", None), bool))

    @staticmethod
    def request_rebuild(server) -> None:
        with server._rebuild_cond:
            server._want_rebuild = True
            server._rebuild_cond.notify_all()

    # -- on_files --------------------------------------------------------------------------
    @staticmethod
    def versions(sources) -> dict[str, tuple]:
        """note src -> the version its signature holds (size, mtime, ctime)."""
        return {s.src: (s.size, s.mtime, s.ctime) for s in sources}

    def plan(self, files, config, vault, sources, generated, theme_version, base=None) -> None:
        """Signatures of every page; in an incremental rebuild, mark which pages to render.
        ``base``: the notes' ``incremental.base_signatures``, when a forked child computed
        them meanwhile (a ``forkpool.Background``)."""
        sigs = incremental.note_signatures(vault, self.versions(sources), base.result() if base is not None else None)
        # (Only mkdocs serve builds again in this process: a one-off build keeps no texts.)
        sigs.update(incremental.generated_signatures(generated, self.generated_sigs if self.adapter.serving.on else None))
        for cid, src in vault.company_pages.items():  # a user's company note carries a generated section
            if src in sigs and src not in generated:
                sigs[src] = incremental.combine(sigs[src], render.company_section(vault, cid, src))
        # The navigation, the theme and the vault's Obsidian settings (.obsidian/app.json):
        # a change to any of them rebuilds every page.
        env = incremental.nav_signature((config.nav, theme_version, getattr(vault, "settings", None)))
        prev = self.sigs if self.incremental and self.env == env else None
        rebuild = incremental.changed_pages(prev, sigs)
        if rebuild is not None:
            rebuild.add(GENERATED["tags"])  # Material lists tags there from every page's meta
        # URLs as Material's search entries name them (the home page is "", not "./").
        pages = {nfc(f.src_uri): ("" if f.url == "./" else f.url, f.dest_uri) for f in files.documentation_pages()}
        gone = {s: v for s, v in self.pages.items() if s not in pages}
        live_dests = {dest for _, dest in pages.values()}
        self.rebuild = rebuild
        self.removed_urls = {url for url, _ in gone.values()}
        # A page that moved to another owner (x.md deleted, x.markdown now at x/) is not stale.
        self.removed_dests = {dest for _, dest in gone.values() if dest not in live_dests}
        self.rebuilt_urls = None if rebuild is None else {pages[s][0] for s in rebuild if s in pages}
        self.sigs, self.env, self.pages = sigs, env, pages
        if self.incremental:
            for f in files.documentation_pages():
                src = nfc(f.src_uri)
                flag = rebuild is None or src in rebuild or src not in sigs
                f.is_modified = (lambda flag=flag: flag)
            log.info("vaultsite: incremental rebuild of %s page(s)", "all" if rebuild is None else len(rebuild))

    # -- on_page_markdown ------------------------------------------------------------------
    def remember_meta(self, src: str, meta: dict) -> None:
        self.meta[src] = {k: v for k, v in meta.items() if k in ("title", "tags", "hide")}

    # -- on_env ----------------------------------------------------------------------------
    def restore_skipped(self, config, files) -> None:
        """Pages this rebuild skipped still need their title and tags for nav and listings."""
        if not self.incremental or self.rebuild is None:
            return
        tags_plugin = config.plugins.get("material/tags")
        # Material needs every page's tags only to fill a listing (``<!-- material/tags -->``)
        # on a page this rebuild renders; registering 5,000 pages costs seconds.
        listings = getattr(tags_plugin, "listings", None) if tags_plugin is not None else None
        if listings is None or not any(True for _ in listings):
            tags_plugin = None
        for f in files.documentation_pages():
            page = f.page
            if page is None or page.markdown is not None:
                continue
            page.markdown = ""
            page.meta = dict(self.meta.get(nfc(f.src_uri), {}))
            if tags_plugin is not None and page.meta.get("tags"):
                tags_plugin.mappings.add(page, "")

    # -- on_post_build ---------------------------------------------------------------------
    def finish(self, site: str) -> None:
        self._merge_search_index(site)
        self._remove_stale_pages(site)

    def _merge_search_index(self, site: str) -> None:
        """Keep the search entries of the pages this rebuild did not render.

        The entries are kept serialised, per page: a rebuild re-serialises only its own
        pages' entries (the whole index of a 5,000-note vault is about 45 MB of JSON).
        """
        path = os.path.join(site, "search", "search_index.json")
        if not os.path.exists(path):
            return
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        pages: dict[str, list[str]] = {}
        for doc in data["docs"]:
            pages.setdefault(doc["location"].split("#", 1)[0], []).append(_material_json(doc))
        # UTF-8 bytes, not str: joining and writing 40 MB of mixed-script text is ~10x faster.
        fresh = {url: ",".join(docs).encode("utf-8") for url, docs in pages.items()}
        frags = self.search
        if self.incremental and self.rebuilt_urls is not None and frags is not None:
            for url in self.rebuilt_urls | self.removed_urls:
                frags.pop(url, None)
            frags.update(fresh)
            config = _material_json(data["config"]).encode("utf-8")
            # In page order, as a full build writes them (a rebuilt page keeps its place).
            ordered = [frags.get(url) for url, _ in self.pages.values()]
            with open(path + ".tmp", "wb") as fh:  # renamed: a request may read it meanwhile
                fh.write(b'{"config":' + config + b',"docs":[' + b",".join(f for f in ordered if f) + b"]}")
            os.replace(path + ".tmp", path)
        else:
            self.search = fresh

    def _remove_stale_pages(self, site: str) -> None:
        """Dirty rebuilds keep site/: a deleted note's page must not linger there."""
        for dest in self.removed_dests:
            stale = os.path.join(site, dest)
            if os.path.isfile(stale):
                remove_output(site, stale)
