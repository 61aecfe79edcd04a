"""decode_bytes: every encoding the vault really has, and what is not text at all."""
from __future__ import annotations

import random
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultsite.decode import decode_bytes

KOREAN = "딥시크(DeepSeek) 탄생 및 성능\n미국은 AI 패권 수성을 위해 수출통제를 강화했다.\n"


@pytest.mark.parametrize(
    "data, expected",
    [
        (KOREAN.encode("utf-8"), KOREAN),
        (b"\xef\xbb\xbf" + KOREAN.encode("utf-8"), KOREAN),  # UTF-8 BOM stripped
        (KOREAN.encode("utf-16"), KOREAN),  # with BOM (native order)
        (b"\xff\xfe" + KOREAN.encode("utf-16-le"), KOREAN),
        (b"\xfe\xff" + KOREAN.encode("utf-16-be"), KOREAN),
        (KOREAN.encode("utf-32"), KOREAN),
        (KOREAN.encode("cp949"), KOREAN),
        (KOREAN.encode("euc-kr"), KOREAN),
        ("똠방각하 펲시콜라\n".encode("cp949"), "똠방각하 펲시콜라\n"),  # CP949-only syllables
        (KOREAN.replace("\n", "\r\n").encode("utf-8"), KOREAN),
        (b"plain ascii\n", "plain ascii\n"),
        (b"", ""),
    ],
)
def test_decodes_text(data, expected):
    text, problem = decode_bytes(data)
    assert text == expected
    assert problem is None


def test_nfd_becomes_nfc():
    nfd = unicodedata.normalize("NFD", KOREAN)
    assert nfd != KOREAN
    text, problem = decode_bytes(nfd.encode("utf-8"))
    assert text == KOREAN and problem is None


def test_other_legacy_encoding_is_decoded_with_a_remark():
    data = ("Café crème, naïve façade. " * 20).encode("cp1252")
    text, problem = decode_bytes(data)
    assert text is not None and "Café" in text
    assert problem is None or "decoded as" in problem


def _random_bytes(seed: int, n: int, lo: int = 0, hi: int = 256) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(lo, hi) for _ in range(n))


@pytest.mark.parametrize(
    "data",
    [
        _random_bytes(7, 4096),
        _random_bytes(8, 4096, 128, 256),  # no NUL, still junk
        _random_bytes(10, 64, 1, 256),  # short, no NUL
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        b"text then a NUL \x00 byte",
        bytes(range(1, 32)) * 20,  # control characters
        b"PK\x03\x04" + _random_bytes(9, 500),
    ],
    ids=["random", "random-high", "random-short", "png", "nul", "controls", "zip"],
)
def test_binary_is_not_text(data):
    text, problem = decode_bytes(data)
    assert text is None
    assert problem.startswith("not text: ")


def test_utf8_bytes_are_not_mistaken_for_cp949():
    """Valid UTF-8 always wins, so CP949 guessing never garbles a normal note."""
    text, problem = decode_bytes("한글 노트".encode("utf-8"))
    assert text == "한글 노트" and problem is None


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("sample", [KOREAN, "한글 텍스트 입니다\nabc", "plain English text\n"])
def test_utf16_without_bom(codec, sample):
    """"글" is U+AE00: Hangul puts NULs on the "wrong" side too; the majority decides."""
    text, problem = decode_bytes(sample.encode(codec))
    assert text == sample and problem is None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_decode_never_raises(data):
    text, problem = decode_bytes(data)
    if text is None:
        assert problem.startswith("not text: ")
    else:
        assert unicodedata.is_normalized("NFC", text) and "\r" not in text


@pytest.mark.parametrize("bad", [b"\xff", b"\xed\x95", b"\x80\x80", b"\xc3"])
def test_a_stray_invalid_byte_in_utf8_is_replaced_and_reported(bad):
    """One bad byte (a truncated copy, a flipped bit) must not drop a whole UTF-8 note."""
    head = ("# 딥시크 노트\n\n" + KOREAN * 3).encode("utf-8")
    tail = "\n끝 문단은 그대로 남는다.\n".encode("utf-8")
    text, problem = decode_bytes(head + bad + tail)
    assert text is not None
    assert text.startswith("# 딥시크 노트") and text.endswith("끝 문단은 그대로 남는다.\n")
    assert "\ufffd" in text
    assert problem and "replaced by U+FFFD" in problem and "line 9" in problem


def test_a_legitimate_replacement_character_is_not_a_problem():
    data = "이미 있던 \ufffd 문자".encode("utf-8")
    assert decode_bytes(data) == ("이미 있던 \ufffd 문자", None)


def test_cp949_is_not_read_as_broken_utf8():
    text, problem = decode_bytes((KOREAN * 3).encode("cp949"))
    assert text == KOREAN * 3 and problem is None
