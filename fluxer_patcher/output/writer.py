"""Writing changes to a working tree: atomic per file, all or nothing across files."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from fluxer_patcher.errors import Refused
from fluxer_patcher.model import FileChange
from fluxer_patcher.source.worktree import WorkTree


class WriteError(Refused):
    """A change could not be written (nothing was: the files already replaced are restored)."""


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over ``path``,
    keeping the file's permission bits."""
    mode = stat.S_IMODE(path.stat().st_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".fluxer-patch", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_changes(tree: WorkTree, changes: list[FileChange]) -> None:
    """Write every change or none: on a failure, files already replaced are restored."""
    targets = [(tree.resolve(c.path), c) for c in changes]  # symlinks write through, inside the tree
    done: list[tuple[Path, FileChange]] = []
    try:
        for real, change in targets:
            if real.read_bytes() != change.before:
                raise WriteError(f"{change.path}: changed on disk while fluxer-patch ran; nothing written")
            _replace(real, change.after)
            done.append((real, change))
    except (OSError, WriteError) as exc:
        for real, change in reversed(done):
            with contextlib.suppress(OSError):
                _replace(real, change.before)
        if isinstance(exc, WriteError):
            raise
        raise WriteError(f"{exc.filename or ''}: {exc.strerror or exc}; nothing written") from None
