"""Read-only access to the files of a tree: the :class:`Source` protocol and its errors.

Everything the engine reads goes through a :class:`Source`, so the same fixes run on a
working tree on disk, on an in-memory tree (tests, manifest examples) or on a git
revision read straight from objects.  Paths are POSIX, relative to the tree's root.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from fluxer_patcher.errors import BadInput

TYPE_CHECKING = False  # typing's, without importing typing (a replay asks a tree again with little imported)
if TYPE_CHECKING:
    from typing import Protocol
else:
    Protocol = object  # a protocol only type checkers look at


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


class NotUtf8(BadInput):
    """A target file is not UTF-8 text (bad input, not a per-fix error)."""

    def __init__(self, path: str, exc: UnicodeDecodeError) -> None:
        super().__init__(f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})")
        self.path = path


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

    def identity(self, path: str) -> str | None:
        """What is at ``path`` as a content identity (a git ``"<mode> <object id>"``, file or
        directory), for caching; ``None`` when it is absent or the source has no identities."""
        ...


class InsideGitDir(SourceError):
    def __init__(self, path: str, resolved: str | None = None) -> None:
        to = f" (it leads to {resolved})" if resolved else ""
        super().__init__(path, f"inside .git/{to}: git's own files are never targets; refused")


def in_git_dir(path: str) -> bool:
    """Whether a relative POSIX path names something inside a ``.git`` directory (any case)."""
    lowered = path.lower()
    return ".git" in lowered and any(part == ".git" for part in lowered.split("/"))


def check_relative(path: str) -> None:
    if path.startswith("/") or ".." in path.split("/"):
        raise SourceError(path, "path escapes the tree")
    if in_git_dir(path):
        raise InsideGitDir(path)


def any_exists(source: Source, paths: Iterable[str]) -> bool:
    return any(source.is_file(p) for p in paths)


def whole_word(text: str) -> re.Pattern[bytes]:
    """``text`` as a whole word of file content (``FLUXER_CONFIG`` is not in ``__FLUXER_CONFIG__``)."""
    return re.compile(rb"(?<![\w])" + re.escape(text.encode("utf-8")) + rb"(?![\w])")
