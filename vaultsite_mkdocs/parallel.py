"""Parallel pages: render and write the note pages on every core.

MkDocs builds a site one page at a time: it converts every page's Markdown
(``_populate_page``), then renders every page through the theme's templates
and writes it (``_build_page``).  For a vault of thousands of notes those two
loops are almost all of a build, and a page's HTML depends only on that page
and on state that is complete before the second loop starts (the vault index,
the navigation, every page's title and tags).

So, in a ``mkdocs build`` of a large vault:

1. while MkDocs reads the pages, ``Page.render`` is *deferred* for vault notes:
   the page keeps its source, front matter and title (the navigation and
   Material's tags plugin need those) but is not converted yet;
2. at the first ``_build_page`` call the process forks one worker per core;
   the workers take the deferred pages from a shared queue (large pages first)
   and convert, sanitise, render and write them with MkDocs' own code, exactly
   as the sequential build would, while this process builds the other pages
   (home, tags, timeline, companies);
3. at the last page the workers hand back what the rest of the build needs:
   their search-index entries, anchor ids and links (for MkDocs' anchor
   validation), their log records (re-logged here, so ``--strict`` counts
   them) and any problem the vault core recorded.  A page a worker could not
   build is built again here, where its error surfaces as it would have.

Only a plain ``mkdocs build`` forks: ``mkdocs serve`` has threads (and its
own incremental path), and a configuration with plugins this module does not
know keeps MkDocs' sequential loop, since an unknown plugin may keep per-page
state in the process that renders the page.

This patches two MkDocs internals, ``Page.render`` and
``mkdocs.commands.build._build_page``; ``ParallelPagesSpeedup.check`` looks at
their signatures (and at ``os.fork``) first.
"""
from __future__ import annotations

import gc
import logging
import os
import threading
import traceback
import types
from typing import Callable

import markdown
from mkdocs.commands import build as build_cmd
from mkdocs.structure import pages as pages_mod
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from vaultsite import forkpool

from .speedup import Speedup, original_of, params, patched

log = logging.getLogger("mkdocs.plugins.vaultsite")

# Plugins known to keep no per-page state a worker would lose (search entries are handed back).
KNOWN_PLUGINS = {
    "material.plugins.search.plugin.SearchPlugin",
    "material.plugins.tags.plugin.TagsPlugin",
}


def _class_name(obj) -> str:
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def unknown_plugins(config, own: set[str]) -> list[str]:
    """Names of configured plugins that might keep per-page state (our hook modules excluded)."""
    return [name for name, plugin in config.plugins.items()
            if name not in own and _class_name(plugin) not in KNOWN_PLUGINS]


def _search_entries(config) -> list | None:
    for plugin in config.plugins.values():
        if _class_name(plugin) == "material.plugins.search.plugin.SearchPlugin":
            return plugin.search_index.entries if plugin.config.enabled else None
    return None


CHUNK = 8  # pages a worker takes from the queue at a time
#: a worker hands over to a freshly forked one after a twelfth of the pages, at least
#: ``RETIRE_MIN`` and at most ``RETIRE_MAX`` of them (see ``_retire``): at 5,000 notes the
#: two processes of the page pass peak at about 920 MB this way, 1,130 MB with one worker
#: throughout. At 20,000 notes a worker's copies grew by 600 MB over a twelfth (1,460
#: pages), by 250 MB over 400. The forks cost less than the run-to-run spread of the
#: build's time.
RETIRE_SHARE = 12
RETIRE_MIN = 200
RETIRE_MAX = 300
#: past ``RETIRE_LARGE_PAGES`` pages, after ``RETIRE_LARGE`` pages (see ``retire_after``)
RETIRE_LARGE_PAGES = 10_000
RETIRE_LARGE = 150


