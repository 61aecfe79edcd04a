"""Attachments a browser would run when opened: SVG, HTML and XML files.

MkDocs copies attachments verbatim, and a browser opening ``att/chart.svg`` runs its
``<script>`` and ``onload`` in the site's origin.  Every such file is rewritten before
it is published (or not published at all), by :func:`sanitize_attachment`:

* SVG and XML (``.svg``, ``.xml``, ``.xhtml``, ``.xht``): parsed as XML (expat, which
  refuses entity-expansion bombs; external entities are never fetched) and written
  back without ``<script>``, ``<foreignObject>``, embedded documents (``iframe``,
  ``object``, ``embed``, ``handler``, ``listener``), animations that set links or event
  attributes, processing instructions (``xml-stylesheet``), any ``on…`` attribute and
  any link that is not a ``#fragment``, relative path or ``http(s)`` URL.  A file that is
  not well-formed XML is not published.
* HTML (``.html``, ``.htm``, ``.shtml``): decoded like a note and cleaned with the
  imported notes' allow-list (``sanitize.clean_html``), then published as a small
  standalone page.
* ``.svgz``, ``.mht``, ``.mhtml`` (compressed or archived documents): not published.

Each file that lost something, or was not published, gets a problem naming it.
"""
from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET

from .decode import decode_bytes

XML_EXTS = {".svg", ".xml", ".xhtml", ".xht", ".xsl", ".xslt", ".rdf", ".rss", ".atom", ".mml", ".xsd"}
HTML_EXTS = {".html", ".htm", ".shtml"}
REFUSED_EXTS = {".svgz", ".mht", ".mhtml"}
ACTIVE_EXTS = XML_EXTS | HTML_EXTS | REFUSED_EXTS

MAX_ATTACHMENT_BYTES = 20 * 2**20  # an SVG chart is kilobytes; bigger ones are not parsed

_DROP = {"script", "foreignobject", "iframe", "object", "embed", "handler", "listener", "frame",
         "frameset", "applet", "meta", "base", "link"}
_ANIMATIONS = {"set", "animate", "animatetransform", "animatemotion"}
_URL_ATTRS = {"href", "src", "action", "formaction", "data"}
_SAFE_URL_RE = re.compile(r"^(?:#|https?://|(?![a-z][a-z0-9+.-]*:))", re.I)
_WS_RE = re.compile(r"[\x00-\x20]+")

ET.register_namespace("", "http://www.w3.org/2000/svg")
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")


def is_active(src: str) -> bool:
    """Whether a browser may run scripts from this attachment when it is opened."""
    return posixpath.splitext(src)[1].casefold() in ACTIVE_EXTS


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].casefold()


def _clean_tree(root: ET.Element) -> int:
    """Remove what may run; return how many elements and attributes were removed."""
    removed = 0
    stack = [root]
    while stack:
        el = stack.pop()
        for child in list(el):
            if not isinstance(child.tag, str):  # comments and processing instructions
                el.remove(child)
                continue
            name = _local(child.tag)
            attr_name = _local(child.get("attributeName", ""))
            if name in _DROP or (name in _ANIMATIONS and (attr_name.startswith("on") or "href" in attr_name)):
                el.remove(child)
                removed += 1
                continue
            stack.append(child)
        for key in list(el.attrib):
            name = _local(key)
            value = el.attrib[key]
            if name.startswith("on"):
                del el.attrib[key]
                removed += 1
            elif name in _URL_ATTRS:
                if not _SAFE_URL_RE.match(_WS_RE.sub("", value)):
                    del el.attrib[key]
                    removed += 1
            elif name == "style" and re.search(r"url\s*\(\s*['\"]?\s*(?:javascript|data|vbscript):", value, re.I):
                del el.attrib[key]
                removed += 1
    return removed


def _sanitize_xml(src: str, data: bytes) -> tuple[bytes | None, str | None]:
    kind = "SVG" if src.casefold().endswith(".svg") else "XML"
    if b"<!ENTITY" in data:
        return None, f"not published: an {kind} file that declares entities (a possible entity bomb)"
    parser = ET.XMLParser()
    try:
        root = ET.fromstring(data, parser=parser)
    except ET.ParseError as exc:
        return None, f"not published: not well-formed {kind} ({exc})"
    except Exception as exc:  # noqa: BLE001 - hostile input must not stop a build
        return None, f"not published: {kind} could not be read ({type(exc).__name__})"
    removed = 0
    if _local(root.tag) in _DROP:
        return None, f"not published: the whole {kind} file is a <{_local(root.tag)}>"
    removed += _clean_tree(root)
    declared = re.search(rb"<\?xml-stylesheet", data) is not None
    out = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    if removed or declared:
        return out, f"scripts, event handlers or unsafe links removed from this {kind} file ({removed + declared} removed)"
    return out, None


_PAGE = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
         '<meta http-equiv="Content-Security-Policy" content="script-src \'none\'; object-src \'none\'">'
         "</head><body>\n{}\n</body></html>\n")


def _sanitize_html(data: bytes) -> tuple[bytes | None, str | None]:
    from .sanitize import clean_html

    text, problem = decode_bytes(data)
    if text is None:
        return None, f"not published: an HTML file that is {problem or 'not text'}"
    cleaned = clean_html(text, True)
    return _PAGE.format(cleaned).encode("utf-8"), "an HTML attachment: published cleaned like a clipping (no scripts, styles or frames)"


def sanitize_attachment(src: str, data: bytes) -> tuple[bytes | None, str | None]:
    """The bytes to publish for attachment ``src`` (None: do not publish it) and the problem
    to report (None: nothing to say).  Files that are not active are returned as they are."""
    ext = posixpath.splitext(src)[1].casefold()
    if ext not in ACTIVE_EXTS:
        return data, None
    if ext in REFUSED_EXTS:
        return None, f"not published: a '{ext}' file may hold scripts and cannot be cleaned"
    if len(data) > MAX_ATTACHMENT_BYTES:
        return None, f"not published: a '{ext}' file over {MAX_ATTACHMENT_BYTES // 2**20} MB cannot be cleaned"
    if ext in XML_EXTS:
        return _sanitize_xml(src, data)
    return _sanitize_html(data)
