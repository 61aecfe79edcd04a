"""Property-based tests: arbitrary text and front matter through every parser stage.

Each stage must take anything a vault can hold without raising, and keep its
contract (offsets point into the input, shapes are known names, every input
file ends up as a note, an attachment or a problem).  Text is drawn from a mix
of arbitrary Unicode and the fragments the parsers look for (wikilinks, front
matter fences, dates, company names, blog chrome), so the examples reach the
interesting branches rather than only the "no markup" one.
"""
from __future__ import annotations

import os
import re
import string
import unicodedata

import markdown
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultsite import companies, dates, sanitize, shapes, tags
from vaultsite.build import Source, build_vault, is_note_path
from vaultsite.index import VaultIndex
from vaultsite.links import Resolver, extract_links
from vaultsite.mdext import VaultExtension
from vaultsite.model import Note
from vaultsite.render import note_source

# VAULTSITE_PROPERTY_SCALE=20 for a long bug hunt; the default keeps the file well under a minute.
SCALE = int(os.environ.get("VAULTSITE_PROPERTY_SCALE", "1"))
FAST = settings(max_examples=300 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=100 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FRAGMENTS = [
    "[[", "]]", "![[", "|", "#", "^", "\\|", "[", "](", ")", "(", "<", ">", "%20", "%", "/", "../", ".md", ".png",
    "# ", "## ", "\n", "\n\n", "---\n", "+++\n", "```\n", "`", "~~~", "    ", "\t", "\r\n", "\ufeff", "\u00a0",
    "- ", "1. ", "> ", "> [!note] ", "==", "%%", "**", "_", "~~", "|---|", "<!--", "-->",
    "2025년 1월 20일", "2024.3.5", "2025-06-27", "3월 5일", "같은 해", "2023년", "1/27",
    "엔비디아", "NVIDIA", "삼성전자", "TSMC", "딥시크(DeepSeek)", "Broadcom(AVGO)", "(NASDAQ: MRVL)", "SK하이닉스(000660)",
    "#AI", "#반도체/메모리", "#123", "#fff",
    "본문 바로가기", "728x90", "by 글쓴이 2025. 2. 21. 10:00", "이웃추가", "blog.naver.com",
    ":::", "::: info", "{{ $frontmatter.title }}", "<SiteInfo", "[[toc]]", "```component VPCard",
    "{{< ref \"x\" >}}", "<div style=\"display:none\"><meta property=\"article:", "<script>", "</script>",
    "title:", "tags:", "date:", "aliases:", "- ", ": ", "[", "{", "}", "'", "\"", "*", "&",
    "Alpha", "알파", "노트", "Note Two", "chart.png", "한글", "🚀",
]
TEXT_ALPHABET = st.characters(blacklist_categories=("Cs",))  # anything str can hold but lone surrogates
any_text = st.text(TEXT_ALPHABET, max_size=60)
markdownish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), any_text), max_size=40).map("".join)
texts = st.one_of(markdownish, st.text(TEXT_ALPHABET, max_size=300))

yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                         st.text(TEXT_ALPHABET, max_size=20), st.sampled_from(["2025-01-27", "2025-01-27T10:00:00+09:00", "yes", "~"]))
yaml_values = st.recursive(yaml_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)
meta_keys = st.one_of(st.sampled_from(["title", "tags", "tag", "category", "categories", "date", "aliases", "author",
                                       "source", "url", "description", "head", "icon", "star", "lastmod", "weight"]),
                      st.text(max_size=8))
metas = st.dictionaries(meta_keys, yaml_values, max_size=6)


def _dump(value) -> str:
    try:
        return yaml.safe_dump(value, allow_unicode=True)
    except Exception:
        return repr(value)


front_matter = st.one_of(
    metas.map(_dump),  # valid YAML mappings
    yaml_values.map(_dump),  # lists, numbers, strings: valid YAML, not a mapping
    any_text,  # almost never valid YAML
    markdownish,
)
notes_text = st.one_of(
    texts,
    st.tuples(front_matter, texts).map(lambda p: f"---\n{p[0]}\n---\n{p[1]}"),
    st.tuples(front_matter, texts).map(lambda p: f"+++\n{p[0]}\n+++\n{p[1]}"),
)
SAFE_NAME = st.text(st.sampled_from(string.ascii_letters + string.digits + " -_.()가나다라한글노트"), min_size=1, max_size=12) \
    .filter(lambda s: s.strip(" .") == s and s not in (".", ".."))
src_names = st.tuples(st.sampled_from(["", "notes/", "clippings/", "a/b/"]), SAFE_NAME,
                      st.sampled_from([".md", ".txt", ".markdown", ".MD", ""])).map("".join)

REGISTRY = companies.Registry.load()


# -- shapes ----------------------------------------------------------------------------
@FAST
@given(notes_text, src_names)
def test_recognise_and_normalise_never_raise(text, src):
    shape = shapes.recognise(text, src)
    assert shape in shapes.SHAPES
    note = shapes.normalise(src, text)
    assert isinstance(note, Note) and note.src == src
    assert isinstance(note.title, str) and note.title.strip() and "\n" not in note.title
    assert isinstance(note.body, str)
    assert note.format in shapes.SHAPES
    assert all(isinstance(t, str) and t for t in note.tags)
    assert all(isinstance(a, str) and a for a in note.aliases)
    assert note.date is None or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", note.date), note.date
    assert all(isinstance(p, str) for p in note.problems)


@FAST
@given(metas, texts)
def test_any_yaml_front_matter_mapping(meta, body):
    note = shapes.normalise("notes/x.md", f"---\n{_dump(meta)}---\n{body}")
    assert isinstance(note.title, str) and note.title
    assert note.source_url is None or note.source_url.startswith(("http://", "https://"))


