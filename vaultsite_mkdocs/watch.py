"""Speed-up ``native_watch``: ``mkdocs serve`` learns of a changed note from the kernel.

MkDocs 1.6 watches ``docs/`` with watchdog's ``PollingObserver``: every half second it lists
and stats every file of the vault in Python. At 5,000 notes one pass takes a few tenths of a
second of the process's one interpreter lock, all the time, so a rebuild runs slower and a
new note is seen up to a pass later (a new note's page: 10.8 s instead of 12.7 s at 5,000
notes, 2.5 s instead of 3.4 s at 1,000; ``tests/bench/NOTES.md``).

In ``on_serve`` the folders MkDocs watches move to watchdog's native observer (inotify on
Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows); single files (``mkdocs.yml``)
stay with the polling observer, since editors that save by writing a new file and renaming
it replace the file a native watch is attached to. The native observer is started before
the swap; if it cannot start (the system's limit of watches reached, a filesystem without
notifications), MkDocs' polling stays, with one info line.

What the native observer reports is made what the polling one reported:
- opening and closing a file for reading are not changes (the build reads the notes; without
  the filter every build would start the next one);
- a folder moved in, moved out or deleted is a change (polling reports each file in it;
  MkDocs' handler ignores folder events, so they are handed on as a change of the folder's
  path).
"""
from __future__ import annotations

import functools
import logging
import os

from .speedup import Speedup, params

log = logging.getLogger("mkdocs.plugins.vaultsite")


class NativeWatch(Speedup):
    name = "native_watch"

    def __init__(self, adapter) -> None:
        super().__init__(adapter)
        self.observer = None  # the native observer, once it watches

    def check(self) -> str | None:
        try:
            import watchdog.events  # noqa: F401, PLC0415
            import watchdog.observers  # noqa: PLC0415
            import watchdog.observers.polling  # noqa: PLC0415
        except ImportError as exc:
            return f"watchdog: {exc}"
        native = watchdog.observers.Observer
        if issubclass(native, watchdog.observers.polling.PollingObserver):
            return "this system has no native file notifications"
        if "event_filter" not in (params(native.schedule) or []):
            return "this watchdog cannot filter events (watchdog 4 or later needed)"
        return None

    def take_over(self, server) -> None:
        """Move the folders ``server`` (MkDocs' ``LiveReloadServer``, not yet serving) watches
        to a native observer; leave everything as it is when its shape is not the expected one."""
        if not self.active:
            return
        import watchdog.observers  # noqa: PLC0415
        import watchdog.observers.polling  # noqa: PLC0415

        old = getattr(server, "observer", None)
        refs = getattr(server, "_watch_refs", None)
        handlers = getattr(old, "_handlers", None)
        if not isinstance(old, watchdog.observers.polling.PollingObserver) or not isinstance(refs, dict) \
                or not isinstance(handlers, dict) or old.is_alive():
            log.info("vaultsite: speed-up native_watch is off (MkDocs' server is not the one it was "
                     "written for); MkDocs' own path is used")
            return
        moved = {path: watch for path, watch in refs.items()
                 if getattr(watch, "is_recursive", False) and os.path.isdir(getattr(watch, "path", ""))}
        if not moved:
            return
        forward, event_filter = _machinery()
        native = watchdog.observers.Observer()
        new = {}
        try:
            for path, watch in moved.items():
                targets = list(handlers.get(watch, ()))
                new[path] = native.schedule(forward(targets), watch.path, recursive=True, event_filter=event_filter)
            native.start()
        except Exception as exc:  # noqa: BLE001 - no native watcher costs polling, never serve
            try:
                native.stop()
            except Exception:  # noqa: BLE001
                pass
            log.info("vaultsite: speed-up native_watch is off (%s: %s); MkDocs' polling is used",
                     type(exc).__name__, exc)
            return
        for path, watch in moved.items():
            old.unschedule(watch)
            refs[path] = new[path]
        moved_watches = set(new.values())
        unschedule, stop = old.unschedule, old.stop

        def unschedule_either(watch):  # server.unwatch(path) hands us what refs holds
            return native.unschedule(watch) if watch in moved_watches else unschedule(watch)

        def stop_both():
            native.stop()
            stop()

        old.unschedule = unschedule_either
        old.stop = stop_both
        self.observer = native
        log.debug("vaultsite: watching %s with %s", ", ".join(sorted(moved)), type(native).__name__)


@functools.lru_cache(maxsize=None)
def _machinery():
    """The event handler class and the events it asks for (watchdog is imported on first use)."""
    from watchdog import events  # noqa: PLC0415

    wanted = ["FileCreatedEvent", "FileModifiedEvent", "FileDeletedEvent", "FileMovedEvent",
              "FileClosedEvent", "DirCreatedEvent", "DirDeletedEvent", "DirMovedEvent"]

    class Forward(events.FileSystemEventHandler):
        """Hands events to MkDocs' handlers; a folder created, deleted or moved becomes a
        change of a file at its path (MkDocs rebuilds on file events only)."""

        def __init__(self, targets) -> None:
            super().__init__()
            self.targets = targets

        def dispatch(self, event) -> None:
            if event.is_directory:
                if event.event_type not in ("created", "deleted", "moved"):
                    return
                event = events.FileModifiedEvent(getattr(event, "dest_path", "") or event.src_path)
            for target in self.targets:
                target.dispatch(event)

    return Forward, [getattr(events, name) for name in wanted if hasattr(events, name)]
