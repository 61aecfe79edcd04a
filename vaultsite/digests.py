"""One digest of plain data for every cache and memo of the project (a leaf module: the
modules that need it import each other)."""
from __future__ import annotations

import hashlib
import marshal


def digest(value) -> str:
    """A digest of plain data (strings, numbers, None, and tuples, lists and dicts of them),
    the same in every process, so that the build cache (``mkdocs build`` after ``mkdocs
    build``) can compare it with the last build's.  ``marshal`` format 2 writes values without
    back-references (equal values, equal bytes) and is several times faster than ``repr`` on
    a 5,000-entry listing; anything else falls back to its ``repr``."""
    try:
        data = marshal.dumps(value, 2)
    except ValueError:
        data = repr(value).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).hexdigest()
