#!/usr/bin/env python3
"""Benchmark: build time, growth, memory and serve latency on synthetic vaults.

Not a test (pytest does not collect tests/bench/).  Usage, from the repo root:

    python tests/bench/run_bench.py                 # 1,000 and 5,000 notes, 3 runs each
    python tests/bench/run_bench.py --sizes 1000 --runs 1
    python tests/bench/run_bench.py --sizes 1000 5000 20000   # every goal in one sitting (20,000: 1 run)

For every size it generates a vault with ``tests/bench/make_vault.py``, then
builds it alternately with three configurations, each run timed and its peak
memory read from ``/usr/bin/time -v``:

* ``hooks``       the project's mkdocs.yml
* ``nohooks``     the same mkdocs.yml with the ``hooks:`` entry removed
* ``plain``       plain Material: no hooks, a one-entry navigation (issue 19's yardstick)
* ``noexplore``   the hooks without issue 20's features (graph, feed, related, social)

and measures, in ``mkdocs serve`` with the hooks, how long a newly added note
takes to be served, and until its backlink shows on the note it links to.
It also weighs the heaviest page of every kind of the built site (HTML bytes and elements, parsed
from the hooks build; load time in headless Chromium beside a plain note page when
``/usr/bin/chromium`` and Playwright are there, ``page_weight.py``): issue 19 wants no page over a second.
On the built sites it also measures search in Chromium (``search_results``): time to the
first result after typing, bytes the first search downloads, with the hooks (vaultsite's
chunked index) and in plain Material, and the build-time cost and size of the index
(``search_index_cost``; alone: ``run_bench.py --index-cost VAULT``).
Medians go to ``tests/bench/RESULTS.md`` with the date and the machine.
"""
from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "tests" / "bench"
WORK = BENCH / "vaults"
MAKE_VAULT = BENCH / "make_vault.py"
sys.path.insert(0, str(ROOT / "tests"))

from sitebuild import write_config  # noqa: E402

sys.path.insert(0, str(BENCH))
import page_weight  # noqa: E402


def configs(vault: Path, size: int) -> dict[str, Path]:
    out = {}
    base = WORK / f"cfg{size}"
    base.mkdir(parents=True, exist_ok=True)
    hooks = write_config(vault, base / "site-hooks", base / "hooks.yml")
    text = hooks.read_text(encoding="utf-8")
    nohooks = re.sub(r"\nhooks:\n  - [^\n]+\n", "\n", text).replace(str(base / "site-hooks"), str(base / "site-nohooks"))
    (base / "nohooks.yml").write_text(nohooks, encoding="utf-8")
    # Issue 19's yardstick: plain Material with a one-entry navigation (no hooks, no nav to render).
    plain = nohooks.replace(str(base / "site-nohooks"), str(base / "site-plain")) + "\nnav:\n  - index.md\n"
    (base / "plain.yml").write_text(plain, encoding="utf-8")
    out["hooks"], out["nohooks"], out["plain"] = hooks, base / "nohooks.yml", base / "plain.yml"
    return out


def explore_off_config(vault: Path, size: int) -> Path:
    """The hooks without issue 20's features (graph, feed, related notes, social cards): their cost."""
    base = WORK / f"cfg{size}"
    return write_config(vault, base / "site-noexplore", base / "noexplore.yml",
                        extra={"vaultsite": dict(EXPLORE_OFF)})


EXPLORE_OFF = {"graph": False, "feed": False, "related": False, "social": False}


