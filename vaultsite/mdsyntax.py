"""Obsidian's Markdown dialect, as Python-Markdown processors registered by ``mdext``.

Each class is one piece of syntax, written so that a page without its trigger
pays nothing more than an ``in`` check, and every regular expression is linear
on long lines (no nested quantifiers that can backtrack over the same text):

* :class:`CalloutProcessor` (block): ``> [!type]± Title`` as Material's own
  admonitions (``div.admonition``, or ``details`` when foldable).
* :class:`DisplayMathProcessor` (block) and :class:`InlineMathProcessor`
  (inline): ``$$…$$`` and ``$…$`` as MathML, converted at build time by
  ``latex2mathml``; Chromium renders MathML natively, so no script and no network.
* :class:`BlockIdProcessor` (inline) + :class:`BlockIdTree` (tree): ``^id`` at the
  end of a block or on its own line after a list, quote, callout or table becomes
  the block's element id, never text.
* :class:`InlineFootnotes` (preprocessor): ``^[text]`` as a numbered footnote.
* :class:`TaskStateTree` (tree): ``- [?]``, ``- [-]``, ``- [/]`` … as marked boxes,
  the state in ``data-task`` (``x`` and `` `` too, replacing pymdownx.tasklist's pass).
* :class:`ParenOListProcessor` / :class:`ParenUListProcessor` (block): ``1)`` lists.
* :class:`SoftBreakProcessor` (inline): a single line break is a ``<br>`` in Obsidian
  notes, unless the vault's ``.obsidian/app.json`` sets ``strictLineBreaks``.
"""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from functools import lru_cache

from markdown import util
from markdown.blockprocessors import BlockProcessor, OListProcessor, UListProcessor
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from .textutil import mask_code

# -- callouts --------------------------------------------------------------------------

#: Obsidian's callout types and aliases -> the Material admonition type that looks the same.
CALLOUT_TYPES = {
    "note": "note",
    "abstract": "abstract", "summary": "abstract", "tldr": "abstract",
    "info": "info", "todo": "info",
    "tip": "tip", "hint": "tip", "important": "tip",
    "success": "success", "check": "success", "done": "success",
    "question": "question", "help": "question", "faq": "question",
    "warning": "warning", "caution": "warning", "attention": "warning",
    "failure": "failure", "fail": "failure", "missing": "failure",
    "danger": "danger", "error": "danger",
    "bug": "bug",
    "example": "example",
    "quote": "quote", "cite": "quote",
}
_CALLOUT_HEAD_RE = re.compile(r"[ ]{0,3}>[ ]?\[!([^\]\s]+)\]([+-]?)[ \t]*(.*)")
_QUOTE_PREFIX_RE = re.compile(r"[ ]{0,3}>[ ]?")
_PLACEHOLDER_LINE_RE = re.compile(r"^(%s)$" % (util.HTML_PLACEHOLDER % r"[0-9]+"), re.M)
_CLASS_SAFE_RE = re.compile(r"[^\w-]+")


def callout_classes(kind: str) -> tuple[str, str]:
    """(Material type, extra class) for an Obsidian callout type: ``faq`` -> (``question``,
    ``callout-faq``); an unknown type is a note that keeps its own name as a class."""
    kind = kind.casefold()
    material = CALLOUT_TYPES.get(kind, "note")
    return material, "callout-" + (_CLASS_SAFE_RE.sub("-", kind).strip("-") or "note")


def _callout_start(block: str) -> int:
    """Offset of the callout head in ``block`` when the block's first quoted line is one, else -1."""
    if "[!" not in block:
        return -1
    pos = 0
    for line in block.split("\n"):
        stripped = line.lstrip(" ")
        if stripped.startswith(">") and len(line) - len(stripped) < 4:
            return pos if _CALLOUT_HEAD_RE.match(line) else -1
        pos += len(line) + 1
    return -1


