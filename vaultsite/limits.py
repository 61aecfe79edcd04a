"""Explicit limits: what one note may cost the build, and what happens past them.

Python-Markdown and its extensions are quadratic on some inputs: every ``[`` scans
to its matching ``]`` (or the end of the paragraph), every unclosed ``<tag`` scans to
the next ``>`` (or the end of the note), and each markup character costs tens of
microseconds on inline patterns.  A 60 KB line of nested brackets took 50 s, a
5-million-character line 265 s, a 50 MB note 113 s and 1.6 GB.  So before a note is
normalised, :func:`bound_text` measures it and publishes what would cost too much as
plain text (a paragraph as a fenced code block, a whole note as one ``<pre class="vs-plain">``
of escaped text: no link, tag, date or company is read from it, nothing in it is parsed as
Markdown or HTML), each with a problem naming the line:

============================  =====================================================
``MAX_PAGE_CHARS``            a note longer than this: only its first part is published
``MAX_MARKDOWN_CHARS``        a note longer than this: published as plain text
``MAX_MARKUP_CHARS``          more Markdown punctuation than this: plain text
``MAX_LINE_CHARS``            a paragraph with a line longer than this: plain text
``MAX_BRACKET_SCAN``          the paragraphs whose bracket scans would pass this
                              (summed over the note): plain text
``MAX_INLINE_WORK``           the paragraphs whose inline work would pass this, summed
                              over the note: plain text.  Python-Markdown rebuilds a
                              paragraph's text for every inline match, each adding a
                              placeholder, so the work is (possible matches) times (the
                              paragraph's length plus 12 characters per match)
``MAX_TAG_SCAN``              past this, a ``<`` that no ``>`` closes on its line is
                              written ``&lt;`` (text, not the start of a tag)
============================  =====================================================

The measures are linear and deterministic (the same note always gives the same page,
whatever the machine), and ordinary notes are far below every one of them.
"""
from __future__ import annotations

import bisect
import html
import re

from .shapes.markup import fence_flags as _fence_flags  # one reading of a code fence

MAX_PAGE_CHARS = 3_000_000
MAX_MARKDOWN_CHARS = 1_000_000
MAX_MARKUP_CHARS = 100_000
MAX_LINE_CHARS = 20_000
MAX_BRACKET_SCAN = 3_000_000
MAX_TAG_SCAN = 3_000_000
MAX_INLINE_WORK = 4_000_000_000
assert MAX_PAGE_CHARS // 2 >= MAX_MARKDOWN_CHARS  # (bound_text: a cut body too long to render stays so)

_FRONT_RE = re.compile(r"\A(?:---[ \t]*\n(?:.*?\n)?(?:---|\.\.\.)|\+\+\+[ \t]*\n(?:.*?\n)?\+\+\+)[ \t]*(?:\n|\Z)", re.S)
_BRACKETS_RE = re.compile(r"[\[\]()]")
_MARKUP_CHARS = "[]()<>*_^~=`\\&!{}|#:"
_INLINE_CHARS = "[]<&`*_\\~^="  # what _INLINE_START_RE's runs are made of
_INLINE_START_RE = re.compile(r"\[+|\]+|<|&|`+|\*+|_+|\\.|~+|\^+|=+")
_TAG_START_RE = re.compile(r"<[A-Za-z/!?]")
_BACKTICKS_RE = re.compile(r"`+")


