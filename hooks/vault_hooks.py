"""MkDocs hooks: the thin adapter between MkDocs events and the ``vaultsite`` core.

Event -> core call:

* ``on_config``: register the Markdown extension (one instance per build).
* ``on_files``: scan what MkDocs found, build the vault (cached between
  ``mkdocs serve`` rebuilds), swap ``.txt`` notes and NFD file names for
  virtual pages, add the generated pages, set a small navigation.
* ``on_page_read_source``: hand MkDocs the note's clean Markdown (so a CP949
  note or broken front matter never reaches MkDocs' own reader).
* ``on_page_markdown``: tell the extension which page it renders.
* ``on_page_content``: sanitise imported HTML.
* ``on_page_context``: note header and backlinks for ``overrides/``.
* ``on_post_build``: ``vault.json`` and the problem report.

The hook module stays loaded across ``mkdocs serve`` rebuilds (MkDocs caches
hook modules), so ``CACHE`` survives and only changed files are re-read.
"""
from __future__ import annotations

import gc
import html as html_mod
import json
import logging
import os
import sys
import threading
import time

import jinja2
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

try:
    import vaultsite  # noqa: F401  (installed with `pip install -e .`)
except ImportError:  # run from a checkout without installing: the core sits beside hooks/
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import vaultsite_parallel as parallel  # beside this file; MkDocs puts hooks/ on sys.path while loading us
from vaultsite import export, incremental, render, sanitize
from vaultsite.build import GENERATED, Cache, Source, build_vault, is_note_path
from vaultsite.mdext import VaultExtension
from vaultsite.model import Note, Problem
from vaultsite.navigation import build_nav
from vaultsite.textutil import nfc

log = logging.getLogger("mkdocs.plugins.vaultsite")

CACHE = Cache()
STATE: dict = {}  # this build's vault and extension; reset by on_config
SERVE = {"builds": 0, "incremental": False}  # mkdocs serve: how many builds so far
INCR: dict = {}  # previous build's page signatures, page meta, URLs and search entries


def _settings(config) -> dict:
    return dict(config.extra.get("vaultsite") or {})


def _drop_dirty_warning(record: logging.LogRecord) -> bool:
    # Our incremental rebuilds use MkDocs' dirty mode deliberately; its warning would only alarm.
    return "A 'dirty' build is being performed" not in record.getMessage()


def on_startup(command, dirty=False, **kwargs):
    """In ``mkdocs serve``, rebuild only the pages a change touches (after one clean build).

    MkDocs rebuilds everything on every change unless ``--dirty`` is given; the
    README's plain ``mkdocs serve`` gets the fast path by wrapping the build call
    of the serve command: the first build is clean, later ones keep the site
    directory and ``on_files`` marks exactly the pages whose inputs changed.
    """
    if command != "serve" or dirty:
        return
    from mkdocs.commands import serve as serve_cmd

    original = serve_cmd.build
    if getattr(original, "_vaultsite", False):
        return

    def build(config, *, serve_url=None, dirty=False):
        SERVE["incremental"] = SERVE["builds"] > 0
        SERVE["builds"] += 1
        return original(config, serve_url=serve_url, dirty=dirty or SERVE["incremental"])

    build._vaultsite = True
    serve_cmd.build = build
    logging.getLogger("mkdocs.commands.build").addFilter(_drop_dirty_warning)


def _guard_render() -> None:
    """A note Python-Markdown cannot render stops only itself, never the build.

    Nesting deeper than Python's recursion limit (a line of 500 ``- ``, 250 indented list
    levels) or a bug in a Markdown extension raises inside MkDocs' ``Page.render``, which
    aborts the whole build.  For a vault note we render its text as a plain ``<pre>`` instead
    and report it; anything else (generated pages, MkDocs' own errors) still raises.
    """
    from mkdocs.exceptions import MkDocsException
    from mkdocs.structure.pages import Page

    original = Page.render
    if getattr(original, "_vaultsite", False):
        return

    def render(self, config, files):
        try:
            return original(self, config, files)
        except MkDocsException:
            raise
        except Exception as exc:
            vault = STATE.get("vault")
            note = vault.note_for_page(nfc(self.file.src_uri)) if vault is not None else None
            if note is None or self.markdown is None:
                raise
            reason = "nested too deeply" if isinstance(exc, RecursionError) else f"{type(exc).__name__}: {exc}"
            problem = Problem(note.src, f"could not be rendered as Markdown ({reason}); published as plain text")
            vault.problems.append(problem)
            log.warning("vaultsite: %s: %s", problem.src, problem.problem)
            self.markdown = '<pre class="vs-unrendered">' + html_mod.escape(self.markdown) + "</pre>\n"
            return original(self, config, files)

    render._vaultsite = True
    Page.render = render


