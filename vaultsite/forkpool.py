"""Plumbing shared by the forked workers (the cold vault pass and the page pass).

* a work queue: a pipe holding 4-byte chunk numbers, written whole before forking;
  every process reads one number at a time (reads of a pipe are atomic), so the
  processes finish together whatever the items cost;
* results: frames (an 8-byte length, then a pickle) written by a child and read by
  the parent from every child's pipe as they arrive (``select``), so no child
  blocks on a full pipe and neither side holds the results twice.

Only to be used where forking is safe: no other thread running.
"""
from __future__ import annotations

import gc
import os
import pickle
import select
from typing import Callable, Iterator

LEN = 8


def make_queue(count: int, chunk: int) -> int:
    """A pipe holding the start of every chunk of ``count`` items; returns its read end."""
    r, w = os.pipe()
    os.write(w, b"".join(n.to_bytes(4, "little") for n in range(0, count, chunk)))  # a few KB: fits
    os.close(w)
    return r


def next_chunk(queue: int) -> int | None:
    """The first item of the next chunk to work on, or None when the queue is empty."""
    got = os.read(queue, 4)
    return int.from_bytes(got, "little") if len(got) == 4 else None


def widen_pipe(fd: int) -> None:
    """A 1 MB pipe (Linux; 64 KB is the default) holds a chunk's results, so a child goes on
    while the parent is busy with work of its own instead of blocking on the write."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass


def send(fd: int, payload) -> None:
    """Write one frame."""
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(len(data).to_bytes(LEN, "little") + data)
    while view:
        view = view[os.write(fd, view):]


def loads(data: bytes):
    """``pickle.loads`` with the garbage collector paused: unpickling tens of megabytes of
    small objects otherwise sets off collection after collection, none of which finds garbage."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if enabled:
            gc.enable()


class Frames:
    """Reads the frames of several children's pipes; closes each pipe at its end."""

    def __init__(self, fds: list[int]) -> None:
        self.buffers = {fd: bytearray() for fd in fds}
        self.open = set(fds)

    def add(self, fd: int) -> None:
        """Read another child's pipe too (also while :meth:`read` is being iterated)."""
        self.buffers[fd] = bytearray()
        self.open.add(fd)

    def read(self, timeout: float | None = None) -> Iterator:
        """Every complete frame that has arrived; with ``timeout=None``, until every pipe is
        closed.  A frame that cannot be unpickled (a child died mid-write) is skipped."""
        while self.open:
            ready, _, _ = select.select(list(self.open), [], [], timeout)
            if not ready:
                return
            for fd in ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    self.open.discard(fd)
                    os.close(fd)
                    continue
                buf = self.buffers[fd]
                buf += chunk
                while len(buf) >= LEN:
                    size = int.from_bytes(buf[:LEN], "little")
                    if len(buf) < LEN + size:
                        break
                    frame = bytes(buf[LEN:LEN + size])
                    del buf[:LEN + size]
                    try:
                        yield loads(frame)
                    except Exception:  # noqa: BLE001
                        continue


def fork_children(count: int, work: Callable[[int], None]) -> list[tuple[int, int]]:
    """Fork up to ``count`` children, each running ``work(fd)`` (``fd``: its result pipe) and
    exiting without the parent's cleanup.  Returns (pid, read end) of those that started;
    fewer if the system refuses (out of processes or memory)."""
    children = []
    for _ in range(count):
        r = w = -1
        try:
            r, w = os.pipe()
            widen_pipe(w)
            pid = os.fork()
        except OSError:
            for fd in (r, w):
                if fd >= 0:
                    os.close(fd)
            break
        if pid == 0:
            code = 0
            try:
                os.close(r)
                work(w)
            except BaseException:  # noqa: BLE001 - the parent does what is missing
                code = 1
            finally:
                os._exit(code)
        os.close(w)
        children.append((pid, r))
    return children