def plain_block(lines: list[str]) -> list[str]:
    """``lines`` as a fenced code block (of text) that nothing in them can close."""
    longest = max((len(m.group()) for line in lines for m in _BACKTICKS_RE.finditer(line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", *lines, fence]


def _bracket_scan(text: str) -> int:
    """What Python-Markdown's link and image patterns scan in ``text``: from every ``[``
    (``(``) to its matching ``]`` (``)``), or to the end of the paragraph."""
    cost = 0
    stacks = {"[": [], "(": []}
    closer = {"]": "[", ")": "("}
    for m in _BRACKETS_RE.finditer(text):
        ch = m.group()
        if ch in stacks:
            stacks[ch].append(m.start())
        else:
            stack = stacks[closer[ch]]
            if stack:
                cost += m.start() - stack.pop()
    end = len(text)
    return cost + sum(end - p for stack in stacks.values() for p in stack)


# A line that starts its own inline run: a list item, a table row, a heading, a quote.
_BLOCK_START_RE = re.compile(r"[ \t]*(?:[-*+][ \t]|\d{1,9}[.)][ \t]|\||#{1,6}[ \t]|>)")


def _paragraphs(lines: list[str], flags: list[bool]):
    """(start, end) line ranges of what Python-Markdown parses inline as one text: runs of
    non-blank lines outside fenced code, cut before each list item, table row, heading or
    quote line (each is an inline run of its own)."""
    i, n = 0, len(lines)
    while i < n:
        if flags[i] or not lines[i].strip():
            i += 1
            continue
        j = i + 1
        while j < n and not flags[j] and lines[j].strip() and not _BLOCK_START_RE.match(lines[j]):
            j += 1
        yield i, j
        i = j


def _escape_open_tags(lines: list[str], flags: list[bool], first_line: int) -> tuple[list[str], str | None]:
    """Unclosed ``<tag`` starts make the HTML parser scan to the next ``>`` of the note:
    when those scans would pass ``MAX_TAG_SCAN``, each ``<`` without a ``>`` after it on its
    own line becomes ``&lt;``."""
    text = "\n".join("" if in_code else line for line, in_code in zip(lines, flags))  # code is stashed first
    closes = [m.start() for m in re.finditer(">", text)]
    cost = 0
    for m in _TAG_START_RE.finditer(text):
        k = bisect.bisect_left(closes, m.start())
        cost += (closes[k] if k < len(closes) else len(text)) - m.start()
        if cost > MAX_TAG_SCAN:
            break
    if cost <= MAX_TAG_SCAN:
        return lines, None
    out, first = [], None
    for i, (line, in_code) in enumerate(zip(lines, flags)):
        if in_code or "<" not in line:
            out.append(line)
            continue
        last_close = line.rfind(">")
        new = "".join(
            "&lt;" if ch == "<" and pos > last_close and _TAG_START_RE.match(line, pos) else ch
            for pos, ch in enumerate(line)
        ) if _TAG_START_RE.search(line, last_close + 1) else line
        if new != line and first is None:
            first = first_line + i
        out.append(new)
    return out, (f"unclosed '<' start so many HTML tags that reading them would take too long; "
                 f"from line {first} on, a '<' not closed on its line is shown as text")


def bound_text(text: str) -> tuple[str, list[str], str | None]:
    """``text`` (a decoded note, front matter included) with what would cost too much to render
    turned into plain text, a problem for each limit it met, and, when the whole body is to
    be published as plain text, that body (then ``text`` is only the front matter: the
    shapes and extractors have nothing to read in a plain body)."""
    m = _FRONT_RE.match(text)
    head, body = (text[:m.end()], text[m.end():]) if m else ("", text)
    first_line = head.count("\n") + 1
    # Each markup character counted once (``str.count`` runs in C: a regex ``findall`` builds a
    # list of them): the measures below read sums of these. A body longer than
    # MAX_MARKDOWN_CHARS needs no count: the cut below keeps more than MAX_PAGE_CHARS // 2
    # of it, so it is still that long (asserted with the limits).
    counts = dict(zip(_MARKUP_CHARS, map(body.count, _MARKUP_CHARS))) if len(body) <= MAX_MARKDOWN_CHARS else {}
    if len(body) <= MAX_LINE_CHARS and sum(counts.values()) <= 50:
        return text, [], None  # short and plain: the usual note, nothing to measure
    problems: list[str] = []
    if len(body) > MAX_PAGE_CHARS:
        cut = body.rfind("\n", 0, MAX_PAGE_CHARS)
        cut = cut if cut > MAX_PAGE_CHARS // 2 else MAX_PAGE_CHARS  # a line end, unless one line is most of it
        problems.append(f"longer than {MAX_PAGE_CHARS:,} characters ({len(body):,}); only the first "
                        f"{cut:,} are published, as plain text")
        body = body[:cut]
    lines = body.split("\n")
    if len(body) > MAX_MARKDOWN_CHARS or sum(counts.values()) > MAX_MARKUP_CHARS:
        if not problems:
            reason = (f"longer than {MAX_MARKDOWN_CHARS:,} characters" if len(body) > MAX_MARKDOWN_CHARS
                      else f"more than {MAX_MARKUP_CHARS:,} Markdown punctuation characters")
            problems.append(f"{reason}: published as plain text, not rendered as Markdown")
        # One <pre> of escaped text, not a code block: a highlighted block wraps each line in
        # an anchor, and 40,000 anchors cost the search indexer more than the text itself.
        return head, problems, '<pre class="vs-plain">' + html.escape("\n".join(lines), quote=False) + "</pre>\n"
    if not problems:
        # Bounds for the whole note at once, before the paragraph by paragraph measure: each
        # bracket or tag start scans at most the whole body, and the inline work of the
        # paragraphs sums to at most that of the body.  A usual note of a few kilobytes is
        # far inside them (and then needs nothing below).
        n = len(body)
        if (max(map(len, lines)) <= MAX_LINE_CHARS
                and (body.count("[") + body.count("(")) * n <= MAX_BRACKET_SCAN
                and body.count("<") * n <= MAX_TAG_SCAN):
            m = sum(map(counts.__getitem__, _INLINE_CHARS))  # at least as many as the runs _INLINE_START_RE finds
            if m * (n + 12 * m) <= MAX_INLINE_WORK:
                return text, [], None
    flags = _fence_flags(lines)
    out: list[str] = []
    last = 0
    scanned = inline = 0
    long_lines, costly = [], []
    for start, end in _paragraphs(lines, flags):
        para = lines[start:end]
        out.extend(lines[last:start])
        last = end
        if max(len(line) for line in para) > MAX_LINE_CHARS:
            long_lines.append(first_line + start)
        else:
            joined = "\n".join(para)
            cost = _bracket_scan(joined)
            matches = len(_INLINE_START_RE.findall(joined))
            work = matches * (len(joined) + 12 * matches)
            if scanned + cost <= MAX_BRACKET_SCAN and inline + work <= MAX_INLINE_WORK:
                scanned += cost
                inline += work
                out.extend(para)
                continue
            costly.append(first_line + start)
        out.extend(["", *plain_block(para), ""])
    out.extend(lines[last:])
    if long_lines:
        problems.append(f"a line longer than {MAX_LINE_CHARS:,} characters (paragraph at line "
                        f"{long_lines[0]}{f' and {len(long_lines) - 1} more' if len(long_lines) > 1 else ''}): "
                        f"published as plain text")
    if costly:
        problems.append(f"too much inline markup or too many nested or unclosed brackets (paragraph at line {costly[0]}"
                        f"{f' and {len(costly) - 1} more' if len(costly) > 1 else ''}): published as plain text")
    if "<" in body:
        out, problem = _escape_open_tags(out, _fence_flags(out), first_line)
        if problem:
            problems.append(problem)
    if not problems:
        return text, [], None
    return head + "\n".join(out), problems, None
