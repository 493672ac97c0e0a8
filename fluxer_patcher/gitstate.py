"""What git knows about a working tree, read with the git command (no repository library:
a plain ``apply`` must stay fast)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def local_changes(root: Path, paths: list[str]) -> list[str]:
    """Those of ``paths`` that differ from HEAD in the git worktree at ``root`` (if any)."""
    if not paths or shutil.which("git") is None:
        return []
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain=v1", "-z", "--no-renames", "--", *paths],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    if proc.returncode != 0:
        return []  # not a git worktree
    prefix = _prefix(root)
    dirty = []
    for entry in proc.stdout.decode("utf-8", "replace").split("\0"):
        if len(entry) > 3:
            path = entry[3:]
            dirty.append(path[len(prefix) :] if prefix and path.startswith(prefix) else path)
    return sorted({p for p in dirty if p in paths})


def _prefix(root: Path) -> str:
    """The worktree-relative prefix of ``root`` when it is a subdirectory of a repository."""
    proc = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--show-prefix"], capture_output=True, check=False, timeout=30
    )
    return proc.stdout.decode().strip() if proc.returncode == 0 else ""
