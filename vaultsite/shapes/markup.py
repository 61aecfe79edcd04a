"""Markdown repairs and the little bits of markup the shapes generate.

Why this exists: the vault is written for Obsidian (CommonMark-ish, forgiving)
and exported through tools that leave debris, but the site renders with
Python-Markdown, which is stricter: a list needs a blank line before it,
nested lists need 4 spaces, an indented paragraph after a blank line is a code
block.  Every repair here works line by line, leaves fenced code alone, and
never rewords the author's text.

Generated markup (link cards, image captions) is plain Markdown with an
``attr_list`` class so that it also works inside admonitions and list items,
where raw HTML blocks are not recognised:

* card:    ``**[title](url)**<br>`` / ``description`` / ``{: .vs-card }``
  -> ``<p class="vs-card"><strong><a href=…>title</a></strong><br>description</p>``
* caption: ``*text*`` / ``{: .vs-caption }`` -> ``<p class="vs-caption"><em>text</em></p>``
"""
from __future__ import annotations

import re

from ..textutil import fenced_blocks, mask_code
from .common import HANGUL_RE

LIST_ITEM_RE = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_EMPTY_ITEM_RE = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]*$")
_OL_RE = re.compile(r"^(\d{1,9})[.)][ \t]+(.*)$")
_UL_RE = re.compile(r"^[-*+][ \t]+(.*)$")
# lines whose indented follow-up is legitimately indented: admonitions, footnotes
_OPENER_RE = re.compile(r"^(?:[!?]{3}\+?[ \t]|===[+!]?[ \t]|\[\^[^\]]+\]:)")
_BULLET_RE = re.compile(r"^[•●◦‣∙][ \t]*(.*)$")
_TABLE_SEP_RE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
_HIDDEN_DIV_RE = re.compile(
    r"^[ \t]*<div\b[^>]*\bstyle\s*=\s*[\"'][^\"']*display\s*:\s*none[^\"']*[\"'][^>]*>.*?</div>[ \t]*\n?",
    re.S | re.I | re.M,
)


def is_blank(line: str) -> bool:
    """Blank for Markdown *and* for blog dumps (NBSP-only lines count as blank)."""
    return not line.strip()


def fence_flags(lines: list[str]) -> list[bool]:
    """For each line (of a text split at its newlines): is it part of a fenced code block
    (fence lines included)?"""
    text = "\n".join(lines)
    flags = [False] * len(lines)
    if "```" not in text and "~~~" not in text:
        return flags
    row = pos = 0  # row: the line number of text[pos]
    for start, end in fenced_blocks(text):
        row += text.count("\n", pos, start)
        last = row + text.count("\n", start, end)
        flags[row:last + 1] = [True] * (last + 1 - row)
        row, pos = last, end
    return flags


def indent_width(line: str) -> int:
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
    return width


# ---------------------------------------------------------------------------
# escaping

_BARE_URL_RE = re.compile(r"https?://[^\s<>\"'“”‘’()\[\]]*[^\s<>\"'“”‘’()\[\].,;:!?]")


def _escape_plain(text: str) -> str:
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([*_`])", r"\\\1", text)


def escape_text(text: str) -> str:
    """Make a line of *plain text* literal in Markdown.

    Blog dumps contain ``<AI의 … 함께한다.>`` (text, not a tag), ``*`` and ``_``
    used as marks, ``>>`` arrows: none of it is meant as markup.  Bare URLs
    become autolinks (``<https://…>``), unescaped, so they stay clickable.
    """
    out: list[str] = []
    pos = 0
    for m in _BARE_URL_RE.finditer(text):
        out.append(_escape_plain(text[pos:m.start()]))
        out.append("<" + m.group(0) + ">")
        pos = m.end()
    out.append(_escape_plain(text[pos:]))
    return "".join(out)


def escape_inline(text: str) -> str:
    """Stronger escaping for text we put inside generated link/emphasis markup."""
    text = re.sub(r"\s+", " ", text or "").strip()
    text = re.sub(r"([\\`*_\[\]{}])", r"\\\1", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def escape_line_start(line: str) -> str:
    """Stop a plain paragraph line from starting a list, heading or rule."""
    m = re.match(r"^(\d{1,9})([.)])(\s)", line)
    if m:
        return f"{m.group(1)}\\{m.group(2)}{m.group(3)}" + line[m.end():]
    if re.match(r"^[-+=](?:\s|$)|^#{1,6}\s", line):
        return "\\" + line
    return line


