"""A :class:`~fluxer_patcher.source.Source` over a git revision, read straight from objects.

No checkout, no worktree, no change to the repository: blobs are read through GitPython
(one ``git cat-file --batch`` process for the whole run).
"""

from __future__ import annotations

import posixpath
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from fluxer_patcher.source import FileMissing, OutsideTree, SourceError

if TYPE_CHECKING:
    import git

_SYMLINK = 0o120000
_MAX_LINKS = 40


class RevisionError(Exception):
    """The repository or revision cannot be used; ``str()`` is one line."""


def open_repo(path: str | Path) -> git.Repo:
    import git

    try:
        repo = git.Repo(path, search_parent_directories=False)
    except git.NoSuchPathError:
        raise RevisionError(f"{path}: no such directory") from None
    except git.InvalidGitRepositoryError:
        raise RevisionError(f"{path}: not a git repository") from None
    if not repo.bare and repo.working_dir and not Path(repo.working_dir, ".git").exists():
        # A bare repository without a config file (a mirror): GitPython takes its parent for
        # a work tree, so point its git commands at the repository itself.
        repo.git.update_environment(GIT_DIR=repo.git_dir)
    return repo


class GitRevision:
    def __init__(self, repo: git.Repo, rev: str) -> None:
        import git

        self.repo = repo
        self.rev = rev
        try:
            # git's own rev-parse: GitPython's resolves neither short ids in packs nor `@{u}`.
            sha = repo.git.rev_parse("--verify", "--end-of-options", f"{rev}^{{commit}}")
            self.commit = repo.commit(sha)
        except (git.BadName, ValueError, git.GitCommandError):
            raise RevisionError(f"{rev}: unknown revision in {repo.working_dir or repo.git_dir}") from None
        self.tree = self.commit.tree

    @cached_property
    def label(self) -> str:
        bare = self.repo.bare or "GIT_DIR" in self.repo.git.environment()
        return f"{self.repo.git_dir if bare else self.repo.working_dir}@{self.commit.hexsha[:12]}"

    def _entry(self, path: str, depth: int = 0) -> tuple[str, git.Blob | git.Tree]:
        """The object at ``path``, following symlinks that stay inside the tree."""
        if path.startswith("/") or ".." in path.split("/"):
            raise SourceError(path, "path escapes the tree")
        parts = [p for p in path.split("/") if p not in ("", ".")]
        obj: git.Blob | git.Tree = self.tree
        walked: list[str] = []
        for i, part in enumerate(parts):
            if obj.type != "tree":
                raise FileMissing(path)
            try:
                obj = obj / part
            except KeyError:
                raise FileMissing(path) from None
            walked.append(part)
            if obj.type == "blob" and obj.mode == _SYMLINK:
                if depth >= _MAX_LINKS:
                    raise SourceError(path, "too many levels of symbolic links")
                target = obj.data_stream.read().decode("utf-8", "replace")
                joined = posixpath.normpath(posixpath.join("/".join(walked[:-1]), target))
                if target.startswith("/") or joined == ".." or joined.startswith("../"):
                    raise OutsideTree(path, target)
                rest = "/".join([joined, *parts[i + 1 :]]).strip("/")
                return self._entry(rest, depth + 1)
        return "/".join(parts), obj

    def resolve(self, path: str) -> str:
        """The path of the file ``path`` names once symlinks inside the tree are followed."""
        return self._entry(path)[0]

    def read(self, path: str) -> bytes:
        _, obj = self._entry(path)
        if obj.type != "blob":
            raise SourceError(path, "is a directory, expected a file")
        data: bytes = obj.data_stream.read()
        return data

    def is_file(self, path: str) -> bool:
        try:
            return self._entry(path)[1].type == "blob"
        except SourceError:
            return False

    def list_dir(self, path: str) -> list[str]:
        try:
            _, obj = self._entry(path) if path not in ("", ".") else ("", self.tree)
        except SourceError:
            return []
        if obj.type != "tree":
            return []
        return sorted(entry.name for entry in obj)

    def mode(self, path: str) -> int | None:
        try:
            _, obj = self._entry(path)
        except SourceError:
            return None
        return obj.mode & 0o777 if obj.type == "blob" else None

    def version(self, path: str) -> str | None:
        try:
            return self._entry(path)[1].hexsha
        except SourceError:
            return None
