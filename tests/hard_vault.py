"""A vault of everything that must not break the build, written on demand.

``make_hard_vault(docs)`` writes the fixture into ``docs`` (a folder in a test's
``tmp_path``; never the user's ``docs/``) and returns what every file is expected
to become.  Binary, huge and symlinked files are generated, not committed.

Expected outcomes (``Expect.kind``):

* ``page``    a page at ``site/<page>`` (``page`` is the page's ``index.html``
              path under the site), perhaps with a problem line as well when
              ``problem`` is set (broken front matter is reported, the body is
              still published);
* ``asset``   copied to ``site/<path>`` byte for byte;
* ``problem`` not published at all, and named in ``vault.json`` ``problems``
              with a reason containing ``problem``.

Besides ``docs`` the generator creates ``<docs>-outside/`` next to it: a folder
outside the vault that a symlink inside the vault points at.
"""
from __future__ import annotations

import os
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# Names Obsidian can link to ([[...]]): everything but # | ^ [ ] (and / \ :).
WEIRD_NAMES = {
    "spaces": "name with spaces",
    "percent": "100% 확신",
    "emoji": "이모지 🚀 노트",
    "question": "왜 그럴까?",
    "nfd": "한글 자모 분리",  # written NFD on disk, as macOS does
}
# A name Obsidian refuses but a file system allows: reachable by a Markdown link only.
HASH_NAME = "C# 노트"


@dataclass(frozen=True)
class Expect:
    kind: str  # "page" | "asset" | "problem"
    page: str | None = None  # for pages: the index.html path under site/
    problem: str | None = None  # a substring of the problem line's reason


def _page(rel_page: str, problem: str | None = None) -> Expect:
    return Expect("page", rel_page.rstrip("/") + "/index.html", problem)


def _nested_list(depth: int) -> str:
    lines = []
    for level in range(depth):
        lines.append("    " * level + f"- 깊이 {level + 1}")
    return "\n".join(lines) + "\n"


def _big_note(size: int) -> str:
    """About ``size`` bytes of ordinary note text: headings, prose, lists, dates, names."""
    para = ("엔비디아와 TSMC는 2025년 1월 20일 실적을 발표했다. 딥시크 충격 이후 반도체 주가가 "
            "흔들렸지만 **데이터센터** 수요는 견조했다. #반도체 [[name with spaces]] 참고.\n\n")
    chunk = []
    n = 0
    i = 0
    while n < size:
        if i % 50 == 0:
            part = f"## 구간 {i // 50}\n\n"
        elif i % 7 == 0:
            part = f"- 항목 {i}: 삼성전자 HBM 공급\n- 항목 {i}-b\n\n"
        else:
            part = para
        chunk.append(part)
        n += len(part.encode("utf-8"))
        i += 1
    return "# 큰 노트\n\n" + "".join(chunk)


def _many_links(count: int) -> str:
    targets = ["name with spaces", "100% 확신", "이모지 🚀 노트", "왜 그럴까?", "한글 자모 분리"]
    lines = []
    for i in range(count):
        if i % 100 == 99:
            lines.append(f"- [[없는 노트 {i}]]")  # a note not written yet
        elif i % 2:
            lines.append(f"- [[{targets[i % len(targets)]}|링크 {i}]]")
        else:
            lines.append(f"- [링크 {i}](name%20with%20spaces.md)")
    return "# 링크 만 개\n\n" + "\n".join(lines) + "\n"


