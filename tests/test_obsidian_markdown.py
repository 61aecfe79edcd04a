"""Obsidian's Markdown renders as Obsidian renders it: the conformance vault, built for real.

``tests/fixtures/obsidian_vault`` holds one note per feature, written from Obsidian's own
help (Callouts, Basic and Advanced formatting syntax, Internal links, Embed files); the
vault is built with ``--strict`` through the project's mkdocs.yml and hooks, and every
feature is checked on the HTML.  Unit tests of the pieces (settings, block sections,
regular expressions on hostile lines) follow.
"""
from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from bs4 import BeautifulSoup

from sitebuild import ROOT, build, tree_hash

VAULT = ROOT / "tests" / "fixtures" / "obsidian_vault"

CALLOUTS = "notes/콜아웃 Callouts"
MATH = "notes/수식 Math"
MERMAID = "notes/다이어그램 Mermaid"
BLOCKS = "notes/블록 참조 Block ids"
BLOCK_LINKS = "notes/블록 링크 Block links"
DIALECT = "notes/문법 Dialect"
MEDIA = "notes/미디어 Embedded media"
HUGO = "notes/휴고 내보내기 Hugo export"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("obsidian")
    docs = work / "docs"
    shutil.copytree(VAULT, docs)
    before = tree_hash(docs)
    code, log, site = build(docs, work, strict=True)
    assert code == 0, log[-3000:]
    assert tree_hash(docs) == before
    return site


@pytest.fixture(scope="module")
def vault(site):
    return json.loads((site / "vault.json").read_text(encoding="utf-8"))


def article(site: Path, rel: str):
    soup = BeautifulSoup((site / rel / "index.html").read_text(encoding="utf-8"), "lxml")
    art = soup.select_one("article.md-content__inner")
    for el in art.select("a.headerlink, aside.vs-backlinks"):
        el.decompose()
    return art


def exists_from(site: Path, page_rel: str, url: str) -> bool:
    parts = urlsplit(url)
    path = (site / page_rel / unquote(parts.path)).resolve()
    return (path / "index.html").exists() if path.is_dir() else path.exists()


# -- 1. callouts -------------------------------------------------------------------------

TYPES = {
    "note": "note", "abstract": "abstract", "summary": "abstract", "tldr": "abstract",
    "info": "info", "todo": "info", "tip": "tip", "hint": "tip", "important": "tip",
    "success": "success", "check": "success", "done": "success", "question": "question",
    "help": "question", "faq": "question", "warning": "warning", "caution": "warning",
    "attention": "warning", "failure": "failure", "fail": "failure", "missing": "failure",
    "danger": "danger", "error": "danger", "bug": "bug", "example": "example",
    "quote": "quote", "cite": "quote",
}


def callouts(art, title: str) -> list:
    out = []
    for box in art.select("div.admonition, details"):
        head = box.select_one(":scope > p.admonition-title, :scope > summary")
        if head is not None and head.get_text(strip=True) == title:
            out.append(box)
    return out


def callout(art, title: str):
    found = callouts(art, title)
    assert found, f"no callout titled {title!r}"
    return found[0]


@pytest.mark.parametrize("kind, material", sorted(TYPES.items()))
def test_every_callout_type_and_alias(site, kind, material):
    art = article(site, CALLOUTS)
    # No title: the type, as Obsidian shows it. The last of that title is the one under
    # "Every type and alias" (the first [!info] of the note is the help's example).
    box = callouts(art, kind.capitalize())[-1]
    assert box.name == "div"
    assert {"admonition", material}.issubset(box["class"]), box["class"]
    assert box["data-callout"] == kind
    assert box.select_one("p:not(.admonition-title)").get_text(strip=True) == kind


