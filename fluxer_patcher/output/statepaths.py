"""Where the lock and the journal of a checkout live (:mod:`.journal` says what they are),
and the note a read-only command gives when a journal waits; imports nothing of the package."""

from __future__ import annotations

import os


def state_dir(root: str) -> tuple[str, str]:
    """Where the lock and journal of the tree at ``root`` (a real path) live, and their name prefix."""
    git_dir = os.path.join(root, ".git")
    if os.path.isdir(git_dir) and not os.path.islink(git_dir):
        return git_dir, "fluxer-patch"
    return root, ".fluxer-patch"


def lock_path(root: str) -> str:
    where, prefix = state_dir(root)
    return os.path.join(where, f"{prefix}.lock")


def journal_path(root: str) -> str:
    where, prefix = state_dir(root)
    return os.path.join(where, f"{prefix}.journal")


def pending_note(root: str | os.PathLike[str]) -> list[str]:
    """For a read-only command: a note when an interrupted run's journal is waiting."""
    path = journal_path(os.path.realpath(root))
    if not os.path.lexists(path):
        return []
    return [f"an interrupted fluxer-patch run left {path}; the next apply undoes it first"]
