"""The weight of a built site's heaviest pages: HTML bytes and element count, and optionally
the load time in Chromium (headless, Debian's /usr/bin/chromium, served on localhost).

Usage:
    python page_weight.py SITE_DIR [--top 5] [--browser]

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
import time
from html.parser import HTMLParser
from pathlib import Path

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
    args = ap.parse_args()
    rows = heaviest(args.site, args.top)
    times = load_times(args.site, [r["url"] for r in rows]) if args.browser else None
    for r in rows:
        r["load_s"] = (times or {}).get(r["url"])
    print(json.dumps(rows, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
