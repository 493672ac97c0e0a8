"""The one commit-series builder: one commit per fix on top of a base commit, objects only.

``branch`` builds the patched fork branch with it (blobs stored as they are, for
reproducible ids) and ``apply --commit`` the in-place commits (blobs through the clean
filters of their path, as ``git add`` stores them).  All commits are written in one pass
(:meth:`Plumbing.write_commits`), not a process per directory level.  No ref moves here: the callers move
their ref by compare-and-swap once every commit exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fluxer_patcher.git.plumbing import Identity, NewCommit, Plumbing
from fluxer_patcher.record import dataclass


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
    """Write one commit per plan, each on the previous one, the first on ``base`` (one
    ``git fast-import`` for the series; with ``filters``, each blob first through ``hash-object``)."""
    plans = list(plans)
    commits = []
    for plan in plans:
        files: dict[str, bytes | str] = dict(plan.files)
        if filters:
            files = {path: git.write_blob(data, path=path) for path, data in plan.files.items()}
        commits.append(NewCommit(plan.message, files))
    shas = git.write_commits(base, commits, identity)
    return [
        BuiltCommit(plan.patch_id, sha, plan.message.split("\n", 1)[0]) for plan, sha in zip(plans, shas, strict=True)
    ]
