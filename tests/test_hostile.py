"""Issue 18: what a hostile vault still found, reproduced on the core (no MkDocs).

Each test builds a tiny vault under ``tmp_path`` with ``build_vault`` and renders pages with
``render.note_source``, as the hooks do; big inputs are generated here, never committed.
The same vaults are built with the real hooks in ``test_hostile_build.py``.
"""
from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from vaultsite import render, sanitize
from vaultsite.build import Cache, build_vault, scan_dir
from vaultsite.model import Note


def write(docs: Path, rel: str, text: str | bytes) -> None:
    path = docs / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def core_build(docs: Path):
    return build_vault(scan_dir(str(docs)), Cache())


def problems_of(vault, src: str) -> list[str]:
    return [p.problem for p in vault.problems if p.src == src]


# -- item 3: a YAML alias bomb in front matter --------------------------------------

def alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ["a: &a [" + ", ".join(["\"lol\""] * width) + "]"]
    prev = "a"
    for name in "bcdefghijklmnop"[: levels - 1]:
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * width) + "]")
        prev = name
    return "---\n" + "\n".join(lines) + "\ntitle: 폭탄\n---\n# 본문\n\n폭탄 아래의 본문은 남는다.\n"


def test_alias_bomb_is_refused_in_milliseconds_and_the_body_published(tmp_path):
    docs = tmp_path / "docs"
    write(docs, "notes/bomb.md", alias_bomb())
    started = time.process_time()
    vault = core_build(docs)
    assert time.process_time() - started < 2
    (note,) = vault.notes
    assert "폭탄 아래의 본문은 남는다." in note.body
    assert any("front matter is refused" in p and "alias" in p for p in problems_of(vault, "notes/bomb.md"))
    assert "폭탄 아래의 본문은 남는다." in render.note_source(vault, note)


def test_self_referring_alias_is_refused(tmp_path):
    docs = tmp_path / "docs"
    write(docs, "notes/loop.md", "---\na: &a [1, *a]\n---\n본문\n")
    vault = core_build(docs)
    assert any("refers to the value that contains it" in p for p in problems_of(vault, "notes/loop.md"))
    assert vault.notes[0].body.strip() == "본문"


def test_ordinary_aliases_still_work(tmp_path):
    docs = tmp_path / "docs"
    write(docs, "notes/ok.md", "---\ntitle: &t 별칭 제목\naliases: [*t]\ntags: &x [ai, 반도체]\nkeywords: *x\n---\n본문\n")
    vault = core_build(docs)
    assert problems_of(vault, "notes/ok.md") == []
    assert vault.notes[0].title == "별칭 제목"


# -- item 4: embed fan-out -------------------------------------------------------------

def fan_out_vault(docs: Path, levels: int = 4, width: int = 40) -> None:
    for i in range(levels):
        write(docs, f"notes/e{i}.md", "\n".join(f"![[e{i + 1}]]" for _ in range(width)) + "\n")
    write(docs, f"notes/e{levels}.md", "한 줄의 본문.\n")


def test_embed_fan_out_is_capped_and_reported_once(tmp_path):
    docs = tmp_path / "docs"
    fan_out_vault(docs)
    vault = core_build(docs)
    e0 = next(n for n in vault.notes if n.src == "notes/e0.md")
    tracemalloc.start()
    started = time.process_time()
    source = render.note_source(vault, e0)
    elapsed = time.process_time() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 5 and peak < 100 * 2**20
    assert source.count("한 줄의 본문.") <= render.MAX_EMBEDS_PER_PAGE
    assert source.count('class="vs-embed"') + source.count("vs-embed-cycle") > render.MAX_EMBEDS_PER_PAGE
    assert len(source) < 5 * render.MAX_EMBED_CHARS_PER_PAGE
    hits = [p for p in problems_of(vault, "notes/e0.md") if "embeds more than" in p]
    assert len(hits) == 1
    # a page under the cap is untouched and raises nothing
    e3 = next(n for n in vault.notes if n.src == "notes/e3.md")
    assert render.note_source(vault, e3).count("한 줄의 본문.") == 40
    assert [p for p in problems_of(vault, "notes/e3.md") if "embeds more than" in p] == []


