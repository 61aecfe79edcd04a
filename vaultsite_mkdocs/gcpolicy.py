"""Garbage collection policy: a large vault's build spends seconds in the collector.

Each full pass walks the cache of every note (0.6-0.8 s at 5,000 notes).  The vault is
frozen once it is built (``gc.freeze``).  In ``mkdocs serve`` the collector is also paused
while a rebuild runs and does its full pass a few seconds after it, when the server is idle,
not while the user waits for the page.  A one-off build freezes its heap at the end, sparing
the interpreter's last collection over every object.
"""
from __future__ import annotations

import gc
import threading

from .speedup import Speedup


class GCPolicy(Speedup):
    name = "gc_policy"

    def __init__(self, adapter) -> None:
        super().__init__(adapter)
        self.timer: threading.Timer | None = None

    def check(self) -> str | None:
        if not all(hasattr(gc, f) for f in ("freeze", "unfreeze", "disable", "enable")):
            return "this Python has no gc.freeze"
        return None

    def build_started(self, serving: bool) -> None:
        if not self.active:
            return
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if serving:
            gc.disable()

    def vault_built(self) -> None:
        if self.active:
            gc.freeze()

    def build_ended(self, serving: bool) -> None:
        if not self.active:
            return
        if not serving:
            gc.freeze()  # the process ends with this build
            return
        gc.enable()

        def collect() -> None:
            gc.unfreeze()
            gc.collect()

        self.timer = threading.Timer(3.0, collect)
        self.timer.daemon = True
        self.timer.start()