def md_url(url: str) -> str:
    if re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url


def card_md(title: str, url: str | None = None, desc: str | None = None) -> list[str]:
    """A link card (see module docstring).  No URL -> the title as plain text."""
    title = escape_inline(title) or escape_inline(url or "") or "링크"
    head = f"**[{title}]({md_url(url)})**" if url else f"**{title}**"
    desc = escape_line_start(escape_inline(desc or ""))
    lines = [head + ("<br>" if desc else "")]
    if desc:
        lines.append(desc)
    lines.append("{: .vs-card }")
    return lines


def caption_md(text: str) -> list[str]:
    """A muted caption line under (or where once was) an image."""
    text = escape_inline(text)
    return [f"*{text}*", "{: .vs-caption }"] if text else []


# ---------------------------------------------------------------------------
# repairs

def drop_hidden_blocks(body: str) -> str:
    """Exporters hide metadata in ``<div style="display:none">…</div>``: not content."""
    return _HIDDEN_DIV_RE.sub("", body)


def _edit_lines(body: str, fn, needles: tuple[str, ...], probe=None) -> str:
    """Apply ``fn(line, masked_line) -> line`` to every line outside fenced code.

    ``needles``: ``fn`` leaves a line as it is unless its masked line holds one of them,
    so only those lines are visited (a line inside fenced code is all blanks when masked).
    ``probe``: ``probe(masked) -> str`` of the same length, the text looked into for the
    needles instead, when fewer lines need visiting (what it blanks never matters to ``fn``).
    """
    if not any(n in body for n in needles):
        return body
    masked = mask_code(body)
    probed = probe(masked) if probe else masked
    find = re.compile("|".join(map(re.escape, needles))).search
    out = []
    pos = 0  # body before pos is done
    m = find(probed)
    while m:
        start = masked.rfind("\n", 0, m.start()) + 1
        end = masked.find("\n", m.end())
        if end < 0:
            end = len(masked)
        out += [body[pos:start], fn(body[start:end], masked[start:end])]
        pos = end
        m = find(probed, end)
    if not out:
        return body
    out.append(body[pos:])
    return "".join(out)


def _drop_stray_closers(line: str, mline: str) -> str:
    """Drop ``]]`` and ``))`` that close nothing (export debris like ``(/x/)]]``).

    A closer is stray when its bracket depth is already zero.  Only runs are
    touched (``]]``, ``)))``): a lone ``:)`` or ``1)`` is the author's.
    """
    if "]]" not in mline and "))" not in mline:
        return line
    drop: set[int] = set()
    for open_ch, close_ch in (("[", "]"), ("(", ")")):
        if close_ch * 2 not in mline:
            continue
        depth = 0
        stray: list[int] = []
        # Only the brackets are visited (found in C): linear in the line, however deep the
        # nesting (peeling innermost pairs off with a regex was quadratic: 15 s on 60 KB).
        for m in _BRACKET_RES[close_ch].finditer(mline):
            if m.group() == open_ch:
                depth += 1
            elif depth:
                depth -= 1
            else:
                stray.append(m.start())
        strays = set(stray)  # membership per closer: a list made long lines quadratic
        for i in stray:
            prev_is_closer = i > 0 and mline[i - 1] == close_ch
            next_is_stray = (i + 1) in strays
            if close_ch == "]" and (next_is_stray or (i - 1) in strays):
                drop.add(i)
            elif close_ch == ")" and prev_is_closer:
                drop.add(i)
    if not drop:
        return line
    return "".join(ch for i, ch in enumerate(line) if i not in drop)


_BRACKET_RES = {"]": re.compile(r"[\[\]]"), ")": re.compile(r"[()]")}
_WIKILINK_BRACKETS = re.compile(r"\[\[([^\[\]\n]*)\]\]")


