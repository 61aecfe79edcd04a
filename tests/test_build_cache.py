"""The build cache (issue 19, item 3): ``mkdocs build`` after a change renders only the pages
the change touches, and writes exactly the site a build from an empty cache writes.

Every build here is the real command line (``python -m mkdocs build``) in a subprocess, so the
cache goes through the disk as it does for a user.  Random edit sequences (hypothesis) are
built one after another with the cache, then compared file by file, byte for byte, with one
build of the final vault in another folder with no cache.
"""
from __future__ import annotations

import os
import pickle
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from sitebuild import write_config
from vaultsite_mkdocs.buildcache import _wait_for_writer

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")

BASE = {
    "index.md": "# 홈\n\n[[엔비디아 실적]]과 [[HBM 정리]]를 본다.\n",
    "반도체/엔비디아 실적.md": "---\ntags: [반도체, AI]\ndate: 2024-05-22\n---\n# 엔비디아 실적\n\n"
                          "엔비디아(NVDA)가 2024년 5월 22일 실적을 발표했다. [[HBM 정리]]와 이어진다. #실적\n\n"
                          "![[chip.png]]\n",
    "반도체/HBM 정리.md": "# HBM 정리\n\nSK하이닉스가 HBM3E를 공급한다. 삼성전자도 뒤쫓는다. #메모리\n\n"
                       "## 공급망\n\n[[엔비디아 실적#^q1]] 참고.\n",
    "반도체/chip.png": PNG,
    "시장/금리.md": "---\ntitle: 금리와 성장주\n---\n2024년 9월 18일 연준이 금리를 내렸다. [[엔비디아 실적]] #매크로\n",
    "시장/메모.txt": "네이버 블로그에서 복사한 글.\n\n2023.11.02 삼성전자 발표. #메모\n",
    "english/Rates.md": "# Rates\n\nOn March 5, 2024 Apple (AAPL) reported. See [[금리와 성장주]]. #macro\n",
}

EDITS = [
    ("write", "반도체/새 노트.md", "# 새 노트\n\n[[HBM 정리]]를 링크한다. 2024년 1월 3일 TSMC 발표. #새태그\n"),
    ("write", "반도체/HBM 정리.md", "# HBM 정리\n\n내용을 바꿨다. 마이크론도 있다. #메모리 #변경\n"),
    ("delete", "시장/금리.md", None),
    ("write", "시장/금리.md", "---\ntitle: 금리 다시\ntags: [매크로]\n---\n다시 쓴 노트. [[Rates]]\n"),
    ("delete", "반도체/chip.png", None),
    ("write", "반도체/chip.png", PNG + b"\0"),
    ("write", "english/New.md", "# New note\n\nLinks [[Rates]] and [[없는 노트]]. #macro\n"),
    ("delete", "english/Rates.md", None),
    ("write", "새폴더/깊은/노트.md", "# 깊은 노트\n\n새 폴더의 노트. [[엔비디아 실적]]\n"),
    ("same-size-mtime", "반도체/엔비디아 실적.md", "# 엔비디아 실적 (바뀜)\n\n크기와 시각은 그대로인 새 본문. [[금리와 성장주]]\n"),
    ("write", "시장/비공개.md", "---\npublish: false\n---\n# 비공개\n\n[[HBM 정리]] 비밀.\n"),
    ("write", "시장/메모.txt", "다시 쓴 텍스트 노트.\n\n2022.01.05 SK하이닉스 #메모\n"),
]


def _write_vault(docs: Path) -> None:
    for rel, content in BASE.items():
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _apply(docs: Path, edit) -> None:
    kind, rel, content = edit
    path = docs / rel
    if kind == "write":
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    elif kind == "delete":
        if path.exists():
            path.unlink()
    elif kind == "same-size-mtime" and path.exists():  # rsync -t, touch -r: size and mtime kept
        st = path.stat()
        old = path.read_bytes()
        new = (content.encode("utf-8") + b" " * len(old))[:len(old)]
        path.write_bytes(new)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _mkdocs(cfg: Path, *args: str) -> tuple[int, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(cfg), *args],
                          capture_output=True, text=True, cwd=cfg.parent, timeout=600, env=env)
    # The cache is written by a child once the build's process is gone; it holds the cache's
    # lock until it is done, and the next build waits for it the same way.
    _wait_for_writer(str(cfg.parent / ".cache" / "vaultsite"))
    return proc.returncode, proc.stdout + proc.stderr


