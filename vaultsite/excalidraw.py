"""Excalidraw drawings (the Obsidian Excalidraw plugin) published as pictures, not as boilerplate.

A drawing is ``X.excalidraw.md`` (or any note whose front matter has ``excalidraw-plugin:``)
or a bare ``X.excalidraw`` JSON file.  Its page shows, in this order of preference:

1. the image the plugin exported beside it (``X.excalidraw.svg``, ``X.svg``,
   ``X.excalidraw.png``, ``X.png``), found at render time in the vault's attachments;
2. an SVG drawn here from the drawing's own JSON (the ```` ```compressed-json ```` block,
   LZ-String, or a plain ```` ```json ```` block): text, rectangles, ellipses, diamonds,
   lines, arrows, free drawing and embedded images.

Under the picture the drawing's text elements are kept as page text (searchable).  The
plugin's boilerplate ("Switch to EXCALIDRAW VIEW", ``## Text Elements`` with block ids,
the JSON) never reaches the page.  The SVG is built element by element from numbers and
escaped text: nothing from the file is copied into it as markup, so it carries no script.
"""
from __future__ import annotations

import html
import json
import math
import re
from urllib.parse import quote

from .lzstring import decompress_from_base64
from .model import Note
from .shapes.common import split_front_matter

DRAWING_EXTS = (".excalidraw.md", ".excalidraw")
_BLOCK_RE = re.compile(r"```[ \t]*(compressed-json|json)[ \t]*\n(.*?)\n[ \t]*```", re.S)
_EMBEDDED_RE = re.compile(r"^([0-9A-Za-z_-]{6,})[ \t]*:[ \t]*!?\[\[([^\[\]\n|]+)(?:\|[^\]]*)?\]\]", re.M)
_TEXT_SECTION_RE = re.compile(r"^#{1,2}[ \t]+Text Elements[ \t]*\n(.*?)(?=^#{1,2}[ \t]|^%%|\Z)", re.M | re.S)
_BLOCK_ID_TAIL = re.compile(r"[ \t]*\^[A-Za-z0-9-]+[ \t]*$")
_COLOR_RE = re.compile(r"^(?:#[0-9A-Fa-f]{3,8}|[A-Za-z]{3,20})$")
_DATA_IMAGE_RE = re.compile(r"^data:image/(?:png|jpeg|jpg|gif|webp);base64,[A-Za-z0-9+/=\s]+$")
_WIKI_TEXT_RE = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]")
FILE_PLACEHOLDER = "vs-excalidraw-file:"  # an <image> href resolved to a vault file at render time
FONTS = {
    1: "Virgil, Excalifont, 'Segoe Print', 'Comic Sans MS', cursive, sans-serif",
    2: "Helvetica, Arial, sans-serif",
    3: "'Cascadia Code', Consolas, monospace",
    5: "Excalifont, Virgil, 'Segoe Print', 'Comic Sans MS', cursive, sans-serif",
    6: "Nunito, 'Segoe UI', sans-serif",
    8: "'Comic Shanns', 'Comic Sans MS', cursive",
}


def is_drawing(src: str, note: Note | None = None) -> bool:
    if src.casefold().endswith(DRAWING_EXTS):
        return True
    return bool(note is not None and (note.extra or {}).get("excalidraw"))


def drawing_title(src: str) -> str:
    name = src.rsplit("/", 1)[-1]
    for ext in DRAWING_EXTS:
        if name.casefold().endswith(ext):
            return name[: -len(ext)] or name
    return name.rsplit(".", 1)[0] if "." in name else name


def parse_scene(text: str) -> tuple[dict | None, str | None]:
    """The drawing's scene (``{"elements": [...], "files": {...}}``) and a problem, if any."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        raw = stripped
    else:
        m = _BLOCK_RE.search(text)
        if m is None:
            return None, None
        raw = m.group(2)
        if m.group(1) == "compressed-json":
            raw = decompress_from_base64(raw)
            if raw is None:
                return None, "the drawing's compressed-json block cannot be decompressed"
    try:
        scene = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        return None, f"the drawing's JSON cannot be read ({type(exc).__name__})"
    if not isinstance(scene, dict) or not isinstance(scene.get("elements", []), list):
        return None, "the drawing's JSON is not an Excalidraw scene"
    return scene, None


def text_elements(scene: dict | None, text: str) -> list[str]:
    """The drawing's words, top to bottom, left to right (from the scene, else the
    plugin's ``Text Elements`` section without its block ids)."""
    if scene is not None:
        found = []
        for el in scene.get("elements") or []:
            if isinstance(el, dict) and el.get("type") == "text" and not el.get("isDeleted"):
                words = el.get("originalText") or el.get("rawText") or el.get("text")
                if isinstance(words, str) and words.strip():
                    found.append((_float(el.get("y"), 0.0), _float(el.get("x"), 0.0), words.strip()))
        return [w for _, _, w in sorted(found, key=lambda t: (t[0], t[1]))]
    m = _TEXT_SECTION_RE.search(text)
    if not m:
        return []
    out = []
    for para in re.split(r"\n[ \t]*\n", m.group(1)):
        para = _BLOCK_ID_TAIL.sub("", para.strip())
        if para:
            out.append(para)
    return out


