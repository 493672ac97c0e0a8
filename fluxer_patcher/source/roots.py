"""Which directory a command on a checkout works on, and whether it can.

Every question these functions ask of the file system goes through :class:`Probes`, which
keeps it with its answer; :func:`still_so` asks them again with :mod:`os` alone, so that a
replay (:mod:`fluxer_patcher.app.replay`) checks the directory it would work on without
importing :mod:`pathlib` or anything of the package: the same answers, the same directory."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Sequence

TYPE_CHECKING = False  # typing's, without importing typing
if TYPE_CHECKING:
    from pathlib import Path

# (question, path as given to os.stat, answer): "exists", "is_dir", "is_file" (Path's methods)
# or "access" (os.access for reading and entering)
Probe = tuple[str, str, bool]

# The errors pathlib's exists/is_dir/is_file answer False to (Python 3.11 and 3.12); any other
# makes still_so raise, so that a replay misses rather than guesses.
_ABSENT = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


class Probes:
    """The file-system questions asked, with their answers, in order."""

    def __init__(self) -> None:
        self.seen: list[Probe] = []

    def _noted(self, question: str, path: Path, answer: bool) -> bool:
        self.seen.append((question, str(path), answer))
        return answer

    def exists(self, path: Path) -> bool:
        return self._noted("exists", path, path.exists())

    def is_dir(self, path: Path) -> bool:
        return self._noted("is_dir", path, path.is_dir())

    def is_file(self, path: Path) -> bool:
        return self._noted("is_file", path, path.is_file())

    def access(self, path: Path) -> bool:
        return self._noted("access", path, os.access(path, os.R_OK | os.X_OK))


def _answer(question: str, path: str) -> bool:
    if question == "access":
        return os.access(path, os.R_OK | os.X_OK)
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno in _ABSENT:
            return False
        raise
    except ValueError:  # a NUL in the path, as pathlib answers it
        return False
    if question == "exists":
        return True
    if question == "is_dir":
        return stat.S_ISDIR(mode)
    if question == "is_file":
        return stat.S_ISREG(mode)
    raise ValueError(f"not a question: {question}")


def still_so(probes: Sequence[Probe]) -> bool:
    """Whether every probe gets its answer again (an error asking one: raised)."""
    return all(_answer(question, path) == answer for question, path, answer in probes)


def directory_problem(path: Path, probes: Probes | None = None) -> str | None:
    """Why ``path`` cannot be worked on (one line), or ``None``."""
    probes = probes or Probes()
    if not probes.exists(path):
        return f"{path}: no such directory"
    if not probes.is_dir(path):
        return f"{path}: not a directory (give the root of a Fluxer checkout)"
    if not probes.access(path):
        return f"{path}: permission denied"
    return None


def find_root(start: Path, holds: Callable[[Path], bool], probes: Probes | None = None) -> Path:
    """The directory to work on, found from ``start`` as git and ruff find theirs: ``start``
    or the first parent that ``holds`` what the command reads, not past the top of the git
    worktree (a directory holding ``.git``).  ``start`` itself when none does (its error then
    names it)."""
    probes = probes or Probes()
    start = start.absolute() if probes.exists(start) else start
    if not probes.is_dir(start) or holds(start):
        return start
    for parent in start.parents:
        if holds(parent):
            return parent
        if probes.exists(parent / ".git"):
            break
    return start


def tree_root(start: Path, files: Sequence[str], probes: Probes | None = None) -> Path:
    """The checkout ``start`` is in: the first directory up holding one of ``files``."""
    probes = probes or Probes()
    found = find_root(start, lambda d: any(probes.is_file(d / f) for f in files), probes)
    return found if found != start.absolute() else start


def checkout_root(path: Path | None, files: Sequence[str], probes: Probes | None = None) -> Path:
    """PATH (default: the current directory), or the checkout holding one of ``files`` it is
    inside; relative when PATH was."""
    from pathlib import Path

    start = path if path is not None else Path(".")
    root = tree_root(start, files, probes)
    if root == start or start.is_absolute():
        return root
    return Path(os.path.relpath(root))
