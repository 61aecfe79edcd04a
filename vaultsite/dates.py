"""Dated facts in a note body, for the timeline page.

Precision before recall: a false event on the timeline misleads, a missed one
only leaves a gap.  So every form has to look like a date on its own
(:mod:`vaultsite.datepatterns`), nothing inside code, link targets, images,
HTML tags or bare URLs counts, and a year-less date (``1월 27일``, ``1/24``)
becomes an event only when its year can be inferred.  Inference, in order:

1. the enclosing dated block: a line starting with a full date (``[2025-01-25
   미국 시황 정리](…)``, ``[[2025-01-25 …]]``, ``- 2025-03-08, …``) opens a block
   that runs to the next such line or the next Markdown heading.  The header
   is an event itself.  A day more than a month after the header date is
   taken from the year before (a January note talking about "12월 3일").
2. the note's own date: the latest such day not after it.
3. the nearest explicit year written earlier in the note.

``같은 해 11월`` ("same year") takes the last explicit year of the same
paragraph, and nothing else.  Whatever cannot be placed is counted, not
guessed.

Korean month ranges (``1월 말``, ``1월 초``) are month precision; a day is
never invented.

Only prose holds facts.  Not events: front matter, metadata lines (``작성 날짜:``,
``created:``, ``Last updated:``), a line or heading that is only a date (it still opens a
dated block), file names, version numbers and tables of data.  A table whose columns are a
date and a text is a chronology: each row is one event, with the row's text.

The whole body is scanned once per pattern and every per-match step looks at
a bounded window, so the work is linear in the body length.
"""
from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

from .datepatterns import CONTENT_START, Candidate, candidates, valid
from .parsed import Text, parse, plain
from .textutil import ABBREV_NOT_BEFORE, blank

__all__ = ["DatedEvent", "extract_events"]

TEXT_LIMIT = 200
_WINDOW = 500  # characters of context either side of a phrase, at most


@dataclass
class DatedEvent:
    date: str  # "2025-01-20" | "2024-12" | "2023"
    precision: str  # "day" | "month" | "year"
    text: str  # plain-text sentence / list item holding the phrase, ≤ ~200 chars
    start: int  # offset of the date phrase in the body
    line: int  # 0-based line of the phrase
    heading: str | None  # nearest heading at or above, plain text


_HEADING = re.compile(r"[ \t]{0,3}#{1,6}[ \t]+\S")
_BLANK_LINE = re.compile(r"[ \t]*$")

# A sentence ends at . ! ? 。 (plus closing quotes) and whitespace, but not at
# a dot after a digit, which is far more often "2025. 2. 21." or "Ver. 2".
_SENTENCE_END = re.compile(r"(?:(?<=[^\d\s.])" + ABBREV_NOT_BEFORE + r"\.|[!?。])[\"'”’)\]]*(?=\s)")

_OPEN, _CLOSE = "\ue000", "\ue001"  # brackets the phrase through plain-text conversion


def _trim(s: str, ps: int, pe: int, limit: int = TEXT_LIMIT) -> str:
    """Cut ``s`` to about ``limit`` chars at word boundaries, keeping s[ps:pe]."""
    if len(s) <= limit:
        return s
    lo = max(0, min(ps - 60, len(s) - limit))
    if lo > 0:
        sp = s.find(" ", lo, ps)
        lo = sp + 1 if sp != -1 else lo
    hi = min(len(s), lo + limit)
    if hi < len(s):
        sp = s.rfind(" ", pe, hi)
        hi = sp if sp != -1 else max(hi, pe)
    return ("…" if lo > 0 else "") + s[lo:hi].strip() + ("…" if hi < len(s) else "")


def _event_text(body: str, a: int, b: int, ps: int, pe: int) -> str:
    """Plain text of body[a:b] with the phrase body[ps:pe] kept in the trim."""
    raw = body[a:ps] + _OPEN + body[ps:pe] + _CLOSE + body[pe:b]
    s = plain(raw)
    i, j = s.find(_OPEN), s.find(_CLOSE)
    if i == -1 or j == -1:  # the markup swallowed a marker: trim from the start
        s = s.replace(_OPEN, "").replace(_CLOSE, "")
        return _trim(s, 0, 0)
    s = s[:i] + s[i + 1:j] + s[j + 1:]
    return _trim(s, i, j - 1)


