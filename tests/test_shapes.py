"""Shape recognition and normalisation, on the real seed notes and on hard cases.

Every seed body is rendered with Python-Markdown (the extensions the site
uses) and checked with a parser: no prose in code blocks, no export debris,
the structure the reader should see.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultsite.decode import decode_bytes
from vaultsite.model import Note
from vaultsite.shapes import SHAPES, normalise, recognise
from vaultsite.shapes.common import as_name_list, derive_title, parse_date, split_front_matter

SEEDS = Path(__file__).parent / "fixtures" / "seeds"  # byte-for-byte copies of the seed notes
EXTENSIONS = ["tables", "admonition", "attr_list", "md_in_html", "pymdownx.superfences"]
HANGUL = re.compile(r"[\uac00-\ud7a3]")

# seed prefix -> the path it has under docs/
SEED_SRC = {
    "000": "notes/DeepSeek.md",
    "001": "clippings/딥시크 탄생과 AI 반도체 시장 영향 (티스토리).txt",
    "002": "clippings/딥시크 넌 누구니 (요즘IT).md",
    "003": "clippings/AI 시장 딥시크 쇼크 (블로그).txt",
    "004": "clippings/딥시크와 미국 AI 관련주 (블로그).txt",
}
DEBRIS = ["본문 바로가기", "728x90", "{{ $frontmatter", "component VPCard", "<SiteInfo", "[[toc]]",
          ":::", "display:none", "]]", ")))"]


def seed_text(prefix: str) -> str:
    (path,) = SEEDS.glob(prefix + "_*")
    text, problem = decode_bytes(path.read_bytes())
    assert problem is None
    return text


_NOTES: dict[str, Note] = {}


def seed_note(prefix: str) -> Note:
    if prefix not in _NOTES:
        _NOTES[prefix] = normalise(SEED_SRC[prefix], seed_text(prefix))
    return _NOTES[prefix]


def render(body: str) -> BeautifulSoup:
    return BeautifulSoup(markdown.markdown(body, extensions=EXTENSIONS), "html.parser")


def _text(el) -> str:
    return re.sub(r"\s+", " ", el.get_text(" ")).strip()


# ---------------------------------------------------------------------------
# seeds: metadata

@pytest.mark.parametrize(
    "prefix, fmt, title, date, author",
    [
        ("000", "hugo", "DeepSeek", "2025-06-27", None),
        ("001", "tistory", "딥시크(DeepSeek) 탄생 및 성능 향후 AI, 반도체 시장에 미칠 영향", "2025-02-21",
         "00년 새내기"),
        ("002", "vuepress", "ChatGPT 긴장시킨 딥시크(DeepSeek), 넌 누구니?", "2025-02-04", "이재훈"),
        # the emoji is part of the author's title: kept
        ("003", "plain-text", "AI 시장, 딥시크(DeepSeek) 때문에 난리났다고?! 😎", None, None),
    ],
)
def test_seed_metadata(prefix, fmt, title, date, author):
    note = seed_note(prefix)
    assert recognise(seed_text(prefix), SEED_SRC[prefix]) == fmt
    assert (note.format, note.title, note.date, note.author) == (fmt, title, date, author)
    assert note.problems == []


def test_seed_004_title_from_first_sentence():
    note = seed_note("004")
    first_line = seed_text("004").split("\n", 1)[0]
    assert note.format == "plain-text"
    assert note.date is None and note.author is None
    assert note.title.startswith("1/24 중국의 Deep Seek 기업이 발표한")
    assert len(note.title) <= 60
    assert note.title.rstrip("…") in first_line
    assert not note.title.endswith(".")
    # the first line is prose, not a title line: it stays in the body
    assert note.body.startswith("1/24 중국의 Deep Seek")


def test_seed_002_metadata():
    note = seed_note("002")
    # the first <SiteInfo> is the clipped article; og:url is the clipping site's mirror
    assert note.source_url == "https://yozm.wishket.com/magazine/detail/2959/"
    assert note.extra["mirror_url"] == "https://chanhi2000.github.io/bookshelf/yozm.wishket.com/2959.html"
    assert note.extra["cover"] == "https://yozm.wishket.com/media/news/2959/SUM.png"
    assert note.extra["author_url"] == "https://yozm.wishket.com/magazine/@jhjh126/"
    assert note.description == "Article(s) > ChatGPT 긴장시킨 딥시크(DeepSeek), 넌 누구니?"
    assert note.tags == ["blog", "yozm.wishket.com", "ai", "artificial-intelligence", "llm",
                         "large-language-models", "deepseek", "deep-seek", "AI", "LLM", "DeepSeek",
                         "Article(s)"]
    assert note.category == "AI"


def test_seed_001_category():
    note = seed_note("001")
    assert note.category == "산업분석"
    assert note.tags == ["산업분석"]


# ---------------------------------------------------------------------------
# seeds: rendered bodies

@pytest.mark.parametrize("prefix", sorted(SEED_SRC))
def test_seed_body_renders_clean(prefix):
    note = seed_note(prefix)
    soup = render(note.body)
    html = str(soup)
    text = soup.get_text(" ")
    for el in soup.find_all(["pre", "code"]):
        assert not HANGUL.search(el.get_text()), f"prose in a code block: {el.get_text()[:80]!r}"
    for junk in DEBRIS:
        assert junk not in text, junk
        assert junk not in note.body, junk
    assert "display:none" not in html
    if prefix != "000":  # 000 starts with "#AI #DeepSeek": inline tags, the tag extension's job
        assert not soup.find("h1"), "Material prints the title: no H1 in bodies"
    for line in note.body.split("\n"):
        if HANGUL.search(line) and re.match(r"^(\t| {4})", line):
            # indented Hangul is only allowed as list structure / admonition content
            assert re.match(r"^\s+([-*+] |\d+\. |» |예를|\*\*\[|\{: |[^\s])", line)


def test_seed_000_body():
    note = seed_note("000")
    body = note.body
    assert body.startswith("#AI #DeepSeek\n")  # inline tags stay for the tag extension
    assert "[2025-01-25 미국 시황 정리](/daily-summary/2025-01-25-미국-시황-정리/), DeepSeek 쇼크" in body
    assert "(2025-01-29%20미국%20시황%20정리.md), ![](Pasted%20image%2020250128213316.png)" in body
    assert "![](Pasted%20image%2020250127123720.png)" in body
    assert "1. 메모리 사용량 및 계산 비용을 앞도적으로 줄인 Gen AI의 등장한 것임." in body
    assert "[2025-01-28 미국 시황 정리](/daily-summary/2025-01-28-미국-시황-정리/),  " \
           "중국의 DeepSeek이란 무엇이며, 왜 AI 업계를 놀라게 하고 있는가?" in body
    assert "[사이버 보안](/industry-study/사이버-보안/)" in body
    assert "딥시크는 저비용 고효율의 Gen AI를 구축한 것임" in body
    assert "<meta" not in body and "<div" not in body
    assert not re.search(r"^\s*-\s*$", body, re.M)  # the trailing empty item is gone
    assert body.rstrip().endswith("판단한다")

    soup = render(body)
    # nested list: "24.05.17 …" is an <li> of a <ul> inside the first <ol> item
    li = next(li for li in soup.find_all("li") if _text(li).startswith("24.05.17"))
    assert li.parent.name == "ul" and li.parent.parent.name == "li"
    assert li.parent.parent.parent.name == "ol"
    first_ol = soup.find("ol")
    assert len(first_ol.find_all("li", recursive=False)) == 9
    # "•" lines are a bullet list; "»" lines are paragraphs of their own
    bullets = [_text(li) for li in soup.find_all("li")]
    assert "AIME 2024: 수학 문제 해결 능력" in bullets
    paragraphs = [_text(p) for p in soup.find_all("p")]
    assert sum(p.startswith("» ") for p in paragraphs) >= 15
    # text directly under "1. 중국 내 검열" belongs to that item
    item = next(li for li in soup.find_all("li") if _text(li).startswith("중국 내 검열"))
    assert "톈안먼" in _text(item)
    # the PDF excerpt list keeps its nesting
    pdf = next(li for li in soup.find_all("li") if _text(li).startswith("2025-03-08"))
    assert pdf.find("ul") and "데이터 스케일링 법칙" in _text(pdf.find("ul"))


def test_seed_001_headings_and_captions():
    soup = render(seed_note("001").body)
    h2 = [_text(h) for h in soup.find_all("h2")]
    assert h2 == ["딥시크(DeepSeek)", "딥시크(DeepSeek) 탄생", "1. 딥시크(DeepSeek) 성능",
                  "2. AI 시장에 미칠 영향", "3. 반도체 시장에 미칠 영향"]
    captions = [_text(p) for p in soup.select("p.vs-caption")]
    assert captions == [
        "DeepSeek의 AI모델 출시 현황", "DeepSeek-V3의 성능 비교", "DeepSeek-R1과 오픈AI의 o1의 테스트별 정확도",
        "DeepSeek-R1의 사용료", "Mixture of Experts(MoE)", "AI 추론 비용", "주요 기업의 DeepSeek에 대한 의견",
    ]
    all_headings = " ".join(_text(h) for h in soup.find_all(re.compile("^h[1-6]$")))
    for caption in captions:
        assert caption not in all_headings
    text = soup.get_text(" ")
    assert "댓글" not in text and "by 00년" not in text and "산업분석" not in text
    assert "\u00a0" not in seed_note("001").body
    # every prose paragraph survived
    assert "2023년 5월에 설립되었다" in text and "수출 통제 강화 가능성이 있다" in text


def test_seed_002_body():
    note = seed_note("002")
    soup = render(note.body)
    text = soup.get_text(" ")
    assert not soup.find("h1")
    assert "관련" not in [_text(h) for h in soup.find_all(re.compile("^h[1-6]$"))][0:1]
    assert '"title"' not in text and '"link"' not in text  # never raw JSON
    cards = soup.select("p.vs-card")
    assert len(cards) == 4
    # a VPCard linking into the clipped site has no target here: plain text, no dead link
    assert "DeepSeek > Article(s)" in _text(cards[0]) and not cards[0].find("a")
    links = [a["href"] for card in cards for a in card.find_all("a")]
    assert links == ["https://yozm.wishket.com/magazine/detail/2959/", "https://brunch.co.kr/@dldyfm/353/",
                     "https://chanhi2000.github.io/bookshelf/yozm.wishket.com/2959.html"]
    admonition = soup.select_one("div.admonition.info")
    assert _text(admonition.select_one(".admonition-title")) == "<원문>"
    assert admonition.select_one("p.vs-card a")["href"] == "https://brunch.co.kr/@dldyfm/353/"
    # images: clean alt text, caption shown as text
    imgs = soup.find_all("img")
    assert [i["alt"] for i in imgs] == ["R1 벤치마크 결과", "출처: blind", "출처: App store, google",
                                        "딥시크 프라이버시 정책"]
    caps = [_text(p) for p in soup.select("p.vs-caption")]
    assert "R1 벤치마크 결과 · 출처: DeepSeek" in caps and "출처: blind" in caps
    assert "<br/>" not in note.body and "<출처" not in note.body and "TODO" not in note.body
    assert len(soup.find_all("h2")) == 4


def test_seed_003_body():
    soup = render(seed_note("003").body)
    table = soup.find("table")
    assert table is not None
    assert [_text(th) for th in table.find_all("th")] == ["구분", "내용", "의미"]
    assert len(table.find("tbody").find_all("tr")) == 3
    h2 = [_text(h) for h in soup.find_all("h2")]
    assert "딥시크(DeepSeek) 쇼크, 도대체 왜 이렇게 큰일인 건데?! 🤷♀️" in h2
    assert "마무리하며… 👋" in h2 and "OpenAI의 독점 시대는 끝?" in h2
    assert "AI 시장, 딥시크(DeepSeek) 때문에 난리났다고?! 😎" not in soup.get_text()  # the title line left
    items = [_text(li) for li in soup.find_all("li")]
    assert "수혜 기업" in items and len(items) == 9
    assert soup.find_all("p")[-1].get_text().startswith("안녕! 나는 유트립")


def test_seed_004_body():
    soup = render(seed_note("004").body)
    text = soup.get_text(" ")
    assert "<AI의 폭발적 성장은 하드웨어의 발전과 함께한다.>" in text
    assert "<미국 AI 관련기업을 믿고 가는 이유(AI 관련주를 계속 들고 갈 이유)>" in text
    h2 = [_text(h) for h in soup.find_all("h2")]
    assert h2 == ["Deep Seek(딥시크)란?", "Deep Seek가 엄청난 파장을 몰고온 이유",
                  "Deep Seek와 미국 AI관련 기업을 바라보는 시각"]
    assert len(soup.find_all("li")) == 4
    assert "*아래는" in text  # the author's asterisk, literally
    # one paragraph per line of the dump
    assert len(soup.find_all("p")) == len([line for line in seed_text("004").split("\n") if line.strip()]) \
        - len(h2) - 2 - 4


# ---------------------------------------------------------------------------
# recognition

@pytest.mark.parametrize(
    "text, src, shape",
    [
        ("---\ntitle: x\n---\nSee [[Other note]] and ![[img.png]].\n", "a.md", "obsidian"),
        ("Plain words, then [[a wikilink]].\n", "a.txt", "obsidian"),
        ("> [!note] 참고\n> 내용\n", "a.md", "obsidian"),
        ("---\ntitle: x\ntags: [a]\n---\n# Heading\n\ntext with [link](http://x).\n", "a.md", "markdown"),
        ("# 제목\n\n본문 **굵게**\n", "a.txt", "markdown"),
        ("just a line of text\n", "a.md", "markdown"),
        ("just a line of text\n", "a.txt", "plain-text"),
        ("그냥 블로그 글입니다.\n#딥시크 #AI\n", "a.txt", "plain-text"),
        ("+++\ntitle = \"x\"\n+++\nbody\n", "a.md", "hugo"),
        ("---\ntitle: x\nlastmod: 2024-01-01\n---\nbody\n", "a.md", "markdown"),  # one key is no export
        ("---\ntitle: x\n---\n# {{ $frontmatter.title }}\n", "a.md", "vuepress"),
        ("본문 바로가기\n일상\n\n제목\n\nby 나 2024. 1. 2.\n728x90\n\n글\n", "a.md", "tistory"),
        ("제목\n\nby 새내기 2023. 12. 1.\n\n본문\n", "a.txt", "tistory"),
        ("블로그 메뉴\n제목\n작성자\n2024. 3. 5. 10:20\nURL 복사\n이웃추가\n본문\n공감 3\n", "a.txt", "naver"),
        ("", "empty.md", "markdown"),
    ],
)
def test_recognise(text, src, shape):
    assert recognise(text, src) == shape
    assert shape in SHAPES


# ---------------------------------------------------------------------------
# front matter, dates, tags

@pytest.mark.parametrize(
    "value, expected",
    [
        ("2025-06-27T02:20:57+09:00", "2025-06-27"),
        ("2025-06-26T23:59:00-05:00", "2025-06-26"),
        ("2025-02-04", "2025-02-04"),
        ("2025. 2. 21.", "2025-02-21"),
        ("2025.02.21", "2025-02-21"),
        ("2025/2/1", "2025-02-01"),
        ("2025년 2월 21일", "2025-02-21"),
        ("2025년 2월", "2025-02"),
        ("2024-12", "2024-12"),
        ("2023", "2023"),
        (2023, "2023"),
        ("20250221", "2025-02-21"),
        ("2025-02-30", None),
        ("2025-13-01", None),
        ("1/10 수준", None),
        ("557.6만", None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (["AI", " DeepSeek ", "AI"], ["AI", "DeepSeek"]),
        ("AI, 딥시크, Deep Seek", ["AI", "딥시크", "Deep Seek"]),
        ("AI 딥시크 #반도체", ["AI", "딥시크", "반도체"]),
        ("ml/transformer", ["ml/transformer"]),
        (None, []),
        ([1, None, "x"], ["1", "x"]),
    ],
)
def test_tag_lists(value, expected):
    assert as_name_list(value) == expected


def test_front_matter_timestamp_keeps_its_own_day():
    fm = split_front_matter("---\ndate: 2025-06-27T02:20:57+09:00\n---\nx")
    assert fm.meta["date"] == "2025-06-27T02:20:57+09:00"
    assert normalise("n.md", "---\ndate: 2025-06-27T02:20:57+09:00\n---\nx").date == "2025-06-27"


@pytest.mark.parametrize(
    "text, title, tags, aliases",
    [
        ("---\ntitle: 제목\ntags: [AI, 반도체]\naliases: [별칭 하나]\n---\n본문\n", "제목", ["AI", "반도체"],
         ["별칭 하나"]),
        ("---\ntag: AI, 반도체\nalias: 별칭\n---\n# 첫 제목\n\n본문\n", "첫 제목", ["AI", "반도체"], ["별칭"]),
        ("---\ncategories:\n  - 투자\ntags: AI 딥시크\n---\n본문\n", "stem", ["AI", "딥시크", "투자"], []),
        ("# 제목만\n\n본문\n", "제목만", [], []),
        ("본문만 있는 노트\n", "stem", [], []),
    ],
)
def test_markdown_metadata(text, title, tags, aliases):
    note = normalise("folder/stem.md", text)
    assert (note.title, note.tags, note.aliases) == (title, tags, aliases)
    assert not note.body.lstrip().startswith("# ")


def test_markdown_keys():
    note = normalise("n.md", "---\ntitle: T\ncreated: 2024-03-01\nauthor: 나\nsource: https://ex.com/a\n"
                             "url: /posts/x/\n---\n# T\n\nbody\n")
    assert (note.date, note.author, note.source_url) == ("2024-03-01", "나", "https://ex.com/a")
    assert note.body == "body\n"
    assert normalise("n.md", "---\nurl: /posts/x/\n---\nx").source_url is None


# ---------------------------------------------------------------------------
# bad input

def test_broken_yaml_front_matter():
    text = "---\ntitle: ok\ntags: [a, b\ndate: 2024-01-01\n---\n본문은 살아 있다.\n"
    note = normalise("notes/깨진 노트.md", text)
    assert note.title == "깨진 노트"
    assert note.body.strip() == "본문은 살아 있다."
    assert len(note.problems) == 1
    assert re.match(r"front matter is not valid YAML \(line \d+\): ", note.problems[0])


@pytest.mark.parametrize("fm", ["- a\n- b", "42", "just a string", "[1, 2]"])
def test_front_matter_not_a_mapping(fm):
    note = normalise("notes/list.md", f"---\n{fm}\n---\n본문\n")
    assert note.title == "list"
    assert note.body.strip() == "본문"
    assert note.tags == [] and note.date is None
    assert any("not a mapping" in p for p in note.problems)


@pytest.mark.parametrize("text", ["", "\n\n", "   \n\t\n", "\ufeff"])
def test_empty_file(text):
    note = normalise("clippings/빈 파일.txt", text)
    assert note.title == "빈 파일"
    assert note.body == ""


def test_nfd_text_comes_out_nfc():
    text = unicodedata.normalize("NFD", "---\ntitle: 딥시크 노트\ntags: [반도체]\n---\n한국어 본문\n")
    assert text != unicodedata.normalize("NFC", text)
    note = normalise("notes/x.md", text)
    assert note.title == "딥시크 노트" and note.tags == ["반도체"]
    assert unicodedata.is_normalized("NFC", note.body) and "한국어 본문" in note.body


def test_cp949_and_utf16_files_normalise():
    korean = "본문 바로가기\n산업분석\n\n제목입니다\n\nby 새내기 2024. 5. 6.\n728x90\n\n반도체 이야기를 합니다.\n"
    for data in (korean.encode("cp949"), korean.encode("utf-16")):
        text, problem = decode_bytes(data)
        note = normalise("clippings/a.txt", text)
        assert (note.format, note.title, note.date, note.author) == ("tistory", "제목입니다", "2024-05-06", "새내기")


def test_crashing_shape_falls_back(monkeypatch):
    from vaultsite.shapes import tistory

    def boom(src, text):
        raise RuntimeError("boom")

    monkeypatch.setattr(tistory, "normalise", boom)
    note = normalise("clippings/t.txt", "본문 바로가기\n제목\n\nby 나 2024. 1. 2.\n\n글입니다.\n")
    assert note.format == "markdown"
    assert note.title
    assert any("tistory shape failed" in p for p in note.problems)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(["notes/a.md", "clippings/b.txt", "x", "", "deep/er/한글 이름.md"]))
def test_normalise_never_raises(text, src):
    note = normalise(src, text)
    assert isinstance(note, Note)
    assert note.title and note.title.strip() == note.title
    assert isinstance(note.body, str)
    assert note.format in SHAPES


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    "---", "title: x", "tags: [a", "# 제목", "\t1. 항목", "\t - 하위", "\t» 인용", "- ", "[[링크]]", "]]",
    "](/x/)]]", ")))", "::: info <원문>", ":::", "```", "```component VPCard", "{", "}", "<SiteInfo",
    "name=\"x\"/>", "본문 바로가기", "by 나 2024. 1. 2.", "728x90", "\u00a0", "", "a | b |", "---|---|",
    "<AI의 성장>", "%%", "==강조==", "블로그 메뉴", "    code", "|", "!!! note",
]), max_size=30))
def test_normalise_never_raises_on_shape_fragments(lines):
    note = normalise("clippings/f.md", "\n".join(lines))
    assert note.title and note.format in SHAPES


# ---------------------------------------------------------------------------
# shape details beyond the seeds

def test_obsidian_syntax_is_kept():
    text = ("---\ntitle: 노트\n---\n본문 [[다른 노트|별칭]] 그리고 ![[그림.png|300]] #태그\n\n"
            "> [!note] 참고\n> 내용\n\n%%비공개 메모%%\n\n```python\n    # 코드 안의 한국어\n\tx = 1  ]]\n```\n\n"
            "    indented_code = True\n")
    note = normalise("notes/노트.md", text)
    assert note.format == "obsidian"
    body = note.body
    assert "[[다른 노트|별칭]]" in body and "![[그림.png|300]]" in body and "#태그" in body
    assert "> [!note] 참고" in body
    assert "비공개" not in body
    assert "    # 코드 안의 한국어\n\tx = 1  ]]" in body  # code is never touched
    assert "    indented_code = True" in body  # no Hangul, not list-like: the author's code block


def test_list_after_paragraph_gets_a_blank_line():
    soup = render(normalise("n.md", "# T\n\n문단입니다\n- 하나\n- 둘\n").body)
    assert [_text(li) for li in soup.find_all("li")] == ["하나", "둘"]


def test_vuepress_containers_and_components():
    text = ("---\ntitle: 글\n---\n# {{ $frontmatter.title }}\n\n::: tip 팁\n내용 <VPIcon icon=\"x\"/>\n:::\n\n"
            "::: details\n숨김\n:::\n\n<!-- 주석 -->\n[[toc]]\n")
    note = normalise("c/x.md", text)
    assert note.format == "vuepress"
    soup = render(note.body)
    assert _text(soup.select_one("div.admonition.tip .admonition-title")) == "팁"
    assert "숨김" in soup.get_text() and "주석" not in note.body and "VPIcon" not in note.body
    assert not soup.find("h1")


def test_tistory_without_images_has_no_captions():
    """A dump in the generator's style: every short line between prose stays prose or heading."""
    paras = ["연구 논문은 분석한다. " * 8, "모델 학습에서 데이터는 중요하다. " * 6, "결과 요약은 다음과 같다. " * 7]
    text = "본문 바로가기\n투자노트\n\n노트 제목\n\nby analyst 2021. 3. 4.\n728x90\n\n" + \
        "\n\n".join(paras) + "\n\n728x90\n\n댓글\n"
    note = normalise("Clippings/노트 제목.txt", text)
    assert (note.title, note.category, note.author, note.date) == ("노트 제목", "투자노트", "analyst", "2021-03-04")
    soup = render(note.body)
    assert len(soup.find_all("p")) == 3 and not soup.select(".vs-caption")


