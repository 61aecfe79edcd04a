"""Which files of ``docs/`` the vault is made of: MkDocs' file list, checked and completed.

MkDocs walks ``docs/`` itself, before any hook runs, and some of what it does there would
drop a file unseen or stop the build:

* it drops one of two pages with one address (``x.md`` beside ``x.markdown``, ``README.md``
  beside ``index.md``) with only a log line: the dropped file is put back here, and the
  core publishes it at another address with a problem line;
* it follows symlinks into folders, round a loop up to the system's limit (a ``selfloop -> .``
  made 12 notes into 492 pages): each real file is kept once, at its shortest path, and each
  symlinked folder is reported once;
* a file name that is not UTF-8 (CP949 bytes from a Windows archive) reaches MkDocs as a
  string with surrogates that fails when its URL is made: such a file is published under its
  decoded name (CP949 or EUC-KR, else UTF-8 with replacement characters) and reported;
* two names that differ only in Unicode normalisation (NFC and NFD copies of ``한글노트.md``)
  would both be published at one NFC address: the first is kept, the other reported;
* a symlink to a file or folder outside ``docs/`` is never published, and a file that cannot
  be read is reported instead of failing the copy.
"""
from __future__ import annotations

import errno
import os
import posixpath
import unicodedata

from mkdocs import utils as mkdocs_utils
from mkdocs.structure.files import File, Files, set_exclusions

from vaultsite.build import Source
from vaultsite.textutil import nfc

_MARKDOWN_EXTS = tuple(getattr(mkdocs_utils, "markdown_extensions", (".md", ".markdown")))


def _has_surrogates(s: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in s)


def decode_name(src: str) -> tuple[str, str]:
    """A file name with undecodable bytes, decoded: (name, how)."""
    raw = os.fsencode(src)
    for codec in ("cp949", "euc-kr"):
        try:
            return raw.decode(codec), codec.upper()
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace"), "UTF-8 with replacement characters"


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


def _linked_folder(docs: str, src: str) -> str | None:
    """The first folder on ``src``'s path that is a symlink (its path under docs/)."""
    parts = src.split("/")[:-1]
    for i in range(1, len(parts) + 1):
        rel = "/".join(parts[:i])
        if os.path.islink(os.path.join(docs, rel)):
            return rel
    return None


def _tell_link(docs: str, src: str, told: set[str], early: list) -> bool:
    """Report the symlinked folder ``src`` was reached through, once; False if there is none."""
    link = _linked_folder(docs, src)
    if link is None:
        return False
    if link in told:
        return True
    told.add(link)
    target = os.readlink(os.path.join(docs, link))
    real_link = os.path.realpath(os.path.join(docs, link))
    here = os.path.realpath(os.path.join(docs, posixpath.dirname(link)))
    if here == real_link or here.startswith(real_link + os.sep):
        early.append((nfc(link), f"a symlink loop (-> {target}); followed once: its files are published "
                                 "once, at their own path", "warning"))
    else:
        early.append((nfc(link), f"a symlink to a folder inside docs/ (-> {target}); its files are "
                                 "published once, at their own path", "info"))
    return True


def _dropped_pages(files: Files, config, docs: str) -> list[File]:
    """Pages MkDocs dropped because another page has their address."""
    present = {f.src_uri for f in files}
    dests = {f.dest_uri for f in files.documentation_pages()}
    folders = {posixpath.dirname(f.src_uri) for f in files.documentation_pages()}
    out = []
    for folder in sorted(folders):
        try:
            names = os.listdir(os.path.join(docs, folder))
        except OSError:
            continue
        for name in sorted(names):
            src = posixpath.join(folder, name) if folder else name
            if src in present or name.startswith(".") or not name.lower().endswith(_MARKDOWN_EXTS):
                continue
            if not os.path.isfile(os.path.join(docs, src)):
                continue
            f = File(src, config.docs_dir, config.site_dir, config.use_directory_urls)
            if f.dest_uri not in dests:
                continue  # not an address clash: MkDocs left it out for its own reasons
            set_exclusions([f], config)
            if f.inclusion.is_excluded():
                continue
            out.append(f)
    return out


