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
_SENTENCE_END = re.compile(r"(?:(?<=[^\d\s.])\.|[!?。])[\"'”’)\]]*(?=\s)")

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


def _year_before_ref(c: Candidate, ref: date) -> int:
    """Rule 2: the year giving the latest such day (or month) not after ``ref``."""
    if c.day:
        fits = (c.month, c.day) <= (ref.month, ref.day)
    else:
        fits = c.month <= ref.month
    return ref.year if fits else ref.year - 1


def _year_in_block(c: Candidate, block: date) -> int:
    """Rule 1: the block's year, or the year before when that lands more than
    a month after the block date."""
    y = block.year
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


def extract_events(body: Text, note_date: str | None) -> tuple[list[DatedEvent], int]:
    """Returns (events, unplaced) where unplaced counts year-less dates that
    could not be given a year.  Events are in body order; identical
    (date, text) pairs are kept once.  ``body``: a ``str`` or its :class:`ParsedNote`,
    scanned in its ``markup`` layer (code, embeds, images, link targets, URLs and
    HTML tags blanked: a date in a file name or a URL is no fact)."""
    parsed = parse(body)
    body, scan = parsed.text, parsed.markup
    lines = _Lines(body, scan)
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
        y = c.year
        header = False
        if y is not None:
            last_year, para_year = y, (lines.para[ln], y)
            if c.form == "ymd" and CONTENT_START.match(scan, la).end() == c.start:
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
        if y is None:
            unplaced += 1
            continue
        if not valid(y, c.month, c.day):  # 2월 29일 landing in a non-leap year
            continue

        if header:
            a, b = la, min(lb, la + 2 * _WINDOW)
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