def _unbracket_wikilinks(masked: str) -> str:
    """``[[target]]`` -> ``  target  ``: a bracket pair with no bracket inside holds no stray
    closer and leaves every other closer as stray as it was (parentheses are kept)."""
    return _WIKILINK_BRACKETS.sub(r"  \1  ", masked)


def drop_stray_closers(body: str) -> str:
    # Only a line whose "]]" is no wikilink's, or with "))", can hold a closer to drop.
    return _edit_lines(body, _drop_stray_closers, ("]]", "))"), _unbracket_wikilinks)


# A phrase (two words or more) in brackets, not glued to a word before it: ``Array [0]``,
# ``a[i + 1]``, ``[주의]`` stay as typed.
_STRAY_BRACKET_RE = re.compile(
    r"(?<![!\[\]\\\w])\[(?![\[^!])([^\[\]\n]*[^\[\]\n\s][ \t]+[^\[\]\n\s][^\[\]\n]*)\](?![(\[:\]])"
)
_REF_DEF_RE = re.compile(r"^[ ]{0,3}\[([^\]\n]+)\]:", re.M)


def unwrap_stray_brackets(body: str) -> str:
    """``[phrase]한 것임`` -> ``phrase한 것임``: leftovers of an export, not links.

    Real links ``[t](u)``, images, ``[[wikilinks]]``, footnotes ``[^1]``,
    callouts ``[!note]``, task boxes ``[x]`` and defined references stay.
    """
    defined = {m.group(1).strip().casefold() for m in _REF_DEF_RE.finditer(body)}

    def fix(line: str, mline: str) -> str:
        spans = []
        for m in _STRAY_BRACKET_RE.finditer(mline):
            label = m.group(1)
            if len(label.strip()) <= 1 and label.strip() in ("", "x", "X"):
                continue
            if label.strip().casefold() in defined:
                continue
            if m.end() < len(mline) and mline[m.end()] == "[":
                continue
            spans.append((m.start(), m.end()))
        for start, end in reversed(spans):
            line = line[:start] + line[start + 1:end - 1] + line[end:]
        return line

    return _edit_lines(body, fix, ("[",))


def _prose_block(block: list[str]) -> list[str]:
    """Re-express an indented excerpt (meant as prose) as un-indented Markdown.

    Numbered lines stay an ordered list; ``-`` lines indented under a numbered
    item become its nested list (4 spaces, as Python-Markdown wants); text
    directly under an item is the item's own paragraph; ``•`` lines become a
    bullet list; every other line is its own paragraph (Obsidian shows each
    line on its own, Markdown would run them together).
    """
    widths = [indent_width(line) for line in block if not is_blank(line)]
    base = min(widths) if widths else 0
    entries: list[tuple[str, int, str, bool]] = []  # kind, level, text, blank_before
    in_ol = False
    prev_blank = True
    for raw in block:
        if is_blank(raw):
            prev_blank = True
            continue
        rel = indent_width(raw) - base
        s = raw.strip()
        m_ol, m_ul, m_b = _OL_RE.match(s), _UL_RE.match(s), _BULLET_RE.match(s)
        if m_ol and (rel < 2 or not in_ol):
            entries.append(("ol:" + m_ol.group(1), 0, m_ol.group(2).strip(), prev_blank))
            in_ol = True
        elif m_ol:
            entries.append(("ol:" + m_ol.group(1), 1, m_ol.group(2).strip(), prev_blank))
        elif m_ul or m_b:
            text = (m_ul or m_b).group(1).strip()
            if in_ol and rel >= 1:
                entries.append(("ul", 1, text, prev_blank))
            else:
                entries.append(("ul", 0, text, prev_blank))
                in_ol = False
        elif in_ol and (not prev_blank or rel >= 2):
            entries.append(("p", 1, s, prev_blank))
        else:
            entries.append(("p", 0, s, prev_blank))
            in_ol = False
        prev_blank = False

    out: list[str] = []
    prev_kind = None
    for kind, level, text, blank_before in entries:
        indent = "    " * level
        if kind.startswith("ol:"):
            line = f"{indent}{kind[3:]}. {text}"
        elif kind == "ul":
            line = f"{indent}- {text}"
        else:
            line = f"{indent}{text}"
        is_item = kind != "p"
        tight = is_item and prev_kind is not None and prev_kind != "p" and (
            not blank_before or level > 0)
        if out and not tight:
            out.append("")
        out.append(line)
        prev_kind = kind
    return out