GC: dict = {"timer": None}


def _gc_during_build() -> None:
    """Garbage collection costs a build of a large vault seconds: each full pass walks the
    cache of every note (0.6-0.8 s at 5,000 notes).  The vault is frozen once it is built
    (``on_files``).  In ``mkdocs serve`` the collector is also paused while a rebuild runs
    and does its full pass a few seconds after it, when the server is idle, not while the
    user waits for the page."""
    timer = GC["timer"]
    if timer is not None:
        timer.cancel()
        GC["timer"] = None
    if SERVE["builds"]:
        gc.disable()


def _gc_after_build() -> None:
    if not SERVE["builds"]:
        # The process ends with this build: spare it the collector's last pass over every object.
        gc.freeze()
        return
    gc.enable()

    def collect() -> None:
        gc.unfreeze()
        gc.collect()

    timer = GC["timer"] = threading.Timer(3.0, collect)
    timer.daemon = True
    timer.start()


def on_config(config, **kwargs):
    _gc_during_build()
    _guard_render()
    parallel.install()
    parallel.CURRENT["run"] = None
    ext = VaultExtension()
    config.markdown_extensions.append(ext)
    STATE.clear()
    STATE["ext"] = ext
    STATE["settings"] = _settings(config)
    STATE["page_notes"] = {}  # page src_uri -> the Note the extension renders it as
    if not config.use_directory_urls:
        log.warning("vaultsite: use_directory_urls: false is not supported; generated pages assume directory URLs")
    return config


def _realpath(path: str, real_dirs: dict[str, str]) -> str:
    """``os.path.realpath``, resolving each folder once: 5,000 notes are 35,000 ``lstat`` calls
    the other way.  A file that is itself a symlink is resolved in full."""
    if os.path.islink(path):
        return os.path.realpath(path)
    folder, name = os.path.split(path)
    real = real_dirs.get(folder)
    if real is None:
        real = real_dirs[folder] = os.path.realpath(folder)
    return os.path.join(real, name)


