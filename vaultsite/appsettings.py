"""The vault's own Obsidian settings (``.obsidian/app.json``), as far as rendering needs them.

MkDocs never lists dot folders, so the file is read from the vault root, which is found
from any scanned file's absolute path.  A missing or unreadable file means Obsidian's
defaults; an unreadable one is also reported (as info: the vault still builds).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass

from .model import Problem

APP_JSON = ".obsidian/app.json"


@dataclass(frozen=True)
class ObsidianSettings:
    is_vault: bool = False  # the vault has an .obsidian/ folder
    strict_line_breaks: bool = False  # Obsidian's default: a single line break shows

    def soft_breaks(self, note_format: str) -> bool:
        """Whether a single line break shows as a break in a note of this shape.

        Obsidian notes follow the setting; a plain Markdown note does too in a vault that is
        an Obsidian vault; Hugo exports, VuePress articles and blog copies keep their rules."""
        if self.strict_line_breaks:
            return False
        return note_format == "obsidian" or (note_format == "markdown" and self.is_vault)


def vault_root(sources) -> str | None:
    """The docs folder on disk, from the first scanned file that has a path there."""
    for s in sources:
        if s.abs_path and s.src:
            root = s.abs_path
            for _ in range(s.src.count("/") + 1):
                root = os.path.dirname(root)
            return root
    return None


def read_settings(sources, problems: list[Problem] | None = None) -> ObsidianSettings:
    root = vault_root(sources)
    if root is None or not os.path.isdir(os.path.join(root, ".obsidian")):
        return ObsidianSettings()
    path = os.path.join(root, APP_JSON)
    try:
        with open(path, "rb") as fh:
            data = json.loads(fh.read().decode("utf-8-sig"))
    except FileNotFoundError:
        return ObsidianSettings(is_vault=True)
    except (OSError, ValueError) as exc:
        if problems is not None:
            problems.append(Problem(APP_JSON, f"unreadable ({type(exc).__name__}); Obsidian's defaults used", "info"))
        return ObsidianSettings(is_vault=True)
    if not isinstance(data, dict):
        return ObsidianSettings(is_vault=True)
    return ObsidianSettings(is_vault=True, strict_line_breaks=data.get("strictLineBreaks") is True)
