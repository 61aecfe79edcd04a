"""Pages built by worker processes are the pages the sequential build writes.

``vaultsite_mkdocs/parallel.py`` builds the note pages of a large vault on every core.
Here the same vault (the link fixtures, the seed notes and the hard vault: bad encodings,
a note too deeply nested to render, links refused at render time) is built twice, once
forced onto two workers and once in one process, and every output file is compared.
"""
from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from hard_vault import make_hard_vault
from sitebuild import ROOT, build

SEQUENTIAL = {"vaultsite": {"trust_html": False, "workers": 0}}
PARALLEL = {"vaultsite": {"trust_html": False, "workers": 2, "parallel_min": 1}}


def _vault(root: Path) -> Path:
    docs = root / "docs"
    shutil.copytree(ROOT / "tests" / "fixtures" / "links_vault", docs)
    shutil.copytree(ROOT / "docs" / "notes", docs / "seed-notes")
    shutil.copytree(ROOT / "docs" / "clippings", docs / "clippings")
    make_hard_vault(docs / "hard", big_bytes=300_000, link_count=2_000)
    return docs


def _warnings(log: str) -> Counter:
    return Counter(line for line in log.splitlines() if line.startswith("WARNING"))


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("parallel")
    docs = _vault(root)
    out = {}
    for name, extra in (("parallel", PARALLEL), ("sequential", SEQUENTIAL)):
        work = root / name
        work.mkdir()
        code, log, site = build(docs, work, extra=extra)
        assert code == 0, log[-3000:]
        out[name] = (log, site)
    out["docs"] = docs
    out["root"] = root
    return out


def test_the_parallel_build_really_forked(builds):
    log, _ = builds["parallel"]
    m = re.search(r"vaultsite: (\d+) pages built by (\d+) worker processes", log)
    assert m and int(m.group(1)) > 30 and m.group(2) == "2", log[-2000:]
    assert "worker processes" not in builds["sequential"][0]


def _assert_same_site(a: Path, b: Path) -> None:
    """The same files, and the same bytes in each (the index and the problem report list
    pages in the order they were built)."""
    names = sorted(str(p.relative_to(a)) for p in a.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(b)) for p in b.rglob("*") if p.is_file())
    differ = [rel for rel in names if rel not in ("vault.json", "problems.md")
              and (a / rel).read_bytes() != (b / rel).read_bytes()]
    assert differ == []


def test_every_file_is_identical(builds):
    _assert_same_site(builds["parallel"][1], builds["sequential"][1])


def test_problems_found_in_workers_are_reported(builds):
    """Problems a worker finds while rendering (a note nested too deeply, a link refused at
    render time) reach vault.json, problems.md and the log, in whatever order."""
    def problems(site):
        data = json.loads((site / "vault.json").read_text(encoding="utf-8"))
        return Counter((p["src"], p["problem"]) for p in data["problems"])

    pa, pb = problems(builds["parallel"][1]), problems(builds["sequential"][1])
    assert pa == pb
    assert any("could not be rendered as Markdown" in problem for _, problem in pb)
    report_a = (builds["parallel"][1] / "problems.md").read_text(encoding="utf-8")
    report_b = (builds["sequential"][1] / "problems.md").read_text(encoding="utf-8")
    assert sorted(report_a.splitlines()) == sorted(report_b.splitlines())
    assert _warnings(builds["parallel"][0]) == _warnings(builds["sequential"][0])


def test_strict_mode_counts_warnings_from_workers(tmp_path):
    """A warning logged in a worker (a note that cannot be rendered) fails --strict."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(4):
        (docs / f"note{i}.md").write_text(f"# 노트 {i}\n\n본문 [[note{(i + 1) % 4}]]\n", encoding="utf-8")
    (docs / "deep.md").write_text("# 깊은 노트\n\n" + "- " * 600 + "끝\n", encoding="utf-8")
    work = tmp_path / "w"
    work.mkdir()
    code, log, _ = build(docs, work, strict=True, extra=PARALLEL)
    assert "worker processes" in log
    assert code != 0 and "could not be rendered as Markdown" in log
    code, log, _ = build(docs, work, strict=False, extra=PARALLEL)
    assert code == 0 and "could not be rendered as Markdown" in log


CRASHING_BUILD = """
import os, sys
sys.path.insert(0, {root!r})
import vaultsite_mkdocs.parallel as vp

MAIN = os.getpid()
work_on = vp.ParallelPages._work_on


def crash(self, page, *args, **kwargs):
    if os.getpid() != MAIN:  # the forked worker, on its first page
        raise SystemExit("a worker dies")  # not an Exception: the worker's whole run fails
    return work_on(self, page, *args, **kwargs)