def test_naver_copy():
    text = ("블로그 메뉴\n전체보기 (120개의 글)\n경제공부\n딥시크가 바꾼 AI 판도\n투자하는 곰\n2025. 2. 3. 9:15\n"
            "URL 복사\n이웃추가\n본문 기타 기능\n\n딥시크 이야기를 해 보겠습니다.\n<중요> 요약입니다.\n"
            "공감 12\n댓글 3\n")
    note = normalise("clippings/naver.txt", text)
    assert (note.format, note.title, note.author, note.date, note.category) == (
        "naver", "딥시크가 바꾼 AI 판도", "투자하는 곰", "2025-02-03", "경제공부")
    assert "URL 복사" not in note.body and "공감" not in note.body and "이웃추가" not in note.body
    assert "<중요> 요약입니다." in render(note.body).get_text()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("짧은 문장이다. 다음 문장.", "짧은 문장이다"),
        ("질문인가요? 그렇다.", "질문인가요?"),
        ("가" * 70, "가" * 59 + "…"),
        ("가나다 " * 14 + "및 라마바사아자차카타파하", ("가나다 " * 14).strip() + "…"),  # no dangling "및"
    ],
)
def test_derive_title(text, expected):
    title = derive_title(text)
    assert len(title) <= 60
    assert title == expected


