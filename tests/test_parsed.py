"""The parsed form of a note: masked once per note, read by every extractor."""
from __future__ import annotations

import pickle

import pytest

from vaultsite import build, parsed
from vaultsite import dates, links, tags
from vaultsite.build import Source, base_registry, read_note
from vaultsite.parsed import ParsedNote, mask_markup, mask_prose, parse, plain
from vaultsite.textutil import mask_code

NOTE = """---
title: 딥시크 정리
date: 2025-02-04
---
# 개요 ^top

2025년 1월 20일 DeepSeek이 R1을 공개했다. #AI #투자/반도체
엔비디아(NVDA)는 1월 27일 급락했다. [[엔비디아#실적|엔비디아 실적]] 참고. ^drop

```python
x = "2024년 3월 1일 #code NVIDIA"
```

## 실적 *요약*

- [2025-01-25 미국 시황 정리](/daily-summary/2025-01-25-미국-시황-정리/) `2023년 1월 1일`
- Acme Robotics (NASDAQ: ACMR) 보고서: https://nvidia.com/2024-01-02 ![[chart 2024-05-01.png]]
"""


def _counting(monkeypatch, name: str) -> list[str]:
    calls: list[str] = []
    real = getattr(parsed, name)

    def wrapper(text: str) -> str:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(parsed, name, wrapper)
    return calls


def test_read_note_masks_the_body_once_per_layer(monkeypatch):
    base_registry()  # loaded outside the count
    code = _counting(monkeypatch, "mask_code")
    markup = _counting(monkeypatch, "markup_layer")
    prose = _counting(monkeypatch, "prose_layer")
    facts = read_note(Source("딥시크.md", None, data=NOTE.encode()))
    body = facts.note.body
    # Every extractor found something, so each had to read the masks...
    assert facts.inline_tags == ["AI", "투자/반도체"]
    assert {e.date for e in facts.events} >= {"2025-01-20", "2025-01-27", "2025-01-25"}
    assert [r.target for r in facts.raw_links][:1] == ["엔비디아#실적|엔비디아 실적"]
    assert facts.anchors["실적 요약"] == "실적-요약" and facts.anchors["^drop"] == "^drop"
    assert [c.tickers for c in facts.discovered] == [["ACMR"]]
    assert "nvidia" in next(iter(facts.company_summary.values()))
    # ... yet each layer of the body was computed exactly once.
    assert sum(t == body for t in code) == 1
    assert sum(len(t) == len(body) for t in markup) == 1
    assert sum(len(t) == len(body) for t in prose) == 1
    # The other calls are the title and the short event texts, never the body again.
    assert all(len(t) < len(body) for t in code if t != body)
    assert all(body not in t for t in code if t != body)


def test_no_extractor_masks_a_parsed_note(monkeypatch):
    p = ParsedNote(NOTE)
    p.code, p.markup, p.prose, p.links, p.headings, p.block_ids  # computed now
    for name in ("mask_code", "markup_layer", "prose_layer"):
        monkeypatch.setattr(parsed, name, lambda t, name=name: pytest.fail(f"{name} called again"))
    reg = base_registry()
    tags.find_inline_tags(p)
    dates.extract_events(p, "2025-02-04")
    links.parse_links(p)
    links.heading_anchors(p)
    reg.discover(p)
    reg.find_mentions(p)


@pytest.mark.parametrize("extract", [
    lambda t: [(h.name, h.start) for h in tags.find_inline_tags(t)],
    lambda t: dates.extract_events(t, "2025-02-04"),
    links.parse_links,
    links.heading_anchors,
    lambda t: base_registry().find_mentions(t),
    lambda t: base_registry().discover(t),
])
def test_a_str_and_its_parsed_form_give_the_same(extract):
    assert extract(NOTE) == extract(ParsedNote(NOTE))


def test_parsed_note_pickles_with_what_it_computed():
    p = ParsedNote(NOTE)
    p.prose, p.links
    q = pickle.loads(pickle.dumps(p))
    assert (q.text, q.code, q.markup, q.prose, q.links) == (p.text, p.code, p.markup, p.prose, p.links)
    assert parse(q) is q and parse("x").text == "x"