vp.ParallelPages._work_on = crash
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", "build", "-v", "-f", {cfg!r}]
cli()
"""


def _scripted_build(builds, name: str, script: str):
    """A parallel build of the module's vault by ``script`` (a template of ``root`` and
    ``cfg``) in a fresh folder ``name``: (the folder, the finished process)."""
    import subprocess
    import sys

    from sitebuild import write_config

    work = builds["root"] / name
    work.mkdir()
    cfg = write_config(builds["docs"], work / "site", work / "mkdocs.yml", extra=PARALLEL)
    proc = subprocess.run([sys.executable, "-c", script.format(root=str(ROOT), cfg=str(cfg))],
                          capture_output=True, text=True, cwd=work, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return work, proc


def test_a_worker_that_dies_loses_no_page(builds):
    """A worker that dies (here: SystemExit on its first page) costs only time: the pages it
    had not sent are built by the main process, and the site is the same."""
    work, proc = _scripted_build(builds, "crash", CRASHING_BUILD)
    assert "a page worker failed" in proc.stderr and "a worker dies" in proc.stderr
    assert "page(s) here that no worker built" in proc.stderr
    _assert_same_site(work / "site", builds["sequential"][1])


RETIRING_BUILD = """
import sys
sys.path.insert(0, {root!r})
import vaultsite_mkdocs.parallel as vp

vp.retire_after = lambda pages: vp.CHUNK  # a fresh worker after every chunk
retire = vp.ParallelPages._retire


def counted(self):
    print("RETIRED A WORKER", file=sys.stderr)
    return retire(self)


vp.ParallelPages._retire = counted

# A worker is replaced only when this process reads its last frame while the queue is still
# open; a loaded machine let this process take the last chunks first (no retirement seen,
# 2026-12-02). Here it waits before each chunk it takes: the workers take most of them.
import os
import time
import vaultsite.forkpool as fp

parent = os.getpid()
next_chunk = fp.next_chunk


def slow_here(queue):
    if os.getpid() == parent:
        time.sleep(0.2)
    return next_chunk(queue)


fp.next_chunk = slow_here
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", "build", "-v", "-f", {cfg!r}]
cli()
"""


def test_workers_that_retire_build_the_same_site(builds):
    """Workers hand over to freshly forked ones after ``retire_after`` pages (past 10,000
    pages, every 150: the copies of the shared heap they make stay small). The benchmark's
    vaults are the only ones large enough to retire a worker with the real thresholds;
    here a worker retires after every chunk of 8 pages, and the site is the same."""
    from vaultsite_mkdocs.parallel import retire_after

    assert retire_after(5_000) == 300 and retire_after(20_000) == 150
    work, proc = _scripted_build(builds, "retire", RETIRING_BUILD)
    assert "a page worker failed" not in proc.stderr
    # (how many depends on how soon this process takes chunks: it waits before each, above)
    assert proc.stderr.count("RETIRED A WORKER") >= 1, proc.stderr[-2000:]
    _assert_same_site(work / "site", builds["sequential"][1])
    assert _warnings(proc.stderr) == _warnings(builds["sequential"][0])


HOLDING_BUILD = """
import os, sys
sys.path.insert(0, {root!r})
import vaultsite_mkdocs.adapter as va

post_build = va.VaultAdapter.on_post_build
on_env = va.VaultAdapter.on_env


def before_pages(self, env, config, files):
    generated = [f.page for f in files.documentation_pages() if f.src_uri in self.build.generated]
    whole = [p.file.src_uri for p in generated if p.markdown]
    print("GENERATED", len(generated), "DEFERRED", sum("_vs_fill" in vars(p) for p in generated),
          "READ-WHOLE", len(whole), whole[:5], file=sys.stderr)
    return on_env(self, env, config, files)


def count(self, config):
    run = self.parallel.run
    pages = [f.page for f in run.files.documentation_pages()]
    generated = [p for p in pages if p.file.src_uri in run.built and self.build.vault.note_for_page(p.file.src_uri) is None]
    held = [p.file.src_uri for p in pages if p.file.src_uri in run.built
            and ([n for n in vars(p) if n.startswith("_vs_")] or p.markdown
                 or (p.file.abs_src_path is None and p.file.content_bytes))]
    print("GENERATED-BY-WORKERS", len(generated), "HELD", len(held), held[:5], file=sys.stderr)
    return post_build(self, config)


va.VaultAdapter.on_env = before_pages
va.VaultAdapter.on_post_build = count
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", "build", "-q", "-f", {cfg!r}]
cli()
"""


def test_pages_built_by_workers_hold_nothing_of_their_rendering(builds):
    """A page a worker built keeps, in the main process, nothing its rendering needed (its
    Markdown, a generated listing's lifted HTML blocks, a generated page's file content):
    held to the end of the build, those were 40 MB at 5,000 notes. And before the pages are
    built, a generated page has only its front matter read: its Markdown is made from the
    file's content by the process that renders it (290 MB at 20,000 notes when read whole)."""
    _, proc = _scripted_build(builds, "held", HOLDING_BUILD)
    m = re.search(r"GENERATED (\d+) DEFERRED (\d+) READ-WHOLE (\d+)", proc.stderr)
    assert m, proc.stderr[-3000:]
    assert int(m.group(1)) > 0 and m.group(2) == m.group(1) and m.group(3) == "0", proc.stderr[-3000:]
    m = re.search(r"GENERATED-BY-WORKERS (\d+) HELD (\d+)", proc.stderr)
    assert m, proc.stderr[-3000:]
    assert int(m.group(1)) > 0  # generated pages (folder indexes, listings) went to the workers too
    assert m.group(2) == "0", proc.stderr[-3000:]
