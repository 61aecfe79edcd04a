"""Text helpers shared by the core.

``mask_code`` is the one rule for "never inside code": fenced blocks, inline
code spans and HTML comments are blanked to spaces of the same length
(indented code is left alone: our shapes never produce it for prose), so
offsets found in the mask are offsets in the original text.  It is the first
layer of a note's parsed form (:mod:`vaultsite.parsed`), which the extractors
read; the shapes use it directly while they normalise the raw text.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# A code span never crosses a blank line (a paragraph break), as in Python-Markdown.
_SPAN_RE = re.compile(r"(?<!`)(`+)(?!`)((?:(?!\n[ \t]*\n).)+?)(?<!`)\1(?!`)", re.S)
_NOT_NEWLINE = re.compile(r"[^\n]")


def blank(s: str) -> str:
    """``s`` as spaces of the same length, newlines kept (so offsets stay valid)."""
    return _NOT_NEWLINE.sub(" ", s) if "\n" in s else " " * len(s)


def mask_code(text: str) -> str:
    """Return ``text`` with fenced code, inline code and HTML comments blanked.

    Newlines are kept, so line numbers and offsets stay valid.
    """
    masked = _mask_fences(text) if "```" in text or "~~~" in text else text
    if "`" in masked:
        masked = _SPAN_RE.sub(lambda m: blank(m.group(0)), masked)
    return _mask_comments(masked) if "<!--" in masked else masked


def _mask_fences(text: str) -> str:
    """Fenced code blocks blanked, fence lines included (an unclosed fence runs to the end)."""
    out = []
    pos = 0  # text before pos is done
    for start, end in fenced_blocks(text):
        out += [text[pos:start], blank(text[start:end])]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def fenced_blocks(text: str):
    """``(start, end)`` of every fenced code block of ``text``, from its opening fence line to
    the end of its closing one (an unclosed fence runs to the end of the text), as
    Python-Markdown reads fences: the one reading of a fence (``mask_code``, ``fence_flags``)."""
    opened = -1  # start of the open block's fence line, -1 when outside a block
    fence = ""
    for m in fence_lines(text):
        found = m.group("fence")
        if opened < 0:
            opened, fence = m.start(), found
        elif found[0] == fence[0] and len(found) >= len(fence) and m.group().strip() == found:
            yield opened, m.end()
            opened = -1
    if opened >= 0:
        yield opened, len(text)


_FENCE_MARK = re.compile("```|~~~")
_FENCE_LINE = re.compile(r"[ \t]*(?P<fence>`{3,}|~{3,})[^\n]*")


def fence_lines(text: str):
    """The lines of ``text`` that may open or close a fenced code block (a fence after
    nothing but spaces and tabs), in order: matches of the whole line, the fence in group
    ``fence``.  Only the lines that hold a fence's marks are visited (found in C)."""
    pos = 0
    while mark := _FENCE_MARK.search(text, pos):
        m = _FENCE_LINE.match(text, text.rfind("\n", 0, mark.start()) + 1)
        if m:
            yield m
        pos = text.find("\n", mark.end())
        if pos < 0:
            return


def _mask_comments(text: str) -> str:
    """``<!-- … -->`` blanked: what ``re.sub(r"<!--.*?-->", ...)`` would do, in linear time.

    The regex retries every ``<!--`` of an unclosed run up to the end of the text (quadratic
    on a long line of them); once one ``<!--`` finds no ``-->``, no later one can.
    """
    pos, out = 0, []
    while True:
        i = text.find("<!--", pos)
        j = text.find("-->", i + 4) if i >= 0 else -1
        if j < 0:
            break
        out += [text[pos:i], blank(text[i:j + 3])]
        pos = j + 3
    out.append(text[pos:])
    return "".join(out)


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)
def fold(s: str) -> str:
    """The key used for every name lookup: NFC and case-folded, spaces squeezed.

    Link targets and names repeat across a vault (and across ``mkdocs serve``
    rebuilds), so results are remembered.
    """
    return _SPACES.sub(" ", unicodedata.normalize("NFC", s)).strip().casefold()


# Put right before a sentence-ending "." in a pattern: abbreviations whose dot ends no
# sentence ("Xilinx, Inc. in February", "Co., Ltd.", "e.g.", "vs.").
ABBREV_NOT_BEFORE = "".join(f"(?<!\\b{a})" for a in (
    "Inc", "Corp", "Co", "Ltd", "vs", "Mr", "Mrs", "Ms", "Dr", "St", "Jr", "No", "approx",
    "e.g", "i.e", "etc", "U.S", "S.A", "N.V", "Ver", "ver"))
