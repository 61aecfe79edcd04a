"""The MkDocs adapter: one object that turns MkDocs events into calls of the ``vaultsite`` core.

``hooks/vault_hooks.py`` (the file ``mkdocs.yml`` names) forwards every event here.  All build
and serve state lives on this object: the note cache and everything ``mkdocs serve`` keeps
between rebuilds, the current build's vault, and the optional speed-ups.  The object itself is
kept by :func:`adapter_for`, per project, so a ``mkdocs serve`` session finds it again even if
MkDocs loaded the hook file anew.

Event -> core call:

* ``on_startup``: note the command (``serve`` keeps state between builds).
* ``on_config``: read and validate the settings, turn on the speed-ups, register the Markdown
  extension (one instance per build).
* ``on_files``: scan what MkDocs found, build the vault (cached between rebuilds), swap ``.txt``
  notes and NFD file names for virtual pages, add the generated pages, set a small navigation.
* ``on_page_read_source``: the note's clean Markdown (a CP949 note or broken front matter never
  reaches MkDocs' own reader).
* ``on_page_markdown``: tell the extension which page it renders; escape titles and tags.
* ``on_page_content``: sanitise HTML.
* ``on_page_context``: note header and backlinks for ``overrides/``.
* ``on_post_build``: ``vault.json``, the problem report and the search index (``sitesearch.py``).
"""
from __future__ import annotations

import gc
import html as html_mod
import logging
import os
import re
import threading
import time
from dataclasses import dataclass, field, replace

from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from vaultsite import export, forkpool, graph, incremental, latest, render, sanitize, search
from vaultsite import tags as tags_mod
from vaultsite.build import Cache, Vault, build_vault, is_note_path
from vaultsite.companies import Registry
from vaultsite.mdext import VaultExtension
from vaultsite.model import Note, Problem
from vaultsite.navigation import build_nav
from vaultsite.textutil import nfc

from . import packedfile
from . import settings as settings_mod
from .buildcache import BuildCache, unpin
from .gcpolicy import GCPolicy
from .guard import RenderGuard
from .navcache import NavCache
from .parallel import ParallelPages, ParallelPagesSpeedup, unknown_plugins
from .searchparse import SearchTokenizer
from .feeds import head_context, write_feeds
from .sitesearch import report_site_search, shrink_site_material_index, site_search_files, skip_material_indexing
from .scan import vault_sources
from .serve import IncrementalServe
from .templates import TemplateCache
from .themefiles import ThemeFiles
from .watch import NativeWatch

log = logging.getLogger("mkdocs.plugins.vaultsite")

_ADAPTERS: dict[str, "VaultAdapter"] = {}


def adapter_for(hook_file: str) -> "VaultAdapter":
    """The adapter of the project whose hook file this is, made once per process."""
    key = os.path.realpath(hook_file)
    adapter = _ADAPTERS.get(key)
    if adapter is None:
        adapter = _ADAPTERS[key] = VaultAdapter()
    return adapter


@dataclass
class Serving:
    """What ``mkdocs serve`` keeps between builds."""

    command: str | None = None
    builds: int = 0  # builds started in this process

    @property
    def on(self) -> bool:
        """This build is part of a ``mkdocs serve`` session (state is kept for the next one)."""
        return self.command == "serve"


@dataclass
class BuildState:
    """One build's understanding of the vault; made anew by ``on_config``."""

    ext: VaultExtension
    settings: settings_mod.VaultSettings
    vault: Vault | None = None
    page_notes: dict[str, Note] = field(default_factory=dict)  # page src_uri -> Note rendered
    company_of_page: dict[str, str] = field(default_factory=dict)
    refused_seen: int = 0  # refused links the vault pass reported already
    render_start: int = 0  # vault.problems from here on were found while rendering pages
    skipped: list = field(default_factory=list)  # files a cached build did not render
    page_order: list = field(default_factory=list)  # page srcs, in MkDocs' order
    dests: set = field(default_factory=set)  # every output path of this build's files
    nav: object = None  # MkDocs' Navigation of this build (navcache)
    generated: set = field(default_factory=set)  # src_uris of the generated pages


