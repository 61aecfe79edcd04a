"""LZ-String's Base64 form (pieroxy/lz-string), which the Excalidraw plugin stores drawings in.

The plugin writes a drawing's JSON as ``compressToBase64`` output in a ```` ```compressed-json ````
block.  PyPI's ``lzstring`` has not been released since 2018, so the two functions are
written here (the algorithm is ~80 lines) and checked against vectors the JavaScript
library produced (``tests/test_obsidian_vault.py``).  JavaScript strings are UTF-16: the
algorithm works on code units, so text beyond U+FFFF round-trips as surrogate pairs.
"""
from __future__ import annotations

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
_B64_VALUE = {c: i for i, c in enumerate(_B64)}


def _units(text: str) -> list[str]:
    """``text`` as JavaScript sees it: one str per UTF-16 code unit."""
    data = text.encode("utf-16-le", "surrogatepass")
    return [chr(data[i] | data[i + 1] << 8) for i in range(0, len(data), 2)]


def _from_units(units: list[str]) -> str:
    raw = "".join(units)
    return raw.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def compress_to_base64(text: str) -> str:
    out: list[str] = []
    val = pos = 0

    def write(value: int, bits: int) -> None:  # least significant bit first
        nonlocal val, pos
        for _ in range(bits):
            val = (val << 1) | (value & 1)
            value >>= 1
            if pos == 5:
                out.append(_B64[val])
                val = pos = 0
            else:
                pos += 1

    dictionary: dict[str, int] = {}
    to_create: set[str] = set()
    w = ""
    enlarge_in, dict_size, num_bits = 2, 3, 2

    def emit(w: str) -> None:
        nonlocal enlarge_in, num_bits
        if w in to_create:
            code = ord(w[0])
            if code < 256:
                write(0, num_bits)
                write(code, 8)
            else:
                write(1, num_bits)
                write(code, 16)
            enlarge_in -= 1
            if enlarge_in == 0:
                enlarge_in, num_bits = 1 << num_bits, num_bits + 1
            to_create.discard(w)
        else:
            write(dictionary[w], num_bits)
        enlarge_in -= 1
        if enlarge_in == 0:
            enlarge_in, num_bits = 1 << num_bits, num_bits + 1

    for c in _units(text):
        if c not in dictionary:
            dictionary[c] = dict_size
            dict_size += 1
            to_create.add(c)
        wc = w + c
        if wc in dictionary:
            w = wc
            continue
        emit(w)
        dictionary[wc] = dict_size
        dict_size += 1
        w = c
    if w:
        emit(w)
    write(2, num_bits)
    while True:  # flush the last character
        val <<= 1
        if pos == 5:
            out.append(_B64[val])
            break
        pos += 1
    res = "".join(out)
    return res + "=" * ((4 - len(res) % 4) % 4)


def decompress_from_base64(data: str) -> str | None:
    """The text ``compressToBase64`` made ``data`` from; None when ``data`` is not such output.

    Whitespace is ignored (the plugin wraps the block's lines)."""
    data = "".join(data.split())
    if not data:
        return None
    try:
        values = [_B64_VALUE[c] for c in data]
    except KeyError:
        return None
    length = len(values)
    state = [values[0], 32, 1]  # current value, bit position, next index

    def read(bits: int) -> int:
        result, power = 0, 1
        for _ in range(bits):
            cur, position, index = state
            bit = cur & position
            position >>= 1
            if position == 0:
                position = 32
                cur = values[index] if index < length else 0
                index += 1
            state[0], state[1], state[2] = cur, position, index
            if bit:
                result |= power
            power <<= 1
        return result

    dictionary: list[str] = ["", "", ""]
    first = read(2)
    if first == 2:
        return ""
    if first not in (0, 1):
        return None
    c = chr(read(8 if first == 0 else 16))
    dictionary.append(c)
    w = c
    result = [c]
    enlarge_in, num_bits = 4, 3
    while True:
        if state[2] > length + 1:
            return None  # ran past the input without an end mark
        code = read(num_bits)
        if code in (0, 1):
            dictionary.append(chr(read(8 if code == 0 else 16)))
            code = len(dictionary) - 1
            enlarge_in -= 1
        elif code == 2:
            return _from_units(result)
        if enlarge_in == 0:
            enlarge_in, num_bits = 1 << num_bits, num_bits + 1
        if code < len(dictionary):
            entry = dictionary[code]
        elif code == len(dictionary):
            entry = w + w[0]
        else:
            return None
        result.append(entry)
        dictionary.append(w + entry[0])
        enlarge_in -= 1
        w = entry
        if enlarge_in == 0:
            enlarge_in, num_bits = 1 << num_bits, num_bits + 1
