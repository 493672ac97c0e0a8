"""Sources: the read-only trees fixes run on, and the one overlay that stages their edits.

:mod:`.base` (the protocol and its errors), :mod:`.worktree` (a directory), :mod:`.memory`
(tests, manifest examples), :mod:`.revision` (a git revision, read from objects),
:mod:`.overlay` (staged text on any of them).
May import: ``errors``, ``model``, ``git``.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing's, without importing typing
if TYPE_CHECKING:
    from typing import Any

    from fluxer_patcher.source.base import FileMissing, NotUtf8, OutsideTree, Source, SourceError, any_exists
    from fluxer_patcher.source.memory import MemoryTree
    from fluxer_patcher.source.overlay import Overlay
    from fluxer_patcher.source.worktree import WorkTree

# Names are imported on first use: a replay (``app.replay``) imports one module of the package.
_EXPORTS = {
    "FileMissing": "base", "NotUtf8": "base", "OutsideTree": "base", "Source": "base", "SourceError": "base",
    "any_exists": "base", "MemoryTree": "memory", "Overlay": "overlay", "WorkTree": "worktree",
}
__all__ = [
    "FileMissing",
    "MemoryTree",
    "NotUtf8",
    "OutsideTree",
    "Overlay",
    "Source",
    "SourceError",
    "WorkTree",
    "any_exists",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'fluxer_patcher.source' has no attribute {name!r}")
    import importlib  # (here: importing it costs a replay, which never asks)

    return getattr(importlib.import_module(f"fluxer_patcher.source.{module}"), name)