class CalloutProcessor(BlockProcessor):
    """``> [!type]±? Title`` and the quoted lines after it, as a Material admonition.

    A callout is one Python-Markdown block (its ``>`` lines are not blank), so two callouts
    separated by a blank line are two blocks and stay two callouts; the content is parsed
    again as blocks, so lists, code, tables, embeds and nested callouts all work.
    Fenced code never reaches here: superfences has stashed it before block parsing.
    """

    def test(self, parent, block):  # noqa: D102 (Python-Markdown API)
        return _callout_start(block) >= 0

    def run(self, parent, blocks):  # noqa: D102
        block = blocks.pop(0)
        start = _callout_start(block)
        if start > 0:  # a paragraph right before the callout, with no blank line between
            self.parser.parseBlocks(parent, [block[: start - 1]])
        lines = block[start:].split("\n")
        head = _CALLOUT_HEAD_RE.match(lines[0])
        kind, fold, title = head.group(1), head.group(2), head.group(3).strip()
        if kind == "vs-embed":  # an embed inside a quote (render._quoted_embed)
            box = etree.SubElement(parent, "div")
            box.set("class", "vs-embed")
            head_el = etree.SubElement(box, "p")
            head_el.set("class", "vs-embed-title")
            head_el.text = title
            self._content(box, lines)
            return
        material, own = callout_classes(kind)
        if fold:
            box = etree.SubElement(parent, "details")
            box.set("class", f"{material} {own}")
            if fold == "+":
                box.set("open", "open")
            head_el = etree.SubElement(box, "summary")
        else:
            box = etree.SubElement(parent, "div")
            box.set("class", f"admonition {material} {own}")
            head_el = etree.SubElement(box, "p")
            head_el.set("class", "admonition-title")
        box.set("data-callout", kind.casefold())
        head_el.text = title or (kind[:1].upper() + kind[1:].lower())
        self._content(box, lines)

    def _content(self, box, lines: list[str]) -> None:
        body = "\n".join(_QUOTE_PREFIX_RE.sub("", line, count=1) for line in lines[1:])
        if util.STX in body:
            # A fenced block stashed by superfences sits on its own line: make it its own block.
            body = _PLACEHOLDER_LINE_RE.sub(r"\n\1\n", body)
        body = body.strip("\n")
        if body.strip():
            self.parser.parseChunk(box, body)


# -- math --------------------------------------------------------------------------------

_FENCED_MATRICES = {"pmatrix": ("(", ")"), "bmatrix": ("[", "]"), "Bmatrix": ("\\{", "\\}"),
                    "vmatrix": ("|", "|"), "Vmatrix": ("\\|", "\\|")}
_ENV_RENAMES = (
    # latex2mathml reads these as plain rows; the equivalent environments it knows are tables.
    (re.compile(r"\\(begin|end)\{aligned\}"), r"\\\1{split}"),
    # A matrix between \left…\right fences, so its brackets stretch to its height.
    (re.compile(r"\\begin\{([pbBvV]matrix)\}"), lambda m: "\\left" + _FENCED_MATRICES[m.group(1)][0] + "\\begin{matrix}"),
    (re.compile(r"\\end\{([pbBvV]matrix)\}"), lambda m: "\\end{matrix}\\right" + _FENCED_MATRICES[m.group(1)][1]),
    (re.compile(r"\\begin\{(?:gathered|gather\*?)\}"), r"\\begin{array}{c}"),
    (re.compile(r"\\end\{(?:gathered|gather\*?)\}"), r"\\end{array}"),
)


