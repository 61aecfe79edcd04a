"""The company registry and the company-mention matcher.

Notes name companies in many ways: ``NVIDIA``, ``Nvidia``, ``NVDA``, ``엔비디아의``,
the user's own ``앤비디아``/``NVDIA``.  The registry (``data/companies.yml``)
lists the spellings; this module turns them into **one** compiled regex, a
trie of every alias, rebuilt only when the registry changes.  A build runs it
over ~10 M characters, so the cost must be one linear scan, never a loop over
companies per text.

Matching rules (the reasons are in the comments next to the code):

* Latin aliases sit on word boundaries: no ``[A-Za-z0-9_]`` on either side.
  Hangul may touch them (``DeepSeek사태``, ``NVDIA의``).
* An alias with lower-case letters matches in any case (``Nvidia`` =
  ``NVIDIA`` = ``nvidia``) unless the entry lists it under ``exact`` because
  it is also an ordinary word (``Meta``, ``Apple``, ``Intel``, ``Arm``): those
  match only as written.  Aliases without lower-case letters (``AMD``, ``MS``,
  tickers) match only in capitals.  So ``ms`` (milliseconds), ``meta``,
  ``apple pie`` never match.
* A Korean alias may be followed by particles (``엔비디아의``, ``삼성전자로부터``)
  or a glued noun suffix (``엔비디아향``, ``애플사의``), but the Hangul run has
  to end there: ``메타데이터``, ``애플리케이션``, ``인텔리전스``, ``구글링`` and
  ``아마존강`` are other words.  A Hangul syllable right before the alias also
  blocks it (``올메타``).
* Nothing matches inside code, URLs, bare domains (``nvidia.com``), e-mail
  addresses, paths, Markdown link targets ``](…)``, images, embeds, reference
  definitions, HTML tags or ``[[wikilink`` targets before ``|``: the matcher
  reads the ``prose`` layer of the parsed note (:mod:`vaultsite.parsed`).
* Leftmost match wins, then the longest at that position (``Meta Platforms``
  over ``Meta``, ``SK하이닉스`` over ``하이닉스``), so spans never overlap.

Discovery (``Registry.discover``) adds companies the registry lacks only from forms that
only companies take (a ticker with its exchange, a Korean stock code, a company suffix);
``Name(ABBR)`` is a term, and a common word is never a name (:mod:`vaultsite.names`).

Text is expected in NFC (the loaders normalise it); offsets always refer to
the text passed in.
"""
from __future__ import annotations

import re
import unicodedata
import zlib
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import yaml

from .parsed import Text, mask_prose, parse, plain  # noqa: F401 - mask_prose: the prose layer, named here too
from .textutil import ABBREV_NOT_BEFORE, fold

DEFAULT_PATH = Path(__file__).parent / "data" / "companies.yml"

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HANGUL = "\uac00-\ud7a3"
_WORD = "A-Za-z0-9_"

# Tickers are matched in text only when they look like tickers (2-5 capitals,
# a six-digit Korean code, a code with its exchange suffix) and are not everyday
# abbreviations.  "0700" or
# "8035" would be times and years; CRM/GS/MS are words or other companies'
# names (MS is an explicit Microsoft alias, not Morgan Stanley).
# A numeric code with its exchange suffix (9984.T, 0700.HK, 005930.KS) is a ticker too.
_MATCHABLE_TICKER = re.compile(r"[A-Z]{2,5}|\d{6}|\d{4,6}\.[A-Z]{1,3}")
_TICKER_STOPLIST = frozenset(
    "AI IT ON OR AN AT BE BY GO IN IS OF SO TO UP US WE ALL ARE CAN HAS NOW "
    "NET CAT CRM GS MS TEL".split()
)

# Korean particles and glued noun suffixes that may follow a Korean alias:
# one suffix, then up to two particles (에게+는, 이+나).  Order does not
# matter (the tail is a lookahead that backtracks), but together they must
# end the Hangul run, which is what keeps 메타데이터 from being Meta.
_NOUN_SUFFIXES = "향 발 측 사 社 주 등 들 내".split()
_PARTICLES = (
    "은 는 이 가 을 를 의 에 에서 에게 에게서 한테 께 께서 으로 로 와 과 도 만 "
    "부터 까지 보다 보다는 처럼 같이 같은 이라는 라는 이란 란 이라고 라고 이며 며 "
    "이고 이자 이나 나 랑 이랑 하고 조차 마저 뿐 밖에 에는 에서는 에서도 에도 에서의 "
    "에의 과의 와의 과는 와는 으로는 로는 으로의 로의 으로도 로도 으로부터 로부터 "
    "부터는 까지는 만의 만이 만은 이다 입니다 였다 이었다 인"
).split()


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


