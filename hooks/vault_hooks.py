"""MkDocs hooks: forward every MkDocs event to the vaultsite adapter.

``mkdocs.yml`` names this file (``hooks: [hooks/vault_hooks.py]``).  It holds no state and no
logic: the adapter object (``vaultsite_mkdocs.VaultAdapter``) keeps the build's and
``mkdocs serve``'s state, reads the typed settings (``extra.vaultsite``) and owns the optional
speed-ups; the core (``vaultsite``) knows nothing of MkDocs.
"""
from __future__ import annotations

import os
import sys

from mkdocs.plugins import event_priority

try:
    import vaultsite_mkdocs
except ImportError:  # run from a checkout without installing: the packages sit beside hooks/
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import vaultsite_mkdocs

ADAPTER = vaultsite_mkdocs.adapter_for(__file__)


def on_startup(command, dirty=False, **kwargs):
    ADAPTER.on_startup(command, dirty)


def on_config(config, **kwargs):
    return ADAPTER.on_config(config)


@event_priority(50)
def on_files(files, config, **kwargs):
    return ADAPTER.on_files(files, config)


def on_nav(nav, config, files, **kwargs):
    return ADAPTER.on_nav(nav)


@event_priority(150)  # before Material's tags plugin (100) builds its listings
def on_env(env, config, files, **kwargs):
    return ADAPTER.on_env(env, config, files)


@event_priority(10000)  # first: the page's warnings are counted from here (build cache)
def on_pre_page(page, config, files, **kwargs):
    return ADAPTER.on_pre_page(page)


def on_page_read_source(page, config, **kwargs):
    return ADAPTER.on_page_read_source(page, config)


@event_priority(100)  # before Material's tags plugin (-50) reads page.meta
def on_page_markdown(markdown, page, config, **kwargs):
    return ADAPTER.on_page_markdown(markdown, page)


def on_page_content(html, page, config, **kwargs):
    return ADAPTER.on_page_content(html, page)


def on_page_context(context, page, config, nav, **kwargs):
    return ADAPTER.on_page_context(context, page)


@event_priority(-10000)  # last: the page is written
def on_post_page(output, page, config, **kwargs):
    return ADAPTER.on_post_page(output, page)


def on_post_build(config, **kwargs):
    ADAPTER.on_post_build(config)


def on_serve(server, config, builder, **kwargs):
    return ADAPTER.on_serve(server)


def on_build_error(error, **kwargs):
    ADAPTER.on_build_error(error)


def on_shutdown(**kwargs):
    ADAPTER.on_shutdown()