def _files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _dirs(site: Path) -> set[str]:
    return {str(p.relative_to(site)) for p in site.rglob("*") if p.is_dir()}


def _project(root: Path, name: str, docs: Path) -> Path:
    work = root / name
    work.mkdir()
    return write_config(docs.resolve(), (work / "site").resolve(), work / "mkdocs.yml")


def _clean_build(root: Path, docs: Path) -> Path:
    """The final vault built once, in a folder of its own (no cache)."""
    cfg = _project(root, f"clean-{time.monotonic_ns()}", docs)
    code, log = _mkdocs(cfg)
    assert code == 0, log[-3000:]
    assert not (cfg.parent / ".cache" / "vaultsite").exists() or "incremental" not in log
    return cfg.parent / "site"


def _same_site(a: Path, b: Path, context) -> None:
    fa, fb = _files(a), _files(b)
    assert sorted(fa) == sorted(fb), (context, sorted(set(fa) ^ set(fb)))
    differ = [rel for rel in fa if fa[rel] != fb[rel]]
    assert differ == [], (context, differ)
    assert _dirs(a) == _dirs(b), (context, _dirs(a) ^ _dirs(b))


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
          phases=[Phase.explicit, Phase.generate])  # a shrink would rebuild for minutes
@given(st.lists(st.sampled_from(range(len(EDITS))), min_size=2, max_size=4))
def test_cached_builds_after_random_edits_equal_a_build_from_an_empty_cache(tmp_path_factory, picks):
    root = tmp_path_factory.mktemp("build-cache")
    docs = root / "docs"
    _write_vault(docs)
    cfg = _project(root, "cached", docs)
    code, log = _mkdocs(cfg)
    assert code == 0, log[-3000:]
    assert list((cfg.parent / ".cache" / "vaultsite").glob("build-*.pickle"))
    for i in picks:
        _apply(docs, EDITS[i])
        code, log = _mkdocs(cfg)
        assert code == 0, log[-3000:]
        assert "vaultsite: incremental rebuild of" in log, log[-3000:]  # the cache was used
    _same_site(cfg.parent / "site", _clean_build(root, docs), [EDITS[i][:2] for i in picks])


def test_an_unchanged_vault_renders_almost_nothing_and_one_note_only_its_pages(tmp_path):
    docs = tmp_path / "docs"
    _write_vault(docs)
    for n in range(30):  # enough notes that the navigation does not list every note
        (docs / "반도체" / f"노트 {n:02d}.md").write_text(f"# 노트 {n:02d}\n\n본문 {n}. #묶음\n", encoding="utf-8")
    cfg = _project(tmp_path, "p", docs)
    assert _mkdocs(cfg)[0] == 0
    before = _files(cfg.parent / "site")
    code, log = _mkdocs(cfg)
    assert code == 0 and "incremental rebuild of 1 page(s)" in log, log[-2000:]
    # The same pages: the search index is left as it is (and the graph files are not rewritten).
    assert re.search(r"search index of \d+ pages unchanged", log), log[-2000:]
    assert _files(cfg.parent / "site") == before
    (docs / "반도체" / "노트 05.md").write_text("# 노트 05\n\n바뀐 본문. [[HBM 정리]] #묶음\n", encoding="utf-8")
    code, log = _mkdocs(cfg)
    assert code == 0, log[-2000:]
    assert re.search(r"search index of \d+ pages in .* [1-9]\d* rewritten\)", log), log[-2000:]
    rebuilt = int(log.split("incremental rebuild of ", 1)[1].split(" ", 1)[0])
    assert 2 <= rebuilt <= 8, log[-2000:]  # the note, HBM 정리 (a backlink), the tags page, the folder...
    _same_site(cfg.parent / "site", _clean_build(tmp_path, docs), "one note changed")


