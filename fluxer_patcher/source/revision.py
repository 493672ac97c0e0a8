"""A :class:`~fluxer_patcher.source.base.Source` over a git revision, read straight from objects.

No checkout, no worktree, no change to the repository: objects are read through the git
layer (one ``git cat-file --batch`` process for the whole run).  Tree objects are
immutable, so revisions of one repository can share an :class:`ObjectCache`: walking a
history then reads only the trees that changed from one commit to the next.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from functools import cached_property

from fluxer_patcher.git.objects import Entry, NotACommit, ObjectCache
from fluxer_patcher.git.repo import Repository
from fluxer_patcher.git.runner import MissingObject
from fluxer_patcher.source.base import FileMissing, OutsideTree, SourceError, check_relative

_TYPE_MASK = 0o170000
_TREE, _BLOB, _SYMLINK = 0o040000, 0o100000, 0o120000
_MAX_LINKS = 40
_FULL_SHA = re.compile(r"^[0-9a-f]{40}$")


def _missing(sha: str) -> str:
    return (f"object {sha[:12]} is missing from the repository (a partial or shallow clone that cannot fetch it, "
            "or a damaged repository)")


class GitRevision:
    def __init__(self, repo: Repository, rev: str, objects: ObjectCache | None = None, *,
                 tree: str | None = None) -> None:
        """``tree``: the root tree id of ``rev``, a full commit id, when the caller knows it
        (a history walk lists them with the commits): the commit object is not read."""
        self.repo = repo
        self.objects = objects or ObjectCache(repo)
        self._found: dict[str, tuple[str, Entry] | str] = {}  # path -> what _walk found, or the missing path
        if tree is not None and _FULL_SHA.match(rev) and _FULL_SHA.match(tree):
            self._tree, self.sha = bytes.fromhex(tree), rev
            return
        # A full id is checked against the object database directly: no process per commit
        # when a history walk builds one revision per commit.
        sha = rev if _FULL_SHA.match(rev) else repo.resolve(rev)
        try:
            self._tree = self.objects.commit_tree(bytes.fromhex(sha))
        except (NotACommit, MissingObject, ValueError):
            sha = repo.resolve(rev)
            self._tree = self.objects.commit_tree(bytes.fromhex(sha))
        self.sha = sha

    @property
    def root(self) -> bytes:
        """The id of the revision's root tree."""
        return self._tree

    @cached_property
    def label(self) -> str:
        return f"{self.repo.label}@{self.sha[:12]}"

    def _walk(self, path: str, depth: int = 0) -> tuple[str, Entry]:
        """The real path and ``(mode, id)`` of the object at ``path``, following symlinks that
        stay inside the tree."""
        check_relative(path)
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

    def _found_at(self, path: str) -> tuple[str, Entry]:
        """:meth:`_walk` from the root, once per path (a revision never changes): fixes and
        the drift walk ask for the same paths again and again."""
        found = self._found.get(path)
        if found is not None:
            if isinstance(found, str):
                raise FileMissing(found)
            return found
        try:
            found = self._walk(path)
        except FileMissing as exc:
            self._found[path] = exc.path  # the path as the walk had it past symlinks
            raise
        except MissingObject as exc:
            raise SourceError(path, _missing(str(exc))) from None
        self._found[path] = found
        return found

    def _entry(self, path: str) -> Entry:
        return self._found_at(path)[1]

    def resolve(self, path: str) -> str:
        """The path of the file ``path`` names once symlinks inside the tree are followed."""
        return self._found_at(path)[0]

    def read(self, path: str) -> bytes:
        mode, sha = self._entry(path)
        if mode & _TYPE_MASK != _BLOB:
            raise SourceError(path, "is a directory, expected a file")
        try:
            return self.objects.blob(sha)
        except MissingObject:
            raise SourceError(path, _missing(sha.hex())) from None

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
        entries = self.objects.tree(sha)
        self.objects.listed(entries)
        return sorted(entries)

    def mode(self, path: str) -> int | None:
        try:
            mode, _ = self._entry(path)
        except SourceError:
            return None
        return mode & 0o777 if mode & _TYPE_MASK == _BLOB else None

    def identity(self, path: str) -> str | None:
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
        out = self.repo.git.run("ls-tree", "-r", "-z", "--name-only", "--full-tree", self.sha).stdout.decode(
            "utf-8", "surrogateescape"
        )
        return tuple(p for p in out.split("\0") if p)

    def grep(self, literals: Sequence[str], globs: Sequence[str], word: bool = False) -> list[str]:
        """Files matching ``globs`` that contain every one of ``literals`` (as whole words
        with ``word``)."""
        args = ["grep", "-l", "-z", "-F", "-I", "--all-match", *(["-w"] if word else [])]
        for literal in literals:
            args += ["-e", literal]
        proc = self.repo.git.run(*args, self.sha, "--", *globs, check=False)
        if proc.returncode != 0:  # exit 1: no match
            return []
        out = proc.stdout.decode("utf-8", "surrogateescape")
        prefix = f"{self.sha}:"
        return [line[len(prefix) :] if line.startswith(prefix) else line for line in out.split("\0") if line]
