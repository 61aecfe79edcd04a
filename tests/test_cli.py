"""The ``notes`` command: new notes and imported blog dumps, always under a tmp vault."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml

from vaultsite import cli


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n", 2)[1])


# --- notes new -------------------------------------------------------------

def test_new_writes_note_with_front_matter(tmp_path, capsys):
    code, out, err = run(capsys, "--docs", str(tmp_path), "new", "엔비디아 실적 정리")
    assert code == 0, err
    path = tmp_path / "notes" / "엔비디아 실적 정리.md"
    assert path.is_file()
    assert out.strip() == str(path)
    meta = front_matter(path)
    assert meta["title"] == "엔비디아 실적 정리"
    assert str(meta["date"]) == dt.date.today().isoformat()
    assert meta["tags"] == []


def test_new_docs_option_after_subcommand(tmp_path, capsys):
    code, out, _ = run(capsys, "new", "--docs", str(tmp_path), "메모")
    assert code == 0
    assert (tmp_path / "notes" / "메모.md").is_file()


def test_new_defaults_to_docs_in_cwd(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "new", "오늘의 시황")
    assert code == 0
    assert (tmp_path / "docs" / "notes" / "오늘의 시황.md").is_file()


def test_new_refuses_to_overwrite(tmp_path, capsys):
    assert run(capsys, "--docs", str(tmp_path), "new", "DeepSeek")[0] == 0
    path = tmp_path / "notes" / "DeepSeek.md"
    path.write_text("내가 쓴 내용", encoding="utf-8")
    code, out, err = run(capsys, "--docs", str(tmp_path), "new", "DeepSeek")
    assert code == 1
    assert "already exists" in err and str(path) in err
    assert out == ""
    assert path.read_text(encoding="utf-8") == "내가 쓴 내용"


@pytest.mark.parametrize("title, stem", [
    ("AI/반도체: 전망?", "AI-반도체- 전망-"),
    ('a\\b*c"d<e>f|g', "a-b-c-d-e-f-g"),
    ("탭\t과\n줄바꿈", "탭 과 줄바꿈"),  # a title is one line: whitespace runs become a space
    ("벨\x07소리", "벨-소리"),
    ("  앞뒤 공백  ", "앞뒤 공백"),
])
def test_new_sanitises_file_name(tmp_path, capsys, title, stem):
    code, out, err = run(capsys, "--docs", str(tmp_path), "new", title)
    assert code == 0, err
    files = [p.name for p in (tmp_path / "notes").iterdir()]
    assert files == [f"{stem}.md"]
    # the title in front matter is the user's title, not the file name
    assert front_matter(tmp_path / "notes" / files[0])["title"] == " ".join(title.split())


@pytest.mark.parametrize("existing,title", [
    ("DeepSeek.md", "deepseek"),
    ("DeepSeek.md", "DEEPSEEK"),
    (unicodedata.normalize("NFD", "한글노트.md"), "한글노트"),
    (unicodedata.normalize("NFD", "Ünicode 메모.md"), "ünicode 메모"),
    ("Straße.txt", "STRASSE"),
])
def test_new_refuses_case_and_normalisation_twins(tmp_path, capsys, existing, title):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / existing).write_text("원래 노트", encoding="utf-8")
    code, out, err = run(capsys, "--docs", str(tmp_path), "new", title)
    assert code == 1
    assert "differs only in case or normalisation" in err
    assert existing in err  # names the note that is there
    assert [p.name for p in folder.iterdir()] == [existing]
    assert (folder / existing).read_text(encoding="utf-8") == "원래 노트"


def test_new_nfc_normalises(tmp_path, capsys):
    nfd = unicodedata.normalize("NFD", "딥시크 정리")
    assert nfd != "딥시크 정리"
    code, out, _ = run(capsys, "--docs", str(tmp_path), "new", nfd)
    assert code == 0
    assert [p.name for p in (tmp_path / "notes").iterdir()] == ["딥시크 정리.md"]
    assert front_matter(tmp_path / "notes" / "딥시크 정리.md")["title"] == "딥시크 정리"


def test_new_title_with_yaml_specials(tmp_path, capsys):
    title = 'AI: "딥시크" #1 - [중요]'
    assert run(capsys, "--docs", str(tmp_path), "new", title)[0] == 0
    (path,) = (tmp_path / "notes").iterdir()
    assert front_matter(path)["title"] == title


def test_new_empty_title(tmp_path, capsys):
    code, _, err = run(capsys, "--docs", str(tmp_path), "new", "   ")
    assert code != 0 and err
    assert not (tmp_path / "notes").exists() or not any((tmp_path / "notes").iterdir())


# --- notes import ----------------------------------------------------------

def test_import_copies_and_never_touches_source(tmp_path, capsys):
    src_dir = tmp_path / "downloads"
    src_dir.mkdir()
    src = src_dir / "딥시크 쇼크 (블로그).txt"
    data = "본문 바로가기\n딥시크가 나왔다.\n".encode("cp949")  # any bytes: copied as they are
    src.write_bytes(data)
    before = os.stat(src)
    docs = tmp_path / "docs"
    code, out, err = run(capsys, "--docs", str(docs), "import", str(src))
    assert code == 0, err
    dest = docs / "clippings" / "딥시크 쇼크 (블로그).txt"
    assert out.strip() == str(dest)
    assert dest.read_bytes() == data
    after = os.stat(src)
    assert src.read_bytes() == data
    assert (before.st_mtime_ns, before.st_size) == (after.st_mtime_ns, after.st_size)


def test_import_unique_names(tmp_path, capsys):
    src = tmp_path / "글.txt"
    src.write_text("하나", encoding="utf-8")
    docs = tmp_path / "docs"
    outs = []
    for _ in range(3):
        code, out, _ = run(capsys, "--docs", str(docs), "import", str(src))
        assert code == 0
        outs.append(Path(out.strip()).name)
    assert outs == ["글.txt", "글 (2).txt", "글 (3).txt"]
    assert sorted(p.name for p in (docs / "clippings").iterdir()) == sorted(outs)


def test_import_several_files_prints_each(tmp_path, capsys):
    a = tmp_path / "a.md"
    b = tmp_path / "b.markdown"
    a.write_text("# A", encoding="utf-8")
    b.write_text("B", encoding="utf-8")
    docs = tmp_path / "docs"
    code, out, _ = run(capsys, "--docs", str(docs), "import", str(a), str(b))
    assert code == 0
    assert out.split("\n")[:2] == [str(docs / "clippings" / "a.md"), str(docs / "clippings" / "b.markdown")]


@pytest.mark.parametrize("name,data", [
    ("chart.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("page.html", b"<script>alert(1)</script>"),
    ("data.json", b'{"a": 1}'),  # text, but not a note
    ("photo.txt", bytes(range(256)) * 8),  # a text name on binary bytes
    ("image.png", b"\x89PNG\r\n\x1a\n" + bytes(64)),
])
def test_import_refuses_what_is_not_a_text_note(tmp_path, capsys, name, data):
    src = tmp_path / name
    src.write_bytes(data)
    ok = tmp_path / "ok.txt"
    ok.write_text("좋은 글", encoding="utf-8")
    docs = tmp_path / "docs"
    code, out, err = run(capsys, "--docs", str(docs), "import", str(src), str(ok))
    assert code == 1
    assert name in err
    assert sorted(p.name for p in (docs / "clippings").iterdir()) == ["ok.txt"]


def test_import_refuses_files_already_in_the_vault(tmp_path, capsys):
    docs = tmp_path / "docs"
    (docs / "notes").mkdir(parents=True)
    inside = docs / "notes" / "내 노트.md"
    inside.write_text("본문", encoding="utf-8")
    code, out, err = run(capsys, "--docs", str(docs), "import", str(inside))
    assert code == 1
    assert "already inside the vault" in err
    assert not (docs / "clippings").exists()
    # Also through a relative path and a symlink from outside that points in.
    link = tmp_path / "link.md"
    link.symlink_to(inside)
    code, _, err = run(capsys, "--docs", str(docs), "import", str(link))
    assert code == 1 and "already inside the vault" in err
    assert not (docs / "clippings").exists()


def test_import_default_extension_and_sanitising(tmp_path, capsys):
    weird = tmp_path / "블로그 덤프"  # no extension
    weird.write_text("x", encoding="utf-8")
    nfd = tmp_path / unicodedata.normalize("NFD", "엔비디아 실적.txt")
    nfd.write_text("y", encoding="utf-8")
    tricky = tmp_path / 'q: "왜?" <a|b>.txt'
    tricky.write_text("z", encoding="utf-8")
    docs = tmp_path / "docs"
    code, out, _ = run(capsys, "--docs", str(docs), "import", str(weird), str(nfd), str(tricky))
    assert code == 0
    names = sorted(p.name for p in (docs / "clippings").iterdir())
    assert names == sorted(["블로그 덤프.txt", "엔비디아 실적.txt", "q- -왜-- -a-b-.txt"])


def test_import_missing_file(tmp_path, capsys):
    ok = tmp_path / "ok.txt"
    ok.write_text("ok", encoding="utf-8")
    docs = tmp_path / "docs"
    code, out, err = run(capsys, "--docs", str(docs), "import", str(tmp_path / "nope.txt"), str(ok))
    assert code == 1
    assert "nope.txt" in err
    assert (docs / "clippings" / "ok.txt").is_file()  # the good one is still imported


# --- the installed entry point ---------------------------------------------

def test_module_entry_point(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "vaultsite.cli", "--docs", str(tmp_path), "new", "모듈 실행"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "notes" / "모듈 실행.md").is_file()
    proc = subprocess.run([sys.executable, "-m", "vaultsite.cli", "--docs", str(tmp_path), "new", "모듈 실행"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "already exists" in proc.stderr


def test_help_lists_commands(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "new" in out and "import" in out
