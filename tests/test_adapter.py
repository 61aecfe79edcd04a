"""The MkDocs adapter: one object with typed settings; every speed-up optional.

* a wrong setting stops the build with an error that names the key;
* each speed-up switched off (and all of them at once) gives byte-identical output;
* a speed-up whose target changed shape falls back to MkDocs' own path with one info line;
* the hook files are shims; the core never imports MkDocs.
"""
from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitebuild import ROOT, build, write_config

SPEEDUPS = ["parallel_pages", "incremental_serve", "render_guard", "search_tokenizer", "gc_policy",
            "template_cache", "theme_files"]
DEFAULT = {"vaultsite": {"workers": 2, "parallel_min": 1}}


def _vault(root: Path) -> Path:
    docs = root / "docs"
    shutil.copytree(ROOT / "tests" / "fixtures" / "links_vault", docs)
    shutil.copytree(ROOT / "docs" / "notes", docs / "seed-notes")
    shutil.copytree(ROOT / "docs" / "clippings", docs / "clippings")
    return docs


def _files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    root = tmp_path_factory.mktemp("adapter")
    docs = _vault(root)
    work = root / "default"
    work.mkdir()
    code, log, site = build(docs, work, extra=DEFAULT)
    assert code == 0, log[-3000:]
    assert re.search(r"vaultsite: \d+ pages built by 2 worker processes", log), "the default build did not fork"
    return {"root": root, "docs": docs, "site": site, "files": _files(site)}


@pytest.mark.parametrize("off", SPEEDUPS + ["all"])
def test_output_is_identical_with_a_speedup_off(reference, off):
    speedups = {name: not (off == "all" or off == name) for name in SPEEDUPS}
    work = reference["root"] / f"off-{off}"
    work.mkdir()
    extra = {"vaultsite": {"workers": 2, "parallel_min": 1, "speedups": speedups}}
    code, log, site = build(reference["docs"], work, extra=extra)
    assert code == 0, log[-3000:]
    if off in ("parallel_pages", "all"):
        assert "worker processes" not in log
    got = _files(site)
    assert sorted(got) == sorted(reference["files"])
    assert [name for name in got if got[name] != reference["files"][name]] == []


@pytest.mark.parametrize("setting, message", [
    ({"trust_html": "yes"}, "extra.vaultsite.trust_html"),
    ({"workers": -1}, "extra.vaultsite.workers"),
    ({"workers": "many"}, "extra.vaultsite.workers"),
    ({"parallel_min": 0}, "extra.vaultsite.parallel_min"),
    ({"trust_htm": True}, "unknown setting(s) 'trust_htm'"),
    ({"speedups": {"parallel_pagez": False}}, "extra.vaultsite.speedups"),
    ({"speedups": {"parallel_pages": "no"}}, "extra.vaultsite.speedups"),
    ({"companies": "no-such-file.yml"}, "extra.vaultsite.companies: file not found"),
    ({"tag_synonyms": 3}, "extra.vaultsite.tag_synonyms"),
])
def test_a_wrong_setting_is_an_error_naming_the_key(tmp_path, setting, message):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# 홈\n", encoding="utf-8")
    code, log, _ = build(docs, tmp_path, extra={"vaultsite": setting})
    assert code != 0
    assert message in log, log[-2000:]
    assert "Traceback" not in log


def test_the_users_company_and_synonym_files_extend_the_packaged_ones(tmp_path):
    docs = tmp_path / "docs"
    (docs / "notes").mkdir(parents=True)
    (docs / "notes" / "메모.md").write_text(
        "---\ntitle: 메모\ntags: [반도체칩]\n---\n\n가나다로보틱스가 HBM 장비를 납품했다. 엔비디아도 언급.\n", encoding="utf-8")
    (docs / "companies.yml").write_text(
        "- id: ganada-robotics\n  name: 가나다로보틱스\n  aliases: [Ganada Robotics]\n",
        encoding="utf-8")
    (tmp_path / "synonyms.yml").write_text("반도체칩: 반도체\n", encoding="utf-8")
    extra = {"vaultsite": {"companies": "companies.yml", "tag_synonyms": "synonyms.yml"}}
    code, log, site = build(docs, tmp_path, strict=True, extra=extra)
    assert code == 0, log[-3000:]
    vault = json.loads((site / "vault.json").read_text(encoding="utf-8"))
    ids = {c["id"] for c in vault["companies"]}
    assert {"ganada-robotics", "nvidia"} <= ids  # the user's entry, and the packaged ones still there
    assert [t["name"] for t in vault["tags"]] == ["반도체"]
    assert (site / "companies" / "ganada-robotics" / "index.html").exists()
    assert not (site / "companies.yml").exists()  # a settings file is not published...
    assert any(p["src"] == "companies.yml" for p in vault["problems"])  # ...and says so


