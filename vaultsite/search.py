"""Site search: a Pagefind index of the built site, with Korean compounds made findable.

Material's own search loads the whole index into the browser and builds it there (60 MB at
5,000 notes), and only matches the start of words, so ``전자`` never finds ``삼성전자``.
Pagefind writes a chunked static index instead: a search downloads only the chunks of the
words it looks up and the fragments of the results it shows. Pagefind splits Korean on
whitespace and matches every query word as a prefix, so a particle glued to a noun is
already no obstacle (``딥시크`` finds ``딥시크는``), but the inside of a compound is.

Pagefind also puts every word in Hangul into one chunk of its index (see
:func:`encode_hangul`), so Hangul is written in digits in what Pagefind reads.

So, before Pagefind reads a page, every Hangul run of three or more syllables is followed
by its suffixes (``삼성전자는`` → ``성전자는 전자는 자는``), each ending in a private-use
marker (:data:`MARK`); a prefix search for ``전자`` then finds ``전자는``. This is what an
n-gram index does for compound parts, at the cost of a few extra words per Korean word, and
it needs no work at query time. The marked words exist only in the staging copy Pagefind
reads, never in the published pages; the search worker (``overrides/assets/javascripts/
workers/vaultsite-search.js``) writes queries the same way, drops the marked words from
titles and excerpts and turns the digits back into Hangul.

Pagefind ranks headings over body text (its default weights); note aliases are added under
the title with the title's weight. English is stemmed (the index language is ``en``; the
English stemmer leaves Hangul alone). Only notes and company pages are indexed, and company
pages only by their name and aliases: generated listings (tags, timeline, folder indexes,
a company's quotes from its notes) repeat the notes' words and would bury the notes.

No MkDocs here: :func:`build_search_index` takes the site folder and the pages to index.
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

#: Ends every word added for search only (a private-use character Pagefind is told to keep).
MARK = "\ue000"
#: Ends a run of Hangul written as digits (:func:`encode_hangul`).
RUN_END = "\ue001"
#: Keeps a number apart from the Hangul written in digits right after it (``2025년``).
AFTER_NUMBER = "\ue002"
#: The folder of the Pagefind bundle inside the site.
BUNDLE = "pagefind"
#: What Pagefind reads of a page: Material's article, without the tag list, the note's
#: metadata line (date, company chips) and backlinks, which name other notes.
ROOT_SELECTOR = "article.md-content__inner"
EXCLUDE_SELECTORS = ".md-tags, .vs-note-meta, .vs-backlinks, .headerlink, .md-source-file"
#: Pagefind's weight of an ``<h1>``: aliases count as much as the title.
TITLE_WEIGHT = 7
#: Longer runs of Hangul (no real word) get no suffixes past this length.
MAX_RUN = 24

_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]{2,}")
_HANGUL_WORD = re.compile(r"[^\s\uac00-\ud7a3]*[\uac00-\ud7a3]{2,}\S*")
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
_SKIP_OPEN = re.compile(r"<(script|style|svg|code|pre)\b", re.I)
_ARTICLE_OPEN = re.compile(r'<article\b[^>]*class="[^"]*\bmd-content__inner\b[^"]*"[^>]*>')
_H1_CLOSE = re.compile(r"</h1\s*>", re.I)


@dataclass
class SearchPage:
    """One page to index: its URL (as in ``vault.json``), the aliases that should find it, and
    whether its body is searched (a company page is found by its name and aliases only: its
    body quotes the notes, which are found themselves)."""

    url: str
    aliases: list[str] = field(default_factory=list)
    body: bool = True


@dataclass
class SearchIndexResult:
    pages: int = 0
    seconds: float = 0.0  # the whole step
    expand_seconds: float = 0.0  # reading and expanding the pages (the rest is Pagefind)
    bytes: int = 0
    problems: list[str] = field(default_factory=list)


def suffixes(word: str) -> list[str]:
    """The suffixes of every Hangul run in ``word`` that start inside it, two syllables or more.

    ``삼성전자는`` → ``성전자는 전자는 자는``; ``HBM메모리를`` → ``메모리를 모리를 리를``
    (a run that starts after Latin letters or digits counts from its first syllable).
    """
    out: list[str] = []
    for m in _HANGUL_RUN.finditer(word):
        run = m.group()[:MAX_RUN]
        first = 0 if m.start() > 0 else 1
        for i in range(first, len(run) - 1):
            out.append(run[i:])
    return out


_SYLLABLE = re.compile(r"[\uac00-\ud7a3]")
_DIGIT_BEFORE_HANGUL = re.compile(r"(?<=\d)(?=[\uac00-\ud7a3])")
_RUN_LAST = re.compile(r"(?<=[\uac00-\ud7a3])(?![\uac00-\ud7a3])")
_DIGITS = {cp: f"{cp - 0xAC00:05d}" for cp in range(0xAC00, 0xD7A4)}
_ENCODED = re.compile(r"(?<!\d)((?:\d{5})+)" + RUN_END)


def encode_hangul(text: str) -> str:
    """Every run of Hangul syllables written as five digits a syllable (its offset from
    ``가``), ending in :data:`RUN_END`; :data:`AFTER_NUMBER` keeps it apart from a number
    right before it (``2025년``), inside the same word.

    Pagefind splits its word index into chunks by the words' first bytes, and puts every
    word in Hangul into one chunk (7.9 MB at 5,000 notes, all downloaded by any Korean
    search). Written in digits, Korean words spread over chunks like English ones, the
    English stemmer leaves them alone, and a prefix of syllables is still a prefix.
    """
    if not _SYLLABLE.search(text):
        return text
    text = _DIGIT_BEFORE_HANGUL.sub(AFTER_NUMBER, text)
    return _RUN_LAST.sub(RUN_END, text).translate(_DIGITS)


def decode_hangul(text: str) -> str:
    """:func:`encode_hangul` undone (the search worker does the same in JavaScript)."""
    return _ENCODED.sub(lambda m: "".join(chr(0xAC00 + int(m.group(1)[i:i + 5]))
                                          for i in range(0, len(m.group(1)), 5)),
                        text).replace(AFTER_NUMBER, "")


def index_text(text: str) -> str:
    """Text as Pagefind indexes it: the marked suffixes added, Hangul in digits."""
    return encode_hangul(expand_text(text))


def expand_text(text: str) -> str:
    """Text with the marked suffixes of each word added after the word."""
    if not _HANGUL_RUN.search(text):
        return text

    def one(m: re.Match) -> str:
        word = m.group()
        extra = suffixes(word)
        if not extra:
            return word
        return word + "".join(f" {s}{MARK}" for s in extra)

    return _HANGUL_WORD.sub(one, text)


def alias_block(aliases: list[str]) -> str:
    """A paragraph of aliases for the staging copy: every word marked, weighted as the title."""
    words: list[str] = []
    for alias in aliases:
        for w in html.escape(alias, quote=False).split():
            words.append(w + MARK)
            words.extend(s + MARK for s in suffixes(w))
    if not words:
        return ""
    return f'<p data-pagefind-weight="{TITLE_WEIGHT}">{encode_hangul(" ".join(words))}</p>'


def expand_html(page_html: str, aliases: list[str] | None = None, body: bool = True) -> str | None:
    """The page as Pagefind should read it: only Material's article (the navigation, header
    and footer of every page would cost Pagefind time and memory for nothing), with suffixes
    added to its text (not inside tags, scripts, styles, SVG or code) and the aliases after
    the first ``<h1>``; with ``body=False`` the article keeps only that ``<h1>`` and the
    aliases. None for a page without Material's article."""
    m = _ARTICLE_OPEN.search(page_html)
    if not m:
        return None
    start = m.end()
    end = page_html.find("</article>", start)
    if end < 0:
        end = len(page_html)
    body_html = page_html[start:end]
    if not body:
        h1 = re.search(r"<h1\b.*?</h1\s*>", body_html, re.S | re.I)
        body_html = h1.group() if h1 else ""
    lang = re.search(r'<html\b[^>]*\blang="([^"]*)"', page_html[:2000])
    return (f'<!doctype html><html lang="{lang.group(1) if lang else "en"}"><head><meta charset="utf-8">'
            f"</head><body>{m.group()}{_expand_article(body_html, aliases)}</article></body></html>")