def _looks_like_prose(block: list[str]) -> bool:
    text = "\n".join(block)
    if HANGUL_RE.search(text):
        return True
    return all(
        _OL_RE.match(s) or _UL_RE.match(s) or _BULLET_RE.match(s) or s[:1] in "»▪📌"
        for s in (line.strip() for line in block) if s
    )


def dedent_prose(body: str) -> str:
    """Indented blocks outside lists that hold prose are not code: de-indent them.

    An indented block stays as it is when it continues a list (that is how
    nested lists and item paragraphs are written) or when it looks like code
    (no Hangul, not list-like): the author may well mean a code block.
    """
    lines = body.split("\n")
    flags = fence_flags(lines)
    out: list[str] = []
    in_list = False
    prev_blank = True
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if flags[i]:
            out.append(line)
            prev_blank = False
            i += 1
            continue
        if is_blank(line):
            out.append(line)
            prev_blank = True
            i += 1
            continue
        if indent_width(line) >= 4 and not in_list:
            j = i
            while j < n and not flags[j] and (is_blank(lines[j]) or indent_width(lines[j]) >= 4):
                j += 1
            while j > i and is_blank(lines[j - 1]):
                j -= 1
            block = lines[i:j]
            if _looks_like_prose(block):
                if out and not is_blank(out[-1]):
                    out.append("")
                out.extend(_prose_block(block))
                if j < n and not is_blank(lines[j]):
                    out.append("")
            else:
                out.extend(block)
            prev_blank = False
            i = j
            continue
        if LIST_ITEM_RE.match(line) or _OPENER_RE.match(line):
            in_list = True
        elif prev_blank and indent_width(line) < 4:
            in_list = False
        out.append(line)
        prev_blank = False
        i += 1
    return "\n".join(out)


def drop_empty_items(body: str) -> str:
    """A bare ``-`` (an empty bullet) is debris; under text it would even make a heading."""
    lines = body.split("\n")
    flags = fence_flags(lines)
    return "\n".join(
        line for line, f in zip(lines, flags) if f or not _EMPTY_ITEM_RE.match(line)
    )


def _is_table_row(line: str) -> bool:
    return "|" in line and not is_blank(line)


def fix_block_spacing(body: str) -> str:
    """Blank lines where Python-Markdown needs them and Obsidian does not.

    Before a list that follows a paragraph line, and around pipe tables.
    Also: whitespace-only lines become empty, trailing spaces go where they
    break nothing, runs of blank lines shrink to one.
    """
    lines = body.split("\n")
    flags = fence_flags(lines)
    out: list[str] = []
    n = len(lines)
    in_table = False
    for i, line in enumerate(lines):
        if flags[i]:
            out.append(line)
            in_table = False
            continue
        if is_blank(line):
            if out and out[-1] == "" and not (i and flags[i - 1]):
                continue
            out.append("")
            in_table = False
            continue
        nxt = lines[i + 1] if i + 1 < n else ""
        next_blank = i + 1 >= n or (is_blank(nxt) and not flags[i + 1])
        stripped = line.rstrip()
        if not next_blank and line.endswith("  ") and stripped:
            line = stripped + "  "  # keep the author's hard line break
        else:
            line = stripped
        prev = out[-1] if out else ""
        prev_is_text = bool(prev.strip()) and not (i and flags[i - 1])
        if in_table and not _is_table_row(line):
            out.append("")
            in_table = False
            prev_is_text = False
        if not in_table and _is_table_row(line) and i + 1 < n and _TABLE_SEP_RE.match(nxt) \
                and "|" in nxt:
            if prev_is_text:
                out.append("")
            in_table = True
        elif (
            LIST_ITEM_RE.match(line)
            and indent_width(line) < 4
            and prev_is_text
            and not LIST_ITEM_RE.match(prev)
            and indent_width(prev) < 4
            and not prev.lstrip().startswith(("#", ">", "|", "<"))
            and not _looks_continued(out)
        ):
            out.append("")
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    while out and out[0] == "":
        out.pop(0)
    return "\n".join(out)