@pytest.mark.parametrize(
    "text, nested",
    [
        ("- 상위\n  - 하위\n    - 더 하위\n- 다음\n", {"하위": "상위", "더 하위": "하위"}),
        ("1. 첫째\n   - 세부\n2. 둘째\n", {"세부": "첫째"}),
        ("- 상위\n\t- 탭 하위\n", {"탭 하위": "상위"}),
    ],
)
def test_obsidian_nested_lists_keep_their_nesting(text, nested):
    soup = render(normalise("notes/n.md", "---\ntitle: n\n---\n" + text).body)
    for child, parent in nested.items():
        li = next(li for li in soup.find_all("li") if _text(li).startswith(child))
        assert _text(li.find_parent("li")).startswith(parent)


def test_user_admonitions_and_tabs_stay_indented():
    text = "!!! note \"메모\"\n\n    들여쓴 한국어 내용\n\n=== \"탭\"\n\n    탭 안의 내용\n"
    body = normalise("notes/n.md", text).body
    assert "    들여쓴 한국어 내용" in body and "    탭 안의 내용" in body


def test_plain_text_urls_become_links_and_marks_stay_literal():
    text = "제목 줄\n원문은 https://blog.example.com/a_b/123 에서 읽을 수 있다.\n5*3*2 = 30 이고 snake_case 도 그대로.\n"
    soup = render(normalise("clippings/u.txt", text).body)
    assert soup.find("a")["href"] == "https://blog.example.com/a_b/123"
    assert "5*3*2 = 30 이고 snake_case 도 그대로." in soup.get_text()
    assert not soup.find("em")