def retire_after(pages: int) -> int:
    """How many pages a worker builds before it retires, for a pass of ``pages`` pages. A
    worker copies about as much of the shared heap for every page it builds, whatever the
    vault's size, and so does this process while that worker lives; but the heap they share
    grows with the vault, to about 2 GB at 20,000 notes, where the two processes' copies
    decide whether the page pass stays under 2.5 GB. Past ``RETIRE_LARGE_PAGES`` pages a
    worker retires twice as often: at 20,000 notes the page pass's memory, sampled every 2 s,
    then peaked at 2,341 MiB instead of 2,431 (one build each), and it took 281 s against 287."""
    if pages > RETIRE_LARGE_PAGES:
        return RETIRE_LARGE
    return min(max(pages // RETIRE_SHARE, RETIRE_MIN), RETIRE_MAX)


class _Capture(logging.Handler):
    """A worker's log records, kept to be logged again by the parent process."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
        self.records.append((record.name, record.levelno, message))


class _ReusedMarkdown(types.ModuleType):
    """``markdown`` as ``mkdocs.structure.pages`` sees it in a worker: one ``Markdown`` per worker.

    MkDocs builds a new ``Markdown`` (every extension set up again) for every page: about
    7 % of a worker's time.  Here the instance is reset between pages instead, as
    Python-Markdown documents (``Markdown.reset``) and as Pelican does; MkDocs registers its
    per-page processors on it again under the same names, which replaces the previous
    page's.  After a conversion that raised, the next page gets a fresh instance.
    """

    def __init__(self) -> None:
        super().__init__("markdown")
        self._md = None
        self._key = None

    def __getattr__(self, name):
        return getattr(markdown, name)

    def Markdown(self, **kwargs):  # noqa: N802 - the name MkDocs calls
        key = (id(kwargs.get("extensions")), id(kwargs.get("extension_configs")))
        md = self._md
        if md is not None and self._key == key and md._vaultsite_clean:
            md.reset()
        else:
            md = self._md = markdown.Markdown(**kwargs)
            self._key = key
            convert = md.convert

            def converted(source):
                out = convert(source)
                md._vaultsite_clean = True
                return out

            md.convert = converted
        md._vaultsite_clean = False
        return md


class ParallelPages:
    """One build's parallel page pass; see the module docstring.

    ``can_defer(page)``: whether a page may be built by a worker.
    ``before_render(page)``: called in the worker before a deferred page is converted.
    ``snapshot()`` / ``changes(snap)`` / ``merge(changes)``: state the page
    work appends to in a worker (problems found while rendering), handed back.
    """

    def __init__(self, workers: int, can_defer: Callable, before_render: Callable,
                 snapshot: Callable, changes: Callable, merge: Callable,
                 originals: tuple[Callable, Callable], tokenizer) -> None:
        self.render_original, self.build_page_original = originals
        self.tokenizer = tokenizer  # the search tokenizer speed-up (swapped in per worker)
        self.workers = workers
        self.can_defer = can_defer
        self.before_render = before_render
        self.page_log = None  # set by the adapter when the build cache keeps per-page warnings
        self.snapshot, self.changes, self.merge = snapshot, changes, merge
        self.deferred: dict[str, Page] = {}
        self.files = None
        self.children: list[tuple[int, int]] = []  # (pid, read end of its result pipe)
        self.started = False
        self.forked = False
        self.last_page = None
        self.entries_of: dict[str, list] = {}
        self.queue_pages: list[Page] = []
        self.queue_fd = -1
        self.frames: forkpool.Frames | None = None
        self.retire_after = 0  # pages a worker builds before a fresh one takes over (0: never)
        self.fork_args: tuple = ()
        self.built: set[str] = set()

    # -- populate: defer the conversion ---------------------------------------------------
    def defer(self, page: Page, files) -> bool:
        if not self.can_defer(page):
            return False
        self.files = files
        self.deferred[page.file.src_uri] = page
        # What MkDocs' render would set; the worker sets the real values.
        page.content = ""
        page.toc = get_toc([])
        page._title_from_render = None
        page.present_anchor_ids = None
        page.links_to_anchors = None
        return True

    # -- build: fork, build, join -----------------------------------------------------------
    def build_page(self, page, config, doc_files, nav, env, dirty=False, excluded=False) -> None:
        if not self.started:
            self._start(config, doc_files, nav, env, dirty)
        src = page.file.src_uri
        if src not in self.deferred:
            self._build_one(page, config, doc_files, nav, env, dirty, excluded, render=False)
            self._poll()
        elif not self.forked:  # could not fork: build it here, in order
            self._build_one(page, config, doc_files, nav, env, dirty, excluded, render=True)
        if page is self.last_page:
            self._join(config, doc_files, nav, env, dirty)

    def _start(self, config, doc_files, nav, env, dirty) -> None:
        self.started = True
        doc = list(doc_files)
        self.last_page = doc[-1].page if doc else None
        pages = [f.page for f in doc if f.src_uri in self.deferred]
        if threading.active_count() > 1 or not hasattr(os, "fork"):
            log.debug("vaultsite: not forking (threads running); building %d pages here", len(pages))
            return
        pages.sort(key=lambda p: len(p.markdown or "") or getattr(p, "_vs_size", 0), reverse=True)
        self.queue_pages = pages
        # The work queue (``forkpool``): large pages first, so the processes finish together.
        self.queue_fd = forkpool.make_queue(len(pages), CHUNK)
        gc.collect()
        gc.freeze()  # the workers' garbage collector leaves the inherited heap alone (no copy-on-write)
        # This process is one of the workers (it takes pages from the queue once MkDocs' loop
        # reaches the last page): one copy of the heap fewer than a child per core.
        self.fork_args = (config, doc, nav, env, dirty)
        self.retire_after = retire_after(len(pages))
        self.children = self._fork(self.workers - 1)
        self.frames = forkpool.Frames([r for _, r in self.children])
        self.forked = True  # even with no child: this process works the queue at the last page
        log.info("vaultsite: %d pages built by %d worker processes", len(pages), len(self.children) + 1)

    def _fork(self, count: int) -> list[tuple[int, int]]:
        return forkpool.fork_children(count, lambda fd: self._worker(fd, *self.fork_args))

    def _poll(self) -> None:
        """Take the results that have arrived (a worker blocks once its pipe is full)."""
        if self.frames is not None:
            for payload in self.frames.read(timeout=0):
                self._take(payload)

    def _worker(self, fd: int, config, doc, nav, env, dirty) -> None:
        """Build pages from the queue; send each chunk's results as soon as it is done (so
        neither process holds them twice), then the log records and the core's changes.

        A worker retires after ``retire_after`` pages and the parent forks a fresh one
        (``_retire``): every page a worker reads or writes of the heap it shares with the
        parent is copied (reference counts are writes), so a long-lived worker ends up with
        a private copy of most of that heap."""
        capture = snap = None
        done = 0
        retired = False
        try:
            capture = _Capture()
            pages_mod.markdown = _ReusedMarkdown()
            self.tokenizer.swap_in()
            logging.getLogger().handlers = []
            logging.getLogger("mkdocs").handlers = [capture]
            snap = self.snapshot()
            entries = _search_entries(config)
            while (first := forkpool.next_chunk(self.queue_fd)) is not None:
                payload: dict = {"pages": {}}
                for page in self.queue_pages[first:first + CHUNK]:
                    self._work_on(page, payload, capture, entries, config, doc, nav, env, dirty)
                forkpool.send(fd, payload)
                done += CHUNK
                retired = bool(self.retire_after) and done >= self.retire_after
                if retired:
                    break
            final = {"logs": capture.records, "changes": self.changes(snap), "done": True, "retired": retired}
        except BaseException:  # noqa: BLE001 - whatever was sent stands; the rest is built by the parent
            final = {"crash": traceback.format_exc()}
            try:
                final["logs"] = capture.records if capture is not None else []
                if snap is not None:
                    final["changes"] = self.changes(snap)
            except BaseException:  # noqa: BLE001
                pass
        forkpool.send(fd, final)

    def _work_on(self, page, payload, capture, entries, config, doc, nav, env, dirty) -> None:
        mark = len(capture.records)
        src = page.file.src_uri
        try:
            start = len(entries) if entries is not None else 0
            self._render(page, config)
            self.build_page_original(page, config, doc, nav, env, dirty, excluded=page.file.inclusion.is_excluded())
            payload["pages"][src] = {
                "warnings": [r for r in capture.records[mark:] if r[1] >= logging.WARNING],
                "search": entries[start:] if entries is not None else [],
                "anchors": page.present_anchor_ids,
                "links": {f.src_uri: links for f, links in (page.links_to_anchors or {}).items()},
            }
            if entries is not None:
                del entries[start:]
            page.content = page.markdown = ""  # written: free them
        except Exception:  # noqa: BLE001 - the parent builds it again and reports the error
            del capture.records[mark:]

    def _render(self, page, config) -> None:
        self.before_render(page)
        fill_markdown(page)
        self.render_original(page, config, self.files)
        page.content = config.plugins.on_page_content(page.content, page=page, config=config, files=self.files)

    def _build_one(self, page, config, doc_files, nav, env, dirty, excluded, render: bool) -> None:
        if render:
            self._render(page, config)
        entries = _search_entries(config)
        start = len(entries) if entries is not None else 0
        self.build_page_original(page, config, doc_files, nav, env, dirty, excluded=excluded)
        page.content = ""  # written: free it and what the rendering needed (nothing reads them after)
        release(page)
        if entries is not None:
            self.entries_of[page.file.src_uri] = entries[start:]

    def _join(self, config, doc_files, nav, env, dirty) -> None:
        """Work the queue here too, taking the children's results as they come, then wait
        for them."""
        frames = self.frames or forkpool.Frames([])
        built = self.built
        saved = pages_mod.markdown
        search_method = None
        try:
            pages_mod.markdown = _ReusedMarkdown()
            search_method = self.tokenizer.swap_in()
            while self.queue_fd >= 0 and (first := forkpool.next_chunk(self.queue_fd)) is not None:
                for page in self.queue_pages[first:first + CHUNK]:
                    self._build_one(page, config, doc_files, nav, env, dirty,
                                    page.file.inclusion.is_excluded(), render=True)
                    built.add(page.file.src_uri)
                self._poll()
        finally:
            if self.queue_fd >= 0:
                os.close(self.queue_fd)
                self.queue_fd = -1
            pages_mod.markdown = saved
            self.tokenizer.restore(search_method)
        for payload in frames.read():
            self._take(payload)
        for pid, _ in self.children:
            os.waitpid(pid, 0)
        self.children = []
        self.frames = None
        # Pages a worker failed on, or that a crashed worker had taken: built here, errors and all.
        failed = [f.page for f in doc_files if f.src_uri in self.deferred and f.src_uri not in built]
        if failed:
            log.debug("vaultsite: building %d page(s) here that no worker built", len(failed))
        for page in failed:
            self._build_one(page, config, doc_files, nav, env, dirty,
                            page.file.inclusion.is_excluded(), render=True)
        entries = _search_entries(config)
        if entries is not None:  # the sequential build's order: by page
            entries[:] = [e for f in doc_files for e in self.entries_of.get(f.src_uri, ())]

    def _take(self, payload: dict) -> None:
        """One frame of a worker's results."""
        if "crash" in payload:
            log.debug("vaultsite: a page worker failed; the pages it did not finish are built here:\n%s",
                      payload["crash"])
        page_log = self.page_log  # the build cache's per-page warnings (buildcache.PageLog)
        if page_log is not None:
            page_log.replay(payload.get("logs", ()))
        else:
            for name, level, message in payload.get("logs", ()):
                logging.getLogger(name).log(level, "%s", message)
        if "changes" in payload:
            self.merge(payload["changes"])
        if payload.get("retired") and self.queue_fd >= 0:
            self._retire()
        for src, got in payload.get("pages", {}).items():
            if page_log is not None and got.get("warnings"):
                page_log.records[src] = got["warnings"]
            page = self.deferred[src]
            release(page)
            self.entries_of[src] = got["search"]
            page.present_anchor_ids = got["anchors"]
            page.links_to_anchors = {self.files.get_file_from_path(s): links for s, links in got["links"].items()
                                     if self.files.get_file_from_path(s) is not None}
            self.built.add(src)

    def _retire(self) -> None:
        """A worker retired while the queue is open: fork a fresh one from this process.
        The retired worker's copies of the shared heap go with it; the new one shares this
        process's heap as it is now."""
        gc.freeze()  # what this process made since the first fork: left alone by the new worker
        started = self._fork(1)
        self.children += started
        for _, r in started:
            self.frames.add(r)

    def abort(self) -> None:
        if self.queue_fd >= 0:
            try:
                os.close(self.queue_fd)
            except OSError:
                pass
            self.queue_fd = -1
        for pid, r in self.children:
            try:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                os.close(r)
            except OSError:
                pass
        self.children = []


_BUILD_PAGE_PARAMS = ["page", "config", "doc_files", "nav", "env", "dirty", "excluded"]


def release(page) -> None:
    """A page built (here or by a worker): this process drops what only its rendering needed,
    its Markdown and what the adapter left on it for then (``_vs_*``: a generated listing's
    lifted HTML blocks are 40 MB at 5,000 notes, held to the end of the build otherwise) and,
    for a generated page, its file's content (its Markdown, as UTF-8)."""
    page.markdown = ""
    if page.file.abs_src_path is None:  # a generated file (no source file to lose)
        page.file.content_string = ""
    for name in [n for n in vars(page) if n.startswith("_vs_")]:
        delattr(page, name)


def fill_markdown(page) -> None:
    """A page whose Markdown the adapter left to be made when it is rendered (``_vs_fill``,
    set in ``on_page_read_source`` for a parallel build) gets it now, in this process."""
    fill = vars(page).pop("_vs_fill", None)
    if fill is not None:
        page.markdown = fill()


class ParallelPagesSpeedup(Speedup):
    """Routes ``Page.render`` and MkDocs' ``_build_page`` through this build's run, if any."""

    name = "parallel_pages"

    def __init__(self, adapter) -> None:
        super().__init__(adapter)
        self.run: ParallelPages | None = None

    def check(self) -> str | None:
        if not hasattr(os, "fork"):
            return "no os.fork on this system"
        if params(Page.render)[:3] != ["self", "config", "files"]:
            return "Page.render(self, config, files) changed"
        if params(getattr(build_cmd, "_build_page", None)) != _BUILD_PAGE_PARAMS:
            return "mkdocs.commands.build._build_page changed"
        if not isinstance(getattr(pages_mod, "markdown", None), types.ModuleType):
            return "mkdocs.structure.pages no longer uses the markdown module"
        return None

    def install(self) -> None:
        def render(page, config, files):
            run = render._vaultsite_owner.run
            if run is not None and not run.started and run.defer(page, files):
                return None
            fill_markdown(page)
            return render._vaultsite_original(page, config, files)

        def build_page(page, config, doc_files, nav, env, dirty=False, excluded=False):
            run = build_page._vaultsite_owner.run
            if run is None or not run.deferred:
                return build_page._vaultsite_original(page, config, doc_files, nav, env, dirty, excluded=excluded)
            return run.build_page(page, config, doc_files, nav, env, dirty, excluded)

        render._vaultsite_kind = "parallel_render"
        build_page._vaultsite_kind = "parallel_build_page"
        patched(Page, "render", render, self)
        patched(build_cmd, "_build_page", build_page, self)

    def originals(self) -> tuple[Callable, Callable]:
        """(render, _build_page) as they are below this speed-up's patch (the render guard's
        render, if it is on, and MkDocs' own ``_build_page``)."""
        return (original_of(Page, "render", "parallel_render"),
                original_of(build_cmd, "_build_page", "parallel_build_page"))