def drawing_note(note: Note, text: str) -> Note:
    """Turn a normalised drawing note into its page: the title without ``.excalidraw``, the
    scene's SVG kept in ``extra["drawing"]``, the text elements as the body."""
    scene, problem = parse_scene(text)
    embedded = {m.group(1): m.group(2).strip() for m in _EMBEDDED_RE.finditer(text)}
    words = text_elements(scene, text)
    drawn = render_svg(scene, embedded) if scene is not None else None
    own_title = split_front_matter(text).meta.get("title") if text.startswith(("---", "+++")) else None
    if not (isinstance(own_title, str) and own_title.strip()):
        note.title = drawing_title(note.src)  # not "Text Elements", the plugin's heading
    note.body = words_html(words)
    note.format = "excalidraw"  # a bare .excalidraw file is JSON, not blog text
    note.extra = dict(note.extra or {})
    note.extra.pop("properties", None)  # the plugin's keys are not the author's properties
    note.extra["drawing"] = {"svg": drawn[0] if drawn else None, "images": drawn[1] if drawn else []}
    if problem:
        note.problems.append(problem)
    return note


def words_html(words: list[str]) -> str:
    """The text elements as an HTML block Markdown leaves alone (wikilink brackets dropped)."""
    if not words:
        return ""
    paras = "\n".join("<p>" + html.escape(_WIKI_TEXT_RE.sub(r"\1", w)).replace("\n", "<br>") + "</p>" for w in words)
    return f'<div class="vs-drawing-text">\n{paras}\n</div>\n'


def exported_image(src: str, attachments) -> str | None:
    """The image the plugin exported beside the drawing, if it is in the vault."""
    folder, _, name = src.rpartition("/")
    prefix = folder + "/" if folder else ""
    base = name[:-3] if name.casefold().endswith(".md") else name  # X.excalidraw
    bare = drawing_title(src)  # X
    for stem in (base, bare):
        for ext in (".svg", ".png"):
            cand = prefix + stem + ext
            if cand in attachments:
                return cand
    for stem in (base, bare):  # dark-theme exports only
        for ext in (".dark.svg", ".dark.png", ".light.svg", ".light.png"):
            cand = prefix + stem + ext
            if cand in attachments:
                return cand
    return None


# -- SVG ----------------------------------------------------------------------------------
def _float(value, default: float | None = None) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    if not math.isfinite(value):
        return default
    return float(value)


def _n(value: float) -> str:
    s = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _color(value, default: str) -> str:
    if isinstance(value, str) and _COLOR_RE.match(value.strip()):
        return value.strip()
    return default


def _points(el: dict, x: float, y: float) -> list[tuple[float, float]]:
    pts = []
    for p in el.get("points") or []:
        if isinstance(p, (list, tuple)) and len(p) >= 2:
            px, py = _float(p[0]), _float(p[1])
            if px is not None and py is not None:
                pts.append((x + px, y + py))
    return pts


def _bounds(elements: list[dict]) -> tuple[float, float, float, float] | None:
    xs, ys = [], []
    for el in elements:
        x, y = _float(el.get("x")), _float(el.get("y"))
        if x is None or y is None:
            continue
        pts = _points(el, x, y)
        if pts:
            xs += [p[0] for p in pts]
            ys += [p[1] for p in pts]
        w, h = _float(el.get("width"), 0.0), _float(el.get("height"), 0.0)
        if el.get("type") == "text" and isinstance(el.get("text"), str):
            # Fonts here are not Excalidraw's: leave room for text a little wider than drawn.
            size = _float(el.get("fontSize"), 20.0) or 20.0
            longest = max((len(line) for line in el["text"].split("\n")), default=0)
            w = max(w, longest * size * 0.62)
        xs += [x, x + w]
        ys += [y, y + h]
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def _stroke_attrs(el: dict) -> str:
    stroke = _color(el.get("strokeColor"), "#1e1e1e")
    width = _float(el.get("strokeWidth"), 1.0) or 1.0
    attrs = f' stroke="{stroke}" stroke-width="{_n(min(width, 50.0))}"'
    style = el.get("strokeStyle")
    if style == "dashed":
        attrs += f' stroke-dasharray="{_n(width * 4)} {_n(width * 3)}"'
    elif style == "dotted":
        attrs += f' stroke-dasharray="{_n(width)} {_n(width * 2.5)}" stroke-linecap="round"'
    return attrs