def test_web_clipper_markdown():
    text = ('---\ntitle: "기사 제목"\nsource: "https://news.example.com/a/1"\nauthor:\n  - "[[홍길동]]"\n'
            'published: 2025-01-30\ncreated: 2025-02-01\ntags:\n  - clippings\n---\n본문\n')
    note = normalise("clippings/기사.md", text)
    assert (note.format, note.title, note.author, note.date, note.source_url, note.tags) == (
        "markdown", "기사 제목", "홍길동", "2025-01-30", "https://news.example.com/a/1", ["clippings"])


def test_tistory_numbered_list_is_not_headings():
    text = ("본문 바로가기\n일상\n\n제목\n\nby 나 2024. 1. 2.\n728x90\n\n" + "긴 문단입니다. " * 10 +
            "\n\n1. 사과\n2. 배\n3. 감\n\n" + "다른 긴 문단입니다. " * 10 + "\n\n댓글\n")
    soup = render(normalise("clippings/t.txt", text).body)
    assert [_text(li) for li in soup.select("ol li")] == ["사과", "배", "감"]
    assert not soup.find("h2")


# ---------------------------------------------------------------------------
# issue 16: a Hugo export is known by its debris, never by one key; blog menus before the title

@pytest.mark.parametrize(
    "text, shape",
    [
        ("---\ntitle: x\nlastmod: 2024-01-01\n---\nbody\n", "markdown"),
        ("---\ntitle: x\nlastmod: 2024-01-01\nweight: 3\n---\nSee [[Other]].\n", "obsidian"),
        ("---\ntitle: x\nsidebar: {open: true}\n---\n`Array [0]` and Array [0] in text\n", "markdown"),
        ("---\ntitle: x\nlastmod: 2024-01-01\n---\n<div style=\"display:none\">\n<meta property=\"article:published_time\" "
         "content=\"2025-01-01\" />\n</div>\nbody\n", "hugo"),
        ("---\ntitle: x\n---\n[a](/x/y/)]] and more\n", "hugo"),
        ("---\ntitle: x\n---\n{{< figure src=\"a.png\" >}}\n", "hugo"),
        ("+++\ntitle = \"x\"\n+++\nbody\n", "hugo"),
    ],
)
def test_hugo_needs_debris(text, shape):
    assert recognise(text, "a.md") == shape


