"""Read-only access to the files of a Fluxer tree.

Everything the engine reads goes through a :class:`Source`, so the same fixes run on a
working tree on disk, on an in-memory tree (tests, manifest examples) or on a git
revision read straight from objects.  Paths are POSIX, relative to the tree's root.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol


class SourceError(Exception):
    """A file could not be read; ``str()`` is a one-line explanation."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(f"{path}: {why}")
        self.path = path
        self.why = why


class FileMissing(SourceError):
    def __init__(self, path: str) -> None:
        super().__init__(path, "no such file")


class OutsideTree(SourceError):
    def __init__(self, path: str, resolved: str) -> None:
        super().__init__(path, f"symlink leads outside the tree (to {resolved}); refused")


class Source(Protocol):
    """What the engine needs from a tree."""

    @property
    def label(self) -> str:
        """How reports name the tree (a directory, or ``repo@sha``)."""
        ...

    def read(self, path: str) -> bytes:
        """The file's bytes; raises :class:`FileMissing` or :class:`SourceError`."""
        ...

    def is_file(self, path: str) -> bool: ...

    def list_dir(self, path: str) -> list[str]:
        """Sorted names of the entries of a directory; empty when it does not exist."""
        ...

    def mode(self, path: str) -> int | None:
        """Permission bits of a file (``0o644``, ``0o755``), ``None`` when unknown."""
        ...

    def version(self, path: str) -> str | None:
        """A content identity (a git blob id) for caching, ``None`` when the source has none."""
        ...


def _check_rel(path: str) -> None:
    if path.startswith("/") or ".." in path.split("/"):
        raise SourceError(path, "path escapes the tree")


class WorkTree:
    """A directory on disk."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._real_root = os.path.realpath(self.root)

    @property
    def label(self) -> str:
        return str(self.root)

    def resolve(self, path: str) -> Path:
        """The real location of ``path``, refusing one that leads outside the tree."""
        _check_rel(path)
        full = self.root / path
        real = os.path.realpath(full)
        if os.path.commonpath([real, self._real_root]) != self._real_root:
            raise OutsideTree(path, real)
        return Path(real)

    def read(self, path: str) -> bytes:
        real = self.resolve(path)
        try:
            return real.read_bytes()
        except FileNotFoundError:
            raise FileMissing(path) from None
        except IsADirectoryError:
            raise SourceError(path, "is a directory, expected a file") from None
        except OSError as exc:
            raise SourceError(path, exc.strerror or str(exc)) from None

    def is_file(self, path: str) -> bool:
        try:
            return self.resolve(path).is_file()
        except SourceError:
            return False

    def list_dir(self, path: str) -> list[str]:
        try:
            real = self.resolve(path) if path not in ("", ".") else Path(self._real_root)
            return sorted(os.listdir(real))
        except (SourceError, OSError):
            return []

    def mode(self, path: str) -> int | None:
        try:
            return stat.S_IMODE(self.resolve(path).stat().st_mode)
        except (SourceError, OSError):
            return None

    def version(self, path: str) -> str | None:
        return None


class MemoryTree:
    """A tree held in a mapping ``{path: bytes | str}``; used by tests and manifest examples."""

    def __init__(self, files: Mapping[str, bytes | str], label: str = "<memory>") -> None:
        self.files = {p: (v.encode() if isinstance(v, str) else v) for p, v in files.items()}
        self._label = label

    @property
    def label(self) -> str:
        return self._label

    def read(self, path: str) -> bytes:
        _check_rel(path)
        try:
            return self.files[path]
        except KeyError:
            raise FileMissing(path) from None

    def is_file(self, path: str) -> bool:
        return path in self.files

    def list_dir(self, path: str) -> list[str]:
        prefix = "" if path in ("", ".") else path.rstrip("/") + "/"
        names = {p[len(prefix) :].split("/", 1)[0] for p in self.files if p.startswith(prefix)}
        return sorted(names)

    def mode(self, path: str) -> int | None:
        return 0o644 if path in self.files else None

    def version(self, path: str) -> str | None:
        return None


def any_exists(source: Source, paths: Iterable[str]) -> bool:
    return any(source.is_file(p) for p in paths)
