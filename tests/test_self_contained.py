"""The repository is self-contained: no tracked file names a path outside it.

Every file ``git ls-files`` lists (text files; binary files such as PNGs hold no paths) is
searched for the sibling folder the seed notes once came from (dot-dot, slash, "shared", or
the same spelled with pathlib) and for absolute paths of a machine: home folders, the work folder, temporary folders, mounts,
Windows drive paths.  A few absolute paths are the system the tests run on, not a machine's
layout, and are allowed by an explicit pattern each (``ALLOWED``), never by skipping a file.
A hit fails naming the file, the line and the text.
"""
from __future__ import annotations

import re
import subprocess

from sitebuild import ROOT

# A sibling folder of the checkout, or an absolute path under a machine-specific root.
# The lookbehind keeps URLs (https://host/home/...) and relative paths (docs/home/) out.
FORBIDDEN = re.compile(
    r"\.\.[/\\]shared\b"
    r"|(?<![\w.:/~%-])/(?:work|root|home|Users|tmp|mnt|media|srv|opt|var|usr|etc|proc|private)/[^\s`'\")\]$|(]*"
    r"|(?<![\w])[A-Za-z]:\\(?:Users|work|tmp)\\"
    # the same climbs spelled with pathlib: the checkout's parent, or a join onto "shared"
    r"|\bROOT\.parent\b|/\s*[\"']shared[\"']"
)

# Absolute paths that are the system's own, each allowed for one reason.
ALLOWED = [
    re.compile(r"^/usr/bin/env$"),             # shebang lines
    re.compile(r"^/usr/bin/chromium$"),        # Debian's chromium, driven by the browser tests
    re.compile(r"^/usr/bin/time$"),            # the benchmark's memory figures (time -v)
    re.compile(r"^/proc/"),                    # the kernel's files: the benchmark's CPU name and memory
    re.compile(r"^/etc/hostname$"),            # hostile-vault strings: files that must never leak
    re.compile(r"^/etc/passwd$"),
]


def tracked_files() -> list[str]:
    proc = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, timeout=60)
    assert proc.returncode == 0, f"not a git checkout? {proc.stderr.decode(errors='replace')}"
    names = [n for n in proc.stdout.decode("utf-8", errors="surrogateescape").split("\0") if n]
    assert names, "git ls-files listed nothing"
    return names


def offending_lines(text: str) -> list[tuple[int, str]]:
    hits = []
    for lineno, line in enumerate(text.splitlines(), 1):
        for m in FORBIDDEN.finditer(line):
            found = m.group(0).rstrip(".,:;")
            if not any(a.match(found) for a in ALLOWED):
                hits.append((lineno, found))
    return hits


def test_no_tracked_file_names_a_path_outside_the_repository():
    bad = []
    checked = 0
    for name in tracked_files():
        path = ROOT / name
        if not path.is_file() or path.is_symlink():
            continue
        data = path.read_bytes()
        if b"\0" in data:  # binary (images); no paths in them
            continue
        checked += 1
        for lineno, found in offending_lines(data.decode("utf-8", errors="replace")):
            bad.append(f"{name}:{lineno}: {found}")
    assert checked > 50, f"only {checked} text files checked"
    assert bad == [], "paths outside the repository:\n" + "\n".join(bad)


def test_the_check_finds_what_it_must():
    """The patterns catch each kind of outside path, and allow only the listed system files."""
    must_fail = [
        "samples in ../" + "shared/seeds",
        'SHARED = ROOT.' + 'parent / "sha' + 'red"',
        'SEEDS = Path(__file__).parents[2] / "sha' + 'red" / "seeds"',
        "MAKE_VAULT = '../" + "shared/bench/make_vault.py'",
        'Path("/' + 'work/shared/seeds")',
        "cd /" + "home/user/vault",
        "open('/" + "root/.cache/x')",
        "python x.py /" + "tmp/serveprof",
        "C:\\" + "Users\\me\\vault",
        "/" + "usr/local/lib/python3.11",
        "/" + "etc/shadow",
    ]
    for text in must_fail:
        assert offending_lines(text), text
    must_pass = [
        "#!/usr/bin/env bash",
        'CHROMIUM = Path("/usr/bin/chromium")',
        "[etc](../../etc/passwd)",
        'Path("/etc/hostname")',
        "https://example.com/home/index.html",
        "docs/notes/home/index.md",
        "a shared queue",
        "tests/fixtures/seeds",
    ]
    for text in must_pass:
        assert not offending_lines(text), text
