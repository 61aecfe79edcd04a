"""Build a vault into a temporary site with the project's real mkdocs.yml, hooks and overrides."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def schema() -> dict:
    path = SHARED / "vault.schema.json"
    if not path.exists():
        path = ROOT / "tests" / "schema" / "vault.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


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


def build(docs_dir: Path, work: Path, strict: bool = False, **overrides) -> tuple[int, str, Path]:
    """Run ``mkdocs build`` in a subprocess; returns (exit code, log, site dir)."""
    site = work / "site"
    cfg = write_config(Path(docs_dir).resolve(), site, work / "mkdocs.yml", **overrides)
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(cfg)] + (["--strict"] if strict else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=work, timeout=600)
    return proc.returncode, proc.stdout + proc.stderr, site


def tree_hash(path: Path) -> dict[str, str]:
    out = {}
    for p in sorted(Path(path).rglob("*")):
        if p.is_file() or p.is_symlink():
            data = p.read_bytes() if p.is_file() else os.readlink(p).encode()
            out[str(p.relative_to(path))] = hashlib.sha256(data).hexdigest()
    return out
