"""A helper process for cold builds: reads pickled Sources on stdin, writes their NoteFacts on stdout.

Run by :meth:`vaultsite.build.Cache.fill` as ``python -m vaultsite.worker``.  A
plain subprocess rather than ``multiprocessing``: it neither forks a process
that may have threads (``mkdocs serve``) nor re-imports the caller's
``__main__``, which fails when MkDocs runs embedded or from stdin.
"""
from __future__ import annotations

import pickle
import sys


def main() -> None:
    from .build import read_note

    sources = pickle.load(sys.stdin.buffer)
    pickle.dump([read_note(s) for s in sources], sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