def _tree_pids(root: int) -> list[int]:
    """``root`` and all its descendants (Linux ``/proc``), parents first."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
            children.setdefault(int(stat[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _pss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return 0


def _tree_pss_kb(root: int, tries: int = 5) -> int:
    """Proportional set size of ``root`` and all its descendants, in kB (Linux ``/proc``).

    PSS splits pages shared between processes (a forked worker's copy-on-write heap)
    among them, so the sum is the memory the build really holds; the largest single RSS,
    which ``/usr/bin/time`` reports, would hide the workers.

    The processes are read one after the other, so a fork or an exit between two reads
    makes a sum of two different moments: the parent read before a fork holds its whole
    heap, the child read after it holds half of it again (a build forking its cache writer
    at 20,000 notes read as 3.6 GB, 0.6 GB more than the processes ever held). A sample is
    kept only if the tree is the same before and after its reads (else read again; 0 if
    it never settles, which ``max`` ignores)."""
    for _ in range(tries):
        before = _tree_pids(root)
        sizes = [_pss_kb(pid) for pid in before]
        if _tree_pids(root) == before and None not in sizes:
            return sum(sizes)
    return 0


def build_env() -> dict:
    """The environment of every measured command: a user's, as far as bytecode goes.
    ``PYTHONDONTWRITEBYTECODE`` (set on some machines, this one included) makes every command
    compile the project's modules again (0.2-0.3 s of every build and rebuild; pip compiles
    installed packages' bytecode at install time, so plain Material never paid it)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed_build(cfg: Path, sample: bool = False) -> tuple[float, float, float]:
    """(seconds, peak MB of the largest process, peak MB of the whole process tree) of one build.

    With ``sample``, the tree's memory is sampled every 0.5 s (``_tree_pss_kb``); reading
    ``smaps_rollup`` of big processes slows them, so timed runs do not sample (tree: nan)."""
    shutil.rmtree(cfg.parent / ".cache", ignore_errors=True)  # every timed build starts from an empty cache
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(cfg)]
    env = build_env()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak_tree = 0
    while sample and proc.poll() is None:
        peak_tree = max(peak_tree, _tree_pss_kb(proc.pid))
        time.sleep(0.5)
    proc.wait()
    seconds = time.perf_counter() - t0
    _, stderr = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({cfg}):\n{stderr[-3000:]}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return seconds, (int(m.group(1)) / 1024 if m else float("nan")), (peak_tree / 1024 if sample else float("nan"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def serve_latency(vault: Path, size: int, deadline: float = 120.0) -> dict:
    """Add a note while ``mkdocs serve`` runs; seconds until its page and its backlink are served."""
    copy = WORK / f"serve{size}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(vault, copy)
    cfg = write_config(copy, WORK / f"serve{size}-site", WORK / f"serve{size}.yml")
    port = free_port()
    env = build_env()
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-f", str(cfg), "-a", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        t0 = time.perf_counter()
        while fetch(base) is None:
            if time.perf_counter() - t0 > deadline * 4:
                raise SystemExit("serve did not start")
            time.sleep(0.5)
        first_build = time.perf_counter() - t0
        # Link to an existing note, as a user would: the first note the index lists.
        target = next(p for p in sorted(copy.rglob("*.md")) if p.name != "index.md")
        target_rel = target.relative_to(copy).with_suffix("")
        target_url = base + urllib.parse.quote(str(target_rel)) + "/"
        # The server idle, as when a user saves a note: past the collector's full pass, which
        # gc_policy defers to 3 s after a build (it takes about 3 s at 5,000 notes, and a note
        # saved during it waits for it; until 2026-12-01 the note was written 1.5 s after the
        # first build, during that pass).
        time.sleep(8.0)
        name = "벤치마크 새 노트"
        new = copy / f"{name}.md"
        t1 = time.perf_counter()
        new.write_text(f"---\ntitle: {name}\n---\n\n새 노트가 [[{target.stem}]]을 링크한다. #벤치\n", encoding="utf-8")
        page_url = base + urllib.parse.quote(name) + "/"
        page_at = backlink_at = None
        while time.perf_counter() - t1 < deadline and (page_at is None or backlink_at is None):
            if page_at is None and (fetch(page_url) or "").find(name) >= 0:
                page_at = time.perf_counter() - t1
            if backlink_at is None and name in (fetch(target_url) or ""):
                backlink_at = time.perf_counter() - t1
            time.sleep(0.1)
        # From 2,000 notes a rebuild shows the last related notes and rebuilds once the new ones
        # are computed (adapter._related_later): until the new note's page lists its own.
        related_at = None
        while backlink_at is not None and time.perf_counter() - t1 < backlink_at + 30:
            if "vs-related-link" in (fetch(page_url) or ""):
                related_at = time.perf_counter() - t1
                break
            time.sleep(0.1)
        return {"first_build": first_build, "page": page_at, "backlink": backlink_at, "related": related_at}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def cached_rebuilds(vault: Path, size: int) -> dict:
    """``mkdocs build`` with the build cache after one note is added, then changed, then removed:
    seconds of each (the whole command, as a user waits for it), after one build from an empty cache."""
    copy = WORK / f"cache{size}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(vault, copy / "docs")
    cfg = write_config(copy / "docs", copy / "site", copy / "mkdocs.yml")
    env = build_env()

    lock = copy / ".cache" / "vaultsite" / "lock"

    def writer_done() -> float:
        """Seconds until the last build's cache writer (a child that outlives the command,
        ``buildcache.save``) lets go of the cache's lock: the next build waits for it."""
        t0 = time.perf_counter()
        if lock.exists():
            fd = os.open(lock, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_SH)
            finally:
                os.close(fd)
        return time.perf_counter() - t0

    def build() -> tuple[float, str]:
        # A user edits a note after the last build is done, its cache written in the
        # background by then (a second or two at 5,000 notes): the writer's own time is
        # reported apart ("writer"). Until 2026-12-01 the builds ran back to back, and each
        # figure held the last build's writer too.
        writers.append(writer_done())
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(cfg)], cwd=copy,
                              capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise SystemExit(f"cached build failed:\n{proc.stderr[-3000:]}")
        m = re.search(r"incremental rebuild of (\S+) page", proc.stderr)
        return time.perf_counter() - t0, (m.group(1) if m else "no cache")

    writers: list[float] = []
    out = {"cold": build()[0]}
    target = next(p for p in sorted((copy / "docs").rglob("*.md")) if p.name != "index.md")
    new = copy / "docs" / "벤치마크 새 노트.md"
    steps = [
        ("add", lambda: new.write_text(f"# 벤치마크 새 노트\n\n[[{target.stem}]]을 링크한다. #벤치\n", encoding="utf-8")),
        ("change", lambda: new.write_text(f"# 벤치마크 새 노트\n\n바뀐 본문. [[{target.stem}]] #벤치\n", encoding="utf-8")),
        ("remove", lambda: new.unlink()),
        ("nothing", lambda: None),
    ]
    for name, edit in steps:
        edit()
        seconds, pages = build()
        out[name] = seconds
        out[name + "_pages"] = pages
        print(f"{size} notes, cached build after '{name}': {seconds:.1f} s ({pages} pages rendered)", flush=True)
    writers.append(writer_done())
    out["writer"] = max(writers[1:])  # the longest wait a back-to-back build would have had
    cache = copy / ".cache" / "vaultsite"
    out["cache_mb"] = sum(f.stat().st_size for f in cache.rglob("*") if f.is_file()) / 1e6 if cache.exists() else 0
    return out


def machine() -> str:
    cpu = ""
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{os.cpu_count()} cores, {cpu or platform.processor()}, Python {platform.python_version()}, "
            f"mkdocs {version('mkdocs')}, mkdocs-material {version('mkdocs-material')}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-serve", action="store_true")
    ap.add_argument("--no-search", action="store_true", help="skip the search measurements in Chromium")
    ap.add_argument("--nohooks-max", type=int, default=1000,
                    help="largest vault also built without hooks (its full navigation is quadratic: "
                         "at 5,000 notes one such build takes many minutes)")
    ap.add_argument("--no-cache", action="store_true", help="skip the cached rebuilds (issue 19, item 3)")
    ap.add_argument("--no-explore", action="store_true", help="skip the cost of issue 20's features")
    ap.add_argument("--full-max", type=int, default=5000,
                    help="larger vaults (e.g. 20,000) get the timed builds and memory only")
    ap.add_argument("--large-runs", type=int, default=1,
                    help="runs of each configuration for the vaults larger than --full-max (a 20,000-note "
                         "build takes minutes)")
    ap.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    ap.add_argument("--index-cost", type=Path, metavar="VAULT",
                    help="only measure the search index's build cost on VAULT (no build) and print it")
    ap.add_argument("--search-site", type=Path, metavar="SITE",
                    help="only measure search in Chromium on the built site SITE and print it")
    args = ap.parse_args()
    if args.search_site:
        print(json.dumps(search_latency(args.search_site), indent=1))
        return
    if args.index_cost:
        print(json.dumps(search_index_cost(args.index_cost), indent=1))
        return
    WORK.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    results: dict[int, dict] = {}
    for size in args.sizes:
        vault = WORK / f"vault{size}"
        if not vault.exists():
            subprocess.run([sys.executable, str(MAKE_VAULT), str(size), str(vault)], check=True, stdout=subprocess.DEVNULL)
        cfgs = configs(vault, size)
        if size > args.nohooks_max:
            del cfgs["nohooks"]
        full = size <= args.full_max
        if full and not args.no_explore:
            cfgs["noexplore"] = explore_off_config(vault, size)
        times: dict[str, list[float]] = {k: [] for k in cfgs}
        mems: dict[str, list[float]] = {k: [] for k in cfgs}
        for run in range(args.runs if full else args.large_runs):
            for name, cfg in cfgs.items():  # alternating, so drift hits every configuration alike
                s, mb, _ = timed_build(cfg)
                times[name].append(s)
                mems[name].append(mb)
                print(f"{size} notes, run {run + 1}, {name}: {s:.1f} s, {mb:.0f} MB largest process", flush=True)
        # One more build with the hooks, not timed, for the memory of all its processes.
        _, _, tree = timed_build(cfgs["hooks"], sample=True)
        print(f"{size} notes, hooks, all processes: {tree:.0f} MB", flush=True)
        entry = {"time": {k: statistics.median(v) for k, v in times.items()},
                 "mem": {k: max(v) for k, v in mems.items()},
                 "tree": {"hooks": tree}, "runs": times}
        if not full:
            results[size] = entry
            continue
        entry["pages"] = heaviest_pages(cfgs["hooks"])
        print(f"{size} notes, heaviest pages: {entry['pages']}", flush=True)
        if not args.no_cache:
            entry["cached"] = cached_rebuilds(vault, size)
        if not args.no_search:
            entry["search"] = search_results(size)
            print(f"{size} notes, search: {entry['search']}", flush=True)
        if not args.no_serve:
            entry["serve"] = serve_latency(vault, size)
            print(f"{size} notes, serve: {entry['serve']}", flush=True)
        results[size] = entry
    record_history(started, results)
    write_results(args.out, results)
    print(f"wrote {args.out}")


