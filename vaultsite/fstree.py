"""Removing a build's leftovers from an output folder."""
from __future__ import annotations

import os
from typing import Callable


def prune(folder: str, rel: str, doomed: Callable[[str, os.DirEntry], bool],
          kept: Callable[[str, os.DirEntry], bool] = lambda sub, entry: False) -> int:
    """Remove every file under ``folder`` for which ``doomed(path, entry)`` is true, then every
    folder below it left empty (``folder`` itself stays).  ``path`` is ``rel``-prefixed and
    ``/``-separated; an entry ``kept(path, entry)`` is left alone, with all below it.
    Returns how many files went."""
    removed = 0

    def walk(here: str, prefix: str) -> bool:  # True when ``here`` is left empty
        nonlocal removed
        empty = True
        with os.scandir(here) as entries:
            for entry in entries:
                sub = f"{prefix}/{entry.name}" if prefix else entry.name
                if kept(sub, entry):
                    empty = False
                elif entry.is_dir(follow_symlinks=False):
                    if walk(entry.path, sub):
                        os.rmdir(entry.path)
                    else:
                        empty = False
                elif doomed(sub, entry):
                    os.remove(entry.path)
                    removed += 1
                else:
                    empty = False
        return empty

    walk(folder, rel)
    return removed
