"""``apply --commit``: the fixes just written become one commit each on the current branch.

Commits are built by :mod:`.commits` from HEAD's tree plus each fix's files (blobs through
the clean filters of their path, as ``git add`` would store them), HEAD moves by
compare-and-swap from the commit it was when the run started, and the index entries of the
fixed files are refreshed so ``git status`` is clean for them.  Before any file is written,
:func:`preflight` refuses when git could not finish: a lock on the index, HEAD or the
branch (another git running, or one that crashed), or HEAD no longer where it was.  Other staged or unstaged
changes are left as they were.  A target file with local changes is refused before
anything is written: its commit would otherwise mix the user's edits with the fix.
"""

from __future__ import annotations

import os

from fluxer_patcher.git.plumbing import GitError, Identity
from fluxer_patcher.git.worktree import Checkout
from fluxer_patcher.model import Outcome, PatchResult
from fluxer_patcher.output import messages
from fluxer_patcher.output.commits import BuiltCommit, CommitPlan, build
from fluxer_patcher.source.worktree import WorkTree


def repo_paths(tree: WorkTree, checkout: Checkout, paths: list[str]) -> dict[str, str]:
    """``{path under PATH: path in the repository}``, symlinks inside the tree followed."""
    return {p: checkout.repo_path(tree.resolve(p)) for p in paths}


def plans(checkout: Checkout, tree: WorkTree, results: list[PatchResult]) -> list[CommitPlan]:
    out = []
    for result in results:
        if result.outcome is not Outcome.CHANGED:
            continue
        where = repo_paths(tree, checkout, [c.path for c in result.changes])
        message = messages.message(result.patch, checkout.head)
        out.append(CommitPlan(result.patch.id, message, {where[c.path]: c.after for c in result.changes}))
    return out


def build_commits(checkout: Checkout, tree: WorkTree, results: list[PatchResult], identity: Identity
                  ) -> list[BuiltCommit]:
    """One commit per changed fix on top of HEAD (objects only; HEAD is not moved yet)."""
    return build(checkout.git, checkout.head, plans(checkout, tree, results), identity, filters=True)


def _locks(checkout: Checkout) -> list[str]:
    """The lock files git takes to commit here: the index, HEAD, and the branch."""
    names = ["index.lock", "HEAD.lock"] + ([f"{checkout.branch}.lock"] if checkout.branch else [])
    args: list[str] = []
    for name in names:
        args += ["--git-path", name]
    out = checkout.git.run("rev-parse", *args).stdout.decode("utf-8", "surrogateescape").splitlines()
    return [p if os.path.isabs(p) else os.path.join(checkout.toplevel, p) for p in out]


def preflight(checkout: Checkout) -> None:
    """Refuse, before anything is written, what would make the commits fail after the files are written."""
    for lock in _locks(checkout):
        if os.path.lexists(lock):
            raise GitError(f"{lock} exists: another git process is running in this repository, or one crashed "
                           "(remove the file if none is running); nothing written")
    now = checkout.git.rev_parse("HEAD^{commit}")
    if now != checkout.head:
        raise GitError(f"HEAD moved while fluxer-patch ran ({checkout.head[:12]} -> {(now or 'none')[:12]}); "
                       "nothing written")


def advance(checkout: Checkout, built: list[BuiltCommit], paths: list[str]) -> None:
    """Move HEAD (and its branch) to the last commit and refresh the fixed files' index entries."""
    if not built:
        return
    git = checkout.git
    try:
        git.update_ref("HEAD", built[-1].sha, checkout.head, f"fluxer-patch: {len(built)} fix(es)")
    except GitError as exc:
        now = git.rev_parse("HEAD^{commit}")
        cause = "HEAD moved while fluxer-patch ran" if now != checkout.head else "git could not move HEAD"
        raise GitError(f"the files are written but not committed: {cause} ({exc})") from None
    try:
        git.run("update-index", "-q", "--", *paths)
    except GitError as exc:
        raise GitError(f"committed, but the index entries of the fixed files could not be refreshed ({exc}); "
                       "run `git update-index -q -- <the fixed files>` before your next commit") from None
