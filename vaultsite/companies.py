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

Text is expected in NFC (the loaders normalise it); offsets always refer to
the text passed in.
"""
from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import yaml

from .parsed import Text, mask_prose, parse  # noqa: F401 - mask_prose: the prose layer, named here too
from .textutil import fold

DEFAULT_PATH = Path(__file__).parent / "data" / "companies.yml"

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HANGUL = "\uac00-\ud7a3"
_WORD = "A-Za-z0-9_"

# Tickers are matched in text only when they look like tickers (2-5 capitals,
# or a six-digit Korean code) and are not everyday abbreviations.  "0700" or
# "8035" would be times and years; CRM/GS/MS are words or other companies'
# names (MS is an explicit Microsoft alias, not Morgan Stanley).
_MATCHABLE_TICKER = re.compile(r"[A-Z]{2,5}|\d{6}")
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
# Lookbehinds placed *after* the first literal (width 2) instead of before
# it, so every top-level branch starts with a literal and ``re`` can skip
# non-candidate positions with a first-character set: this is what keeps the
# scan fast on 10 M characters.
_HEADS = {"latin": f"(?<![{_WORD}].)", "hangul": f"(?<![{_HANGUL}].)", "other": ""}


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
        got = _YAML[str(path)] = (stamp, yaml.safe_load(path.read_text(encoding="utf-8")) or [])
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


def _build_regex(surfaces: Iterable[str]) -> re.Pattern | None:
    """One regex for all surfaces: a case-folded trie, longest branch first.

    Each trie node is ``(?:child|child|tail)``; the children start with
    different characters so at most one can proceed, and the tail (the end
    of a shorter alias) is tried last: the match at a position is the
    longest alias that also satisfies its boundary.  Case is checked after
    the match (``Registry._accept``), which keeps a single trie.
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
        if len(alts) == 1:
            return alts[0]
        return "(?:" + "|".join(alts) + ")"

    top = []
    for tok, child in sorted(root.items()):
        head = _HEADS[_kind(tok)]
        rest = head + emit(child)
        if tok.isascii() and tok.isalpha():
            top.append(re.escape(tok.upper()) + rest)
            top.append(re.escape(tok) + rest)
        else:
            top.append(re.escape(tok) + rest)
    return re.compile("(?:" + "|".join(top) + ")")


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
        """Companies the registry lacks, from ``Name(TICKER)`` patterns.

        Recognised: ``Broadcom(AVGO)``, ``Marvell (NASDAQ: MRVL)``,
        ``엔비디아(NVDA)``, ``Foo Corp (NYSE: FOO)``, ``한화에어로스페이스(012450)``.
        Without an exchange prefix the ticker must be 2-5 capitals or six
        digits, not a common abbreviation (``강화학습(RL)``, ``거대언어모델(LLM)``)
        and not the initials of the name (``Multi-head Latent Attention(MLA)``
        defines an abbreviation, it is no listing).  Known tickers and names
        are skipped; results are new ``Company`` objects with
        ``discovered=True``, not yet added.
        """
        self._rebuild()
        masked = self._masked(text)
        known_tickers = set()
        for c in self._companies:
            for t in c.tickers:
                known_tickers.add(t.upper())
                known_tickers.add(t.upper().split(".")[0])
        found: list[Company] = []
        seen: set[str] = set()
        for m in _DISCOVER_RE.finditer(masked):
            exch = (m.group("exch") or "").upper() or None
            ticker = m.group("ticker")
            if not exch and not _BARE_TICKER.fullmatch(ticker):
                continue
            if ticker in known_tickers or ticker in seen or fold(ticker) in self._lookup:
                continue
            window = max(0, m.start() - 120)  # bounded: no O(n) scan per hit
            line_start = masked.rfind("\n", window, m.start()) + 1
            name = _name_before(masked[max(line_start, window):m.start()])
            if not name or fold(name) in self._lookup or fold(name) in seen:
                continue
            if not exch and (ticker in _ACRONYMS or _initials(name) == ticker):
                continue
            if exch is None and ticker.isdigit() and re.search(f"[{_HANGUL}]", name):
                exch = "KRX"
            cid = slugify(name) or slugify(ticker)
            if cid in self._by_id or cid in {c.id for c in found}:
                cid = f"{cid}-{slugify(ticker)}"
            found.append(Company(
                id=cid, name=name, tickers=[ticker], aliases=[],
                exchange=exch, country=_EXCHANGE_COUNTRY.get(exch or ""), discovered=True,
            ))
            seen.update({ticker, fold(name)})
        return found


