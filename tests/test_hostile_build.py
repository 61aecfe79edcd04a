"""Issue 18: the hostile vaults built with the real hooks (``mkdocs build --strict`` off, then
checked): every reproducer builds, in bounded time, with its problem in the report.

The big inputs (a 5-million-character line, a 50 MB note) are generated into ``tmp_path``.
"""
from __future__ import annotations

import json
import time

import pytest
from bs4 import BeautifulSoup

from sitebuild import build
from test_hostile import LINE, PATHOLOGICAL, alias_bomb, fan_out_vault, write


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    work = tmp_path_factory.mktemp("hostile")
    docs = work / "docs"
    write(docs, "index.md", "# 적대적 금고\n")
    write(docs, "notes/bomb.md", alias_bomb())
    fan_out_vault(docs)
    write(docs, "notes/stray.md", "# 한 바이트\n\n앞 문장.\n".encode("utf-8") + b"\xff" + "\n뒤 문장.\n".encode("utf-8"))
    for name, text in PATHOLOGICAL.items():
        write(docs, f"notes/{name}.md", "# 병적인 줄\n\n앞 문단은 그대로.\n\n" + text + "\n")
    line = LINE.encode("utf-8")
    write(docs, "notes/big.md", line * (50 * 2**20 // len(line)))
    started = time.perf_counter()
    code, log, site = build(docs, work)
    elapsed = time.perf_counter() - started
    assert code == 0, log[-3000:]
    data = json.loads((site / "vault.json").read_text(encoding="utf-8"))
    return {"site": site, "log": log, "elapsed": elapsed, "data": data}


def _problems(data, src):
    return [p["problem"] for p in data["problems"] if p["src"] == src]


def test_the_hostile_vault_builds_in_bounded_time(hostile):
    # Ten hostile notes, the 50 MB one among them; before the limits this did not finish.
    assert hostile["elapsed"] < 120, hostile["elapsed"]


def _text(site, rel):
    soup = BeautifulSoup((site / rel / "index.html").read_text(encoding="utf-8"), "lxml")
    return soup.select_one("article.md-content__inner").get_text(" ")


def test_alias_bomb_is_reported_and_the_body_published(hostile):
    assert any("alias" in p for p in _problems(hostile["data"], "notes/bomb.md"))
    assert "폭탄 아래의 본문은 남는다." in _text(hostile["site"], "notes/bomb")


def test_fan_out_is_capped_and_reported(hostile):
    assert any("embeds more than" in p for p in _problems(hostile["data"], "notes/e0.md"))
    html = (hostile["site"] / "notes" / "e0" / "index.html").stat().st_size
    assert html < 20 * 2**20


def test_a_stray_byte_is_replaced_and_reported(hostile):
    assert any("U+FFFD" in p for p in _problems(hostile["data"], "notes/stray.md"))
    text = _text(hostile["site"], "notes/stray")
    assert "앞 문장." in text and "뒤 문장." in text and "\ufffd" in text


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL) + ["big"])
def test_pathological_notes_are_published_as_text_and_reported(hostile, name):
    assert _problems(hostile["data"], f"notes/{name}.md")
    page = hostile["site"] / "notes" / name / "index.html"
    assert page.is_file()
    if name != "big":
        assert "앞 문단은 그대로." in _text(hostile["site"], f"notes/{name}")