def test_callout_titles_folding_and_nesting(site):
    art = article(site, CALLOUTS)
    custom = callout(art, "제목을 바꿀 수 있습니다")
    assert "tip" in custom["class"] and "Like this one." in custom.get_text()
    title_only = callout(art, "본문 없는 콜아웃 Title-only")
    assert [c.name for c in title_only.find_all(recursive=False)] == ["p"]
    folded = callout(art, "접을 수 있나요? Are callouts foldable?")
    assert folded.name == "details" and not folded.has_attr("open") and "question" in folded["class"]
    opened = callout(art, "펼쳐진 채로 시작 Open by default")
    assert opened.name == "details" and opened.has_attr("open")
    outer = callout(art, "중첩할 수 있나요? Can callouts be nested?")
    middle = outer.select_one(":scope > div.admonition")
    assert middle is not None and "info" in middle["class"] and middle["data-callout"] == "todo"
    inner = middle.select_one(":scope > div.admonition")
    assert inner is not None and "example" in inner["class"]
    assert "여러 단계로도" in inner.get_text()
    custom_type = callout(art, "사용자 유형 Custom type")
    assert {"note", "callout-my-own-type"}.issubset(custom_type["class"])
    assert "note" in callout(art, "대소문자 Case-insensitive")["class"]


def test_two_callouts_stay_two(site):
    art = article(site, CALLOUTS)
    first = callout(art, "첫 번째 콜아웃 First")
    second = callout(art, "두 번째 콜아웃 Second")
    assert first is not second and first.find_next_sibling() is second
    assert "warning" in second["class"] and "note" in first["class"]


def test_callout_content(site):
    art = article(site, CALLOUTS)
    info = callout(art, "Info")
    assert info.select_one("a.vs-wikilink").get_text() == "위키링크"
    img = info.select_one("img")
    assert img["width"] == "120" and exists_from(site, CALLOUTS, img["src"])
    box = callout(art, "목록과 코드와 표 Lists, code, tables")
    kids = [c.name for c in box.find_all(recursive=False)]
    assert kids[:2] == ["p", "ul"] and "ol" in kids and "table" in kids, kids
    assert box.select_one(".highlight code").get_text().strip() == 'print("콜아웃 안의 코드")'
    assert box.select_one("table td").get_text() == "알파"
    embed = box.select_one(".vs-embed")  # a block embed inside a callout is embedded
    assert embed is not None and "Human-readable block identifiers." in embed.get_text()
    # A callout right after a paragraph (no blank line) is still a callout.
    after = callout(art, "문단 바로 뒤 Right after a paragraph")
    assert after.find_previous_sibling().get_text() == "본문 한가운데 Paragraph right before"


def test_callouts_never_fire_in_code(site):
    art = article(site, CALLOUTS)
    block = [c for c in art.select(".highlight code") if "[!warning]" in c.get_text()]
    assert block and "코드 블록 안의 콜아웃은 코드입니다" in block[0].get_text()
    assert any(c.get_text() == "> [!tip] inline" for c in art.select("code"))


# -- 2. math -----------------------------------------------------------------------------

def test_inline_and_display_math(site):
    art = article(site, MATH)
    inline = art.select("span.vs-math > math[display=inline]")
    assert len(inline) >= 3
    assert "e" in inline[0].get_text() and "π" in inline[0].get_text()
    display = art.select("div.vs-math-display > math[display=block]")
    assert len(display) == 4  # vmatrix, aligned, sum, and the one in the callout
    vmatrix = display[0]
    assert vmatrix.select("mtable mtr") and len(vmatrix.select("mtr")) == 2
    aligned = display[1]  # "\\" and "&": two rows of two aligned columns
    rows = aligned.select("mtr")
    assert len(rows) == 2 and all(len(r.select("mtd")) == 2 for r in rows)
    assert display[2].select_one("mfrac") is not None and display[2].select_one("munderover") is not None
    in_callout = callout(art, "콜아웃 안의 수식 Math in a callout")
    assert in_callout.select_one("div.vs-math-display math") is not None
    assert in_callout.select_one("span.vs-math math") is not None  # $a_1 * b_2$: no emphasis
    assert in_callout.select_one("em") is None


def test_dollars_in_prose_are_not_math(site):
    art = article(site, MATH)
    prose = [p for p in art.select("p") if "it costs" in p.get_text()]
    assert prose and prose[0].find("math") is None
    assert "it costs $5 and $10, or between $20-$30 per share." in prose[0].get_text()


