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
    return marshalled(value)[0]


def marshalled(value) -> tuple[str, bytes | None]:
    """``(digest(value), value marshalled)``, the bytes None where ``marshal`` cannot write
    the value (the digest is then of its ``repr``): for a caller that sends the value on."""
    try:
        data = marshal.dumps(value, 2)
    except ValueError:
        return hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest(), None
    return hashlib.blake2b(data, digest_size=16).hexdigest(), data
