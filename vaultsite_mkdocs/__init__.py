"""The MkDocs side of vaultsite: one adapter object (``VaultAdapter``) with typed settings,
and the optional speed-ups that patch MkDocs, Material or Python internals.

``vaultsite`` (the core) never imports this package or MkDocs.
"""
from .adapter import VaultAdapter, adapter_for

__all__ = ["VaultAdapter", "adapter_for"]
