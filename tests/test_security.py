"""No clipping runs a script: every attack form, built with the real hooks, checked in the HTML.

Imported notes (``clippings/``, blog dumps, VuePress articles) are sanitised with
nh3's strict allow-list; the user's own notes keep ordinary HTML but lose scripts
and event handlers unless ``extra.vaultsite.trust_html: true``.  Assertions on
the content are scoped to ``article.md-content__inner`` (Material's own scripts
live outside it); a page-wide sweep then checks that no attack payload, each
marked ``alert('…')`` / ``evil.example``, survives anywhere in any built page:
in titles, headers, navigation, tags, backlinks or generated pages.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sitebuild import write_config

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

ATTACKS = """\
<script>alert('script-tag')</script>

<iframe src="https://evil.example/frame"></iframe>

<p>이미지 <img src=x onerror="alert('img-onerror')"> 끝</p>

<p><a href="javascript:alert('js-href')">js 링크</a></p>

<p><a href="data:text/html,&lt;script&gt;alert('data-href')&lt;/script&gt;">data 링크</a></p>

<svg onload="alert('svg-onload')"><circle r="5"></circle></svg>

<style>body { display: none } .x { background: url("javascript:alert('style')") }</style>

<object data="https://evil.example/x.swf"></object>

<embed src="https://evil.example/y.swf">

<form action="javascript:alert('form')"><input type="submit" value="보내기"></form>

[마크다운 js](javascript:alert('md-js'))

![마크다운 data](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)

<p class="ok-p" onclick="alert('p-onclick')" onmouseover="alert('p-hover')">허용 태그의 on 속성</p>

<meta http-equiv="refresh" content="0;url=https://evil.example/">

<a href="JaVaScRiPt:alert('mixed-case')">대소문자</a> <a href=" javascript:alert('space')">공백</a>
<a href="jav&#x09;ascript:alert('entity')">엔티티</a>

<details open ontoggle="alert('ontoggle')"><summary>요약</summary>펼침</details>

<p><img src="https://example.com/i.png" name="getElementById" alt="clobber"> <a name="anchor-ok">a</a></p>

<base href="https://evil.example/">
<link rel="stylesheet" href="https://evil.example/x.css">
<math><mtext><table><mglyph><style><img src=x onerror="alert('mxss')"></style></mglyph></table></mtext></math>
<noscript><p title="</noscript><img src=x onerror=alert('noscript')>"></noscript>
"""

CONTENT = """\
## 살아남을 제목

- 목록 *강조* **굵게** `코드`
- 둘째 항목 ~~지움~~

문단 하나.

1. 번호 하나
2. 번호 둘

| 열 | 값 |
|:--|--:|
| 가 | 1 |

![픽셀](../attachments/pixel.png)