def test_unconvertible_formula_shows_its_source(site):
    art = article(site, MATH)
    err = art.select_one("code.vs-math-error")
    assert err is not None and err.get_text() == r"$$\left( x$$"


def test_math_in_code_stays_code(site):
    art = article(site, MATH)
    assert any(c.get_text() == "$not math$" for c in art.select("code"))
    block = art.select_one(".highlight code")
    assert r"$$ \frac{a}{b} $$" in block.get_text() and block.find("math") is None


# -- 3. mermaid --------------------------------------------------------------------------

def test_mermaid_blocks_are_diagrams(site):
    art = article(site, MERMAID)
    diagrams = art.select("pre.mermaid")
    assert len(diagrams) == 2
    assert diagrams[0].get_text().startswith("sequenceDiagram")
    assert "생물학 --> 화학" in diagrams[1].get_text()
    assert art.select_one(".highlight") is None  # not highlighted as code
    # The script is the site's own copy (no CDN): the loader and the library are published.
    assert (site / "assets" / "javascripts" / "mermaid-loader.js").exists()
    assert (site / "assets" / "javascripts" / "vendor" / "mermaid.min.js").stat().st_size > 1_000_000
    html = (site / MERMAID / "index.html").read_text(encoding="utf-8")
    loader = html.index("mermaid-loader.js")
    assert loader < html.index("assets/javascripts/bundle.")  # before Material's bundle


# -- 4. block ids ------------------------------------------------------------------------

BLOCK_IDS = {
    "^quote-of-the-day": "p",
    "^item-two": "li",
    "^my-list-id": "ul",
    "^my-quote": "blockquote",
    "^my-callout": "div",
    "^my-table": "table",
}


@pytest.mark.parametrize("bid, tag", sorted(BLOCK_IDS.items()))
def test_block_ids_name_their_blocks(site, bid, tag):
    art = article(site, BLOCKS)
    el = art.find(id=bid)
    assert el is not None and el.name == tag
    assert bid not in el.get_text()
    if bid == "^my-callout":
        assert "admonition" in el["class"]


def test_block_ids_are_never_shown(site):
    art = article(site, BLOCKS)
    text = art.get_text()
    for bid in BLOCK_IDS:
        assert bid not in text
    assert not art.select("p:empty")


def test_links_to_blocks_land_on_them(site):
    art = article(site, BLOCK_LINKS)
    bare = [a for a in art.select("a.vs-wikilink") if "^" in a.get_text()]
    assert [a.get_text() for a in bare] == ["블록 참조 Block ids > ^quote-of-the-day"]  # as Obsidian shows it
    for text, bid in [("오늘의 문장", "^quote-of-the-day"), ("목록", "^my-list-id"), ("둘째 항목", "^item-two"),
                      ("인용문", "^my-quote"), ("표", "^my-table"), ("콜아웃", "^my-callout")]:
        a = [x for x in art.select("a.vs-wikilink") if x.get_text() == text][0]
        parts = urlsplit(a["href"])
        assert unquote(parts.fragment) == bid
        target = (site / BLOCK_LINKS / unquote(parts.path)).resolve() / "index.html"
        page = BeautifulSoup(target.read_text(encoding="utf-8"), "lxml")
        assert page.find(id=bid) is not None, bid


def test_block_embeds_embed_just_the_block(site):
    art = article(site, BLOCK_LINKS)
    embeds = art.select(".vs-embed")
    lists = [e for e in embeds if e.select_one("ul")]
    assert lists and [li.get_text(strip=True) for li in lists[0].select("li")] == [
        "첫째 항목 list item 1", "항목에 붙인 식별자 item with its own id", "셋째 항목 list item 3"]
    assert "중간 문단" not in lists[0].get_text() and "마지막 문단" not in lists[0].get_text()
    tables = [e for e in embeds if e.select_one("table")]
    assert tables and "마지막 문단" not in tables[0].get_text() and "셋째 항목" not in tables[0].get_text()
    in_callout = callout(art, "콜아웃 안의 임베드 Embed inside a callout").select_one(".vs-embed")
    assert in_callout.select_one("blockquote").get_text(strip=True).startswith("인용문도 블록입니다.")
    assert "^my-quote" not in in_callout.get_text()
    sentence = art.select_one("span.vs-embed-inline")
    assert sentence.get_text(" ", strip=True).startswith("항목에 붙인 식별자 item with its own id")
    assert "^item-two" not in sentence.get_text()


