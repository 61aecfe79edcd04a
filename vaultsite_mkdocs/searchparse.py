"""Search tokenizer: Material's search indexer fed by one regular expression.

Material's search plugin splits every page's HTML into sections with an ``html.parser``
subclass: about a fifth of a page worker's time, most of it in the pure-Python tokenizer.
Here the page workers tokenize with one regular expression instead and call the very same
parser's handlers (Material's section logic is untouched).  Only HTML whose tokens both
readings agree on takes this path: anything else (raw ``<`` in text, script or style,
CDATA, processing instructions, declarations, odd tag syntax) goes to Material's parser.

The swap is made only over the method it was written against (Material 9.x, checked by its
source), and only if this Python's ``html.parser`` still has the two private patterns the
attribute reader uses; otherwise Material's own path runs.
"""
from __future__ import annotations

import inspect
import re
from html import unescape as html_unescape

try:  # private names of html.parser: if a Python release drops them, the speed-up is off
    from html.parser import attrfind_tolerant, tagfind_tolerant
except ImportError:  # pragma: no cover - depends on the Python release
    attrfind_tolerant = tagfind_tolerant = None

from .speedup import Speedup

_MARKUP = re.compile(
    r"<!--.*?-->"
    r"|</([a-zA-Z][-.a-zA-Z0-9:_]*)\s*>"
    r"|<([a-zA-Z][^\t\n\r\f />\x00]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.S)
_UNSAFE = re.compile(r"<(?:script|style|!\[CDATA\[|\?|!(?!--))", re.I)


def _tokenize_into(parser, html: str) -> bool:
    """Feed ``parser`` the tokens of ``html`` as ``HTMLParser.feed`` would; False if unsure."""
    if _UNSAFE.search(html):
        return False
    pos = 0
    for m in _MARKUP.finditer(html):
        start = m.start()
        if start > pos:
            text = html[pos:start]
            if "<" in text:
                return False
            parser.handle_data(html_unescape(text))
        pos = m.end()
        if m.group(1) is not None:
            parser.handle_endtag(m.group(1).lower())
        elif m.group(2) is not None:
            tag_text = m.group(0)
            attrs = []
            k = tagfind_tolerant.match(tag_text, 1).end()
            endpos = len(tag_text)
            while k < endpos:  # as HTMLParser.parse_starttag
                a = attrfind_tolerant.match(tag_text, k)
                if not a:
                    break
                name, rest, value = a.group(1, 2, 3)
                if not rest:
                    value = None
                elif value[:1] == "'" == value[-1:] or value[:1] == '"' == value[-1:]:
                    value = value[1:-1]
                if value:
                    value = html_unescape(value)
                attrs.append((name.lower(), value))
                k = a.end()
            end = tag_text[k:].strip()
            tag = m.group(2).lower()
            if end == ">":
                parser.handle_starttag(tag, attrs)
            elif end == "/>":
                parser.handle_startendtag(tag, attrs)
            else:
                return False
    text = html[pos:]
    if "<" in text:
        return False
    if text:
        parser.handle_data(html_unescape(text))
    return True


def _fast_add_entry_from_context(self, page):
    """``SearchIndex.add_entry_from_context`` of Material 9, with the tokenizer above."""
    from material.plugins.search.plugin import Parser

    search = page.meta.get("search") or {}
    if search.get("exclude"):
        return
    parser = Parser()
    if not _tokenize_into(parser, page.content):
        parser = Parser()
        parser.feed(page.content)
    parser.close()
    for section in parser.data:
        if not section.is_excluded():
            self.create_entry_for_section(section, page.toc, page.url, page)


_EXPECTED_ADD_ENTRY = (
    'search = page.meta.get("search") or {}',
    'if search.get("exclude"):',
    "parser = Parser()",
    "parser.feed(page.content)",
    "parser.close()",
    "for section in parser.data:",
    "if not section.is_excluded():",
    "self.create_entry_for_section(section, page.toc, page.url, page)",
)


def _search_index_method():
    try:
        from material.plugins.search import plugin as search_plugin
    except ImportError:
        return None
    return search_plugin.SearchIndex.__dict__.get("add_entry_from_context")


def _restore_search_index_method(method) -> None:
    if method is not None:
        from material.plugins.search import plugin as search_plugin

        search_plugin.SearchIndex.add_entry_from_context = method


def _expected_shape():
    """Material's ``SearchIndex`` if its method is the one the tokenizer was written against."""
    try:
        from material.plugins.search import plugin as search_plugin

        index = search_plugin.SearchIndex
        source = inspect.getsource(index.add_entry_from_context)
    except Exception:  # noqa: BLE001 - no Material search, or no source to check: leave it
        return None
    lines = [line.strip() for line in source.splitlines()]
    code = [line for line in lines if line and not line.startswith(("#", "def ", "return"))]
    return index if tuple(code) == _EXPECTED_ADD_ENTRY else None


def _use_fast_search_parser() -> None:
    """Swap the tokenizer in, but only over the method it was written against (Material 9.x)."""
    index = _expected_shape()
    if index is not None:
        index.add_entry_from_context = _fast_add_entry_from_context


class SearchTokenizer(Speedup):
    name = "search_tokenizer"

    def check(self) -> str | None:
        if attrfind_tolerant is None or tagfind_tolerant is None:
            return "html.parser has no attrfind_tolerant/tagfind_tolerant"
        if _search_index_method() is None:
            return "Material's search plugin is not installed"
        if _expected_shape() is None:
            return "Material's SearchIndex.add_entry_from_context changed"
        return None

    def swap_in(self):
        """Use the tokenizer in this process (a page worker); returns what to restore."""
        saved = _search_index_method()
        if self.active:
            _use_fast_search_parser()
        return saved

    @staticmethod
    def restore(saved) -> None:
        _restore_search_index_method(saved)