_HANGUL_TAIL = (
    f"(?=(?:{_alt(_NOUN_SUFFIXES)})?(?:{_alt(_PARTICLES)}){{0,2}}(?![{_HANGUL}]))"
)
_LATIN_TAIL = f"(?![{_WORD}])"
_TAILS = {"latin": _LATIN_TAIL, "hangul": _HANGUL_TAIL, "other": ""}
_TAIL_RES = {k: re.compile(v) for k, v in _TAILS.items()}
# A Latin alias starts a Latin word (no [A-Za-z0-9_] before it), a Korean one a Hangul run;
# other characters (漢字) may start anywhere.  Checked right *after* the first character (the
# pattern must start with a character set for ``re`` to skip other positions fast), by one
# pair of lookbehinds whatever the kind: a first character is in at most one of the classes.
_HEAD = f"(?<![{_WORD}][{_WORD}])(?<![{_HANGUL}][{_HANGUL}])"
_KINDS = ("latin", "hangul", "other")


def _kind(ch: str) -> str:
    if ch.isascii() and (ch.isalnum() or ch == "_"):
        return "latin"
    if "\uac00" <= ch <= "\ud7a3":
        return "hangul"
    return "other"


def _squeeze(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def slugify(s: str) -> str:
    """ASCII slug for ids: ``"SK hynix"`` -> ``"sk-hynix"``; Hangul gives ``""``."""
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


_YAML: dict[str, tuple[tuple, object]] = {}  # path -> ((mtime, size), parsed)


def _read_yaml(path: Path):
    """A registry file, parsed once per version (every ``mkdocs serve`` rebuild loads the
    registry; parsing it cost 0.08 s).  Only read from: companies get their own lists."""
    st = path.stat()
    stamp = (st.st_mtime_ns, st.st_size)
    got = _YAML.get(str(path))
    if got is None or got[0] != stamp:
        # libyaml's parser where PyYAML has it (the same safe constructor): the bundled registry
        # of 150 companies parsed in 0.1 s on a slow machine, a tenth of that in C.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        got = _YAML[str(path)] = (stamp, yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or [])  # noqa: S506
    return got[1]


def _as_list(v) -> list[str]:
    if v is None or v == "":
        return []
    if isinstance(v, (list, tuple)):
        return [str(x).strip() for x in v if str(x).strip()]
    return [s.strip() for s in str(v).split(",") if s.strip()]


# --------------------------------------------------------------------------
# Data classes
# --------------------------------------------------------------------------


@dataclass
class Company:
    id: str
    name: str
    tickers: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    exchange: str | None = None
    country: str | None = None
    discovered: bool = False
    note_src: str | None = None
    # Aliases that are ordinary words too: matched only exactly as written.
    exact: list[str] = field(default_factory=list)
    # A discovered company: the sentence that names it with evidence, and the note it is in.
    evidence: str | None = None
    evidence_src: str | None = None

    @classmethod
    def from_note(cls, name: str, meta: dict | None = None, note_src: str | None = None) -> "Company":
        """A company described by a user's note (``companies/<Name>.md``).

        ``meta`` is the note's front matter: ``ticker``/``tickers``,
        ``alias``/``aliases`` (list or comma-separated), ``exact``,
        ``exchange``, ``country``, ``id`` are read; the rest is ignored.
        Korean codes must be quoted in YAML: unquoted ``000660`` is the
        octal number 432 by the time it gets here.
        """
        meta = meta or {}
        tickers = _as_list(meta.get("tickers")) + _as_list(meta.get("ticker"))
        aliases = _as_list(meta.get("aliases")) + _as_list(meta.get("alias"))
        cid = slugify(str(meta.get("id") or "")) or slugify(name)  # an id is a page-safe slug
        if not cid:
            ascii_alias = next((slugify(a) for a in aliases if slugify(a)), "")
            cid = ascii_alias or (slugify(tickers[0]) if tickers else "")
        if not cid:
            cid = "company-%08x" % zlib.crc32(fold(name).encode())
        return cls(
            id=cid, name=name, tickers=tickers, aliases=aliases,
            exchange=meta.get("exchange"), country=meta.get("country"),
            note_src=note_src, exact=_as_list(meta.get("exact")),
        )


@dataclass(frozen=True)
class Mention:
    company_id: str
    start: int
    end: int
    surface: str  # the name as written, without the particle


@dataclass
class _Entry:
    company_id: str
    ci: bool = False  # some alias with this fold key matches in any case
    forms: set = field(default_factory=set)  # exact spellings accepted otherwise


# --------------------------------------------------------------------------
# The trie regex
# --------------------------------------------------------------------------


def _token(ch: str) -> str:
    if ch.isspace():
        return " "
    return ch.lower() if ch.isascii() and ch.isalpha() else ch


def _tok_re(tok: str) -> str:
    if tok == " ":
        return r"[ \t\u00a0]+"
    if tok.isascii() and tok.isalpha():
        return f"[{tok}{tok.upper()}]"
    return re.escape(tok)


def _tok_first(tok: str) -> tuple[str, str]:
    """``_tok_re(tok)`` split into its first character and the rest (spaces are a run)."""
    if tok == " ":
        return r"[ \t\u00a0]", r"[ \t\u00a0]*"
    return _tok_re(tok), ""


def _charset(toks: Iterable[str]) -> str:
    """A character class of first tokens (an ASCII letter in both cases)."""
    chars = {c for t in toks for c in ((t, t.upper()) if t.isascii() and t.isalpha() else (t,))}
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


def _either(alts: list[str]) -> str:
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


def _build_regex(surfaces: Iterable[str]) -> re.Pattern | None:
    """One regex for all surfaces: a case-folded trie, longest branch first.

    Each trie node is ``(?:child|child|tail)``; the children start with
    different characters so at most one can proceed, and the tail (the end
    of a shorter alias) is tried last: the match at a position is the
    longest alias that also satisfies its boundary.  Case is checked after
    the match (``Registry._accept``), which keeps a single trie.

    The first two levels are laid out for ``re``'s speed, not as a plain trie
    ``(?:a…|b…|…)``: ``re`` skips positions whose character is not in the
    pattern's first-character set, but at every other position it walks a
    branch's alternatives one by one, *all* of them when none matches.  With
    ~100 first characters, half the characters of English prose (every ``t``,
    ``a``, ``n`` inside a word) paid for the whole list: 116 ns a character.
    So the pattern reads

        [first chars] HEAD (?<=[latin firsts])  (?: h(?:(?<=[tT].)…|(?<=[sS].)…) | … | latin tails)
                         | (?<=[hangul firsts]) (?: …second characters after a Hangul first… )
                         | (?<=[other firsts])  (?: … )

    one character class, then ``_HEAD`` (the word-start test of every kind) rejects the
    characters inside a word after two cheap lookbehinds; a word start then goes to its
    kind's list of *second* characters (~35 for Latin, not ~100), each alternative naming the
    first characters it may follow with a one-character lookbehind, and on into the plain
    trie.  It accepts the same strings at the same positions, trying them in the same
    order (at each level at most one alternative can match the next character; an alias
    ending at the first character is tried after every longer one), so every match is the
    one the plain trie finds, at a third of the cost.
    """
    root: dict = {}
    END = ""
    for s in surfaces:
        s = _squeeze(s)
        if not s:
            continue
        node = root
        prev = None
        for ch in s:
            tok = _token(ch)
            if tok == " " and prev == " ":
                continue
            node = node.setdefault(tok, {})
            prev = tok
        node[END] = _kind(s[-1])
    if not root:
        return None

    def emit(node: dict) -> str:
        alts = [_tok_re(t) + emit(child) for t, child in sorted(node.items()) if t != END]
        if END in node:
            alts.append(_TAILS[node[END]])
        return _either(alts)

    groups = []
    for kind in _KINDS:
        firsts = sorted(t for t in root if _kind(t) == kind)
        if not firsts:
            continue
        after: dict[str, list[str]] = {}  # second token -> its subtries, one per first token
        ends: dict[str, list[str]] = {}  # tail kind -> first tokens that end an alias
        for first in firsts:
            for tok, child in sorted(root[first].items()):
                if tok == END:
                    ends.setdefault(child, []).append(first)
                else:
                    one, more = _tok_first(tok)
                    after.setdefault(one, []).append(f"(?<={_charset([first])}.){more}{emit(child)}")
        alts = [one + _either(subs) for one, subs in after.items()]
        alts += [f"(?<={_charset(ends[k])}){_TAILS[k]}" for k in _KINDS if k in ends]
        groups.append(f"(?<={_charset(firsts)})" + _either(alts))
    return re.compile(_charset(root) + _HEAD + _either(groups), re.S)


# --------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------


class Registry:
    """Companies by id, with the mention matcher and ticker discovery."""

    def __init__(self, companies: Iterable[Company] = ()):
        self._companies: list[Company] = []
        self._by_id: dict[str, Company] = {}
        self._regex: re.Pattern | None = None
        self._lookup: dict[str, _Entry] = {}
        self._tickers: set[str] = set()
        self._accepted: dict[str, str | None] = {}
        self._dirty = True
        for c in companies:
            self.add(c)

    # -- loading -----------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Registry":
        """Read a registry YAML (default: the packaged ``data/companies.yml``).

        Raises ``ValueError`` naming the entry for a malformed or duplicate
        entry: a silently dropped company would just stop being linked.
        """
        path = Path(path) if path else DEFAULT_PATH
        data = _read_yaml(path)
        if not isinstance(data, list):
            raise ValueError(f"{path}: expected a list of companies")
        reg = cls()
        for i, raw in enumerate(data):
            where = f"{path}: entry {i + 1}"
            if not isinstance(raw, dict) or not raw.get("id") or not raw.get("name"):
                raise ValueError(f"{where}: needs id and name")
            cid = str(raw["id"])
            if not _ID_RE.match(cid):
                raise ValueError(f"{where}: id {cid!r} is not a lower-case slug")
            if cid in reg._by_id:
                raise ValueError(f"{where}: duplicate id {cid!r}")
            unknown = set(raw) - {"id", "name", "tickers", "aliases", "exchange", "country", "exact"}
            if unknown:
                raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
            company = Company(
                id=cid, name=str(raw["name"]),
                tickers=_as_list(raw.get("tickers")), aliases=_as_list(raw.get("aliases")),
                exchange=raw.get("exchange"), country=raw.get("country"),
                exact=_as_list(raw.get("exact")),
            )
            # Packaged entries are appended as they are, never merged, so a
            # clash between two entries stays visible (see the tests).
            reg._companies.append(company)
            reg._by_id[cid] = company
        return reg

    # -- editing -----------------------------------------------------------

    def add(self, company: Company) -> None:
        """Add a company, or merge it into the one it names.

        An existing company is the same one when its id, name, a ticker or an
        alias matches (in that order of strength); then the new aliases,
        tickers and exact spellings join it, and empty fields are filled in.
        Otherwise ``company`` is appended.  Aliases a later company claims
        win over earlier ones: user notes are added after the packaged list.
        """
        target = self._same_as(company)
        if target is None:
            self._companies.append(company)
            self._by_id[company.id] = company
        else:
            known = {fold(s) for s in [target.name, *target.aliases]}
            for alias in [company.name, *company.aliases]:
                if fold(alias) not in known:
                    target.aliases.append(alias)
                    known.add(fold(alias))
            for t in company.tickers:
                if t.upper() not in {x.upper() for x in target.tickers}:
                    target.tickers.append(t)
            for e in company.exact:
                if e not in target.exact:
                    target.exact.append(e)
            target.exchange = target.exchange or company.exchange
            target.country = target.country or company.country
            target.note_src = target.note_src or company.note_src
        self._dirty = True

    def _same_as(self, company: Company) -> Company | None:
        if company.id in self._by_id:
            return self._by_id[company.id]
        names = {fold(c.name): c for c in self._companies}
        if fold(company.name) in names:
            return names[fold(company.name)]
        tickers = {t.upper(): c for c in self._companies for t in c.tickers}
        for t in company.tickers:
            if t.upper() in tickers:
                return tickers[t.upper()]
        aliases = {fold(a): c for c in self._companies for a in [c.name, *c.aliases]}
        for a in company.aliases:
            if fold(a) in aliases:
                return aliases[fold(a)]
        return None

    # -- reading -----------------------------------------------------------

    def get(self, company_id: str) -> Company | None:
        return self._by_id.get(company_id)

    def companies(self) -> list[Company]:
        return list(self._companies)

    def resolve(self, name: str) -> Company | None:
        """The company a name, alias or ticker stands for (any case), if any."""
        self._rebuild()
        entry = self._lookup.get(fold(name))
        return self._by_id.get(entry.company_id) if entry else None

    # -- matching ----------------------------------------------------------

    def _rebuild(self) -> None:
        if not self._dirty:
            return
        lookup: dict[str, _Entry] = {}
        surfaces: list[str] = []
        for c in self._companies:  # later companies win a shared alias
            exact = set(c.exact)
            spellings = [c.name, *c.aliases] + [
                t for t in c.tickers
                if _MATCHABLE_TICKER.fullmatch(t) and t not in _TICKER_STOPLIST
            ]
            for s in spellings:
                s = _squeeze(s)
                if not s:
                    continue
                key = fold(s)
                entry = lookup.get(key)
                if entry is None or entry.company_id != c.id:
                    entry = lookup[key] = _Entry(c.id)
                if re.search("[a-z]", s) and s not in exact:
                    entry.ci = True
                else:
                    entry.forms.add(s)
                surfaces.append(s)
        # Tickers never matched in text (0700.HK, stop-listed MS) still
        # resolve, unless that spelling already names someone else.
        for c in self._companies:
            for t in c.tickers:
                lookup.setdefault(fold(t), _Entry(c.id, forms={_squeeze(t)}))
        self._lookup = lookup
        self._tickers = {t.upper() for c in self._companies for t in c.tickers}
        self._accepted = {}
        self._regex = _build_regex(surfaces)
        self._dirty = False

    def _accept(self, surface: str) -> str | None:
        """The company a matched surface names, if its case is allowed."""
        try:
            return self._accepted[surface]
        except KeyError:
            pass
        entry = self._lookup.get(fold(surface))
        cid = None
        if entry and (entry.ci or _squeeze(surface) in entry.forms):
            cid = entry.company_id
        if len(self._accepted) < 100_000:  # surfaces repeat; fold() is not free
            self._accepted[surface] = cid
        return cid

    def _masked(self, text: Text) -> str:
        """The ``prose`` layer of ``text`` (a note's own layers live on its ParsedNote)."""
        return parse(text).prose

    def _shorter(self, masked: str, start: int, end: int) -> tuple[str, int] | None:
        """After a case rejection (``scale AI`` when only ``Scale AI`` is
        allowed), the longest shorter alias at the same start, if any."""
        for e in range(end - 1, start, -1):
            surface = masked[start:e]
            if surface[-1].isspace() or fold(surface) not in self._lookup:
                continue
            if _TAIL_RES[_kind(surface[-1])].match(masked, e):
                cid = self._accept(surface)
                if cid:
                    return cid, e
        return None

    def find_mentions(self, text: Text) -> list[Mention]:
        """Company mentions in ``text`` (a ``str`` or its :class:`ParsedNote`), sorted by
        start, never overlapping."""
        self._rebuild()
        parsed = parse(text)
        text = parsed.text
        if self._regex is None or not text:
            return []
        masked = self._masked(parsed)
        search = self._regex.search
        out: list[Mention] = []
        pos = 0
        while True:
            m = search(masked, pos)
            if m is None:
                break
            start, end = m.span()
            cid = self._accept(m.group(0))
            if cid is None:
                hit = self._shorter(masked, start, end)
                if hit is None:
                    pos = start + 1
                    continue
                cid, end = hit
            out.append(Mention(cid, start, end, text[start:end]))
            pos = end
        return out

    # -- discovery ---------------------------------------------------------

    def discover(self, text: Text) -> list[Company]:
        """Companies the registry lacks, named in ``text`` (a ``str`` or its ``ParsedNote``,
        read in its prose layer) with evidence that they are companies.

        Evidence is a form only companies take (:func:`find_evidence`): a ticker with its
        exchange (``Marvell (NASDAQ: MRVL)``, ``(KRX: 064350)``, ``(0700.HK)``, ``(9984.T)``,
        ``(005930.KS)``), a six-digit Korean stock code after a name (``현대로템(064350)``),
        or a company suffix (``Analog Devices, Inc.``, ``Rohm Co., Ltd.``, ``Siemens AG``,
        ``(주)한솔케미칼``, ``포스코홀딩스``).  ``Name(ABBR)`` alone is never evidence: an
        abbreviation in brackets is a term (``속도(HZ)``, ``Counter Mode (CTR)``) far more
        often than a listing.  Names that are common words are refused
        (:func:`vaultsite.names.refusal`).  Known tickers and names are skipped; results are
        new ``Company`` objects with ``discovered=True`` and ``evidence`` (the sentence), not
        yet added.  One linear pass per evidence pattern; each hit looks at a bounded window.
        """
        self._rebuild()
        parsed = parse(text)
        masked = self._masked(parsed)
        found: list[Company] = []
        seen: set[str] = set()
        for ev in find_evidence(masked):
            ticker = ev.ticker
            if ticker and self._known_ticker(ticker):
                continue
            keys = {fold(ev.name), fold(ev.written)}
            if keys & seen or any(k in self._lookup for k in keys):
                continue
            # An id is a slug of the name only when the name is all ASCII: "LG에너지솔루션"
            # would be "lg", "LS일렉트릭" "ls".  Otherwise the ticker (373220, 6857-t).
            cid = slugify(ev.name) if ev.name.isascii() else ""
            cid = cid or (slugify(ticker) if ticker else "")
            if not cid:
                cid = "company-%08x" % zlib.crc32(fold(ev.name).encode())
            if cid in self._by_id or cid in {c.id for c in found}:
                cid = f"{cid}-{slugify(ticker or 'x')}"
            aliases = [ev.written] if fold(ev.written) != fold(ev.name) else []
            found.append(Company(
                id=cid, name=ev.name, tickers=[ticker] if ticker else [], aliases=aliases,
                exchange=ev.exchange, country=_EXCHANGE_COUNTRY.get(ev.exchange or ""),
                discovered=True, exact=[ev.name, *aliases],
                evidence=_evidence_sentence(parsed.text, ev.start, ev.end),
            ))
            seen.update(keys)
        return found

    def _known_ticker(self, ticker: str) -> bool:
        """A registry ticker, with or without its exchange suffix (``9984.T``, ``005930``)."""
        t = ticker.upper()
        if t in self._tickers:
            return True
        base = t.split(".")[0]
        return base.isdigit() and base in self._tickers


# --------------------------------------------------------------------------
# Discovery helpers: the forms only companies take
# --------------------------------------------------------------------------

_EXCHANGE_COUNTRY = {
    "NASDAQ": "US", "NYSE": "US", "AMEX": "US", "NYSEARCA": "US", "OTC": "US",
    "KRX": "KR", "KOSPI": "KR", "KOSDAQ": "KR", "TSE": "JP", "TYO": "JP",
    "HKEX": "HK", "HKG": "HK", "SEHK": "HK", "SSE": "CN", "SZSE": "CN",
    "SHA": "CN", "SHE": "CN", "LSE": "GB", "TWSE": "TW", "TPE": "TW",
    "XETRA": "DE", "EURONEXT": None,
}
# Yahoo-style exchange suffixes of a numeric code: 005930.KS, 0700.HK, 9984.T, 2330.TW.
_SUFFIX_EXCHANGE = {
    "KS": "KRX", "KQ": "KOSDAQ", "HK": "HKEX", "T": "TSE", "TW": "TWSE", "TWO": "TPEX",
    "SS": "SSE", "SZ": "SZSE",
}
_COUNTRY_OF_SUFFIX = {"KRX": "KR", "KOSDAQ": "KR", "HKEX": "HK", "TSE": "JP", "TWSE": "TW",
                      "TPEX": "TW", "SSE": "CN", "SZSE": "CN"}
_EXCHANGE_COUNTRY.update({k: v for k, v in _COUNTRY_OF_SUFFIX.items() if k not in _EXCHANGE_COUNTRY})

_EXCH_ALT = "|".join(sorted(_EXCHANGE_COUNTRY, key=len, reverse=True))
_SUFFIX_ALT = "|".join(sorted(_SUFFIX_EXCHANGE, key=len, reverse=True))
# "(NASDAQ: NVDA)", "(KRX: 005930)", "(NYSE: BRK.B)", "(0700.HK)", "(005930.KS)", "(064350)".
_TICKER_RE = re.compile(
    r"[(（][ \t]*(?:"
    r"(?P<exch>(?i:" + _EXCH_ALT + r"))[ \t]*[:：][ \t]*"
    r"(?P<xt>[A-Z]{1,5}(?:\.[A-Z])?|\d{4,6}(?:\.(?:" + _SUFFIX_ALT + r"))?)"
    r"|(?P<st>\d{4,6})\.(?P<sfx>" + _SUFFIX_ALT + r")"
    r"|(?P<code>\d{6})"
    r")[ \t]*[)）]"
)
# English company suffixes after a capitalised name ("Analog Devices, Inc.", "Rohm Co., Ltd.").
# "PLC" in capitals is a programmable logic controller; UK companies write "plc".
_EN_SUFFIX = (r"Co\.,?[ \t]*Ltd\.?|Co\.,?[ \t]*Inc\.?|Inc\.|Inc\b|Corp\.|Corp\b|Corporation|Ltd\.|Ltd\b"
              r"|Limited|LLC|L\.L\.C\.|GmbH|AG|N\.V\.|S\.A\.|S\.p\.A\.|plc|Holdings|Co\.")
# One space before the suffix, a name character (or a comma) before that: a run of blanks
# (masked code) must not be tried from every one of its spaces.  The match starts at the
# suffix, the space is the character before it: a pattern starting with the suffixes' first
# letters (C, I, L, ...) lets ``re`` skip to them, where one starting with the space or a
# lookbehind was tried at every space or every position (0.3 s on 22 M characters).  The
# lookbehind, right after that first letter, checks the space and the name character.
def _by_first_letter(alts: str) -> str:
    groups: dict[str, list[str]] = {}
    for a in alts.split("|"):
        assert a[0].isalpha(), a  # a plain letter: alternatives with another first letter cannot match
        groups.setdefault(a[0], []).append(a[1:])  # in their order: the first that matches wins
    return "|".join(rf"{c}(?<=[A-Za-z0-9.)&,][ \t]{c})(?:{'|'.join(rest)})" for c, rest in groups.items())


_EN_SUFFIX_RE = re.compile(r"(?:" + _by_first_letter(_EN_SUFFIX) + r")(?![A-Za-z])")
_EN_SUFFIX_TAIL = re.compile(r"(?:,?[ \t]+(?:" + _EN_SUFFIX + r"))+[ \t]*\Z")
# Korean: (주)X, ㈜X, 주식회사 X, X(주), X㈜, X 주식회사, X홀딩스.
_KO_RUN = f"[A-Za-z0-9&]*[{_HANGUL}][{_HANGUL}A-Za-z0-9&]*|[A-Z][A-Za-z0-9&]+"
_KO_PREFIX_RE = re.compile(r"(?P<mark>\(주\)|㈜|주식회사)(?P<space>[ \t]?)(?P<name>" + _KO_RUN + ")")
# After the mark only a particle may follow (한미반도체(주)는), never more of a word.
_KO_POSTFIX_RE = re.compile(r"(?P<mark>[ \t]?(?:\(주\)|㈜)|[ \t]주식회사)(?![A-Za-z0-9])" + _HANGUL_TAIL)
_PHRASE_PARTICLES = ("와", "과", "의", "을", "를", "은", "는", "에", "도", "에서", "으로")
# "주식회사 설립 절차" is about companies in general: with a space after 주식회사, the name
# must end there (a particle, punctuation or the end of the line), not run into another word.
_NEXT_WORD = re.compile(f"[ \t]+[{_HANGUL}A-Za-z]")
_HOLDINGS_RE = re.compile("홀딩스" + _HANGUL_TAIL)
_YYYYMM = re.compile(r"(?:19[89]\d|20[0-3]\d)(?:0[1-9]|1[0-2])")
_LOOKBACK = 120  # characters a name may span before its evidence: bounded, no rescans


@dataclass(frozen=True)
class Evidence:
    """A company named with a form only companies take."""

    name: str  # display name: the name without its legal suffix
    written: str  # as written, suffix included
    ticker: str | None
    exchange: str | None
    start: int  # the span of name and evidence in the text
    end: int
    form: str  # "exchange", "suffix-ticker", "krx-code", "suffix", "ko-suffix"


def _window(masked: str, pos: int) -> tuple[int, str]:
    lo = max(0, pos - _LOOKBACK)
    lo = max(lo, masked.rfind("\n", lo, pos) + 1)
    return lo, masked[lo:pos]


_RUN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789&")
_EN_WORD = re.compile(r"[A-Z0-9][A-Za-z0-9&.'-]*")
_EN_FIRST = re.compile(r"[a-z]?[A-Z][A-Za-z0-9&.'-]*")


def _run_before(prefix: str) -> str | None:
    """The word glued to the end of ``prefix`` (one space allowed before the end): a run of
    Hangul, Latin letters, digits and ``&`` holding a Hangul syllable (``LG에너지솔루션``)
    or a capitalised Latin word.  Walked from the end, so it costs the word's length."""
    end = len(prefix)
    if end and prefix[end - 1] in " \t":
        end -= 1
    i = end
    while i > 0 and (prefix[i - 1] in _RUN_CHARS or "\uac00" <= prefix[i - 1] <= "\ud7a3"):
        i -= 1
    run = prefix[i:end]
    if not run:
        return None
    if re.search(f"[{_HANGUL}]", run) or re.fullmatch(r"[A-Z][A-Za-z0-9&]+", run):
        return run
    return None


def _en_name_before(core: str) -> str | None:
    """Up to five capitalised English words ending ``core`` (``Bank of America``), walked from
    the end word by word."""
    tokens = core[-160:].split(" ") if core else []
    if not tokens or not tokens[-1]:
        return None
    words: list[str] = []
    k = len(tokens) - 1
    while k >= 0 and len(words) < 8:
        tok = tokens[k]
        if _EN_WORD.fullmatch(tok) or _EN_FIRST.fullmatch(tok):
            words.insert(0, tok)
            k -= 1
        elif tok in ("of", "and", "de", "&") and words and k > 0 and _EN_WORD.fullmatch(tokens[k - 1]):
            words.insert(0, tok)
            k -= 1
        else:
            # the first word may be glued to what precedes it by a non-letter ("(Robert")
            m = re.search(r"(?<![A-Za-z0-9])[a-z]?[A-Z][A-Za-z0-9&.'-]*\Z", tok)
            if m:
                words.insert(0, m.group(0))
            break
    while words and words[0] in ("of", "and", "de", "&"):
        words.pop(0)
    if words and not _EN_FIRST.fullmatch(words[0]) and not _EN_WORD.fullmatch(words[0]):
        return None
    return " ".join(words) if words else None


@lru_cache(maxsize=4096)  # a name repeats; each hit's window is looked at once per spelling
def _name_before(prefix: str) -> tuple[str, str] | None:
    """The company name written right before a ticker or a suffix: a Korean word, or up
    to five capitalised English words (``Foo Corp``, ``Bank of America``).  Returns
    (display name without a legal suffix, name as written)."""
    prefix = prefix.rstrip(" \t").replace("\t", " ")
    suffix = _EN_SUFFIX_TAIL.search(prefix, max(0, len(prefix) - 40))
    core = prefix[:suffix.start()] if suffix else prefix
    name = None
    if not suffix:
        run = _run_before(core) if core and core[-1] != " " else None
        if run and re.search(f"[{_HANGUL}]", run):
            name = run
    if name is None:
        name = _en_name_before(core)
    if not name:
        return None
    words = name.split()
    while words and words[0] in ("The", "A", "An"):
        words = words[1:]
    words = words[-5:]
    while words and words[0] in ("of", "and", "de", "&"):
        words = words[1:]
    name = " ".join(words).strip("'-.")
    if not name:
        return None
    written = (name + prefix[len(core):]).strip() if suffix else name
    return name, written


@lru_cache(maxsize=4096)
def _ok(name: str) -> bool:
    from .names import is_company_name  # noqa: PLC0415 - names imports nothing from here
    return is_company_name(name)


def find_evidence(masked: str) -> list[Evidence]:
    """Every company named with evidence in ``masked`` (prose only: code, links, URLs blanked)."""
    out: list[Evidence] = []
    for m in _TICKER_RE.finditer(masked):
        lo, before = _window(masked, m.start())
        got = _name_before(before)
        if not got:
            continue
        name, written = got
        if m.group("exch"):
            exch = m.group("exch").upper()
            ticker, form = m.group("xt"), "exchange"
            if "." in ticker and ticker.split(".")[1] in _SUFFIX_EXCHANGE:
                exch = exch or _SUFFIX_EXCHANGE[ticker.split(".")[1]]
        elif m.group("st"):
            ticker, exch, form = f"{m.group('st')}.{m.group('sfx')}", _SUFFIX_EXCHANGE[m.group("sfx")], "suffix-ticker"
        else:
            ticker, exch, form = m.group("code"), "KRX", "krx-code"
            if _YYYYMM.fullmatch(ticker):  # 202312 is a month, not a listing
                continue
            # A bare code goes with a Korean name or a listed name in capitals (NAVER, KT&G);
            # "Part No(123456)" or "Model(102030)" is a part number.
            if not re.search(f"[{_HANGUL}]", name) and not re.fullmatch(r"[A-Z0-9&.\- ]+", name):
                continue
        if _ok(name):
            head = before.rstrip(" \t")
            start = lo + len(head) - len(written) if head.endswith(written) else lo
            out.append(Evidence(name, written, ticker, exch, start, m.end(), form))
    for m in _EN_SUFFIX_RE.finditer(masked):
        space = m.start() - 1  # the blank before the suffix
        lo, before = _window(masked, space)
        before = before[:-1] if before.endswith(",") else before
        got = _name_before(before)
        if not got:
            continue
        name = got[0]
        written = name + ("," if masked[space - 1] == "," else "") + masked[space:m.end()]
        if _ok(name):
            out.append(Evidence(name, written, None, None, space - len(name), m.end(), "suffix"))
    if "㈜" in masked or "(주)" in masked or "주식회사" in masked:  # every mark holds one of these
        for m in _KO_PREFIX_RE.finditer(masked):
            if m.group("mark") == "주식회사" and m.group("space") and _NEXT_WORD.match(masked, m.end()):
                continue
            name = _strip_particle(m.group("name"))
            if _ok(name):
                out.append(Evidence(name, name, None, None, m.start(), m.start("name") + len(name), "ko-suffix"))
        for m in _KO_POSTFIX_RE.finditer(masked):
            lo, before = _window(masked, m.start())
            name = _run_before(before)
            # "설립 절차와 주식회사": a word with a particle glued on is a phrase, not a name
            if name and not name.endswith(_PHRASE_PARTICLES) and _ok(name):
                out.append(Evidence(name, name, None, None, m.start() - len(name), m.end(), "ko-suffix"))
    if "홀딩스" in masked:
        for m in _HOLDINGS_RE.finditer(masked):
            lo, before = _window(masked, m.start())
            head = _run_before(before)
            if not head:
                continue
            name = head + (" " if before.endswith((" ", "\t")) else "") + "홀딩스"
            if len(head) >= 2 and _ok(head) and _ok(name):
                out.append(Evidence(name, name, None, None, m.start() - len(name) + 3, m.start() + 3, "ko-suffix"))
    out.sort(key=lambda e: e.start)
    return out


def _strip_particle(word: str) -> str:
    from .names import strip_particle  # noqa: PLC0415
    return strip_particle(word)


_EVIDENCE_END = re.compile(r"(?:(?<=[^\d\s.A-Z])" + ABBREV_NOT_BEFORE + r"\.|[!?。])(?=\s|$)")
_EVIDENCE_LIMIT = 200


def _evidence_sentence(text: str, start: int, end: int) -> str:
    """The sentence (or list item) that holds text[start:end], as plain text, bounded."""
    a = text.rfind("\n", max(0, start - 400), start) + 1 or max(0, start - 400)
    b = text.find("\n", end, end + 400)
    b = min(len(text), end + 400) if b == -1 else b
    s, e = a, b
    for m in _EVIDENCE_END.finditer(text, a, b):
        if m.end() <= start:
            s = m.end()
        elif m.start() >= end:
            e = m.end()
            break
    out = plain(text[s:e])
    return out if len(out) <= _EVIDENCE_LIMIT else out[:_EVIDENCE_LIMIT - 1].rsplit(" ", 1)[0] + "…"