SEARCH_QUERY = "딥시크"
SEARCH_GOAL = {"seconds": 1.0, "bytes": 1_000_000}


def search_latency(site: Path, query: str = SEARCH_QUERY, runs: int = 3) -> dict:
    """Material's search box on a built site, in Chromium (Playwright, no network but the
    local server): seconds from typing ``query`` to the first result shown (median of
    ``runs`` fresh page loads), and the bytes the search fetched: everything requested
    from typing to the first result, plus what the search worker fetched at page load (the
    index's meta file, Material's cut index). Also the size on disk of the index."""
    from playwright.sync_api import sync_playwright
    from browsing import CHROMIUM, CHROMIUM_ARGS, serve_site

    seconds, sizes = [], []
    with serve_site(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            finished: list = []
            page.on("requestfinished", lambda req: finished.append(req))
            page.goto(base, timeout=120_000)
            page.wait_for_load_state("networkidle", timeout=120_000)
            at_load = len(finished)
            box = page.locator("input.md-search__input")
            box.click()
            t0 = time.perf_counter()
            box.fill(query)
            box.press("End")
            page.locator(".md-search-result__item").first.wait_for(state="attached", timeout=120_000)
            seconds.append(time.perf_counter() - t0)
            page.wait_for_load_state("networkidle", timeout=120_000)  # the second answer's texts too
            got = sum(r.sizes()["responseBodySize"] for i, r in enumerate(finished)
                      if i >= at_load or "/search/" in r.url or "/workers/" in r.url)
            sizes.append(got)
            context.close()
        browser.close()
    index = site / "search" / "search_index.json"
    bundle = site / "search" / "vaultsite"
    files = [f for f in bundle.rglob("*") if f.is_file()] if bundle.exists() else []
    return {"first_result": statistics.median(seconds), "runs": seconds, "bytes": max(sizes),
            "material_index_bytes": index.stat().st_size if index.exists() else 0,
            "index_bytes": sum(f.stat().st_size for f in files), "index_files": len(files)}


def search_index_cost(vault: Path) -> dict:
    """The build-time cost of the search index on the vault ``vault``, in a child process: CPU
    seconds of the records (``note_record`` over every note, on parsed forms whose layers the
    build computes anyway for tags and dates) and of the writer (``write_search_index``), the
    memory they add to the process (peak RSS growth), the size of the records and the index."""
    code = r"""
import json, os, pickle, resource, sys, tempfile, time
from vaultsite import build, search
from vaultsite.parsed import ParsedNote
notes = []
for src in build.scan_dir(sys.argv[1]):
    if build.is_note_path(src.src):
        facts = build.read_note(src)
        if facts.note is not None:
            p = ParsedNote(facts.note.body); p.markup; p.headings
            notes.append((facts.note, p))
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.process_time()
records = [search.note_record(n, p) for n, p in notes]
t1 = time.process_time()
pages = [(f"{i:06d}/", r) for i, r in enumerate(records)]
with tempfile.TemporaryDirectory() as out:
    result = search.write_search_index(pages, out)
    t2 = time.process_time()
rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"notes": len(notes), "records_seconds": t1 - t0, "write_seconds": t2 - t1,
                  "extra_peak_mb": max(rss1 - rss0, 0) / 1024,
                  "records_mb": sum(len(pickle.dumps(r)) for r in records) / 1e6,
                  "bytes": result.bytes, "files": result.files, "shards": result.shards}))
"""
    proc = subprocess.run([sys.executable, "-c", code, str(vault)], capture_output=True, text=True,
                          cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    if proc.returncode != 0:
        return {"error": proc.stderr[-2000:]}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["seconds"] = out["records_seconds"] + out["write_seconds"]
    return out


def search_results(size: int) -> dict:
    """Search with the hooks (vaultsite's index) and in plain Material, side by side, on the
    sites the timed builds of ``size`` notes left behind."""
    base = WORK / f"cfg{size}"
    out = {"hooks": search_latency(base / "site-hooks"), "index": search_index_cost(WORK / f"vault{size}")}
    if (base / "site-plain").exists():
        out["plain"] = search_latency(base / "site-plain")
    return out


SERVE_GOAL = {1000: 1.0, 5000: 2.0}  # issue 19, item 4
CACHED_GOAL = {5000: 5.0}  # issue 19, item 3: mkdocs build after one note
PAGE_LOAD_GOAL = 1.0  # seconds, every page of the 5,000-note site (issue 19)


def heaviest_pages(cfg: Path, top: int = 3) -> list[dict]:
    """The heaviest page of every kind (``page_weight.heaviest_by_kind``: note, timeline page,
    tag page, folder index, listing page 2+, ...) of the site ``cfg`` builds (its last build):
    bytes, elements and, if Chromium is there, the load time (``load_s``), the time until it
    is painted and idle (``ready_s``) and that of a plain note page loaded beside it
    (``ref_s``).  ``top`` is kept for old callers; every kind is weighed."""
    site = Path(re.search(r'^site_dir: (.+)$', cfg.read_text(encoding="utf-8"), re.M).group(1).strip('"'))
    rows = page_weight.heaviest_by_kind(site)
    prof = page_weight.profile(site, [r["url"] for r in rows]) or {}
    for r in rows:
        got = prof.get(r["url"], {})
        r["load_s"], r["ready_s"], r["ref_s"] = got.get("load_s"), got.get("ready_s"), got.get("ref_s")
    return rows


def _ratio(t: dict, base: str) -> float | None:
    return t["hooks"] / t[base] if base in t and t[base] else None


def goals(results: dict[int, dict]) -> list[str]:
    """Issue 19's goals (and the earlier ones still held), checked against this run's figures."""
    yes = lambda ok: "yes" if ok else "**no**"  # noqa: E731
    out = ["### Goals", "", "| goal | target | measured | met |", "| --- | --- | --- | --- |"]
    sizes = sorted(results)
    for size in sizes:
        r = _ratio(results[size]["time"], "nohooks")
        if r is not None:
            out.append(f"| hooks cost little ({size:,}) | hooks / no hooks <= 1.25 | {r:.2f} | {yes(r <= 1.25)} |")
    for size in sizes:
        e = results[size]
        r = _ratio(e["time"], "plain")
        if r is None:
            continue
        tree = e["tree"]["hooks"]
        gb = 1.0 if size <= 5000 else 2.5
        limit = gb * 1e9 / 2**20  # the gigabytes, in the MiB the sampler reports
        # Issue 19 sets the time ratio at 5,000 notes; at 20,000 it asks for linear growth
        # (below) and the memory limit. Elsewhere the ratio is shown, not judged.
        ratio_goal = size == 5000
        target = ("<= 1.1 x plain Material (one-entry nav), " if ratio_goal else "") + f"all processes < {gb:.1f} GB ({limit:,.0f} MiB)"
        out.append(f"| cold build ({size:,}) | {target} | {r:.2f} ({e['time']['hooks']:.1f} s vs "
                   f"{e['time']['plain']:.1f} s), {tree:,.0f} MiB | {yes((r <= 1.1 or not ratio_goal) and tree < limit)} |")
    if 1000 in results and 5000 in results:
        g = results[5000]["time"]["hooks"] / results[1000]["time"]["hooks"]
        out.append(f"| linear growth | 5,000 / 1,000 <= 5.5 | {g:.2f} | {yes(g <= 5.5)} |")
    if 5000 in results and 20000 in results:
        g = results[20000]["time"]["hooks"] / results[5000]["time"]["hooks"]
        out.append(f"| linear growth | 20,000 / 5,000 <= 4.4 | {g:.2f} | {yes(g <= 4.4)} |")
    for size in sizes:
        c = results[size].get("cached")
        if not c:
            continue
        worst = max(c[k] for k in ("add", "change", "remove"))
        limit = CACHED_GOAL.get(size)
        shown = ", ".join(f"{k} {c[k]:.1f} s ({c[k + '_pages']} pages)" for k in ("add", "change", "remove", "nothing"))
        out.append(f"| `mkdocs build` after one note ({size:,}) | <= {limit:.0f} s |" if limit else
                   f"| `mkdocs build` after one note ({size:,}) | (no goal) |")
        writer = f"; the last build's cache writer done first (it took up to {c['writer']:.1f} s)" if "writer" in c else ""
        out[-1] += f" {shown}; cache {c['cache_mb']:.0f} MB{writer} | {yes(worst <= limit) if limit else 'n/a'} |"
    for size in sizes:
        s = results[size].get("serve") or {}
        limit = SERVE_GOAL.get(size)
        if limit is None or not s:
            continue
        worst = max(v if v is not None else float("inf") for v in (s.get("page"), s.get("backlink")))
        rel = s.get("related")
        later = f"; its related notes {rel:.1f} s (a second rebuild)" if rel is not None and rel > worst + 0.5 else ""
        out.append(f"| serve, new note ({size:,}) | page and backlink <= {limit:.0f} s | {worst:.1f} s{later} | {yes(worst <= limit)} |")
    for size in sizes:
        pages = results[size].get("pages") or []
        if not pages:
            continue
        top = pages[0]
        loads = [p["load_s"] for p in pages if p.get("load_s") is not None]
        load = f", slowest load {max(loads):.2f} s" if loads else ", load not measured (no Chromium)"
        out.append(f"| heaviest page ({size:,}) | loads in <= {PAGE_LOAD_GOAL:.0f} s | `{top['url']}` "
                   f"{top['bytes'] / 1e6:.2f} MB, {top['elements']:,} elements{load} | "
                   f"{yes(max(loads) <= PAGE_LOAD_GOAL) if loads else 'n/a'} |")
    for size in sizes:
        t = results[size]["time"]
        if "noexplore" in t:
            extra = t["hooks"] / t["noexplore"] - 1
            out.append(f"| issue 20's features ({size:,}) | add <= 10% to a full build | {extra * 100:+.1f}% "
                       f"({t['hooks']:.1f} s vs {t['noexplore']:.1f} s without) | {yes(extra <= 0.10)} |")
    for size in sizes:
        q = results[size].get("search")
        if not q:
            continue
        h = q["hooks"]
        plain = q.get("plain")
        side = f" (plain Material: {plain['first_result']:.1f} s, {plain['bytes'] / 1e6:.1f} MB)" if plain else ""
        ok = h["first_result"] <= SEARCH_GOAL["seconds"] and h["bytes"] <= SEARCH_GOAL["bytes"]
        index = q.get("index") or {}
        built = (f"; index {h.get('index_bytes', 0) / 1e6:.0f} MB in {h.get('index_files', 0):,} files, built in "
                 f"{index['seconds']:.1f} s CPU (records {index['records_seconds']:.1f} s, writer "
                 f"{index['write_seconds']:.1f} s), +{index['extra_peak_mb']:.0f} MB"
                 if index.get("seconds") is not None and index.get("records_seconds") is not None else "")
        out.append(f"| search ({size:,}), `{SEARCH_QUERY}` | first result <= 1 s, first search <= 1 MB | "
                   f"{h['first_result']:.2f} s, {h['bytes'] / 1e6:.2f} MB{side}{built} | {yes(ok)} |")
    return out


HISTORY = BENCH / "history.jsonl"


def record_history(started: str, results: dict[int, dict]) -> None:
    """One line per run of the script, so RESULTS.md can show every run, not only the last."""
    line = {"started": started, "commit": _commit(), "machine": machine(),
            "sizes": {str(size): {"time": e["time"], "tree": e["tree"]["hooks"], "serve": e.get("serve"),
                                  "pages": e.get("pages"),
                                  "search": e.get("search"), "cached": e.get("cached")}
                      for size, e in results.items()}}
    with HISTORY.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, ensure_ascii=False) + "\n")