class Background:
    """``func()`` computed by a forked child while this process goes on; :meth:`result`
    returns its value (waiting for the child) or, where forking is not possible or the child
    failed, computes it here.  The value must pickle; the child sees this process as it was
    at the fork, so ``func`` may read only what does not change until :meth:`result`."""

    def __init__(self, func: Callable[[], object], fork: bool = True) -> None:
        self.func = func
        self.child: tuple[int, int] | None = None
        self.done = False
        self.value = None
        if fork:
            started = fork_children(1, lambda fd: send(fd, func()))
            self.child = started[0] if started else None

    def result(self):
        if self.done:
            return self.value
        got = []
        if self.child is not None:
            pid, fd = self.child
            self.child = None
            got = list(Frames([fd]).read())
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        self.value = got[0] if got else self.func()
        self.done = True
        return self.value


def _worker_env() -> dict:
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def worker_process(payload):
    """``python -m vaultsite.worker`` with ``payload`` pickled to its stdin (read its answer
    from ``.stdout``): a plain subprocess where this process may not fork (threads run, as in
    ``mkdocs serve``).  None when it cannot be started."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    try:
        # The job goes through a file, not a pipe: written whole at once, this process goes on
        # while the worker starts (through a pipe, it would wait for the worker to read it).
        with tempfile.TemporaryFile() as job:
            pickle.dump(payload, job, protocol=pickle.HIGHEST_PROTOCOL)
            job.seek(0)
            proc = subprocess.Popen([sys.executable, "-m", "vaultsite.worker"], stdin=job,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_worker_env())
    except OSError:
        return None
    return proc


#: A worker started ahead of its job (:func:`prestart`), waiting on its stdin.
_warm = None


def prestart() -> None:
    """Start a worker that waits for the next job (``mkdocs serve``, between rebuilds): the
    job then skips the interpreter's start and the imports (0.2-0.3 s), and a small vault's
    related notes can be computed beside the rebuild instead of in it.  The worker ends when
    this process does (its stdin closes)."""
    global _warm
    if _warm is not None and _warm.poll() is None:
        return
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    try:
        _warm = subprocess.Popen([sys.executable, "-m", "vaultsite.worker", "--warm"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_worker_env())
    except OSError:
        _warm = None


def warm_ready() -> bool:
    """A started worker waits for a job."""
    return _warm is not None and _warm.poll() is None


def _take_warm(payload):
    """Hand ``payload`` to the waiting worker (written by a thread: the worker reads it as it
    unpickles, and this process goes on meanwhile); None when none waits."""
    global _warm
    proc, _warm = _warm, None
    if proc is None or proc.poll() is not None:
        return None
    import threading  # noqa: PLC0415

    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)

    def write() -> None:
        try:
            proc.stdin.write(data)
            proc.stdin.close()
        except OSError:  # the worker died: worker_answer reads nothing, the fallback runs
            pass

    threading.Thread(target=write, name="vaultsite-worker-job", daemon=True).start()
    return proc


def worker_answer(proc):
    """What a :func:`worker_process` answered, or None when it failed."""
    if proc is None:
        return None
    try:
        return pickle.load(proc.stdout)
    except Exception:  # noqa: BLE001 - a broken worker only costs time
        return None
    finally:
        proc.stdout.close()
        proc.wait()


class Spawned:
    """:class:`Background` for a process that may not fork: ``python -m vaultsite.worker``
    computes ``payload`` (a job it knows) while this process goes on; :meth:`result` returns
    its answer or, when the worker failed, ``fallback()`` computed here."""

    def __init__(self, payload, fallback: Callable[[], object], warm: bool = False) -> None:
        """``warm``: the waiting worker (:func:`prestart`) takes the job when there is one."""
        self.fallback = fallback
        self.proc = (_take_warm(payload) if warm else None) or worker_process(payload)
        self.done = False
        self.value = None

    def result(self):
        if not self.done:
            got = worker_answer(self.proc)
            self.proc = None
            self.value = got if got is not None else self.fallback()
            self.done = True
        return self.value
