"""Render guard: a note Python-Markdown cannot render stops only itself, never the build.

Nesting deeper than Python's recursion limit (a line of 500 ``- ``, 250 indented list levels)
or a bug in a Markdown extension raises inside MkDocs' ``Page.render``, which aborts the
whole build.  For a vault note the guard renders its text as a plain ``<pre>`` instead and
reports it; anything else (generated pages, MkDocs' own errors) still raises.
"""
from __future__ import annotations

import html

from mkdocs.exceptions import MkDocsException
from mkdocs.structure.pages import Page

from vaultsite.textutil import nfc

from .speedup import Speedup, params, patched


class RenderGuard(Speedup):
    name = "render_guard"

    def check(self) -> str | None:
        if params(Page.render)[:3] != ["self", "config", "files"]:
            return "Page.render(self, config, files) changed"
        return None

    def install(self) -> None:
        def render(page, config, files):
            original = render._vaultsite_original
            guard: RenderGuard = render._vaultsite_owner
            try:
                return original(page, config, files)
            except MkDocsException:
                raise
            except Exception as exc:
                if not guard.active or page.markdown is None:
                    raise
                note = guard.adapter.note_for_page(nfc(page.file.src_uri))
                if note is None:
                    raise
                reason = "nested too deeply" if isinstance(exc, RecursionError) else f"{type(exc).__name__}: {exc}"
                guard.adapter.report(note.src, f"could not be rendered as Markdown ({reason}); "
                                               "published as plain text")
                page.markdown = '<pre class="vs-unrendered">' + html.escape(page.markdown) + "</pre>\n"
                return original(page, config, files)

        render._vaultsite_kind = "render_guard"
        patched(Page, "render", render, self)
