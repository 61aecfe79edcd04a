"""Embedded media: ``![[doc.pdf#page=3]]``, ``![[talk.mp3]]``, ``![[clip.mp4]]``.

Obsidian shows a PDF in a viewer and plays audio and video in place; the site does the
same with the browser's own elements (``<iframe>`` for PDFs, ``<audio controls>``,
``<video controls>``), each with a download link beside it.  The sanitiser
(``vaultsite.sanitize``) keeps these elements for the user's own notes; audio and video
are kept in clippings too, where an ``<iframe>`` is not.

``src`` attributes are written as final URLs (MkDocs rewrites only ``a[href]`` and
``img[src]``); the download link is a source-relative ``href`` MkDocs checks and rewrites.
"""
from __future__ import annotations

import posixpath
import xml.etree.ElementTree as etree
from urllib.parse import quote

from .build import page_url

PDF_EXTS = {".pdf"}
AUDIO_EXTS = {".mp3", ".ogg", ".oga", ".wav", ".m4a", ".flac", ".aac", ".opus", ".3gp"}
VIDEO_EXTS = {".mp4", ".webm", ".mov", ".mkv", ".ogv", ".m4v"}
AUDIO_TYPES = {".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".oga": "audio/ogg", ".wav": "audio/wav",
               ".m4a": "audio/mp4", ".flac": "audio/flac", ".aac": "audio/aac", ".opus": "audio/ogg"}
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm", ".mov": "video/quicktime",
               ".ogv": "video/ogg", ".m4v": "video/mp4", ".mkv": "video/x-matroska"}

def media_kind(path: str) -> str | None:
    """``pdf``, ``audio``, ``video`` or None, by the file's extension."""
    ext = posixpath.splitext(path)[1].casefold()
    if ext in PDF_EXTS:
        return "pdf"
    if ext in AUDIO_EXTS:
        return "audio"
    if ext in VIDEO_EXTS:
        return "video"
    return None


def file_url_from(page_src: str, file_src: str) -> str:
    """URL of attachment ``file_src`` relative to the page built from ``page_src``."""
    base = page_url(page_src).split("/")[:-1]
    target = quote(file_src, safe="/").split("/")
    i = 0
    while i < len(base) and i < len(target) - 1 and base[i] == target[i]:
        i += 1
    return "../" * (len(base) - i) + "/".join(target[i:])


def media_element(kind: str, file_src: str, src_url: str, download_href: str, anchor: str = "",
                  width: str | None = None, height: str | None = None,
                  download_label: str = "Download") -> etree.Element:
    """The player (or viewer) for one embedded file, with its download link."""
    name = file_src.rsplit("/", 1)[-1]
    ext = posixpath.splitext(name)[1].casefold()
    box = etree.Element("span")
    box.set("class", f"vs-media vs-{kind}")
    if kind == "pdf":
        frame = etree.SubElement(box, "iframe")
        frame.set("src", src_url + (anchor if anchor.startswith("#page=") else ""))
        frame.set("title", name)
        frame.set("loading", "lazy")
        if width:
            frame.set("width", width)
        # ![[doc.pdf#height=400]]: the viewer's height in pixels (Obsidian's own fragment).
        tall = anchor[len("#height="):] if anchor.startswith("#height=") else height
        if tall and tall.isdigit():
            frame.set("height", tall)
            frame.set("style", f"height: {tall}px")
        frame.text = ""
    else:
        player = etree.SubElement(box, kind)
        player.set("controls", "controls")
        player.set("preload", "metadata")
        if kind == "video" and width:
            player.set("width", width)
        if kind == "video" and height:
            player.set("height", height)
        source = etree.SubElement(player, "source")
        source.set("src", src_url + (anchor if kind == "video" and anchor.startswith("#t=") else ""))
        mime = (AUDIO_TYPES if kind == "audio" else VIDEO_TYPES).get(ext)
        if mime:
            source.set("type", mime)
        source.tail = name  # shown only by a browser that cannot play it
    link = etree.SubElement(box, "a")
    link.set("href", download_href)
    link.set("class", "vs-file vs-download")
    link.set("download", name)
    link.set("data-vs", "1")
    link.set("title", f"{download_label}: {name}")
    page = anchor[len("#page="):] if anchor.startswith("#page=") else ""
    link.text = f"⬇ {name}" + (f" (p. {page})" if page else "")
    return box
