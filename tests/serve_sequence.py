"""Run ``mkdocs serve``'s build loop in this process over a sequence of edits (a helper script
for tests/test_serve_clashes.py; runs as ``python serve_sequence.py CFG SITE DOCS EDITS.json``).

After every edit it calls the serve command's build exactly as ``mkdocs serve`` does (the
config loaded anew, dirty builds after the first one), then leaves the site for comparison.
"""
from __future__ import annotations

import json
import os
import sys
import time
import unicodedata
from pathlib import Path


def apply(docs: Path, edit: list) -> None:
    kind, rel = edit[0], edit[1]
    path = docs / (unicodedata.normalize("NFD", rel) if kind.endswith("-nfd") else rel)
    if kind.startswith("write"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(edit[2], encoding="utf-8")
    elif kind.startswith("delete"):
        if path.exists():
            path.unlink()
    elif kind == "same-size-mtime":  # a rewrite that keeps size and mtime (rsync -t, touch -r)
        if path.exists():
            st = path.stat()
            old = path.read_bytes()
            new = edit[2].encode("utf-8")
            new = (new + b" " * len(old))[:len(old)]
            path.write_bytes(new)
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def main() -> None:
    cfg, site, docs, edits = sys.argv[1], sys.argv[2], Path(sys.argv[3]), json.loads(Path(sys.argv[4]).read_text())
    import mkdocs.commands.serve as serve
    from mkdocs.config import load_config

    url = "http://127.0.0.1:8000/"

    def get_config():
        config = load_config(config_file=cfg, site_dir=site)
        config.site_url = url
        return config

    config = get_config()
    config.plugins.on_startup(command="serve", dirty=False)
    serve.build(config, serve_url=url, dirty=False)
    for edit in edits:
        apply(docs, edit)
        time.sleep(0.01)
        serve.build(get_config(), serve_url=url, dirty=False)


if __name__ == "__main__":
    main()
