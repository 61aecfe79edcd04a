"""The theme's static files, listed once while the theme's folders stay as they are: once
per ``mkdocs serve`` session, and once for the cached ``mkdocs build`` (the build cache keeps
the list, :mod:`vaultsite_mkdocs.buildcache`).

Every build, MkDocs lists the files of the theme to copy into the site
(``Files.add_files_from_theme``): Jinja walks the theme's folders, and each of their 14,500
names (Material's icons are 14,300 of them) is matched against about twenty patterns with
``fnmatch``: 0.15 s of every serve rebuild and every build, for a list that does not change.

So the first build of a session lets MkDocs' own method list the theme into an empty
``Files`` (every theme file, none hidden by a page of ``docs/``), and remembers the files it
added with the modification time of every folder of the theme.  A later build whose theme
folders all have the same times (a file added, removed or renamed changes its folder's time;
a changed file's content does not matter to the list) adds the remembered files itself,
skipping those a page of ``docs/`` holds, as MkDocs does.  A folder changed less than two
seconds before the list was made is not trusted (a file system that keeps coarse times could
hide a later change in the same tick): the next build lists again.  Anything else (other
theme folders, other static templates or Markdown extensions) lists again too.
"""
from __future__ import annotations

import os
import time

from .speedup import Speedup, params, patched

_RACY = 2.0  # seconds


def _folders(dirs) -> dict[str, int] | None:
    """Every folder under the theme folders -> its modification time (ns); None when one
    cannot be read."""
    out: dict[str, int] = {}
    for top in dirs:
        for folder, subdirs, _ in os.walk(top, followlinks=True):
            try:
                out[folder] = os.stat(folder).st_mtime_ns
            except OSError:
                return None
    return out


def _unchanged(folders: dict[str, int]) -> bool:
    for folder, mtime in folders.items():
        try:
            if os.stat(folder).st_mtime_ns != mtime:
                return False
        except OSError:
            return False
    return True


class ThemeFiles(Speedup):
    name = "theme_files"

    def __init__(self, adapter) -> None:
        super().__init__(adapter)
        self.memo: tuple | None = None  # (key, folders, [(path, theme dir)])
        self.listed = 0  # builds that listed the theme (tests)

    def check(self) -> str | None:
        from mkdocs.structure.files import Files

        if params(getattr(Files, "add_files_from_theme", None)) != ["self", "env", "config"]:
            return "mkdocs.structure.files.Files.add_files_from_theme(env, config) changed"
        return None

    def install(self) -> None:
        from mkdocs.structure.files import Files

        def add_files_from_theme(files, env, config):
            owner: ThemeFiles = add_files_from_theme._vaultsite_owner
            if not owner.active:
                return add_files_from_theme._vaultsite_original(files, env, config)
            return owner.add(files, env, config, add_files_from_theme._vaultsite_original)

        add_files_from_theme._vaultsite_kind = "theme_files"
        patched(Files, "add_files_from_theme", add_files_from_theme, self)

    def add(self, files, env, config, original) -> None:
        from mkdocs import utils
        from mkdocs.structure.files import File, Files

        dirs = list(config.theme.dirs)
        key = (tuple(dirs), tuple(sorted(config.theme.static_templates)), tuple(utils.markdown_extensions),
               config.site_dir, config.use_directory_urls)
        memo = self.memo
        if memo is None or memo[0] != key or not _unchanged(memo[1]):
            self.memo = None
            started = time.time()
            folders = _folders(dirs)
            listed = Files([])
            original(listed, env, config)
            self.listed += 1
            found = [(f.src_uri, f.src_dir) for f in listed]
            if folders is not None and max(folders.values(), default=0) < (started - _RACY) * 1e9:
                self.memo = (key, folders, found)
        else:
            found = memo[2]
        for path, folder in found:
            if files.get_file_from_path(path) is None:  # theme files do not override docs_dir files
                files.append(File(path, folder, config.site_dir, config.use_directory_urls))