def _sentence(body: str, line_a: int, line_b: int, ps: int, pe: int) -> tuple[int, int]:
    """The sentence around body[ps:pe], looked for inside its line and a
    bounded window (a huge one-line paragraph must not make this quadratic)."""
    a, b = max(line_a, ps - _WINDOW), min(line_b, pe + _WINDOW)
    start, end = a, b
    for m in _SENTENCE_END.finditer(body, a, b):
        if m.end() <= ps:
            start = m.end()
        elif m.start() >= pe:
            end = m.end()
            break
    return start, end


def _parse_note_date(note_date: str | None) -> date | None:
    """The last day the note's date can mean: "2025-02" -> 2025-02-28."""
    if not note_date:
        return None
    m = re.match(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", str(note_date))
    if not m:
        return None
    y = int(m[1])
    mo = int(m[2]) if m[2] else 12
    try:
        if not 1 <= y <= 9998 or not 1 <= mo <= 12:
            return None
        d = int(m[3]) if m[3] else calendar.monthrange(y, mo)[1]
        return date(y, mo, d)
    except ValueError:
        return None


_AHEAD = timedelta(days=14)


def _year_before_ref(c: Candidate, ref: date) -> int:
    """Rule 2: the year giving the latest such day (or month) not after ``ref``; a day at
    most ``_AHEAD`` after it is in the coming days (a note of 25 January that says
    "다음 주 1월 29일 FOMC" means this January, a note of 28 December "1월 5일" next year)."""
    if c.day:
        limit = ref + _AHEAD
        for y in (ref.year + 1, ref.year):
            try:
                if date(y, c.month, c.day) <= limit:
                    return y
            except ValueError:  # 2월 29일 outside a leap year
                continue
        fits = (c.month, c.day) <= (ref.month, ref.day)
    else:
        fits = c.month <= ref.month
    return ref.year if fits else ref.year - 1


def _year_in_block(c: Candidate, block: date) -> int:
    """Rule 1: the block's year, or the year before when that lands more than
    a month after the block date."""
    y = block.year
    try:
        if c.day and date(y + 1, c.month, c.day) <= block + _AHEAD:  # "1월 3일" under 2024-12-30
            return y + 1
    except ValueError:
        pass
    try:
        if date(y, c.month, c.day or 1) > block + timedelta(days=31):
            y -= 1
    except ValueError:  # 2월 29일 in a non-leap block year: the year before may fit
        y -= 1
    return y


def _fmt(y: int, m: int | None, d: int | None) -> str:
    if d:
        return f"{y:04d}-{m:02d}-{d:02d}"
    if m:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}"


