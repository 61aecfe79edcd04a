"""Where a ``mkdocs serve`` rebuild spends its time, in-process (not a test; no goal is checked here).

Does what ``mkdocs serve`` does, without the HTTP server and the file watcher: one clean
build of a copy of a vault, then ``--rounds`` times: add a note that links to an existing
one and has a new tag, reload the configuration, rebuild.  Prints each rebuild's time and
the median time of the MkDocs events and hook steps; ``--profile FILE`` also writes a
cProfile of the rebuilds.

    python tests/bench/profile_serve.py tests/bench/vaults/vault5000 tests/bench/vaults/serveprof --rounds 6
"""
from __future__ import annotations

import argparse
import cProfile
import functools
import logging
import os
import shutil
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from sitebuild import write_config  # noqa: E402

TIMES: dict[str, list] = defaultdict(lambda: [0.0, 0])
ACTIVE = {"on": False}


def timed(label, fn):
    @functools.wraps(fn)
    def wrapper(*a, **k):
        if not ACTIVE["on"]:
            return fn(*a, **k)
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            TIMES[label][0] += time.perf_counter() - t
            TIMES[label][1] += 1
    return wrapper


def instrument() -> None:
    import mkdocs.commands.build as B
    import mkdocs.plugins as P
    import mkdocs.structure.files as F

    for name in ("get_files", "get_navigation", "_populate_page", "_build_page", "_build_theme_template"):
        setattr(B, name, timed(f"mkdocs {name}", getattr(B, name)))
    F.Files.add_files_from_theme = timed("mkdocs Files.add_files_from_theme", F.Files.add_files_from_theme)
    original = P.PluginCollection.run_event

    def run_event(self, name, item=None, **kwargs):  # per plugin, like MkDocs' own loop
        if not ACTIVE["on"]:
            return original(self, name, item, **kwargs)
        pass_item = item is not None
        for method in self.events[name]:
            self._current_plugin = self._event_origins.get(method, "<unknown>")
            label = f"event {name} [{os.path.basename(self._current_plugin)}]"
            t = time.perf_counter()
            result = method(item, **kwargs) if pass_item else method(**kwargs)
            TIMES[label][0] += time.perf_counter() - t
            TIMES[label][1] += 1
            if result is not None:
                item = result
        self._current_plugin = None
        return item

    P.PluginCollection.run_event = run_event

    from vaultsite import export, incremental, render

    render.generated_pages = timed("vaultsite generated_pages", render.generated_pages)
    export.write_vault_json = timed("vaultsite write_vault_json", export.write_vault_json)
    incremental.note_signatures = timed("vaultsite note_signatures", incremental.note_signatures)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("vault", type=Path)
    ap.add_argument("work", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--profile", type=Path)
    args = ap.parse_args()
    vault, site, cfg = args.work / "vault", args.work / "site", args.work / "serve.yml"
    shutil.rmtree(vault, ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(args.vault, vault, symlinks=True)
    write_config(vault.resolve(), site.resolve(), cfg)
    logging.basicConfig(filename=args.work / "mkdocs.log", filemode="w", level=logging.INFO)
    instrument()

    import mkdocs.commands.serve as serve
    from mkdocs.config import load_config

    url = "http://127.0.0.1:8000/"

    def get_config():  # what serve's builder does on every rebuild
        config = load_config(config_file=str(cfg), site_dir=str(site))
        config.site_url = url
        return config

    t0 = time.perf_counter()
    config = get_config()
    config.plugins.on_startup(command="serve", dirty=False)
    assert getattr(serve.build, "_vaultsite_kind", None) == "serve_build", "the hooks did not wrap serve's build"
    serve.build(config, serve_url=url, dirty=False)
    config.plugins.on_serve(object(), config=config, builder=None)
    print(f"first build: {time.perf_counter() - t0:.2f} s")

    target = next(p for p in sorted(vault.rglob("*.md")) if p.name != "index.md")
    prof = cProfile.Profile() if args.profile else None
    totals, per = [], defaultdict(list)
    for n in range(args.rounds):
        (vault / f"벤치마크 새 노트 {n}.md").write_text(
            f"---\ntitle: 벤치마크 새 노트 {n}\n---\n\n새 노트가 [[{target.stem}]]을 링크한다. #벤치{n}\n", encoding="utf-8")
        time.sleep(0.5)
        TIMES.clear()
        ACTIVE["on"] = True
        t = time.perf_counter()
        if prof:
            prof.enable()
        serve.build(get_config(), serve_url=url, dirty=False)
        if prof:
            prof.disable()
        totals.append(time.perf_counter() - t)
        ACTIVE["on"] = False
        for label, (sec, _) in TIMES.items():
            per[label].append(sec)
        print(f"rebuild {n + 1}: {totals[-1]:.2f} s", flush=True)
        page = site / f"벤치마크 새 노트 {n}" / "index.html"
        back = site / target.relative_to(vault).with_suffix("") / "index.html"
        assert page.exists(), page
        assert f"벤치마크 새 노트 {n}" in back.read_text(encoding="utf-8"), "backlink missing"
    print(f"rebuilds: {[round(x, 2) for x in totals]}, median {statistics.median(totals):.2f} s")
    for label, secs in sorted(per.items(), key=lambda kv: -statistics.median(kv[1])):
        if statistics.median(secs) >= 0.01:
            print(f"  {statistics.median(secs):7.3f} s  {label}")
    if prof:
        prof.dump_stats(str(args.profile))


if __name__ == "__main__":
    main()
