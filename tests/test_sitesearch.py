"""The adapter's search step (vaultsite_mkdocs/sitesearch.py): Material's search plugin stops
indexing pages when vaultsite's index is written (the default), and keeps indexing them in
serve or with ``search: material``."""
from __future__ import annotations

import pytest

from sitebuild import write_config


def _config(tmp_path, **extra):
    from mkdocs.config import load_config

    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "index.md").write_text("# 홈\n", encoding="utf-8")
    cfg = load_config(str(write_config(docs, tmp_path / "site", tmp_path / "mkdocs.yml", **extra)))
    cfg.plugins.on_startup(command="build", dirty=False)
    return cfg.plugins.on_config(cfg)


def _indexes_pages(cfg) -> bool:
    from vaultsite_mkdocs.sitesearch import material_search_plugin

    plugin = material_search_plugin(cfg)
    assert plugin is not None
    return any(getattr(h, "__self__", None) is plugin for h in cfg.plugins.events["page_context"])


def test_material_search_plugin_stops_indexing_pages_by_default(tmp_path):
    assert not _indexes_pages(_config(tmp_path))
    old = tmp_path / "old"
    old.mkdir()
    # "pagefind", the opt-in of earlier versions, means vaultsite's index too
    assert not _indexes_pages(_config(old, extra={"vaultsite": {"search": "pagefind"}}))


def test_material_search_plugin_indexes_pages_with_search_material(tmp_path):
    assert _indexes_pages(_config(tmp_path, extra={"vaultsite": {"search": "material"}}))


def test_a_wrong_search_setting_is_an_error_naming_the_key(tmp_path):
    from mkdocs.exceptions import ConfigurationError, PluginError

    with pytest.raises((ConfigurationError, PluginError), match="extra.vaultsite.search"):
        _config(tmp_path, extra={"vaultsite": {"search": "lunr"}})