#: a YAML front matter block as MkDocs finds it (``mkdocs.utils.meta.YAML_RE``), in UTF-8
_FRONT_MATTER = re.compile(rb"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)


def _defer_generated(page) -> str | None:
    """A generated page of a parallel build, as notes are (``on_page_read_source``): MkDocs
    gets its front matter now (the navigation and the tags need its title), its Markdown is
    made when it is rendered (``_vs_fill``, in whichever process renders it), from the file's
    content, which this process lets go of once the page is built (``parallel.release``).
    Read whole here, every listing's Markdown stayed in this process until its page was
    built, beside the file's content: 290 MB at 20,000 notes when the pages began."""
    file = page.file
    try:
        data, size = packedfile.head(file)  # (a packed file: only its start)
        m = _FRONT_MATTER.match(data)
        if m is None and len(data) < size:  # front matter longer than the head read
            data = file.content_bytes
            m = _FRONT_MATTER.match(data)
    except UnicodeEncodeError:  # a text UTF-8 cannot hold: MkDocs reads it whole
        return None
    if m is None:
        return None
    end = m.end()

    def fill() -> str:
        markdown, page._vs_raw = render.lift_raw(file.content_bytes[end:].decode("utf-8").lstrip("\n"))
        return markdown

    page._vs_fill = fill
    page._vs_size = size - end
    return data[:end].decode("utf-8")


def _as_text(value: str) -> str:
    """``value`` escaped for HTML text: ``<img onerror=…>`` in a title prints as written."""
    return html_mod.escape(value, quote=False)


class VaultAdapter:
    def __init__(self) -> None:
        self.cache = Cache()
        self.page_memo: dict = {}  # generated pages and their inputs (mkdocs serve)
        self.serving = Serving()
        self.build: BuildState | None = None
        self.guard = RenderGuard(self)
        self.parallel = ParallelPagesSpeedup(self)
        self.tokenizer = SearchTokenizer(self)
        self.serve = IncrementalServe(self)
        self.gc = GCPolicy(self)
        self.templates = TemplateCache(self)
        self.theme_files = ThemeFiles(self)  # the theme's files listed once (serve, cached builds)
        self.nav_cache = NavCache(self)  # the navigation sidebar once per folder
        self.buildcache = BuildCache(self)
        self.watch = NativeWatch(self)  # mkdocs serve: folders watched by the kernel, not by polling
        self._registry_files: tuple = ()
        self._registry: Registry | None = None
        self._synonym_files: tuple = ()
        self._synonyms: dict | None = None
        self.graph_memo: dict = {}  # graph files last written (mkdocs serve writes only changes)
        self.search_shards: dict | None = None  # search shard files last written (mkdocs serve)
        self.early_search: forkpool.Background | None = None  # see _early_search
        self.server = None  # mkdocs serve's LiveReloadServer (on_serve)
        self.related_wanted: str | None = None  # the inputs of the related notes last asked for
        self.outputs: threading.Thread | None = None  # a serve rebuild's indexes being written

    # -- helpers the speed-ups call ----------------------------------------------------------
    def note_for_page(self, page_src: str) -> Note | None:
        vault = self.build.vault if self.build else None
        return vault.note_for_page(page_src) if vault is not None else None

    def report(self, src: str, problem: str) -> None:
        """A warning found while rendering: in the problem report, and in the log (--strict)."""
        p = Problem(src, problem)
        self.build.vault.problems.append(p)
        log.warning("vaultsite: %s: %s", p.src, p.problem)

    # -- events ------------------------------------------------------------------------------
    def on_startup(self, command, dirty=False) -> None:
        self.serving.command = command
        self.templates.use_folder(None)  # this adapter's environments, none cached until told
        if command == "serve" and not dirty:
            self.serve.start(True)  # installs the wrapper; on_config decides per build
        if command == "build":
            self.buildcache.start(True)  # installs the wrapper; it reads the cache before each build

    def on_config(self, config):
        self.join_outputs()  # the last serve rebuild's indexes are written before this build reads its state
        unpin()  # the last build's pages and vault, kept for its cache writer (buildcache.pin_until_exit)
        settings = settings_mod.load(config.extra.get("vaultsite"), os.path.dirname(config.config_file_path or "."),
                                     config.docs_dir)
        wanted = settings.speedups
        self.gc.start(wanted["gc_policy"])
        self.gc.build_started(self.serving.on)
        self.guard.start(wanted["render_guard"])
        self.parallel.start(wanted["parallel_pages"])
        self.tokenizer.start(wanted["search_tokenizer"])
        self.nav_cache.start(wanted["nav_cache"])
        if self.serving.on:
            self.templates.serve(wanted["template_cache"])
        self.watch.start(wanted["native_watch"] and self.serving.command == "serve")
        # ``mkdocs build`` with the build cache keeps what serve keeps, on disk (buildcache.py).
        cached = (self.serving.command == "build" and self.buildcache.active and wanted["build_cache"]
                  and wanted["incremental_serve"])
        if not self.serve.start((wanted["incremental_serve"] and self.serving.on) or cached):
            self.serve.incremental = False
            cached = False
        if self.serving.command == "build":
            self.serve.incremental = cached and self.buildcache.use
            if cached:
                self.buildcache.restore(self)
            self.buildcache.begin(cached)
            if not (wanted["template_cache"] and self.buildcache.keeping):
                self.templates.use_folder(None)
        # The theme's files listed once: in this process while serving, in the build cache.
        self.theme_files.start(wanted["theme_files"] and (self.serving.on or self.buildcache.keeping))
        self.parallel.run = None
        if self.serving.on:
            self.serving.builds += 1
        # A rebuild of a real mkdocs serve may show the last related notes while the new ones
        # are computed, then rebuild with them (see _related_later).
        self.cache.related_later = (self._related_later if self.server is not None and self.serve.incremental
                                    and self.serve.can_request_rebuild(self.server) else None)
        ext = VaultExtension()
        config.markdown_extensions.append(ext)
        self.build = BuildState(ext=ext, settings=settings)
        skip_material_indexing(config, self.serving.on or settings["search"] == "material")
        if not config.use_directory_urls:
            log.warning("vaultsite: use_directory_urls: false is not supported; generated pages assume directory URLs")
        return config

    def _user_data(self, settings) -> tuple[Registry | None, dict | None]:
        """The company registry and tag synonyms, extended by the user's files (read once per
        file version)."""
        files = ()
        if settings["companies"]:
            st = os.stat(settings["companies"])
            files = ((settings["companies"], st.st_size, st.st_mtime),)
        if files != self._registry_files or (files and self._registry is None):
            self._registry_files = files
            self._registry = None
            if files:
                registry = Registry.load()
                try:
                    own = Registry.load(files[0][0])
                except (ValueError, OSError, yaml.YAMLError) as exc:
                    raise PluginError(f"{settings_mod.KEY}.companies: {exc}") from None
                for company in own.companies():
                    registry.add(company)
                self._registry = registry
        synonyms_files = ()
        if settings["tag_synonyms"]:
            st = os.stat(settings["tag_synonyms"])
            synonyms_files = ((settings["tag_synonyms"], st.st_size, st.st_mtime),)
        if synonyms_files != self._synonym_files:
            self._synonym_files = synonyms_files
            self._synonyms = None
            if synonyms_files:
                synonyms = tags_mod.load_synonyms()
                try:
                    synonyms.update(tags_mod.load_synonyms(Path(synonyms_files[0][0]), strict=True))
                except (ValueError, OSError, yaml.YAMLError) as exc:
                    raise PluginError(f"{settings_mod.KEY}.tag_synonyms: {exc}") from None
                self._synonyms = synonyms
        # A fresh copy each build: the build adds the vault's company notes to it.
        registry = None
        if self._registry is not None:  # copies: the build merges company notes into them
            registry = Registry(replace(c, aliases=list(c.aliases), tickers=list(c.tickers), exact=list(c.exact))
                                for c in self._registry.companies())
        return registry, self._synonyms

    def _early_search(self, config, vault):
        """In a cached build (few pages to render), the search index's child starts once the
        vault is known (``on_files``), not after the pages: it reads only the
        notes' search records and the company pages (``search.search_pages``), and it ran
        alone for 1-1.5 s at the end of such a build at 5,000 notes when a note was added or
        removed). The same child writes the graph's files next (0.3 s at 5,000 notes that this
        process no longer spends): they too read only the vault. A full build keeps the search
        index for the end: beside the page workers its copy of the heap would add to the
        build's peak memory."""
        if not (self.buildcache.use and self.buildcache.keeping) or self.serving.on:
            return None
        if self.build.settings["search"] == "material":
            return None
        if threading.active_count() != 1 or not hasattr(os, "fork"):
            return None
        return self._search_job(vault, config.site_dir, bool(self.build.settings["graph"]))

    def _search_job(self, vault, site: str, graph_too: bool) -> forkpool.Background:
        """The search index's files (vaultsite's index), written by a forked child from what
        the last build left in the site folder (``buildcache.in_site``); its result is the
        search index's and, with ``graph_too``, the graph files' memo (else None)."""
        graph_memo = self.buildcache.in_site("graph") if graph_too else None
        last, shards = self._last_search_index()  # (also left alone by the child's collector)

        def work():
            indexed = site_search_files(vault, site, False, last, shards)
            return indexed, graph.write_graph(vault, site, graph_memo)["memo"] if graph_too else None

        return forkpool.Background(work)

    def _last_search_index(self) -> tuple:
        """What the last build left in the site folder of the search index (its key and its
        shards' digests, ``buildcache.in_site``), for a build that writes the index now. What
        this build made so far is frozen first: the collections while the index is made (in
        this process or a forked child) leave it alone."""
        self.gc.settle()
        gc.freeze()
        return self.buildcache.in_site("search_key"), self.buildcache.in_site("search_shards")

    def on_files(self, files: Files, config):
        started = time.perf_counter()
        state = self.build
        own_files = {p for p in (state.settings["companies"], state.settings["tag_synonyms"]) if p}
        sources, by_src, early = vault_sources(files, config, own_files)
        self.gc.files_started(self.serving.on)

        cache = self.cache
        keeps = self.serving.on or self.buildcache.keeping
        cache.memo_links = keeps  # only serve rebuilds (and cached builds) reuse link resolutions
        # A cached build waits for the related notes (few pages to render meanwhile): two
        # children share them. A full build renders its pages meanwhile, and its memory is tight.
        cache.related_parts = 2 if self.buildcache.use and (os.cpu_count() or 1) > 1 else 1
        registry, synonyms = self._user_data(state.settings)
        settings = state.settings
        vault = build_vault(sources, cache, registry=registry, synonyms=synonyms,
                            company_ignore=settings["company_ignore"], exclude=settings["exclude"],
                            home=settings["home"], language=config.theme.get("language"),
                            related=settings["related"],
                            graph=settings["graph"])
        for src in vault.unpublished:  # publish: false, draft: true, excluded folders
            f = by_src.pop(src, None)
            if f is not None:
                files.remove(f)
        vault.problems[:0] = [Problem(src, problem, level) for src, problem, level in early]
        state.vault = vault
        if not keeps:
            # A one-off build never reads the cache again: what the vault does not hold (company
            # mentions, link contexts, raw links of 5,000 notes) need not stay for the page pass.
            cache.facts.clear()
        self.gc.vault_built()

        # Files MkDocs cannot read as a UTF-8 page, or whose page lives at another path.
        noted = {n.src: n for n in vault.notes}
        for src, f in by_src.items():
            if is_note_path(src):
                note = noted.get(src)
                if note is None or note.page_src != f.src_uri:
                    files.remove(f)
                    if note is not None:
                        files.append(File.generated(config, note.page_src, content=""))
            elif vault.attachment_output.get(src, (None,))[0] is not None:
                # An SVG, XML or HTML attachment: its cleaned bytes are published, never the file.
                files.remove(f)
                files.append(File.generated(config, src, content=vault.attachment_output[src][0]))
            elif src != f.src_uri:  # an NFD-named attachment: publish it under its NFC name
                files.remove(f)
                files.append(File.generated(config, src, abs_src_path=f.abs_src_path))

        existing = {f.src_uri for f in files}
        base_sigs = None
        if self.serve.active and self.buildcache.use and threading.active_count() == 1 and hasattr(os, "fork"):
            # A cached build: the notes' signatures (1.1 s at 5,000 notes on a slow machine)
            # are computed by a forked child while this process makes the generated pages.
            # (Not in a full build: the child's copies of the heap it touches would add to
            # the build's peak memory.)
            versions = self.serve.versions(sources)
            base_sigs = forkpool.Background(lambda: incremental.base_signatures(vault, versions))
        vault.page_memo = self.page_memo if keeps else None  # serve reuses unchanged pages
        generated = render.generated_pages(vault, existing)
        state.generated = set(generated)
        if not self.serving.on:
            # A one-off build holds its generated pages packed (deflated UTF-8; the files and
            # the memo the build cache keeps share them): 8 MB instead of 83 at 5,000 notes.
            generated = render.pack_pages(generated, vault.page_memo)
        for src, content in generated.items():
            files.append(packedfile.generated_file(config, src, content))
        if config.nav is None:  # a nav written in mkdocs.yml is the user's choice and wins
            config.nav = build_nav(vault, {f.src_uri for f in files.documentation_pages()})

        state.ext.bind(vault.resolver, vault.tag_index, tag_pages=vault.tag_pages,
                       directory_urls=config.use_directory_urls)
        state.company_of_page = {v: k for k, v in vault.company_pages.items()}

        if self.early_search is not None:  # a build that failed before its end left it
            self.early_search.result()
        # The search index's (and graph's) child, in a cached build: at once, unless children
        # computing the related notes run (on two cores a third process would slow the
        # signatures below, which wait for them); then once they are done.
        early_now = vault.related_job is None
        if early_now:
            self.early_search = self._early_search(config, vault)
        if self.serve.active:
            self.serve.plan(files, config, vault, sources, generated, self._theme_version(config), base_sigs)
        if self.buildcache.keeping:
            self.buildcache.mark_static(files)
        state.render_start = len(vault.problems)
        if not early_now:
            self.early_search = self._early_search(config, vault)
        self.parallel.run = self._parallel_run(config, vault)
        # Links resolved while rendering (reference-style links) may still refuse a target.
        state.refused_seen = len(vault.resolver.refused)

        for p in vault.problems:
            if p.level == "warning":
                log.warning("vaultsite: %s: %s", p.src or "(vault)", p.problem)
            else:
                log.debug("vaultsite: %s: %s", p.src or "(vault)", p.problem)
        self.gc.settle()
        log.info("vaultsite: %d notes, %d attachments, %d generated pages in %.2fs (cache %d hits, %d misses)",
                 len(vault.notes), len(vault.index.attachments), len(generated),
                 time.perf_counter() - started, cache.hits, cache.misses)
        return files

    def _parallel_run(self, config, vault) -> ParallelPages | None:
        """Build note pages on every core when that is safe and worth it."""
        state = self.build
        settings = state.settings
        if (not self.parallel.active or settings["workers"] < 2 or len(vault.notes) < settings["parallel_min"]
                or self.serve.incremental or threading.active_count() > 1):
            return None
        own = {name for name, p in config.plugins.items() if getattr(p, "ADAPTER", None) is self}  # the hook shim
        unknown = unknown_plugins(config, own)
        if unknown:
            log.info("vaultsite: building pages in one process (plugins %s may keep per-page state)",
                     ", ".join(unknown))
            return None
        tags_plugin = config.plugins.get("material/tags")
        page_notes = state.page_notes

        def has_listing(page) -> bool:  # Material fills tag listings into the page's HTML in on_env
            return tags_plugin is not None and any(listing.page is page for listing in tags_plugin.listings)

        def can_defer(page) -> bool:  # a vault note or a generated page, with its title in front matter
            title = page.meta.get("title")
            return (page.file.src_uri in page_notes and isinstance(title, str) and bool(title)
                    and not has_listing(page))

        def before_render(page) -> None:
            state.ext.set_page(page_notes[page.file.src_uri])
            self.buildcache.page_log.current = page.file.src_uri

        def snapshot():
            return len(vault.problems), len(vault.resolver.refused)

        def changes(snap):
            return vault.problems[snap[0]:], vault.resolver.refused[snap[1]:]

        def merge(got):
            problems, refused = got
            vault.problems.extend(problems)
            vault.resolver.refused.extend(refused)

        run = ParallelPages(settings["workers"], can_defer, before_render, snapshot, changes, merge,
                            self.parallel.originals(), self.tokenizer)
        run.page_log = self.buildcache.page_log if self.buildcache.keeping else None
        return run

    @staticmethod
    def _theme_version(config) -> tuple:
        """mtimes of mkdocs.yml and the overrides: a change there rebuilds every page."""
        stamps = []
        for path in (config.config_file_path, config.theme.custom_dir):
            if not path or not os.path.exists(path):
                continue
            if os.path.isdir(path):
                for root, _, names in os.walk(path):
                    stamps += [os.path.getmtime(os.path.join(root, n)) for n in names]
            else:
                stamps.append(os.path.getmtime(path))
        return (len(stamps), max(stamps, default=0))

    def on_serve(self, server):
        """``mkdocs serve``, once, before it serves: folders watched natively (``watch.py``)."""
        self.watch.take_over(server)
        self.server = server
        return server

    def on_shutdown(self) -> None:
        self.related_wanted = None  # no rebuild asked for any more
        self.join_outputs()

    def on_build_error(self, error) -> None:
        run = self.parallel.run
        if run is not None:
            run.abort()
        self.buildcache.end()
        self.gc.build_ended(self.serving.on)

    def on_env(self, env, config, files):
        self.templates.apply(env)
        if self.nav_cache.active and self.build is not None and self.build.nav is not None:
            self.nav_cache.begin(self.build.nav)
            env.globals["vs_cached_nav"] = self.nav_cache.render
        if self.serve.active:
            self.serve.restore_skipped(config, files)
        if self.buildcache.keeping:
            self.build.skipped = self.buildcache.skipped_pages(files)
            self.buildcache.replay(self.build.skipped)
            self.build.page_order = [nfc(f.src_uri) for f in files.documentation_pages()]
            self.build.dests = {f.dest_uri for f in files}
        return env

    def on_pre_page(self, page):
        self.buildcache.page_log.current = page.file.src_uri
        return page

    def on_post_page(self, output, page):
        self.buildcache.page_log.current = None
        vars(page).pop("_vs_raw", None)  # render.lift_raw's blocks: the page is written
        return output

    def on_page_read_source(self, page, config):
        state = self.build
        if state is None or state.vault is None:
            return None
        src = nfc(page.file.src_uri)
        note = state.vault.note_for_page(src)
        if note is None:
            if self.parallel.run is not None and src in state.generated:
                return _defer_generated(page)
            return None
        extra = ""
        cid = state.company_of_page.get(src)
        if cid:
            extra = render.company_section(state.vault, cid, src)
        elif note is latest.home_note(state.vault):  # the vault's own home note: the latest notes below it
            extra = render.home_section(state.vault, src)
        if self.parallel.run is not None and not extra:
            # Pages built in parallel: the page gets its front matter as a dict (on_page_markdown;
            # MkDocs parsing it as YAML cost 0.5 ms a page) and its Markdown only when it is
            # rendered (parallel.py calls ``_vs_fill``), in whichever process renders it.
            meta = render.note_meta(state.vault, note)
            if render.meta_round_trips(meta):
                vault = state.vault
                page._vs_meta = meta
                page._vs_fill = lambda: render.note_body(vault, note)
                page._vs_size = len(note.body)
                return ""
        return render.note_source(state.vault, note, extra)

    @staticmethod
    def _escape_page_meta(page) -> None:
        """Material prints page titles and tag names as raw HTML (header, navigation, tag chips,
        tag listings, ``<title>``): a note titled ``<img src=x onerror=…>`` must print as text.

        Tags escape only ``<`` and ``>`` so that ``M&A`` keeps the anchor Material gives it.
        Runs before Material's tags plugin (priority -50) reads ``page.meta``.
        """
        meta = page.meta
        if isinstance(meta.get("title"), str):
            meta["title"] = _as_text(meta["title"])
        if isinstance(meta.get("description"), str):  # Material prints it in <meta content="…">
            meta["description"] = html_mod.escape(meta["description"], quote=True)
        tags = meta.get("tags")
        if isinstance(tags, list):
            meta["tags"] = [t.replace("<", "&lt;").replace(">", "&gt;") if isinstance(t, str) else t for t in tags]

    def on_nav(self, nav):
        """Titles the navigation gives (folder labels, note titles in a small vault) are raw HTML
        to Material as well; escape each once (the navigation is built anew every build)."""
        if self.build is not None:
            self.build.nav = nav
        stack = list(nav.items)
        while stack:
            item = stack.pop()
            if "title" in vars(item) and isinstance(vars(item)["title"], str):
                item.title = _as_text(item.title)
            stack.extend(getattr(item, "children", None) or ())
        return nav

    def on_page_markdown(self, markdown, page):
        meta = vars(page).pop("_vs_meta", None)
        if meta is not None:  # on_page_read_source gave the front matter as a dict
            page.meta = meta
        self._escape_page_meta(page)
        state = self.build
        if state is None or state.vault is None:
            return markdown
        src = nfc(page.file.src_uri)
        note = state.vault.note_for_page(src)
        if note is None:  # a generated page: its listings skip Markdown (render.lift_raw)
            note = Note(src=src, title=page.title or "", body="", format="generated", page_src=src)
            markdown, page._vs_raw = render.lift_raw(markdown)
            if self.parallel.run is not None and "_vs_fill" not in vars(page):
                # A plain build reads each page once: the File need not hold the page's Markdown
                # (company and timeline listings: 90 MB at 5,000 notes) until the build ends.
                # (A deferred one keeps it until it is built: ``_defer_generated``.)
                page.file.content_string = ""
        state.ext.set_page(note)
        state.page_notes[page.file.src_uri] = note
        if self.serve.active:
            self.serve.remember_meta(src, page.meta)
        return markdown

    def on_page_content(self, html, page):
        state = self.build
        if state is None or state.vault is None:
            return html
        note = state.vault.note_for_page(nfc(page.file.src_uri))
        self.buildcache.page_log.current = None
        if note is None:
            # (a deferred page's on_page_content also runs once, with no HTML, before it is
            # rendered: its blocks are kept for then)
            return render.put_back_raw(html, vars(page).pop("_vs_raw", None) if html else getattr(page, "_vs_raw", None))
        return sanitize.clean_page(html, note, trusted=state.settings["trust_html"])

    def on_page_context(self, context, page):
        self.buildcache.page_log.current = page.file.src_uri
        state = self.build
        if state is None or state.vault is None:
            return context
        vault = state.vault
        head_context(state.settings, vault, context, page)  # feed links, description, social previews
        note = vault.note_for_page(nfc(page.file.src_uri))
        if note is None:
            return context
        context["vs_note"] = render.page_context(vault, note)
        return context

    def _page_problems(self, state: BuildState, vault: Vault) -> None:
        """The problems found while rendering pages, in page order whatever order the pages were
        rendered in (one process, several, or a cached build that skipped most of them: their
        problems come from the cache)."""
        problems = vault.problems[state.render_start:]
        refused = vault.resolver.refused[state.refused_seen:]
        cache = self.buildcache
        if cache.keeping and cache.use:
            kept = cache.state["page_problems"]
            for f in state.skipped:
                note = vault.note_for_page(nfc(f.src_uri))
                got = kept.get(note.src) if note is not None else None
                if got:
                    problems += got[0]
                    refused += got[1]
        if not problems and not refused:
            return
        order = {}
        for i, src in enumerate(state.page_order):
            note = vault.note_for_page(src)
            order.setdefault(note.src if note is not None else src, i)
        last = len(order)
        problems.sort(key=lambda p: order.get(p.src, last))
        refused.sort(key=lambda p: order.get(p.src, last))
        vault.problems[state.render_start:] = problems
        vault.resolver.refused[state.refused_seen:] = refused
        if cache.keeping:
            by_src: dict[str, tuple[list, list]] = {}
            for p in problems:
                by_src.setdefault(p.src, ([], []))[0].append(p)
            for p in refused:
                by_src.setdefault(p.src, ([], []))[1].append(p)
            cache.page_problems = by_src

    def on_post_build(self, config) -> None:
        state = self.build
        vault = state.vault if state else None
        if vault is None:
            self.gc.build_ended(self.serving.on)
            return
        self._page_problems(state, vault)
        seen = state.refused_seen
        known = set(vault.resolver.refused[:seen])  # the vault pass reported these already
        for p in vault.resolver.refused[seen:]:
            if p in known:  # a Markdown link the page render resolved again
                continue
            known.add(p)
            vault.problems.append(p)
            log.warning("vaultsite: %s: %s", p.src or "(vault)", p.problem)
        if self.server is not None and self.serving.on and self.serve.incremental:
            # A rebuild of mkdocs serve: the site's indexes (vault.json, the feeds, the graph's
            # files, the merged search index, the problem report) are written by a thread once
            # the pages are; MkDocs serves nothing while a build runs, so the pages show that
            # much sooner (about 1 s of a rebuild at 5,000 notes). The next build waits for it.
            self.outputs = threading.Thread(target=self._outputs_in_background, args=(config, state, vault),
                                            name="vaultsite-outputs", daemon=True)
            self.outputs.start()
        else:
            self._write_outputs(config, state, vault)
        if self.serving.on and state.settings["related"]:
            # The next rebuild's related notes: a worker started now waits for them (forkpool).
            forkpool.prestart()
        self.gc.build_ended(self.serving.on)

    def _related_later(self, key: str, job, keep) -> None:
        """``job`` computes the related notes of inputs digested as ``key``: a thread waits for
        it, keeps the lists (``keep``) and asks the server for a rebuild, which renders the
        pages whose lists changed. A later rebuild with other inputs makes this one moot."""
        self.related_wanted = key
        server = self.server

        def wait() -> None:
            try:
                value = job.result()
            except Exception as exc:  # noqa: BLE001 - the lists shown stay the last ones until the next rebuild
                log.error("vaultsite: related notes not computed: %s: %s", type(exc).__name__, exc)
                return
            if self.related_wanted != key:
                return
            keep(value)
            log.info("vaultsite: related notes computed; rebuilding the pages that list them")
            self.serve.request_rebuild(server)

        threading.Thread(target=wait, name="vaultsite-related", daemon=True).start()

    def join_outputs(self) -> None:
        """Wait for the last serve rebuild's indexes (see ``on_post_build``)."""
        job, self.outputs = self.outputs, None
        if job is not None:
            job.join()

    def _outputs_in_background(self, config, state, vault) -> None:
        started = time.perf_counter()
        try:
            self._write_outputs(config, state, vault)
        except Exception as exc:  # noqa: BLE001 - the server goes on; the next rebuild writes them again
            self.serve.sigs = {}  # (so that it does: every page's signature misses)
            log.error("vaultsite: writing vault.json, the feeds, the graph or the search index failed: %s: %s",
                      type(exc).__name__, exc)
            return
        log.debug("vaultsite: site indexes written %.2f s after the pages", time.perf_counter() - started)

    def _write_outputs(self, config, state, vault) -> None:
        """Everything of a build that is not a page: feeds, vault.json, the problem report, the
        search index, the graph; then the build cache."""
        site = config.site_dir
        settings = state.settings
        material_search = self.serving.on or settings["search"] == "material"
        # vault.json, the feeds and the problem report first: written while the search index's
        # and the graph's children run, they would touch every note of the heap the children
        # share with this process, and each page touched is copied (200 MB at 5,000 notes).
        write_feeds(settings, vault, config)
        # In mkdocs serve and a cached build, the entries of notes whose page did not change
        # are copied from the last build's file.
        serve = self.serve if self.serve.active else None
        export.write_vault_json(os.path.join(site, "vault.json"), vault, serve.sigs if serve else None,
                                serve.vault_json if serve else None)
        with open(os.path.join(site, "problems.md"), "w", encoding="utf-8") as fh:
            fh.write(export.problem_report(vault))
        early, self.early_search = self.early_search, None
        if early is not None:
            indexed, graph_memo = early.result()  # every file of the site is written
            if settings["graph"]:
                self.buildcache.graph_memo = graph_memo
        else:
            # The graph's files (only those that changed: in mkdocs serve against the digests
            # it keeps, in a cached build keeping the site folder against the cache's), then
            # the search index's, both here, one after the other. Nothing else runs now, and
            # a forked child only added to the build's memory the pages of the heap it shares
            # with this process and touched (reference counts are writes): at 20,000 notes the
            # child held 464 MB of its own, the index adds about 240 MB to this process. (And
            # written while the child ran, the graph made the two processes' sum 650 MB larger.)
            if settings["graph"]:
                memo = self.graph_memo if self.serving.on else self.buildcache.in_site("graph")
                self.buildcache.graph_memo = graph.write_graph(vault, site, memo)["memo"]
            if self.serving.on:  # the serve folder holds what the last rebuild wrote
                last, shards = None, self.search_shards
            else:
                last, shards = self._last_search_index()
            indexed = site_search_files(vault, site, material_search, last, shards)
        indexed = report_site_search(indexed)
        if indexed is not None:  # vaultsite's index answers: Material's keeps only its config
            shrink_site_material_index(site)
        self.buildcache.search_key = indexed.key if indexed is not None else None
        # Shard files and the digests of their postings, for the next build (or serve rebuild).
        self.search_shards = self.buildcache.search_shards = indexed.shards_written if indexed is not None else None
        # A full build that wrote over the last site: the files it did not write go.
        self.buildcache.prune_unwritten(site, keep=(search.BUNDLE,))
        if serve is not None:
            serve.finish(site)
        if self.buildcache.keeping:
            self.buildcache.remove_stale(site, state.dests)
            self.buildcache.save(self, config, state.dests)
        self.buildcache.end()
