"""Is a name found in the notes a plausible company name?  (No morphological analyser.)

Company discovery (:mod:`vaultsite.companies`) takes a name only where the text gives
evidence that it is a company (a ticker with its exchange, a Korean stock code, ``Inc.``,
``(주)``...).  This is the second guard, for the words around such evidence: a name is
refused when it is

* a common word from ``data/common_words.txt`` (``속도``, ``시간``, ``메모리``, ``반도체``),
  also with a particle glued on (``시간을``, ``메모리의``, ``반도체는``);
* a single Hangul syllable, or a Latin name of one character, or digits only;
* a verb or modifier form (``위한``, ``대한``, ``…하는``, ``…에서``), which is where a
  bracketed term's preceding word ends more often than not.

Compounds of common words are *not* refused: ``한국전력``, ``현대건설`` and ``대한항공`` are
companies made of ordinary words, and come with a stock code.  A curated list plus these
rules decides in microseconds per name; kiwipiepy would cost ~2 s to load and 100 MB for the
same answers on names that already passed the evidence test (see the table in
``tests/test_names.py``).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

WORDS_PATH = Path(__file__).parent / "data" / "common_words.txt"

_HANGUL_RE = re.compile("[\uac00-\ud7a3]")
_ALL_HANGUL = re.compile("[\uac00-\ud7a3]+")

# Particles that glue onto a noun, longest first.  A name ending in one is refused only when
# what remains is a common word or one syllable: 에코프로 (…로) and 카카오페이 (…이) are names.
PARTICLES = sorted(set((
    "은 는 이 가 을 를 의 에 에서 에게 께 께서 으로 로 와 과 도 만 부터 까지 보다 처럼 "
    "이라는 라는 이란 이라고 라고 이며 이고 이나 나 랑 이랑 하고 에는 에서는 에서도 에도 "
    "에서의 과의 와의 과는 와는 으로는 로는 으로의 로의 으로도 로도 으로부터 로부터 이다 인"
).split()), key=len, reverse=True)
# Endings that make a word a verb or modifier form, not a name (two syllables or more, so
# that no company name ending is caught by accident).
VERB_ENDINGS = (
    "하는 되는 하기 되기 하여 되어 해서 돼서 했다 한다 된다 적인 적으로 하라 하자 에서 에게 "
    "으로 처럼 까지 부터 보다 이라 라는 이란 하고 하며 하면 되면 위한 대한 통한 관한 의한"
).split()


@lru_cache(maxsize=4)
def _words(path: str = str(WORDS_PATH)) -> frozenset[str]:
    out = set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0]
        out.update(w.casefold() for w in line.split())
    return frozenset(out)


def common_words() -> frozenset[str]:
    """The packaged list of words that are never a company (case-folded)."""
    return _words()


def strip_particle(word: str) -> str:
    """``word`` without one glued particle, when what remains has two syllables or more
    (``한솔케미칼과`` -> ``한솔케미칼``); the word itself otherwise."""
    for p in PARTICLES:
        if word.endswith(p) and len(word) - len(p) >= 2 and _HANGUL_RE.match(word[-len(p) - 1]):
            return word[: -len(p)]
    return word


def refusal(name: str) -> str | None:
    """Why ``name`` is not a company name, or None when it may be one."""
    name = name.strip()
    if not name:
        return "empty"
    words = common_words()
    key = name.casefold()
    if key in words:
        return "a common word"
    if name.isdigit():
        return "digits only"
    hangul = _ALL_HANGUL.fullmatch(name) is not None
    if hangul:
        if len(name) < 2:
            return "one syllable"
        for p in PARTICLES:
            if name.endswith(p) and len(name) > len(p):
                stem = name[: -len(p)]
                if len(stem) < 2:
                    return "a one-syllable word with a particle"
                if stem in words:
                    return "a common word with a particle"
        for e in VERB_ENDINGS:
            if name.endswith(e):
                return "a verb or modifier form"
        return None
    if not _HANGUL_RE.search(name):
        letters = [c for c in name if c.isalpha()]
        if len(letters) < 2:
            return "too short"
        if all(w.casefold() in words for w in name.split()):
            return "common words"
    return None


def is_company_name(name: str) -> bool:
    return refusal(name) is None