def _fill_attrs(el: dict) -> str:
    fill = _color(el.get("backgroundColor"), "transparent")
    if fill == "transparent":
        return ' fill="none"'
    if el.get("fillStyle") in ("hachure", "cross-hatch", "zigzag", "dots"):
        return f' fill="{fill}" fill-opacity="0.45"'
    return f' fill="{fill}"'


def _arrowhead(tip: tuple[float, float], prev: tuple[float, float], kind: str, el: dict) -> str:
    dx, dy = tip[0] - prev[0], tip[1] - prev[1]
    length = math.hypot(dx, dy)
    if length == 0:
        return ""
    ux, uy = dx / length, dy / length
    size = min(30.0, max(10.0, length / 3)) * max(1.0, (_float(el.get("strokeWidth"), 1.0) or 1.0) ** 0.5)
    stroke = _stroke_attrs(el)
    if kind in ("dot", "circle", "circle_outline"):
        fill = "none" if kind == "circle_outline" else _color(el.get("strokeColor"), "#1e1e1e")
        return f'<circle cx="{_n(tip[0])}" cy="{_n(tip[1])}" r="{_n(size / 4)}" fill="{fill}"{stroke}/>'
    if kind == "bar":
        px, py = -uy * size / 2, ux * size / 2
        return (f'<line x1="{_n(tip[0] + px)}" y1="{_n(tip[1] + py)}" x2="{_n(tip[0] - px)}" '
                f'y2="{_n(tip[1] - py)}"{stroke}/>')
    wings = []
    for sign in (1, -1):
        ang = math.atan2(uy, ux) + sign * math.radians(25)
        wings.append((tip[0] - math.cos(ang) * size, tip[1] - math.sin(ang) * size))
    if kind in ("triangle", "triangle_outline"):
        fill = "none" if kind == "triangle_outline" else _color(el.get("strokeColor"), "#1e1e1e")
        pts = " ".join(f"{_n(a)},{_n(b)}" for a, b in (tip, wings[0], wings[1]))
        return f'<polygon points="{pts}" fill="{fill}"{stroke}/>'
    return (f'<polyline points="{_n(wings[0][0])},{_n(wings[0][1])} {_n(tip[0])},{_n(tip[1])} '
            f'{_n(wings[1][0])},{_n(wings[1][1])}" fill="none"{stroke} stroke-linejoin="round"/>')


def _element(el: dict, files: dict, embedded: dict) -> str:
    kind = el.get("type")
    x, y = _float(el.get("x")), _float(el.get("y"))
    if x is None or y is None:
        return ""
    w = max(0.0, _float(el.get("width"), 0.0))
    h = max(0.0, _float(el.get("height"), 0.0))
    if kind == "rectangle":
        r = min(w, h) * 0.15 if el.get("roundness") else 0
        return (f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="{_n(r)}"'
                f'{_fill_attrs(el)}{_stroke_attrs(el)}/>')
    if kind == "ellipse":
        return (f'<ellipse cx="{_n(x + w / 2)}" cy="{_n(y + h / 2)}" rx="{_n(w / 2)}" ry="{_n(h / 2)}"'
                f'{_fill_attrs(el)}{_stroke_attrs(el)}/>')
    if kind == "diamond":
        pts = f"{_n(x + w / 2)},{_n(y)} {_n(x + w)},{_n(y + h / 2)} {_n(x + w / 2)},{_n(y + h)} {_n(x)},{_n(y + h / 2)}"
        return f'<polygon points="{pts}"{_fill_attrs(el)}{_stroke_attrs(el)} stroke-linejoin="round"/>'
    if kind in ("line", "arrow", "freedraw", "draw"):
        pts = _points(el, x, y)
        if len(pts) < 2:
            return ""
        coords = " ".join(f"{_n(a)},{_n(b)}" for a, b in pts)
        closed = kind == "line" and len(pts) > 2 and pts[0] == pts[-1]
        fill = _fill_attrs(el) if closed else ' fill="none"'
        out = [f'<polyline points="{coords}"{fill}{_stroke_attrs(el)} stroke-linecap="round" stroke-linejoin="round"/>']
        if kind == "arrow":
            end = el.get("endArrowhead", "arrow")
            start = el.get("startArrowhead")
            if isinstance(end, str) and end:
                out.append(_arrowhead(pts[-1], pts[-2], end, el))
            if isinstance(start, str) and start:
                out.append(_arrowhead(pts[0], pts[1], start, el))
        return "".join(out)
    if kind == "text":
        words = el.get("text")
        if not isinstance(words, str) or not words:
            return ""
        size = _float(el.get("fontSize"), 20.0) or 20.0
        size = min(max(size, 1.0), 400.0)
        family = FONTS.get(el.get("fontFamily"), FONTS[1])
        line_height = _float(el.get("lineHeight"), 1.25) or 1.25
        align = el.get("textAlign")
        anchor, tx = ("middle", x + w / 2) if align == "center" else ("end", x + w) if align == "right" else ("start", x)
        color = _color(el.get("strokeColor"), "#1e1e1e")
        lines = words.split("\n")
        spans = "".join(
            f'<tspan x="{_n(tx)}" y="{_n(y + size * line_height * i + size * 0.9)}">{html.escape(line) or " "}</tspan>'
            for i, line in enumerate(lines))
        return (f'<text font-size="{_n(size)}" font-family="{html.escape(family)}" fill="{color}" '
                f'text-anchor="{anchor}" xml:space="preserve">{spans}</text>')
    if kind == "image":
        # A frame here; the picture itself is an <img> laid over the SVG (see ``images``):
        # an SVG <image href> breaks Material's instant navigation, which rewrites every [href].
        return (f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="#f1f3f5" '
                f'stroke="#ced4da" stroke-dasharray="6 4"/>')
    return ""


