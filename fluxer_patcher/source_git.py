"""A :class:`~fluxer_patcher.source.Source` over a git revision, read straight from objects.

No checkout, no worktree, no change to the repository: objects are read through GitPython
(one ``git cat-file --batch`` process for the whole run).  Tree objects are immutable, so
revisions of one repository can share an :class:`ObjectCache`: walking a history then
reads only the trees that changed from one commit to the next.
"""

from __future__ import annotations

import posixpath
import re
import weakref
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from fluxer_patcher.errors import BadInput
from fluxer_patcher.source import FileMissing, OutsideTree, SourceError

if TYPE_CHECKING:
    import git

_TYPE_MASK = 0o170000
_TREE, _BLOB, _SYMLINK = 0o040000, 0o100000, 0o120000
_MAX_LINKS = 40
_FULL_SHA = re.compile(r"^[0-9a-f]{40}$")

Entry = tuple[int, bytes]  # (mode, binary object id)


class RevisionError(BadInput):
    """The repository or revision cannot be used; ``str()`` is one line."""


# Bare repositories without a config file (mirrors), as open_repo found them.
_MIRRORS: weakref.WeakSet[git.Repo] = weakref.WeakSet()


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
        _MIRRORS.add(repo)
    return repo


def repo_label(repo: git.Repo) -> str:
    """How reports name a repository: its work tree, or its git directory when it has none."""
    return str(repo.git_dir if repo.bare or repo in _MIRRORS else repo.working_dir)


class ObjectCache:
    """Parsed tree objects of one repository, by object id (safe to share: trees never change)."""

    LIMIT = 50_000  # trees kept before the cache starts over

    def __init__(self, repo: git.Repo) -> None:
        self.repo = repo
        self._trees: dict[bytes, dict[str, Entry]] = {}

    def tree(self, binsha: bytes) -> dict[str, Entry]:
        cached = self._trees.get(binsha)
        if cached is not None:
            return cached
        from git.objects.fun import tree_entries_from_data

        data = self.repo.odb.stream(binsha).read()
        entries = {name: (mode, sha) for sha, mode, name in tree_entries_from_data(data)}
        if len(self._trees) >= self.LIMIT:
            self._trees.clear()
        self._trees[binsha] = entries
        return entries

    def blob(self, binsha: bytes) -> bytes:
        data: bytes = self.repo.odb.stream(binsha).read()
        return data

    def commit_tree(self, binsha: bytes) -> bytes:
        """The root tree id of a commit object."""
        header = self.repo.odb.stream(binsha).read()  # read it all: the stream shares one pipe
        if not header.startswith(b"tree "):
            raise ValueError("not a commit")
        return bytes.fromhex(header[5:45].decode("ascii"))


def resolve(repo: git.Repo, rev: str) -> str:
    """The full commit id ``rev`` names; :class:`RevisionError` when there is none."""
    import git

    try:
        # git's own rev-parse: GitPython's resolves neither short ids in packs nor `@{u}`.
        sha: str = repo.git.rev_parse("--verify", "--end-of-options", f"{rev}^{{commit}}")
    except (git.BadName, ValueError, git.GitCommandError):
        raise RevisionError(f"{rev}: unknown revision in {repo_label(repo)}") from None
    return sha.strip()


