"""Garbage collection policy: a large vault's build spends seconds in the collector.

Each full pass walks the cache of every note (0.6-0.8 s at 5,000 notes).  While a build
(not ``mkdocs serve``) makes its vault and generated pages (``on_files``), everything it
makes lives as long as the build: the collector is paused then (five full passes at 5,000
notes, 0.9 s, and 8 s of passes at 20,000), and one pass over what was made since
(:meth:`GCPolicy.settle`, a young-generation collection: nothing was promoted meanwhile)
finds any garbage cycle before the heap is frozen (``gc.freeze``).  In ``mkdocs serve``
the collector is also paused while a rebuild runs and does its full pass a few seconds
after it, when the server is idle, not while the user waits for the page.  A one-off
build freezes its heap at the end, sparing the interpreter's last collection over every
object.
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
        self.paused = False  # by files_started, until settle()

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

    def files_started(self, serving: bool) -> None:
        """``on_files`` of a build: the collector waits until :meth:`settle`."""
        if self.active and not serving and gc.isenabled():
            gc.disable()
            self.paused = True

    def vault_built(self) -> None:
        if self.active and not self.paused:
            gc.freeze()

    def settle(self) -> None:
        """Once the build's long-lived objects are made (the end of ``on_files``, or before a
        fork): the garbage among them collected, the collector back on, the rest frozen."""
        if not self.paused:
            return
        self.paused = False
        gc.collect(0)  # everything made while paused is still in the young generation
        gc.enable()
        gc.freeze()

    def build_ended(self, serving: bool) -> None:
        if not self.active:
            return
        if self.paused:  # a build that failed in on_files
            self.paused = False
            gc.enable()
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
