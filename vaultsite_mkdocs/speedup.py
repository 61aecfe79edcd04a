"""What every optional speed-up has in common.

A speed-up patches an MkDocs, Material or Python internal.  Before it patches, ``check()``
looks at the version or the shape of what it patches; if that is not what the speed-up was
written against, the adapter logs one info line and MkDocs' own path runs instead.  So a
change in MkDocs, ProperDocs, Material or Python costs a speed-up, never the build.
"""
from __future__ import annotations

import inspect
import logging

log = logging.getLogger("mkdocs.plugins.vaultsite")


class Speedup:
    #: the key under ``extra.vaultsite.speedups``
    name = ""

    def __init__(self, adapter) -> None:
        self.adapter = adapter
        self.active = False

    def check(self) -> str | None:
        """Why this speed-up cannot be used here (None: it can)."""
        return None

    def install(self) -> None:
        """Patch (idempotent: a ``mkdocs serve`` session calls it on every build)."""

    def start(self, wanted: bool) -> bool:
        """Turn on for this build if wanted and possible; True when active."""
        if not wanted:
            self.active = False
            return False
        try:
            reason = self.check()
        except Exception as exc:  # noqa: BLE001 - a failing check is a failed check
            reason = f"{type(exc).__name__}: {exc}"
        if reason:
            if self.active or not getattr(self, "_told", False):
                log.info("vaultsite: speed-up %s is off (%s); MkDocs' own path is used", self.name, reason)
                self._told = True
            self.active = False
            return False
        self.install()
        self.active = True
        return True


def params(func) -> list[str] | None:
    """The parameter names of ``func`` as MkDocs defined it, below any patch of ours (None
    when it has none to show)."""
    while getattr(func, "_vaultsite_original", None) is not None:
        func = func._vaultsite_original
    try:
        return list(inspect.signature(func).parameters)
    except (TypeError, ValueError):
        return None


def _chain(func):
    while func is not None:
        yield func
        func = getattr(func, "_vaultsite_original", None)


def patched(obj, name: str, wrapper, owner) -> None:
    """Replace ``obj.name`` by ``wrapper`` once; later calls only hand the installed wrapper a
    new owner (wrappers of other speed-ups may sit on top of it by then)."""
    current = getattr(obj, name)
    for func in _chain(current):
        if getattr(func, "_vaultsite_kind", None) == wrapper._vaultsite_kind:
            func._vaultsite_owner = owner
            return
    wrapper._vaultsite_original = current
    wrapper._vaultsite_owner = owner
    setattr(obj, name, wrapper)


def original_of(obj, name: str, kind: str):
    """What the wrapper of ``kind`` calls: ``obj.name`` as it was below that patch."""
    current = getattr(obj, name)
    for func in _chain(current):
        if getattr(func, "_vaultsite_kind", None) == kind:
            return func._vaultsite_original
    return current