# -- 5. dialect --------------------------------------------------------------------------

def test_inline_footnotes(site):
    art = article(site, DIALECT)
    refs = art.select("sup a.footnote-ref")
    assert [r.get_text() for r in refs] == ["1", "2", "3"]  # numbered in reading order
    notes = art.select("div.footnote li")
    assert notes[0].get_text(strip=True).startswith("This is an inline footnote.")
    assert notes[1].select_one("a.vs-wikilink").get_text() == "수식 Math"
    assert notes[2].get_text(strip=True).startswith("This is the referenced text.")
    assert "^[" not in art.get_text()


def test_task_states(site):
    art = article(site, DIALECT)
    items = {li["data-task"]: li for li in art.select("li.task-list-item")}
    assert set(items) == {"x", " ", "?", "-", "/", ">", "!"}
    for state, li in items.items():
        box = li.select_one("input[type=checkbox]")
        assert box.has_attr("checked") == (state != " ")
        assert li.get_text(strip=True) and f"[{state}]" not in li.get_text()
        if state not in " x":
            assert li.select_one(".task-list-indicator")["data-task"] == state


def test_paren_ordered_list(site):
    art = article(site, DIALECT)
    ol = [o for o in art.select("ol") if "첫째 first" in o.get_text()]
    assert ol and [li.get_text() for li in ol[0].select("li")] == ["첫째 first", "둘째 second", "셋째 third"]


def test_autolinks_and_mail(site):
    art = article(site, DIALECT)
    hrefs = {a.get_text(): a["href"] for a in art.select("a")}
    assert hrefs["https://obsidian.md"] == "https://obsidian.md"
    assert hrefs["https://help.obsidian.md/Home"] == "https://help.obsidian.md/Home"
    assert hrefs["me@example.com"] == "mailto:me@example.com"
    assert hrefs["team@example.org"] == "mailto:team@example.org"
    assert not art.select(".vs-missing")


def test_single_line_breaks(site, vault):
    formats = {n["title"]: n["format"] for n in vault["notes"]}
    assert formats["문법 Dialect"] in ("obsidian", "markdown")
    p = [p for p in article(site, DIALECT).select("p") if "첫째 줄" in p.get_text()][0]
    assert p.find("br") is not None
    # A Hugo export keeps Hugo's rules: the lines join.
    assert formats["휴고 내보내기 Hugo export"] == "hugo"
    hp = [p for p in article(site, HUGO).select("p") if "휴고로" in p.get_text()][0]
    assert hp.find("br") is None


def test_image_sizes(site):
    art = article(site, DIALECT)
    sizes = {(i.get("alt"), i.get("width"), i.get("height")) for i in art.select("img")}
    assert ("Engelbart", "100", "145") in sizes
    assert ("차트", "100", None) in sizes
    assert ("chart.png", "80", None) in sizes
    assert ("", "250", None) in sizes
    for img in art.select("img"):
        if not img["src"].startswith("http"):
            assert exists_from(site, DIALECT, img["src"])


# -- 6. media ----------------------------------------------------------------------------

def test_pdf_viewers(site):
    art = article(site, MEDIA)
    frames = art.select(".vs-pdf iframe")
    assert [unquote(f["src"]).rsplit("/", 1)[-1] for f in frames] == [
        "Document.pdf", "Document.pdf#page=3", "Document.pdf"]
    assert frames[2]["height"] == "400"
    for f in frames:
        assert exists_from(site, MEDIA, f["src"])
        link = f.find_next_sibling("a")
        assert link.has_attr("download") and exists_from(site, MEDIA, link["href"])


