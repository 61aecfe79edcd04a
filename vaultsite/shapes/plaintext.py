"""Plain blog text copied out of a browser ("plain-text"), and Naver blog copies ("naver").

A dump has no markup, one paragraph per line, and the page's chrome mixed in.
So: every line becomes its own paragraph (escaped: ``<AI의 …>`` is text, not
a tag), ``-`` lines a list, ``a | b |`` + ``---|---|`` a table, and short
lines that read like headings (ending in ``?``/``!`` or an emoji, or a short
noun phrase followed by prose) ``##`` headings; a whole-line ``<…>`` is a
sub-heading (``###``) and keeps its brackets, escaped.

The title is the first line when it reads like a title (short, no sentence
period; emoji kept, they are the author's); otherwise it is derived from the
first sentence and the line stays in the body.

The block builder (``blocks_from_units`` / ``render_blocks``) is shared with
the Tistory shape, which only classifies lines differently.
"""
from __future__ import annotations

import re
import unicodedata

from ..model import Note
from . import markup
from .common import clean_title, derive_title, parse_date, stem_title

FORMATS = ("plain-text", "naver")

UL_RE = re.compile(r"^(?:[-*+]\s+|[•●◦▪]\s*)(.*)$")
OL_RE = re.compile(r"^(\d{1,3})[.)]\s+(.+)$")
TABLE_SEP_RE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
BY_RE = re.compile(
    r"^by\s+(?P<author>.+?)\s+(?P<date>\d{4}\s*\.\s*\d{1,2}\s*\.\s*\d{1,2}\.?)(?:\s+\d{1,2}:\d{2})?\s*$"
)
DATE_LINE_RE = re.compile(r"^(?P<date>\d{4}\s*\.\s*\d{1,2}\s*\.\s*\d{1,2}\.?)(?:\s+\d{1,2}:\d{2})?$")
_VERB_ENDINGS = ("다", "요", "죠", "니다")

NAVER_CHROME = {
    "블로그 메뉴", "URL 복사", "이웃추가", "본문 기타 기능", "전체보기", "공유하기", "신고하기",
    "번역보기", "본문 폰트 크기 조정", "본문 폰트 크기 작게 보기", "본문 폰트 크기 크게 보기",
    "카테고리 이동", "맨 위로", "글쓰기", "댓글쓰기", "구독하기", "이 블로그", "블로그",
    "프롤로그", "태그", "안부",
    # The page's own menu above the post (skip links, search, the reader's menu).
    "본문 바로가기", "메뉴 바로가기", "검색", "MY메뉴 열기", "검색 MY메뉴 열기", "로그인", "내소식", "이웃목록",
    "통계", "블로그 홈", "닫기", "카테고리", "목록열기", "목록닫기", "전체 카테고리",
}
_NAVER_CHROME_RE = re.compile(
    r"^(?:(?:공감|댓글)\s*\d*|전체보기\s*\(?\d+개의 글\)?|(?:https?://)?(?:m\.)?blog\.naver\.com\S*"
    r"|이 블로그 .*카테고리 글|.*님의 블로그(?: 더보기)?)$"
)


def strip_decor(text: str) -> tuple[str, bool]:
    """Split trailing emoji/symbols (🤷♀️, ✨, ❓) off a line: (core, had_any)."""
    end = len(text)
    while end:
        ch = text[end - 1]
        cat = unicodedata.category(ch)
        if ch.isspace() or cat in ("So", "Sk", "Mn", "Me", "Cf", "Cs", "Co") or ch == "\ufe0f":
            end -= 1
        else:
            break
    core = text[:end].rstrip()
    return core, bool(text[end:].strip())


def is_title_like(line: str, limit: int = 80) -> bool:
    """Short, a single phrase, not ending like a sentence (``.``, ``,``, ``:``)."""
    s = line.strip()
    if not s or len(s) > limit or UL_RE.match(s) or "|" in s:
        return False
    s = re.sub(r"^\d{1,3}[.)]\s+", "", s)  # "1. 딥시크(DeepSeek) 성능" is a numbered title
    core, _ = strip_decor(s)
    if not core or re.search(r"[.。]\s", core):
        return False
    return not core.endswith((".", "。", ",", ";", ":"))


def heading_level(line: str, next_line: str | None) -> int:
    """2 for a heading, 3 for a ``<…>`` sub-heading, 0 for an ordinary line."""
    s = line.strip()
    if not s or UL_RE.match(s) or OL_RE.match(s) or "|" in s:
        return 0
    if s.startswith("<") and s.endswith(">") and len(s) <= 80:
        return 3
    if len(s) > 60 or s[0] in "([（\"'“‘*" or not is_title_like(s):
        return 0
    core, decorated = strip_decor(s)
    if decorated or core.endswith(("?", "!")):
        return 2
    if core.endswith(_VERB_ENDINGS):
        return 0
    if next_line is not None and len(next_line.strip()) > max(len(s), 40) \
            and not is_title_like(next_line):
        return 2
    return 0


# ---------------------------------------------------------------------------
# blocks

def _cells(row: str) -> list[str]:
    return [c.strip() for c in row.strip().strip("|").split("|")]