@event_priority(50)
def on_files(files: Files, config, **kwargs):
    started = time.perf_counter()
    sources = []
    by_src: dict[str, File] = {}
    early: list = []  # files refused before the core sees them: (src, reason)
    docs = os.path.abspath(config.docs_dir)
    real_docs = os.path.realpath(docs)
    real_dirs: dict[str, str] = {}
    for f in list(files):  # a copy: refused files are removed while we go
        # Only the vault: not theme assets, not files another plugin generated.
        if f.generated_by is not None or f.abs_src_path is None or os.path.abspath(f.src_dir or "") != docs:
            continue
        src = nfc(f.src_uri)
        # MkDocs follows symlinks, to files and into folders: whatever really lives
        # outside docs/ (/etc/hostname, a linked folder) is never published.
        real = _realpath(f.abs_src_path, real_dirs)
        if real != real_docs and not real.startswith(real_docs + os.sep):
            files.remove(f)
            early.append((src, "a symlink to a file outside docs/ (or inside a linked folder); not published"))
            continue
        try:
            st = os.stat(f.abs_src_path)
            if not os.path.isfile(f.abs_src_path):
                raise OSError("not a regular file")
        except OSError as exc:
            files.remove(f)  # MkDocs would fail copying it
            early.append((src, f"cannot be read ({getattr(exc, 'strerror', None) or exc}); not published"))
            continue
        sources.append(Source(src, f.abs_src_path, st.st_size, st.st_mtime))
        by_src[src] = f

    CACHE.memo_links = bool(SERVE["builds"])  # only serve rebuilds reuse link resolutions
    vault = build_vault(sources, CACHE)
    vault.problems[:0] = [Problem(src, problem) for src, problem in early]
    STATE["vault"] = vault
    if not SERVE["builds"]:
        # A one-off build never reads the cache again: what the vault does not hold (company
        # mentions, link contexts, raw links of 5,000 notes) need not stay for the page pass.
        CACHE.facts.clear()
    # The vault and the cache live until the build ends: keep the garbage collector's full
    # passes (0.6 s each over a 5,000-note vault, several per build) from walking them again.
    gc.freeze()

    # Files MkDocs cannot read as a UTF-8 page, or whose page lives at another path.
    noted = {n.src: n for n in vault.notes}
    for src, f in by_src.items():
        if is_note_path(src):
            note = noted.get(src)
            if note is None or note.page_src != f.src_uri:
                files.remove(f)
                if note is not None:
                    files.append(File.generated(config, note.page_src, content=""))
        elif src != f.src_uri:  # an NFD-named attachment: publish it under its NFC name
            files.remove(f)
            files.append(File.generated(config, src, abs_src_path=f.abs_src_path))

    existing = {f.src_uri for f in files}
    render.MEMO["on"] = bool(SERVE["builds"])  # serve rebuilds reuse unchanged generated pages
    generated = render.generated_pages(vault, existing)
    for src, content in generated.items():
        files.append(File.generated(config, src, content=content))
    if config.nav is None:  # a nav written in mkdocs.yml is the user's choice and wins
        config.nav = build_nav(vault, {f.src_uri for f in files.documentation_pages()})

    ext: VaultExtension = STATE["ext"]
    ext.bind(vault.resolver, vault.tag_index)
    company_of_page = {v: k for k, v in vault.company_pages.items()}
    STATE["company_of_page"] = company_of_page

    _plan_rebuild(files, config, vault, sources, generated)
    parallel.CURRENT["run"] = _parallel_run(config, vault)
    # Links resolved while rendering (reference-style links) may still refuse a target.
    STATE["refused_seen"] = len(vault.resolver.refused)

    for p in vault.problems:
        if p.level == "warning":
            log.warning("vaultsite: %s: %s", p.src or "(vault)", p.problem)
        else:
            log.debug("vaultsite: %s: %s", p.src or "(vault)", p.problem)
    log.info("vaultsite: %d notes, %d attachments, %d generated pages in %.2fs (cache %d hits, %d misses)",
             len(vault.notes), len(vault.index.attachments), len(generated),
             time.perf_counter() - started, CACHE.hits, CACHE.misses)
    return files


PARALLEL_MIN = 100  # notes; below this, forking costs more than it saves


def _parallel_run(config, vault):
    """Build note pages on every core (``vaultsite_parallel``) when that is safe and worth it.

    ``extra.vaultsite.workers``: how many (default: one per core; 0 or 1 builds in one process).
    """
    settings = STATE["settings"]
    workers = settings.get("workers", "auto")
    workers = (os.cpu_count() or 1) if workers in ("auto", None) else int(workers)
    minimum = int(settings.get("parallel_min", PARALLEL_MIN))
    if workers < 2 or len(vault.notes) < minimum or SERVE["incremental"] or threading.active_count() > 1:
        return None
    unknown = parallel.unknown_plugins(config, {name for name, p in config.plugins.items() if p is sys.modules[__name__]})
    if unknown:
        log.info("vaultsite: building pages in one process (plugins %s may keep per-page state)", ", ".join(unknown))
        return None
    tags_plugin = config.plugins.get("material/tags")
    page_notes = STATE["page_notes"]

    def has_listing(page) -> bool:  # Material fills tag listings into the page's HTML in on_env
        return tags_plugin is not None and any(listing.page is page for listing in tags_plugin.listings)

    def can_defer(page) -> bool:  # a vault note or a generated page, with its title in front matter
        title = page.meta.get("title")
        return (page.file.src_uri in page_notes and isinstance(title, str) and bool(title)
                and not has_listing(page))

    def before_render(page) -> None:
        STATE["ext"].set_page(page_notes[page.file.src_uri])

    def snapshot():
        return len(vault.problems), len(vault.resolver.refused)

    def changes(snap):
        return vault.problems[snap[0]:], vault.resolver.refused[snap[1]:]

    def merge(got):
        problems, refused = got
        vault.problems.extend(problems)
        vault.resolver.refused.extend(refused)

    return parallel.ParallelPages(workers, can_defer, before_render, snapshot, changes, merge)