@pytest.mark.parametrize("kind, names", [
    ("audio", ["소리 sample.mp3", "Excerpt.ogg", "beep.wav", "memo.m4a", "lossless.flac"]),
    ("video", ["Video clip.mp4", "clip.webm", "phone.mov"]),
])
def test_audio_and_video_players(site, kind, names):
    art = article(site, MEDIA)
    players = art.select(f".vs-{kind} > {kind}[controls]")
    assert [unquote(p.select_one("source")["src"]).rsplit("/", 1)[-1] for p in players] == names
    for p in players:
        assert exists_from(site, MEDIA, p.select_one("source")["src"])
        link = p.find_next_sibling("a")
        assert link.has_attr("download") and exists_from(site, MEDIA, link["href"])


# -- everywhere --------------------------------------------------------------------------

RAW = [re.compile(r"\[![\w-]+\]"), re.compile(r"\$\$"), re.compile(r"```mermaid"),
       re.compile(r"(?:^|\s)\^[A-Za-z0-9][A-Za-z0-9-]*(?:\s|$)"), re.compile(r"\[\[")]


def test_no_raw_obsidian_syntax_outside_code(site):
    pages = sorted(site.rglob("index.html"))
    assert len(pages) >= 9
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        art = soup.select_one("article.md-content__inner")
        if art is None:
            continue
        for el in art.select("code, pre, script, style"):
            el.decompose()
        for a in art.select("a.vs-wikilink"):  # [[Note#^id]] reads "Note > ^id", as in Obsidian
            a.decompose()
        text = art.get_text("\n")
        for rx in RAW:
            assert not rx.search(text), (page, rx.pattern, rx.search(text))


# -- the pieces --------------------------------------------------------------------------

def test_settings_from_app_json(tmp_path):
    from vaultsite.appsettings import ObsidianSettings, read_settings
    from vaultsite.build import scan_dir

    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.md").write_text("x\ny\n", encoding="utf-8")
    assert read_settings(scan_dir(str(tmp_path))) == ObsidianSettings()
    (tmp_path / ".obsidian").mkdir()
    assert read_settings(scan_dir(str(tmp_path))) == ObsidianSettings(is_vault=True)
    (tmp_path / ".obsidian" / "app.json").write_text('{"strictLineBreaks": true}', encoding="utf-8")
    strict = read_settings(scan_dir(str(tmp_path)))
    assert strict.strict_line_breaks and not strict.soft_breaks("obsidian")
    (tmp_path / ".obsidian" / "app.json").write_text("{broken", encoding="utf-8")
    problems = []
    assert read_settings(scan_dir(str(tmp_path)), problems) == ObsidianSettings(is_vault=True)
    assert problems and problems[0].level == "info"
    default = ObsidianSettings(is_vault=True)
    assert default.soft_breaks("obsidian") and default.soft_breaks("markdown")
    assert not default.soft_breaks("hugo") and not default.soft_breaks("tistory")
    assert not ObsidianSettings().soft_breaks("markdown")  # not an Obsidian vault


def test_block_sections():
    from vaultsite.model import Note
    from vaultsite.render import section

    body = ("Intro paragraph\nsecond line ^para\n\n- a\n- b ^item\n  - b.1\n- c\n\n^list\n\n"
            "> q1\n> q2\n\n^quote\n\nlast\n")
    note = Note(src="n.md", title="n", body=body, format="obsidian")
    assert section(note, "^para") == "Intro paragraph\nsecond line ^para"
    assert section(note, "^item") == "- b ^item\n  - b.1"
    assert section(note, "^list") == "- a\n- b ^item\n  - b.1\n- c\n\n^list"
    assert section(note, "^quote") == "> q1\n> q2\n\n^quote"


def _convert(text: str, fmt: str = "obsidian") -> str:
    import markdown

    from vaultsite.mdext import VaultExtension
    from vaultsite.model import Note

    ext = VaultExtension()
    md = markdown.Markdown(extensions=["footnotes", "admonition", "pymdownx.superfences",
                                       "pymdownx.tasklist", "tables", ext])
    ext.set_page(Note(src="n.md", title="n", body=text, format=fmt, page_src="n.md"))
    return md.convert(text)