def _expand_article(body: str, aliases: list[str] | None) -> str:
    out: list[str] = []
    pos = 0
    skip: str | None = None
    for t in _TAG.finditer(body):
        text = body[pos:t.start()]
        out.append(text if skip else index_text(text))
        tag = t.group()
        if skip:
            if re.match(rf"</{skip}\b", tag, re.I):
                skip = None
        else:
            o = _SKIP_OPEN.match(tag)
            if o and not tag.endswith("/>"):
                skip = o.group(1).lower()
        out.append(tag)
        pos = t.end()
    out.append(body[pos:] if skip else index_text(body[pos:]))
    body = "".join(out)
    if aliases:
        block = alias_block(aliases)
        h1 = _H1_CLOSE.search(body)
        body = body[:h1.end()] + block + body[h1.end():] if h1 else block + body
    return body


def page_file(url: str) -> str:
    """The HTML file (relative to the site) of a page URL: ``a/b/`` → ``a/b/index.html``."""
    path = unquote(url.split("#", 1)[0]).lstrip("/")
    if path == "" or path.endswith("/"):
        return path + "index.html"
    return path


def search_pages(vault) -> list[SearchPage]:
    """The pages of a :class:`~vaultsite.build.Vault` worth searching: every note (with its
    aliases) and every company page (with the company's aliases and tickers)."""
    from .build import page_url

    pages = [SearchPage(note.url, list(note.aliases or [])) for note in vault.notes]
    registry = vault.registry
    for cid, src in vault.company_pages.items():
        company = registry.get(cid) if registry is not None else None
        names = list(company.aliases) + list(company.tickers) if company is not None else []
        pages.append(SearchPage(page_url(src), names, body=False))
    return pages