FALLBACK = """
import sys
sys.path.insert(0, {root!r})
import mkdocs.commands.build as b
import vaultsite_mkdocs.searchparse as sp
original = b._build_page
def _build_page(*args, **kwargs):  # a future MkDocs with another signature
    return original(*args, **kwargs)
b._build_page = _build_page
sp.attrfind_tolerant = None  # a future Python without this private name of html.parser
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", "build", "-f", {cfg!r}]
cli()
"""


def test_a_speedup_whose_target_changed_falls_back_with_one_info_line(reference):
    work = reference["root"] / "fallback"
    work.mkdir()
    cfg = write_config(reference["docs"], work / "site", work / "mkdocs.yml", extra=DEFAULT)
    proc = subprocess.run([sys.executable, "-c", FALLBACK.format(cfg=str(cfg), root=str(ROOT))], capture_output=True, text=True,
                          cwd=work, timeout=600)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert log.count("speed-up parallel_pages is off (mkdocs.commands.build._build_page changed)") == 1
    assert log.count("speed-up search_tokenizer is off (html.parser has no attrfind_tolerant") == 1
    assert "worker processes" not in log
    got = _files(work / "site")
    assert [name for name in got if got[name] != reference["files"].get(name)] == []


def test_hook_files_are_shims_holding_one_object():
    for path in (ROOT / "hooks").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert len(source.splitlines()) <= 250, path
        tree = ast.parse(source)
        assigned = [node for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign))]
        assert len(assigned) <= 1, (path, [ast.unparse(a) for a in assigned])
        classes = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
        assert classes == [], (path, classes)


def test_the_core_never_imports_mkdocs():
    offenders = []
    for path in (ROOT / "vaultsite").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names
                          if n.split(".")[0] in ("mkdocs", "material", "properdocs", "vaultsite_mkdocs")]
    assert offenders == []


@pytest.mark.parametrize("key, content, message", [
    ("companies", "- id: Not A Slug\n  name: X\n", "extra.vaultsite.companies:"),
    ("companies", "[unclosed\n", "extra.vaultsite.companies:"),
    ("tag_synonyms", "- a list\n", "extra.vaultsite.tag_synonyms:"),
])
def test_a_broken_user_file_is_an_error_naming_the_setting(tmp_path, key, content, message):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# 홈\n", encoding="utf-8")
    (tmp_path / "mine.yml").write_text(content, encoding="utf-8")
    code, log, _ = build(docs, tmp_path, extra={"vaultsite": {key: "mine.yml"}})
    assert code != 0 and message in log, log[-2000:]
    assert "Traceback" not in log


def test_company_ignore_setting_leaves_a_discovered_company_out(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "메모.md").write_text("# 메모\n\n스노우플레이크(NYSE: SNOW)와 Atmel Corporation (NASDAQ: ATML)을 비교했다.\n",
                                  encoding="utf-8")
    for ignore, expect in (([], {"SNOW", "ATML"}), (["snow"], {"ATML"})):
        work = tmp_path / f"w{len(ignore)}"
        work.mkdir()
        code, log, site = build(docs, work, extra={"vaultsite": {"company_ignore": ignore}})
        assert code == 0, log[-2000:]
        vault = json.loads((site / "vault.json").read_text(encoding="utf-8"))
        tickers = {t for c in vault["companies"] if c["discovered"] for t in c["tickers"]}
        assert tickers == expect, vault["companies"]


