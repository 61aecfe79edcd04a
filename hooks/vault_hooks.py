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

import json
import logging
import os
import posixpath
import time

import sys

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

try:
    import vaultsite  # noqa: F401  (installed with `pip install -e .`)
except ImportError:  # run from a checkout without installing: the core sits beside hooks/
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from vaultsite import export, render, sanitize
from vaultsite.build import Cache, Source, build_vault, is_note_path
from vaultsite.mdext import VaultExtension
from vaultsite.model import Note, Problem
from vaultsite.navigation import build_nav
from vaultsite.textutil import nfc

log = logging.getLogger("mkdocs.plugins.vaultsite")

CACHE = Cache()
STATE: dict = {}


def _settings(config) -> dict:
    return dict(config.extra.get("vaultsite") or {})


def on_config(config, **kwargs):
    ext = VaultExtension()
    config.markdown_extensions.append(ext)
    STATE.clear()
    STATE["ext"] = ext
    STATE["settings"] = _settings(config)
    if not config.use_directory_urls:
        log.warning("vaultsite: use_directory_urls: false is not supported; generated pages assume directory URLs")
    return config


@event_priority(50)
def on_files(files: Files, config, **kwargs):
    started = time.perf_counter()
    sources = []
    by_src: dict[str, File] = {}
    early: list = []  # files refused before the core sees them: (src, reason)
    docs = os.path.abspath(config.docs_dir)
    real_docs = os.path.realpath(docs)
    for f in list(files):  # a copy: refused files are removed while we go
        # Only the vault: not theme assets, not files another plugin generated.
        if f.generated_by is not None or f.abs_src_path is None or os.path.abspath(f.src_dir or "") != docs:
            continue
        src = nfc(f.src_uri)
        # MkDocs follows symlinks, to files and into folders: whatever really lives
        # outside docs/ (/etc/hostname, a linked folder) is never published.
        real = os.path.realpath(f.abs_src_path)
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

    vault = build_vault(sources, CACHE)
    vault.problems[:0] = [Problem(src, problem) for src, problem in early]
    STATE["vault"] = vault

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
    generated = render.generated_pages(vault, existing)
    for src, content in generated.items():
        files.append(File.generated(config, src, content=content))
    STATE["generated"] = generated
    pages = {f.src_uri for f in files.documentation_pages()}
    config.nav = build_nav(vault, pages)

    ext: VaultExtension = STATE["ext"]
    ext.bind(vault.resolver, vault.tag_index)
    company_of_page = {v: k for k, v in vault.company_pages.items()}
    STATE["company_of_page"] = company_of_page

    for p in vault.problems:
        if p.level == "warning":
            log.warning("vaultsite: %s: %s", p.src or "(vault)", p.problem)
        else:
            log.debug("vaultsite: %s: %s", p.src or "(vault)", p.problem)
    log.info("vaultsite: %d notes, %d attachments, %d generated pages in %.2fs (cache %d hits, %d misses)",
             len(vault.notes), len(vault.index.attachments), len(generated),
             time.perf_counter() - started, CACHE.hits, CACHE.misses)
    return files


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


@event_priority(100)
def on_page_markdown(markdown, page, config, **kwargs):
    vault = STATE.get("vault")
    ext: VaultExtension = STATE.get("ext")
    if vault is None or ext is None:
        return markdown
    src = nfc(page.file.src_uri)
    note = vault.note_for_page(src) or Note(src=src, title=page.title or "", body="", format="generated", page_src=src)
    ext.set_page(note)
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
        return
    site = config.site_dir
    with open(os.path.join(site, "vault.json"), "w", encoding="utf-8") as fh:
        # json.dumps without indent runs the C encoder (json.dump never does): ~5x faster.
        fh.write(json.dumps(export.vault_json(vault), ensure_ascii=False, separators=(",", ":")))
    with open(os.path.join(site, "problems.md"), "w", encoding="utf-8") as fh:
        fh.write(export.problem_report(vault))