@pytest.mark.parametrize(
    "text, kept",
    [
        ("---\ntitle: x\nlastmod: 2024-01-01\n---\nArray [0] holds [the first item] here.\n",
         ["Array [0]", "[the first item]"]),
        ("---\ntitle: x\nlastmod: 2024-01-01\nweight: 2\n---\n[주의] 이 [두 단어]는 그대로.\n", ["[주의]", "[두 단어]"]),
        # Even in a real export, code-like and one-word brackets stay.
        ("---\ntitle: x\n---\n<div style=\"display:none\"><meta property=\"article:x\" content=\"1\" /></div>\n"
         "a[i + 1] and Array [0] and [주의].\n", ["a[i + 1]", "Array [0]", "[주의]"]),
    ],
)
def test_brackets_an_author_typed_are_kept(text, kept):
    body = normalise("a.md", text).body
    for piece in kept:
        assert piece in body, (piece, body)


def test_export_debris_brackets_are_still_unwrapped():
    text = ("---\ntitle: x\n---\n<div style=\"display:none\"><meta property=\"article:x\" content=\"1\" /></div>\n"
            "1. [메모리 사용량을 줄인 Gen AI의 등장]한 것임.\n")
    note = normalise("a.md", text)
    assert note.format == "hugo" and "메모리 사용량을 줄인 Gen AI의 등장한 것임" in note.body