def make_hard_vault(docs: Path, big_bytes: int = 5 * 1024 * 1024, link_count: int = 10_000) -> dict[str, Expect]:
    """Write the hard vault into ``docs``; return ``{path under docs (NFC, POSIX): Expect}``."""
    docs = Path(docs)
    docs.mkdir(parents=True, exist_ok=True)
    outside = docs.parent / (docs.name + "-outside")
    outside.mkdir(exist_ok=True)
    rng = random.Random(20250127)
    expect: dict[str, Expect] = {}

    def write(rel: str, data: bytes | str, how: Expect, disk_name: str | None = None) -> None:
        path = docs / (disk_name or rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        expect[unicodedata.normalize("NFC", rel)] = how

    write("index.md", "# 어려운 볼트\n\n[[links]] 에서 시작.\n", Expect("page", "index.html"))

    # -- names -----------------------------------------------------------------
    for key, name in WEIRD_NAMES.items():
        disk = unicodedata.normalize("NFD", f"notes/{name}.md") if key == "nfd" else None
        write(f"notes/{name}.md", f"# {name}\n\n이름이 까다로운 노트 ({key}).\n", _page(f"notes/{name}"), disk)
    write(f"notes/{HASH_NAME}.md", "# C#\n\n샵이 든 이름.\n", _page(f"notes/{HASH_NAME}"))
    write("notes/links.md", (
        "# 링크 모음\n\n"
        + "".join(f"- {key}: [[{name}]]\n" for key, name in WEIRD_NAMES.items())
        + "- spaces-md: [띄어쓰기](name%20with%20spaces.md)\n"
        + "- spaces-angle: [꺾쇠](<name with spaces.md>)\n"
        + "- percent-md: [퍼센트](100%25%20확신.md)\n"
        + "- hash-md: [샵](C%23%20노트.md)\n"
        + "- question-md: [물음표](왜%20그럴까%3F.md)\n"
        + "- dup: [[같은 이름]]\n"
        + "- image: ![[pixel.png]]\n"
    ), _page("notes/links"))

    # -- encodings ---------------------------------------------------------------
    korean = "# 인코딩\n\n한국어 본문: 반도체와 인공지능. 2024년 3월 5일 기록.\n"
    write("encodings/utf8.md", korean, _page("encodings/utf8"))
    write("encodings/utf8-bom.md", b"\xef\xbb\xbf" + korean.encode("utf-8"), _page("encodings/utf8-bom"))
    write("encodings/cp949.md", korean.encode("cp949"), _page("encodings/cp949"))
    write("encodings/utf16-bom.md", korean.encode("utf-16"), _page("encodings/utf16-bom"))
    write("encodings/utf16le-nobom.md", korean.encode("utf-16-le"), _page("encodings/utf16le-nobom"))
    write("encodings/crlf.md", korean.replace("\n", "\r\n"), _page("encodings/crlf"))
    write("encodings/random-bytes.md", bytes(rng.getrandbits(8) for _ in range(4096)),
          Expect("problem", problem="not text"))
    write("encodings/nul-bytes.txt", b"\x00\x01\x02\x03" * 200, Expect("problem", problem="not text"))

    # -- sizes and shapes --------------------------------------------------------------
    # Over vaultsite.limits.MAX_MARKDOWN_CHARS (5 MB of Korean is 2.75 million characters, 15 s
    # of Python-Markdown): published as plain text, reported.
    write("notes/big.md", _big_note(big_bytes), _page("notes/big", problem="published as plain text"))
    write("notes/many-links.md", _many_links(link_count), _page("notes/many-links"))
    write("notes/nested.md", "# 중첩\n\n" + _nested_list(50), _page("notes/nested"))
    write("notes/empty.md", b"", _page("notes/empty"))
    write("notes/blank.md", "\n \n\t\n", _page("notes/blank"))
    write("notes/hash-only.md", "#\n", _page("notes/hash-only"))  # an empty heading, not a crash
    # Deeper than Python-Markdown's recursion can go: the note is published as plain text.
    write("notes/too-deep.md", "# 너무 깊음\n\n" + "- " * 600 + "바닥\n",
          _page("notes/too-deep", problem="could not be rendered"))
    write("notes/only-front-matter.md", "---\ntitle: 머리말뿐\ntags: [빈노트]\n---\n", _page("notes/only-front-matter"))
    write("notes/empty-front-matter.md", "---\n---\n", _page("notes/empty-front-matter"))
    write("notes/fm-list.md", "---\n- 하나\n- 둘\n---\n목록 머리말.\n",
          _page("notes/fm-list", problem="front matter is a list"))
    write("notes/fm-number.md", "---\n42\n---\n숫자 머리말.\n", _page("notes/fm-number", problem="front matter is a int"))
    write("notes/fm-invalid.md", "---\ntitle: [닫히지 않음\ndate: 2025-01-01\n---\n깨진 머리말.\n",
          _page("notes/fm-invalid", problem="not valid YAML"))
    write("notes/fm-unclosed.md", "---\ntitle: 끝나지 않는 머리말\n\n본문이 이어진다.\n", _page("notes/fm-unclosed"))
    write("notes/fm-toml-invalid.md", "+++\ntitle = \n+++\n깨진 TOML.\n",
          _page("notes/fm-toml-invalid", problem="not valid TOML"))

    # -- embeds ------------------------------------------------------------------
    write("cycle/self-embed.md", "# 자기 자신\n\n![[self-embed]]\n", _page("cycle/self-embed"))
    write("cycle/mutual-a.md", "# A\n\nA 본문.\n\n![[mutual-b]]\n", _page("cycle/mutual-a"))
    write("cycle/mutual-b.md", "# B\n\nB 본문.\n\n![[mutual-a]]\n", _page("cycle/mutual-b"))

    # -- duplicates and collisions ---------------------------------------------------
    write("dup/a/같은 이름.md", "# 같은 이름 A\n", _page("dup/a/같은 이름"))
    write("dup/b/같은 이름.md", "# 같은 이름 B\n", _page("dup/b/같은 이름"))
    write("dup/same.md", "# same (md)\n", _page("dup/same"))
    write("dup/same.txt", "same (txt): 텍스트 노트.\n", _page("dup/same.txt"))
    # .markdown and .txt of one name: both would be dup/other/; the second moves, with a warning.
    write("dup/other.markdown", "# other (markdown)\n", _page("dup/other"))
    write("dup/other.txt", "other (txt).\n", _page("dup/other.txt", problem="same page address"))
    # A note beside a folder of the same name has the folder index's address: the note wins.
    write("cycle.md", "# 고리 폴더의 노트\n\n[[self-embed]] 참고.\n", _page("cycle"))

    # -- clippings (imported text) --------------------------------------------------------
    write("clippings/블로그 글.txt", "블로그에서 복사한 글.\n\n본문 한 줄.\n\n#AI #반도체\n", _page("clippings/블로그 글"))

    # -- attachments ---------------------------------------------------------------
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
           b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
    write("attachments/pixel.png", png, Expect("asset"))
    write("attachments/blob.bin", bytes(rng.getrandbits(8) for _ in range(2048)), Expect("asset"))
    write("attachments/빈 파일.pdf", b"", Expect("asset"))

    # -- symlinks -----------------------------------------------------------------
    (outside / "secret.md").write_text("# 비밀\n\n볼트 밖의 노트.\n", encoding="utf-8")
    (outside / "secret.png").write_bytes(png)
    target_file = Path("/etc/hostname") if Path("/etc/hostname").is_file() else outside / "secret.md"
    os.symlink(target_file, docs / "outside-file.md")
    expect["outside-file.md"] = Expect("problem", problem="outside docs/")
    os.symlink(outside, docs / "outside-dir", target_is_directory=True)
    expect["outside-dir/secret.md"] = Expect("problem", problem="outside docs/")
    expect["outside-dir/secret.png"] = Expect("problem", problem="outside docs/")
    os.symlink("no-such-note.md", docs / "dangling.md")  # points inside docs/, at nothing
    expect["dangling.md"] = Expect("problem", problem="cannot be read")
    # A symlink that stays inside the vault is an ordinary page.
    os.symlink("name with spaces.md", docs / "notes" / "inside-link.md")
    expect["notes/inside-link.md"] = _page("notes/inside-link")
    return expect