def _looks_continued(out: list[str]) -> bool:
    """Is the paragraph above part of a list item (lazy continuation)?"""
    for line in reversed(out):
        if not line.strip():
            return False
        if LIST_ITEM_RE.match(line):
            return True
    return False


def sub_outside_fences(body: str, fn) -> str:
    """Apply ``fn(text) -> text`` to each stretch of the body outside fenced code."""
    lines = body.split("\n")
    flags = fence_flags(lines)
    out: list[str] = []
    run: list[str] = []
    for line, f in zip(lines, flags):
        if f:
            if run:
                out.append(fn("\n".join(run)))
                run = []
            out.append(line)
        else:
            run.append(line)
    if run:
        out.append(fn("\n".join(run)))
    return "\n".join(out)


_H1_RE = re.compile(r"^#[ \t]+(.+?)[ \t]*#*[ \t]*$")


def leading_h1(body: str) -> tuple[str | None, str]:
    """The text of a leading ``# H1`` and the body without it (else None, body)."""
    lines = body.split("\n")
    for i, line in enumerate(lines):
        if is_blank(line):
            continue
        m = _H1_RE.match(line)
        if not m:
            return None, body
        return m.group(1).strip(), "\n".join(lines[:i] + lines[i + 1:])
    return None, body


def drop_title_h1(body: str, title: str) -> str:
    """Material prints the page title as H1: a leading H1 repeating it must go."""
    from ..textutil import fold

    text, rest = leading_h1(body)
    if text is None or not title:
        return body
    a, b = fold(text), fold(title)
    if a == b or b in a or (len(a) >= 4 and a in b):
        return rest
    return body


def _list_run_end(lines: list[str], flags: list[bool], i: int) -> int:
    """Index after the list that starts at line ``i`` (items, their indented lines, lazy lines)."""
    n = len(lines)
    j = i + 1
    while j < n:
        line = lines[j]
        if is_blank(line):
            k = j + 1
            while k < n and is_blank(lines[k]):
                k += 1
            if k < n and (indent_width(lines[k]) > 0 or LIST_ITEM_RE.match(lines[k])):
                j = k
                continue
            break
        if flags[j] and indent_width(line) == 0:
            break
        j += 1
    return j


def normalise_list_indent(body: str) -> str:
    """Nested lists indented by 2 (or 3) spaces, as Obsidian writes them, get 4.

    Python-Markdown needs four spaces per level and would flatten the list
    otherwise.  Depth comes from a stack of parent indents, so mixed widths
    work; lists that are already fine (tabs, 4 spaces) and lists holding fenced
    code are left byte for byte.
    """
    lines = body.split("\n")
    flags = fence_flags(lines)
    i, n = 0, len(lines)
    while i < n:
        if flags[i] or not LIST_ITEM_RE.match(lines[i]) or indent_width(lines[i]) >= 4:
            i += 1
            continue
        j = _list_run_end(lines, flags, i)
        if any(flags[i:j]):
            i = j
            continue
        stack: list[tuple[int, int]] = []  # (indent, content column) of open items
        new: list[str] = []
        needs_fix = False
        for line in lines[i:j]:
            width = indent_width(line)
            if is_blank(line):
                new.append("")
                continue
            m = LIST_ITEM_RE.match(line)
            if m:
                while stack and stack[-1][0] >= width:
                    stack.pop()
                if stack and width - stack[-1][0] < 4:
                    needs_fix = True
                depth = len(stack)
                stack.append((width, len(m.group(0).expandtabs(4))))
                new.append("    " * depth + line.lstrip(" \t"))
            elif width == 0:
                new.append(line)  # lazy continuation
            else:
                while stack and width < stack[-1][1] and len(stack) > 1 and width <= stack[-1][0]:
                    stack.pop()
                new.append("    " * max(len(stack), 1) + line.lstrip(" \t"))
        if needs_fix:
            lines[i:j] = new
        i = j
    return "\n".join(lines)
