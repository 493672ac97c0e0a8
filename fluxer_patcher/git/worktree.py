"""What git knows about a checkout: its repository, HEAD, and which files have local changes.

Read with plain git commands (no GitPython: a plain ``apply`` must stay fast).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from fluxer_patcher.errors import BadInput, GitFailure
from fluxer_patcher.git.plumbing import Plumbing
from fluxer_patcher.git.runner import Git


def local_changes(root: Path, paths: list[str]) -> list[str]:
    """Those of ``paths`` that differ from HEAD in the git worktree at ``root`` (if any)."""
    if not paths:
        return []
    git = Git(cwd=str(root))
    try:
        proc = git.run("--no-optional-locks", "status", "--porcelain=v1", "-z", "--no-renames", "--", *paths,
                       check=False, timeout=30)
    except GitFailure:
        return []  # no git, or it hangs
    if proc.returncode != 0:
        return []  # not a git worktree
    prefix = _prefix(git)
    dirty = []
    for entry in proc.stdout.decode("utf-8", "replace").split("\0"):
        if len(entry) > 3:
            path = entry[3:]
            dirty.append(path[len(prefix) :] if prefix and path.startswith(prefix) else path)
    return sorted({p for p in dirty if p in paths})


def _prefix(git: Git) -> str:
    """The worktree-relative prefix of the directory when it is a subdirectory of a repository."""
    proc = git.run("rev-parse", "--show-prefix", check=False, timeout=30)
    return proc.stdout.decode().strip() if proc.returncode == 0 else ""


class NotAWorktree(BadInput):
    """PATH cannot take commits; ``str()`` is one line."""


@dataclass(frozen=True)
class Checkout:
    git: Plumbing
    toplevel: Path
    head: str  # the commit HEAD was at when the run started
    branch: str | None  # None when HEAD is detached

    def repo_path(self, real: str | os.PathLike[str]) -> str:
        """The repository path of the file at the real location ``real``."""
        return Path(os.path.relpath(real, os.path.realpath(self.toplevel))).as_posix()


def open_checkout(path: Path) -> Checkout:
    """The git worktree holding ``path``, with HEAD read now."""
    proc = Git(cwd=str(path)).run(
        "rev-parse", "--is-inside-work-tree", "--absolute-git-dir", "--show-toplevel", check=False
    )
    fields = proc.stdout.decode("utf-8", "replace").splitlines()
    if proc.returncode != 0 or len(fields) != 3 or fields[0] != "true":
        raise NotAWorktree(f"{path}: not a git worktree; --commit needs one (run without --commit to only write)")
    git_dir, toplevel = fields[1], Path(fields[2])
    git = Plumbing(git_dir, work_tree=toplevel)
    head = git.rev_parse("HEAD^{commit}")
    if head is None:
        raise NotAWorktree(f"{path}: the branch has no commit yet; --commit needs one to build on")
    branch = git.run("symbolic-ref", "--quiet", "HEAD", check=False).stdout.decode().strip() or None
    return Checkout(git, toplevel, head, branch)
