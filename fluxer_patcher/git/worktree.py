"""What git knows about a checkout: its repository, HEAD, and which files have local changes
(:mod:`.status`).

Read with plain git commands (no GitPython: a plain ``apply`` must stay fast).
"""

from __future__ import annotations

import os
from pathlib import Path

from fluxer_patcher.errors import BadInput
from fluxer_patcher.git.plumbing import Plumbing
from fluxer_patcher.git.runner import Git
from fluxer_patcher.git.status import local_changes as local_changes  # where callers have found it
from fluxer_patcher.record import dataclass


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
