"""A helper process: reads a pickled job on stdin, writes its answer on stdout.

A list of Sources (a cold build where forking is unsafe): their NoteFacts.  ``("related-since",
payload, since)`` (``mkdocs serve``), or ``("related-marshalled", bytes, keep)`` (a cold
build): the related notes of ``build._related_payload`` (a ``related.Computed``).

Run by :meth:`vaultsite.build.Cache.fill` and ``build._start_related`` as ``python -m vaultsite.worker``
(with ``--warm``: started ahead of its job by ``forkpool.prestart``, it imports what the related
notes need and waits).  A
plain subprocess rather than ``multiprocessing``: it neither forks a process
that may have threads (``mkdocs serve``) nor re-imports the caller's
``__main__``, which fails when MkDocs runs embedded or from stdin.
"""
from __future__ import annotations

import pickle
import sys


def main() -> None:
    if "--warm" in sys.argv[1:]:  # started ahead of its job (forkpool.prestart): ready for it
        from . import related  # noqa: F401
    try:
        job = pickle.load(sys.stdin.buffer)
    except EOFError:  # the process that started it ended without a job for it
        return
    if isinstance(job, tuple) and job[:1] == ("related-since",):  # related notes (``build._start_related``)
        from .related import computed_from_payload  # not the whole build: it starts sooner

        answer = computed_from_payload(job[1], since=job[2], keep=True)
    elif isinstance(job, tuple) and job[:1] == ("related-marshalled",):  # the same, its payload marshalled
        from .related import computed_from_blob

        answer = computed_from_blob(job[1], keep=job[2])
    else:  # a list of Sources
        from .build import read_note

        answer = [read_note(s) for s in job]
    pickle.dump(answer, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
