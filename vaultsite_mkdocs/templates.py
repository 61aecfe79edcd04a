"""Compiled theme templates, kept across ``mkdocs serve`` rebuilds.

MkDocs makes a new Jinja environment for every build, so each rebuild compiled Material's
~50 templates again (about 0.25 s).  Jinja checks each entry against its template's source,
so an edited override is compiled afresh.
"""
from __future__ import annotations

import jinja2

from .speedup import Speedup, params


class _Bytecode(jinja2.BytecodeCache):
    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


class TemplateCache(Speedup):
    name = "template_cache"

    def __init__(self, adapter) -> None:
        super().__init__(adapter)
        self.cache = _Bytecode()

    def check(self) -> str | None:
        # An instance attribute, set from the constructor's argument.
        if "bytecode_cache" not in (params(jinja2.Environment.__init__) or []):
            return "jinja2.Environment has no bytecode_cache"
        return None

    def apply(self, env) -> None:
        if self.active and getattr(env, "bytecode_cache", None) is None:
            env.bytecode_cache = self.cache