def test_a_damaged_cache_is_ignored_with_one_info_line(tmp_path):
    docs = tmp_path / "docs"
    _write_vault(docs)
    cfg = _project(tmp_path, "p", docs)
    assert _mkdocs(cfg)[0] == 0
    (pickled,) = (cfg.parent / ".cache" / "vaultsite").glob("build-*.pickle")
    pickled.write_bytes(pickled.read_bytes()[:100])  # cut short
    _apply(docs, EDITS[0])
    code, log = _mkdocs(cfg, "--strict")
    assert code == 0, log[-3000:]
    assert log.count("vaultsite: build cache ignored") == 1, log[-3000:]
    assert "incremental rebuild" not in log
    _same_site(cfg.parent / "site", _clean_build(tmp_path, docs), "damaged cache")
    pickled.write_bytes(pickle.dumps({"format": -1}))  # another version of the format
    code, log = _mkdocs(cfg)
    assert code == 0 and log.count("vaultsite: build cache ignored") == 1, log[-3000:]


def test_a_changed_site_folder_or_configuration_means_a_full_build(tmp_path):
    docs = tmp_path / "docs"
    _write_vault(docs)
    cfg = _project(tmp_path, "p", docs)
    site = cfg.parent / "site"
    assert _mkdocs(cfg)[0] == 0
    victim = next(p for p in site.rglob("index.html") if "HBM" in str(p))
    victim.unlink()  # somebody deleted a page of the built site
    code, log = _mkdocs(cfg)
    assert code == 0 and "changed since the last build; building every page" in log, log[-3000:]
    assert victim.exists()
    text = cfg.read_text(encoding="utf-8").replace("site_name: 리서치 노트", "site_name: 다른 이름")
    cfg.write_text(text, encoding="utf-8")
    code, log = _mkdocs(cfg)
    assert code == 0 and "the configuration changed; building every page" in log, log[-3000:]
    assert "다른 이름" in (site / "index.html").read_text(encoding="utf-8")
    code, log = _mkdocs(cfg, "--clean")
    assert code == 0 and "build cache emptied (--clean)" in log and "incremental" not in log, log[-3000:]
    shutil.rmtree(cfg.parent / ".cache")  # deleting the folder starts afresh too
    code, log = _mkdocs(cfg)
    assert code == 0 and "incremental" not in log, log[-3000:]


