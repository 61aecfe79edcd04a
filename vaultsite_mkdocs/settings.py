"""The adapter's settings: declared once, with types and defaults, validated by MkDocs' own
``config_options`` (as Material's plugins declare theirs).

They live under ``extra.vaultsite`` in ``mkdocs.yml`` (hooks have no config section of their
own).  A wrong value stops the build with an error that names the key::

    extra:
      vaultsite:
        trust_html: false        # your own notes may keep scripts only if you say so
        workers: auto            # page and note workers; 0 or 1 = one process
        companies: companies.yml # your company registry: extends the packaged one
        tag_synonyms: tags.yml   # your tag synonyms: extend the packaged ones
        company_ignore: [Foo]    # discovered companies (names, ids, tickers) to leave out
        exclude: [private, "*/drafts"]  # folders never published
        home: Home.md            # the home note, when docs/ has no index.md
        search: vaultsite        # the chunked Korean index (default); material: Material's own
        related: true            # related notes under each note (false: not computed)
        feed: true               # feed.xml (Atom; rss.xml too with site_url), linked from every page
        social: true             # description, Open Graph and Twitter card tags on every page
        graph: true              # the graph view (local graph on notes, the graph page)
        speedups:                # each optional speed-up can be switched off
          parallel_pages: true
"""
from __future__ import annotations

import os

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import ConfigurationError

KEY = "extra.vaultsite"


class Workers(c.BaseConfigOption[int]):
    """``auto`` (one per core) or a whole number of processes (0 and 1 both mean one)."""

    def __init__(self) -> None:
        super().__init__()
        self.default = "auto"

    def run_validation(self, value: object) -> int:
        if value is None or value == "auto":
            return os.cpu_count() or 1
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise base.ValidationError(f"expected 'auto' or a whole number >= 0, got {value!r}")
        return value


class PositiveInt(c.Type):
    def __init__(self, default: int) -> None:
        super().__init__(int, default=default)

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool):
            raise base.ValidationError(f"expected a whole number, got {value!r}")
        value = super().run_validation(value)
        if value < 1:
            raise base.ValidationError(f"expected a whole number >= 1, got {value!r}")
        return value


class Speedups(base.Config):
    """The optional speed-ups; each patches an MkDocs, Material or Python internal, checks what
    it patches first, and falls back to MkDocs' own path with one info line if that changed."""

    parallel_pages = c.Type(bool, default=True)  # convert and write note pages on every core
    incremental_serve = c.Type(bool, default=True)  # mkdocs serve renders only changed pages
    render_guard = c.Type(bool, default=True)  # a note Markdown cannot render becomes plain text
    search_tokenizer = c.Type(bool, default=True)  # one regex feeds Material's search parser
    gc_policy = c.Type(bool, default=True)  # frozen heap, collector paused while serve rebuilds
    template_cache = c.Type(bool, default=True)  # theme templates compiled once (serve; cached builds)
    theme_files = c.Type(bool, default=True)  # the theme's files listed once while they stay (serve; cached builds)
    build_cache = c.Type(bool, default=True)  # mkdocs build renders only changed pages (.cache/vaultsite/)
    nav_cache = c.Type(bool, default=True)  # the navigation sidebar rendered once per folder, not per page
    native_watch = c.Type(bool, default=True)  # mkdocs serve learns of changes from the kernel, not by polling


class VaultSettings(base.Config):
    trust_html = c.Type(bool, default=False)
    workers = Workers()
    parallel_min = PositiveInt(100)  # notes; a smaller vault is rendered in one process
    companies = c.Optional(c.Type(str))  # a registry YAML of your own, extending the packaged one
    tag_synonyms = c.Optional(c.Type(str))  # a synonyms YAML of your own, extending the packaged one
    company_ignore = c.ListOfItems(c.Type(str), default=[])  # discovered companies to leave out
    exclude = c.ListOfItems(c.Type(str), default=[])  # folders (or glob patterns) never published
    home = c.Optional(c.Type(str))  # the note published at the site root when docs/ has no index.md
    # the site search: vaultsite's chunked index behind Material's search box, or Material's own
    # index; "pagefind" (the opt-in of earlier versions) means the chunked index too
    search = c.Choice(("vaultsite", "pagefind", "material"), default="vaultsite")  # see README, Search
    related = c.Type(bool, default=True)  # related notes under each note (vaultsite.related)
    feed = c.Type(bool, default=True)  # feed.xml of the latest notes (rss.xml too with site_url)
    social = c.Type(bool, default=True)  # description + Open Graph / Twitter card tags in every page's head
    graph = c.Type(bool, default=True)  # the graph view: a local graph on every note, the graph page
    speedups = c.SubConfig(Speedups)


def load(raw: object, config_dir: str, docs_dir: str) -> VaultSettings:
    """Validate ``extra.vaultsite``; raise ``ConfigurationError`` naming the key on any error.

    File settings are resolved next to ``mkdocs.yml`` first, then inside ``docs/``.
    """
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{KEY}: expected a mapping of settings, got {type(raw).__name__}")
    settings = VaultSettings()
    known = set(settings)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigurationError(f"{KEY}: unknown setting(s) {', '.join(map(repr, unknown))} "
                                 f"(known: {', '.join(sorted(known))})")
    settings.load_dict(dict(raw))
    errors, warnings = settings.validate()
    for key, warning in warnings:
        if "Unrecognised configuration name" in str(warning):  # an unknown speed-up name
            errors.append((key, warning))
    if errors:
        raise ConfigurationError("\n".join(f"{KEY}.{key}: {err}" for key, err in errors))
    for key in ("companies", "tag_synonyms"):
        if settings[key] is not None:
            settings[key] = _find_file(key, settings[key], config_dir, docs_dir)
    return settings


def _find_file(key: str, value: str, config_dir: str, docs_dir: str) -> str:
    tried = []
    for folder in (config_dir, docs_dir):
        path = os.path.normpath(os.path.join(folder, os.path.expanduser(value)))
        if os.path.isfile(path):
            return path
        tried.append(path)
    raise ConfigurationError(f"{KEY}.{key}: file not found ({' or '.join(tried)})")