def vault_sources(files: Files, config, own_files: set[str]) -> tuple[list[Source], dict[str, File], list]:
    """The vault's files as core ``Source``s (NFC paths), the MkDocs ``File`` of each, and the
    files refused before the core sees them as (src, reason, level).  ``files`` is edited:
    refused files and duplicates leave it, dropped pages come back, bad names are replaced."""
    sources: list[Source] = []
    by_src: dict[str, File] = {}
    early: list = []
    docs = os.path.abspath(config.docs_dir)
    real_docs = os.path.realpath(docs)
    real_dirs: dict[str, str] = {}
    told_links: set[str] = set()
    for f in _dropped_pages(files, config, docs):
        files.append(f)
    entries = []  # (File, src, rename problem, stat), in MkDocs' order
    for f in list(files):  # a copy: refused files are removed while we go
        # Only the vault: not theme assets, not files another plugin generated.
        if f.generated_by is not None or f.abs_src_path is None or os.path.abspath(f.src_dir or "") != docs:
            continue
        if f.inclusion.is_excluded():  # exclude_docs, draft_docs, /templates/: MkDocs leaves them out
            continue
        src = f.src_uri
        renamed = None
        if _has_surrogates(src):
            name, how = decode_name(src)
            src = nfc(name)
            renamed = (src, f"file name is not UTF-8 (decoded as {how}); published as '{src}'", "warning")
        else:
            src = nfc(src)
        if os.path.normpath(f.abs_src_path) in own_files:
            files.remove(f)
            early.append((src, "the site's settings file (companies or tag synonyms); not published", "info"))
            continue
        # MkDocs follows symlinks, to files and into folders: whatever really lives
        # outside docs/ (/etc/hostname, a linked folder) is never published.
        real = _realpath(f.abs_src_path, real_dirs)
        if real != real_docs and not real.startswith(real_docs + os.sep):
            files.remove(f)
            early.append((src, "a symlink to a file outside docs/ (or inside a linked folder); not published",
                          "warning"))
            continue
        try:
            st = os.stat(f.abs_src_path)
            if not os.path.isfile(f.abs_src_path):
                raise OSError("not a regular file")
        except OSError as exc:
            files.remove(f)  # MkDocs would fail copying it
            if getattr(exc, "errno", None) == errno.ELOOP and _linked_folder(docs, f.src_uri):
                _tell_link(docs, f.src_uri, told_links, early)  # the end of a loop's walk
                continue
            early.append((src, f"cannot be read ({getattr(exc, 'strerror', None) or exc}); not published",
                          "warning"))
            continue
        entries.append((f, src, renamed, st))

    # One real file reached through a symlinked folder too (a loop, a linked folder): kept at
    # the path with no linked folder on it, else the shortest; a file symlink or hard link
    # outside linked folders is an alias the user made, and stays published.
    by_inode: dict[tuple, list[int]] = {}
    for i, (_, _, _, st) in enumerate(entries):
        by_inode.setdefault((st.st_dev, st.st_ino), []).append(i)
    dropped: set[int] = set()
    for group in by_inode.values():
        if len(group) < 2:
            continue
        linked = {i: _linked_folder(docs, entries[i][0].src_uri) for i in group}
        direct = [i for i in group if linked[i] is None]
        keep = set(direct) if direct else {min(group, key=lambda i: (entries[i][1].count("/"), entries[i][1]))}
        for i in group:
            if i not in keep:
                dropped.add(i)
                files.remove(entries[i][0])
                _tell_link(docs, entries[i][0].src_uri, told_links, early)

    for i, (f, src, renamed, st) in enumerate(entries):
        if i in dropped:
            continue
        if src in by_src:  # the same name in NFC and NFD (or a decoded name clash)
            kept = by_src[src]
            nfd_kept = kept.src_uri != unicodedata.normalize("NFC", kept.src_uri)
            nfc_here = f.src_uri == unicodedata.normalize("NFC", f.src_uri)
            if nfd_kept and nfc_here:  # publish the NFC one
                files.remove(kept)
                j = next(j for j, s_ in enumerate(sources) if s_.src == src)
                sources[j] = Source(src, f.abs_src_path, st.st_size, st.st_mtime, ctime=st.st_ctime_ns)
                by_src[src] = f
            else:
                files.remove(f)
            early.append((src, f"two files named '{src}', one with an NFC and one with an NFD (macOS) file "
                               "name; the NFC one is published, the other is not", "warning"))
            continue
        if renamed:
            early.append(renamed)
        # A decoded or NFD name (src != f.src_uri) is published under ``src``: the adapter
        # replaces its File once the core has placed it.
        sources.append(Source(src, f.abs_src_path, st.st_size, st.st_mtime, ctime=st.st_ctime_ns))
        by_src[src] = f
    return sources, by_src, early
