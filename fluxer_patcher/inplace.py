"""``apply --commit``: the fixes just written become one commit each on the current branch.

Commits are built with plumbing from HEAD's tree plus each fix's files (blobs go through the
clean filters of their path, as ``git add`` would store them), HEAD moves by compare-and-swap
from the commit it was when the run started, and the index entries of the fixed files are
refreshed so ``git status`` is clean for them.  Other staged or unstaged changes are left as
they were.  A target file with local changes is refused before anything is written: its
commit would otherwise mix the user's edits with the fix.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from fluxer_patcher import commits
from fluxer_patcher.engine import CHANGED, PatchResult
from fluxer_patcher.fork import BuiltCommit
from fluxer_patcher.gitwrite import GitError, Identity, Plumbing
from fluxer_patcher.source import WorkTree


class NotAWorktree(Exception):
    """PATH cannot take commits; ``str()`` is one line."""


@dataclass(frozen=True)
class Checkout:
    git: Plumbing
    toplevel: Path
    head: str  # the commit HEAD was at when the run started
    branch: str | None  # None when HEAD is detached


def open_checkout(path: Path) -> Checkout:
    """The git worktree holding ``path``, with HEAD read now."""
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    try:
        out = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "--is-inside-work-tree", "--absolute-git-dir", "--show-toplevel"],
            capture_output=True, env=env, check=False,
        )
    except OSError as exc:
        raise NotAWorktree(f"cannot run git: {exc.strerror or exc}") from None
    fields = out.stdout.decode("utf-8", "replace").splitlines()
    if out.returncode != 0 or len(fields) != 3 or fields[0] != "true":
        raise NotAWorktree(f"{path}: not a git worktree; --commit needs one (run without --commit to only write)")
    git_dir, toplevel = fields[1], Path(fields[2])
    git = Plumbing(git_dir, work_tree=toplevel)
    head = git.rev_parse("HEAD^{commit}")
    if head is None:
        raise NotAWorktree(f"{path}: the branch has no commit yet; --commit needs one to build on")
    branch = git.run("symbolic-ref", "--quiet", "HEAD", check=False).stdout.decode().strip() or None
    return Checkout(git, toplevel, head, branch)


def repo_paths(tree: WorkTree, checkout: Checkout, paths: list[str]) -> dict[str, str]:
    """``{path under PATH: path in the repository}``, symlinks inside the tree followed."""
    top = os.path.realpath(checkout.toplevel)
    return {p: Path(os.path.relpath(tree.resolve(p), top)).as_posix() for p in paths}


def build(checkout: Checkout, tree: WorkTree, results: list[PatchResult], identity: Identity) -> list[BuiltCommit]:
    """Write one commit per changed fix on top of HEAD (objects only; HEAD is not moved yet)."""
    git = checkout.git
    parent = checkout.head
    current = git.tree_of(parent)
    built = []
    for result in results:
        if result.outcome != CHANGED:
            continue
        where = repo_paths(tree, checkout, [c.path for c in result.changes])
        blobs = {where[c.path]: git.write_blob(c.after, path=where[c.path]) for c in result.changes}
        current = git.tree_with(current, blobs)
        message = commits.message(result.patch, checkout.head)
        parent = git.commit_tree(current, [parent], message, identity)
        built.append(BuiltCommit(result.patch.id, parent, message.split("\n", 1)[0]))
    return built


def advance(checkout: Checkout, built: list[BuiltCommit], paths: list[str]) -> None:
    """Move HEAD (and its branch) to the last commit and refresh the fixed files' index entries."""
    if not built:
        return
    git = checkout.git
    try:
        git.update_ref("HEAD", built[-1].sha, checkout.head, f"fluxer-patch: {len(built)} fix(es)")
    except GitError as exc:
        raise GitError(f"the files are written but not committed: HEAD moved while fluxer-patch ran ({exc})") from None
    git.run("update-index", "-q", "--", *paths)
