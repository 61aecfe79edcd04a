"""Metadata helpers every shape shares: front matter, dates, tag lists, titles.

Why a hand-rolled front matter reader instead of ``python-frontmatter``: we
need to keep going when the YAML is broken (the body must still be built and
the problem reported with a line number), we must not let PyYAML turn
``2025-06-27T02:20:57+09:00`` into a datetime (the calendar day of a timestamp
is the day *in its own offset*, so we keep the string and read the day off
it), and Hugo's ``+++`` TOML front matter has to work too.
"""
from __future__ import annotations

import copy
import datetime as _dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field

import yaml

HANGUL_RE = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")

# ---------------------------------------------------------------------------
# text preparation


def prepare_text(text: str) -> str:
    """NFC, no BOM, ``\\n`` line ends: every shape starts from this."""
    if not isinstance(text, str):
        text = str(text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return unicodedata.normalize("NFC", text)


def stem_title(src: str) -> str:
    """The title of last resort: the file name without its extension."""
    name = (src or "").replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    if "." in name.lstrip("."):
        name = name.rsplit(".", 1)[0]
    name = clean_title(name)
    return name or "Untitled"


def clean_title(value) -> str:
    """One line, squeezed spaces; anything that is not a string becomes one."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value if v is not None)
    text = unicodedata.normalize("NFC", str(value))
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------------------
# front matter


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~5x faster


#: Front matter is a handful of keys; a structure that expands (aliases copied out, as every
#: consumer of the data does) beyond this many values is an alias bomb, refused before any
#: value is built: ``a: &a [x,x,…]``, ``b: &b [*a,*a,…]``… is 9**9 values from 90 lines.
MAX_FRONT_MATTER_NODES = 100_000


class FrontMatterTooLarge(yaml.YAMLError):
    pass


def _expanded_size(root) -> int:
    """How many values the node graph holds with every alias copied out; stops counting past
    the limit.  A node met again is counted again (that is what an alias costs its readers)
    but walked once: sizes are memoised by node.  A node that contains itself is refused."""
    sizes: dict[int, int] = {}
    active: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            active.discard(key)
            value = node.value
            if isinstance(node, yaml.MappingNode):
                children = [c for pair in value for c in pair]
            else:
                children = value
            size = 1 + sum(sizes[id(c)] for c in children)
            sizes[key] = min(size, MAX_FRONT_MATTER_NODES + 1)
            continue
        if key in sizes:
            continue
        if key in active:
            raise FrontMatterTooLarge("an alias refers to the value that contains it")
        if isinstance(node, yaml.ScalarNode):
            sizes[key] = 1
            continue
        active.add(key)
        stack.append((node, True))
        children = [c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode) else node.value
        stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


class _Loader(_BaseLoader):
    """SafeLoader that leaves timestamps as the strings the author wrote, and refuses a
    document whose aliases expand it beyond ``MAX_FRONT_MATTER_NODES`` values."""

    def get_single_data(self):
        node = self.get_single_node()
        if node is None:
            return None
        if _expanded_size(node) > MAX_FRONT_MATTER_NODES:
            raise FrontMatterTooLarge(f"its aliases expand to more than {MAX_FRONT_MATTER_NODES:,} values "
                                      f"(an alias bomb?); refused")
        return self.construct_document(node)


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@functools.lru_cache(maxsize=64)
def _load_yaml(raw: str):
    """Parsed YAML, or the problem text; cached (recognise and normalise read the same text)."""
    try:
        return True, _plain(yaml.load(raw, Loader=_Loader))  # noqa: S506 - SafeLoader subclass
    except FrontMatterTooLarge as exc:
        return False, f"front matter is refused: {exc}"
    except yaml.YAMLError as exc:
        # file line numbers (+1 for the opening ---, +1 for 1-based); point at the start
        # of the broken construct (an unclosed "[" line) when YAML knows it
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        if context:
            reason = f"{context}, {reason}"
        return False, f"front matter is not valid YAML{where}: {reason}"
    except Exception as exc:  # recursion errors and the like from hostile input
        return False, f"front matter is not valid YAML: {type(exc).__name__}"

_YAML_FM_RE = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_TOML_FM_RE = re.compile(r"\A\+\+\+[ \t]*\n(.*?\n)?\+\+\+[ \t]*(?:\n|\Z)", re.S)


@dataclass
class FrontMatter:
    """What the top of a file said about itself.

    ``meta`` is always a dict (empty when there was none or it was unusable);
    ``raw`` is the front matter text, ``kind`` "yaml", "toml" or "" and
    ``problems`` say what went wrong, ready for ``Note.problems``.
    """

    meta: dict = field(default_factory=dict)
    body: str = ""
    raw: str = ""
    kind: str = ""
    problems: list[str] = field(default_factory=list)


def _plain(value):
    """Turn YAML/TOML values into JSON-safe plain Python (str keys, no dates)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def split_front_matter(text: str) -> FrontMatter:
    """Split ``---`` YAML or ``+++`` TOML front matter off ``text``; never raises."""
    m = _YAML_FM_RE.match(text)
    kind = "yaml"
    if not m:
        m = _TOML_FM_RE.match(text)
        kind = "toml"
    if not m:
        return FrontMatter(body=text)
    raw = m.group(1) or ""
    fm = FrontMatter(body=text[m.end():], raw=raw, kind=kind)
    if not raw.strip():
        return fm
    if kind == "toml":
        import tomllib

        try:
            data = tomllib.loads(raw)
        except Exception as exc:  # tomllib.TOMLDecodeError, but be generous
            fm.problems.append(f"front matter is not valid TOML: {exc}")
            return fm
    else:
        ok, data = _load_yaml(raw)
        if not ok:
            fm.problems.append(data)
            return fm
        data = copy.deepcopy(data)
    if data is None:
        return fm
    if not isinstance(data, dict):
        fm.problems.append(
            f"front matter is a {type(data).__name__}, not a mapping of keys to values; ignored"
        )
        return fm
    fm.meta = _plain(data)
    return fm


def first_value(meta: dict, *keys):
    """The first present, non-empty value among ``keys`` (case-insensitive)."""
    lowered = {str(k).lower(): v for k, v in meta.items()}
    for key in keys:
        value = lowered.get(key.lower())
        if value not in (None, "", [], {}):
            return value
    return None


# ---------------------------------------------------------------------------
# lists of names (tags, aliases, categories)


def as_name_list(value, *, split_spaces: bool = True) -> list[str]:
    """Raw names from a list, or from a comma (else space) separated string.

    Tags are kept as written (no lower-casing: the index folds them); only
    whitespace and a leading ``#`` go.  Aliases pass ``split_spaces=False``
    because "DeepSeek R1" is one alias.
    """
    if value is None:
        return []
    items: list = []
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple, set)):
        for v in value:
            if isinstance(v, dict):  # e.g. [{name: x}]
                v = v.get("name") or v.get("title") or next(iter(v.values()), None)
            if isinstance(v, (list, tuple)):
                items.extend(as_name_list(v, split_spaces=split_spaces))
            elif v is not None:
                items.append(str(v))
    else:
        s = str(value)
        if "," in s:
            items = s.split(",")
        elif split_spaces:
            items = s.split()
        else:
            items = [s]
    out: list[str] = []
    for item in items:
        name = re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(item))).strip()
        if split_spaces:
            name = name.lstrip("#").strip()
        if name and name not in out:
            out.append(name)
    return out