# -- tags ------------------------------------------------------------------------------
@FAST
@given(texts)
def test_inline_tags_point_into_the_text(text):
    last = -1
    for hit in tags.find_inline_tags(text):
        assert text[hit.start:hit.end] == "#" + hit.name
        assert hit.start > last
        last = hit.start
        assert re.search(r"[^\W\d_]", hit.name)


@FAST
@given(st.one_of(metas, yaml_values))
def test_tags_from_any_meta(meta):
    out = tags.tags_from_meta(meta)
    assert isinstance(out, list)
    for t in out:
        assert isinstance(t, str) and t == t.strip() and not re.search(r"\s", t)
    index = tags.TagIndex()
    index.add("n", out)
    assert all(isinstance(name, str) for name, _ in index.tags())


# -- dates -----------------------------------------------------------------------------
@FAST
@given(texts, st.one_of(st.none(), st.sampled_from(["2025-01-27", "2024-12", "2023", "garbage", ""]), any_text))
def test_dates_never_raise(body, note_date):
    events, unplaced = dates.extract_events(body, note_date)
    assert unplaced >= 0
    for ev in events:
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", ev.date), ev.date
        assert ev.precision == {10: "day", 7: "month", 4: "year"}[len(ev.date)]
        assert 0 <= ev.start < max(len(body), 1)
        assert isinstance(ev.text, str)


# -- companies -------------------------------------------------------------------------
@FAST
@given(texts)
def test_company_mentions_point_into_the_text(text):
    end = 0
    for m in REGISTRY.find_mentions(text):
        assert m.start >= end and m.end > m.start
        assert text[m.start:m.end] == m.surface
        assert REGISTRY.get(m.company_id) is not None
        end = m.end
    for company in REGISTRY.discover(text):
        assert company.discovered and company.id and company.name


# -- links -----------------------------------------------------------------------------
def _small_index() -> Resolver:
    index = VaultIndex()
    for src, title in [("notes/Alpha.md", "Alpha"), ("notes/Note Two.md", "노트 둘"), ("sub/알파.md", "알파"),
                       ("archive/Alpha.md", "Alpha old"), ("clippings/한글.txt", "한글")]:
        note = shapes.normalise(src, f"# {title}\n\n## 개요\n\n본문 ^block1\n")
        note.page_src = src if src.endswith(".md") else src[:-4] + ".md"
        index.add_note(note)
    for src in ["attachments/chart.png", "files/report.pdf", "한글 그림.png"]:
        index.add_attachment(src)
    return Resolver(index)


RESOLVER = _small_index()


@FAST
@given(texts, st.sampled_from(["notes/Alpha.md", "sub/x.md", "new.md"]))
def test_extract_links_never_raises(body, src):
    origin = Note(src=src, title="origin", body=body, format="markdown", page_src=src)
    records = extract_links(origin, RESOLVER)
    starts = [r.start for r in records]
    assert starts == sorted(starts)
    for r in records:
        assert body[r.start:r.end] == r.raw
        assert r.target.kind in ("note", "file", "page", "missing", "missing-file", "refused")


# -- the whole core, and rendering ------------------------------------------------------
file_data = st.one_of(
    notes_text.map(lambda t: t.encode("utf-8")),
    notes_text.map(lambda t: t.encode("utf-16")),
    st.text(st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), max_size=40).map(lambda t: t.encode("cp949")),
    st.binary(max_size=300),
)
vault_files = st.dictionaries(src_names.map(lambda s: unicodedata.normalize("NFC", s)), file_data,
                              min_size=1, max_size=8)


@SLOW
@given(vault_files)
def test_every_file_is_a_note_an_attachment_or_a_problem(files):
    sources = [Source(src, None, len(data), 0.0, data=data) for src, data in files.items()]
    vault = build_vault(sources, registry=companies.Registry.load())
    problems = {p.src for p in vault.problems}
    for src in files:
        placed = [src in vault.index.notes, src in vault.index.attachments,
                  is_note_path(src) and src not in vault.index.notes and src in problems]
        assert sum(placed) == 1, (src, placed)
        assert (src in vault.index.attachments) == (not is_note_path(src))
    assert len({n.page_src for n in vault.notes}) == len(vault.notes)  # no two notes on one page
    assert len({n.url for n in vault.notes}) == len(vault.notes)

    ext = VaultExtension()
    ext.bind(vault.resolver, vault.tag_index)
    md = markdown.Markdown(extensions=[ext, "tables", "footnotes", "attr_list", "md_in_html", "admonition"])
    for note in vault.notes:
        source = note_source(vault, note)
        assert source.startswith("---\n")
        ext.set_page(note)
        html = md.reset().convert(source[4:].split("\n---\n", 1)[1])
        clean = sanitize.clean_page(html, note)
        assert "<script" not in clean.lower()


@settings(max_examples=300, deadline=None)
@given(title=st.text(), tags=st.lists(st.text(max_size=12), max_size=4), description=st.text(max_size=40))
def test_front_matter_reaches_mkdocs_intact(title, tags, description):
    """Every page's front matter is written by ``render.front_matter`` and read by MkDocs'
    own reader: any title (control characters, NEL, emoji, lone surrogates) comes back as is."""
    from mkdocs.utils.meta import get_data

    from vaultsite.render import front_matter

    meta = {"title": title, "tags": tags, "description": description}
    body, data = get_data(front_matter(meta) + "본문\n")
    assert data == meta
    assert body == "본문\n"