# --------------------------------------------------------------------------
# Discovery helpers
# --------------------------------------------------------------------------

_EXCHANGE_COUNTRY = {
    "NASDAQ": "US", "NYSE": "US", "AMEX": "US", "NYSEARCA": "US", "OTC": "US",
    "KRX": "KR", "KOSPI": "KR", "KOSDAQ": "KR", "TSE": "JP", "TYO": "JP",
    "HKEX": "HK", "HKG": "HK", "SEHK": "HK", "SSE": "CN", "SZSE": "CN",
    "SHA": "CN", "SHE": "CN", "LSE": "GB", "TWSE": "TW", "TPE": "TW",
    "XETRA": "DE", "EURONEXT": None,
}
_DISCOVER_RE = re.compile(
    r"[(（][ \t]*(?:(?P<exch>(?i:" + "|".join(sorted(_EXCHANGE_COUNTRY, key=len, reverse=True))
    + r"))[ \t]*[:：][ \t]*)?"
    r"(?P<ticker>[A-Z]{1,5}(?:\.[A-Z]{1,2})?|\d{6}(?:\.[A-Z]{2})?|\d{4}\.[A-Z]{1,2})[ \t]*[)）]"
)
_BARE_TICKER = re.compile(r"[A-Z]{2,5}|\d{6}")
# Abbreviations that notes gloss in parentheses ("거대언어모델(LLM)") and
# that are not listings; a discovery needs an exchange prefix to use them.
_ACRONYMS = frozenset(
    "AI AGI ASI LLM LLMS SLM VLM GPU GPUS CPU TPU NPU DPU HBM DRAM NAND SSD API SDK "
    "SFT RL RLHF MTP MLA MOE COT RAG CEO CFO CTO COO IPO ETF EPS PER PBR ROE ROA "
    "EV ESG GDP CPI PPI PCE FOMC FED ECB BOJ USD KRW JPY CNY EUR US USA UK EU UN "
    "AR VR XR IOT OS PC IT ICT SW HW ASIC FPGA SOC CAPEX OPEX TAM SAM YOY QOQ MOM "
    "YTD ATH PE VC PEF IMF WTO OPEC CES GTC MWC WWDC NLP CV OCR OSS MIT CUDA AWS "
    "SAAS PAAS IAAS B2B B2C KPI OEM ODM EUV DUV CXL PIM TSV MLOPS QA FAQ PDF".split()
)
_EN_NAME = re.compile(
    r"(?<![A-Za-z0-9])[a-z]?[A-Z][A-Za-z0-9&.'-]*(?:[ \t]+(?:(?:of|and|de|&)[ \t]+)?[A-Z0-9][A-Za-z0-9&.'-]*)*\Z"
)
_KO_NAME = re.compile(f"[A-Za-z0-9&]*[{_HANGUL}][{_HANGUL}A-Za-z0-9&]*\\Z")


def _name_before(prefix: str) -> str | None:
    """The company name written right before ``(TICKER)``: a Korean word, or
    up to five capitalised English words (``Foo Corp``, ``Bank of America``)."""
    prefix = prefix.rstrip(" \t")
    m = _KO_NAME.search(prefix) or _EN_NAME.search(prefix)
    if not m:
        return None
    words = m.group(0).split()
    while words and words[0] in ("The", "A", "An"):
        words = words[1:]
    words = words[-5:]
    while words and words[0] in ("of", "and", "de", "&"):
        words = words[1:]
    return " ".join(words).strip("'-") if words else None


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s-]+", name) if w).upper()
