"""Sources: the read-only trees fixes run on, and the one overlay that stages their edits.

:mod:`.base` (the protocol and its errors), :mod:`.worktree` (a directory), :mod:`.memory`
(tests, manifest examples), :mod:`.revision` (a git revision, read from objects),
:mod:`.overlay` (staged text on any of them).
May import: ``errors``, ``model``, ``git``.
"""

from fluxer_patcher.source.base import FileMissing, NotUtf8, OutsideTree, Source, SourceError, any_exists
from fluxer_patcher.source.memory import MemoryTree
from fluxer_patcher.source.overlay import Overlay
from fluxer_patcher.source.worktree import WorkTree

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
