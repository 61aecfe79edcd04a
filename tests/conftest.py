from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sitebuild import ROOT, build, tree_hash  # noqa: E402


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory):
    """The real vault (docs/) built once, strictly, into a temporary folder."""
    work = tmp_path_factory.mktemp("seed-build")
    before = tree_hash(ROOT / "docs")
    code, log, site = build(ROOT / "docs", work, strict=True)
    after = tree_hash(ROOT / "docs")
    return {"code": code, "log": log, "site": site, "docs_before": before, "docs_after": after}


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (see ``browsing.py``)."""
    from browsing import launch_browser

    with launch_browser() as b:
        yield b
