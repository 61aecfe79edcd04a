"""Tests for vaultsite.tags: what is a tag, how tags merge, how they display.

Table-driven so a new rule is one new row.  The seeds are the real vault
samples, copied byte for byte into tests/fixtures/seeds.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultsite.tags import (
    INLINE_TAG_RE,
    SYNONYMS_PATH,
    TagHit,
    TagIndex,
    clean_tag,
    find_inline_tags,
    tags_from_meta,
)

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def names(text: str) -> list[str]:
    return [h.name for h in find_inline_tags(text)]


# (text, expected tag names)
INLINE_CASES = [
    # plain tags, English and Korean
    ("#AI", ["AI"]),
    ("#AI #DeepSeek", ["AI", "DeepSeek"]),
    ("본문 #투자 메모", ["투자"]),
    ("#딥시크는 저렴하다", ["딥시크는"]),  # Obsidian: no particle splitting
    ("#snake_case and #kebab-case", ["snake_case", "kebab-case"]),
    ("line one\n#AI at line start", ["AI"]),
    ("\t#탭뒤", ["탭뒤"]),
    ("전각\u3000#공백", ["공백"]),
    # digits
    ("#123", []),
    ("#1", []),
    ("#2025년", ["2025년"]),
    ("#2025-01-27", []),
    ("#R1", ["R1"]),
    # not after a letter/digit, not inside a word
    ("C# 언어", []),
    ("abc#def", []),
    ("딥시크#AI", []),
    ("#AI#DeepSeek", ["AI"]),
    # URLs and entities
    ("https://x.com/a#section", []),
    ("www.x.com/#y", []),
    ("see pdf.pdf#page=15&selection=9,1 ok", []),
    ("&#123; and &#x27;", []),
    # headings
    ("# Title", []),
    ("## 제목", []),
    ("###", []),
    # code and HTML comments
    ("`#code` #real", ["real"]),
    ("```\n#AI\n```\n#after", ["after"]),
    ("<!-- #hidden --> #shown", ["shown"]),
    ("`x`#glued", []),
    # colours
    ("#fff", []),
    ("#FFFFFF", []),
    ("#a1b2c3", []),
    ("#a1b2c3d4", []),
    ("#ffff", []),
    ("#fffff", ["fffff"]),  # 5 hex digits is no colour
    ("#fffg", ["fffg"]),
    ("#ADBE", []),  # price of the colour rule: 4-hex tickers are colours
    # link fragments
    ("page#section", []),
    ("[text](page.md#heading)", []),
    ("[text](#heading)", []),
    ("[text](<a b.md> #x)", []),
    ("[w](https://en.wikipedia.org/wiki/A_(b)#c) #after", ["after"]),
    ("[[Note#Heading]]", []),
    ("[[Note| #alias]] #real", ["real"]),
    ("![[img.png#x]]", []),
    ("[[#Heading]]", []),
    # HTML tags and attributes
    ('<a href="#x">link</a>', []),
    ('<span style="color:#fff">x</span>', []),
    ('<span title="a #b">x</span> #c', ["c"]),
    ("<AI의 폭발적 성장 #AI>", ["AI"]),  # Korean in <> is prose, not HTML
    # trailing punctuation
    ("#AI,", ["AI"]),
    ("#AI.", ["AI"]),
    ("(#AI)", []),  # "(" is not whitespace: Obsidian needs a space before "#"
    ("( #투자/반도체)", ["투자/반도체"]),
    ("#투자/반도체/ 끝", ["투자/반도체"]),
    ("#v1.5", ["v1"]),
    ("#AI! #LLM? #ML:", ["AI", "LLM", "ML"]),
    ("#AI🔥", ["AI"]),
    # not tags at all
    ("#", []),
    ("# ", []),
    ("#-", []),
    ("#/", []),
    ("#_", []),
    ("#/foo", []),
]


@pytest.mark.parametrize("text,expected", INLINE_CASES)
def test_inline_tags(text, expected):
    assert names(text) == expected


def test_hit_offsets_span_hash_and_name():
    text = "메모 #AI, 그리고 #투자/반도체/."
    hits = find_inline_tags(text)
    assert hits == [TagHit("AI", 3, 6), TagHit("투자/반도체", 12, 19)]
    for h in hits:
        assert text[h.start:h.end] == "#" + h.name


# Lines with no code, link, wikilink or HTML: the bare pattern must agree.
PLAIN_LINES = [text for text, _ in INLINE_CASES if not any(c in text for c in "`[<\n")]


@pytest.mark.parametrize("line", PLAIN_LINES)
def test_pattern_agrees_with_finder_on_plain_lines(line):
    from_re = [(m.group("name"), *m.span("tag")) for m in INLINE_TAG_RE.finditer(line)]
    from_finder = [(h.name, h.start, h.end) for h in find_inline_tags(line)]
    assert from_re == from_finder


def test_pattern_as_markdown_inline_processor():
    """The documented recipe: pass INLINE_TAG_RE.pattern, replace only "tag"."""
    import xml.etree.ElementTree as etree

    import markdown
    from markdown.extensions import Extension
    from markdown.inlinepatterns import InlineProcessor

    class TagInline(InlineProcessor):
        def handleMatch(self, m, data):
            el = etree.Element("a", {"class": "tag"})
            el.text = m.group("name")
            return el, m.start("tag"), m.end("tag")

    class TagExt(Extension):
        def extendMarkdown(self, md):
            md.inlinePatterns.register(TagInline(INLINE_TAG_RE.pattern, md), "tag", 5)

    html = markdown.markdown(
        "메모 #AI #DeepSeek, `#code` [x](p.md#h) **b**#glued #fff",
        extensions=[TagExt()],
    )
    assert html == (
        '<p>메모 <a class="tag">AI</a> <a class="tag">DeepSeek</a>, '
        '<code>#code</code> <a href="p.md#h">x</a> <strong>b</strong>#glued #fff</p>'
    )


# ---------------------------------------------------------------- clean_tag

@pytest.mark.parametrize(
    "raw,expected",
    [
        ("AI", "AI"),
        ("  #AI  ", "AI"),
        ("##AI", "AI"),
        ("Deep Learning", "Deep-Learning"),
        ("미국  시황", "미국-시황"),
        ("Article(s)", "Article(s)"),
        ("yozm.wishket.com", "yozm.wishket.com"),
        ("투자/반도체/", "투자/반도체"),
        ("투자//반도체", "투자/반도체"),
        (unicodedata.normalize("NFD", "딥"), "딥"),  # macOS file names are NFD
        ("", None),
        ("   ", None),
        ("#", None),
        ("123", None),
        ("2025-01-27", None),
        ("1.5", None),
        ("2025년", "2025년"),
    ],
)
def test_clean_tag(raw, expected):
    assert clean_tag(raw) == expected


# ----------------------------------------------------------- tags_from_meta

@pytest.mark.parametrize(
    "meta,expected",
    [
        ({"tags": ["AI", "LLM"]}, ["AI", "LLM"]),
        ({"tags": "AI, Deep Learning"}, ["AI", "Deep-Learning"]),
        ({"tags": "AI LLM #DeepSeek"}, ["AI", "LLM", "DeepSeek"]),
        ({"tag": "blog"}, ["blog"]),
        ({"category": "미국 시황"}, ["미국-시황"]),
        ({"categories": "투자, 미국 시황"}, ["투자", "미국-시황"]),
        ({"tags": [2025, 3.5, "2025년"]}, ["2025년"]),
        ({"tags": None}, []),
        ({"tags": [None, "", "  ", "#"]}, []),
        ({"tags": ["a", ["b", ["c"]]]}, ["a", "b", "c"]),
        ({"tags": [{"name": "x"}, "y"]}, ["y"]),
        ({"tags": [True]}, ["true"]),
        ({"tags": [dt.date(2025, 1, 27)]}, []),
        ({"Tags": ["AI"]}, ["AI"]),
        ({"title": "#AI", "aliases": ["x"]}, []),
        ({"category": ["AI"], "tag": ["ai"]}, ["AI", "ai"]),  # written order kept
        ({}, []),
    ],
)
def test_tags_from_meta(meta, expected):
    assert tags_from_meta(meta) == expected


def test_tags_from_meta_not_a_dict():
    assert tags_from_meta(None) == []  # type: ignore[arg-type]


# ------------------------------------------------------------------ TagIndex

SYN = {
    "deep-seek": "DeepSeek",
    "artificial-intelligence": "AI",
    "large-language-models": "LLM",
    "llms": "LLM",
}


@pytest.mark.parametrize(
    "raw,key",
    [
        ("AI", "ai"),
        ("#ai", "ai"),
        ("deep-seek", "deepseek"),
        ("Deep-Seek", "deepseek"),
        ("artificial-intelligence", "ai"),
        ("llms", "llm"),
        ("투자/Deep-Seek", "투자/deepseek"),
        ("투자/반도체", "투자/반도체"),
        ("Deep Seek", "deepseek"),  # space -> "-", then the synonym
        (unicodedata.normalize("NFD", "딥시크"), "딥시크"),
        ("123", None),
    ],
)
def test_key(raw, key):
    assert TagIndex(SYN).key(raw) == key


def test_synonym_chains_and_cycles():
    idx = TagIndex({"a-b": "ab", "ab": "AB-final", "x": "y", "y": "x"})
    assert idx.key("a-b") == "ab-final"
    assert idx.key("x") in {"x", "y"}  # a cycle must not hang


def test_case_merge_and_most_used_spelling():
    idx = TagIndex({})
    idx.add("n1", ["ai"])
    idx.add("n2", ["AI"])
    idx.add("n3", ["AI"])
    assert idx.display("ai") == "AI"
    assert idx.tags() == [("AI", ["n1", "n2", "n3"])]


def test_display_tie_goes_to_first_seen():
    idx = TagIndex({})
    idx.add("n1", ["LLM"])
    idx.add("n2", ["llm"])
    assert idx.display("llm") == "LLM"


def test_one_note_repeating_a_spelling_counts_once():
    idx = TagIndex({})
    idx.add("n1", ["ai"])
    idx.add("n2", ["AI", "AI", "AI"])
    idx.add("n2", ["AI"])
    assert idx.display("ai") == "ai"


def test_synonym_variant_joins_but_does_not_vote():
    idx = TagIndex(SYN)
    idx.add("n1", ["deep-seek"])
    assert idx.display("deepseek") == "DeepSeek"  # from the synonym file
    idx.add("n2", ["deepseek"])
    assert idx.display("deepseek") == "deepseek"
    assert idx.tags() == [("deepseek", ["n1", "n2"])]


def test_a_synonym_may_be_nested_and_gives_its_parents():
    idx = TagIndex({"deep-seek": "AI/DeepSeek"})
    idx.add("n1", ["deep-seek", "#deep-seek"])
    idx.add("n2", ["ai"])
    assert idx.note_tags("n1") == ["AI/DeepSeek"]
    assert idx.tags() == [("ai", ["n1", "n2"]), ("AI/DeepSeek", ["n1"])]


def test_nested_tags_make_parents():
    idx = TagIndex({})
    assert idx.add("n1", ["투자/반도체"]) == ["투자/반도체"]
    idx.add("n2", ["투자/반도체/HBM"])
    idx.add("n3", ["투자"])
    assert idx.tags() == [
        ("투자", ["n1", "n2", "n3"]),
        ("투자/반도체", ["n1", "n2"]),
        ("투자/반도체/HBM", ["n2"]),
    ]
    assert idx.note_tags("n1") == ["투자/반도체"]  # parents are not the note's own
    assert idx.note_tags("n2") == ["투자/반도체/HBM"]


def test_parent_spelling_from_children():
    idx = TagIndex({})
    idx.add("n1", ["Invest/chips"])
    idx.add("n2", ["Invest/memory"])
    idx.add("n3", ["invest"])
    assert idx.display("invest") == "Invest"


def test_add_accumulates_and_note_tags_dedupes():
    idx = TagIndex(SYN)
    assert idx.add("n", ["AI", "ai"]) == ["ai"]
    assert idx.add("n", ["artificial-intelligence", "LLM"]) == ["ai", "llm"]
    assert idx.note_tags("n") == ["AI", "LLM"]
    assert idx.note_tags("unknown") == []


def test_tags_sorted_by_display_case_insensitively():
    idx = TagIndex({})
    idx.add("n", ["zeta", "Alpha", "beta", "반도체"])
    assert [d for d, _ in idx.tags()] == ["Alpha", "beta", "zeta", "반도체"]


def test_default_synonyms_file_loads_and_is_small():
    data = yaml.safe_load(SYNONYMS_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and 0 < len(data) < 50
    idx = TagIndex()
    assert idx.key("deep-seek") == "deepseek"
    assert idx.key("artificial-intelligence") == "ai"
    assert idx.key("large-language-models") == "llm"
    assert idx.key("인공지능") == "인공지능"  # translations are the user's call


# --------------------------------------------------------------------- seeds

def seed(prefix: str) -> tuple[dict, str]:
    (path,) = SEEDS.glob(prefix + "_*.txt")
    text = path.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        fm, body = text[4:].split("\n---\n", 1)
        return yaml.safe_load(fm) or {}, body
    return {}, text


def test_seed_000_inline_tags():
    _, body = seed("000")
    assert names(body) == ["AI", "DeepSeek"]


@pytest.mark.parametrize("prefix", ["001", "002", "003", "004"])
def test_other_seed_bodies_have_no_inline_tags(prefix):
    _, body = seed(prefix)
    assert names(body) == []


def test_seed_002_meta():
    meta, _ = seed("002")
    assert tags_from_meta(meta) == [
        "AI", "LLM", "DeepSeek", "Article(s)",
        "blog", "yozm.wishket.com", "ai", "artificial-intelligence",
        "llm", "large-language-models", "deepseek", "deep-seek",
    ]


def test_seeds_000_and_002_merge():
    idx = TagIndex()
    _, body0 = seed("000")
    meta2, _ = seed("002")
    idx.add("000", names(body0))
    idx.add("002", tags_from_meta(meta2))
    rows = dict(idx.tags())
    assert rows["AI"] == ["000", "002"]
    assert rows["DeepSeek"] == ["000", "002"]
    assert rows["LLM"] == ["002"]
    assert rows["Article(s)"] == ["002"]
    assert sorted(rows) == sorted(
        ["AI", "Article(s)", "blog", "DeepSeek", "LLM", "yozm.wishket.com"]
    )
    assert idx.note_tags("002") == [
        "AI", "LLM", "DeepSeek", "Article(s)", "blog", "yozm.wishket.com"
    ]


# ---------------------------------------------------------------- hypothesis

TAGGY = st.text(alphabet=st.sampled_from(list("#aA1_-/ .,()[]<>`&;:\n\t가딥시크\u3000")))
YAML_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
    st.text(), st.dates(),
)
YAML_VALUE = st.recursive(
    YAML_LEAF,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(TAGGY, st.text()))
def test_find_inline_tags_never_raises_and_is_in_bounds(text):
    for h in find_inline_tags(text):
        assert 0 <= h.start < h.end <= len(text)
        assert text[h.start:h.end] == "#" + h.name
        assert clean_tag(h.name) is not None  # every inline tag survives cleaning


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["tags", "tag", "category", "categories", "x"]), YAML_VALUE))
def test_tags_from_meta_never_raises(meta):
    out = tags_from_meta(meta)
    assert all(isinstance(t, str) and t and " " not in t for t in out)
    idx = TagIndex(SYN)
    idx.add("n", out)
    idx.tags()
    idx.note_tags("n")