def on_build_error(error, **kwargs):
    run = parallel.CURRENT["run"]
    if run is not None:
        run.abort()
    _gc_after_build()


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


def _plan_rebuild(files, config, vault, sources, generated) -> None:
    """Signatures of every page; in an incremental serve rebuild, mark which pages to render."""
    versions = {s.src: (s.size, s.mtime) for s in sources}
    sigs = incremental.note_signatures(vault, versions)
    sigs.update(incremental.generated_signatures(generated))
    for cid, src in vault.company_pages.items():  # a user's company note carries a generated section
        if src in sigs and src not in generated:
            sigs[src] = incremental.combine(sigs[src], render.company_section(vault, cid, src))
    env = incremental.nav_signature((config.nav, _theme_version(config)))
    prev = INCR.get("sigs") if SERVE["incremental"] and INCR.get("env") == env else None
    rebuild = incremental.changed_pages(prev, sigs)
    if rebuild is not None:
        rebuild.add(GENERATED["tags"])  # Material lists tags there from every page's meta
    pages = {nfc(f.src_uri): (f.url, f.dest_uri) for f in files.documentation_pages()}
    gone = {s: v for s, v in INCR.get("pages", {}).items() if s not in pages}
    STATE["rebuild"] = rebuild
    STATE["removed_urls"] = {url for url, _ in gone.values()}
    STATE["removed_dests"] = {dest for _, dest in gone.values()}
    STATE["rebuilt_urls"] = None if rebuild is None else {pages[s][0] for s in rebuild if s in pages}
    INCR.update(sigs=sigs, env=env, pages=pages)
    if SERVE["incremental"]:
        for f in files.documentation_pages():
            src = nfc(f.src_uri)
            flag = rebuild is None or src in rebuild or src not in sigs
            f.is_modified = (lambda flag=flag: flag)
        log.info("vaultsite: incremental rebuild of %s page(s)", "all" if rebuild is None else len(rebuild))


class _TemplateBytecode(jinja2.BytecodeCache):
    """Compiled theme templates, kept across ``mkdocs serve`` rebuilds.

    MkDocs makes a new Jinja environment for every build, so each rebuild compiled
    Material's ~50 templates again (about 0.25 s).  Jinja checks each entry against
    its template's source, so an edited override is compiled afresh.
    """

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = _TemplateBytecode()


@event_priority(150)  # before Material's tags plugin (100) builds its listings
def on_env(env, config, files, **kwargs):
    """Pages an incremental rebuild skipped still need their title and tags for nav and listings."""
    if SERVE["builds"]:
        env.bytecode_cache = TEMPLATES
    if not SERVE["incremental"] or STATE.get("rebuild") is None:
        return env
    metas = INCR.get("meta", {})
    tags_plugin = config.plugins.get("material/tags")
    for f in files.documentation_pages():
        page = f.page
        if page is None or page.markdown is not None:
            continue
        page.markdown = ""
        page.meta = dict(metas.get(nfc(f.src_uri), {}))
        if tags_plugin is not None and page.meta.get("tags"):
            tags_plugin.mappings.add(page, "")
    return env


def _merge_search_index(site: str) -> None:
    """After an incremental rebuild, keep the search entries of the pages that were not rebuilt.

    The entries are kept serialised, per page: a rebuild re-serialises only its own pages'
    entries (the whole index of a 5,000-note vault is about 45 MB of JSON).
    """
    path = os.path.join(site, "search", "search_index.json")
    if not os.path.exists(path):
        return
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    pages: dict[str, list[str]] = {}
    for doc in data["docs"]:
        pages.setdefault(doc["location"].split("#", 1)[0], []).append(export.dumps(doc))
    # UTF-8 bytes, not str: joining and writing 40 MB of mixed-script text is ~10x faster.
    fresh = {url: ",".join(docs).encode("utf-8") for url, docs in pages.items()}
    rebuilt = STATE.get("rebuilt_urls")
    frags = INCR.get("search")
    if SERVE["incremental"] and rebuilt is not None and frags is not None:
        for url in rebuilt | STATE.get("removed_urls", set()):
            frags.pop(url, None)
        frags.update(fresh)
        config = export.dumps(data["config"]).encode("utf-8")
        with open(path, "wb") as fh:
            fh.write(b'{"config":' + config + b',"docs":[' + b",".join(f for f in frags.values() if f) + b"]}")
    else:
        INCR["search"] = fresh


