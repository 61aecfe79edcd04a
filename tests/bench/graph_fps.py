#!/usr/bin/env python3
"""Frame rate of the global graph page while panning, in Chromium (Debian's, offline).

``measure(site_dir)`` serves a built site under a sub-path, opens its graph page (``graph/``),
waits until the layout has settled, then pans for ``seconds``: every animation frame moves the
pointer (a scripted drag on the canvas, from a spot with no node under it) and a
``requestAnimationFrame`` counter counts the frames the page managed.  Returns a dict::

    {"fps": 58.1, "drawn_fps": 57.9, "worst_frame_ms": 33.4, "nodes": 5000, "edges": 63492,
     "layout_s": 9.7, "ticks": 135, "scene_ms": 31.0, "global_bytes": 1216819, "seconds": 3.0,
     "load_s": 11.2}

``fps``: animation frames per second during the pan; ``drawn_fps``: frames the graph drew;
``layout_s``: the worker's force layout until it settled; ``scene_ms``: the last full redraw
(recording only; the rasterising is paid by the next frame).  Usage::

    python tests/bench/graph_fps.py SITE_DIR [--seconds 3]
"""
from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from browsing import launch_browser, serve_site  # noqa: E402

#: The scripted pan: a drag on the canvas, one pointer move per animation frame.
PAN = """async (ms) => {
  const g = vaultsiteGraph.instances[0], c = g.canvas, r = c.getBoundingClientRect();
  let x = r.left + r.width / 2, y = r.top + r.height / 2;
  for (let i = 0; i < 2000 && g.hit(x - r.left, y - r.top) >= 0; i++) {  /* a spot with no node: a pan, not a drag */
    x = r.left + 20 + (i * 37) % (r.width - 40); y = r.top + 20 + (i * 53) % (r.height - 40);
  }
  const ev = (type, px, py) => c.dispatchEvent(new PointerEvent(type,
    {clientX: px, clientY: py, bubbles: true, pointerId: 1, isPrimary: true, button: 0}));
  ev("pointerdown", x, y);
  const before = g.frames, t0 = performance.now();
  let frames = 0, last = t0, worst = 0;
  await new Promise(done => {
    function frame(now) {
      frames++; worst = Math.max(worst, now - last); last = now;
      ev("pointermove", x + 150 * Math.sin(frames / 20), y + 100 * Math.sin(frames / 29));
      if (now - t0 < ms) requestAnimationFrame(frame); else done();
    }
    requestAnimationFrame(frame);
  });
  ev("pointerup", x, y);
  const secs = (performance.now() - t0) / 1000;
  return {fps: frames / secs, drawn_fps: (g.frames - before) / secs, worst_frame_ms: worst, seconds: secs};
}"""

#: The layout has settled and its last scene is drawn (what a pan then shows is that scene).
SETTLED = ("window.vaultsiteGraph && vaultsiteGraph.instances.length && vaultsiteGraph.instances[0].state().settled"
           " && !vaultsiteGraph.instances[0].state().pending")


def pan(page, seconds: float = 3.0) -> dict:
    """Pan the graph open in ``page`` (settled) for ``seconds``; the frame counts."""
    return page.evaluate(PAN, int(seconds * 1000))


def graph_state(page) -> dict:
    """The graph's state without its node list (``window.vaultsiteGraph``)."""
    return page.evaluate("(() => { const s = vaultsiteGraph.instances[0].state(); delete s.nodes; return s; })()")


def open_graph(page, base: str, timeout_s: float = 300) -> float:
    """Open the graph page and wait for its layout to settle; returns the seconds it took."""
    started = time.perf_counter()
    page.goto(base + "graph/")
    page.wait_for_function(SETTLED, timeout=timeout_s * 1000, polling=250)
    return time.perf_counter() - started


def measure(site_dir, seconds: float = 3.0, viewport=(1400, 900), browser=None) -> dict:
    """Open ``site_dir``'s graph page in Chromium and measure the frame rate of a scripted pan.

    ``browser``: a Playwright browser already running (a test's); else one is launched."""
    site = Path(site_dir)
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(serve_site(site))
        if browser is None:
            browser = stack.enter_context(launch_browser())
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        stack.callback(context.close)
        origin = base.split("/repo/")[0]
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(origin)
                      else route.abort())
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        load_s = open_graph(page, base)
        state = graph_state(page)
        got = pan(page, seconds)
    return {**got, "nodes": state["nodeCount"], "edges": state["edges"], "layout_s": state["layoutMs"] / 1000,
            "ticks": state["ticks"], "scene_ms": state["sceneMs"], "load_s": load_s,
            "global_bytes": (site / "vs-graph" / "graph.json").stat().st_size, "errors": errors}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site")
    ap.add_argument("--seconds", type=float, default=3.0)
    args = ap.parse_args()
    print(json.dumps(measure(args.site, args.seconds), indent=1))


if __name__ == "__main__":
    main()
