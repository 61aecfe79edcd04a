"""Obsidian canvases (JSON Canvas 1.0, https://jsoncanvas.org) as pages.

A ``.canvas`` file is a note of its own (format ``canvas``): its page lays the nodes out
where the canvas puts them and draws the edges over them.

* text nodes are Markdown (rendered like any note: wikilinks, tags, lists);
* file nodes naming a note are linked cards with the note's opening lines; images are
  images; other files are links; a file node is a link of the canvas, so the note gets a
  backlink from it;
* link nodes are links (http(s) only), groups are labelled boxes behind the rest;
* colors are the six presets (``"1"``...``"6"``) or ``#rgb``/``#rrggbb``;
* edges are curves from side to side with their labels and arrow ends (``toEnd`` defaults
  to an arrow, ``fromEnd`` to none).

``overrides/assets/javascripts/vaultsite-canvas.js`` makes the board zoomable and pannable;
without it the board scrolls.  Everything from the file is escaped or checked (numbers,
colors, URLs) before it is written into the page.
"""
from __future__ import annotations

import html
import json
import math
import posixpath
import re
import zlib
from urllib.parse import quote

from .model import Note

CANVAS_EXT = ".canvas"
PRESETS = {"1": "#e93147", "2": "#ec7500", "3": "#e0ac00", "4": "#08b94e", "5": "#00bfbc", "6": "#7852ee"}
_HEX = re.compile(r"^#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$")
_HTTP = re.compile(r"^https?://[^\s\"'<>]+$", re.I)
SIDES = {"top": (0.0, -1.0), "bottom": (0.0, 1.0), "left": (-1.0, 0.0), "right": (1.0, 0.0)}
PAD = 40.0
MAX_NODES = 5000


def is_canvas_path(src: str) -> bool:
    return src.casefold().endswith(CANVAS_EXT)


def color(value) -> str | None:
    if isinstance(value, str):
        value = value.strip()
        if value in PRESETS:
            return PRESETS[value]
        if _HEX.match(value):
            return value
    return None


