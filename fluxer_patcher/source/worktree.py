"""A directory on disk as a :class:`~fluxer_patcher.source.base.Source`."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from fluxer_patcher.errors import BadInput
from fluxer_patcher.files import read_regular
from fluxer_patcher.source.base import (
    FileMissing,
    InsideGitDir,
    OutsideTree,
    SourceError,
    check_relative,
    in_git_dir,
)


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
        check_relative(path)
        full = self.root / path
        real = os.path.realpath(full)
        if os.path.commonpath([real, self._real_root]) != self._real_root:
            raise OutsideTree(path, real)
        if in_git_dir(os.path.relpath(real, self._real_root).replace(os.sep, "/")):
            raise InsideGitDir(path, real)
        return Path(real)

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
            real = self.resolve(path) if path not in ("", ".") else Path(self._real_root)
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
            return stat.S_IMODE(self.resolve(path).stat().st_mode)
        except (SourceError, OSError):
            return None

    def identity(self, path: str) -> str | None:
        return None