class _Lines:
    """Line starts, headings and paragraph numbers, computed in one pass."""

    def __init__(self, body: str, scan: str) -> None:
        self.starts: list[int] = []
        self.heading_no: list[int] = []  # index into self.headings, -1 for none
        self.para: list[int] = []
        self.headings: list[str] = []
        pos, para, prev_blank = 0, 0, False
        for raw in scan.split("\n"):
            self.starts.append(pos)
            end = pos + len(raw)
            blank = _BLANK_LINE.match(raw) is not None
            if _HEADING.match(raw):
                self.headings.append(plain(body[pos:min(end, pos + 2 * _WINDOW)]))
                para += 1
            elif blank and not prev_blank:
                para += 1
            self.heading_no.append(len(self.headings) - 1)
            self.para.append(para)
            prev_blank = blank
            pos = end + 1
        self.length = len(scan)

    def of(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1

    def end(self, line: int) -> int:
        return self.starts[line + 1] - 1 if line + 1 < len(self.starts) else self.length


def _select(cands: list[Candidate]) -> list[Candidate]:
    """Longest match wins at a position; overlapping later matches are dropped
    (``2025년 1월 20일`` is one phrase, not also ``2025년`` and ``1월 20일``)."""
    cands.sort(key=lambda c: (c.start, -(c.end - c.start)))
    out: list[Candidate] = []
    last_end = -1
    for c in cands:
        if c.start >= last_end:
            out.append(c)
            last_end = c.end
    return out


# -- what is not prose: metadata lines, tables of data, file names, versions -----------------

# A leading front matter block (raw bodies): metadata, not prose.
_FRONT_MATTER = re.compile(
    r"\A(?:---[ \t]*\n[A-Za-z_][\w-]*[ \t]*:.*?\n(?:---|\.\.\.)|\+\+\+[ \t]*\n.*?\n\+\+\+)[ \t]*$", re.S | re.M)
# A line that states when the note was written or changed: "작성 날짜: 2023-11-15",
# "> 작성일: … | 수정일: …", "**Created**: …", "updated:: …" (Dataview), "Posted on Jan 3, 2024".
_META_KEYS = (
    "작성[ \t]*날짜|작성[ \t]*일자|작성[ \t]*일시|작성일|작성|수정[ \t]*날짜|수정[ \t]*일자|수정[ \t]*일시|수정일|수정|"
    "최종[ \t]*수정일?|최종[ \t]*업데이트|업데이트[ \t]*날짜|업데이트|갱신일?|등록[ \t]*날짜|등록일|게시[ \t]*날짜|게시일|"
    "발행[ \t]*날짜|발행일|생성[ \t]*날짜|생성일|기록일|날짜|일자|일시|"
    "(?i:date[ \t]*(?:created|modified|updated|published)?|created(?:[ \t_]at)?|creation[ \t]date|"
    "updated(?:[ \t_]at)?|last[ \t](?:updated|modified|edited|changed)|modified(?:[ \t_]at)?|"
    "published(?:[ \t_]at)?|publish[ \t]date|posted|time(?:stamp)?)"
)
_LINE_HEAD = r"[ \t]*(?:>[ \t]*)*(?:[-*+][ \t]+)?(?:\*\*|__)?"
_META_LINE = re.compile(_LINE_HEAD + r"(?:" + _META_KEYS + r")(?:\*\*|__)?[ \t]*(?:::?|：)")
_META_ON = re.compile(_LINE_HEAD + r"(?i:posted|published|updated|last[ \t]updated|written|created)[ \t]+on[ \t]")
_META_CELL = re.compile(r"(?:" + _META_KEYS + r")[ \t]*:?")
# What may stand beside a date on a line that holds nothing else ("## 2024-02-05",
# "2024. 3. 5. 14:22", "**2023.11.15 (수)**", "2023-11-15 작성"): no fact there.
_DATE_ONLY_REST = re.compile(
    r"(?:[\s>#*+\-–—\[\]_~.,:;()|/]|\d{1,2}:\d{2}(?::\d{2})?|[AaPp]\.?[Mm]\.?|오전|오후"
    r"|[월화수목금토일](?:요일)?|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*|작성|수정|업데이트|게시|등록|발행)*")
_HEADING_MARK = re.compile(r"[ \t]{0,3}#{1,6}[ \t]+")
_LIST_ITEM = re.compile(r"[ \t]*(?:>[ \t]*)*(?:[-*+•»]|\d{1,3}[.)])[ \t]+")
# A number right after a version word is a version (v2024.01.15, Build 2024.03.15).
_VERSION_BEFORE = re.compile(r"(?:\b[Vv]|\b[Vv]er\.?|\b[Vv]ersion|\b[Bb]uild|\b[Rr]elease|\b[Rr]ev\.?"
                             r"|\b[Rr]evision|버전|빌드|릴리스|릴리즈)[ \t]*$")
# A file name (backup_2024-03-15.tar.gz, 2024-01-22.md): found by its extension, extended left.
_FILE_EXT = re.compile(r"\.(?:md|markdown|txt|png|jpe?g|gif|webp|svg|pdf|csv|tsv|xlsx?|docx?|pptx?|hwp|hwpx"
                       r"|zip|gz|tgz|tar|7z|log|json|ya?ml|toml|py|js|ts|html?|mp[34]|mov)(?![A-Za-z0-9_])")
_NOT_TOKEN = frozenset(" \t\n()[]<>|\"'`")
_DELIM_ROW = re.compile(r"[ \t]*(?:>[ \t]*)*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_LETTERS = re.compile(r"[A-Za-z\uac00-\ud7a3]")
_WORDS_LEFT = re.compile(r"\w")
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_SKIP = "skip"


def _mask_file_names(scan: str) -> str:
    if "." not in scan:
        return scan
    spans = []
    for m in _FILE_EXT.finditer(scan):
        a = m.start()
        lo = max(0, a - 120)  # bounded: a huge token costs no rescans
        while a > lo and scan[a - 1] not in _NOT_TOKEN:
            a -= 1
        if any(ch.isdigit() for ch in scan[a:m.start()]):
            spans.append((a, m.end()))
    if not spans:
        return scan
    out, pos = [], 0
    for a, b in spans:
        a = max(a, pos)
        out.append(scan[pos:a])
        out.append(blank(scan[a:b]))
        pos = b
    out.append(scan[pos:])
    return "".join(out)


def _cells(line: str) -> list[tuple[int, int]]:
    """Spans (within ``line``) of a table row's cells, stripped, outer pipes dropped."""
    i = 0
    while i < len(line) and line[i] in " \t>":
        i += 1
    if i < len(line) and line[i] == "|":
        i += 1
    end = len(line.rstrip())
    if end > i and line[end - 1] == "|" and not line[:end - 1].endswith("\\"):
        end -= 1
    spans, a = [], i
    for j in range(i, end + 1):
        if j == end or (line[j] == "|" and line[j - 1] != "\\"):
            lo, hi = a, j
            while lo < hi and line[lo] in " \t":
                lo += 1
            while hi > lo and line[hi - 1] in " \t":
                hi -= 1
            spans.append((lo, hi))
            a = j + 1
    return spans


def _date_cell(cell: str) -> bool:
    """A cell that is a date and little else ("2024-06-05", "1994년 9월", "2024-01-05 (금)")."""
    found = _select(list(candidates(cell)))
    if not found:
        return False
    rest, pos = [], 0
    for c in found:
        rest.append(cell[pos:c.start])
        pos = c.end
    rest.append(cell[pos:])
    left = _TIME.sub("", "".join(rest))
    return len(_WORDS_LEFT.findall(left)) <= 3


class _Tables:
    """Markdown tables, found lazily from a line a date landed on, each looked at once.

    A table is a chronology when one column holds dates (80% of its filled cells) and another
    holds text (half of the rows); then each body row is an event dated by its date cell,
    with the row's text.  Any other table (figures per year, prices per day, key/value
    metadata) gives no event.  ``kind(line)`` is ``"skip"``, ``None`` (not a table) or
    ``(cell start, cell end, row text)`` with offsets in the body."""

    def __init__(self, body: str, scan: str, lines: "_Lines") -> None:
        self.body, self.scan, self.lines = body, scan, lines
        self.memo: dict[int, object] = {}

    def _line(self, i: int) -> str:
        return self.scan[self.lines.starts[i]:self.lines.end(i)]

    def kind(self, ln: int):
        if ln in self.memo:
            return self.memo[ln]
        if "|" not in self._line(ln):
            return None
        n = len(self.lines.starts)
        lo = ln
        while lo > 0 and "|" in self._line(lo - 1) and self._line(lo - 1).strip():
            lo -= 1
        hi = ln
        while hi + 1 < n and "|" in self._line(hi + 1) and self._line(hi + 1).strip():
            hi += 1
        delim = next((i for i in range(lo + 1, hi + 1) if _DELIM_ROW.match(self._line(i))
                      and "-" in self._line(i)), None)
        if delim is None:  # pipes in prose ("작성일: … | 수정일: …"), not a table
            for i in range(lo, hi + 1):
                self.memo[i] = None
            return None
        for i in range(lo, hi + 1):
            self.memo[i] = _SKIP
        rows = []
        for i in range(delim + 1, hi + 1):
            line = self._line(i)
            rows.append((i, [(a, b, line[a:b]) for a, b in _cells(line)]))
        width = max((len(r) for _, r in rows), default=0)
        date_col = text_col = None
        for col in range(width):
            filled = [r[col][2] for _, r in rows if col < len(r) and r[col][2].strip()]
            if filled and sum(_date_cell(c) for c in filled) >= 0.8 * len(filled):
                date_col = col
                break
        if date_col is not None:
            for col in range(width):
                if col == date_col:
                    continue
                texts = [r[col][2] for _, r in rows if col < len(r)]
                if sum(len(_LETTERS.findall(c)) >= 2 and not _date_cell(c) for c in texts) >= 0.5 * len(rows):
                    text_col = col
                    break
        if date_col is None or text_col is None:
            return self.memo[ln]
        for i, cells in rows:
            if date_col >= len(cells) or not _date_cell(cells[date_col][2]):
                continue
            others = [c[2].strip() for j, c in enumerate(cells) if j != date_col and c[2].strip()]
            if any(_META_CELL.fullmatch(c) for c in others):  # | 작성일 | 2023-11-15 |
                continue
            base = self.lines.starts[i]
            a, b = base + cells[date_col][0], base + cells[date_col][1]
            text = " · ".join(t for t in (plain(self.body[base + x:base + y]) for x, y, _ in cells) if t)
            self.memo[i] = (a, b, _trim(text, 0, 0))
        return self.memo[ln]


def _date_only(scan: str, la: int, lb: int, c: Candidate) -> bool:
    """The line holds the date and nothing else that says what happened."""
    head = _HEADING_MARK.match(scan, la)
    start = head.end() if head else CONTENT_START.match(scan, la).end()
    if start > c.start:
        start = la
    return (_DATE_ONLY_REST.fullmatch(scan, start, c.start) is not None
            and _DATE_ONLY_REST.fullmatch(scan, c.end, lb) is not None)


def _metadata(scan: str, la: int) -> bool:
    return _META_LINE.match(scan, la) is not None or _META_ON.match(scan, la) is not None


def extract_events(body: Text, note_date: str | None) -> tuple[list[DatedEvent], int]:
    """Returns (events, unplaced) where unplaced counts year-less dates that
    could not be given a year.  Events are in body order; identical
    (date, text) pairs are kept once.  ``body``: a ``str`` or its :class:`ParsedNote`,
    scanned in its ``markup`` layer (code, embeds, images, link targets, URLs and
    HTML tags blanked: a date in a file name or a URL is no fact), with front matter and
    file names blanked on top."""
    parsed = parse(body)
    body, scan = parsed.text, parsed.markup
    if scan.startswith(("---", "+++")):
        scan = _FRONT_MATTER.sub(lambda m: blank(m.group()), scan, count=1)
    scan = _mask_file_names(scan)
    lines = _Lines(body, scan)
    tables = _Tables(body, scan, lines)
    meta: dict[int, bool] = {}
    rows_done: set[int] = set()
    ref = _parse_note_date(note_date)

    events: list[DatedEvent] = []
    seen: set[tuple[str, str]] = set()
    unplaced = 0
    block: tuple[date, int] | None = None  # (header date, heading number)
    last_year: int | None = None  # rule 3
    para_year: tuple[int, int] | None = None  # (paragraph, year) for 같은 해

    for c in _select(list(candidates(scan))):
        ln = lines.of(c.start)
        la, lb = lines.starts[ln], lines.end(ln)
        if ln not in meta:
            meta[ln] = _metadata(scan, la)
        if meta[ln]:  # 작성 날짜: …, created: …: when the note was written, not a fact
            continue
        row = tables.kind(ln)
        if row == _SKIP:
            continue
        if row is not None:  # a chronology row: its date cell dates the row
            if ln in rows_done or not row[0] <= c.start < row[1]:
                continue
            rows_done.add(ln)
        elif c.form in ("ymd", "ym", "yymmdd") and _VERSION_BEFORE.search(scan, max(0, c.start - 16), c.start):
            continue
        only_date = row is None and _date_only(scan, la, lb, c)
        y = c.year
        header = False
        if y is not None:
            last_year, para_year = y, (lines.para[ln], y)
            if c.day and (c.form == "ymd" and CONTENT_START.match(scan, la).end() == c.start
                          or only_date and c.form in ("ymd", "ko", "en")):
                header = True
                block = (date(y, c.month, c.day), lines.heading_no[ln])
        elif c.form == "same_year":
            if para_year and para_year[0] == lines.para[ln]:
                y = para_year[1]
        elif block and block[1] == lines.heading_no[ln]:
            y = _year_in_block(c, block[0])
        elif ref is not None:
            y = _year_before_ref(c, ref)
        else:
            y = last_year
        if only_date:  # "## 2024-02-05", "2024. 3. 5. 14:22": dates what follows, is no fact
            continue
        if y is None:
            unplaced += 1
            continue
        if not valid(y, c.month, c.day):  # 2월 29일 landing in a non-leap year
            continue

        if row is not None:
            text = row[2]
        else:
            if header:
                a, b = la, min(lb, la + 2 * _WINDOW)
            elif lb - la <= TEXT_LIMIT and _LIST_ITEM.match(scan, la):
                a, b = la, lb  # a short list item is one fact, label included
            else:
                a, b = _sentence(body, la, lb, c.start, c.end)
            text = _event_text(body, a, b, c.start, c.end)
        ds = _fmt(y, c.month, c.day)
        if (ds, text) in seen:
            continue
        seen.add((ds, text))
        hn = lines.heading_no[ln]
        events.append(DatedEvent(ds, c.precision, text, c.start, ln,
                                 lines.headings[hn] if hn >= 0 else None))
    return events, unplaced