def test_embedded_text_is_capped_by_size(tmp_path):
    docs = tmp_path / "docs"
    write(docs, "notes/big.md", "가" * (render.MAX_EMBED_CHARS_PER_PAGE // 2 + 10) + "\n")
    write(docs, "notes/page.md", "![[big]]\n\n![[big]]\n\n![[big]]\n")
    vault = core_build(docs)
    page = next(n for n in vault.notes if n.src == "notes/page.md")
    source = render.note_source(vault, page)
    assert source.count("가" * (render.MAX_EMBED_CHARS_PER_PAGE // 2 + 10)) == 1  # the 2nd would pass 1 MB
    assert len([p for p in problems_of(vault, "notes/page.md") if "embeds more than" in p]) == 1


# -- item 2: embedded content keeps its source's sanitising (core part) ----------------

def test_imported_embed_is_fenced_and_cleaned_by_imported_rules(tmp_path):
    docs = tmp_path / "docs"
    write(docs, "clippings/evilclip.md", "<script>window.__p1=1</script>\n\n<font color=red>폰트</font>\n")
    write(docs, "notes/mine.md", "![[evilclip]]\n\n<font color=blue>내 폰트</font>\n")
    write(docs, "notes/other.md", "내 노트\n")
    write(docs, "notes/mine2.md", "![[other]]\n")
    vault = core_build(docs)
    mine = next(n for n in vault.notes if n.src == "notes/mine.md")
    source = render.note_source(vault, mine)
    start, end = sanitize.embed_fence(1)
    assert start in source and end in source
    assert source.index(start) < source.index("window.__p1") < source.index(end)
    # an own note embedded in an own note needs no fence
    mine2 = next(n for n in vault.notes if n.src == "notes/mine2.md")
    assert "vsembed" not in render.note_source(vault, mine2)
    html = (f'<p>a</p>\n<div class="vs-embed"><p>{start}</p>\n<script>window.__p1=1</script>'
            f'<font color="red">폰트</font></div><p>{end}</p>\n<font color="blue">내 폰트</font>'
            f"<script>mine()</script>")
    for trusted in (True, False):
        out = sanitize.clean_page(html, mine, trusted=trusted)
        assert "window.__p1" not in out and 'color="red"' not in out and "폰트" in out
        assert "vsembed" not in out
        assert ('color="blue"' in out) and (("mine()" in out) == trusted)


def test_a_fence_whose_end_was_swallowed_cleans_to_the_end(tmp_path):
    start, _ = sanitize.embed_fence(7)
    note = Note(src="notes/x.md", title="x", body="", format="markdown")
    out = sanitize.clean_page(f"<p>ok</p><p>{start}</p><!-- <p>x</p><img src=x onerror=alert(1)>", note, True)
    assert out.startswith("<p>ok</p>") and "onerror" not in out and "vsembed" not in out


# -- item 11: pathological lines and notes -----------------------------------------------

from vaultsite import limits  # noqa: E402

LINE = "딥시크(DeepSeek)는 2025년 1월 20일 R1을 공개했다. [[엔비디아]] #AI 반도체 수출통제가 **강화**되었다.\n"

PATHOLOGICAL = {
    "nested-brackets": "[" * 30000 + "]" * 30000,  # 60 KB: 50 s in a real build before
    "open-brackets": "\n".join(["[" * 19] * 3000),  # short lines, one paragraph
    "long-line": "가나다라 마바사 " * 555556,  # 5 million characters: 265 s before
    "open-tags": "\n".join(["x <a" * 20] * 2000),  # every '<' scans to the end of the note
    "emphasis-lines": "\n".join(["*a" * 9000] * 50),  # 900,000 markup characters
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_text_is_bounded(tmp_path, name):
    docs = tmp_path / "docs"
    write(docs, f"notes/{name}.md", "# 병적인 줄\n\n앞 문단은 그대로.\n\n" + PATHOLOGICAL[name] + "\n\n뒤 문단도 그대로.\n")
    started = time.process_time()
    vault = core_build(docs)
    (note,) = vault.notes
    source = render.note_source(vault, note)
    assert time.process_time() - started < 10
    assert problems_of(vault, f"notes/{name}.md"), "the limit is reported"
    assert "앞 문단은 그대로." in source
    if name == "long-line":  # 5 million characters: only the first 3 million are published
        assert any("only the first" in p for p in problems_of(vault, "notes/long-line.md"))
    else:
        assert "뒤 문단도 그대로." in source
    assert "```text" in source or "&lt;a" in source or '<pre class="vs-plain">' in source  # as text


def test_the_limits_leave_ordinary_notes_alone():
    for text in (LINE * 2000, (LINE + "\n") * 8000, "[[링크]] " * 2000, "<b>굵게</b> 문장.\n" * 3000,
                 "| a | b |\n|---|---|\n" + "| [[x]] | *y* |\n" * 3000, "```\n" + "[" * 50000 + "\n```\n"):
        assert limits.bound_text(text) == (text, [], None)


def test_a_plain_block_cannot_be_closed_from_inside():
    lines = ["````", "``` still inside", "~~~"]
    block = limits.plain_block(lines)
    assert block[0] == "`````text" and block[-1] == "`````"


def test_a_huge_note_is_cut_and_published_as_plain_text(tmp_path):
    """A 50 MB note: the first 3,000,000 characters as plain text, the rest reported."""
    docs = tmp_path / "docs"
    line = LINE.encode("utf-8")
    write(docs, "notes/big.md", b"---\ntitle: \xed\x81\xb0 \xeb\x85\xb8\xed\x8a\xb8\n---\n" + line * (50 * 2**20 // len(line)))
    write(docs, "companies/딥시크.md", "---\naliases: [DeepSeek]\n---\n회사 노트\n")  # a registry of this vault
    tracemalloc.start()
    started = time.process_time()
    vault = core_build(docs)
    note = next(n for n in vault.notes if n.src == "notes/big.md")
    source = render.note_source(vault, note)
    elapsed = time.process_time() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 10 and peak < 500 * 2**20, (elapsed, peak)
    assert note.title == "큰 노트"
    assert any("only the first" in p for p in problems_of(vault, "notes/big.md"))
    assert len(source) < 2 * limits.MAX_PAGE_CHARS and source.count('<pre class="vs-plain">') == 1
    assert vault.links.get("notes/big.md", []) == [] and vault.note_tags["notes/big.md"] == []
    assert vault.note_companies["notes/big.md"] == []  # not even with this vault's own registry