NAVER_MENU = ("본문 바로가기\n블로그\n카테고리 이동\n투자하는 곰의 경제 노트\n검색 MY메뉴 열기\n"
              "전체보기 (120개의 글)\n경제공부\nAI 반도체\n미국 주식\n국내 주식\n일상\n독서\n여행\n요리\n"
              "이 블로그 경제공부 카테고리 글\n")


@pytest.mark.parametrize(
    "text, title, author, date, category",
    [
        # PC copy: skip link, blog name, search, the whole category menu, then the post's header.
        (NAVER_MENU + "경제공부\n딥시크가 바꾼 AI 판도\n투자하는 곰\n2025. 2. 3. 9:15\nURL 복사\n이웃추가\n"
         "본문 기타 기능\n\n딥시크 이야기를 해 보겠습니다.\n공감 12\n댓글 3\n",
         "딥시크가 바꾼 AI 판도", "투자하는 곰", "2025-02-03", "경제공부"),
        # Mobile copy: the blog's address and menu first.
        ("blog.naver.com/bear\n블로그 메뉴\n메뉴 바로가기\n전체보기\n반도체 이야기\nHBM이 뭐길래\n곰돌이\n2024. 11. 20. 8:00\n"
         "이웃추가\n\nHBM은 메모리입니다.\n", "HBM이 뭐길래", "곰돌이", "2024-11-20", "반도체 이야기"),
        # The short form from before still works.
        ("블로그 메뉴\n제목\n작성자\n2024. 3. 5. 10:20\nURL 복사\n이웃추가\n본문\n공감 3\n", "제목", "작성자", "2024-03-05", None),
    ],
)
def test_naver_menu_before_the_title(text, title, author, date, category):
    note = normalise("clippings/naver.txt", text)
    assert (note.format, note.title, note.author, note.date, note.category) == ("naver", title, author, date, category)
    for chrome in ("본문 바로가기", "MY메뉴", "전체보기", "카테고리 이동", "이웃추가", "메뉴 바로가기"):
        assert chrome not in note.body