def _remove_stale_pages(site: str) -> None:
    """Dirty rebuilds keep site/: a deleted note's page must not linger there."""
    for dest in STATE.get("removed_dests", ()):
        stale = os.path.join(site, dest)
        if os.path.isfile(stale):
            os.remove(stale)


def on_page_read_source(page, config, **kwargs):
    vault = STATE.get("vault")
    if vault is None:
        return None
    src = nfc(page.file.src_uri)
    note = vault.note_for_page(src)
    if note is None:
        return None
    extra = ""
    cid = STATE["company_of_page"].get(src)
    if cid:
        extra = render.company_section(vault, cid, src)
    return render.note_source(vault, note, extra)


def _as_text(value: str) -> str:
    """``value`` escaped for HTML text: ``<img onerror=…>`` in a title prints as written."""
    return html_mod.escape(value, quote=False)


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


def on_nav(nav, config, files, **kwargs):
    """Titles the navigation gives (folder labels, note titles in a small vault) are raw HTML
    to Material as well; escape each once (the navigation is built anew every build)."""
    stack = list(nav.items)
    while stack:
        item = stack.pop()
        if "title" in vars(item) and isinstance(vars(item)["title"], str):
            item.title = _as_text(item.title)
        stack.extend(getattr(item, "children", None) or ())
    return nav


@event_priority(100)
def on_page_markdown(markdown, page, config, **kwargs):
    _escape_page_meta(page)
    vault = STATE.get("vault")
    ext: VaultExtension = STATE.get("ext")
    if vault is None or ext is None:
        return markdown
    src = nfc(page.file.src_uri)
    note = vault.note_for_page(src) or Note(src=src, title=page.title or "", body="", format="generated", page_src=src)
    ext.set_page(note)
    STATE.setdefault("page_notes", {})[page.file.src_uri] = note
    INCR.setdefault("meta", {})[src] = {k: v for k, v in page.meta.items() if k in ("title", "tags", "hide")}
    return markdown


def on_page_content(html, page, config, **kwargs):
    vault = STATE.get("vault")
    if vault is None:
        return html
    note = vault.note_for_page(nfc(page.file.src_uri))
    if note is None:
        return html
    return sanitize.clean_page(html, note, trusted=bool(STATE["settings"].get("trust_html", False)))


def on_page_context(context, page, config, nav, **kwargs):
    vault = STATE.get("vault")
    if vault is None:
        return context
    src = nfc(page.file.src_uri)
    note = vault.note_for_page(src)
    if note is None:
        return context
    companies = []
    for cid in vault.note_companies.get(note.src, []):
        company = vault.registry.get(cid)
        if company and cid in vault.company_pages:
            companies.append({"name": company.name, "url": vault.url_of(vault.company_pages[cid])})
    context["vs_note"] = {
        "date": note.date,
        "author": note.author,
        "source_url": note.source_url,
        "format": note.format,
        "category": note.category,
        "src": note.src,
        "companies": companies,
        "backlinks": vault.backlinks.get(note.src, []),
    }
    return context


def on_post_build(config, **kwargs):
    vault = STATE.get("vault")
    if vault is None:
        _gc_after_build()
        return
    seen = STATE.get("refused_seen", 0)
    known = set(vault.resolver.refused[:seen])  # the vault pass reported these already
    for p in vault.resolver.refused[seen:]:
        if p in known:  # a Markdown link the page render resolved again
            continue
        known.add(p)
        vault.problems.append(p)
        log.warning("vaultsite: %s: %s", p.src or "(vault)", p.problem)
    site = config.site_dir
    # In mkdocs serve, the entries of notes whose page did not change are reused.
    frags = INCR.setdefault("vault_json", {}) if SERVE["builds"] else None
    with open(os.path.join(site, "vault.json"), "wb") as fh:
        fh.write(export.vault_json_bytes(vault, INCR.get("sigs"), frags))
    with open(os.path.join(site, "problems.md"), "w", encoding="utf-8") as fh:
        fh.write(export.problem_report(vault))
    if SERVE["builds"]:
        _merge_search_index(site)
        _remove_stale_pages(site)
    _gc_after_build()
