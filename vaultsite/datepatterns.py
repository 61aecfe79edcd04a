"""The date forms the notes use, compiled once, each with its own sanity check.

Every form is a separate pattern rather than one giant alternation so that a
match that fails its check (``1/10 수준``, ``2025년 2월 30일``) simply drops out
and cannot hide a shorter valid form starting at the same place.  The caller
(:mod:`vaultsite.dates`) runs every pattern once over the whole masked body
(linear), sorts the candidates and keeps the longest non-overlapping ones.

Patterns never cross a line (``[ \\t]`` instead of ``\\s`` between tokens):
a date phrase split over two lines is more likely two unrelated numbers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterator


@dataclass(frozen=True)
class Candidate:
    """One date phrase found in the text, before its year is inferred.

    ``year`` is None for year-less forms (``1월 27일``, ``1/24``); ``form`` says
    which pattern found it, because header detection and the "same year"
    rule depend on it.
    """

    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    form: str

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"


def valid(year: int | None, month: int | None, day: int | None) -> bool:
    """True when the fields can form a real date (2000 stands in for a
    missing year so that 2월 29일 stays possible until the year is known)."""
    if month is None:
        return year is not None and 1000 <= year <= 2999
    try:
        date(year or 2000, month, day or 1)
    except ValueError:
        return False
    return True


def _yy(two: str) -> int:
    """'24 -> 2024, '98 -> 1998: the notes are about the recent past."""
    n = int(two)
    return 2000 + n if n < 70 else 1900 + n


_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
# Capitalised only: "may" and "march" are also ordinary English words.
_MONTH_FORMS = ("Jan(?:uary)?", "Feb(?:ruary)?", "Mar(?:ch)?", "Apr(?:il)?", "May", "June?", "July?",
                "Aug(?:ust)?", "Sep(?:t(?:ember)?)?", "Oct(?:ober)?", "Nov(?:ember)?", "Dec(?:ember)?")


def _mon(after_first: str = "") -> str:
    """A month name (``after_first``: an assertion placed after its first letter)."""
    return ("(?P<mon>" + "|".join(f[0] + after_first + f[1:] for f in _MONTH_FORMS) + ")"
            r"(?![A-Za-z])\.?")


_MON = _mon()
_YEAR4 = r"(?P<y>(?:19|20)\d{2})"
_ORD = r"(?:st|nd|rd|th)?"
# Characters that, right before a number, make it part of something else
# (a version, an amount, a range, a path, an identifier).
_NUM_CHARS = r"0-9A-Za-z_.,/:~\-–"

# A pattern that opens with a lookbehind makes ``re`` try every position of the text; one
# that opens with a literal or a character class lets it skip to the positions where that
# can match. So each pattern below takes its first character (or two), then looks behind
# past it (``(?<![x].)``: the character before the match is not an x), which matches
# exactly what the lookbehind in front matched (at the text's start too). The candidates of
# the benchmark's 5,000 notes, the seed notes and the test fixtures (raw and masked): the
# same 16,808, found in 1.9 s instead of 3.9 s.
_YEAR4_START = f"(?P<y>(?:19|20)(?<![{_NUM_CHARS}]..)\\d{{2}})"
# With 년 a four-digit number is a year further back too (1827년, 1847년).
_KO_YEAR4_START = f"(?P<y>(?:1[5-9]|20)(?<![{_NUM_CHARS}]..)\\d{{2}})"

# Words after a Korean year that keep it a year: a space or punctuation, or a
# particle / time word (에, 부터, 까지, 말, 초, 상반기 ...).  Anything else
# (2023년형, 1990년대, 2020년식) makes it part of a word.
_KO_YEAR_TAIL = r"(?=[^\w]|$|[에의도은는이과와엔을를로으부까말초중상하보만생경전후께])"

# Words that, right after ``1/24``, make it a fraction (``1/10 수준``).
FRACTION_AFTER = re.compile(
    r"[ \t]*(?:수준|으?로|배|만큼|정도|이하|이상|의|에[ \t]*(?:불과|해당|그)|가량|밖에|씩|미만|초과|토막|%)")
# Words that, right before ``1/24``, announce a quantity (``약 1/3``).
FRACTION_BEFORE = re.compile(r"(?:약|대비|불과|겨우|최대|최소|무려|거의|단|\d)[ \t]+$")
# "Every January" is not an event.
EVERY_BEFORE = re.compile(r"(?:매년|매해|해마다|격년|연중)[ \t]*$")
# ``Windows 10.12.01``, ``Python 3/11``: a number right after a Latin name
# belongs to the name.
LATIN_NAME_BEFORE = re.compile(r"[A-Za-z][\w.+\-]*[ \t]+$")

_LOOKBACK = 24  # characters inspected by the *_BEFORE checks


def _before(text: str, pos: int, pattern: re.Pattern) -> bool:
    return pattern.search(text, max(0, pos - _LOOKBACK), pos) is not None


def _ymd(m: re.Match, text: str) -> Candidate | None:
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    return Candidate(m.start(), m.end(), y, mo, d, "ymd") if valid(y, mo, d) else None


def _ym(m: re.Match, text: str) -> Candidate | None:
    return Candidate(m.start(), m.end(), int(m["y"]), int(m["m"]), None, "ym")


def _yymmdd(m: re.Match, text: str) -> Candidate | None:
    y, mo, d = _yy(m["y"]), int(m["m"]), int(m["d"])
    if not valid(y, mo, d) or _before(text, m.start(), LATIN_NAME_BEFORE):
        return None
    return Candidate(m.start(), m.end(), y, mo, d, "yymmdd")


def _apos(m: re.Match, text: str) -> Candidate | None:
    mo = int(m["m"]) if m.groupdict().get("m") else None
    y = _yy(m["y"])
    return Candidate(m.start(), m.end(), y, mo, None, "apos") if valid(y, mo, None) else None


def _ko_full(m: re.Match, text: str) -> Candidate | None:
    y = int(m["y"])
    mo = int(m["m"]) if m.groupdict().get("m") else None
    d = int(m["d"]) if m.groupdict().get("d") else None
    return Candidate(m.start(), m.end(), y, mo, d, "ko") if valid(y, mo, d) else None


def _ko_md(m: re.Match, text: str) -> Candidate | None:
    mo = int(m["m"])
    d = int(m["d"]) if m["d"] else None
    if not valid(None, mo, d) or _before(text, m.start(), EVERY_BEFORE):
        return None
    return Candidate(m.start(), m.end(), None, mo, d, "ko_md")


def _same_year(m: re.Match, text: str) -> Candidate | None:
    mo = int(m["m"])
    d = int(m["d"]) if m["d"] else None
    return Candidate(m.start(), m.end(), None, mo, d, "same_year") if valid(None, mo, d) else None


def _en(m: re.Match, text: str) -> Candidate | None:
    g = m.groupdict()
    mo = _MONTHS[m["mon"][:3].lower()]
    y = int(g["y"]) if g.get("y") else None
    d = int(g["d"]) if g.get("d") else None
    if not valid(y, mo, d):
        return None
    return Candidate(m.start(), m.end(), y, mo, d, "en" if y else "en_md")


def _slash(m: re.Match, text: str) -> Candidate | None:
    """``1/24`` is far more often a fraction than a date, so it has to earn it:
    a valid month/day, no fraction word after, no quantity word or Latin
    name before, and two single digits (``1/3``) only at the start of a line
    or list item."""
    mo, d = int(m["m"]), int(m["d"])
    s = m.start()
    if not valid(None, mo, d) or FRACTION_AFTER.match(text, m.end()):
        return None
    if _before(text, s, FRACTION_BEFORE) or _before(text, s, LATIN_NAME_BEFORE):
        return None
    if len(m["m"]) == 1 and len(m["d"]) == 1:
        nl = text.rfind("\n", max(0, s - 80), s)  # bounded: no rescans of a huge line
        if nl == -1 and s > 80 or CONTENT_START.match(text, nl + 1).end() != s:
            return None
    return Candidate(s, m.end(), None, mo, d, "slash")


# ``- `` / ``1. `` / ``> `` / ``» `` and an opening ``[`` or ``[[`` before a
# line's first word: where a dated header's date has to sit.
CONTENT_START = re.compile(r"[ \t]*(?:>[ \t]*)*(?:(?:[-*+•»]|\d{1,3}[.)])[ \t]+)?(?:\[\[?)?")

PATTERNS: list[tuple[re.Pattern, Callable[[re.Match, str], Candidate | None]]] = [
    # 2025-01-28, 2025.01.28, 2025/01/28, 2025. 2. 21.
    (re.compile(_YEAR4_START + r"(?P<sep>-|/|\.[ \t]?)(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
                r"(?![0-9]|[-./]\d|[A-SU-Za-z])"), _ymd),
    # 2025-01 (ISO month; dots and slashes are too often versions or ratios)
    (re.compile(_YEAR4_START + r"-(?P<m>0[1-9]|1[0-2])(?![0-9]|[-./]\d|[A-Za-z])"), _ym),
    # 24.05.17 as a list-item or word of its own
    (re.compile(r"(?P<y>\d(?<![^\s(\[].)\d)\.(?P<m>\d{2})\.(?P<d>\d{2})\.?(?=[\s,)\]:;]|$)"), _yymmdd),
    # ‘24.5  (month) and (‘23)  (year)
    (re.compile(r"[‘’'](?<!\w.)(?P<y>\d{2})\.(?P<m>\d{1,2})(?=[\s)\],~]|$)"), _apos),
    (re.compile(r"[‘’'](?<!\w.)(?P<y>\d{2})(?=\)|[ \t]*년)"), _apos),
    # 2025년 1월 20일 / 2025년 1월
    (re.compile(_KO_YEAR4_START + r"[ \t]*년[ \t]*(?P<m>\d{1,2})[ \t]*월"
                r"(?:[ \t]*(?P<d>\d{1,2})[ \t]*일(?!간))?(?![간별드요급])"), _ko_full),
    # 2023년 (followed by a particle or a space)
    (re.compile(_KO_YEAR4_START + r"[ \t]*년" + _KO_YEAR_TAIL), _ko_full),
    # 같은 해 11월 / 그해 3월 5일
    (re.compile(r"(?:같(?<![가-힣].)은|그(?<![가-힣].))[ \t]*해(?:에|의|인)?[ \t]*,?[ \t]*(?P<m>\d{1,2})[ \t]*월"
                r"(?:[ \t]*(?P<d>\d{1,2})[ \t]*일(?!간))?(?![간별드요급])"), _same_year),
    # 1월 27일 / 1월 (year-less)
    (re.compile(f"(?P<m>\\d(?<![{_NUM_CHARS}].)\\d?)" + r"[ \t]*월(?:[ \t]*(?P<d>\d{1,2})[ \t]*일(?!간))?(?![간별드요급])"),
     _ko_md),
    # Jan 20, 2025 / January 20th 2025
    (re.compile(_mon(r"(?<![A-Za-z].)") + r"[ \t]+(?P<d>\d{1,2})" + _ORD + r",?[ \t]+" + _YEAR4 + r"(?!\d)"),
     _en),
    # 20 January 2025
    (re.compile(r"(?P<d>\d(?<![\w.].)\d?)" + _ORD + r"[ \t]+" + _MON + r",?[ \t]+" + _YEAR4 + r"(?!\d)"),
     _en),
    # Jan 2025 / January, 2025
    (re.compile(_mon(r"(?<![A-Za-z].)") + r",?[ \t]+" + _YEAR4 + r"(?!\d)"), _en),
    # Jan 20 (year-less)
    (re.compile(_mon(r"(?<![A-Za-z].)") + r"[ \t]+(?P<d>\d{1,2})" + _ORD + r"(?![0-9A-Za-z%]|[.:/]\d)"), _en),
    # 1/24 (year-less, standalone)
    (re.compile(r"(?P<m>\d(?<!\S.)\d?)/(?P<d>\d{1,2})(?=[\s,.)!?:;]|$)(?![.,]\d)"), _slash),
]


_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_QUOTES = ("\u2018", "\u2019", "'")
# What each of PATTERNS cannot match without: groups of strings, one of each group present.
# A scan of the text per pattern is most of the date extraction's cost; a substring test is not.
REQUIRES: list[tuple[tuple[str, ...], ...]] = [
    (("-", "/", "."),),
    (("-",),),
    ((".",),),
    (_QUOTES, (".",)),
    (_QUOTES,),
    (("년",), ("월",)),
    (("년",),),
    (("해",), ("월",)),
    (("월",),),
    (_MONTH_NAMES,),
    (_MONTH_NAMES,),
    (_MONTH_NAMES,),
    (_MONTH_NAMES,),
    (("/",),),
]
assert len(REQUIRES) == len(PATTERNS)


# A group of many strings is looked for in one scan of the text, not one per string.
_FINDERS = {group: re.compile("|".join(map(re.escape, group))).search
            for requires in REQUIRES for group in requires if len(group) > 3}


def candidates(text: str) -> Iterator[Candidate]:
    """Every checked candidate in ``text``, in no particular order (may overlap)."""
    present: dict[tuple[str, ...], bool] = {}
    for (pattern, check), requires in zip(PATTERNS, REQUIRES):
        for group in requires:
            if group not in present:
                find = _FINDERS.get(group)
                present[group] = find(text) is not None if find else any(s in text for s in group)
            if not present[group]:
                break
        else:
            yield from _checked(pattern, check, text)


def _checked(pattern, check, text: str) -> Iterator[Candidate]:
    for m in pattern.finditer(text):
        c = check(m, text)
        if c is not None:
            yield c