def merge_names(*lists) -> list[str]:
    out: list[str] = []
    for lst in lists:
        for name in lst or []:
            if name and name not in out:
                out.append(name)
    return out


# ---------------------------------------------------------------------------
# dates

_ISO_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[T ].*)?$")
_DOTTED_RE = re.compile(r"^\s*(\d{4})\s*[./]\s*(\d{1,2})\s*[./]\s*(\d{1,2})\s*\.?(?:\s+.*)?$")
_KOREAN_RE = re.compile(r"^\s*(\d{4})\s*년\s*(?:(\d{1,2})\s*월\s*(?:(\d{1,2})\s*일)?)?")
_COMPACT_RE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_YEAR_MONTH_RE = re.compile(r"^\s*(\d{4})\s*[./]\s*(\d{1,2})\s*\.?\s*$")
_YEAR_RE = re.compile(r"^\s*(\d{4})\s*$")


def _iso(y: str, m: str | None = None, d: str | None = None) -> str | None:
    year = int(y)
    if not 1000 <= year <= 9999:
        return None
    if m is None:
        return f"{year:04d}"
    month = int(m)
    if not 1 <= month <= 12:
        return None
    if d is None:
        return f"{year:04d}-{month:02d}"
    try:
        return _dt.date(year, month, int(d)).isoformat()
    except ValueError:
        return None


def parse_date(value) -> str | None:
    """ISO "YYYY-MM-DD" (or "YYYY-MM", "YYYY") from what authors write, else None.

    A timestamp keeps the calendar day of its own offset: we read the day off
    the text and never convert time zones, so ``2025-06-27T02:20:57+09:00`` is
    the 27th, as the author saw it.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return _iso(str(value)) if 1000 <= value <= 9999 else None
    if isinstance(value, (list, tuple)) and value:
        return parse_date(value[0])
    if not isinstance(value, str):
        return None
    s = value.strip().strip("\"'")
    for rx in (_ISO_RE, _DOTTED_RE, _COMPACT_RE, _KOREAN_RE, _YEAR_MONTH_RE, _YEAR_RE):
        m = rx.match(s)
        if m:
            return _iso(*m.groups())
    return None


# ---------------------------------------------------------------------------
# URLs

_URL_RE = re.compile(r"^(?:https?:)?//\S+$", re.I)


def as_url(value) -> str | None:
    """An absolute http(s) URL, or None (Hugo's ``url: /posts/x/`` is not a source)."""
    if isinstance(value, (list, tuple)):
        for v in value:
            url = as_url(v)
            if url:
                return url
        return None
    if isinstance(value, dict):
        return as_url(value.get("url") or value.get("href") or value.get("link"))
    if not isinstance(value, str):
        return None
    s = value.strip().strip("<>")
    if _URL_RE.match(s):
        return "https:" + s if s.startswith("//") else s
    return None


# ---------------------------------------------------------------------------
# titles from prose

_SENTENCE_END_RE = re.compile(r"(?<=[.?!。])(?:\s|$)|(?<=[.?!。][\"'”’)])(?:\s|$)")


def derive_title(text: str, limit: int = 60) -> str:
    """A title from a paragraph's first sentence, at most ``limit`` characters.

    Cut at a word boundary (a whole Korean eojeol keeps its particle, so no
    half words), end marked with "…" when cut, sentence period dropped.
    """
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return ""
    m = _SENTENCE_END_RE.search(text)
    sentence = text[: m.start()].strip() if m else text
    sentence = sentence.rstrip(".。").strip() or sentence
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    else:
        cut = cut[: limit - 1]
    words = cut.rstrip(" ,;:·-—(").split(" ")
    while len(words) > 1 and words[-1] in _DANGLING:
        words.pop()
    return " ".join(words).rstrip(" ,;:·-—(") + "…"


# words that cannot end a cut title: they promise something that was cut off
_DANGLING = {"및", "그리고", "또는", "혹은", "등", "와", "과", "의", "및/또는", "또", "즉", "and", "or", "of", "the", "a"}
