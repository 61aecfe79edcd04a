"""The seed vault builds the same with ProperDocs as with MkDocs 1.6.1.

ProperDocs (PyPI ``properdocs``) is the maintained fork of MkDocs 1.6: it reads ``mkdocs.yml``
and runs hooks and Material unchanged (it aliases every ``mkdocs.*`` import to its own
``properdocs.*`` modules, so the hooks' patches land on the code that runs).  The MkDocs site
is the session's strict seed build (``conftest.seed_site``); this module builds the same
``docs/`` with ``properdocs build --strict`` into its own temporary folder.

What legitimately differs, and nothing else: the ``<meta name="generator">`` tag of every HTML
page (``mkdocs-1.6.1, ...`` against ``mkdocs-ProperDocs 1.6.7, ...``), and the banner
Material prints under MkDocs only.  ``vault.json``, ``problems.md``, the search index, the
sitemap and every page with the generator tag taken out are byte-identical.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sitebuild import ROOT, build, tree_hash

GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')
# What the hooks and MkDocs say about the vault: everything but timings and paths.
LOG_LINE = re.compile(r"^(WARNING|INFO)\s+-\s+(.*)$")
VOLATILE = re.compile(r"in [0-9.]+ ?s\b|[0-9.]+ seconds|/\S+/site\b")


@pytest.fixture(scope="module")
def proper_site(tmp_path_factory):
    work = tmp_path_factory.mktemp("properdocs-build")
    before = tree_hash(ROOT / "docs")
    code, log, site = build(ROOT / "docs", work, strict=True, engine="properdocs")
    assert tree_hash(ROOT / "docs") == before, "properdocs build wrote into docs/"
    assert code == 0, log[-4000:]
    return {"log": log, "site": site}


def files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def vault_lines(log: str) -> list[str]:
    out = []
    for line in log.splitlines():
        m = LOG_LINE.match(line.strip())
        if m and ("vaultsite" in m.group(2) or m.group(1) == "WARNING"):
            out.append(f"{m.group(1)} {VOLATILE.sub('', m.group(2))}")
    return out


def test_same_pages(seed_site, proper_site):
    assert seed_site["code"] == 0, seed_site["log"][-4000:]
    mk, pd = files(seed_site["site"]), files(proper_site["site"])
    assert {p for p in mk if p.endswith(".html")} == {p for p in pd if p.endswith(".html")}
    assert mk == pd, (sorted(mk - pd), sorted(pd - mk))


def test_same_vault_json(seed_site, proper_site):
    mk = json.loads((seed_site["site"] / "vault.json").read_text(encoding="utf-8"))
    pd = json.loads((proper_site["site"] / "vault.json").read_text(encoding="utf-8"))
    assert mk["notes"], "the seed vault.json has no notes"
    assert mk == pd


def test_same_problems(seed_site, proper_site):
    mk = json.loads((seed_site["site"] / "vault.json").read_text(encoding="utf-8"))["problems"]
    pd = json.loads((proper_site["site"] / "vault.json").read_text(encoding="utf-8"))["problems"]
    assert mk == pd
    assert (seed_site["site"] / "problems.md").read_bytes() == (proper_site["site"] / "problems.md").read_bytes()
    assert vault_lines(seed_site["log"]) == vault_lines(proper_site["log"])


def test_files_identical_but_the_generator_tag(seed_site, proper_site):
    differ = []
    for rel in sorted(files(seed_site["site"])):
        a = (seed_site["site"] / rel).read_bytes()
        b = (proper_site["site"] / rel).read_bytes()
        if rel.endswith(".html"):
            assert len(GENERATOR.findall(a)) == 1 == len(GENERATOR.findall(b)), rel
            a, b = GENERATOR.sub(b"", a), GENERATOR.sub(b"", b)
        if a != b:
            differ.append(rel)
    assert differ == []


def test_generator_names_the_engine(seed_site, proper_site):
    """Guards the test above: the two builds really ran different engines."""
    a = GENERATOR.search((seed_site["site"] / "index.html").read_bytes()).group(0)
    b = GENERATOR.search((proper_site["site"] / "index.html").read_bytes()).group(0)
    assert b"mkdocs-1.6.1" in a
    assert b"ProperDocs" in b