def _image(el: dict, files: dict, embedded: dict) -> str | None:
    """Where an image element's picture comes from: a vault file (a placeholder resolved at
    render time) or the data URL a bare ``.excalidraw`` file keeps it in."""
    file_id = el.get("fileId")
    if not isinstance(file_id, str):
        return None
    if file_id in embedded:
        return FILE_PLACEHOLDER + quote(embedded[file_id], safe="")
    data = files.get(file_id) if isinstance(files, dict) else None
    if isinstance(data, dict) and isinstance(data.get("dataURL"), str) and _DATA_IMAGE_RE.match(data["dataURL"]):
        return "".join(data["dataURL"].split())
    return None


def render_svg(scene: dict, embedded: dict | None = None) -> tuple[str, list[dict]] | None:
    """The scene as one line of SVG, and its images (position and size in percent of the
    picture, and their source); None when it has nothing to draw."""
    elements = [el for el in scene.get("elements") or []
                if isinstance(el, dict) and not el.get("isDeleted") and el.get("type") != "selection"]
    box = _bounds(elements)
    if box is None:
        return None
    pad = 16.0
    x0, y0, x1, y1 = box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad
    width, height = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
    files = scene.get("files") if isinstance(scene.get("files"), dict) else {}
    background = _color((scene.get("appState") or {}).get("viewBackgroundColor")
                        if isinstance(scene.get("appState"), dict) else None, "#ffffff")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="vs-drawing-svg" viewBox="{_n(x0)} {_n(y0)} '
             f'{_n(width)} {_n(height)}" width="{_n(width)}" height="{_n(height)}" role="img">',
             f'<rect x="{_n(x0)}" y="{_n(y0)}" width="{_n(width)}" height="{_n(height)}" fill="{background}"/>']
    for el in elements:
        try:
            piece = _element(el, files, embedded or {})
        except (TypeError, ValueError, OverflowError):
            continue
        if not piece:
            continue
        opacity = _float(el.get("opacity"), 100.0)
        angle = _float(el.get("angle"), 0.0)
        attrs = ""
        if angle:
            cx = _float(el.get("x"), 0.0) + _float(el.get("width"), 0.0) / 2
            cy = _float(el.get("y"), 0.0) + _float(el.get("height"), 0.0) / 2
            attrs += f' transform="rotate({_n(math.degrees(angle))} {_n(cx)} {_n(cy)})"'
        if opacity is not None and opacity < 100:
            attrs += f' opacity="{_n(max(opacity, 0.0) / 100)}"'
        parts.append(f"<g{attrs}>{piece}</g>" if attrs else piece)
    parts.append("</svg>")
    images = []
    for el in elements:
        if el.get("type") != "image":
            continue
        href = _image(el, files, embedded or {})
        x, y = _float(el.get("x")), _float(el.get("y"))
        if href is None or x is None or y is None:
            continue
        w, h = max(0.0, _float(el.get("width"), 0.0)), max(0.0, _float(el.get("height"), 0.0))
        images.append({"left": _n((x - x0) / width * 100), "top": _n((y - y0) / height * 100),
                       "width": _n(w / width * 100), "height": _n(h / height * 100), "src": href})
    return "".join(parts), images
