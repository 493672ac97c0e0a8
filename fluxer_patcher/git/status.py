"""Which files of a checkout have local changes, as ``git status`` sees them (kept apart from
:mod:`.worktree` so that a replay, ``app.replay``, imports little to ask again)."""

from __future__ import annotations

import os

from fluxer_patcher.errors import GitFailure
from fluxer_patcher.git.spawn import Spawned

_TIMEOUT = 30.0


class LocalChanges:
    """The question for ``paths`` under ``root``, asked at once: ``git status`` runs while the
    caller does other work; :meth:`answer` waits for it.  The directory's prefix in its
    repository (``git rev-parse``) is asked only when git names a changed file: it matters
    only to name one.  Nothing here imports :mod:`subprocess` (:mod:`.spawn`)."""

    def __init__(self, root: str | os.PathLike[str], paths: list[str]) -> None:
        self._paths = paths
        self._root = os.fspath(root)
        self._status: Spawned | None = None
        if not paths:
            return
        try:
            # core.preloadIndex: threads that lstat the index's entries (thousands) in parallel,
            # for the few paths asked; on 2 cores beside a busy caller they cost 1.5-3 ms.
            self._status = Spawned(("-c", "i18n.commitEncoding=UTF-8", "-c", "core.preloadIndex=false",
                                    "--no-optional-locks", "status",
                                    "--porcelain=v1", "-z", "--no-renames", "--", *paths), cwd=self._root)
        except GitFailure:
            return  # no git

    def answer(self) -> list[str]:
        """Those of the paths that differ from HEAD (none when there is no git worktree)."""
        if self._status is None:
            return []
        try:
            proc = self._status.finish(_TIMEOUT)
        except GitFailure:
            return []  # it hangs
        if proc.returncode != 0:
            return []  # not a git worktree
        entries = [entry[3:] for entry in proc.stdout.decode("utf-8", "replace").split("\0") if len(entry) > 3]
        if not entries:
            return []
        from fluxer_patcher.git.runner import Git

        prefixed = Git(cwd=self._root).run("rev-parse", "--show-prefix", check=False, timeout=_TIMEOUT)
        prefix = prefixed.stdout.decode().strip() if prefixed.returncode == 0 else ""
        dirty = [path[len(prefix) :] if prefix and path.startswith(prefix) else path for path in entries]
        return sorted({p for p in dirty if p in self._paths})


def local_changes(root: str | os.PathLike[str], paths: list[str]) -> list[str]:
    """Those of ``paths`` that differ from HEAD in the git worktree at ``root`` (if any)."""
    return LocalChanges(root, paths).answer()