def _num(value, default: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return default
    return float(value)


def parse(text: str) -> tuple[dict, str | None]:
    """The canvas's nodes and edges, checked; and a problem when the file is not a canvas."""
    try:
        data = json.loads(text) if text.strip() else {}
    except (ValueError, RecursionError) as exc:
        return {"nodes": [], "edges": []}, f"canvas is not valid JSON ({type(exc).__name__}); published empty"
    if not isinstance(data, dict):
        return {"nodes": [], "edges": []}, "canvas is not a JSON Canvas object; published empty"
    nodes, ids = [], set()
    for raw in (data.get("nodes") if isinstance(data.get("nodes"), list) else [])[:MAX_NODES]:
        if not isinstance(raw, dict) or raw.get("type") not in ("text", "file", "link", "group"):
            continue
        node_id = str(raw.get("id", len(nodes)))
        node = {
            "id": node_id, "type": raw["type"],
            "x": _num(raw.get("x")), "y": _num(raw.get("y")),
            "width": max(_num(raw.get("width"), 250.0), 1.0), "height": max(_num(raw.get("height"), 60.0), 1.0),
            "color": color(raw.get("color")),
        }
        for key in ("text", "file", "subpath", "url", "label"):
            if isinstance(raw.get(key), str):
                node[key] = raw[key]
        nodes.append(node)
        ids.add(node_id)
    edges = []
    for raw in data.get("edges") if isinstance(data.get("edges"), list) else []:
        if not isinstance(raw, dict):
            continue
        src, dst = str(raw.get("fromNode", "")), str(raw.get("toNode", ""))
        if src not in ids or dst not in ids:
            continue
        edges.append({
            "from": src, "to": dst,
            "fromSide": raw.get("fromSide") if raw.get("fromSide") in SIDES else None,
            "toSide": raw.get("toSide") if raw.get("toSide") in SIDES else None,
            "fromEnd": "arrow" if raw.get("fromEnd") == "arrow" else "none",
            "toEnd": "none" if raw.get("toEnd") == "none" else "arrow",
            "color": color(raw.get("color")),
            "label": raw["label"] if isinstance(raw.get("label"), str) else "",
        })
    return {"nodes": nodes, "edges": edges}, None


def file_link(node: dict) -> str:
    """The wikilink a file node stands for (what link extraction and backlinks see)."""
    target = node["file"].replace("[", "").replace("]", "").replace("|", "")
    sub = node.get("subpath") or ""
    if sub and not sub.startswith("#"):
        sub = "#" + sub
    return f"[[{target}{sub}]]"


def normalise(src: str, text: str) -> Note:
    data, problem = parse(text)
    name = src.rsplit("/", 1)[-1]
    title = name[: -len(CANVAS_EXT)] or name
    # What the canvas says, for search, tags, dates and links: its text nodes and file nodes.
    parts = []
    for node in data["nodes"]:
        if node["type"] == "text" and node.get("text", "").strip():
            parts.append(node["text"].strip())
        elif node["type"] == "file" and node.get("file"):
            # As an embed: the card shows the note's opening, so a change there redraws the canvas.
            parts.append("!" + file_link(node))
        elif node["type"] == "group" and node.get("label"):
            parts.append(node["label"])
    note = Note(src=src, title=title, body="\n\n".join(parts) + ("\n" if parts else ""), format="canvas",
                extra={"canvas": data})
    if problem:
        note.problems.append(problem)
    return note


# -- the page -------------------------------------------------------------------------------
def _box(node: dict, ox: float, oy: float) -> tuple[float, float, float, float]:
    return node["x"] - ox, node["y"] - oy, node["width"], node["height"]


def _side_point(box, side: str) -> tuple[float, float]:
    x, y, w, h = box
    return {"top": (x + w / 2, y), "bottom": (x + w / 2, y + h),
            "left": (x, y + h / 2), "right": (x + w, y + h / 2)}[side]


def _auto_sides(a, b) -> tuple[str, str]:
    ax, ay = a[0] + a[2] / 2, a[1] + a[3] / 2
    bx, by = b[0] + b[2] / 2, b[1] + b[3] / 2
    dx, dy = bx - ax, by - ay
    if abs(dx) >= abs(dy):
        return ("right", "left") if dx >= 0 else ("left", "right")
    return ("bottom", "top") if dy >= 0 else ("top", "bottom")


def _n(v: float) -> str:
    s = f"{v:.1f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _style(box, node_color: str | None) -> str:
    x, y, w, h = box
    style = f"left:{_n(x)}px;top:{_n(y)}px;width:{_n(w)}px;height:{_n(h)}px"
    if node_color:
        style += f";--vs-canvas-color:{node_color}"
    return style


def _esc(s: str) -> str:
    return html.escape(s, quote=True)


def _text_markdown(text: str) -> str:
    """A text node's Markdown, kept inside its box: no line may close the box's HTML."""
    text = text.replace("\r\n", "\n").strip("\n")
    text = re.sub(r"</?(?:div|section|article|main|body|html)\b", lambda m: m.group(0).replace("<", "&lt;"), text,
                  flags=re.I)
    return text


def render(vault, note: Note, labels: dict) -> str:
    """The canvas page's Markdown body (HTML boxes; text nodes' Markdown inside)."""
    from .build import page_url, url_between  # the build imports this module
    from .parsed import plain as plain_text

    data = (note.extra or {}).get("canvas") or {"nodes": [], "edges": []}
    nodes = data["nodes"]
    if not nodes:
        return f'<p class="vs-lead">{_esc(labels["canvas"])}: 0</p>\n'
    ox = min(n["x"] for n in nodes) - PAD
    oy = min(n["y"] for n in nodes) - PAD
    width = max(n["x"] + n["width"] for n in nodes) - ox + PAD
    height = max(n["y"] + n["height"] for n in nodes) - oy + PAD
    boxes = {n["id"]: _box(n, ox, oy) for n in nodes}
    here = note.page_src or note.src
    base_dir = page_url(here).rstrip("/")

    def file_href(file_src: str) -> str:
        return quote(posixpath.relpath(file_src, base_dir or "."), safe="/") if base_dir else quote(file_src, safe="/")

    out = [f'<div class="vs-canvas" data-vs-canvas data-width="{_n(width)}" data-height="{_n(height)}" '
           f'role="group" aria-label="{_esc(labels["canvas"])}: {_esc(note.title)}" markdown="1">',
           '<div class="vs-canvas-tools">'
           f'<button type="button" data-vs-zoom="in" title="{_esc(labels["canvas_zoom_in"])}">+</button>'
           f'<button type="button" data-vs-zoom="out" title="{_esc(labels["canvas_zoom_out"])}">−</button>'
           f'<button type="button" data-vs-zoom="fit" title="{_esc(labels["canvas_fit"])}">⤢</button></div>',
           f'<div class="vs-canvas-stage" style="width:{_n(width)}px;height:{_n(height)}px" markdown="1">']
    # Groups first (behind), then the rest in file order (JSON Canvas: later is on top).
    ordered = [n for n in nodes if n["type"] == "group"] + [n for n in nodes if n["type"] != "group"]
    for node in ordered:
        box = boxes[node["id"]]
        style = _style(box, node["color"])
        cls = f'vs-canvas-node vs-canvas-{node["type"]}' + (" vs-canvas-colored" if node["color"] else "")
        if node["type"] == "group":
            label = f'<span class="vs-canvas-label">{_esc(node["label"])}</span>' if node.get("label") else ""
            out.append(f'<div class="{cls}" style="{style}">{label}</div>')
        elif node["type"] == "text":
            md = _text_markdown(node.get("text", ""))
            out.append(f'<div class="{cls}" style="{style}" markdown="1">\n\n{md}\n\n</div>')
        elif node["type"] == "link":
            url = node.get("url", "").strip()
            inner = (f'<a class="vs-canvas-url" href="{_esc(url)}" rel="noopener" target="_blank">{_esc(url)}</a>'
                     if _HTTP.match(url) else f'<span>{_esc(url)}</span>')
            out.append(f'<div class="{cls}" style="{style}">{inner}</div>')
        else:
            out.append(f'<div class="{cls}" style="{style}">{_file_card(vault, note, node, file_href, url_between, plain_text)}</div>')
    out.append(_edges_svg(data["edges"], boxes, width, height, note))
    out.append(_edge_labels(data["edges"], boxes))
    out.append("</div>\n</div>\n")
    return "\n".join(out)


def _file_card(vault, note: Note, node: dict, file_href, url_between, plain_text) -> str:
    inner = file_link(node)[2:-2]
    target, _ = vault.resolver.wikilink(inner, note, embed=True)
    name = node.get("file", "")
    if target.kind == "note":
        other = target.note
        href = url_between(note.page_src or note.src, other.page_src or other.src, target.anchor)
        opening = _opening(other, plain_text)
        excerpt = f'<p class="vs-canvas-excerpt">{_esc(opening)}</p>' if opening else ""
        return f'<a class="vs-canvas-title vs-internal" href="{_esc(href)}">{_esc(other.title)}</a>{excerpt}'
    if target.kind == "file":
        href = file_href(target.file)
        from .links import is_image

        if is_image(target.file):
            return f'<img src="{_esc(href)}" alt="{_esc(posixpath.basename(target.file))}" loading="lazy">'
        return f'<a class="vs-file" href="{_esc(href)}">{_esc(posixpath.basename(target.file))}</a>'
    return f'<span class="vs-missing">{_esc(posixpath.basename(name) or name)}</span>'


def _opening(note: Note, plain_text, limit: int = 240) -> str:
    """A note's first lines as plain text, up to its first heading after some text."""
    if (note.extra or {}).get("canvas") or (note.extra or {}).get("drawing"):
        return ""
    words: list[str] = []
    size = 0
    for line in note.body[:2000].split("\n"):
        if line.lstrip().startswith("#") and re.match(r"^\s*#{1,6}\s", line):
            if words:
                break
            continue
        text = plain_text(line).strip()
        if text:
            words.append(text)
            size += len(text)
            if size >= limit:
                break
    out = " ".join(words)
    return out if len(out) <= limit else out[: limit - 1].rsplit(" ", 1)[0] + "…"


def _geometry(edge: dict, boxes: dict) -> tuple:
    a, b = boxes[edge["from"]], boxes[edge["to"]]
    auto_from, auto_to = _auto_sides(a, b)
    fs, ts = edge["fromSide"] or auto_from, edge["toSide"] or auto_to
    p1, p2 = _side_point(a, fs), _side_point(b, ts)
    dist = math.hypot(p2[0] - p1[0], p2[1] - p1[1])
    k = max(30.0, min(200.0, dist * 0.4))
    c1 = (p1[0] + SIDES[fs][0] * k, p1[1] + SIDES[fs][1] * k)
    c2 = (p2[0] + SIDES[ts][0] * k, p2[1] + SIDES[ts][1] * k)
    return p1, c1, c2, p2


def _edges_svg(edges: list, boxes: dict, width: float, height: float, note: Note) -> str:
    if not edges:
        return ""
    colors = sorted({e["color"] or "" for e in edges})
    key = zlib.crc32(note.src.encode("utf-8", "surrogatepass")) % 10 ** 6  # stable across processes
    marker_id = {c: f"vs-arrow-{key}-{i}" for i, c in enumerate(colors)}
    defs = "".join(
        f'<marker id="{marker_id[c]}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{c or "currentColor"}"></path></marker>'
        for c in colors)
    paths = []
    for e in edges:
        p1, c1, c2, p2 = _geometry(e, boxes)
        d = f"M{_n(p1[0])},{_n(p1[1])} C{_n(c1[0])},{_n(c1[1])} {_n(c2[0])},{_n(c2[1])} {_n(p2[0])},{_n(p2[1])}"
        attrs = f' stroke="{e["color"]}"' if e["color"] else ""
        if e["toEnd"] == "arrow":
            attrs += f' marker-end="url(#{marker_id[e["color"] or ""]})"'
        if e["fromEnd"] == "arrow":
            attrs += f' marker-start="url(#{marker_id[e["color"] or ""]})"'
        paths.append(f'<path class="vs-canvas-edge" d="{d}" fill="none"{attrs}></path>')
    return (f'<div class="vs-canvas-edges-layer"><svg class="vs-canvas-edges" width="{_n(width)}" height="{_n(height)}" '
            f'viewBox="0 0 {_n(width)} {_n(height)}" aria-hidden="true"><defs>{defs}</defs>{"".join(paths)}</svg></div>')


def _edge_labels(edges: list, boxes: dict) -> str:
    out = []
    for e in edges:
        if not e["label"].strip():
            continue
        p1, c1, c2, p2 = _geometry(e, boxes)
        # The curve's midpoint (t = 0.5 on the cubic Bézier).
        mx = (p1[0] + 3 * c1[0] + 3 * c2[0] + p2[0]) / 8
        my = (p1[1] + 3 * c1[1] + 3 * c2[1] + p2[1]) / 8
        style = f"left:{_n(mx)}px;top:{_n(my)}px" + (f";--vs-canvas-color:{e['color']}" if e["color"] else "")
        out.append(f'<span class="vs-canvas-edge-label" style="{style}">{_esc(e["label"])}</span>')
    return f'<div class="vs-canvas-edge-labels">{"".join(out)}</div>' if out else ""
