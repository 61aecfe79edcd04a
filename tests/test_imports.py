"""Every module imports on its own, first, in a fresh interpreter (a circular import shows
only when the cycle is entered at the wrong module)."""
import pkgutil
import subprocess
import sys
from pathlib import Path

import vaultsite
import vaultsite_mkdocs

ROOT = Path(__file__).resolve().parents[1]


def test_every_module_imports_first():
    names = [f"{pkg.__name__}.{m.name}" for pkg in (vaultsite, vaultsite_mkdocs)
             for m in pkgutil.iter_modules(pkg.__path__)]
    assert "vaultsite.incremental" in names
    script = ("import importlib, subprocess, sys\n"
              "bad = []\n"
              "for name in sys.argv[1:]:\n"
              "    p = subprocess.run([sys.executable, '-c', 'import ' + name], capture_output=True, text=True)\n"
              "    if p.returncode:\n"
              "        bad.append((name, p.stderr.strip().splitlines()[-1:]))\n"
              "print(bad)\n"
              "sys.exit(1 if bad else 0)\n")
    proc = subprocess.run([sys.executable, "-c", script, *names], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