def _commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "vaultsite", "hooks", "overrides", "mkdocs.yml"],
                               cwd=ROOT, capture_output=True, text=True).stdout.strip()
        return out.stdout.strip() + ("+changes" if dirty else "")
    except OSError:
        return "?"


def history_table(limit: int = 12) -> list[str]:
    """The last runs of the script (``history.jsonl``): the machine drifts, so one run is not enough."""
    if not HISTORY.exists():
        return []
    rows = [json.loads(l) for l in HISTORY.read_text(encoding="utf-8").splitlines() if l.strip()][-limit:]
    out = ["### Every run of the script (last %d, `tests/bench/history.jsonl`)" % len(rows), "",
           "| started | commit | 1,000: hooks / no hooks | 5,000: hooks / plain (one-entry nav; plain + prune in runs before 2026-11-30 09:33) | ratio | all processes (5,000) | serve 1,000 | serve 5,000 |",
           "| --- | --- | --- | --- | ---: | ---: | ---: | ---: |"]
    for r in rows:
        a, b = r["sizes"].get("1000", {}), r["sizes"].get("5000", {})

        def serve(e):
            s = e.get("serve") or {}
            vals = [v for v in (s.get("page"), s.get("backlink"))]
            return "n/a" if not vals or None in vals else f"{max(vals):.1f} s"

        ta, tb = a.get("time", {}), b.get("time", {})
        small = f"{ta['hooks']:.1f} / {ta['nohooks']:.1f} s" if "nohooks" in ta else "—"
        base = "plain" if "plain" in tb else "plain-prune"
        big = f"{tb['hooks']:.1f} / {tb[base]:.1f} s" if tb else "—"
        ratio = f"{tb['hooks'] / tb[base]:.3f}" if tb else "—"
        tree = f"{b['tree']:.0f} MB" if b.get("tree") else "—"
        out.append(f"| {r['started']} | {r['commit']} | {small} | {big} | {ratio} | {tree} | {serve(a) if a else '—'} | {serve(b) if b else '—'} |")
    return out


