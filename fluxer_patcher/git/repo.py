"""A git repository as the tool uses it: opened once, named one way, revisions resolved by git."""

from __future__ import annotations

import os
from functools import cached_property

from fluxer_patcher.errors import GitFailure
from fluxer_patcher.git.runner import Git, Handle, RevisionError, open_handle, stderr_problem
from fluxer_patcher.record import dataclass

__all__ = ["Repository", "RevisionError", "open_repo"]

# git's refusals that are about the repository, not the revision asked for
_ENVIRONMENT = ("dubious ownership", "not a git repository", "permission denied", "unable to read",
                "could not read", "corrupt", "bad object", "missing")


@dataclass
class Repository:
    handle: Handle

    @cached_property
    def git(self) -> Git:
        return Git(git_dir=self.handle.git_dir)

    @property
    def git_dir(self) -> str:
        return self.handle.git_dir

    @property
    def label(self) -> str:
        """How reports name the repository: its work tree, or its git directory when it has none."""
        return self.handle.working_dir or self.handle.git_dir

    def resolve(self, rev: str) -> str:
        """The full commit id ``rev`` names; :class:`RevisionError` when there is none."""
        proc = self.git.run("rev-parse", "--verify", "--end-of-options", f"{rev}^{{commit}}", check=False)
        if proc.returncode == 0:
            return proc.stdout.decode().strip()
        problem = stderr_problem(proc.stderr)
        if any(p in problem.lower() for p in _ENVIRONMENT):
            raise GitFailure(f"{self.label}: {problem}")
        raise RevisionError(f"{rev}: unknown revision in {self.label}")

    def read(self, binsha: bytes) -> tuple[str, bytes]:
        """An object's type and content."""
        return self.handle.read(binsha)

    def remotes(self) -> list[str]:
        return self.git.out("remote").split()


def open_repo(path: str | os.PathLike[str]) -> Repository:
    return Repository(open_handle(path))