def search_pages_from_json(data: dict) -> list[SearchPage]:
    """:func:`search_pages` from a ``vault.json`` (for measuring the index of a built site)."""
    pages = [SearchPage(n["url"], list(n.get("aliases") or [])) for n in data.get("notes") or []]
    pages += [SearchPage(c["url"], list(c.get("aliases") or []) + list(c.get("tickers") or []), body=False)
              for c in data.get("companies") or []]
    return pages


def pagefind_command() -> list[str] | None:
    """How to run the Pagefind binary shipped in the ``pagefind[bin]`` wheel, or None."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-not-found]

        exe = str(get_executable())
        if os.path.isfile(exe):
            return [exe]
    except Exception:  # noqa: BLE001 - no wheel, or a different layout: try the module
        pass
    try:
        import pagefind_bin  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "pagefind_bin"]


def build_search_index(site_dir: str | os.PathLike, pages: list[SearchPage]) -> SearchIndexResult:
    """Write the Pagefind bundle to ``site_dir/pagefind/`` for ``pages``.

    The pages are read from ``site_dir``, expanded (:func:`expand_html`) into a temporary
    staging folder, and Pagefind indexes that folder into the site. A page file that is
    missing is reported and skipped; a failure of Pagefind is reported and leaves no bundle.
    """
    site = Path(site_dir)
    result = SearchIndexResult()
    started = time.perf_counter()
    cmd = pagefind_command()
    out_dir = site / BUNDLE
    if out_dir.exists():
        shutil.rmtree(out_dir)
    if cmd is None:
        result.problems.append("Pagefind is not installed (pip install pagefind-bin); Material's search stays")
        return result
    with tempfile.TemporaryDirectory(prefix="vaultsite-search-") as tmp:
        stage = Path(tmp) / "site"
        seen: set[str] = set()
        jobs: list[tuple[str, list[str], bool]] = []
        for page in pages:
            rel = page_file(page.url)
            if rel not in seen:
                seen.add(rel)
                jobs.append((rel, page.aliases, page.body))
        for count, problems in _stage_all(site, stage, jobs):
            result.pages += count
            result.problems.extend(problems)
        result.expand_seconds = time.perf_counter() - started
        if not result.pages:
            return result
        proc = subprocess.run(
            cmd + ["--site", str(stage), "--output-path", str(out_dir),
                   "--root-selector", ROOT_SELECTOR, "--exclude-selectors", EXCLUDE_SELECTORS,
                   "--force-language", "en", "--include-characters", MARK + RUN_END + AFTER_NUMBER, "--quiet"],
            capture_output=True, text=True, encoding="utf-8", errors="replace")
        if proc.returncode != 0:
            result.problems.append("Pagefind failed: " + (proc.stderr or proc.stdout).strip()[-2000:])
            shutil.rmtree(out_dir, ignore_errors=True)
            return result
    result.bytes = sum(p.stat().st_size for p in out_dir.rglob("*") if p.is_file())
    result.seconds = time.perf_counter() - started
    return result


#: Pages per task when the staging copy is written by forked processes.
STAGE_CHUNK = 200


def _stage(site: Path, stage: Path, jobs: list[tuple[str, list[str], bool]]) -> tuple[int, list[str]]:
    """Write the staging copy of ``jobs`` (relative file, aliases, body?); (pages, problems)."""
    count, problems = 0, []
    for rel, aliases, body in jobs:
        try:
            text = (site / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{rel}: not indexed for search ({getattr(exc, 'strerror', None) or exc})")
            continue
        expanded = expand_html(text, aliases, body)
        if expanded is None:
            problems.append(f"{rel}: not indexed for search (no Material article in the page)")
            continue
        dest = stage / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(expanded, encoding="utf-8")
        count += 1
    return count, problems


def _stage_all(site: Path, stage: Path, jobs: list) -> list[tuple[int, list[str]]]:
    """:func:`_stage` over all jobs: on every core (forked processes) for a large site when
    forking is safe (no other thread running), else here."""
    chunks = [jobs[i:i + STAGE_CHUNK] for i in range(0, len(jobs), STAGE_CHUNK)]
    cores = min(os.cpu_count() or 1, 8)
    if len(chunks) < 2 or cores < 2 or not hasattr(os, "fork") or threading.active_count() > 1:
        return [_stage(site, stage, chunk) for chunk in chunks]
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(min(cores, len(chunks))) as pool:
        return pool.starmap(_stage, [(site, stage, chunk) for chunk in chunks])


def shrink_material_index(path: str | os.PathLike) -> bool:
    """Keep only the ``config`` of Material's ``search/search_index.json`` (its separator is
    what the page highlighter reads); the documents are what Pagefind now serves. Returns
    False (and leaves the file) when the file is not Material's index."""
    p = Path(path)
    try:
        with open(p, encoding="utf-8") as fh:
            head = fh.read(65536)
        prefix = '{"config":'
        if not head.startswith(prefix):
            return False
        config, _ = json.JSONDecoder().raw_decode(head, len(prefix))
    except (OSError, ValueError):
        return False
    p.write_text(json.dumps({"config": config, "docs": []}, ensure_ascii=False), encoding="utf-8")
    return True