def write_results(path: Path, results: dict[int, dict]) -> None:
    counts = {size: len(e["runs"]["hooks"]) for size, e in sorted(results.items())}
    runs = max(counts.values(), default=0)
    fewer = ", ".join(f"{n} at {size:,} notes" for size, n in counts.items() if n != runs)
    lines = [
        "# Benchmark results",
        "",
        f"Measured {dt.date.today().isoformat()} by `python tests/bench/run_bench.py` on: {machine()}.",
        f"Medians of {runs} alternating runs{f' ({fewer})' if fewer else ''}. Peak memory: the largest maximum RSS of one process "
        "(`/usr/bin/time -v`, timed runs), and the largest sum of PSS over the whole process tree "
        "(forked workers included), sampled every 0.5 s in one extra, untimed build with the hooks; "
        "in MiB (2^20 bytes), judged against decimal gigabytes (1 GB = 954 MiB, 2.5 GB = 2,384 MiB).",
        "",
        "| notes | hooks | no hooks | plain (one-entry nav) | without issue 20's features | hooks / plain | peak MiB (hooks): largest process / all processes | serve: new page | serve: backlink |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size, e in sorted(results.items()):
        t, m, s = e["time"], e["mem"], e.get("serve") or {}
        fmt = lambda v: "n/a" if v is None else f"{v:.1f} s"  # noqa: E731
        nohooks = f"{t['nohooks']:.1f} s" if "nohooks" in t else "not run"
        noexplore = f"{t['noexplore']:.1f} s" if "noexplore" in t else "not run"
        lines.append(f"| {size:,} | {t['hooks']:.1f} s | {nohooks} | {t['plain']:.1f} s | "
                     f"{noexplore} | {t['hooks'] / t['plain']:.2f} | {m['hooks']:.0f} / {e['tree']['hooks']:.0f} | "
                     f"{fmt(s.get('page'))} | {fmt(s.get('backlink'))} |")
    sizes = sorted(results)
    if len(sizes) >= 2:
        a, b = sizes[0], sizes[-1]
        growth = results[b]["time"]["hooks"] / results[a]["time"]["hooks"]
        lines += ["", f"Growth with hooks, {a:,} -> {b:,} notes: {growth:.2f}x for {b / a:.0f}x the notes."]
    lines += ["", "Heaviest page of each kind of the hooks build (HTML bytes, elements; in headless Chromium: "
              "to the load event, until painted and idle, and a plain note page's time in the same run):", ""]
    lines += ["| notes | kind | page | MB | elements | load | ready | plain page |",
              "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for size, e in sorted(results.items()):
        for p in e.get("pages") or []:
            sec = lambda v: "n/a" if v is None else f"{v:.2f} s"  # noqa: E731
            lines.append(f"| {size:,} | {p.get('kind', '')} | `{p['url']}` | {p['bytes'] / 1e6:.2f} | {p['elements']:,} | "
                         f"{sec(p.get('load_s'))} | {sec(p.get('ready_s'))} | {sec(p.get('ref_s'))} |")
    lines += ["", *goals(results)]
    history = history_table()
    if history:
        lines += ["", *history]
    lines += ["", "Raw run times (s):", "", "```", json.dumps({k: v["runs"] for k, v in results.items()}, indent=1), "```", ""]
    notes = BENCH / "NOTES.md"
    if notes.exists():
        lines += [notes.read_text(encoding="utf-8")]
    path.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
