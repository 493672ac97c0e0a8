"""The one commit-series builder: one commit per fix on top of a base commit, objects only.

``branch`` builds the patched fork branch with it (blobs stored as they are, for
reproducible ids) and ``apply --commit`` the in-place commits (blobs through the clean
filters of their path, as ``git add`` stores them).  No ref moves here: the callers move
their ref by compare-and-swap once every commit exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from fluxer_patcher.git.plumbing import Identity, Plumbing


@dataclass(frozen=True)
class CommitPlan:
    """One commit to make: the fix it carries, its message, the new content of its files
    (by repository path)."""

    patch_id: str
    message: str
    files: Mapping[str, bytes]


@dataclass(frozen=True)
class BuiltCommit:
    patch_id: str
    sha: str
    subject: str


def build(
    git: Plumbing, base: str, plans: Iterable[CommitPlan], identity: Identity, *, filters: bool = False
) -> list[BuiltCommit]:
    """Write one commit per plan, each on the previous one, the first on ``base``."""
    parent = base
    tree = git.tree_of(base)
    built = []
    for plan in plans:
        blobs = {path: git.write_blob(data, path=path if filters else None) for path, data in plan.files.items()}
        tree = git.tree_with(tree, blobs)
        parent = git.commit_tree(tree, [parent], plan.message, identity)
        built.append(BuiltCommit(plan.patch_id, parent, plan.message.split("\n", 1)[0]))
    return built