def test_a_full_build_over_the_last_site_leaves_what_a_clean_one_does(tmp_path):
    """Without a cache, a build writes over the last site and then removes what it did not
    write (BuildCache.overwrite_site): notes, attachments and a folder gone, a stray file,
    hidden entries kept at the top as MkDocs' clean keeps them, unchanged search files."""
    docs = tmp_path / "docs"
    _write_vault(docs)
    cfg = _project(tmp_path, "p", docs)
    site = cfg.parent / "site"
    assert _mkdocs(cfg)[0] == 0
    for edit in (EDITS[2], EDITS[4], EDITS[7], EDITS[8]):
        _apply(docs, edit)
    code, log = _mkdocs(cfg)
    assert code == 0 and "incremental" in log
    shutil.rmtree(docs / "새폴더")
    _apply(docs, EDITS[0])
    (site / "stray" / "deep").mkdir(parents=True)
    (site / "stray" / "deep" / "old.html").write_text("old", encoding="utf-8")
    (site / ".git").mkdir()
    (site / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    (site / ".nojekyll").write_text("", encoding="utf-8")
    shutil.rmtree(cfg.parent / ".cache")
    inode = (site / "index.html").stat().st_ino
    code, log = _mkdocs(cfg, "--strict")
    assert code == 0 and "incremental" not in log and "Cleaning site directory" in log, log[-3000:]
    assert (site / "index.html").stat().st_ino == inode  # written over, not deleted and made anew
    assert (site / ".git" / "HEAD").read_text(encoding="utf-8") == "ref" and (site / ".nojekyll").exists()
    shutil.rmtree(site / ".git")
    (site / ".nojekyll").unlink()
    assert not (site / "stray").exists() and not list(site.rglob("*probe*"))
    _same_site(site, _clean_build(tmp_path, docs), "full build over the last site")


def test_the_cache_can_be_switched_off(tmp_path):
    docs = tmp_path / "docs"
    _write_vault(docs)
    work = tmp_path / "p"
    work.mkdir()
    cfg = write_config(docs.resolve(), (work / "site").resolve(), work / "mkdocs.yml",
                       extra={"vaultsite": {"speedups": {"build_cache": False}}})
    assert _mkdocs(cfg)[0] == 0
    code, log = _mkdocs(cfg)
    assert code == 0 and "incremental" not in log
    assert not (work / ".cache" / "vaultsite").exists()


def test_warnings_of_pages_the_cache_skips_still_fail_strict(tmp_path):
    docs = tmp_path / "docs"
    _write_vault(docs)
    # Embedding more than 1 MB of text: a warning found while rendering the embedding page.
    line = "HBM 공급망에 관한 긴 문단이다. " * 20 + "\n\n"
    (docs / "시장" / "긴 노트.md").write_text("# 긴 노트\n\n" + line * (1_100_000 // len(line)), encoding="utf-8")
    (docs / "시장" / "모음.md").write_text("# 모음\n\n![[긴 노트]]\n", encoding="utf-8")
    cfg = _project(tmp_path, "p", docs)
    code, first = _mkdocs(cfg, "--strict")
    assert code != 0, first[-2000:]
    warnings = sorted(line for line in first.splitlines() if line.startswith("WARNING"))
    assert warnings
    code, second = _mkdocs(cfg, "--strict")
    assert code != 0 and "incremental rebuild of" in second, second[-2000:]
    assert sorted(line for line in second.splitlines() if line.startswith("WARNING")) == warnings
    assert (cfg.parent / "site" / "problems.md").read_text(encoding="utf-8") == \
        (_clean_build(tmp_path, docs) / "problems.md").read_text(encoding="utf-8")


def test_a_company_listing_over_several_pages_follows_each_change(tmp_path):
    """A company 450 notes name: its page and two further listing pages, reused whole or made
    again as the notes change (``render.company_note_pages``), always as a fresh build makes them."""
    docs = tmp_path / "docs"
    for i in range(450):
        path = docs / "노트" / f"노트 {i:03d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        day = f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}"
        path.write_text(f"---\ndate: {day}\n---\n# 노트 {i:03d}\n\n삼성전자가 {i}번째로 나온다. #메모\n",
                        encoding="utf-8")
    (docs / "기타.md").write_text("# 기타\n\n회사 이야기가 없는 노트. SK하이닉스는 나온다.\n", encoding="utf-8")
    cfg = _project(tmp_path, "cached", docs)
    code, log = _mkdocs(cfg)
    assert code == 0, log[-3000:]
    site = cfg.parent / "site"
    assert list(site.glob("companies/*/page/3/index.html")), "the listing takes three pages"
    edits = [
        ("노트/노트 449.md", "---\ndate: 2023-01-02\n---\n# 노트 449\n\n삼성전자의 문장을 바꿨다. #메모\n"),
        ("기타.md", "# 기타\n\n본문만 바뀐 노트. SK하이닉스는 그대로 나온다.\n"),
        # the same sentence naming 삼성전자, and another company beside it ("named together")
        ("노트/노트 100.md", "---\ndate: 2023-05-17\n---\n# 노트 100\n\n삼성전자가 100번째로 나온다. #메모\n\n"
                          "SK하이닉스도 나온다.\n"),
        ("노트/맨 위.md", "---\ndate: 2025-06-01\n---\n# 맨 위\n\n가장 새 노트가 삼성전자를 말한다.\n"),
        ("노트/노트 000.md", "---\ndate: 2023-01-01\n---\n# 노트 000\n\n이제 회사 이야기가 없다.\n"),
    ]
    for rel, text in edits:
        (docs / rel).write_text(text, encoding="utf-8")
        code, log = _mkdocs(cfg)
        assert code == 0 and "incremental rebuild of" in log, log[-3000:]
        _same_site(site, _clean_build(tmp_path, docs), rel)
