"""Build a vault into a temporary site with the project's real mkdocs.yml, hooks and overrides."""
from __future__ import annotations

import hashlib
import json
import re
import os
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]


def schema() -> dict:
    """The contract of ``vault.json`` (``tests/schema/vault.schema.json``)."""
    return json.loads((ROOT / "tests" / "schema" / "vault.schema.json").read_text(encoding="utf-8"))


def write_config(docs_dir: Path, site_dir: Path, dest: Path, **overrides) -> Path:
    """A copy of mkdocs.yml that reads ``docs_dir`` and writes ``site_dir``, all paths absolute."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: docs", f"docs_dir: {json.dumps(str(docs_dir))}")
    text = text.replace("custom_dir: overrides", f"custom_dir: {json.dumps(str(ROOT / 'overrides'))}")
    text = text.replace("  - hooks/vault_hooks.py", f"  - {json.dumps(str(ROOT / 'hooks' / 'vault_hooks.py'))}")
    text += f"\nsite_dir: {json.dumps(str(site_dir))}\n"
    for key, value in overrides.items():
        text += f"{key}: {json.dumps(value)}\n"
    dest.write_text(text, encoding="utf-8")
    return dest


def engine_command(engine: str = "mkdocs") -> list[str]:
    """How to run ``engine``: ``mkdocs`` as ``python -m mkdocs``; ``properdocs`` (the maintained
    fork of MkDocs 1.6) as the executable installed beside this Python."""
    if engine == "mkdocs":
        return [sys.executable, "-m", "mkdocs"]
    if engine == "properdocs":
        exe = Path(sys.executable).parent / "properdocs"
        if not exe.is_file():
            raise FileNotFoundError(f"{exe} not found: pip install -e '.[test]' installs properdocs")
        return [str(exe)]
    raise ValueError(f"unknown engine {engine!r}")


def build(docs_dir: Path, work: Path, strict: bool = False, engine: str = "mkdocs",
          **overrides) -> tuple[int, str, Path]:
    """Run ``mkdocs build`` (or ``properdocs build``) in a subprocess; returns (exit code, log, site dir)."""
    site = work / "site"
    cfg = write_config(Path(docs_dir).resolve(), site, work / "mkdocs.yml", **overrides)
    cmd = engine_command(engine) + ["build", "-f", str(cfg)] + (["--strict"] if strict else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=work, timeout=600)
    return proc.returncode, proc.stdout + proc.stderr, site


def serve_sequence(docs: Path, work: Path, edits: list) -> Path:
    """``mkdocs serve``'s build loop over ``edits`` (``tests/serve_sequence.py``, in a
    subprocess), one rebuild after each; returns the site it leaves."""
    (work / "edits.json").write_text(json.dumps(edits, ensure_ascii=False), encoding="utf-8")
    served = work / "served"
    cfg = write_config(Path(docs).resolve(), served, work / "serve.yml")
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / "serve_sequence.py"), str(cfg), str(served),
                           str(docs), str(work / "edits.json")], capture_output=True, text=True, cwd=work, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return served


def build_as_served(docs: Path, work: Path, strict: bool = False) -> Path:
    """A build of ``docs`` in a fresh folder with what serve sets: its ``site_url`` and
    Material's own search (serve keeps it, no vaultsite index): to compare with
    :func:`serve_sequence`'s site."""
    work.mkdir(parents=True, exist_ok=True)
    code, log, site = build(docs, work, strict=strict, site_url="http://127.0.0.1:8000/",
                            extra={"vaultsite": {"search": "material"}})
    assert code == 0, log[-3000:]
    return site


def tree_hash(path: Path) -> dict[str, str]:
    out = {}
    for p in sorted(Path(path).rglob("*")):
        if p.is_file() or p.is_symlink():
            data = p.read_bytes() if p.is_file() else os.readlink(p).encode()
            out[str(p.relative_to(path))] = hashlib.sha256(data).hexdigest()
    return out


def search_texts(site: Path) -> dict[str, str]:
    """What the site's search shows of each page: title, headings and section texts kept for
    excerpts in vaultsite's index (``site/search/vaultsite/``), by site-relative URL."""
    from urllib.parse import unquote

    out = {}
    bundle = Path(site) / "search" / "vaultsite"
    if not bundle.is_dir():  # Material's own index (``search: material``)
        index = json.loads((Path(site) / "search" / "search_index.json").read_text(encoding="utf-8"))
        for doc in index["docs"]:
            page = unquote(doc["location"].split("#", 1)[0]).lstrip("/")
            text = re.sub(r"<[^>]+>", " ", doc.get("title", "") + " " + doc.get("text", ""))
            out[page] = (out.get(page, "") + " " + text).strip()
        return out
    meta = json.loads((bundle / "meta.json").read_text(encoding="utf-8"))
    files = sorted((bundle / "docs").glob("*.json"))  # numbered by hash slots: not 0..n-1
    assert len(files) == meta["docs"], (len(files), meta["docs"])
    for path in files:
        url, title, sections = json.loads(path.read_text(encoding="utf-8"))
        out[unquote(url).lstrip("/")] = " ".join([title] + [f"{h} {t}" for _, h, t in sections]).strip()
    return out
