"""``notes``: small helpers for keeping the vault.

* ``notes new "제목"`` writes ``docs/notes/제목.md`` with front matter and never
  overwrites an existing note.
  A title that differs from an existing note's name only in case or Unicode
  normalisation (``deepseek`` beside ``DeepSeek.md``) is refused, naming that note.
* ``notes import FILE...`` copies blog dumps into ``docs/clippings/`` under a
  safe, unique name; the source files are only read.  Only text files with a
  note extension (``index.NOTE_EXTS``; none: saved as ``.txt``) whose bytes
  decode as text are taken, and never a file already inside the vault.

``--docs DIR`` (before or after the sub-command) points at another vault;
the default is ``docs/`` in the current directory.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import os
import re
import shutil
import sys
import unicodedata
from pathlib import Path

from .index import NOTE_EXTS as _NOTE_EXTS  # what the build reads as notes

# Characters no file system (or Obsidian) takes in a name, plus control characters.
_UNSAFE_RE = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f-\x9f]')
# Windows refuses these as a whole name (with or without extension).
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
_MAX_IMPORT_BYTES = 16 * 2**20  # a blog post is kilobytes; larger is not a note
_MAX_NAME_BYTES = 200  # well under the usual 255-byte limit, leaving room for " (12).md"


def safe_name(name: str, fallback: str = "제목 없음") -> str:
    """A file-name stem from ``name``: NFC, unsafe characters replaced by ``-``.

    Hangul, spaces and other printable characters are kept; surrounding
    whitespace and dots are stripped (a leading dot would hide the file, a
    trailing one is dropped by Windows).
    """
    text = unicodedata.normalize("NFC", name)
    text = _UNSAFE_RE.sub("-", text)
    text = re.sub(r"\s+", " ", text).strip().strip(".").strip()
    if not text or set(text) <= {"-", " ", "."}:
        text = fallback
    if text.casefold() in _RESERVED:
        text = f"{text}-"
    encoded = text.encode("utf-8")
    if len(encoded) > _MAX_NAME_BYTES:
        text = encoded[:_MAX_NAME_BYTES].decode("utf-8", "ignore").rstrip(" .")
    return text


def _docs_dir(args) -> Path:
    return Path(args.docs) if args.docs else Path.cwd() / "docs"


def _yaml_string(value: str) -> str:
    """A double-quoted YAML scalar (JSON string syntax is valid YAML)."""
    import json

    return json.dumps(value, ensure_ascii=False)


def cmd_new(args) -> int:
    # A title is one line: runs of whitespace (tabs, newlines) become one space.
    title = " ".join(unicodedata.normalize("NFC", args.title).split())
    if not title:
        print("notes new: 제목이 비어 있습니다 (empty title)", file=sys.stderr)
        return 2
    folder = _docs_dir(args) / "notes"
    path = folder / f"{safe_name(title)}.md"
    twin = _name_twin(folder, path.name)
    if twin is not None:
        print(f"notes new: 이름이 대소문자나 유니코드 정규화만 다른 노트가 있습니다 "
              f"(differs only in case or normalisation from an existing note): {folder / twin}",
              file=sys.stderr)
        return 1
    today = _dt.date.today().isoformat()
    # No "# title" line: the page heading comes from the front matter title.
    text = f"---\ntitle: {_yaml_string(title)}\ndate: {today}\ntags: []\n---\n\n"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # "x": create only; never replace a note that exists (also under a race).
        with open(path, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except FileExistsError:
        print(f"notes new: 이미 있는 노트입니다, 덮어쓰지 않습니다 (already exists, not overwritten): {path}",
              file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"notes new: {path}: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


def _name_key(name: str) -> str:
    """A note name as Obsidian and the site compare it: NFC, case-folded, without extension."""
    stem = os.path.splitext(unicodedata.normalize("NFC", name))[0]
    return unicodedata.normalize("NFC", stem.casefold())


def _name_twin(folder: Path, name: str) -> str | None:
    """The existing note in ``folder`` whose name differs from ``name`` only in case or
    Unicode normalisation (``DeepSeek.md`` for ``deepseek.md``); None when there is none or
    the name exists exactly (the exclusive create reports that)."""
    if not folder.is_dir():
        return None
    key = _name_key(name)
    for entry in os.scandir(folder):
        if entry.name == name:
            return None
        if os.path.splitext(entry.name)[1].casefold() in _NOTE_EXTS and _name_key(entry.name) == key:
            return entry.name
    return None


def _unique_path(folder: Path, stem: str, ext: str) -> Path:
    taken = {unicodedata.normalize("NFC", p.name).casefold() for p in folder.iterdir()} if folder.is_dir() else set()
    n = 1
    while True:
        name = f"{stem}{ext}" if n == 1 else f"{stem} ({n}){ext}"
        if name.casefold() not in taken and not (folder / name).exists():
            return folder / name
        n += 1


def _refusal(src: Path, docs: Path, ext: str) -> str | None:
    """Why ``src`` is not imported, or None: only text notes from outside the vault."""
    try:
        inside = src.resolve().is_relative_to(docs.resolve())
    except OSError:
        inside = False
    if inside:
        return "이미 문서 폴더 안에 있습니다 (already inside the vault)"
    if ext.casefold() not in _NOTE_EXTS:
        return (f"텍스트 노트만 가져옵니다 (only text notes: {', '.join(_NOTE_EXTS)}; "
                f"'{ext}' files are not imported)")
    from .decode import decode_bytes

    try:
        with open(src, "rb") as fh:
            data = fh.read(_MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        return str(exc)
    if len(data) > _MAX_IMPORT_BYTES:
        return f"텍스트 노트로 보기에 너무 큽니다 (larger than {_MAX_IMPORT_BYTES // 2**20} MB)"
    text, problem = decode_bytes(data)
    if text is None:
        return f"텍스트가 아닙니다 ({problem})"
    return None


def cmd_import(args) -> int:
    docs = _docs_dir(args)
    folder = docs / "clippings"
    status = 0
    for item in args.files:
        src = Path(item)
        if not src.is_file():
            print(f"notes import: 파일이 없습니다 (not a file): {src}", file=sys.stderr)
            status = 1
            continue
        base = unicodedata.normalize("NFC", src.name)
        stem, ext = os.path.splitext(base)
        if not stem:  # ".txt" or a dot file
            stem, ext = base, ""
        ext = _UNSAFE_RE.sub("", ext).strip() or ".txt"
        if ext == ".":
            ext = ".txt"
        why = _refusal(src, docs, ext)
        if why is not None:
            print(f"notes import: {src}: {why}", file=sys.stderr)
            status = 1
            continue
        stem = safe_name(stem)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            while True:
                dest = _unique_path(folder, stem, ext)
                try:
                    with open(src, "rb") as fin, open(dest, "xb") as fout:
                        shutil.copyfileobj(fin, fout)
                    break
                except FileExistsError:  # someone took the name meanwhile: try the next one
                    continue
        except OSError as exc:
            print(f"notes import: {src}: {exc}", file=sys.stderr)
            status = 1
            continue
        print(dest)
    return status


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--docs", metavar="DIR", default=argparse.SUPPRESS,
                        help="the vault folder (default: ./docs)")
    parser = argparse.ArgumentParser(prog="notes", description="리서치 노트 vault 도우미", parents=[common])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    p_new = sub.add_parser("new", parents=[common], help="새 노트 만들기: docs/notes/<제목>.md")
    p_new.add_argument("title", help="노트 제목")
    p_new.set_defaults(func=cmd_new)
    p_imp = sub.add_parser("import", parents=[common], help="블로그 글 파일을 docs/clippings/로 복사")
    p_imp.add_argument("files", nargs="+", metavar="FILE", help="복사할 텍스트 파일")
    p_imp.set_defaults(func=cmd_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "docs"):
        args.docs = None
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
