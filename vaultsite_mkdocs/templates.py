"""Compiled theme templates, kept across ``mkdocs serve`` rebuilds and cached builds.

MkDocs makes a new Jinja environment for every build, so each rebuild compiled Material's
~50 templates again (about 0.25 s).  Material's search plugin makes two more environments in
its ``on_config`` (``SearchPlugin._translate``, for the separator and pipeline of the site's
language) and compiles ``partials/language.html`` with the language's two dictionaries in
each: another 0.16 s of every rebuild and of every cached build, before any hook runs.

So ``Theme.get_env`` is wrapped (checked: MkDocs' own ``get_env(self)``): every environment it
makes gets this build's bytecode cache, in memory while serving, in the build cache's
``jinja/`` folder for ``mkdocs build``.  Jinja checks each entry against its template's
source, so an edited override is compiled afresh.  The entries are also keyed by what the
compiled code depends on besides the source: the environment's filters and tests (whether
each takes the context) and its syntax options, so the search plugin's bare environment and
the build's never share code compiled for the other.
"""
from __future__ import annotations

import hashlib
import os

import jinja2

from .speedup import Speedup, params, patched


def _env_print(env) -> str:
    """What Jinja's compiler reads from ``env`` besides the template's source."""
    parts = [repr((env.block_start_string, env.block_end_string, env.variable_start_string,
                   env.variable_end_string, env.comment_start_string, env.comment_end_string,
                   env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
                   env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
                   env.optimized, env.is_async, _callable(env.autoescape), _callable(env.finalize),
                   str(getattr(env.finalize, "jinja_pass_arg", "")), sorted(env.extensions)))]
    for table in (env.filters, env.tests):
        parts.append(repr(sorted((name, str(getattr(f, "jinja_pass_arg", ""))) for name, f in table.items())))
    return hashlib.sha1("\0".join(parts).encode()).hexdigest()


def _callable(value) -> str:
    return repr(value) if value is None or isinstance(value, bool) else getattr(value, "__qualname__", type(value).__name__)


class _EnvKeyed:
    """A bytecode cache whose entries are keyed by the environment too (see the module)."""

    def get_bucket(self, environment, name, filename, source):
        return super().get_bucket(environment, f"{name}\0{_env_print(environment)}", filename, source)


class _Memory(_EnvKeyed, jinja2.BytecodeCache):
    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


class _Disk(_EnvKeyed, jinja2.FileSystemBytecodeCache):
    pass


class TemplateCache(Speedup):
    name = "template_cache"

    def __init__(self, adapter) -> None:
        super().__init__(adapter)
        self.memory = _Memory()
        self.store: jinja2.BytecodeCache | None = None  # what new environments get

    def check(self) -> str | None:
        from mkdocs.theme import Theme

        # An instance attribute, set from the constructor's argument.
        if "bytecode_cache" not in (params(jinja2.Environment.__init__) or []):
            return "jinja2.Environment has no bytecode_cache"
        if params(getattr(Theme, "get_env", None)) != ["self"]:
            return "mkdocs.theme.Theme.get_env(self) changed"
        return None

    def install(self) -> None:
        from mkdocs.theme import Theme

        def get_env(theme):
            env = get_env._vaultsite_original(theme)
            owner: TemplateCache = get_env._vaultsite_owner
            owner.apply(env)
            return env

        get_env._vaultsite_kind = "theme_env"
        patched(Theme, "get_env", get_env, self)

    def serve(self, wanted: bool) -> None:
        """A ``mkdocs serve`` build: compiled templates are kept in memory for the next."""
        if self.start(wanted):
            self.store = self.memory
        else:
            self.store = None

    def use_folder(self, folder: str | None) -> None:
        """A ``mkdocs build`` (called before any plugin's ``on_config``): compiled templates
        are kept in ``folder`` (None: not kept).  The patch is this object's from now on."""
        self.store = None
        if not self.start(True) or folder is None:
            return
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError:
            return
        self.store = _Disk(folder)

    def apply(self, env) -> None:
        if self.active and self.store is not None and getattr(env, "bytecode_cache", None) is None:
            env.bytecode_cache = self.store
