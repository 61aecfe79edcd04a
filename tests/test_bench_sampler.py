"""The benchmark's memory sampler (``tests/bench/run_bench.py``): the sum of PSS over a
process tree, read consistently across a fork."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

BENCH = Path(__file__).parent / "bench" / "run_bench.py"

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/smaps_rollup"), reason="Linux /proc only")


@pytest.fixture(scope="module")
def run_bench():
    spec = importlib.util.spec_from_file_location("run_bench_for_test", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_tree_changed_between_reads_is_read_again(run_bench, monkeypatch):
    """A fork between the parent's read and the child's would count the shared heap one and a
    half times: a sample whose tree differs before and after its reads is taken again."""
    trees = iter([[1], [1, 2], [1, 2], [1, 2]])
    sizes = {1: 100, 2: 60}
    monkeypatch.setattr(run_bench, "_tree_pids", lambda root: next(trees))
    monkeypatch.setattr(run_bench, "_pss_kb", sizes.get)
    assert run_bench._tree_pss_kb(1) == 160  # the first reading ([1] then [1, 2]) is dropped
    monkeypatch.setattr(run_bench, "_tree_pids", lambda root, n=iter(range(100)): [1] * (next(n) % 2 + 1))
    assert run_bench._tree_pss_kb(1) == 0  # never settles: no sample


def test_a_forked_heap_is_counted_once(run_bench):
    """A process holding 200 MB forks a child that touches none of it: the tree holds about
    200 MB, not twice that."""
    script = textwrap.dedent("""
        import os, sys, time
        heap = bytearray(200 * 1024 * 1024)
        for i in range(0, len(heap), 4096):
            heap[i] = 1
        pid = os.fork()
        if pid:
            print("ready", flush=True)
        time.sleep(30)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.2)
        mb = run_bench._tree_pss_kb(proc.pid) / 1024
        assert 190 < mb < 260, mb
        assert len(run_bench._tree_pids(proc.pid)) == 2
    finally:
        for pid in run_bench._tree_pids(proc.pid)[::-1]:
            try:
                os.kill(pid, 9)
            except OSError:
                pass
        proc.wait()
