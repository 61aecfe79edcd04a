"""The build cache: ``mkdocs build`` after a small change renders only the pages it touches.

What ``mkdocs serve`` keeps in memory between rebuilds (``serve.IncrementalServe``: every page's
signature, the parsed notes, the generated pages, the search entries, where each note's
``vault.json`` entry is in that file) is
written to ``.cache/vaultsite/`` next to ``mkdocs.yml`` at the end of a build, with a manifest
of what the build left in ``site/``.  The next ``mkdocs build`` reads it back and, when it is
valid, builds in MkDocs' dirty mode: ``site/`` is kept and only the pages whose signature
changed are rendered; outputs that no longer have a source are removed.  The site written is
the site a build from an empty cache writes (``tests/test_build_cache.py`` checks this byte
for byte on random edit sequences).

The cache is ignored, with one info line, when:

* it cannot be read (damaged, written by another version of the cache format);
* anything that affects a page differs: the project's code, ``mkdocs.yml`` and the settings it
  resolves (``site_url`` from the environment, ``extra``), the overrides, the user's company and
  tag files, the Python and package versions;
* ``site/`` is not what the last build left there (a file added, removed or changed).

Parsed notes are reused in the last two cases as long as the code and package versions match.
``mkdocs build --clean`` given explicitly, or deleting ``.cache/vaultsite/``, starts afresh;
``extra.vaultsite.speedups.build_cache: false`` turns the cache off.

Patches ``mkdocs.commands.build.build`` (checked: it must take ``config`` and ``dirty``) to
choose dirty mode before MkDocs cleans ``site/``, and sets ``File.is_modified`` on the files
it skips (as the incremental serve does).
"""
from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import importlib.metadata
import logging
import os
import pickle
import sys
import threading
import time
import types

from mkdocs.structure.files import File

from vaultsite import forkpool, fstree
from vaultsite.digests import digest

from .serve import remove_output
from .speedup import Speedup, log, params

#: Bumped whenever what the state file holds changes shape.
FORMAT = 7
FOLDER = os.path.join(".cache", "vaultsite")
_PACKAGES = ("vaultsite", "vaultsite_mkdocs")


def _digest(*parts) -> str:
    return digest(parts)


def _tree_digest(root: str | None) -> str:
    """Names and contents of every file under ``root`` (or of the file ``root``)."""
    if not root or not os.path.exists(root):
        return ""
    h = hashlib.blake2b(digest_size=16)
    if os.path.isfile(root):
        with open(root, "rb") as fh:
            h.update(fh.read())
        return h.hexdigest()
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in sorted(names):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(folder, name)
            h.update(os.path.relpath(path, root).encode("utf-8", "surrogateescape") + b"\0")
            try:
                with open(path, "rb") as fh:
                    h.update(fh.read())
            except OSError:
                h.update(b"?")
    return h.hexdigest()


_CODE_KEY: str | None = None


def code_key() -> str:
    """What parsed notes depend on: this project's code and every installed package's version."""
    global _CODE_KEY
    if _CODE_KEY is None:
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        dists = sorted({(d.metadata["Name"] or "", d.version) for d in importlib.metadata.distributions()})
        _CODE_KEY = _digest(FORMAT, sys.version, dists, *(_tree_digest(os.path.join(here, p)) for p in _PACKAGES))
    return _CODE_KEY


def site_key(config, settings_raw) -> str:
    """Everything else that goes into a page: the configuration, the overrides, user files."""
    user_files = []
    extra = settings_raw if isinstance(settings_raw, dict) else {}
    base = os.path.dirname(config.config_file_path or ".")
    for key in ("companies", "tag_synonyms"):
        value = extra.get(key)
        if isinstance(value, str):
            for folder in (base, config.docs_dir):
                path = os.path.join(folder, os.path.expanduser(value))
                if os.path.isfile(path):
                    user_files.append(_tree_digest(path))
                    break
    theme = config.theme
    return _digest(
        _tree_digest(config.config_file_path), config.site_url, config.site_dir, config.docs_dir,
        config.use_directory_urls, config.site_name, repr(config.extra), theme.name, theme.get("language"),
        # The installed theme is covered by its package version (code_key); the project's own
        # overrides are read (Material's folder holds thousands of icons).
        repr(dict(theme)), [_tree_digest(d) if not _installed(d) else d for d in theme.dirs], user_files,
        [str(n) for n in config.plugins],
    )