[바깥 링크](https://example.com/page) 와 [내부 링크](내 노트.md) 와 [[내 노트]].

!!! note "알림 상자"
    어드몬션 본문.

```python
def hello():
    return "안녕"
```

- [x] 끝난 일
- [ ] 남은 일

각주[^1].

[^1]: 각주 본문.

"""

CLIPPING = f"""---
title: "<img src=x onerror=alert('title')> 제목 & 공격"
author: "<script>alert('author')</script>"
source: "https://example.com/a\\"onmouseover=\\"alert('source-attr')\\""
tags: ["<svg/onload=alert('tag')>", 보안]
---
{CONTENT}
### <img src=x onerror="alert('heading')"> 머리글

반쯤 열린 태그 <img src=x onerror=alert('context') 가 든 문장에서 [[내 노트]] 를 링크한다.

{ATTACKS}
"""

USER_NOTE = """---
title: 내 노트
---
<details><summary>접힌 부분</summary>

숨은 내용.

</details>

<p><span style="color:red">빨간 글씨</span>와 줄<br>바꿈</p>

<script>alert('user-script')</script>

<p><span class="mine" onclick="alert('user-onclick')">눌러 보기</span></p>

<p><a href="javascript:alert('user-js')">사용자 js</a></p>

<iframe src="https://www.youtube.com/embed/xyz" width="560" height="315"></iframe>

[[공격 모음]]을 링크한다.
"""

# A Tistory copy saved outside clippings/: imported by its shape.
TISTORY = """본문 바로가기

블로그 제목

카테고리

티스토리 글 제목

by 글쓴이 2025. 2. 21. 10:00

<script>alert('tistory-script')</script>

<img src=x onerror="alert('tistory-img')">

본문입니다. 딥시크 이야기.

728x90
"""

# A VuePress article outside clippings/: imported by its shape.
VUEPRESS = """---
title: 뷰프레스 글
icon: pen
isOriginal: true
star: true
---

<SiteInfo name="x" url="https://example.com" />

<script>alert('vuepress-script')</script>

<p onclick="alert('vuepress-onclick')">뷰프레스 문단</p>

::: info 정보
상자.
:::
"""


# Issue 18, item 2: a clipping embedded in the user's own note keeps the clipping's rules.
EVILCLIP = """<script>window.__p1=1; alert('embed-script')</script>

<img src=x onerror="window.__p2=1; alert('embed-img')">

<svg onload="window.__p3=1; alert('embed-svg')"><circle r="5"></circle></svg>

<iframe src="https://evil.example/embedframe"></iframe>

<div style="position:fixed;top:0;left:0;width:100%;height:100%;background:white">덮개 문단</div>

<font color="red">폰트 문단</font>

[임베드 js](javascript:alert('embed-md-js'))
"""
# Trying to leave the fence: closing the wrapper, guessing a fence, leaving things open.
BREAKOUT = """</div></div></div>

<script>alert('breakout-script')</script>

vsembed000000000000000000000000end1

<p onclick="alert('breakout-onclick')">탈출 문단</p>
"""
OPEN_FENCE = "열린 코드 블록\n\n```\n<script>alert('open-fence')</script>\n"
OPEN_COMMENT = "열린 주석\n\n<img src=x onerror=\"alert('open-comment')\">\n\n<!-- 닫히지 않음\n"
EMBEDDING_NOTE = """---
title: 임베드
---
내 문단.

<script>alert('own-embed-page')</script>

![[evilclip]]

![[탈출]]

![[열린 코드]]

중간 문단 [[내 노트]].

![[열린 주석]]

<p onmouseover="alert('own-after')">끝 문단</p>
"""


def make_attack_vault(docs: Path) -> None:
    (docs / "clippings").mkdir(parents=True)
    (docs / "notes").mkdir()
    (docs / "blog").mkdir()
    (docs / "attachments").mkdir()
    (docs / "attachments" / "pixel.png").write_bytes(PNG)
    (docs / "index.md").write_text("# 보안\n\n[[공격 모음]], [[내 노트]]\n", encoding="utf-8")
    (docs / "clippings" / "공격 모음.md").write_text(CLIPPING, encoding="utf-8")
    (docs / "clippings" / "텍스트 공격.txt").write_text(
        "텍스트로 복사한 글\n\n첫 문단입니다.\n\n" + ATTACKS, encoding="utf-8")
    (docs / "notes" / "내 노트.md").write_text(USER_NOTE, encoding="utf-8")
    (docs / "notes" / "정상 노트.md").write_text("---\ntitle: 정상\n---\n" + CONTENT.replace("](내 노트.md)", "](내%20노트.md)"),
                                             encoding="utf-8")
    (docs / "clippings" / "문맥 공격.md").write_text(
        "반쯤 열린 태그 <img src=x onerror=alert('context') 가 든 문장에서 [[내 노트]] 를 링크한다.\n", encoding="utf-8")
    (docs / "Clippings").mkdir()  # Obsidian's Web Clipper writes here
    (docs / "Clippings" / "웹 클리퍼.md").write_text(
        "---\ntitle: 웹 클리퍼\n---\n[[내 노트]] 참고.\n\n<script>alert('webclip')</script>\n\n"
        "<iframe src=\"https://evil.example/embed\"></iframe>\n\n<p onclick=\"alert('webclip-p')\">문단</p>\n",
        encoding="utf-8")
    weird = docs / "<svg onload=alert('folder')>"
    weird.mkdir()
    (weird / "<b onmouseover=alert('name')>.md").write_text("이름이 공격인 노트.\n", encoding="utf-8")
    (docs / "blog" / "티스토리.txt").write_text(TISTORY, encoding="utf-8")
    (docs / "blog" / "뷰프레스.md").write_text(VUEPRESS, encoding="utf-8")
    (docs / "clippings" / "evilclip.md").write_text(EVILCLIP, encoding="utf-8")
    (docs / "clippings" / "탈출.md").write_text(BREAKOUT, encoding="utf-8")
    (docs / "clippings" / "열린 코드.md").write_text(OPEN_FENCE, encoding="utf-8")
    (docs / "clippings" / "열린 주석.md").write_text(OPEN_COMMENT, encoding="utf-8")
    (docs / "notes" / "임베드.md").write_text(EMBEDDING_NOTE, encoding="utf-8")


def build_with(docs: Path, work: Path, trust_html: bool) -> tuple[int, str, Path]:
    """``mkdocs build`` with ``extra.vaultsite.trust_html`` set (a nested key ``sitebuild.build`` cannot pass)."""
    site = work / "site"
    cfg = write_config(docs.resolve(), site, work / "mkdocs.yml")
    text = cfg.read_text(encoding="utf-8")
    assert "trust_html: false" in text
    cfg.write_text(text.replace("trust_html: false", f"trust_html: {'true' if trust_html else 'false'}"),
                   encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(cfg)],
                          capture_output=True, text=True, cwd=work, timeout=600)
    return proc.returncode, proc.stdout + proc.stderr, site


def _site(tmp_path_factory, trust: bool) -> dict:
    work = tmp_path_factory.mktemp("trusted" if trust else "untrusted")
    docs = work / "docs"
    make_attack_vault(docs)
    code, log, site = build_with(docs, work, trust)
    assert code == 0, log[-4000:]
    return {"site": site, "log": log, "docs": docs}


@pytest.fixture(scope="module")
def untrusted(tmp_path_factory):
    return _site(tmp_path_factory, False)


@pytest.fixture(scope="module")
def trusted(tmp_path_factory):
    return _site(tmp_path_factory, True)


def soup_of(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel / "index.html").read_text(encoding="utf-8"), "lxml")


def article(site: Path, rel: str):
    art = soup_of(site, rel).select_one("article.md-content__inner")
    assert art is not None, rel
    return art


DANGEROUS_TAGS = ["script", "iframe", "object", "embed", "style", "form", "meta", "base", "link", "math",
                  "noscript"]
URL_ATTRS = ("href", "src", "action", "formaction", "data", "xlink:href", "poster", "background", "srcset")


def dangers(root, allow_tags=()) -> list[str]:
    """Every executable or navigating form left in ``root`` (a BeautifulSoup element)."""
    found = []
    for el in root.find_all(True):
        if el.name in DANGEROUS_TAGS and el.name not in allow_tags:
            found.append(f"<{el.name}>")
        for attr, value in el.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if attr.lower().startswith("on"):
                found.append(f"<{el.name} {attr}=…>")
            if attr.lower() in URL_ATTRS:
                v = "".join(value.split()).lower()
                if v.startswith(("javascript:", "data:", "vbscript:")):
                    found.append(f"<{el.name} {attr}={value[:30]}>")
            if attr.lower() == "name" and el.name != "a":  # DOM clobbering of document.*
                found.append(f"<{el.name} name={value}>")
            if attr.lower() == "style" and ("url(" in value or "expression" in value):
                found.append(f"<{el.name} style={value[:30]}>")
    return found


IMPORTED_PAGES = ["clippings/공격 모음", "clippings/텍스트 공격", "blog/티스토리", "blog/뷰프레스", "Clippings/웹 클리퍼"]


@pytest.mark.parametrize("rel", IMPORTED_PAGES)
def test_imported_pages_are_sanitised(untrusted, rel):
    art = article(untrusted["site"], rel)
    assert dangers(art) == []
    assert not art.find_all("script")
    for el in art.find_all(True):  # an https URL may hold any text; no other attribute may
        assert not any("alert(" in str(v) for k, v in el.attrs.items() if k not in URL_ATTRS), el
    assert "evil.example" not in str(art)


@pytest.mark.parametrize("rel", IMPORTED_PAGES)
def test_imported_pages_are_sanitised_even_when_html_is_trusted(trusted, rel):
    art = article(trusted["site"], rel)
    assert dangers(art) == []
    assert "evil.example" not in str(art)


def test_imported_shapes_really_are_imports(untrusted):
    data = json.loads((untrusted["site"] / "vault.json").read_text(encoding="utf-8"))
    formats = {n["src"]: n["format"] for n in data["notes"]}
    assert formats["blog/티스토리.txt"] == "tistory"
    assert formats["blog/뷰프레스.md"] == "vuepress"


def test_attack_text_is_not_lost_entirely(untrusted):
    """Sanitising drops the active parts, not the words around them."""
    art = article(untrusted["site"], "clippings/공격 모음")
    text = art.get_text(" ")
    for words in ("이미지", "js 링크", "data 링크", "허용 태그의 on 속성", "마크다운 js", "요약"):
        assert words in text, words
    p = next(p for p in art.find_all("p") if "허용 태그의 on 속성" in p.get_text())
    assert p.get("class") == ["ok-p"]  # the tag and harmless attributes stay


def test_markdown_js_link_keeps_no_href(untrusted):
    art = article(untrusted["site"], "clippings/공격 모음")
    a = next(a for a in art.find_all("a") if a.get_text(strip=True) == "마크다운 js")
    assert "href" not in a.attrs


@pytest.mark.parametrize("tree", ["untrusted", "trusted"])
def test_ordinary_markup_survives_in_clippings(request, tree):
    site = request.getfixturevalue(tree)["site"]
    art = article(site, "clippings/공격 모음")
    assert art.find("h2", id="살아남을-제목") is not None
    assert [li.get_text(" ", strip=True) for li in art.select("ol > li")][:2] == ["번호 하나", "번호 둘"]
    assert art.find("em", string="강조") and art.find("strong", string="굵게") and art.find("del", string="지움")
    table = art.find("table")
    assert table is not None and [th.get_text() for th in table.find_all("th")] == ["열", "값"]
    assert [th.get("style") for th in table.find_all("th")] == ["text-align: left;", "text-align: right;"]
    img = art.find("img", alt="픽셀")
    assert img is not None and img["src"].endswith("attachments/pixel.png")
    assert (site / "attachments" / "pixel.png").is_file()
    out = art.find("a", string="바깥 링크")
    assert out is not None and out["href"] == "https://example.com/page"
    inner = art.find("a", string="내부 링크")
    assert inner is not None and "vs-internal" in inner["class"]
    wiki = art.find("a", string="내 노트")
    assert wiki is not None and "vs-wikilink" in wiki["class"]
    adm = art.select_one("div.admonition.note")
    assert adm is not None and adm.select_one(".admonition-title").get_text(strip=True) == "알림 상자"
    code = art.select_one("div.highlight pre code")
    assert code is not None and code.find("span", class_=True) is not None  # Pygments spans
    assert "def" in code.get_text()
    boxes = art.select("li.task-list-item input[type=checkbox]")
    assert len(boxes) == 2 and boxes[0].has_attr("checked")
    assert art.select_one("sup a.footnote-ref") is not None and art.select_one("div.footnote li") is not None
    assert art.select_one("a.headerlink") is not None  # Material's permalinks
    assert art.find("a", class_="vs-tag") is not None or art.select(".md-tags")  # tags stay


def test_ordinary_markup_survives_in_user_notes(untrusted):
    art = article(untrusted["site"], "notes/정상 노트")
    assert art.find("h2", id="살아남을-제목") is not None
    assert art.select_one("div.admonition.note") is not None
    assert art.select_one("div.highlight pre code span") is not None
    assert art.find("table") is not None and art.find("img", alt="픽셀") is not None


def test_user_html_survives_without_scripts(untrusted):
    art = article(untrusted["site"], "notes/내 노트")
    details = art.find("details")
    assert details is not None and details.find("summary").get_text(strip=True) == "접힌 부분"
    assert "숨은 내용" in details.get_text()
    span = art.find("span", string="빨간 글씨")
    assert span is not None and "color:red" in span["style"].replace(" ", "")
    assert art.find("br") is not None
    iframe = art.find("iframe")
    assert iframe is not None and iframe["src"].startswith("https://www.youtube.com/")
    assert dangers(art, allow_tags=("iframe",)) == []
    clickable = art.find("span", class_="mine")
    assert clickable is not None and clickable.get_text() == "눌러 보기"
    assert not art.find_all("script")
    for el in art.find_all(True):
        assert not any("alert(" in str(v) for v in el.attrs.values()), el


def test_trusted_user_html_keeps_scripts(trusted):
    art = article(trusted["site"], "notes/내 노트")
    scripts = [s.get_text() for s in art.find_all("script")]
    assert any("user-script" in s for s in scripts)
    assert "user-onclick" in art.find("span", class_="mine").get("onclick", "")
    assert art.find("details") is not None and art.find("span", style=True) is not None


def _all_pages(site: Path):
    for path in sorted(site.rglob("*.html")):
        yield path, BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def test_no_payload_anywhere_in_the_site(untrusted):
    """Titles, authors, tags, headings, backlinks, navigation, generated pages: nothing runs."""
    pages = 0
    for path, soup in _all_pages(untrusted["site"]):
        pages += 1
        for script in soup.find_all("script"):
            assert "alert(" not in script.get_text(), path
        for el in soup.find_all(True):
            for attr, value in el.attrs.items():
                value = " ".join(value) if isinstance(value, list) else str(value)
                assert not (attr.lower().startswith("on") and "alert" in value), f"{path}: <{el.name} {attr}>"
                if attr.lower() in URL_ATTRS:
                    assert not "".join(value.split()).lower().startswith(("javascript:", "data:text")), \
                        f"{path}: <{el.name} {attr}={value}>"
        for name in ("iframe", "object", "embed", "base", "meta"):
            for el in soup.find_all(name):
                assert "evil.example" not in str(el), f"{path}: {el}"
    assert pages > 5


def test_titles_authors_and_tags_are_text(untrusted):
    soup = soup_of(untrusted["site"], "clippings/공격 모음")
    art = soup.select_one("article.md-content__inner")
    h1 = art.find("h1")
    assert "<img src=x onerror=alert('title')> 제목 & 공격" in h1.get_text()
    assert h1.find("img") is None
    assert "alert('title')" in soup.title.get_text() and soup.find("title").find("img") is None
    author = art.select_one(".vs-meta-author")
    assert author is not None and "<script>" in author.get_text() and author.find("script") is None
    source = art.select_one(".vs-meta-source a")
    assert source is None or set(source.attrs) == {"href", "rel", "target"}
    tags = soup.select(".md-tag")
    assert any("<svg/onload" in t.get_text() for t in tags)
    assert soup.find("svg", attrs={"onload": True}) is None
    header = soup.select_one(".md-header__topic")
    assert header is None or header.find("img") is None


def test_backlink_context_is_text(untrusted):
    """A backlink's sentence comes from the linking note: it is text, never markup."""
    art = article(untrusted["site"], "notes/내 노트")
    back = art.select_one(".vs-backlinks")
    assert back is not None
    item = next(li for li in back.find_all("li") if "반쯤 열린 태그" in li.get_text())
    assert "<img src=x onerror=alert('context')" in item.select_one(".vs-context").get_text()
    assert back.find("img") is None and back.find("script") is None


def test_hostile_file_and_folder_names_are_text(untrusted):
    site = untrusted["site"]
    folder = "<svg onload=alert('folder')>"
    soup = soup_of(site, f"{folder}/<b onmouseover=alert('name')>")
    art = soup.select_one("article.md-content__inner")
    assert art.find("h1").get_text(strip=True) == "<b onmouseover=alert('name')>"
    assert soup.find("b", attrs={"onmouseover": True}) is None
    assert soup.find("svg", attrs={"onload": True}) is None
    labels = [s.get_text(strip=True) for s in soup.select(".md-nav__link .md-ellipsis")]
    assert folder in labels


def _embed_payloads(art) -> list[str]:
    found = [s.get_text() for s in art.find_all("script") if "own-embed-page" not in s.get_text()]
    for el in art.find_all(True):
        for attr, value in el.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if attr.lower().startswith("on") and "own-after" not in value:
                found.append(f"<{el.name} {attr}={value}>")
    return found


@pytest.mark.parametrize("tree", ["untrusted", "trusted"])
def test_embedded_clipping_keeps_the_clippings_rules(request, tree):
    """Issue 18 item 2: ``![[evilclip]]`` in the user's own note runs nothing of the clipping,
    even with ``trust_html: true``, and loses what a clipping loses (iframe, style, font)."""
    site = request.getfixturevalue(tree)["site"]
    art = article(site, "notes/임베드")
    assert _embed_payloads(art) == []
    assert "window.__p" not in str(art)
    for embed in art.select("div.vs-embed"):
        assert dangers(embed) == [], embed
        assert not embed.find_all(["iframe", "font", "style"]), embed
        assert not [el for el in embed.find_all(True) if el.has_attr("style")], embed
    assert "evil.example" not in str(art)
    page = (site / "notes" / "임베드" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"vsembed(?!0{24})[0-9a-f]{24}", page) is None  # the real fences are gone
    text = art.get_text(" ")
    for words in ("내 문단", "덮개 문단", "폰트 문단", "탈출 문단", "열린 코드 블록", "열린 주석", "중간 문단", "임베드 js"):
        assert words in text, words
    titles = [t.get_text(strip=True) for t in art.select("p.vs-embed-title")]
    assert titles == ["evilclip", "탈출", "열린 코드", "열린 주석"]


def test_trusted_page_keeps_its_own_script_beside_a_sanitised_embed(trusted):
    art = article(trusted["site"], "notes/임베드")
    assert any("own-embed-page" in s.get_text() for s in art.find_all("script"))
    assert _embed_payloads(art) == []
