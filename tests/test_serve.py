"""``mkdocs serve`` on a copy of the seed vault: live reload is on, a new note shows up by itself
and its link appears in the backlinks of the note it links to."""
from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from sitebuild import ROOT, build_as_served, write_config

pytestmark = pytest.mark.serve

NEW_NOTE = "서브 테스트 노트"
NEW_NOTE_TEXT = f"""---
title: {NEW_NOTE}
date: 2025-07-01
---

서브 테스트에서 쓴 노트입니다. [[DeepSeek]] 모델을 다시 살펴본다. #새태그
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 5) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, ""


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server and its children: SIGINT first (mkdocs removes its temp site), then harder."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGINT, 10), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)  # the server was started in its own process group
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("serve")
    docs = work / "docs"
    shutil.copytree(ROOT / "docs", docs)
    cfg = write_config(docs, work / "site", work / "mkdocs.yml")
    port = _free_port()
    log_path = work / "serve.log"
    log = open(log_path, "w", encoding="utf-8")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(cfg), "-a", f"127.0.0.1:{port}"],
        cwd=work, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    info = {"proc": proc, "base": base, "docs": docs, "log": log_path}
    try:
        deadline = time.monotonic() + 60
        while True:
            status, html = _get(base)
            if status == 200:
                break
            if proc.poll() is not None:
                pytest.fail(f"mkdocs serve exited with {proc.returncode}:\n{log_path.read_text()[-4000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"mkdocs serve did not answer within 60 s:\n{log_path.read_text()[-4000:]}")
            time.sleep(0.25)
        info["home"] = html
        yield info
    finally:
        _stop(proc)
        log.close()


def _log_tail(server) -> str:
    return Path(server["log"]).read_text(encoding="utf-8", errors="replace")[-3000:]


def _backlink_titles(html: str) -> list[str]:
    soup = BeautifulSoup(html, "lxml")
    box = soup.select_one(".vs-backlinks")
    return [a.get_text(" ", strip=True) for a in box.select("a")] if box else []


def test_live_reload_is_on_by_default(server):
    soup = BeautifulSoup(server["home"], "lxml")
    scripts = [s.get_text() + " " + (s.get("src") or "") for s in soup.find_all("script")]
    assert any("livereload" in s for s in scripts), \
        "served page has no livereload script (click 8.3.0-8.3.2 turn live reload off)"


def test_new_note_is_served_and_backlinked(server):
    base, docs = server["base"], server["docs"]
    deepseek_url = base + "notes/DeepSeek/"
    status, before = _get(deepseek_url)
    assert status == 200, _log_tail(server)
    assert NEW_NOTE not in _backlink_titles(before)

    note_url = base + quote(f"notes/{NEW_NOTE}/")
    assert _get(note_url)[0] == 404
    path = docs / "notes" / f"{NEW_NOTE}.md"
    written = time.monotonic()
    path.write_text(NEW_NOTE_TEXT, encoding="utf-8")

    deadline = written + 30
    while True:
        status, html = _get(note_url)
        if status == 200:
            break
        assert time.monotonic() < deadline, f"{note_url} not served 30 s after writing the note:\n{_log_tail(server)}"
        time.sleep(0.1)
    latency = time.monotonic() - written
    print(f"\n[serve] new note served {latency:.2f} s after it was written")

    soup = BeautifulSoup(html, "lxml")
    art = soup.select_one("article.md-content__inner")
    assert art is not None and NEW_NOTE in art.find("h1").get_text()
    links = [a for a in art.select("a[href]") if a.get_text(strip=True) == "DeepSeek"]
    assert links, "the [[DeepSeek]] wikilink is not a link"
    tags = [a.get_text() for a in art.select("a.vs-tag")]
    assert "#새태그" in tags

    # The pages of one rebuild are written one after another: give the DeepSeek page a moment.
    deadline = time.monotonic() + 10
    while True:
        status, after = _get(deepseek_url)
        titles = _backlink_titles(after)
        if NEW_NOTE in titles:
            break
        assert time.monotonic() < deadline, f"DeepSeek backlinks after the rebuild: {titles}"
        time.sleep(0.2)
    print(f"[serve] DeepSeek backlinks list the new note {time.monotonic() - written:.2f} s after it was written")

    # The incremental rebuild merged, not replaced, the whole-site files.
    deadline = time.monotonic() + 10
    while True:
        status, raw = _get(base + "search/search_index.json")
        pages = {d["location"].split("#")[0] for d in json.loads(raw)["docs"]} if status == 200 else set()
        if quote(f"notes/{NEW_NOTE}/") in pages:
            break
        assert time.monotonic() < deadline, f"search index pages after the rebuild: {sorted(pages)}"
        time.sleep(0.2)
    assert "notes/DeepSeek/" in pages and "" in pages  # kept from the first build
    # vault.json is written by a thread once the rebuild's pages are (adapter.on_post_build).
    deadline = time.monotonic() + 10
    while True:
        status, raw = _get(base + "vault.json")
        srcs = {n["src"] for n in json.loads(raw)["notes"]}
        if f"notes/{NEW_NOTE}.md" in srcs:
            break
        assert time.monotonic() < deadline, f"vault.json after the rebuild: {sorted(srcs)}"
        time.sleep(0.2)
    assert {f"notes/{NEW_NOTE}.md", "notes/DeepSeek.md"} <= srcs
    new = next(n for n in json.loads(raw)["notes"] if n["src"] == "notes/DeepSeek.md")
    assert any(b["title"] == NEW_NOTE for b in new["backlinks"])


def test_new_note_reaches_the_home_page_and_the_feed(server):
    """docs/index.md is the vault's own home note: its latest-notes section and feed.xml follow
    a note added while serving."""
    import feedparser

    base, docs = server["base"], server["docs"]
    title = "서브 피드 노트"
    status, home = _get(base)
    assert status == 200 and title not in home
    (docs / "notes" / f"{title}.md").write_text(
        f"---\ntitle: {title}\ndate: 2030-01-02\n---\n\n피드에 실릴 새 노트.\n", encoding="utf-8")
    deadline = time.monotonic() + 30
    while True:
        _, home = _get(base)
        latest = BeautifulSoup(home, "lxml").select(".vs-home-latest li a")
        _, feed = _get(base + "feed.xml")
        entries = feedparser.parse(feed).entries if feed else []
        if latest and latest[0].get_text() == title and entries and entries[0].title == title:
            break
        assert time.monotonic() < deadline, f"home and feed.xml 30 s after the note was written:\n{_log_tail(server)}"
        time.sleep(0.2)
    assert entries[0].published.startswith("2030-01-02")


def _wait_status(url: str, want: int, server, what: str) -> None:
    deadline = time.monotonic() + 30
    while _get(url)[0] != want:
        assert time.monotonic() < deadline, f"{what}: {url} not {want} after 30 s:\n{_log_tail(server)}"
        time.sleep(0.1)


def _rebuilds(server) -> int:
    return Path(server["log"]).read_text(encoding="utf-8", errors="replace").count("Building documentation")


def test_folders_are_watched_by_the_kernel_and_reading_is_no_change(server):
    """Speed-up ``native_watch``: the vault is watched with inotify, not polled every half
    second; the build reading the notes does not start another build."""
    if not sys.platform.startswith("linux"):
        pytest.skip("inotify is Linux's")
    fds = Path(f"/proc/{server['proc'].pid}/fd")
    kinds = {os.readlink(fd) for fd in fds.iterdir()}
    assert "anon_inode:inotify" in kinds, sorted(kinds)
    before = _rebuilds(server)
    time.sleep(3)  # every note was read by the first build; a change would have been seen by now
    assert _rebuilds(server) == before, _log_tail(server)


def test_folder_moved_in_and_out_while_serving(server, tmp_path):
    """A folder moved out of the vault takes its notes' pages with it, and moved back in (under
    another name) brings them back: polling saw every file; the native watcher reports the folder."""
    base, docs = server["base"], server["docs"]
    folder = docs / "이동 폴더"
    folder.mkdir()
    (folder / "옮긴 노트.md").write_text("# 옮긴 노트\n\n폴더째 옮겨진다.\n", encoding="utf-8")
    url = base + quote("이동 폴더/옮긴 노트/")
    _wait_status(url, 200, server, "note in a new folder")
    outside = tmp_path / "밖"
    os.rename(folder, outside)
    _wait_status(url, 404, server, "folder moved out of docs/")
    os.rename(outside, docs / "돌아온 폴더")
    _wait_status(base + quote("돌아온 폴더/옮긴 노트/"), 200, server, "folder moved back in")


def test_click_is_not_a_version_that_breaks_live_reload():
    assert importlib.metadata.version("click") not in {"8.3.0", "8.3.1", "8.3.2"}


def test_native_watch_moves_folders_only_and_falls_back(tmp_path, caplog):
    """``NativeWatch.take_over`` on MkDocs' own server (not started): the folder goes to the
    native observer, the config file stays polled, unwatch and shutdown reach both; a server of
    another shape is left as it is, with one info line."""
    import logging

    import watchdog.observers.polling
    from mkdocs.livereload import LiveReloadServer

    from vaultsite_mkdocs.adapter import VaultAdapter

    docs = tmp_path / "docs"
    docs.mkdir()
    cfg = tmp_path / "mkdocs.yml"
    cfg.write_text("site_name: x\n", encoding="utf-8")
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    server.watch(str(docs))
    server.watch(str(cfg))
    watch = VaultAdapter().watch
    assert watch.start(True)
    watch.take_over(server)
    try:
        native = watch.observer
        assert not isinstance(native, watchdog.observers.polling.PollingObserver) and native.is_alive()
        assert server._watch_refs[str(docs)] in native._handlers
        assert server._watch_refs[str(cfg)] in server.observer._handlers  # the file stays polled
        server.unwatch(str(docs))
        assert not native._handlers
    finally:
        server.observer.stop()
    native.join(5)
    assert not native.is_alive()

    class Other:
        observer = None

    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.vaultsite"):
        watch.take_over(Other())
    assert "speed-up native_watch is off" in caplog.text


SERVE_RELATED_LATER = """\
import sys
import vaultsite.build
vaultsite.build.RELATED_SPAWN_MIN = 2  # as from 2,000 notes: a worker computes related notes
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", *sys.argv[1:]]
cli()
"""


def _related_of(site_json: str) -> dict:
    return {n["src"]: n["related"] for n in json.loads(site_json)["notes"]}


@contextlib.contextmanager
def _serving_related_vault(tmp_path: Path):
    """A real ``mkdocs serve`` of the related-notes fixture with the worker threshold lowered
    (as from 2,000 notes): (the served base URL, the docs folder, the server's log file)."""
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "tests" / "fixtures" / "related_vault", docs)
    cfg = write_config(docs, tmp_path / "site", tmp_path / "mkdocs.yml")
    script = tmp_path / "serve_related_later.py"
    script.write_text(SERVE_RELATED_LATER, encoding="utf-8")
    port = _free_port()
    log_path = tmp_path / "serve.log"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONUNBUFFERED="1")
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen([sys.executable, str(script), "serve", "-f", str(cfg), "-a", f"127.0.0.1:{port}"],
                                cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        base = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.monotonic() + 60
            while _get(base)[0] != 200:
                assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text()[-3000:]
                time.sleep(0.25)
            yield base, docs, log_path
        finally:
            _stop(proc)


def _wait_for_related(base: str, want: dict, log_path: Path) -> None:
    """Until the served ``vault.json`` has the related notes ``want`` (60 s at most)."""
    deadline = time.monotonic() + 60
    while True:
        status, raw = _get(base + "vault.json")
        got = _related_of(raw) if status == 200 else {}
        if got == want:
            return
        assert time.monotonic() < deadline, f"served related notes {got}\nwanted {want}\n{log_path.read_text()[-3000:]}"
        time.sleep(0.3)


def test_related_notes_computed_since_the_last_come_with_the_same_rebuild(tmp_path):
    """In a real mkdocs serve of a large vault (the threshold lowered), an edit that keeps the
    number of notes (a note's tags) has its related notes computed since the last lists, by
    the worker, and read by the same rebuild: served at once as a build from nothing gives
    them, with no second rebuild holding the server."""
    with _serving_related_vault(tmp_path) as (base, docs, log_path):
        before = _related_of(_get(base + "vault.json")[1])
        note = docs / "notes" / "요리.md"  # shares nothing: a tag now relates it
        note.write_text(note.read_text(encoding="utf-8") + "\n#HBM #반도체\n", encoding="utf-8")
        want = _related_of((build_as_served(docs, tmp_path / "fresh") / "vault.json").read_text(encoding="utf-8"))
        assert want != before and want.get("notes/요리.md"), want
        _wait_for_related(base, want, log_path)
        text = log_path.read_text(encoding="utf-8")
        assert text.count("Building documentation") == 2, text[-3000:]  # the first build, one rebuild
        assert "related notes computed; rebuilding" not in text, text[-3000:]


def test_a_rebuild_shows_the_last_related_notes_then_rebuilds_with_the_new_ones(tmp_path):
    """In a real mkdocs serve of a large vault (here: the threshold lowered), a rebuild after a
    note was added (the fixture's few notes weigh by their exact number: every list is computed
    again) shows the last related lists, a worker computes the new ones, and the server
    rebuilds with them: in the end every note's related notes are those of a build of the same
    vault from nothing."""
    with _serving_related_vault(tmp_path) as (base, docs, log_path):
        title = "HBM 수요 메모"
        (docs / "notes" / f"{title}.md").write_text(
            "---\ndate: 2025-03-05\ntags: [HBM, 반도체]\n---\n엔비디아 HBM 수요. [[HBM 공급]], [[AI 가속기]]\n",
            encoding="utf-8")
        # The same vault built from nothing, with what serve sets (site_url, Material's search).
        want = _related_of((build_as_served(docs, tmp_path / "fresh") / "vault.json").read_text(encoding="utf-8"))
        assert want.get(f"notes/{title}.md"), want  # the new note has related notes
        assert any(r["title"] == title for r in want["notes/HBM 공급.md"])
        _wait_for_related(base, want, log_path)
        text = log_path.read_text(encoding="utf-8")
        assert "related notes computed; rebuilding the pages that list them" in text, text[-3000:]
        # The page of the note the new one is related to lists it too (the follow-up rebuild rendered it).
        soup = BeautifulSoup(_get(base + quote("notes/HBM 공급/"))[1], "lxml")
        assert title in soup.get_text(" ")