def _installed(path: str) -> bool:
    """A folder of an installed package (its version is part of the code key)."""
    import site  # noqa: PLC0415
    import sysconfig  # noqa: PLC0415

    roots = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()}
    real = os.path.realpath(path)
    return any(real.startswith(os.path.realpath(r) + os.sep) for r in roots if r)


def site_manifest(site_dir: str) -> dict[str, tuple[int, int]]:
    """Every file under ``site_dir``: relative path -> (size, mtime in ns)."""
    out: dict[str, tuple[int, int]] = {}
    todo = [("", site_dir)]  # (relative path with a trailing separator, path)
    while todo:
        rel, folder = todo.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                todo.append((rel + entry.name + os.sep, entry.path))
            else:
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                out[rel + entry.name] = (st.st_size, st.st_mtime_ns)
    return out


class PageLog(logging.Handler):
    """The warnings logged while a page is rendered, kept per page so that a build that skips
    the page logs them again (``mkdocs build --strict`` fails as a full build would)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.current: str | None = None
        self.records: dict[str, list[tuple[str, int, str]]] = {}
        self.replaying = False

    def emit(self, record: logging.LogRecord) -> None:
        if self.current is None or self.replaying:
            return
        self.records.setdefault(self.current, []).append((record.name, record.levelno, record.getMessage()))

    def replay(self, records) -> None:
        self.replaying = True
        try:
            for name, level, message in records:
                logging.getLogger(name).log(level, "%s", message)
        finally:
            self.replaying = False


class BuildCache(Speedup):
    name = "build_cache"

    def __init__(self, adapter) -> None:
        super().__init__(adapter)
        self.state: dict | None = None  # what the last build left, when it can be used
        self.facts: dict | None = None  # parsed notes of the last build (code unchanged)
        self.related: tuple | None = None  # its related notes and their inputs' digest
        #: the digest of the pages the search index in ``site/`` holds (``sitesearch``)
        self.search_key: str | None = None
        self.search_shards: dict | None = None  # search shard files -> (postings digest, size)
        #: graph file -> the digest of its bytes in ``site/`` (``graph.write_graph``)
        self.graph_memo: dict | None = None
        self.use = False  # this build renders only changed pages
        self.keeping = False  # this build's state is written for the next one
        self.folder: str | None = None
        self.site_key: str | None = None
        self.path = ""
        self.page_log = PageLog()
        self.page_problems: dict[str, list] = {}
        self.started = 0.0
        self.static_sources: dict[str, tuple] = {}
        self.dests: set[str] = set()
        #: the change time of overwrite_site's probe while a full build writes over a site
        self.probe_ctime: int | None = None
        #: write the cache from a child process after the build (the command returns sooner)
        self.detach = True

    def check(self) -> str | None:
        from mkdocs.commands import build as build_cmd

        names = params(getattr(build_cmd, "build", None)) or []
        if names[:1] != ["config"] or "dirty" not in names:
            return "mkdocs.commands.build.build(config, dirty=) changed"
        if not hasattr(File, "is_modified"):
            return "File.is_modified is gone"
        return None

    def install(self) -> None:
        from mkdocs.commands import build as build_cmd

        current = build_cmd.build
        for func in (current, getattr(current, "_vaultsite_original", None)):
            if getattr(func, "_vaultsite_kind", None) == "cached_build":
                func._vaultsite_owner = self
                return

        def build(config, *, serve_url=None, dirty=False):
            owner: BuildCache = build._vaultsite_owner
            use = owner.prepare(config, dirty)
            if use or dirty or not owner.folder:
                return build._vaultsite_original(config, serve_url=serve_url, dirty=dirty or use)
            with owner.overwrite_site(config.site_dir):
                return build._vaultsite_original(config, serve_url=serve_url, dirty=False)

        build._vaultsite_kind = "cached_build"
        build._vaultsite_original = current
        build._vaultsite_owner = self
        build_cmd.build = build
        from .serve import _drop_dirty_warning  # noqa: PLC0415

        logging.getLogger("mkdocs.commands.build").addFilter(_drop_dirty_warning)

    # -- a full build over the last one --------------------------------------------------
    @contextlib.contextmanager
    def overwrite_site(self, site_dir: str):
        """A full build writes over the last build's site instead of deleting it first, and
        :meth:`prune_unwritten` then removes what this build did not write: the site MkDocs'
        ``clean_directory`` then full build would leave (at 5,000 notes, deleting the 17,000
        files of the last site took 7-9 s of the build, and writing them anew again more).

        A probe file written now gives the file system's own clock: a file this build writes
        has a change time (ctime, which nothing but a write sets) at or after the probe's.
        Without ``mkdocs.utils.clean_directory`` (another MkDocs) or a probe, MkDocs cleans."""
        self.probe_ctime = None
        from mkdocs import utils as mk_utils

        original = getattr(mk_utils, "clean_directory", None)
        if not callable(original) or (params(original) or [])[:1] != ["directory"] or not os.path.isdir(site_dir):
            yield
            return
        probe = os.path.join(site_dir, ".vaultsite-build-probe")
        try:
            with open(probe, "wb"):
                pass
            ctime = os.stat(probe).st_ctime_ns
            os.remove(probe)
        except OSError:
            yield
            return
        target = os.path.realpath(site_dir)

        def clean_directory(directory: str) -> None:
            if os.path.realpath(directory) == target:
                self.probe_ctime = ctime  # pruned after the build instead
                return
            original(directory)

        mk_utils.clean_directory = clean_directory
        try:
            yield
        finally:
            mk_utils.clean_directory = original

    def prune_unwritten(self, site_dir: str, keep: tuple[str, ...] = ()) -> int:
        """After a full build over the last site (:meth:`overwrite_site`): remove every file
        this build did not write and the folders left empty; what ``clean_directory`` keeps
        (hidden entries at the top) stays, and so do the folders in ``keep``, whose writers
        keep unchanged files and remove their own leftovers (the search index)."""
        ctime, self.probe_ctime = self.probe_ctime, None
        if ctime is None:
            return 0
        try:
            return fstree.prune(
                site_dir, "",
                doomed=lambda sub, entry: entry.stat(follow_symlinks=False).st_ctime_ns < ctime,
                kept=lambda sub, entry: ("/" not in sub and sub.startswith(".")) or sub in keep)
        except OSError as exc:
            log.warning("vaultsite: could not remove the last build's files from %s: %s", site_dir, exc)
            return 0

    # -- before MkDocs' build --------------------------------------------------------------
    def prepare(self, config, dirty: bool) -> bool:
        """Read the cache; True when this build may keep ``site/`` and skip unchanged pages."""
        self.state = self.facts = self.related = self.search_key = self.graph_memo = self.search_shards = None
        self.use = False
        self.page_log.records = {}
        self.page_problems = {}
        self.started = time.time()
        self.site_key = None
        self.folder = None
        if not self.active or self.adapter.serving.command != "build":
            return False
        raw = config.extra.get("vaultsite")
        speedups = raw.get("speedups") if isinstance(raw, dict) else None
        if isinstance(speedups, dict) and speedups.get("build_cache") is False:
            return False
        self.folder = os.path.join(os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml")), FOLDER)
        # Before any plugin's on_config: Material's search plugin compiles templates there.
        templates = not (isinstance(speedups, dict) and speedups.get("template_cache") is False)
        self.adapter.templates.use_folder(os.path.join(self.folder, "jinja") if templates else None)
        path = self.path = os.path.join(self.folder, f"build-{_digest(os.path.abspath(config.config_file_path or ''), config.site_dir)[:12]}.pickle")
        # Computed before any plugin's on_config changes the configuration in place.
        self.site_key = site_key(config, raw)
        _wait_for_writer(self.folder)  # the last build's child may still be writing the cache
        if _explicit_clean():
            if os.path.exists(path):
                os.remove(path)
                log.info("vaultsite: build cache emptied (--clean)")
            return False
        if not os.path.exists(path):
            return False
        if self.adapter.serve.check() is not None:
            return False
        # The site folder's listing (stat calls: 0.2 s at 5,000 notes) is made by a forked child
        # while this process reads the cache (the process is small yet: a cheap fork).
        listing = forkpool.Background(lambda: site_manifest(config.site_dir),
                                      fork=threading.active_count() == 1 and hasattr(os, "fork"))
        try:
            with open(path, "rb") as fh, _no_gc():
                state = pickle.load(fh)
                # Millions of objects that live as long as the build: out of the collector's
                # way (its passes over them cost seconds of the build that reads them).
                if hasattr(gc, "freeze"):
                    gc.freeze()
            if not isinstance(state, dict) or state.get("format") != FORMAT:
                raise ValueError("written by another version")
        except Exception as exc:  # noqa: BLE001 - a damaged cache costs a full build, never the build
            listing.result()
            log.info("vaultsite: build cache ignored (%s: %s); building everything", type(exc).__name__, exc)
            return False
        manifest = listing.result()
        if state.get("code") != code_key():
            log.info("vaultsite: build cache ignored (the code or the installed packages changed); building everything")
            return False
        self.facts = state.get("facts")
        self.related = state.get("related")
        self.adapter.theme_files.memo = state.get("theme_files")  # (checked against the theme's folders)
        if state.get("site") != self.site_key or state.get("site_dir") != config.site_dir:
            log.info("vaultsite: build cache: the configuration changed; building every page")
            return False
        if dirty:
            log.info("vaultsite: build cache not used with --dirty; building every page")
            return False
        if manifest != state.get("manifest"):
            log.info("vaultsite: build cache: %s changed since the last build; building every page",
                     os.path.basename(config.site_dir.rstrip(os.sep)) or config.site_dir)
            return False
        self.state = state
        self.use = True
        return True

    def in_site(self, name: str):
        """What the last build kept under ``name`` about the files it wrote (``"search_key"``:
        the digest of the pages the search index was written from; ``"graph"``: the graph
        files' digests), when this build keeps ``site/`` as that build left it (``prepare``
        checked every file); else None: everything is written."""
        return self.state.get(name) if self.use and self.state is not None else None

    # -- on_config -------------------------------------------------------------------------
    def begin(self, keeping: bool) -> None:
        """This build keeps its state for the next one (``keeping``), or not."""
        self.keeping = keeping
        if not keeping:
            self.use = False
            self.state = None
            return
        logger = logging.getLogger("mkdocs")
        if self.page_log not in logger.handlers:
            logger.addHandler(self.page_log)

    def end(self) -> None:
        logging.getLogger("mkdocs").removeHandler(self.page_log)
        self.page_log.current = None
        self.state = None

    def restore(self, adapter) -> None:
        """Give the adapter what the last build kept (parsed notes; all of it when usable)."""
        if self.facts is not None:
            adapter.cache.facts = self.facts
            adapter.cache.related_memo = self.related
            self.facts = self.related = None
        state = self.state
        if state is None:
            return
        adapter.cache.cleaned = state["cleaned"]
        adapter.cache.link_state = state["link_state"]
        adapter.page_memo = state["page_memo"]
        serve = adapter.serve
        for name in ("sigs", "env", "pages", "meta", "search", "vault_json"):
            setattr(serve, name, state["serve"][name])
        self.dests = set(state["dests"])
        self.static_sources = state["static_sources"]

    # -- on_files --------------------------------------------------------------------------
    def mark_static(self, files) -> None:
        """A static file is copied again only if its source changed (MkDocs' dirty mode compares
        mtimes only: a file restored with an older mtime would keep the old copy)."""
        sources = {}
        for f in files:
            if f.is_documentation_page() or f.abs_src_path is None or getattr(f, "_content", None) is not None \
                    or getattr(f, "generated_by", None):
                continue
            try:
                st = os.stat(f.abs_src_path)
            except OSError:
                continue
            stamp = (f.abs_src_path, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            sources[f.dest_uri] = stamp
            if self.use:
                same = self.static_sources.get(f.dest_uri) == stamp
                f.is_modified = (lambda same=same: not same)
        self.static_sources = sources

    def skipped_pages(self, files) -> list:
        """The documentation files this build does not render (their warnings are logged again)."""
        if not self.use:
            return []
        return [f for f in files.documentation_pages() if not f.is_modified()]

    def replay(self, skipped) -> None:
        if not self.use or not skipped:
            return
        old_logs = self.state["page_logs"]
        for f in skipped:
            records = old_logs.get(f.src_uri)
            if records:
                self.page_log.records[f.src_uri] = records
                self.page_log.replay(records)

    # -- on_post_build ---------------------------------------------------------------------
    def remove_stale(self, site_dir: str, dests: set[str]) -> None:
        """Outputs of files that are gone (a deleted note's page, a removed attachment)."""
        if not self.use:
            return
        for dest in sorted(self.dests - dests):
            path = os.path.join(site_dir, dest)
            if os.path.isfile(path) and os.path.getmtime(path) < self.started:
                remove_output(site_dir, path)

    def save(self, adapter, config, dests: set[str]) -> None:
        """Write what the next build needs, atomically."""
        if not self.active or self.site_key is None or adapter.serving.command != "build":
            return
        serve = adapter.serve
        cache = adapter.cache
        state = {
            "format": FORMAT,
            "code": code_key(),
            "site": self.site_key,
            "site_dir": config.site_dir,
            "facts": cache.facts,
            "search_key": self.search_key,
            "search_shards": self.search_shards,
            "graph": self.graph_memo,
            "related": cache.related_memo,
            "cleaned": cache.cleaned,
            "link_state": cache.link_state,
            "page_memo": adapter.page_memo,
            "serve": {name: getattr(serve, name) for name in ("sigs", "env", "pages", "meta", "search", "vault_json")},
            "page_logs": self.page_log.records,
            "page_problems": self.page_problems,
            "dests": sorted(dests),
            "static_sources": self.static_sources,
            "theme_files": adapter.theme_files.memo if adapter.theme_files.active else None,
            # Listed by the writer (after the command returned, in a detached build): the site
            # is complete now and nothing writes to it after this build (0.15-0.2 s at 5,000 notes).
            "manifest": None,
        }
        site_dir = config.site_dir
        try:
            os.makedirs(self.folder, exist_ok=True)
            ignore = os.path.join(os.path.dirname(self.folder), ".gitignore")
            if not os.path.exists(ignore):
                with open(ignore, "w", encoding="utf-8") as fh:
                    fh.write("# the build cache of vaultsite (mkdocs build); safe to delete\n*\n")
            lock = os.open(os.path.join(self.folder, "lock"), os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            log.info("vaultsite: build cache not written (%s)", exc)
            return
        fcntl.flock(lock, fcntl.LOCK_EX)  # the next build waits for this write (prepare)
        if self.detach and hasattr(os, "fork") and threading.active_count() == 1:
            # The site is complete: the command returns now, and a child process writes the
            # cache (a second or more at 5,000 notes); it holds the lock until it is done.
            parent = os.getpid()
            pin_until_exit(adapter, config)  # (before the fork: pinning writes to what it holds)
            pid = os.fork()
            if pid != 0:
                os.close(lock)  # the child keeps the lock (same open file)
                return
            try:
                os.setsid()
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(null, fd)
                _wait_for_exit(parent, 10.0)
                _write(self.path, state, site_dir)
            finally:
                os._exit(0)
        try:
            _write(self.path, state, site_dir)
        except Exception as exc:  # noqa: BLE001 - no cache costs the next build time, never this one
            log.info("vaultsite: build cache not written (%s: %s)", type(exc).__name__, exc)
        finally:
            os.close(lock)


#: what :func:`pin_until_exit` keeps alive (holds itself: a cycle the collector never frees)
_PINNED: list = []


def pin_until_exit(*roots) -> None:
    """Keep ``roots`` (the build's configuration, pages and vault) from being taken apart when
    the process exits, while the cache writer runs.

    Freeing an object writes to it, and every heap page the exiting process writes is copied,
    since the writer forked from it shares it: taking apart 700 MB of objects as the writer
    starts briefly doubled the build's memory (about 1.2 GB at 5,000 notes).  The list holds
    itself and is frozen (``gc.freeze``), so neither the modules' teardown nor the last
    collection frees it: the operating system takes the memory back whole.  The next build in
    the same process (a library calling MkDocs again) lets go of it (:func:`unpin`).

    The list also holds a copy of every module's globals: the teardown clears them, and what
    only they hold was freed while the writer waited for this process to end (the caches of
    ``functools.lru_cache``: ``build.url_between`` keeps 100,000 links at 5,000 notes).
    Pinned too, this process wrote 14 MB of its heap on its way out instead of 55 (5,000
    notes, measured by the waiting writer), and the two processes' sum rose by as much."""
    held = [dict(vars(m)) for m in list(sys.modules.values()) if isinstance(m, types.ModuleType)]
    _PINNED[:] = [*roots, held, _PINNED]
    gc.freeze()


def unpin() -> None:
    _PINNED.clear()


def _wait_for_exit(parent: int, limit: float) -> None:
    """The writer starts once the build's process is gone (or after ``limit`` seconds, if it
    lives on): while both run, each heap page either touches is copied."""
    deadline = time.monotonic() + limit
    while os.getppid() == parent and time.monotonic() < deadline:
        time.sleep(0.02)


def _write(path: str, state: dict, site_dir: str) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        state["manifest"] = site_manifest(site_dir)
        with open(tmp, "wb") as fh, _no_gc():
            pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise


def _wait_for_writer(folder: str) -> None:
    """The last build's cache may still be being written by its child process."""
    try:
        fd = os.open(os.path.join(folder, "lock"), os.O_RDONLY)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _no_gc():
    """Millions of small objects: the collector would walk them again and again while they are
    made (a third of the load time), and none of them is garbage."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _explicit_clean() -> bool:
    """``mkdocs build --clean`` (or ``-c``) typed on the command line: start afresh."""
    args = sys.argv[1:]
    return "build" in args and any(a == "--clean" or (a.startswith("-") and not a.startswith("--")
                                                       and "c" in a[1:]) for a in args)