@lru_cache(maxsize=4096)
def tex_to_mathml(tex: str, display: bool) -> str | None:
    """MathML for a TeX formula, or None when the converter cannot read it."""
    from latex2mathml.converter import convert

    src = tex.strip()
    if "\\begin" in src:
        for rx, repl in _ENV_RENAMES:
            src = rx.sub(repl, src)
    elif display and "\\\\" in src:
        # Lines of a display formula with no environment (Obsidian's MathJax shows them as lines).
        src = ("\\begin{split}" + src + "\\end{split}") if "&" in src else \
            ("\\begin{array}{c}" + src + "\\end{array}")
    try:
        out = convert(src, display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - any converter failure shows the source instead
        return None
    # latex2mathml writes a bare "&" where a formula has one outside a table.
    return out.replace(">&<", ">&amp;<")


def _math_element(md, tex: str, display: bool, source: str, error_title: str) -> etree.Element:
    mathml = tex_to_mathml(tex, display)
    if mathml is None:
        code = etree.Element("code")
        code.set("class", "vs-math-error")
        code.set("title", error_title)
        code.text = util.AtomicString(source)
        return code
    el = etree.Element("div" if display else "span")
    el.set("class", "vs-math vs-math-display" if display else "vs-math")
    el.text = util.AtomicString(md.htmlStash.store(mathml))
    return el


_DISPLAY_OPEN_RE = re.compile(r"(?:^|\n)[ ]{0,3}\$\$")
_MAX_MATH_BLOCKS = 12  # a $$ that does not close within this many blocks is not math


class DisplayMathProcessor(BlockProcessor):
    """``$$ … $$`` starting a line, over one or more lines (``\\\\`` and ``&`` intact).
    ``wanted()`` says whether the page has math at all (not a blog copy); ``error_title()``
    is the tooltip of a formula shown as source, in the site's language."""

    def __init__(self, parser, wanted, error_title):
        super().__init__(parser)
        self.wanted = wanted
        self.error_title = error_title

    def test(self, parent, block):  # noqa: D102
        return "$$" in block and _DISPLAY_OPEN_RE.search(block) is not None and self.wanted()

    def run(self, parent, blocks):  # noqa: D102
        block = blocks.pop(0)
        m = _DISPLAY_OPEN_RE.search(block)
        rest = block[m.end():]
        close = rest.find("$$")
        taken = 0
        while close < 0 and taken < len(blocks) and taken < _MAX_MATH_BLOCKS:
            rest += "\n\n" + blocks[taken]
            taken += 1
            close = rest.find("$$")
        tex = rest[:close]
        line_end = rest.find("\n", close + 2)
        tail = rest[close + 2:] if line_end < 0 else rest[close + 2:line_end]
        if close < 0 or not tex.strip() or tail.strip():
            # Unclosed, empty ($$$$), or text after it on its line: not a display formula
            # (one inside a sentence is the inline processor's).
            blocks.insert(0, block)
            return False
        del blocks[:taken]
        before = block[: m.start()]
        if before.strip():
            self.parser.parseBlocks(parent, [before])
        parent.append(_math_element(self.parser.md, tex, True, "$$" + tex + "$$", self.error_title()))
        after = rest[close + 2:].strip("\n")
        if after.strip():
            blocks.insert(0, after)


# $$…$$ inside a sentence, or $…$ by Obsidian's (Pandoc's) rule: no space after the opening
# "$", none before the closing one, and no digit right after it ("$5 and $10" is prose).
# The body never holds a "$", so each attempt stops at the next "$": linear.
# Both branches open with "$" and the second looks behind past it: a pattern that opens
# with a lookbehind is tried at every position of the text, this one only where "$" is.
_INLINE_MATH_RE = (r"\$\$((?:[^$\\]|\\.)+?)\$\$"
                   r"|\$(?<![\\$]\$)(?![\s$])((?:[^$\\\n]|\\[^\n])+?)(?<!\s)\$(?![\d$])")


class InlineMathProcessor(InlineProcessor):
    def __init__(self, md, wanted, error_title):
        super().__init__(_INLINE_MATH_RE, md)
        self.wanted = wanted
        self.error_title = error_title

    def handleMatch(self, m, data):  # noqa: N802 (Python-Markdown API)
        if not self.wanted():
            return None, None, None
        display = m.group(1) is not None
        tex = m.group(1) if display else m.group(2)
        return _math_element(self.md, tex, display, m.group(0), self.error_title()), m.start(0), m.end(0)


# -- block ids ---------------------------------------------------------------------------

# After a space or at the start, as ``(?:(?<=\s)|^)\^`` would say; opening with "^" lets the
# search skip to where one is, instead of trying every position.
BLOCK_ID_INLINE_RE = r"\^(?<!\S\^)([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*(?=\n|$)"


class BlockIdProcessor(InlineProcessor):
    """``^id`` ending a paragraph, list item or line: an (empty) anchor the tree pass moves."""

    ANCESTOR_EXCLUDES = ("a",)  # the text of a link to a block (``Note > ^id``) is text

    def __init__(self, md, tree: "BlockIdTree"):
        super().__init__(BLOCK_ID_INLINE_RE, md)
        self.tree = tree

    def handleMatch(self, m, data):  # noqa: N802
        span = etree.Element("span")
        span.set("class", "vs-block")
        span.set("id", "^" + m.group(1))
        self.tree.found.append(span)
        return span, m.start(0), m.end(0)


_BLOCK_OWNERS = {"p", "li", "td", "th", "dd", "dt", "blockquote", "div", "details"}


class BlockIdTree(Treeprocessor):
    """Give each ``^id`` to its block: the paragraph or list item it ends, or, alone in its
    own paragraph, the block before it (a list, quote, callout or table)."""

    def __init__(self, md):
        super().__init__(md)
        self.found: list[etree.Element] = []

    def run(self, root):  # noqa: D102
        if not self.found:
            return None
        spans, self.found = set(map(id, self.found)), []
        parent_of = {child: parent for parent in root.iter() for child in parent}
        for span in [el for el in parent_of if id(el) in spans]:
            self._place(span, parent_of)
        return None

    @staticmethod
    def _blank(s: str | None) -> bool:
        return not s or not s.strip()

    def _place(self, span, parent_of) -> None:
        parent = parent_of[span]
        bid = span.get("id")
        if parent[-1] is not span or not self._blank(span.tail):
            return  # an id mid-block: keep the anchor where it is
        if parent.tag == "p" and len(parent) == 1 and self._blank(parent.text):
            box = parent_of.get(parent)
            if box is not None:
                kids = list(box)
                i = kids.index(parent)
                owner = kids[i - 1] if i > 0 else None
                if owner is not None and owner.get("id") is None:
                    owner.set("id", bid)
                    box.remove(parent)
                    return
        if parent.tag in _BLOCK_OWNERS and parent.get("id") is None:
            parent.set("id", bid)
            parent.remove(span)
            if len(parent):
                parent[-1].tail = (parent[-1].tail or "").rstrip() or None
            else:
                parent.text = (parent.text or "").rstrip() or None


# -- inline footnotes ----------------------------------------------------------------------

_BRACKET_RE = re.compile(r"\\.|[\[\]]|\n[ \t]*\n", re.S)


def bracket_pairs(text: str) -> dict[int, int]:
    """Each "[" of ``text`` that closes -> the index of its "]" (nested pairs counted,
    backslash escapes skipped, a blank line closing nothing): one pass, linear."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for m in _BRACKET_RE.finditer(text):
        c = m.group()
        if c == "[":
            stack.append(m.start())
        elif c == "]":
            if stack:
                pairs[stack.pop()] = m.start()
        elif c[0] == "\n":  # a blank line: brackets do not span paragraphs
            stack.clear()
    return pairs


class InlineFootnotes(Preprocessor):
    """``^[text]`` -> ``[^vs-inline-N]`` with its definition appended for the footnotes extension."""

    def run(self, lines):  # noqa: D102
        text = "\n".join(lines)
        if "^[" not in text:
            return lines
        masked = mask_code(text)
        pairs = bracket_pairs(masked)
        out, defs, last, pos = [], [], 0, 0
        while True:
            i = masked.find("^[", pos)
            if i < 0:
                break
            j = pairs.get(i + 1, -1)
            if j < 0:
                pos = i + 2
                continue
            n = len(defs) + 1
            note = " ".join(text[i + 2:j].split())
            defs.append(f"[^vs-inline-{n}]: {note}")
            out.append(text[last:i])
            out.append(f"[^vs-inline-{n}]")
            last = pos = j + 1
        if not defs:
            return lines
        out.append(text[last:])
        return ("".join(out) + "\n\n" + "\n".join(defs)).split("\n")


# -- task states ---------------------------------------------------------------------------

_TASK_RE = re.compile(r"^ *\[(?P<state>[^\]\n\t\\])\][ \t]+(?P<line>.*)", re.S)


class TaskStateTree(Treeprocessor):
    """List items starting with ``[c]``: a checkbox, checked for any state but a space, with
    the state in ``data-task`` so the stylesheet can draw ``?``, ``-``, ``/``, ``>``, ``!``…
    Runs before pymdownx.tasklist and writes the same markup (Material styles it).
    ``custom()`` says whether states other than ``x`` and space count (not in blog copies,
    where ``- [1] 참고`` is a reference, not a task)."""

    def __init__(self, md, custom):
        super().__init__(md)
        self.custom = custom

    def run(self, root):  # noqa: D102
        lists = []
        for lst in root.iter():
            if lst.tag not in ("ul", "ol"):
                continue
            for li in lst:
                if li.tag == "li" and self._mark(li):
                    lists.append(lst)
        for lst in lists:
            classes = (lst.get("class") or "").split()
            if "task-list" not in classes:
                lst.set("class", " ".join(classes + ["task-list"]))
        return None

    def _mark(self, li) -> bool:
        holder = li
        if not li.text:
            if len(li) and li[0].tag == "p" and li[0].text:
                holder = li[0]
            else:
                return False
        if "[" not in holder.text[:8]:
            return False
        m = _TASK_RE.match(holder.text)
        if m is None:
            return False
        state = m.group("state")
        if state not in " xX" and not self.custom():
            return False
        checked = "" if state == " " else " checked"
        # The indicator of a state other than x carries it too, for the stylesheet to draw.
        mark = "" if state in " xX" else ' data-task="%s"' % html.escape(state, quote=True)
        box = ('<label class="task-list-control"><input type="checkbox" disabled%s/>'
               '<span class="task-list-indicator"%s></span></label> ' % (checked, mark))
        holder.text = self.md.htmlStash.store(box) + m.group("line")
        classes = (li.get("class") or "").split()
        li.set("class", " ".join(classes + ["task-list-item"]))
        li.set("data-task", state)
        return True


# -- "1)" lists ----------------------------------------------------------------------------

def _paren_lists(proc: OListProcessor) -> None:
    t = proc.tab_length
    if proc.TAG == "ol":
        proc.RE = re.compile(r"^[ ]{0,%d}\d+[.)][ ]+(.*)" % (t - 1))
    proc.CHILD_RE = re.compile(r"^[ ]{0,%d}((\d+[.)])|[*+-])[ ]+(.*)" % (t - 1))
    proc.INDENT_RE = re.compile(r"^[ ]{%d,%d}((\d+[.)])|[*+-])[ ]+.*" % (t, t * 2 - 1))


class ParenOListProcessor(OListProcessor):
    """Ordered lists numbered ``1.`` or ``1)`` (CommonMark, and so Obsidian).  As in
    CommonMark, a numbered list after a bullet list is a new list, not more of it."""

    SIBLING_TAGS = ["ol"]

    def __init__(self, parser):
        super().__init__(parser)
        _paren_lists(self)


class ParenUListProcessor(UListProcessor):
    """Bullet lists whose nested items may be numbered ``1)``."""

    SIBLING_TAGS = ["ul"]

    def __init__(self, parser):
        super().__init__(parser)
        _paren_lists(self)


# -- single line breaks --------------------------------------------------------------------

class SoftBreakProcessor(InlineProcessor):
    """A newline inside a paragraph is a ``<br>`` where ``wants(note)`` says so (Obsidian's
    default; ``strictLineBreaks`` turns it off); elsewhere it stays a soft break."""

    def __init__(self, md, wants):
        super().__init__(r"\n(?=.)", md)  # not a newline ending the paragraph
        self.wants = wants

    def handleMatch(self, m, data):  # noqa: N802
        if not self.wants():
            return None, None, None
        return etree.Element("br"), m.start(0), m.end(0)
