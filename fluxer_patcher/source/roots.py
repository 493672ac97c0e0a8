"""Which directory a command on a checkout works on, and whether it can: with nothing of the
package imported, so that :mod:`fluxer_patcher.app.replay` can ask again cheaply."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path


def directory_problem(path: Path) -> str | None:
    """Why ``path`` cannot be worked on (one line), or ``None``."""
    if not path.exists():
        return f"{path}: no such directory"
    if not path.is_dir():
        return f"{path}: not a directory (give the root of a Fluxer checkout)"
    if not os.access(path, os.R_OK | os.X_OK):
        return f"{path}: permission denied"
    return None


def find_root(start: Path, holds: Callable[[Path], bool]) -> Path:
    """The directory to work on, found from ``start`` as git and ruff find theirs: ``start``
    or the first parent that ``holds`` what the command reads, not past the top of the git
    worktree (a directory holding ``.git``).  ``start`` itself when none does (its error then
    names it)."""
    start = start.absolute() if start.exists() else start
    if not start.is_dir() or holds(start):
        return start
    for parent in start.parents:
        if holds(parent):
            return parent
        if (parent / ".git").exists():
            break
    return start


def tree_root(start: Path, files: Sequence[str]) -> Path:
    """The checkout ``start`` is in: the first directory up holding one of ``files``."""
    found = find_root(start, lambda d: any((d / f).is_file() for f in files))
    return found if found != start.absolute() else start


def checkout_root(path: Path | None, files: Sequence[str]) -> Path:
    """PATH (default: the current directory), or the checkout holding one of ``files`` it is
    inside; relative when PATH was."""
    start = path if path is not None else Path(".")
    root = tree_root(start, files)
    if root == start or start.is_absolute():
        return root
    return Path(os.path.relpath(root))