def test_exclude_home_and_language_settings_reach_the_site(tmp_path):
    """``exclude``, ``home`` and ``theme.language`` go from mkdocs.yml through the adapter."""
    docs = tmp_path / "docs"
    (docs / "private").mkdir(parents=True)
    (docs / "notes").mkdir()
    (docs / "Start.md").write_text("# Start here\n\nThe vault's own home. [[Open]] [[Secret]]\n", encoding="utf-8")
    (docs / "notes" / "Open.md").write_text("# Open\n\nA public note. #public\n", encoding="utf-8")
    (docs / "private" / "Secret.md").write_text("# Secret plans\n\nNever on the site. #hidden\n", encoding="utf-8")
    (docs / "private" / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    work = tmp_path / "work"
    work.mkdir()
    cfg = write_config(docs, work / "site", work / "mkdocs.yml",
                       extra={"vaultsite": {"exclude": ["private"], "home": "Start.md"}})
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("language: ko", "language: en"), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(cfg)], capture_output=True, text=True,
                          cwd=work, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    site = work / "site"
    everything = "".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*")
                         if p.is_file() and p.suffix in (".html", ".json", ".md", ".xml"))
    assert "Secret plans" not in everything and "Never on the site" not in everything and "#hidden" not in everything
    assert not (site / "private").exists()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "The vault&#39;s own home" in home or "The vault's own home" in home
    vault = json.loads((site / "vault.json").read_text(encoding="utf-8"))
    assert "private/Secret.md" not in {n["src"] for n in vault["notes"]}
    assert [t["name"] for t in vault["tags"]] == ["public"]
    from bs4 import BeautifulSoup
    tags_text = BeautifulSoup((site / "tags" / "index.html").read_text(encoding="utf-8"), "lxml").get_text()
    assert "hidden" not in tags_text and "public" in tags_text
    missing = (site / "missing" / "index.html")
    if missing.exists():  # the missing-notes page speaks English on an English site
        assert "아직" not in missing.read_text(encoding="utf-8")


def test_what_is_not_published_stays_out_whatever_its_shape(tmp_path):
    """A VuePress-shaped note with ``publish: false``, a page MkDocs' ``exclude_docs`` leaves out,
    and an unpublished root ``index.md`` (the vault's Home.md then is the home page)."""
    docs = tmp_path / "docs"
    (docs / "notes").mkdir(parents=True)
    (docs / "index.md").write_text("---\npublish: false\n---\n# Private index\n\nhidden root text\n", encoding="utf-8")
    (docs / "Home.md").write_text("# Home note\n\nThe vault's home. [[Open]]\n", encoding="utf-8")
    (docs / "notes" / "Open.md").write_text("# Open\n\npublic text\n", encoding="utf-8")
    (docs / "notes" / "Vue.md").write_text(
        "---\ntitle: Vue secret\nicon: lock\nlang: ko-KR\npublish: false\n---\n\n::: tip\nvue hidden text\n:::\n",
        encoding="utf-8")
    (docs / "notes" / "Skipped.md").write_text("# Skipped secret\n\nexcluded by mkdocs\n", encoding="utf-8")
    code, log, site = build(docs, tmp_path, exclude_docs="notes/Skipped.md\n")
    assert code == 0, log[-3000:]
    everything = "".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*")
                         if p.is_file() and p.suffix in (".html", ".json", ".md", ".xml"))
    for secret in ("Vue secret", "vue hidden text", "Skipped secret", "excluded by mkdocs", "Private index",
                   "hidden root text"):
        assert secret not in everything, secret
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "The vault" in home and "home" in home


def test_every_speedup_applies_to_the_installed_packages():
    """Each speed-up checks what it patches and falls back to MkDocs' own path when that
    changed; on the versions this project installs, none may fall back (template_cache once
    did, silently: its check looked for an instance attribute on the class)."""
    from vaultsite_mkdocs.adapter import VaultAdapter
    from vaultsite_mkdocs.speedup import Speedup

    adapter = VaultAdapter()
    speedups = [v for v in vars(adapter).values() if isinstance(v, Speedup)]
    assert len(speedups) == 10
    assert {s.name: s.check() for s in speedups} == {s.name: None for s in speedups}


def test_gc_policy_pauses_the_collector_while_a_build_makes_its_vault():
    """``on_files`` of a build: the collector paused; settle() collects the garbage cycles made
    meanwhile (one young-generation pass), turns it back on and freezes the rest; a build
    that fails meanwhile gets it back on."""
    import gc
    import weakref

    from vaultsite_mkdocs.gcpolicy import GCPolicy

    class Cycle:
        pass

    policy = GCPolicy(None)
    policy.active = True
    was = gc.isenabled()
    gc.enable()
    try:
        policy.files_started(serving=False)
        assert not gc.isenabled() and policy.paused
        a, b = Cycle(), Cycle()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        del a, b
        policy.vault_built()  # no freeze while paused: the cycle would never be collected
        assert gone() is not None
        policy.settle()
        assert gone() is None and gc.isenabled() and not policy.paused
        gc.unfreeze()
        policy.files_started(serving=True)  # mkdocs serve pauses it its own way
        assert gc.isenabled() and not policy.paused
        policy.files_started(serving=False)
        policy.build_ended(serving=False)  # on_build_error
        assert gc.isenabled() and not policy.paused
    finally:
        gc.unfreeze()
        (gc.enable if was else gc.disable)()


