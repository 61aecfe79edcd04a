"""Bytes -> text for vault files, or a reason why a file is not text.

Order matters and is deliberate:

1. a BOM decides (UTF-8, UTF-32, UTF-16): an explicit statement beats guessing;
2. strict UTF-8, which is what almost every note is;
3. UTF-8 with a few stray invalid bytes (a truncated copy, one byte flipped):
   each replaced by U+FFFD and reported, so one bad byte never drops a note;
4. NUL bytes now mean binary, except UTF-16 written without a BOM (its NULs,
   the high bytes of ASCII characters, fall almost all on one side);
5. strict CP949 (a superset of EUC-KR), the legacy Korean encoding of older
   Windows notes, accepted only when it yields real Hangul rather than the
   Hanja soup a wrong guess produces;
6. ``charset-normalizer`` for anything else, accepted only when it is
   confident; its guess is reported as a problem so the author can check.

Text is returned NFC-normalised (macOS writes NFD Hangul, which would break
every name lookup) with ``\\n`` line ends.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HANGUL_RE = re.compile(r"[\uac00-\ud7a3]")
# encodings whose successful decode is expected and needs no remark
_QUIET = {"utf_8", "utf-8", "ascii", "cp949", "euc_kr", "euc-kr", "utf_16", "utf-16"}


def _finish(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return unicodedata.normalize("NFC", text)


def _too_many_controls(text: str) -> bool:
    if not text:
        return False
    controls = len(_CONTROL_RE.findall(text))
    return controls > max(2, len(text) // 100)


def _plausible_korean(text: str) -> bool:
    """A CP949 decode is right when its non-ASCII characters are mostly Hangul."""
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return True
    hangul = sum(1 for ch in non_ascii if _HANGUL_RE.match(ch))
    return hangul / len(non_ascii) >= 0.6


def decode_bytes(data: bytes) -> tuple[str | None, str | None]:
    """Return ``(text, problem)``; ``text`` is None when the data is not text."""
    if not data:
        return "", None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                return None, (f"not text: starts with a {encoding} byte order mark "
                              f"but does not decode ({exc.reason})")
            if _too_many_controls(text.lstrip("\ufeff")):
                return None, "not text: mostly control characters"
            return _finish(text), None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and "\x00" not in text:
        if _too_many_controls(text):
            return None, "not text: mostly control characters"
        return _finish(text), None
    if b"\x00" not in data:
        text, problem = _mostly_utf8(data)
        if text is not None:
            return _finish(text), problem
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is not None:
            return _finish(text), None
        return None, "not text: contains NUL bytes"
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible_korean(text) and not _too_many_controls(text):
        return _finish(text), None
    return _guess(data)


_UTF8_MULTIBYTE_RE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _mostly_utf8(data: bytes) -> tuple[str | None, str | None]:
    """UTF-8 with a few invalid bytes: each replaced by U+FFFD, with a problem naming the
    first line.  Only when the rest shows real UTF-8 (at least as many valid multi-byte
    characters as bad bytes, and few of those), so CP949 or Latin-1 still reach their decoders."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    if bad <= 0 or bad > max(8, len(data) // 2000):
        return None, None
    valid = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    if valid < bad or _too_many_controls(text):
        return None, None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
    return text, (f"{bad} invalid UTF-8 byte sequence(s) replaced by U+FFFD (first on line {line}): "
                  f"check the file")


def _readable(text: str) -> bool:
    """Mostly letters, digits, punctuation, symbols and spaces: what text is made of."""
    if not text:
        return False
    good = sum(1 for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] in "LNPZS")
    return good >= 0.95 * len(text)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a BOM: NULs (the high bytes of ASCII) all on one side."""
    if len(data) % 2:
        return None
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    # random binary spreads NULs evenly and thinly; ASCII in UTF-16 makes many, on one side
    if max(even, odd) < 3 * min(even, odd) + 1 or max(even, odd) < len(data) // 20:
        return None
    try:
        text = data.decode("utf-16-le" if odd > even else "utf-16-be")
    except UnicodeDecodeError:
        return None
    latin_or_hangul = sum(1 for ch in text if ord(ch) < 0x250 or _HANGUL_RE.match(ch))
    if latin_or_hangul < 0.6 * len(text) or not _readable(text) or _too_many_controls(text):
        return None
    return text


def _guess(data: bytes) -> tuple[str | None, str | None]:
    """Ask charset-normalizer; take its best confident, non-UTF-16/32 answer."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - it is a dependency
        return None, "not text: not valid UTF-8, UTF-16 or CP949"
    try:
        results = list(from_bytes(data))
    except Exception:  # a detector bug must not stop a build
        results = []
    for match in results:
        encoding = (match.encoding or "").lower()
        if encoding.startswith(("utf_16", "utf_32", "utf-16", "utf-32")) or match.chaos > 0.3:
            continue  # without a BOM these are noise fits, not answers
        text = str(match)
        if _too_many_controls(text) or not _readable(text):
            continue
        if encoding in _QUIET:
            return _finish(text), None
        return _finish(text), f"decoded as {encoding} (a guess): check the file's encoding"
    return None, "not text: not valid UTF-8, UTF-16 or CP949, and no other encoding fits"
