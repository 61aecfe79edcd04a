"""The weight of a built site's heaviest pages: HTML bytes and element count, and optionally
the load time in Chromium (headless, Debian's /usr/bin/chromium, served on localhost).

Usage:
    python page_weight.py SITE_DIR [--top 5] [--browser]
    python page_weight.py SITE_DIR --kinds [--browser]   # the heaviest page of every kind

``--kinds`` sorts every page into its kind (``kind_of``: note, home, timeline index, timeline
page (a year's later pages too), tags index, tag page, folder index, pages 2+ of the other
listings (the pager), company pages, missing notes) and weighs the heaviest of each.  With ``--browser`` each is loaded in Chromium beside a
plain reference page of the same site (its smallest note page), so a slow, shared machine can
be told from a heavy page: ``load_s`` is the wall time to the load event, ``ready_s`` until the
page has painted and its main thread is idle, ``ref_s`` the reference page's ``ready_s``, and
``main`` Chromium's own breakdown of main-thread time (script, style, layout, in seconds).

Used by ``run_bench.py`` (issue 19: no page of the 5,000-note site over a second).
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import threading
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote

CHROMIUM = "/usr/bin/chromium"


class _Count(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.n = 0

    def handle_starttag(self, tag, attrs) -> None:
        self.n += 1

    def handle_startendtag(self, tag, attrs) -> None:
        self.n += 1


def elements(html: str) -> int:
    c = _Count()
    c.feed(html)
    c.close()
    return c.n


def heaviest(site: Path, top: int = 5) -> list[dict]:
    """The ``top`` largest HTML pages of ``site`` (bytes, elements, site-relative URL)."""
    sizes = sorted(((p.stat().st_size, p) for p in Path(site).rglob("*.html")), reverse=True)[:top]
    out = []
    for size, p in sizes:
        rel = p.relative_to(site).as_posix()
        url = rel[: -len("index.html")] if rel.endswith("index.html") else rel
        out.append({"url": url, "bytes": size, "elements": elements(p.read_text(encoding="utf-8", errors="replace"))})
    return out


#: URL patterns of the generated pages (site-relative, decoded), tried in order by ``kind_of``.
_KINDS = [
    ("home", re.compile(r"^$")),
    ("timeline-index", re.compile(r"^timeline/$")),
    ("timeline", re.compile(r"^timeline/.+/$")),  # a year's pages, its pages 2+ too
    ("pager", re.compile(r"(^|/)page/\d+/$")),  # pages 2+ of the other listings
    ("tags-index", re.compile(r"^tags/$")),
    ("tag", re.compile(r"^tags/.+/$")),
    ("companies-index", re.compile(r"^companies/$")),
    ("company", re.compile(r"^companies/.+/$")),
    ("missing", re.compile(r"^missing/$")),
]


def kind_of(url: str, notes: set[str]) -> str:
    """The kind of the page at site-relative ``url`` (percent-decoded): ``note`` when it is a
    note's page (``notes``: the decoded note URLs of ``vault.json``), else the generated page's
    kind; a generated page no pattern names is a folder index (``folder``)."""
    if url in notes:
        return "note"
    for kind, pattern in _KINDS:
        if pattern.search(url):
            return kind
    return "folder"


def _pages(site: Path) -> list[tuple[int, str, Path]]:
    """(bytes, site-relative URL, path) of every page of ``site`` (``404.html`` left out)."""
    out = []
    for p in Path(site).rglob("index.html"):
        rel = p.relative_to(site).as_posix()
        out.append((p.stat().st_size, rel[: -len("index.html")], p))
    return out


def note_urls(site: Path) -> set[str]:
    try:
        data = json.loads((Path(site) / "vault.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {unquote(n["url"]) for n in data.get("notes", [])}


def heaviest_by_kind(site: Path) -> list[dict]:
    """The heaviest page (HTML bytes) of every kind of page of ``site``, heaviest first:
    kind, URL (percent-encoded, as a browser asks for it), bytes, elements, and how many
    pages the kind has."""
    notes = note_urls(site)
    best: dict[str, tuple[int, str, Path]] = {}
    count: dict[str, int] = {}
    for size, url, p in _pages(site):
        kind = kind_of(url, notes)
        count[kind] = count.get(kind, 0) + 1
        if kind not in best or (size, url) > best[kind][:2]:
            best[kind] = (size, url, p)
    rows = []
    for kind, (size, url, p) in best.items():
        rows.append({"kind": kind, "url": quote(url), "bytes": size, "pages": count[kind],
                     "elements": elements(p.read_text(encoding="utf-8", errors="replace"))})
    rows.sort(key=lambda r: (-r["bytes"], r["kind"]))
    return rows


def reference_url(site: Path) -> str | None:
    """A plain page of the site to compare load times with: its smallest note page."""
    notes = note_urls(site)
    pages = sorted((size, url) for size, url, _ in _pages(site) if url in notes)
    return quote(pages[0][1]) if pages else None


_READY_JS = """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() =>
    setTimeout(() => done(performance.now()), 0))))"""


def profile(site: Path, urls: list[str], runs: int = 2, reference: str | None = None) -> dict[str, dict] | None:
    """Per URL, best of ``runs`` loads in headless Chromium: ``load_s`` (to the load event),
    ``ready_s`` (until painted and the main thread is idle: two animation frames and a task
    after the load event), ``main`` (Chromium's main-thread seconds: script, style recalc,
    layout, all tasks) and ``ref_s``, the ``ready_s`` of ``reference`` (default: the site's
    smallest note page) loaded just before, the same number of times.  ``None`` when Chromium
    or Playwright is missing."""
    if not os.path.exists(CHROMIUM) and not shutil.which("chromium"):
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    reference = reference if reference is not None else reference_url(site)
    handler = functools.partial(_Quiet, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    out: dict[str, dict] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"))
            context = browser.new_context()

            def one(url: str) -> dict:
                page = context.new_page()  # a fresh renderer: its metrics count this load only
                cdp = context.new_cdp_session(page)
                cdp.send("Performance.enable")
                t0 = time.perf_counter()
                page.goto(base + url, wait_until="load")
                load = time.perf_counter() - t0
                page.evaluate(_READY_JS)
                ready = time.perf_counter() - t0
                after = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
                page.close()
                main = {k: round(after.get(m, 0), 3) for k, m in
                        (("script", "ScriptDuration"), ("style", "RecalcStyleDuration"),
                         ("layout", "LayoutDuration"), ("tasks", "TaskDuration"))}
                return {"load_s": round(load, 2), "ready_s": round(ready, 2), "main": main}

            for url in urls:
                ref = min((one(reference) for _ in range(runs)), key=lambda r: r["ready_s"]) if reference else None
                best = min((one(url) for _ in range(runs)), key=lambda r: r["ready_s"])
                best["ref_s"] = ref["ready_s"] if ref else None
                out[url] = best
            browser.close()
    finally:
        server.shutdown()
    return out


def load_times(site: Path, urls: list[str], runs: int = 2) -> dict[str, float] | None:
    """Seconds from navigation to the load event in headless Chromium (best of ``runs``);
    ``None`` when Chromium or Playwright is missing."""
    if not os.path.exists(CHROMIUM) and not shutil.which("chromium"):
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    handler = functools.partial(_Quiet, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    out = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"))
            page = browser.new_page()
            for url in urls:
                best = None
                for _ in range(runs):
                    t0 = time.perf_counter()
                    page.goto(base + url, wait_until="load")
                    dt = time.perf_counter() - t0
                    best = dt if best is None else min(best, dt)
                out[url] = round(best, 2)
            browser.close()
    finally:
        server.shutdown()
    return out


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # the browser drops prefetches it no longer needs


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("site", type=Path)
    ap.add_argument("--top", type=int, default=5)
    ap.add_argument("--browser", action="store_true", help="also load the heaviest pages in Chromium")
    ap.add_argument("--kinds", action="store_true", help="the heaviest page of every kind, with a reference page")
    args = ap.parse_args()
    if args.kinds:
        rows = heaviest_by_kind(args.site)
        prof = profile(args.site, [r["url"] for r in rows]) if args.browser else None
        for r in rows:
            r.update((prof or {}).get(r["url"], {}))
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    rows = heaviest(args.site, args.top)
    times = load_times(args.site, [r["url"] for r in rows]) if args.browser else None
    for r in rows:
        r["load_s"] = (times or {}).get(r["url"])
    print(json.dumps(rows, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