def test_blog_copies_keep_their_dollars_and_brackets():
    html = _convert("Bought $AAPL,$TSLA today.\n\n- [1] 참고 문헌\n", fmt="tistory")
    assert "<math" not in html and "$AAPL,$TSLA" in html
    assert "checkbox" not in html and "[1] 참고 문헌" in html


def _timed(text: str, ours: bool = True) -> float:
    import markdown

    from vaultsite.mdext import VaultExtension
    from vaultsite.model import Note

    ext = VaultExtension()
    exts = ["footnotes", "admonition", "pymdownx.superfences", "pymdownx.tasklist", "tables"]
    md = markdown.Markdown(extensions=exts + ([ext] if ours else []))
    ext.set_page(Note(src="n.md", title="n", body=text, format="obsidian", page_src="n.md"))
    started = time.process_time()
    md.convert(text)
    return time.process_time() - started


@pytest.mark.parametrize("text", [
    "$" + "a $" * 20000,  # unclosed inline math, over and over
    "$$" + "x" * 40000,  # an unclosed display formula
    "$" * 40000,
    "$$x$$ " * 5000,
    "> [!note]\n" + "> " + "[!x] " * 5000,
    "text " + "^a " * 20000 + "\n",  # block-id lookalikes
    "^[" * 1000,  # unclosed inline footnotes (Python-Markdown itself is quadratic on "[" runs)
])
def test_no_slow_paths_on_hostile_lines(text):
    """Our processors add no more than a fraction to what Python-Markdown spends anyway."""
    ours, base = _timed(text), _timed(text, ours=False)
    assert ours < 1.5 * base + 1.0, (ours, base)


def test_inline_footnote_scan_is_linear():
    from vaultsite.mdsyntax import InlineFootnotes, bracket_pairs

    assert bracket_pairs("a [b [c] d] \\[ x] [\n\n]") == {5: 7, 2: 10}
    started = time.process_time()
    InlineFootnotes(None).run(("^[" * 40000 + "\n" + "x ^[y] " * 20000).split("\n"))
    assert time.process_time() - started < 2.0


_LABEL_PIECES = ["ab", "노트", "HBM", " ", "*", "**", "_", "~~", "==", "^", "`", "$", "!", "<b>", "&amp;",
                 "me@x.com", "http://x.y", "www.x.com", ":", ".", "#1", "\\*", "-"]


def _wikilink_html(tmp_path, body: str, plain_path: bool) -> str:
    """``body`` (a note linking to ``Target``) converted with mkdocs.yml's inline extensions
    and abbreviations, with or without the shortcut for link texts no pattern can change."""
    import markdown

    from vaultsite import mdext
    from vaultsite.build import Cache, build_vault, scan_dir

    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "Target.md").write_text("# Target\n", encoding="utf-8")
    (docs / "Note.md").write_text(body, encoding="utf-8")
    vault = build_vault(scan_dir(str(docs)), Cache())
    ext = mdext.VaultExtension()
    ext.bind(vault.resolver, vault.tag_index)
    md = markdown.Markdown(extensions=["abbr", "footnotes", "attr_list", "pymdownx.betterem", "pymdownx.caret",
                                       "pymdownx.mark", "pymdownx.tilde", "pymdownx.inlinehilite",
                                       "pymdownx.magiclink", ext])
    ext.set_page(next(n for n in vault.notes if n.src == "Note.md"))
    saved = mdext._PLAIN_LABEL
    if not plain_path:
        mdext._PLAIN_LABEL = re.compile(r"(?!)")
    try:
        return md.convert(body)
    finally:
        mdext._PLAIN_LABEL = saved


def _same_with_and_without_the_shortcut(tmp_path, label: str, abbr: bool) -> None:
    body = f"앞 [[Target|{label}]] 뒤 [[Target]]\n" + ("\n*[HBM]: High Bandwidth Memory\n" if abbr else "")
    assert _wikilink_html(tmp_path, body, True) == _wikilink_html(tmp_path, body, False)