class GitRevision:
    def __init__(self, repo: git.Repo, rev: str, objects: ObjectCache | None = None) -> None:
        self.repo = repo
        self.objects = objects or ObjectCache(repo)
        # A full id is checked against the object database directly: no process per commit
        # when a history walk builds one revision per commit.
        sha = rev if _FULL_SHA.match(rev) else resolve(repo, rev)
        try:
            self._tree = self.objects.commit_tree(bytes.fromhex(sha))
        except ValueError:
            sha = resolve(repo, rev)
            self._tree = self.objects.commit_tree(bytes.fromhex(sha))
        self.sha = sha

    @cached_property
    def label(self) -> str:
        return f"{repo_label(self.repo)}@{self.sha[:12]}"

    def _walk(self, path: str, depth: int = 0) -> tuple[str, Entry]:
        """The real path and ``(mode, id)`` of the object at ``path``, following symlinks that
        stay inside the tree."""
        if path.startswith("/") or ".." in path.split("/"):
            raise SourceError(path, "path escapes the tree")
        parts = [p for p in path.split("/") if p not in ("", ".")]
        entry: Entry = (_TREE, self._tree)
        for i, part in enumerate(parts):
            if entry[0] & _TYPE_MASK != _TREE:
                raise FileMissing(path)
            found = self.objects.tree(entry[1]).get(part)
            if found is None:
                raise FileMissing(path)
            entry = found
            if entry[0] & _TYPE_MASK == _SYMLINK:
                if depth >= _MAX_LINKS:
                    raise SourceError(path, "too many levels of symbolic links")
                target = self.objects.blob(entry[1]).decode("utf-8", "replace")
                joined = posixpath.normpath(posixpath.join("/".join(parts[:i]), target))
                if target.startswith("/") or joined == ".." or joined.startswith("../"):
                    raise OutsideTree(path, target)
                rest = "/".join([joined, *parts[i + 1 :]]).strip("/")
                return self._walk(rest, depth + 1)
        return "/".join(parts), entry

    def _entry(self, path: str) -> Entry:
        return self._walk(path)[1]

    def resolve(self, path: str) -> str:
        """The path of the file ``path`` names once symlinks inside the tree are followed."""
        return self._walk(path)[0]

    def read(self, path: str) -> bytes:
        mode, sha = self._entry(path)
        if mode & _TYPE_MASK != _BLOB:
            raise SourceError(path, "is a directory, expected a file")
        return self.objects.blob(sha)

    def is_file(self, path: str) -> bool:
        try:
            return self._entry(path)[0] & _TYPE_MASK == _BLOB
        except SourceError:
            return False

    def list_dir(self, path: str) -> list[str]:
        try:
            mode, sha = self._entry(path)
        except SourceError:
            return []
        if mode & _TYPE_MASK != _TREE:
            return []
        return sorted(self.objects.tree(sha))

    def mode(self, path: str) -> int | None:
        try:
            mode, _ = self._entry(path)
        except SourceError:
            return None
        return mode & 0o777 if mode & _TYPE_MASK == _BLOB else None

    def version(self, path: str) -> str | None:
        try:
            return self._entry(path)[1].hex()
        except SourceError:
            return None

    def object_id(self, path: str) -> str | None:
        """``"<mode> <id>"`` of what ``path`` leads to (file or directory), ``None`` when absent.

        Two revisions that give the same answer hold the same bytes (or listing) there."""
        try:
            mode, sha = self._entry(path)
        except SourceError:
            return None
        return f"{mode:o} {sha.hex()}"

    # -- searching the whole tree (drift explanations) ------------------------------------

    def paths(self) -> list[str]:
        """Every file path of the revision."""
        return list(self._paths)

    @cached_property
    def _paths(self) -> tuple[str, ...]:
        out: str = self.repo.git.ls_tree("-r", "-z", "--name-only", "--full-tree", self.sha)
        return tuple(p for p in out.split("\0") if p)

    def grep(self, literals: Sequence[str], globs: Sequence[str]) -> list[str]:
        """Files matching ``globs`` that contain every one of ``literals``."""
        import git

        args = ["-l", "-z", "-F", "-I", "--all-match"]
        for literal in literals:
            args += ["-e", literal]
        try:
            out: str = self.repo.git.grep(*args, self.sha, "--", *globs)
        except git.GitCommandError:  # exit 1: no match
            return []
        prefix = f"{self.sha}:"
        return [line[len(prefix) :] if line.startswith(prefix) else line for line in out.split("\0") if line]