def test_template_cache_shares_compiled_templates_only_between_alike_environments(tmp_path, monkeypatch):
    """Every environment ``Theme.get_env`` makes gets the cache (Material's search plugin makes
    two in its ``on_config``, before any hook runs); an environment with other filters, or an
    edited override, compiles afresh."""
    import jinja2
    from mkdocs.theme import Theme

    from vaultsite_mkdocs.templates import TemplateCache

    monkeypatch.setattr(Theme, "get_env", Theme.get_env)  # the patch is undone after the test
    compiled = []
    compile_ = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return compile_(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    overrides = tmp_path / "overrides"
    (overrides / "partials").mkdir(parents=True)
    cache = TemplateCache(None)
    cache.serve(True)
    theme = Theme(name="material", custom_dir=str(overrides), language="ko")

    def translate(env) -> str:
        return env.get_template("partials/language.html", None, {"config": {"theme": theme}}).module.t("search.config.pipeline")

    assert translate(theme.get_env()) == " " and "partials/language.html" in compiled
    compiled.clear()
    assert translate(theme.get_env()) == " " and compiled == []
    env = theme.get_env()
    env.filters["vs_other"] = lambda value: value
    assert translate(env) == " " and "partials/language.html" in compiled
    compiled.clear()
    (overrides / "partials" / "language.html").write_text('{% macro t(key) %}edited{% endmacro %}', encoding="utf-8")
    assert translate(theme.get_env()) == "edited" and compiled == ["partials/language.html"]
    cache.serve(False)
    compiled.clear()
    assert translate(theme.get_env()) == "edited" and compiled == ["partials/language.html"]


def test_theme_files_are_listed_again_only_when_a_theme_folder_changed(tmp_path, monkeypatch):
    """``theme_files`` (mkdocs serve): the theme's files come from the last listing while no
    folder of the theme changed, minus those a page of docs/ holds, and equal MkDocs' own list."""
    import os
    import time

    from mkdocs.config import load_config
    from mkdocs.structure.files import File, Files

    from vaultsite_mkdocs.themefiles import ThemeFiles

    monkeypatch.setattr(Files, "add_files_from_theme", Files.add_files_from_theme)  # undone after the test
    own = Files.add_files_from_theme
    overrides = tmp_path / "overrides"
    (overrides / "assets").mkdir(parents=True)
    (overrides / "assets" / "extra.css").write_text("a{}", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(f"site_name: t\ntheme:\n  name: material\n  custom_dir: {overrides}\n",
                                         encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    env = config.theme.get_env()
    old = time.time() - 60
    for folder in (overrides, overrides / "assets"):
        os.utime(folder, (old, old))

    def listing(docs=()) -> tuple[list, list]:
        ours, theirs = Files([File(p, str(tmp_path / "docs"), config.site_dir, True) for p in docs]), \
            Files([File(p, str(tmp_path / "docs"), config.site_dir, True) for p in docs])
        ours.add_files_from_theme(env, config)
        own(theirs, env, config)
        return [(f.src_uri, f.abs_src_path) for f in ours], [(f.src_uri, f.abs_src_path) for f in theirs]

    speedup = ThemeFiles(None)
    assert speedup.start(True)
    ours, theirs = listing()
    assert ours == theirs and ("assets/extra.css", str(overrides / "assets" / "extra.css")) in ours
    assert speedup.listed == 1
    ours, theirs = listing(["assets/extra.css"])  # a page of docs/ hides the theme's file
    assert ours == theirs and speedup.listed == 1
    assert [a for a in ours if a[0] == "assets/extra.css"] == [("assets/extra.css", str(tmp_path / "docs" / "assets" / "extra.css"))]
    (overrides / "assets" / "more.js").write_text("", encoding="utf-8")  # the folder's time moves
    ours, theirs = listing()
    assert ours == theirs and "assets/more.js" in dict(ours) and speedup.listed == 2
    ours, theirs = listing()  # changed just now: not trusted yet
    assert ours == theirs and speedup.listed == 3
    speedup.start(False)
    ours, theirs = listing()
    assert ours == theirs and speedup.listed == 3