@pytest.mark.parametrize("abbr", [False, True])
@pytest.mark.parametrize("piece", _LABEL_PIECES)
def test_wikilink_texts_skipped_by_later_inline_patterns_render_as_before(tmp_path, piece, abbr):
    """A wikilink's text no later inline pattern can change is left alone (``mdext``'s
    ``_PLAIN_LABEL``): the page is the one every pattern would have made, abbreviations too."""
    for label in (f"{piece}ab{piece}", f"HBM {piece}노트{piece} x", f"{piece} ab"):
        if label.strip():
            _same_with_and_without_the_shortcut(tmp_path, label, abbr)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(label=st.lists(st.sampled_from(_LABEL_PIECES), min_size=1, max_size=6).map("".join), abbr=st.booleans())
def test_any_wikilink_text_renders_as_every_inline_pattern_makes_it(tmp_path, label, abbr):
    assume(label.strip())
    _same_with_and_without_the_shortcut(tmp_path, label, abbr)


def test_an_abbreviation_in_a_plain_wikilink_text_is_marked(tmp_path):
    html = _wikilink_html(tmp_path, "[[Target|HBM 노트]]\n\n*[HBM]: High Bandwidth Memory\n", True)
    assert '<abbr title="High Bandwidth Memory">HBM</abbr> 노트</a>' in html


def test_a_link_the_user_writes_like_a_placeholder_stays_as_written(tmp_path):
    """Python-Markdown's own placeholders can reach an href (a code span in a link target):
    the pass after relpath replaces only its own placeholders."""
    html = _wikilink_html(tmp_path, "[x](vaultsite:`0`) [[Target]] [y](vaultsite:\x02wzxhzdk:0\x03)\n", True)
    assert 'href="../Target/"' in html and "vaultsite:" in html


def test_without_directory_urls_links_to_pages_are_left_to_mkdocs(tmp_path):
    import markdown

    from vaultsite import mdext
    from vaultsite.build import Cache, build_vault, scan_dir

    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "Target.md").write_text("# Target\n", encoding="utf-8")
    (docs / "sub" / "Note.md").write_text("[[Target]] #tag1\n", encoding="utf-8")
    vault = build_vault(scan_dir(str(docs)), Cache())
    ext = mdext.VaultExtension()
    ext.bind(vault.resolver, vault.tag_index, tag_pages=vault.tag_pages, directory_urls=False)
    md = markdown.Markdown(extensions=[ext])
    ext.set_page(next(n for n in vault.notes if n.src == "sub/Note.md"))
    html = md.convert("[[Target]] #tag1\n")
    assert 'href="../Target.md"' in html and "vaultsite:" not in html  # MkDocs' relpath rewrites these


def test_another_extensions_inline_pattern_turns_the_shortcut_off(tmp_path):
    """An inline pattern of an extension mkdocs.yml does not list (``++ins++``, made with a
    class of Python-Markdown's own) may look for characters ``_PLAIN_LABEL`` lets through."""
    import markdown
    from markdown.extensions import Extension
    from markdown.inlinepatterns import SimpleTagInlineProcessor

    from vaultsite import mdext
    from vaultsite.build import Cache, build_vault, scan_dir

    class Ins(Extension):
        def extendMarkdown(self, md):  # noqa: N802
            md.inlinePatterns.register(SimpleTagInlineProcessor(r"(\+\+)(.+?)\+\+", "ins"), "ins", 65)

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "Target.md").write_text("# Target\n", encoding="utf-8")
    (docs / "Note.md").write_text("[[Target|a ++b++ c]]\n", encoding="utf-8")
    vault = build_vault(scan_dir(str(docs)), Cache())
    ext = mdext.VaultExtension()
    ext.bind(vault.resolver, vault.tag_index)
    md = markdown.Markdown(extensions=[Ins(), ext])
    ext.set_page(next(n for n in vault.notes if n.src == "Note.md"))
    assert "a <ins>b</ins> c</a>" in md.convert("[[Target|a ++b++ c]]\n")
