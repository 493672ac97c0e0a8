"""A directory on disk as a :class:`~fluxer_patcher.source.base.Source`."""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Sequence

from fluxer_patcher.errors import BadInput
from fluxer_patcher.files import read_regular
from fluxer_patcher.source.base import (
    FileMissing,
    InsideGitDir,
    OutsideTree,
    SourceError,
    check_relative,
    in_git_dir,
    whole_word,
)

_NOT_SEARCHED = frozenset({".git", "node_modules"})


def _pathspec(pattern: str, path: str) -> bool:
    pattern = pattern.rstrip("/")
    if path == pattern or path.startswith(pattern + "/"):
        return True
    name = path.rsplit("/", 1)[-1]
    return fnmatch.fnmatchcase(path, pattern) or ("/" not in pattern and fnmatch.fnmatchcase(name, pattern))


def posix_str(path: str) -> str:
    """``str(pathlib.PurePosixPath(path))`` without importing :mod:`pathlib`: empty and ``.``
    parts dropped, one leading slash kept (two when there are exactly two), ``.`` for nothing."""
    stripped = path.lstrip("/")
    lead = len(path) - len(stripped)
    root = "//" if lead == 2 else "/" if lead else ""
    return root + "/".join(p for p in stripped.split("/") if p and p != ".") or "."


class WorkTree:
    """A directory on disk (strings only: a replay, ``app.replay``, asks one again with
    :mod:`pathlib` not imported)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self._root = posix_str(os.fspath(root))  # as a pathlib.Path of it prints
        self._real_root = os.path.realpath(self._root)
        self._paths: list[str] | None = None
        self._dirs: dict[str, str] = {}  # a directory's real path, by its path in the tree

    @property
    def root(self) -> str:
        return self._root

    @property
    def label(self) -> str:
        return self._root

    def resolve(self, path: str) -> str:
        """The real location of ``path``, refusing one that leads outside the tree."""
        check_relative(path)
        real = self._realpath(path)
        rel = self._inside(real)
        if rel is None:
            raise OutsideTree(path, real)
        if in_git_dir(rel.replace(os.sep, "/")):
            raise InsideGitDir(path, real)
        return real

    def _inside(self, real: str) -> str | None:
        """``real`` (a real path) relative to the tree's root, ``None`` when it is outside: the
        same answer as ``os.path.commonpath``/``os.path.relpath``, both real paths being
        normalised, without their cost."""
        root = self._real_root
        if real == root:
            return "."
        base = root if root.endswith(os.sep) else root + os.sep  # the root directory "/" ends with one
        return real[len(base):] if real.startswith(base) else None

    def _realpath(self, path: str) -> str:
        """``os.path.realpath`` of ``path`` in the tree, its directory's resolved once per run
        (a run asks for many files of few directories; the file itself is still followed)."""
        folder, _, name = path.rpartition("/")
        if name in ("", ".") or any(part in ("", ".") for part in folder.split("/") if folder):
            return os.path.realpath(posix_str(f"{self._root}/{path}"))
        return self._follow(self._real_dir(folder), name)

    def _real_dir(self, folder: str) -> str:
        """The real path of the tree's directory ``folder`` (no ``.``, ``..`` or empty parts):
        its parent's, joined with its name and followed if that is a symlink, as
        ``os.path.realpath`` resolves it component by component."""
        if not folder:
            return self._real_root
        base = self._dirs.get(folder)
        if base is None:
            parent, _, name = folder.rpartition("/")
            base = self._dirs[folder] = self._follow(self._real_dir(parent), name)
        return base

    @staticmethod
    def _follow(base: str, name: str) -> str:
        candidate = os.path.join(base, name)
        return os.path.realpath(candidate) if os.path.islink(candidate) else candidate

    def read(self, path: str) -> bytes:
        real = self.resolve(path)
        try:
            return read_regular(real)
        except FileNotFoundError:
            raise FileMissing(path) from None
        except IsADirectoryError:
            raise SourceError(path, "is a directory, expected a file") from None
        except PermissionError:
            raise SourceError(path, "permission denied") from None
        except OSError as exc:
            raise SourceError(path, exc.strerror or str(exc)) from None

    def is_file(self, path: str) -> bool:
        try:
            return stat.S_ISREG(os.stat(self.resolve(path)).st_mode)
        except (SourceError, OSError):  # missing, or a directory on the way we may not enter
            return False

    def list_dir(self, path: str) -> list[str]:
        try:
            real = self.resolve(path) if path not in ("", ".") else self._real_root
            names = sorted(os.listdir(real))
        except (SourceError, OSError):
            return []
        for name in names:
            try:
                name.encode("utf-8")
            except UnicodeEncodeError:
                shown = os.fsencode(name).decode("ascii", "backslashreplace")
                raise BadInput(f"{path.rstrip('/')}/{shown}: a file name that is not UTF-8; "
                               "rename it (or move it out of the checkout)") from None
        return names

    def mode(self, path: str) -> int | None:
        try:
            return stat.S_IMODE(os.stat(self.resolve(path)).st_mode)
        except (SourceError, OSError):
            return None

    def identity(self, path: str) -> str | None:
        return None

    # -- searching the whole tree (drift explanations, as on a revision) --------------------

    def paths(self) -> list[str]:
        """Every regular file of the tree (``.git`` and ``node_modules`` left out), sorted;
        listed once per run (a run never changes the tree before it writes)."""
        if self._paths is None:
            self._paths = self._walk()
        return list(self._paths)

    def _walk(self) -> list[str]:
        found: list[str] = []
        for folder, dirs, files in os.walk(self._real_root):
            dirs[:] = sorted(d for d in dirs if d not in _NOT_SEARCHED and not os.path.islink(os.path.join(folder, d)))
            rel = os.path.relpath(folder, self._real_root)
            for name in sorted(files):
                path = name if rel == "." else f"{rel}/{name}".replace(os.sep, "/")
                if os.path.isfile(os.path.join(folder, name)) and not os.path.islink(os.path.join(folder, name)):
                    found.append(path)
        return found

    def grep(self, literals: Sequence[str], globs: Sequence[str], word: bool = False) -> list[str]:
        """Files matching ``globs`` (git pathspec style: a pattern without ``/`` matches the
        file name at any depth; a path matches itself and what is under it) that contain
        every one of ``literals`` (as whole words with ``word``)."""
        needles = [whole_word(t) if word else re.compile(re.escape(t.encode())) for t in literals]
        plain = [t.encode("utf-8") for t in literals]  # a substring test first: most files lack them
        out = []
        for path in self.paths():
            if globs and not any(_pathspec(g, path) for g in globs):
                continue
            try:
                data = read_regular(posix_str(f"{self._root}/{path}"))
            except OSError:
                continue
            if not all(p in data for p in plain) or b"\0" in data[:8000]:  # binary, as git grep -I
                continue
            if all(n.search(data) for n in needles):
                out.append(path)
        return out
