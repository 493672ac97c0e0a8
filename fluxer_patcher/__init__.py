"""fluxer-patch: structural, idempotent fixes for self-hosting the Fluxer monorepo.

The public API (the command line is built on it)::

    from fluxer_patcher import load_catalogue, run, WorkTree

    catalogue = load_catalogue()               # the bundled fixes, validated
    results = run(catalogue.patches, WorkTree("fluxer"))
    for r in results:
        print(r.patch.id, r.status(written=False), r.reason.kind, r.reason.text)

``run`` computes in memory and writes nothing; ``results[i].changes`` holds the file changes.
Names are imported on first use, so ``import fluxer_patcher`` stays cheap.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a replay imports little)

__version__ = "0.1.0"

if TYPE_CHECKING:
    from typing import Any

    from fluxer_patcher.app.api import load_catalogue, run
    from fluxer_patcher.catalogue.manifest import Catalogue, Patch, Step
    from fluxer_patcher.errors import BadInput, FluxerPatchError
    from fluxer_patcher.model import FileChange, Outcome, PatchResult, Reason, ReasonKind, Status
    from fluxer_patcher.source.memory import MemoryTree
    from fluxer_patcher.source.revision import GitRevision
    from fluxer_patcher.source.worktree import WorkTree

_EXPORTS = {
    "load_catalogue": "fluxer_patcher.app.api",
    "run": "fluxer_patcher.app.api",
    "Catalogue": "fluxer_patcher.catalogue.manifest",
    "Patch": "fluxer_patcher.catalogue.manifest",
    "Step": "fluxer_patcher.catalogue.manifest",
    "BadInput": "fluxer_patcher.errors",
    "FluxerPatchError": "fluxer_patcher.errors",
    "FileChange": "fluxer_patcher.model",
    "Outcome": "fluxer_patcher.model",
    "PatchResult": "fluxer_patcher.model",
    "Reason": "fluxer_patcher.model",
    "ReasonKind": "fluxer_patcher.model",
    "Status": "fluxer_patcher.model",
    "MemoryTree": "fluxer_patcher.source.memory",
    "GitRevision": "fluxer_patcher.source.revision",
    "WorkTree": "fluxer_patcher.source.worktree",
}
__all__ = [  # noqa: RUF022  (grouped as _EXPORTS)
    "__version__",
    "load_catalogue",
    "run",
    "Catalogue",
    "Patch",
    "Step",
    "BadInput",
    "FluxerPatchError",
    "FileChange",
    "Outcome",
    "PatchResult",
    "Reason",
    "ReasonKind",
    "Status",
    "MemoryTree",
    "GitRevision",
    "WorkTree",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'fluxer_patcher' has no attribute {name!r}")
    import importlib  # (here: importing it costs a replay, which never asks)

    return getattr(importlib.import_module(module), name)