def blocks_from_units(units: list[str], classify) -> list[tuple]:
    """Group non-blank lines into blocks; ``classify(k)`` says h2/h3/caption/p for line k."""
    blocks: list[tuple] = []
    k, n = 0, len(units)
    while k < n:
        s = units[k]
        if "|" in s and k + 1 < n and TABLE_SEP_RE.match(units[k + 1]) and "|" in units[k + 1]:
            rows = [s]
            k += 2
            while k < n and "|" in units[k] and not TABLE_SEP_RE.match(units[k]):
                rows.append(units[k])
                k += 1
            blocks.append(("table", rows))
            continue
        kind = classify(k)
        if kind != "p":
            blocks.append((kind, s))
            k += 1
            continue
        if UL_RE.match(s):
            items = []
            while k < n and UL_RE.match(units[k]) and classify(k) == "p":
                items.append(UL_RE.match(units[k]).group(1))
                k += 1
            blocks.append(("ul", items))
            continue
        if OL_RE.match(s) and k + 1 < n and OL_RE.match(units[k + 1]) and classify(k + 1) == "p":
            items = []
            while k < n and OL_RE.match(units[k]) and classify(k) == "p":
                items.append(OL_RE.match(units[k]).groups())
                k += 1
            blocks.append(("ol", items))
            continue
        blocks.append(("p", s))
        k += 1
    return blocks


def render_blocks(blocks: list[tuple]) -> str:
    """Markdown for the blocks, one blank line between blocks."""
    out: list[str] = []
    for block in blocks:
        kind, value = block
        if kind == "table":
            header = _cells(value[0])
            width = len(header)
            lines = ["| " + " | ".join(markup.escape_text(c) for c in header) + " |",
                     "|" + " --- |" * width]
            for row in value[1:]:
                cells = (_cells(row) + [""] * width)[:width] if width else _cells(row)
                lines.append("| " + " | ".join(markup.escape_text(c) for c in cells) + " |")
            chunk = "\n".join(lines)
        elif kind == "ul":
            chunk = "\n".join("- " + markup.escape_text(t) for t in value)
        elif kind == "ol":
            chunk = "\n".join(f"{num}. " + markup.escape_text(t) for num, t in value)
        elif kind in ("h2", "h3"):
            chunk = "#" * int(kind[1]) + " " + markup.escape_text(value)
        elif kind == "caption":
            chunk = "\n".join(markup.caption_md(value))
        else:
            chunk = markup.escape_line_start(markup.escape_text(value))
        if chunk:
            out.append(chunk)
    return "\n\n".join(out) + ("\n" if out else "")


def plain_lines(text: str) -> list[str]:
    """Lines with NBSP as a space and no surrounding whitespace (indent means nothing here)."""
    return [line.replace("\u00a0", " ").strip() for line in text.split("\n")]


def plain_body(units: list[str]) -> str:
    def classify(k: int) -> str:
        level = heading_level(units[k], units[k + 1] if k + 1 < len(units) else None)
        return f"h{level}" if level else "p"

    return render_blocks(blocks_from_units(units, classify))


# ---------------------------------------------------------------------------
# shapes

def _is_naver_chrome(line: str) -> bool:
    return line in NAVER_CHROME or bool(_NAVER_CHROME_RE.match(line))


NAVER_HEADER_LINES = 60


def _naver_header(units: list[str]) -> tuple[dict, list[str]]:
    """Title / author / date / category from the lines above Naver's date line."""
    meta: dict = {}
    # Naver's date line comes after the blog's menu (a category list can be long), the
    # post's category, title and author: look well down for it.
    for k, line in enumerate(units[:NAVER_HEADER_LINES]):
        if len(line) > 80:  # a paragraph: the post began without a header date
            break
        by = BY_RE.match(line)
        date = DATE_LINE_RE.match(line)
        if not (by or date):
            continue
        header = units[:k]
        if by:
            meta["author"] = by.group("author").strip()
            meta["date"] = parse_date(by.group("date"))
            if header:
                meta["title"] = header[-1]
            if len(header) >= 2 and len(header[-2]) <= 30:
                meta["category"] = header[-2]
        else:
            meta["date"] = parse_date(date.group("date"))
            if len(header) >= 2 and len(header[-1]) <= 30:
                meta["author"], meta["title"] = header[-1], header[-2]
                if len(header) >= 3 and len(header[-3]) <= 30:
                    meta["category"] = header[-3]
            elif header:
                meta["title"] = header[-1]
        return meta, units[k + 1:]
    return meta, units


def normalise(src: str, text: str, fmt: str = "plain-text") -> Note:
    units = [line for line in plain_lines(text) if line]
    meta: dict = {}
    if fmt == "naver":
        units = [line for line in units if not _is_naver_chrome(line)]
        meta, units = _naver_header(units)
    title = clean_title(meta.get("title"))
    if not title and units:
        if is_title_like(units[0]):
            title, units = clean_title(units[0]), units[1:]
        else:
            title = derive_title(units[0])
    title = title or stem_title(src)
    category = meta.get("category")
    return Note(
        src=src,
        title=title,
        body=plain_body(units),
        format=fmt,
        date=meta.get("date"),
        author=meta.get("author"),
        category=category,
        tags=[category] if category else [],
    )