def test_with_title_joins_the_layers_without_masking_the_body_again(monkeypatch):
    p = ParsedNote("엔비디아 `NVDA` [[Intel]] 본문")
    p.prose
    code = _counting(monkeypatch, "mask_code")
    both = p.with_title("NVIDIA 정리")
    assert code == ["NVIDIA 정리"]  # the title alone
    assert both.text == "NVIDIA 정리\n" + p.text
    assert (both.code, both.markup) == (ParsedNote("NVIDIA 정리").code + "\n" + p.code,
                                        ParsedNote("NVIDIA 정리").markup + "\n" + p.markup)
    assert both.prose == ParsedNote(both.text).prose


# -- the layers ------------------------------------------------------------------------
# (text, what survives in code, in markup, in prose); "·" marks a blanked character
# (a space stays a space).
LAYERS = [
    ("a `b` c", "a ··· c", "a ··· c", "a ··· c"),
    ("x <!-- y --> z", "x ···· · ··· z", "x ···· · ··· z", "x ···· · ··· z"),
    ("[t](u.md) v", "[t](u.md) v", "[t······· v", "[t······· v"),
    ("![alt](i.png) v", "![alt](i.png) v", "············· v", "············· v"),
    ("![[a.png]] v", "![[a.png]] v", "·········· v", "·········· v"),
    ("[[Note|alias]]", "[[Note|alias]]", "[[Note|alias]]", "······|alias]]"),
    ("see https://a.b/c d", "see https://a.b/c d", "see ············· d", "see ············· d"),
    ('<a href="x">N</a>', '<a href="x">N</a>', "·· ·········N····", "·· ·········N····"),
    ("<Nvidia vs AMD>", "<Nvidia vs AMD>", "<Nvidia vs AMD>", "<Nvidia vs AMD>"),
    ("[^1]: 2025년 각주", "[^1]: 2025년 각주", "[^1]: 2025년 각주", "····· ····· ··"),
    ("mail a.b@c.com or nvidia.com", "mail a.b@c.com or nvidia.com", "mail a.b@c.com or nvidia.com",
     "mail ········· or ··········"),
    ("in /docs/notes/x y", "in /docs/notes/x y", "in /docs/notes/x y", "in ············· y"),
]


@pytest.mark.parametrize("text,code,markup,prose", LAYERS)
def test_mask_layers(text, code, markup, prose):
    def show(mask: str) -> str:
        return "".join("·" if m == " " and t != " " else m for m, t in zip(mask, text))

    p = ParsedNote(text)
    assert (show(p.code), show(p.markup), show(p.prose)) == (code, markup, prose)
    assert mask_code(text) == p.code and mask_markup(text) == p.markup and mask_prose(text) == p.prose


def test_layers_keep_length_and_newlines():
    p = ParsedNote(NOTE)
    for layer in (p.code, p.markup, p.prose):
        assert len(layer) == len(NOTE)
        assert [i for i, c in enumerate(layer) if c == "\n"] == [i for i, c in enumerate(NOTE) if c == "\n"]


# -- Markdown -> plain text ---------------------------------------------------------------
PLAIN = [
    # (markdown, block, expected)
    ("- **DeepSeek**은 [중국](/c/) 회사", True, "DeepSeek은 중국 회사"),
    ("> ## 1. 제목 ##", True, "1. 제목"),
    ("1) [[노트|별칭]] 과 [[다른 노트]]", True, "별칭 과 다른 노트"),
    ("![](img.png) 텍스트 ![[x.png]]", True, "텍스트"),
    ("a  <b>굵게</b>   <!-- 주석 -->c", True, "a 굵게 c"),
    ("*기울임* 과 snake_case_name 과 _밑줄_", True, "기울임 과 snake_case_name 과 밑줄"),
    ("<AI의 성장> `코드`", True, "<AI의 성장> 코드"),
    # Inline (a heading's text): markers and spacing are the author's.
    ("1. 개요", False, "1. 개요"),
    ("A  **B** [c](d.md) `e`", False, "A  B c e"),
    ("Deep_Seek ~~old~~ 1~3월", False, "Deep_Seek old 1~3월"),
]


@pytest.mark.parametrize("md,block,expected", PLAIN)
def test_plain(md, block, expected):
    assert plain(md, block=block) == expected


def test_one_converter_behind_every_caller():
    assert links.plain_heading("**굵은** [링크](x.md)") == plain("**굵은** [링크](x.md)", block=False)
    assert dates.plain is plain
    assert build.sentence_around is parsed.sentence_around
    body = "첫 문장. 두 번째 **문장**은 [[노트]]를 본다. 셋째."
    i = body.index("[[")
    assert ParsedNote(body).sentence(i, i + 6) == "두 번째 문장은 노트를 본다."
