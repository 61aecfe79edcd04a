"""Tistory posts copied as plain text.

Layout of a copy: ``본문 바로가기``, the category, the title, ``by AUTHOR
2025. 2. 21.``, ``728x90`` ad markers, the post, ``댓글``.  Paragraphs are
separated by runs of blank and NBSP-only lines, and images vanish from a copy
but leave their captions behind.

Headings vs. captions, from the structure rather than the words: the usual
gap between two prose paragraphs is measured first (the median).  A short,
title-like line is

* a heading when it sticks to what follows (a smaller gap than usual), or is
  numbered (``1. 딥시크(DeepSeek) 성능``);
* a caption when the blank runs around it are longer than two ordinary gaps:
  that is where the image was (``DeepSeek-V3의 성능 비교``);
* otherwise a heading if prose follows it, else a paragraph.

Captions become ``vs-caption`` paragraphs (``markup.caption_md``), never headings.
"""
from __future__ import annotations

import re
import statistics

from ..model import Note
from .common import clean_title, derive_title, parse_date, stem_title
from .plaintext import BY_RE, OL_RE, UL_RE, blocks_from_units, is_title_like, render_blocks, \
    strip_decor

FORMAT = "tistory"

CHROME = {
    "본문 바로가기", "728x90", "반응형", "댓글", "공유하기", "게시글 관리", "구독하기",
    "신고하기", "저작자표시", "관련글", "카테고리 없음", "좋아요", "공감",
}
_CHROME_RE = re.compile(r"^(?:댓글|공감|좋아요)\s*\d+$|^\d{3}x\d{2,3}$")
_FOOTER_RE = re.compile(r"^'.+'\s*카테고리의 다른 글$|^관련글$")


def is_chrome(line: str) -> bool:
    return line in CHROME or bool(_CHROME_RE.match(line))


def _is_prose(line: str) -> bool:
    core, _ = strip_decor(line)
    return len(line) >= 60 or core.endswith((".", "다", "요"))


def _short_title_like(line: str) -> bool:
    if len(line) > 60 or UL_RE.match(line) or not is_title_like(line):
        return False
    core, _ = strip_decor(line)
    return core.endswith(("?", "!")) or not core.endswith(("다", "요", "죠"))


def _header(lines: list[str]) -> tuple[dict, int]:
    """Title, category, author and date from the lines above the post; body start."""
    meta: dict = {}
    nonblank = [(i, s) for i, s in enumerate(lines[:40]) if s and not is_chrome(s)]
    for k, (i, s) in enumerate(nonblank[:12]):
        m = BY_RE.match(s)
        if not m:
            continue
        meta["author"] = m.group("author").strip()
        meta["date"] = parse_date(m.group("date"))
        above = [t for _, t in nonblank[:k]]
        if above:
            meta["title"] = above[-1]
        if len(above) >= 2 and len(above[-2]) <= 30:
            meta["category"] = above[-2]
        return meta, i + 1
    if nonblank and is_title_like(nonblank[0][1]):
        meta["title"] = nonblank[0][1]
        return meta, nonblank[0][0] + 1
    return meta, 0


def normalise(src: str, text: str) -> Note:
    lines = [line.replace("\u00a0", " ").strip() for line in text.split("\n")]
    lines = ["" if is_chrome(s) else s for s in lines]
    meta, start = _header(lines)
    body = lines[start:]
    for i, s in enumerate(body):
        if _FOOTER_RE.match(s):
            body = body[:i]
            break

    units: list[str] = []
    pos: list[int] = []
    for i, s in enumerate(body):
        if s:
            units.append(s)
            pos.append(i)
    n = len(units)
    gap_before = [pos[k] - pos[k - 1] - 1 if k else pos[0] for k in range(n)]
    gap_after = [pos[k + 1] - pos[k] - 1 if k + 1 < n else 99 for k in range(n)]
    prose_gaps = [gap_after[k] for k in range(n - 1) if _is_prose(units[k]) and _is_prose(units[k + 1])]
    typical = statistics.median(prose_gaps) if prose_gaps else 1

    def in_numbered_list(k: int) -> bool:
        """``1.`` lines written one under another are a list, not numbered sections."""
        return bool(OL_RE.match(units[k])) and (
            (k + 1 < n and gap_after[k] == 0 and OL_RE.match(units[k + 1]) is not None)
            or (k > 0 and gap_before[k] == 0 and OL_RE.match(units[k - 1]) is not None))

    def classify(k: int) -> str:
        s = units[k]
        if not _short_title_like(s) or in_numbered_list(k):
            return "p"
        following = units[k + 1] if k + 1 < n else None
        if OL_RE.match(s) or gap_after[k] < typical:
            return "h2" if following is not None else "p"
        if gap_before[k] + gap_after[k] > 2 * typical:
            return "caption"
        return "h2" if following is not None and _is_prose(following) else "p"

    title = clean_title(meta.get("title"))
    if not title and units:
        title = derive_title(units[0])
    category = meta.get("category")
    return Note(
        src=src,
        title=title or stem_title(src),
        body=render_blocks(blocks_from_units(units, classify)),
        format=FORMAT,
        date=meta.get("date"),
        author=meta.get("author"),
        category=category,
        tags=[category] if category else [],
    )
